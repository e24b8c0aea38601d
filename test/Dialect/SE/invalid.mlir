// RUN: se-opt %s -split-input-file -verify-diagnostics

// Rank of the input.
func.func @input_rank(%x: tensor<64x8x8xf32>, %w1: tensor<4x64xf32>, %w2: tensor<64x4xf32>) -> tensor<64x8x8xf32> {
  // expected-error @+1 {{'se.squeeze_excite' op expects a rank-4 input (nchw), got rank 3}}
  %y = se.squeeze_excite %x weights(%w1, %w2) : (tensor<64x8x8xf32>, tensor<4x64xf32>, tensor<64x4xf32>) -> tensor<64x8x8xf32>
  return %y : tensor<64x8x8xf32>
}

// -----

// Dynamic input shapes are not supported.
func.func @dynamic_input(%x: tensor<?x64x8x8xf32>, %w1: tensor<4x64xf32>, %w2: tensor<64x4xf32>) -> tensor<?x64x8x8xf32> {
  // expected-error @+1 {{expects a statically shaped input, got ?x64x8x8}}
  %y = se.squeeze_excite %x weights(%w1, %w2) : (tensor<?x64x8x8xf32>, tensor<4x64xf32>, tensor<64x4xf32>) -> tensor<?x64x8x8xf32>
  return %y : tensor<?x64x8x8xf32>
}

// -----

// Element type of the input.
func.func @input_f16(%x: tensor<1x64x8x8xf16>, %w1: tensor<4x64xf32>, %w2: tensor<64x4xf32>) -> tensor<1x64x8x8xf16> {
  // expected-error @+1 {{expects input to have element type f32, got 'f16'}}
  %y = se.squeeze_excite %x weights(%w1, %w2) : (tensor<1x64x8x8xf16>, tensor<4x64xf32>, tensor<64x4xf32>) -> tensor<1x64x8x8xf16>
  return %y : tensor<1x64x8x8xf16>
}

// -----

// Zero-sized dimensions.
func.func @empty_input(%x: tensor<1x64x0x8xf32>, %w1: tensor<4x64xf32>, %w2: tensor<64x4xf32>) -> tensor<1x64x0x8xf32> {
  // expected-error @+1 {{expects every input dimension to be positive, got 1x64x0x8}}
  %y = se.squeeze_excite %x weights(%w1, %w2) : (tensor<1x64x0x8xf32>, tensor<4x64xf32>, tensor<64x4xf32>) -> tensor<1x64x0x8xf32>
  return %y : tensor<1x64x0x8xf32>
}

// -----

// The result must have the input's type.
func.func @result_type(%x: tensor<1x64x8x8xf32>, %w1: tensor<4x64xf32>, %w2: tensor<64x4xf32>) -> tensor<1x64x4x4xf32> {
  // expected-error @+1 {{expects the result type to equal the input type 'tensor<1x64x8x8xf32>', got 'tensor<1x64x4x4xf32>'}}
  %y = se.squeeze_excite %x weights(%w1, %w2) : (tensor<1x64x8x8xf32>, tensor<4x64xf32>, tensor<64x4xf32>) -> tensor<1x64x4x4xf32>
  return %y : tensor<1x64x4x4xf32>
}

// -----

// two_fc needs a rank-2 w1.
func.func @two_fc_w1_rank(%x: tensor<1x64x8x8xf32>, %w1: tensor<4xf32>, %w2: tensor<64x4xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{expects w1 of rank 2 (hidden x C) with excitation = two_fc, got rank 1}}
  %y = se.squeeze_excite %x weights(%w1, %w2) : (tensor<1x64x8x8xf32>, tensor<4xf32>, tensor<64x4xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// two_fc needs w2.
func.func @two_fc_missing_w2(%x: tensor<1x64x8x8xf32>, %w1: tensor<4x64xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{expects a second weight w2 (C x hidden) with excitation = two_fc}}
  %y = se.squeeze_excite %x weights(%w1) : (tensor<1x64x8x8xf32>, tensor<4x64xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// The hidden width must be static.
func.func @two_fc_dynamic_hidden(%x: tensor<1x64x8x8xf32>, %w1: tensor<?x64xf32>, %w2: tensor<64x4xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{expects w1 to have a positive static hidden width, got ?x64}}
  %y = se.squeeze_excite %x weights(%w1, %w2) : (tensor<1x64x8x8xf32>, tensor<?x64xf32>, tensor<64x4xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// w1 must read C channels (NHWC: C is the last input dimension).
func.func @two_fc_w1_channels(%x: tensor<1x8x8x64xf32>, %w1: tensor<4x32xf32>, %w2: tensor<64x4xf32>) -> tensor<1x8x8x64xf32> {
  // expected-error @+1 {{expects w1 of shape 4x64, got 4x32}}
  %y = se.squeeze_excite %x weights(%w1, %w2) layout = nhwc : (tensor<1x8x8x64xf32>, tensor<4x32xf32>, tensor<64x4xf32>) -> tensor<1x8x8x64xf32>
  return %y : tensor<1x8x8x64xf32>
}

// -----

// w2 must be C x hidden.
func.func @two_fc_w2_shape(%x: tensor<1x64x8x8xf32>, %w1: tensor<4x64xf32>, %w2: tensor<4x64xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{expects w2 of shape 64x4, got 4x64}}
  %y = se.squeeze_excite %x weights(%w1, %w2) : (tensor<1x64x8x8xf32>, tensor<4x64xf32>, tensor<4x64xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// Weights must be f32.
func.func @weights_f64(%x: tensor<1x64x8x8xf32>, %w1: tensor<4x64xf32>, %w2: tensor<64x4xf64>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{expects w2 to have element type f32, got 'f64'}}
  %y = se.squeeze_excite %x weights(%w1, %w2) : (tensor<1x64x8x8xf32>, tensor<4x64xf32>, tensor<64x4xf64>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// bias1 must have the hidden width.
func.func @two_fc_bias1(%x: tensor<1x64x8x8xf32>, %w1: tensor<4x64xf32>, %w2: tensor<64x4xf32>, %b1: tensor<64xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{expects bias1 of shape 4, got 64}}
  %y = se.squeeze_excite %x weights(%w1, %w2) bias1(%b1) : (tensor<1x64x8x8xf32>, tensor<4x64xf32>, tensor<64x4xf32>, tensor<64xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// bias2 must have C entries.
func.func @two_fc_bias2(%x: tensor<1x64x8x8xf32>, %w1: tensor<4x64xf32>, %w2: tensor<64x4xf32>, %b2: tensor<4xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{expects bias2 of shape 64, got 4}}
  %y = se.squeeze_excite %x weights(%w1, %w2) bias2(%b2) : (tensor<1x64x8x8xf32>, tensor<4x64xf32>, tensor<64x4xf32>, tensor<4xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// one_fc's weight is C x C.
func.func @one_fc_shape(%x: tensor<1x64x8x8xf32>, %w1: tensor<4x64xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{expects w1 of shape 64x64, got 4x64}}
  %y = se.squeeze_excite %x weights(%w1) excitation = one_fc : (tensor<1x64x8x8xf32>, tensor<4x64xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// one_fc takes one weight.
func.func @one_fc_w2(%x: tensor<1x64x8x8xf32>, %w1: tensor<64x64xf32>, %w2: tensor<64x64xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{takes no w2 with excitation = one_fc}}
  %y = se.squeeze_excite %x weights(%w1, %w2) excitation = one_fc : (tensor<1x64x8x8xf32>, tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// one_fc takes one bias.
func.func @one_fc_bias2(%x: tensor<1x64x8x8xf32>, %w1: tensor<64x64xf32>, %b2: tensor<64xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{takes no bias2 with excitation = one_fc}}
  %y = se.squeeze_excite %x weights(%w1) bias2(%b2) excitation = one_fc : (tensor<1x64x8x8xf32>, tensor<64x64xf32>, tensor<64xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// one_fc's bias has C entries.
func.func @one_fc_bias1(%x: tensor<1x64x8x8xf32>, %w1: tensor<64x64xf32>, %b1: tensor<4xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{expects bias1 of shape 64, got 4}}
  %y = se.squeeze_excite %x weights(%w1) bias1(%b1) excitation = one_fc : (tensor<1x64x8x8xf32>, tensor<64x64xf32>, tensor<4xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// conv1d's kernel is rank 1.
func.func @conv1d_rank(%x: tensor<1x64x8x8xf32>, %k: tensor<3x3xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{expects w1 of rank 1 (the kernel) with excitation = conv1d, got rank 2}}
  %y = se.squeeze_excite %x weights(%k) excitation = conv1d : (tensor<1x64x8x8xf32>, tensor<3x3xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// conv1d's kernel size is odd.
func.func @conv1d_even(%x: tensor<1x64x8x8xf32>, %k: tensor<4xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{expects an odd conv1d kernel size, got 4}}
  %y = se.squeeze_excite %x weights(%k) excitation = conv1d : (tensor<1x64x8x8xf32>, tensor<4xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// conv1d's kernel is f32.
func.func @conv1d_type(%x: tensor<1x64x8x8xf32>, %k: tensor<3xi32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{expects w1 to have element type f32, got 'i32'}}
  %y = se.squeeze_excite %x weights(%k) excitation = conv1d : (tensor<1x64x8x8xf32>, tensor<3xi32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// conv1d takes no second weight.
func.func @conv1d_w2(%x: tensor<1x64x8x8xf32>, %k: tensor<3xf32>, %w2: tensor<64x4xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{takes no w2 with excitation = conv1d}}
  %y = se.squeeze_excite %x weights(%k, %w2) excitation = conv1d : (tensor<1x64x8x8xf32>, tensor<3xf32>, tensor<64x4xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// conv1d takes no bias.
func.func @conv1d_bias(%x: tensor<1x64x8x8xf32>, %k: tensor<3xf32>, %b: tensor<64xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{takes no bias1 with excitation = conv1d}}
  %y = se.squeeze_excite %x weights(%k) bias1(%b) excitation = conv1d : (tensor<1x64x8x8xf32>, tensor<3xf32>, tensor<64xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// conv1d takes no second bias either.
func.func @conv1d_bias2(%x: tensor<1x64x8x8xf32>, %k: tensor<3xf32>, %b: tensor<64xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{takes no bias2 with excitation = conv1d}}
  %y = se.squeeze_excite %x weights(%k) bias2(%b) excitation = conv1d : (tensor<1x64x8x8xf32>, tensor<3xf32>, tensor<64xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// inner_act only applies between two FCs.
func.func @inner_act_one_fc(%x: tensor<1x64x8x8xf32>, %w1: tensor<64x64xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{inner_act = silu has no effect with excitation = one_fc; it applies to two_fc only}}
  %y = se.squeeze_excite %x weights(%w1) excitation = one_fc inner_act = silu : (tensor<1x64x8x8xf32>, tensor<64x64xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// The residual has the input's type.
func.func @residual_type(%x: tensor<1x64x8x8xf32>, %w1: tensor<4x64xf32>, %w2: tensor<64x4xf32>, %r: tensor<1x64x4x4xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{expects residual of type 'tensor<1x64x8x8xf32>' (the input type), got 'tensor<1x64x4x4xf32>'}}
  %y = se.squeeze_excite %x weights(%w1, %w2) residual(%r) : (tensor<1x64x8x8xf32>, tensor<4x64xf32>, tensor<64x4xf32>, tensor<1x64x4x4xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// post_act applies after the residual add.
func.func @post_act_without_residual(%x: tensor<1x64x8x8xf32>, %w1: tensor<4x64xf32>, %w2: tensor<64x4xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{post_act = relu needs a residual operand}}
  %y = se.squeeze_excite %x weights(%w1, %w2) post_act = relu : (tensor<1x64x8x8xf32>, tensor<4x64xf32>, tensor<64x4xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// Knob values are checked by the parser.
func.func @bad_gate(%x: tensor<1x64x8x8xf32>, %w1: tensor<4x64xf32>, %w2: tensor<64x4xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{unknown gate 'softmax'; expected one of: sigmoid, hard_sigmoid, tanh, relu}}
  %y = se.squeeze_excite %x weights(%w1, %w2) gate = softmax : (tensor<1x64x8x8xf32>, tensor<4x64xf32>, tensor<64x4xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

func.func @bad_layout(%x: tensor<1x64x8x8xf32>, %w1: tensor<4x64xf32>, %w2: tensor<64x4xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{unknown layout 'nchwc'; expected one of: nchw, nhwc}}
  %y = se.squeeze_excite %x weights(%w1, %w2) layout = nchwc : (tensor<1x64x8x8xf32>, tensor<4x64xf32>, tensor<64x4xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// Unknown knob names are named.
func.func @bad_knob(%x: tensor<1x64x8x8xf32>, %w1: tensor<4x64xf32>, %w2: tensor<64x4xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{unknown knob 'ratio'; expected one of: layout, squeeze, excitation, inner_act, gate, post_act}}
  %y = se.squeeze_excite %x weights(%w1, %w2) ratio = relu : (tensor<1x64x8x8xf32>, tensor<4x64xf32>, tensor<64x4xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// A knob may be given once.
func.func @twice(%x: tensor<1x64x8x8xf32>, %w1: tensor<4x64xf32>, %w2: tensor<64x4xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{knob 'gate' is given twice}}
  %y = se.squeeze_excite %x weights(%w1, %w2) gate = tanh squeeze = max gate = relu : (tensor<1x64x8x8xf32>, tensor<4x64xf32>, tensor<64x4xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// Operand and type counts must agree.
func.func @type_count(%x: tensor<1x64x8x8xf32>, %w1: tensor<4x64xf32>, %w2: tensor<64x4xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{number of operands and types do not match: got 3 operands and 2 types}}
  %y = se.squeeze_excite %x weights(%w1, %w2) : (tensor<1x64x8x8xf32>, tensor<4x64xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// Operands must be ranked tensors.
func.func @memref_operand(%x: memref<1x64x8x8xf32>, %w1: tensor<4x64xf32>, %w2: tensor<64x4xf32>) -> tensor<1x64x8x8xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of any type values, but got 'memref<1x64x8x8xf32>'}}
  %y = se.squeeze_excite %x weights(%w1, %w2) : (memref<1x64x8x8xf32>, tensor<4x64xf32>, tensor<64x4xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}
