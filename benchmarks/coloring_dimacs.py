"""Fewest colours on the DIMACS coloring graphs: DSATUR, then one colour fewer at a time at fixed k.

For every catalogue coloring instance (files read from the data directory, e.g. ``../shared/instances``):
the DSATUR colour count, the count :func:`hopopt.workflows.coloring.fewest_colors` reaches within
``--time-limit`` seconds (with each of ``--seeds``), the chromatic number χ from the catalogue, the time at
which the final coloring was found and the total time (a run ends early only when it reaches the clique bound;
otherwise it spends the whole limit trying one colour fewer). ``--moves`` picks the search at fixed k:
``auto`` (default: one-hot annealing and a ladder of Metropolis chains with conflict-directed recolourings
take turns), ``conflicts`` (the ladder alone), ``one-hot`` (annealing alone, the search before issue 11) or
``single-flip``. A second table runs the same search with single-flip penalty
annealing (the pure Hopfield network) on a few instances, for the record.

Usage::

    python benchmarks/coloring_dimacs.py [--instances anna,le450_5a,...] [--time-limit 10] [--seeds 0,1,2]
                                         [--moves auto|conflicts|one-hot|single-flip] [--quick]
                                         [--single-flip queen6_6,le450_5a] [--data-dir ../shared/instances]
                                         [--json rows.json]

``--quick``: every instance once (seed 0) with 10 s, no single-flip table: about a minute.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics

import numba

from hopopt import datasets, io
from hopopt.problems.coloring import GraphColoring
from hopopt.workflows.coloring import MOVES, fewest_colors


def load(name, data_dir):
    path = datasets.find_instance(name, data_dir)
    return GraphColoring.from_edgelist(io.read_dimacs(path), colors=1, name=name)


def run(problem, time_limit, seed, moves):
    coloring, k, history = fewest_colors(problem, time_limit=time_limit, rng=seed, moves=moves)
    evaluation = problem.evaluate(coloring)
    assert evaluation.feasible and evaluation.objective == k, evaluation.violations
    found_at = max(seconds for colours, found, seconds in history if found and colours == k)
    return {"dsatur": history[0][0], "colors": k, "found_s": found_at, "total_s": history[-1][2],
            "history": history}


def spread(values):
    low, high = min(values), max(values)
    return f"{low}" if low == high else f"{low}–{high}"


def main():
    coloring_names = [entry.name for entry in datasets.catalog() if entry.problem == "coloring"]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", default=",".join(coloring_names))
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--seeds", default="0", help="comma-separated seeds; one run per seed and instance")
    parser.add_argument("--moves", default="auto", choices=MOVES, help="the search at fixed k")
    parser.add_argument("--quick", action="store_true", help="seed 0, 10 s, no single-flip table")
    parser.add_argument("--single-flip", default="queen6_6,le450_5a", help="instances for the comparison ('' to skip)")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--json", help="also write the raw rows to this file")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.time_limit, args.single_flip = "0", 10.0, ""
    seeds = [int(seed) for seed in args.seeds.split(",") if seed]
    # one-off compilation of every search's kernels, outside the timings
    for moves in MOVES:
        fewest_colors(GraphColoring(3, [(0, 1), (1, 2)], colors=1), time_limit=None, sweeps=1, rng=0, moves=moves)
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"{numba.get_num_threads()} numba threads; time limit {args.time_limit:g} s; seeds {seeds}; "
          f"moves {args.moves}\n")
    print("| instance | n | edges | DSATUR colours | hopopt colours | χ | target met | found at (s) | total (s) |")
    print("|---|---|---|---|---|---|---|---|---|")
    rows = []
    for name in (name for name in args.instances.split(",") if name):
        problem = load(name, args.data_dir)
        chromatic = int(datasets.lookup(name).optimum)
        runs = [run(problem, args.time_limit, seed, args.moves) for seed in seeds]
        colors = [r["colors"] for r in runs]
        target_text = f"{sum(c <= chromatic for c in colors)}/{len(runs)}"
        print(f"| {name} | {problem.n} | {len(problem.edges)} | {runs[0]['dsatur']} | {spread(colors)} | "
              f"{chromatic} | {target_text} | {statistics.median(r['found_s'] for r in runs):.2f} | "
              f"{statistics.median(r['total_s'] for r in runs):.2f} |", flush=True)
        rows.append({"instance": name, "n": problem.n, "edges": len(problem.edges), "chromatic": chromatic,
                     "moves": args.moves, "runs": runs})
    compare = [name for name in args.single_flip.split(",") if name]
    if compare:
        print(f"\nSingle-flip penalty annealing (the pure Hopfield network) against {args.moves}, same search:\n")
        print(f"| instance | DSATUR | {args.moves} colours | single-flip colours | χ |")
        print("|---|---|---|---|---|")
        for name in compare:
            problem = load(name, args.data_dir)
            chosen = [run(problem, args.time_limit, seed, args.moves) for seed in seeds]
            single = [run(problem, args.time_limit, seed, "single-flip") for seed in seeds]
            print(f"| {name} | {chosen[0]['dsatur']} | {spread([r['colors'] for r in chosen])} | "
                  f"{spread([r['colors'] for r in single])} | {int(datasets.lookup(name).optimum)} |", flush=True)
            rows.append({"instance": name, "moves": "single-flip", "runs": single})
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(rows, handle, indent=1)


if __name__ == "__main__":
    main()
