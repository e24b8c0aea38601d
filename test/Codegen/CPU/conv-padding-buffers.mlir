// RUN: se-opt %s -se-cpu-conv-microkernels="vector-width=16" -cse -one-shot-bufferize="bufferize-function-boundaries" -cse -canonicalize | FileCheck %s

// Two convolutions write padded results of the same shape and padding
// value. Each gets its own buffer, filled and then written in place: the
// fills are not one value after CSE, which bufferization would copy for the
// first writer.
// CHECK-LABEL: func @two_padded_results
// CHECK-COUNT-2: memref.alloc() {{.*}} : memref<1x9x9x16xf32>
// CHECK-NOT: memref.copy
// CHECK: return
func.func @two_padded_results(%x: tensor<1x7x7x8xf32>) -> (tensor<1x9x9x16xf32>, tensor<1x9x9x16xf32>) {
  %w = arith.constant dense<0.5> : tensor<1x1x8x16xf32>
  %w2 = arith.constant dense<0.25> : tensor<1x1x8x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x7x7x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x7x7x8xf32>, tensor<1x1x8x16xf32>) outs(%init : tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32>
  %p = tensor.pad %c low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %cc: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x7x7x16xf32> to tensor<1x9x9x16xf32>
  %e2 = tensor.empty() : tensor<1x7x7x16xf32>
  %init2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32>
  %c2 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w2 : tensor<1x7x7x8xf32>, tensor<1x1x8x16xf32>) outs(%init2 : tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32>
  %p2 = tensor.pad %c2 low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %cc: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x7x7x16xf32> to tensor<1x9x9x16xf32>
  return %p, %p2 : tensor<1x9x9x16xf32>, tensor<1x9x9x16xf32>
}
