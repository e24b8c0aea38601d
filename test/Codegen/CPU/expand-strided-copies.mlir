// RUN: se-opt %s -split-input-file -se-cpu-expand-strided-copies | FileCheck %s --check-prefixes=CHECK,SERIAL
// RUN: se-opt %s -split-input-file -se-cpu-expand-strided-copies="threads=2" | FileCheck %s --check-prefixes=CHECK,THREADS

// A feature map copied into the interior of its zero padding (1.6 MB): the
// rows of 56 x 128 floats are contiguous on both sides and copied one by
// one (memcpy later), in parallel with threads.
// CHECK-LABEL: func.func @padding_interior
// CHECK-SAME: (%[[SRC:.*]]: memref<1x56x56x128xf32>, %[[DST:.*]]: memref<1x58x58x128xf32>)
// CHECK: %[[INTERIOR:.*]] = memref.subview %[[DST]][0, 1, 1, 0] [1, 56, 56, 128]
// SERIAL: scf.for %[[N:.*]] = %c0 to %c1_0 step %c1
// SERIAL: scf.for %[[H:.*]] = %c0 to %c56 step %c1
// THREADS: scf.parallel (%[[N:.*]], %[[H:.*]]) = (%c0, %c0) to (%c1_0, %c56) step (%c1, %c1)
// CHECK: %[[FROM:.*]] = memref.subview %[[SRC]][%[[N]], %[[H]], 0, 0] [1, 1, 56, 128] [1, 1, 1, 1]
// CHECK: %[[TO:.*]] = memref.subview %[[INTERIOR]][%[[N]], %[[H]], 0, 0] [1, 1, 56, 128] [1, 1, 1, 1]
// CHECK: memref.copy %[[FROM]], %[[TO]] : memref<1x1x56x128xf32, strided<[401408, 7168, 128, 1], offset: ?>> to memref<1x1x56x128xf32, strided<[430592, 7424, 128, 1], offset: ?>>
// CHECK-NOT: linalg.copy
func.func @padding_interior(%src: memref<1x56x56x128xf32>, %dst: memref<1x58x58x128xf32>) {
  %interior = memref.subview %dst[0, 1, 1, 0] [1, 56, 56, 128] [1, 1, 1, 1] : memref<1x58x58x128xf32> to memref<1x56x56x128xf32, strided<[430592, 7424, 128, 1], offset: 7552>>
  memref.copy %src, %interior : memref<1x56x56x128xf32> to memref<1x56x56x128xf32, strided<[430592, 7424, 128, 1], offset: 7552>>
  return
}

// -----

// Rows of 256 bytes are copied by rows; a copy under 512 KiB stays serial
// with threads.
// CHECK-LABEL: func.func @small_rows
// CHECK-NOT: scf.parallel
// CHECK: scf.for
// CHECK: memref.copy %{{.*}}, %{{.*}} : memref<1x64xf32, strided<[64, 1], offset: ?>> to memref<1x64xf32, strided<[128, 1], offset: ?>>
func.func @small_rows(%src: memref<8x64xf32>, %dst: memref<8x128xf32>) {
  %v = memref.subview %dst[0, 0] [8, 64] [1, 1] : memref<8x128xf32> to memref<8x64xf32, strided<[128, 1]>>
  memref.copy %src, %v : memref<8x64xf32> to memref<8x64xf32, strided<[128, 1]>>
  return
}

// -----

// Rows shorter than 256 bytes, or no contiguous innermost dimension: loops
// (linalg.copy).
// CHECK-LABEL: func.func @short_rows
// CHECK: linalg.copy ins(%{{.*}} : memref<8x32xf32>) outs(%{{.*}} : memref<8x32xf32, strided<[128, 1]>>)
// CHECK: linalg.copy ins(%{{.*}} : memref<64x8xf32, strided<[1, 64]>>) outs(%{{.*}} : memref<64x8xf32>)
func.func @short_rows(%src: memref<8x32xf32>, %dst: memref<8x128xf32>, %t: memref<8x64xf32>, %u: memref<64x8xf32>) {
  %v = memref.subview %dst[0, 0] [8, 32] [1, 1] : memref<8x128xf32> to memref<8x32xf32, strided<[128, 1]>>
  memref.copy %src, %v : memref<8x32xf32> to memref<8x32xf32, strided<[128, 1]>>
  %tt = memref.transpose %t (i, j) -> (j, i) : memref<8x64xf32> to memref<64x8xf32, strided<[1, 64]>>
  memref.copy %tt, %u : memref<64x8xf32, strided<[1, 64]>> to memref<64x8xf32>
  return
}
