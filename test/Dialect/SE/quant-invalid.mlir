// RUN: se-opt %s -split-input-file -verify-diagnostics

func.func @counts(%x: tensor<4xf32>) -> tensor<4xi8> {
  // expected-error @+1 {{expects as many zero points as scales (at least one), got 2 and 1}}
  %q = se.quantize %x u8 scales [0.1] zero_points [0, 0] : tensor<4xf32> -> tensor<4xi8>
  return %q : tensor<4xi8>
}

// -----

func.func @no_axis(%x: tensor<2x4xf32>) -> tensor<2x4xi8> {
  // expected-error @+1 {{expects an axis with 2 scales}}
  %q = se.quantize %x u8 scales [0.1, 0.2] zero_points [0, 0] : tensor<2x4xf32> -> tensor<2x4xi8>
  return %q : tensor<2x4xi8>
}

// -----

func.func @axis_range(%x: tensor<2x4xf32>) -> tensor<2x4xi8> {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %q = se.quantize %x u8 scales [0.1, 0.2] zero_points [0, 0] axis 2 : tensor<2x4xf32> -> tensor<2x4xi8>
  return %q : tensor<2x4xi8>
}

// -----

func.func @axis_extent(%x: tensor<2x4xf32>) -> tensor<2x4xi8> {
  // expected-error @+1 {{expects one scale per index along axis 1 (4), got 2}}
  %q = se.quantize %x u8 scales [0.1, 0.2] zero_points [0, 0] axis 1 : tensor<2x4xf32> -> tensor<2x4xi8>
  return %q : tensor<2x4xi8>
}

// -----

func.func @scale(%x: tensor<4xi8>) -> tensor<4xf32> {
  // expected-error @+1 {{expects positive finite scales, got 0}}
  %y = se.dequantize %x i8 scales [0.0] zero_points [0] : tensor<4xi8> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @zero_point(%x: tensor<4xi8>) -> tensor<4xf32> {
  // expected-error @+1 {{zero point 128 is outside the range [-128, 127] of i8}}
  %y = se.dequantize %x i8 scales [0.5] zero_points [128] : tensor<4xi8> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @unsigned_zero_point(%x: tensor<4xf32>) -> tensor<4xi8> {
  // expected-error @+1 {{zero point -1 is outside the range [0, 255] of u8}}
  %q = se.quantize %x u8 scales [0.5] zero_points [-1] : tensor<4xf32> -> tensor<4xi8>
  return %q : tensor<4xi8>
}

// -----

func.func @element_type(%x: tensor<4xf32>) -> tensor<4xi32> {
  // expected-error @+1 {{result #0 must be ranked tensor of 8-bit signless integer values}}
  %q = se.quantize %x u8 scales [0.5] zero_points [0] : tensor<4xf32> -> tensor<4xi32>
  return %q : tensor<4xi32>
}

// -----

func.func @shape(%x: tensor<4xf32>) -> tensor<2xi8> {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %q = se.quantize %x u8 scales [0.5] zero_points [0] : tensor<4xf32> -> tensor<2xi8>
  return %q : tensor<2xi8>
}
