//===- se-compile.cpp - compile se/MLIR programs to native code -----------===//
//
// A thin front end over the se Compiler library: parses the input, maps the
// command line onto CompilerOptions and writes the requested artefact.
//
//===----------------------------------------------------------------------===//

#include "se/Compiler/Compiler.h"
#include "se/Dialect/SE/Transforms/Passes.h"
#include "se/Import/ONNX.h"
#include "se/InitAll.h"
#include "se/Models/Models.h"
#include "se/Runtime/Threads.h"
#include "se/Support/CommandLine.h"
#include "se/Target/CostReport.h"
#include "se/Target/HeaderWriter.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
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
static cl::opt<int64_t> batchSize("batch", cl::desc("Batch size"), cl::init(1),
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

static cl::opt<std::string> outputFilename("o", cl::desc("Output file"),
                                           cl::value_desc("filename"),
                                           cl::init("-"),
                                           cl::cat(compileCategory));

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

static cl::opt<int64_t> gpuMultiprocessors(
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
        "threads", "Threads of the generated code", compileCategory);
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

static cl::opt<bool> useWorkspace(
    "workspace",
    cl::desc("Intermediate buffers in one workspace allocated by the C API's "
             "create() (always on for --model)"),
    cl::init(false), cl::cat(compileCategory));

enum class WeightsMode { Embedded, External };
static cl::opt<WeightsMode> weightsMode(
    "weights", cl::desc("Where the compiled code keeps its weights"),
    cl::init(WeightsMode::Embedded),
    cl::values(clEnumValN(WeightsMode::Embedded, "embedded",
                          "read-only data in the object"),
               clEnumValN(WeightsMode::External, "external",
                          "a weights file beside the output (FILE.weights), "
                          "loaded by create()")),
    cl::cat(compileCategory));

static cl::opt<bool> raiseSE(
    "raise-se",
    cl::desc("Find SE subgraphs (pooling, FCs, gate, multiply) and compile "
             "each as one se.squeeze_excite (default on)"),
    cl::init(true), cl::cat(compileCategory));

enum class FusionMode { On, Off };
static cl::opt<FusionMode> seFusion(
    "se-fusion",
    cl::desc("SE-aware fusion: each squeeze computed in the loop that "
             "produces its feature map"),
    cl::init(FusionMode::On),
    cl::values(clEnumValN(FusionMode::On, "on", "fuse (default)"),
               clEnumValN(FusionMode::Off, "off",
                          "squeeze as a separate pass over the feature map "
                          "(to compare)")),
    cl::cat(compileCategory));

enum class ConvCodegen { Winograd, Direct, Tiled };
static cl::opt<ConvCodegen> convCodegen(
    "conv-codegen",
    cl::desc("How convolutions with constant filters become CPU code"),
    cl::init(ConvCodegen::Winograd),
    cl::values(clEnumValN(ConvCodegen::Winograd, "winograd",
                          "register-blocked FMA microkernels over re-laid-out "
                          "filters with fused epilogues; 3x3 convolutions "
                          "with stride 1 as Winograd F(2x2, 3x3) (default)"),
               clEnumValN(ConvCodegen::Direct, "direct",
                          "the microkernels, every convolution direct"),
               clEnumValN(ConvCodegen::Tiled, "tiled",
                          "tiled and vectorized like other linalg ops (to "
                          "compare)")),
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

/// The options of --model that mean nothing for an input file (--batch
/// also sets an ONNX model's symbolic batch).
static SmallVector<cl::Option *> modelKnobs() {
  // cl::list's operator& yields its vector of values.
  return {&reduction,
          &squeezeKind,
          &gateKind,
          &integration,
          std::addressof(seStages),
          &seAfter3x3,
          &seBias,
          &resnetVersion,
          &inputSize,
          &classes,
          &widthDivisor,
          &seed,
          &weightsFile,
          &exportWeights};
}

static bool isONNXInput() {
  return modelName.empty() && StringRef(inputFilename).ends_with(".onnx");
}

/// Binary artefacts go to a file named after the model or input, in the
/// current directory (as `clang -c` does); text goes to standard output.
static void chooseDefaultOutput() {
  StringRef extension = emitKind == se::EmitKind::Object   ? ".o"
                        : emitKind == se::EmitKind::Shared ? ".so"
                                                           : "";
  if (outputFilename.getNumOccurrences() || extension.empty())
    return;
  std::string stem = !modelName.empty() ? modelName.getValue()
                     : inputFilename == "-"
                         ? std::string("model")
                         : sys::path::stem(inputFilename).str();
  for (char &c : stem)
    if (!isAlnum(c))
      c = '_';
  outputFilename = stem + extension.str();
}

/// Whether the output is a file that files can be written beside (its C
/// header, its weights): not standard output, not a device such as
/// /dev/null.
static bool writesRegularFile() {
  if (outputFilename == "-")
    return false;
  sys::fs::file_status status;
  return sys::fs::status(outputFilename, status) ||
         status.type() == sys::fs::file_type::regular_file;
}

static int reportError(const Twine &message) {
  WithColor::error(errs(), "se-compile") << message << "\n";
  return 1;
}

static LogicalResult validateOptions() {
  if (threadsOption() < 1 || threadsOption() > SE_MAX_THREADS)
    return reportError("--threads must be 1 to " + Twine(SE_MAX_THREADS) +
                       ", got " + Twine(threadsOption())),
           failure();
  if (batchSize < 1)
    return reportError("--batch must be at least 1, got " + Twine(batchSize)),
           failure();
  if (modelName.empty()) {
    // The zoo's knobs build a model; an input file already is one.
    for (cl::Option *knob : modelKnobs())
      if (knob->getNumOccurrences())
        return reportError("--" + knob->ArgStr +
                           " configures a built-in model (--model=NAME); "
                           "it does not apply to an input file"),
               failure();
    if (batchSize.getNumOccurrences() && !isONNXInput())
      return reportError("--batch applies to --model and to ONNX models "
                         "with a symbolic batch; an .mlir input has its "
                         "own shapes"),
             failure();
  }
  for (int64_t size : tileSizes)
    if (size < 0)
      return reportError("--tile-sizes entries must be non-negative, got " +
                         Twine(size)),
             failure();
  bool writesCode =
      emitKind != se::EmitKind::MLIR && emitKind != se::EmitKind::Linalg &&
      emitKind != se::EmitKind::LLVMDialect && emitKind != se::EmitKind::Header;
  if (weightsMode == WeightsMode::External && writesCode &&
      !writesRegularFile())
    return reportError("--weights=external writes FILE.weights beside the "
                       "output; give -o FILE (a regular file)"),
           failure();
  if (compileTarget == se::CompileTarget::CPU) {
    if (emitKind == se::EmitKind::PTX)
      return reportError("--emit=ptx needs --target=cuda"), failure();
    if (gpuArch.getNumOccurrences())
      return reportError("--gpu-arch needs --target=cuda"), failure();
    if (gpuMultiprocessors.getNumOccurrences())
      return reportError("--gpu-sm-count needs --target=cuda"), failure();
  } else {
    if (gpuMultiprocessors < 1)
      return reportError("--gpu-sm-count must be at least 1, got " +
                         Twine(gpuMultiprocessors)),
             failure();
    std::string error;
    if (failed(se::getPTXFeatures(gpuArch, error)))
      return reportError("--gpu-arch: " + error), failure();
    if (threadsOption() != 1)
      return reportError("--threads is for --target=cpu; GPU code runs on "
                         "the device's threads"),
             failure();
    if (!tileSizes.empty())
      return reportError("--tile-sizes is for --target=cpu"), failure();
  }
  if ((emitKind == se::EmitKind::Object || emitKind == se::EmitKind::Shared) &&
      outputFilename == "-" && outs().is_displayed())
    return reportError("refusing to write a binary file to a terminal; use "
                       "-o FILE"),
           failure();
  return success();
}

/// Writes the zoo model's parameters as a weights file.
static LogicalResult writeParameters(ArrayRef<se::ModelParameter> parameters,
                                     StringRef path) {
  se::WeightsBlob blob;
  for (const se::ModelParameter &parameter : parameters)
    blob.append(parameter.name, parameter.shape, parameter.values);
  std::string errorMessage;
  std::unique_ptr<ToolOutputFile> file = openOutputFile(path, &errorMessage);
  if (!file)
    return reportError(errorMessage), failure();
  se::writeWeightsFile(blob.layout, blob.data, /*bindToLayout=*/false,
                       file->os());
  file->keep();
  return success();
}

/// Builds --model with its knobs; reports a bad name or knob.
static FailureOr<OwningOpRef<ModuleOp>> buildModel(MLIRContext &context) {
  se::ResNetOptions options;
  if (failed(se::applyModelName(modelName, options))) {
    std::string names;
    for (const std::string &name : se::getModelNames())
      names += (names.empty() ? "" : ", ") + name;
    reportError("unknown model '" + modelName + "'; known models: " + names);
    return failure();
  }
  if (resnetVersion != "v1" && resnetVersion != "v1.5") {
    reportError("unknown --resnet-version '" + resnetVersion +
                "'; expected v1 or v1.5");
    return failure();
  }
  options.strideOn3x3 = resnetVersion == "v1.5";
  options.reduction = reduction;
  options.squeeze = squeezeKind;
  options.gate = gateKind;
  options.integration = integration;
  options.seAfter3x3 = seAfter3x3;
  options.seBias = seBias;
  if (!seStages.empty()) {
    options.seStages = {false, false, false, false};
    for (int stage : seStages) {
      if (stage < 1 || stage > 4) {
        reportError("--se-stages entries must be 1 to 4, got " + Twine(stage));
        return failure();
      }
      options.seStages[stage - 1] = true;
    }
  }
  bool knobsNeedSE = reduction.getNumOccurrences() || seAfter3x3 || seBias ||
                     squeezeKind.getNumOccurrences() ||
                     gateKind.getNumOccurrences() ||
                     integration.getNumOccurrences() || !seStages.empty();
  if (knobsNeedSE && !options.se) {
    reportError("SE knobs given for '" + modelName +
                "', which has no SE blocks; use an se-* model");
    return failure();
  }
  options.inputSize = inputSize;
  options.batch = batchSize;
  options.classes = classes;
  options.widthDivisor = widthDivisor;
  options.seed = seed;
  std::string error;
  std::unique_ptr<se::WeightsFile> weights;
  if (!weightsFile.empty()) {
    weights = se::WeightsFile::read(weightsFile, error);
    if (!weights) {
      reportError(error);
      return failure();
    }
    options.weights = weights.get();
  }
  std::vector<se::ModelParameter> parameters;
  FailureOr<OwningOpRef<ModuleOp>> module = se::buildResNet(
      &context, options, error, exportWeights.empty() ? nullptr : &parameters);
  if (failed(module)) {
    reportError((weights ? "'" + weightsFile + "': " : std::string()) + error);
    return failure();
  }
  if (!exportWeights.empty() &&
      failed(writeParameters(parameters, exportWeights)))
    return failure();
  return module;
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
  chooseDefaultOutput();
  if (failed(validateOptions()))
    return 1;
  if (printTarget) {
    se::CPUPipelineOptions pipeline;
    pipeline.triple = targetTriple;
    pipeline.cpu = targetCPU;
    pipeline.features = targetFeatures;
    std::string error;
    FailureOr<se::ResolvedTarget> target = se::resolveTarget(pipeline, error);
    if (failed(target))
      return reportError(error);
    outs() << "triple: " << target->triple << "\ncpu: " << target->cpu
           << "\nvector-width: " << target->vectorWidth << "\n";
    return 0;
  }

  DialectRegistry registry;
  se::registerAllDialects(registry);
  MLIRContext context(registry);
  // Diagnostics point at the input's locations; printing the op as well
  // would dump whole lowered modules.
  context.printOpOnDiagnostic(false);

  std::string errorMessage;
  SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  OwningOpRef<ModuleOp> module;
  if (!modelName.empty()) {
    if (inputFilename != "-")
      return reportError("give either an input file or --model, not both");
    FailureOr<OwningOpRef<ModuleOp>> built = buildModel(context);
    if (failed(built))
      return 1;
    module = std::move(*built);
  } else if (StringRef(inputFilename).ends_with(".onnx")) {
    se::ONNXImportOptions importOptions;
    if (batchSize.getNumOccurrences())
      importOptions.batch = batchSize;
    std::string error;
    FailureOr<OwningOpRef<ModuleOp>> imported =
        se::importONNX(&context, inputFilename, importOptions, error);
    if (failed(imported))
      return reportError(inputFilename + ": " + error);
    module = std::move(*imported);
    // The graph arrives in ONNX's NCHW with transposes around convolutions
    // and poolings, SE blocks as a dozen primitive ops: pick the layout and
    // raise the blocks before anything else looks at it (--emit=mlir,
    // --stats, the pipeline).
    PassManager prepare(&context);
    prepare.addNestedPass<func::FuncOp>(se::createSEActivationLayout());
    if (raiseSE)
      prepare.addNestedPass<func::FuncOp>(se::createSERaiseSqueezeExcite());
    prepare.addPass(createCanonicalizerPass());
    if (failed(prepare.run(*module)))
      return 1;
  } else {
    std::unique_ptr<MemoryBuffer> input =
        openInputFile(inputFilename, &errorMessage);
    if (!input)
      return reportError(errorMessage);
    sourceMgr.AddNewSourceBuffer(std::move(input), SMLoc());
    module = parseSourceFile<ModuleOp>(sourceMgr, &context);
    if (!module)
      return 1;
  }

  bool stats = takeStatsFlag();
  if (stats) {
    raw_ostream &statsStream = outputFilename == "-" ? errs() : outs();
    se::printCostReport(se::computeCostReport(*module), statsStream);
  }

  // Zoo models and ONNX files are whole models: named after the output,
  // with a workspace.
  bool isModel =
      !modelName.empty() || StringRef(inputFilename).ends_with(".onnx");
  std::string entryName = symbolName;
  if (entryName.empty() && isModel)
    entryName = outputFilename != "-" ? sys::path::stem(outputFilename).str()
                : modelName.empty()   ? sys::path::stem(inputFilename).str()
                                      : modelName.getValue();
  if (!entryName.empty()) {
    for (char &c : entryName)
      if (!isAlnum(c))
        c = '_';
    // C reserves names that start with an underscore; names start with a
    // letter.
    if (!isAlpha(entryName.front()))
      entryName = "m_" + entryName;
    func::FuncOp entry = se::getEntryPoint(*module);
    if (!entry)
      return reportError("the input has no public function to name");
    if (failed(SymbolTable::replaceAllSymbolUses(
            entry, StringAttr::get(&context, entryName), *module)))
      return reportError("cannot rename the entry point to '" + entryName +
                         "'");
    SymbolTable::setSymbolName(entry, entryName);
  }

  std::unique_ptr<ToolOutputFile> output =
      openOutputFile(outputFilename, &errorMessage);
  if (!output)
    return reportError(errorMessage);

  bool workspace = useWorkspace || isModel || emitKind == se::EmitKind::Shared;
  se::CompilerOptions options;
  options.emit = emitKind;
  options.printFullConstants = fullConstants;
  options.pipeline.triple = targetTriple;
  options.pipeline.cpu = targetCPU;
  options.pipeline.features = targetFeatures;
  options.pipeline.threads = threadsOption();
  options.pipeline.tileSizes = ArrayRef<int64_t>(llvm::to_vector(tileSizes));
  options.pipeline.workspace = workspace;
  options.pipeline.externalWeights = weightsMode == WeightsMode::External;
  options.pipeline.raiseSE = raiseSE;
  options.pipeline.fuseSE = seFusion == FusionMode::On;
  options.pipeline.convMicrokernels = convCodegen != ConvCodegen::Tiled;
  options.pipeline.winograd = convCodegen == ConvCodegen::Winograd;
  // With --stats, the lowering also reports each SE block's traffic.
  options.pipeline.trafficReport =
      stats && compileTarget == se::CompileTarget::CPU;
  options.target = compileTarget;
  options.gpu.chip = gpuArch;
  options.gpu.cudaPath = cudaPath;
  options.gpu.multiprocessors = gpuMultiprocessors;
  options.gpu.raiseSE = raiseSE;
  options.gpu.externalWeights = weightsMode == WeightsMode::External;
  if (weightsMode == WeightsMode::External) {
    SmallString<256> weightsPath(outputFilename);
    sys::path::replace_extension(weightsPath, ".weights");
    options.weightsPath = weightsPath.str().str();
  }

  // The C header describes the graph-level entry point; write it before
  // lowering rewrites the signature.
  std::string header;
  if (emitKind == se::EmitKind::Object && writesRegularFile()) {
    func::FuncOp entry = se::getEntryPoint(*module);
    llvm::raw_string_ostream headerStream(header);
    if (entry &&
        failed(se::writeCHeader(entry, se::getModelABI(options), headerStream)))
      return 1;
  }

  DefaultTimingManager timing;
  applyDefaultTimingManagerCLOptions(timing);
  TimingScope rootTiming = timing.getRootScope();
  auto configure = [&](PassManager &pm) -> LogicalResult {
    pm.enableTiming(rootTiming);
    return applyPassManagerCLOptions(pm);
  };
  if (failed(se::compile(*module, options, output->os(), configure)))
    return 1;
  if (!header.empty()) {
    SmallString<256> headerPath(outputFilename);
    sys::path::replace_extension(headerPath, ".h");
    std::unique_ptr<ToolOutputFile> headerFile =
        openOutputFile(headerPath, &errorMessage);
    if (!headerFile)
      return reportError(errorMessage);
    headerFile->os() << header;
    headerFile->keep();
  }
  output->keep();
  return 0;
}
