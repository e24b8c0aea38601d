#!/usr/bin/env bash
# Bounded libFuzzer campaign against the ONNX importer.
#   scripts/fuzz-onnx.sh [SECONDS]   (default 120)
# Builds build-fuzz/ with -DSE_BUILD_FUZZERS=ON, seeds a corpus from the test
# models, runs for SECONDS; exits non-zero if the fuzzer found a crash
# (reproducer in build-fuzz/fuzz-artifacts/).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-120}

scripts/install-deps.sh sanitize
cmake -G Ninja -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
  -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
  -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir -DSE_BUILD_FUZZERS=ON >/dev/null
ninja -C build-fuzz se-onnx-fuzzer

corpus=build-fuzz/fuzz-corpus
artifacts=build-fuzz/fuzz-artifacts
mkdir -p "$corpus" "$artifacts"
# Seeds: the text models of the tests, encoded, and a sample of the ONNX
# backend cases.
for test in test/ONNX/*.test; do
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
for model in /usr/share/libonnx-testdata/data/node/test_{conv,maxpool,averagepool,gemm,batchnorm,softmax,reshape,concat}*/model.onnx; do
  [ -e "$model" ] && cp "$model" "$corpus/$(basename "$(dirname "$model")").onnx"
done

ASAN_OPTIONS=detect_leaks=0 build-fuzz/bin/se-onnx-fuzzer "$corpus" \
  -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=4096 \
  -artifact_prefix="$artifacts/" -print_final_stats=1
