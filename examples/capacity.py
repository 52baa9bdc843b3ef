"""
Memory capacity of three learning rules
=======================================

How many random patterns can a Hopfield network store? For each load α = P/N,
:func:`hopopt.workflows.memory.capacity_curve` stores P random ±1 patterns in an N-neuron network, cues some
of them with 5 % of their bits flipped and counts a recall when the final state is within 2 % of the bits
of the pattern. Theory puts the Hebb rule's breakdown at α_c ≈ 0.138 for large N (Amit, Gutfreund &
Sompolinsky, 1985; networks as small as these come out a little higher). The Storkey rule stores more, and
the pseudo-inverse rule, which makes every pattern an exact fixed point for any α < 1, more still, until its
basins of attraction get too small for the noisy cues. The output below gives the load α_c where each rule's recall
first falls below one half, and the ``assert`` checks this order.

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
curves, critical = {}, {}
for rule in ("hebb", "storkey", "pseudo-inverse"):
    out = capacity_curve(neurons, rule, trials=trials, rng=options.seed)
    curves[rule] = out["curve"]
    alpha_c = "never below 1/2" if out["alpha_c"] is None else f"{out['alpha_c']:.3f}"
    print(f"{rule:>14}: alpha_c = {alpha_c} (loads tried {len(out['curve'])})")
    critical[rule] = float("inf") if out["alpha_c"] is None else out["alpha_c"]
assert critical["hebb"] < critical["storkey"] < critical["pseudo-inverse"], "the rules' capacities are not in order"

# %%
# The dashed line is the classical 0.138 of the Hebb rule at large N.
figure = plot_capacity_curves(curves, theory=0.138, title=f"Hopfield memory capacity, N = {neurons}")
options.save(figure, "capacity.png")
figure
