// RUN: se-opt %s -split-input-file -convert-se-to-linalg -canonicalize -se-pack-conv-weights -se-cpu-tile-and-vectorize=vector-width=16 | FileCheck %s
// RUN: se-opt %s -split-input-file -convert-se-to-linalg -canonicalize -se-cpu-tile-and-vectorize="vector-width=16 vectorize=false" | FileCheck %s --check-prefix=TILED
// RUN: se-opt %s -split-input-file -convert-se-to-linalg -canonicalize -se-cpu-tile-and-vectorize="vector-width=8 tile-sizes=1,2,8" | FileCheck %s --check-prefix=OVERRIDE

// NCHW, 256 channels of 56 x 56: tiles of 4 channels x 64 positions. The
// squeeze carries 4 x 64 partial sums as a vector through a loop over the
// 3136 positions (the reduction loop innermost) and reduces the lanes once
// at the end; the scale is one 4 x 64 multiply per tile. The channel loops
// of the large ops are marked for threads, and carry the block and phase
// for the traffic report.
// CHECK-LABEL: func @nchw_stage1
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK-DAG: %[[C256:.*]] = arith.constant 256 : index
// CHECK-DAG: %[[C3136:.*]] = arith.constant 3136 : index
// CHECK: scf.for %{{.*}} = %[[C0]] to %[[C256]] step %[[C4]]
// CHECK:   %[[SUMS:.*]] = scf.for %{{.*}} = %[[C0]] to %[[C3136]] step %[[C64]] iter_args(%[[ACC:.*]] = %{{.*}}) -> (vector<1x4x64xf32>)
// CHECK:     %[[TILE:.*]] = vector.transfer_read {{.*}} : tensor<1x4x64xf32>, vector<1x4x64xf32>
// CHECK:     %[[NEXT:.*]] = arith.addf %[[TILE]], %[[ACC]] : vector<1x4x64xf32>
// CHECK:     scf.yield %[[NEXT]]
// CHECK:   vector.multi_reduction <add>, %[[SUMS]], %{{.*}} [2] : vector<1x4x64xf32> to vector<1x4xf32>
// CHECK: } {se.block = "se@{{[0-9]+}}:{{[0-9]+}}", se.parallel_tiles, se.phase = "squeeze"}
// CHECK: scf.for %{{.*}} = %[[C0]] to %[[C256]] step %[[C4]]
// CHECK:   scf.for %{{.*}} = %[[C0]] to %[[C3136]] step %[[C64]]
// CHECK:     arith.mulf {{.*}} : vector<1x4x64xf32>
// CHECK:     vector.transfer_write {{.*}} : vector<1x4x64xf32>, tensor<1x4x64xf32>
// CHECK: } {se.block = "se@{{[0-9]+}}:{{[0-9]+}}", se.parallel_tiles, se.phase = "scale"}

// Without vectorization, the same tiles hold linalg ops.
// TILED-LABEL: func @nchw_stage1
// TILED: scf.for
// TILED:   scf.for
// TILED:     linalg.generic {{.*}} ins(%{{.*}} : tensor<1x4x64xf32>) outs(%{{.*}} : tensor<1x4x64xf32>)
// TILED:   linalg.reduce ins(%{{.*}} : tensor<1x4x64xf32>) outs(%{{.*}} : tensor<1x4xf32>) dimensions = [2]

// Overridden tiles (AVX2 width): 2 channels x 8 positions.
// OVERRIDE-LABEL: func @nchw_stage1
// OVERRIDE: vector<1x2x8xf32>
func.func @nchw_stage1(%x: tensor<1x256x56x56xf32>, %w1: tensor<16x256xf32>, %w2: tensor<256x16xf32>) -> tensor<1x256x56x56xf32> {
  %y = se.squeeze_excite %x weights(%w1, %w2) : (tensor<1x256x56x56xf32>, tensor<16x256xf32>, tensor<256x16xf32>) -> tensor<1x256x56x56xf32>
  return %y : tensor<1x256x56x56xf32>
}

// -----

// NHWC with C = 1000: no multiple of 16 up to 64 divides 1000, so the
// channel loops run 960 / 64 full tiles and a peeled static tile of 40. The
// squeeze sums whole 64-channel vectors over the 25 positions.
// CHECK-LABEL: func @nhwc_odd_channels
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C25:.*]] = arith.constant 25 : index
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK-DAG: %[[C960:.*]] = arith.constant 960 : index
// CHECK: scf.for %{{.*}} = %[[C0]] to %[[C960]] step %[[C64]]
// CHECK:   scf.for %{{.*}} = %[[C0]] to %[[C25]] step %[[C1]]
// CHECK:     vector.transfer_read {{.*}} : tensor<1x1x64xf32>, vector<1x1x64xf32>
// CHECK: scf.for %{{.*}} = %[[C0]] to %[[C25]] step %[[C1]]
// CHECK:   vector.transfer_read {{.*}} : tensor<1x1x40xf32>, vector<1x1x40xf32>
// CHECK-NOT: tensor<1x1x?xf32>
// CHECK-NOT: vector.mask
func.func @nhwc_odd_channels(%x: tensor<1x5x5x1000xf32>, %w1: tensor<62x1000xf32>, %w2: tensor<1000x62xf32>) -> tensor<1x5x5x1000xf32> {
  %y = se.squeeze_excite %x weights(%w1, %w2) layout = nhwc : (tensor<1x5x5x1000xf32>, tensor<62x1000xf32>, tensor<1000x62xf32>) -> tensor<1x5x5x1000xf32>
  return %y : tensor<1x5x5x1000xf32>
}

// -----

// A 3x3 convolution with a constant filter: the filter is repacked to HWCF
// at compile time, tiles of 7 positions x 64 channels with one filter row
// become 1-D convolutions and vectorize to contractions; no linalg op is
// left.
// CHECK-LABEL: func @conv3x3
// CHECK-NOT: linalg.conv
// CHECK: vector.contract
// CHECK-NOT: linalg.conv
func.func @conv3x3(%x: tensor<1x16x16x32xf32>) -> tensor<1x14x14x64xf32> {
  %w = arith.constant dense<0.5> : tensor<64x3x3x32xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x14x14x64xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x14x14x64xf32>) -> tensor<1x14x14x64xf32>
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x16x16x32xf32>, tensor<64x3x3x32xf32>) outs(%init : tensor<1x14x14x64xf32>) -> tensor<1x14x14x64xf32>
  return %y : tensor<1x14x14x64xf32>
}
