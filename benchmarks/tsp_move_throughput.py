"""Permutation-move throughput on TSP before and after a change: model build time and proposals per second.

    python benchmarks/tsp_move_throughput.py            # berlin52 and kroA100, 2 restarts x 2000 sweeps

Run it at two commits (e.g. in a `git worktree` of the older one) in the same session to compare; it prints
one markdown row per instance. One sweep is n² proposals (one per neuron of the encoding); no polish.
"""

from __future__ import annotations

import argparse
import subprocess
import time

from hopopt.instances import load_instance
from hopopt.solvers import anneal, warm_up


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", default="berlin52,kroA100")
    parser.add_argument("--sweeps", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    warm_up()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    for name in args.instances.split(","):
        problem, _ = load_instance("tsp", name)
        tic = time.perf_counter()
        model = problem.to_model()
        built = time.perf_counter() - tic
        anneal(model, n_sweeps=10, n_restarts=2, polish=False, rng=0)  # engine set-up outside the timing
        best = min(anneal(model, n_sweeps=args.sweeps, n_restarts=2, polish=False, rng=seed).time_s
                   for seed in range(args.repeats))
        rate = 2 * args.sweeps * problem.n ** 2 / best
        print(f"| {commit} | {name} | {problem.n} | {built:.3f} | {rate / 1e6:.1f} |", flush=True)


if __name__ == "__main__":
    main()
