//===- FuseElementwise.cpp - element-wise fusion without broadcasts -------===//

#include "se/Codegen/GPU/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::se {
#define GEN_PASS_DEF_SEGPUFUSEELEMENTWISE
#include "se/Codegen/GPU/Passes.h.inc"
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

namespace {
struct FuseElementwisePass
    : se::impl::SEGPUFuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(patterns,
                                                 fusesWithoutBroadcast);
    linalg::populateEraseUnusedOperandsAndResultsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
