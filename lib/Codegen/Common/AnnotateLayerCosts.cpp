//===- AnnotateLayerCosts.cpp - layer costs for the per-op profile --------===//

#include "se/Analysis/CostReport.h"
#include "se/Codegen/Common/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::se {
#define GEN_PASS_DEF_SEANNOTATELAYERCOSTS
#include "se/Codegen/Common/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

namespace {
struct AnnotateLayerCostsPass
    : se::impl::SEAnnotateLayerCostsBase<AnnotateLayerCostsPass> {
  void runOnOperation() override {
    Builder b(&getContext());
    SmallVector<Attribute> layers;
    for (const se::LayerCost &layer : se::computeLayerCosts(getOperation()))
      layers.push_back(b.getDictionaryAttr({
          b.getNamedAttr("name", b.getStringAttr(layer.name)),
          b.getNamedAttr("kind", b.getStringAttr(layer.kind)),
          b.getNamedAttr("shape", b.getDenseI64ArrayAttr(layer.shape)),
          b.getNamedAttr("macs", b.getI64IntegerAttr(layer.macs)),
          b.getNamedAttr("bytes", b.getI64IntegerAttr(layer.bytes)),
      }));
    getOperation()->setAttr(se::kLayerCostsAttrName, b.getArrayAttr(layers));
  }
};
} // namespace
