//===- SEOps.td - se dialect ops ---------------------------*- tablegen -*-===//
//
// Operations of the se dialect.
//
//===----------------------------------------------------------------------===//

#ifndef SE_DIALECT_SE_IR_SEOPS_TD
#define SE_DIALECT_SE_IR_SEOPS_TD

include "se/Dialect/SE/IR/SEBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class SE_Op<string mnemonic, list<Trait> traits = []>
    : Op<SE_Dialect, mnemonic, traits>;

def SE_SqueezeExciteOp : SE_Op<"squeeze_excite",
    [Pure, AttrSizedOperandSegments]> {
  let summary = "Squeeze-and-Excitation block with an optional residual epilogue";
  let description = [{
    Recalibrates the feature map `input` channel by channel:

    1. squeeze: `z[n, c]` is the global average (`avg`), maximum (`max`) or
       both (`avg_max`) of `input` over the spatial dimensions;
    2. excitation: `e = excite(z)`, where `excite` is
       - `two_fc`: `w2 * inner_act(w1 * z + b1) + b2` with `w1 : hidden x C`
         and `w2 : C x hidden` (SENet; the default);
       - `one_fc`: `w1 * z + b1` with `w1 : C x C` (eSE);
       - `conv1d`: a 1-D convolution of `z` across channels with the kernel
         `w1 : k` (odd k, zero padding `(k - 1) / 2`, no bias; ECA-Net);

       with `avg_max`, both pooled vectors go through the same excitation and
       the results are summed (CBAM's channel branch);
    3. gate: `s = gate(e)` with `sigmoid`, `hard_sigmoid` (`relu6(x + 3) / 6`),
       `tanh` or `relu`;
    4. scale: `y = s * input`, broadcast over the spatial dimensions; with a
       `residual`, `y = post_act(residual + s * input)` (the SE-ResNet unit).

    `layout` says whether `input` is `nchw` or `nhwc`. The biases `bias1` and
    `bias2` are optional (the paper's SE-ResNets have none). All tensors are
    statically shaped `f32`; the result has the type of `input`.

    The knobs are written `key = value`, in any order; a knob left out takes
    its default (`layout = nchw`, `squeeze = avg`, `excitation = two_fc`,
    `inner_act = relu`, `gate = sigmoid`, `post_act = none`), and knobs equal
    to their default are omitted when printed.

    Example:

    ```mlir
    // The SE block of an SE-ResNet-50 stage-4 unit, fused with the residual
    // add and the final ReLU.
    %y = se.squeeze_excite %u weights(%w1, %w2) residual(%identity)
           post_act = relu
         : (tensor<1x2048x7x7xf32>, tensor<128x2048xf32>, tensor<2048x128xf32>,
            tensor<1x2048x7x7xf32>) -> tensor<1x2048x7x7xf32>

    // MobileNetV3: NHWC, biases, hard-sigmoid gate.
    %m = se.squeeze_excite %x weights(%w1, %w2) bias1(%b1) bias2(%b2)
           layout = nhwc gate = hard_sigmoid
         : (tensor<1x28x28x96xf32>, tensor<24x96xf32>, tensor<96x24xf32>,
            tensor<24xf32>, tensor<96xf32>) -> tensor<1x28x28x96xf32>

    // ECA: a 1-D convolution with a 5-tap kernel across channels.
    %e = se.squeeze_excite %x weights(%k) excitation = conv1d
         : (tensor<1x256x56x56xf32>, tensor<5xf32>) -> tensor<1x256x56x56xf32>
    ```
  }];

  let arguments = (ins
    AnyRankedTensor:$input,
    AnyRankedTensor:$w1,
    Optional<AnyRankedTensor>:$w2,
    Optional<AnyRankedTensor>:$bias1,
    Optional<AnyRankedTensor>:$bias2,
    Optional<AnyRankedTensor>:$residual,
    DefaultValuedAttr<SE_LayoutAttr, "::mlir::se::Layout::NCHW">:$layout,
    DefaultValuedAttr<SE_SqueezeKindAttr, "::mlir::se::SqueezeKind::Avg">:$squeeze,
    DefaultValuedAttr<SE_ExcitationKindAttr,
                      "::mlir::se::ExcitationKind::TwoFC">:$excitation,
    DefaultValuedAttr<SE_InnerActivationAttr,
                      "::mlir::se::InnerActivation::ReLU">:$inner_act,
    DefaultValuedAttr<SE_GateKindAttr, "::mlir::se::GateKind::Sigmoid">:$gate,
    DefaultValuedAttr<SE_PostActivationAttr,
                      "::mlir::se::PostActivation::None">:$post_act
  );
  let results = (outs AnyRankedTensor:$result);

  let assemblyFormat = [{
    $input `weights` `(` $w1 (`,` $w2^)? `)`
    (`bias1` `(` $bias1^ `)`)? (`bias2` `(` $bias2^ `)`)?
    (`residual` `(` $residual^ `)`)?
    `` custom<Knobs>($layout, $squeeze, $excitation, $inner_act, $gate,
                  $post_act)
    attr-dict `:` functional-type(operands, results)
  }];

  let builders = [
    // The result takes the type of `input`; null values leave the optional
    // operands out.
    OpBuilder<(ins "::mlir::Value":$input, "::mlir::Value":$w1,
      "::mlir::Value":$w2, "::mlir::Value":$bias1, "::mlir::Value":$bias2,
      "::mlir::Value":$residual, "const ::mlir::se::SEConfig &":$config)>
  ];

  let extraClassDeclaration = [{
    /// Number of channels C of the input.
    int64_t getNumChannels();
    /// Spatial size H * W of the input.
    int64_t getSpatialSize();
    /// Width of the hidden layer of a `two_fc` excitation (C for `one_fc`,
    /// 1 for `conv1d`).
    int64_t getHiddenWidth();
    /// Kernel size of a `conv1d` excitation.
    int64_t getKernelSize();
    /// The op's knobs gathered in one struct.
    ::mlir::se::SEConfig getConfig();
  }];

  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Affine quantization
//===----------------------------------------------------------------------===//

class SE_QuantOp<string mnemonic, Type inputElement, Type resultElement>
    : SE_Op<mnemonic, [Pure, SameOperandsAndResultShape]> {
  let arguments = (ins
    RankedTensorOf<[inputElement]>:$input,
    SE_QuantStorageAttr:$storage,
    DenseF32ArrayAttr:$scales,
    DenseI32ArrayAttr:$zero_points,
    OptionalAttr<I64Attr>:$axis
  );
  let results = (outs RankedTensorOf<[resultElement]>:$result);

  let assemblyFormat = [{
    $input `` $storage `scales` $scales `zero_points` $zero_points
    (`axis` $axis^)? attr-dict `:` type($input) `->` type($result)
  }];

  let extraClassDeclaration = [{
    /// Whether one scale and zero point serve the whole tensor.
    bool isPerTensor() { return getScales().size() == 1; }
    /// The smallest and largest stored value: [0, 255] for u8, [-128, 127]
    /// for i8.
    std::pair<int32_t, int32_t> getStorageRange();
  }];

  let hasVerifier = 1;
}

def SE_QuantizeOp : SE_QuantOp<"quantize", F32, I8> {
  let summary = "Affine quantization of f32 to 8-bit integers";
  let description = [{
    `q = clamp(round(x / scale) + zero_point, lo, hi)`, rounding half to
    even, with `[lo, hi]` the range of the `storage`: `u8` ([0, 255]) or
    `i8` ([-128, 127]); both are held in signless `i8` (a `u8` value v is
    stored as the byte v). One scale and zero point serve the whole tensor,
    or (with `axis`) one per index along dimension `axis`. NaN becomes `lo`.
    The semantics of ONNX QuantizeLinear (opsets 13-18) for 8-bit types.

    ```mlir
    %q = se.quantize %x u8 scales [0.0235] zero_points [128]
         : tensor<1x56x56x64xf32> -> tensor<1x56x56x64xi8>
    ```
  }];
}

def SE_DequantizeOp : SE_QuantOp<"dequantize", I8, F32> {
  let summary = "Affine dequantization of 8-bit integers to f32";
  let description = [{
    `x = (q - zero_point) * scale`, `q` read as unsigned (`u8`) or signed
    (`i8`), per tensor or (with `axis`) per index along dimension `axis`:
    the semantics of ONNX DequantizeLinear for 8-bit types.

    ```mlir
    %x = se.dequantize %q i8 scales [0.01, 0.02] zero_points [0, 0] axis 3
         : tensor<1x7x7x2xi8> -> tensor<1x7x7x2xf32>
    ```
  }];
}

#endif // SE_DIALECT_SE_IR_SEOPS_TD
