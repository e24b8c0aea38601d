// RUN: se-opt %s -se-cpu-pipeline="cpu=skylake-avx512" | FileCheck %s --implicit-check-not=@malloc --implicit-check-not=memrefCopy --implicit-check-not=builtin.unrealized_conversion_cast
// RUN: se-opt %s -se-cpu-pipeline="cpu=haswell tile-sizes=1,4,32" | FileCheck %s --check-prefix=AVX2

// The whole pipeline ends in the LLVM dialect: the result became an
// out-parameter (the C wrapper takes five descriptors, returns nothing), no
// buffer is allocated on the heap, reductions may reassociate.
// CHECK-LABEL: llvm.func @se_unit(
// CHECK: llvm.intr.vector.reduce.fadd{{.*}}fastmath<reassoc>
// CHECK-LABEL: llvm.func @_mlir_ciface_se_unit(
// CHECK-SAME: %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) attributes {llvm.emit_c_interface} {

// AVX2 vectors are 8 lanes; overridden tiles of 32 positions.
// AVX2-LABEL: llvm.func @se_unit(
// AVX2: vector<32xf32>
func.func @se_unit(%x: tensor<1x64x56x56xf32>, %w1: tensor<4x64xf32>, %w2: tensor<64x4xf32>, %r: tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32> {
  %y = se.squeeze_excite %x weights(%w1, %w2) residual(%r) post_act = relu : (tensor<1x64x56x56xf32>, tensor<4x64xf32>, tensor<64x4xf32>, tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32>
  return %y : tensor<1x64x56x56xf32>
}

// With two threads, the outermost parallel tile loops of the large ops run
// under OpenMP; the small ones stay serial.
// RUN: se-opt %s -se-cpu-pipeline="cpu=skylake-avx512 threads=2" | FileCheck %s --check-prefix=THREADS
// THREADS: llvm.mlir.global external @se_unit_num_threads(2 : i32)
// THREADS-LABEL: llvm.func @se_unit(
// THREADS: llvm.mlir.addressof @se_unit_num_threads
// THREADS: omp.parallel num_threads
// THREADS: omp.wsloop
// THREADS: omp.loop_nest
