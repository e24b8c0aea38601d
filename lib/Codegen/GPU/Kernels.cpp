//===- Kernels.cpp - pieces shared by the GPU kernel builders -------------===//

#include "Kernels.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace mlir::se;

Value IndexMath::index(int64_t value) {
  return arith::ConstantIndexOp::create(b, value);
}
Value IndexMath::add(Value x, Value y) {
  return arith::AddIOp::create(b, x, y);
}
Value IndexMath::mul(Value x, int64_t y) {
  return arith::MulIOp::create(b, x, index(y));
}
Value IndexMath::div(Value x, int64_t y) {
  return arith::DivUIOp::create(b, x, index(y));
}
Value IndexMath::rem(Value x, int64_t y) {
  return arith::RemUIOp::create(b, x, index(y));
}
Value IndexMath::less(Value x, int64_t y) {
  return arith::CmpIOp::create(b, arith::CmpIPredicate::ult, x, index(y));
}
Value IndexMath::both(Value x, Value y) {
  return arith::AndIOp::create(b, x, y);
}

SmallVector<Value> IndexMath::delinearize(Value linear,
                                          ArrayRef<int64_t> extents) {
  SmallVector<Value> result(extents.size());
  for (int64_t i = extents.size() - 1; i >= 0; --i) {
    result[i] = rem(linear, extents[i]);
    if (i > 0)
      linear = div(linear, extents[i]);
  }
  return result;
}

SmallVector<Value> IndexMath::apply(AffineMap map, ArrayRef<Value> ivs) {
  SmallVector<Value> indices;
  for (AffineExpr expr : map.getResults()) {
    if (auto dim = dyn_cast<AffineDimExpr>(expr)) {
      indices.push_back(ivs[dim.getPosition()]);
      continue;
    }
    indices.push_back(affine::AffineApplyOp::create(
        b, AffineMap::get(map.getNumDims(), 0, expr), ivs));
  }
  return indices;
}

gpu::LaunchOp mlir::se::createKernelLaunch(ImplicitLocOpBuilder &b,
                                           int64_t blocksX, int64_t blocksY,
                                           int64_t threads, TypeRange workgroup,
                                           const KernelOptions &options) {
  IndexMath math(b);
  Value one = math.index(1);
  auto launch = gpu::LaunchOp::create(
      b, math.index(blocksX), math.index(blocksY), one, math.index(threads),
      one, one, /*dynamicSharedMemorySize=*/nullptr,
      /*asyncTokenType=*/nullptr, /*asyncDependencies=*/{}, workgroup,
      /*privateAttributions=*/{}, nullptr, nullptr, nullptr,
      FlatSymbolRefAttr::get(b.getContext(), options.moduleName),
      FlatSymbolRefAttr::get(b.getContext(), options.kernelName));
  b.setInsertionPointToEnd(&launch.getBody().front());
  gpu::TerminatorOp::create(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  return launch;
}

MemRefType mlir::se::getWorkgroupMemRefType(ArrayRef<int64_t> shape,
                                            Type elementType) {
  MLIRContext *context = elementType.getContext();
  return MemRefType::get(
      shape, elementType, AffineMap(),
      gpu::AddressSpaceAttr::get(context,
                                 gpu::GPUDialect::getWorkgroupAddressSpace()));
}

void mlir::se::emitOpAtPoint(ImplicitLocOpBuilder &b, linalg::LinalgOp op,
                             ArrayRef<unsigned> parallelDims,
                             ArrayRef<Value> ivs) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<OpFoldResult> tileSizes(ranges.size(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> offsets(ranges.size(), b.getIndexAttr(0));
  for (auto [dim, iv] : llvm::zip_equal(parallelDims, ivs)) {
    tileSizes[dim] = b.getIndexAttr(1);
    offsets[dim] = iv;
  }
  SmallVector<OpFoldResult> bounds =
      llvm::map_to_vector(ranges, [&](int64_t range) -> OpFoldResult {
        return b.getIndexAttr(range);
      });
  // The offsets of the tiled loops only, in loop order.
  SmallVector<Value> operands = linalg::makeTiledShapes(
      b, b.getLoc(), op, op->getOperands(), getAsOpFoldResult(ivs), tileSizes,
      bounds, /*omitPartialTileCheck=*/true);
  auto tiled = cast<linalg::LinalgOp>(clone(b, op, TypeRange{}, operands));
  linalg::offsetIndices(b, tiled, offsets);
}

bool mlir::se::isSpatialSum(linalg::GenericOp op) {
  if (!op || op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 ||
      op.getNumLoops() != 3)
    return false;
  MLIRContext *context = op.getContext();
  AffineExpr n = getAffineDimExpr(0, context),
             hw = getAffineDimExpr(1, context),
             c = getAffineDimExpr(2, context);
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  Block &body = op.getRegion().front();
  auto add = dyn_cast_or_null<arith::AddFOp>(
      body.getTerminator()->getOperand(0).getDefiningOp());
  return maps[0] == AffineMap::get(3, 0, {n, hw, c}, context) &&
         maps[1] == AffineMap::get(3, 0, {n, c}, context) &&
         op.getIteratorTypesArray() ==
             ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                           utils::IteratorType::reduction,
                                           utils::IteratorType::parallel} &&
         add && body.getOperations().size() == 2 &&
         llvm::is_contained(add->getOperands(), body.getArgument(0)) &&
         llvm::is_contained(add->getOperands(), body.getArgument(1));
}

bool mlir::se::isQuadAligned(Value value) {
  auto type = cast<MemRefType>(value.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)) ||
      ShapedType::isDynamic(offset) || offset % 4 != 0 || strides.back() != 1)
    return false;
  return llvm::all_of(ArrayRef(strides).drop_back(), [](int64_t stride) {
    return !ShapedType::isDynamic(stride) && stride % 4 == 0;
  });
}
