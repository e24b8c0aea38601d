// RUN: se-opt %s -split-input-file -verify-diagnostics -se-cpu-instrument-profile | FileCheck %s

// Each run of top-level ops of one layer is timed from the end of the
// layer before it; an unnamed op joins the layer before it; a layer seen
// again adds to its counter, atomically (a batch entry runs images on
// several threads). The last counter counts runs. Layers the
// module's se.layer_costs describes get their kind, shape, MACs and bytes.
// CHECK: memref.global @model_profile_ns : memref<3xi64> = dense<0> {alignment = 64 : i64}
// CHECK: memref.global constant @model_profile_layers : memref<{{[0-9]+}}xi8>
// CHECK-LABEL: func.func @model(
// CHECK: %[[T0:.*]] = call @se_profile_clock() : () -> i64
// CHECK: linalg.fill
// CHECK: scf.for
// CHECK: %[[T1:.*]] = call @se_profile_clock() : () -> i64
// CHECK: %[[D1:.*]] = arith.subi %[[T1]], %[[T0]] : i64
// CHECK: memref.get_global @model_profile_ns
// CHECK: memref.atomic_rmw addi %[[D1]], %{{.*}}[%{{.*}}] : (i64, memref<3xi64>) -> i64
// CHECK: memref.alloc
// CHECK: linalg.fill
// CHECK: %[[T2:.*]] = call @se_profile_clock() : () -> i64
// CHECK: arith.subi %[[T2]], %[[T1]] : i64
// CHECK: linalg.fill
// CHECK: %[[T3:.*]] = call @se_profile_clock() : () -> i64
// CHECK: arith.subi %[[T3]], %[[T2]] : i64
// CHECK: memref.atomic_rmw addi %{{.*}}, %{{.*}}[%{{.*}}] : (i64, memref<3xi64>) -> i64
// CHECK: %[[ONE:.*]] = arith.constant 1 : i64
// CHECK: memref.atomic_rmw addi %[[ONE]], %{{.*}}[%{{.*}}] : (i64, memref<3xi64>) -> i64
// CHECK-NEXT: return
// Counters and text of a second function are its own; the clock is shared.
// CHECK: memref.global @second_profile_ns : memref<2xi64>
// CHECK-LABEL: func.func @second(
// CHECK: call @se_profile_clock
// ABI queries and batch entries (their time is the runs of the entry they
// call) are left alone.
// CHECK-LABEL: func.func @model_workspace_bytes(
// CHECK-NOT: se_profile_clock
// CHECK-LABEL: func.func @model_batch(
// CHECK-NOT: se_profile_clock
// CHECK: call @model(
// CHECK-NOT: se_profile_clock
// CHECK: llvm.func @clock_gettime(i32, !llvm.ptr) -> i32
// CHECK: func.func private @se_profile_clock() -> i64
// CHECK: llvm.call @clock_gettime
// CHECK-NOT: func.func private @se_profile_clock
module attributes {se.layer_costs = [{name = "conv", kind = "conv2d 3x3/s1", shape = array<i64: 1, 4, 4, 8>, macs = 4608 : i64, bytes = 1952 : i64}]} {
  func.func @model(%m: memref<64xf32>) {
    %c0 = arith.constant 0 : index
    %c64 = arith.constant 64 : index
    %c1 = arith.constant 1 : index
    %f = arith.constant 1.0 : f32
    linalg.fill ins(%f : f32) outs(%m : memref<64xf32>) loc("conv")
    scf.for %i = %c0 to %c64 step %c1 {
      memref.store %f, %m[%i] : memref<64xf32>
    } loc(unknown)
    %a = memref.alloc() : memref<64xf32> loc("add")
    linalg.fill ins(%f : f32) outs(%a : memref<64xf32>) loc("add")
    linalg.fill ins(%f : f32) outs(%m : memref<64xf32>) loc("conv")
    memref.dealloc %a : memref<64xf32>
    return
  }
  func.func @second(%m: memref<64xf32>) {
    %f = arith.constant 2.0 : f32
    linalg.fill ins(%f : f32) outs(%m : memref<64xf32>) loc("other")
    return
  }
  func.func @model_workspace_bytes() -> i64 attributes {se.abi_query} {
    %c = arith.constant 0 : i64
    return %c : i64
  }
  func.func @model_batch(%n: index, %m: memref<64xf32>) attributes {se.thread_count_of = @model} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    scf.for %i = %c0 to %n step %c1 {
      func.call @model(%m) : (memref<64xf32>) -> ()
    } loc("conv")
    return
  }
}

// -----

// The counters' name is taken.
memref.global @clash_profile_ns : memref<i32> = dense<1>
// expected-error @below {{symbol 'clash_profile_ns' already exists}}
func.func @clash(%m: memref<64xf32>) {
  %f = arith.constant 1.0 : f32
  linalg.fill ins(%f : f32) outs(%m : memref<64xf32>) loc("fill")
  return
}

// -----

// expected-error @below {{profile: expected a function of one block}}
func.func @blocks(%m: memref<64xf32>) {
  %f = arith.constant 1.0 : f32
  cf.br ^next
^next:
  linalg.fill ins(%f : f32) outs(%m : memref<64xf32>) loc("fill")
  return
}
