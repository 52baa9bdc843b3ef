"""N-queens and 9×9 sudokus: how often annealing solves them, how fast, and how long the exact 0/1 program takes.

Instances: N-queens with n = 8, 10, 20 (one board per n; the seed changes the anneal); "easy" sudokus
``random:n=9,givens=40`` with puzzle seeds 1-5 (random valid grids with 41 cells blanked, usually several
solutions); "hard" sudokus: five known minimal puzzles with a unique solution (two of 17 givens, Inkala's
2012 puzzle, Easter Monster, AI Escargot; each checked to have exactly one solution by backtracking).

Three tables:

1. ``hopopt.solve(problem, time_limit=T, rng=seed)`` as a user calls it (one-hot moves, the annealer's generic
   β range; the anneal fills T whatever happens): the fraction of runs that end valid (0 clashes).
2. Time to solution: ``hopopt.anneal`` on the same model, complete anneals of 100, 200, 400, ... sweeps until
   one reaches the documented ground energy 0, capped at ``--cap`` seconds, with the generic β range and with
   :func:`hopopt.problems.puzzles.puzzle_beta_range`: fraction solved and the median seconds of the solved runs.
3. ``hopopt.solve_exact`` (HiGHS) seconds per instance and whether it proved the optimum.

Usage::

    python benchmarks/puzzles.py [--time-limits 0.5,2] [--cap 10] [--seeds 0,1,2,3,4] [--json rows.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time

import numba
import numpy as np

import hopopt
from hopopt.problems.puzzles import NQueens, Sudoku, puzzle_beta_range
from hopopt.solvers import anneal

HARD = {
    "17-clue (Royle #1)": "000000010400000000020000000000050407008000300001090000300400200050100000000806000",
    "17-clue (b)": "000000010400000000020000000000050604008000300001090000300400200050100000000807000",
    "Inkala 2012": "800000000003600000070090200050007000000045700000100030001000068008500010090000400",
    "Easter Monster": "1.......2.9.4...5...6...7...5.9.3.......7.......85..4.7.....6...3...9.8...2.....1",
    "AI Escargot": "1....7.9..3..2...8..96..5....53..9...1..8...26....4...3......1..4......7..7...3..",
}


def instance_sets(seeds):
    """(set name, [(label, problem, solver seed)]) for every set of the module docstring."""
    sets = []
    for n in (8, 10, 20):
        sets.append((f"queens n={n}", [(f"seed {s}", NQueens(n), s) for s in seeds]))
    sets.append(("sudoku easy (40 givens)", [(f"puzzle {p}", Sudoku.random(9, 40, rng=p), 0)
                                             for p in range(1, 6)]))
    sets.append(("sudoku hard (17-23 givens)", [(name, Sudoku.from_string(text, name=name), 0)
                                                for name, text in HARD.items()]))
    return sets


def time_to_solution(problem, seed, cap, beta_range):
    """Seconds until an anneal reaches energy 0 (None if not within ``cap``): complete anneals of 100, 200,
    400, ... sweeps (at most 100 000), each from fresh random starts, until one ends at the ground energy.

    Complete schedules, not one schedule stretched to ``cap``: a stretched schedule reaches its cold end, where
    the solution appears, only when the time is spent.
    """
    model = problem.to_model()
    ground = model.metadata["ground_energy"]
    started = time.perf_counter()
    sweeps = 100
    for child in np.random.default_rng(seed).spawn(64):
        remaining = cap - (time.perf_counter() - started)
        if remaining <= 0:
            return None
        result = anneal(model, n_sweeps=sweeps, beta_range=beta_range, time_limit=remaining, rng=child)
        if result.best_energy <= ground + 1e-9:
            assert problem.evaluate(problem.decode(result.best_state)).objective == 0
            return time.perf_counter() - started
        sweeps = min(2 * sweeps, 100_000)
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limits", default="0.5,2")
    parser.add_argument("--cap", type=float, default=10.0)
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--exact-time-limit", type=float, default=120.0)
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    limits = [float(v) for v in args.time_limits.split(",")]
    seeds = [int(v) for v in args.seeds.split(",")]
    print(f"# {platform.node()} {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"numba threads {numba.config.NUMBA_NUM_THREADS}")
    hopopt.solve(NQueens(6), time_limit=0.2, rng=0)  # compile the one-hot kernels before timing
    hopopt.solve(Sudoku.random(4, rng=0), time_limit=0.2, rng=0)
    rows = []
    sets = instance_sets(seeds)

    print("\n## hopopt.solve(problem, time_limit=T): fraction of runs valid (0 clashes)\n")
    print("| instances | " + " | ".join(f"T = {t:g} s" for t in limits) + " | mean wall s at the largest T |")
    print("|---|" + "---|" * (len(limits) + 1))
    for name, members in sets:
        cells, walls = [], []
        for limit in limits:
            valid = 0
            for label, problem, seed in members:
                started = time.perf_counter()
                answer = hopopt.solve(problem, time_limit=limit, rng=seed)
                wall = time.perf_counter() - started
                valid += answer.objective == 0
                rows.append({"table": "solve", "set": name, "instance": label, "time_limit": limit,
                             "objective": answer.objective, "wall_s": wall})
                if limit == limits[-1]:
                    walls.append(wall)
            cells.append(f"{valid}/{len(members)}")
        print(f"| {name} | " + " | ".join(cells) + f" | {statistics.mean(walls):.2f} |", flush=True)

    print(f"\n## time to solution: anneals of 100, 200, 400, ... sweeps until energy 0, capped at {args.cap:g} s\n")
    print("| instances | generic β range: solved | median s | puzzle_beta_range: solved | median s |")
    print("|---|---|---|---|---|")
    for name, members in sets:
        cells = []
        for label_range, chosen in (("generic", None), ("puzzle", "puzzle")):
            times = []
            for label, problem, seed in members:
                beta_range = puzzle_beta_range(problem) if chosen else None
                seconds = time_to_solution(problem, seed, args.cap, beta_range)
                rows.append({"table": "time_to_solution", "set": name, "instance": label, "range": label_range,
                             "seconds": seconds})
                if seconds is not None:
                    times.append(seconds)
            median = f"{statistics.median(times):.2f}" if times else "-"
            cells += [f"{len(times)}/{len(members)}", median]
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)

    print(f"\n## exact 0/1 program (HiGHS), limit {args.exact_time_limit:g} s\n")
    print("| instance | givens | objective | optimal | seconds |")
    print("|---|---|---|---|---|")
    seen = set()
    for name, members in sets:
        for label, problem, _ in members:
            key = problem.name if isinstance(problem, Sudoku) else f"queens {problem.n}"
            if key in seen:
                continue
            seen.add(key)
            answer = hopopt.solve_exact(problem, time_limit=args.exact_time_limit)
            givens = int((problem.givens > 0).sum()) if isinstance(problem, Sudoku) else "-"
            rows.append({"table": "exact", "instance": key, "objective": answer.objective,
                         "optimal": answer.optimal, "seconds": answer.time_s})
            print(f"| {key} | {givens} | {answer.objective:g} | {answer.optimal} | {answer.time_s:.2f} |",
                  flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(rows, handle, indent=1, default=float)


if __name__ == "__main__":
    main()
