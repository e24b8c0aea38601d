"""Exports torchvision's MobileNetV3-Small (seeded weights) from PyTorch to
ONNX, compiles it with se-mlir and compares the output with PyTorch's.

    scripts/install-deps.sh torch && make build
    PYTHONPATH=python /usr/bin/python3 examples/python/torchvision_mobilenet.py
"""

import os
import tempfile

import numpy as np
import torch
import torchvision

import se_mlir

torch.manual_seed(0)
net = torchvision.models.mobilenet_v3_small(num_classes=1000)
# Batch-norm statistics from a few training-mode passes (untrained running
# statistics would make every activation nearly zero).
with torch.no_grad():
    net.train()
    for _ in range(3):
        net(torch.rand(8, 3, 224, 224) * 2 - 1)
net.eval()
x = torch.rand(1, 3, 224, 224) * 2 - 1
with torch.no_grad():
    want = net(x).numpy()

with tempfile.TemporaryDirectory() as directory:
    path = os.path.join(directory, "mobilenet_v3_small.onnx")
    torch.onnx.export(net, x, path, opset_version=17, do_constant_folding=True)
    model = se_mlir.compile(path)

got = model(x.numpy())
error = np.abs(got - want).max()
print(f"{model}\nthreads: {model.num_threads}")
print(f"max |se-mlir - PyTorch| = {error:.2e}, logits up to "
      f"{np.abs(want).max():.2e}; top-5 equal: "
      f"{(np.argsort(-got[0])[:5] == np.argsort(-want[0])[:5]).all()}")
print("median %.2f ms" % model.benchmark(20)["median_ms"])
