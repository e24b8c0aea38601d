//===- SEToLinalg.cpp - lower se.squeeze_excite to linalg -----------------===//
//
// Each phase of the SE block becomes one linalg.generic on tensors. The
// feature map is viewed as rank 3 (spatial dimensions collapsed) so that the
// later tiling sees one long contiguous dimension instead of short rows.
//
//===----------------------------------------------------------------------===//

#include "se/Conversion/Passes.h"
#include "se/Dialect/SE/IR/SEOps.h"

#include "llvm/Support/FormatVariadic.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

#include <limits>

namespace mlir::se {
#define GEN_PASS_DEF_CONVERTSETOLINALG
#include "se/Conversion/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;
using namespace mlir::se;

using ScalarFn = function_ref<Value(OpBuilder &, Location, Value)>;
using utils::IteratorType;

namespace {

/// Builds the linalg form of one se.squeeze_excite.
class SEBlockLowering {
public:
  SEBlockLowering(OpBuilder &b, SqueezeExciteOp op)
      : b(b), loc(op.getLoc()), op(op), f32(b.getF32Type()),
        batch(op.getInput().getType().getDimSize(0)),
        channels(op.getNumChannels()), spatial(op.getSpatialSize()),
        nchw(op.getLayout() == Layout::NCHW) {}

  Value build() {
    Value x = collapseSpatial(op.getInput());
    Value excitation = [&]() -> Value {
      switch (op.getSqueeze()) {
      case SqueezeKind::Avg:
        return excite(average(x));
      case SqueezeKind::Max:
        return excite(maximum(x));
      case SqueezeKind::AvgMax:
        return add(excite(average(x)), excite(maximum(x)));
      }
      llvm_unreachable("unknown squeeze kind");
    }();
    GateKind gateKind = op.getGate();
    Value gate = map(excitation, [&](OpBuilder &nb, Location nloc, Value v) {
      return buildGate(nb, nloc, gateKind, v);
    });
    Value scaled = scale(x, gate);
    tagPhases(x, scaled);
    return tensor::ExpandShapeOp::create(b, loc, op.getType(), scaled,
                                         spatialReassociation());
  }

  /// Marks the generics that read the feature map with the block and the
  /// phase (`se.block`, `se.phase` = squeeze | scale): tiling carries them
  /// to the loops, where the traffic report finds the block's buffers.
  void tagPhases(Value x, Value scaled) {
    std::string name;
    if (auto named = dyn_cast<NameLoc>(loc))
      name = named.getName().str();
    else if (auto file = dyn_cast<FileLineColLoc>(loc))
      name = llvm::formatv("se@{0}:{1}", file.getLine(), file.getColumn());
    else
      name = "se";
    for (Operation *user : x.getUsers())
      if (auto generic = dyn_cast<linalg::GenericOp>(user)) {
        bool isScale = generic->getResult(0) == scaled;
        generic->setAttr(kSEBlockAttrName, b.getStringAttr(name));
        generic->setAttr(kSEPhaseAttrName,
                         b.getStringAttr(isScale ? "scale" : "squeeze"));
      }
  }

private:
  //===--- Shapes and small builders ---------------------------------===//

  SmallVector<ReassociationIndices> spatialReassociation() const {
    if (nchw)
      return {{0}, {1}, {2, 3}};
    return {{0}, {1, 2}, {3}};
  }

  Value collapseSpatial(Value value) {
    return tensor::CollapseShapeOp::create(b, loc, value,
                                           spatialReassociation());
  }

  Value constant(double value) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
  }

  Value filled(ArrayRef<int64_t> shape, double value) {
    Value empty = tensor::EmptyOp::create(b, loc, shape, f32);
    return linalg::FillOp::create(b, loc, constant(value), empty).getResult(0);
  }

  AffineMap map(unsigned numDims, ArrayRef<unsigned> dims) {
    SmallVector<AffineExpr> exprs;
    for (unsigned d : dims)
      exprs.push_back(b.getAffineDimExpr(d));
    return AffineMap::get(numDims, 0, exprs, b.getContext());
  }

  /// Elementwise `fn` over an N x C tensor.
  Value map(Value in, ScalarFn fn) {
    auto type = cast<RankedTensorType>(in.getType());
    Value init = tensor::EmptyOp::create(b, loc, type.getShape(), f32);
    AffineMap id = b.getMultiDimIdentityMap(2);
    return linalg::GenericOp::create(
               b, loc, type, ValueRange{in}, ValueRange{init},
               ArrayRef<AffineMap>{id, id},
               ArrayRef<IteratorType>{IteratorType::parallel,
                                      IteratorType::parallel},
               [&](OpBuilder &nb, Location nloc, ValueRange args) {
                 linalg::YieldOp::create(nb, nloc, fn(nb, nloc, args[0]));
               })
        .getResult(0);
  }

  Value add(Value lhs, Value rhs) {
    auto type = cast<RankedTensorType>(lhs.getType());
    Value init = tensor::EmptyOp::create(b, loc, type.getShape(), f32);
    AffineMap id = b.getMultiDimIdentityMap(2);
    return linalg::GenericOp::create(
               b, loc, type, ValueRange{lhs, rhs}, ValueRange{init},
               ArrayRef<AffineMap>{id, id, id},
               ArrayRef<IteratorType>{IteratorType::parallel,
                                      IteratorType::parallel},
               [&](OpBuilder &nb, Location nloc, ValueRange args) {
                 Value sum = arith::AddFOp::create(nb, nloc, args[0], args[1]);
                 linalg::YieldOp::create(nb, nloc, sum);
               })
        .getResult(0);
  }

  //===--- Squeeze ---------------------------------------------------===//

  /// Reduces the rank-3 feature map over its spatial dimension into N x C
  /// with `combine`, starting from `initValue`.
  Value reduceSpatial(
      Value x, double initValue,
      function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
    Value init = filled({batch, channels}, initValue);
    // Loops (n, c, s) for NCHW and (n, s, c) for NHWC: the input is read in
    // its memory order either way.
    AffineMap inputMap = b.getMultiDimIdentityMap(3);
    AffineMap outputMap = nchw ? map(3, {0, 1}) : map(3, {0, 2});
    SmallVector<IteratorType> iterators = {
        IteratorType::parallel, IteratorType::parallel, IteratorType::parallel};
    iterators[nchw ? 2 : 1] = IteratorType::reduction;
    return linalg::GenericOp::create(
               b, loc, init.getType(), ValueRange{x}, ValueRange{init},
               ArrayRef<AffineMap>{inputMap, outputMap}, iterators,
               [&](OpBuilder &nb, Location nloc, ValueRange args) {
                 linalg::YieldOp::create(nb, nloc,
                                         combine(nb, nloc, args[0], args[1]));
               })
        .getResult(0);
  }

  Value average(Value x) {
    Value sum = reduceSpatial(
        x, 0.0, [](OpBuilder &nb, Location nloc, Value in, Value acc) {
          return arith::AddFOp::create(nb, nloc, in, acc).getResult();
        });
    double inverse = 1.0 / static_cast<double>(spatial);
    return map(sum, [&](OpBuilder &nb, Location nloc, Value v) -> Value {
      Value factor =
          arith::ConstantOp::create(nb, nloc, nb.getF32FloatAttr(inverse));
      return arith::MulFOp::create(nb, nloc, v, factor);
    });
  }

  Value maximum(Value x) {
    return reduceSpatial(
        x, -std::numeric_limits<double>::infinity(),
        [](OpBuilder &nb, Location nloc, Value in, Value acc) {
          return arith::MaximumFOp::create(nb, nloc, in, acc).getResult();
        });
  }

  //===--- Excitation ------------------------------------------------===//

  /// Body of a dot-product reduction: acc + a * b, contractible into an FMA.
  static void multiplyAccumulate(OpBuilder &nb, Location nloc,
                                 ValueRange args) {
    auto contract = arith::FastMathFlags::contract;
    Value product = arith::MulFOp::create(nb, nloc, args[0], args[1], contract);
    Value sum = arith::AddFOp::create(nb, nloc, args[2], product, contract);
    linalg::YieldOp::create(nb, nloc, sum);
  }

  /// out[n, o] = bias[o] + sum_i z[n, i] * weight[o, i].
  Value fullyConnected(Value z, Value weight, Value bias) {
    int64_t outWidth = cast<RankedTensorType>(weight.getType()).getDimSize(0);
    Value init;
    if (bias) {
      Value empty = tensor::EmptyOp::create(b, loc, {batch, outWidth}, f32);
      init =
          linalg::BroadcastOp::create(b, loc, bias, empty, ArrayRef<int64_t>{0})
              .getResult()[0];
    } else {
      init = filled({batch, outWidth}, 0.0);
    }
    return linalg::GenericOp::create(
               b, loc, init.getType(), ValueRange{z, weight}, ValueRange{init},
               ArrayRef<AffineMap>{map(3, {0, 2}), map(3, {1, 2}),
                                   map(3, {0, 1})},
               ArrayRef<IteratorType>{IteratorType::parallel,
                                      IteratorType::parallel,
                                      IteratorType::reduction},
               multiplyAccumulate)
        .getResult(0);
  }

  /// out[n, c] = sum_j zpad[n, c + j] * kernel[j], zero padded.
  Value channelConvolution(Value z, Value kernel) {
    int64_t taps = cast<RankedTensorType>(kernel.getType()).getDimSize(0);
    int64_t halo = (taps - 1) / 2;
    Value padded = filled({batch, channels + taps - 1}, 0.0);
    padded = tensor::InsertSliceOp::create(
        b, loc, z, padded, ValueRange{}, ValueRange{}, ValueRange{},
        b.getDenseI64ArrayAttr({0, halo}),
        b.getDenseI64ArrayAttr({batch, channels}),
        b.getDenseI64ArrayAttr({1, 1}));
    AffineExpr n = b.getAffineDimExpr(0), c = b.getAffineDimExpr(1),
               j = b.getAffineDimExpr(2);
    Value init = filled({batch, channels}, 0.0);
    return linalg::GenericOp::create(
               b, loc, init.getType(), ValueRange{padded, kernel},
               ValueRange{init},
               ArrayRef<AffineMap>{
                   AffineMap::get(3, 0, {n, c + j}, b.getContext()),
                   AffineMap::get(3, 0, {j}, b.getContext()), map(3, {0, 1})},
               ArrayRef<IteratorType>{IteratorType::parallel,
                                      IteratorType::parallel,
                                      IteratorType::reduction},
               multiplyAccumulate)
        .getResult(0);
  }

  /// The excitation before the gate, on the pooled N x C vector.
  Value excite(Value z) {
    switch (op.getExcitation()) {
    case ExcitationKind::TwoFC: {
      InnerActivation act = op.getInnerAct();
      Value hidden = fullyConnected(z, op.getW1(), op.getBias1());
      hidden = map(hidden, [&](OpBuilder &nb, Location nloc, Value v) {
        return buildInnerActivation(nb, nloc, act, v);
      });
      return fullyConnected(hidden, op.getW2(), op.getBias2());
    }
    case ExcitationKind::OneFC:
      return fullyConnected(z, op.getW1(), op.getBias1());
    case ExcitationKind::Conv1D:
      return channelConvolution(z, op.getW1());
    }
    llvm_unreachable("unknown excitation kind");
  }

  //===--- Scale -----------------------------------------------------===//

  /// y = s * x, or post_act(residual + s * x), over the rank-3 feature map.
  Value scale(Value x, Value gate) {
    auto type = cast<RankedTensorType>(x.getType());
    SmallVector<Value> inputs = {x, gate};
    AffineMap id = b.getMultiDimIdentityMap(3);
    SmallVector<AffineMap> maps = {id, nchw ? map(3, {0, 1}) : map(3, {0, 2})};
    if (Value residual = op.getResidual()) {
      inputs.push_back(collapseSpatial(residual));
      maps.push_back(id);
    }
    maps.push_back(id);
    Value init = tensor::EmptyOp::create(b, loc, type.getShape(), f32);
    bool hasResidual = op.getResidual() != nullptr;
    bool relu = op.getPostAct() == PostActivation::ReLU;
    return linalg::GenericOp::create(
               b, loc, type, inputs, ValueRange{init}, maps,
               SmallVector<IteratorType>(3, IteratorType::parallel),
               [&](OpBuilder &nb, Location nloc, ValueRange args) {
                 auto contract = arith::FastMathFlags::contract;
                 Value y = arith::MulFOp::create(nb, nloc, args[0], args[1],
                                                 contract);
                 if (hasResidual)
                   y = arith::AddFOp::create(nb, nloc, args[2], y, contract);
                 if (relu)
                   y = buildRelu(nb, nloc, y);
                 linalg::YieldOp::create(nb, nloc, y);
               })
        .getResult(0);
  }

  //===--- Scalar activations ----------------------------------------===//

  static Value scalar(OpBuilder &nb, Location nloc, double value) {
    return arith::ConstantOp::create(nb, nloc, nb.getF32FloatAttr(value));
  }

  static Value buildRelu(OpBuilder &nb, Location nloc, Value v) {
    return arith::MaximumFOp::create(nb, nloc, v, scalar(nb, nloc, 0.0));
  }

  static Value buildSigmoid(OpBuilder &nb, Location nloc, Value v) {
    Value negated = arith::NegFOp::create(nb, nloc, v);
    Value exp = math::ExpOp::create(nb, nloc, negated);
    Value one = scalar(nb, nloc, 1.0);
    Value denominator = arith::AddFOp::create(nb, nloc, one, exp);
    return arith::DivFOp::create(nb, nloc, one, denominator);
  }

  /// relu6(v + 3) / 6.
  static Value buildHardSigmoid(OpBuilder &nb, Location nloc, Value v) {
    Value shifted = arith::AddFOp::create(nb, nloc, v, scalar(nb, nloc, 3.0));
    Value clamped = arith::MinimumFOp::create(
        nb, nloc, buildRelu(nb, nloc, shifted), scalar(nb, nloc, 6.0));
    return arith::DivFOp::create(nb, nloc, clamped, scalar(nb, nloc, 6.0));
  }

  static Value buildInnerActivation(OpBuilder &nb, Location nloc,
                                    InnerActivation act, Value v) {
    switch (act) {
    case InnerActivation::ReLU:
      return buildRelu(nb, nloc, v);
    case InnerActivation::SiLU:
      return arith::MulFOp::create(nb, nloc, v, buildSigmoid(nb, nloc, v));
    case InnerActivation::HardSwish:
      return arith::MulFOp::create(nb, nloc, v, buildHardSigmoid(nb, nloc, v));
    }
    llvm_unreachable("unknown inner activation");
  }

  static Value buildGate(OpBuilder &nb, Location nloc, GateKind gate, Value v) {
    switch (gate) {
    case GateKind::Sigmoid:
      return buildSigmoid(nb, nloc, v);
    case GateKind::HardSigmoid:
      return buildHardSigmoid(nb, nloc, v);
    case GateKind::Tanh:
      return math::TanhOp::create(nb, nloc, v);
    case GateKind::ReLU:
      return buildRelu(nb, nloc, v);
    }
    llvm_unreachable("unknown gate");
  }

  OpBuilder &b;
  Location loc;
  SqueezeExciteOp op;
  Type f32;
  int64_t batch, channels, spatial;
  bool nchw;
};

struct SqueezeExciteToLinalg : OpRewritePattern<SqueezeExciteOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SqueezeExciteOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, SEBlockLowering(rewriter, op).build());
    return success();
  }
};

struct ConvertSEToLinalgPass
    : se::impl::ConvertSEToLinalgBase<ConvertSEToLinalgPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateSEToLinalgConversionPatterns(patterns);
    ConversionTarget target(getContext());
    target.addIllegalDialect<SEDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void mlir::se::populateSEToLinalgConversionPatterns(
    RewritePatternSet &patterns) {
  patterns.add<SqueezeExciteToLinalg>(patterns.getContext());
  populateQuantToLinalgConversionPatterns(patterns);
}
