#!/usr/bin/env python3
"""ResNet-50 and SE-ResNet-50 from PyTorch: the networks of run-cpu.sh.

  torch_networks.py export DIR
      Builds both networks (seeded weights, batch-norm statistics from a few
      training-mode passes, then frozen), and writes for each NAME in
      resnet50, se_resnet50: NAME.onnx (what se-compile and ONNX Runtime
      run), NAME.pt (the same module, TorchScript, for the PyTorch timing),
      NAME.in.raw and NAME.out.raw (an input and PyTorch's logits, f32).
  torch_networks.py bench DIR --threads N --runs R
      Times NAME.pt with torch.jit.optimize_for_inference on N threads;
      prints "pytorch,NAME,N,median_ms,p10_ms,p90_ms" per network.

SE-ResNet-50 is test/Import/ONNX/models/export.py's (the zoo's architecture: v1.5,
SE on the residual branch, r = 16); ResNet-50 is torchvision's.
"""
import argparse
import os
import statistics
import sys
import time

import torch
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "test", "Import", "ONNX", "models"))
from export import Bottleneck, SEResNet  # noqa: E402

NETWORKS = {
    "resnet50": lambda: torchvision.models.resnet50(),
    "se_resnet50": lambda: SEResNet(Bottleneck, [3, 4, 6, 3], 1, 1000),
}


def export(outdir):
    os.makedirs(outdir, exist_ok=True)
    for name, build in NETWORKS.items():
        torch.manual_seed(0)
        model = build()
        model.train()
        with torch.no_grad():
            for _ in range(2):
                model(torch.randn(4, 3, 224, 224))
        model.eval()
        x = torch.rand(1, 3, 224, 224) * 2 - 1
        with torch.no_grad():
            y = model(x)
        path = os.path.join(outdir, name)
        torch.onnx.export(model, x, path + ".onnx", opset_version=13,
                          input_names=["input"], output_names=["logits"],
                          do_constant_folding=True)
        torch.jit.save(torch.jit.trace(model, x), path + ".pt")
        x.numpy().astype("<f4").tofile(path + ".in.raw")
        y.numpy().astype("<f4").tofile(path + ".out.raw")
        print(f"{name}: {os.path.getsize(path + '.onnx')} bytes of ONNX")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def time_torchscript(path, size, runs):
    """Median, p10 and p90 ms of RUNS calls (after 5) of the TorchScript
    module at PATH, frozen and optimized for inference, on one seeded
    1 x 3 x SIZE x SIZE input."""
    model = torch.jit.load(path).eval()
    model = torch.jit.optimize_for_inference(torch.jit.freeze(model))
    x = torch.rand(1, 3, size, size) * 2 - 1
    times = []
    with torch.no_grad():
        for _ in range(5):
            model(x)
        for _ in range(runs):
            start = time.perf_counter()
            model(x)
            times.append((time.perf_counter() - start) * 1e3)
    return (statistics.median(times), percentile(times, 0.1),
            percentile(times, 0.9))


def bench(outdir, threads, runs):
    torch.set_num_threads(threads)
    for name in NETWORKS:
        median, p10, p90 = time_torchscript(
            os.path.join(outdir, name + ".pt"), 224, runs)
        print(f"pytorch,{name},{threads},{median:.3f},{p10:.3f},{p90:.3f}",
              flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["export", "bench"])
    parser.add_argument("dir")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    if args.command == "export":
        export(args.dir)
    else:
        bench(args.dir, args.threads, args.runs)


if __name__ == "__main__":
    main()
