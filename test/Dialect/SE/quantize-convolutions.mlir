// RUN: se-opt %s '-se-quantize-convolutions=ranges=-1,4,0,2.55' | FileCheck %s
// RUN: se-opt %s -se-expose-calibration-activations | FileCheck %s --check-prefix=EXPOSE
// RUN: not se-opt %s '-se-quantize-convolutions=ranges=-1,4' 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: not se-opt %s '-se-quantize-convolutions=ranges=-1,4,0' 2>&1 | FileCheck %s --check-prefix=PAIRS
// RUN: se-opt %s '-se-quantize-convolutions=ranges=-1,4,0,2.55 largest-weight-code=64' | FileCheck %s --check-prefix=CODE64
// RUN: not se-opt %s '-se-quantize-convolutions=ranges=-1,4,0,2.55 largest-weight-code=128' 2>&1 | FileCheck %s --check-prefix=CODE128

// Two activations: %x (read by the first convolution and, through a crop,
// the second: one quantize/dequantize pair) and the ReLU's result; a
// convolution whose input is dequantized already, or whose weight is not a
// constant, stays. u8 over [-1, 4]: scale 5/255, zero point 1/scale = 51;
// over [0, 2.55]: 0.01 and 0. The shared weight is quantized once,
// symmetric per filter: [1.27, -0.6] / 0.01 = [127, -60] (0x7F, 0xC4),
// [0.5, 0.2] / (0.5/127) = [127, 50.8 -> 51] (0x7F, 0x33).
// CHECK-LABEL: func.func @convs
// CHECK: %[[QX:.*]] = se.quantize %arg0 u8 scales [1.960784e-02] zero_points [51]
// CHECK: %[[X:.*]] = se.dequantize %[[QX]] u8 scales [1.960784e-02] zero_points [51]
// CHECK: %[[CODES:.*]] = "tosa.const"() <{values = dense_resource<[[BLOB:quantized[_0-9]*]]> : tensor<2x1x1x2xi8>}>
// CHECK: %[[W:.*]] = se.dequantize %[[CODES]] i8 scales [1.000000e-02, 3.937008e-03] zero_points [0, 0] axis 0
// CHECK: %[[A:.*]] = tosa.conv2d %[[X]], %[[W]],
// CHECK: %[[RELU:.*]] = tosa.clamp %[[A]]
// CHECK: %[[QR:.*]] = se.quantize %[[RELU]] u8 scales [1.000000e-02] zero_points [0]
// CHECK: %[[R:.*]] = se.dequantize %[[QR]]
// CHECK: %[[CROP:.*]] = tosa.slice %[[X]]
// CHECK: tosa.conv2d %[[CROP]], %[[W]],
// CHECK: tosa.conv2d %[[R]], %[[W]],
// CHECK: %[[DQ:.*]] = se.dequantize %arg2 u8 scales [5.000000e-01] zero_points [3]
// CHECK: tosa.conv2d %[[DQ]], %arg1,
// CHECK-NOT: se.quantize
// CHECK: [[BLOB]]: "0x010000007FC47F33"

// The same activations, flattened and concatenated as the one result.
// EXPOSE-LABEL: func.func @convs
// EXPOSE-SAME: -> tensor<64xf32>
// EXPOSE: %[[RELU:.*]] = tosa.clamp
// EXPOSE: %[[FX:.*]] = tosa.reshape %arg0, %{{.*}} -> tensor<32xf32>
// EXPOSE: %[[FR:.*]] = tosa.reshape %[[RELU]], %{{.*}} -> tensor<32xf32>
// EXPOSE: %[[ALL:.*]] = tosa.concat %[[FX]], %[[FR]] {axis = 0 : i32}
// EXPOSE: return %[[ALL]] : tensor<64xf32>

// With codes up to 64 (what se-compile takes without VNNI): [1.27, -0.6] /
// (1.27/64) = [64, -30.2 -> -30] (0x40, 0xE2), [0.5, 0.2] / (0.5/64) = [64,
// 25.6 -> 26] (0x40, 0x1A).
// CODE64-LABEL: func.func @convs
// CODE64: se.dequantize %{{.*}} i8 scales [1.984375e-02, 7.812500e-03] zero_points [0, 0] axis 0
// CODE64: "0x0100000040E2401A"
// CODE128: error: the largest weight code must be 1 to 127, got 128

// COUNT: error: quantization needs one range per quantizable activation: 2 activations, 1 ranges
// PAIRS: error: ranges must be lo,hi pairs
func.func @convs(%x: tensor<1x4x4x2xf32>, %w: tensor<2x1x1x2xf32>, %q: tensor<1x4x4x2xi8>) -> (tensor<1x4x4x2xf32>, tensor<1x2x2x2xf32>, tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) {
  %weight = "tosa.const"() <{values = dense<[[[[1.27, -0.6]]], [[[0.5, 0.2]]]]> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32>
  %bias = "tosa.const"() <{values = dense<[0.5, -0.5]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %a = tosa.conv2d %x, %weight, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %relu = tosa.clamp %a {max_val = 3.40282347E+38 : f32, min_val = 0.000000e+00 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %start = tosa.const_shape {values = dense<0> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 2, 2, 2]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %crop = tosa.slice %x, %start, %size : (tensor<1x4x4x2xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x2x2x2xf32>
  %b = tosa.conv2d %crop, %weight, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %c = tosa.conv2d %relu, %weight, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %dq = se.dequantize %q u8 scales [0.5] zero_points [3] : tensor<1x4x4x2xi8> -> tensor<1x4x4x2xf32>
  %d = tosa.conv2d %dq, %w, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %relu, %b, %c, %d : tensor<1x4x4x2xf32>, tensor<1x2x2x2xf32>, tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>
}

