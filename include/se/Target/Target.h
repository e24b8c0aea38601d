//===- Target.h - the machine compiled code runs on -------------*- C++ -*-===//
//
// Resolves a triple, a CPU and target features (the host by default, or
// the CPU that SE_HOST_CPU names in its place) to what code generation
// needs: the checked names and the vector width of the kernels.
//
//===----------------------------------------------------------------------===//

#ifndef SE_TARGET_TARGET_H
#define SE_TARGET_TARGET_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace mlir::se {

/// How the integer convolutions multiply 8-bit codes with the target's
/// instructions at its vector width.
enum class Int8DotProduct {
  /// No integer vectors at that width (AVX without AVX2, AVX-512 without
  /// AVX512BW, other architectures): the convolutions stay float.
  None,
  /// `vpmaddwd`: products of bytes widened to 16 bits, summed in pairs into
  /// i32 lanes (AVX2, AVX512BW).
  Vpmaddwd,
  /// `vpdpbusd`: u8 x s8 products summed in groups of four into i32 lanes
  /// (AVX512-VNNI for 16 lanes; AVX-VNNI, or AVX512-VNNI with AVX512VL, for
  /// 8).
  Vpdpbusd,
};

/// "none", "vpmaddwd" or "vpdpbusd".
StringRef stringifyInt8DotProduct(Int8DotProduct dotProduct);

/// A target with 'host' and the empty triple replaced by the machine the
/// compiler runs on.
struct ResolvedTarget {
  std::string triple;
  std::string cpu;
  std::string features;
  /// Number of f32 lanes of the widest usable vector register: 16 with
  /// AVX-512, 8 with AVX/AVX2, 4 otherwise.
  int64_t vectorWidth = 4;
  Int8DotProduct int8DotProduct = Int8DotProduct::None;
};

/// Resolves `triple` (empty: the host's), `cpu` ('host': the host's, or
/// SE_HOST_CPU's with its own features; for another architecture its
/// generic CPU) and extra `features` ("+avx2,-avx512f"). Fails with a
/// message naming an unknown triple, CPU or feature, a CPU that cannot run
/// the triple's code, or an SE_HOST_CPU the host cannot run.
FailureOr<ResolvedTarget> resolveTarget(StringRef triple, StringRef cpu,
                                        StringRef features, std::string &error);

} // namespace mlir::se

#endif // SE_TARGET_TARGET_H
