// RUN: se-opt %s -se-cpu-privatize-thread-allocas | FileCheck %s

// A tile's stack buffer in the alloca scope of a worksharing loop (what
// convert-scf-to-openmp makes of a parallel tile loop) moves to the entry of
// the omp.parallel region: one buffer per thread, reused by its tiles; the
// scope is inlined.
// CHECK-LABEL: func.func @tiles
// CHECK: omp.parallel
// CHECK-NEXT: %[[TMP:.*]] = memref.alloca() : memref<16xf32>
// CHECK-NEXT: omp.wsloop
// CHECK-NOT: memref.alloca_scope
// CHECK: memref.store %{{.*}}, %[[TMP]][%{{.*}}] : memref<16xf32>
func.func @tiles(%arg0: memref<64x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %0 = llvm.mlir.constant(1 : i64) : i64
  %1 = llvm.mlir.constant(2 : i32) : i32
  omp.parallel num_threads(%1 : i32) {
    omp.wsloop {
      omp.loop_nest (%arg1) : index = (%c0) to (%c64) step (%c16) {
        memref.alloca_scope  {
          %alloca = memref.alloca() : memref<16xf32>
          scf.for %arg2 = %c0 to %c16 step %c1 {
            %2 = memref.load %arg0[%arg1, %arg2] : memref<64x16xf32>
            memref.store %2, %alloca[%arg2] : memref<16xf32>
          }
        }
        omp.yield
      }
    }
    omp.terminator
  }
  return
}
