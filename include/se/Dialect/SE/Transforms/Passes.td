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
    The grouped form the zoo and the ONNX importer emit (TOSA has none),
    `collapse_shape(linalg.conv_2d_nhwgc_gfhwc(x, W, fill(0)))`, folds the
    scale into W and the shift into the accumulator's initial value.
  }];
  let dependentDialects = ["::mlir::tosa::TosaDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
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

def SERaiseSqueezeExcite
    : Pass<"se-raise-squeeze-excite", "::mlir::func::FuncOp"> {
  let summary = "Turn SE subgraphs of TOSA ops into se.squeeze_excite";
  let description = [{
    Finds `x * gate(fc2(act(fc1(squeeze(x)))))` on a feature map `x` and
    replaces it with one `se.squeeze_excite`, then folds a following
    residual `tosa.add` and ReLU into the op when they are its only users.
    Spellings (as ONNX exporters and the importer write them):
    - squeeze: global `tosa.avg_pool2d` / `tosa.max_pool2d`, `tosa.reduce_sum`
      over H and W times 1/(H*W), `tosa.reduce_max` over H and W (NHWC, or
      NCHW for the reductions);
    - FCs: 1x1 `tosa.conv2d` on the pooled map, or `tosa.matmul` with an
      optional bias `tosa.add`, with unit-dimension reshapes and transposes
      in between; constant weights;
    - inner activation: ReLU (`clamp(0, max)`), SiLU (`x * sigmoid(x)`),
      hard-swish (`x * clamp(x / 6 + 1/2, 0, 1)` or `x * relu6(x + 3) / 6`);
    - gate: sigmoid, hard-sigmoid (`clamp(x / 6 + 1/2, 0, 1)` or
      `relu6(x + 3) / 6`), tanh, ReLU.
    Nothing is raised when the gate multiplies another tensor than the one
    squeezed, a weight is not a constant, the pooling is not global, or an
    intermediate value (the gate included) has another user.
  }];
  let dependentDialects = ["::mlir::se::SEDialect",
                           "::mlir::tosa::TosaDialect"];
  let statistics = [
    Statistic<"numRaised", "se-blocks-raised", "SE blocks raised">,
    Statistic<"numResiduals", "residuals-fused",
              "Residual adds fused into raised SE blocks">,
  ];
}

#endif // SE_DIALECT_SE_TRANSFORMS_PASSES_TD
