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

// A sigmoid's exponential is the short form: clamped to [-87, 87] once
// (NaN kept), 2^n from the magic-number rounding's bits, a degree-5
// polynomial; no range checks. The division stays exact.
// CHECK-LABEL: func.func @sigmoid
// CHECK-DAG: %[[HIGH:.*]] = arith.constant dense<8.700000e+01> : vector<16xf32>
// CHECK-DAG: %[[MAGIC:.*]] = arith.constant dense<0x4B40007F> : vector<16xf32>
// CHECK-DAG: %[[SHIFT:.*]] = arith.constant dense<23> : vector<16xi32>
// CHECK: %[[ABOVE:.*]] = arith.cmpf ogt, %{{.*}}, %[[HIGH]]
// CHECK: arith.select %[[ABOVE]], %[[HIGH]]
// CHECK: %[[Y:.*]] = math.fma %{{.*}}, %{{.*}}, %[[MAGIC]]
// CHECK: arith.subf %[[Y]], %[[MAGIC]]
// CHECK-COUNT-7: math.fma
// CHECK-NOT: math.fma
// CHECK: %[[BITS:.*]] = arith.bitcast %[[Y]] : vector<16xf32> to vector<16xi32>
// CHECK: arith.shli %[[BITS]], %[[SHIFT]]
// CHECK: arith.divf
// CHECK-NOT: math.exp
// CHECK: return
func.func @sigmoid(%x: vector<16xf32>) -> vector<16xf32> {
  %one = arith.constant dense<1.0> : vector<16xf32>
  %n = arith.negf %x : vector<16xf32>
  %e = math.exp %n : vector<16xf32>
  %d = arith.addf %e, %one : vector<16xf32>
  %s = arith.divf %one, %d : vector<16xf32>
  return %s : vector<16xf32>
}

// SiLU, x * sigmoid(x), divides x by 1 + exp(-x) instead of multiplying it
// by the sigmoid.
// CHECK-LABEL: func.func @silu
// CHECK-SAME: (%[[X:.*]]: vector<16xf32>)
// CHECK: %[[D:.*]] = arith.addf
// CHECK: %[[R:.*]] = arith.divf %[[X]], %[[D]]
// CHECK-NOT: arith.mulf %[[X]]
// CHECK: return %[[R]]
func.func @silu(%x: vector<16xf32>) -> vector<16xf32> {
  %one = arith.constant dense<1.0> : vector<16xf32>
  %n = arith.negf %x : vector<16xf32>
  %e = math.exp %n : vector<16xf32>
  %d = arith.addf %e, %one : vector<16xf32>
  %s = arith.divf %one, %d : vector<16xf32>
  %r = arith.mulf %x, %s : vector<16xf32>
  return %r : vector<16xf32>
}

// Any other exponential keeps the general approximation, which handles
// the whole f32 range.
// CHECK-LABEL: func.func @exp
// CHECK-NOT: 0x4B40007F
// CHECK: return
func.func @exp(%x: vector<16xf32>) -> vector<16xf32> {
  %e = math.exp %x : vector<16xf32>
  return %e : vector<16xf32>
}
