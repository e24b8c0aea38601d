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
// right-hand side (the classifier and the SE blocks' fully connected
// layers, as 1x1 convolutions) take the same loops.
//
// This file holds the loop builder and the pass; ConvMicrokernels.h lists
// the other parts.
//
//===----------------------------------------------------------------------===//

#include "ConvMicrokernels.h"

#include "se/Codegen/CPU/Passes.h"
#include "se/Codegen/CPU/SEFusion.h"
#include "se/Dialect/SE/IR/SEOps.h"
#include "se/Utils/ConstantValues.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

namespace mlir::se {
#define GEN_PASS_DEF_SECPUCONVMICROKERNELS
#include "se/Codegen/CPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;
using namespace mlir::se;
using namespace mlir::se::microkernels;

namespace mlir::se::microkernels {

Value indexConstant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

scf::ForOp forOverTensor(OpBuilder &b, Location loc, int64_t upper,
                         int64_t step, Value tensor,
                         function_ref<Value(Value, Value)> body) {
  return scf::ForOp::create(
      b, loc, indexConstant(b, loc, 0), indexConstant(b, loc, upper),
      indexConstant(b, loc, step), ValueRange{tensor},
      [&](OpBuilder &, Location, Value iv, ValueRange args) {
        scf::YieldOp::create(b, loc, body(iv, args[0]));
      });
}

Value scaleAndOffset(OpBuilder &b, Location loc, Value base, int64_t scale,
                     Value offset) {
  Value scaled = base;
  if (scale != 1)
    scaled = arith::MulIOp::create(b, loc, base, indexConstant(b, loc, scale));
  if (!offset)
    return scaled;
  return arith::AddIOp::create(b, loc, scaled, offset);
}

Value readInBounds(OpBuilder &b, Location loc, VectorType type, Value tensor,
                   ValueRange indices, bool inBounds) {
  Value padding = arith::ConstantOp::create(
      b, loc,
      b.getZeroAttr(cast<ShapedType>(tensor.getType()).getElementType()));
  return vector::TransferReadOp::create(b, loc, type, tensor, indices, padding,
                                        ArrayRef<bool>{inBounds});
}

Value writeInBounds(OpBuilder &b, Location loc, Value value, Value tensor,
                    ValueRange indices, bool inBounds) {
  return vector::TransferWriteOp::create(b, loc, value, tensor, indices,
                                         ArrayRef<bool>{inBounds})
      .getResult();
}

/// An integer convolution's accumulators take a few vpdpbusd each; a
/// sigmoid after them (SiLU: ~30 vector ops per output vector) runs faster
/// as a loop of its own over the i32 results than in the tile's store
/// (EfficientNet-B0's 56 x 56 x 24 -> 144 expansion: 0.235 against 0.275
/// ms, Zen 5).
static bool hasExponential(linalg::GenericOp op) {
  return op.getRegion()
      .front()
      .walk([](math::ExpOp) { return WalkResult::interrupt(); })
      .wasInterrupted();
}

Value applyEpilogue(OpBuilder &b, Location loc, int64_t lanes,
                    ArrayRef<EpilogueStep> epilogue, Value acc, Value image,
                    Position position, Value channel, bool inBounds) {
  auto vectorOf = [&](Type type) { return VectorType::get({lanes}, type); };
  for (EpilogueStep step : epilogue) {
    Block &body = step.op.getRegion().front();
    IRMapping mapping;
    for (OpOperand *operand : step.op.getDpsInputOperands()) {
      Value arg = body.getArgument(operand->getOperandNumber());
      Value value = operand->get();
      if (value == step.chained) {
        mapping.map(arg, acc);
      } else if (readsPerChannel(step.op.getMatchingIndexingMap(operand),
                                 value.getType())) {
        SmallVector<Value> indices(
            cast<RankedTensorType>(value.getType()).getRank() - 1,
            arith::ConstantIndexOp::create(b, loc, 0));
        indices.push_back(channel);
        mapping.map(arg, readInBounds(b, loc, vectorOf(b.getF32Type()), value,
                                      indices, inBounds));
      } else {
        mapping.map(
            arg, readInBounds(b, loc, vectorOf(b.getF32Type()), value,
                              {image, position.row, position.column, channel},
                              inBounds));
      }
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

Value scaleFilterPerImage(OpBuilder &b, Location loc, Value filter, Value gate,
                          int64_t lanes) {
  auto filterType = cast<RankedTensorType>(filter.getType());
  ArrayRef<int64_t> packed = filterType.getShape();
  int64_t images = cast<RankedTensorType>(gate.getType()).getDimSize(0);
  int64_t taps = packed[0] * packed[1] * packed[2];
  int64_t channels = packed[3], width = packed[4];
  Type f32 = b.getF32Type();
  auto vectorType = VectorType::get({lanes}, f32);
  auto constant = [&](int64_t value) { return indexConstant(b, loc, value); };
  // As [B * KH * KW][C][W] and [N][B * KH * KW][C][W]: three loops.
  Value rows = tensor::CollapseShapeOp::create(
      b, loc, filter, SmallVector<ReassociationIndices>{{0, 1, 2}, {3}, {4}});
  Value scaled = tensor::EmptyOp::create(
      b, loc, ArrayRef<int64_t>{images, taps, channels, width}, f32);
  auto loop = [&](int64_t count, Value initial,
                  function_ref<Value(Value, Value)> body) {
    return forOverTensor(b, loc, count, 1, initial, body).getResult(0);
  };
  scaled = loop(images, scaled, [&](Value n, Value perImage) {
    return loop(taps, perImage, [&](Value t, Value perTap) {
      return loop(channels, perTap, [&](Value c, Value perChannel) {
        Value factor = vector::BroadcastOp::create(
            b, loc, vectorType,
            tensor::ExtractOp::create(b, loc, gate, ValueRange{n, c}));
        for (int64_t w = 0; w < width; w += lanes) {
          Value weights =
              readInBounds(b, loc, vectorType, rows, {t, c, constant(w)});
          perChannel = writeInBounds(
              b, loc, arith::MulFOp::create(b, loc, weights, factor),
              perChannel, {n, t, c, constant(w)});
        }
        return perChannel;
      });
    });
  });
  SmallVector<int64_t> perImageShape{images};
  llvm::append_range(perImageShape, packed);
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(perImageShape, f32), scaled,
      SmallVector<ReassociationIndices>{{0}, {1, 2, 3}, {4}, {5}});
}

Value MicrokernelBuilder::readVector(Value tensor, ValueRange indices,
                                     bool inBounds) {
  return readInBounds(b, loc, vectorType, tensor, indices, inBounds);
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
      perRegister.push_back(readVector(
          init.value, registerChannel(channel, r), !mayBePartial(r)));
  }
  for (Position position : tile)
    for (int64_t r = 0; r < plan.registers; ++r)
      accs.push_back(
          init.kind == Initializer::Kind::Tensor
              ? readVector(init.value,
                           {image, position.row, position.column,
                            registerChannel(channel, r)},
                           !mayBePartial(r))
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
    // The block's group's input channel c.
    Value inputChannel =
        groupBase ? arith::AddIOp::create(b, loc, groupBase, c) : c;
    Value scale;
    if (inputScale)
      scale = broadcast(tensor::ExtractOp::create(
          b, loc, inputScale, ValueRange{image, inputChannel}));
    for (int64_t r = 0; r < plan.registers; ++r) {
      Value weight =
          filterPerImage
              ? readVector(filter,
                           {image, block, kh, kw, c, constant(r * plan.lanes)})
              : readVector(filter,
                           {block, kh, kw, c, constant(r * plan.lanes)});
      if (scale)
        weight = arith::MulFOp::create(b, loc, weight, scale);
      weights.push_back(weight);
    }
    for (auto [p, in] : llvm::enumerate(inputs)) {
      Value x = broadcast(tensor::ExtractOp::create(
          b, loc, input, ValueRange{image, in.row, in.column, inputChannel}));
      for (int64_t r = 0; r < plan.registers; ++r) {
        Value &sum = sums[p * plan.registers + r];
        sum = vector::FMAOp::create(b, loc, x, weights[r], sum);
      }
    }
  };
  // Per pair of the four input channels of an integer convolution's step:
  // R filter vectors of pairs, per position the pair of input bytes
  // broadcast (vpbroadcastw), P x R dot products of pairs per lane, all
  // widened to 16 bits (se-cpu-lower-vectors makes each one vpmovsxbw or
  // vpmaddwd).
  auto pairStep = [&](ArrayRef<Position> inputs, Value kh, Value kw, Value q,
                      Accumulators &sums) {
    int64_t lanes = plan.lanes;
    auto pairsType = VectorType::get({2 * lanes}, b.getI8Type());
    auto widened = VectorType::get({2 * lanes}, b.getI32Type());
    auto widen = [&](Value pairs) {
      return arith::ExtSIOp::create(b, loc, widened, pairs);
    };
    for (int64_t half = 0; half < 2; ++half) {
      SmallVector<Value> weights;
      for (int64_t r = 0; r < plan.registers; ++r) {
        Value words =
            readVector(filter, {block, kh, kw, q, constant(r * lanes)});
        Value bytes = vector::ExtractStridedSliceOp::create(
            b, loc,
            vector::BitCastOp::create(
                b, loc, VectorType::get({4 * lanes}, b.getI8Type()), words),
            ArrayRef<int64_t>{half * 2 * lanes}, ArrayRef<int64_t>{2 * lanes},
            ArrayRef<int64_t>{1});
        weights.push_back(widen(bytes));
      }
      Value channel = arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, q, constant(4)),
          constant(2 * half));
      for (auto [p, in] : llvm::enumerate(inputs)) {
        Value two = readInBounds(b, loc, VectorType::get({2}, b.getI8Type()),
                                 input, {image, in.row, in.column, channel});
        Value pair = vector::ExtractOp::create(
            b, loc,
            vector::BitCastOp::create(
                b, loc, VectorType::get({1}, b.getI16Type()), two),
            ArrayRef<int64_t>{0});
        Value x = widen(vector::BitCastOp::create(
            b, loc, pairsType,
            vector::BroadcastOp::create(
                b, loc, VectorType::get({lanes}, b.getI16Type()), pair)));
        for (int64_t r = 0; r < plan.registers; ++r) {
          Value &sum = sums[p * plan.registers + r];
          Value products = vector::ShapeCastOp::create(
              b, loc, VectorType::get({lanes, 2}, b.getI32Type()),
              arith::MulIOp::create(b, loc, x, weights[r]));
          sum = vector::MultiDimReductionOp::create(b, loc, products, sum,
                                                    ArrayRef<bool>{false, true},
                                                    vector::CombiningKind::ADD);
        }
      }
    }
  };
  // Per four input channels of an integer convolution: R filter vectors,
  // one broadcast of four input bytes per position, P x R dot products of
  // four bytes per lane (se-cpu-lower-vectors makes each one vpdpbusd).
  auto quadStep = [&](ArrayRef<Position> inputs, Value kh, Value kw, Value q,
                      Accumulators &sums) {
    int64_t lanes = plan.lanes;
    auto bytesType = VectorType::get({4 * lanes}, b.getI8Type());
    auto widened = VectorType::get({4 * lanes}, b.getI32Type());
    SmallVector<Value> weights;
    for (int64_t r = 0; r < plan.registers; ++r) {
      Value words = readVector(filter, {block, kh, kw, q, constant(r * lanes)});
      weights.push_back(arith::ExtSIOp::create(
          b, loc, widened,
          vector::BitCastOp::create(b, loc, bytesType, words)));
    }
    Value channel = arith::MulIOp::create(b, loc, q, constant(4));
    // Signed bytes to the unsigned ones vpdpbusd multiplies: x + 128, on
    // the broadcast (a load and an xor with a constant in memory).
    Value offset = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(
            vectorType,
            b.getI32IntegerAttr(static_cast<int32_t>(0x80808080u))));
    for (auto [p, in] : llvm::enumerate(inputs)) {
      Value four = readInBounds(b, loc, VectorType::get({4}, b.getI8Type()),
                                input, {image, in.row, in.column, channel});
      Value word = vector::ExtractOp::create(
          b, loc,
          vector::BitCastOp::create(b, loc,
                                    VectorType::get({1}, b.getI32Type()), four),
          ArrayRef<int64_t>{0});
      Value words = arith::XOrIOp::create(b, loc, broadcast(word), offset);
      Value x = arith::ExtUIOp::create(
          b, loc, widened, vector::BitCastOp::create(b, loc, bytesType, words));
      for (int64_t r = 0; r < plan.registers; ++r) {
        Value &sum = sums[p * plan.registers + r];
        Value products = vector::ShapeCastOp::create(
            b, loc, VectorType::get({lanes, 4}, b.getI32Type()),
            arith::MulIOp::create(b, loc, x, weights[r]));
        auto dot = vector::MultiDimReductionOp::create(
            b, loc, products, sum, ArrayRef<bool>{false, true},
            vector::CombiningKind::ADD);
        if (markPairSumsFitI16)
          dot->setAttr(kPairSumsFitI16AttrName, b.getUnitAttr());
        sum = dot;
      }
    }
  };
  // Per filter tap, for narrow groups: per position and register, one input
  // vector; per input channel c of the groups, c shuffled across each
  // group's lanes, one filter vector and one FMA.
  auto groupShuffleStep = [&](Value kh, Value kw, ArrayRef<Position> inputs,
                              Accumulators &sums) {
    int64_t width = shape.channels;
    bool widened = integerStep == IntegerStep::Lanes;
    for (auto [p, in] : llvm::enumerate(inputs))
      for (int64_t r = 0; r < plan.registers; ++r) {
        SmallVector<Value> at = {image, in.row, in.column,
                                 registerChannel(channel, r)};
        Value &sum = sums[p * plan.registers + r];
        if (widened) {
          Value bytes = readInBounds(
              b, loc, VectorType::get({plan.lanes}, b.getI8Type()), input, at);
          Value x = arith::ExtSIOp::create(b, loc, vectorType, bytes);
          Value weight = readVector(
              filter, {block, kh, kw, constant(0), constant(r * plan.lanes)});
          sum = arith::AddIOp::create(b, loc, sum,
                                      arith::MulIOp::create(b, loc, x, weight));
          continue;
        }
        Value x = readVector(input, at);
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
            if (plan.prefetchNextBlock && !filterPerImage &&
                shape.outputH * shape.outputW > plan.positions)
              prefetchNextBlock(first, block, kh, kw, c0);
            for (int64_t u = 0; u < plan.channelUnroll; ++u) {
              Value c =
                  u == 0 ? c0 : arith::AddIOp::create(b, loc, c0, constant(u));
              if (!integerStep)
                channelStep(kh, kw, inputs, c, sums);
              else if (*integerStep == IntegerStep::Pairs)
                pairStep(inputs, kh, kw, c, sums);
              else
                quadStep(inputs, kh, kw, c, sums);
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
  int64_t filterFloats = blockFloats * plan.blocks();
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
  if (count == plan.positions && shape.outputW % count == 0) {
    // The tile is part of one row: its positions are the first one's row at
    // consecutive columns, which LLVM cannot prove once the tile loop's
    // bounds are an OpenMP thread's (each position would keep an address
    // register of its own).
    Value row = arith::DivUIOp::create(b, loc, first, width);
    Value column = arith::RemUIOp::create(b, loc, first, width);
    for (int64_t p = 0; p < count; ++p)
      tile.push_back({row, arith::AddIOp::create(b, loc, column, constant(p))});
  } else {
    for (int64_t p = 0; p < count; ++p) {
      Value flat = arith::AddIOp::create(b, loc, first, constant(p));
      tile.push_back({arith::DivUIOp::create(b, loc, flat, width),
                      arith::RemUIOp::create(b, loc, flat, width)});
    }
  }
  Value channel =
      arith::MulIOp::create(b, loc, block, constant(plan.blockWidth()));
  Accumulators accs = initialAccumulators(image, tile, channel);
  accs = accumulate(accs, image, tile, first, block, channel);
  for (auto [p, position] : llvm::enumerate(tile))
    for (int64_t r = 0; r < plan.registers; ++r) {
      Value ch = registerChannel(channel, r);
      Value value = applyEpilogue(b, loc, plan.lanes, epilogue,
                                  accs[p * plan.registers + r], image,
                                  position, ch, !mayBePartial(r));
      output = writeInBounds(b, loc, value, output,
                             {image, position.row, position.column, ch},
                             !mayBePartial(r));
    }
  return output;
}

Value MicrokernelBuilder::build(Value output, Operation *&outermostLoop) {
  int64_t blocks = plan.blocks();
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

  // The tile dimension has full tiles and a narrower one for the rest.
  std::function<Value(unsigned, Value)> emit = [&](unsigned depth,
                                                   Value tensor) -> Value {
    if (depth == order.size())
      return buildTile(tensor, ivs[Image], ivs[Tile], ivs[Block],
                       plan.positions);
    Dim dim = order[depth];
    if (dim == Tile) {
      if (fullTiles > 0) {
        scf::ForOp loop =
            forOverTensor(b, loc, fullTiles * plan.positions, plan.positions,
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
      return forOverTensor(b, loc, blocks, 1, tensor,
                           [&](Value iv, Value t) {
                             ivs[Block] = iv;
                             return restTile(t);
                           })
          .getResult(0);
    }
    int64_t trips = dim == Image ? shape.batch : blocks;
    scf::ForOp loop =
        forOverTensor(b, loc, trips, 1, tensor, [&](Value iv, Value t) {
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

} // namespace mlir::se::microkernels

/// The accumulators of an integer convolution start from its bias less the
/// input's zero point times each filter's sum: sum((x - zp) * w) =
/// sum(x * w) - zp * sum(w); for Quads, which read unsigned bytes, both
/// offset by 128: sum((x + 128) * w) - (zp + 128) * sum(w). A constant of
/// `paddedFilters` words.
static std::optional<Initializer>
makeIntegerInitializer(RewriterBase &rewriter, const ConvMatch &match,
                       const PackedInt8Filter &filter, int64_t paddedFilters,
                       IntegerStep step) {
  SmallVector<int32_t> start(paddedFilters, 0);
  if (match.init.kind == Initializer::Kind::Scalar) {
    APInt value;
    if (!matchPattern(match.init.value, m_ConstantInt(&value)))
      return std::nullopt;
    for (int64_t f = 0; f < match.shape.filters; ++f)
      start[f] = value.getSExtValue();
  } else {
    DenseIntElementsAttr bias;
    if (!matchPattern(match.init.value, m_Constant(&bias)))
      return std::nullopt;
    for (auto [f, value] : llvm::enumerate(bias.getValues<APInt>()))
      start[f] = value.getSExtValue();
  }
  int64_t offset =
      int64_t(*match.inputZeroPoint) + (step == IntegerStep::Quads ? 128 : 0);
  for (int64_t f = 0; f < match.shape.filters; ++f)
    start[f] -= offset * filter.sums[f];
  auto type = RankedTensorType::get({paddedFilters}, rewriter.getI32Type());
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(match.conv);
  Value value = arith::ConstantOp::create(
      rewriter, match.conv->getLoc(),
      DenseIntElementsAttr::get(type, ArrayRef<int32_t>(start)));
  return Initializer{Initializer::Kind::Bias, value};
}

static LogicalResult rewriteConvolution(RewriterBase &rewriter, ConvMatch match,
                                        int64_t lanes, bool allowWinograd,
                                        Int8DotProduct dotProduct) {
  const ConvShape &shape = match.shape;
  bool integer = match.inputZeroPoint.has_value();
  if (integer && dotProduct == Int8DotProduct::None)
    return failure();
  // Without vpdpbusd, vpmaddubsw (four bytes per lane in two
  // instructions) where it is exact for this filter, else vpmaddwd on
  // bytes widened to 16 bits. Neither accumulates in place, so the
  // products take registers from the tile. Measured on AVX2 (Zen 5,
  // x86-64-v3): vpmaddwd's 5 x 2 tiles beat 6 x 2 (SE-ResNet-50 0.985
  // of fp32's time against 1.02); vpmaddubsw's 4 x 2 tiles beat
  // 5 x 2 (SE-ResNet-50 0.62 against 0.64 of fp32's time,
  // MobileNetV3-Large 0.69 against 0.71, EfficientNet-B0 0.99x).
  // A depthwise convolution's groups have one input channel: one product
  // per lane, whatever the dot products the CPU has.
  bool depthwise = integer && shape.groups > 1;
  std::optional<std::vector<int8_t>> filterCodes;
  if (integer) {
    filterCodes = getInt8FilterCodes(match.filter, shape);
    if (!filterCodes)
      return failure();
  }
  IntegerStep integerStep = depthwise ? IntegerStep::Lanes : IntegerStep::Quads;
  bool pairSumsFit = false;
  int64_t reservedRegisters = 0;
  if (integer && !depthwise && dotProduct == Int8DotProduct::Vpmaddwd) {
    pairSumsFit = pairSumsFitI16(*filterCodes, 4 * shape.channels);
    if (!pairSumsFit)
      integerStep = IntegerStep::Pairs;
    reservedRegisters = pairSumsFit ? 4 : 2;
  }
  std::optional<MicrokernelPlan> plan =
      planConvolution(shape, lanes, reservedRegisters);
  if (!plan)
    return failure();
  // The filter in the form the chosen path reads, before any IR changes.
  // (A convolution split into rows for the fused squeeze has one row: no
  // whole 2x2 tiles, so never Winograd.)
  std::optional<WinogradPlan> winograd;
  DenseResourceElementsAttr blocked;
  if (integer) {
    PackedInt8Filter packed =
        depthwise ? packDepthwiseInt8Filter(rewriter.getContext(), *filterCodes,
                                            shape, plan->blockWidth(),
                                            plan->paddedFilters)
                  : packInt8FilterBlocks(rewriter.getContext(), *filterCodes,
                                         shape, plan->blockWidth(), plan->lanes,
                                         plan->paddedFilters, integerStep);
    blocked = packed.blocks;
    std::optional<Initializer> init = makeIntegerInitializer(
        rewriter, match, packed, plan->paddedFilters, integerStep);
    if (!init)
      return failure();
    match.init = *init;
  } else if (allowWinograd && match.layout == FilterLayout::HWCF &&
             takesWinograd(shape, lanes)) {
    // (The Winograd filter transform reads the HWCF layout.)
    winograd = planWinograd(shape, lanes, match.filter);
    if (!winograd)
      return failure();
  } else {
    blocked =
        packFilterBlocks(match.filter, match.layout, shape, plan->blockWidth(),
                         plan->paddedFilters);
    if (!blocked)
      return failure();
  }
  if (match.reshape)
    makeReshapedOperands(rewriter, match);
  Initializer init = match.init;
  Value input = match.input;
  // An SE block's scale of the input (an MBConv's projection) is applied to
  // the filter, unless writing the scaled input first is cheaper.
  std::optional<ScaledInput> scaled;
  InputScaling scaling = InputScaling::OnTheFly;
  if (!winograd && !integer)
    scaled = matchScaledInput(match);
  if (scaled) {
    scaling = chooseInputScaling(shape, *plan);
    if (scaling == InputScaling::Materialized)
      scaled.reset();
    else
      input = scaled->featureMap;
  }
  auto outputType = cast<RankedTensorType>(match.result.getType());

  SmallVector<EpilogueStep> epilogue;
  Value result = match.result;
  while (result.hasOneUse()) {
    auto consumer = dyn_cast<linalg::GenericOp>(*result.getUsers().begin());
    if (!consumer || !isFusibleEpilogue(consumer, result) ||
        (integer && !depthwise && hasExponential(consumer)))
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
  // tensor, filled first, rather than a tensor the padding copies; other
  // readers of the result (a residual add) read that interior.
  tensor::PadOp pad = getConstantPadding(result);
  Value padded;
  // The epilogue's element type (8-bit codes after a quantization).
  auto resultType = cast<RankedTensorType>(result.getType());
  if (pad) {
    padded = fillPaddedTensor(rewriter, loc, pad);
    output = tensor::ExtractSliceOp::create(
        rewriter, loc, resultType, padded,
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
    bool scaleFilter = scaled && scaling == InputScaling::FilterPerImage;
    if (scaleFilter)
      filter =
          scaleFilterPerImage(rewriter, loc, filter, scaled->gate, plan->lanes);
    MicrokernelBuilder builder(rewriter, loc, shape, *plan, input, filter, init,
                               epilogue);
    if (scaleFilter)
      builder.setFilterPerImage();
    else if (scaled)
      builder.setInputScale(scaled->gate);
    if (integer)
      builder.setIntegerStep(integerStep, pairSumsFit);
    Operation *outermostLoop = nullptr;
    written = builder.build(output, outermostLoop);
    if (outermostLoop)
      parallelLoops.push_back(outermostLoop);
  }
  if (!insideParallelLoop)
    for (Operation *loop : parallelLoops)
      loop->setAttr(kParallelTilesAttrName, rewriter.getUnitAttr());
  // The loops read U for the SE block (se-cpu-traffic-report); the ones of
  // a single iteration fold away.
  if (scaled)
    for (Operation *loop : parallelLoops) {
      loop->setAttr(kSEBlockAttrName,
                    scaled->scale->getAttr(kSEBlockAttrName));
      loop->setAttr(kSEPhaseAttrName, rewriter.getStringAttr("scaled-read"));
    }
  if (pad) {
    auto slice = output.getDefiningOp<tensor::ExtractSliceOp>();
    Value inserted = tensor::InsertSliceOp::create(
        rewriter, loc, written, padded, slice.getMixedOffsets(),
        slice.getMixedSizes(), slice.getMixedStrides());
    rewriter.replaceOp(pad, inserted);
    if (last->use_empty())
      rewriter.eraseOp(last);
    else
      rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
          last, resultType, inserted, slice.getMixedOffsets(),
          slice.getMixedSizes(), slice.getMixedStrides());
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
  if (scaled) {
    Operation *expand = match.input.getDefiningOp();
    if (expand->use_empty())
      rewriter.eraseOp(expand);
    if (scaled->scale->use_empty())
      rewriter.eraseOp(scaled->scale);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Matrix products with a constant right-hand side
//===----------------------------------------------------------------------===//

namespace {
/// A matrix product [M][K] x [K][N] whose right-hand side is a constant,
/// as a matmul, a batch_matmul [1][M][K] x [1][K][N], or an SE block's
/// fully connected layer (a generic over (m, n, k) reading [M][K] and a
/// constant [N][K]).
struct ConstantProduct {
  Value lhs;
  Attribute rhs;
  /// The constant is [N][K].
  bool transposed;
  Value init;
};
} // namespace

/// The maps of `lhs x rhs` over (m, n, k), rhs [K][N] or, `transposed`,
/// [N][K].
static SmallVector<AffineMap> productMaps(MLIRContext *ctx, bool transposed) {
  AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
             k = getAffineDimExpr(2, ctx);
  auto map = [&](ArrayRef<AffineExpr> results) {
    return AffineMap::get(3, 0, results, ctx);
  };
  return {map({m, k}), transposed ? map({n, k}) : map({k, n}), map({m, n})};
}

static std::optional<ConstantProduct>
matchConstantProduct(linalg::LinalgOp op) {
  if (op->getNumResults() != 1 || op.getNumDpsInputs() != 2)
    return std::nullopt;
  bool transposed = false;
  if (auto batched = dyn_cast<linalg::BatchMatmulOp>(op.getOperation())) {
    if (batched.hasUserDefinedMaps())
      return std::nullopt;
  } else {
    if (!isa<linalg::MatmulOp>(op.getOperation()) &&
        !(isa<linalg::GenericOp>(op.getOperation()) &&
          linalg::isaContractionOpInterface(op)))
      return std::nullopt;
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    transposed = maps == productMaps(op.getContext(), /*transposed=*/true);
    if (!transposed &&
        maps != productMaps(op.getContext(), /*transposed=*/false))
      return std::nullopt;
  }
  Attribute rhs = getConstantFilter(op.getDpsInputOperand(1)->get());
  if (!rhs)
    return std::nullopt;
  return ConstantProduct{op.getDpsInputOperand(0)->get(), rhs, transposed,
                         op.getDpsInitOperand(0)->get()};
}

/// The bias `init` broadcasts over the rows of an [M][N] product: a
/// linalg.broadcast of [N] along dimension 0; null otherwise.
static Value getRowBias(Value init) {
  auto broadcast = init.getDefiningOp<linalg::BroadcastOp>();
  if (!broadcast || broadcast.getDimensions() != ArrayRef<int64_t>{0} ||
      cast<ShapedType>(broadcast.getInit().getType()).getRank() != 2)
    return {};
  return broadcast.getInput();
}

/// `product` as a 1x1 convolution of the image [1][1][M][K] with the filter
/// [1][1][K][N'], N rounded up to whole filter blocks with zero columns (the
/// classifier's 1000 classes, an SE block's 168 hidden units), so that the
/// microkernels stream the weights once; fails when `product` does not have
/// that form. The accumulators start from a fill, a bias per column, or
/// (without padding) any initial tensor.
static LogicalResult rewriteProductAsConvolution(RewriterBase &rewriter,
                                                 linalg::LinalgOp product,
                                                 int64_t lanes) {
  std::optional<ConstantProduct> match = matchConstantProduct(product);
  if (!match)
    return failure();
  auto lhsType = cast<RankedTensorType>(match->lhs.getType());
  auto rhsType =
      cast<RankedTensorType>(product.getDpsInputOperand(1)->get().getType());
  auto resultType = cast<RankedTensorType>(product->getResult(0).getType());
  if (!lhsType.hasStaticShape() || !rhsType.hasStaticShape() ||
      !lhsType.getElementType().isF32() || !rhsType.getElementType().isF32() ||
      !resultType.getElementType().isF32() ||
      (lhsType.getRank() == 3 && lhsType.getDimSize(0) != 1))
    return failure();
  int64_t rows = lhsType.getDimSize(lhsType.getRank() - 2);
  int64_t depth = lhsType.getDimSize(lhsType.getRank() - 1);
  int64_t columns = resultType.getDimSize(resultType.getRank() - 1);
  auto fill = match->init.getDefiningOp<linalg::FillOp>();
  Value bias = getRowBias(match->init);
  int64_t paddedColumns =
      rows == 1 ? paddedMatrixVectorColumns(columns, vectorRegistersFor(lanes))
      : columns % lanes == 0 ? columns
                             : llvm::alignTo(columns, 2 * lanes);
  if (!fill && !bias && paddedColumns != columns) {
    // Any other initial tensor is reshaped as it is.
    if (columns % lanes != 0)
      return failure();
    paddedColumns = columns;
  }
  std::optional<std::vector<float>> values =
      getF32Values(match->rhs, depth * columns);
  if (!values)
    return failure();

  Location loc = product.getLoc();
  rewriter.setInsertionPoint(product);
  Type f32 = rewriter.getF32Type();
  auto imageType = [&](int64_t width, int64_t channels) {
    return RankedTensorType::get({1, 1, width, channels}, f32);
  };
  RankedTensorType convType = imageType(rows, paddedColumns);
  SmallVector<ReassociationIndices> toImage =
      lhsType.getRank() == 2
          ? SmallVector<ReassociationIndices>{{0, 1, 2}, {3}}
          : SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}};
  // The initializer as a 4-D tensor of the padded width: a fill is
  // repeated, a bias zero-padded and broadcast per channel (as a
  // convolution's bias); any other tensor (only taken without padding) is
  // reshaped.
  Value empty =
      tensor::EmptyOp::create(rewriter, loc, convType.getShape(), f32);
  Value convInit;
  if (fill) {
    convInit = linalg::FillOp::create(rewriter, loc, fill.getInputs()[0], empty)
                   .getResult(0);
  } else if (bias) {
    Value paddedBias = bias;
    if (paddedColumns != columns) {
      Value zero = arith::ConstantOp::create(rewriter, loc,
                                             rewriter.getF32FloatAttr(0.0f));
      Value zeros =
          linalg::FillOp::create(
              rewriter, loc, zero,
              tensor::EmptyOp::create(rewriter, loc,
                                      ArrayRef<int64_t>{paddedColumns}, f32)
                  .getResult())
              .getResult(0);
      paddedBias = tensor::InsertSliceOp::create(
          rewriter, loc, bias, zeros,
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(0)},
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(columns)},
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1)});
    }
    MLIRContext *ctx = rewriter.getContext();
    convInit =
        linalg::GenericOp::create(
            rewriter, loc, convType, ValueRange{paddedBias}, ValueRange{empty},
            ArrayRef<AffineMap>{
                AffineMap::get(4, 0, getAffineDimExpr(3, ctx), ctx),
                rewriter.getMultiDimIdentityMap(4)},
            SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
            [](OpBuilder &nb, Location nloc, ValueRange args) {
              linalg::YieldOp::create(nb, nloc, args[0]);
            })
            .getResult(0);
  } else {
    convInit = tensor::ExpandShapeOp::create(rewriter, loc, convType,
                                             match->init, toImage);
  }
  std::vector<float> filterValues(depth * paddedColumns, 0.0f);
  for (int64_t k = 0; k < depth; ++k)
    for (int64_t n = 0; n < columns; ++n)
      filterValues[k * paddedColumns + n] =
          (*values)[match->transposed ? n * depth + k : k * columns + n];
  Value filter = arith::ConstantOp::create(
      rewriter, loc,
      makeF32Resource(RankedTensorType::get({1, 1, depth, paddedColumns}, f32),
                      "matmul_hwcf", filterValues));
  Value image = tensor::ExpandShapeOp::create(
      rewriter, loc, imageType(rows, depth), match->lhs, toImage);
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
      if (isa<linalg::MatmulOp, linalg::BatchMatmulOp, linalg::GenericOp>(
              op.getOperation()))
        products.push_back(op);
    });
    for (linalg::LinalgOp product : products)
      (void)rewriteProductAsConvolution(rewriter, product, vectorWidth);
    SmallVector<Operation *> convs;
    getOperation().walk([&](Operation *op) {
      if (isa<linalg::Conv2DNhwcHwcfOp, linalg::Conv2DNhwcFhwcQOp,
              linalg::Conv2DNhwcFhwcOp, linalg::Conv2DNhwgcGfhwcOp,
              linalg::DepthwiseConv2DNhwcHwcmOp,
              linalg::DepthwiseConv2DNhwcHwcOp,
              linalg::DepthwiseConv2DNhwcHwcQOp>(op))
        convs.push_back(op);
    });
    for (Operation *op : convs) {
      std::optional<ConvMatch> match;
      if (auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op))
        match = matchConvolution(conv);
      else if (auto integer = dyn_cast<linalg::Conv2DNhwcFhwcQOp>(op))
        match = matchIntegerConvolution(integer);
      else if (auto integer = dyn_cast<linalg::Conv2DNhwcFhwcOp>(op))
        match = matchIntegerConvolution(integer);
      else if (auto grouped = dyn_cast<linalg::Conv2DNhwgcGfhwcOp>(op))
        match = matchGroupedConvolution(grouped);
      else if (auto depthwise = dyn_cast<linalg::DepthwiseConv2DNhwcHwcOp>(op))
        match = matchDepthwiseConvolution(depthwise);
      else if (auto integer = dyn_cast<linalg::DepthwiseConv2DNhwcHwcQOp>(op))
        match = matchDepthwiseConvolution(integer);
      else
        match = matchDepthwiseConvolution(
            cast<linalg::DepthwiseConv2DNhwcHwcmOp>(op));
      if (match)
        (void)rewriteConvolution(rewriter, *match, vectorWidth, winograd,
                                 int8DotProduct);
    }
  }
};
} // namespace
