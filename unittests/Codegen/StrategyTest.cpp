//===- StrategyTest.cpp - tile sizes and blocking chosen from shapes ------===//

#include "se/Codegen/CPU/Strategy.h"
#include "se/InitAll.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::se;

TEST(PickTileSize, WholeRangeWhenItFits) {
  EXPECT_EQ(pickTileSize(49, 64, 16), 49);
  EXPECT_EQ(pickTileSize(1, 64, 16), 1);
}

TEST(PickTileSize, PrefersDividingMultiplesOfTheVectorWidth) {
  EXPECT_EQ(pickTileSize(3136, 64, 16), 64); // 56 x 56 = 49 x 64
  EXPECT_EQ(pickTileSize(784, 64, 16), 16);  // 28 x 28 = 49 x 16
  EXPECT_EQ(pickTileSize(96, 64, 16), 48);
  EXPECT_EQ(pickTileSize(256, 4, 1), 4);
}

TEST(PickTileSize, PartialTileWhenNothingDivides) {
  EXPECT_EQ(pickTileSize(1000, 64, 16), 64); // 15 tiles and a rest of 40
  EXPECT_EQ(pickTileSize(97, 8, 8), 8);
  EXPECT_EQ(pickTileSize(529, 5, 1), 1); // 23 x 23
}

namespace {
/// Parses `source` and returns the tiling plans of its linalg ops in order.
std::vector<TilingPlan> plansOf(const char *source, int64_t vectorWidth) {
  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext context(registry);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &context);
  EXPECT_TRUE(module);
  std::vector<TilingPlan> plans;
  if (module)
    module->walk([&](linalg::LinalgOp op) {
      plans.push_back(selectTilingPlan(op, vectorWidth));
    });
  return plans;
}
} // namespace

TEST(SelectTilingPlan, FeatureMapTilesFillSixteenRegisters) {
  // The NCHW scale of a 56 x 56 stage: 4 channels x 64 positions with
  // AVX-512 (16 registers of 16 lanes); with AVX2 (8 lanes), 4 channels x
  // 32.
  const char *source = R"mlir(
    func.func @f(%x: tensor<1x256x3136xf32>, %y: tensor<1x256x3136xf32>) -> tensor<1x256x3136xf32> {
      %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>],
                           iterator_types = ["parallel", "parallel", "parallel"]}
          ins(%x : tensor<1x256x3136xf32>) outs(%y : tensor<1x256x3136xf32>) {
      ^bb0(%a: f32, %b: f32):
        linalg.yield %a : f32
      } -> tensor<1x256x3136xf32>
      return %0 : tensor<1x256x3136xf32>
    })mlir";
  std::vector<TilingPlan> avx512 = plansOf(source, 16);
  ASSERT_EQ(avx512.size(), 1u);
  EXPECT_EQ(avx512[0].tileSizes, (SmallVector<int64_t>{0, 4, 64}));
  EXPECT_EQ(avx512[0].vectorSizes, (SmallVector<int64_t>{1, 4, 64}));
  std::vector<TilingPlan> avx2 = plansOf(source, 8);
  ASSERT_EQ(avx2.size(), 1u);
  EXPECT_EQ(avx2[0].tileSizes, (SmallVector<int64_t>{0, 4, 32}));
}

TEST(SelectTilingPlan, ShortRowsAreTakenWhole) {
  // 14 x 14 = 196 positions per channel fit one tile's budget: one whole
  // row per tile instead of three tiles of 64 and a rest of 4.
  const char *source = R"mlir(
    func.func @f(%x: tensor<1x1024x196xf32>, %y: tensor<1x1024xf32>) -> tensor<1x1024xf32> {
      %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>],
                           iterator_types = ["parallel", "parallel", "reduction"]}
          ins(%x : tensor<1x1024x196xf32>) outs(%y : tensor<1x1024xf32>) {
      ^bb0(%a: f32, %b: f32):
        %s = arith.addf %a, %b : f32
        linalg.yield %s : f32
      } -> tensor<1x1024xf32>
      return %0 : tensor<1x1024xf32>
    })mlir";
  std::vector<TilingPlan> plans = plansOf(source, 16);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].tileSizes, (SmallVector<int64_t>{0, 1, 0}));
  EXPECT_EQ(plans[0].vectorSizes, (SmallVector<int64_t>{1, 1, 196}));
}

namespace {
/// An ungrouped convolution of `channels` -> `filters` channels on an
/// `h` x `w` output with a `k` x `k` filter.
ConvShape convShape(int64_t channels, int64_t filters, int64_t h, int64_t w,
                    int64_t k = 3, int64_t stride = 1, int64_t groups = 1) {
  return ConvShape{1,       h * stride, w * stride, channels, h,      w,
                   filters, k,          k,          stride,   stride, groups};
}
} // namespace

TEST(PlanMicrokernel, ResNetStageOneWithAVX512) {
  // 64 filters are 4 registers of 16 lanes: blocks of 2 registers, 14
  // positions (28 accumulators + 2 filter vectors + 1 broadcast of the 32
  // registers), and 14 divides the 56 x 56 positions.
  std::optional<MicrokernelPlan> plan =
      planMicrokernel(convShape(64, 64, 56, 56), 16);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->registers, 2);
  EXPECT_EQ(plan->blockWidth(), 32);
  EXPECT_EQ(plan->positions, 14);
  EXPECT_EQ(plan->channelUnroll, 4);
  EXPECT_FALSE(plan->groupShuffle);
  EXPECT_FALSE(plan->filterBlocksOutermost); // 144 KiB of filter
}

TEST(PlanMicrokernel, SixteenRegistersOfAVX2HoldSixByTwo) {
  // 12 accumulators + 2 filter vectors + 1 broadcast of 16 registers; no
  // tile from 5 to 6 positions divides 3136, so 6 and a narrower rest.
  std::optional<MicrokernelPlan> plan =
      planMicrokernel(convShape(64, 64, 56, 56), 8);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->registers, 2);
  EXPECT_EQ(plan->positions, 6);
}

TEST(PlanMicrokernel, TilesAvoidInputsSharingOneL1Set) {
  // 1024 channels are 4 KiB per pixel: every position of a tile reads the
  // same L1 set, which holds 8 lines. 8 positions would fit; 7 divides the
  // 14 x 14 positions.
  EXPECT_EQ(planMicrokernel(convShape(1024, 256, 14, 14, 1), 16)->positions, 7);
  // 512 channels at stride 2: 4 KiB between the pixels a row of the tile
  // reads, the next row 28 pixels on (also a multiple of 4 KiB).
  EXPECT_EQ(planMicrokernel(convShape(512, 1024, 14, 14, 1, 2), 16)->positions,
            7);
  // At stride 1, 512 channels put 7 of 14 positions in each of two sets.
  EXPECT_EQ(planMicrokernel(convShape(512, 512, 14, 14, 1), 16)->positions, 14);
  // AVX2's 6 positions fit any set.
  EXPECT_EQ(planMicrokernel(convShape(1024, 256, 14, 14, 1), 8)->positions, 6);
}

TEST(PlanMicrokernel, TileWidthDividesThePositionsWhenNearlyAsWide) {
  // 7 x 7 = 49 positions: no tile from 11 to 14 divides them, so 14 and a
  // rest of 7.
  EXPECT_EQ(planMicrokernel(convShape(512, 512, 7, 7), 16)->positions, 14);
  // 12 x 12 = 144 = 12 x 12: 12 divides, and is at least 3/4 of 14.
  EXPECT_EQ(planMicrokernel(convShape(64, 64, 12, 12), 16)->positions, 12);
  // One position (the classifier as a 1x1 convolution).
  EXPECT_EQ(planMicrokernel(convShape(2048, 1024, 1, 1, 1), 16)->positions, 1);
}

TEST(PlanMicrokernel, OddRegisterCountsTakeOneRegisterBlocks) {
  std::optional<MicrokernelPlan> plan =
      planMicrokernel(convShape(48, 48, 28, 28), 16); // 3 registers
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->registers, 1);
  EXPECT_EQ(plan->positions, 14);
}

TEST(PlanMicrokernel, OnePositionTakesManyIndependentAccumulators) {
  // A matrix-vector product: with one position a block of 2 registers
  // would chain every FMA on 2 accumulators, so a block takes up to 12
  // registers (8 with AVX2), a divisor of the filter vectors.
  std::optional<MicrokernelPlan> plan =
      planMicrokernel(convShape(1280, 1024, 1, 1, 1), 16); // 64 vectors
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->positions, 1);
  EXPECT_EQ(plan->registers, 8);
  EXPECT_EQ(planMicrokernel(convShape(672, 176, 1, 1, 1), 16)->registers, 11);
  EXPECT_EQ(planMicrokernel(convShape(168, 672, 1, 1, 1), 16)->registers, 7);
  EXPECT_EQ(planMicrokernel(convShape(672, 168, 1, 1, 1), 8)->registers, 7);
  // No divisor from 6 to 12: the usual blocks.
  EXPECT_EQ(planMicrokernel(convShape(64, 13 * 16, 1, 1, 1), 16)->registers, 1);
}

TEST(PaddedMatrixVectorColumns, FewestZeroColumnsInWholeBlocks) {
  VectorRegisters avx512 = vectorRegistersFor(16), avx2 = vectorRegistersFor(8);
  EXPECT_EQ(paddedMatrixVectorColumns(168, avx512), 176);   // 11 registers
  EXPECT_EQ(paddedMatrixVectorColumns(672, avx512), 672);   // 6 blocks of 7
  EXPECT_EQ(paddedMatrixVectorColumns(1000, avx512), 1008); // 7 of 9
  EXPECT_EQ(paddedMatrixVectorColumns(240, avx512), 256);   // 2 of 8
  EXPECT_EQ(paddedMatrixVectorColumns(40, avx2), 40);       // 1 of 5
  EXPECT_EQ(paddedMatrixVectorColumns(168, avx2), 168);     // 3 of 7
  EXPECT_EQ(paddedMatrixVectorColumns(13 * 16, avx512), 14 * 16); // 2 of 7
}

TEST(PlanMicrokernel, InputChannelUnroll) {
  EXPECT_EQ(
      planMicrokernel(convShape(3, 64, 112, 112, 7, 2), 16)->channelUnroll,
      3); // the stem
  EXPECT_EQ(planMicrokernel(convShape(6, 64, 8, 8), 16)->channelUnroll, 2);
  EXPECT_EQ(planMicrokernel(convShape(7, 64, 8, 8), 16)->channelUnroll, 1);
}

TEST(PlanMicrokernel, LargeFiltersAreWalkedBlockByBlock) {
  // 3 x 3 x 512 x 512 floats are 9 MiB, more than kResidentFilterBytes.
  EXPECT_TRUE(
      planMicrokernel(convShape(512, 512, 7, 7), 16)->filterBlocksOutermost);
  EXPECT_FALSE(
      planMicrokernel(convShape(128, 128, 28, 28), 16)->filterBlocksOutermost);
}

TEST(PlanMicrokernel, FewTilesOfManyBlocksLoopOverBlocksOutermost) {
  // EfficientNet's 7 x 7 expansion to 1152 channels: 4 tiles but 36
  // blocks, so the outermost loop (the one threads split) is the blocks';
  // the filter (864 KiB) stays in L2 and is not prefetched.
  std::optional<MicrokernelPlan> plan =
      planMicrokernel(convShape(192, 1152, 7, 7, 1), 16);
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->filterBlocksOutermost);
  EXPECT_FALSE(plan->prefetchNextBlock);
  // 14 x 14: 14 tiles, as many as the threads need.
  EXPECT_FALSE(planMicrokernel(convShape(192, 1152, 14, 14, 1), 16)
                   ->filterBlocksOutermost);
  // Large filters stream block by block and prefetch the next.
  EXPECT_TRUE(
      planMicrokernel(convShape(512, 512, 7, 7), 16)->prefetchNextBlock);
}

TEST(PlanMicrokernel, GroupsNarrowerThanAVectorShuffle) {
  // ResNeXt-50's stage 1: 32 groups of 4 channels in 128; a vector of 16
  // lanes spans 4 groups. The input vector and its shuffle take two more
  // registers: 12 positions.
  std::optional<MicrokernelPlan> plan = planMicrokernel(
      convShape(/*channels=*/4, 128, 56, 56, 3, 1, /*groups=*/32), 16);
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->groupShuffle);
  EXPECT_EQ(plan->positions, 12);
  // Groups of whole blocks broadcast their own channels.
  plan = planMicrokernel(convShape(32, 256, 14, 14, 3, 1, /*groups=*/8), 16);
  ASSERT_TRUE(plan);
  EXPECT_FALSE(plan->groupShuffle);
  EXPECT_EQ(plan->registers, 2);
}

TEST(PlanMicrokernel, RefusesWhatTheLoopsCannotBlock) {
  EXPECT_FALSE(planMicrokernel(convShape(64, 10, 8, 8), 16)); // 10 filters
  EXPECT_FALSE(planMicrokernel(convShape(64, 64, 8, 8), 2));  // no vectors
  // Groups of 24 channels neither fill nor divide 16 lanes.
  EXPECT_FALSE(
      planMicrokernel(convShape(24, 96, 14, 14, 3, 1, /*groups=*/4), 16));
}

TEST(PlanConvolution, FiltersPaddedToWholeVectors) {
  // EfficientNet's projections to 24 and 40 channels, RegNetY's 440: full
  // AVX-512 vectors over filters rounded up (at most half a vector of
  // zero columns); the last vector of the last block is partial.
  std::optional<MicrokernelPlan> plan =
      planConvolution(convShape(144, 24, 56, 56, 1), 16);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->lanes, 16);
  EXPECT_EQ(plan->paddedFilters, 32);
  EXPECT_EQ(plan->registers, 2);
  EXPECT_EQ(plan->blocks(), 1);
  plan = planConvolution(convShape(240, 40, 28, 28, 1), 16);
  EXPECT_EQ(plan->paddedFilters, 48);
  EXPECT_EQ(plan->registers, 1); // 3 vectors
  plan = planConvolution(convShape(440, 440, 7, 7, 1), 16);
  EXPECT_EQ(plan->paddedFilters, 448);
  EXPECT_EQ(plan->blocks(), 14);
  // Whole vectors are not padded.
  plan = planConvolution(convShape(144, 32, 56, 56, 1), 16);
  EXPECT_EQ(plan->lanes, 16);
  EXPECT_EQ(plan->paddedFilters, 32);
  // AVX2 pads too: 12 filters are one and a half vectors of 8.
  plan = planConvolution(convShape(64, 12, 8, 8, 1), 8);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->lanes, 8);
  EXPECT_EQ(plan->paddedFilters, 16);
}

TEST(PlanConvolution, GroupsAndSingleHalfVectorsTakeHalfVectorsOfAVX512) {
  // 8 filters would waste half of each 16-lane vector: 8-lane vectors with
  // the 32 registers of AVX-512 instead.
  std::optional<MicrokernelPlan> plan =
      planConvolution(convShape(64, 8, 28, 28, 1), 16);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->lanes, 8);
  EXPECT_EQ(plan->paddedFilters, 8);
  EXPECT_EQ(plan->positions, 14);
  // RegNetY-1.6GF: groups of 24 channels are never padded (a group would
  // straddle two blocks): blocks of a whole group, three 8-lane registers
  // (one broadcast per 3 FMAs), at most 9 positions (27 accumulators): 8
  // divide the 56 x 56 output.
  plan = planConvolution(convShape(24, 48, 56, 56, 3, 1, /*groups=*/2), 16);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->lanes, 8);
  EXPECT_EQ(plan->registers, 3);
  EXPECT_EQ(plan->blockWidth(), 24);
  EXPECT_EQ(plan->positions, 8);
  EXPECT_FALSE(plan->groupShuffle);
  // With AVX2's 16 registers: 4 positions of 3 registers.
  plan = planConvolution(convShape(24, 48, 56, 56, 3, 1, /*groups=*/2), 8);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->registers, 3);
  EXPECT_EQ(plan->positions, 4);
  // Depthwise over 72 channels (MobileNetV3): one channel per group.
  plan = planConvolution(convShape(1, 72, 28, 28, 5, 2, /*groups=*/72), 16);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->lanes, 8);
  EXPECT_TRUE(plan->groupShuffle);
  EXPECT_EQ(plan->positions, 12);
  // Groups of 12 channels fit no vector.
  EXPECT_FALSE(
      planConvolution(convShape(12, 36, 8, 8, 3, 1, /*groups=*/3), 16));
}

TEST(Winograd, TakesThreeByThreeStrideOneOnTwoByTwoTiles) {
  EXPECT_TRUE(takesWinograd(convShape(64, 64, 56, 56), 16));
  EXPECT_FALSE(takesWinograd(convShape(64, 64, 28, 28, 3, 2), 16)); // stride
  // An odd side computes one more row of tiles: 8 x 8 for 7 x 7, but 4 x 4
  // for 3 x 3 or two rows for one would waste too much.
  EXPECT_TRUE(takesWinograd(convShape(512, 512, 7, 7), 16));
  EXPECT_FALSE(takesWinograd(convShape(512, 512, 3, 3), 16));
  EXPECT_FALSE(takesWinograd(convShape(64, 64, 1, 56), 16));
  EXPECT_FALSE(takesWinograd(convShape(64, 64, 56, 56, 1), 16));    // 1x1
  EXPECT_FALSE(takesWinograd(convShape(8, 64, 56, 56), 16)); // 8 channels
  EXPECT_FALSE(takesWinograd(convShape(4, 128, 56, 56, 3, 1, 32), 16));
  EXPECT_TRUE(takesWinograd(convShape(8, 64, 56, 56), 8)); // AVX2
}

TEST(Winograd, ChunksKeepTheStagesInL2) {
  // Stage 1 (64 channels): 784 tiles of 16 x 128 floats (8 KiB each) are
  // 6.1 MiB: chunks of at most 1 MiB / 8 KiB = 128 tiles that divide 784
  // and are whole 14-position tiles: 112.
  EXPECT_EQ(winogradChunk(convShape(64, 64, 56, 56), 784, 14), 112);
  // Stage 3 (256 channels, 14 x 14): 49 tiles of 32 KiB fit in 2 MiB.
  EXPECT_EQ(winogradChunk(convShape(256, 256, 14, 14), 49, 14), 49);
  std::optional<WinogradTiling> tiling =
      planWinogradTiling(convShape(64, 64, 56, 56), 16);
  ASSERT_TRUE(tiling);
  EXPECT_EQ(tiling->chunk, 112);
  // 16 images (one per element of the 4 x 4 tile) of 1 x 112 positions.
  EXPECT_EQ(tiling->products.batch, 16);
  EXPECT_EQ(tiling->products.outputW, 112);
  EXPECT_EQ(tiling->plan.positions, 14);
  EXPECT_FALSE(tiling->plan.filterBlocksOutermost);
  // 7 x 7 (SE-ResNet's stage 4): 16 tiles of 2 x 2, two tiles of 8
  // positions per product rather than 14 + 2, and each product walks its
  // 16 blocks of U outside its two tiles (U is read once).
  tiling = planWinogradTiling(convShape(512, 512, 7, 7), 16);
  ASSERT_TRUE(tiling);
  EXPECT_EQ(tiling->chunk, 16);
  EXPECT_EQ(tiling->plan.positions, 8);
  EXPECT_TRUE(tiling->plan.filterBlocksOutermost);
}
