"""numba kernels of parallel tempering (replica exchange) with optional Houdayer cluster moves.

Layout seen by the kernels, per restart r (one independent run: one or two full temperature ladders):

* ``states[r]`` (rows, n) int8 spins: every replica of the restart, rows = ladders × replicas;
* ``slots[r, l, k]``: which row sits at temperature k (0 the hottest) of ladder l; exchanges swap slots, never
  the rows' contents;
* ``betas[r, k]``: the restart's ladder, increasing in k (both ladders of a restart share it).

Randomness comes from one splitmix64 stream per restart kept in a local variable (see ``_kernels``), so a
restart's result depends only on its seed and on the β it was given, never on the number of threads or on how
the run was cut into chunks: exchanges alternate between even and odd pairs by the global sweep number, and
local fields and energies are recomputed exactly at the start of every chunk without drawing random numbers.
"""

import numpy as np
from numba import njit, prange

from ._kernels import METROPOLIS, _fields_and_energy, _fill_acceptance_table, _flip, _next_uniform

# β·ΔE above which a Metropolis proposal is rejected without a random draw (exp(-30) < 1e-13)
_CUTOFF = 30.0

# direction labels of a replica, for counting round trips coldest → hottest → coldest
_UNLABELLED = 0
_FROM_COLDEST = 1  # visited the coldest temperature more recently than the hottest
_FROM_HOTTEST = 2  # visited the hottest after the coldest: reaching the coldest completes a round trip


@njit(inline="always")
def _metropolis_sweep(indptr, indices, data, state, drive, energy, beta, table, largest, cost_step, use_table,
                      seed):
    """One Metropolis sweep in index order over a replica; ``drive`` holds h − θ. Returns (energy, seed)."""
    n = state.shape[0]
    for i in range(n):
        delta = 2.0 * state[i] * drive[i]
        if delta > 0.0:
            if use_table:
                steps = int(delta / cost_step + 0.5)
                if steps > largest:
                    continue
                uniform, seed = _next_uniform(seed)
                if uniform >= table[steps]:
                    continue
            else:
                scaled = beta * delta
                if scaled > _CUTOFF:
                    continue
                uniform, seed = _next_uniform(seed)
                if uniform >= np.exp(-scaled):
                    continue
        _flip(indptr, indices, data, state, drive, i)
        energy += delta
    return energy, seed


@njit(inline="always")
def _houdayer_move(indptr, indices, data, first, second, first_drive, second_drive, disagreeing, cluster, marked,
                   seed):
    """Houdayer's isoenergetic cluster move between two replicas at the same temperature.

    The sites where the replicas disagree (s¹_i ≠ s²_i) split into clusters connected by non-zero couplings;
    one cluster, grown from a uniformly chosen disagreeing site, is flipped in both replicas. That exchanges
    the cluster's spins between them, so the pair's total energy is unchanged (thresholds included: on a
    disagreeing site θ_i(s¹_i + s²_i) = 0 before and after) and the move is always accepted.

    Returns (change of the first replica's energy, cluster size, seed); size 0 when the replicas agree
    everywhere or disagree everywhere (then the move would only swap them).
    """
    n = first.shape[0]
    count = 0
    for i in range(n):
        if first[i] != second[i]:
            disagreeing[count] = i
            count += 1
    if count == 0 or count == n:
        return 0.0, 0, seed
    uniform, seed = _next_uniform(seed)
    start = disagreeing[int(uniform * count)]
    cluster[0] = start
    marked[start] = 1
    size = 1
    head = 0
    while head < size:
        i = cluster[head]
        head += 1
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            if data[p] != 0.0 and marked[j] == 0 and first[j] != second[j]:
                marked[j] = 1
                cluster[size] = j
                size += 1
    change = 0.0
    for c in range(size):
        i = cluster[c]
        marked[i] = 0
        # flipping one site at a time with exact field updates gives the exact change of the whole flip
        change += 2.0 * first[i] * first_drive[i]
        _flip(indptr, indices, data, first, first_drive, i)
        _flip(indptr, indices, data, second, second_drive, i)
    return change, size, seed


@njit(parallel=True, cache=True, nogil=True)
def temper_chunk(indptr, indices, data, thresholds, offset, cost_step, table_size, betas, first_sweep, n_sweeps,
                 cluster_from, states, energies, slots, directions, best_states, best_energies, seeds,
                 exchange_attempts, exchange_accepts, round_trips, cluster_counts, cluster_sizes, trace):
    """Run sweeps ``first_sweep .. first_sweep + n_sweeps - 1`` of parallel tempering on every restart.

    Each sweep: one Metropolis sweep of every replica at its slot's β; then, with two ladders, one Houdayer
    cluster move between the ladders at every temperature index ≥ ``cluster_from``; then replica exchange
    between neighbouring temperatures of each ladder, the even pairs (0-1, 2-3, ...) on even sweeps and the
    odd pairs on odd sweeps, accepted with probability min(1, exp((β_k − β_k+1)(E_k − E_k+1))).

    In place: ``states``, ``energies`` (rows' energies at the end), ``slots``, ``directions`` (round-trip
    labels per row), ``best_states``/``best_energies`` (lowest end-of-sweep energy of any replica of the
    restart), ``seeds``; counters are added to: ``exchange_attempts``/``exchange_accepts`` (restarts, replicas
    − 1), ``round_trips``, ``cluster_counts``, ``cluster_sizes`` (restarts,). ``trace[r, s]`` receives the
    energy of ladder 0's coldest replica after sweep s of the chunk.

    ``cost_step > 0`` means every flip cost is a multiple of it, at most ``table_size`` steps: acceptance
    probabilities then come from one table per temperature, filled once per chunk.
    """
    restarts, rows, n = states.shape
    ladders, replicas = slots.shape[1], slots.shape[2]
    use_table = cost_step > 0.0
    for r in prange(restarts):
        # private copies: rows of shared arrays written by two threads would share cache lines
        state = states[r].copy()
        drive = np.empty((rows, n))
        energy = np.empty(rows)
        for m in range(rows):
            energy[m] = _fields_and_energy(indptr, indices, data, thresholds, offset, state[m], drive[m])
            for i in range(n):
                drive[m, i] -= thresholds[i]
        slot = slots[r].copy()
        direction = directions[r].copy()
        ladder_betas = betas[r].copy()
        tables = np.empty((replicas, table_size + 1 if use_table else 1))
        largest = np.zeros(replicas, dtype=np.int64)
        if use_table:
            for k in range(replicas):
                largest[k] = _fill_acceptance_table(tables[k], ladder_betas[k], cost_step, METROPOLIS)
        attempts = np.zeros(replicas, dtype=np.int64)
        accepts = np.zeros(replicas, dtype=np.int64)
        trips = 0
        clusters = 0
        cluster_total = 0
        disagreeing = np.empty(n, dtype=np.int64)
        cluster = np.empty(n, dtype=np.int64)
        marked = np.zeros(n, dtype=np.uint8)
        best = best_energies[r]
        seed = seeds[r]
        for sweep in range(first_sweep, first_sweep + n_sweeps):
            for ladder in range(ladders):
                for k in range(replicas):
                    m = slot[ladder, k]
                    energy[m], seed = _metropolis_sweep(indptr, indices, data, state[m], drive[m], energy[m],
                                                        ladder_betas[k], tables[k], largest[k], cost_step,
                                                        use_table, seed)
            if ladders == 2:
                for k in range(cluster_from, replicas):
                    a = slot[0, k]
                    b = slot[1, k]
                    change, size, seed = _houdayer_move(indptr, indices, data, state[a], state[b], drive[a],
                                                        drive[b], disagreeing, cluster, marked, seed)
                    if size > 0:
                        energy[a] += change
                        energy[b] -= change
                        clusters += 1
                        cluster_total += size
            for ladder in range(ladders):
                for k in range(sweep % 2, replicas - 1, 2):
                    a = slot[ladder, k]
                    b = slot[ladder, k + 1]
                    attempts[k] += 1
                    exponent = (ladder_betas[k] - ladder_betas[k + 1]) * (energy[a] - energy[b])
                    accepted = exponent >= 0.0
                    if not accepted and exponent > -_CUTOFF:
                        uniform, seed = _next_uniform(seed)
                        accepted = uniform < np.exp(exponent)
                    if accepted:
                        slot[ladder, k] = b
                        slot[ladder, k + 1] = a
                        accepts[k] += 1
                hottest = slot[ladder, 0]
                if direction[hottest] == _FROM_COLDEST:
                    direction[hottest] = _FROM_HOTTEST
                coldest = slot[ladder, replicas - 1]
                if direction[coldest] == _FROM_HOTTEST:
                    trips += 1
                if direction[coldest] != _FROM_COLDEST:
                    direction[coldest] = _FROM_COLDEST
            lowest = 0
            for m in range(1, rows):
                if energy[m] < energy[lowest]:
                    lowest = m
            if energy[lowest] < best:
                best = energy[lowest]
                best_states[r, :] = state[lowest]
            trace[r, sweep - first_sweep] = energy[slot[0, replicas - 1]]
        for m in range(rows):
            energies[r, m] = energy[m]
        for k in range(replicas - 1):
            exchange_attempts[r, k] += attempts[k]
            exchange_accepts[r, k] += accepts[k]
        round_trips[r] += trips
        cluster_counts[r] += clusters
        cluster_sizes[r] += cluster_total
        best_energies[r] = best
        seeds[r] = seed
        slots[r, :, :] = slot
        directions[r, :] = direction
        states[r, :, :] = state


@njit(cache=True, nogil=True)
def houdayer_pair(indptr, indices, data, thresholds, first, second, seed):
    """One Houdayer move on two replicas (in place), for tests: returns (first's energy change, size, seed)."""
    n = first.shape[0]
    first_drive = np.empty(n)
    second_drive = np.empty(n)
    _fields_and_energy(indptr, indices, data, thresholds, 0.0, first, first_drive)
    _fields_and_energy(indptr, indices, data, thresholds, 0.0, second, second_drive)
    for i in range(n):
        first_drive[i] -= thresholds[i]
        second_drive[i] -= thresholds[i]
    disagreeing = np.empty(n, dtype=np.int64)
    cluster = np.empty(n, dtype=np.int64)
    marked = np.zeros(n, dtype=np.uint8)
    return _houdayer_move(indptr, indices, data, first, second, first_drive, second_drive, disagreeing, cluster,
                          marked, seed)
