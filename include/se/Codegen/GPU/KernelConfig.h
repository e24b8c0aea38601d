//===- KernelConfig.h - block and tile choices for GPU kernels --*- C++ -*-===//
//
// How the GPU kernels are shaped, apart from the code that builds them
// (ConvKernel.cpp, ReductionKernel.cpp): the convolutions' register tiles
// and the reductions' split of a block between outputs and slices of the
// reduction, from the op's sizes and the GPU's multiprocessor count.
//
//===----------------------------------------------------------------------===//

#ifndef SE_CODEGEN_GPU_KERNELCONFIG_H
#define SE_CODEGEN_GPU_KERNELCONFIG_H

#include <cstdint>

namespace mlir::se {

/// The tiles of a convolution run as an implicit GEMM (M = N x OH x OW
/// output positions, F output channels): a block of 256 threads computes an
/// edge x edge tile of the output, each thread a subTile x subTile part of
/// it, over steps of `depth` reduction elements staged in shared memory.
struct ConvTileConfig {
  int64_t subTile;

  int64_t edge() const { return 16 * subTile; }
  int64_t depth() const { return 64 / subTile; }
  static constexpr int64_t kThreads = 256;
};

/// The largest sub-tile (8, 4, else 2) that divides `filters` (a thread's
/// columns are in or out together), is no wider than them and still gives
/// every one of `multiprocessors` two blocks.
ConvTileConfig selectConvTile(int64_t positions, int64_t filters,
                              int64_t multiprocessors);

/// How a block splits a reduction of many elements per output: `rows`
/// warps of 32 lanes; the lanes go over 32 outputs (the operands'
/// innermost dimension is a parallel one: the NHWC squeeze's channels) or
/// over 32 slices of the reduction (it is a reduction one: FC rows).
struct ReductionConfig {
  bool lanesOverReduction;
  int64_t rows;

  int64_t threads() const { return 32 * rows; }
  int64_t outputsPerBlock() const { return lanesOverReduction ? rows : 32; }
  int64_t slices() const { return lanesOverReduction ? 32 : rows; }
};

/// 8 rows, or with lanes over outputs 32 rows when blocks of 32 outputs
/// would leave some of `multiprocessors` without two blocks.
ReductionConfig selectReductionConfig(int64_t outputs, bool lanesOverReduction,
                                      int64_t multiprocessors);

} // namespace mlir::se

#endif // SE_CODEGEN_GPU_KERNELCONFIG_H
