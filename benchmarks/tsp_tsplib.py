"""hopopt on the TSPLIB instances of ../shared/instances, against the penalty network and installed peers.

Methods, each on every instance of the catalogue (``catalog.csv`` gives the proven optima), several seeds:

1. ``hopopt.anneal(problem.to_model(), time_limit=T, rng=seed)``: the default moves for a TSP model are the
   permutation moves (2-opt reversals and exchanges on the n×n permutation encoding), followed by the
   annealer's own zero-temperature polish with the same moves; no separate local search.
2. Penalty mode, n ≤ 16: :func:`hopopt.solvers.penalty_loop` (single spin flips on the n² penalty network),
   initial penalty 0.5 × the bound D·max d, growth 2, the same time limit T for all rounds together.
3. dimod's TSP QUBO (``dimod.generators.traveling_salesperson`` with its default Lagrange multiplier, the
   average-edge-weight × n estimate of the tour length) solved by dwave-samplers'
   ``SimulatedAnnealingSampler(num_reads=50, num_sweeps=1000)``, n ≤ 29: share of valid reads, gap of the best
   valid read.
4. networkx: ``nx.approximation.simulated_annealing_tsp(G, "greedy", seed=seed)``, and, deterministic, one run
   each of ``greedy_tsp`` and ``christofides``.

Gaps are ``100 (length - optimum) / optimum`` (%) over valid tours; "valid" is the share of runs (or reads)
whose answer is a tour. Times are wall times of the solve only (model building, file reading and one-off JIT
compilation excluded).

Usage::

    python benchmarks/tsp_tsplib.py [--instances burma14,gr24] [--seeds 5] [--time-limit 10] [--quick]
                                    [--data-dir ../shared/instances] [--json results.json]

``--quick`` (2 seeds, T = 2 s) is a smoke test. The peers come with the ``[peers]`` extra and networkx; a
missing peer gets a "not installed" note instead of its table.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shlex
import statistics
import sys
import time
from pathlib import Path

import numba
import numpy as np

import hopopt
from hopopt import io
from hopopt.problems import TSP
from hopopt.solvers import penalty_loop, warm_up

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "instances"
PENALTY_MAX_N = 16
DIMOD_MAX_N = 29
DIMOD_READS = 50
DIMOD_SWEEPS = 1000


# ---------------------------------------------------------------------------------------------- helpers
def load_catalogue(data_dir, names):
    path = Path(data_dir) / "catalog.csv"
    if not path.exists():
        sys.exit(f"error: no catalogue at {path} (pass --data-dir, the folder holding catalog.csv and tsplib/)")
    with open(path, newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["problem"] == "tsp"]
    rows.sort(key=lambda row: (int(row["nodes"]), row["name"]))
    if names:
        known = {row["name"]: row for row in rows}
        unknown = [name for name in names if name not in known]
        if unknown:
            sys.exit(f"error: --instances: unknown TSP instance(s) {', '.join(unknown)}; "
                     f"known: {', '.join(known)}")
        rows = [known[name] for name in names]
    return rows


def gap(length, optimum):
    return 100.0 * (length - optimum) / optimum


def fmt(value, digits=2):
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return f"{value:.{digits}f}"


def median(values):
    return statistics.median(values) if values else None


def timed(function, *args, **kwargs):
    tic = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - tic


def complete_graph(problem):
    import networkx as nx

    graph = nx.Graph()
    n = problem.n
    graph.add_nodes_from(range(n))
    for a in range(n):
        for b in range(a + 1, n):
            graph.add_edge(a, b, weight=float(problem.distances[a, b]))
    return graph


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- methods
def run_hopopt(problem, optimum, seeds, time_limit):
    """The default annealer (permutation moves) on the TSP model; one run per seed."""
    model = problem.to_model()
    runs = []
    for seed in seeds:
        result = hopopt.anneal(model, time_limit=time_limit, rng=seed)
        violations = problem.state_violations(result.best_state)
        length = None if violations else problem.tour_length(problem.decode(result.best_state, repair=False))
        runs.append({"seed": seed, "valid": not violations, "length": length,
                     "gap": None if length is None else gap(length, optimum),
                     "time_s": result.timings["solve"], "moves": result.info["moves"],
                     "rounds": len(result.info["round_sweeps"])})
    gaps = [run["gap"] for run in runs if run["valid"]]
    return {"valid_rate": sum(run["valid"] for run in runs) / len(runs), "median_gap": median(gaps),
            "worst_gap": max(gaps) if gaps else None, "best_gap": min(gaps) if gaps else None,
            "median_time_s": median([run["time_s"] for run in runs]), "runs": runs}


def run_penalty(problem, optimum, seeds, time_limit):
    """penalty_loop with single flips from 0.5 × the penalty bound, growth 2."""
    bound = problem.penalty_bound()
    runs = []
    for seed in seeds:
        found = penalty_loop(problem.to_model, lambda state: not problem.state_violations(state), 0.5 * bound,
                             growth=2.0, time_limit=time_limit, rng=seed)
        length = (problem.tour_length(problem.decode(found.best_state, repair=False))
                  if found.info["feasible"] else None)
        runs.append({"seed": seed, "valid": found.info["feasible"], "length": length,
                     "gap": None if length is None else gap(length, optimum),
                     "final_penalty_over_bound": found.info["penalty"] / bound, "rounds": len(found.info["penalty_rounds"]),
                     "time_s": found.time_s})
    gaps = [run["gap"] for run in runs if run["valid"]]
    return {"valid_rate": sum(run["valid"] for run in runs) / len(runs), "median_gap": median(gaps),
            "worst_gap": max(gaps) if gaps else None,
            "median_penalty_over_bound": median([run["final_penalty_over_bound"] for run in runs]),
            "median_rounds": median([run["rounds"] for run in runs]),
            "median_time_s": median([run["time_s"] for run in runs]), "runs": runs}


def dimod_available():
    try:
        import dimod  # noqa: F401
        from dwave.samplers import SimulatedAnnealingSampler  # noqa: F401
        import networkx  # noqa: F401
    except ImportError as error:
        return str(error)
    return None


def run_dimod(problem, optimum, seeds):
    """dimod's TSP BQM (default Lagrange multiplier), dwave-samplers SA, 50 reads × 1000 sweeps per seed."""
    from dimod.generators import traveling_salesperson
    from dwave.samplers import SimulatedAnnealingSampler

    graph = complete_graph(problem)
    lagrange = graph.size(weight="weight") * graph.number_of_nodes() / graph.number_of_edges()  # dimod's default
    bqm = traveling_salesperson(graph)
    sampler = SimulatedAnnealingSampler()
    n = problem.n
    runs = []
    for seed in seeds:
        sampleset, seconds = timed(sampler.sample, bqm, num_reads=DIMOD_READS, num_sweeps=DIMOD_SWEEPS, seed=seed)
        columns = {label: k for k, label in enumerate(sampleset.variables)}
        index = np.array([[columns[(city, position)] for position in range(n)] for city in range(n)])
        matrices = sampleset.record.sample[:, index]  # (reads, city, position)
        counts = sampleset.record.num_occurrences
        valid = np.all(matrices.sum(axis=1) == 1, axis=1) & np.all(matrices.sum(axis=2) == 1, axis=1)
        lengths = [problem.tour_length(np.argmax(matrix, axis=0)) for matrix in matrices[valid]]
        best = min(lengths) if lengths else None
        runs.append({"seed": seed, "valid_reads": float(counts[valid].sum() / counts.sum()),
                     "best_valid_length": best, "gap": None if best is None else gap(best, optimum),
                     "time_s": seconds})
    gaps = [run["gap"] for run in runs if run["gap"] is not None]
    return {"lagrange": lagrange, "valid_read_rate": float(np.mean([run["valid_reads"] for run in runs])),
            "runs_with_valid": sum(run["gap"] is not None for run in runs) / len(runs),
            "median_gap": median(gaps), "worst_gap": max(gaps) if gaps else None,
            "median_time_s": median([run["time_s"] for run in runs]), "runs": runs}


def networkx_available():
    try:
        import networkx  # noqa: F401
    except ImportError as error:
        return str(error)
    return None


def run_networkx(problem, optimum, seeds):
    """simulated_annealing_tsp(G, "greedy", seed) per seed; greedy_tsp and christofides once each."""
    import networkx as nx
    from networkx.algorithms import approximation

    graph = complete_graph(problem)
    rows = {}
    runs = []
    for seed in seeds:
        cycle, seconds = timed(approximation.simulated_annealing_tsp, graph, "greedy", seed=seed)
        runs.append({"seed": seed, "gap": gap(problem.tour_length(cycle[:-1]), optimum), "time_s": seconds})
    rows["simulated_annealing_tsp"] = {
        "valid_rate": 1.0, "median_gap": median([run["gap"] for run in runs]),
        "worst_gap": max(run["gap"] for run in runs), "median_time_s": median([run["time_s"] for run in runs]),
        "runs": runs}
    for name, function in (("greedy_tsp", approximation.greedy_tsp), ("christofides", approximation.christofides)):
        cycle, seconds = timed(function, graph)
        length = problem.tour_length(cycle[:-1])
        rows[name] = {"valid_rate": 1.0, "median_gap": gap(length, optimum), "worst_gap": gap(length, optimum),
                      "median_time_s": seconds}
    rows["networkx_version"] = nx.__version__
    return rows


# ---------------------------------------------------------------------------------------------- driver
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", default="", help="comma-separated catalogue names (default: all TSP)")
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..SEEDS-1 per instance (default 5)")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per hopopt run (default 10)")
    parser.add_argument("--quick", action="store_true", help="smoke test: 2 seeds, time limit 2 s")
    parser.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR),
                        help="folder with catalog.csv and tsplib/ (default ../shared/instances)")
    parser.add_argument("--json", help="also write every run to this JSON file")
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.time_limit = 2, 2.0
    if args.seeds < 1 or not args.time_limit > 0:
        parser.error("--seeds must be ≥ 1 and --time-limit > 0")
    command = "python benchmarks/tsp_tsplib.py " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    seeds = list(range(args.seeds))
    names = [name.strip() for name in args.instances.split(",") if name.strip()]
    catalogue = load_catalogue(args.data_dir, names)

    # compile the kernels (or load numba's cache) before any timing
    warm_up()
    small = TSP.random(6, rng=0)
    hopopt.anneal(small.to_model(), n_sweeps=20, n_restarts=2, rng=0)
    hopopt.anneal(small.to_model(), moves="single-flip", n_sweeps=20, n_restarts=2, rng=0)

    dimod_missing, networkx_missing = dimod_available(), networkx_available()
    results = []
    for row in catalogue:
        name, optimum = row["name"], float(row["optimum"])
        problem = TSP.from_tsplib(io.read_tsplib(Path(args.data_dir) / row["file"]))
        entry = {"instance": name, "n": problem.n, "optimum": optimum}
        entry["hopopt"] = run_hopopt(problem, optimum, seeds, args.time_limit)
        if problem.n <= PENALTY_MAX_N:
            entry["penalty"] = run_penalty(problem, optimum, seeds, args.time_limit)
        if dimod_missing is None and problem.n <= DIMOD_MAX_N:
            entry["dimod"] = run_dimod(problem, optimum, seeds)
        if networkx_missing is None:
            entry["networkx"] = run_networkx(problem, optimum, seeds)
        results.append(entry)
        print(f"{name}: done (hopopt median gap {fmt(entry['hopopt']['median_gap'])} %)", file=sys.stderr,
              flush=True)

    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"command": command, "seeds": seeds, "time_limit": args.time_limit, "results": results},
                      handle, indent=1, default=float)
    print(report(results, args, command, dimod_missing, networkx_missing))


def report(results, args, command, dimod_missing, networkx_missing):
    versions = [f"hopopt {hopopt.__version__}", f"numpy {np.__version__}", f"numba {numba.__version__}"]
    for module in ("dimod", "dwave.samplers", "networkx"):
        try:
            versions.append(f"{module} {__import__(module, fromlist=['__version__']).__version__}")
        except ImportError:
            pass
    out = [f"Command: `{command}`", "",
           f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, numba threads "
           f"{numba.config.NUMBA_NUM_THREADS}, Python {platform.python_version()}; {', '.join(versions)}.",
           f"Seeds 0..{args.seeds - 1} per instance; time limit {args.time_limit:g} s per hopopt run. "
           "Gap = 100·(length − optimum)/optimum over valid tours.", ""]

    out += [f"### hopopt.anneal (default moves = permutation), time limit {args.time_limit:g} s", ""]
    out.append(markdown_table(
        ["instance", "n", "optimum", "valid", "median gap %", "worst gap %", "best gap %", "median time s"],
        [[r["instance"], r["n"], f"{r['optimum']:g}", f"{100 * r['hopopt']['valid_rate']:.0f} %",
          fmt(r["hopopt"]["median_gap"]), fmt(r["hopopt"]["worst_gap"]), fmt(r["hopopt"]["best_gap"]),
          fmt(r["hopopt"]["median_time_s"])] for r in results]))

    out += ["", f"### Penalty mode: penalty_loop, single flips, initial penalty 0.5 × bound, growth 2, "
                f"time limit {args.time_limit:g} s (n ≤ {PENALTY_MAX_N})", ""]
    rows = [r for r in results if "penalty" in r]
    out.append(markdown_table(
        ["instance", "n", "valid", "median gap %", "worst gap %", "median final penalty / bound",
         "median rounds", "median time s"],
        [[r["instance"], r["n"], f"{100 * r['penalty']['valid_rate']:.0f} %", fmt(r["penalty"]["median_gap"]),
          fmt(r["penalty"]["worst_gap"]), fmt(r["penalty"]["median_penalty_over_bound"], 3),
          fmt(r["penalty"]["median_rounds"], 1), fmt(r["penalty"]["median_time_s"])] for r in rows])
        if rows else "no instance with n ≤ 16 selected")

    out += ["", f"### dimod TSP QUBO (default Lagrange) + dwave-samplers SimulatedAnnealingSampler, "
                f"num_reads={DIMOD_READS}, num_sweeps={DIMOD_SWEEPS} (n ≤ {DIMOD_MAX_N})", ""]
    if dimod_missing is not None:
        out.append(f"not installed ({dimod_missing}); `pip install -e '.[peers]'`")
    else:
        rows = [r for r in results if "dimod" in r]
        out.append(markdown_table(
            ["instance", "n", "Lagrange", "valid reads", "seeds with a valid read", "median best-valid gap %",
             "worst best-valid gap %", "median time s"],
            [[r["instance"], r["n"], fmt(r["dimod"]["lagrange"], 1), f"{100 * r['dimod']['valid_read_rate']:.0f} %",
              f"{100 * r['dimod']['runs_with_valid']:.0f} %", fmt(r["dimod"]["median_gap"]),
              fmt(r["dimod"]["worst_gap"]), fmt(r["dimod"]["median_time_s"])] for r in rows])
            if rows else f"no instance with n ≤ {DIMOD_MAX_N} selected")

    labels = {"simulated_annealing_tsp": 'nx.approximation.simulated_annealing_tsp(G, "greedy", seed=seed)',
              "greedy_tsp": "nx.approximation.greedy_tsp(G) (deterministic, one run)",
              "christofides": "nx.approximation.christofides(G) (deterministic, one run)"}
    for method, label in labels.items():
        out += ["", f"### networkx {label}", ""]
        if networkx_missing is not None:
            out.append(f"not installed ({networkx_missing})")
            continue
        out.append(markdown_table(
            ["instance", "n", "median gap %", "worst gap %", "median time s"],
            [[r["instance"], r["n"], fmt(r["networkx"][method]["median_gap"]),
              fmt(r["networkx"][method]["worst_gap"]), fmt(r["networkx"][method]["median_time_s"], 3)]
             for r in results]))

    out += ["", "### Summary: median gap % (– = not run for this size or not installed)", ""]
    summary = []
    for r in results:
        network = r.get("networkx", {})
        summary.append([r["instance"], r["n"], fmt(r["hopopt"]["median_gap"]),
                        fmt(r["penalty"]["median_gap"]) if "penalty" in r else "–",
                        fmt(r["dimod"]["median_gap"]) if "dimod" in r else "–",
                        fmt(network["simulated_annealing_tsp"]["median_gap"]) if network else "–",
                        fmt(network["christofides"]["median_gap"]) if network else "–"])
    out.append(markdown_table(["instance", "n", "hopopt", "penalty mode", "dimod+SA", "nx SA", "christofides"],
                              summary))
    return "\n".join(out)


if __name__ == "__main__":
    main()
