//===- HeaderWriter.h - the C API header of a compiled model ----*- C++ -*-===//

#ifndef SE_TARGET_HEADERWRITER_H
#define SE_TARGET_HEADERWRITER_H

#include "se/Target/Target.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::se {

/// How the compiled entry point was built, which decides its C signature.
struct ModelABI {
  /// se-plan-workspace: create() allocates (and touches) the workspace.
  bool workspace = false;
  /// se-cpu-runtime-thread-count: the thread count is a settable global.
  bool threadCount = false;
  /// ... which starts at 0: OpenMP's default team size at run time.
  bool threadsAtRunTime = false;
  /// se-cpu-instrument-profile: per-layer counters and their description.
  bool profile = false;
  /// se-externalize-weights: create() loads a weights file.
  bool externalWeights = false;
  /// se-gpu-pipeline: tensors, workspace and weights live in CUDA device
  /// memory; create() allocates them (libse_cuda_runtime) and run() copies
  /// the host tensors in and out around run_device().
  bool cuda = false;
  /// se-cpu-batch-entry: `<name>_batch` runs any number of images; the
  /// shapes are those of one image.
  bool dynamicBatch = false;
  /// se-cpu-integer-convolutions: the instruction a quantized model's
  /// convolutions run on 8-bit integers with; None: in f32 between the
  /// quantization steps.
  Int8DotProduct int8Convolutions = Int8DotProduct::None;
};

/// Checks that `func`'s arguments and results are what a compiled model's C
/// API and se-run can pass: statically shaped f32 tensors of rank 1 to 4.
/// Reports the first one that is not at `func`.
LogicalResult verifyModelSignature(func::FuncOp func);

/// Writes the C header of the model whose graph-level entry point is
/// `func`: shapes as macros and query functions, status codes, and a
/// context API (create / run / destroy / set_num_threads) implemented
/// inline over the function's `_mlir_ciface_` entry point. Fails on a
/// signature the C API does not cover (non-f32 or dynamic tensors).
LogicalResult writeCHeader(func::FuncOp func, const ModelABI &abi,
                           llvm::raw_ostream &os);

} // namespace mlir::se

#endif // SE_TARGET_HEADERWRITER_H
