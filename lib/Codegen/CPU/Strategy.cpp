//===- Strategy.cpp - tiling and blocking choices for CPU code ------------===//

#include "se/Codegen/CPU/Strategy.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <array>

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

/// The most accumulators of a one-position tile: the register file less
/// the broadcast input and room for the filter loads.
static int64_t maxMatrixVectorRegisters(VectorRegisters registers) {
  return registers.count >= 32 ? 12 : 8;
}

/// Registers per filter block of a one-position tile over `vectors` filter
/// vectors: all of them if they fit, else the largest divisor from half the
/// maximum up; 0 if none divides.
static int64_t matrixVectorRegisters(int64_t vectors,
                                     VectorRegisters registers) {
  int64_t most = maxMatrixVectorRegisters(registers);
  if (vectors <= most)
    return vectors;
  for (int64_t r = most; 2 * r >= most; --r)
    if (vectors % r == 0)
      return r;
  return 0;
}

int64_t mlir::se::paddedMatrixVectorColumns(int64_t columns,
                                            VectorRegisters registers) {
  int64_t vectors = llvm::divideCeil(columns, registers.lanes);
  int64_t most = maxMatrixVectorRegisters(registers);
  int64_t padded = vectors <= most ? vectors : INT64_MAX;
  for (int64_t r = most; 2 * r >= most; --r)
    padded = std::min<int64_t>(padded, llvm::alignTo(vectors, r));
  return padded * registers.lanes;
}

/// L1 data caches of the x86-64 cores the pipeline targets (Skylake to
/// Sapphire Rapids, Zen 1 to 5): 64 sets of 64-byte lines, at least 8 ways.
static constexpr int64_t kL1Sets = 64, kL1Ways = 8, kLineBytes = 64;

/// The widest tile of at most `most` positions whose inputs at one filter
/// tap do not crowd one L1 set: a tile reads one line per position for
/// every 16 input channels, and where pixels lie a multiple of 4 KiB apart
/// (1024 channels, or 512 at stride 2) all of those lines share a set.
/// More lines than the set has ways evict each other before their next
/// channels are read: SE-ResNet-50's 1x1 convolutions over 1024 channels
/// ran 1.3x slower with 14 positions per tile than with 8 (Zen 4).
static int64_t widestTileWithoutSetConflicts(const ConvShape &shape,
                                             int64_t most) {
  int64_t pixelBytes = shape.channels * shape.groups * 4;
  for (int64_t positions = most; positions > 1; --positions) {
    std::array<int64_t, kL1Sets> linesPerSet{};
    int64_t crowded = 0;
    for (int64_t p = 0; p < positions; ++p) {
      int64_t row = p / shape.outputW, column = p % shape.outputW;
      int64_t offset =
          (row * shape.strideH * shape.inputW + column * shape.strideW) *
          pixelBytes;
      crowded = std::max(crowded, ++linesPerSet[offset / kLineBytes % kL1Sets]);
    }
    if (crowded <= kL1Ways)
      return positions;
  }
  return 1;
}

std::optional<MicrokernelPlan>
mlir::se::planMicrokernel(const ConvShape &shape, VectorRegisters registers,
                          bool padFilters) {
  int64_t lanes = registers.lanes;
  if (lanes < 4 || (padFilters && shape.groups != 1) ||
      (!padFilters && shape.filters % lanes != 0))
    return std::nullopt;
  MicrokernelPlan plan;
  plan.lanes = lanes;
  plan.paddedFilters = llvm::alignTo(shape.filters, lanes);
  // P x R accumulators, R filter vectors and one broadcast input must fit
  // the register file: 14 x 2 (31 of 32) or 6 x 2 (15 of 16). Two filter
  // vectors per 14 positions also halve the filter bandwidth of a 7 x 4
  // tile.
  bool manyRegisters = registers.count >= 32;
  int64_t vectors = plan.paddedFilters / lanes;
  plan.registers = vectors % 2 == 0 ? 2 : 1;
  int64_t groupFilters = shape.groupFilters();
  if (shape.groups > 1) {
    if (groupFilters % lanes == 0) {
      // A filter block must not straddle two groups. Three registers for
      // groups of three vectors (RegNetY's 24 channels on 8 lanes): one
      // broadcast per 3 FMAs instead of one per FMA.
      int64_t groupVectors = groupFilters / lanes;
      plan.registers = groupVectors % 2 == 0   ? 2
                       : groupVectors % 3 == 0 ? 3
                                               : 1;
    } else if (lanes % groupFilters == 0 && shape.channels == groupFilters) {
      plan.groupShuffle = true;
    } else {
      return std::nullopt;
    }
  }
  int64_t positions = shape.outputH * shape.outputW;
  if (positions == 1 && shape.groups == 1)
    if (int64_t r = matrixVectorRegisters(vectors, registers))
      plan.registers = r;
  int64_t accumulators = registers.count - 4 - registers.reserved;
  int64_t maxPositions =
      std::min<int64_t>(accumulators / plan.registers, manyRegisters ? 14 : 12);
  // The input vector and its shuffle take two more registers.
  if (plan.groupShuffle)
    maxPositions = std::min<int64_t>(maxPositions, manyRegisters ? 12 : 5);
  // The widest tile that divides the output positions if one is nearly as
  // wide; else the widest, and a narrower tile for the rest.
  maxPositions = widestTileWithoutSetConflicts(shape, maxPositions);
  plan.positions = std::min(maxPositions, positions);
  for (int64_t p = plan.positions; 4 * p >= 3 * plan.positions; --p)
    if (positions % p == 0) {
      plan.positions = p;
      break;
    }
  // Two tiles with a small rest (16 positions: 14 + 2, whose 4 accumulators
  // wait on the FMA latency) split evenly instead (8 + 8).
  int64_t rest = positions % plan.positions;
  if (positions <= 2 * plan.positions && rest != 0 &&
      2 * rest < plan.positions && positions % 2 == 0)
    plan.positions = positions / 2;
  if (shape.channels <= 4)
    plan.channelUnroll = shape.channels;
  else if (shape.channels % 4 == 0)
    plan.channelUnroll = 4;
  else if (shape.channels % 2 == 0)
    plan.channelUnroll = 2;
  else
    plan.channelUnroll = 1;
  plan.prefetchNextBlock = shape.filterBytes() > kResidentFilterBytes;
  int64_t tiles = shape.batch * llvm::divideCeil(positions, plan.positions);
  plan.filterBlocksOutermost =
      plan.prefetchNextBlock || (tiles <= 4 && plan.blocks() >= 2 * tiles);
  return plan;
}

std::optional<MicrokernelPlan>
mlir::se::planConvolution(const ConvShape &shape, int64_t lanes,
                          int64_t reservedRegisters) {
  VectorRegisters registers = vectorRegistersFor(lanes);
  registers.reserved = reservedRegisters;
  if (std::optional<MicrokernelPlan> plan = planMicrokernel(shape, registers))
    return plan;
  int64_t waste = llvm::alignTo(shape.filters, lanes) - shape.filters;
  if (shape.filters > lanes && 2 * waste <= lanes)
    if (std::optional<MicrokernelPlan> plan =
            planMicrokernel(shape, registers, /*padFilters=*/true))
      return plan;
  if (lanes >= 16) {
    VectorRegisters half = registers;
    half.lanes = lanes / 2;
    if (std::optional<MicrokernelPlan> plan = planMicrokernel(shape, half))
      return plan;
  }
  return planMicrokernel(shape, registers, /*padFilters=*/true);
}

InputScaling mlir::se::chooseInputScaling(const ConvShape &shape,
                                          const MicrokernelPlan &plan) {
  int64_t positions = shape.outputH * shape.outputW;
  int64_t tiles = llvm::divideCeil(positions, plan.positions);
  int64_t copyBytes = shape.batch * shape.kernelH * shape.kernelW *
                      shape.channels * plan.paddedFilters * 4;
  // Measured on EfficientNet-B0 (Zen 5): the copy pays from 4 tiles per
  // image (56 x 56 and 14 x 14 projections: 1.6x and 1.1x faster). A 7 x 7
  // projection's 885 KB copy is 1.2x slower than reading as it goes, and
  // (Zen 4) writing s * U first makes its 7 x 7 projections 1.1-1.4x
  // faster than either: P x C multiplies instead of tiles x F' x C (every
  // tile scales every filter vector), and the convolution reads its input
  // from L1/L2 as it was just written. At 14 x 14 (P > F') the copy stays
  // 1.1x faster than writing s * U.
  if (tiles >= 4 && copyBytes <= kResidentFilterBytes / 2)
    return InputScaling::FilterPerImage;
  if (positions < plan.paddedFilters)
    return InputScaling::Materialized;
  return InputScaling::OnTheFly;
}

bool mlir::se::takesWinograd(const ConvShape &shape, int64_t lanes) {
  // An odd output side takes one more row or column of tiles, half of it
  // discarded: 7 x 7 outputs compute 8 x 8 (1.31x the outputs for 2.25x
  // fewer multiplies), while a single row (a convolution split into rows)
  // or 3 x 3 would waste more than half as much again.
  int64_t computed =
      llvm::alignTo(shape.outputH, 2) * llvm::alignTo(shape.outputW, 2);
  return shape.groups == 1 && shape.kernelH == 3 && shape.kernelW == 3 &&
         shape.strideH == 1 && shape.strideW == 1 &&
         2 * computed <= 3 * shape.outputH * shape.outputW &&
         shape.channels % lanes == 0 && shape.filters % lanes == 0;
}

int64_t mlir::se::winogradChunk(const ConvShape &shape, int64_t tiles,
                                int64_t positions) {
  int64_t bytesPerTile = 16 * (shape.channels + shape.filters) * 4;
  if (tiles * bytesPerTile <= 2 * kResidentFilterBytes)
    return tiles;
  for (int64_t chunk = kResidentFilterBytes / bytesPerTile; chunk >= positions;
       --chunk)
    if (tiles % chunk == 0 && chunk % positions == 0)
      return chunk;
  return tiles;
}

std::optional<WinogradTiling>
mlir::se::planWinogradTiling(const ConvShape &shape, int64_t lanes) {
  int64_t tiles = shape.batch * llvm::divideCeil(shape.outputH, 2) *
                  llvm::divideCeil(shape.outputW, 2);
  auto productShape = [&](int64_t count) {
    return ConvShape{16, 1, count, shape.channels, 1, count, shape.filters, 1,
                     1,  1, 1};
  };
  std::optional<MicrokernelPlan> all =
      planMicrokernel(productShape(tiles), lanes);
  if (!all)
    return std::nullopt;
  int64_t chunk = winogradChunk(shape, tiles, all->positions);
  ConvShape products = productShape(chunk);
  std::optional<MicrokernelPlan> plan = planMicrokernel(products, lanes);
  // Per product, the filter blocks outside the tiles where a product has few
  // tiles (7 x 7 maps: 16) and many blocks: each block of U (a whole U is
  // C x F, 1 MiB at 512 x 512) is then read once, not once per tile.
  int64_t productTiles = llvm::divideCeil(chunk, plan->positions);
  plan->filterBlocksOutermost =
      productTiles <= 4 && plan->blocks() >= 2 * productTiles;
  plan->prefetchNextBlock = false;
  return WinogradTiling{products, *plan, chunk};
}
