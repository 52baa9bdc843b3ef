"""The exact portfolio on 30-variable models of every density: which method it picks and how long the proof takes.

Usage::

    python benchmarks/exact_portfolio.py [--n 30] [--seeds 3] [--densities 0.1,0.3,0.5,0.7,1.0]

For each density: unweighted G(n, p) max-cut (no thresholds) and a random QUBO (integer coefficients −10..10,
thresholds on every variable) with that pair density; ``hopopt.solvers.solve_exact(model)`` with no time
limit. Prints one markdown row per (model, density): the methods tried, the brute-force estimate, the median and
worst wall time, and whether every run was proved optimal. Also, for reference, the MILP alone and brute force
alone on the first seed (``--compare``).
"""

from __future__ import annotations

import argparse
import statistics
import time

from hopopt import MaxCut
from hopopt.problems.quadratic import QUBO
from hopopt.solvers import brute_force, milp, solve_exact, warm_up


def models(kind, n, density, seed):
    if kind == "maxcut":
        return MaxCut.random(n, density, rng=seed).to_model()
    return QUBO.random(n, density, rng=seed).to_model()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--densities", default="0.1,0.3,0.5,0.7,1.0")
    parser.add_argument("--compare", action="store_true", help="also time the MILP alone (60 s) and brute force")
    args = parser.parse_args()
    warm_up()
    print("| model | n | density | tried | brute-force estimate s | median s | worst s | proved |"
          + (" MILP alone s | brute force alone s |" if args.compare else ""))
    print("|---|---|---|---|---|---|---|---|" + ("---|---|" if args.compare else ""))
    for kind in ("maxcut", "qubo"):
        for density in (float(value) for value in args.densities.split(",")):
            times, proved, tried, estimate = [], [], set(), None
            for seed in range(args.seeds):
                model = models(kind, args.n, density, seed)
                started = time.perf_counter()
                result = solve_exact(model)
                times.append(time.perf_counter() - started)
                proved.append(bool(result.optimal))
                tried.add("+".join(result.info["portfolio"]["tried"]))
                estimate = result.info["portfolio"]["brute_force_estimate_s"]
            row = (f"| {kind} | {args.n} | {density:g} | {', '.join(sorted(tried))} | {estimate:.1f} | "
                   f"{statistics.median(times):.1f} | {max(times):.1f} | {sum(proved)}/{len(proved)} |")
            if args.compare:
                model = models(kind, args.n, density, 0)
                started = time.perf_counter()
                alone = milp(model, time_limit=60)
                milp_s = time.perf_counter() - started
                started = time.perf_counter()
                brute_force(model)
                row += f" {milp_s:.1f}{'' if alone.optimal else ' (no proof)'} | {time.perf_counter() - started:.1f} |"
            print(row, flush=True)


if __name__ == "__main__":
    main()
