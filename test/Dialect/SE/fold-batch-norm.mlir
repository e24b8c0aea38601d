// RUN: se-opt %s -split-input-file -se-fold-batch-norm | FileCheck %s

// conv -> * scale -> + shift becomes one convolution with scaled weights and
// bias = bias * scale + shift, computed at compile time.
// CHECK-LABEL: func @folded
// CHECK-NOT: tosa.mul
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense_resource<folded_weights{{.*}}>}> : () -> tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense_resource<folded_bias{{.*}}>}> : () -> tensor<2xf32>
// CHECK: %[[Y:.*]] = tosa.conv2d %{{.*}}, %[[W]], %[[B]]
// CHECK-NOT: tosa.add
// CHECK: return %[[Y]]
// CHECK: folded_weights{{.*}}: "0x040000000000C0400000C0C0"
// CHECK: folded_bias{{.*}}: "0x04000000000080BF00001041"
func.func @folded(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[[2.0]]], [[[-3.0]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<[1.0, 0.5]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %scale = "tosa.const"() <{values = dense<[[[[3.0, 2.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %shift = "tosa.const"() <{values = dense<[[[[-4.0, 8.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %noshift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %m = tosa.mul %c, %scale, %noshift : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1xi8>) -> tensor<1x2x2x2xf32>
  %y = tosa.add %m, %shift : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// A convolution whose output is also used elsewhere keeps its batch norm.
// CHECK-LABEL: func @shared_conv
// CHECK: tosa.mul
// CHECK: tosa.add
func.func @shared_conv(%x: tensor<1x2x2x1xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %w = "tosa.const"() <{values = dense<1.0> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %scale = "tosa.const"() <{values = dense<2.0> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %noshift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %m = tosa.mul %c, %scale, %noshift : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1xi8>) -> tensor<1x2x2x2xf32>
  %y = tosa.add %m, %scale : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x2x2x2xf32>
  return %y, %c : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}

// -----

// The grouped form (2 groups of 1 channel): the scale goes into the filter,
// the shift into the accumulator's initial value; no multiply or add is
// left. Filter values 1, 2 (per output channel) times scale 3, 5.
// CHECK-LABEL: func @grouped
// CHECK-DAG: %[[FILTER:.*]] = arith.constant dense_resource<{{.*}}> : tensor<2x1x1x1x1xf32>
// CHECK-DAG: %[[SHIFT:.*]] = arith.constant dense_resource<{{.*}}> : tensor<2x1xf32>
// CHECK: %[[INIT:.*]] = linalg.broadcast ins(%[[SHIFT]] : tensor<2x1xf32>) outs(%{{.*}} : tensor<1x4x4x2x1xf32>) dimensions = [0, 1, 2]
// CHECK: %[[CONV:.*]] = linalg.conv_2d_nhwgc_gfhwc {{.*}} ins(%{{.*}}, %[[FILTER]] : {{.*}}) outs(%[[INIT]] : tensor<1x4x4x2x1xf32>)
// CHECK: %[[OUT:.*]] = tensor.collapse_shape %[[CONV]]
// CHECK-NOT: tosa.mul
// CHECK-NOT: tosa.add
// CHECK: return %[[OUT]]
func.func @grouped(%x: tensor<1x4x4x2x1xf32>) -> tensor<1x4x4x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = "tosa.const"() <{values = dense<[[[[[1.0]]]], [[[[2.0]]]]]> : tensor<2x1x1x1x1xf32>}> : () -> tensor<2x1x1x1x1xf32>
  %empty = tensor.empty() : tensor<1x4x4x2x1xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x4x4x2x1xf32>) -> tensor<1x4x4x2x1xf32>
  %conv = linalg.conv_2d_nhwgc_gfhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x4x2x1xf32>, tensor<2x1x1x1x1xf32>) outs(%init : tensor<1x4x4x2x1xf32>) -> tensor<1x4x4x2x1xf32>
  %c = tensor.collapse_shape %conv [[0], [1], [2], [3, 4]] : tensor<1x4x4x2x1xf32> into tensor<1x4x4x2xf32>
  %scale = "tosa.const"() <{values = dense<[[[[3.0, 5.0]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %shift = "tosa.const"() <{values = dense<[[[[0.5, -0.5]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %s = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %c, %scale, %s : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xi8>) -> tensor<1x4x4x2xf32>
  %y = tosa.add %m, %shift : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}
