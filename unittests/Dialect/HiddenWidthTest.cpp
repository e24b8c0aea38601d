//===- HiddenWidthTest.cpp - the hidden-width rules of the builders -------===//

#include "se/Dialect/SE/IR/SEOps.h"

#include "gtest/gtest.h"

using namespace mlir::se;

TEST(HiddenWidth, RatioOfSENet) {
  EXPECT_EQ(hiddenWidthFromRatio(256, 16), 16);
  EXPECT_EQ(hiddenWidthFromRatio(2048, 16), 128);
  EXPECT_EQ(hiddenWidthFromRatio(64, 32), 2);
  EXPECT_EQ(hiddenWidthFromRatio(8, 16), 1);
}

TEST(HiddenWidth, MakeDivisibleOfMobileNetV3) {
  // torchvision's _make_divisible(C // 4, 8) for MobileNetV3-Small widths.
  EXPECT_EQ(makeDivisible(16 / 4.0), 8);
  EXPECT_EQ(makeDivisible(96 / 4.0), 24);
  EXPECT_EQ(makeDivisible(240 / 4.0), 64);
  EXPECT_EQ(makeDivisible(120 / 4.0), 32);
  EXPECT_EQ(makeDivisible(144 / 4.0), 40);
  EXPECT_EQ(makeDivisible(288 / 4.0), 72);
  EXPECT_EQ(makeDivisible(576 / 4.0), 144);
  // Never more than 10 % below the value.
  EXPECT_EQ(makeDivisible(10.0, 8), 16);
}

TEST(HiddenWidth, BlockInputOfEfficientNet) {
  // EfficientNet-B0: SE width is max(1, block input channels * 0.25).
  EXPECT_EQ(hiddenWidthFromBlockInput(32), 8);
  EXPECT_EQ(hiddenWidthFromBlockInput(16), 4);
  EXPECT_EQ(hiddenWidthFromBlockInput(24), 6);
  EXPECT_EQ(hiddenWidthFromBlockInput(3), 1);
}

TEST(HiddenWidth, EcaKernelSize) {
  // ECA-Net, gamma = 2, b = 1: C = 64 -> 3, 256 -> 5, 512 -> 5, 2048 -> 7.
  EXPECT_EQ(ecaKernelSize(64), 3);
  EXPECT_EQ(ecaKernelSize(256), 5);
  EXPECT_EQ(ecaKernelSize(512), 5);
  EXPECT_EQ(ecaKernelSize(2048), 7);
}

TEST(HiddenWidth, RuleDispatch) {
  EXPECT_EQ(getHiddenWidth(HiddenWidthRule::Ratio, 1024, 16), 64);
  EXPECT_EQ(getHiddenWidth(HiddenWidthRule::MakeDivisible, 576, 0), 144);
  // EfficientNet-B0's MBConv6 block with 24 input channels expanded to 144:
  // the SE width follows the input, 24 / 4 = 6.
  EXPECT_EQ(getHiddenWidth(HiddenWidthRule::BlockInput, 144, 24), 6);
}
