//===- ONNX.cpp - import ONNX models as graph-level IR --------------------===//
//
// The graph keeps ONNX's layouts: feature maps are NCHW, and convolutions and
// poolings, which TOSA computes in NHWC, read and write NHWC forms made by
// one cached transpose per value. se-activation-layout then picks the layout
// of everything between them (NHWC, leaving transposes at the graph's
// boundary). Constants are transformed on the host: weights are transposed,
// batch norm is folded into a scale and shift, at zero run-time cost.
//
//===----------------------------------------------------------------------===//

#include "se/Import/ONNX.h"

#include "se/Models/TosaBuilder.h"
#include "se/Utils/ConstantValues.h"
#include "se/Utils/ShapeText.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "onnx/onnx_pb.h"

#include <cmath>
#include <functional>
#include <numeric>

using namespace mlir;
using namespace mlir::se;

namespace {

/// A constant known at import time (initializers, Constant nodes, and
/// everything computed from them on the host), row-major.
struct HostTensor {
  SmallVector<int64_t> shape;
  std::vector<double> values;

  int64_t count() const {
    return std::accumulate(shape.begin(), shape.end(), int64_t(1),
                           std::multiplies<int64_t>());
  }
  std::vector<float> floats() const {
    return std::vector<float>(values.begin(), values.end());
  }
};

/// An ONNX value in the graph: its logical (ONNX) shape and layout, and for
/// feature maps an NHWC form; at least one of the two exists.
struct Tensor {
  SmallVector<int64_t> shape;
  Value logical;
  Value nhwc;
  /// Set for constants: the value is also known on the host.
  std::shared_ptr<HostTensor> host;
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
HostTensor permute(const HostTensor &in, ArrayRef<int64_t> perm) {
  HostTensor out;
  for (int64_t p : perm)
    out.shape.push_back(in.shape[p]);
  out.values = permuteRowMajor<double>(in.values, in.shape, perm);
  return out;
}

std::optional<HostTensor> readTensorProto(const onnx::TensorProto &tensor,
                                          const std::string &what,
                                          const std::string &directory,
                                          ImportError &error);

class Importer {
public:
  Importer(MLIRContext *context, const onnx::ModelProto &model,
           StringRef directory, const ONNXImportOptions &options)
      : context(context), builder(context), t(builder), model(model),
        directory(directory.str()), options(options) {}

  FailureOr<OwningOpRef<ModuleOp>> run(std::string &message);

  // Op handlers (see handlers()).
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
  void expand(const onnx::NodeProto &node);

  /// Folds an element-wise op on constants on the host.
  std::optional<HostTensor> foldBinary(const HostTensor &a, const HostTensor &b,
                                       StringRef op);
  Window window(const onnx::NodeProto &node, ArrayRef<int64_t> inputShape,
                ArrayRef<int64_t> kernel);
  void nodeError(const onnx::NodeProto &node, const Twine &message);

  MLIRContext *context;
  OpBuilder builder;

public:
  TosaBuilder t;

private:
  const onnx::ModelProto &model;
  std::string directory;
  ONNXImportOptions options;
  int64_t opset = 0;
  llvm::StringMap<Tensor> values;
  /// The nodes that read each value.
  llvm::StringMap<SmallVector<const onnx::NodeProto *>> consumers;
  ImportError error;
};

} // namespace

//===----------------------------------------------------------------------===//
// Graph structure
//===----------------------------------------------------------------------===//

LogicalResult Importer::readOpset() {
  for (const onnx::OperatorSetIdProto &set : model.opset_import())
    if (set.domain().empty() || set.domain() == "ai.onnx")
      opset = set.version();
  if (opset == 0) {
    error.set("the model imports no version of the default ONNX opset");
    return failure();
  }
  if (opset < 1 || opset > 17) {
    error.set("unsupported opset " + std::to_string(opset) +
              "; se-compile imports opsets up to 17");
    return failure();
  }
  return success();
}

namespace {
/// Reads the `expected` bytes of a tensor stored outside the model: in a
/// regular file inside the model's folder (`directory`), at the entry's
/// offset, and only as many bytes as the tensor holds.
std::optional<std::string> readExternalData(const onnx::TensorProto &tensor,
                                            const std::string &what,
                                            const std::string &directory,
                                            int64_t expected,
                                            ImportError &error) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    int64_t *number = entry.key() == "offset"   ? &offset
                      : entry.key() == "length" ? &length
                                                : nullptr;
    if (entry.key() == "location") {
      location = entry.value();
    } else if (number && (StringRef(entry.value()).getAsInteger(10, *number) ||
                          *number < 0)) {
      error.set(what + ": its external data " + entry.key() + " '" +
                entry.value() + "' is not a non-negative integer");
      return std::nullopt;
    }
  }
  if (location.empty()) {
    error.set(what + ": its external data has no location");
    return std::nullopt;
  }
  if (length >= 0 && length != expected) {
    error.set(what + ": its external data is " + std::to_string(length) +
              " bytes long, its shape needs " + std::to_string(expected));
    return std::nullopt;
  }
  // The data must stay inside the model's folder: no absolute paths, and no
  // way out through `..` or symbolic links.
  SmallString<256> folder, file(directory);
  llvm::sys::path::append(file, location);
  if (llvm::sys::path::is_absolute(location) ||
      llvm::sys::fs::real_path(directory.empty() ? "." : directory, folder)) {
    error.set(what + ": its external data '" + location +
              "' is not a path inside the model's folder");
    return std::nullopt;
  }
  SmallString<256> resolved;
  llvm::sys::fs::file_status status;
  if (llvm::sys::fs::real_path(file, resolved) ||
      llvm::sys::fs::status(resolved, status)) {
    error.set(what + ": cannot read its external data '" + location + "'");
    return std::nullopt;
  }
  StringRef inside = resolved;
  if (!inside.consume_front(folder) ||
      !(inside.empty() || llvm::sys::path::is_separator(inside.front()))) {
    error.set(what + ": its external data '" + location +
              "' lies outside the model's folder");
    return std::nullopt;
  }
  if (status.type() != llvm::sys::fs::file_type::regular_file) {
    error.set(what + ": its external data '" + location +
              "' is not a regular file");
    return std::nullopt;
  }
  if (offset > static_cast<int64_t>(status.getSize()) ||
      expected > static_cast<int64_t>(status.getSize()) - offset) {
    error.set(what + ": its external data lies outside '" + location + "'");
    return std::nullopt;
  }
  auto buffer = llvm::MemoryBuffer::getFileSlice(resolved, expected, offset);
  if (!buffer) {
    error.set(what + ": cannot read its external data '" + location + "'");
    return std::nullopt;
  }
  return (*buffer)->getBuffer().str();
}

std::optional<HostTensor> readTensorProto(const onnx::TensorProto &tensor,
                                          const std::string &what,
                                          const std::string &directory,
                                          ImportError &error) {
  HostTensor host;
  int64_t count = 1;
  for (int64_t d : tensor.dims()) {
    if (d < 0 || d > kMaxExtent ||
        count * std::max<int64_t>(d, 1) > kMaxElements) {
      error.set(what + " has a negative or too large dimension " +
                std::to_string(d));
      return std::nullopt;
    }
    count *= d;
    host.shape.push_back(d);
  }
  int elementBytes = 0;
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::INT32:
    elementBytes = 4;
    break;
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::DOUBLE:
    elementBytes = 8;
    break;
  default:
    error.set(what + " has data type " + std::to_string(tensor.data_type()) +
              "; se-compile reads float, double, int32 and int64 tensors");
    return std::nullopt;
  }

  // The bytes, from raw_data or an external file.
  std::string external;
  const std::string *raw = tensor.has_raw_data() ? &tensor.raw_data() : nullptr;
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    std::optional<std::string> bytes =
        readExternalData(tensor, what, directory, count * elementBytes, error);
    if (!bytes)
      return std::nullopt;
    external = std::move(*bytes);
    raw = &external;
  }

  host.values.reserve(count);
  if (raw) {
    if (static_cast<int64_t>(raw->size()) != count * elementBytes) {
      error.set(what + " has " + std::to_string(raw->size()) +
                " bytes of data, its shape " + shapeText(host.shape) +
                " needs " + std::to_string(count * elementBytes));
      return std::nullopt;
    }
    using namespace llvm::support;
    for (int64_t i = 0; i < count; ++i) {
      const char *p = raw->data() + i * elementBytes;
      switch (tensor.data_type()) {
      case onnx::TensorProto::FLOAT: {
        uint32_t bits = endian::read32le(p);
        float v;
        std::memcpy(&v, &bits, 4);
        host.values.push_back(v);
        break;
      }
      case onnx::TensorProto::DOUBLE: {
        uint64_t bits = endian::read64le(p);
        double v;
        std::memcpy(&v, &bits, 8);
        host.values.push_back(v);
        break;
      }
      case onnx::TensorProto::INT32:
        host.values.push_back(static_cast<int32_t>(endian::read32le(p)));
        break;
      default:
        host.values.push_back(static_cast<int64_t>(endian::read64le(p)));
        break;
      }
    }
    return host;
  }
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
    host.values.assign(tensor.float_data().begin(), tensor.float_data().end());
    break;
  case onnx::TensorProto::DOUBLE:
    host.values.assign(tensor.double_data().begin(),
                       tensor.double_data().end());
    break;
  case onnx::TensorProto::INT32:
    host.values.assign(tensor.int32_data().begin(), tensor.int32_data().end());
    break;
  default:
    for (int64_t v : tensor.int64_data())
      host.values.push_back(static_cast<double>(v));
    break;
  }
  if (static_cast<int64_t>(host.values.size()) != count) {
    error.set(what + " has " + std::to_string(host.values.size()) +
              " values, its shape " + shapeText(host.shape) + " needs " +
              std::to_string(count));
    return std::nullopt;
  }
  return host;
}

} // namespace

LogicalResult Importer::checkDeclaredOutput(const onnx::ValueInfoProto &info,
                                            const Tensor &output) {
  std::string what = "output '" + info.name() + "'";
  if (!info.has_type())
    return success(); // Exporters may leave the type to inference.
  if (!info.type().has_tensor_type()) {
    error.set(what + " is declared as something other than a tensor");
    return failure();
  }
  const onnx::TypeProto::Tensor &type = info.type().tensor_type();
  if (type.elem_type() != onnx::TensorProto::FLOAT &&
      type.elem_type() != onnx::TensorProto::UNDEFINED) {
    error.set(what + " is declared with element type " +
              std::to_string(type.elem_type()) +
              "; se-compile computes f32 outputs");
    return failure();
  }
  if (!type.has_shape())
    return success();
  bool matches =
      type.shape().dim_size() == static_cast<int>(output.shape.size());
  for (int i = 0; matches && i < type.shape().dim_size(); ++i) {
    const onnx::TensorShapeProto::Dimension &dim = type.shape().dim(i);
    // A symbolic dimension matches what the graph computes.
    if (dim.has_dim_value() && dim.dim_value() != output.shape[i])
      matches = false;
  }
  if (!matches) {
    std::string declared;
    for (int i = 0; i < type.shape().dim_size(); ++i) {
      const onnx::TensorShapeProto::Dimension &dim = type.shape().dim(i);
      declared += (i ? "x" : "") + (dim.has_dim_value()
                                        ? std::to_string(dim.dim_value())
                                        : std::string("?"));
    }
    error.set(what + " is declared as " +
              (declared.empty() ? std::string("a scalar") : declared) +
              " but the graph computes " + shapeText(output.shape));
    return failure();
  }
  return success();
}

LogicalResult Importer::readInitializers() {
  for (const onnx::TensorProto &tensor : model.graph().initializer()) {
    std::optional<HostTensor> host =
        readTensor(tensor, "initializer '" + tensor.name() + "'");
    if (!host)
      return failure();
    Tensor value;
    value.shape = host->shape;
    value.host = std::make_shared<HostTensor>(std::move(*host));
    values[tensor.name()] = std::move(value);
  }
  return success();
}

LogicalResult Importer::readInputs(func::FuncOp &func) {
  SmallVector<Type> types;
  SmallVector<std::string> names;
  for (const onnx::ValueInfoProto &info : model.graph().input()) {
    if (values.count(info.name()))
      continue; // An initializer listed as an input (older exporters).
    auto frozen = options.frozenInputs.find(info.name());
    if (frozen != options.frozenInputs.end()) {
      Tensor value;
      value.host = std::make_shared<HostTensor>();
      value.host->shape.assign(frozen->second.first.begin(),
                               frozen->second.first.end());
      value.host->values = frozen->second.second;
      value.shape = value.host->shape;
      values[info.name()] = std::move(value);
      continue;
    }
    std::string what = "input '" + info.name() + "'";
    if (!info.type().has_tensor_type()) {
      error.set(what + " is not a tensor");
      return failure();
    }
    const onnx::TypeProto::Tensor &type = info.type().tensor_type();
    if (type.elem_type() != onnx::TensorProto::FLOAT) {
      error.set(what + " has element type " + std::to_string(type.elem_type()) +
                "; se-compile compiles f32 models");
      return failure();
    }
    if (!type.has_shape()) {
      error.set(what + " has no shape");
      return failure();
    }
    SmallVector<int64_t> shape;
    for (auto [i, dim] : llvm::enumerate(type.shape().dim())) {
      std::string which = "dimension " + std::to_string(i);
      if (dim.has_dim_value()) {
        if (dim.dim_value() < 1 || dim.dim_value() > kMaxExtent) {
          error.set(what + " has " + which + " of extent " +
                    std::to_string(dim.dim_value()) +
                    "; extents must be 1 to 2^31");
          return failure();
        }
        if (i == 0 && options.batch && *options.batch != dim.dim_value()) {
          error.set(what + " has a static batch of " +
                    std::to_string(dim.dim_value()) +
                    "; --batch=" + std::to_string(*options.batch) +
                    " sets a symbolic batch dimension only");
          return failure();
        }
        shape.push_back(dim.dim_value());
      } else if (i == 0) {
        shape.push_back(options.batch.value_or(1));
      } else {
        error.set(what + " has a symbolic or unknown " + which +
                  (dim.has_dim_param() ? " ('" + dim.dim_param() + "')"
                                       : std::string()) +
                  "; only the batch dimension may be symbolic (--batch)");
        return failure();
      }
    }
    if (shape.size() > 4) {
      error.set(what + " has rank " + std::to_string(shape.size()) +
                "; se-compile supports ranks up to 4");
      return failure();
    }
    types.push_back(t.tensor(shape));
    names.push_back(info.name());
  }
  if (types.empty()) {
    error.set("the model has no inputs");
    return failure();
  }
  func = func::FuncOp::create(builder, builder.getUnknownLoc(), "forward",
                              builder.getFunctionType(types, {}));
  Block *entry = func.addEntryBlock();
  builder.setInsertionPointToEnd(entry);
  for (auto [name, argument] : llvm::zip(names, entry->getArguments()))
    values[name] = fromLogical(argument);
  return success();
}

FailureOr<OwningOpRef<ModuleOp>> Importer::run(std::string &message) {
  context
      ->loadDialect<func::FuncDialect, tosa::TosaDialect, linalg::LinalgDialect,
                    tensor::TensorDialect, arith::ArithDialect>();
  OwningOpRef<ModuleOp> module = ModuleOp::create(builder.getUnknownLoc());
  builder.setInsertionPointToEnd(module->getBody());
  func::FuncOp func;
  for (const onnx::NodeProto &node : model.graph().node())
    for (const std::string &name : node.input())
      consumers[name].push_back(&node);
  if (succeeded(readOpset()) && succeeded(readInitializers()) &&
      succeeded(readInputs(func))) {
    for (const onnx::NodeProto &node : model.graph().node()) {
      importNode(node);
      if (error.failed())
        break;
    }
  }
  SmallVector<Value> results;
  if (!error.failed()) {
    t.setLoc(builder.getUnknownLoc());
    if (model.graph().output().empty())
      error.set("the model has no outputs");
    for (const onnx::ValueInfoProto &info : model.graph().output()) {
      Tensor *output = lookup(info.name());
      if (!output) {
        error.set("output '" + info.name() + "' is computed by no node");
        break;
      }
      if (output->shape.empty() || output->shape.size() > 4) {
        error.set("output '" + info.name() + "' has rank " +
                  std::to_string(output->shape.size()) +
                  "; se-compile supports ranks 1 to 4");
        break;
      }
      if (failed(checkDeclaredOutput(info, *output)))
        break;
      results.push_back(logicalOf(*output));
    }
  }
  if (error.failed()) {
    message = error.message;
    return failure();
  }
  func::ReturnOp::create(builder, builder.getUnknownLoc(), results);
  func.setFunctionType(builder.getFunctionType(func.getArgumentTypes(),
                                               ValueRange(results).getTypes()));

  // Anything the checks above missed must not reach the compiler as
  // invalid IR: report the verifier's first complaint as the error.
  std::string complaint;
  {
    ScopedDiagnosticHandler capture(context, [&](Diagnostic &diagnostic) {
      if (complaint.empty())
        complaint = diagnostic.str();
      return success();
    });
    if (failed(verify(*module))) {
      error.set("the model builds invalid IR: " + complaint);
      message = error.message;
      return failure();
    }
  }
  return module;
}

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

bool Importer::isGraphOutput(const std::string &name) const {
  return llvm::any_of(model.graph().output(),
                      [&](const onnx::ValueInfoProto &output) {
                        return output.name() == name;
                      });
}

Tensor *Importer::lookup(const std::string &name) {
  auto it = values.find(name);
  return it == values.end() ? nullptr : &it->second;
}

Tensor *Importer::input(const onnx::NodeProto &node, int index, bool optional) {
  if (index >= node.input_size() || node.input(index).empty()) {
    if (!optional)
      nodeError(node, "needs input " + Twine(index));
    return nullptr;
  }
  Tensor *tensor = lookup(node.input(index));
  if (!tensor)
    nodeError(node, "input '" + node.input(index) +
                        "' is neither an initializer, a graph input nor "
                        "computed by an earlier node");
  return tensor;
}

const HostTensor *Importer::constantInput(const onnx::NodeProto &node,
                                          int index, bool optional) {
  Tensor *tensor = input(node, index, optional);
  if (!tensor)
    return nullptr;
  if (!tensor->host) {
    nodeError(node, "input " + Twine(index) + " ('" + node.input(index) +
                        "') must be a constant (an initializer)");
    return nullptr;
  }
  return tensor->host.get();
}

void Importer::define(const onnx::NodeProto &node, int index, Tensor tensor) {
  if (index >= node.output_size() || node.output(index).empty())
    return;
  // ONNX graphs are in SSA form: a name that already has a value (a graph
  // input, an initializer or an earlier node's output) cannot be redefined.
  if (!values.try_emplace(node.output(index), std::move(tensor)).second)
    nodeError(node, "output '" + node.output(index) +
                        "' is already defined (by a graph input, an "
                        "initializer or an earlier node)");
}

Value Importer::materialize(const HostTensor &host) {
  return t.constant(host.shape, host.floats());
}

Value Importer::logicalOf(Tensor &tensor) {
  if (!tensor.logical) {
    if (tensor.host)
      tensor.logical = materialize(*tensor.host);
    else
      tensor.logical = t.transpose(tensor.nhwc, {0, 3, 1, 2});
  }
  return tensor.logical;
}

Value Importer::nhwcOf(Tensor &tensor) {
  assert(tensor.shape.size() == 4 && "NHWC form of a non-4D tensor");
  if (!tensor.nhwc) {
    if (tensor.host)
      tensor.nhwc = materialize(permute(*tensor.host, {0, 2, 3, 1}));
    else
      tensor.nhwc = t.transpose(tensor.logical, {0, 2, 3, 1});
  }
  return tensor.nhwc;
}

Tensor Importer::fromLogical(Value value) {
  Tensor tensor;
  tensor.shape = llvm::to_vector(TosaBuilder::shapeOf(value));
  tensor.logical = value;
  return tensor;
}

Tensor Importer::fromNHWC(Value value, ArrayRef<int64_t> logicalShape) {
  Tensor tensor;
  tensor.shape = llvm::to_vector(logicalShape);
  tensor.nhwc = value;
  return tensor;
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *Importer::attribute(const onnx::NodeProto &node,
                                                StringRef name) {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

int64_t Importer::intAttr(const onnx::NodeProto &node, StringRef name,
                          int64_t fallback) {
  const onnx::AttributeProto *attr = attribute(node, name);
  return attr ? attr->i() : fallback;
}

float Importer::floatAttr(const onnx::NodeProto &node, StringRef name,
                          float fallback) {
  const onnx::AttributeProto *attr = attribute(node, name);
  return attr ? attr->f() : fallback;
}

std::string Importer::stringAttr(const onnx::NodeProto &node, StringRef name,
                                 StringRef fallback) {
  const onnx::AttributeProto *attr = attribute(node, name);
  return attr ? attr->s() : fallback.str();
}

SmallVector<int64_t> Importer::intsAttr(const onnx::NodeProto &node,
                                        StringRef name) {
  const onnx::AttributeProto *attr = attribute(node, name);
  if (!attr)
    return {};
  return SmallVector<int64_t>(attr->ints().begin(), attr->ints().end());
}

std::optional<SmallVector<int64_t>> Importer::axes(const onnx::NodeProto &node,
                                                   int index, int64_t rank) {
  SmallVector<int64_t> list;
  if (attribute(node, "axes")) {
    list = intsAttr(node, "axes");
  } else if (index < node.input_size() && !node.input(index).empty()) {
    const HostTensor *host = constantInput(node, index);
    if (!host)
      return std::nullopt;
    for (double v : host->values)
      list.push_back(static_cast<int64_t>(v));
  } else {
    return SmallVector<int64_t>{};
  }
  for (int64_t &axis : list) {
    if (axis < -rank || axis >= rank) {
      nodeError(node, "axis " + Twine(axis) + " is out of range for rank " +
                          Twine(rank));
      return std::nullopt;
    }
    if (axis < 0)
      axis += rank;
  }
  llvm::sort(list);
  return list;
}

void Importer::nodeError(const onnx::NodeProto &node, const Twine &message) {
  error.set(("node '" + node.name() + "' (" + node.op_type() + "): " + message)
                .str());
}

//===----------------------------------------------------------------------===//
// Nodes
//===----------------------------------------------------------------------===//

void Importer::leakyRelu(const onnx::NodeProto &node) {
  float alpha = floatAttr(node, "alpha", 0.01f);
  unary(node, [&](Value x) {
    Value scaled = t.mul(
        x, t.splat(SmallVector<int64_t>(TosaBuilder::shapeOf(x).size(), 1),
                   alpha));
    return alpha <= 1.0f ? t.maximum(x, scaled) : t.minimum(x, scaled);
  });
}

void Importer::hardSigmoid(const onnx::NodeProto &node, bool swish) {
  float alpha = swish ? 1.0f / 6.0f : floatAttr(node, "alpha", 0.2f);
  float beta = swish ? 0.5f : floatAttr(node, "beta", 0.5f);
  unary(node, [&](Value x) {
    SmallVector<int64_t> ones(TosaBuilder::shapeOf(x).size(), 1);
    Value gate = t.clamp(
        t.add(t.mul(x, t.splat(ones, alpha)), t.splat(ones, beta)), 0.0f, 1.0f);
    return swish ? t.mul(x, gate) : gate;
  });
}

void Importer::identity(const onnx::NodeProto &node) {
  if (Tensor *x = input(node, 0))
    define(node, 0, *x);
}

namespace {
using Handler = std::function<void(Importer &, const onnx::NodeProto &)>;

/// One handler per supported op type; the list of supported ops is its keys.
const llvm::StringMap<Handler> &handlers() {
  static const llvm::StringMap<Handler> table = [] {
    llvm::StringMap<Handler> map;
    auto unaryOp = [](Value (TosaBuilder::*emit)(Value)) {
      return [emit](Importer &importer, const onnx::NodeProto &node) {
        importer.unary(node, [&](Value x) { return (importer.t.*emit)(x); });
      };
    };
    auto binaryOp = [](StringRef op) {
      return [op](Importer &importer, const onnx::NodeProto &node) {
        importer.binary(node, op);
      };
    };
    map["Conv"] = &Importer::conv;
    map["BatchNormalization"] = &Importer::batchNorm;
    map["Relu"] = unaryOp(&TosaBuilder::relu);
    map["Sigmoid"] = unaryOp(&TosaBuilder::sigmoid);
    map["Tanh"] = unaryOp(&TosaBuilder::tanh);
    map["Exp"] = unaryOp(&TosaBuilder::exp);
    map["LeakyRelu"] = &Importer::leakyRelu;
    map["HardSigmoid"] = [](Importer &i, const onnx::NodeProto &n) {
      i.hardSigmoid(n, /*swish=*/false);
    };
    map["HardSwish"] = [](Importer &i, const onnx::NodeProto &n) {
      i.hardSigmoid(n, /*swish=*/true);
    };
    map["Clip"] = &Importer::clip;
    for (StringRef op : {"Add", "Sub", "Mul", "Div"})
      map[op] = binaryOp(op);
    map["GlobalAveragePool"] = [](Importer &i, const onnx::NodeProto &n) {
      i.pool(n, /*max=*/false, /*global=*/true);
    };
    map["GlobalMaxPool"] = [](Importer &i, const onnx::NodeProto &n) {
      i.pool(n, /*max=*/true, /*global=*/true);
    };
    map["AveragePool"] = [](Importer &i, const onnx::NodeProto &n) {
      i.pool(n, /*max=*/false, /*global=*/false);
    };
    map["MaxPool"] = [](Importer &i, const onnx::NodeProto &n) {
      i.pool(n, /*max=*/true, /*global=*/false);
    };
    for (StringRef op : {"ReduceMean", "ReduceMax", "ReduceSum"})
      map[op] = [op](Importer &i, const onnx::NodeProto &n) {
        i.reduce(n, op);
      };
    map["Gemm"] = &Importer::gemm;
    map["MatMul"] = &Importer::matmul;
    map["Flatten"] = &Importer::flatten;
    map["Reshape"] = &Importer::reshape;
    map["Squeeze"] = [](Importer &i, const onnx::NodeProto &n) {
      i.squeeze(n, /*unsqueeze=*/false);
    };
    map["Unsqueeze"] = [](Importer &i, const onnx::NodeProto &n) {
      i.squeeze(n, /*unsqueeze=*/true);
    };
    map["Transpose"] = &Importer::transpose;
    map["Concat"] = &Importer::concat;
    map["Softmax"] = &Importer::softmax;
    map["Constant"] = &Importer::constant;
    map["Identity"] = &Importer::identity;
    map["Shape"] = &Importer::shape;
    map["Expand"] = &Importer::expand;
    return map;
  }();
  return table;
}
} // namespace

std::vector<std::string> mlir::se::getSupportedONNXOps() {
  std::vector<std::string> ops;
  for (const auto &entry : handlers())
    ops.push_back(entry.getKey().str());
  llvm::sort(ops);
  return ops;
}

void Importer::importNode(const onnx::NodeProto &node) {
  if (!node.domain().empty() && node.domain() != "ai.onnx") {
    nodeError(node, "unsupported op " + node.op_type() + " of domain '" +
                        node.domain() + "'");
    return;
  }
  std::string name = node.name().empty() ? node.op_type() : node.name();
  t.setLoc(NameLoc::get(builder.getStringAttr(name), builder.getUnknownLoc()));
  // Before opset 7, Add/Sub/Mul/Div/Gemm broadcast only with an explicit
  // `broadcast` attribute and different (legacy) rules.
  if (opset < 7 && attribute(node, "broadcast") &&
      intAttr(node, "broadcast", 0) != 0)
    return nodeError(node, "unsupported legacy broadcasting (opset " +
                               Twine(opset) + ")");
  auto handler = handlers().find(node.op_type());
  if (handler == handlers().end())
    return nodeError(node, "unsupported op " + node.op_type() + " (opset " +
                               Twine(opset) + ")");
  handler->second(*this, node);
}

void Importer::unary(const onnx::NodeProto &node,
                     const std::function<Value(Value)> &emit) {
  Tensor *x = input(node, 0);
  if (!x)
    return;
  define(node, 0, fromLogical(emit(logicalOf(*x))));
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
  unary(node, [&](Value x) { return t.clamp(x, lo, hi); });
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
    return t.reshape(logicalOf(v), full);
  };
  Value a = operand(*lhs, nullptr);
  Value b = operand(*rhs, reciprocal.get());
  Value result;
  if (op == "Add")
    result = t.add(a, b);
  else if (op == "Sub")
    result = t.sub(a, b);
  else if (op == "Mul" || reciprocal)
    result = t.mul(a, b);
  else
    result = t.mul(a, t.reciprocal(b));
  define(node, 0, fromLogical(result));
}

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
      y = t.depthwiseConv2d(nhwcOf(*x), materialize(weight), biasValue, win);
    } else {
      y = t.conv2d(nhwcOf(*x), materialize(weight), biasValue, win, groups);
    }
  } else if (depthwise) {
    Value weight = t.reshape(t.transpose(logicalOf(*w), {2, 3, 1, 0}),
                             {kh, kw, channels, out / channels});
    y = t.depthwiseConv2d(nhwcOf(*x), weight, biasValue, win);
  } else {
    Value weight = t.transpose(logicalOf(*w), {0, 2, 3, 1});
    y = t.conv2d(nhwcOf(*x), weight, biasValue, win, groups);
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
    y = t.add(t.mul(in, t.constant(paramShape, scale)),
              t.constant(paramShape, shift));
  } else {
    auto param = [&](int i) {
      return t.reshape(logicalOf(*params[i]), paramShape);
    };
    Value scale =
        t.mul(param(0), t.rsqrt(t.add(param(3), t.splat(paramShape, epsilon))));
    y = t.add(t.mul(t.sub(in, param(2)), scale), param(1));
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
    y = t.maxPool(in, win, ceil);
  } else if (!global && intAttr(node, "count_include_pad", 0) != 0) {
    // Padding counts: pad explicitly, then average over whole windows.
    Value padded = t.pad(in, {0, win.pad[0], win.pad[2], 0},
                         {0, win.pad[1], win.pad[3], 0});
    Window unpadded = win;
    unpadded.pad = {0, 0, 0, 0};
    y = t.avgPool(padded, unpadded, ceil);
  } else {
    y = t.avgPool(in, win, ceil);
  }
  ArrayRef<int64_t> s = TosaBuilder::shapeOf(y);
  define(node, 0, fromNHWC(y, {s[0], s[3], s[1], s[2]}));
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
    y = op == "ReduceMax" ? t.reduceMax(y, axis) : t.reduceSum(y, axis);
    reduced *= x->shape[axis];
    kept[axis] = 1;
  }
  if (op == "ReduceMean")
    y = t.mul(y, t.splat(SmallVector<int64_t>(rank, 1), 1.0f / reduced));
  Tensor result = fromLogical(y);
  if (keep)
    return define(node, 0, std::move(result));
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(*list, d))
      shape.push_back(x->shape[d]);
  define(node, 0, fromLogical(t.reshape(logicalOf(result), shape)));
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
    lhs = t.transpose(lhs, {1, 0});
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
      rhs = t.transpose(rhs, {1, 0});
    rhs = t.reshape(rhs, {1, k, n});
  }
  Value y = t.matmul(t.reshape(lhs, {1, m, k}), rhs);
  if (alpha != 1.0f)
    y = t.mul(y, t.splat({1, 1, 1}, alpha));
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
      bias = t.reshape(logicalOf(*c), shape);
      if (beta != 1.0f)
        bias = t.mul(bias, t.splat({1, 1, 1}, beta));
    }
    y = t.add(y, bias);
  }
  define(node, 0, fromLogical(t.reshape(y, {m, n})));
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
                        : t.reshape(logicalOf(*b), {1, k, n});
    y = t.matmul(t.reshape(logicalOf(*a), {1, rows, k}), rhs);
  } else {
    if (sa.size() != 3 || sa[0] != sb[0])
      return nodeError(node, "batched MatMul needs A and B of rank 3 with "
                             "one batch, got " +
                                 shapeText(sa) + " and " + shapeText(sb));
    y = t.matmul(logicalOf(*a), logicalOf(*b));
  }
  define(node, 0, fromLogical(t.reshape(y, outShape)));
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
  define(node, 0, fromLogical(t.reshape(logicalOf(*x), shape)));
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
  define(node, 0, fromLogical(t.transpose(logicalOf(*x), perms)));
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
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && (static_cast<int64_t>(x->shape.size()) != rank ||
                        x->shape[d] != shape[d]))
        return nodeError(node, "inputs " + shapeText(inputs.front()->shape) +
                                   " and " + shapeText(x->shape) +
                                   " do not concatenate on axis " +
                                   Twine(axis));
    shape[axis] += x->shape[axis];
  }
  SmallVector<Value> operands;
  for (Tensor *x : inputs)
    operands.push_back(logicalOf(*x));
  define(node, 0, fromLogical(t.concat(operands, axis)));
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
    in = t.reshape(in, {outer, inner});
    axis = 1;
  }
  Value shifted = t.sub(in, t.reduceMax(in, axis));
  Value e = t.exp(shifted);
  Value y = t.mul(e, t.reciprocal(t.reduceSum(e, axis)));
  define(node, 0, fromLogical(t.reshape(y, shape)));
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

//===----------------------------------------------------------------------===//
// Entry point
//===----------------------------------------------------------------------===//

FailureOr<ONNXTensorFile> mlir::se::readONNXTensorFile(StringRef path,
                                                       std::string &error) {
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!file) {
    error = "cannot read '" + path.str() + "': " + file.getError().message();
    return failure();
  }
  onnx::TensorProto tensor;
  StringRef bytes = (*file)->getBuffer();
  if (!tensor.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    error = "cannot parse '" + path.str() + "' as an ONNX tensor";
    return failure();
  }
  ImportError problem;
  std::optional<HostTensor> host =
      readTensorProto(tensor, "tensor '" + path.str() + "'",
                      llvm::sys::path::parent_path(path).str(), problem);
  if (!host) {
    error = problem.message;
    return failure();
  }
  ONNXTensorFile result;
  result.name = tensor.name();
  result.isFloat = tensor.data_type() == onnx::TensorProto::FLOAT ||
                   tensor.data_type() == onnx::TensorProto::DOUBLE;
  result.shape.assign(host->shape.begin(), host->shape.end());
  result.values = std::move(host->values);
  return result;
}

FailureOr<OwningOpRef<ModuleOp>>
mlir::se::importONNX(MLIRContext *context, StringRef path,
                     const ONNXImportOptions &options, std::string &error) {
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!file) {
    error = "cannot read '" + path.str() + "': " + file.getError().message();
    return failure();
  }
  return importONNXBuffer(context, (*file)->getBuffer(), path,
                          llvm::sys::path::parent_path(path), options, error);
}

FailureOr<OwningOpRef<ModuleOp>> mlir::se::importONNXBuffer(
    MLIRContext *context, StringRef bytes, StringRef name, StringRef directory,
    const ONNXImportOptions &options, std::string &error) {
  onnx::ModelProto model;
  if (bytes.size() > static_cast<size_t>(INT_MAX) ||
      !model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    error = "cannot parse '" + name.str() +
            "' as an ONNX model (truncated or corrupt protobuf)";
    return failure();
  }
  if (!model.has_graph()) {
    error = "'" + name.str() + "' has no graph";
    return failure();
  }
  Importer importer(context, model, directory, options);
  return importer.run(error);
}
