//===- TosaBuilder.cpp - emit NHWC graph layers as TOSA -------------------===//

#include "se/Models/TosaBuilder.h"

#include "se/Utils/ConstantValues.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::se;

int64_t Window::outputSize(int64_t in, int dim, bool ceil) const {
  int64_t span = (kernel[dim] - 1) * dilation[dim] + 1;
  int64_t padded = in + pad[2 * dim] + pad[2 * dim + 1] - span;
  return (ceil ? (padded + stride[dim] - 1) : padded) / stride[dim] + 1;
}

TosaBuilder::TosaBuilder(OpBuilder &b)
    : b(b), loc(b.getUnknownLoc()), f32(b.getF32Type()) {}

ArrayRef<int64_t> TosaBuilder::shapeOf(Value v) {
  return cast<ShapedType>(v.getType()).getShape();
}

RankedTensorType TosaBuilder::tensor(ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, f32);
}

Value TosaBuilder::constant(ArrayRef<int64_t> shape, ArrayRef<float> values) {
  RankedTensorType type = tensor(shape);
  ElementsAttr attr;
  if (values.size() <= 16)
    attr = DenseElementsAttr::get(type, values);
  else
    attr = makeF32Resource(type, llvm::formatv("w{0}", resourceCount++).str(),
                           values);
  return tosa::ConstOp::create(b, loc, type, attr);
}

Value TosaBuilder::int8Constant(ArrayRef<int64_t> shape,
                                ArrayRef<int8_t> values) {
  auto type = RankedTensorType::get(shape, b.getI8Type());
  ElementsAttr attr;
  if (values.size() <= 16)
    attr = DenseElementsAttr::get(type, values);
  else
    attr = makeResource(
        type, llvm::formatv("q{0}", resourceCount++).str(),
        ArrayRef<char>(reinterpret_cast<const char *>(values.data()),
                       values.size()),
        alignof(int8_t));
  return tosa::ConstOp::create(b, loc, type, attr);
}

Value TosaBuilder::splat(ArrayRef<int64_t> shape, float value) {
  RankedTensorType type = tensor(shape);
  return tosa::ConstOp::create(b, loc, type,
                               DenseElementsAttr::get(type, value));
}

Value TosaBuilder::shapeConstant(ArrayRef<int64_t> values) {
  auto shapeType = tosa::shapeType::get(b.getContext(), values.size());
  return tosa::ConstShapeOp::create(
      b, loc, shapeType,
      DenseIntElementsAttr::get(
          RankedTensorType::get({static_cast<int64_t>(values.size())},
                                b.getIndexType()),
          values));
}

Value TosaBuilder::cropForStride(Value x, Window &window, bool ceil) {
  SmallVector<int64_t> in = llvm::to_vector(shapeOf(x));
  SmallVector<int64_t, 2> crop = {0, 0};
  for (int dim = 0; dim < 2; ++dim) {
    int64_t span = (window.kernel[dim] - 1) * window.dilation[dim] + 1;
    int64_t &padEnd = window.pad[2 * dim + 1];
    int64_t extra = (in[1 + dim] + window.pad[2 * dim] + padEnd - span) %
                    window.stride[dim];
    if (extra == 0)
      continue;
    if (ceil) {
      // One more window, reaching into extra end padding.
      padEnd += window.stride[dim] - extra;
      continue;
    }
    int64_t fromPad = std::min(extra, padEnd);
    padEnd -= fromPad;
    crop[dim] = extra - fromPad;
  }
  if (crop[0] == 0 && crop[1] == 0)
    return x;
  return slice(x, {0, 0, 0, 0},
               {in[0], in[1] - crop[0], in[2] - crop[1], in[3]});
}

Value TosaBuilder::conv2d(Value x, ArrayRef<float> weights, int64_t outChannels,
                          ArrayRef<float> bias, const Window &window,
                          int64_t groups) {
  ArrayRef<int64_t> in = shapeOf(x);
  Value weight = constant(
      {outChannels, window.kernel[0], window.kernel[1], in[3] / groups},
      weights);
  return conv2d(x, weight,
                bias.empty() ? Value() : constant({outChannels}, bias), window,
                groups);
}

Value TosaBuilder::conv2d(Value x, Value weight, Value bias,
                          const Window &window, int64_t groups) {
  ArrayRef<int64_t> in = shapeOf(x);
  ArrayRef<int64_t> w = shapeOf(weight);
  int64_t outChannels = w[0];
  int64_t oh = window.outputSize(in[1], 0), ow = window.outputSize(in[2], 1);
  if (groups == 1) {
    Window adjusted = window;
    x = cropForStride(x, adjusted, /*ceil=*/false);
    return tosa::Conv2DOp::create(
        b, loc, tensor({in[0], oh, ow, outChannels}), x, weight,
        bias ? bias : splat({1}, 0.0f), b.getDenseI64ArrayAttr(adjusted.pad),
        b.getDenseI64ArrayAttr(adjusted.stride),
        b.getDenseI64ArrayAttr(adjusted.dilation), TypeAttr::get(f32));
  }
  Value filter =
      reshape(weight, {groups, outChannels / groups, w[1], w[2], w[3]});
  Value y = groupedConv(x, filter, window, oh, ow);
  if (!bias)
    return y;
  return add(y, reshape(bias, {1, 1, 1, outChannels}));
}

Value TosaBuilder::groupedConv(Value x, Value filter, const Window &window,
                               int64_t oh, int64_t ow) {
  ArrayRef<int64_t> in = shapeOf(x);
  ArrayRef<int64_t> filterShape = shapeOf(filter);
  int64_t groups = filterShape[0], perGroupOut = filterShape[1],
          perGroupIn = filterShape[4];
  Value padded = pad(x, {0, window.pad[0], window.pad[2], 0},
                     {0, window.pad[1], window.pad[3], 0});
  ArrayRef<int64_t> paddedShape = shapeOf(padded);
  Value grouped = tensor::ExpandShapeOp::create(
      b, loc,
      tensor(
          {paddedShape[0], paddedShape[1], paddedShape[2], groups, perGroupIn}),
      padded, SmallVector<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
  auto outType = tensor({in[0], oh, ow, groups, perGroupOut});
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  Value empty = tensor::EmptyOp::create(b, loc, outType.getShape(), f32);
  Value init =
      linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{empty})
          .getResult(0);
  // Linalg's convolutions take strides and dilations as tensor<2xi64>
  // elements; another attribute kind would silently read as 1.
  auto pair = [&](ArrayRef<int64_t> values) {
    return DenseIntElementsAttr::get(RankedTensorType::get({2}, b.getI64Type()),
                                     values);
  };
  Value out = linalg::Conv2DNhwgcGfhwcOp::create(
                  b, loc, TypeRange{outType}, ValueRange{grouped, filter},
                  ValueRange{init}, pair(window.stride), pair(window.dilation))
                  .getResult(0);
  return tensor::CollapseShapeOp::create(
      b, loc, out, SmallVector<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
}

Value TosaBuilder::depthwiseConv2d(Value x, ArrayRef<float> weights,
                                   int64_t multiplier, ArrayRef<float> bias,
                                   const Window &window) {
  int64_t channels = shapeOf(x)[3];
  Value weight = constant(
      {window.kernel[0], window.kernel[1], channels, multiplier}, weights);
  return depthwiseConv2d(
      x, weight,
      bias.empty() ? Value() : constant({channels * multiplier}, bias), window);
}

Value TosaBuilder::depthwiseConv2d(Value x, Value weight, Value bias,
                                   const Window &window) {
  ArrayRef<int64_t> in = shapeOf(x);
  Window w = window;
  int64_t oh = w.outputSize(in[1], 0), ow = w.outputSize(in[2], 1);
  x = cropForStride(x, w, /*ceil=*/false);
  int64_t channels = in[3] * shapeOf(weight)[3];
  return tosa::DepthwiseConv2DOp::create(
      b, loc, tensor({in[0], oh, ow, channels}), x, weight,
      bias ? bias : splat({1}, 0.0f), b.getDenseI64ArrayAttr(w.pad),
      b.getDenseI64ArrayAttr(w.stride), b.getDenseI64ArrayAttr(w.dilation),
      TypeAttr::get(f32));
}

Value TosaBuilder::scaleShift(Value x, ArrayRef<float> scale,
                              ArrayRef<float> shift) {
  SmallVector<int64_t> shape(shapeOf(x).size(), 1);
  shape.back() = shapeOf(x).back();
  return add(mul(x, constant(shape, scale)), constant(shape, shift));
}

Value TosaBuilder::clamp(Value x, float lo, float hi) {
  return tosa::ClampOp::create(b, loc, x.getType(), x, b.getF32FloatAttr(lo),
                               b.getF32FloatAttr(hi));
}

Value TosaBuilder::sigmoid(Value x) {
  return tosa::SigmoidOp::create(b, loc, x.getType(), x);
}
Value TosaBuilder::tanh(Value x) {
  return tosa::TanhOp::create(b, loc, x.getType(), x);
}
Value TosaBuilder::exp(Value x) {
  return tosa::ExpOp::create(b, loc, x.getType(), x);
}
Value TosaBuilder::rsqrt(Value x) {
  return tosa::RsqrtOp::create(b, loc, x.getType(), x);
}
Value TosaBuilder::reciprocal(Value x) {
  return tosa::ReciprocalOp::create(b, loc, x.getType(), x);
}

RankedTensorType TosaBuilder::broadcastType(Value lhs, Value rhs) {
  SmallVector<int64_t> shape;
  for (auto [l, r] : llvm::zip_equal(shapeOf(lhs), shapeOf(rhs)))
    shape.push_back(l == 1 ? r : l);
  return tensor(shape);
}

Value TosaBuilder::add(Value lhs, Value rhs) {
  return tosa::AddOp::create(b, loc, broadcastType(lhs, rhs), lhs, rhs);
}
Value TosaBuilder::sub(Value lhs, Value rhs) {
  return tosa::SubOp::create(b, loc, broadcastType(lhs, rhs), lhs, rhs);
}
Value TosaBuilder::mul(Value lhs, Value rhs) {
  auto shiftType = RankedTensorType::get({1}, b.getI8Type());
  Value shift = tosa::ConstOp::create(
      b, loc, shiftType,
      DenseElementsAttr::get(shiftType, static_cast<int8_t>(0)));
  return tosa::MulOp::create(b, loc, broadcastType(lhs, rhs), lhs, rhs, shift);
}
Value TosaBuilder::maximum(Value lhs, Value rhs) {
  return tosa::MaximumOp::create(b, loc, broadcastType(lhs, rhs), lhs, rhs);
}
Value TosaBuilder::minimum(Value lhs, Value rhs) {
  return tosa::MinimumOp::create(b, loc, broadcastType(lhs, rhs), lhs, rhs);
}

Value TosaBuilder::maxPool(Value x, const Window &window, bool ceil) {
  ArrayRef<int64_t> in = shapeOf(x);
  Window w = window;
  int64_t oh = w.outputSize(in[1], 0, ceil), ow = w.outputSize(in[2], 1, ceil);
  x = cropForStride(x, w, ceil);
  return tosa::MaxPool2dOp::create(b, loc, tensor({in[0], oh, ow, in[3]}), x,
                                   w.kernel, w.stride, w.pad);
}

Value TosaBuilder::avgPool(Value x, const Window &window, bool ceil) {
  ArrayRef<int64_t> in = shapeOf(x);
  Window w = window;
  int64_t oh = w.outputSize(in[1], 0, ceil), ow = w.outputSize(in[2], 1, ceil);
  x = cropForStride(x, w, ceil);
  return tosa::AvgPool2dOp::create(
      b, loc, tensor({in[0], oh, ow, in[3]}), x,
      b.getDenseI64ArrayAttr(w.kernel), b.getDenseI64ArrayAttr(w.stride),
      b.getDenseI64ArrayAttr(w.pad), TypeAttr::get(f32));
}

Value TosaBuilder::reduceMax(Value x, int64_t axis) {
  SmallVector<int64_t> shape = llvm::to_vector(shapeOf(x));
  shape[axis] = 1;
  return tosa::ReduceMaxOp::create(b, loc, tensor(shape), x,
                                   b.getI32IntegerAttr(axis));
}

Value TosaBuilder::reduceSum(Value x, int64_t axis) {
  SmallVector<int64_t> shape = llvm::to_vector(shapeOf(x));
  shape[axis] = 1;
  return tosa::ReduceSumOp::create(b, loc, tensor(shape), x,
                                   b.getI32IntegerAttr(axis));
}

Value TosaBuilder::matmul(Value lhs, Value rhs) {
  ArrayRef<int64_t> a = shapeOf(lhs), c = shapeOf(rhs);
  return tosa::MatMulOp::create(b, loc, tensor({a[0], a[1], c[2]}), lhs, rhs);
}

Value TosaBuilder::reshape(Value x, ArrayRef<int64_t> shape) {
  if (shapeOf(x) == shape)
    return x;
  // A reshaped constant is a constant (the canonicalizer does not fold
  // blobs): the convolution passes want constant filters.
  if (auto constant = x.getDefiningOp<tosa::ConstOp>()) {
    ElementsAttr values = constant.getValues();
    RankedTensorType type = tensor(shape);
    if (auto dense = dyn_cast<DenseElementsAttr>(values))
      return tosa::ConstOp::create(b, loc, type, dense.reshape(type));
    if (auto blob = dyn_cast<DenseResourceElementsAttr>(values))
      return tosa::ConstOp::create(
          b, loc, type,
          DenseResourceElementsAttr::get(type, blob.getRawHandle()));
  }
  return tosa::ReshapeOp::create(b, loc, tensor(shape), x,
                                 shapeConstant(shape));
}

Value TosaBuilder::transpose(Value x, ArrayRef<int32_t> perms) {
  ArrayRef<int64_t> in = shapeOf(x);
  SmallVector<int64_t> out;
  for (int32_t p : perms)
    out.push_back(in[p]);
  return tosa::TransposeOp::create(b, loc, tensor(out), x, perms);
}

Value TosaBuilder::concat(ValueRange values, int64_t axis) {
  SmallVector<int64_t> shape = llvm::to_vector(shapeOf(values.front()));
  shape[axis] = 0;
  for (Value v : values)
    shape[axis] += shapeOf(v)[axis];
  return tosa::ConcatOp::create(b, loc, tensor(shape), values,
                                b.getI32IntegerAttr(axis));
}

Value TosaBuilder::pad(Value x, ArrayRef<int64_t> low, ArrayRef<int64_t> high,
                       float value) {
  if (llvm::all_of(low, [](int64_t v) { return v == 0; }) &&
      llvm::all_of(high, [](int64_t v) { return v == 0; }))
    return x;
  SmallVector<int64_t> shape = llvm::to_vector(shapeOf(x));
  for (size_t d = 0; d < shape.size(); ++d)
    shape[d] += low[d] + high[d];
  Value fill = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
  auto padOp = tensor::PadOp::create(b, loc, tensor(shape), x, low, high,
                                     ValueRange{}, ValueRange{});
  OpBuilder::InsertionGuard guard(b);
  Block *block = b.createBlock(
      &padOp.getRegion(), {}, SmallVector<Type>(shape.size(), b.getIndexType()),
      SmallVector<Location>(shape.size(), loc));
  b.setInsertionPointToEnd(block);
  tensor::YieldOp::create(b, loc, fill);
  return padOp;
}

Value TosaBuilder::slice(Value x, ArrayRef<int64_t> start,
                         ArrayRef<int64_t> size) {
  return tosa::SliceOp::create(b, loc, tensor(size), x, shapeConstant(start),
                               shapeConstant(size));
}
