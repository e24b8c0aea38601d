// MLIR 22 parser crash (docs/toolchain.md, "Parser crash"): a malformed
// `dimensions` list of linalg.broadcast (also linalg.reduce's dimensions and
// linalg.transpose's permutation) is reported ("expected ']'"), then the
// parser stores the null attribute it got and crashes (SIGSEGV in
// NamedAttrList::set). Found by scripts/fuzz.sh mlir. It happens inside
// libMLIR, before any se-mlir code runs; the tools cannot avoid it. Expected
// to fail until upstream fixes it: then se-opt exits 1 with only the error.
// XFAIL: *
// RUN: not se-opt %s 2>&1 | FileCheck %s
// CHECK: error: expected ']'
// CHECK-NOT: Stack dump

func.func @f(%b: tensor<16x4xf32>, %e: tensor<1x8x8x16x4xf32>) -> tensor<1x8x8x16x4xf32> {
  %init = linalg.broadcast ins(%b : tensor<16x4xf32>) outs(%e : tensor<1x8x8x16x4xf32>) dimensions = [0- 1, 2]
  return %init : tensor<1x8x8x16x4xf32>
}
