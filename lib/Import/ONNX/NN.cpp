//===- NN.cpp - ONNX convolutions, pooling, normalization -----------------===//
//
// Conv (grouped, depthwise), BatchNormalization (folded on the host), the
// pooling ops and their windows.
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

Window Importer::window(const onnx::NodeProto &node,
                        ArrayRef<int64_t> inputShape,
                        ArrayRef<int64_t> kernel) {
  Window w;
  w.kernel = {kernel[0], kernel[1]};
  SmallVector<int64_t> strides = intsAttr(node, "strides");
  SmallVector<int64_t> dilations = intsAttr(node, "dilations");
  SmallVector<int64_t> pads = intsAttr(node, "pads");
  if ((!strides.empty() && strides.size() != 2) ||
      (!dilations.empty() && dilations.size() != 2)) {
    nodeError(node, "expects 2 strides and dilations for a 2-D window");
    return w;
  }
  if (!strides.empty())
    w.stride = {strides[0], strides[1]};
  if (!dilations.empty())
    w.dilation = {dilations[0], dilations[1]};
  if (pads.size() == 4)
    w.pad = {pads[0], pads[2], pads[1], pads[3]};
  else if (!pads.empty())
    nodeError(node,
              "expects 4 pads for a 2-D window, got " + Twine(pads.size()));
  std::string autoPad = stringAttr(node, "auto_pad", "NOTSET");
  if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (int dim = 0; dim < 2; ++dim) {
      int64_t in = inputShape[2 + dim];
      int64_t out = (in + w.stride[dim] - 1) / w.stride[dim];
      int64_t span = (w.kernel[dim] - 1) * w.dilation[dim] + 1;
      int64_t total =
          std::max<int64_t>(0, (out - 1) * w.stride[dim] + span - in);
      int64_t small = total / 2, large = total - small;
      w.pad[2 * dim] = autoPad == "SAME_UPPER" ? small : large;
      w.pad[2 * dim + 1] = autoPad == "SAME_UPPER" ? large : small;
    }
  } else if (autoPad == "VALID") {
    w.pad = {0, 0, 0, 0};
  } else if (autoPad != "NOTSET") {
    nodeError(node, "unsupported auto_pad '" + autoPad + "'");
  }
  for (int dim = 0; dim < 2; ++dim)
    if (w.stride[dim] < 1 || w.dilation[dim] < 1 || w.kernel[dim] < 1 ||
        w.stride[dim] > kMaxExtent || w.dilation[dim] > kMaxExtent ||
        w.kernel[dim] > kMaxExtent || w.pad[2 * dim] < 0 ||
        w.pad[2 * dim + 1] < 0 || w.pad[2 * dim] > kMaxExtent ||
        w.pad[2 * dim + 1] > kMaxExtent ||
        w.outputSize(inputShape[2 + dim], dim) < 1)
      nodeError(node, "invalid window: kernel " + shapeText(w.kernel) +
                          ", strides " + shapeText(w.stride) + ", input " +
                          shapeText(inputShape));
  return w;
}

void Importer::conv(const onnx::NodeProto &node) {
  Tensor *x = input(node, 0);
  Tensor *w = input(node, 1);
  Tensor *bias = input(node, 2, /*optional=*/true);
  if (!x || !w || error.failed())
    return;
  if (x->shape.size() != 4 || w->shape.size() != 4)
    return nodeError(node, "supports 2-D convolutions (rank-4 input and "
                           "weight), got input " +
                               shapeText(x->shape) + " and weight " +
                               shapeText(w->shape));
  int64_t groups = intAttr(node, "group", 1);
  int64_t channels = x->shape[1], out = w->shape[0];
  if (groups < 1 || channels % groups != 0 || out % groups != 0 ||
      w->shape[1] != channels / groups)
    return nodeError(node, "weight " + shapeText(w->shape) +
                               " does not fit input " + shapeText(x->shape) +
                               " with " + Twine(groups) + " groups");
  if (bias && bias->shape != SmallVector<int64_t>{out})
    return nodeError(node, "bias " + shapeText(bias->shape) + " does not fit " +
                               Twine(out) + " outputs");
  SmallVector<int64_t> kernelShape = intsAttr(node, "kernel_shape");
  if (!kernelShape.empty() &&
      kernelShape != SmallVector<int64_t>{w->shape[2], w->shape[3]})
    return nodeError(node, "kernel_shape " + shapeText(kernelShape) +
                               " does not match the weight " +
                               shapeText(w->shape));
  Window win = window(node, x->shape, {w->shape[2], w->shape[3]});
  if (error.failed())
    return;
  int64_t kh = w->shape[2], kw = w->shape[3];
  bool depthwise = groups == channels && groups > 1;
  Value biasValue = bias ? logicalOf(*bias) : Value();
  Value y;
  if (w->host) {
    // OIHW to OHWI (also G x O/G x H x W x I/G), or to H x W x C x M.
    HostTensor weight = depthwise ? permute(*w->host, {2, 3, 1, 0})
                                  : permute(*w->host, {0, 2, 3, 1});
    if (depthwise) {
      weight.shape = {kh, kw, channels, out / channels};
      Value filter = out == channels
                         ? quantizedConvWeight(*w, /*depthwise=*/true)
                         : Value();
      y = layers.depthwiseConv2d(
          nhwcOf(*x), filter ? filter : materialize(weight), biasValue, win);
    } else {
      Value filter = groups == 1 ? quantizedConvWeight(*w) : Value();
      y = layers.conv2d(nhwcOf(*x), filter ? filter : materialize(weight),
                        biasValue, win, groups);
    }
  } else if (depthwise) {
    Value weight = layers.reshape(layers.transpose(logicalOf(*w), {2, 3, 1, 0}),
                                  {kh, kw, channels, out / channels});
    y = layers.depthwiseConv2d(nhwcOf(*x), weight, biasValue, win);
  } else {
    Value weight = layers.transpose(logicalOf(*w), {0, 2, 3, 1});
    y = layers.conv2d(nhwcOf(*x), weight, biasValue, win, groups);
  }
  SmallVector<int64_t> shape = {x->shape[0], out, TosaBuilder::shapeOf(y)[1],
                                TosaBuilder::shapeOf(y)[2]};
  define(node, 0, fromNHWC(y, shape));
}

void Importer::batchNorm(const onnx::NodeProto &node) {
  Tensor *x = input(node, 0);
  SmallVector<Tensor *, 4> params;
  for (int i = 1; i <= 4; ++i)
    params.push_back(input(node, i));
  if (!x || llvm::is_contained(params, nullptr))
    return;
  if (intAttr(node, "training_mode", 0) != 0 || node.output_size() > 1)
    return nodeError(node, "supports inference only (one output, no "
                           "training_mode)");
  if (attribute(node, "spatial") && intAttr(node, "spatial", 1) != 1)
    return nodeError(node, "unsupported attribute spatial 0");
  if (x->shape.size() < 2)
    return nodeError(node, "input " + shapeText(x->shape) +
                               " has no channel dimension");
  int64_t rank = x->shape.size(), c = x->shape[1];
  for (Tensor *p : params)
    if (p->shape != SmallVector<int64_t>{c})
      return nodeError(node, "parameter of shape " + shapeText(p->shape) +
                                 " for " + Twine(c) + " channels");
  float epsilon = floatAttr(node, "epsilon", 1e-5f);
  SmallVector<int64_t> paramShape(rank, 1);
  paramShape[1] = c;
  Value in = logicalOf(*x);
  Value y;
  if (llvm::all_of(params, [](Tensor *p) { return p->host != nullptr; })) {
    // Folded on the host into one scale and shift.
    const HostTensor &gamma = *params[0]->host, &beta = *params[1]->host,
                     &mean = *params[2]->host, &var = *params[3]->host;
    std::vector<float> scale(c), shift(c);
    for (int64_t i = 0; i < c; ++i) {
      double s = gamma.values[i] / std::sqrt(var.values[i] + epsilon);
      scale[i] = static_cast<float>(s);
      shift[i] = static_cast<float>(beta.values[i] - mean.values[i] * s);
    }
    y = layers.add(layers.mul(in, layers.constant(paramShape, scale)),
                   layers.constant(paramShape, shift));
  } else {
    auto param = [&](int i) {
      return layers.reshape(logicalOf(*params[i]), paramShape);
    };
    Value scale = layers.mul(
        param(0),
        layers.rsqrt(layers.add(param(3), layers.splat(paramShape, epsilon))));
    y = layers.add(layers.mul(layers.sub(in, param(2)), scale), param(1));
  }
  define(node, 0, fromLogical(y));
}

void Importer::pool(const onnx::NodeProto &node, bool max, bool global) {
  Tensor *x = input(node, 0);
  if (!x)
    return;
  if (x->shape.size() != 4)
    return nodeError(node, "supports 2-D pooling (rank-4 input), got " +
                               shapeText(x->shape));
  if (node.output_size() > 1)
    return nodeError(node, "the Indices output is not supported");
  Window win;
  bool ceil = false;
  if (global) {
    win.kernel = {x->shape[2], x->shape[3]};
  } else {
    SmallVector<int64_t> kernel = intsAttr(node, "kernel_shape");
    if (kernel.size() != 2)
      return nodeError(node, "needs a 2-D kernel_shape");
    win = window(node, x->shape, kernel);
    ceil = intAttr(node, "ceil_mode", 0) != 0;
    for (int i = 0; i < 4; ++i)
      if (win.pad[i] >= win.kernel[i / 2])
        return nodeError(node, "pads " + shapeText(win.pad) +
                                   " must be smaller than the kernel " +
                                   shapeText(win.kernel));
    if (win.dilation != SmallVector<int64_t, 2>{1, 1})
      return nodeError(node, "unsupported attribute dilations " +
                                 shapeText(win.dilation));
    if (intAttr(node, "storage_order", 0) != 0)
      return nodeError(node, "unsupported attribute storage_order 1");
  }
  if (error.failed())
    return;
  Value in = nhwcOf(*x);
  Value y;
  if (max) {
    y = layers.maxPool(in, win, ceil);
  } else if (!global && intAttr(node, "count_include_pad", 0) != 0) {
    // Padding counts: pad explicitly, then average over whole windows.
    Value padded = layers.pad(in, {0, win.pad[0], win.pad[2], 0},
                              {0, win.pad[1], win.pad[3], 0});
    Window unpadded = win;
    unpadded.pad = {0, 0, 0, 0};
    y = layers.avgPool(padded, unpadded, ceil);
  } else {
    y = layers.avgPool(in, win, ceil);
  }
  ArrayRef<int64_t> s = TosaBuilder::shapeOf(y);
  define(node, 0, fromNHWC(y, {s[0], s[3], s[1], s[2]}));
}
