//===- KernelConfigTest.cpp - GPU block and tile choices from sizes -------===//

#include "se/Codegen/GPU/KernelConfig.h"

#include "gtest/gtest.h"

using namespace mlir::se;

// An H200 has 132 multiprocessors: a kernel wants 264 blocks or more.
static constexpr int64_t kH200 = 132;

TEST(SelectConvTile, LargeConvolutionsTakeEightByEightSubTiles) {
  // SE-ResNet-50's stage-1 1x1 (64 -> 256) at batch 32: 100352 positions,
  // 784 x 2 blocks of 128 x 128.
  ConvTileConfig config = selectConvTile(32 * 56 * 56, 256, kH200);
  EXPECT_EQ(config.subTile, 8);
  EXPECT_EQ(config.edge(), 128);
  EXPECT_EQ(config.depth(), 8);
}

TEST(SelectConvTile, NarrowOutputsTakeSmallerSubTiles) {
  // 64 filters are narrower than a 128-wide tile: 64-wide tiles of 4 x 4.
  EXPECT_EQ(selectConvTile(32 * 56 * 56, 64, kH200).subTile, 4);
  // 10 classes divide neither by 8 nor by 4.
  EXPECT_EQ(selectConvTile(4096, 10, kH200).subTile, 2);
}

TEST(SelectConvTile, SmallGridsKeepEveryMultiprocessorBusy) {
  // Stage 4 at batch 1 (49 positions, 512 filters): 4 blocks of 128 or 8 of
  // 64 would leave most multiprocessors idle: 2 x 2 sub-tiles, 32-wide
  // tiles.
  EXPECT_EQ(selectConvTile(49, 512, kH200).subTile, 2);
  // The same on a GPU with 2 multiprocessors takes the largest.
  EXPECT_EQ(selectConvTile(49, 512, 2).subTile, 8);
}

TEST(SelectReductionConfig, LanesOverOutputsGrowRowsWhenBlocksAreFew) {
  // The squeeze of 32 x 256 channels: 256 blocks of 32 outputs are fewer
  // than 264, so 32 warps split each output's reduction.
  ReductionConfig few = selectReductionConfig(32 * 256, false, kH200);
  EXPECT_EQ(few.rows, 32);
  EXPECT_EQ(few.threads(), 1024);
  EXPECT_EQ(few.outputsPerBlock(), 32);
  EXPECT_EQ(few.slices(), 32);
  ReductionConfig many = selectReductionConfig(1 << 20, false, kH200);
  EXPECT_EQ(many.rows, 8);
  EXPECT_EQ(many.slices(), 8);
}

TEST(SelectReductionConfig, LanesOverTheReductionTakeEightOutputs) {
  // FC rows: each warp's lanes split one output's dot product.
  ReductionConfig config = selectReductionConfig(256, true, kH200);
  EXPECT_EQ(config.rows, 8);
  EXPECT_EQ(config.outputsPerBlock(), 8);
  EXPECT_EQ(config.slices(), 32);
  EXPECT_EQ(config.threads(), 256);
}
