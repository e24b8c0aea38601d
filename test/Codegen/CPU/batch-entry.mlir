// RUN: se-opt %s -split-input-file -verify-diagnostics -se-cpu-batch-entry=threads=2 | FileCheck %s
// RUN: se-opt %s -split-input-file -verify-diagnostics -se-cpu-batch-entry=threads=1 | FileCheck %s --check-prefix=SERIAL

// The batch entry takes every tensor as the bytes of n images and runs each
// image through the entry on views of them. With threads: whole rounds of
// as many images as threads (bounded by the workspace's slots), one image
// per thread and slot; the rest one at a time on slot 0.
// CHECK: memref.global @model_num_threads : memref<i32> = dense<2>
// CHECK-LABEL: func.func @model_batch(
// CHECK-SAME: %[[N:[^:]+]]: index, %[[X:[^:]+]]: memref<?xi8>, %[[Y:[^:]+]]: memref<?xi8>, %[[WS:[^:]+]]: memref<?xi8>)
// CHECK-SAME: se.thread_count_of = @model
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK: %[[SLOT_I64:.*]] = call @model_workspace_bytes()
// CHECK: %[[SLOT:.*]] = arith.index_cast %[[SLOT_I64]]
// CHECK: memref.get_global @model_num_threads
// CHECK: %[[WANTED:.*]] = arith.maxsi %{{.*}}, %[[C1]]
// CHECK: %[[SIZE:.*]] = memref.dim %[[WS]], %[[C0]]
// CHECK: %[[HELD:.*]] = arith.divui %[[SIZE]]
// CHECK: %[[HELD1:.*]] = arith.maxsi %[[HELD]], %[[C1]]
// CHECK: %[[T:.*]] = arith.minsi %[[WANTED]], %[[HELD1]]
// CHECK: %[[ROUNDS:.*]] = arith.divsi %[[N]], %[[T]]
// CHECK: %[[SPREAD:.*]] = arith.muli %[[ROUNDS]], %[[T]]
// CHECK: %[[MANY:.*]] = arith.cmpi sgt, %[[T]], %[[C1]]
// CHECK: %[[FIRST:.*]] = arith.select %[[MANY]], %[[SPREAD]], %[[C0]]
// CHECK: scf.if
// CHECK: scf.parallel (%[[S:.*]]) = (%[[C0]]) to (%[[T]]) step (%[[C1]])
// CHECK: scf.for %[[I:.*]] = %[[S]] to %[[SPREAD]] step %[[T]]
// CHECK: %[[XOFF:.*]] = arith.muli %[[I]], %c64
// CHECK: %[[XI:.*]] = memref.view %[[X]][%[[XOFF]]][] : memref<?xi8> to memref<1x4x2x2xf32>
// CHECK: %[[YOFF:.*]] = arith.muli %[[I]], %c32
// CHECK: %[[YI:.*]] = memref.view %[[Y]][%[[YOFF]]][] : memref<?xi8> to memref<1x8xf32>
// CHECK: %[[WOFF:.*]] = arith.muli %[[S]], %[[SLOT]]
// CHECK: %[[WSI:.*]] = memref.view %[[WS]][%[[WOFF]]][%[[SLOT]]] : memref<?xi8> to memref<?xi8>
// CHECK: call @model(%[[XI]], %[[YI]], %[[WSI]])
// CHECK: scf.for %[[J:.*]] = %[[FIRST]] to %[[N]] step %[[C1]]
// CHECK: memref.view %[[WS]][%{{.*}}][%[[SLOT]]]
// CHECK: call @model(

// Serial code: every image in order on the one workspace slot.
// SERIAL-NOT: memref.global
// SERIAL-LABEL: func.func @model_batch(
// SERIAL-NOT: scf.parallel
// SERIAL: scf.for %{{.*}} = %c0 to %arg0 step %c1
// SERIAL: call @model(
// SERIAL-NOT: scf.parallel
func.func @model(%x: memref<1x4x2x2xf32>, %y: memref<1x8xf32>, %ws: memref<?xi8>) {
  return
}
func.func @model_workspace_bytes() -> i64 attributes {se.abi_query} {
  %c = arith.constant 128 : i64
  return %c : i64
}

// -----

// External weights are passed on to every image.
// CHECK-LABEL: func.func @weights_batch(
// CHECK-SAME: %{{[^:]+}}: memref<?xi8>, %[[W:[^:]+]]: memref<?xi8>)
// CHECK: call @weights(%{{.*}}, %{{.*}}, %[[W]])
func.func @weights(%x: memref<1x4xf32>, %ws: memref<?xi8>, %w: memref<?xi8>) {
  return
}
func.func @weights_workspace_bytes() -> i64 attributes {se.abi_query} {
  %c = arith.constant 0 : i64
  return %c : i64
}

// -----

// expected-error @below {{a batch entry needs the workspace (se-plan-workspace) of 'noworkspace'}}
func.func @noworkspace(%x: memref<1x4xf32>) {
  return
}

// -----

// expected-error @below {{argument 0 is 'memref<2x4xf32>'; a batch entry runs images of statically shaped tensors of batch 1}}
func.func @batch2(%x: memref<2x4xf32>, %ws: memref<?xi8>) {
  return
}
func.func @batch2_workspace_bytes() -> i64 attributes {se.abi_query} {
  %c = arith.constant 0 : i64
  return %c : i64
}
