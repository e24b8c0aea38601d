//===- Passes.td - se graph-level passes -------------------*- tablegen -*-===//

#ifndef SE_DIALECT_SE_TRANSFORMS_PASSES_TD
#define SE_DIALECT_SE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def SEFoldBatchNorm : Pass<"se-fold-batch-norm", "::mlir::func::FuncOp"> {
  let summary = "Fold inference batch norm into the preceding convolution";
  let description = [{
    Rewrites `tosa.add(tosa.mul(tosa.conv2d(x, W, b), scale), shift)`, with
    constant W, b, per-output-channel `scale` and `shift` (shape 1x1x1xC or
    broadcastable), and a convolution and multiply used only there, into
    `tosa.conv2d(x, W * scale, b * scale + shift)`. The new weights are
    computed at compile time. Batch norm then costs nothing at run time.
  }];
  let dependentDialects = ["::mlir::tosa::TosaDialect"];
}

def SECheckSupportedOps
    : Pass<"se-check-supported-ops", "::mlir::func::FuncOp"> {
  let summary = "Reject graph-level ops the compiler cannot lower";
  let description = [{
    The CPU pipeline lowers a known set of graph-level ops (listed in
    docs/graph-ops.md, each covered by a numerical test) on statically
    shaped f32 tensors. This pass, run first, reports any other op, dynamic
    shape or element type at the op's location, so that bad input fails with
    one clear error instead of deep in the lowering.
  }];
}

#endif // SE_DIALECT_SE_TRANSFORMS_PASSES_TD
