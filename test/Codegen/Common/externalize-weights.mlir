// RUN: se-opt %s -split-input-file -se-externalize-weights -verify-diagnostics --mlir-elide-resource-strings-if-larger=16 | FileCheck %s

// Constants of 64 bytes or more move to a weights blob argument, named after
// their layer and symbol; smaller ones stay. The blob's size and layout
// hash are query functions; the layout and data wait on the module for
// se-compile to write the weights file.
// CHECK: module attributes {se.weights_data = dense_resource<se_weights> : tensor<256xi8>, se.weights_layout = [{name = "layer1.conv/w", shape = array<i64: 64>}]}
// CHECK-NOT: memref.global "private" constant @w
// CHECK: memref.global "private" constant @tiny
// CHECK-LABEL: func.func @net(
// CHECK-SAME: %[[BLOB:[a-z0-9]+]]: memref<?xi8>)
// CHECK: %[[W:.*]] = memref.view %[[BLOB]][%{{.*}}][] : memref<?xi8> to memref<64xf32>
// CHECK: linalg.add ins(%{{.*}}, %[[W]] : memref<64xf32>, memref<64xf32>)
// CHECK-LABEL: func.func @net_weights_hash() -> i64 attributes {se.abi_query}
// CHECK-LABEL: func.func @net_weights_bytes() -> i64 attributes {se.abi_query}
// CHECK: arith.constant 256 : i64
memref.global "private" constant @w : memref<64xf32> = dense<1.0> loc("layer1.conv")
memref.global "private" constant @tiny : memref<2xf32> = dense<2.0>
func.func @net(%x: memref<64xf32>, %y: memref<64xf32>) {
  %w = memref.get_global @w : memref<64xf32>
  %t = memref.get_global @tiny : memref<2xf32>
  linalg.add ins(%x, %w : memref<64xf32>, memref<64xf32>) outs(%y : memref<64xf32>)
  return
}

// -----

// expected-error @+1 {{cannot read the values of this constant (elided?)}}
memref.global "private" constant @w : memref<64xf32> = dense_resource<__elided__>
func.func @elided(%x: memref<64xf32>, %y: memref<64xf32>) {
  %w = memref.get_global @w : memref<64xf32>
  linalg.add ins(%x, %w : memref<64xf32>, memref<64xf32>) outs(%y : memref<64xf32>)
  return
}

// -----

memref.global "private" constant @w : memref<64xf32> = dense<1.0>
func.func private @inner(%x: memref<64xf32>, %y: memref<64xf32>) {
  // expected-error @+1 {{external weights are only passed to public functions, not to 'inner'}}
  %w = memref.get_global @w : memref<64xf32>
  linalg.add ins(%x, %w : memref<64xf32>, memref<64xf32>) outs(%y : memref<64xf32>)
  return
}
