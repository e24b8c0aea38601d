//===- LowerVectors.cpp - lower n-D vector ops for the LLVM lowering ------===//

#include "se/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::se {
#define GEN_PASS_DEF_SECPULOWERVECTORS
#include "se/Codegen/CPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

namespace {
/// Whether `value` is 1.0: a scalar, a splat or a broadcast of one.
bool isOne(Value value) {
  if (auto broadcast = value.getDefiningOp<vector::BroadcastOp>())
    value = broadcast.getSource();
  return matchPattern(value, m_OneFloat());
}

/// The exponential `t` of a sigmoid 1 / (1 + exp(t)) that `div` computes.
math::ExpOp matchSigmoid(arith::DivFOp div) {
  auto sum = div.getRhs().getDefiningOp<arith::AddFOp>();
  if (!isOne(div.getLhs()) || !sum)
    return {};
  if (isOne(sum.getRhs()))
    return sum.getLhs().getDefiningOp<math::ExpOp>();
  if (isOne(sum.getLhs()))
    return sum.getRhs().getDefiningOp<math::ExpOp>();
  return {};
}

/// Computes the exponential of each f32 sigmoid, 1 / (1 + exp(t)), in 13
/// vector ops instead of the general approximation's ~22. A sigmoid needs no
/// exponent outside [-87, 87] (there it is 1 or below 2^-125), so `t` is
/// clamped once and the range checks go; 2^n comes from the exponent bits
/// that the rounding of t / ln 2 by a magic number leaves in place. The
/// polynomial is e^f's minimax polynomial of degree 5 on |f| <= ln(2) / 2
/// (relative error 7.5e-8; 2.1e-7 evaluated in f32, as good as the Taylor
/// series to degree 6 with one FMA less). NaN stays NaN. A sigmoid that only
/// multiplies, as SiLU's x * sigmoid(x), becomes x / (1 + exp(t)): one
/// rounding and one op less.
void expandSigmoidExponentials(Operation *root) {
  SmallVector<math::ExpOp> exponentials;
  SmallVector<arith::DivFOp> multipliedSigmoids;
  root->walk([&](arith::DivFOp div) {
    if (math::ExpOp exp = matchSigmoid(div))
      if (auto type = dyn_cast<VectorType>(exp.getType());
          type && type.getElementType().isF32() && exp->hasOneUse()) {
        exponentials.push_back(exp);
        auto mul = div->hasOneUse()
                       ? dyn_cast<arith::MulFOp>(*div->user_begin())
                       : nullptr;
        if (mul && mul.getLhs() != mul.getRhs())
          multipliedSigmoids.push_back(div);
      }
  });
  for (arith::DivFOp div : multipliedSigmoids) {
    auto mul = cast<arith::MulFOp>(*div->user_begin());
    Value factor =
        mul.getLhs() == div.getResult() ? mul.getRhs() : mul.getLhs();
    OpBuilder b(mul);
    mul.getResult().replaceAllUsesWith(
        arith::DivFOp::create(b, mul.getLoc(), factor, div.getRhs()));
    mul.erase();
    div.erase();
  }
  for (math::ExpOp exp : exponentials) {
    auto type = cast<VectorType>(exp.getType());
    OpBuilder b(exp);
    Location loc = exp.getLoc();
    auto intType = type.clone(b.getI32Type());
    auto constant = [&](float value) -> Value {
      return arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(type, b.getF32FloatAttr(value)));
    };
    auto fma = [&](Value a, Value x, Value c) -> Value {
      return math::FmaOp::create(b, loc, a, x, c);
    };
    // select(t > 87, 87, t) and select(t < -87, -87, t): vminps / vmaxps,
    // and a NaN t passes.
    Value t = exp.getOperand();
    Value high = constant(87.0f), low = constant(-87.0f);
    t = arith::SelectOp::create(
        b, loc,
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, t, high),
        high, t);
    t = arith::SelectOp::create(
        b, loc,
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, t, low), low,
        t);
    // y = t / ln 2 + 1.5 * 2^23 + 127: its low mantissa bits hold n + 127
    // for n = round(t / ln 2).
    Value magic = constant(12582912.0f + 127.0f);
    Value y = fma(t, constant(1.44269504f), magic);
    Value n = arith::SubFOp::create(b, loc, y, magic);
    Value f = fma(n, constant(-0.693145752f), t);
    f = fma(n, constant(-1.42860677e-6f), f);
    Value p = constant(0.00829765480f);
    for (float c :
         {0.0419153832f, 0.166675746f, 0.499988943f, 0.999999702f, 1.00000012f})
      p = fma(p, f, constant(c));
    Value bits = arith::ShLIOp::create(
        b, loc, arith::BitcastOp::create(b, loc, intType, y),
        arith::ConstantOp::create(
            b, loc, DenseElementsAttr::get(intType, b.getI32IntegerAttr(23))));
    Value scale = arith::BitcastOp::create(b, loc, type, bits);
    exp.getResult().replaceAllUsesWith(
        arith::MulFOp::create(b, loc, p, scale));
    exp.erase();
  }
}

struct LowerVectorsPass : se::impl::SECPULowerVectorsBase<LowerVectorsPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // Keep loop-carried accumulators in registers across reduction loops.
    linalg::hoistRedundantVectorTransfers(getOperation());
    if (failed(lowerMultiReductions()))
      return signalPassFailure();
    // Each stage is its own greedy application: mixing, e.g., the leading
    // unit-dim casts with the lowering patterns never converges.
    auto apply = [&](function_ref<void(RewritePatternSet &)> populate) {
      RewritePatternSet patterns(ctx);
      populate(patterns);
      return applyPatternsGreedily(getOperation(), std::move(patterns));
    };
    expandSigmoidExponentials(getOperation());
    auto stages = {
        // The gates' exp and tanh as polynomials on whole vectors (a few
        // ulp from libm's; tested against a double-precision reference)
        // rather than one libm call per lane.
        +[](RewritePatternSet &patterns) {
          populateMathPolynomialApproximationPatterns(
              patterns, [](StringRef name) {
                return name == math::ExpOp::getOperationName() ||
                       name == math::TanhOp::getOperationName();
              });
        },
        +[](RewritePatternSet &patterns) {
          vector::populateVectorMaskLoweringPatternsForSideEffectingOps(
              patterns);
          vector::populateVectorTransferPermutationMapLoweringPatterns(
              patterns);
        },
        +[](RewritePatternSet &patterns) {
          vector::populateVectorContractLoweringPatterns(
              patterns, vector::VectorContractLowering::OuterProduct);
          vector::populateVectorTransposeLoweringPatterns(
              patterns, vector::VectorTransposeLowering::EltWise);
        },
        +[](RewritePatternSet &patterns) {
          vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
        },
        +[](RewritePatternSet &patterns) {
          vector::populateVectorBroadcastLoweringPatterns(patterns);
          vector::populateVectorShapeCastLoweringPatterns(patterns);
        },
    };
    for (auto populate : stages)
      if (failed(apply(populate)))
        return signalPassFailure();
  }

  /// Lowers each multi-reduction along its memory order: one whose innermost
  /// dimension is reduced becomes horizontal reductions of rows; one whose
  /// innermost dimension is parallel becomes elementwise vector ops over the
  /// reduced rows, with no transposes.
  LogicalResult lowerMultiReductions() {
    SmallVector<Operation *> innerReduced, innerParallel;
    getOperation().walk([&](vector::MultiDimReductionOp op) {
      int64_t innermost = op.getSourceVectorType().getRank() - 1;
      (op.isReducedDim(innermost) ? innerReduced : innerParallel).push_back(op);
    });
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    for (auto [ops, lowering] :
         {std::make_pair(innerReduced,
                         vector::VectorMultiReductionLowering::InnerReduction),
          std::make_pair(
              innerParallel,
              vector::VectorMultiReductionLowering::InnerParallel)}) {
      if (ops.empty())
        continue;
      RewritePatternSet patterns(&getContext());
      vector::populateVectorMultiReductionLoweringPatterns(patterns, lowering);
      if (failed(applyOpPatternsGreedily(ops, std::move(patterns), config)))
        return failure();
    }
    return success();
  }
};
} // namespace
