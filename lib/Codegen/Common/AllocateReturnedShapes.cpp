//===- AllocateReturnedShapes.cpp - allocate results in returned shape ----===//

#include "se/Codegen/Common/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::se {
#define GEN_PASS_DEF_SEALLOCATERETURNEDSHAPES
#include "se/Codegen/Common/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

namespace {
struct AllocateReturnedShapesPass
    : se::impl::SEAllocateReturnedShapesBase<AllocateReturnedShapesPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation().walk([&](func::ReturnOp ret) {
      for (Value result : ret.getOperands()) {
        auto expand = result.getDefiningOp<memref::ExpandShapeOp>();
        if (!expand || !expand.getResultType().hasStaticShape() ||
            !expand.getResultType().getLayout().isIdentity())
          continue;
        auto alloc = expand.getSrc().getDefiningOp<memref::AllocOp>();
        if (!alloc || !alloc.getType().getLayout().isIdentity())
          continue;
        rewriter.setInsertionPoint(alloc);
        auto expanded = memref::AllocOp::create(rewriter, alloc.getLoc(),
                                                expand.getResultType(),
                                                alloc.getAlignmentAttr());
        auto collapsed =
            memref::CollapseShapeOp::create(rewriter, alloc.getLoc(), expanded,
                                            expand.getReassociationIndices());
        rewriter.replaceAllUsesExcept(alloc, collapsed, {});
        rewriter.replaceOp(expand, expanded);
        rewriter.eraseOp(alloc);
      }
      copyRepeatedResults(rewriter, ret);
    });
  }

  /// Makes each repetition of a returned buffer a copy of it.
  static void copyRepeatedResults(IRRewriter &rewriter, func::ReturnOp ret) {
    llvm::SmallPtrSet<Value, 4> returned;
    rewriter.setInsertionPoint(ret);
    for (OpOperand &operand : ret->getOpOperands()) {
      Value result = operand.get();
      auto type = dyn_cast<MemRefType>(result.getType());
      if (!type || returned.insert(result).second)
        continue;
      auto copy = memref::AllocOp::create(
          rewriter, ret.getLoc(),
          MemRefType::get(type.getShape(), type.getElementType()));
      memref::CopyOp::create(rewriter, ret.getLoc(), result, copy);
      rewriter.modifyOpInPlace(ret, [&] { operand.set(copy); });
    }
  }
};
} // namespace
