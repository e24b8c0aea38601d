//===- Importer.cpp - import ONNX models as graph-level IR ----------------===//
//
// The graph keeps ONNX's layouts: feature maps are NCHW, and convolutions and
// poolings, which TOSA computes in NHWC, read and write NHWC forms made by
// one cached transpose per value. se-activation-layout then picks the layout
// of everything between them (NHWC, leaving transposes at the graph's
// boundary). Constants are transformed on the host: weights are transposed,
// batch norm is folded into a scale and shift, at zero run-time cost.
//
// This file walks the graph: opset, initializers, inputs, nodes in order
// (dispatched to the op handlers), outputs; the values and attributes the
// handlers read; the entry points.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "se/Utils/ShapeText.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::se;
using namespace mlir::se::onnx_import;

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
                    "; batch=" + std::to_string(*options.batch) +
                    " sets a symbolic batch dimension only");
          return failure();
        }
        shape.push_back(dim.dim_value());
      } else if (i == 0) {
        shape.push_back(options.batch.value_or(1));
        symbolicBatch = true;
      } else {
        error.set(what + " has a symbolic or unknown " + which +
                  (dim.has_dim_param() ? " ('" + dim.dim_param() + "')"
                                       : std::string()) +
                  "; only the batch dimension may be symbolic (option batch)");
        return failure();
      }
    }
    if (shape.size() > 4) {
      error.set(what + " has rank " + std::to_string(shape.size()) +
                "; se-compile supports ranks up to 4");
      return failure();
    }
    types.push_back(layers.tensor(shape));
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
                    tensor::TensorDialect, arith::ArithDialect, SEDialect>();
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
    layers.setLoc(builder.getUnknownLoc());
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
      if (output->isQuantized()) {
        error.set("output '" + info.name() +
                  "' is a quantized (8-bit integer) tensor; se-compile "
                  "computes f32 outputs (end the graph with a "
                  "DequantizeLinear)");
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
  if (symbolicBatch)
    (*module)->setAttr(kSymbolicBatchAttrName, builder.getUnitAttr());
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
  if (!tensor) {
    nodeError(node, "input '" + node.input(index) +
                        "' is neither an initializer, a graph input nor "
                        "computed by an earlier node");
    return nullptr;
  }
  // Quantized tensors are read only by the ops that define what their
  // integers mean; everything else computes in float between a
  // DequantizeLinear and a QuantizeLinear.
  static const llvm::StringSet<> kQuantizedReaders = {
      "QuantizeLinear", "DequantizeLinear", "QLinearConv", "QLinearMatMul"};
  if (tensor->isQuantized() && !kQuantizedReaders.contains(node.op_type())) {
    nodeError(node, "input '" + node.input(index) +
                        "' is a quantized (8-bit integer) tensor; se-compile "
                        "reads those only through DequantizeLinear, "
                        "QLinearConv and QLinearMatMul");
    return nullptr;
  }
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
  return layers.constant(host.shape, host.floats());
}

Value Importer::logicalOf(Tensor &tensor) {
  if (!tensor.logical) {
    if (tensor.host)
      tensor.logical = materialize(*tensor.host);
    else
      tensor.logical = layers.transpose(tensor.nhwc, {0, 3, 1, 2});
  }
  return tensor.logical;
}

Value Importer::nhwcOf(Tensor &tensor) {
  assert(tensor.shape.size() == 4 && "NHWC form of a non-4D tensor");
  if (!tensor.nhwc) {
    if (tensor.host)
      tensor.nhwc = materialize(permute(*tensor.host, {0, 2, 3, 1}));
    else
      tensor.nhwc = layers.transpose(tensor.logical, {0, 2, 3, 1});
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

using Handler = std::function<void(Importer &, const onnx::NodeProto &)>;

/// One handler per supported op type; the list of supported ops is its keys.
static const llvm::StringMap<Handler> &handlers() {
  static const llvm::StringMap<Handler> table = [] {
    llvm::StringMap<Handler> map;
    auto unaryOp = [](Value (TosaBuilder::*emit)(Value)) {
      return [emit](Importer &importer, const onnx::NodeProto &node) {
        importer.unary(node, emit);
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
    map["Gather"] = &Importer::gather;
    map["Expand"] = &Importer::expand;
    map["QuantizeLinear"] = &Importer::quantizeLinear;
    map["DequantizeLinear"] = &Importer::dequantizeLinear;
    map["QLinearConv"] = &Importer::qlinearConv;
    map["QLinearMatMul"] = &Importer::qlinearMatMul;
    return map;
  }();
  return table;
}

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
  layers.setLoc(
      NameLoc::get(builder.getStringAttr(name), builder.getUnknownLoc()));
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
  // The first output of every op we import is required; handlers name it
  // (to find its consumers, to check it against the graph's outputs).
  if (node.output_size() == 0 || node.output(0).empty())
    return nodeError(node, "has no output (its first output is required)");
  handler->second(*this, node);
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
