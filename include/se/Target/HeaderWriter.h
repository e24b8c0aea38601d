//===- HeaderWriter.h - the C API header of a compiled model ----*- C++ -*-===//

#ifndef SE_TARGET_HEADERWRITER_H
#define SE_TARGET_HEADERWRITER_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::se {

/// Writes the C header of the model whose graph-level entry point is
/// `func`: shapes as macros and query functions, error codes, and a
/// context API (create / run / destroy) implemented inline over the
/// function's `_mlir_ciface_` entry point. With `workspace`, the function
/// was compiled with se-cpu-plan-workspace and create() allocates (and
/// touches) its workspace once. Fails on a signature the C API does not
/// cover (non-f32 or dynamic tensors).
LogicalResult writeCHeader(func::FuncOp func, bool workspace,
                           llvm::raw_ostream &os);

} // namespace mlir::se

#endif // SE_TARGET_HEADERWRITER_H
