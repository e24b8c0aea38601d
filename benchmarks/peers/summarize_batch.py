#!/usr/bin/env python3
"""Summarizes run-batch.sh's rounds as a markdown report on stdout.

  summarize_batch.py WORKDIR NET,NET,... BATCH

Throughputs are images per second from the median over rounds of the
per-round median times; every ratio is taken within a round, then its
median over rounds is reported with the range over rounds in brackets.
"""
import os
import sys

from summarize_cpu import read_rounds, over_rounds  # noqa: E402
from summarize_networks import LABELS, isa, ratio_text  # noqa: E402
from summarize_se_fusion import machine  # noqa: E402


def main():
    work, nets, batch = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])
    rounds = read_rounds(work)
    if not rounds:
        sys.exit("summarize_batch: no rounds in " + work)
    images = {"se-mlir-b1": 1, "se-mlir-images": batch,
              "se-mlir-layers": batch, "ort-b1": 1, "ort-batch": batch}

    def per_second(tool, net, threads):
        ms = over_rounds(rounds, (tool, net, threads))
        return f"{images[tool] * 1000.0 / ms:.1f}" if ms else "-"

    def speedup(num, den):
        # Images per second of `num` over those of `den`, per round.
        return [images[num[0]] / r[num]["median_ms"] /
                (images[den[0]] / r[den]["median_ms"])
                for r in rounds if num in r and den in r]

    print(f"# Throughput at batch {batch} (issue #19)\n")
    print(f"Machine: {machine()}; ISA: {isa()}. {len(rounds)} interleaved "
          "rounds; images per second from the median over rounds of the "
          "per-round median times; ratios of images per second taken per "
          "round, median [range] over rounds. se-mlir any batch: the ONNX "
          "file's symbolic batch kept (se-compile --threads=2), run by "
          f"`se-run --batch N`; at batch {batch} on 2 threads it runs one "
          "image per thread (images spread). se-mlir layers: the same file "
          f"compiled with --batch={batch}, each layer split over the "
          "threads. ONNX Runtime 1.30 (onnxruntime-node, CPU, intra-op "
          "threads) on the same file. Threads bound one per core "
          "(OMP_PROC_BIND=spread, OMP_PLACES=cores).\n")
    with open(os.path.join(work, "numerics.txt")) as f:
        print("Numerics: " + "; ".join(line.strip() for line in f) + "\n")
    print(f"| network | se-mlir b1, 1 thread | se-mlir b1, 2 threads "
          f"| se-mlir b{batch}, 2 threads (images) "
          f"| se-mlir b{batch}, 2 threads (layers) | ORT b1, 1 thread "
          f"| ORT b{batch}, 2 threads | images / b1 1 thread "
          f"| images / layers | images / ORT b{batch} |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for net in nets:
        cells = [per_second("se-mlir-b1", net, 1),
                 per_second("se-mlir-b1", net, 2),
                 per_second("se-mlir-images", net, 2),
                 per_second("se-mlir-layers", net, 2),
                 per_second("ort-b1", net, 1),
                 per_second("ort-batch", net, 2)]
        spread = ("se-mlir-images", net, 2)
        cells += [ratio_text(speedup(spread, ("se-mlir-b1", net, 1))),
                  ratio_text(speedup(spread, ("se-mlir-layers", net, 2))),
                  ratio_text(speedup(spread, ("ort-batch", net, 2)))]
        print(f"| {LABELS.get(net, net)} | " + " | ".join(cells) + " |")
    print("\nImages per second; ratios above 1: the images-spread run "
          "does more images per second.")


if __name__ == "__main__":
    main()
