//===- FuseElementwise.cpp - element-wise fusion without broadcasts -------===//

#include "se/Codegen/Common/Passes.h"
#include "se/Dialect/SE/IR/SEOps.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::se {
#define GEN_PASS_DEF_SEFUSEELEMENTWISE
#include "se/Codegen/Common/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

/// Fuse a single-use producer, unless its consumer is element-wise and
/// broadcasts it (recomputing it for every element of the larger space).
/// Into a reduction it fuses either way: an FC recomputes a ReLU or the
/// squeeze's 1/HW per weight, which costs less than a launch.
static bool fusesWithoutBroadcast(OpOperand *fusedOperand) {
  Operation *producer = fusedOperand->get().getDefiningOp();
  auto consumer = dyn_cast<linalg::LinalgOp>(fusedOperand->getOwner());
  return producer && consumer && producer->hasOneUse() &&
         (consumer.getNumReductionLoops() > 0 ||
          consumer.getMatchingIndexingMap(fusedOperand).isPermutation());
}

static bool isUntaggedParallel(Operation *op) {
  auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(op);
  return linalgOp && linalgOp.getNumReductionLoops() == 0 &&
         !op->hasAttr(se::kSEBlockAttrName) &&
         !op->hasAttr(se::kSEPhaseAttrName);
}

/// Element-wise into element-wise only, without a broadcast, leaving the SE
/// blocks' tagged ops to the passes that match them.
static bool fusesElementwiseChain(OpOperand *fusedOperand) {
  Operation *producer = fusedOperand->get().getDefiningOp();
  Operation *consumer = fusedOperand->getOwner();
  return fusesWithoutBroadcast(fusedOperand) && isUntaggedParallel(producer) &&
         isUntaggedParallel(consumer);
}

namespace {
struct FuseElementwisePass
    : se::impl::SEFuseElementwiseBase<FuseElementwisePass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(
        patterns, intoReductions ? fusesWithoutBroadcast
                                 : fusesElementwiseChain);
    linalg::populateEraseUnusedOperandsAndResultsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
