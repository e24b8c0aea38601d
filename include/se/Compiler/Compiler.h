//===- Compiler.h - the library behind se-compile ---------------*- C++ -*-===//
//
// Compiles a model in named phases, each callable on its own:
//
//   loadModel      build a zoo model, import an ONNX file or parse .mlir;
//                  name the entry point
//   prepareGraph   the graph preparation (once: layout, SE raising)
//   quantizeGraph  post-training int8 quantization, calibrated by running
//                  the float model
//   compile        the target pipeline, LLVM, and one artefact to a stream
//   compileModel   all of them, writing the output file and the files
//                  beside it (C header, weights file) and the cost report
//
// Options are checked once, by verifyCompilerOptions; its messages name the
// option (`threads`, `gpu-arch`, ...), as se-compile's flags and the
// pipelines' options spell it. se-compile is a thin command line over this;
// any other front end fills the same CompilerOptions.
//
//===----------------------------------------------------------------------===//

#ifndef SE_COMPILER_COMPILER_H
#define SE_COMPILER_COMPILER_H

#include "se/Codegen/CPU/Passes.h"
#include "se/Codegen/GPU/Passes.h"
#include "se/Models/Models.h"
#include "se/Target/HeaderWriter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace mlir {
class PassManager;

namespace se {

/// What to write, in pipeline order: each stage stops after the step that
/// produces it.
enum class EmitKind {
  /// The prepared graph-level IR.
  MLIR,
  /// linalg on tensors, after convert-se-to-linalg.
  Linalg,
  /// The LLVM dialect, at the end of the target pipeline.
  LLVMDialect,
  /// Optimized LLVM IR (-O3).
  LLVMIR,
  /// Target assembly.
  Asm,
  /// A relocatable object file (and, beside it, its C header).
  Object,
  /// Only the C header of the module's entry point.
  Header,
  /// A shared object for se-run: the object linked with ld.lld, with the
  /// se_model_* symbols (needs the workspace ABI).
  Shared,
  /// The PTX of the GPU kernels (target cuda only).
  PTX,
};

/// Where the compiled model runs.
enum class CompileTarget {
  /// The host CPU (or triple/cpu): se-cpu-pipeline.
  CPU,
  /// An NVIDIA GPU, driven by host code: se-gpu-pipeline.
  CUDA,
  /// The kernels of se-gpu-pipeline run by CPU threads, for testing them
  /// without a GPU (the C API of a CPU model with external weights).
  CUDAEmulator,
};

/// A built-in model (`model`) and its knobs. A knob left unset takes the
/// model's default; any set knob with an input file instead of a model is
/// an error.
struct ModelOptions {
  /// resnet18/34/50/101/152, se-resnet18/34/50/101/152, se-resnext50-32x4d;
  /// empty: compile the input file.
  std::string name;
  std::optional<int64_t> reduction;
  std::optional<SqueezeKind> squeeze;
  std::optional<GateKind> gate;
  std::optional<SEIntegration> integration;
  /// The stages (1 to 4) that carry SE blocks.
  std::optional<std::vector<int>> seStages;
  std::optional<bool> seAfter3x3;
  std::optional<bool> seBias;
  /// `v1.5` (stride on the 3x3, torchvision) or `v1`.
  std::optional<std::string> resnetVersion;
  std::optional<int64_t> inputSize;
  std::optional<int64_t> classes;
  std::optional<int64_t> widthDivisor;
  std::optional<uint64_t> seed;
  /// Read the parameters (PyTorch names and layouts) from this file.
  std::optional<std::string> weightsFile;
  /// Also write the model's parameters to this file.
  std::optional<std::string> exportWeights;
};

/// What the kernels are compiled for, with target cuda.
struct GPUOptions {
  /// sm_70 ... sm_120 (default sm_90).
  std::optional<std::string> gpuArch;
  /// Streaming multiprocessors, for the tile choices (default 132: H100,
  /// H200).
  std::optional<int64_t> gpuSMCount;
  /// The CUDA toolkit (ptxas, libdevice); default: $CUDA_HOME, $CUDA_ROOT,
  /// $CUDA_PATH or /usr/local/cuda.
  std::optional<std::string> cudaPath;
};

/// Post-training quantization of a float model (see
/// se-quantize-convolutions): the convolutions' activations calibrated on
/// `calibrationFiles` (raw f32 inputs, one or more of the input's size per
/// file).
struct QuantizationOptions {
  bool int8 = false;
  std::vector<std::string> calibrationFiles;
  /// Each activation's range from this percentile of its values (and 100
  /// minus it) instead of its minimum and maximum.
  std::optional<double> percentile;
};

struct CompilerOptions {
  /// What to compile: a built-in model, or `inputPath` (.mlir, .onnx, or
  /// "-" for MLIR on standard input).
  ModelOptions model;
  std::string inputPath = "-";
  /// The batch of a built-in model, or the value of an ONNX model's symbolic
  /// batch dimension.
  std::optional<int64_t> batch;
  /// Compile for any batch (`batch=dynamic`): the code of one image and an
  /// entry point that runs n of them (se-cpu-batch-entry). An ONNX model
  /// whose batch is symbolic is compiled so unless `batch` is set.
  bool dynamicBatch = false;
  /// Find SE subgraphs and compile each as one se.squeeze_excite.
  bool raiseSE = true;
  /// The entry point and the C API prefix; empty: for whole models (zoo,
  /// ONNX) the output file's stem, else the function's own name.
  std::string name;
  /// Intermediates in one workspace (always for whole models and shared
  /// objects).
  bool workspace = false;

  EmitKind emit = EmitKind::Object;
  CompileTarget target = CompileTarget::CPU;
  /// The CPU pipeline, and the host side of GPU code (triple, cpu).
  CPUPipelineOptions pipeline;
  /// Threads by default (se-compile without --threads): a whole model (zoo,
  /// ONNX) compiled for the CPU is parallel code that runs on OpenMP's
  /// default team size (OMP_NUM_THREADS, else the CPUs the process may run
  /// on) unless SE_NUM_THREADS or <name>_set_num_threads says otherwise;
  /// `pipeline.threads` is then ignored. Other inputs stay serial.
  bool threadsByDefault = false;
  /// The GPU's knobs (target cuda); unset ones take the GPU pipeline's
  /// defaults, and setting one for another target is an error.
  GPUOptions gpu;
  /// Quantize to int8 after the graph preparation.
  QuantizationOptions quantization;
  /// Where the compiled code keeps its weights (both targets).
  WeightsPlacement weights = WeightsPlacement::Embedded;
  /// Print the cost report (and, on the CPU, each SE block's traffic).
  bool stats = false;
  /// Print weights in full when emitting MLIR; by default constants larger
  /// than 64 bytes are elided, which keeps the IR readable but not
  /// reparsable.
  bool printFullConstants = false;

  /// The output file: empty for the default (getDefaultOutputPath), "-" for
  /// standard output.
  std::string outputPath;
};

/// The module attribute of a model compiled for any batch: its graph is
/// that of one image (loadModel sets it).
inline constexpr llvm::StringLiteral kDynamicBatchAttrName = "se.dynamic_batch";

/// Checks that the graph `one` at batch 1 and the same model's graph `two`
/// at batch 2 compute each image on its own: every input and output has
/// the batch in front, and no op combines images. On failure, `error` names
/// the first op (or input, output) that does not.
LogicalResult verifyImagesIndependent(func::FuncOp one, func::FuncOp two,
                                      std::string &error);

/// Checks `options` once, before anything is built; on failure `error`
/// names the option.
LogicalResult verifyCompilerOptions(const CompilerOptions &options,
                                    std::string &error);

/// The output file when none is given: binary artefacts go to a file named
/// after the model or input in the current directory (NAME.o, NAME.so, as
/// `clang -c` does); text goes to standard output ("-").
std::string getDefaultOutputPath(const CompilerOptions &options);

/// The C signature that `options` give the entry point of `module` (null:
/// a model loaded with the same options).
ModelABI getModelABI(const CompilerOptions &options, ModuleOp module = {});

/// The module's entry point: its first public function with a body, or
/// null.
func::FuncOp getEntryPoint(ModuleOp module);

/// Builds the zoo model, imports the ONNX file or parses the MLIR input
/// (through `sourceMgr`, which then locates diagnostics), names the entry
/// point, and for a zoo model writes its parameters when asked to.
/// `outputPath` names whole models by default. On failure, `error` says
/// why, or is empty when diagnostics on `context` (located in the input)
/// did.
FailureOr<OwningOpRef<ModuleOp>>
loadModel(MLIRContext *context, const CompilerOptions &options,
          StringRef outputPath, llvm::SourceMgr &sourceMgr, std::string &error);

/// Runs the graph preparation on `module` (once; compile does not repeat
/// it). `configurePassManager` may add instrumentation (IR printing,
/// timing) to every pass manager the compiler builds.
LogicalResult prepareGraph(
    ModuleOp module, const CompilerOptions &options,
    function_ref<LogicalResult(PassManager &)> configurePassManager = {});

/// Quantizes the prepared float `module` to int8 as `options.quantization`
/// says: compiles a copy for the host CPU that returns the activations to
/// quantize, runs it on the calibration inputs, and inserts the
/// quantization steps with the ranges measured. On failure, `error` says
/// why, or is empty when diagnostics on the module's context did.
LogicalResult quantizeGraph(ModuleOp module, const CompilerOptions &options,
                            std::string &error);

/// For a quantized `module` (a QDQ file or quantizeGraph's result), prints
/// which convolutions, FCs and SE blocks run on 8-bit codes under `options`
/// and which in f32, one row each; prints nothing for a float model.
void printQuantizationReport(ModuleOp module, const CompilerOptions &options,
                             llvm::raw_ostream &os);

/// Lowers the prepared `module` in place as far as `options.emit` asks and
/// writes the result to `os`; with external weights, the weights file goes
/// to `weightsPath`. Errors are reported as diagnostics on the module's
/// context.
LogicalResult
compile(ModuleOp module, const CompilerOptions &options,
        llvm::raw_pwrite_stream &os, StringRef weightsPath = "",
        function_ref<LogicalResult(PassManager &)> configurePassManager = {});

/// All phases: checks the options, loads, prepares, quantizes (when asked),
/// prints the cost report
/// to `report` (with `options.stats`) and compiles to the output file,
/// writing the C header (objects) and the weights file (external weights)
/// beside it. On failure, `error` says why, or is empty when diagnostics on
/// `context` did.
LogicalResult compileModel(
    MLIRContext *context, const CompilerOptions &options,
    llvm::raw_ostream &report, std::string &error,
    function_ref<LogicalResult(PassManager &)> configurePassManager = {});

} // namespace se
} // namespace mlir

#endif // SE_COMPILER_COMPILER_H
