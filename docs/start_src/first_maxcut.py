"""
Your first max-cut, proved optimal
==================================

This page takes you from nothing to a max-cut of **your own graph**, found by a Hopfield-style annealer
and checked against an exact solver that proves the optimum. It runs in a few seconds.

Install hopopt first (from a checkout of the repository, ``pip install -e .``); everything below is plain
Python.

Max-cut asks for a split of a graph's nodes into two sides that cuts as many edges (or as much edge weight)
as possible. With one ±1 neuron per node, an edge (i, j) is cut when s\\ :sub:`i` ≠ s\\ :sub:`j`, that is when
(1 − s\\ :sub:`i` s\\ :sub:`j`)/2 = 1, so the energy E(s) = −cut(s) has weights W\\ :sub:`ij` = −w\\ :sub:`ij`/2
and a constant offset: hopopt writes that model for you, and checks below that its energy is minus the cut.
"""

# %%
# Your graph
# ----------
# Any networkx graph will do; edge attributes named ``weight`` are used as weights (1 otherwise). Here, a
# random 3-regular graph on 24 nodes — replace it with yours.
import networkx as nx

import hopopt

graph = nx.random_regular_graph(3, 24, seed=1)
problem = hopopt.MaxCut.from_networkx(graph)
print(f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges")

# %%
# Solve it with the energy network
# --------------------------------
# :func:`hopopt.solve` encodes the problem into an :class:`~hopopt.EnergyModel`, runs the kind's default
# solver (parallel tempering for max-cut) for at most the time limit, decodes the best state and evaluates
# it. ``rng=0`` makes the run repeatable.
answer = hopopt.solve(problem, time_limit=1, rng=0)
print(f"{answer.solver}: cut {answer.objective:g}, energy {answer.energy:g}, in {answer.time_s:.2f} s")
assert answer.energy == -answer.objective   # the energy of the cut's state is minus the cut

# %%
# Prove how good it is
# --------------------
# :func:`hopopt.solve_exact` runs the kind's exact method — for max-cut, enumeration of every state when the
# graph is small enough for it to be quick, else a mixed-integer program solved by HiGHS; the output names the
# one it chose. It returns the optimum when it can prove it, or else the best cut it found with a bound on the
# optimum. For graphs of a few hundred nodes the proof may not finish: the bound then says how far off the
# annealer's cut can be at most.
exact = hopopt.solve_exact(problem, time_limit=30)
print(f"exact ({exact.method}): cut {exact.objective:g}, proved optimal: {exact.optimal}, bound {exact.bound:g}")
gap = (exact.bound - answer.objective) / exact.bound
print(f"the annealer's cut is within {100 * gap:.2f} % of the bound")
assert exact.optimal and answer.objective <= exact.bound

# %%
# See the cut
# -----------
# Nodes coloured by side; the cut edges are drawn solid.
from hopopt.plotting import plot_cut

positions = nx.spring_layout(graph, seed=2)
figure = plot_cut(list(graph.edges()), answer.solution, positions={i: positions[i] for i in graph.nodes},
                  title=f"cut {answer.objective:g} of {graph.number_of_edges()} edges")
figure

# %%
# From the command line
# ---------------------
# The same in one line, on a random graph or a file (Gset format, a catalogue name such as ``G1``)::
#
#     hopopt solve maxcut random:n=24,seed=1 --time-limit 1
#     hopopt exact maxcut random:n=24,seed=1
#     hopopt compare maxcut G1 --time-limit 5     # every solver and installed peer side by side
#
# Where next
# ----------
# * :doc:`The course <../course/index>` explains why this works, from the energy of a Hopfield network to
#   penalties, annealing schedules and honest comparisons.
# * :doc:`The gallery <../examples/index>` has more problems: TSP, colouring, puzzles, your own models.
# * :doc:`The API reference <../api/index>` lists every public function with an example.
