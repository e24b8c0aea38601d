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

#include <algorithm>
#include <limits>

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

static std::optional<IntegerConvolution>
matchIntegerConvolution(tosa::Conv2DOp conv, bool beforeSigned = false) {
  IntegerConvolution match;
  std::optional<DequantizedInput> dequantized =
      matchDequantizedInput(conv.getInput(), beforeSigned);
  auto weight = conv.getWeight().getDefiningOp<DequantizeOp>();
  if (!dequantized || !weight || weight.getStorage() != QuantStorage::I8 ||
      !matchPattern(weight.getInput(), m_Constant(&match.weightAttr)) ||
      (weight.getAxis() && *weight.getAxis() != 0) ||
      llvm::any_of(weight.getZeroPoints(), [](int32_t zp) { return zp != 0; }))
    return std::nullopt;
  auto weightType = cast<RankedTensorType>(weight.getInput().getType());
  // The i32 accumulators hold sums of up to 255 x 128 per product.
  int64_t products = weightType.getNumElements() / weightType.getDimSize(0);
  if (llvm::any_of(conv.getDilation(), [](int64_t d) { return d != 1; }) ||
      !isa<FloatType>(
          cast<ShapedType>(conv.getBias().getType()).getElementType()) ||
      (products + 3) * 255 * 128 > std::numeric_limits<int32_t>::max())
    return std::nullopt;
  match.input = std::move(*dequantized);
  match.weight = weight;
  return match;
}

bool mlir::se::isIntegerConvolution(tosa::Conv2DOp conv) {
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

/// The integer form of `conv`, or failure when its operands are not 8-bit
/// codes the microkernels take.
static LogicalResult rewriteConvolution(tosa::Conv2DOp conv) {
  std::optional<IntegerConvolution> match = matchIntegerConvolution(conv);
  if (!match)
    return failure();
  DequantizedInput *dequantized = &match->input;
  DequantizeOp weight = match->weight;
  Attribute weightAttr = match->weightAttr;
  DequantizeOp input = dequantized->dequantize;
  auto inputType = cast<RankedTensorType>(conv.getInput().getType());
  auto resultType = cast<RankedTensorType>(conv.getType());
  int64_t filters = resultType.getDimSize(3);
  auto weightType = cast<RankedTensorType>(weight.getInput().getType());
  // Four input channels per 32-bit lane of vpdpbusd: others (a stem's 3)
  // are padded with the zero point's code and zero weights.
  int64_t channels = inputType.getDimSize(3);
  int64_t paddedChannels = llvm::alignTo(channels, 4);
  std::optional<std::vector<int8_t>> weightCodes;
  if (paddedChannels != channels) {
    weightCodes = getI8Values(weightAttr, weightType.getNumElements());
    if (!weightCodes)
      return failure();
  }

  OpBuilder b(conv);
  Location loc = conv.getLoc();
  MLIRContext *ctx = b.getContext();
  auto constant = [&](RankedTensorType type, DenseElementsAttr values) {
    return tosa::ConstOp::create(b, loc, type, values);
  };
  auto i8Scalar = RankedTensorType::get({1}, b.getI8Type());
  Value inputZp = constant(
      i8Scalar,
      DenseElementsAttr::get(
          i8Scalar, static_cast<int8_t>(input.getZeroPoints().front())));
  Value weightZp =
      constant(i8Scalar, DenseElementsAttr::get(i8Scalar, int8_t(0)));
  auto biasType = RankedTensorType::get({filters}, b.getI32Type());
  Value zeroBias = constant(biasType, DenseElementsAttr::get(biasType, 0));
  auto accType = resultType.clone(b.getI32Type());
  SmallVector<NamedAttribute> attrs(conv->getAttrs());
  for (NamedAttribute &attr : attrs)
    if (attr.getName() == conv.getAccTypeAttrName())
      attr.setValue(TypeAttr::get(b.getI32Type()));
  // The data movement moves to the codes.
  Value codes = input.getInput();
  for (Operation *move : dequantized->moves) {
    IRMapping mapping;
    mapping.map(move->getOperand(0), codes);
    Operation *moved = b.clone(*move, mapping);
    moved->getResult(0).setType(
        cast<RankedTensorType>(move->getResult(0).getType())
            .clone(b.getI8Type()));
    codes = moved->getResult(0);
  }
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
  Value acc = tosa::Conv2DOp::create(
      b, loc, TypeRange{accType},
      ValueRange{codes, weightCodesValue, zeroBias, inputZp, weightZp}, attrs);

  // acc * (s_x * s_w[f]) + b[f], in f32.
  Value product = tosa::CastOp::create(b, loc, resultType, acc);
  ArrayRef<float> weightScales = weight.getScales();
  float inputScale = input.getScales().front();
  SmallVector<float> scales;
  for (int64_t f = 0; f < filters; ++f)
    scales.push_back(inputScale *
                     weightScales[weightScales.size() == 1 ? 0 : f]);
  auto perChannelType =
      RankedTensorType::get({1, 1, 1, filters}, b.getF32Type());
  Value scale =
      constant(perChannelType,
               DenseElementsAttr::get(perChannelType, ArrayRef<float>(scales)));
  Value shift = constant(i8Scalar, DenseElementsAttr::get(i8Scalar, int8_t(0)));
  Value scaled = tosa::MulOp::create(b, loc, resultType, product, scale, shift);
  Value bias = conv.getBias();
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
  conv.replaceAllUsesWith(result);
  conv.erase();
  for (Operation *move : llvm::reverse(dequantized->moves))
    if (move->use_empty())
      move->erase();
  for (DequantizeOp dequantize : {input, weight})
    if (dequantize->use_empty())
      dequantize.erase();
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
    SmallVector<tosa::Conv2DOp> convs;
    getOperation().walk([&](tosa::Conv2DOp conv) { convs.push_back(conv); });
    for (tosa::Conv2DOp conv : convs)
      (void)rewriteConvolution(conv);
  }
};
} // namespace
