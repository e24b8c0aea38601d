//===- CommandLine.h - options shared with libMLIR / libLLVM ----*- C++ -*-===//

#ifndef SE_SUPPORT_COMMANDLINE_H
#define SE_SUPPORT_COMMANDLINE_H

#include "llvm/Support/CommandLine.h"

namespace mlir::se {

/// libMLIR.so and libLLVM.so already register global `-threads` (an int)
/// and `-stats` (a bool kept in LLVM's statistics state) options; two
/// options of one name abort at start-up, so the tools adopt the registered
/// ones and give them their own description and category.
template <typename OptionT>
OptionT *adoptOption(llvm::StringRef name, llvm::StringRef description,
                     llvm::cl::OptionCategory &category) {
  auto &registered = llvm::cl::getRegisteredOptions();
  auto it = registered.find(name);
  auto *option =
      it == registered.end() ? nullptr : dynamic_cast<OptionT *>(it->second);
  if (!option)
    option = new OptionT(name);
  option->setDescription(description);
  option->addCategory(category);
  return option;
}

} // namespace mlir::se

#endif // SE_SUPPORT_COMMANDLINE_H
