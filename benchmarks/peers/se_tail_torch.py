#!/usr/bin/python3
"""PyTorch peer of the SE tail benchmark: relu(SE(U) + identity).

The SE-ResNet-50 tails (batch 1, r = 16, no FC biases, as in
benchmarks/se_tail.mlir.in) as a torch.nn.Module, traced and frozen with
torch.jit, timed on one or more threads in both memory formats (NCHW and
channels-last); prints one CSV line per shape with the median of each.
With --export DIR, writes each tail as DIR/se_tail_C.onnx for the ONNX
Runtime peer instead.
"""

import argparse
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SHAPES = [(256, 56), (512, 28), (1024, 14), (2048, 7)]


class SETail(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        self.fc1 = nn.Linear(channels, channels // reduction, bias=False)
        self.fc2 = nn.Linear(channels // reduction, channels, bias=False)

    def forward(self, u, identity):
        z = u.mean((2, 3))
        s = torch.sigmoid(self.fc2(F.relu(self.fc1(z))))
        return F.relu(u * s[:, :, None, None] + identity)


def inputs(channels, size, channels_last):
    g = torch.Generator().manual_seed(channels)
    u = torch.rand(1, channels, size, size, generator=g) * 2 - 1
    identity = torch.rand(1, channels, size, size, generator=g) * 2 - 1
    if channels_last:
        u = u.to(memory_format=torch.channels_last)
        identity = identity.to(memory_format=torch.channels_last)
    return u, identity


def median_ms(module, args, runs):
    with torch.no_grad():
        for _ in range(10):
            module(*args)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            module(*args)
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=101)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--export", metavar="DIR")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    if args.export:
        os.makedirs(args.export, exist_ok=True)
        for channels, size in SHAPES:
            module = SETail(channels).eval()
            path = os.path.join(args.export, f"se_tail_{channels}.onnx")
            torch.onnx.export(module, inputs(channels, size, False), path,
                              input_names=["u", "identity"],
                              output_names=["y"], opset_version=13)
        return

    print("shape,nchw_ms,channels_last_ms")
    for channels, size in SHAPES:
        module = SETail(channels).eval()
        times = []
        for channels_last in (False, True):
            example = inputs(channels, size, channels_last)
            with torch.no_grad():
                traced = torch.jit.freeze(torch.jit.trace(module, example))
            times.append(median_ms(traced, example, args.runs))
        print(f"1x{channels}x{size}x{size},{times[0]:.5f},{times[1]:.5f}")


if __name__ == "__main__":
    main()
