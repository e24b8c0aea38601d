//===- AlignWorkgroupMemory.cpp - shared memory aligned for vectors -------===//

#include "se/Codegen/GPU/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::se {
#define GEN_PASS_DEF_SEGPUALIGNWORKGROUPMEMORY
#include "se/Codegen/GPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

namespace {
struct AlignWorkgroupMemoryPass
    : se::impl::SEGPUAlignWorkgroupMemoryBase<AlignWorkgroupMemoryPass> {
  using Base::Base;

  void runOnOperation() override {
    auto alignName =
        StringAttr::get(&getContext(), LLVM::LLVMDialect::getAlignAttrName());
    auto alignValue =
        IntegerAttr::get(IntegerType::get(&getContext(), 64), alignment);
    getOperation().walk([&](gpu::GPUFuncOp func) {
      for (unsigned i = 0, e = func.getNumWorkgroupAttributions(); i < e; ++i)
        if (!func.getWorkgroupAttributionAttr(i, alignName))
          func.setWorkgroupAttributionAttr(i, alignName, alignValue);
    });
  }
};
} // namespace
