//===- ConvMatchers.cpp - convolutions the microkernels take --------------===//
//
// Matches the convolutions se-cpu-conv-microkernels rewrites: NHWC
// convolutions, and grouped and depthwise ones reshaped to and from NHWC,
// all with static f32 operands and a constant filter; their initializers
// and the element-wise consumers that can run on the accumulators.
//
//===----------------------------------------------------------------------===//
#include "ConvMicrokernels.h"

#include "se/Codegen/CPU/SEFusion.h"
#include "se/Dialect/SE/IR/SEOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::se;
using namespace mlir::se::microkernels;

namespace mlir::se::microkernels {

Attribute getConstantFilter(Value value) {
  while (auto slice = value.getDefiningOp<tensor::ExtractSliceOp>()) {
    if (slice.getSourceType() != slice.getResultType())
      return {};
    value = slice.getSource();
  }
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return {};
  return attr;
}

/// (n, h, w, c) -> (c): a per-channel operand of an NHWC generic.
static AffineMap perChannelMap(MLIRContext *ctx) {
  return AffineMap::get(4, 0, getAffineDimExpr(3, ctx), ctx);
}

Initializer classifyInitializer(Value init) {
  if (auto fill = init.getDefiningOp<linalg::FillOp>())
    return {Initializer::Kind::Scalar, fill.getInputs()[0]};
  if (auto generic = init.getDefiningOp<linalg::GenericOp>()) {
    Block &body = generic.getRegion().front();
    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    if (generic.getNumDpsInputs() == 1 && generic.getNumDpsInits() == 1 &&
        generic.getNumLoops() == 4 && generic.getNumParallelLoops() == 4 &&
        generic.getIndexingMapsArray()[0] ==
            perChannelMap(generic.getContext()) &&
        generic.getIndexingMapsArray()[1].isIdentity() &&
        body.getOperations().size() == 1 &&
        yield.getValues()[0] == body.getArgument(0))
      return {Initializer::Kind::Bias, generic.getDpsInputs()[0]};
    // A fill spelled as a generic (a splat bias's broadcast folds to one
    // that yields the constant).
    if (std::optional<Value> value = linalg::isaFillOpInterface(generic))
      return {Initializer::Kind::Scalar, *value};
  }
  return {Initializer::Kind::Tensor, init};
}

bool isFusibleEpilogue(linalg::GenericOp op, Value chained) {
  auto type = cast<RankedTensorType>(chained.getType());
  // The element type may change (an integer convolution's accumulators
  // scaled to f32, then quantized to 8 bits).
  if (op.getNumDpsInits() != 1 || op.getNumResults() != 1 ||
      op.getNumLoops() != 4 || op.getNumParallelLoops() != 4 ||
      cast<RankedTensorType>(op.getResult(0).getType()).getShape() !=
          type.getShape() ||
      !op.getIndexingMapsArray().back().isIdentity())
    return false;
  Block &body = op.getRegion().front();
  if (!body.getArguments().back().use_empty())
    return false;
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    auto inputType = dyn_cast<RankedTensorType>(input->get().getType());
    if (!inputType ||
        (input->get() != chained && !inputType.getElementType().isF32()))
      return false;
    if (input->get() == chained || inputType.getShape() == type.getShape()) {
      if (!map.isIdentity())
        return false;
    } else if (!readsPerChannel(map, inputType)) {
      return false;
    }
  }
  for (Operation &inner : body.without_terminator()) {
    if (!inner.hasTrait<OpTrait::Elementwise>() || inner.getNumRegions() != 0 ||
        !isa<arith::ArithDialect, math::MathDialect>(inner.getDialect()))
      return false;
    for (Value operand : inner.getOperands())
      if (!isa<FloatType, IntegerType, IndexType>(operand.getType()))
        return false;
  }
  return true;
}

/// The element types of a convolution's input, filter and result.
using ConvElementTypes = std::array<Type, 3>;

static ConvElementTypes f32ElementTypes(MLIRContext *ctx) {
  Type f32 = Float32Type::get(ctx);
  return {f32, f32, f32};
}

/// Whether `conv` (a named convolution) is on static tensors of
/// `elementTypes` with unit dilations and a constant filter, which it
/// returns with the strides.
template <typename ConvOp>
static Attribute getStaticFilter(ConvOp conv, ConvElementTypes elementTypes,
                                 SmallVectorImpl<int64_t> &strides) {
  if (conv->getNumResults() != 1)
    return {};
  Value values[] = {conv.getInputs()[0], conv.getInputs()[1],
                    conv->getResult(0)};
  for (auto [value, elementType] : llvm::zip_equal(values, elementTypes)) {
    auto type = cast<RankedTensorType>(value.getType());
    if (!type.hasStaticShape() || type.getElementType() != elementType)
      return {};
  }
  if (!llvm::all_of(conv.getDilations(),
                    [](const APInt &d) { return d.isOne(); }))
    return {};
  for (const APInt &stride : conv.getStrides())
    strides.push_back(stride.getSExtValue());
  return getConstantFilter(conv.getInputs()[1]);
}

static ArrayRef<int64_t> shapeOf(Value tensor) {
  return cast<RankedTensorType>(tensor.getType()).getShape();
}

/// [N][H][W][G][F] <-> [N][H][W][G * F].
static SmallVector<ReassociationIndices> groupsToChannels() {
  return {{0}, {1}, {2}, {3, 4}};
}

/// The only use of a grouped (or depthwise) convolution's result when it is
/// the reshape [N][H][W][G][F] to NHWC.
static tensor::CollapseShapeOp getOnlyReshapeToNHWC(Operation *conv) {
  if (!conv->getResult(0).hasOneUse())
    return {};
  auto reshape =
      dyn_cast<tensor::CollapseShapeOp>(*conv->getResult(0).getUsers().begin());
  if (!reshape || reshape.getReassociationIndices() != groupsToChannels())
    return {};
  return reshape;
}

/// A convolution on NHWC tensors of `elementTypes` with a static filter in
/// the HWCF layout (or KH x KW x C, depthwise), its sizes from
/// `shapeOfConv(input, filter, output, strides)`, or nothing.
template <typename ConvOp>
static std::optional<ConvMatch> matchNHWCConvolution(
    ConvOp conv, ConvElementTypes elementTypes,
    function_ref<ConvShape(ArrayRef<int64_t>, ArrayRef<int64_t>,
                           ArrayRef<int64_t>, ArrayRef<int64_t>)>
        shapeOfConv) {
  SmallVector<int64_t> strides;
  Attribute filterAttr = getStaticFilter(conv, elementTypes, strides);
  if (!filterAttr)
    return std::nullopt;
  ConvShape shape =
      shapeOfConv(shapeOf(conv.getInputs()[0]), shapeOf(conv.getInputs()[1]),
                  shapeOf(conv->getResult(0)), strides);
  Initializer init = classifyInitializer(conv.getOutputs()[0]);
  Value output = conv.getOutputs()[0];
  if (init.kind != Initializer::Kind::Tensor)
    output = cast<DestinationStyleOpInterface>(output.getDefiningOp())
                 .getDpsInits()[0];
  return ConvMatch{conv,
                   conv.getInputs()[0],
                   shape,
                   filterAttr,
                   FilterLayout::HWCF,
                   conv.getResult(0),
                   nullptr,
                   init,
                   output,
                   /*inputZeroPoint=*/std::nullopt};
}

std::optional<ConvMatch> matchConvolution(linalg::Conv2DNhwcHwcfOp conv) {
  return matchNHWCConvolution(
      conv, f32ElementTypes(conv.getContext()),
      [](ArrayRef<int64_t> in, ArrayRef<int64_t> hwcf, ArrayRef<int64_t> out,
         ArrayRef<int64_t> strides) {
        return ConvShape{in[0],   in[1],      in[2],     in[3],
                         out[1],  out[2],     out[3],    hwcf[0],
                         hwcf[1], strides[0], strides[1]};
      });
}

/// An integer convolution `conv` (either form) whose input's zero point is
/// `inputZeroPoint`.
template <typename ConvOp>
static std::optional<ConvMatch>
matchIntegerConvolution(ConvOp conv, int64_t inputZeroPoint) {
  MLIRContext *ctx = conv.getContext();
  Type i8 = IntegerType::get(ctx, 8), i32 = IntegerType::get(ctx, 32);
  // In groups of four input channels; the filter as [G = 1][F][KH][KW][C].
  std::optional<ConvMatch> match = matchNHWCConvolution(
      conv, {i8, i8, i32},
      [](ArrayRef<int64_t> in, ArrayRef<int64_t> fhwc, ArrayRef<int64_t> out,
         ArrayRef<int64_t> strides) {
        return ConvShape{in[0],   in[1],      in[2],     in[3] / 4,
                         out[1],  out[2],     out[3],    fhwc[1],
                         fhwc[2], strides[0], strides[1]};
      });
  if (!match || shapeOf(match->input)[3] % 4 != 0 ||
      match->init.kind == Initializer::Kind::Tensor ||
      !matchPattern(match->init.value, m_Constant()))
    return std::nullopt;
  match->layout = FilterLayout::GFHWC;
  match->inputZeroPoint = inputZeroPoint;
  return match;
}

/// The input's zero point of a quantized convolution (`_q`: input, filter,
/// input zero point, filter zero point) whose filter's zero point is 0.
static std::optional<int64_t> getInputZeroPoint(linalg::LinalgOp conv) {
  APInt inputZeroPoint, filterZeroPoint;
  if (!matchPattern(conv.getDpsInputs()[2], m_ConstantInt(&inputZeroPoint)) ||
      !matchPattern(conv.getDpsInputs()[3], m_ConstantInt(&filterZeroPoint)) ||
      !filterZeroPoint.isZero())
    return std::nullopt;
  return inputZeroPoint.getSExtValue();
}

std::optional<ConvMatch>
matchIntegerConvolution(linalg::Conv2DNhwcFhwcQOp conv) {
  std::optional<int64_t> inputZeroPoint = getInputZeroPoint(conv);
  if (!inputZeroPoint)
    return std::nullopt;
  return matchIntegerConvolution(conv, *inputZeroPoint);
}

std::optional<ConvMatch>
matchIntegerConvolution(linalg::Conv2DNhwcFhwcOp conv) {
  return matchIntegerConvolution(conv, /*inputZeroPoint=*/0);
}

/// A convolution with a static f32 filter whose result is only reshaped to
/// NHWC, its sizes from `shapeOf(input, filter, output, strides)` (the
/// shapes of its operands), or nothing. Its NHWC input, initializer and
/// output are made once it is rewritten (makeReshapedOperands).
template <typename ConvOp>
static std::optional<ConvMatch> matchReshapedConvolution(
    ConvOp conv, FilterLayout layout,
    function_ref<std::optional<ConvShape>(ArrayRef<int64_t>, ArrayRef<int64_t>,
                                          ArrayRef<int64_t>, ArrayRef<int64_t>)>
        shapeOfConv) {
  SmallVector<int64_t> strides;
  Attribute filterAttr =
      getStaticFilter(conv, f32ElementTypes(conv.getContext()), strides);
  tensor::CollapseShapeOp reshape = getOnlyReshapeToNHWC(conv);
  if (!filterAttr || !reshape)
    return std::nullopt;
  std::optional<ConvShape> shape =
      shapeOfConv(shapeOf(conv.getInputs()[0]), shapeOf(conv.getInputs()[1]),
                  shapeOf(conv->getResult(0)), strides);
  if (!shape)
    return std::nullopt;
  return ConvMatch{conv,
                   Value(),
                   *shape,
                   filterAttr,
                   layout,
                   reshape.getResult(),
                   reshape,
                   {},
                   Value(),
                   /*inputZeroPoint=*/std::nullopt};
}

std::optional<ConvMatch>
matchGroupedConvolution(linalg::Conv2DNhwgcGfhwcOp conv) {
  return matchReshapedConvolution(
      conv, FilterLayout::GFHWC,
      [](ArrayRef<int64_t> in, ArrayRef<int64_t> gfhwc, ArrayRef<int64_t> out,
         ArrayRef<int64_t> strides) -> std::optional<ConvShape> {
        return ConvShape{in[0],           in[1],      in[2],
                         in[4],           out[1],     out[2],
                         out[3] * out[4], gfhwc[2],   gfhwc[3],
                         strides[0],      strides[1], /*groups=*/in[3]};
      });
}

std::optional<ConvMatch>
matchDepthwiseConvolution(linalg::DepthwiseConv2DNhwcHwcmOp conv) {
  return matchReshapedConvolution(
      conv, FilterLayout::HWCF,
      [](ArrayRef<int64_t> in, ArrayRef<int64_t> hwcm, ArrayRef<int64_t> out,
         ArrayRef<int64_t> strides) -> std::optional<ConvShape> {
        if (hwcm[3] != 1)
          return std::nullopt;
        // [KH][KW][C][1] is also [KH][KW][1][C]: the HWCF form with one
        // input channel per group.
        return ConvShape{in[0],   in[1],      in[2],      1,
                         out[1],  out[2],     out[3],     hwcm[0],
                         hwcm[1], strides[0], strides[1], /*groups=*/in[3]};
      });
}

/// [KH][KW][C] is also [KH][KW][1][C]: the HWCF form with one input channel
/// per group.
static ConvShape depthwiseShape(ArrayRef<int64_t> in, ArrayRef<int64_t> hwc,
                                ArrayRef<int64_t> out,
                                ArrayRef<int64_t> strides) {
  return ConvShape{in[0],  in[1],      in[2],      1,
                   out[1], out[2],     out[3],     hwc[0],
                   hwc[1], strides[0], strides[1], /*groups=*/in[3]};
}

/// An integer depthwise convolution (i8 input and filter, i32 sums) whose
/// input's zero point is `inputZeroPoint`.
template <typename ConvOp>
static std::optional<ConvMatch>
matchIntegerDepthwiseConvolution(ConvOp conv, int64_t inputZeroPoint) {
  MLIRContext *ctx = conv.getContext();
  Type i8 = IntegerType::get(ctx, 8), i32 = IntegerType::get(ctx, 32);
  std::optional<ConvMatch> match =
      matchNHWCConvolution(conv, {i8, i8, i32}, depthwiseShape);
  if (!match || match->init.kind == Initializer::Kind::Tensor ||
      !matchPattern(match->init.value, m_Constant()))
    return std::nullopt;
  match->inputZeroPoint = inputZeroPoint;
  return match;
}

std::optional<ConvMatch>
matchDepthwiseConvolution(linalg::DepthwiseConv2DNhwcHwcOp conv) {
  if (cast<ShapedType>(conv.getInputs()[0].getType())
          .getElementType()
          .isInteger(8))
    return matchIntegerDepthwiseConvolution(conv, /*inputZeroPoint=*/0);
  return matchNHWCConvolution(conv, f32ElementTypes(conv.getContext()),
                              depthwiseShape);
}

std::optional<ConvMatch>
matchDepthwiseConvolution(linalg::DepthwiseConv2DNhwcHwcQOp conv) {
  std::optional<int64_t> inputZeroPoint = getInputZeroPoint(conv);
  if (!inputZeroPoint)
    return std::nullopt;
  return matchIntegerDepthwiseConvolution(conv, *inputZeroPoint);
}

std::optional<ScaledInput> matchScaledInput(const ConvMatch &match) {
  if (match.shape.groups != 1 || match.reshape)
    return std::nullopt;
  auto expand = match.input.getDefiningOp<tensor::ExpandShapeOp>();
  if (!expand || !expand->hasOneUse() ||
      !collapsesNHWCSpatial(expand.getReassociationIndices()))
    return std::nullopt;
  auto scale = expand.getSrc().getDefiningOp<linalg::GenericOp>();
  auto phase = scale ? scale->getAttrOfType<StringAttr>(kSEPhaseAttrName)
                     : StringAttr();
  if (!phase || phase.getValue() != "scale" || !scale->hasOneUse() ||
      scale.getNumDpsInputs() != 2 || scale.getNumLoops() != 3 ||
      scale.getNumParallelLoops() != 3)
    return std::nullopt;
  SmallVector<AffineMap> maps = scale.getIndexingMapsArray();
  if (!maps[0].isIdentity() ||
      maps[1] != imageChannelMap(3, scale.getContext()) ||
      !maps[2].isIdentity())
    return std::nullopt;
  // The body multiplies the two inputs and yields the product.
  Block &body = scale.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto product = yield.getOperand(0).getDefiningOp<arith::MulFOp>();
  if (!product || &*body.begin() != product.getOperation() ||
      !llvm::is_contained({product.getLhs(), product.getRhs()},
                          body.getArgument(0)) ||
      !llvm::is_contained({product.getLhs(), product.getRhs()},
                          body.getArgument(1)))
    return std::nullopt;
  Value collapsed = scale.getDpsInputs()[0];
  Value featureMap;
  if (auto collapse = collapsed.getDefiningOp<tensor::CollapseShapeOp>();
      collapse && collapse.getSrcType() == match.input.getType())
    featureMap = collapse.getSrc();
  if (!featureMap)
    return std::nullopt;
  return ScaledInput{featureMap, scale.getDpsInputs()[1], scale};
}

void makeReshapedOperands(RewriterBase &rewriter, ConvMatch &match) {
  auto conv = cast<linalg::LinalgOp>(match.conv);
  Location loc = conv.getLoc();
  rewriter.setInsertionPoint(conv);
  Value input = conv.getDpsInputOperand(0)->get();
  if (cast<RankedTensorType>(input.getType()).getRank() == 4)
    match.input = input;
  else if (auto expand = input.getDefiningOp<tensor::ExpandShapeOp>();
           expand && expand.getReassociationIndices() == groupsToChannels())
    match.input = expand.getSrc();
  else
    match.input = tensor::CollapseShapeOp::create(rewriter, loc, input,
                                                  groupsToChannels());
  auto resultType = cast<RankedTensorType>(match.result.getType());
  Value init = conv.getDpsInitOperand(0)->get();
  auto newOutput = [&] {
    return tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                   resultType.getElementType());
  };
  if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
    match.init = {Initializer::Kind::Scalar, fill.getInputs()[0]};
    match.output = newOutput();
    return;
  }
  if (auto bias = init.getDefiningOp<linalg::BroadcastOp>();
      bias && bias.getDimensions() == ArrayRef<int64_t>{0, 1, 2}) {
    Value perChannel = tensor::CollapseShapeOp::create(
        rewriter, loc, bias.getInput(),
        SmallVector<ReassociationIndices>{{0, 1}});
    match.init = {Initializer::Kind::Bias, perChannel};
    match.output = newOutput();
    return;
  }
  match.output =
      tensor::CollapseShapeOp::create(rewriter, loc, init, groupsToChannels());
  match.init = {Initializer::Kind::Tensor, match.output};
}

} // namespace mlir::se::microkernels
