"""Weighted set cover: choose sets of the least total cost so that every element lies in a chosen set.

Encoding. The problem is written down once in the constrained model builder
(:class:`~hopopt.constrained.ConstrainedModel`): one binary ``x_S`` per set, the objective
``minimise Σ c_S x_S`` and, for every element ``e``, the constraint ``Σ_{S ∋ e} x_S ≥ 1`` (named
``element e``). The builder turns each into ``Σ_{S ∋ e} x_S − s_e = 1`` with an integer slack
``s_e ∈ [0, d_e − 1]`` (``d_e`` the number of sets holding ``e``) in the bounded log encoding:
⌊log₂(d_e − 1)⌋ + 1 slack binaries, none for an element only one set holds (then ``x_S = 1`` is simply
penalised towards). The energy is

    ``E(x, s) = Σ c_S x_S + P Σ_e (Σ_{S ∋ e} x_S − s_e − 1)²``.

Penalty rule: ``P = 1.5 max_e min_{S ∋ e} c_S`` by default — above the price of the cheapest set holding
any one element, far below the builder's generic ``1.5 Σ c_S``. Take a state that leaves ``e`` uncovered and
set every slack to its best value (which never raises the energy). Adding the cheapest set holding ``e`` costs
at most ``min_{S ∋ e} c_S < P``; the residual of ``e`` goes from −1 to 0 (a gain of P) and every other
element of that set has room in its slack for the extra cover (it had at most ``d − 1`` chosen holders
before), so the energy drops. Hence every ground state is a cover, and since a cover with balanced slacks
pays no penalty, a minimum-cost one; the energy of an encoded cover is its cost
(:meth:`SetCover.objective_from_energy`). The default solver starts from (a fraction of, see
:mod:`hopopt.workflows.constrained`) the builder's local penalty, the largest cost.

Decoding reads the set bits (slack bits are ignored) and repairs: while an element is uncovered it adds the
set of the least cost per newly covered element (Chvátal's rule), then drops sets that became redundant,
the most expensive first. Its outputs are covers without a redundant set, which decode to themselves
(``decode(encode(s)) == s``). :meth:`SetCover.polish` swaps a chosen set for a cheaper one that covers the
elements only it covers, dropping sets made redundant, while that lowers the cost.
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp

from .. import control
from ..constrained import ConstrainedModel, quicksum
from ..constrained.backed import BuilderBacked
from ._base import MAX_VIOLATION_LINES, Evaluation, _seed_label, capped

__all__ = ["SetCover"]

# Polish stops after this many improving swaps (each lowers the cost, so it ends anyway; this bounds time).
_MAX_POLISH_MOVES = 10_000


class SetCover(BuilderBacked):
    """A weighted set-cover instance: elements 0..m-1, sets of elements, one cost per set.

    Parameters
    ----------
    n_elements : int
        m, the number of elements (≥ 1).
    sets : sequence of iterables of int
        ``sets[j]``: the 0-based elements set ``j`` holds. Every element must be in some set (otherwise no
        cover exists); repeated elements within a set count once.
    costs : array_like of shape (len(sets),), optional
        Finite costs ≥ 0 (default 1: the unweighted problem).
    name : str, optional

    Attributes
    ----------
    constrained : ConstrainedModel
        The builder model this class delegates its energy, explain, violations and penalties to.
    incidence : scipy.sparse.csr_array of shape (m, n)
        1 where set j holds element e.

    Examples
    --------
    >>> import hopopt
    >>> from hopopt.problems.set_cover import SetCover
    >>> problem = SetCover(4, [[0, 1], [1, 2], [2, 3], [0, 3]], costs=[1, 3, 1, 3])
    >>> problem.evaluate([1, 0, 1, 0]).objective
    2.0
    >>> problem.evaluate([1, 0, 0, 0]).violations
    ('element 2 is not covered (sets holding it: 1, 2)', 'element 3 is not covered (sets holding it: 2, 3)')
    >>> hopopt.solve_exact(problem).solution.tolist()
    [1, 0, 1, 0]
    """

    sense = "min"
    kind_name = "setcover"

    def __init__(self, n_elements, sets, costs=None, name="setcover"):
        if isinstance(n_elements, bool) or not isinstance(n_elements, numbers.Integral) or n_elements < 1:
            raise ValueError(f"n_elements must be an integer ≥ 1, got {n_elements!r}")
        m = int(n_elements)
        members = []
        for index, elements in enumerate(sets):
            try:
                array = np.unique(np.asarray(list(elements), dtype=np.int64))
            except (TypeError, ValueError):
                raise ValueError(f"set {index} must be a collection of integer element ids, got {elements!r}") \
                    from None
            if array.size and (array[0] < 0 or array[-1] >= m):
                bad = int(array[0] if array[0] < 0 else array[-1])
                raise ValueError(f"set {index} holds element {bad}, outside 0..{m - 1}")
            members.append(array)
        if not members:
            raise ValueError("a set cover instance needs at least one set")
        n = len(members)
        costs = np.ones(n) if costs is None else np.array(costs, dtype=np.float64).reshape(-1)
        if costs.shape != (n,):
            raise ValueError(f"costs need one entry per set ({n}), got {costs.size}")
        bad = np.flatnonzero(~np.isfinite(costs) | (costs < 0))
        if bad.size:
            raise ValueError(f"costs must be finite numbers ≥ 0, got {costs[bad[0]]!r} for set {bad[0]}")
        rows = np.concatenate(members) if n else np.zeros(0, dtype=np.int64)
        columns = np.repeat(np.arange(n), [array.size for array in members])
        self.incidence = sp.csr_array((np.ones(rows.size, dtype=np.int64), (rows, columns)), shape=(m, n))
        degrees = np.diff(self.incidence.indptr)
        if np.any(degrees == 0):
            missing = np.flatnonzero(degrees == 0)
            raise ValueError(f"element {int(missing[0])} is in no set, so no cover exists"
                             + (f" ({missing.size} such elements)" if missing.size > 1 else ""))
        self._by_set = self.incidence.tocsc()
        # the cost of the cheapest set holding each element (the per-element price of covering it)
        self._cheapest_holder = np.minimum.reduceat(np.asarray(costs, dtype=np.float64)[self.incidence.indices],
                                                    self.incidence.indptr[:-1])
        self.sets = tuple(members)
        self.costs = costs
        self.costs.setflags(write=False)
        self.n_elements = m
        self.name = str(name)
        self.constrained = self._build()
        # the order redundant sets are dropped in: most expensive first (stable: ties by index)
        self._drop_order = np.argsort(-costs, kind="stable")
        self._n_variables = None

    def _build(self) -> ConstrainedModel:
        model = ConstrainedModel(self.name)
        x = model.binary("x", self.n)
        model.minimize(quicksum(float(cost) * x[j] for j, cost in enumerate(self.costs)))
        for element in range(self.n_elements):
            holders = self.holders(element)
            model.add(quicksum(x[int(j)] for j in holders) >= 1, name=f"element {element}")
        return model

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_instance(cls, instance):
        """From a :class:`~hopopt.io.orlib.SetCoverInstance` (what :func:`~hopopt.io.orlib.read_scp` returns).

        Parameters
        ----------
        instance : SetCoverInstance
            The elements, sets, costs and name read from a file.

        Returns
        -------
        SetCover

        Examples
        --------
        >>> from hopopt.io.orlib import parse_scp
        >>> from hopopt.problems.set_cover import SetCover
        >>> SetCover.from_instance(parse_scp("2 2\\n1 1\\n1 1\\n1 2\\n", "tiny")).n
        2
        """
        return cls(instance.n_elements, instance.sets, instance.costs, name=instance.name)

    @classmethod
    def random(cls, n, density=0.1, *, elements=None, rng=None, cost_range=100):
        """A random instance: n sets over ``elements`` elements (default ⌈n/2⌉), each element in each set with
        probability ``density``, and in one more random set if that left it in none; integer costs 1..cost_range.

        Parameters
        ----------
        n : int
            Number of sets (≥ 1).
        density : float
            Probability that a set holds an element, in [0, 1].
        elements : int, optional
            Number of elements (≥ 1); default ⌈n/2⌉.
        rng : None, int or numpy.random.Generator
            Seed of the sets and costs.
        cost_range : int
            Costs are drawn from the integers 1..cost_range.

        Returns
        -------
        SetCover

        Examples
        --------
        >>> from hopopt.problems.set_cover import SetCover
        >>> problem = SetCover.random(10, 0.2, rng=1)
        >>> problem.n, problem.n_elements, bool(problem.costs.min() >= 1)
        (10, 5, True)
        """
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(f"n (number of sets) must be an integer ≥ 1, got {n!r}")
        if not 0 <= float(density) <= 1:
            raise ValueError(f"density must be in [0, 1], got {density!r}")
        m = (int(n) + 1) // 2 if elements is None else elements
        if isinstance(m, bool) or not isinstance(m, numbers.Integral) or m < 1:
            raise ValueError(f"elements must be an integer ≥ 1, got {elements!r}")
        if isinstance(cost_range, bool) or not isinstance(cost_range, numbers.Integral) or cost_range < 1:
            raise ValueError(f"cost_range must be an integer ≥ 1, got {cost_range!r}")
        generator = np.random.default_rng(rng)
        holds = generator.random((int(m), int(n))) < float(density)
        for element in np.flatnonzero(~holds.any(axis=1)):
            holds[element, generator.integers(int(n))] = True
        costs = generator.integers(1, int(cost_range) + 1, size=int(n))
        sets = [np.flatnonzero(holds[:, j]) for j in range(int(n))]
        return cls(int(m), sets, costs, name=f"random:n={n},density={density},seed={_seed_label(rng)}")

    # ------------------------------------------------------------------ sizes
    @property
    def n(self) -> int:
        """Number of sets (the ``n`` of ``random:n=…``)."""
        return int(self.costs.size)

    def holders(self, element) -> np.ndarray:
        """The sets that hold ``element``.

        Parameters
        ----------
        element : int
            An element, 0..n_elements-1.

        Returns
        -------
        ndarray of int
            The indices of the sets holding it.
        """
        start, end = self.incidence.indptr[element], self.incidence.indptr[element + 1]
        return self.incidence.indices[start:end]

    # ------------------------------------------------------------------ energy (delegated to the builder)
    def to_model(self, penalty=None):
        """The binary energy model (see the module docstring); ``penalty`` as in the builder's ``to_model``.

        Parameters
        ----------
        penalty : float or dict, optional
            As :meth:`ConstrainedModel.to_model <hopopt.constrained.ConstrainedModel.to_model>` takes it; default
            :meth:`default_penalty`.

        Returns
        -------
        EnergyModel
            The binary model: set bits first, then the coverage constraints' slack bits.

        Examples
        --------
        >>> from hopopt.problems.set_cover import SetCover
        >>> problem = SetCover(3, [[0, 1], [1, 2], [2]], costs=[2, 3, 1])
        >>> float(problem.to_model().energy(problem.encode([1, 0, 1])))
        3.0
        """
        return BuilderBacked.to_model(self, penalty)

    def default_penalty(self) -> float:
        """1.5 × :meth:`penalty_bound`: every ground state is a minimum-cost cover (see the module docstring)."""
        bound = self.penalty_bound()
        return 1.5 * bound if bound > 0 else 1.0

    def local_penalty(self) -> float:
        """The builder's local penalty (the largest cost: taking any set out of a cover never pays), where the
        annealing solver's penalty starts."""
        return self.constrained.local_penalty()

    def penalty_bound(self) -> float:
        """``max_e min_{S ∋ e} c_S``: any penalty above it makes every ground state a cover.

        The builder's bound (all costs together) holds too but is far larger than needed: from a state that
        leaves ``e`` uncovered, adding the cheapest set holding ``e`` (with every slack re-balanced, which only
        lowers the energy) costs at most this much and removes a penalty of at least P.
        """
        return float(self._cheapest_holder.max())

    # ------------------------------------------------------------------ solutions
    def _check(self, solution) -> np.ndarray:
        solution = np.asarray(solution).reshape(-1)
        if solution.size != self.n:
            raise ValueError(f"a set cover solution has one 0/1 per set ({self.n}), got {solution.size} values")
        if not np.all(np.isin(solution, (0, 1))):
            raise ValueError("a set cover solution must be 0 (left out) or 1 (chosen) for every set")
        return solution.astype(np.int8)

    def coverage(self, solution) -> np.ndarray:
        """How many chosen sets hold each element.

        Parameters
        ----------
        solution : array_like of 0/1, shape (n,)
            The chosen sets.

        Returns
        -------
        ndarray of int64, shape (n_elements,)
            The number of chosen sets holding each element.
        """
        return self.incidence @ self._check(solution).astype(np.int64)

    def _drop_redundant(self, chosen, counts):
        """Drop chosen sets whose elements are all covered twice, most expensive first (in place)."""
        indptr, indices = self._by_set.indptr, self._by_set.indices
        for j in self._drop_order:
            if chosen[j]:
                elements = indices[indptr[j]:indptr[j + 1]]
                if np.all(counts[elements] >= 2):
                    chosen[j] = 0
                    counts[elements] -= 1

    def repair(self, solution) -> np.ndarray:
        """Cover every element (add the set of least cost per newly covered element, Chvátal's rule), then drop
        redundant sets, the most expensive first.

        Parameters
        ----------
        solution : array_like of 0/1, shape (n,)
            The chosen sets.

        Returns
        -------
        ndarray of int8, shape (n,)
            A cover without redundant sets (a new array).

        Examples
        --------
        >>> from hopopt.problems.set_cover import SetCover
        >>> problem = SetCover(3, [[0, 1], [1, 2], [2]], costs=[2, 3, 1])
        >>> problem.repair([0, 1, 1]).tolist()  # adds set 0 for element 0; then set 1 is redundant
        [1, 0, 1]
        """
        chosen = self._check(solution).copy()
        counts = self.incidence @ chosen.astype(np.int64)
        uncovered = counts == 0
        while uncovered.any():
            newly = self._by_set.T @ uncovered.astype(np.int64)  # uncovered elements each set would cover
            useful = np.flatnonzero(newly > 0)
            j = int(useful[np.argmin(self.costs[useful] / newly[useful])])
            chosen[j] = 1
            elements = self._by_set.indices[self._by_set.indptr[j]:self._by_set.indptr[j + 1]]
            counts[elements] += 1
            uncovered[elements] = False
        self._drop_redundant(chosen, counts)
        return chosen

    def decode(self, state) -> np.ndarray:
        """The 0/1 set choice of a model state (set bits; spins or binary), repaired into a cover.

        Parameters
        ----------
        state : array_like
            A model state (all its binaries, or only the n set bits), 0/1 or spins ±1.

        Returns
        -------
        ndarray of int8, shape (n,)
            The chosen sets, repaired into a cover.

        Examples
        --------
        >>> from hopopt.problems.set_cover import SetCover
        >>> problem = SetCover(3, [[0, 1], [1, 2], [2]], costs=[2, 3, 1])
        >>> problem.decode(problem.encode([1, 0, 1])).tolist()
        [1, 0, 1]
        """
        state = np.asarray(state).reshape(-1)
        if state.size not in (self.n, self.n_variables):
            raise ValueError(f"a set cover state has {self.n_variables} binaries (or {self.n} set bits), got "
                             f"{state.size}")
        if not (np.all(np.isin(state, (0, 1))) or np.all(np.isin(state, (-1, 1)))):
            raise ValueError("a state must hold 0/1 values (or spins -1/+1)")
        return self.repair((state[:self.n] > 0).astype(np.int8))

    def _recover(self, alone, outs):
        """The cheapest of two ways to cover ``alone`` (elements no chosen set but those in ``outs`` covers) with
        unchosen sets: one set holding all of them, or Chvátal's greedy on them. Returns (cost, sets)."""
        by_element = self.incidence
        starts, ends = by_element.indptr[alone], by_element.indptr[alone + 1]
        holders = [by_element.indices[s:e] for s, e in zip(starts, ends)]
        if any(np.isin(h, outs).all() for h in holders):  # an element only the leaving sets hold
            return np.inf, []
        held = np.bincount(np.concatenate(holders), minlength=self.n)
        held[outs] = -1
        options = []
        whole = np.flatnonzero(held == alone.size)
        if whole.size:
            k = int(whole[np.argmin(self.costs[whole])])
            options.append((float(self.costs[k]), [k]))
        if alone.size > 1:
            uncovered = np.ones(alone.size, dtype=bool)
            picked, cost = [], 0.0
            while uncovered.any():
                newly = np.bincount(np.concatenate([h for h, u in zip(holders, uncovered) if u]), minlength=self.n)
                newly[outs] = 0
                useful = np.flatnonzero(newly > 0)
                k = int(useful[np.argmin(self.costs[useful] / newly[useful])])
                picked.append(k)
                cost += float(self.costs[k])
                uncovered &= np.array([k not in h for h in holders])
            options.append((cost, picked))
        return min(options, key=lambda option: option[0]) if options else (np.inf, [])

    def _best_move(self, chosen, counts, size):
        """The best way to take ``size`` (1 or 2) chosen sets out and cover what only they covered: (gain, outs,
        sets in) with the largest cost saving, or None when none saves anything."""
        by_set = self._by_set
        members = np.flatnonzero(chosen)
        best_gain, best_move = 1e-12, None
        groups = ((j,) for j in members) if size == 1 else \
            ((a, b) for index, a in enumerate(members) for b in members[index + 1:])
        for outs in groups:
            if control.should_stop():
                break  # the best move so far, or none: the polish is an improvement, the deadline comes first
            elements = np.concatenate([by_set.indices[by_set.indptr[j]:by_set.indptr[j + 1]] for j in outs])
            elements, times = np.unique(elements, return_counts=True)
            alone = elements[counts[elements] == times]  # covered by the leaving sets only
            saving = float(self.costs[list(outs)].sum())
            if saving <= best_gain:
                continue
            cost, sets = self._recover(alone, list(outs)) if alone.size else (0.0, [])
            if saving - cost > best_gain:
                best_gain, best_move = saving - cost, (list(outs), sets)
        return best_move

    def polish(self, solution) -> np.ndarray:
        """Improve a cover: take one chosen set out (or, when no single one pays, two) and cover the elements
        only they covered again with other sets (the cheapest single set holding them all, or Chvátal's greedy
        on them), then drop sets made redundant; the best such move each time, until none lowers the cost.

        Parameters
        ----------
        solution : array_like of 0/1, shape (n,)
            The chosen sets. (repaired into a cover first).

        Returns
        -------
        ndarray of int8, shape (n,)
            A cover costing at most as much.

        Examples
        --------
        >>> from hopopt.problems.set_cover import SetCover
        >>> problem = SetCover(3, [[0, 1, 2], [0, 1], [2]], costs=[5, 1, 1])
        >>> problem.polish([1, 0, 0]).tolist()  # sets 1 and 2 cover set 0's elements for 2 instead of 5
        [0, 1, 1]
        """
        chosen = self.repair(solution)
        counts = self.incidence @ chosen.astype(np.int64)
        by_set = self._by_set
        for _ in range(_MAX_POLISH_MOVES):
            move = self._best_move(chosen, counts, 1) or self._best_move(chosen, counts, 2)
            if move is None:
                break
            outs, into = move
            for j in outs:
                chosen[j] = 0
                counts[by_set.indices[by_set.indptr[j]:by_set.indptr[j + 1]]] -= 1
            for k in into:
                chosen[k] = 1
                counts[by_set.indices[by_set.indptr[k]:by_set.indptr[k + 1]]] += 1
            self._drop_redundant(chosen, counts)
        return chosen

    def _uncovered_lines(self, chosen):
        counts = self.incidence @ chosen.astype(np.int64)
        missing = np.flatnonzero(counts == 0)
        shown = missing[:MAX_VIOLATION_LINES]
        lines = []
        for element in shown:
            holders = ", ".join(str(int(j)) for j in self.holders(element)[:10])
            more = "" if self.holders(element).size <= 10 else ", ..."
            lines.append(f"element {int(element)} is not covered (sets holding it: {holders}{more})")
        return capped(lines, total=missing.size, suffix=" uncovered elements")

    def evaluate(self, solution) -> Evaluation:
        """Total cost (the objective), whether every element is covered, and one line per uncovered element.

        Parameters
        ----------
        solution : array_like of 0/1, shape (n,)
            The chosen sets.

        Returns
        -------
        Evaluation

        Examples
        --------
        >>> from hopopt.problems.set_cover import SetCover
        >>> evaluation = SetCover(3, [[0, 1], [1, 2], [2]], costs=[2, 3, 1]).evaluate([1, 0, 1])
        >>> evaluation.objective, evaluation.feasible, evaluation.extra["sets"]
        (3.0, True, 2)
        """
        chosen = self._check(solution)
        violations = tuple(self._uncovered_lines(chosen))
        return Evaluation(float(self.costs @ chosen), not violations, violations, "min",
                          extra={"sets": int(chosen.sum())})

    def __repr__(self):
        return f"SetCover(name={self.name!r}, elements={self.n_elements}, sets={self.n})"
