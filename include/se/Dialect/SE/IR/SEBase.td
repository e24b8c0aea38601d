//===- SEBase.td - se dialect and its attributes -----------*- tablegen -*-===//
//
// The se dialect models the Squeeze-and-Excitation block (Hu et al., 2018)
// and its published variants as one op, so that the compiler can lower and
// fuse it as a whole instead of as a dozen primitive ops.
//
//===----------------------------------------------------------------------===//

#ifndef SE_DIALECT_SE_IR_SEBASE_TD
#define SE_DIALECT_SE_IR_SEBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def SE_Dialect : Dialect {
  let name = "se";
  let cppNamespace = "::mlir::se";
  let summary = "Squeeze-and-Excitation blocks as first-class ops";
  let description = [{
    The `se` dialect holds `se.squeeze_excite`, one op for the whole
    Squeeze-and-Excitation block: the squeeze (global pooling), the
    excitation (a small MLP or a 1-D convolution over channels, with its
    activations), the gate, the channel-wise scale and the optional fused
    residual epilogue. Keeping the block whole lets the lowering tile and
    fuse its three phases and fuse them with their neighbours. Beside it,
    `se.quantize` and `se.dequantize` carry the 8-bit affine quantization
    steps of quantized (QDQ) models.
  }];
  let useDefaultAttributePrinterParser = 1;
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

class SE_EnumAttr<EnumAttrInfo info, string mnemonic>
    : EnumAttr<SE_Dialect, info, mnemonic> {
  // Print the bare keyword inside op assembly, e.g. `squeeze = avg`.
  let assemblyFormat = "$value";
}

def SE_Layout : I32EnumAttr<"Layout", "activation layout", [
    I32EnumAttrCase<"NCHW", 0, "nchw">,
    I32EnumAttrCase<"NHWC", 1, "nhwc">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::se";
}
def SE_LayoutAttr : SE_EnumAttr<SE_Layout, "layout">;

def SE_SqueezeKind : I32EnumAttr<"SqueezeKind", "global pooling of the squeeze", [
    I32EnumAttrCase<"Avg", 0, "avg">,
    I32EnumAttrCase<"Max", 1, "max">,
    I32EnumAttrCase<"AvgMax", 2, "avg_max">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::se";
}
def SE_SqueezeKindAttr : SE_EnumAttr<SE_SqueezeKind, "squeeze">;

def SE_ExcitationKind : I32EnumAttr<"ExcitationKind", "form of the excitation", [
    I32EnumAttrCase<"TwoFC", 0, "two_fc">,
    I32EnumAttrCase<"OneFC", 1, "one_fc">,
    I32EnumAttrCase<"Conv1D", 2, "conv1d">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::se";
}
def SE_ExcitationKindAttr : SE_EnumAttr<SE_ExcitationKind, "excitation">;

def SE_InnerActivation : I32EnumAttr<"InnerActivation",
    "activation between the two FC layers", [
    I32EnumAttrCase<"ReLU", 0, "relu">,
    I32EnumAttrCase<"SiLU", 1, "silu">,
    I32EnumAttrCase<"HardSwish", 2, "hard_swish">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::se";
}
def SE_InnerActivationAttr : SE_EnumAttr<SE_InnerActivation, "inner_act">;

def SE_GateKind : I32EnumAttr<"GateKind", "gating nonlinearity", [
    I32EnumAttrCase<"Sigmoid", 0, "sigmoid">,
    I32EnumAttrCase<"HardSigmoid", 1, "hard_sigmoid">,
    I32EnumAttrCase<"Tanh", 2, "tanh">,
    I32EnumAttrCase<"ReLU", 3, "relu">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::se";
}
def SE_GateKindAttr : SE_EnumAttr<SE_GateKind, "gate">;

def SE_PostActivation : I32EnumAttr<"PostActivation",
    "activation after the fused residual add", [
    I32EnumAttrCase<"None", 0, "none">,
    I32EnumAttrCase<"ReLU", 1, "relu">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::se";
}
def SE_PostActivationAttr : SE_EnumAttr<SE_PostActivation, "post_act">;

def SE_QuantStorage : I32EnumAttr<"QuantStorage",
    "8-bit integer storage of a quantized tensor", [
    I32EnumAttrCase<"U8", 0, "u8">,
    I32EnumAttrCase<"I8", 1, "i8">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::se";
}
def SE_QuantStorageAttr : SE_EnumAttr<SE_QuantStorage, "storage">;

#endif // SE_DIALECT_SE_IR_SEBASE_TD
