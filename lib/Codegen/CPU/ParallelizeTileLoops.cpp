//===- ParallelizeTileLoops.cpp - parallel tile loops to scf.parallel -----===//

#include "se/Codegen/CPU/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::se {
#define GEN_PASS_DEF_SECPUPARALLELIZETILELOOPS
#include "se/Codegen/CPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

namespace {
struct ParallelizeTileLoopsPass
    : se::impl::SECPUParallelizeTileLoopsBase<ParallelizeTileLoopsPass> {
  void runOnOperation() override {
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp loop) {
      if (loop->hasAttr(se::kParallelTilesAttrName) &&
          loop.getNumResults() == 0)
        loops.push_back(loop);
    });
    IRRewriter rewriter(&getContext());
    for (scf::ForOp loop : loops) {
      rewriter.setInsertionPoint(loop);
      auto parallel = scf::ParallelOp::create(
          rewriter, loop.getLoc(), ValueRange{loop.getLowerBound()},
          ValueRange{loop.getUpperBound()}, ValueRange{loop.getStep()});
      // The SE tags stay on the loop for the traffic report.
      for (NamedAttribute attr : loop->getDiscardableAttrs())
        if (attr.getName() != se::kParallelTilesAttrName)
          parallel->setAttr(attr.getName(), attr.getValue());
      Block *body = parallel.getBody();
      // Drop the empty scf.reduce the builder made; the loop's own body,
      // whose scf.yield becomes scf.reduce, takes its place.
      rewriter.eraseOp(body->getTerminator());
      rewriter.inlineBlockBefore(loop.getBody(), body, body->end(),
                                 parallel.getInductionVars());
      auto yield = cast<scf::YieldOp>(body->getTerminator());
      rewriter.setInsertionPoint(yield);
      rewriter.replaceOpWithNewOp<scf::ReduceOp>(yield);
      rewriter.eraseOp(loop);
    }
  }
};
} // namespace
