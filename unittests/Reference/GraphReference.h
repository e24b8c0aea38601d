//===- GraphReference.h - plain C++ executor of graph-level IR --*- C++ -*-===//
//
// Runs a graph-level function (TOSA ops, se.squeeze_excite, the
// quantization ops, and the linalg grouped convolution the model zoo emits)
// op by op with plain loops in double precision (the quantization steps in
// f32, as ONNX defines them). It reads only the graph, never the compiler's
// lowering, so a lowering bug cannot hide in both.
//
//===----------------------------------------------------------------------===//

#ifndef SE_UNITTESTS_REFERENCE_GRAPHREFERENCE_H
#define SE_UNITTESTS_REFERENCE_GRAPHREFERENCE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <cstdint>
#include <string>
#include <vector>

namespace se::reference {

struct Tensor {
  std::vector<int64_t> shape;
  std::vector<double> data;
};

/// Runs `func` on `inputs`; on an op it does not know, returns no results
/// and says which in `error`.
std::vector<Tensor> runGraph(mlir::func::FuncOp func,
                             const std::vector<Tensor> &inputs,
                             std::string &error);

} // namespace se::reference

#endif // SE_UNITTESTS_REFERENCE_GRAPHREFERENCE_H
