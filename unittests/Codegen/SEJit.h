//===- SEJit.h - compile se blocks through the CPU pipeline and run them --===//

#ifndef SE_UNITTESTS_CODEGEN_SEJIT_H
#define SE_UNITTESTS_CODEGEN_SEJIT_H

#include "Reference/SEReference.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <memory>
#include <string>
#include <vector>

namespace se::testing {

/// The se.squeeze_excite function `name` computing `block`, as MLIR text.
std::string blockToMLIR(const reference::Block &block, const std::string &name);

/// A short name of the block's knobs, for test output.
std::string describe(const reference::Block &block);

/// Seeded inputs for `block`, scaled so that the gates are not saturated.
reference::Tensors makeTensors(const reference::Block &block, unsigned seed);

/// A module compiled with se-cpu-pipeline and the LLVM -O3 pipeline into a
/// JIT.
class CompiledModule {
public:
  /// Compiles `source`; on failure, `error` says why.
  static std::unique_ptr<CompiledModule>
  compile(const std::string &source, const std::string &pipelineOptions,
          std::string &error);

  /// Compiles the module `build` makes in the compiled module's context;
  /// keeps a copy of it, before lowering, as graph().
  static std::unique_ptr<CompiledModule> compile(
      llvm::function_ref<mlir::OwningOpRef<mlir::ModuleOp>(mlir::MLIRContext *)>
          build,
      const std::string &pipelineOptions, std::string &error);

  /// The module as built, before lowering (only for the second compile).
  mlir::ModuleOp graph() { return graphCopy.get(); }

  /// A dense row-major f32 buffer and its shape.
  struct Buffer {
    float *data;
    std::vector<int64_t> shape;
  };

  /// Calls `_mlir_ciface_<name>()`, which returns an i64.
  bool callI64(const std::string &name, int64_t &result, std::string &error);

  /// Calls `_mlir_ciface_<name>` with `buffers` (inputs, then outputs).
  bool call(const std::string &name, const std::vector<Buffer> &buffers,
            std::string &error);

  /// Calls the graph function `name`, compiled with a workspace, on
  /// `tensors`: its inputs, then its outputs, dense in the function's
  /// shapes. Allocates the workspace (NaN-filled: code that reads a buffer
  /// before writing it shows up).
  bool callGraph(const std::string &name,
                 std::vector<std::vector<float>> &tensors, std::string &error);

  /// Calls the batch entry `<name>_batch` of graph function `name`
  /// (compiled with batch-entry=true) on `images` images: `tensors` holds
  /// its inputs, then its outputs, each `images` times the function's
  /// shape. Allocates `slots` NaN-filled workspace slots.
  bool callGraphBatch(const std::string &name, int64_t images, int64_t slots,
                      std::vector<std::vector<float>> &tensors,
                      std::string &error);

  /// Runs function `name` (which computes `block`) on `tensors`.
  std::vector<float> run(const std::string &name, const reference::Block &block,
                         const reference::Tensors &tensors, std::string &error);

private:
  CompiledModule();
  /// The graph function `name` and the workspace its compiled form takes.
  bool lookupGraph(const std::string &name, mlir::func::FuncOp &func,
                   int64_t &workspaceBytes, std::string &error);
  bool lower(mlir::OwningOpRef<mlir::ModuleOp> module,
             const std::string &pipelineOptions, std::string &error);

  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> graphCopy;
  std::unique_ptr<mlir::ExecutionEngine> engine;
};

/// Largest |got - want| / (1 + |want|) over all elements.
double maxScaledError(const std::vector<float> &got,
                      const std::vector<double> &want);

} // namespace se::testing

#endif // SE_UNITTESTS_CODEGEN_SEJIT_H
