#!/usr/bin/env python3
"""Exports SE networks from PyTorch to ONNX with reference inputs/outputs.

  export.py OUTDIR [--full] [--opset N]

Models (seeded weights; batch-norm statistics accumulated by running the
network in training mode on random data, then frozen):
  se_resnet18, se_resnet50      SENet SE blocks (Linear FCs, view, expand_as),
                                residual add + ReLU after the scale
  se_resnext50_32x4d            the same with grouped 3x3 convolutions
  mobilenetv3_small             depthwise convs, hard-swish, SE with 1x1 conv
                                FCs, hard-sigmoid gate, make_divisible width
  efficientnet_b0               MBConv, SiLU, SE width relative to the block
                                input, sigmoid gate
Without --full, widths are divided by 8 and inputs are 64x64 (small files,
committed under test/Import/ONNX/models/); --full writes the real sizes at 224.
For each model: NAME.onnx, NAME.in.raw and NAME.out.raw (f32 little-endian),
NAME.se (the number of SE blocks the model has); for the SE-ResNets also
NAME.zoo.weights, the same parameters for `se-compile --model=...
--weights-file` (docs/weights-format.md).
"""
import argparse
import os
import re
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def make_divisible(value, divisor=8, min_value=None):
    min_value = min_value or divisor
    new = max(min_value, int(value + divisor / 2) // divisor * divisor)
    if new < 0.9 * value:
        new += divisor
    return new


class SELayer(nn.Module):
    """SENet: pool, Linear, ReLU, Linear, sigmoid, x * y.expand_as(x)."""

    def __init__(self, channels, reduction=16):
        super().__init__()
        self.fc1 = nn.Linear(channels, max(1, channels // reduction), bias=False)
        self.fc2 = nn.Linear(max(1, channels // reduction), channels, bias=False)

    def forward(self, x):
        b, c, _, _ = x.shape
        y = F.adaptive_avg_pool2d(x, 1).view(b, c)
        y = torch.sigmoid(self.fc2(F.relu(self.fc1(y)))).view(b, c, 1, 1)
        return x * y.expand_as(x)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inp, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inp, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.se = SELayer(planes)
        self.downsample = None
        if stride != 1 or inp != planes:
            self.downsample = nn.Sequential(
                nn.Conv2d(inp, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.se(self.bn2(self.conv2(out)))
        identity = self.downsample(x) if self.downsample is not None else x
        return F.relu(out + identity)


class Bottleneck(nn.Module):
    expansion = 4
    # ResNeXt-50 32x4d: widths twice the planes, 32 groups.
    groups, width_factor = 1, 1

    def __init__(self, inp, planes, stride):
        super().__init__()
        out = planes * 4
        width = planes * self.width_factor
        self.conv1 = nn.Conv2d(inp, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, 1, groups=self.groups,
                               bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, out, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(out)
        self.se = SELayer(out)
        self.downsample = None
        if stride != 1 or inp != out:
            self.downsample = nn.Sequential(
                nn.Conv2d(inp, out, 1, stride, bias=False), nn.BatchNorm2d(out))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        y = self.se(self.bn3(self.conv3(y)))
        identity = self.downsample(x) if self.downsample is not None else x
        return F.relu(y + identity)


def resnext_block(groups, width_factor):
    """A Bottleneck with grouped 3x3 convolutions (ResNeXt)."""
    return type("ResNeXtBottleneck", (Bottleneck,),
                {"groups": groups, "width_factor": width_factor})


class SEResNet(nn.Module):
    def __init__(self, block, layers, div, classes):
        super().__init__()
        width = 64 // div
        self.conv1 = nn.Conv2d(3, width, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        stages, inp = [], width
        for i, n in enumerate(layers):
            planes = (64 << i) // div
            blocks = []
            for j in range(n):
                blocks.append(block(inp, planes, 2 if i > 0 and j == 0 else 1))
                inp = planes * block.expansion
            stages.append(nn.Sequential(*blocks))
        self.layers = nn.Sequential(*stages)
        self.fc = nn.Linear(inp, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 3, 2, 1)
        x = self.layers(x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class SqueezeExcitation(nn.Module):
    """torchvision's: 1x1 conv FCs with bias, configurable activations."""

    def __init__(self, channels, hidden, act, gate):
        super().__init__()
        self.fc1 = nn.Conv2d(channels, hidden, 1)
        self.fc2 = nn.Conv2d(hidden, channels, 1)
        self.act, self.gate = act, gate

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        return x * self.gate(self.fc2(self.act(self.fc1(s))))


def conv_bn(inp, out, k, stride, groups=1, act=None):
    layers = [nn.Conv2d(inp, out, k, stride, k // 2, groups=groups, bias=False),
              nn.BatchNorm2d(out)]
    if act is not None:
        layers.append(act)
    return nn.Sequential(*layers)


class InvertedResidual(nn.Module):
    def __init__(self, inp, exp, out, k, stride, se, act, se_hidden, gate):
        super().__init__()
        layers = []
        if exp != inp:
            layers.append(conv_bn(inp, exp, 1, 1, act=act))
        layers.append(conv_bn(exp, exp, k, stride, groups=exp, act=act))
        if se:
            layers.append(SqueezeExcitation(exp, se_hidden(inp, exp), nn.ReLU()
                                            if gate is nn.Hardsigmoid else nn.SiLU(),
                                            gate()))
        layers.append(conv_bn(exp, out, 1, 1))
        self.block = nn.Sequential(*layers)
        self.residual = stride == 1 and inp == out

    def forward(self, x):
        y = self.block(x)
        return x + y if self.residual else y


def mobilenetv3_small(div, classes):
    # (kernel, expansion, out, SE, hard-swish, stride) of MobileNetV3-Small.
    config = [(3, 16, 16, True, False, 2), (3, 72, 24, False, False, 2),
              (3, 88, 24, False, False, 1), (5, 96, 40, True, True, 2),
              (5, 240, 40, True, True, 1), (5, 120, 48, True, True, 1),
              (5, 288, 96, True, True, 2), (5, 576, 96, True, True, 1)]
    d = lambda c: max(8, make_divisible(c / div))
    layers, inp = [conv_bn(3, d(16), 3, 2, act=nn.Hardswish())], d(16)
    for k, exp, out, se, hs, stride in config:
        act = nn.Hardswish() if hs else nn.ReLU()
        layers.append(InvertedResidual(
            inp, d(exp), d(out), k, stride, se, act,
            lambda i, e: make_divisible(e // 4, 8), nn.Hardsigmoid))
        inp = d(out)
    layers.append(conv_bn(inp, d(576), 1, 1, act=nn.Hardswish()))
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(d(576), classes))


def efficientnet_b0(div, classes):
    # (expansion, kernel, stride, out, repeats) of EfficientNet-B0.
    config = [(1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2),
              (6, 3, 2, 80, 3), (6, 5, 1, 112, 3), (6, 5, 2, 192, 4),
              (6, 3, 1, 320, 1)]
    d = lambda c: max(8, make_divisible(c / div))
    layers, inp = [conv_bn(3, d(32), 3, 2, act=nn.SiLU())], d(32)
    for e, k, s, out, n in config:
        for i in range(n):
            layers.append(InvertedResidual(
                inp, inp * e, d(out), k, s if i == 0 else 1, True, nn.SiLU(),
                lambda i_, e_: max(1, int(i_ * 0.25)), nn.Sigmoid))
            inp = d(out)
    layers.append(conv_bn(inp, d(1280), 1, 1, act=nn.SiLU()))
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(d(1280), classes))


def write_zoo_weights(model, path):
    """The parameters in the names of se-compile's zoo (layerN.i...)."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                    "..", "scripts"))
    import se_weights
    tensors = []
    for name, t in model.state_dict().items():
        if name.endswith("num_batches_tracked"):
            continue
        name = re.sub(r"^layers\.(\d+)\.",
                      lambda m: f"layer{int(m.group(1)) + 1}.", name)
        tensors.append((name, list(t.shape), t.detach().reshape(-1).tolist()))
    se_weights.write(path, tensors)


def count_se(model):
    return sum(isinstance(m, (SELayer, SqueezeExcitation)) for m in model.modules())


def export(model, size, path, opset, training=torch.onnx.TrainingMode.EVAL,
           batch=4, images=None):
    """Gives `model` real batch-norm statistics (a few training-mode passes
    on random data), then writes PATH.onnx, PATH.in.raw / PATH.out.raw (a
    random input and the model's output, f32 little-endian) and PATH.se
    (its SE block count). With `images`, the ONNX batch is symbolic ("N")
    and the input holds that many images."""
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.randn(batch, 3, size, size))
    model.eval()
    x = torch.rand(images or 1, 3, size, size) * 2 - 1
    with torch.no_grad():
        y = model(x)
    dynamic = {"input": {0: "N"}, "logits": {0: "N"}} if images else None
    torch.onnx.export(model, x, path + ".onnx", opset_version=opset,
                      input_names=["input"], output_names=["logits"],
                      training=training, do_constant_folding=True,
                      dynamic_axes=dynamic)
    x.numpy().astype("<f4").tofile(path + ".in.raw")
    y.numpy().astype("<f4").tofile(path + ".out.raw")
    with open(path + ".se", "w") as f:
        f.write(f"{count_se(model)}\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir")
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--opset", type=int, default=13)
    parser.add_argument("--only", default="")
    parser.add_argument("--images", type=int, default=None,
                        help="export with a symbolic batch and an input of "
                        "this many images")
    args = parser.parse_args()
    div, size, classes = (1, 224, 1000) if args.full else (8, 64, 10)
    models = {
        "se_resnet18": lambda: SEResNet(BasicBlock, [2, 2, 2, 2], div, classes),
        "se_resnet50": lambda: SEResNet(Bottleneck, [3, 4, 6, 3], div, classes),
        # Reduced widths keep 4 channels per group: 32 / div groups.
        "se_resnext50_32x4d": lambda: SEResNet(
            resnext_block(32 // div, 2), [3, 4, 6, 3], div, classes),
        "mobilenetv3_small": lambda: mobilenetv3_small(div, classes),
        "efficientnet_b0": lambda: efficientnet_b0(div, classes),
    }
    os.makedirs(args.outdir, exist_ok=True)
    for name, build in models.items():
        if args.only and name not in args.only.split(","):
            continue
        torch.manual_seed(0)
        model = build()
        path = os.path.join(args.outdir, name)
        export(model, size, path, args.opset, images=args.images)
        if isinstance(model, SEResNet):
            write_zoo_weights(model, path + ".zoo.weights")
        print(f"{name}: {count_se(model)} SE blocks, "
              f"{os.path.getsize(path + '.onnx')} bytes")


if __name__ == "__main__":
    main()
