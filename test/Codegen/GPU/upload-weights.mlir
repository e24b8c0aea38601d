// RUN: se-opt %s -split-input-file -se-gpu-upload-weights -verify-diagnostics | FileCheck %s

// The weights blob se-externalize-weights left on the module becomes a
// constant global, and the entry point gets a function that copies it into
// the device buffer its caller passes.
// CHECK: memref.global "private" constant @se_weights_blob : memref<8xi8> = dense_resource<se_weights> {alignment = 64 : i64}
// CHECK-LABEL: func.func @net_weights_upload(
// CHECK-SAME: %[[DEVICE:.*]]: memref<?xi8>)
// CHECK: %[[BLOB:.*]] = memref.get_global @se_weights_blob : memref<8xi8>
// CHECK: gpu.memcpy %[[DEVICE]], %[[BLOB]] : memref<?xi8>, memref<8xi8>
module attributes {se.weights_data = dense_resource<se_weights> : tensor<8xi8>, se.weights_layout = [{name = "w", shape = array<i64: 2>}]} {
  func.func @net(%x: memref<2xf32>, %ws: memref<?xi8>, %weights: memref<?xi8>) {
    return
  }
  func.func @net_weights_bytes() -> i64 attributes {se.abi_query} {
    %c = arith.constant 8 : i64
    return %c : i64
  }
}
{-#
  dialect_resources: {
    builtin: {
      se_weights: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// expected-error @below {{no weights blob to embed (run se-externalize-weights first)}}
module {
  func.func @net(%x: memref<2xf32>) {
    return
  }
}
