//===- ExpandStridedCopies.cpp - strided memref.copy to rows or loops -----===//

#include "se/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::se {
#define GEN_PASS_DEF_SECPUEXPANDSTRIDEDCOPIES
#include "se/Codegen/CPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

/// Rows at least this long are copied by memcpy, one call per row.
static constexpr int64_t kMinRowBytes = 256;
/// Copies at least this large run their rows on all threads.
static constexpr int64_t kParallelCopyBytes = 512 * 1024;

static bool isContiguous(Value value) {
  auto type = cast<MemRefType>(value.getType());
  return type.getLayout().isIdentity() ||
         memref::isStaticShapeAndContiguousRowMajor(type);
}

/// How many innermost dimensions of `type` are laid out contiguously.
static int64_t contiguousInnerDims(MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  if (!type.hasStaticShape() ||
      failed(type.getStridesAndOffset(strides, offset)))
    return 0;
  ArrayRef<int64_t> shape = type.getShape();
  int64_t expected = 1, dims = 0;
  for (int64_t d = type.getRank() - 1; d >= 0; --d) {
    if (strides[d] != expected && shape[d] != 1)
      break;
    expected *= shape[d];
    ++dims;
  }
  return dims;
}

/// Replaces `copy` by a loop nest over its outer dimensions that copies
/// contiguous rows (memcpy each), in parallel when `parallel`; fails when
/// the rows would be short.
static LogicalResult copyByRows(RewriterBase &rewriter, memref::CopyOp copy,
                                bool parallel) {
  auto sourceType = cast<MemRefType>(copy.getSource().getType());
  auto targetType = cast<MemRefType>(copy.getTarget().getType());
  int64_t rank = sourceType.getRank();
  int64_t rowDims = std::min(contiguousInnerDims(sourceType),
                             contiguousInnerDims(targetType));
  if (rowDims == 0 || rowDims == rank)
    return failure();
  ArrayRef<int64_t> shape = sourceType.getShape();
  int64_t rowElements = 1;
  for (int64_t d = rank - rowDims; d < rank; ++d)
    rowElements *= shape[d];
  int64_t elementBytes = sourceType.getElementTypeBitWidth() / 8;
  if (rowElements * elementBytes < kMinRowBytes)
    return failure();

  Location loc = copy.getLoc();
  rewriter.setInsertionPoint(copy);
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  SmallVector<Value> lower(rank - rowDims, zero), steps(rank - rowDims, one),
      upper;
  for (int64_t d = 0; d < rank - rowDims; ++d)
    upper.push_back(arith::ConstantIndexOp::create(rewriter, loc, shape[d]));
  auto copyRow = [&](OpBuilder &b, ValueRange ivs) {
    SmallVector<OpFoldResult> offsets(ivs.begin(), ivs.end());
    SmallVector<OpFoldResult> sizes(ivs.size(), b.getIndexAttr(1));
    for (int64_t d = rank - rowDims; d < rank; ++d) {
      offsets.push_back(b.getIndexAttr(0));
      sizes.push_back(b.getIndexAttr(shape[d]));
    }
    SmallVector<OpFoldResult> unitStrides(rank, b.getIndexAttr(1));
    Value source = memref::SubViewOp::create(b, loc, copy.getSource(), offsets,
                                             sizes, unitStrides);
    Value target = memref::SubViewOp::create(b, loc, copy.getTarget(), offsets,
                                             sizes, unitStrides);
    memref::CopyOp::create(b, loc, source, target);
  };
  if (parallel) {
    scf::ParallelOp::create(
        rewriter, loc, lower, upper, steps,
        [&](OpBuilder &b, Location, ValueRange ivs) { copyRow(b, ivs); });
  } else {
    scf::buildLoopNest(
        rewriter, loc, lower, upper, steps,
        [&](OpBuilder &b, Location, ValueRange ivs) { copyRow(b, ivs); });
  }
  rewriter.eraseOp(copy);
  return success();
}

namespace {
struct ExpandStridedCopiesPass
    : se::impl::SECPUExpandStridedCopiesBase<ExpandStridedCopiesPass> {
  using Base::Base;

  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp copy) {
      if (!isContiguous(copy.getSource()) || !isContiguous(copy.getTarget()))
        copies.push_back(copy);
    });
    for (memref::CopyOp copy : copies) {
      auto type = cast<MemRefType>(copy.getSource().getType());
      bool parallel =
          threads > 1 && type.hasStaticShape() &&
          type.getNumElements() * type.getElementTypeBitWidth() / 8 >=
              kParallelCopyBytes &&
          !copy->getParentOfType<scf::ParallelOp>();
      if (succeeded(copyByRows(rewriter, copy, parallel)))
        continue;
      rewriter.setInsertionPoint(copy);
      rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                  copy.getTarget());
    }
  }
};
} // namespace
