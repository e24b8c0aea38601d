//===- Strategy.h - tile sizes for CPU code generation ----------*- C++ -*-===//
//
// Chooses tile and vector sizes per linalg op from its loop ranges and
// iterators, apart from the fixed pass order of the pipeline.
//
//===----------------------------------------------------------------------===//

#ifndef SE_CODEGEN_CPU_STRATEGY_H
#define SE_CODEGEN_CPU_STRATEGY_H

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "llvm/ADT/SmallVector.h"

namespace mlir::se {

/// The share of a core's L2 a convolution filter may take and stay resident
/// while the convolution walks its output: larger filters are walked one
/// block of output channels at a time (se-cpu-conv-microkernels), and their
/// convolutions are not split into rows (se-cpu-fuse-squeeze-into-producer),
/// which would stream the whole filter once per row.
inline constexpr int64_t kResidentFilterBytes = 1 << 20;

/// Whether `op` is a convolution whose filter is larger than
/// kResidentFilterBytes.
bool hasLargeFilter(linalg::LinalgOp op);

/// How one linalg op is tiled and vectorized.
struct TilingPlan {
  /// One entry per loop; 0 leaves the loop untiled.
  SmallVector<int64_t> tileSizes;
  /// Vector shape of one tile, one entry per loop: the tile size, or the
  /// whole loop range where the loop is not tiled.
  SmallVector<int64_t> vectorSizes;
};

/// Picks a tile size for a loop of `range` iterations, aiming at `target`:
/// the whole range when it fits, else the largest multiple of `multiple` not
/// above `target` that divides the range, else `target` rounded down to a
/// multiple of `multiple` (the last tile is partial).
int64_t pickTileSize(int64_t range, int64_t target, int64_t multiple);

/// The tiling plan of `op` for vectors of `vectorWidth` f32 lanes. Entries of
/// `overrides` (innermost loop last) replace the strategy's choice.
TilingPlan selectTilingPlan(linalg::LinalgOp op, int64_t vectorWidth,
                            ArrayRef<int64_t> overrides = {});

} // namespace mlir::se

#endif // SE_CODEGEN_CPU_STRATEGY_H
