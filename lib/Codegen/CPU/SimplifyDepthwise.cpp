//===- SimplifyDepthwise.cpp - depthwise convolutions on NHWC tensors -----===//

#include "se/Codegen/CPU/Passes.h"
#include "se/Utils/ConstantValues.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::se {
#define GEN_PASS_DEF_SECPUSIMPLIFYDEPTHWISE
#include "se/Codegen/CPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

namespace {
/// The filter of a depthwise convolution as a constant of its type's
/// elements (f32, or the i8 codes of an integer one) reshaped to `type`.
Value reshapeConstantFilter(OpBuilder &b, Location loc, Attribute filter,
                            RankedTensorType type) {
  int64_t count = type.getNumElements();
  if (type.getElementType().isF32()) {
    std::optional<std::vector<float>> values = se::getF32Values(filter, count);
    if (!values)
      return {};
    return arith::ConstantOp::create(
        b, loc, se::makeF32Resource(type, "depthwise_hwc", *values));
  }
  std::optional<std::vector<int8_t>> codes = se::getI8Values(filter, count);
  if (!codes)
    return {};
  return arith::ConstantOp::create(
      b, loc,
      se::makeResource(
          type, "depthwise_hwc_int8",
          ArrayRef<char>(reinterpret_cast<const char *>(codes->data()),
                         codes->size()),
          alignof(int8_t)));
}

/// depthwise_conv_2d_nhwc_hwcm (M = 1, constant filter) whose result is
/// only collapsed to NHWC -> depthwise_conv_2d_nhwc_hwc; the same for the
/// integer forms with zero points (hwcm_q -> hwc_q).
template <typename HwcmOp, typename HwcOp>
struct DepthwiseWithoutMultiplier : OpRewritePattern<HwcmOp> {
  using OpRewritePattern<HwcmOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(HwcmOp conv,
                                PatternRewriter &rewriter) const override {
    auto filterType = cast<RankedTensorType>(conv.getInputs()[1].getType());
    auto resultType = cast<RankedTensorType>(conv.getResult(0).getType());
    if (!filterType.hasStaticShape() || !resultType.hasStaticShape() ||
        filterType.getDimSize(3) != 1 || !conv.getResult(0).hasOneUse())
      return rewriter.notifyMatchFailure(conv, "not a static multiplier of 1");
    auto collapse = dyn_cast<tensor::CollapseShapeOp>(
        *conv.getResult(0).getUsers().begin());
    SmallVector<ReassociationIndices> toNHWC = {{0}, {1}, {2}, {3, 4}};
    if (!collapse || collapse.getReassociationIndices() != toNHWC)
      return rewriter.notifyMatchFailure(conv, "result not collapsed to NHWC");
    Attribute filterAttr;
    if (!matchPattern(conv.getInputs()[1], m_Constant(&filterAttr)))
      return rewriter.notifyMatchFailure(conv, "filter not constant");
    if (!filterType.getElementType().isF32() &&
        !filterType.getElementType().isInteger(8))
      return rewriter.notifyMatchFailure(conv, "filter neither f32 nor i8");

    Location loc = conv.getLoc();
    auto hwcType = RankedTensorType::get(filterType.getShape().drop_back(),
                                         filterType.getElementType());
    Value filter = reshapeConstantFilter(rewriter, loc, filterAttr, hwcType);
    if (!filter)
      return rewriter.notifyMatchFailure(conv, "filter not readable");
    auto outputType = cast<RankedTensorType>(collapse.getResult().getType());
    Value init = conv.getOutputs()[0];
    Value output;
    if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
      Value empty = tensor::EmptyOp::create(rewriter, loc,
                                            outputType.getShape(),
                                            outputType.getElementType());
      output = linalg::FillOp::create(rewriter, loc, fill.getInputs()[0], empty)
                   .getResult(0);
    } else {
      output = tensor::CollapseShapeOp::create(rewriter, loc, init, toNHWC);
    }
    SmallVector<Value> inputs = conv.getInputs();
    inputs[1] = filter;
    auto depthwise = HwcOp::create(rewriter, loc, TypeRange{outputType}, inputs,
                                   ValueRange{output}, conv.getStrides(),
                                   conv.getDilations());
    rewriter.replaceOp(collapse, depthwise.getResult(0));
    rewriter.eraseOp(conv);
    return success();
  }
};

struct SimplifyDepthwisePass
    : se::impl::SECPUSimplifyDepthwiseBase<SimplifyDepthwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DepthwiseWithoutMultiplier<linalg::DepthwiseConv2DNhwcHwcmOp,
                                            linalg::DepthwiseConv2DNhwcHwcOp>,
                 DepthwiseWithoutMultiplier<linalg::DepthwiseConv2DNhwcHwcmQOp,
                                            linalg::DepthwiseConv2DNhwcHwcQOp>>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
