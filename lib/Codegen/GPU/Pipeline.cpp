//===- Pipeline.cpp - se-gpu-pipeline: se/linalg to NVVM kernels ----------===//

#include "se/Codegen/GPU/Passes.h"

#include "se/Codegen/Common/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include <cstdlib>

using namespace mlir;
using namespace mlir::se;

FailureOr<std::string> mlir::se::getPTXFeatures(StringRef chip,
                                                std::string &error) {
  // The first PTX ISA version that knows each architecture (PTX ISA
  // manual, "Release notes").
  static const std::pair<int, StringRef> kFirstPTX[] = {
      {70, "+ptx60"},  {72, "+ptx61"}, {75, "+ptx63"}, {80, "+ptx70"},
      {86, "+ptx71"},  {87, "+ptx74"}, {89, "+ptx78"}, {90, "+ptx80"},
      {100, "+ptx86"}, {120, "+ptx87"}};
  int version = 0;
  StringRef digits = chip;
  if (!digits.consume_front("sm_") || digits.consumeInteger(10, version) ||
      !digits.empty()) {
    error = "unknown GPU architecture '" + chip.str() +
            "' (expected sm_XY, e.g. sm_90)";
    return failure();
  }
  for (auto [known, features] : kFirstPTX)
    if (known == version)
      return features.str();
  error = "unsupported GPU architecture '" + chip.str() +
          "' (supported: sm_70, sm_72, sm_75, sm_80, sm_86, sm_87, sm_89, "
          "sm_90, sm_100, sm_120)";
  return failure();
}

std::string mlir::se::getCUDAToolkitPath(StringRef path) {
  if (!path.empty())
    return path.str();
  for (const char *variable : {"CUDA_HOME", "CUDA_ROOT", "CUDA_PATH"})
    if (const char *value = std::getenv(variable); value && *value)
      return value;
  return "/usr/local/cuda";
}

LogicalResult
mlir::se::verifyGPUPipelineOptions(const GPUPipelineOptions &options,
                                   std::string &error) {
  if (failed(getPTXFeatures(options.gpuArch, error))) {
    error = "gpu-arch: " + error;
    return failure();
  }
  if (options.gpuSMCount < 1) {
    error = "gpu-sm-count must be at least 1, got " +
            std::to_string(options.gpuSMCount);
    return failure();
  }
  if (options.format != "bin" && options.format != "isa" &&
      options.format != "fatbin") {
    error = "format: unknown kernel format '" + options.format +
            "' (expected bin, isa or fatbin)";
    return failure();
  }
  return success();
}

LogicalResult mlir::se::buildSEGPUPipeline(OpPassManager &pm,
                                           const GPUPipelineOptions &options,
                                           std::string &error) {
  addGraphPreparationPasses(pm, options.raiseSE);
  return buildSEGPUCodegenPipeline(pm, options, error);
}

LogicalResult mlir::se::buildSEGPUCodegenPipeline(
    OpPassManager &pm, const GPUPipelineOptions &options, std::string &error) {
  if (failed(verifyGPUPipelineOptions(options, error)))
    return failure();
  std::string features = *getPTXFeatures(options.gpuArch, error);

  // Graph level to linalg on tensors; filters to HWCF so that neighbouring
  // threads (neighbouring output channels) read neighbouring weights.
  addGraphToLinalgPasses(pm);
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createSEPackConvWeights());
  SEFuseElementwiseOptions fusion;
  fusion.intoReductions = true;
  pm.addNestedPass<func::FuncOp>(createSEFuseElementwise(fusion));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addNestedPass<func::FuncOp>(createSEGPUPrepareSqueezeFusion());

  // Buffers: results become out-parameters, every intermediate a view of
  // one device workspace, every constant a view of one device weights blob.
  addBufferizationPasses(pm);
  pm.addPass(createSEPlanWorkspace(SEPlanWorkspaceOptions{0}));
  pm.addPass(createSEExternalizeWeights(SEExternalizeWeightsOptions{0}));
  if (options.weights == WeightsPlacement::Embedded && !options.emulate)
    pm.addPass(createSEGPUUploadWeights());
  pm.addPass(createSEExportCInterface());

  // One kernel per op, launched in order on one stream per call.
  SEGPUMapLinalgToKernelsOptions mapping;
  mapping.blockSize = options.blockSize;
  mapping.gpuSMCount = options.gpuSMCount;
  pm.addNestedPass<func::FuncOp>(createSEGPUMapLinalgToKernels(mapping));
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createCanonicalizerPass());
  if (options.emulate) {
    pm.addPass(createSEGPUEmulateOnCPU());
    addLoopsToLLVMPasses(pm, /*openMP=*/true);
    return success();
  }
  pm.addPass(createGpuKernelOutliningPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createSEGPUAlignWorkgroupMemory());
  pm.addNestedPass<gpu::GPUModuleOp>(createSEGPUSetOccupancy());
  pm.addNestedPass<func::FuncOp>(createGpuAsyncRegionPass());

  // Kernels to NVVM, host code to the LLVM dialect with mgpu* calls, and
  // the kernel module to one binary (the steps of upstream's
  // gpu-lower-to-nvvm-pipeline, with the CUDA toolkit's path passed on).
  pm.addPass(createConvertVectorToSCFPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertNVVMToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  GpuNVVMAttachTargetOptions target;
  target.chip = options.gpuArch;
  target.features = features;
  target.optLevel = 3;
  pm.addPass(createGpuNVVMAttachTarget(target));
  pm.addPass(createLowerAffinePass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  ConvertGpuOpsToNVVMOpsOptions toNVVM;
  toNVVM.indexBitwidth = 64;
  kernels.addPass(createConvertGpuOpsToNVVMOps(toNVVM));
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createGpuToLLVMConversionPass());
  GpuModuleToBinaryPassOptions binary;
  binary.toolkitPath = getCUDAToolkitPath(options.cudaPath);
  binary.compilationTarget = options.format;
  pm.addPass(createGpuModuleToBinaryPass(binary));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  return success();
}

void mlir::se::registerSEGPUPipeline() {
  registerPassPipeline(
      "se-gpu-pipeline",
      "Lower se, linalg, tensor and arith ops on tensors to the LLVM dialect "
      "with NVIDIA GPU kernels (one gpu.binary) and host code that launches "
      "them",
      [](OpPassManager &pm, StringRef text,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        GPUPipelineOptions options;
        if (failed(options.parseFromString(text)))
          return failure();
        std::string error;
        if (failed(buildSEGPUPipeline(pm, options, error)))
          return errorHandler("se-gpu-pipeline: " + error);
        return success();
      },
      [](function_ref<void(const detail::PassOptions &)> optionsHandler) {
        optionsHandler(GPUPipelineOptions());
      });
}
