//===- Strategy.h - tiling and blocking choices for CPU code ----*- C++ -*-===//
//
// The CPU strategy, apart from the fixed pass order of the pipeline: tile
// and vector sizes per linalg op from its loop ranges and iterators, and how
// each convolution is blocked on the microkernels (registers, positions,
// filter walk, Winograd chunks) from its shape and the vector width.
//
//===----------------------------------------------------------------------===//

#ifndef SE_CODEGEN_CPU_STRATEGY_H
#define SE_CODEGEN_CPU_STRATEGY_H

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

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

//===----------------------------------------------------------------------===//
// Convolution microkernels (se-cpu-conv-microkernels)
//===----------------------------------------------------------------------===//

/// Static sizes of an NHWC convolution. A grouped convolution reads
/// `channels` input channels of its group per output channel: input channel
/// g * channels + c for the `filters / groups` output channels of group g.
struct ConvShape {
  int64_t batch, inputH, inputW, channels;
  int64_t outputH, outputW, filters;
  int64_t kernelH, kernelW, strideH, strideW;
  int64_t groups = 1;

  int64_t groupFilters() const { return filters / groups; }

  int64_t filterBytes() const {
    return kernelH * kernelW * channels * filters * 4;
  }
};

/// How one convolution is blocked.
struct MicrokernelPlan {
  /// f32 lanes per vector register.
  int64_t lanes;
  /// Vector registers of output channels per tile; the filter block is
  /// `lanes * registers` channels wide.
  int64_t registers;
  /// Output positions per full tile, counted row-major over the output's
  /// rows and columns; a narrower tile takes the rest.
  int64_t positions;
  /// Input channels per iteration of the innermost loop.
  int64_t channelUnroll;
  /// Groups narrower than a vector (a vector spans several groups, each
  /// with as many input as output channels; depthwise: one each): per
  /// filter tap the tile loads each position's input vector, and for each
  /// input channel c of a group, shuffles every group's channel c across
  /// the group's lanes and multiplies it with the filter vector of c.
  /// Otherwise the filter block lies in one group, whose input channels
  /// are broadcast one by one.
  bool groupShuffle = false;
  /// Loop over filter blocks outside the loop over tiles: for a filter
  /// that does not stay in L2 (see `prefetchNextBlock`), and for outputs
  /// of a few tiles (7 x 7 maps: 4 tiles, but 36 blocks of 1152 filters),
  /// whose outermost loop then splits evenly over the threads.
  bool filterBlocksOutermost;
  /// The filter is larger than kResidentFilterBytes: a block is read from
  /// the cache for every tile instead of the whole filter streaming from
  /// memory once per tile, and each tile prefetches its share of the next
  /// block into L2, so that the block's stream from memory spreads over all
  /// the tiles instead of stalling the first.
  bool prefetchNextBlock;
  /// The output channels the filter blocks cover: the filters rounded up
  /// to whole vectors (zero filter columns), so that an ungrouped
  /// convolution whose filters are not whole vectors (440 = 27.5 AVX-512
  /// vectors) runs on full-width registers; the last vector of the last
  /// block is then partial, and its reads and writes of the output are
  /// masked.
  int64_t paddedFilters;

  int64_t blockWidth() const { return lanes * registers; }
  int64_t blocks() const { return paddedFilters / blockWidth(); }
};

/// How many input channels ahead a microkernel's filter reads prefetch:
/// 8 KiB at 2 registers of 16 lanes, two pages beyond the one being read
/// (hardware prefetchers stop at page boundaries).
inline constexpr int64_t kPrefetchChannels = 64;

/// The vector registers a plan may use.
struct VectorRegisters {
  /// f32 lanes per register.
  int64_t lanes;
  /// Registers in the file: 32 with AVX-512, 16 with AVX2.
  int64_t count;
  /// Registers the microkernel's step needs besides its accumulators,
  /// filter vectors and broadcast input (a product that does not
  /// accumulate in place, a constant).
  int64_t reserved = 0;
};

/// The register file of a CPU whose widest f32 vectors have `lanes` lanes.
inline VectorRegisters vectorRegistersFor(int64_t lanes) {
  return {lanes, lanes >= 16 ? 32 : 16};
}

/// The blocking of `shape` on `registers`; nullopt if its filters (or
/// groups) are not whole registers. With `padFilters`, an ungrouped
/// convolution's filters are rounded up to whole registers instead.
std::optional<MicrokernelPlan> planMicrokernel(const ConvShape &shape,
                                               VectorRegisters registers,
                                               bool padFilters = false);
inline std::optional<MicrokernelPlan> planMicrokernel(const ConvShape &shape,
                                                      int64_t lanes) {
  return planMicrokernel(shape, vectorRegistersFor(lanes));
}

/// The blocking of `shape` on a CPU whose widest f32 vectors have
/// `lanes` lanes: with its full vectors where the filters are whole
/// vectors; else, for an ungrouped convolution with more than one vector
/// of filters, full vectors over filters padded to whole vectors (at most
/// half a vector of waste: 440 -> 448, 104 -> 112, 24 -> 32 with AVX-512);
/// else (RegNetY's groups of 8 and 24 channels, 8 filters with AVX-512)
/// vectors half as wide and the same register file; else padded full
/// vectors. The step keeps `reservedRegisters` more registers.
std::optional<MicrokernelPlan> planConvolution(const ConvShape &shape,
                                               int64_t lanes,
                                               int64_t reservedRegisters = 0);

/// Output channels a matrix-vector product (a convolution of one output
/// position: an SE block's fully connected layer, the classifier at batch
/// 1) pads its `columns` to, in whole vectors: each filter block then
/// holds as many registers as the register file affords independent
/// accumulators (with one position, a tile of P x 2 would leave the FMAs
/// waiting on two dependency chains), with the fewest zero columns (168
/// columns: 11 registers of 16 lanes; 672: 6 blocks of 7).
int64_t paddedMatrixVectorColumns(int64_t columns, VectorRegisters registers);

/// How a convolution (an MBConv's projection, ungrouped) applies an SE
/// gate on its input.
enum class InputScaling {
  /// The gate scales a per-image copy of the packed filter before the
  /// loops: a pass over the filter per image, whose N copies must stay in
  /// cache.
  FilterPerImage,
  /// The gate scales each filter vector as a tile reads it: R multiplies
  /// per P x R FMAs in every tile (a narrow filter's projection at 56 x 56
  /// takes 1.5x as long).
  OnTheFly,
  /// The gate is not folded into the convolution: the SE block's scale
  /// writes s * U first, which the convolution reads. Cheapest when the
  /// map has fewer positions than the filter has (padded) output channels
  /// (P < F': 7 x 7 projections).
  Materialized,
};

/// The cheapest InputScaling for `shape` under `plan`.
InputScaling chooseInputScaling(const ConvShape &shape,
                                const MicrokernelPlan &plan);

/// Whether the convolution takes the Winograd form: ungrouped, 3x3, stride
/// 1, an output of even height and width (whole 2x2 tiles), channels in
/// whole vectors.
bool takesWinograd(const ConvShape &shape, int64_t lanes);

/// The tiles per chunk of a Winograd convolution: all of them when its
/// transformed input and products fit in L2; else a divisor of the tile
/// count, a multiple of the microkernel's `positions`, whose share fits in
/// half of it (the three stages then run chunk by chunk, their
/// intermediates staying in cache).
int64_t winogradChunk(const ConvShape &shape, int64_t tiles, int64_t positions);

/// How a Winograd convolution runs its 16 products.
struct WinogradTiling {
  /// The products of one chunk of tiles as a convolution of 16 images of
  /// 1 x chunk pixels with a 1x1 filter per image.
  ConvShape products;
  MicrokernelPlan plan;
  /// Tiles per chunk (see winogradChunk).
  int64_t chunk;
};

/// The Winograd tiling of the convolution of `shape` (see takesWinograd):
/// the 16 products of each chunk of its 2x2 output tiles, and their plan.
std::optional<WinogradTiling> planWinogradTiling(const ConvShape &shape,
                                                 int64_t lanes);

} // namespace mlir::se

#endif // SE_CODEGEN_CPU_STRATEGY_H
