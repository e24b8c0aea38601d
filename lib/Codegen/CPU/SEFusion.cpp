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

bool mlir::se::readsPerChannel(AffineMap map, Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  unsigned loops = map.getNumDims();
  if (!tensor || loops == 0 || map.getNumResults() != tensor.getRank() ||
      map.getNumResults() == 0 ||
      map.getResults().back() != getAffineDimExpr(loops - 1, map.getContext()))
    return false;
  // Every other dimension is 1, read at 0 or by a loop that can only be 0.
  return llvm::all_of(tensor.getShape().drop_back(),
                      [](int64_t size) { return size == 1; }) &&
         llvm::all_of(map.getResults().drop_back(), [](AffineExpr expr) {
           auto constant = dyn_cast<AffineConstantExpr>(expr);
           return isa<AffineDimExpr>(expr) ||
                  (constant && constant.getValue() == 0);
         });
}

bool mlir::se::isElementwisePerChannel(linalg::LinalgOp op) {
  if (op.getNumLoops() != op.getNumParallelLoops())
    return false;
  return llvm::all_of(op->getOpOperands(), [&](OpOperand &operand) {
    AffineMap map = op.getMatchingIndexingMap(&operand);
    return map.isIdentity() || readsPerChannel(map, operand.get().getType());
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
