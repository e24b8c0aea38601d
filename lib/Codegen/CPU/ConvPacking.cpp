//===- ConvPacking.cpp - filters and paddings of microkernels -------------===//
//
// The compile-time re-layout of constant filters into the blocks the
// microkernels read, and the paddings they write in place or fill.
//
//===----------------------------------------------------------------------===//
#include "ConvMicrokernels.h"

#include "se/Utils/ConstantValues.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::se;
using namespace mlir::se::microkernels;

namespace mlir::se::microkernels {

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

tensor::PadOp getConstantPadding(Value value) {
  tensor::PadOp found;
  for (Operation *user : value.getUsers()) {
    auto pad = dyn_cast<tensor::PadOp>(user);
    if (!pad)
      continue;
    if (found || !isStaticConstantPadding(pad))
      return {};
    found = pad;
  }
  return found;
}

Value fillPaddedTensor(RewriterBase &rewriter, Location loc,
                       tensor::PadOp pad) {
  Value value = arith::ConstantOp::create(
      rewriter, loc, cast<TypedAttr>(getConstantPaddingAttr(pad)));
  // A new tensor, not a tensor.empty: CSE would merge equal fills of
  // several paddings into one value, which bufferization then copies for
  // every writer but the last.
  Value padded = bufferization::AllocTensorOp::create(
      rewriter, loc, pad.getResultType(), ValueRange{});
  RankedTensorType sourceType = pad.getSourceType();
  if (!sourceType.hasStaticShape())
    return linalg::FillOp::create(rewriter, loc, value, padded).getResult(0);
  // The interior is written by whoever pads, so only the border is filled:
  // per padded dimension d, the slabs below and above the interior, over
  // the interior of the dimensions before d and all of those after it.
  ArrayRef<int64_t> low = pad.getStaticLow();
  ArrayRef<int64_t> paddedShape = pad.getResultType().getShape();
  int64_t rank = sourceType.getRank();
  auto fillSlab = [&](int64_t dim, int64_t offset, int64_t size) {
    SmallVector<int64_t> offsets(rank, 0), sizes(paddedShape);
    for (int64_t d = 0; d < dim; ++d) {
      offsets[d] = low[d];
      sizes[d] = sourceType.getDimSize(d);
    }
    offsets[dim] = offset;
    sizes[dim] = size;
    MLIRContext *context = rewriter.getContext();
    SmallVector<OpFoldResult> offsetValues =
        getAsIndexOpFoldResult(context, offsets);
    SmallVector<OpFoldResult> sizeValues =
        getAsIndexOpFoldResult(context, sizes);
    SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
    Value slab = tensor::ExtractSliceOp::create(
        rewriter, loc, padded, offsetValues, sizeValues, strides);
    Value filled =
        linalg::FillOp::create(rewriter, loc, value, slab).getResult(0);
    padded = tensor::InsertSliceOp::create(rewriter, loc, filled, padded,
                                           offsetValues, sizeValues, strides);
  };
  for (int64_t dim = 0; dim < rank; ++dim) {
    int64_t below = low[dim];
    int64_t above = paddedShape[dim] - below - sourceType.getDimSize(dim);
    if (below > 0)
      fillSlab(dim, 0, below);
    if (above > 0)
      fillSlab(dim, below + sourceType.getDimSize(dim), above);
  }
  return padded;
}

Value decomposeInputPadding(RewriterBase &rewriter, tensor::PadOp pad) {
  if (!isStaticConstantPadding(pad) || !pad.getSourceType().hasStaticShape())
    return pad.getResult();
  Location loc = pad.getLoc();
  int64_t rank = pad.getResultType().getRank();
  SmallVector<OpFoldResult> offsets =
      getAsIndexOpFoldResult(rewriter.getContext(), pad.getStaticLow());
  SmallVector<OpFoldResult> sizes = getAsIndexOpFoldResult(
      rewriter.getContext(), pad.getSourceType().getShape());
  SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
  // A source computed into a fresh tensor (the network's input transposed
  // to NHWC, say) is computed in the padded tensor's interior instead:
  // bufferization then writes it in place rather than copying it there.
  auto producer = pad.getSource().getDefiningOp<DestinationStyleOpInterface>();
  OpOperand *init = nullptr;
  if (producer && producer->getBlock() == pad->getBlock() &&
      producer->getNumResults() == 1 && pad.getSource().hasOneUse() &&
      producer.getNumDpsInits() == 1) {
    init = producer.getDpsInitOperand(0);
    auto empty = init->get().getDefiningOp<tensor::EmptyOp>();
    if (!empty || !empty->hasOneUse())
      init = nullptr;
  }
  rewriter.setInsertionPoint(init ? producer.getOperation() : pad);
  Value filled = fillPaddedTensor(rewriter, loc, pad);
  if (init) {
    Value interior = tensor::ExtractSliceOp::create(
        rewriter, loc, pad.getSourceType(), filled, offsets, sizes, strides);
    rewriter.modifyOpInPlace(producer, [&] { init->set(interior); });
  }
  rewriter.setInsertionPoint(pad);
  return rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(
      pad, pad.getSource(), filled, offsets, sizes, strides);
}

DenseResourceElementsAttr packFilterBlocks(Attribute filter,
                                           FilterLayout layout,
                                           const ConvShape &shape,
                                           int64_t width,
                                           int64_t paddedFilters) {
  int64_t count = shape.filterBytes() / 4;
  std::optional<std::vector<float>> values = getF32Values(filter, count);
  if (!values)
    return {};
  std::vector<float> blocked(count / shape.filters * paddedFilters, 0.0f);
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
  auto type = RankedTensorType::get({paddedFilters / width, shape.kernelH,
                                     shape.kernelW, shape.channels, width},
                                    Float32Type::get(filter.getContext()));
  return makeF32Resource(type, "conv_blocked", blocked);
}

std::optional<std::vector<int8_t>> getInt8FilterCodes(Attribute filter,
                                                      const ConvShape &shape) {
  int64_t channels = shape.groups > 1 ? shape.channels : 4 * shape.channels;
  return getI8Values(filter,
                     shape.filters * shape.kernelH * shape.kernelW * channels);
}

PackedInt8Filter packInt8FilterBlocks(MLIRContext *context,
                                      ArrayRef<int8_t> codes,
                                      const ConvShape &shape, int64_t width,
                                      int64_t lanes, int64_t paddedFilters,
                                      IntegerStep step) {
  int64_t taps = shape.kernelH * shape.kernelW;
  int64_t quads = shape.channels, channels = 4 * quads;
  PackedInt8Filter packed;
  packed.sums.assign(paddedFilters, 0);
  // Word blocks of W filters x 4 channels, as bytes.
  std::vector<int8_t> bytes(paddedFilters * taps * channels, 0);
  for (int64_t f = 0; f < shape.filters; ++f)
    for (int64_t t = 0; t < taps; ++t)
      for (int64_t q = 0; q < quads; ++q) {
        int64_t word =
            ((f / width) * taps * quads + t * quads + q) * width + f % width;
        // The first word of filter f's vector register, and its lane.
        int64_t registerWord = word - f % lanes, lane = f % lanes;
        for (int64_t j = 0; j < 4; ++j) {
          // [F][KH][KW][C].
          int8_t code = codes[(f * taps + t) * channels + 4 * q + j];
          packed.sums[f] += code;
          int64_t byte =
              step == IntegerStep::Pairs
                  ? 4 * registerWord + 2 * ((j / 2) * lanes + lane) + j % 2
                  : 4 * word + j;
          bytes[byte] = code;
        }
      }
  auto type = RankedTensorType::get(
      {paddedFilters / width, shape.kernelH, shape.kernelW, quads, width},
      IntegerType::get(context, 32));
  packed.blocks =
      makeResource(type, "conv_int8_blocked",
                   ArrayRef<char>(reinterpret_cast<const char *>(bytes.data()),
                                  bytes.size()),
                   alignof(uint32_t));
  return packed;
}

PackedInt8Filter packDepthwiseInt8Filter(MLIRContext *context,
                                         ArrayRef<int8_t> codes,
                                         const ConvShape &shape, int64_t width,
                                         int64_t paddedFilters) {
  int64_t taps = shape.kernelH * shape.kernelW, channels = shape.filters;
  PackedInt8Filter packed;
  packed.sums.assign(paddedFilters, 0);
  std::vector<int32_t> words(paddedFilters * taps, 0);
  for (int64_t t = 0; t < taps; ++t)
    for (int64_t c = 0; c < channels; ++c) {
      int8_t code = codes[t * channels + c];
      packed.sums[c] += code;
      words[((c / width) * taps + t) * width + c % width] = code;
    }
  auto type = RankedTensorType::get(
      {paddedFilters / width, shape.kernelH, shape.kernelW, 1, width},
      IntegerType::get(context, 32));
  packed.blocks =
      makeResource(type, "depthwise_int8_blocked",
                   ArrayRef<char>(reinterpret_cast<const char *>(words.data()),
                                  words.size() * sizeof(int32_t)),
                   alignof(int32_t));
  return packed;
}

//===----------------------------------------------------------------------===//

} // namespace mlir::se::microkernels
