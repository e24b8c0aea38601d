//===- SetOccupancy.cpp - register budgets for several blocks per SM ------===//

#include "se/Codegen/GPU/Passes.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

namespace mlir::se {
#define GEN_PASS_DEF_SEGPUSETOCCUPANCY
#include "se/Codegen/GPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

namespace {
struct SetOccupancyPass : se::impl::SEGPUSetOccupancyBase<SetOccupancyPass> {
  using Base::Base;

  void runOnOperation() override {
    if (minBlocks <= 0)
      return;
    auto name = StringAttr::get(&getContext(),
                                NVVM::NVVMDialect::getMinctasmAttrName());
    auto value =
        IntegerAttr::get(IntegerType::get(&getContext(), 32), minBlocks);
    getOperation().walk([&](gpu::GPUFuncOp func) {
      if (func.isKernel() && !func->hasAttr(name))
        func->setAttr(name, value);
    });
  }
};
} // namespace
