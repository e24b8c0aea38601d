//===- Importer.h - the parts of the ONNX importer --------------*- C++ -*-===//
//
// Private to lib/Import/ONNX. The importer walks the graph (Importer.cpp),
// decodes tensors (TensorProto.cpp) and imports each node with the handler
// of its op family: Math.cpp, NN.cpp, Tensor.cpp, Quant.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef SE_LIB_IMPORT_ONNX_IMPORTER_H
#define SE_LIB_IMPORT_ONNX_IMPORTER_H

#include "se/Dialect/SE/IR/SEOps.h"
#include "se/Import/ONNX.h"
#include "se/Models/TosaBuilder.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"

#include "onnx/onnx_pb.h"

#include <functional>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

namespace mlir::se::onnx_import {

/// A constant known at import time (initializers, Constant nodes, and
/// everything computed from them on the host), row-major.
struct HostTensor {
  SmallVector<int64_t> shape;
  std::vector<double> values;
  /// The ONNX data type the values were read as (or computed in).
  int32_t elementType = onnx::TensorProto::FLOAT;

  bool isQuantized() const {
    return elementType == onnx::TensorProto::UINT8 ||
           elementType == onnx::TensorProto::INT8;
  }

  int64_t count() const {
    return std::accumulate(shape.begin(), shape.end(), int64_t(1),
                           std::multiplies<int64_t>());
  }
  std::vector<float> floats() const {
    return std::vector<float>(values.begin(), values.end());
  }
};

/// The 8-bit constant a DequantizeLinear folded on the host read, and its
/// parameters: a convolution with integer kernels takes these instead of
/// the floats.
struct QuantizedConstant {
  HostTensor codes;
  QuantStorage storage;
  SmallVector<float> scales;
  SmallVector<int32_t> zeroPoints;
  /// Set for per-axis parameters: the axis of `codes`' shape.
  std::optional<int64_t> axis;
};

/// An ONNX value in the graph: its logical (ONNX) shape and layout, and for
/// feature maps an NHWC form; at least one of the two exists.
struct Tensor {
  SmallVector<int64_t> shape;
  Value logical;
  Value nhwc;
  /// Set for constants: the value is also known on the host.
  std::shared_ptr<HostTensor> host;
  /// Set for the 8-bit integers a QuantizeLinear computes (held as i8 in
  /// the form it was computed in, logical or NHWC; never transposed).
  std::optional<QuantStorage> quantized;
  /// Set for a constant DequantizeLinear computed on the host from 8-bit
  /// codes (`host` holds the floats).
  std::shared_ptr<const QuantizedConstant> dequantizedFrom;

  bool isQuantized() const {
    return quantized || (host && host->isQuantized());
  }
};

/// Thrown-free error propagation: the first error wins.
class ImportError {
public:
  bool failed() const { return !message.empty(); }
  /// Names in a model are arbitrary bytes: the message stays one printable
  /// line.
  void set(const std::string &text) {
    if (!message.empty())
      return;
    for (unsigned char c : text) {
      if (c >= 0x20 && c < 0x7f) {
        message += static_cast<char>(c);
      } else {
        static const char hex[] = "0123456789abcdef";
        message += "\\x";
        message += hex[c >> 4];
        message += hex[c & 15];
      }
    }
  }
  std::string message;
};

/// Limits that keep shapes and sizes far from overflow: 2^31 elements.
constexpr int64_t kMaxExtent = int64_t(1) << 31;
constexpr int64_t kMaxElements = int64_t(1) << 31;

/// Permutes a host tensor's dimensions: out dim i = in dim perm[i].
HostTensor permute(const HostTensor &in, ArrayRef<int64_t> perm);

/// Decodes `tensor` (raw data, typed fields or external data read from
/// `directory`); on failure sets `error`, naming the tensor as `what`.
std::optional<HostTensor> readTensorProto(const onnx::TensorProto &tensor,
                                          const std::string &what,
                                          const std::string &directory,
                                          ImportError &error);

class Importer {
public:
  Importer(MLIRContext *context, const onnx::ModelProto &model,
           StringRef directory, const ONNXImportOptions &options)
      : context(context), builder(context), layers(builder), model(model),
        directory(directory.str()), options(options) {}

  FailureOr<OwningOpRef<ModuleOp>> run(std::string &message);

  // Op handlers (Importer.cpp's table maps op types to them): element-wise
  // and other math ops (Math.cpp), convolution, pooling and normalization
  // (NN.cpp), shapes and data movement (Tensor.cpp).
  void leakyRelu(const onnx::NodeProto &node);
  void hardSigmoid(const onnx::NodeProto &node, bool swish);
  void identity(const onnx::NodeProto &node);
  // Graph structure.
  LogicalResult readOpset();
  LogicalResult readInitializers();
  /// Checks a graph output's declared type and shape (where given) against
  /// what the graph computes.
  LogicalResult checkDeclaredOutput(const onnx::ValueInfoProto &info,
                                    const Tensor &output);
  LogicalResult readInputs(func::FuncOp &func);
  void importNode(const onnx::NodeProto &node);
  std::optional<HostTensor> readTensor(const onnx::TensorProto &tensor,
                                       const std::string &what) {
    return readTensorProto(tensor, what, directory, error);
  }

  // Values.
  Tensor *lookup(const std::string &name);
  Tensor *input(const onnx::NodeProto &node, int index, bool optional = false);
  const HostTensor *constantInput(const onnx::NodeProto &node, int index,
                                  bool optional = false);
  void define(const onnx::NodeProto &node, int index, Tensor tensor);
  bool isGraphOutput(const std::string &name) const;
  Value logicalOf(Tensor &tensor);
  Value nhwcOf(Tensor &tensor);
  Value materialize(const HostTensor &host);
  Tensor fromLogical(Value value);
  Tensor fromNHWC(Value value, ArrayRef<int64_t> logicalShape);

  // Attributes.
  const onnx::AttributeProto *attribute(const onnx::NodeProto &node,
                                        StringRef name);
  int64_t intAttr(const onnx::NodeProto &node, StringRef name,
                  int64_t fallback);
  float floatAttr(const onnx::NodeProto &node, StringRef name, float fallback);
  std::string stringAttr(const onnx::NodeProto &node, StringRef name,
                         StringRef fallback);
  SmallVector<int64_t> intsAttr(const onnx::NodeProto &node, StringRef name);
  /// Axes from the attribute (older opsets) or the optional input `index`.
  std::optional<SmallVector<int64_t>> axes(const onnx::NodeProto &node,
                                           int index, int64_t rank);

  // Ops.
  void conv(const onnx::NodeProto &node);
  void batchNorm(const onnx::NodeProto &node);
  void unary(const onnx::NodeProto &node,
             const std::function<Value(Value)> &emit);
  void unary(const onnx::NodeProto &node, Value (TosaBuilder::*emit)(Value));
  void binary(const onnx::NodeProto &node, StringRef op);
  void pool(const onnx::NodeProto &node, bool max, bool global);
  void reduce(const onnx::NodeProto &node, StringRef op);
  void gemm(const onnx::NodeProto &node);
  void matmul(const onnx::NodeProto &node);
  void reshapeLike(const onnx::NodeProto &node, ArrayRef<int64_t> shape);
  void flatten(const onnx::NodeProto &node);
  void reshape(const onnx::NodeProto &node);
  void squeeze(const onnx::NodeProto &node, bool unsqueeze);
  void transpose(const onnx::NodeProto &node);
  void concat(const onnx::NodeProto &node);
  void softmax(const onnx::NodeProto &node);
  void clip(const onnx::NodeProto &node);
  void constant(const onnx::NodeProto &node);
  void shape(const onnx::NodeProto &node);
  void gather(const onnx::NodeProto &node);
  void expand(const onnx::NodeProto &node);
  // Quantization (Quant.cpp).
  void quantizeLinear(const onnx::NodeProto &node);
  void dequantizeLinear(const onnx::NodeProto &node);
  void qlinearConv(const onnx::NodeProto &node);
  void qlinearMatMul(const onnx::NodeProto &node);
  /// A Conv's OIHW weight `w` as se.dequantize of its int8 codes
  /// (symmetric: zero points 0, per tensor or per output channel) in OHWI,
  /// or for a `depthwise` one (multiplier 1) in the HWCM layout; null when
  /// it is not one.
  Value quantizedConvWeight(const Tensor &w, bool depthwise = false);
  /// Imports `steps`, the nodes one node stands for, up to the first error.
  void importExpansion(ArrayRef<onnx::NodeProto> steps);

  /// Folds an element-wise op on constants on the host.
  std::optional<HostTensor> foldBinary(const HostTensor &a, const HostTensor &b,
                                       StringRef op);
  Window window(const onnx::NodeProto &node, ArrayRef<int64_t> inputShape,
                ArrayRef<int64_t> kernel);
  void nodeError(const onnx::NodeProto &node, const Twine &message);

private:
  MLIRContext *context;
  OpBuilder builder;
  /// Builds the TOSA layers, located at the node being imported.
  TosaBuilder layers;
  const onnx::ModelProto &model;
  std::string directory;
  ONNXImportOptions options;
  /// Whether an input's batch dimension was symbolic (options.batch or 1
  /// took its place).
  bool symbolicBatch = false;
  int64_t opset = 0;
  llvm::StringMap<Tensor> values;
  /// The nodes that read each value.
  llvm::StringMap<SmallVector<const onnx::NodeProto *>> consumers;
  ImportError error;
};

} // namespace mlir::se::onnx_import

#endif // SE_LIB_IMPORT_ONNX_IMPORTER_H
