// RUN: se-opt %s -split-input-file -se-cpu-lower-vectors="int8-dot-product=vpdpbusd" | FileCheck %s
// RUN: se-opt %s -split-input-file -se-cpu-lower-vectors="int8-dot-product=vpmaddwd" | FileCheck %s --check-prefix=PAIRS
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
// Without VNNI, groups of four bytes are no vpmaddwd.
// PAIRS-LABEL: func.func @dot
// PAIRS-NOT: llvm.call_intrinsic
// PAIRS: return
func.func @dot(%acc: vector<16xi32>, %x: vector<64xi8>, %w: vector<64xi8>) -> vector<16xi32> {
  %xs = arith.extui %x : vector<64xi8> to vector<64xi32>
  %ws = arith.extsi %w : vector<64xi8> to vector<64xi32>
  %p = arith.muli %ws, %xs : vector<64xi32>
  %g = vector.shape_cast %p : vector<64xi32> to vector<16x4xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<16x4xi32> to vector<16xi32>
  return %r : vector<16xi32>
}

// -----

// Without VNNI, four bytes per lane whose pairs of products fit i16 (the
// microkernel checked the filter) are vpmaddubsw, vpmaddwd by ones and an
// add.
// PAIRS-LABEL: func.func @dot_fits_i16
// PAIRS-SAME: (%[[ACC:.*]]: vector<8xi32>, %[[X:.*]]: vector<32xi8>, %[[W:.*]]: vector<32xi8>
// PAIRS-DAG: %[[ONES:.*]] = arith.constant dense<1> : vector<16xi16>
// PAIRS-DAG: %[[WORDS:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"(%[[X]], %[[W]]) : (vector<32xi8>, vector<32xi8>) -> vector<16xi16>
// PAIRS: %[[S:.*]] = llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[WORDS]], %[[ONES]]) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// PAIRS: %[[R:.*]] = arith.addi %[[ACC]], %[[S]] : vector<8xi32>
// PAIRS: return %[[R]]
// With VNNI the mark changes nothing.
// CHECK-LABEL: func.func @dot_fits_i16
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"
// NODOT-LABEL: func.func @dot_fits_i16
// NODOT-NOT: llvm.call_intrinsic
func.func @dot_fits_i16(%acc: vector<8xi32>, %x: vector<32xi8>, %w: vector<32xi8>) -> vector<8xi32> {
  %xs = arith.extui %x : vector<32xi8> to vector<32xi32>
  %ws = arith.extsi %w : vector<32xi8> to vector<32xi32>
  %p = arith.muli %xs, %ws : vector<32xi32>
  %g = vector.shape_cast %p : vector<32xi32> to vector<8x4xi32>
  %r = vector.multi_reduction <add>, %g, %acc {se.pair_sums_fit_i16} [1] : vector<8x4xi32> to vector<8xi32>
  return %r : vector<8xi32>
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

// -----

// Dot products of pairs of 16-bit values (sign-extended) summed into 16, 8
// or 4 i32 lanes are vpmaddwd and an add of the accumulator, with either
// form of the target's dot product; otherwise the generic lowering.
// CHECK-LABEL: func.func @pairs
// CHECK-SAME: (%[[ACC:.*]]: vector<16xi32>, %[[X:.*]]: vector<32xi16>, %[[W:.*]]: vector<32xi16>
// CHECK: %[[S:.*]] = llvm.call_intrinsic "llvm.x86.avx512.pmaddw.d.512"(%[[X]], %[[W]]) : (vector<32xi16>, vector<32xi16>) -> vector<16xi32>
// CHECK: %[[R:.*]] = arith.addi %[[ACC]], %[[S]] : vector<16xi32>
// CHECK: return %[[R]]
// PAIRS-LABEL: func.func @pairs
// PAIRS: llvm.call_intrinsic "llvm.x86.avx512.pmaddw.d.512"
// NODOT-LABEL: func.func @pairs
// NODOT-NOT: llvm.call_intrinsic
// NODOT: vector.reduction <add>
func.func @pairs(%acc: vector<16xi32>, %x: vector<32xi16>, %w: vector<32xi16>) -> vector<16xi32> {
  %xs = arith.extsi %x : vector<32xi16> to vector<32xi32>
  %ws = arith.extsi %w : vector<32xi16> to vector<32xi32>
  %p = arith.muli %xs, %ws : vector<32xi32>
  %g = vector.shape_cast %p : vector<32xi32> to vector<16x2xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<16x2xi32> to vector<16xi32>
  return %r : vector<16xi32>
}

// -----

// PAIRS-LABEL: func.func @pairs_ymm
// PAIRS: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"({{.*}}) : (vector<16xi16>, vector<16xi16>) -> vector<8xi32>
// PAIRS-LABEL: func.func @pairs_xmm
// PAIRS: llvm.call_intrinsic "llvm.x86.sse2.pmadd.wd"({{.*}}) : (vector<8xi16>, vector<8xi16>) -> vector<4xi32>
func.func @pairs_ymm(%acc: vector<8xi32>, %x: vector<16xi16>, %w: vector<16xi16>) -> vector<8xi32> {
  %xs = arith.extsi %x : vector<16xi16> to vector<16xi32>
  %ws = arith.extsi %w : vector<16xi16> to vector<16xi32>
  %p = arith.muli %xs, %ws : vector<16xi32>
  %g = vector.shape_cast %p : vector<16xi32> to vector<8x2xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<8x2xi32> to vector<8xi32>
  return %r : vector<8xi32>
}
func.func @pairs_xmm(%acc: vector<4xi32>, %x: vector<8xi16>, %w: vector<8xi16>) -> vector<4xi32> {
  %xs = arith.extsi %x : vector<8xi16> to vector<8xi32>
  %ws = arith.extsi %w : vector<8xi16> to vector<8xi32>
  %p = arith.muli %xs, %ws : vector<8xi32>
  %g = vector.shape_cast %p : vector<8xi32> to vector<4x2xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<4x2xi32> to vector<4xi32>
  return %r : vector<4xi32>
}

// -----

// Sign-extended bytes (the filter's, which canonicalization extends to i32
// in one step) are widened to 16 bits first.
// PAIRS-LABEL: func.func @pairs_of_bytes
// PAIRS-SAME: (%[[ACC:.*]]: vector<8xi32>, %[[X:.*]]: vector<16xi16>, %[[W:.*]]: vector<16xi8>
// PAIRS: %[[W16:.*]] = arith.extsi %[[W]] : vector<16xi8> to vector<16xi16>
// PAIRS: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"(%[[X]], %[[W16]])
func.func @pairs_of_bytes(%acc: vector<8xi32>, %x: vector<16xi16>, %w: vector<16xi8>) -> vector<8xi32> {
  %xs = arith.extsi %x : vector<16xi16> to vector<16xi32>
  %ws = arith.extsi %w : vector<16xi8> to vector<16xi32>
  %p = arith.muli %xs, %ws : vector<16xi32>
  %g = vector.shape_cast %p : vector<16xi32> to vector<8x2xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<8x2xi32> to vector<8xi32>
  return %r : vector<8xi32>
}

// -----

// Zero-extended values: not vpmaddwd.
// PAIRS-LABEL: func.func @not_pairs
// PAIRS-NOT: llvm.call_intrinsic
// PAIRS: return
func.func @not_pairs(%acc: vector<8xi32>, %x: vector<16xi16>) -> vector<8xi32> {
  %xu = arith.extui %x : vector<16xi16> to vector<16xi32>
  %xs = arith.extsi %x : vector<16xi16> to vector<16xi32>
  %p = arith.muli %xu, %xs : vector<16xi32>
  %g = vector.shape_cast %p : vector<16xi32> to vector<8x2xi32>
  %r = vector.multi_reduction <add>, %g, %acc [1] : vector<8x2xi32> to vector<8xi32>
  return %r : vector<8xi32>
}
