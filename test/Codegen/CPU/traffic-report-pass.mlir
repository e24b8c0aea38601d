// RUN: se-opt %s -split-input-file -se-cpu-traffic-report --mlir-print-op-on-diagnostic=false -o /dev/null 2>&1 | FileCheck %s

// se-cpu-traffic-report alone, on loops the SE lowering tagged: the block's
// squeeze and scale loops each read U (an argument) once, in units of its
// 1 KiB.
// CHECK: remark: SE block 'argument': U (1024 bytes) stored 0.00x, loaded 2.00x by its readers (0.00x by its producers)
func.func @argument(%u: memref<4x64xf32>, %sums: memref<64xf32>, %gate: memref<64xf32>, %y: memref<4x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %c = %c0 to %c64 step %c1 {
      %v = memref.load %u[%i, %c] : memref<4x64xf32>
      %s = memref.load %sums[%c] : memref<64xf32>
      %t = arith.addf %s, %v : f32
      memref.store %t, %sums[%c] : memref<64xf32>
    }
  } {se.block = "argument", se.phase = "squeeze"}
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %c = %c0 to %c64 step %c1 {
      %v = memref.load %u[%i, %c] : memref<4x64xf32>
      %g = memref.load %gate[%c] : memref<64xf32>
      %t = arith.mulf %g, %v : f32
      memref.store %t, %y[%i, %c] : memref<4x64xf32>
    }
  } {se.block = "argument", se.phase = "scale"}
  return
}

// -----

// U computed in the function: its producer's store counts, and so does the
// producer's read back of what it stored (a bias fill, then the sum).
// CHECK: remark: SE block 'produced': U (1024 bytes) stored 2.00x, loaded 2.00x by its readers (1.00x by its producers)
func.func @produced(%x: memref<4x64xf32>, %bias: f32, %sums: memref<64xf32>, %gate: memref<64xf32>, %y: memref<4x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  %u = memref.alloc() : memref<4x64xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %c = %c0 to %c64 step %c1 {
      memref.store %bias, %u[%i, %c] : memref<4x64xf32>
    }
  }
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %c = %c0 to %c64 step %c1 {
      %b = memref.load %u[%i, %c] : memref<4x64xf32>
      %v = memref.load %x[%i, %c] : memref<4x64xf32>
      %t = arith.addf %b, %v : f32
      memref.store %t, %u[%i, %c] : memref<4x64xf32>
    }
  }
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %c = %c0 to %c64 step %c1 {
      %v = memref.load %u[%i, %c] : memref<4x64xf32>
      %s = memref.load %sums[%c] : memref<64xf32>
      %t = arith.addf %s, %v : f32
      memref.store %t, %sums[%c] : memref<64xf32>
    }
  } {se.block = "produced", se.phase = "squeeze"}
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %c = %c0 to %c64 step %c1 {
      %v = memref.load %u[%i, %c] : memref<4x64xf32>
      %g = memref.load %gate[%c] : memref<64xf32>
      %t = arith.mulf %g, %v : f32
      memref.store %t, %y[%i, %c] : memref<4x64xf32>
    }
  } {se.block = "produced", se.phase = "scale"}
  memref.dealloc %u : memref<4x64xf32>
  return
}
