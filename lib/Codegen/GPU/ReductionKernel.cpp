//===- ReductionKernel.cpp - large reductions split across a block --------===//
//
// An op that reduces many elements into each output element (the SE
// squeeze: N x C outputs, H x W elements each; the excitation FCs: one dot
// product of C elements per output) runs with a block per group of outputs:
// every thread reduces a strided slice of an output's reduction space from
// the combiner's neutral element, the partials meet in shared memory, and
// one thread per output combines them with the output's initial value.
//
// Lanes of a warp go where memory is contiguous: over 32 outputs when the
// operands' innermost dimension is a parallel one (NHWC squeeze: 32
// channels), over the reduction when it is a reduction one (FC rows).
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "se/Codegen/GPU/KernelConfig.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

using namespace mlir;

/// The loop dimension that the last index of `map` is, if it is one.
static std::optional<unsigned> innermostDim(AffineMap map) {
  if (map.getNumResults() == 0)
    return std::nullopt;
  if (auto dim = dyn_cast<AffineDimExpr>(map.getResults().back()))
    return dim.getPosition();
  return std::nullopt;
}

std::optional<se::Reduction>
mlir::se::matchSplittableReduction(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() == 0)
    return std::nullopt;
  // out = combiner(f(inputs), out), with out used only there.
  Block &body = op.getRegion().front();
  BlockArgument outArg = body.getArgument(op.getNumDpsInputs());
  SmallVector<Operation *> combiners;
  if (!outArg.hasOneUse() || !matchReduction({outArg}, 0, combiners) ||
      combiners.size() != 1)
    return std::nullopt;
  std::optional<TypedAttr> neutral = arith::getNeutralElement(combiners[0]);
  if (!neutral || !outArg.getType().isIntOrFloat())
    return std::nullopt;
  return se::Reduction{combiners[0], *neutral};
}

Value mlir::se::emitReductionSlice(ImplicitLocOpBuilder &b,
                                   linalg::GenericOp op,
                                   const Reduction &reduction,
                                   ArrayRef<Value> ivs, Value slice,
                                   int64_t slices) {
  IndexMath math(b);
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<unsigned> reductionDims;
  op.getReductionDims(reductionDims);
  SmallVector<int64_t> extents;
  int64_t reduced = collectExtents(ranges, reductionDims, extents);
  Block &body = op.getRegion().front();
  Value start = arith::ConstantOp::create(b, reduction.neutral);
  auto loop = scf::ForOp::create(b, slice, math.index(reduced),
                                 math.index(slices), ValueRange{start});
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  SmallVector<Value> pointIvs(ivs);
  for (auto [dim, iv] : llvm::zip(
           reductionDims, math.delinearize(loop.getInductionVar(), extents)))
    pointIvs[dim] = iv;
  IRMapping mapping;
  for (OpOperand *input : op.getDpsInputOperands()) {
    Value element = memref::LoadOp::create(
        b, input->get(),
        math.apply(op.getMatchingIndexingMap(input), pointIvs));
    mapping.map(body.getArgument(input->getOperandNumber()), element);
  }
  mapping.map(body.getArgument(op.getNumDpsInputs()),
              loop.getRegionIterArgs()[0]);
  for (Operation &bodyOp : body.without_terminator())
    b.clone(bodyOp, mapping);
  scf::YieldOp::create(b, mapping.lookup(body.getTerminator()->getOperand(0)));
  return loop.getResult(0);
}

void mlir::se::emitCombinePartials(ImplicitLocOpBuilder &b,
                                   linalg::GenericOp op,
                                   const Reduction &reduction,
                                   ArrayRef<Value> ivs, Value condition,
                                   int64_t count,
                                   function_ref<Value(int64_t)> partial) {
  IndexMath math(b);
  auto guard = scf::IfOp::create(b, condition, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard insertion(b);
  b.setInsertionPointToStart(guard.thenBlock());
  OpOperand *init = op.getDpsInitOperand(0);
  SmallVector<Value> indices = math.apply(op.getMatchingIndexingMap(init), ivs);
  Value total = memref::LoadOp::create(b, init->get(), indices);
  for (int64_t j = 0; j < count; ++j) {
    IRMapping mapping;
    mapping.map(reduction.combiner->getOperand(0), total);
    mapping.map(reduction.combiner->getOperand(1), partial(j));
    total = b.clone(*reduction.combiner, mapping)->getResult(0);
  }
  memref::StoreOp::create(b, total, init->get(), indices);
}

int64_t mlir::se::collectExtents(ArrayRef<int64_t> ranges,
                                 ArrayRef<unsigned> dims,
                                 SmallVectorImpl<int64_t> &extents) {
  int64_t product = 1;
  for (unsigned dim : dims) {
    extents.push_back(ranges[dim]);
    product *= ranges[dim];
  }
  return product;
}

FailureOr<gpu::LaunchOp>
mlir::se::mapReductionToKernel(linalg::GenericOp op,
                               const KernelOptions &options) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInits() != 1)
    return failure();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic))
    return failure();
  SmallVector<unsigned> parallelDims, reductionDims;
  op.getParallelDims(parallelDims);
  op.getReductionDims(reductionDims);
  if (reductionDims.empty())
    return failure();
  SmallVector<int64_t> parallelExtents, reductionExtents;
  int64_t points = collectExtents(ranges, parallelDims, parallelExtents);
  int64_t reduced = collectExtents(ranges, reductionDims, reductionExtents);
  if (reduced < options.minReduction)
    return failure();
  std::optional<Reduction> reduction = matchSplittableReduction(op);
  if (!reduction)
    return failure();
  Type elementType = reduction->neutral.getType();

  // Lanes where the inputs are contiguous.
  int64_t byParallel = 0, byReduction = 0;
  for (OpOperand *input : op.getDpsInputOperands()) {
    std::optional<unsigned> dim =
        innermostDim(op.getMatchingIndexingMap(input));
    byParallel += dim && !parallelDims.empty() && *dim == parallelDims.back();
    byReduction += dim && *dim == reductionDims.back();
  }
  ReductionConfig config = selectReductionConfig(
      points, byReduction > byParallel, options.multiprocessors);
  bool lanesOverReduction = config.lanesOverReduction;
  int64_t rows = config.rows, outputsPerBlock = config.outputsPerBlock(),
          slices = config.slices();

  ImplicitLocOpBuilder b(op.getLoc(), op);
  IndexMath math(b);
  auto launch = createKernelLaunch(
      b, llvm::divideCeil(points, outputsPerBlock), 1, config.threads(),
      getWorkgroupMemRefType({rows, 32}, elementType), options);

  Value partials = launch.getWorkgroupAttributions()[0];
  Value tid = launch.getThreadIds().x;
  Value lane = math.rem(tid, 32);
  Value row = math.div(tid, 32);
  Value point = math.add(math.mul(launch.getBlockIds().x, outputsPerBlock),
                         lanesOverReduction ? row : lane);
  Value valid = math.less(point, points);
  Value clamped = arith::SelectOp::create(b, valid, point, math.index(0));
  SmallVector<Value> ivs(ranges.size(), math.index(0));
  for (auto [dim, iv] :
       llvm::zip(parallelDims, math.delinearize(clamped, parallelExtents)))
    ivs[dim] = iv;

  // This thread's slice: reduction indices slice, slice + slices, ...
  Value partial = emitReductionSlice(b, op, *reduction, ivs,
                                     lanesOverReduction ? lane : row, slices);
  memref::StoreOp::create(b, partial, partials, ValueRange{row, lane});
  gpu::BarrierOp::create(b);
  // One thread per output combines the partials with the initial value.
  Value leader =
      arith::CmpIOp::create(b, arith::CmpIPredicate::eq,
                            lanesOverReduction ? lane : row, math.index(0));
  emitCombinePartials(
      b, op, *reduction, ivs, math.both(valid, leader), slices, [&](int64_t j) {
        return memref::LoadOp::create(b, partials,
                                      lanesOverReduction
                                          ? ValueRange{row, math.index(j)}
                                          : ValueRange{math.index(j), lane})
            .getResult();
      });
  return launch;
}
