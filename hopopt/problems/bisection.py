"""Balanced graph bisection: split the nodes into two halves so that the weight of the edges between them is least.

Problem. A weighted graph on nodes 0..n-1; a spin ``s_v = +1`` puts node v on side 1, ``s_v = −1`` on side 0.
A bisection has equal sides, ``Σ_v s_v = 0``, when n is even; when n is odd the sides differ by one node,
``|Σ_v s_v| = 1`` (either side may be the bigger one). The objective is the cut weight
``cut(s) = Σ_{edges} w (1 − s_u s_v)/2``, minimised (``sense = "min"``). Negative weights are allowed.

Encoding (spin, penalty). With a balance penalty A::

    E(s) = cut(s) + A·((Σ_v s_v)² − r),        r = n mod 2,

so a balanced state pays nothing and ``E = cut`` on every bisection (``objective_from_energy`` is the
identity). Expanding ``(Σ s)² = n + 2 Σ_{u<v} s_u s_v`` into ``E = −½ sᵀWs + θᵀs + offset`` gives

* ``W_uv = w_uv/2 − 2A`` for every pair u ≠ v (``w_uv = 0`` for non-edges), so W is dense;
* ``θ = 0`` and ``offset = Σ w/2 + A·(n − r)``.

Penalty rule. Take any unbalanced state, ``|Σ s| = k`` with k ≥ 2 (k ≥ 3 when n is odd), and move one node
from the bigger side B to the smaller side S: the penalty changes by ``A((k−2)² − k²) = −4A(k−1)``, at most
``−4A`` (``−8A`` for odd n), while the cut changes by ``w(v, B) − w(v, S)`` for the node v moved. That is at
most the largest weighted degree ``Δ_w = max_v Σ_u |w_uv|``; and summed over all of B it is
``2·w(B, B) − w(B, S) ≤ 2·Σ|w|``, so the cheapest node of B, with |B| > n/2, costs less than ``4·Σ|w|/n``
(twice the average weighted degree). With ``D = min(Δ_w, 4·Σ|w|/n)``, whenever ``A > D/4`` (``D/8`` for odd n,
:meth:`GraphBisection.penalty_bound`) every unbalanced state has a single flip that strictly lowers E: no
unbalanced state is even a local minimum of single flips, every ground state is balanced, and the ground
states are exactly the minimum bisections. The automatic penalty is ``A = (D + m)/4`` (``/8`` for odd n), m the
smallest non-zero ``|w|`` (1 without edges), rounded up to a multiple of a power of two (so that integer weights
give exact float64 energies): just above the bound, since a larger A only raises the barriers
between bisections (a swap of two nodes passes through an unbalanced state costing about 4A).

The guarantee is for ground states; an annealer with single flips does better with a much lower A (on G14,
the automatic A ≈ 6 ends near a cut of 1900 in 10 s, A = 1/4 near 1100), so the bisection kind's anneal starts
low and raises A only while the best state is unbalanced (``hopopt.kinds.bisection.rising_penalty_anneal``).

Decoding repairs: while the sides differ by more than allowed, the node of the bigger side whose move raises the
cut least (ties: lowest index) moves to the other side.
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp

from ._graphs import gnp_edges
from ..model import EnergyModel, Vartype
from ._base import Evaluation, _seed_label, kept_model
from .maxcut import MaxCut

__all__ = ["GraphBisection"]

# recorded in the model's metadata, so a reader of the model sees why its ground states are bisections
_PENALTY_RULE = ("every single-flip local minimum (so every ground state) is balanced when penalty > "
                 "max weighted degree / 4 (/ 8 for odd n)")


class GraphBisection:
    """A balanced bisection instance on nodes 0..n-1: equal halves (±1 node for odd n), least cut weight.

    A solution gives every node a side, 0 or 1; its objective is the weight of the edges whose ends lie on
    different sides, and it is feasible when the sides hold ``⌊n/2⌋`` and ``⌈n/2⌉`` nodes.

    Parameters
    ----------
    n : int
        Number of nodes (≥ 1).
    edges : array_like of shape (m, 2)
        0-based node pairs. A pair listed more than once has its weights added; self-loops are refused.
    weights : array_like of shape (m,), optional
        Edge weights (default 1); finite, may be negative.
    name : str, optional
        A label for reports.
    penalty : float, optional
        The balance penalty A of :meth:`to_model`; default the rule in the module docstring.

    Examples
    --------
    >>> from hopopt.problems.bisection import GraphBisection
    >>> square = GraphBisection(4, [(0, 1), (1, 2), (2, 3), (3, 0)])
    >>> square.evaluate([0, 0, 1, 1]).objective
    2.0
    >>> square.evaluate([0, 0, 0, 1]).feasible
    False
    >>> float(square.to_model().energy([-1, -1, 1, 1]))
    2.0
    """

    sense = "min"

    def __init__(self, n, edges, weights=None, name="bisection", penalty=None):
        # the max-cut constructor checks and merges the edge list the same way (one edge per pair)
        graph = MaxCut(n, edges, weights, name)
        self._graph = graph  # the cut itself is max-cut's: one definition of it
        self.n = graph.n
        self.edges = graph.edges
        self.weights = graph.weights
        self.name = str(name)
        if penalty is not None:
            penalty = float(penalty)
            if not (np.isfinite(penalty) and penalty > 0):
                raise ValueError(f"penalty must be a positive finite number, got {penalty}")
        self.penalty = penalty
        both_rows = np.concatenate([self.edges[:, 0], self.edges[:, 1]])
        both_cols = np.concatenate([self.edges[:, 1], self.edges[:, 0]])
        self._adjacency = sp.csr_array((np.concatenate([self.weights, self.weights]), (both_rows, both_cols)),
                                       shape=(self.n, self.n))
        self.weighted_degrees = np.asarray(abs(self._adjacency).sum(axis=1)).reshape(-1)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_edges(cls, n, edges, weights=None, name="bisection", penalty=None):
        """Same as the constructor; reads well beside the other ``from_*`` methods.

        Parameters
        ----------
        n, edges, weights, name, penalty
            As :class:`GraphBisection` takes them.

        Returns
        -------
        GraphBisection
        """
        return cls(n, edges, weights, name, penalty)

    @classmethod
    def from_edgelist(cls, graph, name=None, penalty=None):
        """From an :class:`~hopopt.io.EdgeList` (:func:`hopopt.io.read_gset`, :func:`hopopt.io.read_dimacs`).

        Parameters
        ----------
        graph : EdgeList
            Nodes, edges and edge weights, as the graph readers return them.
        name : str, optional
            Default: the graph's name.
        penalty : float, optional
            As :class:`GraphBisection` takes it.

        Returns
        -------
        GraphBisection

        Examples
        --------
        >>> from hopopt.io import EdgeList
        >>> from hopopt.problems.bisection import GraphBisection
        >>> GraphBisection.from_edgelist(EdgeList(4, [[0, 1], [2, 3]], [1.0, 2.0], "pairs")).name
        'pairs'
        """
        return cls(graph.n, graph.edges, graph.weights, name or graph.name, penalty)

    @classmethod
    def from_networkx(cls, graph, weight="weight", name=None, penalty=None):
        """From an undirected networkx graph; nodes are numbered 0..n-1 in ``graph.nodes`` order (kept in
        ``labels``).

        Parameters
        ----------
        graph : networkx.Graph
            An undirected graph with at least one node.
        weight : str
            The edge attribute holding the weight; an edge without it weighs 1.
        name : str, optional
            Default: the graph's name, else ``"bisection"``.
        penalty : float, optional
            As :class:`GraphBisection` takes it.

        Returns
        -------
        GraphBisection

        Examples
        --------
        >>> import networkx as nx
        >>> from hopopt.problems.bisection import GraphBisection
        >>> GraphBisection.from_networkx(nx.cycle_graph(6)).n
        6
        """
        if graph.is_directed():
            raise ValueError("bisection needs an undirected graph, got a directed one")
        labels = list(graph.nodes)
        if not labels:
            raise ValueError("n (number of nodes) must be an integer ≥ 1, got a graph with no nodes")
        index = {label: position for position, label in enumerate(labels)}
        edges = [(index[u], index[v]) for u, v in graph.edges()]
        weights = [data.get(weight, 1.0) for _, _, data in graph.edges(data=True)]
        problem = cls(len(labels), edges, weights, name or graph.name or "bisection", penalty)
        problem.labels = labels
        return problem

    @classmethod
    def random(cls, n, p=0.5, *, rng=None):
        """An Erdős–Rényi G(n, p) graph with unit weights.

        Parameters
        ----------
        n : int
            Number of nodes (≥ 1).
        p : float
            Edge probability in [0, 1].
        rng : None, int or numpy.random.Generator
            SPEC 7 seed: the same rng gives the same instance.

        Examples
        --------
        >>> from hopopt.problems.bisection import GraphBisection
        >>> GraphBisection.random(10, 0.3, rng=1).n
        10
        """
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(f"n (number of nodes) must be an integer ≥ 1, got {n!r}")
        if not 0.0 <= float(p) <= 1.0:
            raise ValueError(f"p (edge probability) must be in [0, 1], got {p}")
        generator = np.random.default_rng(rng)
        edges = gnp_edges(int(n), float(p), seed=int(generator.integers(2**31)))  # networkx's G(n, p), faster
        return cls(int(n), edges, None, name=f"random:n={n},p={p},seed={_seed_label(rng)}")

    @property
    def n_variables(self) -> int:
        """Neurons of the encoding: one spin per node."""
        return self.n

    def to_networkx(self) -> nx.Graph:
        """The instance as a weighted ``networkx.Graph`` on nodes 0..n-1."""
        import networkx as nx  # a tenth of a second: only when a graph is asked for
        graph = nx.Graph(name=self.name)
        graph.add_nodes_from(range(self.n))
        graph.add_weighted_edges_from((int(i), int(j), float(w)) for (i, j), w in zip(self.edges, self.weights))
        return graph

    # ------------------------------------------------------------------ sizes and penalty
    @property
    def side_sizes(self) -> tuple[int, int]:
        """The sizes a bisection's sides must have: ``(⌊n/2⌋, ⌈n/2⌉)`` in either order."""
        return self.n // 2, self.n - self.n // 2

    @property
    def max_weighted_degree(self) -> float:
        """``Δ_w = max_v Σ_u |w_uv|``: the most a single move can change the cut by."""
        return float(self.weighted_degrees.max()) if self.n else 0.0

    @property
    def move_cost_bound(self) -> float:
        """``D = min(Δ_w, 4·Σ|w|/n)``: a bound on the cheapest move off the bigger side of any unbalanced state.

        Any move changes the cut by at most ``Δ_w``; and the moves of the bigger side's nodes change it by
        ``2·w(B, B) − w(B, S)`` together, at most ``2·Σ|w|``, over more than n/2 nodes, so the cheapest by less
        than ``4·Σ|w|/n`` (see the module docstring).
        """
        total = float(np.abs(self.weights).sum())
        return min(self.max_weighted_degree, 4.0 * total / self.n)

    def penalty_bound(self) -> float:
        """The penalty above which every ground state (indeed every single-flip local minimum) is balanced:
        ``D/4``, or ``D/8`` for odd n, with ``D`` = :attr:`move_cost_bound` (see the module docstring).

        Examples
        --------
        >>> from hopopt.problems.bisection import GraphBisection
        >>> GraphBisection(4, [(0, 1), (1, 2), (2, 3)]).penalty_bound()  # Δ_w = 2, 4·3/4 = 3: D = 2
        0.5
        """
        return self.move_cost_bound / (8.0 if self.n % 2 else 4.0)

    def default_penalty(self) -> float:
        """The automatic penalty ``(D + m)/4`` (``/8`` for odd n), m the smallest non-zero ``|w|`` (1 if none),
        rounded up to a multiple of a power of two near m/8, so that integer weights keep every energy exact.

        Examples
        --------
        >>> from hopopt.problems.bisection import GraphBisection
        >>> GraphBisection(4, [(0, 1), (1, 2), (2, 3)]).default_penalty()  # (2 + 1)/4
        0.75
        """
        magnitudes = np.abs(self.weights[self.weights != 0])
        smallest = float(magnitudes.min()) if magnitudes.size else 1.0
        raw = (self.move_cost_bound + smallest) / (8.0 if self.n % 2 else 4.0)
        quantum = 2.0 ** (np.floor(np.log2(smallest)) - 3)
        return float(np.ceil(raw / quantum) * quantum)

    # ------------------------------------------------------------------ encode / decode / evaluate
    def to_model(self, penalty=None) -> EnergyModel:
        """The spin model ``E = cut + A((Σs)² − n mod 2)`` (dense W, see the module docstring).

        Parameters
        ----------
        penalty : float, optional
            A; default the instance's ``penalty`` if it was given, else :meth:`default_penalty`.

        Examples
        --------
        >>> from hopopt.problems.bisection import GraphBisection
        >>> model = GraphBisection(2, [(0, 1)], [3.0]).to_model()
        >>> model.metadata["penalty"], float(model.energy([1, -1])), float(model.energy([1, 1]))
        (1.5, 3.0, 6.0)
        """
        if penalty is None:
            penalty = self.penalty if self.penalty is not None else self.default_penalty()
        penalty = float(penalty)
        if not (np.isfinite(penalty) and penalty > 0):
            raise ValueError(f"penalty must be a positive finite number, got {penalty}")
        # kept for the last penalty (kept_model): a dense model, 0.3 s at 3000 nodes
        return kept_model(self, (penalty, self.name, self.weights), lambda: self._build_model(penalty))

    def _build_model(self, penalty):
        weights = self._adjacency.toarray() / 2.0 - 2.0 * penalty
        np.fill_diagonal(weights, 0.0)
        remainder = self.n % 2
        offset = float(self.weights.sum()) / 2.0 + penalty * (self.n - remainder)
        metadata = {"problem": "bisection", "instance": self.name, "objective": "energy (the cut) on bisections",
                    "penalty": penalty, "penalty_bound": self.penalty_bound(), "penalty_rule": _PENALTY_RULE}
        return EnergyModel(weights, None, offset, Vartype.SPIN, metadata)

    def _sides_of_state(self, state) -> np.ndarray:
        state = np.asarray(state).reshape(-1)
        if state.shape != (self.n,):
            raise ValueError(f"state must have {self.n} entries (one per node), got {state.size}")
        if not (np.all(np.isin(state, (-1, 1))) or np.all(np.isin(state, (0, 1)))):
            raise ValueError("state must hold spins (-1/+1) or binary values (0/1)")
        return (state > 0).astype(np.int8)

    def state_violations(self, state) -> list[str]:
        """The balance violation of a raw state (spins or binary), as a readable line; empty when balanced.

        Parameters
        ----------
        state : array_like, shape (n,)
            Spins (−1/+1) or binary values (0/1).

        Returns
        -------
        list of str

        Examples
        --------
        >>> from hopopt.problems.bisection import GraphBisection
        >>> GraphBisection(4, [(0, 1)]).state_violations([1, 1, 1, -1])
        ['side 1 has 3 nodes and side 0 has 1: a bisection of 4 nodes needs 2 and 2']
        """
        return self._balance_violations(self._sides_of_state(state))

    def _balance_violations(self, sides) -> list[str]:
        ones = int(sides.sum())
        zeros = self.n - ones
        if abs(ones - zeros) <= self.n % 2:
            return []
        small, large = self.side_sizes
        return [f"side 1 has {ones} nodes and side 0 has {zeros}: a bisection of {self.n} nodes needs "
                f"{small} and {large}"]

    def decode(self, state, repair=True) -> np.ndarray:
        """Sides (0/1 per node) from a spin state (+1 → side 1) or a binary state, repaired to a bisection.

        With ``repair=True`` (default) an unbalanced state is repaired by :meth:`repair`; with
        ``repair=False`` a ValueError names the imbalance.

        Parameters
        ----------
        state : array_like, shape (n,)
            Spins (−1/+1) or binary values (0/1).
        repair : bool
            Repair an unbalanced state (True), or refuse it with a ValueError (False).

        Returns
        -------
        ndarray of int8, shape (n,)
            The side of each node, balanced.

        Examples
        --------
        >>> from hopopt.problems.bisection import GraphBisection
        >>> path = GraphBisection(4, [(0, 1), (1, 2), (2, 3)])
        >>> path.decode([1, 1, 1, 1]).tolist()  # all on side 1: node 0 and then node 1 move (cut 1)
        [0, 0, 1, 1]
        """
        sides = self._sides_of_state(state)
        violations = self._balance_violations(sides)
        if not violations:
            return sides
        if not repair:
            raise ValueError("state is not a bisection: " + violations[0])
        return self.repair(sides)

    def repair(self, sides) -> np.ndarray:
        """Balance ``sides`` greedily: move the bigger side's node whose move raises the cut least, repeatedly.

        Each move changes the cut by (weight to the node's own side) − (weight to the other side); the
        cheapest is taken, ties to the lowest index. Balanced input comes back unchanged.

        Parameters
        ----------
        sides : array_like, shape (n,)
            Sides 0/1 (or spins −1/+1) of every node.

        Returns
        -------
        ndarray of int8, shape (n,)
            Balanced sides (a new array).

        Examples
        --------
        >>> from hopopt.problems.bisection import GraphBisection
        >>> GraphBisection(4, [(0, 1), (2, 3)]).repair([1, 1, 1, 0]).tolist()  # node 2 joins node 3
        [1, 1, 0, 0]
        """
        sides = np.array(self._sides_of_state(sides), dtype=np.int8)
        adjacency = self._adjacency
        # weight from each node to side 1, and to side 0 (signed weights)
        total = np.asarray(adjacency.sum(axis=1)).reshape(-1)
        to_ones = adjacency @ sides.astype(np.float64)
        while True:
            ones = int(sides.sum())
            surplus = ones - (self.n - ones)
            if abs(surplus) <= self.n % 2:
                return sides
            big = 1 if surplus > 0 else 0
            to_own = to_ones if big == 1 else total - to_ones
            cost = np.where(sides == big, to_own - (total - to_own), np.inf)
            node = int(np.argmin(cost))
            sides[node] = 1 - big
            # the node's row is its column (W is symmetric), and CSR hands out rows cheaply
            row = adjacency[[node], :].toarray().reshape(-1)
            to_ones = to_ones + (row if big == 0 else -row)

    def encode(self, sides) -> np.ndarray:
        """The spin state of a side assignment: side 1 → +1, side 0 → −1 (``decode(encode(s)) == s`` for
        every bisection s).

        Parameters
        ----------
        sides : array_like of 0/1, shape (n,)
            The side of each node.

        Returns
        -------
        ndarray of int8, shape (n,)
            The spin state.
        """
        return self._graph.encode(self._check_sides(sides))

    def solution_energy(self, sides) -> float:
        """The energy of a partition's state in :meth:`to_model` (default penalty), without building the dense
        model: its cut plus A((Σs)² − n mod 2), which is the cut alone on a bisection. The command reports it
        after the deadline, when building a 3000-node model took 0.3 s.

        Parameters
        ----------
        sides : array_like of 0/1, shape (n,)
            The side of each node.

        Returns
        -------
        float

        Examples
        --------
        >>> from hopopt.problems.bisection import GraphBisection
        >>> problem = GraphBisection(4, [(0, 1), (1, 2), (2, 3)], [1.0, 2.0, 3.0])
        >>> problem.solution_energy([0, 0, 1, 1]), float(problem.to_model().energy([-1, -1, 1, 1]))
        (2.0, 2.0)
        """
        sides = self._check_sides(sides)
        penalty = float(self.penalty if self.penalty is not None else self.default_penalty())
        total = int(np.sum(2 * sides.astype(np.int64) - 1))
        return float(self.cut_weight(sides) + penalty * (total * total - self.n % 2))

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
        return self._graph.cut_weight(self._check_sides(sides))

    def evaluate(self, sides) -> Evaluation:
        """Cut weight of a side assignment, feasible when the sides are balanced.

        Parameters
        ----------
        sides : array_like of 0/1, shape (n,)
            The side of each node.

        Returns
        -------
        Evaluation

        Examples
        --------
        >>> from hopopt.problems.bisection import GraphBisection
        >>> evaluation = GraphBisection(3, [(0, 1), (1, 2)]).evaluate([1, 1, 1])
        >>> evaluation.objective, evaluation.feasible
        (0.0, False)
        >>> evaluation.violations
        ('side 1 has 3 nodes and side 0 has 0: a bisection of 3 nodes needs 1 and 2',)
        """
        sides = self._check_sides(sides)
        violations = tuple(self._balance_violations(sides))
        return Evaluation(self.cut_weight(sides), not violations, violations, "min")

    def objective_from_energy(self, energy: float) -> float:
        """The cut of a bisection with this energy: the energy itself (the penalty vanishes on bisections).

        Parameters
        ----------
        energy : float
            The energy of a bisection's state of :meth:`to_model`'s model.

        Returns
        -------
        float
            The objective.
        """
        return float(energy)

    def _check_sides(self, sides):
        sides = np.asarray(sides).reshape(-1)
        if sides.shape != (self.n,):
            raise ValueError(f"a bisection needs one side per node ({self.n}), got {sides.size}")
        if not np.all(np.isin(sides, (0, 1))):
            raise ValueError("a bisection must give side 0 or 1 for every node")
        return sides.astype(np.int8)

    def energy_terms(self, sides, metadata) -> tuple[dict, list]:
        """The energy of a binary state (the sides) as the cut and the balance penalty, with the violation.

        Parameters
        ----------
        sides : array_like of 0/1, shape (n,)
            The side of each node. (a raw binary state).
        metadata : dict
            The model's metadata (its ``penalty``; default :meth:`default_penalty`).

        Returns
        -------
        terms : dict of str to float
            Each named term's contribution to the energy.
        violations : list of str
            The violated constraints, one readable line each.

        Examples
        --------
        >>> from hopopt.problems.bisection import GraphBisection
        >>> terms, violations = GraphBisection(4, [(0, 1), (1, 2)]).energy_terms([1, 1, 1, 0], {"penalty": 0.75})
        >>> terms
        {'cut': 0.0, 'balance penalty': 3.0}
        >>> violations
        ['side 1 has 3 nodes and side 0 has 1: a bisection of 4 nodes needs 2 and 2']
        """
        sides = np.asarray(sides).reshape(-1)
        if sides.size != self.n:
            raise ValueError(f"a bisection state has {self.n} entries, got {sides.size}")
        sides = sides.astype(np.int8)
        penalty = float(metadata.get("penalty", self.default_penalty()))
        crossing = sides[self.edges[:, 0]] != sides[self.edges[:, 1]]
        imbalance = 2 * int(sides.sum()) - self.n  # Σ s
        balance = penalty * (imbalance * imbalance - self.n % 2)
        return {"cut": float(self.weights[crossing].sum()), "balance penalty": float(balance)}, \
            self._balance_violations(sides)

    def explain(self, state, model=None):
        """The energy of a raw model state split into cut and balance penalty, with the violation.

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
        return f"GraphBisection(name={self.name!r}, n={self.n}, edges={len(self.edges)})"
