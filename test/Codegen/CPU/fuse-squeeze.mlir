// RUN: se-opt %s -split-input-file -se-cpu-fuse-squeeze-into-producer -canonicalize -cse | FileCheck %s
// RUN: se-opt %s -split-input-file -se-cpu-fuse-squeeze-into-producer="winograd=false" -canonicalize -cse | FileCheck %s --check-prefix=DIRECT

#bias = affine_map<(n, h, w, c) -> (c)>
#id4 = affine_map<(n, h, w, c) -> (n, h, w, c)>
#in3 = affine_map<(n, s, c) -> (n, s, c)>
#out3 = affine_map<(n, s, c) -> (n, c)>

// The convolution producing U, with its bias fill, runs row by row; each
// row is summed per channel in the same iteration into an N x H x C tensor
// of partials, which the squeeze then reduces over H. U itself is still
// returned whole (the scale phase reads it).
// CHECK-LABEL: func.func @conv_then_squeeze
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C6:.*]] = arith.constant 6 : index
// CHECK: %[[U:.*]]:2 = scf.for %[[ROW:.*]] = %[[C0]] to %[[C6]] step %[[C1]] iter_args(%[[UACC:.*]] = %{{.*}}, %[[PACC:.*]] = %{{.*}}) -> (tensor<1x6x6x16xf32>, tensor<1x6x16xf32>)
// CHECK:   %[[BIAS:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x1x6x16xf32>)
// CHECK:   %[[CONV:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x3x8x4xf32>, tensor<3x3x4x16xf32>) outs(%[[BIAS]] : tensor<1x1x6x16xf32>)
// CHECK:   %[[ROWSUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "parallel"]} ins(%[[CONV]] : tensor<1x1x6x16xf32>) outs(%{{.*}} : tensor<1x1x16xf32>) attrs = {se.block = "b", se.phase = "squeeze"}
// CHECK:   tensor.insert_slice %[[CONV]] into %[[UACC]][0, %[[ROW]], 0, 0] [1, 1, 6, 16]
// CHECK:   tensor.insert_slice %[[ROWSUM]] into %[[PACC]][0, %[[ROW]], 0] [1, 1, 16]
// CHECK: } {se.block = "b", se.parallel_tiles, se.phase = "produce"}
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[U]]#1 : tensor<1x6x16xf32>) outs(%{{.*}} : tensor<1x16xf32>) attrs = {se.block = "b", se.phase = "squeeze"}
// CHECK: return %[[SUM]], %[[U]]#0
func.func @conv_then_squeeze(%x: tensor<1x8x8x4xf32>, %f: tensor<3x3x4x16xf32>, %b: tensor<16xf32>) -> (tensor<1x16xf32>, tensor<1x6x6x16xf32>) {
  %empty = tensor.empty() : tensor<1x6x6x16xf32>
  %init = linalg.generic {indexing_maps = [#bias, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<16xf32>) outs(%empty : tensor<1x6x6x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x6x6x16xf32>
  %u = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %f : tensor<1x8x8x4xf32>, tensor<3x3x4x16xf32>) outs(%init : tensor<1x6x6x16xf32>) -> tensor<1x6x6x16xf32>
  %collapsed = tensor.collapse_shape %u [[0], [1, 2], [3]] : tensor<1x6x6x16xf32> into tensor<1x36x16xf32>
  %zero = arith.constant 0.0 : f32
  %e2 = tensor.empty() : tensor<1x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x16xf32>) -> tensor<1x16xf32>
  %sum = linalg.generic {indexing_maps = [#in3, #out3], iterator_types = ["parallel", "reduction", "parallel"]} ins(%collapsed : tensor<1x36x16xf32>) outs(%acc : tensor<1x16xf32>) attrs = {se.block = "b", se.phase = "squeeze"} {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<1x16xf32>
  return %sum, %u : tensor<1x16xf32>, tensor<1x6x6x16xf32>
}

// -----

#id4 = affine_map<(n, h, w, c) -> (n, h, w, c)>
#in3 = affine_map<(n, s, c) -> (n, s, c)>
#out3 = affine_map<(n, s, c) -> (n, c)>

// After the addition (SE-POST): the convolution, the residual addition and
// the ReLU run in the row loop, over two images and four rows; both the
// average and the maximum of each row are taken there (avg + max squeeze).
// The identity is only read, a row at a time.
// CHECK-LABEL: func.func @add_relu_then_avg_max
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK: %[[U:.*]]:3 = scf.for %[[N:.*]] = %[[C0]] to %[[C2]] step %[[C1]] iter_args({{.*}}) -> (tensor<2x4x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>)
// CHECK:   scf.for %[[ROW:.*]] = %[[C0]] to %[[C4]] step %[[C1]] iter_args({{.*}}) -> (tensor<2x4x4x8xf32>, tensor<2x4x8xf32>, tensor<2x4x8xf32>)
// CHECK:     linalg.fill {{.*}} -> tensor<1x1x4x8xf32>
// CHECK:     linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<1x1x4x8xf32>
// CHECK:     tensor.extract_slice %{{.*}}[%[[N]], %[[ROW]], 0, 0] [1, 1, 4, 8] [1, 1, 1, 1] : tensor<2x4x4x8xf32> to tensor<1x1x4x8xf32>
// CHECK:     arith.addf
// CHECK:     arith.maximumf
// CHECK:     arith.addf
// CHECK:     arith.maximumf
// CHECK:   } {se.block = "pm", se.phase = "produce"}
// CHECK: } {se.parallel_tiles}
// CHECK: linalg.generic {{.*}} ins(%[[U]]#{{[12]}} : tensor<2x4x8xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[U]]#{{[12]}} : tensor<2x4x8xf32>)
func.func @add_relu_then_avg_max(%x: tensor<2x4x4x8xf32>, %f: tensor<1x1x8x8xf32>, %identity: tensor<2x4x4x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x4x4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %empty = tensor.empty() : tensor<2x4x4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<2x4x4x8xf32>) -> tensor<2x4x4x8xf32>
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %f : tensor<2x4x4x8xf32>, tensor<1x1x8x8xf32>) outs(%init : tensor<2x4x4x8xf32>) -> tensor<2x4x4x8xf32>
  %e1 = tensor.empty() : tensor<2x4x4x8xf32>
  %sum = linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %identity : tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>) outs(%e1 : tensor<2x4x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<2x4x4x8xf32>
  %e2 = tensor.empty() : tensor<2x4x4x8xf32>
  %u = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%sum : tensor<2x4x4x8xf32>) outs(%e2 : tensor<2x4x4x8xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4x8xf32>
  %collapsed = tensor.collapse_shape %u [[0], [1, 2], [3]] : tensor<2x4x4x8xf32> into tensor<2x16x8xf32>
  %e3 = tensor.empty() : tensor<2x8xf32>
  %acc0 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<2x8xf32>) -> tensor<2x8xf32>
  %avg = linalg.generic {indexing_maps = [#in3, #out3], iterator_types = ["parallel", "reduction", "parallel"]} ins(%collapsed : tensor<2x16x8xf32>) outs(%acc0 : tensor<2x8xf32>) attrs = {se.block = "pm", se.phase = "squeeze"} {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<2x8xf32>
  %acc1 = linalg.fill ins(%ninf : f32) outs(%e3 : tensor<2x8xf32>) -> tensor<2x8xf32>
  %max = linalg.generic {indexing_maps = [#in3, #out3], iterator_types = ["parallel", "reduction", "parallel"]} ins(%collapsed : tensor<2x16x8xf32>) outs(%acc1 : tensor<2x8xf32>) attrs = {se.block = "pm", se.phase = "squeeze"} {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %out : f32
    linalg.yield %m : f32
  } -> tensor<2x8xf32>
  return %avg, %max, %u : tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x4x4x8xf32>
}

// -----

#in3 = affine_map<(n, s, c) -> (n, s, c)>
#out3 = affine_map<(n, s, c) -> (n, c)>

// U from outside the function (the first op of a standalone SE block): no
// producer to fuse into; the squeeze stays as it is.
// CHECK-LABEL: func.func @argument
// CHECK-NOT: scf.for
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<1x36x16xf32>)
func.func @argument(%u: tensor<1x6x6x16xf32>) -> tensor<1x16xf32> {
  %collapsed = tensor.collapse_shape %u [[0], [1, 2], [3]] : tensor<1x6x6x16xf32> into tensor<1x36x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16xf32>) -> tensor<1x16xf32>
  %sum = linalg.generic {indexing_maps = [#in3, #out3], iterator_types = ["parallel", "reduction", "parallel"]} ins(%collapsed : tensor<1x36x16xf32>) outs(%acc : tensor<1x16xf32>) attrs = {se.block = "a", se.phase = "squeeze"} {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<1x16xf32>
  return %sum : tensor<1x16xf32>
}

// -----

#id4 = affine_map<(n, h, w, c) -> (n, h, w, c)>
#in3 = affine_map<(n, s, c) -> (n, s, c)>
#out3 = affine_map<(n, s, c) -> (n, c)>

// The convolution's result has another user: it stays whole, outside the
// loop (fusing it would compute it twice); only the ReLU is fused.
// CHECK-LABEL: func.func @shared_conv
// CHECK: %[[CONV:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<1x4x4x8xf32>
// CHECK: scf.for
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
// CHECK:   tensor.extract_slice %[[CONV]]
// CHECK:   arith.maximumf
// CHECK:   arith.addf
// CHECK: } {se.block = "s", se.parallel_tiles, se.phase = "produce"}
func.func @shared_conv(%x: tensor<1x4x4x8xf32>, %f: tensor<1x1x8x8xf32>) -> (tensor<1x8xf32>, tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<1x4x4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %f : tensor<1x4x4x8xf32>, tensor<1x1x8x8xf32>) outs(%init : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %e2 = tensor.empty() : tensor<1x4x4x8xf32>
  %u = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv : tensor<1x4x4x8xf32>) outs(%e2 : tensor<1x4x4x8xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x4x4x8xf32>
  %collapsed = tensor.collapse_shape %u [[0], [1, 2], [3]] : tensor<1x4x4x8xf32> into tensor<1x16x8xf32>
  %e3 = tensor.empty() : tensor<1x8xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e3 : tensor<1x8xf32>) -> tensor<1x8xf32>
  %sum = linalg.generic {indexing_maps = [#in3, #out3], iterator_types = ["parallel", "reduction", "parallel"]} ins(%collapsed : tensor<1x16x8xf32>) outs(%acc : tensor<1x8xf32>) attrs = {se.block = "s", se.phase = "squeeze"} {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<1x8xf32>
  return %sum, %u, %conv : tensor<1x8xf32>, tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>
}

// -----

#bias = affine_map<(n, h, w, c) -> (c)>
#id4 = affine_map<(n, h, w, c) -> (n, h, w, c)>
#in3 = affine_map<(n, s, c) -> (n, s, c)>
#out3 = affine_map<(n, s, c) -> (n, c)>

// A 3x3 convolution with a constant filter over whole vectors of channels
// and whole 2x2 output tiles takes Winograd, which a row cannot: it stays
// whole and its squeeze is a pass of its own. Without Winograd (DIRECT) it
// runs row by row like any other.
// CHECK-LABEL: func.func @winograd_conv_then_squeeze
// CHECK-NOT: scf.for
// CHECK: %[[U:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<1x6x6x16xf32>
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<1x36x16xf32>) outs(%{{.*}} : tensor<1x16xf32>) attrs = {se.block = "w", se.phase = "squeeze"}
// CHECK: return %[[SUM]], %[[U]]
// DIRECT-LABEL: func.func @winograd_conv_then_squeeze
// DIRECT: scf.for
// DIRECT:   linalg.conv_2d_nhwc_hwcf {{.*}} -> tensor<1x1x6x16xf32>
// DIRECT: } {se.block = "w", se.parallel_tiles, se.phase = "produce"}
func.func @winograd_conv_then_squeeze(%x: tensor<1x8x8x16xf32>, %b: tensor<16xf32>) -> (tensor<1x16xf32>, tensor<1x6x6x16xf32>) {
  %f = arith.constant dense<0.5> : tensor<3x3x16x16xf32>
  %empty = tensor.empty() : tensor<1x6x6x16xf32>
  %init = linalg.generic {indexing_maps = [#bias, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<16xf32>) outs(%empty : tensor<1x6x6x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x6x6x16xf32>
  %u = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %f : tensor<1x8x8x16xf32>, tensor<3x3x16x16xf32>) outs(%init : tensor<1x6x6x16xf32>) -> tensor<1x6x6x16xf32>
  %collapsed = tensor.collapse_shape %u [[0], [1, 2], [3]] : tensor<1x6x6x16xf32> into tensor<1x36x16xf32>
  %zero = arith.constant 0.0 : f32
  %e2 = tensor.empty() : tensor<1x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x16xf32>) -> tensor<1x16xf32>
  %sum = linalg.generic {indexing_maps = [#in3, #out3], iterator_types = ["parallel", "reduction", "parallel"]} ins(%collapsed : tensor<1x36x16xf32>) outs(%acc : tensor<1x16xf32>) attrs = {se.block = "w", se.phase = "squeeze"} {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<1x16xf32>
  return %sum, %u : tensor<1x16xf32>, tensor<1x6x6x16xf32>
}

// -----

#id4 = affine_map<(n, h, w, c) -> (n, h, w, c)>
#bcast = affine_map<(n, h, w, c) -> (n, 0, 0, c)>
#in3 = affine_map<(n, s, c) -> (n, s, c)>
#out3 = affine_map<(n, s, c) -> (n, c)>

// An integer convolution's dequantization reads its scale and bias as
// TOSA's rank-preserving broadcasts (1 x 1 x 1 x C): still per channel, so
// the convolution joins the row loop of the element-wise op producing U.
// CHECK-LABEL: func.func @integer_conv_then_squeeze
// CHECK: scf.for
// CHECK:   linalg.conv_2d_nhwc_fhwc_q {{.*}} outs(%{{.*}} : tensor<1x1x4x16xi32>)
// CHECK:   linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<1x1x4x16xi32>, tensor<1x1x1x16xf32>, tensor<1x1x1x16xf32>) outs(%{{.*}} : tensor<1x1x4x16xf32>)
// CHECK:   linalg.generic {{.*}} attrs = {se.block = "b", se.phase = "squeeze"}
// CHECK: } {se.block = "b", se.parallel_tiles, se.phase = "produce"}
func.func @integer_conv_then_squeeze(%x: tensor<1x4x4x8xi8>, %w: tensor<16x1x1x8xi8>, %scale: tensor<1x1x1x16xf32>, %bias: tensor<1x1x1x16xf32>) -> (tensor<1x16xf32>, tensor<1x4x4x16xf32>) {
  %izp = arith.constant -3 : i32
  %fzp = arith.constant 0 : i32
  %zero = arith.constant 0 : i32
  %empty = tensor.empty() : tensor<1x4x4x16xi32>
  %init = linalg.fill ins(%zero : i32) outs(%empty : tensor<1x4x4x16xi32>) -> tensor<1x4x4x16xi32>
  %acc = linalg.conv_2d_nhwc_fhwc_q {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w, %izp, %fzp : tensor<1x4x4x8xi8>, tensor<16x1x1x8xi8>, i32, i32) outs(%init : tensor<1x4x4x16xi32>) -> tensor<1x4x4x16xi32>
  %out = tensor.empty() : tensor<1x4x4x16xf32>
  %u = linalg.generic {indexing_maps = [#id4, #bcast, #bcast, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%acc, %scale, %bias : tensor<1x4x4x16xi32>, tensor<1x1x1x16xf32>, tensor<1x1x1x16xf32>) outs(%out : tensor<1x4x4x16xf32>) {
  ^bb0(%a: i32, %s: f32, %b: f32, %o: f32):
    %f = arith.sitofp %a : i32 to f32
    %m = arith.mulf %f, %s : f32
    %r = arith.addf %m, %b : f32
    linalg.yield %r : f32
  } -> tensor<1x4x4x16xf32>
  %collapsed = tensor.collapse_shape %u [[0], [1, 2], [3]] : tensor<1x4x4x16xf32> into tensor<1x16x16xf32>
  %fzero = arith.constant 0.0 : f32
  %e2 = tensor.empty() : tensor<1x16xf32>
  %sacc = linalg.fill ins(%fzero : f32) outs(%e2 : tensor<1x16xf32>) -> tensor<1x16xf32>
  %sum = linalg.generic {indexing_maps = [#in3, #out3], iterator_types = ["parallel", "reduction", "parallel"]} ins(%collapsed : tensor<1x16x16xf32>) outs(%sacc : tensor<1x16xf32>) attrs = {se.block = "b", se.phase = "squeeze"} {
  ^bb0(%in: f32, %o: f32):
    %s = arith.addf %in, %o : f32
    linalg.yield %s : f32
  } -> tensor<1x16xf32>
  return %sum, %u : tensor<1x16xf32>, tensor<1x4x4x16xf32>
}

// -----

#bias = affine_map<(n, h, w, c) -> (c)>
#id4 = affine_map<(n, h, w, c) -> (n, h, w, c)>

// A global sum pooling of a map other ops read too (an unraised SE block's
// squeeze) takes the squeeze's form and fuses the same way; a pooling
// whose window is not the whole map stays, and so does one of a map only
// it reads (a classifier's).
// CHECK-LABEL: func.func @global_pooling
// CHECK: %[[U:.*]]:2 = scf.for {{.*}} -> (tensor<1x6x6x16xf32>, tensor<1x6x16xf32>)
// CHECK:   linalg.conv_2d_nhwc_hwcf
// CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "parallel"]} {{.*}} attrs = {se.phase = "squeeze"}
// CHECK: } {se.parallel_tiles}
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[U]]#1 : tensor<1x6x16xf32>) outs(%{{.*}} : tensor<1x16xf32>) attrs = {se.phase = "squeeze"}
// CHECK: %[[POOLED:.*]] = tensor.expand_shape %[[SUM]] {{\[\[}}0], [1, 2, 3]] output_shape [1, 1, 1, 16]
// CHECK: linalg.pooling_nhwc_sum {{.*}} -> tensor<1x3x3x16xf32>
// CHECK: linalg.pooling_nhwc_sum {{.*}} -> tensor<1x1x1x4xf32>
// CHECK: return %[[POOLED]], %[[U]]#0
func.func @global_pooling(%x: tensor<1x8x8x4xf32>, %y: tensor<1x8x8x4xf32>, %f: tensor<3x3x4x16xf32>, %b: tensor<16xf32>) -> (tensor<1x1x1x16xf32>, tensor<1x6x6x16xf32>, tensor<1x3x3x16xf32>, tensor<1x1x1x4xf32>) {
  %empty = tensor.empty() : tensor<1x6x6x16xf32>
  %init = linalg.generic {indexing_maps = [#bias, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<16xf32>) outs(%empty : tensor<1x6x6x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x6x6x16xf32>
  %u = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %f : tensor<1x8x8x4xf32>, tensor<3x3x4x16xf32>) outs(%init : tensor<1x6x6x16xf32>) -> tensor<1x6x6x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x1x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x1x16xf32>) -> tensor<1x1x1x16xf32>
  %window = tensor.empty() : tensor<6x6xf32>
  %sum = linalg.pooling_nhwc_sum {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%u, %window : tensor<1x6x6x16xf32>, tensor<6x6xf32>) outs(%acc : tensor<1x1x1x16xf32>) -> tensor<1x1x1x16xf32>
  %e3 = tensor.empty() : tensor<1x3x3x16xf32>
  %acc3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<1x3x3x16xf32>) -> tensor<1x3x3x16xf32>
  %window2 = tensor.empty() : tensor<2x2xf32>
  %local = linalg.pooling_nhwc_sum {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%u, %window2 : tensor<1x6x6x16xf32>, tensor<2x2xf32>) outs(%acc3 : tensor<1x3x3x16xf32>) -> tensor<1x3x3x16xf32>
  %e4 = tensor.empty() : tensor<1x1x1x4xf32>
  %acc4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<1x1x1x4xf32>) -> tensor<1x1x1x4xf32>
  %window8 = tensor.empty() : tensor<8x8xf32>
  %classifier = linalg.pooling_nhwc_sum {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%y, %window8 : tensor<1x8x8x4xf32>, tensor<8x8xf32>) outs(%acc4 : tensor<1x1x1x4xf32>) -> tensor<1x1x1x4xf32>
  return %sum, %u, %local, %classifier : tensor<1x1x1x16xf32>, tensor<1x6x6x16xf32>, tensor<1x3x3x16xf32>, tensor<1x1x1x4xf32>
}
