//===- ModelCall.h - call se_model_run of a loaded model --------*- C++ -*-===//
//
// A shared object from se-compile --emit=shared exports se_model_run: the
// entry point's C interface, which takes a pointer to each tensor's memref
// descriptor (inputs, then outputs), then the workspace's and, with external
// weights, the weights' descriptor. se-run and the calibration of
// se-compile --quantize=int8 call it through this.
//
//===----------------------------------------------------------------------===//

#ifndef SE_SUPPORT_MODELCALL_H
#define SE_SUPPORT_MODELCALL_H

#include "llvm/ADT/ArrayRef.h"

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>

namespace mlir::se {

/// The most descriptors one call passes: tensors, workspace and weights.
constexpr size_t kMaxModelArguments = 16;

/// Calls `entry` (se_model_run) with the descriptor pointers `arguments`
/// (at most kMaxModelArguments): the entry's own signature varies with the
/// model, so every call passes kMaxModelArguments pointers, null after the
/// last, which the C calling convention lets the callee ignore.
inline void callModelEntry(void *entry, llvm::ArrayRef<void *> arguments) {
  assert(arguments.size() <= kMaxModelArguments && "too many descriptors");
  void *a[kMaxModelArguments] = {};
  std::copy(arguments.begin(), arguments.end(), a);
  auto run = reinterpret_cast<void (*)(...)>(entry);
  run(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11],
      a[12], a[13], a[14], a[15]);
}

/// Calls `entry` (se_model_run_batch of a model compiled for any batch) on
/// `images` images: every tensor's descriptor covers the bytes of all of
/// them; then the workspace's and the weights' descriptors.
inline void callModelBatchEntry(void *entry, int64_t images,
                                llvm::ArrayRef<void *> arguments) {
  assert(arguments.size() < kMaxModelArguments && "too many descriptors");
  void *a[kMaxModelArguments] = {};
  std::copy(arguments.begin(), arguments.end(), a);
  auto run = reinterpret_cast<void (*)(int64_t, ...)>(entry);
  run(images, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10],
      a[11], a[12], a[13], a[14]);
}

} // namespace mlir::se

#endif // SE_SUPPORT_MODELCALL_H
