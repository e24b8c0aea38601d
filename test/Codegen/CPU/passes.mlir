// RUN: se-opt %s -split-input-file -se-cpu-allocate-returned-shapes -se-export-c-interface -se-cpu-expand-strided-copies | FileCheck %s

// A buffer returned through expand_shape is allocated in the returned shape;
// the computation keeps its collapsed view. Public functions get the C
// interface; private ones do not.
// CHECK-LABEL: func.func @returned_expand
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK: %[[ALLOC:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x4x2x2xf32>
// CHECK: %[[VIEW:.*]] = memref.collapse_shape %[[ALLOC]] {{\[}}[0], [1], [2, 3]]
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[VIEW]] : memref<1x4x4xf32>)
// CHECK: return %[[ALLOC]]
func.func @returned_expand() -> memref<1x4x2x2xf32> {
  %cst = arith.constant 1.0 : f32
  %a = memref.alloc() {alignment = 64 : i64} : memref<1x4x4xf32>
  linalg.fill ins(%cst : f32) outs(%a : memref<1x4x4xf32>)
  %e = memref.expand_shape %a [[0], [1], [2, 3]] output_shape [1, 4, 2, 2] : memref<1x4x4xf32> into memref<1x4x2x2xf32>
  return %e : memref<1x4x2x2xf32>
}

// CHECK-LABEL: func.func private @helper
// CHECK-NOT: llvm.emit_c_interface
func.func private @helper(%a: memref<4xf32>) {
  return
}

// -----

// Copies between strided views become linalg.copy (loops later); dense
// copies stay memref.copy (memcpy later).
// CHECK-LABEL: func.func @copies
// CHECK: linalg.copy ins(%{{.*}} : memref<2x2xf32, strided<[4, 1]>>) outs(%{{.*}} : memref<2x2xf32>)
// CHECK: memref.copy %{{.*}}, %{{.*}} : memref<2x2xf32> to memref<2x2xf32>
func.func @copies(%a: memref<4x4xf32>, %b: memref<2x2xf32>, %c: memref<2x2xf32>) {
  %v = memref.subview %a[0, 0] [2, 2] [1, 1] : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1]>>
  memref.copy %v, %b : memref<2x2xf32, strided<[4, 1]>> to memref<2x2xf32>
  memref.copy %b, %c : memref<2x2xf32> to memref<2x2xf32>
  return
}
