//===- Kernels.h - GPU kernels for particular linalg ops --------*- C++ -*-===//

#ifndef SE_LIB_CODEGEN_GPU_KERNELS_H
#define SE_LIB_CODEGEN_GPU_KERNELS_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <string>

namespace mlir::se {

struct KernelOptions {
  /// Streaming multiprocessors of the target GPU: tiles are chosen so that
  /// each gets at least two blocks.
  int64_t multiprocessors = 132;
  /// Reductions of fewer elements per output run one thread per output.
  int64_t minReduction = 64;
  /// Where gpu-kernel-outlining puts the kernel, and its name.
  std::string moduleName, kernelName;
};

/// Index arithmetic for kernel bodies.
class IndexMath {
public:
  explicit IndexMath(ImplicitLocOpBuilder &b) : b(b) {}

  Value index(int64_t value);
  Value add(Value x, Value y);
  Value mul(Value x, int64_t y);
  Value div(Value x, int64_t y);
  Value rem(Value x, int64_t y);
  /// x < y, unsigned.
  Value less(Value x, int64_t y);
  Value both(Value x, Value y);
  /// Splits `linear` over `extents` (the last fastest).
  SmallVector<Value> delinearize(Value linear, ArrayRef<int64_t> extents);
  /// The indices `map` gives for the loop indices `ivs`.
  SmallVector<Value> apply(AffineMap map, ArrayRef<Value> ivs);

protected:
  ImplicitLocOpBuilder &b;
};

/// Creates a `gpu.launch` of blocks x threads (x and y of the grid, x of
/// the block) named by `options`, with one workgroup buffer of each type
/// in `workgroup`, and sets `b` to insert at the start of its body.
gpu::LaunchOp createKernelLaunch(ImplicitLocOpBuilder &b, int64_t blocksX,
                                 int64_t blocksY, int64_t threads,
                                 TypeRange workgroup,
                                 const KernelOptions &options);

/// A buffer of `shape` in workgroup (shared) memory.
MemRefType getWorkgroupMemRefType(ArrayRef<int64_t> shape, Type elementType);

/// What a convolution kernel does with its sums besides adding them to the
/// output: start from a per-channel bias instead of the output's contents
/// (the op that broadcast the bias into the output is then not needed), and
/// apply an element-wise op with the output as its only input, storing its
/// result (the op is then not needed).
struct ConvEpilogue {
  /// memref<F x f32>, or null.
  Value bias;
  /// A generic op whose only input is the convolution's output, read and
  /// written one to one, or null.
  linalg::GenericOp elementwise;
};

/// Where a convolution reads its input: by default the input operand; with
/// `source`, the unpadded tensor that was copied into the interior of the
/// zero-filled input at (top, left): the kernel reads zeros outside it
/// (the fill and the copy are then not needed).
struct ConvInput {
  Value source;
  int64_t top = 0, left = 0;
};

/// Replaces a convolution on buffers by a launch of a tiled implicit-GEMM
/// kernel (ConvKernel.cpp), or fails, changing nothing, on shapes and
/// layouts it does not cover (dynamic or non-f32, dilation, F % 4 != 0,
/// filters or outputs not 16-byte aligned per group of 4 channels).
FailureOr<gpu::LaunchOp> mapConvToKernel(linalg::Conv2DNhwcHwcfOp conv,
                                         const KernelOptions &options,
                                         const ConvEpilogue &epilogue = {},
                                         const ConvInput &padding = {});

/// Replaces a generic op that reduces at least `minReduction` elements into
/// each output element with a combiner that has a neutral element (sum,
/// product, max, min) by a launch in which a block's threads split each
/// output's reduction and combine their partials in shared memory
/// (ReductionKernel.cpp); fails, changing nothing, otherwise.
FailureOr<gpu::LaunchOp> mapReductionToKernel(linalg::GenericOp op,
                                              const KernelOptions &options);

} // namespace mlir::se

#endif // SE_LIB_CODEGEN_GPU_KERNELS_H
