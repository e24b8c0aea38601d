// RUN: se-opt %s --se-gpu-prepare-squeeze-fusion --split-input-file | FileCheck %s

#npc = affine_map<(n, p, c) -> (n, p, c)>
#pc = affine_map<(n, p, c) -> (n, c)>

// The squeeze of a convolution's output gets zero sums of its own, made
// before the convolution and the op that initializes its output; the
// shared fill stays for its other reader.
// CHECK-LABEL: func.func @squeeze_of_conv
//       CHECK: %[[SUMS:.*]] = bufferization.alloc_tensor() : tensor<2x8xf32>
//       CHECK: %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[SUMS]] : tensor<2x8xf32>)
//       CHECK: linalg.fill {{.*}} -> tensor<2x4x4x8xf32>
//       CHECK: linalg.conv_2d_nhwc_hwcf
//       CHECK: %[[SHARED:.*]] = linalg.fill {{.*}} -> tensor<2x8xf32>
//       CHECK: %[[SQUEEZE:.*]] = linalg.generic {{.*}} outs(%[[ZERO]] : tensor<2x8xf32>)
//       CHECK: return %[[SQUEEZE]], %[[SHARED]]
func.func @squeeze_of_conv(%x: tensor<2x6x6x8xf32>, %w: tensor<3x3x8x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x4x8xf32>) -> tensor<2x4x4x8xf32>
  %u = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<2x6x6x8xf32>, tensor<3x3x8x8xf32>) outs(%init : tensor<2x4x4x8xf32>) -> tensor<2x4x4x8xf32>
  %c = tensor.collapse_shape %u [[0], [1, 2], [3]] : tensor<2x4x4x8xf32> into tensor<2x16x8xf32>
  %e2 = tensor.empty() : tensor<2x8xf32>
  %sums = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2x8xf32>) -> tensor<2x8xf32>
  %s = linalg.generic {indexing_maps = [#npc, #pc], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%c : tensor<2x16x8xf32>) outs(%sums : tensor<2x8xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  } -> tensor<2x8xf32>
  return %s, %sums : tensor<2x8xf32>, tensor<2x8xf32>
}

// -----

#npc = affine_map<(n, p, c) -> (n, p, c)>
#pc = affine_map<(n, p, c) -> (n, c)>

// A max squeeze, or a sum of something other than a convolution, stays.
// CHECK-LABEL: func.func @other_reductions
//   CHECK-NOT: bufferization.alloc_tensor
func.func @other_reductions(%x: tensor<2x6x6x8xf32>, %w: tensor<3x3x8x8xf32>, %v: tensor<2x16x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x4x8xf32>) -> tensor<2x4x4x8xf32>
  %u = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<2x6x6x8xf32>, tensor<3x3x8x8xf32>) outs(%init : tensor<2x4x4x8xf32>) -> tensor<2x4x4x8xf32>
  %c = tensor.collapse_shape %u [[0], [1, 2], [3]] : tensor<2x4x4x8xf32> into tensor<2x16x8xf32>
  %e2 = tensor.empty() : tensor<2x8xf32>
  %sums = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2x8xf32>) -> tensor<2x8xf32>
  %m = linalg.generic {indexing_maps = [#npc, #pc], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%c : tensor<2x16x8xf32>) outs(%sums : tensor<2x8xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.maximumf %in, %acc : f32
    linalg.yield %a : f32
  } -> tensor<2x8xf32>
  %s = linalg.generic {indexing_maps = [#npc, #pc], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%v : tensor<2x16x8xf32>) outs(%sums : tensor<2x8xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  } -> tensor<2x8xf32>
  return %m, %s : tensor<2x8xf32>, tensor<2x8xf32>
}
