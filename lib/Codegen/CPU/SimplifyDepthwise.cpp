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
/// depthwise_conv_2d_nhwc_hwcm (M = 1, constant filter) whose result is
/// only collapsed to NHWC -> depthwise_conv_2d_nhwc_hwc.
struct DepthwiseWithoutMultiplier
    : OpRewritePattern<linalg::DepthwiseConv2DNhwcHwcmOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::DepthwiseConv2DNhwcHwcmOp conv,
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
    std::optional<std::vector<float>> values =
        se::getF32Values(filterAttr, filterType.getNumElements());
    if (!values)
      return rewriter.notifyMatchFailure(conv, "filter not readable as f32");

    Location loc = conv.getLoc();
    auto hwcType = RankedTensorType::get(filterType.getShape().drop_back(),
                                         filterType.getElementType());
    Value filter = arith::ConstantOp::create(
        rewriter, loc, se::makeF32Resource(hwcType, "depthwise_hwc", *values));
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
    auto depthwise = linalg::DepthwiseConv2DNhwcHwcOp::create(
        rewriter, loc, TypeRange{outputType},
        ValueRange{conv.getInputs()[0], filter}, ValueRange{output},
        conv.getStrides(), conv.getDilations());
    rewriter.replaceOp(collapse, depthwise.getResult(0));
    rewriter.eraseOp(conv);
    return success();
  }
};

struct SimplifyDepthwisePass
    : se::impl::SECPUSimplifyDepthwiseBase<SimplifyDepthwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DepthwiseWithoutMultiplier>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
