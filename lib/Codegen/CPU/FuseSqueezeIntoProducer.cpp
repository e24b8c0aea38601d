//===- FuseSqueezeIntoProducer.cpp - squeeze partials in U's producer -----===//
//
// Turns "produce U, then reduce U over its pixels" into one loop over output
// rows that produces a row of U and reduces it into a row of per-channel
// partials while the row is in cache, followed by an ordered reduction of
// the partials over the rows.
//
//===----------------------------------------------------------------------===//

#include "ConvMicrokernels.h"

#include "se/Codegen/CPU/Passes.h"
#include "se/Codegen/CPU/SEFusion.h"
#include "se/Codegen/CPU/Strategy.h"
#include "se/Dialect/SE/IR/SEOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"

namespace mlir::se {
#define GEN_PASS_DEF_SECPUFUSESQUEEZEINTOPRODUCER
#include "se/Codegen/CPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;
using namespace mlir::se;

namespace {

using utils::IteratorType;

bool isDim(AffineExpr expr, unsigned position) {
  auto dim = dyn_cast<AffineDimExpr>(expr);
  return dim && dim.getPosition() == position;
}

/// True if `op` computes its output `result` point by point over loops whose
/// first two are parallel and walk the result's first two dimensions
/// (image, row), so that one output row needs one iteration of each.
bool producesRowsOf(linalg::LinalgOp op, Value result) {
  if (op->getNumResults() != 1 || op->getResult(0) != result ||
      !isa<TilingInterface>(op.getOperation()) || op.hasDynamicShape())
    return false;
  SmallVector<IteratorType> iterators = op.getIteratorTypesArray();
  AffineMap map = op.getIndexingMapMatchingResult(cast<OpResult>(result));
  return iterators.size() >= 2 && iterators[0] == IteratorType::parallel &&
         iterators[1] == IteratorType::parallel && map.getNumResults() == 4 &&
         isDim(map.getResult(0), 0) && isDim(map.getResult(1), 1);
}

/// A squeeze over an NHWC feature map: the generic reduces
/// collapse_shape(U : N x H x W x C) : N x (H*W) x C over its middle
/// dimension into an N x C tensor initialized by a linalg.fill.
struct SqueezeMatch {
  linalg::GenericOp squeeze;
  Value featureMap;
  linalg::FillOp init;
};

std::optional<SqueezeMatch> matchSqueeze(linalg::GenericOp squeeze) {
  if (squeeze.getNumDpsInputs() != 1 || squeeze.getNumDpsInits() != 1)
    return std::nullopt;
  auto collapse =
      squeeze.getDpsInputs()[0].getDefiningOp<tensor::CollapseShapeOp>();
  auto init = squeeze.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  if (!collapse || !init || !collapse.getSrcType().hasStaticShape() ||
      !collapsesNHWCSpatial(collapse.getReassociationIndices()))
    return std::nullopt;
  SmallVector<AffineMap> maps = squeeze.getIndexingMapsArray();
  SmallVector<IteratorType> expected = {
      IteratorType::parallel, IteratorType::reduction, IteratorType::parallel};
  if (!maps[0].isIdentity() ||
      maps[1] != imageChannelMap(3, squeeze.getContext()) ||
      squeeze.getIteratorTypesArray() != expected)
    return std::nullopt;
  return SqueezeMatch{squeeze, collapse.getSrc(), init};
}

/// The ops fused into the row loop of `producer`: the ops that initialize
/// an output (bias broadcast, fill) and, for an element-wise producer (per
/// channel operands allowed: a bias), the element-wise ops and convolutions
/// it reads, with their initializers.
/// Each must have no other user, so nothing is computed twice. Whatever
/// feeds a convolution's input (the previous layer) stays outside: its rows
/// overlap.
llvm::SmallPtrSet<Operation *, 4> fusibleProducers(linalg::LinalgOp producer) {
  llvm::SmallPtrSet<Operation *, 4> fusible;
  SmallVector<linalg::LinalgOp> worklist = {producer};
  while (!worklist.empty()) {
    linalg::LinalgOp op = worklist.pop_back_val();
    addOutputInitializers(op, fusible);
    if (!isElementwisePerChannel(op))
      continue;
    for (Value input : op.getDpsInputs()) {
      auto inputOp = input.getDefiningOp<linalg::LinalgOp>();
      if (!inputOp || !input.hasOneUse() || !producesRowsOf(inputOp, input) ||
          !(isElementwisePerChannel(inputOp) ||
            isa<linalg::ConvolutionOpInterface>(inputOp.getOperation())))
        continue;
      if (fusible.insert(inputOp).second)
        worklist.push_back(inputOp);
    }
  }
  return fusible;
}

/// The partial squeeze of each row: N x H x W x C -> N x H x C with the
/// squeeze's own combiner and initial value, built after `loop` (which
/// returns `u`) with its initial value before it. Fails if the squeeze's
/// initial value is not a constant.
FailureOr<linalg::GenericOp> buildRowReduction(RewriterBase &rewriter,
                                               SqueezeMatch match,
                                               Operation *loop, Value u) {
  Location loc = match.squeeze.getLoc();
  auto type = cast<RankedTensorType>(u.getType());
  SmallVector<int64_t> shape = {type.getDimSize(0), type.getDimSize(1),
                                type.getDimSize(3)};
  // Consumer fusion makes the initial value an argument of the loop.
  rewriter.setInsertionPoint(loop);
  Operation *initialValue = match.init.getInputs()[0].getDefiningOp();
  if (!initialValue || !initialValue->hasTrait<OpTrait::ConstantLike>())
    return failure();
  Value empty =
      tensor::EmptyOp::create(rewriter, loc, shape, type.getElementType());
  Value init =
      linalg::FillOp::create(rewriter, loc,
                             rewriter.clone(*initialValue)->getResult(0), empty)
          .getResult(0);
  MLIRContext *ctx = rewriter.getContext();
  AffineMap rows =
      AffineMap::get(4, 0,
                     {getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx),
                      getAffineDimExpr(3, ctx)},
                     ctx);
  rewriter.setInsertionPointAfter(loop);
  auto rowReduction = linalg::GenericOp::create(
      rewriter, loc, init.getType(), ValueRange{u}, ValueRange{init},
      ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(4), rows},
      ArrayRef<IteratorType>{IteratorType::parallel, IteratorType::parallel,
                             IteratorType::reduction, IteratorType::parallel});
  rewriter.cloneRegionBefore(match.squeeze.getRegion(),
                             rowReduction.getRegion(),
                             rowReduction.getRegion().end());
  copySETags(match.squeeze, rowReduction);
  return rowReduction;
}

/// The loops of a row loop nest this pass built around `u`: the outer loop
/// that returns `u` and the loops nested in it.
SmallVector<LoopLikeOpInterface> rowLoopsReturning(Value u) {
  SmallVector<LoopLikeOpInterface> loops;
  auto loop = u.getDefiningOp<scf::ForOp>();
  while (loop) {
    loops.push_back(loop);
    scf::ForOp inner;
    for (Operation &op : *loop.getBody())
      if (auto nested = dyn_cast<scf::ForOp>(op))
        inner = nested;
    loop = inner;
  }
  return loops;
}

constexpr StringLiteral kRowLoopAttrName = "se.squeeze_rows";

/// Tiles the producer of U into a loop over (image, row) with `fusible`
/// (fusibleProducers) fused; returns the loops and the loop nest's U.
FailureOr<std::pair<SmallVector<LoopLikeOpInterface>, Value>>
tileProducerByRows(RewriterBase &rewriter, linalg::LinalgOp producer,
                   const llvm::SmallPtrSetImpl<Operation *> &fusible) {
  FailureOr<scf::SCFTileAndFuseResult> tiled =
      tileByRows(rewriter, producer, fusible);
  if (failed(tiled) || tiled->loops.size() != 2)
    return failure();
  Value u = producer->getResult(0);
  Value replacement = tiled->replacements.lookup(u);
  if (!replacement)
    return failure();
  rewriter.replaceAllUsesWith(u, replacement);
  rewriter.eraseOp(producer);
  for (Operation *fused : llvm::reverse(tiled->fusedProducers))
    if (fused->use_empty())
      rewriter.eraseOp(fused);
  return std::make_pair(tiled->loops, replacement);
}

/// Marks a row loop nest: the outer loop as this pass's (for a second
/// squeeze of the same U), the loop over rows with the SE block's name and
/// phase `produce` (for the traffic report), and the outermost loop with
/// more than one iteration as parallel (each iteration writes its own rows
/// of U and of the partials).
void markRowLoops(ArrayRef<LoopLikeOpInterface> loops, Operation *squeeze) {
  MLIRContext *ctx = squeeze->getContext();
  loops.front()->setAttr(kRowLoopAttrName, UnitAttr::get(ctx));
  if (Attribute name = squeeze->getAttr(kSEBlockAttrName)) {
    loops.back()->setAttr(kSEBlockAttrName, name);
    loops.back()->setAttr(kSEPhaseAttrName, StringAttr::get(ctx, "produce"));
  }
  markParallelRows(loops);
}

/// Fuses the squeeze's partial reduction into the row loop of U's producer
/// (tiling the producer first unless an earlier squeeze of the same U, as
/// in avg + max, did). Leaves the IR unchanged where U's producer cannot be
/// tiled by rows.
void fuseSqueeze(RewriterBase &rewriter, SqueezeMatch match,
                 function_ref<bool(Operation *)> staysWhole) {
  Value u = match.featureMap;
  SmallVector<LoopLikeOpInterface> loops = rowLoopsReturning(u);
  if (loops.empty() || !loops.front()->hasAttr(kRowLoopAttrName)) {
    auto producer = u.getDefiningOp<linalg::LinalgOp>();
    if (!producer || !producesRowsOf(producer, u))
      return;
    llvm::SmallPtrSet<Operation *, 4> fused = fusibleProducers(producer);
    if (staysWhole(producer) || llvm::any_of(fused, staysWhole))
      return;
    auto tiled = tileProducerByRows(rewriter, producer, fused);
    if (failed(tiled))
      return;
    std::tie(loops, u) = *tiled;
  }

  FailureOr<linalg::GenericOp> built =
      buildRowReduction(rewriter, match, loops.front(), u);
  if (failed(built))
    return;
  linalg::GenericOp rowReduction = *built;
  rewriter.modifyOpInPlace(match.squeeze, [&] {
    match.squeeze->setOperand(0, rowReduction.getResult(0));
  });
  // Should consumer fusion fail, the row reduction stays a loop of its own:
  // still correct, and the traffic report shows the extra pass.
  if (succeeded(scf::tileAndFuseConsumer(rewriter, rowReduction, loops)) &&
      rowReduction->use_empty())
    rewriter.eraseOp(rowReduction);
  // The loops were rebuilt with one more result; find them from U's users.
  loops = rowLoopsReturning(match.squeeze.getDpsInputs()[0]);
  if (loops.empty())
    loops = rowLoopsReturning(u);
  if (!loops.empty())
    markRowLoops(loops, match.squeeze);
}

/// A global sum pooling of a map that other ops read too (an SE block's
/// squeeze left unraised, as in a QDQ file whose excitation is quantized):
/// `linalg.pooling_nhwc_sum` of an f32 N x H x W x C map over an
/// H x W window into a filled N x 1 x 1 x C, as the squeeze's form (a sum
/// over the collapsed pixels into a filled N x C, expanded back), tagged
/// `se.phase = "squeeze"` so that it fuses as an SE block's does.
void rewriteGlobalPooling(RewriterBase &rewriter,
                          linalg::PoolingNhwcSumOp pool) {
  auto inputType = dyn_cast<RankedTensorType>(pool.getInputs()[0].getType());
  auto windowType = dyn_cast<RankedTensorType>(pool.getInputs()[1].getType());
  auto outputType = dyn_cast<RankedTensorType>(pool.getResult(0).getType());
  auto fill = pool.getOutputs()[0].getDefiningOp<linalg::FillOp>();
  // A map the pooling alone reads (a classifier's) is left as is: split
  // into rows, its producer's tiles get narrower (MobileNetV3-Large's last
  // 7 x 7 convolution: the network 1.02x slower at 1 and 2 threads), and
  // no second pass over the map is saved.
  if (pool.getInputs()[0].hasOneUse())
    return;
  if (!inputType || !windowType || !outputType || !fill ||
      !inputType.hasStaticShape() || !inputType.getElementType().isF32() ||
      windowType.getShape() != inputType.getShape().slice(1, 2) ||
      outputType.getDimSize(1) != 1 || outputType.getDimSize(2) != 1 ||
      !llvm::all_of(pool.getDilations(),
                    [](const APInt &d) { return d.isOne(); }))
    return;
  Location loc = pool.getLoc();
  MLIRContext *ctx = rewriter.getContext();
  rewriter.setInsertionPoint(pool);
  int64_t images = inputType.getDimSize(0), channels = inputType.getDimSize(3);
  Value pixels = tensor::CollapseShapeOp::create(
      rewriter, loc, pool.getInputs()[0],
      SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}});
  Value empty = tensor::EmptyOp::create(rewriter, loc,
                                        ArrayRef<int64_t>{images, channels},
                                        rewriter.getF32Type());
  Value init = linalg::FillOp::create(rewriter, loc, fill.getInputs()[0], empty)
                   .getResult(0);
  auto squeeze = linalg::GenericOp::create(
      rewriter, loc, init.getType(), ValueRange{pixels}, ValueRange{init},
      ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(3),
                          imageChannelMap(3, ctx)},
      ArrayRef<IteratorType>{IteratorType::parallel, IteratorType::reduction,
                             IteratorType::parallel},
      [](OpBuilder &b, Location loc, ValueRange args) {
        linalg::YieldOp::create(
            b, loc,
            ValueRange{arith::AddFOp::create(b, loc, args[0], args[1])});
      });
  squeeze->setAttr(kSEPhaseAttrName, rewriter.getStringAttr("squeeze"));
  rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
      pool, outputType, squeeze.getResult(0),
      SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
}

struct FuseSqueezeIntoProducerPass
    : se::impl::SECPUFuseSqueezeIntoProducerBase<FuseSqueezeIntoProducerPass> {
  using Base::Base;

  /// Whether `op` is a convolution that splitting into rows would slow
  /// down: one that streams a large filter per row, or takes Winograd.
  bool staysWhole(Operation *op) const {
    auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
    if (!linalgOp)
      return false;
    if (hasLargeFilter(linalgOp))
      return true;
    auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op);
    if (!winograd || !conv)
      return false;
    std::optional<microkernels::ConvMatch> match =
        microkernels::matchConvolution(conv);
    return match && takesWinograd(match->shape, vectorWidth);
  }

  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<linalg::PoolingNhwcSumOp> pools;
    getOperation().walk(
        [&](linalg::PoolingNhwcSumOp pool) { pools.push_back(pool); });
    for (linalg::PoolingNhwcSumOp pool : pools)
      rewriteGlobalPooling(rewriter, pool);
    SmallVector<linalg::GenericOp> squeezes;
    getOperation().walk([&](linalg::GenericOp generic) {
      auto phase = generic->getAttrOfType<StringAttr>(kSEPhaseAttrName);
      if (phase && phase.getValue() == "squeeze")
        squeezes.push_back(generic);
    });
    // Matched one at a time: fusing one squeeze changes what the next one
    // of the same U (avg + max) reads.
    for (linalg::GenericOp squeeze : squeezes)
      if (std::optional<SqueezeMatch> match = matchSqueeze(squeeze))
        fuseSqueeze(rewriter, *match,
                    [&](Operation *op) { return staysWhole(op); });
    getOperation().walk(
        [](scf::ForOp loop) { loop->removeAttr(kRowLoopAttrName); });
  }
};

} // namespace
