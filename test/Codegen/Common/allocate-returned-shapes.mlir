// RUN: se-opt %s -split-input-file -se-allocate-returned-shapes | FileCheck %s

// A buffer returned through expand_shape is allocated in the returned shape;
// the computation keeps its collapsed view.
// CHECK-LABEL: func.func @returned_expand
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

// -----

// A buffer returned three times is returned once and copied for each
// repetition, so that every result has a buffer of its own.
// CHECK-LABEL: func.func @returned_twice
// CHECK: %[[ALLOC:.*]] = memref.alloc() : memref<8xf32>
// CHECK: %[[COPY1:.*]] = memref.alloc() : memref<8xf32>
// CHECK: memref.copy %[[ALLOC]], %[[COPY1]] : memref<8xf32> to memref<8xf32>
// CHECK: %[[COPY2:.*]] = memref.alloc() : memref<8xf32>
// CHECK: memref.copy %[[ALLOC]], %[[COPY2]] : memref<8xf32> to memref<8xf32>
// CHECK: return %[[ALLOC]], %[[COPY1]], %[[COPY2]]
func.func @returned_twice(%x: memref<8xf32>) -> (memref<8xf32>, memref<8xf32>, memref<8xf32>) {
  %a = memref.alloc() : memref<8xf32>
  memref.copy %x, %a : memref<8xf32> to memref<8xf32>
  return %a, %a, %a : memref<8xf32>, memref<8xf32>, memref<8xf32>
}
