//===- ONNXImportFuzzer.cpp - libFuzzer target for the ONNX importer ------===//
//
// Feeds arbitrary bytes to the importer as an ONNX model and verifies what
// it builds. Any input must either import into valid IR or fail with an
// error message: a crash, a sanitizer report or invalid IR is a bug.
// Built with -DSE_BUILD_FUZZERS=ON; run by scripts/fuzz.sh onnx.
//
//===----------------------------------------------------------------------===//

#include "se/Import/ONNX.h"
#include "se/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static mlir::DialectRegistry *registry = [] {
    auto *r = new mlir::DialectRegistry();
    mlir::se::registerAllDialects(*r);
    return r;
  }();
  mlir::MLIRContext context(*registry, mlir::MLIRContext::Threading::DISABLED);
  // Failed verification prints diagnostics; keep the output quiet.
  context.getDiagEngine().registerHandler([](mlir::Diagnostic &) {});
  std::string error;
  auto module = mlir::se::importONNXBuffer(
      &context, llvm::StringRef(reinterpret_cast<const char *>(data), size),
      "fuzz.onnx", "/nonexistent", {}, error);
  if (mlir::failed(module)) {
    if (error.empty() || error.find('\n') != std::string::npos) {
      std::fprintf(stderr, "import failed without a one-line error\n");
      std::abort();
    }
    return 0;
  }
  if (mlir::failed(mlir::verify(**module))) {
    std::fprintf(stderr, "the importer built invalid IR\n");
    std::abort();
  }
  return 0;
}
