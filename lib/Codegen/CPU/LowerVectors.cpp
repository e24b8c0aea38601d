//===- LowerVectors.cpp - lower n-D vector ops for the LLVM lowering ------===//

#include "se/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
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
using namespace mlir::se;

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

/// vpmaddwd's intrinsic for `lanes` (16, 8 or 4) i32 lanes.
StringRef pairsIntrinsic(int64_t lanes) {
  switch (lanes) {
  case 16:
    return "llvm.x86.avx512.pmaddw.d.512";
  case 8:
    return "llvm.x86.avx2.pmadd.wd";
  case 4:
    return "llvm.x86.sse2.pmadd.wd";
  default:
    llvm_unreachable("vpmaddwd has 16, 8 or 4 i32 lanes");
  }
}

/// The product whose groups of `group` elements `reduction` sums into 16, 8
/// or 4 i32 lanes (`multi_reduction<add>(shape_cast(muli) : N x group,
/// acc)`), or null.
arith::MulIOp matchGroupedProduct(vector::MultiDimReductionOp reduction,
                                  int64_t group) {
  auto resultType = dyn_cast<VectorType>(reduction.getType());
  auto groups = reduction.getSource().getDefiningOp<vector::ShapeCastOp>();
  if (reduction.getKind() != vector::CombiningKind::ADD || !resultType ||
      !resultType.getElementType().isInteger(32) || !groups ||
      reduction.getSourceVectorType().getShape() !=
          ArrayRef<int64_t>{resultType.getNumElements(), group} ||
      reduction.getReductionMask() != ArrayRef<bool>{false, true} ||
      !llvm::is_contained({16, 8, 4}, resultType.getNumElements()))
    return {};
  return groups.getSource().getDefiningOp<arith::MulIOp>();
}

/// `reduction` as vpdpbusd when it sums groups of four products of
/// zero-extended bytes and sign-extended bytes into 16, 8 or 4 i32 lanes;
/// without vpdpbusd, where its pairs of products fit i16
/// (kPairSumsFitI16AttrName), as vpmaddubsw, vpmaddwd by ones and an add.
struct DotProductOfBytes : OpRewritePattern<vector::MultiDimReductionOp> {
  DotProductOfBytes(MLIRContext *ctx, Int8DotProduct dotProduct)
      : OpRewritePattern(ctx), dotProduct(dotProduct) {}

  LogicalResult matchAndRewrite(vector::MultiDimReductionOp reduction,
                                PatternRewriter &rewriter) const override {
    bool bytePairs = dotProduct == Int8DotProduct::Vpmaddwd &&
                     reduction->hasAttr(kPairSumsFitI16AttrName);
    if (dotProduct != Int8DotProduct::Vpdpbusd && !bytePairs)
      return failure();
    arith::MulIOp product = matchGroupedProduct(reduction, 4);
    if (!product)
      return failure();
    auto resultType = cast<VectorType>(reduction.getType());
    int64_t lanes = resultType.getNumElements();
    // The source of an extension of bytes.
    auto bytesOf = [](Value value, auto extension) -> Value {
      auto ext = value.getDefiningOp<decltype(extension)>();
      if (!ext || !cast<VectorType>(ext.getIn().getType())
                       .getElementType()
                       .isInteger(8))
        return {};
      return ext.getIn();
    };
    Value unsignedBytes = bytesOf(product.getLhs(), arith::ExtUIOp());
    Value signedBytes = bytesOf(product.getRhs(), arith::ExtSIOp());
    if (!unsignedBytes || !signedBytes) {
      unsignedBytes = bytesOf(product.getRhs(), arith::ExtUIOp());
      signedBytes = bytesOf(product.getLhs(), arith::ExtSIOp());
    }
    if (!unsignedBytes || !signedBytes)
      return failure();
    if (!bytePairs) {
      std::string name =
          "llvm.x86.avx512.vpdpbusd." + std::to_string(lanes * 32);
      rewriter.replaceOpWithNewOp<LLVM::CallIntrinsicOp>(
          reduction, resultType, rewriter.getStringAttr(name),
          ValueRange{reduction.getAcc(), unsignedBytes, signedBytes});
      return success();
    }
    StringRef bytesToWords = lanes == 16  ? "llvm.x86.avx512.pmaddubs.w.512"
                             : lanes == 8 ? "llvm.x86.avx2.pmadd.ub.sw"
                                          : "llvm.x86.ssse3.pmadd.ub.sw.128";
    Location loc = reduction.getLoc();
    auto wordsType = VectorType::get({2 * lanes}, rewriter.getI16Type());
    Value words =
        LLVM::CallIntrinsicOp::create(rewriter, loc, wordsType,
                                      rewriter.getStringAttr(bytesToWords),
                                      ValueRange{unsignedBytes, signedBytes})
            .getResult(0);
    Value ones = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(wordsType, rewriter.getI16IntegerAttr(1)));
    Value sums = LLVM::CallIntrinsicOp::create(
                     rewriter, loc, resultType,
                     rewriter.getStringAttr(pairsIntrinsic(lanes)),
                     ValueRange{words, ones})
                     .getResult(0);
    rewriter.replaceOpWithNewOp<arith::AddIOp>(reduction, reduction.getAcc(),
                                               sums);
    return success();
  }

private:
  Int8DotProduct dotProduct;
};

/// `reduction` as vpmaddwd and an add when it sums pairs of products of
/// sign-extended 16-bit values (or bytes, which canonicalization extends
/// to i32 in one step) into 16, 8 or 4 i32 lanes.
struct DotProductOfPairs : OpRewritePattern<vector::MultiDimReductionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::MultiDimReductionOp reduction,
                                PatternRewriter &rewriter) const override {
    arith::MulIOp product = matchGroupedProduct(reduction, 2);
    if (!product)
      return failure();
    // The 8- or 16-bit source of a sign extension.
    auto narrowOf = [](Value value) -> Value {
      auto ext = value.getDefiningOp<arith::ExtSIOp>();
      if (!ext)
        return {};
      Type element = getElementTypeOrSelf(ext.getIn());
      return element.isInteger(8) || element.isInteger(16) ? ext.getIn()
                                                           : Value();
    };
    Value lhs = narrowOf(product.getLhs()), rhs = narrowOf(product.getRhs());
    if (!lhs || !rhs)
      return failure();
    auto resultType = cast<VectorType>(reduction.getType());
    Location loc = reduction.getLoc();
    auto wordsType = VectorType::get({2 * resultType.getNumElements()},
                                     rewriter.getI16Type());
    auto words = [&](Value narrow) -> Value {
      if (getElementTypeOrSelf(narrow).isInteger(16))
        return narrow;
      return arith::ExtSIOp::create(rewriter, loc, wordsType, narrow);
    };
    Value sums =
        LLVM::CallIntrinsicOp::create(
            rewriter, loc, resultType,
            rewriter.getStringAttr(pairsIntrinsic(resultType.getNumElements())),
            ValueRange{words(lhs), words(rhs)})
            .getResult(0);
    rewriter.replaceOpWithNewOp<arith::AddIOp>(reduction, reduction.getAcc(),
                                               sums);
    return success();
  }
};

/// Lanes per piece of a vector whose length is not a power of two: one
/// AVX-512 register (144 -> 9 x 16). Other lengths (72 = 4.5 registers)
/// stay whole: their pieces would slice the 16-lane accumulators of the
/// layer before them in halves, which the backend does through
/// general-purpose registers.
constexpr int64_t kPieceLanes = 16;

/// The x86 backend lowers a vector whose length is not a power of two (an SE
/// squeeze's 144 channels) well within a block but badly across blocks: a
/// loop-carried or live-out one goes through the stack lane by lane (515
/// instructions for a loop of one <144 x float> add, 129 for 48 lanes; 12
/// for 128). The piece shape such a vector's ops are unrolled into and its
/// loops carry it in; nullopt for a vector that stays whole.
std::optional<SmallVector<int64_t>> registerPieceShape(Type type) {
  auto vector = dyn_cast<VectorType>(type);
  if (!vector || vector.isScalable() || vector.getRank() == 0)
    return std::nullopt;
  int64_t length = vector.getShape().back();
  if (llvm::isPowerOf2_64(length) || length % kPieceLanes != 0)
    return std::nullopt;
  SmallVector<int64_t> piece(vector.getRank(), 1);
  piece.back() = kPieceLanes;
  return piece;
}

/// The piece shape (registerPieceShape) of the vector an element-wise or
/// transfer op computes or writes; nullopt for other ops.
std::optional<SmallVector<int64_t>> registerUnrollShape(Operation *op) {
  if (auto write = dyn_cast<vector::TransferWriteOp>(op))
    return registerPieceShape(write.getVectorType());
  if (!isa<vector::TransferReadOp, vector::FMAOp>(op) &&
      !OpTrait::hasElementwiseMappableTraits(op))
    return std::nullopt;
  if (op->getNumResults() != 1)
    return std::nullopt;
  return registerPieceShape(op->getResult(0).getType());
}

/// The offsets of the pieces of `shape` (registerPieceShape).
SmallVector<SmallVector<int64_t>> pieceOffsets(ArrayRef<int64_t> shape,
                                               ArrayRef<int64_t> piece) {
  SmallVector<SmallVector<int64_t>> offsets;
  for (SmallVector<int64_t> offset : StaticTileOffsetRange(shape, piece))
    offsets.push_back(offset);
  return offsets;
}

/// `value`'s pieces (registerPieceShape).
SmallVector<Value> splitIntoPieces(OpBuilder &b, Location loc, Value value) {
  auto type = cast<VectorType>(value.getType());
  SmallVector<int64_t> piece = *registerPieceShape(type);
  SmallVector<int64_t> strides(type.getRank(), 1);
  SmallVector<Value> pieces;
  for (ArrayRef<int64_t> offset : pieceOffsets(type.getShape(), piece))
    pieces.push_back(vector::ExtractStridedSliceOp::create(
        b, loc, value, offset, piece, strides));
  return pieces;
}

/// The vector of `type` whose pieces (splitIntoPieces) are `pieces`.
Value joinPieces(OpBuilder &b, Location loc, VectorType type,
                 ValueRange pieces) {
  Value joined = arith::ConstantOp::create(b, loc, b.getZeroAttr(type));
  SmallVector<int64_t> strides(type.getRank(), 1);
  for (auto [piece, offset] : llvm::zip_equal(
           pieces, pieceOffsets(type.getShape(), *registerPieceShape(type))))
    joined = vector::InsertStridedSliceOp::create(b, loc, piece, joined, offset,
                                                  strides);
  return joined;
}

/// Carries each vector of `loop` whose length is not a power of two as its
/// pieces (registerPieceShape): the body joins them where the vector is
/// used and splits what it yields; with the body's ops unrolled into the
/// same pieces, the joins and splits fold away.
void splitLoopCarriedVectors(RewriterBase &rewriter, scf::ForOp loop) {
  Location loc = loop.getLoc();
  rewriter.setInsertionPoint(loop);
  SmallVector<Value> inits;
  SmallVector<int64_t> pieceCounts;
  for (Value init : loop.getInitArgs()) {
    if (registerPieceShape(init.getType())) {
      SmallVector<Value> pieces = splitIntoPieces(rewriter, loc, init);
      pieceCounts.push_back(pieces.size());
      llvm::append_range(inits, pieces);
    } else {
      pieceCounts.push_back(0);
      inits.push_back(init);
    }
  }
  auto split = scf::ForOp::create(rewriter, loc, loop.getLowerBound(),
                                  loop.getUpperBound(), loop.getStep(), inits);
  split->setAttrs(loop->getAttrs());
  // The loop's old values from its new ones (pieces joined).
  auto join = [&](ValueRange values) {
    SmallVector<Value> joined;
    for (auto [type, count] : llvm::zip(loop.getResultTypes(), pieceCounts)) {
      if (count == 0) {
        joined.push_back(values.front());
        values = values.drop_front();
        continue;
      }
      joined.push_back(joinPieces(rewriter, loc, cast<VectorType>(type),
                                  values.take_front(count)));
      values = values.drop_front(count);
    }
    return joined;
  };
  Block *body = split.getBody();
  rewriter.setInsertionPointToStart(body);
  SmallVector<Value> arguments = {split.getInductionVar()};
  llvm::append_range(arguments, join(split.getRegionIterArgs()));
  rewriter.mergeBlocks(loop.getBody(), body, arguments);
  auto yield = cast<scf::YieldOp>(body->getTerminator());
  rewriter.setInsertionPoint(yield);
  SmallVector<Value> yielded;
  for (auto [value, count] : llvm::zip(yield.getOperands(), pieceCounts)) {
    if (count)
      llvm::append_range(yielded, splitIntoPieces(rewriter, loc, value));
    else
      yielded.push_back(value);
  }
  rewriter.modifyOpInPlace(yield, [&] { yield->setOperands(yielded); });
  rewriter.setInsertionPointAfter(split);
  rewriter.replaceOp(loop, join(split.getResults()));
}

struct LowerVectorsPass : se::impl::SECPULowerVectorsBase<LowerVectorsPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // Keep loop-carried accumulators in registers across reduction loops.
    linalg::hoistRedundantVectorTransfers(getOperation());
    if (int8DotProduct != Int8DotProduct::None) {
      RewritePatternSet patterns(ctx);
      patterns.add<DotProductOfPairs>(ctx);
      patterns.add<DotProductOfBytes>(ctx, int8DotProduct);
      if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
        return signalPassFailure();
    }
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
    if (failed(unrollIntoRegisterPieces()))
      return signalPassFailure();
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

  /// Unrolls the vectors whose length is not a power of two into register
  /// pieces (registerPieceShape), loop-carried ones included.
  LogicalResult unrollIntoRegisterPieces() {
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp loop) {
      if (llvm::any_of(loop.getResultTypes(), [](Type type) {
            return registerPieceShape(type).has_value();
          }))
        loops.push_back(loop);
    });
    IRRewriter rewriter(&getContext());
    for (scf::ForOp loop : loops)
      splitLoopCarriedVectors(rewriter, loop);
    RewritePatternSet patterns(&getContext());
    vector::populateVectorUnrollPatterns(
        patterns,
        vector::UnrollVectorOptions().setNativeShapeFn(registerUnrollShape));
    return applyPatternsGreedily(getOperation(), std::move(patterns));
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
