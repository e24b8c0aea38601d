// RUN: se-opt %s -split-input-file -se-cpu-conv-microkernels=vector-width=16 -canonicalize --mlir-elide-resource-strings-if-larger=16 | FileCheck %s

#channel = affine_map<(d0, d1, d2, d3) -> (d3)>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// A padded 3x3 convolution with stride 1, bias and ReLU over a 4x4 output:
// 4 tiles of 2x2. The first loop turns each 4x4 input patch of 32 channels
// into 16 vectors of V (16 x 1 x 4 tiles x 32 channels), the products run
// on the microkernels with one transformed 1x1 filter per element of V (the
// loop over the 16 elements is marked for threads), and the last loop
// turns each tile's 16 products back into 2x2 outputs, adds the bias and
// applies the ReLU before the one store.
// CHECK-LABEL: func @winograd
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[C32:.*]] = arith.constant 32 : index
// CHECK-DAG: %[[U:.*]] = arith.constant dense_resource<conv_winograd{{.*}}> : tensor<16x1x1x1x32x32xf32>
// CHECK: %[[V:.*]] = scf.for %{{.*}} = %[[C0]] to %[[C4]] step %[[C1]] iter_args(%{{.*}} = %{{.*}}) -> (tensor<16x1x4x32xf32>)
// CHECK:   scf.for %{{.*}} = %[[C0]] to %[[C32]] step %[[C16]]
// CHECK-COUNT-16: vector.transfer_read %{{.*}} : tensor<1x6x6x32xf32>, vector<16xf32>
// CHECK-COUNT-16: vector.transfer_write %{{.*}} : vector<16xf32>, tensor<16x1x4x32xf32>
// CHECK: } {se.parallel_tiles}
// CHECK: %[[M:.*]] = scf.for %[[K:.*]] = %[[C0]] to %[[C16]] step %[[C1]] iter_args(%{{.*}}) -> (tensor<16x1x4x32xf32>)
// CHECK:   scf.for %{{.*}} = %[[C0]] to %[[C32]] step %[[C4]] iter_args
// CHECK:     vector.transfer_read %[[U]][%[[K]], %[[C0]], %[[C0]], %[[C0]], %{{.*}}, %[[C0]]]
// CHECK:     tensor.extract %[[V]][%[[K]]
// CHECK:     vector.fma
// CHECK: } {se.parallel_tiles}
// CHECK: scf.for %{{.*}} = %[[C0]] to %[[C4]] step %[[C1]] iter_args(%{{.*}}) -> (tensor<1x4x4x32xf32>)
// CHECK:   scf.for %{{.*}} = %[[C0]] to %[[C32]] step %[[C16]]
// CHECK-COUNT-16: vector.transfer_read %[[M]]
// CHECK:     vector.transfer_read %{{.*}} : tensor<32xf32>, vector<16xf32>
// CHECK:     arith.maximumf {{.*}} : vector<16xf32>
// CHECK:     vector.transfer_write {{.*}} : vector<16xf32>, tensor<1x4x4x32xf32>
// CHECK: } {se.parallel_tiles}
// CHECK-NOT: linalg.
func.func @winograd(%x: tensor<1x6x6x32xf32>) -> tensor<1x4x4x32xf32> {
  %w = arith.constant dense<0.5> : tensor<3x3x32x32xf32>
  %b = arith.constant dense<0.25> : tensor<32xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x32xf32>
  %init = linalg.generic {indexing_maps = [#channel, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<32xf32>) outs(%e : tensor<1x4x4x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x4x4x32xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x6x6x32xf32>, tensor<3x3x32x32xf32>) outs(%init : tensor<1x4x4x32xf32>) -> tensor<1x4x4x32xf32>
  %e2 = tensor.empty() : tensor<1x4x4x32xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x4x4x32xf32>) outs(%e2 : tensor<1x4x4x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x4x4x32xf32>
  return %y : tensor<1x4x4x32xf32>
}

// -----

// Direct: a 3 x 3 output (its 2x2 tiles would cover 16 outputs for 9) and a
// stride of 2.
// CHECK-LABEL: func @direct
// CHECK-NOT: conv_winograd
// CHECK: return
func.func @direct(%x: tensor<1x5x5x32xf32>, %x2: tensor<1x9x9x32xf32>) -> (tensor<1x3x3x32xf32>, tensor<1x4x4x32xf32>) {
  %w = arith.constant dense<0.5> : tensor<3x3x32x32xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x3x32xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x3x32xf32>) -> tensor<1x3x3x32xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x5x5x32xf32>, tensor<3x3x32x32xf32>) outs(%init : tensor<1x3x3x32xf32>) -> tensor<1x3x3x32xf32>
  %e2 = tensor.empty() : tensor<1x4x4x32xf32>
  %init2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x4x4x32xf32>) -> tensor<1x4x4x32xf32>
  %c2 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x2, %w : tensor<1x9x9x32xf32>, tensor<3x3x32x32xf32>) outs(%init2 : tensor<1x4x4x32xf32>) -> tensor<1x4x4x32xf32>
  return %c, %c2 : tensor<1x3x3x32xf32>, tensor<1x4x4x32xf32>
}

// -----

// An odd output (5 x 5): 3 x 3 tiles, the last row and column of them half
// outside. The input transform reads the clamped position and selects zero
// past the 7 x 7 input; the output transform writes only the outputs
// inside (an scf.if per output of the tile).
// CHECK-LABEL: func @odd
// CHECK-DAG: %[[C7:.*]] = arith.constant 7 : index
// CHECK-DAG: %[[C5:.*]] = arith.constant 5 : index
// CHECK: arith.constant dense_resource<conv_winograd>
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (tensor<16x1x9x32xf32>)
// CHECK:   arith.cmpi ult, %{{.*}}, %[[C7]]
// CHECK:   arith.minui %{{.*}}, %{{.*}}
// CHECK:   arith.select
// CHECK: scf.for
// CHECK:   arith.cmpi ult, %{{.*}}, %[[C5]]
// CHECK:   scf.if %{{.*}} -> (tensor<1x5x5x32xf32>)
// CHECK: return
func.func @odd(%x: tensor<1x7x7x32xf32>) -> tensor<1x5x5x32xf32> {
  %w = arith.constant dense<0.5> : tensor<3x3x32x32xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x5x5x32xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x5x5x32xf32>) -> tensor<1x5x5x32xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x7x7x32xf32>, tensor<3x3x32x32xf32>) outs(%init : tensor<1x5x5x32xf32>) -> tensor<1x5x5x32xf32>
  return %c : tensor<1x5x5x32xf32>
}

// -----

// 784 tiles of 64 + 64 channels: V and the products (6.4 MB) exceed L2, so
// the three stages run in chunks of 112 tiles (0.9 MB); the loop over the
// chunks is the one marked for threads (each thread takes whole chunks,
// one fork per convolution), the stages' loops inside it are serial.
// CHECK-LABEL: func @chunked
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[C112:.*]] = arith.constant 112 : index
// CHECK-DAG: %[[C784:.*]] = arith.constant 784 : index
// CHECK: scf.for %[[FIRST:.*]] = %[[C0]] to %[[C784]] step %[[C112]] iter_args(%{{.*}}) -> (tensor<1x56x56x64xf32>)
// CHECK:   scf.for %[[T:.*]] = %[[C0]] to %[[C112]] step %[[C1]] iter_args(%{{.*}}) -> (tensor<16x1x112x64xf32>)
// CHECK:     arith.addi %[[FIRST]], %[[T]]
// CHECK-NOT: se.parallel_tiles
// CHECK:   scf.for %{{.*}} = %[[C0]] to %[[C16]] step %[[C1]] iter_args(%{{.*}}) -> (tensor<16x1x112x64xf32>)
// CHECK-NOT: se.parallel_tiles
// CHECK:   scf.for %{{.*}} = %[[C0]] to %[[C112]] step %[[C1]] iter_args(%{{.*}}) -> (tensor<1x56x56x64xf32>)
// CHECK-NOT: se.parallel_tiles
// CHECK: } {se.parallel_tiles}
// CHECK-NOT: se.parallel_tiles
func.func @chunked(%x: tensor<1x58x58x64xf32>) -> tensor<1x56x56x64xf32> {
  %w = arith.constant dense<0.5> : tensor<3x3x64x64xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x56x56x64xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x56x56x64xf32>) -> tensor<1x56x56x64xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x58x58x64xf32>, tensor<3x3x64x64xf32>) outs(%init : tensor<1x56x56x64xf32>) -> tensor<1x56x56x64xf32>
  return %c : tensor<1x56x56x64xf32>
}
