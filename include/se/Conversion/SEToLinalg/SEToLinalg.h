//===- SEToLinalg.h - se to linalg conversion -------------------*- C++ -*-===//

#ifndef SE_CONVERSION_SETOLINALG_SETOLINALG_H
#define SE_CONVERSION_SETOLINALG_SETOLINALG_H

namespace mlir {
class RewritePatternSet;

namespace se {

/// Patterns that rewrite se.squeeze_excite into linalg.generic ops on tensors.
void populateSEToLinalgConversionPatterns(RewritePatternSet &patterns);

} // namespace se
} // namespace mlir

#endif // SE_CONVERSION_SETOLINALG_SETOLINALG_H
