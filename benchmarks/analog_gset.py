"""Analog solvers (simulated bifurcation bSB/dSB, chaotic amplitude control) against hopopt's annealer.

Two measurements, both taken in this run on this machine, every solver on the same seeds, the order of the
solvers rotated from seed to seed so that drifts in machine speed hit all alike:

1. Gset max-cut within a fixed wall time: the best cut of each solver per seed, the number of seeds that reach
   the best-known cut, and the time at which they reached it (each solver stops at the best-known cut, its
   target energy). Defaults: the issue's test set, G14 and G22 at 10 s and G55 at 30 s (target 10294, the
   2013 best-known value the issue names).
2. Sherrington–Kirkpatrick (±1 couplings, dense) time to target: the target is the lowest energy found by a
   reference run (hopopt.anneal given ``--reference-time`` seconds, and every solver's runs); each solver runs
   with that target energy and a time limit, and the success count and the median time to target are reported.

Usage::

    python benchmarks/analog_gset.py [--quick] [--instances G14,G22,G55] [--limits G55=30] [--time-limit 10]
                                     [--seeds 5] [--solvers dsb,bsb,cac,anneal] [--sk 256] [--sk-seeds 5]
                                     [--data-dir ../shared/instances] [--json results.json]

``--quick`` runs G1 and G43 (development set) for 2 s, 2 seeds, and SK n = 128 for 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

import numba
import numpy as np

import hopopt
from hopopt import datasets, io
from hopopt.solvers import anneal
from hopopt.solvers.amplitude import amplitude_control
from hopopt.solvers.bifurcation import _warm_up_analog, bifurcate

SOLVERS = {
    "dsb": lambda model, **options: bifurcate(model, variant="discrete", **options),
    "bsb": lambda model, **options: bifurcate(model, variant="ballistic", **options),
    "cac": amplitude_control,
    "anneal": anneal,
}
# The issue's targets: G55's is the 2013 best-known cut, not the later 10299.
TARGETS = {"G55": 10294}


def load(name, data_dir):
    graph = io.read_gset(datasets.find_instance(name, data_dir))
    return hopopt.MaxCut(graph.n, graph.edges, graph.weights, name=name).to_model()


def sherrington_kirkpatrick(n, seed):
    """±1 couplings on every pair, from a fixed seed (the development instances use seeds 1000 + n)."""
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.choice([-1.0, 1.0], size=(n, n)), 1)
    return hopopt.EnergyModel(upper + upper.T)


def rotated(names, index):
    shift = index % len(names)
    return names[shift:] + names[:shift]


def gset(names, limits, seeds, solvers, data_dir):
    rows = []
    for name in names:
        model = load(name, data_dir)
        target = TARGETS.get(name, datasets.lookup(name).optimum)
        limit = limits[name]
        runs = {solver: [] for solver in solvers}
        for seed in range(seeds):
            for solver in rotated(solvers, seed):
                result = SOLVERS[solver](model, time_limit=limit, rng=seed, target_energy=-target)
                cut = -result.best_energy
                runs[solver].append({"cut": cut, "time_s": result.time_s, "hit": cut >= target})
                print(json.dumps({"instance": name, "solver": solver, "seed": seed, "cut": cut,
                                  "time_s": round(result.time_s, 3)}), file=sys.stderr, flush=True)
        for solver in solvers:
            hits = [run for run in runs[solver] if run["hit"]]
            rows.append({"instance": name, "n": model.n, "target": target, "time_limit": limit, "solver": solver,
                         "hits": len(hits), "seeds": seeds, "cuts": [run["cut"] for run in runs[solver]],
                         "best": max(run["cut"] for run in runs[solver]),
                         "median_time_to_target": float(np.median([run["time_s"] for run in hits])) if hits else None})
    return rows


def sk_time_to_target(sizes, instances, limit, reference_time, solvers):
    rows = []
    for n in sizes:
        for instance in range(instances):
            model = sherrington_kirkpatrick(n, 5000 + 100 * n + instance)  # not the development seeds (1000 + n)
            reference = anneal(model, time_limit=reference_time, rng=12345).best_energy
            results = {}
            for solver in rotated(solvers, instance):
                results[solver] = SOLVERS[solver](model, time_limit=limit, rng=instance, target_energy=reference)
            target = min([reference] + [result.best_energy for result in results.values()])
            for solver in solvers:
                result = results[solver]
                hit = result.best_energy <= target
                rows.append({"n": n, "instance": instance, "solver": solver, "target": target,
                             "energy": result.best_energy, "hit": bool(hit),
                             "time_s": result.time_s if hit else None})
                print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    return rows


def markdown(gset_rows, sk_rows, args):
    lines = [f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, numba threads "
             f"{numba.config.NUMBA_NUM_THREADS}, Python {platform.python_version()}, hopopt {hopopt.__version__}", ""]
    if gset_rows:
        lines += ["Gset max-cut, default options, each run stops at the target cut (best cuts over the seeds, "
                  "seeds reaching the target, median time to it among those):", "",
                  "| instance | n | target | limit (s) | solver | best cut | runs at target "
                  "| median time to target (s) | cuts |", "|---|---|---|---|---|---|---|---|---|"]
        for row in gset_rows:
            median = "" if row["median_time_to_target"] is None else f"{row['median_time_to_target']:.2f}"
            lines.append(f"| {row['instance']} | {row['n']} | {row['target']:g} | {row['time_limit']:g} | "
                         f"{row['solver']} | {row['best']:g} | {row['hits']}/{row['seeds']} | {median} | "
                         f"{', '.join(f'{cut:g}' for cut in row['cuts'])} |")
        lines.append("")
    if sk_rows:
        lines += [f"SK (±1, dense) time to target within {args.sk_time_limit:g} s, target = lowest energy of a "
                  f"{args.sk_reference_time:g} s anneal and every run:", "",
                  "| n | solver | runs at target | median time to target (s) |", "|---|---|---|---|"]
        for n in sorted({row["n"] for row in sk_rows}):
            for solver in args.solvers:
                runs = [row for row in sk_rows if row["n"] == n and row["solver"] == solver]
                times = [row["time_s"] for row in runs if row["hit"]]
                median = f"{np.median(times):.3f}" if times else ""
                lines.append(f"| {n} | {solver} | {len(times)}/{len(runs)} | {median} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="G1, G43 at 2 s, 2 seeds; SK n = 128 at 2 s")
    parser.add_argument("--instances", default="G14,G22,G55")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--limits", default="G55=30", help="per-instance limits, NAME=S[,NAME=S]")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--solvers", default="dsb,bsb,cac,anneal")
    parser.add_argument("--sk", default="256", help="SK sizes, comma-separated (empty: none)")
    parser.add_argument("--sk-instances", type=int, default=5)
    parser.add_argument("--sk-time-limit", type=float, default=5.0)
    parser.add_argument("--sk-reference-time", type=float, default=10.0)
    parser.add_argument("--data-dir", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared",
                                                           "instances"))
    parser.add_argument("--json", help="write the rows to this file")
    args = parser.parse_args(argv)
    if args.quick:
        args.instances, args.time_limit, args.limits, args.seeds = "G1,G43", 2.0, "", 2
        args.sk, args.sk_instances, args.sk_time_limit, args.sk_reference_time = "128", 2, 2.0, 2.0
    args.solvers = [name for name in args.solvers.split(",") if name]
    unknown = set(args.solvers) - set(SOLVERS)
    if unknown:
        parser.error(f"unknown solvers {sorted(unknown)}; choose from {sorted(SOLVERS)}")
    names = [name for name in args.instances.split(",") if name]
    limits = {name: args.time_limit for name in names}
    for item in filter(None, args.limits.split(",")):
        name, value = item.split("=")
        if name in limits:
            limits[name] = float(value)
    hopopt.solvers.warm_up()
    _warm_up_analog()
    tic = time.perf_counter()
    gset_rows = gset(names, limits, args.seeds, args.solvers, args.data_dir) if names else []
    sizes = [int(value) for value in args.sk.split(",") if value]
    sk_rows = sk_time_to_target(sizes, args.sk_instances, args.sk_time_limit, args.sk_reference_time,
                                args.solvers) if sizes else []
    print(markdown(gset_rows, sk_rows, args))
    print(f"\n(benchmark wall time {time.perf_counter() - tic:.0f} s)")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"gset": gset_rows, "sk": sk_rows}, handle, indent=1)


if __name__ == "__main__":
    main()
