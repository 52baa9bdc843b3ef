"""The exact solvers' times, gathered from the results of ``hopopt bench`` suite runs.

    python benchmarks/exact_from_suites.py bench-maxcut bench-tsp bench-coloring

Reads ``results.json`` in each folder and prints a markdown table of every ``exact`` run: instance, size,
method, whether it proved optimality within its time limit, the objective and bound, and the wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def exact_rows(folder):
    with open(os.path.join(folder, "results.json"), encoding="utf-8") as handle:
        results = json.load(handle)
    for record in results["records"]:
        if record["solver"] == "exact" and record["status"] == "ok":
            yield record


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", help="output folders of `hopopt bench`")
    args = parser.parse_args(argv)
    print("| problem | instance | n | method | optimal | objective | bound | time limit s | time s |")
    print("|---|---|---:|---|---|---:|---:|---:|---:|")
    for folder in args.folders:
        try:
            rows = list(exact_rows(folder))
        except (OSError, ValueError, KeyError) as error:
            print(f"exact_from_suites: {folder}: {error}", file=sys.stderr)
            return 2
        for record in rows:
            bound = "–" if record.get("bound") is None else f"{record['bound']:g}"
            print(f"| {record['problem']} | {record['instance']} | {record['n']} | {record.get('method', '')} | "
                  f"{'yes' if record.get('optimal') else 'no'} | {record['objective']:g} | {bound} | "
                  f"{record['time_limit']:g} | {record['time_s']:.3g} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
