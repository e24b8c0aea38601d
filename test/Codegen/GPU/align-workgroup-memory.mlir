// RUN: se-opt %s -se-gpu-align-workgroup-memory | FileCheck %s
// RUN: se-opt %s -se-gpu-align-workgroup-memory=alignment=32 | FileCheck %s --check-prefix=WIDE

// Workgroup attributions without an alignment get 16 bytes (what
// ld.shared.v4 needs); ones that have one keep it.
// CHECK-LABEL: gpu.func @k
// CHECK-SAME: workgroup(%{{.*}} : memref<64xf32, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %{{.*}} : memref<4xf32, #gpu.address_space<workgroup>> {llvm.align = 64 : i64})
// WIDE: workgroup(%{{.*}} : memref<64xf32, #gpu.address_space<workgroup>> {llvm.align = 32 : i64}, %{{.*}} : memref<4xf32, #gpu.address_space<workgroup>> {llvm.align = 64 : i64})
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @k(%a: memref<64xf32>) workgroup(%tile: memref<64xf32, #gpu.address_space<workgroup>>, %aligned: memref<4xf32, #gpu.address_space<workgroup>> {llvm.align = 64 : i64}) kernel {
      gpu.return
    }
  }
}
