"""
5. Encoding a problem into W and θ
==================================

So far the weights came from patterns. In 1985 Hopfield and Tank turned the network around: if the energy
of a network never rises, then *any* cost that can be written as an energy is minimised by letting the
network run. Their example was the travelling salesman problem on an analog network; Lucas (2014, "Ising
formulations of many NP problems") later catalogued such encodings for dozens of problems. The recipe has
three steps:

1. choose variables: spins s_i ∈ {−1, +1} or bits x_i ∈ {0, 1} whose values spell out a solution;
2. write the cost as a quadratic function of them; every *constraint* becomes a squared penalty that is zero
   exactly when it holds;
3. read W and θ off the coefficients: a term q·s_i s_j (each pair i < j once) becomes W_ij = W_ji = −q, a
   term c·s_i becomes θ_i = c, and the constant goes into the offset, because −½ sᵀWs = −Σ_{i<j} W_ij s_i s_j.

This page follows the recipe by hand for max-cut (no constraints) and for a one-hot constraint, then lets
hopopt's encoders do it for the travelling salesman and graph colouring, and finally writes a knapsack
down in the model builder (:class:`hopopt.constrained.ConstrainedModel`), which does steps 2 and 3 for any
linear constraints. Each encoding is checked in the only way that convinces: on every state of a small
instance.
"""

import itertools

import networkx as nx
import numpy as np

import hopopt
from hopopt import EnergyModel, GraphColoring, MaxCut, TSP
from hopopt.constrained import ConstrainedModel
from hopopt.plotting import (new_figure, plot_coloring, plot_cut, plot_knapsack, plot_tour, plot_weights,
                             script_options)
from hopopt.solvers import anneal, brute_force, held_karp

options = script_options(__doc__)
rng = np.random.default_rng(options.seed)


def every_state(n, vartype="spin"):
    """All 2ⁿ states, one per row, as spins or bits."""
    bits = (np.arange(2**n)[:, None] >> np.arange(n)) & 1
    return (2 * bits - 1 if vartype == "spin" else bits).astype(np.int8)


# %%
# Max-cut by hand
# ---------------
# Split the nodes of a weighted graph into two sides so that the edges between the sides weigh as much as
# possible. One spin per node says its side. An edge (i, j) is cut when s_i ≠ s_j, that is when
# (1 − s_i s_j)/2 = 1, so
#
#     cut(s) = Σ_(i,j) w_ij (1 − s_i s_j)/2,      E(s) = −cut(s) = Σ_(i,j) (w_ij/2) s_i s_j − ½ Σ w_ij.
#
# Reading off the coefficients: W_ij = −w_ij/2, θ = 0, offset = −½ Σ w_ij. Below, the model built by hand
# from this formula is compared with :meth:`hopopt.MaxCut.to_model` and with the cut counted edge by edge,
# on all 2¹² states of a random 3-regular graph with weights 1 to 3.
graph = nx.random_regular_graph(3, 12, seed=options.seed + 1)
for u, v in graph.edges:
    graph.edges[u, v]["weight"] = int(rng.integers(1, 4))
edges = np.array(graph.edges)
edge_weights = np.array([graph.edges[u, v]["weight"] for u, v in graph.edges], dtype=float)

by_hand = np.zeros((12, 12))
by_hand[edges[:, 0], edges[:, 1]] = by_hand[edges[:, 1], edges[:, 0]] = -edge_weights / 2
hand_model = EnergyModel(by_hand, offset=-edge_weights.sum() / 2)
problem = MaxCut.from_networkx(graph)
library_model = problem.to_model()

states = every_state(12)
cuts = (states[:, edges[:, 0]] != states[:, edges[:, 1]]) @ edge_weights   # edge by edge, all states at once
assert cuts[5] == problem.cut_weight((states[5] > 0).astype(int))
assert np.allclose(hand_model.energies(states), -cuts)
assert np.allclose(library_model.energies(states), -cuts)
best = brute_force(library_model)
print(f"{len(states)} states checked: E = −cut for both models; "
      f"maximum cut {-best.best_energy:g} of total weight {edge_weights.sum():g}, "
      f"reached by {best.ground_count} states")
assert best.ground_count % 2 == 0   # s and −s give the same cut

positions = nx.spring_layout(graph, seed=3)
figure = plot_cut(graph, problem.decode(best.best_state), positions=positions,
                  title=f"maximum cut {-best.best_energy:g} (ground state of E = −cut)")
options.save(figure, "maxcut.png")
figure

# %%
# The output above shows the ground states coming in pairs: flipping every spin swaps the two sides and cuts
# the same edges. The energy is symmetric under s → −s because θ = 0; a problem that needs to tell the two
# apart needs thresholds.
#
# Spins or bits
# -------------
# Many costs are more natural in bits x ∈ {0, 1} (is item i packed? does city c come at position p?).
# The substitution s = 2x − 1 turns a spin energy into a bit energy of the same form,
# E(x) = −½ xᵀW'x + θ'ᵀx + offset', and :meth:`hopopt.EnergyModel.to_binary` and
# :meth:`~hopopt.EnergyModel.to_spin` do it without changing the energy of any state:
binary_model = library_model.to_binary()
assert np.allclose(binary_model.energies((states + 1) // 2), library_model.energies(states))
print(f"binary max-cut model: W' = {binary_model.dense_weights()[edges[0, 0], edges[0, 1]]:g} on the first "
      f"edge (spin: {library_model.dense_weights()[edges[0, 0], edges[0, 1]]:g}), θ' of node 0 = "
      f"{binary_model.thresholds[0]:g}; the same energy on all {len(states)} states")

# %%
# A constraint as a penalty: "exactly one"
# ----------------------------------------
# Most problems forbid some states. "Exactly one of x_1 … x_k is 1" (one colour per node, one city per
# position) holds exactly when A (Σ_i x_i − 1)² is zero; any other state pays at least A. With bits,
# x_i² = x_i, so the square expands into
#
#     A (Σ x_i − 1)² = A (2 Σ_{i<j} x_i x_j − Σ x_i + 1):   W_ij = −2A,  θ_i = −A,  offset = A.
#
# Checked on all states of k = 5 bits, grouped by how many bits are on:
penalty, k = 3.0, 5
one_hot = EnergyModel(-2 * penalty * (np.ones((k, k)) - np.eye(k)), np.full(k, -penalty), penalty,
                      vartype="binary")
bits = every_state(k, "binary")
on = bits.sum(axis=1)
assert np.allclose(one_hot.energies(bits), penalty * (on - 1) ** 2)
for count in range(k + 1):
    print(f"{count} bits on: energy {one_hot.energies(bits[on == count])[0]:g} = A·({count} − 1)²")

# %%
# The penalty is zero on the k allowed states and grows quadratically with the distance from one bit on: no
# bit on and two bits on both cost A, and every further bit costs more (the output above). How large A must
# be compared with the rest of the cost is the subject of the next page.
#
# The travelling salesman (Hopfield & Tank 1985)
# ----------------------------------------------
# Hopfield and Tank used n² neurons: x[c, p] = 1 when city c is visited at position p. A tour is a
# permutation matrix, one 1 in every row (each city once) and every column (each position once): two
# one-hot penalties of weight A. The length adds D·d[c, e] whenever city c at position p is followed by city
# e at position p + 1 (cyclically):
#
#     E(x) = D Σ_p Σ_{c≠e} d[c,e] x[c,p] x[e,p+1] + A Σ_c (Σ_p x[c,p] − 1)² + A Σ_p (Σ_c x[c,p] − 1)².
#
# :meth:`hopopt.TSP.to_model` writes it (by default A = 2 D max d, twice the bound of Lucas 2014). With four
# cities there are 2¹⁶ states, few enough to check that the energy of every permutation matrix is the length
# of its tour, and to find the ground states by brute force.
cities = TSP.random(4, rng=options.seed)
tsp_model = cities.to_model()
lengths = {}
for tour in itertools.permutations(range(4)):
    energy = tsp_model.energy(cities.encode(tour))
    assert np.isclose(energy, cities.tour_length(tour))
    lengths[tour] = energy
ground = brute_force(tsp_model)
optimum = held_karp(cities.distances)
print(f"A = {tsp_model.metadata['penalty']:g} (max distance {cities.max_distance:g}); "
      f"{len(lengths)} permutation matrices have E = tour length")
print(f"ground energy {ground.best_energy:g}, {ground.ground_count} ground states; Held–Karp optimum "
      f"{optimum.objective:g}; ground state decodes to tour {cities.decode(ground.best_state).tolist()}")
assert np.isclose(ground.best_energy, optimum.objective)
assert not cities.state_violations(ground.best_state)
assert ground.ground_count == sum(np.isclose(e, optimum.objective) for e in lengths.values())
assert ground.ground_count == 8

# %%
# The output above shows the ground energy equal to the optimal length found by Held–Karp dynamic
# programming, and 8 ground states: the same optimal tour started at any of 4 cities and run in either of 2
# directions, all 8 of them permutation matrices (the cell asserts both). The weight matrix shows the
# structure of the encoding: blocks of −2A inside a row of the grid (one city twice), diagonals of −2A
# between rows (one position twice) and the distances on the neighbouring positions. What a broken state costs, term by term, is what
# :meth:`hopopt.TSP.explain` tells:
broken = cities.encode([0, 1, 2, 3]).reshape(4, 4)
broken[:, 1] = 0
broken[2, 1] = 1                              # city 2 at positions 1 and 2, city 1 nowhere
explanation = cities.explain(broken.ravel(), tsp_model)
for term, value in explanation.terms.items():
    print(f"  {term:>36}: {value:g}")
print("  violations:", "; ".join(explanation.violations))
assert np.isclose(explanation.total, tsp_model.energy(broken.ravel())) and explanation.violations

figure = new_figure(figsize=(10, 4.2), layout="constrained")
left, right = figure.subplots(1, 2)
plot_weights(tsp_model.dense_weights(), title="W of the 4-city TSP (neuron c·4 + p)", ax=left)
plot_tour(cities.coordinates, cities.decode(ground.best_state),
          title=f"ground state: tour of length {ground.best_energy:g}", ax=right)
options.save(figure, "tsp_encoding.png")
figure

# %%
# Graph colouring
# ---------------
# Give each of n nodes one of k colours so that no edge joins two nodes of the same colour: bits x[v, c],
# a one-hot penalty of weight A per node, and B = 1 per edge whose two ends share a colour,
#
#     E(x) = A Σ_v (Σ_c x[v,c] − 1)² + B Σ_(u,v) Σ_c x[u,c] x[v,c].
#
# Both terms are non-negative, so a proper colouring has E = 0 and every ground state with E = 0 is a proper
# colouring: the number of ground states must be the number of proper colourings. For a cycle of 5 nodes and 3
# colours that number is the chromatic polynomial (k − 1)ⁿ + (−1)ⁿ (k − 1) = 2⁵ − 2 = 30.
cycle = GraphColoring.from_networkx(nx.cycle_graph(5), colors=3)
cycle_ground = brute_force(cycle.to_model())
print(f"C5 with 3 colours: {cycle.n_variables} bits, ground energy {cycle_ground.best_energy:g}, "
      f"{cycle_ground.ground_count} ground states (chromatic polynomial: {2**5 - 2})")
assert cycle_ground.best_energy == 0 and cycle_ground.ground_count == 30

# %%
# Too many states to enumerate? Then a solver has to find the ground state. The Petersen graph needs three
# colours; its 10 × 3 = 30 bits are annealed with single flips (:func:`hopopt.anneal`, the pure penalty
# network: every bit may flip, so the one-hot rows must be kept by the penalty alone).
petersen = GraphColoring.from_networkx(nx.petersen_graph(), colors=3)
petersen_model = petersen.to_model()
annealed = anneal(petersen_model, n_sweeps=300, n_restarts=8, moves="single-flip", rng=options.seed)
colouring = petersen.decode(annealed.best_state)
print(f"Petersen graph: energy {annealed.best_energy:g}, {petersen.conflicts(colouring)} conflicting edges, "
      f"{len(set(colouring.tolist()))} colours; raw state one-hot: "
      f"{bool(np.all(petersen.assignment(annealed.best_state).sum(axis=1) == 1))}")
assert annealed.best_energy == 0 and petersen.evaluate(colouring).feasible
figure = plot_coloring(petersen, colouring, positions=nx.shell_layout(nx.petersen_graph(), [range(5, 10), range(5)]),
                       title="Petersen graph, E = 0")
options.save(figure, "coloring.png")
figure

# %%
# Inequalities and the model builder: a knapsack
# ----------------------------------------------
# Pack items of values v_i and weights w_i into a knapsack of capacity C for the largest total value. The
# constraint Σ w_i x_i ≤ C is an *inequality*, and a square only expresses an equality. The standard trick
# adds a *slack*: an integer s ∈ [0, C] with Σ w_i x_i + s = C, written in bits and penalised as
# P (Σ w_i x_i + s − C)². The model builder does all of this from the problem as one would write it on paper:
values = np.array([12, 9, 8, 7, 6, 5, 4, 3])
weights = np.array([7, 6, 5, 5, 4, 3, 3, 2])
capacity = 14
knapsack = ConstrainedModel("knapsack")
x = knapsack.binary("x", len(values))
knapsack.maximize(values @ x)
knapsack.add(weights @ x <= capacity, name="capacity")
energy_model = knapsack.to_model()
slack_bits = knapsack.n_energy_variables - knapsack.n_variables
print(f"{knapsack.n_variables} item bits + {slack_bits} slack bits; penalty 1.5 Δ = "
      f"{knapsack.default_penalty():g} (Δ = Σ|v| = {knapsack.objective_range_bound():g})")

# %%
# The slack takes ⌊log₂ C⌋ + 1 bits with the weights 1, 2, 4, … and a last one that makes the largest value
# exactly C (the "bounded" binary encoding), so every slack value from 0 to C can be written and none larger.
# For an encoded feasible packing, :meth:`~hopopt.constrained.ConstrainedModel.encode` sets the slack to the
# spare capacity, the penalty vanishes and the energy is minus the value; an overloaded packing pays the
# penalty whatever the slack says.
top = int(np.floor(np.log2(capacity)))
slack_weights = [2**i for i in range(top)] + [capacity - (2**top - 1)]
print(f"slack weights for C = {capacity}: {slack_weights}")
assert len(slack_weights) == slack_bits
feasible_checked = 0
for packing in every_state(len(values), "binary"):
    if weights @ packing <= capacity:
        state = knapsack.encode(packing)
        assert state[len(values):] @ slack_weights == capacity - weights @ packing
        assert np.isclose(energy_model.energy(state), -(values @ packing))
        feasible_checked += 1
print(f"{feasible_checked} feasible packings: slack = spare capacity and E = −value for each")
all_states = every_state(knapsack.n_energy_variables, "binary")
overloaded = all_states[:, :len(values)] @ weights > capacity
excess = energy_model.energies(all_states) + all_states[:, :len(values)] @ values   # E minus (−value)
print(f"{int(overloaded.sum())} overloaded states (any slack): energy at least −value + "
      f"{excess[overloaded].min():g}, the penalty 1.5 Δ times the smallest overload squared")
overload = all_states[:, :len(values)] @ weights - capacity
assert excess[overloaded].min() >= knapsack.default_penalty() - 1e-9
assert np.isclose(excess[overloaded].min(), knapsack.default_penalty() * overload[overloaded].min() ** 2)

# %%
# With 8 + 4 = 12 bits the energy model can be solved by brute force, and the builder's own exact method
# (:func:`hopopt.solve_exact`, a MILP on the original problem, without penalties or slacks) says what the
# answer should be. :func:`hopopt.solve` anneals the energy too, but at a much smaller penalty of its own,
# raised only while its answers come out infeasible (the output below prints the penalty it used;
# :doc:`06_penalties` explains why), and it repairs and polishes each answer.
ground = brute_force(energy_model)
exact = hopopt.solve_exact(knapsack)
annealed = hopopt.solve(knapsack, sweeps=1000, rng=options.seed)
ground_packing = knapsack.decode(ground.best_state)
print(f"brute force on the energy: E = {ground.best_energy:g}, packing {ground_packing.tolist()}; "
      f"violations of the raw ground state: {knapsack.state_violations(ground.best_state) or 'none'}")
print(f"exact ({exact.method}): value {exact.objective:g}, optimal {exact.optimal}; "
      f"anneal: value {annealed.objective:g}, at penalty {annealed.info['penalty']:g}")
assert np.isclose(-ground.best_energy, exact.objective) and not knapsack.state_violations(ground.best_state)
assert exact.method == "milp" and exact.optimal
assert annealed.objective == exact.objective and annealed.info["penalty"] < knapsack.default_penalty()

figure = plot_knapsack(values, weights, capacity, ground_packing,
                       title=f"ground state of the knapsack energy: value {-ground.best_energy:g}")
options.save(figure, "knapsack.png")
figure

# %%
# The output above shows the ground state of the penalty energy to be a feasible optimum, as the builder's
# penalty rule promises: P = 1.5 Δ exceeds the most the objective can change (Δ), so no overloaded state can
# undercut a feasible one. The built-in :class:`hopopt.Knapsack` is this same model, with a smaller penalty
# rule of its own (1.5 max v); at the same penalty the two energies agree on every state:
builtin = hopopt.Knapsack(values, weights, capacity)
same = np.allclose(builtin.to_model(knapsack.default_penalty()).energies(all_states),
                   energy_model.energies(all_states))
print(f"hopopt.Knapsack at penalty {knapsack.default_penalty():g}: the same energy on all {len(all_states)} "
      f"states: {same}; its own default penalty {builtin.default_penalty():g}")
assert same and builtin.default_penalty() == 1.5 * values.max()

# %%
# Set cover and the ``model`` kind of the command line are built the same way. The next page asks what
# happens when the penalty is chosen too small, or much larger than it needs to be.
#
# Exercises
# ---------
#
# 1. "Exactly k of n": expand A (Σ x_i − k)² for bits into W, θ and the offset, and check your answer on all
#    states of n = 6 bits with k = 2.
#
# .. dropdown:: Solution to exercise 1
#
#    .. code-block:: python
#
#       import numpy as np
#       from hopopt import EnergyModel
#
#       # A (Σx − k)² = A (2 Σ_{i<j} x_i x_j + (1 − 2k) Σ x_i + k²)  since x_i² = x_i
#       a, n, k = 2.0, 6, 2
#       model = EnergyModel(-2 * a * (np.ones((n, n)) - np.eye(n)), np.full(n, a * (1 - 2 * k)), a * k**2,
#                           vartype="binary")
#       bits = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(np.int8)
#       assert np.allclose(model.energies(bits), a * (bits.sum(axis=1) - k) ** 2)
#       zero = int(np.sum(model.energies(bits) == 0))
#       print(f"{zero} states of zero energy (6 choose 2 = 15)")
#       assert zero == 15
#
# 2. Number partitioning: split the numbers a = (4, 5, 6, 7, 8) into two groups of equal sum. With
#    s_i = ±1 for the group, the imbalance is Σ a_i s_i; encode E(s) = (Σ a_i s_i)² as an
#    :class:`~hopopt.EnergyModel` by hand and find its ground states by brute force.
#
# .. dropdown:: Solution to exercise 2
#
#    .. code-block:: python
#
#       import numpy as np
#       from hopopt import EnergyModel
#       from hopopt.solvers import brute_force
#
#       a = np.array([4.0, 5.0, 6.0, 7.0, 8.0])
#       # (Σ a s)² = Σ a_i² + 2 Σ_{i<j} a_i a_j s_i s_j : W_ij = −2 a_i a_j, offset Σ a_i²
#       w = -2 * np.outer(a, a)
#       np.fill_diagonal(w, 0.0)
#       model = EnergyModel(w, offset=float(a @ a))
#       result = brute_force(model)
#       groups = result.best_state
#       print("energy", result.best_energy, "groups", groups.tolist(), "sums",
#             a[groups > 0].sum(), a[groups < 0].sum(), "ground states", result.ground_count)
#       assert result.best_energy == 0 and a[groups > 0].sum() == a[groups < 0].sum() == 15
#
# 3. The complete graph on 4 nodes cannot be coloured with 3 colours. What is the ground energy of its
#    colouring energy (default penalty), and are its ground states one-hot?
#
# .. dropdown:: Solution to exercise 3
#
#    .. code-block:: python
#
#       import networkx as nx
#       import numpy as np
#       from hopopt import GraphColoring
#       from hopopt.solvers import brute_force
#
#       problem = GraphColoring.from_networkx(nx.complete_graph(4), colors=3)
#       model = problem.to_model()
#       result = brute_force(model)
#       rows = problem.assignment(result.best_state).sum(axis=1)
#       print("ground energy", result.best_energy, "colours per node", rows.tolist(),
#             "ground states", result.ground_count, "| penalty", model.metadata["penalty"])
#       # one conflicting edge is the least possible: two of the four nodes must share a colour
#       assert result.best_energy == 1 and np.all(rows == 1)
#
# Previous: :doc:`04_learning_rules` · Next: :doc:`06_penalties`
