"""
Memory capacity of three learning rules
=======================================

How many random patterns can a Hopfield network store? For each load α = P/N,
:func:`hopopt.workflows.memory.capacity_curve` stores P random ±1 patterns in an N-neuron network, cues some
of them with 5 % flipped bits and counts how many are recalled (within 2 % of the bits). The Hebb rule breaks
down near the classical α_c ≈ 0.138 (Amit, Gutfreund & Sompolinsky; a bit higher at finite N), the Storkey
rule later, and the pseudo-inverse rule, which makes every pattern an exact fixed point, holds until basins
of attraction shrink as α approaches 1.

N = 200 normally, 60 with ``--fast``. From a shell: ``python examples/capacity.py --out pictures [--fast]``
writes ``capacity.png``.
"""

from hopopt.plotting import plot_capacity_curves, script_options
from hopopt.workflows.memory import capacity_curve

options = script_options(__doc__)
neurons = 60 if options.fast else 200
trials = 2 if options.fast else 4

# %%
# One curve per rule: the fraction of patterns recalled at each load, and the load where it first falls
# below one half.
curves = {}
for rule in ("hebb", "storkey", "pseudo-inverse"):
    out = capacity_curve(neurons, rule, trials=trials, rng=options.seed)
    curves[rule] = out["curve"]
    alpha_c = "never below 1/2" if out["alpha_c"] is None else f"{out['alpha_c']:.3f}"
    print(f"{rule:>14}: alpha_c = {alpha_c} (loads tried {len(out['curve'])})")

# %%
# The dashed line is the classical 0.138 of the Hebb rule at large N.
figure = plot_capacity_curves(curves, theory=0.138, title=f"Hopfield memory capacity, N = {neurons}")
options.save(figure, "capacity.png")
figure
