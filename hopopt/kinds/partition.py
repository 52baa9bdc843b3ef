"""Number partitioning: number files, random instances, exact methods, the Karmarkar–Karp and dwave-samplers peers.

Exact method (:func:`exact_partition`), in the order tried:

1. **Karmarkar–Karp + a bound.** The largest differencing heuristic runs first (milliseconds). No partition
   can beat ``Σ a mod 2`` for integers (the difference has the parity of the sum) or 0 otherwise; when
   Karmarkar–Karp reaches that bound it is optimal, which is the common case below the hard regime
   (``bits`` well under ``n``) — but not always (on 60 numbers of 20 bits it reached 1 and 3 on two seeds,
   where the optimum is 1 both times).
2. **Subset-sum dynamic programme** (integers, pseudo-polynomial): the sums reachable by subsets, as a bitset
   in a Python integer capped at ``⌊S/2⌋`` (S = Σ|a|), one shift-or per number; the best reachable sum below
   the half is the optimum. The subset is recovered from ``√n`` stored checkpoints (memory
   ``O(√n · S/2)`` bits instead of ``O(n · S/2)``). Time ``O(n·S/64)`` word operations: 60 numbers of 20 bits
   take a fraction of a second. Used while its bitsets fit in :data:`DP_MEMORY_LIMIT_BYTES`.
3. **Meet in the middle** (Horowitz & Sahni 1974), any numbers: all ``2^(n/2)`` subset sums of each half,
   sorted, and for every left sum the right sums nearest to the complement by binary search — ``O(2^(n/2) n)``,
   independent of the size of the numbers, so it proves the hard regime (``bits ≈ n``) up to
   :data:`MEET_IN_THE_MIDDLE_MAX_N` numbers (6.5 s at 44 on the shared 2-core development machine).
4. **MILP** otherwise (HiGHS through ``scipy.optimize.milp``, with a zero gap): with ``b = |a|`` and x the
   numbers in the lighter group, the difference is ``S − 2 b·x`` subject to ``b·x ≤ S/2`` — the ``|difference|``
   linearised by choosing which group is the lighter one, a 0/1 knapsack with no auxiliary variable and no
   product. Its LP bound is weak (0 almost always), and HiGHS's own optimality claims do not survive the
   coefficients of the order of 2^bits (see ``_milp_partition``), so here the MILP is a *search* for a better
   partition than Karmarkar–Karp's within the time limit: the answer is proven optimal only when it meets the
   parity bound, and the bound reported is the parity bound.

The complete Karmarkar–Karp search (CKK, Korf 1998) is not implemented. For the sizes asked of this kind
(n ≤ 60, moderate numbers) the dynamic programme's cost is fixed by n and S whatever the instance (0.05–0.3 s
for 30–60 numbers of 20 bits, measured by ``benchmarks/partition_bisection.py --part exact``), while CKK's time
depends on the instance and grows exponentially near ``bits ≈ n``; there the meet in the middle takes
``O(2^(n/2))`` (0.6–0.8 s for 40 numbers of 40 bits). Above both limits (more than 44 numbers whose sum is
too large for the bitsets) nothing here proves optimality beyond the parity bound; a compiled CKK would be
the method to add.
"""

from __future__ import annotations

import contextlib
import heapq
import math
import os
import sys
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
# Rough costs measured on the development machine (2 shared cores), used to skip a method that would overrun a
# time limit: the dynamic programme 0.3 s for 60 numbers of 20 bits (n·S/64 ≈ 3·10⁷ word operations), the meet
# in the middle 6.5 s at n = 44 (2^22 sums per half).
_SECONDS_PER_WORD_OPERATION = 1e-8
_SECONDS_PER_HALF_SUM = 1.5e-6


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

    Parameters
    ----------
    numbers : array_like of float
        The numbers to split; negative ones are placed by their magnitude and their group flipped.

    Returns
    -------
    ndarray of int8, shape (n,)
        The group (0 or 1) of each number.

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

    Parameters
    ----------
    numbers : array_like of int
        The numbers to split (any sign); a number that is not whole is a ValueError. The work grows with
        n times the sum of the magnitudes.

    Returns
    -------
    ndarray of int8, shape (n,)
        The group (0 or 1) of each number, in a partition of least difference.

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

    Parameters
    ----------
    numbers : array_like of float
        The numbers to split (any sign, integer or not); the work grows as 2^(n/2).

    Returns
    -------
    ndarray of int8, shape (n,)
        The group (0 or 1) of each number, in a partition of least difference.

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


@contextlib.contextmanager
def _stdout_to_stderr():
    """Send what C code writes to file descriptor 1 to descriptor 2 for a while.

    HiGHS prints ``HighsMipSolverData::transformNewIntegerFeasibleSolution tmpSolver.run();`` on stdout during
    these knapsacks even with ``disp=False``, which would corrupt ``hopopt exact --json`` output.
    """
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):  # no real stdout (some embedded interpreters): nothing to protect
        yield
        return
    try:
        os.dup2(2, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _milp_partition(problem, time_limit):
    """The knapsack form on HiGHS: minimise S − 2 b·x subject to b·x ≤ S/2 (b = |a|); a search, not a proof.

    Returns the groups of the best partition HiGHS found (None if none) and its message. HiGHS's claims are not
    used as proofs: the quantity minimised is a small difference of large sums, and with the default relative
    gap (10⁻⁴ of ``2 b·x``, of the order of S) it called a difference of 30 optimal on 30 numbers of 20 bits;
    even with a zero gap it called 1141 optimal on 30 numbers of 30 bits whose optimum is 31 (its tolerances
    are relative to coefficients near 2³⁰). There are no products, so the program goes to
    ``scipy.optimize.milp`` as it is.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    magnitudes, signs = _magnitudes_and_signs(problem.numbers)
    total = float(magnitudes.sum())
    capacity = math.floor(total / 2) if problem.integral else total / 2
    options = {"mip_rel_gap": 0.0}
    if time_limit is not None:
        options["time_limit"] = max(float(time_limit), 1e-3)
    with _stdout_to_stderr():
        result = milp(-2.0 * magnitudes, constraints=[LinearConstraint(magnitudes.reshape(1, -1), -np.inf,
                                                                       capacity)],
                      integrality=np.ones(magnitudes.size), bounds=Bounds(0, 1), options=options)
    if result.x is None:
        return None, str(result.message)
    return _groups_from_spins(np.where(np.asarray(result.x) > 0.5, 1, -1), signs), str(result.message)


def exact_partition(problem, time_limit=None, method="auto") -> ExactAnswer:
    """The optimal partition with a proof (see the module docstring for the methods and their order).

    Parameters
    ----------
    problem : NumberPartitioning
    time_limit : float, optional
        Seconds for the MILP search. The dynamic programme and the meet in the middle cannot be stopped; "auto"
        skips one whose estimated time (from the costs measured on the development machine) exceeds the limit
        or whose bitsets exceed the memory limit.
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
    limit = np.inf if time_limit is None else float(time_limit)
    dp_fits = problem.integral and _dp_bytes(magnitudes) <= DP_MEMORY_LIMIT_BYTES and \
        2 * problem.n * float(magnitudes.sum()) / 64 * _SECONDS_PER_WORD_OPERATION <= limit
    middle_fits = problem.n <= MEET_IN_THE_MIDDLE_MAX_N and \
        2.0 ** ((problem.n + 1) // 2) * _SECONDS_PER_HALF_SUM <= limit
    if method == "dp" or (method == "auto" and dp_fits):
        if not problem.integral:
            raise ValueError("method 'dp' needs integer numbers")
        groups = subset_sum_partition(problem.numbers)
        value = problem.difference(groups)
        return answer(groups, True, value, "dp", "subset-sum dynamic programme over all reachable sums")
    if method == "meet-in-the-middle" or (method == "auto" and middle_fits):
        groups = meet_in_the_middle_partition(problem.numbers)
        value = problem.difference(groups)
        return answer(groups, True, value, "meet-in-the-middle", "all subset sums of both halves compared")
    groups, message = _milp_partition(problem, time_limit)
    candidates = [heuristic] + ([groups] if groups is not None else [])
    best = min(candidates, key=problem.difference)
    value = problem.difference(best)
    # only the parity bound is trusted (see _milp_partition): optimal exactly when the search reached it
    optimal = value <= bound
    return answer(best, optimal, value if optimal else bound, "milp", f"HiGHS knapsack search: {message}")


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


#: the kind ``partition`` of :data:`hopopt.kinds.KINDS`: number partitioning (two groups with sums as equal as possible)
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
