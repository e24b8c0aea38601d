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
    output, which holds the bias; with `fuse-epilogues`, a per-channel bias
    broadcast into the output by the op right before is added instead (that
    op goes), and an element-wise op right after that reads only the
    output (ReLU, clamp) is applied before the store (that op goes too);
    with `fuse-padding`, a zero-padded input (a zero fill and a copy into
    its interior) is read from the unpadded tensor with bounds checks
    instead (the fill and the copy go), unless something written between
    the copy and the convolution may overlap that tensor.

    With `quad-elementwise`, an element-wise op (all loops parallel) whose
    innermost loop covers a multiple of 4 points, with every output and
    every input that depends on that loop indexed by it in its innermost
    dimension and 16-byte aligned in groups of 4, runs a thread per 4
    consecutive points: 16-byte vector loads and stores, the other inputs
    read once, the body applied lane by lane.

    Ops that reduce 64 or more elements into each output (the SE squeeze,
    the excitation FCs, the classifier) with a combiner that has a neutral
    element are the other exception: a block per group of outputs, each
    thread reduces a strided slice of an output's reduction space, the
    partials meet in shared memory and one thread per output combines them
    with the output's initial value. Warp lanes run over 32 outputs when the
    inputs' innermost dimension is parallel (NHWC squeeze) and over the
    reduction when it is a reduction dimension (FC rows).

    With `per-image-kernels`, runs of two or more consecutive small ops
    that work image by image (first loop parallel over the batch, per-image
    slices of at most 16K elements, at most 4096 iterations per image: an SE
    block's fills, FCs and gate between its squeeze and its scale when its
    FCs have at most 4096 weights, such as 256 -> 16 -> 256) become one
    kernel with a block per image: the ops run in order with a block
    barrier after each, reductions of 64 or more elements with a warp per
    output (lanes over the reduction, partials in shared memory), the rest
    with a thread per output. A run ends where its ops could share memory
    through different buffers (the blocks run concurrently).

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
    Option<"fuseEpilogues", "fuse-epilogues", "bool", /*default=*/"true",
           "Let tiled convolutions start from the bias broadcast before them "
           "and apply the element-wise op after them (ReLU, clamp)">,
    Option<"fusePadding", "fuse-padding", "bool", /*default=*/"true",
           "Let tiled convolutions read the unpadded tensor that was copied "
           "into a zero-filled buffer, treating the border as zeros">,
    Option<"splitReductions", "split-reductions", "bool", /*default=*/"true",
           "Run ops that reduce 64 or more elements per output with a block "
           "per group of outputs and the reduction split across its threads "
           "(off: one thread per output)">,
    Option<"fuseSqueeze", "fuse-squeeze", "bool", /*default=*/"true",
           "Let tiled convolutions add their outputs to the SE squeeze that "
           "sums them, when its sums were zero-filled right before "
           "(se-gpu-prepare-squeeze-fusion)">,
    Option<"perImageKernels", "per-image-kernels", "bool", /*default=*/"true",
           "Run each run of two or more consecutive small ops that work "
           "image by image (an SE block's excitation) as one kernel with a "
           "block per image">,
    Option<"quadElementwise", "quad-elementwise", "bool", /*default=*/"true",
           "Run element-wise ops whose innermost loop covers whole groups "
           "of 4 with a thread per 4 points and 16-byte accesses">,
    Option<"gpuSMCount", "gpu-sm-count", "int64_t", /*default=*/"132",
           "Streaming multiprocessors of the target (tile sizes give each "
           "two blocks at least)">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def SEGPUPrepareSqueezeFusion
    : Pass<"se-gpu-prepare-squeeze-fusion", "::mlir::func::FuncOp"> {
  let summary = "Give each SE squeeze of a convolution zero sums before it";
  let description = [{
    For each SE squeeze (`out[n][c] += in[n][hw][c]` from a zero fill) of a
    convolution's collapsed NHWC output, replaces the squeeze's fill (on
    tensors often shared with other ops) by a zero fill of a new
    `bufferization.alloc_tensor`, placed right before the convolution (and
    the op that initializes its output, when that comes right before it).
    The sums then exist when the convolution runs, and
    `se-gpu-map-linalg-to-kernels` can accumulate the squeeze in the
    convolution kernel's epilogue.
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::linalg::LinalgDialect"];
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

def SEGPUSetOccupancy
    : Pass<"se-gpu-set-occupancy", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Ask for register budgets that fit several blocks per SM";
  let description = [{
    Sets `nvvm.minctasm` (PTX `.minnctapersm`) to `min-blocks` on every
    kernel `gpu.func` that has none, so that ptxas keeps each kernel's
    registers within what `min-blocks` of its blocks need to share a
    multiprocessor: 128 per thread for blocks of 256 threads. Without it
    the convolutions' 8 x 8 sub-tiles take up to 144 registers and one
    block per multiprocessor, and the other kernels' latency hides behind
    fewer warps. On an H200, 2 made SE-ResNet-50 11 % faster at batch 1
    and 1 % at batch 32 (a few 8 x 8 kernels spill a few bytes), 3 made
    8 x 8 tiles spill heavily. 0 leaves the kernels alone.
  }];
  let options = [
    Option<"minBlocks", "min-blocks", "int64_t", /*default=*/"2",
           "Blocks of each kernel that should fit one multiprocessor">,
  ];
  let dependentDialects = ["::mlir::NVVM::NVVMDialect"];
}

def SEGPUEmulateOnCPU
    : Pass<"se-gpu-emulate-on-cpu", "::mlir::ModuleOp"> {
  let summary = "Run GPU launches with CPU threads (OpenMP), for testing";
  let description = [{
    Replaces each `gpu.launch` (constant sizes, no async token) by a loop
    over its blocks in which an `omp.parallel` region with one thread per
    GPU thread runs the kernel body: `gpu.barrier` becomes `omp.barrier`,
    each workgroup attribution a stack buffer the team shares, thread ids
    come from `omp_get_thread_num`. The kernels' indexing, shared-memory
    staging and synchronization can then be tested numerically on a machine
    without a GPU (`se-compile --target=cuda-emulator`).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::omp::OpenMPDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def SEGPUUploadWeights
    : Pass<"se-gpu-upload-weights", "::mlir::ModuleOp"> {
  let summary = "Embed the weights blob and a function that copies it to the device";
  let description = [{
    After `se-externalize-weights`, the weights are a blob attribute on
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
