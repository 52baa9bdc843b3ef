"""Shared plumbing of the Python solvers: argument checks, state conversion, kernel warm-up, threads."""

from __future__ import annotations

import contextlib
import math
import numbers
import time

import numba
import numpy as np

from .. import control
from ..model import EnergyModel, Vartype
from ..result import SolveResult, Status


def check_model(model) -> EnergyModel:
    if not isinstance(model, EnergyModel):
        raise TypeError(f"model must be an EnergyModel, got {type(model).__name__}")
    return model


def check_positive_int(name, value, minimum=1):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer ≥ {minimum}, got {value!r}")
    return int(value)


def check_positive_number(name, value, *, allow_infinity=False):
    """``value`` as a float > 0 (finite unless ``allow_infinity``), or a ValueError naming the argument."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number, got {value!r}") from None
    if not number > 0 or (np.isinf(number) and not allow_infinity) or np.isnan(number):
        rule = "a positive number (np.inf allowed)" if allow_infinity else "a positive finite number"
        raise ValueError(f"{name} must be {rule}, got {value!r}")
    return number


def check_non_negative_number(name, value, unit=""):
    """``value`` as a finite float ≥ 0, or a ValueError naming the argument (and its ``unit``, if any)."""
    unit = f" ({unit})" if unit else ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number ≥ 0{unit}, got {value!r}") from None
    if not (number >= 0 and np.isfinite(number)):
        raise ValueError(f"{name} must be a finite number ≥ 0{unit}, got {value!r}")
    return number


def check_beta_range(beta_range, *, equal_allowed=False):
    """``(hot, cold)`` inverse temperatures as floats with 0 < hot < cold < ∞ (hot = cold too when
    ``equal_allowed``), or a ValueError naming the rule."""
    try:
        hot, cold = (float(value) for value in beta_range)
    except (TypeError, ValueError):
        raise ValueError(f"beta_range must be two numbers (hot, cold), got {beta_range!r}") from None
    ordered = hot <= cold if equal_allowed else hot < cold
    if not (np.isfinite(hot) and np.isfinite(cold) and 0.0 < hot and ordered):
        rule = "≤" if equal_allowed else "<"
        raise ValueError(f"beta_range must be two finite numbers with 0 < hot {rule} cold, got {beta_range!r}")
    return hot, cold


def check_time_limit(time_limit):
    if time_limit is None:
        return None
    try:
        value = float(time_limit)
    except (TypeError, ValueError):
        raise ValueError(f"time_limit must be a number of seconds, got {time_limit!r}") from None
    if not value > 0 or not np.isfinite(value):
        raise ValueError(f"time_limit must be a positive number of seconds, got {time_limit!r}")
    return value


class Clock:
    """A solver's wall clock: its own time limit joined with the command's deadline and Ctrl-C.

    Solvers check :meth:`out_of_time` between kernel calls and size their chunks by :meth:`remaining`; a run under
    ``hopopt solve --time-limit`` or ``exact`` (:mod:`hopopt.control`) then stops at the command's deadline even when
    the solver was called with no limit of its own (an incumbent, a penalty round), and Ctrl-C stops it with
    :attr:`Status.INTERRUPTED <hopopt.result.Status>` and the best state found so far.

    Examples
    --------
    >>> from hopopt.solvers._common import Clock
    >>> clock = Clock(time_limit=None)
    >>> clock.out_of_time(), clock.remaining()
    (False, inf)
    """

    def __init__(self, time_limit=None):
        self.time_limit = None if time_limit is None else float(time_limit)
        self.started = time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def remaining(self) -> float:
        """Seconds left: the smaller of this solver's limit and the command's deadline (inf without either)."""
        own = math.inf if self.time_limit is None else max(0.0, self.time_limit - self.elapsed())
        run = control.active()
        return own if run is None else min(own, run.remaining())

    def out_of_time(self) -> bool:
        return self.remaining() <= 0.0

    def stop_status(self) -> int:
        """The status of a run this clock stopped: interrupted (Ctrl-C) or time limit."""
        run = control.active()
        return Status.INTERRUPTED if run is not None and run.interrupted else Status.TIME_LIMIT


def spin_states(model: EnergyModel, states, rows: int) -> np.ndarray:
    """User states (model vartype, shape (n,) or (rows, n)) as an int8 spin array of shape (rows, n)."""
    array = np.asarray(states)
    if array.ndim == 1:
        array = np.broadcast_to(array, (rows, array.shape[0]))
    if array.ndim != 2 or array.shape != (rows, model.n):
        raise ValueError(f"initial states must have shape (n,) or ({rows}, n) with n = {model.n}, "
                         f"got {np.asarray(states).shape}")
    allowed = (-1, 1) if model.vartype is Vartype.SPIN else (0, 1)
    if not np.all(np.isin(array, allowed)):
        raise ValueError(f"initial states must take values in {allowed} for a {model.vartype.value} model")
    if model.vartype is Vartype.BINARY:
        array = 2 * array - 1
    return np.ascontiguousarray(array, dtype=np.int8)


def to_model_vartype(model: EnergyModel, spins: np.ndarray) -> np.ndarray:
    """Spin states as states of the model's vartype."""
    if model.vartype is Vartype.BINARY:
        return ((spins + 1) // 2).astype(np.int8)
    return spins.astype(np.int8)


@contextlib.contextmanager
def numba_threads(count):
    """Run the block with ``count`` numba threads (None: all), restoring the previous count after."""
    previous = numba.get_num_threads()
    if count is not None:
        count = check_positive_int("n_threads", count)
        numba.set_num_threads(min(count, numba.config.NUMBA_NUM_THREADS))
    try:
        yield
    finally:
        numba.set_num_threads(previous)


# the kernel sets warm_up can load, each the kernels of one move set or solver (hopopt.solvers.moves names its
# engines' sets); warm_up() with no name loads them all
KERNEL_SETS = ("flips", "lattice-flips", "polish", "one-hot", "tours", "tour-candidates", "assignments",
               "matrix-exchanges", "descent", "brute-force", "held-karp", "coloring-search")


def warm_up(*kernel_sets):
    """Compile (or load from numba's cache) kernels once, so solve timings exclude compilation.

    Parameters
    ----------
    *kernel_sets : str
        Names from :data:`KERNEL_SETS`: load only the kernels of these move sets or solvers (each solver warms
        the ones it runs: loading a kernel from numba's cache takes 10-30 ms, the first one about half a
        second of numba's own set-up). None: every kernel.

    Examples
    --------
    >>> from hopopt.solvers import warm_up
    >>> warm_up("flips", "polish")
    >>> warm_up()
    """
    unknown = [name for name in kernel_sets if name not in KERNEL_SETS]
    if unknown:
        raise ValueError(f"unknown kernel set {unknown[0]!r}; expected one of {', '.join(KERNEL_SETS)}")
    for name in kernel_sets or KERNEL_SETS:
        if name not in _WARMED:
            _WARM_UPS[name]()
            _WARMED.add(name)


_WARMED = set()
# what loading kernels costs, counted high from this machine's runs: numba's own set-up before the first kernel of
# a process (about half a second) and each further kernel set from the cache (10-30 ms)
_FIRST_LOAD_S = 0.6
_LOAD_PER_SET_S = 0.05


# Seconds a solver's set-up takes per stored coupling before its first sweep (the engine's CSR copies, its
# flip-cost tables), counted high: 20-30 ns measured for the annealer on max-cut G(3000, 0.5) and G(5000, 0.5)
SETUP_SECONDS_PER_COUPLING = 5e-8


def setup_seconds(model) -> float:
    """What a solver spends on a model before its first sweep (kernel loading aside), counted high.

    Parameters
    ----------
    model : EnergyModel

    Returns
    -------
    float
        Seconds: :data:`SETUP_SECONDS_PER_COUPLING` per stored coupling (every entry of a dense W).

    Examples
    --------
    >>> from hopopt import MaxCut
    >>> from hopopt.solvers._common import setup_seconds
    >>> setup_seconds(MaxCut.random(100, 0.5, rng=0).to_model()) < 0.01
    True
    """
    weights = model.weights
    stored = weights.nnz if hasattr(weights, "nnz") else model.n * model.n
    return SETUP_SECONDS_PER_COUPLING * stored


# a solver is started when its set-up would end at most this much past the deadline (it then runs a first short
# chunk and stops); later, a random start is what it would have returned
SETUP_OVERRUN_S = 0.05


def not_started(model, rng, solver, seconds_left, setup=None):
    """The answer of a solver left unstarted because its set-up would outlast the time left: a seeded random state.

    Parameters
    ----------
    model : EnergyModel
    rng : None, int or numpy.random.Generator
        Seeds the random state.
    solver : str
        The solver's name, for the result.
    seconds_left : float
        The time that was left, for the note.
    setup : float, optional
        The set-up's estimated seconds, for the note; default :func:`setup_seconds`.

    Returns
    -------
    SolveResult
        One state, status time limit (interrupted after Ctrl-C), no sweeps, and ``info["note"]`` saying why.

    Examples
    --------
    >>> from hopopt import MaxCut
    >>> from hopopt.solvers._common import not_started
    >>> result = not_started(MaxCut.random(6, rng=0).to_model(), 0, "anneal", 0.0)
    >>> result.sweeps_done, result.info["note"].startswith("not started")
    (0, True)
    """
    spins = 2 * np.random.default_rng(rng).integers(0, 2, model.n, dtype=np.int8) - 1
    state = to_model_vartype(model, spins)
    energy = float(model.energy(state))
    setup = setup_seconds(model) if setup is None else setup
    note = (f"not started: its set-up (about {setup:.2g} s for a model of {model.n:,} variables) "
            f"would outlast the {max(seconds_left, 0.0):.2g} s left; a random state is returned")
    status = Status.INTERRUPTED if control.stop_reason() == "interrupted" else Status.TIME_LIMIT
    return SolveResult(states=state[None, :], energies=np.array([energy]), best_state=state, best_energy=energy,
                       trace=np.array([energy]), betas=np.empty(0), sweeps_done=0, status=status,
                       timings={"solve": 0.0, "total": 0.0}, solver=solver, info={"note": note})


def warm_up_seconds(*kernel_sets) -> float:
    """What :func:`warm_up` of these kernel sets will still cost in this process, counted high (0 once loaded).

    Parameters
    ----------
    *kernel_sets : str
        Names from :data:`KERNEL_SETS`.

    Returns
    -------
    float
        Seconds.

    Examples
    --------
    >>> from hopopt.solvers._common import warm_up, warm_up_seconds
    >>> warm_up("polish")
    >>> warm_up_seconds("polish")
    0.0
    """
    missing = [name for name in kernel_sets if name not in _WARMED]
    if not missing:
        return 0.0
    return (0.0 if _WARMED else _FIRST_LOAD_S) + _LOAD_PER_SET_S * len(missing)


def _tiny_spin_arrays():
    """The CSR arrays and thresholds of a two-spin model, as the kernels receive them."""
    model = EnergyModel([[0.0, 1.0], [1.0, 0.0]], [0.5, 0.0])
    indptr, indices, data = model.csr()
    return model, indptr, indices, data


def _single_flip_arrays():
    # the single-flip engine's array types (hopopt.solvers.moves.SingleFlipEngine): unsigned CSR positions,
    # writable copies of the couplings and thresholds
    model, indptr, indices, data = _tiny_spin_arrays()
    return (indptr.astype(np.uint64), indices.astype(np.uint32), np.array(data, dtype=np.float64),
            np.array(model.thresholds, dtype=np.float64))


def _warm_flips():
    from . import _kernels as kernels

    positions, neighbours, couplings, thresholds = _single_flip_arrays()
    for acceptance in (kernels.METROPOLIS, kernels.GLAUBER):
        # groups: both restarts alone, then both as the lanes of one block
        for groups in ([0, 1, 2], [0, 2]):
            pair = np.ones((2, 2), dtype=np.int8)
            kernels.anneal_chunk(positions, neighbours, couplings, thresholds, 0.0, np.array(groups, dtype=np.int64),
                                 np.ones(1), 0, 1, acceptance, pair, np.zeros(2), pair.copy(), np.zeros(2),
                                 np.zeros(2, dtype=np.uint64), np.zeros((2, 1)))


def _warm_lattice_flips():
    from . import _kernels as kernels

    positions, neighbours, _, _ = _single_flip_arrays()
    for acceptance in (kernels.METROPOLIS, kernels.GLAUBER):
        for branch_free in (False, True):
            for groups in ([0, 1, 2], [0, 2]):
                pair = np.ones((2, 2), dtype=np.int8)
                kernels.anneal_lattice_chunk(positions, neighbours, np.array([2, 2], dtype=np.int32),
                                             np.array([1, 0], dtype=np.int64), 0.0, 0.5, 3, branch_free,
                                             np.array(groups, dtype=np.int64), np.ones(1), 0, 1, acceptance, pair,
                                             np.zeros(2), pair.copy(), np.zeros(2), np.zeros(2, dtype=np.uint64),
                                             np.zeros((2, 1)))


def _warm_polish():
    from . import _kernels as kernels

    model, indptr, indices, data = _tiny_spin_arrays()
    kernels.polish(indptr, indices, data, model.thresholds, 0.0, np.ones((1, 2), dtype=np.int8), np.zeros(1))


def _warm_one_hot():
    from . import _kernels as kernels

    model, indptr, indices, data = _tiny_spin_arrays()
    groups = np.array([[0, 1]], dtype=np.int64)
    couplings = np.array([[[0.0, 1.0], [1.0, 0.0]]])  # the W block of the group, as the engine builds it
    binary = np.array([[1, 0]], dtype=np.int8)
    kernels.anneal_onehot_chunk(indptr, indices, data, model.thresholds, 0.0, groups, couplings, np.ones(1), 0, 1,
                                kernels.METROPOLIS, binary, np.zeros(1), binary.copy(), np.zeros(1),
                                np.zeros(1, dtype=np.uint64), np.zeros((1, 1)))
    kernels.polish_onehot(indptr, indices, data, model.thresholds, 0.0, groups, couplings, binary, np.zeros(1))


def _tiny_tours():
    return np.ones((3, 3)), np.array([[0, 1, 2]], dtype=np.int64)


def _warm_tours():
    from . import _kernels as kernels

    distances, tours = _tiny_tours()
    kernels.anneal_tour_chunk(distances, np.ones(1), 0, 1, kernels.METROPOLIS, 0.5, 3, tours, np.zeros(1),
                              tours.copy(), np.zeros(1), np.zeros(1, dtype=np.uint64), np.zeros((1, 1)))
    kernels.polish_tours(distances, tours, np.zeros(1))


def _warm_tour_candidates():
    from . import _kernels as kernels

    distances, tours = _tiny_tours()
    kernels.anneal_tour_candidates_chunk(distances, np.zeros((3, 1), dtype=np.int64), np.ones(1), 0, 1,
                                         kernels.METROPOLIS, 0.5, 0.5, 3, tours, np.zeros(1), tours.copy(),
                                         np.zeros(1), np.zeros(1, dtype=np.uint64), np.zeros((1, 1)))
    kernels.polish_tours(distances, tours, np.zeros(1))


def _warm_assignments():
    from . import _kernels as kernels

    distances, tours = _tiny_tours()
    factors = np.ones((1, 3, 3))
    for symmetric in (True, False):
        kernels.anneal_assignment_chunk(factors, factors, distances, symmetric, np.ones(1), 0, 1, kernels.METROPOLIS,
                                        3, tours, np.zeros(1), tours.copy(), np.zeros(1),
                                        np.zeros(1, dtype=np.uint64), np.zeros((1, 1)))
        kernels.polish_assignments(factors, factors, distances, symmetric, tours, np.zeros(1))
        kernels.assignment_exchange_cost(factors, factors, distances, tours[0], 0, 1, symmetric)


def _warm_matrix_exchanges():
    from . import _kernels as kernels

    _, tours = _tiny_tours()
    # W and θ read-only, as the engine (hopopt.solvers.moves.MatrixExchangeEngine) passes them
    dense, thresholds = np.ones((9, 9)), np.ones(9)
    dense.flags.writeable = thresholds.flags.writeable = False
    kernels.anneal_matrix_exchange_chunk(dense, thresholds, np.ones(1), 0, 1, kernels.METROPOLIS, 3, tours,
                                         np.zeros(1), tours.copy(), np.zeros(1), np.zeros(1, dtype=np.uint64),
                                         np.zeros((1, 1)))
    kernels.polish_matrix_exchanges(dense, thresholds, tours, np.zeros(1))
    kernels.matrix_exchange_cost(dense, thresholds, tours[0], 0, 1)


def _warm_descent():
    from . import _kernels as kernels

    model, indptr, indices, data = _tiny_spin_arrays()
    kernels.async_descent(indptr, indices, data, model.thresholds, 0.0, np.ones(2, dtype=np.int8),
                          np.zeros((1, 2), dtype=np.int64), 1, np.zeros(2, dtype=np.int64), np.zeros(2))


def _warm_brute_force():
    from . import _kernels as kernels

    model, _, _, _ = _tiny_spin_arrays()
    kernels.brute_force(np.array(model.dense_weights()), model.thresholds, 0.0, 0, 1e-9)
    # models without thresholds enumerate with writable thresholds (hopopt.solvers.exact): a second signature
    kernels.brute_force(np.array(model.dense_weights()), np.array(model.thresholds), 0.0, 0, 1e-9)


def _warm_held_karp():
    from . import _kernels as kernels

    kernels.held_karp_levels(np.zeros((3, 3)), np.zeros((4, 2)), np.arange(4, dtype=np.int64),
                             np.array([0, 1, 3, 4], dtype=np.int64), 2, 3, 1)


def _warm_coloring_search():
    from . import _kernels as kernels

    empty = np.zeros(0, dtype=np.int64)
    kernels.coloring_search(np.zeros(1, dtype=np.int64), empty, empty.copy(), np.zeros((0, 1), dtype=np.int64),
                            empty.copy(), empty.copy(), empty.copy(), empty.copy(), empty.copy(),
                            np.zeros(5, dtype=np.int64), 1)


_WARM_UPS = {"flips": _warm_flips, "lattice-flips": _warm_lattice_flips, "polish": _warm_polish,
             "one-hot": _warm_one_hot, "tours": _warm_tours, "tour-candidates": _warm_tour_candidates,
             "assignments": _warm_assignments, "matrix-exchanges": _warm_matrix_exchanges,
             "descent": _warm_descent, "brute-force": _warm_brute_force, "held-karp": _warm_held_karp,
             "coloring-search": _warm_coloring_search}
