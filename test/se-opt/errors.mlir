// se-opt reports bad input and bad pipeline options with a diagnostic and a
// non-zero exit.

// RUN: not se-opt %S/../se-compile/Inputs/malformed.mlir 2>&1 | FileCheck %s --check-prefix=SYNTAX
// SYNTAX: error: expected ':'

// RUN: not se-opt %S/../se-compile/Inputs/unknown-op.mlir 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: custom op 'se.squeeze' is unknown

// RUN: not se-opt %S/../se-compile/Inputs/se_block.mlir --se-cpu-pipeline="cpu=bogus" 2>&1 | FileCheck %s --check-prefix=CPU
// CPU: se-cpu-pipeline: unknown CPU 'bogus'

// RUN: not se-opt %S/../se-compile/Inputs/se_block.mlir --se-cpu-pipeline="threads=0" 2>&1 | FileCheck %s --check-prefix=THREADS
// THREADS: se-cpu-pipeline: threads must be 1 to 1024, got 0

// RUN: not se-opt %S/../se-compile/Inputs/se_block.mlir --se-cpu-pipeline="bogus=1" 2>&1 | FileCheck %s --check-prefix=OPTION
// OPTION: no such option bogus

// RUN: not se-opt %S/../se-compile/Inputs/se_block.mlir --se-cpu-tile-and-vectorize="vector-width=abc" 2>&1 | FileCheck %s --check-prefix=VALUE
// VALUE: 'abc' value invalid

// A pass on verifier-valid IR without se ops is a no-op, not a crash.
// RUN: echo 'func.func @f(%%a: tensor<4xf32>) -> tensor<4xf32> { return %%a : tensor<4xf32> }' | se-opt --convert-se-to-linalg | FileCheck %s --check-prefix=NOOP
// NOOP: return %arg0 : tensor<4xf32>

// RUN: not se-opt %S/../se-compile/Inputs/se_block.mlir --se-gpu-pipeline="gpu-arch=sm_13" 2>&1 | FileCheck %s --check-prefix=GPUCHIP
// GPUCHIP: se-gpu-pipeline: gpu-arch: unsupported GPU architecture 'sm_13'

// RUN: not se-opt %S/../se-compile/Inputs/se_block.mlir --se-gpu-pipeline="format=elf" 2>&1 | FileCheck %s --check-prefix=GPUFORMAT
// GPUFORMAT: se-gpu-pipeline: format: unknown kernel format 'elf' (expected bin, isa or fatbin)

// RUN: not se-opt %S/../se-compile/Inputs/se_block.mlir --se-gpu-pipeline="gpu-sm-count=0" 2>&1 | FileCheck %s --check-prefix=GPUSMS
// GPUSMS: se-gpu-pipeline: gpu-sm-count must be at least 1, got 0

// RUN: not se-opt %S/../se-compile/Inputs/se_block.mlir --se-gpu-map-linalg-to-kernels="block-size=48" 2>&1 | FileCheck %s --check-prefix=GPUBLOCK
// GPUBLOCK: error: block size must be a multiple of 32 up to 1024, not 48
