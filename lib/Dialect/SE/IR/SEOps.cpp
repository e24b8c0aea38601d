//===- SEOps.cpp - se dialect verifiers, builders, helpers ----------------===//

#include "se/Dialect/SE/IR/SEOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::se;

#include "se/Dialect/SE/IR/SEEnums.cpp.inc"

//===----------------------------------------------------------------------===//
// Knob syntax: `key = value` pairs in any order, defaults omitted
//===----------------------------------------------------------------------===//

namespace {
/// The `key = value` syntax of one enum knob.
template <typename AttrT, typename EnumT> struct Knob {
  StringRef key;
  std::optional<EnumT> (*symbolize)(StringRef);
  StringRef (*stringify)(EnumT);
  uint64_t maxValue;
  EnumT defaultValue;

  std::string choices() const {
    std::string text;
    for (uint64_t v = 0; v <= maxValue; ++v)
      text += (v ? ", " : "") + stringify(static_cast<EnumT>(v)).str();
    return text;
  }

  ParseResult parseValue(OpAsmParser &parser, AttrT &attr) const {
    SMLoc loc = parser.getCurrentLocation();
    StringRef value;
    if (parser.parseEqual() || parser.parseKeyword(&value))
      return failure();
    std::optional<EnumT> parsed = symbolize(value);
    if (!parsed)
      return parser.emitError(loc) << "unknown " << key << " '" << value
                                   << "'; expected one of: " << choices();
    attr = AttrT::get(parser.getContext(), *parsed);
    return success();
  }

  void print(OpAsmPrinter &printer, AttrT attr) const {
    if (attr && attr.getValue() != defaultValue)
      printer << ' ' << key << " = " << stringify(attr.getValue());
  }
};
} // namespace

#define SE_KNOB(ATTR, ENUM, KEY, DEFAULT)                                      \
  Knob<ATTR, ENUM> {                                                           \
    KEY, symbolize##ENUM, stringify##ENUM, getMaxEnumValFor##ENUM(),           \
        ENUM::DEFAULT                                                          \
  }

static const auto kLayoutKnob = SE_KNOB(LayoutAttr, Layout, "layout", NCHW);
static const auto kSqueezeKnob =
    SE_KNOB(SqueezeKindAttr, SqueezeKind, "squeeze", Avg);
static const auto kExcitationKnob =
    SE_KNOB(ExcitationKindAttr, ExcitationKind, "excitation", TwoFC);
static const auto kInnerActKnob =
    SE_KNOB(InnerActivationAttr, InnerActivation, "inner_act", ReLU);
static const auto kGateKnob = SE_KNOB(GateKindAttr, GateKind, "gate", Sigmoid);
static const auto kPostActKnob =
    SE_KNOB(PostActivationAttr, PostActivation, "post_act", None);
#undef SE_KNOB

static ParseResult parseKnobs(OpAsmParser &parser, LayoutAttr &layout,
                              SqueezeKindAttr &squeeze,
                              ExcitationKindAttr &excitation,
                              InnerActivationAttr &innerAct, GateKindAttr &gate,
                              PostActivationAttr &postAct) {
  llvm::StringSet<> seen;
  while (true) {
    SMLoc loc = parser.getCurrentLocation();
    StringRef key;
    if (failed(parser.parseOptionalKeyword(&key)))
      return success();
    if (!seen.insert(key).second)
      return parser.emitError(loc) << "knob '" << key << "' is given twice";
    ParseResult parsed =
        key == kLayoutKnob.key    ? kLayoutKnob.parseValue(parser, layout)
        : key == kSqueezeKnob.key ? kSqueezeKnob.parseValue(parser, squeeze)
        : key == kExcitationKnob.key
            ? kExcitationKnob.parseValue(parser, excitation)
        : key == kInnerActKnob.key ? kInnerActKnob.parseValue(parser, innerAct)
        : key == kGateKnob.key     ? kGateKnob.parseValue(parser, gate)
        : key == kPostActKnob.key  ? kPostActKnob.parseValue(parser, postAct)
                                   : parser.emitError(loc)
                                        << "unknown knob '" << key
                                        << "'; expected one of: layout, "
                                           "squeeze, excitation, inner_act, "
                                           "gate, post_act";
    if (failed(parsed))
      return failure();
  }
}

static void printKnobs(OpAsmPrinter &printer, SqueezeExciteOp,
                       LayoutAttr layout, SqueezeKindAttr squeeze,
                       ExcitationKindAttr excitation,
                       InnerActivationAttr innerAct, GateKindAttr gate,
                       PostActivationAttr postAct) {
  kLayoutKnob.print(printer, layout);
  kSqueezeKnob.print(printer, squeeze);
  kExcitationKnob.print(printer, excitation);
  kInnerActKnob.print(printer, innerAct);
  kGateKnob.print(printer, gate);
  kPostActKnob.print(printer, postAct);
}

#define GET_OP_CLASSES
#include "se/Dialect/SE/IR/SEOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Hidden-width rules
//===----------------------------------------------------------------------===//

int64_t mlir::se::hiddenWidthFromRatio(int64_t channels, int64_t ratio) {
  return std::max<int64_t>(1, channels / std::max<int64_t>(1, ratio));
}

int64_t mlir::se::makeDivisible(double value, int64_t divisor,
                                int64_t minValue) {
  if (minValue <= 0)
    minValue = divisor;
  auto rounded =
      static_cast<int64_t>(value + divisor / 2.0) / divisor * divisor;
  int64_t result = std::max(minValue, rounded);
  if (result < 0.9 * value)
    result += divisor;
  return result;
}

int64_t mlir::se::hiddenWidthFromBlockInput(int64_t blockInputChannels,
                                            double seRatio) {
  return std::max<int64_t>(1,
                           static_cast<int64_t>(blockInputChannels * seRatio));
}

int64_t mlir::se::getHiddenWidth(HiddenWidthRule rule, int64_t channels,
                                 int64_t parameter) {
  switch (rule) {
  case HiddenWidthRule::Ratio:
    return hiddenWidthFromRatio(channels, parameter);
  case HiddenWidthRule::MakeDivisible:
    return makeDivisible(channels / 4.0);
  case HiddenWidthRule::BlockInput:
    return hiddenWidthFromBlockInput(parameter);
  }
  llvm_unreachable("unknown hidden-width rule");
}

int64_t mlir::se::ecaKernelSize(int64_t channels, int64_t gamma, int64_t b) {
  auto t = static_cast<int64_t>(
      std::fabs((std::log2(static_cast<double>(channels)) + b) / gamma));
  return t % 2 ? t : t + 1;
}

//===----------------------------------------------------------------------===//
// SqueezeExciteOp
//===----------------------------------------------------------------------===//

void SqueezeExciteOp::build(OpBuilder &builder, OperationState &state,
                            Value input, Value w1, Value w2, Value bias1,
                            Value bias2, Value residual,
                            const SEConfig &config) {
  MLIRContext *ctx = builder.getContext();
  build(builder, state, input.getType(), input, w1, w2, bias1, bias2, residual,
        LayoutAttr::get(ctx, config.layout),
        SqueezeKindAttr::get(ctx, config.squeeze),
        ExcitationKindAttr::get(ctx, config.excitation),
        InnerActivationAttr::get(ctx, config.innerAct),
        GateKindAttr::get(ctx, config.gate),
        PostActivationAttr::get(ctx, config.postAct));
}

static int64_t channelDim(Layout layout) {
  return layout == Layout::NCHW ? 1 : 3;
}

int64_t SqueezeExciteOp::getNumChannels() {
  return getInput().getType().getDimSize(channelDim(getLayout()));
}

int64_t SqueezeExciteOp::getSpatialSize() {
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  return getLayout() == Layout::NCHW ? shape[2] * shape[3]
                                     : shape[1] * shape[2];
}

int64_t SqueezeExciteOp::getHiddenWidth() {
  switch (getExcitation()) {
  case ExcitationKind::TwoFC:
    return getW1().getType().getDimSize(0);
  case ExcitationKind::OneFC:
    return getNumChannels();
  case ExcitationKind::Conv1D:
    return 1;
  }
  llvm_unreachable("unknown excitation kind");
}

int64_t SqueezeExciteOp::getKernelSize() {
  return getExcitation() == ExcitationKind::Conv1D
             ? getW1().getType().getDimSize(0)
             : 0;
}

SEConfig SqueezeExciteOp::getConfig() {
  return SEConfig{getLayout(),   getSqueeze(), getExcitation(),
                  getInnerAct(), getGate(),    getPostAct()};
}

static std::string shapeString(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(
      shape, os,
      [&](int64_t dim) {
        if (ShapedType::isDynamic(dim))
          os << '?';
        else
          os << dim;
      },
      "x");
  return text;
}

namespace {
/// Checks one operand against its expected static shape and reports the
/// first mismatch with the operand's name.
class OperandChecker {
public:
  explicit OperandChecker(SqueezeExciteOp op) : op(op) {}

  LogicalResult check(StringRef name, Value value, ArrayRef<int64_t> expected) {
    auto type = cast<RankedTensorType>(value.getType());
    if (!type.getElementType().isF32())
      return op.emitOpError() << "expects " << name << " to have element type "
                              << "f32, got " << type.getElementType();
    if (type.getShape() != expected)
      return op.emitOpError()
             << "expects " << name << " of shape " << shapeString(expected)
             << ", got " << shapeString(type.getShape());
    return success();
  }

  LogicalResult forbid(StringRef name, Value value, StringRef why) {
    if (!value)
      return success();
    return op.emitOpError() << "takes no " << name << " " << why;
  }

private:
  SqueezeExciteOp op;
};
} // namespace

LogicalResult SqueezeExciteOp::verify() {
  RankedTensorType inputType = getInput().getType();
  if (inputType.getRank() != 4)
    return emitOpError() << "expects a rank-4 input ("
                         << stringifyLayout(getLayout()) << "), got rank "
                         << inputType.getRank();
  if (!inputType.hasStaticShape())
    return emitOpError() << "expects a statically shaped input, got "
                         << shapeString(inputType.getShape());
  if (!inputType.getElementType().isF32())
    return emitOpError() << "expects input to have element type f32, got "
                         << inputType.getElementType();
  if (llvm::any_of(inputType.getShape(), [](int64_t d) { return d <= 0; }))
    return emitOpError() << "expects every input dimension to be positive, got "
                         << shapeString(inputType.getShape());
  if (getResult().getType() != inputType)
    return emitOpError() << "expects the result type to equal the input type "
                         << inputType << ", got " << getResult().getType();

  int64_t channels = getNumChannels();
  OperandChecker checker(*this);
  StringRef excitation = stringifyExcitationKind(getExcitation());
  std::string becauseOf = llvm::formatv("with excitation = {0}", excitation);

  switch (getExcitation()) {
  case ExcitationKind::TwoFC: {
    auto w1Type = getW1().getType();
    if (w1Type.getRank() != 2)
      return emitOpError() << "expects w1 of rank 2 (hidden x C) with "
                              "excitation = two_fc, got rank "
                           << w1Type.getRank();
    if (!getW2())
      return emitOpError() << "expects a second weight w2 (C x hidden) with "
                              "excitation = two_fc";
    int64_t hidden = w1Type.getDimSize(0);
    if (ShapedType::isDynamic(hidden) || hidden <= 0)
      return emitOpError() << "expects w1 to have a positive static hidden "
                              "width, got "
                           << shapeString(w1Type.getShape());
    if (failed(checker.check("w1", getW1(), {hidden, channels})) ||
        failed(checker.check("w2", getW2(), {channels, hidden})))
      return failure();
    if (getBias1() && failed(checker.check("bias1", getBias1(), {hidden})))
      return failure();
    if (getBias2() && failed(checker.check("bias2", getBias2(), {channels})))
      return failure();
    break;
  }
  case ExcitationKind::OneFC:
    if (failed(checker.check("w1", getW1(), {channels, channels})) ||
        failed(checker.forbid("w2", getW2(), becauseOf)) ||
        failed(checker.forbid("bias2", getBias2(), becauseOf)))
      return failure();
    if (getBias1() && failed(checker.check("bias1", getBias1(), {channels})))
      return failure();
    break;
  case ExcitationKind::Conv1D: {
    auto w1Type = getW1().getType();
    if (w1Type.getRank() != 1)
      return emitOpError() << "expects w1 of rank 1 (the kernel) with "
                              "excitation = conv1d, got rank "
                           << w1Type.getRank();
    int64_t kernel = w1Type.getDimSize(0);
    if (ShapedType::isDynamic(kernel) || kernel <= 0 || kernel % 2 == 0)
      return emitOpError() << "expects an odd conv1d kernel size, got "
                           << shapeString(w1Type.getShape());
    if (failed(checker.check("w1", getW1(), {kernel})) ||
        failed(checker.forbid("w2", getW2(), becauseOf)) ||
        failed(checker.forbid("bias1", getBias1(), becauseOf)) ||
        failed(checker.forbid("bias2", getBias2(), becauseOf)))
      return failure();
    break;
  }
  }

  if (getExcitation() != ExcitationKind::TwoFC &&
      getInnerAct() != InnerActivation::ReLU)
    return emitOpError() << "inner_act = "
                         << stringifyInnerActivation(getInnerAct())
                         << " has no effect " << becauseOf
                         << "; it applies to two_fc only";

  if (getResidual()) {
    auto residualType = cast<RankedTensorType>(getResidual().getType());
    if (residualType != inputType)
      return emitOpError() << "expects residual of type " << inputType
                           << " (the input type), got " << residualType;
  } else if (getPostAct() != PostActivation::None) {
    return emitOpError() << "post_act = "
                         << stringifyPostActivation(getPostAct())
                         << " needs a residual operand";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// se.quantize, se.dequantize
//===----------------------------------------------------------------------===//

std::pair<int32_t, int32_t>
mlir::se::getQuantStorageRange(QuantStorage storage) {
  return storage == QuantStorage::U8 ? std::pair<int32_t, int32_t>{0, 255}
                                     : std::pair<int32_t, int32_t>{-128, 127};
}

/// The checks shared by se.quantize and se.dequantize: one scale and zero
/// point, or one per index along `axis`; positive finite scales; zero points
/// inside the storage's range.
template <typename OpT> static LogicalResult verifyQuantOp(OpT op) {
  ArrayRef<float> scales = op.getScales();
  ArrayRef<int32_t> zeroPoints = op.getZeroPoints();
  if (scales.empty() || scales.size() != zeroPoints.size())
    return op.emitOpError() << "expects as many zero points as scales (at "
                               "least one), got "
                            << zeroPoints.size() << " and " << scales.size();
  auto type = cast<RankedTensorType>(op.getInput().getType());
  if (std::optional<int64_t> axis = op.getAxis()) {
    if (*axis < 0 || *axis >= type.getRank())
      return op.emitOpError() << "axis " << *axis
                              << " is out of range for rank " << type.getRank();
    int64_t extent = type.getDimSize(*axis);
    if (extent != static_cast<int64_t>(scales.size()))
      return op.emitOpError()
             << "expects one scale per index along axis " << *axis << " ("
             << (ShapedType::isDynamic(extent) ? std::string("?")
                                               : std::to_string(extent))
             << "), got " << scales.size();
  } else if (scales.size() != 1) {
    return op.emitOpError() << "expects an axis with " << scales.size()
                            << " scales (one scale and zero point serve "
                               "the whole tensor without one)";
  }
  for (float scale : scales)
    if (!(scale > 0.0f) || !std::isfinite(scale))
      return op.emitOpError()
             << "expects positive finite scales, got " << scale;
  auto [lo, hi] = getQuantStorageRange(op.getStorage());
  for (int32_t zeroPoint : zeroPoints)
    if (zeroPoint < lo || zeroPoint > hi)
      return op.emitOpError()
             << "zero point " << zeroPoint << " is outside the range [" << lo
             << ", " << hi << "] of " << stringifyQuantStorage(op.getStorage());
  return success();
}

std::pair<int32_t, int32_t> QuantizeOp::getStorageRange() {
  return getQuantStorageRange(getStorage());
}
std::pair<int32_t, int32_t> DequantizeOp::getStorageRange() {
  return getQuantStorageRange(getStorage());
}
LogicalResult QuantizeOp::verify() { return verifyQuantOp(*this); }
LogicalResult DequantizeOp::verify() { return verifyQuantOp(*this); }
