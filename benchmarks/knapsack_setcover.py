"""Knapsack and set cover: hopopt's default solver against the exact optimum and the peers, in the same run.

Usage::

    python benchmarks/knapsack_setcover.py [--parts knapsack,setcover,encoders] [--seeds 5] [--time-limit 10]
                                           [--n 200] [--encoder-seeds 20] [--encoder-time-limit 1]

Parts
    ``knapsack``: Pisinger's uncorrelated (class 1) and strongly correlated (class 3) instances, n items, R = 1000,
    capacity half the total weight; for each seed the exact optimum (the dynamic program), ``hopopt.solve`` at
    ``--time-limit`` seconds (the kind's default: anneal with repair and polish) and the peers with the same
    seconds (dimod's knapsack CQM → ``cqm_to_bqm`` → dwave-samplers SA; the greedy value/weight baseline).
    ``setcover``: random instances with n sets, n/2 elements, density 0.1, costs 1..100; the MILP (60 s, its
    optimum or bound), ``hopopt.solve`` and Chvátal's greedy baseline.
    ``encoders``: random instances with 30–60 binaries in the energy (slack binaries included), one row per
    family, ``--encoder-seeds`` seeds: is the proved optimum found by ``hopopt.solve(problem, time_limit=1)``?

Gaps are in % of the optimum (or of the MILP's bound where it was not proved), positive = worse. Prints markdown.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import hopopt
from hopopt.kinds import KINDS, Budget
from hopopt.problems import Knapsack, SetCover


def gap(problem, objective, reference):
    if objective is None:
        return None
    return 100.0 * ((reference - objective) if problem.sense == "max" else (objective - reference)) / abs(reference)


def run_peer(kind, name, problem, budget):
    started = time.perf_counter()
    outcome = KINDS[kind].peers[name].run(problem, budget)
    seconds = time.perf_counter() - started
    if outcome.solution is None:
        return None, False, seconds
    evaluation = problem.evaluate(outcome.solution)
    return float(evaluation.objective), bool(evaluation.feasible), seconds


def fmt(value, digits=2):
    return "–" if value is None else f"{value:.{digits}f}"


def compare(kind, problems, time_limit, exact_limit):
    """One row per instance: the reference, then (objective, gap) for hopopt and every peer."""
    peers = list(KINDS[kind].peers)
    print(f"\n| instance | reference | hopopt gap % (s) | " + " | ".join(f"{p} gap % (s)" for p in peers) + " |")
    print("|---|---|---|" + "---|" * len(peers))
    gaps = {name: [] for name in ["hopopt"] + peers}
    for label, problem, seed in problems:
        exact = hopopt.solve_exact(problem, time_limit=exact_limit)
        reference = exact.objective if exact.optimal else exact.bound
        tag = "opt" if exact.optimal else "bound"
        found = hopopt.solve(problem, time_limit=time_limit, rng=seed)
        cells = [f"{fmt(gap(problem, found.objective, reference), 3)} ({found.time_s:.1f})"
                 + ("" if found.feasible else " infeasible")]
        gaps["hopopt"].append(gap(problem, found.objective, reference) if found.feasible else None)
        for name in peers:
            objective, feasible, seconds = run_peer(kind, name, problem, Budget(time_limit=time_limit, seed=seed))
            value = gap(problem, objective, reference) if feasible else None
            gaps[name].append(value)
            cells.append(f"{fmt(value, 3)} ({seconds:.1f})" + ("" if feasible else " no feasible read"))
        print(f"| {label} | {reference:g} ({tag}, {exact.info['method']} {exact.time_s:.1f} s) | "
              + " | ".join(cells) + " |", flush=True)
    summary = []
    for name, values in gaps.items():
        kept = [v for v in values if v is not None]
        summary.append(f"{name}: median {fmt(statistics.median(kept), 3) if kept else '–'} %, worst "
                       f"{fmt(max(kept), 3) if kept else '–'} %, feasible {len(kept)}/{len(values)}")
    print("\n" + "; ".join(summary))


def encoders(seeds, time_limit):
    families = [
        ("knapsack uncorrelated, 25 items, R = 1000", lambda s: Knapsack.random(25, "uncorrelated", rng=s)),
        ("knapsack strongly correlated, 25 items, R = 1000", lambda s: Knapsack.random(25, "strongly", rng=s)),
        ("set cover, 20 sets, 10 elements, density 0.25", lambda s: SetCover.random(20, 0.25, rng=s)),
    ]
    print("\n| family | binaries | proved optimal | optimum found | feasible | median s |")
    print("|---|---|---|---|---|---|")
    for label, make in families:
        sizes, proved, hits, feasible, seconds = [], 0, 0, 0, []
        for seed in range(seeds):
            problem = make(seed)
            sizes.append(problem.n_variables)
            exact = hopopt.solve_exact(problem, time_limit=60)
            found = hopopt.solve(problem, time_limit=time_limit, rng=seed)
            proved += bool(exact.optimal)
            feasible += bool(found.feasible)
            hits += bool(exact.optimal and found.feasible and abs(found.objective - exact.objective) <= 1e-9 *
                         max(1.0, abs(exact.objective)))
            seconds.append(found.time_s)
        print(f"| {label} | {min(sizes)}–{max(sizes)} | {proved}/{seeds} | {hits}/{seeds} | {feasible}/{seeds} | "
              f"{statistics.median(seconds):.2f} |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="knapsack,setcover,encoders")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--encoder-seeds", type=int, default=20)
    parser.add_argument("--encoder-time-limit", type=float, default=1.0)
    args = parser.parse_args()
    parts = args.parts.split(",")
    hopopt.solve(Knapsack.random(10, rng=0), time_limit=0.2)  # one-off JIT compilation outside the figures
    if "knapsack" in parts:
        for kind in ("uncorrelated", "strongly"):
            print(f"\n### knapsack, {kind}, n = {args.n}, {args.time_limit:g} s")
            compare("knapsack", [(f"{kind} seed {seed}", Knapsack.random(args.n, kind, rng=seed), seed)
                                 for seed in range(args.seeds)], args.time_limit, 60)
    if "setcover" in parts:
        print(f"\n### set cover, n = {args.n} sets, {args.n // 2} elements, density 0.1, {args.time_limit:g} s")
        compare("setcover", [(f"seed {seed}", SetCover.random(args.n, 0.1, rng=seed), seed)
                             for seed in range(args.seeds)], args.time_limit, 60)
    if "encoders" in parts:
        print(f"\n### 30–60 binaries, {args.encoder_seeds} seeds, hopopt.solve(time_limit={args.encoder_time_limit:g})")
        encoders(args.encoder_seeds, args.encoder_time_limit)


if __name__ == "__main__":
    main()
