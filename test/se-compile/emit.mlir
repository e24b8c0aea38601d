// Every --emit stage of se-compile on one SE block.

// RUN: se-compile %S/Inputs/se_block.mlir --emit=mlir -o - | FileCheck %s --check-prefix=MLIR
// MLIR-LABEL: func.func @se_block
// MLIR: se.squeeze_excite

// RUN: se-compile %S/Inputs/se_block.mlir --emit=linalg -o - | FileCheck %s --check-prefix=LINALG
// LINALG-LABEL: func.func @se_block
// LINALG: linalg.generic
// LINALG-NOT: se.squeeze_excite

// RUN: se-compile %S/Inputs/se_block.mlir --emit=llvm-dialect -o - | FileCheck %s --check-prefix=LLVMDIALECT
// LLVMDIALECT-DAG: llvm.func @se_block(
// LLVMDIALECT-DAG: llvm.func @_mlir_ciface_se_block(
// LLVMDIALECT-NOT: func.func

// Results become an out-parameter: the C wrapper takes four descriptors and
// returns nothing; the compiled code allocates nothing on the heap. The
// function it wraps is internal (here inlined into it): only the C
// interface is exported.
// RUN: se-compile %S/Inputs/se_block.mlir --emit=llvm --mcpu=skylake-avx512 -o - | FileCheck %s --check-prefix=LLVM --implicit-check-not=@malloc
// LLVM-NOT: define {{.*}}void @se_block(
// LLVM-LABEL: define void @_mlir_ciface_se_block(ptr {{[^,]*}}%0, ptr {{[^,]*}}%1, ptr {{[^,]*}}%2, ptr {{[^,]*}}%3)
// LLVM: <{{[0-9]+}} x float>

// AVX-512 uses zmm registers; an AVX2-only CPU uses ymm and no zmm.
// RUN: se-compile %S/Inputs/se_block.mlir --emit=asm --mcpu=skylake-avx512 -o - | FileCheck %s --check-prefix=AVX512
// AVX512-LABEL: {{^}}_mlir_ciface_se_block:
// AVX512: zmm
// RUN: se-compile %S/Inputs/se_block.mlir --emit=asm --mcpu=haswell -o - | FileCheck %s --check-prefix=AVX2
// AVX2-LABEL: {{^}}_mlir_ciface_se_block:
// AVX2-NOT: zmm
// RUN: se-compile %S/Inputs/se_block.mlir --emit=asm --mcpu=skylake-avx512 --mattr=-avx512f -o - | FileCheck %s --check-prefix=AVX2

// The default is an object file exporting the C interface.
// RUN: se-compile %S/Inputs/se_block.mlir -o %t.o
// RUN: llvm-nm %t.o | FileCheck %s --check-prefix=OBJ
// OBJ-NOT: T se_block
// OBJ: T _mlir_ciface_se_block
// OBJ-NOT: T se_block

// Cross-compiling to AArch64 gives an AArch64 object.
// RUN: se-compile %S/Inputs/se_block.mlir --mtriple=aarch64-linux-gnu --mcpu=generic -o %t.arm.o
// RUN: llvm-readobj --file-headers %t.arm.o | FileCheck %s --check-prefix=ARM
// ARM: Machine: EM_AARCH64

// Tile-size overrides and compilation are deterministic.
// RUN: se-compile %S/Inputs/se_block.mlir --tile-sizes=1,8,32 -o %t.a.o
// RUN: se-compile %S/Inputs/se_block.mlir --tile-sizes=1,8,32 -o %t.b.o
// RUN: cmp %t.a.o %t.b.o
