"""Independent set, vertex cover and clique: hopopt against networkx, dimod + dwave-samplers and the MILP optimum.

Two tables:

1. Maximum independent set on the DIMACS graphs (``.col`` files of ``--dimacs-dir`` with at most ``--max-n``
   nodes): hopopt's default solver (``hopopt.solve``, annealing) for ``--time-limit`` seconds, the best of
   networkx's solvers (random maximal sets restarted for the same time, the Boppana–Halldórsson
   approximation, and the exact ``max_weight_clique`` of the complement where the graph is small enough; the
   last two take no time limit, their own times are shown), dimod's ``maximum_weight_independent_set`` BQM
   sampled by dwave-samplers' SA for the same time, and the MILP (HiGHS, ``--exact-time-limit`` seconds) with
   its proof or bound. Gaps are ``(optimum − found) / optimum`` in % where HiGHS proved the optimum.
2. The encoder target: for each kind, ``--random-seeds`` random instances with 30–60 nodes (one binary
   variable each; n = 30 + round(30·s/(seeds−1)) for seed s), G(n, p) with p 0.2 for the independent set and
   the cover and 0.7 for the clique (whose complement then has density 0.3), unit and integer 1..10 node
   weights: in how many of them ``hopopt.solve(problem, time_limit=1)`` reaches the optimum the MILP proves.

Usage::

    python benchmarks/independent_set.py [--dimacs-dir ../shared/instances/dimacs] [--max-n 500]
        [--time-limit 10] [--exact-time-limit 60] [--seed 0] [--random-seeds 20] [--random-time-limit 1]
        [--skip-dimacs] [--skip-random] [--json rows.json]
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import time

import numba
import numpy as np

import hopopt
from hopopt.bench.runners import get_solver, missing_requirements
from hopopt.kinds import KINDS, Budget
from hopopt.solvers import warm_up

HERE = pathlib.Path(__file__).resolve().parent
NETWORKX_PEERS = ("networkx-maximal-restarts", "networkx-approx-mis", "networkx-max-weight-clique")
RANDOM_P = {"mis": 0.2, "vertexcover": 0.2, "clique": 0.7}


def run_peer(kind, name, problem, budget):
    """(objective or None, seconds, note) of one peer run; a skipped or failed peer says why."""
    spec = get_solver(kind, name)
    missing = missing_requirements(spec)
    if missing:
        return None, None, missing
    if spec.max_n is not None and problem.n > spec.max_n:
        return None, None, f"skipped (n > {spec.max_n}, no time limit)"
    started = time.perf_counter()
    try:
        outcome = spec.run(problem, budget)
    except Exception as error:  # noqa: BLE001 - a failing peer is a result to report
        return None, time.perf_counter() - started, f"failed: {error}"
    seconds = time.perf_counter() - started
    if outcome.solution is None:
        return None, seconds, "no feasible read"
    evaluation = problem.evaluate(np.asarray(outcome.solution))
    assert evaluation.feasible, (name, evaluation.violations)
    return evaluation.objective, seconds, ""


def gap(found, optimum):
    if found is None or optimum is None:
        return "—"
    return f"{100 * (optimum - found) / optimum:.1f}"


def dimacs_table(args):
    files = sorted(pathlib.Path(args.dimacs_dir).glob("*.col"))
    kind = KINDS["mis"]
    rows = []
    print(f"\n### Maximum independent set, DIMACS graphs ≤ {args.max_n} nodes, {args.time_limit:g} s per run, "
          f"seed {args.seed}\n")
    print("| graph | n | edges | hopopt anneal | networkx best (solver) | networkx times (s) | dimod + dwave SA | "
          f"MILP ({args.exact_time_limit:g} s) | gap hopopt % | gap networkx % | gap dwave % |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for path in files:
        problem = kind.read(path)
        if problem.n > args.max_n:
            continue
        budget = Budget(time_limit=args.time_limit, seed=args.seed)
        started = time.perf_counter()
        answer = hopopt.solve(problem, time_limit=args.time_limit, rng=args.seed)
        hopopt_seconds = time.perf_counter() - started
        assert answer.feasible
        peers = {name: run_peer("mis", name, problem, budget) for name in NETWORKX_PEERS}
        found = {name: value for name, (value, _, _) in peers.items() if value is not None}
        best_name = max(found, key=found.get) if found else None
        dimod_value, dimod_seconds, dimod_note = run_peer("mis", "dimod-mwis-dwave-sa", problem, budget)
        exact = hopopt.solve_exact(problem, time_limit=args.exact_time_limit)
        optimum = exact.objective if exact.optimal else None
        exact_text = (f"{exact.objective:g} (optimal, {exact.time_s:.1f} s)" if exact.optimal
                      else f"{exact.objective:g} ≤ opt ≤ {exact.bound:g}")
        times = ", ".join(f"{name.removeprefix('networkx-')} {seconds:.1f}" if seconds is not None
                          else f"{name.removeprefix('networkx-')} {note}"
                          for name, (_, seconds, note) in peers.items())
        best_value = found.get(best_name)
        print(f"| {path.stem} | {problem.n} | {len(problem.edges)} | {answer.objective:g} | "
              f"{best_value:g} ({best_name.removeprefix('networkx-')}) | {times} | "
              f"{'—' if dimod_value is None else f'{dimod_value:g}'} | {exact_text} | "
              f"{gap(answer.objective, optimum)} | {gap(best_value, optimum)} | {gap(dimod_value, optimum)} |",
              flush=True)
        rows.append({"graph": path.stem, "n": problem.n, "edges": len(problem.edges), "hopopt": answer.objective,
                     "hopopt_s": hopopt_seconds, "networkx": {name: list(value) for name, value in peers.items()},
                     "dimod": [dimod_value, dimod_seconds, dimod_note], "exact": exact.objective,
                     "optimal": exact.optimal, "bound": exact.bound, "exact_s": exact.time_s})
    return rows


def random_table(args):
    rows = []
    seeds = range(args.random_seeds)
    print(f"\n### Encoder target: random instances with 30–60 binary variables, {args.random_seeds} seeds, "
          f"hopopt.solve(problem, time_limit={args.random_time_limit:g})\n")
    print("| kind | p | weights | optimum found | of | mean time (s) | worst gap % |")
    print("|---|---|---|---|---|---|---|")
    for name in ("mis", "vertexcover", "clique"):
        for weighted in (0, 1):
            hits, seconds, worst = 0, [], 0.0
            for seed in seeds:
                n = 30 + round(30 * seed / max(len(seeds) - 1, 1))
                problem = KINDS[name].random(n, seed, p=RANDOM_P[name], weighted=weighted)
                exact = hopopt.solve_exact(problem, time_limit=60)
                assert exact.optimal, (name, seed)
                started = time.perf_counter()
                answer = hopopt.solve(problem, time_limit=args.random_time_limit, rng=seed)
                seconds.append(time.perf_counter() - started)
                hit = answer.feasible and answer.objective == exact.objective
                hits += hit
                worst = max(worst, abs(exact.objective - answer.objective) / exact.objective * 100)
                rows.append({"kind": name, "weighted": weighted, "seed": seed, "n": n, "optimum": exact.objective,
                             "found": answer.objective, "hit": bool(hit), "time_s": seconds[-1]})
            print(f"| {name} | {RANDOM_P[name]} | {'1..10' if weighted else 'unit'} | {hits} | {len(seeds)} | "
                  f"{np.mean(seconds):.2f} | {worst:.1f} |", flush=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dimacs-dir", default=str(HERE.parent.parent / "shared" / "instances" / "dimacs"))
    parser.add_argument("--max-n", type=int, default=500)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--exact-time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--random-seeds", type=int, default=20)
    parser.add_argument("--random-time-limit", type=float, default=1.0)
    parser.add_argument("--skip-dimacs", action="store_true")
    parser.add_argument("--skip-random", action="store_true")
    parser.add_argument("--json", help="also write the raw rows to this file")
    args = parser.parse_args()
    warm_up()
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"{numba.get_num_threads()} numba threads")
    result = {}
    if not args.skip_dimacs:
        result["dimacs"] = dimacs_table(args)
    if not args.skip_random:
        result["random"] = random_table(args)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(result, indent=1, default=float))


if __name__ == "__main__":
    main()
