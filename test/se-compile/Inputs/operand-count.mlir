func.func @f(%x: tensor<1x64x8x8xf32>, %w1: tensor<4x64xf32>, %w2: tensor<64x4xf32>) -> tensor<1x64x8x8xf32> {
  %y = se.squeeze_excite %x weights(%w1) : (tensor<1x64x8x8xf32>, tensor<4x64xf32>, tensor<64x4xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}
