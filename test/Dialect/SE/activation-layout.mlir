// RUN: se-opt %s -split-input-file -se-activation-layout | FileCheck %s

// A block written in NCHW, as the ONNX importer emits it: transposes around
// each convolution, batch norm, ReLU, residual add and an SE-style squeeze
// and scale in NCHW between them. All of it moves to NHWC: the only
// transpose left is the output's, constants are permuted at compile time,
// reduction axes follow.
// CHECK-LABEL: func @block
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x6x6xf32>
// CHECK: %[[IN:.*]] = tosa.transpose %[[X]] {perms = array<i32: 0, 2, 3, 1>}
// CHECK: %[[C0:.*]] = tosa.conv2d %[[IN]]
// CHECK: %[[SCALE:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00]]]]> : tensor<1x1x1x8xf32>}>
// CHECK: %[[BN:.*]] = tosa.mul %[[C0]], %[[SCALE]], %{{.*}} : (tensor<1x6x6x8xf32>, tensor<1x1x1x8xf32>, tensor<1xi8>) -> tensor<1x6x6x8xf32>
// CHECK: %[[R:.*]] = tosa.clamp %[[BN]] {{.*}} -> tensor<1x6x6x8xf32>
// CHECK: %[[C1:.*]] = tosa.conv2d %[[R]]
// CHECK: %[[A:.*]] = tosa.add %[[C1]], %[[R]] : (tensor<1x6x6x8xf32>, tensor<1x6x6x8xf32>) -> tensor<1x6x6x8xf32>
// CHECK: %[[S0:.*]] = tosa.reduce_sum %[[A]] {axis = 1 : i32} : (tensor<1x6x6x8xf32>) -> tensor<1x1x6x8xf32>
// CHECK: %[[S1:.*]] = tosa.reduce_sum %[[S0]] {axis = 2 : i32} : (tensor<1x1x6x8xf32>) -> tensor<1x1x1x8xf32>
// CHECK: %[[G:.*]] = tosa.sigmoid %[[S1]] : (tensor<1x1x1x8xf32>) -> tensor<1x1x1x8xf32>
// CHECK: %[[Y:.*]] = tosa.mul %[[A]], %[[G]], %{{.*}} : (tensor<1x6x6x8xf32>, tensor<1x1x1x8xf32>, tensor<1xi8>) -> tensor<1x6x6x8xf32>
// CHECK: %[[OUT:.*]] = tosa.transpose %[[Y]] {perms = array<i32: 0, 3, 1, 2>}
// CHECK: return %[[OUT]] : tensor<1x8x6x6xf32>
// CHECK-NOT: tosa.transpose
func.func @block(%x: tensor<1x8x6x6xf32>, %w: tensor<8x3x3x8xf32>, %b: tensor<8xf32>) -> tensor<1x8x6x6xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %t0 = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x8x6x6xf32>) -> tensor<1x6x6x8xf32>
  %c0 = tosa.conv2d %t0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x8xf32>, tensor<8x3x3x8xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x8xf32>
  %t1 = tosa.transpose %c0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x6x6x8xf32>) -> tensor<1x8x6x6xf32>
  %scale = "tosa.const"() <{values = dense<[[[[1.0]], [[2.0]], [[3.0]], [[4.0]], [[5.0]], [[6.0]], [[7.0]], [[8.0]]]]> : tensor<1x8x1x1xf32>}> : () -> tensor<1x8x1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %t1, %scale, %shift : (tensor<1x8x6x6xf32>, tensor<1x8x1x1xf32>, tensor<1xi8>) -> tensor<1x8x6x6xf32>
  %r = tosa.clamp %m {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32>
  %t2 = tosa.transpose %r {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x8x6x6xf32>) -> tensor<1x6x6x8xf32>
  %c1 = tosa.conv2d %t2, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x8xf32>, tensor<8x3x3x8xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x8xf32>
  %t3 = tosa.transpose %c1 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x6x6x8xf32>) -> tensor<1x8x6x6xf32>
  %a = tosa.add %t3, %r : (tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32>
  %s = tosa.reduce_sum %a {axis = 2 : i32} : (tensor<1x8x6x6xf32>) -> tensor<1x8x1x6xf32>
  %s2 = tosa.reduce_sum %s {axis = 3 : i32} : (tensor<1x8x1x6xf32>) -> tensor<1x8x1x1xf32>
  %g = tosa.sigmoid %s2 : (tensor<1x8x1x1xf32>) -> tensor<1x8x1x1xf32>
  %y = tosa.mul %a, %g, %shift : (tensor<1x8x6x6xf32>, tensor<1x8x1x1xf32>, tensor<1xi8>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

// An NCHW SE block between two convolutions flips to NHWC; its weights keep
// their layout.
// CHECK-LABEL: func @se_between_convs
// CHECK: %[[C0:.*]] = tosa.conv2d
// CHECK: %[[SE:.*]] = se.squeeze_excite %[[C0]] weights(%{{.*}}, %{{.*}}) layout = nhwc : (tensor<1x4x4x8xf32>, tensor<2x8xf32>, tensor<8x2xf32>) -> tensor<1x4x4x8xf32>
// CHECK: tosa.conv2d %[[SE]]
// CHECK-NOT: tosa.transpose
func.func @se_between_convs(%x: tensor<1x4x4x8xf32>, %w: tensor<8x1x1x8xf32>, %b: tensor<8xf32>, %w1: tensor<2x8xf32>, %w2: tensor<8x2xf32>) -> tensor<1x4x4x8xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x8xf32>, tensor<8x1x1x8xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x8xf32>
  %t0 = tosa.transpose %c0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
  %se = se.squeeze_excite %t0 weights(%w1, %w2) : (tensor<1x8x4x4xf32>, tensor<2x8xf32>, tensor<8x2xf32>) -> tensor<1x8x4x4xf32>
  %t1 = tosa.transpose %se {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x8x4x4xf32>) -> tensor<1x4x4x8xf32>
  %c1 = tosa.conv2d %t1, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x8xf32>, tensor<8x1x1x8xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x8xf32>
  return %c1 : tensor<1x4x4x8xf32>
}

// -----

// Between a graph input and output an NCHW SE block stays NCHW: transposing
// in and out would cost two transposes and save none.
// CHECK-LABEL: func @se_alone
// CHECK-NEXT: se.squeeze_excite %{{.*}} weights(%{{.*}}, %{{.*}}) : (tensor<1x8x4x4xf32>
// CHECK-NEXT: return
func.func @se_alone(%x: tensor<1x8x4x4xf32>, %w1: tensor<2x8xf32>, %w2: tensor<8x2xf32>) -> tensor<1x8x4x4xf32> {
  %se = se.squeeze_excite %x weights(%w1, %w2) : (tensor<1x8x4x4xf32>, tensor<2x8xf32>, tensor<8x2xf32>) -> tensor<1x8x4x4xf32>
  return %se : tensor<1x8x4x4xf32>
}

// -----

// A region with one transpose in and two results returned in NCHW would
// trade one transpose for two: it stays.
// CHECK-LABEL: func @no_gain
// CHECK: tosa.transpose
// CHECK: tosa.clamp {{.*}} -> tensor<1x8x4x4xf32>
// CHECK: tosa.sigmoid {{.*}} -> tensor<1x8x4x4xf32>
func.func @no_gain(%x: tensor<1x4x4x8xf32>) -> (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) {
  %t = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
  %r = tosa.clamp %t {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %s = tosa.sigmoid %r : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %r, %s : tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>
}

// -----

// Concatenation along channels (NCHW axis 1) of two convolutions' outputs
// becomes a concatenation along NHWC axis 3; a pooled vector read by a
// flattening reshape is reshaped to NCHW order, not transposed.
// CHECK-LABEL: func @concat_and_flatten
// CHECK: %[[A:.*]] = tosa.conv2d
// CHECK: %[[B:.*]] = tosa.conv2d
// CHECK: %[[CAT:.*]] = tosa.concat %[[A]], %[[B]] {axis = 3 : i32} : (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x16xf32>
// CHECK: %[[P0:.*]] = tosa.reduce_max %[[CAT]] {axis = 1 : i32}
// CHECK: %[[P1:.*]] = tosa.reduce_max %[[P0]] {axis = 2 : i32} : (tensor<1x1x4x16xf32>) -> tensor<1x1x1x16xf32>
// CHECK: %[[NCHW:.*]] = tosa.reshape %[[P1]], %{{.*}} : (tensor<1x1x1x16xf32>, !tosa.shape<4>) -> tensor<1x16x1x1xf32>
// CHECK: tosa.reshape %[[NCHW]], %{{.*}} -> tensor<1x16xf32>
// CHECK-NOT: tosa.transpose
func.func @concat_and_flatten(%x: tensor<1x4x4x8xf32>, %w: tensor<8x1x1x8xf32>, %b: tensor<8xf32>) -> tensor<1x16xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x8xf32>, tensor<8x1x1x8xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x8xf32>
  %c1 = tosa.conv2d %c0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x8xf32>, tensor<8x1x1x8xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x8xf32>
  %t0 = tosa.transpose %c0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
  %t1 = tosa.transpose %c1 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
  %cat = tosa.concat %t0, %t1 {axis = 1 : i32} : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x16x4x4xf32>
  %p0 = tosa.reduce_max %cat {axis = 2 : i32} : (tensor<1x16x4x4xf32>) -> tensor<1x16x1x4xf32>
  %p1 = tosa.reduce_max %p0 {axis = 3 : i32} : (tensor<1x16x1x4xf32>) -> tensor<1x16x1x1xf32>
  %shape = tosa.const_shape {values = dense<[1, 16]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %flat = tosa.reshape %p1, %shape : (tensor<1x16x1x1xf32>, !tosa.shape<2>) -> tensor<1x16xf32>
  return %flat : tensor<1x16xf32>
}

// -----

// A feature map that is not a transpose or a constant enters the region by
// a new transpose when the region gains overall: two transposes go, one
// comes.
// CHECK-LABEL: func @mixed_inputs
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x4x8xf32>, %[[Y:.*]]: tensor<1x8x4x4xf32>
// CHECK: %[[YT:.*]] = tosa.transpose %[[Y]] {perms = array<i32: 0, 2, 3, 1>}
// CHECK: %[[A:.*]] = tosa.add %[[X]], %[[YT]] : (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
// CHECK: %[[R:.*]] = tosa.clamp %[[A]]
// CHECK: return %[[R]] : tensor<1x4x4x8xf32>
func.func @mixed_inputs(%x: tensor<1x4x4x8xf32>, %y: tensor<1x8x4x4xf32>) -> tensor<1x4x4x8xf32> {
  %t = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
  %a = tosa.add %t, %y : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %r = tosa.clamp %a {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %back = tosa.transpose %r {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x8x4x4xf32>) -> tensor<1x4x4x8xf32>
  return %back : tensor<1x4x4x8xf32>
}

// -----

// An operand of unknown extent cannot be permuted with the others: the
// region stays as written.
// CHECK-LABEL: func @dynamic_operand
// CHECK: tosa.transpose
// CHECK: tosa.add {{.*}} : (tensor<1x8x4x4xf32>, tensor<?x8x4x4xf32>) -> tensor<1x8x4x4xf32>
// CHECK: tosa.transpose
func.func @dynamic_operand(%x: tensor<1x4x4x8xf32>, %y: tensor<?x8x4x4xf32>) -> tensor<1x4x4x8xf32> {
  %t = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
  %a = tosa.add %t, %y : (tensor<1x8x4x4xf32>, tensor<?x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %back = tosa.transpose %a {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x8x4x4xf32>) -> tensor<1x4x4x8xf32>
  return %back : tensor<1x4x4x8xf32>
}

// -----

// Quantization steps between convolutions (a QDQ model) move with the
// feature maps: the per-axis one's axis follows the channels (1 -> 3), the
// 8-bit values stay NHWC, no transpose is left between the convolutions.
// CHECK-LABEL: func @quantized
// CHECK: %[[C0:.*]] = tosa.conv2d
// CHECK: %[[R:.*]] = tosa.clamp %[[C0]] {{.*}} -> tensor<1x6x6x8xf32>
// CHECK: %[[Q:.*]] = se.quantize %[[R]] u8 scales [5.000000e-02] zero_points [0] : tensor<1x6x6x8xf32> -> tensor<1x6x6x8xi8>
// CHECK: %[[D:.*]] = se.dequantize %[[Q]] u8 scales [{{.*}}] zero_points [{{.*}}] axis 3 : tensor<1x6x6x8xi8> -> tensor<1x6x6x8xf32>
// CHECK: tosa.conv2d %[[D]]
// CHECK-NOT: tosa.transpose
// CHECK: return
func.func @quantized(%x: tensor<1x6x6x8xf32>, %w: tensor<8x3x3x8xf32>, %b: tensor<8xf32>) -> tensor<1x6x6x8xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x8xf32>, tensor<8x3x3x8xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x8xf32>
  %t0 = tosa.transpose %c0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x6x6x8xf32>) -> tensor<1x8x6x6xf32>
  %r = tosa.clamp %t0 {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x8x6x6xf32>) -> tensor<1x8x6x6xf32>
  %q = se.quantize %r u8 scales [0.05] zero_points [0] : tensor<1x8x6x6xf32> -> tensor<1x8x6x6xi8>
  %d = se.dequantize %q u8 scales [0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.1] zero_points [0, 0, 0, 0, 0, 0, 0, 1] axis 1 : tensor<1x8x6x6xi8> -> tensor<1x8x6x6xf32>
  %t1 = tosa.transpose %d {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x8x6x6xf32>) -> tensor<1x6x6x8xf32>
  %c1 = tosa.conv2d %t1, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x8xf32>, tensor<8x3x3x8xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x8xf32>
  return %c1 : tensor<1x6x6x8xf32>
}
