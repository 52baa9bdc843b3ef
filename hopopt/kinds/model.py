"""The model builder as a problem kind: JSON model files, random models, the MILP, anneal with penalty raising."""

from __future__ import annotations

import numpy as np

from ..constrained import ConstrainedModel
from ..errors import InputError
from ._kind import ExactAnswer, Outcome, PeerSpec, ProblemKind

__all__ = ["KIND", "exact_answer", "raising_heuristic", "builder_cqm_peer"]


def _random(n, seed, constraints=2, density=0.3):
    return ConstrainedModel.random(n, rng=seed, constraints=constraints, density=density)


def _instance_bytes(n, options):
    """Memory of ``random:n=…,constraints=…,density=…``: the builder's expressions, a few hundred bytes per term
    (each constraint row holds every variable; the objective a ``density`` share of the pairs)."""
    from ..resources import Estimate

    constraints = float(options.get("constraints", 2))
    density = float(options.get("density", 0.3))
    terms = (constraints + 2) * n + density * n * (n - 1) / 2
    return Estimate(int(min(400 * terms, 2**80)), f"the random model's {terms:.3g} terms ({constraints:g} rows of "
                                                  f"{n:,} variables)")


def exact_answer(model, time_limit):
    """The MILP of a builder model's original problem as an :class:`ExactAnswer` (shared by builder-based kinds).

    Parameters
    ----------
    model : ConstrainedModel
    time_limit : float or None
        Seconds for HiGHS.

    Returns
    -------
    ExactAnswer

    Examples
    --------
    >>> from hopopt.constrained import ConstrainedModel
    >>> model = ConstrainedModel("pick")
    >>> x = model.binary("x", 4)
    >>> model.maximize([5, 4, 3, 1] @ x)
    >>> _ = model.add(x.sum() <= 2, name="at most two")
    >>> _ = model.add(x[0] + x[1] <= 1, name="0 or 1")
    >>> from hopopt.kinds.model import exact_answer
    >>> answer = exact_answer(model, time_limit=10.0)
    >>> answer.solution.tolist(), answer.optimal, answer.bound, answer.method
    ([1, 0, 1, 0], True, 8.0, 'milp')
    """
    linear, quadratic, constant, constraints = model.exact_program()
    from ..solvers.exact_binary import solve_binary_program  # scipy.optimize (HiGHS): only for a proof
    found = solve_binary_program(linear, quadratic, constant, constraints, sense=model.sense,
                                 time_limit=time_limit)
    if found.infeasible:
        raise InputError(f"{model.name}: no assignment satisfies the constraints (HiGHS proved it infeasible)")
    bits = found.x
    if bits is None:
        # out of time before HiGHS found an assignment: the repaired all-zero one, if it is feasible
        bits = model.repair(np.zeros(model.n_variables, dtype=np.int8))
        if model.violations(bits):
            raise InputError(f"{model.name}: the MILP found no feasible assignment within {time_limit} s")
    return ExactAnswer(model.values_of(bits), found.optimal, found.bound, "milp", found.message, found.time_s)


def raising_heuristic(problem, settings):
    """A kind's ``heuristic``: :func:`~hopopt.workflows.constrained.anneal_raising_penalty` for ``anneal`` (the
    other solvers run as usual: None for them). It returns ``(problem, solution, SolveResult, extras)``.

    Parameters
    ----------
    problem : ConstrainedModel or BuilderBacked
    settings : mapping
        The solve's options: ``solver``, ``time_limit``, ``rng``, ``restarts``, ``sweeps``, ``moves``,
        ``acceptance``.

    Examples
    --------
    >>> from hopopt.constrained import ConstrainedModel
    >>> model = ConstrainedModel("pick")
    >>> x = model.binary("x", 4)
    >>> model.maximize([5, 4, 3, 1] @ x)
    >>> _ = model.add(x.sum() <= 2, name="at most two")
    >>> _ = model.add(x[0] + x[1] <= 1, name="0 or 1")
    >>> from hopopt.kinds.model import raising_heuristic
    >>> final, solution, result, extras = raising_heuristic(model, {"solver": "anneal", "time_limit": 0.2, "rng": 0})
    >>> model.evaluate(solution).objective, "penalty" in extras
    (8.0, True)
    >>> raising_heuristic(model, {"solver": "descent"}) is None  # the plain descent runs instead
    True
    """
    if settings.get("solver", "anneal") != "anneal":
        return None
    from ..workflows.constrained import anneal_raising_penalty

    solution, result, extras = anneal_raising_penalty(
        problem, time_limit=settings.get("time_limit"), rng=settings.get("rng"), restarts=settings.get("restarts"),
        sweeps=settings.get("sweeps"), moves=settings.get("moves", "auto"),
        acceptance=settings.get("acceptance", "metropolis"))
    return problem, solution, result, extras


def builder_cqm_peer(model, budget):
    """A peer: dimod's CQM of the builder model, ``dimod.cqm_to_bqm`` with its default Lagrange multiplier
    (10× the largest objective bias) and its own slack encoding, sampled by dwave-samplers' SA for the run's
    time; the best feasible read, no repair (the route dimod's users take for a constrained model).

    Parameters
    ----------
    model : ConstrainedModel
    budget : Budget
        ``time_limit`` (no new batch of reads starts after half of it), ``seed``, ``reads``, optional ``sweeps``.

    Returns
    -------
    Outcome
        The best feasible solution (None when no read was feasible), with the reads and sweeps made.

    Examples
    --------
    It needs dimod and dwave-samplers (the ``test`` or ``peers`` extra):

    >>> from hopopt.constrained import ConstrainedModel
    >>> model = ConstrainedModel("pick")
    >>> x = model.binary("x", 4)
    >>> model.maximize([5, 4, 3, 1] @ x)
    >>> _ = model.add(x.sum() <= 2, name="at most two")
    >>> _ = model.add(x[0] + x[1] <= 1, name="0 or 1")
    >>> from hopopt.bench import Budget
    >>> from hopopt.kinds.model import builder_cqm_peer
    >>> outcome = builder_cqm_peer(model, Budget(time_limit=0.2, seed=0))
    >>> model.evaluate(outcome.solution).objective
    8.0
    """
    import dimod

    from ._peers import builder_to_cqm, sample_bqm_for_time

    bqm, invert = dimod.cqm_to_bqm(builder_to_cqm(model))

    def solution_of(sample):
        values = invert(sample)
        bits = np.array([values[f"b{i}"] for i in range(model.n_variables)], dtype=np.int8)
        return None if model.violations(bits) else model.values_of(bits)

    best, extra = sample_bqm_for_time(bqm, budget, solution_of, lambda s: model.evaluate(s).objective, model.sense)
    return Outcome(best, extra)


#: the kind ``model`` of :data:`hopopt.kinds.KINDS`: a constrained binary model (JSON, :mod:`hopopt.constrained`)
KIND = ProblemKind(
    name="model", problem=ConstrainedModel,
    description="a constrained binary model written with hopopt.constrained (JSON files)",
    read=ConstrainedModel.load, file_format="model-json", random=_random,
    random_options={"constraints": 2, "density": 0.3}, smallest_n=1, exact=exact_answer, instance_bytes=_instance_bytes,
    solvers=("anneal", "penalty", "descent"), heuristic=raising_heuristic,
    peers={"dimod-cqm-dwave-sa": PeerSpec(builder_cqm_peer, "dimod CQM → cqm_to_bqm (default Lagrange) + "
                                          "dwave-samplers SA, best feasible read", requires=("dimod", "dwave.samplers"))})
