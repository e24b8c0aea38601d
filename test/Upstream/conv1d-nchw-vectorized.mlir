// MLIR 22 miscompile 1 of docs/toolchain.md: a 2-D NCHW
// convolution tiled to one output row and one filter row, decomposed to
// conv_1d_ncw_fcw (whose output is a rank-reducing slice) and vectorized by
// vectorize_children_and_apply_patterns computes a wrong result. se-mlir's
// pipeline never decomposes NCHW convolutions (its convolutions are NHWC).
// The harness (Inputs/conv2d-nchw-harness.mlir) compares the transformed
// convolution with the plain one on the same data and prints the largest
// difference; this test is expected to fail until upstream fixes it.
// conv1d-nhwc-vectorized.test runs the same steps on the NHWC form, which
// MLIR 22 gets right.
// XFAIL: *
// RUN: cat %S/Inputs/conv2d-nchw-harness.mlir %s | mlir-opt -transform-interpreter -test-transform-dialect-erase-schedule %lower_to_llvm | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils | FileCheck %s
// CHECK: max_abs_diff=0{{$}}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %conv = transform.structured.match ops{["linalg.conv_2d_nchw_fchw"]} attributes {decompose} in %root : (!transform.any_op) -> !transform.any_op
    // Output rows (OH) and filter rows (KH) in tiles of 1, then the 1-D form.
    %tiled, %loops:2 = transform.structured.tile_using_for %conv tile_sizes [0, 0, 1, 0, 0, 1, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    %conv1d = transform.structured.decompose %tiled : (!transform.any_op) -> !transform.any_op
    %func = transform.structured.match ops{["func.func"]} in %root : (!transform.any_op) -> !transform.any_op
    %vectorized = transform.structured.vectorize_children_and_apply_patterns %func : (!transform.any_op) -> !transform.any_op
    transform.apply_patterns to %vectorized {
      transform.apply_patterns.vector.lower_contraction lowering_strategy = "outerproduct"
      transform.apply_patterns.vector.lower_multi_reduction lowering_strategy = "innerreduction"
      transform.apply_patterns.vector.lower_outerproduct
      transform.apply_patterns.vector.lower_transpose
      transform.apply_patterns.vector.lower_shape_cast
      transform.apply_patterns.vector.lower_broadcast
    } : !transform.any_op
    transform.yield
  }
}
