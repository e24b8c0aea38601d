//===- RaiseSqueezeExcite.cpp - SE subgraphs to se.squeeze_excite ---------===//
//
// Matching walks backwards from the broadcast multiply `x * gate`: gate,
// second FC, inner activation, first FC, squeeze, and checks that the
// squeeze reads the same `x`. Each matcher looks through reshapes and
// transposes that only move unit dimensions, which is how exporters spell
// flatten/view/unsqueeze around the FCs.
//
//===----------------------------------------------------------------------===//

#include "se/Dialect/SE/Transforms/Passes.h"

#include "se/Dialect/SE/IR/SEOps.h"
#include "se/Utils/ConstantValues.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>

namespace mlir::se {
#define GEN_PASS_DEF_SERAISESQUEEZEEXCITE
#include "se/Dialect/SE/Transforms/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;
using namespace mlir::se;

namespace {

/// The extents other than 1, in order.
SmallVector<int64_t> nonUnitDims(Value v) {
  SmallVector<int64_t> dims;
  for (int64_t d : cast<ShapedType>(v.getType()).getShape())
    if (d != 1)
      dims.push_back(d);
  return dims;
}

/// Looks through reshapes and transposes that keep the non-unit dimensions
/// in order (flatten, view, unsqueeze of pooled vectors).
Value skipUnitDimOps(Value v) {
  while (Operation *op = v.getDefiningOp()) {
    if (!op->hasOneUse())
      break;
    Value source;
    if (auto reshape = dyn_cast<tosa::ReshapeOp>(op))
      source = reshape.getInput1();
    else if (auto transpose = dyn_cast<tosa::TransposeOp>(op))
      source = transpose.getInput1();
    else
      break;
    if (nonUnitDims(source) != nonUnitDims(v))
      break;
    if (auto transpose = dyn_cast<tosa::TransposeOp>(op)) {
      // The non-unit dimensions must keep their relative order.
      ArrayRef<int64_t> in = cast<ShapedType>(source.getType()).getShape();
      int64_t last = -1;
      bool ordered = true;
      for (int32_t p : transpose.getPerms())
        if (in[p] != 1) {
          ordered &= p > last;
          last = p;
        }
      if (!ordered)
        break;
    }
    v = source;
  }
  return v;
}

/// The f32 values of a constant operand.
std::optional<std::vector<float>> constantValues(Value v) {
  ElementsAttr attr;
  auto type = dyn_cast<ShapedType>(v.getType());
  if (!type || !type.hasStaticShape() || !type.getElementType().isF32() ||
      !matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  return getF32Values(attr, type.getNumElements());
}

/// The value of a constant whose elements are all equal.
std::optional<float> scalarConstant(Value v) {
  std::optional<std::vector<float>> values = constantValues(v);
  if (!values || values->empty() ||
      llvm::any_of(*values, [&](float f) { return f != values->front(); }))
    return std::nullopt;
  return values->front();
}

bool near(float a, float b) { return std::fabs(a - b) <= 1e-6f; }

/// `a op b` with `b` a scalar constant (in either operand position for
/// commutative ops); returns the other operand.
template <typename OpTy>
std::optional<std::pair<Value, float>> withScalar(Value v) {
  auto op = v.getDefiningOp<OpTy>();
  if (!op)
    return std::nullopt;
  if (std::optional<float> c = scalarConstant(op->getOperand(1)))
    return std::make_pair(op->getOperand(0), *c);
  if (std::optional<float> c = scalarConstant(op->getOperand(0)))
    return std::make_pair(op->getOperand(1), *c);
  return std::nullopt;
}

std::optional<std::pair<float, float>> clampBounds(tosa::ClampOp clamp) {
  auto lo = dyn_cast<FloatAttr>(clamp.getMinValAttr());
  auto hi = dyn_cast<FloatAttr>(clamp.getMaxValAttr());
  if (!lo || !hi)
    return std::nullopt;
  return std::make_pair(lo.getValueAsDouble(), hi.getValueAsDouble());
}

/// clamp(z, 0, >= 3e38): ReLU.
Value matchReLU(Value v) {
  auto clamp = v.getDefiningOp<tosa::ClampOp>();
  if (!clamp)
    return nullptr;
  auto bounds = clampBounds(clamp);
  if (!bounds || bounds->first != 0.0f || bounds->second < 3e38f)
    return nullptr;
  return clamp.getInput();
}

/// relu6(z + 3) / 6 or clamp(z / 6 + 1/2, 0, 1): returns z.
Value matchHardSigmoid(Value v) {
  // clamp(z * 1/6 + 1/2, 0, 1)
  if (auto clamp = v.getDefiningOp<tosa::ClampOp>()) {
    auto bounds = clampBounds(clamp);
    if (bounds && bounds->first == 0.0f && bounds->second == 1.0f) {
      auto shifted = withScalar<tosa::AddOp>(clamp.getInput());
      if (shifted && near(shifted->second, 0.5f)) {
        auto scaled = withScalar<tosa::MulOp>(shifted->first);
        if (scaled && near(scaled->second, 1.0f / 6.0f))
          return scaled->first;
      }
    }
  }
  // clamp(z + 3, 0, 6) * 1/6
  auto scaled = withScalar<tosa::MulOp>(v);
  if (!scaled || !near(scaled->second, 1.0f / 6.0f))
    return nullptr;
  auto clamp = scaled->first.getDefiningOp<tosa::ClampOp>();
  if (!clamp)
    return nullptr;
  auto bounds = clampBounds(clamp);
  if (!bounds || bounds->first != 0.0f || bounds->second != 6.0f)
    return nullptr;
  auto shifted = withScalar<tosa::AddOp>(clamp.getInput());
  if (!shifted || !near(shifted->second, 3.0f))
    return nullptr;
  return shifted->first;
}

/// The gate: returns its input and kind.
std::optional<std::pair<Value, GateKind>> matchGate(Value v) {
  if (auto sigmoid = v.getDefiningOp<tosa::SigmoidOp>())
    return std::make_pair(sigmoid.getInput(), GateKind::Sigmoid);
  if (auto tanh = v.getDefiningOp<tosa::TanhOp>())
    return std::make_pair(tanh.getInput(), GateKind::Tanh);
  if (Value z = matchHardSigmoid(v))
    return std::make_pair(z, GateKind::HardSigmoid);
  if (Value z = matchReLU(v))
    return std::make_pair(z, GateKind::ReLU);
  return std::nullopt;
}

/// The inner activation: returns its input and kind.
std::optional<std::pair<Value, InnerActivation>> matchInnerAct(Value v) {
  if (Value z = matchReLU(v))
    return std::make_pair(z, InnerActivation::ReLU);
  auto mul = v.getDefiningOp<tosa::MulOp>();
  if (!mul)
    return std::nullopt;
  for (int i = 0; i < 2; ++i) {
    Value z = mul->getOperand(i), other = mul->getOperand(1 - i);
    // z * sigmoid(z)
    if (auto sigmoid = other.getDefiningOp<tosa::SigmoidOp>())
      if (sigmoid.getInput() == z)
        return std::make_pair(z, InnerActivation::SiLU);
    // z * hard_sigmoid(z)
    if (matchHardSigmoid(other) == z)
      return std::make_pair(z, InnerActivation::HardSwish);
  }
  // (z * relu6(z + 3)) * 1/6
  auto scaled = withScalar<tosa::MulOp>(v);
  if (scaled && near(scaled->second, 1.0f / 6.0f))
    if (auto inner = scaled->first.getDefiningOp<tosa::MulOp>())
      for (int i = 0; i < 2; ++i) {
        Value z = inner->getOperand(i);
        auto clamp = inner->getOperand(1 - i).getDefiningOp<tosa::ClampOp>();
        auto bounds = clamp ? clampBounds(clamp) : std::nullopt;
        if (!bounds || bounds->first != 0.0f || bounds->second != 6.0f)
          continue;
        auto shifted = withScalar<tosa::AddOp>(clamp.getInput());
        if (shifted && near(shifted->second, 3.0f) && shifted->first == z)
          return std::make_pair(z, InnerActivation::HardSwish);
      }
  return std::nullopt;
}

/// A fully connected layer on pooled vectors: its input, its weights as
/// out x in, and its bias (empty when it has none).
struct FC {
  Value input;
  std::vector<float> weights;
  std::vector<float> bias;
  int64_t in = 0, out = 0;
};

std::optional<FC> matchFC(Value v) {
  v = skipUnitDimOps(v);
  FC fc;
  // A separate bias add.
  if (auto add = v.getDefiningOp<tosa::AddOp>()) {
    for (int i = 0; i < 2; ++i) {
      std::optional<std::vector<float>> bias =
          constantValues(add->getOperand(1 - i));
      if (!bias)
        continue;
      std::optional<FC> inner = matchFC(add->getOperand(i));
      if (!inner || !inner->bias.empty() ||
          static_cast<int64_t>(bias->size()) != inner->out ||
          !add->getOperand(i).hasOneUse())
        return std::nullopt;
      inner->bias = std::move(*bias);
      return inner;
    }
    return std::nullopt;
  }
  if (auto conv = v.getDefiningOp<tosa::Conv2DOp>()) {
    // A 1x1 convolution of a 1x1 map.
    ArrayRef<int64_t> in =
        cast<ShapedType>(conv.getInput().getType()).getShape();
    ArrayRef<int64_t> w =
        cast<ShapedType>(conv.getWeight().getType()).getShape();
    std::optional<std::vector<float>> weights =
        constantValues(conv.getWeight());
    std::optional<std::vector<float>> bias = constantValues(conv.getBias());
    if (in.size() != 4 || in[1] != 1 || in[2] != 1 || w[1] != 1 || w[2] != 1 ||
        !weights || !bias)
      return std::nullopt;
    fc.input = conv.getInput();
    fc.out = w[0];
    fc.in = w[3];
    fc.weights = std::move(*weights);
    if (llvm::any_of(*bias, [](float b) { return b != 0.0f; })) {
      if (static_cast<int64_t>(bias->size()) != fc.out)
        return std::nullopt;
      fc.bias = std::move(*bias);
    }
    return fc;
  }
  if (auto matmul = v.getDefiningOp<tosa::MatMulOp>()) {
    // [1, N, in] x [1, in, out].
    ArrayRef<int64_t> b = cast<ShapedType>(matmul.getB().getType()).getShape();
    std::optional<std::vector<float>> weights = constantValues(matmul.getB());
    if (b[0] != 1 || !weights)
      return std::nullopt;
    fc.input = matmul.getA();
    fc.in = b[1];
    fc.out = b[2];
    fc.weights.resize(weights->size());
    for (int64_t i = 0; i < fc.in; ++i)
      for (int64_t o = 0; o < fc.out; ++o)
        fc.weights[o * fc.in + i] = (*weights)[i * fc.out + o];
    return fc;
  }
  return std::nullopt;
}

/// `reduce(reduce(x, a), b)` over two axes, in either order.
template <typename ReduceOp>
std::optional<std::pair<Value, Layout>> matchTwoReductions(Value v) {
  auto outer = v.getDefiningOp<ReduceOp>();
  if (!outer || !outer.getInput().hasOneUse())
    return std::nullopt;
  auto inner = outer.getInput().template getDefiningOp<ReduceOp>();
  if (!inner)
    return std::nullopt;
  int64_t a = inner.getAxis(), b = outer.getAxis();
  Value x = inner.getInput();
  if (cast<ShapedType>(x.getType()).getRank() != 4)
    return std::nullopt;
  if (std::min(a, b) == 1 && std::max(a, b) == 2)
    return std::make_pair(x, Layout::NHWC);
  if (std::min(a, b) == 2 && std::max(a, b) == 3)
    return std::make_pair(x, Layout::NCHW);
  return std::nullopt;
}

/// The squeeze: the squeezed map, its layout and the pooling.
struct Squeeze {
  Value x;
  Layout layout;
  SqueezeKind kind;
};

std::optional<Squeeze> matchSqueeze(Value v) {
  v = skipUnitDimOps(v);
  auto isGlobal = [](Value x, ArrayRef<int64_t> kernel,
                     ArrayRef<int64_t> stride, ArrayRef<int64_t> pad) {
    ArrayRef<int64_t> s = cast<ShapedType>(x.getType()).getShape();
    return s.size() == 4 && kernel[0] == s[1] && kernel[1] == s[2] &&
           llvm::all_of(pad, [](int64_t p) { return p == 0; });
  };
  if (auto pool = v.getDefiningOp<tosa::AvgPool2dOp>())
    if (isGlobal(pool.getInput(), pool.getKernel(), pool.getStride(),
                 pool.getPad()))
      return Squeeze{pool.getInput(), Layout::NHWC, SqueezeKind::Avg};
  if (auto pool = v.getDefiningOp<tosa::MaxPool2dOp>())
    if (isGlobal(pool.getInput(), pool.getKernel(), pool.getStride(),
                 pool.getPad()))
      return Squeeze{pool.getInput(), Layout::NHWC, SqueezeKind::Max};
  if (auto max = matchTwoReductions<tosa::ReduceMaxOp>(v))
    return Squeeze{max->first, max->second, SqueezeKind::Max};
  // sum over H and W times 1 / (H * W).
  if (auto scaled = withScalar<tosa::MulOp>(v))
    if (scaled->first.hasOneUse())
      if (auto sum = matchTwoReductions<tosa::ReduceSumOp>(scaled->first)) {
        ArrayRef<int64_t> s = cast<ShapedType>(sum->first.getType()).getShape();
        int64_t hw = sum->second == Layout::NHWC ? s[1] * s[2] : s[2] * s[3];
        if (std::fabs(scaled->second * hw - 1.0f) <= 1e-5f)
          return Squeeze{sum->first, sum->second, SqueezeKind::Avg};
      }
  return std::nullopt;
}

/// A squeeze of `x`: `squeeze` itself, or an NHWC squeeze of `x`'s NHWC
/// transpose, which squeezes `x` as NCHW (a pooling in a graph that is
/// otherwise NCHW).
std::optional<Squeeze> asSqueezeOf(const Squeeze &squeeze, Value x) {
  if (squeeze.x == x)
    return squeeze;
  auto transpose = squeeze.x.getDefiningOp<tosa::TransposeOp>();
  if (squeeze.layout != Layout::NHWC || !transpose ||
      transpose.getInput1() != x ||
      transpose.getPerms() != ArrayRef<int32_t>{0, 2, 3, 1})
    return std::nullopt;
  return Squeeze{x, Layout::NCHW, squeeze.kind};
}

struct Match {
  tosa::MulOp scale;
  Squeeze squeeze;
  FC fc1, fc2;
  InnerActivation innerAct;
  GateKind gate;
};

std::optional<Match> matchSE(tosa::MulOp mul) {
  for (int i = 0; i < 2; ++i) {
    Value x = mul->getOperand(i), gateValue = mul->getOperand(1 - i);
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!xType || xType.getRank() != 4 || !gateValue.hasOneUse() ||
        mul.getType() != xType)
      continue;
    auto gate = matchGate(skipUnitDimOps(gateValue));
    if (!gate || !gate->first.hasOneUse())
      continue;
    std::optional<FC> fc2 = matchFC(gate->first);
    if (!fc2 || !fc2->input.hasOneUse())
      continue;
    auto act = matchInnerAct(skipUnitDimOps(fc2->input));
    // SiLU and hard-swish read their input twice.
    if (!act || !llvm::hasNItems(act->first.getUses(),
                                 act->second == InnerActivation::ReLU ? 1 : 2))
      continue;
    std::optional<FC> fc1 = matchFC(act->first);
    if (!fc1)
      continue;
    // The squeeze's result also feeds the inner activation's SiLU/hard-swish
    // product; only the FC must use it.
    if (!fc1->input.hasOneUse())
      continue;
    std::optional<Squeeze> squeeze = matchSqueeze(fc1->input);
    if (squeeze)
      squeeze = asSqueezeOf(*squeeze, x);
    if (!squeeze)
      continue;
    int64_t c = xType.getDimSize(squeeze->layout == Layout::NHWC ? 3 : 1);
    if (fc1->in != c || fc2->out != c || fc2->in != fc1->out)
      continue;
    // The gate must be per channel: N x C after dropping unit dimensions.
    SmallVector<int64_t> gateDims = nonUnitDims(gateValue);
    SmallVector<int64_t> expected;
    if (xType.getDimSize(0) != 1)
      expected.push_back(xType.getDimSize(0));
    if (c != 1)
      expected.push_back(c);
    ArrayRef<int64_t> gateShape =
        cast<ShapedType>(gateValue.getType()).getShape();
    int64_t channelAxis = squeeze->layout == Layout::NHWC ? 3 : 1;
    if (gateDims != expected || gateShape.size() != 4 ||
        gateShape[channelAxis] != c)
      continue;
    return Match{mul, *squeeze, *fc1, *fc2, act->second, gate->second};
  }
  return std::nullopt;
}

struct RaiseSqueezeExcitePass
    : se::impl::SERaiseSqueezeExciteBase<RaiseSqueezeExcitePass> {
  void runOnOperation() override {
    // Each block is matched on the IR as the blocks raised before it left
    // it: a raise replaces the block's last op (the multiply, the residual
    // add or the ReLU after it), which can be the input of the next block
    // (SE on the identity branch), so matches made up front would hold
    // values that are gone.
    SmallVector<tosa::MulOp> candidates;
    getOperation().walk([&](tosa::MulOp mul) { candidates.push_back(mul); });
    IRRewriter rewriter(&getContext());
    for (tosa::MulOp mul : candidates)
      if (std::optional<Match> match = matchSE(mul))
        raise(rewriter, *match);
  }

  void raise(IRRewriter &rewriter, Match &match) {
    Value x = match.squeeze.x;
    Operation *replaced = match.scale;
    Value residual;
    bool postRelu = false;
    // relu(se(x) + identity): fuse the add, and the ReLU after it.
    if (match.scale->hasOneUse())
      if (auto add = dyn_cast<tosa::AddOp>(*match.scale->user_begin())) {
        Value other = add->getOperand(0) == match.scale.getResult()
                          ? add->getOperand(1)
                          : add->getOperand(0);
        if (other.getType() == x.getType() && add.getType() == x.getType()) {
          residual = other;
          replaced = add;
          Operation *user = add->hasOneUse() ? *add->user_begin() : nullptr;
          if (user && user->getNumResults() == 1 &&
              matchReLU(user->getResult(0)) == add.getResult()) {
            postRelu = true;
            replaced = user;
          }
        }
      }

    rewriter.setInsertionPoint(replaced);
    Location loc = match.scale.getLoc();
    auto constant = [&](ArrayRef<int64_t> shape, ArrayRef<float> values) {
      auto type = RankedTensorType::get(shape, rewriter.getF32Type());
      return tosa::ConstOp::create(
          rewriter, loc, type,
          cast<ElementsAttr>(makeF32Resource(type, "se_fc", values)));
    };
    int64_t hidden = match.fc1.out, c = match.fc1.in;
    Value w1 = constant({hidden, c}, match.fc1.weights);
    Value w2 = constant({c, hidden}, match.fc2.weights);
    Value b1 =
        match.fc1.bias.empty() ? Value() : constant({hidden}, match.fc1.bias);
    Value b2 = match.fc2.bias.empty() ? Value() : constant({c}, match.fc2.bias);
    SEConfig config;
    config.layout = match.squeeze.layout;
    config.squeeze = match.squeeze.kind;
    config.innerAct = match.innerAct;
    config.gate = match.gate;
    config.postAct = postRelu ? PostActivation::ReLU : PostActivation::None;
    auto se = SqueezeExciteOp::create(rewriter, loc, x, w1, w2, b1, b2,
                                      residual, config);
    rewriter.replaceOp(replaced, se.getResult());
    ++numRaised;
    if (residual)
      ++numResiduals;
  }
};
} // namespace
