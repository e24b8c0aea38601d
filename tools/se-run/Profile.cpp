//===- Profile.cpp - the per-layer profile of se-compile --profile --------===//

#include "Profile.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

#include <algorithm>

using namespace llvm;

namespace se_run {

double Profile::layerMs() const {
  double total = 0.0;
  for (const LayerTime &layer : layers)
    total += layer.ms;
  return total;
}

bool readProfile(StringRef layerText, const int64_t *counters, double runMs,
                 int64_t imagesPerRun, Profile &profile, std::string &error) {
  SmallVector<StringRef> lines;
  layerText.split(lines, '\n', -1, /*KeepEmpty=*/false);
  int64_t recorded = counters[lines.size()];
  profile.imagesPerRun = std::max<int64_t>(imagesPerRun, 1);
  profile.runs = recorded / profile.imagesPerRun;
  profile.runMs = runMs;
  if (recorded <= 0) {
    error = "the model recorded no runs";
    return false;
  }
  for (auto [index, line] : llvm::enumerate(lines)) {
    SmallVector<StringRef> fields;
    line.split(fields, '\t');
    if (fields.size() != 5) {
      error = "layer line " + std::to_string(index + 1) + " has " +
              std::to_string(fields.size()) + " fields, expected 5";
      return false;
    }
    LayerTime layer;
    layer.name = fields[0].str();
    layer.kind = fields[1].str();
    layer.shape = fields[2].str();
    // Layers the graph did not describe have empty counts.
    (void)fields[3].getAsInteger(10, layer.macs);
    (void)fields[4].getAsInteger(10, layer.bytes);
    layer.ms = counters[index] / 1e6 / recorded;
    profile.layers.push_back(std::move(layer));
  }
  std::stable_sort(profile.layers.begin(), profile.layers.end(),
                   [](const LayerTime &a, const LayerTime &b) {
                     return a.ms > b.ms;
                   });
  return true;
}

static double perSecond(double amount, double ms) {
  return ms > 0.0 ? amount / (ms * 1e-3) / 1e9 : 0.0;
}

void printProfile(const Profile &profile, raw_ostream &os) {
  double layerMs = profile.layerMs();
  bool perImage = profile.imagesPerRun > 1;
  if (perImage)
    os << format("profile: %lld runs of %lld images, %.3f ms per run; per "
                 "image, %.3f ms in layers on the thread that ran it\n",
                 (long long)profile.runs, (long long)profile.imagesPerRun,
                 profile.runMs, layerMs);
  else
    os << format("profile: %lld runs, %.3f ms per run, %.3f ms in layers "
                 "(%.1f%%)\n",
                 (long long)profile.runs, profile.runMs, layerMs,
                 profile.runMs > 0.0 ? 100.0 * layerMs / profile.runMs : 0.0);
  size_t nameWidth = 5, kindWidth = 4, shapeWidth = 5;
  for (const LayerTime &layer : profile.layers) {
    nameWidth = std::max(nameWidth, layer.name.size());
    kindWidth = std::max(kindWidth, layer.kind.size());
    shapeWidth = std::max(shapeWidth, layer.shape.size());
  }
  auto row = [&](StringRef name, StringRef kind, StringRef shape, StringRef ms,
                 StringRef share, StringRef flops, StringRef bandwidth) {
    os << left_justify(name, nameWidth) << "  " << left_justify(kind, kindWidth)
       << "  " << left_justify(shape, shapeWidth) << "  "
       << right_justify(ms, 9) << "  " << right_justify(share, 6) << "  "
       << right_justify(flops, 8) << "  " << right_justify(bandwidth, 7)
       << "\n";
  };
  row("layer", "kind", "shape", perImage ? "ms/image" : "ms/run", "share",
      "GFLOP/s", "GB/s");
  auto number = [](const char *pattern, double value) {
    std::string text;
    raw_string_ostream(text) << format(pattern, value);
    return text;
  };
  for (const LayerTime &layer : profile.layers) {
    std::string flops =
        layer.macs > 0 ? number("%.1f", perSecond(2.0 * layer.macs, layer.ms))
                       : "-";
    std::string bandwidth =
        layer.bytes > 0 ? number("%.1f", perSecond(layer.bytes, layer.ms))
                        : "-";
    row(layer.name, layer.kind, layer.shape, number("%.4f", layer.ms),
        number("%.1f%%", layerMs > 0.0 ? 100.0 * layer.ms / layerMs : 0.0),
        flops, bandwidth);
  }
  int64_t macs = 0;
  for (const LayerTime &layer : profile.layers)
    macs += layer.macs;
  row("total", "", "", number("%.4f", layerMs), "100.0%",
      number("%.1f", perSecond(2.0 * macs, layerMs)), "-");
}

void writeProfileJSON(const Profile &profile, raw_ostream &os) {
  double layerMs = profile.layerMs();
  json::OStream json(os, 2);
  json.object([&] {
    json.attribute("runs", profile.runs);
    json.attribute("images_per_run", profile.imagesPerRun);
    json.attribute("run_ms", profile.runMs);
    json.attribute("layers_ms", layerMs);
    json.attributeArray("layers", [&] {
      for (const LayerTime &layer : profile.layers)
        json.object([&] {
          json.attribute("name", layer.name);
          json.attribute("kind", layer.kind);
          json.attribute("shape", layer.shape);
          json.attribute("macs", layer.macs);
          json.attribute("bytes", layer.bytes);
          json.attribute("ms", layer.ms);
          json.attribute("share", layerMs > 0.0 ? layer.ms / layerMs : 0.0);
          json.attribute("gflops", perSecond(2.0 * layer.macs, layer.ms));
          json.attribute("gbytes_per_s", perSecond(layer.bytes, layer.ms));
        });
    });
  });
  os << "\n";
}

} // namespace se_run
