//===- Passes.h - se CPU code generation passes and pipeline ----*- C++ -*-===//

#ifndef SE_CODEGEN_CPU_PASSES_H
#define SE_CODEGEN_CPU_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir {
class OpPassManager;

namespace se {

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "se/Codegen/CPU/Passes.h.inc"

/// Marks a loop over tiles of a parallel dimension whose iterations touch
/// disjoint tiles (set by se-cpu-tile-and-vectorize, read by
/// se-cpu-parallelize-tile-loops).
inline constexpr llvm::StringLiteral kParallelTilesAttrName =
    "se.parallel_tiles";

/// Marks a microkernel's loop over input channels, whose vector reads
/// stream the filter: the value is how far ahead (in units of the reads'
/// second-innermost index, the input channel) to prefetch (set by
/// se-cpu-conv-microkernels, read by se-cpu-prefetch-filters).
inline constexpr llvm::StringLiteral kPrefetchAheadAttrName =
    "se.prefetch_ahead";

/// Numbers each planned workspace buffer's `memref.view` (set by
/// se-cpu-plan-workspace).
inline constexpr llvm::StringLiteral kWorkspaceBufferAttrName = "se.buffer";

/// Marks the functions that report a compiled model's ABI (workspace and
/// weights sizes, layout hash): they take no workspace or weights.
inline constexpr llvm::StringLiteral kABIQueryAttrName = "se.abi_query";

/// Whether `func` is a public entry point (not an ABI query) whose last
/// argument is the weights blob (`memref<?xi8>`) that
/// se-cpu-externalize-weights adds.
bool takesWeightsBlob(func::FuncOp func);

/// Options of `se-cpu-pipeline`; se-compile fills the same struct.
struct CPUPipelineOptions : public PassPipelineOptions<CPUPipelineOptions> {
  PassOptions::Option<std::string> triple{
      *this, "triple", llvm::cl::desc("Target triple; empty means the host's"),
      llvm::cl::init("")};
  PassOptions::Option<std::string> cpu{
      *this, "cpu",
      llvm::cl::desc("Target CPU (e.g. znver5, skylake-avx512, haswell); "
                     "'host' is the machine the compiler runs on"),
      llvm::cl::init("host")};
  PassOptions::Option<std::string> features{
      *this, "features",
      llvm::cl::desc("Extra target features, e.g. '+avx2,-avx512f'"),
      llvm::cl::init("")};
  PassOptions::Option<unsigned> threads{
      *this, "threads",
      llvm::cl::desc("Worker threads of the generated code (1: serial code; "
                     "more: OpenMP over the outermost tile loops)"),
      llvm::cl::init(1)};
  PassOptions::Option<bool> workspace{
      *this, "workspace",
      llvm::cl::desc("Place large intermediate buffers in one workspace "
                     "argument instead of allocating them per call"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> raiseSE{
      *this, "raise-se",
      llvm::cl::desc("Raise SE subgraphs of TOSA ops to se.squeeze_excite "
                     "(se-raise-squeeze-excite)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> fuseSE{
      *this, "fuse-se",
      llvm::cl::desc("Fuse each SE squeeze into the loop that produces its "
                     "feature map (se-cpu-fuse-squeeze-into-producer)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> fuseScaleIntoReaders{
      *this, "fuse-scale-into-readers",
      llvm::cl::desc("With fuse-se: apply the scale of SE blocks without a "
                     "residual in their readers (se-cpu-fuse-scale-into-"
                     "consumers; experimental)"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> convMicrokernels{
      *this, "conv-microkernels",
      llvm::cl::desc("Lower convolutions with constant filters to "
                     "register-blocked FMA loops with fused epilogues "
                     "(se-cpu-conv-microkernels); off: tile and vectorize "
                     "them like other linalg ops"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> winograd{
      *this, "winograd",
      llvm::cl::desc("With conv-microkernels: compute 3x3 convolutions with "
                     "stride 1 as Winograd F(2x2, 3x3)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> trafficReport{
      *this, "traffic-report",
      llvm::cl::desc("Remark the bytes each SE block's feature map is "
                     "stored and loaded (se-cpu-traffic-report)"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> externalWeights{
      *this, "external-weights",
      llvm::cl::desc("Read constant weights from a blob argument (loaded "
                     "from a weights file) instead of embedding them"),
      llvm::cl::init(false)};
  PassOptions::ListOption<int64_t> tileSizes{
      *this, "tile-sizes",
      llvm::cl::desc("Override the tile sizes of every op (innermost last)")};
};

/// A target resolved from the pipeline options: 'host' and the empty triple
/// replaced by the machine the compiler runs on.
struct ResolvedTarget {
  std::string triple;
  std::string cpu;
  std::string features;
  /// Number of f32 lanes of the widest usable vector register: 16 with
  /// AVX-512, 8 with AVX/AVX2, 4 otherwise.
  int64_t vectorWidth = 4;
};

/// Resolves the target of `options`; fails with a message naming an unknown
/// triple or CPU.
FailureOr<ResolvedTarget> resolveTarget(const CPUPipelineOptions &options,
                                        std::string &error);

/// Adds the passes from graph-level IR (se, TOSA) to linalg on tensors.
void addGraphToLinalgPasses(OpPassManager &pm, bool raiseSE = true);

/// Adds one-shot bufferization of whole functions (identity layouts at the
/// boundaries) and turns returned buffers into out-parameters.
void addBufferizationPasses(OpPassManager &pm);

/// Adds the passes from loops, vectors, memrefs and arith (and OpenMP with
/// `openMP`) on buffers to the LLVM dialect.
void addLoopsToLLVMPasses(OpPassManager &pm, bool openMP);

/// Builds the pipeline from func-level IR with se, linalg, tensor and arith
/// ops down to the LLVM dialect. Fails, saying why in `error`, on options
/// that name an unknown target or an invalid thread count.
LogicalResult buildSECPUPipeline(OpPassManager &pm,
                                 const CPUPipelineOptions &options,
                                 std::string &error);

/// Registers `se-cpu-pipeline` with the global pass registry.
void registerSECPUPipeline();

} // namespace se
} // namespace mlir

#endif // SE_CODEGEN_CPU_PASSES_H
