func.func @se_unit(%x: tensor<1x64x28x28xf32>, %w1: tensor<4x64xf32>, %w2: tensor<64x4xf32>, %r: tensor<1x64x28x28xf32>) -> tensor<1x64x28x28xf32> {
  %y = se.squeeze_excite %x weights(%w1, %w2) residual(%r) post_act = relu : (tensor<1x64x28x28xf32>, tensor<4x64xf32>, tensor<64x4xf32>, tensor<1x64x28x28xf32>) -> tensor<1x64x28x28xf32>
  return %y : tensor<1x64x28x28xf32>
}
