//===- Passes.td - se CPU code generation passes -----------*- tablegen -*-===//

#ifndef SE_CODEGEN_CPU_PASSES_TD
#define SE_CODEGEN_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def SECPUIntegerConvolutions
    : Pass<"se-cpu-integer-convolutions", "::mlir::func::FuncOp"> {
  let summary = "Run quantized convolutions on 8-bit integers";
  let description = [{
    On the graph (TOSA and se ops, NHWC), finds the convolutions of a
    quantized (QDQ) model whose operands are 8-bit values dequantized,
    `tosa.conv2d(se.dequantize(x), se.dequantize(w), b)` with `x`
    quantized per tensor and `w` a constant of symmetric int8 codes (zero
    points 0, per tensor or per output channel), and computes them on the
    codes: `tosa.conv2d(x, w)` in i32 with x's zero point, then
    `acc * (s_x * s_w[f]) + b` in f32, which the float ops after the
    convolution (ReLU, the next quantization, a residual add) read as
    before. The microkernels run the i32 convolution with `vpdpbusd`
    where the CPU has VNNI, otherwise with `vpmaddwd` on bytes widened to
    16 bits (AVX2, AVX512BW; se-cpu-conv-microkernels). Depthwise
    convolutions with a channel multiplier of 1 (weights KH x KW x C x 1,
    per channel on axis 2) take the same rewrite to
    `tosa.depthwise_conv2d` in i32; their microkernel multiplies one
    widened input byte by one code per lane (`vpmovsxbd`, `vpmulld`).

    TOSA's integer convolutions read signed bytes: every `se.quantize` to
    u8 read only by `se.dequantize` is first rewritten to i8 with its zero
    points less 128 (the same dequantized values). The convolutions the
    microkernels cannot take (dilated, grouped, depthwise with a channel
    multiplier) stay float; input
    channels that are not a multiple of 4 (a stem's 3) are padded with the
    zero point's code (`tensor.pad`) and zero weights.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::tosa::TosaDialect"];
}

def SECPUTileAndVectorize
    : Pass<"se-cpu-tile-and-vectorize", "::mlir::func::FuncOp"> {
  let summary = "Tile linalg ops on tensors and vectorize the tiles";
  let description = [{
    Tiles every linalg op on tensors with `scf.for` loops, with tile sizes
    chosen per op from its shape, iterators and the target's vector width
    (see `se/Codegen/CPU/Strategy.h`), then vectorizes each tile. Tiles that
    do not divide a dimension are vectorized with masks, so partial tiles
    stay correct. An op that cannot be vectorized is left tiled; the loop
    lowering handles it later.

    Precondition: linalg ops on statically shaped tensors.
    Postcondition: vector transfers on tensors inside `scf.for` nests.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "Number of f32 lanes in one vector register (16: AVX-512, 8: AVX2)">,
    Option<"vectorize", "vectorize", "bool", /*default=*/"true",
           "Vectorize the tiles (off: tile only)">,
    ListOption<"tileSizes", "tile-sizes", "int64_t",
           "Tile sizes for every op, innermost loop last, overriding the "
           "strategy; missing trailing entries keep the strategy's choice">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def SECPUParallelizeTileLoops
    : Pass<"se-cpu-parallelize-tile-loops", "::mlir::func::FuncOp"> {
  let summary = "Run the outermost parallel tile loops on several threads";
  let description = [{
    `se-cpu-tile-and-vectorize` marks the outermost loop over tiles of a
    parallel dimension of each op with `se.parallel_tiles`. After
    bufferization such a loop carries no values, and its iterations write
    disjoint tiles: this pass rewrites it into `scf.parallel`, which
    `convert-scf-to-openmp` then distributes over the threads. Marked loops
    that still carry values stay serial, and so do loops with less work
    than `min-parallel-work` vector operations (counted over the loop's
    static trip counts): starting and joining a parallel region costs a
    few microseconds, more than the small layers of MobileNetV3 take.
  }];
  let options = [
    Option<"minParallelWork", "min-parallel-work", "int64_t",
           /*default=*/"se::kMinParallelVectorWork",
           "Vector operations a loop must run to be worth threads">
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

def SECPUPrivatizeThreadAllocas
    : Pass<"se-cpu-privatize-thread-allocas", "::mlir::func::FuncOp"> {
  let summary = "Give each OpenMP thread one copy of its tiles' stack buffers";
  let description = [{
    `convert-scf-to-openmp` wraps each parallel loop body in a
    `memref.alloca_scope`, which cannot hold the multi-block control flow
    that the body's inner loops become. This pass moves the statically
    sized `memref.alloca`s of such a scope to the entry of the enclosing
    `omp.parallel` region, which every thread runs once, so each thread
    owns one buffer that its tiles reuse, and inlines the scope.
  }];
  let dependentDialects = [
    "::mlir::memref::MemRefDialect",
    "::mlir::omp::OpenMPDialect"
  ];
}

def SECPUBatchEntry : Pass<"se-cpu-batch-entry", "::mlir::ModuleOp"> {
  let summary = "Add an entry point that runs any number of images";
  let description = [{
    For the model entry point `<name>` (the first public function with a
    body, after se-plan-workspace: tensors of batch 1, then the workspace
    `memref<?xi8>`, then, with external weights, the weights blob) adds
    `<name>_batch(n, tensors..., workspace[, weights])`: every tensor is
    the bytes of `n` images (`memref<?xi8>`), and each image runs through
    `<name>` on a `memref.view` of its bytes. The images are spread over
    the threads, one workspace slot of `<name>_workspace_bytes()` per
    thread, in rounds of as many images as threads (each image's own
    parallel loops then run on its thread alone); the images left over
    after the last full round run one at a time with the layers' loops
    split over the threads, as `<name>` runs them. The thread count is
    read from `<name>_num_threads` (created here with `threads` > 1, which
    se-cpu-runtime-thread-count then uses) and bounded by the slots the
    workspace holds. With one thread the images run in order.

    Precondition: every tensor argument is statically shaped with dimension
    0 of size 1, and each image's outputs depend on that image's inputs
    only (the compiler checks the graph before the pipeline).
  }];
  let options = [
    Option<"threads", "threads", "int64_t", /*default=*/"1",
           "The compile-time thread count (1: serial code)">,
    Option<"atRunTime", "at-run-time", "bool", /*default=*/"false",
           "The thread count's global starts at 0: OpenMP's default at run "
           "time (as se-cpu-runtime-thread-count at-run-time)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def SECPURuntimeThreadCount
    : Pass<"se-cpu-runtime-thread-count", "::mlir::ModuleOp"> {
  let summary = "Read the OpenMP thread count from a global the caller may set";
  let description = [{
    After `convert-scf-to-openmp`, every `omp.parallel` of a public function
    `<name>` takes its `num_threads` from a public global
    `<name>_num_threads : memref<i32>`, initialised to the compile-time
    count, instead of a constant. The generated C API sets it from the
    environment (`SE_NUM_THREADS`) and `se-run --threads`, so the thread
    count of a compiled model can change without recompiling. With
    `threads`, an entry point without parallel regions (all its loops too
    small for threads) gets the global too, initialised to `threads`.
    With `at-run-time` the global starts at 0, which every region reads as
    `omp_get_max_threads()`: the model runs on the CPUs the process may run
    on (or OMP_NUM_THREADS) unless told otherwise.
  }];
  let options = [
    Option<"threads", "threads", "int64_t", /*default=*/"0",
           "The compile-time thread count, for entry points without "
           "parallel regions (0: only functions with regions)">,
    Option<"atRunTime", "at-run-time", "bool", /*default=*/"false",
           "Initialise the global to 0: OpenMP's default team size at run "
           "time (OMP_NUM_THREADS, else the CPUs the process may run on)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def SECPUSimplifyDepthwise
    : Pass<"se-cpu-simplify-depthwise", "::mlir::func::FuncOp"> {
  let summary = "Depthwise convolutions with one filter per channel on NHWC";
  let description = [{
    TOSA lowers a depthwise convolution to
    `linalg.depthwise_conv_2d_nhwc_hwcm` (N x H x W x C x M) and reshapes its
    result to NHWC. With a channel multiplier M of 1 and a constant filter,
    this pass writes it as `linalg.depthwise_conv_2d_nhwc_hwc` on the NHWC
    tensors themselves (the filter re-made as KH x KW x C at compile time,
    a fill of the 5-D result as a fill of the 4-D one). An element-wise
    consumer (bias, SiLU) then reads the convolution directly, so that it
    fuses into the convolution's store, and the convolution tiles by output
    rows like any other producer of an SE block's feature map.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def SECPUConvMicrokernels
    : Pass<"se-cpu-conv-microkernels", "::mlir::func::FuncOp"> {
  let summary = "Lower convolutions to register-blocked FMA loops";
  let description = [{
    Replaces each `linalg.conv_2d_nhwc_hwcf` on static f32 tensors whose
    filter is a constant (and whose output channels fill whole vector
    registers) with `scf.for` loops over images, tiles of output positions
    (counted row-major over the output's rows and columns) and filter
    blocks. A tile holds P positions x R vector
    registers of output channels as accumulators for the whole reduction
    over (KH, KW, C): per input channel it loads R filter vectors,
    broadcasts P input values and issues P x R `vector.fma`s. The filter is
    re-laid out at compile time as [F / W][KH][KW][C][W] (W = R x lanes) so a
    tile reads its filter block contiguously.

    The accumulators start from the output's initializer (a fill, a
    per-channel bias broadcast, or any tensor), and a chain of element-wise
    `linalg.generic` consumers that each have the previous result as their
    only use (ReLU, the residual add) is applied to them before the one
    store; the fused consumers disappear. A constant padding that is the
    only user of the result (the next 3x3 convolution's or the pooling's
    input) is written in place: the loops write the interior of the filled,
    padded tensor (a `bufferization.alloc_tensor`, so that CSE does not merge
    equal fills into one buffer that bufferization would copy). Filters
    larger than 1 MiB put the loop over filter blocks outside the loop over
    tiles so each block stays in cache; each tile then prefetches its share
    of the next block into L2 (`memref.prefetch` through a read-only
    `bufferization.to_buffer` of the filter), so that the block's stream
    from memory spreads over all the tiles. The outermost
    loop with more than one iteration is marked for
    se-cpu-parallelize-tile-loops. Convolutions this pass does not take stay
    for se-cpu-tile-and-vectorize.

    A grouped `linalg.conv_2d_nhwgc_gfhwc` whose input is expanded from and
    whose result is collapsed to NHWC (the model zoo's and the importer's
    ResNeXt form) runs on the NHWC tensors the same way, its filter blocked
    as [F / W][KH][KW][C / G][W]. Groups of whole filter blocks broadcast
    their group's input channels; groups narrower than a vector with as
    many input as output channels (ResNeXt-50's 4 and 8) load one input
    vector per position and tap, and for each input channel c of the
    groups shuffle every group's channel c across the group's lanes
    (`vector.shuffle`) before the FMA. Its initializer may be a fill, a
    per-group bias broadcast (`linalg.broadcast`), or any tensor. A
    `linalg.depthwise_conv_2d_nhwc_hwcm` with a channel multiplier of 1
    (collapsed to NHWC, TOSA's form) is the same with groups of one
    channel: no shuffles.

    A `linalg.matmul` [M][K] x [K][N] (or a `linalg.batch_matmul` of batch
    1) with a constant right-hand side, the classifier, is first rewritten
    as a 1x1 convolution over [1][1][M][K]; N is padded with zero filter
    columns to whole filter blocks when it is not whole vectors (then only
    a fill initializer is taken), and the result is the first N channels.

    With `winograd`, a 3x3 convolution with stride 1 whose 2x2 output
    tiles cover at most 1.5x its outputs (odd sides: the last tiles read
    zeros past the input and write only inside the output) is computed as
    Winograd F(2x2, 3x3): a loop transforms each 4x4
    input patch (V = B^T d B, 16 vectors of channels per patch), the 16
    products V[k] x U[k], with the filter transformed at compile time
    (U = G g G^T), run on the same microkernels, and a loop transforms each
    2x2 output tile back (A^T M A) and applies the initializer and the fused
    consumers: 16 multiply-adds per tile and channel pair instead of 36.
    When V and the products would not fit in L2 (2 MiB), the three stages
    run on chunks of tiles in a serial loop.

    A `linalg.conv_2d_nhwc_fhwc_q` of signed bytes into i32 with a constant
    filter, a zero filter zero point and input channels in whole groups of
    four (se-cpu-integer-convolutions' form) takes the same loops with i32
    accumulators, in the form `int8-dot-product` names (`none`: such
    convolutions are left to se-cpu-tile-and-vectorize). Its filter is
    packed as [F / W][KH][KW][C / 4][W] words of four bytes. With
    `vpdpbusd` each step broadcasts four input bytes (offset by 128 to the
    unsigned bytes the instruction reads) and issues P x R dot products of
    four u8 x s8 pairs per i32 lane (extensions, a multiply and a
    `vector.multi_reduction` over groups of four, which se-cpu-lower-vectors
    turns into `vpdpbusd`); the accumulators start from the bias less (zero
    point + 128) times each filter's sum. With `vpmaddwd` each word block
    holds every lane's first pair of channels, then every lane's second,
    and a step runs twice over the positions: per pair, R filter vectors
    widened to 16 bits, one broadcast of the position's two input bytes
    widened to 16 bits, and P x R dot products of pairs (reduced over
    groups of two: `vpmaddwd` and an add); the accumulators start from the
    bias less the zero point times each filter's sum. The element-wise
    consumers fused into the store may change the element type (the
    accumulators scaled to f32, then quantized to 8 bits).
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "Number of f32 lanes in one vector register (16: AVX-512, 8: AVX2)">,
    Option<"winograd", "winograd", "bool", /*default=*/"true",
           "Compute 3x3 convolutions with stride 1 as Winograd F(2x2, 3x3)">,
    Option<"int8DotProduct", "int8-dot-product", "::mlir::se::Int8DotProduct",
           /*default=*/"::mlir::se::Int8DotProduct::None",
           "How integer convolutions multiply bytes at that width",
           [{::llvm::cl::values(
             clEnumValN(::mlir::se::Int8DotProduct::None, "none",
                        "no integer dot product at that width"),
             clEnumValN(::mlir::se::Int8DotProduct::Vpmaddwd, "vpmaddwd",
                        "pairs of 16-bit products (AVX2, AVX512BW)"),
             clEnumValN(::mlir::se::Int8DotProduct::Vpdpbusd, "vpdpbusd",
                        "groups of four u8 x s8 products (AVX512-VNNI, "
                        "AVX-VNNI)"))}]>,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def SECPUPrefetchFilters
    : Pass<"se-cpu-prefetch-filters", "::mlir::func::FuncOp"> {
  let summary = "Prefetch the convolution filters the microkernels stream";
  let description = [{
    In each loop over input channels that se-cpu-conv-microkernels marked
    (`se.prefetch_ahead = N`), after bufferization, adds before every
    vector read from a memref (the filter's) a `memref.prefetch` of the same
    memref N input channels ahead. A filter streams from memory
    on a convolution's first tile, and the hardware prefetchers stop at
    every 4 KiB page; the prefetch keeps the stream ahead across pages.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect"
  ];
}

def SECPUFuseScaleIntoConsumers
    : Pass<"se-cpu-fuse-scale-into-consumers", "::mlir::func::FuncOp"> {
  let summary = "Apply an SE block's scale where its output is read";
  let description = [{
    An SE block without a residual (SE-PRE, SE-POST, SE on the identity,
    MobileNet-style) ends in Y = s * U. When every reader of Y is an
    element-wise linalg.generic or a 1x1 convolution (NHWC/HWCF), Y is
    never written: each element-wise reader multiplies U by the gate as it
    reads it (linalg element-wise fusion), and each 1x1 convolution is tiled
    into a loop over (image, output row) that scales the one input row the
    iteration reads into a row-sized temporary (with the output's bias fill
    fused too). Blocks with a reader of another kind (a 3x3 convolution, a
    pooling, a function result) keep their scale loop. Runs on linalg on
    tensors, before se-cpu-fuse-squeeze-into-producer.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def SECPUFuseSqueezeIntoProducer
    : Pass<"se-cpu-fuse-squeeze-into-producer", "::mlir::func::FuncOp"> {
  let summary = "Compute each SE squeeze inside the loop that produces U";
  let description = [{
    For each SE block's squeeze (the generic convert-se-to-linalg tags
    `se.phase = "squeeze"`) over an NHWC feature map U produced by a linalg
    op (a convolution with its bias fill, or an element-wise op such as the
    residual add + ReLU with the convolution that feeds it):

    1. the producer of U is tiled into a loop over (image, output row), with
       the ops that initialize its tile (bias broadcast, fill) and, for an
       element-wise producer, the convolution feeding it, fused in;
    2. a row reduction (the squeeze's own combiner over the row's pixels)
       is fused into the same loop, so each row's per-channel partial sum
       (or maximum) is taken while the row is in cache;
    3. the squeeze then reduces the N x H x C partials over H, in order.

    The loop over rows is parallel (each row writes its own partials) and
    the final reduction is serial and ordered, so the result does not
    depend on the thread count. U is still written whole: the scale phase
    reads it once. A producer that involves a convolution with a filter
    over 1 MiB is left whole (split into rows it would stream its filter
    once per row); so is one whose convolution se-cpu-conv-microkernels
    will compute as Winograd F(2x2, 3x3) (`winograd`, at `vector-width`),
    which a row of the output cannot use: on SE-ResNet-18 the rows cost
    each 56 x 56 and 28 x 28 conv2 twice the time of the extra pass.

    A global sum pooling (`linalg.pooling_nhwc_sum` whose window is the
    whole f32 map) of a map other ops read too (an SE block's squeeze the
    raising could not take, as in a QDQ file whose excitation is
    quantized) is first rewritten to the squeeze's form and fuses the same
    way; a map the pooling alone reads (a classifier's) is left as is.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "Number of f32 lanes in one vector register (16: AVX-512, 8: AVX2)">,
    Option<"winograd", "winograd", "bool", /*default=*/"true",
           "Convolutions that take Winograd F(2x2, 3x3) stay whole">,
  ];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def SECPULowerVectors : Pass<"se-cpu-lower-vectors", "::mlir::func::FuncOp"> {
  let summary = "Lower n-D vector ops to forms the LLVM lowering accepts";
  let description = [{
    Lowers masks, multi-reductions, contractions, transposes, broadcasts and
    shape casts of the vectorized code, in separate pattern applications
    (some of these pattern sets never converge when mixed). Vectors whose
    length is a multiple of 16 but not a power of two (an SE squeeze's 144
    channels) are unrolled into 16-lane pieces, and loops carry them as
    such: the x86 backend passes a loop-carried <144 x float> from one
    iteration to the next through the stack, lane by lane. Runs after
    bufferization, before `convert-vector-to-scf`.

    The integer microkernels' dot products become the instruction
    `int8-dot-product` names (`llvm.call_intrinsic`): with `vpdpbusd`,
    `multi_reduction<add>(shape_cast(extui(a) * extsi(b)) : N x 4, acc)` on
    64, 32 or 16 bytes; with `vpdpbusd` or `vpmaddwd`,
    `multi_reduction<add>(shape_cast(extsi(a) * extsi(b)) : N x 2, acc)` on
    32, 16 or 8 16-bit values (`vpmaddwd`, then an add). It runs here,
    after buffer deallocation, which rejects ops of unknown memory effects
    such as intrinsic calls.
  }];
  let options = [
    Option<"int8DotProduct", "int8-dot-product", "::mlir::se::Int8DotProduct",
           /*default=*/"::mlir::se::Int8DotProduct::None",
           "The target's integer dot product at its vector width",
           [{::llvm::cl::values(
             clEnumValN(::mlir::se::Int8DotProduct::None, "none",
                        "no integer dot product at that width"),
             clEnumValN(::mlir::se::Int8DotProduct::Vpmaddwd, "vpmaddwd",
                        "pairs of 16-bit products (AVX2, AVX512BW)"),
             clEnumValN(::mlir::se::Int8DotProduct::Vpdpbusd, "vpdpbusd",
                        "groups of four u8 x s8 products (AVX512-VNNI, "
                        "AVX-VNNI)"))}]>,
  ];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def SECPUExpandStridedCopies
    : Pass<"se-cpu-expand-strided-copies", "::mlir::func::FuncOp"> {
  let summary = "Turn copies between strided memrefs into rows or loops";
  let description = [{
    Rewrites every `memref.copy` whose source or target is not contiguous
    (a feature map copied into the interior of its zero padding, say):
    when both are contiguous over their inner dimensions for at least 256
    bytes, into a loop nest over the outer dimensions that copies one
    contiguous row per iteration (a `memcpy` each), an `scf.parallel` when
    the copy moves 512 KiB or more and `threads` > 1; otherwise into
    `linalg.copy`, which the loop lowering expands. Contiguous copies stay
    and become `memcpy`. Compiled code thus never calls the `memrefCopy`
    helper of MLIR's runner library and needs no runtime.
  }];
  let options = [
    Option<"threads", "threads", "int64_t", "1",
           "Threads of the generated code: large copies run on all of them">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def SECPUTrafficReport
    : Pass<"se-cpu-traffic-report", "::mlir::func::FuncOp"> {
  let summary = "Report the memory traffic of each SE block's feature map";
  let description = [{
    An analysis of the bufferized loops (run where vector transfers still
    name their buffers): every load and store of a memref is traced through
    views to its root buffer (an argument, an allocation, or one planned
    workspace buffer) and weighted by the trip counts of the enclosing
    loops. For each SE block (the loops convert-se-to-linalg and the fusion
    passes tagged `se.block`/`se.phase`), the feature map U is the buffer
    its squeeze reads (unfused) or that its row loop writes and its scale
    reads (fused); the pass emits a remark
      `SE block 'NAME': U (B bytes) stored S x, loaded L x by its readers
       (P x by its producers)`
    in units of U's size. S counts U's producers: going back from the
    block's first loop, the ops that write U up to the previous tenant of
    the buffer (an op that only reads it, or another block's squeeze or
    scale); P, their loads of U (a convolution reading back its bias fill).
    L counts the block's own squeeze and scale loops (or, with
    fuse-scale-into-consumers, the readers that apply the scale). One
    iteration of a fused row loop whose accesses to U all go through one
    view (the row) counts as one store of the row, and one load if the
    iteration reads the row before writing it: the row is worked on in
    cache (the remark gives its size). Unfused, the squeeze and the scale
    each load U; fused, only the scale does. Blocks whose ops were too small
    to tile keep no tagged loop and are reported as not traced.
  }];
}

def SECPUInstrumentProfile
    : Pass<"se-cpu-instrument-profile", "::mlir::ModuleOp"> {
  let summary = "Time each layer of the compiled model (se-compile --profile)";
  let description = [{
    Runs on bufferized loops, before they become OpenMP regions. In every
    public function that is not an ABI query or a batch entry (whose time
    is that of the function it runs per image), the top-level ops that do
    work (ops with regions, linalg ops, copies, calls) are grouped by the
    layer their location names; an op without a name joins the layer
    before it. Each run of consecutive ops of one layer is timed with
    `clock_gettime(CLOCK_MONOTONIC)` from the end of the layer before it,
    which includes the allocations and views between them, and its
    nanoseconds are added to the layer's counter, atomically (a batch
    entry runs images on several threads at once). The function gains:

    - `<name>_profile_ns : memref<(L+1)xi64>`, public, zero at load: the
      nanoseconds of each of its L layers, then the number of runs (of
      images, under a batch entry);
    - `<name>_profile_layers : memref<Kxi8>`, public, constant: a
      NUL-terminated text with one line per layer, in counter order:
      `name TAB kind TAB shape TAB MACs TAB bytes`, described by the
      module's `se.layer_costs` (se-annotate-layer-costs) where it has the
      layer (empty fields otherwise).

    se-run --profile reads them (docs/profiling.md).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect"
  ];
}

#endif // SE_CODEGEN_CPU_PASSES_TD
