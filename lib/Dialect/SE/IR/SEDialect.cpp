//===- SEDialect.cpp - se dialect registration ----------------------------===//

#include "se/Dialect/SE/IR/SEDialect.h"
#include "se/Dialect/SE/IR/SEOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::se;

#include "se/Dialect/SE/IR/SEOpsDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "se/Dialect/SE/IR/SEAttrs.cpp.inc"

void SEDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "se/Dialect/SE/IR/SEOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "se/Dialect/SE/IR/SEAttrs.cpp.inc"
      >();
}
