"""
7. Annealing: noise, restarts and schedules
===========================================

Asynchronous descent (:doc:`01_energy`) only ever goes downhill, so it stops in the first local minimum it
meets, and which one depends on the random start. Kirkpatrick, Gelatt & Vecchi (1983, "Optimization by
simulated annealing") took a remedy from statistical physics: let a neuron flip *uphill* too, with the
probability exp(−β ΔE) of the Metropolis rule (Metropolis et al. 1953), where β = 1/T is an inverse
temperature. At a fixed β the noisy network visits state s with the Boltzmann probability
P(s) ∝ exp(−β E(s)); at small β (hot) every state is about as likely, at large β (cold) the ground states
win. Annealing raises β slowly, so the network can still cross the barriers between valleys while it is hot
and settles in a deep one as it cools.

This page builds that up step by step on one small spin glass whose ground state brute force proves:

1. descent's local minima;
2. the Metropolis rule written by hand, checked against the Boltzmann distribution;
3. the β schedule :func:`hopopt.anneal` uses by default, and why;
4. one anneal followed sweep by sweep;
5. how the chance of reaching the ground state grows with the number of sweeps;
6. restarts versus one long run at the same budget;
7. the shape of the schedule, on a larger instance.
"""

# %%
# The instance
# ------------
# A ±1 spin glass on 22 spins (28 in the full version): a max-cut whose edges have random weights w_ij = ±1
# (:meth:`hopopt.MaxCut.random` with ``weights="signed"``), so the couplings are W_ij = −w_ij/2 = ∓½ and
# E(s) = −cut(s). The mixed signs frustrate the glass: no state satisfies every coupling at once.
# :func:`hopopt.brute_force` enumerates every state and proves the ground energy, which is what "success"
# means below.
import numpy as np

import hopopt
from hopopt.plotting import script_options
from hopopt.solvers import brute_force, descend_restarts

options = script_options(__doc__)
n = 22 if options.fast else 28
problem = hopopt.MaxCut.random(n, 0.5, rng=options.seed, weights="signed")
model = problem.to_model()
exact = brute_force(model)
ground = exact.best_energy
print(f"{n} spins, {len(problem.edges)} edges of weight ±1; ground energy {ground:g} "
      f"({exact.ground_count} ground states, proved by enumerating 2^{n} states in {exact.time_s:.2f} s)")


def reached(energies):
    """True where an energy is the proven ground energy (up to rounding)."""
    return np.isclose(np.asarray(energies), ground)


# %%
# Descent stops in local minima
# -----------------------------
# :func:`hopopt.solvers.descend_restarts` runs asynchronous descent from many random starts. Each one stops at
# a fixed point where no single flip lowers the energy — but most starts stop at a fixed point that is not a
# ground state.
descent = descend_restarts(model, n_restarts=200, rng=options.seed)
descent_hits = reached(descent.energies)
levels, counts = np.unique(np.round(descent.energies, 9), return_counts=True)
print(f"descent: {descent_hits.mean():.0%} of 200 starts end in a ground state; "
      f"they stop at {len(levels)} different energies, from {levels.min():g} to {levels.max():g}")
for level, count in zip(levels[:6], counts[:6]):
    print(f"  energy {level:6g}: {count:3d} starts")
# every fixed point is a local minimum: no single flip lowers its energy
assert all(np.all(model.flip_costs(state) >= -1e-9) for state in descent.states)
assert descent_hits.mean() < 0.5, "on this instance most starts stop above the ground"

# %%
# The Metropolis rule, by hand
# ----------------------------
# Noise first, without any schedule. At inverse temperature β, visit the spins one after another; flipping
# s_i costs ΔE_i = 2 s_i (h_i − θ_i) with h = Ws; accept the flip with probability min(1, exp(−β ΔE_i)). These
# few lines of numpy run 400 independent copies (chains) of a 10-spin glass side by side. A tiny model has
# only 2¹⁰ = 1024 states, so the Boltzmann distribution P(s) = exp(−β E(s)) / Z can be computed exactly and
# compared with what the chains visit.
tiny = hopopt.MaxCut.random(10, 0.5, rng=options.seed + 1, weights="signed").to_model()
W = tiny.dense_weights()
theta = tiny.thresholds
every_state = 2 * ((np.arange(2 ** tiny.n)[:, None] >> np.arange(tiny.n)) & 1) - 1
every_energy = tiny.energies(every_state)
energy_levels = np.unique(np.round(every_energy, 9))


def metropolis_sweep(states, beta, rng):
    """One sweep of single-spin Metropolis updates, in place, on every chain (row) at once."""
    for i in range(states.shape[1]):
        cost = 2.0 * states[:, i] * (states @ W[:, i] - theta[i])
        accept = rng.random(states.shape[0]) < np.exp(-beta * cost)
        states[accept, i] *= -1


def boltzmann(beta):
    """Exact probability of each energy level at inverse temperature beta."""
    weights = np.exp(-beta * (every_energy - every_energy.min()))
    return np.array([weights[np.isclose(every_energy, level)].sum() for level in energy_levels]) / weights.sum()


rng = np.random.default_rng(options.seed)
chains, burn_in, samples = 400, 50, (60 if options.fast else 200)
sampled = {}
for beta in (0.25, 1.0, 3.0):
    states = rng.choice([-1, 1], size=(chains, tiny.n))
    for _ in range(burn_in):
        metropolis_sweep(states, beta, rng)
    visited = []
    for _ in range(samples):
        metropolis_sweep(states, beta, rng)
        visited.append(tiny.energies(states))
    visited = np.concatenate(visited)
    measured = np.array([np.isclose(visited, level).mean() for level in energy_levels])
    exact_p = boltzmann(beta)
    distance = 0.5 * np.abs(measured - exact_p).sum()  # total variation distance
    sampled[beta] = (measured, exact_p)
    print(f"beta = {beta:4g}: P(ground level) exact {exact_p[0]:.3f}, measured {measured[0]:.3f}; "
          f"mean energy exact {exact_p @ energy_levels:6.2f}, measured {visited.mean():6.2f}; "
          f"total variation distance {distance:.3f}")
    assert distance < 0.05, "the chains should sample the Boltzmann distribution"
# the ground level is rare when hot and holds most of the time when cold (levels sorted: index 0 is the ground)
assert sampled[0.25][0][0] < 0.1 and sampled[3.0][0][0] > 0.5

# %%
# The output above shows the chains reproduce the exact distribution at every β. Hot (β = 0.25), the
# network wanders over all energies and rarely sits in the ground state; cold (β = 3) it spends most of its
# time there. Why not simply run cold? Because at large β an uphill flip is almost never accepted, so a chain
# started in the wrong valley takes exponentially long to leave it — that is descent again. Annealing starts
# hot and cools.
from matplotlib.figure import Figure

boltzmann_figure = Figure(figsize=(10, 3.4), layout="constrained")
for ax, (beta, (measured, exact_p)) in zip(boltzmann_figure.subplots(1, 3, sharey=True), sampled.items()):
    ax.bar(energy_levels, exact_p, width=0.8, color="tab:blue", alpha=0.5, label="Boltzmann (exact)")
    ax.plot(energy_levels, measured, "o", color="tab:red", markersize=4, label="Metropolis chains")
    ax.set_title(f"beta = {beta:g}")
    ax.set_xlabel("energy")
boltzmann_figure.axes[0].set_ylabel("probability")
boltzmann_figure.axes[0].legend(fontsize="small")
boltzmann_figure.suptitle("A 10-spin glass at three temperatures")
options.save(boltzmann_figure, "boltzmann.png")
boltzmann_figure

# %%
# The default schedule
# --------------------
# :func:`hopopt.schedules.default_beta_range` picks the two ends from the model, with the rule dwave-samplers
# uses (so the two annealers can be compared on equal terms):
#
# * hot: the largest flip cost any spin can have, ΔE_max = max_i 2(Σ_j \|W_ij\| + \|θ_i\|), is accepted half of
#   the time: β_hot = ln 2 / ΔE_max;
# * cold: the smallest non-zero flip cost one coupling or threshold can make, ΔE_min = 2 min(\|W_ij\|, \|θ_i\|)
#   over the non-zero ones, may be accepted in the last sweep by one of the k spins that can have it with
#   probability at most 1/100: k exp(−β_cold ΔE_min) = 1/100, so β_cold = ln(100 k) / ΔE_min.
#
# Between the two, :func:`hopopt.schedules.beta_schedule` spaces β geometrically (a constant ratio per sweep)
# or linearly. The cell below checks the rule by hand (a max-cut has no thresholds).
from hopopt.schedules import beta_schedule, default_beta_range

beta_hot, beta_cold = default_beta_range(model)
dense = model.dense_weights()
largest_cost = float(np.max(2 * (np.abs(dense).sum(axis=1) + np.abs(model.thresholds))))
smallest_cost = 2 * float(np.abs(dense[dense != 0]).min())
spins_with_smallest = int(np.sum(np.any(np.isclose(np.abs(dense), smallest_cost / 2), axis=1)))
print(f"beta_hot  = {beta_hot:.4f}: exp(-beta_hot * {largest_cost:g}) = {np.exp(-beta_hot * largest_cost):.3f}")
print(f"beta_cold = {beta_cold:.4f}: {spins_with_smallest} spins x exp(-beta_cold * {smallest_cost:g}) = "
      f"{spins_with_smallest * np.exp(-beta_cold * smallest_cost):.3f}")
assert np.isclose(np.exp(-beta_hot * largest_cost), 0.5)
assert np.isclose(spins_with_smallest * np.exp(-beta_cold * smallest_cost), 0.01)

sweeps = 100
schedules = {kind: beta_schedule(sweeps, (beta_hot, beta_cold), kind) for kind in ("geometric", "linear")}
schedule_figure = Figure(figsize=(10, 3.6), layout="constrained")
left, right = schedule_figure.subplots(1, 2)
for kind, betas in schedules.items():
    left.plot(betas, label=kind)
    right.plot(np.exp(-betas * smallest_cost), label=f"{kind}: ΔE = {smallest_cost:g}")
    right.plot(np.exp(-betas * largest_cost), linestyle="--", label=f"{kind}: ΔE = {largest_cost:g}")
left.set_yscale("log")
left.set(xlabel="sweep", ylabel="beta (1 / temperature)", title=f"{sweeps}-sweep schedules")
right.set(xlabel="sweep", ylabel="acceptance exp(-beta ΔE)", title="chance of accepting an uphill flip")
left.legend(fontsize="small")
right.legend(fontsize="small")
options.save(schedule_figure, "schedules.png")
schedule_figure

# %%
# At the hot end even the dearest flip is accepted half of the time; at the cold end even the cheapest is
# nearly always refused. The geometric schedule spends as many sweeps on each factor of β; the linear one
# hurries through the hot end and spends most of its sweeps near the cold one.
#
# One anneal, sweep by sweep
# --------------------------
# :func:`hopopt.anneal` runs that schedule with numba, restarts in parallel. Its ``trace`` is the energy after
# every sweep of the best restart and ``betas`` the schedule it ran; ``polish=False`` leaves out the final
# greedy descent so that the trace shows the anneal alone.
one = hopopt.anneal(model, n_sweeps=sweeps, n_restarts=1, polish=False, rng=options.seed)
trace = np.asarray(one.trace)
rises = int(np.sum(np.diff(trace) > 0))
print(f"energy {trace[0]:g} after the first sweep, {trace[-1]:g} after the last (ground {ground:g}); "
      f"it rose in {rises} of {len(trace) - 1} sweeps")
assert np.isclose(one.info["beta_range"], (beta_hot, beta_cold)).all()
assert np.allclose(one.betas, schedules["geometric"])
assert rises > 0, "noise: an anneal's energy is not monotone, unlike descent's"
early_rises = int(np.sum(np.diff(trace)[: len(trace) // 2] > 0))
late_rises = int(np.sum(np.diff(trace)[3 * len(trace) // 4:] > 0))
print(f"rises: {early_rises} in the first half of the sweeps, {late_rises} in the last quarter")
assert late_rises < early_rises, "the jumps die out as the anneal cools"

trace_figure = Figure(figsize=(7, 3.8), layout="constrained")
ax = trace_figure.subplots()
ax.plot(np.arange(1, len(trace) + 1), trace, color="tab:red", label="energy after each sweep")
ax.axhline(ground, color="black", linestyle=":", label="ground energy (brute force)")
ax.set(xlabel="sweep", ylabel="energy", title="One anneal of the spin glass")
twin = ax.twinx()
twin.plot(np.arange(1, len(trace) + 1), one.betas, color="tab:gray", linestyle="--", label="beta")
twin.set_yscale("log")
twin.set_ylabel("beta")
ax.legend(loc="upper right", fontsize="small")
options.save(trace_figure, "anneal_trace.png")
trace_figure

# %%
# While β is small the energy jumps up and down (the rises counted above); as β grows the jumps die out (the
# output compares the first half of the sweeps with the last quarter) and the energy freezes.
#
# How long to anneal
# ------------------
# A slower anneal — more sweeps between the same two temperatures — gives the network more chances to leave
# a poor valley before it freezes. Here 256 restarts per length (1024 in the full version), with and without
# the final polish (a greedy descent from each restart's best state, on by default), each compared with the
# proven ground energy.
lengths = [2 ** k for k in range(0, 10 if options.fast else 13)]
restarts = 256 if options.fast else 1024
success = {True: [], False: []}
residual = {True: [], False: []}
for length in lengths:
    for polish in (True, False):
        result = hopopt.anneal(model, n_sweeps=length, n_restarts=restarts, polish=polish, rng=options.seed)
        success[polish].append(reached(result.energies).mean())
        residual[polish].append(float(np.mean(result.energies - ground)))
print("sweeps   reach the ground (polish / none)   mean energy above it (polish / none)")
for index, length in enumerate(lengths):
    print(f"{length:6d}   {success[True][index]:15.1%} / {success[False][index]:6.1%}"
          f"   {residual[True][index]:20.2f} / {residual[False][index]:5.2f}")
assert success[True][-1] > success[True][0] and residual[True][-1] < residual[True][0]
# polish can only lower a restart's energy
assert all(p <= q + 1e-9 for p, q in zip(residual[True], residual[False]))
# from 32 sweeps on, the polish changes the success rate by a few points at most
assert all(abs(success[True][i] - success[False][i]) <= 0.05 for i, length in enumerate(lengths) if length >= 32)

length_figure = Figure(figsize=(10, 3.6), layout="constrained")
left, right = length_figure.subplots(1, 2)
for polish, style in ((True, "o-"), (False, "s--")):
    label = "with polish (default)" if polish else "without polish"
    left.plot(lengths, success[polish], style, label=label)
    right.plot(lengths, residual[polish], style, label=label)
left.set(xscale="log", xlabel="sweeps per anneal", ylabel="fraction of restarts in a ground state",
         title="success per restart", ylim=(0, 1.02))
right.set(xscale="log", xlabel="sweeps per anneal", ylabel="mean energy above the ground",
          title="residual energy")
left.legend(fontsize="small")
options.save(length_figure, "sweeps.png")
length_figure

# %%
# With polish, even a one-sweep anneal ends in a local minimum (it is then just descent from a random start,
# which is why its success rate is comparable to descent's above); without polish the short anneals stop wherever
# they are. From a few dozen sweeps on the polish hardly matters (a few points at most, asserted above): the
# anneal has frozen in a minimum or next to one.
#
# Restarts or one long run?
# -------------------------
# A budget of B sweeps can buy one anneal of B sweeps, or k independent anneals of B/k sweeps each, keeping
# the best. Restarts are independent, so if one anneal of B/k sweeps succeeds with probability p, at least
# one of k succeeds with probability 1 − (1 − p)ᵏ: the success rates measured above predict every split.
# The polish is left out here, so that the budget counts every sweep (a descent costs sweeps too). The budget
# is the shortest length at which one anneal succeeds at least half of the time, and the measured points
# group 1024 fresh restarts of each length (2048 in the full version) into 1024/k trials of k restarts each.
budget = next(length for length, hit in zip(lengths, success[False]) if hit >= 0.5)
splits = [k for k in (1, 2, 4, 8, 16, 32, 64) if budget // k >= 1]
split_restarts = 1024 if options.fast else 2048
per_length = dict(zip(lengths, success[False]))
predicted, measured_split = [], []
for k in splits:
    p = per_length[budget // k]
    predicted.append(1 - (1 - p) ** k)
    runs = hopopt.anneal(model, n_sweeps=budget // k, n_restarts=split_restarts // k * k, polish=False,
                         rng=options.seed + 7)
    measured_split.append(reached(runs.energies).reshape(-1, k).any(axis=1).mean())
    print(f"{k:3d} x {budget // k:4d} sweeps: predicted {predicted[-1]:.3f}, measured {measured_split[-1]:.3f}")
best_split = splits[int(np.argmax(predicted))]
print(f"budget {budget} sweeps: the best split here is {best_split} anneal(s) of {budget // best_split} sweeps")
# the measured rates agree with the prediction within the sampling noise of split_restarts/k trials
assert all(abs(a - b) <= 4 * np.sqrt(a * (1 - a) * k / split_restarts) + 0.05
           for a, b, k in zip(predicted, measured_split, splits))

split_figure = Figure(figsize=(6.4, 3.8), layout="constrained")
ax = split_figure.subplots()
ax.plot(splits, predicted, "o-", label="predicted 1 − (1 − p)^k")
ax.plot(splits, measured_split, "x", markersize=9, color="tab:red", label="measured")
ax.set_xscale("log", base=2)
ax.set(xlabel=f"k anneals of {budget}/k sweeps", ylabel="P(best of k is a ground state)",
       title=f"Splitting a budget of {budget} sweeps")
ax.legend(fontsize="small")
options.save(split_figure, "restarts.png")
split_figure

# %%
# The prediction and the measurement agree within the sampling noise (the assertion above checks it, with a
# margin for the noise of the measured p as well). One anneal of the whole budget spends many sweeps on runs
# that fail anyway; many tiny anneals are each too short to cool (without polish, one sweep at β_cold is a
# quench from a random state). The output shows where the best split lies on this instance. On hard instances
# p grows steeply with the length and long anneals win: the best split is a property of the instance, found by
# measuring. :func:`hopopt.anneal` with a ``time_limit`` and no ``n_sweeps`` fixes one rule instead: short
# schedules are timed, then the time goes to rounds of equal anneals of at most 10⁵ sweeps, the length past
# which a fresh anneal helped more than a longer one on the Gset benchmarks. :doc:`08_comparison` turns the
# success probability into the time to solution, the measure that settles such questions.
#
# The shape of the schedule
# -------------------------
# The small instance is too easy to tell schedules apart, so the last experiment takes a larger glass
# (200 spins; 400 in the full version) and compares, at the same number of sweeps and the same random starts:
# the geometric and linear schedules, a quench (β_cold from the first sweep: almost greedy descent) and
# constant temperatures. Without a ground energy, the comparison is the mean final energy per spin, without
# polish.
large_n = 200 if options.fast else 400
large = hopopt.MaxCut.random(large_n, 0.1, rng=options.seed + 2, weights="signed").to_model()
large_hot, large_cold = default_beta_range(large)
large_sweeps = 200 if options.fast else 1000
candidates = {
    "geometric": beta_schedule(large_sweeps, (large_hot, large_cold), "geometric"),
    "linear": beta_schedule(large_sweeps, (large_hot, large_cold), "linear"),
    "quench (beta_cold)": np.full(large_sweeps, large_cold),
    "constant mid beta": np.full(large_sweeps, np.sqrt(large_hot * large_cold)),
    "constant beta_hot": np.full(large_sweeps, large_hot),
}
final_energy = {}
for name, betas in candidates.items():
    result = hopopt.anneal(large, schedule=betas, n_restarts=16, polish=False, rng=options.seed)
    final_energy[name] = result.energies / large_n
    print(f"{name:>20}: mean energy per spin {final_energy[name].mean():.4f} "
          f"(best {final_energy[name].min():.4f})")
# both cooling shapes end lower than the quench and the constant temperatures
cooling = max(final_energy["geometric"].mean(), final_energy["linear"].mean())
assert cooling < min(final_energy[name].mean() for name in ("quench (beta_cold)", "constant mid beta",
                                                            "constant beta_hot"))

shape_figure = Figure(figsize=(7, 3.6), layout="constrained")
ax = shape_figure.subplots()
names = list(final_energy)
for row, name in enumerate(names):
    ax.plot(final_energy[name], np.full(final_energy[name].size, row), "o", alpha=0.5, color="tab:blue")
    ax.plot(final_energy[name].mean(), row, "|", markersize=22, color="black")
ax.set_yticks(range(len(names)), names)
ax.set(xlabel="final energy per spin (16 restarts; bar: mean)",
       title=f"{large_sweeps} sweeps on a {large_n}-spin glass: schedule shapes")
options.save(shape_figure, "schedule_shapes.png")
shape_figure

# %%
# The output shows both anneals from hot to cold end lower than the quench, which freezes into the nearest
# valley, and than the two constant temperatures, too hot to freeze into a low state. Which of the two
# cooling shapes wins depends on the instance and the length (the fast and full versions of this page
# disagree); the geometric schedule is hopopt's default because it spends equal effort on every decade of
# temperature.
#
# Where next
# ----------
# Previous: :doc:`06_penalties` — next: :doc:`08_comparison`, how to tell whether a solver is good.
#
# Exercises
# ---------
#
# 1. Glauber (heat-bath) acceptance 1 / (1 + exp(β ΔE)) is the other common rule
#    (``acceptance="glauber"``). Show that at the same β it never accepts a flip more often than Metropolis
#    (uphill, between one half and one times as often), then compare the two rules' success rates on a
#    20-spin glass at 16 sweeps.
#
# .. dropdown:: Solution to exercise 1
#
#    .. code-block:: python
#
#       import numpy as np
#       import hopopt
#
#       costs = np.linspace(-5, 5, 101)
#       for beta in (0.1, 1.0, 10.0):
#           metropolis = np.minimum(1, np.exp(-beta * costs))
#           glauber = 1 / (1 + np.exp(beta * costs))
#           assert np.all(glauber <= metropolis * (1 + 1e-12))   # up to rounding
#           # uphill, Glauber is Metropolis times 1 / (1 + exp(-βΔE)): between one half and one times it
#           up = costs >= 0
#           assert np.allclose(glauber[up], metropolis[up] / (1 + np.exp(-beta * costs[up])), rtol=1e-12)
#       print("at a level flip (ΔE = 0): Metropolis accepts with 1, Glauber with", 1 / (1 + np.exp(0)))
#       model = hopopt.MaxCut.random(20, 0.5, rng=3, weights="signed").to_model()
#       ground = hopopt.brute_force(model).best_energy
#       for rule in ("metropolis", "glauber"):
#           result = hopopt.anneal(model, n_sweeps=16, n_restarts=500, acceptance=rule, rng=0)
#           print(rule, f"{np.isclose(result.energies, ground).mean():.1%} of restarts reach the ground")
#
# 2. Compute β_hot and β_cold of a triangle of antiferromagnetic couplings W_ij = −1 with a threshold of 0.5
#    on its first spin, by the rule above, and check them against
#    :func:`hopopt.schedules.default_beta_range`.
#
# .. dropdown:: Solution to exercise 2
#
#    .. code-block:: python
#
#       import numpy as np
#       from hopopt import EnergyModel
#       from hopopt.schedules import default_beta_range
#
#       W = -np.ones((3, 3)) + np.eye(3)
#       theta = np.array([0.5, 0.0, 0.0])
#       largest = max(2 * (np.abs(W[i]).sum() + abs(theta[i])) for i in range(3))   # 5
#       smallest = 2 * 0.5                                 # spin 0's threshold is its smallest bias
#       k = 1                                              # only spin 0 has a bias of 0.5
#       hot, cold = np.log(2) / largest, np.log(100 * k) / smallest
#       print(hot, cold, default_beta_range(EnergyModel(W, theta)))
#       assert np.allclose((hot, cold), default_beta_range(EnergyModel(W, theta)))
#
# 3. One anneal of some length reaches the ground state with probability p = 0.3. How many independent
#    restarts make at least one success 99 % certain? Check the formula with
#    :func:`hopopt.bench.statistics.runs_to_solution`.
#
# .. dropdown:: Solution to exercise 3
#
#    .. code-block:: python
#
#       import math
#       from hopopt.bench.statistics import runs_to_solution
#
#       # 1 - (1 - p)^k >= 0.99  <=>  k >= ln(0.01) / ln(1 - p)
#       k = math.ceil(math.log(0.01) / math.log(1 - 0.3))
#       print(k, "restarts;", runs_to_solution(0.3))
#       assert 1 - 0.7 ** k >= 0.99 > 1 - 0.7 ** (k - 1)
#       assert k == math.ceil(runs_to_solution(0.3))
