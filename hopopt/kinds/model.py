"""The model builder as a problem kind: JSON model files, random models, the MILP, anneal with penalty raising."""

from __future__ import annotations

from ..constrained import ConstrainedModel
from ..errors import InputError
from ..solvers.exact_binary import solve_binary_program
from ._kind import ExactAnswer, ProblemKind

__all__ = ["KIND", "exact_answer", "raising_heuristic"]


def _random(n, seed, constraints=2, density=0.3):
    return ConstrainedModel.random(n, rng=seed, constraints=constraints, density=density)


def exact_answer(model, time_limit, to_solution=None):
    """The MILP of a builder model's original problem as an :class:`ExactAnswer` (shared by builder-based kinds).

    ``to_solution`` maps the builder's solution vector to the kind's own solution (identity by default).
    """
    linear, quadratic, constant, constraints = model.exact_program()
    found = solve_binary_program(linear, quadratic, constant, constraints, sense=model.sense,
                                 time_limit=time_limit)
    if found.infeasible:
        raise InputError(f"{model.name}: no assignment satisfies the constraints (HiGHS proved it infeasible)")
    if found.x is None:
        raise InputError(f"{model.name}: the MILP found no feasible assignment within {time_limit} s")
    solution = model.values_of(found.x)
    if to_solution is not None:
        solution = to_solution(solution)
    return ExactAnswer(solution, found.optimal, found.bound, "milp", found.message, found.time_s)


def raising_heuristic(to_builder=None):
    """A kind's ``heuristic``: :func:`~hopopt.workflows.constrained.anneal_raising_penalty` for ``anneal``.

    ``to_builder(problem)`` gives the builder model of a kind's problem (the problem itself by default); other
    solvers run as usual (returns None for them).
    """
    def heuristic(problem, settings):
        if settings.get("solver", "anneal") != "anneal":
            return None
        from ..workflows.constrained import anneal_raising_penalty

        solution, result, extras = anneal_raising_penalty(
            problem, time_limit=settings.get("time_limit"), rng=settings.get("rng"),
            restarts=settings.get("restarts"), sweeps=settings.get("sweeps"), moves=settings.get("moves", "auto"),
            acceptance=settings.get("acceptance", "metropolis"))
        return problem, solution, result, extras
    return heuristic


KIND = ProblemKind(
    name="model", problem=ConstrainedModel,
    description="a constrained binary model written with hopopt.constrained (JSON files)",
    read=ConstrainedModel.load, file_format="model-json", random=_random,
    random_options={"constraints": 2, "density": 0.3}, smallest_n=1,
    exact=lambda problem, time_limit: exact_answer(problem, time_limit),
    solvers=("anneal", "penalty", "descent"), heuristic=raising_heuristic())
