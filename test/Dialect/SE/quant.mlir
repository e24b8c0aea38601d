// RUN: se-opt %s | FileCheck %s
// RUN: se-opt %s | se-opt | FileCheck %s
// RUN: se-opt -mlir-print-op-generic %s | se-opt | FileCheck %s

// Per tensor (no axis) and per axis, u8 and i8 storage.
// CHECK-LABEL: func @round_trip
// CHECK: se.quantize %{{.*}} u8 scales [2.350000e-02] zero_points [128] : tensor<1x4x4x2xf32> -> tensor<1x4x4x2xi8>
// CHECK: se.dequantize %{{.*}} i8 scales [1.000000e-02, 2.000000e-02] zero_points [0, -3] axis 3 : tensor<1x4x4x2xi8> -> tensor<1x4x4x2xf32>
func.func @round_trip(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %q = se.quantize %x u8 scales [0.0235] zero_points [128] : tensor<1x4x4x2xf32> -> tensor<1x4x4x2xi8>
  %y = se.dequantize %q i8 scales [0.01, 0.02] zero_points [0, -3] axis 3 : tensor<1x4x4x2xi8> -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}
