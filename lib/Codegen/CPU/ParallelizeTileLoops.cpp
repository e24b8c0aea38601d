//===- ParallelizeTileLoops.cpp - parallel tile loops to scf.parallel -----===//

#include "se/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::se {
#define GEN_PASS_DEF_SECPUPARALLELIZETILELOOPS
#include "se/Codegen/CPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

/// Iterations of `loop`; nullopt unless its bounds and step are constants.
static std::optional<int64_t> tripCount(scf::ForOp loop) {
  std::optional<int64_t> lower = getConstantIntValue(loop.getLowerBound()),
                         upper = getConstantIntValue(loop.getUpperBound()),
                         step = getConstantIntValue(loop.getStep());
  if (!lower || !upper || !step || *step <= 0)
    return std::nullopt;
  return std::max<int64_t>(0, llvm::divideCeil(*upper - *lower, *step));
}

/// The work of one run of `op` in 8-lane vector operations: an op on or of
/// vectors, a linalg op or a copy count their elements over 8 (n-D vectors
/// are not lowered yet), a scalar access 1, anything else 0.
static int64_t vectorOperations(Operation *op) {
  constexpr int64_t kLanes = 8;
  auto elements = [](Value memref) -> int64_t {
    auto type = dyn_cast<MemRefType>(memref.getType());
    return type && type.hasStaticShape() ? type.getNumElements()
                                         : int64_t(1) << 20;
  };
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    int64_t iterations = 1;
    for (int64_t range : linalgOp.getStaticLoopRanges())
      iterations *= ShapedType::isDynamic(range) ? 1 << 10 : range;
    return llvm::divideCeil(iterations, kLanes);
  }
  if (auto copy = dyn_cast<memref::CopyOp>(op))
    return llvm::divideCeil(elements(copy.getTarget()), kLanes);
  int64_t vectorElements = 0;
  for (TypeRange types : {TypeRange(op->getResultTypes()),
                          TypeRange(op->getOperandTypes())})
    for (Type type : types)
      if (auto vector = dyn_cast<VectorType>(type))
        vectorElements = std::max(vectorElements, vector.getNumElements());
  if (vectorElements > 0)
    return llvm::divideCeil(vectorElements, kLanes);
  return isa<memref::LoadOp, memref::StoreOp>(op) ? 1 : 0;
}

/// The vector operations one run of `loop` executes: each op's, times the
/// iterations of the loops around it. Loops without constant bounds count
/// as large.
static int64_t estimateVectorWork(scf::ForOp loop) {
  constexpr int64_t kUnknownTrips = 1 << 20;
  int64_t work = 0;
  loop->walk([&](Operation *op) {
    int64_t count = vectorOperations(op);
    if (count == 0)
      return;
    for (Operation *parent = op->getParentOp(); parent;
         parent = parent->getParentOp()) {
      if (auto forOp = dyn_cast<scf::ForOp>(parent))
        count = std::min<int64_t>(
            count * tripCount(forOp).value_or(kUnknownTrips), int64_t(1) << 40);
      if (parent == loop.getOperation())
        break;
    }
    work += count;
  });
  return work;
}

namespace {
struct ParallelizeTileLoopsPass
    : se::impl::SECPUParallelizeTileLoopsBase<ParallelizeTileLoopsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp loop) {
      if (loop->hasAttr(se::kParallelTilesAttrName) &&
          loop.getNumResults() == 0 &&
          estimateVectorWork(loop) >= minParallelWork)
        loops.push_back(loop);
    });
    IRRewriter rewriter(&getContext());
    for (scf::ForOp loop : loops) {
      rewriter.setInsertionPoint(loop);
      auto parallel = scf::ParallelOp::create(
          rewriter, loop.getLoc(), ValueRange{loop.getLowerBound()},
          ValueRange{loop.getUpperBound()}, ValueRange{loop.getStep()});
      // The SE tags stay on the loop for the traffic report.
      for (NamedAttribute attr : loop->getDiscardableAttrs())
        if (attr.getName() != se::kParallelTilesAttrName)
          parallel->setAttr(attr.getName(), attr.getValue());
      Block *body = parallel.getBody();
      // Drop the empty scf.reduce the builder made; the loop's own body,
      // whose scf.yield becomes scf.reduce, takes its place.
      rewriter.eraseOp(body->getTerminator());
      rewriter.inlineBlockBefore(loop.getBody(), body, body->end(),
                                 parallel.getInductionVars());
      auto yield = cast<scf::YieldOp>(body->getTerminator());
      rewriter.setInsertionPoint(yield);
      rewriter.replaceOpWithNewOp<scf::ReduceOp>(yield);
      rewriter.eraseOp(loop);
    }
  }
};
} // namespace
