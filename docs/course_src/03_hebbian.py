"""
3. Hebbian memory: storage, recall, capacity and spurious states
================================================================

Hopfield's 1982 paper was about *memory*, not optimisation: a content-addressable memory that is handed a
damaged or partial version of something it has seen and returns the whole. Pages 1 and 2 showed that
asynchronous updates roll the state down the energy E(s) = −½ sᵀWs (thresholds zero here) into a valley.
A memory is then a matter of shaping W so that the valleys sit on the things to remember.

The recipe goes back to Hebb (1949), often summed up as "cells that fire together wire together". To store P patterns
ξ¹, ..., ξᴾ ∈ {−1, +1}ᴺ, strengthen the connection between two neurons whenever they agree in a pattern
and weaken it when they disagree:

    W_ij = (1/N) Σ_μ ξ_i^μ ξ_j^μ   (i ≠ j),   W_ii = 0.

This page stores patterns with :func:`hopopt.problems.memory.store`, looks inside the local field to see
why a pattern is (almost) a fixed point, recalls patterns from noisy cues with
:func:`hopopt.workflows.memory.recall`, measures how many patterns fit (the capacity; Amit, Gutfreund and
Sompolinsky's 1985 theory gives P ≈ 0.138 N for large N) with
:func:`hopopt.workflows.memory.capacity_curve`, and meets the memories nobody stored: reversed patterns and
mixtures.
"""

import math
from collections import Counter

import numpy as np
from matplotlib.figure import Figure

from hopopt.plotting import plot_capacity_curves, plot_patterns, script_options
from hopopt.problems.memory import classify_state, corrupt, store
from hopopt.solvers import descend
from hopopt.workflows.memory import capacity_curve, recall

options = script_options(__doc__)
rng = np.random.default_rng(options.seed)

# %%
# One pattern
# -----------
# With a single pattern ξ, W = ξξᵀ/N (diagonal zeroed) and the local field of neuron i in a state s is
#
#     h_i = Σ_{j≠i} W_ij s_j = ξ_i (N m − ξ_i s_i)/N ≈ ξ_i m,   with the overlap m = (1/N) ξ·s ∈ [−1, 1].
#
# Every neuron is pulled towards ξ_i when m > 0 and towards −ξ_i when m < 0. So from any
# start with m ≠ 0 the network falls into ξ or into its mirror image −ξ, whichever is closer: the state space
# is cut into two basins of equal size (starts with m = 0 exactly are a tie, and the cell skips them). Since
# E(s) = −(N m² − 1)/2, E(ξ) = −(N − 1)/2 is the lowest energy there is. The cell checks this from random
# starts.
n = 64
xi = rng.choice([-1, 1], size=n)
single = store(xi)
print(f"N = {n}: E(ξ) = {single.energy(xi):g} = −(N − 1)/2, E(−ξ) = {single.energy(-xi):g}")
assert single.energy(xi) == single.energy(-xi) == -(n - 1) / 2
ends = Counter()
for _ in range(40):
    start = rng.choice([-1, 1], size=n)
    m = xi @ start / n
    assert np.isclose(single.energy(start), -(n * m**2 - 1) / 2)
    if m == 0:
        continue
    final = descend(single, start, rng=rng).best_state
    ends["ξ" if np.array_equal(final, xi) else "−ξ" if np.array_equal(final, -xi) else "other"] += 1
    assert np.array_equal(final, np.sign(m) * xi), "a start did not fall into the pattern on its side"
print(f"descent from random starts ended in: {dict(ends)}")

# %%
# Many patterns: signal and cross-talk
# ------------------------------------
# With P patterns, put the network in pattern ν and look at neuron i. Its field splits into the part from
# ν itself and the part from all the others:
#
#     ξ_i^ν h_i = (N − 1)/N  +  (1/N) Σ_{μ≠ν} Σ_{j≠i} ξ_i^ν ξ_i^μ ξ_j^μ ξ_j^ν.
#
# The first term is the *signal*, almost 1. The second, the *cross-talk*, is a sum of about P·N random ±1
# terms divided by N: for random patterns it is close to Gaussian with mean 0 and variance α = P/N, the
# *load*. Neuron i is stable in pattern ν when ξ_i^ν h_i > 0, so the fraction of
# unstable neurons is about Φ(−1/√α), Φ the standard normal distribution function. The cell stores random
# patterns at three loads, computes ξ_i^ν h_i for every pattern and neuron with
# :meth:`hopopt.EnergyModel.local_fields`, and compares the unstable fraction with that formula.
n = 200 if options.fast else 500
loads = (0.05, 0.138, 0.3)
aligned, unstable = {}, {}
for alpha in loads:
    patterns = rng.choice([-1, 1], size=(round(alpha * n), n))
    memory = store(patterns)
    aligned[alpha] = (patterns * memory.local_fields(patterns)).ravel()
    unstable[alpha] = float(np.mean(aligned[alpha] < 0))
    theory = 0.5 * math.erfc(1 / math.sqrt(2 * alpha))
    spread = float(np.std(aligned[alpha]))
    print(f"α = {alpha:5.3f} (P = {round(alpha * n)}): mean ξh = {aligned[alpha].mean():.3f}, spread "
          f"{spread:.3f} (√α = {math.sqrt(alpha):.3f}); unstable {100 * unstable[alpha]:.2f} % "
          f"(Gaussian estimate {100 * theory:.2f} %)")
    assert abs(spread - math.sqrt(alpha)) < 0.25 * math.sqrt(alpha)
assert unstable[0.05] < unstable[0.138] < unstable[0.3]
assert unstable[0.05] < 1e-3 and 0 < unstable[0.138] < 0.01      # "essentially none", "a fraction of a percent"
assert all(abs(unstable[a] - 0.5 * math.erfc(1 / math.sqrt(2 * a))) < 0.3 * unstable[a] + 1e-3 for a in loads)

figure = Figure(figsize=(8, 4.2), layout="constrained")
ax = figure.subplots()
for alpha in loads:
    ax.hist(aligned[alpha], bins=(np.arange(-300, 700, 6) + 0.5) / n, density=True, histtype="step", linewidth=1.5,
            label=f"α = {alpha:g}: {100 * unstable[alpha]:.2f} % unstable")
ax.axvline(0, color="black", linewidth=1)
ax.text(0.02, 0.97, "unstable ←", transform=ax.transAxes, va="top")
ax.set_xlabel("aligned field ξ_i h_i in a stored pattern (signal ≈ 1, cross-talk spread √α)")
ax.set_ylabel("density")
ax.set_title(f"Signal and cross-talk, Hebb rule, N = {n}")
ax.legend()
options.save(figure, "crosstalk.png")
figure

# %%
# The output above agrees with the Gaussian estimate. At α = 0.05 essentially every neuron is stable, so the
# stored patterns are fixed points. At α = 0.138 a fraction of a percent of the neurons want to flip
# straight away; each flip moves the state away from the pattern and adds cross-talk, so whether the
# network stays *near* the pattern is a collective question, which the capacity theory below answers.
#
# Recall from a noisy cue
# -----------------------
# A cue is a stored pattern with some neurons flipped (:func:`hopopt.problems.memory.corrupt`).
# :func:`hopopt.workflows.memory.recall` runs asynchronous sweeps from it, records the overlap
# m_μ = (1/N) ξ^μ·s with every stored pattern after each sweep, and names the end state. Here N = 100
# (drawn as 10×10 images), five random patterns (α = 0.05), and a cue with 35 % of its pixels flipped: its
# overlap with the target starts at 1 − 2·0.35 = 0.3.
side = 10
patterns = rng.choice([-1, 1], size=(5, side * side))
memory = store(patterns)
cue = corrupt(patterns[0], 0.35, rng=rng)
result = recall(memory, cue, rng=rng)
print(f"recall: sweeps {len(result.states) - 1}, final state is {result.label!r}, "
      f"overlaps {np.round(result.overlaps[0], 2).tolist()} -> {np.round(result.overlaps[-1], 2).tolist()}")
assert np.isclose(result.overlaps[0, 0], 0.3)
assert result.matched == 0 and result.converged and np.all(np.diff(result.energies) <= 1e-12)

# %%
# Recall is usually over within a sweep or two, so to watch it happen the cell follows one descent flip by
# flip: :func:`hopopt.descend` lists the neuron flipped at each step in ``info["flipped"]``, and replaying
# them gives every intermediate state. The images are snapshots along the way; below them, the overlap
# with each stored pattern after every flip.
run = descend(memory, cue, rng=rng)
path = [cue.copy()]
for i in run.info["flipped"]:
    path.append(path[-1].copy())
    path[-1][i] = -path[-1][i]
path = np.array(path)
overlap_path = path @ patterns.T / path.shape[1]
flips = len(path) - 1
assert np.array_equal(path[-1], patterns[0]) and np.all(np.diff(overlap_path[:, 0]) > 0)
print(f"descent from the cue: {flips} flips, each one raising the overlap with the target by 2/N")

figure = Figure(figsize=(10, 5.6), layout="constrained")
top, bottom = figure.subfigures(2, 1, height_ratios=[1, 1.2])
moments = sorted({round(q * flips) for q in (0, 0.25, 0.5, 0.75, 1)})
images = np.vstack([patterns[0], path[moments]])
titles = ["stored ξ⁰"] + [f"after {k} flips" if k else "cue (35 % flipped)" for k in moments]
plot_patterns(images, (side, side), titles=titles, title="Recall of pattern 0, flip by flip", ax=top.subplots())
ax = bottom.subplots()
for mu in range(len(patterns)):
    ax.plot(overlap_path[:, mu], linewidth=2.5 if mu == 0 else 1,
            label="target ξ⁰" if mu == 0 else f"ξ{'¹²³⁴'[mu - 1]}")
ax.set_xlabel("flip")
ax.set_ylabel("overlap m_μ")
ax.set_ylim(-1.05, 1.05)
ax.legend(ncol=5, fontsize="small")
options.save(figure, "recall.png")
figure

# %%
# How far can a cue be from the pattern and still be recalled? The *basin of attraction*. The cell cues
# the patterns many times at each noise level and counts exact recalls, at three loads. (It calls
# :func:`hopopt.descend` directly, which is what :func:`~hopopt.workflows.memory.recall` does sweep by
# sweep, and compares the end state with the pattern.) With noise 0.5 the cue has overlap 0 with the
# pattern and says nothing about it; past 0.5 it would be nearer the reversed pattern.
n = 100 if options.fast else 200
noise_levels = np.round(np.arange(0.0, 0.51, 0.05), 2)
cues_per_level = 20 if options.fast else 60
basins = {}
for alpha in (0.03, 0.08, 0.13):
    patterns = rng.choice([-1, 1], size=(round(alpha * n), n))
    memory = store(patterns)
    fractions = []
    for noise in noise_levels:
        hits = 0
        for k in range(cues_per_level):
            target = k % len(patterns)
            final = descend(memory, corrupt(patterns[target], noise, rng=rng), rng=rng).best_state
            hits += np.array_equal(final, patterns[target])
        fractions.append(hits / cues_per_level)
    basins[alpha] = fractions
    print(f"α = {alpha:4.2f} (P = {len(patterns)}): recalled exactly at noise "
          + ", ".join(f"{noise:.2f}: {f:.2f}" for noise, f in zip(noise_levels, fractions)))
widths = {alpha: noise_levels[np.flatnonzero(np.array(f) >= 0.5)].max(initial=0) for alpha, f in basins.items()}
assert widths[0.03] >= widths[0.13], "the basin did not shrink with the load"
assert basins[0.03][list(noise_levels).index(0.3)] >= 0.9 and basins[0.13][0] < 1

figure = Figure(figsize=(7, 4.2), layout="constrained")
ax = figure.subplots()
for alpha, fractions in basins.items():
    ax.plot(noise_levels, fractions, marker="o", label=f"α = {alpha:g}")
ax.set_xlabel("fraction of the cue's neurons flipped")
ax.set_ylabel("fraction recalled exactly")
ax.set_title(f"Basins of attraction shrink with the load, N = {n}")
ax.legend()
options.save(figure, "basins.png")
figure

# %%
# The output above shows wide basins at low load (a cue with 30 % of its neurons wrong still comes back)
# that shrink as the load grows; at α = 0.13 even a clean cue (noise 0) is not always recalled *exactly*:
# some patterns are not fixed points, because a few of their neurons are unstable (as the cross-talk
# histogram showed), and descent moves the state off them.
#
# Capacity: the 0.138 N line
# --------------------------
# Amit, Gutfreund and Sompolinsky (1985) solved the Hebbian network with the methods of spin-glass physics:
# for N → ∞ a state close to each pattern (within about 1.6 % of the neurons) stays a valley of E up to
# α_c ≈ 0.138, and disappears abruptly beyond it, taking the memory with it. The measurement below
# uses :func:`hopopt.workflows.memory.capacity_curve`: at each load it stores P = αN random patterns, cues
# them with 5 % flipped neurons, and counts a recall when the final state is within 2 % of the pattern. The
# load where that fraction first falls below one half (interpolated between the loads tried) is the measured
# α_c, for several N.
sizes = (50, 100, 200) if options.fast else (100, 200, 400)
curves, measured = {}, {}
for size in sizes:
    out = capacity_curve(size, "hebb", trials=2 if options.fast else 4, rng=rng)
    curves[f"N = {size}"] = out["curve"]
    measured[size] = out["alpha_c"]
    print(f"N = {size:4d}: measured α_c = {out['alpha_c']:.3f} (theory for N → ∞: 0.138)")
assert all(a is not None and 0.138 < a < 0.25 for a in measured.values())
figure = plot_capacity_curves(curves, theory=0.138, title="Hebb rule: fraction recalled against the load")
options.save(figure, "capacity.png")
figure

# %%
# The curves fall from "everything recalled" to "nothing recalled" over a range of loads just above the theoretical
# line; the theory's sharp transition exists only at N = ∞, and small networks blur it. At finite N and with a 2 %
# tolerance the 50 % point sits somewhat above 0.138 (the output above); hopopt's own measurement at N = 1000 (in
# :mod:`hopopt.workflows.memory`) gives about 0.157. Either way the Hebb rule stores only about one pattern
# for every six or seven neurons, and :doc:`page 4 <04_learning_rules>` shows rules that do much better.
#
# Memories nobody stored: spurious states
# ---------------------------------------
# The energy has valleys that are not patterns:
#
# * **Reversed patterns.** With zero thresholds E(−s) = E(s) for every state, so −ξ^μ is exactly as
#   deep as ξ^μ. A cue that is mostly wrong falls into it.
# * **Mixtures.** s = sgn(ξ¹ + ξ² + ξ³) agrees with each of the three patterns on about 3/4 of the neurons
#   (overlap ½ with each). In the energy −½ N Σ_μ m_μ² this gives about −(3/8) N,
#   against −½ N for a pattern: a shallower valley, but a valley (Amit, Gutfreund and Sompolinsky, 1985).
# * **Spin-glass states** with small overlap with every pattern, which multiply at high load.
#
# The cell runs descent from random starts (not from cues) and names each end state with
# :func:`hopopt.problems.memory.classify_state`, which recognises patterns, reversed patterns and
# 3-mixtures within 2 % of the neurons, at a low and a higher load.
n = 150 if options.fast else 200
starts = 40 if options.fast else 120
census, depth = {}, {}
for p in (3, round(0.1 * n)):
    patterns = rng.choice([-1, 1], size=(p, n))
    memory = store(patterns)
    assert np.allclose(memory.energies(patterns), memory.energies(-patterns))
    counts, energies = Counter(), {}
    for _ in range(starts):
        final = descend(memory, rng=rng).best_state
        label = classify_state(final, patterns, tolerance=0.02)
        kind = label.split()[0] if label != "spurious" else "other spurious"
        counts[kind] += 1
        energies.setdefault(kind, []).append(memory.energy(final) / n)
    census[p], depth[p] = counts, {kind: float(np.mean(values)) for kind, values in energies.items()}
    print(f"P = {p:2d} (α = {p / n:.3f}), {starts} random starts: "
          + ", ".join(f"{kind} {counts[kind]} (mean E/N {depth[p][kind]:.3f})" for kind in sorted(counts)))
low = census[3]
assert low["pattern"] > 0 and low["reversed"] > 0 and low["mixture"] > 0
assert depth[3]["pattern"] < depth[3]["mixture"] and abs(depth[3]["mixture"] + 0.375) < 0.05
assert census[round(0.1 * n)]["other spurious"] > 0
print(f"theory at low load: E/N ≈ −0.5 for a pattern, −0.375 for a 3-mixture")

kinds = ["pattern", "reversed", "mixture", "other spurious"]
figure = Figure(figsize=(8, 4.2), layout="constrained")
ax = figure.subplots()
width = 0.38
for offset, (p, counts) in zip((-width / 2, width / 2), census.items()):
    ax.bar(np.arange(len(kinds)) + offset, [counts[kind] / starts for kind in kinds], width,
           label=f"P = {p} (α = {p / n:.3f})")
ax.set_xticks(np.arange(len(kinds)), kinds)
ax.set_ylabel(f"fraction of {starts} random starts")
ax.set_title(f"Where descent ends from random starts, Hebb rule, N = {n}")
ax.legend()
options.save(figure, "spurious.png")
figure

# %%
# The output above shows the census. At P = 3, starts end in patterns and in reversed patterns (equally deep and,
# from a random start, equally likely to be nearer), and some end in a mixture, whose energy per neuron is near the
# −3/8 of the theory, above the −½ of a pattern. At the higher load, many starts also end in other spurious
# states that :func:`~hopopt.problems.memory.classify_state` cannot name: neither a pattern, nor a reversed
# pattern, nor a 3-mixture. For a memory the reversed patterns are harmless (a reversed image is easy to
# recognise), mixtures are not: the network confidently answers with something it was never shown. Adding a little
# noise to the dynamics (the annealing of :doc:`page 7 <07_annealing>`) lets the state climb out of the shallower
# mixture valleys; better learning rules (:doc:`page 4 <04_learning_rules>`) make them fewer.
#
# Summary
# -------
# * The Hebb rule W = (1/N) Σ ξ^μ ξ^μᵀ (diagonal zeroed) makes each stored pattern a valley of E; the local
#   field in a pattern is a signal ≈ 1 plus cross-talk of spread √α.
# * Recall is descent from the cue; basins are wide at low load and shrink as α grows.
# * The capacity is about 0.138 N patterns (Amit, Gutfreund and Sompolinsky 1985); measured curves at finite N
#   fall a little above that line.
# * Reversed patterns and mixtures are valleys too.
#
# Previous: :doc:`02_synchronous`. Next: :doc:`04_learning_rules`, the Storkey and pseudo-inverse rules
# and modern Hopfield networks.
#
# Exercises
# ---------
#
# 1. With zero thresholds every reversed pattern is exactly as deep as its pattern. Show that a threshold
#    θ = −c ξ⁰ (c > 0) breaks the tie in favour of ξ⁰: compare E(ξ⁰) and E(−ξ⁰) before and after, and see
#    where descent from random starts ends.
#
# .. dropdown:: Solution to exercise 1
#
#    .. code-block:: python
#
#       import numpy as np
#       from hopopt import EnergyModel
#       from hopopt.problems.memory import store
#       from hopopt.solvers import descend
#
#       rng = np.random.default_rng(0)
#       xs = rng.choice([-1, 1], size=(3, 100))
#       plain = store(xs)
#       biased = EnergyModel(plain.weights, thresholds=-0.1 * xs[0])
#       print("plain :", plain.energy(xs[0]), plain.energy(-xs[0]))
#       print("biased:", biased.energy(xs[0]), biased.energy(-xs[0]))
#       assert plain.energy(xs[0]) == plain.energy(-xs[0])
#       assert biased.energy(xs[0]) < biased.energy(-xs[0])
#       ends = [descend(biased, rng=rng).best_state for _ in range(50)]
#       to_pattern = sum(np.array_equal(s, xs[0]) for s in ends)
#       to_reversed = sum(np.array_equal(s, -xs[0]) for s in ends)
#       print(f"50 random starts: {to_pattern} end in ξ⁰, {to_reversed} in −ξ⁰")
#       assert to_pattern > to_reversed
#
# 2. Store three random patterns in N = 500 neurons and build the mixture s = sgn(ξ⁰ + ξ¹ + ξ²). What are
#    its overlaps with the three patterns, and does descent started from it stay a mixture?
#
# .. dropdown:: Solution to exercise 2
#
#    .. code-block:: python
#
#       import numpy as np
#       from hopopt.problems.memory import classify_state, overlaps, store
#       from hopopt.solvers import descend
#
#       rng = np.random.default_rng(1)
#       xs = rng.choice([-1, 1], size=(3, 500))
#       memory = store(xs)
#       mixture = np.sign(xs.sum(axis=0))
#       print("overlaps of the mixture:", overlaps(xs, mixture).round(3))
#       final = descend(memory, mixture, rng=rng).best_state
#       moved = int((final != mixture).sum())
#       label = classify_state(final, xs, tolerance=0.02)
#       print(f"descent moved {moved} neurons and ended in: {label}, E/N = {memory.energy(final) / 500:.3f}")
#       assert label == "mixture of 0,1,2"
#
# 3. The Gaussian estimate above says a fraction Φ(−1/√α) of the neurons is unstable in a stored pattern.
#    Measure it at α = 0.138 with N = 1000 and compare.
#
# .. dropdown:: Solution to exercise 3
#
#    .. code-block:: python
#
#       import math
#       import numpy as np
#       from hopopt.problems.memory import store
#
#       rng = np.random.default_rng(2)
#       n, p = 1000, 138
#       xs = rng.choice([-1, 1], size=(p, n))
#       memory = store(xs)
#       unstable = float(np.mean(xs * memory.local_fields(xs) < 0))
#       theory = 0.5 * math.erfc(1 / math.sqrt(2 * p / n))
#       print(f"unstable fraction {unstable:.5f}, Gaussian estimate {theory:.5f}")
#       assert abs(unstable - theory) < 0.3 * theory
