"""How many random patterns can a Hopfield network store? Capacity curves for three learning rules.

For each load α = P/N, :func:`hopopt.workflows.memory.capacity_curve` stores P random ±1 patterns in an
N-neuron network, cues some of them with 5 % flipped bits and counts how many are recalled (within 2 % of
the bits). The Hebb rule breaks down near the classical α_c ≈ 0.138 (Amit, Gutfreund & Sompolinsky; a bit
higher at finite N), the Storkey rule later, and the pseudo-inverse rule, which makes every pattern an exact
fixed point, holds until basins of attraction shrink as α approaches 1.

Picture: ``capacity.png`` (fraction recalled against α, the dashed line at 0.138). N = 200 normally, 60
with ``--fast``.

Run: ``python examples/capacity.py --out pictures [--fast]``.
"""

from __future__ import annotations

from _common import parse_args, report

from hopopt.plotting import plot_capacity_curves, save_figure
from hopopt.workflows.memory import capacity_curve


def main(argv=None):
    args = parse_args(__doc__, argv)
    neurons = 60 if args.fast else 200
    trials = 2 if args.fast else 4
    curves = {}
    for rule in ("hebb", "storkey", "pseudo-inverse"):
        out = capacity_curve(neurons, rule, trials=trials, rng=args.seed)
        curves[rule] = out["curve"]
        alpha_c = "never below 1/2" if out["alpha_c"] is None else f"{out['alpha_c']:.3f}"
        print(f"{rule:>14}: alpha_c = {alpha_c} (loads tried {len(out['curve'])})")
    figure = plot_capacity_curves(curves, theory=0.138, title=f"Hopfield memory capacity, N = {neurons}")
    report(save_figure(figure, args.out / "capacity.png"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
