"""
Every solver on one max-cut, against the proved optimum
=======================================================

hopopt has several ways to minimise the same energy: simulated annealing (:func:`hopopt.anneal`), parallel
tempering (:func:`hopopt.solvers.temper`), discrete and ballistic simulated bifurcation (dSB and bSB,
:func:`hopopt.solvers.bifurcate`), chaotic amplitude control (CAC, :func:`hopopt.solvers.amplitude_control`),
plain asynchronous descent (:func:`hopopt.descend`) and the Hopfield–Tank analogue dynamics
(:func:`hopopt.solvers.tank`). This page runs each of them with several seeds on one random max-cut,
proves the optimum with the exact method (at this size it enumerates every state; the output names the
method), and reports for every solver

- the success probability p: the share of runs that reach the optimum, with its 95 % Clopper–Pearson
  interval (:func:`hopopt.bench.statistics.clopper_pearson`);
- TTS99, the time to reach the optimum at least once with 99 % probability by repeating independent runs,
  R(p) × (time per run) with R(p) = max(1, ln(0.01) / ln(1 − p)) runs, and its interval
  (:func:`hopopt.bench.statistics.tts_interval`).

:func:`hopopt.bench.compare` does the bookkeeping (the same function behind ``hopopt compare``). Every
solver gets the same small fixed budget of sweeps, so the ranking says something about this budget and this
instance only; the times are measured on the machine that built the page.

From a shell: ``python examples/compare_solvers.py --out pictures [--fast]`` writes ``compare_solvers.png``
and ``compare_gaps.png``.
"""

import math

import numpy as np
from matplotlib.figure import Figure

from hopopt import MaxCut
from hopopt.bench import compare
from hopopt.bench.statistics import clopper_pearson, tts_interval
from hopopt.plotting import plot_compare, script_options

options = script_options(__doc__)
n = 20 if options.fast else 26
seeds = 6 if options.fast else 20

# %%
# The instance and the runs
# -------------------------
# A random graph G(n, 0.2). Each solver runs once per seed with 100 sweeps (or their equivalent) and one
# restart, under a time limit of 0.1 s; the exact method runs once with up to 60 s to prove the optimum.
problem = MaxCut.random(n, p=0.2, rng=options.seed)
solvers = ["hopopt-anneal", "hopopt-temper", "hopopt-dsb", "hopopt-bsb", "hopopt-cac", "hopopt-descent",
           "hopopt-tank", "exact"]
table = compare("maxcut", problem, f"G({n}, 0.2)", solvers=solvers, time_limit=0.1, exact_time_limit=60,
                seeds=[options.seed + k for k in range(seeds)], sweeps=100, restarts=1)
exact_run = next(run for run in table["runs"] if run["solver"] == "exact")
print(f"G({n}, 0.2): {len(problem.edges)} edges; target cut {table['target']:g} ({table['target_source']}, "
      f"exact method {exact_run['method']}: {exact_run['message']})")
assert table["target_source"].startswith("optimum (proven"), "the exact method did not prove the optimum"
assert exact_run["method"] == "brute-force", "the exact method did not enumerate the states"

# %%
# The table
# ---------
# Success probability with its interval, TTS99 with its interval (∞ when no run reached the optimum: the
# interval then says how fast the solver could still be), the best and median cut and the mean time per run.
rows = [row for row in table["rows"] if row["solver"] != "exact"]


def seconds(value):
    return "∞" if math.isinf(value) else f"{value:.3g}"


print(f"{'solver':<15} {'p':>5} {'95 % interval':>14} {'TTS99 s':>8} {'95 % interval':>19} "
      f"{'best':>5} {'median':>6} {'s/run':>7}")
for row in rows:
    print(f"{row['solver']:<15} {row['success_probability']:5.2f} "
          f"[{row['success_low']:.2f}, {row['success_high']:.2f}] {seconds(row['tts99']):>8} "
          f"[{seconds(row['tts99_low']):>7}, {seconds(row['tts99_high']):>7}] "
          f"{row['best_objective']:5g} {row['median_objective']:6g} {row['mean_time_s']:7.4f}")
    # the intervals are the statistics module's, from the successes and the mean time per run
    assert np.allclose(clopper_pearson(row["successes"], row["runs"]), (row["success_low"], row["success_high"]))
    assert np.allclose(tts_interval(row["successes"], row["runs"], row["mean_time_s"]),
                       (row["tts99"], row["tts99_low"], row["tts99_high"]))
    assert row["best_objective"] <= table["target"], "a solver beat the proved optimum"

# %%
# Success and TTS99, with their intervals
# ---------------------------------------
# Left: p with its interval. Right: TTS99 on a log scale; a solver that never reached the optimum has no
# point, only its interval's lower end (how fast it might still be), drawn as an arrow to the right.
figure = Figure(figsize=(12, 4.6), layout="constrained")
left, right = figure.subplots(1, 2, sharey=True)
positions = np.arange(len(rows))[::-1]
names = [row["solver"].removeprefix("hopopt-") for row in rows]
p = np.array([row["success_probability"] for row in rows])
low = np.array([row["success_low"] for row in rows])
high = np.array([row["success_high"] for row in rows])
left.errorbar(p, positions, xerr=[p - low, high - p], fmt="o", color="tab:blue", capsize=4)
left.set_xlim(-0.05, 1.05)
left.set_yticks(positions, names)
left.set_xlabel(f"success probability ({seeds} runs, 95 % interval)")
left.set_title("reaching the proved optimum")
for y, row in zip(positions, rows):
    tts, tts_low, tts_high = row["tts99"], row["tts99_low"], row["tts99_high"]
    if math.isinf(tts):
        right.annotate("", xy=(tts_low * 8, y), xytext=(tts_low, y),
                       arrowprops={"arrowstyle": "->", "color": "tab:gray"})
        right.plot([tts_low], [y], "|", color="tab:gray", markersize=10)
    else:
        right.errorbar([tts], [y], xerr=[[tts - tts_low], [(tts_high if math.isfinite(tts_high) else tts * 8) - tts]],
                       fmt="o", color="tab:red", capsize=4)
right.set_xscale("log")
right.set_xlabel("TTS99 (s, 95 % interval)")
right.set_title("time to the optimum with 99 % probability")
figure.suptitle(f"Seven solvers on max-cut G({n}, 0.2), optimum {table['target']:g} proved by the exact method")
options.save(figure, "compare_solvers.png")
figure

# %%
# Gap and time per run
# --------------------
# :func:`hopopt.plotting.plot_compare` draws the best gap to the optimum over the seeds and the mean wall time
# of one run, the picture ``hopopt compare`` draws.
gaps_figure = plot_compare(table["rows"], title=f"max-cut G({n}, 0.2): best gap over {seeds} seeds")
options.save(gaps_figure, "compare_gaps.png")
gaps_figure
