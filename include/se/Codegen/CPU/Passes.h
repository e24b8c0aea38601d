//===- Passes.h - se CPU code generation passes and pipeline ----*- C++ -*-===//

#ifndef SE_CODEGEN_CPU_PASSES_H
#define SE_CODEGEN_CPU_PASSES_H

#include "se/Codegen/Common/Passes.h"
#include "se/Target/Target.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir::memref {
class GlobalOp;
} // namespace mlir::memref

namespace mlir::tosa {
class Conv2DOp;
class DepthwiseConv2DOp;
} // namespace mlir::tosa

namespace mlir {
class OpPassManager;

namespace se {

/// The vector operations a tile loop must run for
/// se-cpu-parallelize-tile-loops to give it threads: 16K vector operations
/// take ~5 us on one core, a few times what starting and joining an OpenMP
/// parallel region costs.
inline constexpr int64_t kMinParallelVectorWork = 16384;

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "se/Codegen/CPU/Passes.h.inc"

/// On an entry point that runs on another function's thread count (the
/// batch entry of se-cpu-batch-entry): that function's symbol, whose
/// `<name>_num_threads` global se-cpu-runtime-thread-count reads.
inline constexpr llvm::StringLiteral kThreadCountOfAttrName =
    "se.thread_count_of";

/// The public global `<entry>_num_threads : memref<i32>` of `module`, made
/// with `initial` unless it exists; fails (with an error at `entry`) on
/// another symbol of that name. An initial count of 0 means OpenMP's
/// default team size at run time.
FailureOr<memref::GlobalOp> getOrCreateThreadCountGlobal(ModuleOp module,
                                                         func::FuncOp entry,
                                                         StringRef name,
                                                         int32_t initial);

/// Loads the thread count of global `name` at `b`'s insertion point: its
/// value, or, with `zeroIsDefault` where it is 0, OpenMP's default team
/// size (`omp_get_max_threads()`: OMP_NUM_THREADS, else the CPUs the
/// process may run on).
Value loadThreadCount(OpBuilder &b, Location loc, ModuleOp module,
                      StringRef name, bool zeroIsDefault);

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

/// Marks an integer microkernel's dot product of four u8 x s8 products per
/// lane whose adjacent pairs of products sum within i16 for any input (the
/// filter's codes checked when it was packed): without vpdpbusd,
/// se-cpu-lower-vectors may then compute it with vpmaddubsw, which
/// saturates those sums, and vpmaddwd (set by se-cpu-conv-microkernels).
inline constexpr llvm::StringLiteral kPairSumsFitI16AttrName =
    "se.pair_sums_fit_i16";

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
  PassOptions::Option<bool> threadsAtRunTime{
      *this, "threads-at-run-time",
      llvm::cl::desc("With threads > 1: run on OpenMP's default team size "
                     "(OMP_NUM_THREADS, else the CPUs the process may run "
                     "on) unless the caller sets <name>_num_threads, "
                     "instead of on `threads`"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> workspace{
      *this, "workspace",
      llvm::cl::desc("Place large intermediate buffers in one workspace "
                     "argument instead of allocating them per call"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> batchEntry{
      *this, "batch-entry",
      llvm::cl::desc("Also emit <name>_batch, which runs any number of "
                     "images of the batch-1 model, spread over the threads "
                     "(se-cpu-batch-entry; needs workspace)"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> raiseSE{
      *this, "raise-se",
      llvm::cl::desc("Raise SE subgraphs of TOSA ops to se.squeeze_excite "
                     "(se-raise-squeeze-excite)"),
      llvm::cl::init(true)};
  PassOptions::Option<SEFusion> seFusion{
      *this,
      "se-fusion",
      llvm::cl::desc("SE-aware fusion: each squeeze computed in the loop "
                     "that produces its feature map "
                     "(se-cpu-fuse-squeeze-into-producer)"),
      llvm::cl::init(SEFusion::On),
      llvm::cl::values(
          clEnumValN(SEFusion::On, "on", "fuse (default)"),
          clEnumValN(SEFusion::Off, "off", "the squeeze as a pass of its own")),
  };
  PassOptions::Option<bool> fuseScaleIntoConsumers{
      *this, "fuse-scale-into-consumers",
      llvm::cl::desc("With se-fusion: apply the scale of SE blocks without "
                     "a residual in their consumers "
                     "(se-cpu-fuse-scale-into-consumers; experimental)"),
      llvm::cl::init(false)};
  PassOptions::Option<ConvCodegen> convCodegen{
      *this,
      "conv-codegen",
      llvm::cl::desc("How convolutions with constant filters become code"),
      llvm::cl::init(ConvCodegen::Winograd),
      llvm::cl::values(
          clEnumValN(ConvCodegen::Winograd, "winograd",
                     "register-blocked FMA microkernels over re-laid-out "
                     "filters with fused epilogues "
                     "(se-cpu-conv-microkernels); 3x3 convolutions with "
                     "stride 1 as Winograd F(2x2, 3x3) (default)"),
          clEnumValN(ConvCodegen::Direct, "direct",
                     "the microkernels, every convolution direct"),
          clEnumValN(ConvCodegen::Tiled, "tiled",
                     "tiled and vectorized like other linalg ops (to "
                     "compare)")),
  };
  PassOptions::Option<bool> int8Kernels{
      *this, "int8-kernels",
      llvm::cl::desc("Run the convolutions of quantized (QDQ) models on "
                     "8-bit codes where the CPU has integer vectors "
                     "(se-cpu-integer-convolutions); off: in f32 between "
                     "the quantization steps"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> trafficReport{
      *this, "traffic-report",
      llvm::cl::desc("Remark the bytes each SE block's feature map is "
                     "stored and loaded (se-cpu-traffic-report)"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> profile{
      *this, "profile",
      llvm::cl::desc("Time each layer at run time (se-annotate-layer-costs, "
                     "se-cpu-instrument-profile; se-run --profile)"),
      llvm::cl::init(false)};
  PassOptions::Option<WeightsPlacement> weights{
      *this,
      "weights",
      llvm::cl::desc("Where the compiled code keeps its weights"),
      llvm::cl::init(WeightsPlacement::Embedded),
      llvm::cl::values(
          clEnumValN(WeightsPlacement::Embedded, "embedded",
                     "read-only data in the object (default)"),
          clEnumValN(WeightsPlacement::External, "external",
                     "a blob argument, loaded from a weights file")),
  };
  PassOptions::ListOption<int64_t> tileSizes{
      *this, "tile-sizes",
      llvm::cl::desc("Override the tile sizes of every op (innermost last)")};
};

/// Why the pipeline of `options` runs no quantized convolution on 8-bit
/// integers for `target` (`int8-kernels=false`, `no integer vectors at
/// this CPU's width`, ...); empty when it runs them
/// (se-cpu-integer-convolutions).
StringRef getIntegerConvolutionsBlocker(const CPUPipelineOptions &options,
                                        const ResolvedTarget &target);

/// Whether the pipeline of `options` runs quantized convolutions on 8-bit
/// integers (se-cpu-integer-convolutions) for `target`.
bool runsIntegerConvolutions(const CPUPipelineOptions &options,
                             const ResolvedTarget &target);

/// Whether se-cpu-integer-convolutions runs `conv` on 8-bit codes (before
/// or after it): a per-tensor dequantized activation, a constant int8 weight
/// symmetric per output channel, no dilation, sums that fit in i32.
bool isIntegerConvolution(tosa::Conv2DOp conv);
/// The same for a depthwise convolution (multiplier 1).
bool isIntegerConvolution(tosa::DepthwiseConv2DOp conv);

/// Whether an integer convolution's products of weight codes with any
/// unsigned byte (0 to 255) sum within i16 over each pair of adjacent
/// input channels (2c, 2c + 1) of every filter tap, so that vpmaddubsw,
/// which saturates those sums, is exact: `codes` is [F][KH][KW][C], a
/// channel past C counting as 0.
bool pairSumsFitI16(ArrayRef<int8_t> codes, int64_t channels);

/// pairSumsFitI16 of the weight of `conv`, an integer convolution
/// (isIntegerConvolution); false if its codes cannot be read.
bool pairSumsFitI16(tosa::Conv2DOp conv);

/// The target of `options` (see resolveTarget in se/Target/Target.h).
FailureOr<ResolvedTarget> resolveTarget(const CPUPipelineOptions &options,
                                        std::string &error);

/// Checks `options` (the target, the thread count, the tile sizes); the
/// message names the option.
LogicalResult verifyCPUPipelineOptions(const CPUPipelineOptions &options,
                                       std::string &error);

/// Builds the pipeline from graph-level IR (se, TOSA, linalg, tensor and
/// arith on tensors) down to the LLVM dialect: the graph preparation
/// (se/Codegen/Common/Passes.h), then buildSECPUCodegenPipeline. Fails,
/// saying why in `error`, on options that name an unknown target or an
/// invalid thread count.
LogicalResult buildSECPUPipeline(OpPassManager &pm,
                                 const CPUPipelineOptions &options,
                                 std::string &error);

/// The same from a prepared graph: what se-compile runs after its one
/// graph preparation.
LogicalResult buildSECPUCodegenPipeline(OpPassManager &pm,
                                        const CPUPipelineOptions &options,
                                        std::string &error);

/// Registers `se-cpu-pipeline` with the global pass registry.
void registerSECPUPipeline();

} // namespace se
} // namespace mlir

#endif // SE_CODEGEN_CPU_PASSES_H
