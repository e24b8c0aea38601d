//===- ResNet.cpp - ResNet, SE-ResNet and SE-ResNeXt as graph IR ----------===//

#include "se/Models/Models.h"
#include "se/Models/TosaBuilder.h"
#include "se/Utils/ShapeText.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;
using namespace mlir::se;

namespace {

/// Emits the zoo's layers through TosaBuilder, with parameters in
/// PyTorch's names and layouts, seeded or read from a weights file. Every
/// op is located by its layer name, e.g. `layer2.3.conv2`, which the cost
/// report groups by stage.
class GraphBuilder {
public:
  GraphBuilder(OpBuilder &b, uint64_t seed, const WeightsFile *weights,
               std::vector<ModelParameter> *parameters)
      : t(b), state(seed | 1), weights(weights), parameters(parameters) {}

  TosaBuilder &tosa() { return t; }

  void setName(const Twine &name) {
    t.setLoc(NameLoc::get(t.getBuilder().getStringAttr(name),
                          t.getBuilder().getUnknownLoc()));
  }

  static ArrayRef<int64_t> shapeOf(Value v) { return TosaBuilder::shapeOf(v); }

  /// The first problem with the weights file, if any.
  const std::string &getError() const { return error; }

  /// Reports the tensors of the weights file that no layer used.
  void checkAllWeightsUsed() {
    if (!weights || !error.empty())
      return;
    for (const WeightsEntry &entry : weights->layout().entries())
      if (!used.contains(entry.name)) {
        error = "the weights file has a tensor '" + entry.name +
                "' that the model does not use";
        return;
      }
  }

  /// The parameter `name` in PyTorch's layout `shape`: from the weights
  /// file, or seeded values uniform in [center - spread, center + spread].
  std::vector<float> parameter(const std::string &name, ArrayRef<int64_t> shape,
                               double center, double spread) {
    int64_t count = 1;
    for (int64_t d : shape)
      count *= d;
    std::vector<float> values(count);
    if (weights) {
      const WeightsEntry *entry = weights->layout().find(name);
      if (!entry) {
        fail("the weights file has no tensor '" + name + "'");
      } else if (!sameShape(entry->shape, shape)) {
        fail("tensor '" + name + "' has shape " + shapeText(entry->shape) +
             " in the weights file, the model expects " + shapeText(shape));
      } else {
        ArrayRef<float> stored = weights->values(*entry);
        llvm::copy(stored, values.begin());
      }
      used.insert(name);
    } else {
      for (float &v : values)
        v = static_cast<float>(center + spread * (2.0 * uniform() - 1.0));
    }
    if (parameters)
      parameters->push_back({name, SmallVector<int64_t>(shape), values});
    return values;
  }

  /// k x k convolution `name` (PyTorch weight `<name>.weight`, O x
  /// I/groups x k x k) with padding k / 2; He-initialized so activations
  /// keep their scale.
  Value conv(Value x, int64_t outChannels, int64_t k, int64_t stride,
             const std::string &name, int64_t groups = 1) {
    int64_t perGroupIn = shapeOf(x)[3] / groups;
    std::vector<float> oihw =
        parameter(name + ".weight", {outChannels, perGroupIn, k, k}, 0.0,
                  std::sqrt(6.0 / (k * k * perGroupIn)));
    Window window;
    window.kernel = {k, k};
    window.stride = {stride, stride};
    window.pad = {k / 2, k / 2, k / 2, k / 2};
    return t.conv2d(x, toOHWI(oihw, outChannels, perGroupIn, k), outChannels,
                    {}, window, groups);
  }

  /// Inference batch norm `name` (PyTorch's weight, bias, running_mean and
  /// running_var, eps 1e-5) as y = x * scale + shift.
  Value batchNorm(Value x, const std::string &name, double scaleCenter = 1.0) {
    int64_t c = shapeOf(x)[3];
    std::vector<float> gamma =
        parameter(name + ".weight", {c}, scaleCenter, 0.25 * scaleCenter);
    std::vector<float> beta = parameter(name + ".bias", {c}, 0.0, 0.1);
    std::vector<float> mean = parameter(name + ".running_mean", {c}, 0.0, 0.1);
    std::vector<float> var = parameter(name + ".running_var", {c}, 1.0, 0.5);
    std::vector<float> scale(c), shift(c);
    for (int64_t i = 0; i < c; ++i) {
      scale[i] = gamma[i] / std::sqrt(var[i] + 1e-5f);
      shift[i] = beta[i] - mean[i] * scale[i];
    }
    return t.scaleShift(x, scale, shift);
  }

  Value relu(Value x) { return t.relu(x); }
  Value add(Value lhs, Value rhs) { return t.add(lhs, rhs); }

  /// 3 x 3 max pooling, stride 2, padding 1.
  Value maxPool(Value x) {
    Window window;
    window.kernel = {3, 3};
    window.stride = {2, 2};
    window.pad = {1, 1, 1, 1};
    return t.maxPool(x, window);
  }

  /// Global average pooling, flatten and the classifier `fc`: N x classes.
  Value head(Value x, int64_t classes) {
    ArrayRef<int64_t> in = shapeOf(x);
    int64_t n = in[0], c = in[3];
    Window global;
    global.kernel = {in[1], in[2]};
    Value rows = t.reshape(t.avgPool(x, global), {1, n, c});
    std::vector<float> fc =
        parameter("fc.weight", {classes, c}, 0.0, std::sqrt(3.0 / c));
    std::vector<float> transposed(fc.size());
    for (int64_t k = 0; k < classes; ++k)
      for (int64_t i = 0; i < c; ++i)
        transposed[i * classes + k] = fc[k * c + i];
    Value logits = t.matmul(rows, t.constant({1, c, classes}, transposed));
    Value bias =
        t.constant({1, 1, classes}, parameter("fc.bias", {classes}, 0.0, 0.01));
    return t.reshape(t.add(logits, bias), {n, classes});
  }

  Value transpose(Value x, ArrayRef<int32_t> perms) {
    return t.transpose(x, perms);
  }

  /// The SE block `name` (PyTorch `<name>.fc1.weight`, hidden x C, and
  /// `<name>.fc2.weight`, C x hidden, plus biases; also its location) on
  /// NHWC `x`, optionally fused with `residual` and a ReLU.
  Value squeezeExcite(Value x, const ResNetOptions &options, int64_t hidden,
                      const std::string &name, Value residual = nullptr,
                      bool postRelu = false) {
    setName(name);
    int64_t c = shapeOf(x)[3];
    Value w1 =
        t.constant({hidden, c}, parameter(name + ".fc1.weight", {hidden, c},
                                          0.0, std::sqrt(3.0 / c)));
    Value w2 =
        t.constant({c, hidden}, parameter(name + ".fc2.weight", {c, hidden},
                                          0.0, std::sqrt(3.0 / hidden)));
    Value b1 = options.seBias
                   ? t.constant({hidden}, parameter(name + ".fc1.bias",
                                                    {hidden}, 0.0, 0.1))
                   : nullptr;
    Value b2 =
        options.seBias
            ? t.constant({c}, parameter(name + ".fc2.bias", {c}, 0.0, 0.1))
            : nullptr;
    SEConfig config;
    config.layout = Layout::NHWC;
    config.squeeze = options.squeeze;
    config.gate = options.gate;
    config.postAct = postRelu ? PostActivation::ReLU : PostActivation::None;
    return SqueezeExciteOp::create(t.getBuilder(), t.getLoc(), x, w1, w2, b1,
                                   b2, residual, config);
  }

private:
  /// O x I x k x k to O x k x k x I.
  static std::vector<float> toOHWI(ArrayRef<float> oihw, int64_t out,
                                   int64_t in, int64_t k) {
    std::vector<float> ohwi(oihw.size());
    for (int64_t o = 0; o < out; ++o)
      for (int64_t i = 0; i < in; ++i)
        for (int64_t h = 0; h < k; ++h)
          for (int64_t w = 0; w < k; ++w)
            ohwi[((o * k + h) * k + w) * in + i] =
                oihw[((o * in + i) * k + h) * k + w];
    return ohwi;
  }

  void fail(const std::string &message) {
    if (error.empty())
      error = message;
  }

  /// Equal, or equal but for trailing 1 x 1 (a 1x1 convolution's weight
  /// where a matrix is expected).
  static bool sameShape(ArrayRef<int64_t> stored, ArrayRef<int64_t> expected) {
    if (stored.size() == expected.size() + 2 && stored.take_back(2)[0] == 1 &&
        stored.back() == 1)
      stored = stored.drop_back(2);
    return stored == expected;
  }

  double uniform() {
    // SplitMix64: deterministic on every platform, unlike <random>'s
    // distributions.
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) / static_cast<double>(1ULL << 53);
  }

  TosaBuilder t;
  uint64_t state;
  const WeightsFile *weights;
  std::vector<ModelParameter> *parameters;
  llvm::StringSet<> used;
  std::string error;
};

struct StagePlan {
  std::array<int64_t, 4> blocks;
  bool bottleneck;
};

FailureOr<StagePlan> stagePlan(int64_t depth) {
  switch (depth) {
  case 18:
    return StagePlan{{2, 2, 2, 2}, false};
  case 34:
    return StagePlan{{3, 4, 6, 3}, false};
  case 50:
    return StagePlan{{3, 4, 6, 3}, true};
  case 101:
    return StagePlan{{3, 4, 23, 3}, true};
  case 152:
    return StagePlan{{3, 8, 36, 3}, true};
  default:
    return failure();
  }
}

/// One residual unit; `name` is e.g. "layer2.0".
Value residualUnit(GraphBuilder &g, const ResNetOptions &o, bool bottleneck,
                   Value x, int64_t planes, int64_t stride, bool withSE,
                   const std::string &name) {
  int64_t div = o.widthDivisor;
  int64_t expansion = bottleneck ? 4 : 1;
  int64_t outChannels = planes * expansion / div;
  int64_t inChannels = GraphBuilder::shapeOf(x)[3];
  auto seHidden = [&](int64_t c) {
    return hiddenWidthFromRatio(c, o.reduction);
  };
  bool standard =
      withSE && o.integration == SEIntegration::Standard && !o.seAfter3x3;

  Value input = x;
  if (withSE && o.integration == SEIntegration::Pre) {
    input = g.squeezeExcite(x, o, seHidden(inChannels), name + ".se");
  }

  Value y;
  if (bottleneck) {
    int64_t width = planes * o.widthPerGroup / 64 * o.groups / div;
    g.setName(name + ".conv1");
    y = g.conv(input, width, 1, o.strideOn3x3 ? 1 : stride, name + ".conv1");
    y = g.relu(g.batchNorm(y, name + ".bn1"));
    g.setName(name + ".conv2");
    // Reduced widths keep the width per group: the divisor divides groups.
    int64_t groups = o.groups > 1 ? o.groups / div : 1;
    y = g.conv(y, width, 3, o.strideOn3x3 ? stride : 1, name + ".conv2",
               groups);
    y = g.relu(g.batchNorm(y, name + ".bn2"));
    if (withSE && o.seAfter3x3) {
      y = g.squeezeExcite(y, o, seHidden(width), name + ".se");
    }
    g.setName(name + ".conv3");
    y = g.batchNorm(g.conv(y, outChannels, 1, 1, name + ".conv3"),
                    name + ".bn3", /*scaleCenter=*/0.5);
  } else {
    g.setName(name + ".conv1");
    y = g.relu(g.batchNorm(
        g.conv(input, outChannels, 3, stride, name + ".conv1"), name + ".bn1"));
    if (withSE && o.seAfter3x3) {
      y = g.squeezeExcite(y, o, seHidden(outChannels), name + ".se");
    }
    g.setName(name + ".conv2");
    y = g.batchNorm(g.conv(y, outChannels, 3, 1, name + ".conv2"),
                    name + ".bn2", /*scaleCenter=*/0.5);
  }

  Value identity = x;
  if (stride != 1 || inChannels != outChannels) {
    g.setName(name + ".downsample");
    identity =
        g.batchNorm(g.conv(x, outChannels, 1, stride, name + ".downsample.0"),
                    name + ".downsample.1");
  }
  if (withSE && o.integration == SEIntegration::Identity) {
    identity =
        g.squeezeExcite(identity, o, seHidden(outChannels), name + ".se");
  }

  g.setName(name + ".add");
  Value out;
  if (standard) {
    out = g.squeezeExcite(y, o, seHidden(outChannels), name + ".se", identity,
                          /*postRelu=*/true);
  } else {
    out = g.relu(g.add(y, identity));
  }
  if (withSE && o.integration == SEIntegration::Post && !o.seAfter3x3) {
    out = g.squeezeExcite(out, o, seHidden(outChannels), name + ".se");
  }
  return out;
}

} // namespace

std::vector<std::string> mlir::se::getModelNames() {
  return {"resnet18",     "resnet34",     "resnet50",          "resnet101",
          "resnet152",    "se-resnet18",  "se-resnet34",       "se-resnet50",
          "se-resnet101", "se-resnet152", "se-resnext50-32x4d"};
}

LogicalResult mlir::se::applyModelName(StringRef name, ResNetOptions &options) {
  if (name == "se-resnext50-32x4d") {
    options.depth = 50;
    options.groups = 32;
    options.widthPerGroup = 4;
    options.se = true;
    return success();
  }
  options.se = name.consume_front("se-");
  if (!name.consume_front("resnet") || name.getAsInteger(10, options.depth) ||
      failed(stagePlan(options.depth)))
    return failure();
  options.groups = 1;
  options.widthPerGroup = 64;
  return success();
}

FailureOr<OwningOpRef<ModuleOp>>
mlir::se::buildResNet(MLIRContext *context, const ResNetOptions &o,
                      std::string &error,
                      std::vector<ModelParameter> *parameters) {
  FailureOr<StagePlan> plan = stagePlan(o.depth);
  auto fail = [&](const Twine &message) {
    error = message.str();
    return failure();
  };
  if (failed(plan))
    return fail("unknown ResNet depth " + Twine(o.depth) +
                " (expected 18, 34, 50, 101 or 152)");
  if (o.groups > 1 && !plan->bottleneck)
    return fail("grouped convolutions need bottleneck blocks (depth >= 50)");
  if (o.reduction < 1)
    return fail("the reduction ratio must be at least 1, got " +
                Twine(o.reduction));
  if (o.batch < 1 || o.classes < 1 || o.widthDivisor < 1 || o.groups < 1 ||
      o.widthPerGroup < 1)
    return fail("batch, classes, width divisor, groups and width per group "
                "must be at least 1");
  if (o.inputSize < 32)
    return fail("the input size must be at least 32 (five stride-2 stages), "
                "got " +
                Twine(o.inputSize));
  if (64 % o.widthDivisor != 0 ||
      (o.groups > 1 && (o.groups % o.widthDivisor) != 0))
    return fail("the width divisor must divide 64 (and the group count)");
  if (o.se && !llvm::is_contained(o.seStages, true))
    return fail("SE is on but no stage carries SE blocks");

  context->loadDialect<func::FuncDialect, tosa::TosaDialect, SEDialect,
                       linalg::LinalgDialect, tensor::TensorDialect,
                       arith::ArithDialect>();
  OpBuilder b(context);
  OwningOpRef<ModuleOp> module = ModuleOp::create(b.getUnknownLoc());
  b.setInsertionPointToEnd(module->getBody());

  auto f32 = b.getF32Type();
  auto inputType =
      RankedTensorType::get({o.batch, 3, o.inputSize, o.inputSize}, f32);
  // Output shape is filled in once the body is built.
  auto func = func::FuncOp::create(b, b.getUnknownLoc(), "forward",
                                   b.getFunctionType({inputType}, {}));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToEnd(entry);

  GraphBuilder g(b, o.seed, o.weights, parameters);
  g.setName("stem");
  Value x = g.transpose(entry->getArgument(0), {0, 2, 3, 1});
  x = g.relu(g.batchNorm(g.conv(x, 64 / o.widthDivisor, 7, 2, "conv1"), "bn1"));
  x = g.maxPool(x);

  for (int stage = 0; stage < 4; ++stage) {
    int64_t planes = 64 << stage;
    bool withSE = o.se && o.seStages[stage];
    for (int64_t i = 0; i < plan->blocks[stage]; ++i)
      x = residualUnit(g, o, plan->bottleneck, x, planes,
                       stage > 0 && i == 0 ? 2 : 1, withSE,
                       llvm::formatv("layer{0}.{1}", stage + 1, i).str());
  }

  g.setName("head");
  Value logits = g.head(x, o.classes);
  g.checkAllWeightsUsed();
  if (!g.getError().empty())
    return fail(g.getError());
  func::ReturnOp::create(b, b.getUnknownLoc(), logits);
  func.setFunctionType(b.getFunctionType({inputType}, {logits.getType()}));
  return module;
}
