//===- RuntimeThreadCount.cpp - the thread count as a settable global -----===//

#include "se/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"

namespace mlir::se {
#define GEN_PASS_DEF_SECPURUNTIMETHREADCOUNT
#include "se/Codegen/CPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

namespace {
struct RuntimeThreadCountPass
    : se::impl::SECPURuntimeThreadCountBase<RuntimeThreadCountPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder b(&getContext());
    auto countType = MemRefType::get({}, b.getI32Type());
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
      Operation *existing = module.lookupSymbol(name);
      auto created = dyn_cast_if_present<memref::GlobalOp>(existing);
      if (existing && (!created || created.getType() != countType)) {
        func.emitError() << "symbol '" << name << "' already exists";
        return signalPassFailure();
      }
      if (!created) {
        b.setInsertionPoint(func);
        auto initial =
            DenseElementsAttr::get(RankedTensorType::get({}, b.getI32Type()),
                                   static_cast<int32_t>(count.getSExtValue()));
        memref::GlobalOp::create(b, func.getLoc(), name,
                                 /*sym_visibility=*/nullptr, countType, initial,
                                 /*constant=*/false, /*alignment=*/nullptr);
      }
      for (omp::ParallelOp parallel : parallels) {
        b.setInsertionPoint(parallel);
        Value global =
            memref::GetGlobalOp::create(b, parallel.getLoc(), countType, name);
        Value threads = memref::LoadOp::create(b, parallel.getLoc(), global);
        parallel.getNumThreadsMutable().assign(threads);
      }
    }
  }
};
} // namespace
