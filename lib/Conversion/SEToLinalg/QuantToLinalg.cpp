//===- QuantToLinalg.cpp - lower se.quantize / se.dequantize to linalg ----===//
//
// Each op becomes one element-wise linalg.generic. Per-tensor parameters
// are scalar constants in the body; per-axis ones are 1-D constant tensors
// read along the axis.
//
//===----------------------------------------------------------------------===//

#include "se/Conversion/SEToLinalg/SEToLinalg.h"
#include "se/Dialect/SE/IR/SEOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::se;

namespace {

/// Builds the generic of a quantize or dequantize op: `body` gets the input
/// element, the scale and the zero point (f32) and returns the result.
template <typename OpT>
Value buildQuantGeneric(
    PatternRewriter &rewriter, OpT op,
    function_ref<Value(OpBuilder &, Location, Value, Value, Value)> body) {
  Location loc = op.getLoc();
  auto inputType = cast<RankedTensorType>(op.getInput().getType());
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  int64_t rank = inputType.getRank();
  Type f32 = rewriter.getF32Type();
  SmallVector<float> zeroPoints(op.getZeroPoints().begin(),
                                op.getZeroPoints().end());

  SmallVector<Value> inputs = {op.getInput()};
  SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank)};
  if (!op.isPerTensor()) {
    auto vectorType =
        RankedTensorType::get({static_cast<int64_t>(zeroPoints.size())}, f32);
    for (ArrayRef<float> values : {op.getScales(), ArrayRef(zeroPoints)})
      inputs.push_back(arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(vectorType, values)));
    AffineMap alongAxis = AffineMap::get(
        rank, 0, rewriter.getAffineDimExpr(*op.getAxis()), op.getContext());
    maps.append({alongAxis, alongAxis});
  }
  maps.push_back(rewriter.getMultiDimIdentityMap(rank));

  SmallVector<OpFoldResult> sizes =
      tensor::getMixedSizes(rewriter, loc, op.getInput());
  Value init = tensor::EmptyOp::create(rewriter, loc, sizes,
                                       resultType.getElementType());
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             rewriter, loc, resultType, inputs, init, maps, iterators,
             [&](OpBuilder &b, Location nloc, ValueRange args) {
               Value scale, zeroPoint;
               if (op.isPerTensor()) {
                 scale = arith::ConstantOp::create(
                     b, nloc, b.getF32FloatAttr(op.getScales()[0]));
                 zeroPoint = arith::ConstantOp::create(
                     b, nloc, b.getF32FloatAttr(zeroPoints[0]));
               } else {
                 scale = args[1];
                 zeroPoint = args[2];
               }
               linalg::YieldOp::create(
                   b, nloc, body(b, nloc, args[0], scale, zeroPoint));
             })
      .getResult(0);
}

struct QuantizeToLinalg : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto [lo, hi] = op.getStorageRange();
    Value result = buildQuantGeneric(
        rewriter, op,
        [&, lo = lo, hi = hi](OpBuilder &b, Location loc, Value x, Value scale,
                              Value zeroPoint) -> Value {
          Value low = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(lo));
          Value high = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(hi));
          // x / scale, not x * (1 / scale): the rounding sees the quotient
          // ONNX specifies.
          Value scaled = arith::DivFOp::create(b, loc, x, scale);
          Value rounded = math::RoundEvenOp::create(b, loc, scaled);
          Value shifted = arith::AddFOp::create(b, loc, rounded, zeroPoint);
          // maxnumf/minnumf: NaN clamps to lo, as no conversion may see it.
          Value clamped = arith::MinNumFOp::create(
              b, loc, arith::MaxNumFOp::create(b, loc, shifted, low), high);
          Value wide = arith::FPToSIOp::create(b, loc, b.getI32Type(), clamped);
          return arith::TruncIOp::create(b, loc, b.getI8Type(), wide);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct DequantizeToLinalg : OpRewritePattern<DequantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DequantizeOp op,
                                PatternRewriter &rewriter) const override {
    bool isUnsigned = op.getStorage() == QuantStorage::U8;
    Value result = buildQuantGeneric(
        rewriter, op,
        [&](OpBuilder &b, Location loc, Value q, Value scale,
            Value zeroPoint) -> Value {
          Value wide = isUnsigned
                           ? arith::ExtUIOp::create(b, loc, b.getI32Type(), q)
                                 .getResult()
                           : arith::ExtSIOp::create(b, loc, b.getI32Type(), q)
                                 .getResult();
          Value value = arith::SIToFPOp::create(b, loc, b.getF32Type(), wide);
          // q - zero_point is exact in f32 (both fit in 9 bits).
          return arith::MulFOp::create(
              b, loc, arith::SubFOp::create(b, loc, value, zeroPoint), scale);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::se::populateQuantToLinalgConversionPatterns(
    RewritePatternSet &patterns) {
  patterns.add<QuantizeToLinalg, DequantizeToLinalg>(patterns.getContext());
}
