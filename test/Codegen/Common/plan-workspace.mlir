// RUN: se-opt %s -split-input-file -se-plan-workspace | FileCheck %s

// Large heap buffers become views of one workspace argument: buffers alive
// at once get offsets of their own (64-byte aligned), a buffer allocated
// after the others' last use takes their place. Small ones stay; the size
// to allocate is a query function.
// CHECK-LABEL: func.func @plan(
// CHECK-SAME: %[[WS:[a-z0-9]+]]: memref<?xi8>)
// CHECK: %[[ZERO:.*]] = arith.constant 0 : index
// CHECK: %[[A:.*]] = memref.view %[[WS]][%[[ZERO]]][] {se.buffer = 0 : i64} : memref<?xi8> to memref<1024xf32>
// CHECK: %[[OFF:.*]] = arith.constant 4096 : index
// CHECK: %[[B:.*]] = memref.view %[[WS]][%[[OFF]]][] {se.buffer = 1 : i64} : memref<?xi8> to memref<1024xf32>
// CHECK: memref.alloc() : memref<4xf32>
// CHECK: linalg.copy ins(%{{.*}} : memref<1024xf32>) outs(%[[A]] : memref<1024xf32>)
// CHECK: linalg.copy ins(%[[A]] : memref<1024xf32>) outs(%[[B]] : memref<1024xf32>)
// CHECK: %[[ZERO2:.*]] = arith.constant 0 : index
// CHECK: %[[C:.*]] = memref.view %[[WS]][%[[ZERO2]]][] {se.buffer = 2 : i64} : memref<?xi8> to memref<2048xf32>
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[C]] : memref<2048xf32>)
// CHECK-LABEL: func.func @plan_workspace_bytes() -> i64 attributes {se.abi_query}
// CHECK: %[[BYTES:.*]] = arith.constant 8192 : i64
// CHECK: return %[[BYTES]]
func.func @plan(%x: memref<1024xf32>, %f: f32) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
  %small = memref.alloc() : memref<4xf32>
  linalg.copy ins(%x : memref<1024xf32>) outs(%a : memref<1024xf32>)
  linalg.copy ins(%a : memref<1024xf32>) outs(%b : memref<1024xf32>)
  %c = memref.alloc() {alignment = 64 : i64} : memref<2048xf32>
  linalg.fill ins(%f : f32) outs(%c : memref<2048xf32>)
  return
}

// -----

// Private functions keep their allocations and signature.
// CHECK-LABEL: func.func private @helper(%{{.*}}: memref<1024xf32>)
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
func.func private @helper(%x: memref<1024xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
  linalg.copy ins(%x : memref<1024xf32>) outs(%a : memref<1024xf32>)
  return
}
