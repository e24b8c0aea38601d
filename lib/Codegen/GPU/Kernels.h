//===- Kernels.h - GPU kernels for particular linalg ops --------*- C++ -*-===//

#ifndef SE_LIB_CODEGEN_GPU_KERNELS_H
#define SE_LIB_CODEGEN_GPU_KERNELS_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <string>

namespace mlir::se {

struct KernelOptions {
  /// Streaming multiprocessors of the target GPU: tiles are chosen so that
  /// each gets at least two blocks.
  int64_t multiprocessors = 132;
  /// Where gpu-kernel-outlining puts the kernel, and its name.
  std::string moduleName, kernelName;
};

/// Replaces a convolution on buffers by a launch of a tiled implicit-GEMM
/// kernel (ConvKernel.cpp), or fails, changing nothing, on shapes and
/// layouts it does not cover (dynamic or non-f32, dilation, F % 4 != 0,
/// filters or outputs not 16-byte aligned per group of 4 channels).
FailureOr<gpu::LaunchOp> mapConvToKernel(linalg::Conv2DNhwcHwcfOp conv,
                                         const KernelOptions &options);

} // namespace mlir::se

#endif // SE_LIB_CODEGEN_GPU_KERNELS_H
