#!/usr/bin/env python3
"""Summarizes run-int8.sh's rounds as a markdown report on stdout.

  summarize_int8.py WORKDIR NET,NET,...

Times are the median over rounds of the per-round medians; every ratio is
taken within a round, then its median over rounds is reported with the
range over rounds in brackets.
"""
import os
import sys

from summarize_cpu import read_rounds, over_rounds  # noqa: E402
from summarize_networks import LABELS, isa, ms, ratio_text, ratios  # noqa: E402
from summarize_se_fusion import machine  # noqa: E402


def main():
    work, nets = sys.argv[1], sys.argv[2].split(",")
    rounds = read_rounds(work)
    if not rounds:
        sys.exit("summarize_int8: no rounds in " + work)
    print("# Quantized SE networks (issue #18)\n")
    print(f"Machine: {machine()}; ISA: {isa()}. {len(rounds)} interleaved "
          "rounds; times in ms (median over rounds of the per-round "
          "medians); ratios taken per round, median [range] over rounds. "
          "QDQ models from test/Import/ONNX/models/quantize_qdq.py (uint8 "
          "activations, int8 per-channel weights, 4 calibration images); "
          "se-mlir int8: integer convolutions (the host's instruction, "
          "below); float QDQ: "
          "--int8-kernels=false; own int8: the fp32 file quantized by "
          "se-compile --quantize=int8 on the same calibration images "
          "(convolutions only, SE blocks float); ONNX Runtime 1.30 "
          "(onnxruntime-node, CPU) on the QDQ and fp32 files.\n")
    with open(os.path.join(work, "target.txt")) as f:
        print("se-compile --print-target: " +
              "; ".join(line.strip() for line in f) + "\n")
    for threads in (1, 2):
        print(f"## {threads} thread{'s' if threads > 1 else ''}\n")
        print("| network | se-mlir int8 | se-mlir float QDQ | se-mlir fp32 "
              "| se-mlir own int8 | ORT QDQ | ORT fp32 | int8 / ORT QDQ "
              "| int8 / se-mlir fp32 | own int8 / ORT QDQ "
              "| own int8 / se-mlir fp32 |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for net in nets:
            key = lambda tool: (tool, net, threads)  # noqa: E731
            cells = [ms(over_rounds(rounds, key(tool))) for tool in
                     ("se-mlir-int8", "se-mlir-float-qdq", "se-mlir-fp32",
                      "se-mlir-own-int8", "ort-qdq", "ort-fp32")]
            for tool in ("se-mlir-int8", "se-mlir-own-int8"):
                for base in ("ort-qdq", "se-mlir-fp32"):
                    cells.append(ratio_text(ratios(rounds, key(tool),
                                                   key(base))))
            print(f"| {LABELS.get(net, net)} | " + " | ".join(cells) + " |")
        print()
    avx2 = [(net, threads) for threads in (1, 2) for net in nets
            if over_rounds(rounds, ("se-mlir-fp32-avx2", net, threads))]
    if avx2:
        print("## Held to AVX2 (--mcpu=x86-64-v3: vpmaddwd, no VNNI)\n")
        print("The path of AVX2-only hosts, run on this one; ONNX Runtime "
              "cannot be held to it.\n")
        print("| network | threads | se-mlir int8 | se-mlir own int8 "
              "| se-mlir fp32 | int8 / fp32 | own int8 / fp32 |")
        print("|---|---|---|---|---|---|---|")
        for net, threads in avx2:
            key = lambda tool: (tool, net, threads)  # noqa: E731
            cells = [ms(over_rounds(rounds, key(tool))) for tool in
                     ("se-mlir-int8-avx2", "se-mlir-own-int8-avx2",
                      "se-mlir-fp32-avx2")]
            for tool in ("se-mlir-int8-avx2", "se-mlir-own-int8-avx2"):
                cells.append(ratio_text(ratios(rounds, key(tool),
                                               key("se-mlir-fp32-avx2"))))
            print(f"| {LABELS.get(net, net)} | {threads} | " +
                  " | ".join(cells) + " |")
        print()
    with open(os.path.join(work, "numerics.txt")) as f:
        print("Numerics (QDQ runs against quantize_qdq.py's reference, own "
              "quantization against the fp32 model):\n")
        for line in f:
            print("    " + line.rstrip())


if __name__ == "__main__":
    main()
