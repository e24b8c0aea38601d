//===- MapLinalgToKernels.cpp - one GPU kernel per linalg op --------------===//

#include "se/Codegen/GPU/Passes.h"

#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

namespace mlir::se {
#define GEN_PASS_DEF_SEGPUMAPLINALGTOKERNELS
#include "se/Codegen/GPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

/// A kernel name from the op's name: `linalg.conv_2d_nhwc_hwcf` ->
/// `conv_2d_nhwc_hwcf_<index>`.
static std::string kernelName(linalg::LinalgOp op, unsigned index) {
  StringRef name = op->getName().stripDialect();
  return (name + "_" + Twine(index)).str();
}

/// Replaces `op` by a launch in which each thread runs `op` on the slice of
/// one point of its parallel dimensions.
static LogicalResult mapToKernel(linalg::LinalgOp op, int64_t blockSize,
                                 StringRef moduleName, unsigned ordinal) {
  if (!op.hasPureBufferSemantics())
    return op->emitError("expected a linalg op on buffers");
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic))
    return op->emitError("GPU kernels need static shapes");

  SmallVector<unsigned> parallelDims;
  op.getParallelDims(parallelDims);
  int64_t points = 1;
  for (unsigned dim : parallelDims)
    points *= ranges[dim];
  int64_t threads =
      std::min(blockSize, std::max<int64_t>(32, llvm::alignTo(points, 32)));
  int64_t blocks = llvm::divideCeil(points, threads);

  Location loc = op.getLoc();
  OpBuilder b(op);
  auto index = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(b, loc, value);
  };
  Value one = index(1);
  auto launch = gpu::LaunchOp::create(
      b, loc, index(blocks), one, one, index(threads), one, one,
      /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
      /*asyncDependencies=*/{}, /*workgroupAttributions=*/{},
      /*privateAttributions=*/{}, nullptr, nullptr, nullptr,
      FlatSymbolRefAttr::get(b.getContext(), moduleName),
      FlatSymbolRefAttr::get(b.getContext(), kernelName(op, ordinal)));

  b.setInsertionPointToEnd(&launch.getBody().front());
  gpu::TerminatorOp::create(b, loc);
  b.setInsertionPointToStart(&launch.getBody().front());
  Value linear = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, launch.getBlockIds().x, index(threads)),
      launch.getThreadIds().x);
  Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                       linear, index(points));
  auto guard = scf::IfOp::create(b, loc, inside, /*withElseRegion=*/false);
  b.setInsertionPointToStart(guard.thenBlock());

  // The innermost parallel dimension varies fastest.
  SmallVector<OpFoldResult> ivs(parallelDims.size());
  Value rest = linear;
  for (int64_t i = parallelDims.size() - 1; i >= 0; --i) {
    Value extent = index(ranges[parallelDims[i]]);
    ivs[i] = arith::RemUIOp::create(b, loc, rest, extent).getResult();
    if (i > 0)
      rest = arith::DivUIOp::create(b, loc, rest, extent);
  }
  SmallVector<OpFoldResult> tileSizes(ranges.size(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> offsets(ranges.size(), b.getIndexAttr(0));
  for (auto [i, dim] : llvm::enumerate(parallelDims)) {
    tileSizes[dim] = b.getIndexAttr(1);
    offsets[dim] = ivs[i];
  }
  SmallVector<OpFoldResult> bounds =
      llvm::map_to_vector(ranges, [&](int64_t range) -> OpFoldResult {
        return b.getIndexAttr(range);
      });
  SmallVector<Value> operands = linalg::makeTiledShapes(
      b, loc, op, op->getOperands(), ivs, tileSizes, bounds,
      /*omitPartialTileCheck=*/true);
  auto tiled = cast<linalg::LinalgOp>(clone(b, op, TypeRange{}, operands));
  linalg::offsetIndices(b, tiled, offsets);
  op->erase();
  return success();
}

namespace {
struct MapLinalgToKernelsPass
    : se::impl::SEGPUMapLinalgToKernelsBase<MapLinalgToKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (blockSize < 32 || blockSize > 1024 || blockSize % 32 != 0) {
      func.emitError("block size must be a multiple of 32 up to 1024, not ")
          << blockSize;
      return signalPassFailure();
    }
    SmallVector<memref::CopyOp> copies;
    func.walk([&](memref::CopyOp copy) {
      if (!copy->getParentOfType<gpu::LaunchOp>())
        copies.push_back(copy);
    });
    for (memref::CopyOp copy : copies) {
      OpBuilder b(copy);
      linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      copy->erase();
    }

    SmallVector<linalg::LinalgOp> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (!op->getParentOfType<gpu::LaunchOp>())
        ops.push_back(op);
    });
    std::string moduleName = (func.getName() + "_kernels").str();
    for (auto [index, op] : llvm::enumerate(ops)) {
      if (auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op.getOperation());
          conv && tiledConvolutions) {
        se::KernelOptions options;
        options.multiprocessors = multiprocessors;
        options.moduleName = moduleName;
        options.kernelName = kernelName(op, index);
        if (succeeded(se::mapConvToKernel(conv, options))) {
          conv->erase();
          continue;
        }
      }
      if (failed(mapToKernel(op, blockSize, moduleName, index)))
        return signalPassFailure();
    }
  }
};
} // namespace
