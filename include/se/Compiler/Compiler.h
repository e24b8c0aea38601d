//===- Compiler.h - the library behind se-compile ---------------*- C++ -*-===//
//
// Runs a module from graph-level IR down to the artefact the user asked
// for. se-compile is a thin command-line front end over this.
//
//===----------------------------------------------------------------------===//

#ifndef SE_COMPILER_COMPILER_H
#define SE_COMPILER_COMPILER_H

#include "se/Codegen/CPU/Passes.h"
#include "se/Codegen/GPU/Passes.h"
#include "se/Target/HeaderWriter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir {
class PassManager;

namespace se {

/// What se-compile writes, in pipeline order: each stage stops after the
/// step that produces it.
enum class EmitKind {
  /// The input after parsing, verification and canonicalization.
  MLIR,
  /// linalg on tensors, after convert-se-to-linalg.
  Linalg,
  /// The LLVM dialect, at the end of se-cpu-pipeline.
  LLVMDialect,
  /// Optimized LLVM IR (-O3).
  LLVMIR,
  /// Target assembly.
  Asm,
  /// A relocatable object file.
  Object,
  /// Only the C header of the module's entry point.
  Header,
  /// A shared object for se-run: the object linked with ld.lld, with the
  /// se_model_* symbols (needs the workspace ABI).
  Shared,
  /// The PTX of the GPU kernels (--target=cuda only).
  PTX,
};

/// Where the compiled model runs.
enum class CompileTarget {
  /// The host CPU (or --mtriple/--mcpu): se-cpu-pipeline.
  CPU,
  /// An NVIDIA GPU, driven by host code: se-gpu-pipeline.
  CUDA,
  /// The kernels of se-gpu-pipeline run by CPU threads, for testing them
  /// without a GPU (the C API of a CPU model with external weights).
  CUDAEmulator,
};

struct CompilerOptions {
  EmitKind emit = EmitKind::Object;
  CompileTarget target = CompileTarget::CPU;
  /// The CPU pipeline, and the host side of GPU code (triple, CPU).
  CPUPipelineOptions pipeline;
  /// The GPU pipeline, with --target=cuda.
  GPUPipelineOptions gpu;
  /// Print weights in full when emitting MLIR; by default constants larger
  /// than 64 bytes are elided, which keeps the IR readable but not
  /// reparsable.
  bool printFullConstants = false;
  /// With `pipeline.externalWeights`: where to write the weights file that
  /// the compiled code loads at create (required from --emit=llvm on).
  std::string weightsPath;
};

/// The C signature that `options` give a compiled entry point.
ModelABI getModelABI(const CompilerOptions &options);

/// The module's entry point: its first public function with a body, or
/// null.
func::FuncOp getEntryPoint(ModuleOp module);

/// Lowers `module` in place as far as `options.emit` asks and writes the
/// result to `os`. `configurePassManager` may add instrumentation (IR
/// printing, timing) to every pass manager the compiler builds. Errors are
/// reported as diagnostics on the module's context.
LogicalResult
compile(ModuleOp module, const CompilerOptions &options,
        llvm::raw_pwrite_stream &os,
        function_ref<LogicalResult(PassManager &)> configurePassManager = {});

} // namespace se
} // namespace mlir

#endif // SE_COMPILER_COMPILER_H
