#!/usr/bin/env bash
# Writes the optimized LLVM IR se-compile emits for every zoo model (224 x
# 224, batch 1, weights external so that the IR stays small; the weights
# file's hash beside it), a threaded and a GPU variant, and the small
# PyTorch exports, then one sha256 per artefact to OUTDIR/sums.txt.
# Comparing the sums of two builds shows whether a change altered the code
# the compiler emits:
#   scripts/emitted-ir.sh /tmp/before        (at the old commit)
#   scripts/emitted-ir.sh /tmp/after         (at the new one)
#   diff /tmp/before/sums.txt /tmp/after/sums.txt && echo identical
# The CPU is pinned (--mcpu=skylake-avx512), so the sums do not depend on
# the host. BIN (default build/bin) names the tools.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out=${1:?usage: scripts/emitted-ir.sh OUTDIR}
bin=${BIN:-$root/build/bin}
mkdir -p "$out"
cd "$out"

emit() {
  local name=$1
  shift
  "$bin/se-compile" "$@" --mcpu=skylake-avx512 --emit=llvm \
    --weights=external -o "$name.ll"
}

for model in resnet18 resnet34 resnet50 resnet101 resnet152 se-resnet18 \
  se-resnet34 se-resnet50 se-resnet101 se-resnet152 se-resnext50-32x4d; do
  emit "$model" --model="$model"
done
emit se-resnet50-threads --model=se-resnet50 --threads=2
emit se-resnet50-unfused --model=se-resnet50 --se-fusion=off
emit se-resnet50-identity --model=se-resnet50 --integration=identity
for model in "$root"/test/Import/ONNX/models/small/*.onnx; do
  emit "onnx-$(basename "$model" .onnx)" "$model"
done
if command -v ptxas >/dev/null || [ -x /usr/local/cuda/bin/ptxas ]; then
  emit se-resnet50-cuda --model=se-resnet50 --target=cuda
fi
sha256sum -- *.ll *.weights > sums.txt
wc -l < sums.txt | xargs echo "artefacts:"
