//===- dnnl_conv_bench.cpp - oneDNN peer: per-layer convolution times -----===//
//
//   dnnl_conv_bench SHAPES RUNS
//
// Times each convolution of SHAPES (lines "name channels filters size
// kernel stride pad", batch 1, square inputs) as oneDNN runs it: f32,
// direct algorithm, source, weights and destination in the layouts oneDNN
// picks (`any`), bias and ReLU fused; the weights are reordered once,
// outside the timing. Threads: OMP_NUM_THREADS. Prints
// "name,median_ms,p10_ms,p90_ms" per shape.
//
//===----------------------------------------------------------------------===//

#include "dnnl.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Shape {
  std::string name;
  int channels, filters, size, kernel, stride, pad;
  int outputSize() const { return (size + 2 * pad - kernel) / stride + 1; }
};

void fill(dnnl::memory &memory, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  auto *data = static_cast<float *>(memory.get_data_handle());
  size_t count = memory.get_desc().get_size() / sizeof(float);
  for (size_t i = 0; i < count; ++i)
    data[i] = dist(rng);
}

std::vector<double> timeShape(const Shape &s, int runs, dnnl::engine &engine,
                              dnnl::stream &stream) {
  using tag = dnnl::memory::format_tag;
  using dt = dnnl::memory::data_type;
  int out = s.outputSize();
  dnnl::memory::dims src = {1, s.channels, s.size, s.size};
  dnnl::memory::dims weights = {s.filters, s.channels, s.kernel, s.kernel};
  dnnl::memory::dims bias = {s.filters};
  dnnl::memory::dims dst = {1, s.filters, out, out};
  auto anyDesc = [](const dnnl::memory::dims &dims) {
    return dnnl::memory::desc(dims, dt::f32, tag::any);
  };
  dnnl::convolution_forward::desc desc(
      dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
      anyDesc(src), anyDesc(weights), dnnl::memory::desc(bias, dt::f32, tag::x),
      anyDesc(dst), {s.stride, s.stride}, {s.pad, s.pad}, {s.pad, s.pad});
  dnnl::post_ops ops;
  ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  dnnl::convolution_forward::primitive_desc pd(desc, attr, engine);

  dnnl::memory srcMemory(pd.src_desc(), engine);
  dnnl::memory dstMemory(pd.dst_desc(), engine);
  dnnl::memory biasMemory(pd.bias_desc(), engine);
  dnnl::memory plainWeights({weights, dt::f32, tag::oihw}, engine);
  dnnl::memory weightsMemory(pd.weights_desc(), engine);
  fill(srcMemory, 1);
  fill(biasMemory, 2);
  fill(plainWeights, 3);
  dnnl::reorder(plainWeights, weightsMemory)
      .execute(stream, plainWeights, weightsMemory);
  stream.wait();

  dnnl::convolution_forward conv(pd);
  std::unordered_map<int, dnnl::memory> args = {
      {DNNL_ARG_SRC, srcMemory},
      {DNNL_ARG_WEIGHTS, weightsMemory},
      {DNNL_ARG_BIAS, biasMemory},
      {DNNL_ARG_DST, dstMemory}};
  for (int i = 0; i < 5; ++i)
    conv.execute(stream, args);
  stream.wait();
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    conv.execute(stream, args);
    stream.wait();
    times.push_back(std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - start)
                        .count());
  }
  std::sort(times.begin(), times.end());
  return times;
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 3) {
    std::cerr << "usage: dnnl_conv_bench SHAPES RUNS\n";
    return 2;
  }
  std::ifstream file(argv[1]);
  if (!file) {
    std::cerr << "dnnl_conv_bench: cannot read " << argv[1] << "\n";
    return 1;
  }
  int runs = std::max(1, std::atoi(argv[2]));
  std::vector<Shape> shapes;
  for (std::string line; std::getline(file, line);) {
    if (line.empty() || line[0] == '#')
      continue;
    std::istringstream fields(line);
    Shape s;
    if (!(fields >> s.name >> s.channels >> s.filters >> s.size >> s.kernel >>
          s.stride >> s.pad)) {
      std::cerr << "dnnl_conv_bench: bad line: " << line << "\n";
      return 1;
    }
    shapes.push_back(s);
  }
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  std::cout << "name,median_ms,p10_ms,p90_ms\n";
  for (const Shape &s : shapes) {
    std::vector<double> t = timeShape(s, runs, engine, stream);
    auto at = [&](double fraction) {
      return t[std::min(t.size() - 1, static_cast<size_t>(fraction * t.size()))];
    };
    std::printf("%s,%.4f,%.4f,%.4f\n", s.name.c_str(), at(0.5), at(0.1),
                at(0.9));
    std::fflush(stdout);
  }
  return 0;
}
