#!/usr/bin/env bash
# GPU checks that need a CUDA device, in two halves:
#
#   test/Integration/GPU/run-on-gpu.sh prepare DIR   (here, with the built compiler)
#       compiles every zoo model at small size and SE-ResNet-50 at 224
#       (batch 1 and 32) with --target=cuda, links each with
#       test/Integration/GPU/model_driver.c, runs the same models compiled for the CPU to
#       get reference outputs, and packs DIR/bundle.tar.xz (programs,
#       references, libse_cuda_runtime.so); the SE-ResNet-50 weights file
#       (112 MB) is split into DIR/weights.part-* beside it.
#   test/Integration/GPU/run-on-gpu.sh run DIR       (on a machine with an NVIDIA GPU)
#       unpacks the bundle, joins the weights, runs every program against its
#       CPU reference (max |gpu - cpu| <= 1e-3 * (1 + max |cpu|)), times
#       SE-ResNet-50 and runs test/Integration/GPU/torch_peer.py (PyTorch with cuDNN,
#       same architecture) for comparison. Appends to DIR/results.md.
#
# Environment: SE_BUILD (default build); RUNS (timed runs, default 50);
# SMALL, FULL, PEER (1 or 0: which parts to prepare or run, default all);
# WEIGHTS_DIRS (run: where the weights parts are, default DIR); PROFILE=1
# (run: also time SE-ResNet-50's kernels, DIR/profile-*.txt). A device
# session that carries at most ~50 MB per call can run SMALL and PEER with
# the bundle and the first part, then FULL with the other parts.
set -euo pipefail

mode=${1:-}
dir=${2:-}
if [[ -z $mode || -z $dir ]]; then
  echo "usage: $0 prepare|run DIR" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/../../.." && pwd)
tolerance=1e-3
runs=${RUNS:-50}

# name|zoo flags: every zoo model at small size, and SE variants.
small_models=(
  "resnet18|--model=resnet18"
  "resnet34|--model=resnet34"
  "resnet50|--model=resnet50"
  "resnet101|--model=resnet101"
  "resnet152|--model=resnet152"
  "se_resnet18|--model=se-resnet18"
  "se_resnet34|--model=se-resnet34"
  "se_resnet50|--model=se-resnet50"
  "se_resnet101|--model=se-resnet101"
  "se_resnet152|--model=se-resnet152"
  "se_resnext50|--model=se-resnext50-32x4d"
  "se_resnet50_pre|--model=se-resnet50 --integration=pre"
  "se_resnet50_post|--model=se-resnet50 --integration=post"
  "se_resnet50_identity|--model=se-resnet50 --integration=identity"
  "se_resnet50_max|--model=se-resnet50 --squeeze=max --gate=hard-sigmoid"
  "se_resnet50_after3x3|--model=se-resnet50 --se-after-3x3 --se-bias"
  "se_resnet50_v1_batch2|--model=se-resnet50 --resnet-version=v1 --batch=2"
)
small_flags="--width-divisor=8 --input-size=32 --classes=10"
full_models=(
  "se_resnet50_224|--model=se-resnet50"
  "se_resnet50_224_b32|--model=se-resnet50 --batch=32"
)

prepare() {
  local build=${SE_BUILD:-$root/build}
  local compile=$build/bin/se-compile
  local work=$dir/work out=$dir/bundle
  # CPU references are kept in $work between runs (KEEP_REFERENCES=1):
  # they depend on the models and the CPU path only.
  [[ ${KEEP_REFERENCES:-0} == 1 ]] || rm -rf "$work"
  rm -rf "$out" "$dir"/bundle.tar.xz "$dir"/weights.part-*
  mkdir -p "$work" "$out"
  cp "$build/lib/libse_cuda_runtime.so" "$out/"
  # name, zoo flags, extra CPU flags, extra GPU flags, GPU driver defines.
  build_pair() {
    local name=$1 flags=$2 cpu_flags=$3 gpu_flags=$4 gpu_defines=$5
    echo "prepare: $name" >&2
    # shellcheck disable=SC2086
    "$compile" $flags $gpu_flags --target=cuda --name="$name" \
      -o "$work/$name.gpu.o"
    # shellcheck disable=SC2086
    cc -O2 -DMODEL="$name" $gpu_defines -include "$work/$name.gpu.h" \
      "$root/test/Integration/GPU/model_driver.c" "$work/$name.gpu.o" \
      -L"$build/lib" -lse_cuda_runtime -Wl,-rpath,'$ORIGIN' -lm \
      -o "$out/$name"
    if [[ ! -f $work/$name.ref ]]; then
      # shellcheck disable=SC2086
      "$compile" $flags $cpu_flags --name="$name" -o "$work/$name.cpu.o"
      cc -O2 -DMODEL="$name" -include "$work/$name.cpu.h" \
        "$root/test/Integration/GPU/model_driver.c" "$work/$name.cpu.o" -lm \
        -L/usr/lib/llvm-22/lib -lomp -Wl,-rpath,/usr/lib/llvm-22/lib \
        -o "$work/$name.cpu"
      "$work/$name.cpu" --write "$work/$name.ref" >/dev/null
    fi
    cp "$work/$name.ref" "$out/$name.ref"
  }
  local entry name flags
  if [[ ${SMALL:-1} == 1 ]]; then
    for entry in "${small_models[@]}"; do
      name=${entry%%|*} flags=${entry#*|}
      build_pair "$name" "$flags $small_flags" "" "" ""
    done
  fi
  if [[ ${FULL:-1} == 1 ]]; then
    # One weights file serves both batches (same layout); the CPU references
    # embed theirs.
    for entry in "${full_models[@]}"; do
      name=${entry%%|*} flags=${entry#*|}
      build_pair "$name" "$flags" "--threads=2" "--weights=external" \
        "-DMODEL_EXTERNAL_WEIGHTS"
    done
    cmp "$work/se_resnet50_224.gpu.weights" \
      "$work/se_resnet50_224_b32.gpu.weights"
    split -b 40M -d "$work/se_resnet50_224.gpu.weights" "$dir/weights.part-"
  fi
  cp "$root/test/Integration/GPU/torch_peer.py" "$out/"
  tar -C "$dir" -cJf "$dir/bundle.tar.xz" bundle
  ls -la "$dir"
}

run() {
  cd "$dir"
  [[ -d bundle ]] || tar -xJf bundle.tar.xz
  local results=$dir/results.md failed=0
  {
    echo "# GPU checks ($(date -u +%F))"
    echo
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/device: /'
    echo
    echo "| model | max abs error vs CPU | bound | result | run_device ms (median of $runs) | run ms (host copies incl.) |"
    echo "|---|---|---|---|---|---|"
  } >>"$results"
  check() {
    local name=$1
    shift
    local log
    if ! log=$("./bundle/$name" --check "bundle/$name.ref" --tolerance $tolerance --runs "$runs" "$@" 2>&1); then
      failed=1
    fi
    echo "$log" | sed "s/^/$name: /"
    local error bound verdict device host
    error=$(echo "$log" | sed -n 's/.*max |out - ref| \([^,]*\),.*/\1/p')
    bound=$(echo "$log" | sed -n 's/.*bound \([^:]*\):.*/\1/p')
    verdict=$(echo "$log" | grep -o 'PASS\|FAIL' || echo ERROR)
    device=$(echo "$log" | sed -n 's/^run_device: median \([0-9.]*\) ms.*/\1/p')
    host=$(echo "$log" | sed -n 's/^run: median \([0-9.]*\) ms.*/\1/p')
    echo "| $name | ${error:-} | ${bound:-} | $verdict | ${device:-} | ${host:-} |" >>"$results"
  }
  local entry
  if [[ ${SMALL:-1} == 1 ]]; then
    for entry in "${small_models[@]}"; do
      check "${entry%%|*}"
    done
  fi
  if [[ ${FULL:-1} == 1 ]]; then
    local parts=()
    for d in ${WEIGHTS_DIRS:-$dir}; do
      parts+=("$d"/weights.part-*)
    done
    # Sorted by part number, wherever each part was carried.
    printf '%s\n' "${parts[@]}" | awk -F'part-' '{print $NF" "$0}' | sort -n |
      cut -d' ' -f2- | xargs cat >se_resnet50_224.weights
    for entry in "${full_models[@]}"; do
      check "${entry%%|*}" --weights se_resnet50_224.weights
      if [[ ${PROFILE:-0} == 1 ]]; then
        # Time per kernel (SE_CUDA_PROFILE, libse_cuda_runtime).
        SE_CUDA_PROFILE=1 "./bundle/${entry%%|*}" \
          --weights se_resnet50_224.weights --runs 3 >/dev/null \
          2>"profile-${entry%%|*}.txt" || failed=1
      fi
    done
  fi
  if [[ ${PEER:-1} == 1 ]]; then
    echo >>"$results"
    python3 bundle/torch_peer.py "$root/test/Import/ONNX/models" "$runs" | tee -a "$results"
  fi
  cat "$results"
  return $failed
}

case $mode in
prepare) prepare ;;
run) run ;;
*)
  echo "unknown mode '$mode' (prepare or run)" >&2
  exit 2
  ;;
esac
