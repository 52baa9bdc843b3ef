"""
Annealing escapes the local minima where descent stops
======================================================

A max-cut instance is written as a Hopfield energy with E(s) = −cut(s) exactly (:class:`hopopt.MaxCut`), so
lower energy means a bigger cut. Asynchronous descent only ever accepts downhill flips and stops at the first
state where no single flip helps — a local minimum that depends on the random start
(:func:`hopopt.solvers.descend_restarts` runs it from many starts). Simulated annealing
(:func:`hopopt.anneal`) also accepts uphill flips, with probability exp(−β ΔE) for a rise ΔE > 0, while β
rises slowly, so it can climb out of shallow minima before freezing. On the same graph its cuts are larger
on average (the ``assert`` below checks it).

From a shell: ``python examples/annealing_vs_descent.py --out pictures [--fast]`` writes
``annealing_vs_descent.png``.
"""

import numpy as np
from matplotlib.figure import Figure

from hopopt import MaxCut, anneal, descend
from hopopt.plotting import script_options
from hopopt.solvers import descend_restarts

options = script_options(__doc__)
n = 60 if options.fast else 150
restarts = 20 if options.fast else 100
sweeps = 300 if options.fast else 3000

# %%
# One random graph, two methods
# -----------------------------
# G(n, 0.1) as a max-cut model; many descent restarts against a few annealing restarts. The output below
# gives the range and mean of the cuts each method found, and the ``assert`` stops the page if annealing's
# mean cut is not the larger.
problem = MaxCut.random(n, p=0.1, rng=options.seed)
model = problem.to_model()
descent = descend_restarts(model, n_restarts=restarts, rng=options.seed)
annealed = anneal(model, n_sweeps=sweeps, n_restarts=8, rng=options.seed)
descent_cuts = -np.asarray(descent.energies)
anneal_cuts = -np.asarray(annealed.energies)
print(f"graph: {n} nodes, {len(problem.edges)} edges")
print(f"descent, {restarts} restarts: cuts {descent_cuts.min():.0f}..{descent_cuts.max():.0f} "
      f"(mean {descent_cuts.mean():.1f})")
print(f"anneal, 8 restarts x {sweeps} sweeps: cuts {anneal_cuts.min():.0f}..{anneal_cuts.max():.0f} "
      f"(mean {anneal_cuts.mean():.1f})")
assert anneal_cuts.mean() > descent_cuts.mean(), "annealing's cuts are not larger on average"

# %%
# Traces and final cuts
# ---------------------
# Left: the energy of a few descent runs after every flip (plotted against flips / n) and of the best
# annealing run after every sweep; the dashed line is the best of the descent restarts above. Right: the cut
# of every descent restart and every annealing restart.
figure = Figure(figsize=(12, 4.8), layout="constrained")
left, right = figure.subplots(1, 2)
rng = np.random.default_rng(options.seed + 1)
for k in range(5):
    trace = descend(model, rng=rng).trace
    left.plot(np.arange(len(trace)) / n, trace, color="tab:blue", alpha=0.7,
              label="descent runs" if k == 0 else None)
left.plot(np.arange(1, len(annealed.trace) + 1), annealed.trace, color="tab:red", label="annealing (best run)")
left.axhline(-descent_cuts.max(), color="tab:blue", linestyle="--", linewidth=1,
             label=f"best of {restarts} descents")
left.set_xscale("symlog", linthresh=1)
left.set_xlabel("sweep (annealing) / flips ÷ n (descent)")
left.set_ylabel("energy = −cut")
left.set_title("energy traces")
left.legend(fontsize="small")

cuts = np.concatenate([descent_cuts, anneal_cuts])
colours = ["tab:blue"] * restarts + ["tab:red"] * len(anneal_cuts)
right.bar(np.arange(len(cuts)), cuts, color=colours)
right.set_ylim(cuts.min() - 5, cuts.max() + 3)
right.set_xticks([restarts / 2, restarts + len(anneal_cuts) / 2], ["descent restarts", "anneal restarts"])
right.set_ylabel("cut size")
right.set_title("final cut of every restart")
figure.suptitle(f"Max-cut on G({n}, 0.1): annealing escapes the local minima where descent stops")
options.save(figure, "annealing_vs_descent.png")
figure
