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
#include "llvm/ADT/SetVector.h"
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

/// What a loop that produces U row by row (`se.phase = "produce"`) does to
/// U in one iteration, when all its accesses to U go through one view of U
/// (the row): the row is worked on in cache, so the iteration stores it to
/// memory once, and loads it once if it first reads what the buffer held
/// (an op writing in place over the previous tenant).
struct RowTile {
  Value u;
  int64_t bytes = 0;
  bool loadsFirst = false;
  llvm::SmallPtrSet<Operation *, 16> accesses;
};

/// The view of `root` that `memref` is (a view of), directly taken from
/// `root`; null if `memref` is not a view of `root`.
Value viewTakenFrom(Value memref, Value root) {
  Value view;
  while (memref != root) {
    Operation *op = memref.getDefiningOp();
    if (!op || isa<memref::ViewOp>(op))
      return nullptr;
    view = memref;
    if (auto cast = dyn_cast<memref::CastOp>(op))
      memref = cast.getSource();
    else if (auto viewLike = dyn_cast<ViewLikeOpInterface>(op))
      memref = viewLike.getViewSource();
    else
      return nullptr;
  }
  return view;
}

std::optional<RowTile> matchRowTile(Operation *loop, Value u) {
  RowTile tile;
  tile.u = u;
  Value row;
  bool firstIsStore = false, oneRow = true;
  loop->walk([&](Operation *op) {
    auto info = access(op);
    if (!info || rootBuffer(std::get<0>(*info)) != u)
      return;
    Value view = viewTakenFrom(std::get<0>(*info), u);
    if (tile.accesses.empty()) {
      firstIsStore = std::get<2>(*info);
      row = view;
    }
    oneRow &= view && view == row;
    tile.accesses.insert(op);
  });
  if (!row || !oneRow || bufferBytes(row) == 0)
    return std::nullopt;
  tile.bytes = bufferBytes(row);
  tile.loadsFirst = !firstIsStore;
  return tile;
}

/// Adds the accesses under `root` to `traffic`, counting the rows of each
/// loop in `rows` once; false if a loop around an access has dynamic bounds.
bool addTraffic(Operation *root, Traffic &traffic,
                const DenseMap<Operation *, RowTile> &rows) {
  llvm::SmallPtrSet<Operation *, 16> inRows;
  for (auto &[loop, tile] : rows)
    if (root == loop || root->isProperAncestor(loop))
      inRows.insert(tile.accesses.begin(), tile.accesses.end());
  bool complete = true;
  root->walk([&](Operation *op) {
    auto row = rows.find(op);
    if (row != rows.end() && (root == op || root->isProperAncestor(op))) {
      // One store of the row per iteration of the loop (its body runs as
      // often as an op directly inside it).
      std::optional<int64_t> count =
          tripCount(&op->getRegion(0).front().front());
      if (!count) {
        complete = false;
        return;
      }
      auto &bytes = traffic[row->second.u];
      bytes.second += *count * row->second.bytes;
      if (row->second.loadsFirst)
        bytes.first += *count * row->second.bytes;
      return;
    }
    if (inRows.contains(op))
      return;
    if (auto copy = dyn_cast<memref::CopyOp>(op)) {
      // A copy (one row of a padding copy, say) loads its source and stores
      // its target.
      std::optional<int64_t> count = tripCount(op);
      int64_t bytes = bufferBytes(copy.getSource());
      if (!count || bytes == 0) {
        complete = false;
        return;
      }
      traffic[rootBuffer(copy.getSource())].first += *count * bytes;
      traffic[rootBuffer(copy.getTarget())].second += *count * bytes;
      return;
    }
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

/// The largest of `buffers` (null if none has a static size).
Value largest(ArrayRef<Value> buffers) {
  Value best;
  for (Value buffer : buffers)
    if (bufferBytes(buffer) > 0 &&
        (!best || bufferBytes(buffer) > bufferBytes(best)))
      best = buffer;
  return best;
}

/// The root buffers `root` loads from (or stores to).
SmallVector<Value> buffersAccessed(Operation *root, bool stores) {
  SetVector<Value> buffers;
  root->walk([&](Operation *op) {
    auto info = access(op);
    if (info && std::get<2>(*info) == stores)
      buffers.insert(rootBuffer(std::get<0>(*info)));
  });
  return buffers.takeVector();
}

struct TrafficReportPass : se::impl::SECPUTrafficReportBase<TrafficReportPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;

    // Each block's first tagged loop: its squeeze or, fused, the loop that
    // produces U's rows.
    struct SEBlock {
      Operation *anchor = nullptr;
      Value u;
      SmallVector<Operation *> squeezes, rowLoops;
      // The loops that read U for the block: the unfused squeeze, the scale
      // (or the readers that apply it), outermost only.
      SmallVector<Operation *> readers;
      bool scaleInReaders = false;
    };
    std::map<std::string, SEBlock> blocks;
    // Top-level ops that belong to some block's squeeze or scale: where a
    // buffer's previous tenant was last read.
    llvm::SmallPtrSet<Operation *, 16> phaseOps;
    Block &body = func.getBody().front();
    func.walk<WalkOrder::PreOrder>([&](Operation *loop) {
      auto phase = loop->getAttrOfType<StringAttr>(se::kSEPhaseAttrName);
      auto name = loop->getAttrOfType<StringAttr>(se::kSEBlockAttrName);
      if (!phase || !name)
        return;
      SEBlock &block = blocks[name.getValue().str()];
      if (phase.getValue() == "produce") {
        block.rowLoops.push_back(loop);
      } else {
        if (phase.getValue() == "squeeze")
          block.squeezes.push_back(loop);
        if (phase.getValue() == "scaled-read")
          block.scaleInReaders = true;
        auto encloses = [&](Operation *outer) {
          return outer->isProperAncestor(loop);
        };
        if (llvm::none_of(block.rowLoops, encloses) &&
            llvm::none_of(block.readers, encloses)) {
          block.readers.push_back(loop);
          phaseOps.insert(body.findAncestorOpInBlock(*loop));
        }
      }
      if (!block.anchor && phase.getValue() != "scale" &&
          phase.getValue() != "scaled-read")
        block.anchor = loop;
    });

    DenseMap<Operation *, size_t> position;
    for (Operation &top : body)
      position[&top] = position.size();

    // U: unfused, the largest buffer the squeeze reads; fused, the largest
    // buffer the row loop writes that the block's readers read (the loop may
    // also write rows of intermediate results, read only inside it).
    DenseMap<Operation *, RowTile> rows;
    for (auto &[name, block] : blocks) {
      if (!block.anchor)
        continue;
      Value &u = block.u;
      if (block.rowLoops.empty()) {
        SmallVector<Value> read;
        for (Operation *squeeze : block.squeezes)
          llvm::append_range(read, buffersAccessed(squeeze, false));
        u = largest(read);
      } else {
        SmallVector<Value> readAfter;
        for (Operation *reader : block.readers)
          llvm::append_range(readAfter, buffersAccessed(reader, false));
        SmallVector<Value> candidates;
        for (Operation *row : block.rowLoops)
          for (Value buffer : buffersAccessed(row, true))
            if (llvm::is_contained(readAfter, buffer))
              candidates.push_back(buffer);
        u = largest(candidates);
        for (Operation *row : block.rowLoops)
          if (u)
            if (std::optional<RowTile> tile = matchRowTile(row, u))
              rows[row] = std::move(*tile);
      }
    }

    // Buffers are reused (in-place chains, planned workspace slots): the
    // traffic is counted per top-level op so that U's live range can be
    // told from its buffer's other tenants.
    SmallVector<Traffic> traffic;
    SmallVector<Operation *> topLevel;
    bool complete = true;
    for (Operation &top : body) {
      topLevel.push_back(&top);
      complete &= addTraffic(&top, traffic.emplace_back(), rows);
    }

    for (auto &[name, block] : blocks) {
      Value u = block.u;
      if (!u) {
        // Ops too small to be tiled keep no loop to carry the tags.
        func.emitRemark() << "SE block '" << name
                          << "': not traced (its loops were not tiled)";
        continue;
      }
      int64_t size = bufferBytes(u);
      size_t anchor =
          position.lookup(body.findAncestorOpInBlock(*block.anchor));
      // U's producers: going back from the anchor, the ops that write U (a
      // fill, the producing op, in-place element-wise ops), up to the
      // previous tenant's last reader (an op that only reads the buffer, or
      // another block's squeeze or scale). Its readers: the block's own
      // loops.
      int64_t producerLoads = 0, stores = 0;
      for (size_t i = anchor + 1; i-- > 0;) {
        auto [loaded, stored] = traffic[i].lookup(u);
        bool otherBlock =
            i != anchor && phaseOps.contains(topLevel[i]) &&
            llvm::none_of(block.readers, [&](Operation *r) {
              return body.findAncestorOpInBlock(*r) == topLevel[i];
            });
        if ((stored == 0 && loaded > 0 && stores > 0) ||
            (otherBlock && stores > 0))
          break;
        if (stored == 0)
          continue;
        producerLoads += loaded;
        stores += stored;
      }
      Traffic own;
      for (Operation *reader : block.readers)
        complete &= addTraffic(reader, own, rows);
      int64_t loads = own.lookup(u).first;
      std::string text;
      llvm::raw_string_ostream os(text);
      os << "SE block '" << name << "': U (" << size << " bytes) stored "
         << llvm::format("%.2f", double(stores) / size) << "x, loaded "
         << llvm::format("%.2f", double(loads) / size) << "x by its readers ("
         << llvm::format("%.2f", double(producerLoads) / size)
         << "x by its producers)";
      for (Operation *loop : block.rowLoops)
        if (auto row = rows.find(loop); row != rows.end()) {
          os << "; squeezed in the producer's loop, rows of "
             << row->second.bytes << " bytes";
          break;
        }
      if (block.scaleInReaders)
        os << "; scaled by its readers";
      if (!complete)
        os << "; loops with dynamic bounds not counted";
      func.emitRemark(text);
    }
  }
};
} // namespace
