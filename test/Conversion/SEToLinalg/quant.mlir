// RUN: se-opt %s -split-input-file -convert-se-to-linalg | FileCheck %s

// Per tensor: x / scale rounded half to even, the zero point added, clamped
// to [0, 255] (NaN to 0 by maxnumf), stored as the low byte.
// CHECK-LABEL: func @quantize_u8
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}} : tensor<2x3xf32>) outs(%{{.*}} : tensor<2x3xi8>)
// CHECK-DAG: %[[SCALE:.*]] = arith.constant 2.500000e-01 : f32
// CHECK-DAG: %[[ZP:.*]] = arith.constant 1.280000e+02 : f32
// CHECK-DAG: %[[LO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[HI:.*]] = arith.constant 2.550000e+02 : f32
// CHECK: %[[DIV:.*]] = arith.divf %{{.*}}, %[[SCALE]] : f32
// CHECK: %[[ROUND:.*]] = math.roundeven %[[DIV]] : f32
// CHECK: %[[SHIFT:.*]] = arith.addf %[[ROUND]], %[[ZP]] : f32
// CHECK: %[[MAX:.*]] = arith.maxnumf %[[SHIFT]], %[[LO]] : f32
// CHECK: %[[MIN:.*]] = arith.minnumf %[[MAX]], %[[HI]] : f32
// CHECK: %[[WIDE:.*]] = arith.fptosi %[[MIN]] : f32 to i32
// CHECK: %[[BYTE:.*]] = arith.trunci %[[WIDE]] : i32 to i8
// CHECK: linalg.yield %[[BYTE]] : i8
func.func @quantize_u8(%x: tensor<2x3xf32>) -> tensor<2x3xi8> {
  %q = se.quantize %x u8 scales [0.25] zero_points [128] : tensor<2x3xf32> -> tensor<2x3xi8>
  return %q : tensor<2x3xi8>
}

// -----

// Per axis: the scales and zero points are constants read along the axis;
// i8 is sign-extended.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[AXIS:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func @dequantize_i8_per_axis
// CHECK-DAG: %[[SCALES:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>
// CHECK-DAG: %[[ZPS:.*]] = arith.constant dense<[0.000000e+00, -3.000000e+00]> : tensor<2xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[AXIS]], #[[AXIS]], #[[ID]]]
// CHECK-SAME: ins(%{{.*}}, %[[SCALES]], %[[ZPS]] : tensor<2x3xi8>, tensor<2xf32>, tensor<2xf32>)
// CHECK: ^bb0(%[[Q:.*]]: i8, %[[S:.*]]: f32, %[[Z:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[WIDE:.*]] = arith.extsi %[[Q]] : i8 to i32
// CHECK: %[[F:.*]] = arith.sitofp %[[WIDE]] : i32 to f32
// CHECK: %[[C:.*]] = arith.subf %[[F]], %[[Z]] : f32
// CHECK: %[[Y:.*]] = arith.mulf %[[C]], %[[S]] : f32
// CHECK: linalg.yield %[[Y]] : f32
func.func @dequantize_i8_per_axis(%q: tensor<2x3xi8>) -> tensor<2x3xf32> {
  %y = se.dequantize %q i8 scales [0.5, 0.25] zero_points [0, -3] axis 0 : tensor<2x3xi8> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// u8 is zero-extended.
// CHECK-LABEL: func @dequantize_u8
// CHECK: arith.extui %{{.*}} : i8 to i32
func.func @dequantize_u8(%q: tensor<4xi8>) -> tensor<4xf32> {
  %y = se.dequantize %q u8 scales [0.5] zero_points [128] : tensor<4xi8> -> tensor<4xf32>
  return %y : tensor<4xf32>
}
