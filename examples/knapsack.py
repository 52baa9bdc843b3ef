"""
A knapsack: penalties, repair and the exact optimum
===================================================

Pack items of given weights and values into a knapsack of fixed capacity, as valuable as possible. The
capacity is an *inequality*, Σ w_i x_i ≤ C, which an energy can only hold as a penalty:
:class:`hopopt.Knapsack` adds slack binaries that turn it into an equality and a quadratic penalty
P (Σ w_i x_i + slack − C)² next to the objective −Σ v_i x_i (for integer weights). :func:`hopopt.solve`
anneals that energy with a small penalty P the kind chooses (raised in a further round only when even the
repaired answer breaks a constraint), then decodes every restart's final state: an overfull choice is
*repaired* (the packed items of the worst value/weight ratio go first) and then improved by adding items
that fit and by swaps. :func:`hopopt.solve_exact` solves the same instance exactly; the output names its
method (dynamic programming over the weights here).

A weakly correlated random instance, one of Pisinger's classes: weights uniform in 1..R, each value within
R/10 of its item's weight, so no item is an obvious pick, and a capacity of half the total weight. 30 items
in the quick version (``--fast`` or ``HOPOPT_FAST=1``), 100 in the full one. From a shell:
``python examples/knapsack.py --out pictures [--fast]`` writes ``knapsack.png``.
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
# The output gives the value and weight of the decoded packing, whether it fits, the penalty of every round
# and the decoding steps.
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
# energy may well lie a little over the capacity; the output shows whether it did here. The decoder's
# repair is what makes the answer a packing that fits.
raw_state = answer.result.best_state
print(problem.explain(raw_state, model=problem.to_model(penalty=answer.info["penalty"])))
raw_violations = problem.state_violations(raw_state)
print(f"raw state: {len(raw_violations)} violated constraint(s) {raw_violations}")

# %%
# Against the exact optimum
# -------------------------
# The output gives the exact method, the optimum and the annealed packing's gap to it; the ``assert``
# checks the optimum is proved and not beaten.
exact = hopopt.solve_exact(problem, time_limit=60)
gap = (exact.objective - answer.objective) / exact.objective
print(f"exact ({exact.method}): value {exact.objective:g}, proved optimal {exact.optimal}, {exact.time_s:.3f} s")
print(f"the annealed packing is {100 * gap:.2f} % below the optimum")
assert exact.optimal and answer.objective <= exact.objective + 1e-9 and exact.method == "dynamic-programming"
print(problem.evaluate(exact.solution))

# %%
# The packings
# ------------
# Every item as a point (weight, value); packed items are filled. The good items (high value for little
# weight) lie up and to the left.
figure = Figure(figsize=(12, 5), layout="constrained")
axes = figure.subplots(1, 2, sharey=True)
plot_knapsack(problem.values, problem.weights, problem.capacity, answer.solution,
              title=f"annealed, value {answer.objective:g}", ax=axes[0])
plot_knapsack(problem.values, problem.weights, problem.capacity, exact.solution,
              title=f"exact ({exact.method}), value {exact.objective:g}", ax=axes[1])
figure.suptitle(f"Knapsack, {n} weakly correlated items")
options.save(figure, "knapsack.png")
figure
