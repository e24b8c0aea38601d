//===- PrivatizeThreadAllocas.cpp - per-thread stack buffers --------------===//

#include "se/Codegen/CPU/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::se {
#define GEN_PASS_DEF_SECPUPRIVATIZETHREADALLOCAS
#include "se/Codegen/CPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

namespace {
struct PrivatizeThreadAllocasPass
    : se::impl::SECPUPrivatizeThreadAllocasBase<PrivatizeThreadAllocasPass> {
  void runOnOperation() override {
    SmallVector<memref::AllocaScopeOp> scopes;
    getOperation().walk([&](memref::AllocaScopeOp scope) {
      if (scope->getParentOfType<omp::LoopNestOp>() &&
          scope.getNumResults() == 0)
        scopes.push_back(scope);
    });
    IRRewriter rewriter(&getContext());
    for (memref::AllocaScopeOp scope : scopes) {
      auto parallel = scope->getParentOfType<omp::ParallelOp>();
      if (!parallel)
        continue;
      Block &threadEntry = parallel.getRegion().front();
      bool allStatic = true;
      scope.walk([&](memref::AllocaOp alloca) {
        if (alloca->getParentOfType<memref::AllocaScopeOp>() != scope)
          return;
        if (!alloca.getType().hasStaticShape() ||
            !alloca.getOperands().empty()) {
          allStatic = false;
          return;
        }
        rewriter.moveOpBefore(alloca, &threadEntry, threadEntry.begin());
      });
      if (!allStatic || !scope.getBodyRegion().hasOneBlock())
        continue;
      Block &body = scope.getBodyRegion().front();
      rewriter.eraseOp(body.getTerminator());
      rewriter.inlineBlockBefore(&body, scope);
      rewriter.eraseOp(scope);
    }
  }
};
} // namespace
