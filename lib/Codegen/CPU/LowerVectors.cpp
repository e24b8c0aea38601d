//===- LowerVectors.cpp - lower n-D vector ops for the LLVM lowering ------===//

#include "se/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::se {
#define GEN_PASS_DEF_SECPULOWERVECTORS
#include "se/Codegen/CPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

namespace {
struct LowerVectorsPass : se::impl::SECPULowerVectorsBase<LowerVectorsPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // Keep loop-carried accumulators in registers across reduction loops.
    linalg::hoistRedundantVectorTransfers(getOperation());
    if (failed(lowerMultiReductions()))
      return signalPassFailure();
    // Each stage is its own greedy application: mixing, e.g., the leading
    // unit-dim casts with the lowering patterns never converges.
    auto apply = [&](function_ref<void(RewritePatternSet &)> populate) {
      RewritePatternSet patterns(ctx);
      populate(patterns);
      return applyPatternsGreedily(getOperation(), std::move(patterns));
    };
    auto stages = {
        // The gates' exp and tanh as polynomials on whole vectors (a few
        // ulp from libm's; tested against a double-precision reference)
        // rather than one libm call per lane.
        +[](RewritePatternSet &patterns) {
          populateMathPolynomialApproximationPatterns(
              patterns, [](StringRef name) {
                return name == math::ExpOp::getOperationName() ||
                       name == math::TanhOp::getOperationName();
              });
        },
        +[](RewritePatternSet &patterns) {
          vector::populateVectorMaskLoweringPatternsForSideEffectingOps(
              patterns);
          vector::populateVectorTransferPermutationMapLoweringPatterns(
              patterns);
        },
        +[](RewritePatternSet &patterns) {
          vector::populateVectorContractLoweringPatterns(
              patterns, vector::VectorContractLowering::OuterProduct);
          vector::populateVectorTransposeLoweringPatterns(
              patterns, vector::VectorTransposeLowering::EltWise);
        },
        +[](RewritePatternSet &patterns) {
          vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
        },
        +[](RewritePatternSet &patterns) {
          vector::populateVectorBroadcastLoweringPatterns(patterns);
          vector::populateVectorShapeCastLoweringPatterns(patterns);
        },
    };
    for (auto populate : stages)
      if (failed(apply(populate)))
        return signalPassFailure();
  }

  /// Lowers each multi-reduction along its memory order: one whose innermost
  /// dimension is reduced becomes horizontal reductions of rows; one whose
  /// innermost dimension is parallel becomes elementwise vector ops over the
  /// reduced rows, with no transposes.
  LogicalResult lowerMultiReductions() {
    SmallVector<Operation *> innerReduced, innerParallel;
    getOperation().walk([&](vector::MultiDimReductionOp op) {
      int64_t innermost = op.getSourceVectorType().getRank() - 1;
      (op.isReducedDim(innermost) ? innerReduced : innerParallel).push_back(op);
    });
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    for (auto [ops, lowering] :
         {std::make_pair(innerReduced,
                         vector::VectorMultiReductionLowering::InnerReduction),
          std::make_pair(
              innerParallel,
              vector::VectorMultiReductionLowering::InnerParallel)}) {
      if (ops.empty())
        continue;
      RewritePatternSet patterns(&getContext());
      vector::populateVectorMultiReductionLoweringPatterns(patterns, lowering);
      if (failed(applyOpPatternsGreedily(ops, std::move(patterns), config)))
        return failure();
    }
    return success();
  }
};
} // namespace
