//===- PrefetchFilters.cpp - software prefetch of streamed filters --------===//
//
// A convolution's filter is read once per tile; for the first tile it comes
// from memory, where the hardware prefetchers stop at every 4 KiB page and
// the reads wait on each new page. In each loop over input channels that
// se-cpu-conv-microkernels marked, every vector read from a memref (the
// filter's) gets a prefetch of the same memref some input channels ahead
// (in memory order: past the end of a dimension the address runs on into
// the next one; prefetches never fault).
//
//===----------------------------------------------------------------------===//

#include "se/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlir::se {
#define GEN_PASS_DEF_SECPUPREFETCHFILTERS
#include "se/Codegen/CPU/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;

namespace {
struct PrefetchFiltersPass
    : se::impl::SECPUPrefetchFiltersBase<PrefetchFiltersPass> {
  void runOnOperation() override {
    OpBuilder b(&getContext());
    getOperation().walk([&](scf::ForOp loop) {
      auto ahead = loop->getAttrOfType<IntegerAttr>(se::kPrefetchAheadAttrName);
      if (!ahead)
        return;
      loop->removeAttr(se::kPrefetchAheadAttrName);
      for (auto read : loop.getBody()->getOps<vector::TransferReadOp>()) {
        if (!isa<MemRefType>(read.getBase().getType()) ||
            read.getIndices().size() < 2)
          continue;
        b.setInsertionPoint(read);
        SmallVector<Value> indices(read.getIndices());
        Value &channel = indices[indices.size() - 2];
        channel = arith::AddIOp::create(
            b, read.getLoc(), channel,
            arith::ConstantIndexOp::create(b, read.getLoc(), ahead.getInt()));
        memref::PrefetchOp::create(b, read.getLoc(), read.getBase(), indices,
                                   /*isWrite=*/false, /*localityHint=*/3,
                                   /*isDataCache=*/true);
      }
    });
  }
};
} // namespace
