"""The fewest-colours search: DSATUR, then fewer and fewer colours by Metropolis chains on the one-hot model.

It combines the coloring encoding (:class:`hopopt.problems.coloring.GraphColoring`) with the solvers
(:func:`hopopt.solvers.coloring_temper.temper_coloring`, :func:`hopopt.solvers.anneal`), so it lives above both
layers: the encoder module imports no solver.
"""

from __future__ import annotations

import numbers
import sys
import time

import numba
import numpy as np

from .. import control
from ..problems.coloring import GraphColoring, coloring_beta_range
from ..solvers import anneal, warm_up
from ..solvers._common import Clock, check_time_limit
from ..solvers.coloring_temper import temper_coloring, warm_up_coloring

__all__ = ["fewest_colors", "dsatur_coloring", "MOVES"]

#: the move sets :func:`fewest_colors` accepts
MOVES = ("auto", "conflicts", "one-hot", "single-flip")
# The turns "auto" takes at each k with a time limit: (search, seconds), the last one given all the time left.
# Measured during development (2 shared cores): one-hot annealing reaches 5 colours on le450_5a in 1-2 s, where
# the conflict chains alone failed for 20 s in 3 of 4 runs; the conflict chains reach 15 colours on le450_15a
# in 2-20 s, which annealing did not in 60 s. Turns of 2, 4, 8, 16 s each for both, from fresh starts, missed
# 15 colours in 60 s on le450_15a (1 of 1 run): the chains need their time in one piece.
_AUTO_TURNS = (("one-hot", 1.0), ("conflicts", 2.0), ("one-hot", 2.0), ("conflicts", None))

# First time slice (seconds) of fewest_colors' anneals for one k (moves "one-hot" and "single-flip"); later
# slices double. Measured during development (2 cores, 8 seeds each): with 1 s slices le450_5a reached 5
# colours and le450_15a 16 within 3.6 s every time; one anneal given all the remaining time took over 7 s in
# 2 of 8 le450_15a runs.
_FIRST_SLICE = 1.0


def fewest_colors(problem_or_graph, *, time_limit=10, rng=None, sweeps=None, moves="auto", beta_range=None):
    """A proper coloring with as few colours as the search finds: DSATUR, then k-1, k-2, ... at fixed k.

    1. DSATUR (``networkx.greedy_color``) gives a proper coloring with k₀ colours.
    2. For k = k₀-1, k₀-2, ...: the previous proper coloring loses its smallest colour class, whose nodes
       go greedily (random ties) to the least conflicting of the k remaining colours; those one-hot states
       (one per ladder or restart, each with its own random ties) start a search on the k-colour model
       (:meth:`GraphColoring.to_model`, energy = conflicting edges on one-hot states) that stops at the first
       state of energy 0, a proper k-coloring:

       * ``moves="conflicts"``: :func:`~hopopt.solvers.coloring_temper.temper_coloring`, Metropolis chains at
         a ladder of fixed temperatures whose moves recolour a node *in conflict* (energy-driven, no tabu
         list); it gets all the remaining time.
       * ``moves="one-hot"``: :func:`hopopt.solvers.anneal` with one-hot moves (any node, any colour) and
         the β range of :func:`~hopopt.problems.coloring.coloring_beta_range`, in time slices of 1 s, 2 s,
         4 s, ... (each a fresh anneal from fresh starts; a slice stops at the first proper colouring).
       * ``moves="auto"`` (default): short turns of each, then the chains: one-hot annealing 1 s, conflict
         chains 2 s, annealing 2 s, then the conflict chains for all the remaining time (each turn from fresh
         starts; each search solves graphs the other does not solve in time). With ``sweeps`` instead of a
         time, the turns come in the same order (one annealing and one run of the chains per k without a time
         limit).
       * ``moves="single-flip"``: annealing slices on the pure penalty network (for comparison; far weaker).

       The best state is decoded and repaired *without* adding colours; if it is proper, k is done and k-1 is
       tried next. When time runs out first, the search ends with the last proper coloring.
    3. The search also ends when k reaches a clique size (:meth:`GraphColoring.clique_bound`): no coloring
       can use fewer colours, so the coloring is optimal.

    Parameters
    ----------
    problem_or_graph : GraphColoring, networkx.Graph or hopopt.io.EdgeList
        The graph (a GraphColoring's own k is ignored). A networkx graph's nodes are numbered in
        ``graph.nodes`` order.
    time_limit : float or None, default 10
        Wall-clock seconds for the whole search (after one-off JIT compilation); the best proper coloring
        found so far is returned. With None, each k gets one run of ``sweeps`` sweeps (default 1000).
    rng : None, int or numpy.random.Generator
        Seed; each k's search gets its own child generator.
    sweeps : int, optional
        Sweeps per run (rounds of the ladder for "conflicts"), instead of filling the time: with a time limit,
        runs of that length are repeated until one succeeds or time runs out; without one, each k gets a
        single run ("auto": one of each) (so the result depends on ``rng`` only).
    moves : {"auto", "conflicts", "one-hot", "single-flip"}
        The search at fixed k, see above.
    beta_range : (float, float), optional
        (β_hot, β_cold) per unit of conflict, for every run; default
        :data:`~hopopt.solvers.coloring_temper.DEFAULT_BETA_RANGE` for the conflict chains,
        :func:`~hopopt.problems.coloring.coloring_beta_range` for "one-hot", the annealer's own default for
        single flips.

    Returns
    -------
    coloring : ndarray of int64, shape (n,)
        A proper coloring with colours 0..k-1, never worse than DSATUR's.
    k : int
        The number of colours it uses.
    history : list of (int, bool, float)
        ``(k, found, seconds)`` per attempt, the first being DSATUR's coloring; seconds are since the start.

    Examples
    --------
    >>> import networkx as nx
    >>> from hopopt.workflows.coloring import fewest_colors
    >>> coloring, k, history = fewest_colors(nx.petersen_graph(), time_limit=None, sweeps=100, rng=0)
    >>> k
    3
    """
    problem = _as_problem(problem_or_graph)
    # a command's deadline (hopopt.control) shortens the limit; the clock below also stops at it without one
    time_limit = control.time_left(check_time_limit(time_limit))
    if moves not in MOVES:
        raise ValueError(f"moves must be one of {', '.join(map(repr, MOVES))}, got {moves!r}")
    if sweeps is not None and (isinstance(sweeps, bool) or not isinstance(sweeps, numbers.Integral) or sweeps < 1):
        raise ValueError(f"sweeps must be an integer ≥ 1, got {sweeps!r}")
    generator = np.random.default_rng(rng)
    # one-off JIT compilation is not part of the search's time
    if moves in ("auto", "conflicts"):
        warm_up_coloring()
    if moves != "conflicts":
        # only the kernels the anneals will run: loading all of them cost about 0.4 s of every colouring solve
        if moves in ("auto", "one-hot"):
            warm_up("one-hot")
        else:
            warm_up("flips", "lattice-flips", "polish")
    clock = Clock(time_limit)
    elapsed = clock.elapsed

    best = dsatur_coloring(problem)
    best_k = int(best.max()) + 1
    history = [(best_k, True, elapsed())]
    lower_bound = problem.clique_bound()
    # the machine's thread count, not the current one: a run must not depend on n_threads (as anneal's default)
    restarts = int(numba.config.NUMBA_NUM_THREADS)

    # one-hot states have E = conflicts, so E < 1/2 means a proper coloring (also for single flips, where the
    # penalty rule makes any state with E < 1/2 one-hot and proper): the anneals stop there (a target energy,
    # not a callback, whose record type would import scipy.optimize inside the deadline)
    proper_below = 0.5 - 1e-6

    k = best_k - 1
    build_seconds = 0.0
    while k >= max(lower_bound, 1) and k >= 2:
        # building the next k's model cannot be stopped (a second on G(400, 0.5)): not when it would end past the
        # time left, judged by the last build
        if clock.out_of_time() or clock.remaining() < 2.0 * build_seconds:
            break
        tic = time.perf_counter()
        target = problem.with_colors(k)
        model = target.to_model()
        build_seconds = time.perf_counter() - tic
        child = generator.spawn(1)[0]
        found = None
        turn = 0
        slice_seconds = _FIRST_SLICE
        while found is None:
            if moves == "auto":
                method, turn_seconds = _AUTO_TURNS[min(turn, len(_AUTO_TURNS) - 1)]
            else:
                method, turn_seconds = moves, None
            turn += 1
            remaining = clock.remaining()  # read once: a second reading could be ≤ 0
            if remaining <= 0:
                break
            # without a time limit of its own the search plans by sweeps, even under a command's deadline
            remaining = None if time_limit is None else remaining
            budget = remaining
            if sweeps is None and remaining is not None:
                if moves == "auto":
                    budget = remaining if turn_seconds is None else min(turn_seconds, remaining)
                elif method != "conflicts":
                    # doubling slices, each a fresh set of anneals from freshly reduced colourings: a lucky
                    # short anneal is common, an unlucky long one must not eat the whole budget (the conflict
                    # chains never freeze, so they keep going instead)
                    budget = min(slice_seconds, remaining)
                    slice_seconds *= 2
            starts = np.stack([target.one_hot(_drop_a_class(problem, best, k, seed_child))
                               for seed_child in child.spawn(restarts)])
            chosen_range = beta_range
            if chosen_range is None and method == "one-hot":
                chosen_range = coloring_beta_range(target)
            if method == "conflicts":
                result = temper_coloring(model, n_sweeps=sweeps, n_ladders=restarts, beta_range=chosen_range,
                                         initial_states=starts, time_limit=budget, rng=child)
            else:
                result = anneal(model, moves=method, n_sweeps=sweeps, n_restarts=restarts, beta_range=chosen_range,
                                initial_states=starts, time_limit=budget, target_energy=proper_below, rng=child)
            coloring = target.decode(result.best_state, repair=True, add_colors=False)
            if target.conflicts(coloring) == 0:
                found = coloring
            elif clock.out_of_time():
                break  # the command's deadline or Ctrl-C stopped the run (hopopt.control)
            elif time_limit is None and (moves != "auto" or turn >= 2):
                break  # without a time limit, one run per k ("auto": one annealing, one of the chains)
        history.append((k, found is not None, elapsed()))
        if found is None:
            break
        best, best_k = _renumber(found), k
        k -= 1
    return best, int(best.max()) + 1, history


def dsatur_coloring(problem) -> np.ndarray:
    """networkx's DSATUR coloring of the graph, colours renumbered 0..k-1 in order of first use.

    The same colouring as ``networkx.greedy_color(graph, strategy="DSATUR")`` (tested): the next node is the
    uncoloured one with the most distinct colours among its neighbours, then the highest degree, then the lowest
    index, and it takes the smallest colour no neighbour has. networkx recounts every coloured node's neighbours
    at each step (O(n·m): 16 s on a G(1000, 0.1), longer than most time limits);
    :func:`hopopt.solvers.exact_coloring.dsatur` keeps each node's neighbour colours as they change (O(n² + m)).

    Parameters
    ----------
    problem : GraphColoring
        The graph (its number of colours is not used: DSATUR uses as many as it needs).

    Returns
    -------
    numpy.ndarray of int
        The colour of each node.

    Examples
    --------
    >>> import networkx as nx
    >>> from hopopt.problems.coloring import GraphColoring
    >>> from hopopt.workflows.coloring import dsatur_coloring
    >>> dsatur_coloring(GraphColoring.from_networkx(nx.cycle_graph(4), colors=2)).tolist()
    [0, 1, 0, 1]
    """
    from ..solvers.exact_coloring import dsatur

    colours = dsatur(problem._neighbour_offsets, problem._neighbour_indices, problem.degrees)
    if colours.size == 0:
        return colours
    return _renumber(colours)


def _renumber(coloring) -> np.ndarray:
    """Colours mapped to 0..c-1 in order of first appearance along the nodes."""
    _, first, inverse = np.unique(coloring, return_index=True, return_inverse=True)
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    return rank[inverse.reshape(-1)]


def _drop_a_class(problem, coloring, k, generator) -> np.ndarray:
    """A coloring with colours 0..k-1 from a proper one with k+1 colours: its smallest class (fewest nodes
    to place, hence fewest conflicts to start from) is removed and its nodes, in random order, take their
    least conflicting colour, ties broken at random."""
    sizes = np.bincount(coloring, minlength=k + 1)
    dropped = int(np.flatnonzero(sizes == sizes.min())[-1])
    colours = coloring.copy()
    colours[colours == dropped] = -1
    colours[colours > dropped] -= 1
    for node in generator.permutation(np.flatnonzero(colours < 0)):
        counts = problem._neighbour_colour_counts(colours, node, k)
        colours[node] = int(generator.choice(np.flatnonzero(counts == counts.min())))
    return colours


def _as_problem(problem_or_graph) -> GraphColoring:
    if isinstance(problem_or_graph, GraphColoring):
        return problem_or_graph
    # a networkx graph exists only if networkx was imported: a solve from a file need not import it
    networkx = sys.modules.get("networkx")
    if networkx is not None and isinstance(problem_or_graph, networkx.Graph):
        return GraphColoring.from_networkx(problem_or_graph, colors=1)
    if hasattr(problem_or_graph, "edges") and hasattr(problem_or_graph, "n"):
        return GraphColoring.from_edgelist(problem_or_graph, colors=1)
    raise TypeError(f"fewest_colors needs a GraphColoring, a networkx graph or an EdgeList, "
                    f"got {type(problem_or_graph).__name__}")
