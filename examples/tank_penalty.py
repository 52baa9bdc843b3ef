"""
Hopfield & Tank's TSP network: the penalty decides validity
===========================================================

The 1985 analogue network encodes a tour of n cities as an n×n grid of neurons V[x, i] ("city x is visited
at step i") and an energy with penalty terms A (one step per city), B (one city per step), C (about n
neurons on in all; Hopfield & Tank aim at n′ = 15 for 10 cities, and so does the study) and the tour length
D. The continuous dynamics (:func:`hopopt.solvers.tank`) only give a *valid*
tour (a permutation matrix) when the penalties win over the length term.

:func:`hopopt.workflows.hopfield_tank.tank_tsp_study` runs many noisy starts on one set of 10 cities and
reports the valid rate and how long the valid tours are compared with the optimum (Held–Karp). Here A = B is
scaled by a factor: the classic trade-off is that small penalties give few valid tours, large ones many
valid tours that are longer. The output shows both sides, and the ``assert`` lines check them.

From a shell: ``python examples/tank_penalty.py --out pictures [--fast]`` writes ``tank_penalty.png``.
"""

import math

from hopopt.plotting import plot_valid_rate, script_options
from hopopt.workflows.hopfield_tank import tank_tsp_study

options = script_options(__doc__)
starts = 10 if options.fast else 60
scales = [0.5, 1.0, 2.0, 4.0] if options.fast else [0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0]

# %%
# The sweep over the penalty scale
# --------------------------------
# One line per scale: the valid rate and the mean length of the valid tours over the optimum ("-" when no
# start gave a valid tour).
study = tank_tsp_study(n_cities=10, starts=starts, rng=options.seed, penalty_scales=scales)
rates, ratios = [], []
for point in study["sweep"]:
    ratio = point["mean_ratio"]
    rates.append(point["valid_rate"])
    ratios.append(float("nan") if ratio is None else ratio)
    shown = "   -  " if ratio is None else f"{ratio:.3f}"
    print(f"A = B = {point['A']:7.1f} (x{point['scale']:<4g}): valid {point['valid_rate']:5.0%}, "
          f"mean length / optimum {shown}")
print(f"optimum {study['optimal_length']:.3f}, {starts} starts per point, {study['time_s']:.1f} s")
assert rates[-1] > rates[0], "a larger penalty did not give more valid tours"
assert all(math.isnan(ratio) or ratio >= 1 - 1e-9 for ratio in ratios), "a valid tour beat the optimum"
valid_ratios = [ratio for ratio in ratios if not math.isnan(ratio)]
assert len(valid_ratios) >= 2 and valid_ratios[-1] > valid_ratios[0], "larger penalties did not give longer tours"

# %%
# Valid rate and length over optimum against the penalty scale.
figure = plot_valid_rate(scales, rates, ratios,
                         title=f"Hopfield-Tank, 10 cities, {starts} starts: valid tours vs penalty")
options.save(figure, "tank_penalty.png")
figure
