//===- Tensor.cpp - ONNX shapes and data movement -------------------------===//
//
// Identity, Reshape, Flatten, Squeeze/Unsqueeze, Transpose, Concat,
// Constant, Shape, Expand.
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

void Importer::identity(const onnx::NodeProto &node) {
  if (Tensor *x = input(node, 0))
    define(node, 0, *x);
}

void Importer::reshapeLike(const onnx::NodeProto &node,
                           ArrayRef<int64_t> shape) {
  Tensor *x = lookup(node.input(0));
  int64_t count = std::accumulate(shape.begin(), shape.end(), int64_t(1),
                                  std::multiplies<int64_t>());
  int64_t have = std::accumulate(x->shape.begin(), x->shape.end(), int64_t(1),
                                 std::multiplies<int64_t>());
  if (count != have)
    return nodeError(node, "cannot reshape " + shapeText(x->shape) + " to " +
                               shapeText(shape));
  if (x->host) {
    Tensor result;
    result.shape = llvm::to_vector(shape);
    result.host = std::make_shared<HostTensor>(*x->host);
    result.host->shape = result.shape;
    return define(node, 0, std::move(result));
  }
  define(node, 0, fromLogical(layers.reshape(logicalOf(*x), shape)));
}

void Importer::flatten(const onnx::NodeProto &node) {
  Tensor *x = input(node, 0);
  if (!x)
    return;
  int64_t rank = x->shape.size();
  int64_t axis = intAttr(node, "axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis > rank)
    return nodeError(node, "axis out of range");
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < axis ? outer : inner) *= x->shape[d];
  reshapeLike(node, {outer, inner});
}

void Importer::reshape(const onnx::NodeProto &node) {
  Tensor *x = input(node, 0);
  const HostTensor *target = constantInput(node, 1);
  if (!x || !target)
    return;
  bool allowZero = intAttr(node, "allowzero", 0) != 0;
  SmallVector<int64_t> shape;
  int64_t inferred = -1, known = 1;
  for (auto [i, v] : llvm::enumerate(target->values)) {
    int64_t d = static_cast<int64_t>(v);
    if (d == 0 && !allowZero) {
      if (i >= x->shape.size())
        return nodeError(node, "shape entry 0 at " + Twine(i) +
                                   " has no input dimension to copy");
      d = x->shape[i];
    }
    if (d == -1) {
      if (inferred >= 0)
        return nodeError(node, "the shape has two -1 entries");
      inferred = i;
      shape.push_back(1);
      continue;
    }
    if (d < 0 || d > kMaxExtent)
      return nodeError(node, "invalid shape entry " + Twine(d));
    known *= d;
    shape.push_back(d);
  }
  int64_t count = std::accumulate(x->shape.begin(), x->shape.end(), int64_t(1),
                                  std::multiplies<int64_t>());
  if (inferred >= 0) {
    if (known == 0 || count % known != 0)
      return nodeError(node, "cannot reshape " + shapeText(x->shape) + " to " +
                                 shapeText(shape) + " with one -1");
    shape[inferred] = count / known;
  }
  reshapeLike(node, shape);
}

void Importer::squeeze(const onnx::NodeProto &node, bool unsqueeze) {
  Tensor *x = input(node, 0);
  if (!x)
    return;
  int64_t rank = x->shape.size();
  int64_t outRank = rank;
  std::optional<SmallVector<int64_t>> list;
  if (unsqueeze) {
    // Axes refer to the output's rank.
    SmallVector<int64_t> raw = intsAttr(node, "axes");
    if (raw.empty() && node.input_size() > 1) {
      const HostTensor *host = constantInput(node, 1);
      if (!host)
        return;
      for (double v : host->values)
        raw.push_back(static_cast<int64_t>(v));
    }
    outRank = rank + raw.size();
    if (outRank > 8)
      return nodeError(node, "unsupported output rank " + Twine(outRank));
    for (int64_t &a : raw)
      if (a < 0)
        a += outRank;
    llvm::sort(raw);
    SmallVector<int64_t> shape;
    size_t next = 0;
    for (int64_t d = 0; d < outRank; ++d) {
      if (llvm::is_contained(raw, d))
        shape.push_back(1);
      else if (next < x->shape.size())
        shape.push_back(x->shape[next++]);
      else
        return nodeError(node, "axes out of range");
    }
    return reshapeLike(node, shape);
  }
  list = axes(node, 1, rank);
  if (!list)
    return;
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    bool drop = list->empty() ? x->shape[d] == 1 : llvm::is_contained(*list, d);
    if (drop && x->shape[d] != 1)
      return nodeError(node, "cannot squeeze dimension " + Twine(d) +
                                 " of extent " + Twine(x->shape[d]));
    if (!drop)
      shape.push_back(x->shape[d]);
  }
  reshapeLike(node, shape);
}

void Importer::transpose(const onnx::NodeProto &node) {
  Tensor *x = input(node, 0);
  if (!x)
    return;
  int64_t rank = x->shape.size();
  SmallVector<int64_t> perm = intsAttr(node, "perm");
  if (perm.empty())
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  SmallVector<int64_t> sorted = perm;
  llvm::sort(sorted);
  bool valid = static_cast<int64_t>(sorted.size()) == rank;
  for (int64_t d = 0; valid && d < rank; ++d)
    valid = sorted[d] == d;
  if (!valid)
    return nodeError(node, "perm " + shapeText(perm) +
                               " is not a permutation of rank " + Twine(rank));
  if (x->host) {
    Tensor result;
    result.host = std::make_shared<HostTensor>(permute(*x->host, perm));
    result.shape = result.host->shape;
    return define(node, 0, std::move(result));
  }
  SmallVector<int32_t> perms(perm.begin(), perm.end());
  // NCHW -> NHWC of a feature map that already has its NHWC form.
  if (rank == 4 && perm == SmallVector<int64_t>{0, 2, 3, 1} && x->nhwc)
    return define(node, 0, fromLogical(x->nhwc));
  define(node, 0, fromLogical(layers.transpose(logicalOf(*x), perms)));
}

void Importer::concat(const onnx::NodeProto &node) {
  SmallVector<Tensor *> inputs;
  for (int i = 0; i < node.input_size(); ++i) {
    Tensor *x = input(node, i);
    if (!x)
      return;
    inputs.push_back(x);
  }
  if (inputs.empty())
    return nodeError(node, "has no inputs");
  int64_t rank = inputs.front()->shape.size();
  int64_t axis = intAttr(node, "axis", opset < 4 ? 1 : 0);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return nodeError(node, "axis out of range");
  SmallVector<int64_t> shape = inputs.front()->shape;
  shape[axis] = 0;
  for (Tensor *x : inputs) {
    auto fits = [&](int64_t d) { return d == axis || x->shape[d] == shape[d]; };
    if (static_cast<int64_t>(x->shape.size()) != rank ||
        !llvm::all_of(llvm::seq<int64_t>(0, rank), fits))
      return nodeError(node, "inputs " + shapeText(inputs.front()->shape) +
                                 " and " + shapeText(x->shape) +
                                 " do not concatenate on axis " + Twine(axis));
    shape[axis] += x->shape[axis];
  }
  // Constants (shape computations) are concatenated here.
  if (llvm::all_of(inputs, [](Tensor *x) { return x->host != nullptr; })) {
    Tensor result;
    result.shape = shape;
    result.host = std::make_shared<HostTensor>();
    result.host->shape = shape;
    result.host->elementType = inputs.front()->host->elementType;
    int64_t outer = std::accumulate(shape.begin(), shape.begin() + axis,
                                    int64_t(1), std::multiplies<int64_t>());
    int64_t inner = std::accumulate(shape.begin() + axis + 1, shape.end(),
                                    int64_t(1), std::multiplies<int64_t>());
    for (int64_t o = 0; o < outer; ++o)
      for (Tensor *x : inputs) {
        int64_t slab = x->shape[axis] * inner;
        auto begin = x->host->values.begin() + o * slab;
        result.host->values.insert(result.host->values.end(), begin,
                                   begin + slab);
      }
    return define(node, 0, std::move(result));
  }
  SmallVector<Value> operands;
  for (Tensor *x : inputs)
    operands.push_back(logicalOf(*x));
  define(node, 0, fromLogical(layers.concat(operands, axis)));
}

void Importer::constant(const onnx::NodeProto &node) {
  const onnx::AttributeProto *value = attribute(node, "value");
  HostTensor host;
  if (value && value->has_t()) {
    std::optional<HostTensor> read =
        readTensor(value->t(), "the value of node '" + node.name() + "'");
    if (!read)
      return;
    host = std::move(*read);
  } else if (const onnx::AttributeProto *f = attribute(node, "value_float")) {
    host.values = {f->f()};
  } else if (const onnx::AttributeProto *i = attribute(node, "value_int")) {
    host.values = {static_cast<double>(i->i())};
  } else if (const onnx::AttributeProto *fs = attribute(node, "value_floats")) {
    host.values.assign(fs->floats().begin(), fs->floats().end());
    host.shape = {static_cast<int64_t>(host.values.size())};
  } else if (const onnx::AttributeProto *is = attribute(node, "value_ints")) {
    for (int64_t v : is->ints())
      host.values.push_back(static_cast<double>(v));
    host.shape = {static_cast<int64_t>(host.values.size())};
  } else {
    return nodeError(node, "unsupported attribute (sparse or string value)");
  }
  Tensor result;
  result.shape = host.shape;
  result.host = std::make_shared<HostTensor>(std::move(host));
  define(node, 0, std::move(result));
}

void Importer::shape(const onnx::NodeProto &node) {
  Tensor *x = input(node, 0);
  if (!x)
    return;
  int64_t rank = x->shape.size();
  int64_t start = intAttr(node, "start", 0), end = intAttr(node, "end", rank);
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, start, rank);
  // Shapes are static: the result is a constant.
  Tensor result;
  result.host = std::make_shared<HostTensor>();
  for (int64_t d = start; d < end; ++d)
    result.host->values.push_back(static_cast<double>(x->shape[d]));
  result.host->shape = {end - start};
  result.shape = result.host->shape;
  define(node, 0, std::move(result));
}

void Importer::gather(const onnx::NodeProto &node) {
  Tensor *data = input(node, 0);
  const HostTensor *indices = constantInput(node, 1);
  if (!data || !indices)
    return;
  if (!data->host)
    return nodeError(node, "gathers from a computed tensor; se-compile "
                           "folds Gather of constants (shapes) only");
  int64_t rank = data->shape.size();
  int64_t axis = intAttr(node, "axis", 0);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return nodeError(node, "axis out of range");
  Tensor result;
  result.host = std::make_shared<HostTensor>();
  result.host->elementType = data->host->elementType;
  SmallVector<int64_t> shape(data->shape.begin(), data->shape.begin() + axis);
  shape.append(indices->shape.begin(), indices->shape.end());
  shape.append(data->shape.begin() + axis + 1, data->shape.end());
  int64_t extent = data->shape[axis];
  int64_t outer =
      std::accumulate(data->shape.begin(), data->shape.begin() + axis,
                      int64_t(1), std::multiplies<int64_t>());
  int64_t inner =
      std::accumulate(data->shape.begin() + axis + 1, data->shape.end(),
                      int64_t(1), std::multiplies<int64_t>());
  for (int64_t o = 0; o < outer; ++o)
    for (double value : indices->values) {
      int64_t index = static_cast<int64_t>(value);
      if (index < 0)
        index += extent;
      if (index < 0 || index >= extent)
        return nodeError(node, "index " + Twine(static_cast<int64_t>(value)) +
                                   " is out of range for extent " +
                                   Twine(extent));
      auto begin = data->host->values.begin() + (o * extent + index) * inner;
      result.host->values.insert(result.host->values.end(), begin,
                                 begin + inner);
    }
  result.host->shape = shape;
  result.shape = shape;
  define(node, 0, std::move(result));
}

void Importer::expand(const onnx::NodeProto &node) {
  Tensor *x = input(node, 0);
  const HostTensor *target = constantInput(node, 1);
  if (!x || !target)
    return;
  // Numpy broadcasting of the input to the requested shape.
  if (llvm::any_of(target->values, [](double v) { return v < 1; }))
    return nodeError(node, "the target shape has an extent below 1");
  size_t rank = std::max<size_t>(x->shape.size(), target->values.size());
  SmallVector<int64_t> shape(rank);
  for (size_t d = 0; d < rank; ++d) {
    int64_t offsetX = rank - x->shape.size();
    int64_t offsetT = rank - target->values.size();
    int64_t a = static_cast<int64_t>(d) < offsetX ? 1 : x->shape[d - offsetX];
    int64_t b = static_cast<int64_t>(d) < offsetT
                    ? 1
                    : static_cast<int64_t>(target->values[d - offsetT]);
    if (a != b && a != 1 && b != 1)
      return nodeError(node, "cannot expand " + shapeText(x->shape) + " to " +
                                 shapeText(shape));
    shape[d] = std::max(a, b);
  }
  // Element-wise consumers broadcast by themselves: when each one's other
  // operand already has the expanded shape, the expansion is a no-op (this
  // is how `x * y.expand_as(x)` exports). A graph output has a reader that
  // does not.
  SmallVector<const onnx::NodeProto *> users = consumers.lookup(node.output(0));
  bool implied = !users.empty() && !isGraphOutput(node.output(0)) &&
                 llvm::all_of(users, [&](const onnx::NodeProto *user) {
                   StringRef op = user->op_type();
                   if (op != "Add" && op != "Sub" && op != "Mul" && op != "Div")
                     return false;
                   for (const std::string &operand : user->input())
                     if (operand != node.output(0)) {
                       Tensor *other = lookup(operand);
                       return other && other->shape == shape;
                     }
                   return false;
                 });
  if (!implied)
    return nodeError(node, "supported only where element-wise consumers "
                           "broadcast it anyway");
  define(node, 0, *x);
}
