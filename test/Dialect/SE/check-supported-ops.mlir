// RUN: se-opt %s -split-input-file -se-check-supported-ops -verify-diagnostics | FileCheck %s

// Supported ops on static f32 tensors pass unchanged.
// CHECK-LABEL: func.func @supported
// CHECK: se.squeeze_excite
// CHECK: tosa.clamp
func.func @supported(%x: tensor<1x4x4x8xf32>, %w1: tensor<2x8xf32>, %w2: tensor<8x2xf32>) -> tensor<1x4x4x8xf32> {
  %y = se.squeeze_excite %x weights(%w1, %w2) layout = nhwc : (tensor<1x4x4x8xf32>, tensor<2x8xf32>, tensor<8x2xf32>) -> tensor<1x4x4x8xf32>
  %z = tosa.clamp %y {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %z : tensor<1x4x4x8xf32>
}

// -----

// An argument that is not a static f32 tensor.
// expected-error @+1 {{argument 0 of 'dynamic' has type 'tensor<?x8xf32>'; se-compile needs statically shaped f32 tensors}}
func.func @dynamic(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  return %x : tensor<?x8xf32>
}

// -----

// An op without a lowering.
func.func @unsupported(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{unsupported op 'tosa.log': se-compile lowers the ops listed in docs/graph-ops.md}}
  %y = tosa.log %x : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// A supported op on another element type.
func.func @integers(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = "tosa.const"() {values = dense<1> : tensor<4xi32>} : () -> tensor<4xi32>
  // expected-error @+1 {{'tosa.add' computes on 'i32'; se-compile compiles f32 models}}
  %c = tosa.add %a, %a : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %x : tensor<4xf32>
}

// -----

// A supported op with a dynamic result.
func.func @dynamic_result(%x: tensor<4xf32>) -> tensor<4xf32> {
  %n = arith.constant 4 : index
  // expected-error @+1 {{'tensor.empty' has a result of type 'tensor<?xf32>'; se-compile needs static shapes}}
  %e = tensor.empty(%n) : tensor<?xf32>
  return %x : tensor<4xf32>
}
