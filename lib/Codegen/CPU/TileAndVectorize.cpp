//===- TileAndVectorize.cpp - tile linalg ops and vectorize the tiles -----===//
//
// Tiles each linalg op by the strategy's plan, peels every tile loop whose
// step does not divide its range (so that all tiles, the last one included,
// have static shapes), then vectorizes every statically shaped tile.
//
//===----------------------------------------------------------------------===//

#include "se/Codegen/CPU/Passes.h"
#include "se/Codegen/CPU/Strategy.h"
#include "se/Dialect/SE/IR/SEOps.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace mlir::se {
#define GEN_PASS_DEF_SECPUTILEANDVECTORIZE
#include "se/Codegen/CPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;
using namespace mlir::se;

/// Ops whose iteration space exceeds this many points are not vectorized
/// whole: the vectors would not fit in registers. Tiled ops stay far below.
static constexpr int64_t kMaxVectorizedPoints = 1 << 14;

/// Ops with fewer iteration points than this are not worth a fork and join
/// of threads: their tile loops stay serial.
static constexpr int64_t kMinParallelPoints = 1 << 15;

/// Marks an op whose innermost reduction loop is to be split into vector
/// lanes that accumulate independently (see splitInnermostReduction).
static constexpr StringLiteral kLaneReductionAttr = "se.lane_reduction";

static int64_t iterationPoints(linalg::LinalgOp op) {
  int64_t points = 1;
  for (int64_t range : op.getStaticLoopRanges())
    points *= range;
  return points;
}

/// Peels every loop of `loops` whose step does not divide its range, so that
/// all tiles, the last one included, have static shapes.
static void peelPartialTiles(RewriterBase &rewriter,
                             ArrayRef<LoopLikeOpInterface> loops) {
  for (LoopLikeOpInterface loop : loops) {
    auto forOp = dyn_cast<scf::ForOp>(loop.getOperation());
    if (!forOp)
      continue;
    scf::ForOp partialTile;
    // Fails (harmlessly) when the step divides the range.
    (void)scf::peelForLoopAndSimplifyBounds(rewriter, forOp, partialTile);
  }
}

/// Tiles `op` by `plan` and peels the loops with a partial last tile. When
/// the innermost loop is a reduction longer than one tile, only the other
/// loops are tiled here, and the op is marked for lane splitting.
static LogicalResult tileAndPeel(RewriterBase &rewriter, linalg::LinalgOp op,
                                 const TilingPlan &plan) {
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<int64_t> tileSizes = plan.tileSizes;
  int64_t innermost = static_cast<int64_t>(iterators.size()) - 1;
  bool permutationMaps =
      llvm::all_of(op.getIndexingMapsArray(),
                   [](AffineMap map) { return map.isProjectedPermutation(); });
  if (permutationMaps && innermost >= 0 &&
      iterators[innermost] == utils::IteratorType::reduction &&
      tileSizes[innermost] != 0) {
    op->setAttr(kLaneReductionAttr,
                rewriter.getI64IntegerAttr(tileSizes[innermost]));
    tileSizes[innermost] = 0;
  }
  if (llvm::all_of(tileSizes, [](int64_t size) { return size == 0; }))
    return success();
  scf::SCFTilingOptions options;
  options.setLoopType(scf::SCFTilingOptions::LoopType::ForOp);
  // Reduction loops innermost: the accumulator tile then stays in registers
  // across them once its transfers are hoisted after bufferization.
  SmallVector<int64_t> interchange;
  for (auto [dim, iterator] : llvm::enumerate(iterators))
    if (iterator == utils::IteratorType::parallel)
      interchange.push_back(dim);
  for (auto [dim, iterator] : llvm::enumerate(iterators))
    if (iterator == utils::IteratorType::reduction)
      interchange.push_back(dim);
  options.setInterchange(interchange);
  options.setTileSizes(
      getAsIndexOpFoldResult(rewriter.getContext(), tileSizes));
  // The loops follow the interchange: the first one walks a parallel
  // dimension whenever any parallel dimension is tiled.
  bool tilesParallelDim =
      llvm::any_of(llvm::zip(iterators, tileSizes), [](auto iteratorAndSize) {
        return std::get<0>(iteratorAndSize) == utils::IteratorType::parallel &&
               std::get<1>(iteratorAndSize) != 0;
      });
  // Tiles inside a loop that already runs in parallel (a fused row loop)
  // stay serial: one level of threads.
  bool insideParallelLoop = false;
  for (Operation *parent = op->getParentOp(); parent;
       parent = parent->getParentOp())
    insideParallelLoop |= parent->hasAttr(kParallelTilesAttrName);
  bool worthThreads =
      iterationPoints(op) >= kMinParallelPoints && !insideParallelLoop;
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(op.getOperation()), options);
  if (failed(tiled))
    return failure();
  // The loops take the op's SE tags before the op goes.
  if (!tiled->loops.empty())
    copySETags(op, tiled->loops.front());
  rewriter.replaceOp(op, tiled->replacements);
  if (tilesParallelDim && worthThreads && !tiled->loops.empty())
    tiled->loops.front()->setAttr(kParallelTilesAttrName,
                                  rewriter.getUnitAttr());
  peelPartialTiles(rewriter, tiled->loops);
  return success();
}

/// Splits the innermost reduction loop of each marked op into `lanes`
/// partial sums: a loop accumulates whole vectors elementwise into a
/// tile-shaped accumulator, and one horizontal reduction per output element
/// merges the lanes at the end, instead of one per tile.
static void splitInnermostReductions(RewriterBase &rewriter,
                                     func::FuncOp func) {
  SmallVector<linalg::LinalgOp> marked;
  func.walk([&](linalg::LinalgOp op) {
    if (op->hasAttr(kLaneReductionAttr))
      marked.push_back(op);
  });
  for (linalg::LinalgOp op : marked) {
    int64_t lanes = cast<IntegerAttr>(op->getAttr(kLaneReductionAttr)).getInt();
    op->removeAttr(kLaneReductionAttr);
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    if (op.hasDynamicShape() || op.getNumDpsInits() != 1 ||
        ranges.back() <= lanes)
      continue;
    auto partial = dyn_cast<PartialReductionOpInterface>(op.getOperation());
    if (!partial)
      continue;
    SmallVector<int64_t> tileSizes(ranges.size(), 0);
    tileSizes.back() = lanes;
    rewriter.setInsertionPoint(op);
    FailureOr<scf::SCFTilingResult> split = scf::tileReductionUsingScf(
        rewriter, partial,
        getAsIndexOpFoldResult(rewriter.getContext(), tileSizes));
    if (failed(split))
      continue;
    rewriter.replaceOp(op, split->replacements);
    peelPartialTiles(rewriter, split->loops);
  }
}

static void vectorizeStaticOps(RewriterBase &rewriter, func::FuncOp func) {
  SmallVector<linalg::LinalgOp> ops;
  func.walk([&](linalg::LinalgOp op) {
    if (op.hasPureTensorSemantics() && !op.hasDynamicShape() &&
        iterationPoints(op) <= kMaxVectorizedPoints)
      ops.push_back(op);
  });
  for (linalg::LinalgOp op : ops) {
    if (failed(linalg::vectorizeOpPrecondition(op)))
      continue;
    rewriter.setInsertionPoint(op);
    FailureOr<linalg::VectorizationResult> result =
        linalg::vectorize(rewriter, op);
    if (failed(result))
      continue;
    if (result->replacements.empty())
      rewriter.eraseOp(op);
    else
      rewriter.replaceOp(op, result->replacements);
  }
}

/// Folds the sizes of peeled tiles into static shapes, or the transfers into
/// the slices they read and write.
static LogicalResult cleanUp(func::FuncOp func) {
  MLIRContext *ctx = func.getContext();
  RewritePatternSet patterns(ctx);
  for (Dialect *dialect : ctx->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, ctx);
  return applyPatternsGreedily(func, std::move(patterns));
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
      // An op that cannot be tiled stays whole; the loop lowering takes it.
      (void)tileAndPeel(rewriter, op, plan);
    }
    if (failed(cleanUp(func)))
      return signalPassFailure();
    splitInnermostReductions(rewriter, func);
    if (failed(cleanUp(func)))
      return signalPassFailure();
    // Convolution tiles with one filter row become 1-D convolutions, which
    // the vectorizer turns into outer-product FMAs.
    {
      RewritePatternSet patterns(&getContext());
      linalg::populateDecomposeConvolutionPatterns(patterns);
      if (failed(applyPatternsGreedily(func, std::move(patterns))))
        return signalPassFailure();
    }
    if (!vectorize)
      return;
    vectorizeStaticOps(rewriter, func);
    if (failed(cleanUp(func)))
      return signalPassFailure();
    // Carry accumulator tiles through their reduction loops as vectors
    // rather than as tensor slices read and written every iteration.
    // Post-order visits inner loops first, so accumulators climb outwards.
    SmallVector<LoopLikeOpInterface> loops;
    func.walk([&](LoopLikeOpInterface loop) { loops.push_back(loop); });
    for (LoopLikeOpInterface loop : loops)
      (void)hoistLoopInvariantSubsets(rewriter, loop);
    if (failed(cleanUp(func)))
      return signalPassFailure();
  }
};
} // namespace
