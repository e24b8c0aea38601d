//===- LayerNumericsTest.cpp - graph-level layers vs the graph reference --===//
//
// The TOSA spellings of the layers a model may use outside the zoo's
// ResNets (ReLU6, sigmoid, SiLU, hard-swish, tanh, depthwise and strided
// convolutions with bias, padded average and max pooling, global pooling,
// softmax, fully connected, concatenation) compiled through se-cpu-pipeline
// and compared with the plain C++ graph executor on seeded inputs in
// [-4, 4]. Tolerance: every element within 1e-5 * (1 + |reference|).
//
//===----------------------------------------------------------------------===//

#include "Codegen/SEJit.h"
#include "Reference/GraphReference.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>

using namespace mlir;
using ::se::testing::CompiledModule;

namespace {

struct LayerCase {
  const char *name;
  std::string source;
  /// se-cpu-pipeline options besides the workspace.
  std::string pipeline = "";
  /// The largest error allowed, relative to 1 + |expected|.
  double tolerance = 1e-5;
};

constexpr const char *kAct = R"mlir(
func.func @forward(%x: tensor<1x6x6x20xf32>) -> (tensor<1x6x6x20xf32>, tensor<1x6x6x20xf32>, tensor<1x6x6x20xf32>, tensor<1x6x6x20xf32>, tensor<1x6x6x20xf32>) {
  %relu6 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x6x6x20xf32>) -> tensor<1x6x6x20xf32>
  %sig = tosa.sigmoid %x : (tensor<1x6x6x20xf32>) -> tensor<1x6x6x20xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %silu = tosa.mul %x, %sig, %shift : (tensor<1x6x6x20xf32>, tensor<1x6x6x20xf32>, tensor<1xi8>) -> tensor<1x6x6x20xf32>
  %three = "tosa.const"() <{values = dense<3.0> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %sixth = "tosa.const"() <{values = dense<0.16666667> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %p3 = tosa.add %x, %three : (tensor<1x6x6x20xf32>, tensor<1x1x1x1xf32>) -> tensor<1x6x6x20xf32>
  %c = tosa.clamp %p3 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x6x6x20xf32>) -> tensor<1x6x6x20xf32>
  %hs0 = tosa.mul %x, %c, %shift : (tensor<1x6x6x20xf32>, tensor<1x6x6x20xf32>, tensor<1xi8>) -> tensor<1x6x6x20xf32>
  %hs = tosa.mul %hs0, %sixth, %shift : (tensor<1x6x6x20xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x6x6x20xf32>
  %tanh = tosa.tanh %x : (tensor<1x6x6x20xf32>) -> tensor<1x6x6x20xf32>
  return %relu6, %sig, %silu, %hs, %tanh : tensor<1x6x6x20xf32>, tensor<1x6x6x20xf32>, tensor<1x6x6x20xf32>, tensor<1x6x6x20xf32>, tensor<1x6x6x20xf32>
}
)mlir";

constexpr const char *kDw = R"mlir(
func.func @forward(%x: tensor<1x9x9x24xf32>) -> (tensor<1x9x9x24xf32>, tensor<1x4x4x24xf32>) {
  %w = "tosa.const"() <{values = dense<[[[[0.5], [0.25], [-0.5], [1.0], [0.5], [0.25], [-0.5], [1.0], [0.5], [0.25], [-0.5], [1.0], [0.5], [0.25], [-0.5], [1.0], [0.5], [0.25], [-0.5], [1.0], [0.5], [0.25], [-0.5], [1.0]]]]> : tensor<1x1x24x1xf32>}> : () -> tensor<1x1x24x1xf32>
  %b = "tosa.const"() <{values = dense<0.125> : tensor<24xf32>}> : () -> tensor<24xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %m = tosa.const_shape {values = dense<[3, 3, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %ww = tosa.tile %w, %m : (tensor<1x1x24x1xf32>, !tosa.shape<4>) -> tensor<3x3x24x1xf32>
  %y = tosa.depthwise_conv2d %x, %ww, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x9x9x24xf32>, tensor<3x3x24x1xf32>, tensor<24xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x9x9x24xf32>
  %y2 = tosa.depthwise_conv2d %x, %ww, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x9x9x24xf32>, tensor<3x3x24x1xf32>, tensor<24xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x24xf32>
  return %y, %y2 : tensor<1x9x9x24xf32>, tensor<1x4x4x24xf32>
}
)mlir";

constexpr const char *kPool = R"mlir(
func.func @forward(%x: tensor<1x9x9x20xf32>) -> (tensor<1x5x5x20xf32>, tensor<1x4x4x20xf32>, tensor<1x1x1x20xf32>, tensor<1x1x1x20xf32>) {
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %a = tosa.avg_pool2d %x, %z, %z {acc_type = f32, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x9x9x20xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x5x5x20xf32>
  %m = tosa.max_pool2d %x {kernel = array<i64: 3, 3>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x9x9x20xf32>) -> tensor<1x4x4x20xf32>
  %g = tosa.avg_pool2d %x, %z, %z {acc_type = f32, kernel = array<i64: 9, 9>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x9x9x20xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x20xf32>
  %r1 = tosa.reduce_max %x {axis = 1 : i32} : (tensor<1x9x9x20xf32>) -> tensor<1x1x9x20xf32>
  %r2 = tosa.reduce_max %r1 {axis = 2 : i32} : (tensor<1x1x9x20xf32>) -> tensor<1x1x1x20xf32>
  return %a, %m, %g, %r2 : tensor<1x5x5x20xf32>, tensor<1x4x4x20xf32>, tensor<1x1x1x20xf32>, tensor<1x1x1x20xf32>
}
)mlir";

constexpr const char *kSoftmax = R"mlir(
func.func @forward(%x: tensor<2x37xf32>) -> tensor<2x37xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.reduce_max %x {axis = 1 : i32} : (tensor<2x37xf32>) -> tensor<2x1xf32>
  %d = tosa.sub %x, %m : (tensor<2x37xf32>, tensor<2x1xf32>) -> tensor<2x37xf32>
  %e = tosa.exp %d : (tensor<2x37xf32>) -> tensor<2x37xf32>
  %s = tosa.reduce_sum %e {axis = 1 : i32} : (tensor<2x37xf32>) -> tensor<2x1xf32>
  %r = tosa.reciprocal %s : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %y = tosa.mul %e, %r, %shift : (tensor<2x37xf32>, tensor<2x1xf32>, tensor<1xi8>) -> tensor<2x37xf32>
  return %y : tensor<2x37xf32>
}
)mlir";

constexpr const char *kFc = R"mlir(
func.func @forward(%x: tensor<2x2x2x8xf32>, %y: tensor<2x2x2x8xf32>) -> (tensor<2x5xf32>, tensor<2x2x2x16xf32>) {
  %s = tosa.const_shape {values = dense<[1, 2, 32]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f = tosa.reshape %x, %s : (tensor<2x2x2x8xf32>, !tosa.shape<3>) -> tensor<1x2x32xf32>
  %w = "tosa.const"() <{values = dense<0.03125> : tensor<1x32x5xf32>}> : () -> tensor<1x32x5xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %mm = tosa.matmul %f, %w, %zp, %zp : (tensor<1x2x32xf32>, tensor<1x32x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x5xf32>
  %b = "tosa.const"() <{values = dense<[[[1.0, 2.0, 3.0, 4.0, 5.0]]]> : tensor<1x1x5xf32>}> : () -> tensor<1x1x5xf32>
  %a = tosa.add %mm, %b : (tensor<1x2x5xf32>, tensor<1x1x5xf32>) -> tensor<1x2x5xf32>
  %s2 = tosa.const_shape {values = dense<[2, 5]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %o = tosa.reshape %a, %s2 : (tensor<1x2x5xf32>, !tosa.shape<2>) -> tensor<2x5xf32>
  %c = tosa.concat %x, %y {axis = 3 : i32} : (tensor<2x2x2x8xf32>, tensor<2x2x2x8xf32>) -> tensor<2x2x2x16xf32>
  return %o, %c : tensor<2x5xf32>, tensor<2x2x2x16xf32>
}
)mlir";

constexpr const char *kConv = R"mlir(
func.func @forward(%x: tensor<1x11x11x5xf32>) -> tensor<1x6x6x7xf32> {
  %w = "tosa.const"() <{values = dense<[[[[0.1, -0.2, 0.3, -0.4, 0.5]]], [[[0.2, 0.1, -0.1, 0.3, -0.2]]], [[[-0.3, 0.4, 0.2, 0.1, 0.0]]], [[[0.5, -0.5, 0.25, -0.25, 0.1]]], [[[0.05, 0.15, -0.35, 0.45, -0.1]]], [[[-0.2, -0.2, 0.2, 0.2, 0.3]]], [[[0.3, 0.1, 0.4, -0.1, -0.5]]]]> : tensor<7x1x1x5xf32>}> : () -> tensor<7x1x1x5xf32>
  %m = tosa.const_shape {values = dense<[1, 3, 3, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %ww = tosa.tile %w, %m : (tensor<7x1x1x5xf32>, !tosa.shape<4>) -> tensor<7x3x3x5xf32>
  %b = "tosa.const"() <{values = dense<[0.1, -0.1, 0.2, -0.2, 0.3, -0.3, 0.0]> : tensor<7xf32>}> : () -> tensor<7xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %ww, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x11x11x5xf32>, tensor<7x3x3x5xf32>, tensor<7xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x7xf32>
  return %y : tensor<1x6x6x7xf32>
}
)mlir";

/// `count` distinct weights in [-0.5, 0.5] as a dense literal (hex, so it
/// fits any shape).
std::string denseWeights(int64_t count) {
  std::string text = "dense<\"0x";
  for (int64_t i = 0; i < count; ++i) {
    float value = static_cast<float>((i * 37 + 11) % 101 - 50) / 100.0f;
    uint32_t bits;
    std::memcpy(&bits, &value, sizeof(bits));
    for (int byte = 0; byte < 4; ++byte) {
      char hex[3];
      std::snprintf(hex, sizeof(hex), "%02X", (bits >> (8 * byte)) & 0xFF);
      text += hex;
    }
  }
  return text + "\">";
}

/// Convolutions the register-blocked microkernels take: a 3x3 one with 48
/// output channels (one register per tile with AVX-512), 5 input channels
/// (no unrolling) and 81 positions (a narrower last tile), with the
/// residual add and ReLU fused; a strided 1x1 one with 32 output channels
/// (two registers) over 64 input channels (unrolled by 4), returned as is;
/// a 3x3 one with stride 1 over two 8x8 images (Winograd F(2x2, 3x3) by
/// default), 16 to 32 channels, with ReLU.
std::string convEpilogueSource() {
  return R"mlir(
func.func @forward(%x: tensor<1x9x9x5xf32>, %r: tensor<1x9x9x48xf32>, %y: tensor<1x13x13x64xf32>, %x3: tensor<2x8x8x16xf32>) -> (tensor<1x9x9x48xf32>, tensor<1x7x7x32xf32>, tensor<2x8x8x32xf32>) {
  %w = "tosa.const"() <{values = )mlir" +
         denseWeights(48 * 3 * 3 * 5) +
         R"mlir( : tensor<48x3x3x5xf32>}> : () -> tensor<48x3x3x5xf32>
  %b = "tosa.const"() <{values = )mlir" +
         denseWeights(48) + R"mlir( : tensor<48xf32>}> : () -> tensor<48xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x9x9x5xf32>, tensor<48x3x3x5xf32>, tensor<48xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x9x9x48xf32>
  %s = tosa.add %c, %r : (tensor<1x9x9x48xf32>, tensor<1x9x9x48xf32>) -> tensor<1x9x9x48xf32>
  %o = tosa.clamp %s {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x9x9x48xf32>) -> tensor<1x9x9x48xf32>
  %w2 = "tosa.const"() <{values = )mlir" +
         denseWeights(32 * 64) +
         R"mlir( : tensor<32x1x1x64xf32>}> : () -> tensor<32x1x1x64xf32>
  %b2 = "tosa.const"() <{values = )mlir" +
         denseWeights(32) + R"mlir( : tensor<32xf32>}> : () -> tensor<32xf32>
  %c2 = tosa.conv2d %y, %w2, %b2, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x13x13x64xf32>, tensor<32x1x1x64xf32>, tensor<32xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x7x7x32xf32>
  %w3 = "tosa.const"() <{values = )mlir" +
         denseWeights(32 * 3 * 3 * 16) +
         R"mlir( : tensor<32x3x3x16xf32>}> : () -> tensor<32x3x3x16xf32>
  %c3 = tosa.conv2d %x3, %w3, %b2, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<2x8x8x16xf32>, tensor<32x3x3x16xf32>, tensor<32xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x8x8x32xf32>
  %o3 = tosa.clamp %c3 {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<2x8x8x32xf32>) -> tensor<2x8x8x32xf32>
  return %o, %c2, %o3 : tensor<1x9x9x48xf32>, tensor<1x7x7x32xf32>, tensor<2x8x8x32xf32>
}
)mlir";
}

/// A classifier the microkernels take as a 1x1 convolution: 3 rows, 70
/// inputs (unrolled by 2), 37 classes (padded with zero columns to whole
/// filter blocks), then the bias.
std::string classifierSource() {
  return R"mlir(
func.func @forward(%x: tensor<3x70xf32>) -> tensor<3x37xf32> {
  %s = tosa.const_shape {values = dense<[1, 3, 70]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f = tosa.reshape %x, %s : (tensor<3x70xf32>, !tosa.shape<3>) -> tensor<1x3x70xf32>
  %w = "tosa.const"() <{values = )mlir" +
         denseWeights(70 * 37) +
         R"mlir( : tensor<1x70x37xf32>}> : () -> tensor<1x70x37xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %mm = tosa.matmul %f, %w, %zp, %zp : (tensor<1x3x70xf32>, tensor<1x70x37xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x37xf32>
  %b = "tosa.const"() <{values = )mlir" +
         denseWeights(37) +
         R"mlir( : tensor<1x1x37xf32>}> : () -> tensor<1x1x37xf32>
  %a = tosa.add %mm, %b : (tensor<1x3x37xf32>, tensor<1x1x37xf32>) -> tensor<1x3x37xf32>
  %s2 = tosa.const_shape {values = dense<[3, 37]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %o = tosa.reshape %a, %s2 : (tensor<1x3x37xf32>, !tosa.shape<2>) -> tensor<3x37xf32>
  return %o : tensor<3x37xf32>
}
)mlir";
}

/// A 3x3 convolution with stride 1 large enough that Winograd runs in
/// chunks of tiles (784 tiles of 64 + 64 channels: 6.4 MB of transformed
/// tiles and products), with bias and ReLU; with threads, each thread takes
/// whole chunks with its own buffers. Winograd's transforms over 576 terms
/// of up to 2 in magnitude leave errors of ~1.5e-5 relative to 1 + |y|.
std::string chunkedWinogradSource() {
  return R"mlir(
func.func @forward(%x: tensor<1x56x56x64xf32>) -> tensor<1x56x56x64xf32> {
  %w = "tosa.const"() <{values = )mlir" +
         denseWeights(64 * 3 * 3 * 64) +
         R"mlir( : tensor<64x3x3x64xf32>}> : () -> tensor<64x3x3x64xf32>
  %b = "tosa.const"() <{values = )mlir" +
         denseWeights(64) + R"mlir( : tensor<64xf32>}> : () -> tensor<64xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x56x56x64xf32>, tensor<64x3x3x64xf32>, tensor<64xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x56x56x64xf32>
  %o = tosa.clamp %c {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x56x56x64xf32>) -> tensor<1x56x56x64xf32>
  return %o : tensor<1x56x56x64xf32>
}
)mlir";
}

/// Winograd on an output of odd sides (5 x 7: 3 x 4 tiles, the last row
/// and column of tiles half outside, reading zeros past the padded input
/// and writing only the outputs inside), with the residual add and ReLU.
std::string oddWinogradSource() {
  return R"mlir(
func.func @forward(%x: tensor<1x5x7x32xf32>, %r: tensor<1x5x7x32xf32>) -> tensor<1x5x7x32xf32> {
  %w = "tosa.const"() <{values = )mlir" +
         denseWeights(32 * 3 * 3 * 32) +
         R"mlir( : tensor<32x3x3x32xf32>}> : () -> tensor<32x3x3x32xf32>
  %b = "tosa.const"() <{values = )mlir" +
         denseWeights(32) + R"mlir( : tensor<32xf32>}> : () -> tensor<32xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x5x7x32xf32>, tensor<32x3x3x32xf32>, tensor<32xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x5x7x32xf32>
  %a = tosa.add %c, %r : (tensor<1x5x7x32xf32>, tensor<1x5x7x32xf32>) -> tensor<1x5x7x32xf32>
  %o = tosa.clamp %a {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x5x7x32xf32>) -> tensor<1x5x7x32xf32>
  return %o : tensor<1x5x7x32xf32>
}
)mlir";
}

/// Grouped convolutions (the zoo's ResNeXt form) the microkernels take:
/// groups of 4 and 8 channels (narrower than an AVX-512 vector: shuffled
/// across the lanes of each group), the first with the bias and ReLU after
/// it, groups of 16 channels with stride 2 (one group per filter block),
/// one group of 32 output channels (3x3, stride 1: not Winograd, whose
/// filter transform reads another layout), and RegNetY-1.6GF's groups of 24
/// channels (three 8-lane registers per block with AVX-512 and AVX2; 100
/// positions: tiles of 9 and a last tile of 1 with AVX-512).
std::string groupedSource() {
  return R"mlir(
func.func @forward(%x: tensor<1x10x10x64xf32>, %y: tensor<1x6x6x32xf32>, %z: tensor<1x9x9x64xf32>, %u: tensor<1x10x10x16xf32>, %v: tensor<1x12x12x48xf32>) -> (tensor<1x8x8x64xf32>, tensor<1x4x4x32xf32>, tensor<1x4x4x64xf32>, tensor<1x8x8x32xf32>, tensor<1x10x10x48xf32>) {
  %zero = arith.constant 0.0 : f32
  %xe = tensor.expand_shape %x [[0], [1], [2], [3, 4]] output_shape [1, 10, 10, 16, 4] : tensor<1x10x10x64xf32> into tensor<1x10x10x16x4xf32>
  %wx = "tosa.const"() <{values = )mlir" +
         denseWeights(16 * 4 * 3 * 3 * 4) +
         R"mlir( : tensor<16x4x3x3x4xf32>}> : () -> tensor<16x4x3x3x4xf32>
  %ex = tensor.empty() : tensor<1x8x8x16x4xf32>
  %fx = linalg.fill ins(%zero : f32) outs(%ex : tensor<1x8x8x16x4xf32>) -> tensor<1x8x8x16x4xf32>
  %cx = linalg.conv_2d_nhwgc_gfhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xe, %wx : tensor<1x10x10x16x4xf32>, tensor<16x4x3x3x4xf32>) outs(%fx : tensor<1x8x8x16x4xf32>) -> tensor<1x8x8x16x4xf32>
  %rx = tensor.collapse_shape %cx [[0], [1], [2], [3, 4]] : tensor<1x8x8x16x4xf32> into tensor<1x8x8x64xf32>
  %bx = "tosa.const"() <{values = )mlir" +
         denseWeights(64) +
         R"mlir( : tensor<1x1x1x64xf32>}> : () -> tensor<1x1x1x64xf32>
  %ax = tosa.add %rx, %bx : (tensor<1x8x8x64xf32>, tensor<1x1x1x64xf32>) -> tensor<1x8x8x64xf32>
  %ox = tosa.clamp %ax {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x8x8x64xf32>) -> tensor<1x8x8x64xf32>
  %ye = tensor.expand_shape %y [[0], [1], [2], [3, 4]] output_shape [1, 6, 6, 4, 8] : tensor<1x6x6x32xf32> into tensor<1x6x6x4x8xf32>
  %wy = "tosa.const"() <{values = )mlir" +
         denseWeights(4 * 8 * 3 * 3 * 8) +
         R"mlir( : tensor<4x8x3x3x8xf32>}> : () -> tensor<4x8x3x3x8xf32>
  %ey = tensor.empty() : tensor<1x4x4x4x8xf32>
  %fy = linalg.fill ins(%zero : f32) outs(%ey : tensor<1x4x4x4x8xf32>) -> tensor<1x4x4x4x8xf32>
  %cy = linalg.conv_2d_nhwgc_gfhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%ye, %wy : tensor<1x6x6x4x8xf32>, tensor<4x8x3x3x8xf32>) outs(%fy : tensor<1x4x4x4x8xf32>) -> tensor<1x4x4x4x8xf32>
  %ry = tensor.collapse_shape %cy [[0], [1], [2], [3, 4]] : tensor<1x4x4x4x8xf32> into tensor<1x4x4x32xf32>
  %ze = tensor.expand_shape %z [[0], [1], [2], [3, 4]] output_shape [1, 9, 9, 4, 16] : tensor<1x9x9x64xf32> into tensor<1x9x9x4x16xf32>
  %wz = "tosa.const"() <{values = )mlir" +
         denseWeights(4 * 16 * 3 * 3 * 16) +
         R"mlir( : tensor<4x16x3x3x16xf32>}> : () -> tensor<4x16x3x3x16xf32>
  %ez = tensor.empty() : tensor<1x4x4x4x16xf32>
  %fz = linalg.fill ins(%zero : f32) outs(%ez : tensor<1x4x4x4x16xf32>) -> tensor<1x4x4x4x16xf32>
  %cz = linalg.conv_2d_nhwgc_gfhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%ze, %wz : tensor<1x9x9x4x16xf32>, tensor<4x16x3x3x16xf32>) outs(%fz : tensor<1x4x4x4x16xf32>) -> tensor<1x4x4x4x16xf32>
  %rz = tensor.collapse_shape %cz [[0], [1], [2], [3, 4]] : tensor<1x4x4x4x16xf32> into tensor<1x4x4x64xf32>
  %ue = tensor.expand_shape %u [[0], [1], [2], [3, 4]] output_shape [1, 10, 10, 1, 16] : tensor<1x10x10x16xf32> into tensor<1x10x10x1x16xf32>
  %wu = "tosa.const"() <{values = )mlir" +
         denseWeights(32 * 3 * 3 * 16) +
         R"mlir( : tensor<1x32x3x3x16xf32>}> : () -> tensor<1x32x3x3x16xf32>
  %eu = tensor.empty() : tensor<1x8x8x1x32xf32>
  %fu = linalg.fill ins(%zero : f32) outs(%eu : tensor<1x8x8x1x32xf32>) -> tensor<1x8x8x1x32xf32>
  %cu = linalg.conv_2d_nhwgc_gfhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%ue, %wu : tensor<1x10x10x1x16xf32>, tensor<1x32x3x3x16xf32>) outs(%fu : tensor<1x8x8x1x32xf32>) -> tensor<1x8x8x1x32xf32>
  %ru = tensor.collapse_shape %cu [[0], [1], [2], [3, 4]] : tensor<1x8x8x1x32xf32> into tensor<1x8x8x32xf32>
  %ve = tensor.expand_shape %v [[0], [1], [2], [3, 4]] output_shape [1, 12, 12, 2, 24] : tensor<1x12x12x48xf32> into tensor<1x12x12x2x24xf32>
  %wv = "tosa.const"() <{values = )mlir" +
         denseWeights(2 * 24 * 3 * 3 * 24) +
         R"mlir( : tensor<2x24x3x3x24xf32>}> : () -> tensor<2x24x3x3x24xf32>
  %ev = tensor.empty() : tensor<1x10x10x2x24xf32>
  %fv = linalg.fill ins(%zero : f32) outs(%ev : tensor<1x10x10x2x24xf32>) -> tensor<1x10x10x2x24xf32>
  %cv = linalg.conv_2d_nhwgc_gfhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%ve, %wv : tensor<1x12x12x2x24xf32>, tensor<2x24x3x3x24xf32>) outs(%fv : tensor<1x10x10x2x24xf32>) -> tensor<1x10x10x2x24xf32>
  %rv = tensor.collapse_shape %cv [[0], [1], [2], [3, 4]] : tensor<1x10x10x2x24xf32> into tensor<1x10x10x48xf32>
  return %ox, %ry, %rz, %ru, %rv : tensor<1x8x8x64xf32>, tensor<1x4x4x32xf32>, tensor<1x4x4x64xf32>, tensor<1x8x8x32xf32>, tensor<1x10x10x48xf32>
}
)mlir";
}

/// Depthwise convolutions (MobileNet's) the microkernels take as groups of
/// one channel: 32 channels with padding, the bias and ReLU6 fused, and 48
/// channels with stride 2.
std::string depthwiseSource() {
  return R"mlir(
func.func @forward(%x: tensor<1x9x9x32xf32>, %y: tensor<1x9x9x48xf32>) -> (tensor<1x9x9x32xf32>, tensor<1x4x4x48xf32>) {
  %w = "tosa.const"() <{values = )mlir" +
         denseWeights(3 * 3 * 32) +
         R"mlir( : tensor<3x3x32x1xf32>}> : () -> tensor<3x3x32x1xf32>
  %b = "tosa.const"() <{values = )mlir" +
         denseWeights(32) + R"mlir( : tensor<32xf32>}> : () -> tensor<32xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.depthwise_conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x9x9x32xf32>, tensor<3x3x32x1xf32>, tensor<32xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x9x9x32xf32>
  %o = tosa.clamp %c {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x9x9x32xf32>) -> tensor<1x9x9x32xf32>
  %w2 = "tosa.const"() <{values = )mlir" +
         denseWeights(3 * 3 * 48) +
         R"mlir( : tensor<3x3x48x1xf32>}> : () -> tensor<3x3x48x1xf32>
  %b2 = "tosa.const"() <{values = )mlir" +
         denseWeights(48) + R"mlir( : tensor<48xf32>}> : () -> tensor<48xf32>
  %c2 = tosa.depthwise_conv2d %y, %w2, %b2, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x9x9x48xf32>, tensor<3x3x48x1xf32>, tensor<48xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x48xf32>
  return %o, %c2 : tensor<1x9x9x32xf32>, tensor<1x4x4x48xf32>
}
)mlir";
}

class LayerNumerics : public ::testing::TestWithParam<LayerCase> {};

TEST_P(LayerNumerics, MatchesGraphReference) {
  const LayerCase &layer = GetParam();
  std::string error;
  auto compiled = CompiledModule::compile(
      [&](MLIRContext *context) {
        return parseSourceString<ModuleOp>(layer.source.c_str(), context);
      },
      "workspace=true " + layer.pipeline, error);
  ASSERT_TRUE(compiled) << error;
  auto forward = compiled->graph().lookupSymbol<func::FuncOp>("forward");
  ASSERT_TRUE(forward);

  std::mt19937 rng(11);
  std::uniform_real_distribution<float> dist(-4.0f, 4.0f);
  std::vector<std::vector<float>> buffers;
  std::vector<::se::reference::Tensor> inputs;
  for (Type type : forward.getArgumentTypes()) {
    auto shape = cast<ShapedType>(type).getShape();
    std::vector<float> &data =
        buffers.emplace_back(cast<ShapedType>(type).getNumElements());
    for (float &v : data)
      v = dist(rng);
    inputs.push_back(
        {{shape.begin(), shape.end()}, {data.begin(), data.end()}});
  }
  for (Type type : forward.getResultTypes())
    buffers.emplace_back(cast<ShapedType>(type).getNumElements(),
                         std::nanf(""));
  ASSERT_TRUE(compiled->callGraph("forward", buffers, error)) << error;

  std::vector<::se::reference::Tensor> want =
      ::se::reference::runGraph(forward, inputs, error);
  ASSERT_EQ(want.size(), forward.getNumResults()) << error;
  for (size_t r = 0; r < want.size(); ++r) {
    const std::vector<float> &got = buffers[inputs.size() + r];
    ASSERT_EQ(got.size(), want[r].data.size());
    double worst = 0.0;
    for (size_t i = 0; i < got.size(); ++i) {
      double err = std::fabs(got[i] - want[r].data[i]) /
                   (1.0 + std::fabs(want[r].data[i]));
      worst = std::isnan(err) ? INFINITY : std::max(worst, err);
    }
    EXPECT_LE(worst, layer.tolerance) << layer.name << " result " << r;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Tosa, LayerNumerics,
    ::testing::Values(
        LayerCase{"act", kAct}, LayerCase{"dw", kDw}, LayerCase{"pool", kPool},
        LayerCase{"softmax", kSoftmax}, LayerCase{"fc", kFc},
        LayerCase{"conv", kConv},
        LayerCase{"conv_epilogue", convEpilogueSource()},
        LayerCase{"conv_epilogue_avx2", convEpilogueSource(), "cpu=haswell"},
        LayerCase{"conv_epilogue_direct", convEpilogueSource(),
                  "conv-codegen=direct"},
        LayerCase{"conv_epilogue_tiled", convEpilogueSource(),
                  "conv-codegen=tiled"},
        LayerCase{"winograd_chunked", chunkedWinogradSource(), "", 5e-5},
        LayerCase{"winograd_chunked_threads", chunkedWinogradSource(),
                  "threads=2", 5e-5},
        LayerCase{"winograd_chunked_threads_avx2", chunkedWinogradSource(),
                  "cpu=haswell threads=2", 5e-5},
        LayerCase{"winograd_odd", oddWinogradSource(), "", 5e-5},
        LayerCase{"winograd_odd_avx2", oddWinogradSource(), "cpu=haswell",
                  5e-5},
        LayerCase{"classifier", classifierSource()},
        LayerCase{"classifier_avx2", classifierSource(), "cpu=haswell"},
        LayerCase{"grouped", groupedSource()},
        LayerCase{"grouped_avx2", groupedSource(), "cpu=haswell"},
        LayerCase{"grouped_tiled", groupedSource(), "conv-codegen=tiled"},
        LayerCase{"depthwise", depthwiseSource()},
        LayerCase{"depthwise_avx2", depthwiseSource(), "cpu=haswell"},
        LayerCase{"depthwise_tiled", depthwiseSource(), "conv-codegen=tiled"}),
    [](const ::testing::TestParamInfo<LayerCase> &info) {
      return std::string(info.param.name);
    });

} // namespace
