//===- QuantizedNumericsTest.cpp - quantized ONNX models vs the reference -===//
//
// The quantized test models (test/Import/ONNX/models/quantized: QDQ files
// and a QLinear graph) imported, compiled through se-cpu-pipeline and run
// on their inputs, against the plain C++ graph executor on the imported
// graph (double-precision convolutions, f32 quantization steps): every
// output within 1e-6 * (1 + max |output|), i.e. no quantization step
// rounded differently anywhere in the network (one step moves an output by
// 1e-4 or more in these models). The references quantize_qdq.py wrote
// (PyTorch operators) agree with the executor to 1e-8, except
// EfficientNet-B0's (3.6e-5: PyTorch's sigmoid moves a few roundings), which
// test/Import/ONNX/quantized.test checks with that tolerance.
//
//===----------------------------------------------------------------------===//

#include "Codegen/SEJit.h"
#include "Reference/GraphReference.h"

#include "se/Import/ONNX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using ::se::testing::CompiledModule;

namespace {

struct QuantizedCase {
  /// The model's file name in test/Import/ONNX/models/quantized, without
  /// .onnx.
  std::string name;
};

std::vector<float> readRaw(const std::string &path) {
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  EXPECT_TRUE(file) << path;
  if (!file)
    return {};
  StringRef bytes = (*file)->getBuffer();
  std::vector<float> values(bytes.size() / sizeof(float));
  std::memcpy(values.data(), bytes.data(), values.size() * sizeof(float));
  return values;
}

class QuantizedNumerics : public ::testing::TestWithParam<QuantizedCase> {};

TEST_P(QuantizedNumerics, MatchesGraphReference) {
  std::string base = std::string(SE_QUANTIZED_MODELS) + "/" + GetParam().name;
  std::string importError, error;
  auto compiled = CompiledModule::compile(
      [&](MLIRContext *context) -> OwningOpRef<ModuleOp> {
        auto module =
            mlir::se::importONNX(context, base + ".onnx", {}, importError);
        return succeeded(module) ? std::move(*module) : nullptr;
      },
      "workspace=true", error);
  ASSERT_TRUE(compiled) << importError << error;
  auto forward = compiled->graph().lookupSymbol<func::FuncOp>("forward");
  ASSERT_TRUE(forward);

  std::vector<float> inputData = readRaw(base + ".in.raw");
  ::se::reference::Tensor input;
  ArrayRef<int64_t> shape =
      cast<ShapedType>(forward.getArgumentTypes()[0]).getShape();
  input.shape.assign(shape.begin(), shape.end());
  input.data.assign(inputData.begin(), inputData.end());
  std::vector<::se::reference::Tensor> want =
      ::se::reference::runGraph(forward, {input}, error);
  ASSERT_EQ(want.size(), 1u) << error;

  std::vector<std::vector<float>> tensors = {
      inputData, std::vector<float>(want[0].data.size(), std::nanf(""))};
  ASSERT_TRUE(compiled->callGraph("forward", tensors, error)) << error;
  std::vector<float> script = readRaw(base + ".out.raw");
  ASSERT_EQ(script.size(), want[0].data.size());

  double scale = 0.0, worst = 0.0, worstScript = 0.0;
  for (size_t i = 0; i < tensors[1].size(); ++i) {
    scale = std::max(scale, std::fabs(want[0].data[i]));
    double err = std::fabs(tensors[1][i] - want[0].data[i]);
    worst = std::isnan(err) ? INFINITY : std::max(worst, err);
    worstScript = std::max(worstScript, std::fabs(script[i] - want[0].data[i]));
  }
  // Non-trivial outputs: a dead network would match anything.
  EXPECT_GT(scale, 1e-2) << GetParam().name;
  EXPECT_LE(worst, 1e-6 * (1.0 + scale)) << GetParam().name;
  EXPECT_LE(worstScript, 5e-5) << GetParam().name;
}

INSTANTIATE_TEST_SUITE_P(
    Models, QuantizedNumerics,
    ::testing::Values(QuantizedCase{"qlinear"},
                      QuantizedCase{"se_resnet18_qdq"},
                      QuantizedCase{"mobilenetv3_small_qdq"},
                      QuantizedCase{"efficientnet_b0_qdq"}),
    [](const ::testing::TestParamInfo<QuantizedCase> &info) {
      return info.param.name;
    });

} // namespace
