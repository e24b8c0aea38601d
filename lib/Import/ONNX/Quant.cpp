//===- Quant.cpp - ONNX quantization: QDQ and QLinear ops -----------------===//
//
// QuantizeLinear and DequantizeLinear (8-bit, per tensor or per axis) become
// se.quantize and se.dequantize; on constants (int8 weights, int32 biases)
// they are folded on the host, so a DequantizeLinear'd weight is a float
// constant the convolution passes see as any other, except that the int8
// weight of an ungrouped or depthwise Conv stays se.dequantize of its
// codes (NN.cpp) for the integer kernels. QLinearConv and
// QLinearMatMul are imported as what they mean: DequantizeLinear of their
// operands, the float Conv or MatMul, QuantizeLinear of the result. Every
// other op refuses quantized inputs (Importer::input).
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "se/Utils/ShapeText.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;
using namespace mlir::se;
using namespace mlir::se::onnx_import;

namespace {
/// The parameters of one QuantizeLinear or DequantizeLinear.
struct QuantParams {
  QuantStorage storage = QuantStorage::U8;
  SmallVector<float> scales;
  SmallVector<int32_t> zeroPoints;
  /// Set for per-axis parameters: the axis of the logical shape.
  std::optional<int64_t> axis;
};

std::string typeName(int32_t elementType) {
  switch (elementType) {
  case onnx::TensorProto::UINT8:
    return "uint8";
  case onnx::TensorProto::INT8:
    return "int8";
  case onnx::TensorProto::INT32:
    return "int32";
  case onnx::TensorProto::FLOAT:
    return "float";
  default:
    return "data type " + std::to_string(elementType);
  }
}

int32_t elementTypeOf(QuantStorage storage) {
  return storage == QuantStorage::U8 ? onnx::TensorProto::UINT8
                                     : onnx::TensorProto::INT8;
}

/// ONNX's per-axis index of element `flat` of a row-major `shape`.
int64_t indexAlong(ArrayRef<int64_t> shape, int64_t axis, int64_t flat) {
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < static_cast<int64_t>(shape.size()); ++d)
    inner *= shape[d];
  return (flat / inner) % shape[axis];
}
} // namespace

/// Reads the scale (input `scaleIndex`) and zero point (input
/// `scaleIndex + 1`, optional) of a node quantizing or dequantizing a tensor
/// of `shape`; `intType` is the integer type of the quantized side when the
/// node's other input fixes it (DequantizeLinear), 0 otherwise.
static std::optional<QuantParams>
readQuantParams(Importer &importer, const onnx::NodeProto &node, int scaleIndex,
                ArrayRef<int64_t> shape, int32_t intType) {
  const HostTensor *scale = importer.constantInput(node, scaleIndex);
  const HostTensor *zeroPoint =
      importer.constantInput(node, scaleIndex + 1, /*optional=*/true);
  if (!scale || (!zeroPoint && scaleIndex + 1 < node.input_size() &&
                 !node.input(scaleIndex + 1).empty()))
    return std::nullopt;
  auto fail = [&](const Twine &message) -> std::optional<QuantParams> {
    importer.nodeError(node, message);
    return std::nullopt;
  };
  if (scale->elementType != onnx::TensorProto::FLOAT)
    return fail("scale '" + node.input(scaleIndex) + "' is " +
                typeName(scale->elementType) + "; it must be float");
  QuantParams params;
  int32_t zeroPointType = zeroPoint ? zeroPoint->elementType
                          : intType ? intType
                                    : onnx::TensorProto::UINT8;
  if (zeroPoint && intType && zeroPointType != intType)
    return fail("zero point '" + node.input(scaleIndex + 1) + "' is " +
                typeName(zeroPointType) + " but the input is " +
                typeName(intType));
  if (zeroPointType == onnx::TensorProto::INT8)
    params.storage = QuantStorage::I8;
  else if (zeroPointType != onnx::TensorProto::UINT8 &&
           !(zeroPointType == onnx::TensorProto::INT32 && intType))
    return fail("quantizes to " + typeName(zeroPointType) +
                "; se-compile supports uint8 and int8");
  if (zeroPoint && zeroPoint->count() != scale->count())
    return fail("has " + Twine(zeroPoint->count()) + " zero points and " +
                Twine(scale->count()) + " scales");

  int64_t rank = shape.size();
  if (scale->shape.size() > 1)
    return fail("scale " + shapeText(scale->shape) +
                " must be a scalar or 1-D (per axis)");
  if (scale->shape.size() == 1 && scale->count() != 1) {
    int64_t axis = importer.intAttr(node, "axis", 1);
    if (axis < -rank || axis >= rank)
      return fail("axis " + Twine(axis) + " is out of range for rank " +
                  Twine(rank));
    if (axis < 0)
      axis += rank;
    if (scale->count() != shape[axis])
      return fail("has " + Twine(scale->count()) + " scales for axis " +
                  Twine(axis) + " of " + shapeText(shape));
    params.axis = axis;
  } else if (scale->count() != 1) {
    return fail("scale '" + node.input(scaleIndex) + "' is empty");
  }
  for (double value : scale->values) {
    if (!(value > 0.0) || !std::isfinite(static_cast<float>(value))) {
      std::string text;
      llvm::raw_string_ostream(text) << llvm::format("%g", value);
      return fail("scale " + text + " must be positive and finite");
    }
    params.scales.push_back(static_cast<float>(value));
  }
  for (int64_t i = 0; i < scale->count(); ++i)
    params.zeroPoints.push_back(
        zeroPoint ? static_cast<int32_t>(zeroPoint->values[i]) : 0);
  return params;
}

/// `OpT` (se.quantize or se.dequantize) of `x` with `params`, producing
/// `element`s: on the form of `x` at hand (NHWC if it has one, as the
/// convolutions around it do, else the logical one), the axis moved to that
/// form. Returns the result in the same form.
template <typename OpT>
static Tensor createQuantOp(OpBuilder &builder, Location loc, Tensor &x,
                            const QuantParams &params, Type element) {
  // Where each NCHW dimension sits in NHWC.
  static constexpr int64_t kNHWCPositionOf[] = {0, 3, 1, 2};
  Value form = x.nhwc ? x.nhwc : x.logical;
  std::optional<int64_t> axis = params.axis;
  if (axis && x.nhwc)
    axis = kNHWCPositionOf[*axis];
  auto type = cast<RankedTensorType>(form.getType());
  Value value =
      OpT::create(builder, loc, type.clone(element), form,
                  QuantStorageAttr::get(builder.getContext(), params.storage),
                  builder.getDenseF32ArrayAttr(params.scales),
                  builder.getDenseI32ArrayAttr(params.zeroPoints),
                  axis ? builder.getI64IntegerAttr(*axis) : IntegerAttr());
  Tensor result;
  result.shape = x.shape;
  (x.nhwc ? result.nhwc : result.logical) = value;
  return result;
}

void Importer::quantizeLinear(const onnx::NodeProto &node) {
  Tensor *x = input(node, 0);
  if (!x)
    return;
  if (x->isQuantized())
    return nodeError(node, "input '" + node.input(0) +
                               "' is already quantized; it must be float");
  std::optional<QuantParams> params =
      readQuantParams(*this, node, 1, x->shape, /*intType=*/0);
  if (!params)
    return;
  if (x->host) {
    auto [lo, hi] = getQuantStorageRange(params->storage);
    auto host = std::make_shared<HostTensor>();
    host->shape = x->shape;
    host->elementType = elementTypeOf(params->storage);
    for (int64_t i = 0; i < x->host->count(); ++i) {
      int64_t c = params->axis ? indexAlong(x->shape, *params->axis, i) : 0;
      float scaled = static_cast<float>(x->host->values[i]) / params->scales[c];
      double q = std::nearbyint(scaled) + params->zeroPoints[c];
      host->values.push_back(std::isnan(q) ? lo
                                           : std::clamp<double>(q, lo, hi));
    }
    Tensor result;
    result.shape = x->shape;
    result.host = std::move(host);
    return define(node, 0, std::move(result));
  }
  Tensor result = createQuantOp<QuantizeOp>(builder, layers.getLoc(), *x,
                                            *params, builder.getI8Type());
  result.quantized = params->storage;
  define(node, 0, std::move(result));
}

void Importer::dequantizeLinear(const onnx::NodeProto &node) {
  Tensor *x = input(node, 0);
  if (!x)
    return;
  int32_t intType = x->quantized ? elementTypeOf(*x->quantized)
                    : x->host    ? x->host->elementType
                                 : onnx::TensorProto::FLOAT;
  if (!x->isQuantized() && intType != onnx::TensorProto::INT32)
    return nodeError(node, "input '" + node.input(0) + "' is " +
                               typeName(intType) +
                               "; it must be uint8, int8 or (a constant) "
                               "int32");
  if (intType == onnx::TensorProto::INT32 && !x->host)
    return nodeError(node, "input '" + node.input(0) +
                               "' is int32: only constants (biases) may be");
  std::optional<QuantParams> params =
      readQuantParams(*this, node, 1, x->shape, intType);
  if (!params)
    return;
  if (x->host) {
    auto host = std::make_shared<HostTensor>();
    host->shape = x->shape;
    for (int64_t i = 0; i < x->host->count(); ++i) {
      int64_t c = params->axis ? indexAlong(x->shape, *params->axis, i) : 0;
      // In f32, as the run-time dequantization computes it.
      float centered = static_cast<float>(x->host->values[i] -
                                          double(params->zeroPoints[c]));
      host->values.push_back(centered * params->scales[c]);
    }
    Tensor result;
    result.shape = x->shape;
    result.host = std::move(host);
    if (x->host->isQuantized())
      result.dequantizedFrom = std::make_shared<QuantizedConstant>(
          QuantizedConstant{*x->host, params->storage, params->scales,
                            params->zeroPoints, params->axis});
    return define(node, 0, std::move(result));
  }
  define(node, 0,
         createQuantOp<DequantizeOp>(builder, layers.getLoc(), *x, *params,
                                     builder.getF32Type()));
}

/// A node of `opType` named after `of`, reading `inputs` and writing
/// `output`.
static onnx::NodeProto makeNode(const onnx::NodeProto &of, StringRef opType,
                                ArrayRef<std::string> inputs,
                                const std::string &output) {
  onnx::NodeProto node;
  node.set_name(of.name());
  node.set_op_type(opType.str());
  for (const std::string &name : inputs)
    node.add_input(name);
  node.add_output(output);
  return node;
}

/// Gives `node` the integer attribute `name` = `value`.
static void addIntAttribute(onnx::NodeProto &node, StringRef name,
                            int64_t value) {
  onnx::AttributeProto *attr = node.add_attribute();
  attr->set_name(name.str());
  attr->set_type(onnx::AttributeProto::INT);
  attr->set_i(value);
}

void Importer::importExpansion(ArrayRef<onnx::NodeProto> steps) {
  for (const onnx::NodeProto &step : steps) {
    if (error.failed())
      return;
    importNode(step);
  }
}

void Importer::qlinearConv(const onnx::NodeProto &node) {
  // x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale,
  // y_zero_point, B.
  if (node.input_size() < 8)
    return nodeError(node, "needs 8 inputs (9 with a bias), got " +
                               Twine(node.input_size()));
  std::string prefix = node.output(0) + "#qlinear.";
  std::string x = prefix + "x", w = prefix + "w", y = prefix + "y";
  SmallVector<onnx::NodeProto> steps;
  steps.push_back(makeNode(node, "DequantizeLinear",
                           {node.input(0), node.input(1), node.input(2)}, x));
  steps.push_back(makeNode(node, "DequantizeLinear",
                           {node.input(3), node.input(4), node.input(5)}, w));
  addIntAttribute(steps.back(), "axis", 0);
  SmallVector<std::string> convInputs = {x, w};
  if (node.input_size() > 8 && !node.input(8).empty()) {
    // B is int32 at scale x_scale * w_scale, zero point 0.
    const HostTensor *xScale = constantInput(node, 1);
    const HostTensor *wScale = constantInput(node, 4);
    if (!xScale || !wScale)
      return;
    if (xScale->count() != 1)
      return nodeError(node, "x_scale must be a scalar");
    auto biasScale = std::make_shared<HostTensor>(*wScale);
    for (double &value : biasScale->values)
      value = static_cast<float>(xScale->values[0]) * static_cast<float>(value);
    std::string scaleName = prefix + "bias_scale", bias = prefix + "b";
    Tensor scaleTensor;
    scaleTensor.shape = biasScale->shape;
    scaleTensor.host = std::move(biasScale);
    values[scaleName] = std::move(scaleTensor);
    steps.push_back(
        makeNode(node, "DequantizeLinear", {node.input(8), scaleName}, bias));
    addIntAttribute(steps.back(), "axis", 0);
    convInputs.push_back(bias);
  }
  steps.push_back(makeNode(node, "Conv", convInputs, y));
  for (const onnx::AttributeProto &attr : node.attribute())
    *steps.back().add_attribute() = attr;
  steps.push_back(makeNode(node, "QuantizeLinear",
                           {y, node.input(6), node.input(7)}, node.output(0)));
  importExpansion(steps);
}

void Importer::qlinearMatMul(const onnx::NodeProto &node) {
  // a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale,
  // y_zero_point.
  if (node.input_size() != 8)
    return nodeError(node, "needs 8 inputs, got " + Twine(node.input_size()));
  std::string prefix = node.output(0) + "#qlinear.";
  std::string a = prefix + "a", b = prefix + "b", y = prefix + "y";
  SmallVector<onnx::NodeProto> steps;
  steps.push_back(makeNode(node, "DequantizeLinear",
                           {node.input(0), node.input(1), node.input(2)}, a));
  // b's scales, when per column, are along its last axis.
  steps.push_back(makeNode(node, "DequantizeLinear",
                           {node.input(3), node.input(4), node.input(5)}, b));
  addIntAttribute(steps.back(), "axis", -1);
  steps.push_back(makeNode(node, "MatMul", {a, b}, y));
  steps.push_back(makeNode(node, "QuantizeLinear",
                           {y, node.input(6), node.input(7)}, node.output(0)));
  importExpansion(steps);
}

Value Importer::quantizedConvWeight(const Tensor &w, bool depthwise) {
  const QuantizedConstant *origin = w.dequantizedFrom.get();
  if (!origin || origin->storage != QuantStorage::I8 ||
      origin->codes.shape != w.shape || (origin->axis && *origin->axis != 0) ||
      llvm::any_of(origin->zeroPoints, [](int32_t zp) { return zp != 0; }))
    return {};
  // OIHW to OHWI; a depthwise [C][1][KH][KW] to [KH][KW][C][1], its output
  // channels on axis 2.
  HostTensor codes = depthwise ? permute(origin->codes, {2, 3, 0, 1})
                               : permute(origin->codes, {0, 2, 3, 1});
  int64_t axis = depthwise ? 2 : 0;
  std::vector<int8_t> values(codes.values.begin(), codes.values.end());
  Value constant = layers.int8Constant(codes.shape, values);
  auto type = RankedTensorType::get(codes.shape, builder.getF32Type());
  return DequantizeOp::create(builder, layers.getLoc(), type, constant,
                              QuantStorageAttr::get(context, origin->storage),
                              builder.getDenseF32ArrayAttr(origin->scales),
                              builder.getDenseI32ArrayAttr(origin->zeroPoints),
                              origin->axis ? builder.getI64IntegerAttr(axis)
                                           : IntegerAttr());
}
