#!/usr/bin/env bash
# Compiles every NAME.onnx of a folder of PyTorch exports (export.py,
# export_placements.py), runs it with se-run on NAME.in.raw and compares
# with PyTorch's NAME.out.raw; counts the raised SE blocks against NAME.se.
#   check-models.sh DIR WORKDIR [se-compile flags...]
# Prints one line per model ending in PASS or FAIL; exits 1 if any fails.
set -uo pipefail
dir=$1 work=$2
shift 2
bin=${SE_BIN:-$(cd "$(dirname "$0")/../../../.." && pwd)/build/bin}
mkdir -p "$work"
status=0
for model in "$dir"/*.onnx; do
  name=$(basename "$model" .onnx)
  expected=$(cat "$dir/$name.se")
  raised=$("$bin/se-compile" "$model" --emit=mlir -o - "$@" |
    grep -c se.squeeze_excite)
  if ! "$bin/se-compile" "$model" --emit=shared -o "$work/$name.so" "$@"; then
    echo "$name: does not compile; FAIL"
    status=1
    continue
  fi
  result=$("$bin/se-run" "$work/$name.so" --input "$dir/$name.in.raw" \
    --expect "$dir/$name.out.raw" --atol 1e-5 --rtol 1e-3 | tail -1)
  [ "$raised" = "$expected" ] || result="FAIL (raised $raised of $expected)"
  echo "$name: raised $raised of $expected SE blocks; $result"
  [ "$result" = PASS ] || status=1
done
exit $status
