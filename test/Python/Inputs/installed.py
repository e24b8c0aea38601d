"""Compiles and runs a small zoo model with the installed se_mlir package
and compares its outputs with the installed se-run's (install.test)."""
import os
import subprocess
import sys

import numpy as np
import se_mlir
from se_mlir._compile import find_compiler

prefix = sys.argv[1]
print("package", os.path.dirname(os.path.abspath(se_mlir.__file__)))
print("compiler", find_compiler())
options = ["--width-divisor=8", "--classes=10", "--input-size=32"]
model = se_mlir.compile("se-resnet18", batch="dynamic", options=options)
x = np.random.default_rng(3).uniform(-1, 1, (2, 3, 32, 32)).astype(
    np.float32)
y = model(x)
x.tofile("input.raw")
subprocess.run([os.path.join(prefix, "bin", "se-run"), model.path,
                "--batch", "2", "--input", "input.raw", "--output",
                "output.raw"], check=True, stdout=subprocess.DEVNULL)
reference = np.fromfile("output.raw", dtype=np.float32).reshape(y.shape)
print("output", y.shape, "equal to se-run's:",
      bool(np.array_equal(y, reference)))
