//===- LLVMEmitter.cpp - LLVM IR, assembly and object emission ------------===//

#include "se/Target/LLVMEmitter.h"

#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/Analysis/CGSCCPassManager.h"
#include "llvm/Analysis/LoopAnalysisManager.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalAlias.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
using namespace mlir::se;

FailureOr<std::unique_ptr<llvm::TargetMachine>>
mlir::se::createTargetMachine(const ResolvedTarget &target,
                              std::string &error) {
  llvm::InitializeAllTargets();
  llvm::InitializeAllTargetMCs();
  llvm::InitializeAllAsmPrinters();
  llvm::Triple triple(target.triple);
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return failure();
  llvm::TargetOptions targetOptions;
  std::unique_ptr<llvm::TargetMachine> machine(llvmTarget->createTargetMachine(
      triple, target.cpu, target.features, targetOptions, llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!machine) {
    error = "cannot create a target machine for '" + target.triple + "'";
    return failure();
  }
  return machine;
}

FailureOr<std::unique_ptr<llvm::Module>>
mlir::se::translateAndOptimize(ModuleOp module, llvm::LLVMContext &context,
                               llvm::TargetMachine &machine) {
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context);
  if (!llvmModule) {
    module.emitError("failed to translate the module to LLVM IR");
    return failure();
  }
  // A function with a C interface is called through it (`_mlir_ciface_F`).
  // Its own symbol is named after the model (`free` for `-o free.o`), so it
  // is made internal and renamed to a name no C identifier can take: an
  // internal `memcpy` left under its name would still receive the calls
  // the code generator emits for memory copies in the same object.
  for (llvm::Function &function : *llvmModule)
    if (!function.isDeclaration() && function.hasExternalLinkage() &&
        llvmModule->getFunction(("_mlir_ciface_" + function.getName()).str())) {
      function.setLinkage(llvm::GlobalValue::InternalLinkage);
      function.setName("se.entry." + function.getName());
    }
  llvmModule->setDataLayout(machine.createDataLayout());
  llvmModule->setTargetTriple(machine.getTargetTriple());

  llvm::LoopAnalysisManager loopAnalyses;
  llvm::FunctionAnalysisManager functionAnalyses;
  llvm::CGSCCAnalysisManager cgsccAnalyses;
  llvm::ModuleAnalysisManager moduleAnalyses;
  llvm::PassBuilder builder(&machine);
  builder.registerModuleAnalyses(moduleAnalyses);
  builder.registerCGSCCAnalyses(cgsccAnalyses);
  builder.registerFunctionAnalyses(functionAnalyses);
  builder.registerLoopAnalyses(loopAnalyses);
  builder.crossRegisterProxies(loopAnalyses, functionAnalyses, cgsccAnalyses,
                               moduleAnalyses);
  llvm::ModulePassManager passes =
      builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3);
  passes.run(*llvmModule, moduleAnalyses);
  return llvmModule;
}

LogicalResult mlir::se::emitMachineCode(llvm::Module &module,
                                        llvm::TargetMachine &machine,
                                        bool asmFile,
                                        llvm::raw_pwrite_stream &os,
                                        std::string &error) {
  llvm::legacy::PassManager codegen;
  auto fileType = asmFile ? llvm::CodeGenFileType::AssemblyFile
                          : llvm::CodeGenFileType::ObjectFile;
  if (machine.addPassesToEmitFile(codegen, os, nullptr, fileType)) {
    error = "the target cannot emit this file type";
    return failure();
  }
  codegen.run(module);
  return success();
}

LogicalResult mlir::se::addModelMetadata(llvm::Module &module, StringRef entry,
                                         StringRef signature,
                                         std::string &error) {
  llvm::Function *run = module.getFunction(("_mlir_ciface_" + entry).str());
  llvm::Function *workspace =
      module.getFunction(("_mlir_ciface_" + entry + "_workspace_bytes").str());
  if (!run || !workspace) {
    error = ("entry point '" + entry + "' has no C interface with a workspace")
                .str();
    return failure();
  }
  llvm::GlobalAlias::create("se_model_run", run);
  llvm::GlobalAlias::create("se_model_workspace_bytes", workspace);
  // Optional: the batch entry (any batch), the thread count of parallel
  // code, the external weights.
  if (llvm::Function *batch =
          module.getFunction(("_mlir_ciface_" + entry + "_batch").str()))
    llvm::GlobalAlias::create("se_model_run_batch", batch);
  if (llvm::GlobalVariable *threads =
          module.getGlobalVariable((entry + "_num_threads").str()))
    llvm::GlobalAlias::create("se_model_num_threads", threads);
  // se-compile --profile: the per-layer counters and their description.
  for (StringRef profile : {"_profile_ns", "_profile_layers"})
    if (llvm::GlobalVariable *global =
            module.getGlobalVariable((entry + profile).str()))
      llvm::GlobalAlias::create(("se_model" + profile).str(), global);
  for (StringRef query : {"_weights_bytes", "_weights_hash"})
    if (llvm::Function *function =
            module.getFunction(("_mlir_ciface_" + entry + query).str()))
      llvm::GlobalAlias::create(("se_model" + query).str(), function);
  // GPU code: tensors, workspace and weights in device memory; embedded
  // weights are copied there by the upload function.
  if (module.getFunction("mgpuLaunchKernel")) {
    llvm::Constant *target =
        llvm::ConstantDataArray::getString(module.getContext(), "cuda");
    new llvm::GlobalVariable(module, target->getType(), /*isConstant=*/true,
                             llvm::GlobalValue::ExternalLinkage, target,
                             "se_model_device");
    if (llvm::Function *upload = module.getFunction(
            ("_mlir_ciface_" + entry + "_weights_upload").str()))
      llvm::GlobalAlias::create("se_model_weights_upload", upload);
  }
  llvm::Constant *text =
      llvm::ConstantDataArray::getString(module.getContext(), signature);
  new llvm::GlobalVariable(module, text->getType(), /*isConstant=*/true,
                           llvm::GlobalValue::ExternalLinkage, text,
                           "se_model_signature");
  return success();
}

LogicalResult mlir::se::linkSharedObject(StringRef object, StringRef output,
                                         bool openMP, bool cudaRuntime,
                                         std::string &error) {
  llvm::ErrorOr<std::string> linker =
      llvm::sys::findProgramByName("ld.lld", {"/usr/lib/llvm-22/bin"});
  if (!linker)
    linker = llvm::sys::findProgramByName("ld.lld");
  if (!linker) {
    error = "cannot find ld.lld to link a shared object (install lld-22)";
    return failure();
  }
  SmallVector<StringRef> args = {*linker, "-shared", "-o", output, object};
  // Parallel code calls the OpenMP runtime: record libomp as a dependency.
  if (openMP)
    args.append(
        {"-L/usr/lib/llvm-22/lib", "-L/usr/lib/x86_64-linux-gnu", "-lomp"});
  std::string runtimeFlag, runPathFlag;
  if (cudaRuntime) {
    SmallString<256> dir(llvm::sys::path::parent_path(
        llvm::sys::path::parent_path(llvm::sys::fs::getMainExecutable(
            nullptr, reinterpret_cast<void *>(&linkSharedObject)))));
    llvm::sys::path::append(dir, "lib");
    SmallString<256> library(dir);
    llvm::sys::path::append(library, "libse_cuda_runtime.so");
    if (!llvm::sys::fs::exists(library)) {
      error =
          "cannot find " + library.str().str() + " to link GPU code against";
      return failure();
    }
    runtimeFlag = "-L" + dir.str().str();
    runPathFlag = "-rpath=" + dir.str().str();
    args.append({runtimeFlag, runPathFlag, "-lse_cuda_runtime"});
  }
  std::string message;
  int status = llvm::sys::ExecuteAndWait(*linker, args, std::nullopt, {}, 0, 0,
                                         &message);
  if (status != 0) {
    error = "ld.lld failed to link the shared object" +
            (message.empty() ? std::string() : ": " + message);
    return failure();
  }
  return success();
}
