//===- RuntimeThreadCount.cpp - the thread count as a settable global -----===//

#include "se/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"

namespace mlir::se {
#define GEN_PASS_DEF_SECPURUNTIMETHREADCOUNT
#include "se/Codegen/CPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

FailureOr<memref::GlobalOp>
mlir::se::getOrCreateThreadCountGlobal(ModuleOp module, func::FuncOp entry,
                                       StringRef name, int32_t initial) {
  OpBuilder b(module.getContext());
  auto countType = MemRefType::get({}, b.getI32Type());
  Operation *existing = module.lookupSymbol(name);
  auto global = dyn_cast_if_present<memref::GlobalOp>(existing);
  if (existing && (!global || global.getType() != countType)) {
    entry.emitError() << "symbol '" << name << "' already exists";
    return failure();
  }
  if (global)
    return global;
  b.setInsertionPoint(entry);
  auto value = DenseElementsAttr::get(RankedTensorType::get({}, b.getI32Type()),
                                      initial);
  return memref::GlobalOp::create(b, entry.getLoc(), name,
                                  /*sym_visibility=*/nullptr, countType, value,
                                  /*constant=*/false, /*alignment=*/nullptr);
}

Value mlir::se::loadThreadCount(OpBuilder &b, Location loc, ModuleOp module,
                                StringRef name, bool zeroIsDefault) {
  auto countType = MemRefType::get({}, b.getI32Type());
  Value global = memref::GetGlobalOp::create(b, loc, countType, name);
  Value count = memref::LoadOp::create(b, loc, global);
  if (!zeroIsDefault)
    return count;
  // 0: OpenMP's default team size.
  constexpr StringLiteral kDefault = "omp_get_max_threads";
  auto defaultCount = module.lookupSymbol<func::FuncOp>(kDefault);
  if (!defaultCount) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    defaultCount = func::FuncOp::create(
        b, loc, kDefault, b.getFunctionType({}, {b.getI32Type()}));
    defaultCount.setPrivate();
  }
  Value zero = arith::ConstantIntOp::create(b, loc, 0, 32);
  Value unset =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, count, zero);
  auto choose = scf::IfOp::create(b, loc, TypeRange{b.getI32Type()}, unset,
                                  /*withElseRegion=*/true);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(choose.thenBlock());
    Value fromOpenMP =
        func::CallOp::create(b, loc, defaultCount, ValueRange{}).getResult(0);
    scf::YieldOp::create(b, loc, fromOpenMP);
    b.setInsertionPointToStart(choose.elseBlock());
    scf::YieldOp::create(b, loc, count);
  }
  return choose.getResult(0);
}

namespace {
struct RuntimeThreadCountPass
    : se::impl::SECPURuntimeThreadCountBase<RuntimeThreadCountPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder b(&getContext());
    for (auto func : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (!func.isPublic() || func.isExternal())
        continue;
      SmallVector<omp::ParallelOp> parallels;
      func.walk([&](omp::ParallelOp op) { parallels.push_back(op); });
      // A model whose loops are all too small for threads still has the
      // global its C API sets.
      APInt count(32, threads);
      if (parallels.empty() &&
          (threads <= 0 || func->hasAttr(se::kABIQueryAttrName)))
        continue;
      // The compile-time count: convert-scf-to-openmp passes one constant to
      // every region of the function.
      if (!parallels.empty()) {
        Value compiled = parallels.front().getNumThreads();
        if (!compiled || !matchPattern(compiled, m_ConstantInt(&count))) {
          parallels.front().emitError(
              "expected omp.parallel with a constant num_threads");
          return signalPassFailure();
        }
      }
      StringRef owner = func.getName();
      if (auto of = func->getAttrOfType<FlatSymbolRefAttr>(
              se::kThreadCountOfAttrName))
        owner = of.getValue();
      std::string name = (owner + "_num_threads").str();
      // se-cpu-batch-entry creates the global of the entry it runs.
      if (failed(se::getOrCreateThreadCountGlobal(
              module, func, name,
              atRunTime ? 0 : static_cast<int32_t>(count.getSExtValue()))))
        return signalPassFailure();
      for (omp::ParallelOp parallel : parallels) {
        b.setInsertionPoint(parallel);
        parallel.getNumThreadsMutable().assign(
            se::loadThreadCount(b, parallel.getLoc(), module, name, atRunTime));
      }
    }
  }
};
} // namespace
