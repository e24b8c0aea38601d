#!/usr/bin/env bash
# The SE networks of issue #17 against ONNX Runtime and PyTorch, in one run
# on this machine:
#  - torchvision's EfficientNet-B0/B1/V2-S, MobileNetV3-Large/Small,
#    RegNetY-400MF/1.6GF and the SE-ResNet-18/50 of test/Import/ONNX/models,
#    seeded, exported by peers/torchvision_networks.py (opset 17), each with
#    its twin whose SE blocks are the identity (NAME-nose);
#  - se-mlir (se-compile --threads=2 --emit=shared, se-run), ONNX Runtime
#    1.30 (npm onnxruntime-node, CPU, all graph optimizations) on the same
#    ONNX file, PyTorch (TorchScript, optimize_for_inference), at 1 and 2
#    threads; se-mlir's outputs are first checked against PyTorch's;
#  - on an AVX-512 host, a row held to AVX2 at one thread: se-mlir
#    --mcpu=haswell against PyTorch with ATEN_CPU_CAPABILITY=avx2 (ONNX
#    Runtime cannot be held to AVX2).
# Tools run in turn, ROUNDS times (interleaved); each run reports the median
# of RUNS timed calls; the report takes per-round ratios and their median.
# Results: benchmarks/results/networks.md and networks.png (raw CSV files in
# build/benchmarks/networks/).
#
#   benchmarks/run-networks.sh       ROUNDS=5 RUNS=20 NETS=a,b (default all)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/benchmarks/peers/common.sh"
rounds=${ROUNDS:-5}
runs=${RUNS:-20}
work=$build/benchmarks/networks
peers=$root/benchmarks/peers
results=$root/benchmarks/results
mkdir -p "$work/nets" "$results"

bench_prepare cpu-bench se-compile se-run

nets=${NETS:-$(/usr/bin/python3 "$peers/torchvision_networks.py" list | paste -sd,)}
IFS=, read -r -a names <<<"$nets"

echo "== exporting from PyTorch: $nets"
missing=()
for net in "${names[@]}"; do
  newer "$work/nets/$net-nose.pt" "$peers/torchvision_networks.py" ||
    missing+=("$net")
done
if [ ${#missing[@]} -gt 0 ]; then
  /usr/bin/python3 "$peers/torchvision_networks.py" export "$work/nets" \
    --only "$(IFS=,; echo "${missing[*]}")"
fi

avx512=0
"$build/bin/se-compile" --print-target | grep -q "^vector-width: 16" && avx512=1

echo "== compiling and checking against PyTorch"
: >"$work/numerics.txt"
for net in "${names[@]}"; do
  for variant in "$net" "$net-nose"; do
    base=$work/nets/$variant
    newer "$base.so" "$build/bin/se-compile" ||
      "$build/bin/se-compile" "$base.onnx" --threads=2 --emit=shared -o "$base.so"
    kinds=(so)
    if [ $avx512 = 1 ] && [ "$variant" = "$net" ]; then
      newer "$base.avx2.so" "$build/bin/se-compile" ||
        "$build/bin/se-compile" "$base.onnx" --mcpu=haswell --emit=shared \
          -o "$base.avx2.so"
      kinds+=(avx2.so)
    fi
    for kind in "${kinds[@]}"; do
      result=$("$build/bin/se-run" "$base.$kind" --input "$base.in.raw" \
        --expect "$base.out.raw" --atol 1e-4 --rtol 1e-3 | tail -n 1)
      echo "$variant.$kind: $result" | tee -a "$work/numerics.txt"
    done
  done
done

begin_rounds
for round in $(seq 1 "$rounds"); do
  start_round "$round"
  for threads in 1 2; do
    for net in "${names[@]}"; do
      for variant in "$net" "$net-nose"; do
        se_run "se-mlir,$variant,$threads" "$work/nets/$variant.so" \
          --threads "$threads" >>"$csv"
      done
      ort_csv onnxruntime "$threads" "$work/nets/$net.onnx" >>"$csv"
      /usr/bin/python3 "$peers/torchvision_networks.py" bench "$work/nets" \
        --threads "$threads" --runs "$runs" --only "$net" 2>/dev/null >>"$csv"
    done
  done
  if [ $avx512 = 1 ]; then
    for net in "${names[@]}"; do
      se_run "se-mlir-avx2,$net,1" "$work/nets/$net.avx2.so" --threads 1 >>"$csv"
      ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 DNNL_MAX_CPU_ISA=AVX2 \
        /usr/bin/python3 "$peers/torchvision_networks.py" bench "$work/nets" \
        --threads 1 --runs "$runs" --only "$net" 2>/dev/null |
        sed "s/^pytorch,/pytorch-avx2,/" >>"$csv"
    done
  fi
done

/usr/bin/python3 "$peers/summarize_networks.py" "$work" "$nets" \
  "$results/networks.png" >"$results/networks.md"
cat "$results/networks.md"
