//===- PackConvWeights.cpp - constant conv filters to HWCF ----------------===//

#include "se/Codegen/Common/Passes.h"
#include "se/Utils/ConstantValues.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::se {
#define GEN_PASS_DEF_SEPACKCONVWEIGHTS
#include "se/Codegen/Common/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

namespace {
struct PackConvWeightsPass
    : se::impl::SEPackConvWeightsBase<PackConvWeightsPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation().walk([&](linalg::Conv2DNhwcFhwcOp conv) {
      Attribute filterAttr;
      Value filter = conv.getInputs()[1];
      auto type = cast<RankedTensorType>(filter.getType());
      if (!matchPattern(filter, m_Constant(&filterAttr)) ||
          !type.hasStaticShape() || !type.getElementType().isF32())
        return;
      ArrayRef<int64_t> fhwc = type.getShape();
      int64_t f = fhwc[0], kh = fhwc[1], kw = fhwc[2], c = fhwc[3];
      std::optional<std::vector<float>> values =
          se::getF32Values(filterAttr, type.getNumElements());
      if (!values)
        return;
      std::vector<float> hwcf =
          se::permuteRowMajor<float>(*values, fhwc, {1, 2, 3, 0});
      auto packedType =
          RankedTensorType::get({kh, kw, c, f}, type.getElementType());
      auto packedAttr = se::makeF32Resource(packedType, "conv_hwcf", hwcf);
      rewriter.setInsertionPoint(conv);
      Value packed = arith::ConstantOp::create(rewriter, conv.getLoc(),
                                               cast<TypedAttr>(packedAttr));
      rewriter.replaceOpWithNewOp<linalg::Conv2DNhwcHwcfOp>(
          conv, conv.getResultTypes(), ValueRange{conv.getInputs()[0], packed},
          conv.getOutputs(), conv.getStrides(), conv.getDilations());
    });
  }
};
} // namespace
