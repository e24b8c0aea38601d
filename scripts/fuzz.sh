#!/usr/bin/env bash
# Bounded libFuzzer campaigns against the ONNX importer and the .mlir path.
#   scripts/fuzz.sh onnx [SECONDS]   se-onnx-fuzzer (default 120 s)
#   scripts/fuzz.sh mlir [SECONDS]   se-mlir-fuzzer: parse, verify, compile
# Builds build-fuzz/ with -DSE_BUILD_FUZZERS=ON, seeds a corpus from the
# tests, runs for SECONDS; exits non-zero if the fuzzer found a crash, a
# timeout or a leak of memory (reproducer in build-fuzz/fuzz-artifacts-TARGET/).
# KEEP_GOING=1 runs past findings and exits non-zero if there were any.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh onnx|mlir [SECONDS]}
seconds=${2:-120}
case "$target" in
  onnx | mlir) ;;
  *) echo "scripts/fuzz.sh: unknown target '$target' (onnx or mlir)" >&2; exit 2 ;;
esac

scripts/install-deps.sh sanitize
cmake -G Ninja -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
  -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
  -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir -DSE_BUILD_FUZZERS=ON \
  -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit >/dev/null
ninja -C build-fuzz "se-$target-fuzzer"

corpus=build-fuzz/fuzz-corpus-$target
artifacts=build-fuzz/fuzz-artifacts-$target
mkdir -p "$corpus" "$artifacts"
if [ "$target" = onnx ]; then
  # Seeds: the text models of the tests, encoded, the small PyTorch
  # exports, and a sample of the ONNX backend cases.
  for test in test/Import/ONNX/*.test; do
    awk -v dir="$corpus" -v base="$(basename "$test" .test)" '
      /^#--- .*\.txtpb$/ { file = dir "/" base "-" $2; next }
      /^#--- / { file = ""; next }
      file != "" { print > file }' "$test"
  done
  for text in "$corpus"/*.txtpb; do
    [ -e "$text" ] || continue
    protoc --encode=onnx.ModelProto -I/usr/include /usr/include/onnx/onnx.proto \
      < "$text" > "${text%.txtpb}.onnx" 2>/dev/null || true
    rm -f "$text"
  done
  cp test/Import/ONNX/models/placements/*-nods-opset17-*.onnx "$corpus/"
  cp test/Import/ONNX/Inputs/*.onnx "$corpus/"
  for model in /usr/share/libonnx-testdata/data/node/test_{conv,maxpool,averagepool,gemm,batchnorm,softmax,reshape,concat,expand}*/model.onnx; do
    [ -e "$model" ] && cp "$model" "$corpus/$(basename "$(dirname "$model")").onnx"
  done
  max_len=65536
else
  # Seeds: every case of the .mlir tests (split at `// -----`) and the
  # examples.
  for file in $(find test examples -name '*.mlir' -not -path '*/Upstream/*'); do
    awk -v dir="$corpus" -v base="$(echo "$file" | tr / _)" '
      BEGIN { n = 0; out = dir "/" base "-0.mlir" }
      /^\/\/ -----/ { n++; out = dir "/" base "-" n ".mlir"; next }
      { print > out }' "$file"
  done
  max_len=16384
fi

flags=(-max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=4096
  -timeout=60 -artifact_prefix="$artifacts/" -print_final_stats=1)
if [ "${KEEP_GOING:-0}" = 1 ]; then
  # Past a known crash (MLIR 22's parser, docs/toolchain.md): one child
  # process at a time, each finding saved, the campaign goes on.
  before=$(ls "$artifacts" | wc -l)
  ASAN_OPTIONS=detect_leaks=0 "build-fuzz/bin/se-$target-fuzzer" "$corpus" \
    "${flags[@]}" -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 || true
  found=$(( $(ls "$artifacts" | wc -l) - before ))
  echo "scripts/fuzz.sh: $found new finding(s) in $artifacts/"
  [ "$found" = 0 ]
else
  ASAN_OPTIONS=detect_leaks=0 "build-fuzz/bin/se-$target-fuzzer" "$corpus" "${flags[@]}"
fi
