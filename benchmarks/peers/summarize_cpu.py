#!/usr/bin/env python3
"""Summarizes run-cpu.sh's rounds: a markdown report on stdout and a plot.

  summarize_cpu.py WORKDIR SHAPES PLOT.png

Every figure is the median over rounds of the per-round medians (p10 and
p90: the medians over rounds of the per-round p10 and p90); ratios are
taken within each round, then their median over rounds.
"""
import csv
import glob
import os
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from summarize_se_fusion import machine  # noqa: E402

NETS = [("resnet50", "ResNet-50"), ("se_resnet50", "SE-ResNet-50")]
TOOLS = [("se-mlir", "se-mlir"), ("onnxruntime", "ONNX Runtime 1.30"),
         ("pytorch", "PyTorch (jit, optimize_for_inference)")]


def read_rounds(workdir):
    rounds = []
    for path in sorted(glob.glob(os.path.join(workdir, "round.*.csv"))):
        table = {}
        with open(path) as f:
            for row in csv.DictReader(f):
                key = (row["tool"], row["name"], int(row["threads"]))
                table[key] = {k: float(row[k]) if row[k] else None
                              for k in ("median_ms", "p10_ms", "p90_ms")}
        rounds.append(table)
    return rounds


def read_shapes(path):
    shapes = []
    with open(path) as f:
        for line in f:
            fields = line.split()
            if not fields or fields[0].startswith("#"):
                continue
            c, f_, size, k, s, pad, count = map(int, fields[1:8])
            out = (size + 2 * pad - k) // s + 1
            shapes.append((fields[0], 2 * out * out * c * f_ * k * k, count))
    return shapes


def over_rounds(rounds, key, field="median_ms"):
    values = [r[key][field] for r in rounds if key in r and r[key][field]]
    return statistics.median(values) if values else None


def ratio_over_rounds(rounds, num, den):
    values = [r[num]["median_ms"] / r[den]["median_ms"] for r in rounds
              if num in r and den in r]
    return statistics.median(values) if values else None





def main():
    workdir, shapes_path, plot_path = sys.argv[1:4]
    rounds = read_rounds(workdir)
    shapes = read_shapes(shapes_path)
    peak = over_rounds(rounds, ("peak", "fma", 1))
    print("# CPU benchmarks (issue #6)\n")
    print(f"`benchmarks/run-cpu.sh`, {len(rounds)} interleaved rounds; "
          f"{machine()}; batch 1, "
          f"1x3x224x224 f32. Figures: median over rounds of each round's "
          f"median (p10-p90 likewise). Measured f32 FMA peak of one thread: "
          f"{peak:.0f} GFLOP/s. OpenMP threads bound one per core "
          f"(OMP_PROC_BIND=spread, OMP_PLACES=cores).\n")
    for net, _ in NETS:
        path = os.path.join(workdir, f"numerics.{net}.txt")
        if os.path.exists(path):
            print(f"- Numerics against PyTorch's logits: "
                  f"`{open(path).read().strip()}`")
    path = os.path.join(workdir, "compile-seconds.txt")
    if os.path.exists(path):
        print(f"- `se-compile --model=se-resnet50` (object file): "
              f"{open(path).read().strip()} s")
    print()

    print("## Networks\n")
    print("| network | threads | " + " | ".join(t for _, t in TOOLS) +
          " | se-mlir / ONNX Runtime | se-mlir / PyTorch |")
    print("|---|---|" + "---|" * (len(TOOLS) + 2))
    for net, label in NETS:
        for threads in (1, 2):
            cells = []
            for tool, _ in TOOLS:
                key = (tool, net, threads)
                m = over_rounds(rounds, key)
                lo = over_rounds(rounds, key, "p10_ms")
                hi = over_rounds(rounds, key, "p90_ms")
                cells.append(f"{m:.1f} ms ({lo:.1f}-{hi:.1f})" if m else "-")
            ours = ("se-mlir", net, threads)
            vs_ort = ratio_over_rounds(rounds, ours, ("onnxruntime", net, threads))
            vs_pt = ratio_over_rounds(rounds, ours, ("pytorch", net, threads))
            print(f"| {label} | {threads} | " + " | ".join(cells) +
                  f" | {vs_ort:.2f}x | {vs_pt:.2f}x |")
    print()

    print("## ResNet-50 convolutions against oneDNN\n")
    print("Each shape with bias and ReLU; GFLOP/s = 2 x MACs / median time; "
          "se-mlir's time includes its zero-padding copy.\n")
    print("| layer | count | threads | se-mlir ms | oneDNN ms | se-mlir "
          "GFLOP/s | oneDNN GFLOP/s | se-mlir / oneDNN speed |")
    print("|---|---|---|---|---|---|---|---|")
    totals = {}
    per_layer = {1: [], 2: []}
    for threads in (1, 2):
        ours_total = theirs_total = 0.0
        for name, flops, count in shapes:
            ours = over_rounds(rounds, ("se-mlir-layer", name, threads))
            theirs = over_rounds(rounds, ("onednn-layer", name, threads))
            speed = ratio_over_rounds(rounds, ("onednn-layer", name, threads),
                                      ("se-mlir-layer", name, threads))
            ours_total += count * ours
            theirs_total += count * theirs
            per_layer[threads].append(
                (name, flops / ours / 1e6, flops / theirs / 1e6, speed))
            print(f"| {name} | {count} | {threads} | {ours:.3f} | "
                  f"{theirs:.3f} | {flops / ours / 1e6:.0f} | "
                  f"{flops / theirs / 1e6:.0f} | {speed:.2f} |")
        totals[threads] = (ours_total, theirs_total)
    print()
    for threads in (1, 2):
        ours_total, theirs_total = totals[threads]
        worst = min(per_layer[threads], key=lambda layer: layer[3])
        print(f"- {threads} thread(s): the 53 convolutions take "
              f"{ours_total:.1f} ms with se-mlir, {theirs_total:.1f} ms with "
              f"oneDNN ({ours_total / theirs_total:.2f}x); slowest layer "
              f"against oneDNN: {worst[0]} at {worst[3]:.2f}.")
    print()

    # AVX2 at one thread, when the run has it.
    if over_rounds(rounds, ("se-mlir-avx2", "se_resnet50", 1)):
        print("## AVX2, one thread\n")
        print("Every tool held to AVX2 on this AVX-512 machine: se-mlir "
              "`--mcpu=haswell`, PyTorch `ATEN_CPU_CAPABILITY=avx2` and "
              "oneDNN `ONEDNN_MAX_CPU_ISA=AVX2`.\n")
        numerics = os.path.join(workdir, "numerics.avx2.txt")
        if os.path.exists(numerics):
            with open(numerics) as f:
                print(f"- Numerics against PyTorch's logits: `{f.read().strip()}`")
        ours = over_rounds(rounds, ("se-mlir-avx2", "se_resnet50", 1))
        theirs = over_rounds(rounds, ("pytorch-avx2", "se_resnet50", 1))
        if ours and theirs:
            ratio = ratio_over_rounds(rounds, ("se-mlir-avx2", "se_resnet50", 1),
                                      ("pytorch-avx2", "se_resnet50", 1))
            print(f"- SE-ResNet-50: se-mlir {ours:.1f} ms, PyTorch "
                  f"{theirs:.1f} ms ({ratio:.2f}x).")
        ours_total = theirs_total = 0.0
        speeds = []
        for name, flops, count in shapes:
            mine = over_rounds(rounds, ("se-mlir-layer-avx2", name, 1))
            other = over_rounds(rounds, ("onednn-layer-avx2", name, 1))
            ours_total += count * mine
            theirs_total += count * other
            speeds.append((ratio_over_rounds(
                rounds, ("onednn-layer-avx2", name, 1),
                ("se-mlir-layer-avx2", name, 1)), name))
        worst = min(speeds)
        print(f"- The 53 convolutions: {ours_total:.1f} ms with se-mlir, "
              f"{theirs_total:.1f} ms with oneDNN "
              f"({ours_total / theirs_total:.2f}x); slowest layer against "
              f"oneDNN: {worst[1]} at {worst[0]:.2f}; median layer speed "
              f"{statistics.median(s for s, _ in speeds):.2f}.")
        print()
    print(f"![latency and GFLOP/s]({os.path.basename(plot_path)})")

    figure, (left, right) = plt.subplots(1, 2, figsize=(15, 5.5))
    labels = [f"{label}\n{t} thread{'s' if t > 1 else ''}"
              for _, label in NETS for t in (1, 2)]
    width = 0.8 / len(TOOLS)
    for i, (tool, name) in enumerate(TOOLS):
        values = [over_rounds(rounds, (tool, net, t)) or 0
                  for net, _ in NETS for t in (1, 2)]
        left.bar([x + i * width for x in range(len(labels))], values, width,
                 label=name)
    left.set_xticks([x + width for x in range(len(labels))], labels)
    left.set_ylabel("ms per image (median)")
    left.set_title("Latency, batch 1, 224 x 224")
    left.legend()
    names = [layer[0] for layer in per_layer[1]]
    xs = range(len(names))
    right.bar([x - 0.2 for x in xs], [layer[1] for layer in per_layer[1]], 0.4,
              label="se-mlir")
    right.bar([x + 0.2 for x in xs], [layer[2] for layer in per_layer[1]], 0.4,
              label="oneDNN")
    right.axhline(peak, color="black", linestyle="--", label="FMA peak")
    right.set_xticks(list(xs), names, rotation=75, fontsize=7)
    right.set_ylabel("GFLOP/s, one thread")
    right.set_title("ResNet-50 convolutions (bias + ReLU)")
    right.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(plot_path, dpi=110)


if __name__ == "__main__":
    main()
