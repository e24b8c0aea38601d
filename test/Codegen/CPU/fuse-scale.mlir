// RUN: se-opt %s -split-input-file -se-cpu-fuse-scale-into-consumers -canonicalize -cse | FileCheck %s

#in3 = affine_map<(n, s, c) -> (n, s, c)>
#gate3 = affine_map<(n, s, c) -> (n, c)>
#id4 = affine_map<(n, h, w, c) -> (n, h, w, c)>

// Y = s * U read by a 1x1 convolution and a residual addition: Y is never
// built. The convolution runs row by row and scales the one input row each
// iteration reads; the addition multiplies as it reads U.
// CHECK-LABEL: func.func @post
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-NOT: tensor.expand_shape
// CHECK: scf.for %[[ROW:.*]] = %[[C0]] to %[[C4]] step %[[C1]]
// CHECK:   %[[UROW:.*]] = tensor.extract_slice %arg0[0, %[[ROW]], 0, 0] [1, 1, 4, 8]
// CHECK:   %[[ROWTEMP:.*]] = tensor.empty() : tensor<1x1x4x8xf32>
// CHECK:   %[[SCALED:.*]] = linalg.generic {{.*}} ins(%[[UROW]], %arg1 : tensor<1x1x4x8xf32>, tensor<1x8xf32>) outs(%[[ROWTEMP]] : tensor<1x1x4x8xf32>)
// CHECK:     arith.mulf
// CHECK:   linalg.conv_2d_nhwc_hwcf {{.*}} ins(%[[SCALED]], %arg2 : tensor<1x1x4x8xf32>, tensor<1x1x8x16xf32>)
// CHECK: } {se.block = "b", se.parallel_tiles, se.phase = "scaled-read"}
// CHECK: linalg.generic {{.*}} ins(%arg0, %arg1, %arg3 : tensor<1x4x4x8xf32>, tensor<1x8xf32>, tensor<1x4x4x8xf32>) {{.*}} attrs = {se.block = "b", se.phase = "scaled-read"}
// CHECK:   arith.mulf
// CHECK:   arith.addf
func.func @post(%u: tensor<1x4x4x8xf32>, %gate: tensor<1x8xf32>, %f: tensor<1x1x8x16xf32>, %other: tensor<1x4x4x8xf32>) -> (tensor<1x4x4x16xf32>, tensor<1x4x4x8xf32>) {
  %collapsed = tensor.collapse_shape %u [[0], [1, 2], [3]] : tensor<1x4x4x8xf32> into tensor<1x16x8xf32>
  %e = tensor.empty() : tensor<1x16x8xf32>
  %scaled = linalg.generic {indexing_maps = [#in3, #gate3, #in3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%collapsed, %gate : tensor<1x16x8xf32>, tensor<1x8xf32>) outs(%e : tensor<1x16x8xf32>) attrs = {se.block = "b", se.phase = "scale"} {
  ^bb0(%a: f32, %s: f32, %out: f32):
    %m = arith.mulf %a, %s : f32
    linalg.yield %m : f32
  } -> tensor<1x16x8xf32>
  %y = tensor.expand_shape %scaled [[0], [1, 2], [3]] output_shape [1, 4, 4, 8] : tensor<1x16x8xf32> into tensor<1x4x4x8xf32>
  %zero = arith.constant 0.0 : f32
  %e2 = tensor.empty() : tensor<1x4x4x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%y, %f : tensor<1x4x4x8xf32>, tensor<1x1x8x16xf32>) outs(%init : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  %e3 = tensor.empty() : tensor<1x4x4x8xf32>
  %sum = linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y, %other : tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) outs(%e3 : tensor<1x4x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x8xf32>
  return %conv, %sum : tensor<1x4x4x16xf32>, tensor<1x4x4x8xf32>
}

// -----

#in3 = affine_map<(n, s, c) -> (n, s, c)>
#gate3 = affine_map<(n, s, c) -> (n, c)>

// A reader that cannot apply the scale (here, the function's result): the
// scale stays as it is.
// CHECK-LABEL: func.func @returned
// CHECK: linalg.generic {{.*}} attrs = {se.block = "r", se.phase = "scale"}
// CHECK: tensor.expand_shape
func.func @returned(%u: tensor<1x4x4x8xf32>, %gate: tensor<1x8xf32>) -> tensor<1x4x4x8xf32> {
  %collapsed = tensor.collapse_shape %u [[0], [1, 2], [3]] : tensor<1x4x4x8xf32> into tensor<1x16x8xf32>
  %e = tensor.empty() : tensor<1x16x8xf32>
  %scaled = linalg.generic {indexing_maps = [#in3, #gate3, #in3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%collapsed, %gate : tensor<1x16x8xf32>, tensor<1x8xf32>) outs(%e : tensor<1x16x8xf32>) attrs = {se.block = "r", se.phase = "scale"} {
  ^bb0(%a: f32, %s: f32, %out: f32):
    %m = arith.mulf %a, %s : f32
    linalg.yield %m : f32
  } -> tensor<1x16x8xf32>
  %y = tensor.expand_shape %scaled [[0], [1, 2], [3]] output_shape [1, 4, 4, 8] : tensor<1x16x8xf32> into tensor<1x4x4x8xf32>
  return %y : tensor<1x4x4x8xf32>
}
