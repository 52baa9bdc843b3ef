"""
Graph colouring: conflicts disappear as annealing cools
=======================================================

With k colours each node gets k one-hot neurons; the energy counts monochromatic (conflicting) edges plus a
penalty for breaking one-hot rows (:class:`hopopt.GraphColoring`). :func:`hopopt.fewest_colors` starts from
a DSATUR colouring with k colours and tries k − 1, k − 2, ...: at each k it searches (by default one-hot
annealing and conflict-driven Metropolis chains in turns) for a conflict-free colouring, and it stops when
the time runs out or k reaches a clique's size. Then an anneal at the final k from a random colouring is
traced: its energy (the number of conflicting edges, since one-hot moves keep every state a colouring)
falls to 0.

Run from a checkout with the ``../shared/instances/dimacs`` folder beside it, the script colours the DIMACS
graph ``myciel4`` (23 nodes, chromatic number 5; read with :func:`hopopt.io.read_dimacs`); on this site,
and wherever that file is missing, it colours a random graph instead. The first line of output says which.

From a shell: ``python examples/coloring_dimacs.py --out pictures [--fast]`` writes ``coloring_dimacs.png``.
"""

import sys
from pathlib import Path

import networkx as nx
import numpy as np
from matplotlib.figure import Figure

from hopopt import GraphColoring, anneal, fewest_colors
from hopopt.io import read_dimacs
from hopopt.plotting import plot_coloring, plot_energy_traces, script_options
from hopopt.problems.coloring import coloring_beta_range

options = script_options(__doc__)

# %%
# The graph
# ---------
# The DIMACS file when the script runs from a shell and finds it; a random G(30, 0.2) otherwise (always on
# the documentation site, so the page does not depend on files outside the repository).
try:
    here = Path(__file__).resolve().parent
except NameError:  # a Jupyter notebook has no __file__
    here = Path.cwd()
INSTANCE = here.parent.parent / "shared" / "instances" / "dimacs" / "myciel4.col"
on_site = "sphinx_gallery" in sys.modules
if INSTANCE.is_file() and not on_site:
    graph = read_dimacs(INSTANCE)
    problem = GraphColoring.from_edgelist(graph, colors=2, name=graph.name)
    print(f"instance: DIMACS {INSTANCE.name} from {INSTANCE.parent}")
else:
    problem = GraphColoring.random(30, p=0.2, rng=options.seed)
    print(f"instance: a random graph G(30, 0.2), seed {options.seed} (myciel4.col not used)")
print(f"{problem.name}: {problem.n} nodes, {len(problem.edges)} edges, clique bound {problem.clique_bound()}")

# %%
# Fewest colours
# --------------
# The first line of the output below is DSATUR's colouring, each further line a smaller k that
# :func:`hopopt.fewest_colors` tried, and whether it found a proper colouring in time. The ``assert``
# checks the final colouring has no conflict and uses no fewer colours than the clique bound.
coloring, k, history = fewest_colors(problem, time_limit=0.5 if options.fast else 10, rng=options.seed)
for colours, found, seconds in history:
    print(f"  k = {colours}: {'proper coloring found' if found else 'not found'} at {seconds:.2f} s")
conflicts = problem.with_colors(k).conflicts(coloring)
print(f"fewest colours found: {k}, conflicts {conflicts}")
assert conflicts == 0 and k >= problem.clique_bound()

# %%
# One traced anneal at the final k
# --------------------------------
# Four restarts from the same random colouring, with one-hot moves: every state the annealer visits is a
# colouring, and its energy is its number of conflicting edges. The output gives the conflicts before and
# after; the ``assert`` stops the page if any are left.
target = problem.with_colors(k)
rng = np.random.default_rng(options.seed)
start = rng.integers(0, k, problem.n)
result = anneal(target.to_model(), n_sweeps=200 if options.fast else 1000, n_restarts=4,
                beta_range=coloring_beta_range(target), initial_states=target.one_hot(start), rng=options.seed)
traced = target.decode(result.best_state, repair=False)
print(f"traced anneal at k = {k}: conflicts {target.conflicts(start)} at the start -> "
      f"{target.conflicts(traced)} (energy {result.best_energy:g})")
assert target.conflicts(traced) == 0, "the traced anneal left conflicts"

# %%
# The random start with its conflicts, the energy per sweep of the best restart, and the final colouring.
positions = nx.spring_layout(problem.to_networkx(), seed=0)
figure = Figure(figsize=(17, 5.2), layout="constrained")
axes = figure.subplots(1, 3)
plot_coloring(problem.edges, start, problem.n, positions=positions, title="random start", ax=axes[0])
plot_energy_traces(result.trace, title=f"anneal at k = {k}: energy = conflicts", ax=axes[1])
axes[1].set_ylabel("energy (conflicting edges)")
plot_coloring(problem.edges, traced, problem.n, positions=positions, title="after annealing", ax=axes[2])
figure.suptitle(f"Colouring {problem.name} with fewest_colors: {k} colours (clique bound "
                f"{problem.clique_bound()})")
options.save(figure, "coloring_dimacs.png")
figure
