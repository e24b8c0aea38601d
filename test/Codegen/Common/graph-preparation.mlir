// RUN: se-opt %s -split-input-file -se-graph-preparation | FileCheck %s
// RUN: se-opt %s -split-input-file -se-graph-preparation="raise-se=false" | FileCheck %s --check-prefix=NORAISE

// What every target pipeline starts with, and se-compile runs once: an SE
// subgraph spelled in TOSA (pooling, two 1x1-map FCs, ReLU, sigmoid, the
// broadcast multiply) becomes one se.squeeze_excite, and what raising left
// dead goes.
// CHECK-LABEL: func.func @spelled_out
// CHECK: %[[SE:.*]] = se.squeeze_excite %{{.*}} weights(%{{.*}}, %{{.*}}) layout = nhwc
// CHECK-NOT: tosa.avg_pool2d
// CHECK-NOT: tosa.sigmoid
// CHECK: return %[[SE]]
// NORAISE-LABEL: func.func @spelled_out
// NORAISE-NOT: se.squeeze_excite
// NORAISE: tosa.sigmoid
func.func @spelled_out(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %pooled = tosa.avg_pool2d %x, %zp, %zp {acc_type = f32, kernel = array<i64: 4, 4>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x8xf32>
  %w1 = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x8xf32>} : () -> tensor<2x1x1x8xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %h = tosa.conv2d %pooled, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x1x1x8xf32>, tensor<2x1x1x8xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x2xf32>
  %r = tosa.clamp %h {max_val = 3.40282347e+38 : f32, min_val = 0.0 : f32} : (tensor<1x1x1x2xf32>) -> tensor<1x1x1x2xf32>
  %w2 = "tosa.const"() {values = dense<0.25> : tensor<8x1x1x2xf32>} : () -> tensor<8x1x1x2xf32>
  %b2 = "tosa.const"() {values = dense<0.0> : tensor<8xf32>} : () -> tensor<8xf32>
  %g = tosa.conv2d %r, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x1x1x2xf32>, tensor<8x1x1x2xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x8xf32>
  %s = tosa.sigmoid %g : (tensor<1x1x1x8xf32>) -> tensor<1x1x1x8xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %y = tosa.mul %x, %s, %shift : (tensor<1x4x4x8xf32>, tensor<1x1x1x8xf32>, tensor<1xi8>) -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// -----

// NCHW between a graph's input and output: an element-wise region with one
// transpose in and one out is rewritten NHWC-free (the transposes cancel).
// CHECK-LABEL: func.func @transposes_cancel
// CHECK-NOT: tosa.transpose
// CHECK: tosa.clamp %arg0
func.func @transposes_cancel(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x8x4x4xf32>) -> tensor<1x4x4x8xf32>
  %r = tosa.clamp %t {max_val = 3.40282347e+38 : f32, min_val = 0.0 : f32} : (tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %b = tosa.transpose %r {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x8x4x4xf32>
  return %b : tensor<1x8x4x4xf32>
}
