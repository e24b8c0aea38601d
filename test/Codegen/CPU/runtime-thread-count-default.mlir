// RUN: se-opt %s -se-cpu-runtime-thread-count=at-run-time=true | FileCheck %s

// at-run-time: the global starts at 0, which each region reads as OpenMP's
// default team size (the CPUs the process may run on, or OMP_NUM_THREADS).
// CHECK: func.func private @omp_get_max_threads() -> i32
// CHECK: memref.global @auto_num_threads : memref<i32> = dense<0>
// CHECK-LABEL: func.func @auto(
// CHECK: %[[G:.*]] = memref.get_global @auto_num_threads
// CHECK: %[[SET:.*]] = memref.load %[[G]][]
// CHECK: %[[UNSET:.*]] = arith.cmpi eq, %[[SET]], %c0_i32
// CHECK: %[[N:.*]] = scf.if %[[UNSET]] -> (i32) {
// CHECK:   %[[DEFAULT:.*]] = func.call @omp_get_max_threads()
// CHECK:   scf.yield %[[DEFAULT]]
// CHECK: } else {
// CHECK:   scf.yield %[[SET]]
// CHECK: omp.parallel num_threads(%[[N]] : i32)
func.func @auto(%m: memref<64xf32>) {
  %c2 = arith.constant 2 : i32
  omp.parallel num_threads(%c2 : i32) {
    omp.terminator
  }
  return
}
