"""Number partitioning: number files, random instances, exact methods, the Karmarkar–Karp and dwave-samplers peers.

Exact method (:func:`exact_partition`), in the order tried:

1. **Karmarkar–Karp + a bound.** The largest differencing heuristic runs first (milliseconds). No partition
   can beat ``Σ a mod 2`` for integers (the difference has the parity of the sum) or 0 otherwise; when
   Karmarkar–Karp reaches that bound it is optimal, which is the common case below the hard regime
   (``bits`` well under ``n``) — but not always (on 60 numbers of 20 bits it usually stops at a few units).
2. **Subset-sum dynamic programme** (integers, pseudo-polynomial): the sums reachable by subsets, as a bitset
   in a Python integer capped at ``⌊S/2⌋`` (S = Σ|a|), one shift-or per number; the best reachable sum below
   the half is the optimum. The subset is recovered from ``√n`` stored checkpoints (memory
   ``O(√n · S/2)`` bits instead of ``O(n · S/2)``). Time ``O(n·S/64)`` word operations: 60 numbers of 20 bits
   take a fraction of a second. Used while its bitsets fit in :data:`DP_MEMORY_LIMIT_BYTES`.
3. **Meet in the middle** (Horowitz & Sahni 1974), any numbers: all ``2^(n/2)`` subset sums of each half,
   sorted, and for every left sum the right sums nearest to the complement by binary search — ``O(2^(n/2) n)``,
   independent of the size of the numbers, so it proves the hard regime (``bits ≈ n``) up to
   :data:`MEET_IN_THE_MIDDLE_MAX_N` numbers (a few seconds at 44).
4. **MILP** otherwise (``solve_binary_program``, HiGHS): with ``b = |a|`` and x the numbers in the lighter
   group, the difference is ``S − 2 b·x`` subject to ``b·x ≤ S/2`` — the |difference| linearised by choosing
   which group is the lighter one, a 0/1 knapsack with no auxiliary variable. Its LP bound is weak (0 almost
   always), so it proves little beyond the parity bound, but it returns the best found and a bound within the
   time limit.

The complete Karmarkar–Karp search (Korf 1998) was not chosen: it is the best method in the hard regime for
n around 40–100 only in compiled form; in Python the meet in the middle (vectorised in numpy) proves the hard
instances it can reach faster, and the dynamic programme proves the easy regime with sums up to about 2³⁰
in well under a second, where CKK must search for a perfect partition among exponentially many.
"""

from __future__ import annotations

import heapq
import math
import time

import numpy as np

from ..io.numbers import read_numbers
from ..problems.partition import NumberPartitioning
from ._kind import ExactAnswer, Outcome, PeerSpec, ProblemKind

__all__ = ["KIND", "exact_partition", "karmarkar_karp", "subset_sum_partition", "meet_in_the_middle_partition",
           "DP_MEMORY_LIMIT_BYTES", "MEET_IN_THE_MIDDLE_MAX_N"]

#: the dynamic programme is used while its checkpoint bitsets take at most this many bytes
DP_MEMORY_LIMIT_BYTES = 256 * 2**20
#: the meet in the middle is used up to this many numbers (2^22 sums per half: about 0.2 GB of arrays)
MEET_IN_THE_MIDDLE_MAX_N = 44


def _magnitudes_and_signs(numbers):
    """|a| and the sign flips that map a partition of |a| back to one of a (sign(0) counts as +)."""
    values = np.asarray(numbers, dtype=np.float64)
    return np.abs(values), np.where(values < 0, -1, 1)


def _groups_from_spins(spins, signs):
    """Groups (0/1) of the original numbers from spins chosen for their magnitudes."""
    return ((np.asarray(spins) * signs) > 0).astype(np.int8)


def karmarkar_karp(numbers) -> np.ndarray:
    """The Karmarkar–Karp largest differencing heuristic: a partition (groups 0/1) of ``numbers``.

    Repeatedly replaces the two largest numbers by their difference, which commits them to different groups;
    the final number is the difference reached. The commitments form a tree, two-coloured at the end. A
    baseline written here (about ten lines), not a library's: networkx and dimod have none.

    Examples
    --------
    >>> from hopopt.kinds.partition import karmarkar_karp
    >>> groups = karmarkar_karp([8, 7, 6, 5, 4])
    >>> groups.tolist()  # 8 + 6 = 14 against 7 + 5 + 4 = 16: the heuristic misses the perfect split
    [1, 0, 1, 0, 0]
    """
    magnitudes, signs = _magnitudes_and_signs(numbers)
    n = magnitudes.size
    heap = [(-value, index) for index, value in enumerate(magnitudes.tolist())]
    heapq.heapify(heap)
    opposite = [[] for _ in range(n)]
    while len(heap) > 1:
        largest, first = heapq.heappop(heap)
        second_largest, second = heapq.heappop(heap)
        opposite[first].append(second)
        opposite[second].append(first)
        # the difference stays with the larger number's node: it lands in that number's group
        heapq.heappush(heap, (largest - second_largest, first))
    spins = np.zeros(n, dtype=np.int64)
    spins[0] = 1
    stack = [0]
    while stack:  # the commitments form a tree: two-colour it from node 0
        node = stack.pop()
        for other in opposite[node]:
            if spins[other] == 0:
                spins[other] = -spins[node]
                stack.append(other)
    return _groups_from_spins(spins, signs)


def _lower_bound(problem) -> float:
    """No partition beats this: the parity of the sum for integers, else 0."""
    if problem.integral:
        return float(sum(abs(int(value)) for value in problem.numbers.tolist()) % 2)
    return 0.0


def _dp_bytes(magnitudes) -> float:
    """Bytes of the dynamic programme's bitsets (√n checkpoints + one block, each ⌊S/2⌋ + 1 bits)."""
    half = int(sum(int(value) for value in magnitudes.tolist())) // 2
    block = max(1, math.isqrt(magnitudes.size))
    checkpoints = -(-magnitudes.size // block)
    return (checkpoints + block) * (half + 1) / 8.0


def subset_sum_partition(numbers) -> np.ndarray:
    """An optimal partition of integers by the subset-sum dynamic programme (bitset in a Python integer).

    The sums reachable by subsets of the magnitudes, capped at ``⌊S/2⌋``, grow by one shift-or per number; the
    largest reachable sum t is the lighter group's best total (difference ``S − 2t``). The subset is
    recovered backwards from ``√n`` checkpoints: a number is taken exactly when t is not reachable without it.

    Examples
    --------
    >>> from hopopt.kinds.partition import subset_sum_partition
    >>> subset_sum_partition([8, 7, 6, 5, 4]).tolist()  # 8 + 7 against 6 + 5 + 4
    [1, 1, 0, 0, 0]
    """
    magnitudes, signs = _magnitudes_and_signs(numbers)
    if not np.all(magnitudes == np.round(magnitudes)):
        raise ValueError("the subset-sum dynamic programme needs integers")
    values = [int(value) for value in magnitudes.tolist()]
    n = len(values)
    half = sum(values) // 2
    cap = (1 << (half + 1)) - 1
    block = max(1, math.isqrt(n))
    checkpoints = []  # checkpoints[c]: reachable sums using numbers 0 .. c·block − 1
    reachable = 1
    for index, value in enumerate(values):
        if index % block == 0:
            checkpoints.append(reachable)
        reachable = (reachable | (reachable << value)) & cap
    target = reachable.bit_length() - 1  # the best total ≤ S/2
    taken = np.zeros(n, dtype=bool)
    for start in range((len(checkpoints) - 1) * block, -1, -block):
        # the reachable sets before each number of this block, rebuilt from its checkpoint
        before = [checkpoints[start // block]]
        for value in values[start:min(start + block, n) - 1]:
            before.append((before[-1] | (before[-1] << value)) & cap)
        for offset in range(len(before) - 1, -1, -1):
            if not (before[offset] >> target) & 1:
                taken[start + offset] = True
                target -= values[start + offset]
    return _groups_from_spins(np.where(taken, 1, -1), signs)


def _all_subset_sums(values, dtype):
    """The sums of all 2^k subsets of ``values``, indexed by the subset's bit mask."""
    sums = np.zeros(1, dtype=dtype)
    for value in values:
        sums = np.concatenate([sums, sums + value])
    return sums


def meet_in_the_middle_partition(numbers) -> np.ndarray:
    """An optimal partition by the meet in the middle (Horowitz–Sahni): ``O(2^(n/2) n)`` for any numbers.

    Group 1 is a left subset plus a right subset; for every left sum the right sums nearest to
    ``S/2 − left`` (one on each side, by binary search in the sorted right sums) are the only candidates.

    Examples
    --------
    >>> from hopopt.kinds.partition import meet_in_the_middle_partition
    >>> meet_in_the_middle_partition([8, 7, 6, 5, 4]).tolist()
    [1, 1, 0, 0, 0]
    """
    magnitudes, signs = _magnitudes_and_signs(numbers)
    n = magnitudes.size
    integral = bool(np.all(magnitudes == np.round(magnitudes))) and magnitudes.sum() < 2.0**62
    dtype = np.int64 if integral else np.float64
    values = magnitudes.astype(dtype)
    middle = n // 2
    left = _all_subset_sums(values[:middle], dtype)
    right = _all_subset_sums(values[middle:], dtype)
    order = np.argsort(right, kind="stable")
    sorted_right = right[order]
    total = values.sum()
    # want left + right as near S/2 as possible: compare 2(left + right) with S to stay in integers
    positions = np.searchsorted(2 * sorted_right, total - 2 * left)
    best_difference, best = None, None
    for candidate in (np.clip(positions - 1, 0, right.size - 1), np.clip(positions, 0, right.size - 1)):
        differences = np.abs(total - 2 * (left + sorted_right[candidate]))
        index = int(np.argmin(differences))
        if best_difference is None or differences[index] < best_difference:
            best_difference, best = differences[index], (index, int(order[candidate[index]]))
    left_mask, right_mask = best
    spins = -np.ones(n, dtype=np.int64)
    for position in range(middle):
        if (left_mask >> position) & 1:
            spins[position] = 1
    for position in range(n - middle):
        if (right_mask >> position) & 1:
            spins[middle + position] = 1
    return _groups_from_spins(spins, signs)


def _milp_partition(problem, time_limit):
    """The knapsack form on HiGHS: minimise S − 2 b·x subject to b·x ≤ S/2 (b = |a|)."""
    from ..solvers.exact_binary import solve_binary_program

    magnitudes, signs = _magnitudes_and_signs(problem.numbers)
    total = float(magnitudes.sum())
    capacity = math.floor(total / 2) if problem.integral else total / 2
    found = solve_binary_program(-2.0 * magnitudes, constant=total,
                                 constraints=[(magnitudes.reshape(1, -1), -np.inf, capacity)],
                                 time_limit=time_limit)
    if found.x is None:
        return None, found
    return _groups_from_spins(np.where(found.x > 0, 1, -1), signs), found


def exact_partition(problem, time_limit=None, method="auto") -> ExactAnswer:
    """The optimal partition with a proof (see the module docstring for the methods and their order).

    Parameters
    ----------
    problem : NumberPartitioning
    time_limit : float, optional
        Seconds for the MILP; the dynamic programme and the meet in the middle run to the end (they are only
        chosen where they fit in memory, and take seconds at most there).
    method : {"auto", "dp", "meet-in-the-middle", "milp"}
        "auto" tries Karmarkar–Karp against the bound, then the first exact method that applies; the others
        force one method (benchmarks compare them).

    Returns
    -------
    ExactAnswer
        ``bound`` is a proven lower bound on the optimal difference.

    Examples
    --------
    >>> from hopopt.kinds.partition import exact_partition
    >>> from hopopt.problems.partition import NumberPartitioning
    >>> answer = exact_partition(NumberPartitioning([8, 7, 6, 5, 4]))
    >>> answer.optimal, answer.bound, answer.method
    (True, 0.0, 'dp')
    """
    methods = ("auto", "dp", "meet-in-the-middle", "milp")
    if method not in methods:
        raise ValueError(f"method must be one of {', '.join(methods)}, got {method!r}")
    started = time.perf_counter()
    bound = _lower_bound(problem)
    heuristic = karmarkar_karp(problem.numbers)
    heuristic_value = problem.difference(heuristic)

    def answer(groups, optimal, lower, name, message):
        return ExactAnswer(np.asarray(groups), bool(optimal), float(lower), name, message,
                           time.perf_counter() - started, problem.encode(groups))

    if method == "auto" and heuristic_value <= bound:
        return answer(heuristic, True, bound, "karmarkar-karp",
                      f"Karmarkar–Karp reached the lower bound {bound:g} (the parity of the sum)")
    magnitudes = np.abs(problem.numbers)
    dp_fits = problem.integral and _dp_bytes(magnitudes) <= DP_MEMORY_LIMIT_BYTES
    if method == "dp" or (method == "auto" and dp_fits):
        if not problem.integral:
            raise ValueError("method 'dp' needs integer numbers")
        groups = subset_sum_partition(problem.numbers)
        value = problem.difference(groups)
        return answer(groups, True, value, "dp", "subset-sum dynamic programme over all reachable sums")
    if method == "meet-in-the-middle" or (method == "auto" and problem.n <= MEET_IN_THE_MIDDLE_MAX_N):
        groups = meet_in_the_middle_partition(problem.numbers)
        value = problem.difference(groups)
        return answer(groups, True, value, "meet-in-the-middle", "all subset sums of both halves compared")
    groups, found = _milp_partition(problem, time_limit)
    candidates = [heuristic] + ([groups] if groups is not None else [])
    best = min(candidates, key=problem.difference)
    value = problem.difference(best)
    milp_bound = found.bound if found.bound is not None else -np.inf
    if problem.integral and np.isfinite(milp_bound):
        # the difference of integers has the parity of the sum: round the bound up to that parity
        milp_bound = math.ceil(milp_bound - 1e-9)
        milp_bound += (milp_bound - bound) % 2
    lower = max(bound, milp_bound if np.isfinite(milp_bound) else bound)
    optimal = value <= lower or (found.optimal and groups is not None and problem.difference(groups) <= value)
    return answer(best, optimal, value if optimal else lower, "milp", found.message)


# ---------------------------------------------------------------------------------------------- the kind
def _read(path):
    return NumberPartitioning.from_number_list(read_numbers(path))


def _random(n, seed, bits=20):
    return NumberPartitioning.random(n, bits, rng=seed)


def _exact(problem, time_limit):
    return exact_partition(problem, time_limit)


def _plot(problem, solution, ax, title):
    from ..plotting.solutions import plot_number_partition

    plot_number_partition(problem.numbers, solution, title=title, ax=ax)


def _karmarkar_karp_peer(problem, budget):
    """Karmarkar–Karp largest differencing: a baseline written here, deterministic, milliseconds."""
    return Outcome(karmarkar_karp(problem.numbers))


def _dwave_sa_peer(problem, budget):
    """dwave-samplers SimulatedAnnealingSampler on hopopt's BQM (the same energy), sweeps calibrated to the time
    limit as for the max-cut peer."""
    from ..bench.runners import _dwave_sampler, _sampler_on_model

    return _sampler_on_model(_dwave_sampler)(problem, budget)


KIND = ProblemKind(
    name="partition", problem=NumberPartitioning,
    description="number partitioning: two groups with sums as equal as possible (E = squared difference)",
    read=_read, file_format="numbers", random=_random, random_options={"bits": 20}, smallest_n=1,
    exact=_exact, solvers=("anneal", "descent"), plot=_plot,
    peers={
        "karmarkar-karp": PeerSpec(_karmarkar_karp_peer,
                                   "Karmarkar–Karp largest differencing (a 10-line baseline written in hopopt)",
                                   deterministic=True),
        "dwave-sa": PeerSpec(_dwave_sa_peer, "dwave-samplers SimulatedAnnealingSampler on hopopt's BQM",
                             requires=("dimod", "dwave.samplers")),
    })
