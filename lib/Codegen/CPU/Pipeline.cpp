//===- Pipeline.cpp - se-cpu-pipeline: se/linalg to the LLVM dialect ------===//

#include "se/Codegen/CPU/Passes.h"
#include "se/Codegen/Common/Passes.h"
#include "se/Runtime/Threads.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::se;

FailureOr<ResolvedTarget>
mlir::se::resolveTarget(const CPUPipelineOptions &options, std::string &error) {
  return resolveTarget(options.triple, options.cpu, options.features, error);
}

StringRef
mlir::se::getIntegerConvolutionsBlocker(const CPUPipelineOptions &options,
                                        const ResolvedTarget &target) {
  if (!options.int8Kernels)
    return "int8-kernels=false";
  if (options.convCodegen == ConvCodegen::Tiled)
    return "conv-codegen=tiled";
  if (target.int8DotProduct == Int8DotProduct::None)
    return "no integer vectors at this CPU's width";
  return "";
}

bool mlir::se::runsIntegerConvolutions(const CPUPipelineOptions &options,
                                       const ResolvedTarget &target) {
  return getIntegerConvolutionsBlocker(options, target).empty();
}

LogicalResult
mlir::se::verifyCPUPipelineOptions(const CPUPipelineOptions &options,
                                   std::string &error) {
  if (failed(resolveTarget(options, error)))
    return failure();
  if (options.threads < 1 || options.threads > SE_MAX_THREADS) {
    error = "threads must be 1 to " + std::to_string(SE_MAX_THREADS) +
            ", got " + std::to_string(options.threads);
    return failure();
  }
  if (options.batchEntry && !options.workspace) {
    error = "batch-entry needs workspace (one workspace slot per thread)";
    return failure();
  }
  for (int64_t size : options.tileSizes)
    if (size < 0) {
      error = "tile-sizes entries must be non-negative, got " +
              std::to_string(size);
      return failure();
    }
  return success();
}

LogicalResult mlir::se::buildSECPUPipeline(OpPassManager &pm,
                                           const CPUPipelineOptions &options,
                                           std::string &error) {
  addGraphPreparationPasses(pm, options.raiseSE);
  return buildSECPUCodegenPipeline(pm, options, error);
}

LogicalResult mlir::se::buildSECPUCodegenPipeline(
    OpPassManager &pm, const CPUPipelineOptions &options, std::string &error) {
  if (failed(verifyCPUPipelineOptions(options, error)))
    return failure();
  ResolvedTarget target = *resolveTarget(options, error);
  int64_t vectorWidth = target.vectorWidth;

  // Graph level to tiled vector code on tensors.
  if (options.profile)
    pm.addPass(createSEAnnotateLayerCosts());
  if (runsIntegerConvolutions(options, target))
    pm.addNestedPass<func::FuncOp>(createSECPUIntegerConvolutions());
  addGraphToLinalgPasses(pm);
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createSEPackConvWeights());
  pm.addNestedPass<func::FuncOp>(createSECPUSimplifyDepthwise());
  // Activations spelled as several ops (SiLU, hard-swish) become one loop,
  // which the convolution before them then takes into its store.
  pm.addNestedPass<func::FuncOp>(createSEFuseElementwise());
  if (options.seFusion == SEFusion::On) {
    if (options.fuseScaleIntoConsumers)
      pm.addNestedPass<func::FuncOp>(createSECPUFuseScaleIntoConsumers());
    SECPUFuseSqueezeIntoProducerOptions squeeze;
    squeeze.vectorWidth = vectorWidth;
    squeeze.winograd = options.convCodegen == ConvCodegen::Winograd;
    pm.addNestedPass<func::FuncOp>(createSECPUFuseSqueezeIntoProducer(squeeze));
  }
  if (options.convCodegen != ConvCodegen::Tiled) {
    SECPUConvMicrokernelsOptions microkernels;
    microkernels.vectorWidth = vectorWidth;
    microkernels.winograd = options.convCodegen == ConvCodegen::Winograd;
    microkernels.int8DotProduct = target.int8DotProduct;
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
    pm.addPass(createSEPlanWorkspace());
  if (options.weights == WeightsPlacement::External)
    pm.addPass(createSEExternalizeWeights());
  bufferization::PromoteBuffersToStackPassOptions stack;
  stack.maxAllocSizeInBytes = 64 * 1024;
  stack.maxRankOfAllocatedMemRef = 2;
  pm.addNestedPass<func::FuncOp>(
      bufferization::createPromoteBuffersToStackPass(stack));
  bufferization::buildBufferDeallocationPipeline(pm);

  if (options.batchEntry) {
    SECPUBatchEntryOptions batch;
    batch.threads = options.threads;
    batch.atRunTime = options.threadsAtRunTime;
    pm.addPass(createSECPUBatchEntry(batch));
  }

  // Vectors and loops to the LLVM dialect.
  pm.addPass(createSEExportCInterface());
  pm.addNestedPass<func::FuncOp>(createSECPUPrefetchFilters());
  SECPUExpandStridedCopiesOptions copies;
  copies.threads = options.threads;
  pm.addNestedPass<func::FuncOp>(createSECPUExpandStridedCopies(copies));
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  SECPULowerVectorsOptions lowerVectors;
  lowerVectors.int8DotProduct = target.int8DotProduct;
  pm.addNestedPass<func::FuncOp>(createSECPULowerVectors(lowerVectors));
  // Every access is a load, store or transfer now, and the loops still
  // carry the SE tags (OpenMP's loops do not).
  if (options.trafficReport)
    pm.addNestedPass<func::FuncOp>(createSECPUTrafficReport());
  // Top-level loops are layers still (OpenMP regions would hide them).
  if (options.profile)
    pm.addPass(createSECPUInstrumentProfile());
  if (options.threads > 1) {
    ConvertSCFToOpenMPPassOptions openMP;
    openMP.numThreads = options.threads;
    pm.addPass(createConvertSCFToOpenMPPass(openMP));
    pm.addNestedPass<func::FuncOp>(createSECPUPrivatizeThreadAllocas());
    SECPURuntimeThreadCountOptions threadCount;
    threadCount.threads = options.threads;
    threadCount.atRunTime = options.threadsAtRunTime;
    pm.addPass(createSECPURuntimeThreadCount(threadCount));
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
