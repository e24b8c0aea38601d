//===- LowerVectors.cpp - lower n-D vector ops for the LLVM lowering ------===//

#include "se/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
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
struct LowerVectorsPass
    : se::impl::SECPULowerVectorsBase<LowerVectorsPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // Each stage is its own greedy application: mixing, e.g., the leading
    // unit-dim casts with the lowering patterns never converges.
    auto apply = [&](function_ref<void(RewritePatternSet &)> populate) {
      RewritePatternSet patterns(ctx);
      populate(patterns);
      return applyPatternsGreedily(getOperation(), std::move(patterns));
    };
    auto stages = {
        +[](RewritePatternSet &patterns) {
          vector::populateVectorMaskLoweringPatternsForSideEffectingOps(
              patterns);
          vector::populateVectorTransferPermutationMapLoweringPatterns(
              patterns);
        },
        +[](RewritePatternSet &patterns) {
          vector::populateVectorMultiReductionLoweringPatterns(
              patterns, vector::VectorMultiReductionLowering::InnerReduction);
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
};
} // namespace
