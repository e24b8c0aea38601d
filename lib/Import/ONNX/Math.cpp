//===- Math.cpp - ONNX element-wise ops, reductions, products -------------===//
//
// Element-wise ops (unary, clip, binary with broadcasting and host folding),
// reductions, Gemm, MatMul, Softmax.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "se/Utils/ShapeText.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace mlir::se;
using namespace mlir::se::onnx_import;

void Importer::unary(const onnx::NodeProto &node,
                     const std::function<Value(Value)> &emit) {
  Tensor *x = input(node, 0);
  if (!x)
    return;
  define(node, 0, fromLogical(emit(logicalOf(*x))));
}

void Importer::unary(const onnx::NodeProto &node,
                     Value (TosaBuilder::*emit)(Value)) {
  unary(node, [&](Value x) { return (layers.*emit)(x); });
}

void Importer::clip(const onnx::NodeProto &node) {
  float lo = -3.40282347e38f, hi = 3.40282347e38f;
  if (opset < 11) {
    lo = floatAttr(node, "min", lo);
    hi = floatAttr(node, "max", hi);
  } else {
    const HostTensor *min = constantInput(node, 1, /*optional=*/true);
    const HostTensor *max = constantInput(node, 2, /*optional=*/true);
    if (error.failed())
      return;
    if ((min && min->values.size() != 1) || (max && max->values.size() != 1))
      return nodeError(node, "min and max must be scalars");
    if (min)
      lo = static_cast<float>(min->values[0]);
    if (max)
      hi = static_cast<float>(max->values[0]);
  }
  unary(node, [&](Value x) { return layers.clamp(x, lo, hi); });
}

std::optional<HostTensor>

Importer::foldBinary(const HostTensor &a, const HostTensor &b, StringRef op) {
  size_t rank = std::max(a.shape.size(), b.shape.size());
  auto padded = [&](const HostTensor &h) {
    SmallVector<int64_t> s(rank - h.shape.size(), 1);
    s.append(h.shape.begin(), h.shape.end());
    return s;
  };
  SmallVector<int64_t> sa = padded(a), sb = padded(b), out(rank);
  for (size_t d = 0; d < rank; ++d) {
    if (sa[d] != sb[d] && sa[d] != 1 && sb[d] != 1)
      return std::nullopt;
    out[d] = std::max(sa[d], sb[d]);
  }
  HostTensor result;
  result.shape = out;
  result.values.resize(result.count());
  for (int64_t i = 0; i < result.count(); ++i) {
    int64_t ia = 0, ib = 0, rest = i, stride = result.count();
    int64_t strideA = a.count(), strideB = b.count();
    for (size_t d = 0; d < rank; ++d) {
      stride /= out[d];
      strideA /= sa[d];
      strideB /= sb[d];
      int64_t idx = rest / stride;
      rest %= stride;
      ia += (sa[d] == 1 ? 0 : idx) * strideA;
      ib += (sb[d] == 1 ? 0 : idx) * strideB;
    }
    double x = a.values[ia], y = b.values[ib];
    result.values[i] = op == "Add"   ? x + y
                       : op == "Sub" ? x - y
                       : op == "Mul" ? x * y
                                     : x / y;
  }
  return result;
}

void Importer::binary(const onnx::NodeProto &node, StringRef op) {
  Tensor *lhs = input(node, 0), *rhs = input(node, 1);
  if (!lhs || !rhs)
    return;
  size_t rank = std::max(lhs->shape.size(), rhs->shape.size());
  // Numpy broadcasting on the logical shapes.
  SmallVector<int64_t> shape(rank);
  for (size_t d = 0; d < rank; ++d) {
    auto extent = [&](const Tensor &v) {
      int64_t offset = rank - v.shape.size();
      return static_cast<int64_t>(d) < offset ? 1 : v.shape[d - offset];
    };
    int64_t l = extent(*lhs), r = extent(*rhs);
    if (l != r && l != 1 && r != 1)
      return nodeError(node, "cannot broadcast " + shapeText(lhs->shape) +
                                 " with " + shapeText(rhs->shape));
    shape[d] = std::max(l, r);
  }
  if (lhs->host && rhs->host) {
    std::optional<HostTensor> folded = foldBinary(*lhs->host, *rhs->host, op);
    Tensor result;
    result.shape = shape;
    result.host = std::make_shared<HostTensor>(std::move(*folded));
    return define(node, 0, std::move(result));
  }

  // Division by a constant is a multiplication by its reciprocal.
  std::shared_ptr<HostTensor> reciprocal;
  if (op == "Div" && rhs->host) {
    reciprocal = std::make_shared<HostTensor>(*rhs->host);
    for (double &v : reciprocal->values)
      v = 1.0 / v;
  }

  // An operand in the result's rank.
  auto operand = [&](Tensor &v, const HostTensor *host) -> Value {
    SmallVector<int64_t> full(rank - v.shape.size(), 1);
    full.append(v.shape.begin(), v.shape.end());
    if (host || v.host) {
      HostTensor h = host ? *host : *v.host;
      h.shape = full;
      return materialize(h);
    }
    if (v.shape.size() == rank)
      return logicalOf(v);
    return layers.reshape(logicalOf(v), full);
  };
  Value a = operand(*lhs, nullptr);
  Value b = operand(*rhs, reciprocal.get());
  Value result;
  if (op == "Add")
    result = layers.add(a, b);
  else if (op == "Sub")
    result = layers.sub(a, b);
  else if (op == "Mul" || reciprocal)
    result = layers.mul(a, b);
  else
    result = layers.mul(a, layers.reciprocal(b));
  define(node, 0, fromLogical(result));
}

void Importer::leakyRelu(const onnx::NodeProto &node) {
  float alpha = floatAttr(node, "alpha", 0.01f);
  unary(node, [&](Value x) {
    Value scaled = layers.mul(
        x, layers.splat(SmallVector<int64_t>(TosaBuilder::shapeOf(x).size(), 1),
                        alpha));
    return alpha <= 1.0f ? layers.maximum(x, scaled)
                         : layers.minimum(x, scaled);
  });
}

void Importer::hardSigmoid(const onnx::NodeProto &node, bool swish) {
  float alpha = swish ? 1.0f / 6.0f : floatAttr(node, "alpha", 0.2f);
  float beta = swish ? 0.5f : floatAttr(node, "beta", 0.5f);
  unary(node, [&](Value x) {
    SmallVector<int64_t> ones(TosaBuilder::shapeOf(x).size(), 1);
    Value gate =
        layers.clamp(layers.add(layers.mul(x, layers.splat(ones, alpha)),
                                layers.splat(ones, beta)),
                     0.0f, 1.0f);
    return swish ? layers.mul(x, gate) : gate;
  });
}

void Importer::reduce(const onnx::NodeProto &node, StringRef op) {
  Tensor *x = input(node, 0);
  if (!x)
    return;
  int64_t rank = x->shape.size();
  // Axes: an attribute, or an input from opset 13 (ReduceSum) / 18.
  std::optional<SmallVector<int64_t>> list = axes(node, 1, rank);
  if (!list)
    return;
  if (list->empty()) {
    if (intAttr(node, "noop_with_empty_axes", 0) != 0) {
      define(node, 0, *x);
      return;
    }
    for (int64_t d = 0; d < rank; ++d)
      list->push_back(d);
  }
  bool keep = intAttr(node, "keepdims", 1) != 0;
  Value y = logicalOf(*x);
  int64_t reduced = 1;
  SmallVector<int64_t> kept = x->shape;
  for (int64_t axis : *list) {
    y = op == "ReduceMax" ? layers.reduceMax(y, axis)
                          : layers.reduceSum(y, axis);
    reduced *= x->shape[axis];
    kept[axis] = 1;
  }
  if (op == "ReduceMean")
    y = layers.mul(y,
                   layers.splat(SmallVector<int64_t>(rank, 1), 1.0f / reduced));
  Tensor result = fromLogical(y);
  if (keep)
    return define(node, 0, std::move(result));
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(*list, d))
      shape.push_back(x->shape[d]);
  define(node, 0, fromLogical(layers.reshape(logicalOf(result), shape)));
}

void Importer::gemm(const onnx::NodeProto &node) {
  Tensor *a = input(node, 0), *b = input(node, 1);
  Tensor *c = input(node, 2, /*optional=*/true);
  if (!a || !b || error.failed())
    return;
  if (a->shape.size() != 2 || b->shape.size() != 2)
    return nodeError(node, "expects rank-2 A and B, got " +
                               shapeText(a->shape) + " and " +
                               shapeText(b->shape));
  bool transA = intAttr(node, "transA", 0), transB = intAttr(node, "transB", 0);
  float alpha = floatAttr(node, "alpha", 1.0f),
        beta = floatAttr(node, "beta", 1.0f);
  int64_t m = a->shape[transA], k = a->shape[!transA];
  int64_t kb = b->shape[transB], n = b->shape[!transB];
  if (k != kb)
    return nodeError(node, "A " + shapeText(a->shape) + " and B " +
                               shapeText(b->shape) + " do not multiply");
  Value lhs = logicalOf(*a);
  if (transA)
    lhs = layers.transpose(lhs, {1, 0});
  Value rhs;
  if (b->host) {
    HostTensor weight = transB ? permute(*b->host, {1, 0}) : *b->host;
    for (double &v : weight.values)
      v *= alpha;
    alpha = 1.0f;
    weight.shape = {1, k, n};
    rhs = materialize(weight);
  } else {
    rhs = logicalOf(*b);
    if (transB)
      rhs = layers.transpose(rhs, {1, 0});
    rhs = layers.reshape(rhs, {1, k, n});
  }
  Value y = layers.matmul(layers.reshape(lhs, {1, m, k}), rhs);
  if (alpha != 1.0f)
    y = layers.mul(y, layers.splat({1, 1, 1}, alpha));
  if (c && beta != 0.0f) {
    if (c->shape.size() > 2 ||
        (c->shape.size() >= 1 && c->shape.back() != n &&
         c->shape.back() != 1) ||
        (c->shape.size() == 2 && c->shape[0] != m && c->shape[0] != 1))
      return nodeError(node, "C " + shapeText(c->shape) +
                                 " does not broadcast to " + shapeText({m, n}));
    SmallVector<int64_t> shape = {1, 1, 1};
    if (c->shape.size() >= 1)
      shape[2] = c->shape.back();
    if (c->shape.size() == 2)
      shape[1] = c->shape[0];
    Value bias;
    if (c->host) {
      HostTensor h = *c->host;
      for (double &v : h.values)
        v *= beta;
      h.shape = shape;
      bias = materialize(h);
    } else {
      bias = layers.reshape(logicalOf(*c), shape);
      if (beta != 1.0f)
        bias = layers.mul(bias, layers.splat({1, 1, 1}, beta));
    }
    y = layers.add(y, bias);
  }
  define(node, 0, fromLogical(layers.reshape(y, {m, n})));
}

void Importer::matmul(const onnx::NodeProto &node) {
  Tensor *a = input(node, 0), *b = input(node, 1);
  if (!a || !b)
    return;
  ArrayRef<int64_t> sa = a->shape, sb = b->shape;
  if (sa.size() < 2 || sb.size() < 2 || sa.size() > 4 || sb.size() > 3)
    return nodeError(node, "supports A of rank 2 to 4 and B of rank 2 or 3, "
                           "got " +
                               shapeText(sa) + " and " + shapeText(sb));
  int64_t k = sa.back(), n = sb.back();
  if (sb[sb.size() - 2] != k)
    return nodeError(node, "A " + shapeText(sa) + " and B " + shapeText(sb) +
                               " do not multiply");
  SmallVector<int64_t> outShape(sa.drop_back());
  outShape.push_back(n);
  Value y;
  if (sb.size() == 2) {
    // Every row of A times B.
    int64_t rows = std::accumulate(sa.begin(), sa.end() - 1, int64_t(1),
                                   std::multiplies<int64_t>());
    Value rhs = b->host ? [&] {
      HostTensor h = *b->host;
      h.shape = {1, k, n};
      return materialize(h);
    }()
                        : layers.reshape(logicalOf(*b), {1, k, n});
    y = layers.matmul(layers.reshape(logicalOf(*a), {1, rows, k}), rhs);
  } else {
    if (sa.size() != 3 || sa[0] != sb[0])
      return nodeError(node, "batched MatMul needs A and B of rank 3 with "
                             "one batch, got " +
                                 shapeText(sa) + " and " + shapeText(sb));
    y = layers.matmul(logicalOf(*a), logicalOf(*b));
  }
  define(node, 0, fromLogical(layers.reshape(y, outShape)));
}

void Importer::softmax(const onnx::NodeProto &node) {
  Tensor *x = input(node, 0);
  if (!x)
    return;
  int64_t rank = x->shape.size();
  int64_t axis = intAttr(node, "axis", opset >= 13 ? -1 : 1);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return nodeError(node, "axis out of range");
  Value in = logicalOf(*x);
  // Before opset 13 the input is coerced to 2-D at `axis`.
  SmallVector<int64_t> shape = x->shape;
  if (opset < 13 && axis != rank - 1) {
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < rank; ++d)
      (d < axis ? outer : inner) *= x->shape[d];
    in = layers.reshape(in, {outer, inner});
    axis = 1;
  }
  Value shifted = layers.sub(in, layers.reduceMax(in, axis));
  Value e = layers.exp(shifted);
  Value y = layers.mul(e, layers.reciprocal(layers.reduceSum(e, axis)));
  define(node, 0, fromLogical(layers.reshape(y, shape)));
}
