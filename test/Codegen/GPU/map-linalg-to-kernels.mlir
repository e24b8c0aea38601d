// RUN: se-opt %s --se-gpu-map-linalg-to-kernels --cse --split-input-file | FileCheck %s
// RUN: se-opt %s --se-gpu-map-linalg-to-kernels="tiled-convolutions=false split-reductions=false" --cse --split-input-file | FileCheck %s --check-prefix=NAIVE
// RUN: se-opt %s --se-gpu-map-linalg-to-kernels="tiled-convolutions=false block-size=64" --cse --split-input-file | FileCheck %s --check-prefix=BLOCK64
// RUN: se-opt %s --se-gpu-map-linalg-to-kernels="per-image-kernels=false fuse-squeeze=false" --cse --split-input-file | FileCheck %s --check-prefix=SEPARATE
// RUN: se-opt %s --se-gpu-map-linalg-to-kernels="quad-elementwise=false" --cse --split-input-file | FileCheck %s --check-prefix=SCALAR

// An element-wise op: one thread per element, 300 points in two blocks of
// 256, the innermost dimension fastest, a guard for the last block.
// CHECK-LABEL: func.func @relu
//   CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
//   CHECK-DAG: %[[C256:.*]] = arith.constant 256 : index
//       CHECK: gpu.launch blocks({{[^)]*}}) in ({{[^)]*}} = %[[C2]], {{[^)]*}}) threads({{[^)]*}}) in ({{[^)]*}} = %[[C256]], {{[^)]*}})
//  CHECK-SAME: module(@relu_kernels) function(@generic_0)
//       CHECK: arith.cmpi ult, %{{.*}}, %c300
//       CHECK: scf.if
//       CHECK: arith.remui %{{.*}}, %c30
//       CHECK: arith.divui %{{.*}}, %c30
//       CHECK: linalg.generic {{.*}} ins(%{{.*}} : memref<1x1xf32, strided<[30, 1], offset: ?>>)
//       CHECK: gpu.terminator
//   CHECK-NOT: linalg.generic
// BLOCK64-LABEL: func.func @relu
//       BLOCK64: gpu.launch blocks({{[^)]*}}) in ({{[^)]*}} = %c5, {{[^)]*}}) threads({{[^)]*}}) in ({{[^)]*}} = %c64,
func.func @relu(%in: memref<10x30xf32>, %out: memref<10x30xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%in : memref<10x30xf32>) outs(%out : memref<10x30xf32>) {
  ^bb0(%x: f32, %y: f32):
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// The SE scale with the residual add and ReLU on a 2x4x4x8 map: a thread
// per 4 channels of a pixel (64 threads), the map, the residual and the
// gate read as 16-byte vectors, the per-image bias once, the body applied
// to each lane, one 16-byte store.
// CHECK-LABEL: func.func @scale_residual_relu
//       CHECK: gpu.launch blocks({{[^)]*}}) in ({{[^)]*}} = %c1{{[^)]*}}) threads({{[^)]*}}) in ({{[^)]*}} = %c64,
//       CHECK: scf.if
//   CHECK-DAG: vector.load %{{.*}} {alignment = 16 : i64} : memref<2x4x4x8xf32>, vector<4xf32>
//   CHECK-DAG: vector.load %{{.*}} {alignment = 16 : i64} : memref<2x8xf32>, vector<4xf32>
//   CHECK-DAG: memref.load %{{.*}} : memref<2xf32>
//   CHECK-COUNT-4: arith.maximumf
//       CHECK: vector.from_elements
//       CHECK: vector.store %{{.*}} {alignment = 16 : i64} : memref<2x4x4x8xf32>, vector<4xf32>
//   CHECK-NOT: linalg.generic
// SCALAR-LABEL: func.func @scale_residual_relu
//       SCALAR: gpu.launch blocks({{[^)]*}}) in ({{[^)]*}} = %c1{{[^)]*}}) threads({{[^)]*}}) in ({{[^)]*}} = %c256,
//       SCALAR: linalg.generic
func.func @scale_residual_relu(%ws: memref<?xi8>) {
  %c0 = arith.constant 0 : index
  %c1024 = arith.constant 1024 : index
  %c2048 = arith.constant 2048 : index
  %c2112 = arith.constant 2112 : index
  %c2128 = arith.constant 2128 : index
  %x = memref.view %ws[%c0][] : memref<?xi8> to memref<2x4x4x8xf32>
  %residual = memref.view %ws[%c1024][] : memref<?xi8> to memref<2x4x4x8xf32>
  %gate = memref.view %ws[%c2048][] : memref<?xi8> to memref<2x8xf32>
  %bias = memref.view %ws[%c2112][] : memref<?xi8> to memref<2xf32>
  %out = memref.view %ws[%c2128][] : memref<?xi8> to memref<2x4x4x8xf32>
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, c)>,
                                   affine_map<(n, h, w, c) -> (n)>, affine_map<(n, h, w, c) -> (n, h, w, c)>,
                                   affine_map<(n, h, w, c) -> (n, h, w, c)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %gate, %bias, %residual : memref<2x4x4x8xf32>, memref<2x8xf32>, memref<2xf32>, memref<2x4x4x8xf32>)
      outs(%out : memref<2x4x4x8xf32>) {
  ^bb0(%v: f32, %g: f32, %b: f32, %r: f32, %o: f32):
    %scaled = arith.mulf %v, %g : f32
    %shifted = arith.addf %scaled, %b : f32
    %sum = arith.addf %shifted, %r : f32
    %relu = arith.maximumf %sum, %zero : f32
    linalg.yield %relu : f32
  }
  return
}

// -----

// A reduction: threads over the parallel dimensions (2 x 64 channels), each
// sums its channel over the 49 pixels in a sequential loop; 128 points fit
// one block of 128 threads.
// CHECK-LABEL: func.func @squeeze
//       CHECK: gpu.launch blocks({{[^)]*}}) in ({{[^)]*}} = %c1{{[^)]*}}) threads({{[^)]*}}) in ({{[^)]*}} = %c128,
//       CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]
//  CHECK-SAME: ins(%{{.*}} : memref<1x49x1xf32, strided<[3136, 64, 1], offset: ?>>)
//  CHECK-SAME: outs(%{{.*}} : memref<1x1xf32, strided<[64, 1], offset: ?>>)
func.func @squeeze(%in: memref<2x49x64xf32>, %out: memref<2x64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, p, c) -> (n, p, c)>, affine_map<(n, p, c) -> (n, c)>],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%in : memref<2x49x64xf32>) outs(%out : memref<2x64xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %x, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Copies run on the device too, 4 elements per thread in 16-byte vectors
// between buffers the compiled code owns (views of the workspace); a rank-0
// op gets one thread.
// CHECK-LABEL: func.func @copies
//       CHECK: gpu.launch blocks({{[^)]*}}) in ({{[^)]*}} = %c1{{[^)]*}}) threads({{[^)]*}}) in ({{[^)]*}} = %c32,
//       CHECK: vector.load %{{.*}} {alignment = 16 : i64} : memref<4x4xf32>, vector<4xf32>
//       CHECK: vector.store %{{.*}} {alignment = 16 : i64} : memref<4x4xf32>, vector<4xf32>
//       CHECK: gpu.launch blocks({{[^)]*}}) in ({{[^)]*}} = %c1{{[^)]*}}) threads({{[^)]*}}) in ({{[^)]*}} = %c32,
//       CHECK: linalg.fill
//   CHECK-NOT: memref.copy
func.func @copies(%ws: memref<?xi8>, %s: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %a = memref.view %ws[%c0][] : memref<?xi8> to memref<4x4xf32>
  %b = memref.view %ws[%c64][] : memref<?xi8> to memref<4x4xf32>
  memref.copy %a, %b : memref<4x4xf32> to memref<4x4xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%s : memref<f32>)
  return
}

// -----

// A copy into the caller's tensor, which need not be 16-byte aligned: a
// thread per element.
// CHECK-LABEL: func.func @copy_to_caller
//       CHECK: gpu.launch
//       CHECK: linalg.copy
//   CHECK-NOT: vector.store
func.func @copy_to_caller(%ws: memref<?xi8>, %out: memref<4x4xf32>) {
  %c0 = arith.constant 0 : index
  %a = memref.view %ws[%c0][] : memref<?xi8> to memref<4x4xf32>
  memref.copy %a, %out : memref<4x4xf32> to memref<4x4xf32>
  return
}

// -----

// A convolution becomes a tiled implicit GEMM: M = 2*8*8 = 128 output
// pixels, F = 64 channels, K = 3*3*16 = 144. Few blocks: 2 x 2 sub-tiles,
// 32 x 32 tiles, 32 columns of K per step; shared memory for both operands.
// Each step stages the quads loaded by the step before and loads the next
// step's before its outer products.
// CHECK-LABEL: func.func @conv
//       CHECK: gpu.launch blocks({{[^)]*}}) in ({{[^)]*}} = %c4{{[^)]*}}, {{[^)]*}} = %c2{{[^)]*}}, {{[^)]*}}) threads({{[^)]*}}) in ({{[^)]*}} = %c256,
//  CHECK-SAME: workgroup(%[[A:.*]] : memref<32x32xf32, #gpu.address_space<workgroup>>, %[[B:.*]] : memref<32x32xf32, #gpu.address_space<workgroup>>)
//       CHECK: memref.collapse_shape {{.*}} : memref<3x3x16x64xf32> into memref<144x64xf32>
//       CHECK: vector.load {{.*}} {alignment = 16 : i64} : memref<2x10x10x16xf32>, vector<4xf32>
//       CHECK: vector.load {{.*}} {alignment = 16 : i64} : memref<144x64xf32{{.*}}>, vector<4xf32>
//       CHECK: scf.for %{{.*}} = %c0 to %c144 step %c32 iter_args
//       CHECK: memref.store {{.*}}, %[[A]]
//       CHECK: vector.store {{.*}}, %[[B]]
//       CHECK: gpu.barrier
//       CHECK: vector.load {{.*}} {alignment = 16 : i64} : memref<2x10x10x16xf32>, vector<4xf32>
//       CHECK: vector.load {{.*}} {alignment = 16 : i64} : memref<144x64xf32{{.*}}>, vector<4xf32>
//       CHECK: vector.fma
//       CHECK: gpu.barrier
//       CHECK: vector.load {{.*}} : memref<2x8x8x64xf32>, vector<2xf32>
//       CHECK: arith.addf {{.*}} : vector<2xf32>
//       CHECK: vector.store
//   CHECK-NOT: linalg.conv_2d_nhwc_hwcf
// NAIVE-LABEL: func.func @conv
//       NAIVE: gpu.launch blocks({{[^)]*}}) in ({{[^)]*}} = %c32{{[^)]*}}) threads({{[^)]*}}) in ({{[^)]*}} = %c256,
//       NAIVE: linalg.conv_2d_nhwc_hwcf {{.*}} outs(%{{.*}} : memref<1x1x1x1xf32
func.func @conv(%in: memref<2x10x10x16xf32>, %filter: memref<3x3x16x64xf32>, %out: memref<2x8x8x64xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%in, %filter : memref<2x10x10x16xf32>, memref<3x3x16x64xf32>) outs(%out : memref<2x8x8x64xf32>)
  return
}

// -----

// Three input channels (the stem): scalar loads of the gathered input.
// An output width that is not a multiple of 4 channels falls back to one
// thread per output.
// CHECK-LABEL: func.func @stem_and_odd
//       CHECK: gpu.launch
//       CHECK: scf.for %{{.*}} = %c0 to %c147 step %c32
//   CHECK-NOT: vector.load {{.*}} : memref<1x21x21x3xf32>
//       CHECK: memref.load {{.*}} : memref<1x21x21x3xf32>
//       CHECK: gpu.launch
//       CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} outs(%{{.*}} : memref<1x1x1x1xf32
func.func @stem_and_odd(%in: memref<1x21x21x3xf32>, %filter: memref<7x7x3x64xf32>, %out: memref<1x8x8x64xf32>,
                        %odd_filter: memref<1x1x3x6xf32>, %odd_out: memref<1x21x21x6xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%in, %filter : memref<1x21x21x3xf32>, memref<7x7x3x64xf32>) outs(%out : memref<1x8x8x64xf32>)
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%in, %odd_filter : memref<1x21x21x3xf32>, memref<1x1x3x6xf32>) outs(%odd_out : memref<1x21x21x6xf32>)
  return
}

// -----

// A large reduction (the squeeze of a 56 x 56 map): lanes over 32 channels
// (the inputs' innermost dimension), 32 slices of the 3136 pixels per
// block (few blocks), partials combined in shared memory with the initial
// value by one thread per output.
// CHECK-LABEL: func.func @big_squeeze
//       CHECK: gpu.launch blocks({{[^)]*}}) in ({{[^)]*}} = %c4,{{[^)]*}}) threads({{[^)]*}}) in ({{[^)]*}} = %c1024,
//  CHECK-SAME: workgroup(%[[PARTIALS:.*]] : memref<32x32xf32, #gpu.address_space<workgroup>>)
//       CHECK: %[[LANE:.*]] = arith.remui %{{.*}}, %c32
//       CHECK: %[[ROW:.*]] = arith.divui %{{.*}}, %c32
//       CHECK: %[[SUM:.*]] = scf.for %{{.*}} = %[[ROW]] to %c3136 step %c32 iter_args(%{{.*}} = %cst)
//       CHECK:   memref.load %{{.*}} : memref<2x56x56x64xf32>
//       CHECK:   arith.addf
//       CHECK: memref.store %[[SUM]], %[[PARTIALS]][%[[ROW]], %[[LANE]]]
//       CHECK: gpu.barrier
//       CHECK: scf.if
//       CHECK: %[[INIT:.*]] = memref.load %{{.*}} : memref<2x64xf32>
//       CHECK: memref.load %[[PARTIALS]][%c0, %[[LANE]]]
//       CHECK: arith.addf %[[INIT]]
// NAIVE-LABEL: func.func @big_squeeze
//       NAIVE: linalg.generic
func.func @big_squeeze(%in: memref<2x56x56x64xf32>, %out: memref<2x64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, c)>],
                  iterator_types = ["parallel", "reduction", "reduction", "parallel"]}
      ins(%in : memref<2x56x56x64xf32>) outs(%out : memref<2x64xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %x, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// An FC (rows of the weights contiguous): lanes over the reduction, one
// output per warp, 8 per block; the max squeeze keeps its combiner.
// CHECK-LABEL: func.func @fc_and_max
//       CHECK: gpu.launch blocks({{[^)]*}}) in ({{[^)]*}} = %c4,{{[^)]*}}) threads({{[^)]*}}) in ({{[^)]*}} = %c256,
//  CHECK-SAME: workgroup(%{{.*}} : memref<8x32xf32, #gpu.address_space<workgroup>>)
//       CHECK: scf.for %{{.*}} = %[[LANE:.*]] to %c256 step %c32
//       CHECK: arith.mulf
//       CHECK: gpu.launch
//       CHECK: scf.for
//       CHECK: arith.maximumf
//       CHECK: gpu.barrier
//       CHECK: arith.maximumf
func.func @fc_and_max(%in: memref<2x256xf32>, %w: memref<16x256xf32>, %out: memref<2x16xf32>,
                      %map: memref<1x16x16x32xf32>, %max: memref<1x32xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, o, i) -> (n, i)>, affine_map<(n, o, i) -> (o, i)>, affine_map<(n, o, i) -> (n, o)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%in, %w : memref<2x256xf32>, memref<16x256xf32>) outs(%out : memref<2x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, c)>],
                  iterator_types = ["parallel", "reduction", "reduction", "parallel"]}
      ins(%map : memref<1x16x16x32xf32>) outs(%max : memref<1x32xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %m = arith.maximumf %x, %acc : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// The convolution's kernel absorbs the bias broadcast into its output
// before it and the clamp (ReLU) after it: it starts from the bias, clamps
// each lane and stores once.
// CHECK-LABEL: func.func @conv_bias_relu
//   CHECK-NOT: linalg.generic
//       CHECK: gpu.launch
//       CHECK: gpu.barrier
//       CHECK: vector.fma
//       CHECK: gpu.barrier
//       CHECK: %[[BIAS:.*]] = scf.if
//       CHECK:   vector.load %{{.*}} : memref<64xf32>, vector<2xf32>
//       CHECK: arith.addf %[[BIAS]], %{{.*}} : vector<2xf32>
//       CHECK: vector.extract
//       CHECK: arith.minimumf
//       CHECK: arith.maximumf
//       CHECK: vector.insert
//       CHECK: vector.store %{{.*}}, %arg3
//   CHECK-NOT: linalg.generic
// NAIVE-LABEL: func.func @conv_bias_relu
//       NAIVE: linalg.generic
//       NAIVE: linalg.conv_2d_nhwc_hwcf
//       NAIVE: linalg.generic
func.func @conv_bias_relu(%in: memref<2x10x10x16xf32>, %filter: memref<3x3x16x64xf32>, %bias: memref<64xf32>, %out: memref<2x8x8x64xf32>) {
  %zero = arith.constant 0.0 : f32
  %big = arith.constant 3.40282347E+38 : f32
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%bias : memref<64xf32>) outs(%out : memref<2x8x8x64xf32>) {
  ^bb0(%b: f32, %o: f32):
    linalg.yield %b : f32
  }
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%in, %filter : memref<2x10x10x16xf32>, memref<3x3x16x64xf32>) outs(%out : memref<2x8x8x64xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%out : memref<2x8x8x64xf32>) outs(%out : memref<2x8x8x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %0 = arith.minimumf %x, %big : f32
    %1 = arith.maximumf %0, %zero : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

// A zero-padded input (fill, copy into the interior) is read from the
// unpadded tensor, with zeros outside it: no fill, no copy, the kernel
// checks the bounds of the 8 x 8 source at offset (1, 1).
// CHECK-LABEL: func.func @conv_padded
//   CHECK-NOT: linalg.map
//   CHECK-NOT: linalg.copy
//       CHECK: gpu.launch
//       CHECK: arith.cmpi uge, %{{.*}}, %c1
//       CHECK: arith.cmpi ult, %{{.*}}, %c9
//       CHECK: vector.load %{{.*}} {alignment = 16 : i64} : memref<2x8x8x16xf32>, vector<4xf32>
//   CHECK-NOT: linalg.copy
func.func @conv_padded(%ws: memref<?xi8>, %filter: memref<3x3x16x64xf32>, %out: memref<2x8x8x64xf32>) {
  %c0 = arith.constant 0 : index
  %c16384 = arith.constant 16384 : index
  %zero = arith.constant 0.0 : f32
  %source = memref.view %ws[%c0][] : memref<?xi8> to memref<2x8x8x16xf32>
  %padded = memref.view %ws[%c16384][] : memref<?xi8> to memref<2x10x10x16xf32>
  linalg.map outs(%padded : memref<2x10x10x16xf32>) (%init: f32) { linalg.yield %zero : f32 }
  %interior = memref.subview %padded[0, 1, 1, 0] [2, 8, 8, 16] [1, 1, 1, 1] : memref<2x10x10x16xf32> to memref<2x8x8x16xf32, strided<[1600, 160, 16, 1], offset: 176>>
  linalg.copy ins(%source : memref<2x8x8x16xf32>) outs(%interior : memref<2x8x8x16xf32, strided<[1600, 160, 16, 1], offset: 176>>)
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%padded, %filter : memref<2x10x10x16xf32>, memref<3x3x16x64xf32>) outs(%out : memref<2x8x8x64xf32>)
  return
}

// -----

// The same, but the convolution's output shares the source's bytes (the
// workspace reused them after the copy): the padded copy stays.
// CHECK-LABEL: func.func @conv_padded_reused
//       CHECK: gpu.launch
//       CHECK: vector.store {{.*}} : memref<2x10x10x16xf32>, vector<4xf32>
//       CHECK: gpu.launch
//       CHECK: vector.load {{.*}} : memref<2x8x8x16xf32>, vector<4xf32>
//       CHECK: vector.store {{.*}} : memref<2x8x8x16xf32, strided<[1600, 160, 16, 1], offset: 176>>, vector<4xf32>
//       CHECK: gpu.launch
//       CHECK: memref<2x10x10x16xf32>, vector<4xf32>
func.func @conv_padded_reused(%ws: memref<?xi8>, %filter: memref<3x3x16x16xf32>) {
  %c0 = arith.constant 0 : index
  %c16384 = arith.constant 16384 : index
  %zero = arith.constant 0.0 : f32
  %source = memref.view %ws[%c0][] : memref<?xi8> to memref<2x8x8x16xf32>
  %padded = memref.view %ws[%c16384][] : memref<?xi8> to memref<2x10x10x16xf32>
  %out = memref.view %ws[%c0][] : memref<?xi8> to memref<2x8x8x16xf32>
  linalg.map outs(%padded : memref<2x10x10x16xf32>) (%init: f32) { linalg.yield %zero : f32 }
  %interior = memref.subview %padded[0, 1, 1, 0] [2, 8, 8, 16] [1, 1, 1, 1] : memref<2x10x10x16xf32> to memref<2x8x8x16xf32, strided<[1600, 160, 16, 1], offset: 176>>
  linalg.copy ins(%source : memref<2x8x8x16xf32>) outs(%interior : memref<2x8x8x16xf32, strided<[1600, 160, 16, 1], offset: 176>>)
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%padded, %filter : memref<2x10x10x16xf32>, memref<3x3x16x16xf32>) outs(%out : memref<2x8x8x16xf32>)
  return
}

// -----

// An SE excitation (2 images, 256 channels, 16 hidden units): the fill, the
// two FCs and the gate, consecutive and image by image, run as one kernel
// with a block per image and a barrier after each op. FC1 reduces 256
// elements per output: a warp per hidden unit (2 steps of 8 warps), lanes
// over the channels, partials in shared memory. FC2 reduces 16: a thread
// per channel, like the gate.
// CHECK-LABEL: func.func @excitation
//       CHECK: gpu.launch blocks({{[^)]*}}) in ({{[^)]*}} = %c2, {{[^)]*}}) threads({{[^)]*}}) in ({{[^)]*}} = %c256,
//  CHECK-SAME: function(@per_image_0)
//  CHECK-SAME: workgroup(%[[PARTIALS:.*]] : memref<8x32xf32, #gpu.address_space<workgroup>>)
//       CHECK: linalg.fill
//       CHECK: gpu.barrier
//       CHECK: scf.for %{{.*}} = %c0 to %c2 step %c1
//       CHECK: scf.for {{.*}} step %c32 iter_args
//       CHECK: memref.store %{{.*}}, %[[PARTIALS]]
//       CHECK: gpu.barrier
//       CHECK: scf.if
//       CHECK: gpu.barrier
//       CHECK: gpu.barrier
//       CHECK: scf.for {{.*}} step %c256
//       CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]
//       CHECK: gpu.barrier
//       CHECK: scf.for {{.*}} step %c256
//       CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
//       CHECK: gpu.barrier
//       CHECK: gpu.terminator
//   CHECK-NOT: gpu.launch
// SEPARATE-LABEL: func.func @excitation
// SEPARATE-COUNT-4: gpu.launch
func.func @excitation(%z: memref<2x256xf32>, %w1: memref<16x256xf32>, %h: memref<2x16xf32>,
                      %w2: memref<256x16xf32>, %g: memref<2x256xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%h : memref<2x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, j, c) -> (n, c)>, affine_map<(n, j, c) -> (j, c)>, affine_map<(n, j, c) -> (n, j)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%z, %w1 : memref<2x256xf32>, memref<16x256xf32>) outs(%h : memref<2x16xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %p, %acc : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(n, c, j) -> (n, j)>, affine_map<(n, c, j) -> (c, j)>, affine_map<(n, c, j) -> (n, c)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%h, %w2 : memref<2x16xf32>, memref<256x16xf32>) outs(%g : memref<2x256xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %p, %acc : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(n, c) -> (n, c)>, affine_map<(n, c) -> (n, c)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%g : memref<2x256xf32>) outs(%g : memref<2x256xf32>) {
  ^bb0(%x: f32, %y: f32):
    %e = math.exp %x : f32
    linalg.yield %e : f32
  }
  return
}

// -----

// Blocks of different images run concurrently: a run stops where an op
// writes a buffer that overlaps another buffer of the run (here the hidden
// units share workspace bytes with the other image's squeezed channels).
// CHECK-LABEL: func.func @overlapping_views
//   CHECK-NOT: per_image
// CHECK-COUNT-2: gpu.launch
func.func @overlapping_views(%workspace: memref<?xi8>, %w1: memref<16x256xf32>) {
  %c0 = arith.constant 0 : index
  %c1024 = arith.constant 1024 : index
  %zero = arith.constant 0.0 : f32
  %z = memref.view %workspace[%c0][] : memref<?xi8> to memref<2x256xf32>
  %h = memref.view %workspace[%c1024][] : memref<?xi8> to memref<2x16xf32>
  linalg.fill ins(%zero : f32) outs(%h : memref<2x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, j, c) -> (n, c)>, affine_map<(n, j, c) -> (j, c)>, affine_map<(n, j, c) -> (n, j)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%z, %w1 : memref<2x256xf32>, memref<16x256xf32>) outs(%h : memref<2x16xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %p, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The SE squeeze of a convolution's output, its sums zero-filled before the
// convolution: the convolution kernel adds each stored row of its 2 x 2
// sub-tile to the sums of its image (and of the next image when its rows
// span two), atomically; the squeeze's own kernel goes.
// CHECK-LABEL: func.func @conv_then_squeeze
//       CHECK: gpu.launch {{.*}} function(@fill_0)
//       CHECK: gpu.launch {{.*}} function(@conv_2d_nhwc_hwcf_1)
//       CHECK: vector.store
//       CHECK: vector.store
// CHECK-COUNT-4: memref.atomic_rmw addf
//       CHECK: gpu.terminator
//   CHECK-NOT: gpu.launch
// SEPARATE-LABEL: func.func @conv_then_squeeze
// SEPARATE-COUNT-3: gpu.launch
func.func @conv_then_squeeze(%x: memref<2x6x6x8xf32>, %w: memref<3x3x8x8xf32>, %workspace: memref<?xi8>) {
  %c0 = arith.constant 0 : index
  %c1024 = arith.constant 1024 : index
  %zero = arith.constant 0.0 : f32
  %u = memref.view %workspace[%c0][] : memref<?xi8> to memref<2x4x4x8xf32>
  %sums = memref.view %workspace[%c1024][] : memref<?xi8> to memref<2x8xf32>
  linalg.fill ins(%zero : f32) outs(%sums : memref<2x8xf32>)
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : memref<2x6x6x8xf32>, memref<3x3x8x8xf32>) outs(%u : memref<2x4x4x8xf32>)
  %collapsed = memref.collapse_shape %u [[0], [1, 2], [3]] : memref<2x4x4x8xf32> into memref<2x16x8xf32>
  linalg.generic {indexing_maps = [affine_map<(n, p, c) -> (n, p, c)>, affine_map<(n, p, c) -> (n, c)>],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%collapsed : memref<2x16x8xf32>) outs(%sums : memref<2x8xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  }
  return
}

// -----

// Something written between the convolution and the squeeze that may
// overlap the feature map: the squeeze keeps its kernel.
// CHECK-LABEL: func.func @feature_map_rewritten
//       CHECK: gpu.launch {{.*}} function(@conv_2d_nhwc_hwcf_1)
//   CHECK-NOT: memref.atomic_rmw
//       CHECK: gpu.launch {{.*}} function(@copy_2)
//       CHECK: gpu.launch
func.func @feature_map_rewritten(%x: memref<2x6x6x8xf32>, %w: memref<3x3x8x8xf32>, %y: memref<2x4x4x8xf32>, %workspace: memref<?xi8>) {
  %c0 = arith.constant 0 : index
  %c1024 = arith.constant 1024 : index
  %zero = arith.constant 0.0 : f32
  %u = memref.view %workspace[%c0][] : memref<?xi8> to memref<2x4x4x8xf32>
  %sums = memref.view %workspace[%c1024][] : memref<?xi8> to memref<2x8xf32>
  linalg.fill ins(%zero : f32) outs(%sums : memref<2x8xf32>)
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : memref<2x6x6x8xf32>, memref<3x3x8x8xf32>) outs(%u : memref<2x4x4x8xf32>)
  linalg.copy ins(%y : memref<2x4x4x8xf32>) outs(%u : memref<2x4x4x8xf32>)
  %collapsed = memref.collapse_shape %u [[0], [1, 2], [3]] : memref<2x4x4x8xf32> into memref<2x16x8xf32>
  linalg.generic {indexing_maps = [affine_map<(n, p, c) -> (n, p, c)>, affine_map<(n, p, c) -> (n, c)>],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%collapsed : memref<2x16x8xf32>) outs(%sums : memref<2x8xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  }
  return
}

// -----

// A write between the convolution and the squeeze into a subview of
// workspace bytes that neither the feature map nor the sums use does not
// stop the fusion (a subview lies within its source's bytes).
// CHECK-LABEL: func.func @disjoint_subview_between
//       CHECK: gpu.launch {{.*}} function(@conv_2d_nhwc_hwcf_1)
//       CHECK: memref.atomic_rmw addf
//       CHECK: gpu.launch {{.*}} function(@fill_2)
//   CHECK-NOT: gpu.launch
func.func @disjoint_subview_between(%x: memref<2x6x6x8xf32>, %w: memref<3x3x8x8xf32>, %workspace: memref<?xi8>) {
  %c0 = arith.constant 0 : index
  %c1024 = arith.constant 1024 : index
  %c2048 = arith.constant 2048 : index
  %zero = arith.constant 0.0 : f32
  %u = memref.view %workspace[%c0][] : memref<?xi8> to memref<2x4x4x8xf32>
  %sums = memref.view %workspace[%c1024][] : memref<?xi8> to memref<2x8xf32>
  %other = memref.view %workspace[%c2048][] : memref<?xi8> to memref<4x64xf32>
  linalg.fill ins(%zero : f32) outs(%sums : memref<2x8xf32>)
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : memref<2x6x6x8xf32>, memref<3x3x8x8xf32>) outs(%u : memref<2x4x4x8xf32>)
  %part = memref.subview %other[1, 0] [2, 64] [1, 1] : memref<4x64xf32> to memref<2x64xf32, strided<[64, 1], offset: 64>>
  linalg.fill ins(%zero : f32) outs(%part : memref<2x64xf32, strided<[64, 1], offset: 64>>)
  %collapsed = memref.collapse_shape %u [[0], [1, 2], [3]] : memref<2x4x4x8xf32> into memref<2x16x8xf32>
  linalg.generic {indexing_maps = [affine_map<(n, p, c) -> (n, p, c)>, affine_map<(n, p, c) -> (n, c)>],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%collapsed : memref<2x16x8xf32>) outs(%sums : memref<2x8xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %a = arith.addf %in, %acc : f32
    linalg.yield %a : f32
  }
  return
}
