// RUN: se-opt %s -split-input-file -convert-se-to-linalg -canonicalize | FileCheck %s

// The default block in NCHW: spatial dims collapsed, a sum over them scaled
// by 1/(H*W), two FCs with ReLU between, a sigmoid gate, one scale.
// CHECK-DAG: #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[NC:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[ZI:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[WOI:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func @nchw_default
// CHECK-SAME: (%[[X:.*]]: tensor<1x64x8x8xf32>, %[[W1:.*]]: tensor<4x64xf32>, %[[W2:.*]]: tensor<64x4xf32>)
// CHECK-DAG: %[[INV:.*]] = arith.constant 1.562500e-02 : f32
// CHECK: %[[XC:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0], [1], [2, 3]] : tensor<1x64x8x8xf32> into tensor<1x64x64xf32>
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID3]], #[[NC]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[XC]] :
// CHECK: arith.addf
// CHECK: %[[AVG:.*]] = linalg.generic {{.*}} ins(%[[SUM]] :
// CHECK: arith.mulf %{{.*}}, %[[INV]]
// CHECK: %[[FC1:.*]] = linalg.generic {indexing_maps = [#[[ZI]], #[[WOI]], #[[NC]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[AVG]], %[[W1]] :
// CHECK: %[[ACT:.*]] = linalg.generic {{.*}} ins(%[[FC1]] :
// CHECK: arith.maximumf
// CHECK: %[[FC2:.*]] = linalg.generic {{.*}} ins(%[[ACT]], %[[W2]] :
// CHECK: %[[GATE:.*]] = linalg.generic {{.*}} ins(%[[FC2]] :
// CHECK: arith.negf
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[ID3]], #[[NC]], #[[ID3]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[XC]], %[[GATE]] :
// CHECK: tensor.expand_shape %[[Y]] {{\[}}[0], [1], [2, 3]] output_shape [1, 64, 8, 8]
// CHECK-NOT: se.squeeze_excite
func.func @nchw_default(%x: tensor<1x64x8x8xf32>, %w1: tensor<4x64xf32>, %w2: tensor<64x4xf32>) -> tensor<1x64x8x8xf32> {
  %y = se.squeeze_excite %x weights(%w1, %w2) : (tensor<1x64x8x8xf32>, tensor<4x64xf32>, tensor<64x4xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// -----

// NHWC: the loops follow memory order (n, s, c); the reduction is the middle
// loop and the gate broadcasts over s.
// CHECK-DAG: #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[NC:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func @nhwc
// CHECK: %[[XC:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2], [3]] : tensor<2x7x7x32xf32> into tensor<2x49x32xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID3]], #[[NC]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[XC]] :
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[ID3]], #[[NC]], #[[ID3]]], {{.*}} ins(%[[XC]], %{{.*}} :
// CHECK: tensor.expand_shape %[[Y]] {{\[}}[0], [1, 2], [3]] output_shape [2, 7, 7, 32]
func.func @nhwc(%x: tensor<2x7x7x32xf32>, %w1: tensor<2x32xf32>, %w2: tensor<32x2xf32>) -> tensor<2x7x7x32xf32> {
  %y = se.squeeze_excite %x weights(%w1, %w2) layout = nhwc : (tensor<2x7x7x32xf32>, tensor<2x32xf32>, tensor<32x2xf32>) -> tensor<2x7x7x32xf32>
  return %y : tensor<2x7x7x32xf32>
}

// -----

// Max squeeze starts from -inf; biases become the FCs' initial values;
// SiLU inside; hard-sigmoid gate.
// CHECK-LABEL: func @max_bias_silu_hard_sigmoid
// CHECK-SAME: %[[B1:[a-z0-9]+]]: tensor<4xf32>, %[[B2:[a-z0-9]+]]: tensor<16xf32>
// CHECK-DAG: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK-DAG: %[[THREE:.*]] = arith.constant 3.000000e+00 : f32
// CHECK-DAG: %[[SIX:.*]] = arith.constant 6.000000e+00 : f32
// CHECK: linalg.fill ins(%[[NEGINF]] : f32)
// CHECK: arith.maximumf
// CHECK: %[[INIT1:.*]] = linalg.broadcast ins(%[[B1]] : tensor<4xf32>) outs(%{{.*}} : tensor<1x4xf32>) dimensions = [0]
// CHECK: linalg.generic {{.*}} outs(%[[INIT1]] : tensor<1x4xf32>)
// CHECK: math.exp
// CHECK: arith.mulf
// CHECK: %[[INIT2:.*]] = linalg.broadcast ins(%[[B2]] : tensor<16xf32>)
// CHECK: linalg.generic {{.*}} outs(%[[INIT2]] : tensor<1x16xf32>)
// CHECK: arith.addf %{{.*}}, %[[THREE]]
// CHECK: arith.minimumf %{{.*}}, %[[SIX]]
// CHECK: arith.divf %{{.*}}, %[[SIX]]
func.func @max_bias_silu_hard_sigmoid(%x: tensor<1x16x5x5xf32>, %w1: tensor<4x16xf32>, %w2: tensor<16x4xf32>, %b1: tensor<4xf32>, %b2: tensor<16xf32>) -> tensor<1x16x5x5xf32> {
  %y = se.squeeze_excite %x weights(%w1, %w2) bias1(%b1) bias2(%b2) squeeze = max inner_act = silu gate = hard_sigmoid : (tensor<1x16x5x5xf32>, tensor<4x16xf32>, tensor<16x4xf32>, tensor<4xf32>, tensor<16xf32>) -> tensor<1x16x5x5xf32>
  return %y : tensor<1x16x5x5xf32>
}

// -----

// avg_max: both pooled vectors through the same MLP, summed before the gate.
// CHECK-LABEL: func @avg_max
// CHECK-SAME: %[[W1:[a-z0-9]+]]: tensor<4x16xf32>, %[[W2:[a-z0-9]+]]: tensor<16x4xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[W1]] :
// CHECK: %[[EAVG:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[W2]] :
// CHECK: arith.maximumf
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[W1]] :
// CHECK: %[[EMAX:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[W2]] :
// CHECK: linalg.generic {{.*}} ins(%[[EAVG]], %[[EMAX]] :
// CHECK: arith.addf
// CHECK: math.tanh
func.func @avg_max(%x: tensor<1x16x5x5xf32>, %w1: tensor<4x16xf32>, %w2: tensor<16x4xf32>) -> tensor<1x16x5x5xf32> {
  %y = se.squeeze_excite %x weights(%w1, %w2) squeeze = avg_max gate = tanh : (tensor<1x16x5x5xf32>, tensor<4x16xf32>, tensor<16x4xf32>) -> tensor<1x16x5x5xf32>
  return %y : tensor<1x16x5x5xf32>
}

// -----

// one_fc: a single C x C FC, then a ReLU gate.
// CHECK-LABEL: func @one_fc
// CHECK-SAME: %[[W:[a-z0-9]+]]: tensor<16x16xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[W]] : tensor<1x16xf32>, tensor<16x16xf32>)
// CHECK-NOT: tensor<16x16xf32>
// CHECK: arith.maximumf
func.func @one_fc(%x: tensor<1x16x5x5xf32>, %w: tensor<16x16xf32>) -> tensor<1x16x5x5xf32> {
  %y = se.squeeze_excite %x weights(%w) excitation = one_fc gate = relu : (tensor<1x16x5x5xf32>, tensor<16x16xf32>) -> tensor<1x16x5x5xf32>
  return %y : tensor<1x16x5x5xf32>
}

// -----

// conv1d: the pooled vector is zero-padded by (k-1)/2 on each side and
// convolved with the kernel.
// CHECK-DAG: #[[SHIFT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1 + d2)>
// CHECK-DAG: #[[TAP:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func @conv1d
// CHECK-SAME: %[[K:[a-z0-9]+]]: tensor<5xf32>
// CHECK: %[[PAD:.*]] = tensor.insert_slice %{{.*}} into %{{.*}}[0, 2] [1, 8] [1, 1] : tensor<1x8xf32> into tensor<1x12xf32>
// CHECK: linalg.generic {indexing_maps = [#[[SHIFT]], #[[TAP]], {{.*}}], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[PAD]], %[[K]] :
func.func @conv1d(%x: tensor<1x8x3x3xf32>, %k: tensor<5xf32>) -> tensor<1x8x3x3xf32> {
  %y = se.squeeze_excite %x weights(%k) excitation = conv1d : (tensor<1x8x3x3xf32>, tensor<5xf32>) -> tensor<1x8x3x3xf32>
  return %y : tensor<1x8x3x3xf32>
}

// -----

// The SE-ResNet epilogue: relu(residual + s * x) in the one scale loop;
// hard-swish inside the MLP.
// CHECK-LABEL: func @residual_relu
// CHECK-SAME: (%{{[a-z0-9]+}}: tensor<1x8x4x4xf32>, %{{[a-z0-9]+}}: tensor<2x8xf32>, %{{[a-z0-9]+}}: tensor<8x2xf32>, %[[R:[a-z0-9]+]]: tensor<1x8x4x4xf32>)
// CHECK: arith.minimumf
// CHECK: %[[RC:.*]] = tensor.collapse_shape %[[R]]
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %[[RC]] : tensor<1x8x16xf32>, tensor<1x8xf32>, tensor<1x8x16xf32>)
// CHECK-NEXT: ^bb0(%[[XV:.*]]: f32, %[[SV:.*]]: f32, %[[RV:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[XV]], %[[SV]]
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[RV]], %[[P]]
// CHECK-NEXT: %[[M:.*]] = arith.maximumf %[[S]], %{{.*}}
// CHECK-NEXT: linalg.yield %[[M]]
func.func @residual_relu(%x: tensor<1x8x4x4xf32>, %w1: tensor<2x8xf32>, %w2: tensor<8x2xf32>, %r: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %y = se.squeeze_excite %x weights(%w1, %w2) residual(%r) inner_act = hard_swish post_act = relu : (tensor<1x8x4x4xf32>, tensor<2x8xf32>, tensor<8x2xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %y : tensor<1x8x4x4xf32>
}
