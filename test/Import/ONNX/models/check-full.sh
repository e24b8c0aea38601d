#!/usr/bin/env bash
# Full-size PyTorch exports (1000 classes, 224 x 224), on demand: export with
# Debian's python3-torch, compile with se-compile, run with se-run, compare
# with PyTorch's logits and count the raised SE blocks.
#   test/Import/ONNX/models/check-full.sh [OUTDIR] [--opset N] [--only a,b]
set -euo pipefail
root="$(cd "$(dirname "$0")/../../../.." && pwd)"
out=${1:-$root/build/onnx-full}
shift || true
bin=$root/build/bin
"$root/scripts/install-deps.sh" torch
/usr/bin/python3 "$root/test/Import/ONNX/models/export.py" "$out" --full "$@"
status=0
for model in "$out"/*.onnx; do
  name=$(basename "$model" .onnx)
  expected=$(cat "$out/$name.se")
  raised=$("$bin/se-compile" "$model" --emit=mlir -o - | grep -c se.squeeze_excite || true)
  "$bin/se-compile" "$model" --emit=shared -o "$out/$name.so"
  result=$("$bin/se-run" "$out/$name.so" --input "$out/$name.in.raw" \
    --expect "$out/$name.out.raw" --atol 1e-4 --rtol 1e-3 --bench 5 --warmup 1 \
    | tr '\n' ' ') || status=1
  echo "$name: raised $raised of $expected SE blocks; $result"
  [ "$raised" = "$expected" ] || status=1
done
exit $status
