//===- ShapeText.h - shapes in messages and reports --------------*- C++ -*-===//

#ifndef SE_UTILS_SHAPETEXT_H
#define SE_UTILS_SHAPETEXT_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <string>

namespace mlir::se {

/// `1x3x224x224`; `scalar` for rank 0. Header-only: tools without the
/// compiler libraries (se-run) use it too.
inline std::string shapeText(llvm::ArrayRef<int64_t> shape) {
  std::string text;
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? "x" : "") + std::to_string(shape[i]);
  return text.empty() ? "scalar" : text;
}

} // namespace mlir::se

#endif // SE_UTILS_SHAPETEXT_H
