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

def SEFoldConstantDequantize
    : Pass<"se-fold-constant-dequantize", "::mlir::func::FuncOp"> {
  let summary = "Dequantize constant 8-bit weights at compile time";
  let description = [{
    Replaces `se.dequantize` of a constant (the int8 weights the ONNX
    importer keeps for convolutions) with the f32 constant it computes,
    `(q - zero_point) * scale` in f32 per element, as at run time. Runs
    after the passes that give such weights to integer kernels
    (se-cpu-integer-convolutions); the float lowering sees the convolution
    as any other.
  }];
  let dependentDialects = ["::mlir::tosa::TosaDialect"];
}

def SEQuantizeConvolutions
    : Pass<"se-quantize-convolutions", "::mlir::func::FuncOp"> {
  let summary = "Quantize a float model's convolutions to int8";
  let description = [{
    Post-training quantization (se-compile --quantize=int8) from calibrated
    ranges: each activation an ungrouped `tosa.conv2d` reads (through crops
    and transposes; one per value, in the order getQuantizableActivations
    lists them) gets an `se.quantize` / `se.dequantize` pair to u8 per
    tensor, asymmetric over `[min(lo, 0), max(hi, 0)]`; each such
    convolution's f32 constant weight becomes `se.dequantize` of i8 codes,
    symmetric per output channel (`max |w| / largest-weight-code`: 127, or
    64, which se-compile takes for CPUs without VNNI, where pairs of
    products with unsigned bytes then fit i16 and vpmaddubsw is exact, as
    ONNX Runtime's quantizer reduces the weights' range). The graph is then
    what the ONNX importer makes of a QDQ file (as ONNX Runtime's
    quantize_static writes it), except that biases, SE blocks, depthwise
    and grouped convolutions and the other ops stay float.
    se-cpu-integer-convolutions runs the pairs on 8-bit codes.
  }];
  let options = [
    ListOption<"ranges", "ranges", "double",
               "lo,hi of each quantizable activation, in order">,
    Option<"largestWeightCode", "largest-weight-code", "int64_t",
           /*default=*/"127",
           "Weight codes are symmetric in [-N, N] (N = 1 to 127)">,
  ];
  let dependentDialects = ["::mlir::se::SEDialect",
                           "::mlir::tosa::TosaDialect"];
}

def SEExposeCalibrationActivations
    : Pass<"se-expose-calibration-activations", "::mlir::func::FuncOp"> {
  let summary = "Return the activations calibration observes";
  let description = [{
    Replaces a function's results with f32 vectors: the values of every
    activation se-quantize-convolutions would quantize, flattened and
    concatenated in its order, 64 activations per result (TOSA's limit). se-compile --quantize=int8 compiles the
    function so and runs it on the calibration inputs to measure their
    ranges.
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

def SEActivationLayout
    : Pass<"se-activation-layout", "::mlir::func::FuncOp"> {
  let summary = "Keep feature maps in one layout across the graph";
  let description = [{
    TOSA convolves and pools in NHWC, so a graph written in NCHW (ONNX's and
    PyTorch's layout) wraps each convolution and pooling in transposes and
    runs everything between them in NCHW. This pass picks the layout of
    every feature map between such ops.

    Ops that compute the same in either layout - element-wise TOSA ops,
    `tosa.reduce_sum` / `tosa.reduce_max`, `tosa.concat` and
    `se.squeeze_excite` - form regions linked by the rank-4 values they
    share. For each region the pass counts the transposes its boundary needs
    with its feature maps as they are, permuted NCHW -> NHWC, and permuted
    NHWC -> NCHW, and rewrites the region in the cheapest layout (ties keep
    it as it is):
    - a transpose into the region or out of it that the permutation undoes
      disappears;
    - constants are permuted at compile time;
    - a value whose non-unit dimensions keep their order (an SE gate, a
      pooled vector) is reshaped, not transposed;
    - reduction and concatenation axes follow, an SE block's `layout` flips.
    It repeats until no region gains. A network written in NCHW thus runs in
    NHWC between its convolutions, with transposes only where it must
    (graph inputs and outputs, reshapes that flatten a feature map).

    NHWC is the layout the CPU microkernels and the GPU kernels read:
    channels contiguous, vectorized in whole registers. A channel-blocked
    layout (NCHWc) is the same memory order for one image when the block is
    all of C, so the pass does not consider it.
  }];
  let dependentDialects = ["::mlir::tosa::TosaDialect"];
}

#endif // SE_DIALECT_SE_TRANSFORMS_PASSES_TD
