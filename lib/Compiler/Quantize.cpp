//===- Quantize.cpp - post-training quantization phase --------------------===//
//
// se-compile --quantize=int8: the ranges of the activations to quantize come
// from running the float model itself, compiled for the host CPU with those
// activations as its outputs, on the user's calibration inputs; then
// se-quantize-convolutions writes the quantization steps into the graph.
//
//===----------------------------------------------------------------------===//

#include "se/Compiler/Compiler.h"

#include "se/Analysis/CostReport.h"
#include "se/Codegen/CPU/Passes.h"
#include "se/Dialect/SE/IR/SEOps.h"
#include "se/Dialect/SE/Transforms/Passes.h"
#include "se/Runtime/MemRef.h"
#include "se/Support/ModelCall.h"
#include "se/Utils/ShapeText.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InterleavedRange.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace mlir::se;

namespace {
/// A compiled calibration model, loaded into this process.
class CalibrationModel {
public:
  ~CalibrationModel() {
    if (library)
      dlclose(library);
  }

  /// Writes `sharedObject` to a temporary file and loads it.
  LogicalResult load(StringRef sharedObject, std::string &error) {
    llvm::SmallString<128> path;
    if (llvm::sys::fs::createTemporaryFile("se-calibration", "so", path)) {
      error = "cannot create a temporary file for the calibration model";
      return failure();
    }
    llvm::FileRemover remove(path);
    {
      std::error_code ec;
      llvm::raw_fd_ostream file(path, ec);
      if (ec) {
        error = "cannot write " + path.str().str() + ": " + ec.message();
        return failure();
      }
      file << sharedObject;
    }
    library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!library) {
      error = std::string("cannot load the calibration model: ") + dlerror();
      return failure();
    }
    run = dlsym(library, "se_model_run");
    auto workspaceBytes = reinterpret_cast<int64_t (*)()>(
        dlsym(library, "se_model_workspace_bytes"));
    if (!run || !workspaceBytes) {
      error = "the calibration model lacks se_model_run";
      return failure();
    }
    workspace.assign(std::max<int64_t>(workspaceBytes(), 1) + 64, 0);
    return success();
  }

  /// Runs the model on `input` (of `inputShape`); its results, flat
  /// vectors of `resultSizes` elements, go one after another to `output`.
  void operator()(std::vector<float> &input, ArrayRef<int64_t> inputShape,
                  ArrayRef<int64_t> resultSizes, std::vector<float> &output) {
    SmallVector<SEMemRefAnyRank> descriptors;
    descriptors.push_back(se_memref_dense(input.data(), inputShape.data(),
                                          static_cast<int>(inputShape.size())));
    float *at = output.data();
    for (const int64_t &size : resultSizes) {
      descriptors.push_back(se_memref_dense(at, &size, 1));
      at += size;
    }
    auto *aligned = reinterpret_cast<int8_t *>(
        (reinterpret_cast<uintptr_t>(workspace.data()) + 63) / 64 * 64);
    SEByteMemRef1D ws = {aligned,
                         aligned,
                         0,
                         {static_cast<int64_t>(workspace.size() - 64)},
                         {1}};
    SmallVector<void *, kMaxModelArguments> args;
    for (SEMemRefAnyRank &d : descriptors)
      args.push_back(&d);
    args.push_back(&ws);
    callModelEntry(run, args);
  }

private:
  void *library = nullptr;
  void *run = nullptr;
  std::vector<int8_t> workspace;
};

/// Per activation: its extent, then (with a percentile) a histogram of its
/// values over that extent.
struct ActivationStatistics {
  int64_t offset = 0, count = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  std::vector<uint64_t> histogram;

  static constexpr int kBins = 4096;

  void observeExtent(ArrayRef<float> values) {
    for (float v : values) {
      min = std::min<double>(min, v);
      max = std::max<double>(max, v);
    }
  }
  void observeHistogram(ArrayRef<float> values) {
    histogram.resize(kBins, 0);
    double width = (max - min) / kBins;
    for (float v : values) {
      int bin = width > 0 ? static_cast<int>((v - min) / width) : 0;
      ++histogram[std::clamp(bin, 0, kBins - 1)];
    }
  }
  /// The value below which `fraction` of the observed values lie.
  double quantile(double fraction) const {
    uint64_t total = 0;
    for (uint64_t n : histogram)
      total += n;
    double target = fraction * static_cast<double>(total);
    double width = (max - min) / kBins;
    uint64_t seen = 0;
    for (int bin = 0; bin < kBins; ++bin) {
      if (static_cast<double>(seen + histogram[bin]) >= target)
        return min +
               width * (bin + (histogram[bin] ? (target - seen) / histogram[bin]
                                              : 0.0));
      seen += histogram[bin];
    }
    return max;
  }
};
} // namespace

/// Whether `root` holds quantization steps (a QDQ file, or quantized).
static bool hasQuantizationSteps(Operation *root) {
  return root
      ->walk([](Operation *op) {
        return isa<QuantizeOp, DequantizeOp>(op) ? WalkResult::interrupt()
                                                 : WalkResult::advance();
      })
      .wasInterrupted();
}

/// The calibration inputs: each file holds one or more f32 tensors of
/// `count` elements.
static LogicalResult readCalibrationInputs(ArrayRef<std::string> files,
                                           int64_t count, StringRef shape,
                                           std::vector<std::vector<float>> &out,
                                           std::string &error) {
  int64_t bytes = count * static_cast<int64_t>(sizeof(float));
  for (const std::string &file : files) {
    auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer) {
      error = "cannot read calibration file '" + file +
              "': " + buffer.getError().message();
      return failure();
    }
    StringRef data = (*buffer)->getBuffer();
    if (data.empty() || data.size() % bytes != 0) {
      error = ("calibration file '" + file + "' has " + Twine(data.size()) +
               " bytes, not a multiple of the input's " + shape + " f32 (" +
               Twine(bytes) + " bytes)")
                  .str();
      return failure();
    }
    for (size_t at = 0; at < data.size(); at += bytes) {
      std::vector<float> &sample = out.emplace_back(count);
      std::memcpy(sample.data(), data.data() + at, bytes);
      for (float v : sample)
        if (!std::isfinite(v)) {
          error = "calibration file '" + file + "' holds NaN or infinity";
          return failure();
        }
    }
  }
  return success();
}

/// The largest weight code for `options`' target: 64 where the integer
/// convolutions run without VNNI, so that every filter's pairs of products
/// fit i16 and take vpmaddubsw (exact), twice the multiply-adds of
/// vpmaddwd per instruction; 127 elsewhere.
static int64_t getLargestWeightCode(const CompilerOptions &options) {
  return getModelABI(options).int8Convolutions == Int8DotProduct::Vpmaddwd
             ? kLargestI16PairWeightCode
             : kLargestWeightCode;
}

LogicalResult mlir::se::quantizeGraph(ModuleOp module,
                                      const CompilerOptions &options,
                                      std::string &error) {
  const QuantizationOptions &quantization = options.quantization;
  func::FuncOp entry = getEntryPoint(module);
  if (!entry) {
    error = "quantize=int8: the input has no public function with a body";
    return failure();
  }
  if (hasQuantizationSteps(module)) {
    error = "quantize=int8 quantizes float models; this one is quantized "
            "already (it has QuantizeLinear/DequantizeLinear steps)";
    return failure();
  }
  auto inputType = entry.getNumArguments() == 1
                       ? dyn_cast<RankedTensorType>(entry.getArgumentTypes()[0])
                       : RankedTensorType();
  if (!inputType || !inputType.hasStaticShape() ||
      !inputType.getElementType().isF32()) {
    llvm::raw_string_ostream os(error);
    os << "quantize=int8 calibrates models with one static f32 input; '"
       << entry.getName() << "' takes "
       << llvm::interleaved(entry.getArgumentTypes());
    return failure();
  }
  SmallVector<int64_t> inputShape = llvm::to_vector(inputType.getShape());
  std::string shapeString = shapeText(inputShape);
  std::vector<std::vector<float>> samples;
  if (failed(readCalibrationInputs(quantization.calibrationFiles,
                                   inputType.getNumElements(), shapeString,
                                   samples, error)))
    return failure();

  // The float model, returning the activations to quantize.
  SmallVector<ActivationStatistics> statistics;
  int64_t total = 0;
  for (Value activation : getQuantizableActivations(entry)) {
    int64_t count = cast<ShapedType>(activation.getType()).getNumElements();
    ActivationStatistics &s = statistics.emplace_back();
    s.offset = total;
    s.count = count;
    total += count;
  }
  OwningOpRef<ModuleOp> observer = module.clone();
  // The observer runs one image at a time, serial.
  (*observer)->removeAttr(kDynamicBatchAttrName);
  func::FuncOp observerEntry = getEntryPoint(*observer);
  if (failed(exposeCalibrationActivations(observerEntry)))
    return failure();
  SmallVector<int64_t> resultSizes;
  for (Type type : observerEntry.getResultTypes())
    resultSizes.push_back(cast<ShapedType>(type).getNumElements());
  // The call passes the input, the results and the workspace.
  if (resultSizes.size() + 2 > kMaxModelArguments) {
    error = ("quantize=int8 calibrates up to " +
             Twine((kMaxModelArguments - 2) * 64) +
             " activations; this model has " + Twine(statistics.size()))
                .str();
    return failure();
  }
  CompilerOptions observerOptions;
  observerOptions.inputPath = options.inputPath;
  observerOptions.emit = EmitKind::Shared;
  observerOptions.workspace = true;
  llvm::SmallString<0> sharedObject;
  llvm::raw_svector_ostream os(sharedObject);
  if (failed(compile(*observer, observerOptions, os)))
    return failure();
  CalibrationModel model;
  if (failed(model.load(sharedObject, error)))
    return failure();

  std::vector<float> activations(total);
  auto observe = [&](auto &&record) {
    for (std::vector<float> &sample : samples) {
      model(sample, inputShape, resultSizes, activations);
      for (ActivationStatistics &s : statistics)
        record(s, ArrayRef<float>(activations).slice(s.offset, s.count));
    }
  };
  observe([](ActivationStatistics &s, ArrayRef<float> values) {
    s.observeExtent(values);
  });
  for (ActivationStatistics &s : statistics)
    if (!std::isfinite(s.min) || !std::isfinite(s.max)) {
      error = "calibration: an activation of the float model is not finite "
              "on the calibration inputs";
      return failure();
    }
  SmallVector<ActivationRange> ranges;
  if (quantization.percentile) {
    observe([](ActivationStatistics &s, ArrayRef<float> values) {
      s.observeHistogram(values);
    });
    double tail = 1.0 - *quantization.percentile / 100.0;
    for (ActivationStatistics &s : statistics)
      ranges.push_back({s.quantile(tail), s.quantile(1.0 - tail)});
  } else {
    for (ActivationStatistics &s : statistics)
      ranges.push_back({s.min, s.max});
  }
  return quantizeConvolutions(entry, ranges, getLargestWeightCode(options));
}

/// Whether `op` reads a dequantized value: f32 between quantization steps.
static bool readsDequantized(Operation *op) {
  return llvm::any_of(op->getOperands(), [](Value operand) {
    return operand.getDefiningOp<DequantizeOp>() != nullptr;
  });
}

void mlir::se::printQuantizationReport(ModuleOp module,
                                       const CompilerOptions &options,
                                       llvm::raw_ostream &os) {
  func::FuncOp entry = getEntryPoint(module);
  if (!entry || !hasQuantizationSteps(entry))
    return;
  // Why the integer convolutions do not run; empty when they do.
  std::string blocker = "GPU kernels";
  Int8DotProduct dotProduct = Int8DotProduct::None;
  if (options.target == CompileTarget::CPU) {
    FailureOr<ResolvedTarget> target = resolveTarget(options.pipeline, blocker);
    if (succeeded(target)) {
      blocker = getIntegerConvolutionsBlocker(options.pipeline, *target);
      dotProduct = target->int8DotProduct;
    }
  }
  bool integerKernels = blocker.empty();
  // Without VNNI the instruction is chosen per layer
  // (se-cpu-conv-microkernels).
  bool perLayer = integerKernels && dotProduct == Int8DotProduct::Vpmaddwd;

  struct Row {
    std::string name, kind, runs;
  };
  SmallVector<Row> rows;
  int64_t convolutions = 0, integer = 0;
  int64_t depthwiseConvolutions = 0, integerDepthwise = 0;
  size_t nameWidth = 4, kindWidth = 4;
  entry.walk([&](Operation *op) {
    if (!isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MatMulOp,
             linalg::Conv2DNhwgcGfhwcOp, SqueezeExciteOp>(op))
      return;
    std::string runs =
        readsDequantized(op) ? "f32 (between quantization steps)" : "f32";
    if (auto conv = dyn_cast<tosa::Conv2DOp>(op)) {
      ++convolutions;
      if (isIntegerConvolution(conv)) {
        runs = integerKernels ? "int8" : "f32 (" + blocker + ")";
        if (perLayer)
          runs += pairSumsFitI16(conv) ? " (vpmaddubsw)" : " (vpmaddwd)";
        integer += integerKernels;
      }
    }
    if (auto depthwise = dyn_cast<tosa::DepthwiseConv2DOp>(op)) {
      ++depthwiseConvolutions;
      if (isIntegerConvolution(depthwise)) {
        runs = integerKernels ? "int8 (vpmulld)" : "f32 (" + blocker + ")";
        integerDepthwise += integerKernels;
      }
    }
    std::string name = layerNameOf(op->getLoc());
    Row &row = rows.emplace_back(
        Row{name.empty() ? "-" : name, kindOf(op), std::move(runs)});
    nameWidth = std::max(nameWidth, row.name.size());
    kindWidth = std::max(kindWidth, row.kind.size());
  });
  os << "int8: " << integer << " of " << convolutions
     << " ungrouped convolutions run on 8-bit codes"
     << (perLayer ? " (vpmaddubsw where the weights allow, else vpmaddwd)"
         : integerKernels
             ? " (" + stringifyInt8DotProduct(dotProduct).str() + ")"
             : "")
     << "\n";
  if (depthwiseConvolutions)
    os << "int8: " << integerDepthwise << " of " << depthwiseConvolutions
       << " depthwise convolutions run on 8-bit codes"
       << (integerKernels ? " (vpmulld)" : "") << "\n";
  os << llvm::left_justify("op", nameWidth) << "  "
     << llvm::left_justify("kind", kindWidth) << "  runs\n";
  for (const Row &row : rows)
    os << llvm::left_justify(row.name, nameWidth) << "  "
       << llvm::left_justify(row.kind, kindWidth) << "  " << row.runs << "\n";
}
