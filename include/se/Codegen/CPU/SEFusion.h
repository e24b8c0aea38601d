//===- SEFusion.h - shared pieces of the SE fusion passes -------*- C++ -*-===//
//
// The SE fusion passes match the NHWC linalg form convert-se-to-linalg
// builds, tile a producer or reader of a feature map into a loop over
// (image, output row) and fuse chosen ops into it.
//
//===----------------------------------------------------------------------===//

#ifndef SE_CODEGEN_CPU_SEFUSION_H
#define SE_CODEGEN_CPU_SEFUSION_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace mlir::se {

/// True for the collapse of an NHWC feature map's spatial dimensions
/// (N x H x W x C to N x HW x C) that convert-se-to-linalg builds.
bool collapsesNHWCSpatial(ArrayRef<ReassociationIndices> reassociation);

/// The map from a `rank`-loop iteration space over an NHWC (or collapsed
/// N x HW x C) tensor to its N x C gate or squeeze: (d0, d[rank-1]).
AffineMap imageChannelMap(unsigned rank, MLIRContext *context);

/// True if every loop of `op` is parallel and every indexing map is the
/// identity (linalg::isElementwise also admits broadcast inputs).
bool isElementwiseWithoutBroadcast(linalg::LinalgOp op);

/// True if `map` reads `type` per channel (the last loop): a tensor of that
/// one dimension, or one whose other dimensions are 1 (TOSA's
/// rank-preserving broadcasts, 1 x 1 x 1 x C: an integer convolution's
/// scale and bias).
bool readsPerChannel(AffineMap map, Type type);

/// True if every loop of `op` is parallel and every operand is read at
/// the same point (identity map) or per channel (readsPerChannel).
bool isElementwisePerChannel(linalg::LinalgOp op);

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

#endif // SE_CODEGEN_CPU_SEFUSION_H
