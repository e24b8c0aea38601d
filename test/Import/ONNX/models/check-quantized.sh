#!/usr/bin/env bash
# Quantized full-size networks, on demand: for each fp32 export NAME.onnx in
# DIR (with NAME.in.raw and PyTorch's NAME.out.raw: check-full.sh's folder,
# or benchmarks/networks' nets), writes the QDQ model with quantize_qdq.py,
# compiles and runs it, and prints the cosine similarity and top-5 agreement
# of se-mlir's logits with the fp32 model's and with the QDQ reference.
#   test/Import/ONNX/models/check-quantized.sh DIR [WORKDIR] [--calibration N]
# Fails if a model does not compile or its cosine to fp32 is below 0.99.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../../.." && pwd)"
dir=$1
work=${2:-$root/build/onnx-quantized}
shift 2 || shift 1
bin=$root/build/bin
mkdir -p "$work"
status=0
for model in "$dir"/*.onnx; do
  name=$(basename "$model" .onnx)
  [ -f "$dir/$name.out.raw" ] || continue
  case $name in *-nose | *_qdq) continue ;; esac
  /usr/bin/python3 "$root/test/Import/ONNX/models/quantize_qdq.py" qdq \
    "$model" "$dir/$name.in.raw" "$work/${name}_qdq" "$@" > /dev/null
  if ! "$bin/se-compile" "$work/${name}_qdq.onnx" --emit=shared \
      -o "$work/${name}_qdq.so"; then
    echo "$name: does not compile; FAIL"
    status=1
    continue
  fi
  "$bin/se-run" "$work/${name}_qdq.so" --input "$dir/$name.in.raw" \
    --output "$work/${name}_qdq.got.raw" > /dev/null
  /usr/bin/python3 - "$name" "$work/${name}_qdq.got.raw" "$dir/$name.out.raw" \
    "$work/${name}_qdq.out.raw" <<'PY' || status=1
import sys
import numpy as np
name, got, fp32, qdq = sys.argv[1], *(np.fromfile(f, "<f4") for f in sys.argv[2:])
def cosine(a, b):
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
def top5(a):
    return set(np.argsort(-a)[:5])
c = cosine(got, fp32)
print(f"{name}: cosine to fp32 {c:.6f} (top-5 {'same' if top5(got) == top5(fp32) else 'differs'}), "
      f"to the QDQ reference {cosine(got, qdq):.6f} (top-5 {'same' if top5(got) == top5(qdq) else 'differs'}); "
      + ("PASS" if c >= 0.99 else "FAIL"))
sys.exit(0 if c >= 0.99 else 1)
PY
done
exit $status
