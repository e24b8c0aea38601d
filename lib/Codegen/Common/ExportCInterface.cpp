//===- ExportCInterface.cpp - export functions via the C interface --------===//

#include "se/Codegen/Common/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::se {
#define GEN_PASS_DEF_SEEXPORTCINTERFACE
#include "se/Codegen/Common/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

namespace {
struct ExportCInterfacePass
    : se::impl::SEExportCInterfaceBase<ExportCInterfacePass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal())
        func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                      UnitAttr::get(&getContext()));
  }
};
} // namespace
