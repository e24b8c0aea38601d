//===- se-compile.cpp - compile SE networks to native code ----------------===//
//
// A thin command line over the se Compiler library (se/Compiler/Compiler.h):
// maps the flags onto CompilerOptions and calls compileModel, which checks
// them, builds or imports the model, prepares the graph, and writes the
// artefact and the files beside it. Each flag carries the name of the
// option it sets.
//
//===----------------------------------------------------------------------===//

#include "se/Compiler/Compiler.h"
#include "se/InitAll.h"
#include "se/Runtime/Threads.h"
#include "se/Support/CommandLine.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
using namespace llvm;

static cl::OptionCategory compileCategory("se-compile options");

static cl::opt<std::string> inputFilename(cl::Positional,
                                          cl::desc("<input .mlir file>"),
                                          cl::init("-"),
                                          cl::cat(compileCategory));

static cl::OptionCategory
    modelCategory("se-compile model zoo (--model=NAME and its knobs)");

static cl::opt<std::string>
    modelName("model",
              cl::desc("Compile a built-in model instead of an input file: "
                       "resnet18/34/50/101/152, se-resnet18/34/50/101/152, "
                       "se-resnext50-32x4d"),
              cl::init(""), cl::cat(modelCategory));
static cl::opt<int64_t> reduction("reduction", cl::desc("SE reduction ratio r"),
                                  cl::init(16), cl::cat(modelCategory));
static cl::opt<se::SqueezeKind> squeezeKind(
    "squeeze", cl::desc("SE squeeze"), cl::init(se::SqueezeKind::Avg),
    cl::values(clEnumValN(se::SqueezeKind::Avg, "avg", "global average"),
               clEnumValN(se::SqueezeKind::Max, "max", "global maximum")),
    cl::cat(modelCategory));
static cl::opt<se::GateKind> gateKind(
    "gate", cl::desc("SE gate"), cl::init(se::GateKind::Sigmoid),
    cl::values(clEnumValN(se::GateKind::Sigmoid, "sigmoid", ""),
               clEnumValN(se::GateKind::HardSigmoid, "hard-sigmoid", ""),
               clEnumValN(se::GateKind::Tanh, "tanh", ""),
               clEnumValN(se::GateKind::ReLU, "relu", "")),
    cl::cat(modelCategory));
static cl::opt<se::SEIntegration> integration(
    "integration", cl::desc("Where the SE block sits in a residual unit"),
    cl::init(se::SEIntegration::Standard),
    cl::values(clEnumValN(se::SEIntegration::Standard, "standard",
                          "on the residual branch, before the addition"),
               clEnumValN(se::SEIntegration::Pre, "pre",
                          "before the residual unit"),
               clEnumValN(se::SEIntegration::Post, "post",
                          "after the addition and ReLU"),
               clEnumValN(se::SEIntegration::Identity, "identity",
                          "on the identity branch")),
    cl::cat(modelCategory));
static cl::list<int> seStages("se-stages",
                              cl::desc("Stages (1-4) that carry SE blocks"),
                              cl::CommaSeparated, cl::cat(modelCategory));
static cl::opt<bool> seAfter3x3("se-after-3x3",
                                cl::desc("SE after the 3x3 convolution"),
                                cl::init(false), cl::cat(modelCategory));
static cl::opt<bool> seBias("se-bias", cl::desc("Biases in the SE FCs"),
                            cl::init(false), cl::cat(modelCategory));
static cl::opt<std::string>
    resnetVersion("resnet-version",
                  cl::desc("v1.5 (stride on the 3x3, torchvision) or v1 "
                           "(stride on the first 1x1)"),
                  cl::init("v1.5"), cl::cat(modelCategory));
static cl::opt<int64_t> inputSize("input-size",
                                  cl::desc("Input height and width"),
                                  cl::init(224), cl::cat(modelCategory));
static cl::opt<std::string>
    batchSize("batch",
              cl::desc("Batch size: a number, or 'dynamic' for a model that "
                       "runs any batch (<name>_run_batch); an ONNX model's "
                       "symbolic batch stays dynamic unless given"),
              cl::value_desc("N|dynamic"), cl::init("1"),
              cl::cat(modelCategory));
static cl::opt<int64_t> classes("classes", cl::desc("Number of classes"),
                                cl::init(1000), cl::cat(modelCategory));
static cl::opt<int64_t>
    widthDivisor("width-divisor",
                 cl::desc("Divide every channel width (small test models)"),
                 cl::init(1), cl::cat(modelCategory));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed of the weights"),
                              cl::init(0x5EED), cl::cat(modelCategory));
static cl::opt<std::string> weightsFile(
    "weights-file",
    cl::desc("Read the model's parameters (PyTorch names and layouts) from "
             "this weights file instead of seeding them"),
    cl::init(""), cl::cat(modelCategory));
static cl::opt<std::string> exportWeights(
    "export-weights",
    cl::desc("Also write the model's parameters to this weights file (a "
             "template for --weights-file)"),
    cl::init(""), cl::cat(modelCategory));

static cl::opt<std::string> outputFilename(
    "o",
    cl::desc("Output file (default: NAME.o or NAME.so in the current "
             "directory for binary output, standard output for text)"),
    cl::value_desc("filename"), cl::init(""), cl::cat(compileCategory));

static cl::opt<se::EmitKind> emitKind(
    "emit", cl::desc("What to write"), cl::init(se::EmitKind::Object),
    cl::values(clEnumValN(se::EmitKind::MLIR, "mlir",
                          "graph-level IR (parsed, verified, canonicalized)"),
               clEnumValN(se::EmitKind::Linalg, "linalg", "linalg on tensors"),
               clEnumValN(se::EmitKind::LLVMDialect, "llvm-dialect",
                          "the LLVM dialect after se-cpu-pipeline"),
               clEnumValN(se::EmitKind::LLVMIR, "llvm", "optimized LLVM IR"),
               clEnumValN(se::EmitKind::Asm, "asm", "target assembly"),
               clEnumValN(se::EmitKind::Object, "obj",
                          "a relocatable object file, and FILE.h, its C API"),
               clEnumValN(se::EmitKind::Header, "header",
                          "only the C API header of the entry point"),
               clEnumValN(se::EmitKind::Shared, "shared",
                          "a shared object for se-run (linked with ld.lld)"),
               clEnumValN(se::EmitKind::PTX, "ptx",
                          "the PTX of the GPU kernels (--target=cuda)")),
    cl::cat(compileCategory));

static cl::opt<se::CompileTarget> compileTarget(
    "target", cl::desc("Where the compiled model runs"),
    cl::init(se::CompileTarget::CPU),
    cl::values(clEnumValN(se::CompileTarget::CPU, "cpu",
                          "the host CPU, or --mtriple/--mcpu (default)"),
               clEnumValN(se::CompileTarget::CUDA, "cuda",
                          "an NVIDIA GPU (kernels for --gpu-arch, launched by "
                          "host code; link with -lse_cuda_runtime)"),
               clEnumValN(se::CompileTarget::CUDAEmulator, "cuda-emulator",
                          "the GPU kernels run by CPU threads (OpenMP), to "
                          "test them without a GPU; needs --weights=external; "
                          "link with -fopenmp")),
    cl::cat(compileCategory));

static cl::opt<std::string>
    cudaPath("cuda-path",
             cl::desc("The CUDA toolkit for --target=cuda (default: "
                      "$CUDA_HOME, $CUDA_ROOT, $CUDA_PATH or /usr/local/cuda)"),
             cl::init(""), cl::cat(compileCategory));

static cl::opt<int64_t> gpuSMCount(
    "gpu-sm-count",
    cl::desc("Streaming multiprocessors of the target GPU, for the choice of "
             "tile sizes (default 132: H100, H200)"),
    cl::init(132), cl::cat(compileCategory));

static cl::opt<std::string>
    gpuArch("gpu-arch",
            cl::desc("NVIDIA architecture of the kernels with --target=cuda"),
            cl::init("sm_90"), cl::cat(compileCategory));

static cl::opt<std::string> targetTriple("mtriple",
                                         cl::desc("Target triple (default: "
                                                  "the host)"),
                                         cl::init(""),
                                         cl::cat(compileCategory));

static cl::opt<std::string> targetCPU("mcpu", cl::desc("Target CPU, or 'host'"),
                                      cl::init("host"),
                                      cl::cat(compileCategory));

static cl::opt<std::string>
    targetFeatures("mattr", cl::desc("Target features, e.g. +avx2,-avx512f"),
                   cl::init(""), cl::cat(compileCategory));

static cl::opt<bool> printTarget(
    "print-target",
    cl::desc("Print the target that --mtriple/--mcpu/--mattr (default: the "
             "host, or SE_HOST_CPU in its place) resolve to, and exit"),
    cl::init(false), cl::cat(compileCategory));

static cl::opt<int> &threadsOption() {
  static cl::opt<int> *option = [] {
    auto *adopted = se::adoptOption<cl::opt<int>>(
        "threads",
        "Threads of the generated code (1: serial code; default: for a "
        "model, parallel code on OpenMP's default team size at run time, "
        "OMP_NUM_THREADS or the CPUs the process may run on; else 1)",
        compileCategory);
    adopted->setInitialValue(1);
    return adopted;
  }();
  return *option;
}

/// LLVM's `-stats` keeps its value in LLVM's own storage (and would make
/// LLVM print its statistics at exit): se-compile reads the flag once and
/// clears it.
static cl::opt<bool, true> *statsOption() {
  static cl::opt<bool, true> *option = se::adoptOption<cl::opt<bool, true>>(
      "stats", "Print the cost report: parameters, MACs and bytes per stage",
      compileCategory);
  return option;
}

static bool takeStatsFlag() {
  bool requested = *statsOption();
  statsOption()->setValue(false);
  return requested;
}

static cl::opt<std::string> symbolName(
    "name",
    cl::desc("Name of the compiled entry point and prefix of its C API "
             "(default for --model: the output file's stem)"),
    cl::init(""), cl::cat(compileCategory));

static cl::opt<bool> profile(
    "profile",
    cl::desc("Time each layer at run time: se-run --profile prints where the "
             "time goes (target=cpu; off by default, free when off)"),
    cl::init(false), cl::cat(compileCategory));

static cl::opt<bool> useWorkspace(
    "workspace",
    cl::desc("Intermediate buffers in one workspace allocated by the C API's "
             "create() (always on for --model)"),
    cl::init(false), cl::cat(compileCategory));

static cl::opt<se::WeightsPlacement> weightsMode(
    "weights", cl::desc("Where the compiled code keeps its weights"),
    cl::init(se::WeightsPlacement::Embedded),
    cl::values(clEnumValN(se::WeightsPlacement::Embedded, "embedded",
                          "read-only data in the object"),
               clEnumValN(se::WeightsPlacement::External, "external",
                          "a weights file beside the output (FILE.weights), "
                          "loaded by create()")),
    cl::cat(compileCategory));

static cl::opt<bool> raiseSE(
    "raise-se",
    cl::desc("Find SE subgraphs (pooling, FCs, gate, multiply) and compile "
             "each as one se.squeeze_excite (default on)"),
    cl::init(true), cl::cat(compileCategory));

static cl::opt<se::SEFusion> seFusion(
    "se-fusion",
    cl::desc("SE-aware fusion: each squeeze computed in the loop that "
             "produces its feature map"),
    cl::init(se::SEFusion::On),
    cl::values(clEnumValN(se::SEFusion::On, "on", "fuse (default)"),
               clEnumValN(se::SEFusion::Off, "off",
                          "squeeze as a separate pass over the feature map "
                          "(to compare)")),
    cl::cat(compileCategory));

static cl::opt<se::ConvCodegen> convCodegen(
    "conv-codegen",
    cl::desc("How convolutions with constant filters become CPU code"),
    cl::init(se::ConvCodegen::Winograd),
    cl::values(clEnumValN(se::ConvCodegen::Winograd, "winograd",
                          "register-blocked FMA microkernels over re-laid-out "
                          "filters with fused epilogues; 3x3 convolutions "
                          "with stride 1 as Winograd F(2x2, 3x3) (default)"),
               clEnumValN(se::ConvCodegen::Direct, "direct",
                          "the microkernels, every convolution direct"),
               clEnumValN(se::ConvCodegen::Tiled, "tiled",
                          "tiled and vectorized like other linalg ops (to "
                          "compare)")),
    cl::cat(compileCategory));

static cl::opt<bool> int8Kernels(
    "int8-kernels",
    cl::desc("Run the convolutions of quantized (QDQ) models on 8-bit codes "
             "where the CPU has vpdpbusd (default on; off: in f32 between "
             "the quantization steps, to compare)"),
    cl::init(true), cl::cat(compileCategory));

enum class QuantizeMode { None, Int8 };
static cl::opt<QuantizeMode> quantizeMode(
    "quantize",
    cl::desc("Post-training quantization of a float model, calibrated on "
             "--calibration inputs"),
    cl::init(QuantizeMode::None),
    cl::values(clEnumValN(QuantizeMode::None, "none", "keep it float"),
               clEnumValN(QuantizeMode::Int8, "int8",
                          "u8 activations and s8 per-channel weights for the "
                          "convolutions (SE blocks stay float)")),
    cl::cat(compileCategory));

static cl::list<std::string> calibrationFiles(
    "calibration",
    cl::desc("Raw f32 inputs for --quantize=int8 (each file one or more "
             "tensors of the input's shape; comma-separated or repeated)"),
    cl::CommaSeparated, cl::cat(compileCategory));

static cl::opt<double> calibrationPercentile(
    "calibration-percentile",
    cl::desc("Clip each activation's range at this percentile of its values "
             "(e.g. 99.99) instead of its minimum and maximum"),
    cl::cat(compileCategory));

static cl::opt<bool> fullConstants(
    "full-constants",
    cl::desc("Print weights in full with --emit=mlir|linalg|llvm-dialect "
             "(by default large constants are elided)"),
    cl::init(false), cl::cat(compileCategory));

static cl::list<int64_t>
    tileSizes("tile-sizes",
              cl::desc("Override every op's tile sizes (innermost last)"),
              cl::CommaSeparated, cl::cat(compileCategory));

/// Sets `value` to the flag's value when the flag was given.
template <typename T, typename OptionT>
static void setIfGiven(std::optional<T> &value, const OptionT &flag) {
  if (flag.getNumOccurrences())
    value = flag.getValue();
}

/// The command line as CompilerOptions; fails on a flag value that is not
/// of the flag's kind.
static LogicalResult getCompilerOptions(se::CompilerOptions &options,
                                        std::string &error) {
  options.inputPath = inputFilename;
  se::ModelOptions &model = options.model;
  model.name = modelName;
  setIfGiven(model.reduction, reduction);
  setIfGiven(model.squeeze, squeezeKind);
  setIfGiven(model.gate, gateKind);
  setIfGiven(model.integration, integration);
  if (seStages.getNumOccurrences())
    model.seStages = std::vector<int>(seStages.begin(), seStages.end());
  setIfGiven(model.seAfter3x3, seAfter3x3);
  setIfGiven(model.seBias, seBias);
  setIfGiven(model.resnetVersion, resnetVersion);
  setIfGiven(model.inputSize, inputSize);
  setIfGiven(model.classes, classes);
  setIfGiven(model.widthDivisor, widthDivisor);
  setIfGiven(model.seed, seed);
  setIfGiven(model.weightsFile, weightsFile);
  setIfGiven(model.exportWeights, exportWeights);
  if (batchSize.getNumOccurrences()) {
    int64_t batch;
    if (batchSize == "dynamic") {
      options.dynamicBatch = true;
    } else if (!StringRef(batchSize).getAsInteger(10, batch)) {
      options.batch = batch;
    } else {
      error = "batch must be a number or 'dynamic', got '" + batchSize + "'";
      return failure();
    }
  }
  options.raiseSE = raiseSE;
  options.name = symbolName;
  options.workspace = useWorkspace;
  options.emit = emitKind;
  options.target = compileTarget;
  options.weights = weightsMode;
  options.stats = takeStatsFlag();
  options.printFullConstants = fullConstants;
  options.quantization.int8 = quantizeMode == QuantizeMode::Int8;
  options.quantization.calibrationFiles.assign(calibrationFiles.begin(),
                                               calibrationFiles.end());
  setIfGiven(options.quantization.percentile, calibrationPercentile);
  options.outputPath = outputFilename;

  options.pipeline.triple = targetTriple;
  options.pipeline.cpu = targetCPU;
  options.pipeline.features = targetFeatures;
  options.threadsByDefault = !threadsOption().getNumOccurrences();
  // The pipeline's count is unsigned: keep negative counts visible to the
  // check.
  options.pipeline.threads =
      threadsOption() < 1 ? 0 : static_cast<unsigned>(threadsOption());
  options.pipeline.tileSizes = ArrayRef<int64_t>(llvm::to_vector(tileSizes));
  options.pipeline.seFusion = seFusion;
  options.pipeline.convCodegen = convCodegen;
  options.pipeline.int8Kernels = int8Kernels;
  options.pipeline.profile = profile;
  setIfGiven(options.gpu.gpuArch, gpuArch);
  setIfGiven(options.gpu.gpuSMCount, gpuSMCount);
  setIfGiven(options.gpu.cudaPath, cudaPath);
  return success();
}

static int reportError(const Twine &message) {
  WithColor::error(errs(), "se-compile") << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  threadsOption();
  statsOption();
  cl::HideUnrelatedOptions(
      {&compileCategory, &modelCategory, &getColorCategory()});
  cl::ParseCommandLineOptions(argc, argv,
                              "se-compile: SE networks to native code\n");
  se::CompilerOptions options;
  std::string error;
  if (failed(getCompilerOptions(options, error)))
    return reportError(error);

  if (printTarget) {
    FailureOr<se::ResolvedTarget> target =
        se::resolveTarget(options.pipeline, error);
    if (failed(target))
      return reportError(error);
    outs() << "triple: " << target->triple << "\ncpu: " << target->cpu
           << "\nvector-width: " << target->vectorWidth
           << "\nint8-dot-product: "
           << se::stringifyInt8DotProduct(target->int8DotProduct) << "\n";
    return 0;
  }

  DialectRegistry registry;
  se::registerAllDialects(registry);
  MLIRContext context(registry);
  // Diagnostics point at the input's locations; printing the op as well
  // would dump whole lowered modules.
  context.printOpOnDiagnostic(false);

  DefaultTimingManager timing;
  applyDefaultTimingManagerCLOptions(timing);
  TimingScope rootTiming = timing.getRootScope();
  auto configure = [&](PassManager &pm) -> LogicalResult {
    pm.enableTiming(rootTiming);
    return applyPassManagerCLOptions(pm);
  };
  // The cost report goes to standard output unless the artefact does.
  std::string output = options.outputPath.empty()
                           ? se::getDefaultOutputPath(options)
                           : options.outputPath;
  raw_ostream &report = output == "-" ? errs() : outs();
  if (failed(se::compileModel(&context, options, report, error, configure)))
    return error.empty() ? 1 : reportError(error);
  return 0;
}
