// RUN: se-opt %s -split-input-file -se-cpu-lower-vectors="int8-dot-product=true" | FileCheck %s
// RUN: se-opt %s -split-input-file -se-cpu-lower-vectors | FileCheck %s --check-prefix=NODOT

// The integer microkernels' dot products of bytes, groups of four u8 x s8
// products summed into i32 lanes, are vpdpbusd where the target has it (16,
// 8 or 4 lanes; either operand order); otherwise, and for other reductions,
// the generic lowering.
// CHECK-LABEL: func.func @dot
// CHECK-SAME: (%[[ACC:.*]]: vector<16xi32>, %[[X:.*]]: vector<64xi8>, %[[W:.*]]: vector<64xi8>
// CHECK: %[[R:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%[[ACC]], %[[X]], %[[W]]) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// CHECK: return %[[R]]
// NODOT-LABEL: func.func @dot
// NODOT-NOT: llvm.call_intrinsic
// NODOT: vector.reduction <add>
func.func @dot(%acc: vector<16xi32>, %x: vector<64xi8>, %w: vector<64xi8>) -> vector<16xi32> {
  %xs = arith.extui %x : vector<64xi8> to vector<64xi32>
  %ws = arith.extsi %w : vector<64xi8> to vector<64xi32>
  %p = arith.muli %ws, %xs : vector<64xi32>
  %g = vector.shape_cast %p : vector<64xi32> to vector<16x4xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<16x4xi32> to vector<16xi32>
  return %r : vector<16xi32>
}

// -----

// CHECK-LABEL: func.func @dot_ymm
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"
func.func @dot_ymm(%acc: vector<8xi32>, %x: vector<32xi8>, %w: vector<32xi8>) -> vector<8xi32> {
  %xs = arith.extui %x : vector<32xi8> to vector<32xi32>
  %ws = arith.extsi %w : vector<32xi8> to vector<32xi32>
  %p = arith.muli %xs, %ws : vector<32xi32>
  %g = vector.shape_cast %p : vector<32xi32> to vector<8x4xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<8x4xi32> to vector<8xi32>
  return %r : vector<8xi32>
}

// -----

// Both operands signed, or a reduction over groups of eight: not vpdpbusd.
// CHECK-LABEL: func.func @not_dot
// CHECK-NOT: llvm.call_intrinsic
// CHECK: return
func.func @not_dot(%acc: vector<16xi32>, %x: vector<64xi8>, %w: vector<64xi8>, %acc8: vector<8xi32>) -> (vector<16xi32>, vector<8xi32>) {
  %xs = arith.extsi %x : vector<64xi8> to vector<64xi32>
  %ws = arith.extsi %w : vector<64xi8> to vector<64xi32>
  %p = arith.muli %xs, %ws : vector<64xi32>
  %g = vector.shape_cast %p : vector<64xi32> to vector<16x4xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<16x4xi32> to vector<16xi32>
  %xu = arith.extui %x : vector<64xi8> to vector<64xi32>
  %q = arith.muli %xu, %ws : vector<64xi32>
  %g8 = vector.shape_cast %q : vector<64xi32> to vector<8x8xi32>
  %r8 = vector.multi_reduction <add>, %g8, %acc8 [1] : vector<8x8xi32> to vector<8xi32>
  return %r, %r8 : vector<16xi32>, vector<8xi32>
}
