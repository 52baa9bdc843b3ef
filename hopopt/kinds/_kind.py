"""The record every problem kind registers: how to read, generate, solve exactly, draw and serialise it.

This is the seam between problems and everything that serves them (the ``hopopt`` command, ``hopopt.solve``,
compare and bench, plots, explain): they look a kind up in :data:`hopopt.kinds.KINDS` and never switch on
problem names. A new problem is an encoder module under ``hopopt/problems``, one module here that fills a
:class:`ProblemKind`, and one line in ``hopopt/kinds/__init__.py``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from ..errors import InputError

__all__ = ["ProblemKind", "PeerSpec", "Budget", "Outcome", "ExactAnswer", "read_json_solution"]


@dataclass(frozen=True)
class Budget:
    """What one run may spend: seconds, the seed, and optionally fixed sweeps and restarts.

    Attributes
    ----------
    time_limit : float
        Wall-clock seconds; annealers without ``sweeps`` fill it, exact methods stop at it.
    seed : int
        The run's seed (deterministic solvers ignore it).
    sweeps : int or None
        Sweeps per restart instead of filling ``time_limit`` (fixed work; ``time_limit`` still bounds hopopt).
    restarts : int or None
        Independent anneals (reads) per run; None means hopopt's default, the number of numba threads.

    Examples
    --------
    >>> from hopopt import MaxCut
    >>> from hopopt.bench import Budget, get_solver
    >>> budget = Budget(time_limit=1.0, seed=3, sweeps=100, restarts=2)
    >>> problem = MaxCut.from_edges(4, [(0, 1), (1, 2), (2, 3), (3, 0)])
    >>> outcome = get_solver("maxcut", "hopopt-anneal").run(problem, budget)
    >>> problem.evaluate(outcome.solution).objective
    4.0
    """

    time_limit: float = 10.0
    seed: int = 0
    sweeps: int | None = None
    restarts: int | None = None

    @property
    def reads(self) -> int:
        """Restarts for peers: the same number hopopt's annealer uses."""
        import numba

        return self.restarts if self.restarts is not None else int(numba.config.NUMBA_NUM_THREADS)


@dataclass
class Outcome:
    """A peer's answer: the solution in the problem's own terms, plus solver-specific extras.

    Attributes
    ----------
    solution : object
        The solution in the problem's own terms (what its ``evaluate`` takes).
    extra : dict
        Solver-specific values for the run record (an exact solver's ``optimal`` and ``bound``, ...).

    Examples
    --------
    >>> from hopopt import MaxCut
    >>> from hopopt.bench import Budget, get_solver
    >>> problem = MaxCut.from_edges(3, [(0, 1), (1, 2)])
    >>> outcome = get_solver("maxcut", "exact").run(problem, Budget(time_limit=5.0))
    >>> problem.evaluate(outcome.solution).objective, outcome.extra["optimal"], outcome.extra["bound"]
    (2.0, True, 2.0)
    """

    solution: Any
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ExactAnswer:
    """What a kind's exact method returns: the best solution, the proof and the bound.

    ``bound`` is a proven bound on the optimum in the problem's own objective (a lower bound for "min", an
    upper bound for "max"), None when the method proved none.

    Attributes
    ----------
    solution : numpy.ndarray
        The best solution found, in the problem's own terms.
    optimal : bool
        True when the method proved it optimal.
    bound : float or None
        As above.
    method : str
        The method that answered (``"brute-force"``, a MILP, ...).
    message : str
        The method's message (such as why it stopped early); may be empty.
    time_s : float
        Seconds the method took.
    state : numpy.ndarray or None
        The model state, where the method works on the energy; else None.

    Examples
    --------
    >>> from hopopt import MaxCut
    >>> from hopopt.kinds import KINDS
    >>> problem = MaxCut.from_edges(3, [(0, 1), (1, 2)])
    >>> answer = KINDS["maxcut"].exact(problem, 5.0)
    >>> problem.evaluate(answer.solution).objective, answer.optimal, answer.bound, answer.method
    (2.0, True, 2.0, 'brute-force')
    """

    solution: np.ndarray
    optimal: bool
    bound: float | None
    method: str
    message: str
    time_s: float
    state: np.ndarray | None = None  # the model state, where the method works on the energy


@dataclass(frozen=True)
class PeerSpec:
    """Another library's solver for a kind: ``run(problem, budget) -> Outcome``.

    Attributes
    ----------
    run : callable
        ``run(problem, budget) -> Outcome``.
    description : str
        What the peer is, for listings and reports.
    requires : tuple of str
        Modules that must import for it to run; a missing one means "not installed".
    deterministic : bool
        True when seeds do not matter: suites run it once per instance.
    max_n : int or None
        Largest instance it is run on (for peers without a time limit); None for no limit.

    Examples
    --------
    A kind's peers are listed by name; each says what it needs installed:

    >>> from hopopt.kinds import KINDS
    >>> peers = KINDS["knapsack"].peers
    >>> sorted(peers)
    ['dimod-knapsack-dwave-sa', 'greedy-ratio']
    >>> peers["dimod-knapsack-dwave-sa"].requires, peers["greedy-ratio"].deterministic
    (('dimod', 'dwave.samplers'), True)
    """

    run: Callable
    description: str
    requires: tuple = ()
    deterministic: bool = False
    max_n: int | None = None


def read_json_solution(path, problem=None):
    """The ``solution`` list in a JSON file (``{"solution": [...]}``, as ``hopopt solve --json`` writes it).

    Parameters
    ----------
    path : str or os.PathLike
    problem : object, optional
        Not used: the signature of every kind's ``read_solution``.

    Returns
    -------
    list

    Examples
    --------
    >>> import json, os, tempfile
    >>> from hopopt.kinds import read_json_solution
    >>> path = os.path.join(tempfile.mkdtemp(), "cut.json")
    >>> with open(path, "w") as handle:
    ...     json.dump({"solution": [0, 1, 1]}, handle)
    >>> read_json_solution(path)
    [0, 1, 1]
    """
    if os.path.exists(path) and not os.path.isdir(path) and not os.path.isfile(path):
        raise InputError(f"solution file {path} is not a regular file")  # a pipe would wait for a writer
    try:
        with open(path, encoding="utf-8") as handle:
            content = json.load(handle)
    except RecursionError:
        raise InputError(f"{path}: not a solution file (JSON nested too deeply)") from None
    except FileNotFoundError:
        raise InputError(f"solution file not found: {path}") from None
    except IsADirectoryError:
        raise InputError(f"solution file {path} is a directory") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: not a JSON file ({error})") from None
    solution = content.get("solution") if isinstance(content, dict) else content
    if not isinstance(solution, list):
        raise InputError(f"{path}: expected a JSON object with a 'solution' list")
    return solution


@dataclass(frozen=True)
class ProblemKind:
    """One registered problem kind.

    Attributes
    ----------
    name : str
        The PROBLEM argument of the command line (``maxcut``, ``tsp``, ``coloring``, ``qap``).
    problem : type
        The encoder class: ``to_model()``, ``decode(state)``, ``encode(solution)``, ``evaluate(solution)``,
        ``energy_terms(binary, metadata)``, ``n``, ``n_variables`` and ``sense``.
    description : str
    read : callable
        ``read(path) -> problem`` for the kind's file format.
    file_format : str
        The catalogue's ``format`` of that file (``gset``, ``tsplib``, ``dimacs``, ``qaplib``).
    random : callable
        ``random(n, seed, **options) -> problem``.
    random_options : mapping
        Options of ``random:`` specs besides ``n`` and ``seed``, with their defaults.
    smallest_n : int
        The smallest ``n`` a random instance may have.
    exact : callable
        ``exact(problem, time_limit) -> ExactAnswer``.
    solvers : tuple of str
        hopopt solvers chosen for this kind (``anneal``, ``penalty``, ...); the first is the default. Every
        solver of energy models (:data:`hopopt.api.MODEL_SOLVERS`) applies too, unless ``any_model_solver`` is
        False (:func:`hopopt.api.solvers_of` lists them all).
    heuristic : callable, optional
        ``heuristic(problem, settings) -> (problem, solution, SolveResult or None, extras)``, the problem
        as finally solved first; replaces the plain anneal of ``to_model()`` (the coloring's fewest-colours
        search), or returns None to let it run.
    plot : callable, optional
        ``plot(problem, solution, ax, title)``: draws a solution on a matplotlib Axes.
    read_solution : callable
        ``read_solution(path, problem) -> list``: a solution file (JSON by default; TSPLIB ``.tour``, QAPLIB
        ``.sln`` for their kinds).
    peers : mapping of str to PeerSpec
        Other libraries' solvers for compare and bench.
    settle : callable, optional
        ``settle(problem, options) -> problem``: fixes a parameter chosen at solve time (colours for
        coloring), given the solve options; identity by default.
    any_model_solver : bool
        Whether every solver of energy models runs on this kind's ``to_model()`` (False where the kind's own
        search decides what model to solve, e.g. the fewest-colours search).
    instance_bytes : callable, optional
        ``instance_bytes(n, options) -> hopopt.resources.Estimate``: what generating ``random:n=…`` takes, before
        it is generated; without it random specs are not estimated (the model estimate still guards them).
    model_bytes : callable, optional
        ``model_bytes(problem) -> Estimate``: what ``to_model()`` takes at its peak, with the model's variables,
        non-zeros and storage; without it, a dense float64 W over ``n_variables`` (:mod:`hopopt.resources`).
    exact_bytes : callable, optional
        ``exact_bytes(problem, time_limit=None) -> Estimate``: what ``exact`` takes within the time limit (a
        step that cannot start in it takes nothing); without it, the model and the max-cut MILP.

    Examples
    --------
    >>> from hopopt.kinds import KINDS
    >>> kind = KINDS["maxcut"]
    >>> kind.name, kind.problem.__name__, kind.file_format, kind.solvers[0]
    ('maxcut', 'MaxCut', 'gset', 'temper')
    >>> problem = kind.random(8, 0)  # a random instance: n = 8, seed 0
    >>> kind.exact(problem, 5.0).optimal
    True
    """

    name: str
    problem: type
    description: str
    read: Callable
    file_format: str
    random: Callable
    exact: Callable
    random_options: Mapping[str, Any] = field(default_factory=dict)
    smallest_n: int = 1
    solvers: tuple = ("anneal", "descent")
    heuristic: Callable | None = None
    plot: Callable | None = None
    read_solution: Callable = read_json_solution
    peers: Mapping[str, PeerSpec] = field(default_factory=dict)
    settle: Callable | None = None
    any_model_solver: bool = True
    instance_bytes: Callable | None = None
    model_bytes: Callable | None = None
    exact_bytes: Callable | None = None
