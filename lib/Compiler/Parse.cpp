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

/// Runs `parse` with signals caught; returns false if it crashed. The
/// recovery handlers are installed only around the call, so any other crash
/// of the tool keeps its stack dump.
static bool runRecoveringFromCrash(function_ref<void()> parse) {
  llvm::CrashRecoveryContext::Enable();
  llvm::CrashRecoveryContext recovery;
  bool survived = recovery.RunSafely(parse);
  llvm::CrashRecoveryContext::Disable();
  return survived;
}

OwningOpRef<ModuleOp> mlir::se::parseModuleGuarded(llvm::SourceMgr &sourceMgr,
                                                   const ParserConfig &config) {
  OwningOpRef<ModuleOp> module;
  // After a crash the half-built IR is unreachable: it is leaked, not freed.
  if (runRecoveringFromCrash(
          [&] { module = parseSourceFile<ModuleOp>(sourceMgr, config); }))
    return module;
  (void)module.release();
  MLIRContext *context = config.getContext();
  const llvm::MemoryBuffer *buffer =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  emitError(UnknownLoc::get(context))
      << buffer->getBufferIdentifier() << ": " << kParserCrashMessage;
  return nullptr;
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
    OwningOpRef<ModuleOp> module;
    if (runRecoveringFromCrash([&] {
          module = parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&context));
        }))
      return success();
    (void)module.release();
    os << diagnostics << sourceMgr.getMemoryBuffer(1)->getBufferIdentifier()
       << ": error: " << kParserCrashMessage << "\n";
    return failure();
  };
  llvm::raw_null_ostream sink;
  return splitAndProcessBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(buffer.getBuffer(),
                                           buffer.getBufferIdentifier()),
      checkChunk, sink, splitMarker, "");
}
