"""Knapsack and set cover, the builder-based kinds: readers, random instances, exact methods, plots and peers.

``knapsack``: plain / knapPI / Pisinger files (:mod:`hopopt.io.orlib`), Pisinger's random classes, the
classic dynamic program (integer weights, small capacity) or the builder's MILP, a dimod CQM → BQM peer
sampled by dwave-samplers, and the greedy value/weight baseline. ``setcover``: OR-Library ``scp`` files,
random instances, the builder's MILP, and Chvátal's greedy baseline (dimod has no set-cover generator).
Both anneal with the raise-on-violation loop of :mod:`hopopt.workflows.constrained`.
"""

from __future__ import annotations

import math
import time

import numpy as np

from ..io.orlib import read_knapsack, read_scp
from ..problems.knapsack import Knapsack
from ..problems.set_cover import SetCover
from ._kind import ExactAnswer, Outcome, PeerSpec, ProblemKind
from .model import exact_answer, raising_heuristic

__all__ = ["KNAPSACK", "SET_COVER", "KINDS", "knapsack_exact", "knapsack_dynamic_program", "greedy_knapsack",
           "greedy_set_cover"]

# The dynamic program's table has n × (C/δ + 1) cells; above this many it is not used (memory: one byte each).
DP_MAX_CELLS = 50_000_000
# Seconds per cell of the numpy dynamic program, twice the measured cost (n = 200, C ≈ 50 000: 10⁷ cells in
# 0.14-0.18 s on the shared 2-core machine, about 15 ns a cell), used against the time limit.
DP_SECONDS_PER_CELL = 3e-8


# ---------------------------------------------------------------------------------------------- knapsack
def _read_knapsack(path):
    return Knapsack.from_instance(read_knapsack(path))


def _random_knapsack(n, seed, kind=1, data_range=1000):
    return Knapsack.random(n, kind, rng=seed, data_range=data_range)


def knapsack_dynamic_program(values, weights, capacity):
    """The classic O(n·C) dynamic program over capacities for integer weights; returns the 0/1 choice.

    ``best[c]`` is the largest value of items seen so far with weight at most ``c``; item i updates it by
    ``best[c] = max(best[c], best[c − w_i] + v_i)`` (one numpy operation per item), remembering where it was
    taken, and the choice is read back from ``C`` downwards.

    Parameters
    ----------
    values : sequence of number
    weights : sequence of int
        Non-negative integer weights.
    capacity : int
        The table has ``capacity + 1`` columns.

    Returns
    -------
    numpy.ndarray of int8
        1 for each item taken.

    Examples
    --------
    >>> from hopopt.kinds.knapsack import knapsack_dynamic_program
    >>> knapsack_dynamic_program([6, 5, 4], [5, 4, 3], 8).tolist()
    [1, 0, 1]
    """
    values = np.asarray(values, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.int64)
    capacity = int(capacity)
    best = np.zeros(capacity + 1)
    taken = np.zeros((values.size, capacity + 1), dtype=bool)
    for item, (value, weight) in enumerate(zip(values, weights)):
        if weight > capacity:
            continue
        candidate = best[:capacity + 1 - weight] + value
        better = candidate > best[weight:]
        taken[item, weight:] = better
        best[weight:] = np.where(better, candidate, best[weight:])
    choice = np.zeros(values.size, dtype=np.int8)
    remaining = capacity
    for item in range(values.size - 1, -1, -1):
        if taken[item, remaining]:
            choice[item] = 1
            remaining -= int(weights[item])
    return choice


def knapsack_exact(problem, time_limit=None, method="auto") -> ExactAnswer:
    """The knapsack optimum: the dynamic program when its n × (C/δ + 1) table (δ the weights' common step) is
    small (``DP_MAX_CELLS``, and its estimated time within ``time_limit``), else the
    builder's MILP through HiGHS; ``method="dynamic-programming"`` or ``"milp"`` forces one. The answer's
    ``method`` says which ran.

    Parameters
    ----------
    problem : Knapsack
    time_limit : float, optional
        Seconds; the MILP returns its best and its bound when it runs out.
    method : {"auto", "dynamic-programming", "milp"}

    Returns
    -------
    ExactAnswer

    Examples
    --------
    >>> from hopopt.kinds.knapsack import knapsack_exact
    >>> from hopopt.problems.knapsack import Knapsack
    >>> answer = knapsack_exact(Knapsack([6, 5, 4], [5, 4, 3], 8))
    >>> answer.method, answer.solution.tolist(), answer.bound
    ('dynamic-programming', [1, 0, 1], 10.0)
    """
    started = time.perf_counter()
    step = problem.weight_step  # every weight is a whole multiple of it: the table counts capacity in steps
    capacity = int(math.floor(problem.capacity / step + 1e-9))
    cells = problem.n * (capacity + 1)
    affordable = time_limit is None or cells * DP_SECONDS_PER_CELL < time_limit
    if method not in ("auto", "dynamic-programming", "milp"):
        raise ValueError(f"method must be 'auto', 'dynamic-programming' or 'milp', got {method!r}")
    if method == "dynamic-programming" or (method == "auto" and cells <= DP_MAX_CELLS and affordable):
        scaled = np.rint(problem.weights / step).astype(np.int64)
        choice = knapsack_dynamic_program(problem.values, scaled, capacity)
        value = float(problem.values @ choice)
        seconds = time.perf_counter() - started
        return ExactAnswer(choice, True, value, "dynamic-programming",
                           f"dynamic program over {capacity + 1} capacities × {problem.n} items", seconds,
                           problem.encode(choice))
    answer = exact_answer(problem.constrained, time_limit)
    return ExactAnswer(np.asarray(answer.solution, dtype=np.int8), answer.optimal, answer.bound, answer.method,
                       answer.message, time.perf_counter() - started)


def greedy_knapsack(problem) -> np.ndarray:
    """Greedy by value/weight ratio: pack items best ratio first while they fit (skipping those that do not);
    the better of that and the most valuable single item that fits (the classic ½-approximation).

    Parameters
    ----------
    problem : Knapsack
        The instance (its ``values``, ``weights`` and ``capacity``).

    Returns
    -------
    ndarray of int8, shape (n,)
        1 for each packed item, 0 otherwise; the packing fits the capacity.

    Examples
    --------
    >>> from hopopt.kinds.knapsack import greedy_knapsack
    >>> from hopopt.problems.knapsack import Knapsack
    >>> greedy_knapsack(Knapsack([2, 9], [1, 10], 10)).tolist()  # ratio first packs item 0 only; item 1 alone wins
    [0, 1]
    """
    chosen = np.zeros(problem.n, dtype=np.int8)
    spare = problem.capacity
    for item in np.argsort(-problem.values / problem.weights, kind="stable"):
        if problem.weights[item] <= spare + 1e-9 * max(1.0, problem.capacity):
            chosen[item] = 1
            spare -= problem.weights[item]
    fitting = np.flatnonzero(problem.weights <= problem.capacity + 1e-9 * max(1.0, problem.capacity))
    if fitting.size:
        single = int(fitting[np.argmax(problem.values[fitting])])
        if problem.values[single] > problem.values @ chosen:
            chosen[:] = 0
            chosen[single] = 1
    return chosen


def _greedy_knapsack_peer(problem, budget):
    return Outcome(greedy_knapsack(problem))


def _dimod_knapsack_dwave_sa(problem, budget):
    """dimod's knapsack model (``dimod.generators.knapsack``, a CQM) turned into a BQM by ``dimod.cqm_to_bqm``
    with its default Lagrange multiplier, sampled by dwave-samplers' SA with the time filled by calibrated
    calls (as every sampler peer); the most valuable read that fits, no repair (the peer as its users run it)."""
    import dimod
    from dimod.generators import knapsack

    from ..bench.runners import _dwave_sampler, _fill_time_limit, _sample_rows

    sample = _dwave_sampler()
    cqm = knapsack(problem.values, problem.weights, problem.capacity)
    bqm, _ = dimod.cqm_to_bqm(cqm)
    samplesets, sweeps = _fill_time_limit(lambda count: sample(bqm, budget.reads, count, budget.seed), budget)
    rows = _sample_rows(samplesets, [f"x_{i}" for i in range(problem.n)]).astype(np.int8)
    fits = rows @ problem.weights <= problem.capacity + 1e-9 * max(1.0, problem.capacity)
    extra = {"sweeps": sweeps, "reads": int(rows.shape[0]), "valid_reads": int(fits.sum())}
    if not fits.any():
        return Outcome(None, extra)
    valid = rows[fits]
    return Outcome(valid[int(np.argmax(valid @ problem.values))], extra)


def _plot_knapsack(problem, solution, ax, title):
    from ..plotting.solutions import plot_knapsack

    evaluation = problem.evaluate(solution)
    plot_knapsack(problem.values, problem.weights, problem.capacity, solution,
                           title=f"{title}: value {evaluation.objective:g}", ax=ax)


def _knapsack_exact_bytes(problem, time_limit=None):
    """Memory of :func:`knapsack_exact`: the dynamic programme's n × (capacity + 1) table of choices (one byte a
    cell) and its rows of values, or, past ``DP_MAX_CELLS``, HiGHS on n columns and one row."""
    from ..resources import Estimate

    capacity = int(math.floor(problem.capacity / problem.weight_step + 1e-9))
    cells = problem.n * (capacity + 1)
    if cells <= DP_MAX_CELLS:
        return Estimate(cells + 40 * (capacity + 1), f"the dynamic programme's table: {problem.n:,} items × "
                        f"{capacity + 1:,} capacities")
    return Estimate(4096 * problem.n, f"the MILP (HiGHS): {problem.n:,} items and one capacity row")


def _knapsack_model_bytes(problem):
    """Memory of ``to_model()``: the capacity row squared couples every pair of item and slack bits (the
    builder's dense quadratic, then a sparse W): measured 96 bytes per pair at the peak (1,000 items)."""
    from ..resources import Estimate

    variables = problem.n_variables
    return Estimate(96 * variables * variables, f"the knapsack encoding's weights: {variables:,} item and slack "
                    f"bits, {variables * variables:,} pairs", variables, variables * variables, "sparse")

#: the kind ``knapsack`` of :data:`hopopt.kinds.KINDS`: 0/1 knapsack (most value within a weight capacity)
KNAPSACK = ProblemKind(
    name="knapsack", problem=Knapsack,
    description="0/1 knapsack (maximise value, total weight ≤ capacity; slack in the bounded log encoding)",
    read=_read_knapsack, file_format="knapsack", random=_random_knapsack,
    random_options={"kind": 1, "data_range": 1000}, smallest_n=1, exact=knapsack_exact,
    solvers=("anneal", "penalty", "descent"), heuristic=raising_heuristic, plot=_plot_knapsack,
    model_bytes=_knapsack_model_bytes, exact_bytes=_knapsack_exact_bytes,
    peers={
        "dimod-knapsack-dwave-sa": PeerSpec(_dimod_knapsack_dwave_sa,
                                            "dimod's knapsack CQM via cqm_to_bqm + dwave-samplers SA",
                                            requires=("dimod", "dwave.samplers")),
        "greedy-ratio": PeerSpec(_greedy_knapsack_peer,
                                 "baseline: greedy by value/weight ratio (or the best single item)",
                                 deterministic=True),
    })


# ---------------------------------------------------------------------------------------------- set cover
def _read_set_cover(path):
    return SetCover.from_instance(read_scp(path))


def _random_set_cover(n, seed, density=0.1, elements=0, cost_range=100):
    return SetCover.random(n, density, elements=None if elements == 0 else elements, rng=seed,
                           cost_range=cost_range)


def _set_cover_exact(problem, time_limit):
    answer = exact_answer(problem.constrained, time_limit)
    return ExactAnswer(np.asarray(answer.solution, dtype=np.int8), answer.optimal, answer.bound, answer.method,
                       answer.message, answer.time_s)


def greedy_set_cover(problem) -> np.ndarray:
    """Chvátal's greedy: repeatedly choose the set of least cost per newly covered element (an H(d)-approximation,
    d the largest set); no redundant sets are dropped afterwards (the textbook algorithm).

    Parameters
    ----------
    problem : SetCover
        The instance (its ``costs`` and element-by-set ``incidence``); every element must be in some set.

    Returns
    -------
    ndarray of int8, shape (n,)
        1 for each chosen set, 0 otherwise; the chosen sets cover every element.

    Examples
    --------
    >>> from hopopt.kinds.knapsack import greedy_set_cover
    >>> from hopopt.problems.set_cover import SetCover
    >>> greedy_set_cover(SetCover(3, [[0, 1], [1, 2], [2]], costs=[2, 3, 1])).tolist()
    [1, 0, 1]
    """
    chosen = np.zeros(problem.n, dtype=np.int8)
    uncovered = np.ones(problem.n_elements, dtype=bool)
    by_set = problem.incidence.tocsc()
    while uncovered.any():
        newly = by_set.T @ uncovered.astype(np.int64)
        useful = np.flatnonzero(newly > 0)
        j = int(useful[np.argmin(problem.costs[useful] / newly[useful])])
        chosen[j] = 1
        uncovered[by_set.indices[by_set.indptr[j]:by_set.indptr[j + 1]]] = False
    return chosen


def _greedy_set_cover_peer(problem, budget):
    return Outcome(greedy_set_cover(problem))


def _plot_set_cover(problem, solution, ax, title):
    from ..plotting.solutions import plot_set_cover

    evaluation = problem.evaluate(solution)
    plot_set_cover(problem.incidence, solution, problem.costs,
                            title=f"{title}: cost {evaluation.objective:g}", ax=ax)


#: the kind ``setcover`` of :data:`hopopt.kinds.KINDS`: weighted set cover (cheapest sets covering every element)
SET_COVER = ProblemKind(
    name="setcover", problem=SetCover,
    description="weighted set cover (minimise cost, every element covered; slack per element)",
    read=_read_set_cover, file_format="scp", random=_random_set_cover,
    random_options={"density": 0.1, "elements": 0, "cost_range": 100}, smallest_n=1, exact=_set_cover_exact,
    solvers=("anneal", "penalty", "descent"), heuristic=raising_heuristic, plot=_plot_set_cover,
    peers={
        "greedy-chvatal": PeerSpec(_greedy_set_cover_peer,
                                   "baseline: Chvátal's greedy (least cost per newly covered element)",
                                   deterministic=True),
    })

#: both kinds, for the registry line in ``hopopt/kinds/__init__.py``
KINDS = (KNAPSACK, SET_COVER)
