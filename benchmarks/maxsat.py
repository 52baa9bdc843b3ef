"""MAX-SAT: hopopt's annealer on the Ishikawa/chain reduction against its peers, and against the exact MILP.

Two measurements, both taken in this run on this machine:

1. Planted random 3-SAT (satisfiable, so the optimum is 0 unsatisfied clauses): n = 100 variables, ratio 4.26
   (426 clauses, 526 binary neurons with the auxiliaries), several seeds, the same wall time for every solver:
   hopopt's default solver (``anneal``), dwave-samplers' SimulatedAnnealingSampler on the BQM of the same
   reduction (its sweeps calibrated to fill the time, as in ``hopopt compare``), and PySAT's RC2 (exact,
   stopped at the time limit in a child process). Unsatisfied clauses of each, and of hopopt's answer after
   the greedy one-flip ``MaxSAT.improve`` (not part of ``hopopt.solve``). hopopt's anneal stops as soon as
   it satisfies the formula (the model declares its ground energy), so its time is a time to solution when
   it reaches 0; dwave-samplers fills the time whatever it finds.
2. The encoder target: random instances with 30-60 binary neurons in all (3-SAT with n = 6..11 variables at
   ratio 4.26 and n = 5..8 at ratio 6, and weighted clauses of 1-5 literals over 8 variables), one per seed;
   the optimum proved by the clause MILP (``hopopt.solve_exact``)
   against ``hopopt.solve(problem, time_limit=1)``: in how many of the seeds the annealer finds it.

Usage::

    python benchmarks/maxsat.py [--part planted|target|all] [--seeds 5] [--time-limit 10] [--n 100]
                                [--target-seeds 20] [--json results.json]

Needs the peers extra for the dwave-samplers column and python-sat for RC2 (missing ones are reported).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import numba
import numpy as np

import hopopt
from hopopt.bench.runners import get_solver, missing_requirements
from hopopt.kinds import Budget
from hopopt.problems import MaxSAT
from hopopt.solvers import warm_up


def planted(n, seeds, time_limit, ratio=4.26):
    solvers = ("hopopt-anneal", "dwave-sa", "pysat-rc2")
    rows = []
    for seed in range(seeds):
        problem = MaxSAT.random(n, 3, ratio, planted=True, rng=seed)
        row = {"instance": problem.name, "n": n, "clauses": problem.n_clauses, "neurons": problem.n_variables}
        for name in solvers:
            spec = get_solver("maxsat", name)
            missing = missing_requirements(spec)
            if missing is not None:
                row[name] = None
                row[f"{name} note"] = missing
                continue
            warm_up()
            started = time.perf_counter()
            outcome = spec.run(problem, Budget(time_limit=time_limit, seed=seed))
            row[f"{name} s"] = round(time.perf_counter() - started, 2)
            row[name] = None if outcome.solution is None else int(problem.evaluate(outcome.solution).extra[
                "unsatisfied_clauses"])
            if name == "hopopt-anneal":
                improved = problem.improve(outcome.solution)
                row["hopopt-anneal+improve"] = int(problem.evaluate(improved).extra["unsatisfied_clauses"])
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def mixed(seed):
    """Weighted clauses of 1-5 literals (weights 1-5) over 8 variables, 30-60 neurons in all (the chains of
    4- and 5-literal clauses and the Ishikawa auxiliaries included)."""
    generator = np.random.default_rng(seed)
    while True:
        clauses = []
        for _ in range(int(generator.integers(12, 26))):
            length = int(generator.integers(1, 6))
            variables = generator.choice(8, size=length, replace=False) + 1
            clauses.append(tuple(int(v) for v in variables * generator.choice((-1, 1), size=length)))
        problem = MaxSAT(8, clauses, generator.integers(1, 6, size=len(clauses)),
                         name=f"mixed:n=8,seed={seed}")
        if 30 <= problem.n_variables <= 60:
            return problem


def target(seeds, time_limit):
    families = [("3-SAT ratio 4.26, n = 6..11", lambda seed: MaxSAT.random(6 + seed % 6, 3, 4.26, rng=seed)),
                ("3-SAT ratio 6, n = 5..8", lambda seed: MaxSAT.random(5 + seed % 4, 3, 6.0, rng=seed)),
                ("weighted 1-5 literal clauses, n = 8", mixed)]
    rows = []
    for family, make in families:
        found = 0
        for seed in range(seeds):
            problem = make(seed)
            n = problem.n
            assert 30 <= problem.n_variables <= 60, problem.n_variables
            exact = hopopt.solve_exact(problem)
            answer = hopopt.solve(problem, time_limit=time_limit, rng=seed)
            hit = bool(exact.optimal and answer.objective == exact.objective)
            found += hit
            row = {"family": family, "n": n, "clauses": problem.n_clauses, "neurons": problem.n_variables, "seed": seed,
                   "optimum": exact.objective, "optimal": exact.optimal, "exact_s": round(exact.time_s, 3),
                   "hopopt": answer.objective, "found": hit}
            rows.append(row)
            print(json.dumps(row), flush=True)
        print(f"{family}: hopopt.solve(time_limit={time_limit}) found the proven optimum in {found} of "
              f"{seeds}", flush=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("planted", "target", "all"), default="all")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--target-seeds", type=int, default=20)
    parser.add_argument("--target-time-limit", type=float, default=1.0)
    parser.add_argument("--json", help="write the rows to this file")
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, numba threads "
          f"{numba.config.NUMBA_NUM_THREADS}", flush=True)
    results = {}
    if args.part in ("planted", "all"):
        results["planted"] = planted(args.n, args.seeds, args.time_limit)
    if args.part in ("target", "all"):
        results["target"] = target(args.target_seeds, args.target_time_limit)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=1, default=float)


if __name__ == "__main__":
    np.set_printoptions(linewidth=120)
    main()
