//===- TrafficReport.cpp - bytes each SE block's feature map moves --------===//

#include "se/Codegen/CPU/Passes.h"

#include "se/Dialect/SE/IR/SEOps.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/Support/Format.h"

#include <map>

namespace mlir::se {
#define GEN_PASS_DEF_SECPUTRAFFICREPORT
#include "se/Codegen/CPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

namespace {

/// The buffer a memref value is a view of: a function argument, an
/// allocation, or one planned workspace buffer (a `memref.view`).
Value rootBuffer(Value memref) {
  while (Operation *op = memref.getDefiningOp()) {
    if (isa<memref::ViewOp>(op))
      break;
    if (auto cast = dyn_cast<memref::CastOp>(op)) {
      memref = cast.getSource();
      continue;
    }
    auto view = dyn_cast<ViewLikeOpInterface>(op);
    if (!view)
      break;
    memref = view.getViewSource();
  }
  return memref;
}

int64_t bufferBytes(Value buffer) {
  auto type = dyn_cast<MemRefType>(buffer.getType());
  if (!type || !type.hasStaticShape())
    return 0;
  return type.getNumElements() * type.getElementTypeBitWidth() / 8;
}

std::optional<int64_t> constant(Value v) {
  APInt value;
  if (!matchPattern(v, m_ConstantInt(&value)))
    return std::nullopt;
  return value.getSExtValue();
}

/// How many times `op` runs per call: the product of the static trip counts
/// of the loops around it (nullopt if one is not static).
std::optional<int64_t> tripCount(Operation *op) {
  int64_t count = 1;
  auto multiply = [&](Value lb, Value ub, Value step) -> bool {
    auto l = constant(lb), u = constant(ub), s = constant(step);
    if (!l || !u || !s || *s <= 0)
      return false;
    count *= std::max<int64_t>(0, (*u - *l + *s - 1) / *s);
    return true;
  };
  for (Operation *parent = op->getParentOp(); parent;
       parent = parent->getParentOp()) {
    if (auto loop = dyn_cast<scf::ForOp>(parent)) {
      if (!multiply(loop.getLowerBound(), loop.getUpperBound(), loop.getStep()))
        return std::nullopt;
    } else if (auto loop = dyn_cast<scf::ParallelOp>(parent)) {
      for (auto [lb, ub, step] : llvm::zip(
               loop.getLowerBound(), loop.getUpperBound(), loop.getStep()))
        if (!multiply(lb, ub, step))
          return std::nullopt;
    } else if (auto loop = dyn_cast<omp::LoopNestOp>(parent)) {
      for (auto [lb, ub, step] :
           llvm::zip(loop.getLoopLowerBounds(), loop.getLoopUpperBounds(),
                     loop.getLoopSteps()))
        if (!multiply(lb, ub, step))
          return std::nullopt;
    } else if (auto loop = dyn_cast<affine::AffineForOp>(parent)) {
      if (!loop.hasConstantBounds())
        return std::nullopt;
      count *= std::max<int64_t>(0, (loop.getConstantUpperBound() -
                                     loop.getConstantLowerBound() +
                                     loop.getStepAsInt() - 1) /
                                        loop.getStepAsInt());
    }
  }
  return count;
}

/// The memref an access op reads or writes, and the bytes of one access.
std::optional<std::tuple<Value, int64_t, bool>> access(Operation *op) {
  auto bytes = [](Type type) -> int64_t {
    if (auto vector = dyn_cast<VectorType>(type))
      return vector.getNumElements() * vector.getElementTypeBitWidth() / 8;
    return type.getIntOrFloatBitWidth() / 8;
  };
  if (auto read = dyn_cast<vector::TransferReadOp>(op))
    return std::make_tuple(read.getBase(), bytes(read.getVectorType()), false);
  if (auto write = dyn_cast<vector::TransferWriteOp>(op))
    return std::make_tuple(write.getBase(), bytes(write.getVectorType()), true);
  if (auto load = dyn_cast<vector::LoadOp>(op))
    return std::make_tuple(load.getBase(), bytes(load.getVectorType()), false);
  if (auto store = dyn_cast<vector::StoreOp>(op))
    return std::make_tuple(store.getBase(), bytes(store.getVectorType()), true);
  if (auto load = dyn_cast<memref::LoadOp>(op))
    return std::make_tuple(load.getMemRef(), bytes(load.getType()), false);
  if (auto store = dyn_cast<memref::StoreOp>(op))
    return std::make_tuple(store.getMemRef(),
                           bytes(store.getValueToStore().getType()), true);
  return std::nullopt;
}

/// Bytes loaded and stored per root buffer.
using Traffic = DenseMap<Value, std::pair<int64_t, int64_t>>;

/// Adds the accesses under `root` to `traffic`; false if a loop around one
/// has dynamic bounds.
bool addTraffic(Operation *root, Traffic &traffic) {
  bool complete = true;
  root->walk([&](Operation *op) {
    auto info = access(op);
    if (!info || !isa<MemRefType>(std::get<0>(*info).getType()))
      return;
    std::optional<int64_t> count = tripCount(op);
    if (!count) {
      complete = false;
      return;
    }
    auto &bytes = traffic[rootBuffer(std::get<0>(*info))];
    (std::get<2>(*info) ? bytes.second : bytes.first) +=
        *count * std::get<1>(*info);
  });
  return complete;
}

struct TrafficReportPass : se::impl::SECPUTrafficReportBase<TrafficReportPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    Block &body = func.getBody().front();
    // Buffers are reused (in-place chains, planned workspace slots): the
    // traffic is counted per top-level op so that each block sees only its
    // U's producers and its own phases.
    SmallVector<Traffic> traffic;
    DenseMap<Operation *, size_t> position;
    bool complete = true;
    for (Operation &top : body) {
      position[&top] = traffic.size();
      complete &= addTraffic(&top, traffic.emplace_back());
    }

    struct SEBlock {
      Value u;
      size_t squeeze = SIZE_MAX;
      Traffic own; // the squeeze and scale loops
    };
    std::map<std::string, SEBlock> blocks;
    func.walk([&](Operation *loop) {
      auto phase = loop->getAttrOfType<StringAttr>(se::kSEPhaseAttrName);
      auto name = loop->getAttrOfType<StringAttr>(se::kSEBlockAttrName);
      if (!phase || !name)
        return;
      SEBlock &block = blocks[name.getValue().str()];
      complete &= addTraffic(loop, block.own);
      if (phase.getValue() != "squeeze")
        return;
      block.squeeze = std::min(
          block.squeeze, position.lookup(body.findAncestorOpInBlock(*loop)));
      // U: the largest buffer the squeeze reads.
      loop->walk([&](Operation *op) {
        auto info = access(op);
        if (!info || std::get<2>(*info))
          return;
        Value root = rootBuffer(std::get<0>(*info));
        if (!block.u || bufferBytes(root) > bufferBytes(block.u))
          block.u = root;
      });
    });

    for (auto &[name, block] : blocks) {
      int64_t size = bufferBytes(block.u);
      if (!block.u || size == 0 || block.squeeze == SIZE_MAX)
        continue;
      // U's producers: going back from the squeeze, past U's other readers,
      // the ops that write U (a fill, the producing op, in-place
      // element-wise ops), up to the previous tenant's last reader.
      int64_t producedLoads = 0, stores = 0;
      bool inProducers = false;
      for (size_t i = block.squeeze; i-- > 0;) {
        auto [loaded, stored] = traffic[i].lookup(block.u);
        if (stored == 0) {
          if (loaded > 0 && inProducers)
            break;
          continue;
        }
        inProducers = true;
        producedLoads += loaded;
        stores += stored;
      }
      auto [ownLoads, ownStores] = block.own.lookup(block.u);
      std::string text;
      llvm::raw_string_ostream os(text);
      os << "SE block '" << name << "': U (" << size << " bytes) stored "
         << llvm::format("%.2f", double(stores + ownStores) / size)
         << "x, loaded " << llvm::format("%.2f", double(ownLoads) / size)
         << "x by the block ("
         << llvm::format("%.2f", double(producedLoads) / size)
         << "x by its producers)"
         << (complete ? "" : "; loops with dynamic bounds not counted");
      func.emitRemark(text);
    }
  }
};
} // namespace
