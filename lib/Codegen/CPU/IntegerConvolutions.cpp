//===- IntegerConvolutions.cpp - quantized convolutions on 8-bit codes ----===//
//
// A QDQ model computes each convolution as float ops on dequantized 8-bit
// values. Where both operands are 8-bit codes (the activation per tensor,
// the weight a symmetric int8 constant), the convolution runs on the codes
// in i32 and one multiply-add per output gives the float result back.
//
//===----------------------------------------------------------------------===//

#include "se/Codegen/CPU/Passes.h"
#include "se/Dialect/SE/IR/SEOps.h"
#include "se/Utils/ConstantValues.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <limits>
#include <type_traits>

namespace mlir::se {
#define GEN_PASS_DEF_SECPUINTEGERCONVOLUTIONS
#include "se/Codegen/CPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;
using namespace mlir::se;

/// Whether makeSigned applies: u8 codes read only by dequantizations.
static bool canMakeSigned(QuantizeOp quantize) {
  return quantize.getStorage() == QuantStorage::U8 &&
         llvm::all_of(quantize->getUsers(),
                      [](Operation *user) { return isa<DequantizeOp>(user); });
}

/// Rewrites `quantize` (to u8, read only by dequantizations) and its readers
/// to i8 with zero points less 128: q - 128 in place of q, the same
/// dequantized values.
static void makeSigned(QuantizeOp quantize) {
  auto shifted = [](ArrayRef<int32_t> zeroPoints) {
    SmallVector<int32_t> result;
    for (int32_t zp : zeroPoints)
      result.push_back(zp - 128);
    return result;
  };
  auto update = [&](auto op) {
    op.setStorageAttr(
        QuantStorageAttr::get(op->getContext(), QuantStorage::I8));
    op.setZeroPointsAttr(
        Builder(op->getContext())
            .getDenseI32ArrayAttr(shifted(op.getZeroPoints())));
  };
  update(quantize);
  for (Operation *user : quantize->getUsers())
    update(cast<DequantizeOp>(user));
}

/// A per-tensor dequantization of signed bytes that `value` is, directly or
/// moved: cropped (`tosa.slice`, a strided convolution's input) or
/// transposed (`tosa.transpose`, the network's NCHW input), which commute
/// with it; `moves` from the dequantization to `value`.
struct DequantizedInput {
  DequantizeOp dequantize;
  SmallVector<Operation *> moves;
};
/// With `beforeSigned`, also u8 codes that makeSigned turns into i8.
static std::optional<DequantizedInput>
matchDequantizedInput(Value value, bool beforeSigned) {
  DequantizedInput match;
  while (Operation *op = value.getDefiningOp()) {
    if (!isa<tosa::SliceOp, tosa::TransposeOp>(op))
      break;
    match.moves.insert(match.moves.begin(), op);
    value = op->getOperand(0);
  }
  match.dequantize = value.getDefiningOp<DequantizeOp>();
  if (!match.dequantize || match.dequantize.getScales().size() != 1)
    return std::nullopt;
  if (match.dequantize.getStorage() != QuantStorage::I8) {
    auto quantize = match.dequantize.getInput().getDefiningOp<QuantizeOp>();
    if (!beforeSigned || !quantize || !canMakeSigned(quantize))
      return std::nullopt;
  }
  return match;
}

/// A convolution of 8-bit codes: the activation (per tensor, `moves` on
/// the way) and a constant int8 weight symmetric per output channel.
struct IntegerConvolution {
  DequantizedInput input;
  DequantizeOp weight;
  Attribute weightAttr;
};

/// The weight's axis of output channels: OHWI, or HWCM (multiplier 1).
static uint64_t outputChannelAxis(tosa::Conv2DOp) { return 0; }
static uint64_t outputChannelAxis(tosa::DepthwiseConv2DOp) { return 2; }

/// The products summed per output.
static int64_t productsPerOutput(tosa::Conv2DOp, RankedTensorType weight) {
  return weight.getNumElements() / weight.getDimSize(0);
}
static int64_t productsPerOutput(tosa::DepthwiseConv2DOp,
                                 RankedTensorType weight) {
  return weight.getDimSize(0) * weight.getDimSize(1);
}

template <typename ConvOp>
static std::optional<IntegerConvolution>
matchIntegerConvolution(ConvOp conv, bool beforeSigned = false) {
  IntegerConvolution match;
  std::optional<DequantizedInput> dequantized =
      matchDequantizedInput(conv.getInput(), beforeSigned);
  auto weight = conv.getWeight().template getDefiningOp<DequantizeOp>();
  if (!dequantized || !weight || weight.getStorage() != QuantStorage::I8 ||
      !matchPattern(weight.getInput(), m_Constant(&match.weightAttr)) ||
      (weight.getAxis() && *weight.getAxis() != outputChannelAxis(conv)) ||
      llvm::any_of(weight.getZeroPoints(), [](int32_t zp) { return zp != 0; }))
    return std::nullopt;
  auto weightType = cast<RankedTensorType>(weight.getInput().getType());
  // The i32 accumulators hold sums of up to 255 x 128 per product.
  int64_t products = productsPerOutput(conv, weightType);
  if (llvm::any_of(conv.getDilation(), [](int64_t d) { return d != 1; }) ||
      !isa<FloatType>(
          cast<ShapedType>(conv.getBias().getType()).getElementType()) ||
      (products + 3) * 255 * 128 > std::numeric_limits<int32_t>::max())
    return std::nullopt;
  if constexpr (std::is_same_v<ConvOp, tosa::DepthwiseConv2DOp>)
    if (weightType.getDimSize(3) != 1)
      return std::nullopt;
  match.input = std::move(*dequantized);
  match.weight = weight;
  return match;
}

bool mlir::se::isIntegerConvolution(tosa::Conv2DOp conv) {
  return matchIntegerConvolution(conv, /*beforeSigned=*/true).has_value();
}

bool mlir::se::isIntegerConvolution(tosa::DepthwiseConv2DOp conv) {
  return matchIntegerConvolution(conv, /*beforeSigned=*/true).has_value();
}

bool mlir::se::pairSumsFitI16(ArrayRef<int8_t> codes, int64_t channels) {
  constexpr int32_t largestByte = 255;
  auto fits = [&](int32_t first, int32_t second) {
    int32_t positive = std::max(first, 0) + std::max(second, 0);
    int32_t negative = std::min(first, 0) + std::min(second, 0);
    return largestByte * positive <= std::numeric_limits<int16_t>::max() &&
           largestByte * negative >= std::numeric_limits<int16_t>::min();
  };
  for (size_t row = 0; row < codes.size(); row += channels)
    for (int64_t c = 0; c < channels; c += 2)
      if (!fits(codes[row + c], c + 1 < channels ? codes[row + c + 1] : 0))
        return false;
  return true;
}

bool mlir::se::pairSumsFitI16(tosa::Conv2DOp conv) {
  std::optional<IntegerConvolution> match =
      matchIntegerConvolution(conv, /*beforeSigned=*/true);
  if (!match)
    return false;
  auto type = cast<RankedTensorType>(match->weight.getInput().getType());
  std::optional<std::vector<int8_t>> codes =
      getI8Values(match->weightAttr, type.getNumElements());
  return codes && pairSumsFitI16(*codes, type.getDimSize(3));
}

/// The data movement between `dequantized`'s dequantization and the
/// convolution, moved to the codes: the codes the convolution reads.
static Value moveCodes(OpBuilder &b, const DequantizedInput &dequantized) {
  Value codes = DequantizeOp(dequantized.dequantize).getInput();
  for (Operation *move : dequantized.moves) {
    IRMapping mapping;
    mapping.map(move->getOperand(0), codes);
    Operation *moved = b.clone(*move, mapping);
    moved->getResult(0).setType(
        cast<RankedTensorType>(move->getResult(0).getType())
            .clone(b.getI8Type()));
    codes = moved->getResult(0);
  }
  return codes;
}

/// Replaces `conv` (float, on `match`'s dequantized operands) by `acc`, its
/// i32 sums of code products: acc * (s_x * s_w[f]) + b[f], in f32.
static void replaceBySums(OpBuilder &b, Operation *conv, Value bias,
                          const IntegerConvolution &match, Value acc) {
  Location loc = conv->getLoc();
  MLIRContext *ctx = b.getContext();
  auto resultType = cast<RankedTensorType>(conv->getResult(0).getType());
  int64_t filters = resultType.getDimSize(3);
  DequantizeOp input = match.input.dequantize;
  DequantizeOp weight = match.weight;
  Value product = tosa::CastOp::create(b, loc, resultType, acc);
  ArrayRef<float> weightScales = weight.getScales();
  float inputScale = input.getScales().front();
  SmallVector<float> scales;
  for (int64_t f = 0; f < filters; ++f)
    scales.push_back(inputScale *
                     weightScales[weightScales.size() == 1 ? 0 : f]);
  auto perChannelType =
      RankedTensorType::get({1, 1, 1, filters}, b.getF32Type());
  Value scale = tosa::ConstOp::create(
      b, loc, perChannelType,
      DenseElementsAttr::get(perChannelType, ArrayRef<float>(scales)));
  auto i8Scalar = RankedTensorType::get({1}, b.getI8Type());
  Value shift = tosa::ConstOp::create(
      b, loc, i8Scalar, DenseElementsAttr::get(i8Scalar, int8_t(0)));
  Value scaled = tosa::MulOp::create(b, loc, resultType, product, scale, shift);
  auto biasShape = cast<RankedTensorType>(bias.getType());
  auto shape4 = tosa::ConstShapeOp::create(
      b, loc, tosa::shapeType::get(ctx, 4),
      DenseIntElementsAttr::get(
          RankedTensorType::get({4}, IndexType::get(ctx)),
          ArrayRef<int64_t>{1, 1, 1, biasShape.getDimSize(0)}));
  Value bias4 = tosa::ReshapeOp::create(
      b, loc,
      biasShape.clone(ArrayRef<int64_t>{1, 1, 1, biasShape.getDimSize(0)}),
      bias, shape4);
  Value result = tosa::AddOp::create(b, loc, resultType, scaled, bias4);
  conv->getResult(0).replaceAllUsesWith(result);
  conv->erase();
  for (Operation *move : llvm::reverse(match.input.moves))
    if (move->use_empty())
      move->erase();
  for (DequantizeOp dequantize : {input, weight})
    if (dequantize->use_empty())
      dequantize.erase();
}

/// The integer form of `conv` (ConvOp of the same attributes,
/// accumulating in i32) on `codes` and `weightCodes`, with the input's zero
/// point, the weight's (0) and a zero i32 bias: its i32 sums.
template <typename ConvOp>
static Value createIntegerSums(OpBuilder &b, ConvOp conv,
                               const IntegerConvolution &match, Value codes,
                               Value weightCodes) {
  Location loc = conv.getLoc();
  auto i8Scalar = RankedTensorType::get({1}, b.getI8Type());
  auto zeroPoint = [&](int32_t zp) {
    return tosa::ConstOp::create(
        b, loc, i8Scalar,
        DenseElementsAttr::get(i8Scalar, static_cast<int8_t>(zp)));
  };
  DequantizeOp input = match.input.dequantize;
  Value inputZp = zeroPoint(input.getZeroPoints().front());
  Value weightZp = zeroPoint(0);
  auto accType = cast<RankedTensorType>(conv.getType()).clone(b.getI32Type());
  auto biasType =
      RankedTensorType::get({accType.getDimSize(3)}, b.getI32Type());
  Value zeroBias = tosa::ConstOp::create(b, loc, biasType,
                                         DenseElementsAttr::get(biasType, 0));
  SmallVector<NamedAttribute> attrs = llvm::to_vector(conv->getAttrs());
  for (NamedAttribute &attr : attrs)
    if (attr.getName() == conv.getAccTypeAttrName())
      attr.setValue(TypeAttr::get(b.getI32Type()));
  return ConvOp::create(
      b, loc, TypeRange{accType},
      ValueRange{codes, weightCodes, zeroBias, inputZp, weightZp}, attrs);
}

/// The integer form of `conv`, or failure when its operands are not 8-bit
/// codes the microkernels take.
static LogicalResult rewriteConvolution(tosa::Conv2DOp conv) {
  std::optional<IntegerConvolution> match = matchIntegerConvolution(conv);
  if (!match)
    return failure();
  DequantizeOp weight = match->weight;
  DequantizeOp input = match->input.dequantize;
  auto inputType = cast<RankedTensorType>(conv.getInput().getType());
  auto weightType = cast<RankedTensorType>(weight.getInput().getType());
  // Four input channels per 32-bit lane of vpdpbusd: others (a stem's 3)
  // are padded with the zero point's code and zero weights.
  int64_t channels = inputType.getDimSize(3);
  int64_t paddedChannels = llvm::alignTo(channels, 4);
  std::optional<std::vector<int8_t>> weightCodes;
  if (paddedChannels != channels) {
    weightCodes = getI8Values(match->weightAttr, weightType.getNumElements());
    if (!weightCodes)
      return failure();
  }

  OpBuilder b(conv);
  Location loc = conv.getLoc();
  Value codes = moveCodes(b, match->input);
  Value weightCodesValue = weight.getInput();
  if (weightCodes) {
    // (tensor.pad: TOSA's level check refuses tosa.pad's !tosa.shape<8>.)
    SmallVector<int64_t> shape = llvm::to_vector(inputType.getShape());
    shape[3] = paddedChannels;
    auto pad = tensor::PadOp::create(
        b, loc, RankedTensorType::get(shape, b.getI8Type()), codes,
        ArrayRef<int64_t>{0, 0, 0, 0},
        ArrayRef<int64_t>{0, 0, 0, paddedChannels - channels}, ValueRange{},
        ValueRange{});
    {
      OpBuilder::InsertionGuard guard(b);
      Block *block = b.createBlock(&pad.getRegion(), {},
                                   SmallVector<Type>(4, b.getIndexType()),
                                   SmallVector<Location>(4, loc));
      b.setInsertionPointToEnd(block);
      tensor::YieldOp::create(
          b, loc,
          arith::ConstantOp::create(b, loc,
                                    b.getI8IntegerAttr(static_cast<int8_t>(
                                        input.getZeroPoints().front()))));
    }
    codes = pad;
    // [F][KH][KW][C] to [F][KH][KW][C'], zeros in the new channels.
    SmallVector<int64_t> paddedShape = llvm::to_vector(weightType.getShape());
    paddedShape[3] = paddedChannels;
    std::vector<int8_t> padded(
        weightType.getNumElements() / channels * paddedChannels, 0);
    for (size_t i = 0; i < weightCodes->size(); ++i)
      padded[i / channels * paddedChannels + i % channels] = (*weightCodes)[i];
    auto paddedType = RankedTensorType::get(paddedShape, b.getI8Type());
    weightCodesValue = tosa::ConstOp::create(
        b, loc, paddedType,
        DenseElementsAttr::get(paddedType, ArrayRef<int8_t>(padded)));
  }
  Value acc = createIntegerSums(b, conv, *match, codes, weightCodesValue);
  replaceBySums(b, conv, conv.getBias(), *match, acc);
  return success();
}

/// The integer form of a depthwise `conv` (multiplier 1): the i32 sums of
/// one channel's codes times its filter's.
static LogicalResult rewriteConvolution(tosa::DepthwiseConv2DOp conv) {
  std::optional<IntegerConvolution> match = matchIntegerConvolution(conv);
  if (!match)
    return failure();
  OpBuilder b(conv);
  Value acc = createIntegerSums(b, conv, *match, moveCodes(b, match->input),
                                match->weight.getInput());
  replaceBySums(b, conv, conv.getBias(), *match, acc);
  return success();
}

namespace {
struct IntegerConvolutionsPass
    : se::impl::SECPUIntegerConvolutionsBase<IntegerConvolutionsPass> {
  void runOnOperation() override {
    getOperation().walk([](QuantizeOp quantize) {
      if (canMakeSigned(quantize))
        makeSigned(quantize);
    });
    SmallVector<Operation *> convs;
    getOperation().walk([&](Operation *op) {
      if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(op))
        convs.push_back(op);
    });
    for (Operation *conv : convs)
      TypeSwitch<Operation *>(conv)
          .Case<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(
              [](auto conv) { (void)rewriteConvolution(conv); });
  }
};
} // namespace
