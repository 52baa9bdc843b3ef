"""One call for every problem: :func:`solve` (a heuristic) and :func:`solve_exact` (a proof), as
``scipy.optimize.minimize`` is one call for many methods.

Both look the problem's kind up in the registry (:mod:`hopopt.kinds`), run the solver on the problem's
energy model (or the kind's own method), decode and evaluate the answer and return a
:class:`~hopopt.result.Solution`. The ``hopopt`` command is a thin layer over these two.
"""

from __future__ import annotations

import contextlib
import time

import numpy as np

from . import control
from .kinds import kind_of
from .result import Solution

__all__ = ["solve", "solve_exact", "SOLVERS", "MODEL_SOLVERS", "SOLVER_DESCRIPTIONS", "solvers_of"]

def _anneal(model, options):
    from .solvers import anneal

    result = anneal(model, n_sweeps=options["sweeps"], n_restarts=options["restarts"],
                    time_limit=options["time_limit"], acceptance=options["acceptance"], moves=options["moves"],
                    rng=options["rng"])
    return result, {"moves": result.info["moves"]}


def _descent(model, options):
    from .solvers import descend_restarts

    return descend_restarts(model, n_restarts=options["restarts"] or 10, time_limit=options["time_limit"],
                            rng=options["rng"]), {}


def _tank(model, options):
    from .solvers.tank import tank

    # analog dynamics on large penalty networks can take minutes to settle: bound them by default
    return tank(model, n_starts=options["restarts"] or 10, time_limit=options["time_limit"] or 10.0,
                rng=options["rng"]), {}


def _temper(model, options):
    from .solvers.temper import temper

    result = temper(model, n_sweeps=options["sweeps"], n_restarts=options["restarts"],
                    time_limit=options["time_limit"], rng=options["rng"])
    info = result.info
    return result, {"replicas": int(info["n_replicas"]), "round_trips": int(info["round_trips"]),
                    "cluster_moves": int(info["cluster_moves"])}


def _bifurcation(variant):
    def run(model, options):
        from .solvers.bifurcation import bifurcate

        return bifurcate(model, variant=variant, n_trajectories=options["restarts"], n_steps=options["sweeps"],
                         time_limit=options["time_limit"], rng=options["rng"]), {}
    return run


def _amplitude_control(model, options):
    from .solvers.amplitude import amplitude_control

    return amplitude_control(model, n_trajectories=options["restarts"], n_steps=options["sweeps"],
                             time_limit=options["time_limit"], rng=options["rng"]), {}


#: hopopt's solvers of any energy model by name: ``run(model, options) -> (SolveResult, extras)``, where
#: options holds time_limit, rng, restarts, sweeps, moves and acceptance (None where not given)
MODEL_SOLVERS = {"anneal": _anneal, "temper": _temper, "dsb": _bifurcation("discrete"),
                 "bsb": _bifurcation("ballistic"), "cac": _amplitude_control, "descent": _descent, "tank": _tank}

#: one line per solver, for listings (``hopopt compare --solvers``, the README)
SOLVER_DESCRIPTIONS = {
    "anneal": "hopopt simulated annealing (numba; constraint-preserving moves where declared)",
    "descent": "Hopfield descent from random starts",
    "penalty": "single flips on the penalty network, penalty doubled while infeasible",
    "tank": "continuous Hopfield-Tank dynamics",
    "temper": "parallel tempering: replica exchange on an adapted ladder, Houdayer cluster moves on sparse models",
    "dsb": "discrete simulated bifurcation (Goto et al. 2021), batched trajectories",
    "bsb": "ballistic simulated bifurcation (Goto et al. 2021), batched trajectories",
    "cac": "chaotic amplitude control (Leleu et al. 2019), batched trajectories",
}

# the solvers that choose among move sets (the others flip single spins or move every spin at once)
_MOVE_SOLVERS = ("anneal",)

#: every solver name ``hopopt solve --solver`` accepts (which apply to a kind: :func:`solvers_of`)
SOLVERS = (*MODEL_SOLVERS, "penalty")


# Python set-up per restart (its child generator, seed and random start state; about 40 µs measured for temper)
_SETUP_SECONDS_PER_RESTART = 5e-5


def solvers_of(kind):
    """The solver names that apply to a problem kind, its default first.

    Parameters
    ----------
    kind : ProblemKind
        The kind (an entry of :data:`hopopt.kinds.KINDS`).

    Returns
    -------
    tuple of str
        The kind's own solvers, its default first, then (for a kind that takes any model solver) the
        generic model solvers it does not list itself.

    Examples
    --------
    >>> from hopopt.api import solvers_of
    >>> from hopopt.kinds import KINDS
    >>> solvers_of(KINDS["maxcut"])[:2]
    ('temper', 'anneal')
    """
    extra = tuple(name for name in MODEL_SOLVERS if name not in kind.solvers) if kind.any_model_solver else ()
    return (*kind.solvers, *extra)


def _run_model_solver(solver, problem, options):
    """Run a solver on the problem's encoding; returns the SolveResult and extras."""
    if solver == "penalty":
        from .solvers import penalty_loop

        found = penalty_loop(problem.to_model, lambda state: not problem.state_violations(state),
                             0.5 * problem.penalty_bound(), time_limit=options["time_limit"] or 10.0,
                             n_sweeps=options["sweeps"], n_restarts=options["restarts"], rng=options["rng"])
        return found, {"penalty": float(found.info["penalty"]), "penalty_rounds": found.info["penalty_rounds"],
                       "moves": "single-flip"}
    model = problem.to_model()
    unstarted = _unstarted(model, solver, options["rng"])
    if unstarted is not None:
        return unstarted
    return MODEL_SOLVERS[solver](model, options)


def _unstarted(model, solver, rng):
    """A random start, with status time limit, when the set-up of a solver on a large model would outlast the
    command's deadline; else None (run the solver).

    Every solver first copies the couplings and derives its tables from them, one pass over millions of
    couplings that no clock can stop: on max-cut G(5000, 0.5) under a 2 s limit the deadline had passed before
    the first sweep. Models that declare constraint-preserving structure (one-hot groups, permutations) are
    left to their solver, since a random spin state would break their constraints.
    """
    from .solvers._common import SETUP_OVERRUN_S, not_started, setup_seconds

    run = control.active()
    structured = "onehot_groups" in model.metadata or "permutation" in model.metadata
    if run is None or structured:
        return None
    left = run.remaining()  # inf without a deadline
    if setup_seconds(model) <= left + SETUP_OVERRUN_S:
        return None
    result = not_started(model, rng, solver, left)
    return result, {"note": result.info["note"]}


def solution_energy(problem, solution):
    """The energy of a feasible solution's state in the problem's own model, or None (no encoder, infeasible).

    Examples
    --------
    >>> from hopopt.api import solution_energy
    >>> from hopopt.problems import TSP
    >>> solution_energy(TSP([[0, 1, 1], [1, 0, 1], [1, 1, 0]]), [0, 1, 2])
    3.0
    """
    own = getattr(problem, "solution_energy", None)  # a kind that knows its energy without building the model
    encode = getattr(problem, "encode", None) or getattr(problem, "one_hot", None)
    if own is None and encode is None:
        return None
    try:
        if own is not None:
            return float(own(solution))
        return float(problem.to_model().energy(encode(solution)))
    except (ValueError, MemoryError):
        return None


def _deadline(time_limit):
    """The deadline a call holds: the command's when one runs, else the call's own ``time_limit``.

    A library call with a time limit gets its own :class:`~hopopt.control.RunControl`, so everything under it
    (the incumbent, HiGHS in its watched thread, repairs and polishes) stops at the limit as it does under the
    ``hopopt`` command; a HiGHS run left behind finishes in the background, bounded by its own time limit.
    """
    if time_limit is None or control.active() is not None:
        return contextlib.nullcontext()
    return control.activate(control.RunControl(time_limit))


def solve(problem, solver=None, *, time_limit=None, rng=None, restarts=None, sweeps=None, moves="auto",
          acceptance="metropolis", colors=None, max_memory=None) -> Solution:
    """Solve a problem with one of hopopt's solvers and return the decoded, evaluated solution.

    Parameters
    ----------
    problem : MaxCut, TSP, GraphColoring, QAP, or any registered kind's instance
    solver : {"anneal", "descent", "penalty", "tank"}, optional
        Default: the kind's first solver. Which apply: :func:`solvers_of` (every solver of energy models, and
        ``penalty`` where the kind has a penalty rule).
    time_limit : float, optional
        Wall-clock seconds; the anneal is sized to fill it when ``sweeps`` is not given.
    rng : None, int or numpy.random.Generator
        SPEC 7 seed: the same rng gives the same answer.
    restarts, sweeps : int, optional
        Independent runs and sweeps per run.
    moves : {"auto", "single-flip", "constraint-preserving", "one-hot", "permutation"}
    acceptance : {"metropolis", "glauber"}
    colors : int, optional
        Colouring only: anneal with exactly this many colours instead of searching for the fewest.
    max_memory : int, optional
        Bytes the model and the solver's state may take (estimated before anything is built,
        :mod:`hopopt.resources`); default 90 % of the memory available. More is refused with an InputError.

    Returns
    -------
    Solution

    Examples
    --------
    >>> import hopopt
    >>> problem = hopopt.MaxCut.from_edges(4, [(0, 1), (1, 2), (2, 3), (3, 0)])
    >>> answer = hopopt.solve(problem, sweeps=100, rng=0)
    >>> answer.objective, answer.feasible, answer.energy
    (4.0, True, -4.0)
    """
    kind = kind_of(problem)
    applicable = solvers_of(kind)
    solver = applicable[0] if solver is None else solver
    if solver not in applicable:
        raise ValueError(f"solver {solver!r} does not apply to {kind.name}; choose from {', '.join(applicable)}")
    if moves != "auto" and solver not in _MOVE_SOLVERS:
        raise ValueError(f"moves applies to {', '.join(_MOVE_SOLVERS)}, not to {solver} (it flips single spins "
                         f"or integrates all of them); got moves={moves!r}")
    if colors is not None and kind.settle is None:
        raise ValueError(f"colors applies to coloring, not {kind.name}")
    if time_limit is not None and restarts is not None and restarts * _SETUP_SECONDS_PER_RESTART > 0.5 * time_limit:
        # every restart is seeded and started in Python before any kernel runs and the clock is read:
        # 10**6 restarts took a minute under a 0.05 s limit
        raise ValueError(f"restarts={restarts} take about {restarts * _SETUP_SECONDS_PER_RESTART:.2g} s to set up, "
                         f"more than half the time limit ({time_limit:g} s); use fewer restarts or more time")
    from .resources import check_fits, estimate_solve

    started = time.perf_counter()
    with _deadline(time_limit), control.solving():
        # under a command's deadline (hopopt.control) the solver gets what is left after reading and encoding
        time_limit = control.time_left(time_limit)
        options = {"time_limit": time_limit, "rng": rng, "restarts": restarts, "sweeps": sweeps, "moves": moves,
                   "acceptance": acceptance, "colors": colors, "solver": solver}
        if kind.heuristic is not None:
            check_fits(estimate_solve(problem, solver, restarts=restarts, moves=moves), max_memory,
                       what=f"{kind.name} {getattr(problem, 'name', '')}".strip())
            answer = kind.heuristic(problem, options)
        else:
            answer = None
        if answer is None:
            final = kind.settle(problem, options) if kind.settle is not None else problem
            check_fits(estimate_solve(final, solver, restarts=restarts, moves=moves), max_memory,
                       what=f"{kind.name} {getattr(final, 'name', '')}".strip())
            result, extras = _run_model_solver(solver, final, options)
    if answer is not None:
        final, solution, result, extras = answer
        seconds = time.perf_counter() - started
        if result is not None:
            extras.update(status=result.message, sweeps=int(result.sweeps_done),
                          restarts=int(result.states.shape[0]), state_energy=float(result.best_energy))
    else:
        solution = final.decode(result.best_state)
        seconds = result.time_s
        if kind.settle is not None:
            extras["colors"] = int(final.colors)
        extras.update(status=result.message, sweeps=int(result.sweeps_done), restarts=int(result.states.shape[0]),
                      state_energy=float(result.best_energy))
    evaluation = final.evaluate(solution)
    # the energy of the (repaired) solution's state; of the best raw state when the solution is infeasible
    energy = solution_energy(final, solution) if evaluation.feasible else None
    if energy is None and result is not None:
        energy = float(result.best_energy)
    return Solution(kind.name, final, np.asarray(solution), float(evaluation.objective), bool(evaluation.feasible),
                    tuple(evaluation.violations), evaluation.sense, solver, float(seconds), energy, None, None,
                    result, extras)


def solve_exact(problem, *, time_limit=None, max_memory=None) -> Solution:
    """Solve a problem with its kind's exact method: the optimum with a proof, or the best found and a bound.

    Parameters
    ----------
    problem : a registered kind's instance
    time_limit : float, optional
        Seconds for the whole call; when it runs out the best solution so far comes back with ``optimal=False``
        and the bound. A HiGHS run still going at the limit is left to finish in a background thread.
    max_memory : int, optional
        Bytes the exact method may take (estimated first, :mod:`hopopt.resources`); default 90 % of the memory
        available. More is refused with an InputError.

    Examples
    --------
    >>> import hopopt
    >>> answer = hopopt.solve_exact(hopopt.MaxCut.from_edges(3, [(0, 1), (1, 2), (0, 2)]))
    >>> answer.objective, answer.optimal
    (2.0, True)
    """
    from .resources import check_fits, estimate_exact

    kind = kind_of(problem)
    check_fits(estimate_exact(problem, control.time_left(time_limit)), max_memory, what=f"exact {kind.name} {getattr(problem, 'name', '')}".strip())
    started = time.perf_counter()
    with _deadline(time_limit), control.solving():
        exact = kind.exact(problem, control.time_left(time_limit))
    seconds = time.perf_counter() - started
    evaluation = problem.evaluate(exact.solution)
    energy = solution_energy(problem, exact.solution) if evaluation.feasible and kind.settle is None else None
    return Solution(kind.name, problem, np.asarray(exact.solution), float(evaluation.objective),
                    bool(evaluation.feasible), tuple(evaluation.violations), evaluation.sense,
                    f"exact-{exact.method}", float(exact.time_s), energy, bool(exact.optimal), exact.bound, None,
                    {"method": exact.method, "message": exact.message, "wall_s": seconds})
