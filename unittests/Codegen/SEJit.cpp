//===- SEJit.cpp - compile se blocks through the CPU pipeline and run them ===//

#include "Codegen/SEJit.h"

#include "se/Runtime/MemRef.h"

#include "se/Codegen/CPU/Passes.h"
#include "se/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/SubtargetFeature.h"

#include <cmath>
#include <random>
#include <sstream>

using namespace se;
using namespace se::testing;
using reference::Block;

static std::string shapeType(const std::vector<int64_t> &shape) {
  std::string text = "tensor<";
  for (int64_t d : shape)
    text += std::to_string(d) + "x";
  return text + "f32>";
}

static std::vector<int64_t> inputShape(const Block &b) {
  if (b.layout == reference::Layout::NCHW)
    return {b.n, b.c, b.h, b.w};
  return {b.n, b.h, b.w, b.c};
}

static const char *name(reference::Layout v) {
  return v == reference::Layout::NCHW ? "nchw" : "nhwc";
}
static const char *name(reference::Squeeze v) {
  const char *names[] = {"avg", "max", "avg_max"};
  return names[int(v)];
}
static const char *name(reference::Excitation v) {
  const char *names[] = {"two_fc", "one_fc", "conv1d"};
  return names[int(v)];
}
static const char *name(reference::InnerAct v) {
  const char *names[] = {"relu", "silu", "hard_swish"};
  return names[int(v)];
}
static const char *name(reference::Gate v) {
  const char *names[] = {"sigmoid", "hard_sigmoid", "tanh", "relu"};
  return names[int(v)];
}

namespace {
/// The operands of a block's function, in the op's operand order.
struct Operand {
  std::string name;
  std::vector<int64_t> shape;
  const std::vector<float> *data;
};
} // namespace

static std::vector<Operand> operands(const Block &b,
                                     const reference::Tensors *t) {
  auto data = [&](const std::vector<float> reference::Tensors::*member) {
    return t ? &(t->*member) : nullptr;
  };
  std::vector<Operand> result = {
      {"x", inputShape(b), data(&reference::Tensors::input)}};
  switch (b.excitation) {
  case reference::Excitation::TwoFC:
    result.push_back({"w1", {b.hidden, b.c}, data(&reference::Tensors::w1)});
    result.push_back({"w2", {b.c, b.hidden}, data(&reference::Tensors::w2)});
    if (b.bias) {
      result.push_back({"b1", {b.hidden}, data(&reference::Tensors::b1)});
      result.push_back({"b2", {b.c}, data(&reference::Tensors::b2)});
    }
    break;
  case reference::Excitation::OneFC:
    result.push_back({"w1", {b.c, b.c}, data(&reference::Tensors::w1)});
    if (b.bias)
      result.push_back({"b1", {b.c}, data(&reference::Tensors::b1)});
    break;
  case reference::Excitation::Conv1D:
    result.push_back({"w1", {b.hidden}, data(&reference::Tensors::w1)});
    break;
  }
  if (b.residual)
    result.push_back({"r", inputShape(b), data(&reference::Tensors::residual)});
  return result;
}

std::string se::testing::blockToMLIR(const Block &b, const std::string &fn) {
  std::vector<Operand> args = operands(b, nullptr);
  std::string type = shapeType(inputShape(b));
  std::ostringstream os;
  os << "func.func @" << fn << "(";
  for (size_t i = 0; i < args.size(); ++i)
    os << (i ? ", " : "") << "%" << args[i].name << ": "
       << shapeType(args[i].shape);
  os << ") -> " << type << " {\n  %y = se.squeeze_excite %x weights(%w1";
  if (b.excitation == reference::Excitation::TwoFC)
    os << ", %w2";
  os << ")";
  if (b.bias)
    os << " bias1(%b1)";
  if (b.bias && b.excitation == reference::Excitation::TwoFC)
    os << " bias2(%b2)";
  if (b.residual)
    os << " residual(%r)";
  os << " layout = " << name(b.layout) << " squeeze = " << name(b.squeeze)
     << " excitation = " << name(b.excitation);
  if (b.excitation == reference::Excitation::TwoFC)
    os << " inner_act = " << name(b.innerAct);
  os << " gate = " << name(b.gate)
     << " post_act = " << (b.postRelu ? "relu" : "none") << " : (";
  for (size_t i = 0; i < args.size(); ++i)
    os << (i ? ", " : "") << shapeType(args[i].shape);
  os << ") -> " << type << "\n  return %y : " << type << "\n}\n";
  return os.str();
}

std::string se::testing::describe(const Block &b) {
  std::ostringstream os;
  os << b.n << "x" << b.c << "x" << b.h << "x" << b.w << " " << name(b.layout)
     << " " << name(b.squeeze) << " " << name(b.excitation);
  if (b.excitation == reference::Excitation::TwoFC)
    os << "(" << name(b.innerAct) << ", hidden " << b.hidden << ")";
  if (b.excitation == reference::Excitation::Conv1D)
    os << "(k " << b.hidden << ")";
  os << " " << name(b.gate) << (b.bias ? " bias" : "")
     << (b.residual ? " residual" : "") << (b.postRelu ? " relu" : "");
  return os.str();
}

reference::Tensors se::testing::makeTensors(const Block &b, unsigned seed) {
  std::mt19937 rng(seed);
  auto fill = [&](size_t count, double scale) {
    std::uniform_real_distribution<float> dist(-scale, scale);
    std::vector<float> v(count);
    for (float &x : v)
      x = dist(rng);
    return v;
  };
  int64_t elements = b.n * b.c * b.h * b.w;
  reference::Tensors t;
  t.input = fill(elements, 1.0);
  int64_t fanIn =
      b.excitation == reference::Excitation::Conv1D ? b.hidden : b.c;
  double scale = 2.0 / std::sqrt(double(fanIn));
  switch (b.excitation) {
  case reference::Excitation::TwoFC:
    t.w1 = fill(b.hidden * b.c, scale);
    t.w2 = fill(b.c * b.hidden, 2.0 / std::sqrt(double(b.hidden)));
    t.b1 = fill(b.hidden, 0.5);
    t.b2 = fill(b.c, 0.5);
    break;
  case reference::Excitation::OneFC:
    t.w1 = fill(b.c * b.c, scale);
    t.b1 = fill(b.c, 0.5);
    break;
  case reference::Excitation::Conv1D:
    t.w1 = fill(b.hidden, scale);
    break;
  }
  if (b.residual)
    t.residual = fill(elements, 1.0);
  return t;
}

CompiledModule::CompiledModule() {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  mlir::DialectRegistry registry;
  mlir::se::registerAllDialects(registry);
  context.appendDialectRegistry(registry);
}

std::unique_ptr<CompiledModule>
CompiledModule::compile(const std::string &source,
                        const std::string &pipelineOptions,
                        std::string &error) {
  auto compiled = std::unique_ptr<CompiledModule>(new CompiledModule());
  llvm::raw_string_ostream errorStream(error);
  mlir::ScopedDiagnosticHandler handler(
      &compiled->context, [&](mlir::Diagnostic &diag) {
        errorStream << diag.getLocation() << ": " << diag.str() << "\n";
        return mlir::success();
      });
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(source, &compiled->context);
  if (!module || !compiled->lower(std::move(module), pipelineOptions, error))
    return nullptr;
  return compiled;
}

std::unique_ptr<CompiledModule> CompiledModule::compile(
    llvm::function_ref<mlir::OwningOpRef<mlir::ModuleOp>(mlir::MLIRContext *)>
        build,
    const std::string &pipelineOptions, std::string &error) {
  auto compiled = std::unique_ptr<CompiledModule>(new CompiledModule());
  mlir::OwningOpRef<mlir::ModuleOp> module = build(&compiled->context);
  if (!module) {
    error = "the module could not be built";
    return nullptr;
  }
  compiled->graphCopy = module->clone();
  if (!compiled->lower(std::move(module), pipelineOptions, error))
    return nullptr;
  return compiled;
}

bool CompiledModule::lower(mlir::OwningOpRef<mlir::ModuleOp> module,
                           const std::string &pipelineOptions,
                           std::string &error) {
  llvm::raw_string_ostream errorStream(error);
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &diag) {
    errorStream << diag.getLocation() << ": " << diag.str() << "\n";
    return mlir::success();
  });
  mlir::PassManager pm(&context);
  auto options =
      mlir::se::CPUPipelineOptions::createFromString(pipelineOptions);
  if (!options) {
    errorStream << "bad pipeline options '" << pipelineOptions << "'";
    return false;
  }
  std::string pipelineError;
  if (mlir::failed(mlir::se::buildSECPUPipeline(pm, *options, pipelineError))) {
    errorStream << pipelineError;
    return false;
  }
  if (mlir::failed(pm.run(*module)))
    return false;

  // Generate code for the pipeline's target, as se-compile does: the host,
  // or the CPU that SE_HOST_CPU names in its place (without a
  // TargetMachine the -O3 pipeline has no cost model and its code takes far
  // longer to generate).
  mlir::FailureOr<mlir::se::ResolvedTarget> target =
      mlir::se::resolveTarget(*options, pipelineError);
  if (mlir::failed(target)) {
    errorStream << pipelineError;
    return false;
  }
  llvm::orc::JITTargetMachineBuilder machineBuilder{
      llvm::Triple(target->triple)};
  machineBuilder.setCPU(target->cpu);
  llvm::SubtargetFeatures features(target->features);
  machineBuilder.addFeatures(features.getFeatures());
  auto machine = machineBuilder.createTargetMachine();
  if (!machine) {
    errorStream << llvm::toString(machine.takeError());
    return false;
  }
  // ExecutionEngineOptions holds references: the transformer and the library
  // list must outlive ExecutionEngine::create.
  std::function<llvm::Error(llvm::Module *)> optimize =
      mlir::makeOptimizingTransformer(3, 0, machine->get());
  mlir::ExecutionEngineOptions engineOptions;
  engineOptions.transformer = optimize;
  llvm::StringRef runtimes[] = {SE_OPENMP_RUNTIME};
  engineOptions.sharedLibPaths = runtimes;
  auto created = mlir::ExecutionEngine::create(*module, engineOptions,
                                               std::move(*machine));
  if (!created) {
    errorStream << llvm::toString(created.takeError());
    return false;
  }
  engine = std::move(*created);
  return true;
}

bool CompiledModule::callI64(const std::string &name, int64_t &result,
                             std::string &error) {
  void *packed[] = {&result};
  if (llvm::Error err = engine->invokePacked("_mlir_ciface_" + name, packed)) {
    error = llvm::toString(std::move(err));
    return false;
  }
  return true;
}

bool CompiledModule::lookupGraph(const std::string &name,
                                 mlir::func::FuncOp &func,
                                 int64_t &workspaceBytes, std::string &error) {
  func = graph().lookupSymbol<mlir::func::FuncOp>(name);
  if (!func) {
    error = "no function '" + name + "' in the graph";
    return false;
  }
  if (!callI64(name + "_workspace_bytes", workspaceBytes, error))
    return false;
  if (workspaceBytes < 0) {
    error = "negative workspace size " + std::to_string(workspaceBytes);
    return false;
  }
  return true;
}

bool CompiledModule::callGraph(const std::string &name,
                               std::vector<std::vector<float>> &tensors,
                               std::string &error) {
  mlir::func::FuncOp func;
  int64_t workspaceBytes = 0;
  if (!lookupGraph(name, func, workspaceBytes, error))
    return false;
  std::vector<mlir::Type> types(func.getArgumentTypes().begin(),
                                func.getArgumentTypes().end());
  types.insert(types.end(), func.getResultTypes().begin(),
               func.getResultTypes().end());
  if (tensors.size() != types.size()) {
    error = "expected " + std::to_string(types.size()) + " tensors";
    return false;
  }
  std::vector<Buffer> buffers;
  for (auto [tensor, type] : llvm::zip(tensors, types)) {
    auto shaped = mlir::cast<mlir::ShapedType>(type);
    if (static_cast<int64_t>(tensor.size()) != shaped.getNumElements()) {
      error = "a tensor does not fit its type";
      return false;
    }
    buffers.push_back(
        {tensor.data(), {shaped.getShape().begin(), shaped.getShape().end()}});
  }
  std::vector<float> workspace(workspaceBytes / 4 + 1, std::nanf(""));
  buffers.push_back({workspace.data(), {workspaceBytes}});
  return call(name, buffers, error);
}

bool CompiledModule::callGraphBatch(const std::string &name, int64_t images,
                                    int64_t slots,
                                    std::vector<std::vector<float>> &tensors,
                                    std::string &error) {
  mlir::func::FuncOp func;
  int64_t workspaceBytes = 0;
  if (!lookupGraph(name, func, workspaceBytes, error))
    return false;
  size_t numTensors = func.getNumArguments() + func.getNumResults();
  if (tensors.size() != numTensors) {
    error = "expected " + std::to_string(numTensors) + " tensors";
    return false;
  }
  std::vector<SEByteMemRef1D> descriptors;
  for (std::vector<float> &tensor : tensors) {
    auto *bytes = reinterpret_cast<int8_t *>(tensor.data());
    descriptors.push_back(
        {bytes, bytes, 0, {static_cast<int64_t>(tensor.size() * 4)}, {1}});
  }
  std::vector<float> workspace(slots * workspaceBytes / 4 + 1, std::nanf(""));
  auto *bytes = reinterpret_cast<int8_t *>(workspace.data());
  descriptors.push_back({bytes, bytes, 0, {slots * workspaceBytes}, {1}});
  std::vector<void *> pointers, packed = {&images};
  for (SEByteMemRef1D &d : descriptors)
    pointers.push_back(&d);
  for (void *&p : pointers)
    packed.push_back(&p);
  if (llvm::Error err =
          engine->invokePacked("_mlir_ciface_" + name + "_batch", packed)) {
    error = llvm::toString(std::move(err));
    return false;
  }
  return true;
}

bool CompiledModule::call(const std::string &name,
                          const std::vector<Buffer> &buffers,
                          std::string &error) {
  std::vector<SEMemRefAnyRank> descriptors;
  for (const Buffer &buffer : buffers)
    descriptors.push_back(
        se_memref_dense(buffer.data, buffer.shape.data(),
                        static_cast<int>(buffer.shape.size())));
  std::vector<void *> pointers, packed;
  for (SEMemRefAnyRank &d : descriptors)
    pointers.push_back(&d);
  for (void *&p : pointers)
    packed.push_back(&p);
  if (llvm::Error err = engine->invokePacked("_mlir_ciface_" + name, packed)) {
    error = llvm::toString(std::move(err));
    return false;
  }
  return true;
}

std::vector<float> CompiledModule::run(const std::string &name,
                                       const Block &block,
                                       const reference::Tensors &tensors,
                                       std::string &error) {
  std::vector<float> output(tensors.input.size(), std::nanf(""));
  std::vector<Buffer> buffers;
  // The inputs are read-only; the descriptors merely need a non-const
  // pointer type.
  for (const Operand &arg : operands(block, &tensors))
    buffers.push_back({const_cast<float *>(arg.data->data()), arg.shape});
  buffers.push_back({output.data(), inputShape(block)});
  if (!call(name, buffers, error))
    return {};
  return output;
}

double se::testing::maxScaledError(const std::vector<float> &got,
                                   const std::vector<double> &want) {
  if (got.size() != want.size())
    return INFINITY;
  double worst = 0.0;
  for (size_t i = 0; i < got.size(); ++i) {
    double err =
        std::fabs(double(got[i]) - want[i]) / (1.0 + std::fabs(want[i]));
    if (!(err <= worst))
      worst = std::isnan(err) ? INFINITY : err;
  }
  return worst;
}
