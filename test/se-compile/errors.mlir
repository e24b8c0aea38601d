// se-compile reports bad flags and bad input with one clear error and a
// non-zero exit.

// RUN: not se-compile %S/Inputs/se_block.mlir --emit=bogus 2>&1 | FileCheck %s --check-prefix=EMIT
// EMIT: Cannot find option named 'bogus'!

// RUN: not se-compile %S/Inputs/se_block.mlir --se-fusion=maybe -o /dev/null 2>&1 | FileCheck %s --check-prefix=FUSION
// FUSION: for the --se-fusion option: Cannot find option named 'maybe'!

// RUN: not se-compile %S/Inputs/se_block.mlir --threads=0 -o /dev/null 2>&1 | FileCheck %s --check-prefix=THREADS
// THREADS: error: --threads must be at least 1, got 0

// RUN: not se-compile %S/Inputs/se_block.mlir --tile-sizes=4,-2 -o /dev/null 2>&1 | FileCheck %s --check-prefix=TILES
// TILES: error: --tile-sizes entries must be non-negative, got -2

// RUN: not se-compile %S/Inputs/se_block.mlir --mcpu=bogus -o /dev/null 2>&1 | FileCheck %s --check-prefix=CPU
// CPU: error: unknown CPU 'bogus' for target '{{.*}}'
// CPU-NOT: see current operation

// RUN: not se-compile %S/Inputs/se_block.mlir --mattr=+bogus -o /dev/null 2>&1 | FileCheck %s --check-prefix=FEATURE
// FEATURE: error: unknown target feature '+bogus'

// RUN: not se-compile %S/Inputs/se_block.mlir --mtriple=bogus-unknown-none -o /dev/null 2>&1 | FileCheck %s --check-prefix=TRIPLE
// TRIPLE: error: No available targets are compatible with triple "bogus-unknown-none"

// RUN: not se-compile %S/Inputs/does-not-exist.mlir -o /dev/null 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: cannot open input file '{{.*}}does-not-exist.mlir'

// RUN: not se-compile %S/Inputs/se_block.mlir -o %t.missing-dir/out.o 2>&1 | FileCheck %s --check-prefix=OUTPUT
// OUTPUT: error: {{.*}}out.o{{.*}}

// RUN: not se-compile %S/Inputs/malformed.mlir -o /dev/null 2>&1 | FileCheck %s --check-prefix=SYNTAX
// SYNTAX: malformed.mlir:{{[0-9]+}}:{{[0-9]+}}: error: expected ':'

// RUN: not se-compile %S/Inputs/unknown-op.mlir -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: unknown-op.mlir:{{[0-9]+}}:{{[0-9]+}}: error: custom op 'se.squeeze' is unknown

// RUN: not se-compile %S/Inputs/bad-shapes.mlir -o /dev/null 2>&1 | FileCheck %s --check-prefix=SHAPES
// SHAPES: bad-shapes.mlir:{{[0-9]+}}:{{[0-9]+}}: error: 'se.squeeze_excite' op expects w2 of shape 64x4, got 4x64

// RUN: not se-compile %S/Inputs/bad-result.mlir -o /dev/null 2>&1 | FileCheck %s --check-prefix=RESULT
// RESULT: bad-result.mlir:{{[0-9]+}}:{{[0-9]+}}: error: 'se.squeeze_excite' op expects the result type to equal the input type

// RUN: not se-compile %S/Inputs/operand-count.mlir -o /dev/null 2>&1 | FileCheck %s --check-prefix=COUNT
// COUNT: operand-count.mlir:{{[0-9]+}}:{{[0-9]+}}: error: custom op 'se.squeeze_excite' number of operands and types do not match: got 2 operands and 3 types

// RUN: echo 'module {}' | not se-compile --emit=header -o - 2>&1 | FileCheck %s --check-prefix=NOENTRY
// NOENTRY: error: no public function to write a C header for
