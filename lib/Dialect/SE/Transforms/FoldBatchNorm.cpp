//===- FoldBatchNorm.cpp - batch norm into the preceding convolution ------===//

#include "se/Dialect/SE/Transforms/Passes.h"
#include "se/Utils/ConstantValues.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::se {
#define GEN_PASS_DEF_SEFOLDBATCHNORM
#include "se/Dialect/SE/Transforms/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

namespace {

/// The values of a constant operand broadcast to `channels` per-channel
/// values (a single value or one per channel of the last dimension).
std::optional<std::vector<float>> perChannel(Value value, int64_t channels) {
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  auto type = cast<ShapedType>(value.getType());
  if (!type.hasStaticShape())
    return std::nullopt;
  int64_t count = type.getNumElements();
  // Only the last dimension may be longer than 1.
  for (int64_t d = 0; d + 1 < type.getRank(); ++d)
    if (type.getDimSize(d) != 1)
      return std::nullopt;
  if (count != 1 && count != channels)
    return std::nullopt;
  std::optional<std::vector<float>> values = se::getF32Values(attr, count);
  if (values && count == 1)
    values->assign(channels, values->front());
  return values;
}

/// Multiplies each output channel's weights (contiguous, `weights` holds
/// one row per channel) by that channel's scale.
void scaleRows(std::vector<float> &weights, ArrayRef<float> scale) {
  size_t row = weights.size() / scale.size();
  for (size_t o = 0; o < scale.size(); ++o)
    for (size_t i = 0; i < row; ++i)
      weights[o * row + i] *= scale[o];
}

struct FoldBatchNormPass : se::impl::SEFoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<tosa::AddOp> adds;
    getOperation().walk([&](tosa::AddOp add) { adds.push_back(add); });
    for (tosa::AddOp add : adds)
      (void)fold(rewriter, add);
  }

  LogicalResult fold(IRRewriter &rewriter, tosa::AddOp add) {
    auto mul = add.getInput1().getDefiningOp<tosa::MulOp>();
    Value shiftValue = add.getInput2();
    if (!mul || !mul->hasOneUse())
      return failure();
    if (auto collapse =
            mul.getInput1().getDefiningOp<tensor::CollapseShapeOp>())
      return foldGrouped(rewriter, add, mul, collapse);
    auto conv = mul.getInput1().getDefiningOp<tosa::Conv2DOp>();
    if (!conv || !conv->hasOneUse() || !matchPattern(mul.getShift(), m_Zero()))
      return failure();
    auto weightType = cast<RankedTensorType>(conv.getWeight().getType());
    if (!weightType.hasStaticShape() || !weightType.getElementType().isF32())
      return failure();
    int64_t channels = weightType.getDimSize(0);
    Attribute weightAttr;
    if (!matchPattern(conv.getWeight(), m_Constant(&weightAttr)))
      return failure();
    std::optional<std::vector<float>> weights =
        se::getF32Values(weightAttr, weightType.getNumElements());
    std::optional<std::vector<float>> bias =
        perChannel(conv.getBias(), channels);
    std::optional<std::vector<float>> scale =
        perChannel(mul.getInput2(), channels);
    std::optional<std::vector<float>> shift = perChannel(shiftValue, channels);
    if (!weights || !bias || !scale || !shift)
      return failure();

    scaleRows(*weights, *scale);
    for (int64_t o = 0; o < channels; ++o)
      (*bias)[o] = (*bias)[o] * (*scale)[o] + (*shift)[o];
    rewriter.setInsertionPoint(conv);
    auto biasType = RankedTensorType::get({channels}, rewriter.getF32Type());
    Value newWeights = tosa::ConstOp::create(
        rewriter, conv.getLoc(), weightType,
        se::makeF32Resource(weightType, "folded_weights", *weights));
    Value newBias = tosa::ConstOp::create(
        rewriter, conv.getLoc(), biasType,
        se::makeF32Resource(biasType, "folded_bias", *bias));
    auto folded = tosa::Conv2DOp::create(
        rewriter, conv.getLoc(), add.getType(), conv.getInput(), newWeights,
        newBias, conv.getInputZp(), conv.getWeightZp(), conv.getPadAttr(),
        conv.getStrideAttr(), conv.getDilationAttr(), conv.getAccTypeAttr(),
        conv.getLocalBoundAttr());
    rewriter.replaceOp(add, folded.getResult());
    rewriter.eraseOp(mul);
    rewriter.eraseOp(conv);
    return success();
  }

  /// The grouped form (TOSA has none): collapse(conv_2d_nhwgc_gfhwc(x, W,
  /// fill(0))) * scale + shift becomes collapse(conv(x, W * scale,
  /// broadcast(shift))): the scale goes into the filter, the shift into
  /// the accumulator's initial value.
  LogicalResult foldGrouped(IRRewriter &rewriter, tosa::AddOp add,
                            tosa::MulOp mul, tensor::CollapseShapeOp collapse) {
    auto conv = collapse.getSrc().getDefiningOp<linalg::Conv2DNhwgcGfhwcOp>();
    if (!conv || !conv->hasOneUse() || !collapse->hasOneUse() ||
        !matchPattern(mul.getShift(), m_Zero()))
      return failure();
    auto fill = conv.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
    Value filter = conv.getDpsInputs()[1];
    auto filterType = cast<RankedTensorType>(filter.getType());
    // The builders reshape an O x KH x KW x I/G constant into the filter.
    if (auto reshape = filter.getDefiningOp<tosa::ReshapeOp>())
      filter = reshape.getInput1();
    auto outType = cast<RankedTensorType>(conv->getResult(0).getType());
    Attribute filterAttr;
    if (!fill || !fill->hasOneUse() ||
        !matchPattern(fill.getInputs()[0], m_AnyZeroFloat()) ||
        !filterType.hasStaticShape() || !outType.hasStaticShape() ||
        !matchPattern(filter, m_Constant(&filterAttr)) ||
        cast<ShapedType>(filter.getType()).getNumElements() !=
            filterType.getNumElements())
      return failure();
    // G x F x KH x KW x C/G: output channel g * F + f.
    int64_t channels = filterType.getDimSize(0) * filterType.getDimSize(1);
    std::optional<std::vector<float>> weights =
        se::getF32Values(filterAttr, filterType.getNumElements());
    std::optional<std::vector<float>> scale =
        perChannel(mul.getInput2(), channels);
    std::optional<std::vector<float>> shift =
        perChannel(add.getInput2(), channels);
    if (!weights || !scale || !shift)
      return failure();
    scaleRows(*weights, *scale);

    rewriter.setInsertionPoint(conv);
    Location loc = conv.getLoc();
    Value newFilter = arith::ConstantOp::create(
        rewriter, loc, filterType,
        se::makeF32Resource(filterType, "folded_weights", *weights));
    auto shiftType = RankedTensorType::get(
        {filterType.getDimSize(0), filterType.getDimSize(1)},
        rewriter.getF32Type());
    Value shiftConstant = arith::ConstantOp::create(
        rewriter, loc, shiftType,
        se::makeF32Resource(shiftType, "folded_shift", *shift));
    Value init = linalg::BroadcastOp::create(
                     rewriter, loc, shiftConstant,
                     tensor::EmptyOp::create(rewriter, loc, outType.getShape(),
                                             outType.getElementType()),
                     ArrayRef<int64_t>{0, 1, 2})
                     ->getResult(0);
    auto folded = linalg::Conv2DNhwgcGfhwcOp::create(
        rewriter, loc, TypeRange{outType},
        ValueRange{conv.getDpsInputs()[0], newFilter}, ValueRange{init},
        conv.getStrides(), conv.getDilations());
    Value collapsed = tensor::CollapseShapeOp::create(
        rewriter, collapse.getLoc(), folded.getResult(0),
        collapse.getReassociationIndices());
    rewriter.replaceOp(add, collapsed);
    rewriter.eraseOp(mul);
    rewriter.eraseOp(collapse);
    rewriter.eraseOp(conv);
    rewriter.eraseOp(fill);
    return success();
  }
};
} // namespace
