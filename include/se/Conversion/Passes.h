//===- Passes.h - se conversion passes --------------------------*- C++ -*-===//

#ifndef SE_CONVERSION_PASSES_H
#define SE_CONVERSION_PASSES_H

#include "se/Conversion/SEToLinalg/SEToLinalg.h"

#include "mlir/Pass/Pass.h"

namespace mlir::se {

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "se/Conversion/Passes.h.inc"

} // namespace mlir::se

#endif // SE_CONVERSION_PASSES_H
