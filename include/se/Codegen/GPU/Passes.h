//===- Passes.h - se NVIDIA GPU code generation passes ----------*- C++ -*-===//

#ifndef SE_CODEGEN_GPU_PASSES_H
#define SE_CODEGEN_GPU_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassOptions.h"
#include "se/Codegen/Common/Passes.h"

#include <string>

namespace mlir {
class OpPassManager;

namespace se {

#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "se/Codegen/GPU/Passes.h.inc"

/// Options of `se-gpu-pipeline`; se-compile fills the same struct.
struct GPUPipelineOptions : public PassPipelineOptions<GPUPipelineOptions> {
  PassOptions::Option<std::string> gpuArch{
      *this, "gpu-arch",
      llvm::cl::desc("NVIDIA architecture of the kernels (sm_70 ... sm_120)"),
      llvm::cl::init("sm_90")};
  PassOptions::Option<std::string> format{
      *this, "format",
      llvm::cl::desc("How kernels are embedded: 'bin' (cubin from ptxas), "
                     "'isa' (PTX, compiled by the driver at load) or "
                     "'fatbin'"),
      llvm::cl::init("bin")};
  PassOptions::Option<bool> raiseSE{
      *this, "raise-se",
      llvm::cl::desc("Raise SE subgraphs of TOSA ops to se.squeeze_excite "
                     "(se-raise-squeeze-excite)"),
      llvm::cl::init(true)};
  PassOptions::Option<WeightsPlacement> weights{
      *this,
      "weights",
      llvm::cl::desc("Where the compiled code keeps its weights"),
      llvm::cl::init(WeightsPlacement::Embedded),
      llvm::cl::values(
          clEnumValN(WeightsPlacement::Embedded, "embedded",
                     "in the object, copied to the device by create() "
                     "(default)"),
          clEnumValN(WeightsPlacement::External, "external",
                     "a weights file loaded by the caller")),
  };
  PassOptions::Option<std::string> cudaPath{
      *this, "cuda-path",
      llvm::cl::desc("The CUDA toolkit (ptxas, libdevice); default: "
                     "$CUDA_HOME, $CUDA_ROOT, $CUDA_PATH or /usr/local/cuda"),
      llvm::cl::init("")};
  PassOptions::Option<bool> emulate{
      *this, "emulate",
      llvm::cl::desc("Run the kernels with CPU threads instead of compiling "
                     "them for a GPU (se-gpu-emulate-on-cpu; for testing, "
                     "weights are always external)"),
      llvm::cl::init(false)};
  PassOptions::Option<int64_t> gpuSMCount{
      *this, "gpu-sm-count",
      llvm::cl::desc("Streaming multiprocessors of the target GPU (tile "
                     "sizes give each two blocks at least)"),
      llvm::cl::init(132)};
  PassOptions::Option<int64_t> blockSize{*this, "block-size",
                                         llvm::cl::desc("Threads per block"),
                                         llvm::cl::init(256)};
};

/// The PTX ISA version that `chip` needs, as a target feature ("+ptx80"
/// for sm_90), or failure naming the unsupported architecture.
FailureOr<std::string> getPTXFeatures(StringRef chip, std::string &error);

/// The CUDA toolkit to compile kernels with: `path` when given, else the
/// first of $CUDA_HOME, $CUDA_ROOT, $CUDA_PATH, else /usr/local/cuda.
std::string getCUDAToolkitPath(StringRef path);

/// Checks `options` (the architecture, the multiprocessors, the kernel
/// format); the message names the option.
LogicalResult verifyGPUPipelineOptions(const GPUPipelineOptions &options,
                                       std::string &error);

/// Adds the passes from graph-level IR with se, TOSA, linalg, tensor and
/// arith ops to the LLVM dialect with the kernels in one `gpu.binary`
/// (PTX in it with format `isa`): the graph preparation
/// (se/Codegen/Common/Passes.h), then buildSEGPUCodegenPipeline. Fails,
/// saying why in `error`, on an unknown architecture or format.
LogicalResult buildSEGPUPipeline(OpPassManager &pm,
                                 const GPUPipelineOptions &options,
                                 std::string &error);

/// The same from a prepared graph.
LogicalResult buildSEGPUCodegenPipeline(OpPassManager &pm,
                                        const GPUPipelineOptions &options,
                                        std::string &error);

/// Registers `se-gpu-pipeline` with the global pass registry.
void registerSEGPUPipeline();

} // namespace se
} // namespace mlir

#endif // SE_CODEGEN_GPU_PASSES_H
