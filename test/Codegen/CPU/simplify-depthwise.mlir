// RUN: se-opt %s -split-input-file -se-cpu-simplify-depthwise --mlir-elide-resource-strings-if-larger=16 | FileCheck %s

// TOSA's form (a channel multiplier of 1, the result collapsed to NHWC)
// becomes the NHWC depthwise convolution: the filter re-made as 3x3x8, the
// zero fill of the 5-D result a fill of the 4-D one.
// CHECK-LABEL: func.func @multiplier_one
// CHECK-SAME: (%[[X:.*]]: tensor<1x6x6x8xf32>)
// CHECK-DAG: %[[W:.*]] = arith.constant dense_resource<depthwise_hwc{{.*}}> : tensor<3x3x8xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x2x2x8xf32>)
// CHECK: %[[C:.*]] = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[X]], %[[W]] : tensor<1x6x6x8xf32>, tensor<3x3x8xf32>) outs(%[[F]] : tensor<1x2x2x8xf32>)
// CHECK: return %[[C]]
// CHECK-NOT: depthwise_conv_2d_nhwc_hwcm
func.func @multiplier_one(%x: tensor<1x6x6x8xf32>) -> tensor<1x2x2x8xf32> {
  %w = arith.constant dense<0.5> : tensor<3x3x8x1xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x2x8x1xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x2x2x8x1xf32>) -> tensor<1x2x2x8x1xf32>
  %c = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<1x6x6x8xf32>, tensor<3x3x8x1xf32>) outs(%f : tensor<1x2x2x8x1xf32>) -> tensor<1x2x2x8x1xf32>
  %r = tensor.collapse_shape %c [[0], [1], [2], [3, 4]] : tensor<1x2x2x8x1xf32> into tensor<1x2x2x8xf32>
  return %r : tensor<1x2x2x8xf32>
}

// -----

// Any other initial value is collapsed with it.
// CHECK-LABEL: func.func @initial_tensor
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x4x8xf32>, %[[I:.*]]: tensor<1x2x2x8x1xf32>)
// CHECK: %[[O:.*]] = tensor.collapse_shape %[[I]] {{\[\[}}0], [1], [2], [3, 4]]
// CHECK: linalg.depthwise_conv_2d_nhwc_hwc {{.*}} outs(%[[O]] : tensor<1x2x2x8xf32>)
func.func @initial_tensor(%x: tensor<1x4x4x8xf32>, %i: tensor<1x2x2x8x1xf32>) -> tensor<1x2x2x8xf32> {
  %w = arith.constant dense<0.5> : tensor<3x3x8x1xf32>
  %c = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x4x8xf32>, tensor<3x3x8x1xf32>) outs(%i : tensor<1x2x2x8x1xf32>) -> tensor<1x2x2x8x1xf32>
  %r = tensor.collapse_shape %c [[0], [1], [2], [3, 4]] : tensor<1x2x2x8x1xf32> into tensor<1x2x2x8xf32>
  return %r : tensor<1x2x2x8xf32>
}

// -----

// Left as they are: a channel multiplier of 2, a filter that is not a
// constant, a result used as it is.
// CHECK-LABEL: func.func @left_alone
// CHECK-COUNT-3: linalg.depthwise_conv_2d_nhwc_hwcm
// CHECK-NOT: linalg.depthwise_conv_2d_nhwc_hwc
func.func @left_alone(%x: tensor<1x4x4x8xf32>, %wv: tensor<3x3x8x1xf32>) -> (tensor<1x2x2x16xf32>, tensor<1x2x2x8xf32>, tensor<1x2x2x8x1xf32>) {
  %w2 = arith.constant dense<0.5> : tensor<3x3x8x2xf32>
  %w = arith.constant dense<0.5> : tensor<3x3x8x1xf32>
  %z = arith.constant 0.0 : f32
  %e2 = tensor.empty() : tensor<1x2x2x8x2xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<1x2x2x8x2xf32>) -> tensor<1x2x2x8x2xf32>
  %c2 = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w2 : tensor<1x4x4x8xf32>, tensor<3x3x8x2xf32>) outs(%f2 : tensor<1x2x2x8x2xf32>) -> tensor<1x2x2x8x2xf32>
  %r2 = tensor.collapse_shape %c2 [[0], [1], [2], [3, 4]] : tensor<1x2x2x8x2xf32> into tensor<1x2x2x16xf32>
  %e = tensor.empty() : tensor<1x2x2x8x1xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x2x2x8x1xf32>) -> tensor<1x2x2x8x1xf32>
  %cv = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %wv : tensor<1x4x4x8xf32>, tensor<3x3x8x1xf32>) outs(%f : tensor<1x2x2x8x1xf32>) -> tensor<1x2x2x8x1xf32>
  %rv = tensor.collapse_shape %cv [[0], [1], [2], [3, 4]] : tensor<1x2x2x8x1xf32> into tensor<1x2x2x8xf32>
  %c = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x4x8xf32>, tensor<3x3x8x1xf32>) outs(%f : tensor<1x2x2x8x1xf32>) -> tensor<1x2x2x8x1xf32>
  return %r2, %rv, %c : tensor<1x2x2x16xf32>, tensor<1x2x2x8xf32>, tensor<1x2x2x8x1xf32>
}

// -----

// The integer forms: i8 codes into i32, with zero points (hwcm_q -> hwc_q)
// or without.
// CHECK-LABEL: func.func @integer
// CHECK-SAME: (%[[X:.*]]: tensor<1x6x6x8xi8>)
// CHECK-DAG: %[[ZP:.*]] = arith.constant -5 : i32
// CHECK-DAG: arith.constant dense_resource<depthwise_hwc_int8{{.*}}> : tensor<3x3x8xi8>
// CHECK: %[[Q:.*]] = linalg.depthwise_conv_2d_nhwc_hwc_q {{.*}} ins(%[[X]], %[[W:.*]], %[[ZP]], %{{.*}} : tensor<1x6x6x8xi8>, tensor<3x3x8xi8>, i32, i32) outs(%{{.*}} : tensor<1x4x4x8xi32>)
// CHECK: %[[P:.*]] = linalg.depthwise_conv_2d_nhwc_hwc {{.*}} ins(%[[X]], %{{.*}} : tensor<1x6x6x8xi8>, tensor<3x3x8xi8>) outs(%{{.*}} : tensor<1x4x4x8xi32>)
// CHECK: return %[[Q]], %[[P]]
// CHECK-NOT: depthwise_conv_2d_nhwc_hwcm
func.func @integer(%x: tensor<1x6x6x8xi8>) -> (tensor<1x4x4x8xi32>, tensor<1x4x4x8xi32>) {
  %w = arith.constant dense<[[[[1], [2], [3], [4], [5], [6], [7], [8]], [[1], [2], [3], [4], [5], [6], [7], [8]], [[1], [2], [3], [4], [5], [6], [7], [8]]], [[[1], [2], [3], [4], [5], [6], [7], [8]], [[1], [2], [3], [4], [5], [6], [7], [8]], [[1], [2], [3], [4], [5], [6], [7], [8]]], [[[1], [2], [3], [4], [5], [6], [7], [8]], [[1], [2], [3], [4], [5], [6], [7], [8]], [[1], [2], [3], [4], [5], [6], [7], [-8]]]]> : tensor<3x3x8x1xi8>
  %zp = arith.constant -5 : i32
  %z = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x4x4x8x1xi32>
  %f = linalg.fill ins(%z : i32) outs(%e : tensor<1x4x4x8x1xi32>) -> tensor<1x4x4x8x1xi32>
  %c = linalg.depthwise_conv_2d_nhwc_hwcm_q {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w, %zp, %z : tensor<1x6x6x8xi8>, tensor<3x3x8x1xi8>, i32, i32) outs(%f : tensor<1x4x4x8x1xi32>) -> tensor<1x4x4x8x1xi32>
  %r = tensor.collapse_shape %c [[0], [1], [2], [3, 4]] : tensor<1x4x4x8x1xi32> into tensor<1x4x4x8xi32>
  %c0 = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x6x6x8xi8>, tensor<3x3x8x1xi8>) outs(%f : tensor<1x4x4x8x1xi32>) -> tensor<1x4x4x8x1xi32>
  %r0 = tensor.collapse_shape %c0 [[0], [1], [2], [3, 4]] : tensor<1x4x4x8x1xi32> into tensor<1x4x4x8xi32>
  return %r, %r0 : tensor<1x4x4x8xi32>, tensor<1x4x4x8xi32>
}
