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

#include <optional>
#include <vector>

namespace mlir::se {

/// The `count` f32 values of a dense or dense_resource attribute, or nothing
/// when the attribute holds something else (or an elided blob).
std::optional<std::vector<float>> getF32Values(Attribute attr, int64_t count);

/// A dense_resource attribute of `type` holding `values`, in a blob named
/// after `hint` (made unique by the resource manager).
DenseResourceElementsAttr makeF32Resource(RankedTensorType type, StringRef hint,
                                          ArrayRef<float> values);

} // namespace mlir::se

#endif // SE_UTILS_CONSTANTVALUES_H
