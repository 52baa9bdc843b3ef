"""TSP on the Kronecker-structured model: build time and memory at n = 1000, annealing with permutation moves,
TSPLIB quality with the zero-temperature polish on and off, and the large TSPLIB instances.

    python benchmarks/tsp_structured.py build                 # random n = 1000: build time, peak memory
    python benchmarks/tsp_structured.py polish --time 10      # n <= 52 dev set, polish on and off
    python benchmarks/tsp_structured.py large --time 60 --seeds 0-2   # a280 lin318 pcb442 rat575 pr1002
    python benchmarks/tsp_structured.py large --time 60 --instances a280,pr1002 --no-candidates  # uniform 2-opt only

Prints markdown tables (the figures in BENCHMARKS.md come from these commands).
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import numpy as np

from hopopt.datasets import catalog
from hopopt.instances import load_instance
from hopopt.problems import TSP
from hopopt.solvers import anneal, warm_up

DEV = ["burma14", "ulysses16", "gr17", "gr21", "ulysses22", "gr24", "fri26", "bays29", "dantzig42", "att48",
       "eil51", "berlin52"]
LARGE = ["a280", "lin318", "pcb442", "rat575", "pr1002"]


def build():
    problem = TSP.random(1000, rng=1)
    tracemalloc.start()
    tic = time.perf_counter()
    model = problem.to_model()
    seconds = time.perf_counter() - tic
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    warm_up()
    result = anneal(model, time_limit=20, rng=0)
    tour = problem.decode(result.best_state)
    print("| n | neurons | build s | peak MB (traced) | factors MB | materialised W entries | 20 s anneal: length | moves |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| 1000 | {model.n} | {seconds:.2f} | {peak / 1e6:.0f} | {model.weights.nbytes / 1e6:.0f} | "
          f"{model.weights.stored_entries():.3g} | {problem.tour_length(tour):.0f} | {result.info['moves']} |")


def optimum(name):
    return next(entry.optimum for entry in catalog() if entry.name == name)


def gap(length, best):
    return 100.0 * (length - best) / best


def polish(time_limit, seeds):
    warm_up()
    print(f"| instance | n | optimum | median gap % polish on | median gap % polish off | worst on | worst off |")
    print("|---|---|---|---|---|---|---|")
    for name in DEV:
        problem, _ = load_instance("tsp", name)
        model = problem.to_model()
        gaps = {}
        for polished in (True, False):
            gaps[polished] = [gap(problem.tour_length(problem.decode(
                anneal(model, time_limit=time_limit, polish=polished, rng=seed).best_state)), optimum(name))
                for seed in seeds]
        print(f"| {name} | {problem.n} | {optimum(name):g} | {statistics.median(gaps[True]):.2f} | "
              f"{statistics.median(gaps[False]):.2f} | {max(gaps[True]):.2f} | {max(gaps[False]):.2f} |", flush=True)


def large(time_limit, seeds, names=LARGE):
    warm_up()
    print("| instance | n | optimum | median gap % | worst gap % | median time s | build s |")
    print("|---|---|---|---|---|---|---|")
    for name in names:
        problem, _ = load_instance("tsp", name)
        tic = time.perf_counter()
        model = problem.to_model()
        built = time.perf_counter() - tic
        gaps, times = [], []
        for seed in seeds:
            tic = time.perf_counter()
            result = anneal(model, time_limit=time_limit, rng=seed)
            times.append(time.perf_counter() - tic)
            gaps.append(gap(problem.tour_length(problem.decode(result.best_state)), optimum(name)))
        print(f"| {name} | {problem.n} | {optimum(name):g} | {statistics.median(gaps):.2f} | {max(gaps):.2f} | "
              f"{statistics.median(times):.1f} | {built:.2f} |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("build", "polish", "large"))
    parser.add_argument("--time", type=float, default=10.0)
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--instances", default=",".join(LARGE), help="for 'large'")
    parser.add_argument("--no-candidates", action="store_true",
                        help="uniform 2-opt and exchange proposals only (no nearest-city candidate lists)")
    args = parser.parse_args()
    if args.no_candidates:
        from hopopt.solvers.moves import TourEngine

        TourEngine.neighbour_share = 0.0
    low, _, high = args.seeds.partition("-")
    seeds = list(range(int(low), int(high or low) + 1))
    if args.what == "build":
        build()
    elif args.what == "polish":
        polish(args.time, seeds)
    else:
        large(args.time, seeds, args.instances.split(","))


if __name__ == "__main__":
    main()
