//===- ConvMicrokernels.cpp - register-blocked convolution loops ----------===//
//
// Replaces each NHWC convolution with a constant filter by a loop nest whose
// innermost tile keeps P output positions x R vector registers of output
// channels in registers for the whole reduction: per input channel, R
// filter vectors are loaded, P input values broadcast, and P x R FMAs issued.
// The filter is re-laid out at compile time so that the tile's filter block
// is read contiguously. The bias and a chain of element-wise consumers
// (ReLU, the residual add) run on the accumulators before the one store.
// 3x3 convolutions with stride 1 run as Winograd F(2x2, 3x3), whose 16
// products use the same microkernels. Grouped and depthwise convolutions
// (reshaped to and from NHWC) and matrix products with a constant
// right-hand side (the classifier, as 1x1 convolutions) take the same
// loops.
//
//===----------------------------------------------------------------------===//

#include "se/Codegen/CPU/Passes.h"
#include "se/Codegen/CPU/Strategy.h"
#include "se/Utils/ConstantValues.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::se {
#define GEN_PASS_DEF_SECPUCONVMICROKERNELS
#include "se/Codegen/CPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;
using namespace mlir::se;

namespace {

/// Static sizes of an NHWC convolution. A grouped convolution reads
/// `channels` input channels of its group per output channel: input channel
/// g * channels + c for the `filters / groups` output channels of group g.
struct ConvShape {
  int64_t batch, inputH, inputW, channels;
  int64_t outputH, outputW, filters;
  int64_t kernelH, kernelW, strideH, strideW;
  int64_t groups = 1;

  int64_t groupFilters() const { return filters / groups; }

  int64_t filterBytes() const {
    return kernelH * kernelW * channels * filters * 4;
  }
};

/// How one convolution is blocked.
struct MicrokernelPlan {
  /// f32 lanes per vector register.
  int64_t lanes;
  /// Vector registers of output channels per tile; the filter block is
  /// `lanes * registers` channels wide.
  int64_t registers;
  /// Output positions per full tile, counted row-major over the output's
  /// rows and columns; a narrower tile takes the rest.
  int64_t positions;
  /// Input channels per iteration of the innermost loop.
  int64_t channelUnroll;
  /// Groups narrower than a vector (a vector spans several groups, each
  /// with as many input as output channels; depthwise: one each): per
  /// filter tap the tile loads each position's input vector, and for each
  /// input channel c of a group, shuffles every group's channel c across
  /// the group's lanes and multiplies it with the filter vector of c.
  /// Otherwise the filter block lies in one group, whose input channels
  /// are broadcast one by one.
  bool groupShuffle = false;
  /// Loop over filter blocks outside the loop over tiles, so a block is
  /// read from the cache for every tile instead of the whole filter
  /// streaming from memory once per tile. Each tile then prefetches its
  /// share of the next block into L2, so that the block's stream from
  /// memory spreads over all the tiles instead of stalling the first.
  bool filterBlocksOutermost;

  int64_t blockWidth() const { return lanes * registers; }
};

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

} // namespace

/// How many input channels ahead the filter reads prefetch: 8 KiB at 2
/// registers of 16 lanes, two pages beyond the one being read (hardware
/// prefetchers stop at page boundaries).
static constexpr int64_t kPrefetchChannels = 64;

static std::optional<MicrokernelPlan> planMicrokernel(const ConvShape &shape,
                                                      int64_t lanes) {
  if (lanes < 4 || shape.filters % lanes != 0)
    return std::nullopt;
  MicrokernelPlan plan;
  plan.lanes = lanes;
  // P x R accumulators, R filter vectors and one broadcast input must fit
  // the 32 vector registers of AVX-512 (16 otherwise): 14 x 2 (31) or
  // 6 x 2 (15). Two filter vectors per 14 positions also halve the filter
  // bandwidth of a 7 x 4 tile.
  int64_t vectors = shape.filters / lanes;
  plan.registers = vectors % 2 == 0 ? 2 : 1;
  int64_t groupFilters = shape.groupFilters();
  if (shape.groups > 1) {
    if (groupFilters % lanes == 0) {
      // A filter block must not straddle two groups.
      plan.registers = groupFilters % (2 * lanes) == 0 ? 2 : 1;
    } else if (lanes % groupFilters == 0 && shape.channels == groupFilters) {
      plan.groupShuffle = true;
    } else {
      return std::nullopt;
    }
  }
  int64_t maxPositions =
      lanes >= 16 ? 28 / plan.registers : 12 / plan.registers;
  maxPositions = std::min<int64_t>(maxPositions, lanes >= 16 ? 14 : 12);
  // The input vector and its shuffle take two more registers.
  if (plan.groupShuffle)
    maxPositions = std::min<int64_t>(maxPositions, lanes >= 16 ? 12 : 5);
  // The widest tile that divides the output positions if one is nearly as
  // wide; else the widest, and a narrower tile for the rest.
  int64_t positions = shape.outputH * shape.outputW;
  plan.positions = std::min(maxPositions, positions);
  for (int64_t p = plan.positions; 4 * p >= 3 * plan.positions; --p)
    if (positions % p == 0) {
      plan.positions = p;
      break;
    }
  if (shape.channels <= 4)
    plan.channelUnroll = shape.channels;
  else if (shape.channels % 4 == 0)
    plan.channelUnroll = 4;
  else if (shape.channels % 2 == 0)
    plan.channelUnroll = 2;
  else
    plan.channelUnroll = 1;
  plan.filterBlocksOutermost = shape.filterBytes() > kResidentFilterBytes;
  return plan;
}

/// The constant behind `value`, looking through slices that take all of it.
static Attribute getConstantFilter(Value value) {
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

static Initializer classifyInitializer(Value init) {
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
  }
  return {Initializer::Kind::Tensor, init};
}

/// Whether `op` can run on the accumulators as `chained`'s only consumer:
/// an element-wise generic over the same NHWC shape whose other inputs are
/// read at the same position or per channel, with a body of element-wise
/// arith/math ops on scalars.
static bool isFusibleEpilogue(linalg::GenericOp op, Value chained) {
  auto type = cast<RankedTensorType>(chained.getType());
  if (op.getNumDpsInits() != 1 || op.getNumResults() != 1 ||
      op.getNumLoops() != 4 || op.getNumParallelLoops() != 4 ||
      op.getResult(0).getType() != type ||
      !op.getIndexingMapsArray().back().isIdentity())
    return false;
  Block &body = op.getRegion().front();
  if (!body.getArguments().back().use_empty())
    return false;
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    auto inputType = dyn_cast<RankedTensorType>(input->get().getType());
    if (!inputType || !inputType.getElementType().isF32())
      return false;
    if (input->get() == chained || inputType == type) {
      if (!map.isIdentity())
        return false;
    } else if (map != perChannelMap(op.getContext()) ||
               inputType.getRank() != 1) {
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

static Value indexConstant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

/// `base * scale + offset` on indices.
static Value scaleAndOffset(OpBuilder &b, Location loc, Value base,
                            int64_t scale, Value offset) {
  Value scaled = base;
  if (scale != 1)
    scaled = arith::MulIOp::create(b, loc, base, indexConstant(b, loc, scale));
  if (!offset)
    return scaled;
  return arith::AddIOp::create(b, loc, scaled, offset);
}

/// A read of `type` from `tensor` at `indices`, known in bounds.
static Value readInBounds(OpBuilder &b, Location loc, VectorType type,
                          Value tensor, ValueRange indices) {
  Value padding = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  return vector::TransferReadOp::create(b, loc, type, tensor, indices, padding,
                                        ArrayRef<bool>{true});
}

/// `tensor` with `value` written at `indices`, known in bounds.
static Value writeInBounds(OpBuilder &b, Location loc, Value value,
                           Value tensor, ValueRange indices) {
  return vector::TransferWriteOp::create(b, loc, value, tensor, indices,
                                         ArrayRef<bool>{true})
      .getResult();
}

namespace {
/// One output position of a tile.
struct Position {
  Value row, column;
};

} // namespace

/// `acc` (`lanes` output channels from `channel` at `position` of `image`)
/// after the fused element-wise consumers of `epilogue`: each consumer's
/// body cloned on vectors, its other operands read at the same position
/// (or channel).
static Value applyEpilogue(OpBuilder &b, Location loc, int64_t lanes,
                           ArrayRef<EpilogueStep> epilogue, Value acc,
                           Value image, Position position, Value channel) {
  auto vectorOf = [&](Type type) { return VectorType::get({lanes}, type); };
  for (EpilogueStep step : epilogue) {
    Block &body = step.op.getRegion().front();
    IRMapping mapping;
    for (OpOperand *operand : step.op.getDpsInputOperands()) {
      Value arg = body.getArgument(operand->getOperandNumber());
      Value value = operand->get();
      if (value == step.chained)
        mapping.map(arg, acc);
      else if (cast<RankedTensorType>(value.getType()).getRank() == 1)
        mapping.map(arg, readInBounds(b, loc, vectorOf(b.getF32Type()), value,
                                      channel));
      else
        mapping.map(
            arg, readInBounds(b, loc, vectorOf(b.getF32Type()), value,
                              {image, position.row, position.column, channel}));
    }
    for (Operation &inner : body.without_terminator()) {
      SmallVector<Value> operands;
      for (Value operand : inner.getOperands()) {
        if (Value mapped = mapping.lookupOrNull(operand)) {
          operands.push_back(mapped);
          continue;
        }
        // A scalar captured from outside the body.
        operands.push_back(vector::BroadcastOp::create(
            b, loc, vectorOf(operand.getType()), operand));
      }
      SmallVector<Type> resultTypes;
      for (Type type : inner.getResultTypes())
        resultTypes.push_back(vectorOf(type));
      OperationState state(loc, inner.getName(), operands, resultTypes,
                           inner.getAttrs());
      mapping.map(inner.getResults(), b.create(state)->getResults());
    }
    acc = mapping.lookup(body.getTerminator()->getOperand(0));
  }
  return acc;
}

namespace {
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

private:
  using Accumulators = SmallVector<Value>;

  Value readVector(Value tensor, ValueRange indices);
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
  Value filterBuffer;
};
} // namespace

Value MicrokernelBuilder::readVector(Value tensor, ValueRange indices) {
  return readInBounds(b, loc, vectorType, tensor, indices);
}

Value MicrokernelBuilder::broadcast(Value scalar) {
  return vector::BroadcastOp::create(b, loc, vectorType, scalar);
}

MicrokernelBuilder::Accumulators
MicrokernelBuilder::initialAccumulators(Value image, ArrayRef<Position> tile,
                                        Value channel) {
  Accumulators accs;
  SmallVector<Value> perRegister;
  for (int64_t r = 0; r < plan.registers; ++r) {
    if (init.kind == Initializer::Kind::Scalar)
      perRegister.push_back(broadcast(init.value));
    else if (init.kind == Initializer::Kind::Bias)
      perRegister.push_back(
          readVector(init.value, registerChannel(channel, r)));
  }
  for (Position position : tile)
    for (int64_t r = 0; r < plan.registers; ++r)
      accs.push_back(
          init.kind == Initializer::Kind::Tensor
              ? readVector(init.value, {image, position.row, position.column,
                                        registerChannel(channel, r)})
              : perRegister[r]);
  return accs;
}

MicrokernelBuilder::Accumulators
MicrokernelBuilder::accumulate(Accumulators accs, Value image,
                               ArrayRef<Position> tile, Value first,
                               Value block, Value channel) {
  // The first input channel of the block's group.
  Value groupBase;
  if (shape.groups > 1 && !plan.groupShuffle)
    groupBase = arith::MulIOp::create(
        b, loc,
        arith::DivUIOp::create(b, loc, channel, constant(shape.groupFilters())),
        constant(shape.channels));
  auto loop = [&](int64_t count, int64_t step, Accumulators initial,
                  function_ref<Accumulators(Value, Accumulators)> body,
                  bool overChannels = false) {
    auto forOp = scf::ForOp::create(
        b, loc, constant(0), constant(count), constant(step), initial,
        [&](OpBuilder &, Location, Value iv, ValueRange args) {
          scf::YieldOp::create(b, loc, body(iv, llvm::to_vector(args)));
        });
    // The filter reads in the loop over input channels stream the filter.
    if (overChannels)
      forOp->setAttr(kPrefetchAheadAttrName,
                     b.getI64IntegerAttr(kPrefetchChannels));
    return Accumulators(forOp.getResults());
  };
  // Per input channel: R filter vectors, one broadcast per position, P x R
  // FMAs.
  auto channelStep = [&](Value kh, Value kw, ArrayRef<Position> inputs, Value c,
                         Accumulators &sums) {
    SmallVector<Value> weights;
    for (int64_t r = 0; r < plan.registers; ++r) {
      Value weight =
          filterPerImage
              ? readVector(filter,
                           {image, block, kh, kw, c, constant(r * plan.lanes)})
              : readVector(filter,
                           {block, kh, kw, c, constant(r * plan.lanes)});
      weights.push_back(weight);
    }
    // The block's group's input channel c.
    Value inputChannel =
        groupBase ? arith::AddIOp::create(b, loc, groupBase, c) : c;
    for (auto [p, in] : llvm::enumerate(inputs)) {
      Value x = broadcast(tensor::ExtractOp::create(
          b, loc, input, ValueRange{image, in.row, in.column, inputChannel}));
      for (int64_t r = 0; r < plan.registers; ++r) {
        Value &sum = sums[p * plan.registers + r];
        sum = vector::FMAOp::create(b, loc, x, weights[r], sum);
      }
    }
  };
  // Per filter tap, for narrow groups: per position and register, one input
  // vector; per input channel c of the groups, c shuffled across each
  // group's lanes, one filter vector and one FMA.
  auto groupShuffleStep = [&](Value kh, Value kw, ArrayRef<Position> inputs,
                              Accumulators &sums) {
    int64_t width = shape.channels;
    for (auto [p, in] : llvm::enumerate(inputs))
      for (int64_t r = 0; r < plan.registers; ++r) {
        Value x = readVector(
            input, {image, in.row, in.column, registerChannel(channel, r)});
        Value &sum = sums[p * plan.registers + r];
        for (int64_t c = 0; c < width; ++c) {
          Value xc = x;
          if (width > 1) {
            SmallVector<int64_t> lanesOfC;
            for (int64_t lane = 0; lane < plan.lanes; ++lane)
              lanesOfC.push_back(lane / width * width + c);
            xc = vector::ShuffleOp::create(b, loc, x, x, lanesOfC);
          }
          Value weight = readVector(
              filter, {block, kh, kw, constant(c), constant(r * plan.lanes)});
          sum = vector::FMAOp::create(b, loc, xc, weight, sum);
        }
      }
  };
  return loop(shape.kernelH, 1, accs, [&](Value kh, Accumulators sums) {
    return loop(shape.kernelW, 1, sums, [&](Value kw, Accumulators sums) {
      // The input pixel each position reads at filter tap (kh, kw).
      SmallVector<Position> inputs;
      for (Position position : tile)
        inputs.push_back(
            {scaleAndOffset(b, loc, position.row, shape.strideH, kh),
             scaleAndOffset(b, loc, position.column, shape.strideW, kw)});
      if (plan.groupShuffle) {
        groupShuffleStep(kh, kw, inputs, sums);
        return sums;
      }
      return loop(
          shape.channels, plan.channelUnroll, sums,
          [&](Value c0, Accumulators sums) {
            if (plan.filterBlocksOutermost && !filterPerImage &&
                shape.outputH * shape.outputW > plan.positions)
              prefetchNextBlock(first, block, kh, kw, c0);
            for (int64_t u = 0; u < plan.channelUnroll; ++u) {
              Value c =
                  u == 0 ? c0 : arith::AddIOp::create(b, loc, c0, constant(u));
              channelStep(kh, kw, inputs, c, sums);
            }
            return sums;
          },
          /*overChannels=*/true);
    });
  });
}

void MicrokernelBuilder::prefetchNextBlock(Value first, Value block, Value kh,
                                           Value kw, Value c0) {
  // The block streams from memory while the first tile reads it; the
  // other tiles read it from L2. Each tile prefetches its share of the next
  // block, so the stream spreads over the whole block's work instead of
  // bursting in the first tile.
  int64_t positions = shape.outputH * shape.outputW;
  int64_t tiles = llvm::divideCeil(positions, plan.positions);
  int64_t iterations =
      shape.kernelH * shape.kernelW * shape.channels / plan.channelUnroll;
  int64_t lineFloats = 16;
  int64_t linesPerIteration =
      plan.channelUnroll * plan.blockWidth() / lineFloats;
  int64_t lines = llvm::divideCeil(linesPerIteration, tiles);
  int64_t blockFloats =
      shape.kernelH * shape.kernelW * shape.channels * plan.blockWidth();
  int64_t filterFloats = blockFloats * (shape.filters / plan.blockWidth());
  if (!filterBuffer) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointAfterValue(filter);
    auto tensorType = cast<RankedTensorType>(filter.getType());
    filterBuffer = bufferization::ToBufferOp::create(
        b, loc,
        MemRefType::get(tensorType.getShape(), tensorType.getElementType()),
        filter, /*read_only=*/true);
  }
  // Iteration (kh, kw, c0 / unroll) of tile `first / P`, from the start of
  // the next block.
  Value tile = arith::DivUIOp::create(b, loc, first, constant(plan.positions));
  Value iteration = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, kh, constant(shape.kernelW)), kw);
  iteration = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, iteration,
                            constant(shape.channels / plan.channelUnroll)),
      arith::DivUIOp::create(b, loc, c0, constant(plan.channelUnroll)));
  iteration = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, tile, constant(iterations)),
      iteration);
  Value start = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, block, constant(blockFloats)),
      constant(blockFloats));
  start = arith::AddIOp::create(
      b, loc, start,
      arith::MulIOp::create(b, loc, iteration, constant(lines * lineFloats)));
  Value zero = constant(0);
  for (int64_t line = 0; line < lines; ++line) {
    Value offset = arith::MinUIOp::create(
        b, loc,
        arith::AddIOp::create(b, loc, start, constant(line * lineFloats)),
        constant(filterFloats - lineFloats));
    // The flat offset as the last index: prefetches compute the address
    // without bounds.
    memref::PrefetchOp::create(b, loc, filterBuffer,
                               ValueRange{zero, zero, zero, zero, offset},
                               /*isWrite=*/false, /*localityHint=*/2,
                               /*isDataCache=*/true);
  }
}

Value MicrokernelBuilder::buildTile(Value output, Value image, Value first,
                                    Value block, int64_t count) {
  SmallVector<Position> tile;
  Value width = constant(shape.outputW);
  for (int64_t p = 0; p < count; ++p) {
    Value flat = arith::AddIOp::create(b, loc, first, constant(p));
    tile.push_back({arith::DivUIOp::create(b, loc, flat, width),
                    arith::RemUIOp::create(b, loc, flat, width)});
  }
  Value channel =
      arith::MulIOp::create(b, loc, block, constant(plan.blockWidth()));
  Accumulators accs = initialAccumulators(image, tile, channel);
  accs = accumulate(accs, image, tile, first, block, channel);
  for (auto [p, position] : llvm::enumerate(tile))
    for (int64_t r = 0; r < plan.registers; ++r) {
      Value ch = registerChannel(channel, r);
      Value value =
          applyEpilogue(b, loc, plan.lanes, epilogue,
                        accs[p * plan.registers + r], image, position, ch);
      output = writeInBounds(b, loc, value, output,
                             {image, position.row, position.column, ch});
    }
  return output;
}

Value MicrokernelBuilder::build(Value output, Operation *&outermostLoop) {
  int64_t blocks = shape.filters / plan.blockWidth();
  int64_t positions = shape.outputH * shape.outputW;
  int64_t fullTiles = positions / plan.positions;
  int64_t rest = positions % plan.positions;

  // (image, tile, block): the tile's input stays in cache across the
  // blocks, the whole filter in L2. (image, block, tile): one block of a
  // large filter stays in cache across the tiles.
  enum Dim { Image, Tile, Block };
  SmallVector<Dim> order = {Image, Tile, Block};
  if (plan.filterBlocksOutermost)
    order = {Image, Block, Tile};
  SmallVector<Value, 3> ivs(3);
  // The loops of the full tiles by depth; bodies are built before the loops
  // around them, so the outermost is picked at the end.
  SmallVector<std::pair<scf::ForOp, int64_t>, 3> nest(order.size());

  auto forLoop = [&](int64_t upper, int64_t step, Value tensor,
                     function_ref<Value(Value, Value)> body) -> scf::ForOp {
    return scf::ForOp::create(
        b, loc, constant(0), constant(upper), constant(step),
        ValueRange{tensor},
        [&](OpBuilder &, Location, Value iv, ValueRange args) {
          scf::YieldOp::create(b, loc, body(iv, args[0]));
        });
  };
  // The tile dimension has full tiles and a narrower one for the rest.
  std::function<Value(unsigned, Value)> emit = [&](unsigned depth,
                                                   Value tensor) -> Value {
    if (depth == order.size())
      return buildTile(tensor, ivs[Image], ivs[Tile], ivs[Block],
                       plan.positions);
    Dim dim = order[depth];
    if (dim == Tile) {
      if (fullTiles > 0) {
        scf::ForOp loop = forLoop(fullTiles * plan.positions, plan.positions,
                                  tensor, [&](Value iv, Value t) {
                                    ivs[Tile] = iv;
                                    return emit(depth + 1, t);
                                  });
        nest[depth] = {loop, fullTiles};
        tensor = loop.getResult(0);
      }
      if (rest == 0)
        return tensor;
      // The narrower tile, inside the loop over blocks when that one comes
      // after the tiles.
      ivs[Tile] = constant(fullTiles * plan.positions);
      auto restTile = [&](Value t) {
        return buildTile(t, ivs[Image], ivs[Tile], ivs[Block], rest);
      };
      if (depth + 1 == order.size())
        return restTile(tensor);
      return forLoop(blocks, 1, tensor,
                     [&](Value iv, Value t) {
                       ivs[Block] = iv;
                       return restTile(t);
                     })
          .getResult(0);
    }
    int64_t trips = dim == Image ? shape.batch : blocks;
    scf::ForOp loop = forLoop(trips, 1, tensor, [&](Value iv, Value t) {
      ivs[dim] = iv;
      return emit(depth + 1, t);
    });
    nest[depth] = {loop, trips};
    return loop.getResult(0);
  };
  Value written = emit(0, output);
  for (auto [loop, trips] : nest)
    if (loop && trips > 1) {
      outermostLoop = loop;
      break;
    }
  return written;
}

/// The padding value of `pad` when it is a constant.
static Attribute getConstantPaddingAttr(tensor::PadOp pad) {
  Attribute value;
  Value padding = pad.getConstantPaddingValue();
  if (!padding || !matchPattern(padding, m_Constant(&value)))
    return {};
  return value;
}

/// Whether `pad` pads by a constant, to a static shape, with static low
/// padding.
static bool isStaticConstantPadding(tensor::PadOp pad) {
  return pad.getResultType().hasStaticShape() &&
         !ShapedType::isDynamicShape(pad.getStaticLow()) &&
         getConstantPaddingAttr(pad);
}

/// The only user of `value` when it is a static NHWC padding by a constant.
static tensor::PadOp getConstantPadding(Value value) {
  if (!value.hasOneUse())
    return {};
  auto pad = dyn_cast<tensor::PadOp>(*value.getUsers().begin());
  if (!pad || !isStaticConstantPadding(pad))
    return {};
  return pad;
}

/// A new tensor of `pad`'s result type filled with its padding value.
static Value fillPaddedTensor(RewriterBase &rewriter, Location loc,
                              tensor::PadOp pad) {
  Value value = arith::ConstantOp::create(
      rewriter, loc, cast<TypedAttr>(getConstantPaddingAttr(pad)));
  // A new tensor, not a tensor.empty: CSE would merge equal fills of
  // several paddings into one value, which bufferization then copies for
  // every writer but the last.
  Value buffer = bufferization::AllocTensorOp::create(
      rewriter, loc, pad.getResultType(), ValueRange{});
  return linalg::FillOp::create(rewriter, loc, value, buffer).getResult(0);
}

/// Rewrites a static constant `pad` of a convolution's input that no loop
/// writes in place (a function argument, say) as a fill and an insertion of
/// the interior: the fill is then tiled and run on all threads like any
/// other, and the interior is copied row by row
/// (se-cpu-expand-strided-copies), instead of both running serially in the
/// padding's bufferization.
static Value decomposeInputPadding(RewriterBase &rewriter, tensor::PadOp pad) {
  if (!isStaticConstantPadding(pad) || !pad.getSourceType().hasStaticShape())
    return pad.getResult();
  rewriter.setInsertionPoint(pad);
  Location loc = pad.getLoc();
  Value filled = fillPaddedTensor(rewriter, loc, pad);
  int64_t rank = pad.getResultType().getRank();
  return rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(
      pad, pad.getSource(), filled,
      getAsIndexOpFoldResult(rewriter.getContext(), pad.getStaticLow()),
      getAsIndexOpFoldResult(rewriter.getContext(),
                             pad.getSourceType().getShape()),
      SmallVector<OpFoldResult>(rank, rewriter.getIndexAttr(1)));
}

/// The filter as [F / W][KH][KW][C][W] for filter blocks of width W, from
/// KH x KW x C x F.
static DenseResourceElementsAttr packFilterBlocks(Attribute filter,
                                                  FilterLayout layout,
                                                  const ConvShape &shape,
                                                  int64_t width) {
  int64_t count = shape.filterBytes() / 4;
  std::optional<std::vector<float>> values = getF32Values(filter, count);
  if (!values)
    return {};
  std::vector<float> blocked(count);
  int64_t taps = shape.kernelH * shape.kernelW;
  int64_t spatial = taps * shape.channels;
  for (int64_t t = 0; t < taps; ++t)
    for (int64_t c = 0; c < shape.channels; ++c)
      for (int64_t f = 0; f < shape.filters; ++f) {
        int64_t k = t * shape.channels + c;
        // [KH][KW][C][F], or [G][F / G][KH][KW][C] for a grouped filter.
        int64_t from = layout == FilterLayout::HWCF ? k * shape.filters + f
                                                    : f * spatial + k;
        blocked[((f / width) * spatial + k) * width + f % width] =
            (*values)[from];
      }
  auto type = RankedTensorType::get({shape.filters / width, shape.kernelH,
                                     shape.kernelW, shape.channels, width},
                                    Float32Type::get(filter.getContext()));
  return makeF32Resource(type, "conv_blocked", blocked);
}

//===----------------------------------------------------------------------===//
// Winograd F(2x2, 3x3)
//===----------------------------------------------------------------------===//
//
// A 3x3 convolution with stride 1 as 16 matrix products: each 4x4 input
// patch d (stride 2) becomes V = B^T d B, the filter U = G g G^T (at compile
// time), the 16 products M[k] = V[k] x U[k] run on the microkernels, and
// each 2x2 output tile is A^T M A: 16 instead of 36 multiply-adds per
// output pair of channels and tile of 2x2 outputs.

/// Whether the convolution takes the Winograd form: ungrouped, 3x3, stride
/// 1, an output of even height and width (whole 2x2 tiles), channels in
/// whole vectors.
static bool takesWinograd(const ConvShape &shape, int64_t lanes) {
  return shape.groups == 1 && shape.kernelH == 3 && shape.kernelW == 3 &&
         shape.strideH == 1 && shape.strideW == 1 && shape.outputH % 2 == 0 &&
         shape.outputW % 2 == 0 && shape.channels % lanes == 0 &&
         shape.filters % lanes == 0;
}

/// U = G g G^T for each (input, output) channel pair, as
/// [16][F / W][1][1][C][W] (one blocked 1x1 filter per element of U).
static DenseResourceElementsAttr
transformWinogradFilter(Attribute hwcf, const ConvShape &shape, int64_t width) {
  int64_t channels = shape.channels, filters = shape.filters;
  std::optional<std::vector<float>> g =
      getF32Values(hwcf, 9 * channels * filters);
  if (!g)
    return {};
  static constexpr double kG[4][3] = {
      {1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
  std::vector<float> packed(16 * channels * filters);
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t f = 0; f < filters; ++f) {
      double taps[3][3], rows[4][3];
      for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b)
          taps[a][b] = (*g)[((a * 3 + b) * channels + c) * filters + f];
      for (int i = 0; i < 4; ++i)
        for (int b = 0; b < 3; ++b)
          rows[i][b] = kG[i][0] * taps[0][b] + kG[i][1] * taps[1][b] +
                       kG[i][2] * taps[2][b];
      for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j) {
          double u = rows[i][0] * kG[j][0] + rows[i][1] * kG[j][1] +
                     rows[i][2] * kG[j][2];
          int64_t element = i * 4 + j;
          packed[((element * (filters / width) + f / width) * channels + c) *
                     width +
                 f % width] = static_cast<float>(u);
        }
    }
  auto type =
      RankedTensorType::get({16, filters / width, 1, 1, channels, width},
                            Float32Type::get(hwcf.getContext()));
  return makeF32Resource(type, "conv_winograd", packed);
}

namespace {
/// Emits the three stages of one Winograd convolution.
class WinogradBuilder {
public:
  WinogradBuilder(OpBuilder &b, Location loc, const ConvShape &shape,
                  int64_t lanes, Value input, Initializer init)
      : b(b), loc(loc), shape(shape), lanes(lanes), input(input), init(init),
        vectorType(VectorType::get({lanes}, b.getF32Type())),
        tilesH(shape.outputH / 2), tilesW(shape.outputW / 2),
        tiles(shape.batch * tilesH * tilesW) {}

  /// The transformed input V of the `count` tiles from tile `first`, as
  /// 16 x 1 x count x C.
  Value transformInput(Value first, int64_t count,
                       SmallVectorImpl<Operation *> &parallelLoops);
  /// The output of the `count` tiles from tile `first`: A^T M A for each,
  /// then the initializer's values and `epilogue`'s consumers, written into
  /// `output`.
  Value transformOutput(Value products, Value first, int64_t count,
                        Value output, ArrayRef<EpilogueStep> epilogue,
                        SmallVectorImpl<Operation *> &parallelLoops);

  int64_t tileCount() const { return tiles; }

private:
  Value constant(int64_t value) { return indexConstant(b, loc, value); }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value read(Value tensor, ValueRange indices) {
    return readInBounds(b, loc, vectorType, tensor, indices);
  }
  Value write(Value value, Value tensor, ValueRange indices) {
    return writeInBounds(b, loc, value, tensor, indices);
  }
  /// (image, first row, first column) of tile `t` of the output.
  std::tuple<Value, Value, Value> tileOrigin(Value t);
  /// A loop over `count` tiles from `first` and, inside, over the channels
  /// in vectors, threading `tensor`; `body` gets (the tile's index among
  /// the `count`, the tile, the channel, the tensor).
  Value
  forEachTileAndVector(Value tensor, Value first, int64_t count,
                       int64_t channels,
                       function_ref<Value(Value, Value, Value, Value)> body,
                       SmallVectorImpl<Operation *> &parallelLoops);

  OpBuilder &b;
  Location loc;
  const ConvShape &shape;
  int64_t lanes;
  Value input;
  Initializer init;
  VectorType vectorType;
  int64_t tilesH, tilesW, tiles;
};
} // namespace

std::tuple<Value, Value, Value> WinogradBuilder::tileOrigin(Value t) {
  Value perImage = constant(tilesH * tilesW);
  Value image = arith::DivUIOp::create(b, loc, t, perImage);
  Value inImage = arith::RemUIOp::create(b, loc, t, perImage);
  Value two = constant(2);
  Value row = arith::MulIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, inImage, constant(tilesW)), two);
  Value column = arith::MulIOp::create(
      b, loc, arith::RemUIOp::create(b, loc, inImage, constant(tilesW)), two);
  return {image, row, column};
}

Value WinogradBuilder::forEachTileAndVector(
    Value tensor, Value first, int64_t count, int64_t channels,
    function_ref<Value(Value, Value, Value, Value)> body,
    SmallVectorImpl<Operation *> &parallelLoops) {
  auto tileLoop = scf::ForOp::create(
      b, loc, constant(0), constant(count), constant(1), ValueRange{tensor},
      [&](OpBuilder &, Location, Value local, ValueRange tileArgs) {
        Value t = arith::AddIOp::create(b, loc, first, local);
        auto channelLoop = scf::ForOp::create(
            b, loc, constant(0), constant(channels), constant(lanes),
            ValueRange{tileArgs[0]},
            [&](OpBuilder &, Location, Value c, ValueRange args) {
              scf::YieldOp::create(b, loc, body(local, t, c, args[0]));
            });
        scf::YieldOp::create(b, loc, channelLoop.getResults());
      });
  parallelLoops.push_back(tileLoop);
  return tileLoop.getResult(0);
}

Value WinogradBuilder::transformInput(
    Value first, int64_t count, SmallVectorImpl<Operation *> &parallelLoops) {
  Value v = tensor::EmptyOp::create(
      b, loc, ArrayRef<int64_t>{16, 1, count, shape.channels}, b.getF32Type());
  return forEachTileAndVector(
      v, first, count, shape.channels,
      [&](Value local, Value t, Value c, Value v) {
        auto [image, row, column] = tileOrigin(t);
        // d: the 4x4 input patch; rows of B^T d, then (B^T d) B.
        Value d[4][4], r[4][4];
        for (int i = 0; i < 4; ++i)
          for (int j = 0; j < 4; ++j)
            d[i][j] = read(
                input, {image, arith::AddIOp::create(b, loc, row, constant(i)),
                        arith::AddIOp::create(b, loc, column, constant(j)), c});
        for (int j = 0; j < 4; ++j) {
          r[0][j] = sub(d[0][j], d[2][j]);
          r[1][j] = add(d[1][j], d[2][j]);
          r[2][j] = sub(d[2][j], d[1][j]);
          r[3][j] = sub(d[1][j], d[3][j]);
        }
        for (int i = 0; i < 4; ++i) {
          Value row4[4] = {sub(r[i][0], r[i][2]), add(r[i][1], r[i][2]),
                           sub(r[i][2], r[i][1]), sub(r[i][1], r[i][3])};
          for (int j = 0; j < 4; ++j)
            v = write(row4[j], v, {constant(i * 4 + j), constant(0), local, c});
        }
        return v;
      },
      parallelLoops);
}

Value WinogradBuilder::transformOutput(
    Value products, Value first, int64_t count, Value output,
    ArrayRef<EpilogueStep> epilogue,
    SmallVectorImpl<Operation *> &parallelLoops) {
  return forEachTileAndVector(
      output, first, count, shape.filters,
      [&](Value local, Value t, Value f, Value y) {
        auto [image, row, column] = tileOrigin(t);
        Value m[4][4], s[2][4];
        for (int i = 0; i < 4; ++i)
          for (int j = 0; j < 4; ++j)
            m[i][j] =
                read(products, {constant(i * 4 + j), constant(0), local, f});
        for (int j = 0; j < 4; ++j) {
          s[0][j] = add(add(m[0][j], m[1][j]), m[2][j]);
          s[1][j] = sub(sub(m[1][j], m[2][j]), m[3][j]);
        }
        Value initial;
        if (init.kind == Initializer::Kind::Scalar)
          initial = vector::BroadcastOp::create(b, loc, vectorType, init.value);
        else if (init.kind == Initializer::Kind::Bias)
          initial = read(init.value, {f});
        for (int i = 0; i < 2; ++i) {
          Value out[2] = {add(add(s[i][0], s[i][1]), s[i][2]),
                          sub(sub(s[i][1], s[i][2]), s[i][3])};
          for (int j = 0; j < 2; ++j) {
            Position position{
                arith::AddIOp::create(b, loc, row, constant(i)),
                arith::AddIOp::create(b, loc, column, constant(j))};
            Value start = init.kind == Initializer::Kind::Tensor
                              ? read(init.value,
                                     {image, position.row, position.column, f})
                              : initial;
            Value value = applyEpilogue(b, loc, lanes, epilogue,
                                        add(start, out[j]), image, position, f);
            y = write(value, y, {image, position.row, position.column, f});
          }
        }
        return y;
      },
      parallelLoops);
}

/// The tiles per chunk of a Winograd convolution: all of them when its
/// transformed input and products fit in L2; else a divisor of the tile
/// count, a multiple of the microkernel's `positions`, whose share fits in
/// half of it (the three stages then run chunk by chunk, their
/// intermediates staying in cache).
static int64_t winogradChunk(const ConvShape &shape, int64_t tiles,
                             int64_t positions) {
  int64_t bytesPerTile = 16 * (shape.channels + shape.filters) * 4;
  if (tiles * bytesPerTile <= 2 * kResidentFilterBytes)
    return tiles;
  for (int64_t chunk = kResidentFilterBytes / bytesPerTile; chunk >= positions;
       --chunk)
    if (tiles % chunk == 0 && chunk % positions == 0)
      return chunk;
  return tiles;
}

/// How a Winograd convolution runs its 16 products.
struct WinogradPlan {
  /// The products of one chunk of tiles as a convolution of 16 images of
  /// 1 x chunk pixels with a 1x1 filter per image.
  ConvShape products;
  MicrokernelPlan plan;
  /// Tiles per chunk (see winogradChunk).
  int64_t chunk;
  /// U, as transformWinogradFilter lays it out for `plan`.
  DenseResourceElementsAttr filter;
};

/// The Winograd plan of the convolution of `shape` and its transformed
/// filter; nullopt if the filter is not readable.
static std::optional<WinogradPlan>
planWinograd(const ConvShape &shape, int64_t lanes, Attribute filterAttr) {
  int64_t tiles = shape.batch * (shape.outputH / 2) * (shape.outputW / 2);
  auto productShape = [&](int64_t count) {
    return ConvShape{16, 1, count, shape.channels, 1, count, shape.filters, 1,
                     1,  1, 1};
  };
  std::optional<MicrokernelPlan> all =
      planMicrokernel(productShape(tiles), lanes);
  if (!all)
    return std::nullopt;
  int64_t chunk = winogradChunk(shape, tiles, all->positions);
  ConvShape products = productShape(chunk);
  std::optional<MicrokernelPlan> plan = planMicrokernel(products, lanes);
  plan->filterBlocksOutermost = false;
  DenseResourceElementsAttr filter =
      transformWinogradFilter(filterAttr, shape, plan->blockWidth());
  if (!filter)
    return std::nullopt;
  return WinogradPlan{products, *plan, chunk, filter};
}

/// Builds the Winograd form of the convolution of `shape` writing `output`.
static Value buildWinograd(OpBuilder &b, Location loc, const ConvShape &shape,
                           const WinogradPlan &winogradPlan, Value input,
                           Initializer init, ArrayRef<EpilogueStep> epilogue,
                           Value output,
                           SmallVectorImpl<Operation *> &parallelLoops) {
  const MicrokernelPlan &plan = winogradPlan.plan;
  int64_t chunk = winogradPlan.chunk;
  WinogradBuilder winograd(b, loc, shape, plan.lanes, input, init);
  Value transformed = arith::ConstantOp::create(b, loc, winogradPlan.filter);
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  auto buildChunk = [&](Value first, Value out) {
    Value v = winograd.transformInput(first, chunk, parallelLoops);
    MicrokernelBuilder multiply(
        b, loc, winogradPlan.products, plan, v, transformed,
        Initializer{Initializer::Kind::Scalar, zero}, {});
    multiply.setFilterPerImage();
    Value empty = tensor::EmptyOp::create(
        b, loc, ArrayRef<int64_t>{16, 1, chunk, shape.filters}, b.getF32Type());
    Operation *productLoop = nullptr;
    Value m = multiply.build(empty, productLoop);
    if (productLoop)
      parallelLoops.push_back(productLoop);
    return winograd.transformOutput(m, first, chunk, out, epilogue,
                                    parallelLoops);
  };
  int64_t tiles = winograd.tileCount();
  if (chunk == tiles)
    return buildChunk(indexConstant(b, loc, 0), output);
  auto chunks = scf::ForOp::create(
      b, loc, indexConstant(b, loc, 0), indexConstant(b, loc, tiles),
      indexConstant(b, loc, chunk), ValueRange{output},
      [&](OpBuilder &, Location, Value first, ValueRange args) {
        scf::YieldOp::create(b, loc, buildChunk(first, args[0]));
      });
  return chunks.getResult(0);
}

namespace {
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
};
} // namespace

/// Whether `conv` (a named convolution) is on static f32 tensors with unit
/// dilations and a constant filter, which it returns with the strides.
template <typename ConvOp>
static Attribute getStaticF32Filter(ConvOp conv,
                                    SmallVectorImpl<int64_t> &strides) {
  if (conv->getNumResults() != 1)
    return {};
  for (Value value :
       {conv.getInputs()[0], conv.getInputs()[1], Value(conv->getResult(0))}) {
    auto type = cast<RankedTensorType>(value.getType());
    if (!type.hasStaticShape() || !type.getElementType().isF32())
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

static std::optional<ConvMatch>
matchConvolution(linalg::Conv2DNhwcHwcfOp conv) {
  SmallVector<int64_t> strides;
  Attribute filterAttr = getStaticF32Filter(conv, strides);
  if (!filterAttr)
    return std::nullopt;
  ArrayRef<int64_t> in = shapeOf(conv.getInputs()[0]),
                    hwcf = shapeOf(conv.getInputs()[1]),
                    out = shapeOf(conv->getResult(0));
  ConvShape shape{in[0],  in[1],   in[2],   in[3],      out[1],    out[2],
                  out[3], hwcf[0], hwcf[1], strides[0], strides[1]};
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
                   output};
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
  Attribute filterAttr = getStaticF32Filter(conv, strides);
  tensor::CollapseShapeOp reshape = getOnlyReshapeToNHWC(conv);
  if (!filterAttr || !reshape)
    return std::nullopt;
  std::optional<ConvShape> shape =
      shapeOfConv(shapeOf(conv.getInputs()[0]), shapeOf(conv.getInputs()[1]),
                  shapeOf(conv->getResult(0)), strides);
  if (!shape)
    return std::nullopt;
  return ConvMatch{conv,       Value(), *shape,
                   filterAttr, layout,  reshape.getResult(),
                   reshape,    {},      Value()};
}

/// A grouped convolution [N][H][W][G][C] x [G][F][KH][KW][C] whose result
/// is only reshaped to NHWC (the model zoo's and the importer's form).
static std::optional<ConvMatch>
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

/// A depthwise convolution [N][H][W][C] x [KH][KW][C][1] whose result is
/// only reshaped to NHWC: C groups of one channel.
static std::optional<ConvMatch>
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

/// The NHWC input, initializer and output of a grouped or depthwise
/// convolution, made before it: the input as is, or reshaped (the source of
/// an expansion); a fill or a per-channel bias broadcast as such, any other
/// initial tensor reshaped.
static void makeReshapedOperands(RewriterBase &rewriter, ConvMatch &match) {
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

static LogicalResult rewriteConvolution(RewriterBase &rewriter, ConvMatch match,
                                        int64_t lanes, bool allowWinograd) {
  const ConvShape &shape = match.shape;
  std::optional<MicrokernelPlan> plan = planMicrokernel(shape, lanes);
  if (!plan)
    return failure();
  // The filter in the form the chosen path reads, before any IR changes.
  // (A convolution split into rows for the fused squeeze has one row: no
  // whole 2x2 tiles, so never Winograd.)
  std::optional<WinogradPlan> winograd;
  DenseResourceElementsAttr blocked;
  // (The Winograd filter transform reads the HWCF layout.)
  if (allowWinograd && match.layout == FilterLayout::HWCF &&
      takesWinograd(shape, lanes)) {
    winograd = planWinograd(shape, lanes, match.filter);
    if (!winograd)
      return failure();
  } else {
    blocked =
        packFilterBlocks(match.filter, match.layout, shape, plan->blockWidth());
    if (!blocked)
      return failure();
  }
  if (match.reshape)
    makeReshapedOperands(rewriter, match);
  Initializer init = match.init;
  Value input = match.input;
  auto outputType = cast<RankedTensorType>(match.result.getType());

  SmallVector<EpilogueStep> epilogue;
  Value result = match.result;
  while (result.hasOneUse()) {
    auto consumer = dyn_cast<linalg::GenericOp>(*result.getUsers().begin());
    if (!consumer || !isFusibleEpilogue(consumer, result))
      break;
    epilogue.push_back({consumer, result});
    result = consumer.getResult(0);
  }
  Operation *last = epilogue.empty() ? match.result.getDefiningOp()
                                     : epilogue.back().op.getOperation();

  bool insideParallelLoop = false;
  for (Operation *parent = last->getParentOp(); parent;
       parent = parent->getParentOp())
    insideParallelLoop |= parent->hasAttr(kParallelTilesAttrName);

  Location loc = match.conv->getLoc();
  rewriter.setInsertionPoint(last);
  // Write where the last op would have: for a fill or a bias broadcast,
  // where they would have written (then they are dead); for any other
  // initial value, in place of it, each tile read before it is written.
  Value output = match.output;
  if (!epilogue.empty())
    output = epilogue.back().op.getDpsInits()[0];
  // A constant padding of the result (what the next convolution or pooling
  // reads) is written in place: the loops write the interior of the padded
  // tensor, filled first, rather than a tensor the padding copies.
  tensor::PadOp pad = getConstantPadding(result);
  Value padded;
  if (pad) {
    padded = fillPaddedTensor(rewriter, loc, pad);
    output = tensor::ExtractSliceOp::create(
        rewriter, loc, outputType, padded,
        getAsIndexOpFoldResult(rewriter.getContext(), pad.getStaticLow()),
        getAsIndexOpFoldResult(rewriter.getContext(), outputType.getShape()),
        SmallVector<OpFoldResult>(4, rewriter.getIndexAttr(1)));
  }
  if (auto inputPad = input.getDefiningOp<tensor::PadOp>()) {
    OpBuilder::InsertionGuard guard(rewriter);
    input = decomposeInputPadding(rewriter, inputPad);
  }
  SmallVector<Operation *> parallelLoops;
  Value written;
  if (winograd) {
    written = buildWinograd(rewriter, loc, shape, *winograd, input, init,
                            epilogue, output, parallelLoops);
  } else {
    Value filter = arith::ConstantOp::create(rewriter, loc, blocked);
    MicrokernelBuilder builder(rewriter, loc, shape, *plan, input, filter, init,
                               epilogue);
    Operation *outermostLoop = nullptr;
    written = builder.build(output, outermostLoop);
    if (outermostLoop)
      parallelLoops.push_back(outermostLoop);
  }
  if (!insideParallelLoop)
    for (Operation *loop : parallelLoops)
      loop->setAttr(kParallelTilesAttrName, rewriter.getUnitAttr());
  if (pad) {
    auto slice = output.getDefiningOp<tensor::ExtractSliceOp>();
    Value inserted = tensor::InsertSliceOp::create(
        rewriter, loc, written, padded, slice.getMixedOffsets(),
        slice.getMixedSizes(), slice.getMixedStrides());
    rewriter.replaceOp(pad, inserted);
    rewriter.eraseOp(last);
  } else {
    rewriter.replaceOp(last, written);
  }
  for (EpilogueStep &step : llvm::reverse(epilogue))
    if (step.op != last)
      rewriter.eraseOp(step.op);
  if (match.reshape && match.reshape != last)
    rewriter.eraseOp(match.reshape);
  if (match.conv != last)
    rewriter.eraseOp(match.conv);
  return success();
}

//===----------------------------------------------------------------------===//
// Matrix products with a constant right-hand side
//===----------------------------------------------------------------------===//

/// `product` (a matmul [M][K] x [K][N], or a batch_matmul [1][M][K] x
/// [1][K][N]) with a constant right-hand side as a 1x1 convolution of the
/// image [1][1][M][K] with the filter [1][1][K][N'], N rounded up to whole
/// filter blocks with zero columns (the classifier's 1000 classes), so that
/// the microkernels stream the weights once; fails when `product` does not
/// have that form.
static LogicalResult rewriteProductAsConvolution(RewriterBase &rewriter,
                                                 linalg::LinalgOp product,
                                                 int64_t lanes) {
  if (product.hasUserDefinedMaps() || product->getNumResults() != 1)
    return failure();
  Value lhs = product.getDpsInputOperand(0)->get();
  Value init = product.getDpsInitOperand(0)->get();
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType =
      cast<RankedTensorType>(product.getDpsInputOperand(1)->get().getType());
  auto resultType = cast<RankedTensorType>(product->getResult(0).getType());
  if (!lhsType.hasStaticShape() || !rhsType.hasStaticShape() ||
      !lhsType.getElementType().isF32() || !rhsType.getElementType().isF32() ||
      !resultType.getElementType().isF32() ||
      (lhsType.getRank() == 3 && lhsType.getDimSize(0) != 1))
    return failure();
  Attribute rhsAttr = getConstantFilter(product.getDpsInputOperand(1)->get());
  if (!rhsAttr)
    return failure();
  int64_t rows = lhsType.getDimSize(lhsType.getRank() - 2);
  int64_t depth = lhsType.getDimSize(lhsType.getRank() - 1);
  int64_t columns = rhsType.getDimSize(rhsType.getRank() - 1);
  int64_t paddedColumns =
      columns % lanes == 0 ? columns : llvm::alignTo(columns, 2 * lanes);
  auto fill = init.getDefiningOp<linalg::FillOp>();
  if (!fill && paddedColumns != columns)
    return failure();
  std::optional<std::vector<float>> values =
      getF32Values(rhsAttr, depth * columns);
  if (!values)
    return failure();

  Location loc = product.getLoc();
  rewriter.setInsertionPoint(product);
  auto imageType = [&](int64_t width, int64_t channels) {
    return RankedTensorType::get({1, 1, width, channels},
                                 rewriter.getF32Type());
  };
  RankedTensorType convType = imageType(rows, paddedColumns);
  SmallVector<ReassociationIndices> toImage =
      lhsType.getRank() == 2
          ? SmallVector<ReassociationIndices>{{0, 1, 2}, {3}}
          : SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}};
  // The initializer as a 4-D tensor of the padded width: a fill is
  // repeated; any other tensor (only taken without padding) is reshaped.
  Value convInit;
  if (fill) {
    Value empty = tensor::EmptyOp::create(rewriter, loc, convType.getShape(),
                                          rewriter.getF32Type());
    convInit = linalg::FillOp::create(rewriter, loc, fill.getInputs()[0], empty)
                   .getResult(0);
  } else {
    convInit =
        tensor::ExpandShapeOp::create(rewriter, loc, convType, init, toImage);
  }
  std::vector<float> filterValues(depth * paddedColumns, 0.0f);
  for (int64_t k = 0; k < depth; ++k)
    std::copy_n(values->begin() + k * columns, columns,
                filterValues.begin() + k * paddedColumns);
  Value filter = arith::ConstantOp::create(
      rewriter, loc,
      makeF32Resource(RankedTensorType::get({1, 1, depth, paddedColumns},
                                            rewriter.getF32Type()),
                      "matmul_hwcf", filterValues));
  Value image = tensor::ExpandShapeOp::create(
      rewriter, loc, imageType(rows, depth), lhs, toImage);
  Value result =
      linalg::Conv2DNhwcHwcfOp::create(
          rewriter, loc, TypeRange{convType}, ValueRange{image, filter},
          ValueRange{convInit}, rewriter.getI64TensorAttr({1, 1}),
          rewriter.getI64TensorAttr({1, 1}))
          .getResult(0);
  if (paddedColumns != columns)
    result = tensor::ExtractSliceOp::create(
        rewriter, loc, imageType(rows, columns), result,
        ArrayRef<OpFoldResult>(
            SmallVector<OpFoldResult>(4, rewriter.getIndexAttr(0))),
        getAsIndexOpFoldResult(rewriter.getContext(),
                               ArrayRef<int64_t>{1, 1, rows, columns}),
        SmallVector<OpFoldResult>(4, rewriter.getIndexAttr(1)));
  rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(product, resultType,
                                                       result, toImage);
  return success();
}

namespace {
struct ConvMicrokernelsPass
    : se::impl::SECPUConvMicrokernelsBase<ConvMicrokernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<linalg::LinalgOp> products;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op.getOperation()))
        products.push_back(op);
    });
    for (linalg::LinalgOp product : products)
      (void)rewriteProductAsConvolution(rewriter, product, vectorWidth);
    SmallVector<Operation *> convs;
    getOperation().walk([&](Operation *op) {
      if (isa<linalg::Conv2DNhwcHwcfOp, linalg::Conv2DNhwgcGfhwcOp,
              linalg::DepthwiseConv2DNhwcHwcmOp>(op))
        convs.push_back(op);
    });
    for (Operation *op : convs) {
      std::optional<ConvMatch> match;
      if (auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op))
        match = matchConvolution(conv);
      else if (auto grouped = dyn_cast<linalg::Conv2DNhwgcGfhwcOp>(op))
        match = matchGroupedConvolution(grouped);
      else
        match = matchDepthwiseConvolution(
            cast<linalg::DepthwiseConv2DNhwcHwcmOp>(op));
      if (match)
        (void)rewriteConvolution(rewriter, *match, vectorWidth, winograd);
    }
  }
};
} // namespace
