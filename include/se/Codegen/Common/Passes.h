//===- Passes.h - target-neutral se code generation -------------*- C++ -*-===//
//
// The passes and pass-manager builders that CPU and GPU code generation
// share: graph preparation and the way from graph-level IR to linalg, weight
// packing, bufferization with the workspace and weights ABI of compiled
// models, the C interface, and the lowering of loops to the LLVM dialect.
//
//===----------------------------------------------------------------------===//

#ifndef SE_CODEGEN_COMMON_PASSES_H
#define SE_CODEGEN_COMMON_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;

namespace se {

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "se/Codegen/Common/Passes.h.inc"

/// Numbers each planned workspace buffer's `memref.view` (set by
/// se-plan-workspace).
inline constexpr llvm::StringLiteral kWorkspaceBufferAttrName = "se.buffer";

/// Marks the functions that report a compiled model's ABI (workspace and
/// weights sizes, layout hash): they take no workspace or weights.
inline constexpr llvm::StringLiteral kABIQueryAttrName = "se.abi_query";

/// The module attribute se-annotate-layer-costs sets: one dictionary
/// {name, kind, shape, macs, bytes} per layer.
inline constexpr llvm::StringLiteral kLayerCostsAttrName = "se.layer_costs";

/// Whether `func` is a public entry point (not an ABI query) whose last
/// argument is the weights blob (`memref<?xi8>`) that
/// se-externalize-weights adds.
bool takesWeightsBlob(func::FuncOp func);

/// Where compiled code keeps its weights (option `weights`).
enum class WeightsPlacement {
  /// Read-only data in the object.
  Embedded,
  /// A blob argument, loaded from a weights file by the model's create().
  External,
};

/// SE-aware fusion (option `se-fusion`): each squeeze in the loop that
/// produces its feature map, or (off, to compare) a pass of its own.
enum class SEFusion { On, Off };

/// How convolutions with constant filters become CPU code (option
/// `conv-codegen`).
enum class ConvCodegen {
  /// Register-blocked microkernels (se-cpu-conv-microkernels), 3x3
  /// convolutions with stride 1 as Winograd F(2x2, 3x3).
  Winograd,
  /// The microkernels, every convolution direct.
  Direct,
  /// Tiled and vectorized like other linalg ops (to compare).
  Tiled,
};

/// Options of `se-graph-preparation`, the graph-level passes every target
/// starts with.
struct GraphPreparationOptions
    : public PassPipelineOptions<GraphPreparationOptions> {
  PassOptions::Option<bool> raiseSE{
      *this, "raise-se",
      llvm::cl::desc("Raise SE subgraphs of TOSA ops to se.squeeze_excite "
                     "(se-raise-squeeze-excite)"),
      llvm::cl::init(true)};
};

/// Adds the graph preparation: the supported-ops check, the activation
/// layout, SE raising (with `raiseSE`) and canonicalization, on graph-level
/// IR (se, TOSA). se-compile runs it once, right after building or
/// importing a model; the target pipelines of se-opt start with it.
void addGraphPreparationPasses(OpPassManager &pm, bool raiseSE = true);

/// Adds the passes from prepared graph-level IR to linalg on tensors:
/// batch-norm folding, convert-se-to-linalg and TOSA to linalg.
void addGraphToLinalgPasses(OpPassManager &pm);

/// Adds one-shot bufferization of whole functions (identity layouts at the
/// boundaries) and turns returned buffers into out-parameters.
void addBufferizationPasses(OpPassManager &pm);

/// Adds the passes from loops, vectors, memrefs and arith (and OpenMP with
/// `openMP`) on buffers to the LLVM dialect.
void addLoopsToLLVMPasses(OpPassManager &pm, bool openMP);

/// Registers `se-graph-preparation` with the global pass registry.
void registerSEGraphPreparationPipeline();

} // namespace se
} // namespace mlir

#endif // SE_CODEGEN_COMMON_PASSES_H
