"""The independent-set family: maximum (weight) independent set, minimum (weight) vertex cover, maximum clique.

All three choose a set of nodes of a graph with positive node weights w (default 1):

* an **independent set** has no edge inside it; the best has the largest total weight;
* a **vertex cover** touches every edge; the best has the smallest total weight. A set C is a cover exactly
  when V − C is independent, so ``weight(cover) = W − weight(independent set)`` with ``W = Σ_v w_v``;
* a **clique** has every pair of its nodes joined; the best has the largest total weight. A clique of G is an
  independent set of the complement graph Ḡ (the node pairs that are *not* edges of G).

One binary variable per node: ``x_v = 1`` when v is in the set (in the cover, in the clique).

Encodings (binary, expanded exactly into ``E = −½ xᵀWx + θᵀx + offset``; a pair term ``q·x_u x_v`` is
``W_uv = W_vu = −q``):

* independent set: ``E = −Σ_v w_v x_v + P Σ_{(u,v)∈E} x_u x_v``, so ``W_uv = −P`` on edges, ``θ = −w``,
  ``offset = 0``; on an independent set ``E = −weight``;
* vertex cover, encoded directly as a cover: ``E = Σ_v w_v x_v + P Σ_{(u,v)∈E} (1 − x_u)(1 − x_v)``. Since
  ``(1 − x_u)(1 − x_v) = 1 − x_u − x_v + x_u x_v``: ``W_uv = −P`` on edges, ``θ_v = w_v − P·deg(v)``,
  ``offset = P·m``; on a cover ``E = weight``. With ``y = 1 − x`` (the nodes left out) it is
  ``W + E_independent(y)``: the two models are the same landscape turned inside out;
* clique: the independent-set energy of the complement graph, ``E = −Σ_v w_v x_v + P Σ_{(u,v)∉E} x_u x_v``;
  on a clique ``E = −weight``.

Penalty rule. Call the pairs that may not both be "in" (edges for the independent set, non-edges for the
clique; for the cover the edges with both ends *out*) *conflicts*. Every ground state is feasible, and so is
every local minimum of single flips, when

    P > max over conflicting pairs (u, v) of min(w_u, w_v)        (in particular when P > max_v w_v):

in a state with a conflict (u, v), let u be its lighter end; taking u out of the set (for the cover: putting
it into the cover) changes E by ``w_u − P·c_u ≤ w_u − P < 0``, where ``c_u ≥ 1`` counts u's conflicts. So a
state with a conflict always has a single flip that lowers E strictly. The bound is tight: on one edge with
unit weights and P = 1 the set {u, v} has the same energy (−1) as {u}. :meth:`penalty_bound` returns the
bound; the default penalty is 9/8 of it (1 when there are no conflicts, where P multiplies nothing): 9/8 is
exact in binary, so with integer weights every energy is an exact multiple of 1/8 and a feasible state's
objective comes back from its energy without rounding.

Why so close to the bound: exchanging a node of the set for a neighbour costs single-flip moves a barrier of
about ``P − w`` (add the neighbour first) or ``w`` (remove first), so a lower P lets an anneal move between
sets more easily. Measured during development (2 shared cores, 6 seeds, 2 s anneals each) on le450_15a, whose
maximum independent set is 75: P = 1.1 found 75 in 6 of 6 runs, P = 1.125 in 5, P = 1.25 in 4, P = 1.5 in 1
and P = 2 (dimod's ``maximum_weight_independent_set`` strength) in 1, mean 73.3; on a weighted G(300, 0.05)
the mean set weight was 483.7 with P = 1.1·bound against 479.3 with P = 2·bound.

Decoding repairs, so every state decodes to a feasible solution: while a conflict remains, the node that
removes conflicts most cheaply (least ``w_v / c_v``) is dropped (for the cover: added); then, while some node
can join without a conflict, the one with the largest ``w_v / (conflict degree + 1)`` joins (for the cover: a
node whose neighbours are all in the cover leaves it, heaviest first). The result is a maximal independent set
(a maximal clique, a minimal cover), and decoding its own encoding gives it back unchanged.
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp

from ._graphs import gnp_edges
from ..model import EnergyModel, UpperTriangle, Vartype
from ._base import (Evaluation, MAX_VIOLATION_LINES, _seed_label, capped, check_edges, check_penalty,
                    kept_model)

__all__ = ["MaximumIndependentSet", "MinimumVertexCover", "MaximumClique"]

# The default penalty is this many times penalty_bound() (why 9/8: the module docstring).
_PENALTY_MARGIN = 1.125
# Memory of one complement edge in a clique encoding: the int64 pair (16 bytes), the symmetric CSR adjacency
# (2 × (8-byte value + 4-byte index)) and the model's W (the same again), rounded up.
_BYTES_PER_COMPLEMENT_EDGE = 64
# Complements whose encoding would need more than this are refused (the estimate is in the message).
_MAX_COMPLEMENT_BYTES = 2 * 1024**3
# Largest integer weight of random instances with weighted=True (weights are drawn from 1..this).
_RANDOM_WEIGHT_MAX = 10


class _NodeSetProblem:
    """What the three problems share: a node-weighted graph, the conflict graph and the independent-set core.

    Subclasses set ``sense``, ``_label`` and how a solution relates to an independent set ``y`` of the
    conflict graph (``_complemented``: the cover is ``1 − y``; otherwise the solution is ``y``).
    """

    sense = "max"
    _label = "set"
    _problem = "node set"
    _complemented = False

    def __init__(self, n, edges, weights=None, name=None, penalty=None):
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(f"n (number of nodes) must be an integer ≥ 1, got {n!r}")
        self.n = int(n)
        self.edges = check_edges(edges, self.n, "a node cannot be its own neighbour here")
        self.weights = _check_weights(weights, self.n)
        self.name = str(name if name is not None else self._problem)
        self.penalty = None if penalty is None else check_penalty(penalty)
        self.degrees = np.bincount(self.edges.reshape(-1), minlength=self.n).astype(np.int64)
        conflicts = self._conflict_edges()
        self._conflicts = conflicts
        # the conflicts' mirrored pattern, built once and shared by the adjacency and every model (to_model)
        self._conflict_pairs = UpperTriangle(self.n, conflicts[:, 0], conflicts[:, 1],
                                             np.ones(len(conflicts))).with_values(np.ones(len(conflicts)))
        self._conflict_matrix = _adjacency(conflicts, self.n, self._conflict_pairs)
        self._conflict_degrees = np.diff(self._conflict_matrix.indptr).astype(np.int64)

    def _conflict_edges(self) -> np.ndarray:
        """Pairs that may not both be in the independent set y (the edges; the non-edges for the clique)."""
        return self.edges

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_edges(cls, n, edges, weights=None, name=None, penalty=None):
        """Same as the constructor; reads well beside the other ``from_*`` methods.

        Parameters
        ----------
        n, edges, weights, name, penalty
            As the class takes them.

        Returns
        -------
        MaximumIndependentSet, MaximumClique or MinimumVertexCover
            An instance of the class it is called on.
        """
        return cls(n, edges, weights, name, penalty)

    @classmethod
    def from_networkx(cls, graph, weight="weight", name=None, penalty=None):
        """From an undirected networkx graph; node weights from the node attribute ``weight`` (default 1).

        Nodes are numbered 0..n-1 in ``graph.nodes`` order; the original labels are kept in ``labels``.

        Parameters
        ----------
        graph : networkx.Graph
            An undirected graph without self-loops, with at least one node.
        weight : str
            The node attribute holding the weight; a node without it weighs 1.
        name : str, optional
            Default: the graph's name.
        penalty : float, optional
            As the class takes it.

        Returns
        -------
        MaximumIndependentSet, MaximumClique or MinimumVertexCover
            An instance of the class it is called on; its ``labels`` hold the networkx node of each position.

        Examples
        --------
        >>> import networkx as nx
        >>> from hopopt.problems.independent_set import MaximumIndependentSet
        >>> graph = nx.path_graph(3)
        >>> graph.nodes[1]["weight"] = 5
        >>> MaximumIndependentSet.from_networkx(graph).weights.tolist()
        [1.0, 5.0, 1.0]
        """
        if graph.is_directed():
            raise ValueError(f"a {cls._problem} needs an undirected graph, got a directed one")
        labels = list(graph.nodes)
        if not labels:
            raise ValueError("n (number of nodes) must be an integer ≥ 1, got a graph with no nodes")
        index = {label: position for position, label in enumerate(labels)}
        loops = [u for u, v in graph.edges() if u == v]
        if loops:
            raise ValueError(f"self-loop on node {loops[0]!r}: a graph for {cls._problem} has none")
        edges = [(index[u], index[v]) for u, v in graph.edges()]
        weights = [data.get(weight, 1.0) for _, data in graph.nodes(data=True)]
        problem = cls(len(labels), edges, weights, name or graph.name or None, penalty)
        problem.labels = labels
        return problem

    @classmethod
    def from_edgelist(cls, graph, weights=None, name=None, penalty=None):
        """From an :class:`~hopopt.io.EdgeList` (e.g. :func:`hopopt.io.read_dimacs`); edge weights are ignored.

        Parameters
        ----------
        graph : EdgeList
            Nodes and edges, as the graph readers return them.
        weights : array_like of shape (n,), optional
            Node weights (default 1).
        name : str, optional
            Default: the graph's name.
        penalty : float, optional
            As the class takes it.

        Returns
        -------
        MaximumIndependentSet, MaximumClique or MinimumVertexCover
            An instance of the class it is called on.

        Examples
        --------
        >>> from hopopt.io import EdgeList
        >>> from hopopt.problems.independent_set import MinimumVertexCover
        >>> MinimumVertexCover.from_edgelist(EdgeList(3, [[0, 1], [1, 2]], [1.0, 1.0], "path")).name
        'path'
        """
        return cls(graph.n, graph.edges, weights, name or graph.name, penalty)

    @classmethod
    def random(cls, n, p=0.5, *, rng=None, weighted=False):
        """An Erdős–Rényi G(n, p) graph; unit node weights, or integers 1..10 with ``weighted=True``.

        Parameters
        ----------
        n : int
            Number of nodes.
        p : float
            Probability of each edge.
        rng : None, int or numpy.random.Generator
            SPEC 7 seed: the same rng gives the same instance.
        weighted : bool
            Draw node weights uniformly from the integers 1..10 instead of 1.

        Examples
        --------
        >>> from hopopt.problems.independent_set import MaximumIndependentSet
        >>> problem = MaximumIndependentSet.random(12, 0.3, rng=4, weighted=True)
        >>> problem.n, problem == MaximumIndependentSet.random(12, 0.3, rng=4, weighted=True)
        (12, True)
        """
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(f"n (number of nodes) must be an integer ≥ 1, got {n!r}")
        if not 0.0 <= float(p) <= 1.0:
            raise ValueError(f"p (edge probability) must be in [0, 1], got {p}")
        if weighted not in (0, 1, False, True):
            raise ValueError(f"weighted must be 0/1 (or a bool), got {weighted!r}")
        generator = np.random.default_rng(rng)
        edges = gnp_edges(int(n), float(p), seed=int(generator.integers(2**31)))  # networkx's G(n, p), faster
        weights = None
        if weighted:
            weights = generator.integers(1, _RANDOM_WEIGHT_MAX + 1, size=int(n)).astype(np.float64)
        label = f"random:n={n},p={p},seed={_seed_label(rng)}" + (",weighted=1" if weighted else "")
        return cls(int(n), edges, weights, name=label)

    @property
    def n_variables(self) -> int:
        """Neurons of the encoding: one per node."""
        return self.n

    @property
    def conflict_edges(self) -> np.ndarray:
        """The node pairs (u, v), u < v, that may not both be in the independent set behind a solution.

        The edges for the independent set and the vertex cover (whose left-out nodes form an independent
        set), the non-edges for the clique. Each row once.
        """
        return self._conflicts

    def from_independent_set(self, independent) -> np.ndarray:
        """The solution (0/1 per node) behind an independent set of the conflict graph: the set itself, or the
        nodes left out of it for the vertex cover.

        Parameters
        ----------
        independent : array_like of 0/1, shape (n,)
            An independent set of the conflict graph.

        Returns
        -------
        ndarray of int8, shape (n,)
            The chosen nodes.

        Examples
        --------
        >>> from hopopt.problems.independent_set import MinimumVertexCover
        >>> MinimumVertexCover(3, [(0, 1), (1, 2)]).from_independent_set([1, 0, 1]).tolist()
        [0, 1, 0]
        """
        chosen = self._check_solution(independent)
        return (1 - chosen).astype(np.int8) if self._complemented else chosen

    @property
    def total_weight(self) -> float:
        """W, the sum of all node weights."""
        return float(self.weights.sum())

    def to_networkx(self) -> nx.Graph:
        """The graph as a ``networkx.Graph`` on nodes 0..n-1 with the node weights as attribute ``weight``."""
        import networkx as nx  # a tenth of a second: only when a graph is asked for
        graph = nx.Graph(name=self.name)
        graph.add_nodes_from((v, {"weight": float(w)}) for v, w in enumerate(self.weights))
        graph.add_edges_from((int(u), int(v)) for u, v in self.edges)
        return graph

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return (self.n == other.n and np.array_equal(self.edges, other.edges)
                and np.array_equal(self.weights, other.weights) and self.penalty == other.penalty)

    __hash__ = None  # mutable arrays inside: equal instances need not hash alike

    def __repr__(self):
        return f"{type(self).__name__}(name={self.name!r}, n={self.n}, edges={len(self.edges)})"

    # ------------------------------------------------------------------ the penalty
    def penalty_bound(self) -> float:
        """The penalty above which every ground state (and single-flip local minimum) is feasible.

        ``max over conflicting pairs (u, v) of min(w_u, w_v)``, at most the largest weight (module docstring);
        0 when there are no conflicts.
        """
        if len(self._conflicts) == 0:
            return 0.0
        ends = self.weights[self._conflicts]
        return float(np.minimum(ends[:, 0], ends[:, 1]).max())

    def default_penalty(self) -> float:
        """The automatic penalty: 9/8 of :meth:`penalty_bound` (1 when there is no conflicting pair).

        Examples
        --------
        >>> from hopopt.problems.independent_set import MaximumIndependentSet
        >>> MaximumIndependentSet(3, [(0, 1), (1, 2)], [4, 2, 3]).default_penalty()  # bound max(min(4, 2), min(2, 3))
        2.25
        """
        bound = self.penalty_bound()
        return _PENALTY_MARGIN * bound if bound > 0 else 1.0

    def _chosen_penalty(self, penalty):
        chosen = self.penalty if penalty is None else check_penalty(penalty)
        automatic = chosen is None
        if automatic:
            chosen = self.default_penalty()
        bound = self.penalty_bound()
        if automatic and bound == 0:
            rule = "automatic: P = 1; there are no conflicting pairs, so P multiplies nothing"
        elif automatic:
            rule = (f"automatic: P = 9/8·bound = {chosen:g} > bound = max over conflicting pairs of the "
                    f"lighter weight = {bound:g}, so every ground state and every single-flip local minimum "
                    f"is feasible")
        elif chosen > bound:
            rule = (f"given: P = {chosen:g} > bound = {bound:g}, so every ground state and every single-flip "
                    f"local minimum is feasible")
        else:
            rule = (f"given: P = {chosen:g} ≤ bound = {bound:g}; ground states may violate the constraints "
                    f"(decode repairs them)")
        return float(chosen), rule

    # ------------------------------------------------------------------ encode
    def to_model(self, penalty=None) -> EnergyModel:
        """The binary model of the module docstring (sparse W, one variable per node).

        Parameters
        ----------
        penalty : float, optional
            P; default the ``penalty`` given at construction, else :meth:`default_penalty`.
            ``metadata["penalty_rule"]`` says whether ground states are then sure to be feasible.

        Returns
        -------
        EnergyModel
            Binary; ``metadata`` holds ``problem``, ``instance``, ``penalty`` and ``penalty_rule``.
        """
        chosen, rule = self._chosen_penalty(penalty)
        # kept for the last penalty (kept_model): seconds to build for millions of conflicts
        return kept_model(self, (chosen, self.name, self.weights), lambda: self._build_model(chosen, rule))

    def _build_model(self, chosen, rule):
        # the conflicts are distinct (low, high) pairs, sorted: mirrored into W without a symmetry check, which was
        # most of the cost of the model on G(5000, 0.5)
        weights = self._conflict_pairs.with_values(np.full(len(self._conflicts), -chosen))
        if self._complemented:
            # cover: θ_v = w_v − P·deg(v), offset P·m (module docstring)
            thresholds = self.weights - chosen * self._conflict_degrees
            offset = chosen * len(self._conflicts)
        else:
            thresholds = -self.weights
            offset = 0.0
        metadata = {"problem": self._problem_key, "instance": self.name, "penalty": chosen, "penalty_rule": rule,
                    "objective": self._objective_text}
        return EnergyModel(weights, thresholds, float(offset), Vartype.BINARY, metadata)

    def encode(self, solution, vartype="binary") -> np.ndarray:
        """The model state of a solution (0/1 per node): binary as is, or spins ``2x − 1``.

        Parameters
        ----------
        solution : array_like of 0/1, shape (n,)
            The chosen nodes.
        vartype : {"binary", "spin"} or Vartype
            The model's variable type.

        Returns
        -------
        ndarray of int8, shape (n,)

        Examples
        --------
        >>> from hopopt.problems.independent_set import MaximumIndependentSet
        >>> MaximumIndependentSet(3, [(0, 1)]).encode([1, 0, 1], vartype="spin").tolist()
        [1, -1, 1]
        """
        chosen = self._check_solution(solution)
        if str(getattr(vartype, "value", vartype)) == "spin":
            return (2 * chosen - 1).astype(np.int8)
        return chosen

    def objective_from_energy(self, energy) -> float:
        """The weight of a feasible solution whose state has this energy (``−E``; ``E`` for the cover).

        Parameters
        ----------
        energy : float
            The energy of a feasible state of :meth:`to_model`'s model.

        Returns
        -------
        float
            The objective.
        """
        return float(energy) if self._complemented else -float(energy)

    # ------------------------------------------------------------------ decode
    def decode(self, state, repair=True) -> np.ndarray:
        """The solution (0/1 per node) a model state stands for, repaired to a feasible one.

        Parameters
        ----------
        state : array_like, length n
            Spin (−1/+1) or binary (0/1) state; +1 and 1 mean "in the set".
        repair : bool, default True
            Resolve the conflicts greedily and then grow the set (shrink the cover) while that improves it
            (module docstring). With False the set is returned as the state has it, feasible or not.

        Examples
        --------
        >>> from hopopt.problems.independent_set import MaximumIndependentSet
        >>> path = MaximumIndependentSet(4, [(0, 1), (1, 2), (2, 3)])
        >>> path.decode([1, 1, 0, 0]).tolist()  # 0 and 1 conflict; 3 can join
        [0, 1, 0, 1]
        """
        state = np.asarray(state).reshape(-1)
        if state.shape != (self.n,):
            raise ValueError(f"state must have {self.n} entries (one per node), got {state.size}")
        # spin +1 and binary 1 both mean "in the set"; spin -1 and binary 0 both mean "not in it"
        if not (np.all(np.isin(state, (-1, 1))) or np.all(np.isin(state, (0, 1)))):
            raise ValueError("state must hold spins (-1/+1) or binary values (0/1)")
        chosen = (state > 0).astype(np.int8)
        return self.repair(chosen) if repair else chosen

    def repair(self, solution) -> np.ndarray:
        """A feasible solution made from any 0/1 vector by the greedy repair of the module docstring.

        A solution that is feasible and cannot be improved by adding (for the cover: removing) one node is
        returned unchanged, so the repair of a repaired solution is itself.

        Parameters
        ----------
        solution : array_like of 0/1, shape (n,)
            The chosen nodes.

        Returns
        -------
        ndarray of int8, shape (n,)
            A feasible solution (a new array).

        Examples
        --------
        >>> from hopopt.problems.independent_set import MinimumVertexCover
        >>> star = MinimumVertexCover(4, [(0, 1), (0, 2), (0, 3)])
        >>> star.repair([0, 0, 0, 0]).tolist()  # the centre covers every edge
        [1, 0, 0, 0]
        >>> star.repair([1, 1, 1, 1]).tolist()  # leaves whose edges are covered by 0 leave
        [1, 0, 0, 0]
        """
        chosen = self._check_solution(solution)
        independent = (1 - chosen if self._complemented else chosen).astype(bool)
        independent = _greedy_independent(independent, self.weights, self._conflict_matrix, self._conflict_degrees)
        result = independent.astype(np.int8)
        return (1 - result).astype(np.int8) if self._complemented else result

    # ------------------------------------------------------------------ evaluate and explain
    def set_weight(self, solution) -> float:
        """Total weight of the chosen nodes.

        Parameters
        ----------
        solution : array_like of 0/1, shape (n,)
            The chosen nodes.

        Returns
        -------
        float
        """
        return float(self.weights @ self._check_solution(solution))

    def evaluate(self, solution) -> Evaluation:
        """Weight of the chosen nodes, feasibility, and one line per violated constraint.

        Parameters
        ----------
        solution : array_like of 0/1, shape (n,)
            The chosen nodes.

        Returns
        -------
        Evaluation

        Examples
        --------
        >>> from hopopt.problems.independent_set import MaximumIndependentSet
        >>> triangle = MaximumIndependentSet(3, [(0, 1), (1, 2), (0, 2)])
        >>> found = triangle.evaluate([1, 1, 0])
        >>> found.objective, found.feasible, found.violations
        (2.0, False, ('edge (0, 1) has both ends in the independent set',))
        """
        chosen = self._check_solution(solution)
        violations = self._violations(chosen)
        return Evaluation(float(self.weights @ chosen), not violations, tuple(violations), self.sense,
                          extra={"size": int(chosen.sum())})

    def state_violations(self, state) -> list[str]:
        """Readable violated constraints of a raw model state (spins or binary), as :meth:`evaluate` lists.

        Parameters
        ----------
        state : array_like, shape (n,)
            Spins (−1/+1) or binary values (0/1).

        Returns
        -------
        list of str
        """
        return self._violations(self.decode(state, repair=False))

    def _violating_pairs(self, chosen) -> np.ndarray:
        """The conflicting pairs a 0/1 vector violates (both in y), as rows (u, v)."""
        independent = (1 - chosen) if self._complemented else chosen
        pairs = self._conflicts
        return pairs[(independent[pairs[:, 0]] == 1) & (independent[pairs[:, 1]] == 1)]

    def _violations(self, chosen) -> list[str]:
        pairs = self._violating_pairs(chosen)
        return capped([self._violation_line(int(u), int(v)) for u, v in pairs[:MAX_VIOLATION_LINES]],
                      total=len(pairs))

    def energy_terms(self, binary, metadata) -> tuple[dict, list]:
        """The energy of a binary state as its named terms (weight and penalty), and the violations.

        Parameters
        ----------
        binary : array_like, shape (n,)
            A raw state (entries above 0 count as chosen).
        metadata : dict
            The model's metadata (its ``penalty``; default the instance's own).

        Returns
        -------
        terms : dict of str to float
            Each named term's contribution to the energy.
        violations : list of str
            The violated constraints, one readable line each.

        Examples
        --------
        >>> from hopopt.problems.independent_set import MaximumIndependentSet
        >>> MaximumIndependentSet(3, [(0, 1), (1, 2)]).energy_terms([1, 1, 0], {"penalty": 2.0})
        ({'weight': -2.0, 'edge penalty': 2.0}, ['edge (0, 1) has both ends in the independent set'])
        """
        chosen = np.asarray(binary).reshape(-1)
        if chosen.size != self.n:
            raise ValueError(f"a state of the {self._problem} has {self.n} entries, got {chosen.size}")
        chosen = (chosen > 0).astype(np.int8)
        penalty = float(metadata["penalty"]) if "penalty" in metadata else self._chosen_penalty(None)[0]
        weight = float(self.weights @ chosen)
        violated = len(self._violating_pairs(chosen))
        terms = {"weight": weight if self._complemented else -weight, self._penalty_term: penalty * violated}
        return terms, self._violations(chosen)

    def explain(self, state, model=None):
        """The energy of a raw model state split into weight and penalty terms, with the violations.

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

    # ------------------------------------------------------------------ checks
    def _check_solution(self, solution) -> np.ndarray:
        values = np.asarray(solution).reshape(-1)
        if values.shape != (self.n,):
            raise ValueError(f"a solution of the {self._problem} needs one 0/1 entry per node ({self.n}), "
                             f"got {values.size}")
        if not np.all(np.isin(values, (0, 1))):
            bad = int(np.flatnonzero(~np.isin(values, (0, 1)))[0])
            value = values[bad].item() if hasattr(values[bad], "item") else values[bad]
            raise ValueError(f"a solution of the {self._problem} must be 0 or 1 for every node, got {value!r} "
                             f"for node {bad}")
        return values.astype(np.int8)


class MaximumIndependentSet(_NodeSetProblem):
    """Maximum (weight) independent set: the heaviest set of nodes with no edge between any two of them.

    Parameters
    ----------
    n : int
        Number of nodes (≥ 1); the size parameter of ``random:n=…``.
    edges : array_like of shape (m, 2)
        0-based node pairs in 0..n-1. Repeats (in either order) are merged; self-loops are refused.
    weights : array_like of shape (n,), optional
        Positive finite node weights (default 1).
    name : str, optional
        A label for reports.
    penalty : float, optional
        The edge penalty P of :meth:`to_model`; default :meth:`default_penalty`.

    Examples
    --------
    >>> from hopopt.problems.independent_set import MaximumIndependentSet
    >>> square = MaximumIndependentSet(4, [(0, 1), (1, 2), (2, 3), (3, 0)])
    >>> square.evaluate([1, 0, 1, 0]).objective
    2.0
    >>> float(square.to_model().energy(square.encode([1, 0, 1, 0])))
    -2.0
    """

    sense = "max"
    _problem = "independent set"
    _problem_key = "mis"
    _penalty_term = "edge penalty"
    _objective_text = "set weight (energy of an independent set = −weight)"

    def _violation_line(self, u, v):
        return f"edge ({u}, {v}) has both ends in the independent set"


class MinimumVertexCover(_NodeSetProblem):
    """Minimum (weight) vertex cover: the lightest set of nodes that touches every edge.

    The complement of a cover is an independent set and ``weight(cover) = W − weight(independent set)``; the
    model encodes the cover directly (module docstring).

    Parameters
    ----------
    n : int
        Number of nodes (≥ 1); the size parameter of ``random:n=…``.
    edges : array_like of shape (m, 2)
        0-based node pairs in 0..n-1. Repeats (in either order) are merged; self-loops are refused.
    weights : array_like of shape (n,), optional
        Positive finite node weights (default 1).
    name : str, optional
        A label for reports.
    penalty : float, optional
        The uncovered-edge penalty P of :meth:`to_model`; default :meth:`default_penalty`.

    Examples
    --------
    >>> from hopopt.problems.independent_set import MinimumVertexCover
    >>> path = MinimumVertexCover(3, [(0, 1), (1, 2)])
    >>> path.evaluate([0, 1, 0]).objective, path.evaluate([1, 0, 0]).violations
    (1.0, ('edge (1, 2) is not covered (neither end in the cover)',))
    >>> float(path.to_model().energy(path.encode([0, 1, 0])))
    1.0
    """

    sense = "min"
    _problem = "vertex cover"
    _problem_key = "vertexcover"
    _complemented = True
    _penalty_term = "uncovered edge penalty"
    _objective_text = "cover weight (energy of a cover = weight)"

    def _violation_line(self, u, v):
        return f"edge ({u}, {v}) is not covered (neither end in the cover)"


class MaximumClique(_NodeSetProblem):
    """Maximum (weight) clique: the heaviest set of nodes every two of which are joined by an edge.

    Encoded as the independent set of the complement graph, whose edges (the non-edges of this graph) are
    built once and kept in ``complement_edges``. Graphs whose complement would not fit in memory are refused
    with the estimate in the message.

    Parameters
    ----------
    n : int
        Number of nodes (≥ 1); the size parameter of ``random:n=…``.
    edges : array_like of shape (m, 2)
        0-based node pairs in 0..n-1. Repeats (in either order) are merged; self-loops are refused.
    weights : array_like of shape (n,), optional
        Positive finite node weights (default 1).
    name : str, optional
        A label for reports.
    penalty : float, optional
        The non-adjacent-pair penalty P of :meth:`to_model`; default :meth:`default_penalty`.

    Examples
    --------
    >>> from hopopt.problems.independent_set import MaximumClique
    >>> kite = MaximumClique(4, [(0, 1), (1, 2), (0, 2), (2, 3)])
    >>> kite.evaluate([1, 1, 1, 0]).objective
    3.0
    >>> kite.evaluate([0, 1, 1, 1]).violations
    ('nodes 1 and 3 are both in the clique but not adjacent',)
    """

    sense = "max"
    _problem = "clique"
    _problem_key = "clique"
    _penalty_term = "non-adjacent pair penalty"
    _objective_text = "clique weight (energy of a clique = −weight)"

    def _conflict_edges(self) -> np.ndarray:
        pairs = self.n * (self.n - 1) // 2 - len(self.edges)
        needed = pairs * _BYTES_PER_COMPLEMENT_EDGE
        if needed > _MAX_COMPLEMENT_BYTES:
            raise ValueError(f"the complement of this graph (n = {self.n}, {len(self.edges)} edges) has {pairs:,} "
                             f"edges, about {needed / 1024**3:.1f} GiB for the clique encoding; the limit is "
                             f"{_MAX_COMPLEMENT_BYTES / 1024**3:.0f} GiB")
        self.complement_edges = _complement(self.edges, self.n)
        return self.complement_edges

    def _violation_line(self, u, v):
        return f"nodes {u} and {v} are both in the clique but not adjacent"


# ---------------------------------------------------------------------------------------------- helpers
def _greedy_independent(independent, weights, adjacency, degrees) -> np.ndarray:
    """Drop conflicting nodes (least weight per conflict first), then add free nodes (largest w/(deg+1)).

    ``independent`` is a boolean vector (changed and returned); ``adjacency`` the CSR conflict matrix.
    Each step looks at every candidate (O(n)), so the whole repair is O(n²) at worst (0.13 s from the full set
    of a 4500-node graph with p = 0.01).
    """
    indptr, indices = adjacency.indptr, adjacency.indices
    conflicts = np.asarray(adjacency @ independent.astype(np.int64)).astype(np.int64)
    while True:
        candidates = np.flatnonzero(independent & (conflicts > 0))
        if candidates.size == 0:
            break
        node = candidates[np.argmin(weights[candidates] / conflicts[candidates])]
        independent[node] = False
        conflicts[indices[indptr[node]:indptr[node + 1]]] -= 1
    while True:
        candidates = np.flatnonzero(~independent & (conflicts == 0))
        if candidates.size == 0:
            break
        node = candidates[np.argmax(weights[candidates] / (degrees[candidates] + 1))]
        independent[node] = True
        conflicts[indices[indptr[node]:indptr[node + 1]]] += 1
    return independent


def _adjacency(pairs, n, triangle=None) -> sp.csr_array:
    """The symmetric 0/1 CSR matrix of the pairs (distinct (low, high) pairs, sorted, as check_edges gives them),
    mirrored from the upper triangle (``triangle`` when the caller keeps one): no coordinate sort or duplicate sum
    (a second at 6 million pairs)."""
    if triangle is None:
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        triangle = UpperTriangle(n, pairs[:, 0], pairs[:, 1], np.ones(len(pairs)))
    matrix = triangle.to_csr()
    return sp.csr_array((matrix.data.astype(np.int64), matrix.indices, matrix.indptr), shape=(n, n))


def _complement(edges, n) -> np.ndarray:
    """The pairs (u, v), u < v, that are not edges, row by row (never an n×n dense matrix at once)."""
    adjacency = _adjacency(edges, n)
    pieces = []
    for node in range(n - 1):
        later = np.ones(n - node - 1, dtype=bool)
        neighbours = adjacency.indices[adjacency.indptr[node]:adjacency.indptr[node + 1]]
        later[neighbours[neighbours > node] - node - 1] = False
        others = np.flatnonzero(later) + node + 1
        pieces.append(np.stack([np.full(others.size, node, dtype=np.int64), others], axis=1))
    return np.concatenate(pieces) if pieces else np.empty((0, 2), dtype=np.int64)



def _check_weights(weights, n) -> np.ndarray:
    if weights is None:
        return np.ones(n)
    try:
        values = np.asarray(weights, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise ValueError(f"weights must be numbers, one per node, got {weights!r}") from None
    if values.shape != (n,):
        raise ValueError(f"weights must have one value per node ({n}), got {values.size}")
    bad = np.flatnonzero(~np.isfinite(values) | (values <= 0))
    if bad.size:
        raise ValueError(f"node weights must be positive and finite, got {values[bad[0]]} for node {int(bad[0])}")
    return values

