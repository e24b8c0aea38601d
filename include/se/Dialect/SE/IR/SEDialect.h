//===- SEDialect.h - se dialect ---------------------------------*- C++ -*-===//
//
// The se dialect: Squeeze-and-Excitation blocks as first-class ops.
//
//===----------------------------------------------------------------------===//

#ifndef SE_DIALECT_SE_IR_SEDIALECT_H
#define SE_DIALECT_SE_IR_SEDIALECT_H

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dialect.h"

#include "se/Dialect/SE/IR/SEOpsDialect.h.inc"

#endif // SE_DIALECT_SE_IR_SEDIALECT_H
