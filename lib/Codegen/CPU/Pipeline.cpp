//===- Pipeline.cpp - se-cpu-pipeline: se/linalg to the LLVM dialect ------===//

#include "se/Codegen/CPU/Passes.h"
#include "se/Conversion/Passes.h"
#include "se/Dialect/SE/Transforms/Passes.h"
#include "se/Runtime/Threads.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/TosaToArith/TosaToArith.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Conversion/TosaToTensor/TosaToTensor.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;
using namespace mlir::se;

static std::string hostFeatures() {
  std::string features;
  for (const auto &feature : llvm::sys::getHostCPUFeatures()) {
    if (!features.empty())
      features += ',';
    features += (feature.second ? "+" : "-") + feature.first().str();
  }
  return features;
}

/// The CPU that stands for the host when `SE_HOST_CPU` is set (to run the
/// suite as an AVX2-only host would on an AVX-512 one), with that CPU's own
/// features; otherwise the host's name and features.
static FailureOr<std::pair<std::string, std::string>>
hostTarget(const llvm::Target &llvmTarget, const llvm::Triple &triple,
           std::string &error) {
  std::optional<std::string> stand = llvm::sys::Process::GetEnv("SE_HOST_CPU");
  if (!stand || stand->empty())
    return std::make_pair(llvm::sys::getHostCPUName().str(), hostFeatures());
  std::unique_ptr<llvm::MCSubtargetInfo> generic(
      llvmTarget.createMCSubtargetInfo(triple, "", ""));
  if (!generic->isCPUStringValid(*stand)) {
    error = "SE_HOST_CPU names an unknown CPU '" + *stand + "'";
    return failure();
  }
  // The stand-in must not need a feature the host lacks: its code would die
  // of an illegal instruction.
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget(
      llvmTarget.createMCSubtargetInfo(triple, *stand, ""));
  auto isFeature = [&](StringRef name) {
    return llvm::any_of(
        generic->getAllProcessorFeatures(),
        [&](const llvm::SubtargetFeatureKV &kv) { return name == kv.Key; });
  };
  for (const auto &feature : llvm::sys::getHostCPUFeatures())
    if (!feature.second && isFeature(feature.first()) &&
        subtarget->checkFeatures("+" + feature.first().str())) {
      error = "SE_HOST_CPU='" + *stand + "' needs '" + feature.first().str() +
              "', which this host lacks";
      return failure();
    }
  return std::make_pair(*stand, std::string());
}

FailureOr<ResolvedTarget>
mlir::se::resolveTarget(const CPUPipelineOptions &options, std::string &error) {
  llvm::InitializeAllTargetInfos();
  llvm::InitializeAllTargetMCs();

  ResolvedTarget target;
  llvm::Triple hostTriple(llvm::sys::getDefaultTargetTriple());
  target.triple =
      options.triple.empty() ? hostTriple.str() : options.triple.getValue();
  llvm::Triple triple(target.triple);
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return failure();
  target.cpu = options.cpu;
  target.features = options.features;
  if (target.cpu == "host") {
    // The host CPU means nothing for another architecture: compile for the
    // generic CPU of that one, as clang does without -mcpu.
    if (triple.getArch() != hostTriple.getArch()) {
      target.cpu = "generic";
    } else {
      FailureOr<std::pair<std::string, std::string>> host =
          hostTarget(*llvmTarget, triple, error);
      if (failed(host))
        return failure();
      target.cpu = host->first;
      if (!host->second.empty())
        target.features = target.features.empty()
                              ? host->second
                              : host->second + "," + target.features;
    }
  }

  // Validate the CPU on a generic subtarget first: creating one for an
  // unknown CPU prints a warning of LLVM's own.
  std::unique_ptr<llvm::MCSubtargetInfo> generic(
      llvmTarget->createMCSubtargetInfo(triple, "", ""));
  if (!generic || (!target.cpu.empty() && target.cpu != "generic" &&
                   !generic->isCPUStringValid(target.cpu))) {
    error =
        "unknown CPU '" + target.cpu + "' for target '" + target.triple + "'";
    return failure();
  }
  SmallVector<StringRef> requested;
  StringRef(options.features.getValue()).split(requested, ',', -1, false);
  for (StringRef feature : requested) {
    StringRef name = feature.ltrim("+-");
    bool known = (feature.starts_with("+") || feature.starts_with("-")) &&
                 llvm::any_of(generic->getAllProcessorFeatures(),
                              [&](const llvm::SubtargetFeatureKV &kv) {
                                return name == kv.Key;
                              });
    if (!known) {
      error = "unknown target feature '" + feature.str() + "' for target '" +
              target.triple + "' (expected +name or -name)";
      return failure();
    }
  }
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget(
      llvmTarget->createMCSubtargetInfo(triple, target.cpu, target.features));
  // LLVM aborts on x86-64 code for a CPU without 64-bit mode, or without
  // the SSE registers that pass floats.
  if (triple.getArch() == llvm::Triple::x86_64)
    for (StringRef needed : {"64bit", "sse2"})
      if (!subtarget->checkFeatures(("+" + needed).str())) {
        error =
            "CPU '" + target.cpu + "'" +
            (options.features.empty() ? "" : " with the requested features") +
            " cannot run x86-64 code: it lacks '" + needed.str() + "'";
        return failure();
      }
  if (triple.isX86()) {
    if (subtarget->checkFeatures("+avx512f"))
      target.vectorWidth = 16;
    else if (subtarget->checkFeatures("+avx"))
      target.vectorWidth = 8;
  }
  return target;
}

void mlir::se::addGraphToLinalgPasses(OpPassManager &pm, bool raiseSE) {
  pm.addNestedPass<func::FuncOp>(createSECheckSupportedOps());
  pm.addNestedPass<func::FuncOp>(createSEActivationLayout());
  if (raiseSE)
    pm.addNestedPass<func::FuncOp>(createSERaiseSqueezeExcite());
  pm.addNestedPass<func::FuncOp>(createSEFoldBatchNorm());
  pm.addPass(createConvertSEToLinalg());
  tosa::addTosaToLinalgPasses(pm, TosaToLinalgOptions(),
                              TosaToLinalgNamedOptions());
  pm.addNestedPass<func::FuncOp>(createTosaToArithPass());
  pm.addNestedPass<func::FuncOp>(createTosaToTensorPass());
}

void mlir::se::addBufferizationPasses(OpPassManager &pm) {
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // Tiles written in place leave copies of a subview onto itself and loops
  // that carry one buffer unchanged: CSE makes the two subviews one value,
  // canonicalization drops the copies and forwards the buffer. Only then is
  // a returned buffer visibly an allocation that the out-parameter replaces.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createSECPUAllocateReturnedShapes());
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  pm.addPass(createCanonicalizerPass());
}

void mlir::se::addLoopsToLLVMPasses(OpPassManager &pm, bool openMP) {
  VectorTransferToSCFOptions transfers;
  transfers.enableFullUnroll(true);
  pm.addNestedPass<func::FuncOp>(createConvertVectorToSCFPass(transfers));
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  ConvertVectorToLLVMPassOptions vectorToLLVM;
  vectorToLLVM.reassociateFPReductions = true;
  pm.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  if (openMP)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

LogicalResult mlir::se::buildSECPUPipeline(OpPassManager &pm,
                                           const CPUPipelineOptions &options,
                                           std::string &error) {
  FailureOr<ResolvedTarget> target = resolveTarget(options, error);
  if (failed(target))
    return failure();
  if (options.threads < 1 || options.threads > SE_MAX_THREADS) {
    error = "threads must be 1 to " + std::to_string(SE_MAX_THREADS) +
            ", got " + std::to_string(options.threads);
    return failure();
  }
  int64_t vectorWidth = target->vectorWidth;

  // Graph level to tiled vector code on tensors.
  addGraphToLinalgPasses(pm, options.raiseSE);
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createSECPUPackConvWeights());
  if (options.fuseSE) {
    if (options.fuseScaleIntoReaders)
      pm.addNestedPass<func::FuncOp>(createSECPUFuseScaleIntoConsumers());
    pm.addNestedPass<func::FuncOp>(createSECPUFuseSqueezeIntoProducer());
  }
  if (options.convMicrokernels) {
    SECPUConvMicrokernelsOptions microkernels;
    microkernels.vectorWidth = vectorWidth;
    microkernels.winograd = options.winograd;
    pm.addNestedPass<func::FuncOp>(createSECPUConvMicrokernels(microkernels));
  }
  SECPUTileAndVectorizeOptions tiling;
  tiling.vectorWidth = vectorWidth;
  tiling.tileSizes = llvm::to_vector(options.tileSizes);
  pm.addNestedPass<func::FuncOp>(createSECPUTileAndVectorize(tiling));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  // Bufferize once: results become out-parameters, small temporaries live
  // on the stack, nothing large is allocated per call.
  addBufferizationPasses(pm);
  // Before any buffer hoisting: temporaries allocated inside a parallel tile
  // must stay private to the thread that runs the tile, and allocations are
  // never hoisted out of scf.parallel.
  if (options.threads > 1)
    pm.addNestedPass<func::FuncOp>(createSECPUParallelizeTileLoops());
  pm.addNestedPass<func::FuncOp>(bufferization::createBufferHoistingPass());
  pm.addNestedPass<func::FuncOp>(bufferization::createBufferLoopHoistingPass());
  if (options.workspace)
    pm.addPass(createSECPUPlanWorkspace());
  if (options.externalWeights)
    pm.addPass(createSECPUExternalizeWeights());
  bufferization::PromoteBuffersToStackPassOptions stack;
  stack.maxAllocSizeInBytes = 64 * 1024;
  stack.maxRankOfAllocatedMemRef = 2;
  pm.addNestedPass<func::FuncOp>(
      bufferization::createPromoteBuffersToStackPass(stack));
  bufferization::buildBufferDeallocationPipeline(pm);

  // Vectors and loops to the LLVM dialect.
  pm.addPass(createSEExportCInterface());
  pm.addNestedPass<func::FuncOp>(createSECPUPrefetchFilters());
  SECPUExpandStridedCopiesOptions copies;
  copies.threads = options.threads;
  pm.addNestedPass<func::FuncOp>(createSECPUExpandStridedCopies(copies));
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addNestedPass<func::FuncOp>(createSECPULowerVectors());
  // Every access is a load, store or transfer now, and the loops still
  // carry the SE tags (OpenMP's loops do not).
  if (options.trafficReport)
    pm.addNestedPass<func::FuncOp>(createSECPUTrafficReport());
  if (options.threads > 1) {
    ConvertSCFToOpenMPPassOptions openMP;
    openMP.numThreads = options.threads;
    pm.addPass(createConvertSCFToOpenMPPass(openMP));
    pm.addNestedPass<func::FuncOp>(createSECPUPrivatizeThreadAllocas());
    pm.addPass(createSECPURuntimeThreadCount());
  }
  addLoopsToLLVMPasses(pm, /*openMP=*/options.threads > 1);
  return success();
}

void mlir::se::registerSECPUPipeline() {
  // Registered by hand rather than with PassPipelineRegistration so that an
  // unknown CPU or triple in the options is reported, not ignored.
  registerPassPipeline(
      "se-cpu-pipeline",
      "Lower se, linalg, tensor and arith ops on tensors to the LLVM "
      "dialect: tiled, fused and vectorized CPU code",
      [](OpPassManager &pm, StringRef text,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        CPUPipelineOptions options;
        if (failed(options.parseFromString(text)))
          return failure();
        std::string error;
        if (failed(buildSECPUPipeline(pm, options, error)))
          return errorHandler("se-cpu-pipeline: " + error);
        return success();
      },
      [](function_ref<void(const detail::PassOptions &)> optionsHandler) {
        optionsHandler(CPUPipelineOptions());
      });
}
