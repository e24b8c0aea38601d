//===- se-compile.cpp - compile se/MLIR programs to native code -----------===//
//
// A thin front end over the se Compiler library: parses the input, maps the
// command line onto CompilerOptions and writes the requested artefact.
//
//===----------------------------------------------------------------------===//

#include "se/Compiler/Compiler.h"
#include "se/InitAll.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
using namespace llvm;

static cl::OptionCategory compileCategory("se-compile options");

static cl::opt<std::string> inputFilename(cl::Positional,
                                          cl::desc("<input .mlir file>"),
                                          cl::init("-"),
                                          cl::cat(compileCategory));

static cl::opt<std::string> outputFilename("o", cl::desc("Output file"),
                                           cl::value_desc("filename"),
                                           cl::init("-"),
                                           cl::cat(compileCategory));

static cl::opt<se::EmitKind> emitKind(
    "emit", cl::desc("What to write"), cl::init(se::EmitKind::Object),
    cl::values(
        clEnumValN(se::EmitKind::MLIR, "mlir",
                   "graph-level IR (parsed, verified, canonicalized)"),
        clEnumValN(se::EmitKind::Linalg, "linalg", "linalg on tensors"),
        clEnumValN(se::EmitKind::LLVMDialect, "llvm-dialect",
                   "the LLVM dialect after se-cpu-pipeline"),
        clEnumValN(se::EmitKind::LLVMIR, "llvm", "optimized LLVM IR"),
        clEnumValN(se::EmitKind::Asm, "asm", "target assembly"),
        clEnumValN(se::EmitKind::Object, "obj", "a relocatable object file")),
    cl::cat(compileCategory));

static cl::opt<std::string> targetTriple("mtriple",
                                         cl::desc("Target triple (default: "
                                                  "the host)"),
                                         cl::init(""),
                                         cl::cat(compileCategory));

static cl::opt<std::string> targetCPU("mcpu",
                                      cl::desc("Target CPU, or 'host'"),
                                      cl::init("host"),
                                      cl::cat(compileCategory));

static cl::opt<std::string> targetFeatures(
    "mattr", cl::desc("Target features, e.g. +avx2,-avx512f"), cl::init(""),
    cl::cat(compileCategory));

/// libMLIR.so already registers a global `-threads` option (an int); two
/// options of one name abort at start-up, so se-compile adopts that one.
static cl::opt<int> &threadsOption() {
  static cl::opt<int> *option = [] {
    auto &registered = cl::getRegisteredOptions();
    auto it = registered.find("threads");
    cl::opt<int> *existing =
        it == registered.end() ? nullptr
                               : dynamic_cast<cl::opt<int> *>(it->second);
    if (!existing)
      existing = new cl::opt<int>("threads");
    existing->setDescription("Threads of the generated code");
    existing->setInitialValue(1);
    existing->addCategory(compileCategory);
    return existing;
  }();
  return *option;
}

static cl::list<int64_t>
    tileSizes("tile-sizes",
              cl::desc("Override every op's tile sizes (innermost last)"),
              cl::CommaSeparated, cl::cat(compileCategory));

static LogicalResult validateOptions() {
  if (threadsOption() < 1)
    return WithColor::error(errs(), "se-compile")
           << "--threads must be at least 1, got " << threadsOption() << "\n",
           failure();
  for (int64_t size : tileSizes)
    if (size < 0)
      return WithColor::error(errs(), "se-compile")
             << "--tile-sizes entries must be non-negative, got " << size
             << "\n",
             failure();
  if (emitKind == se::EmitKind::Object && outputFilename == "-" &&
      outs().is_displayed())
    return WithColor::error(errs(), "se-compile")
           << "refusing to write an object file to a terminal; use -o\n",
           failure();
  return success();
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  threadsOption();
  cl::HideUnrelatedOptions({&compileCategory, &getColorCategory()});
  cl::ParseCommandLineOptions(argc, argv,
                              "se-compile: SE networks to native code\n");
  if (failed(validateOptions()))
    return 1;

  DialectRegistry registry;
  se::registerAllDialects(registry);
  MLIRContext context(registry);

  std::string errorMessage;
  std::unique_ptr<MemoryBuffer> input =
      openInputFile(inputFilename, &errorMessage);
  if (!input) {
    WithColor::error(errs(), "se-compile") << errorMessage << "\n";
    return 1;
  }
  SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(input), SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1;

  std::unique_ptr<ToolOutputFile> output =
      openOutputFile(outputFilename, &errorMessage);
  if (!output) {
    WithColor::error(errs(), "se-compile") << errorMessage << "\n";
    return 1;
  }

  se::CompilerOptions options;
  options.emit = emitKind;
  options.pipeline.triple = targetTriple;
  options.pipeline.cpu = targetCPU;
  options.pipeline.features = targetFeatures;
  options.pipeline.threads = threadsOption();
  options.pipeline.tileSizes = ArrayRef<int64_t>(llvm::to_vector(tileSizes));

  DefaultTimingManager timing;
  applyDefaultTimingManagerCLOptions(timing);
  TimingScope rootTiming = timing.getRootScope();
  auto configure = [&](PassManager &pm) -> LogicalResult {
    pm.enableTiming(rootTiming);
    return applyPassManagerCLOptions(pm);
  };
  if (failed(se::compile(*module, options, output->os(), configure)))
    return 1;
  output->keep();
  return 0;
}
