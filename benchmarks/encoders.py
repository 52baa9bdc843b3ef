"""Every registered kind on random instances of 30–60 binary variables: is the proved optimum found in 1 s?

Usage::

    python benchmarks/encoders.py [--kinds mis,knapsack,...] [--seeds 20] [--time-limit 1] [--low 30] [--high 60]
                                  [--option bisection:p=0.1 ...]

For each kind, n is the largest size whose random instance (seed 0) has at most ``--high`` binary variables in
its energy model (auxiliary and slack binaries included); kinds whose smallest instance is bigger, or whose
largest fitting one has fewer than ``--low``, are reported as such. For each seed: the kind's exact method
(60 s) and ``hopopt.solve(problem, time_limit=…, rng=seed)`` with the kind's default solver (including any
repair and polish that solver does, see its kind). A hit is a feasible answer whose objective equals the proved
optimum. Prints one markdown table row per kind: n, binaries, seeds proved optimal, hits, feasible answers,
median seconds of the heuristic and of the exact method.
"""

from __future__ import annotations

import argparse
import statistics

import hopopt
from hopopt.instances import load_instance
from hopopt.kinds import KINDS

# the first kinds have their own benchmarks (Gset, TSPLIB, DIMACS, QAPLIB); this one is about the encoders
DEFAULT_SKIP = ("maxcut", "tsp", "coloring", "qap")


def spec(kind, n, seed, options):
    extra = "".join(f",{option}" for option in options.get(kind, ()))
    return f"random:n={n},seed={seed}{extra}"


def sized(kind, low, high, options):
    """The largest n whose seed-0 random instance has ≤ high binaries, and that count (None if none fits)."""
    best = None
    n = KINDS[kind].smallest_n
    while n < 400:
        try:
            problem, _ = load_instance(kind, spec(kind, n, 0, options))
            settle = KINDS[kind].settle
            if settle is not None:
                problem = settle(problem, {"colors": 3})
            count = problem.to_model().n
        except (ValueError, MemoryError):
            n += 1
            continue
        if count > high:
            break
        best = (n, count)
        n += 1
    if best is None or best[1] < low:
        return None
    return best


def run(kind, n, seeds, time_limit, options):
    rows = []
    for seed in range(seeds):
        problem, _ = load_instance(kind, spec(kind, n, seed, options))
        exact = hopopt.solve_exact(problem, time_limit=60)
        found = hopopt.solve(problem, time_limit=time_limit, rng=seed)
        hit = bool(exact.optimal and found.feasible and abs(found.objective - exact.objective) <= 1e-9 *
                   max(1.0, abs(exact.objective)))
        rows.append({"optimal": bool(exact.optimal), "hit": hit, "feasible": bool(found.feasible),
                     "heuristic_s": found.time_s, "exact_s": exact.time_s,
                     "binaries": int(problem.to_model().n) if KINDS[kind].settle is None else None})
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default=None, help="comma-separated kinds (default: all but the first four)")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=1.0)
    parser.add_argument("--low", type=int, default=30)
    parser.add_argument("--high", type=int, default=60)
    parser.add_argument("--option", action="append", default=[],
                        help="KIND:KEY=VALUE added to that kind's random specs (repeatable)")
    args = parser.parse_args()
    options = {}
    for entry in args.option:
        kind, _, setting = entry.partition(":")
        options.setdefault(kind, []).append(setting)
    kinds = args.kinds.split(",") if args.kinds else [kind for kind in KINDS if kind not in DEFAULT_SKIP]
    print(f"| kind | n | binaries | proved | hits in {args.time_limit:g} s | feasible | heuristic s (median) | "
          f"exact s (median) |")
    print("|---|---|---|---|---|---|---|---|")
    for kind in kinds:
        size = sized(kind, args.low, args.high, options)
        if size is None:
            print(f"| {kind} | – | no random instance with {args.low}–{args.high} binaries | | | | | |")
            continue
        n, _ = size
        rows = run(kind, n, args.seeds, args.time_limit, options)
        counts = sorted({row["binaries"] for row in rows if row["binaries"] is not None})
        binaries = f"{counts[0]}–{counts[-1]}" if counts else "–"
        label = kind + "".join(f" {setting}" for setting in options.get(kind, ()))
        print(f"| {label} | {n} | {binaries} | {sum(r['optimal'] for r in rows)}/{len(rows)} | "
              f"{sum(r['hit'] for r in rows)}/{len(rows)} | {sum(r['feasible'] for r in rows)}/{len(rows)} | "
              f"{statistics.median(r['heuristic_s'] for r in rows):.2f} | "
              f"{statistics.median(r['exact_s'] for r in rows):.2f} |", flush=True)


if __name__ == "__main__":
    main()
