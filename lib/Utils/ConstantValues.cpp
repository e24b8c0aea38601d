//===- ConstantValues.cpp - read and make f32 weight constants ------------===//

#include "se/Utils/ConstantValues.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

std::optional<std::vector<float>> mlir::se::getF32Values(Attribute attr,
                                                         int64_t count) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != count * sizeof(float))
      return std::nullopt;
    const float *data = reinterpret_cast<const float *>(blob->getData().data());
    return std::vector<float>(data, data + count);
  }
  if (auto dense = dyn_cast<DenseFPElementsAttr>(attr)) {
    if (!dense.getElementType().isF32())
      return std::nullopt;
    if (dense.isSplat())
      return std::vector<float>(count, dense.getSplatValue<float>());
    std::vector<float> values;
    values.reserve(count);
    for (float v : dense.getValues<float>())
      values.push_back(v);
    return values;
  }
  return std::nullopt;
}

std::optional<std::vector<int8_t>> mlir::se::getI8Values(Attribute attr,
                                                         int64_t count) {
  auto elements = dyn_cast<ElementsAttr>(attr);
  if (!elements || !elements.getElementType().isInteger(8))
    return std::nullopt;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != static_cast<size_t>(count))
      return std::nullopt;
    const auto *data = reinterpret_cast<const int8_t *>(blob->getData().data());
    return std::vector<int8_t>(data, data + count);
  }
  auto dense = dyn_cast<DenseIntElementsAttr>(attr);
  if (!dense || dense.getNumElements() != count)
    return std::nullopt;
  std::vector<int8_t> values;
  values.reserve(count);
  for (const APInt &v : dense.getValues<APInt>())
    values.push_back(static_cast<int8_t>(v.getSExtValue()));
  return values;
}

DenseResourceElementsAttr mlir::se::makeResource(ShapedType type,
                                                 StringRef hint,
                                                 ArrayRef<char> bytes,
                                                 size_t alignment) {
  // memcpy may not be passed a null pointer, not even for 0 bytes.
  static const char kNoData = 0;
  if (bytes.empty())
    bytes = ArrayRef<char>(&kNoData, size_t(0));
  return DenseResourceElementsAttr::get(
      type, hint,
      HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, alignment));
}

DenseResourceElementsAttr mlir::se::makeF32Resource(RankedTensorType type,
                                                    StringRef hint,
                                                    ArrayRef<float> values) {
  return makeResource(
      type, hint,
      ArrayRef<char>(reinterpret_cast<const char *>(values.data()),
                     values.size() * sizeof(float)),
      alignof(float));
}
