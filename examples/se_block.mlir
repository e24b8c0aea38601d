// The SE block of an SE-ResNet-50 stage-1 unit (C = 256, 56 x 56, r = 16, no
// FC biases) fused with the unit's residual add and ReLU:
//   y = relu(identity + sigmoid(W2 relu(W1 avgpool(u))) * u)
// `make demo` compiles it with se-compile and links it with demo.c.
func.func @se_block(%u: tensor<1x256x56x56xf32>, %w1: tensor<16x256xf32>,
                    %w2: tensor<256x16xf32>, %identity: tensor<1x256x56x56xf32>)
    -> tensor<1x256x56x56xf32> {
  %y = se.squeeze_excite %u weights(%w1, %w2) residual(%identity) post_act = relu
       : (tensor<1x256x56x56xf32>, tensor<16x256xf32>, tensor<256x16xf32>,
          tensor<1x256x56x56xf32>) -> tensor<1x256x56x56xf32>
  return %y : tensor<1x256x56x56xf32>
}
