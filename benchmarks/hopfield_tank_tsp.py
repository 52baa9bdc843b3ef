"""Hopfield & Tank's 1985 TSP experiment: valid-tour rate, tour quality, and the penalty trade-off.

Usage::

    python benchmarks/hopfield_tank_tsp.py [--seeds 1,2,3] [--starts 200] [--survey 20]
                                           [--scales 0.25,0.5,0.75,1,1.25,1.5,2,3,4] [--sweep-starts 100]

Prints markdown. The 1985 setting: 10 random cities in the unit square, A = B = 500, C = 200, D = 500,
n' = 15, u0 = 0.02, integrated with the settings of :data:`hopopt.workflows.hopfield_tank.PAPER_SETTINGS`
(forward Euler, dt = 1e-5). Tour lengths are divided by the optimum (Held–Karp, exact). Tables:

1. per seeded city set: valid rate and quality at the 1985 parameters, plus two checks of the integration
   (the exact flow by scipy's LSODA, and the plain gradient of the binary model without the C self-coupling);
2. a survey over many city sets (the valid rate depends strongly on the set);
3. the valid-rate-versus-penalty curve (A = B scaled, C and D kept).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from hopopt.workflows.hopfield_tank import tank_tsp_study


def _format(value, pattern="{:.3f}"):
    return "–" if value is None else pattern.format(value)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2,3", help="seeds of the city sets of table 1 and 3")
    parser.add_argument("--starts", type=int, default=200)
    parser.add_argument("--survey", type=int, default=20, help="number of city sets in table 2 (0: skip)")
    parser.add_argument("--survey-starts", type=int, default=100)
    parser.add_argument("--scales", default="0.25,0.5,0.75,1,1.25,1.5,2,3,4")
    parser.add_argument("--sweep-starts", type=int, default=100)
    args = parser.parse_args()
    seeds = [int(seed) for seed in args.seeds.split(",") if seed]
    scales = [float(scale) for scale in args.scales.split(",") if scale]
    started = time.perf_counter()

    print(f"### Hopfield–Tank 1985 setting, {args.starts} starts per city set\n")
    print("| city set (seed) | dynamics | valid | converged | mean ratio | median ratio | best ratio | "
          "optimal tours | time (s) |")
    print("|---|---|---|---|---|---|---|---|---|")
    variants = [
        ("Euler dt=1e-5 (paper equations)", {}, True),
        ("LSODA exact flow (paper equations)", {"method": "ode", "trace_every": 50}, True),
        ("Euler dt=1e-5, plain gradient (no C self-coupling)", {}, False),
    ]
    for seed in seeds:
        for label, options, paper in variants:
            study = tank_tsp_study(10, args.starts, rng=seed, paper_dynamics=paper, solver_options=options)
            print(f"| {seed} | {label} | {study['valid_rate']:.1%} ({study['valid_count']}) | "
                  f"{study['converged_rate']:.0%} | {_format(study['mean_ratio'])} | "
                  f"{_format(study['median_ratio'])} | {_format(study['best_ratio'])} | "
                  f"{study['optimal_found']} | {study['time_s']:.1f} |", flush=True)

    if args.survey:
        rates, ratios = [], []
        for seed in range(args.survey):
            study = tank_tsp_study(10, args.survey_starts, rng=1000 + seed)
            rates.append(study["valid_rate"])
            if study["mean_ratio"] is not None:
                ratios.append(study["mean_ratio"])
        rates = np.array(rates)
        print(f"\n### Survey: {args.survey} city sets (seeds 1000..{999 + args.survey}), "
              f"{args.survey_starts} starts each, Euler dt=1e-5\n")
        print("| mean valid | median valid | min | max | sets in [8 %, 80 %] | mean ratio (valid tours) |")
        print("|---|---|---|---|---|---|")
        inside = int(np.sum((rates >= 0.08) & (rates <= 0.8)))
        print(f"| {rates.mean():.1%} | {np.median(rates):.1%} | {rates.min():.0%} | {rates.max():.0%} | "
              f"{inside}/{rates.size} | {_format(float(np.mean(ratios)) if ratios else None)} |", flush=True)

    print(f"\n### Valid rate versus penalty (A = B = 500 × scale; C = 200, D = 500), "
          f"{args.sweep_starts} starts per point\n")
    header = " | ".join(f"set {seed} valid" for seed in seeds)
    print(f"| scale | A = B | {header} | mean valid | mean ratio | converged |")
    print("|---|---|" + "---|" * len(seeds) + "---|---|---|")
    curves = [tank_tsp_study(10, args.sweep_starts, rng=seed, penalty_scales=scales)["sweep"] for seed in seeds]
    for index, scale in enumerate(scales):
        points = [curve[index] for curve in curves]
        valid = [point["valid_rate"] for point in points]
        ratios = [point["mean_ratio"] for point in points if point["mean_ratio"] is not None]
        converged = np.mean([point["converged_rate"] for point in points])
        cells = " | ".join(f"{rate:.0%}" for rate in valid)
        print(f"| {scale:g} | {500 * scale:g} | {cells} | {np.mean(valid):.1%} | "
              f"{_format(float(np.mean(ratios)) if ratios else None)} | {converged:.0%} |", flush=True)
    print(f"\n_total {time.perf_counter() - started:.0f} s_")


if __name__ == "__main__":
    main()
