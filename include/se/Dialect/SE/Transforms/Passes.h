//===- Passes.h - se graph-level passes -------------------------*- C++ -*-===//

#ifndef SE_DIALECT_SE_TRANSFORMS_PASSES_H
#define SE_DIALECT_SE_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Pass/Pass.h"

#include <optional>
#include <vector>

namespace mlir::se {

class DequantizeOp;

/// The f32 values `op` computes when its input is a constant (row-major),
/// as the run-time dequantization computes them; nothing otherwise.
std::optional<std::vector<float>> dequantizeConstant(DequantizeOp op);

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "se/Dialect/SE/Transforms/Passes.h.inc"

} // namespace mlir::se

#endif // SE_DIALECT_SE_TRANSFORMS_PASSES_H
