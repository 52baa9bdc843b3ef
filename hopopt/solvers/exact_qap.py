"""Exact Koopmans–Beckmann quadratic assignment: branch and bound with the Gilmore–Lawler bound (numba).

The problem: place facility ``i`` at location ``p[i]`` (a permutation, 0-based) so as to minimise
``cost(p) = Σ_ij flow[i, j] · distance[p[i], p[j]]``. Matrices may be asymmetric, have non-zero diagonals
(a linear term ``flow[i, i] · distance[p[i], p[i]]``) and negative entries.

:func:`qap_exact` proves the QAPLIB optima of size 12 in under 0.1 s, had14 and nug14 in under a second,
nug16a in about 12 s and esc16c (with symmetry breaking) in about 2 s on one core (``benchmarks/exact_qap.py``).
The Gilmore–Lawler bound weakens as n grows (about 20 % below the optimum at the root of nug16a), and the tree
grows roughly tenfold per two more facilities: n = 20 (nug20, tai20a) is out of reach in minutes, and the time
limit then returns the best permutation found with a proven, but weak, lower bound.
"""

from __future__ import annotations

import math
import time

import numpy as np

from ..result import Solution
from . import _kernels_qap as kernels
from .. import control
from ._common import check_time_limit
from .exact import problem_answer

_answer = problem_answer("qap")

__all__ = ["qap_exact", "qap_cost", "warm_up_qap", "root_bound_seconds"]

# relative slack when comparing float costs (scale: Σ|flow| · max|distance|)
_RELATIVE_TOLERANCE = 1e-9
# integral data give integral costs; below this magnitude float64 adds and multiplies them exactly
_EXACT_INTEGER_LIMIT = 2.0 ** 50
# pairwise-exchange descents for the first incumbent: from `initial` (if given), the identity and this many
# random permutations (fixed seed: the same answer every run)
_DESCENT_STARTS = 16
_DESCENT_SEED = 20240611
# nodes of the first chunk of the search, and the wall time each later chunk aims at (the clock is read
# between chunks, so a time limit is overrun by about one chunk at most)
_FIRST_CHUNK_NODES = 64
_MIN_CHUNK_NODES = 16
_CHUNK_SECONDS = 0.05
# Automorphisms of the flows and of the distances (symmetry breaking): at most this many of each are kept
# (the hypercube of esc16c has 384; any subset is still valid, it only breaks less symmetry, and every node
# pays O(count · n) for its orbits), and their backtracking search stops after this many entry comparisons
# (about 20 ns each: under 40 ms), or after this many per second of a time limit (a quarter of it).
_SYMMETRY = True
_AUTOMORPHISM_CAP = 1024
_AUTOMORPHISM_STEPS = 2_000_000
_AUTOMORPHISM_STEPS_PER_SECOND = 10_000_000

_WARM = False

# seconds per n³ of the search's set-up and its root bound (sorting the rows, the Gilmore–Lawler bound of the root:
# n² minimal scalar products of length n − 1 and an n × n assignment problem), counted high: measured 3.3e-9 (root
# bound) plus 1e-9 (set-up) s of CPU at n = 400..1000 on 2 shared cores, about 4 s of wall time at n = 1000 on a
# loaded machine. Neither can be stopped once started: when they do not fit the time left they are skipped.
_ROOT_SECONDS_PER_CUBE = 6e-9



def root_bound_seconds(n) -> float:
    """What the branch and bound's set-up and Gilmore–Lawler root bound take at size n, counted high.

    Neither can be stopped once started, so :func:`qap_exact` skips both (and their n³ tables) when this does
    not fit the time left.

    Parameters
    ----------
    n : int
        Facilities (and locations).

    Returns
    -------
    float
        Seconds.

    Examples
    --------
    >>> from hopopt.solvers.exact_qap import root_bound_seconds
    >>> 1.0 < root_bound_seconds(1000) < 10.0
    True
    """
    return _ROOT_SECONDS_PER_CUBE * float(n) ** 3


# ---------------------------------------------------------------------------------------------- checks, helpers

def _past(deadline):
    """Whether the search must stop: its own deadline passed, or the command's (or Ctrl-C, hopopt.control)."""
    return (deadline is not None and time.perf_counter() >= deadline) or control.should_stop()


def _time_left(deadline):
    """Seconds to the earlier of the search's own deadline and the command's (hopopt.control); inf without either.

    The command's deadline may come first: the own one is set after the kernels' warm-up.
    """
    own = math.inf if deadline is None else deadline - time.perf_counter()
    run = control.active()
    return own if run is None else min(own, run.remaining())


def _check_matrix(name, value):
    try:
        matrix = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a square matrix of numbers, got a value that cannot be read as float: "
                         f"{value!r}") from None
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"{name} must be a square matrix (n, n), got shape {matrix.shape}")
    if matrix.shape[0] == 0:
        raise ValueError(f"{name} must have n ≥ 1 rows and columns, got shape {matrix.shape}")
    if not np.all(np.isfinite(matrix)):
        where = tuple(int(k) for k in np.argwhere(~np.isfinite(matrix))[0])
        raise ValueError(f"{name} must be finite, got {name}[{where[0]}, {where[1]}] = {matrix[where]}")
    return np.ascontiguousarray(matrix)


def _check_permutation(name, value, n):
    try:
        array = np.array(value, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a permutation of 0..{n - 1}, got {value!r}") from None
    if array.shape[0] != n or not np.all(array == np.round(array)) \
            or not np.array_equal(np.sort(array), np.arange(n)):
        shown = value.tolist() if isinstance(value, np.ndarray) else value
        raise ValueError(f"{name} must be a permutation of 0..{n - 1} (each location once), got {shown!r}")
    return array.astype(np.int64)


def qap_cost(flow, distance, perm) -> float:
    """``Σ_ij flow[i, j] · distance[perm[i], perm[j]]``: the cost of putting facility ``i`` at ``perm[i]``.

    Parameters
    ----------
    flow : array_like, shape (n, n)
    distance : array_like, shape (n, n)
    perm : sequence of int
        ``perm[i]`` is the location of facility i.

    Returns
    -------
    float

    Examples
    --------
    >>> from hopopt.solvers.exact_qap import qap_cost
    >>> qap_cost([[0, 3], [1, 0]], [[0, 2], [5, 0]], [1, 0])  # 3 · d[1, 0] + 1 · d[0, 1]
    17.0
    """
    flow = np.asarray(flow, dtype=np.float64)
    distance = np.asarray(distance, dtype=np.float64)
    perm = np.asarray(perm, dtype=np.int64)
    return float(np.sum(flow * distance[np.ix_(perm, perm)]))


def _is_symmetric(matrix):
    # exactly: replacing a nearly symmetric matrix by its symmetric part would change the costs
    return bool(np.array_equal(matrix, matrix.T))


def _channels(flow, distance):
    """Pairs of matrices whose off-diagonal products count each ordered pair of free facilities once.

    With a symmetric distance matrix the flows may be replaced by their symmetric part (and vice versa):
    ``f_ij d_kl + f_ji d_lk = (f_ij + f_ji) d_kl``, and one minimal scalar product of the combined flows is at
    least the sum of the two separate ones, so the bound is tighter. With both asymmetric, each direction
    gets half the weight: ``(½ f) · d`` over rows plus ``(½ fᵀ) · dᵀ`` over columns.
    """
    if _is_symmetric(distance):
        return "symmetric distance", [(flow + flow.T) / 2.0], [distance]
    if _is_symmetric(flow):
        return "symmetric flow", [flow], [(distance + distance.T) / 2.0]
    return "both asymmetric", [flow / 2.0, flow.T / 2.0], [distance, distance.T]


def _sorted_off_diagonal(matrices, descending):
    """For each matrix and row, the other columns ordered by the row's entries (stable order on ties)."""
    n = matrices.shape[1]
    # row i: 0..n-1 without i (a Python list of n² indices took 0.3 s at n = 1000)
    columns = np.broadcast_to(np.arange(n - 1, dtype=np.int64), (n, n - 1))
    others = columns + (columns >= np.arange(n, dtype=np.int64)[:, None])
    orders = np.empty((matrices.shape[0], n, n - 1), dtype=np.int64)
    for c in range(matrices.shape[0]):
        values = np.take_along_axis(matrices[c], others, axis=1)
        if descending:
            values = -values
        orders[c] = np.take_along_axis(others, np.argsort(values, axis=1, kind="stable"), axis=1)
    return orders


def _automorphisms(matrix, steps=_AUTOMORPHISM_STEPS):
    """Permutations σ ≠ identity of the rows and columns that leave ``matrix`` unchanged, shape (count, n).

    Candidates are first narrowed by an invariant: a point and its image have the same diagonal entry and
    the same sorted row and sorted column.
    """
    n = matrix.shape[0]
    if not _SYMMETRY or n < 2 or steps <= 0:
        # no step to spend (no time left for the search): not even the invariant (0.2 s at n = 1000)
        return np.zeros((0, n), dtype=np.int64)
    off = ~np.eye(n, dtype=bool)
    rows = np.sort(matrix[off].reshape(n, n - 1), axis=1)
    cols = np.sort(matrix.T[off].reshape(n, n - 1), axis=1)
    keys = np.concatenate([np.diag(matrix)[:, None], rows, cols], axis=1)
    _, classes = np.unique(keys, axis=0, return_inverse=True)
    elements, _ = kernels.automorphisms(matrix, classes.reshape(-1).astype(np.int64), _AUTOMORPHISM_CAP,
                                        int(steps))
    return np.ascontiguousarray(elements)


class _Search:
    """The arrays of one resumable depth-first branch and bound (see :func:`_kernels_qap.qap_search`)."""

    def __init__(self, flow, distance, integral, tolerance, incumbent, incumbent_cost,
                 automorphism_steps=_AUTOMORPHISM_STEPS):
        n = flow.shape[0]
        self.flow, self.distance = flow, distance
        self.integral, self.tolerance = integral, tolerance
        self.channels, first, second = _channels(flow, distance)
        self.first = np.ascontiguousarray(np.stack(first))
        self.second = np.ascontiguousarray(np.stack(second))
        self.first_order = _sorted_off_diagonal(self.first, descending=False)
        self.second_order = _sorted_off_diagonal(self.second, descending=True)
        self.linear = np.zeros((n + 1, n, n))
        self.linear[0] = np.outer(np.diag(flow), np.diag(distance))  # f_ii · d_kk: facility i at location k
        self.fixed = np.zeros(n + 1)
        self.perm = np.full(n, -1, dtype=np.int64)
        self.owner = np.full(n, -1, dtype=np.int64)
        self.best = np.array([incumbent_cost], dtype=np.float64)
        self.best_perm = np.array(incumbent, dtype=np.int64)
        self.child_facility = np.zeros((n + 1, n), dtype=np.int64)
        self.child_location = np.zeros((n + 1, n), dtype=np.int64)
        self.child_bound = np.zeros((n + 1, n))
        self.child_count = np.zeros(n + 1, dtype=np.int64)
        self.child_next = np.zeros(n + 1, dtype=np.int64)
        self.applied_facility = np.zeros(n + 1, dtype=np.int64)
        self.state = np.zeros(kernels.STATE_SIZE, dtype=np.int64)
        self.facility_group = _automorphisms(flow, automorphism_steps)
        self.location_group = _automorphisms(distance, automorphism_steps)
        self.facility_active, self.facility_active_count = self._active(self.facility_group)
        self.location_active, self.location_active_count = self._active(self.location_group)

    def _active(self, group):
        n = self.flow.shape[0]
        active = np.zeros((n + 1, group.shape[0]), dtype=np.int64)
        active[0] = np.arange(group.shape[0])
        count = np.zeros(n + 1, dtype=np.int64)
        count[0] = group.shape[0]
        return active, count

    def root_bound(self):
        """The Gilmore–Lawler bound of the root (no facility placed)."""
        n = self.flow.shape[0]
        rows, cols, assign = (np.empty(n, dtype=np.int64) for _ in range(3))
        side = max(n - 1, 1)
        bound, _, _ = kernels.glb_node(
            self.flow, self.distance, self.first, self.second, self.first_order, self.second_order,
            self.linear[0], 0.0, self.perm, self.owner, rows, cols, np.empty((n, side)), np.empty((n, side)),
            np.empty((n, n)), np.empty(n + 1), np.empty(n + 1), np.empty(n + 1, dtype=np.int64),
            np.empty(n + 1, dtype=np.int64), np.empty(n + 1), np.empty(n + 1, dtype=np.bool_), assign, np.inf)
        return float(bound)

    def run(self, budget):
        """Evaluate at most ``budget`` more nodes; True when the search is over."""
        return bool(kernels.qap_search(
            self.flow, self.distance, self.first, self.second, self.first_order, self.second_order,
            self.integral, self.tolerance, self.linear, self.fixed, self.perm, self.owner, self.best,
            self.best_perm, self.child_facility, self.child_location, self.child_bound, self.child_count,
            self.child_next, self.applied_facility, self.facility_group, self.facility_active,
            self.facility_active_count, self.location_group, self.location_active, self.location_active_count,
            self.state, int(budget)))

    def open_bound(self):
        """The smallest bound among the subtrees not yet explored (inf when none is left)."""
        if self.state[kernels.STARTED] == 0:
            return -np.inf
        return float(kernels.open_bound(self.child_bound, self.child_count, self.child_next,
                                        int(self.state[kernels.DEPTH])))


def warm_up_qap():
    """Compile (or load from numba's cache) the branch and bound's kernels once, so solve times exclude it.

    :func:`qap_exact` calls it itself; a harness that times the calls (``hopopt bench``) calls it first.

    Examples
    --------
    >>> from hopopt.solvers.exact_qap import warm_up_qap
    >>> warm_up_qap()
    """
    global _WARM
    if _WARM:
        return
    rng = np.random.default_rng(0)
    for symmetric_distance, symmetric_flow in ((True, False), (False, True), (False, False)):
        flow = rng.integers(0, 5, size=(4, 4)).astype(np.float64)
        distance = rng.integers(0, 5, size=(4, 4)).astype(np.float64)
        if symmetric_flow:
            flow = flow + flow.T
        if symmetric_distance:
            distance = distance + distance.T
        perms = np.array([np.arange(4)], dtype=np.int64)
        costs = kernels.pairwise_descent(flow, distance, perms, 1e-9)
        search = _Search(flow, distance, True, 1e-9, perms[0], float(costs[0]))
        search.root_bound()
        search.run(10)
        search.open_bound()
    _WARM = True


# seconds per n³ of one pairwise-exchange descent, counted high (about 70 s at n = 1000 on this machine)
_DESCENT_SECONDS_PER_CUBE = 1e-7


def _initial_incumbent(flow, distance, initial, tolerance, deadline):
    """Best of pairwise-exchange descents from ``initial``, the identity and a few random permutations."""
    n = flow.shape[0]
    rng = np.random.default_rng(_DESCENT_SEED)
    starts = [] if initial is None else [initial]
    starts.append(np.arange(n, dtype=np.int64))
    starts.extend(rng.permutation(n) for _ in range(_DESCENT_STARTS))
    best_perm, best_cost = None, np.inf
    if initial is not None:
        best_perm, best_cost = initial.copy(), qap_cost(flow, distance, initial)
    for start in starts:
        if best_perm is not None and _past(deadline):
            break
        if _DESCENT_SECONDS_PER_CUBE * n**3 > _time_left(deadline):
            # one descent is a kernel call no clock can stop (70 s at n = 1000): the start itself stands in
            if best_perm is None:
                best_perm, best_cost = np.asarray(start, dtype=np.int64).copy(), qap_cost(flow, distance, start)
            break
        perms = np.array([start], dtype=np.int64)
        cost = float(kernels.pairwise_descent(flow, distance, perms, tolerance)[0])
        if cost < best_cost:
            best_perm, best_cost = perms[0].copy(), cost
    return best_perm, qap_cost(flow, distance, best_perm)


def _scalar_product_bound(flow, distance):
    """A lower bound on every permutation's cost in O(n² log n): the minimal scalar product of all off-diagonal
    flows with all off-diagonal distances, plus that of the two diagonals.

    A permutation maps the ordered pairs of distinct facilities one to one onto those of distinct locations (and
    each facility's diagonal onto one location's), so its cost is a scalar product of the flows with a rearranged
    distances; one sorted ascending, the other descending gives the smallest (rearrangement inequality, any signs).
    Far weaker than the Gilmore–Lawler bound, it stands in when that one cannot be computed in the time left.
    """
    off_diagonal = ~np.eye(flow.shape[0], dtype=bool)
    pairs = float(np.sort(flow[off_diagonal]) @ np.sort(distance[off_diagonal])[::-1])
    return pairs + float(np.sort(np.diag(flow)) @ np.sort(np.diag(distance))[::-1])


def _unsearched_answer(flow, distance, incumbent, integral, started, root_seconds):
    """The answer when the search cannot start in the time left: the incumbent and the scalar product bound."""
    n = flow.shape[0]
    objective = qap_cost(flow, distance, incumbent)
    bound = _scalar_product_bound(flow, distance)
    if integral:
        bound = float(math.ceil(bound - 1e-9))
    bound = min(bound, objective)
    optimal = bool(bound >= objective)
    message = (f"{'interrupted' if control.stop_reason() == 'interrupted' else 'time limit reached'} before the "
               f"branch and bound could start (its "
               f"set-up and root bound take about {root_seconds:.2g} s at n = {n}); the bound is the minimal scalar "
               f"product of all flows and distances" + (" (the incumbent meets the bound)" if optimal else ""))
    return _answer(
        incumbent.copy(), objective, optimal, float(bound), time.perf_counter() - started, "gilmore-lawler-bnb",
        message, {"nodes": 0, "leaves": 0, "pruned": 0, "improvements": 0, "max_depth": 0, "root_bound": float(bound),
                  "root_bound_method": "minimal scalar product", "initial_objective": float(objective),
                  "channels": None, "integral": integral, "flow_automorphisms": 1, "distance_automorphisms": 1})


# ---------------------------------------------------------------------------------------------- the solver
def qap_exact(flow, distance, *, time_limit=None, initial=None) -> Solution:
    """Minimum-cost assignment of facilities to locations by branch and bound (Gilmore–Lawler bound).

    Minimises ``cost(p) = Σ_ij flow[i, j] · distance[p[i], p[j]]`` over permutations ``p`` (facility ``i``
    at location ``p[i]``). Asymmetric matrices, non-zero diagonals and negative entries are all allowed.

    The first incumbent is the best of pairwise-exchange descents from ``initial`` (if given), the identity
    and 16 random permutations (fixed seed, so the answer is the same every run). The search is depth first
    (memory O(n²) plus O(n · automorphisms)). At each node:

    - **Bound** (Gilmore–Lawler): facility ``i`` at location ``k`` costs its exact interaction with the
      facilities already placed plus the minimal scalar product of its flows to the other free facilities
      with ``k``'s distances to the other free locations (one sorted ascending, the other descending); the
      linear assignment problem over these costs (Hungarian method, in numba, stopped early once it proves
      the node useless) bounds every completion. When one matrix is symmetric the other is replaced by its
      symmetric part, which tightens the bound.
    - **Upper bound**: the assignment solving the relaxation completes the node to a permutation, which may
      improve the incumbent.
    - **Branching**: the dual prices of the assignment problem give every child (one facility at one
      location) a bound without solving anything: the node's bound plus the child's reduced cost. The node
      branches on the free facility *or* location with the fewest children that this bound does not prune
      (largest total reduced cost among ties); children are visited in increasing order of that bound.
    - **Symmetry**: permutations of the locations that leave ``distance`` unchanged (found once, by
      backtracking; at most 1024) and fix every location in use map the children "facility f at k" of a node
      onto each other at equal optimum, so one child per orbit is explored, with the largest bound in its
      orbit; likewise permutations of the facilities that leave ``flow`` unchanged for the children of a
      location. This makes the hypercube instances of QAPLIB (esc16c: 384 and 24 such permutations)
      tractable.

    With integral data every cost is an integer, so a node whose bound exceeds ``incumbent - 1`` is pruned;
    otherwise the optimum is proven within a relative tolerance of 1e-9 (of ``Σ|flow| · max|distance|``).

    Parameters
    ----------
    flow, distance : array_like, shape (n, n)
        Finite numbers, n ≥ 1, same n.
    time_limit : float, optional
        Seconds for the whole solve. The clock is read about every 50 ms (and before each descent of the first
        incumbent, at least one of which runs when it fits: about 3 ms at n = 50); when time runs out the best
        permutation found is returned with ``optimal=False`` and, as ``bound``, the smallest bound among the
        subtrees not yet explored (never below the root's bound; rounded up for integral data). Steps no clock
        can stop are skipped when they would not fit the time left (estimates counted high): a descent
        (1e-7 · n³ s), the set-up and root bound (6e-9 · n³ s: seconds at n = 1000; then ``initial`` or the
        identity is returned with the weaker minimal scalar product bound, ``info["root_bound_method"]``), more
        nodes than fit at the rate measured so far.
    initial : array_like of int, shape (n,), optional
        A permutation to start from (for example a heuristic's answer); the descent improves it.

    Returns
    -------
    Solution
        ``solution``: the permutation (int64, ``solution[i]`` is facility ``i``'s location); ``objective``: its
        cost; ``bound``: a proven lower bound (equal to ``objective`` when ``optimal``); ``time_s`` excludes
        numba compilation; ``info``: ``nodes`` (bounds computed), ``leaves`` (nodes solved or pruned by
        their own bound), ``pruned`` (children pruned by reduced cost without evaluation), ``improvements``,
        ``max_depth``, ``root_bound`` and ``root_bound_method`` ("gilmore-lawler", or "minimal scalar
        product" when the search could not start), ``initial_objective`` (after the descents), ``channels``
        (how the bound pairs the matrices), ``integral``, ``flow_automorphisms`` and
        ``distance_automorphisms`` (group orders used, identity included).

    Raises
    ------
    ValueError
        For a non-square, empty or non-finite matrix, matrices of different sizes, a bad ``initial`` or a
        bad time limit.

    Examples
    --------
    >>> from hopopt.solvers.exact_qap import qap_exact
    >>> flow = [[0, 5, 1], [5, 0, 0], [1, 0, 0]]      # facilities 0 and 1 exchange a lot
    >>> distance = [[0, 1, 4], [1, 0, 2], [4, 2, 0]]  # locations 0 and 1 are close
    >>> result = qap_exact(flow, distance)
    >>> result.solution.tolist(), result.objective, result.optimal
    ([1, 0, 2], 14.0, True)
    """
    time_limit = control.time_left(check_time_limit(time_limit))
    flow = _check_matrix("flow", flow)
    distance = _check_matrix("distance", distance)
    if flow.shape != distance.shape:
        raise ValueError(f"flow and distance must have the same shape, got flow {flow.shape} and distance "
                         f"{distance.shape}")
    n = flow.shape[0]
    if initial is not None:
        initial = _check_permutation("initial", initial, n)
    # the set-up and the root bound are kernel calls no clock can stop (seconds at n = 1000): when they cannot fit
    # the time left, neither they nor the kernels' warm-up run (a descent costs more still)
    root_seconds = root_bound_seconds(n)
    searching = root_seconds <= _time_left(None if time_limit is None else time.perf_counter() + time_limit)
    if searching:
        warm_up_qap()
    started = time.perf_counter()
    deadline = None if time_limit is None else started + time_limit

    scale = float(np.abs(flow).sum() * np.abs(distance).max())
    integral = bool(np.all(flow == np.round(flow)) and np.all(distance == np.round(distance))
                    and scale < _EXACT_INTEGER_LIMIT)
    tolerance = _RELATIVE_TOLERANCE * max(1.0, scale)
    if not searching or root_seconds > _time_left(deadline):
        start = initial if initial is not None else np.arange(n, dtype=np.int64)
        return _unsearched_answer(flow, distance, start, integral, started, root_seconds)
    incumbent, incumbent_cost = _initial_incumbent(flow, distance, initial, tolerance, deadline)
    if root_seconds > _time_left(deadline):
        return _unsearched_answer(flow, distance, incumbent, integral, started, root_seconds)
    steps = _AUTOMORPHISM_STEPS
    remaining = _time_left(deadline)
    if math.isfinite(remaining):
        steps = min(steps, int(_AUTOMORPHISM_STEPS_PER_SECOND * max(remaining, 0.0)))
    search = _Search(flow, distance, integral, tolerance, incumbent, incumbent_cost, steps)
    tic = time.perf_counter()
    root_bound = search.root_bound()
    # a node near the root costs about as much as the root bound (the first chunk evaluates the root again)
    node_seconds = time.perf_counter() - tic

    finished = False
    budget = _FIRST_CHUNK_NODES
    while not _past(deadline):
        # a chunk cannot be stopped: no more nodes than fit the time left at the last measured rate (none: stop)
        remaining = _time_left(deadline)
        if math.isfinite(remaining):
            budget = min(budget, int(remaining / max(node_seconds, 1e-9)))
            if budget < 1:
                break
        chunk_start = time.perf_counter()
        finished = search.run(budget)
        if finished:
            break
        now = time.perf_counter()
        node_seconds = (now - chunk_start) / budget
        # aim the next chunk at the target time (at most half the time left) from this chunk's rate, growing
        # at most 4x at once (nodes near the root cost more than deep ones)
        remaining = _time_left(deadline)
        target = _CHUNK_SECONDS if not math.isfinite(remaining) else min(_CHUNK_SECONDS, remaining / 2)
        budget = int(min(4 * budget, max(_MIN_CHUNK_NODES, budget * target / max(now - chunk_start, 1e-6))))

    solution = search.best_perm.copy()
    objective = qap_cost(flow, distance, solution)
    state = search.state
    if finished:
        bound, optimal, message = objective, True, "search tree exhausted: no permutation costs less"
    else:
        bound = min(objective, max(root_bound, search.open_bound()))
        if integral and np.isfinite(bound):
            bound = float(math.ceil(bound - 1e-9))
        bound = min(bound, objective)
        optimal = bool(bound >= objective)
        message = (control.stop_reason() or "time limit reached") + \
            (" (the incumbent meets the bound)" if optimal else "")
    return _answer(
        solution, objective, optimal, float(bound), time.perf_counter() - started, "gilmore-lawler-bnb", message,
        {"nodes": int(state[kernels.NODES]), "leaves": int(state[kernels.LEAVES]),
         "pruned": int(state[kernels.PRUNED]), "improvements": int(state[kernels.IMPROVED]),
         "max_depth": int(state[kernels.MAX_DEPTH]), "root_bound": root_bound, "root_bound_method": "gilmore-lawler",
         "initial_objective": float(incumbent_cost), "channels": search.channels, "integral": integral,
         "flow_automorphisms": int(search.facility_group.shape[0]) + 1,
         "distance_automorphisms": int(search.location_group.shape[0]) + 1})
