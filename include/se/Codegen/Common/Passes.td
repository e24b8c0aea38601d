//===- Passes.td - target-neutral se code generation passes -*- tablegen -*-===//
//
// Passes that CPU and GPU code generation share: filter packing, returned
// buffers, the workspace and weights ABI of compiled models, the C
// interface.
//
//===----------------------------------------------------------------------===//

#ifndef SE_CODEGEN_COMMON_PASSES_TD
#define SE_CODEGEN_COMMON_PASSES_TD

include "mlir/Pass/PassBase.td"

def SEPackConvWeights
    : Pass<"se-pack-conv-weights", "::mlir::func::FuncOp"> {
  let summary = "Transpose constant convolution weights at compile time";
  let description = [{
    Rewrites `linalg.conv_2d_nhwc_fhwc` (what TOSA lowers to) whose filter is
    a constant into `linalg.conv_2d_nhwc_hwcf` with the filter transposed at
    compile time to KH x KW x C x F: the output channels become the
    contiguous dimension, which the tiled convolutions vectorize along.
    The packing is constant folding; it costs nothing at run time.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def SEAllocateReturnedShapes
    : Pass<"se-allocate-returned-shapes", "::mlir::func::FuncOp"> {
  let summary = "Allocate returned buffers in the shape they are returned in";
  let description = [{
    A function that computes on a collapsed view of its result returns
    `memref.expand_shape` of an allocation, which hides the allocation from
    `buffer-results-to-out-params{hoist-static-allocs}`: the result is then
    computed into a temporary and copied out. This pass allocates such a
    buffer in the expanded shape and gives its other users the collapsed
    view, so that the returned value is the allocation itself and becomes
    the caller's output buffer.

    A buffer returned more than once is returned once; each repetition
    becomes a copy of it, so that every result has a buffer of its own
    (`buffer-results-to-out-params` assumes distinct results).
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def SEPlanWorkspace
    : Pass<"se-plan-workspace", "::mlir::ModuleOp"> {
  let summary = "Place a function's large buffers in one caller-provided workspace";
  let description = [{
    For every public function, the statically shaped heap allocations at
    the top of its body that hold at least `min-bytes` are given offsets in
    one workspace, reusing memory between buffers whose live ranges do not
    overlap (first fit, largest first, 64-byte aligned). Every public
    function gains a last argument `memref<?xi8>`, the workspace (one ABI,
    whether or not it uses it), and each allocation
    becomes a `memref.view` into it. A public function
    `<name>_workspace_bytes() -> i64` returns the size to allocate. Compiled
    models then never allocate on the run path: the caller allocates the
    workspace once.
  }];
  let options = [
    Option<"minBytes", "min-bytes", "int64_t", /*default=*/"4096",
           "Smaller buffers are left to the stack">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect"
  ];
}

def SEExternalizeWeights
    : Pass<"se-externalize-weights", "::mlir::ModuleOp"> {
  let summary = "Move constant weights out of the module into a weights blob";
  let description = [{
    Every constant f32 `memref.global` of at least `min-bytes` is given an
    offset in one weights blob (64-byte aligned, in module order) and
    removed; every public function gains a last argument `memref<?xi8>`,
    the weights (one ABI, used or not), and reads each weight through a
    `memref.view` into it. Public functions `<name>_weights_bytes()` and
    `<name>_weights_hash()` return the blob's size and the hash of its
    layout, which a weights file must carry (docs/weights-format.md).

    The layout and the data are left on the module as the attributes
    `se.weights_layout` (one `{name, shape}` per tensor, in blob order) and
    `se.weights_data` (a dense_resource of i8): se-compile writes them to
    the weights file and removes them before translation. Tensor names are
    the constant's layer (its name location) and global symbol.
  }];
  let options = [
    Option<"minBytes", "min-bytes", "int64_t", /*default=*/"64",
           "Smaller constants stay in the code">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect"
  ];
}

def SEExportCInterface : Pass<"se-export-c-interface", "::mlir::ModuleOp"> {
  let summary = "Export public functions through the memref C interface";
  let description = [{
    Marks every public function with a body `llvm.emit_c_interface`, so the
    LLVM lowering emits a `_mlir_ciface_<name>` wrapper that takes memref
    descriptors by pointer (see `runtime/include/se/Runtime/MemRef.h`).
  }];
}

def SEAnnotateLayerCosts
    : Pass<"se-annotate-layer-costs", "::mlir::ModuleOp"> {
  let summary = "Record each layer's kind, shape, MACs and bytes on the module";
  let description = [{
    On graph-level IR, groups the top-level ops of every function by the
    layer their location names (an ONNX node, a zoo layer) and records one
    dictionary per layer, in program order, as the module attribute
    `se.layer_costs`: `name`, `kind` (e.g. `conv2d 3x3/s2`), `shape` (its
    result), `macs` and `bytes` (what it reads from other layers and its
    parameters, and writes for other layers). Lowering loses this; the
    per-op profile (se-cpu-instrument-profile) reads it back to describe
    the loops it times.
  }];
}

def SEFuseElementwise
    : Pass<"se-fuse-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Fuse element-wise linalg ops on tensors, never a broadcast";
  let description = [{
    Fuses each element-wise producer with a single use into its consumer
    (one loop, no intermediate tensor), except where an element-wise
    consumer broadcasts the producer's result: a per-channel SE gate fused
    into the per-pixel scale would recompute the sigmoid for every pixel.
    An activation spelled as several ops becomes one: SiLU `x * sigmoid(x)`,
    hard-swish `x * relu6(x + 3) / 6`, a bias add before them.

    With `into-reductions` (the GPU pipeline) producers also fuse into
    reductions: an FC recomputes a ReLU or the squeeze's 1/HW per weight,
    which costs less than a kernel launch. Without it (the CPU pipeline),
    only all-parallel producers and consumers fuse, and ops an SE block's
    lowering tagged (`se.block`, `se.phase`) are left as they are for the
    SE fusion passes that match them.
  }];
  let options = [
    Option<"intoReductions", "into-reductions", "bool", /*default=*/"false",
           "Also fuse producers into reductions and SE-tagged ops">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

#endif // SE_CODEGEN_COMMON_PASSES_TD
