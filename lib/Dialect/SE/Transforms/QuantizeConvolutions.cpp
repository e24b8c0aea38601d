//===- QuantizeConvolutions.cpp - post-training int8 quantization ---------===//
//
// Writes into a float graph what a QDQ file (ONNX Runtime's quantize_static)
// carries: u8 quantize/dequantize pairs on the activations convolutions read,
// from calibrated ranges, and int8 weights symmetric per output channel. The
// calibration itself runs compiled code: se-expose-calibration-activations
// makes the function return those activations.
//
//===----------------------------------------------------------------------===//

#include "se/Dialect/SE/IR/SEOps.h"
#include "se/Dialect/SE/Transforms/Passes.h"
#include "se/Utils/ConstantValues.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SetVector.h"

#include <algorithm>
#include <cmath>

namespace mlir::se {
#define GEN_PASS_DEF_SEQUANTIZECONVOLUTIONS
#define GEN_PASS_DEF_SEEXPOSECALIBRATIONACTIVATIONS
#include "se/Dialect/SE/Transforms/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;
using namespace mlir::se;

/// The value `conv` reads as its input before single-use crops and
/// transposes (which se-cpu-integer-convolutions moves onto the codes), or
/// null when `conv` is not one to quantize: f32 operands, a constant f32
/// weight, an input not already dequantized.
static Value getQuantizableInput(tosa::Conv2DOp conv) {
  auto isF32 = [](Value v) {
    return cast<ShapedType>(v.getType()).getElementType().isF32();
  };
  if (!isF32(conv.getInput()) || !isF32(conv.getWeight()) ||
      !matchPattern(conv.getWeight(), m_Constant()))
    return {};
  Value value = conv.getInput();
  while (Operation *op = value.getDefiningOp()) {
    if (!isa<tosa::SliceOp, tosa::TransposeOp>(op) || !value.hasOneUse())
      break;
    value = op->getOperand(0);
  }
  if (value.getDefiningOp<DequantizeOp>())
    return {};
  return value;
}

/// The convolutions to quantize, each with its quantizable input, in
/// program order.
static SmallVector<std::pair<tosa::Conv2DOp, Value>>
getQuantizableConvolutions(func::FuncOp func) {
  SmallVector<std::pair<tosa::Conv2DOp, Value>> convs;
  func.walk([&](tosa::Conv2DOp conv) {
    if (Value input = getQuantizableInput(conv))
      convs.push_back({conv, input});
  });
  return convs;
}

/// The distinct inputs of `convs`, in order.
static SmallVector<Value>
getActivations(ArrayRef<std::pair<tosa::Conv2DOp, Value>> convs) {
  llvm::SetVector<Value> activations;
  for (auto [conv, input] : convs)
    activations.insert(input);
  return activations.takeVector();
}

SmallVector<Value> mlir::se::getQuantizableActivations(func::FuncOp func) {
  return getActivations(getQuantizableConvolutions(func));
}

/// u8 over [min(lo, 0), max(hi, 0)], as ONNX Runtime's MinMax calibration
/// computes scale and zero point (so that 0 is exact).
static std::pair<float, int32_t> getActivationQuantization(ActivationRange r) {
  double lo = std::min(r.lo, 0.0), hi = std::max(r.hi, 0.0);
  float scale = static_cast<float>((hi - lo) / 255.0);
  if (!(scale > 0.0f) || !std::isfinite(scale))
    return {1.0f, 0};
  auto zeroPoint = static_cast<int32_t>(std::nearbyint(-lo / scale));
  return {scale, std::clamp(zeroPoint, 0, 255)};
}

/// The convolution's weight as `se.dequantize` of i8 codes, symmetric per
/// output channel ([-largestCode, largestCode]); null if the constant
/// cannot be read.
static Value quantizeWeight(OpBuilder &b, tosa::Conv2DOp conv,
                            int64_t largestCode) {
  Attribute attr;
  if (!matchPattern(conv.getWeight(), m_Constant(&attr)))
    return {};
  auto type = cast<RankedTensorType>(conv.getWeight().getType());
  std::optional<std::vector<float>> values =
      getF32Values(attr, type.getNumElements());
  if (!values)
    return {};
  int64_t filters = type.getDimSize(0);
  int64_t perFilter = type.getNumElements() / filters;
  SmallVector<float> scales;
  std::vector<int8_t> codes(values->size());
  for (int64_t f = 0; f < filters; ++f) {
    ArrayRef<float> filter(values->data() + f * perFilter, perFilter);
    float absMax = 0.0f;
    for (float w : filter)
      absMax = std::max(absMax, std::fabs(w));
    auto largest = static_cast<float>(largestCode);
    float scale = absMax > 0.0f ? absMax / largest : 1.0f;
    scales.push_back(scale);
    for (int64_t i = 0; i < perFilter; ++i)
      codes[f * perFilter + i] = static_cast<int8_t>(
          std::clamp(std::nearbyint(filter[i] / scale), -largest, largest));
  }
  auto codesType = type.clone(b.getI8Type());
  Value codesValue = tosa::ConstOp::create(
      b, conv.getLoc(), codesType,
      makeResource(codesType, "quantized",
                   ArrayRef<char>(reinterpret_cast<const char *>(codes.data()),
                                  codes.size()),
                   alignof(int8_t)));
  MLIRContext *ctx = b.getContext();
  return DequantizeOp::create(
      b, conv.getLoc(), type, codesValue,
      QuantStorageAttr::get(ctx, QuantStorage::I8),
      b.getDenseF32ArrayAttr(scales),
      b.getDenseI32ArrayAttr(SmallVector<int32_t>(filters, 0)),
      b.getI64IntegerAttr(0));
}

LogicalResult mlir::se::quantizeConvolutions(func::FuncOp func,
                                             ArrayRef<ActivationRange> ranges,
                                             int64_t largestCode) {
  if (largestCode < 1 || largestCode > kLargestWeightCode)
    return func.emitError() << "the largest weight code must be 1 to "
                            << kLargestWeightCode << ", got " << largestCode;
  SmallVector<std::pair<tosa::Conv2DOp, Value>> convs =
      getQuantizableConvolutions(func);
  SmallVector<Value> activations = getActivations(convs);
  if (activations.size() != ranges.size())
    return func.emitError() << "quantization needs one range per quantizable "
                               "activation: "
                            << activations.size() << " activations, "
                            << ranges.size() << " ranges";
  MLIRContext *ctx = func.getContext();
  auto u8 = QuantStorageAttr::get(ctx, QuantStorage::U8);
  OpBuilder b(ctx);
  DenseMap<Value, Value> dequantized;
  for (auto [value, range] : llvm::zip_equal(activations, ranges)) {
    if (Operation *producer = value.getDefiningOp())
      b.setInsertionPointAfter(producer);
    else
      b.setInsertionPointToStart(cast<BlockArgument>(value).getOwner());
    auto [scale, zeroPoint] = getActivationQuantization(range);
    auto type = cast<RankedTensorType>(value.getType());
    auto scales = b.getDenseF32ArrayAttr({scale});
    auto zeroPoints = b.getDenseI32ArrayAttr({zeroPoint});
    Value codes =
        QuantizeOp::create(b, value.getLoc(), type.clone(b.getI8Type()), value,
                           u8, scales, zeroPoints, IntegerAttr());
    dequantized[value] = DequantizeOp::create(
        b, value.getLoc(), type, codes, u8, scales, zeroPoints, IntegerAttr());
  }

  DenseMap<Value, Value> quantizedWeights;
  for (auto [conv, input] : convs) {
    Value &weight = quantizedWeights[conv.getWeight()];
    if (!weight) {
      b.setInsertionPointAfter(conv.getWeight().getDefiningOp());
      weight = quantizeWeight(b, conv, largestCode);
      if (!weight)
        return conv.emitError("cannot read the weight constant to quantize it");
    }
    conv.getWeightMutable().assign(weight);
    // The first reader on the way from the activation to the convolution.
    OpOperand *reader = &conv.getInputMutable();
    while (reader->get() != input)
      reader = &reader->get().getDefiningOp()->getOpOperand(0);
    reader->set(dequantized.lookup(input));
  }
  for (auto [constant, dequantize] : quantizedWeights)
    if (constant.use_empty())
      constant.getDefiningOp()->erase();
  return success();
}

LogicalResult mlir::se::exposeCalibrationActivations(func::FuncOp func) {
  SmallVector<Value> activations = getQuantizableActivations(func);
  if (activations.empty())
    return func.emitError("nothing to quantize: no convolution with a "
                          "constant f32 weight reads a float activation");
  auto returnOp = cast<func::ReturnOp>(func.getBody().back().getTerminator());
  OpBuilder b(returnOp);
  Location loc = returnOp.getLoc();
  SmallVector<Value> flat;
  for (Value value : activations) {
    auto type = cast<RankedTensorType>(value.getType());
    if (!type.hasStaticShape())
      return func.emitError("calibration needs static shapes, got ") << type;
    int64_t count = type.getNumElements();
    auto shape = tosa::ConstShapeOp::create(
        b, loc, tosa::shapeType::get(b.getContext(), 1),
        DenseIntElementsAttr::get(RankedTensorType::get({1}, b.getIndexType()),
                                  ArrayRef<int64_t>{count}));
    flat.push_back(tosa::ReshapeOp::create(
        b, loc, RankedTensorType::get({count}, b.getF32Type()), value, shape));
  }
  // TOSA concatenates at most 64 tensors at once (and folds nested
  // concatenations): one result per 64 activations.
  constexpr size_t kMaxConcat = 64;
  SmallVector<Value> results;
  for (size_t at = 0; at < flat.size(); at += kMaxConcat) {
    ArrayRef<Value> part =
        ArrayRef<Value>(flat).slice(at, std::min(kMaxConcat, flat.size() - at));
    int64_t count = 0;
    for (Value v : part)
      count += cast<ShapedType>(v.getType()).getNumElements();
    results.push_back(part.size() == 1
                          ? part.front()
                          : tosa::ConcatOp::create(
                                b, loc,
                                RankedTensorType::get({count}, b.getF32Type()),
                                part, /*axis=*/0));
  }
  func::ReturnOp::create(b, loc, results);
  returnOp.erase();
  func.setType(FunctionType::get(func.getContext(),
                                 func.getFunctionType().getInputs(),
                                 ValueRange(results).getTypes()));
  return success();
}

namespace {
struct QuantizeConvolutionsPass
    : se::impl::SEQuantizeConvolutionsBase<QuantizeConvolutionsPass> {
  using Base::Base;
  void runOnOperation() override {
    if (ranges.size() % 2 != 0) {
      getOperation().emitError("ranges must be lo,hi pairs");
      return signalPassFailure();
    }
    SmallVector<ActivationRange> pairs;
    for (size_t i = 0; i < ranges.size(); i += 2)
      pairs.push_back({ranges[i], ranges[i + 1]});
    if (failed(quantizeConvolutions(getOperation(), pairs, largestWeightCode)))
      signalPassFailure();
  }
};

struct ExposeCalibrationActivationsPass
    : se::impl::SEExposeCalibrationActivationsBase<
          ExposeCalibrationActivationsPass> {
  void runOnOperation() override {
    if (failed(exposeCalibrationActivations(getOperation())))
      signalPassFailure();
  }
};
} // namespace
