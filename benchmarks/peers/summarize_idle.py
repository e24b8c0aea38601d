#!/usr/bin/env python3
"""Summarizes run-idle.sh's rounds as a markdown report on stdout.

  summarize_idle.py WORKDIR NET,NET,... PAUSE,PAUSE,...

Times are the median over rounds of each round's median; ratios are taken
within a round, then their median over rounds is reported with the range
over rounds in brackets.
"""
import sys

from summarize_cpu import read_rounds, over_rounds  # noqa: E402
from summarize_networks import isa, ratio_text  # noqa: E402
from summarize_se_fusion import machine  # noqa: E402


def main():
    work, nets = sys.argv[1], sys.argv[2].split(",")
    pauses = sys.argv[3].split(",")
    rounds = read_rounds(work)
    if not rounds:
        sys.exit("summarize_idle: no rounds in " + work)

    def ms(tool, net, threads, pause):
        value = over_rounds(rounds, (f"{tool}@{pause}", net, threads))
        return f"{value:.2f}" if value else "-"

    def ratios(num, den, net, pause):
        a, b = (f"{num[0]}@{pause}", net, num[1]), (f"{den[0]}@{pause}",
                                                     net, den[1])
        return ratio_text([r[a]["median_ms"] / r[b]["median_ms"]
                           for r in rounds if a in r and b in r])

    print("# The first call after an idle period (issue #19)\n")
    print(f"Machine: {machine()}; ISA: {isa()}. {len(rounds)} interleaved "
          "rounds. Each network compiled by `se-compile net.onnx "
          "--emit=shared` (parallel, threads chosen at run time) and timed "
          "by `se-run --pause P`: every timed call comes after P ms of "
          "sleep (0: back to back). Two threads wait as libomp does by "
          "default (idle workers spin for KMP_BLOCKTIME = 200 ms, then "
          "sleep) or spin all the time (KMP_BLOCKTIME=infinite). Times: ms, "
          "median over rounds of the per-round medians; ratios per round, "
          "median [range] over rounds.\n")
    print("| network | idle ms | 1 thread | 2 threads, default wait "
          "| 2 threads, spinning | default / spinning | default / 1 thread |")
    print("|---|---|---|---|---|---|---|")
    for net in nets:
        for pause in pauses:
            print(f"| {net} | {pause} | {ms('one', net, 1, pause)} "
                  f"| {ms('sleep', net, 2, pause)} "
                  f"| {ms('spin', net, 2, pause)} "
                  f"| {ratios(('sleep', 2), ('spin', 2), net, pause)} "
                  f"| {ratios(('sleep', 2), ('one', 1), net, pause)} |")


if __name__ == "__main__":
    main()
