#!/usr/bin/env bash
# The CPU benchmarks of issue #6, in one run on this machine:
#  1. ResNet-50 and SE-ResNet-50 (batch 1, 224 x 224), on the same weights:
#     PyTorch exports both (peers/torch_networks.py) to ONNX, which
#     se-compile compiles and ONNX Runtime (npm onnxruntime-node 1.30) runs;
#     PyTorch runs its own module (TorchScript, optimize_for_inference). At
#     1 and 2 threads. se-mlir's logits are first checked against PyTorch's.
#  2. The 23 distinct convolution shapes of ResNet-50's 53 convolutions
#     (peers/resnet50_convs.txt), each with bias and ReLU: se-mlir
#     (peers/conv_layers.py, se-compile, se-run) against oneDNN
#     (peers/dnnl_conv_bench.cpp), at 1 and 2 threads, and the machine's
#     FMA peak (peers/fma_peak.c).
#  3. AVX2 (1 thread): SE-ResNet-50 and the 23 layers compiled with
#     --mcpu=haswell against PyTorch and oneDNN held to AVX2
#     (ATEN_CPU_CAPABILITY=avx2, ONEDNN_MAX_CPU_ISA=AVX2).
# Tools run in turn, ROUNDS times (interleaved); each run reports the median
# and p10-p90 of RUNS timed calls. The report takes the median over rounds.
# Results: benchmarks/results/cpu.md and cpu.png (raw CSV files in
# build/benchmarks/cpu/).
#
#   benchmarks/run-cpu.sh          ROUNDS=5 RUNS=20 by default
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/benchmarks/peers/common.sh"
rounds=${ROUNDS:-5}
runs=${RUNS:-20}
work=$build/benchmarks/cpu
peers=$root/benchmarks/peers
results=$root/benchmarks/results
mkdir -p "$work/layers" "$results"

bench_prepare cpu-bench se-compile se-run
cxx=/usr/lib/llvm-22/bin/clang++
"$cxx" -O2 -std=c++17 "$peers/dnnl_conv_bench.cpp" -ldnnl -o "$work/dnnl_conv_bench"
/usr/lib/llvm-22/bin/clang -O3 -march=native "$peers/fma_peak.c" -o "$work/fma_peak"

echo "== exporting ResNet-50 and SE-ResNet-50 from PyTorch"
newer "$work/nets/se_resnet50.onnx" "$peers/torch_networks.py" ||
  /usr/bin/python3 "$peers/torch_networks.py" export "$work/nets"

echo "== compiling the networks and the layers"
for net in resnet50 se_resnet50; do
  newer "$work/nets/$net.so" "$build/bin/se-compile" ||
    "$build/bin/se-compile" "$work/nets/$net.onnx" --threads=2 --emit=shared \
      -o "$work/nets/$net.so"
  # Numerics first: the same logits as PyTorch.
  "$build/bin/se-run" "$work/nets/$net.so" --input "$work/nets/$net.in.raw" \
    --expect "$work/nets/$net.out.raw" --atol 1e-4 --rtol 1e-3 |
    tail -n 2 | tr '\n' ' ' | sed "s/^/$net: /" >"$work/numerics.$net.txt"
  cat "$work/numerics.$net.txt"
  echo
done
/usr/bin/python3 "$peers/conv_layers.py" "$peers/resnet50_convs.txt" "$work/layers"
layers=$(awk '!/^#/ && NF {print $1}' "$peers/resnet50_convs.txt")
compile_start=$(date +%s.%N)
"$build/bin/se-compile" --model=se-resnet50 --threads=2 -o "$work/se-resnet50.o"
compile_end=$(date +%s.%N)
awk -v s="$compile_start" -v e="$compile_end" \
  'BEGIN {printf "%.1f\n", e - s}' >"$work/compile-seconds.txt"
echo "se-compile --model=se-resnet50: $(cat "$work/compile-seconds.txt") s"
for layer in $layers; do
  newer "$work/layers/$layer.so" "$build/bin/se-compile" ||
    "$build/bin/se-compile" "$work/layers/$layer.mlir" --threads=2 \
      --emit=shared -o "$work/layers/$layer.so"
  newer "$work/layers/$layer.avx2.so" "$build/bin/se-compile" ||
    "$build/bin/se-compile" "$work/layers/$layer.mlir" --mcpu=haswell \
      --emit=shared -o "$work/layers/$layer.avx2.so"
done
newer "$work/nets/se_resnet50.avx2.so" "$build/bin/se-compile" ||
  "$build/bin/se-compile" "$work/nets/se_resnet50.onnx" --mcpu=haswell \
    --emit=shared -o "$work/nets/se_resnet50.avx2.so"
"$build/bin/se-run" "$work/nets/se_resnet50.avx2.so" \
  --input "$work/nets/se_resnet50.in.raw" \
  --expect "$work/nets/se_resnet50.out.raw" --atol 1e-4 --rtol 1e-3 |
  tail -n 2 | tr '\n' ' ' | sed "s/^/se_resnet50 (AVX2): /" >"$work/numerics.avx2.txt"
cat "$work/numerics.avx2.txt"
echo

begin_rounds
for round in $(seq 1 "$rounds"); do
  start_round "$round"
  echo "peak,fma,1,$("$work/fma_peak"),," >>"$csv"
  for threads in 1 2; do
    for net in resnet50 se_resnet50; do
      se_run "se-mlir,$net,$threads" "$work/nets/$net.so" --threads "$threads" >>"$csv"
    done
    ort_csv onnxruntime "$threads" "$work"/nets/{resnet50,se_resnet50}.onnx >>"$csv"
    /usr/bin/python3 "$peers/torch_networks.py" bench "$work/nets" \
      --threads "$threads" --runs "$runs" 2>/dev/null >>"$csv"
    # Layer by layer, each tool right after the other: the machine's load
    # drifts over seconds.
    for layer in $layers; do
      se_run "se-mlir-layer,$layer,$threads" "$work/layers/$layer.so" \
        --threads "$threads" >>"$csv"
      grep "^$layer " "$peers/resnet50_convs.txt" >"$work/shape.txt"
      OMP_NUM_THREADS=$threads "$work/dnnl_conv_bench" "$work/shape.txt" \
        "$runs" | tail -n +2 | sed "s/^\([^,]*\),/onednn-layer,\1,$threads,/" >>"$csv"
    done
  done
  # AVX2, one thread: every tool held to AVX2 on this AVX-512 machine.
  se_run "se-mlir-avx2,se_resnet50,1" "$work/nets/se_resnet50.avx2.so" \
    --threads 1 >>"$csv"
  ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 DNNL_MAX_CPU_ISA=AVX2 \
    /usr/bin/python3 "$peers/torch_networks.py" bench "$work/nets" \
    --threads 1 --runs "$runs" 2>/dev/null | grep "^pytorch,se_resnet50," |
    sed "s/^pytorch,/pytorch-avx2,/" >>"$csv"
  for layer in $layers; do
    se_run "se-mlir-layer-avx2,$layer,1" "$work/layers/$layer.avx2.so" \
      --threads 1 >>"$csv"
    grep "^$layer " "$peers/resnet50_convs.txt" >"$work/shape.txt"
    ONEDNN_MAX_CPU_ISA=AVX2 DNNL_MAX_CPU_ISA=AVX2 OMP_NUM_THREADS=1 \
      "$work/dnnl_conv_bench" "$work/shape.txt" "$runs" | tail -n +2 |
      sed "s/^\([^,]*\),/onednn-layer-avx2,\1,1,/" >>"$csv"
  done
done

/usr/bin/python3 "$peers/summarize_cpu.py" "$work" "$peers/resnet50_convs.txt" \
  "$results/cpu.png" >"$results/cpu.md"
cat "$results/cpu.md"
