// MLIR 22 parser crash (docs/toolchain.md, "Parser crash"): a malformed
// `dimensions` list of linalg.broadcast (also linalg.reduce's dimensions and
// linalg.transpose's permutation) is reported ("expected ']'"), then the
// parser stores the null attribute it got and crashes (SIGSEGV in
// NamedAttrList::set). Found by scripts/fuzz.sh mlir. The tools parse under
// crash recovery (se/Compiler/Parse.h): the parser's error, one error naming
// the crash, exit 1, no stack dump.
// RUN: not se-opt %s 2>&1 | FileCheck %s --check-prefixes=CHECK,OPT
// RUN: not se-opt < %s 2>&1 | FileCheck %s --check-prefixes=CHECK,OPT
// RUN: not se-opt --split-input-file %s 2>&1 | FileCheck %s --check-prefixes=CHECK,OPT
// RUN: not se-compile %s -o %t.o 2>&1 | FileCheck %s --check-prefixes=CHECK,COMPILE
// CHECK: error: expected ']'
// OPT: error: MLIR 22's parser crashed after the error above (a known upstream bug); nothing was compiled
// COMPILE: error: {{.*}}linalg-dimensions-parse-crash.mlir: MLIR 22's parser crashed after the error above
// CHECK-NOT: Stack dump

func.func @ok(%a: tensor<4xf32>) -> tensor<4xf32> {
  return %a : tensor<4xf32>
}

// -----

func.func @f(%b: tensor<16x4xf32>, %e: tensor<1x8x8x16x4xf32>) -> tensor<1x8x8x16x4xf32> {
  %init = linalg.broadcast ins(%b : tensor<16x4xf32>) outs(%e : tensor<1x8x8x16x4xf32>) dimensions = [0- 1, 2]
  return %init : tensor<1x8x8x16x4xf32>
}
