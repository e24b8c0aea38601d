//===- Compiler.cpp - the library behind se-compile -----------------------===//

#include "se/Compiler/Compiler.h"

#include "se/Conversion/Passes.h"
#include "se/Target/HeaderWriter.h"
#include "se/Target/LLVMEmitter.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::se;

static LogicalResult
runPasses(ModuleOp module,
          function_ref<LogicalResult(PassManager &)> configurePassManager,
          function_ref<void(PassManager &)> addPasses) {
  PassManager pm(module.getContext());
  if (configurePassManager && failed(configurePassManager(pm)))
    return failure();
  addPasses(pm);
  return pm.run(module);
}

func::FuncOp mlir::se::getEntryPoint(ModuleOp module) {
  for (auto func : module.getOps<func::FuncOp>())
    if (func.isPublic() && !func.isExternal())
      return func;
  return nullptr;
}

static void printModule(ModuleOp module, const CompilerOptions &options,
                        llvm::raw_ostream &os) {
  OpPrintingFlags flags;
  if (!options.printFullConstants)
    flags.elideLargeResourceString().elideLargeElementsAttrs();
  module.print(os, flags);
}

LogicalResult mlir::se::compile(
    ModuleOp module, const CompilerOptions &options,
    llvm::raw_pwrite_stream &os,
    function_ref<LogicalResult(PassManager &)> configurePassManager) {
  std::string error;
  FailureOr<ResolvedTarget> target = resolveTarget(options.pipeline, error);
  if (failed(target))
    return emitError(module.getLoc()) << error;

  switch (options.emit) {
  case EmitKind::Header: {
    func::FuncOp entry = getEntryPoint(module);
    if (!entry)
      return emitError(module.getLoc())
             << "no public function to write a C header for";
    return writeCHeader(entry, options.pipeline.workspace, os);
  }
  case EmitKind::MLIR:
    if (failed(runPasses(module, configurePassManager, [](PassManager &pm) {
          pm.addPass(createCanonicalizerPass());
        })))
      return failure();
    printModule(module, options, os);
    return success();
  case EmitKind::Linalg:
    if (failed(runPasses(module, configurePassManager, [](PassManager &pm) {
          addGraphToLinalgPasses(pm);
          pm.addPass(createCanonicalizerPass());
        })))
      return failure();
    printModule(module, options, os);
    return success();
  default:
    break;
  }

  PassManager pm(module.getContext());
  if (configurePassManager && failed(configurePassManager(pm)))
    return failure();
  if (failed(buildSECPUPipeline(pm, options.pipeline, error)))
    return emitError(module.getLoc()) << error;
  if (failed(pm.run(module)))
    return failure();
  if (options.emit == EmitKind::LLVMDialect) {
    printModule(module, options, os);
    return success();
  }

  FailureOr<std::unique_ptr<llvm::TargetMachine>> machine =
      createTargetMachine(*target, error);
  if (failed(machine))
    return emitError(module.getLoc()) << error;
  llvm::LLVMContext context;
  FailureOr<std::unique_ptr<llvm::Module>> llvmModule =
      translateAndOptimize(module, context, **machine);
  if (failed(llvmModule))
    return failure();
  if (options.emit == EmitKind::LLVMIR) {
    (*llvmModule)->print(os, nullptr);
    return success();
  }
  if (failed(emitMachineCode(**llvmModule, **machine,
                             options.emit == EmitKind::Asm, os, error)))
    return emitError(module.getLoc()) << error;
  return success();
}
