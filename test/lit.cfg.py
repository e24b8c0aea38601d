# -*- Python -*-
# lit configuration of the se-mlir regression tests.

import os
import sys

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "SE"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "README.md", "lit.cfg.py",
                   "model-api.test.c", "link-line.test.c",
                   "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.se_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%se_src_root", config.se_src_root))
config.substitutions.append(("%se_runtime_include",
                             os.path.join(config.se_src_root, "runtime",
                                          "include")))
config.substitutions.append(("%host_cc", config.host_cc))
config.substitutions.append(("%se_lib_dir",
                             os.path.join(config.se_obj_root, "lib")))
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%se_tools_dir", config.se_tools_dir))
config.substitutions.append(("%se_obj_root", config.se_obj_root))
# Text-format ONNX models (readable, reviewable) are encoded at test time.
config.substitutions.append(
    ("%onnx-encode", "protoc --encode=onnx.ModelProto -I/usr/include "
     "/usr/include/onnx/onnx.proto"))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
# Tests run the source tree's Python scripts concurrently: no bytecode
# caches written there (two writers of one cache corrupt it).
config.environment["PYTHONDONTWRITEBYTECODE"] = "1"
# Models compiled without --threads run on OpenMP's default team size: one
# thread per test here, as lit already runs a test per core (tests of the
# default itself unset it).
config.environment["OMP_NUM_THREADS"] = "1"
# The CPUs this process may run on, for tests of threads by default.
if len(os.sched_getaffinity(0)) >= 2:
    config.available_features.add("cpus-2")
llvm_config.use_default_substitutions()

# `--param host_cpu=haswell` (or SE_HOST_CPU in the environment) runs the
# suite as a host of that CPU would: the tools take it for the host. The
# features say what the host (as the tools see it) executes: `host-avx512`
# for AVX-512 code, `host-avx2` for AVX2 code.
import subprocess
host_cpu = lit_config.params.get("host_cpu", os.environ.get("SE_HOST_CPU", ""))
if host_cpu:
    config.environment["SE_HOST_CPU"] = host_cpu
target = subprocess.run(
    [os.path.join(config.se_tools_dir, "se-compile"), "--print-target"],
    env=config.environment, capture_output=True, text=True)
if target.returncode != 0:
    lit_config.fatal("se-compile --print-target: " + target.stderr.strip())
host = dict(line.split(": ", 1) for line in target.stdout.splitlines())
lit_config.note("host CPU as the tools see it: %s (%s-lane f32 vectors)" %
                (host["cpu"], host["vector-width"]))
if int(host["vector-width"]) >= 16:
    config.available_features.add("host-avx512")
if int(host["vector-width"]) >= 8:
    config.available_features.add("host-avx2")
# `host-vnni`: the int8 convolutions' vpdpbusd at that width.
if host.get("int8-dot-product") == "vpdpbusd":
    config.available_features.add("host-vnni")
# `cpu-avxvnni`: the machine itself (whatever SE_HOST_CPU says) runs
# AVX-VNNI, the 256-bit vpdpbusd of AVX2-class code.
try:
    with open("/proc/cpuinfo") as cpuinfo:
        if " avx_vnni" in cpuinfo.read():
            config.available_features.add("cpu-avxvnni")
except OSError:
    pass

tool_dirs = [config.se_tools_dir, config.llvm_tools_dir]
tools = ["se-opt", "se-compile", "se-run", "FileCheck", "not", "count", "llvm-nm",
         "llvm-readobj", "split-file", "mlir-opt", "mlir-runner"]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# Upstream/ runs MLIR's own tools: its tests lower to the LLVM dialect with
# upstream passes and run the result with mlir-runner.
config.substitutions.append(
    ("%mlir_c_runner_utils",
     os.path.join(os.path.dirname(config.llvm_tools_dir), "lib",
                  "libmlir_c_runner_utils.so")))
config.substitutions.append(
    ("%lower_to_llvm",
     "-one-shot-bufferize=bufferize-function-boundaries "
     "-scf-forall-to-for -convert-linalg-to-loops -convert-vector-to-scf "
     "-expand-strided-metadata -lower-affine -convert-scf-to-cf "
     "-finalize-memref-to-llvm -convert-vector-to-llvm -convert-math-to-llvm "
     "-convert-arith-to-llvm -convert-func-to-llvm -convert-cf-to-llvm "
     "-convert-index-to-llvm -convert-ub-to-llvm -reconcile-unrealized-casts"))

import shutil

# PyTorch (Debian's python3-torch, for /usr/bin/python3): tests that export
# models afresh need it; the committed exports do not.
if subprocess.call(["/usr/bin/python3", "-c", "import torch"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0:
    config.available_features.add("torch")

# gcc, to check that compiled models link with another C compiler.
if shutil.which("gcc"):
    config.available_features.add("gcc")

# The CUDA toolkit's ptxas: compiling kernels to cubin (every GPU --emit
# kind but ptx) needs it, and tests check the emitted PTX with it.
ptxas = shutil.which("ptxas") or shutil.which("ptxas", path="/usr/local/cuda/bin")
if ptxas:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))

if config.se_sanitize:
    config.available_features.add("sanitize")
    # LLVM's own allocations in libMLIR.so are not instrumented; leak checks
    # there are noise.
    config.environment["ASAN_OPTIONS"] = "detect_leaks=0"
