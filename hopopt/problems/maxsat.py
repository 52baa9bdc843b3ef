"""Weighted MAX-SAT: a truth assignment that leaves the least clause weight unsatisfied.

Objective. A clause is a disjunction of literals ``+v`` ("x_v is true") and ``-v`` ("x_v is false") over the
variables ``1..n``. The objective is the **cost**: the total weight of the unsatisfied soft clauses, minimised
(``sense = "min"``), as MaxSAT solvers and the MaxSAT Evaluations report it; the satisfied weight (total minus
cost) is in ``Evaluation.extra``. Hard clauses (from wcnf files) are constraints: an assignment that leaves
one unsatisfied is infeasible. Without hard clauses every assignment is feasible.

Encoding. One binary neuron per variable, ``x_v = 1`` ⇔ variable ``v + 1`` is true. A literal's *false
indicator* is ``f = 1 − x_v`` for ``+v`` and ``f = x_v`` for ``−v``; a clause is unsatisfied exactly when all
its literals are false, so its indicator is the product ``U = Π f``. First, repeated literals are merged
(``f² = f``), a tautology (``v`` and ``−v`` together) is dropped (never unsatisfied) and an empty clause is a
constant (always unsatisfied). Then, for a clause of weight ``w ≥ 0``:

* 1 or 2 literals: ``w f₁`` or ``w f₁ f₂`` — already linear or quadratic, exact.
* 3 literals: ``w f₁ f₂ f₃`` is cubic with a *positive* coefficient. Ishikawa's reduction (IEEE TPAMI 2011)
  of a positive cubic monomial uses one auxiliary neuron ``y`` per clause::

      f₁ f₂ f₃ = min over y ∈ {0, 1} of  y (1 − f₁ − f₂ − f₃) + f₁f₂ + f₁f₃ + f₂f₃.

  With ``S = f₁ + f₂ + f₃`` (the number of false literals) the bracket is ``y (1 − S) + S (S − 1)/2``:
  S = 0 gives 0 (y = 0) or 1; S = 1 gives 0 either way; S = 2 gives 0 (y = 1) or 1; S = 3 gives 1 (y = 1)
  or 3. Its minimum is ``[S = 3] = U`` exactly, reached at ``y* = [S ≥ 2]``, and a wrong ``y`` costs at least
  ``w``. Why this reduction: one auxiliary per clause and no free parameter. Rosenberg's substitution also
  needs one auxiliary per clause but adds a penalty ``M`` that must exceed the clause weight and widens the
  energy scale the annealer has to cross; the Freedman–Drineas form is for *negative* cubic terms, and ``U``
  enters with ``+w``.
* k ≥ 4 literals: chained into k − 2 clauses of three literals with k − 3 chain neurons ``a₀ … a_{k−4}``:
  ``(ℓ₀ ∨ ℓ₁ ∨ a₀)``, ``(¬a_{j−1} ∨ ℓ_{j+1} ∨ a_j)`` for j = 1 … k − 4, ``(¬a_{k−4} ∨ ℓ_{k−2} ∨ ℓ_{k−1})``,
  each of weight ``w`` and reduced as above. If the clause is satisfied, ``a_j = ℓ_{j+2} ∨ … ∨ ℓ_{k−1}``
  satisfies every piece; if it is not, resolving the chain on the ``a``'s gives the clause back, so at least
  one piece is unsatisfied whatever the ``a``'s, and all ``a_j = 0`` leaves exactly one (the first).
  So the minimum over the chain of the pieces' weighted unsatisfied count is ``w U`` exactly.

Adding up, ``E(x, a, y) = Σ_c w_c U_c(x) + (a non-negative excess of auxiliaries off their optimum)``, so for
**every** assignment x, the minimum of E over the auxiliaries equals the weighted number of unsatisfied clauses.
The ground states are therefore exactly the optimal assignments (with optimal auxiliaries), and a feasible
solution's encoded state has energy equal to its cost (``objective_from_energy`` is the identity).

Hard clauses get the weight ``H = 1 + total soft weight``: an assignment leaving one unsatisfied costs more
than all soft clauses together, so whenever the hard clauses can be satisfied every ground state satisfies them.

Neurons: ``x₀ … x_{n−1}`` first, then, clause by clause in order, its chain neurons and its Ishikawa
auxiliaries: ``n + Σ_{k ≥ 3} (2k − 5)`` binary neurons (one extra per 3-literal clause).
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp

from ..model import EnergyModel, Vartype
from ._base import Evaluation, _seed_label

__all__ = ["MaxSAT"]


def _is_integer(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


class MaxSAT:
    """A weighted MAX-SAT instance: clauses of literals ``±1..±n``, with weights and optional hard clauses.

    Parameters
    ----------
    n : int
        Number of variables (≥ 1); variable ``v`` is ``x_{v−1}`` in solutions.
    clauses : sequence of sequence of int
        Each clause's literals: ``+v`` means "variable v is true", ``−v`` "variable v is false" (1-based, as in
        DIMACS files). Repeated literals, tautologies and empty clauses are allowed (see the module docstring).
    weights : array_like, optional
        One non-negative finite weight per clause (default 1). Ignored for hard clauses.
    hard : array_like of bool, optional
        One flag per clause: True for a clause that must be satisfied (default: all soft).
    name : str, optional
        A label for reports.

    Attributes
    ----------
    planted : numpy.ndarray or None
        For ``random(..., planted=True)``: the hidden assignment that satisfies every clause.

    Examples
    --------
    >>> from hopopt.problems import MaxSAT
    >>> formula = MaxSAT(3, [(1, 2, 3), (-1, -2), (-3,), (2, -3)])
    >>> formula.evaluate([1, 0, 1]).objective  # (-3) is unsatisfied and so is (2, -3)
    2.0
    >>> formula.n_variables  # three variables and one auxiliary for the 3-literal clause
    4
    >>> float(formula.to_model().energy(formula.encode([1, 0, 1])))
    2.0
    """

    sense = "min"

    def __init__(self, n, clauses, weights=None, hard=None, name="maxsat"):
        if not _is_integer(n) or n < 1:
            raise ValueError(f"n (number of variables) must be an integer ≥ 1, got {n!r}")
        self.n = int(n)
        checked = []
        for index, clause in enumerate(clauses):
            try:
                literals = tuple(clause)
            except TypeError:
                raise ValueError(f"clause {index} must be a sequence of literals, got {clause!r}") from None
            for literal in literals:
                if not _is_integer(literal):
                    raise ValueError(f"clause {index} has literal {literal!r}; literals must be integers ±1..±{n}")
                if literal == 0 or abs(literal) > n:
                    raise ValueError(f"clause {index} has literal {literal}, outside ±1..±{n} (n = {n} variables)")
            checked.append(tuple(int(literal) for literal in literals))
        count = len(checked)
        weights = np.ones(count) if weights is None else np.asarray(weights, dtype=np.float64).reshape(-1)
        if weights.shape != (count,):
            raise ValueError(f"weights must have one value per clause ({count}), got {weights.size}")
        hard = np.zeros(count, dtype=bool) if hard is None else np.asarray(hard).reshape(-1)
        if hard.shape != (count,) or not np.all(np.isin(hard, (0, 1))):
            raise ValueError(f"hard must be one True/False flag per clause ({count}), got {hard.size} values")
        hard = hard.astype(bool)
        soft = weights[~hard]
        if not np.all(np.isfinite(soft)) or np.any(soft < 0):
            bad = int(np.flatnonzero(~hard)[np.flatnonzero(~np.isfinite(soft) | (soft < 0))[0]])
            raise ValueError(f"clause weights must be finite and ≥ 0, got {weights[bad]} on clause {bad} "
                             "(a negative weight would reward leaving the clause unsatisfied)")
        self.clauses = checked
        self.weights = weights
        self.hard = hard
        self.name = str(name)
        self.planted = None
        self._compile()

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_cnf(cls, formula, name=None):
        """From a :class:`hopopt.io.CNFInstance` (what :func:`hopopt.io.read_cnf` returns).

        Parameters
        ----------
        formula : CNFInstance
            Variables, clauses, weights and hard flags read from a file.
        name : str, optional
            Default: the formula's name.

        Returns
        -------
        MaxSAT

        Examples
        --------
        >>> from hopopt.io import parse_cnf
        >>> from hopopt.problems import MaxSAT
        >>> MaxSAT.from_cnf(parse_cnf("p cnf 2 2\\n1 2 0\\n-1 0\\n")).n_clauses
        2
        """
        return cls(formula.n_variables, formula.clauses, formula.weights, formula.hard, name or formula.name)

    @classmethod
    def random(cls, n, k=3, ratio=4.26, *, planted=False, rng=None):
        """Random k-SAT: ``round(ratio · n)`` clauses of k distinct variables with random signs, unit weights.

        Parameters
        ----------
        n : int
            Number of variables (≥ k).
        k : int
            Literals per clause (≥ 1).
        ratio : float
            Clauses per variable (4.26 is near the satisfiability threshold of random 3-SAT).
        planted : bool
            Draw a hidden assignment first and keep only clauses it satisfies (resampling the others), so the
            formula is satisfiable; the assignment is kept in ``planted``.
        rng : None, int or numpy.random.Generator
            The same rng gives the same instance.

        Examples
        --------
        >>> from hopopt.problems import MaxSAT
        >>> formula = MaxSAT.random(20, 3, 4.26, planted=True, rng=1)
        >>> formula.n_clauses, formula.evaluate(formula.planted).objective
        (85, 0.0)
        """
        if not _is_integer(n) or n < 1:
            raise ValueError(f"n (number of variables) must be an integer ≥ 1, got {n!r}")
        if not _is_integer(k) or not 1 <= k <= n:
            raise ValueError(f"k (literals per clause) must be an integer in 1..n = {n}, got {k!r}")
        if not np.isfinite(ratio) or ratio < 0:
            raise ValueError(f"ratio (clauses per variable) must be a finite number ≥ 0, got {ratio!r}")
        if planted not in (0, 1):  # True/False or 0/1 (random: specs give numbers)
            raise ValueError(f"planted must be 0/1 (False/True), got {planted!r}")
        generator = np.random.default_rng(rng)
        count = int(round(ratio * n))
        hidden = generator.integers(0, 2, size=n).astype(np.int8) if planted else None
        variables = np.empty((count, k), dtype=np.int64)
        signs = np.empty((count, k), dtype=np.int64)
        todo = np.arange(count)
        while todo.size:  # redraw clauses with a repeated variable (and, planted, those the hidden one fails)
            variables[todo] = generator.integers(0, n, size=(todo.size, k))
            signs[todo] = generator.choice((-1, 1), size=(todo.size, k))
            ordered = np.sort(variables[todo], axis=1)
            bad = np.any(ordered[:, 1:] == ordered[:, :-1], axis=1)
            if hidden is not None:
                true_literals = (signs[todo] > 0) == (hidden[variables[todo]] == 1)
                bad |= ~true_literals.any(axis=1)
            todo = todo[bad]
        clauses = [tuple(int(value) for value in row) for row in signs * (variables + 1)]
        label = f"random:n={n},k={k},ratio={ratio},{'planted=1,' if planted else ''}seed={_seed_label(rng)}"
        problem = cls(n, clauses, name=label)
        problem.planted = hidden
        return problem

    # ------------------------------------------------------------------ sizes
    @property
    def n_clauses(self) -> int:
        """Number of clauses, as given (tautologies and empty clauses included)."""
        return len(self.clauses)

    @property
    def n_variables(self) -> int:
        """Neurons of the encoding: the n variables, the chain neurons and the Ishikawa auxiliaries."""
        return self._size

    @property
    def n_auxiliaries(self) -> int:
        """Neurons beyond the n variables (chain neurons and Ishikawa auxiliaries)."""
        return self._size - self.n

    @property
    def total_weight(self) -> float:
        """Total weight of the soft clauses (the cost of leaving them all unsatisfied)."""
        return float(self.weights[~self.hard].sum())

    @property
    def hard_weight(self) -> float:
        """The weight a hard clause gets in the energy: 1 + the total soft weight."""
        return 1.0 + self.total_weight

    def _model_weights(self) -> np.ndarray:
        return np.where(self.hard, self.hard_weight, self.weights)

    # ------------------------------------------------------------------ the reduction
    def _compile(self):
        """Merge repeated literals, drop tautologies, chain long clauses and number every neuron.

        Leaves ``_pieces`` (clauses of at most three literals over neurons: neuron ids, positive flags, the
        original clause, the Ishikawa auxiliary or −1), ``_chains`` (per long clause: its distinct literals
        and chain neurons) and the flat literal arrays used to count satisfied clauses.
        """
        size = self.n
        piece_neurons, piece_positive, piece_clause, piece_auxiliary = [], [], [], []
        chains = []
        flat_clause, flat_variable, flat_positive = [], [], []
        self._tautology = np.zeros(self.n_clauses, dtype=bool)
        self._distinct = []
        for index, clause in enumerate(self.clauses):
            distinct = list(dict.fromkeys(clause))  # first appearance order; repeats merged (f² = f)
            if any(-literal in distinct for literal in distinct):
                self._tautology[index] = True  # v ∨ ¬v: never unsatisfied, no term at all
                self._distinct.append(())
                continue
            self._distinct.append(tuple(distinct))
            if not distinct:
                continue  # an empty clause: always unsatisfied, a constant of the energy
            for literal in distinct:
                flat_clause.append(index)
                flat_variable.append(abs(literal) - 1)
                flat_positive.append(literal > 0)
            literals = [(abs(literal) - 1, literal > 0) for literal in distinct]
            if len(literals) >= 4:
                chain = list(range(size, size + len(literals) - 3))
                size += len(chain)
                chains.append((index, literals, chain))
                parts = [[literals[0], literals[1], (chain[0], True)]]
                parts += [[(chain[j - 1], False), literals[j + 1], (chain[j], True)] for j in range(1, len(chain))]
                parts.append([(chain[-1], False), literals[-2], literals[-1]])
            else:
                parts = [literals]
            for part in parts:
                auxiliary = -1
                if len(part) == 3:
                    auxiliary = size
                    size += 1
                piece_neurons.append([neuron for neuron, _ in part] + [-1] * (3 - len(part)))
                piece_positive.append([positive for _, positive in part] + [False] * (3 - len(part)))
                piece_clause.append(index)
                piece_auxiliary.append(auxiliary)
        self._size = size
        self._piece_neurons = np.array(piece_neurons, dtype=np.int64).reshape(-1, 3)
        self._piece_positive = np.array(piece_positive, dtype=bool).reshape(-1, 3)
        self._piece_clause = np.array(piece_clause, dtype=np.int64)
        self._piece_auxiliary = np.array(piece_auxiliary, dtype=np.int64)
        self._chains = chains
        self._flat_clause = np.array(flat_clause, dtype=np.int64)
        self._flat_variable = np.array(flat_variable, dtype=np.int64)
        self._flat_positive = np.array(flat_positive, dtype=bool)
        self._empty = np.array([not self._tautology[i] and not self.clauses[i] for i in range(self.n_clauses)],
                               dtype=bool)

    def to_model(self) -> EnergyModel:
        """The binary model whose energy, minimised over the auxiliaries, is the weighted unsatisfied count.

        See the module docstring for the reduction. The model's metadata records the hard-clause weight, the
        neuron counts and ``ground_energy``: the energy of a state satisfying every non-empty clause, below
        which no state goes, so the annealer stops as soon as it satisfies the formula.

        Examples
        --------
        >>> from hopopt.problems import MaxSAT
        >>> model = MaxSAT(2, [(1, 2), (-1,)]).to_model()
        >>> [float(model.energy(x)) for x in ([0, 0], [1, 0], [0, 1], [1, 1])]
        [1.0, 1.0, 0.0, 1.0]
        """
        size = self._size
        weights = self._model_weights()
        linear = np.zeros(size)
        constant = float(weights[self._empty].sum())
        rows, cols, values = [], [], []

        def add_product(scale, first, second):
            # scale · (a₁ + b₁ z_i)(a₂ + b₂ z_j) for two false indicators f = a + b z
            (i, a1, b1), (j, a2, b2) = first, second
            nonlocal constant
            constant += scale * a1 * a2
            linear[j] += scale * a1 * b2
            linear[i] += scale * b1 * a2
            rows.append(i)
            cols.append(j)
            values.append(scale * b1 * b2)

        for neurons, positive, clause, auxiliary in zip(self._piece_neurons, self._piece_positive,
                                                        self._piece_clause, self._piece_auxiliary):
            scale = float(weights[clause])
            if scale == 0.0:
                continue
            # false indicator of a literal: 1 − z for a positive literal, z for a negative one
            factors = [(int(neuron), 1.0 if sign else 0.0, -1.0 if sign else 1.0)
                       for neuron, sign in zip(neurons, positive) if neuron >= 0]
            if len(factors) == 1:
                (i, a, b), = factors
                constant += scale * a
                linear[i] += scale * b
            elif len(factors) == 2:
                add_product(scale, factors[0], factors[1])
            else:
                # Ishikawa: y (1 − f₁ − f₂ − f₃) + f₁f₂ + f₁f₃ + f₂f₃
                y = int(auxiliary)
                linear[y] += scale * (1.0 - sum(a for _, a, _ in factors))
                for i, _, b in factors:
                    rows.append(i)
                    cols.append(y)
                    values.append(-scale * b)
                for first in range(3):
                    for second in range(first + 1, 3):
                        add_product(scale, factors[first], factors[second])
        qubo = sp.coo_array((np.array(values, dtype=np.float64), (np.array(rows, dtype=np.int64),
                                                                   np.array(cols, dtype=np.int64))),
                            shape=(size, size)).tocsr()
        qubo = sp.csr_array(qubo + sp.diags_array(linear))
        model = EnergyModel.from_qubo(qubo, constant)
        # every term is ≥ 0 apart from the empty clauses' constant, so no state goes below that constant, and a
        # state reaching it satisfies every other clause: the anneal may stop there (a satisfiable formula's
        # ground energy; for an unsatisfiable one a bound it never reaches, and the anneal runs its full time)
        metadata = {"problem": "maxsat", "instance": self.name, "objective": "energy",
                    "variables": self.n, "auxiliaries": self.n_auxiliaries, "hard_weight": self.hard_weight,
                    "reduction": "Ishikawa (one auxiliary per 3-literal clause), longer clauses chained",
                    "ground_energy": float(weights[self._empty].sum())}
        return EnergyModel(model.weights, model.thresholds, model.offset, Vartype.BINARY, metadata)

    # ------------------------------------------------------------------ encode / decode / evaluate
    def decode(self, state) -> np.ndarray:
        """The assignment (0/1 per variable) a state stands for: its first n neurons.

        ``state`` may be a whole model state (``n_variables`` entries) or just an assignment (``n``), with
        binary (0/1) or spin (−1/+1) values. Every assignment is feasible unless there are hard clauses, which
        are not repaired (satisfying them is SAT itself); the energy makes ground states satisfy them.

        Parameters
        ----------
        state : array_like
            A model state or an assignment, 0/1 or spins ±1.

        Returns
        -------
        ndarray of int8, shape (n,)
            The assignment.
        """
        state = np.asarray(state).reshape(-1)
        if state.size not in (self.n, self._size):
            raise ValueError(f"state must have {self._size} entries (or the {self.n} variables), got {state.size}")
        if not (np.all(np.isin(state, (-1, 1))) or np.all(np.isin(state, (0, 1)))):
            raise ValueError("state must hold binary values (0/1) or spins (-1/+1)")
        return (state[:self.n] > 0).astype(np.int8)

    def encode(self, assignment) -> np.ndarray:
        """The binary model state of an assignment, with every auxiliary at its optimum.

        Chain neurons ``a_j = ℓ_{j+2} ∨ … ∨ ℓ_{k−1}`` and Ishikawa auxiliaries ``y = [at least two literals of
        the piece false]``, so that the energy equals the weighted unsatisfied count (see the module docstring).

        Parameters
        ----------
        assignment : array_like of 0/1, shape (n,)
            The truth value of each variable.

        Returns
        -------
        ndarray of int8, shape (n_variables,)
            The assignment, then the chain neurons and the auxiliaries.

        Examples
        --------
        >>> from hopopt.problems import MaxSAT
        >>> formula = MaxSAT(4, [(1, 2, 3, 4)])
        >>> formula.encode([0, 0, 1, 0]).tolist()  # x, chain a0 = x3 ∨ x4, the two pieces' auxiliaries
        [0, 0, 1, 0, 1, 1, 1]
        """
        assignment = self._check_assignment(assignment)
        state = np.zeros(self._size, dtype=np.int8)
        state[:self.n] = assignment
        for _, literals, chain in self._chains:
            true = [assignment[variable] == int(positive) for variable, positive in literals]
            # a_j is true when a literal after position j + 1 is true: suffix ORs
            suffix = np.logical_or.accumulate(true[::-1])[::-1]
            state[chain] = suffix[2:2 + len(chain)]
        with_auxiliary = self._piece_auxiliary >= 0
        false = self._piece_false(state)[with_auxiliary]
        state[self._piece_auxiliary[with_auxiliary]] = false.sum(axis=1) >= 2
        return state

    def _piece_false(self, state) -> np.ndarray:
        """(pieces, 3) false indicators of the pieces' literals at a binary state; 0 in unused slots."""
        neurons = self._piece_neurons
        values = state[np.maximum(neurons, 0)].astype(np.int64)
        false = np.where(self._piece_positive, 1 - values, values)
        return np.where(neurons >= 0, false, 0)

    def _check_assignment(self, assignment) -> np.ndarray:
        assignment = np.asarray(assignment).reshape(-1)
        if assignment.shape != (self.n,):
            raise ValueError(f"a MAX-SAT solution needs one truth value per variable ({self.n}), got "
                             f"{assignment.size}")
        if not np.all(np.isin(assignment, (0, 1))):
            raise ValueError("a MAX-SAT solution must give 0 (false) or 1 (true) for every variable")
        return assignment.astype(np.int8)

    def satisfied(self, assignment) -> np.ndarray:
        """One boolean per clause: whether the assignment satisfies it.

        Parameters
        ----------
        assignment : array_like of 0/1, shape (n,)
            The truth value of each variable.

        Returns
        -------
        ndarray of bool, shape (n_clauses,)

        Examples
        --------
        >>> from hopopt.problems import MaxSAT
        >>> MaxSAT(2, [(1, -2), (2,), (1, -1), ()]).satisfied([0, 0]).tolist()
        [True, False, True, False]
        """
        return self._satisfied(self._check_assignment(assignment))

    def _satisfied(self, assignment) -> np.ndarray:
        true = (assignment[self._flat_variable] == 1) == self._flat_positive
        counts = np.bincount(self._flat_clause, weights=true, minlength=self.n_clauses)
        return (counts > 0) | self._tautology

    def unsatisfied_weight(self, assignment) -> float:
        """The cost: total weight of the soft clauses the assignment leaves unsatisfied.

        Parameters
        ----------
        assignment : array_like of 0/1, shape (n,)
            The truth value of each variable.

        Returns
        -------
        float
        """
        unsatisfied = ~self.satisfied(assignment) & ~self.hard
        return float(self.weights[unsatisfied].sum())

    def evaluate(self, assignment) -> Evaluation:
        """Cost (unsatisfied soft weight) of an assignment; infeasible when a hard clause is unsatisfied.

        ``extra`` holds ``satisfied_weight`` and the number of unsatisfied soft clauses.

        Parameters
        ----------
        assignment : array_like of 0/1, shape (n,)
            The truth value of each variable.

        Returns
        -------
        Evaluation

        Examples
        --------
        >>> from hopopt.problems import MaxSAT
        >>> formula = MaxSAT(2, [(1, 2), (-1,), (-2,)], weights=[3, 1, 1], hard=[True, False, False])
        >>> result = formula.evaluate([0, 0])
        >>> result.objective, result.feasible, result.violations
        (0.0, False, ('hard clause 0 (1 2) is unsatisfied',))
        >>> formula.evaluate([1, 0]).objective, formula.evaluate([1, 0]).feasible
        (1.0, True)
        """
        assignment = self._check_assignment(assignment)
        satisfied = self._satisfied(assignment)
        soft_unsatisfied = ~satisfied & ~self.hard
        cost = float(self.weights[soft_unsatisfied].sum())
        violations = tuple(self._hard_violations(satisfied))
        extra = {"satisfied_weight": self.total_weight - cost, "unsatisfied_clauses": int(soft_unsatisfied.sum())}
        return Evaluation(cost, not violations, violations, "min", extra=extra)

    def _hard_violations(self, satisfied):
        return [f"hard clause {index} ({' '.join(map(str, self.clauses[index])) or 'empty'}) is unsatisfied"
                for index in np.flatnonzero(self.hard & ~satisfied)]

    def objective_from_energy(self, energy: float) -> float:
        """The cost of a feasible solution whose encoded state has this energy (cost = E).

        Parameters
        ----------
        energy : float
            The energy of a feasible state of :meth:`to_model`'s model.

        Returns
        -------
        float
            The objective.
        """
        return float(energy)

    def improve(self, assignment) -> np.ndarray:
        """Greedy repair: flip the variable that lowers the weighted unsatisfied count most, while one does.

        Hard clauses count with their energy weight (:attr:`hard_weight`). The result is never worse and no
        single flip improves it. ``hopopt.solve`` does not call it (decode must give states back unchanged).

        Parameters
        ----------
        assignment : array_like of 0/1, shape (n,)
            The truth value of each variable.

        Returns
        -------
        ndarray of int8, shape (n,)
            The improved assignment (a new array).

        Examples
        --------
        >>> from hopopt.problems import MaxSAT
        >>> formula = MaxSAT(3, [(1,), (2,), (-3,), (1, 3)])
        >>> formula.improve([0, 0, 1]).tolist()
        [1, 1, 0]
        """
        assignment = self._check_assignment(assignment).copy()
        weights = np.where(self._tautology, 0.0, self._model_weights())
        clause, variable, positive = self._flat_clause, self._flat_variable, self._flat_positive
        while True:
            true = (assignment[variable] == 1) == positive
            counts = np.bincount(clause, weights=true, minlength=self.n_clauses)
            # flipping v breaks the clauses where v's literal is the only true one and makes the unsatisfied
            # clauses where v occurs (literals are distinct within a clause, tautologies have weight 0)
            breaks = np.bincount(variable, weights=(true & (counts[clause] == 1)) * weights[clause],
                                 minlength=self.n)
            makes = np.bincount(variable, weights=(counts[clause] == 0) * weights[clause], minlength=self.n)
            gain = makes - breaks
            best = int(np.argmax(gain))
            if gain[best] <= 1e-12:
                return assignment
            assignment[best] ^= 1

    # ------------------------------------------------------------------ explain
    def energy_terms(self, binary, metadata) -> tuple[dict, list]:
        """The energy of a binary state as its named terms, and the violated hard clauses.

        * ``unsatisfied``: the weighted unsatisfied soft clauses at the state's assignment (the cost);
        * ``hard clauses``: the hard-clause weight times the number of unsatisfied hard clauses;
        * ``chain slack``: what chain neurons off their optimum add (≥ 0);
        * ``auxiliary slack``: what Ishikawa auxiliaries off their optimum add (≥ 0).

        Parameters
        ----------
        binary : array_like of 0/1, shape (n_variables,)
            A raw binary state: the assignment, then the chain neurons and the auxiliaries.
        metadata : dict
            The model's metadata (not needed: the weights are the instance's).

        Returns
        -------
        terms : dict of str to float
            Each named term's contribution to the energy.
        violations : list of str
            The violated constraints, one readable line each.

        Examples
        --------
        >>> from hopopt.problems import MaxSAT
        >>> formula = MaxSAT(3, [(1, 2, 3), (-1,)])
        >>> formula.energy_terms([1, 0, 0, 1], {})  # x1 true: two false literals in the 3-clause, y = 1 is optimal
        ({'unsatisfied': 1.0, 'hard clauses': 0.0, 'chain slack': 0.0, 'auxiliary slack': 0.0}, [])
        >>> formula.energy_terms([0, 0, 0, 0], {})  # all three false and y = 0 instead of 1: slack 2
        ({'unsatisfied': 1.0, 'hard clauses': 0.0, 'chain slack': 0.0, 'auxiliary slack': 2.0}, [])
        """
        state = np.asarray(binary).reshape(-1)
        if state.size != self._size:
            raise ValueError(f"a MAX-SAT state has {self._size} entries, got {state.size}")
        state = state.astype(np.int64)
        weights = self._model_weights()
        hard_weight = float(metadata.get("hard_weight", self.hard_weight))
        weights = np.where(self.hard, hard_weight, weights)
        satisfied = self._satisfied(state[:self.n].astype(np.int8))
        unsatisfied = ~satisfied
        soft = float(self.weights[unsatisfied & ~self.hard].sum())
        hard = float(weights[unsatisfied & self.hard].sum())
        false = self._piece_false(state)
        count = false.sum(axis=1)
        used = (self._piece_neurons >= 0).sum(axis=1)
        piece_weights = weights[self._piece_clause]
        piece_unsatisfied = (count == used).astype(np.float64)
        # Σ over pieces of w·U_piece minus Σ over the clauses with pieces of w·U_clause: the chains' excess
        with_pieces = np.zeros(self.n_clauses, dtype=bool)
        with_pieces[self._piece_clause] = True
        chain = float(piece_weights @ piece_unsatisfied) - float(weights[unsatisfied & with_pieces].sum())
        # Ishikawa pieces: y (1 − S) + S (S − 1)/2 minus [S = 3]
        three = self._piece_auxiliary >= 0
        y = state[self._piece_auxiliary[three]]
        s = count[three]
        reduced = y * (1 - s) + s * (s - 1) / 2 - (s == 3)
        auxiliary = float(piece_weights[three] @ reduced)
        violations = self._hard_violations(satisfied)
        return {"unsatisfied": soft, "hard clauses": hard, "chain slack": chain, "auxiliary slack": auxiliary}, \
            violations

    def explain(self, state, model=None):
        """The energy of a raw model state split into cost and slack terms, with the violations.

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
        return (f"MaxSAT(name={self.name!r}, n={self.n}, clauses={self.n_clauses}, "
                f"hard={int(self.hard.sum())}, neurons={self._size})")
