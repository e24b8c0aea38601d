// RUN: se-opt %s -se-cpu-parallelize-tile-loops="min-parallel-work=0" | FileCheck %s
// RUN: se-opt %s -se-cpu-parallelize-tile-loops | FileCheck %s --check-prefix=SMALL

// With the default threshold, loops this small (4096 elements copied, 512
// vector operations) are not worth threads.
// SMALL-LABEL: func.func @tiles
// SMALL-NOT: scf.parallel

// Marked tile loops that carry no values become scf.parallel (for
// convert-scf-to-openmp); unmarked loops, and marked ones that carry a
// value, stay serial.
// CHECK-LABEL: func.func @tiles
// CHECK: scf.parallel (%[[I:.*]]) = (%{{.*}}) to (%{{.*}}) step (%{{.*}}) {
// CHECK: memref.subview %{{.*}}[%[[I]], 0] [16, 64] [1, 1]
// CHECK: linalg.copy
// CHECK: scf.reduce
// CHECK: scf.for
// CHECK-NOT: se.parallel_tiles
// CHECK: linalg.copy
// CHECK: scf.for {{.*}} iter_args
// CHECK: } {se.parallel_tiles}
// CHECK-NOT: scf.parallel
func.func @tiles(%x: memref<64x64xf32>, %y: memref<64x64xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c16 {
    %a = memref.subview %x[%i, 0] [16, 64] [1, 1] : memref<64x64xf32> to memref<16x64xf32, strided<[64, 1], offset: ?>>
    %b = memref.subview %y[%i, 0] [16, 64] [1, 1] : memref<64x64xf32> to memref<16x64xf32, strided<[64, 1], offset: ?>>
    linalg.copy ins(%a : memref<16x64xf32, strided<[64, 1], offset: ?>>) outs(%b : memref<16x64xf32, strided<[64, 1], offset: ?>>)
  } {se.parallel_tiles}
  scf.for %i = %c0 to %c64 step %c16 {
    %a = memref.subview %x[%i, 0] [16, 64] [1, 1] : memref<64x64xf32> to memref<16x64xf32, strided<[64, 1], offset: ?>>
    %b = memref.subview %y[%i, 0] [16, 64] [1, 1] : memref<64x64xf32> to memref<16x64xf32, strided<[64, 1], offset: ?>>
    linalg.copy ins(%a : memref<16x64xf32, strided<[64, 1], offset: ?>>) outs(%b : memref<16x64xf32, strided<[64, 1], offset: ?>>)
  }
  %f = arith.constant 0.0 : f32
  %s = scf.for %i = %c0 to %c64 step %c16 iter_args(%acc = %f) -> (f32) {
    %v = memref.load %x[%i, %c0] : memref<64x64xf32>
    %n = arith.addf %acc, %v : f32
    scf.yield %n : f32
  } {se.parallel_tiles}
  return %s : f32
}
