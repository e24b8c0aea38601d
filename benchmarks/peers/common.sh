# Shared by the benchmark scripts (sourced, not run, after they set $root).

# The build folder, absolute: $BUILD, by default build/ in the checkout.
build=${BUILD:-build}
case $build in /*) ;; *) build=$root/$build ;; esac

# newer FILE THAN: FILE exists and is newer than THAN (a rebuild's test).
newer() { [ -f "$1" ] && [ "$1" -nt "$2" ]; }

# export_network DIR NET [FLAGS...]: torchvision_networks.py's export of NET
# (and its SE-free twin) into DIR, unless DIR has one newer than the script.
export_network() {
  local dir=$1 net=$2
  shift 2
  newer "$dir/$net.onnx" "$peers/torchvision_networks.py" ||
    /usr/bin/python3 "$peers/torchvision_networks.py" export "$dir" \
      --only "$net" "$@"
}

# install_onnxruntime DIR: npm's onnxruntime-node 1.30 under DIR/node_modules
# unless it is there. The package carries its CPU binaries; its install
# script would only fetch the CUDA ones.
install_onnxruntime() {
  if [ ! -f "$1/node_modules/onnxruntime-node/package.json" ]; then
    ONNXRUNTIME_NODE_INSTALL=skip npm install --prefix "$1" \
      --no-audit --no-fund --silent onnxruntime-node@1.30
  fi
}

# se_run_csv PREFIX SE-RUN ARGS...: se-run's "median_ms=... p10_ms=...
# p90_ms=..." after 5 warm-up and $runs timed calls, as
# "PREFIX,median,p10,p90".
se_run_csv() {
  local prefix=$1 se_run=$2
  shift 2
  "$se_run" "$@" --warmup 5 --bench "$runs" |
    sed -n "s/.*median_ms=\([0-9.]*\) p10_ms=\([0-9.]*\) p90_ms=\([0-9.]*\).*/$prefix,\1,\2,\3/p"
}

# ort_csv TOOL THREADS MODEL...: ONNX Runtime (installed under $work/node
# by bench_prepare) on each model, $runs timed calls, as
# "TOOL,name,THREADS,median,p10,p90" (name: the model's file name without
# .onnx).
ort_csv() {
  local tool=$1 threads=$2
  shift 2
  ORT_NODE_MODULES="$work/node/node_modules" node "$peers/ort_bench.js" \
    --threads "$threads" --runs "$runs" "$@" |
    tail -n +2 | sed "s/^\([^,]*\),/$tool,\1,$threads,/"
}

# bench_build DEPS TARGET...: the packages of `install-deps.sh DEPS`, the
# build configured if it is not, and the tools TARGET... built.
bench_build() {
  local deps=$1
  shift
  "$root/scripts/install-deps.sh" "$deps"
  [ -f "$build/build.ninja" ] || make -C "$root" configure
  ninja -C "$build" "$@"
}

# bench_prepare DEPS TARGET...: bench_build, and ONNX Runtime under
# $work/node.
bench_prepare() {
  bench_build "$@"
  install_onnxruntime "$work/node"
}

# "tool,name,threads,median,p10,p90" from se-run.
se_run() { se_run_csv "$1" "$build/bin/se-run" "${@:2}"; }

# begin_rounds: before the timed rounds, binds OpenMP threads (se-mlir's
# libomp, oneDNN's and PyTorch's libgomp) one per core -- unbound, a short
# process's worker may start on the main thread's core and stay there --
# and removes the rounds of an earlier run. ONNX Runtime has its own pool.
begin_rounds() {
  export OMP_PROC_BIND=spread OMP_PLACES=cores
  rm -f "$work"/round.*.csv
}

# start_round N: announces round N of $rounds and starts its file, $csv,
# with the header the summarize_*.py scripts read.
start_round() {
  echo "== round $1 of $rounds"
  csv=$work/round.$1.csv
  echo "tool,name,threads,median_ms,p10_ms,p90_ms" >"$csv"
}
