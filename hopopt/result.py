"""What solvers return: :class:`SolveResult`, a frozen record of states, energies, traces and timings."""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

# numpy is imported where a result is built, not here: the command line imports this module for its JSON
# helpers before it knows whether it will solve anything, and `hopopt --help` should not pay for numpy
if TYPE_CHECKING:
    import numpy as np

__all__ = ["SolveResult", "Solution", "Status", "STATUS_MESSAGES", "json_default", "finite_or_none", "relative_gap"]


class Status:
    """Why a solver stopped (integer codes, as in scipy's ``OptimizeResult.status``).

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt import EnergyModel, Status, descend
    >>> result = descend(EnergyModel(np.array([[0.0, 1.0], [1.0, 0.0]])), rng=0)
    >>> result.status == Status.CONVERGED, result.message
    (True, 'reached a fixed point: no update changes the state')
    """

    COMPLETED = 0  #: every planned sweep ran
    TIME_LIMIT = 1  #: the time limit ran out; the best state so far is returned
    CALLBACK_STOP = 2  #: the callback raised StopIteration
    CONVERGED = 3  #: deterministic dynamics reached a fixed point
    TWO_CYCLE = 4  #: synchronous dynamics entered a 2-cycle
    SWEEP_LIMIT = 5  #: deterministic dynamics hit ``max_sweeps`` before converging
    OPTIMAL = 6  #: an exact method proved the best state optimal
    TARGET_REACHED = 7  #: a state reached the target energy (e.g. the ground energy a model declares)
    INTERRUPTED = 8  #: Ctrl-C (hopopt.control); the best state found so far is returned


#: one line per :class:`Status`, saying why a run stopped (``SolveResult.message``)
STATUS_MESSAGES = {
    Status.COMPLETED: "all planned sweeps completed",
    Status.TIME_LIMIT: "time limit reached; best state found so far returned",
    Status.CALLBACK_STOP: "stopped by the callback (StopIteration)",
    Status.CONVERGED: "reached a fixed point: no update changes the state",
    Status.TWO_CYCLE: "synchronous updates entered a 2-cycle",
    Status.SWEEP_LIMIT: "stopped at max_sweeps before reaching a fixed point",
    Status.OPTIMAL: "proved optimal",
    Status.TARGET_REACHED: "a state reached the target energy; stopped early",
    Status.INTERRUPTED: "interrupted; best state found so far returned",
}


def _frozen(array):
    import numpy as np

    array = np.asarray(array)
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class SolveResult:
    """The outcome of one solver call.

    Attributes
    ----------
    states : ndarray, shape (restarts, n)
        Final (polished) state of every restart, in the model's vartype.
    energies : ndarray, shape (restarts,)
        Energy of each row of ``states``, recomputed exactly from the model.
    best_state : ndarray, shape (n,)
        The lowest-energy state found.
    best_energy : float
    trace : ndarray, shape (sweeps_done,)
        Energy after every sweep (annealing) or after every flip (descent) of the best restart.
    betas : ndarray
        The inverse temperatures used, one per sweep (empty for deterministic dynamics).
    sweeps_done : int
        Sweeps run per restart.
    status : int
        A :class:`Status` code; ``message`` says it in words.
    timings : dict
        Wall times in seconds: ``solve`` (the solve itself, excluding set-up and JIT compilation), ``total``.
    solver : str
        Name of the solver (or exact method) that produced the result.
    info : dict
        Solver-specific extras (acceptance rule, seeds, cycle states, an exact method's own message, ...).
    optimal : bool or None
        Exact methods: True when no state has lower energy (proved); None for heuristics.
    bound : float or None
        Exact methods: a proven lower bound on the energy (equal to ``best_energy`` when optimal).

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt import EnergyModel, anneal
    >>> model = EnergyModel(np.array([[0.0, 1.0], [1.0, 0.0]]))  # E = −s₀s₁: the two spins agree
    >>> result = anneal(model, n_sweeps=50, rng=0)
    >>> result.best_energy, result.solver, result.sweeps_done, result.message
    (-1.0, 'anneal', 50, 'all planned sweeps completed')
    >>> bool(result.best_state[0] == result.best_state[1]), result.energies.shape == (len(result.states),)
    (True, True)
    """

    states: np.ndarray
    energies: np.ndarray
    best_state: np.ndarray
    best_energy: float
    trace: np.ndarray
    betas: np.ndarray
    sweeps_done: int
    status: int
    timings: Mapping[str, float]
    solver: str
    info: Mapping[str, Any] = field(default_factory=dict)
    optimal: bool | None = None
    bound: float | None = None

    def __post_init__(self):
        for name in ("states", "energies", "best_state", "trace", "betas"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        object.__setattr__(self, "best_energy", float(self.best_energy))

    @property
    def message(self) -> str:
        """The status in words (an exact method's own account of its proof when it gave one)."""
        return self.info.get("message") or STATUS_MESSAGES.get(self.status, f"unknown status {self.status}")

    @property
    def method(self) -> str:
        """The solver's name (the spelling exact methods use)."""
        return self.solver

    @property
    def ground_count(self) -> int | None:
        """Number of minimum-energy states, where the method counted them (brute force)."""
        return self.info.get("ground_count")

    @property
    def success(self) -> bool:
        """True when the solver stopped as planned (not by the time limit or the callback)."""
        return self.status in (Status.COMPLETED, Status.CONVERGED, Status.OPTIMAL)

    @property
    def time_s(self) -> float:
        """Wall time of the solve itself in seconds."""
        return float(self.timings["solve"])

    def __repr__(self):
        proof = "" if self.optimal is None else f", optimal={self.optimal}, bound={self.bound:g}"
        return (f"SolveResult(solver={self.solver!r}, best_energy={self.best_energy:g}, "
                f"restarts={self.states.shape[0]}, sweeps_done={self.sweeps_done}, "
                f"status={self.status} ({self.message}){proof}, time_s={self.time_s:.3g})")

    @classmethod
    def exact(cls, state, energy, *, optimal, bound, time_s, method, message="", info=None):
        """The result of an exact method: one state, its energy, the proof and the bound.

        Parameters
        ----------
        state : array_like, shape (n,)
            The best state found.
        energy : float
            Its energy.
        optimal : bool
            True when the method proved it optimal (status ``OPTIMAL``, else ``TIME_LIMIT``).
        bound : float
            The proven lower bound on the energy.
        time_s : float
            Seconds the method took.
        method : str
            The method's name, recorded as the solver.
        message : str, optional
            The method's own account of how it ended, kept in ``info["message"]``.
        info : dict, optional
            Further entries for ``info``.

        Returns
        -------
        SolveResult
            One state and energy, no trace and no schedule.

        Examples
        --------
        >>> from hopopt.result import SolveResult
        >>> result = SolveResult.exact([1, -1], -1.0, optimal=True, bound=-1.0, time_s=0.01, method="demo")
        >>> result.optimal, result.bound, result.message
        (True, -1.0, 'proved optimal')
        """
        import numpy as np

        state = np.asarray(state)
        extras = dict(info or {})
        if message:
            extras["message"] = message
        return cls(states=state.reshape(1, -1), energies=np.array([float(energy)]), best_state=state.reshape(-1),
                   best_energy=float(energy), trace=np.empty(0), betas=np.empty(0), sweeps_done=0,
                   status=Status.OPTIMAL if optimal else Status.TIME_LIMIT,
                   timings={"solve": float(time_s), "total": float(time_s)}, solver=method, info=extras,
                   optimal=bool(optimal), bound=float(bound))


def json_default(value):
    """``json.dumps(..., default=json_default)``: numpy scalars and arrays as Python numbers and lists.

    Parameters
    ----------
    value : object
        A value ``json`` cannot write itself.

    Returns
    -------
    int, float, bool, list
        A numpy scalar's Python value or an array's nested list; anything else is a TypeError.

    Examples
    --------
    >>> import json
    >>> import numpy as np
    >>> from hopopt.result import json_default
    >>> json.dumps({"cut": np.int64(3), "sides": np.array([0, 1])}, default=json_default)
    '{"cut": 3, "sides": [0, 1]}'
    """
    # a value can only be a numpy object once numpy is imported: no need to import it to check
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, np.generic):
        return value.item()
    if np is not None and isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def finite_or_none(value):
    """JSON has no infinity or NaN: such a float becomes None (an infinite time to solution = "never reached").

    Parameters
    ----------
    value : object
        Any value.

    Returns
    -------
    object
        None for an infinite or NaN float; ``value`` unchanged otherwise.

    Examples
    --------
    >>> from hopopt.result import finite_or_none
    >>> finite_or_none(float("inf")), finite_or_none(2.5), finite_or_none("text")
    (None, 2.5, 'text')
    """
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass(frozen=True, eq=False)
class Solution:
    """A decoded, evaluated answer to a problem: what :func:`hopopt.solve` and :func:`hopopt.solve_exact`
    return, heuristic and exact alike.

    Attributes
    ----------
    kind : str
        The problem kind (``maxcut``, ``tsp``, ``coloring``, ``qap``).
    problem : object
        The instance that was solved (for coloring: with the number of colours finally used).
    solution : ndarray
        Cut sides (0/1 per node), tour (0-based city order), colour per node, location per facility.
    objective : float
        Cut weight, tour length, number of colours, assignment cost.
    feasible : bool
    violations : tuple of str
    sense : {"min", "max"}
    solver : str
    time_s : float
        Wall time of the solve itself.
    energy : float or None
        Energy of the solution's state in the problem's model (None where it has no single model).
    optimal : bool or None
        True when an exact method proved the objective optimal; None for heuristics.
    bound : float or None
        A proven bound on the optimum (lower for "min", upper for "max"), from exact methods.
    result : SolveResult or None
        The solver's own result (states, energies, traces, timings), when a model solver ran.
    info : dict
        Solver-specific extras (moves, colours tried, method, status message, ...).

    Examples
    --------
    >>> import hopopt
    >>> problem = hopopt.MaxCut.from_edges(4, [(0, 1), (1, 2), (2, 3), (3, 0)])
    >>> exact = hopopt.solve_exact(problem)
    >>> exact.kind, exact.objective, exact.feasible, exact.optimal, exact.sense
    ('maxcut', 4.0, True, True, 'max')
    >>> heuristic = hopopt.solve(problem, time_limit=0.2, rng=0)
    >>> heuristic.objective, heuristic.optimal
    (4.0, None)
    """

    kind: str
    problem: Any
    solution: np.ndarray
    objective: float
    feasible: bool
    violations: tuple
    sense: str
    solver: str
    time_s: float
    energy: float | None = None
    optimal: bool | None = None
    bound: float | None = None
    result: SolveResult | None = None
    info: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        import numpy as np

        object.__setattr__(self, "solution", _frozen(np.array(self.solution)))
        object.__setattr__(self, "violations", tuple(self.violations))

    @property
    def method(self) -> str:
        """The method's name (without the ``exact-`` prefix the command line shows)."""
        return self.info.get("method", self.solver)

    @property
    def message(self) -> str:
        """The solver's own account of how it ended (an exact method: its proof or why it has none)."""
        return self.info.get("message", "")

    @classmethod
    def exact(cls, kind, solution, objective, *, optimal, bound, time_s, method, message, sense="min", info=None):
        """The answer of a problem-level exact method (a tour, a coloring, an assignment) with its proof.

        Parameters
        ----------
        kind : str
            The problem kind's name.
        solution : array_like
            The answer in the problem's own terms.
        objective : float
            Its objective.
        optimal : bool
            True when the method proved it optimal.
        bound : float
            The proven bound on the optimum (the objective itself when optimal).
        time_s : float
            Seconds the method took.
        method : str
            The method's name, recorded as the solver.
        message : str
            The method's own account of how it ended.
        sense : {"min", "max"}
            Whether the objective is minimised or maximised.
        info : dict, optional
            Further entries for ``info`` (beside ``method`` and ``message``).

        Returns
        -------
        Solution
            A feasible solution with ``optimal``, ``bound`` and the method's name set.

        Examples
        --------
        >>> from hopopt.result import Solution
        >>> answer = Solution.exact("tsp", [0, 1, 2], 3.0, optimal=True, bound=3.0, time_s=0.0,
        ...                         method="held-karp", message="done")
        >>> answer.objective, answer.optimal, answer.method
        (3.0, True, 'held-karp')
        """
        import numpy as np

        extras = {"method": method, "message": message, **(info or {})}
        return cls(kind, None, np.asarray(solution), float(objective), True, (), sense, method, float(time_s),
                   None, bool(optimal), float(bound), None, extras)

    def __repr__(self):
        proof = "" if self.optimal is None else f", optimal={self.optimal}, bound={self.bound}"
        return (f"Solution(kind={self.kind!r}, solver={self.solver!r}, objective={self.objective:g}, "
                f"feasible={self.feasible}{proof}, time_s={self.time_s:.3g})")


def relative_gap(objective, target, sense):
    """How much worse than ``target`` an ``objective`` is, relative to ``|target|``.

    ``(objective - target) / |target|`` when minimising, ``(target - objective) / |target|`` when
    maximising, so a positive gap always means worse than the target and a negative one better. With
    ``target == 0`` no relative gap exists and the absolute difference (same sign convention) is returned.

    Parameters
    ----------
    objective, target : float or None
    sense : {"max", "min"}

    Returns
    -------
    float or None
        None when ``objective`` or ``target`` is None.

    Examples
    --------
    >>> from hopopt.result import relative_gap
    >>> relative_gap(90.0, 100.0, "max"), relative_gap(110.0, 100.0, "min")
    (0.1, 0.1)
    >>> relative_gap(3.0, 0.0, "min"), relative_gap(None, 1.0, "max")
    (3.0, None)
    """
    if sense not in ("max", "min"):
        raise ValueError(f"sense must be 'max' or 'min', got {sense!r}")
    if objective is None or target is None:
        return None
    objective, target = float(objective), float(target)
    worse_by = objective - target if sense == "min" else target - objective
    if target == 0.0:
        return worse_by
    return worse_by / abs(target)
