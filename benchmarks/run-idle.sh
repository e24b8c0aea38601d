#!/usr/bin/env bash
# The first call after an idle period (issue #19): torchvision networks
# (seeded weights, exported from PyTorch) compiled as se-compile builds
# them by default (parallel, threads chosen at run time), each call timed
# by `se-run --pause P` after P ms of sleep (0: back to back), on
#  - one thread;
#  - two threads, OpenMP's default wait (idle workers spin for
#    KMP_BLOCKTIME = 200 ms, then sleep);
#  - two threads whose workers spin while idle (KMP_BLOCKTIME=infinite).
# Tools run in turn, ROUNDS times (interleaved); the report takes per-round
# ratios and their median. Results: benchmarks/results/idle.md (raw CSV
# files in build/benchmarks/idle/).
#
#   benchmarks/run-idle.sh        ROUNDS=5 RUNS=12 NETS=a,b PAUSES=0,300,1000
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/benchmarks/peers/common.sh"
rounds=${ROUNDS:-5}
runs=${RUNS:-12}
work=$build/benchmarks/idle
nets_dir=$build/benchmarks/networks/nets
peers=$root/benchmarks/peers
results=$root/benchmarks/results
mkdir -p "$work" "$nets_dir" "$results"

bench_build cpu-bench se-compile se-run

nets=${NETS:-mobilenet_v3_large,efficientnet_b0,se_resnet50}
pauses=${PAUSES:-0,300,1000}
IFS=, read -r -a names <<<"$nets"
IFS=, read -r -a waits <<<"$pauses"

echo "== exporting from PyTorch: $nets"
for net in "${names[@]}"; do
  export_network "$nets_dir" "$net"
done

echo "== compiling"
for net in "${names[@]}"; do
  "$build/bin/se-compile" "$nets_dir/$net.onnx" --emit=shared \
    -o "$work/$net.so"
done

# idle_run TOOL NET THREADS PAUSE [ENV...]: "TOOL@PAUSE,NET,THREADS,..."
idle_run() {
  local tool=$1 net=$2 threads=$3 pause=$4
  shift 4
  se_run_csv "$tool@$pause,$net,$threads" env "$@" "$build/bin/se-run" \
    "$work/$net.so" --threads "$threads" --pause "$pause"
}

rm -f "$work"/round.*.csv
for round in $(seq 1 "$rounds"); do
  start_round "$round"
  for net in "${names[@]}"; do
    for pause in "${waits[@]}"; do
      idle_run one "$net" 1 "$pause" >>"$csv"
      idle_run sleep "$net" 2 "$pause" >>"$csv"
      idle_run spin "$net" 2 "$pause" KMP_BLOCKTIME=infinite >>"$csv"
    done
  done
done

/usr/bin/python3 "$peers/summarize_idle.py" "$work" "$nets" "$pauses" \
  >"$results/idle.md"
cat "$results/idle.md"
