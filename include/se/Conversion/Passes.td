//===- Passes.td - se conversion passes --------------------*- tablegen -*-===//

#ifndef SE_CONVERSION_PASSES_TD
#define SE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertSEToLinalg : Pass<"convert-se-to-linalg"> {
  let summary = "Lower se ops to linalg on tensors";
  let description = [{
    Rewrites every `se.squeeze_excite` into `linalg.generic` ops on tensors,
    one per phase, for every variant and layout:

    - the spatial dimensions are collapsed (`tensor.collapse_shape`) so that
      NCHW becomes `N x C x (H*W)` and NHWC `N x (H*W) x C`;
    - squeeze: one reduction over the spatial dimension into `N x C` (sum or
      max; the average's `1 / (H*W)` is applied to the `N x C` vector);
    - excitation: each FC is a reduction over its input width with the bias
      as initial value, followed by an elementwise activation; `conv1d` pads
      the channel vector and convolves it with the kernel;
    - gate and scale: the gate is applied to the `N x C` vector, then one
      elementwise op over the feature map computes `s * x`, or
      `post_act(residual + s * x)`, and the result is expanded back.

    `se.quantize` and `se.dequantize` become one element-wise generic each
    (per-axis scales and zero points as 1-D constants read along the axis).

    Precondition: the ops are verifier-valid (static shapes, f32).
    Postcondition: no `se` ops remain; only linalg, tensor, arith and math
    ops are created.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // SE_CONVERSION_PASSES_TD
