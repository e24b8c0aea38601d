// se-compile reports bad flags and bad input with one clear error and a
// non-zero exit.

// RUN: not se-compile %S/Inputs/se_block.mlir --emit=bogus 2>&1 | FileCheck %s --check-prefix=EMIT
// EMIT: Cannot find option named 'bogus'!

// RUN: not se-compile %S/Inputs/se_block.mlir --se-fusion=maybe -o /dev/null 2>&1 | FileCheck %s --check-prefix=FUSION
// FUSION: for the --se-fusion option: Cannot find option named 'maybe'!

// RUN: not se-compile %S/Inputs/se_block.mlir --threads=0 -o /dev/null 2>&1 | FileCheck %s --check-prefix=THREADS
// THREADS: error: threads must be 1 to 1024, got 0

// RUN: not se-compile %S/Inputs/se_block.mlir --tile-sizes=4,-2 -o /dev/null 2>&1 | FileCheck %s --check-prefix=TILES
// TILES: error: tile-sizes entries must be non-negative, got -2

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
// NOENTRY: error: the input has no public function with a body to compile

// Thread counts are bounded (SE_MAX_THREADS, se/Runtime/Threads.h).
// RUN: not se-compile %S/Inputs/se_block.mlir --threads=5000 -o /dev/null 2>&1 | FileCheck %s --check-prefix=MANYTHREADS
// MANYTHREADS: error: threads must be 1 to 1024, got 5000

// CPUs that cannot run x86-64 code are refused, not left to LLVM's abort.
// RUN: not se-compile %S/Inputs/se_block.mlir --mcpu=i386 -o /dev/null 2>&1 | FileCheck %s --check-prefix=I386
// I386: error: CPU 'i386' cannot run x86-64 code: it lacks '64bit'
// RUN: not se-compile %S/Inputs/se_block.mlir --mcpu=x86-64 --mattr=-sse2 -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOSSE
// NOSSE: error: CPU 'x86-64' with the requested features cannot run x86-64 code: it lacks 'sse2'

// Another architecture alone compiles for its generic CPU (the host's CPU
// means nothing there).
// RUN: se-compile %S/Inputs/se_block.mlir --mtriple=aarch64-linux-gnu --print-target | FileCheck %s --check-prefix=CROSS
// CROSS: triple: aarch64-linux-gnu
// CROSS-NEXT: cpu: generic
// RUN: se-compile %S/Inputs/se_block.mlir --mtriple=aarch64-linux-gnu -o %t.arm64.o

// SE_HOST_CPU stands in for the host CPU (test/README.md).
// RUN: env SE_HOST_CPU=x86-64-v3 se-compile --print-target | FileCheck %s --check-prefix=STANDIN
// STANDIN: cpu: x86-64-v3
// STANDIN-NEXT: vector-width: 8
// STANDIN-NEXT: int8-dot-product: vpmaddwd
// RUN: env SE_HOST_CPU=x86-64-v3 se-compile --mcpu=skylake-avx512 --print-target | FileCheck %s --check-prefix=EXPLICIT
// EXPLICIT: cpu: skylake-avx512
// EXPLICIT-NEXT: vector-width: 16
// EXPLICIT-NEXT: int8-dot-product: vpmaddwd
// RUN: env SE_HOST_CPU=x86-64-v3 se-compile --mcpu=sandybridge --print-target | FileCheck %s --check-prefix=AVXONLY
// AVXONLY: vector-width: 8
// AVXONLY-NEXT: int8-dot-product: none
// RUN: env SE_HOST_CPU=x86-64-v3 se-compile --mcpu=cascadelake --print-target | FileCheck %s --check-prefix=VNNI512
// VNNI512: vector-width: 16
// VNNI512-NEXT: int8-dot-product: vpdpbusd
// RUN: env SE_HOST_CPU=x86-64-v3 se-compile --mcpu=alderlake --print-target | FileCheck %s --check-prefix=AVXVNNI
// AVXVNNI: vector-width: 8
// AVXVNNI-NEXT: int8-dot-product: vpdpbusd
// RUN: env SE_HOST_CPU=bogus not se-compile %S/Inputs/se_block.mlir -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADSTANDIN
// BADSTANDIN: error: SE_HOST_CPU names an unknown CPU 'bogus'
// A stand-in whose code the host could not run (no x86 host of 2026 has all
// of Diamond Rapids' features) is refused.
// RUN: env SE_HOST_CPU=diamondrapids not se-compile %S/Inputs/se_block.mlir -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNRUNNABLE
// UNRUNNABLE: error: SE_HOST_CPU='diamondrapids' needs '{{[a-z0-9.-]+}}', which this host lacks

// Built-in models' knobs do not apply to an input file; --batch applies to
// models and ONNX files only.
// RUN: not se-compile %S/Inputs/se_block.mlir --gate=tanh -o /dev/null 2>&1 | FileCheck %s --check-prefix=KNOB
// KNOB: error: gate configures a built-in model (model=NAME); it does not apply to an input file
// RUN: not se-compile %S/Inputs/se_block.mlir --se-stages=1 -o /dev/null 2>&1 | FileCheck %s --check-prefix=STAGES
// STAGES: error: se-stages configures a built-in model
// RUN: not se-compile %S/Inputs/se_block.mlir --batch=2 -o /dev/null 2>&1 | FileCheck %s --check-prefix=MLIRBATCH
// MLIRBATCH: error: batch applies to built-in models and to ONNX models with a symbolic batch; an .mlir input has its own shapes

// Files beside the output need a regular output file: nothing is written
// beside /dev/null.
// RUN: rm -rf %t.dir && mkdir %t.dir && cd %t.dir
// RUN: not se-compile %S/Inputs/se_block.mlir --weights=external -o /dev/null 2>&1 | FileCheck %s --check-prefix=NULLWEIGHTS
// NULLWEIGHTS: error: weights=external writes FILE.weights beside the output; give an output file (a regular file)
// RUN: se-compile %S/Inputs/se_block.mlir -o /dev/null

// Binary output goes to a file named after the input (or model) in the
// current directory, not to standard output; text goes to standard output.
// RUN: se-compile %S/Inputs/se_block.mlir | count 0
// RUN: llvm-nm se_block.o | FileCheck %s --check-prefix=DEFAULTOBJ
// DEFAULTOBJ: T _mlir_ciface_se_block
// RUN: FileCheck %s --check-prefix=DEFAULTHEADER < se_block.h
// DEFAULTHEADER: void _mlir_ciface_se_block(
// RUN: se-compile --model=se-resnet18 --width-divisor=8 --input-size=32 --classes=10 --emit=shared --stats | FileCheck %s --check-prefix=DEFAULTSTATS
// DEFAULTSTATS: total
// RUN: se-run se_resnet18.so | FileCheck %s --check-prefix=DEFAULTSO
// DEFAULTSO: output 0: 1x10
// RUN: se-compile %S/Inputs/se_block.mlir --emit=mlir | FileCheck %s --check-prefix=TEXT
// TEXT: se.squeeze_excite
