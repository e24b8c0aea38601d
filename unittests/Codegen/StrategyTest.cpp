//===- StrategyTest.cpp - tile sizes chosen from shapes -------------------===//

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
