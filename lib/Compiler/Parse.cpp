//===- Parse.cpp - parsing .mlir input that MLIR 22's parser may crash on -===//

#include "se/Compiler/Parse.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/ToolUtilities.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace mlir::se;

static constexpr const char *kParserCrashMessage =
    "MLIR 22's parser crashed after the error above (a known upstream bug); "
    "nothing was compiled";

/// Parses the main buffer of `sourceMgr` with signals caught; `crashed`
/// tells whether the parser crashed. The recovery handlers are installed
/// only around the parse, so any other crash of the tool keeps its stack
/// dump. After a crash the half-built IR is unreachable: it is leaked, not
/// freed.
static OwningOpRef<ModuleOp> parseRecovering(llvm::SourceMgr &sourceMgr,
                                             const ParserConfig &config,
                                             bool &crashed) {
  OwningOpRef<ModuleOp> module;
  llvm::CrashRecoveryContext::Enable();
  llvm::CrashRecoveryContext recovery;
  crashed = !recovery.RunSafely(
      [&] { module = parseSourceFile<ModuleOp>(sourceMgr, config); });
  llvm::CrashRecoveryContext::Disable();
  if (crashed)
    (void)module.release();
  return module;
}

OwningOpRef<ModuleOp> mlir::se::parseModuleGuarded(llvm::SourceMgr &sourceMgr,
                                                   const ParserConfig &config) {
  bool crashed;
  OwningOpRef<ModuleOp> module = parseRecovering(sourceMgr, config, crashed);
  if (crashed) {
    const llvm::MemoryBuffer *buffer =
        sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
    emitError(UnknownLoc::get(config.getContext()))
        << buffer->getBufferIdentifier() << ": " << kParserCrashMessage;
  }
  return module;
}

LogicalResult mlir::se::checkParserSurvives(llvm::MemoryBufferRef buffer,
                                            const DialectRegistry &registry,
                                            StringRef splitMarker,
                                            raw_ostream &os) {
  auto checkChunk = [&](std::unique_ptr<llvm::MemoryBuffer> chunk,
                        raw_ostream &) -> LogicalResult {
    MLIRContext context(registry, MLIRContext::Threading::DISABLED);
    context.allowUnregisteredDialects();
    llvm::SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(std::move(chunk), llvm::SMLoc());
    std::string diagnostics;
    llvm::raw_string_ostream diagnosticStream(diagnostics);
    SourceMgrDiagnosticHandler handler(sourceMgr, &context, diagnosticStream);
    bool crashed;
    (void)parseRecovering(sourceMgr, ParserConfig(&context), crashed);
    if (!crashed)
      return success();
    os << diagnostics
       << sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID())
              ->getBufferIdentifier()
       << ": error: " << kParserCrashMessage << "\n";
    return failure();
  };
  llvm::raw_null_ostream sink;
  return splitAndProcessBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(buffer.getBuffer(),
                                           buffer.getBufferIdentifier()),
      checkChunk, sink, splitMarker, "");
}
