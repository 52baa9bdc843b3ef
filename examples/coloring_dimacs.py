"""Graph coloring as a Hopfield energy: conflicts disappear as annealing cools.

With k colours each node gets k one-hot neurons; the energy counts monochromatic (conflicting) edges plus a
penalty for breaking one-hot rows (:class:`hopopt.GraphColoring`). :func:`hopopt.fewest_colors` starts from
a DSATUR coloring and keeps removing one colour, annealing each time until a conflict-free coloring is
found. Here it colours the DIMACS graph ``myciel4`` (23 nodes, chromatic number 5; read with
:func:`hopopt.io.read_dimacs` from ``../shared/instances/dimacs`` beside the checkout) or, if that file is
not there, a random graph. Then one annealing run at the final k, from random colourings, is traced: its
energy (= the number of conflicting edges, since one-hot moves keep every state a coloring) falls to 0.

Pictures: ``coloring_dimacs.png`` -- the random start with its conflicts, the energy per sweep of the anneal
at the final k, and the final coloring.

Run: ``python examples/coloring_dimacs.py --out pictures [--fast]``.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
from matplotlib.figure import Figure

from _common import parse_args, report

from hopopt import GraphColoring, anneal, fewest_colors
from hopopt.io import read_dimacs
from hopopt.plotting import plot_coloring, plot_energy_traces, save_figure
from hopopt.problems.coloring import coloring_beta_range

INSTANCE = Path(__file__).resolve().parents[2] / "shared" / "instances" / "dimacs" / "myciel4.col"


def main(argv=None):
    args = parse_args(__doc__, argv)
    if INSTANCE.is_file():
        graph = read_dimacs(INSTANCE)
        problem = GraphColoring.from_edgelist(graph, colors=2, name=graph.name)
    else:
        print(f"{INSTANCE} not found; using a random graph")
        problem = GraphColoring.random(30, p=0.2, rng=args.seed)
    coloring, k, history = fewest_colors(problem, time_limit=0.5 if args.fast else 10, rng=args.seed)
    print(f"{problem.name}: {problem.n} nodes, {len(problem.edges)} edges, clique bound {problem.clique_bound()}")
    for colours, found, seconds in history:
        print(f"  k = {colours}: {'proper coloring found' if found else 'not found'} at {seconds:.2f} s")
    print(f"fewest colours found: {k}, conflicts {problem.with_colors(k).conflicts(coloring)}")

    # one traced anneal at the final k from random colourings: watch the conflicts disappear
    target = problem.with_colors(k)
    rng = np.random.default_rng(args.seed)
    start = rng.integers(0, k, problem.n)
    result = anneal(target.to_model(), n_sweeps=200 if args.fast else 1000, n_restarts=4,
                    beta_range=coloring_beta_range(target), initial_states=target.one_hot(start), rng=args.seed)
    traced = target.decode(result.best_state, repair=False)
    print(f"traced anneal at k = {k}: conflicts {target.conflicts(start)} at the start -> "
          f"{target.conflicts(traced)} (energy {result.best_energy:g})")

    positions = nx.spring_layout(problem.to_networkx(), seed=0)
    figure = Figure(figsize=(17, 5.2))
    axes = figure.subplots(1, 3)
    plot_coloring(problem.edges, start, problem.n, positions=positions, title="random start", ax=axes[0])
    plot_energy_traces(result.trace, title=f"anneal at k = {k}: energy = conflicts", ax=axes[1])
    axes[1].set_ylabel("energy (conflicting edges)")
    plot_coloring(problem.edges, traced, problem.n, positions=positions, title="after annealing", ax=axes[2])
    figure.suptitle(f"Colouring {problem.name} with fewest_colors: {k} colours (clique bound "
                    f"{problem.clique_bound()})")
    report(save_figure(figure, args.out / "coloring_dimacs.png"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
