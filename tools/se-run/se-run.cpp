//===- se-run.cpp - run a model compiled by se-compile --emit=shared ------===//
//
// Loads the shared object, reads its signature (se_model_signature), feeds
// it raw little-endian f32 inputs (or a seeded random input), and writes,
// checks or times its outputs.
//
//===----------------------------------------------------------------------===//

#include "Profile.h"

#include "se/Runtime/MemRef.h"
#include "se/Runtime/Threads.h"
#include "se/Runtime/Weights.h"
#include "se/Support/CommandLine.h"
#include "se/Support/ModelCall.h"
#include "se/Utils/ShapeText.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <dlfcn.h>
#include <elf.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace llvm;
using mlir::se::callModelBatchEntry;
using mlir::se::callModelEntry;
using mlir::se::kMaxModelArguments;
using mlir::se::shapeText;

static cl::OptionCategory runCategory("se-run options");

namespace {
/// The functions of libse_cuda_runtime that a model compiled with
/// --target=cuda brings along (found through the model's dependencies).
class CudaModel {
public:
  static std::optional<CudaModel> load(void *library, std::string &error) {
    CudaModel model;
#define SE_LOOKUP(name)                                                        \
  model.name = reinterpret_cast<decltype(model.name)>(dlsym(library, #name));  \
  if (!model.name) {                                                           \
    error = "it does not link libse_cuda_runtime (no " #name ")";              \
    return std::nullopt;                                                       \
  }
    SE_LOOKUP(se_cuda_available)
    SE_LOOKUP(se_cuda_status)
    SE_LOOKUP(se_cuda_last_error)
    SE_LOOKUP(se_cuda_malloc)
    SE_LOOKUP(se_cuda_memcpy)
#undef SE_LOOKUP
    if (!model.se_cuda_available()) {
      error = model.se_cuda_status();
      return std::nullopt;
    }
    return model;
  }

  void *allocate(int64_t bytes) {
    return se_cuda_malloc(static_cast<uint64_t>(std::max<int64_t>(bytes, 1)));
  }
  void copy(void *destination, const void *source, int64_t bytes) {
    se_cuda_memcpy(destination, source, static_cast<uint64_t>(bytes));
  }
  /// The first failed CUDA call, or null.
  const char *lastError() { return se_cuda_last_error(); }

private:
  int (*se_cuda_available)() = nullptr;
  const char *(*se_cuda_status)() = nullptr;
  const char *(*se_cuda_last_error)() = nullptr;
  void *(*se_cuda_malloc)(uint64_t) = nullptr;
  int (*se_cuda_memcpy)(void *, const void *, uint64_t) = nullptr;
};
} // namespace

static cl::opt<std::string> modelPath(cl::Positional, cl::Required,
                                      cl::desc("<model.so>"),
                                      cl::cat(runCategory));
static cl::list<std::string>
    inputFiles("input",
               cl::desc("Raw little-endian f32 file of the next model input "
                        "(one per input, in order; default: seeded random)"),
               cl::cat(runCategory));
static cl::opt<std::string>
    outputFile("output",
               cl::desc("Write the outputs, concatenated, as raw f32"),
               cl::init(""), cl::cat(runCategory));
static cl::opt<std::string>
    expectFile("expect",
               cl::desc("Compare the outputs, concatenated, with this raw f32 "
                        "file; prints PASS or FAIL (exit 1)"),
               cl::init(""), cl::cat(runCategory));
static cl::opt<double>
    absoluteTolerance("atol", cl::desc("Absolute tolerance of --expect"),
                      cl::init(1e-5), cl::cat(runCategory));
static cl::opt<double>
    relativeTolerance("rtol", cl::desc("Relative tolerance of --expect"),
                      cl::init(1e-4), cl::cat(runCategory));
static cl::opt<int> benchRuns("bench", cl::desc("Time this many runs"),
                              cl::init(0), cl::cat(runCategory));
static cl::opt<int> warmupRuns("warmup",
                               cl::desc("Untimed runs before --bench"),
                               cl::init(3), cl::cat(runCategory));
static cl::opt<int>
    pauseMs("pause",
            cl::desc("Sleep this many milliseconds before each --bench run "
                     "(times the first call after an idle period)"),
            cl::init(0), cl::cat(runCategory));
static cl::opt<int> &threadCount() {
  static cl::opt<int> *option = [] {
    auto *adopted = mlir::se::adoptOption<cl::opt<int>>(
        "threads",
        "Threads of a parallel model (default: SE_NUM_THREADS, else the "
        "compiled count, or for a model compiled without --threads "
        "OpenMP's default: OMP_NUM_THREADS, else the CPUs this process may "
        "run on)",
        runCategory);
    adopted->setInitialValue(0);
    return adopted;
  }();
  return *option;
}
static cl::opt<std::string>
    weightsFile("weights",
                cl::desc("Weights file of a model compiled with "
                         "--weights=external (default: MODEL.weights)"),
                cl::init(""), cl::cat(runCategory));
static cl::opt<bool>
    profile("profile",
            cl::desc("Print the time of each layer over the --bench runs (or "
                     "the one run) of a model compiled with se-compile "
                     "--profile"),
            cl::init(false), cl::cat(runCategory));
static cl::opt<std::string>
    profileJSON("profile-json",
                cl::desc("Write the --profile table to this file as JSON"),
                cl::init(""), cl::cat(runCategory));
static cl::opt<int64_t>
    batchImages("batch",
                cl::desc("Run this many images at once (a model compiled "
                         "for any batch, se-compile --batch=dynamic); "
                         "--bench then reports images per second"),
                cl::init(0), cl::cat(runCategory));
static cl::opt<unsigned> seed("seed", cl::desc("Seed of the random input"),
                              cl::init(1), cl::cat(runCategory));

namespace {

using RunFn = void (*)(void *, ...);
using QueryFn = int64_t (*)();

struct Tensor {
  std::vector<int64_t> shape;
  std::vector<float> data;
};

int fail(const Twine &message) {
  WithColor::error(errs(), "se-run") << message << "\n";
  return 1;
}

bool parseShapes(StringRef list, std::vector<std::vector<int64_t>> &shapes) {
  SmallVector<StringRef> tensors;
  list.split(tensors, ',', -1, false);
  for (StringRef tensor : tensors) {
    SmallVector<StringRef> dims;
    tensor.split(dims, 'x');
    std::vector<int64_t> shape;
    for (StringRef dim : dims) {
      int64_t value;
      if (dim.getAsInteger(10, value) || value <= 0)
        return false;
      shape.push_back(value);
    }
    if (shape.empty() || shape.size() > 4)
      return false;
    shapes.push_back(shape);
  }
  return !shapes.empty();
}

int64_t count(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// Reads a raw f32 file of exactly `elements` values. Reads no more than
/// one byte past them, whatever the file is (a pipe, /dev/zero).
bool readRaw(StringRef path, int64_t elements, std::vector<float> &data,
             std::string &error) {
  Expected<sys::fs::file_t> file = sys::fs::openNativeFileForRead(path);
  if (!file) {
    error = "cannot read '" + path.str() + "': " + toString(file.takeError());
    return false;
  }
  int64_t expected = elements * static_cast<int64_t>(sizeof(float));
  data.resize(elements);
  auto *bytes = reinterpret_cast<char *>(data.data());
  int64_t got = 0;
  char extra;
  bool longer = false;
  while (true) {
    MutableArrayRef<char> into =
        got < expected ? MutableArrayRef<char>(bytes + got, expected - got)
                       : MutableArrayRef<char>(&extra, 1);
    Expected<size_t> read = sys::fs::readNativeFile(*file, into);
    if (!read) {
      sys::fs::closeFile(*file);
      error = "cannot read '" + path.str() + "': " + toString(read.takeError());
      return false;
    }
    if (*read == 0)
      break;
    if (got >= expected) {
      longer = true;
      break;
    }
    got += *read;
  }
  sys::fs::closeFile(*file);
  if (got != expected || longer) {
    error = "'" + path.str() + "' has " +
            (longer ? "more than " + std::to_string(expected)
                    : std::to_string(got)) +
            " bytes, expected " + std::to_string(expected);
    return false;
  }
  return true;
}

/// Checks that `path` is a whole ELF shared object before dlopen maps it: a
/// truncated file makes the loader touch pages past its end (SIGBUS).
bool checkSharedObject(StringRef path, std::string &error) {
  auto buffer = MemoryBuffer::getFile(path, /*IsText=*/false,
                                      /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = buffer.getError().message();
    return false;
  }
  StringRef bytes = (*buffer)->getBuffer();
  Elf64_Ehdr header;
  if (bytes.size() < sizeof(header) || !bytes.starts_with(ELFMAG)) {
    error = "not an ELF file";
    return false;
  }
  std::memcpy(&header, bytes.data(), sizeof(header));
  if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_type != ET_DYN ||
      header.e_phentsize != sizeof(Elf64_Phdr)) {
    error = "not a 64-bit ELF shared object";
    return false;
  }
  auto inside = [&](uint64_t offset, uint64_t size) {
    return offset <= bytes.size() && size <= bytes.size() - offset;
  };
  if (!inside(header.e_phoff, uint64_t(header.e_phnum) * sizeof(Elf64_Phdr)) ||
      !inside(header.e_shoff, uint64_t(header.e_shnum) * header.e_shentsize)) {
    error = "truncated (its headers lie past the end of the file)";
    return false;
  }
  for (unsigned i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr segment;
    std::memcpy(&segment, bytes.data() + header.e_phoff + i * sizeof(segment),
                sizeof(segment));
    if (!inside(segment.p_offset, segment.p_filesz)) {
      error = "truncated (a segment lies past the end of the file)";
      return false;
    }
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  threadCount();
  cl::HideUnrelatedOptions(runCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "se-run: run a model compiled with se-compile --emit=shared\n");
  if (benchRuns < 0 || warmupRuns < 0 || pauseMs < 0)
    return fail("--bench, --warmup and --pause must not be negative");
  if (threadCount() < 0 || threadCount() > SE_MAX_THREADS ||
      (threadCount() == 0 && threadCount().getNumOccurrences()))
    return fail("--threads must be 1 to " + Twine(SE_MAX_THREADS) + ", got " +
                Twine(threadCount()));
  if (!(absoluteTolerance >= 0) || !(relativeTolerance >= 0))
    return fail("--atol and --rtol must be non-negative numbers");

  // dlopen searches the library path for a bare file name: make it a path.
  SmallString<256> path(modelPath);
  sys::fs::make_absolute(path);
  std::string elfError;
  if (!checkSharedObject(path, elfError))
    return fail("cannot load '" + modelPath + "': " + elfError);
  void *library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library)
    return fail("cannot load '" + modelPath + "': " + dlerror());
  auto *signature =
      static_cast<const char *>(dlsym(library, "se_model_signature"));
  void *run = dlsym(library, "se_model_run");
  auto workspaceBytes =
      reinterpret_cast<QueryFn>(dlsym(library, "se_model_workspace_bytes"));
  if (!signature || !run || !workspaceBytes)
    return fail("'" + modelPath +
                "' is not a model compiled by se-compile --emit=shared (no "
                "se_model_signature/se_model_run)");

  void *runBatch = dlsym(library, "se_model_run_batch");
  if (batchImages.getNumOccurrences()) {
    if (batchImages < 1)
      return fail("--batch must be at least 1, got " + Twine(batchImages));
    if (!runBatch)
      return fail("'" + modelPath +
                  "' runs a fixed batch; --batch needs a model compiled for "
                  "any batch (se-compile --batch=dynamic, or an ONNX model "
                  "with a symbolic batch)");
  }
  int64_t images = batchImages.getNumOccurrences() ? batchImages : 0;

  bool profiling = profile || !profileJSON.empty();
  auto *profileCounters =
      static_cast<int64_t *>(dlsym(library, "se_model_profile_ns"));
  auto *profileLayers =
      static_cast<const char *>(dlsym(library, "se_model_profile_layers"));
  if (profiling && (!profileCounters || !profileLayers))
    return fail("'" + modelPath +
                "' has no profile; compile it with se-compile --profile");
  // Zeroes the counters: the profile covers the runs after this.
  auto resetProfile = [&] {
    int64_t layers = StringRef(profileLayers).count('\n');
    std::fill(profileCounters, profileCounters + layers + 1, 0);
  };

  // Run-time thread count: --threads, else SE_NUM_THREADS.
  int threads = threadCount();
  if (threads == 0)
    if (const char *env = std::getenv("SE_NUM_THREADS"); env && *env) {
      threads = se_parse_thread_count(env);
      if (threads == 0)
        return fail("SE_NUM_THREADS must be 1 to " + Twine(SE_MAX_THREADS) +
                    ", got '" + env + "'");
    }
  auto *compiledThreads =
      static_cast<int32_t *>(dlsym(library, "se_model_num_threads"));
  if (threads > 0) {
    if (compiledThreads)
      *compiledThreads = threads;
    else if (threads > 1)
      return fail("'" + modelPath +
                  "' was compiled for one thread (se-compile --threads=1); "
                  "--threads=" +
                  Twine(threads) +
                  " needs a model compiled with se-compile --threads=N or "
                  "without --threads");
  }

  // GPU code (se-compile --target=cuda) runs on device memory.
  std::optional<CudaModel> cuda;
  if (dlsym(library, "se_model_device")) {
    std::string error;
    cuda = CudaModel::load(library, error);
    if (!cuda)
      return fail("'" + modelPath + "' runs on a CUDA device: " + error);
  }
  auto upload = reinterpret_cast<void (*)(SEByteMemRef1D *)>(
      dlsym(library, "se_model_weights_upload"));

  // External weights, checked and loaded like the generated create() does.
  auto weightsBytes =
      reinterpret_cast<QueryFn>(dlsym(library, "se_model_weights_bytes"));
  auto weightsHash =
      reinterpret_cast<QueryFn>(dlsym(library, "se_model_weights_hash"));
  if (upload)
    weightsHash = nullptr;
  std::unique_ptr<void, decltype(&std::free)> weights(nullptr, &std::free);
  SEByteMemRef1D weightsRef = {nullptr, nullptr, 0, {0}, {1}};
  if (weightsBytes && weightsHash) {
    SmallString<256> weightsPath(weightsFile);
    if (weightsPath.empty()) {
      weightsPath = modelPath;
      sys::path::replace_extension(weightsPath, ".weights");
    }
    void *data = nullptr;
    int status = se_weights_load(weightsPath.c_str(), weightsHash(),
                                 weightsBytes(), &data);
    if (status != SE_OK)
      return fail("weights '" + weightsPath + "': " + se_status_string(status));
    weights.reset(data);
    auto *bytes = static_cast<int8_t *>(data);
    weightsRef = {bytes, bytes, 0, {weightsBytes()}, {1}};
  } else if (!weightsFile.empty()) {
    return fail("'" + modelPath +
                "' embeds its weights; --weights is for models compiled with "
                "se-compile --weights=external");
  }
  if (cuda) {
    // The weights in device memory: uploaded from the object or copied from
    // the file's contents.
    int64_t size = weightsBytes ? weightsBytes() : 0;
    void *device = cuda->allocate(size);
    if (upload) {
      SEByteMemRef1D ref = {static_cast<int8_t *>(device),
                            static_cast<int8_t *>(device),
                            0,
                            {size},
                            {1}};
      upload(&ref);
    } else if (weights) {
      cuda->copy(device, weights.get(), size);
    }
    if (const char *error = cuda->lastError())
      return fail(Twine("CUDA: ") + error);
    auto *bytes = static_cast<int8_t *>(device);
    weightsRef = {bytes, bytes, 0, {size}, {1}};
  }
  bool hasWeights = weights || cuda;

  // "inputs=1x3x224x224;outputs=1x1000"
  auto [inputsPart, outputsPart] = StringRef(signature).split(';');
  std::vector<std::vector<int64_t>> inputShapes, outputShapes;
  if (!inputsPart.consume_front("inputs=") ||
      !outputsPart.consume_front("outputs=") ||
      !parseShapes(inputsPart, inputShapes) ||
      !parseShapes(outputsPart, outputShapes))
    return fail("'" + modelPath + "' has a malformed signature '" + signature +
                "'");
  // Besides the tensors, the call passes the workspace and the weights.
  size_t maxTensors = kMaxModelArguments - 1 - (hasWeights ? 1 : 0);
  if (inputShapes.size() + outputShapes.size() > maxTensors)
    return fail("models with more than " + Twine(maxTensors) +
                " tensors are not supported");

  std::vector<Tensor> inputs, outputs;
  if (!inputFiles.empty() && inputFiles.size() != inputShapes.size())
    return fail("the model takes " + Twine(inputShapes.size()) +
                " inputs, got " + Twine(inputFiles.size()) + " --input files");
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  // With --batch, every tensor holds that many images of the signature's.
  if (images > 0)
    for (auto *shapes : {&inputShapes, &outputShapes})
      for (std::vector<int64_t> &shape : *shapes)
        shape[0] *= images;
  for (size_t i = 0; i < inputShapes.size(); ++i) {
    Tensor t{inputShapes[i], {}};
    std::string error;
    if (!inputFiles.empty()) {
      if (!readRaw(inputFiles[i], count(t.shape), t.data, error))
        return fail("input " + Twine(i) + " (" + shapeText(t.shape) +
                    "): " + error);
    } else {
      t.data.resize(count(t.shape));
      for (float &v : t.data)
        v = dist(rng);
    }
    inputs.push_back(std::move(t));
  }
  for (const auto &shape : outputShapes)
    outputs.push_back(Tensor{shape, std::vector<float>(count(shape))});

  int64_t bytes = workspaceBytes();
  // The batch entry runs whole rounds of images one per thread, each on a
  // workspace slot of its own.
  int64_t batchThreads = compiledThreads ? *compiledThreads : 1;
  if (batchThreads == 0) {
    // OpenMP's default team size, as the compiled code reads it.
    auto defaultThreads =
        reinterpret_cast<int (*)()>(dlsym(library, "omp_get_max_threads"));
    batchThreads = defaultThreads ? defaultThreads() : 1;
  }
  if (images >= batchThreads)
    bytes *= batchThreads;
  std::vector<int8_t> workspace(std::max<int64_t>(bytes, 1) + 64, 0);
  auto *aligned = reinterpret_cast<int8_t *>(
      (reinterpret_cast<uintptr_t>(workspace.data()) + 63) / 64 * 64);
  if (cuda)
    aligned = static_cast<int8_t *>(cuda->allocate(bytes));
  SEByteMemRef1D workspaceRef = {aligned, aligned, 0, {bytes}, {1}};

  // Tensors: the host copies, or with GPU code device copies of them; the
  // batch entry takes each as the bytes of all its images.
  std::vector<SEMemRefAnyRank> descriptors;
  std::vector<SEByteMemRef1D> byteDescriptors;
  std::vector<void *> deviceTensors;
  for (std::vector<Tensor> *tensors : {&inputs, &outputs})
    for (Tensor &t : *tensors) {
      float *data = t.data.data();
      if (cuda) {
        data = static_cast<float *>(cuda->allocate(t.data.size() * 4));
        deviceTensors.push_back(data);
      }
      if (images > 0) {
        auto *raw = reinterpret_cast<int8_t *>(data);
        byteDescriptors.push_back(
            {raw, raw, 0, {static_cast<int64_t>(t.data.size() * 4)}, {1}});
      } else {
        descriptors.push_back(se_memref_dense(
            data, t.shape.data(), static_cast<int>(t.shape.size())));
      }
    }
  std::vector<void *> args;
  for (SEMemRefAnyRank &d : descriptors)
    args.push_back(&d);
  for (SEByteMemRef1D &d : byteDescriptors)
    args.push_back(&d);
  args.push_back(&workspaceRef);
  if (hasWeights)
    args.push_back(&weightsRef);
  auto invoke = [&] {
    if (images > 0)
      callModelBatchEntry(runBatch, images, args);
    else
      callModelEntry(run, args);
  };

  if (cuda) {
    for (size_t i = 0; i < inputs.size(); ++i)
      cuda->copy(deviceTensors[i], inputs[i].data.data(),
                 inputs[i].data.size() * 4);
    invoke();
    for (size_t i = 0; i < outputs.size(); ++i)
      cuda->copy(outputs[i].data.data(), deviceTensors[inputs.size() + i],
                 outputs[i].data.size() * 4);
    if (const char *error = cuda->lastError())
      return fail(Twine("CUDA: ") + error);
  } else {
    invoke();
  }
  double profiledMs = 0.0;
  if (profiling) {
    // The first run pays for page faults and cold caches: profile one more.
    resetProfile();
    auto start = std::chrono::steady_clock::now();
    invoke();
    profiledMs = std::chrono::duration<double, std::milli>(
                     std::chrono::steady_clock::now() - start)
                     .count();
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    double checksum = 0.0;
    for (float v : outputs[i].data)
      checksum += v;
    outs() << "output " << i << ": " << shapeText(outputs[i].shape)
           << " checksum " << format("%.6f", checksum) << "\n";
  }

  std::vector<float> all;
  for (const Tensor &t : outputs)
    all.insert(all.end(), t.data.begin(), t.data.end());
  if (!outputFile.empty()) {
    std::error_code ec;
    raw_fd_ostream file(outputFile, ec);
    if (ec)
      return fail("cannot write '" + outputFile + "': " + ec.message());
    file.write(reinterpret_cast<const char *>(all.data()),
               all.size() * sizeof(float));
  }

  int status = 0;
  if (!expectFile.empty()) {
    std::vector<float> expected;
    std::string error;
    if (!readRaw(expectFile, all.size(), expected, error))
      return fail("expected outputs: " + error);
    double maxAbs = 0.0, maxRel = 0.0;
    bool pass = true;
    for (size_t i = 0; i < all.size(); ++i) {
      double diff = std::fabs(double(all[i]) - expected[i]);
      double rel = diff / std::max(1e-30, std::fabs(double(expected[i])));
      maxAbs = std::max(maxAbs, diff);
      maxRel = std::max(maxRel, rel);
      if (!(diff <= absoluteTolerance +
                        relativeTolerance * std::fabs(double(expected[i]))))
        pass = false;
    }
    outs() << format("max_abs_error=%.3g max_rel_error=%.3g\n", maxAbs, maxRel)
           << (pass ? "PASS" : "FAIL") << "\n";
    status = pass ? 0 : 1;
  }

  if (benchRuns > 0) {
    for (int i = 0; i < warmupRuns; ++i)
      invoke();
    if (profiling)
      resetProfile();
    std::vector<double> times;
    for (int i = 0; i < benchRuns; ++i) {
      if (pauseMs > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(pauseMs));
      auto start = std::chrono::steady_clock::now();
      invoke();
      times.push_back(std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - start)
                          .count());
    }
    std::sort(times.begin(), times.end());
    auto at = [&](double q) {
      return times[std::min<size_t>(times.size() - 1, q * times.size())];
    };
    outs() << format("median_ms=%.3f p10_ms=%.3f p90_ms=%.3f\n", at(0.5),
                     at(0.1), at(0.9));
    if (images > 0)
      outs() << format("images=%lld images_per_s=%.1f\n",
                       static_cast<long long>(images),
                       images * 1000.0 / at(0.5));
    double sum = 0.0;
    for (double ms : times)
      sum += ms;
    profiledMs = sum / times.size();
  }

  if (profiling) {
    se_run::Profile table;
    std::string error;
    if (!se_run::readProfile(profileLayers, profileCounters, profiledMs, images,
                             table, error))
      return fail("profile of '" + modelPath + "': " + error);
    if (profile)
      se_run::printProfile(table, outs());
    if (!profileJSON.empty()) {
      std::error_code ec;
      raw_fd_ostream file(profileJSON, ec);
      if (ec)
        return fail("cannot write '" + profileJSON + "': " + ec.message());
      se_run::writeProfileJSON(table, file);
    }
  }
  return status;
}
