"""k-colourings over a ladder of temperatures (optionally tempered): conflict-directed recolourings on the
one-hot colouring model.

The solver reads the colouring structure from the model itself (the one-hot groups its encoder declares and the
couplings between groups), so it applies to any model whose energy on one-hot states is
``constant + B · (number of conflicting edges)``: a k-state Potts antiferromagnet, such as
:meth:`hopopt.problems.coloring.GraphColoring.to_model`. Every state it visits is one-hot (one colour per node);
the energy it lowers is the model's.
"""

from __future__ import annotations

import time

import numba
import numpy as np
import scipy.sparse as sp

from .. import control
from ..model import Vartype
from ..result import SolveResult, Status
from . import _kernels_coloring as kernels
from ._common import (Clock, check_beta_range, check_model, check_positive_int, check_time_limit, numba_threads,
                      spin_states)

__all__ = ["temper_coloring", "coloring_structure", "warm_up_coloring", "DEFAULT_BETA_RANGE"]

# β per unit of conflict weight, hottest and coldest rung. Measured during development (2 shared cores,
# chains of conflict-directed Metropolis moves at one fixed β, colourings reduced by one colour from a proper
# one): le450_15a at 15 colours succeeded within seconds only near β = 3.5 (3.0 stayed at 15-40 conflicts for
# 10 s, 4.5 needed 5-15 M moves); le450_5a at 5 colours only near β = 1 (0.1-0.8 s; 2 to 6 stayed at 14-48
# conflicts). Eight rungs from 1 to 4.5 (1, 1.24, ..., 3.63, 4.5) found 15 colours on le450_15a in 1.7-6.7 s
# and 5 on le450_5a in 0.3-0.6 s (3 seeds each, under load, from one fixed proper colouring reduced by one
# colour); 1 to 5 took 3.1-7.2 s and 0.7-3.7 s. The start matters on le450_5a: inside fewest_colors, from its
# own 6-colourings, 5 colours took over 20 s in 3 of 4 runs (hence its "auto" turns with annealing).
#: the β of the hottest and coldest rung of :func:`temper_coloring` by default, per unit of conflict weight
DEFAULT_BETA_RANGE = (1.0, 4.5)
_DEFAULT_REPLICAS = 8
_DEFAULT_SWEEPS = 1000
# Target wall time of one kernel call; between calls the time limit and the callback are checked.
_CHUNK_SECONDS = 0.1
_WARM = False


def coloring_structure(model):
    """The graph behind a one-hot colouring model: adjacency, conflict weight B and the constant energy.

    The model must declare ``metadata["onehot_groups"]`` (an (N, k) array of variable indices, k ≥ 2, every
    variable in exactly one group: group v holds node v's k colours), with equal thresholds inside a group,
    and couplings between two groups only between equal colours, all of one value −B < 0, for every colour of
    every coupled pair of nodes. Couplings inside a group are free (they never act on one-hot states). Then on
    every one-hot state ``E = constant + B · conflicts``.

    Parameters
    ----------
    model : EnergyModel
        A one-hot colouring model, such as :meth:`hopopt.GraphColoring.to_model`'s; one without that structure is a
        ValueError saying what is missing.

    Returns
    -------
    groups : ndarray, shape (N, k)
    offsets, neighbours : ndarray of int64
        Node adjacency in CSR form.
    conflict_weight : float
        B.
    constant : float
        The energy of a one-hot state without conflict.

    Examples
    --------
    >>> from hopopt.problems.coloring import GraphColoring
    >>> from hopopt.solvers.coloring_temper import coloring_structure
    >>> groups, offsets, neighbours, weight, constant = coloring_structure(
    ...     GraphColoring(3, [(0, 1), (1, 2)], colors=2).to_model())
    >>> neighbours.tolist(), weight, constant
    ([1, 0, 2, 1], 1.0, 0.0)
    """
    check_model(model)
    if "onehot_groups" not in model.metadata:
        raise ValueError("temper_coloring needs a model that declares metadata['onehot_groups'] (e.g. "
                         "GraphColoring.to_model()); this one does not")
    groups = np.array(model.metadata["onehot_groups"], dtype=np.int64)
    if groups.ndim != 2 or groups.shape[1] < 2:
        raise ValueError(f"onehot_groups must have shape (nodes, k) with k ≥ 2, got {groups.shape}")
    if groups.size != model.n or np.unique(groups).size != model.n or groups.min() < 0 or groups.max() >= model.n:
        raise ValueError("onehot_groups must hold every variable 0..n-1 exactly once")
    nodes, colours = groups.shape
    binary = model.to_binary()
    node_of = np.empty(model.n, dtype=np.int64)
    colour_of = np.empty(model.n, dtype=np.int64)
    node_of[groups.reshape(-1)] = np.repeat(np.arange(nodes), colours)
    colour_of[groups.reshape(-1)] = np.tile(np.arange(colours), nodes)
    thresholds = binary.thresholds[groups]
    scale = max(1.0, float(np.abs(thresholds).max()))
    if np.any(np.ptp(thresholds, axis=1) > 1e-12 * scale):
        raise ValueError("temper_coloring needs equal thresholds for the k variables of a one-hot group (a "
                         "colour may not cost more than another on its own)")
    matrix = binary.weights_matrix()
    matrix = sp.coo_array(matrix) if sp.issparse(matrix) else sp.coo_array(np.asarray(matrix))
    rows, cols, values = matrix.row.astype(np.int64), matrix.col.astype(np.int64), np.asarray(matrix.data, float)
    keep = (values != 0) & (node_of[rows] != node_of[cols])
    rows, cols, values = rows[keep], cols[keep], values[keep]
    if values.size == 0:
        weight = 1.0
        pairs = np.zeros((0, 2), dtype=np.int64)
    else:
        weight = -float(values[0])
        if weight <= 0 or np.any(np.abs(values + weight) > 1e-12 * weight):
            raise ValueError("temper_coloring needs every coupling between two nodes' colours to be one "
                             "value −B < 0 (the conflict weight); this model's differ or are positive")
        if np.any(colour_of[rows] != colour_of[cols]):
            raise ValueError("temper_coloring needs couplings between two nodes only between equal colours")
        # one integer key per ordered pair of nodes: a 1-D unique is far faster than unique rows
        keys, per_pair = np.unique(node_of[rows] * nodes + node_of[cols], return_counts=True)
        if np.any(per_pair != colours):
            raise ValueError("temper_coloring needs every coupled pair of nodes coupled on all k colours")
        pairs = np.stack([keys // nodes, keys % nodes], axis=1)
    degrees = np.bincount(pairs[:, 0], minlength=nodes)
    neighbours = np.ascontiguousarray(pairs[:, 1], dtype=np.int64)  # sorted keys: by node, then neighbour
    offsets = np.concatenate([[0], np.cumsum(degrees)]).astype(np.int64)
    constant = float(binary.offset + thresholds[:, 0].sum())
    return groups, offsets, neighbours, weight, constant


def temper_coloring(model, *, n_sweeps=None, n_ladders=None, n_replicas=_DEFAULT_REPLICAS, beta_range=None,
                    exchange=False, initial_states=None, time_limit=None, callback=None, rng=None,
                    n_threads=None) -> SolveResult:
    """Lower a one-hot colouring model's energy with Metropolis chains over a ladder of temperatures, whose
    moves recolour nodes in conflict.

    Each *ladder* holds ``n_replicas`` colourings at fixed inverse temperatures spaced geometrically over
    ``beta_range``. In one round (a *sweep*) every replica makes one Metropolis step per node: a uniformly
    random node **among those in conflict** takes a uniformly random other colour, accepted with probability
    ``min(1, exp(-β ΔE))``, ΔE from the model's couplings (B per conflict gained or lost). With ``exchange``
    neighbouring rungs then swap their colourings with the replica-exchange probability
    ``min(1, exp((β_i − β_j)(E_i − E_j)))`` (parallel tempering). Every state is one-hot, so
    E = constant + B · conflicts; a ladder stops at its first colouring without conflict, the lowest energy any
    state can have, and the run stops there too. Ladders run in parallel on numba threads, each on its own
    child of ``rng``.

    Why a ladder: each graph has a narrow band of temperatures where these chains find a proper colouring fast
    (β ≈ 3.5 per conflict for le450_15a at 15 colours, β ≈ 1 for le450_5a at 5), and the ladder covers the
    band of both. Why no exchanges by default: they move the lowest-energy colourings to the cold rungs, where
    they freeze with a few conflicts left; with exchanges le450_15a stayed at 1-8 conflicts for 30 s in 3 of 3
    trials, without them it reached 0 in 3-7 s (``DEFAULT_BETA_RANGE`` notes, same conditions).

    Choosing the node among the conflicting ones is what makes this fast on colouring (a uniformly random node
    is almost never one whose change matters); it makes the proposal depend on the state, so the chain is
    driven by the energy but is not an exact Boltzmann sampler. No tabu list or other memory is used.

    Parameters
    ----------
    model : EnergyModel
        A model with the structure :func:`coloring_structure` accepts, e.g. ``GraphColoring.to_model()``.
    n_sweeps : int, optional
        Rounds per ladder. Default 1000, or, with ``time_limit``, as many as fit.
    n_ladders : int, optional
        Independent ladders; default one per numba thread.
    n_replicas : int, default 8
        Rungs per ladder.
    beta_range : (float, float), optional
        Hottest and coldest β in the model's energy units; default ``DEFAULT_BETA_RANGE`` (1 and 4.5 per
        conflict) divided by B.
    exchange : bool, default False
        Replica exchange between neighbouring rungs after every round (parallel tempering).
    initial_states : array_like, optional
        One-hot start state(s) of the model, shape (n,) or (n_ladders, n); every rung of a ladder starts
        there. Random colourings when omitted.
    time_limit : float, optional
        Wall-clock seconds; the best colourings so far come back when it runs out.
    callback : callable, optional
        ``callback(intermediate_result)`` between kernel calls, with ``sweep``, ``best_energy``,
        ``best_state`` and ``energies`` (every ladder's best); ``StopIteration`` ends the run.
    rng : None, int or numpy.random.Generator
        Seed. With ``n_sweeps`` (or without a time limit) the result depends on it only, not on the threads.
    n_threads : int, optional
        numba threads for this call (default: all).

    Returns
    -------
    SolveResult
        ``states``: each ladder's best colouring as a model state; ``energies`` recomputed from the model;
        ``info`` holds the rungs' ``betas``, ``swap_rates`` between neighbouring rungs (zeros without
        ``exchange``), ``ladder_sweeps``
        (rounds each ladder ran; a ladder that found a proper colouring stopped counting then) and
        ``conflicts`` per ladder.

    Examples
    --------
    >>> import networkx as nx
    >>> from hopopt.problems.coloring import GraphColoring
    >>> from hopopt.solvers.coloring_temper import temper_coloring
    >>> problem = GraphColoring.from_networkx(nx.petersen_graph(), colors=3)
    >>> result = temper_coloring(problem.to_model(), n_sweeps=200, n_ladders=2, rng=0)
    >>> result.best_energy, problem.conflicts(problem.decode(result.best_state, repair=False))
    (0.0, 0)
    """
    model = check_model(model)
    # a command's deadline (hopopt.control) shortens the limit; the clock below also stops at it without one
    time_limit = control.time_left(check_time_limit(time_limit))
    groups, offsets, neighbours, weight, constant = coloring_structure(model)
    nodes, colours = groups.shape
    if n_sweeps is not None:
        n_sweeps = check_positive_int("n_sweeps", n_sweeps)
    elif time_limit is None:
        n_sweeps = _DEFAULT_SWEEPS
    if n_ladders is None:
        n_ladders = numba.config.NUMBA_NUM_THREADS if n_threads is None else n_threads
    n_ladders = check_positive_int("n_ladders", n_ladders)
    n_replicas = check_positive_int("n_replicas", n_replicas)
    if beta_range is None:
        hot, cold = (value / weight for value in DEFAULT_BETA_RANGE)
    else:
        hot, cold = check_beta_range(beta_range, equal_allowed=True)
    if callback is not None and not callable(callback):
        raise TypeError("callback must be callable")
    exchange = bool(exchange)
    # the kernel counts in conflicts: β per conflict is β per energy unit times B
    betas = np.geomspace(hot * weight, cold * weight, n_replicas) if n_replicas > 1 else np.array([cold * weight])
    warm_up_coloring()  # one-off JIT compilation is not part of the solve's time
    generator = np.random.default_rng(rng)
    children = generator.spawn(n_ladders)
    seeds = np.array([child.integers(0, 2**63, dtype=np.int64) for child in children], dtype=np.uint64)
    if initial_states is None:
        starts = np.stack([child.integers(0, colours, nodes) for child in children]).astype(np.int64)
    else:
        starts = _colourings(model, groups, initial_states, n_ladders)
    states = np.ascontiguousarray(np.repeat(starts[:, None, :], n_replicas, axis=1))
    energies = np.zeros((n_ladders, n_replicas), dtype=np.int64)
    best_states = starts.copy()
    best_conflicts = np.full(n_ladders, np.inf)
    ladder_sweeps = np.zeros(n_ladders, dtype=np.int64)
    swaps = np.zeros((n_ladders, max(n_replicas - 1, 1)), dtype=np.int64)
    traces = []

    clock = Clock(time_limit)
    status = Status.COMPLETED
    done = 0
    seconds_per_sweep = None
    with numba_threads(n_threads):
        while n_sweeps is None or done < n_sweeps:
            left = clock.remaining()
            if left <= 0:
                status = clock.stop_status()
                break
            seconds = min(_CHUNK_SECONDS, left)
            chunk = 10 if seconds_per_sweep is None else int(max(1, seconds / seconds_per_sweep))
            if n_sweeps is not None:
                chunk = min(chunk, n_sweeps - done)
            trace = np.empty((n_ladders, chunk))
            tic = time.perf_counter()
            kernels.temper_coloring_chunk(offsets, neighbours, colours, betas, exchange, chunk, nodes, states,
                                          energies, best_states, best_conflicts, ladder_sweeps, seeds, swaps, trace)
            seconds_per_sweep = max(time.perf_counter() - tic, 1e-7) / chunk
            done += chunk
            traces.append(trace)
            control.report(best=float(best_conflicts.min()) * weight + constant)
            if np.any(best_conflicts == 0):
                status = Status.TARGET_REACHED
                break
            if callback is not None and _call_back(callback, model, groups, done, best_states, best_conflicts,
                                                   weight, constant):
                status = Status.CALLBACK_STOP
                break
    solve_seconds = clock.elapsed()

    model_states = _model_states(model, groups, best_states)
    # energies recomputed from the model itself, not taken from the kernel's conflict counts
    model_energies = model.energies(model_states)
    # among the lowest, the ladder that got there in the fewest rounds, then the first: this choice does not
    # depend on where the calls split the rounds, hence not on the machine's speed
    lowest = model_energies.min()
    candidates = np.flatnonzero(model_energies <= lowest + 1e-9 * max(1.0, abs(lowest)))
    best = int(candidates[np.argmin(ladder_sweeps[candidates])])
    trace = np.concatenate(traces, axis=1)[best] * weight + constant if traces else np.empty(0)
    return SolveResult(
        states=model_states,
        energies=model_energies,
        best_state=model_states[best],
        best_energy=model_energies[best],
        trace=trace,
        betas=betas / weight,
        sweeps_done=int(ladder_sweeps[best]),
        status=status,
        timings={"solve": solve_seconds, "total": solve_seconds},
        solver="temper-coloring",
        info={"moves": "conflict-directed recolouring", "n_ladders": n_ladders, "n_replicas": n_replicas,
              "exchange": exchange,
              "beta_range": (float(betas[0] / weight), float(betas[-1] / weight)), "betas": betas / weight,
              "swap_rates": (swaps.sum(axis=0) / max(1, int(ladder_sweeps.sum()))).tolist(),
              "ladder_sweeps": ladder_sweeps.tolist(), "conflicts": best_conflicts.tolist(),
              "conflict_weight": weight},
    )


def warm_up_coloring():
    """Compile (or load from numba's cache) the colouring kernels once, so solve times exclude compilation.

    Examples
    --------
    >>> from hopopt.solvers.coloring_temper import warm_up_coloring
    >>> warm_up_coloring()
    """
    global _WARM
    if _WARM:
        return
    offsets = np.array([0, 1, 2], dtype=np.int64)
    neighbours = np.array([1, 0], dtype=np.int64)
    states = np.zeros((1, 2, 2), dtype=np.int64)
    kernels.temper_coloring_chunk(offsets, neighbours, 2, np.array([1.0, 2.0]), True, 1, 2, states,
                                  np.zeros((1, 2), dtype=np.int64), np.zeros((1, 2), dtype=np.int64),
                                  np.full(1, np.inf), np.zeros(1, dtype=np.int64), np.ones(1, dtype=np.uint64),
                                  np.zeros((1, 1), dtype=np.int64), np.zeros((1, 1)))
    kernels.audit_moves(offsets, neighbours, 2, 1.0, 1, np.zeros(2, dtype=np.int64), np.uint64(1))
    kernels.conflict_count(offsets, neighbours, np.zeros(2, dtype=np.int64))
    _WARM = True


def _colourings(model, groups, states, ladders):
    """One-hot model states, shape (n,) or (ladders, n), as colourings (int64, shape (ladders, nodes))."""
    chosen = spin_states(model, states, ladders)[:, groups] > 0  # (ladders, nodes, k)
    if np.any(chosen.sum(axis=2) != 1):
        raise ValueError("initial_states must be one-hot: exactly one colour per node")
    return np.ascontiguousarray(np.argmax(chosen, axis=2), dtype=np.int64)


def _model_states(model, groups, colourings):
    """Colourings (ladders, nodes) as one-hot states of the model's vartype."""
    ladders, nodes = colourings.shape
    binary = np.zeros((ladders, model.n), dtype=np.int8)
    binary[np.arange(ladders)[:, None], groups[np.arange(nodes)[None, :], colourings]] = 1
    return binary if model.vartype is Vartype.BINARY else (2 * binary - 1).astype(np.int8)


def _call_back(callback, model, groups, done, best_states, best_conflicts, weight, constant):
    best = int(np.argmin(best_conflicts))
    # scipy.optimize (a third of a second to import) only when a callback asks for its record
    from scipy.optimize import OptimizeResult

    intermediate = OptimizeResult(sweep=done, best_energy=float(best_conflicts[best] * weight + constant),
                                  best_state=_model_states(model, groups, best_states[best:best + 1])[0],
                                  energies=best_conflicts * weight + constant)
    try:
        callback(intermediate)
    except StopIteration:
        return True
    return False
