//===- FuseScaleIntoConsumers.cpp - SE scale folded into its readers ------===//
//
// An SE block without a residual (SE-PRE, SE-POST, SE on the identity,
// MobileNet-style) ends in Y = s * U, which its consumers then read. When
// every consumer can apply the per-channel factor itself, Y is never
// written: element-wise consumers multiply as they read U, and 1x1
// convolutions run row by row, each row of their input scaled into a
// row-sized temporary right before the row is used.
//
//===----------------------------------------------------------------------===//

#include "se/Codegen/CPU/Passes.h"
#include "se/Codegen/CPU/SEFusion.h"
#include "se/Dialect/SE/IR/SEOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::se {
#define GEN_PASS_DEF_SECPUFUSESCALEINTOCONSUMERS
#include "se/Codegen/CPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;
using namespace mlir::se;

namespace {

using utils::IteratorType;

/// Y = s * U as convert-se-to-linalg builds it for NHWC without a residual:
/// a generic over collapse_shape(U) : N x HW x C and the gate N x C whose
/// only user expands the result back to N x H x W x C.
struct ScaleMatch {
  linalg::GenericOp scale;
  tensor::ExpandShapeOp expand;
  Value featureMap, gate;
};

std::optional<ScaleMatch> matchScale(linalg::GenericOp scale) {
  if (scale.getNumDpsInputs() != 2 || scale.getNumDpsInits() != 1 ||
      !scale->getResult(0).hasOneUse())
    return std::nullopt;
  auto collapse =
      scale.getDpsInputs()[0].getDefiningOp<tensor::CollapseShapeOp>();
  auto expand =
      dyn_cast<tensor::ExpandShapeOp>(*scale->getResult(0).user_begin());
  if (!collapse || !expand ||
      !collapsesNHWCSpatial(collapse.getReassociationIndices()) ||
      !collapsesNHWCSpatial(expand.getReassociationIndices()) ||
      collapse.getSrcType() != expand.getResultType() ||
      !collapse.getSrcType().hasStaticShape())
    return std::nullopt;
  SmallVector<AffineMap> maps = scale.getIndexingMapsArray();
  if (!maps[0].isIdentity() ||
      maps[1] != imageChannelMap(3, scale.getContext()) ||
      !maps[2].isIdentity() || scale.getNumReductionLoops() != 0)
    return std::nullopt;
  // The body is one multiplication of the two inputs.
  Block &body = scale.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto multiply = yield.getValues()[0].getDefiningOp<arith::MulFOp>();
  if (body.getOperations().size() != 2 || !multiply ||
      !llvm::is_contained(multiply->getOperands(), body.getArgument(0)) ||
      !llvm::is_contained(multiply->getOperands(), body.getArgument(1)))
    return std::nullopt;
  return ScaleMatch{scale, expand, collapse.getSrc(), scale.getDpsInputs()[1]};
}

bool isElementwiseReader(Operation *user, Value y) {
  auto generic = dyn_cast<linalg::GenericOp>(user);
  return generic && isElementwiseWithoutBroadcast(generic) &&
         llvm::none_of(generic.getDpsInits(),
                       [&](Value init) { return init == y; });
}

/// A 1x1 convolution (NHWC input, HWCF or FHWC filter) reading `y` as its
/// input: one input row per output row, so scaling rows as they are needed
/// computes each one once.
bool isPointwiseConvReader(Operation *user, Value y) {
  auto conv = dyn_cast<linalg::LinalgOp>(user);
  if (!conv || !isa<linalg::Conv2DNhwcHwcfOp, linalg::Conv2DNhwcFhwcOp>(user) ||
      conv.getDpsInputs()[0] != y || conv.getDpsInputs()[1] == y)
    return false;
  auto filter = cast<RankedTensorType>(conv.getDpsInputs()[1].getType());
  bool hwcf = isa<linalg::Conv2DNhwcHwcfOp>(user);
  auto dilations = hwcf ? cast<linalg::Conv2DNhwcHwcfOp>(user).getDilations()
                        : cast<linalg::Conv2DNhwcFhwcOp>(user).getDilations();
  return filter.hasStaticShape() && filter.getDimSize(hwcf ? 0 : 1) == 1 &&
         filter.getDimSize(hwcf ? 1 : 2) == 1 &&
         llvm::all_of(dilations, [](APInt d) { return d.getSExtValue() == 1; });
}

/// Y = s * U in four dimensions, so that tiling a consumer by rows slices it
/// directly.
linalg::GenericOp buildScale4D(RewriterBase &rewriter, ScaleMatch match) {
  Location loc = match.scale.getLoc();
  auto type = cast<RankedTensorType>(match.featureMap.getType());
  AffineMap id = rewriter.getMultiDimIdentityMap(4);
  AffineMap gate = imageChannelMap(4, rewriter.getContext());
  Value empty = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                        type.getElementType());
  auto scale = linalg::GenericOp::create(
      rewriter, loc, type, ValueRange{match.featureMap, match.gate},
      ValueRange{empty}, ArrayRef<AffineMap>{id, gate, id},
      SmallVector<IteratorType>(4, IteratorType::parallel),
      [](OpBuilder &b, Location nested, ValueRange args) {
        Value y = arith::MulFOp::create(b, nested, args[0], args[1],
                                        arith::FastMathFlags::contract);
        linalg::YieldOp::create(b, nested, y);
      });
  copySETags(match.scale, scale);
  return scale;
}

/// Marks `op` (a loop or a generic, whose tile loops inherit the tags) as a
/// reader that applies the SE block's scale (`se.phase = "scaled-read"`).
void tagScaledRead(Operation *op, Operation *scale) {
  if (Attribute name = scale->getAttr(kSEBlockAttrName)) {
    op->setAttr(kSEBlockAttrName, name);
    op->setAttr(kSEPhaseAttrName,
                StringAttr::get(op->getContext(), "scaled-read"));
  }
}

/// Tiles `conv` by (image, output row) with the scale of its input fused:
/// each iteration scales the one input row it reads.
LogicalResult fuseIntoConvRows(RewriterBase &rewriter, linalg::LinalgOp conv,
                               linalg::GenericOp scale) {
  // The ops that initialize the output (bias broadcast, fill) come along
  // when the convolution is their only user.
  llvm::SmallPtrSet<Operation *, 4> fusible = {scale};
  addOutputInitializers(conv, fusible);
  FailureOr<scf::SCFTileAndFuseResult> tiled =
      tileByRows(rewriter, conv, fusible);
  if (failed(tiled) || !tiled->fusedProducers.contains(scale))
    return failure();
  rewriter.replaceOp(conv, tiled->replacements.lookup(conv->getResult(0)));
  // The scaled row goes to a row-sized temporary of its own, not to a slice
  // of a whole tensor that would reach memory.
  for (Operation *op : tiled->tiledAndFusedOps) {
    auto rowScale = dyn_cast<linalg::GenericOp>(op);
    if (!rowScale || rowScale.getNumDpsInputs() != 2 ||
        rowScale->getAttr(kSEPhaseAttrName) != scale->getAttr(kSEPhaseAttrName))
      continue;
    OpOperand &init = rowScale.getDpsInitsMutable()[0];
    auto type = cast<RankedTensorType>(init.get().getType());
    rewriter.setInsertionPoint(rowScale);
    Value row = tensor::EmptyOp::create(rewriter, rowScale.getLoc(),
                                        type.getShape(), type.getElementType());
    rewriter.modifyOpInPlace(rowScale, [&] { init.set(row); });
  }
  markParallelRows(tiled->loops);
  tagScaledRead(tiled->loops.back(), scale);
  return success();
}

/// Folds one SE scale into its consumers if all of them can take it.
void fuseScale(RewriterBase &rewriter, ScaleMatch match) {
  Value y = match.expand.getResult();
  if (y.use_empty() || llvm::any_of(y.getUsers(), [&](Operation *user) {
        return !isElementwiseReader(user, y) && !isPointwiseConvReader(user, y);
      }))
    return;
  rewriter.setInsertionPoint(match.scale);
  linalg::GenericOp scale = buildScale4D(rewriter, match);
  rewriter.replaceAllUsesWith(y, scale->getResult(0));

  // Each reader gets a copy of the scale of its own: fusing a producer with
  // other users would keep writing its result.
  SmallVector<OpOperand *> uses = llvm::map_to_vector(
      scale->getResult(0).getUses(), [](OpOperand &use) { return &use; });
  for (OpOperand *use : uses) {
    Operation *reader = use->getOwner();
    rewriter.setInsertionPoint(reader);
    auto copy = cast<linalg::GenericOp>(rewriter.clone(*scale));
    rewriter.modifyOpInPlace(reader, [&] { use->set(copy->getResult(0)); });
    // Should a fusion fail, the reader reads its copy whole: correct, one
    // pass more.
    if (isa<linalg::ConvolutionOpInterface>(reader)) {
      (void)fuseIntoConvRows(rewriter, cast<linalg::LinalgOp>(reader), copy);
    } else {
      FailureOr<linalg::ElementwiseOpFusionResult> fused =
          linalg::fuseElementwiseOps(rewriter, use);
      if (succeeded(fused)) {
        for (auto [original, replacement] : fused->replacements)
          rewriter.replaceAllUsesWith(original, replacement);
        tagScaledRead(fused->fusedOp, copy);
        rewriter.eraseOp(reader);
      }
    }
    if (copy->use_empty())
      rewriter.eraseOp(copy);
  }
  rewriter.eraseOp(scale);
  rewriter.eraseOp(match.expand);
  rewriter.eraseOp(match.scale);
}

struct FuseScaleIntoConsumersPass
    : se::impl::SECPUFuseScaleIntoConsumersBase<FuseScaleIntoConsumersPass> {
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> scales;
    getOperation().walk([&](linalg::GenericOp generic) {
      auto phase = generic->getAttrOfType<StringAttr>(kSEPhaseAttrName);
      if (phase && phase.getValue() == "scale")
        scales.push_back(generic);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp scale : scales)
      if (std::optional<ScaleMatch> match = matchScale(scale))
        fuseScale(rewriter, *match);
  }
};

} // namespace
