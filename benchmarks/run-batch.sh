#!/usr/bin/env bash
# Throughput at batch 8 (issue #19): one model compiled for any batch (the
# networks exported from PyTorch with a symbolic batch, compiled by
# se-compile --threads=2 without --batch) against itself at batch 1 on one
# thread, the same network compiled for a static batch of 8 (each layer
# split over the threads), and ONNX Runtime 1.30 on the same ONNX file at
# batch 1 (1 thread) and 8 (2 threads):
#  - se-mlir dynamic, batch 1, 1 thread and 2 threads;
#  - se-mlir dynamic, batch 8, 2 threads (images spread: one per thread);
#  - se-mlir --batch=8, 2 threads (layers split);
#  - ONNX Runtime, batch 1 on 1 thread, batch 8 on 2 threads.
# The outputs of the dynamic models are first checked against PyTorch's
# at batch 1. Tools run in turn, ROUNDS times (interleaved); the report
# takes per-round ratios of images per second and their median. Results:
# benchmarks/results/batch.md (raw CSV files in build/benchmarks/batch/).
#
#   benchmarks/run-batch.sh        ROUNDS=5 RUNS=10 NETS=a,b BATCH=8
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/benchmarks/peers/common.sh"
rounds=${ROUNDS:-5}
runs=${RUNS:-10}
batch=${BATCH:-8}
work=$build/benchmarks/batch
nets_dir=$work/nets
peers=$root/benchmarks/peers
results=$root/benchmarks/results
mkdir -p "$work" "$nets_dir" "$results"

bench_prepare cpu-bench se-compile se-run

nets=${NETS:-se_resnet50,mobilenet_v3_large,efficientnet_b0}
IFS=, read -r -a names <<<"$nets"

echo "== exporting from PyTorch with a symbolic batch: $nets"
for net in "${names[@]}"; do
  export_network "$nets_dir" "$net" --dynamic-batch
done

echo "== compiling and checking"
: >"$work/numerics.txt"
for net in "${names[@]}"; do
  "$build/bin/se-compile" "$nets_dir/$net.onnx" --threads=2 --emit=shared \
    -o "$work/$net.any.so"
  "$build/bin/se-compile" "$nets_dir/$net.onnx" --threads=2 --batch="$batch" \
    --emit=shared -o "$work/$net.static.so"
  result=$("$build/bin/se-run" "$work/$net.any.so" --batch 1 \
    --input "$nets_dir/$net.in.raw" --expect "$nets_dir/$net.out.raw" \
    --atol 1e-4 --rtol 1e-3 | tail -n 2 | paste -sd' ')
  echo "$net (any batch, 1 image) against PyTorch: $result" |
    tee -a "$work/numerics.txt"
done

begin_rounds
for round in $(seq 1 "$rounds"); do
  start_round "$round"
  for net in "${names[@]}"; do
    se_run "se-mlir-b1,$net,1" "$work/$net.any.so" --batch 1 --threads 1 >>"$csv"
    se_run "se-mlir-b1,$net,2" "$work/$net.any.so" --batch 1 --threads 2 >>"$csv"
    se_run "se-mlir-images,$net,2" "$work/$net.any.so" --batch "$batch" --threads 2 >>"$csv"
    se_run "se-mlir-layers,$net,2" "$work/$net.static.so" --threads 2 >>"$csv"
    ort_csv ort-b1 1 "$nets_dir/$net.onnx" >>"$csv"
    ORT_NODE_MODULES="$work/node/node_modules" node "$peers/ort_bench.js" \
      --threads 2 --runs "$runs" --batch "$batch" "$nets_dir/$net.onnx" |
      tail -n +2 | sed "s/^\([^,]*\),/ort-batch,\1,2,/" >>"$csv"
  done
done

/usr/bin/python3 "$peers/summarize_batch.py" "$work" "$nets" "$batch" \
  >"$results/batch.md"
cat "$results/batch.md"
