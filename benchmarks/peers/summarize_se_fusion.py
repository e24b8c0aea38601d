#!/usr/bin/python3
"""Turns the CSV files of benchmarks/run-se-fusion.sh into a markdown report.

Each tool wrote one CSV file per round; every number here is the median of
the per-round medians, with the range of the round medians in brackets.
"""

import csv
import glob
import os
import platform
import statistics
import subprocess
import sys


def rounds(work, pattern):
    return [list(csv.DictReader(open(path)))
            for path in sorted(glob.glob(os.path.join(work, pattern)))]


def collect(tables, key, column):
    values = {}
    for table in tables:
        for row in table:
            values.setdefault(row[key], []).append(float(row[column]))
    return values


def summary(values):
    return statistics.median(values), min(values), max(values)


def cell(values):
    mid, low, high = summary(values)
    return f"{mid:.3f} [{low:.3f}-{high:.3f}]"


def machine():
    model = platform.processor() or "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True,
                            cwd=os.path.dirname(__file__)).stdout.strip()
    return f"{model}, {os.cpu_count()} CPUs; se-mlir {commit or 'unknown'}"


def main():
    work = sys.argv[1]
    ours = rounds(work, "tail-se-mlir.*.csv")
    torch = rounds(work, "tail-pytorch.*.csv")
    ort = rounds(work, "tail-onnxruntime.*.csv")
    networks = rounds(work, "network.*.csv")
    if not (ours and torch and ort and networks):
        sys.exit("summarize_se_fusion: missing results in " + work)

    print("# SE fusion benchmarks (issue #5)\n")
    print(f"Machine: {machine()}. Each number is the median of the round "
          "medians (or of the per-round ratios), [range over the rounds]; "
          "times in ms.\n")

    print(f"## SE tail relu(SE(U) + identity), batch 1, r = 16, one thread "
          f"({len(ours)} rounds)\n")
    print("The 2-pass bound reads U twice (squeeze, then scale), reads the "
          "identity and writes Y once, and reads the FC weights once, each "
          "at the memcpy bandwidth measured on a buffer of its size. "
          "PyTorch: torch.jit trace + freeze, the faster of NCHW and "
          "channels-last. ONNX Runtime: onnxruntime-node 1.30, one "
          "intra-op thread, the model exported by PyTorch (its time "
          "includes the Node.js binding's call overhead).\n")
    print("| shape | se-mlir | 2-pass bound | se-mlir / bound | PyTorch | "
          "ONNX Runtime | PyTorch / se-mlir | ONNX Runtime / se-mlir |")
    print("|---|---|---|---|---|---|---|---|")
    ours_ms = collect(ours, "shape", "ours_ms")
    bound_ms = collect(ours, "shape", "bound_ms")
    nchw = collect(torch, "shape", "nchw_ms")
    last = collect(torch, "shape", "channels_last_ms")
    ort_ms = collect(ort, "model", "median_ms")
    for shape in ours_ms:
        channels = shape.split("x")[1]
        torch_best = [min(a, b) for a, b in zip(nchw[shape], last[shape])]
        ort_values = ort_ms[f"se_tail_{channels}"]
        ratio = [a / b for a, b in zip(ours_ms[shape], bound_ms[shape])]
        versus_torch = [a / b for a, b in zip(torch_best, ours_ms[shape])]
        versus_ort = [a / b for a, b in zip(ort_values, ours_ms[shape])]
        print(f"| {shape} | {cell(ours_ms[shape])} | {cell(bound_ms[shape])} "
              f"| {cell(ratio)} | {cell(torch_best)} | {cell(ort_values)} | "
              f"{cell(versus_torch)} | {cell(versus_ort)} |")

    print("\n## Whole networks, batch 1, 224 x 224, compiled by se-compile\n")
    print(f"Seeded weights; {len(networks)} rounds; in each, the three "
          "models in turn, `se-run --bench 10 --warmup 2` (the median of "
          "10 runs).\n")
    print("| threads | SE-ResNet-50 | ResNet-50 | SE-ResNet-50 / ResNet-50 | "
          "SE-ResNet-50, --se-fusion=off | unfused / fused |")
    print("|---|---|---|---|---|---|")
    times = {}
    for table in networks:
        for row in table:
            times.setdefault((row["model"], row["threads"]), []).append(
                float(row["median_ms"]))
    for threads in ("1", "2"):
        se = times[("se-resnet50", threads)]
        plain = times[("resnet50", threads)]
        unfused = times[("se-resnet50-unfused", threads)]
        overhead = [a / b for a, b in zip(se, plain)]
        fusion = [a / b for a, b in zip(unfused, se)]
        print(f"| {threads} | {cell(se)} | {cell(plain)} | {cell(overhead)} | "
              f"{cell(unfused)} | {cell(fusion)} |")


if __name__ == "__main__":
    main()
