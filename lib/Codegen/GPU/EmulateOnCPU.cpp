//===- EmulateOnCPU.cpp - GPU launches run by CPU threads, for testing ----===//
//
// Each gpu.launch becomes a loop over its blocks; each block is an OpenMP
// parallel region with one thread per GPU thread, so that gpu.barrier is
// omp.barrier, workgroup memory is a buffer the team shares, and
// everything else a thread computes stays private to it. The kernels'
// indexing, staging and synchronization then run, and can be checked, on a
// machine without a GPU.
//
//===----------------------------------------------------------------------===//

#include "se/Codegen/GPU/Passes.h"

#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace mlir::se {
#define GEN_PASS_DEF_SEGPUEMULATEONCPU
#include "se/Codegen/GPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

static constexpr StringLiteral kThreadNumFunction = "omp_get_thread_num";

/// The constant value of `value`, or failure.
static FailureOr<int64_t> constantIndex(Value value) {
  if (auto constant = value.getDefiningOp<arith::ConstantIndexOp>())
    return constant.value();
  return failure();
}

static LogicalResult emulate(gpu::LaunchOp launch, func::FuncOp threadNum) {
  SmallVector<int64_t> grid, block;
  for (Value size : {launch.getGridSizeX(), launch.getGridSizeY(),
                     launch.getGridSizeZ(), launch.getBlockSizeX(),
                     launch.getBlockSizeY(), launch.getBlockSizeZ()}) {
    FailureOr<int64_t> extent = constantIndex(size);
    if (failed(extent))
      return launch.emitError("emulation needs constant launch sizes");
    (grid.size() < 3 ? grid : block).push_back(*extent);
  }
  if (launch.getAsyncToken() || !launch.getPrivateAttributions().empty() ||
      launch.getDynamicSharedMemorySize())
    return launch.emitError("emulation does not cover this launch");

  ImplicitLocOpBuilder b(launch.getLoc(), launch);
  se::IndexMath math(b);
  // Blocks, one after the other.
  SmallVector<Value> blockIds;
  for (int64_t extent : llvm::reverse(grid)) {
    auto loop =
        scf::ForOp::create(b, math.index(0), math.index(extent), math.index(1));
    b.setInsertionPointToStart(loop.getBody());
    blockIds.insert(blockIds.begin(), loop.getInductionVar());
  }
  // Workgroup memory: one buffer per block, shared by its team.
  IRMapping mapping;
  Block &body = launch.getBody().front();
  for (BlockArgument attribution : launch.getWorkgroupAttributions()) {
    auto type = cast<MemRefType>(attribution.getType());
    Value shared = memref::AllocaOp::create(
        b, MemRefType::get(type.getShape(), type.getElementType()));
    mapping.map(attribution, shared);
  }
  gpu::KernelDim3 blockIdArgs = launch.getBlockIds();
  gpu::KernelDim3 gridArgs = launch.getGridSize();
  gpu::KernelDim3 blockArgs = launch.getBlockSize();
  Value blockArgValues[] = {blockArgs.x, blockArgs.y, blockArgs.z};
  Value gridArgValues[] = {gridArgs.x, gridArgs.y, gridArgs.z};
  Value blockIdValues[] = {blockIdArgs.x, blockIdArgs.y, blockIdArgs.z};
  for (int i = 0; i < 3; ++i) {
    mapping.map(blockIdValues[i], blockIds[i]);
    mapping.map(gridArgValues[i], math.index(grid[i]));
    mapping.map(blockArgValues[i], math.index(block[i]));
  }

  // Threads: one OpenMP thread each.
  omp::ParallelOperands clauses;
  clauses.numThreads =
      arith::ConstantIntOp::create(b, block[0] * block[1] * block[2], 32);
  auto team = omp::ParallelOp::create(b, clauses);
  b.setInsertionPointToStart(&team.getRegion().emplaceBlock());
  Value thread = arith::IndexCastOp::create(
      b, b.getIndexType(),
      func::CallOp::create(b, threadNum, ValueRange{}).getResult(0));
  gpu::KernelDim3 threadIdArgs = launch.getThreadIds();
  SmallVector<Value> zyx =
      math.delinearize(thread, {block[2], block[1], block[0]});
  mapping.map(threadIdArgs.x, zyx[2]);
  mapping.map(threadIdArgs.y, zyx[1]);
  mapping.map(threadIdArgs.z, zyx[0]);
  for (Operation &op : body.without_terminator())
    b.clone(op, mapping);
  omp::TerminatorOp::create(b);

  team.walk([](gpu::BarrierOp barrier) {
    OpBuilder builder(barrier);
    omp::BarrierOp::create(builder, barrier.getLoc());
    barrier.erase();
  });
  launch.erase();
  return success();
}

namespace {
struct EmulateOnCPUPass : se::impl::SEGPUEmulateOnCPUBase<EmulateOnCPUPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::LaunchOp> launches;
    module.walk([&](gpu::LaunchOp launch) { launches.push_back(launch); });
    if (launches.empty())
      return;
    auto threadNum = module.lookupSymbol<func::FuncOp>(kThreadNumFunction);
    if (!threadNum) {
      OpBuilder b(module.getBodyRegion());
      threadNum = func::FuncOp::create(b, module.getLoc(), kThreadNumFunction,
                                       b.getFunctionType({}, {b.getI32Type()}));
      threadNum.setPrivate();
    }
    for (gpu::LaunchOp launch : launches)
      if (failed(emulate(launch, threadNum)))
        return signalPassFailure();
  }
};
} // namespace
