// A model without convolutions (nothing for --quantize=int8).
func.func @relu(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %y = tosa.clamp %x {max_val = 3.40282347E+38 : f32, min_val = 0.000000e+00 : f32} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}
