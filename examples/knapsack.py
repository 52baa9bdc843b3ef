"""
A knapsack: penalties, repair and the exact optimum
===================================================

Pack items of given weights and values into a knapsack of fixed capacity, as valuable as possible. The
capacity is an *inequality*, Σ w_i x_i ≤ C, which an energy can only hold as a penalty:
:class:`hopopt.Knapsack` adds slack binaries that turn it into an equality and a quadratic penalty
P (Σ w_i x_i + slack − C)² next to the objective −Σ v_i x_i. :func:`hopopt.solve` anneals that energy
with a penalty P the kind chooses (raised in further rounds when the answer still breaks the capacity), then
decodes the best state: an overfull choice is *repaired* (the items of the worst value/weight ratio go
first) and polished with single flips and swaps. :func:`hopopt.solve_exact` solves the same instance exactly by
dynamic programming over the weights.

A weakly correlated random instance of Pisinger's classes (each value within a tenth of the weight range of the
item's weight, so no item is an obvious pick): 30 items in the quick version (``--fast`` or ``HOPOPT_FAST=1``),
100 in the full one. From a shell: ``python examples/knapsack.py --out pictures [--fast]`` writes
``knapsack.png``.
"""

import numpy as np
from matplotlib.figure import Figure

import hopopt
from hopopt.plotting import plot_knapsack, script_options

options = script_options(__doc__)
n = 30 if options.fast else 100
sweeps = 1000 if options.fast else 4000

# %%
# The instance
# ------------
problem = hopopt.Knapsack.random(n, "weakly", rng=options.seed)
model = problem.to_model()
print(f"{problem.n} items, total weight {problem.weights.sum():g}, capacity {problem.capacity:g}; "
      f"the energy has {model.n} binaries ({model.n - problem.n} of them slack)")

# %%
# Annealed
# --------
# The output gives the value and weight of the decoded packing, the penalty the loop settled on and whether
# the packing fits.
answer = hopopt.solve(problem, sweeps=sweeps, rng=options.seed)
weight = float(problem.weights @ answer.solution)
print(f"{answer.solver}: value {answer.objective:g}, weight {weight:g} of {problem.capacity:g}, "
      f"feasible {answer.feasible}, violations {list(answer.violations) or 'none'}")
print(f"penalty rounds: {[round(r['penalty'], 6) for r in answer.info['penalty_rounds']]}; "
      f"decoding: {answer.info['polish']}")
assert answer.feasible and weight <= problem.capacity

# %%
# What the energy's best state was, before decoding
# -------------------------------------------------
# ``problem.explain`` splits the energy of the annealer's best raw state (on the model with the penalty the
# annealer used) into its terms and names the constraints it breaks. With a small penalty the lowest
# energy may well lie a little over the capacity — the output shows whether it did here. The decoder's
# repair is what makes the answer a packing that fits.
raw_state = answer.result.best_state
print(problem.explain(raw_state, model=problem.to_model(penalty=answer.info["penalty"])))
raw_violations = problem.state_violations(raw_state)
print(f"raw state: {len(raw_violations)} violated constraint(s) {raw_violations}")

# %%
# Against the exact optimum
# -------------------------
exact = hopopt.solve_exact(problem, time_limit=60)
gap = (exact.objective - answer.objective) / exact.objective
print(f"exact ({exact.method}): value {exact.objective:g}, proved optimal {exact.optimal}, {exact.time_s:.3f} s")
print(f"the annealed packing is {100 * gap:.2f} % below the optimum")
assert exact.optimal and answer.objective <= exact.objective + 1e-9
print(problem.evaluate(exact.solution))

# %%
# The packings
# ------------
# Every item as a point (weight, value); packed items are filled. The good items lie up and to the left.
figure = Figure(figsize=(12, 5), layout="constrained")
axes = figure.subplots(1, 2, sharey=True)
plot_knapsack(problem.values, problem.weights, problem.capacity, answer.solution,
              title=f"annealed, value {answer.objective:g}", ax=axes[0])
plot_knapsack(problem.values, problem.weights, problem.capacity, exact.solution,
              title=f"exact ({exact.method}), value {exact.objective:g}", ax=axes[1])
figure.suptitle(f"Knapsack, {n} weakly correlated items")
options.save(figure, "knapsack.png")
figure
