// RUN: se-opt %s -split-input-file -se-gpu-emulate-on-cpu -verify-diagnostics | FileCheck %s

// A launch becomes loops over its blocks (z, y, x), each a team of one OpenMP thread
// per GPU thread: thread ids from omp_get_thread_num, the workgroup buffer
// a stack buffer the team shares, gpu.barrier an omp.barrier.
// CHECK: func.func private @omp_get_thread_num() -> i32
// CHECK-LABEL: func.func @launch
// CHECK-NOT: gpu.launch
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for %[[BX:.*]] = %{{.*}} to %{{.*}} step
// CHECK: %[[SHARED:.*]] = memref.alloca() : memref<32xf32>
// CHECK: %[[THREADS:.*]] = arith.constant 32 : i32
// CHECK: omp.parallel num_threads(%[[THREADS]] : i32) {
// CHECK: %[[ID:.*]] = func.call @omp_get_thread_num() : () -> i32
// CHECK: %[[ID_INDEX:.*]] = arith.index_cast %[[ID]] : i32 to index
// CHECK: %[[TX:.*]] = arith.remui %[[ID_INDEX]], %{{.*}} : index
// CHECK: %[[I:.*]] = arith.muli %[[BX]], %{{.*}} : index
// CHECK: memref.store %{{.*}}, %[[SHARED]][%[[TX]]] : memref<32xf32>
// CHECK-NEXT: omp.barrier
// CHECK: omp.terminator
func.func @launch(%x: memref<64xf32>) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c32 = arith.constant 32 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c2, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1) workgroup(%shared : memref<32xf32, #gpu.address_space<workgroup>>) {
    %i = arith.muli %bx, %c32 : index
    %j = arith.addi %i, %tx : index
    %v = memref.load %x[%j] : memref<64xf32>
    memref.store %v, %shared[%tx] : memref<32xf32, #gpu.address_space<workgroup>>
    gpu.barrier
    %w = memref.load %shared[%tx] : memref<32xf32, #gpu.address_space<workgroup>>
    %d = arith.addf %w, %w : f32
    memref.store %d, %x[%j] : memref<64xf32>
    gpu.terminator
  }
  return
}

// -----

func.func @dynamic(%x: memref<64xf32>, %n: index) {
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{emulation needs constant launch sizes}}
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %n, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    gpu.terminator
  }
  return
}

// -----

func.func @private_memory(%x: memref<64xf32>) {
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{emulation does not cover this launch}}
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) private(%p : memref<4xf32, #gpu.address_space<private>>) {
    gpu.terminator
  }
  return
}
