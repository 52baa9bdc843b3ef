"""numba kernels: the only compiled code in hopopt.

Kernels see plain arrays only (W in CSR form as ``indptr, indices, data``; θ; spin states as int8 in
{-1, +1}). Validation, timing, randomness set-up and packaging of results live in the Python solvers.

Randomness inside the kernels comes from one splitmix64 stream per restart, seeded from the restart's own
``numpy.random.Generator`` child. A restart's result therefore depends only on its seed, never on which
thread ran it or how many threads there are.
"""

import numba as nb
import numpy as np
from numba import njit, prange

# Metropolis: with β·ΔE above this the acceptance probability exp(-β·ΔE) < 1e-13, so the move is rejected
# without drawing a random number (this saves the exp and the draw for most moves at low temperature).
_METROPOLIS_CUTOFF = 30.0
# Glauber: 1/(1+exp(x)) is below 1e-17 past x = 40 and above 1 - 1e-17 below -40.
_GLAUBER_CUTOFF = 40.0

METROPOLIS = 0
GLAUBER = 1

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@njit(inline="always")
def _next_uniform(seed):
    """One step of a splitmix64 stream: return a float in [0, 1) and the advanced seed.

    The seed is kept in a local variable by the caller: writing it back to a shared array at every draw
    would make threads fight over one cache line (false sharing) and run several times slower.
    """
    seed = seed + _GOLDEN
    z = (seed ^ (seed >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)) * _TO_UNIT, seed


@njit(inline="always")
def _fields_and_energy(indptr, indices, data, thresholds, offset, state, fields):
    """Recompute h = W s exactly into ``fields``; return E(s)."""
    n = state.shape[0]
    energy = offset
    for i in range(n):
        total = 0.0
        for p in range(indptr[i], indptr[i + 1]):
            total += data[p] * state[indices[p]]
        fields[i] = total
        energy += state[i] * (thresholds[i] - 0.5 * total)
    return energy


@njit(inline="always")
def _flip(indptr, indices, data, state, fields, i):
    """Flip spin i and update the neighbours' local fields (h_j += -2 s_i W_ji)."""
    change = -2.0 * state[i]
    state[i] = -state[i]
    for p in range(indptr[i], indptr[i + 1]):
        fields[indices[p]] += change * data[p]


@njit(inline="always")
def _greedy_descent(indptr, indices, data, thresholds, state, fields, energy):
    """Sequential zero-temperature sweeps: flip every spin whose flip lowers E, until none does."""
    n = state.shape[0]
    improved = True
    while improved:
        improved = False
        for i in range(n):
            delta = 2.0 * state[i] * (fields[i] - thresholds[i])
            if delta < 0.0:
                _flip(indptr, indices, data, state, fields, i)
                energy += delta
                improved = True
    return energy


@njit(inline="always")
def _fill_acceptance_table(table, beta, cost_step, acceptance):
    """Acceptance probabilities of the flip costs k·cost_step, k = 0..; returns the largest k worth keeping.

    With integer-valued flip costs (every weight and threshold a multiple of one unit, as in most
    combinatorial encodings) the costs take few values, so one exp per value per sweep replaces one exp per
    proposal. The probabilities are the exact ones, not an approximation.
    """
    cutoff = _METROPOLIS_CUTOFF if acceptance == METROPOLIS else _GLAUBER_CUTOFF
    size = table.shape[0] - 1
    largest = size if beta * cost_step * size <= cutoff else int(cutoff / (beta * cost_step))
    for k in range(largest + 1):
        if acceptance == METROPOLIS:
            table[k] = np.exp(-beta * cost_step * k)
        else:
            table[k] = 1.0 / (1.0 + np.exp(beta * cost_step * k))
    return largest


@njit(parallel=True, cache=True, nogil=True)
def anneal_chunk(indptr, indices, data, thresholds, offset, betas, start, stop, acceptance, cost_step,
                 table_size, states, energies, best_states, best_energies, rng_state, trace):
    """Run sweeps ``start..stop-1`` of the schedule ``betas`` (Metropolis or Glauber) on every restart.

    ``states`` (R, n) int8 are updated in place; their local fields and energies are recomputed exactly at the
    start of each call, so rounding errors of the incremental updates never build up over a long run.
    ``best_states``/``best_energies`` keep the lowest end-of-sweep state of each restart. ``trace[r, k]``
    receives restart r's energy after sweep k. (Whole arrays and indices rather than slices are passed so
    that every call has the same array types and numba compiles the kernel once.)

    When ``cost_step > 0`` every flip cost is a multiple of it, at most ``table_size`` steps, and acceptance
    probabilities are looked up in a per-sweep table instead of calling exp for every proposal.
    """
    restarts, n = states.shape
    use_table = cost_step > 0.0
    for r in prange(restarts):
        # private copies: rows of a shared array written by two threads would share cache lines
        state = states[r].copy()
        fields = np.empty(n)
        energy = _fields_and_energy(indptr, indices, data, thresholds, offset, state, fields)
        # the kernel works with the drive h_i - θ_i: ΔE_i = 2 s_i drive_i, one load fewer per proposal
        for i in range(n):
            fields[i] -= thresholds[i]
        table = np.empty(table_size + 1)
        seed = rng_state[r]
        for k in range(start, stop):
            beta = betas[k]
            largest = 0
            if use_table:
                largest = _fill_acceptance_table(table, beta, cost_step, acceptance)
            for i in range(n):
                delta = 2.0 * state[i] * fields[i]
                if use_table:
                    steps = int(abs(delta) / cost_step + 0.5)
                    if acceptance == METROPOLIS:
                        if delta > 0.0:
                            if steps > largest:
                                continue
                            uniform, seed = _next_uniform(seed)
                            if uniform >= table[steps]:
                                continue
                    else:
                        if steps <= largest:
                            uniform, seed = _next_uniform(seed)
                            # P(flip) = 1/(1+exp(βΔE)); for ΔE < 0 that is 1 - table[|steps|]
                            probability = table[steps] if delta > 0.0 else 1.0 - table[steps]
                            if uniform >= probability:
                                continue
                        elif delta > 0.0:
                            continue
                elif acceptance == METROPOLIS:
                    if delta > 0.0:
                        scaled = beta * delta
                        if scaled > _METROPOLIS_CUTOFF:
                            continue
                        uniform, seed = _next_uniform(seed)
                        if uniform >= np.exp(-scaled):
                            continue
                else:
                    scaled = beta * delta
                    if scaled > _GLAUBER_CUTOFF:
                        continue
                    if scaled > -_GLAUBER_CUTOFF:
                        uniform, seed = _next_uniform(seed)
                        if uniform * (1.0 + np.exp(scaled)) >= 1.0:
                            continue
                _flip(indptr, indices, data, state, fields, i)
                energy += delta
            trace[r, k] = energy
            if energy < best_energies[r]:
                best_energies[r] = energy
                best_states[r, :] = state
        energies[r] = energy
        rng_state[r] = seed
        states[r, :] = state


@njit(parallel=True, cache=True, nogil=True)
def polish(indptr, indices, data, thresholds, offset, states, energies):
    """Greedy zero-temperature descent of every row of ``states`` to a local minimum (in place)."""
    restarts, n = states.shape
    for r in prange(restarts):
        fields = np.empty(n)
        energy = _fields_and_energy(indptr, indices, data, thresholds, offset, states[r], fields)
        _greedy_descent(indptr, indices, data, thresholds, states[r], fields, energy)
        # exact energy of the final state, not the incrementally updated one
        energies[r] = _fields_and_energy(indptr, indices, data, thresholds, offset, states[r], fields)


@njit(cache=True, nogil=True)
def async_descent(indptr, indices, data, thresholds, offset, state, orders, max_sweeps,
                  flipped, energy_after):
    """Deterministic asynchronous Hopfield updates ``s_i <- sgn(h_i - θ_i)`` (a tie keeps s_i).

    Sweep k visits the neurons in ``orders[k % len(orders)]``. Stops at a fixed point (a whole sweep without a
    flip) or after ``max_sweeps``. Records the index of every flip and the energy after it.

    Returns
    -------
    flips : int
        Number of flips recorded in ``flipped``/``energy_after``.
    sweeps : int
        Sweeps run, the last one being the flip-free sweep when converged.
    converged : bool
    """
    n = state.shape[0]
    fields = np.empty(n)
    energy = _fields_and_energy(indptr, indices, data, thresholds, offset, state, fields)
    flips = 0
    for sweep in range(max_sweeps):
        order = orders[sweep % orders.shape[0]]
        changed = False
        for position in range(n):
            i = order[position]
            drive = fields[i] - thresholds[i]
            # flip only when the sign of the drive disagrees with s_i; equivalent to ΔE < 0
            if drive * state[i] < 0.0:
                delta = 2.0 * state[i] * drive
                _flip(indptr, indices, data, state, fields, i)
                energy += delta
                flipped[flips] = i
                energy_after[flips] = energy
                flips += 1
                changed = True
        if not changed:
            return flips, sweep + 1, True
    return flips, max_sweeps, False


@njit(parallel=True, cache=True, nogil=True)
def brute_force(dense_weights, thresholds, offset, prefix_bits, tolerance):
    """Exhaustive minimum of E over all 2ⁿ spin states by Gray-code enumeration.

    The top ``prefix_bits`` spins are fixed per parallel block; the other spins are walked in Gray-code order,
    so each step flips one spin and costs O(n) to update the local fields.

    Returns
    -------
    best_energy : float
    best_code : int64
        Bit i set means s_i = +1.
    ground_count : int64
        Number of states within ``tolerance`` of the minimum (the ground-state degeneracy).
    """
    n = thresholds.shape[0]
    free_bits = n - prefix_bits
    blocks = 1 << prefix_bits
    block_best = np.empty(blocks)
    block_code = np.empty(blocks, dtype=np.int64)
    block_count = np.zeros(blocks, dtype=np.int64)
    block_minimum = np.empty(blocks)
    for block in prange(blocks):
        state = np.empty(n)
        for i in range(n):
            state[i] = -1.0
        for b in range(prefix_bits):
            if (block >> b) & 1:
                state[free_bits + b] = 1.0
        fields = np.zeros(n)
        for i in range(n):
            for j in range(n):
                fields[i] += dense_weights[i, j] * state[j]
        energy = offset
        for i in range(n):
            energy += state[i] * (thresholds[i] - 0.5 * fields[i])
        best = energy
        count = 1
        code = np.int64(0)
        best_code = np.int64(0)
        total = np.int64(1) << free_bits
        for step in range(1, total):
            # the bit that changes between Gray codes step-1 and step is the lowest set bit of step
            i = 0
            while not (step >> i) & 1:
                i += 1
            energy += 2.0 * state[i] * (fields[i] - thresholds[i])
            change = -2.0 * state[i]
            state[i] = -state[i]
            code ^= np.int64(1) << i
            for j in range(n):
                fields[j] += change * dense_weights[j, i]
            if energy < best - tolerance:
                best = energy
                count = 1
                best_code = code
            elif energy <= best + tolerance:
                count += 1
                if energy < best:
                    best = energy
                    best_code = code
        block_best[block] = best
        block_code[block] = best_code | (np.int64(block) << free_bits)
        block_count[block] = count
        block_minimum[block] = best
    overall = block_best.min()
    winner = np.argmin(block_best)
    ground = np.int64(0)
    for block in range(blocks):
        if block_minimum[block] <= overall + tolerance:
            ground += block_count[block]
    return overall, block_code[winner], ground


def set_threads(count):
    """Set the numba thread count (None: all cores numba was started with)."""
    nb.set_num_threads(nb.config.NUMBA_NUM_THREADS if count is None else int(count))
