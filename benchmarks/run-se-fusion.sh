#!/usr/bin/env bash
# The SE fusion benchmarks of issue #5, in one run on this machine:
#  1. the SE-ResNet-50 tails relu(SE(U) + identity) at the four stage shapes
#     (one thread): se-mlir against its 2-pass memory bound, PyTorch
#     (torch.jit trace + freeze, NCHW and channels-last) and ONNX Runtime
#     (npm onnxruntime-node 1.30, from the model PyTorch exports);
#  2. whole networks compiled by se-compile: SE-ResNet-50 (SE fusion on and
#     off) and ResNet-50, at 1 and 2 threads.
# Tools run in turn, ROUNDS times (interleaved); each reports medians over
# RUNS runs. The networks run NETWORK_ROUNDS rounds of 10 runs each. The
# tables give the median of the round medians (and of the per-round
# ratios) with the range.
# Results: benchmarks/results/se-fusion.md (and the raw CSV files next to
# it in build/benchmarks/se-fusion/).
#
#   benchmarks/run-se-fusion.sh   ROUNDS=3 RUNS=101 NETWORK_ROUNDS=15 by default
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/benchmarks/peers/common.sh"
rounds=${ROUNDS:-3}
runs=${RUNS:-101}
network_rounds=${NETWORK_ROUNDS:-15}
work=$build/benchmarks/se-fusion
results=$root/benchmarks/results
mkdir -p "$work" "$results"

bench_prepare bench se-compile se-run se-block-bench

echo "== exporting the tails from PyTorch"
/usr/bin/python3 "$root/benchmarks/peers/se_tail_torch.py" --export "$work/onnx"

echo "== compiling SE-ResNet-50 (fusion on, off) and ResNet-50"
compile() { # name model extra-flags...
  local name=$1 model=$2
  shift 2
  [ -f "$work/$name.so" ] && [ "$work/$name.so" -nt "$build/bin/se-compile" ] ||
    "$build/bin/se-compile" --model="$model" --threads=2 --emit=shared \
      "$@" -o "$work/$name.so"
}
compile se-resnet50 se-resnet50
compile se-resnet50-unfused se-resnet50 --se-fusion=off
compile resnet50 resnet50

rm -f "$work"/*.csv
for round in $(seq 1 "$rounds"); do
  echo "== SE tails, round $round of $rounds"
  "$build/benchmarks/se-block-bench" --csv --runs="$runs" \
    >"$work/tail-se-mlir.$round.csv"
  /usr/bin/python3 "$root/benchmarks/peers/se_tail_torch.py" --runs "$runs" \
    >"$work/tail-pytorch.$round.csv"
  ORT_NODE_MODULES="$work/node/node_modules" node \
    "$root/benchmarks/peers/ort_bench.js" --threads 1 --runs "$runs" \
    "$work"/onnx/se_tail_{256,512,1024,2048}.onnx \
    >"$work/tail-onnxruntime.$round.csv"
done
# Whole networks drift with the machine's other load: many short rounds,
# the three models back to back in each, and ratios taken within a round.
for round in $(seq 1 "$network_rounds"); do
  echo "== networks, round $round of $network_rounds"
  echo "model,threads,median_ms,p10_ms,p90_ms" >"$work/network.$round.csv"
  for threads in 1 2; do
    for model in se-resnet50 resnet50 se-resnet50-unfused; do
      "$build/bin/se-run" "$work/$model.so" --threads "$threads" \
        --bench 10 --warmup 2 |
        sed -n "s/.*median_ms=\([0-9.]*\) p10_ms=\([0-9.]*\) p90_ms=\([0-9.]*\).*/$model,$threads,\1,\2,\3/p" \
          >>"$work/network.$round.csv"
    done
  done
done

/usr/bin/python3 "$root/benchmarks/peers/summarize_se_fusion.py" "$work" \
  >"$results/se-fusion.md"
cat "$results/se-fusion.md"
