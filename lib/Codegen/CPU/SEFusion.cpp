//===- SEFusion.cpp - shared pieces of the SE fusion passes ---------------===//

#include "se/Codegen/CPU/SEFusion.h"
#include "se/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/TilingInterface.h"

using namespace mlir;
using namespace mlir::se;

bool mlir::se::collapsesNHWCSpatial(
    ArrayRef<ReassociationIndices> reassociation) {
  SmallVector<ReassociationIndices> nhwc = {{0}, {1, 2}, {3}};
  return llvm::equal(reassociation, nhwc);
}

AffineMap mlir::se::imageChannelMap(unsigned rank, MLIRContext *context) {
  return AffineMap::get(
      rank, 0,
      {getAffineDimExpr(0, context), getAffineDimExpr(rank - 1, context)},
      context);
}

bool mlir::se::isElementwiseWithoutBroadcast(linalg::LinalgOp op) {
  return op.getNumLoops() == op.getNumParallelLoops() &&
         llvm::all_of(op.getIndexingMapsArray(),
                      [](AffineMap map) { return map.isIdentity(); });
}

bool mlir::se::isElementwisePerChannel(linalg::LinalgOp op) {
  if (op.getNumLoops() != op.getNumParallelLoops())
    return false;
  unsigned loops = op.getNumLoops();
  AffineMap perChannel = AffineMap::get(
      loops, 0, getAffineDimExpr(loops - 1, op.getContext()));
  return llvm::all_of(op->getOpOperands(), [&](OpOperand &operand) {
    AffineMap map = op.getMatchingIndexingMap(&operand);
    return map.isIdentity() || (loops > 0 && map == perChannel);
  });
}

void mlir::se::addOutputInitializers(
    linalg::LinalgOp op, llvm::SmallPtrSetImpl<Operation *> &fusible) {
  for (Value init : op.getDpsInits()) {
    auto initializer = init.getDefiningOp<linalg::LinalgOp>();
    if (initializer && init.hasOneUse() &&
        initializer.getNumReductionLoops() == 0 &&
        initializer.getNumDpsInputs() <= 1 &&
        llvm::all_of(initializer.getDpsInputOperands(), [](OpOperand *in) {
          auto type = dyn_cast<ShapedType>(in->get().getType());
          return !type || type.getRank() <= 1;
        }))
      fusible.insert(initializer);
  }
}

FailureOr<scf::SCFTileAndFuseResult>
mlir::se::tileByRows(RewriterBase &rewriter, linalg::LinalgOp op,
                     const llvm::SmallPtrSetImpl<Operation *> &fusible) {
  SmallVector<int64_t> tileSizes(op.getNumLoops(), 0);
  tileSizes[0] = tileSizes[1] = 1;
  scf::SCFTileAndFuseOptions options;
  options.tilingOptions.setLoopType(scf::SCFTilingOptions::LoopType::ForOp);
  options.tilingOptions.setTileSizes(
      getAsIndexOpFoldResult(rewriter.getContext(), tileSizes));
  options.setFusionControlFn(
      [&](tensor::ExtractSliceOp, OpResult origin,
          bool) -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
        if (!fusible.contains(origin.getOwner()))
          return std::nullopt;
        return scf::SCFTileAndFuseOptions::ControlFnResult{};
      });
  rewriter.setInsertionPoint(op);
  return scf::tileConsumerAndFuseProducersUsingSCF(
      rewriter, cast<TilingInterface>(op.getOperation()), options);
}

void mlir::se::markParallelRows(ArrayRef<LoopLikeOpInterface> loops) {
  for (LoopLikeOpInterface loop : loops)
    loop->removeAttr(kParallelTilesAttrName);
  for (LoopLikeOpInterface loop : loops) {
    std::optional<APInt> trips = loop.getStaticTripCount();
    if (trips && trips->ugt(1)) {
      loop->setAttr(kParallelTilesAttrName, UnitAttr::get(loop->getContext()));
      return;
    }
  }
}
