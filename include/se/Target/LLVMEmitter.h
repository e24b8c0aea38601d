//===- LLVMEmitter.h - LLVM IR, assembly and object emission ----*- C++ -*-===//
//
// Turns a module in the LLVM dialect into optimized LLVM IR and from there
// into assembly or an object file, in-process through a TargetMachine.
//
//===----------------------------------------------------------------------===//

#ifndef SE_TARGET_LLVMEMITTER_H
#define SE_TARGET_LLVMEMITTER_H

#include "se/Target/Target.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>

namespace mlir::se {

/// Creates the TargetMachine for `target` (PIC, aggressive codegen).
FailureOr<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const ResolvedTarget &target, std::string &error);

/// Translates `module` (LLVM dialect) to LLVM IR for `machine` and runs the
/// LLVM -O3 pipeline over it.
FailureOr<std::unique_ptr<llvm::Module>>
translateAndOptimize(ModuleOp module, llvm::LLVMContext &context,
                     llvm::TargetMachine &machine);

/// Writes `module` as assembly (`asmFile`) or as an object file.
LogicalResult emitMachineCode(llvm::Module &module,
                              llvm::TargetMachine &machine, bool asmFile,
                              llvm::raw_pwrite_stream &os, std::string &error);

/// Exports the symbols se-run looks for in a model's shared object:
/// `se_model_run` and `se_model_workspace_bytes` (aliases of the entry
/// point's C interface and of its workspace query) and `se_model_signature`,
/// a string "inputs=1x3x224x224;outputs=1x1000" (f32 tensors, `,` between
/// tensors). Where the model has them, also `se_model_num_threads` (the i32
/// thread count of parallel code), `se_model_profile_ns` /
/// `se_model_profile_layers` (se-compile --profile) and
/// `se_model_weights_bytes` /
/// `se_model_weights_hash` (external weights: the run function then takes
/// the weights after the workspace). Fails if the entry point was not
/// compiled with a workspace.
LogicalResult addModelMetadata(llvm::Module &module, StringRef entry,
                               StringRef signature, std::string &error);

/// Links `object` into the shared object `output` with ld.lld; with
/// `openMP`, against the OpenMP runtime (libomp); with `cudaRuntime`,
/// against libse_cuda_runtime.so from the compiler's own lib/ directory
/// (recorded as the run path).
LogicalResult linkSharedObject(StringRef object, StringRef output, bool openMP,
                               bool cudaRuntime,
                               std::string &error);

} // namespace mlir::se

#endif // SE_TARGET_LLVMEMITTER_H
