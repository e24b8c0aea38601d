//===- Strategy.cpp - tile sizes for CPU code generation ------------------===//

#include "se/Codegen/CPU/Strategy.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::se;

/// A tile of about this many f32 elements keeps 16 vector registers of
/// AVX-512 busy: enough independent work to hide load and FMA latency.
static constexpr int64_t kRegistersPerTile = 16;

bool mlir::se::hasLargeFilter(linalg::LinalgOp op) {
  if (!isa<linalg::ConvolutionOpInterface>(op.getOperation()) ||
      op.getNumDpsInputs() < 2)
    return false;
  auto filter = dyn_cast<ShapedType>(op.getDpsInputs()[1].getType());
  return filter && filter.hasStaticShape() &&
         filter.getNumElements() * (filter.getElementTypeBitWidth() / 8) >
             kResidentFilterBytes;
}

int64_t mlir::se::pickTileSize(int64_t range, int64_t target,
                               int64_t multiple) {
  target = std::max<int64_t>(1, target);
  multiple = std::max<int64_t>(1, multiple);
  if (range <= target)
    return range;
  for (int64_t size = target / multiple * multiple; size >= multiple;
       size -= multiple)
    if (range % size == 0)
      return size;
  return std::max(multiple, target / multiple * multiple);
}

TilingPlan mlir::se::selectTilingPlan(linalg::LinalgOp op, int64_t vectorWidth,
                                      ArrayRef<int64_t> overrides) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t rank = ranges.size();
  TilingPlan plan;
  plan.tileSizes.assign(rank, 0);
  plan.vectorSizes = ranges;
  if (rank == 0)
    return plan;

  // Convolutions in NHWC / HWCF, loops (n, oh, ow, f, kh, kw, c): an
  // output tile of a few positions x a few registers of channels, one filter
  // row and column at a time (so the tile decomposes into a 1-D
  // convolution) and 16 input channels per step. With AVX-512's 32
  // registers: 7 positions (ResNet's maps are 7 x 2^k wide) x 4 registers,
  // 28 accumulators, the 4 filter registers and the input broadcast folded
  // into the FMAs; with 16 registers: 8 x 2.
  if (isa<linalg::Conv2DNhwcHwcfOp>(op.getOperation()) && rank == 7) {
    bool manyRegisters = vectorWidth >= 16;
    SmallVector<int64_t> sizes = {
        1,
        1,
        pickTileSize(ranges[2], manyRegisters ? 7 : 8, 1),
        pickTileSize(ranges[3], (manyRegisters ? 4 : 2) * vectorWidth,
                     vectorWidth),
        1,
        1,
        pickTileSize(ranges[6], 16, 1)};
    for (int64_t d = 0; d < rank; ++d) {
      plan.vectorSizes[d] = sizes[d];
      plan.tileSizes[d] =
          sizes[d] == ranges[d] && d != 1 && d != 4 ? 0 : sizes[d];
    }
    return plan;
  }

  // The innermost loop walks the contiguous dimension: give it a few vector
  // registers, then spend the rest of the tile's budget on the outer loops,
  // innermost first.
  int64_t budget = vectorWidth * kRegistersPerTile;
  SmallVector<int64_t> sizes(rank, 1);
  // A short innermost loop is taken whole (one row of at most a tile's
  // budget) rather than cut into a few full tiles and a small peeled rest.
  sizes[rank - 1] =
      ranges[rank - 1] <= budget
          ? ranges[rank - 1]
          : pickTileSize(ranges[rank - 1], 4 * vectorWidth, vectorWidth);
  budget = std::max<int64_t>(1, budget / sizes[rank - 1]);
  for (int64_t d = rank - 2; d >= 0; --d) {
    sizes[d] = pickTileSize(ranges[d], budget, 1);
    budget = std::max<int64_t>(1, budget / sizes[d]);
  }

  int64_t firstOverride = rank - static_cast<int64_t>(overrides.size());
  for (auto [i, size] : llvm::enumerate(overrides)) {
    int64_t d = firstOverride + static_cast<int64_t>(i);
    if (d >= 0 && size > 0)
      sizes[d] = std::min(size, ranges[d]);
  }

  for (int64_t d = 0; d < rank; ++d) {
    plan.vectorSizes[d] = sizes[d];
    plan.tileSizes[d] = sizes[d] == ranges[d] ? 0 : sizes[d];
  }
  return plan;
}
