"""
4. Beyond Hebb: Storkey, pseudo-inverse and modern Hopfield networks
=====================================================================

The Hebb rule of the previous page stores about 0.138 N random patterns in N neurons (Amit, Gutfreund &
Sompolinsky 1985) and fails badly on correlated ones. The reason is *crosstalk*: the field a stored pattern
sees is its own signal plus a sum of contributions from every other pattern, and that sum grows with the
load α = P/N until it outvotes the signal. Three answers followed, each paying with something else:

* the **pseudo-inverse** (projection) rule (Personnaz, Guyon & Dreyfus 1985; Kanter & Sompolinsky 1987)
  removes the crosstalk exactly, so every pattern is a fixed point up to P < N, but each weight depends on
  all patterns through the inverse of their overlap matrix;
* the **Storkey** rule (Storkey 1997) is still *local* (a weight is computed from what its two neurons see)
  and *incremental* (patterns are added one at a time), and subtracts the crosstalk the new pattern would
  meet;
* the **modern** Hopfield network (Ramsauer et al. 2020, after Krotov & Hopfield 2016) changes the energy
  itself: its update ξ ← X softmax(β Xᵀξ) retrieves one of exponentially many patterns, usually in one step.

This page measures the crosstalk, writes the two classical rules out by hand and checks them against
:func:`hopopt.problems.memory.store`, separates *being a fixed point* from *having a basin of attraction*,
and runs the modern update far beyond the classical capacity.
"""

import numpy as np
from scipy.special import erfc

from hopopt.plotting import new_figure, plot_capacity_curves, plot_energy_traces, script_options
from hopopt.problems.memory import corrupt, store
from hopopt.workflows.memory import capacity_curve, modern_recall, recall

options = script_options(__doc__)
rng = np.random.default_rng(options.seed)
RULES = ("hebb", "storkey", "pseudo-inverse")
neurons = 100 if options.fast else 300


def random_patterns(p, n, generator):
    """P random ±1 patterns of length N (one per row)."""
    return generator.choice(np.array([-1, 1], dtype=np.int8), size=(p, n))


# %%
# Crosstalk: the stability of every stored bit
# --------------------------------------------
# Store P patterns ξ¹ … ξᴾ and put the network in one of them, s = ξᵘ. Bit i stays put when its field agrees
# with it, that is when the *stability* Λᵢᵘ = ξᵢᵘ hᵢ (with h = Wξᵘ) is positive. For the Hebb rule
# W = (1/N) Σ_ν ξᵛ ξᵛᵀ (zero diagonal) the field splits into
#
#     hᵢ = (N−1)/N · ξᵢᵘ  +  (1/N) Σ_{ν≠μ} Σ_{j≠i} ξᵢᵛ ξⱼᵛ ξⱼᵘ,
#
# the signal plus a crosstalk term: a sum of about P·N random ±1/N terms, roughly Gaussian with variance
# α = P/N. A bit is unstable when the crosstalk beats the signal, with probability about ½ erfc(1/√(2α)).
# Below, all three rules store the same patterns at load α = 0.25 and the histograms show Λ for every bit of
# every pattern.
load = 0.25
patterns = random_patterns(int(load * neurons), neurons, rng)
stabilities = {}
for rule in RULES:
    weights = store(patterns, rule).dense_weights()
    stabilities[rule] = (patterns * (patterns @ weights)).ravel()  # Λ = ξ_i (Wξ)_i, W symmetric
    print(f"{rule:>14}: Λ from {stabilities[rule].min():+.2f} to {stabilities[rule].max():+.2f}, "
          f"unstable bits {np.mean(stabilities[rule] < 0):.2%}")
theory = 0.5 * erfc(1 / np.sqrt(2 * load))
print(f"Hebb theory ½ erfc(1/√(2α)) at α = {load}: {theory:.2%}")
assert np.mean(stabilities["hebb"] < 0) > 0 and np.all(stabilities["pseudo-inverse"] > 0)
assert np.mean(stabilities["storkey"] < 0) < np.mean(stabilities["hebb"] < 0)
assert np.std(stabilities["pseudo-inverse"]) < np.std(stabilities["storkey"]) < np.std(stabilities["hebb"])
assert abs(np.mean(stabilities["hebb"]) - 1) < 0.1 and 0.005 < np.mean(stabilities["hebb"] < 0) < 0.05

figure = new_figure(figsize=(10, 3.2), layout="constrained")
edges = np.linspace(min(s.min() for s in stabilities.values()), max(s.max() for s in stabilities.values()), 80)
for ax, rule in zip(figure.subplots(1, 3, sharex=True, sharey=True), RULES):
    ax.hist(stabilities[rule], bins=edges, color="tab:blue")
    ax.axvline(0, color="tab:red", linestyle="--")
    ax.set(title=f"{rule}: {np.mean(stabilities[rule] < 0):.1%} unstable", xlabel="stability Λ = ξᵢ hᵢ")
figure.axes[0].set_ylabel("bits")
figure.suptitle(f"N = {neurons}, P = {len(patterns)} patterns (α = {load})")
options.save(figure, "stabilities.png")
figure

# %%
# The output above shows the three shapes. Hebb's stabilities are the Gaussian the formula predicts, centred
# near 1 with a tail below zero: a percent or two of the bits of a *stored* pattern flip as soon as the network
# is put in it, of the order of the theoretical fraction printed below them. Storkey's distribution is narrower, and the
# pseudo-inverse's is not random at all: every Λ is positive, and, as we will see, it is known exactly.
#
# The Storkey rule, one pattern at a time
# ---------------------------------------
# Storkey's rule adds pattern ξ to the weights W learned so far by
#
#     W_ij ← W_ij + (1/N) (ξ_i ξ_j − ξ_i h_ji − h_ij ξ_j),     h_ij = Σ_{k≠i,j} W_ik ξ_k,
#
# where h_ij is the field neuron i would receive from the new pattern, without the contributions of i and j.
# The first term is Hebb's; the two others subtract the part of ξ that the old weights already "explain",
# which is where the crosstalk would come from. Each weight W_ij uses only what neurons i and j see, and
# patterns can be added later without starting over. Written out literally with numpy and compared with
# :func:`~hopopt.problems.memory.store` (which keeps the update as a sum of low-rank terms and forms the N×N
# matrix once, instead of rewriting it for every pattern):
small = random_patterns(6, 40, rng).astype(np.float64)
literal = np.zeros((40, 40))
for xi in small:
    field = literal @ xi                                    # h_i = Σ_k W_ik ξ_k (W_ii = 0)
    partial = field[:, None] - literal * xi[None, :]        # h_ij = h_i − W_ij ξ_j
    literal += (np.outer(xi, xi) - xi[:, None] * partial.T - partial * xi[None, :]) / 40
    np.fill_diagonal(literal, 0.0)
library = store(small, "storkey").dense_weights()
print(f"largest difference between the literal rule and store(..., 'storkey'): "
      f"{np.abs(literal - library).max():.1e}; largest asymmetry {np.abs(literal - literal.T).max():.1e}")
assert np.allclose(literal, library, atol=1e-12)

# %%
# The pseudo-inverse rule: a projection
# -------------------------------------
# Put the patterns in the columns of an N×P matrix X. The projection onto their span,
#
#     C = X (XᵀX)⁻¹ Xᵀ,
#
# maps every pattern to itself (CX = X), so with W = C every pattern would be an eigenvector of W with
# eigenvalue 1 and the crosstalk would be exactly zero, however correlated the patterns. (XᵀX is the P×P
# matrix of overlaps; for Hebb it is replaced by N times the identity, which is right only for orthogonal
# patterns.) A Hopfield network needs a zero diagonal, so hopopt zeroes it; then (Wξ)_i = (1 − C_ii) ξ_i and
# the stability of bit i is exactly 1 − C_ii, the same for every pattern. C_ii lies in [0, 1] and averages
# P/N (the trace of a projector is its rank), so every pattern stays a fixed point for P < N (C_ii = 1 would
# only give a tie, which keeps the bit), but the margin shrinks as the load grows.
columns = patterns.T.astype(np.float64)
projector = columns @ np.linalg.inv(columns.T @ columns) @ columns.T
model = store(patterns, "pseudo-inverse")
print(f"CX = X: {np.allclose(projector @ columns, columns)}; mean C_ii = {np.mean(np.diag(projector)):.3f} "
      f"(P/N = {len(patterns) / neurons:.3f})")
predicted = np.broadcast_to(1 - np.diag(projector), patterns.shape).ravel()
assert np.allclose(stabilities["pseudo-inverse"], predicted)
assert np.allclose(model.dense_weights(), projector - np.diag(np.diag(projector)))
print("every stability equals 1 − C_ii:", np.allclose(stabilities["pseudo-inverse"], predicted))

# %%
# The price is locality: adding one pattern changes (XᵀX)⁻¹ and so every weight, and the rule needs all the
# patterns at once.
#
# Fixed points are not enough: basins of attraction
# -------------------------------------------------
# A memory is useful when a *damaged* cue rolls back to it. Two experiments with
# :func:`hopopt.workflows.memory.capacity_curve`, at each load α: (left) start exactly on a stored pattern
# and count it recalled only if no bit moves, which asks "is it a fixed point?"; (right) start from the
# pattern with 10 % of its bits flipped and count it recalled if the network ends within 2 % of it, which
# asks "is its basin wide enough?".
curve_neurons = 50 if options.fast else 200
loads = np.round(np.arange(0.05, 0.96, 0.1 if options.fast else 0.05), 3)
trials = 1 if options.fast else 2
fixed_points, from_noise, alpha_c, last_fixed = {}, {}, {}, {}
for rule in RULES:
    exact = capacity_curve(curve_neurons, rule, loads=loads, trials=trials, noise=0.0, tolerance=0.0,
                           cues=10, rng=options.seed)
    noisy = capacity_curve(curve_neurons, rule, loads=loads, trials=trials, noise=0.1, tolerance=0.02,
                           cues=10, rng=options.seed)
    fixed_points[rule], from_noise[rule], alpha_c[rule] = exact["curve"], noisy["curve"], noisy["alpha_c"]
    last_fixed[rule] = max((a for a, f in exact["curve"] if f == 1.0), default=0.0)
    print(f"{rule:>14}: every pattern a fixed point up to α = {last_fixed[rule]}; "
          f"recall from 10 % noise falls below ½ at α ≈ {alpha_c[rule]:.2f}")
assert all(fraction == 1.0 for _, fraction in fixed_points["pseudo-inverse"])
assert alpha_c["hebb"] < alpha_c["storkey"] <= alpha_c["pseudo-inverse"] < 0.9
assert 0.138 < alpha_c["hebb"]                                # small networks recall a little past 0.138
assert last_fixed["hebb"] < last_fixed["storkey"]             # Hebb's patterns stop being fixed points first

figure = new_figure(figsize=(11, 4), layout="constrained")
left, right = figure.subplots(1, 2)
plot_capacity_curves(fixed_points, theory=None, title="stored pattern is a fixed point", ax=left)
plot_capacity_curves(from_noise, theory=0.138, title="recalled from 10 % flipped bits", ax=right)
figure.suptitle(f"N = {curve_neurons}: fixed points (left) and basins of attraction (right)")
options.save(figure, "basins.png")
figure

# %%
# The left panel shows that the pseudo-inverse rule keeps *every* pattern a fixed point at every load tried,
# as the algebra promised, while Hebb's patterns stop being fixed points early. The right panel shows that a
# fixed point is not yet a memory: with 10 % noise the pseudo-inverse network still loses its patterns at
# the load printed above, far below α = 1, because the stabilising field 1 − C_ii ≈ 1 − α shrinks while the
# crosstalk of the flipped bits grows. Storkey sits between the two and keeps its locality. (The dashed line is the
# N → ∞ Hebb capacity 0.138; small networks with a 2 % tolerance recall a little further.)
#
# Modern Hopfield networks: exponential capacity
# ----------------------------------------------
# Ramsauer et al. (2020) replace the quadratic energy by
#
#     E(ξ) = −(1/β) log Σ_μ exp(β ξᵘ·ξ) + ½ ξᵀξ  (+ constants),
#
# over a continuous state ξ. Its update, ξ ← X softmax(β Xᵀξ) (:func:`hopopt.problems.memory.modern_update`),
# never raises E, and for large enough β the softmax puts nearly all its weight on the pattern with the
# largest overlap, so one step lands on it: the retrieval error falls exponentially with the separation
# between patterns, and the number of patterns that can be retrieved grows exponentially with N. The inverse
# temperature β sets the resolution: too small and the softmax averages many patterns into a *metastable*
# state near their mean. Below, networks with N = 64 and P = N, 4N and 16N patterns (the last 16 times the
# pseudo-inverse rule's absolute limit, P < N) are cued with 20 % flipped bits, over a range of β, with
# :func:`hopopt.workflows.memory.modern_recall`.
modern_n = 64
betas = np.geomspace(0.02, 1.0, 7 if options.fast else 10)
cues = 10 if options.fast else 20
modern_curves, steps_taken = {}, {}
for factor in (1, 4, 16):
    stored = random_patterns(factor * modern_n, modern_n, rng)
    curve = []
    for beta in betas:
        hits, steps = 0, []
        for mu in rng.choice(len(stored), size=cues, replace=False):
            result = modern_recall(stored, corrupt(stored[mu], 0.2, rng=rng), beta=float(beta), steps=20)
            hits += result.matched == mu
            steps.append(len(result.states) - 1)
            assert np.all(np.diff(result.energies) <= 1e-9)   # the modern energy never rises
        curve.append((float(beta), hits / cues))
        steps_taken[factor, float(beta)] = np.mean(steps)
    modern_curves[f"P = {factor}N = {factor * modern_n}"] = curve
    best_beta = max(betas)
    print(f"P = {factor * modern_n:5d}: recalled " + ", ".join(f"{f:.0%}" for _, f in curve)
          + f"; mean updates at β = {best_beta:.2f}: {steps_taken[factor, float(best_beta)]:.1f}")
assert all(curve[-1][1] == 1.0 for curve in modern_curves.values())   # large β: every cue recalled
assert all(curve[0][1] == 0.0 for curve in modern_curves.values())    # small β: none
assert all(steps_taken[factor, float(max(betas))] <= 2 for factor in (1, 4, 16))   # one or two updates
for curve in modern_curves.values():                                   # and a sharp step in between
    fractions = [fraction for _, fraction in curve]
    step = next(i for i, fraction in enumerate(fractions) if fraction >= 0.5)
    assert max(fractions[:step]) <= 0.1 and min(fractions[step:]) >= 0.9

# the classical rules at the smallest of these loads, P = N, for comparison
dense = random_patterns(modern_n, modern_n, rng)
classical = {rule: np.mean([recall(store(dense, rule), corrupt(dense[k], 0.2, rng=rng), rng=rng).matched == k
                            for k in range(cues)]) for rule in RULES}
print("classical rules at P = N = 64, 20 % noise: " + ", ".join(f"{r} {f:.0%}" for r, f in classical.items()))
assert all(fraction == 0.0 for fraction in classical.values())
assert np.allclose(store(dense, "pseudo-inverse").dense_weights(), 0.0, atol=1e-8)   # P = N: C = I, W = 0

figure = new_figure(figsize=(6.4, 4.2), layout="constrained")
ax = figure.subplots()
for label, curve in modern_curves.items():
    ax.plot(*zip(*curve), marker="o", label=label)
ax.set(xscale="log", xlabel="inverse temperature β", ylabel="fraction of cues recalled",
       title=f"modern Hopfield network, N = {modern_n}, cues with 20 % flipped bits")
ax.legend()
options.save(figure, "modern.png")
figure

# %%
# The output above shows the change of regime: below a threshold β the cues end in a metastable average
# and (almost) nothing is recalled, above it (almost) every cue is recalled, at the largest β in one or two
# updates on average (the mean printed on each line includes a last update that no longer moves the state),
# whether 64 or 1024 patterns are stored, while all three classical rules at P = N recall nothing (the
# pseudo-inverse rule then has W = 0: the projection onto the whole space is the identity, and its diagonal
# is zeroed). The
# threshold moves only slowly with P: the softmax must separate the cued pattern's overlap (about
# 0.6 N here) from the largest of P random overlaps, which grows like √(2 N log P).
#
# Finally, what one recall looks like: the modern energy along the updates of one cue, at three values
# of β.
stored = random_patterns(4 * modern_n, modern_n, rng)
cue = corrupt(stored[0], 0.2, rng=rng)
runs = {beta: modern_recall(stored, cue, beta=beta, steps=20) for beta in (0.05, 0.2, 1.0)}
for beta, result in runs.items():
    print(f"β = {beta}: {len(result.states) - 1} updates, final state {result.label!r}, "
          f"largest overlap {np.max(np.abs(result.overlaps[-1])):.2f}")
assert np.max(np.abs(runs[0.05].overlaps[-1])) < 0.3 and runs[1.0].matched == 0
figure = new_figure(figsize=(11, 4), layout="constrained")
left, right = figure.subplots(1, 2)
plot_energy_traces([result.energies for result in runs.values()], labels=[f"β = {beta}" for beta in runs],
                   title="modern energy (each β on its own scale)", ax=left)
for beta, result in runs.items():
    right.plot(result.overlaps[:, 0], marker="o", label=f"β = {beta}")
right.set(title="overlap with the cued pattern", ylabel="m = ξ¹·ξ / N", ylim=(-0.05, 1.05))
for ax in (left, right):
    ax.set_xlabel("update")
right.legend()
options.save(figure, "modern_energy.png")
figure

# %%
# At small β the state ends near the mean of the stored patterns, with only a small overlap with any one of
# them (a "metastable state" in Ramsauer et al.'s words); at large β it is the cued pattern itself. The same
# update, with learned projections in place of X, is the attention layer of a transformer, which was the
# point of their paper.
#
# Exercises
# ---------
#
# 1. Correlated patterns. Make five patterns of N = 100 bits that share a template (copy a random template
#    and flip each bit with probability 0.15), store them with the Hebb and pseudo-inverse rules and count
#    how many are fixed points of each network.
#
# .. dropdown:: Solution to exercise 1
#
#    .. code-block:: python
#
#       import numpy as np
#       from hopopt.problems.memory import store
#
#       rng = np.random.default_rng(0)
#       template = rng.choice([-1, 1], size=100)
#       flips = rng.random((5, 100)) < 0.15
#       patterns = np.where(flips, -template, template)
#       print("overlaps:", np.round(patterns @ patterns.T / 100, 2)[0])
#       fixed = {}
#       for rule in ("hebb", "pseudo-inverse"):
#           w = store(patterns, rule).dense_weights()
#           fields = patterns @ w
#           fixed[rule] = int(np.sum(np.all(patterns * fields >= 0, axis=1)))
#           print(f"{rule}: {fixed[rule]} of 5 patterns are fixed points")
#       # the shared template dominates Hebb's weights; the projection removes it
#       assert fixed["pseudo-inverse"] == 5 and fixed["hebb"] < 5
#
# 2. What does the pseudo-inverse rule store when P = N? Store 20 random patterns of 20 bits, look at W and
#    explain why the network is useless as a memory.
#
# .. dropdown:: Solution to exercise 2
#
#    .. code-block:: python
#
#       import numpy as np
#       from hopopt.problems.memory import store
#
#       rng = np.random.default_rng(1)
#       patterns = rng.choice([-1, 1], size=(20, 20))
#       assert np.linalg.matrix_rank(patterns) == 20
#       w = store(patterns, "pseudo-inverse").dense_weights()
#       print(f"largest |W_ij| = {np.abs(w).max():.1e}")
#       # 20 independent patterns span the whole space: C = I, and zeroing its diagonal leaves W = 0,
#       # so every state is a fixed point and no cue is ever corrected
#       assert np.allclose(w, 0.0, atol=1e-8)
#
# 3. Find, for N = 64 and P = 300 stored patterns, the smallest β in 0.05, 0.1, 0.2, 0.4, 0.8 at which a
#    modern network recalls all of 20 cues with 25 % flipped bits.
#
# .. dropdown:: Solution to exercise 3
#
#    .. code-block:: python
#
#       import numpy as np
#       from hopopt.problems.memory import corrupt
#       from hopopt.workflows.memory import modern_recall
#
#       rng = np.random.default_rng(2)
#       stored = rng.choice([-1, 1], size=(300, 64))
#       chosen = rng.choice(300, size=20, replace=False)
#       cues = [corrupt(stored[k], 0.25, rng=rng) for k in chosen]
#       smallest = None
#       for beta in (0.05, 0.1, 0.2, 0.4, 0.8):
#           hits = sum(modern_recall(stored, c, beta=beta).matched == k for c, k in zip(cues, chosen))
#           print(f"beta = {beta}: {hits} of 20 recalled")
#           if hits == 20 and smallest is None:
#               smallest = beta
#       print("smallest beta recalling every cue:", smallest)
#       assert smallest is not None
#
# Previous: :doc:`03_hebbian` · Next: :doc:`05_encoding`
