"""Checks a se-run --profile-json file against the model's cost report.

usage: check_profile.py PROFILE.json STATS.txt --runs N [--images N]
                        [--macs NAME=MACS]

The layers' MACs must add up to the report's total (every convolution and
FC is timed under its own name), the shares to 1, and the time in layers
must not exceed the run's wall-clock time (with several images per run,
the layers' time is per image, which one thread computes within the run).
"""
import argparse
import json
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("profile")
    parser.add_argument("stats")
    parser.add_argument("--runs", type=int, required=True)
    parser.add_argument("--images", type=int, default=1,
                        help="images per run")
    parser.add_argument("--macs", action="append", default=[],
                        help="NAME=MACS: a layer's MACs, counted by hand")
    args = parser.parse_args()
    with open(args.profile) as f:
        profile = json.load(f)
    with open(args.stats) as f:
        total = next(line.split() for line in f if line.startswith("total "))
    # The report's MACs (G) column: 4 decimals.
    report_gmacs = float(total[2])

    errors = []
    layers = profile["layers"]
    if profile["runs"] != args.runs:
        errors.append(f"runs {profile['runs']}, expected {args.runs}")
    if profile["images_per_run"] != args.images:
        errors.append(f"{profile['images_per_run']} images per run, "
                      f"expected {args.images}")
    names = [layer["name"] for layer in layers]
    if len(set(names)) != len(names):
        errors.append("a layer is listed twice")
    if any(layer["ms"] <= 0 for layer in layers):
        errors.append("a layer took no time")
    share = sum(layer["share"] for layer in layers)
    if abs(share - 1) > 1e-9:
        errors.append(f"shares sum to {share}")
    times = [layer["ms"] for layer in layers]
    if times != sorted(times, reverse=True):
        errors.append("layers not sorted by time")
    if profile["layers_ms"] > profile["run_ms"] * 1.001:
        errors.append(f"layers take {profile['layers_ms']} ms of a "
                      f"{profile['run_ms']} ms run")
    gmacs = sum(layer["macs"] for layer in layers) / 1e9
    if abs(gmacs - report_gmacs) > 5e-5:
        errors.append(f"layers have {gmacs:.6f} GMACs, the report "
                      f"{report_gmacs}")
    for expected in args.macs:
        name, macs = expected.split("=")
        found = [layer["macs"] for layer in layers if layer["name"] == name]
        if found != [int(macs)]:
            errors.append(f"layer {name}: MACs {found}, expected {macs}")
    for error in errors:
        print(f"{args.profile}: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
