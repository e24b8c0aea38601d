//===- se-opt.cpp - mlir-opt with the se dialect, passes and pipelines ----===//

#include "se/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::se::registerAllPasses();

  mlir::DialectRegistry registry;
  mlir::se::registerAllDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "se-mlir optimizer driver\n", registry));
}
