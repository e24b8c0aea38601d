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

/// The activations post-training quantization quantizes: each f32 value an
/// ungrouped convolution with a constant f32 weight reads, directly or
/// through single-use crops and transposes, once, in program order.
SmallVector<Value> getQuantizableActivations(func::FuncOp func);

/// The calibrated range of one activation.
struct ActivationRange {
  double lo = 0.0;
  double hi = 0.0;
};

/// The largest weight code of se-quantize-convolutions by default (8-bit
/// symmetric), and where pairs of products of codes with unsigned bytes
/// must fit i16 (2 x 255 x 64 <= 32767: vpmaddubsw exact without VNNI).
inline constexpr int64_t kLargestWeightCode = 127;
inline constexpr int64_t kLargestI16PairWeightCode = 64;

/// Quantizes `func`'s convolutions (see se-quantize-convolutions) with one
/// range per getQuantizableActivations entry, weights symmetric per output
/// channel in [-largestCode, largestCode]; fails, with a diagnostic, when
/// the counts differ.
LogicalResult quantizeConvolutions(func::FuncOp func,
                                   ArrayRef<ActivationRange> ranges,
                                   int64_t largestCode = kLargestWeightCode);

/// Makes `func` return its quantizable activations as flat f32 vectors, 64
/// activations each (see se-expose-calibration-activations); fails, with a
/// diagnostic, when it has none or one is not statically shaped.
LogicalResult exposeCalibrationActivations(func::FuncOp func);

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "se/Dialect/SE/Transforms/Passes.h.inc"

} // namespace mlir::se

#endif // SE_DIALECT_SE_TRANSFORMS_PASSES_H
