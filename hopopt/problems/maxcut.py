"""Weighted max-cut: split the nodes in two sides so the total weight of edges across is as large as possible.

Encoding. With one spin per node (side 1 ↔ s = +1, side 0 ↔ s = −1), an edge {i, j} of weight w is cut when
``s_i s_j = −1``, so ``cut(s) = Σ_edges w (1 − s_i s_j)/2``. Setting ``W_ij = −w/2`` and
``offset = −Σ w/2`` gives ``E(s) = −cut(s)`` exactly: the lowest energy is the largest cut, and a state's
objective is minus its energy. Negative weights (as in some Gset graphs) need no special care.
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp

from ._graphs import gnp_edges
from ..model import EnergyModel, UpperTriangle, Vartype
from ._base import Evaluation, _seed_label, kept_model

__all__ = ["MaxCut"]


class MaxCut:
    """A weighted max-cut instance on nodes 0..n-1.

    Parameters
    ----------
    n : int
        Number of nodes (≥ 1).
    edges : array_like of shape (m, 2)
        0-based node pairs. A pair listed more than once has its weights added; self-loops are refused
        (they can never be cut).
    weights : array_like of shape (m,), optional
        Edge weights (default 1). May be negative; must be finite.
    name : str, optional
        A label for reports.

    Examples
    --------
    >>> from hopopt import MaxCut
    >>> square = MaxCut(4, [(0, 1), (1, 2), (2, 3), (3, 0)])
    >>> square.evaluate([0, 1, 0, 1]).objective
    4.0
    >>> float(square.to_model().energy([-1, 1, -1, 1]))
    -4.0
    """

    sense = "max"

    def __init__(self, n, edges, weights=None, name="maxcut"):
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(f"n (number of nodes) must be an integer ≥ 1, got {n!r}")
        edges = np.asarray(edges, dtype=np.int64) if len(edges) else np.empty((0, 2), dtype=np.int64)
        if edges.ndim != 2 or edges.shape[1] != 2:
            raise ValueError(f"edges must be a list of (i, j) pairs, got an array of shape {edges.shape}")
        weights = np.ones(len(edges)) if weights is None else np.asarray(weights, dtype=np.float64).reshape(-1)
        if weights.shape != (len(edges),):
            raise ValueError(f"weights must have one value per edge ({len(edges)}), got {weights.size}")
        if not np.all(np.isfinite(weights)):
            bad = int(np.flatnonzero(~np.isfinite(weights))[0])
            raise ValueError(f"edge weights must be finite, got {weights[bad]} on edge {tuple(edges[bad])}")
        if edges.size and (edges.min() < 0 or edges.max() >= n):
            bad = int(np.flatnonzero((edges < 0).any(axis=1) | (edges >= n).any(axis=1))[0])
            raise ValueError(f"edge {tuple(int(v) for v in edges[bad])} has a node outside 0..{n - 1}")
        loops = edges[:, 0] == edges[:, 1]
        if np.any(loops):
            raise ValueError(f"self-loop on node {int(edges[loops][0, 0])}: a loop can never be cut")
        # merge repeated pairs so every edge appears once as (low, high), in row-major order
        low, high = np.minimum(edges[:, 0], edges[:, 1]), np.maximum(edges[:, 0], edges[:, 1])
        keys = low * int(n) + high
        if np.all(keys[1:] > keys[:-1]) and np.all(weights != 0):
            # already canonical (a generator's or a sorted file's edges): skip the sparse round trip, which
            # cost most of a second on a 6-million-edge graph
            self.edges = np.stack([low, high], axis=1)
            self.weights = weights.copy()
        else:
            merged = sp.coo_array((weights, (low, high)), shape=(n, n)).tocsr()
            merged.sum_duplicates()
            merged = merged.tocoo()
            self.edges = np.stack([merged.row, merged.col], axis=1).astype(np.int64)
            self.weights = merged.data.astype(np.float64)
        self.n = int(n)
        self.name = str(name)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_edges(cls, n, edges, weights=None, name="maxcut"):
        """Same as the constructor; reads well beside the other ``from_*`` methods.

        Parameters
        ----------
        n, edges, weights, name
            As :class:`MaxCut` takes them.

        Returns
        -------
        MaxCut
        """
        return cls(n, edges, weights, name)

    @classmethod
    def from_networkx(cls, graph, weight="weight", name=None):
        """From a networkx graph; nodes are numbered 0..n-1 in ``graph.nodes`` order (kept in ``labels``).

        Parameters
        ----------
        graph : networkx.Graph
            An undirected graph with at least one node (a directed one is a ValueError).
        weight : str
            The edge attribute holding the weight; an edge without it weighs 1.
        name : str, optional
            Default: the graph's name, else ``"maxcut"``.

        Returns
        -------
        MaxCut
            Its ``labels`` hold the networkx node of each position.

        Examples
        --------
        >>> import networkx as nx
        >>> from hopopt import MaxCut
        >>> MaxCut.from_networkx(nx.cycle_graph(5)).n
        5
        """
        if graph.is_directed():
            raise ValueError("max-cut needs an undirected graph, got a directed one")
        labels = list(graph.nodes)
        if not labels:
            raise ValueError("the graph has no nodes (n = 0)")
        index = {label: position for position, label in enumerate(labels)}
        edges = [(index[u], index[v]) for u, v in graph.edges()]
        weights = [data.get(weight, 1.0) for _, _, data in graph.edges(data=True)]
        problem = cls(len(labels), edges, weights, name or graph.name or "maxcut")
        problem.labels = labels
        return problem

    @classmethod
    def random(cls, n, p=0.5, *, rng=None, weights="unit"):
        """An Erdős–Rényi G(n, p) graph with unit weights, or ±1 weights with ``weights="signed"``.

        Parameters
        ----------
        n : int
            Number of nodes.
        p : float
            Probability of each edge, in [0, 1].
        rng : None, int or numpy.random.Generator
            Seed of the graph (and of the signs).
        weights : {"unit", "signed"}
            Every weight 1, or each ±1 with equal probability.

        Returns
        -------
        MaxCut
            Named ``random:n=…,p=…,seed=…``.

        Examples
        --------
        >>> from hopopt import MaxCut
        >>> MaxCut.random(10, 0.5, rng=1).n
        10
        """
        if not 0.0 <= float(p) <= 1.0:
            raise ValueError(f"p (edge probability) must be in [0, 1], got {p}")
        if weights not in ("unit", "signed"):
            raise ValueError(f"weights must be 'unit' or 'signed', got {weights!r}")
        generator = np.random.default_rng(rng)
        # networkx's gnp_random_graph, drawn with numpy (same edges for the same seed, seconds faster when large)
        edges = gnp_edges(n, p, seed=int(generator.integers(2**31)))
        values = np.ones(len(edges))
        if weights == "signed":
            values = generator.choice([-1.0, 1.0], size=values.size)
        return cls(n, edges, values, name=f"random:n={n},p={p},seed={_seed_label(rng)}")

    @property
    def n_variables(self) -> int:
        """Neurons of the encoding: one spin per node."""
        return self.n

    def to_networkx(self):
        """The instance as a weighted ``networkx.Graph``."""
        import networkx as nx  # a tenth of a second: only when a graph is asked for
        graph = nx.Graph(name=self.name)
        graph.add_nodes_from(range(self.n))
        graph.add_weighted_edges_from((int(i), int(j), float(w)) for (i, j), w in zip(self.edges, self.weights))
        return graph

    # ------------------------------------------------------------------ encode / decode / evaluate
    @property
    def total_weight(self) -> float:
        """Sum of all edge weights (the cut of a partition cutting every edge)."""
        return float(self.weights.sum())

    def to_model(self) -> EnergyModel:
        """The spin model with ``E(s) = −cut(s)`` (sparse W, see the module docstring)."""
        # kept while the instance's arrays stay the same objects (kept_model)
        return kept_model(self, (self.n, self.edges, self.weights, self.name), self._build_model)

    def _build_model(self):
        # the edges are canonical (i < j, sorted, merged): the model mirrors them without a symmetry check
        weights = UpperTriangle(self.n, self.edges[:, 0], self.edges[:, 1], -0.5 * self.weights)
        return EnergyModel(weights, None, -0.5 * self.total_weight, Vartype.SPIN,
                           {"problem": "maxcut", "instance": self.name, "objective": "-energy"})

    def decode(self, state) -> np.ndarray:
        """Sides (0/1 per node) from a spin state (+1 → side 1) or a binary state (used as is).

        Parameters
        ----------
        state : array_like, shape (n,)
            Spins (−1/+1) or binary values (0/1).

        Returns
        -------
        ndarray of int8, shape (n,)
            The side of each node.
        """
        state = np.asarray(state).reshape(-1)
        if state.shape != (self.n,):
            raise ValueError(f"state must have {self.n} entries, got {state.size}")
        # spin +1 and binary 1 both mean side 1; spin -1 and binary 0 both mean side 0
        if not (np.all(np.isin(state, (-1, 1))) or np.all(np.isin(state, (0, 1)))):
            raise ValueError("state must hold spins (-1/+1) or binary values (0/1)")
        return (state > 0).astype(np.int8)

    def encode(self, sides) -> np.ndarray:
        """The spin state of a partition: side 1 → +1, side 0 → −1 (so ``decode(encode(sides)) == sides``).

        Parameters
        ----------
        sides : array_like of 0/1, shape (n,)
            The side of each node.

        Returns
        -------
        ndarray of int8, shape (n,)
            The spin state.
        """
        return (2 * self._check_sides(sides) - 1).astype(np.int8)

    def cut_weight(self, sides) -> float:
        """Total weight of the edges whose ends lie on different sides.

        Parameters
        ----------
        sides : array_like of 0/1, shape (n,)
            The side of each node.

        Returns
        -------
        float
        """
        sides = self._check_sides(sides)
        crossing = sides[self.edges[:, 0]] != sides[self.edges[:, 1]]
        return float(self.weights[crossing].sum())

    def evaluate(self, sides) -> Evaluation:
        """Cut weight of a partition; every partition is feasible.

        Parameters
        ----------
        sides : array_like of 0/1, shape (n,)
            The side of each node.

        Returns
        -------
        Evaluation

        Examples
        --------
        >>> from hopopt import MaxCut
        >>> MaxCut(3, [(0, 1), (1, 2)], [2.0, -1.0]).evaluate([0, 1, 1]).objective
        2.0
        """
        return Evaluation(self.cut_weight(sides), True, (), "max")

    def objective_from_energy(self, energy: float) -> float:
        """The cut weight of any state with this energy (``cut = −E``).

        Parameters
        ----------
        energy : float
            The energy of a state of :meth:`to_model`'s model.

        Returns
        -------
        float
            The cut weight.
        """
        return -float(energy)

    def _check_sides(self, sides):
        sides = np.asarray(sides).reshape(-1)
        if sides.shape != (self.n,):
            raise ValueError(f"a max-cut solution needs one side per node ({self.n}), got {sides.size}")
        if not np.all(np.isin(sides, (0, 1))):
            raise ValueError("a max-cut solution must give side 0 or 1 for every node")
        return sides.astype(np.int8)

    def energy_terms(self, sides, metadata) -> tuple[dict, list]:
        """The energy of a binary state (the sides) as its named terms, and the violations (none for max-cut).

        Parameters
        ----------
        sides : array_like of 0/1, shape (n,)
            The side of each node (a raw binary state).
        metadata : dict
            The model's metadata (not needed: max-cut has no penalty).

        Returns
        -------
        terms : dict of str to float
            Each named term's contribution to the energy.
        violations : list of str
            The violated constraints, one readable line each.

        Examples
        --------
        >>> from hopopt import MaxCut
        >>> MaxCut(3, [(0, 1), (1, 2)]).energy_terms([0, 1, 1], {})
        ({'cut': -1.0}, [])
        """
        sides = np.asarray(sides).reshape(-1)
        if sides.size != self.n:
            raise ValueError(f"a max-cut state has {self.n} entries, got {sides.size}")
        crossing = sides[self.edges[:, 0]] != sides[self.edges[:, 1]]
        return {"cut": -float(self.weights[crossing].sum())}, []

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
        return f"MaxCut(name={self.name!r}, n={self.n}, edges={len(self.edges)})"
