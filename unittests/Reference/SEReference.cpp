//===- SEReference.cpp - plain C++ reference of the SE block --------------===//

#include "Reference/SEReference.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace se::reference;

static double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
static double relu6(double x) { return std::min(6.0, std::max(0.0, x)); }

static double innerActivation(InnerAct act, double x) {
  switch (act) {
  case InnerAct::ReLU:
    return std::max(0.0, x);
  case InnerAct::SiLU:
    return x * sigmoid(x);
  case InnerAct::HardSwish:
    return x * relu6(x + 3.0) / 6.0;
  }
  return x;
}

static double gate(Gate g, double x) {
  switch (g) {
  case Gate::Sigmoid:
    return sigmoid(x);
  case Gate::HardSigmoid:
    return relu6(x + 3.0) / 6.0;
  case Gate::Tanh:
    return std::tanh(x);
  case Gate::ReLU:
    return std::max(0.0, x);
  }
  return x;
}

/// Excitation (before the gate) of one pooled channel vector z of length C.
static std::vector<double> excite(const Block &b, const Tensors &t,
                                  const std::vector<double> &z) {
  const int64_t c = b.c;
  std::vector<double> e(c, 0.0);
  switch (b.excitation) {
  case Excitation::TwoFC: {
    std::vector<double> hidden(b.hidden);
    for (int64_t j = 0; j < b.hidden; ++j) {
      double acc = b.bias ? t.b1[j] : 0.0;
      for (int64_t i = 0; i < c; ++i)
        acc += double(t.w1[j * c + i]) * z[i];
      hidden[j] = innerActivation(b.innerAct, acc);
    }
    for (int64_t o = 0; o < c; ++o) {
      double acc = b.bias ? t.b2[o] : 0.0;
      for (int64_t j = 0; j < b.hidden; ++j)
        acc += double(t.w2[o * b.hidden + j]) * hidden[j];
      e[o] = acc;
    }
    break;
  }
  case Excitation::OneFC:
    for (int64_t o = 0; o < c; ++o) {
      double acc = b.bias ? t.b1[o] : 0.0;
      for (int64_t i = 0; i < c; ++i)
        acc += double(t.w1[o * c + i]) * z[i];
      e[o] = acc;
    }
    break;
  case Excitation::Conv1D: {
    const int64_t k = b.hidden, half = (k - 1) / 2;
    for (int64_t o = 0; o < c; ++o) {
      double acc = 0.0;
      for (int64_t j = 0; j < k; ++j) {
        int64_t i = o + j - half;
        if (i >= 0 && i < c)
          acc += double(t.w1[j]) * z[i];
      }
      e[o] = acc;
    }
    break;
  }
  }
  return e;
}

std::vector<double> se::reference::run(const Block &b, const Tensors &t) {
  const int64_t hw = b.h * b.w;
  auto index = [&](int64_t n, int64_t c, int64_t s) {
    return b.layout == Layout::NCHW ? (n * b.c + c) * hw + s
                                    : (n * hw + s) * b.c + c;
  };
  std::vector<double> y(t.input.size());
  for (int64_t n = 0; n < b.n; ++n) {
    std::vector<double> avg(b.c, 0.0);
    std::vector<double> max(b.c, -std::numeric_limits<double>::infinity());
    for (int64_t c = 0; c < b.c; ++c)
      for (int64_t s = 0; s < hw; ++s) {
        double v = t.input[index(n, c, s)];
        avg[c] += v / double(hw);
        max[c] = std::max(max[c], v);
      }
    std::vector<double> e;
    if (b.squeeze == Squeeze::Avg)
      e = excite(b, t, avg);
    else if (b.squeeze == Squeeze::Max)
      e = excite(b, t, max);
    else {
      e = excite(b, t, avg);
      std::vector<double> eMax = excite(b, t, max);
      for (int64_t c = 0; c < b.c; ++c)
        e[c] += eMax[c];
    }
    for (int64_t c = 0; c < b.c; ++c) {
      double s = gate(b.gate, e[c]);
      for (int64_t p = 0; p < hw; ++p) {
        int64_t i = index(n, c, p);
        double v = s * t.input[i];
        if (b.residual)
          v += t.residual[i];
        if (b.postRelu)
          v = std::max(0.0, v);
        y[i] = v;
      }
    }
  }
  return y;
}
