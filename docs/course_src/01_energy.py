"""
1. The energy, and why it never rises
=====================================

In 1982 John Hopfield described a network of binary neurons, joined by symmetric weights W_ij = W_ji with
no self-connections (W_ii = 0), each with a threshold θ_i. He wrote the states as 0 and 1; this course uses
the equivalent spins s_i ∈ {−1, +1}. A neuron looks at its *local field* h_i = Σ_j W_ij s_j (in
vector form h = Ws) and updates itself by the rule

    s_i ← sgn(h_i − θ_i)        (a tie, h_i = θ_i, keeps s_i)

one neuron at a time, in any order. His observation was that the quantity

    E(s) = −½ sᵀWs + θᵀs

never goes up under these updates, so the network rolls downhill until it stops in a state no single update
can change. Everything else in this course leans on that one fact: memories are stored by shaping the valleys of E
(:doc:`page 3 <03_hebbian>`), and optimisation problems are solved by writing their cost as an E whose lowest
valley is the answer (:doc:`page 5 <05_encoding>` onwards).

This page builds the energy by hand on a three-neuron network, derives the energy change of one flip,
checks the descent property exhaustively on every state of a small network, watches
:func:`hopopt.descend` roll down a larger one, and ends with a trap: if the threshold enters the energy
with the *wrong sign*, the same dynamics make that "energy" rise.

hopopt's :class:`hopopt.EnergyModel` holds W, θ (and a constant offset) and uses exactly the convention
above: E(s) = −½ sᵀWs + θᵀs + offset.
"""

import itertools

import numpy as np

from hopopt import EnergyModel
from hopopt.plotting import plot_energy_traces, script_options
from hopopt.solvers import brute_force, descend

options = script_options(__doc__)
rng = np.random.default_rng(options.seed)

# %%
# Three neurons by hand
# ---------------------
# Neurons 0 and 1 want to agree (W₀₁ = +1, a positive weight rewards equal signs), neuron 2 wants to
# disagree with both (negative weights), and neuron 0 has a threshold of 0.5 that pushes it towards −1
# (the term θ₀s₀ costs energy when s₀ = +1). There are only 2³ = 8 states: the table lists each one with
# its local fields and its energy, computed once by the formula and once by
# :meth:`hopopt.EnergyModel.energies`.
weights = np.array([[0.0, 1.0, -1.0],
                    [1.0, 0.0, -2.0],
                    [-1.0, -2.0, 0.0]])
thresholds = np.array([0.5, 0.0, 0.0])
small = EnergyModel(weights, thresholds)

states = np.array(list(itertools.product([-1, 1], repeat=3)))
by_hand = np.array([-0.5 * s @ weights @ s + thresholds @ s for s in states])
energies = small.energies(states)
assert np.allclose(by_hand, energies)
print(" state        h = Ws          E(s)")
for s, h, e in zip(states, small.local_fields(states), energies):
    print(f"{str(s.tolist()):>12}  {str(h.tolist()):>16}  {e:6.2f}")
lowest = states[np.argmin(energies)]
mirror = small.energy(-lowest)
print(f"lowest energy {energies.min():g} at {lowest.tolist()}; its mirror image {(-lowest).tolist()} has {mirror:g}")
assert lowest.tolist() == [-1, -1, 1] and np.isclose(mirror - energies.min(), 2 * thresholds[0])

# %%
# The output above shows the wishes at work: the lowest state puts neuron 2 against the other two, and the threshold
# decides between it and its mirror image (all signs reversed), which would satisfy the weights just as well: −½
# sᵀWs does not change when s → −s, so the two differ only through θᵀs, by 2·abs(θ₀) = 1.
#
# What one flip costs
# -------------------
# Flip neuron i alone, s_i → −s_i. In −½ sᵀWs the terms that contain s_i are
# −s_i Σ_{j≠i} W_ij s_j = −s_i h_i (the ½ disappears because
# each pair appears twice, and W_ii = 0 means h_i does not contain s_i itself). The
# threshold term contributes θ_i s_i. Changing the sign of s_i changes both, so
#
#     ΔE_i = 2 s_i (h_i − θ_i)      (with the old value of s_i).
#
# :meth:`hopopt.EnergyModel.flip_costs` returns exactly these numbers. The cell checks them against the
# difference of two energies, for every state and every neuron of the small network.
for s in states:
    for i in range(3):
        flipped = s.copy()
        flipped[i] = -flipped[i]
        assert np.isclose(small.energy(flipped) - small.energy(s), small.flip_costs(s)[i])
print("flip costs from the formula agree with energy differences for all", len(states) * 3, "single flips")

# %%
# Why the update rule goes downhill
# ---------------------------------
# Compare the update rule with the flip cost. The rule sets s_i to the sign of
# h_i − θ_i:
#
# * if s_i already has that sign, nothing changes (ΔE = 0);
# * otherwise s_i (h_i − θ_i) < 0 before the flip, so ΔE_i < 0: the energy
#   falls by 2·abs(h_i − θ_i).
#
# So each single update either does nothing or lowers E. There are finitely many states and each flip
# lowers E by a positive amount, so the network cannot visit a state twice and must stop: in a state where
# every flip cost is ≥ 0, a *local minimum* under single flips. That is the whole proof, and it uses all
# three assumptions: W symmetric (so the pair (i, j) appears twice with the same weight), W_ii = 0
# (so h_i does not depend on s_i), and one neuron at a time (:doc:`page 2 <02_synchronous>` shows what goes wrong
# otherwise).
#
# The computer can check the claim exhaustively on a network small enough to list: six neurons with random
# weights and thresholds, all 64 states, every neuron.
n_small = 6
gauss = rng.normal(size=(n_small, n_small))
w6 = (gauss + gauss.T) / 2
np.fill_diagonal(w6, 0.0)
six = EnergyModel(w6, rng.normal(size=n_small))
all_states = np.array(list(itertools.product([-1, 1], repeat=n_small)))
largest_change = -np.inf
for s in all_states:
    drive = six.local_fields(s) - six.thresholds
    for i in range(n_small):
        updated = s.copy()
        updated[i] = 1 if drive[i] > 0 else (-1 if drive[i] < 0 else s[i])
        largest_change = max(largest_change, six.energy(updated) - six.energy(s))
print(f"largest energy change over all {len(all_states) * n_small} single updates: {largest_change:.3g}")
assert largest_change <= 0

# %%
# The landscape and its valleys
# -----------------------------
# The same six-neuron network drawn as a landscape. Each dot is one of the 64 states, placed by its number of
# +1 neurons (left to right) and its energy (bottom to top); grey lines join states one flip apart. A state
# is a fixed point of the dynamics when none of its flips lowers E; those are the red stars. The cell checks
# that :func:`hopopt.descend`, started from every one of the 64 states, always ends on a red star, and that
# the lowest one, the *ground state*, is what :func:`hopopt.brute_force` finds by enumeration.
from matplotlib.figure import Figure

landscape = six.energies(all_states)
minima = np.array([np.all(six.flip_costs(s) >= 0) for s in all_states])
index_of = {tuple(s): k for k, s in enumerate(all_states)}
ends = {index_of[tuple(descend(six, s, rng=rng).best_state)] for s in all_states}
assert ends <= set(np.flatnonzero(minima)), "descent stopped somewhere that is not a local minimum"
ground = brute_force(six)
assert np.isclose(ground.best_energy, landscape.min())
print(f"{minima.sum()} local minima among {len(all_states)} states; descent from each of the {len(all_states)} "
      f"states ended in one of them ({len(ends)} different ends); ground energy {ground.best_energy:.3f}")

ups = all_states.sum(axis=1) // 2 + n_small // 2          # number of +1 neurons
jitter = rng.uniform(-0.25, 0.25, size=len(all_states))
x = ups + jitter
figure = Figure(figsize=(8, 5), layout="constrained")
ax = figure.subplots()
for k, s in enumerate(all_states):
    for i in range(n_small):
        if s[i] < 0:                                        # draw each single-flip edge once
            t = s.copy()
            t[i] = 1
            j = index_of[tuple(t)]
            ax.plot([x[k], x[j]], [landscape[k], landscape[j]], color="0.85", linewidth=0.6, zorder=1)
ax.scatter(x[~minima], landscape[~minima], s=14, color="tab:blue", zorder=2, label="state")
ax.scatter(x[minima], landscape[minima], s=160, marker="*", color="tab:red", zorder=3,
           label="local minimum (fixed point)")
ax.set_xlabel("number of +1 neurons")
ax.set_ylabel("energy E(s)")
ax.set_title(f"All {len(all_states)} states of a 6-neuron network; lines join single flips")
ax.legend()
options.save(figure, "energy_landscape.png")
figure

# %%
# Rolling downhill on a larger network
# ------------------------------------
# With many neurons the states cannot be listed, but the argument above does not care about size.
# :func:`hopopt.descend` runs the asynchronous rule (a fresh random visiting order each sweep) and records
# the energy after every flip in ``trace``. Several random starts on one random network with 16 neurons
# (22 in the full version): every curve is a staircase down, and each run stops at a fixed point (every
# flip cost ≥ 0). The ground state, from :func:`hopopt.brute_force` (which lists all 2ⁿ states, so n stays
# small here), is the dashed line.
n = 16 if options.fast else 22
starts = 6 if options.fast else 12
gauss = rng.normal(size=(n, n))
w = (gauss + gauss.T) / np.sqrt(2 * n)
np.fill_diagonal(w, 0.0)
model = EnergyModel(w, rng.normal(scale=0.5, size=n))

runs = [descend(model, rng=rng) for _ in range(starts)]
traces = [run.trace for run in runs]
rises = sum(int(np.sum(np.diff(trace) > 1e-12)) for trace in traces)
assert rises == 0
for run in runs:
    assert run.message.startswith("reached a fixed point") and np.all(model.flip_costs(run.best_state) >= -1e-12)
exact = brute_force(model)
hits = sum(np.isclose(run.best_energy, exact.best_energy) for run in runs)
print(f"n = {n}: flips per run {[len(t) - 1 for t in traces]}, energy rises {rises}")
assert hits <= starts // 2
print(f"final energies {[round(float(run.best_energy), 3) for run in runs]}; ground state {exact.best_energy:.3f}, "
      f"reached by {hits} of {starts} runs")

figure = plot_energy_traces(traces, title=f"Asynchronous descent, {starts} random starts, n = {n}")
figure.axes[0].axhline(exact.best_energy, color="black", linestyle="--", linewidth=1, label="ground state")
figure.axes[0].set_xlabel("flip")
figure.axes[0].legend(fontsize="small", ncol=2)
options.save(figure, "energy_descent.png")
figure

# %%
# The output above also shows the other half of the story: descent stops in the *nearest* valley, and at most half
# of the starts (here: the count printed above) reach the ground state. Descent is a local method. Escaping shallow
# valleys needs noise, which :doc:`page 7 <07_annealing>` (annealing) adds.
#
# The sign trap
# -------------
# Texts differ on how the threshold enters. Some write a *bias* b_i = −θ_i and the rule
# s_i ← sgn(h_i + b_i) with energy −½ sᵀWs − bᵀs; others keep θ and the rule
# s_i ← sgn(h_i − θ_i). Both pairs are consistent. Mixing them, the rule
# s_i ← sgn(h_i − θ_i) with the "energy"
#
#     E′(s) = −½ sᵀWs − θᵀs,
#
# is a common slip. The same derivation as above gives ΔE′_i = 2 s_i (h_i +
# θ_i) for a flip, and the rule only guarantees that s_i (h_i − θ_i) < 0
# before it flips. When a neuron flips while abs(h_i) < abs(θ_i), h_i − θ_i and h_i + θ_i have opposite signs,
# so that flip makes E′ *rise*.
#
# To see it, replay one descent: ``info["flipped"]`` lists the neuron flipped at each step, so the
# trajectory can be rebuilt and both energies measured along it. The replayed E matches the solver's own
# trace, never rises, and E′ rises at some steps. With θ = 0 the two energies are the same function, which
# is why the slip goes unnoticed on memory networks (:doc:`page 3 <03_hebbian>`), whose thresholds are zero.
wrong = EnergyModel(w, -model.thresholds)                  # E'(s) = -1/2 sᵀWs - θᵀs
for attempt in range(50):                                  # not every start shows E' rising; take the first
    start = rng.choice([-1, 1], size=n)
    run = descend(model, start, rng=rng)
    s = start.copy()
    path = [s.copy()]
    for i in run.info["flipped"]:
        s[i] = -s[i]
        path.append(s.copy())
    path = np.array(path)
    e, e_wrong = model.energies(path), wrong.energies(path)
    up = np.flatnonzero(np.diff(e_wrong) > 1e-12) + 1
    if up.size:
        break
assert np.allclose(e, run.trace) and np.all(np.diff(e) <= 1e-12)
assert up.size > 0
print(f"the same {len(e) - 1} flips: E rose at 0 of them, E' rose at {up.size} of them (start {attempt + 1})")

steps = np.arange(len(e))
figure = Figure(figsize=(10, 4), layout="constrained")
left, right = figure.subplots(1, 2, sharex=True)
left.plot(steps, e, marker=".", color="tab:blue")
left.set_title("E = −½ sᵀWs + θᵀs: never rises")
right.plot(steps, e_wrong, marker=".", color="tab:gray")
right.scatter(up, e_wrong[up], color="tab:red", zorder=3, label=f"E′ rose ({up.size} flips)")
right.set_title("E′ = −½ sᵀWs − θᵀs: rises at some flips")
right.legend()
for axis in (left, right):
    axis.set_xlabel("flip")
    axis.set_ylabel("energy")
figure.suptitle("One trajectory of s_i ← sgn(h_i − θ_i), measured with two energies")
options.save(figure, "energy_sign_trap.png")
figure

# %%
# The fix is to keep the pair together: with E′ use the rule sgn(h_i + θ_i), which is
# plain descent on the model ``EnergyModel(W, −θ)``, and E′ never rises again. hopopt stores thresholds
# with the plus sign in E and its solvers use sgn(h − θ), so a model you build with
# :class:`hopopt.EnergyModel` is always consistent; the trap only opens when a formula from elsewhere is
# copied in with the other convention.
fixed = descend(wrong, start, rng=rng)
assert np.all(np.diff(fixed.trace) <= 1e-12)
print(f"descent on E' itself (rule sgn(h + θ)): {len(fixed.trace) - 1} flips, E' never rises")

# %%
# Summary
# -------
# * E(s) = −½ sᵀWs + θᵀs, and a flip of neuron i costs ΔE_i = 2 s_i (h_i − θ_i).
# * The rule s_i ← sgn(h_i − θ_i), one neuron at a time, only makes flips with
#   ΔE < 0, so it stops at a local minimum. This needs a symmetric W with a zero diagonal.
# * Descent is local: where it stops depends on the start.
# * The threshold's sign in E must be the opposite of its sign in the rule.
#
# Next: :doc:`02_synchronous` updates all neurons at once and finds the energy argument broken.
#
# Exercises
# ---------
#
# 1. For a random network of 5 neurons with thresholds, check ΔE_i = 2 s_i (h_i −
#    θ_i) against :meth:`~hopopt.EnergyModel.flip_costs` and against two calls of
#    :meth:`~hopopt.EnergyModel.energy`, for every state and every neuron.
#
# .. dropdown:: Solution to exercise 1
#
#    .. code-block:: python
#
#       import itertools
#       import numpy as np
#       from hopopt import EnergyModel
#
#       rng = np.random.default_rng(1)
#       a = rng.normal(size=(5, 5))
#       w = (a + a.T) / 2
#       np.fill_diagonal(w, 0.0)
#       model = EnergyModel(w, rng.normal(size=5))
#       checked = 0
#       for s in itertools.product([-1, 1], repeat=5):
#           s = np.array(s)
#           formula = 2 * s * (w @ s - model.thresholds)
#           assert np.allclose(formula, model.flip_costs(s))
#           for i in range(5):
#               t = s.copy()
#               t[i] = -t[i]
#               assert np.isclose(model.energy(t) - model.energy(s), formula[i])
#               checked += 1
#       print(f"{checked} single flips checked")
#
# 2. Symmetry matters. Take the asymmetric weights W = [[0, 1], [−1, 0]] (neuron 0 copies neuron 1, neuron 1
#    copies the opposite of neuron 0). :class:`~hopopt.EnergyModel` refuses them, so run the asynchronous rule
#    with numpy, updating neurons 0, 1, 0, 1, ... from [+1, +1]. Does it settle?
#
# .. dropdown:: Solution to exercise 2
#
#    .. code-block:: python
#
#       import numpy as np
#       from hopopt import EnergyModel
#
#       w = np.array([[0.0, 1.0], [-1.0, 0.0]])
#       try:
#           EnergyModel(w)
#       except ValueError as error:
#           print("EnergyModel:", error)
#       s = np.array([1, 1])
#       seen = [tuple(s.tolist())]
#       for step in range(12):
#           i = step % 2
#           h = w[i] @ s
#           s[i] = 1 if h > 0 else (-1 if h < 0 else s[i])
#           seen.append(tuple(s.tolist()))
#       print(seen)
#       # after the first update the four states repeat with period 4 and never stop:
#       # no function of the state can decrease all along a cycle, so no energy exists for these weights
#       assert seen[1] == seen[5] == seen[9] and len(set(seen)) == 4
#
# 3. The zero diagonal matters too. A single neuron with a negative self-coupling W₀₀ = −1 has field
#    h₀ = −s₀. What does the update rule do, and what happens to −½ sᵀWs? (Work it out with plain numpy:
#    :class:`~hopopt.EnergyModel` refuses a non-zero diagonal.)
#
# .. dropdown:: Solution to exercise 3
#
#    .. code-block:: python
#
#       import numpy as np
#
#       w = np.array([[-1.0]])
#       s = np.array([1.0])
#       history, energies = [], []
#       for step in range(6):
#           history.append(int(s[0]))
#           energies.append(float(-0.5 * s @ w @ s))
#           h = w @ s
#           s = np.where(h > 0, 1.0, np.where(h < 0, -1.0, s))
#       print("states", history, "energies", energies)
#       # the neuron flips at every update and never settles; -1/2 sᵀWs = 1/2 whatever s is, so no flip
#       # lowers the energy: with W_ii ≠ 0 the field h_i contains s_i itself and ΔE ≠ 2 s_i (h_i - θ_i)
#       assert history == [1, -1, 1, -1, 1, -1] and len(set(energies)) == 1
