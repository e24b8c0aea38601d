//===- Profile.h - per-layer profile of se-compile --profile ---*- C++ -*-===//
//
// A model compiled with se-compile --profile exports the nanoseconds each
// layer took, summed over runs, then the run count (se_model_profile_ns; a
// model for any batch counts images, and sums the time each image's layers
// took on the thread that ran it),
// and one line per layer (se_model_profile_layers):
//   name TAB kind TAB shape TAB MACs TAB bytes
// se-run --profile turns them into a table sorted by time, and a JSON file.
//
//===----------------------------------------------------------------------===//

#ifndef SE_RUN_PROFILE_H
#define SE_RUN_PROFILE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>
#include <vector>

namespace se_run {

struct LayerTime {
  std::string name, kind, shape;
  int64_t macs = 0;
  int64_t bytes = 0;
  /// Milliseconds per run (per image, with several images per run).
  double ms = 0.0;
};

struct Profile {
  int64_t runs = 0;
  /// Images per run of a model for any batch (se-run --batch), else 1.
  int64_t imagesPerRun = 1;
  /// The wall-clock milliseconds per run, as se-run timed it.
  double runMs = 0.0;
  /// Sorted by time, the slowest first.
  std::vector<LayerTime> layers;
  double layerMs() const;
};

/// Reads the layer lines and their counters (one per line, then the count
/// of runs, or of images with `imagesPerRun` > 1); fails, saying why, on
/// text that does not match them.
bool readProfile(llvm::StringRef layerText, const int64_t *counters,
                 double runMs, int64_t imagesPerRun, Profile &profile,
                 std::string &error);

/// The table: one row per layer (time, share, GFLOP/s, GB/s), the total.
void printProfile(const Profile &profile, llvm::raw_ostream &os);

/// {"runs", "images_per_run", "run_ms", "layers_ms", "layers": [{"name",
///  "kind", "shape", "macs", "bytes", "ms", "share", "gflops",
///  "gbytes_per_s"}]}; with several images per run, "layers_ms" and each
///  layer's "ms" are per image.
void writeProfileJSON(const Profile &profile, llvm::raw_ostream &os);

} // namespace se_run

#endif // SE_RUN_PROFILE_H
