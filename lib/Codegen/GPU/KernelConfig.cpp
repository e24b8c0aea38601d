//===- KernelConfig.cpp - block and tile choices for GPU kernels ----------===//

#include "se/Codegen/GPU/KernelConfig.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::se;

ConvTileConfig mlir::se::selectConvTile(int64_t positions, int64_t filters,
                                        int64_t multiprocessors) {
  for (int64_t candidate : {8, 4}) {
    ConvTileConfig config{candidate};
    int64_t blocks = llvm::divideCeil(positions, config.edge()) *
                     llvm::divideCeil(filters, config.edge());
    if (filters % candidate == 0 && filters >= config.edge() &&
        blocks >= 2 * multiprocessors)
      return config;
  }
  return ConvTileConfig{2};
}

ReductionConfig mlir::se::selectReductionConfig(int64_t outputs,
                                                bool lanesOverReduction,
                                                int64_t multiprocessors) {
  ReductionConfig config{lanesOverReduction, 8};
  if (!lanesOverReduction &&
      static_cast<int64_t>(llvm::divideCeil(outputs, 32)) < 2 * multiprocessors)
    config.rows = 32;
  return config;
}
