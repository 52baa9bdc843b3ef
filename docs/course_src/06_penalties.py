"""
6. Choosing penalties
=====================

The previous page turned constraints into penalties A·(violation)² and left one number open: how large A
should be. Hopfield and Tank (1985) tuned their TSP network's four constants by hand; when Wilson and Pawley
(1988) repeated the experiment, most runs did not even end in a valid tour, and the choice of penalties has
been the crux of energy-based optimisation ever since. There are two ways to get it wrong:

* **too small**: breaking a constraint costs less than it saves on the objective, so the *ground state* of
  the energy is not a solution at all; no solver, however good, can help;
* **too large**: the ground states are right, but the landscape is not. Feasible states are separated by
  walls of penalty that single flips must climb, the objective's differences shrink to nothing on the
  energy's scale, and descent and annealing end in poor feasible states.

This page shows both on instances small enough to enumerate every state: where the ground state of a TSP
energy stops being a tour, how the number of local minima of a knapsack energy grows with its penalty and
what that does to annealing, and how a colouring penalty can be chosen for the *dynamics* and not only for
the ground state. It ends with what hopopt does in practice: anneal with a small penalty, repair the answer,
and raise the penalty only when the answers stay infeasible.
"""

import networkx as nx
import numpy as np

import hopopt
from hopopt import GraphColoring, Knapsack, TSP
from hopopt.plotting import new_figure, script_options
from hopopt.solvers import anneal, penalty_loop

options = script_options(__doc__)
rng = np.random.default_rng(options.seed)


def every_state(n):
    """All 2ⁿ binary states, one per row (bit i of the row number is variable i)."""
    return ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(np.int8)


def split_energy(problem, states):
    """Objective part and penalty part of the energy of every state: E(P) = objective + P · penalty.

    Every encoder here is linear in its penalty, so two models give both parts for any P without rebuilding.
    """
    one, two = problem.to_model(1.0).energies(states), problem.to_model(2.0).energies(states)
    return 2 * one - two, two - one


def local_minima(energies, n):
    """States that no single flip improves strictly (index ^ 2^i is the state with bit i flipped)."""
    index = np.arange(energies.size)
    best_neighbour = np.full(energies.size, np.inf)
    for bit in range(n):
        best_neighbour = np.minimum(best_neighbour, energies[index ^ (1 << bit)])
    return energies <= best_neighbour + 1e-9


# %%
# Too small: the ground state is not a tour
# -----------------------------------------
# The 4-city TSP energy of the previous page, E = D·length + A·(row penalties + column penalties), over all
# 2¹⁶ states at once, for 40 penalties A from 0.05 to 2 times the largest distance max d (D = 1). The figure
# shows the ground energy at each; for four of them the output gives that energy, how many states share it
# and how many neurons they switch on, whether every one of them is a tour, and their length and penalty
# terms (the penalty counted in units of A).
cities = TSP.random(4, rng=options.seed)
states = every_state(16)
length_part, penalty_part = split_energy(cities, states)
is_tour = penalty_part == 0
optimum = length_part[is_tour].min()
bound = cities.penalty_bound()                      # A > D·max d: every ground state is a tour (Lucas 2014)
ratios = np.round(np.linspace(0.05, 2.0, 40), 3)
ground_energy, ground_is_tour = [], []
for ratio in ratios:
    energies = length_part + ratio * bound * penalty_part
    ground = np.isclose(energies, energies.min())
    ground_energy.append(energies.min())
    ground_is_tour.append(bool(np.all(is_tour[ground])))
    if ratio in (0.05, 0.5, 1.0, 2.0):
        on = states[ground].sum(axis=1)
        print(f"A = {ratio:4.2f} max d: ground energy {energies.min():7.1f} in {int(ground.sum())} states "
              f"({on.min()}–{on.max()} neurons on), all tours: {ground_is_tour[-1]!s:5}; their length term "
              f"{length_part[ground].min():g}–{length_part[ground].max():g}, penalty "
              f"{penalty_part[ground].min():g}–{penalty_part[ground].max():g} × A")
    if ratio == 0.05:  # the first regime described below: no tour length, four units of penalty
        assert np.all(length_part[ground] == 0) and np.all(penalty_part[ground] == 4)
    if ratio == 0.5:   # the middle regime described below: three cities placed, two units of penalty
        assert np.all(on == 3) and np.all(penalty_part[ground] == 2)
threshold = ratios[np.argmax(ground_is_tour)]
print(f"optimal tour {optimum:g}; ground states are tours from A = {threshold} max d on this grid "
      f"(the guarantee: A > {bound:g} = 1.0 max d)")
assert not ground_is_tour[0] and all(ok for ratio, ok in zip(ratios, ground_is_tour) if ratio > 1.0)
smallest = length_part + ratios[0] * bound * penalty_part
assert np.all(length_part[np.isclose(smallest, smallest.min())] == 0)
assert all(ground_is_tour[list(ratios).index(threshold):]) and threshold < 1.0
# once the ground states are tours, the ground energy is the optimal length whatever A is
assert np.allclose(np.array(ground_energy)[np.array(ground_is_tour)], optimum)

figure = new_figure(figsize=(7, 4), layout="constrained")
ax = figure.subplots()
ground_energy, ground_is_tour = np.array(ground_energy), np.array(ground_is_tour)
ax.plot(ratios, ground_energy, color="tab:gray", zorder=1)
ax.scatter(ratios[~ground_is_tour], ground_energy[~ground_is_tour], color="tab:red", label="ground state not a tour")
ax.scatter(ratios[ground_is_tour], ground_energy[ground_is_tour], color="tab:green", label="ground states are tours")
ax.axhline(optimum, linestyle=":", color="black", label=f"optimal tour length {optimum:g}")
ax.axvline(1.0, linestyle="--", color="tab:blue", label="Lucas bound A = D max d")
ax.set(xlabel="penalty A / max d", ylabel="ground energy", title="4-city TSP: where the ground state becomes a tour")
ax.legend(loc="lower right")
options.save(figure, "tsp_threshold.png")
figure

# %%
# The output above shows the two ways the ground state cheats. At the smallest penalties many states tie
# for the ground: they switch neurons on only at positions that are not neighbours on the cycle, so the
# tour-length term is zero, and pay four units of penalty (cities left out and positions left empty, or
# doubled ones). Further up the ground states place three cities on consecutive positions: a path through
# three cities, plus two units of penalty for the city left out and its empty position. Only past a
# threshold (below the bound here, since the bound must hold for every instance) do the tours win, and from
# then on the ground energy is the optimal length whatever A is: in the feasible region the penalty adds
# nothing. hopopt's default is A = 2 D max d, twice the bound.
#
# Too large: a rugged landscape
# -----------------------------
# A large penalty leaves the ground state alone but changes every other state's neighbourhood. Take a
# knapsack small enough to enumerate (items plus slack bits: 2¹⁷ states, 2¹⁹ in the full version) and count,
# for each penalty P, the states that no single flip improves (the *local minima*, where descent stops), and
# run 64 anneals of 1000 sweeps with single flips (:func:`hopopt.anneal`, the default temperature range of
# :func:`hopopt.schedules.default_beta_range`, which follows the model's energy scale). The raw final states
# are judged as they are, without repair.
items = 10 if options.fast else 12
values = rng.integers(5, 30, items)
weights = rng.integers(5, 30, items)
knapsack = Knapsack(values, weights, int(weights.sum() // 2))
reference = hopopt.solve_exact(knapsack)
best_value = reference.objective
assert reference.optimal
n_bits = knapsack.n_variables
states = every_state(n_bits)
objective_part, penalty_part = split_energy(knapsack, states)
packed_value, fits = states[:, :items] @ values, states[:, :items] @ weights <= knapsack.capacity
print(f"{items} items, capacity {knapsack.capacity:g}, {n_bits} bits; optimum {best_value:g}; "
      f"penalty bound max v = {knapsack.penalty_bound():g}")

penalties = knapsack.penalty_bound() * np.geomspace(1e-4, 10, 8 if options.fast else 11)
study = []
for penalty in penalties:
    energies = objective_part + penalty * penalty_part
    ground = np.isclose(energies, energies.min())
    minima = local_minima(energies, n_bits)
    run = anneal(knapsack.to_model(penalty), n_sweeps=1000, n_restarts=64, moves="single-flip", rng=options.seed)
    final = run.states[:, :items]
    final_fits = final @ weights <= knapsack.capacity
    final_value = final @ values
    study.append({"penalty": penalty, "ground feasible": bool(np.all(fits[ground])),
                  "ground value": float(packed_value[ground].max()), "minima": int(minima.sum()),
                  "exact minima": int(np.sum(minima & (penalty_part == 0))),
                  "anneal feasible": float(np.mean(final_fits)),
                  "anneal optimal": float(np.mean(final_fits & (final_value == best_value))),
                  "anneal value": float(final_value[final_fits].mean()) if final_fits.any() else np.nan})
    row = study[-1]
    print(f"P = {penalty:9.4f}: ground feasible {row['ground feasible']!s:5} (value {row['ground value']:g}), "
          f"local minima {row['minima']:5d} ({row['exact minima']} of zero penalty); anneals: feasible "
          f"{row['anneal feasible']:.0%}, optimal {row['anneal optimal']:.0%}, mean feasible value "
          f"{row['anneal value']:.1f}")

minima_counts = [row["minima"] for row in study]
packings = every_state(items)
feasible_packings = int(np.sum(packings @ weights <= knapsack.capacity))
zero_penalty = penalty_part == 0
print(f"{feasible_packings} feasible packings, written in {int(zero_penalty.sum())} zero-penalty states (some "
      f"slack values have two binary spellings); at the largest P all of them are local minima: "
      f"{bool(np.all(minima[zero_penalty]))}, beside {int(np.sum(minima & fits & ~zero_penalty))} fitting states "
      f"with a wrong slack and {int(np.sum(minima & ~fits))} overloaded ones")
assert np.all(minima[zero_penalty]) and minima_counts[-1] > feasible_packings
best_row = max(study, key=lambda row: row["anneal optimal"])
assert not study[0]["ground feasible"] and study[-1]["ground feasible"]
assert minima_counts[-1] > 100 * minima_counts[0] and minima_counts == sorted(minima_counts)
assert minima_counts[-1] == minima_counts[-2], "the count levels off at large P"
assert study[0]["anneal feasible"] == 0, "at the smallest penalty the anneals end overloaded"
assert best_row["anneal optimal"] > study[-1]["anneal optimal"] and best_row["penalty"] < knapsack.penalty_bound()
at_bound_and_above = [row["anneal value"] for row in study if row["penalty"] >= knapsack.penalty_bound()]
assert max(at_bound_and_above) < best_row["anneal value"]
# past the bound: feasible almost every time, seldom optimal
assert all(row["anneal feasible"] >= 0.9 and row["anneal optimal"] <= 0.1
           for row in study if row["penalty"] >= knapsack.penalty_bound())

figure = new_figure(figsize=(12, 3.8), layout="constrained")
left, middle, right = figure.subplots(1, 3)
shown = np.array(penalties)
left.plot(shown, [row["ground value"] for row in study], marker="o")
left.scatter(shown[[not row["ground feasible"] for row in study]],
             [row["ground value"] for row in study if not row["ground feasible"]], color="tab:red", zorder=3,
             label="ground state overloaded")
left.axhline(best_value, linestyle=":", color="black", label="optimum")
left.set(title="value packed by the ground state", ylabel="value")
left.legend()
middle.plot(shown, minima_counts, marker="o", label="all")
middle.plot(shown, [row["exact minima"] for row in study], marker="s", label="zero penalty")
middle.set(title="single-flip local minima", yscale="log")
middle.legend()
right.plot(shown, [row["anneal feasible"] for row in study], marker="o", label="feasible")
right.plot(shown, [row["anneal optimal"] for row in study], marker="s", label="optimal")
right.set(title="64 anneals of 1000 sweeps", ylabel="fraction of anneals")
right.legend()
for ax in (left, middle, right):
    ax.set(xscale="log", xlabel="penalty P")
    ax.axvline(knapsack.penalty_bound(), linestyle="--", color="tab:blue")
figure.suptitle(f"knapsack of {items} items ({n_bits} bits); dashed: the bound P = max v above which ground "
                "states fit")
options.save(figure, "knapsack_penalties.png")
figure

# %%
# Read the three panels from left to right. Below a threshold the ground state is overloaded and packs more
# value than the optimum allows (left), and at the smallest penalties the anneals, doing their job, end in
# overloaded states (right). The number of single-flip local minima (middle) grows by orders of magnitude
# with P and then levels off once the penalty of a single flip, P·w², exceeds every value at stake. The
# output above says what the minima are then: every feasible packing, good or bad, with its slack at the
# spare capacity, is a pit. Adding or removing an item, even one that fits, breaks the equation
# Σ w x + s = C by its weight until the slack is rewritten too, which takes several flips, and the penalty
# of that one flip outweighs any value. Beside them sit states whose residual no single flip reduces,
# because the slack is written in binary and changing it by a small amount may take several flips (a
# carry), and even overloaded states whose items are all too heavy to remove without overshooting. Past the
# bound the ground state is the optimum for every P, yet annealing ends feasible almost every time and
# seldom at the optimum, and its mean feasible value, printed above, stays below that of the anneals at the
# most successful penalty: the schedule's temperatures follow the energy scale, which the penalty sets, so
# the objective's differences become small against them. The anneals succeed most often at a penalty
# *below* the bound, where the ground state is not even guaranteed to be feasible.
#
# A penalty for the dynamics: colouring
# -------------------------------------
# For graph colouring, E = A Σ_v (Σ_c x[v,c] − 1)² + B·(conflicting edges) with B = 1, any A > 0 makes the
# ground states proper colourings when one exists. hopopt's default asks more: A = B(⌊Δ/k⌋ + 1) (Δ the
# largest degree), which makes every single-flip local minimum one-hot (a node with two colours gains by
# dropping one; a node with none can always take a colour used by at most ⌊Δ/k⌋ of its neighbours). Below,
# the wheel graph on five nodes (a hub joined to a 4-cycle) with three colours, 15 bits: its single-flip
# local minima sorted into proper colourings, one-hot colourings with conflicts, and states that are not
# one-hot.
wheel = GraphColoring.from_networkx(nx.wheel_graph(5), colors=3)
states = every_state(wheel.n_variables)
one_hot = np.all(states.reshape(len(states), wheel.n, 3).sum(axis=2) == 1, axis=1)
conflicts = (states.reshape(len(states), wheel.n, 3)[:, wheel.edges[:, 0]]
             * states.reshape(len(states), wheel.n, 3)[:, wheel.edges[:, 1]]).sum(axis=(1, 2))
automatic = wheel.default_penalty()
colouring_penalties = [0.25, 0.5, 1.0, automatic, 4.0]
kinds = {"proper colourings": [], "one-hot with conflicts": [], "not one-hot": []}
for penalty in colouring_penalties:
    minima = local_minima(wheel.to_model(penalty).energies(states), wheel.n_variables)
    # the minima that are not one-hot leave a node uncoloured: none has a node with two colours
    assert np.all(states[minima & ~one_hot].reshape(-1, wheel.n, 3).sum(axis=2) <= 1)
    kinds["proper colourings"].append(int(np.sum(minima & one_hot & (conflicts == 0))))
    kinds["one-hot with conflicts"].append(int(np.sum(minima & one_hot & (conflicts > 0))))
    kinds["not one-hot"].append(int(np.sum(minima & ~one_hot)))
    print(f"A = {penalty:4g}: " + ", ".join(f"{name} {counts[-1]}" for name, counts in kinds.items()))
at_default = colouring_penalties.index(automatic)
assert kinds["not one-hot"][at_default] == kinds["not one-hot"][-1] == 0 and kinds["not one-hot"][0] > 0
assert kinds["one-hot with conflicts"][-1] > 10 * kinds["proper colourings"][-1]
with_conflicts = int(np.sum(one_hot & (conflicts > 0)))
print(f"one-hot colourings with conflicts: {with_conflicts}; local minima at the default A: "
      f"{kinds['one-hot with conflicts'][at_default]}")
assert kinds["one-hot with conflicts"][at_default] >= 0.8 * with_conflicts

figure = new_figure(figsize=(7, 4), layout="constrained")
ax = figure.subplots()
bottom = np.zeros(len(colouring_penalties))
labels = [f"{p:g}" + (" (default)" if p == automatic else "") for p in colouring_penalties]
for (name, counts), colour in zip(kinds.items(), ("tab:green", "tab:orange", "tab:red")):
    ax.bar(labels, counts, bottom=bottom, label=name, color=colour)
    bottom += counts
ax.set(xlabel="one-hot penalty A", ylabel="single-flip local minima",
       title=f"wheel graph W5, 3 colours: where single-flip descent can stop (Δ = {wheel.max_degree})")
ax.legend()
options.save(figure, "coloring_minima.png")
figure

# %%
# The output above shows the trade once more. With a small A, descent can stop in states that are not
# colourings at all (an uncoloured node whose every colour would add a conflict). From the default A on
# there are none, but the local minima now include most one-hot colourings with conflicts: with
# single flips, recolouring a node means passing through a state with two colours or none, which costs A.
# That is why hopopt's colouring annealer uses *one-hot moves* (``moves="one-hot"``: recolour a node in
# one step), for which A does not matter at all, and why the TSP annealer uses permutation moves: the best
# penalty is often no penalty, when the moves can keep the constraint.
#
# What hopopt does: start small, repair, raise
# --------------------------------------------
# When the constraint cannot be built into the moves, :func:`hopopt.solve` anneals at a *small* penalty
# (for a knapsack, the penalty at which packing an average item into a full knapsack costs an average value),
# repairs every answer (drop the worst value-per-weight items until it fits), polishes it, and raises the
# penalty only when the answers stay infeasible. The lower-level :func:`hopopt.solvers.penalty_loop` shows
# the raising alone, with no repair: here it starts at a penalty a hundred times below the bound and doubles
# it until the best annealed state itself fits.
loop = penalty_loop(knapsack.to_model, lambda state: not knapsack.state_violations(state),
                    knapsack.penalty_bound() / 100, max_rounds=12, n_sweeps=1000, n_restarts=16, rng=options.seed)
for entry in loop.info["penalty_rounds"]:
    print(f"  penalty {entry['penalty']:8.4f}: feasible {entry['feasible']}, best energy {entry['best_energy']:g}")
raised_value = knapsack.evaluate(knapsack.decode(loop.best_state)).objective
answer = hopopt.solve(knapsack, sweeps=1000, rng=options.seed)
print(f"penalty loop: value {raised_value:g} at penalty {loop.info['penalty']:.4f}; hopopt.solve: value "
      f"{answer.objective:g} (feasible {answer.feasible}) at penalty {answer.info['penalty']:.4f}; "
      f"optimum {best_value:g}")
assert loop.info["feasible"] and answer.feasible and answer.objective == best_value
assert answer.info["penalty"] < knapsack.penalty_bound()
assert np.isclose(answer.info["penalty"], knapsack.local_penalty())  # the small penalty described above

# %%
# The penalty loop ends with the first penalty whose best annealed state is feasible, which is a fair way
# to find the threshold but leaves the answer to luck; :func:`hopopt.solve` reaches the proved optimum at a
# penalty well below the bound, because the repair and the polish do what a large penalty would have done
# (keep the answer feasible) without making the landscape rugged. The gallery example
# :doc:`../examples/tank_penalty` shows the same trade-off in Hopfield and Tank's analog network: valid tours
# become common only as the penalty grows, and then the tours get longer.
#
# Exercises
# ---------
#
# 1. Take the 4-city TSP at A = 0.1 max d. What does a ground state look like, and what does
#    :meth:`hopopt.TSP.explain` say about it?
#
# .. dropdown:: Solution to exercise 1
#
#    .. code-block:: python
#
#       from hopopt import TSP
#       from hopopt.solvers import brute_force
#
#       cities = TSP.random(4, rng=0)
#       model = cities.to_model(penalty=0.1 * cities.max_distance)
#       ground = brute_force(model)
#       explanation = cities.explain(ground.best_state, model)
#       print(ground.best_state.reshape(4, 4))
#       print(explanation.terms)
#       print(explanation.violations)
#       # no two neurons at neighbouring positions: no length at all, and four units of penalty, 4A,
#       # cost less than the shortest tour
#       assert explanation.terms["tour length (D·length)"] == 0 and explanation.violations
#       assert abs(ground.best_energy - 4 * 0.1 * cities.max_distance) < 1e-6
#
# 2. For the knapsack with values (10, 7, 6, 3), weights (6, 5, 4, 2) and capacity 9, find the smallest
#    penalty P on the grid 0.5, 1, …, 10 at which every ground state fits, and compare it with the bound
#    max v = 10.
#
# .. dropdown:: Solution to exercise 2
#
#    .. code-block:: python
#
#       import numpy as np
#       from hopopt import Knapsack
#
#       problem = Knapsack([10, 7, 6, 3], [6, 5, 4, 2], 9)
#       n = problem.n_variables
#       states = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(np.int8)
#       fits = states[:, :4] @ problem.weights <= 9
#       smallest = None
#       for p in np.round(np.arange(0.5, 10.01, 0.5), 1):
#           energies = problem.to_model(p).energies(states)
#           ground = np.isclose(energies, energies.min())
#           if np.all(fits[ground]):
#               smallest = p
#               break
#       print(f"ground states fit from P = {smallest} on; the bound is {problem.penalty_bound():g}")
#       assert smallest is not None and smallest < problem.penalty_bound()
#
# 3. A triangle coloured with one colour (k = 1) has Δ = 2, so the default penalty is A = 3. Compare, at
#    A = 2 and at A = 3, the energy of the one-hot state (all three nodes coloured, three conflicts) with the
#    state that leaves one node uncoloured.
#
# .. dropdown:: Solution to exercise 3
#
#    .. code-block:: python
#
#       import networkx as nx
#       from hopopt import GraphColoring
#
#       triangle = GraphColoring.from_networkx(nx.complete_graph(3), colors=1)
#       print("default penalty", triangle.default_penalty())
#       for a in (2.0, 3.0):
#           model = triangle.to_model(penalty=a)
#           coloured, gap = model.energy([1, 1, 1]), model.energy([1, 1, 0])
#           print(f"A = {a}: all coloured {coloured:g}, one uncoloured {gap:g}")
#       # at A = 2 = B·⌊Δ/k⌋ the two tie, so descent may stop with a node uncoloured; at A = 3 it may not
#       assert triangle.to_model(penalty=2.0).energy([1, 1, 1]) == triangle.to_model(penalty=2.0).energy([1, 1, 0])
#       assert triangle.to_model(penalty=3.0).energy([1, 1, 1]) < triangle.to_model(penalty=3.0).energy([1, 1, 0])
#
# Previous: :doc:`05_encoding` · Next: :doc:`07_annealing`
