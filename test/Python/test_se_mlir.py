"""The se_mlir Python package (python/se_mlir): compiling, running on NumPy
arrays against PyTorch's outputs, the cache, profiles, and every error a
user can hit."""

import os

import numpy as np
import pytest

import se_mlir

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
MODELS = os.path.join(ROOT, "test", "Import", "ONNX", "models", "small")


@pytest.fixture(scope="session", autouse=True)
def shared_cache(tmp_path_factory):
    """One cache for the session: tests reuse each other's compiles."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SE_MLIR_CACHE", str(tmp_path_factory.mktemp("cache")))
        patch.delenv("SE_NUM_THREADS", raising=False)
        yield


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A cache of this test's own."""
    monkeypatch.setenv("SE_MLIR_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def exported(name):
    """A PyTorch export with its seeded input and PyTorch's output."""
    model = os.path.join(MODELS, name + ".onnx")
    x = np.fromfile(os.path.join(MODELS, name + ".in.raw"), dtype=np.float32)
    want = np.fromfile(os.path.join(MODELS, name + ".out.raw"),
                       dtype=np.float32)
    return model, x, want


@pytest.mark.parametrize("name", ["efficientnet_b0", "mobilenetv3_small"])
@pytest.mark.parametrize("threads", [1, 2])
def test_matches_pytorch(name, threads):
    path, x, want = exported(name)
    model = se_mlir.compile(path, threads=threads)
    assert model.num_threads == threads
    y = model(x.reshape(model.input_shapes[0]))
    assert y.shape == model.output_shapes[0] and y.dtype == np.float32
    # The tolerance of test/Import/ONNX/pytorch.test.
    np.testing.assert_allclose(y.ravel(), want, rtol=1e-3, atol=1e-5)


def test_cache_and_load(cache, tmp_path):
    path, x, want = exported("mobilenetv3_small")
    first = se_mlir.compile(path, threads=1)
    assert os.path.dirname(first.path) == str(cache)
    stamp = os.stat(first.path).st_mtime_ns
    again = se_mlir.compile(path, threads=1)
    assert again.path == first.path
    assert os.stat(again.path).st_mtime_ns == stamp
    # Other options are another entry.
    assert se_mlir.compile(path, threads=2).path != first.path
    out = tmp_path / "mobilenet.so"
    se_mlir.compile(path, out, threads=1)
    loaded = se_mlir.load(out)
    x = x.reshape(loaded.input_shapes[0])
    np.testing.assert_array_equal(loaded(x), first(x))


def test_threads_at_run_time(monkeypatch):
    path, x, want = exported("mobilenetv3_small")
    model = se_mlir.compile(path, threads=2)
    x = x.reshape(model.input_shapes[0])
    two = model(x)
    model.set_num_threads(1)
    assert model.num_threads == 1
    np.testing.assert_array_equal(model(x), two)
    monkeypatch.setenv("SE_NUM_THREADS", "1")
    assert se_mlir.load(model.path).num_threads == 1
    serial = se_mlir.compile(path, threads=1)
    with pytest.raises(ValueError, match=r"compiled for one thread \(threads=1\)"):
        serial.set_num_threads(2)
    with pytest.raises(ValueError, match="threads must be 1 to 1024"):
        model.set_num_threads(0)


def test_threads_by_default():
    """Without threads, a model is parallel code on OpenMP's default team
    size: OMP_NUM_THREADS (lit sets 1), else the CPUs this process may run
    on."""
    model = se_mlir.compile("se-resnet18", options=[
        "--width-divisor=8", "--classes=10", "--input-size=32"])
    default = os.environ.get("OMP_NUM_THREADS")
    want = int(default) if default else len(os.sched_getaffinity(0))
    assert model.num_threads == want
    x = np.random.default_rng(3).uniform(-1, 1, (1, 3, 32, 32)).astype(
        np.float32)
    y = model(x)
    model.set_num_threads(2)
    assert model.num_threads == 2
    np.testing.assert_array_equal(model(x), y)


def test_dynamic_batch():
    """A model compiled for any batch takes N images at once; each image's
    outputs are those of the image alone, on one thread or two."""
    model = se_mlir.compile("se-resnet18", batch="dynamic", options=[
        "--width-divisor=8", "--classes=10", "--input-size=32"])
    assert model.dynamic_batch
    assert model.input_shapes == [(1, 3, 32, 32)]
    x = np.random.default_rng(4).uniform(-1, 1, (7, 3, 32, 32)).astype(
        np.float32)
    alone = np.concatenate([model(x[i:i + 1]) for i in range(7)])
    for threads in (1, 2):
        model.set_num_threads(threads)
        for n in (1, 2, 3, 7):
            y = model(x[:n])
            assert y.shape == (n, 10)
            np.testing.assert_array_equal(y, alone[:n])
    assert model.benchmark(2, warmup=1, batch=4)["images_per_s"] > 0
    with pytest.raises(ValueError, match=r"must have shape Nx3x32x32 "
                       r"\(any batch N >= 1\), got 2x3x32x31"):
        model(x[:2, :, :, :31].copy())
    with pytest.raises(ValueError, match="any batch N >= 1"):
        model(x[:0])
    static = se_mlir.compile("se-resnet18", threads=1, options=[
        "--width-divisor=8", "--classes=10", "--input-size=32"])
    assert not static.dynamic_batch
    # Profiles of any batch: per image, each timed on its own thread.
    profiled = se_mlir.compile("se-resnet18", batch="dynamic", profile=True,
                               options=["--width-divisor=8", "--classes=10",
                                        "--input-size=32"])
    profiled.set_num_threads(2)
    np.testing.assert_array_equal(profiled(x[:3]), alone[:3])
    layers = profiled.profile(runs=2, batch=5)
    assert sum(layer["share"] for layer in layers) == pytest.approx(1.0)
    assert {"stem", "layer1.0.se", "head"} <= {layer["name"]
                                              for layer in layers}
    with pytest.raises(ValueError, match="runs a fixed batch"):
        static.benchmark(1, batch=2)
    with pytest.raises(ValueError, match="batch must be a positive int or "
                       "'dynamic', got 'any'"):
        se_mlir.compile("se-resnet18", batch="any")


def test_benchmark_and_profile():
    path, x, want = exported("efficientnet_b0")
    model = se_mlir.compile(path, threads=1, profile=True)
    times = model.benchmark(5)
    assert 0 < times["p10_ms"] <= times["median_ms"] <= times["p90_ms"]
    assert times["images_per_s"] > 0
    layers = model.profile(runs=3)
    assert layers and all(layer["ms"] >= 0 for layer in layers)
    assert sum(layer["share"] for layer in layers) == pytest.approx(1.0)
    assert any(layer["kind"].startswith("conv2d") for layer in layers)
    assert layers == sorted(layers, key=lambda layer: -layer["ms"])
    with pytest.raises(se_mlir.ModelError, match="has no profile"):
        se_mlir.compile(path, threads=1).profile()


def test_zoo_model():
    model = se_mlir.compile("se-resnet18", threads=1,
                            options=["--width-divisor=8", "--classes=10"])
    assert model.input_shapes == [(1, 3, 224, 224)]
    assert model.output_shapes == [(1, 10)]
    y = model(np.zeros((1, 3, 224, 224), np.float32))
    assert np.isfinite(y).all()


def test_bad_arrays():
    path, x, want = exported("mobilenetv3_small")
    model = se_mlir.compile(path, threads=1)
    shape = model.input_shapes[0]
    with pytest.raises(TypeError, match="must be float32, got float64"):
        model(x.reshape(shape).astype(np.float64))
    with pytest.raises(ValueError, match=r"must have shape 1x3x64x64, got 3x64x64"):
        model(x.reshape(shape)[0])
    with pytest.raises(ValueError, match="must be C-contiguous"):
        model(np.asfortranarray(x.reshape(shape)))
    with pytest.raises(TypeError, match=r"takes 1 input\(s\), got 2"):
        model(x.reshape(shape), x.reshape(shape))
    with pytest.raises(TypeError, match="must be a numpy.ndarray, got list"):
        model(x.tolist())


def test_bad_models_and_options(tmp_path):
    with pytest.raises(FileNotFoundError, match="neither a file nor a built-in"):
        se_mlir.compile(tmp_path / "missing.onnx")
    with pytest.raises(TypeError, match="must be a path"):
        se_mlir.compile(42)
    bad = tmp_path / "bad.mlir"
    bad.write_text("func.func @f( {\n")
    with pytest.raises(se_mlir.CompileError, match="error:"):
        se_mlir.compile(bad)
    path, x, want = exported("mobilenetv3_small")
    with pytest.raises(se_mlir.CompileError, match="unknown CPU"):
        se_mlir.compile(path, mcpu="no-such-cpu")
    with pytest.raises(ValueError, match="threads must be a positive int"):
        se_mlir.compile(path, threads=0)
    junk = tmp_path / "junk.so"
    junk.write_bytes(b"not a shared object")
    with pytest.raises(se_mlir.ModelError, match="not an ELF file"):
        se_mlir.load(junk)
    whole = se_mlir.compile(path, threads=1).path
    truncated = tmp_path / "truncated.so"
    truncated.write_bytes(open(whole, "rb").read()[:4096])
    with pytest.raises(se_mlir.ModelError, match="truncated"):
        se_mlir.load(truncated)
    with pytest.raises(se_mlir.ModelError,
                       match="is not a model compiled by se-compile"):
        se_mlir.load("/usr/lib/llvm-22/lib/libomp.so")
    relocatable = tmp_path / "object.o"
    header = bytearray(64)
    header[:7] = b"\x7fELF\x02\x01\x01"
    header[16] = 1  # ET_REL
    relocatable.write_bytes(bytes(header))
    with pytest.raises(se_mlir.ModelError,
                       match="not a 64-bit ELF shared object"):
        se_mlir.load(relocatable)


def test_compiler_not_found(monkeypatch, tmp_path):
    monkeypatch.setenv("SE_COMPILE", str(tmp_path / "nowhere" / "se-compile"))
    with pytest.raises(se_mlir.CompileError, match="cannot find se-compile"):
        se_mlir.compile("se-resnet18")


def test_quantize_int8(cache):
    """Own calibration from NumPy arrays: close to PyTorch's fp32 output,
    cached by the calibration's content."""
    path, x, want = exported("se_resnet18")
    x = x.reshape(1, 3, 64, 64)
    rng = np.random.default_rng(0)
    stack = np.concatenate([x, rng.normal(0, 1, x.shape).astype(np.float32)])
    model = se_mlir.compile(path, threads=1, quantize="int8",
                            calibration=stack)
    y = model(x).ravel()
    assert np.abs(y - want).max() <= 0.01 * np.abs(want).max()
    assert y @ want / (np.linalg.norm(y) * np.linalg.norm(want)) > 0.999
    # The same inputs as a list: the same cached object; other inputs: not.
    again = se_mlir.compile(path, threads=1, quantize="int8",
                            calibration=[x, stack[1:]])
    assert again.path == model.path
    other = se_mlir.compile(path, threads=1, quantize="int8", calibration=x)
    assert other.path != model.path
    assert len(os.listdir(cache)) == 2


def test_quantize_errors():
    path, x, want = exported("se_resnet18")
    x = x.reshape(1, 3, 64, 64)
    with pytest.raises(ValueError, match="quantize must be None or 'int8'"):
        se_mlir.compile(path, quantize="int4", calibration=x)
    with pytest.raises(ValueError, match="needs calibration inputs"):
        se_mlir.compile(path, quantize="int8")
    with pytest.raises(ValueError, match="calibration is for quantize='int8'"):
        se_mlir.compile(path, calibration=x)
    with pytest.raises(TypeError, match="must be float32 numpy arrays"):
        se_mlir.compile(path, quantize="int8", calibration=x.astype(np.float64))
    with pytest.raises(se_mlir.CompileError, match="not a multiple of the input's"):
        se_mlir.compile(path, quantize="int8", calibration=x[:, :2])
