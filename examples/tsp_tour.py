"""
A travelling salesman tour, annealed and proved optimal
=======================================================

A random set of cities in a 1000 × 1000 square (``hopopt.TSP.random``, TSPLIB's rounded Euclidean
distances). :func:`hopopt.solve` writes the tour as a Hopfield energy over an n × n grid of neurons
("city x at step i"), anneals it with permutation moves (2-opt reversals of a stretch of the tour and
exchanges of two cities, so every state the annealer visits is a tour and its energy is the tour length),
and decodes the best tour. :func:`hopopt.solve_exact` then proves the optimum: the Held–Karp dynamic program
(:func:`hopopt.held_karp`) up to 16 cities, a mixed-integer program with subtour cuts solved by HiGHS
above that (:func:`hopopt.tsp_milp`); the output names the method used.

14 cities in the quick version (``--fast`` or ``HOPOPT_FAST=1``), 25 in the full one. From a shell:
``python examples/tsp_tour.py --out pictures [--fast]`` writes ``tsp_tour.png``.
"""

import numpy as np
from matplotlib.figure import Figure

import hopopt
from hopopt.plotting import plot_energy_traces, plot_tour, script_options

options = script_options(__doc__)
n = 14 if options.fast else 25
sweeps = 1000 if options.fast else 5000

# %%
# The cities
# ----------
problem = hopopt.TSP.random(n, rng=options.seed)
print(f"{problem.n} cities, distances {problem.distances[problem.distances > 0].min():g} to "
      f"{problem.distances.max():g}")

# %%
# Annealed
# --------
# A fixed number of sweeps and restarts keeps the page the same on every machine. The output gives the tour
# found, its length and whether it is a valid tour (every city once); the ``assert`` lines check that it is
# one and that the annealer's energy is its length.
answer = hopopt.solve(problem, sweeps=sweeps, restarts=2, rng=options.seed)
print(f"{answer.solver}: length {answer.objective:g}, valid {answer.feasible}, {answer.info['sweeps']} sweeps "
      f"x {answer.info['restarts']} restarts, {answer.time_s:.2f} s")
print(f"tour: {list(map(int, answer.solution))}")
assert answer.feasible and sorted(answer.solution) == list(range(n))
assert np.isclose(problem.tour_length(answer.solution), answer.objective)
assert np.isclose(answer.result.best_energy, answer.objective), "the energy is not the tour length"

# %%
# Proved
# ------
# The exact method's length, which method it used, and the annealer's gap to it.
exact = hopopt.solve_exact(problem, time_limit=60)
gap = (answer.objective - exact.objective) / exact.objective
print(f"exact ({exact.method}): length {exact.objective:g}, proved optimal {exact.optimal}, {exact.time_s:.2f} s")
print(f"the annealed tour is {100 * gap:.2f} % longer than the optimum")
assert exact.optimal and answer.objective >= exact.objective - 1e-9

# %%
# The tours and the energy
# ------------------------
# Left, the annealed tour; middle, the proved optimum; right, the tour length (the energy) of the best run
# after every sweep.
figure = Figure(figsize=(16, 5.2), layout="constrained")
axes = figure.subplots(1, 3)
plot_tour(problem.coordinates, answer.solution, title=f"annealed: {answer.objective:g}", ax=axes[0])
plot_tour(problem.coordinates, exact.solution, title=f"optimum ({exact.method}): {exact.objective:g}",
          ax=axes[1])
plot_energy_traces(answer.result.trace, title="anneal: energy = tour length", ax=axes[2])
axes[2].axhline(exact.objective, color="black", linestyle="--", linewidth=1, label="optimum")
axes[2].set_xlabel("sweep")
axes[2].set_ylabel("tour length")
axes[2].legend()
figure.suptitle(f"TSP on {n} random cities")
options.save(figure, "tsp_tour.png")
figure
