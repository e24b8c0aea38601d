// RUN: se-opt %s --se-fuse-elementwise=into-reductions=true --split-input-file | FileCheck %s

#pc = affine_map<(n, p, c) -> (n, c)>
#npc = affine_map<(n, p, c) -> (n, p, c)>
#nc = affine_map<(n, c) -> (n, c)>

// The per-channel gate stays its own op: fused into the per-pixel scale it
// would be computed once per pixel.
// CHECK-LABEL: func.func @gate_then_scale
//       CHECK: math.exp
//       CHECK: linalg.yield
//       CHECK: linalg.generic
//   CHECK-NOT: math.exp
func.func @gate_then_scale(%z: tensor<2x64xf32>, %u: tensor<2x49x64xf32>) -> tensor<2x49x64xf32> {
  %one = arith.constant 1.0 : f32
  %e0 = tensor.empty() : tensor<2x64xf32>
  %gate = linalg.generic {indexing_maps = [#nc, #nc], iterator_types = ["parallel", "parallel"]}
      ins(%z : tensor<2x64xf32>) outs(%e0 : tensor<2x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    %e = math.exp %n : f32
    %d = arith.addf %one, %e : f32
    %s = arith.divf %one, %d : f32
    linalg.yield %s : f32
  } -> tensor<2x64xf32>
  %e1 = tensor.empty() : tensor<2x49x64xf32>
  %y = linalg.generic {indexing_maps = [#npc, #pc, #npc], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%u, %gate : tensor<2x49x64xf32>, tensor<2x64xf32>) outs(%e1 : tensor<2x49x64xf32>) {
  ^bb0(%x: f32, %g: f32, %o: f32):
    %m = arith.mulf %x, %g : f32
    linalg.yield %m : f32
  } -> tensor<2x49x64xf32>
  return %y : tensor<2x49x64xf32>
}

// -----

#nc = affine_map<(n, c) -> (n, c)>
#fc_in = affine_map<(n, j, c) -> (n, c)>
#fc_w = affine_map<(n, j, c) -> (j, c)>
#fc_out = affine_map<(n, j, c) -> (n, j)>

// The squeeze's 1/HW fuses into the FC that reads it (a reduction).
// CHECK-LABEL: func.func @mean_into_fc
//       CHECK: linalg.generic
//  CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
//       CHECK:   arith.mulf
//       CHECK:   arith.mulf
//       CHECK:   arith.addf
//   CHECK-NOT: linalg.generic
func.func @mean_into_fc(%sum: tensor<2x64xf32>, %w: tensor<4x64xf32>, %init: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %inv = arith.constant 0.0204081628 : f32
  %e0 = tensor.empty() : tensor<2x64xf32>
  %mean = linalg.generic {indexing_maps = [#nc, #nc], iterator_types = ["parallel", "parallel"]}
      ins(%sum : tensor<2x64xf32>) outs(%e0 : tensor<2x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %m = arith.mulf %x, %inv : f32
    linalg.yield %m : f32
  } -> tensor<2x64xf32>
  %h = linalg.generic {indexing_maps = [#fc_in, #fc_w, #fc_out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%mean, %w : tensor<2x64xf32>, tensor<4x64xf32>) outs(%init : tensor<2x4xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  return %h : tensor<2x4xf32>
}
