#!/usr/bin/env python3
"""Summarizes run-networks.sh's rounds: a markdown report on stdout, a plot.

  summarize_networks.py WORKDIR NET,NET,... PLOT.png

Times are the median over rounds of the per-round medians; every ratio is
taken within a round, then its median over rounds is reported with the
range over rounds in brackets.
"""
import os
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from summarize_cpu import read_rounds, over_rounds  # noqa: E402
from summarize_se_fusion import machine  # noqa: E402

LABELS = {
    "efficientnet_b0": "EfficientNet-B0",
    "efficientnet_b1": "EfficientNet-B1 (240)",
    "mobilenet_v3_large": "MobileNetV3-Large",
    "mobilenet_v3_small": "MobileNetV3-Small",
    "regnet_y_400mf": "RegNetY-400MF",
    "regnet_y_1_6gf": "RegNetY-1.6GF",
    "efficientnet_v2_s": "EfficientNetV2-S",
    "se_resnet18": "SE-ResNet-18",
    "se_resnet50": "SE-ResNet-50",
}


def ratios(rounds, num, den):
    return [r[num]["median_ms"] / r[den]["median_ms"] for r in rounds
            if num in r and den in r]


def ratio_text(values):
    if not values:
        return "-"
    return (f"{statistics.median(values):.2f} "
            f"[{min(values):.2f}-{max(values):.2f}]")


def ms(value):
    return f"{value:.2f}" if value else "-"


def isa():
    flags = set()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                break
    except OSError:
        pass
    names = [f for f in ("avx2", "fma", "avx512f", "avx512bw", "avx512_vnni",
                         "avx_vnni") if f in flags]
    return ", ".join(names) or "unknown"


def main():
    work, nets, plot = sys.argv[1], sys.argv[2].split(","), sys.argv[3]
    rounds = read_rounds(work)
    if not rounds:
        sys.exit("summarize_networks: no rounds in " + work)
    print("# SE networks against ONNX Runtime and PyTorch (issue #17)\n")
    print(f"Machine: {machine()}; ISA: {isa()}. {len(rounds)} interleaved "
          "rounds; times in ms (median over rounds of the per-round "
          "medians); ratios taken per round, median [range] over rounds, "
          "below 1: se-mlir faster. Batch 1, seeded weights, ONNX opset 17 "
          "exported by torch.onnx; ONNX Runtime 1.30 (onnxruntime-node, CPU, "
          "graph optimization all) runs the same file; PyTorch runs "
          "TorchScript with optimize_for_inference.\n")

    for threads in (1, 2):
        print(f"## {threads} thread{'s' if threads > 1 else ''}\n")
        print("| network | se-mlir | ONNX Runtime | PyTorch | se-mlir / ORT "
              "| se-mlir / PyTorch | SE blocks' cost (se-mlir, vs SE-free "
              "twin) |")
        print("|---|---|---|---|---|---|---|")
        for net in nets:
            ours = ("se-mlir", net, threads)
            print(f"| {LABELS.get(net, net)} | {ms(over_rounds(rounds, ours))} "
                  f"| {ms(over_rounds(rounds, ('onnxruntime', net, threads)))} "
                  f"| {ms(over_rounds(rounds, ('pytorch', net, threads)))} "
                  f"| {ratio_text(ratios(rounds, ours, ('onnxruntime', net, threads)))} "
                  f"| {ratio_text(ratios(rounds, ours, ('pytorch', net, threads)))} "
                  f"| {ratio_text(ratios(rounds, ours, ('se-mlir', net + '-nose', threads)))} |")
        print()

    print("## Thread scaling (se-mlir, 1 thread / 2 threads)\n")
    print("| network | se-mlir | ONNX Runtime | PyTorch |")
    print("|---|---|---|---|")
    for net in nets:
        row = [ratio_text(ratios(rounds, (tool, net, 1), (tool, net, 2)))
               for tool in ("se-mlir", "onnxruntime", "pytorch")]
        print(f"| {LABELS.get(net, net)} | " + " | ".join(row) + " |")
    print()

    if any(("se-mlir-avx2", net, 1) in r for r in rounds for net in nets):
        print("## AVX2 at one thread (se-mlir --mcpu=haswell; PyTorch with "
              "ATEN_CPU_CAPABILITY=avx2)\n")
        print("| network | se-mlir AVX2 | PyTorch AVX2 | ratio |")
        print("|---|---|---|---|")
        for net in nets:
            ours, theirs = ("se-mlir-avx2", net, 1), ("pytorch-avx2", net, 1)
            print(f"| {LABELS.get(net, net)} | {ms(over_rounds(rounds, ours))} "
                  f"| {ms(over_rounds(rounds, theirs))} "
                  f"| {ratio_text(ratios(rounds, ours, theirs))} |")
        print()

    numerics = os.path.join(work, "numerics.txt")
    if os.path.exists(numerics):
        print("## Numerics against PyTorch (se-run --expect, atol 1e-4, rtol "
              "1e-3)\n")
        print("```")
        print(open(numerics).read().rstrip())
        print("```")

    fig, ax = plt.subplots(figsize=(9, 4.5))
    width = 0.35
    for i, threads in enumerate((1, 2)):
        values = [statistics.median(ratios(rounds, ("se-mlir", n, threads),
                                           ("onnxruntime", n, threads)) or [0])
                  for n in nets]
        ax.bar([x + (i - 0.5) * width for x in range(len(nets))], values,
               width, label=f"{threads} thread{'s' if threads > 1 else ''}")
    ax.axhline(1.0, color="gray", linewidth=0.8)
    ax.axhline(0.8, color="green", linewidth=0.8, linestyle="--",
               label="target 0.8")
    ax.set_xticks(range(len(nets)))
    ax.set_xticklabels([LABELS.get(n, n) for n in nets], rotation=30,
                       ha="right")
    ax.set_ylabel("se-mlir time / ONNX Runtime time")
    ax.set_title(machine(), fontsize=8)
    ax.legend()
    fig.tight_layout()
    fig.savefig(plot, dpi=110)


if __name__ == "__main__":
    main()
