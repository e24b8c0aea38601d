//===- SEReference.h - plain C++ reference of the SE block ------*- C++ -*-===//
//
// A direct transcription of the SE block's definition (se-block.md) in
// double precision. It shares no code with the compiler, so a lowering bug
// cannot hide in both.
//
//===----------------------------------------------------------------------===//

#ifndef SE_UNITTESTS_REFERENCE_SEREFERENCE_H
#define SE_UNITTESTS_REFERENCE_SEREFERENCE_H

#include <cstdint>
#include <string>
#include <vector>

namespace se::reference {

enum class Layout { NCHW, NHWC };
enum class Squeeze { Avg, Max, AvgMax };
enum class Excitation { TwoFC, OneFC, Conv1D };
enum class InnerAct { ReLU, SiLU, HardSwish };
enum class Gate { Sigmoid, HardSigmoid, Tanh, ReLU };

struct Block {
  Layout layout = Layout::NCHW;
  Squeeze squeeze = Squeeze::Avg;
  Excitation excitation = Excitation::TwoFC;
  InnerAct innerAct = InnerAct::ReLU;
  Gate gate = Gate::Sigmoid;
  bool bias = false;
  bool residual = false;
  bool postRelu = false;
  int64_t n = 1, c = 1, h = 1, w = 1;
  /// Hidden width (two_fc) or kernel size (conv1d).
  int64_t hidden = 1;
};

/// Inputs of one block; weights are row-major as the se op takes them.
struct Tensors {
  std::vector<float> input, w1, w2, b1, b2, residual;
};

/// y for `block` on `tensors`, in the input's layout.
std::vector<double> run(const Block &block, const Tensors &tensors);

} // namespace se::reference

#endif // SE_UNITTESTS_REFERENCE_SEREFERENCE_H
