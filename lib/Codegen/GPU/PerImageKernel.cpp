//===- PerImageKernel.cpp - runs of small per-image ops as one kernel -----===//
//
// Between its squeeze and its scale an SE block is a run of small ops on
// N x C and N x C/r buffers: fills, the two FCs (the squeeze's 1/HW, the
// hidden activation and the gate fused into them by se-fuse-elementwise)
// and copies. As kernels of their own they cost a launch each; here the run
// becomes one kernel with a block per image, which runs the ops one after
// the other with a block barrier between them. An op that reduces many
// elements into each output gives each output to a warp, whose lanes split
// the reduction and meet in shared memory; the other ops run a thread per
// output.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

/// An image's slice of any operand, in elements, and an op's loop
/// iterations per image, at most: beyond these, an op (an SE squeeze or
/// scale on a feature map, a classifier, the FCs of excitations wider than
/// 256 channels) gains more from a grid of its own. One block per image is
/// latency-bound: on an H200, SE-ResNet-50's excitations at 1024 and 2048
/// channels took 0.14-1.1 ms each this way, and the whole network ran in
/// 3.1 ms at batch 1 with this bound against 8.1 ms with 2^19.
constexpr int64_t kMaxSliceElements = 16384;
constexpr int64_t kMaxWorkPerImage = 4096;

std::optional<int64_t> mlir::se::getPerImageBatch(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumLoops() == 0 ||
      op.getIteratorTypesArray()[0] != utils::IteratorType::parallel)
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic))
    return std::nullopt;
  int64_t batch = ranges[0], work = 1;
  for (int64_t range : llvm::drop_begin(ranges))
    work *= range;
  if (work > kMaxWorkPerImage)
    return std::nullopt;
  AffineExpr image = getAffineDimExpr(0, op.getContext());
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<MemRefType>(operand.get().getType());
    if (!type) {
      if (isa<ShapedType>(operand.get().getType()))
        return std::nullopt;
      continue; // A scalar (a fill's value).
    }
    if (!type.hasStaticShape())
      return std::nullopt;
    AffineMap map = op.getMatchingIndexingMap(&operand);
    ArrayRef<AffineExpr> results = map.getResults();
    bool perImage = !results.empty() && results.front() == image;
    // Image n's operands are slice n of dimension 0; other operands are
    // read by every image and must not be written.
    for (AffineExpr expr : perImage ? results.drop_front() : results)
      if (expr.isFunctionOfDim(0))
        return std::nullopt;
    if (perImage) {
      if (type.getDimSize(0) != batch ||
          type.getNumElements() / batch > kMaxSliceElements)
        return std::nullopt;
    } else if (op.isDpsInit(&operand)) {
      return std::nullopt;
    }
  }
  return batch;
}

FailureOr<gpu::LaunchOp>
mlir::se::mapPerImageOpsToKernel(ArrayRef<linalg::LinalgOp> run, int64_t batch,
                                 int64_t threads,
                                 const KernelOptions &options) {
  if (run.empty() || threads % 32 != 0)
    return failure();
  // Reductions are split on their generic form.
  SmallVector<linalg::LinalgOp> ops;
  for (linalg::LinalgOp op : run) {
    if (op.getNumReductionLoops() > 0 && !isa<linalg::GenericOp>(op)) {
      IRRewriter rewriter(op);
      FailureOr<linalg::GenericOp> generic =
          linalg::generalizeNamedOp(rewriter, op);
      if (succeeded(generic))
        op = *generic;
    }
    ops.push_back(op);
  }

  // Every buffer the ops use is defined before the last of them.
  int64_t warps = threads / 32;
  ImplicitLocOpBuilder b(ops.back().getLoc(), ops.back());
  IndexMath math(b);
  gpu::LaunchOp launch = createKernelLaunch(
      b, batch, 1, threads, getWorkgroupMemRefType({warps, 32}, b.getF32Type()),
      options);
  Value partials = launch.getWorkgroupAttributions()[0];
  Value image = launch.getBlockIds().x;
  Value tid = launch.getThreadIds().x;
  Value lane = math.rem(tid, 32);
  Value warp = math.div(tid, 32);

  for (linalg::LinalgOp op : ops) {
    b.setLoc(op.getLoc());
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    SmallVector<unsigned> parallelDims, reductionDims;
    op.getParallelDims(parallelDims);
    op.getReductionDims(reductionDims);
    SmallVector<int64_t> extents, reductionExtents;
    int64_t points =
        collectExtents(ranges, ArrayRef(parallelDims).drop_front(), extents);
    int64_t reduced = collectExtents(ranges, reductionDims, reductionExtents);
    // The loop indices of the image and one point of its output.
    auto pointIvs = [&](Value point) {
      SmallVector<Value> ivs(ranges.size(), math.index(0));
      ivs[0] = image;
      for (auto [dim, iv] : llvm::zip_equal(llvm::drop_begin(parallelDims),
                                            math.delinearize(point, extents)))
        ivs[dim] = iv;
      return ivs;
    };

    auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
    std::optional<Reduction> reduction =
        generic ? matchSplittableReduction(generic) : std::nullopt;
    if (reduction && reduced >= options.minReduction &&
        reduction->neutral.getType().isF32()) {
      // A warp per output, its lanes over the reduction. Every thread runs
      // every step: the barriers are the block's.
      auto steps = scf::ForOp::create(
          b, math.index(0), math.index(llvm::divideCeil(points, warps)),
          math.index(1));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(steps.getBody());
      Value point = math.add(math.mul(steps.getInductionVar(), warps), warp);
      Value valid = math.less(point, points);
      SmallVector<Value> ivs =
          pointIvs(arith::SelectOp::create(b, valid, point, math.index(0)));
      Value partial = emitReductionSlice(b, generic, *reduction, ivs, lane, 32);
      memref::StoreOp::create(b, partial, partials, ValueRange{warp, lane});
      gpu::BarrierOp::create(b);
      Value leader = arith::CmpIOp::create(b, arith::CmpIPredicate::eq, lane,
                                           math.index(0));
      emitCombinePartials(b, generic, *reduction, ivs, math.both(valid, leader),
                          32, [&](int64_t j) {
                            return memref::LoadOp::create(
                                       b, partials,
                                       ValueRange{warp, math.index(j)})
                                .getResult();
                          });
      gpu::BarrierOp::create(b);
    } else {
      // A thread per output.
      auto outputs =
          scf::ForOp::create(b, tid, math.index(points), math.index(threads));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(outputs.getBody());
      SmallVector<Value> ivs = pointIvs(outputs.getInductionVar());
      SmallVector<Value> parallelIvs;
      for (unsigned dim : parallelDims)
        parallelIvs.push_back(ivs[dim]);
      emitOpAtPoint(b, op, parallelDims, parallelIvs);
    }
    // The next op reads what this one wrote, in any thread of the block.
    gpu::BarrierOp::create(b);
  }
  for (linalg::LinalgOp op : ops)
    op->erase();
  return launch;
}
