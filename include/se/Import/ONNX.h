//===- ONNX.h - import ONNX models as graph-level IR ------------*- C++ -*-===//
//
// Reads an ONNX model (protobuf, opsets 11 to 17) and builds graph-level IR
// like the model zoo's: one public function `@forward` on f32 tensors in the
// model's own layouts (NCHW), convolutions and poolings in NHWC between
// transposes (se-activation-layout then removes them), layers through
// TosaBuilder. Every op is located by its node, e.g.
// `loc("layer1.0/conv1/Conv")`, and every error names the node and op.
//
//===----------------------------------------------------------------------===//

#ifndef SE_IMPORT_ONNX_H
#define SE_IMPORT_ONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlir::se {

/// The module attribute of an imported model whose inputs had a symbolic
/// batch dimension (given ONNXImportOptions::batch, or 1).
inline constexpr llvm::StringLiteral kSymbolicBatchAttrName =
    "se.symbolic_batch";

struct ONNXImportOptions {
  /// The value of a symbolic first (batch) dimension of the inputs (1 when
  /// unset). When set, an input whose batch is static and different is an
  /// error.
  std::optional<int64_t> batch;
  /// Graph inputs to bake in as constants (shape and values), e.g. the
  /// int64 shape and axes inputs of the ONNX backend tests.
  std::map<std::string, std::pair<std::vector<int64_t>, std::vector<double>>>
      frozenInputs;
};

/// Imports the ONNX model at `path` (external tensor data is read relative
/// to its directory). On failure, `error` is one line naming the problem
/// and, for a node, the node and its op.
FailureOr<OwningOpRef<ModuleOp>> importONNX(MLIRContext *context,
                                            StringRef path,
                                            const ONNXImportOptions &options,
                                            std::string &error);

/// The same for a model already in memory; external data is read relative
/// to `directory`. `name` names the model in messages.
FailureOr<OwningOpRef<ModuleOp>>
importONNXBuffer(MLIRContext *context, StringRef bytes, StringRef name,
                 StringRef directory, const ONNXImportOptions &options,
                 std::string &error);

/// A serialized ONNX TensorProto (the backend tests' input_N.pb and
/// output_N.pb).
struct ONNXTensorFile {
  std::string name;
  /// Whether the stored elements are floating point (else integers).
  bool isFloat = true;
  std::vector<int64_t> shape;
  std::vector<double> values;
};
FailureOr<ONNXTensorFile> readONNXTensorFile(StringRef path,
                                             std::string &error);

/// The op types the importer knows, sorted.
std::vector<std::string> getSupportedONNXOps();

} // namespace mlir::se

#endif // SE_IMPORT_ONNX_H
