//===- Compiler.cpp - the library behind se-compile -----------------------===//

#include "se/Compiler/Compiler.h"

#include "se/Conversion/Passes.h"
#include "se/Target/HeaderWriter.h"
#include "se/Target/LLVMEmitter.h"
#include "se/Utils/WeightsFile.h"

#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace mlir::se;

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

ModelABI mlir::se::getModelABI(const CompilerOptions &options) {
  ModelABI abi;
  if (options.target == CompileTarget::CUDA) {
    abi.cuda = true;
    abi.workspace = true;
    abi.externalWeights = options.gpu.externalWeights;
    return abi;
  }
  if (options.target == CompileTarget::CUDAEmulator) {
    abi.workspace = true;
    abi.externalWeights = true;
    return abi;
  }
  abi.workspace = options.pipeline.workspace;
  abi.threadCount = options.pipeline.threads > 1;
  abi.externalWeights = options.pipeline.externalWeights;
  return abi;
}

func::FuncOp mlir::se::getEntryPoint(ModuleOp module) {
  for (auto func : module.getOps<func::FuncOp>())
    if (func.isPublic() && !func.isExternal())
      return func;
  return nullptr;
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

/// Writes the blob that se-cpu-externalize-weights left on the module to
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
    llvm::raw_pwrite_stream &os,
    function_ref<LogicalResult(PassManager &)> configurePassManager) {
  std::string error;
  FailureOr<ResolvedTarget> target = resolveTarget(options.pipeline, error);
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
    return writeCHeader(getEntryPoint(module), getModelABI(options), os);
  case EmitKind::MLIR:
    if (failed(runPasses(module, configurePassManager, [](PassManager &pm) {
          pm.addPass(createCanonicalizerPass());
          return success();
        })))
      return failure();
    printModule(module, options, os);
    return success();
  case EmitKind::Linalg:
    if (failed(runPasses(module, configurePassManager, [&](PassManager &pm) {
          addGraphToLinalgPasses(pm, options.pipeline.raiseSE);
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
  if (options.emit == EmitKind::PTX && options.target != CompileTarget::CUDA)
    return emitError(module.getLoc()) << "--emit=ptx needs --target=cuda";
  if (emulator && !options.gpu.externalWeights)
    return emitError(module.getLoc())
           << "--target=cuda-emulator keeps the weights in a file: add "
              "--weights=external";
  if (cuda && !emulator && options.emit != EmitKind::PTX &&
      options.gpu.format != "isa") {
    // Kernels become cubin through ptxas, with libdevice for math.
    std::string toolkit = getCUDAToolkitPath(options.gpu.cudaPath);
    SmallString<128> ptxas(toolkit), libdevice(toolkit);
    llvm::sys::path::append(ptxas, "bin", "ptxas");
    llvm::sys::path::append(libdevice, "nvvm", "libdevice");
    if (!llvm::sys::fs::can_execute(ptxas) ||
        !llvm::sys::fs::is_directory(libdevice))
      return emitError(module.getLoc())
             << "compiling GPU kernels needs the CUDA toolkit (ptxas and "
                "libdevice), not found in '"
             << toolkit
             << "'; set --cuda-path or CUDA_HOME (--emit=ptx needs no "
                "toolkit)";
  }
  if (failed(runPasses(
          module, configurePassManager, [&](PassManager &pm) -> LogicalResult {
            LogicalResult built = success();
            if (cuda) {
              GPUPipelineOptions gpu;
              gpu.copyOptionValuesFrom(options.gpu);
              gpu.emulate = emulator;
              if (options.emit == EmitKind::PTX)
                gpu.format = "isa";
              built = buildSEGPUPipeline(pm, gpu, error);
            } else {
              built = buildSECPUPipeline(pm, options.pipeline, error);
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
  bool externalWeights =
      cuda ? options.gpu.externalWeights : options.pipeline.externalWeights;
  if (externalWeights &&
      failed(writeExternalWeights(module, options.weightsPath)))
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
