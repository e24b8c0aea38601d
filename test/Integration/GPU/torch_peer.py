#!/usr/bin/env python3
"""PyTorch (cuDNN) timings of SE-ResNet-50 on the GPU, for run-on-gpu.sh.

  torch_peer.py MODELS_DIR RUNS

MODELS_DIR holds test/Import/ONNX/models/export.py, whose SEResNet is the
architecture se-compile's zoo builds (v1.5, SE on the residual branch, r=16).
Weights are seeded by PyTorch: speed does not depend on their values (the
numerics of the compiled model are checked against the CPU path instead).
Prints a markdown table of median milliseconds per forward pass (eager,
torch.no_grad, cudnn.benchmark), strict fp32 and with TF32 convolutions
(PyTorch's default for cuDNN), NCHW and channels-last, batch 1 and 32.
"""
import statistics
import sys

import torch

sys.path.insert(0, sys.argv[1])
from export import Bottleneck, SEResNet  # noqa: E402


def median_ms(model, x, runs):
    with torch.no_grad():
        for _ in range(5):
            model(x)
        torch.cuda.synchronize()
        times = []
        for _ in range(runs):
            start = torch.cuda.Event(enable_timing=True)
            end = torch.cuda.Event(enable_timing=True)
            start.record()
            model(x)
            end.record()
            end.synchronize()
            times.append(start.elapsed_time(end))
    return statistics.median(times)


def main():
    runs = int(sys.argv[2])
    torch.backends.cudnn.benchmark = True
    torch.manual_seed(0)
    model = SEResNet(Bottleneck, [3, 4, 6, 3], 1, 1000).cuda().eval()
    print(f"PyTorch {torch.__version__}, cuDNN {torch.backends.cudnn.version()}"
          f", {torch.cuda.get_device_name()}")
    print()
    print("| SE-ResNet-50 (PyTorch eager) | batch | ms (median of "
          f"{runs}) |")
    print("|---|---|---|")
    for tf32 in (False, True):
        torch.backends.cudnn.allow_tf32 = tf32
        torch.backends.cuda.matmul.allow_tf32 = tf32
        for layout in (torch.contiguous_format, torch.channels_last):
            net = model.to(memory_format=layout)
            for batch in (1, 32):
                x = torch.rand(batch, 3, 224, 224, device="cuda") * 2 - 1
                x = x.to(memory_format=layout)
                ms = median_ms(net, x, runs)
                name = ("tf32" if tf32 else "fp32") + (
                    ", channels-last" if layout == torch.channels_last
                    else ", NCHW")
                print(f"| {name} | {batch} | {ms:.3f} |", flush=True)


if __name__ == "__main__":
    main()
