//===- SEOps.h - se dialect ops ---------------------------------*- C++ -*-===//
//
// The se.squeeze_excite op, its enums, and the hidden-width rules that model
// builders use to size the excitation; se.quantize and se.dequantize.
//
//===----------------------------------------------------------------------===//

#ifndef SE_DIALECT_SE_IR_SEOPS_H
#define SE_DIALECT_SE_IR_SEOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "se/Dialect/SE/IR/SEDialect.h"

#include "se/Dialect/SE/IR/SEEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "se/Dialect/SE/IR/SEAttrs.h.inc"

namespace mlir::se {

/// The knobs of one SE block, as carried by the attributes of
/// se.squeeze_excite.
/// Set by convert-se-to-linalg on the generics that read an SE block's
/// feature map, and carried to their tile loops: the block's name and the
/// phase (`squeeze` or `scale`; `produce` on the loop over rows of U that
/// se-cpu-fuse-squeeze-into-producer builds, `scaled-read` on the readers
/// se-cpu-fuse-scale-into-consumers makes apply the scale). The traffic
/// report reads them.
inline constexpr llvm::StringLiteral kSEBlockAttrName = "se.block";
inline constexpr llvm::StringLiteral kSEPhaseAttrName = "se.phase";

/// Copies the SE block and phase tags of `from` (those it has) to `to`.
inline void copySETags(Operation *from, Operation *to) {
  for (llvm::StringRef name : {kSEBlockAttrName, kSEPhaseAttrName})
    if (Attribute attr = from->getAttr(name))
      to->setAttr(name, attr);
}

struct SEConfig {
  Layout layout = Layout::NCHW;
  SqueezeKind squeeze = SqueezeKind::Avg;
  ExcitationKind excitation = ExcitationKind::TwoFC;
  InnerActivation innerAct = InnerActivation::ReLU;
  GateKind gate = GateKind::Sigmoid;
  PostActivation postAct = PostActivation::None;
};

/// Hidden width of SENet: C / r, at least 1.
int64_t hiddenWidthFromRatio(int64_t channels, int64_t ratio);

/// MobileNetV3's rounding: `value` rounded to the nearest multiple of
/// `divisor`, at least `minValue` (default: `divisor`), and never below 90 %
/// of `value`. The SE width of MobileNetV3 is makeDivisible(C / 4, 8).
int64_t makeDivisible(double value, int64_t divisor = 8, int64_t minValue = 0);

/// EfficientNet's rule: the hidden width is relative to the block input
/// width, max(1, floor(blockInputChannels * seRatio)), with seRatio = 0.25.
int64_t hiddenWidthFromBlockInput(int64_t blockInputChannels,
                                  double seRatio = 0.25);

/// How a model sizes the hidden layer of its SE blocks.
enum class HiddenWidthRule {
  /// SENet: C / r (parameter: r).
  Ratio,
  /// MobileNetV3: make_divisible(C / 4, 8) (no parameter).
  MakeDivisible,
  /// EfficientNet: max(1, blockInputChannels / 4) (parameter: the block's
  /// input width).
  BlockInput,
};

/// The hidden width of an SE block on `channels` channels under `rule`.
int64_t getHiddenWidth(HiddenWidthRule rule, int64_t channels,
                       int64_t parameter);

/// ECA-Net's adaptive kernel size: the odd number nearest above
/// |log2(C) + b| / gamma.
int64_t ecaKernelSize(int64_t channels, int64_t gamma = 2, int64_t b = 1);

/// The smallest and largest value `storage` holds: [0, 255] for u8,
/// [-128, 127] for i8.
std::pair<int32_t, int32_t> getQuantStorageRange(QuantStorage storage);

} // namespace mlir::se

#define GET_OP_CLASSES
#include "se/Dialect/SE/IR/SEOps.h.inc"

#endif // SE_DIALECT_SE_IR_SEOPS_H
