//===- ModelNumericsTest.cpp - compiled zoo models vs the graph reference -===//
//
// Every zoo model, at reduced width (1/8) and a small input, and
// SE-ResNet-50 at full size and 224 x 224, is compiled through
// se-cpu-pipeline and compared with the plain C++ graph executor on a
// seeded input. Tolerance: every logit within 1e-4 * (1 + max |logit|).
// The models are compiled as se-compile compiles them: intermediates in one
// workspace that the caller allocates.
//
//===----------------------------------------------------------------------===//

#include "Codegen/SEJit.h"
#include "Reference/GraphReference.h"

#include "se/Models/Models.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <random>

using namespace mlir;
using namespace mlir::se;
using ::se::testing::CompiledModule;

namespace {

constexpr double kTolerance = 1e-4;

struct ModelCase {
  std::string name;
  int64_t batch, inputSize;
  SEIntegration integration = SEIntegration::Standard;
  bool seAfter3x3 = false;
  /// Full-size models: all widths, 1000 classes, r = 16.
  bool fullWidth = false;
  SqueezeKind squeeze = SqueezeKind::Avg;
  /// se-cpu-pipeline options besides the workspace.
  std::string pipeline = "";
};

ResNetOptions modelOptions(const ModelCase &c) {
  ResNetOptions options;
  EXPECT_TRUE(succeeded(applyModelName(c.name, options)));
  options.batch = c.batch;
  options.inputSize = c.inputSize;
  options.classes = c.fullWidth ? 1000 : 10;
  options.widthDivisor = c.fullWidth ? 1 : 8;
  options.reduction = c.fullWidth ? 16 : 4;
  options.integration = c.integration;
  options.seAfter3x3 = c.seAfter3x3;
  options.squeeze = c.squeeze;
  return options;
}

std::vector<float> seededInput(const ModelCase &c) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> input(c.batch * 3 * c.inputSize * c.inputSize);
  for (float &v : input)
    v = dist(rng);
  return input;
}

std::unique_ptr<CompiledModule> compileModel(const ModelCase &c,
                                             const std::string &pipeline,
                                             std::string &error) {
  ResNetOptions options = modelOptions(c);
  return CompiledModule::compile(
      [&](MLIRContext *context) {
        auto module = buildResNet(context, options, error);
        return succeeded(module) ? std::move(*module) : OwningOpRef<ModuleOp>();
      },
      "workspace=true " + pipeline, error);
}

/// Compiles the model of `c`, runs it and the graph reference on one seeded
/// input, and compares the logits.
void checkModel(const ModelCase &c) {
  ResNetOptions options = modelOptions(c);
  std::string error;
  auto compiled = compileModel(c, c.pipeline, error);
  ASSERT_TRUE(compiled) << error;
  std::vector<float> inputData = seededInput(c);
  ::se::reference::Tensor input;
  input.shape = {c.batch, 3, c.inputSize, c.inputSize};
  input.data.assign(inputData.begin(), inputData.end());

  auto forward = compiled->graph().lookupSymbol<func::FuncOp>("forward");
  ASSERT_TRUE(forward);
  std::vector<::se::reference::Tensor> want =
      ::se::reference::runGraph(forward, {input}, error);
  ASSERT_EQ(want.size(), 1u) << error;

  // The workspace is NaN-filled: code that reads a buffer before writing it
  // shows up.
  std::vector<std::vector<float>> tensors = {
      inputData, std::vector<float>(c.batch * options.classes, std::nanf(""))};
  ASSERT_TRUE(compiled->callGraph("forward", tensors, error)) << error;
  const std::vector<float> &logits = tensors[1];

  double scale = 0.0;
  for (double v : want[0].data)
    scale = std::max(scale, std::fabs(v));
  double worst = 0.0;
  for (size_t i = 0; i < logits.size(); ++i) {
    double err = std::fabs(logits[i] - want[0].data[i]);
    worst = std::isnan(err) ? INFINITY : std::max(worst, err);
  }
  // Non-trivial logits: a dead network would match anything.
  EXPECT_GT(scale, 1e-2) << c.name;
  EXPECT_LE(worst, kTolerance * (1.0 + scale))
      << c.name << ": logit scale " << scale;
}

class ModelNumerics : public ::testing::TestWithParam<ModelCase> {};

TEST_P(ModelNumerics, MatchesGraphReference) { checkModel(GetParam()); }

/// SE-ResNet-50 as the demo compiles it: 224 x 224, full widths, r = 16.
TEST(ModelNumericsFullSize, SEResNet50At224) {
  checkModel(ModelCase{"se-resnet50", 1, 224, SEIntegration::Standard, false,
                       /*fullWidth=*/true});
}

/// With SE fusion the squeeze's partial sums are per row and combined in
/// row order, whatever thread computed them: one and two threads agree bit
/// for bit.
TEST(ModelNumericsThreads, SEFusionIsDeterministic) {
  ModelCase c{"se-resnet18", 2, 64};
  std::string error;
  auto serial = compileModel(c, "threads=1", error);
  ASSERT_TRUE(serial) << error;
  auto parallel = compileModel(c, "threads=2", error);
  ASSERT_TRUE(parallel) << error;
  std::vector<float> input = seededInput(c);
  std::vector<std::vector<float>> one = {input,
                                         std::vector<float>(2 * 10, NAN)};
  std::vector<std::vector<float>> two = one;
  ASSERT_TRUE(serial->callGraph("forward", one, error)) << error;
  for (int run = 0; run < 3; ++run) {
    ASSERT_TRUE(parallel->callGraph("forward", two, error)) << error;
    for (size_t i = 0; i < one[1].size(); ++i)
      ASSERT_EQ(one[1][i], two[1][i]) << "logit " << i << ", run " << run;
  }
}

/// A model compiled for any batch (the batch-1 code and its batch entry)
/// runs 1, 2, 3 and 7 images, on one and two threads, as the graph
/// reference computes them at batch 7. Two threads run whole rounds of two
/// images one per thread and the rest with the layers split.
TEST(ModelNumericsDynamicBatch, MatchesGraphReferenceAtEveryBatch) {
  ModelCase c{"se-resnet18", 7, 32};
  ResNetOptions options = modelOptions(c);
  std::vector<float> inputData = seededInput(c);
  ::se::reference::Tensor input;
  input.shape = {c.batch, 3, c.inputSize, c.inputSize};
  input.data.assign(inputData.begin(), inputData.end());
  std::string error;
  auto batch7 = compileModel(c, "", error);
  ASSERT_TRUE(batch7) << error;
  auto forward = batch7->graph().lookupSymbol<func::FuncOp>("forward");
  ASSERT_TRUE(forward);
  std::vector<::se::reference::Tensor> want =
      ::se::reference::runGraph(forward, {input}, error);
  ASSERT_EQ(want.size(), 1u) << error;
  double scale = 0.0;
  for (double v : want[0].data)
    scale = std::max(scale, std::fabs(v));
  EXPECT_GT(scale, 1e-2);

  ModelCase one = c;
  one.batch = 1;
  for (int threads : {1, 2}) {
    auto compiled = compileModel(
        one, "batch-entry=true threads=" + std::to_string(threads), error);
    ASSERT_TRUE(compiled) << error;
    for (int64_t images : {1, 2, 3, 7}) {
      std::vector<std::vector<float>> tensors = {
          std::vector<float>(inputData.begin(),
                             inputData.begin() +
                                 images * 3 * c.inputSize * c.inputSize),
          std::vector<float>(images * options.classes, std::nanf(""))};
      ASSERT_TRUE(
          compiled->callGraphBatch("forward", images, threads, tensors, error))
          << error;
      double worst = 0.0;
      for (size_t i = 0; i < tensors[1].size(); ++i) {
        double err = std::fabs(tensors[1][i] - want[0].data[i]);
        worst = std::isnan(err) ? INFINITY : std::max(worst, err);
      }
      EXPECT_LE(worst, kTolerance * (1.0 + scale))
          << images << " images, " << threads << " threads";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Zoo, ModelNumerics,
    ::testing::Values(
        ModelCase{"resnet18", 1, 32}, ModelCase{"resnet34", 1, 32},
        ModelCase{"resnet50", 2, 32}, ModelCase{"se-resnet18", 1, 64},
        ModelCase{"se-resnet34", 1, 32}, ModelCase{"se-resnet50", 2, 64},
        ModelCase{"se-resnet101", 1, 32},
        ModelCase{"se-resnext50-32x4d", 1, 32},
        ModelCase{"se-resnet50", 1, 32, SEIntegration::Pre},
        ModelCase{"se-resnet50", 1, 32, SEIntegration::Post},
        ModelCase{"se-resnet50", 1, 32, SEIntegration::Identity},
        ModelCase{"se-resnet50", 1, 32, SEIntegration::Standard, true},
        ModelCase{"se-resnet50", 1, 32, SEIntegration::Standard, false, false,
                  SqueezeKind::Max},
        // The same models without SE fusion.
        ModelCase{"se-resnet50", 2, 64, SEIntegration::Standard, false, false,
                  SqueezeKind::Avg, "se-fusion=off"},
        ModelCase{"se-resnet50", 1, 32, SEIntegration::Pre, false, false,
                  SqueezeKind::Avg, "se-fusion=off"},
        ModelCase{"se-resnet50", 1, 32, SEIntegration::Post, false, false,
                  SqueezeKind::Avg, "se-fusion=off"},
        ModelCase{"se-resnet50", 1, 32, SEIntegration::Identity, false, false,
                  SqueezeKind::Avg, "se-fusion=off"},
        ModelCase{"se-resnet50", 1, 32, SEIntegration::Standard, false, false,
                  SqueezeKind::Max, "se-fusion=off"},
        // The scale applied by its readers (experimental).
        ModelCase{"se-resnet50", 2, 32, SEIntegration::Pre, false, false,
                  SqueezeKind::Avg, "fuse-scale-into-consumers=true"},
        ModelCase{"se-resnet50", 1, 32, SEIntegration::Post, false, false,
                  SqueezeKind::Avg, "fuse-scale-into-consumers=true"},
        ModelCase{"se-resnet50", 1, 32, SEIntegration::Identity, false, false,
                  SqueezeKind::Avg, "fuse-scale-into-consumers=true"}),
    [](const ::testing::TestParamInfo<ModelCase> &info) {
      std::string name = info.param.name;
      if (info.param.pipeline == "se-fusion=off")
        name += "_unfused";
      else if (!info.param.pipeline.empty())
        name += "_scaled_readers";
      name += "_" + std::to_string(info.param.inputSize) + "_" +
              std::to_string(info.index);
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

} // namespace
