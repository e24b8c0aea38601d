//===- ONNXConformanceTest.cpp - the ONNX backend tests, compiled ---------===//
//
// Runs the ONNX backend test cases listed in
// test/Import/ONNX/supported-cases.txt (from Debian's libonnx-testdata): import
// model.onnx, compile it through se-cpu-pipeline, run it on every
// test_data_set_*/input_*.pb and compare with output_*.pb within the backend
// tests' default tolerance, |got - want| <= 1e-7 + 1e-3 * |want|. Prints the
// pass count per op.
//
// Every other node case must import or fail with a one-line error: the
// importer never crashes on the suite (UnlistedCasesFailCleanly).
//
//===----------------------------------------------------------------------===//

#include "Codegen/SEJit.h"

#include "se/Import/ONNX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace mlir;
using ::se::testing::CompiledModule;

namespace {

struct Case {
  std::string name;
  std::string op;
};

std::vector<Case> listedCases() {
  std::vector<Case> cases;
  std::ifstream list(SE_ONNX_CASES);
  std::string line;
  while (std::getline(list, line)) {
    std::istringstream fields(line);
    Case c;
    if (line.empty() || line[0] == '#' || !(fields >> c.name >> c.op))
      continue;
    cases.push_back(c);
  }
  return cases;
}

std::map<std::string, std::pair<int, int>> &opCounts() {
  static std::map<std::string, std::pair<int, int>> counts;
  return counts;
}

/// Prints passed/listed per op once every case has run.
class Report : public ::testing::Environment {
public:
  void TearDown() override {
    if (opCounts().empty())
      return;
    std::printf("ONNX backend cases passed per op:\n");
    int passed = 0, total = 0;
    for (auto &[op, count] : opCounts()) {
      std::printf("  %-20s %d/%d\n", op.c_str(), count.first, count.second);
      passed += count.first;
      total += count.second;
    }
    std::printf("  %-20s %d/%d\n", "total", passed, total);
  }
};
const auto *report = ::testing::AddGlobalTestEnvironment(new Report);

std::string caseDir(const std::string &name) {
  return std::string(SE_ONNX_TESTDATA) + "/node/" + name;
}

class ONNXConformance : public ::testing::TestWithParam<Case> {};

TEST_P(ONNXConformance, MatchesReferenceOutputs) {
  const Case &c = GetParam();
  bool passed = false;
  llvm::scope_exit count([&] {
    auto &entry = opCounts()[c.op];
    entry.first += passed;
    entry.second += 1;
  });
  std::string dir = caseDir(c.name), error;
  // Integer and scalar inputs (shapes, axes, clip bounds) are baked in from
  // the first data set; the compiled model takes the f32 feature maps.
  mlir::se::ONNXImportOptions options;
  std::vector<bool> runtimeInput;
  for (int i = 0;; ++i) {
    std::string path =
        dir + "/test_data_set_0/input_" + std::to_string(i) + ".pb";
    if (!llvm::sys::fs::exists(path))
      break;
    auto tensor = mlir::se::readONNXTensorFile(path, error);
    ASSERT_TRUE(succeeded(tensor)) << error;
    bool frozen = !tensor->isFloat || tensor->shape.empty();
    if (frozen)
      options.frozenInputs[tensor->name] = {tensor->shape, tensor->values};
    runtimeInput.push_back(!frozen);
  }
  std::string importError;
  auto compiled = CompiledModule::compile(
      [&](MLIRContext *context) -> OwningOpRef<ModuleOp> {
        auto module = mlir::se::importONNX(context, dir + "/model.onnx",
                                           options, importError);
        return succeeded(module) ? std::move(*module) : nullptr;
      },
      "workspace=true", error);
  ASSERT_TRUE(compiled) << importError << error;
  auto forward = compiled->graph().lookupSymbol<func::FuncOp>("forward");
  ASSERT_TRUE(forward);

  int sets = 0;
  for (int set = 0;; ++set) {
    std::string setDir = dir + "/test_data_set_" + std::to_string(set);
    if (!llvm::sys::fs::is_directory(setDir))
      break;
    ++sets;
    std::vector<std::vector<float>> buffers;
    for (unsigned i = 0; i < runtimeInput.size(); ++i) {
      if (!runtimeInput[i])
        continue;
      auto tensor = mlir::se::readONNXTensorFile(
          setDir + "/input_" + std::to_string(i) + ".pb", error);
      ASSERT_TRUE(succeeded(tensor)) << error;
      auto type = cast<ShapedType>(forward.getArgumentTypes()[buffers.size()]);
      ASSERT_EQ(tensor->values.size(),
                static_cast<size_t>(type.getNumElements()));
      buffers.emplace_back(tensor->values.begin(), tensor->values.end());
    }
    ASSERT_EQ(buffers.size(), forward.getNumArguments());
    std::vector<std::vector<float>> expected;
    for (unsigned i = 0; i < forward.getNumResults(); ++i) {
      auto tensor = mlir::se::readONNXTensorFile(
          setDir + "/output_" + std::to_string(i) + ".pb", error);
      ASSERT_TRUE(succeeded(tensor)) << error;
      auto type = cast<ShapedType>(forward.getResultTypes()[i]);
      ASSERT_EQ(tensor->values.size(),
                static_cast<size_t>(type.getNumElements()))
          << "output " << i;
      expected.emplace_back(tensor->values.begin(), tensor->values.end());
      buffers.emplace_back(expected.back().size(), std::nanf(""));
    }
    ASSERT_TRUE(compiled->callGraph("forward", buffers, error)) << error;
    for (unsigned r = 0; r < expected.size(); ++r) {
      const std::vector<float> &got = buffers[forward.getNumArguments() + r];
      for (size_t i = 0; i < got.size(); ++i)
        ASSERT_LE(std::fabs(got[i] - expected[r][i]),
                  1e-7 + 1e-3 * std::fabs(expected[r][i]))
            << c.name << " set " << set << " output " << r << " element " << i
            << ": got " << got[i] << ", want " << expected[r][i];
    }
  }
  ASSERT_GT(sets, 0) << "no test data in " << dir;
  passed = true;
}

INSTANTIATE_TEST_SUITE_P(Backend, ONNXConformance,
                         ::testing::ValuesIn(listedCases()),
                         [](const ::testing::TestParamInfo<Case> &info) {
                           return info.param.name;
                         });

/// Every node case of the suite that is not listed imports, or fails with
/// one error line (typically `unsupported op X (opset N)`), never a crash.
TEST(ONNXConformanceUnlisted, UnlistedCasesFailCleanly) {
  std::set<std::string> listed;
  for (const Case &c : listedCases())
    listed.insert(c.name);
  std::error_code ec;
  int imported = 0, rejected = 0;
  for (llvm::sys::fs::directory_iterator
           it(std::string(SE_ONNX_TESTDATA) + "/node", ec),
       end;
       it != end && !ec; it.increment(ec)) {
    std::string name = llvm::sys::path::filename(it->path()).str();
    if (listed.count(name))
      continue;
    MLIRContext context;
    std::string error;
    auto module =
        mlir::se::importONNX(&context, it->path() + "/model.onnx", {}, error);
    if (succeeded(module)) {
      ++imported;
      continue;
    }
    ++rejected;
    EXPECT_FALSE(error.empty()) << name;
    EXPECT_EQ(error.find('\n'), std::string::npos) << name << ": " << error;
  }
  EXPECT_GT(rejected, 0);
  std::printf("unlisted node cases: %d import, %d rejected with an error\n",
              imported, rejected);
}

} // namespace
