"""The quadratic assignment problem (Koopmans–Beckmann) as a Hopfield energy on n² neurons.

Place n facilities at n locations, one each, to minimise ``cost(p) = Σ_ij F[i,j]·D[p[i],p[j]]`` (flow F
between facilities, distance D between locations, facility i at location p[i]). Neuron ``x[i,a]`` (variable
``i·n + a``) is 1 when facility i is at location a. With a penalty A::

    E(x) = Σ_{(i,a),(j,b)} F[i,j]·D[a,b]·x[i,a]·x[j,b]                 (the cost, x² = x on the diagonal)
         + A Σ_i (Σ_a x[i,a] − 1)²  +  A Σ_a (Σ_i x[i,a] − 1)²           (each facility once, each location once)

In the Hopfield form ``−½ xᵀWx + θᵀx + offset`` the weights are three Kronecker products kept as their factors
(:class:`~hopopt.structured.KroneckerWeights`, O(n²) memory)::

    W = offdiag(−2·F ⊗ D) − 2A·(I ⊗ (J − I)) − 2A·((J − I) ⊗ I),
    θ[i,a] = F[i,i]·D[a,a] − 2A,      offset = 2nA.

(A non-symmetric F ⊗ D enters W as its symmetric part ``−(F ⊗ D + Fᵀ ⊗ Dᵀ)``.) On a permutation matrix the
penalties vanish and ``E = cost`` exactly. Annealing with permutation moves exchanges two facilities' locations
with ΔE computed from those factors.

Penalty rule. Adding facility i at an empty location a to a state whose rows and columns hold at most one 1
lowers the penalties by 2A and raises the cost by at most ``B[i,a] = F[i,i]D[a,a] + Σ_{j≠i} max_{b≠a}
(F[i,j]D[a,b] + F[j,i]D[b,a])``; removing a 1 from a row or column holding two never raises E when F, D ≥ 0.
So with non-negative F and D (all of QAPLIB) every ground state is a permutation when ``A > ½·max B``; the
automatic penalty is ``A = max B`` (a factor 2 above the bound), recorded in ``metadata["penalty"]``.
Magnitudes are used for negative entries, where the rule is a heuristic (tests check it by brute force).

Examples
--------
>>> import numpy as np
>>> from hopopt.problems.qap import QAP
>>> problem = QAP([[0, 3], [3, 0]], [[0, 2], [2, 0]])
>>> problem.evaluate([1, 0]).objective
12.0
>>> float(problem.to_model().energy(problem.encode([1, 0])))
12.0
"""

from __future__ import annotations

import numpy as np

from ..model import EnergyModel, Vartype
from ..structured import KroneckerWeights
from ._base import Evaluation, _seed_label, grid_state, integer_entries

__all__ = ["QAP"]

# the automatic penalty sits this factor above the bound A > ½·max B
_PENALTY_MARGIN = 2.0


def _square(matrix, name):
    try:
        array = np.array(matrix, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a numeric matrix: {error}") from None
    if array.ndim != 2 or array.shape[0] != array.shape[1] or array.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty square matrix, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, got NaN or inf")
    array.flags.writeable = False
    return array


class QAP:
    """A Koopmans–Beckmann quadratic assignment instance.

    Parameters
    ----------
    flow : array_like, shape (n, n)
        F: flow between facilities (need not be symmetric; the diagonal counts).
    distance : array_like, shape (n, n)
        D: distance between locations.
    name : str

    Examples
    --------
    >>> from hopopt.problems.qap import QAP
    >>> problem = QAP.random(5, rng=1)
    >>> problem.n, problem.n_variables
    (5, 25)
    """

    sense = "min"

    def __init__(self, flow, distance, name="qap"):
        flow, distance = _square(flow, "flow"), _square(distance, "distance")
        if flow.shape != distance.shape:
            raise ValueError(f"flow and distance must have the same size, got {flow.shape[0]} and "
                             f"{distance.shape[0]}")
        self.flow, self.distance = flow, distance
        self.n = flow.shape[0]
        self.name = str(name)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_qaplib(cls, instance):
        """From a :class:`hopopt.io.QAPInstance` (see :func:`hopopt.io.read_qaplib`).

        Parameters
        ----------
        instance : QAPInstance
            The flows, distances and name read from a file.

        Returns
        -------
        QAP
        """
        return cls(instance.flow, instance.distance, instance.name)

    @classmethod
    def random(cls, n, *, rng=None, high=10):
        """Symmetric integer flows in 0..high-1 between facilities and grid distances between locations.

        Locations are random points of an integer grid with Manhattan distances (as in Nugent et al.);
        flows are symmetric with a zero diagonal.

        Parameters
        ----------
        n : int
            Number of facilities and locations.
        rng : None, int or numpy.random.Generator
            Seed of the flows and locations.
        high : int
            Flows are drawn from 0..high-1.

        Returns
        -------
        QAP

        Examples
        --------
        >>> from hopopt.problems.qap import QAP
        >>> QAP.random(4, rng=0).distance.shape
        (4, 4)
        """
        if not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"n (number of facilities) must be an integer ≥ 1, got {n!r}")
        generator = np.random.default_rng(rng)
        flow = np.triu(generator.integers(0, high, size=(n, n)), 1)
        flow = flow + flow.T
        side = max(2, int(np.ceil(np.sqrt(n))) + 1)
        points = generator.choice(side * side, size=n, replace=False)
        grid = np.stack([points // side, points % side], axis=1)
        distance = np.abs(grid[:, None, :] - grid[None, :, :]).sum(axis=2)
        return cls(flow, distance, f"random:n={n},seed={_seed_label(rng)}")

    # ------------------------------------------------------------------ encoding
    @property
    def n_variables(self) -> int:
        """Neurons of the encoding: one per (facility, location)."""
        return self.n * self.n

    def penalty_bound(self) -> float:
        """½·max over (i, a) of the largest cost one facility can add to a partial assignment (module docstring)."""
        flow, distance = np.abs(self.flow), np.abs(self.distance)
        n = self.n
        if n == 1:
            return 0.5 * float(flow[0, 0] * distance[0, 0])
        largest = 0.0
        # flows and distances near 1e154 overflow: one error below, not a RuntimeWarning per facility on stderr
        with np.errstate(over="ignore", invalid="ignore"):
            for i in range(n):
                for a in range(n):
                    others = [j for j in range(n) if j != i]
                    spots = [b for b in range(n) if b != a]
                    pair = (flow[i, others][:, None] * distance[a, spots][None, :]
                            + flow[others, i][:, None] * distance[spots, a][None, :])
                    largest = max(largest, float(flow[i, i] * distance[a, a] + pair.max(axis=1).sum()))
        if not np.isfinite(largest):
            raise ValueError(f"{self.name}: flow × distance products overflow float64; the instance cannot be "
                             f"encoded")
        return 0.5 * largest

    def to_model(self, penalty=None) -> EnergyModel:
        """The binary n²-neuron energy of the module docstring (W kept as Kronecker factors).

        Parameters
        ----------
        penalty : float, optional
            A; default twice :meth:`penalty_bound` (at least 1).
        """
        n = self.n
        if penalty is None:
            penalty = _PENALTY_MARGIN * max(self.penalty_bound(), 0.5)
        penalty = float(penalty)
        if not penalty > 0 or not np.isfinite(penalty):
            raise ValueError(f"penalty must be a positive number, got {penalty}")
        identity, complement = np.eye(n), np.ones((n, n)) - np.eye(n)
        weights = KroneckerWeights([
            (-2.0 * self.flow, self.distance),  # the cost (its diagonal goes to θ below)
            (-2.0 * penalty * identity, complement),  # one facility at two locations
            (-2.0 * penalty * complement, identity),  # two facilities at one location
        ])
        thresholds = np.outer(np.diag(self.flow), np.diag(self.distance)).reshape(-1) - 2.0 * penalty
        metadata = {
            "problem": "qap", "instance": self.name, "penalty": penalty, "penalty_bound": self.penalty_bound(),
            "penalty_rule": "every ground state is a permutation when penalty > penalty_bound (F, D >= 0)",
            "onehot_groups": np.arange(n * n).reshape(n, n),  # each facility at exactly one location
            "permutation": {"size": n},  # rows (facilities) and columns (locations) each one-hot
        }
        return EnergyModel(weights, thresholds, 2.0 * n * penalty, Vartype.BINARY, metadata)

    def encode(self, assignment) -> np.ndarray:
        """The binary state (permutation matrix, flattened) of an assignment ``p`` (facility i → p[i]).

        Parameters
        ----------
        assignment : array_like of int, shape (n,)
            The location of each facility (facility i at ``assignment[i]``).

        Returns
        -------
        ndarray of int8, shape (n²,)
            ``x[facility, location]`` flattened row by row.
        """
        assignment = self._check_assignment(assignment)
        state = np.zeros((self.n, self.n), dtype=np.int8)
        state[np.arange(self.n), assignment] = 1
        return state.reshape(-1)

    # ------------------------------------------------------------------ decoding
    def _matrix(self, state):
        return grid_state(state, self.n, "a QAP state")

    def state_violations(self, state) -> list[str]:
        """Readable row/column violations of a raw state ("facility 3 at 2 locations (1, 5)", ...).

        Parameters
        ----------
        state : array_like, shape (n²,)
            A raw state (spins or binary), the facility × location matrix flattened row by row.

        Returns
        -------
        list of str
            Empty for a permutation matrix.
        """
        matrix = self._matrix(state)
        messages = []
        for facility, count in enumerate(matrix.sum(axis=1)):
            if count != 1:
                where = ", ".join(str(a) for a in np.flatnonzero(matrix[facility]))
                messages.append(f"facility {facility} is at {count} locations" + (f" ({where})" if count else ""))
        for location, count in enumerate(matrix.sum(axis=0)):
            if count != 1:
                who = ", ".join(str(i) for i in np.flatnonzero(matrix[:, location]))
                messages.append(f"location {location} holds {count} facilities" + (f" ({who})" if count else ""))
        return messages

    def decode(self, state, repair=True) -> np.ndarray:
        """The assignment (location of each facility) a state stands for.

        A permutation matrix decodes directly; otherwise, with ``repair=True``, the permutation matrix
        agreeing with the most active neurons (``linear_sum_assignment``), ties broken towards lower cost by
        exchanges that keep the agreement; without repair a ValueError lists the violations.

        Parameters
        ----------
        state : array_like, shape (n²,)
            A raw state (spins or binary), the facility × location matrix flattened row by row.
        repair : bool
            Repair a state that is not a permutation matrix (True), or refuse it (False).

        Returns
        -------
        ndarray of int64, shape (n,)
            The assignment.

        Examples
        --------
        >>> import numpy as np
        >>> from hopopt.problems.qap import QAP
        >>> sorted(QAP.random(3, rng=0).decode(np.zeros(9, dtype=int)).tolist())
        [0, 1, 2]
        """
        matrix = self._matrix(state)
        if np.all(matrix.sum(axis=0) == 1) and np.all(matrix.sum(axis=1) == 1):
            return np.argmax(matrix, axis=1).astype(np.int64)
        if not repair:
            raise ValueError("state is not an assignment: " + "; ".join(self.state_violations(state)))
        return self.repair(matrix)

    def repair(self, activations) -> np.ndarray:
        """The assignment whose permutation matrix agrees best with ``activations`` (n×n), ties towards lower
        cost (exchanges of two facilities that keep the agreement, made while they lower the cost).

        Parameters
        ----------
        activations : array_like, shape (n, n) or (n²,)
            Any real values, indexed [facility, location].

        Returns
        -------
        ndarray of int64, shape (n,)
            The assignment.
        """
        activations = np.asarray(activations, dtype=np.float64).reshape(self.n, self.n)
        # scipy.optimize takes a third of a second to import: only for a state that is not a permutation
        from scipy.optimize import linear_sum_assignment

        facilities, locations = linear_sum_assignment(-activations)
        assignment = np.empty(self.n, dtype=np.int64)
        assignment[facilities] = locations
        cost = self.cost(assignment)
        improved = True
        while improved:
            improved = False
            for i in range(self.n - 1):
                for j in range(i + 1, self.n):
                    a, b = assignment[i], assignment[j]
                    if activations[i, b] + activations[j, a] != activations[i, a] + activations[j, b]:
                        continue
                    assignment[i], assignment[j] = b, a
                    swapped = self.cost(assignment)
                    if swapped < cost - 1e-9:
                        cost, improved = swapped, True
                    else:
                        assignment[i], assignment[j] = a, b
        return assignment

    # ------------------------------------------------------------------ evaluation
    def _check_assignment(self, assignment):
        assignment = np.asarray(assignment).reshape(-1)
        if assignment.size != self.n:
            raise ValueError(f"an assignment of this instance places {self.n} facilities, got {assignment.size}")
        # NaN, inf, text, None or an integer past int64 (a JSON solution may hold any): one clear ValueError
        assignment = integer_entries(assignment, "an assignment")
        if assignment.min() < 0 or assignment.max() >= self.n:
            raise ValueError(f"an assignment must list locations 0..{self.n - 1}, got "
                             f"{int(assignment.min())}..{int(assignment.max())}")
        return assignment

    def solution_energy(self, assignment) -> float:
        """The energy of an assignment's permutation state in :meth:`to_model`, without building the model: its
        cost, since a permutation pays no penalty (the command reports it after the deadline, and the model's
        penalty bound alone took seconds at n = 1000).

        Parameters
        ----------
        assignment : array_like of int, shape (n,)
            The location of each facility (facility i at ``assignment[i]``).

        Returns
        -------
        float

        Examples
        --------
        >>> from hopopt.problems import QAP
        >>> problem = QAP.random(5, rng=1)
        >>> problem.solution_energy([4, 3, 2, 1, 0]) == float(problem.to_model().energy(problem.encode([4, 3, 2, 1, 0])))
        True
        """
        return float(self.cost(assignment))

    def cost(self, assignment) -> float:
        """``Σ_ij F[i,j]·D[p[i],p[j]]``.

        Parameters
        ----------
        assignment : array_like of int, shape (n,)
            The location of each facility (facility i at ``assignment[i]``).

        Returns
        -------
        float
        """
        assignment = self._check_assignment(assignment)
        return float(np.sum(self.flow * self.distance[np.ix_(assignment, assignment)]))

    def evaluate(self, assignment) -> Evaluation:
        """Cost; infeasible (with the reasons) when a location is used twice.

        Parameters
        ----------
        assignment : array_like of int, shape (n,)
            The location of each facility (facility i at ``assignment[i]``).

        Returns
        -------
        Evaluation

        Examples
        --------
        >>> from hopopt.problems.qap import QAP
        >>> QAP([[0, 1], [1, 0]], [[0, 1], [1, 0]]).evaluate([0, 0]).violations
        ('location 0 holds 2 facilities', 'location 1 holds no facility')
        """
        assignment = self._check_assignment(assignment)
        counts = np.bincount(assignment, minlength=self.n)
        violations = [f"location {a} holds {count} facilities" for a, count in enumerate(counts) if count > 1]
        violations += [f"location {a} holds no facility" for a in np.flatnonzero(counts == 0)]
        return Evaluation(self.cost(assignment), not violations, tuple(violations), "min")

    def objective_from_energy(self, energy) -> float:
        """The cost of a valid assignment with this energy (``E = cost``).

        Parameters
        ----------
        energy : float
            The energy of a valid assignment's state of :meth:`to_model`'s model.

        Returns
        -------
        float
            The objective.
        """
        return float(energy)

    def energy_terms(self, binary, metadata) -> tuple[dict, list]:
        """The energy of a binary state as its named terms (each from its formula), and the violations.

        Parameters
        ----------
        binary : array_like of 0/1, shape (n²,)
            A raw binary state, ``x[facility, location]`` flattened row by row.
        metadata : dict
            The model's metadata (its ``penalty``).

        Returns
        -------
        terms : dict of str to float
            Each named term's contribution to the energy.
        violations : list of str
            The violated constraints, one readable line each.
        """
        matrix = np.asarray(binary, dtype=np.float64).reshape(self.n, self.n)
        penalty = float(metadata["penalty"])
        cost = float(np.einsum("ij,ia,jb,ab->", self.flow, matrix, matrix, self.distance))
        terms = {"cost": cost,
                 "each facility once": penalty * float(((matrix.sum(axis=1) - 1) ** 2).sum()),
                 "each location once": penalty * float(((matrix.sum(axis=0) - 1) ** 2).sum())}
        return terms, self.state_violations(binary)

    def __repr__(self):
        return f"QAP(name={self.name!r}, n={self.n})"
