"""Compiles models with se-compile into cached shared objects."""

import hashlib
import os
import shutil
import subprocess
import tempfile

from ._model import Model

# se-compile's built-in model zoo (se-compile --model=NAME).
ZOO = ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
       "se-resnet18", "se-resnet34", "se-resnet50", "se-resnet101",
       "se-resnet152", "se-resnext50-32x4d")


class CompileError(RuntimeError):
    """se-compile refused the model or an option; the message is its
    diagnostic."""


def find_compiler():
    """se-compile: $SE_COMPILE, else the build tree next to this package
    (build/bin), else the PATH."""
    candidates = []
    if os.environ.get("SE_COMPILE"):
        candidates.append(os.environ["SE_COMPILE"])
    else:
        here = os.path.dirname(os.path.abspath(__file__))
        candidates.append(
            os.path.join(here, "..", "..", "build", "bin", "se-compile"))
        found = shutil.which("se-compile")
        if found:
            candidates.append(found)
    for candidate in candidates:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return os.path.abspath(candidate)
    raise CompileError(
        "cannot find se-compile" +
        (f" at SE_COMPILE='{os.environ['SE_COMPILE']}'"
         if os.environ.get("SE_COMPILE") else
         " (build it with `make build`, put it on the PATH or set "
         "SE_COMPILE)"))


def available_cores():
    """The cores this process may run on (its affinity mask)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _cache_dir():
    root = os.environ.get("SE_MLIR_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
        "se-mlir")
    os.makedirs(root, exist_ok=True)
    return root


def _arguments(model, threads, mcpu, batch, profile, options):
    if not isinstance(model, (str, os.PathLike)):
        raise TypeError("model must be a path (.onnx, .mlir) or a zoo name "
                        f"({', '.join(ZOO)}), got {type(model).__name__}")
    model = os.fspath(model)
    if model in ZOO:
        args, source = [f"--model={model}"], None
    elif os.path.isfile(model):
        args, source = [os.path.abspath(model)], os.path.abspath(model)
    else:
        raise FileNotFoundError(
            f"'{model}' is neither a file nor a built-in model "
            f"({', '.join(ZOO)})")
    # Without threads se-compile builds parallel code that runs on the
    # cores the process may use (OMP_NUM_THREADS, SE_NUM_THREADS).
    if threads is not None:
        if not isinstance(threads, int) or threads < 1:
            raise ValueError(
                f"threads must be a positive int, got {threads!r}")
        args.append(f"--threads={threads}")
    if mcpu:
        args.append(f"--mcpu={mcpu}")
    if batch is not None:
        if batch != "dynamic" and (not isinstance(batch, int) or batch < 1):
            raise ValueError(
                f"batch must be a positive int or 'dynamic', got {batch!r}")
        args.append(f"--batch={batch}")
    if profile:
        args.append("--profile")
    args += [str(option) for option in options]
    return args, source


def _calibration_bytes(quantize, calibration):
    """The calibration inputs as raw f32 bytes (None without quantize)."""
    if quantize not in (None, "int8"):
        raise ValueError(f"quantize must be None or 'int8', got {quantize!r}")
    if quantize is None:
        if calibration is not None:
            raise ValueError("calibration is for quantize='int8'")
        return None
    if calibration is None:
        raise ValueError("quantize='int8' needs calibration inputs: a "
                         "float32 array of the input's shape, a stack of "
                         "them, or a list")
    import numpy as np
    arrays = calibration if isinstance(calibration, (list, tuple)) else [
        calibration]
    chunks = []
    for array in arrays:
        if not isinstance(array, np.ndarray) or array.dtype != np.float32:
            raise TypeError("calibration inputs must be float32 numpy "
                            f"arrays, got {getattr(array, 'dtype', type(array))}")
        chunks.append(np.ascontiguousarray(array).tobytes())
    return b"".join(chunks)


def compile(model, output=None, *, threads=None, mcpu=None, batch=None,
            profile=False, quantize=None, calibration=None, options=(),
            cache=True):
    """Compiles `model` (an ONNX or MLIR file, or a built-in model name such
    as "se-resnet50") to a shared object and loads it.

    threads: the threads of the parallel code (default: parallel code on
    the cores the process may use at run time, or OMP_NUM_THREADS; 1 builds
    serial code). mcpu: the CPU to compile for (default: the host). batch:
    the batch of a symbolic ONNX batch or of a built-in model, or "dynamic"
    (a symbolic ONNX batch is dynamic unless given): the model then takes
    any number of images. profile: record per-layer times
    (Model.profile()).
    quantize: "int8" quantizes a float model's convolutions (se-compile
    --quantize=int8), calibrated on `calibration`: float32 arrays of the
    input's shape (one, a stack along a new first axis, or a list).
    options: further se-compile flags. The shared object goes to `output`,
    or to a cache ($SE_MLIR_CACHE, default ~/.cache/se-mlir) keyed by the
    model's content, the options and the compiler, reused when unchanged.
    """
    args, source = _arguments(model, threads, mcpu, batch, profile, options)
    calibration_bytes = _calibration_bytes(quantize, calibration)
    compiler = find_compiler()
    if output is None:
        key = hashlib.sha256()
        stat = os.stat(compiler)
        key.update(f"{compiler}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
        key.update("\0".join(a for a in args if a != source).encode())
        if calibration_bytes is not None:
            key.update(b"\0quantize=int8\0" + calibration_bytes)
        if source:
            with open(source, "rb") as file:
                for block in iter(lambda: file.read(1 << 20), b""):
                    key.update(block)
        output = os.path.join(_cache_dir(), key.hexdigest()[:32] + ".so")
        if cache and os.path.isfile(output):
            return Model(output)
    output = os.path.abspath(os.fspath(output))
    # Written next to the target and renamed: a concurrent compile of the
    # same model never sees half a file.
    directory = os.path.dirname(output)
    os.makedirs(directory, exist_ok=True)
    fd, partial = tempfile.mkstemp(suffix=".so", dir=directory)
    os.close(fd)
    calibration_file = None
    try:
        if calibration_bytes is not None:
            fd, calibration_file = tempfile.mkstemp(suffix=".raw")
            with os.fdopen(fd, "wb") as file:
                file.write(calibration_bytes)
            args += ["--quantize=int8", f"--calibration={calibration_file}"]
        result = subprocess.run(
            [compiler, *args, "--emit=shared", "--name=model", "-o", partial],
            capture_output=True, text=True)
        if result.returncode != 0:
            message = result.stderr.strip() or (
                f"se-compile exited with status {result.returncode}")
            raise CompileError(message)
        os.replace(partial, output)
    finally:
        for leftover in (partial, os.path.splitext(partial)[0] + ".h",
                         calibration_file):
            if leftover and os.path.exists(leftover):
                os.remove(leftover)
    return Model(output)


def load(path, threads=None):
    """Loads a shared object written by se-compile --emit=shared."""
    return Model(os.fspath(path), threads=threads)
