// RUN: se-opt %s -se-fold-constant-dequantize | FileCheck %s

// Dequantizations of constants become f32 constants, (q - zero point) *
// scale per element: int8 per axis ([1, -2] x 0.5, [3 - 1, 4 - 1] x 0.25),
// uint8 per tensor ([200 - 100, 10 - 100] x 0.5; 200 is the byte -56).
// A dequantization of a computed value stays.
// CHECK-LABEL: func.func @fold
// CHECK-DAG: %[[A:.*]] = "tosa.const"() <{values = dense_resource<[[BA:dequantized[_0-9]*]]> : tensor<2x2xf32>}>
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense_resource<[[BB:dequantized[_0-9]*]]> : tensor<2xf32>}>
// CHECK-DAG: %[[C:.*]] = se.dequantize %arg0
// CHECK: return %[[A]], %[[B]], %[[C]]
// CHECK: [[BA]]: "0x040000000000003F000080BF0000003F0000403F"
// CHECK: [[BB]]: "0x0400000000004842000034C2"
func.func @fold(%q: tensor<2xi8>) -> (tensor<2x2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %codes = "tosa.const"() <{values = dense<[[1, -2], [3, 4]]> : tensor<2x2xi8>}> : () -> tensor<2x2xi8>
  %a = se.dequantize %codes i8 scales [0.5, 0.25] zero_points [0, 1] axis 0 : tensor<2x2xi8> -> tensor<2x2xf32>
  %bytes = "tosa.const"() <{values = dense<[-56, 10]> : tensor<2xi8>}> : () -> tensor<2xi8>
  %b = se.dequantize %bytes u8 scales [0.5] zero_points [100] : tensor<2xi8> -> tensor<2xf32>
  %c = se.dequantize %q u8 scales [0.5] zero_points [100] : tensor<2xi8> -> tensor<2xf32>
  return %a, %b, %c : tensor<2x2xf32>, tensor<2xf32>, tensor<2xf32>
}
