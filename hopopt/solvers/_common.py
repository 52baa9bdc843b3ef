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
from ..result import Status

_WARM = False


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


def warm_up():
    """Compile (or load from numba's cache) every kernel once, so solve timings exclude compilation.

    Examples
    --------
    >>> from hopopt.solvers import warm_up
    >>> warm_up()
    """
    global _WARM
    if _WARM:
        return
    from . import _kernels as kernels

    model = EnergyModel([[0.0, 1.0], [1.0, 0.0]], [0.5, 0.0])
    indptr, indices, data = model.csr()
    states = np.ones((1, 2), dtype=np.int8)
    # the single-flip engine's array types (hopopt.solvers.moves.SingleFlipEngine): unsigned CSR positions,
    # writable copies of the couplings and thresholds
    positions, neighbours = indptr.astype(np.uint64), indices.astype(np.uint32)
    couplings, thresholds = np.array(data, dtype=np.float64), np.array(model.thresholds, dtype=np.float64)
    for acceptance in (kernels.METROPOLIS, kernels.GLAUBER):
        # groups: both restarts alone, then both as the lanes of one block
        for groups in ([0, 1, 2], [0, 2]):
            pair = np.ones((2, 2), dtype=np.int8)
            kernels.anneal_chunk(positions, neighbours, couplings, thresholds, 0.0, np.array(groups, dtype=np.int64),
                                 np.ones(1), 0, 1, acceptance, pair, np.zeros(2), pair.copy(), np.zeros(2),
                                 np.zeros(2, dtype=np.uint64), np.zeros((2, 1)))
        for branch_free in (False, True):
            for groups in ([0, 1, 2], [0, 2]):
                pair = np.ones((2, 2), dtype=np.int8)
                kernels.anneal_lattice_chunk(positions, neighbours, np.array([2, 2], dtype=np.int32),
                                             np.array([1, 0], dtype=np.int64), 0.0, 0.5, 3, branch_free,
                                             np.array(groups, dtype=np.int64), np.ones(1), 0, 1, acceptance, pair,
                                             np.zeros(2), pair.copy(), np.zeros(2), np.zeros(2, dtype=np.uint64),
                                             np.zeros((2, 1)))
    kernels.polish(indptr, indices, data, model.thresholds, 0.0, states, np.zeros(1))
    groups = np.array([[0, 1]], dtype=np.int64)
    couplings = np.array([[[0.0, 1.0], [1.0, 0.0]]])  # the W block of the group, as the engine builds it
    binary = np.array([[1, 0]], dtype=np.int8)
    kernels.anneal_onehot_chunk(indptr, indices, data, model.thresholds, 0.0, groups, couplings, np.ones(1), 0, 1,
                                kernels.METROPOLIS, binary, np.zeros(1), binary.copy(), np.zeros(1),
                                np.zeros(1, dtype=np.uint64), np.zeros((1, 1)))
    kernels.polish_onehot(indptr, indices, data, model.thresholds, 0.0, groups, couplings, binary, np.zeros(1))
    distances = np.ones((3, 3))
    tours = np.array([[0, 1, 2]], dtype=np.int64)
    kernels.anneal_tour_chunk(distances, np.ones(1), 0, 1, kernels.METROPOLIS, 0.5, 3, tours, np.zeros(1),
                              tours.copy(), np.zeros(1), np.zeros(1, dtype=np.uint64), np.zeros((1, 1)))
    kernels.anneal_tour_candidates_chunk(distances, np.zeros((3, 1), dtype=np.int64), np.ones(1), 0, 1,
                                         kernels.METROPOLIS, 0.5, 0.5, 3, tours, np.zeros(1), tours.copy(),
                                         np.zeros(1), np.zeros(1, dtype=np.uint64), np.zeros((1, 1)))
    kernels.polish_tours(distances, tours, np.zeros(1))
    factors = np.ones((1, 3, 3))
    for symmetric in (True, False):
        kernels.anneal_assignment_chunk(factors, factors, distances, symmetric, np.ones(1), 0, 1, kernels.METROPOLIS,
                                        3, tours, np.zeros(1), tours.copy(), np.zeros(1),
                                        np.zeros(1, dtype=np.uint64), np.zeros((1, 1)))
        kernels.polish_assignments(factors, factors, distances, symmetric, tours, np.zeros(1))
    dense = np.ones((9, 9))
    kernels.anneal_matrix_exchange_chunk(dense, np.ones(9), np.ones(1), 0, 1, kernels.METROPOLIS, 3, tours,
                                         np.zeros(1), tours.copy(), np.zeros(1), np.zeros(1, dtype=np.uint64),
                                         np.zeros((1, 1)))
    kernels.polish_matrix_exchanges(dense, np.ones(9), tours, np.zeros(1))
    kernels.async_descent(indptr, indices, data, model.thresholds, 0.0, np.ones(2, dtype=np.int8),
                          np.zeros((1, 2), dtype=np.int64), 1, np.zeros(2, dtype=np.int64), np.zeros(2))
    kernels.brute_force(np.array(model.dense_weights()), model.thresholds, 0.0, 0, 1e-9)
    # models without thresholds enumerate with writable thresholds (hopopt.solvers.exact): a second signature
    kernels.brute_force(np.array(model.dense_weights()), np.array(model.thresholds), 0.0, 0, 1e-9)
    kernels.held_karp_levels(np.zeros((3, 3)), np.zeros((4, 2)), np.arange(4, dtype=np.int64),
                             np.array([0, 1, 3, 4], dtype=np.int64), 2, 3, 1)
    empty = np.zeros(0, dtype=np.int64)
    kernels.coloring_search(np.zeros(1, dtype=np.int64), empty, empty.copy(), np.zeros((0, 1), dtype=np.int64),
                            empty.copy(), empty.copy(), empty.copy(), empty.copy(), empty.copy(),
                            np.zeros(5, dtype=np.int64), 1)
    _WARM = True
