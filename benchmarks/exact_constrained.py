"""Wall times of hopopt's exact TSP and coloring solvers (Held–Karp, subtour-cutting MILP, DSATUR search).

Usage::

    python benchmarks/exact_constrained.py [--instances ../shared/instances] [--time-limit 60] [--repeats 3]

Prints one markdown table: Held–Karp on seeded random Euclidean instances (n = 12, 14, 16, 18) and on burma14,
gr17; ``tsp_milp`` on TSPLIB instances up to 52 cities; ``exact_coloring`` on DIMACS graphs. Each row:
instance, n, time, optimal, objective, bound, catalogue optimum. Times are the median ``time_s`` (the solve
only; numba compilation is done beforehand by ``warm_up``) of ``--repeats`` runs, since millisecond solves on
a shared two-core machine vary a lot from run to run. Instances come from the shared mirror and are skipped when a
file (or, without ``hopopt.io.read_tsplib``, a non-EUC_2D format) cannot be read.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

from hopopt.solvers import warm_up
from hopopt.solvers.exact_coloring import exact_coloring
from hopopt.solvers.exact_tsp import held_karp, tsp_milp

DEFAULT_INSTANCES = Path(__file__).resolve().parents[2] / "shared" / "instances"
HELD_KARP_RANDOM = (12, 14, 16, 18)
HELD_KARP_TSPLIB = ("burma14", "gr17")
MILP_TSPLIB = ("burma14", "ulysses16", "gr17", "gr21", "gr24", "bays29", "fri26", "dantzig42", "att48",
               "berlin52", "eil51")
COLORING = ("myciel3", "myciel4", "myciel5", "queen5_5", "queen6_6", "anna", "david", "huck", "jean")


def read_distances(path):
    """Distances of a TSPLIB file, or None when it cannot be read here."""
    try:
        from hopopt.io import read_tsplib
    except ImportError:
        read_tsplib = None
    if not path.exists():
        return None
    if read_tsplib is not None:
        return np.asarray(read_tsplib(path).distances, dtype=np.float64)
    # fallback until hopopt.io has a TSPLIB reader: EUC_2D only (nint of the Euclidean distance)
    lines = path.read_text().splitlines()
    if not any(line.replace(" ", "").upper() == "EDGE_WEIGHT_TYPE:EUC_2D" for line in lines):
        return None
    start = next(index for index, line in enumerate(lines) if line.startswith("NODE_COORD_SECTION")) + 1
    points = []
    for line in lines[start:]:
        fields = line.split()
        if len(fields) != 3:
            break
        points.append((float(fields[1]), float(fields[2])))
    points = np.array(points)
    return np.floor(np.sqrt(((points[:, None] - points[None]) ** 2).sum(-1)) + 0.5)


def read_graph(path):
    """(n, edges) of a DIMACS .col file (0-based, repeats allowed), or None when absent."""
    if not path.exists():
        return None
    try:
        from hopopt.io import read_dimacs
    except ImportError:
        n, edges = 0, []
        for line in path.read_text().splitlines():
            fields = line.split()
            if fields and fields[0] == "p":
                n = int(fields[2])
            elif fields and fields[0] == "e":
                edges.append((int(fields[1]) - 1, int(fields[2]) - 1))
        return n, np.array(edges, dtype=np.int64).reshape(-1, 2)
    graph = read_dimacs(path)
    return graph.n, np.asarray(graph.edges)


def random_euclidean(n, seed):
    points = np.random.default_rng(seed).uniform(0, 1000, size=(n, 2))
    return np.floor(np.sqrt(((points[:, None] - points[None]) ** 2).sum(-1)) + 0.5)


def catalogue(instances):
    path = instances / "catalog.csv"
    if not path.exists():
        return {}
    with path.open(newline="") as handle:
        return {row["name"]: row["optimum"] for row in csv.DictReader(handle)}


def row(method, instance, n, solve, optimum, repeats):
    results = [solve() for _ in range(repeats)]
    result = results[0]
    time_s = float(np.median([attempt.time_s for attempt in results]))
    objective = f"{result.objective:g}"
    bound = f"{result.bound:g}"
    print(f"| {method} | {instance} | {n} | {time_s:.3f} | {result.optimal} | {objective} | {bound} | "
          f"{optimum} |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=Path, default=DEFAULT_INSTANCES)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    optima = catalogue(args.instances)
    warm_up()
    print("| method | instance | n | time (s) | optimal | objective | bound | catalogue optimum |")
    print("|---|---|---|---|---|---|---|---|")
    for n in HELD_KARP_RANDOM:
        distances = random_euclidean(n, n)
        row("held_karp", f"random Euclidean seed {n}", n, lambda: held_karp(distances), "", args.repeats)
    for name in HELD_KARP_TSPLIB:
        distances = read_distances(args.instances / "tsplib" / f"{name}.tsp")
        if distances is not None:
            row("held_karp", name, len(distances), lambda: held_karp(distances), optima.get(name, ""),
                args.repeats)
    for name in MILP_TSPLIB:
        distances = read_distances(args.instances / "tsplib" / f"{name}.tsp")
        if distances is not None:
            row("tsp_milp", name, len(distances), lambda: tsp_milp(distances, time_limit=args.time_limit),
                optima.get(name, ""), args.repeats)
    for name in COLORING:
        graph = read_graph(args.instances / "dimacs" / f"{name}.col")
        if graph is not None:
            n, edges = graph
            row("exact_coloring", name, n, lambda: exact_coloring(n, edges, time_limit=args.time_limit),
                optima.get(name, ""), args.repeats)


if __name__ == "__main__":
    main()
