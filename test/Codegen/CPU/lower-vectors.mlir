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

// A vector whose length is not a power of two (an SE squeeze's partial sums
// over 144 channels) is carried through its loop as 16-lane pieces, and
// the ops on it work on the pieces: the x86 backend would otherwise pass
// the whole vector from one iteration to the next through the stack, lane
// by lane.
// CHECK-LABEL: func.func @loop_carried
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK-COUNT-9: arith.addf %{{.*}} : vector<16xf32>
// CHECK-NOT: arith.addf
// CHECK: scf.yield
// CHECK-NOT: vector<144xf32>
// CHECK-COUNT-9: vector.transfer_write %{{.*}} : vector<16xf32>
// CHECK: return
func.func @loop_carried(%rows: memref<56x144xf32>, %sum: memref<144xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c56 = arith.constant 56 : index
  %zero = arith.constant 0.0 : f32
  %init = arith.constant dense<0.0> : vector<144xf32>
  %total = scf.for %i = %c0 to %c56 step %c1 iter_args(%acc = %init) -> (vector<144xf32>) {
    %row = vector.transfer_read %rows[%i, %c0], %zero {in_bounds = [true]} : memref<56x144xf32>, vector<144xf32>
    %next = arith.addf %acc, %row : vector<144xf32>
    scf.yield %next : vector<144xf32>
  }
  vector.transfer_write %total, %sum[%c0] {in_bounds = [true]} : vector<144xf32>, memref<144xf32>
  return
}

// Lengths that are not whole 16-lane registers stay whole.
// CHECK-LABEL: func.func @not_whole_registers
// CHECK: scf.for {{.*}} -> (vector<72xf32>)
func.func @not_whole_registers(%rows: memref<56x72xf32>, %sum: memref<72xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c56 = arith.constant 56 : index
  %zero = arith.constant 0.0 : f32
  %init = arith.constant dense<0.0> : vector<72xf32>
  %total = scf.for %i = %c0 to %c56 step %c1 iter_args(%acc = %init) -> (vector<72xf32>) {
    %row = vector.transfer_read %rows[%i, %c0], %zero {in_bounds = [true]} : memref<56x72xf32>, vector<72xf32>
    %next = arith.addf %acc, %row : vector<72xf32>
    scf.yield %next : vector<72xf32>
  }
  vector.transfer_write %total, %sum[%c0] {in_bounds = [true]} : vector<72xf32>, memref<72xf32>
  return
}
