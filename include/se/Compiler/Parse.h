//===- Parse.h - parsing .mlir input safely -------------------*- C++ -*-===//
//
// MLIR 22's parser crashes on some malformed input after reporting it (a
// malformed integer list after `dimensions =` or `permutation =` in linalg's
// custom syntax; docs/toolchain.md, "Parser crash"). The tools parse under
// llvm::CrashRecoveryContext so that such input ends in its diagnostics and
// one more error, never a signal.
//
//===----------------------------------------------------------------------===//

#ifndef SE_COMPILER_PARSE_H
#define SE_COMPILER_PARSE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/MemoryBufferRef.h"

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace mlir {
class DialectRegistry;

namespace se {

/// Parses the main buffer of `sourceMgr` as a module. Diagnostics go to the
/// context's handlers; a parser crash is reported as one more error naming
/// the buffer and gives null.
OwningOpRef<ModuleOp> parseModuleGuarded(llvm::SourceMgr &sourceMgr,
                                         const ParserConfig &config);

/// Parses `buffer` (each chunk between `splitMarker` lines, when the marker
/// is not empty) in a fresh context, as se-opt is about to. Fails if the
/// parser crashes on a chunk, after printing that chunk's diagnostics and
/// the reason to `os`.
LogicalResult checkParserSurvives(llvm::MemoryBufferRef buffer,
                                  const DialectRegistry &registry,
                                  StringRef splitMarker, raw_ostream &os);

} // namespace se
} // namespace mlir

#endif // SE_COMPILER_PARSE_H
