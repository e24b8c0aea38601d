//===- FoldConstantDequantize.cpp - int8 weights to f32 constants ---------===//

#include "se/Dialect/SE/IR/SEOps.h"
#include "se/Dialect/SE/Transforms/Passes.h"
#include "se/Utils/ConstantValues.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"

namespace mlir::se {
#define GEN_PASS_DEF_SEFOLDCONSTANTDEQUANTIZE
#include "se/Dialect/SE/Transforms/Passes.h.inc"
} // namespace mlir::se

using namespace mlir;
using namespace mlir::se;

std::optional<std::vector<float>>
mlir::se::dequantizeConstant(DequantizeOp op) {
  Attribute attr;
  if (!matchPattern(op.getInput(), m_Constant(&attr)))
    return std::nullopt;
  auto type = cast<RankedTensorType>(op.getInput().getType());
  std::optional<std::vector<int8_t>> codes =
      getI8Values(attr, type.getNumElements());
  if (!codes)
    return std::nullopt;
  bool unsignedCodes = op.getStorage() == QuantStorage::U8;
  ArrayRef<float> scales = op.getScales();
  ArrayRef<int32_t> zeroPoints = op.getZeroPoints();
  // Element i's index along the axis: (i / inner) % extent.
  int64_t inner = 1, extent = 1;
  if (auto axis = op.getAxis()) {
    extent = type.getDimSize(*axis);
    for (int64_t d = *axis + 1; d < type.getRank(); ++d)
      inner *= type.getDimSize(d);
  }
  std::vector<float> values;
  values.reserve(codes->size());
  for (auto [i, code] : llvm::enumerate(*codes)) {
    int64_t c = (static_cast<int64_t>(i) / inner) % extent;
    int32_t q = unsignedCodes ? static_cast<uint8_t>(code) : code;
    values.push_back(static_cast<float>(q - zeroPoints[c]) * scales[c]);
  }
  return values;
}

namespace {
struct FoldConstantDequantizePass
    : se::impl::SEFoldConstantDequantizeBase<FoldConstantDequantizePass> {
  void runOnOperation() override {
    getOperation().walk([&](DequantizeOp op) {
      std::optional<std::vector<float>> values = dequantizeConstant(op);
      if (!values)
        return;
      auto type = cast<RankedTensorType>(op.getType());
      OpBuilder builder(op);
      Value folded =
          tosa::ConstOp::create(builder, op.getLoc(), type,
                                makeF32Resource(type, "dequantized", *values));
      op.replaceAllUsesWith(folded);
      Operation *codes = op.getInput().getDefiningOp();
      op.erase();
      if (codes->use_empty())
        codes->erase();
    });
  }
};
} // namespace
