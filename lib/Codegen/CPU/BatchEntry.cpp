//===- BatchEntry.cpp - an entry point for any number of images -----------===//

#include "se/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

namespace mlir::se {
#define GEN_PASS_DEF_SECPUBATCHENTRY
#include "se/Codegen/CPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

/// The bytes of one image of `type`, a statically shaped tensor of batch 1.
static int64_t imageBytes(MemRefType type) {
  return type.getNumElements() * type.getElementTypeBitWidth() / 8;
}

static bool isByteBuffer(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && memref.getRank() == 1 && memref.isDynamicDim(0) &&
         memref.getElementType().isInteger(8) &&
         memref.getLayout().isIdentity();
}

namespace {
struct BatchEntryPass : se::impl::SECPUBatchEntryBase<BatchEntryPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp entry;
    for (auto func : module.getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal() &&
          !func->hasAttr(se::kABIQueryAttrName)) {
        entry = func;
        break;
      }
    if (!entry) {
      module.emitError("se-cpu-batch-entry: no entry point");
      return signalPassFailure();
    }
    if (failed(addBatchEntry(module, entry)))
      return signalPassFailure();
  }

  LogicalResult addBatchEntry(ModuleOp module, func::FuncOp entry) {
    std::string name = entry.getName().str();
    auto workspaceSize =
        module.lookupSymbol<func::FuncOp>(name + "_workspace_bytes");
    if (!workspaceSize)
      return entry.emitError("a batch entry needs the workspace "
                             "(se-plan-workspace) of '")
             << name << "'";
    // Tensors first, then the workspace and the weights (byte buffers).
    TypeRange argumentTypes = entry.getArgumentTypes();
    unsigned numTensors = 0;
    while (numTensors < argumentTypes.size() &&
           !isByteBuffer(argumentTypes[numTensors]))
      ++numTensors;
    if (numTensors == argumentTypes.size() || entry.getNumResults() != 0)
      return entry.emitError("a batch entry needs tensors passed as "
                             "arguments, then the workspace");
    for (auto [i, type] :
         llvm::enumerate(argumentTypes.take_front(numTensors))) {
      auto memref = dyn_cast<MemRefType>(type);
      if (!memref || !memref.hasStaticShape() || memref.getRank() < 1 ||
          memref.getDimSize(0) != 1 || !memref.getLayout().isIdentity())
        return entry.emitError() << "argument " << i << " is " << type
                                 << "; a batch entry runs images of "
                                    "statically shaped tensors of batch 1";
    }
    for (Type type : argumentTypes.drop_front(numTensors))
      if (!isByteBuffer(type))
        return entry.emitError("expected only byte buffers after the "
                               "tensors");

    Location loc = entry.getLoc();
    OpBuilder b(module.getContext());
    std::string threadsName = name + "_num_threads";
    if (threads > 1 && failed(se::getOrCreateThreadCountGlobal(
                           module, entry, threadsName,
                           atRunTime ? 0 : static_cast<int32_t>(threads))))
      return failure();

    SmallVector<Type> types = {b.getIndexType()};
    auto bytes = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());
    types.append(argumentTypes.size(), bytes);
    b.setInsertionPointAfter(entry);
    auto batch = func::FuncOp::create(b, loc, name + "_batch",
                                      b.getFunctionType(types, {}));
    // Its parallel loop runs on <name>'s thread count.
    batch->setAttr(se::kThreadCountOfAttrName,
                   FlatSymbolRefAttr::get(entry.getNameAttr()));
    Block *body = batch.addEntryBlock();
    b.setInsertionPointToEnd(body);
    Value count = body->getArgument(0);
    ValueRange buffers = body->getArguments().drop_front();
    Value workspace = buffers[numTensors];
    ValueRange passedOn = buffers.drop_front(numTensors + 1);

    auto index = [&](int64_t value) -> Value {
      return arith::ConstantIndexOp::create(b, loc, value);
    };
    Value zero = index(0), one = index(1);
    Value slotBytes = arith::IndexCastOp::create(
        b, loc, b.getIndexType(),
        func::CallOp::create(b, loc, workspaceSize, ValueRange{}).getResult(0));
    Value threadCount = one;
    if (threads > 1) {
      threadCount = arith::MaxSIOp::create(
          b, loc,
          arith::IndexCastOp::create(
              b, loc, b.getIndexType(),
              se::loadThreadCount(b, loc, module, threadsName, atRunTime)),
          one);
      // No more slots than the workspace holds.
      Value size = memref::DimOp::create(b, loc, workspace, zero);
      Value held = arith::DivUIOp::create(
          b, loc, size, arith::MaxSIOp::create(b, loc, slotBytes, one));
      threadCount = arith::MinSIOp::create(
          b, loc, threadCount, arith::MaxSIOp::create(b, loc, held, one));
    }

    // Image `i` of every tensor, viewed as the entry's type, then the
    // workspace slot and the buffers passed on.
    auto callEntry = [&](OpBuilder &nested, Value image, Value slot) {
      SmallVector<Value> operands;
      for (auto [buffer, type] :
           llvm::zip(buffers.take_front(numTensors),
                     argumentTypes.take_front(numTensors))) {
        auto memref = cast<MemRefType>(type);
        Value offset = arith::MulIOp::create(nested, loc, image,
                                             index(imageBytes(memref)));
        operands.push_back(memref::ViewOp::create(nested, loc, memref, buffer,
                                                  offset, ValueRange{}));
      }
      Value slotOffset = arith::MulIOp::create(nested, loc, slot, slotBytes);
      operands.push_back(memref::ViewOp::create(
          nested, loc, bytes, workspace, slotOffset, ValueRange{slotBytes}));
      operands.append(passedOn.begin(), passedOn.end());
      func::CallOp::create(nested, loc, entry, operands);
    };

    // Whole rounds of `threadCount` images, one per thread and slot; the
    // rest one at a time, each on all threads.
    Value first = zero;
    if (threads > 1) {
      Value rounds = arith::DivSIOp::create(b, loc, count, threadCount);
      Value spread = arith::MulIOp::create(b, loc, rounds, threadCount);
      Value manyThreads = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::sgt, threadCount, one);
      first = arith::SelectOp::create(b, loc, manyThreads, spread, zero);
      auto ifSpread = scf::IfOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, first, zero),
          /*withElseRegion=*/false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(ifSpread.thenBlock());
      scf::ParallelOp::create(
          b, loc, ValueRange{zero}, ValueRange{threadCount}, ValueRange{one},
          [&](OpBuilder &nested, Location, ValueRange slot) {
            scf::ForOp::create(
                nested, loc, slot[0], spread, threadCount, ValueRange{},
                [&](OpBuilder &inner, Location, Value image, ValueRange) {
                  callEntry(inner, image, slot[0]);
                  scf::YieldOp::create(inner, loc);
                });
          });
    }
    scf::ForOp::create(
        b, loc, first, count, one, ValueRange{},
        [&](OpBuilder &nested, Location, Value image, ValueRange) {
          callEntry(nested, image, zero);
          scf::YieldOp::create(nested, loc);
        });
    func::ReturnOp::create(b, loc);
    return success();
  }
};
} // namespace
