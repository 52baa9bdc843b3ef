"""QAP exchange-move throughput on one thread: the symmetric ΔE formula against the general one.

    python benchmarks/qap_throughput.py               # nug30, 3000 sweeps, one restart, no polish

Both runs start from the same seed and must end on the same energy (the two formulas give the same ΔE);
prints million proposals per second for each.
"""

from __future__ import annotations

import argparse

from hopopt.instances import load_instance
from hopopt.solvers import anneal, moves, warm_up


def run(model, sweeps, symmetric):
    original = moves.AssignmentEngine.__init__

    def forced(self, *args, **options):
        original(self, *args, **options)
        self.symmetric = self.symmetric and symmetric

    moves.AssignmentEngine.__init__ = forced
    try:
        anneal(model, n_sweeps=10, n_restarts=1, n_threads=1, rng=0)
        return anneal(model, n_sweeps=sweeps, n_restarts=1, n_threads=1, polish=False, rng=0)
    finally:
        moves.AssignmentEngine.__init__ = original


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", default="nug30")
    parser.add_argument("--sweeps", type=int, default=3000)
    args = parser.parse_args()
    warm_up()
    problem, _ = load_instance("qap", args.instance)
    model = problem.to_model()
    for symmetric in (False, True):
        result = run(model, args.sweeps, symmetric)
        rate = args.sweeps * model.n / result.time_s
        print(f"| {args.instance} | {'symmetric' if symmetric else 'general'} | {rate / 1e6:.1f} | "
              f"{result.best_energy:g} |")


if __name__ == "__main__":
    main()
