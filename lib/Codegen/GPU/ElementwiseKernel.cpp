//===- ElementwiseKernel.cpp - element-wise ops with 16-byte accesses -----===//
//
// An element-wise op (the SE scale with the residual add and ReLU, copies
// into padded buffers, fills, gates) moves several bytes per operation:
// its kernel is bound by memory. With a thread per element each load and
// store moves 4 bytes and each thread recomputes its indices; here a thread
// takes 4 consecutive points of the innermost loop, reads and writes them
// as one 16-byte vector where the operand runs along that loop, reads the
// other operands once, and applies the op's body to each of the 4 lanes.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace {
/// How a thread reads an operand for its 4 points.
enum class Access {
  /// A vector of 4 consecutive elements (the operand runs along the
  /// innermost loop, in its innermost dimension).
  Quad,
  /// One element for all 4 (the operand does not depend on that loop).
  Element,
  /// The operand itself (a scalar, such as a fill's value).
  Scalar,
};
} // namespace

constexpr int64_t kLanes = 4;

/// Whether `buffer` lies in memory the compiled code allocated (the
/// workspace, the weights, or a view of them): 16-byte aligned. A tensor
/// argument is the caller's (run_device takes any device pointer).
static bool isOwnMemory(Value buffer) {
  while (Operation *producer = buffer.getDefiningOp()) {
    auto view = dyn_cast<ViewLikeOpInterface>(producer);
    if (!view)
      return true;
    buffer = view.getViewSource();
  }
  auto root = cast<MemRefType>(buffer.getType());
  return root.getElementType().isInteger(8);
}

/// How each operand of `op` is read, or nothing when `op` is not an
/// element-wise op that 4-point threads can run.
static std::optional<SmallVector<Access>> getQuadAccesses(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumLoops() == 0 ||
      op.getNumParallelLoops() != op.getNumLoops() || op.hasIndexSemantics())
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  unsigned inner = op.getNumLoops() - 1;
  if (llvm::any_of(ranges, ShapedType::isDynamic) ||
      ranges[inner] % kLanes != 0)
    return std::nullopt;
  for (Operation &bodyOp : op.getBlock()->without_terminator())
    if (bodyOp.getNumRegions() != 0 ||
        llvm::any_of(bodyOp.getResultTypes(), llvm::IsaPred<ShapedType>))
      return std::nullopt;
  SmallVector<Access> accesses;
  AffineExpr innerDim = getAffineDimExpr(inner, op.getContext());
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<MemRefType>(operand.get().getType());
    if (!type) {
      if (op.isDpsInit(&operand) || isa<ShapedType>(operand.get().getType()))
        return std::nullopt;
      accesses.push_back(Access::Scalar);
      continue;
    }
    AffineMap map = op.getMatchingIndexingMap(&operand);
    if (!type.getElementType().isF32() || !map.isProjectedPermutation())
      return std::nullopt;
    if (!map.isFunctionOfDim(inner)) {
      if (op.isDpsInit(&operand))
        return std::nullopt;
      accesses.push_back(Access::Element);
      continue;
    }
    if (map.getResults().back() != innerDim ||
        !se::isQuadAligned(operand.get()) || !isOwnMemory(operand.get()))
      return std::nullopt;
    accesses.push_back(Access::Quad);
  }
  return accesses;
}

FailureOr<gpu::LaunchOp>
mlir::se::mapElementwiseToQuadKernel(linalg::LinalgOp op, int64_t blockSize,
                                     const KernelOptions &options) {
  std::optional<SmallVector<Access>> accesses = getQuadAccesses(op);
  if (!accesses)
    return failure();
  SmallVector<int64_t> extents = op.getStaticLoopRanges();
  extents.back() /= kLanes;
  int64_t points = 1;
  for (int64_t extent : extents)
    points *= extent;
  int64_t threads =
      std::min(blockSize, std::max<int64_t>(32, llvm::alignTo(points, 32)));

  ImplicitLocOpBuilder b(op.getLoc(), op);
  IndexMath math(b);
  auto launch = createKernelLaunch(b, llvm::divideCeil(points, threads), 1,
                                   threads, {}, options);
  Value linear = math.add(math.mul(launch.getBlockIds().x, threads),
                          launch.getThreadIds().x);
  auto guard = scf::IfOp::create(b, math.less(linear, points),
                                 /*withElseRegion=*/false);
  b.setInsertionPointToStart(guard.thenBlock());
  SmallVector<Value> ivs = math.delinearize(linear, extents);
  ivs.back() = math.mul(ivs.back(), kLanes);

  auto quad = VectorType::get({kLanes}, b.getF32Type());
  llvm::MaybeAlign quadAlign(16);
  Block *body = op.getBlock();
  SmallVector<Value> values;
  for (auto [operand, access] :
       llvm::zip_equal(op->getOpOperands(), *accesses)) {
    BlockArgument arg = body->getArgument(operand.getOperandNumber());
    if (access == Access::Scalar || arg.use_empty()) {
      values.push_back(operand.get());
      continue;
    }
    SmallVector<Value> indices =
        math.apply(op.getMatchingIndexingMap(&operand), ivs);
    if (access == Access::Quad)
      values.push_back(vector::LoadOp::create(b, quad, operand.get(), indices,
                                              false, quadAlign));
    else
      values.push_back(memref::LoadOp::create(b, operand.get(), indices));
  }

  // The body once per lane.
  SmallVector<SmallVector<Value>> lanes(op.getNumDpsInits());
  for (int64_t lane = 0; lane < kLanes; ++lane) {
    IRMapping mapping;
    for (auto [arg, value, access] :
         llvm::zip_equal(body->getArguments(), values, *accesses))
      if (!arg.use_empty())
        mapping.map(arg,
                    access == Access::Quad
                        ? vector::ExtractOp::create(b, value, lane).getResult()
                        : value);
    for (Operation &bodyOp : body->without_terminator())
      b.clone(bodyOp, mapping);
    for (auto [results, yielded] :
         llvm::zip_equal(lanes, body->getTerminator()->getOperands()))
      results.push_back(mapping.lookupOrDefault(yielded));
  }
  for (auto [init, results] : llvm::zip_equal(op.getDpsInitsMutable(), lanes)) {
    Value vector = vector::FromElementsOp::create(b, quad, results);
    vector::StoreOp::create(b, vector, init.get(),
                            math.apply(op.getMatchingIndexingMap(&init), ivs),
                            false, quadAlign);
  }
  return launch;
}
