"""Wall times of hopopt's exact baselines: Gray-code brute force and the max-cut MILP (HiGHS).

Usage::

    python benchmarks/exact_times.py [--brute-force 16,20,24] [--milp-n 30] [--milp-p 0.5] [--seeds 1,2,3]

Brute force runs on random max-cut graphs G(n, 0.5) with thresholds added (so no symmetry helps); the MILP on
dense random max-cut graphs G(n, p), each with a 60 s limit; both report whether optimality was proved and
check the MILP's optimum against the best of a long anneal.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from hopopt import EnergyModel, MaxCut
from hopopt.solvers import anneal, brute_force, milp, warm_up


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brute-force", default="16,20,24")
    parser.add_argument("--milp-n", type=int, default=30)
    parser.add_argument("--milp-p", type=float, default=0.5)
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    warm_up()
    seeds = [int(seed) for seed in args.seeds.split(",")]
    print("| method | instance | n | time (s) | optimal | energy |")
    print("|---|---|---|---|---|---|")
    for n in (int(size) for size in args.brute_force.split(",") if size):
        problem = MaxCut.random(n, 0.5, rng=0)
        base = problem.to_model()
        thresholds = np.random.default_rng(0).normal(size=n)
        model = EnergyModel(base.weights, thresholds, base.offset)
        result = brute_force(model)
        print(f"| brute force | G({n}, 0.5) + random θ | {n} | {result.time_s:.2f} | {result.optimal} | "
              f"{result.best_energy:.4f} |", flush=True)
    for seed in seeds:
        problem = MaxCut.random(args.milp_n, args.milp_p, rng=seed)
        model = problem.to_model()
        result = milp(model, time_limit=args.time_limit)
        check = anneal(model, n_sweeps=20000, n_restarts=8, rng=seed)
        agrees = "" if check.best_energy >= result.best_energy - 1e-9 else " (anneal found better!)"
        print(f"| MILP (triangle) | G({args.milp_n}, {args.milp_p}) seed {seed} | {args.milp_n} | "
              f"{result.time_s:.1f} | {result.optimal} | {result.best_energy:g}{agrees} |", flush=True)
        print(json.dumps({"seed": seed, "bound": result.bound, "info": result.info}), file=sys.stderr)


if __name__ == "__main__":
    main()
