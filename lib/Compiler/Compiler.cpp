//===- Compiler.cpp - the library behind se-compile -----------------------===//
//
// The phases of a compilation (see Compiler.h): options, loading (zoo,
// ONNX, MLIR), graph preparation, the target pipeline with LLVM and the
// artefact, and the whole model with the files beside its output.
//
//===----------------------------------------------------------------------===//

#include "se/Compiler/Compiler.h"

#include "se/Analysis/CostReport.h"
#include "se/Codegen/Common/Passes.h"
#include "se/Compiler/Parse.h"
#include "se/Import/ONNX.h"
#include "se/Runtime/Threads.h"
#include "se/Target/HeaderWriter.h"
#include "se/Target/LLVMEmitter.h"
#include "se/Utils/WeightsFile.h"

#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <thread>

using namespace mlir;
using namespace mlir::se;

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

/// Zoo models and ONNX files are whole models: named after the output, with
/// a workspace.
static bool isWholeModel(const CompilerOptions &options) {
  return !options.model.name.empty() ||
         StringRef(options.inputPath).ends_with(".onnx");
}

static bool isONNXInput(const CompilerOptions &options) {
  return options.model.name.empty() &&
         StringRef(options.inputPath).ends_with(".onnx");
}

static bool writesCode(EmitKind emit) {
  return emit != EmitKind::MLIR && emit != EmitKind::Linalg &&
         emit != EmitKind::LLVMDialect && emit != EmitKind::Header;
}

/// Whether `path` is a file that files can be written beside (its C header,
/// its weights): not standard output, not a device such as /dev/null.
static bool isRegularOutput(StringRef path) {
  if (path == "-")
    return false;
  llvm::sys::fs::file_status status;
  return llvm::sys::fs::status(path, status) ||
         status.type() == llvm::sys::fs::file_type::regular_file;
}

/// The names and set-ness of the built-in models' knobs.
static SmallVector<std::pair<StringRef, bool>>
modelKnobs(const ModelOptions &model) {
  return {{"reduction", model.reduction.has_value()},
          {"squeeze", model.squeeze.has_value()},
          {"gate", model.gate.has_value()},
          {"integration", model.integration.has_value()},
          {"se-stages", model.seStages.has_value()},
          {"se-after-3x3", model.seAfter3x3.has_value()},
          {"se-bias", model.seBias.has_value()},
          {"resnet-version", model.resnetVersion.has_value()},
          {"input-size", model.inputSize.has_value()},
          {"classes", model.classes.has_value()},
          {"width-divisor", model.widthDivisor.has_value()},
          {"seed", model.seed.has_value()},
          {"weights-file", model.weightsFile.has_value()},
          {"export-weights", model.exportWeights.has_value()}};
}

static void getGPUPipelineOptions(const CompilerOptions &options,
                                  GPUPipelineOptions &gpu);

LogicalResult mlir::se::verifyCompilerOptions(const CompilerOptions &options,
                                              std::string &error) {
  auto fail = [&](const Twine &message) {
    error = message.str();
    return failure();
  };
  if (!options.model.name.empty() && options.inputPath != "-")
    return fail("give either an input file or model, not both");
  if (options.batch && *options.batch < 1)
    return fail("batch must be at least 1, got " + Twine(*options.batch));
  if (options.model.name.empty()) {
    // The zoo's knobs build a model; an input file already is one.
    for (auto [knob, set] : modelKnobs(options.model))
      if (set)
        return fail(knob +
                    " configures a built-in model (model=NAME); it does not "
                    "apply to an input file");
    if ((options.batch || options.dynamicBatch) && !isONNXInput(options))
      return fail("batch applies to built-in models and to ONNX models "
                  "with a symbolic batch; an .mlir input has its own "
                  "shapes");
  }
  if (options.batch && options.dynamicBatch)
    return fail("batch is a number or dynamic, not both");
  if (options.dynamicBatch && options.target != CompileTarget::CPU)
    return fail("batch=dynamic is for target=cpu");
  if (failed(verifyCPUPipelineOptions(options.pipeline, error)))
    return failure();
  std::string output = options.outputPath.empty()
                           ? getDefaultOutputPath(options)
                           : options.outputPath;
  if (options.weights == WeightsPlacement::External &&
      writesCode(options.emit) && !isRegularOutput(output))
    return fail("weights=external writes FILE.weights beside the output; "
                "give an output file (a regular file)");
  if (options.target == CompileTarget::CPU) {
    if (options.emit == EmitKind::PTX)
      return fail("emit=ptx needs target=cuda");
    if (options.gpu.gpuArch)
      return fail("gpu-arch needs target=cuda");
    if (options.gpu.gpuSMCount)
      return fail("gpu-sm-count needs target=cuda");
    if (options.gpu.cudaPath)
      return fail("cuda-path needs target=cuda");
  } else {
    GPUPipelineOptions gpu;
    getGPUPipelineOptions(options, gpu);
    if (failed(verifyGPUPipelineOptions(gpu, error)))
      return failure();
    if (options.pipeline.threads != 1)
      return fail("threads is for target=cpu; GPU code runs on the "
                  "device's threads");
    if (!options.pipeline.tileSizes.empty())
      return fail("tile-sizes is for target=cpu");
    if (options.pipeline.profile)
      return fail("profile is for target=cpu");
    if (options.emit == EmitKind::PTX && options.target != CompileTarget::CUDA)
      return fail("emit=ptx needs target=cuda");
    if (options.target == CompileTarget::CUDAEmulator &&
        options.weights != WeightsPlacement::External)
      return fail("target=cuda-emulator keeps the weights in a file: add "
                  "weights=external");
  }
  const QuantizationOptions &quantization = options.quantization;
  if (quantization.int8 && quantization.calibrationFiles.empty())
    return fail("quantize=int8 needs calibration inputs: calibration=FILE "
                "(raw f32 tensors of the model's input shape)");
  if (!quantization.int8 && !quantization.calibrationFiles.empty())
    return fail("calibration is for quantize=int8");
  if (quantization.percentile && !quantization.int8)
    return fail("calibration-percentile is for quantize=int8");
  if (quantization.percentile &&
      !(*quantization.percentile > 50.0 && *quantization.percentile <= 100.0)) {
    std::string given;
    llvm::raw_string_ostream(given)
        << llvm::format("%g", *quantization.percentile);
    return fail("calibration-percentile must be above 50 and at most 100, "
                "got " +
                given);
  }
  if ((options.emit == EmitKind::Object || options.emit == EmitKind::Shared) &&
      output == "-" && llvm::outs().is_displayed())
    return fail("refusing to write a binary file to a terminal; give an "
                "output file");
  return success();
}

std::string mlir::se::getDefaultOutputPath(const CompilerOptions &options) {
  StringRef extension = options.emit == EmitKind::Object   ? ".o"
                        : options.emit == EmitKind::Shared ? ".so"
                                                           : "";
  if (extension.empty())
    return "-";
  std::string stem = !options.model.name.empty() ? options.model.name
                     : options.inputPath == "-"
                         ? std::string("model")
                         : llvm::sys::path::stem(options.inputPath).str();
  for (char &c : stem)
    if (!llvm::isAlnum(c))
      c = '_';
  return stem + extension.str();
}

/// Whether the model of `options` is parallel code whose thread count
/// defaults to OpenMP's at run time.
static bool runsThreadsByDefault(const CompilerOptions &options) {
  return options.threadsByDefault && isWholeModel(options) &&
         options.target == CompileTarget::CPU;
}

/// Whether `module` (null: a model loaded with `options`) is compiled for
/// any batch.
static bool hasDynamicBatch(const CompilerOptions &options, ModuleOp module) {
  return module ? module->hasAttr(kDynamicBatchAttrName) : options.dynamicBatch;
}

/// The CPU pipeline's options for `options` and its loaded `module` (null:
/// a model loaded with `options`): a whole model or a shared object has a
/// workspace, and the weights go where `weights` says.
static void getCPUPipelineOptions(const CompilerOptions &options,
                                  CPUPipelineOptions &pipeline,
                                  ModuleOp module = {}) {
  pipeline.copyOptionValuesFrom(options.pipeline);
  pipeline.batchEntry = hasDynamicBatch(options, module);
  if (runsThreadsByDefault(options)) {
    // Parallel code; the count is OpenMP's at run time.
    pipeline.threads = std::max(2u, std::thread::hardware_concurrency());
    pipeline.threadsAtRunTime = true;
  }
  pipeline.workspace = options.workspace || isWholeModel(options) ||
                       options.emit == EmitKind::Shared;
  pipeline.weights = options.weights;
  pipeline.raiseSE = options.raiseSE;
  // With the cost report, the lowering also reports each SE block's
  // traffic.
  pipeline.trafficReport = options.stats || options.pipeline.trafficReport;
}

/// The GPU pipeline's options for `options`.
static void getGPUPipelineOptions(const CompilerOptions &options,
                                  GPUPipelineOptions &gpu) {
  if (options.gpu.gpuArch)
    gpu.gpuArch = *options.gpu.gpuArch;
  if (options.gpu.gpuSMCount)
    gpu.gpuSMCount = *options.gpu.gpuSMCount;
  if (options.gpu.cudaPath)
    gpu.cudaPath = *options.gpu.cudaPath;
  gpu.weights = options.weights;
  gpu.raiseSE = options.raiseSE;
  gpu.emulate = options.target == CompileTarget::CUDAEmulator;
  if (options.emit == EmitKind::PTX)
    gpu.format = "isa";
}

ModelABI mlir::se::getModelABI(const CompilerOptions &options,
                               ModuleOp module) {
  ModelABI abi;
  bool external = options.weights == WeightsPlacement::External;
  if (options.target == CompileTarget::CUDA) {
    abi.cuda = true;
    abi.workspace = true;
    abi.externalWeights = external;
    return abi;
  }
  if (options.target == CompileTarget::CUDAEmulator) {
    abi.workspace = true;
    abi.externalWeights = true;
    return abi;
  }
  CPUPipelineOptions pipeline;
  getCPUPipelineOptions(options, pipeline, module);
  abi.workspace = pipeline.workspace;
  abi.dynamicBatch = pipeline.batchEntry;
  abi.threadCount = pipeline.threads > 1;
  abi.threadsAtRunTime = pipeline.threads > 1 && pipeline.threadsAtRunTime;
  abi.profile = pipeline.profile;
  abi.externalWeights = external;
  std::string error;
  FailureOr<ResolvedTarget> target = resolveTarget(pipeline, error);
  if (succeeded(target) && runsIntegerConvolutions(pipeline, *target))
    abi.int8Convolutions = target->int8DotProduct;
  return abi;
}

func::FuncOp mlir::se::getEntryPoint(ModuleOp module) {
  for (auto func : module.getOps<func::FuncOp>())
    if (func.isPublic() && !func.isExternal())
      return func;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Loading
//===----------------------------------------------------------------------===//

/// Writes a zoo model's parameters as a weights file.
static LogicalResult writeParameters(ArrayRef<ModelParameter> parameters,
                                     StringRef path, std::string &error) {
  WeightsBlob blob;
  for (const ModelParameter &parameter : parameters)
    blob.append(parameter.name, parameter.shape, parameter.values);
  std::unique_ptr<llvm::ToolOutputFile> file = openOutputFile(path, &error);
  if (!file)
    return failure();
  writeWeightsFile(blob.layout, blob.data, /*bindToLayout=*/false, file->os());
  file->keep();
  return success();
}

/// Builds the built-in model with its knobs at `batch` (unset: the
/// model's default), writing its parameters when the options ask and
/// `exportWeights`; `error` names a bad name or knob.
static FailureOr<OwningOpRef<ModuleOp>>
buildModel(MLIRContext *context, const CompilerOptions &compilerOptions,
           std::optional<int64_t> batch, bool exportWeights,
           std::string &error) {
  const ModelOptions &model = compilerOptions.model;
  ResNetOptions options;
  if (failed(applyModelName(model.name, options))) {
    error = "unknown model '" + model.name +
            "'; known models: " + llvm::join(getModelNames(), ", ");
    return failure();
  }
  std::string version = model.resnetVersion.value_or("v1.5");
  if (version != "v1" && version != "v1.5") {
    error = "unknown resnet-version '" + version + "'; expected v1 or v1.5";
    return failure();
  }
  options.strideOn3x3 = version == "v1.5";
  options.reduction = model.reduction.value_or(options.reduction);
  options.squeeze = model.squeeze.value_or(options.squeeze);
  options.gate = model.gate.value_or(options.gate);
  options.integration = model.integration.value_or(options.integration);
  options.seAfter3x3 = model.seAfter3x3.value_or(false);
  options.seBias = model.seBias.value_or(false);
  if (model.seStages && !model.seStages->empty()) {
    options.seStages = {false, false, false, false};
    for (int stage : *model.seStages) {
      if (stage < 1 || stage > 4) {
        error =
            "se-stages entries must be 1 to 4, got " + std::to_string(stage);
        return failure();
      }
      options.seStages[stage - 1] = true;
    }
  }
  bool knobsNeedSE = model.reduction || model.seAfter3x3.value_or(false) ||
                     model.seBias.value_or(false) || model.squeeze ||
                     model.gate || model.integration ||
                     (model.seStages && !model.seStages->empty());
  if (knobsNeedSE && !options.se) {
    error = "SE knobs given for '" + model.name +
            "', which has no SE blocks; use an se-* model";
    return failure();
  }
  options.inputSize = model.inputSize.value_or(options.inputSize);
  options.batch = batch.value_or(options.batch);
  options.classes = model.classes.value_or(options.classes);
  options.widthDivisor = model.widthDivisor.value_or(options.widthDivisor);
  options.seed = model.seed.value_or(options.seed);
  std::unique_ptr<WeightsFile> weights;
  if (model.weightsFile) {
    weights = WeightsFile::read(*model.weightsFile, error);
    if (!weights)
      return failure();
    options.weights = weights.get();
  }
  std::vector<ModelParameter> parameters;
  FailureOr<OwningOpRef<ModuleOp>> module =
      buildResNet(context, options, error,
                  exportWeights && model.exportWeights ? &parameters : nullptr);
  if (failed(module)) {
    if (weights)
      error = "'" + *model.weightsFile + "': " + error;
    return failure();
  }
  if (exportWeights && model.exportWeights &&
      failed(writeParameters(parameters, *model.exportWeights, error)))
    return failure();
  return module;
}

/// Renames the entry point of a whole model after `outputPath` (or the
/// model), or to `options.name`; names that are not C identifiers, or that
/// C reserves (a leading underscore), are made so.
static LogicalResult nameEntryPoint(ModuleOp module,
                                    const CompilerOptions &options,
                                    StringRef outputPath, std::string &error) {
  std::string name = options.name;
  if (name.empty() && isWholeModel(options))
    name = outputPath != "-" ? llvm::sys::path::stem(outputPath).str()
           : options.model.name.empty()
               ? llvm::sys::path::stem(options.inputPath).str()
               : options.model.name;
  if (name.empty())
    return success();
  for (char &c : name)
    if (!llvm::isAlnum(c))
      c = '_';
  if (!llvm::isAlpha(name.front()))
    name = "m_" + name;
  func::FuncOp entry = getEntryPoint(module);
  if (!entry) {
    error = "the input has no public function to name";
    return failure();
  }
  MLIRContext *context = module.getContext();
  if (failed(SymbolTable::replaceAllSymbolUses(
          entry, StringAttr::get(context, name), module))) {
    error = "cannot rename the entry point to '" + name + "'";
    return failure();
  }
  SymbolTable::setSymbolName(entry, name);
  return success();
}

/// Builds the zoo model, imports the ONNX file or parses the MLIR input;
/// `batch` is the zoo model's batch or the ONNX model's symbolic one.
static FailureOr<OwningOpRef<ModuleOp>>
loadGraph(MLIRContext *context, const CompilerOptions &options,
          std::optional<int64_t> batch, bool exportWeights,
          llvm::SourceMgr &sourceMgr, std::string &error) {
  OwningOpRef<ModuleOp> module;
  if (!options.model.name.empty()) {
    FailureOr<OwningOpRef<ModuleOp>> built =
        buildModel(context, options, batch, exportWeights, error);
    if (failed(built))
      return failure();
    module = std::move(*built);
  } else if (isONNXInput(options)) {
    ONNXImportOptions importOptions;
    importOptions.batch = batch;
    FailureOr<OwningOpRef<ModuleOp>> imported =
        importONNX(context, options.inputPath, importOptions, error);
    if (failed(imported)) {
      error = options.inputPath + ": " + error;
      return failure();
    }
    module = std::move(*imported);
  } else {
    std::unique_ptr<llvm::MemoryBuffer> input =
        openInputFile(options.inputPath, &error);
    if (!input)
      return failure();
    sourceMgr.AddNewSourceBuffer(std::move(input), llvm::SMLoc());
    module = parseModuleGuarded(sourceMgr, ParserConfig(context));
    if (!module)
      return failure();
  }
  return module;
}

/// Whether the model of `options`, loaded as `module`, is compiled for any
/// batch: asked for (batch=dynamic), or an ONNX model's symbolic batch left
/// unset, for CPU code.
static FailureOr<bool> compilesDynamicBatch(const CompilerOptions &options,
                                            ModuleOp module,
                                            std::string &error) {
  bool symbolic = module->hasAttr(kSymbolicBatchAttrName);
  if (!isONNXInput(options))
    return options.dynamicBatch;
  if (options.dynamicBatch && !symbolic) {
    error = options.inputPath +
            ": the inputs' batch is static; batch=dynamic needs a symbolic "
            "batch dimension (a name, not a number, in dimension 0)";
    return failure();
  }
  return options.dynamicBatch ||
         (symbolic && !options.batch && options.target == CompileTarget::CPU);
}

FailureOr<OwningOpRef<ModuleOp>>
mlir::se::loadModel(MLIRContext *context, const CompilerOptions &options,
                    StringRef outputPath, llvm::SourceMgr &sourceMgr,
                    std::string &error) {
  // For any batch, the graph of one image.
  std::optional<int64_t> batch = options.batch;
  if (options.dynamicBatch)
    batch = 1;
  FailureOr<OwningOpRef<ModuleOp>> module = loadGraph(
      context, options, batch, /*exportWeights=*/true, sourceMgr, error);
  if (failed(module))
    return failure();
  FailureOr<bool> dynamic = compilesDynamicBatch(options, **module, error);
  if (failed(dynamic))
    return failure();
  if (*dynamic) {
    // The same model at batch 2 shows whether images are computed apart.
    // An ONNX model's symbolic batch that fails it is compiled as batch 1,
    // as se-compile did before it ran any batch; asked for, it is an error.
    FailureOr<OwningOpRef<ModuleOp>> twin =
        loadGraph(context, options, /*batch=*/2, /*exportWeights=*/false,
                  sourceMgr, error);
    if (succeeded(twin) &&
        succeeded(verifyImagesIndependent(getEntryPoint(**module),
                                          getEntryPoint(**twin), error)))
      (**module)->setAttr(kDynamicBatchAttrName, UnitAttr::get(context));
    else if (options.dynamicBatch) {
      error = (isONNXInput(options) ? options.inputPath + ": " : "") +
              "batch=dynamic: " + error;
      return failure();
    }
    error.clear();
  }
  if (failed(nameEntryPoint(**module, options, outputPath, error)))
    return failure();
  return std::move(*module);
}

//===----------------------------------------------------------------------===//
// Graph preparation and compilation
//===----------------------------------------------------------------------===//

static LogicalResult
runPasses(ModuleOp module,
          function_ref<LogicalResult(PassManager &)> configurePassManager,
          function_ref<LogicalResult(PassManager &)> addPasses) {
  PassManager pm(module.getContext());
  if (configurePassManager && failed(configurePassManager(pm)))
    return failure();
  if (failed(addPasses(pm)))
    return failure();
  return pm.run(module);
}

LogicalResult mlir::se::prepareGraph(
    ModuleOp module, const CompilerOptions &options,
    function_ref<LogicalResult(PassManager &)> configurePassManager) {
  return runPasses(module, configurePassManager, [&](PassManager &pm) {
    addGraphPreparationPasses(pm, options.raiseSE);
    return success();
  });
}

/// Writes a shared object: the object file goes to a temporary file, ld.lld
/// links it, and the result is copied to `os`.
static LogicalResult emitShared(llvm::Module &llvmModule,
                                llvm::TargetMachine &machine, StringRef entry,
                                StringRef signature, bool cudaRuntime,
                                llvm::raw_pwrite_stream &os, Location loc) {
  std::string error;
  if (failed(addModelMetadata(llvmModule, entry, signature, error)))
    return emitError(loc) << error;
  SmallString<128> objectPath, sharedPath;
  if (llvm::sys::fs::createTemporaryFile("se-model", "o", objectPath) ||
      llvm::sys::fs::createTemporaryFile("se-model", "so", sharedPath))
    return emitError(loc) << "cannot create temporary files";
  llvm::FileRemover removeObject(objectPath), removeShared(sharedPath);
  {
    std::error_code ec;
    llvm::raw_fd_ostream object(objectPath, ec);
    if (ec)
      return emitError(loc)
             << "cannot write " << objectPath << ": " << ec.message();
    if (failed(emitMachineCode(llvmModule, machine, /*asmFile=*/false, object,
                               error)))
      return emitError(loc) << error;
  }
  bool openMP = llvmModule.getFunction("__kmpc_fork_call") != nullptr;
  if (failed(
          linkSharedObject(objectPath, sharedPath, openMP, cudaRuntime, error)))
    return emitError(loc) << error;
  auto shared = llvm::MemoryBuffer::getFile(sharedPath);
  if (!shared)
    return emitError(loc) << "cannot read the linked shared object";
  os << (*shared)->getBuffer();
  return success();
}

/// The pipeline must leave only the LLVM and OpenMP dialects (and the GPU
/// binary with its launches); anything else is a compiler bug, reported at
/// the op's source location instead of as a translation failure.
static LogicalResult checkFullyLowered(ModuleOp module) {
  WalkResult result = module.walk([](Operation *op) {
    StringRef dialect = op->getName().getDialectNamespace();
    if (isa<ModuleOp, gpu::BinaryOp, gpu::LaunchFuncOp>(op) ||
        dialect == "llvm" || dialect == "omp")
      return WalkResult::advance();
    op->emitError() << "internal error: '" << op->getName()
                    << "' was not lowered to LLVM";
    return WalkResult::interrupt();
  });
  return failure(result.wasInterrupted());
}

/// Writes the blob that se-externalize-weights left on the module to
/// `path` and drops it from the module.
static LogicalResult writeExternalWeights(ModuleOp module, StringRef path) {
  auto layoutAttr = module->getAttrOfType<ArrayAttr>("se.weights_layout");
  auto dataAttr =
      module->getAttrOfType<DenseResourceElementsAttr>("se.weights_data");
  if (!layoutAttr || !dataAttr)
    return emitError(module.getLoc())
           << "the pipeline left no external weights to write";
  if (path.empty())
    return emitError(module.getLoc())
           << "external weights need a weights file path";
  WeightsLayout layout;
  for (auto entry : layoutAttr.getAsRange<DictionaryAttr>())
    layout.add(entry.getAs<StringAttr>("name").getValue(),
               entry.getAs<DenseI64ArrayAttr>("shape").asArrayRef());
  AsmResourceBlob *blob = dataAttr.getRawHandle().getBlob();
  if (!blob || blob->getData().size() != layout.dataBytes())
    return emitError(module.getLoc())
           << "the external weights do not match their layout";
  std::error_code ec;
  llvm::ToolOutputFile file(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return emitError(module.getLoc())
           << "cannot write weights file '" << path << "': " << ec.message();
  writeWeightsFile(layout, blob->getData(), /*bindToLayout=*/true, file.os());
  file.keep();
  module->removeAttr("se.weights_layout");
  module->removeAttr("se.weights_data");
  return success();
}

/// Writes the PTX of every kernel binary (compiled with format `isa`).
static LogicalResult writePTX(ModuleOp module, llvm::raw_ostream &os) {
  bool any = false;
  for (auto binary : module.getOps<gpu::BinaryOp>())
    for (Attribute attr : binary.getObjects()) {
      auto object = cast<gpu::ObjectAttr>(attr);
      if (object.getFormat() != gpu::CompilationTarget::Assembly)
        return emitError(binary.getLoc()) << "kernels are not PTX";
      os << "// gpu.binary @" << binary.getSymName() << " for "
         << object.getTarget() << "\n"
         << object.getObject().getValue();
      any = true;
    }
  if (!any)
    os << "// no GPU kernels\n";
  return success();
}

static void printModule(ModuleOp module, const CompilerOptions &options,
                        llvm::raw_ostream &os) {
  OpPrintingFlags flags;
  if (!options.printFullConstants)
    flags.elideLargeResourceString().elideLargeElementsAttrs();
  module.print(os, flags);
}

LogicalResult mlir::se::compile(
    ModuleOp module, const CompilerOptions &options,
    llvm::raw_pwrite_stream &os, StringRef weightsPath,
    function_ref<LogicalResult(PassManager &)> configurePassManager) {
  std::string error;
  CPUPipelineOptions pipeline;
  getCPUPipelineOptions(options, pipeline, module);
  FailureOr<ResolvedTarget> target = resolveTarget(pipeline, error);
  if (failed(target))
    return emitError(module.getLoc()) << error;

  // Code needs something to run; a model's C API and se-run need tensors
  // they can pass.
  if (options.emit != EmitKind::MLIR && options.emit != EmitKind::Linalg) {
    func::FuncOp entry = getEntryPoint(module);
    if (!entry)
      return emitError(module.getLoc())
             << "the input has no public function with a body to compile";
    bool modelABI = options.emit == EmitKind::Object ||
                    options.emit == EmitKind::Header ||
                    options.emit == EmitKind::Shared;
    if (modelABI && failed(verifyModelSignature(entry)))
      return failure();
  }

  switch (options.emit) {
  case EmitKind::Header:
    return writeCHeader(getEntryPoint(module), getModelABI(options, module),
                        os);
  case EmitKind::MLIR:
    printModule(module, options, os);
    return success();
  case EmitKind::Linalg:
    if (failed(runPasses(module, configurePassManager, [&](PassManager &pm) {
          addGraphToLinalgPasses(pm);
          pm.addPass(createCanonicalizerPass());
          return success();
        })))
      return failure();
    printModule(module, options, os);
    return success();
  default:
    break;
  }

  // se-run reads the graph-level signature from the shared object.
  std::string entryName, signature;
  if (options.emit == EmitKind::Shared) {
    func::FuncOp entry = getEntryPoint(module);
    entryName = entry.getName().str();
    llvm::raw_string_ostream text(signature);
    auto list = [&](TypeRange types) {
      llvm::interleave(
          types, text,
          [&](Type type) {
            llvm::interleave(cast<ShapedType>(type).getShape(), text, "x");
          },
          ",");
    };
    text << "inputs=";
    list(entry.getArgumentTypes());
    text << ";outputs=";
    list(entry.getResultTypes());
  }

  bool emulator = options.target == CompileTarget::CUDAEmulator;
  bool cuda = options.target == CompileTarget::CUDA || emulator;
  GPUPipelineOptions gpu;
  getGPUPipelineOptions(options, gpu);
  if (cuda && !emulator && gpu.format != "isa") {
    // Kernels become cubin through ptxas, with libdevice for math.
    std::string toolkit = getCUDAToolkitPath(gpu.cudaPath);
    SmallString<128> ptxas(toolkit), libdevice(toolkit);
    llvm::sys::path::append(ptxas, "bin", "ptxas");
    llvm::sys::path::append(libdevice, "nvvm", "libdevice");
    if (!llvm::sys::fs::can_execute(ptxas) ||
        !llvm::sys::fs::is_directory(libdevice))
      return emitError(module.getLoc())
             << "compiling GPU kernels needs the CUDA toolkit (ptxas and "
                "libdevice), not found in '"
             << toolkit
             << "'; set cuda-path or CUDA_HOME (emit=ptx needs no "
                "toolkit)";
  }
  if (failed(runPasses(
          module, configurePassManager, [&](PassManager &pm) -> LogicalResult {
            LogicalResult built = success();
            if (cuda) {
              built = buildSEGPUCodegenPipeline(pm, gpu, error);
            } else {
              built = buildSECPUCodegenPipeline(pm, pipeline, error);
            }
            if (failed(built))
              return emitError(module.getLoc()) << error;
            return success();
          })))
    return failure();
  if (options.emit == EmitKind::PTX)
    return writePTX(module, os);
  if (options.emit == EmitKind::LLVMDialect) {
    printModule(module, options, os);
    return success();
  }
  if (failed(checkFullyLowered(module)))
    return failure();
  if (options.weights == WeightsPlacement::External &&
      failed(writeExternalWeights(module, weightsPath)))
    return failure();

  FailureOr<std::unique_ptr<llvm::TargetMachine>> machine =
      createTargetMachine(*target, error);
  if (failed(machine))
    return emitError(module.getLoc()) << error;
  llvm::LLVMContext context;
  FailureOr<std::unique_ptr<llvm::Module>> llvmModule =
      translateAndOptimize(module, context, **machine);
  if (failed(llvmModule))
    return failure();
  if (options.emit == EmitKind::LLVMIR) {
    (*llvmModule)->print(os, nullptr);
    return success();
  }
  if (options.emit == EmitKind::Shared)
    return emitShared(**llvmModule, **machine, entryName, signature,
                      cuda && !emulator, os, module.getLoc());
  if (failed(emitMachineCode(**llvmModule, **machine,
                             options.emit == EmitKind::Asm, os, error)))
    return emitError(module.getLoc()) << error;
  return success();
}

//===----------------------------------------------------------------------===//
// The whole model
//===----------------------------------------------------------------------===//

/// `outputPath` with `extension` in place of its own.
static std::string besideOutput(StringRef outputPath, StringRef extension) {
  SmallString<256> path(outputPath);
  llvm::sys::path::replace_extension(path, extension);
  return path.str().str();
}

LogicalResult mlir::se::compileModel(
    MLIRContext *context, const CompilerOptions &options,
    llvm::raw_ostream &report, std::string &error,
    function_ref<LogicalResult(PassManager &)> configurePassManager) {
  if (failed(verifyCompilerOptions(options, error)))
    return failure();
  std::string outputPath = options.outputPath.empty()
                               ? getDefaultOutputPath(options)
                               : options.outputPath;
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, context);
  FailureOr<OwningOpRef<ModuleOp>> module =
      loadModel(context, options, outputPath, sourceMgr, error);
  if (failed(module) ||
      failed(prepareGraph(**module, options, configurePassManager)))
    return failure();
  if (options.quantization.int8 &&
      failed(quantizeGraph(**module, options, error)))
    return failure();
  if (options.stats) {
    printCostReport(computeCostReport(**module), report);
    printQuantizationReport(**module, options, report);
  }

  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(outputPath, &error);
  if (!output)
    return failure();
  // The C header describes the graph-level entry point: written before
  // lowering rewrites the signature.
  std::string header;
  bool writesHeader =
      options.emit == EmitKind::Object && isRegularOutput(outputPath);
  if (writesHeader) {
    func::FuncOp entry = getEntryPoint(**module);
    llvm::raw_string_ostream headerStream(header);
    if (entry && failed(writeCHeader(entry, getModelABI(options, **module),
                                     headerStream)))
      return failure();
  }
  std::string weightsPath = options.weights == WeightsPlacement::External
                                ? besideOutput(outputPath, ".weights")
                                : std::string();
  if (failed(compile(**module, options, output->os(), weightsPath,
                     configurePassManager)))
    return failure();
  if (!header.empty()) {
    std::unique_ptr<llvm::ToolOutputFile> headerFile =
        openOutputFile(besideOutput(outputPath, ".h"), &error);
    if (!headerFile)
      return failure();
    headerFile->os() << header;
    headerFile->keep();
  }
  output->keep();
  return success();
}
