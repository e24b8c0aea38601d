//===- ConvMicrokernels.h - the parts of se-cpu-conv-microkernels *- C++
//-*-===//
//
// Private to lib/Codegen/CPU. se-cpu-conv-microkernels matches convolutions
// (ConvMatchers.cpp), re-lays out their filters and paddings
// (ConvPacking.cpp), and emits register-blocked loops for them
// (ConvMicrokernels.cpp), directly or as Winograd F(2x2, 3x3)
// (ConvWinograd.cpp). How each convolution is blocked is decided in
// Strategy.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef SE_LIB_CODEGEN_CPU_CONVMICROKERNELS_H
#define SE_LIB_CODEGEN_CPU_CONVMICROKERNELS_H

#include "se/Codegen/CPU/Strategy.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"

#include <optional>

namespace mlir::se::microkernels {

/// How a constant filter is laid out.
enum class FilterLayout {
  /// [KH][KW][C][F].
  HWCF,
  /// [G][F / G][KH][KW][C], C the input channels of a group.
  GFHWC,
};

/// How the accumulators start.
struct Initializer {
  enum class Kind { Scalar, Bias, Tensor } kind;
  /// The scalar, the 1-D bias or the initial output tensor.
  Value value;
};

/// One element-wise consumer fused into the convolution's store: its
/// inputs equal to `chained` take the accumulator.
struct EpilogueStep {
  linalg::GenericOp op;
  Value chained;
};

/// A convolution the microkernels take, seen as NHWC to NHWC.
struct ConvMatch {
  Operation *conv;
  /// The NHWC input (the channels of all groups).
  Value input;
  ConvShape shape;
  Attribute filter;
  FilterLayout layout;
  /// The NHWC result: the convolution's, or the reshape of a grouped one.
  Value result;
  /// That reshape, erased with the convolution.
  Operation *reshape = nullptr;
  /// The initializer; for a reshaped (grouped or depthwise) convolution,
  /// made with its input and output once the match is certain (see
  /// `makeReshapedOperands`).
  Initializer init;
  /// Where the loops write unless an element-wise consumer is fused: the
  /// initializer's destination, or the initial tensor itself.
  Value output;
  /// Set for an integer convolution (signed 8-bit input and filter codes,
  /// i32 accumulators): the input's zero point.
  std::optional<int32_t> inputZeroPoint;
};

/// One output position of a tile.
struct Position {
  Value row, column;
};

//===----------------------------------------------------------------------===//
// Matching (ConvMatchers.cpp)
//===----------------------------------------------------------------------===//

/// The constant behind `value`, looking through slices that take all of it.
Attribute getConstantFilter(Value value);

/// How the accumulators of a convolution that writes `init` start: a fill, a
/// per-channel bias broadcast, or any other tensor.
Initializer classifyInitializer(Value init);

/// Whether `op` can run on the accumulators as `chained`'s only consumer:
/// an element-wise generic over the same NHWC shape whose other inputs are
/// read at the same position or per channel, with a body of element-wise
/// arith/math ops on scalars.
bool isFusibleEpilogue(linalg::GenericOp op, Value chained);

/// An NHWC convolution with a static f32 filter.
std::optional<ConvMatch> matchConvolution(linalg::Conv2DNhwcHwcfOp conv);

/// An NHWC convolution of i8 codes with a constant i8 FHWC filter (zero
/// point 0) into i32 whose accumulators start from zero or a constant
/// bias, and whose input channels are whole groups of four
/// (se-cpu-integer-convolutions' form).
std::optional<ConvMatch>
matchIntegerConvolution(linalg::Conv2DNhwcFhwcQOp conv);
/// The same with a zero input zero point (TOSA's lowering then drops the
/// zero points).
std::optional<ConvMatch> matchIntegerConvolution(linalg::Conv2DNhwcFhwcOp conv);

/// A grouped convolution [N][H][W][G][C] x [G][F][KH][KW][C] whose result
/// is only reshaped to NHWC (the model zoo's and the importer's form).
std::optional<ConvMatch>
matchGroupedConvolution(linalg::Conv2DNhwgcGfhwcOp conv);

/// A depthwise convolution [N][H][W][C] x [KH][KW][C][1] whose result is
/// only reshaped to NHWC: C groups of one channel.
std::optional<ConvMatch>
matchDepthwiseConvolution(linalg::DepthwiseConv2DNhwcHwcmOp conv);

/// A depthwise convolution [N][H][W][C] x [KH][KW][C] on NHWC tensors
/// (se-cpu-simplify-depthwise's form): f32, or i8 codes (zero points 0)
/// into i32 whose accumulators start from zero or a constant bias.
std::optional<ConvMatch>
matchDepthwiseConvolution(linalg::DepthwiseConv2DNhwcHwcOp conv);
/// The integer form with the input's zero point (the filter's 0).
std::optional<ConvMatch>
matchDepthwiseConvolution(linalg::DepthwiseConv2DNhwcHwcQOp conv);

/// An SE block's scale that an ungrouped convolution reads its input
/// through (an MBConv's projection): the convolution's input is the scale
/// of the feature map U by a per-image, per-channel gate, and nothing else
/// reads the scaled map.
struct ScaledInput {
  /// U, NHWC.
  Value featureMap;
  /// N x C.
  Value gate;
  /// The scale, erased with the convolution.
  Operation *scale;
};

/// The scale `match`'s input comes from: the input is the NHWC expansion
/// of a tagged (`se.phase = "scale"`) generic multiplying N x HW x C by
/// N x C, used only there.
std::optional<ScaledInput> matchScaledInput(const ConvMatch &match);

/// The NHWC input, initializer and output of a grouped or depthwise
/// convolution, made before it: the input as is, or reshaped (the source of
/// an expansion); a fill or a per-channel bias broadcast as such, any other
/// initial tensor reshaped.
void makeReshapedOperands(RewriterBase &rewriter, ConvMatch &match);

//===----------------------------------------------------------------------===//
// Filters and paddings (ConvPacking.cpp)
//===----------------------------------------------------------------------===//

/// The padding of `value` when it has one, static and by a constant; its
/// other users (a residual add) may read the padded tensor's interior.
tensor::PadOp getConstantPadding(Value value);

/// A new tensor of `pad`'s result type whose border (all of it, if the
/// source's shape is dynamic) holds the padding value; the caller writes
/// the interior.
Value fillPaddedTensor(RewriterBase &rewriter, Location loc, tensor::PadOp pad);

/// Rewrites a static constant `pad` of a convolution's input that no loop
/// writes in place (a function argument, say) as a fill and an insertion of
/// the interior: the fill is then tiled and run on all threads like any
/// other, and the interior is copied row by row
/// (se-cpu-expand-strided-copies), instead of both running serially in the
/// padding's bufferization.
Value decomposeInputPadding(RewriterBase &rewriter, tensor::PadOp pad);

/// The filter as [F' / W][KH][KW][C][W] for filter blocks of width W, from
/// KH x KW x C x F; filters F to F' (`paddedFilters`) are zero.
DenseResourceElementsAttr packFilterBlocks(Attribute filter,
                                           FilterLayout layout,
                                           const ConvShape &shape,
                                           int64_t width,
                                           int64_t paddedFilters);

/// The step an integer convolution's microkernel takes per four input
/// channels.
enum class IntegerStep {
  /// One dot product of four u8 x s8 products per lane, the input bytes
  /// offset by 128: vpdpbusd; without it, vpmaddubsw and vpmaddwd where
  /// the filter's adjacent pairs of products fit i16
  /// (kPairSumsFitI16AttrName).
  Quads,
  /// Two dot products of pairs of bytes widened to 16 bits (vpmaddwd).
  Pairs,
  /// One product per lane, a depthwise convolution's: a vector of input
  /// bytes (as many channels) widened to 32 bits times the filter's codes
  /// (vpmovsxbd, vpmulld).
  Lanes,
};

/// An integer convolution's filter codes, [F][KH][KW][C] (`shape.channels`
/// groups of four input channels), or a depthwise one's [KH][KW][C];
/// nullopt if the constant cannot be read.
std::optional<std::vector<int8_t>> getInt8FilterCodes(Attribute filter,
                                                      const ConvShape &shape);

/// An integer convolution's filter `codes` (getInt8FilterCodes) as
/// [F' / W][KH][KW][C / 4][W] i32 words, filters F to F' zero;
/// and the sum of each filter's codes (F' entries). For `Quads` word
/// [..][q][f] holds input channels 4q to 4q + 3 of filter f, the first in
/// the low byte; for `Pairs` each vector register's `lanes` words of
/// [..][q] hold input channels 4q and 4q + 1 of its filters (2 x `lanes`
/// bytes, filter by filter), then 4q + 2 and 4q + 3.
struct PackedInt8Filter {
  DenseResourceElementsAttr blocks;
  SmallVector<int32_t> sums;
};
PackedInt8Filter packInt8FilterBlocks(MLIRContext *context,
                                      ArrayRef<int8_t> codes,
                                      const ConvShape &shape, int64_t width,
                                      int64_t lanes, int64_t paddedFilters,
                                      IntegerStep step);

/// An integer depthwise convolution's filter `codes` ([KH][KW][C], C =
/// `shape.filters`) as [C' / W][KH][KW][1][W] i32 words of one code each
/// (IntegerStep::Lanes), channels C to C' zero; and each channel's sum.
PackedInt8Filter packDepthwiseInt8Filter(MLIRContext *context,
                                         ArrayRef<int8_t> codes,
                                         const ConvShape &shape, int64_t width,
                                         int64_t paddedFilters);

//===----------------------------------------------------------------------===//
// Loops (ConvMicrokernels.cpp)
//===----------------------------------------------------------------------===//

/// The index constant `value`.
Value indexConstant(OpBuilder &b, Location loc, int64_t value);

/// A loop from 0 to `upper` by `step` that carries `tensor`: `body(iv,
/// tensor)` returns the tensor the iteration yields.
scf::ForOp forOverTensor(OpBuilder &b, Location loc, int64_t upper,
                         int64_t step, Value tensor,
                         function_ref<Value(Value, Value)> body);

/// `base * scale + offset` on indices.
Value scaleAndOffset(OpBuilder &b, Location loc, Value base, int64_t scale,
                     Value offset);

/// A read of `type` (of the tensor's element type) from `tensor` at
/// `indices`, known in bounds unless `inBounds` is false (then masked, zero
/// beyond the end).
Value readInBounds(OpBuilder &b, Location loc, VectorType type, Value tensor,
                   ValueRange indices, bool inBounds = true);

/// `tensor` with `value` written at `indices`, known in bounds unless
/// `inBounds` is false (then masked).
Value writeInBounds(OpBuilder &b, Location loc, Value value, Value tensor,
                    ValueRange indices, bool inBounds = true);

/// `acc` (`lanes` output channels from `channel` at `position` of `image`)
/// after the fused element-wise consumers of `epilogue`: each consumer's
/// body cloned on vectors, its other operands read at the same position
/// (or channel), masked where `inBounds` is false.
Value applyEpilogue(OpBuilder &b, Location loc, int64_t lanes,
                    ArrayRef<EpilogueStep> epilogue, Value acc, Value image,
                    Position position, Value channel, bool inBounds = true);

/// The packed filter `filter` ([B][KH][KW][C][W]) with input channel c of
/// image n scaled by `gate[n][c]` (an SE gate, N x C): [N][B][KH][KW][C][W],
/// for MicrokernelBuilder::setFilterPerImage.
Value scaleFilterPerImage(OpBuilder &b, Location loc, Value filter, Value gate,
                          int64_t lanes);

/// Emits the loops of one convolution.
class MicrokernelBuilder {
public:
  MicrokernelBuilder(OpBuilder &b, Location loc, const ConvShape &shape,
                     const MicrokernelPlan &plan, Value input, Value filter,
                     Initializer init, ArrayRef<EpilogueStep> epilogue)
      : b(b), loc(loc), shape(shape), plan(plan), input(input), filter(filter),
        init(init), epilogue(epilogue),
        vectorType(VectorType::get({plan.lanes}, b.getF32Type())) {}

  /// Builds the loop nest writing `output` and returns the written tensor.
  /// `outermostLoop` is the outermost loop with more than one iteration.
  Value build(Value output, Operation *&outermostLoop);

  /// Reads the filter as [N][F / W][KH][KW][C][W], one filter per image (the
  /// batched products of the Winograd convolution).
  void setFilterPerImage() { filterPerImage = true; }

  /// Runs an integer convolution: the input holds signed bytes, the filter
  /// the words of packInt8FilterBlocks (packDepthwiseInt8Filter for
  /// Lanes), the accumulators are i32, and each step takes four input
  /// channels as `step` says (for Quads, the input bytes are offset by 128,
  /// which the initializer accounts for; Lanes takes one per group);
  /// `pairSumsFitI16` marks its dot products with kPairSumsFitI16AttrName.
  void setIntegerStep(IntegerStep step, bool pairSumsFitI16) {
    integerStep = step;
    markPairSumsFitI16 = pairSumsFitI16;
    vectorType = VectorType::get({plan.lanes}, b.getI32Type());
  }

  /// Multiplies input channel c of image n by `scale[n][c]` (an SE gate,
  /// N x C) as the convolution reads it: each filter vector of channel c is
  /// scaled once per tile, which costs R multiplies per P x R FMAs.
  void setInputScale(Value scale) { inputScale = scale; }

private:
  using Accumulators = SmallVector<Value>;

  Value readVector(Value tensor, ValueRange indices, bool inBounds = true);
  /// Whether register `r` of a block may reach past the output channels
  /// (the last vector of padded filters).
  bool mayBePartial(int64_t r) const {
    return plan.paddedFilters != shape.filters && r == plan.registers - 1;
  }
  Value broadcast(Value scalar);
  Value constant(int64_t value) { return indexConstant(b, loc, value); }

  /// Writes the tile of `count` output positions from flat position
  /// `first` (row-major over the output's rows and columns) of `image`, for
  /// filter block `block`, into `output`.
  Value buildTile(Value output, Value image, Value first, Value block,
                  int64_t count);
  Accumulators initialAccumulators(Value image, ArrayRef<Position> tile,
                                   Value channel);
  /// The tile's sums over the filter taps and input channels; `channel`
  /// is the block's first output channel.
  Accumulators accumulate(Accumulators accs, Value image,
                          ArrayRef<Position> tile, Value first, Value block,
                          Value channel);
  /// In the loop over input channels of the tile from flat position
  /// `first`: a share of the next filter block's prefetch (see
  /// MicrokernelPlan::filterBlocksOutermost).
  void prefetchNextBlock(Value first, Value block, Value kh, Value kw,
                         Value c0);
  /// The first output channel of register `r` of the block at `channel`.
  Value registerChannel(Value channel, int64_t r) {
    return r == 0 ? channel
                  : arith::AddIOp::create(b, loc, channel,
                                          constant(r * plan.lanes));
  }

  OpBuilder &b;
  Location loc;
  const ConvShape &shape;
  const MicrokernelPlan &plan;
  Value input, filter;
  Initializer init;
  ArrayRef<EpilogueStep> epilogue;
  VectorType vectorType;
  bool filterPerImage = false;
  std::optional<IntegerStep> integerStep;
  bool markPairSumsFitI16 = false;
  Value inputScale;
  Value filterBuffer;
};

//===----------------------------------------------------------------------===//
// Winograd F(2x2, 3x3) (ConvWinograd.cpp)
//===----------------------------------------------------------------------===//

/// How a Winograd convolution runs its 16 products, and its transformed
/// filter.
struct WinogradPlan {
  WinogradTiling tiling;
  /// U = G g G^T, laid out as the products' blocked filter.
  DenseResourceElementsAttr filter;
};

/// The Winograd plan of the convolution of `shape` and its transformed
/// filter; nullopt if the filter is not readable.
std::optional<WinogradPlan> planWinograd(const ConvShape &shape, int64_t lanes,
                                         Attribute filterAttr);

/// Builds the Winograd form of the convolution of `shape` writing `output`.
Value buildWinograd(OpBuilder &b, Location loc, const ConvShape &shape,
                    const WinogradPlan &winogradPlan, Value input,
                    Initializer init, ArrayRef<EpilogueStep> epilogue,
                    Value output, SmallVectorImpl<Operation *> &parallelLoops);

} // namespace mlir::se::microkernels

#endif // SE_LIB_CODEGEN_CPU_CONVMICROKERNELS_H
