// RUN: se-opt %s -se-cpu-prefetch-filters | FileCheck %s

// In a loop marked by se-cpu-conv-microkernels, each vector read from a
// memref (the filter) is preceded by a prefetch of the same memref the
// marked number of input channels (the second-innermost index) ahead; the
// mark is dropped. Unmarked loops are left alone.
// CHECK-LABEL: func @marked
// CHECK-SAME: (%[[W:.*]]: memref<2x1x1x64x32xf32>, %[[B:.*]]: index)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK: scf.for %[[C:.*]] = %[[C0]] to %[[C64]] step %[[C1]] iter_args
// CHECK:   %[[C16:.*]] = arith.constant 16 : index
// CHECK:   %[[AHEAD:.*]] = arith.addi %[[C]], %[[C16]]
// CHECK:   memref.prefetch %[[W]][%[[B]], %[[C0]], %[[C0]], %[[AHEAD]], %[[C0]]], read, locality<3>, data
// CHECK:   vector.transfer_read %[[W]][%[[B]], %[[C0]], %[[C0]], %[[C]], %[[C0]]]
// CHECK-NOT: se.prefetch_ahead
// CHECK-LABEL: func @unmarked
// CHECK-NOT: memref.prefetch
func.func @marked(%w: memref<2x1x1x64x32xf32>, %b: index) -> vector<16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %init = arith.constant dense<0.0> : vector<16xf32>
  %sum = scf.for %c = %c0 to %c64 step %c1 iter_args(%acc = %init) -> (vector<16xf32>) {
    %v = vector.transfer_read %w[%b, %c0, %c0, %c, %c0], %zero {in_bounds = [true]} : memref<2x1x1x64x32xf32>, vector<16xf32>
    %next = arith.addf %acc, %v : vector<16xf32>
    scf.yield %next : vector<16xf32>
  } {se.prefetch_ahead = 16 : i64}
  return %sum : vector<16xf32>
}

func.func @unmarked(%w: memref<2x1x1x64x32xf32>, %b: index) -> vector<16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %init = arith.constant dense<0.0> : vector<16xf32>
  %sum = scf.for %c = %c0 to %c64 step %c1 iter_args(%acc = %init) -> (vector<16xf32>) {
    %v = vector.transfer_read %w[%b, %c0, %c0, %c, %c0], %zero {in_bounds = [true]} : memref<2x1x1x64x32xf32>, vector<16xf32>
    %next = arith.addf %acc, %v : vector<16xf32>
    scf.yield %next : vector<16xf32>
  }
  return %sum : vector<16xf32>
}
