//===- Passes.td - se NVIDIA GPU code generation passes ----*- tablegen -*-===//

#ifndef SE_CODEGEN_GPU_PASSES_TD
#define SE_CODEGEN_GPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def SEGPUMapLinalgToKernels
    : Pass<"se-gpu-map-linalg-to-kernels", "::mlir::func::FuncOp"> {
  let summary = "Run every linalg op on buffers as one GPU kernel";
  let description = [{
    Each linalg op on buffers outside a `gpu.launch` becomes a `gpu.launch`
    of a one-dimensional grid: thread `i` computes the point `i` of the op's
    parallel iteration space (the innermost parallel dimension varies
    fastest across a warp, so NHWC feature maps and HWCF filters are read
    and written coalesced) and runs the op's reduction dimensions as a
    sequential loop. The thread's work is the op itself on subviews of its
    operands, lowered later by `convert-linalg-to-loops`. `memref.copy`
    becomes `linalg.copy` first so that copies run on the device too.

    Convolutions (`linalg.conv_2d_nhwc_hwcf`, f32, static) are the
    exception: they become tiled implicit GEMMs. A block of 256 threads
    computes a BM x BN tile of the output (output pixels x channels); per
    step along K = KH * KW * C it stages the gathered input tile and the
    filter tile in shared memory, and every thread accumulates a T x T
    sub-tile in registers (T = 8, 4 or 2: the largest that still gives each
    multiprocessor two blocks; BM = BN = 16 T). The result is added to the
    output, which holds the bias.

    Precondition: every memref the ops read or write is device memory
    (arguments, views of the workspace or the weights), with static shapes.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "Threads per block (a multiple of 32)">,
    Option<"tiledConvolutions", "tiled-convolutions", "bool",
           /*default=*/"true",
           "Run NHWC/HWCF convolutions as tiled implicit GEMMs with shared "
           "memory (off: one thread per output like any other op)">,
    Option<"multiprocessors", "multiprocessors", "int64_t", /*default=*/"132",
           "Streaming multiprocessors of the target (tile sizes give each "
           "two blocks at least)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def SEGPUAlignWorkgroupMemory
    : Pass<"se-gpu-align-workgroup-memory", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Align the shared memory of outlined kernels for vector access";
  let description = [{
    Workgroup attributions become shared-memory globals aligned only to
    their element type, but kernels read and write them with 16-byte
    vector accesses (`ld.shared.v4`). This pass sets `llvm.align` on every
    workgroup attribution of every `gpu.func` that has none.
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"16",
           "Alignment in bytes">,
  ];
}

def SEGPUUploadWeights
    : Pass<"se-gpu-upload-weights", "::mlir::ModuleOp"> {
  let summary = "Embed the weights blob and a function that copies it to the device";
  let description = [{
    After `se-cpu-externalize-weights`, the weights are a blob attribute on
    the module and a `memref<?xi8>` argument of the entry point, which on
    the GPU points to device memory. This pass embeds the blob as a
    constant global and adds `<entry>_weights_upload(memref<?xi8>)`, which
    copies it into the device buffer the caller allocated (the C API's
    create() calls it once).
  }];
  let dependentDialects = [
    "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect"
  ];
}

#endif // SE_CODEGEN_GPU_PASSES_TD
