// RUN: se-opt %s | FileCheck %s
// RUN: se-opt %s | se-opt | FileCheck %s
// RUN: se-opt -mlir-print-op-generic %s | se-opt | FileCheck %s

// The paper's block: defaults are omitted when printed.
// CHECK-LABEL: func @default_block
// CHECK: se.squeeze_excite %{{.*}} weights(%{{.*}}, %{{.*}}) : (tensor<1x64x8x8xf32>, tensor<4x64xf32>, tensor<64x4xf32>) -> tensor<1x64x8x8xf32>
func.func @default_block(%x: tensor<1x64x8x8xf32>, %w1: tensor<4x64xf32>, %w2: tensor<64x4xf32>) -> tensor<1x64x8x8xf32> {
  %y = se.squeeze_excite %x weights(%w1, %w2) : (tensor<1x64x8x8xf32>, tensor<4x64xf32>, tensor<64x4xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// Explicit default values print as the defaults.
// CHECK-LABEL: func @explicit_defaults
// CHECK: se.squeeze_excite %{{.*}} weights(%{{.*}}, %{{.*}}) :
func.func @explicit_defaults(%x: tensor<1x64x8x8xf32>, %w1: tensor<4x64xf32>, %w2: tensor<64x4xf32>) -> tensor<1x64x8x8xf32> {
  %y = se.squeeze_excite %x weights(%w1, %w2) layout = nchw squeeze = avg excitation = two_fc inner_act = relu gate = sigmoid post_act = none : (tensor<1x64x8x8xf32>, tensor<4x64xf32>, tensor<64x4xf32>) -> tensor<1x64x8x8xf32>
  return %y : tensor<1x64x8x8xf32>
}

// The SE-ResNet unit: residual add and ReLU fused.
// CHECK-LABEL: func @residual_relu
// CHECK: se.squeeze_excite %{{.*}} weights(%{{.*}}, %{{.*}}) residual(%{{.*}}) post_act = relu :
func.func @residual_relu(%x: tensor<2x32x7x7xf32>, %w1: tensor<2x32xf32>, %w2: tensor<32x2xf32>, %r: tensor<2x32x7x7xf32>) -> tensor<2x32x7x7xf32> {
  %y = se.squeeze_excite %x weights(%w1, %w2) residual(%r) post_act = relu : (tensor<2x32x7x7xf32>, tensor<2x32xf32>, tensor<32x2xf32>, tensor<2x32x7x7xf32>) -> tensor<2x32x7x7xf32>
  return %y : tensor<2x32x7x7xf32>
}

// MobileNetV3 form: NHWC, biases, hard-swish inside, hard-sigmoid gate.
// CHECK-LABEL: func @mobilenet
// CHECK: se.squeeze_excite %{{.*}} weights(%{{.*}}, %{{.*}}) bias1(%{{.*}}) bias2(%{{.*}}) layout = nhwc inner_act = hard_swish gate = hard_sigmoid :
func.func @mobilenet(%x: tensor<1x14x14x96xf32>, %w1: tensor<24x96xf32>, %w2: tensor<96x24xf32>, %b1: tensor<24xf32>, %b2: tensor<96xf32>) -> tensor<1x14x14x96xf32> {
  %y = se.squeeze_excite %x weights(%w1, %w2) bias1(%b1) bias2(%b2) layout = nhwc inner_act = hard_swish gate = hard_sigmoid : (tensor<1x14x14x96xf32>, tensor<24x96xf32>, tensor<96x24xf32>, tensor<24xf32>, tensor<96xf32>) -> tensor<1x14x14x96xf32>
  return %y : tensor<1x14x14x96xf32>
}

// CBAM channel branch: avg and max through one MLP; SiLU; tanh gate.
// CHECK-LABEL: func @avg_max
// CHECK: se.squeeze_excite %{{.*}} weights(%{{.*}}, %{{.*}}) squeeze = avg_max inner_act = silu gate = tanh :
func.func @avg_max(%x: tensor<1x16x5x5xf32>, %w1: tensor<4x16xf32>, %w2: tensor<16x4xf32>) -> tensor<1x16x5x5xf32> {
  %y = se.squeeze_excite %x weights(%w1, %w2) squeeze = avg_max inner_act = silu gate = tanh : (tensor<1x16x5x5xf32>, tensor<4x16xf32>, tensor<16x4xf32>) -> tensor<1x16x5x5xf32>
  return %y : tensor<1x16x5x5xf32>
}

// eSE: one C x C FC with a bias, max squeeze, ReLU gate.
// CHECK-LABEL: func @one_fc
// CHECK: se.squeeze_excite %{{.*}} weights(%{{.*}}) bias1(%{{.*}}) squeeze = max excitation = one_fc gate = relu :
func.func @one_fc(%x: tensor<1x16x5x5xf32>, %w: tensor<16x16xf32>, %b: tensor<16xf32>) -> tensor<1x16x5x5xf32> {
  %y = se.squeeze_excite %x weights(%w) bias1(%b) squeeze = max excitation = one_fc gate = relu : (tensor<1x16x5x5xf32>, tensor<16x16xf32>, tensor<16xf32>) -> tensor<1x16x5x5xf32>
  return %y : tensor<1x16x5x5xf32>
}

// ECA: a 1-D convolution across channels.
// CHECK-LABEL: func @eca
// CHECK: se.squeeze_excite %{{.*}} weights(%{{.*}}) excitation = conv1d : (tensor<1x256x7x7xf32>, tensor<5xf32>) -> tensor<1x256x7x7xf32>
func.func @eca(%x: tensor<1x256x7x7xf32>, %k: tensor<5xf32>) -> tensor<1x256x7x7xf32> {
  %y = se.squeeze_excite %x weights(%k) excitation = conv1d : (tensor<1x256x7x7xf32>, tensor<5xf32>) -> tensor<1x256x7x7xf32>
  return %y : tensor<1x256x7x7xf32>
}

// Knobs parse in any order and print in canonical order.
// CHECK-LABEL: func @any_order
// CHECK: se.squeeze_excite %{{.*}} weights(%{{.*}}) layout = nhwc squeeze = max excitation = conv1d gate = hard_sigmoid :
func.func @any_order(%x: tensor<1x7x7x64xf32>, %k: tensor<3xf32>) -> tensor<1x7x7x64xf32> {
  %y = se.squeeze_excite %x weights(%k) gate = hard_sigmoid excitation = conv1d layout = nhwc squeeze = max : (tensor<1x7x7x64xf32>, tensor<3xf32>) -> tensor<1x7x7x64xf32>
  return %y : tensor<1x7x7x64xf32>
}
