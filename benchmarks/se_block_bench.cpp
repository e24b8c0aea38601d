//===- se_block_bench.cpp - SE block vs naive loops and the memory bound --===//
//
// For the SE blocks of the four SE-ResNet-50 stages (batch 1, r = 16) in
// NCHW and NHWC, one thread: the median time of the compiled block, of a
// naive C++ loop nest, and the 3-pass memory bound: reading U twice and
// writing Y once, plus reading the FC weights once. Then the same for the
// SE-ResNet tail relu(SE(U) + identity) in NHWC against its 2-pass bound:
// one pass reads U (the squeeze), the second reads U and the identity and
// writes Y, plus the FC weights once. Each term is priced at the copy
// bandwidth measured here on a buffer of its own size (memcpy of U for the
// feature-map passes, memcpy of the weights for the weights): U may fit in
// L2 where the 2 MB of weights of the last stage do not. Runs are
// interleaved; medians of `--runs` (default 101) repetitions. `--csv`
// prints only the tails, one line each, for benchmarks/run-se-fusion.sh.
//
//===----------------------------------------------------------------------===//

#include "se/Runtime/MemRef.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

extern "C" {
#define SE_DECLARE(NAME)                                                       \
  void _mlir_ciface_##NAME(SEMemRef4D *, SEMemRef2D *, SEMemRef2D *,           \
                           SEMemRef4D *);
SE_DECLARE(se_nchw_256)
SE_DECLARE(se_nhwc_256)
SE_DECLARE(se_nchw_512)
SE_DECLARE(se_nhwc_512)
SE_DECLARE(se_nchw_1024)
SE_DECLARE(se_nhwc_1024)
SE_DECLARE(se_nchw_2048)
SE_DECLARE(se_nhwc_2048)
#undef SE_DECLARE
#define SE_DECLARE_TAIL(NAME)                                                  \
  void _mlir_ciface_##NAME(SEMemRef4D *, SEMemRef2D *, SEMemRef2D *,           \
                           SEMemRef4D *, SEMemRef4D *);
SE_DECLARE_TAIL(se_tail_256)
SE_DECLARE_TAIL(se_tail_512)
SE_DECLARE_TAIL(se_tail_1024)
SE_DECLARE_TAIL(se_tail_2048)
#undef SE_DECLARE_TAIL
}

namespace {

using Kernel = void (*)(SEMemRef4D *, SEMemRef2D *, SEMemRef2D *, SEMemRef4D *);
using TailKernel = void (*)(SEMemRef4D *, SEMemRef2D *, SEMemRef2D *,
                            SEMemRef4D *, SEMemRef4D *);

struct Case {
  int64_t c, hw;
  bool nhwc;
  Kernel kernel;
  /// Set for the tails relu(SE(U) + identity), which are NHWC.
  TailKernel tail = nullptr;
};

/// A 64-byte aligned buffer, touched once so no run pays first-touch faults.
struct Buffer {
  explicit Buffer(size_t count)
      : data(static_cast<float *>(std::aligned_alloc(64, roundUp(count)))),
        count(count) {
    std::memset(data, 0, roundUp(count));
  }
  ~Buffer() { std::free(data); }
  static size_t roundUp(size_t count) { return (count * 4 + 63) / 64 * 64; }
  float *data;
  size_t count;
};

/// The SE block written as plainly as possible; with `identity`, the tail
/// relu(SE(U) + identity).
void naiveSE(const Case &k, const float *u, const float *w1, const float *w2,
             const float *identity, float *y) {
  int64_t c = k.c, s = k.hw * k.hw, hidden = c / 16;
  std::vector<float> z(c, 0.0f), h(hidden), gate(c);
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t p = 0; p < s; ++p)
      z[ch] += k.nhwc ? u[p * c + ch] : u[ch * s + p];
  for (float &v : z)
    v /= float(s);
  for (int64_t j = 0; j < hidden; ++j) {
    float acc = 0.0f;
    for (int64_t ch = 0; ch < c; ++ch)
      acc += w1[j * c + ch] * z[ch];
    h[j] = std::max(acc, 0.0f);
  }
  for (int64_t ch = 0; ch < c; ++ch) {
    float acc = 0.0f;
    for (int64_t j = 0; j < hidden; ++j)
      acc += w2[ch * hidden + j] * h[j];
    gate[ch] = 1.0f / (1.0f + std::exp(-acc));
  }
  for (int64_t ch = 0; ch < c; ++ch)
    for (int64_t p = 0; p < s; ++p) {
      int64_t i = k.nhwc ? p * c + ch : ch * s + p;
      y[i] = gate[ch] * u[i];
      if (identity)
        y[i] = std::max(y[i] + identity[i], 0.0f);
    }
}

double seconds(const std::function<void()> &fn) {
  auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Timing {
  double ours, naive, bound, copyBandwidth, weightBandwidth, passBytes,
      maxError;
};

/// Times case `k` against the naive loops and its memory bound (3 passes
/// over U for a block, 4 for a tail: see the file comment).
Timing measure(const Case &k, int runs, std::mt19937 &rng) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  int64_t hidden = k.c / 16, elements = k.c * k.hw * k.hw;
  Buffer u(elements), identity(elements), y(elements), yNaive(elements),
      copy(elements);
  Buffer w1(hidden * k.c), w2(k.c * hidden);
  Buffer weights(2 * hidden * k.c), weightsCopy(2 * hidden * k.c);
  for (size_t i = 0; i < u.count; ++i) {
    u.data[i] = dist(rng);
    identity.data[i] = dist(rng);
  }
  for (size_t i = 0; i < w1.count; ++i) {
    w1.data[i] = dist(rng) * 0.1f;
    w2.data[i] = dist(rng) * 0.5f;
  }
  SEMemRef4D uRef, yRef, identityRef;
  SEMemRef2D w1Ref, w2Ref;
  if (k.nhwc) {
    SE_MEMREF_INIT(uRef, u.data, 1, k.hw, k.hw, k.c);
    SE_MEMREF_INIT(yRef, y.data, 1, k.hw, k.hw, k.c);
    SE_MEMREF_INIT(identityRef, identity.data, 1, k.hw, k.hw, k.c);
  } else {
    SE_MEMREF_INIT(uRef, u.data, 1, k.c, k.hw, k.hw);
    SE_MEMREF_INIT(yRef, y.data, 1, k.c, k.hw, k.hw);
  }
  SE_MEMREF_INIT(w1Ref, w1.data, hidden, k.c);
  SE_MEMREF_INIT(w2Ref, w2.data, k.c, hidden);
  const float *naiveIdentity = k.tail ? identity.data : nullptr;

  std::vector<double> ours, naive, copies, weightCopies;
  for (int run = 0; run < runs; ++run) {
    ours.push_back(seconds([&] {
      if (k.tail)
        k.tail(&uRef, &w1Ref, &w2Ref, &identityRef, &yRef);
      else
        k.kernel(&uRef, &w1Ref, &w2Ref, &yRef);
    }));
    naive.push_back(seconds([&] {
      naiveSE(k, u.data, w1.data, w2.data, naiveIdentity, yNaive.data);
    }));
    copies.push_back(seconds(
        [&] { std::memcpy(copy.data, u.data, elements * sizeof(float)); }));
    weightCopies.push_back(seconds([&] {
      std::memcpy(weightsCopy.data, weights.data,
                  weights.count * sizeof(float));
    }));
  }
  Timing t;
  t.maxError = 0.0;
  for (int64_t i = 0; i < elements; ++i)
    t.maxError =
        std::max<double>(t.maxError, std::fabs(y.data[i] - yNaive.data[i]) /
                                         (1.0 + std::fabs(yNaive.data[i])));
  double bytesU = elements * 4.0, bytesW = 2.0 * hidden * k.c * 4.0;
  double passes = k.tail ? 4.0 : 3.0;
  t.copyBandwidth = 2.0 * bytesU / median(copies);
  t.weightBandwidth = 2.0 * bytesW / median(weightCopies);
  t.passBytes = passes * bytesU + bytesW;
  t.bound = passes * bytesU / t.copyBandwidth + bytesW / t.weightBandwidth;
  t.ours = median(ours);
  t.naive = median(naive);
  return t;
}

} // namespace

int main(int argc, char **argv) {
  int runs = 101;
  bool csv = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--runs=", 7) == 0 && std::atoi(argv[i] + 7) > 0)
      runs = std::atoi(argv[i] + 7);
    else if (std::strcmp(argv[i], "--csv") == 0)
      csv = true;
    else {
      std::fprintf(stderr, "usage: %s [--runs=N] [--csv]\n", argv[0]);
      return 2;
    }
  }
  std::vector<Case> blocks = {
      {256, 56, false, _mlir_ciface_se_nchw_256},
      {256, 56, true, _mlir_ciface_se_nhwc_256},
      {512, 28, false, _mlir_ciface_se_nchw_512},
      {512, 28, true, _mlir_ciface_se_nhwc_512},
      {1024, 14, false, _mlir_ciface_se_nchw_1024},
      {1024, 14, true, _mlir_ciface_se_nhwc_1024},
      {2048, 7, false, _mlir_ciface_se_nchw_2048},
      {2048, 7, true, _mlir_ciface_se_nhwc_2048},
  };
  std::vector<Case> tails = {
      {256, 56, true, nullptr, _mlir_ciface_se_tail_256},
      {512, 28, true, nullptr, _mlir_ciface_se_tail_512},
      {1024, 14, true, nullptr, _mlir_ciface_se_tail_1024},
      {2048, 7, true, nullptr, _mlir_ciface_se_tail_2048},
  };
  std::mt19937 rng(42);

  if (csv) {
    std::printf("shape,ours_ms,bound_ms,naive_ms,max_error\n");
    for (const Case &k : tails) {
      Timing t = measure(k, runs, rng);
      std::printf("1x%lldx%lldx%lld,%.5f,%.5f,%.5f,%.1e\n", (long long)k.c,
                  (long long)k.hw, (long long)k.hw, t.ours * 1e3, t.bound * 1e3,
                  t.naive * 1e3, t.maxError);
    }
    return 0;
  }

  std::printf("SE block, batch 1, r = 16, one thread, medians of %d runs\n\n",
              runs);
  std::printf("| shape | layout | se-mlir ms | naive ms | 3-pass bound ms | "
              "se-mlir / bound | naive / se-mlir | se-mlir GB/s | copy GB/s "
              "(U) | copy GB/s (W) | max error |\n"
              "|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const Case &k : blocks) {
    Timing t = measure(k, runs, rng);
    std::printf("| 1x%lldx%lldx%lld | %s | %.4f | %.4f | %.4f | %.2f | %.1f | "
                "%.1f | %.1f | %.1f | %.1e |\n",
                (long long)k.c, (long long)k.hw, (long long)k.hw,
                k.nhwc ? "NHWC" : "NCHW", t.ours * 1e3, t.naive * 1e3,
                t.bound * 1e3, t.ours / t.bound, t.naive / t.ours,
                t.passBytes / t.ours / 1e9, t.copyBandwidth / 1e9,
                t.weightBandwidth / 1e9, t.maxError);
  }

  std::printf("\nSE tail relu(SE(U) + identity), NHWC, batch 1, r = 16, one "
              "thread, medians of %d runs\n\n",
              runs);
  std::printf("| shape | se-mlir ms | naive ms | 2-pass bound ms | "
              "se-mlir / bound | naive / se-mlir | max error |\n"
              "|---|---|---|---|---|---|---|\n");
  for (const Case &k : tails) {
    Timing t = measure(k, runs, rng);
    std::printf("| 1x%lldx%lldx%lld | %.4f | %.4f | %.4f | %.2f | %.1f | "
                "%.1e |\n",
                (long long)k.c, (long long)k.hw, (long long)k.hw, t.ours * 1e3,
                t.naive * 1e3, t.bound * 1e3, t.ours / t.bound,
                t.naive / t.ours, t.maxError);
  }
  return 0;
}
