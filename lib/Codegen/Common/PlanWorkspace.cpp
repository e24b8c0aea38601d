//===- PlanWorkspace.cpp - large buffers in one caller workspace ----------===//

#include "se/Codegen/Common/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/STLExtras.h"

namespace mlir::se {
#define GEN_PASS_DEF_SEPLANWORKSPACE
#include "se/Codegen/Common/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

static constexpr int64_t kAlignment = 64;

namespace {
/// One buffer to place: its live range in top-level op positions.
struct Buffer {
  memref::AllocOp alloc;
  int64_t bytes;
  int64_t first, last;
  int64_t offset = 0;
};
} // namespace

/// Position of `op`'s ancestor in `block` (ops nested in loops count at the
/// loop).
static int64_t positionIn(Block &block, Operation *op,
                          const DenseMap<Operation *, int64_t> &positions) {
  Operation *ancestor = block.findAncestorOpInBlock(*op);
  return ancestor ? positions.lookup(ancestor) : 0;
}

/// The last top-level position at which `value` or a view of it is used.
static int64_t lastUse(Block &block, Value value,
                       const DenseMap<Operation *, int64_t> &positions) {
  int64_t last = 0;
  SmallVector<Value> worklist = {value};
  while (!worklist.empty()) {
    Value current = worklist.pop_back_val();
    for (Operation *user : current.getUsers()) {
      last = std::max(last, positionIn(block, user, positions));
      // Any memref an op returns may alias its memref operands (views,
      // reshapes, loops carrying the buffer): follow them all.
      for (Value result : user->getResults())
        if (isa<BaseMemRefType>(result.getType()))
          worklist.push_back(result);
    }
  }
  return last;
}

/// First fit, largest buffers first, among the buffers whose live ranges
/// overlap; returns the workspace size.
static int64_t assignOffsets(MutableArrayRef<Buffer> buffers) {
  SmallVector<Buffer *> order;
  for (Buffer &b : buffers)
    order.push_back(&b);
  llvm::stable_sort(order, [](const Buffer *a, const Buffer *b) {
    return a->bytes > b->bytes;
  });
  SmallVector<Buffer *> placed;
  int64_t total = 0;
  for (Buffer *buffer : order) {
    SmallVector<std::pair<int64_t, int64_t>> taken;
    for (Buffer *other : placed)
      if (other->first <= buffer->last && buffer->first <= other->last)
        taken.push_back({other->offset, other->offset + other->bytes});
    llvm::sort(taken);
    int64_t offset = 0;
    for (auto [begin, end] : taken) {
      if (offset + buffer->bytes <= begin)
        break;
      offset =
          std::max(offset, (end + kAlignment - 1) / kAlignment * kAlignment);
    }
    buffer->offset = offset;
    total = std::max(total, offset + buffer->bytes);
    placed.push_back(buffer);
  }
  return (total + kAlignment - 1) / kAlignment * kAlignment;
}

namespace {
struct PlanWorkspacePass : se::impl::SEPlanWorkspaceBase<PlanWorkspacePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto func : llvm::to_vector(module.getOps<func::FuncOp>()))
      if (func.isPublic() && !func.isExternal() &&
          !func->hasAttr(se::kABIQueryAttrName))
        plan(module, func);
  }

  void plan(ModuleOp module, func::FuncOp func) {
    Block &body = func.getBody().front();
    DenseMap<Operation *, int64_t> positions;
    int64_t position = 0;
    for (Operation &op : body)
      positions[&op] = position++;

    SmallVector<Buffer> buffers;
    for (auto alloc : body.getOps<memref::AllocOp>()) {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
          !type.getElementType().isIntOrFloat())
        continue;
      int64_t bytes = type.getNumElements() * type.getElementTypeBitWidth() / 8;
      if (bytes < minBytes)
        continue;
      buffers.push_back({alloc, bytes, positions.lookup(alloc),
                         lastUse(body, alloc, positions)});
    }
    int64_t total = buffers.empty() ? 0 : assignOffsets(buffers);

    // Every public function takes the workspace, used or not: one ABI.
    OpBuilder b(func.getContext());
    auto workspaceType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());
    (void)func.insertArgument(func.getNumArguments(), workspaceType, {},
                              func.getLoc());
    Value workspace = func.getArgument(func.getNumArguments() - 1);
    {
      for (Buffer &buffer : buffers) {
        b.setInsertionPoint(buffer.alloc);
        Value offset = arith::ConstantIndexOp::create(b, buffer.alloc.getLoc(),
                                                      buffer.offset);
        auto view = memref::ViewOp::create(b, buffer.alloc.getLoc(),
                                           buffer.alloc.getType(), workspace,
                                           offset, ValueRange{});
        // One view per tensor, even where two share an offset over time:
        // CSE must not merge them (the traffic report tells tensors apart
        // by their view).
        view->setAttr(se::kWorkspaceBufferAttrName,
                      b.getI64IntegerAttr(&buffer - buffers.data()));
        buffer.alloc.replaceAllUsesWith(view.getResult());
        // Nothing frees a planned buffer: drop any dealloc of it.
        buffer.alloc.erase();
      }
    }

    // <name>_workspace_bytes() -> i64, for the caller to size the workspace.
    b.setInsertionPointAfter(func);
    auto sizeFunc = func::FuncOp::create(
        b, func.getLoc(), (func.getName() + "_workspace_bytes").str(),
        b.getFunctionType({}, {b.getI64Type()}));
    sizeFunc->setAttr(se::kABIQueryAttrName, b.getUnitAttr());
    Block *entry = sizeFunc.addEntryBlock();
    b.setInsertionPointToEnd(entry);
    Value size = arith::ConstantIntOp::create(b, func.getLoc(), total, 64);
    func::ReturnOp::create(b, func.getLoc(), size);
  }
};
} // namespace
