"""se-mlir from Python: compile SE networks with se-compile and run them on
NumPy arrays.

    import numpy as np, se_mlir
    model = se_mlir.compile("model.onnx")        # or "se-resnet50"
    y = model(np.zeros(model.input_shapes[0], np.float32))
    print(model.benchmark(20))
"""

from ._compile import ZOO, CompileError, available_cores, compile, find_compiler, load
from ._model import Model, ModelError

__all__ = [
    "ZOO", "CompileError", "Model", "ModelError", "available_cores",
    "compile", "find_compiler", "load"
]
