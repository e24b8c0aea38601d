#!/usr/bin/env bash
# Quantized (QDQ) SE networks (issue #18) against their fp32 selves and
# ONNX Runtime, in one run on this machine:
#  - SE-ResNet-50, MobileNetV3-Large and EfficientNet-B0 as
#    run-networks.sh exports them (torchvision, seeded, opset 17), each
#    quantized by test/Import/ONNX/models/quantize_qdq.py as ONNX Runtime's
#    quantize_static would (uint8 activations from min/max over 4 seeded
#    calibration images, int8 per-channel weights, int32 biases);
#  - se-mlir on the QDQ file with its integer convolutions (the default:
#    vpdpbusd where the CPU has VNNI, else vpmaddwd) and with
#    --int8-kernels=false (float convolutions between the quantization
#    steps), se-mlir on the fp32 file, se-mlir on the fp32 file quantized
#    by itself (--quantize=int8, calibrated on the same 4 images), ONNX
#    Runtime 1.30 on the QDQ and fp32 files; at 1 and 2 threads. On an
#    AVX-512 host, also se-mlir's QDQ int8, own int8 and fp32 held to AVX2
#    (--mcpu=x86-64-v3: vpmaddwd), the path of AVX2-only hosts (ONNX
#    Runtime cannot be held to it). The QDQ runs are first checked
#    against quantize_qdq.py's reference, the own quantization against
#    the fp32 output (cosine similarity, top-5).
# Tools run in turn, ROUNDS times (interleaved); the report takes per-round
# ratios and their median. Results: benchmarks/results/int8.md (raw CSV
# files in build/benchmarks/int8/).
#
#   benchmarks/run-int8.sh        ROUNDS=5 RUNS=20 NETS=a,b
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/benchmarks/peers/common.sh"
rounds=${ROUNDS:-5}
runs=${RUNS:-20}
work=$build/benchmarks/int8
nets_dir=$build/benchmarks/networks/nets
peers=$root/benchmarks/peers
results=$root/benchmarks/results
mkdir -p "$work" "$nets_dir" "$results"

bench_prepare cpu-bench se-compile se-run
"$root/scripts/install-deps.sh" torch

nets=${NETS:-se_resnet50,mobilenet_v3_large,efficientnet_b0}
IFS=, read -r -a names <<<"$nets"

echo "== exporting from PyTorch and quantizing: $nets"
for net in "${names[@]}"; do
  export_network "$nets_dir" "$net"
  { newer "$work/${net}_qdq.onnx" "$nets_dir/$net.onnx" &&
    [ -f "$work/$net.calibration.raw" ]; } ||
    /usr/bin/python3 "$root/test/Import/ONNX/models/quantize_qdq.py" qdq \
      "$nets_dir/$net.onnx" "$nets_dir/$net.in.raw" "$work/${net}_qdq" \
      --calibration 4 --save-calibration "$work/$net.calibration.raw" \
      >/dev/null
done

echo "== compiling and checking"
"$build/bin/se-compile" --print-target | tee "$work/target.txt"
avx2_row=false
grep -q '^vector-width: 16' "$work/target.txt" && avx2_row=true
: >"$work/numerics.txt"
for net in "${names[@]}"; do
  q=$work/${net}_qdq
  "$build/bin/se-compile" "$q.onnx" --threads=2 --emit=shared -o "$q.int8.so"
  "$build/bin/se-compile" "$q.onnx" --threads=2 --int8-kernels=false \
    --emit=shared -o "$q.float.so"
  "$build/bin/se-compile" "$nets_dir/$net.onnx" --threads=2 --emit=shared \
    -o "$work/$net.fp32.so"
  "$build/bin/se-compile" "$nets_dir/$net.onnx" --threads=2 --emit=shared \
    --quantize=int8 --calibration="$work/$net.calibration.raw" \
    -o "$work/$net.own.so"
  if $avx2_row; then
    avx2=(--threads=2 --emit=shared --mcpu=x86-64-v3)
    "$build/bin/se-compile" "$q.onnx" "${avx2[@]}" -o "$q.int8-avx2.so"
    "$build/bin/se-compile" "$nets_dir/$net.onnx" "${avx2[@]}" \
      -o "$work/$net.fp32-avx2.so"
    "$build/bin/se-compile" "$nets_dir/$net.onnx" "${avx2[@]}" \
      --quantize=int8 --calibration="$work/$net.calibration.raw" \
      -o "$work/$net.own-avx2.so"
  fi
  owns=(own)
  $avx2_row && owns+=(own-avx2)
  for own in "${owns[@]}"; do
    "$build/bin/se-run" "$work/$net.$own.so" --input "$nets_dir/$net.in.raw" \
      --output "$work/$net.$own.out.raw" >/dev/null
    /usr/bin/python3 - "$nets_dir/$net.out.raw" "$work/$net.$own.out.raw" \
      "$net.$own (--quantize=int8) against fp32" <<'PY' | tee -a "$work/numerics.txt"
import sys
import numpy as np
want, got = (np.fromfile(f, "<f4") for f in sys.argv[1:3])
cosine = float(want @ got / (np.linalg.norm(want) * np.linalg.norm(got)))
top5 = set(np.argsort(-want)[:5]) == set(np.argsort(-got)[:5])
print(f"{sys.argv[3]}: cosine {cosine:.6f}, same top-5: {top5}")
PY
  done
  kinds=(int8 float)
  $avx2_row && kinds+=(int8-avx2)
  for kind in "${kinds[@]}"; do
    result=$("$build/bin/se-run" "$q.$kind.so" --input "$q.in.raw" \
      --expect "$q.out.raw" --atol 1e-3 --rtol 0 | tail -n 2 | paste -sd' ')
    echo "${net}_qdq.$kind: $result" | tee -a "$work/numerics.txt"
  done
done

begin_rounds
for round in $(seq 1 "$rounds"); do
  start_round "$round"
  for threads in 1 2; do
    for net in "${names[@]}"; do
      q=$work/${net}_qdq
      se_run "se-mlir-int8,$net,$threads" "$q.int8.so" --threads "$threads" >>"$csv"
      se_run "se-mlir-float-qdq,$net,$threads" "$q.float.so" --threads "$threads" >>"$csv"
      se_run "se-mlir-fp32,$net,$threads" "$work/$net.fp32.so" --threads "$threads" >>"$csv"
      se_run "se-mlir-own-int8,$net,$threads" "$work/$net.own.so" --threads "$threads" >>"$csv"
      ort_csv ort-qdq "$threads" "$q.onnx" | sed "s/,${net}_qdq,/,$net,/" >>"$csv"
      ort_csv ort-fp32 "$threads" "$nets_dir/$net.onnx" >>"$csv"
      if $avx2_row; then
        se_run "se-mlir-int8-avx2,$net,$threads" "$q.int8-avx2.so" --threads "$threads" >>"$csv"
        se_run "se-mlir-fp32-avx2,$net,$threads" "$work/$net.fp32-avx2.so" --threads "$threads" >>"$csv"
        se_run "se-mlir-own-int8-avx2,$net,$threads" "$work/$net.own-avx2.so" --threads "$threads" >>"$csv"
      fi
    done
  done
done

/usr/bin/python3 "$peers/summarize_int8.py" "$work" "$nets" >"$results/int8.md"
cat "$results/int8.md"
