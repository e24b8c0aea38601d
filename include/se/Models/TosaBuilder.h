//===- TosaBuilder.h - emit NHWC graph layers as TOSA ------------*- C++
//-*-===//
//
// The layers of a CNN as graph-level IR on NHWC f32 tensors: TOSA ops, and
// linalg where TOSA has no op (grouped convolutions). Shared by the model
// zoo and the ONNX importer, so both spell every layer the same way and the
// CPU pipeline (docs/graph-ops.md) sees one form.
//
//===----------------------------------------------------------------------===//

#ifndef SE_MODELS_TOSABUILDER_H
#define SE_MODELS_TOSABUILDER_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

namespace mlir::se {

/// The window of a convolution or pooling over H and W.
struct Window {
  SmallVector<int64_t, 2> kernel = {1, 1};
  SmallVector<int64_t, 2> stride = {1, 1};
  SmallVector<int64_t, 2> dilation = {1, 1};
  /// Top, bottom, left, right.
  SmallVector<int64_t, 4> pad = {0, 0, 0, 0};

  /// The output extent of spatial dimension `dim` (0: H, 1: W) for an
  /// input extent `in`, rounding down (`ceil`: up) as frameworks do.
  int64_t outputSize(int64_t in, int dim, bool ceil = false) const;
};

class TosaBuilder {
public:
  explicit TosaBuilder(OpBuilder &b);

  void setLoc(Location location) { loc = location; }
  Location getLoc() const { return loc; }
  OpBuilder &getBuilder() { return b; }

  static ArrayRef<int64_t> shapeOf(Value v);
  RankedTensorType tensor(ArrayRef<int64_t> shape);

  /// An f32 constant (a dense_resource blob when large).
  Value constant(ArrayRef<int64_t> shape, ArrayRef<float> values);
  /// An i8 constant (quantized weights), a blob when large.
  Value int8Constant(ArrayRef<int64_t> shape, ArrayRef<int8_t> values);
  Value splat(ArrayRef<int64_t> shape, float value);
  Value shapeConstant(ArrayRef<int64_t> values);

  /// NHWC convolution; `weights` is O x KH x KW x I/groups (OHWI), `bias`
  /// per output channel or empty. Grouped convolutions become
  /// linalg.conv_2d_nhwgc_gfhwc.
  Value conv2d(Value x, ArrayRef<float> weights, int64_t outChannels,
               ArrayRef<float> bias, const Window &window, int64_t groups = 1);
  /// The same with weights (and bias, or null) computed by the graph.
  Value conv2d(Value x, Value weight, Value bias, const Window &window,
               int64_t groups = 1);
  /// NHWC depthwise convolution; `weights` is KH x KW x C x M.
  Value depthwiseConv2d(Value x, ArrayRef<float> weights, int64_t multiplier,
                        ArrayRef<float> bias, const Window &window);
  Value depthwiseConv2d(Value x, Value weight, Value bias,
                        const Window &window);

  /// y = x * scale + shift per channel (the last dimension).
  Value scaleShift(Value x, ArrayRef<float> scale, ArrayRef<float> shift);

  Value clamp(Value x, float lo, float hi);
  Value relu(Value x) { return clamp(x, 0.0f, 3.40282347e38f); }
  Value sigmoid(Value x);
  Value tanh(Value x);
  Value exp(Value x);
  Value reciprocal(Value x);
  Value rsqrt(Value x);
  /// Element-wise with broadcasting; operands of equal rank.
  Value add(Value lhs, Value rhs);
  Value sub(Value lhs, Value rhs);
  Value mul(Value lhs, Value rhs);
  Value maximum(Value lhs, Value rhs);
  Value minimum(Value lhs, Value rhs);

  /// NHWC pooling. Padding never counts in the average (TOSA's rule);
  /// `ceil` rounds the output size up.
  Value maxPool(Value x, const Window &window, bool ceil = false);
  Value avgPool(Value x, const Window &window, bool ceil = false);
  Value reduceMax(Value x, int64_t axis);
  Value reduceSum(Value x, int64_t axis);

  Value matmul(Value a, Value b);
  Value reshape(Value x, ArrayRef<int64_t> shape);
  Value transpose(Value x, ArrayRef<int32_t> perms);
  Value concat(ValueRange values, int64_t axis);
  /// Zero padding of every dimension by `low` / `high`.
  Value pad(Value x, ArrayRef<int64_t> low, ArrayRef<int64_t> high,
            float value = 0.0f);
  Value slice(Value x, ArrayRef<int64_t> start, ArrayRef<int64_t> size);

private:
  /// TOSA wants (padded extent - window) to divide by the stride;
  /// frameworks round down instead. Drops the rows and columns no window
  /// reaches: first from the bottom and right padding, then from the input.
  Value cropForStride(Value x, Window &window, bool ceil);
  Value groupedConv(Value x, Value filter, const Window &window, int64_t oh,
                    int64_t ow);
  RankedTensorType broadcastType(Value lhs, Value rhs);

  OpBuilder &b;
  Location loc;
  Type f32;
  int64_t resourceCount = 0;
};

} // namespace mlir::se

#endif // SE_MODELS_TOSABUILDER_H
