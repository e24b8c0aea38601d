//===- PackConvWeights.cpp - constant conv filters to HWCF ----------------===//

#include "se/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::se {
#define GEN_PASS_DEF_SECPUPACKCONVWEIGHTS
#include "se/Codegen/CPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

/// The f32 values of a constant, or nothing for an unsupported attribute.
static std::optional<std::vector<float>> valuesOf(Attribute attr,
                                                  int64_t count) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != count * sizeof(float))
      return std::nullopt;
    const float *data =
        reinterpret_cast<const float *>(blob->getData().data());
    return std::vector<float>(data, data + count);
  }
  if (auto dense = dyn_cast<DenseFPElementsAttr>(attr)) {
    std::vector<float> values;
    values.reserve(count);
    if (dense.isSplat())
      values.assign(count, dense.getSplatValue<float>());
    else
      for (float v : dense.getValues<float>())
        values.push_back(v);
    return values;
  }
  return std::nullopt;
}

namespace {
struct PackConvWeightsPass
    : se::impl::SECPUPackConvWeightsBase<PackConvWeightsPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    int64_t counter = 0;
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
          valuesOf(filterAttr, type.getNumElements());
      if (!values)
        return;
      std::vector<float> hwcf(values->size());
      for (int64_t o = 0; o < f; ++o)
        for (int64_t i = 0; i < kh; ++i)
          for (int64_t j = 0; j < kw; ++j)
            for (int64_t ch = 0; ch < c; ++ch)
              hwcf[((i * kw + j) * c + ch) * f + o] =
                  (*values)[((o * kh + i) * kw + j) * c + ch];
      auto packedType =
          RankedTensorType::get({kh, kw, c, f}, type.getElementType());
      auto blob = HeapAsmResourceBlob::allocateAndCopyInferAlign<float>(hwcf);
      auto packedAttr = DenseResourceElementsAttr::get(
          packedType, "conv_hwcf_" + std::to_string(counter++),
          std::move(blob));
      rewriter.setInsertionPoint(conv);
      Value packed = arith::ConstantOp::create(rewriter, conv.getLoc(),
                                               cast<TypedAttr>(packedAttr));
      rewriter.replaceOpWithNewOp<linalg::Conv2DNhwcHwcfOp>(
          conv, conv.getResultTypes(),
          ValueRange{conv.getInputs()[0], packed}, conv.getOutputs(),
          conv.getStrides(), conv.getDilations());
    });
  }
};
} // namespace
