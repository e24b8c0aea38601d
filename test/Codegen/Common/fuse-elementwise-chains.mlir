// RUN: se-opt %s --se-fuse-elementwise --split-input-file | FileCheck %s

// The CPU pipeline's mode: element-wise chains only.

#c = affine_map<(n, h, w, c) -> (c)>
#nhwc = affine_map<(n, h, w, c) -> (n, h, w, c)>

// A bias add then SiLU spelled as ONNX does (Sigmoid, Mul): one loop that
// reads the convolution's result once and the bias per channel.
// CHECK-LABEL: func.func @bias_silu
//       CHECK: %[[Y:.*]] = linalg.generic
//  CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<8xf32>, tensor<1x4x4x8xf32>)
//       CHECK:   arith.addf
//       CHECK:   math.exp
//       CHECK:   arith.mulf
//   CHECK-NOT: linalg.generic
//       CHECK: return %[[Y]]
func.func @bias_silu(%x: tensor<1x4x4x8xf32>, %b: tensor<8xf32>) -> tensor<1x4x4x8xf32> {
  %one = arith.constant 1.0 : f32
  %e0 = tensor.empty() : tensor<1x4x4x8xf32>
  %biased = linalg.generic {indexing_maps = [#c, #nhwc, #nhwc], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%b, %x : tensor<8xf32>, tensor<1x4x4x8xf32>) outs(%e0 : tensor<1x4x4x8xf32>) {
  ^bb0(%bi: f32, %xi: f32, %o: f32):
    %s = arith.addf %bi, %xi : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x8xf32>
  %e1 = tensor.empty() : tensor<1x4x4x8xf32>
  %sig = linalg.generic {indexing_maps = [#nhwc, #nhwc], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%biased : tensor<1x4x4x8xf32>) outs(%e1 : tensor<1x4x4x8xf32>) {
  ^bb0(%xi: f32, %o: f32):
    %n = arith.negf %xi : f32
    %e = math.exp %n : f32
    %d = arith.addf %e, %one : f32
    %s = arith.divf %one, %d : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x8xf32>
  %e2 = tensor.empty() : tensor<1x4x4x8xf32>
  %y = linalg.generic {indexing_maps = [#nhwc, #nhwc, #nhwc], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%biased, %sig : tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) outs(%e2 : tensor<1x4x4x8xf32>) {
  ^bb0(%xi: f32, %si: f32, %o: f32):
    %m = arith.mulf %xi, %si : f32
    linalg.yield %m : f32
  } -> tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}

// -----

#nc = affine_map<(n, c) -> (n, c)>
#fc_in = affine_map<(n, j, c) -> (n, c)>
#fc_w = affine_map<(n, j, c) -> (j, c)>
#fc_out = affine_map<(n, j, c) -> (n, j)>

// Nothing fuses into a reduction.
// CHECK-LABEL: func.func @mean_stays
//       CHECK: linalg.generic
//  CHECK-SAME: iterator_types = ["parallel", "parallel"]
//       CHECK: linalg.generic
//  CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
func.func @mean_stays(%sum: tensor<2x64xf32>, %w: tensor<4x64xf32>, %init: tensor<2x4xf32>) -> tensor<2x4xf32> {
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

// -----

#nc = affine_map<(n, c) -> (n, c)>

// An SE block's tagged ops stay as its lowering left them.
// CHECK-LABEL: func.func @tagged_stays
//       CHECK: linalg.generic
//       CHECK: linalg.generic
//  CHECK-SAME: se.phase = "excite"
func.func @tagged_stays(%z: tensor<2x64xf32>) -> tensor<2x64xf32> {
  %one = arith.constant 1.0 : f32
  %e0 = tensor.empty() : tensor<2x64xf32>
  %a = linalg.generic {indexing_maps = [#nc, #nc], iterator_types = ["parallel", "parallel"]}
      ins(%z : tensor<2x64xf32>) outs(%e0 : tensor<2x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = arith.addf %x, %one : f32
    linalg.yield %s : f32
  } -> tensor<2x64xf32>
  %e1 = tensor.empty() : tensor<2x64xf32>
  %g = linalg.generic {indexing_maps = [#nc, #nc], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<2x64xf32>) outs(%e1 : tensor<2x64xf32>) attrs = {se.block = "b", se.phase = "excite"} {
  ^bb0(%x: f32, %o: f32):
    %m = arith.mulf %x, %x : f32
    linalg.yield %m : f32
  } -> tensor<2x64xf32>
  return %g : tensor<2x64xf32>
}

// -----

#nc = affine_map<(n, c) -> (n, c)>

// A producer read by two ops stays: fused, it would run twice.
// CHECK-LABEL: func.func @two_readers
// CHECK-COUNT-3: linalg.generic
func.func @two_readers(%z: tensor<2x64xf32>) -> (tensor<2x64xf32>, tensor<2x64xf32>) {
  %one = arith.constant 1.0 : f32
  %e0 = tensor.empty() : tensor<2x64xf32>
  %a = linalg.generic {indexing_maps = [#nc, #nc], iterator_types = ["parallel", "parallel"]}
      ins(%z : tensor<2x64xf32>) outs(%e0 : tensor<2x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = math.exp %x : f32
    linalg.yield %s : f32
  } -> tensor<2x64xf32>
  %e1 = tensor.empty() : tensor<2x64xf32>
  %b = linalg.generic {indexing_maps = [#nc, #nc], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<2x64xf32>) outs(%e1 : tensor<2x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %m = arith.mulf %x, %one : f32
    linalg.yield %m : f32
  } -> tensor<2x64xf32>
  %e2 = tensor.empty() : tensor<2x64xf32>
  %c = linalg.generic {indexing_maps = [#nc, #nc], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<2x64xf32>) outs(%e2 : tensor<2x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %m = arith.addf %x, %one : f32
    linalg.yield %m : f32
  } -> tensor<2x64xf32>
  return %b, %c : tensor<2x64xf32>, tensor<2x64xf32>
}
