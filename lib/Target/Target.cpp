//===- Target.cpp - the machine compiled code runs on ---------------------===//

#include "se/Target/Target.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
using namespace mlir::se;

StringRef mlir::se::stringifyInt8DotProduct(Int8DotProduct dotProduct) {
  switch (dotProduct) {
  case Int8DotProduct::None:
    return "none";
  case Int8DotProduct::Vpmaddwd:
    return "vpmaddwd";
  case Int8DotProduct::Vpdpbusd:
    return "vpdpbusd";
  }
  llvm_unreachable("unknown Int8DotProduct");
}

static std::string hostFeatures() {
  std::string features;
  for (const auto &feature : llvm::sys::getHostCPUFeatures()) {
    if (!features.empty())
      features += ',';
    features += (feature.second ? "+" : "-") + feature.first().str();
  }
  return features;
}

/// The CPU that stands for the host when `SE_HOST_CPU` is set (to run the
/// suite as an AVX2-only host would on an AVX-512 one), with that CPU's own
/// features; otherwise the host's name and features.
static FailureOr<std::pair<std::string, std::string>>
hostTarget(const llvm::Target &llvmTarget, const llvm::Triple &triple,
           std::string &error) {
  std::optional<std::string> stand = llvm::sys::Process::GetEnv("SE_HOST_CPU");
  if (!stand || stand->empty())
    return std::make_pair(llvm::sys::getHostCPUName().str(), hostFeatures());
  std::unique_ptr<llvm::MCSubtargetInfo> generic(
      llvmTarget.createMCSubtargetInfo(triple, "", ""));
  if (!generic->isCPUStringValid(*stand)) {
    error = "SE_HOST_CPU names an unknown CPU '" + *stand + "'";
    return failure();
  }
  // The stand-in must not need a feature the host lacks: its code would die
  // of an illegal instruction.
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget(
      llvmTarget.createMCSubtargetInfo(triple, *stand, ""));
  auto isFeature = [&](StringRef name) {
    return llvm::any_of(
        generic->getAllProcessorFeatures(),
        [&](const llvm::SubtargetFeatureKV &kv) { return name == kv.Key; });
  };
  for (const auto &feature : llvm::sys::getHostCPUFeatures())
    if (!feature.second && isFeature(feature.first()) &&
        subtarget->checkFeatures("+" + feature.first().str())) {
      error = "SE_HOST_CPU='" + *stand + "' needs '" + feature.first().str() +
              "', which this host lacks";
      return failure();
    }
  return std::make_pair(*stand, std::string());
}

FailureOr<ResolvedTarget> mlir::se::resolveTarget(StringRef requestedTriple,
                                                  StringRef cpu,
                                                  StringRef features,
                                                  std::string &error) {
  llvm::InitializeAllTargetInfos();
  llvm::InitializeAllTargetMCs();

  ResolvedTarget target;
  llvm::Triple hostTriple(llvm::sys::getDefaultTargetTriple());
  target.triple =
      requestedTriple.empty() ? hostTriple.str() : requestedTriple.str();
  llvm::Triple triple(target.triple);
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return failure();
  target.cpu = cpu.str();
  target.features = features.str();
  if (target.cpu == "host") {
    // The host CPU means nothing for another architecture: compile for the
    // generic CPU of that one, as clang does without -mcpu.
    if (triple.getArch() != hostTriple.getArch()) {
      target.cpu = "generic";
    } else {
      FailureOr<std::pair<std::string, std::string>> host =
          hostTarget(*llvmTarget, triple, error);
      if (failed(host))
        return failure();
      target.cpu = host->first;
      if (!host->second.empty())
        target.features = target.features.empty()
                              ? host->second
                              : host->second + "," + target.features;
    }
  }

  // Validate the CPU on a generic subtarget first: creating one for an
  // unknown CPU prints a warning of LLVM's own.
  std::unique_ptr<llvm::MCSubtargetInfo> generic(
      llvmTarget->createMCSubtargetInfo(triple, "", ""));
  if (!generic || (!target.cpu.empty() && target.cpu != "generic" &&
                   !generic->isCPUStringValid(target.cpu))) {
    error =
        "unknown CPU '" + target.cpu + "' for target '" + target.triple + "'";
    return failure();
  }
  SmallVector<StringRef> requested;
  features.split(requested, ',', -1, false);
  for (StringRef feature : requested) {
    StringRef name = feature.ltrim("+-");
    bool known = (feature.starts_with("+") || feature.starts_with("-")) &&
                 llvm::any_of(generic->getAllProcessorFeatures(),
                              [&](const llvm::SubtargetFeatureKV &kv) {
                                return name == kv.Key;
                              });
    if (!known) {
      error = "unknown target feature '" + feature.str() + "' for target '" +
              target.triple + "' (expected +name or -name)";
      return failure();
    }
  }
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget(
      llvmTarget->createMCSubtargetInfo(triple, target.cpu, target.features));
  // LLVM aborts on x86-64 code for a CPU without 64-bit mode, or without
  // the SSE registers that pass floats.
  if (triple.getArch() == llvm::Triple::x86_64)
    for (StringRef needed : {"64bit", "sse2"})
      if (!subtarget->checkFeatures(("+" + needed).str())) {
        error = "CPU '" + target.cpu + "'" +
                (features.empty() ? "" : " with the requested features") +
                " cannot run x86-64 code: it lacks '" + needed.str() + "'";
        return failure();
      }
  if (triple.isX86()) {
    if (subtarget->checkFeatures("+avx512f"))
      target.vectorWidth = 16;
    else if (subtarget->checkFeatures("+avx"))
      target.vectorWidth = 8;
    bool vpdpbusd =
        target.vectorWidth == 16
            ? subtarget->checkFeatures("+avx512vnni")
            : target.vectorWidth == 8 &&
                  (subtarget->checkFeatures("+avxvnni") ||
                   subtarget->checkFeatures("+avx512vnni,+avx512vl"));
    bool vpmaddwd =
        target.vectorWidth == 16
            ? subtarget->checkFeatures("+avx512bw")
            : target.vectorWidth == 8 && subtarget->checkFeatures("+avx2");
    if (vpdpbusd)
      target.int8DotProduct = Int8DotProduct::Vpdpbusd;
    else if (vpmaddwd)
      target.int8DotProduct = Int8DotProduct::Vpmaddwd;
  }
  return target;
}
