//===- SEToLinalg.h - se to linalg conversion -------------------*- C++ -*-===//

#ifndef SE_CONVERSION_SETOLINALG_SETOLINALG_H
#define SE_CONVERSION_SETOLINALG_SETOLINALG_H

namespace mlir {
class RewritePatternSet;

namespace se {

/// Patterns that rewrite every se op into linalg.generic ops on tensors:
/// se.squeeze_excite and the quantization ops.
void populateSEToLinalgConversionPatterns(RewritePatternSet &patterns);

/// Patterns that rewrite se.quantize and se.dequantize into element-wise
/// linalg.generic ops.
void populateQuantToLinalgConversionPatterns(RewritePatternSet &patterns);

} // namespace se
} // namespace mlir

#endif // SE_CONVERSION_SETOLINALG_SETOLINALG_H
