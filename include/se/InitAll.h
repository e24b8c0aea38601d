//===- InitAll.h - register every se dialect, pass and pipeline -*- C++ -*-===//

#ifndef SE_INITALL_H
#define SE_INITALL_H

namespace mlir {
class DialectRegistry;

namespace se {

/// Adds the se dialect and the upstream dialects (and their interface
/// models) that the se passes and pipelines create.
void registerAllDialects(DialectRegistry &registry);

/// Registers the se passes and the se pipelines with the global registry.
void registerAllPasses();

} // namespace se
} // namespace mlir

#endif // SE_INITALL_H
