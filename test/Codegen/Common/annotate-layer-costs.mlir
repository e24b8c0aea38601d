// RUN: se-opt %s -se-annotate-layer-costs | FileCheck %s

// One entry per named layer, in program order. conv1: 1x4x4x8 outputs x
// 3x3x4 MACs = 4608; bytes = its input (256) + weights (1152) + bias (32),
// the result goes to another layer (512). relu1 reads conv1's result and
// returns its own: 512 + 512. dw: 1x2x2x8 outputs x 3x3 = 288 MACs.
// CHECK: module attributes {se.layer_costs = [
// CHECK-SAME: {bytes = 1952 : i64, kind = "conv2d 3x3/s1", macs = 4608 : i64, name = "conv1", shape = array<i64: 1, 4, 4, 8>}
// CHECK-SAME: {bytes = 1024 : i64, kind = "clamp", macs = 0 : i64, name = "relu1", shape = array<i64: 1, 4, 4, 8>}
// CHECK-SAME: {bytes = 928 : i64, kind = "depthwise_conv2d 3x3/s2", macs = 288 : i64, name = "dw", shape = array<i64: 1, 2, 2, 8>}
// CHECK-SAME: ]}
func.func @layers(%x: tensor<1x4x4x4xf32>) -> (tensor<1x4x4x8xf32>, tensor<1x2x2x8xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<0.5> : tensor<8x3x3x4xf32>} : () -> tensor<8x3x3x4xf32>
  %b = "tosa.const"() {values = dense<0.1> : tensor<8xf32>} : () -> tensor<8xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<8x3x3x4xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x8xf32> loc("conv1")
  %r = tosa.clamp %c {max_val = 3.40282347e+38 : f32, min_val = 0.0 : f32} : (tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> loc("relu1")
  %dw = "tosa.const"() {values = dense<0.5> : tensor<3x3x8x1xf32>} : () -> tensor<3x3x8x1xf32>
  %d = tosa.depthwise_conv2d %r, %dw, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x8xf32>, tensor<3x3x8x1xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x8xf32> loc(fused["dw", "other"])
  return %r, %d : tensor<1x4x4x8xf32>, tensor<1x2x2x8xf32>
}
