"""
2. Synchronous updates and 2-cycles
===================================

Page 1 proved that the energy E(s) = −½ sᵀWs + θᵀs never rises when neurons update **one at a time**.
Hopfield's 1982 network was asynchronous on purpose: each neuron wakes up at random moments, as real
neurons do. Little (1974) had studied the same network with a global clock that updates **every** neuron at
once, s ← sgn(Ws − θ), and parallel hardware (a GPU, an analog circuit, a vectorised numpy line) makes that
version tempting: one matrix–vector product per step instead of n separate updates.

It is not the same dynamics. Synchronous updates can oscillate forever, and the energy can rise. What
survives is a theorem of Goles-Chacc, Fogelman-Soulié and Pellegrin (1985): with a symmetric W the
synchronous dynamics always end in a fixed point **or a cycle of length two**, never a longer cycle and
never chaos. This page shows the smallest 2-cycle, explains why the energy argument breaks, proves the
theorem with a second energy (and checks it on the computer), measures how common 2-cycles are, and ends
with the cure used in practice: update in parallel only neurons that are not coupled to each other.

hopopt has both dynamics: :func:`hopopt.synchronous` (all at once, reporting a 2-cycle when it finds one)
and :func:`hopopt.descend` (one at a time, :doc:`page 1 <01_energy>`).
"""

import networkx as nx
import numpy as np
from matplotlib.figure import Figure

from hopopt import EnergyModel, Status
from hopopt.plotting import plot_spin_raster, script_options
from hopopt.solvers import descend, synchronous

options = script_options(__doc__)
rng = np.random.default_rng(options.seed)

# %%
# Two neurons that copy each other
# --------------------------------
# W = [[0, 1], [1, 0]]: each neuron wants to agree with the other. Start from [+1, −1]. Each neuron sees a
# field of the other's sign and dutifully copies it, both at the same moment, so they swap: [−1, +1], then
# [+1, −1] again, forever. One neuron at a time, the first update makes them agree and the network stops.
swap = EnergyModel([[0.0, 1.0], [1.0, 0.0]])
parallel = synchronous(swap, [1, -1], max_steps=10)
one_at_a_time = descend(swap, [1, -1], order="fixed")
print(f"synchronous : {parallel.message}; states {parallel.info['history'].tolist()}; "
      f"energies {parallel.trace.tolist()}")
print(f"asynchronous: {one_at_a_time.message}; state {one_at_a_time.best_state.tolist()}; "
      f"energies {one_at_a_time.trace.tolist()}")
assert parallel.status == Status.TWO_CYCLE and np.all(parallel.trace == 1.0)
assert one_at_a_time.status == Status.CONVERGED and one_at_a_time.best_energy == -1.0

# %%
# Why the energy argument breaks
# ------------------------------
# Each neuron on its own makes a good move: flipping neuron 0 alone, or neuron 1 alone, lowers E by 2
# (the output above: from +1 to −1). The trouble is the pair. When a set S of neurons flips at once, the
# energy change is the sum of the single-flip costs ΔE_i = 2 s_i (h_i −
# θ_i) plus a correction for every coupled pair inside S,
#
#     ΔE(S) = Σ_{i∈S} ΔE_i − 4 Σ_{i<j, both in S} W_ij s_i s_j,
#
# because each single-flip cost counts the change of the bond (i, j), but when both ends flip the bond does
# not change at all. In the swap, the bond is broken (W₀₁ s₀ s₁ = −1), both neurons rush to mend it,
# and the correction +4 cancels their −2 − 2 exactly: the bond stays broken. The cell checks the formula
# for random sets on a random network.
n = 12
gauss = rng.normal(size=(n, n))
w = (gauss + gauss.T) / np.sqrt(2 * n)
np.fill_diagonal(w, 0.0)
net = EnergyModel(w, rng.normal(scale=0.5, size=n))
for trial in range(200):
    s = rng.choice([-1, 1], size=n)
    chosen = rng.random(n) < 0.4
    t = np.where(chosen, -s, s)
    pairs = np.outer(s * chosen, s * chosen) * w            # W_ij s_i s_j for i, j both in S (each pair twice)
    predicted = net.flip_costs(s)[chosen].sum() - 2 * pairs.sum()
    assert np.isclose(net.energy(t) - net.energy(s), predicted)
print("ΔE(S) = Σ ΔE_i − 4 Σ_pairs W_ij s_i s_j holds for 200 random sets of simultaneous flips")

# %%
# The energy that does fall: Goles' argument
# ------------------------------------------
# A synchronous step looks at the *previous* state to make the next one, so the natural quantity couples two
# consecutive states. Goles and co-authors used
#
#     L(t) = −s(t)ᵀ W s(t−1) + θᵀ (s(t) + s(t−1)).
#
# Write h(t) = W s(t). With W symmetric, s(t)ᵀWs(t−1) = s(t−1)ᵀWs(t), and a short calculation gives
#
#     L(t+1) − L(t) = −Σ_i (s_i(t+1) − s_i(t−1)) (h_i(t) − θ_i).
#
# Every term is ≤ 0: s_i(t+1) is the sign of h_i(t) − θ_i, so where it differs
# from s_i(t−1) the product is 2·abs(h_i(t) − θ_i). L never rises, and it stays
# constant only when s(t+1) = s(t−1) (barring exact ties). L takes finitely many values, so eventually
# s(t+1) = s(t−1) for good: the state has period 1 (a fixed point) or 2. That is the theorem.
#
# The cell runs :func:`hopopt.synchronous` from random starts on a random network with thresholds, picks a
# run in which the ordinary energy E *rises* at some step, and computes L along it from
# ``info["history"]`` (every state visited).
n = 40 if options.fast else 100
gauss = rng.normal(size=(n, n))
w = (gauss + gauss.T) / np.sqrt(2 * n)
np.fill_diagonal(w, 0.0)
theta = rng.normal(scale=0.3, size=n)
model = EnergyModel(w, theta)


def goles(history):
    """L(t) = −s(t)ᵀ W s(t−1) + θᵀ (s(t) + s(t−1)) for t = 1, 2, ..."""
    now, before = history[1:].astype(float), history[:-1].astype(float)
    return -np.einsum("ti,ij,tj->t", now, w, before) + (now + before) @ theta


for attempt in range(100):
    run = synchronous(model, rng=rng, max_steps=500)
    if run.status == Status.TWO_CYCLE and np.any(np.diff(run.trace) > 1e-12):
        break
history = run.info["history"]
lyapunov = goles(history)
e_rises = int(np.sum(np.diff(run.trace) > 1e-12))
assert np.all(np.diff(lyapunov) <= 1e-9), "Goles' L rose"
assert e_rises > 0 and run.status == Status.TWO_CYCLE
cycle = run.info["cycle"]
print(f"n = {n}: {run.message} after {len(history) - 1} steps (start {attempt + 1}); E rose at {e_rises} "
      f"of those steps, L at none")
print(f"the two states of the cycle differ in {int(np.sum(cycle[0] != cycle[1]))} of {n} neurons; "
      f"their energies: {model.energy(cycle[0]):.2f} and {model.energy(cycle[1]):.2f}")
after = descend(model, history[0], rng=rng)
assert after.status == Status.CONVERGED
print(f"asynchronous descent from the same start: {after.message}, energy {after.best_energy:.2f}")

figure = Figure(figsize=(11, 4.2), layout="constrained")
left, right = figure.subplots(1, 2, width_ratios=[1.1, 1])
steps = np.arange(len(run.trace))
left.plot(steps, run.trace, marker="o", color="tab:red", label="E(s(t)): can rise")
left.plot(steps[1:], lyapunov / 2, marker="s", color="tab:green", label="½ L(t) (Goles): never rises")
left.plot(np.arange(len(after.trace)) / n, after.trace, color="tab:blue",
          label="asynchronous E (x-axis: flips ÷ n)")
left.set_xlabel("synchronous step")
left.set_ylabel("energy")
left.set_title("Synchronous run ending in a 2-cycle")
left.legend(fontsize="small")
plot_spin_raster(history, title="States visited (rows: steps)", ax=right)
options.save(figure, "goles_energy.png")
figure

# %%
# The picture on the left shows L (halved, because at a fixed point s(t) = s(t−1) = s it equals 2E(s)) never
# rising and flattening out, while E goes up as well as down and, once the cycle is reached, alternates between
# the two energies printed above; on the right the last rows alternate between the two states of the cycle: the
# neurons that blink are the ones that differ between them.
#
# Synchronous is asynchronous on a doubled network
# ------------------------------------------------
# L is itself a Hopfield energy. Take two copies a and b of the neurons and join every a_i to every
# b_j with weight W_ij, nothing inside a copy:
#
#     W₂ = [[0, W], [W, 0]],   θ₂ = (θ, θ),   E₂(a, b) = −aᵀWb + θᵀ(a + b).
#
# E₂(s(t), s(t−1)) is exactly L(t). Neurons inside one copy are not coupled, so updating a whole copy one
# neuron at a time is the same as updating it all at once. Asynchronous descent on the doubled network in the
# fixed order "all of a, then all of b" therefore *is* the synchronous dynamics, the two copies taking turns
# to hold s(t). It stops at a fixed point (a, b) of the doubled network, where a = sgn(Wb − θ) and
# b = sgn(Wa − θ): either a = b (a fixed point of the original network) or a ≠ b (a 2-cycle). The cell
# checks both statements with :class:`hopopt.EnergyModel` and :func:`hopopt.descend`.
doubled = EnergyModel(np.block([[np.zeros((n, n)), w], [w, np.zeros((n, n))]]), np.concatenate([theta, theta]))
pairs = np.hstack([history[1:], history[:-1]])
assert np.allclose(doubled.energies(pairs), lyapunov)
on_doubled = descend(doubled, np.concatenate([history[0], history[0]]), order="fixed")
a, b = on_doubled.best_state[:n], on_doubled.best_state[n:]
assert on_doubled.status == Status.CONVERGED
assert {tuple(a), tuple(b)} == {tuple(cycle[0]), tuple(cycle[1])}
print(f"descent on the doubled network (2n = {2 * n}) stopped at the pair of the 2-cycle "
      f"after {on_doubled.sweeps_done} sweeps; E₂ there = {on_doubled.best_energy:.2f} = L at the end "
      f"({lyapunov[-1]:.2f})")

# %%
# How common are 2-cycles?
# ------------------------
# The fixed points of the doubled network are the original fixed points (a = b) plus two for every 2-cycle
# (a ≠ b, in either order), and nothing in the argument favours the first kind, so nothing makes 2-cycles
# rare. How often they occur depends on the couplings. The cell draws networks with Gaussian weights of
# spread 1/√n plus a common mean coupling μ/n, from "everyone opposes everyone" (μ < 0) through pure disorder (μ = 0) to "everyone agrees" (μ > 0), and
# counts, over random starts, how often :func:`hopopt.synchronous` ends in a 2-cycle. Asynchronous descent
# from the same starts is run too; it reaches a fixed point every time.
n = 40 if options.fast else 100
runs = 30 if options.fast else 100
means = np.linspace(-3.0, 4.0, 8 if options.fast else 15)
cycle_fraction, async_ok = [], 0
for mu in means:
    gauss = rng.normal(size=(n, n))
    w_mu = (gauss + gauss.T) / np.sqrt(2 * n) + mu / n
    np.fill_diagonal(w_mu, 0.0)
    net = EnergyModel(w_mu)
    cycles = 0
    for _ in range(runs):
        start = rng.choice([-1, 1], size=n)
        cycles += synchronous(net, start, max_steps=1000).status == Status.TWO_CYCLE
        async_ok += descend(net, start, rng=rng).status == Status.CONVERGED
    cycle_fraction.append(cycles / runs)
    print(f"μ = {mu:5.2f}: {cycles:3d} of {runs} synchronous runs ended in a 2-cycle")
assert async_ok == runs * len(means)
print(f"asynchronous descent: {async_ok} of {runs * len(means)} runs reached a fixed point")
disordered = cycle_fraction[int(np.argmin(np.abs(means)))]
assert cycle_fraction[0] > 0.5 and disordered > 0.5 and cycle_fraction[-1] < 0.5

figure = Figure(figsize=(7, 4.2), layout="constrained")
ax = figure.subplots()
ax.plot(means, cycle_fraction, marker="o", color="tab:red", label="synchronous: ends in a 2-cycle")
ax.plot(means, np.zeros_like(means), marker="s", color="tab:blue", label="asynchronous: never cycles")
ax.set_xlabel("mean coupling μ (weights ~ μ/n + Gaussian / √n)")
ax.set_ylabel(f"fraction of {runs} random starts")
ax.set_ylim(-0.05, 1.05)
ax.set_title(f"How often synchronous updates oscillate, n = {n}")
ax.legend()
options.save(figure, "two_cycle_fraction.png")
figure

# %%
# The output above shows oscillation as the *rule*, not the exception, for disordered and antagonistic couplings;
# only a strong common pull towards agreement (large μ, where one step brings almost every neuron onto the
# majority's side) lets synchronous updates settle. Optimisation problems encoded as energies (:doc:`page 5
# <05_encoding>` on) mostly have the disordered, frustrated kind of couplings, which is why hopopt's discrete
# solvers (descent, annealing) make one move at a time (a single flip, or for constrained models a swap or
# reassignment whose energy change is computed exactly) and spend their parallelism on independent restarts
# rather than on simultaneous updates of one state. (The analog solvers of :doc:`page 9 <09_analog>` do move
# every variable at once, but in small continuous steps, which is a different story.)
#
# The cure: update in parallel only what is not coupled
# -----------------------------------------------------
# The formula for ΔE(S) says more: updating many neurons at once is safe whenever **no two of them
# are coupled**, because then the correction term in ΔE(S) is zero and ΔE(S) = Σ ΔE_i ≤ 0. On a
# sparse network, colour the coupling graph so that no edge joins two neurons of the same colour, and update
# one colour class at a time. A square lattice needs two colours, like a chessboard. The cell puts random ±1
# couplings on a 2-D grid (an Edwards–Anderson spin glass) and runs three dynamics from the same start:
# fully synchronous, the chessboard (all black squares at once, then all white ones), and plain asynchronous
# descent.
side = 12 if options.fast else 24
grid = nx.grid_2d_graph(side, side)
index = {node: k for k, node in enumerate(grid.nodes)}
n = side * side
w_grid = np.zeros((n, n))
for u, v in grid.edges:
    w_grid[index[u], index[v]] = w_grid[index[v], index[u]] = rng.choice([-1.0, 1.0])
lattice = EnergyModel(w_grid)
black = np.array([(r + c) % 2 == 0 for r, c in grid.nodes])

for attempt in range(50):                               # a start whose fully synchronous run oscillates
    start = rng.choice([-1, 1], size=n)
    full = synchronous(lattice, start, max_steps=500)
    if full.status == Status.TWO_CYCLE:
        break
s = start.astype(float)
board = [lattice.energy(s)]
for step in range(500):
    before = s.copy()
    for colour in (black, ~black):
        drive = w_grid[colour] @ s
        s[colour] = np.where(drive > 0, 1.0, np.where(drive < 0, -1.0, s[colour]))
        board.append(lattice.energy(s))
    if np.array_equal(s, before):
        break
board = np.array(board)
assert np.all(np.diff(board) <= 1e-12) and np.all(lattice.flip_costs(s) >= 0)
sequential = descend(lattice, start, rng=rng)
print(f"{side}×{side} lattice: fully synchronous: {full.message} after {len(full.trace) - 1} steps "
      f"(the cycle's two states have energies {lattice.energy(full.info['cycle'][0]):g} "
      f"and {lattice.energy(full.info['cycle'][1]):g})")
print(f"chessboard: fixed point after {step + 1} double steps, energy {board[-1]:g}, never rose; "
      f"asynchronous descent: energy {sequential.best_energy:g} after {len(sequential.trace) - 1} flips")

figure = Figure(figsize=(7, 4.2), layout="constrained")
ax = figure.subplots()
ax.plot(np.arange(len(full.trace)), full.trace, marker="o", color="tab:red", label="fully synchronous")
ax.plot(np.arange(len(board)) / 2, board, marker=".", color="tab:green", label="chessboard (half steps)")
ax.plot(np.arange(len(sequential.trace)) / n, sequential.trace, color="tab:blue",
        label="asynchronous (x: flips ÷ n)")
ax.set_xlabel("step")
ax.set_ylabel("energy")
ax.set_title(f"±1 spin glass on a {side}×{side} grid, one start, three update schemes")
ax.legend()
options.save(figure, "chessboard.png")
figure

# %%
# Summary
# -------
# * Updating all neurons at once, s ← sgn(Ws − θ), can raise E and can oscillate: coupled neurons that flip
#   together undo each other's improvement.
# * With symmetric W the synchronous dynamics end in a fixed point or a 2-cycle (Goles et al. 1985), because
#   L(t) = −s(t)ᵀWs(t−1) + θᵀ(s(t) + s(t−1)) never rises. L is the energy of a doubled, bipartite network.
# * Asynchronous updates always settle. Parallelism is safe among neurons that are not coupled (a colouring
#   of the coupling graph, e.g. a chessboard on a lattice).
#
# Previous: :doc:`01_energy`. Next: :doc:`03_hebbian` stores memories in W and recalls them.
#
# Exercises
# ---------
#
# 1. In a complete "antiferromagnet" of 7 neurons (W_ij = −1 for all i ≠ j) each neuron wants to
#    oppose the majority of the others. Run :func:`~hopopt.synchronous` and :func:`~hopopt.descend` from the
#    same random start. What do they end in, and how many neurons are +1 at the asynchronous fixed point?
#
# .. dropdown:: Solution to exercise 1
#
#    .. code-block:: python
#
#       import numpy as np
#       from hopopt import EnergyModel, Status
#       from hopopt.solvers import descend, synchronous
#
#       n = 7
#       model = EnergyModel(-(np.ones((n, n)) - np.eye(n)))
#       start = np.array([1, 1, 1, 1, 1, -1, 1])
#       parallel = synchronous(model, start)
#       print(parallel.message, parallel.info["cycle"].tolist())
#       settled = descend(model, start, rng=0)
#       ups = int((settled.best_state == 1).sum())
#       print(settled.message, settled.best_state.tolist(), f"{ups} neurons +1")
#       # synchronous: everyone sees a majority of +1 and turns -1, then everyone turns +1, ...
#       assert parallel.status == Status.TWO_CYCLE
#       # asynchronous: a balanced state, 3 or 4 neurons up (the ground states of this model)
#       assert settled.status == Status.CONVERGED and ups in (3, 4)
#
# 2. 2-cycles do not need negative weights. Find a network with only *positive* weights (every coupled pair
#    wants to agree) and a start from which synchronous updates oscillate. Hint: a graph whose nodes split
#    into two sides with edges only across.
#
# .. dropdown:: Solution to exercise 2
#
#    .. code-block:: python
#
#       import numpy as np
#       from hopopt import EnergyModel, Status
#       from hopopt.solvers import descend, synchronous
#
#       # a ring of 4 neurons 0-1-2-3-0, every edge weight +1; sides {0, 2} and {1, 3}
#       w = np.zeros((4, 4))
#       for i in range(4):
#           w[i, (i + 1) % 4] = w[(i + 1) % 4, i] = 1.0
#       model = EnergyModel(w)
#       start = [1, -1, 1, -1]          # each neuron's two neighbours are on the other side
#       parallel = synchronous(model, start)
#       print(parallel.message, parallel.info["cycle"].tolist(), "energies", parallel.trace.tolist())
#       assert parallel.status == Status.TWO_CYCLE
#       settled = descend(model, start, rng=0)
#       print("asynchronous:", settled.best_state.tolist(), settled.best_energy)
#       assert abs(int(settled.best_state.sum())) == 4          # all agree
#
# 3. Check Goles' theorem on 20 random networks of 30 neurons with random thresholds: along every
#    synchronous run L(t) = −s(t)ᵀWs(t−1) + θᵀ(s(t) + s(t−1)) never rises, and every run ends in a fixed
#    point or a 2-cycle (never hits the step limit).
#
# .. dropdown:: Solution to exercise 3
#
#    .. code-block:: python
#
#       import numpy as np
#       from hopopt import EnergyModel, Status
#       from hopopt.solvers import synchronous
#
#       rng = np.random.default_rng(3)
#       largest, endings = -np.inf, {}
#       for _ in range(20):
#           a = rng.normal(size=(30, 30))
#           w = (a + a.T) / 2
#           np.fill_diagonal(w, 0.0)
#           theta = rng.normal(size=30)
#           run = synchronous(EnergyModel(w, theta), rng=rng, max_steps=1000)
#           s = run.info["history"].astype(float)
#           L = -np.einsum("ti,ij,tj->t", s[1:], w, s[:-1]) + (s[1:] + s[:-1]) @ theta
#           largest = max(largest, np.diff(L).max(initial=-np.inf))
#           endings[run.message] = endings.get(run.message, 0) + 1
#       print("largest rise of L:", largest)
#       print(endings)
#       assert largest <= 1e-9
#       assert set(endings) <= {"reached a fixed point: no update changes the state",
#                               "synchronous updates entered a 2-cycle"}
