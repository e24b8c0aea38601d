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

/// One layer: the top-level ops of a function that share a name (an ONNX
/// node, a zoo layer such as `layer1.0.conv1`), as the per-op profile
/// (`se-compile --profile`) describes it.
struct LayerCost {
  /// The name; empty for ops without one.
  std::string name;
  /// kindOf the op with the most MACs, else of the first that is not a
  /// reshape or a transpose.
  std::string kind;
  /// The shape of that op's result.
  SmallVector<int64_t, 4> shape;
  int64_t macs = 0;
  /// Bytes the layer reads from other layers and parameters, and writes for
  /// other layers or as results: its traffic when its own ops fuse.
  int64_t bytes = 0;
};

/// The layer named by `loc`: its NameLoc, or the first NameLoc inside a
/// fused or call-site location; empty if there is none.
std::string layerNameOf(Location loc);

/// `op` without its dialect, with a convolution's window: `conv2d 3x3/s2`,
/// `grouped_conv2d 3x3/s1 groups=8`, `squeeze_excite`, `add`.
std::string kindOf(Operation *op);

/// Computes the layers of every function in `module`, in program order.
SmallVector<LayerCost> computeLayerCosts(ModuleOp module);

/// Computes the report of every function in `module`.
CostReport computeCostReport(ModuleOp module);

/// Prints `report` as a table, one row per stage and a total, then one row
/// per SE block.
void printCostReport(const CostReport &report, llvm::raw_ostream &os);

} // namespace mlir::se

#endif // SE_ANALYSIS_COSTREPORT_H
