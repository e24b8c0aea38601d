// RUN: se-opt %s -split-input-file -se-pack-conv-weights | FileCheck %s

// A convolution with a constant FHWC filter (what TOSA lowers to) becomes
// the HWCF form with the filter transposed at compile time: 3 filters of 2
// channels, [[1, 2], [3, 4], [5, 6]], become [[1, 3, 5], [2, 4, 6]].
// CHECK-LABEL: func.func @constant_filter
// CHECK: %[[W:.*]] = arith.constant dense_resource<[[BLOB:conv_hwcf[_0-9]*]]> : tensor<1x1x2x3xf32>
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} ins(%{{.*}}, %[[W]] : tensor<1x4x4x2xf32>, tensor<1x1x2x3xf32>)
// CHECK-NOT: linalg.conv_2d_nhwc_fhwc
// CHECK: [[BLOB]]: "0x040000000000803F000040400000A04000000040000080400000C040"
func.func @constant_filter(%x: tensor<1x4x4x2xf32>, %init: tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]], [[[5.0, 6.0]]]]> : tensor<3x1x1x2xf32>
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>) outs(%init : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  return %y : tensor<1x4x4x3xf32>
}

// -----

// A filter known only at run time stays as it is.
// CHECK-LABEL: func.func @argument_filter
// CHECK: linalg.conv_2d_nhwc_fhwc
func.func @argument_filter(%x: tensor<1x4x4x2xf32>, %w: tensor<3x1x1x2xf32>, %init: tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32> {
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>) outs(%init : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  return %y : tensor<1x4x4x3xf32>
}
