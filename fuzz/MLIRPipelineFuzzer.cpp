//===- MLIRPipelineFuzzer.cpp - libFuzzer target for .mlir input ----------===//
//
// Feeds arbitrary bytes to se-compile's .mlir path: parse, verify, and on
// whatever verifies the compiler down to the LLVM dialect, as se-compile
// would (the signature checks, se-cpu-pipeline). Any input must be refused
// with diagnostics or compile: a crash, a hang or a sanitizer report is a
// bug. The input's size picks the target ISA (AVX-512 or AVX2), threads and
// the model ABI, so that one corpus covers the pipeline's variants.
// Built with -DSE_BUILD_FUZZERS=ON; run by scripts/fuzz.sh mlir.
//
//===----------------------------------------------------------------------===//

#include "se/Compiler/Compiler.h"
#include "se/Compiler/Parse.h"
#include "se/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <sanitizer/lsan_interface.h>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static mlir::DialectRegistry *registry = [] {
    auto *r = new mlir::DialectRegistry();
    mlir::se::registerAllDialects(*r);
    return r;
  }();
  mlir::MLIRContext context(*registry, mlir::MLIRContext::Threading::DISABLED);
  context.getDiagEngine().registerHandler([](mlir::Diagnostic &) {});
  mlir::ParserConfig config(&context);
  // The lexer reads up to a terminating NUL, as the files se-compile opens
  // have: the buffer's copy has one.
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size)),
      llvm::SMLoc());
  // MLIR 22's parser crashes on some malformed input; the guarded parse
  // recovers and leaks the half-built IR (se/Compiler/Parse.h). The parse is
  // libMLIR's: its allocations are not leak-checked, the compiler's are.
  mlir::OwningOpRef<mlir::ModuleOp> module;
  {
    __lsan::ScopedDisabler unchecked;
    module = mlir::se::parseModuleGuarded(sourceMgr, config);
  }
  if (!module || mlir::failed(mlir::verify(*module)))
    return 0;

  mlir::se::CompilerOptions options;
  options.emit = mlir::se::EmitKind::LLVMDialect;
  options.pipeline.cpu = size % 2 ? "haswell" : "skylake-avx512";
  options.pipeline.threads = size % 4 < 2 ? 1 : 2;
  options.pipeline.workspace = size % 8 < 4;
  llvm::raw_null_ostream sink;
  llvm::buffer_ostream stream(sink);
  (void)mlir::se::compile(*module, options, stream);
  return 0;
}
