"""numba kernels of the colouring solver: k-colourings over a ladder of temperatures, conflict-directed moves.

The kernels see a graph as CSR adjacency (``offsets``, ``neighbours``: node v's neighbours are
``neighbours[offsets[v]:offsets[v + 1]]``) and colourings as int64 arrays of colours 0..k-1, one per node.
A colouring is a one-hot state of the colouring model (node v's 1 sits at colour ``colour[v]``); its energy in
units of the conflict weight is the number of edges whose two ends share a colour.

Bookkeeping of one colouring (rebuilt at the start of every call, so nothing but the colourings has to be
carried between calls):

* ``counts[v, c]``: neighbours of v with colour c. Recolouring v from ``old`` to ``new`` costs
  ``counts[v, new] − counts[v, old]`` conflicts, and updates the counts of v's neighbours only.
* ``conflicted[:size]``: the nodes with at least one neighbour of their own colour, and ``slot[v]`` the
  position of v in that list (−1 when v is not in conflict), so a uniformly random conflicting node is one
  draw and the list is updated in O(1) per changed node. Within a round the order is whatever the updates
  leave; every round starts from node order, so splitting the rounds over calls changes nothing.

Randomness: one splitmix64 stream per ladder (``_next_uniform`` of :mod:`hopopt.solvers._kernels`), held in a
local variable, seeded from the ladder's own ``numpy.random.Generator`` child: a ladder's result depends only on
its seed, never on the threads.
"""

import numpy as np
from numba import njit, prange

from ._kernels import _next_uniform



@njit(inline="always")
def _acceptance_table(beta, offsets):
    """exp(-β·d) for d = 0..Δ: a recolouring adds at most Δ (the largest degree) conflicts."""
    largest = 0
    for v in range(offsets.shape[0] - 1):
        largest = max(largest, offsets[v + 1] - offsets[v])
    table = np.empty(largest + 1)
    for d in range(largest + 1):
        table[d] = np.exp(-beta * d)
    return table


@njit(inline="always")
def _build(offsets, neighbours, colours, counts, slot, conflicted):
    """Fill ``counts``, ``slot`` and ``conflicted`` for ``colours``; return (conflicting nodes, conflicts)."""
    n = colours.shape[0]
    counts[:, :] = 0
    for v in range(n):
        for p in range(offsets[v], offsets[v + 1]):
            counts[v, colours[neighbours[p]]] += 1
    size = 0
    twice = 0
    for v in range(n):
        own = counts[v, colours[v]]
        if own > 0:
            slot[v] = size
            conflicted[size] = v
            size += 1
            twice += own
        else:
            slot[v] = -1
    return size, twice // 2


@njit(inline="always")
def _leave(v, slot, conflicted, size):
    """Remove v from the conflicting list; return the new size."""
    position = slot[v]
    last = conflicted[size - 1]
    conflicted[position] = last
    slot[last] = position
    slot[v] = -1
    return size - 1


@njit(inline="always")
def _sort_conflicted(slot, conflicted):
    """Reorder the conflicting list by node index (the order _build gives it)."""
    size = 0
    for v in range(slot.shape[0]):
        if slot[v] >= 0:
            slot[v] = size
            conflicted[size] = v
            size += 1


@njit(inline="always")
def _recolour(offsets, neighbours, colours, counts, slot, conflicted, size, v, new):
    """Give node v colour ``new``, updating the counts and the conflicting list; return the new list size."""
    old = colours[v]
    colours[v] = new
    for p in range(offsets[v], offsets[v + 1]):
        u = neighbours[p]
        counts[u, old] -= 1
        counts[u, new] += 1
        own = colours[u]
        if own == old and counts[u, old] == 0 and slot[u] >= 0:
            size = _leave(u, slot, conflicted, size)
        elif own == new and counts[u, new] == 1 and slot[u] < 0:
            slot[u] = size
            conflicted[size] = u
            size += 1
    in_conflict = counts[v, new] > 0
    if in_conflict and slot[v] < 0:
        slot[v] = size
        conflicted[size] = v
        size += 1
    elif not in_conflict and slot[v] >= 0:
        size = _leave(v, slot, conflicted, size)
    return size


@njit(inline="always")
def _conflict_move(offsets, neighbours, colours, counts, slot, conflicted, size, colour_count, table, seed):
    """One Metropolis step: a uniformly random conflicting node to a uniformly random other colour, accepted
    with probability min(1, exp(-β ΔE)) (``table[d] = exp(-β d)``).

    Returns (ΔE in conflicts, 0 when rejected; the new list size; the seed). ``size`` must be > 0.
    """
    uniform, seed = _next_uniform(seed)
    v = conflicted[min(int(uniform * size), size - 1)]
    old = colours[v]
    uniform, seed = _next_uniform(seed)
    new = int(uniform * (colour_count - 1))
    if new >= old:
        new += 1  # uniform over the k - 1 other colours
    delta = counts[v, new] - counts[v, old]
    if delta > 0:
        uniform, seed = _next_uniform(seed)
        if uniform >= table[delta]:
            return 0, size, seed
    size = _recolour(offsets, neighbours, colours, counts, slot, conflicted, size, v, new)
    return delta, size, seed


@njit(parallel=True, cache=True, nogil=True)
def temper_coloring_chunk(offsets, neighbours, colour_count, betas, exchange, sweeps, moves_per_sweep, states,
                          energies, best_states, best_energies, sweeps_done, seeds, swaps, trace):
    """``sweeps`` rounds of Metropolis chains (with optional replica exchange) on independent ladders of
    k-colourings.

    Parameters
    ----------
    offsets, neighbours : int64 arrays
        The graph in CSR form.
    colour_count : int
        k (≥ 2).
    betas : float64 array, shape (M,)
        Inverse temperatures per conflict, one per rung, hottest first.
    exchange : bool
        Whether, after each round, neighbouring rungs (M-2, M-1), (M-3, M-2), ..., (0, 1) exchange their
        colourings with probability min(1, exp((β_i − β_j)(E_i − E_j))) (parallel tempering); without it
        the rungs are independent chains at fixed temperatures.
    sweeps, moves_per_sweep : int
        Rounds, and Metropolis steps per replica per round (each: a uniformly random conflicting node to a
        uniformly random other colour, accepted with probability min(1, exp(-β ΔE))).
    states : int64 array, shape (R, M, n)
        Colourings, rung by rung (read, and written back with the colouring every rung holds at the end).
    energies : int64 array, shape (R, M)
        Written: the conflicts of every rung's colouring.
    best_states, best_energies : shape (R, n) and (R,)
        Per ladder, the fewest-conflict colouring seen at the end of a round (or the moment a colouring
        without conflict appears), kept across calls: replaced only on strict improvement.
    sweeps_done : int64 array, shape (R,)
        Rounds run per ladder, added to; it stops growing once the ladder has a colouring without conflict.
    seeds : uint64 array, shape (R,)
        splitmix64 state per ladder (read and written).
    swaps : int64 array, shape (R, M - 1)
        Accepted exchanges between rungs i and i + 1, added to.
    trace : float64 array, shape (R, sweeps)
        Written: the ladder's fewest conflicts so far after each round (0 from the round that found a proper
        colouring on).

    A ladder stops at its first colouring without conflict: no state has lower energy. Splitting the rounds
    over several calls gives the same result as one call.
    """
    ladders, rungs, n = states.shape
    first = _acceptance_table(betas[0], offsets)
    table = np.empty((rungs, first.shape[0]))
    for m in range(rungs):
        table[m, :] = _acceptance_table(betas[m], offsets)
    for r in prange(ladders):
        seed = seeds[r]
        colours = states[r].copy()
        counts = np.empty((rungs, n, colour_count), dtype=np.int32)
        slot = np.empty((rungs, n), dtype=np.int64)
        conflicted = np.empty((rungs, n), dtype=np.int64)
        sizes = np.empty(rungs, dtype=np.int64)
        energy = np.empty(rungs, dtype=np.int64)
        # the replica each rung holds: an exchange swaps two entries instead of two colourings
        replica = np.arange(rungs)
        for m in range(rungs):
            sizes[m], energy[m] = _build(offsets, neighbours, colours[m], counts[m], slot[m], conflicted[m])
        solved = best_energies[r] == 0.0
        for sweep in range(sweeps):
            if solved:
                trace[r, sweep] = 0.0
                continue
            sweeps_done[r] += 1
            for m in range(rungs):
                a = replica[m]
                # the replica's arrays taken once per round, not once per move
                own_colours, own_counts, own_slot = colours[a], counts[a], slot[a]
                own_conflicted, own_table = conflicted[a], table[m]
                size, conflicts = sizes[a], energy[a]
                # the list in node order at the start of every round, as _build makes it: a chain then goes
                # the same way however its rounds are split into calls
                _sort_conflicted(own_slot, own_conflicted)
                for _ in range(moves_per_sweep):
                    if size == 0:
                        break
                    delta, size, seed = _conflict_move(offsets, neighbours, own_colours, own_counts, own_slot,
                                                       own_conflicted, size, colour_count, own_table, seed)
                    conflicts += delta
                sizes[a], energy[a] = size, conflicts
                if conflicts == 0:
                    best_states[r, :] = own_colours
                    best_energies[r] = 0.0
                    solved = True
                    break
            if solved:
                trace[r, sweep] = 0.0
                continue
            # exchanges from the cold end down, so a good colouring can travel several rungs in one round
            for m in range(rungs - 2, -1, -1):
                if not exchange:
                    break
                a, b = replica[m], replica[m + 1]
                log_ratio = (betas[m] - betas[m + 1]) * (energy[a] - energy[b])
                accept = log_ratio >= 0.0
                if not accept:
                    uniform, seed = _next_uniform(seed)
                    accept = uniform < np.exp(log_ratio)
                if accept:
                    replica[m], replica[m + 1] = b, a
                    swaps[r, m] += 1
            lowest, holder = energy[0], 0
            for a in range(1, rungs):
                if energy[a] < lowest:
                    lowest, holder = energy[a], a
            if lowest < best_energies[r]:
                best_energies[r] = lowest
                best_states[r, :] = colours[holder]
            trace[r, sweep] = best_energies[r]
        for m in range(rungs):
            states[r, m, :] = colours[replica[m]]
            energies[r, m] = energy[replica[m]]
        seeds[r] = seed


@njit(cache=True, nogil=True)
def audit_moves(offsets, neighbours, colour_count, beta, moves, colours, seed):
    """Metropolis conflict moves on one colouring, checking the bookkeeping after every accepted move (tests).

    Returns the number of moves after which the counts, the conflicting list, the running energy or the
    colour range disagreed with a recomputation from scratch (0 when the bookkeeping is right), and the
    number of moves that changed the energy. ``colours`` is changed in place.
    """
    n = colours.shape[0]
    table = _acceptance_table(beta, offsets)
    counts = np.empty((n, colour_count), dtype=np.int32)
    slot = np.empty(n, dtype=np.int64)
    conflicted = np.empty(n, dtype=np.int64)
    size, energy = _build(offsets, neighbours, colours, counts, slot, conflicted)
    fresh_counts = np.empty((n, colour_count), dtype=np.int32)
    fresh_slot = np.empty(n, dtype=np.int64)
    fresh_conflicted = np.empty(n, dtype=np.int64)
    errors = 0
    accepted = 0
    for _ in range(moves):
        if size == 0:
            break
        delta, size, seed = _conflict_move(offsets, neighbours, colours, counts, slot, conflicted, size,
                                           colour_count, table, seed)
        energy += delta
        if delta != 0:
            accepted += 1
        fresh_size, fresh_energy = _build(offsets, neighbours, colours, fresh_counts, fresh_slot, fresh_conflicted)
        wrong = fresh_size != size or fresh_energy != energy or np.any(fresh_counts != counts)
        for p in range(size):
            v = conflicted[p]
            wrong = wrong or slot[v] != p or fresh_slot[v] < 0
        for v in range(n):
            wrong = wrong or colours[v] < 0 or colours[v] >= colour_count or ((slot[v] >= 0) != (fresh_slot[v] >= 0))
        if wrong:
            errors += 1
    return errors, accepted


@njit(cache=True, nogil=True)
def conflict_count(offsets, neighbours, colours):
    """Edges whose two ends share a colour (each edge once)."""
    twice = 0
    for v in range(colours.shape[0]):
        for p in range(offsets[v], offsets[v + 1]):
            if colours[neighbours[p]] == colours[v]:
                twice += 1
    return twice // 2
