"""Number partitioning and balanced bisection: hopopt against the proven optimum, the exact methods against each
other, and bisection on Gset graphs against Kernighan–Lin.

Three measurements, all taken in this run on this machine:

1. ``target`` — the encoder target: random instances with 30-60 binary variables (one spin per number / node),
   one per seed, n = 30, 40, 50, 60 in turn; the optimum proved by the kind's exact method
   (``hopopt.solve_exact``) against ``hopopt.solve(problem, time_limit=1)``: in how many of the seeds the
   solve finds it, and whether every answer is feasible after repair. Families: number partitioning with
   ``bits`` = 12 and 20 (below the hard regime: perfect partitions exist), ``bits = n`` at n = 30..34 (the hard
   regime; energies beyond 2^53 are rounded, see the encoder) with Karmarkar–Karp's difference beside; balanced
   bisection of G(n, p) with average degree 4 (p = 4/(n − 1)), and of G(30, 0.5) (``--dense-seeds`` of them:
   the MILP takes about a minute each), with Kernighan–Lin (networkx, restarted for the same 1 s) beside.
2. ``exact`` — why the exact method for partitioning tries Karmarkar–Karp, then the dynamic programme, then the
   meet in the middle, then the MILP: each method's time on the same instances (the MILP with a time limit).
3. ``gset`` — bisection of G1, G11 and G14 (800 nodes) at 10 s: hopopt's anneal (the rising penalty),
   networkx Kernighan–Lin restarted for the same time, dwave-samplers SA on hopopt's BQM (automatic penalty),
   and with ``--plain`` hopopt's plain single-flip anneal at the automatic penalty; several seeds.

Usage::

    python benchmarks/partition_bisection.py [--part target|exact|gset|all] [--target-seeds 20]
        [--target-time-limit 1] [--dense-seeds 10] [--gset-seeds 3] [--gset-time-limit 10] [--plain]
        [--json results.json]

The instances come from ``../shared/instances/gset`` (``HOPOPT_DATA`` or ``--data-dir`` to point elsewhere).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import warnings

import numba
import numpy as np

import hopopt
from hopopt.bench.runners import get_solver, missing_requirements
from hopopt.kinds import Budget, get_kind
from hopopt.kinds.partition import exact_partition, karmarkar_karp
from hopopt.problems.bisection import GraphBisection
from hopopt.problems.partition import NumberPartitioning
from hopopt.solvers import warm_up

SIZES = (30, 40, 50, 60)


def _load():
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def _peer(kind, name, problem, budget):
    spec = get_solver(kind, name)
    missing = missing_requirements(spec)
    if missing is not None:
        return None, missing
    outcome = spec.run(problem, budget)
    return (None if outcome.solution is None else problem.evaluate(outcome.solution)), outcome.extra


def target(seeds, time_limit, dense_seeds):
    families = [
        ("partition bits=12", lambda seed: NumberPartitioning.random(SIZES[seed % 4], 12, rng=seed), "karmarkar-karp"),
        ("partition bits=20", lambda seed: NumberPartitioning.random(SIZES[seed % 4], 20, rng=seed), "karmarkar-karp"),
        ("partition bits=n (hard), n=30..34",
         lambda seed: NumberPartitioning.random(30 + seed % 5, 30 + seed % 5, rng=seed), "karmarkar-karp"),
        ("bisection G(n, 4/(n-1))",
         lambda seed: GraphBisection.random(SIZES[seed % 4], 4 / (SIZES[seed % 4] - 1), rng=seed),
         "networkx-kernighan-lin"),
        ("bisection G(30, 0.5)", lambda seed: GraphBisection.random(30, 0.5, rng=seed), "networkx-kernighan-lin"),
    ]
    rows, summary = [], []
    for family, make, peer in families:
        found = feasible = proved = peer_found = 0
        count = dense_seeds if family == "bisection G(30, 0.5)" else seeds
        for seed in range(count):
            problem = make(seed)
            kind = "partition" if isinstance(problem, NumberPartitioning) else "bisection"
            exact = hopopt.solve_exact(problem, time_limit=300)
            answer = hopopt.solve(problem, time_limit=time_limit, rng=seed)
            evaluation, _ = _peer(kind, peer, problem, Budget(time_limit=time_limit, seed=seed))
            hit = bool(exact.optimal and abs(answer.objective - exact.objective) <= 1e-9)
            peer_hit = bool(exact.optimal and evaluation is not None and evaluation.feasible
                            and abs(evaluation.objective - exact.objective) <= 1e-9)
            found += hit
            peer_found += peer_hit
            feasible += bool(answer.feasible)
            proved += bool(exact.optimal)
            row = {"family": family, "n": problem.n, "seed": seed, "optimum": exact.objective,
                   "optimal": exact.optimal, "exact_method": exact.info["method"], "exact_s": round(exact.time_s, 3),
                   "hopopt": answer.objective, "hopopt_feasible": answer.feasible, "found": hit,
                   peer: None if evaluation is None else evaluation.objective, f"{peer} found": peer_hit}
            rows.append(row)
            print(json.dumps(row, default=float), flush=True)
        line = (f"{family}: proved {proved} of {count}; hopopt.solve(time_limit={time_limit}) found the proven "
                f"optimum in {found} of {count}, feasible in {feasible} of {count}; {peer} found it in "
                f"{peer_found} of {count}")
        summary.append(line)
        print(line, flush=True)
    return rows, summary


def exact_methods():
    """Each exact method's time on the same instances (the MILP limited to 30 s)."""
    cases = [(30, 20), (40, 20), (60, 20), (30, 30), (40, 40)]
    rows = []
    for n, bits in cases:
        for seed in range(2):
            problem = NumberPartitioning.random(n, bits, rng=seed)
            row = {"n": n, "bits": bits, "seed": seed,
                   "karmarkar_karp": problem.difference(karmarkar_karp(problem.numbers))}
            for method in ("auto", "dp", "meet-in-the-middle", "milp"):
                if method == "dp" and bits * 1.0 + np.log2(n) > 30:
                    row[method] = "skipped (bitsets beyond the memory limit)"
                    continue
                if method == "meet-in-the-middle" and n > 44:
                    row[method] = "skipped (n > 44)"
                    continue
                started = time.perf_counter()
                answer = exact_partition(problem, time_limit=30, method=method)
                row[method] = {"difference": problem.difference(answer.solution), "optimal": answer.optimal,
                               "bound": answer.bound, "method": answer.method,
                               "seconds": round(time.perf_counter() - started, 3)}
            rows.append(row)
            print(json.dumps(row, default=float), flush=True)
    return rows


def gset(seeds, time_limit, plain, data_dir):
    kind = get_kind("bisection")
    rows = []
    for name in ("G1", "G11", "G14"):
        problem = kind.read(os.path.join(data_dir, f"{name}.txt"))
        for seed in range(seeds):
            row = {"instance": name, "n": problem.n, "edges": len(problem.edges), "seed": seed,
                   "load_before": _load()}
            started = time.perf_counter()
            answer = hopopt.solve(problem, time_limit=time_limit, rng=seed)
            row["hopopt"] = answer.objective
            row["hopopt_s"] = round(time.perf_counter() - started, 2)
            row["hopopt_feasible"] = answer.feasible
            row["hopopt_penalty"] = answer.info.get("penalty")
            if plain:
                started = time.perf_counter()
                single = hopopt.solve(problem, time_limit=time_limit, rng=seed, moves="single-flip")
                row["plain_anneal"] = single.objective
                row["plain_anneal_s"] = round(time.perf_counter() - started, 2)
            for peer in ("networkx-kernighan-lin", "dwave-sa"):
                started = time.perf_counter()
                evaluation, extra = _peer("bisection", peer, problem, Budget(time_limit=time_limit, seed=seed))
                row[peer] = None if evaluation is None else evaluation.objective
                row[f"{peer}_s"] = round(time.perf_counter() - started, 2)
                row[f"{peer}_feasible"] = None if evaluation is None else evaluation.feasible
                row[f"{peer}_extra"] = extra
            row["load_after"] = _load()
            rows.append(row)
            print(json.dumps(row, default=float), flush=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("target", "exact", "gset", "all"), default="all")
    parser.add_argument("--target-seeds", type=int, default=20)
    parser.add_argument("--target-time-limit", type=float, default=1.0)
    parser.add_argument("--dense-seeds", type=int, default=10, help="seeds of the G(30, 0.5) bisection family "
                        "(its MILP proofs take about a minute each)")
    parser.add_argument("--gset-seeds", type=int, default=3)
    parser.add_argument("--gset-time-limit", type=float, default=10.0)
    parser.add_argument("--plain", action="store_true", help="also the plain anneal at the automatic penalty")
    parser.add_argument("--data-dir", default=os.environ.get("HOPOPT_DATA", os.path.join(
        os.path.dirname(__file__), "..", "..", "shared", "instances")))
    parser.add_argument("--json", help="write the rows to this file")
    args = parser.parse_args()
    # the hard family's energies exceed 2^53 on purpose; the encoder's warning says so once per model
    warnings.filterwarnings("ignore", message=".*beyond float64's exact integers.*")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, numba threads "
          f"{numba.config.NUMBA_NUM_THREADS}, load {_load()}", flush=True)
    warm_up()
    results = {}
    if args.part in ("target", "all"):
        results["target"], results["target_summary"] = target(args.target_seeds, args.target_time_limit,
                                                              args.dense_seeds)
    if args.part in ("exact", "all"):
        results["exact"] = exact_methods()
    if args.part in ("gset", "all"):
        results["gset"] = gset(args.gset_seeds, args.gset_time_limit, args.plain,
                               os.path.join(args.data_dir, "gset"))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=1, default=float)


if __name__ == "__main__":
    main()
