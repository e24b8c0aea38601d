// RUN: se-opt %s -se-cpu-lower-vectors | FileCheck %s

// n-D vector ops become what convert-vector-to-llvm takes: the
// multi-reduction one 1-D reduction per row, the transpose element moves,
// the shape cast row moves.
// CHECK-LABEL: func.func @lower
// CHECK-NOT: vector.multi_reduction
// CHECK-NOT: vector.transpose
// CHECK-NOT: vector.shape_cast
// CHECK-COUNT-4: vector.reduction <add>, %{{.*}}, %{{.*}} : vector<8xf32> into f32
// CHECK-COUNT-4: vector.insert_strided_slice %{{.*}} : vector<8xf32> into vector<32xf32>
// CHECK: return
func.func @lower(%a: vector<4x8xf32>, %acc: vector<4xf32>) -> (vector<4xf32>, vector<8x4xf32>, vector<32xf32>) {
  %r = vector.multi_reduction <add>, %a, %acc [1] : vector<4x8xf32> to vector<4xf32>
  %t = vector.transpose %a, [1, 0] : vector<4x8xf32> to vector<8x4xf32>
  %c = vector.shape_cast %a : vector<4x8xf32> to vector<32xf32>
  return %r, %t, %c : vector<4xf32>, vector<8x4xf32>, vector<32xf32>
}
