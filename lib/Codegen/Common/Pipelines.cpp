//===- Pipelines.cpp - pass-manager builders shared by the targets --------===//

#include "se/Codegen/Common/Passes.h"

#include "se/Conversion/Passes.h"
#include "se/Dialect/SE/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/TosaToArith/TosaToArith.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Conversion/TosaToTensor/TosaToTensor.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::se;

void mlir::se::addGraphPreparationPasses(OpPassManager &pm, bool raiseSE) {
  pm.addNestedPass<func::FuncOp>(createSECheckSupportedOps());
  pm.addNestedPass<func::FuncOp>(createSEActivationLayout());
  if (raiseSE)
    pm.addNestedPass<func::FuncOp>(createSERaiseSqueezeExcite());
  // Drop what raising left dead, and fold; constants stay where they are
  // (a graph that needs neither compiles as it was built).
  GreedyRewriteConfig config;
  config.enableConstantCSE(false);
  pm.addPass(createCanonicalizerPass(config));
}

void mlir::se::addGraphToLinalgPasses(OpPassManager &pm) {
  pm.addNestedPass<func::FuncOp>(createSEFoldConstantDequantize());
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
  pm.addNestedPass<func::FuncOp>(createSEAllocateReturnedShapes());
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

void mlir::se::registerSEGraphPreparationPipeline() {
  PassPipelineRegistration<GraphPreparationOptions>(
      "se-graph-preparation",
      "The graph-level passes every target pipeline starts with: the "
      "supported-ops check, the activation layout, SE raising, "
      "canonicalization",
      [](OpPassManager &pm, const GraphPreparationOptions &options) {
        addGraphPreparationPasses(pm, options.raiseSE);
      });
}
