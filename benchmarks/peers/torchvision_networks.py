#!/usr/bin/env python3
"""The SE networks of run-networks.sh: torchvision's, and their SE-free twins.

  torchvision_networks.py export DIR [--only a,b] [--opset N] [--dynamic-batch]
      For each network NAME below, with seeded weights and batch-norm
      statistics from a few training-mode passes, writes NAME.onnx (what
      se-compile and ONNX Runtime run), NAME.pt (TorchScript, for PyTorch's
      timing), NAME.in.raw / NAME.out.raw (an input and PyTorch's output,
      f32), NAME.size (the input's side) and NAME.se (its SE block count).
      NAME-nose is the same network, same weights, with every SE block
      replaced by the identity (torchvision's SqueezeExcitation modules;
      the SE-ResNets' SELayer), to price the SE blocks. --dynamic-batch
      exports the ONNX files with a symbolic batch ("N").
  torchvision_networks.py bench DIR --threads N --runs R [--only a,b]
      Times NAME.pt with torch.jit.optimize_for_inference on N threads;
      prints "pytorch,NAME,N,median_ms,p10_ms,p90_ms" per network.
  torchvision_networks.py list
      The network names, one per line.
"""
import argparse
import os
import sys

import torch
import torch.nn as nn
import torchvision
from torchvision.ops.misc import SqueezeExcitation

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "test", "Import", "ONNX", "models"))
from export import BasicBlock, Bottleneck, SELayer, SEResNet  # noqa: E402
from torch_networks import time_torchscript  # noqa: E402

# name: (builder, input side)
NETWORKS = {
    "efficientnet_b0": (lambda: torchvision.models.efficientnet_b0(), 224),
    "efficientnet_b1": (lambda: torchvision.models.efficientnet_b1(), 240),
    "mobilenet_v3_large": (lambda: torchvision.models.mobilenet_v3_large(), 224),
    "mobilenet_v3_small": (lambda: torchvision.models.mobilenet_v3_small(), 224),
    "regnet_y_400mf": (lambda: torchvision.models.regnet_y_400mf(), 224),
    "regnet_y_1_6gf": (lambda: torchvision.models.regnet_y_1_6gf(), 224),
    "efficientnet_v2_s": (lambda: torchvision.models.efficientnet_v2_s(), 224),
    "se_resnet18": (lambda: SEResNet(BasicBlock, [2, 2, 2, 2], 1, 1000), 224),
    "se_resnet50": (lambda: SEResNet(Bottleneck, [3, 4, 6, 3], 1, 1000), 224),
}
SE_MODULES = (SqueezeExcitation, SELayer)


def without_se(module):
    """Replaces every SE block of `module` by the identity, in place."""
    for name, child in module.named_children():
        if isinstance(child, SE_MODULES):
            setattr(module, name, nn.Identity())
        else:
            without_se(child)
    return module


def count_se(model):
    return sum(isinstance(m, SE_MODULES) for m in model.modules())


def export_one(model, size, path, opset, dynamic_batch=False):
    x = torch.rand(1, 3, size, size) * 2 - 1
    with torch.no_grad():
        y = model(x)
    dynamic = ({"input": {0: "N"}, "logits": {0: "N"}} if dynamic_batch
               else None)
    torch.onnx.export(model, x, path + ".onnx", opset_version=opset,
                      input_names=["input"], output_names=["logits"],
                      do_constant_folding=True, dynamic_axes=dynamic)
    torch.jit.save(torch.jit.trace(model, x), path + ".pt")
    x.numpy().astype("<f4").tofile(path + ".in.raw")
    y.numpy().astype("<f4").tofile(path + ".out.raw")
    for suffix, value in ((".size", size), (".se", count_se(model))):
        with open(path + suffix, "w") as f:
            f.write(f"{value}\n")


def export(outdir, only, opset, dynamic_batch=False):
    os.makedirs(outdir, exist_ok=True)
    for name, (build, size) in NETWORKS.items():
        if only and name not in only:
            continue
        torch.manual_seed(0)
        model = build()
        model.train()
        with torch.no_grad():
            for _ in range(2):
                model(torch.randn(4, 3, size, size))
        model.eval()
        path = os.path.join(outdir, name)
        blocks = count_se(model)
        export_one(model, size, path, opset, dynamic_batch)
        export_one(without_se(model), size, path + "-nose", opset,
                   dynamic_batch)
        print(f"{name}: {blocks} SE blocks, "
              f"{os.path.getsize(path + '.onnx')} bytes of ONNX", flush=True)


def bench(outdir, threads, runs, only):
    torch.set_num_threads(threads)
    for name in sorted(os.listdir(outdir)):
        if not name.endswith(".pt"):
            continue
        name = name[:-3]
        if only and name not in only:
            continue
        with open(os.path.join(outdir, name + ".size")) as f:
            size = int(f.read())
        median, p10, p90 = time_torchscript(
            os.path.join(outdir, name + ".pt"), size, runs)
        print(f"pytorch,{name},{threads},{median:.3f},{p10:.3f},{p90:.3f}",
              flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["export", "bench", "list"])
    parser.add_argument("dir", nargs="?")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--opset", type=int, default=17)
    parser.add_argument("--only", default="")
    parser.add_argument("--dynamic-batch", action="store_true")
    args = parser.parse_args()
    only = [name for name in args.only.split(",") if name]
    if args.command == "list":
        print("\n".join(NETWORKS))
    elif args.command == "export":
        export(args.dir, only, args.opset, args.dynamic_batch)
    else:
        bench(args.dir, args.threads, args.runs, only)


if __name__ == "__main__":
    main()
