"""Hopfield & Tank's analogue network for the TSP: how the penalty strength decides validity.

The 1985 network encodes a tour of n cities as an n×n grid of neurons V[x, i] ("city x is visited at step
i") and an energy with penalty terms A (one step per city), B (one city per step), C (n neurons on in all)
and the tour length D. The continuous dynamics (:func:`hopopt.solvers.tank.tank`) only give a *valid* tour
(a permutation matrix) when the penalties win over the length term; :func:`hopfield_tank_tsp_study` runs
many noisy starts on one city set and reports the valid rate and how long the valid tours are compared
with the optimum (Held–Karp). Here A = B is scaled by a factor: too small and almost no start is valid,
large and nearly every start is valid but the tours get longer -- the classic validity-quality trade-off.

Picture: ``tank_penalty.png`` (valid rate and length / optimum against the penalty scale) for 10 cities.

Run: ``python examples/tank_penalty.py --out pictures [--fast]``.
"""

from __future__ import annotations

from _common import parse_args, report

from hopopt.plotting import plot_valid_rate, save_figure
from hopopt.workflows.hopfield_tank import tank_tsp_study


def main(argv=None):
    args = parse_args(__doc__, argv)
    starts = 10 if args.fast else 60
    scales = [0.5, 1.0, 2.0, 4.0] if args.fast else [0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0]
    study = tank_tsp_study(n_cities=10, starts=starts, rng=args.seed, penalty_scales=scales)
    rates, ratios = [], []
    for point in study["sweep"]:
        ratio = point["mean_ratio"]
        rates.append(point["valid_rate"])
        ratios.append(float("nan") if ratio is None else ratio)
        shown = "   -  " if ratio is None else f"{ratio:.3f}"
        print(f"A = B = {point['A']:7.1f} (x{point['scale']:<4g}): valid {point['valid_rate']:5.0%}, "
              f"mean length / optimum {shown}")
    print(f"optimum {study['optimal_length']:.3f}, {starts} starts per point, {study['time_s']:.1f} s")
    figure = plot_valid_rate(scales, rates, ratios,
                             title=f"Hopfield-Tank, 10 cities, {starts} starts: valid tours vs penalty")
    report(save_figure(figure, args.out / "tank_penalty.png"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
