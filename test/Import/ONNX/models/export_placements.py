#!/usr/bin/env python3
"""Exports small SE-ResNets in every SE placement, for test/Import/ONNX/placements.

  export_placements.py OUTDIR [--full]

One model per combination of
  placement   standard (on the residual branch, before the add), pre (before
              the residual unit), post (after the add and ReLU), identity (on
              the identity branch), after3x3 (inside the bottleneck)
  shortcut    ds: stages that start with a strided 1x1 convolution + BN
              shortcut (torchvision's v1.5 downsample); nods: identity
              shortcuts only
  opset       13, 17
  batch norm  bnfold: exported in eval mode (the exporter folds BN into the
              convolutions); bnkeep: BatchNormalization nodes kept
              (TrainingMode.PRESERVE of an eval-mode model)
named PLACEMENT-SHORTCUT-opsetN-BN.onnx, with NAME.in.raw / NAME.out.raw (f32
little-endian, PyTorch's input and logits) and NAME.se (the number of SE
blocks). With --full: SE-ResNet-50 itself (torchvision's v1.5 layout, r = 16,
224 x 224, 1000 classes) in each placement, opset 17, batch norm folded and
kept (test/Import/ONNX/models/check-models.sh checks them; not committed).
"""
import itertools
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from export import SELayer, count_se, export  # noqa: E402

PLACEMENTS = ["standard", "pre", "post", "identity", "after3x3"]


class Bottleneck(nn.Module):
    """torchvision's v1.5 bottleneck (stride on the 3x3) with an SE block."""

    def __init__(self, inp, planes, stride, placement, reduction):
        super().__init__()
        out, self.placement = planes * 4, placement
        self.conv1 = nn.Conv2d(inp, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, out, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(out)
        channels = {"pre": inp, "after3x3": planes}.get(placement, out)
        self.se = SELayer(channels, reduction=reduction)
        self.downsample = None
        if stride != 1 or inp != out:
            self.downsample = nn.Sequential(
                nn.Conv2d(inp, out, 1, stride, bias=False), nn.BatchNorm2d(out))

    def forward(self, x):
        p = self.placement
        y = F.relu(self.bn1(self.conv1(self.se(x) if p == "pre" else x)))
        y = F.relu(self.bn2(self.conv2(y)))
        if p == "after3x3":
            y = self.se(y)
        y = self.bn3(self.conv3(y))
        if p == "standard":
            y = self.se(y)
        identity = self.downsample(x) if self.downsample is not None else x
        if p == "identity":
            identity = self.se(identity)
        out = F.relu(y + identity)
        return self.se(out) if p == "post" else out


class SEResNet(nn.Module):
    """Stem, stages of bottlenecks, classifier. Small: two stages of two
    blocks; with `downsample` the first block of each stage has a
    projection shortcut (the second stage's strided), without every
    shortcut is the identity. Full: SE-ResNet-50."""

    def __init__(self, placement, downsample, full=False):
        super().__init__()
        if full:
            stem, stages, reduction, classes = 64, [(64, 3), (128, 4), (256, 6),
                                                    (512, 3)], 16, 1000
        else:
            stem = 16 if downsample else 32
            stages = [(8, 2), (16, 2)] if downsample else [(8, 2), (8, 2)]
            reduction, classes = 4, 10
        self.full = full
        self.conv1 = nn.Conv2d(3, stem, 7 if full else 3, 2, 3 if full else 1,
                               bias=False)
        self.bn1 = nn.BatchNorm2d(stem)
        blocks, inp = [], stem
        for stage, (planes, count) in enumerate(stages):
            for i in range(count):
                stride = 2 if downsample and stage > 0 and i == 0 else 1
                blocks.append(Bottleneck(inp, planes, stride, placement,
                                         reduction))
                inp = planes * 4
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(inp, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        if self.full:
            x = F.max_pool2d(x, 3, 2, 1)
        x = self.blocks(x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def main():
    outdir, full = sys.argv[1], "--full" in sys.argv[2:]
    os.makedirs(outdir, exist_ok=True)
    size = 224 if full else 32
    for placement, downsample, opset, keep_bn in itertools.product(
            PLACEMENTS, [True] if full else [True, False],
            [17] if full else [13, 17], [False, True]):
        torch.manual_seed(0)
        model = SEResNet(placement, downsample, full)
        name = "-".join([placement, "ds" if downsample else "nods",
                         f"opset{opset}", "bnkeep" if keep_bn else "bnfold"])
        mode = torch.onnx.TrainingMode.PRESERVE if keep_bn else \
            torch.onnx.TrainingMode.EVAL
        path = os.path.join(outdir, name)
        export(model, size, path, opset, training=mode,
               batch=2 if full else 4)
        blocks = count_se(model)
        print(f"{name}: {blocks} SE blocks, "
              f"{os.path.getsize(path + '.onnx')} bytes")


if __name__ == "__main__":
    main()
