"""Runs a shared object written by ``se-compile --emit=shared`` (ctypes).

The object exports ``se_model_signature`` ("inputs=1x3x224x224;outputs=1x1000"),
``se_model_run`` (one memref descriptor per input and output, then the
workspace), ``se_model_workspace_bytes`` and, when compiled for it,
``se_model_num_threads`` (0: OpenMP's default team size), the profile
counters ``se_model_profile_ns`` / ``se_model_profile_layers`` and, for any
batch, ``se_model_run_batch`` (the image count, then one byte buffer per
tensor holding all images, then the workspace: one slot per thread when the
images fill the threads) (runtime/include/se/Runtime/MemRef.h, the C ABI).
"""

import ctypes
import os
import statistics
import struct
import time

import numpy as np

# SEMemRefAnyRank: allocated, aligned, offset, then the sizes and strides of
# up to rank 4.
_MAX_RANK = 4
# se_model_run takes at most 16 descriptors (tensors, workspace, weights).
_MAX_ARGS = 16


class _MemRef(ctypes.Structure):
    _fields_ = [
        ("allocated", ctypes.c_void_p),
        ("aligned", ctypes.c_void_p),
        ("offset", ctypes.c_int64),
        ("sizes_and_strides", ctypes.c_int64 * (2 * _MAX_RANK)),
    ]


class _ByteMemRef(ctypes.Structure):
    _fields_ = [
        ("allocated", ctypes.c_void_p),
        ("aligned", ctypes.c_void_p),
        ("offset", ctypes.c_int64),
        ("size", ctypes.c_int64),
        ("stride", ctypes.c_int64),
    ]


class ModelError(RuntimeError):
    """A shared object that is not a model se_mlir can run."""


def _parse_shapes(text):
    shapes = []
    for part in filter(None, text.split(",")):
        dims = part.split("x")
        if not all(d.isdigit() and int(d) > 0 for d in dims):
            raise ValueError(part)
        shapes.append(tuple(int(d) for d in dims))
    return shapes


def _descriptor(array):
    desc = _MemRef()
    pointer = array.ctypes.data
    desc.allocated = desc.aligned = pointer
    desc.offset = 0
    rank = array.ndim
    stride = 1
    for i in reversed(range(rank)):
        desc.sizes_and_strides[i] = array.shape[i]
        desc.sizes_and_strides[rank + i] = stride
        stride *= array.shape[i]
    return desc


def _check_shared_object(path):
    """Why `path` cannot be dlopen'ed safely, or None: a truncated object
    (headers or segments past its end) would be mapped and fault later."""
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        return error.strerror or str(error)
    if len(data) < 64 or not data.startswith(b"\x7fELF"):
        return "not an ELF file"
    # e_ident[EI_CLASS] 2 = 64-bit; e_type 3 = ET_DYN; Elf64_Phdr is 56 bytes.
    e_type, = struct.unpack_from("<H", data, 16)
    phoff, shoff = struct.unpack_from("<QQ", data, 32)
    phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", data, 54)
    if data[4] != 2 or e_type != 3 or phentsize != 56:
        return "not a 64-bit ELF shared object"

    def inside(offset, size):
        return offset <= len(data) and size <= len(data) - offset

    if not inside(phoff, phnum * 56) or not inside(shoff, shnum * shentsize):
        return "truncated (its headers lie past the end of the file)"
    for i in range(phnum):
        offset, = struct.unpack_from("<Q", data, phoff + i * 56 + 8)
        filesz, = struct.unpack_from("<Q", data, phoff + i * 56 + 32)
        if not inside(offset, filesz):
            return "truncated (a segment lies past the end of the file)"
    return None


class Model:
    """A compiled model: ``model(x)`` runs it on float32 arrays."""

    def __init__(self, path, threads=None):
        self.path = os.path.abspath(path)
        problem = _check_shared_object(self.path)
        if problem:
            raise ModelError(f"cannot load '{path}': {problem}")
        try:
            self._library = ctypes.CDLL(self.path, mode=os.RTLD_LOCAL)
        except OSError as error:
            raise ModelError(f"cannot load '{path}': {error}") from None
        lib = self._library

        def symbol(name, kind):
            try:
                return kind.in_dll(lib, name)
            except ValueError:
                return None

        def function(name):
            return getattr(lib, name, None)

        signature = symbol("se_model_signature", ctypes.c_char)
        self._run = function("se_model_run")
        workspace_bytes = function("se_model_workspace_bytes")
        if signature is None or self._run is None or workspace_bytes is None:
            raise ModelError(
                f"'{path}' is not a model compiled by se-compile "
                "--emit=shared (no se_model_signature/se_model_run)")
        if function("se_model_device") or symbol("se_model_device",
                                                 ctypes.c_char):
            raise ModelError(f"'{path}' runs on a CUDA device; se_mlir runs "
                             "CPU models (se-run runs GPU ones)")
        if function("se_model_weights_bytes"):
            raise ModelError(
                f"'{path}' reads its weights from a separate file "
                "(se-compile --weights=external); se_mlir runs models that "
                "embed their weights")
        text = ctypes.string_at(ctypes.addressof(signature)).decode()
        try:
            inputs, outputs = text.split(";")
            if not inputs.startswith("inputs=") or not outputs.startswith(
                    "outputs="):
                raise ValueError(text)
            self.input_shapes = _parse_shapes(inputs[len("inputs="):])
            self.output_shapes = _parse_shapes(outputs[len("outputs="):])
        except ValueError:
            raise ModelError(
                f"'{path}' has a malformed signature '{text}'") from None
        if len(self.input_shapes) + len(self.output_shapes) + 1 > _MAX_ARGS:
            raise ModelError(f"'{path}' has more tensors than se_model_run "
                             f"takes ({_MAX_ARGS - 1})")
        if any(len(s) > _MAX_RANK
               for s in self.input_shapes + self.output_shapes):
            raise ModelError(f"'{path}' has a tensor of rank above "
                             f"{_MAX_RANK}")

        self._run.restype = None
        self._run.argtypes = [ctypes.c_void_p] * _MAX_ARGS
        self._run_batch = function("se_model_run_batch")
        if self._run_batch is not None:
            self._run_batch.restype = None
            self._run_batch.argtypes = ([ctypes.c_int64] +
                                        [ctypes.c_void_p] * (_MAX_ARGS - 1))
        workspace_bytes.restype = ctypes.c_int64
        self._slot_bytes = max(int(workspace_bytes()), 1)
        self._workspace = None
        self._grow_workspace(1)

        self._threads = symbol("se_model_num_threads", ctypes.c_int32)
        self._default_threads = function("omp_get_max_threads")
        if self._default_threads is not None:
            self._default_threads.restype = ctypes.c_int
        self._profile_ns = None
        layers = symbol("se_model_profile_layers", ctypes.c_char)
        if layers is not None:
            self._layer_lines = [
                line.split("\t") for line in ctypes.string_at(
                    ctypes.addressof(layers)).decode().splitlines() if line
            ]
            counters = ctypes.c_int64 * (len(self._layer_lines) + 1)
            self._profile_ns = counters.in_dll(lib, "se_model_profile_ns")
        if threads is None and os.environ.get("SE_NUM_THREADS"):
            try:
                threads = int(os.environ["SE_NUM_THREADS"])
            except ValueError:
                raise ValueError("SE_NUM_THREADS must be a thread count, got "
                                 f"'{os.environ['SE_NUM_THREADS']}'") from None
        if threads is not None:
            self.set_num_threads(threads)

    def _grow_workspace(self, slots):
        """A workspace of `slots` slots, 64-byte aligned as the generated
        create() allocates it; kept when it is large enough."""
        size = slots * self._slot_bytes
        if self._workspace is not None and self._workspace.size >= size:
            return
        self._workspace_storage = np.zeros(size + 64, dtype=np.uint8)
        offset = (-self._workspace_storage.ctypes.data) % 64
        self._workspace = self._workspace_storage[offset:offset + size]
        self._workspace_ref = _ByteMemRef(self._workspace.ctypes.data,
                                          self._workspace.ctypes.data, 0,
                                          size, 1)

    @property
    def dynamic_batch(self):
        """Whether the model takes any number of images (compiled with
        batch="dynamic", or from an ONNX file with a symbolic batch)."""
        return self._run_batch is not None

    @property
    def num_threads(self):
        """The threads each run uses (1 for a model compiled serial)."""
        if self._threads is None:
            return 1
        if self._threads.value == 0 and self._default_threads is not None:
            return int(self._default_threads())
        return max(self._threads.value, 1)

    def set_num_threads(self, threads):
        """Runs on `threads` threads (a model compiled with threads=1 runs
        on one)."""
        if not isinstance(threads, int) or not 1 <= threads <= 1024:
            raise ValueError(f"threads must be 1 to 1024, got {threads!r}")
        if self._threads is None:
            if threads > 1:
                raise ValueError(
                    f"'{self.path}' was compiled for one thread "
                    f"(threads=1); {threads} threads need a model compiled "
                    "without threads=1")
            return
        self._threads.value = threads

    def _check_inputs(self, arrays):
        """Checks the inputs; returns the number of images they hold (the
        batch of their first dimension with a dynamic batch, else 0)."""
        if len(arrays) != len(self.input_shapes):
            raise TypeError(f"the model takes {len(self.input_shapes)} "
                            f"input(s), got {len(arrays)}")
        images = 0
        for index, (array, shape) in enumerate(zip(arrays,
                                                   self.input_shapes)):
            if not isinstance(array, np.ndarray):
                raise TypeError(f"input {index} must be a numpy.ndarray, got "
                                f"{type(array).__name__}")
            if array.dtype != np.float32:
                raise TypeError(f"input {index} must be float32, got "
                                f"{array.dtype} (convert with "
                                "x.astype(numpy.float32))")
            if self.dynamic_batch:
                if array.ndim != len(shape) or array.shape[1:] != shape[1:] \
                        or array.shape[0] < 1:
                    raise ValueError(
                        f"input {index} must have shape "
                        f"Nx{_text(shape[1:])} (any batch N >= 1), got "
                        f"{_text(array.shape)}")
                if images and array.shape[0] != images:
                    raise ValueError(
                        f"input {index} holds {array.shape[0]} images, "
                        f"input 0 {images}")
                images = array.shape[0]
            elif array.shape != shape:
                raise ValueError(
                    f"input {index} must have shape {_text(shape)}, got "
                    f"{_text(array.shape)}")
            if not array.flags.c_contiguous:
                raise ValueError(
                    f"input {index} must be C-contiguous (use "
                    "numpy.ascontiguousarray)")
        return images

    def _output_shapes(self, images):
        if not images:
            return self.output_shapes
        return [(images,) + shape[1:] for shape in self.output_shapes]

    def __call__(self, *inputs):
        """Runs the model; returns one array per output (one array when
        the model has one output)."""
        images = self._check_inputs(inputs)
        outputs = [np.empty(shape, dtype=np.float32)
                   for shape in self._output_shapes(images)]
        self._invoke(inputs, outputs, images)
        return outputs[0] if len(outputs) == 1 else tuple(outputs)

    def _invoke(self, inputs, outputs, images=0):
        arrays = list(inputs) + outputs
        if images:
            # The batch entry: whole rounds of as many images as threads,
            # one per thread, each on a workspace slot of its own.
            threads = self.num_threads
            self._grow_workspace(threads if images >= threads else 1)
            descriptors = [_ByteMemRef(a.ctypes.data, a.ctypes.data, 0,
                                       a.nbytes, 1) for a in arrays]
        else:
            descriptors = [_descriptor(a) for a in arrays]
        args = [ctypes.addressof(d) for d in descriptors]
        args.append(ctypes.addressof(self._workspace_ref))
        if images:
            args += [None] * (_MAX_ARGS - 1 - len(args))
            self._run_batch(images, *args)
        else:
            args += [None] * (_MAX_ARGS - len(args))
            self._run(*args)

    def benchmark(self, runs=20, warmup=3, inputs=None, batch=None):
        """Times `runs` calls on seeded inputs of `batch` images (a model
        for any batch; default 1) or on `inputs`; returns a dict of
        median_ms, p10_ms, p90_ms and images_per_s."""
        if runs < 1:
            raise ValueError(f"runs must be at least 1, got {runs}")
        if batch is not None and not self.dynamic_batch:
            raise ValueError(f"'{self.path}' runs a fixed batch; batch= "
                             "needs a model compiled for any batch")
        if inputs is None:
            rng = np.random.default_rng(1)
            shapes = self.input_shapes
            if batch is not None:
                shapes = [(batch,) + s[1:] for s in shapes]
            inputs = [rng.uniform(-1, 1, s).astype(np.float32)
                      for s in shapes]
        images = self._check_inputs(inputs)
        outputs = [np.empty(s, dtype=np.float32)
                   for s in self._output_shapes(images)]
        for _ in range(warmup):
            self._invoke(inputs, outputs, images)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            self._invoke(inputs, outputs, images)
            times.append((time.perf_counter() - start) * 1e3)
        times.sort()
        median = statistics.median(times)
        batch = images or (self.input_shapes[0][0] if self.input_shapes
                           else 1)
        return {
            "median_ms": median,
            "p10_ms": times[int(0.1 * (len(times) - 1))],
            "p90_ms": times[int(0.9 * (len(times) - 1))],
            "images_per_s": batch * 1e3 / median,
        }

    def profile(self, runs=10, inputs=None, batch=None):
        """Per-layer times of `runs` calls (a model compiled with
        se-compile --profile) on `inputs` or seeded inputs of `batch`
        images: a list of dicts (name, kind, shape, macs, bytes, ms,
        share), slowest first; ms is per image, on the thread that ran
        it, for a model for any batch."""
        if self._profile_ns is None:
            raise ModelError(f"'{self.path}' has no profile; compile it with "
                             "profile=True (se-compile --profile)")
        for i in range(len(self._layer_lines) + 1):
            self._profile_ns[i] = 0
        self.benchmark(runs=runs, warmup=0, inputs=inputs, batch=batch)
        recorded = self._profile_ns[len(self._layer_lines)]
        layers = []
        for line, ns in zip(self._layer_lines, self._profile_ns):
            name, kind, shape, macs, size = (line + [""] * 5)[:5]
            layers.append({
                "name": name,
                "kind": kind,
                "shape": shape,
                "macs": int(macs) if macs.isdigit() else 0,
                "bytes": int(size) if size.isdigit() else 0,
                "ms": ns / 1e6 / max(recorded, 1),
            })
        total = sum(layer["ms"] for layer in layers)
        for layer in layers:
            layer["share"] = layer["ms"] / total if total > 0 else 0.0
        layers.sort(key=lambda layer: -layer["ms"])
        return layers

    def __repr__(self):
        def shapes(list_):
            # A model for any batch: N images of one image's shape.
            return [("N" + _text(s)[1:] if self.dynamic_batch else _text(s))
                    for s in list_]
        return (f"se_mlir.Model('{self.path}', inputs="
                f"{shapes(self.input_shapes)}, outputs="
                f"{shapes(self.output_shapes)})")


def _text(shape):
    return "x".join(str(d) for d in shape) if shape else "scalar"
