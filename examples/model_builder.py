"""Write your own problem down: a 50-variable shift rota with the model builder, annealed and proved optimal.

Ten people, five shifts, one binary per (person, shift). Each shift needs exactly two people (equalities),
nobody works more than one shift (inequalities, one slack binary each), and persons 0 and 1 never share a
shift (one inequality per shift). The objective is the total preference, to be maximised. The model is the ten
lines of ``build`` below; :func:`hopopt.solve` anneals its energy (the penalty
rule, slack variables and the raise-on-violation loop are the builder's) and :func:`hopopt.solve_exact`
proves the optimum with HiGHS on the original constraints.

Picture: ``model_builder.png`` (the rota found by annealing beside the proved optimum).

Run: ``python examples/model_builder.py --out pictures [--fast]``.
"""

from __future__ import annotations

import numpy as np
from _common import parse_args, report

import hopopt
from hopopt.constrained import ConstrainedModel, quicksum


def build(preference):
    people, shifts = preference.shape
    model = ConstrainedModel("rota")
    x = model.binary("x", (people, shifts))
    model.maximize(quicksum(int(preference[p, s]) * x[p, s] for p in range(people) for s in range(shifts)))
    for s in range(shifts):
        model.add(x[:, s].sum() == 2, name=f"shift {s} has two people")
        model.add(x[0, s] + x[1, s] <= 1, name=f"people 0 and 1 apart on shift {s}")
    for p in range(people):
        model.add(x[p, :].sum() <= 1, name=f"person {p} works at most one shift")
    return model


def main(argv=None):
    import matplotlib.pyplot as plt

    from hopopt.plotting import save_figure

    args = parse_args(__doc__, argv)
    preference = np.random.default_rng(args.seed).integers(1, 10, size=(10, 5))
    model = build(preference)
    found = hopopt.solve(model, time_limit=0.5 if args.fast else 2.0, rng=args.seed)
    exact = hopopt.solve_exact(model, time_limit=60)
    print(f"{model}: annealed {found.objective:g} (feasible {found.feasible}) in {found.time_s:.2f} s; "
          f"exact {exact.objective:g}, optimal {exact.optimal}, in {exact.time_s:.2f} s")
    figure, axes = plt.subplots(1, 2, figsize=(8, 4))
    for ax, answer, label in ((axes[0], found, "annealed"), (axes[1], exact, "exact (HiGHS)")):
        rota = np.asarray(answer.solution).reshape(preference.shape)
        ax.imshow(preference, cmap="Greens", vmin=0, vmax=10)
        people, shifts = np.nonzero(rota)
        ax.scatter(shifts, people, marker="o", s=120, facecolors="none", edgecolors="black", linewidths=2)
        ax.set(title=f"{label}: preference {answer.objective:g}", xlabel="shift", ylabel="person")
    report(save_figure(figure, args.out / "model_builder.png"))


if __name__ == "__main__":
    main()
