//===- CostReport.h - parameters, MACs and bytes of a model -----*- C++ -*-===//
//
// The cost report behind `se-compile --stats`, computed from graph-level IR:
// every op is attributed to the stage named by the first component of its
// NameLoc (`stem`, `layer1` .. `layer4`, `head`; other ops to `other`).
//
//===----------------------------------------------------------------------===//

#ifndef SE_ANALYSIS_COSTREPORT_H
#define SE_ANALYSIS_COSTREPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mlir::se {

struct StageCost {
  std::string name;
  /// Elements of the constant tensors the stage's ops read (weights, batch
  /// norm scales and shifts, biases); scalars (zero points) excluded.
  int64_t parameters = 0;
  /// Multiply-accumulates of convolutions and fully connected layers,
  /// including the FCs inside SE blocks.
  int64_t macs = 0;
  /// The SE share: FC parameters, FC MACs, and one op per element for the
  /// squeeze and one for the scale.
  int64_t seParameters = 0;
  int64_t seMacs = 0;
  int64_t seElementOps = 0;
  int64_t seBlocks = 0;
  /// Bytes of all op results (activations) in the stage.
  int64_t activationBytes = 0;
  /// Bytes the stage's SE blocks move under the CPU lowering: U read twice,
  /// Y written once, the residual read once when fused, the FC weights.
  int64_t seBytes = 0;

  /// MACs including the SE element ops.
  int64_t totalOps() const { return macs + seElementOps; }
};

/// One SE block: where it is and the bytes its lowering moves.
struct SEBlockCost {
  /// The block's layer, e.g. `layer2.3.se`.
  std::string name;
  /// N x C x H x W of the recalibrated feature map.
  SmallVector<int64_t, 4> shape;
  bool residual = false;
  int64_t bytes = 0;
};

struct CostReport {
  SmallVector<StageCost> stages;
  StageCost total;
  SmallVector<SEBlockCost> seBlocks;
};

/// Computes the report of every function in `module`.
CostReport computeCostReport(ModuleOp module);

/// Prints `report` as a table, one row per stage and a total, then one row
/// per SE block.
void printCostReport(const CostReport &report, llvm::raw_ostream &os);

} // namespace mlir::se

#endif // SE_ANALYSIS_COSTREPORT_H
