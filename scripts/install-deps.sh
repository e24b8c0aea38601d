#!/usr/bin/env bash
# Installs the Debian packages se-mlir needs to build, test and run its demo.
# Idempotent: installs only what is missing. Needs root, or sudo.
#   scripts/install-deps.sh            build, test and demo
#   scripts/install-deps.sh sanitize   also the sanitizer runtimes
#   scripts/install-deps.sh lint       also clang-tidy and clang-format
#   scripts/install-deps.sh torch      also PyTorch and the onnx package
#                                      (model exports)
#   scripts/install-deps.sh bench      also PyTorch and Node.js (peer benchmarks)
#   scripts/install-deps.sh cpu-bench  also oneDNN, OpenBLAS, torchvision and
#                                      matplotlib (benchmarks/run-cpu.sh)
set -euo pipefail

packages=(
  cmake ninja-build ccache make python3
  clang-22 lld-22 llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  libomp-22-dev libgtest-dev libbenchmark-dev
  libonnx-dev libprotobuf-dev libonnx-testdata protobuf-compiler
  python3-numpy python3-pytest
)
case "${1:-}" in
  sanitize) packages+=(libclang-rt-22-dev) ;;
  lint) packages+=(clang-tidy-22 clang-format-22) ;;
  # PyTorch, for exporting test models (test/Import/ONNX/models/export.py),
  # and the onnx package, for quantizing them (quantize_qdq.py).
  torch) packages+=(python3-torch python3-onnx) ;;
  # The peers of benchmarks/run-se-fusion.sh: PyTorch, and ONNX Runtime from
  # npm (onnxruntime-node), which needs Node.js.
  bench)
    packages+=(python3-torch nodejs)
    command -v npm >/dev/null || packages+=(npm)
    ;;
  # benchmarks/run-cpu.sh: the same peers, torchvision's ResNet-50, oneDNN
  # for the per-layer convolutions, matplotlib for the plot, and OpenBLAS
  # (with Debian's default reference BLAS PyTorch is ~20x slower).
  cpu-bench)
    packages+=(python3-torch python3-torchvision python3-matplotlib nodejs
      libdnnl-dev libopenblas0-openmp)
    command -v npm >/dev/null || packages+=(npm)
    ;;
esac

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null |
      grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "se-mlir: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null; then
  sudo=(sudo)
else
  echo "se-mlir: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
