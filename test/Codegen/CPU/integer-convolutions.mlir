// RUN: se-opt %s -split-input-file -se-cpu-integer-convolutions | FileCheck %s

// A QDQ convolution: u8 activations per tensor, int8 weights per output
// channel. The u8 pair becomes i8 (zero point 130 -> 2), the convolution
// runs on the codes in i32, and acc * (s_x * s_w[f]) + b gives the float
// result the ReLU and the next quantization read.
// CHECK-LABEL: func.func @qdq_conv
// CHECK: %[[Q:.*]] = se.quantize %{{.*}} i8 scales [5.000000e-02] zero_points [2]
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<{{.*}}> : tensor<8x3x3x4xi8>}>
// CHECK-DAG: %[[ZERO_BIAS:.*]] = "tosa.const"() <{values = dense<0> : tensor<8xi32>}>
// CHECK-DAG: %[[IZP:.*]] = "tosa.const"() <{values = dense<2> : tensor<1xi8>}>
// CHECK-DAG: %[[WZP:.*]] = "tosa.const"() <{values = dense<0> : tensor<1xi8>}>
// CHECK: %[[ACC:.*]] = tosa.conv2d %[[Q]], %[[W]], %[[ZERO_BIAS]], %[[IZP]], %[[WZP]] {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xi8>, tensor<8x3x3x4xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x6x6x8xi32>
// CHECK: %[[F:.*]] = tosa.cast %[[ACC]] : (tensor<1x6x6x8xi32>) -> tensor<1x6x6x8xf32>
// CHECK: %[[SCALES:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}0.00500000035, 0.0100000007, 0.00500000035, {{.*}}]]]]> : tensor<1x1x1x8xf32>}>
// CHECK: %[[SCALED:.*]] = tosa.mul %[[F]], %[[SCALES]]
// CHECK: %[[BIAS:.*]] = tosa.reshape %{{.*}} : (tensor<8xf32>, !tosa.shape<4>) -> tensor<1x1x1x8xf32>
// CHECK: %[[Y:.*]] = tosa.add %[[SCALED]], %[[BIAS]]
// CHECK: tosa.clamp %[[Y]]
// CHECK-NOT: se.dequantize
func.func @qdq_conv(%x: tensor<1x6x6x4xf32>) -> tensor<1x6x6x8xi8> {
  %q = se.quantize %x u8 scales [0.05] zero_points [130] : tensor<1x6x6x4xf32> -> tensor<1x6x6x4xi8>
  %dq = se.dequantize %q u8 scales [0.05] zero_points [130] : tensor<1x6x6x4xi8> -> tensor<1x6x6x4xf32>
  %codes = "tosa.const"() <{values = dense<3> : tensor<8x3x3x4xi8>}> : () -> tensor<8x3x3x4xi8>
  %w = se.dequantize %codes i8 scales [0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2] zero_points [0, 0, 0, 0, 0, 0, 0, 0] axis 0 : tensor<8x3x3x4xi8> -> tensor<8x3x3x4xf32>
  %b = "tosa.const"() <{values = dense<0.5> : tensor<8xf32>}> : () -> tensor<8xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %dq, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xf32>, tensor<8x3x3x4xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x8xf32>
  %r = tosa.clamp %y {max_val = 3.40282347E+38 : f32, min_val = 0.0 : f32} : (tensor<1x6x6x8xf32>) -> tensor<1x6x6x8xf32>
  %out = se.quantize %r u8 scales [0.1] zero_points [0] : tensor<1x6x6x8xf32> -> tensor<1x6x6x8xi8>
  return %out : tensor<1x6x6x8xi8>
}

// -----

// What stays float: an activation whose u8 quantization a graph output
// also reads (it stays u8), a per-channel activation, a dilated
// convolution, float weights, u8 weights with a zero point, weights
// quantized per input channel, and a convolution of 7 x 7 x 1344 products
// per output, whose sums could overflow the i32 accumulators.
// CHECK-LABEL: func.func @stays_float
// CHECK: se.quantize %{{.*}} u8
// CHECK-NOT: acc_type = i32
func.func @stays_float(%x: tensor<1x6x6x3xf32>, %x4: tensor<1x6x6x4xf32>, %wide: tensor<1x7x7x1344xf32>) -> (tensor<1x6x6x3xi8>, tensor<1x6x6x8xf32>, tensor<1x6x6x8xf32>, tensor<1x6x6x8xf32>, tensor<1x6x6x8xf32>, tensor<1x1x1x8xf32>) {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<8xf32>}> : () -> tensor<8xf32>
  %q3 = se.quantize %x u8 scales [0.05] zero_points [128] : tensor<1x6x6x3xf32> -> tensor<1x6x6x3xi8>
  %dq3 = se.dequantize %q3 u8 scales [0.05] zero_points [128] : tensor<1x6x6x3xi8> -> tensor<1x6x6x3xf32>
  %c3 = "tosa.const"() <{values = dense<3> : tensor<8x3x3x3xi8>}> : () -> tensor<8x3x3x3xi8>
  %w3 = se.dequantize %c3 i8 scales [0.1] zero_points [0] : tensor<8x3x3x3xi8> -> tensor<8x3x3x3xf32>
  %y3 = tosa.conv2d %dq3, %w3, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x3xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x8xf32>
  %qc = se.quantize %x4 i8 scales [0.1, 0.2, 0.1, 0.2] zero_points [0, 0, 0, 0] axis 3 : tensor<1x6x6x4xf32> -> tensor<1x6x6x4xi8>
  %dqc = se.dequantize %qc i8 scales [0.1, 0.2, 0.1, 0.2] zero_points [0, 0, 0, 0] axis 3 : tensor<1x6x6x4xi8> -> tensor<1x6x6x4xf32>
  %c4 = "tosa.const"() <{values = dense<3> : tensor<8x3x3x4xi8>}> : () -> tensor<8x3x3x4xi8>
  %w4 = se.dequantize %c4 i8 scales [0.1] zero_points [0] : tensor<8x3x3x4xi8> -> tensor<8x3x3x4xf32>
  %yc = tosa.conv2d %dqc, %w4, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xf32>, tensor<8x3x3x4xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x8xf32>
  %q4 = se.quantize %x4 i8 scales [0.05] zero_points [0] : tensor<1x6x6x4xf32> -> tensor<1x6x6x4xi8>
  %dq4 = se.dequantize %q4 i8 scales [0.05] zero_points [0] : tensor<1x6x6x4xi8> -> tensor<1x6x6x4xf32>
  %yd = tosa.conv2d %dq4, %w4, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 2, 2>, pad = array<i64: 2, 2, 2, 2>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xf32>, tensor<8x3x3x4xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x8xf32>
  %wf = "tosa.const"() <{values = dense<0.3> : tensor<8x3x3x4xf32>}> : () -> tensor<8x3x3x4xf32>
  %yf = tosa.conv2d %dq4, %wf, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xf32>, tensor<8x3x3x4xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x8xf32>
  %cu = "tosa.const"() <{values = dense<3> : tensor<8x3x3x4xi8>}> : () -> tensor<8x3x3x4xi8>
  %wu = se.dequantize %cu u8 scales [0.1] zero_points [5] : tensor<8x3x3x4xi8> -> tensor<8x3x3x4xf32>
  %yu = tosa.conv2d %dq4, %wu, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xf32>, tensor<8x3x3x4xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x8xf32>
  %ci = "tosa.const"() <{values = dense<3> : tensor<8x3x3x4xi8>}> : () -> tensor<8x3x3x4xi8>
  %wi = se.dequantize %ci i8 scales [0.1, 0.2, 0.1, 0.2] zero_points [0, 0, 0, 0] axis 3 : tensor<8x3x3x4xi8> -> tensor<8x3x3x4xf32>
  %yi = tosa.conv2d %dq4, %wi, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xf32>, tensor<8x3x3x4xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x8xf32>
  %sum = tosa.add %y3, %yc : (tensor<1x6x6x8xf32>, tensor<1x6x6x8xf32>) -> tensor<1x6x6x8xf32>
  %sum2 = tosa.add %yu, %yi : (tensor<1x6x6x8xf32>, tensor<1x6x6x8xf32>) -> tensor<1x6x6x8xf32>
  %qw = se.quantize %wide i8 scales [0.05] zero_points [0] : tensor<1x7x7x1344xf32> -> tensor<1x7x7x1344xi8>
  %dqw = se.dequantize %qw i8 scales [0.05] zero_points [0] : tensor<1x7x7x1344xi8> -> tensor<1x7x7x1344xf32>
  %cw = "tosa.const"() <{values = dense<3> : tensor<8x7x7x1344xi8>}> : () -> tensor<8x7x7x1344xi8>
  %ww = se.dequantize %cw i8 scales [0.1] zero_points [0] : tensor<8x7x7x1344xi8> -> tensor<8x7x7x1344xf32>
  %yw = tosa.conv2d %dqw, %ww, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x7x7x1344xf32>, tensor<8x7x7x1344xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x8xf32>
  return %q3, %sum, %yd, %yf, %sum2, %yw : tensor<1x6x6x3xi8>, tensor<1x6x6x8xf32>, tensor<1x6x6x8xf32>, tensor<1x6x6x8xf32>, tensor<1x6x6x8xf32>, tensor<1x1x1x8xf32>
}

// -----

// A strided convolution reads its input cropped to whole strides, the stem
// the network's input transposed to NHWC: both move to the codes, which
// DQ commutes with. The stem's 3 input channels are padded to 4 with the
// zero point's code (2), its weights with zeros.
// CHECK-LABEL: func.func @cropped
// CHECK: %[[Q:.*]] = se.quantize %{{.*}} i8
// CHECK: %[[CROP:.*]] = tosa.slice %[[Q]], %{{.*}}, %{{.*}} : (tensor<1x8x8x4xi8>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x7x7x4xi8>
// CHECK: tosa.conv2d %[[CROP]], {{.*}} {acc_type = i32, {{.*}}, stride = array<i64: 2, 2>}
// CHECK: %[[NCHW:.*]] = se.quantize %{{.*}} i8 scales [5.000000e-02] zero_points [2] : tensor<1x3x8x8xf32>
// CHECK: %[[NHWC:.*]] = tosa.transpose %[[NCHW]] {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x8x8xi8>) -> tensor<1x8x8x3xi8>
// CHECK: %[[PADDED:.*]] = tensor.pad %[[NHWC]] low[0, 0, 0, 0] high[0, 0, 0, 1]
// CHECK: tensor.yield %{{.*}} : i8
// CHECK: "tosa.const"() <{values = dense<{{.*}}> : tensor<8x3x3x4xi8>}>
// CHECK: tosa.conv2d %[[PADDED]], {{.*}} {acc_type = i32
// CHECK-NOT: se.dequantize
func.func @cropped(%x: tensor<1x8x8x4xf32>, %image: tensor<1x3x8x8xf32>) -> (tensor<1x4x4x8xf32>, tensor<1x8x8x8xf32>) {
  %q = se.quantize %x u8 scales [0.05] zero_points [130] : tensor<1x8x8x4xf32> -> tensor<1x8x8x4xi8>
  %dq = se.dequantize %q u8 scales [0.05] zero_points [130] : tensor<1x8x8x4xi8> -> tensor<1x8x8x4xf32>
  %start = tosa.const_shape {values = dense<0> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 7, 7, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %crop = tosa.slice %dq, %start, %size : (tensor<1x8x8x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x7x7x4xf32>
  %codes = "tosa.const"() <{values = dense<3> : tensor<8x1x1x4xi8>}> : () -> tensor<8x1x1x4xi8>
  %w = se.dequantize %codes i8 scales [0.1] zero_points [0] : tensor<8x1x1x4xi8> -> tensor<8x1x1x4xf32>
  %b = "tosa.const"() <{values = dense<0.5> : tensor<8xf32>}> : () -> tensor<8xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %crop, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x7x7x4xf32>, tensor<8x1x1x4xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x8xf32>
  %q3 = se.quantize %image u8 scales [0.05] zero_points [130] : tensor<1x3x8x8xf32> -> tensor<1x3x8x8xi8>
  %dq3 = se.dequantize %q3 u8 scales [0.05] zero_points [130] : tensor<1x3x8x8xi8> -> tensor<1x3x8x8xf32>
  %nhwc = tosa.transpose %dq3 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x8x8xf32>) -> tensor<1x8x8x3xf32>
  %c3 = "tosa.const"() <{values = dense<3> : tensor<8x3x3x3xi8>}> : () -> tensor<8x3x3x3xi8>
  %w3 = se.dequantize %c3 i8 scales [0.1] zero_points [0] : tensor<8x3x3x3xi8> -> tensor<8x3x3x3xf32>
  %stem = tosa.conv2d %nhwc, %w3, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x3xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x8xf32>
  return %y, %stem : tensor<1x4x4x8xf32>, tensor<1x8x8x8xf32>
}

// -----

// A depthwise convolution (multiplier 1) of codes: its weight's channels on
// axis 2 of KH x KW x C x 1. One with multiplier 2 stays float.
// CHECK-LABEL: func.func @qdq_depthwise
// CHECK: %[[Q:.*]] = se.quantize %{{.*}} i8 scales [5.000000e-02] zero_points [-3]
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<{{.*}}> : tensor<3x3x4x1xi8>}>
// CHECK-DAG: %[[ZERO_BIAS:.*]] = "tosa.const"() <{values = dense<0> : tensor<4xi32>}>
// CHECK-DAG: %[[IZP:.*]] = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}>
// CHECK: %[[ACC:.*]] = tosa.depthwise_conv2d %[[Q]], %[[W]], %[[ZERO_BIAS]], %[[IZP]], %{{.*}} {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>} : (tensor<1x6x6x4xi8>, tensor<3x3x4x1xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x3x3x4xi32>
// CHECK: %[[F:.*]] = tosa.cast %[[ACC]] : (tensor<1x3x3x4xi32>) -> tensor<1x3x3x4xf32>
// CHECK: "tosa.const"() <{values = dense<{{\[\[\[\[}}0.00500000035, 0.0100000007, 0.0150000006, 0.0200000014]]]]> : tensor<1x1x1x4xf32>}>
// CHECK: tosa.mul %[[F]]
// CHECK: tosa.add
// CHECK: tosa.depthwise_conv2d {{.*}} {acc_type = f32
// CHECK-SAME: tensor<3x3x4x2xf32>
func.func @qdq_depthwise(%x: tensor<1x6x6x4xf32>) -> (tensor<1x3x3x4xf32>, tensor<1x6x6x8xf32>) {
  %q = se.quantize %x u8 scales [0.05] zero_points [125] : tensor<1x6x6x4xf32> -> tensor<1x6x6x4xi8>
  %dq = se.dequantize %q u8 scales [0.05] zero_points [125] : tensor<1x6x6x4xi8> -> tensor<1x6x6x4xf32>
  %codes = "tosa.const"() <{values = dense<[[[[1], [-2], [3], [-4]], [[5], [6], [7], [8]], [[9], [10], [11], [12]]], [[[1], [2], [3], [4]], [[5], [6], [7], [8]], [[9], [10], [11], [12]]], [[[1], [2], [3], [4]], [[5], [6], [7], [8]], [[9], [10], [11], [-12]]]]> : tensor<3x3x4x1xi8>}> : () -> tensor<3x3x4x1xi8>
  %w = se.dequantize %codes i8 scales [0.1, 0.2, 0.3, 0.4] zero_points [0, 0, 0, 0] axis 2 : tensor<3x3x4x1xi8> -> tensor<3x3x4x1xf32>
  %b = "tosa.const"() <{values = dense<0.5> : tensor<4xf32>}> : () -> tensor<4xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %dq, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>} : (tensor<1x6x6x4xf32>, tensor<3x3x4x1xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x4xf32>
  %codes2 = "tosa.const"() <{values = dense<3> : tensor<3x3x4x2xi8>}> : () -> tensor<3x3x4x2xi8>
  %w2 = se.dequantize %codes2 i8 scales [0.1] zero_points [0] : tensor<3x3x4x2xi8> -> tensor<3x3x4x2xf32>
  %b2 = "tosa.const"() <{values = dense<0.5> : tensor<8xf32>}> : () -> tensor<8xf32>
  %y2 = tosa.depthwise_conv2d %dq, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xf32>, tensor<3x3x4x2xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x8xf32>
  return %y, %y2 : tensor<1x3x3x4xf32>, tensor<1x6x6x8xf32>
}
