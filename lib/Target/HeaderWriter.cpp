//===- HeaderWriter.cpp - the C API header of a compiled model ------------===//

#include "se/Target/HeaderWriter.h"

#include "se/Dialect/SE/IR/SEOps.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

#include "RuntimeHeaders.inc"

namespace {
struct TensorInfo {
  std::string kind; // INPUT or OUTPUT
  int index;
  SmallVector<int64_t> shape;
  int64_t elements;
};
} // namespace

static std::string joined(ArrayRef<int64_t> values) {
  std::string text;
  for (auto [i, v] : llvm::enumerate(values))
    text += (i ? ", " : "") + std::to_string(v);
  return text;
}

/// Writes the statements of a run function that wrap `inputs` and
/// `outputs` (pointer arrays) in memref descriptors and call the compiled
/// entry point; with `batch`, the batch entry on `n` images, each tensor
/// passed as the bytes of all of them.
static void writeEntryCall(llvm::raw_ostream &os, StringRef name,
                           ArrayRef<TensorInfo> tensors,
                           const se::ModelABI &abi, bool batch = false) {
  for (const TensorInfo &t : tensors) {
    std::string var =
        llvm::formatv("{0}{1}", t.kind == "INPUT" ? "in" : "out", t.index);
    std::string source = llvm::formatv(
        "{0}[{1}]", t.kind == "INPUT" ? "(float *)inputs" : "outputs", t.index);
    os << llvm::formatv("  if (!{0})\n    return SE_ERROR_INVALID_ARGUMENT;\n",
                        source);
    if (batch) {
      os << llvm::formatv("  SEByteMemRef1D {0} = {{(int8_t *){1}, (int8_t "
                          "*){1}, 0, {{n * {2}}, {{1}};\n",
                          var, source, t.elements * 4);
      continue;
    }
    os << llvm::formatv("  SEMemRef{0}D {1} = {{{2}, {2}, 0, {{{3}}, {{",
                        t.shape.size(), var, source, joined(t.shape));
    int64_t stride = 1;
    SmallVector<int64_t> strides(t.shape.size());
    for (int64_t d = static_cast<int64_t>(t.shape.size()) - 1; d >= 0; --d) {
      strides[d] = stride;
      stride *= t.shape[d];
    }
    os << joined(strides) << "}};\n";
  }
  bool weightsArgument = abi.externalWeights || abi.cuda;
  if (abi.workspace)
    os << "  SEByteMemRef1D workspace = {context->workspace, "
          "context->workspace, 0, {context->workspace_bytes}, {1}};\n";
  if (weightsArgument)
    os << "  SEByteMemRef1D weights = {context->weights, "
          "context->weights, 0, {context->weights_bytes}, {1}};\n";
  os << "  _mlir_ciface_" << name << (batch ? "_batch(n, " : "(");
  for (auto [i, t] : llvm::enumerate(tensors))
    os << (i ? ", " : "") << "&" << (t.kind == "INPUT" ? "in" : "out")
       << t.index;
  if (abi.workspace)
    os << ", &workspace";
  if (weightsArgument)
    os << ", &weights";
  os << ");\n";
}

/// Writes run_batch of a model compiled for any batch: it grows the
/// workspace to one slot per thread when the batch fills the threads, then
/// calls the batch entry on the n images of every tensor.
static void writeBatchRun(llvm::raw_ostream &os, StringRef name,
                          ArrayRef<TensorInfo> tensors,
                          const se::ModelABI &abi) {
  std::string global = (name + "_num_threads").str();
  std::string threads = !abi.threadCount       ? "1"
                        : abi.threadsAtRunTime ? global + " > 0 ? " + global +
                                                     " : omp_get_max_threads()"
                                               : global;
  os << "/* Runs n images (n >= 1): inputs[i] and outputs[i] point to n "
        "tensors of\n * the shapes above, one after the other. With "
        "threads, whole rounds of as\n * many images as threads run one "
        "image per thread; the rest run one at\n * a time on all threads. "
        "The first call with a batch that fills the threads\n * grows the "
        "workspace to one slot per thread. */\n"
     << "static inline int " << name << "_run_batch(" << name
     << "_context *context, int64_t n, const float *const *inputs, "
        "float *const *outputs) {\n"
     << "  if (!context || !inputs || !outputs || n < 1)\n"
     << "    return SE_ERROR_INVALID_ARGUMENT;\n"
     << "  int64_t slot = _mlir_ciface_" << name << "_workspace_bytes();\n"
     << "  int64_t threads = " << threads << ";\n"
     << "  int64_t bytes = (n >= threads ? threads : 1) * slot;\n"
     << "  if (bytes > context->workspace_bytes) {\n"
     << "    int8_t *grown = se_workspace_alloc(bytes);\n"
     << "    if (!grown)\n      return SE_ERROR_OUT_OF_MEMORY;\n"
     << "    free(context->workspace);\n"
     << "    context->workspace = grown;\n"
     << "    context->workspace_bytes = bytes;\n  }\n";
  writeEntryCall(os, name, tensors, abi, /*batch=*/true);
  os << "  return SE_OK;\n}\n\n";
}

/// Writes destroy, create and run of a model compiled for the CPU.
static void writeHostContextFunctions(llvm::raw_ostream &os, StringRef name,
                                      ArrayRef<TensorInfo> tensors,
                                      const se::ModelABI &abi) {
  os << "static inline void " << name << "_destroy(" << name
     << "_context *context) {\n"
     << "  if (!context)\n    return;\n  free(context->workspace);\n"
     << "  free(context->weights);\n  free(context);\n}\n\n";

  os << "/* Allocates a context and its workspace (pages touched now, not "
        "during\n * run)"
     << (abi.externalWeights ? " and loads the weights file" : "")
     << ". Returns SE_OK or an error code (se_status_string). */\n"
     << "static inline int " << name << "_create(" << name
     << "_context **context"
     << (abi.externalWeights ? ", const char *weights_path" : "") << ") {\n"
     << "  if (!context)\n    return SE_ERROR_INVALID_ARGUMENT;\n"
     << "  *context = (" << name << "_context *)calloc(1, sizeof(" << name
     << "_context));\n"
     << "  if (!*context)\n    return SE_ERROR_OUT_OF_MEMORY;\n";
  if (abi.threadCount)
    os << "  {\n    int threads = "
          "se_parse_thread_count(getenv(\"SE_NUM_THREADS\"));\n"
       << "    if (threads > 0)\n      " << name
       << "_num_threads = threads;\n  }\n";
  if (abi.workspace)
    os << "  int64_t bytes = _mlir_ciface_" << name << "_workspace_bytes();\n"
       << "  if (bytes > 0) {\n"
       << "    (*context)->workspace = se_workspace_alloc(bytes);\n"
       << "    if (!(*context)->workspace) {\n      free(*context);\n"
       << "      *context = NULL;\n      return SE_ERROR_OUT_OF_MEMORY;\n    "
          "}\n  }\n"
       << "  (*context)->workspace_bytes = bytes;\n";
  if (abi.externalWeights)
    os << "  {\n    void *weights = NULL;\n"
       << "    int64_t weights_bytes = _mlir_ciface_" << name
       << "_weights_bytes();\n"
       << "    int status = se_weights_load(weights_path, "
          "(uint64_t)_mlir_ciface_"
       << name << "_weights_hash(),\n"
       << "                                 (uint64_t)weights_bytes, "
          "&weights);\n"
       << "    if (status != SE_OK) {\n      " << name
       << "_destroy(*context);\n"
       << "      *context = NULL;\n      return status;\n    }\n"
       << "    (*context)->weights = (int8_t *)weights;\n"
       << "    (*context)->weights_bytes = weights_bytes;\n  }\n";
  os << "  return SE_OK;\n}\n\n";

  os << "/* Runs the model: inputs[i] and outputs[i] point to the tensors "
        "above. */\n"
     << "static inline int " << name << "_run(" << name
     << "_context *context, const float *const *inputs, float *const "
        "*outputs) {\n"
     << "  if (!context || !inputs || !outputs)\n"
     << "    return SE_ERROR_INVALID_ARGUMENT;\n";
  writeEntryCall(os, name, tensors, abi);
  os << "  return SE_OK;\n}\n\n";
  if (abi.dynamicBatch)
    writeBatchRun(os, name, tensors, abi);
}

/// Writes destroy, create, run_device and run of a model compiled for a
/// CUDA device.
static void writeCudaContextFunctions(llvm::raw_ostream &os, StringRef name,
                                      StringRef upper,
                                      ArrayRef<TensorInfo> tensors,
                                      const se::ModelABI &abi) {
  int numTensors = tensors.size();
  os << "static inline void " << name << "_destroy(" << name
     << "_context *context) {\n"
     << "  if (!context)\n    return;\n"
     << "  se_cuda_free(context->workspace);\n"
     << "  se_cuda_free(context->weights);\n"
     << "  for (int i = 0; i < " << numTensors << "; ++i)\n"
     << "    se_cuda_free(context->device_tensors[i]);\n"
     << "  free(context);\n}\n\n";

  os << "/* Allocates a context, its workspace, weights and tensors in device "
        "memory\n * and copies the weights there"
     << (abi.externalWeights ? " from the weights file" : "")
     << ". Returns SE_OK or an error\n * code (se_status_string; "
        "se_cuda_status() and se_cuda_last_error() say\n * more). */\n"
     << "static inline int " << name << "_create(" << name
     << "_context **context"
     << (abi.externalWeights ? ", const char *weights_path" : "") << ") {\n"
     << "  if (!context)\n    return SE_ERROR_INVALID_ARGUMENT;\n"
     << "  *context = NULL;\n"
     << "  if (!se_cuda_available())\n    return SE_ERROR_NO_DEVICE;\n"
     << "  if (se_cuda_last_error())\n    return SE_ERROR_DEVICE;\n"
     << "  " << name << "_context *c = (" << name
     << "_context *)calloc(1, sizeof(" << name << "_context));\n"
     << "  if (!c)\n    return SE_ERROR_OUT_OF_MEMORY;\n"
     << "  c->workspace_bytes = _mlir_ciface_" << name
     << "_workspace_bytes();\n"
     << "  c->weights_bytes = _mlir_ciface_" << name << "_weights_bytes();\n"
     << "  c->workspace = (int8_t *)se_cuda_malloc((uint64_t)"
        "c->workspace_bytes);\n"
     << "  c->weights = (int8_t *)se_cuda_malloc((uint64_t)"
        "c->weights_bytes);\n";
  for (auto [i, t] : llvm::enumerate(tensors))
    os << "  c->device_tensors[" << i << "] = (float *)se_cuda_malloc("
       << t.elements * 4 << ");\n";
  os << "  if (se_cuda_last_error()) {\n    " << name
     << "_destroy(c);\n    return SE_ERROR_DEVICE;\n  }\n";
  if (abi.externalWeights)
    os << "  {\n    void *weights = NULL;\n"
       << "    int status = se_weights_load(weights_path, "
          "(uint64_t)_mlir_ciface_"
       << name << "_weights_hash(),\n"
       << "                                 (uint64_t)c->weights_bytes, "
          "&weights);\n"
       << "    if (status == SE_OK && se_cuda_memcpy(c->weights, weights, "
          "(uint64_t)c->weights_bytes) != 0)\n"
       << "      status = SE_ERROR_DEVICE;\n"
       << "    free(weights);\n"
       << "    if (status != SE_OK) {\n      " << name
       << "_destroy(c);\n      return status;\n    }\n  }\n";
  else
    os << "  {\n    SEByteMemRef1D weights = {c->weights, c->weights, 0, "
          "{c->weights_bytes}, {1}};\n"
       << "    _mlir_ciface_" << name << "_weights_upload(&weights);\n"
       << "    if (se_cuda_last_error()) {\n      " << name
       << "_destroy(c);\n      return SE_ERROR_DEVICE;\n    }\n  }\n";
  os << "  *context = c;\n  return SE_OK;\n}\n\n";

  os << "/* Runs the model on tensors in device memory (e.g. from "
        "cudaMalloc);\n * returns when the outputs are written. */\n"
     << "static inline int " << name << "_run_device(" << name
     << "_context *context, const float *const *inputs, float *const "
        "*outputs) {\n"
     << "  if (!context || !inputs || !outputs)\n"
     << "    return SE_ERROR_INVALID_ARGUMENT;\n";
  writeEntryCall(os, name, tensors, abi);
  os << "  return se_cuda_last_error() ? SE_ERROR_DEVICE : SE_OK;\n}\n\n";

  os << "/* Runs the model on host tensors: copies the inputs to the device, "
        "runs,\n * copies the outputs back. */\n"
     << "static inline int " << name << "_run(" << name
     << "_context *context, const float *const *inputs, float *const "
        "*outputs) {\n"
     << "  if (!context || !inputs || !outputs)\n"
     << "    return SE_ERROR_INVALID_ARGUMENT;\n"
     << "  const float *device_inputs[" << upper << "_NUM_INPUTS + 1];\n"
     << "  float *device_outputs[" << upper << "_NUM_OUTPUTS + 1];\n";
  for (auto [i, t] : llvm::enumerate(tensors)) {
    bool input = t.kind == "INPUT";
    os << llvm::formatv("  if (!{0}[{1}])\n    return "
                        "SE_ERROR_INVALID_ARGUMENT;\n",
                        input ? "inputs" : "outputs", t.index)
       << llvm::formatv("  device_{0}[{1}] = context->device_tensors[{2}];\n",
                        input ? "inputs" : "outputs", t.index, i);
    if (input)
      os << llvm::formatv("  if (se_cuda_memcpy(context->device_tensors[{0}], "
                          "inputs[{1}], {2}) != 0)\n"
                          "    return SE_ERROR_DEVICE;\n",
                          i, t.index, t.elements * 4);
  }
  os << "  int status = " << name
     << "_run_device(context, device_inputs, device_outputs);\n";
  for (auto [i, t] : llvm::enumerate(tensors))
    if (t.kind == "OUTPUT")
      os << llvm::formatv(
          "  if (status == SE_OK && se_cuda_memcpy(outputs[{0}], "
          "context->device_tensors[{1}], {2}) != 0)\n"
          "    status = SE_ERROR_DEVICE;\n",
          t.index, i, t.elements * 4);
  os << "  return status;\n}\n\n";
}

LogicalResult mlir::se::verifyModelSignature(func::FuncOp func) {
  auto check = [&](TypeRange types, StringRef kind) -> LogicalResult {
    for (auto [i, type] : llvm::enumerate(types)) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || !tensor.hasStaticShape() ||
          !tensor.getElementType().isF32() || tensor.getRank() < 1 ||
          tensor.getRank() > 4)
        return func.emitError()
               << kind << " " << i << " of '" << func.getName() << "' is "
               << type
               << "; a compiled model's C API and se-run pass statically "
                  "shaped f32 tensors of rank 1 to 4";
    }
    return success();
  };
  return success(succeeded(check(func.getArgumentTypes(), "argument")) &&
                 succeeded(check(func.getResultTypes(), "result")));
}

LogicalResult mlir::se::writeCHeader(func::FuncOp func, const ModelABI &abi,
                                     llvm::raw_ostream &os) {
  std::string name = func.getName().str();
  std::string upper = StringRef(name).upper();
  SmallVector<TensorInfo> tensors;
  if (failed(se::verifyModelSignature(func)))
    return failure();
  auto collect = [&](TypeRange types, const char *kind) {
    for (auto [i, type] : llvm::enumerate(types)) {
      auto tensor = cast<RankedTensorType>(type);
      tensors.push_back({kind, static_cast<int>(i),
                         llvm::to_vector(tensor.getShape()),
                         tensor.getNumElements()});
    }
  };
  collect(func.getArgumentTypes(), "INPUT");
  collect(func.getResultTypes(), "OUTPUT");
  int numInputs = func.getNumArguments(), numOutputs = func.getNumResults();

  os << "/*===- " << name << ".h - C API of a model compiled by se-compile "
     << "-===*\\\n"
     << " *\n"
     << " * Usage:\n"
     << " *   " << name << "_context *ctx;\n"
     << " *   if (" << name << "_create(&ctx"
     << (abi.externalWeights ? ", \"" + name + ".weights\"" : std::string())
     << ") != SE_OK) ...\n"
     << " *   const float *inputs[" << upper << "_NUM_INPUTS] = {...};\n"
     << " *   float *outputs[" << upper << "_NUM_OUTPUTS] = {...};\n"
     << " *   " << name << "_run(ctx, inputs, outputs);   (any number of "
     << "times)\n"
     << " *   " << name << "_destroy(ctx);\n"
     << " *\n"
     << " * Tensors are dense row-major f32 in the shapes below (NCHW at the\n"
     << " * model boundary). A context owns all intermediate memory, "
        "allocated\n"
     << " * and touched once by create(): run() allocates nothing. Contexts "
        "are\n"
     << " * independent: several may run concurrently, one run per context "
        "at a\n"
     << " * time. Link with the object file and -lm"
     << (abi.threadCount
             ? ",\n * and LLVM's OpenMP runtime, libomp (parallel code):\n"
               " *   cc prog.c OBJECT.o -lomp -lm\n"
               " * (clang -fopenmp links libomp too; gcc -fopenmp links "
               "libgomp, which\n * lacks libomp's entry points).\n"
             : ":\n *   cc prog.c OBJECT.o -lm\n");
  if (abi.cuda)
    os << " *\n * Compiled for an NVIDIA GPU (se-compile --target=cuda): "
          "the workspace,\n * the weights and a copy of each tensor live in "
          "device memory, allocated\n * by create(); run() copies the "
          "inputs in and the outputs out, and\n * "
       << name
       << "_run_device() takes device pointers instead. Link with\n * "
          "-lse_cuda_runtime (libcuda is loaded at run time: without a GPU "
          "create()\n * returns SE_ERROR_NO_DEVICE and se_cuda_status() says "
          "why).\n";
  if (abi.externalWeights)
    os << " *\n * The weights are not in the object: create() loads them from "
          "the weights\n * file se-compile wrote beside it "
          "(docs/weights-format.md) and checks\n * that the file is intact "
          "and made for this model.\n";
  bool quantized = !func.getOps<QuantizeOp>().empty();
  if (quantized)
    os << " *\n * Quantized (int8) model: its quantization steps run inside; "
          "the inputs\n * and outputs are f32 as above. Its convolutions run "
       << (abi.int8Convolutions != Int8DotProduct::None
               ? "on 8-bit integers (" +
                     stringifyInt8DotProduct(abi.int8Convolutions).str() +
                     ").\n"
               : std::string("in f32 between the quantization steps\n * "
                             "(the target has no integer vectors, or "
                             "--int8-kernels=false).\n"));
  if (abi.dynamicBatch)
    os << " *\n * Compiled for any batch (se-compile --batch=dynamic, or "
          "an ONNX model's\n * symbolic batch): the shapes below are one "
          "image's; run() runs one image\n * and "
       << name << "_run_batch(ctx, n, inputs, outputs) runs n.\n";
  if (abi.threadsAtRunTime)
    os << " *\n * Parallel code on OpenMP's default team size: "
          "OMP_NUM_THREADS, else the\n * CPUs the process may run on "
          "(its affinity mask); create() takes the\n * count from the "
          "environment variable SE_NUM_THREADS when set; "
       << name << "_set_num_threads()\n * sets it for every context of "
       << "the process.\n";
  else if (abi.threadCount)
    os << " *\n * Parallel code: create() takes the thread count from the "
          "environment\n * variable SE_NUM_THREADS when set; "
       << name << "_set_num_threads() sets it for\n * every context of the "
       << "process.\n";
  os << " *===------------------------------------------------------------"
        "----------===*/\n\n";
  os << "#ifndef " << upper << "_H\n#define " << upper << "_H\n\n"
     << "#include <stdint.h>\n#include <stdlib.h>\n#include <string.h>\n\n";
  // Copies of the runtime headers, guarded so that a program may include
  // them too.
  os << kMemRefHeader << "\n"
     << kWeightsHeader << "\n"
     << kThreadsHeader << "\n";
  if (abi.cuda)
    os << kCudaRuntimeHeader << "\n";
  os << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";

  if (quantized)
    os << "#define " << upper << "_QUANTIZED 1\n";
  if (abi.dynamicBatch)
    os << "/* Any batch: the shapes are one image's; " << name
       << "_run_batch runs n. */\n#define " << upper << "_DYNAMIC_BATCH 1\n";
  os << "#define " << upper << "_NUM_INPUTS " << numInputs << "\n"
     << "#define " << upper << "_NUM_OUTPUTS " << numOutputs << "\n";
  for (const TensorInfo &t : tensors)
    os << llvm::formatv("#define {0}_{1}_{2}_RANK {3}\n"
                        "#define {0}_{1}_{2}_SHAPE {{{4}}\n"
                        "#define {0}_{1}_{2}_ELEMENTS {5}\n",
                        upper, t.kind, t.index, t.shape.size(), joined(t.shape),
                        t.elements);
  os << "\n";

  // The compiled entry points.
  os << "void _mlir_ciface_" << name << "(";
  for (auto [i, t] : llvm::enumerate(tensors))
    os << (i ? ", " : "") << "SEMemRef" << t.shape.size() << "D *";
  if (abi.workspace)
    os << ", SEByteMemRef1D *workspace";
  bool weightsArgument = abi.externalWeights || abi.cuda;
  if (weightsArgument)
    os << ", SEByteMemRef1D *weights";
  os << ");\n";
  if (abi.workspace)
    os << "int64_t _mlir_ciface_" << name << "_workspace_bytes(void);\n";
  if (abi.dynamicBatch) {
    os << "void _mlir_ciface_" << name << "_batch(int64_t n";
    for (size_t i = 0; i < tensors.size(); ++i)
      os << ", SEByteMemRef1D *";
    os << ", SEByteMemRef1D *workspace"
       << (weightsArgument ? ", SEByteMemRef1D *weights" : "") << ");\n";
  }
  if (weightsArgument)
    os << "int64_t _mlir_ciface_" << name << "_weights_bytes(void);\n"
       << "int64_t _mlir_ciface_" << name << "_weights_hash(void);\n";
  if (abi.cuda && !abi.externalWeights)
    os << "void _mlir_ciface_" << name
       << "_weights_upload(SEByteMemRef1D *weights);\n";
  if (abi.threadCount)
    os << "extern int32_t " << name << "_num_threads;"
       << (abi.threadsAtRunTime ? " /* 0: OpenMP's default */" : "") << "\n";
  if (abi.threadsAtRunTime)
    os << "int omp_get_max_threads(void);\n";
  if (abi.profile)
    os << "/* se-compile --profile: the nanoseconds of each layer summed over "
          "runs,\n * then the number of runs; the layers, one line each:\n"
          " * name TAB kind TAB shape TAB MACs TAB bytes (docs/profiling.md). "
          "*/\n"
       << "extern int64_t " << name << "_profile_ns[];\n"
       << "extern const char " << name << "_profile_layers[];\n";
  os << "\n";

  os << "typedef struct " << name << "_context {\n"
     << "  int8_t *workspace;\n  int64_t workspace_bytes;\n"
     << "  int8_t *weights;\n  int64_t weights_bytes;\n";
  if (abi.cuda)
    os << "  float *device_tensors[" << upper << "_NUM_INPUTS + " << upper
       << "_NUM_OUTPUTS];\n";
  os << "} " << name << "_context;\n\n";

  os << "/* Sets the thread count of every context's runs (1 to "
        "SE_MAX_THREADS). */\n"
     << "static inline int " << name << "_set_num_threads(int threads) {\n"
     << "  if (threads < 1 || threads > SE_MAX_THREADS)\n    return "
        "SE_ERROR_INVALID_ARGUMENT;\n";
  if (abi.threadCount)
    os << "  " << name << "_num_threads = threads;\n  return SE_OK;\n}\n\n";
  else
    os << "  /* Compiled serial (se-compile --threads=1). */\n"
       << "  return threads == 1 ? SE_OK : SE_ERROR_INVALID_ARGUMENT;\n}\n\n";

  if (abi.cuda)
    writeCudaContextFunctions(os, name, upper, tensors, abi);
  else
    writeHostContextFunctions(os, name, tensors, abi);

  for (const char *kind : {"input", "output"}) {
    std::string upperKind = StringRef(kind).upper();
    os << "/* Writes the shape of " << kind << " `index` to dims (up to 4 "
       << "entries); returns\n * its rank, or -1 for a bad index. */\n"
       << "static inline int " << name << "_" << kind
       << "_shape(int index, int64_t *dims) {\n  switch (index) {\n";
    for (const TensorInfo &t : tensors) {
      if (t.kind != upperKind)
        continue;
      os << "  case " << t.index
         << ": {\n    static const int64_t shape[] = " << upper << "_" << t.kind
         << "_" << t.index << "_SHAPE;\n"
         << "    if (dims)\n      memcpy(dims, shape, sizeof(shape));\n"
         << "    return " << t.shape.size() << ";\n  }\n";
    }
    os << "  default:\n    return -1;\n  }\n}\n\n";
  }
  os << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << upper << "_H */\n";
  return success();
}
