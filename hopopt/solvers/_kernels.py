"""numba kernels: the only compiled code in hopopt.

Kernels see plain arrays only: W in CSR form as ``indptr, indices, data``; θ; states as int8 spins (±1) or
binary values (0/1), tours as int64 city orders; distance matrices. Validation, timing, randomness set-up
and packaging of results live in the Python solvers.

Randomness inside the kernels comes from one splitmix64 stream per restart, seeded from the restart's own
``numpy.random.Generator`` child. A restart's result therefore depends only on its seed, never on which
thread ran it or how many threads there are.
"""

import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.core import cgutils
from numba.extending import intrinsic

# Metropolis: with β·ΔE above this the acceptance probability exp(-β·ΔE) < 1e-13, so the move is rejected
# without drawing a random number (this saves the exp and the draw for most moves at low temperature).
_METROPOLIS_CUTOFF = 30.0
# Glauber: 1/(1+exp(x)) is below 1e-17 past x = 40 and above 1 - 1e-17 below -40.
_GLAUBER_CUTOFF = 40.0
# Zero-temperature polishes stop after this many passes even if rounding keeps finding "improvements";
# with exact arithmetic every pass lowers the energy, so real runs end long before.
_MAX_POLISH_PASSES = 10_000

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
    """Recompute h = W s exactly into ``fields``; return E(s) (the same formula serves spin and binary states)."""
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
    passes = 0
    while improved and passes < _MAX_POLISH_PASSES:
        improved = False
        passes += 1
        for i in range(n):
            delta = 2.0 * state[i] * (fields[i] - thresholds[i])
            if delta < 0.0:
                _flip(indptr, indices, data, state, fields, i)
                energy += delta
                improved = True
    return energy


@njit(inline="always")
def _distinct_pair(n, seed):
    """Two different indices in 0..n-1, uniformly among ordered pairs; returns (i, j, seed)."""
    uniform, seed = _next_uniform(seed)
    i = int(uniform * n)
    uniform, seed = _next_uniform(seed)
    j = int(uniform * (n - 1))
    if j >= i:
        j += 1
    return i, j, seed


@njit(inline="always")
def _accept(delta, beta, acceptance, seed):
    """Metropolis or Glauber decision for a move of cost ``delta``; returns (accepted, seed)."""
    if acceptance == METROPOLIS:
        if delta <= 0.0:
            return True, seed
        scaled = beta * delta
        if scaled > _METROPOLIS_CUTOFF:
            return False, seed
        uniform, seed = _next_uniform(seed)
        return uniform < np.exp(-scaled), seed
    scaled = beta * delta
    if scaled > _GLAUBER_CUTOFF:
        return False, seed
    if scaled < -_GLAUBER_CUTOFF:
        return True, seed
    uniform, seed = _next_uniform(seed)
    return uniform * (1.0 + np.exp(scaled)) < 1.0, seed


@njit(inline="always")
def _end_of_sweep(trace, r, k, energy, state, best_energies, best_states):
    """Record restart r's energy after sweep k and keep its state if it is the lowest so far."""
    trace[r, k] = energy
    if energy < best_energies[r]:
        best_energies[r] = energy
        best_states[r, :] = state


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
def anneal_chunk(indptr, indices, data, thresholds, offset, groups, betas, start, stop, acceptance, states, energies,
                 best_states, best_energies, rng_state, trace):
    """Run sweeps ``start..stop-1`` of the schedule ``betas`` (Metropolis or Glauber) on every restart.

    The general path, for real-valued couplings: one ``exp`` per random draw. (Models whose flip costs lie
    on a lattice take :func:`anneal_lattice_chunk`, which makes the same decisions from the same random
    numbers: exactly when the unit is a power of two, as for integer weights; otherwise β·ΔE may differ in
    its last bit, which can change a decision only when a draw falls within ~1e-16 of the probability.)

    ``states`` (R, n) int8 are updated in place; their local fields and energies are recomputed exactly at the
    start of each call, so rounding errors of the incremental updates never build up over a long run.
    ``best_states``/``best_energies`` keep the lowest end-of-sweep state of each restart. ``trace[r, k]``
    receives restart r's energy after sweep k. (Whole arrays and indices rather than slices are passed so
    that every call has the same array types and numba compiles the kernel once.) Unsigned ``indptr`` and
    ``indices`` (uint64, uint32) spare the neighbour loop numba's negative-index checks. Restarts
    ``groups[g]..groups[g+1]-1`` run together, as for :func:`anneal_lattice_chunk` (the same results).
    """
    restarts, n = states.shape
    for g in prange(groups.shape[0] - 1):
        first, active = groups[g], groups[g + 1] - groups[g]
        if active == 1:
            r = first
            # private copies: rows of a shared array written by two threads would share cache lines
            state = states[r].copy()
            fields = np.empty(n)
            energy = _fields_and_energy(indptr, indices, data, thresholds, offset, state, fields)
            # the kernel works with the drive h_i - θ_i: ΔE_i = 2 s_i drive_i, one load fewer per proposal
            for i in range(n):
                fields[i] -= thresholds[i]
            seed = rng_state[r]
            for k in range(start, stop):
                beta = betas[k]
                for i in range(n):
                    delta = 2.0 * state[i] * fields[i]
                    accepted, seed = _accept(delta, beta, acceptance, seed)
                    if not accepted:
                        continue
                    _flip(indptr, indices, data, state, fields, i)
                    energy += delta
                _end_of_sweep(trace, r, k, energy, state, best_energies, best_states)
            energies[r] = energy
            rng_state[r] = seed
            states[r, :] = state
        else:
            block_state = np.ones((n, LATTICE_LANES), dtype=np.int8)  # unused lanes stay still
            block_drive = np.zeros((n, LATTICE_LANES))
            seeds = np.zeros(LATTICE_LANES, dtype=np.uint64)
            block_energies = np.zeros(LATTICE_LANES)
            change = np.zeros(LATTICE_LANES)
            state = np.empty(n, dtype=np.int8)
            fields = np.empty(n)
            for lane in range(active):
                state[:] = states[first + lane]
                block_energies[lane] = _fields_and_energy(indptr, indices, data, thresholds, offset, state, fields)
                for i in range(n):
                    block_state[i, lane] = state[i]
                    block_drive[i, lane] = fields[i] - thresholds[i]
                seeds[lane] = rng_state[first + lane]
            for k in range(start, stop):
                _real_block_sweep(indptr, indices, data, betas[k], acceptance, block_state, block_drive, seeds, active,
                                  change, block_energies)
                for lane in range(active):
                    r = first + lane
                    trace[r, k] = block_energies[lane]
                    if block_energies[lane] < best_energies[r]:
                        best_energies[r] = block_energies[lane]
                        for i in range(n):
                            best_states[r, i] = block_state[i, lane]
            for lane in range(active):
                r = first + lane
                energies[r] = block_energies[lane]
                rng_state[r] = seeds[lane]
                for i in range(n):
                    states[r, i] = block_state[i, lane]


@njit(nogil=True, cache=True)
def _real_block_sweep(indptr, indices, data, beta, acceptance, state, drive, seeds, active, change, energies):
    """One sweep of :func:`anneal_chunk`'s moves on the first ``active`` lanes of a block (in place): the
    decisions lane by lane, then one 8 × float64 vector update per neighbour (``change`` is 0 in the lanes
    that did not flip: x - 0·w is exactly x). 1.2-1.5× the speed of the restarts alone on Gset with real
    weights."""
    n = state.shape[0]
    for i in range(n):
        flips = False
        for lane in range(active):
            s = state[i, lane]
            delta = 2.0 * s * drive[i, lane]
            accepted, seeds[lane] = _accept(delta, beta, acceptance, seeds[lane])
            if accepted:
                state[i, lane] = -s
                change[lane] = 2.0 * s
                energies[lane] += delta
                flips = True
            else:
                change[lane] = 0.0
        if flips:
            for p in range(indptr[i], indptr[i + 1]):
                _subtract_scaled_lanes(drive, indices[p], change, data[p])


# ---------------------------------------------------------------------------------------------- lattice anneal
# When every coupling and threshold is an integer multiple of one unit u (integer weights, ±1 graphs, most
# penalty encodings), the drives h_i - θ_i are integers in units of u and a flip costs ΔE_i = 2u·d_i with
# d_i = s_i (h_i - θ_i) an integer. The lattice kernel keeps int32 drives, looks the acceptance threshold of
# d up in a per-sweep table of integers and compares it with the raw 53 random bits, with no float
# arithmetic, division or exp per proposal. The decisions are exactly those of the exp path: a uniform
# u = b·2⁻⁵³ (b the 53-bit integer) satisfies u < p exactly when b < ⌈p·2⁵³⌉, and p·2⁵³ is exact.

# threshold of a move that is always accepted (above any 53-bit draw); 0 is "never"
_ALWAYS = np.int64(1) << np.int64(62)
_TWO_TO_53 = 9007199254740992.0


@njit(inline="always")
def _next_bits(seed):
    """One step of the splitmix64 stream of :func:`_next_uniform`, as its 53-bit integer (uniform = bits·2⁻⁵³)."""
    seed = seed + _GOLDEN
    z = (seed ^ (seed >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    z = z ^ (z >> np.uint64(31))
    return np.int64(z >> np.uint64(11)), seed


@njit(inline="always")
def _initial_thresholds(table, size, acceptance):
    """Entries below the centre (downhill moves) always accepted, above it never, until the first fill."""
    for k in range(2 * size + 1):
        table[k] = _ALWAYS if k < size or (k == size and acceptance == METROPOLIS) else 0


@njit(inline="always")
def _fill_thresholds(table, beta, cost_step, acceptance, size, filled):
    """Integer acceptance thresholds ``table[size + d]`` of the flip costs d·cost_step, d = -size..size.

    The entries with |d| ≤ ``largest`` (the returned value: the costs for which a random number is drawn)
    get ⌈P(accept)·2⁵³⌉; costs beyond it are never accepted uphill (0) and always downhill (``_ALWAYS``).
    Only entries up to ``filled`` (the previous sweep's ``largest``) need resetting. The probabilities and
    the cut-offs are those of :func:`_fill_acceptance_table` and :func:`_accept`.
    """
    cutoff = _METROPOLIS_CUTOFF if acceptance == METROPOLIS else _GLAUBER_CUTOFF
    largest = size if beta * cost_step * size <= cutoff else int(cutoff / (beta * cost_step))
    for k in range(largest + 1):
        if acceptance == METROPOLIS:
            table[size + k] = np.int64(np.ceil(np.exp(-beta * cost_step * k) * _TWO_TO_53))
        else:
            probability = 1.0 / (1.0 + np.exp(beta * cost_step * k))
            table[size + k] = np.int64(np.ceil(probability * _TWO_TO_53))
            table[size - k] = np.int64(np.ceil((1.0 - probability) * _TWO_TO_53))
    for k in range(largest + 1, filled + 1):
        table[size + k] = 0
        if acceptance != METROPOLIS:
            table[size - k] = _ALWAYS
    return largest


@njit(nogil=True, cache=True)
def _lattice_sweep(indptr, indices, weights, table, size, lowest, largest, state, drive, seed):
    """One sweep with a branch per decision: skips rejected moves early (dense graphs, where a flip costs
    many neighbour updates). A random number is drawn exactly for ``lowest < d ≤ largest``.

    Returns the change of the energy in units and the advanced seed. (A separate, not inlined function: in
    one body with the branch-free sweep, numba's code for this loop ran 15-30 % slower.)
    """
    n = state.shape[0]
    change_of_energy = np.int64(0)
    for i in range(n):
        s = state[i]
        d = s * drive[i]
        if d > lowest:
            if d > largest:
                continue
            bits, seed = _next_bits(seed)
            if bits >= table[size + d]:
                continue
        state[i] = -s
        change = 2 * s
        for p in range(indptr[i], indptr[i + 1]):
            drive[indices[p]] -= change * weights[p]
        change_of_energy += 2 * d
    return change_of_energy, seed


@njit(nogil=True, cache=True)
def _lattice_sweep_branch_free(indptr, indices, weights, table, size, lowest, largest, state, drive, seed):
    """The same sweep without a data-dependent branch: every proposal updates its neighbours with a change
    of 0 when rejected, and the stream advances only when :func:`_lattice_sweep` would draw, so both give
    identical results. On sparse graphs (few neighbours) this beats the mispredicted accept/reject branch.
    """
    n = state.shape[0]
    change_of_energy = np.int64(0)
    for i in range(n):
        s = state[i]
        d = s * drive[i]
        # the draw is computed every time (cheap); only a real draw moves the stream on
        z = seed + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _MIX1
        z = (z ^ (z >> np.uint64(27))) * _MIX2
        z = z ^ (z >> np.uint64(31))
        drawn = (d > lowest) & (d <= largest)
        seed += np.uint64(drawn) * _GOLDEN
        flipped = np.int64(z >> np.uint64(11)) < table[size + d]
        change = np.int32(2 * s * flipped)
        state[i] = s - change
        for p in range(indptr[i], indptr[i + 1]):
            drive[indices[p]] -= change * weights[p]
        change_of_energy += 2 * d * flipped
    return change_of_energy, seed


# Restarts annealed side by side in one thread: a block holds up to LATTICE_LANES restarts as the columns of
# (n, LATTICE_LANES) arrays, so one flip of spin i in several restarts updates each neighbour's drives with
# one vector operation, and the accept/reject decisions run branch-free. Every lane keeps its own random
# stream and makes the decisions it would make alone: results do not depend on how restarts are grouped.
LATTICE_LANES = 8


@intrinsic
def _subtract_scaled_lanes(typingctx, drive, row, change, weight):
    """``drive[row, :] -= change * weight`` on all LATTICE_LANES lanes as one vector operation.

    ``drive`` is a C-contiguous (n, LATTICE_LANES) int32 or float64 array, ``change`` an array of
    LATTICE_LANES values of the same type. Written as LLVM vector code because numba leaves its SLP
    vectoriser off and unrolls the plain 8-lane loop into scalar code (the vector form is ~2× faster on
    Gset G1 and G22).
    """
    signature = types.void(drive, row, change, weight)

    def codegen(context, builder, sig, args):
        drive_value, row_value, change_value, weight_value = args
        drive_array = context.make_array(sig.args[0])(context, builder, drive_value)
        change_array = context.make_array(sig.args[2])(context, builder, change_value)
        index = context.cast(builder, row_value, sig.args[1], types.intp)
        pointer = cgutils.get_item_pointer2(context, builder, data=drive_array.data,
                                            shape=cgutils.unpack_tuple(builder, drive_array.shape),
                                            strides=cgutils.unpack_tuple(builder, drive_array.strides),
                                            layout=sig.args[0].layout,
                                            inds=[index, ir.Constant(index.type, 0)], wraparound=False,
                                            boundscheck=False)
        element = sig.args[0].dtype
        real = isinstance(element, types.Float)
        vector = ir.VectorType(context.get_value_type(element), LATTICE_LANES)
        drive_pointer = builder.bitcast(pointer, vector.as_pointer())
        change_pointer = builder.bitcast(change_array.data, vector.as_pointer())
        scale = context.cast(builder, weight_value, sig.args[3], element)
        positions = ir.IntType(32)
        splat = builder.insert_element(ir.Constant(vector, ir.Undefined), scale, ir.Constant(positions, 0))
        splat = builder.shuffle_vector(splat, ir.Constant(vector, ir.Undefined),
                                       ir.Constant(ir.VectorType(positions, LATTICE_LANES), [0] * LATTICE_LANES))
        alignment = element.bitwidth // 8
        before = builder.load(drive_pointer, align=alignment)
        changes = builder.load(change_pointer, align=alignment)
        if real:
            after = builder.fsub(before, builder.fmul(changes, splat))
        else:
            after = builder.sub(before, builder.mul(changes, splat))
        builder.store(after, drive_pointer, align=alignment)
        return context.get_dummy_value()

    return signature, codegen


@njit(nogil=True, cache=True)
def _lattice_block_sweep(indptr, indices, weights, table, size, lowest, largest, state, drive, seeds, active, change,
                         units):
    """One sweep of :func:`_lattice_sweep_branch_free` on the first ``active`` lanes of a block (in place)."""
    n = state.shape[0]
    for i in range(n):
        flips = False
        for lane in range(active):
            s = state[i, lane]
            d = s * drive[i, lane]
            seed = seeds[lane]
            z = seed + _GOLDEN
            z = (z ^ (z >> np.uint64(30))) * _MIX1
            z = (z ^ (z >> np.uint64(27))) * _MIX2
            z = z ^ (z >> np.uint64(31))
            drawn = (d > lowest) & (d <= largest)
            seeds[lane] = seed + np.uint64(drawn) * _GOLDEN
            flipped = np.int64(z >> np.uint64(11)) < table[size + d]
            step = np.int32(2 * s * flipped)
            state[i, lane] = s - step
            change[lane] = step
            flips |= flipped
            units[lane] += 2 * d * flipped
        if flips:
            for p in range(indptr[i], indptr[i + 1]):
                _subtract_scaled_lanes(drive, indices[p], change, weights[p])


@njit(inline="always")
def _lattice_drives(indptr, indices, weights, thresholds, state, drive):
    """Integer drives h_i - θ_i (units) of one state into ``drive``; returns its energy in units."""
    n = state.shape[0]
    units = np.int64(0)
    for i in range(n):
        field = np.int64(0)
        for p in range(indptr[i], indptr[i + 1]):
            field += weights[p] * state[indices[p]]
        drive[i] = field - thresholds[i]
        units += state[i] * (2 * thresholds[i] - field)
    return units // 2  # Σ s_i h_i is even: the energy is a whole number of units


@njit(parallel=True, cache=True, nogil=True)
def anneal_lattice_chunk(indptr, indices, weights, thresholds, offset, unit, size, branch_free, groups, betas, start,
                         stop, acceptance, states, energies, best_states, best_energies, rng_state, trace):
    """:func:`anneal_chunk` for models on a lattice: W = unit·``weights``, θ = unit·``thresholds`` (integers).

    ``indptr`` uint64, ``indices`` uint32, ``weights`` int32, ``thresholds`` int64; ``size`` bounds every
    |h_i - θ_i| / unit. Drives are int32 and energies int64 counts of units (exact: E = offset + unit·Σ
    s_i (θ_i - h_i / 2)). Restarts ``groups[g]..groups[g+1]-1`` run together: a group of one restart alone
    (:func:`_lattice_sweep`, or :func:`_lattice_sweep_branch_free` when ``branch_free``), a larger one
    (at most ``LATTICE_LANES``) as the lanes of a block. Same arguments, results and random streams as
    :func:`anneal_chunk` on the same model, however the restarts are grouped.
    """
    restarts, n = states.shape
    cost_step = 2.0 * unit
    for g in prange(groups.shape[0] - 1):
        first, active = groups[g], groups[g + 1] - groups[g]
        table = np.empty(2 * size + 1, dtype=np.int64)
        _initial_thresholds(table, size, acceptance)
        filled = size
        if active == 1:
            r = first
            state = states[r].copy()  # private copies: rows of a shared array written by two threads
            drive = np.empty(n, dtype=np.int32)
            units = _lattice_drives(indptr, indices, weights, thresholds, state, drive)
            seed = rng_state[r]
            for k in range(start, stop):
                largest = _fill_thresholds(table, betas[k], cost_step, acceptance, size, filled)
                filled = largest
                # Metropolis draws for 0 < d ≤ largest, Glauber for |d| ≤ largest
                lowest = 0 if acceptance == METROPOLIS else -largest - 1
                if branch_free:
                    change, seed = _lattice_sweep_branch_free(indptr, indices, weights, table, size, lowest,
                                                              largest, state, drive, seed)
                else:
                    change, seed = _lattice_sweep(indptr, indices, weights, table, size, lowest, largest, state,
                                                  drive, seed)
                units += change
                _end_of_sweep(trace, r, k, offset + unit * units, state, best_energies, best_states)
            energies[r] = offset + unit * units
            rng_state[r] = seed
            states[r, :] = state
        else:
            block_state = np.ones((n, LATTICE_LANES), dtype=np.int8)  # unused lanes stay still
            block_drive = np.zeros((n, LATTICE_LANES), dtype=np.int32)
            seeds = np.zeros(LATTICE_LANES, dtype=np.uint64)
            block_units = np.zeros(LATTICE_LANES, dtype=np.int64)
            change = np.zeros(LATTICE_LANES, dtype=np.int32)
            state = np.empty(n, dtype=np.int8)
            drive = np.empty(n, dtype=np.int32)
            for lane in range(active):
                state[:] = states[first + lane]
                block_units[lane] = _lattice_drives(indptr, indices, weights, thresholds, state, drive)
                for i in range(n):
                    block_state[i, lane] = state[i]
                    block_drive[i, lane] = drive[i]
                seeds[lane] = rng_state[first + lane]
            for k in range(start, stop):
                largest = _fill_thresholds(table, betas[k], cost_step, acceptance, size, filled)
                filled = largest
                lowest = 0 if acceptance == METROPOLIS else -largest - 1
                _lattice_block_sweep(indptr, indices, weights, table, size, lowest, largest, block_state, block_drive,
                                     seeds, active, change, block_units)
                for lane in range(active):
                    r = first + lane
                    energy = offset + unit * block_units[lane]
                    trace[r, k] = energy
                    if energy < best_energies[r]:
                        best_energies[r] = energy
                        for i in range(n):
                            best_states[r, i] = block_state[i, lane]
            for lane in range(active):
                r = first + lane
                energies[r] = offset + unit * block_units[lane]
                rng_state[r] = seeds[lane]
                for i in range(n):
                    states[r, i] = block_state[i, lane]


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


@njit(inline="always")
def _reassign_cost(fields, thresholds, group_couplings, groups, g, old, new):
    """ΔE of moving group g's single 1 from member ``old`` to member ``new`` (binary model).

    Flipping x_old 1→0 and x_new 0→1: ΔE = (θ_new − h_new) − (θ_old − h_old) + W_old,new.
    """
    i = groups[g, old]
    j = groups[g, new]
    return (thresholds[j] - fields[j]) - (thresholds[i] - fields[i]) + group_couplings[g, old, new]


@njit(inline="always")
def _reassign(indptr, indices, data, state, fields, i, j):
    """Set x_i 1→0 and x_j 0→1, updating the local fields of their neighbours."""
    state[i] = 0
    state[j] = 1
    for p in range(indptr[i], indptr[i + 1]):
        fields[indices[p]] -= data[p]
    for p in range(indptr[j], indptr[j + 1]):
        fields[indices[p]] += data[p]


@njit(parallel=True, cache=True, nogil=True)
def anneal_onehot_chunk(indptr, indices, data, thresholds, offset, groups, group_couplings, betas, start, stop,
                        acceptance, states, energies, best_states, best_energies, rng_state, trace):
    """Sweeps of one-hot reassignment moves on a binary model whose variables form groups of one-hot.

    ``groups[g]`` lists the k variables of group g; in every state exactly one of them is 1. A move picks a
    group and another member uniformly and moves the 1 there (two flips), so every visited state keeps
    every group one-hot. One sweep proposes one move per variable. ``states`` (R, n) int8 binary.
    """
    restarts, n = states.shape
    group_count, size = groups.shape
    for r in prange(restarts):
        state = states[r].copy()
        fields = np.empty(n)
        energy = _fields_and_energy(indptr, indices, data, thresholds, offset, state, fields)
        position = np.empty(group_count, dtype=np.int64)  # which member of each group is on
        for g in range(group_count):
            position[g] = 0
            for a in range(size):
                if state[groups[g, a]] == 1:
                    position[g] = a
        seed = rng_state[r]
        for k in range(start, stop):
            beta = betas[k]
            for _ in range(n):
                uniform, seed = _next_uniform(seed)
                g = int(uniform * group_count)
                uniform, seed = _next_uniform(seed)
                new = int(uniform * (size - 1))
                old = position[g]
                if new >= old:
                    new += 1  # uniform over the other size - 1 members
                delta = _reassign_cost(fields, thresholds, group_couplings, groups, g, old, new)
                accepted, seed = _accept(delta, beta, acceptance, seed)
                if accepted:
                    _reassign(indptr, indices, data, state, fields, groups[g, old], groups[g, new])
                    position[g] = new
                    energy += delta
            _end_of_sweep(trace, r, k, energy, state, best_energies, best_states)
        energies[r] = energy
        rng_state[r] = seed
        states[r, :] = state


@njit(parallel=True, cache=True, nogil=True)
def polish_onehot(indptr, indices, data, thresholds, offset, groups, group_couplings, states, energies):
    """Zero-temperature one-hot reassignments: best move per group until no group can improve (in place)."""
    restarts, n = states.shape
    group_count, size = groups.shape
    for r in prange(restarts):
        state = states[r]
        fields = np.empty(n)
        _fields_and_energy(indptr, indices, data, thresholds, offset, state, fields)
        improved = True
        passes = 0
        while improved and passes < _MAX_POLISH_PASSES:
            improved = False
            passes += 1
            for g in range(group_count):
                old = 0
                for a in range(size):
                    if state[groups[g, a]] == 1:
                        old = a
                best, best_delta = old, 0.0
                for new in range(size):
                    if new != old:
                        delta = _reassign_cost(fields, thresholds, group_couplings, groups, g, old, new)
                        if delta < best_delta - 1e-12:
                            best, best_delta = new, delta
                if best != old:
                    _reassign(indptr, indices, data, state, fields, groups[g, old], groups[g, best])
                    improved = True
        energies[r] = _fields_and_energy(indptr, indices, data, thresholds, offset, state, fields)


@njit(inline="always")
def _tour_length(distances, tour):
    n = tour.shape[0]
    total = 0.0
    for p in range(n):
        total += distances[tour[p], tour[(p + 1) % n]]
    return total


@njit(inline="always")
def _reversal_cost(distances, tour, i, j):
    """Change of tour length when positions i..j (i < j, not the whole tour) are reversed (2-opt)."""
    n = tour.shape[0]
    before, first, last, after = tour[(i - 1) % n], tour[i], tour[j], tour[(j + 1) % n]
    return distances[before, last] + distances[first, after] - distances[before, first] - distances[last, after]


@njit(inline="always")
def _reverse(tour, i, j):
    """Reverse positions i..j of a cyclic tour, walking the shorter of the two equivalent arcs."""
    n = tour.shape[0]
    length = j - i + 1
    if 2 * length > n:
        # reversing the complement j+1..i-1 (cyclically) gives the same cycle, traversed the other way
        i, j = j + 1, i - 1 + n
        length = n - length
    for step in range(length // 2):
        a = (i + step) % n
        b = (j - step) % n
        tour[a], tour[b] = tour[b], tour[a]


@njit(inline="always")
def _exchange_cost(distances, tour, i, j):
    """Change of tour length when the cities at positions i < j trade places."""
    n = tour.shape[0]
    a, b = tour[i], tour[j]
    if j == i + 1 or (i == 0 and j == n - 1):
        if i == 0 and j == n - 1:
            i, j, a, b = j, i, b, a  # cyclically adjacent: b sits just before a
        before, after = tour[(i - 1) % n], tour[(j + 1) % n]
        return distances[before, b] + distances[a, after] - distances[before, a] - distances[b, after]
    pa, na, pb, nb = tour[(i - 1) % n], tour[(i + 1) % n], tour[(j - 1) % n], tour[(j + 1) % n]
    return (distances[pa, b] + distances[b, na] + distances[pb, a] + distances[a, nb]
            - distances[pa, a] - distances[a, na] - distances[pb, b] - distances[b, nb])


@njit(inline="always")
def _reverse_tracked(tour, position, i, j):
    """:func:`_reverse` that also keeps ``position[city]`` (the inverse of ``tour``) up to date."""
    n = tour.shape[0]
    length = j - i + 1
    if 2 * length > n:
        i, j = j + 1, i - 1 + n
        length = n - length
    for step in range(length // 2):
        a = (i + step) % n
        b = (j - step) % n
        tour[a], tour[b] = tour[b], tour[a]
        position[tour[a]] = a
        position[tour[b]] = b


@njit(parallel=True, cache=True, nogil=True)
def anneal_tour_chunk(distances, betas, start, stop, acceptance, reversal_share, proposals, tours, lengths,
                      best_tours, best_lengths, rng_state, trace):
    """Sweeps of permutation moves on tours: 2-opt segment reversal or exchange of two cities.

    Tours are permutations, so every state visited is a valid tour (a permutation matrix of the n×n
    encoding) and the energy changes by ``distances``-weighted tour length only: ``distances`` must already
    carry the encoding's scale. ``reversal_share`` is the probability of proposing a reversal; one sweep is
    ``proposals`` moves. ``tours`` (R, n) int64 are updated in place; ``trace[r, k]`` the length after
    sweep k.
    """
    restarts, n = tours.shape
    for r in prange(restarts):
        tour = tours[r].copy()
        length = _tour_length(distances, tour)
        seed = rng_state[r]
        for k in range(start, stop):
            beta = betas[k]
            for _ in range(proposals):
                i, j, seed = _distinct_pair(n, seed)
                if i > j:
                    i, j = j, i
                uniform, seed = _next_uniform(seed)
                if uniform < reversal_share:
                    if i == 0 and j == n - 1:
                        continue  # reversing the whole tour changes nothing
                    delta = _reversal_cost(distances, tour, i, j)
                    accepted, seed = _accept(delta, beta, acceptance, seed)
                    if accepted:
                        _reverse(tour, i, j)
                        length += delta
                else:
                    delta = _exchange_cost(distances, tour, i, j)
                    accepted, seed = _accept(delta, beta, acceptance, seed)
                    if accepted:
                        tour[i], tour[j] = tour[j], tour[i]
                        length += delta
            _end_of_sweep(trace, r, k, length, tour, best_lengths, best_tours)
        lengths[r] = length
        rng_state[r] = seed
        tours[r, :] = tour


@njit(parallel=True, cache=True, nogil=True)
def anneal_tour_candidates_chunk(distances, neighbours, betas, start, stop, acceptance, reversal_share,
                                 neighbour_share, proposals, tours, lengths, best_tours, best_lengths, rng_state,
                                 trace):
    """:func:`anneal_tour_chunk` with candidate lists, for large tours.

    With probability ``neighbour_share`` a proposal is the 2-opt move that makes a random city adjacent to one
    of its nearest cities (``neighbours[city]``, the candidate lists of Lin–Kernighan-style local search);
    otherwise, as in :func:`anneal_tour_chunk`, a reversal of a uniformly random segment (share
    ``reversal_share`` of the rest) or an exchange of two random cities. The position of every city is kept
    alongside the tour. ``tours`` (R, n) int64 are updated in place; ``trace[r, k]`` the length after sweep k.
    """
    restarts, n = tours.shape
    nearest = neighbours.shape[1]
    for r in prange(restarts):
        tour = tours[r].copy()
        position = np.empty(n, dtype=np.int64)
        for p in range(n):
            position[tour[p]] = p
        length = _tour_length(distances, tour)
        seed = rng_state[r]
        for k in range(start, stop):
            beta = betas[k]
            for _ in range(proposals):
                # one draw picks the kind of move: candidate-list 2-opt, uniform 2-opt or exchange
                choice, seed = _next_uniform(seed)
                if choice < neighbour_share:
                    uniform, seed = _next_uniform(seed)
                    i = int(uniform * n)
                    uniform, seed = _next_uniform(seed)
                    j = position[neighbours[tour[i], int(uniform * nearest)]]
                    # reverse the stretch between them so that the two cities become neighbours on the tour
                    if i < j:
                        low, high = i + 1, j
                    else:
                        low, high = j + 1, i
                    if low >= high:
                        continue  # already adjacent
                    delta = _reversal_cost(distances, tour, low, high)
                    accepted, seed = _accept(delta, beta, acceptance, seed)
                    if accepted:
                        _reverse_tracked(tour, position, low, high)
                        length += delta
                    continue
                i, j, seed = _distinct_pair(n, seed)
                if i > j:
                    i, j = j, i
                if choice - neighbour_share < reversal_share * (1.0 - neighbour_share):
                    if i == 0 and j == n - 1:
                        continue  # reversing the whole tour changes nothing
                    delta = _reversal_cost(distances, tour, i, j)
                    accepted, seed = _accept(delta, beta, acceptance, seed)
                    if accepted:
                        _reverse_tracked(tour, position, i, j)
                        length += delta
                else:
                    delta = _exchange_cost(distances, tour, i, j)
                    accepted, seed = _accept(delta, beta, acceptance, seed)
                    if accepted:
                        tour[i], tour[j] = tour[j], tour[i]
                        position[tour[i]] = i
                        position[tour[j]] = j
                        length += delta
            _end_of_sweep(trace, r, k, length, tour, best_lengths, best_tours)
        lengths[r] = length
        rng_state[r] = seed
        tours[r, :] = tour


@njit(parallel=True, cache=True, nogil=True)
def polish_tours(distances, tours, lengths):
    """Zero-temperature sweeps of the same moves (2-opt reversal, exchange) until none shortens the tour."""
    restarts, n = tours.shape
    for r in prange(restarts):
        tour = tours[r]
        improved = True
        passes = 0
        while improved and passes < _MAX_POLISH_PASSES:
            improved = False
            passes += 1
            for i in range(n - 1):
                for j in range(i + 1, n):
                    if not (i == 0 and j == n - 1):
                        if _reversal_cost(distances, tour, i, j) < -1e-9:
                            _reverse(tour, i, j)
                            improved = True
                            continue
                    if _exchange_cost(distances, tour, i, j) < -1e-9:
                        tour[i], tour[j] = tour[j], tour[i]
                        improved = True
        lengths[r] = _tour_length(distances, tour)


# ---------------------------------------------------------------------------------------------- assignments
# A permutation encoding on an m×m grid of neurons (row r, column perm[r]) whose energy on permutation
# matrices is  Σ_k Σ_{r≠s} first[k,r,s]·second[k,perm[r],perm[s]] + Σ_r linear[r,perm[r]]  (+ a constant):
# the Kronecker factors of W (hopopt.structured) with -1/2 folded into ``first``, and θ as ``linear``.
@njit(inline="always")
def _assignment_energy(first, second, linear, perm):
    terms, m = first.shape[0], perm.shape[0]
    total = 0.0
    for r in range(m):
        total += linear[r, perm[r]]
        for k in range(terms):
            for s in range(m):
                if s != r:
                    total += first[k, r, s] * second[k, perm[r], perm[s]]
    return total


@njit(inline="always")
def _assignment_exchange_cost(first, second, linear, perm, u, v, symmetric):
    """Energy change when rows u ≠ v trade columns, O(terms · m).

    With every factor symmetric (``symmetric``; most QAPLIB instances) the four products per row of the
    general formula collapse into one: ΔE = Σ_k Σ_s 2 (F[u,s] − F[v,s]) (S[b,c] − S[a,c]), c = perm[s].
    """
    a, b = perm[u], perm[v]
    delta = linear[u, b] + linear[v, a] - linear[u, a] - linear[v, b]
    for k in range(first.shape[0]):
        if symmetric:
            total = 0.0
            for s in range(perm.shape[0]):
                if s == u or s == v:
                    continue
                c = perm[s]
                total += (first[k, u, s] - first[k, v, s]) * (second[k, b, c] - second[k, a, c])
            delta += 2.0 * total
            continue
        for s in range(perm.shape[0]):
            if s == u or s == v:
                continue
            c = perm[s]
            delta += (first[k, u, s] * (second[k, b, c] - second[k, a, c])
                      + first[k, s, u] * (second[k, c, b] - second[k, c, a])
                      + first[k, v, s] * (second[k, a, c] - second[k, b, c])
                      + first[k, s, v] * (second[k, c, a] - second[k, c, b]))
        delta += (first[k, u, v] - first[k, v, u]) * (second[k, b, a] - second[k, a, b])
    return delta


@njit(parallel=True, cache=True, nogil=True)
def anneal_assignment_chunk(first, second, linear, symmetric, betas, start, stop, acceptance, proposals, perms,
                            energies, best_perms, best_energies, rng_state, trace):
    """Sweeps of exchange moves (two rows trade columns) on permutations; every state stays a permutation.

    ``perms`` (R, m) int64 are updated in place; ``trace[r, k]`` is the energy (without the model's
    constant) after sweep k; one sweep is ``proposals`` moves.
    """
    restarts, m = perms.shape
    for r in prange(restarts):
        perm = perms[r].copy()
        energy = _assignment_energy(first, second, linear, perm)
        seed = rng_state[r]
        for k in range(start, stop):
            beta = betas[k]
            for _ in range(proposals):
                u, v, seed = _distinct_pair(m, seed)
                delta = _assignment_exchange_cost(first, second, linear, perm, u, v, symmetric)
                accepted, seed = _accept(delta, beta, acceptance, seed)
                if accepted:
                    perm[u], perm[v] = perm[v], perm[u]
                    energy += delta
            _end_of_sweep(trace, r, k, energy, perm, best_energies, best_perms)
        energies[r] = energy
        rng_state[r] = seed
        perms[r, :] = perm


@njit(parallel=True, cache=True, nogil=True)
def polish_assignments(first, second, linear, symmetric, perms, energies):
    """Exchanges that lower the energy, first improvement, until none does."""
    restarts, m = perms.shape
    for r in prange(restarts):
        perm = perms[r]
        improved = True
        passes = 0
        while improved and passes < _MAX_POLISH_PASSES:
            improved = False
            passes += 1
            for u in range(m - 1):
                for v in range(u + 1, m):
                    if _assignment_exchange_cost(first, second, linear, perm, u, v, symmetric) < -1e-9:
                        perm[u], perm[v] = perm[v], perm[u]
                        improved = True
        energies[r] = _assignment_energy(first, second, linear, perm)


# The same moves on a model given as a plain matrix that declares a permutation structure: ΔE from W itself,
# with the local fields of the four neurons that change computed on the fly (W dense, m² × m²).
@njit(inline="always")
def _permutation_field(weights, perm, i):
    m = perm.shape[0]
    total = 0.0
    for s in range(m):
        total += weights[i, s * m + perm[s]]
    return total


@njit(inline="always")
def _matrix_energy(weights, thresholds, perm):
    m = perm.shape[0]
    total = 0.0
    for r in range(m):
        i = r * m + perm[r]
        total += thresholds[i] - 0.5 * _permutation_field(weights, perm, i)
    return total


@njit(cache=True, nogil=True)
def assignment_exchange_cost(first, second, linear, perm, u, v, symmetric):
    """:func:`_assignment_exchange_cost` callable from Python and cached (the engine's β range asks for it): the
    inline helper compiled afresh in every process, most of a second of a QAP solve's deadline."""
    return _assignment_exchange_cost(first, second, linear, perm, u, v, symmetric)


@njit(inline="always")
def _matrix_exchange_cost(weights, thresholds, perm, u, v):
    """ΔE of rows u, v trading columns: Σ δ_i (θ_i − h_i) − ½ Σ_{i≠j} W_ij δ_i δ_j over the four changes."""
    m = perm.shape[0]
    off_u, off_v = u * m + perm[u], v * m + perm[v]
    on_u, on_v = u * m + perm[v], v * m + perm[u]
    delta = (thresholds[on_u] + thresholds[on_v] - thresholds[off_u] - thresholds[off_v]
             - _permutation_field(weights, perm, on_u) - _permutation_field(weights, perm, on_v)
             + _permutation_field(weights, perm, off_u) + _permutation_field(weights, perm, off_v))
    return delta - (weights[off_u, off_v] + weights[on_u, on_v] - weights[off_u, on_u] - weights[off_u, on_v]
                    - weights[off_v, on_u] - weights[off_v, on_v])


@njit(cache=True, nogil=True)
def matrix_exchange_cost(weights, thresholds, perm, u, v):
    """:func:`_matrix_exchange_cost` callable from Python and cached, as :func:`assignment_exchange_cost`."""
    return _matrix_exchange_cost(weights, thresholds, perm, u, v)


@njit(parallel=True, cache=True, nogil=True)
def anneal_matrix_exchange_chunk(weights, thresholds, betas, start, stop, acceptance, proposals, perms, energies,
                                 best_perms, best_energies, rng_state, trace):
    """:func:`anneal_assignment_chunk` with ΔE read from a dense binary W and θ (the generic, slower path)."""
    restarts, m = perms.shape
    for r in prange(restarts):
        perm = perms[r].copy()
        energy = _matrix_energy(weights, thresholds, perm)
        seed = rng_state[r]
        for k in range(start, stop):
            beta = betas[k]
            for _ in range(proposals):
                u, v, seed = _distinct_pair(m, seed)
                delta = _matrix_exchange_cost(weights, thresholds, perm, u, v)
                accepted, seed = _accept(delta, beta, acceptance, seed)
                if accepted:
                    perm[u], perm[v] = perm[v], perm[u]
                    energy += delta
            _end_of_sweep(trace, r, k, energy, perm, best_energies, best_perms)
        energies[r] = energy
        rng_state[r] = seed
        perms[r, :] = perm


@njit(parallel=True, cache=True, nogil=True)
def polish_matrix_exchanges(weights, thresholds, perms, energies):
    """Exchanges that lower the energy (ΔE from W), first improvement, until none does."""
    restarts, m = perms.shape
    for r in prange(restarts):
        perm = perms[r]
        improved = True
        passes = 0
        while improved and passes < _MAX_POLISH_PASSES:
            improved = False
            passes += 1
            for u in range(m - 1):
                for v in range(u + 1, m):
                    if _matrix_exchange_cost(weights, thresholds, perm, u, v) < -1e-9:
                        perm[u], perm[v] = perm[v], perm[u]
                        improved = True
        energies[r] = _matrix_energy(weights, thresholds, perm)


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


# ---------------------------------------------------------------------------------------------- exact TSP
@njit(parallel=True, cache=True, nogil=True)
def held_karp_levels(distances, costs, masks, level_starts, first_level, stop_level, parallel_from):
    """Held–Karp dynamic programme, subset sizes ``first_level..stop_level-1`` (in place on ``costs``).

    City 0 is the fixed start; bit j of a mask stands for city j + 1. ``costs[mask, j]`` is the length of
    the shortest path that leaves city 0, visits exactly the cities of ``mask`` and ends at city j + 1
    (bit j set). ``masks[level_starts[k]:level_starts[k+1]]`` are the masks with k bits, so that all masks
    of one level depend only on the level before and can be filled in parallel. Level 1 is set by the caller.

    Only levels with at least ``parallel_from`` masks are spread over threads: starting a parallel region
    costs far more than a small level's work, above all when the other cores are busy.
    """
    for level in range(first_level, stop_level):
        begin, end = level_starts[level], level_starts[level + 1]
        if end - begin >= parallel_from:
            for position in prange(begin, end):
                _held_karp_subset(distances, costs, masks[position])
        else:
            for position in range(begin, end):
                _held_karp_subset(distances, costs, masks[position])


@njit(inline="always")
def _held_karp_subset(distances, costs, mask):
    """Fill ``costs[mask, j]`` for every city j + 1 of the subset from the table of the subsets one smaller."""
    others = costs.shape[1]
    for last in range(others):
        if not (mask >> last) & 1:
            continue
        previous = mask ^ (np.int64(1) << last)
        best = np.inf
        for before in range(others):
            if (previous >> before) & 1:
                value = costs[previous, before] + distances[before + 1, last + 1]
                if value < best:
                    best = value
        costs[mask, last] = best


# ---------------------------------------------------------------------------------------------- exact coloring
# search state codes shared with hopopt.solvers.exact_coloring
COLORING_EXHAUSTED = 0
COLORING_FOUND = 1
COLORING_BUDGET = 2


@njit(inline="always")
def _assign_colour(indptr, indices, vertex, colour_value, colours, conflicts, saturation, free_degree):
    colours[vertex] = colour_value
    for p in range(indptr[vertex], indptr[vertex + 1]):
        neighbour = indices[p]
        free_degree[neighbour] -= 1
        conflicts[neighbour, colour_value] += 1
        if conflicts[neighbour, colour_value] == 1:
            saturation[neighbour] += 1


@njit(inline="always")
def _remove_colour(indptr, indices, vertex, colour_value, colours, conflicts, saturation, free_degree):
    colours[vertex] = -1
    for p in range(indptr[vertex], indptr[vertex + 1]):
        neighbour = indices[p]
        free_degree[neighbour] += 1
        conflicts[neighbour, colour_value] -= 1
        if conflicts[neighbour, colour_value] == 0:
            saturation[neighbour] -= 1


@njit(cache=True, nogil=True)
def coloring_search(indptr, indices, colours, conflicts, saturation, free_degree, order, tried, used_before,
                    state, node_budget):
    """Resumable DSATUR depth-first search for a coloring with at most ``conflicts.shape[1]`` colours.

    The graph is CSR (``indptr``, ``indices``, each edge in both rows, no self-loops). The whole search
    state lives in the arrays, so the caller can run it in slices of ``node_budget`` branchings and check its
    clock in between (numba code cannot read the time). ``state = [depth, colours in use, phase, fixed,
    branchings so far]``: ``phase`` 0 means "choose the next vertex", 1 "try the next colour at ``depth``";
    the first ``fixed`` depths (a pre-coloured clique, set by the caller) are never undone.

    Branching: the uncoloured vertex with the most distinct neighbour colours (ties: most uncoloured
    neighbours) gets each colour that no neighbour has, among those in use plus one new colour (new colours
    are interchangeable, so trying one of them is enough). A vertex that sees every colour ends the branch.

    Returns
    -------
    int
        COLORING_FOUND (``colours`` holds a coloring), COLORING_EXHAUSTED (none exists; proven) or
        COLORING_BUDGET (stopped after ``node_budget`` branchings; call again to go on).
    """
    n = colours.shape[0]
    limit = conflicts.shape[1]
    depth = state[0]
    in_use = state[1]
    phase = state[2]
    fixed = state[3]
    nodes = 0
    while True:
        if phase == 0:
            if depth == n:
                state[0], state[1], state[2] = depth, in_use, phase
                state[4] += nodes
                return COLORING_FOUND
            chosen = -1
            best_saturation = -1
            best_degree = -1
            for vertex in range(n):
                if colours[vertex] < 0:
                    if saturation[vertex] > best_saturation or (
                            saturation[vertex] == best_saturation and free_degree[vertex] > best_degree):
                        chosen = vertex
                        best_saturation = saturation[vertex]
                        best_degree = free_degree[vertex]
            order[depth] = chosen
            tried[depth] = -1
            used_before[depth] = in_use
            phase = 1
            if best_saturation >= limit:
                # no colour left for this vertex: go straight to backtracking (the loop below finds no colour)
                tried[depth] = limit
        # phase 1: next colour for the vertex at this depth, or backtrack
        vertex = order[depth]
        stop = min(limit, used_before[depth] + 1)
        colour_value = tried[depth] + 1
        while colour_value < stop and conflicts[vertex, colour_value] > 0:
            colour_value += 1
        if colour_value < stop:
            if nodes >= node_budget:
                state[0], state[1], state[2] = depth, in_use, phase
                state[4] += nodes
                return COLORING_BUDGET
            nodes += 1
            tried[depth] = colour_value
            _assign_colour(indptr, indices, vertex, colour_value, colours, conflicts, saturation, free_degree)
            in_use = max(used_before[depth], colour_value + 1)
            depth += 1
            phase = 0
        else:
            depth -= 1
            if depth < fixed:
                state[0], state[1], state[2] = fixed, in_use, 1
                state[4] += nodes
                return COLORING_EXHAUSTED
            vertex = order[depth]
            _remove_colour(indptr, indices, vertex, tried[depth], colours, conflicts, saturation, free_degree)
            in_use = used_before[depth]
            phase = 1
