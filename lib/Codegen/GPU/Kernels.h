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

/// Emits `op` at one point of its parallel loops (`ivs[i]` the index of
/// loop `parallelDims[i]`), its reduction loops whole: a clone on subviews,
/// lowered later by convert-linalg-to-loops.
void emitOpAtPoint(ImplicitLocOpBuilder &b, linalg::LinalgOp op,
                   ArrayRef<unsigned> parallelDims, ArrayRef<Value> ivs);

/// Whether `value`'s layout keeps every 4-float group of its innermost
/// dimension 16-byte aligned (given a 16-byte aligned base).
bool isQuadAligned(Value value);

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
  /// memref<N x F> sums, zero when the kernel runs, to which it adds every
  /// output it stores (the SE squeeze of the result), or null. Needs
  /// OH * OW >= 8.
  Value squeeze;
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

/// Replaces an element-wise op on buffers (all loops parallel, no
/// linalg.index) whose innermost loop runs over a multiple of 4 elements by
/// a launch in which each thread computes 4 consecutive points of that loop
/// with 16-byte loads and stores: every output and every input that the
/// innermost loop indexes must index it in its innermost dimension and be
/// quad-aligned; the other inputs are read once per thread
/// (ElementwiseKernel.cpp). Fails, changing nothing, otherwise.
FailureOr<gpu::LaunchOp>
mapElementwiseToQuadKernel(linalg::LinalgOp op, int64_t blockSize,
                           const KernelOptions &options);

/// Replaces a generic op that reduces at least `minReduction` elements into
/// each output element with a combiner that has a neutral element (sum,
/// product, max, min) by a launch in which a block's threads split each
/// output's reduction and combine their partials in shared memory
/// (ReductionKernel.cpp); fails, changing nothing, otherwise.
FailureOr<gpu::LaunchOp> mapReductionToKernel(linalg::GenericOp op,
                                              const KernelOptions &options);

/// The batch N when `op` works image by image: its first loop is parallel
/// over N, every operand that depends on it is indexed by it in its first
/// dimension only (image n's slice, at most 16K elements) and the others
/// are only read; and it iterates at most 2^19 times per image. Otherwise
/// nothing.
std::optional<int64_t> getPerImageBatch(linalg::LinalgOp op);

/// Replaces `run`, consecutive ops that work image by image on `batch`
/// images and that may share memory only through the very same buffers, by
/// one launch of a block of `threads` per image that runs them in order
/// with a barrier after each (PerImageKernel.cpp). Ops that reduce at least
/// `minReduction` elements per output with a neutral-element combiner give
/// each output to a warp.
FailureOr<gpu::LaunchOp> mapPerImageOpsToKernel(ArrayRef<linalg::LinalgOp> run,
                                                int64_t batch, int64_t threads,
                                                const KernelOptions &options);

/// Whether `op` sums an N x HW x C view of an NHWC feature map over HW
/// into N x C, `out[n][c] += in[n][hw][c]` (an SE squeeze; on tensors or
/// buffers).
bool isSpatialSum(linalg::GenericOp op);

/// A reduction `out = combiner(f(inputs), out)` whose combiner has a
/// neutral element (sum, product, max, min), so that it can be split into
/// partials.
struct Reduction {
  Operation *combiner;
  TypedAttr neutral;
};
std::optional<Reduction> matchSplittableReduction(linalg::GenericOp op);

/// Emits the partial of one thread at the point `ivs` of `op`'s loops (the
/// reduction loops' entries are ignored): the reduction indices `slice`,
/// `slice + slices`, ... combined from the neutral element.
Value emitReductionSlice(ImplicitLocOpBuilder &b, linalg::GenericOp op,
                         const Reduction &reduction, ArrayRef<Value> ivs,
                         Value slice, int64_t slices);

/// When `condition` holds, folds the partials `partial(0)`, ...,
/// `partial(count - 1)` into `op`'s output element at the point `ivs`,
/// from its current value. `b` continues after the guard.
void emitCombinePartials(ImplicitLocOpBuilder &b, linalg::GenericOp op,
                         const Reduction &reduction, ArrayRef<Value> ivs,
                         Value condition, int64_t count,
                         function_ref<Value(int64_t)> partial);

/// The product of `ranges` over `dims`; `extents` gets each.
int64_t collectExtents(ArrayRef<int64_t> ranges, ArrayRef<unsigned> dims,
                       SmallVectorImpl<int64_t> &extents);

} // namespace mlir::se

#endif // SE_LIB_CODEGEN_GPU_KERNELS_H
