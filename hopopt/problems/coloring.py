"""Graph coloring: give every node one of k colours so that no edge joins two nodes of the same colour.

Encoding (binary, one-hot). Variable ``v·k + c`` is 1 when node v has colour c. The energy is

    E(x) = A · Σ_v (Σ_c x_vc − 1)²  +  B · Σ_{(u,v) ∈ E} Σ_c x_uc x_vc,

a one-hot penalty of weight A (each node exactly one colour) plus B per *conflict* (an edge whose ends share
a colour). It is expanded exactly into hopopt's convention ``E = −½ xᵀWx + θᵀx + offset``. With ``x² = x``
for binary variables,

    (Σ_c x_vc − 1)² = Σ_c x_vc² + 2 Σ_{c<d} x_vc x_vd − 2 Σ_c x_vc + 1
                    = 2 Σ_{c<d} x_vc x_vd − Σ_c x_vc + 1,

and a pair term ``q · x_i x_j`` (each unordered pair once) is ``W_ij = W_ji = −q``. Hence

* ``W[v·k+c, v·k+d] = −2A`` for c ≠ d (two colours on one node),
* ``W[u·k+c, v·k+c] = −B`` for every edge (u, v) and colour c (both ends colour c),
* ``θ[v·k+c] = −A`` and ``offset = A·n``.

W is built sparse: it has ``n·k(k−1) + 2·m·k`` stored entries, never the dense ``(n·k)²``. The conflict
weight is ``B = 1``, so on every one-hot state the energy *is* the number of conflicting edges: a proper
k-coloring has energy 0.

Penalty rule. Both terms are non-negative, so whenever a proper k-coloring exists any ``A > 0`` makes every
ground state one-hot (a proper coloring has E = 0, anything else pays at least A or B). The automatic
penalty ``A = B · (⌊Δ/k⌋ + 1)`` (Δ the largest degree) asks for more, so that the ground states are one-hot
even when no proper k-coloring exists, and so are all local minima of single flips:

* a node with s ≥ 2 colours loses ``A(2s − 3) ≥ A > 0`` penalty and no conflict by dropping one colour;
* a node with no colour, whose neighbours each have at most one colour, sees at most deg(v) coloured
  neighbours spread over k colours, so some colour has at most ⌊deg(v)/k⌋ ≤ ⌊Δ/k⌋ of them: taking it
  changes E by ``−A + B·⌊Δ/k⌋ < 0``.

So a state that is not one-hot always has a single flip that lowers E strictly. The bound is tight: on a
triangle with k = 1 (Δ = 2) the penalty A = 2 = B·⌊Δ/k⌋ gives a state with one node uncoloured the same
energy (3) as the one-hot state with all three edges in conflict.

The one-hot annealer (``moves="one-hot"``, see :mod:`hopopt.solvers.moves`) never leaves the one-hot set, so
for it A does not matter at all; it matters for single-flip (pure penalty network) annealing.

The fewest-colours search (DSATUR, then fewer colours by annealing) combines this encoding with a solver, so
it lives a layer above: :func:`hopopt.workflows.coloring.fewest_colors`.
"""

from __future__ import annotations

import heapq
import numbers

import numpy as np
import scipy.sparse as sp

from ._graphs import gnp_edges
from .. import control
from ..model import EnergyModel, Vartype
from ._base import Evaluation, _seed_label, capped, check_edges, check_penalty, integer_entries, join_words

__all__ = ["GraphColoring", "coloring_beta_range"]

# Conflict weight B: one unit of energy per monochromatic edge on one-hot states.
_CONFLICT_WEIGHT = 1.0
# The cold end of the one-hot schedule is this many times the β at which one-conflict moves freeze out (see
# coloring_beta_range).
_COLD_FACTOR = 8.0


# up to this many nodes the greedy clique bound works on an n×n boolean matrix (25 MB at the limit)
_CLIQUE_MATRIX_MAX_N = 5000


class GraphColoring:
    """A k-coloring instance on nodes 0..n-1: colour every node so that no edge is monochromatic.

    The objective of a coloring is the number of distinct colours it uses (``sense = "min"``); it is
    feasible when every node has a colour and no edge joins two nodes of the same colour.

    Parameters
    ----------
    n : int
        Number of nodes (≥ 1). Isolated nodes and disconnected graphs are fine.
    edges : array_like of shape (m, 2)
        0-based node pairs in 0..n-1. Repeats (in either order) are merged; self-loops are refused, since a
        node cannot differ from itself.
    colors : int
        k, the number of colours the model may use (≥ 1).
    name : str, optional
        A label for reports.
    penalty : float, optional
        The one-hot penalty A of :meth:`to_model`; default the rule in the module docstring.

    Examples
    --------
    >>> from hopopt.problems.coloring import GraphColoring
    >>> triangle = GraphColoring(3, [(0, 1), (1, 2), (2, 0)], colors=3)
    >>> triangle.evaluate([0, 1, 2]).objective
    3.0
    >>> triangle.conflicts([0, 0, 1])
    1
    """

    sense = "min"

    def __init__(self, n, edges, colors, name="coloring", penalty=None):
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(f"n (number of nodes) must be an integer ≥ 1, got {n!r}")
        self.n = int(n)
        self.colors = _check_colors(colors)
        self.edges = check_edges(edges, self.n, "a node cannot differ from itself")
        self.name = str(name)
        self.penalty = None if penalty is None else check_penalty(penalty, "penalty (one-hot weight A)")
        degrees = np.bincount(self.edges.reshape(-1), minlength=self.n)
        self.degrees = degrees.astype(np.int64)
        # adjacency in CSR form: node v's neighbours are neighbours[offsets[v]:offsets[v + 1]]
        both = np.concatenate([self.edges, self.edges[:, ::-1]])
        order = np.lexsort((both[:, 1], both[:, 0]))
        self._neighbour_indices = both[order, 1].copy()
        self._neighbour_offsets = np.concatenate([[0], np.cumsum(self.degrees)]).astype(np.int64)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_edges(cls, n, edges, colors, name="coloring", penalty=None):
        """Same as the constructor; reads well beside the other ``from_*`` methods.

        Parameters
        ----------
        n, edges, colors, name, penalty
            As :class:`GraphColoring` takes them.

        Returns
        -------
        GraphColoring
        """
        return cls(n, edges, colors, name, penalty)

    @classmethod
    def from_networkx(cls, graph, colors, name=None, penalty=None):
        """From an undirected networkx graph; nodes are numbered 0..n-1 in ``graph.nodes`` order.

        The original node labels are kept in ``labels`` (``labels[i]`` is node i's label).

        Parameters
        ----------
        graph : networkx.Graph
            An undirected graph.
        colors : int
            The number of colours k.
        name : str, optional
            Default: the graph's name.
        penalty : float, optional
            As :class:`GraphColoring` takes it.

        Returns
        -------
        GraphColoring

        Examples
        --------
        >>> import networkx as nx
        >>> from hopopt.problems.coloring import GraphColoring
        >>> problem = GraphColoring.from_networkx(nx.petersen_graph(), colors=3)
        >>> problem.n, len(problem.edges)
        (10, 15)
        """
        if graph.is_directed():
            raise ValueError("graph coloring needs an undirected graph, got a directed one")
        labels = list(graph.nodes)
        if not labels:
            raise ValueError("n (number of nodes) must be an integer ≥ 1, got a graph with no nodes")
        index = {label: position for position, label in enumerate(labels)}
        loops = [u for u, v in graph.edges() if u == v]
        if loops:
            raise ValueError(f"self-loop on node {loops[0]!r}: a node cannot differ from itself")
        edges = [(index[u], index[v]) for u, v in graph.edges()]
        problem = cls(len(labels), edges, colors, name or graph.name or "coloring", penalty)
        problem.labels = labels
        return problem

    @classmethod
    def from_edgelist(cls, graph, colors, name=None, penalty=None):
        """From an :class:`~hopopt.io.EdgeList` (e.g. :func:`hopopt.io.read_dimacs`); weights are ignored.

        Parameters
        ----------
        graph : EdgeList
            Nodes and edges, as the graph readers return them.
        colors : int
            The number of colours k.
        name : str, optional
            Default: the graph's name.
        penalty : float, optional
            As :class:`GraphColoring` takes it.

        Returns
        -------
        GraphColoring

        Examples
        --------
        >>> from hopopt.io import EdgeList
        >>> from hopopt.problems.coloring import GraphColoring
        >>> GraphColoring.from_edgelist(EdgeList(3, [[0, 1], [1, 2]], [1.0, 1.0], "path"), colors=2).name
        'path'
        """
        return cls(graph.n, graph.edges, colors, name or graph.name, penalty)

    @classmethod
    def random(cls, n, p=0.5, *, rng=None, colors=None):
        """An Erdős–Rényi G(n, p) graph; ``colors`` defaults to the DSATUR colour count (surely enough).

        Parameters
        ----------
        n : int
            Number of nodes.
        p : float
            Probability of each edge.
        rng : None, int or numpy.random.Generator
            Seed of the graph.
        colors : int, optional
            The number of colours k; default the DSATUR colouring's.

        Returns
        -------
        GraphColoring

        Examples
        --------
        >>> from hopopt.problems.coloring import GraphColoring
        >>> problem = GraphColoring.random(10, 0.5, rng=1)
        >>> problem.n, problem.colors >= 2
        (10, True)
        """
        if not 0.0 <= float(p) <= 1.0:
            raise ValueError(f"p (edge probability) must be in [0, 1], got {p}")
        generator = np.random.default_rng(rng)
        # networkx's gnp_random_graph, drawn with numpy (same edges for the same seed, seconds faster when large)
        edges = gnp_edges(n, p, seed=int(generator.integers(2**31)))
        if colors is None:
            import networkx as nx  # a tenth of a second: only when a graph is asked for
            graph = nx.Graph()
            graph.add_nodes_from(range(n))
            graph.add_edges_from(edges.tolist())
            colors = max(1, len(set(nx.greedy_color(graph, strategy="DSATUR").values())))
        return cls(n, edges, colors, name=f"random:n={n},p={p},seed={_seed_label(rng)}")

    def with_colors(self, colors) -> "GraphColoring":
        """The same graph with another number of colours k (the penalty, if one was given, is kept).

        Parameters
        ----------
        colors : int
            The new number of colours k.

        Returns
        -------
        GraphColoring
            A new instance; this one is unchanged.

        Examples
        --------
        >>> from hopopt.problems.coloring import GraphColoring
        >>> GraphColoring(2, [(0, 1)], colors=2).with_colors(5).colors
        5
        """
        problem = GraphColoring(self.n, self.edges, colors, self.name, self.penalty)
        if hasattr(self, "labels"):
            problem.labels = self.labels
        return problem

    @property
    def n_variables(self) -> int:
        """Neurons of the encoding: one per (node, colour)."""
        return self.n * self.colors

    def to_networkx(self) -> nx.Graph:
        """The graph as a ``networkx.Graph`` on nodes 0..n-1."""
        import networkx as nx  # a tenth of a second: only when a graph is asked for
        graph = nx.Graph(name=self.name)
        graph.add_nodes_from(range(self.n))
        graph.add_edges_from((int(u), int(v)) for u, v in self.edges)
        return graph

    # ------------------------------------------------------------------ graph facts
    @property
    def max_degree(self) -> int:
        """Δ, the largest number of neighbours of any node."""
        return int(self.degrees.max())

    def neighbours(self, node) -> np.ndarray:
        """The neighbours of ``node`` (sorted).

        Parameters
        ----------
        node : int
            A node, 0..n-1.

        Returns
        -------
        ndarray of int
        """
        return self._neighbour_indices[self._neighbour_offsets[node]:self._neighbour_offsets[node + 1]]

    def clique_bound(self) -> int:
        """Size of a large clique found greedily: a lower bound on the number of colours any coloring needs.

        From every node, the clique grows by the candidate with the most neighbours among the remaining
        candidates (common neighbours of the clique so far). Cheap (≈ n·Δ² set operations) and good on the
        DIMACS "le450" graphs, whose hidden cliques it finds; it is only a bound (Mycielski graphs have
        cliques of 2 whatever their chromatic number).

        Examples
        --------
        >>> import networkx as nx
        >>> from hopopt.problems.coloring import GraphColoring
        >>> GraphColoring.from_networkx(nx.complete_graph(4), colors=4).clique_bound()
        4
        """
        if len(self.edges) == 0:
            return 1
        n = self.n
        if n > _CLIQUE_MATRIX_MAX_N:
            return self._clique_bound_with_sets()
        # the adjacency as a boolean matrix: each growth step counts every candidate's neighbours among the
        # candidates in one product (Python sets took 1.8 s on G(400, 0.5), most of a 2 s time limit)
        adjacency = np.zeros((n, n), dtype=bool)
        adjacency[self.edges[:, 0], self.edges[:, 1]] = True
        adjacency |= adjacency.T
        best = 2
        # high-degree nodes first: big cliques live among them, and the loop can stop once Δ+1 ≤ best
        for start in np.argsort(-self.degrees, kind="stable"):
            if self.degrees[start] + 1 <= best or control.should_stop():
                break  # any clique found is a bound: the command's deadline (hopopt.control) may end the search
            size, candidates = 1, np.flatnonzero(adjacency[start])
            while candidates.size:
                # the candidate with the most neighbours among the candidates, ties to the lowest index
                counts = adjacency[np.ix_(candidates, candidates)].sum(axis=1)
                chosen = candidates[int(np.argmax(counts))]
                size += 1
                candidates = candidates[adjacency[chosen, candidates]]
            best = max(best, size)
        return best

    def _clique_bound_with_sets(self) -> int:
        """:meth:`clique_bound` with Python sets, for graphs whose n×n matrix would be large."""
        adjacency = [set(self.neighbours(v).tolist()) for v in range(self.n)]
        best = 2
        for start in np.argsort(-self.degrees, kind="stable"):
            if self.degrees[start] + 1 <= best or control.should_stop():
                break
            size, candidates = 1, set(adjacency[start])
            while candidates:
                chosen = max(candidates, key=lambda u: (len(adjacency[u] & candidates), -u))
                size += 1
                candidates &= adjacency[chosen]
            best = max(best, size)
        return best

    # ------------------------------------------------------------------ encode
    def default_penalty(self) -> float:
        """The automatic one-hot penalty ``A = B·(⌊Δ/k⌋ + 1)`` (see the module docstring).

        Examples
        --------
        >>> import networkx as nx
        >>> from hopopt.problems.coloring import GraphColoring
        >>> GraphColoring.from_networkx(nx.star_graph(7), colors=3).default_penalty()  # Δ = 7
        3.0
        """
        return _CONFLICT_WEIGHT * (self.max_degree // self.colors + 1)

    def to_model(self, penalty=None) -> EnergyModel:
        """The binary one-hot model: E = conflicting edges on one-hot states (module docstring).

        Parameters
        ----------
        penalty : float, optional
            The one-hot penalty A; default the ``penalty`` given at construction, else
            :meth:`default_penalty`. Values at or below ``B·⌊Δ/k⌋`` are allowed but may let states that are
            not one-hot into the ground states; ``metadata["penalty_rule"]`` says which case applies.

        Returns
        -------
        EnergyModel
            Binary, sparse W, ``n·k`` variables (index ``v·k + c``). ``metadata`` holds ``problem``,
            ``instance``, ``colors``, ``penalty``, ``penalty_rule``, ``conflict_weight`` and
            ``onehot_groups`` (``arange(n·k).reshape(n, k)``, for the one-hot annealer).

        Examples
        --------
        >>> from hopopt.problems.coloring import GraphColoring
        >>> problem = GraphColoring(3, [(0, 1), (1, 2)], colors=2)
        >>> model = problem.to_model()
        >>> float(model.energy(problem.one_hot([0, 1, 0])))  # proper: no conflict
        0.0
        >>> float(model.energy(problem.one_hot([0, 0, 0])))  # two conflicting edges
        2.0
        """
        chosen = self.penalty if penalty is None else check_penalty(penalty, "penalty (one-hot weight A)")
        automatic = chosen is None
        if automatic:
            chosen = self.default_penalty()
        n, k = self.n, self.colors
        weight = _CONFLICT_WEIGHT
        index = np.arange(n * k, dtype=np.int64).reshape(n, k)
        # two colours on one node: every ordered pair (c, d), c ≠ d, of every node
        first, second = np.nonzero(~np.eye(k, dtype=bool))
        node_rows = index[:, first].reshape(-1)
        node_cols = index[:, second].reshape(-1)
        # both ends of an edge on colour c, in both orders so that W comes out symmetric
        edge_u = (self.edges[:, :1] * k + np.arange(k)).reshape(-1)
        edge_v = (self.edges[:, 1:] * k + np.arange(k)).reshape(-1)
        rows = np.concatenate([node_rows, edge_u, edge_v])
        cols = np.concatenate([node_cols, edge_v, edge_u])
        values = np.concatenate([np.full(node_rows.size, -2.0 * chosen), np.full(2 * edge_u.size, -weight)])
        weights = sp.csr_array((values, (rows, cols)), shape=(n * k, n * k))
        threshold = np.full(n * k, -float(chosen))
        bound = weight * (self.max_degree // k)
        if automatic:
            rule = (f"automatic: A = B·(⌊Δ/k⌋ + 1) = {weight:g}·(⌊{self.max_degree}/{k}⌋ + 1) = {chosen:g} "
                    f"> B·⌊Δ/k⌋ = {bound:g}, so every ground state and every single-flip local minimum "
                    f"is one-hot")
        elif chosen > bound:
            rule = (f"given: A = {chosen:g} > B·⌊Δ/k⌋ = {bound:g}, so every ground state and every "
                    f"single-flip local minimum is one-hot")
        else:
            rule = (f"given: A = {chosen:g} ≤ B·⌊Δ/k⌋ = {bound:g}; ground states are one-hot when a proper "
                    f"{k}-coloring exists (any A > 0), otherwise they may not be")
        metadata = {"problem": "coloring", "instance": self.name, "colors": k, "penalty": float(chosen),
                    "penalty_rule": rule, "conflict_weight": weight, "onehot_groups": index,
                    "objective": "number of colours (energy of a one-hot state = conflicting edges)"}
        return EnergyModel(weights, threshold, float(chosen) * n, Vartype.BINARY, metadata)

    def one_hot(self, coloring, vartype="binary") -> np.ndarray:
        """The model state (length ``n·k``) of a coloring with colours in 0..k-1.

        Parameters
        ----------
        coloring : array_like of int, shape (n,)
            The colour of each node, in 0..k-1.
        vartype : {"binary", "spin"} or Vartype
            The model's variable type.

        Returns
        -------
        ndarray of int8, shape (n·k,)

        Examples
        --------
        >>> from hopopt.problems.coloring import GraphColoring
        >>> GraphColoring(2, [(0, 1)], colors=2).one_hot([1, 0]).tolist()
        [0, 1, 1, 0]
        """
        colours = self._check_coloring(coloring)
        if np.any(colours < 0) or np.any(colours >= self.colors):
            bad = int(np.flatnonzero((colours < 0) | (colours >= self.colors))[0])
            raise ValueError(f"a one-hot state needs every colour in 0..{self.colors - 1}, "
                             f"got colour {int(colours[bad])} on node {bad}")
        state = np.zeros((self.n, self.colors), dtype=np.int8)
        state[np.arange(self.n), colours] = 1
        state = state.reshape(-1)
        if str(getattr(vartype, "value", vartype)) == "spin":
            return (2 * state - 1).astype(np.int8)
        return state

    # ------------------------------------------------------------------ decode
    def assignment(self, state) -> np.ndarray:
        """A model state (spin or binary, length ``n·k``) as an (n, k) 0/1 matrix: row v = colours of node v.

        Parameters
        ----------
        state : array_like, shape (n·k,)
            Spins (−1/+1) or binary values (0/1).

        Returns
        -------
        ndarray of int8, shape (n, k)

        Examples
        --------
        >>> from hopopt.problems.coloring import GraphColoring
        >>> GraphColoring(2, [(0, 1)], colors=2).assignment([1, 1, -1, -1]).tolist()
        [[1, 1], [0, 0]]
        """
        state = np.asarray(state).reshape(-1)
        if state.shape != (self.n * self.colors,):
            raise ValueError(f"state must have n·k = {self.n}·{self.colors} = {self.n * self.colors} entries, "
                             f"got {state.size}")
        # spin +1 and binary 1 both mean "has this colour"; spin -1 and binary 0 both mean "has not"
        if not (np.all(np.isin(state, (-1, 1))) or np.all(np.isin(state, (0, 1)))):
            raise ValueError("state must hold spins (-1/+1) or binary values (0/1)")
        return (state > 0).astype(np.int8).reshape(self.n, self.colors)

    def decode(self, state, repair=True, add_colors=True) -> np.ndarray:
        """The coloring (0-based colour per node) a model state stands for.

        A node with exactly one colour keeps it. A node with several colours takes the one of them that
        conflicts with the fewest neighbours already decided (nodes in index order), a node with none the
        least conflicting of all k. With ``repair`` the result then goes through :meth:`repair`.

        Parameters
        ----------
        state : array_like, length ``n·k``
            Spin (−1/+1) or binary (0/1) state of :meth:`to_model`'s model.
        repair : bool, default True
            Remove the conflicts greedily (see :meth:`repair`).
        add_colors : bool, default True
            Let the repair add colours k, k+1, ... when no colour in 0..k-1 removes a conflict, so the result
            is always a proper coloring. With False it stays within 0..k-1 and may keep conflicts.

        Examples
        --------
        >>> from hopopt.problems.coloring import GraphColoring
        >>> path = GraphColoring(3, [(0, 1), (1, 2)], colors=2)
        >>> path.decode([1, 0, 1, 1, 0, 0]).tolist()  # node 1 had both colours, node 2 none
        [0, 1, 0]
        """
        assignment = self.assignment(state)
        per_node = assignment.sum(axis=1)
        colours = np.where(per_node == 1, np.argmax(assignment, axis=1), -1).astype(np.int64)
        for node in np.flatnonzero(per_node != 1):
            options = np.flatnonzero(assignment[node])
            if options.size == 0:
                options = np.arange(self.colors)
            counts = self._neighbour_colour_counts(colours, node, self.colors)
            colours[node] = options[np.argmin(counts[options])]
        return self.repair(colours, add_colors=add_colors) if repair else colours

    def repair(self, coloring, add_colors=True) -> np.ndarray:
        """Remove conflicts greedily; returns a new coloring (the input is not changed).

        Uncoloured nodes (negative colour) first take their least conflicting colour. Then, highest conflict
        count first, a conflicting node moves to a colour none of its neighbours has (the lowest such
        colour in 0..max(k, used) - 1); when every colour conflicts it takes a new colour (k, k+1, ...) if
        ``add_colors``, else the least conflicting colour provided that lowers its conflicts. Every move
        lowers the number of conflicts, so the loop ends; with ``add_colors`` the result is always a proper
        coloring, possibly with more than k colours.

        Parameters
        ----------
        coloring : array_like of int, shape (n,)
            The colour of each node (negative for none).
        add_colors : bool
            Whether a node may take a new colour when every colour conflicts.

        Returns
        -------
        ndarray of int, shape (n,)
            The repaired coloring.

        Examples
        --------
        >>> from hopopt.problems.coloring import GraphColoring
        >>> triangle = GraphColoring(3, [(0, 1), (1, 2), (2, 0)], colors=2)
        >>> triangle.repair([0, 0, 1]).tolist()  # two colours cannot do: a third is added
        [2, 0, 1]
        >>> triangle.repair([0, 0, 1], add_colors=False).tolist()  # stays with one conflict
        [0, 0, 1]
        """
        colours = self._check_coloring(coloring).copy()
        palette = max(self.colors, int(colours.max()) + 1)
        for node in np.flatnonzero(colours < 0):
            counts = self._neighbour_colour_counts(colours, node, palette)
            colours[node] = int(np.argmin(counts))
        conflicts = self._node_conflicts(colours)
        # max-heap of (conflicts, node), refreshed lazily: entries whose count is stale are skipped
        heap = [(-int(c), int(v)) for v, c in enumerate(conflicts) if c > 0]
        heapq.heapify(heap)
        stuck = []  # nodes that could not improve; retried once something changes around them
        while heap:
            negative_count, node = heapq.heappop(heap)
            if -negative_count != conflicts[node] or conflicts[node] == 0:
                continue
            counts = self._neighbour_colour_counts(colours, node, palette)
            best = int(np.argmin(counts))
            if counts[best] == 0:
                new = best
            elif add_colors:
                new, palette = palette, palette + 1
            elif counts[best] < conflicts[node]:
                new = best
            else:
                stuck.append(node)
                continue
            old = colours[node]
            colours[node] = new
            neighbours = self.neighbours(node)
            for neighbour in neighbours[colours[neighbours] == old]:
                conflicts[neighbour] -= 1
                heapq.heappush(heap, (-int(conflicts[neighbour]), int(neighbour)))
            for neighbour in neighbours[colours[neighbours] == new]:
                conflicts[neighbour] += 1
                heapq.heappush(heap, (-int(conflicts[neighbour]), int(neighbour)))
            conflicts[node] = int(counts[new]) if new < counts.size else 0
            if conflicts[node]:
                heapq.heappush(heap, (-int(conflicts[node]), node))
            # a change may unblock stuck nodes: requeue them (each requeue follows a strict improvement, so
            # the total work stays bounded by conflicts × stuck nodes)
            for other in stuck:
                if conflicts[other]:
                    heapq.heappush(heap, (-int(conflicts[other]), other))
            stuck = []
        return colours

    # ------------------------------------------------------------------ evaluate
    def conflicting_edges(self, coloring) -> np.ndarray:
        """The edges whose two ends share a colour, shape (conflicts, 2); uncoloured nodes never conflict.

        Parameters
        ----------
        coloring : array_like of int, shape (n,)
            The colour of each node (negative for none).

        Returns
        -------
        ndarray of int64, shape (conflicts, 2)

        Examples
        --------
        >>> from hopopt.problems.coloring import GraphColoring
        >>> GraphColoring(3, [(0, 1), (1, 2)], colors=2).conflicting_edges([0, 1, 1]).tolist()
        [[1, 2]]
        """
        colours = self._check_coloring(coloring)
        left, right = colours[self.edges[:, 0]], colours[self.edges[:, 1]]
        return self.edges[(left == right) & (left >= 0)]

    def conflicts(self, coloring) -> int:
        """Number of conflicting edges: for a one-hot state, exactly the model's energy.

        ``coloring`` is a colour per node (negative = none) or an (n, c) 0/1 assignment matrix, where an
        edge counts once per colour its ends share.

        Parameters
        ----------
        coloring : array_like
            A colour per node (shape (n,)) or an assignment matrix (shape (n, c)), as above.

        Returns
        -------
        int

        Examples
        --------
        >>> from hopopt.problems.coloring import GraphColoring
        >>> GraphColoring(3, [(0, 1), (1, 2), (0, 2)], colors=1).conflicts([0, 0, 0])
        3
        """
        if np.ndim(coloring) == 2:
            matrix = self._check_matrix(coloring)
            return int(np.sum(matrix[self.edges[:, 0]] & matrix[self.edges[:, 1]]))
        return int(len(self.conflicting_edges(coloring)))

    def solution_energy(self, coloring) -> float:
        """The energy of a colouring's one-hot state in :meth:`to_model` (default penalty), without building
        the model: B × conflicting edges, since a one-hot state pays no penalty. The command reports it after
        the deadline, when building a 400-node model took a second.

        Parameters
        ----------
        coloring : array_like of int, shape (n,)
            The colour of each node (negative for none).

        Returns
        -------
        float

        Examples
        --------
        >>> from hopopt.problems.coloring import GraphColoring
        >>> problem = GraphColoring(3, [(0, 1), (1, 2)], colors=2)
        >>> problem.solution_energy([0, 0, 1]), float(problem.to_model().energy(problem.one_hot([0, 0, 1])))
        (1.0, 1.0)
        """
        colours = self._check_coloring(coloring)
        if colours.size and (colours.min() < 0 or colours.max() >= self.colors):
            raise ValueError(f"a one-hot state needs colours 0..{self.colors - 1}")
        return float(_CONFLICT_WEIGHT * self.conflicts(colours))

    def evaluate(self, coloring) -> Evaluation:
        """Number of colours used, feasibility and readable violations of a coloring.

        Parameters
        ----------
        coloring : array_like
            Either a colour per node (length n, integers ≥ 0; a negative value means "no colour"; colours
            beyond k are allowed, they are simply counted), or an (n, c) 0/1 matrix whose row v marks node
            v's colours (e.g. :meth:`assignment` of a raw model state).

        Returns
        -------
        Evaluation
            ``objective``: distinct colours used; ``feasible``: every node has exactly one colour and no
            edge is monochromatic. ``violations`` lists the first 20 problems (then a line with the count);
            ``extra`` holds ``conflicts``, ``uncolored``, ``multicolored`` and ``violation_count``.

        Examples
        --------
        >>> from hopopt.problems.coloring import GraphColoring
        >>> path = GraphColoring(3, [(0, 1), (1, 2)], colors=2)
        >>> result = path.evaluate([0, 0, -1])
        >>> result.objective, result.feasible
        (1.0, False)
        >>> list(result.violations)
        ['edge (0, 1) has both ends colour 0', 'node 2 has no colour']
        """
        lines = []
        if np.ndim(coloring) == 2:
            matrix = self._check_matrix(coloring)
            per_node = matrix.sum(axis=1)
            used = int(np.count_nonzero(matrix.any(axis=0)))
            shared = matrix[self.edges[:, 0]] & matrix[self.edges[:, 1]]
            for edge, colour in zip(*np.nonzero(shared)):
                lines.append(f"edge ({self.edges[edge, 0]}, {self.edges[edge, 1]}) has both ends colour {colour}")
            conflict_count = int(shared.sum())
            uncoloured = np.flatnonzero(per_node == 0)
            several = np.flatnonzero(per_node > 1)
            node_lines = {int(v): f"node {v} has no colour" for v in uncoloured}
            for v in several:
                node_lines[int(v)] = f"node {v} has colours {join_words(np.flatnonzero(matrix[v]).tolist())}"
            lines.extend(node_lines[v] for v in sorted(node_lines))
        else:
            colours = self._check_coloring(coloring)
            used = int(np.unique(colours[colours >= 0]).size)
            for u, v in self.conflicting_edges(colours):
                lines.append(f"edge ({u}, {v}) has both ends colour {colours[u]}")
            conflict_count = len(lines)
            uncoloured = np.flatnonzero(colours < 0)
            several = np.empty(0, dtype=np.int64)
            lines.extend(f"node {v} has no colour" for v in uncoloured)
        total = len(lines)
        lines = capped(lines, suffix=f" ({total} violations in all)")
        extra = {"conflicts": conflict_count, "uncolored": int(uncoloured.size), "multicolored": int(several.size),
                 "violation_count": total, "colors_allowed": self.colors}
        return Evaluation(float(used), total == 0, tuple(lines), "min", extra=extra)

    def summary(self, coloring) -> str:
        """One line about a coloring, for reports and ``--explain``.

        Parameters
        ----------
        coloring : array_like of int, shape (n,)
            The colour of each node (negative for none).

        Returns
        -------
        str

        Examples
        --------
        >>> from hopopt.problems.coloring import GraphColoring
        >>> GraphColoring(3, [(0, 1), (1, 2)], colors=2).summary([0, 1, 0])
        'coloring: 3 nodes, 2 edges, 2 colours used (class sizes 2, 1), proper'
        """
        colours = self._check_coloring(coloring)
        sizes = np.bincount(colours[colours >= 0]) if np.any(colours >= 0) else np.zeros(0, dtype=np.int64)
        sizes = sorted((int(s) for s in sizes if s), reverse=True)
        conflict_count = len(self.conflicting_edges(colours))
        missing = int(np.sum(colours < 0))
        state = "proper" if conflict_count == 0 and missing == 0 else (
            f"{_count(conflict_count, 'conflicting edge')}, {_count(missing, 'uncoloured node')}")
        return (f"{self.name}: {self.n} nodes, {len(self.edges)} edges, {len(sizes)} colours used "
                f"(class sizes {', '.join(map(str, sizes))}), {state}")

    # ------------------------------------------------------------------ helpers
    def _check_coloring(self, coloring) -> np.ndarray:
        array = np.asarray(coloring)
        if array.ndim != 1 or array.shape[0] != self.n:
            raise ValueError(f"a coloring needs one colour per node ({self.n}), got shape {array.shape}")
        if array.size and not np.issubdtype(array.dtype, np.integer):
            if array.dtype == bool or not np.issubdtype(array.dtype, np.number) or not np.all(
                    np.isfinite(array)) or np.any(array != np.round(array)):
                raise ValueError("a coloring must hold integer colours (negative for 'no colour')")
        # a colour of 1e30 would wrap round to a negative int64, read as "no colour", and evaluate as feasible
        return integer_entries(array, "a coloring")

    def _check_matrix(self, matrix) -> np.ndarray:
        array = np.asarray(matrix)
        if array.ndim != 2 or array.shape[0] != self.n:
            raise ValueError(f"an assignment matrix needs one row per node ({self.n}), got shape {array.shape}")
        if not np.all(np.isin(array, (0, 1))):
            raise ValueError("an assignment matrix must hold 0/1 values")
        return array.astype(bool)

    def _neighbour_colour_counts(self, colours, node, palette) -> np.ndarray:
        """How many neighbours of ``node`` have each colour 0..palette-1 (uncoloured ones not counted)."""
        around = colours[self.neighbours(node)]
        # colours beyond the palette cannot be chosen, so they are not counted
        return np.bincount(around[around >= 0], minlength=palette)[:palette]

    def _node_conflicts(self, colours) -> np.ndarray:
        """Per node, the number of neighbours sharing its colour."""
        left, right = colours[self.edges[:, 0]], colours[self.edges[:, 1]]
        bad = (left == right) & (left >= 0)
        return np.bincount(self.edges[bad].reshape(-1), minlength=self.n).astype(np.int64)

    def energy_terms(self, binary, metadata) -> tuple[dict, list]:
        """The energy of a binary state as its named terms (each from its formula), and the violations.

        Parameters
        ----------
        binary : array_like of 0/1, shape (n·k,)
            A raw binary state, node by node.
        metadata : dict
            The model's metadata: its ``penalty`` A, ``conflict_weight`` B (default 1) and ``colors``.

        Returns
        -------
        terms : dict of str to float
            Each named term's contribution to the energy.
        violations : list of str
            The violated constraints, one readable line each.
        """
        k = int(metadata.get("colors", self.colors))
        binary = np.asarray(binary).reshape(-1)
        if binary.size != self.n * k:
            raise ValueError(f"a coloring state has n·k = {self.n * k} entries, got {binary.size}")
        penalty = float(metadata["penalty"])
        weight = float(metadata.get("conflict_weight", 1.0))
        x = binary.reshape(self.n, k)
        counts = x.sum(axis=1)
        shared = x[self.edges[:, 0]] * x[self.edges[:, 1]]  # shared[e, c] = both ends of edge e colour c
        terms = {
            "one colour per node (A·Σ(colours−1)²)": penalty * float(np.sum((counts - 1.0) ** 2)),
            "conflicting edges (B·Σ shared colours)": weight * float(shared.sum()),
        }
        violations = []
        for node in range(self.n):
            colours = np.flatnonzero(x[node])
            if colours.size == 0:
                violations.append(f"node {node} has no colour")
            elif colours.size > 1:
                words = [str(c) for c in colours]
                violations.append(f"node {node} has colours {', '.join(words[:-1])} and {words[-1]}")
        for (u, v), row in zip(self.edges, shared):
            for colour in np.flatnonzero(row):
                violations.append(f"edge ({int(u)}, {int(v)}) has both ends colour {int(colour)}")
        return terms, violations

    def explain(self, state, model=None):
        """The energy of a raw model state split into objective and constraint terms, with the violations.

        See :func:`hopopt.problems.explain.explain`.

        Parameters
        ----------
        state : array_like
            A raw state of ``model``: spins (−1/+1) for a spin model, else binary (0/1).
        model : EnergyModel, optional
            The model the state belongs to; default :meth:`to_model`'s (its metadata gives the penalty weights).

        Returns
        -------
        Explanation
            See :func:`hopopt.problems.explain.explain`.
        """
        from .explain import explain

        return explain(self, state, model)

    def __repr__(self):
        return f"GraphColoring(name={self.name!r}, n={self.n}, edges={len(self.edges)}, colors={self.colors})"


def _count(number, noun) -> str:
    """'1 conflicting edge', '3 conflicting edges'."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"



def _check_colors(colors) -> int:
    if isinstance(colors, bool) or not isinstance(colors, numbers.Integral) or colors < 1:
        raise ValueError(f"colors (number of colours k) must be an integer ≥ 1, got {colors!r}")
    return int(colors)




# ---------------------------------------------------------------------------------------------- annealing range
def coloring_beta_range(problem) -> tuple[float, float]:
    """(β_hot, β_cold) for one-hot annealing of a coloring model with conflict weight 1.

    Hot: a move that adds one conflict is accepted with probability 1/2 (β = ln 2). Uphill moves freeze out
    at β_frozen = ln(100·n·k), where a one-conflict move is accepted about once in 100 sweeps of n·k
    proposals; the cold end is 8 β_frozen, so that about 40 % of a geometric schedule is a walk at zero
    temperature over moves that keep the number of conflicts. On le450_15a (16 colours) that plateau walk is
    where proper colourings turn up: anneals of 1000 sweeps from a 17-coloring reduced to 16 colours needed
    7.1 s (ending at β_frozen) against 0.65 s (ending near 8 β_frozen) to succeed with 99 % probability
    (measured during development, 2 cores). The engine's generic range is derived from the penalty couplings,
    which one-hot moves never pay, so it would start far too hot.

    Parameters
    ----------
    problem : GraphColoring
        The instance; its nodes n and colours k set the cold end.

    Returns
    -------
    (float, float)
        β_hot = ln 2 and β_cold = 8 ln(100·n·k).

    Examples
    --------
    >>> from hopopt.problems.coloring import GraphColoring, coloring_beta_range
    >>> hot, cold = coloring_beta_range(GraphColoring(10, [(0, 1)], colors=3))
    >>> round(hot, 3), round(cold, 2)
    (0.693, 64.05)
    """
    return float(np.log(2.0)), float(_COLD_FACTOR * np.log(100.0 * problem.n * problem.colors))
