// RUN: se-opt %s -se-cpu-conv-microkernels="vector-width=16" -cse -one-shot-bufferize="bufferize-function-boundaries" -cse -canonicalize | FileCheck %s

// The padded input of a stem convolution is the network's NCHW input
// transposed to NHWC. The padding's fills (its border: rows 0 and 9, then
// columns 0 and 9 of rows 1 to 8) come before the transpose, so the
// transpose writes the padded buffer's interior: one buffer, no copy.
// CHECK-LABEL: func @transposed_input
// CHECK: %[[PADDED:.*]] = memref.alloc() {{.*}} : memref<1x10x10x3xf32>
// CHECK: %[[TOP:.*]] = memref.subview %[[PADDED]][0, 0, 0, 0] [1, 1, 10, 3]
// CHECK: linalg.fill {{.*}} outs(%[[TOP]]
// CHECK: %[[BOTTOM:.*]] = memref.subview %[[PADDED]][0, 9, 0, 0] [1, 1, 10, 3]
// CHECK: linalg.fill {{.*}} outs(%[[BOTTOM]]
// CHECK: %[[LEFT:.*]] = memref.subview %[[PADDED]][0, 1, 0, 0] [1, 8, 1, 3]
// CHECK: linalg.fill {{.*}} outs(%[[LEFT]]
// CHECK: %[[RIGHT:.*]] = memref.subview %[[PADDED]][0, 1, 9, 0] [1, 8, 1, 3]
// CHECK: linalg.fill {{.*}} outs(%[[RIGHT]]
// CHECK-NOT: linalg.fill
// CHECK: %[[INTERIOR:.*]] = memref.subview %[[PADDED]][0, 1, 1, 0] [1, 8, 8, 3]
// CHECK: linalg.transpose ins(%{{.*}} : memref<1x3x8x8xf32{{.*}}>) outs(%[[INTERIOR]] :
// CHECK-NOT: memref.copy
// CHECK-NOT: memref.alloc() {{.*}} : memref<1x8x8x3xf32>
// CHECK: return
func.func @transposed_input(%x: tensor<1x3x8x8xf32>) -> tensor<1x8x8x16xf32> {
  %w = arith.constant dense<0.5> : tensor<3x3x3x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8x8x3xf32>
  %t = linalg.transpose ins(%x : tensor<1x3x8x8xf32>) outs(%e : tensor<1x8x8x3xf32>) permutation = [0, 2, 3, 1]
  %p = tensor.pad %t low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x8x8x3xf32> to tensor<1x10x10x3xf32>
  %e2 = tensor.empty() : tensor<1x8x8x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : tensor<1x10x10x3xf32>, tensor<3x3x3x16xf32>) outs(%init : tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
  return %y : tensor<1x8x8x16xf32>
}
