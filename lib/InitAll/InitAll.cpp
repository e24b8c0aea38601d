//===- InitAll.cpp - register every se dialect, pass and pipeline ---------===//

#include "se/InitAll.h"

#include "se/Codegen/CPU/Passes.h"
#include "se/Codegen/Common/Passes.h"
#include "se/Codegen/GPU/Passes.h"
#include "se/Conversion/Passes.h"
#include "se/Dialect/SE/IR/SEDialect.h"
#include "se/Dialect/SE/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

void mlir::se::registerAllDialects(DialectRegistry &registry) {
  registry.insert<SEDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
}

void mlir::se::registerAllPasses() {
  registerSEConversionPasses();
  registerSETransformsPasses();
  registerSECommonPasses();
  registerSEGraphPreparationPipeline();
  registerSECPUPasses();
  registerSECPUPipeline();
  registerSEGPUPasses();
  registerSEGPUPipeline();
}
