//===- PrepareSqueezeFusion.cpp - a squeeze's sums exist before its conv --===//
//
// The convolution kernel can add each output it stores to the SE squeeze of
// that output (se-gpu-map-linalg-to-kernels), saving the squeeze a pass over
// the feature map, but only if the squeeze's zero-filled sums exist before
// the convolution runs. On tensors, the squeeze's fill is shared (CSE makes
// all zero fills of a shape one) and placed after the convolution; this pass
// gives each squeeze of a convolution's output a zero fill of its own,
// right before the convolution (and the bias broadcast into its output),
// so that bufferization and the workspace plan keep the sums alive across
// the convolution.
//
//===----------------------------------------------------------------------===//

#include "se/Codegen/GPU/Passes.h"

#include "Kernels.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

namespace mlir::se {
#define GEN_PASS_DEF_SEGPUPREPARESQUEEZEFUSION
#include "se/Codegen/GPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

/// The convolution whose NHWC output `squeeze` sums over H and W into
/// N x C from a zero fill: out[n][c] += in[n][hw][c] on the output
/// collapsed to N x HW x C. Null otherwise.
static linalg::Conv2DNhwcHwcfOp matchSqueezeOfConv(linalg::GenericOp squeeze) {
  if (!se::isSpatialSum(squeeze))
    return {};
  auto fill = squeeze.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  if (!fill || !matchPattern(fill.getInputs()[0], m_AnyZeroFloat()))
    return {};
  auto collapse =
      squeeze.getDpsInputs()[0].getDefiningOp<tensor::CollapseShapeOp>();
  if (!collapse || collapse.getReassociationIndices() !=
                       SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}})
    return {};
  auto conv = collapse.getSrc().getDefiningOp<linalg::Conv2DNhwcHwcfOp>();
  if (!conv || conv->getBlock() != squeeze->getBlock())
    return {};
  return conv;
}

namespace {
struct PrepareSqueezeFusionPass
    : se::impl::SEGPUPrepareSqueezeFusionBase<PrepareSqueezeFusionPass> {
  void runOnOperation() override {
    SmallVector<std::pair<linalg::GenericOp, linalg::Conv2DNhwcHwcfOp>> found;
    getOperation().walk([&](linalg::GenericOp squeeze) {
      if (linalg::Conv2DNhwcHwcfOp conv = matchSqueezeOfConv(squeeze))
        found.emplace_back(squeeze, conv);
    });
    for (auto [squeeze, conv] : found) {
      // Before the op that initializes the convolution's output, when that
      // is right before it (the kernel absorbs such a bias broadcast).
      Operation *before = conv;
      if (Operation *init = conv.getDpsInits()[0].getDefiningOp();
          init && init->getNextNode() == conv.getOperation())
        before = init;
      OpBuilder b(before);
      auto fill = squeeze.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
      auto type = cast<RankedTensorType>(fill.getResult(0).getType());
      Value sums = bufferization::AllocTensorOp::create(b, squeeze.getLoc(),
                                                        type, ValueRange{});
      Value zero =
          linalg::FillOp::create(b, squeeze.getLoc(), fill.getInputs()[0], sums)
              .getResult(0);
      squeeze.getDpsInitsMutable()[0].set(zero);
    }
  }
};
} // namespace
