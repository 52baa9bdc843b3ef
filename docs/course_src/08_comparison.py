"""
8. An honest comparison: exact solvers, success probability, TTS99
==================================================================

"Our network found a cut of 60" is not a result yet. Three questions are missing:

* **How good is 60?** Only a reference answers that: the optimum, proved by an exact solver, or at least a
  proven bound on it. :func:`hopopt.solve_exact` returns either, with ``optimal`` saying which.
* **Was it luck?** A heuristic is a random experiment. One run with one seed is one draw; what describes
  the solver is the *probability* that a run reaches the target, estimated from many runs, with an interval
  that says how well the runs pin it down (Clopper & Pearson 1934).
* **At what cost?** A solver that succeeds 1 time in 10 but is 100 times cheaper beats one that always
  succeeds. The time to solution TTS99 — the time needed to reach the target at least once with 99 %
  probability by repeating independent runs — puts success and cost on one scale (Rønnow et al. 2014,
  "Defining and detecting quantum speedup").

This page goes through them on one max-cut instance with hopopt's statistics module
(:mod:`hopopt.bench.statistics`), then puts several solvers side by side the way ``hopopt compare`` and
``hopopt bench`` do.
"""

# %%
# The instance and its proven optimum
# -----------------------------------
# A random graph G(25, 0.3) (28 nodes in the full version). :func:`hopopt.solve_exact` picks the kind's exact
# method by estimated time (here brute force over all 2ⁿ cuts or a mixed-integer program solved by HiGHS; the
# output names the one it chose) and says whether it proved the answer optimal.
import numpy as np

import hopopt
from hopopt.plotting import script_options

options = script_options(__doc__)
n = 25 if options.fast else 28
problem = hopopt.MaxCut.random(n, 0.3, rng=options.seed)
model = problem.to_model()
exact = hopopt.solve_exact(problem)
optimum = exact.objective
print(f"{n} nodes, {len(problem.edges)} edges; {exact.solver}: cut {optimum:g}, proved optimal: {exact.optimal}, "
      f"bound {exact.bound:g}, {exact.time_s:.2f} s")
assert exact.optimal and exact.bound == optimum

# %%
# One run is one draw
# -------------------
# Run the annealer 400 times, 16 sweeps each and no final polish (so that the cost of a run is exactly its
# sweeps). :func:`hopopt.anneal` runs its restarts as independent runs, each from its own child of the seed,
# so one call with ``n_restarts=400`` gives 400 independent runs.
from matplotlib.figure import Figure

runs = 400
short = hopopt.anneal(model, n_sweeps=16, n_restarts=runs, polish=False, rng=options.seed)
cuts = np.array([problem.evaluate(problem.decode(state)).objective for state in short.states])
assert np.allclose(cuts, -short.energies)  # the energy is minus the cut
first = cuts[0]
print(f"the first run: cut {first:g} ({first / optimum:.1%} of the optimum)")
print(f"all {runs} runs: cuts from {cuts.min():g} to {cuts.max():g}, median {np.median(cuts):g}; "
      f"{np.mean(cuts == optimum):.1%} of them optimal")
assert cuts.min() < cuts.max(), "different seeds, different answers"

draw_figure = Figure(figsize=(7, 3.6), layout="constrained")
ax = draw_figure.subplots()
values, counts = np.unique(cuts, return_counts=True)
ax.bar(values, counts, width=0.8, color="tab:blue")
ax.axvline(first, color="tab:red", linewidth=4, alpha=0.6, label=f"run 0: {first:g}")
ax.axvline(optimum, color="black", linestyle="--", label=f"optimum {optimum:g} (proved)")
ax.set(xlabel="cut", ylabel="runs", title=f"{runs} runs of a 16-sweep anneal, one instance")
ax.legend(fontsize="small")
options.save(draw_figure, "one_run_is_one_draw.png")
draw_figure

# %%
# Reported alone, the first run's cut would say nothing about the next one: the output above shows how far
# apart the runs land. The *best* of 400 runs is yet another statistic — it costs 400 runs.
#
# The success probability and its interval
# ----------------------------------------
# Call a run a success when it reaches the target, here the proven optimum
# (:func:`hopopt.bench.statistics.reaches` compares with a small relative tolerance). From k successes in N
# runs the estimate is p = k/N, and :func:`hopopt.bench.statistics.clopper_pearson` gives the exact 95 %
# interval: the p values under which seeing k successes (or fewer / more) is not too unlikely. With few runs
# it is wide; the output shows it narrowing as the runs add up.
from hopopt.bench.statistics import clopper_pearson, reaches

hits = np.array([reaches(cut, optimum, "max") for cut in cuts])
prefixes = [5, 10, 20, 50, 100, 200, 400]
intervals = []
for count in prefixes:
    successes = int(hits[:count].sum())
    low, high = clopper_pearson(successes, count)
    intervals.append((successes / count, low, high))
    print(f"after {count:3d} runs: {successes:3d} successes, p = {successes / count:.3f}, "
          f"95 % interval [{low:.3f}, {high:.3f}]")
widths = [high - low for _, low, high in intervals]
assert widths[-1] < widths[0] / 4, "more runs, a narrower interval"
zero_low, zero_high = clopper_pearson(0, 10)
print(f"0 successes in 10 runs: p in [{zero_low:g}, {zero_high:.3f}] — not 'p = 0'")
assert zero_low == 0 and zero_high > 0.3

# %%
# The last line is worth remembering: no success in ten runs is compatible with a success probability of
# almost one in three.
#
# Why an exact interval? The textbook interval p ± 1.96 √(p(1 − p)/N) (Wald's) is only right for large N.
# For N = 20 runs the *coverage* — the probability that the interval contains the true p — can be computed
# exactly, by summing over the 21 possible outcomes k with their binomial probabilities. Clopper–Pearson
# never covers less than 95 %; Wald's covers less for almost every p, badly so near 0 and 1, where a
# solver's success probability often lies.
from math import comb

N = 20
outcomes = np.arange(N + 1)
exact_bounds = np.array([clopper_pearson(int(k), N) for k in outcomes])
estimate = outcomes / N
half = 1.96 * np.sqrt(estimate * (1 - estimate) / N)
wald_bounds = np.column_stack([estimate - half, estimate + half])
true_p = np.linspace(0.005, 0.995, 397)
# P(k successes | p) = C(N, k) p^k (1 − p)^(N − k), one row per p
probability = (np.array([comb(N, int(k)) for k in outcomes]) * true_p[:, None] ** outcomes
               * (1 - true_p[:, None]) ** (N - outcomes))


def coverage(bounds):
    inside = (bounds[None, :, 0] <= true_p[:, None]) & (true_p[:, None] <= bounds[None, :, 1])
    return (probability * inside).sum(axis=1)


exact_coverage, wald_coverage = coverage(exact_bounds), coverage(wald_bounds)
print(f"N = {N}: lowest coverage of Clopper-Pearson {exact_coverage.min():.3f}, of Wald {wald_coverage.min():.3f}; "
      f"Wald's below 95 % for {np.mean(wald_coverage < 0.95):.0%} of the p values")
assert exact_coverage.min() >= 0.95 - 1e-9 and wald_coverage.min() < 0.9
assert np.mean(wald_coverage < 0.95) > 0.9

interval_figure = Figure(figsize=(11, 3.8), layout="constrained")
left, right = interval_figure.subplots(1, 2)
estimates = np.array(intervals)
left.errorbar(prefixes, estimates[:, 0], yerr=[estimates[:, 0] - estimates[:, 1], estimates[:, 2] - estimates[:, 0]],
              fmt="o", capsize=3)
left.set(xscale="log", xlabel="runs N", ylabel="success probability",
         title="estimate and 95 % Clopper-Pearson interval", ylim=(0, 1))
right.plot(true_p, exact_coverage, label="Clopper-Pearson")
right.plot(true_p, wald_coverage, label="Wald p ± 1.96 σ")
right.axhline(0.95, color="black", linestyle=":", linewidth=1)
right.set(xlabel="true success probability", ylabel="coverage", title=f"how often the interval holds p (N = {N})",
          ylim=(0, 1.02))
right.legend(fontsize="small")
options.save(interval_figure, "intervals.png")
interval_figure

# %%
# Time to solution
# ----------------
# If one run succeeds with probability p, R(p) = ln(1 − 0.99) / ln(1 − p) independent runs (never fewer than
# one) reach the target at least once with 99 % probability, and TTS99 = R(p) × the cost of one run
# (:func:`hopopt.bench.statistics.runs_to_solution`, :func:`~hopopt.bench.statistics.tts_interval`). R
# falls as p rises, so the interval of p maps to an interval of TTS with its ends swapped; with no success
# the upper end is infinite. Measured here in sweeps — a cost that does not depend on the machine — for
# anneals of 1 to 256 sweeps (4096 in the full version):
from hopopt.bench.statistics import runs_to_solution, tts_interval

lengths = [2 ** k for k in range(0, 9 if options.fast else 13)]
table = []
for length in lengths:
    result = hopopt.anneal(model, n_sweeps=length, n_restarts=runs, polish=False, rng=options.seed + 1)
    successes = int(np.sum([reaches(-energy, optimum, "max") for energy in result.energies]))
    tts, tts_low, tts_high = tts_interval(successes, runs, float(length))
    table.append((length, successes, tts, tts_low, tts_high))
    shown = "never (inf)" if tts == np.inf else f"{tts:8.0f}"
    print(f"{length:5d} sweeps per run: {successes:3d}/{runs} successes, R = {runs_to_solution(successes / runs):7.1f}"
          f" runs, TTS99 = {shown} sweeps, interval [{tts_low:.0f}, {tts_high:.0f}]")
finite = [row for row in table if np.isfinite(row[2])]
best = min(finite, key=lambda row: row[2])
print(f"the cheapest way to the optimum here: runs of {best[0]} sweeps, TTS99 = {best[2]:.0f} sweeps")
# the longest runs succeed more often than the shortest, yet the best TTS is not at the longest length
assert table[-1][1] > table[0][1] and best[0] < lengths[-1]

tts_figure = Figure(figsize=(7, 4), layout="constrained")
ax = tts_figure.subplots()
rows = np.array([row for row in table if np.isfinite(row[2])], dtype=float)
upper = np.where(np.isfinite(rows[:, 4]), rows[:, 4], np.nan)
ax.errorbar(rows[:, 0], rows[:, 2], yerr=[rows[:, 2] - rows[:, 3], np.nan_to_num(upper - rows[:, 2])], fmt="o-",
            capsize=3, label="TTS99 with 95 % interval")
ax.plot(rows[:, 0], rows[:, 0], color="gray", linestyle=":", label="one run (the least possible)")
ax.set(xscale="log", yscale="log", xlabel="sweeps per run", ylabel="sweeps to reach the optimum with 99 %",
       title="Time to solution against the length of one anneal")
ax.legend(fontsize="small")
options.save(tts_figure, "tts.png")
tts_figure

# %%
# The curve has a minimum: short runs are cheap but rarely succeed, long ones succeed but cost more than a
# few shorter ones would. Comparing two solvers at one arbitrary length can thus say anything; comparing
# their best TTS99 (or the TTS99 at a stated budget) cannot be gamed that way. To turn sweeps into seconds,
# multiply by the measured time per sweep — which depends on the machine and its load, and is what
# ``hopopt bench`` reports.
#
# Gaps
# ----
# Runs that miss the target still differ: the relative gap (target − objective) / \|target\| of
# :func:`hopopt.bench.statistics.relative_gap` says by how much. Report its distribution (median, worst),
# not only the best. When the exact method runs out of time, it returns its best answer with
# ``optimal=False`` and a proven bound; the gap to the bound is then an *upper* bound on the true gap — as
# loose as the bound. A 60-node graph (p = 0.1) with half a second for the exact method shows it:
from hopopt.bench.statistics import relative_gap

gaps = np.array([relative_gap(cut, optimum, "max") for cut in cuts])
print(f"16-sweep runs: median gap {np.median(gaps):.2%}, worst {gaps.max():.2%}, best {gaps.min():.2%}")
larger = hopopt.MaxCut.random(60, 0.1, rng=options.seed)
unfinished = hopopt.solve_exact(larger, time_limit=0.5)
annealed = hopopt.solve(larger, solver="anneal", sweeps=2000, restarts=16, rng=options.seed)
to_bound = relative_gap(annealed.objective, unfinished.bound, "max")
print(f"60 nodes, {len(larger.edges)} edges: exact method after 0.5 s: cut {unfinished.objective:g}, "
      f"proved optimal: {unfinished.optimal}, bound {unfinished.bound:g}")
print(f"annealer: cut {annealed.objective:g}; gap to the bound {to_bound:.1%} (the true gap is at most that)")
assert annealed.objective <= unfinished.bound and to_bound >= 0
trivial = unfinished.bound >= larger.total_weight
print(f"the bound {unfinished.bound:g} {'is' if trivial else 'is not'} the trivial one, "
      f"{larger.total_weight:g}: every edge cut")

# %%
# When the bound is the number of edges (the output says whether it is, on the machine that built this
# page), it says only that no cut can cut more edges than there are: a large "gap to the bound" then
# measures the weak bound, not the solver. Say which reference a gap is measured against — proven optimum,
# bound, best known from the literature or best found in the same experiment (``hopopt compare`` names it
# in ``target_source``).
#
# Several solvers, side by side
# -----------------------------
# Everything above, for several solvers at once: each run becomes a record (the fields ``hopopt bench``
# writes), and :func:`hopopt.bench.statistics.summarize` turns the records of each solver into success
# probability, its interval, TTS99 and gaps. The time per run here is the solver's own solve time
# (``time_s``, without the one-off set-up and compilation) divided by its runs.
from hopopt.bench.statistics import summarize
from hopopt.solvers import bifurcate, descend_restarts

solvers = {
    "descent": lambda seed: descend_restarts(model, n_restarts=runs, rng=seed),
    "anneal 16 sweeps": lambda seed: hopopt.anneal(model, n_sweeps=16, n_restarts=runs, rng=seed),
    "anneal 256 sweeps": lambda seed: hopopt.anneal(model, n_sweeps=256, n_restarts=runs, rng=seed),
    "dsb 200 steps": lambda seed: bifurcate(model, n_steps=200, n_trajectories=runs, rng=seed),
}
records = []
for name, run in solvers.items():
    result = run(options.seed + 2)
    per_run = result.time_s / runs
    for energy in result.energies:
        records.append({"problem": "maxcut", "instance": problem.name, "solver": name, "status": "ok",
                        "objective": float(-energy), "feasible": True, "time_s": per_run, "sense": "max",
                        "target": optimum})
summary = summarize(records)
print(f"{'solver':>18} {'P(optimum) [95 % interval]':>28} {'TTS99 (ms) [interval]':>27} {'median gap':>10}")
for row in summary:
    tts = "inf" if row["tts99"] == np.inf else f"{1e3 * row['tts99']:.2f}"
    high = "inf" if row["tts99_high"] == np.inf else f"{1e3 * row['tts99_high']:.2f}"
    print(f"{row['solver']:>18} {row['success_probability']:9.3f} [{row['success_low']:.3f}, {row['success_high']:.3f}]"
          f"     {tts:>8} [{1e3 * row['tts99_low']:.2f}, {high}] {row['median_gap']:10.2%}")
    assert row["success_low"] <= row["success_probability"] <= row["success_high"]
    assert row["tts99_low"] <= row["tts99"] <= row["tts99_high"]

compare_figure = Figure(figsize=(7, 3.4), layout="constrained")
ax = compare_figure.subplots()
for row_index, row in enumerate(summary):
    ax.errorbar(row["success_probability"], row_index, capsize=4, fmt="o",
                xerr=[[row["success_probability"] - row["success_low"]],
                      [row["success_high"] - row["success_probability"]]])
ax.set_yticks(range(len(summary)), [row["solver"] for row in summary])
ax.set(xlim=(-0.02, 1.02), xlabel=f"P(run reaches the optimum), 95 % interval, {runs} runs each",
       title="Four solvers on one instance")
options.save(compare_figure, "solvers.png")
compare_figure

# %%
# The success probabilities are machine-independent; the TTS99 column is in milliseconds on the machine that
# built this page, under whatever load it had — and on an instance this small a call's fixed cost (starting
# threads, seeding every run) is a large part of the time per run, so the time does not grow with the sweeps
# the way the sweep count does. Measure on instances of the size you care about. A claim such as "solver A
# is faster than solver B" needs the two TTS intervals to be separated — on several instances, at several
# sizes, since one instance says little about the next. The command line does all of this::
#
#     hopopt compare maxcut random:n=25,seed=0,p=0.3 --seeds 0-19 --time-limit 1   # hopopt, exact and peers
#     hopopt bench my_suite.txt     # a suite file: instances, sizes, solvers, seeds (see hopopt.bench.suite)
#
# Where next
# ----------
# Previous: :doc:`07_annealing` — next: :doc:`09_analog`, the analog solvers, compared with these tools.
#
# Exercises
# ---------
#
# 1. A solver reached the optimum in 0 of 20 runs of 0.1 s each. What can you say about its success
#    probability and its TTS99? Compute both with :mod:`hopopt.bench.statistics`.
#
# .. dropdown:: Solution to exercise 1
#
#    .. code-block:: python
#
#       import math
#       from hopopt.bench.statistics import clopper_pearson, tts_interval
#
#       low, high = clopper_pearson(0, 20)
#       tts, tts_low, tts_high = tts_interval(0, 20, 0.1)
#       print(f"p in [{low:g}, {high:.3f}]; TTS99 in [{tts_low:.2f} s, {tts_high}]")
#       # p could still be up to about 17 %: then 25 runs (2.5 s) would do; or the solver may never succeed
#       assert low == 0 and 0.16 < high < 0.18
#       assert math.isinf(tts) and math.isinf(tts_high) and 2 < tts_low < 3
#
# 2. Derive R(p) = ln(0.01) / ln(1 − p) from "at least one success in R runs with probability 0.99", then
#    check by simulation that R(0.2) runs (rounded up) succeed at least once about 99 % of the time.
#
# .. dropdown:: Solution to exercise 2
#
#    .. code-block:: python
#
#       import math
#       import numpy as np
#       from hopopt.bench.statistics import runs_to_solution
#
#       # P(no success in R runs) = (1 - p)^R = 0.01  =>  R = ln(0.01) / ln(1 - p)
#       R = math.ceil(runs_to_solution(0.2))
#       rng = np.random.default_rng(0)
#       at_least_one = (rng.random((100_000, R)) < 0.2).any(axis=1).mean()
#       print(R, "runs:", at_least_one)
#       assert R == math.ceil(math.log(0.01) / math.log(0.8)) and abs(at_least_one - (1 - 0.8 ** R)) < 0.003
#       assert at_least_one >= 0.985
#
# 3. Compare descent and a 64-sweep anneal on a 20-node max-cut by their success probability over 200 runs
#    each, using :func:`hopopt.bench.statistics.summarize`. Are their intervals separated?
#
# .. dropdown:: Solution to exercise 3
#
#    .. code-block:: python
#
#       import hopopt
#       from hopopt.bench.statistics import summarize
#       from hopopt.solvers import descend_restarts
#
#       problem = hopopt.MaxCut.random(20, 0.3, rng=5)
#       optimum = hopopt.solve_exact(problem).objective
#       model = problem.to_model()
#       results = {"descent": descend_restarts(model, n_restarts=200, rng=0),
#                  "anneal": hopopt.anneal(model, n_sweeps=64, n_restarts=200, rng=0)}
#       records = [{"problem": "maxcut", "instance": "g20", "solver": name, "objective": float(-energy),
#                   "feasible": True, "time_s": 1.0, "sense": "max", "target": optimum}
#                  for name, result in results.items() for energy in result.energies]
#       rows = {row["solver"]: row for row in summarize(records)}
#       for name, row in rows.items():
#           print(name, row["success_probability"], (row["success_low"], row["success_high"]))
#       separated = rows["descent"]["success_high"] < rows["anneal"]["success_low"]
#       print("intervals separated:", separated)
#       assert separated
