// RUN: se-opt %s -split-input-file -verify-diagnostics -se-cpu-runtime-thread-count | FileCheck %s

// Every omp.parallel of a public function reads its thread count from a
// public global that starts at the compiled count.
// CHECK: memref.global @model_num_threads : memref<i32> = dense<2>
// CHECK-LABEL: func.func @model(
// CHECK-COUNT-2: %[[G:.*]] = memref.get_global @model_num_threads : memref<i32>
// CHECK-NOT: omp.parallel num_threads(%c2
func.func @model(%m: memref<64xf32>) {
  %c2 = arith.constant 2 : i32
  %f = arith.constant 1.0 : f32
  omp.parallel num_threads(%c2 : i32) {
    omp.terminator
  }
  omp.parallel num_threads(%c2 : i32) {
    omp.terminator
  }
  return
}

// -----

// Serial functions get no global.
// CHECK-NOT: memref.global
// CHECK-LABEL: func.func @serial(
func.func @serial(%m: memref<64xf32>) {
  return
}

// -----

func.func @dynamic(%n: i32) {
  // expected-error @below {{expected omp.parallel with a constant num_threads}}
  omp.parallel num_threads(%n : i32) {
    omp.terminator
  }
  return
}

// -----

// The global's name is taken by something other than a thread count.
memref.global @clash_num_threads : memref<f32> = dense<1.0>
// expected-error @below {{symbol 'clash_num_threads' already exists}}
func.func @clash(%m: memref<64xf32>) {
  %c2 = arith.constant 2 : i32
  omp.parallel num_threads(%c2 : i32) {
    omp.terminator
  }
  return
}

// -----

// A batch entry reads the thread count of the entry it runs, from the
// global se-cpu-batch-entry created.
// CHECK: memref.global @entry_num_threads : memref<i32> = dense<2>
// CHECK-NOT: memref.global
// CHECK-LABEL: func.func @entry(
// CHECK: memref.get_global @entry_num_threads
// CHECK-LABEL: func.func @entry_batch(
// CHECK: memref.get_global @entry_num_threads
memref.global @entry_num_threads : memref<i32> = dense<2>
func.func @entry(%m: memref<64xf32>) {
  %c2 = arith.constant 2 : i32
  omp.parallel num_threads(%c2 : i32) {
    omp.terminator
  }
  return
}
func.func @entry_batch(%n: index) attributes {se.thread_count_of = @entry} {
  %c2 = arith.constant 2 : i32
  omp.parallel num_threads(%c2 : i32) {
    omp.terminator
  }
  return
}

