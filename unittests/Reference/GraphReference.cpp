//===- GraphReference.cpp - plain C++ executor of graph-level IR ----------===//

#include "Reference/GraphReference.h"
#include "Reference/SEReference.h"

#include "se/Dialect/SE/IR/SEOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using ::se::reference::Tensor;

namespace {

int64_t count(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::vector<int64_t> shapeOf(Value v) {
  auto shape = cast<ShapedType>(v.getType()).getShape();
  return {shape.begin(), shape.end()};
}

/// Row-major strides of `shape`.
std::vector<int64_t> strides(const std::vector<int64_t> &shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

Tensor fromAttribute(Attribute attr, Value result) {
  Tensor t{shapeOf(result), {}};
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    ArrayRef<char> raw = resource.getRawHandle().getBlob()->getData();
    if (resource.getElementType().isInteger(8)) {
      // Quantized weights.
      const auto *values = reinterpret_cast<const int8_t *>(raw.data());
      t.data.assign(values, values + count(t.shape));
    } else {
      const float *values = reinterpret_cast<const float *>(raw.data());
      t.data.assign(values, values + count(t.shape));
    }
  } else if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (dense.getElementType().isF32())
      for (float v : dense.getValues<float>())
        t.data.push_back(v);
    else
      for (APInt v : dense.getValues<APInt>())
        t.data.push_back(static_cast<double>(v.getSExtValue()));
    if (dense.isSplat())
      t.data.assign(count(t.shape), t.data.front());
  }
  return t;
}

/// Numpy-style broadcast of two equal-rank tensors.
Tensor broadcast(const Tensor &a, const Tensor &b,
                 double (*fn)(double, double)) {
  size_t rank = a.shape.size();
  Tensor out;
  out.shape.resize(rank);
  for (size_t i = 0; i < rank; ++i)
    out.shape[i] = std::max(a.shape[i], b.shape[i]);
  out.data.resize(count(out.shape));
  std::vector<int64_t> so = strides(out.shape), sa = strides(a.shape),
                       sb = strides(b.shape);
  for (int64_t i = 0; i < count(out.shape); ++i) {
    int64_t ia = 0, ib = 0, rest = i;
    for (size_t d = 0; d < rank; ++d) {
      int64_t idx = rest / so[d];
      rest %= so[d];
      ia += (a.shape[d] == 1 ? 0 : idx) * sa[d];
      ib += (b.shape[d] == 1 ? 0 : idx) * sb[d];
    }
    out.data[i] = fn(a.data[ia], b.data[ib]);
  }
  return out;
}

/// out[i] = in[j] where each index of j is `inputIndex(dimension, index of
/// i)`: slices, tiles.
Tensor gather(const Tensor &in, const std::vector<int64_t> &outShape,
              llvm::function_ref<int64_t(size_t, int64_t)> inputIndex) {
  Tensor out{outShape, std::vector<double>(count(outShape))};
  std::vector<int64_t> si = strides(in.shape), so = strides(outShape);
  for (int64_t i = 0; i < count(outShape); ++i) {
    int64_t src = 0, rest = i;
    for (size_t d = 0; d < outShape.size(); ++d) {
      src += inputIndex(d, rest / so[d]) * si[d];
      rest %= so[d];
    }
    out.data[i] = in.data[src];
  }
  return out;
}

Tensor unary(const Tensor &in, double (*fn)(double)) {
  Tensor out = in;
  for (double &v : out.data)
    v = fn(v);
  return out;
}

/// Reduces `axis` of `in` with `fn` from `init`, keeping it as extent 1.
Tensor reduce(const Tensor &in, int64_t axis, double init,
              double (*fn)(double, double)) {
  Tensor out;
  out.shape = in.shape;
  out.shape[axis] = 1;
  out.data.assign(count(out.shape), init);
  std::vector<int64_t> si = strides(in.shape), so = strides(out.shape);
  for (int64_t i = 0; i < count(in.shape); ++i) {
    int64_t dst = 0, rest = i;
    for (size_t d = 0; d < in.shape.size(); ++d) {
      int64_t idx = rest / si[d];
      rest %= si[d];
      dst += (static_cast<int64_t>(d) == axis ? 0 : idx) * so[d];
    }
    out.data[dst] = fn(out.data[dst], in.data[i]);
  }
  return out;
}

/// NHWC pooling over windows of `kernel` (pad = top, bottom, left, right);
/// padding never counts: max ignores it, the average divides by the number
/// of input elements in the window (TOSA's definition).
Tensor pool2d(const Tensor &in, const std::vector<int64_t> &outShape,
              ArrayRef<int64_t> kernel, ArrayRef<int64_t> stride,
              ArrayRef<int64_t> pad, bool average) {
  int64_t h = in.shape[1], w = in.shape[2], c = in.shape[3];
  Tensor out{outShape, std::vector<double>(count(outShape))};
  for (int64_t b = 0; b < outShape[0]; ++b)
    for (int64_t y = 0; y < outShape[1]; ++y)
      for (int64_t x = 0; x < outShape[2]; ++x)
        for (int64_t ch = 0; ch < c; ++ch) {
          double acc = average ? 0.0 : -std::numeric_limits<double>::infinity();
          int64_t inside = 0;
          for (int64_t i = 0; i < kernel[0]; ++i)
            for (int64_t j = 0; j < kernel[1]; ++j) {
              int64_t iy = y * stride[0] + i - pad[0],
                      ix = x * stride[1] + j - pad[2];
              if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                continue;
              double v = in.data[((b * h + iy) * w + ix) * c + ch];
              acc = average ? acc + v : std::max(acc, v);
              ++inside;
            }
          out.data[((b * outShape[1] + y) * outShape[2] + x) * c + ch] =
              average ? acc / inside : acc;
        }
  return out;
}

/// NHWC depthwise convolution with a KH x KW x C x M kernel.
Tensor depthwiseConv2d(const Tensor &x, const Tensor &w, const Tensor &bias,
                       ArrayRef<int64_t> pad, ArrayRef<int64_t> stride,
                       ArrayRef<int64_t> dilation,
                       const std::vector<int64_t> &outShape) {
  int64_t h = x.shape[1], wd = x.shape[2], c = x.shape[3];
  int64_t kh = w.shape[0], kw = w.shape[1], m = w.shape[3];
  Tensor out{outShape, std::vector<double>(count(outShape))};
  for (int64_t b = 0; b < outShape[0]; ++b)
    for (int64_t y = 0; y < outShape[1]; ++y)
      for (int64_t xo = 0; xo < outShape[2]; ++xo)
        for (int64_t ch = 0; ch < c; ++ch)
          for (int64_t k = 0; k < m; ++k) {
            double acc = bias.data.size() == 1 ? bias.data[0]
                                               : bias.data[ch * m + k];
            for (int64_t i = 0; i < kh; ++i)
              for (int64_t j = 0; j < kw; ++j) {
                int64_t iy = y * stride[0] + i * dilation[0] - pad[0],
                        ix = xo * stride[1] + j * dilation[1] - pad[2];
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd)
                  continue;
                acc += x.data[((b * h + iy) * wd + ix) * c + ch] *
                       w.data[((i * kw + j) * c + ch) * m + k];
              }
            out.data[((b * outShape[1] + y) * outShape[2] + xo) * c * m +
                     ch * m + k] = acc;
          }
  return out;
}

/// NHWC convolution with an OHWI kernel; pad = top, bottom, left, right.
Tensor conv2d(const Tensor &x, const Tensor &w, const Tensor &bias,
              ArrayRef<int64_t> pad, ArrayRef<int64_t> stride,
              ArrayRef<int64_t> dilation,
              const std::vector<int64_t> &outShape) {
  int64_t n = x.shape[0], h = x.shape[1], wd = x.shape[2], c = x.shape[3];
  int64_t oc = w.shape[0], kh = w.shape[1], kw = w.shape[2];
  int64_t oh = outShape[1], ow = outShape[2];
  Tensor out{outShape, std::vector<double>(count(outShape))};
  for (int64_t b = 0; b < n; ++b)
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t xo = 0; xo < ow; ++xo)
        for (int64_t o = 0; o < oc; ++o) {
          double acc = bias.data.size() == 1 ? bias.data[0] : bias.data[o];
          for (int64_t i = 0; i < kh; ++i) {
            int64_t iy = y * stride[0] + i * dilation[0] - pad[0];
            if (iy < 0 || iy >= h)
              continue;
            for (int64_t j = 0; j < kw; ++j) {
              int64_t ix = xo * stride[1] + j * dilation[1] - pad[2];
              if (ix < 0 || ix >= wd)
                continue;
              const double *in = &x.data[((b * h + iy) * wd + ix) * c];
              const double *k = &w.data[((o * kh + i) * kw + j) * c];
              for (int64_t ch = 0; ch < c; ++ch)
                acc += in[ch] * k[ch];
            }
          }
          out.data[((b * oh + y) * ow + xo) * oc + o] = acc;
        }
  return out;
}

/// The SE block through the independent block reference (SEReference).
Tensor squeezeExcite(mlir::se::SqueezeExciteOp op, const Tensor &x,
                     const std::vector<const Tensor *> &operands) {
  ::se::reference::Block b;
  bool nchw = op.getLayout() == mlir::se::Layout::NCHW;
  b.layout =
      nchw ? ::se::reference::Layout::NCHW : ::se::reference::Layout::NHWC;
  b.n = x.shape[0];
  b.c = nchw ? x.shape[1] : x.shape[3];
  b.h = nchw ? x.shape[2] : x.shape[1];
  b.w = nchw ? x.shape[3] : x.shape[2];
  b.squeeze = static_cast<::se::reference::Squeeze>(op.getSqueeze());
  b.excitation = static_cast<::se::reference::Excitation>(op.getExcitation());
  b.innerAct = static_cast<::se::reference::InnerAct>(op.getInnerAct());
  b.gate = static_cast<::se::reference::Gate>(op.getGate());
  b.bias = op.getBias1() != nullptr;
  b.residual = op.getResidual() != nullptr;
  b.postRelu = op.getPostAct() == mlir::se::PostActivation::ReLU;
  b.hidden = op.getExcitation() == mlir::se::ExcitationKind::Conv1D
                 ? op.getKernelSize()
                 : op.getHiddenWidth();
  auto toFloat = [](const Tensor *t) {
    return t ? std::vector<float>(t->data.begin(), t->data.end())
             : std::vector<float>();
  };
  ::se::reference::Tensors t;
  t.input = toFloat(&x);
  t.w1 = toFloat(operands[0]);
  t.w2 = toFloat(operands[1]);
  t.b1 = toFloat(operands[2]);
  t.b2 = toFloat(operands[3]);
  t.residual = toFloat(operands[4]);
  return Tensor{x.shape, ::se::reference::run(b, t)};
}

/// The scale and zero point of element `i` of a tensor of `shape` under the
/// quantization op `op` (per tensor, or per index along its axis).
template <typename OpT>
std::pair<float, double>
quantParamsAt(OpT op, const std::vector<int64_t> &shape, int64_t i) {
  int64_t c = 0;
  if (std::optional<int64_t> axis = op.getAxis()) {
    int64_t inner = 1;
    for (size_t d = *axis + 1; d < shape.size(); ++d)
      inner *= shape[d];
    c = (i / inner) % shape[*axis];
  }
  return {op.getScales()[c], static_cast<double>(op.getZeroPoints()[c])};
}

/// ONNX QuantizeLinear on f32 values: x / scale in f32, rounded half to
/// even, the zero point added, saturated to the storage's range; the
/// integers are held as they are (0-255 for u8).
Tensor quantize(mlir::se::QuantizeOp op, const Tensor &x) {
  auto [lo, hi] = op.getStorageRange();
  Tensor out{x.shape, std::vector<double>(x.data.size())};
  for (int64_t i = 0; i < count(x.shape); ++i) {
    auto [scale, zeroPoint] = quantParamsAt(op, x.shape, i);
    float scaled = static_cast<float>(x.data[i]) / scale;
    double q = std::nearbyint(scaled) + zeroPoint;
    out.data[i] = std::isnan(q) ? lo : std::clamp<double>(q, lo, hi);
  }
  return out;
}

/// ONNX DequantizeLinear: (q - zero point) * scale in f32.
Tensor dequantize(mlir::se::DequantizeOp op, const Tensor &q) {
  Tensor out{q.shape, std::vector<double>(q.data.size())};
  for (int64_t i = 0; i < count(q.shape); ++i) {
    auto [scale, zeroPoint] = quantParamsAt(op, q.shape, i);
    out.data[i] = static_cast<float>(q.data[i] - zeroPoint) * scale;
  }
  return out;
}

} // namespace

namespace se::reference {
std::vector<Tensor> runGraph(func::FuncOp func,
                             const std::vector<Tensor> &inputs,
                             std::string &error) {
  llvm::DenseMap<Value, Tensor> values;
  for (auto [arg, input] : llvm::zip(func.getArguments(), inputs))
    values[arg] = input;
  auto get = [&](Value v) -> const Tensor & { return values[v]; };
  auto getOrNull = [&](Value v) -> const Tensor * {
    return v ? &values[v] : nullptr;
  };

  for (Operation &op : func.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      std::vector<Tensor> results;
      for (Value v : ret.getOperands())
        results.push_back(get(v));
      return results;
    }
    Tensor out;
    bool known = true;
    llvm::TypeSwitch<Operation *>(&op)
        .Case([&](tosa::ConstOp c) {
          out = fromAttribute(c.getValues(), c.getResult());
        })
        .Case([&](arith::ConstantOp c) {
          if (isa<FloatAttr>(c.getValue()))
            out =
                Tensor{{}, {cast<FloatAttr>(c.getValue()).getValueAsDouble()}};
          else
            out = fromAttribute(c.getValue(), c.getResult());
        })
        .Case([&](tosa::ConstShapeOp c) {
          for (APInt v : c.getValues().getValues<APInt>())
            out.data.push_back(static_cast<double>(v.getSExtValue()));
        })
        .Case([&](tosa::TransposeOp t) {
          const Tensor &in = get(t.getInput1());
          out.shape = shapeOf(t.getResult());
          out.data.resize(in.data.size());
          std::vector<int64_t> si = strides(in.shape), so = strides(out.shape);
          ArrayRef<int32_t> perms = t.getPerms();
          for (int64_t i = 0; i < count(out.shape); ++i) {
            int64_t src = 0, rest = i;
            for (size_t d = 0; d < perms.size(); ++d) {
              src += (rest / so[d]) * si[perms[d]];
              rest %= so[d];
            }
            out.data[i] = in.data[src];
          }
        })
        .Case([&](tosa::Conv2DOp c) {
          out = conv2d(get(c.getInput()), get(c.getWeight()), get(c.getBias()),
                       c.getPad(), c.getStride(), c.getDilation(),
                       shapeOf(c.getOutput()));
        })
        .Case([&](tosa::MulOp m) {
          out = broadcast(get(m.getInput1()), get(m.getInput2()),
                          [](double a, double b) { return a * b; });
        })
        .Case([&](tosa::AddOp a) {
          out = broadcast(get(a.getInput1()), get(a.getInput2()),
                          [](double x, double y) { return x + y; });
        })
        .Case([&](tosa::ClampOp c) {
          out = get(c.getInput());
          double lo = cast<FloatAttr>(c.getMinValAttr()).getValueAsDouble();
          double hi = cast<FloatAttr>(c.getMaxValAttr()).getValueAsDouble();
          for (double &v : out.data)
            v = std::min(hi, std::max(lo, v));
        })
        .Case([&](tosa::MaxPool2dOp p) {
          out = pool2d(get(p.getInput()), shapeOf(p.getOutput()),
                       p.getKernel(), p.getStride(), p.getPad(),
                       /*average=*/false);
        })
        .Case([&](tosa::AvgPool2dOp p) {
          out = pool2d(get(p.getInput()), shapeOf(p.getOutput()),
                       p.getKernel(), p.getStride(), p.getPad(),
                       /*average=*/true);
        })
        .Case([&](tosa::SigmoidOp u) {
          out = unary(get(u.getInput()),
                      [](double v) { return 1.0 / (1.0 + std::exp(-v)); });
        })
        .Case([&](tosa::TanhOp u) {
          out = unary(get(u.getInput()), [](double v) { return std::tanh(v); });
        })
        .Case([&](tosa::ExpOp u) {
          out = unary(get(u.getInput1()), [](double v) { return std::exp(v); });
        })
        .Case([&](tosa::ReciprocalOp u) {
          out = unary(get(u.getInput1()), [](double v) { return 1.0 / v; });
        })
        .Case([&](tosa::RsqrtOp u) {
          out = unary(get(u.getInput1()),
                      [](double v) { return 1.0 / std::sqrt(v); });
        })
        .Case([&](tosa::MinimumOp a) {
          out = broadcast(get(a.getInput1()), get(a.getInput2()),
                          [](double x, double y) { return std::min(x, y); });
        })
        .Case([&](tosa::SubOp a) {
          out = broadcast(get(a.getInput1()), get(a.getInput2()),
                          [](double x, double y) { return x - y; });
        })
        .Case([&](tosa::MaximumOp a) {
          out = broadcast(get(a.getInput1()), get(a.getInput2()),
                          [](double x, double y) { return std::max(x, y); });
        })
        .Case([&](tosa::ReduceMaxOp r) {
          out = reduce(get(r.getInput()), r.getAxis(),
                       -std::numeric_limits<double>::infinity(),
                       [](double a, double b) { return std::max(a, b); });
        })
        .Case([&](tosa::ReduceSumOp r) {
          out = reduce(get(r.getInput()), r.getAxis(), 0.0,
                       [](double a, double b) { return a + b; });
        })
        .Case([&](tosa::DepthwiseConv2DOp c) {
          out = depthwiseConv2d(get(c.getInput()), get(c.getWeight()),
                                get(c.getBias()), c.getPad(), c.getStride(),
                                c.getDilation(), shapeOf(c.getOutput()));
        })
        .Case([&](tosa::ConcatOp c) {
          out.shape = shapeOf(c.getOutput());
          out.data.resize(count(out.shape));
          int64_t axis = c.getAxis();
          std::vector<int64_t> so = strides(out.shape);
          int64_t base = 0;
          for (Value operand : c.getInput1()) {
            const Tensor &in = get(operand);
            std::vector<int64_t> si = strides(in.shape);
            for (int64_t i = 0; i < count(in.shape); ++i) {
              int64_t dst = 0, rest = i;
              for (size_t d = 0; d < in.shape.size(); ++d) {
                int64_t idx = rest / si[d];
                rest %= si[d];
                dst += (idx + (static_cast<int64_t>(d) == axis ? base : 0)) *
                       so[d];
              }
              out.data[dst] = in.data[i];
            }
            base += in.shape[axis];
          }
        })
        .Case([&](tosa::TileOp t) {
          const Tensor &in = get(t.getInput1());
          out = gather(in, shapeOf(t.getOutput()), [&](size_t d, int64_t i) {
            return i % in.shape[d];
          });
        })
        .Case([&](tosa::ReshapeOp r) {
          out = get(r.getInput1());
          out.shape = shapeOf(r.getResult());
        })
        .Case([&](tosa::SliceOp s) {
          const Tensor &start = get(s.getStart());
          out = gather(get(s.getInput1()), shapeOf(s.getOutput()),
                       [&](size_t d, int64_t i) {
                         return i + static_cast<int64_t>(start.data[d]);
                       });
        })
        .Case([&](tosa::MatMulOp m) {
          const Tensor &a = get(m.getA()), &b = get(m.getB());
          int64_t batch = a.shape[0], rows = a.shape[1], inner = a.shape[2],
                  cols = b.shape[2];
          out.shape = {batch, rows, cols};
          out.data.assign(batch * rows * cols, 0.0);
          for (int64_t z = 0; z < batch; ++z)
            for (int64_t i = 0; i < rows; ++i)
              for (int64_t k = 0; k < inner; ++k)
                for (int64_t j = 0; j < cols; ++j)
                  out.data[(z * rows + i) * cols + j] +=
                      a.data[(z * rows + i) * inner + k] *
                      b.data[(z * inner + k) * cols + j];
        })
        .Case([&](mlir::se::SqueezeExciteOp s) {
          out = squeezeExcite(s, get(s.getInput()),
                              {getOrNull(s.getW1()), getOrNull(s.getW2()),
                               getOrNull(s.getBias1()), getOrNull(s.getBias2()),
                               getOrNull(s.getResidual())});
        })
        .Case([&](mlir::se::QuantizeOp q) {
          out = quantize(q, get(q.getInput()));
        })
        .Case([&](mlir::se::DequantizeOp d) {
          out = dequantize(d, get(d.getInput()));
        })
        .Case([&](tensor::PadOp p) {
          // Zero padding of an NHWC map (the grouped convolutions' input).
          const Tensor &in = get(p.getSource());
          out.shape = shapeOf(p.getResult());
          out.data.assign(count(out.shape), 0.0);
          ArrayRef<int64_t> low = p.getStaticLow();
          std::vector<int64_t> si = strides(in.shape), so = strides(out.shape);
          for (int64_t i = 0; i < count(in.shape); ++i) {
            int64_t dst = 0, rest = i;
            for (size_t d = 0; d < in.shape.size(); ++d) {
              dst += (rest / si[d] + low[d]) * so[d];
              rest %= si[d];
            }
            out.data[dst] = in.data[i];
          }
        })
        .Case<tensor::ExpandShapeOp, tensor::CollapseShapeOp>([&](auto r) {
          out = get(r.getSrc());
          out.shape = shapeOf(r.getResult());
        })
        .Case([&](tensor::EmptyOp e) {
          out.shape = shapeOf(e.getResult());
          out.data.assign(count(out.shape), 0.0);
        })
        .Case([&](linalg::FillOp f) {
          out.shape = shapeOf(f.getResult(0));
          out.data.assign(count(out.shape), get(f.getInputs()[0]).data[0]);
        })
        .Case([&](linalg::Conv2DNhwgcGfhwcOp c) {
          // N x H x W x G x C/G input, G x F x KH x KW x C/G filter.
          const Tensor &x = get(c.getDpsInputs()[0]);
          const Tensor &f = get(c.getDpsInputs()[1]);
          out = get(c.getDpsInits()[0]);
          std::vector<int64_t> stride(
              c.getStrides().getValues<int64_t>().begin(),
              c.getStrides().getValues<int64_t>().end());
          int64_t h = x.shape[1], w = x.shape[2], g = x.shape[3],
                  cg = x.shape[4];
          int64_t fo = f.shape[1], kh = f.shape[2], kw = f.shape[3];
          int64_t oh = out.shape[1], ow = out.shape[2];
          // An attribute of the wrong kind reads as stride 1: the output
          // shape must follow from the strides, or the op is malformed.
          if (oh != (h - kh) / stride[0] + 1 || ow != (w - kw) / stride[1] + 1) {
            known = false;
            return;
          }
          for (int64_t b = 0; b < x.shape[0]; ++b)
            for (int64_t y = 0; y < oh; ++y)
              for (int64_t xo = 0; xo < ow; ++xo)
                for (int64_t gi = 0; gi < g; ++gi)
                  for (int64_t o = 0; o < fo; ++o) {
                    double acc = 0.0;
                    for (int64_t i = 0; i < kh; ++i)
                      for (int64_t j = 0; j < kw; ++j)
                        for (int64_t ch = 0; ch < cg; ++ch)
                          acc +=
                              x.data[((((b * h) + y * stride[0] + i) * w +
                                       xo * stride[1] + j) *
                                          g +
                                      gi) *
                                         cg +
                                     ch] *
                              f.data[(((gi * fo + o) * kh + i) * kw + j) * cg +
                                     ch];
                    out.data[(((b * oh + y) * ow + xo) * g + gi) * fo + o] +=
                        acc;
                  }
        })
        .Default([&](Operation *unknown) { known = false; });
    if (!known) {
      error = "the reference executor does not run " +
              op.getName().getStringRef().str();
      return {};
    }
    if (op.getNumResults() == 1)
      values[op.getResult(0)] = std::move(out);
  }
  error = "function without a return";
  return {};
}
} // namespace se::reference
