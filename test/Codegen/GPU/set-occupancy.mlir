// RUN: se-opt %s -se-gpu-set-occupancy | FileCheck %s
// RUN: se-opt %s -se-gpu-set-occupancy=min-blocks=3 | FileCheck %s --check-prefix=THREE
// RUN: se-opt %s -se-gpu-set-occupancy=min-blocks=0 | FileCheck %s --check-prefix=NONE

// Kernels without a budget get one for 2 blocks per multiprocessor; a
// kernel's own stays, and device functions that are not kernels get none.
// CHECK-LABEL: gpu.func @k
//  CHECK-SAME: nvvm.minctasm = 2 : i32
// CHECK-LABEL: gpu.func @own
//  CHECK-SAME: nvvm.minctasm = 4 : i32
// CHECK-LABEL: gpu.func @helper
//   CHECK-NOT: nvvm.minctasm
// THREE-LABEL: gpu.func @k
//  THREE-SAME: nvvm.minctasm = 3 : i32
//   NONE-NOT: nvvm.minctasm = 2
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @k(%a: memref<64xf32>) kernel {
      gpu.return
    }
    gpu.func @own(%a: memref<64xf32>) kernel attributes {nvvm.minctasm = 4 : i32} {
      gpu.return
    }
    gpu.func @helper(%a: memref<64xf32>) {
      gpu.return
    }
  }
}
