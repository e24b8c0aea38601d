//===- SENumericsTest.cpp - compiled SE blocks against the C++ reference --===//
//
// Every variant of se.squeeze_excite is compiled through se-cpu-pipeline,
// run, and compared with the double-precision reference. Tolerance: every
// element within 1e-5 * (1 + |reference|), i.e. 1e-5 relative for values
// above 1 and 1e-5 absolute below.
//
//===----------------------------------------------------------------------===//

#include "Codegen/SEJit.h"

#include "gtest/gtest.h"

#include <cstring>
#include <tuple>

using namespace se;
using namespace se::testing;
using reference::Block;

static constexpr double kTolerance = 1e-5;

namespace {

/// All knob combinations for one layout and squeeze kind: excitation (with
/// inner activation and bias) x gate x epilogue.
std::vector<Block> variantMatrix(reference::Layout layout,
                                 reference::Squeeze squeeze, Block shape) {
  struct Excite {
    reference::Excitation kind;
    reference::InnerAct act;
    bool bias;
  };
  std::vector<Excite> excitations;
  for (bool bias : {false, true}) {
    for (auto act : {reference::InnerAct::ReLU, reference::InnerAct::SiLU,
                     reference::InnerAct::HardSwish})
      excitations.push_back({reference::Excitation::TwoFC, act, bias});
    excitations.push_back(
        {reference::Excitation::OneFC, reference::InnerAct::ReLU, bias});
  }
  excitations.push_back(
      {reference::Excitation::Conv1D, reference::InnerAct::ReLU, false});

  std::vector<Block> blocks;
  for (const Excite &e : excitations)
    for (auto gate : {reference::Gate::Sigmoid, reference::Gate::HardSigmoid,
                      reference::Gate::Tanh, reference::Gate::ReLU})
      for (int epilogue = 0; epilogue < 3; ++epilogue) {
        Block b = shape;
        b.layout = layout;
        b.squeeze = squeeze;
        b.excitation = e.kind;
        b.innerAct = e.act;
        b.bias = e.bias;
        b.gate = gate;
        b.residual = epilogue > 0;
        b.postRelu = epilogue == 2;
        if (e.kind == reference::Excitation::Conv1D)
          b.hidden = 3;
        blocks.push_back(b);
      }
  return blocks;
}

Block shaped(int64_t n, int64_t c, int64_t h, int64_t w, int64_t hidden) {
  Block b;
  b.n = n;
  b.c = c;
  b.h = h;
  b.w = w;
  b.hidden = hidden;
  return b;
}

/// One module holding function `se<i>` for each of `blocks`.
std::string moduleSource(const std::vector<Block> &blocks) {
  std::string source;
  for (size_t i = 0; i < blocks.size(); ++i)
    source += blockToMLIR(blocks[i], "se" + std::to_string(i));
  return source;
}

/// Compiles all `blocks` as one module, runs each and compares it with the
/// reference.
void checkBlocks(const std::vector<Block> &blocks,
                 const std::string &pipelineOptions = "") {
  std::string error;
  auto compiled =
      CompiledModule::compile(moduleSource(blocks), pipelineOptions, error);
  ASSERT_TRUE(compiled) << error;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const Block &b = blocks[i];
    reference::Tensors tensors = makeTensors(b, /*seed=*/1234 + i);
    std::vector<float> got =
        compiled->run("se" + std::to_string(i), b, tensors, error);
    ASSERT_FALSE(got.empty()) << error;
    double err = maxScaledError(got, reference::run(b, tensors));
    EXPECT_LE(err, kTolerance) << describe(b);
  }
}

class SEVariantMatrix : public ::testing::TestWithParam<
                            std::tuple<reference::Layout, reference::Squeeze>> {
};

/// The full variant matrix on a small odd shape: neither C = 72 nor
/// H x W = 81 is a multiple of the 64-wide innermost tile, so the innermost
/// tile loops end in a peeled partial tile in both layouts; batch 2.
TEST_P(SEVariantMatrix, MatchesReference) {
  auto [layout, squeeze] = GetParam();
  checkBlocks(variantMatrix(layout, squeeze, shaped(2, 72, 9, 9, 18)));
}

INSTANTIATE_TEST_SUITE_P(
    AllVariants, SEVariantMatrix,
    ::testing::Combine(
        ::testing::Values(reference::Layout::NCHW, reference::Layout::NHWC),
        ::testing::Values(reference::Squeeze::Avg, reference::Squeeze::Max,
                          reference::Squeeze::AvgMax)));

struct ShapeCase {
  int64_t n, c, h, w, hidden;
};

class SEShapes : public ::testing::TestWithParam<ShapeCase> {};

/// Odd and large shapes, each with a rotating selection of variants in both
/// layouts.
TEST_P(SEShapes, MatchesReference) {
  ShapeCase s = GetParam();
  Block shape = shaped(s.n, s.c, s.h, s.w, s.hidden);
  std::vector<Block> blocks;
  for (auto layout : {reference::Layout::NCHW, reference::Layout::NHWC}) {
    std::vector<Block> all =
        variantMatrix(layout, reference::Squeeze::AvgMax, shape);
    std::vector<Block> avg =
        variantMatrix(layout, reference::Squeeze::Avg, shape);
    // The default SE-ResNet block, its fused residual form, and a spread of
    // the others.
    blocks.push_back(avg[0]);
    blocks.push_back(avg[2]);
    for (size_t i = 5; i < all.size(); i += 23)
      blocks.push_back(all[i]);
  }
  checkBlocks(blocks);
}

INSTANTIATE_TEST_SUITE_P(
    OddAndLarge, SEShapes,
    ::testing::Values(ShapeCase{1, 3, 7, 7, 1}, ShapeCase{4, 3, 1, 1, 2},
                      ShapeCase{1, 1, 1, 1, 1}, ShapeCase{1, 1000, 7, 7, 62},
                      ShapeCase{4, 64, 56, 56, 4},
                      ShapeCase{1, 32, 112, 112, 8},
                      ShapeCase{1, 2048, 7, 7, 128},
                      ShapeCase{4, 17, 13, 11, 5}),
    [](const ::testing::TestParamInfo<ShapeCase> &info) {
      const ShapeCase &s = info.param;
      return "N" + std::to_string(s.n) + "C" + std::to_string(s.c) + "H" +
             std::to_string(s.h) + "W" + std::to_string(s.w);
    });

/// Code for two threads (OpenMP over the outermost parallel tile loops)
/// matches the reference, and matches the serial code bit for bit: each tile
/// is computed the same way whichever thread runs it.
TEST(SEThreads, MatchesReferenceAndSerialCode) {
  std::vector<Block> blocks;
  for (auto layout : {reference::Layout::NCHW, reference::Layout::NHWC}) {
    std::vector<Block> all = variantMatrix(layout, reference::Squeeze::AvgMax,
                                           shaped(2, 96, 23, 23, 24));
    for (size_t i = 0; i < all.size(); i += 7)
      blocks.push_back(all[i]);
  }
  std::string source = moduleSource(blocks), error;
  auto serial = CompiledModule::compile(source, "threads=1", error);
  ASSERT_TRUE(serial) << error;
  auto parallel = CompiledModule::compile(source, "threads=2", error);
  ASSERT_TRUE(parallel) << error;
  for (size_t i = 0; i < blocks.size(); ++i) {
    reference::Tensors tensors = makeTensors(blocks[i], /*seed=*/99 + i);
    std::string name = "se" + std::to_string(i);
    std::vector<float> one = serial->run(name, blocks[i], tensors, error);
    std::vector<float> two = parallel->run(name, blocks[i], tensors, error);
    ASSERT_EQ(one.size(), two.size()) << error;
    EXPECT_LE(maxScaledError(two, reference::run(blocks[i], tensors)),
              kTolerance)
        << describe(blocks[i]);
    EXPECT_EQ(0, std::memcmp(one.data(), two.data(), one.size() * 4))
        << describe(blocks[i]);
  }
}

/// Tile-size overrides change the code, never the numbers.
TEST(SETileOverrides, MatchesReference) {
  std::vector<Block> blocks =
      variantMatrix(reference::Layout::NHWC, reference::Squeeze::AvgMax,
                    shaped(1, 40, 9, 9, 10));
  blocks.resize(12);
  for (const char *tiles :
       {"tile-sizes=1,3,5", "tile-sizes=7", "tile-sizes=1,1,1"})
    checkBlocks(blocks, tiles);
}

} // namespace
