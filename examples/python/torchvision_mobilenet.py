"""Exports torchvision's MobileNetV3-Small (seeded weights) from PyTorch to
ONNX with a symbolic batch, compiles it with se-mlir (one model for any
number of images) and compares the outputs of 4 images with PyTorch's.

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
x = torch.rand(4, 3, 224, 224) * 2 - 1
with torch.no_grad():
    want = net(x).numpy()

with tempfile.TemporaryDirectory() as directory:
    path = os.path.join(directory, "mobilenet_v3_small.onnx")
    torch.onnx.export(net, x, path, opset_version=17, do_constant_folding=True,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    model = se_mlir.compile(path)

got = model(x.numpy())
error = np.abs(got - want).max()
top5 = all((np.argsort(-g)[:5] == np.argsort(-w)[:5]).all()
           for g, w in zip(got, want))
print(f"{model}\nany batch: {model.dynamic_batch}, threads: "
      f"{model.num_threads}")
print(f"4 images: max |se-mlir - PyTorch| = {error:.2e}, logits up to "
      f"{np.abs(want).max():.2e}; top-5 equal: {top5}")
one, four = model.benchmark(20), model.benchmark(20, batch=4)
print(f"batch 1: {one['median_ms']:.2f} ms; batch 4: "
      f"{four['images_per_s']:.0f} images/s")
