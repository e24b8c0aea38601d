// RUN: se-opt %s -split-input-file -se-cpu-conv-microkernels="vector-width=16 winograd=false" -canonicalize --mlir-elide-resource-strings-if-larger=16 | FileCheck %s
// RUN: se-opt %s -split-input-file -se-cpu-conv-microkernels="vector-width=8 winograd=false" -canonicalize --mlir-elide-resource-strings-if-larger=16 | FileCheck %s --check-prefix=AVX2

#channel = affine_map<(d0, d1, d2, d3) -> (d3)>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// A 1x1 convolution with its bias, the residual add and the ReLU: 49
// positions are 3 tiles of 14 and one of 7, each 14 positions x 2 registers
// of 16 channels. The accumulators start from the bias, the add and the
// ReLU run on them, and each is stored once; the element-wise ops are gone.
// The loop over input channels is marked for se-cpu-prefetch-filters.
// CHECK-LABEL: func @bias_add_relu
// CHECK-SAME: (%[[X:.*]]: tensor<1x7x7x64xf32>, %[[R:.*]]: tensor<1x7x7x32xf32>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C14:.*]] = arith.constant 14 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[C42:.*]] = arith.constant 42 : index
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK-DAG: %[[W:.*]] = arith.constant dense_resource<conv_blocked{{.*}}> : tensor<1x1x1x64x32xf32>
// CHECK-DAG: %[[OUT:.*]] = tensor.empty() : tensor<1x7x7x32xf32>
// CHECK: %[[TILES:.*]] = scf.for %{{.*}} = %[[C0]] to %[[C42]] step %[[C14]] iter_args(%[[T:.*]] = %[[OUT]])
// CHECK:   vector.transfer_read %{{.*}} : tensor<32xf32>, vector<16xf32>
// CHECK:   %[[SUMS:.*]]:28 = scf.for %[[C:.*]] = %[[C0]] to %[[C64]] step %[[C4]] iter_args
// CHECK:     vector.transfer_read %[[W]][%[[C0]], %[[C0]], %[[C0]], %[[C]], %[[C0]]]{{.*}} : tensor<1x1x1x64x32xf32>, vector<16xf32>
// CHECK:     vector.transfer_read %[[W]][%[[C0]], %[[C0]], %[[C0]], %[[C]], %[[C16]]]{{.*}} : tensor<1x1x1x64x32xf32>, vector<16xf32>
// CHECK:     tensor.extract %[[X]]
// CHECK:     vector.broadcast
// CHECK-COUNT-2: vector.fma
// CHECK:   } {se.prefetch_ahead = 64 : i64}
// CHECK:   %[[RES:.*]] = vector.transfer_read %[[R]]{{.*}} : tensor<1x7x7x32xf32>, vector<16xf32>
// CHECK:   %[[ADD:.*]] = arith.addf %[[SUMS]]#0, %[[RES]] : vector<16xf32>
// CHECK:   %[[RELU:.*]] = arith.maximumf %[[ADD]], %{{.*}} : vector<16xf32>
// CHECK:   vector.transfer_write %[[RELU]], %[[T]]
// CHECK: } {se.parallel_tiles}
// CHECK: scf.for %{{.*}} = %[[C0]] to %[[C64]] step %[[C4]] iter_args({{.*}}) -> (vector<16xf32>, {{.*}}) {
// CHECK: vector.transfer_write {{.*}} : vector<16xf32>, tensor<1x7x7x32xf32>
// CHECK-NOT: linalg.
// CHECK: return

// With 8 lanes (AVX2): 6 positions x 2 registers of 8 channels; 49
// positions are 8 tiles of 6 and one of 1.
// AVX2-LABEL: func @bias_add_relu
// AVX2-DAG: %[[C0:.*]] = arith.constant 0 : index
// AVX2-DAG: %[[C1:.*]] = arith.constant 1 : index
// AVX2-DAG: %[[C2:.*]] = arith.constant 2 : index
// AVX2-DAG: %[[C4:.*]] = arith.constant 4 : index
// AVX2-DAG: %[[C6:.*]] = arith.constant 6 : index
// AVX2-DAG: %[[C48:.*]] = arith.constant 48 : index
// AVX2-DAG: %[[C64:.*]] = arith.constant 64 : index
// AVX2-DAG: arith.constant dense_resource<conv_blocked{{.*}}> : tensor<2x1x1x64x16xf32>
// The loop over tiles, not the one over the 2 filter blocks inside it, is
// the one marked for threads.
// AVX2: scf.for %{{.*}} = %[[C0]] to %[[C48]] step %[[C6]]
// AVX2:   scf.for %{{.*}} = %[[C0]] to %[[C2]] step %[[C1]]
// AVX2:     scf.for %{{.*}} = %[[C0]] to %[[C64]] step %[[C4]] iter_args({{.*}}) -> (vector<8xf32>,
// AVX2:       scf.yield {{.*}} : tensor<1x7x7x32xf32>
// AVX2-NEXT: }{{$}}
// AVX2-NEXT: scf.yield {{.*}} : tensor<1x7x7x32xf32>
// AVX2-NEXT: } {se.parallel_tiles}
func.func @bias_add_relu(%x: tensor<1x7x7x64xf32>, %r: tensor<1x7x7x32xf32>) -> tensor<1x7x7x32xf32> {
  %w = arith.constant dense<0.5> : tensor<1x1x64x32xf32>
  %b = arith.constant dense<0.25> : tensor<32xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x7x7x32xf32>
  %init = linalg.generic {indexing_maps = [#channel, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<32xf32>) outs(%e : tensor<1x7x7x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x7x7x32xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x7x7x64xf32>, tensor<1x1x64x32xf32>) outs(%init : tensor<1x7x7x32xf32>) -> tensor<1x7x7x32xf32>
  %e2 = tensor.empty() : tensor<1x7x7x32xf32>
  %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %r : tensor<1x7x7x32xf32>, tensor<1x7x7x32xf32>) outs(%e2 : tensor<1x7x7x32xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %sum = arith.addf %in, %in2 : f32
    linalg.yield %sum : f32
  } -> tensor<1x7x7x32xf32>
  %e3 = tensor.empty() : tensor<1x7x7x32xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<1x7x7x32xf32>) outs(%e3 : tensor<1x7x7x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x7x7x32xf32>
  return %y : tensor<1x7x7x32xf32>
}

// -----

// A filter over 1 MiB (3 x 3 x 512 x 64): the loop over its two blocks of
// 32 channels runs outside the loop over tiles (16 positions: two tiles of
// 8 rather than 14 and 2), and is the one marked for threads. Accumulators
// start at zero (a fill); the filter taps are loops. Each of the 2 tiles
// prefetches half of the next block into L2 (4 of each iteration's 8 cache
// lines, clamped to the filter's last line): the tile from position
// `first` the share from iteration first / 8 * 1152 + (kh * 3 + kw) * 128
// + c / 4 of the block's 2 x 1152.
// CHECK-LABEL: func @large_filter
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK-DAG: %[[C128:.*]] = arith.constant 128 : index
// CHECK-DAG: %[[C1152:.*]] = arith.constant 1152 : index
// CHECK-DAG: %[[C512:.*]] = arith.constant 512 : index
// CHECK-DAG: %[[C147456:.*]] = arith.constant 147456 : index
// CHECK-DAG: %[[C294896:.*]] = arith.constant 294896 : index
// CHECK: %[[FILTER:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<2x3x3x512x32xf32> to memref<2x3x3x512x32xf32>
// CHECK: scf.for %[[BLOCK:.*]] = %[[C0]] to %[[C2]] step %[[C1]]
// CHECK:  scf.for %[[FIRST:.*]] = %[[C0]] to %[[C16]] step %[[C8]]
// CHECK:   scf.for %[[KH:.*]] = %[[C0]] to %[[C3]] step %[[C1]] iter_args({{.*}}) -> (vector<16xf32>,
// CHECK:     scf.for %[[KW:.*]] = %[[C0]] to %[[C3]] step %[[C1]]
// CHECK:       scf.for %[[C:.*]] = %[[C0]] to %[[C512]] step %[[C4]]
// CHECK:         %[[TILE:.*]] = arith.divui %[[FIRST]], %[[C8]]
// CHECK:         %[[TAP:.*]] = arith.muli %[[KH]], %[[C3]]
// CHECK:         %[[TAP2:.*]] = arith.addi %[[TAP]], %[[KW]]
// CHECK:         %[[TAP3:.*]] = arith.muli %[[TAP2]], %[[C128]]
// CHECK:         %[[STEP:.*]] = arith.divui %[[C]], %[[C4]]
// CHECK:         %[[ITER:.*]] = arith.addi %[[TAP3]], %[[STEP]]
// CHECK:         %[[SKIP:.*]] = arith.muli %[[TILE]], %[[C1152]]
// CHECK:         %[[ITER2:.*]] = arith.addi %[[SKIP]], %[[ITER]]
// CHECK:         %[[BASE:.*]] = arith.muli %[[BLOCK]], %[[C147456]]
// CHECK:         %[[NEXT:.*]] = arith.addi %[[BASE]], %[[C147456]]
// CHECK:         %[[LINES:.*]] = arith.muli %[[ITER2]], %[[C64]]
// CHECK:         %[[AT:.*]] = arith.addi %[[NEXT]], %[[LINES]]
// CHECK:         %[[CLAMPED:.*]] = arith.minui %[[AT]], %[[C294896]]
// CHECK:         memref.prefetch %[[FILTER]][%[[C0]], %[[C0]], %[[C0]], %[[C0]], %[[CLAMPED]]], read, locality<2>, data
// CHECK-COUNT-3: memref.prefetch %[[FILTER]]
// CHECK-NOT:     memref.prefetch
// CHECK:         vector.fma
// CHECK: } {se.parallel_tiles}
// CHECK: return
func.func @large_filter(%x: tensor<1x6x6x512xf32>) -> tensor<1x4x4x64xf32> {
  %w = arith.constant dense<0.5> : tensor<3x3x512x64xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x64xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x64xf32>) -> tensor<1x4x4x64xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x6x6x512xf32>, tensor<3x3x512x64xf32>) outs(%init : tensor<1x4x4x64xf32>) -> tensor<1x4x4x64xf32>
  return %c : tensor<1x4x4x64xf32>
}

// -----

// Output channels that are not whole vectors (12) are padded to one
// (zero filter columns, 16 lanes; 8 + 8 with AVX2): the partial vector's
// writes are masked (not in bounds). A filter that is not a constant is
// left for se-cpu-tile-and-vectorize.
// CHECK-LABEL: func @padded_and_not_taken
// CHECK-DAG: arith.constant dense_resource<conv_blocked{{.*}}> : tensor<1x1x1x8x16xf32>
// CHECK: vector.transfer_write %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : vector<16xf32>, tensor<1x4x4x12xf32>
// CHECK: linalg.conv_2d_nhwc_hwcf
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
// AVX2-LABEL: func @padded_and_not_taken
// AVX2-DAG: arith.constant dense_resource<conv_blocked{{.*}}> : tensor<1x1x1x8x16xf32>
// AVX2: vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<8xf32>, tensor<1x4x4x12xf32>
// AVX2: vector.transfer_write %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : vector<8xf32>, tensor<1x4x4x12xf32>
func.func @padded_and_not_taken(%x: tensor<1x4x4x8xf32>, %w2: tensor<1x1x8x32xf32>) -> (tensor<1x4x4x12xf32>, tensor<1x4x4x32xf32>) {
  %w = arith.constant dense<0.5> : tensor<1x1x8x12xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x12xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x12xf32>) -> tensor<1x4x4x12xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x4x8xf32>, tensor<1x1x8x12xf32>) outs(%init : tensor<1x4x4x12xf32>) -> tensor<1x4x4x12xf32>
  %e2 = tensor.empty() : tensor<1x4x4x32xf32>
  %init2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x4x4x32xf32>) -> tensor<1x4x4x32xf32>
  %c2 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w2 : tensor<1x4x4x8xf32>, tensor<1x1x8x32xf32>) outs(%init2 : tensor<1x4x4x32xf32>) -> tensor<1x4x4x32xf32>
  return %c, %c2 : tensor<1x4x4x12xf32>, tensor<1x4x4x32xf32>
}

// -----

// The padding the next 3x3 convolution reads is written in place: the
// loops write the interior of the padded tensor, a new tensor
// (bufferization.alloc_tensor) that CSE cannot merge with another
// convolution's, whose border alone is filled: the rows above and below,
// then the columns left and right of the interior rows.
// CHECK-LABEL: func @padded_result
// CHECK: %[[NEW:.*]] = bufferization.alloc_tensor() : tensor<1x9x9x16xf32>
// CHECK-NOT: linalg.fill ins(%{{.*}} : f32) outs(%[[NEW]]
// CHECK: %[[TOP:.*]] = tensor.extract_slice %[[NEW]][0, 0, 0, 0] [1, 1, 9, 16] [1, 1, 1, 1]
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[TOP]] : tensor<1x1x9x16xf32>)
// CHECK: tensor.extract_slice %{{.*}}[0, 8, 0, 0] [1, 1, 9, 16] [1, 1, 1, 1]
// CHECK: linalg.fill
// CHECK: tensor.extract_slice %{{.*}}[0, 1, 0, 0] [1, 7, 1, 16] [1, 1, 1, 1]
// CHECK: linalg.fill
// CHECK: tensor.extract_slice %{{.*}}[0, 1, 8, 0] [1, 7, 1, 16] [1, 1, 1, 1]
// CHECK: linalg.fill
// CHECK: %[[BORDER:.*]] = tensor.insert_slice %{{.*}}[0, 1, 8, 0] [1, 7, 1, 16] [1, 1, 1, 1]
// CHECK-NOT: linalg.fill
// CHECK: %[[INTERIOR:.*]] = tensor.extract_slice %[[BORDER]][0, 1, 1, 0] [1, 7, 7, 16] [1, 1, 1, 1]
// CHECK: %[[ROWS:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[INTERIOR]])
// CHECK: %[[PADDED:.*]] = tensor.insert_slice %{{.*}} into %[[BORDER]][0, 1, 1, 0] [1, 7, 7, 16] [1, 1, 1, 1]
// CHECK-NOT: tensor.pad
// CHECK: return %[[PADDED]]
func.func @padded_result(%x: tensor<1x7x7x8xf32>) -> tensor<1x9x9x16xf32> {
  %w = arith.constant dense<0.5> : tensor<1x1x8x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x7x7x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x7x7x8xf32>, tensor<1x1x8x16xf32>) outs(%init : tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32>
  %p = tensor.pad %c low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %cc: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x7x7x16xf32> to tensor<1x9x9x16xf32>
  return %p : tensor<1x9x9x16xf32>
}

// -----

// A result that is padded and also read unpadded (by a residual add) is
// still written in place; the other reader takes the padded tensor's
// interior (canonicalized: the loops' result, written there), so no copy
// of the result is made.
// CHECK-LABEL: func @padded_and_read
// CHECK: bufferization.alloc_tensor() : tensor<1x9x9x16xf32>
// CHECK: %[[INTERIOR:.*]] = tensor.extract_slice %{{.*}}[0, 1, 1, 0] [1, 7, 7, 16] [1, 1, 1, 1]
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[INTERIOR]])
// CHECK: %[[PADDED:.*]] = tensor.insert_slice %[[WRITTEN:.*]] into %{{.*}}[0, 1, 1, 0] [1, 7, 7, 16] [1, 1, 1, 1]
// CHECK-NOT: tensor.pad
// CHECK: return %[[PADDED]], %[[WRITTEN]]
func.func @padded_and_read(%x: tensor<1x7x7x8xf32>) -> (tensor<1x9x9x16xf32>, tensor<1x7x7x16xf32>) {
  %w = arith.constant dense<0.5> : tensor<1x1x8x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x7x7x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x7x7x8xf32>, tensor<1x1x8x16xf32>) outs(%init : tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32>
  %p = tensor.pad %c low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %cc: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x7x7x16xf32> to tensor<1x9x9x16xf32>
  return %p, %c : tensor<1x9x9x16xf32>, tensor<1x7x7x16xf32>
}

// -----

// A splat bias (its broadcast folded to a generic that yields a constant)
// starts the accumulators like a fill: the generic is not materialized and
// copied as an initial tensor.
// CHECK-LABEL: func @splat_bias
// CHECK: arith.constant dense<2.500000e-01> : vector<16xf32>
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @splat_bias(%x: tensor<1x7x7x8xf32>) -> tensor<1x7x7x16xf32> {
  %w = arith.constant dense<0.5> : tensor<1x1x8x16xf32>
  %bias = arith.constant 0.25 : f32
  %e = tensor.empty() : tensor<1x7x7x16xf32>
  %init = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%e : tensor<1x7x7x16xf32>) {
  ^bb0(%out: f32):
    linalg.yield %bias : f32
  } -> tensor<1x7x7x16xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x7x7x8xf32>, tensor<1x1x8x16xf32>) outs(%init : tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32>
  return %c : tensor<1x7x7x16xf32>
}

// -----

// Two paddings of one result: neither is written in place.
// CHECK-LABEL: func @padded_twice
// CHECK-COUNT-2: tensor.pad
func.func @padded_twice(%x: tensor<1x7x7x8xf32>) -> (tensor<1x9x9x16xf32>, tensor<1x11x11x16xf32>) {
  %w = arith.constant dense<0.5> : tensor<1x1x8x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x7x7x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x7x7x8xf32>, tensor<1x1x8x16xf32>) outs(%init : tensor<1x7x7x16xf32>) -> tensor<1x7x7x16xf32>
  %p = tensor.pad %c low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %cc: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x7x7x16xf32> to tensor<1x9x9x16xf32>
  %q = tensor.pad %c low[0, 2, 2, 0] high[0, 2, 2, 0] {
  ^bb0(%a: index, %b: index, %cc: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x7x7x16xf32> to tensor<1x11x11x16xf32>
  return %p, %q : tensor<1x9x9x16xf32>, tensor<1x11x11x16xf32>
}

// -----

// The classifier: a batch_matmul with a constant right-hand side is a 1x1
// convolution over [1][1][M][K]. One row is a matrix-vector product: its
// 40 columns are padded with zeros to one filter block of as many registers
// as it needs (3 of 16 lanes; 5 of 8 with AVX2), independent accumulators
// for the FMAs; the result is the first 40 channels.
// CHECK-LABEL: func @classifier
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x64xf32>)
// CHECK-DAG: %[[W:.*]] = arith.constant dense_resource<conv_blocked{{.*}}> : tensor<1x1x1x64x48xf32>
// CHECK-DAG: %[[IMAGE:.*]] = tensor.expand_shape %[[X]] {{\[}}[0, 1], [2], [3]] output_shape [1, 1, 1, 64]
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK:   tensor.extract %[[IMAGE]]
// CHECK: %[[SLICE:.*]] = tensor.extract_slice %{{.*}}[0, 0, 0, 0] [1, 1, 1, 40] [1, 1, 1, 1]
// CHECK: %[[Y:.*]] = tensor.collapse_shape %[[SLICE]] {{\[}}[0, 1], [2], [3]] : tensor<1x1x1x40xf32> into tensor<1x1x40xf32>
// CHECK-NOT: linalg.batch_matmul
// CHECK: return %[[Y]]
// AVX2-LABEL: func @classifier
// AVX2: arith.constant dense_resource<conv_blocked{{.*}}> : tensor<1x1x1x64x40xf32>
// AVX2: scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>) {
func.func @classifier(%x: tensor<1x1x64xf32>) -> tensor<1x1x40xf32> {
  %w = arith.constant dense<0.5> : tensor<1x64x40xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x40xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x40xf32>) -> tensor<1x1x40xf32>
  %y = linalg.batch_matmul ins(%x, %w : tensor<1x1x64xf32>, tensor<1x64x40xf32>) outs(%f : tensor<1x1x40xf32>) -> tensor<1x1x40xf32>
  return %y : tensor<1x1x40xf32>
}

// -----

// A matmul of 28 rows whose columns fill whole registers accumulates into
// any initial tensor, reshaped; 28 positions are two tiles of 14.
// CHECK-LABEL: func @matmul_into_tensor
// CHECK-SAME: (%[[X:.*]]: tensor<28x64xf32>, %[[ACC:.*]]: tensor<28x32xf32>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C14:.*]] = arith.constant 14 : index
// CHECK-DAG: %[[C28:.*]] = arith.constant 28 : index
// CHECK-DAG: tensor.expand_shape %[[X]] {{\[}}[0, 1, 2], [3]] output_shape [1, 1, 28, 64]
// CHECK-DAG: %[[INIT:.*]] = tensor.expand_shape %[[ACC]] {{\[}}[0, 1, 2], [3]] output_shape [1, 1, 28, 32]
// CHECK: scf.for %{{.*}} = %[[C0]] to %[[C28]] step %[[C14]] iter_args(%{{.*}} = %[[INIT]])
// CHECK:   vector.transfer_read %[[INIT]]
// CHECK: } {se.parallel_tiles}
// CHECK-NOT: linalg.matmul
func.func @matmul_into_tensor(%x: tensor<28x64xf32>, %acc: tensor<28x32xf32>) -> tensor<28x32xf32> {
  %w = arith.constant dense<0.5> : tensor<64x32xf32>
  %y = linalg.matmul ins(%x, %w : tensor<28x64xf32>, tensor<64x32xf32>) outs(%acc : tensor<28x32xf32>) -> tensor<28x32xf32>
  return %y : tensor<28x32xf32>
}

// -----

// Left for se-cpu-tile-and-vectorize: a right-hand side that is not a
// constant, columns to pad without a fill or bias to repeat, a generic
// whose body is not a multiply-accumulate.
// CHECK-LABEL: func @products_not_taken
// CHECK: linalg.matmul
// CHECK: linalg.matmul
// CHECK: linalg.generic
func.func @products_not_taken(%x: tensor<4x64xf32>, %w: tensor<64x32xf32>, %acc: tensor<4x40xf32>) -> (tensor<4x32xf32>, tensor<4x40xf32>, tensor<4x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x32xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x32xf32>) -> tensor<4x32xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x32xf32>) outs(%f : tensor<4x32xf32>) -> tensor<4x32xf32>
  %w2 = arith.constant dense<0.5> : tensor<64x40xf32>
  %y2 = linalg.matmul ins(%x, %w2 : tensor<4x64xf32>, tensor<64x40xf32>) outs(%acc : tensor<4x40xf32>) -> tensor<4x40xf32>
  %w3 = arith.constant dense<0.5> : tensor<32x64xf32>
  %y3 = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w3 : tensor<4x64xf32>, tensor<32x64xf32>) outs(%f : tensor<4x32xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.maximumf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x32xf32>
  return %y, %y2, %y3 : tensor<4x32xf32>, tensor<4x40xf32>, tensor<4x32xf32>
}

// -----

// An SE block's fully connected layer (se-to-linalg's generic, weights
// [out][in]) is a product with the constant transposed to [in][out]; its
// bias, broadcast over the rows, is zero-padded to the filter block (168
// hidden units: 11 registers of 16 lanes; 21 of 8 with AVX2, 3 blocks of 7)
// and starts the accumulators as a convolution's bias does. A matmul with
// the transposed maps is taken the same way.
// CHECK-LABEL: func @se_fully_connected
// CHECK-DAG: arith.constant dense_resource<conv_blocked{{.*}}> : tensor<1x1x1x672x176xf32>
// CHECK-DAG: arith.constant dense_resource<conv_blocked{{.*}}> : tensor<1x1x1x64x32xf32>
// CHECK-DAG: %[[BIAS:.*]] = tensor.insert_slice %{{.*}} into %{{.*}}[0] [168] [1] : tensor<168xf32> into tensor<176xf32>
// CHECK: vector.transfer_read %[[BIAS]]
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0, 0] [1, 1, 1, 168] [1, 1, 1, 1]
// CHECK-NOT: linalg.generic
// CHECK-NOT: linalg.matmul
// AVX2-LABEL: func @se_fully_connected
// AVX2-DAG: arith.constant dense_resource<conv_blocked{{.*}}> : tensor<3x1x1x672x56xf32>
// AVX2-NOT: tensor.insert_slice
// AVX2: scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>) {
func.func @se_fully_connected(%z: tensor<1x672xf32>, %x: tensor<1x64xf32>) -> (tensor<1x168xf32>, tensor<1x32xf32>) {
  %w = arith.constant dense<0.5> : tensor<168x672xf32>
  %b = arith.constant dense<0.25> : tensor<168xf32>
  %e = tensor.empty() : tensor<1x168xf32>
  %init = linalg.broadcast ins(%b : tensor<168xf32>) outs(%e : tensor<1x168xf32>) dimensions = [0]
  %y = linalg.generic {indexing_maps = [affine_map<(n, o, i) -> (n, i)>, affine_map<(n, o, i) -> (o, i)>, affine_map<(n, o, i) -> (n, o)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%z, %w : tensor<1x672xf32>, tensor<168x672xf32>) outs(%init : tensor<1x168xf32>) {
  ^bb0(%a: f32, %c: f32, %acc: f32):
    %p = arith.mulf %a, %c fastmath<contract> : f32
    %s = arith.addf %acc, %p fastmath<contract> : f32
    linalg.yield %s : f32
  } -> tensor<1x168xf32>
  %zero = arith.constant 0.0 : f32
  %e2 = tensor.empty() : tensor<1x32xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x32xf32>) -> tensor<1x32xf32>
  %w2 = arith.constant dense<0.5> : tensor<32x64xf32>
  %y2 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] ins(%x, %w2 : tensor<1x64xf32>, tensor<32x64xf32>) outs(%f : tensor<1x32xf32>) -> tensor<1x32xf32>
  return %y, %y2 : tensor<1x168xf32>, tensor<1x32xf32>
}

// -----

// A padded input that no loop writes in place (an argument) becomes a new
// tensor with its border filled and the interior inserted, which the loops
// read: the fills are tiled and threaded like any other, the insertion a
// row copy.
// CHECK-LABEL: func @padded_input
// CHECK-SAME: (%[[X:.*]]: tensor<1x7x7x16xf32>)
// CHECK: %[[NEW:.*]] = bufferization.alloc_tensor() : tensor<1x9x9x16xf32>
// CHECK-COUNT-4: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x{{[17]}}x{{[19]}}x16xf32>)
// CHECK: %[[BORDER:.*]] = tensor.insert_slice %{{.*}}[0, 1, 8, 0] [1, 7, 1, 16] [1, 1, 1, 1]
// CHECK: %[[PADDED:.*]] = tensor.insert_slice %[[X]] into %[[BORDER]][0, 1, 1, 0] [1, 7, 7, 16] [1, 1, 1, 1]
// CHECK-NOT: tensor.pad
// CHECK: tensor.extract %[[PADDED]]
func.func @padded_input(%x: tensor<1x7x7x16xf32>) -> tensor<1x7x7x32xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %cc: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x7x7x16xf32> to tensor<1x9x9x16xf32>
  %w = arith.constant dense<0.5> : tensor<3x3x16x32xf32>
  %e = tensor.empty() : tensor<1x7x7x32xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x7x7x32xf32>) -> tensor<1x7x7x32xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : tensor<1x9x9x16xf32>, tensor<3x3x16x32xf32>) outs(%init : tensor<1x7x7x32xf32>) -> tensor<1x7x7x32xf32>
  return %c : tensor<1x7x7x32xf32>
}

// -----

// A grouped 3x3 convolution with groups of 4 channels (the zoo's ResNeXt
// form: the input expanded into groups, the result collapsed back) runs on
// the NHWC tensors: 64 positions in tiles of 12 (the input vector and its
// shuffle take two registers) x 2 registers; per tap and position one input
// vector per register, and per input channel c of the groups one shuffle
// of every group's channel c across its lanes, one filter vector, one FMA.
// The bias broadcast per group starts the accumulators as a per-channel
// bias.
// CHECK-LABEL: func @grouped_narrow
// CHECK-SAME: (%[[X:.*]]: tensor<1x10x10x64xf32>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[C12:.*]] = arith.constant 12 : index
// CHECK-DAG: %[[C60:.*]] = arith.constant 60 : index
// CHECK-DAG: %[[W:.*]] = arith.constant dense_resource<conv_blocked{{.*}}> : tensor<2x3x3x4x32xf32>
// CHECK-DAG: %[[BIAS:.*]] = arith.constant dense<2.500000e-01> : tensor<64xf32>
// CHECK: scf.for %{{.*}} = %[[C0]] to %[[C60]] step %[[C12]] iter_args(%{{.*}} = %{{.*}}) -> (tensor<1x8x8x64xf32>)
// CHECK:   vector.transfer_read %[[BIAS]]
// CHECK:   scf.for %[[KH:.*]] = %[[C0]] to %[[C3]]
// CHECK:     scf.for %[[KW:.*]] = %[[C0]] to %[[C3]]
// CHECK:       %[[IN:.*]] = vector.transfer_read %[[X]]
// CHECK:       %[[S0:.*]] = vector.shuffle %[[IN]], %[[IN]] [0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12]
// CHECK:       %[[W0:.*]] = vector.transfer_read %[[W]][%{{.*}}, %[[KH]], %[[KW]], %[[C0]], %[[C0]]]
// CHECK:       vector.fma %[[S0]], %[[W0]]
// CHECK:       %[[S1:.*]] = vector.shuffle %[[IN]], %[[IN]] [1, 1, 1, 1, 5, 5, 5, 5, 9, 9, 9, 9, 13, 13, 13, 13]
// CHECK:       %[[W1:.*]] = vector.transfer_read %[[W]][%{{.*}}, %[[KH]], %[[KW]], %[[C1]], %[[C0]]]
// CHECK:       vector.fma %[[S1]], %[[W1]]
// CHECK: } {se.parallel_tiles}
// CHECK-NOT: linalg.conv_2d_nhwgc_gfhwc
// CHECK-NOT: tensor.collapse_shape
func.func @grouped_narrow(%x: tensor<1x10x10x64xf32>) -> tensor<1x8x8x64xf32> {
  %xe = tensor.expand_shape %x [[0], [1], [2], [3, 4]] output_shape [1, 10, 10, 16, 4] : tensor<1x10x10x64xf32> into tensor<1x10x10x16x4xf32>
  %w = arith.constant dense<0.5> : tensor<16x4x3x3x4xf32>
  %b = arith.constant dense<0.25> : tensor<16x4xf32>
  %e = tensor.empty() : tensor<1x8x8x16x4xf32>
  %init = linalg.broadcast ins(%b : tensor<16x4xf32>) outs(%e : tensor<1x8x8x16x4xf32>) dimensions = [0, 1, 2]
  %c = linalg.conv_2d_nhwgc_gfhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xe, %w : tensor<1x10x10x16x4xf32>, tensor<16x4x3x3x4xf32>) outs(%init : tensor<1x8x8x16x4xf32>) -> tensor<1x8x8x16x4xf32>
  %y = tensor.collapse_shape %c [[0], [1], [2], [3, 4]] : tensor<1x8x8x16x4xf32> into tensor<1x8x8x64xf32>
  return %y : tensor<1x8x8x64xf32>
}

// -----

// Groups of 32 channels: each filter block of 2 registers lies in one
// group, whose 32 input channels are broadcast one by one from the group's
// first (block * 32 / 32 * 32).
// CHECK-LABEL: func @grouped_wide
// CHECK-SAME: (%[[X:.*]]: tensor<1x9x9x64xf32>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C32:.*]] = arith.constant 32 : index
// CHECK: scf.for %{{.*}} = %[[C0]] to %[[C2]] step %[[C1]]
// CHECK:   %[[CHANNEL:.*]] = arith.muli %{{.*}}, %[[C32]]
// CHECK:   %[[GROUP:.*]] = arith.divui %[[CHANNEL]], %[[C32]]
// CHECK:   %[[BASE:.*]] = arith.muli %[[GROUP]], %[[C32]]
// CHECK:   scf.for %[[C:.*]] = %[[C0]] to %[[C32]] step %[[C4]]
// CHECK:     %[[IC:.*]] = arith.addi %[[BASE]], %[[C]]
// CHECK:     tensor.extract %[[X]][%[[C0]], %{{.*}}, %{{.*}}, %[[IC]]]
func.func @grouped_wide(%x: tensor<1x9x9x64xf32>) -> tensor<1x7x7x64xf32> {
  %xe = tensor.expand_shape %x [[0], [1], [2], [3, 4]] output_shape [1, 9, 9, 2, 32] : tensor<1x9x9x64xf32> into tensor<1x9x9x2x32xf32>
  %w = arith.constant dense<0.5> : tensor<2x32x3x3x32xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x7x7x2x32xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x7x7x2x32xf32>) -> tensor<1x7x7x2x32xf32>
  %c = linalg.conv_2d_nhwgc_gfhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xe, %w : tensor<1x9x9x2x32xf32>, tensor<2x32x3x3x32xf32>) outs(%init : tensor<1x7x7x2x32xf32>) -> tensor<1x7x7x2x32xf32>
  %y = tensor.collapse_shape %c [[0], [1], [2], [3, 4]] : tensor<1x7x7x2x32xf32> into tensor<1x7x7x64xf32>
  return %y : tensor<1x7x7x64xf32>
}

// -----

// A depthwise convolution (groups of one channel, TOSA's form with a
// channel multiplier of 1) takes the same loops without shuffles: per tap
// and position one input vector per register times the filter vector of
// those channels (49 positions: 4 tiles of 12 and one of 1); the bias
// (the collapsed result's consumer) is fused.
// CHECK-LABEL: func @depthwise
// CHECK-SAME: (%[[X:.*]]: tensor<1x9x9x32xf32>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[C12:.*]] = arith.constant 12 : index
// CHECK-DAG: %[[C48:.*]] = arith.constant 48 : index
// CHECK-DAG: %[[W:.*]] = arith.constant dense_resource<conv_blocked{{.*}}> : tensor<1x3x3x1x32xf32>
// CHECK: scf.for %{{.*}} = %[[C0]] to %[[C48]] step %[[C12]]
// CHECK:   scf.for %[[KH:.*]] = %[[C0]] to %[[C3]]
// CHECK:     scf.for %[[KW:.*]] = %[[C0]] to %[[C3]]
// CHECK:       %[[IN:.*]] = vector.transfer_read %[[X]]
// CHECK:       %[[F:.*]] = vector.transfer_read %[[W]][%[[C0]], %[[KH]], %[[KW]], %[[C0]], %[[C0]]]
// CHECK:       vector.fma %[[IN]], %[[F]]
// CHECK-NOT: vector.shuffle
// CHECK:   arith.addf
// CHECK: } {se.parallel_tiles}
// CHECK-NOT: linalg.depthwise_conv_2d_nhwc_hwcm
func.func @depthwise(%x: tensor<1x9x9x32xf32>) -> tensor<1x7x7x32xf32> {
  %w = arith.constant dense<0.5> : tensor<3x3x32x1xf32>
  %b = arith.constant dense<0.25> : tensor<32xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x7x7x32x1xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x7x7x32x1xf32>) -> tensor<1x7x7x32x1xf32>
  %c = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x9x9x32xf32>, tensor<3x3x32x1xf32>) outs(%init : tensor<1x7x7x32x1xf32>) -> tensor<1x7x7x32x1xf32>
  %r = tensor.collapse_shape %c [[0], [1], [2], [3, 4]] : tensor<1x7x7x32x1xf32> into tensor<1x7x7x32xf32>
  %e2 = tensor.empty() : tensor<1x7x7x32xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b, %r : tensor<32xf32>, tensor<1x7x7x32xf32>) outs(%e2 : tensor<1x7x7x32xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %s = arith.addf %in, %in2 : f32
    linalg.yield %s : f32
  } -> tensor<1x7x7x32xf32>
  return %y : tensor<1x7x7x32xf32>
}

// -----

// se-cpu-simplify-depthwise's form (NHWC in and out, a KH x KW x C filter)
// takes the same loops; with 24 channels (one and a half AVX-512 vectors)
// the registers are 8-lane ones.
// CHECK-LABEL: func @depthwise_nhwc
// CHECK-DAG: %[[W:.*]] = arith.constant dense_resource<conv_blocked{{.*}}> : tensor<3x3x3x1x8xf32>
// CHECK: scf.for
// CHECK:   vector.fma {{.*}} : vector<8xf32>
// CHECK:   arith.addf {{.*}} : vector<8xf32>
// CHECK: } {se.parallel_tiles}
// CHECK-NOT: linalg.depthwise_conv_2d_nhwc_hwc
func.func @depthwise_nhwc(%x: tensor<1x9x9x24xf32>) -> tensor<1x7x7x24xf32> {
  %w = arith.constant dense<0.5> : tensor<3x3x24xf32>
  %b = arith.constant dense<0.25> : tensor<24xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x7x7x24xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x7x7x24xf32>) -> tensor<1x7x7x24xf32>
  %c = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x9x9x24xf32>, tensor<3x3x24xf32>) outs(%init : tensor<1x7x7x24xf32>) -> tensor<1x7x7x24xf32>
  %e2 = tensor.empty() : tensor<1x7x7x24xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b, %c : tensor<24xf32>, tensor<1x7x7x24xf32>) outs(%e2 : tensor<1x7x7x24xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %s = arith.addf %in, %in2 : f32
    linalg.yield %s : f32
  } -> tensor<1x7x7x24xf32>
  return %y : tensor<1x7x7x24xf32>
}

// -----

// An MBConv's projection reads the SE block's scale of U; with fewer than
// 4 tiles per image (2 here) and no fewer positions than filters, the gate
// multiplies each filter vector of input channel c as it is read (per
// channel step: one gate element, one multiply per register), the
// convolution reads U itself, and the scale is gone.
// CHECK-LABEL: func @scaled_projection
// CHECK-SAME: (%[[U:.*]]: tensor<2x4x4x64xf32>, %[[G:.*]]: tensor<2x64xf32>)
// CHECK: scf.for %[[N:[^ ]*]] =
// CHECK:   scf.for %[[C:[^ ]*]] = {{.*}} -> (vector<16xf32>
// CHECK:     %[[GATE:.*]] = tensor.extract %[[G]][%[[N]], %[[C]]]
// CHECK:     %[[B:.*]] = vector.broadcast %[[GATE]] : f32 to vector<16xf32>
// CHECK:     %[[F:.*]] = vector.transfer_read
// CHECK:     %[[SF:.*]] = arith.mulf %[[F]], %[[B]] : vector<16xf32>
// CHECK:     tensor.extract %[[U]][%[[N]],
// CHECK:     vector.fma %{{.*}}, %[[SF]]
// CHECK-NOT: linalg.generic
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
// AVX2-LABEL: func @scaled_projection
// AVX2: arith.mulf {{.*}} : vector<8xf32>
// AVX2-NOT: se.phase = "scale"
func.func @scaled_projection(%u: tensor<2x4x4x64xf32>, %gate: tensor<2x64xf32>) -> tensor<2x4x4x16xf32> {
  %w = arith.constant dense<0.5> : tensor<1x1x64x16xf32>
  %zero = arith.constant 0.0 : f32
  %flat = tensor.collapse_shape %u [[0], [1, 2], [3]] : tensor<2x4x4x64xf32> into tensor<2x16x64xf32>
  %e = tensor.empty() : tensor<2x16x64xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(n, p, c) -> (n, p, c)>, affine_map<(n, p, c) -> (n, c)>, affine_map<(n, p, c) -> (n, p, c)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%flat, %gate : tensor<2x16x64xf32>, tensor<2x64xf32>) outs(%e : tensor<2x16x64xf32>) attrs = {se.block = "se", se.phase = "scale"} {
  ^bb0(%x: f32, %g: f32, %o: f32):
    %m = arith.mulf %x, %g : f32
    linalg.yield %m : f32
  } -> tensor<2x16x64xf32>
  %y = tensor.expand_shape %s [[0], [1, 2], [3]] output_shape [2, 4, 4, 64] : tensor<2x16x64xf32> into tensor<2x4x4x64xf32>
  %e2 = tensor.empty() : tensor<2x4x4x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2x4x4x16xf32>) -> tensor<2x4x4x16xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%y, %w : tensor<2x4x4x64xf32>, tensor<1x1x64x16xf32>) outs(%init : tensor<2x4x4x16xf32>) -> tensor<2x4x4x16xf32>
  return %c : tensor<2x4x4x16xf32>
}

// -----

// With fewer positions than filters (3 x 3 against 40, padded to 48 with
// AVX-512) the scale stays a loop of its own, writing s * U, which the
// convolution reads: P x C multiplies instead of F'/R x C per tile.
// CHECK-LABEL: func @scaled_projection_materialized
// CHECK: %[[S:.*]] = linalg.generic {{.*}} se.phase = "scale"
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[S]]
// CHECK: tensor.extract %[[Y]]
// CHECK: vector.fma
// AVX2-LABEL: func @scaled_projection_materialized
// AVX2: se.phase = "scale"
func.func @scaled_projection_materialized(%u: tensor<1x3x3x64xf32>, %gate: tensor<1x64xf32>) -> tensor<1x3x3x40xf32> {
  %w = arith.constant dense<0.5> : tensor<1x1x64x40xf32>
  %zero = arith.constant 0.0 : f32
  %flat = tensor.collapse_shape %u [[0], [1, 2], [3]] : tensor<1x3x3x64xf32> into tensor<1x9x64xf32>
  %e = tensor.empty() : tensor<1x9x64xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(n, p, c) -> (n, p, c)>, affine_map<(n, p, c) -> (n, c)>, affine_map<(n, p, c) -> (n, p, c)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%flat, %gate : tensor<1x9x64xf32>, tensor<1x64xf32>) outs(%e : tensor<1x9x64xf32>) attrs = {se.block = "se", se.phase = "scale"} {
  ^bb0(%x: f32, %g: f32, %o: f32):
    %m = arith.mulf %x, %g : f32
    linalg.yield %m : f32
  } -> tensor<1x9x64xf32>
  %y = tensor.expand_shape %s [[0], [1, 2], [3]] output_shape [1, 3, 3, 64] : tensor<1x9x64xf32> into tensor<1x3x3x64xf32>
  %e2 = tensor.empty() : tensor<1x3x3x40xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x3x3x40xf32>) -> tensor<1x3x3x40xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%y, %w : tensor<1x3x3x64xf32>, tensor<1x1x64x40xf32>) outs(%init : tensor<1x3x3x40xf32>) -> tensor<1x3x3x40xf32>
  return %c : tensor<1x3x3x40xf32>
}

// -----

// With 4 tiles or more per image (here 5 of 14 positions), the gate scales
// a per-image copy of the packed filter before the loops (N x C x F'
// multiplies) instead of every filter vector of every tile; the tiles read
// the copy of their image.
// CHECK-LABEL: func @scaled_projection_filter_copy
// CHECK-SAME: (%[[U:.*]]: tensor<2x8x8x64xf32>, %[[G:.*]]: tensor<2x64xf32>)
// CHECK: %[[W:.*]] = arith.constant dense_resource<conv_blocked> : tensor<3x1x1x64x16xf32>
// CHECK: %[[ROWS:.*]] = tensor.collapse_shape %[[W]] {{\[}}[0, 1, 2], [3], [4]]
// CHECK: %[[COPY:.*]] = scf.for %[[N:[^ ]*]] =
// CHECK:   scf.for %[[T:[^ ]*]] =
// CHECK:     scf.for %[[C:[^ ]*]] =
// CHECK:       %[[GATE:.*]] = tensor.extract %[[G]][%[[N]], %[[C]]]
// CHECK:       %[[B:.*]] = vector.broadcast %[[GATE]] : f32 to vector<16xf32>
// CHECK:       %[[F:.*]] = vector.transfer_read %[[ROWS]][%[[T]], %[[C]], %{{.*}}]
// CHECK:       %[[SF:.*]] = arith.mulf %[[F]], %[[B]] : vector<16xf32>
// CHECK:       vector.transfer_write %[[SF]], %{{.*}}[%[[N]], %[[T]], %[[C]], %{{.*}}] {{.*}} : vector<16xf32>, tensor<2x3x64x16xf32>
// CHECK: %[[PER_IMAGE:.*]] = tensor.expand_shape %[[COPY]] {{\[}}[0], [1, 2, 3], [4], [5]] {{.*}} into tensor<2x3x1x1x64x16xf32>
// CHECK: scf.for %[[IMAGE:[^ ]*]] =
// CHECK-NOT: arith.mulf
// CHECK: vector.transfer_read %[[PER_IMAGE]][%[[IMAGE]],
// CHECK-NOT: arith.mulf
// CHECK: vector.fma
// CHECK-NOT: linalg.generic
// AVX2-LABEL: func @scaled_projection_filter_copy
// AVX2: tensor<2x5x1x1x64x8xf32>
func.func @scaled_projection_filter_copy(%u: tensor<2x8x8x64xf32>, %gate: tensor<2x64xf32>) -> tensor<2x8x8x40xf32> {
  %w = arith.constant dense<0.5> : tensor<1x1x64x40xf32>
  %zero = arith.constant 0.0 : f32
  %flat = tensor.collapse_shape %u [[0], [1, 2], [3]] : tensor<2x8x8x64xf32> into tensor<2x64x64xf32>
  %e = tensor.empty() : tensor<2x64x64xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(n, p, c) -> (n, p, c)>, affine_map<(n, p, c) -> (n, c)>, affine_map<(n, p, c) -> (n, p, c)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%flat, %gate : tensor<2x64x64xf32>, tensor<2x64xf32>) outs(%e : tensor<2x64x64xf32>) attrs = {se.block = "se", se.phase = "scale"} {
  ^bb0(%x: f32, %g: f32, %o: f32):
    %m = arith.mulf %x, %g : f32
    linalg.yield %m : f32
  } -> tensor<2x64x64xf32>
  %y = tensor.expand_shape %s [[0], [1, 2], [3]] output_shape [2, 8, 8, 64] : tensor<2x64x64xf32> into tensor<2x8x8x64xf32>
  %e2 = tensor.empty() : tensor<2x8x8x40xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2x8x8x40xf32>) -> tensor<2x8x8x40xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%y, %w : tensor<2x8x8x64xf32>, tensor<1x1x64x40xf32>) outs(%init : tensor<2x8x8x40xf32>) -> tensor<2x8x8x40xf32>
  return %c : tensor<2x8x8x40xf32>
}

// -----

// Rows of 14 positions are whole tiles: each tile takes its first
// position's row and consecutive columns (one division per tile), which
// keeps one address for the tile once the loop runs on OpenMP threads.
// CHECK-LABEL: func @row_tiles
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C13:.*]] = arith.constant 13 : index
// CHECK-DAG: %[[C14:.*]] = arith.constant 14 : index
// CHECK: scf.for %[[FIRST:.*]] = %{{.*}} to %{{.*}} step %[[C14]]
// CHECK:   %[[ROW:.*]] = arith.divui %[[FIRST]], %[[C14]]
// CHECK:   %[[COLUMN:.*]] = arith.remui %[[FIRST]], %[[C14]]
// CHECK:   %[[NEXT:.*]] = arith.addi %[[COLUMN]], %[[C1]]
// CHECK:   %[[LAST:.*]] = arith.addi %[[COLUMN]], %[[C13]]
// CHECK-NOT: arith.divui
// CHECK:   tensor.extract %{{.*}}[%{{.*}}, %[[ROW]], %[[COLUMN]], %{{.*}}]
// CHECK:   tensor.extract %{{.*}}[%{{.*}}, %[[ROW]], %[[NEXT]], %{{.*}}]
// CHECK:   tensor.extract %{{.*}}[%{{.*}}, %[[ROW]], %[[LAST]], %{{.*}}]
func.func @row_tiles(%x: tensor<1x2x14x64xf32>) -> tensor<1x2x14x32xf32> {
  %w = arith.constant dense<0.5> : tensor<1x1x64x32xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x14x32xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x14x32xf32>) -> tensor<1x2x14x32xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x2x14x64xf32>, tensor<1x1x64x32xf32>) outs(%init : tensor<1x2x14x32xf32>) -> tensor<1x2x14x32xf32>
  return %c : tensor<1x2x14x32xf32>
}
