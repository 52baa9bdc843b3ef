"""Exact travelling-salesman solvers: Held–Karp dynamic programming and a subtour-cutting MILP (HiGHS).

Both take a distance matrix and return an :class:`~hopopt.result.Solution` whose ``solution`` is
the tour as a 0-based city order starting at city 0 and whose ``objective`` is its closed length
``Σ d[t_k, t_{k+1}] + d[t_{n-1}, t_0]``.

- :func:`held_karp`: O(n² 2ⁿ) time, O(n 2ⁿ) memory, any (also asymmetric) distances, n ≤ 18.
- :func:`tsp_milp`: symmetric distances, edge variables with degree constraints; subtours are cut off lazily
  (Dantzig–Fulkerson–Johnson) until the MILP's optimum is a single tour. Proves TSPLIB instances of about 50
  cities in seconds.
"""

from __future__ import annotations

import math
import time

import numpy as np
import scipy.sparse as sp

from ..result import Solution
from . import _kernels as kernels
from .. import control
from ._common import Clock, check_time_limit, warm_up
from .exact import problem_answer

_answer = problem_answer("tsp")

__all__ = ["held_karp", "tsp_milp", "HELD_KARP_MAX_N"]

# 2^17 subsets × 17 end cities × 8 bytes = 18 MB of table and well under a second; each further city doubles
# the memory and more than doubles the time, while the MILP proves such sizes easily.
#: :func:`held_karp` accepts tours of at most this many cities (its table doubles with each further city)
HELD_KARP_MAX_N = 18
# relative slack when comparing float lengths (a tour whose length is within it of the bound is optimal)
# Subset sizes with fewer subsets than this are filled on one thread. Measured on the 2-core machine: with
# the other core idle, two threads took n = 18 from 63 to 38 ms; with it busy (other jobs running) every
# parallel level cost ~10 ms more than it saved (n = 16: 13 ms serial, 110 ms all-parallel). So only the
# largest levels of n = 18 (C(17, 7..10) ≥ 19448 subsets) are shared out.
_HELD_KARP_PARALLEL_FROM = 1 << 14
_RELATIVE_TOLERANCE = 1e-9
# HiGHS stops when (primal - dual) / primal is below this; its default 1e-4 would let it stop short of the
# optimum on long tours, so ask for the exact optimum (HiGHS rounds the dual bound up itself when every
# objective coefficient is an integer)
_MIP_GAP = 1e-9
# phase 1 (linear relaxation rounds) on/off; an edge with x_e above this is in the LP's support graph
_LINEAR_PHASE = True
_SUPPORT_THRESHOLD = 1e-6
# a cut of LP weight below 2 - this is a violated subtour constraint worth adding
_CUT_TOLERANCE = 1e-6


# ---------------------------------------------------------------------------------------------- checks, helpers
def _check_distances(distances, *, symmetric):
    """The distance matrix as a C-contiguous float64 array, after the rules every solver here needs."""
    try:
        matrix = np.array(distances, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("distances must be a square matrix of numbers, got an array that cannot be read as "
                         "float") from None
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"distances must be a square matrix (n, n), got shape {matrix.shape}")
    if matrix.shape[0] == 0:
        raise ValueError("distances must have at least one city, got shape (0, 0)")
    if not np.all(np.isfinite(matrix)):
        raise ValueError("distances must be finite, got NaN or infinity")
    if symmetric and not np.allclose(matrix, matrix.T, rtol=1e-12, atol=0.0):
        worst = np.unravel_index(np.argmax(np.abs(matrix - matrix.T)), matrix.shape)
        raise ValueError(f"distances must be symmetric, got d[{worst[0]}, {worst[1]}] = {matrix[worst]} but "
                         f"d[{worst[1]}, {worst[0]}] = {matrix[worst[::-1]]}")
    return np.ascontiguousarray(matrix)


def _check_tour(tour, n, name):
    try:
        array = np.array(tour, dtype=np.int64).reshape(-1)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a permutation of 0..{n - 1}, got {tour!r}") from None
    if array.shape[0] != n or not np.array_equal(np.sort(array), np.arange(n)):
        raise ValueError(f"{name} must be a permutation of 0..{n - 1} (each city once), got {array.tolist()}")
    return array


def _tour_length(distances, tour):
    """Closed length of ``tour``, summed left to right in tour order (the order Held–Karp adds them in).

    Examples
    --------
    >>> _tour_length(np.array([[0, 1, 2], [1, 0, 4], [2, 4, 0]]), [0, 1, 2])
    7.0
    """
    tour = np.asarray(tour, dtype=np.int64)
    total = 0.0
    for position in range(tour.shape[0]):
        total += float(distances[tour[position], tour[(position + 1) % tour.shape[0]]])
    return total


def _starting_at_zero(tour):
    tour = np.asarray(tour, dtype=np.int64)
    return np.roll(tour, -int(np.flatnonzero(tour == 0)[0]))


def _trivial(distances, method, started):
    """Tours of one or two cities: the only tour there is."""
    n = distances.shape[0]
    tour = np.arange(n, dtype=np.int64)
    length = _tour_length(distances, tour) if n == 2 else 0.0
    return _answer(tour, length, True, length, time.perf_counter() - started, method,
                         f"{n} cities: the only tour")


def _nearest_neighbour(distances):
    """Greedy tour from city 0, always to the nearest unvisited city."""
    n = distances.shape[0]
    visited = np.zeros(n, dtype=bool)
    tour = np.empty(n, dtype=np.int64)
    tour[0] = 0
    visited[0] = True
    for position in range(1, n):
        row = np.where(visited, np.inf, distances[tour[position - 1]])
        tour[position] = int(np.argmin(row))
        visited[tour[position]] = True
    return tour


def _two_opt(distances, tour):
    """First-improvement 2-opt on symmetric distances (vectorised over the second edge) until no move helps."""
    tour = np.array(tour, dtype=np.int64)
    n = tour.shape[0]
    if n < 4:
        return tour
    tolerance = _RELATIVE_TOLERANCE * max(1.0, float(np.abs(distances).max()))
    improved = True
    while improved:
        improved = False
        for i in range(n - 2):
            a, b = tour[i], tour[i + 1]
            # the second edge (t[j], t[j+1]) must not touch the first; j = n-1 closes the tour back to t[0]
            seconds = np.arange(i + 2, n if i > 0 else n - 1)
            if seconds.size == 0:
                continue
            c, d = tour[seconds], tour[(seconds + 1) % n]
            change = distances[a, c] + distances[b, d] - distances[a, b] - distances[c, d]
            best = int(np.argmin(change))
            if change[best] < -tolerance:
                j = seconds[best]
                tour[i + 1:j + 1] = tour[i + 1:j + 1][::-1].copy()
                improved = True
    return tour


# ---------------------------------------------------------------------------------------------- Held–Karp
def held_karp(distances, *, time_limit=None) -> Solution:
    """Shortest closed tour by Held–Karp dynamic programming over subsets (numba kernel).

    City 0 is the fixed start. For every set S of other cities and every last city j ∈ S the kernel keeps the
    shortest path 0 → … → j through exactly S, filling sets by size (the largest sizes of n = 18 in
    parallel). Time O(n² 2ⁿ): about 1 ms at n = 12, 15 ms at n = 16, 40–100 ms at n = 18 on two cores;
    memory 2ⁿ⁻¹ (n−1) float64 (18 MB at n = 18). Distances may be asymmetric (d[i, j] is the way i → j)
    and negative.

    Parameters
    ----------
    distances : array_like, shape (n, n)
        Finite distances; the diagonal is ignored. 1 ≤ n ≤ 18.
    time_limit : float, optional
        Seconds. The table is filled one subset size at a time and the clock is read in between; when time
        runs out a nearest-neighbour + 2-opt tour is returned with ``optimal=False`` and a lower bound from
        the finished part of the table.

    Returns
    -------
    Solution
        ``solution``: the tour (0-based, starting at 0); ``objective``: its length; ``bound`` equals the
        length when optimal. ``time_s`` excludes numba compilation (see :func:`~hopopt.solvers.warm_up`).

    Raises
    ------
    ValueError
        For n > 18, a non-square or non-finite matrix, or a bad time limit.

    Examples
    --------
    >>> from hopopt.solvers.exact_tsp import held_karp
    >>> one_way = [[0, 1, 10], [10, 0, 1], [1, 10, 0]]  # cheap 0 → 1 → 2 → 0, dear the other way round
    >>> result = held_karp(one_way)
    >>> result.solution.tolist(), result.objective, result.optimal
    ([0, 1, 2], 3.0, True)
    """
    time_limit = control.time_left(check_time_limit(time_limit))
    distances = _check_distances(distances, symmetric=False)
    n = distances.shape[0]
    if n > HELD_KARP_MAX_N:
        raise ValueError(f"held_karp keeps a table of 2^(n-1)·(n-1) lengths and accepts n ≤ {HELD_KARP_MAX_N} "
                         f"cities, got n = {n}; use tsp_milp for larger instances")
    warm_up("held-karp")
    started = time.perf_counter()
    clock = Clock(time_limit)
    if n < 3:
        return _trivial(distances, "held-karp", started)
    others = n - 1
    subsets = 1 << others
    masks = np.arange(subsets, dtype=np.int64)
    sizes = np.zeros(subsets, dtype=np.int64)
    for bit in range(others):
        sizes += (masks >> bit) & 1
    # masks grouped by their number of cities, so each level only reads the level before it
    masks = masks[np.argsort(sizes, kind="stable")]
    level_starts = np.searchsorted(sizes[masks], np.arange(others + 2)).astype(np.int64)
    costs = np.full((subsets, others), np.inf)
    firsts = np.arange(others)
    costs[1 << firsts, firsts] = distances[0, firsts + 1]

    finished = 1  # subset sizes 1..finished are filled in
    for level in range(2, others + 1):
        if clock.out_of_time():
            break
        kernels.held_karp_levels(distances, costs, masks, level_starts, level, level + 1,
                                 _HELD_KARP_PARALLEL_FROM)
        finished = level

    if finished < others:
        # out of time: any tour is a path of `finished` edges from 0 through `finished` cities, then
        # n - finished more edges, each at least the shortest distance there is
        level_masks = masks[level_starts[finished]:level_starts[finished + 1]]
        shortest = float(np.min(distances[~np.eye(n, dtype=bool)]))
        bound = float(np.min(costs[level_masks])) + (n - finished) * shortest
        tour = _two_opt(distances, _nearest_neighbour(distances)) if np.allclose(distances, distances.T) \
            else _nearest_neighbour(distances)
        length = _tour_length(distances, tour)
        return _answer(tour, length, False, min(bound, length), time.perf_counter() - started,
                             "held-karp", f"{control.stop_reason() or 'time limit reached'} after subsets of size "
                             f"{finished} of {others}",
                             {"levels_done": finished})

    # walk the table backwards: the last city is the best end of the full set, then each city before it is
    # the one whose path plus the step to the next city reproduces the table's minimum
    mask = subsets - 1
    last = int(np.argmin(costs[mask] + distances[1:, 0]))
    reversed_path = [last]
    while mask != (1 << last):
        previous = mask ^ (1 << last)
        candidates = np.where((previous >> firsts) & 1, costs[previous] + distances[1:, last + 1], np.inf)
        before = int(np.argmin(candidates))
        reversed_path.append(before)
        mask, last = previous, before
    tour = np.array([0] + [city + 1 for city in reversed(reversed_path)], dtype=np.int64)
    length = _tour_length(distances, tour)
    return _answer(tour, length, True, length, time.perf_counter() - started, "held-karp",
                         "dynamic programme over all subsets completed", {"levels_done": others})


# ---------------------------------------------------------------------------------------------- MILP
def _cycles(n, rows, cols, chosen):
    """The cycles of a 2-regular edge set, each as a city sequence."""
    neighbours = [[] for _ in range(n)]
    for i, j in zip(rows[chosen], cols[chosen]):
        neighbours[i].append(j)
        neighbours[j].append(i)
    seen = np.zeros(n, dtype=bool)
    cycles = []
    for start in range(n):
        if seen[start]:
            continue
        cycle, previous, city = [start], -1, start
        seen[start] = True
        while True:
            first, second = neighbours[city]
            following = second if first == previous else first
            if following == start:
                break
            previous, city = city, following
            seen[city] = True
            cycle.append(city)
        cycles.append(cycle)
    return cycles


def _subtour_rows(labels, count, n, pair_index):
    """One subtour-elimination row per component: Σ_{e ⊂ S} x_e ≤ |S| − 1 on the smaller side of the cut.

    With the degree equalities the rows for S and for its complement are the same constraint (both say that
    at least two chosen edges cross the cut), so the side with fewer pairs gives the sparser row.
    """
    rows, cols, upper = [], [], []
    for component in range(count):
        members = np.flatnonzero(labels == component)
        if members.size == n:
            continue
        if members.size > n - members.size:
            members = np.flatnonzero(labels != component)
        first, second = np.triu_indices(members.size, 1)
        indices = pair_index[members[first], members[second]]
        rows.append(np.full(indices.size, len(upper)))
        cols.append(indices)
        upper.append(members.size - 1)
    return rows, cols, upper


def tsp_milp(distances, *, time_limit=None, initial_tour=None) -> Solution:
    """Shortest tour of a symmetric instance: an edge MILP solved by HiGHS with lazily added subtour cuts.

    Variables x_e ∈ {0, 1} for the pairs i < j, ``Σ_{e ∋ i} x_e = 2`` for each city, subtour-elimination
    rows ``Σ_{e ⊂ S} x_e ≤ |S| − 1`` added as they are found, in two phases:

    1. linear relaxation rounds: a row for each component of the LP solution's support graph, or, once it
       is connected, for the side of its minimum cut (Stoer–Wagner) when that cut has weight below 2;
    2. integer rounds: HiGHS (``scipy.optimize.milp``) solves the MILP; when the chosen edges form several
       cycles, a row for each cycle is added and the MILP solved again, until its optimum is one tour.

    Every model solved is a relaxation of the TSP (the rows only remove sets of subtours), so its optimum
    (for a MILP stopped early, its dual bound) is a lower bound. The subtours of each MILP solution are
    joined and improved with 2-opt to keep an upper bound; a tour that meets the bound is optimal even before
    the last round.

    Parameters
    ----------
    distances : array_like, shape (n, n)
        Symmetric finite distances; the diagonal is ignored. Integral distances let the bound be rounded up.
    time_limit : float, optional
        Seconds for the whole loop (each HiGHS call gets what is left). When it runs out the best tour
        known is returned with ``optimal=False`` and the best proven bound.
    initial_tour : array_like, optional
        A permutation of 0..n−1 whose length is the starting upper bound; by default nearest neighbour
        followed by 2-opt.

    Returns
    -------
    Solution
        ``solution``: tour starting at 0; ``info``: ``rounds`` (MILP solves), ``linear_rounds`` (LP solves),
        ``cuts`` (subtour rows), ``integral`` (whether the bound was rounded up).

    Raises
    ------
    ValueError
        For asymmetric, non-square or non-finite distances, an initial tour that is not a permutation, or a
        bad time limit.

    Examples
    --------
    >>> from hopopt.solvers.exact_tsp import tsp_milp
    >>> square = [[0, 1, 4, 1], [1, 0, 1, 4], [4, 1, 0, 1], [1, 4, 1, 0]]  # corners of a unit square, roughly
    >>> result = tsp_milp(square)
    >>> result.objective, result.optimal, result.bound, int(result.solution[0])
    (4.0, True, 4.0, 0)
    """
    # networkx and scipy.optimize take half a second to import: only the MILP needs them, not held_karp
    import networkx as nx
    from scipy.optimize import Bounds, LinearConstraint
    from scipy.sparse.csgraph import connected_components

    from ._milp import run_milp

    time_limit = control.time_left(check_time_limit(time_limit))
    distances = _check_distances(distances, symmetric=True)
    n = distances.shape[0]
    if initial_tour is not None:
        initial_tour = _check_tour(initial_tour, n, "initial_tour")
    started = time.perf_counter()
    if n < 3:
        return _trivial(distances, "milp", started)

    clock = Clock(time_limit)

    def remaining():
        left = clock.remaining()
        return None if math.isinf(left) else left

    rows, cols = np.triu_indices(n, 1)
    pairs = rows.size
    costs = distances[rows, cols]
    integral = bool(np.all(costs == np.round(costs)))
    pair_index = np.full((n, n), -1, dtype=np.int64)
    pair_index[rows, cols] = np.arange(pairs)
    pair_index[cols, rows] = np.arange(pairs)
    degree = sp.csr_array((np.ones(2 * pairs), (np.concatenate([rows, cols]), np.tile(np.arange(pairs), 2))),
                          shape=(n, pairs))
    tolerance = _RELATIVE_TOLERANCE * max(1.0, float(np.abs(costs).sum()))

    best_tour = initial_tour if initial_tour is not None else _two_opt(distances, _nearest_neighbour(distances))
    best_length = _tour_length(distances, best_tour)
    bound = -np.inf
    cut_rows, cut_cols, cut_upper = [], [], []
    rounds = 0
    message = "time limit reached"

    def proven(lower):
        # a bound within rounding of the best tour, or, with integral lengths, less than 1 below it
        if not np.isfinite(lower):
            return False
        if integral:
            return best_length <= math.ceil(lower - tolerance) + tolerance
        return best_length <= lower + tolerance

    def constraints():
        rows_so_far = [LinearConstraint(degree, 2.0, 2.0)]
        if cut_upper:
            cuts = sp.csr_array((np.ones(sum(part.size for part in cut_cols)),
                                 (np.concatenate(cut_rows), np.concatenate(cut_cols))), shape=(len(cut_upper), pairs))
            rows_so_far.append(LinearConstraint(cuts, -np.inf, np.array(cut_upper, dtype=np.float64)))
        return rows_so_far

    def add_cuts(labels, count):
        new_rows, new_cols, new_upper = _subtour_rows(labels, count, n, pair_index)
        offset = len(cut_upper)
        cut_rows.extend(row + offset for row in new_rows)
        cut_cols.extend(new_cols)
        cut_upper.extend(new_upper)

    # Phase 1, linear relaxation: cut the components of the support graph (edges with x_e > 0) until it is
    # connected. LPs are cheap, and the cuts they collect spare most of the expensive MILP rounds.
    linear_rounds = 0
    while _LINEAR_PHASE:
        left = remaining()
        if left is not None and left <= 0:
            break
        options = {} if left is None else {"time_limit": max(left, 1e-3)}
        result = run_milp(costs, constraints=constraints(), integrality=np.zeros(pairs), bounds=Bounds(0, 1),
                            options=options)
        if result.status != 0:
            break
        linear_rounds += 1
        # the LP optimum of a relaxation bounds the tour length (rounding slack is taken off in `proven`)
        bound = max(bound, float(result.fun))
        support = result.x > _SUPPORT_THRESHOLD
        graph = sp.csr_array((np.ones(int(support.sum())), (rows[support], cols[support])), shape=(n, n))
        count, labels = connected_components(graph, directed=False)
        if proven(bound):
            break
        if count == 1:
            # connected support: the global minimum cut (Stoer–Wagner, capacities x_e) finds a violated
            # subtour constraint if there is one, which is then cut like a component
            weighted = nx.Graph()
            weighted.add_weighted_edges_from(zip(rows[support].tolist(), cols[support].tolist(),
                                                 result.x[support].tolist()))
            cut_value, (side, _) = nx.stoer_wagner(weighted)
            if cut_value >= 2.0 - _CUT_TOLERANCE:
                break
            labels = np.zeros(n, dtype=np.int64)
            labels[side] = 1
            count = 2
        add_cuts(labels, count)

    # Phase 2, integer rounds: solve the MILP, cut its subtours, repeat until it is one tour.
    while not proven(bound):
        left = remaining()
        if left is not None and left <= 0:
            break
        options = {"mip_rel_gap": _MIP_GAP}
        if left is not None:
            options["time_limit"] = max(left, 1e-3)
        result = run_milp(costs, constraints=constraints(), integrality=np.ones(pairs), bounds=Bounds(0, 1),
                            options=options)
        rounds += 1
        dual = getattr(result, "mip_dual_bound", None)
        if dual is not None and np.isfinite(dual):
            bound = max(bound, float(dual))
        if result.status not in (0, 1):  # 1: time limit; anything else is unexpected for a complete graph
            raise RuntimeError(f"HiGHS failed on the TSP model: {result.message}")
        if result.x is None:
            break
        chosen = result.x > 0.5
        graph = sp.csr_array((np.ones(int(chosen.sum())), (rows[chosen], cols[chosen])), shape=(n, n))
        count, labels = connected_components(graph, directed=False)
        # join the cycles end to end and let 2-opt repair the joints: an upper bound for this round
        candidate = _two_opt(distances, np.concatenate(_cycles(n, rows, cols, chosen)))
        candidate_length = _tour_length(distances, candidate)
        if candidate_length < best_length - tolerance:
            best_tour, best_length = candidate, candidate_length
        if result.status != 0:
            break
        if count == 1:
            message = "single tour: optimal for the relaxation, hence for the TSP"
            break
        add_cuts(labels, count)
    if proven(bound) and message == "time limit reached":
        message = "the best tour meets the lower bound"
    elif message == "time limit reached" and control.stop_reason() == "interrupted":
        message = "interrupted"

    if integral and np.isfinite(bound):
        bound = float(math.ceil(bound - tolerance))
    optimal = bool(np.isfinite(bound) and proven(bound))
    if optimal:
        bound = best_length
    tour = _starting_at_zero(best_tour)
    return _answer(tour, _tour_length(distances, tour), optimal, float(min(bound, best_length)),
                         time.perf_counter() - started, "milp", message,
                         {"rounds": rounds, "linear_rounds": linear_rounds, "cuts": len(cut_upper),
                          "integral": integral})
