"""Proofs of QAPLIB optima by hopopt's exact QAP branch and bound (Gilmore–Lawler bound, numba).

Usage::

    python benchmarks/exact_qap.py [--instances chr12a,had12,...] [--time-limit 120] [--data-dir DIR]
                                   [--no-symmetry]

Reads ``DIR/qaplib/NAME.dat`` and the known optima from ``DIR/catalog.csv`` (default: the shared instance
mirror beside the project, ``../shared/instances``) and prints a markdown table: instance, n, optimum, the cost
found, whether it was proven optimal, seconds (solve only, not reading or JIT compilation), nodes (bounds
computed), the proven lower bound and the root's Gilmore–Lawler bound. ``--no-symmetry`` switches the symmetry
breaking off, to measure what it brings.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

import hopopt.solvers.exact_qap as exact_qap
from hopopt.solvers.exact_qap import qap_exact

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "instances"
DEFAULT_INSTANCES = "chr12a,had12,nug12,rou12,scr12,tai12a,had14,nug14,chr15a,nug16a,esc16c"


def read_matrices(path):
    """(flow, distance) of a QAPLIB .dat file: hopopt.io's reader when present, else a tiny local parser."""
    try:
        from hopopt.io import read_qaplib
    except ImportError:
        numbers = Path(path).read_text().split()
        n = int(numbers[0])
        values = np.array(numbers[1:1 + 2 * n * n], dtype=float)
        return values[:n * n].reshape(n, n), values[n * n:].reshape(n, n)
    instance = read_qaplib(path)
    return np.array(instance.flow, dtype=float), np.array(instance.distance, dtype=float)


def known_optima(catalog):
    if not catalog.exists():
        return {}
    with catalog.open(newline="") as handle:
        return {row["name"]: float(row["optimum"]) for row in csv.DictReader(handle)
                if row.get("problem") == "qap" and row.get("optimum")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", default=DEFAULT_INSTANCES)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--no-symmetry", action="store_true")
    args = parser.parse_args()
    if args.no_symmetry:
        exact_qap._SYMMETRY = False
    optima = known_optima(args.data_dir / "catalog.csv")
    qap_exact([[0.0]], [[0.0]])  # compile (or load the cache) before timing
    print("| instance | n | optimum | found | proven | seconds | nodes | bound | root bound |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in (name.strip() for name in args.instances.split(",") if name.strip()):
        flow, distance = read_matrices(args.data_dir / "qaplib" / f"{name}.dat")
        result = qap_exact(flow, distance, time_limit=args.time_limit)
        optimum = optima.get(name)
        shown = "?" if optimum is None else f"{optimum:g}"
        print(f"| {name} | {flow.shape[0]} | {shown} | {result.objective:g} | {'yes' if result.optimal else 'no'} | "
              f"{result.time_s:.2f} | {result.info['nodes']} | {result.bound:g} | {result.info['root_bound']:g} |",
              flush=True)
        print(json.dumps({"instance": name, "message": result.message, "info": result.info}), file=sys.stderr)


if __name__ == "__main__":
    main()
