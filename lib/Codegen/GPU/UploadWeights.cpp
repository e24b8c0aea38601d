//===- UploadWeights.cpp - embedded weights copied to the device ----------===//

#include "se/Codegen/GPU/Passes.h"

#include "se/Codegen/Common/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

namespace mlir::se {
#define GEN_PASS_DEF_SEGPUUPLOADWEIGHTS
#include "se/Codegen/GPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

namespace {
struct UploadWeightsPass : se::impl::SEGPUUploadWeightsBase<UploadWeightsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto data =
        module->getAttrOfType<DenseResourceElementsAttr>("se.weights_data");
    if (!data) {
      module.emitError("no weights blob to embed (run "
                       "se-externalize-weights first)");
      return signalPassFailure();
    }
    OpBuilder b(&getContext());
    auto weightsType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());
    SmallVector<func::FuncOp> entries;
    for (auto func : module.getOps<func::FuncOp>())
      if (se::takesWeightsBlob(func))
        entries.push_back(func);

    Location loc = module.getLoc();
    b.setInsertionPointToStart(module.getBody());
    // No weights (all parameters are arguments): the upload does nothing.
    auto blobType = MemRefType::get(data.getType().getShape(), b.getI8Type());
    memref::GlobalOp blob;
    if (blobType.getNumElements() > 0)
      blob = memref::GlobalOp::create(
          b, loc, "se_weights_blob", b.getStringAttr("private"), blobType, data,
          /*constant=*/true, b.getI64IntegerAttr(64));
    for (func::FuncOp entry : entries) {
      b.setInsertionPointAfter(entry);
      auto upload = func::FuncOp::create(
          b, entry.getLoc(), (entry.getName() + "_weights_upload").str(),
          b.getFunctionType({weightsType}, {}));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToEnd(upload.addEntryBlock());
      if (blob) {
        Value source =
            memref::GetGlobalOp::create(b, loc, blobType, blob.getSymName());
        gpu::MemcpyOp::create(b, loc, TypeRange{}, ValueRange{},
                              upload.getArgument(0), source);
      }
      func::ReturnOp::create(b, loc);
    }
    module->removeAttr("se.weights_data");
    module->removeAttr("se.weights_layout");
  }
};
} // namespace
