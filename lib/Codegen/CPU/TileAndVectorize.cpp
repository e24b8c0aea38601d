//===- TileAndVectorize.cpp - tile linalg ops and vectorize the tiles -----===//

#include "se/Codegen/CPU/Passes.h"
#include "se/Codegen/CPU/Strategy.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::se {
#define GEN_PASS_DEF_SECPUTILEANDVECTORIZE
#include "se/Codegen/CPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;
using namespace mlir::se;

/// Tiles `op` by `plan` and returns the op that computes one tile (`op`
/// itself when no loop is tiled), or failure when tiling fails.
static FailureOr<Operation *> tile(RewriterBase &rewriter, linalg::LinalgOp op,
                                   const TilingPlan &plan) {
  if (llvm::all_of(plan.tileSizes, [](int64_t size) { return size == 0; }))
    return op.getOperation();
  scf::SCFTilingOptions options;
  options.setLoopType(scf::SCFTilingOptions::LoopType::ForOp);
  options.setTileSizes(
      getAsIndexOpFoldResult(rewriter.getContext(), plan.tileSizes));
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(op.getOperation()), options);
  if (failed(tiled) || tiled->tiledOps.empty())
    return failure();
  rewriter.replaceOp(op, tiled->replacements);
  return tiled->tiledOps.back();
}

/// Vectorizes one tile; masks the vectors when the tile has dynamic sizes.
static void vectorizeTile(RewriterBase &rewriter, Operation *tileOp,
                          const TilingPlan &plan) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(tileOp);
  if (!linalgOp)
    return;
  SmallVector<int64_t> vectorSizes;
  if (linalgOp.hasDynamicShape())
    vectorSizes = plan.vectorSizes;
  if (failed(linalg::vectorizeOpPrecondition(tileOp, vectorSizes)))
    return;
  rewriter.setInsertionPoint(tileOp);
  FailureOr<linalg::VectorizationResult> result =
      linalg::vectorize(rewriter, tileOp, vectorSizes);
  if (failed(result))
    return;
  if (result->replacements.empty())
    rewriter.eraseOp(tileOp);
  else
    rewriter.replaceOp(tileOp, result->replacements);
}

namespace {
struct TileAndVectorizePass
    : se::impl::SECPUTileAndVectorizeBase<TileAndVectorizePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<linalg::LinalgOp> candidates;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && !op.hasDynamicShape())
        candidates.push_back(op);
    });

    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : candidates) {
      TilingPlan plan = selectTilingPlan(op, vectorWidth, tileSizes);
      FailureOr<Operation *> tileOp = tile(rewriter, op, plan);
      if (failed(tileOp))
        continue;
      vectorizeTile(rewriter, *tileOp, plan);
    }

    // Fold the transfers into the tensor slices they read and write.
    RewritePatternSet patterns(&getContext());
    vector::TransferReadOp::getCanonicalizationPatterns(patterns,
                                                        &getContext());
    vector::TransferWriteOp::getCanonicalizationPatterns(patterns,
                                                         &getContext());
    tensor::ExtractSliceOp::getCanonicalizationPatterns(patterns,
                                                        &getContext());
    scf::ForOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
