//===- ConstantValues.h - read and make f32 weight constants ----*- C++ -*-===//
//
// Weights live in dense_resource blobs (the model zoo, large imports) or in
// dense elements (small or hand-written IR); compile-time weight transforms
// (packing, batch-norm folding) read both and write blobs.
//
//===----------------------------------------------------------------------===//

#ifndef SE_UTILS_CONSTANTVALUES_H
#define SE_UTILS_CONSTANTVALUES_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <vector>

namespace mlir::se {

/// The `count` f32 values of a dense or dense_resource attribute, or nothing
/// when the attribute holds something else (or an elided blob).
std::optional<std::vector<float>> getF32Values(Attribute attr, int64_t count);

/// The `count` 8-bit integers of a dense or dense_resource attribute of i8
/// elements (quantized weights), or nothing.
std::optional<std::vector<int8_t>> getI8Values(Attribute attr, int64_t count);

/// A dense_resource attribute of `type` holding a copy of `bytes`, aligned
/// to `alignment`, in a blob named after `hint`. Empty data is fine (the copy
/// never reads from a null pointer).
DenseResourceElementsAttr makeResource(ShapedType type, StringRef hint,
                                       ArrayRef<char> bytes, size_t alignment);

/// A dense_resource attribute of `type` holding `values`, in a blob named
/// after `hint` (made unique by the resource manager).
DenseResourceElementsAttr makeF32Resource(RankedTensorType type, StringRef hint,
                                          ArrayRef<float> values);

/// Row-major `values` of `shape` with their dimensions permuted: dimension
/// i of the result is dimension `perm[i]` of the input (a transpose).
template <typename T>
std::vector<T> permuteRowMajor(ArrayRef<T> values, ArrayRef<int64_t> shape,
                               ArrayRef<int64_t> perm) {
  int64_t rank = shape.size();
  SmallVector<int64_t> inStrides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    inStrides[d] = inStrides[d + 1] * shape[d + 1];
  // Walk the output in order; `source` follows in the input.
  SmallVector<int64_t> extents, steps, index(rank, 0);
  for (int64_t p : perm) {
    extents.push_back(shape[p]);
    steps.push_back(inStrides[p]);
  }
  std::vector<T> out;
  out.reserve(values.size());
  int64_t source = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    out.push_back(values[source]);
    for (int64_t d = rank - 1; d >= 0; --d) {
      source += steps[d];
      if (++index[d] < extents[d])
        break;
      source -= steps[d] * extents[d];
      index[d] = 0;
    }
  }
  return out;
}

} // namespace mlir::se

#endif // SE_UTILS_CONSTANTVALUES_H
