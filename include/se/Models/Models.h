//===- Models.h - the built-in model zoo ------------------------*- C++ -*-===//
//
// Builds whole networks as graph-level IR: one public function `@forward` on
// tensors, TOSA ops for the ordinary layers and se.squeeze_excite for the SE
// blocks, NCHW at the boundary and NHWC inside, weights as seeded
// dense_resource constants. Batch norm appears as a per-channel multiply and
// add after each convolution (2 parameters per channel, as in the paper's
// counts); compilation folds it into the convolution.
//
//===----------------------------------------------------------------------===//

#ifndef SE_MODELS_MODELS_H
#define SE_MODELS_MODELS_H

#include "se/Dialect/SE/IR/SEOps.h"
#include "se/Utils/WeightsFile.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"

#include <array>
#include <string>
#include <vector>

namespace mlir::se {

/// Where the SE block sits in a residual unit (the paper's ablation).
enum class SEIntegration {
  /// On the residual branch, before the addition (the SE-ResNet unit).
  Standard,
  /// Before the residual unit, on its input.
  Pre,
  /// After the addition and its ReLU.
  Post,
  /// On the identity branch, in parallel with the residual branch.
  Identity,
};

/// Knobs of the ResNet family; the defaults are the paper's SE-ResNet-50
/// (but without SE unless `se` is set).
struct ResNetOptions {
  /// 18, 34 (basic blocks), 50, 101, 152 (bottlenecks).
  int64_t depth = 50;
  /// Grouped 3x3 convolutions (ResNeXt): groups and width per group.
  int64_t groups = 1;
  int64_t widthPerGroup = 64;
  /// `v1.5` (torchvision: stride on the 3x3) or `v1` (stride on the first
  /// 1x1 of a bottleneck).
  bool strideOn3x3 = true;

  bool se = false;
  int64_t reduction = 16;
  SqueezeKind squeeze = SqueezeKind::Avg;
  GateKind gate = GateKind::Sigmoid;
  SEIntegration integration = SEIntegration::Standard;
  /// SE on the output of the 3x3 convolution instead of the block output.
  bool seAfter3x3 = false;
  /// Stages 1-4 that carry SE blocks.
  std::array<bool, 4> seStages = {true, true, true, true};
  bool seBias = false;

  int64_t batch = 1;
  int64_t inputSize = 224;
  int64_t classes = 1000;
  /// Divides every channel width (stem, stages, SE) for small test models.
  int64_t widthDivisor = 1;
  uint64_t seed = 0x5EED;
  /// When set, the parameters come from this file (PyTorch names and
  /// layouts, see docs/weights-format.md) instead of the seed.
  const WeightsFile *weights = nullptr;
};

/// One parameter of a model in PyTorch's naming and layout, e.g.
/// `layer1.0.conv1.weight` as O x I x kH x kW.
struct ModelParameter {
  std::string name;
  SmallVector<int64_t> shape;
  std::vector<float> values;
};

/// The names of the built-in models, e.g. "se-resnet50".
std::vector<std::string> getModelNames();

/// Sets the architecture fields of `options` for the model `name` (depth,
/// groups, SE on or off), leaving the other knobs as they are. Fails on an
/// unknown name.
LogicalResult applyModelName(StringRef name, ResNetOptions &options);

/// Checks the knobs and builds the model; on failure, `error` says which
/// knob is wrong.
/// With `parameters`, also returns the model's parameters (as read from
/// the weights file or seeded), in the order the model uses them.
FailureOr<OwningOpRef<ModuleOp>>
buildResNet(MLIRContext *context, const ResNetOptions &options,
            std::string &error,
            std::vector<ModelParameter> *parameters = nullptr);

} // namespace mlir::se

#endif // SE_MODELS_MODELS_H
