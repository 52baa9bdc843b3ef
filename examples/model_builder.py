"""
Write your own problem: a shift rota
====================================

Ten people, five shifts, one binary per (person, shift). Each shift needs exactly two people (equalities),
nobody works more than one shift, and persons 0 and 1 never share a shift (inequalities, one per person and
one per shift, each needing one slack binary in the energy). The objective is the total preference, to be
maximised.

The model is the few lines of ``build`` below, written with :class:`hopopt.ConstrainedModel`, which turns
it into an energy (penalty terms and slack variables). :func:`hopopt.solve` anneals that energy in rounds,
raising the penalty after a round whose answer breaks a rule, and :func:`hopopt.solve_exact` proves the
optimum with HiGHS on the original constraints.

From a shell: ``python examples/model_builder.py --out pictures [--fast]`` writes ``model_builder.png``.
"""

import numpy as np
from matplotlib.figure import Figure

import hopopt
from hopopt.constrained import ConstrainedModel, quicksum
from hopopt.plotting import script_options

options = script_options(__doc__)


# %%
# The model
# ---------
# Variables, objective and constraints, each constraint with a name that violations report.
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


preference = np.random.default_rng(options.seed).integers(1, 10, size=(10, 5))
model = build(preference)
energy = model.to_model()
print(model)
print(f"the energy has {energy.n} binaries: {energy.n - preference.size} of them slack")
assert energy.n - preference.size == 15, "not one slack binary per inequality"

# %%
# Annealed, then proved
# ---------------------
# A fixed number of sweeps (rather than a time limit) keeps the page the same on every machine. The output
# below gives the annealer's total preference and whether its rota is feasible, the penalty of every round,
# and the exact optimum from HiGHS; the ``assert`` checks that the annealed rota breaks no rule and does not
# beat the optimum.
found = hopopt.solve(model, sweeps=1000 if options.fast else 4000, rng=options.seed)
exact = hopopt.solve_exact(model, time_limit=60)
print(f"{model}: annealed {found.objective:g} (feasible {found.feasible}) in {found.time_s:.2f} s; "
      f"exact {exact.objective:g}, optimal {exact.optimal}, in {exact.time_s:.2f} s")
print(f"violations of the annealed rota: {found.violations or 'none'}")
print("penalty rounds: " + ", ".join(f"P = {r['penalty']:g} ({'feasible' if r['feasible'] else 'infeasible'})"
                                     for r in found.info["penalty_rounds"]))
print(f"exact method: {exact.method} (scipy.optimize.milp, HiGHS)")
assert found.feasible and exact.optimal and found.objective <= exact.objective + 1e-9 and exact.method == "milp"

# %%
# The two rotas
# -------------
# Circles mark who works which shift, over the preference grid (darker = preferred).
figure = Figure(figsize=(8, 4), layout="constrained")
axes = figure.subplots(1, 2)
for ax, answer, label in ((axes[0], found, "annealed"), (axes[1], exact, "exact (HiGHS)")):
    rota = np.asarray(answer.solution).reshape(preference.shape)
    ax.imshow(preference, cmap="Greens", vmin=0, vmax=10)
    people, shifts = np.nonzero(rota)
    ax.scatter(shifts, people, marker="o", s=120, facecolors="none", edgecolors="black", linewidths=2)
    ax.set(title=f"{label}: preference {answer.objective:g}", xlabel="shift", ylabel="person")
options.save(figure, "model_builder.png")
figure
