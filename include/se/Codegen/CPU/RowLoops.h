//===- RowLoops.h - loops over output rows for SE fusion --------*- C++ -*-===//
//
// The SE fusion passes tile an NHWC producer or consumer of a feature map
// into a loop over (image, output row) and fuse chosen ops into it.
//
//===----------------------------------------------------------------------===//

#ifndef SE_CODEGEN_CPU_ROWLOOPS_H
#define SE_CODEGEN_CPU_ROWLOOPS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace mlir::se {

/// Adds to `fusible` the ops that only initialize an output of `op` (a
/// fill, a bias broadcast: no reduction, at most one input of rank <= 1)
/// and have no other user.
void addOutputInitializers(linalg::LinalgOp op,
                           llvm::SmallPtrSetImpl<Operation *> &fusible);

/// Tiles `op` by 1 along its first two loops (image, output row) into
/// scf.for loops, fusing the producers in `fusible` (and only those).
FailureOr<scf::SCFTileAndFuseResult>
tileByRows(RewriterBase &rewriter, linalg::LinalgOp op,
           const llvm::SmallPtrSetImpl<Operation *> &fusible);

/// Marks the outermost of `loops` with more than one iteration as the
/// parallel tile loop (and no other).
void markParallelRows(ArrayRef<LoopLikeOpInterface> loops);

} // namespace mlir::se

#endif // SE_CODEGEN_CPU_ROWLOOPS_H
