"""The independent-set family as three kinds: ``mis``, ``vertexcover`` and ``clique``.

All three read DIMACS graph files (``.col`` or ``.clq``, node weights from ``n v w`` lines), make G(n, p)
random graphs (``random:n=…,seed=…,p=…,weighted=1`` for integer node weights 1..10), prove optima with the
0/1 program of the original constraints through HiGHS (:func:`~hopopt.solvers.exact_binary.solve_binary_program`:
``x_u + x_v ≤ 1`` per edge, ``x_u + x_v ≥ 1`` per edge for the cover, ``x_u + x_v ≤ 1`` per non-edge for the
clique, each family grouped into clique inequalities that imply it), draw the chosen set on the graph, and
bring networkx's and dimod's solvers as peers.

Every peer looks for an independent set of the problem's *conflict graph* (the graph itself for the
independent set and the cover, its complement for the clique) and maps it back: the set itself, or the nodes
left out of it for the cover (``cover = V − independent set``).
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from ..io import read_dimacs
from ..problems.independent_set import MaximumClique, MaximumIndependentSet, MinimumVertexCover
from .. import control
from ._kind import ExactAnswer, Outcome, PeerSpec, ProblemKind

__all__ = ["MIS_KIND", "VERTEX_COVER_KIND", "CLIQUE_KIND", "KINDS"]

# networkx's max_weight_clique is exact and takes no time limit: the largest graph it is run on. Its branch
# and bound is fast on sparse graphs and explodes on dense ones. For an independent set it searches the
# complement, dense for the DIMACS colouring graphs: 1.5-3.4 s on anna, miles250, games120 (120-138 nodes),
# over 60 s on le450_5a. For the clique it searches the graph itself: 0.06 s on le450_15a, so graphs up to
# 500 nodes are tried unless they are dense (see MAX_WEIGHT_CLIQUE_DENSE).
MAX_WEIGHT_CLIQUE_MAX_N = {"mis": 150, "vertexcover": 150, "clique": 500}
# ... and above 150 nodes the clique search is refused on graphs denser than this (the DIMACS .clq
# benchmarks, built to be hard for exactly this kind of search, have densities 0.5-0.99).
MAX_WEIGHT_CLIQUE_DENSE = (150, 0.3)
# networkx's approximation.maximum_independent_set (Boppana–Halldórsson) takes no time limit: the largest
# graph it is run on (17 s on le450_5a, 450 nodes).
APPROXIMATE_SET_MAX_N = 500
# Above this many nodes the exact method's constraints stay pairwise instead of grouped into cliques (the
# greedy clique cover holds two n×n boolean matrices: 50 MB at this size).
CLIQUE_COVER_MAX_N = 5000


# ---------------------------------------------------------------------------------------------- read, random
def _reader(cls):
    def read(path):
        graph, node_weights = read_dimacs(path, with_node_weights=True)
        return cls.from_edgelist(graph, weights=node_weights)
    return read


def _random(cls):
    def random(n, seed, p=0.5, weighted=0):
        return cls.random(n, p, rng=seed, weighted=weighted)
    return random


# ---------------------------------------------------------------------------------------------- exact
def _exact(problem, time_limit):
    """The 0/1 program of the original constraints (no penalties) through HiGHS, optimal flag and bound.

    The pairwise constraints are grouped into cliques of the conflict graph (see :func:`_clique_cover`):
    ``Σ_{v∈K} x_v ≤ 1`` (for the cover ``Σ_{v∈K} x_v ≥ |K| − 1``: at most one node of a clique of G is left
    out), which implies every pairwise one and gives a much tighter relaxation when the conflict graph is
    dense (the clique of a sparse graph, whose complement has ~95 000 pairs on le450_15a but is covered by
    ~600 cliques; that proof took 46 s against no proof in 60 s with the pairwise rows, on 2 shared cores).
    A proven bound of a problem with integer weights is rounded to the integer it implies (down for a
    maximum, up for a minimum). A solution HiGHS did not prove optimal is repaired (grown to a maximal set,
    shrunk to a minimal cover); when it found none, the repaired empty set is returned with the bound.
    """
    started = time.perf_counter()
    cover = isinstance(problem, MinimumVertexCover)
    # the greedy cover may take half the time (seconds on 1500 nodes); past that the rest stay pairwise rows
    cover_until = None if time_limit is None else started + _COVER_SHARE * time_limit
    cliques, pairs = _clique_cover(problem.conflict_edges, problem.n, cover_until)
    constraints = []
    if cliques or len(pairs):
        # one row per clique, then one per pair left uncovered (arrays: there can be a million of them)
        sizes = np.array([len(clique) for clique in cliques] + [2] * len(pairs), dtype=np.int64)
        rows = np.repeat(np.arange(sizes.size), sizes)
        columns = np.concatenate([np.concatenate(cliques) if cliques else np.empty(0, dtype=np.int64),
                                  np.asarray(pairs, dtype=np.int64).reshape(-1)])
        matrix = sp.csr_array((np.ones(rows.size), (rows, columns)), shape=(sizes.size, problem.n))
        if cover:
            constraints = [(matrix, sizes - 1.0, np.inf)]
        else:
            constraints = [(matrix, -np.inf, 1.0)]
    from ..solvers.exact_binary import solve_binary_program  # scipy.optimize (HiGHS): only for a proof
    found = solve_binary_program(problem.weights, constraints=constraints, sense=problem.sense,
                                 time_limit=None if time_limit is None else max(
                                     time_limit - (time.perf_counter() - started), 1e-3))
    if found.x is not None:
        solution = problem.repair(found.x) if not found.optimal else found.x.astype(np.int8)
    else:
        solution = problem.repair(np.zeros(problem.n, dtype=np.int8))
    bound = found.bound
    if bound is not None and np.all(problem.weights == np.round(problem.weights)):
        # integer weights: the optimum is an integer, so a fractional dual bound can be rounded towards it
        bound = float(np.ceil(bound - 1e-6) if problem.sense == "min" else np.floor(bound + 1e-6))
    optimal = bool(found.optimal)
    if not optimal and bound is not None and problem.evaluate(solution).objective == bound:
        optimal = True  # the rounded bound meets the (possibly repaired) solution: it is optimal after all
    elapsed = time.perf_counter() - started
    return ExactAnswer(solution, optimal, bound, "milp", found.message, float(elapsed), problem.encode(solution))


# share of the exact method's time limit the clique cover may take
_COVER_SHARE = 0.5


def _clique_cover(pairs, n, until=None):
    """Cliques of the graph of ``pairs`` that together contain every pair: a list of cliques (lists of nodes)
    and an array of the pairs covered by no clique, each a clique of two.

    Greedy: from each node (largest degree first), while it has a pair not yet covered, a clique grows from
    that pair by the candidate (a common neighbour of the clique so far) with the most uncovered pairs to the
    clique, ties to the larger degree. Graphs above :data:`CLIQUE_COVER_MAX_N` nodes (whose n×n boolean
    matrices would be large) get one clique per pair, i.e. the pairwise constraints. So do the pairs still
    uncovered at ``until`` (a ``time.perf_counter()`` reading) or at the command's deadline (:mod:`hopopt.control`):
    the cover is then looser, never wrong.
    """
    if len(pairs) == 0:
        return [], np.empty((0, 2), dtype=np.int64)
    if n > CLIQUE_COVER_MAX_N:
        return [], np.asarray(pairs, dtype=np.int64)
    adjacency = np.zeros((n, n), dtype=bool)
    adjacency[pairs[:, 0], pairs[:, 1]] = True
    adjacency |= adjacency.T
    uncovered = adjacency.copy()
    degree = adjacency.sum(axis=1)
    cliques = []
    for first in np.argsort(-degree, kind="stable"):
        if (until is not None and time.perf_counter() > until) or control.should_stop():
            break
        while uncovered[first].any():
            row = np.flatnonzero(uncovered[first])
            second = row[np.argmax(degree[row])]
            clique = [int(first), int(second)]
            candidates = adjacency[first] & adjacency[second]
            gain = uncovered[first].astype(np.int64) + uncovered[second]
            while candidates.any():
                options = np.flatnonzero(candidates)
                chosen = options[np.argmax(gain[options] * (n + 1) + degree[options])]
                clique.append(int(chosen))
                candidates &= adjacency[chosen]
                gain += uncovered[chosen]
            uncovered[np.ix_(clique, clique)] = False
            cliques.append(clique)
    return cliques, np.argwhere(np.triu(uncovered))


# ---------------------------------------------------------------------------------------------- plot
def _plot(problem, solution, ax, title):
    from ..plotting.solutions import plot_node_set

    plot_node_set(problem, solution, ax=ax, title=title, label=problem._problem)


# ---------------------------------------------------------------------------------------------- peers
def _conflict_graph(problem):
    """The networkx graph whose independent sets the problem is about, with node weights ``weight``."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from((v, {"weight": float(w)}) for v, w in enumerate(problem.weights))
    graph.add_edges_from(problem.conflict_edges.tolist())
    return graph


def _from_independent(problem, nodes):
    """The problem's solution from an independent set (node list) of its conflict graph."""
    chosen = np.zeros(problem.n, dtype=np.int8)
    chosen[list(nodes)] = 1
    return problem.from_independent_set(chosen)


def _independent_weight(problem, nodes):
    return float(problem.weights[list(nodes)].sum())


def _networkx_maximal_restarts(problem, budget):
    """``networkx.maximal_independent_set`` (a random maximal set) from new seeds until the time is spent; the
    heaviest set is kept."""
    import networkx as nx

    graph = _conflict_graph(problem)
    generator = np.random.default_rng(budget.seed)
    started = time.perf_counter()
    best, best_weight, starts = None, -np.inf, 0
    while True:
        nodes = nx.maximal_independent_set(graph, seed=int(generator.integers(2**31)))
        starts += 1
        weight = _independent_weight(problem, nodes)
        if weight > best_weight:
            best, best_weight = nodes, weight
        if budget.restarts is not None and starts >= budget.restarts:
            break
        # stop when one more start would probably overrun the limit
        if (time.perf_counter() - started) * (1 + 1 / starts) >= budget.time_limit:
            break
    return Outcome(_from_independent(problem, best), {"starts": starts})


def _networkx_approximate(problem, budget):
    """``networkx.algorithms.approximation.maximum_independent_set`` (Boppana–Halldórsson, unweighted)."""
    from networkx.algorithms.approximation import maximum_independent_set

    return Outcome(_from_independent(problem, maximum_independent_set(_conflict_graph(problem))))


def _networkx_min_weighted_vertex_cover(problem, budget):
    """``networkx.algorithms.approximation.min_weighted_vertex_cover`` (Bar-Yehuda–Even 2-approximation)."""
    from networkx.algorithms.approximation import min_weighted_vertex_cover

    cover = min_weighted_vertex_cover(_conflict_graph(problem), weight="weight")
    chosen = np.zeros(problem.n, dtype=np.int8)
    chosen[list(cover)] = 1
    return Outcome(chosen)


def _networkx_max_weight_clique(problem, budget):
    """``networkx.max_weight_clique`` (exact branch and bound, no time limit) on the complement of the conflict
    graph: a maximum clique there is a maximum independent set of the conflict graph. It takes integer weights
    only."""
    import networkx as nx

    if not np.all(problem.weights == np.round(problem.weights)):
        raise ValueError("networkx max_weight_clique takes integer node weights only")
    if isinstance(problem, MaximumClique):
        nodes, largest_density = MAX_WEIGHT_CLIQUE_DENSE
        density = 2 * len(problem.edges) / max(problem.n * (problem.n - 1), 1)
        if problem.n > nodes and density > largest_density:
            raise ValueError(f"not run: max_weight_clique takes no time limit and the graph is dense "
                             f"(density {density:.2f} > {largest_density} with n = {problem.n} > {nodes})")
        graph = problem.to_networkx()
    else:
        graph = nx.complement(problem.to_networkx())
        graph.add_nodes_from((v, {"weight": float(w)}) for v, w in enumerate(problem.weights))
    for node, weight in enumerate(problem.weights):
        graph.nodes[node]["weight"] = int(weight)
    nodes, _ = nx.max_weight_clique(graph, weight="weight")
    return Outcome(_from_independent(problem, nodes))


def _dimod_dwave_sa(problem, budget):
    """dimod's ``maximum_weight_independent_set`` BQM of the conflict graph (its default strength, twice the
    largest weight) sampled by dwave-samplers' SA, sweeps doubled from 100 until the time is spent; the
    heaviest read that is an independent set, no repair (the peer as its users run it). dimod 0.12 has no
    vertex-cover generator, so the cover is the complement of the independent set."""
    from dimod.generators import maximum_weight_independent_set
    from dwave.samplers import SimulatedAnnealingSampler

    pairs = problem.conflict_edges
    bqm = maximum_weight_independent_set([tuple(pair) for pair in pairs.tolist()],
                                         [(v, float(w)) for v, w in enumerate(problem.weights)])
    variables = list(range(problem.n))
    started = time.perf_counter()
    best, best_weight, reads, sweeps = None, -np.inf, 0, budget.sweeps or 100
    while True:
        call = time.perf_counter()
        sampleset = SimulatedAnnealingSampler().sample(bqm, num_reads=budget.reads, num_sweeps=sweeps,
                                                       seed=(budget.seed + reads) % 2**32)
        took = time.perf_counter() - call
        reads += budget.reads
        columns = [sampleset.variables.index(v) for v in variables]
        samples = np.asarray(sampleset.record.sample)[:, columns].astype(np.int8)
        independent = ~np.any(samples[:, pairs[:, 0]] & samples[:, pairs[:, 1]], axis=1)
        if independent.any():
            weights = samples[independent] @ problem.weights
            if weights.max() > best_weight:
                best, best_weight = np.flatnonzero(samples[independent][np.argmax(weights)]), float(weights.max())
        if budget.sweeps is not None:
            break
        # the next call (twice the sweeps) would take about twice as long
        if time.perf_counter() - started + 2 * took > budget.time_limit:
            break
        sweeps *= 2
    extra = {"reads": reads, "sweeps": sweeps}
    return Outcome(None if best is None else _from_independent(problem, best), extra)


_DIMOD_DWAVE = ("dimod", "dwave.samplers")


def _peers(kind_name):
    peers = {
        "networkx-maximal-restarts": PeerSpec(
            _networkx_maximal_restarts,
            "networkx maximal_independent_set from random seeds, restarted to fill the time"
            + {"vertexcover": " (cover = the nodes left out)", "clique": " (of the complement)"}.get(kind_name, "")),
    }
    if kind_name == "vertexcover":
        peers["networkx-min-weighted-vc"] = PeerSpec(
            _networkx_min_weighted_vertex_cover, "networkx approximation.min_weighted_vertex_cover (2-approx)",
            deterministic=True)
    else:
        name = "networkx-approx-max-clique" if kind_name == "clique" else "networkx-approx-mis"
        peers[name] = PeerSpec(_networkx_approximate,
                               "networkx approximation.maximum_independent_set (unweighted)"
                               + (" of the complement" if kind_name == "clique" else ""),
                               deterministic=True, max_n=APPROXIMATE_SET_MAX_N)
    peers["networkx-max-weight-clique"] = PeerSpec(
        _networkx_max_weight_clique,
        "networkx max_weight_clique, exact, no time limit" + ("" if kind_name == "clique" else " (on the complement)"),
        deterministic=True, max_n=MAX_WEIGHT_CLIQUE_MAX_N[kind_name])
    peers["dimod-mwis-dwave-sa"] = PeerSpec(
        _dimod_dwave_sa, "dimod maximum_weight_independent_set BQM + dwave-samplers SA"
        + {"vertexcover": " (cover = complement)", "clique": " (of the complement graph)"}.get(kind_name, ""),
        requires=_DIMOD_DWAVE)
    return peers


_OPTIONS = {"p": 0.5, "weighted": 0}
_SOLVERS = ("anneal", "descent", "penalty")

def _instance_bytes(n, options):
    """Memory of ``random:n=…,p=…``: a G(n, p) edge list (hopopt.resources)."""
    from ..resources import random_graph_instance

    return random_graph_instance(n, options.get("p", 0.5), "the random graph")


def _model_bytes(problem):
    """Memory of ``to_model()``: sparse W over the conflict graph (the complement's edges for clique)."""
    from ..resources import sparse_model

    return sparse_model(problem.n, int(problem._conflict_matrix.nnz), f"the {problem._problem} encoding's weights")

#: the kind ``mis`` of :data:`hopopt.kinds.KINDS`: maximum weight independent set
MIS_KIND = ProblemKind(
    name="mis", problem=MaximumIndependentSet,
    description="maximum weight independent set (E = −weight + P·edges inside)", read=_reader(MaximumIndependentSet),
    file_format="dimacs", random=_random(MaximumIndependentSet), random_options=_OPTIONS, smallest_n=1,
    instance_bytes=_instance_bytes, model_bytes=_model_bytes,
    exact=_exact, solvers=_SOLVERS, plot=_plot, peers=_peers("mis"))

#: the kind ``vertexcover`` of :data:`hopopt.kinds.KINDS`: minimum weight vertex cover
VERTEX_COVER_KIND = ProblemKind(
    name="vertexcover", problem=MinimumVertexCover,
    description="minimum weight vertex cover (E = weight + P·uncovered edges)", read=_reader(MinimumVertexCover),
    file_format="dimacs", random=_random(MinimumVertexCover), random_options=_OPTIONS, smallest_n=1,
    instance_bytes=_instance_bytes, model_bytes=_model_bytes,
    exact=_exact, solvers=_SOLVERS, plot=_plot, peers=_peers("vertexcover"))

#: the kind ``clique`` of :data:`hopopt.kinds.KINDS`: maximum weight clique
CLIQUE_KIND = ProblemKind(
    name="clique", problem=MaximumClique,
    description="maximum weight clique (independent set of the complement graph)", read=_reader(MaximumClique),
    file_format="dimacs", random=_random(MaximumClique), random_options=_OPTIONS, smallest_n=1,
    instance_bytes=_instance_bytes, model_bytes=_model_bytes,
    exact=_exact, solvers=_SOLVERS, plot=_plot, peers=_peers("clique"))

#: the three kinds, for the registry line in ``hopopt/kinds/__init__.py``
KINDS = (MIS_KIND, VERTEX_COVER_KIND, CLIQUE_KIND)
