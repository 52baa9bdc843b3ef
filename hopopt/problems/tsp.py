"""The travelling salesman problem as a Hopfield energy: the n×n permutation-matrix encoding.

Encoding. Neuron ``x[c, p]`` (variable ``c·n + p``) is 1 when city c is visited at position p. With distances
``d``, a distance scale ``D`` and a penalty ``A``::

    E(x) = D Σ_p Σ_{c≠e} d[c,e] x[c,p] x[e,p+1]                (tour length, positions cyclic)
         + A Σ_c (Σ_p x[c,p] − 1)²  +  A Σ_p (Σ_c x[c,p] − 1)²   (each city once, each position once)

Expanded into the Hopfield form ``−½ xᵀWx + θᵀx + offset`` (``x² = x`` for binary x):

* ``W[(c,p),(c,q)] = −2A`` for p ≠ q (same city twice), ``W[(c,p),(e,p)] = −2A`` for c ≠ e (same position
  twice), ``W[(c,p),(e,p±1)] = −D·d[c,e]`` for c ≠ e (neighbours on the tour);
* ``θ = −2A`` for every neuron, ``offset = 2nA``.

On a permutation matrix both penalties vanish and ``E = D·length`` exactly, so for feasible states the tour
length is an affine function of the energy (here simply ``E / D``). W is a sum of three Kronecker products
(:class:`~hopopt.structured.KroneckerWeights`)::

    W = −D·(d ⊗ C) − 2A·(I ⊗ (J − I)) − 2A·((J − I) ⊗ I),     C = adjacency of the position cycle,

kept as its n×n factors: O(n²) memory for the n² neurons (n = 1000: about 40 MB), where the materialised
matrix has 4n²(n−1) non-zeros (63 MB at n = 100, 64 GB at n = 1000). Annealing with permutation moves reads
the tour distances back from the first factor; single-flip solvers materialise W when it fits.

Penalty rule. Every ground state is a valid tour when ``A > D·max d`` (Lucas 2014, "Ising formulations of many
NP problems", §7: ``0 < B·max W_uv < A``). Below the bound, states that leave a city out or put two cities in
one position can undercut every tour (seen by brute force at A = 0.6·D·max d for n = 4). The automatic
penalty is ``A = 2·D·max d`` (a factor 2 above the bound), recorded in ``metadata["penalty"]``; tests check
the rule by brute force on small instances.
"""

from __future__ import annotations

import numpy as np

from .. import control
from ..model import EnergyModel, Vartype
from ..structured import KroneckerWeights, cycle_adjacency
from ._base import Evaluation, _seed_label, grid_state, integer_entries

__all__ = ["TSP"]

# the automatic penalty sits this factor above the bound A > D·max d
_PENALTY_MARGIN = 2.0


class TSP:
    """A symmetric travelling salesman instance.

    Parameters
    ----------
    distances : array_like, shape (n, n)
        Symmetric, non-negative, finite, zero diagonal; n ≥ 3.
    name : str
    coordinates : array_like, shape (n, 2), optional
        City positions, for pictures only.

    Examples
    --------
    >>> from hopopt.problems import TSP
    >>> square = TSP([[0, 1, 2, 1], [1, 0, 1, 2], [2, 1, 0, 1], [1, 2, 1, 0]])
    >>> square.evaluate([0, 1, 2, 3]).objective
    4.0
    >>> model = square.to_model()
    >>> float(model.energy(square.encode([0, 1, 2, 3])))
    4.0
    """

    sense = "min"

    def __init__(self, distances, name="tsp", coordinates=None):
        try:
            distances = np.array(distances, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"distances must be a numeric matrix: {error}") from None
        if distances.ndim != 2 or distances.shape[0] != distances.shape[1]:
            raise ValueError(f"distances must be a square matrix, got shape {distances.shape}")
        n = distances.shape[0]
        if n < 3:
            raise ValueError(f"a tour needs at least 3 cities, got n = {n}")
        if not np.all(np.isfinite(distances)):
            raise ValueError("distances must be finite, got NaN or inf")
        if np.any(distances < 0):
            raise ValueError(f"distances must be non-negative, got {distances.min():g}")
        if not np.allclose(distances, distances.T, rtol=1e-9, atol=1e-9):
            raise ValueError("distances must be symmetric (hopopt solves the symmetric TSP)")
        np.fill_diagonal(distances, 0.0)
        distances.flags.writeable = False
        self.distances = distances
        self.n = n
        self.name = str(name)
        self.coordinates = None if coordinates is None else np.asarray(coordinates, dtype=np.float64)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_tsplib(cls, instance):
        """From a :class:`hopopt.io.TSPInstance` (see :func:`hopopt.io.read_tsplib`).

        Parameters
        ----------
        instance : TSPInstance
            The distances, name and any coordinates read from a file.

        Returns
        -------
        TSP
        """
        return cls(instance.distances, instance.name, instance.coordinates)

    @classmethod
    def random(cls, n, *, rng=None, side=1000.0):
        """n cities uniform in a ``side``×``side`` square, TSPLIB EUC_2D distances (rounded to integers).

        Parameters
        ----------
        n : int
            Number of cities.
        rng : None, int or numpy.random.Generator
            Seed of the cities' positions.
        side : float
            Side of the square.

        Returns
        -------
        TSP

        Examples
        --------
        >>> from hopopt.problems import TSP
        >>> TSP.random(5, rng=1).n
        5
        """
        if not isinstance(n, (int, np.integer)) or n < 3:
            raise ValueError(f"n (number of cities) must be an integer ≥ 3, got {n!r}")
        points = np.random.default_rng(rng).uniform(0.0, side, size=(n, 2))
        gaps = points[:, None, :] - points[None, :, :]
        distances = np.floor(np.sqrt((gaps**2).sum(axis=2)) + 0.5)
        return cls(distances, f"random:n={n},seed={_seed_label(rng)}", points)

    # ------------------------------------------------------------------ encoding
    @property
    def n_variables(self) -> int:
        """Neurons of the encoding: one per (city, position)."""
        return self.n * self.n

    @property
    def max_distance(self) -> float:
        return float(self.distances.max())

    def penalty_bound(self, distance_scale=1.0) -> float:
        """The penalty above which every ground state is a valid tour: ``D·max d``.

        Parameters
        ----------
        distance_scale : float
            D, the factor of the tour length in the energy.

        Returns
        -------
        float
        """
        return float(distance_scale) * self.max_distance

    def to_model(self, penalty=None, distance_scale=1.0) -> EnergyModel:
        """The binary n²-neuron energy of the module docstring (sparse W).

        Parameters
        ----------
        penalty : float, optional
            A; default ``2·D·max d`` (twice the bound that makes every ground state a tour).
        distance_scale : float
            D.
        """
        n = self.n
        scale = float(distance_scale)
        if not scale > 0:
            raise ValueError(f"distance_scale must be positive, got {distance_scale}")
        if penalty is None:
            penalty = _PENALTY_MARGIN * max(self.penalty_bound(scale), 1e-12)
        penalty = float(penalty)
        if not penalty > 0 or not np.isfinite(penalty):
            raise ValueError(f"penalty must be a positive number, got {penalty}")
        index = np.arange(n * n).reshape(n, n)  # index[c, p]
        identity, complement = np.eye(n), np.ones((n, n)) - np.eye(n)
        weights = KroneckerWeights([
            (-scale * self.distances, cycle_adjacency(n)),  # neighbours on the tour
            (-2.0 * penalty * identity, complement),  # one city at two positions
            (-2.0 * penalty * complement, identity),  # two cities at one position
        ])
        thresholds = np.full(n * n, -2.0 * penalty)
        metadata = {
            "problem": "tsp", "instance": self.name, "penalty": penalty, "distance_scale": scale,
            "penalty_bound": self.penalty_bound(scale),
            "penalty_rule": "every ground state is a tour when penalty > distance_scale * max distance",
            "onehot_groups": index,  # each city in exactly one position
            "permutation": {"size": n},  # rows (cities) and columns (positions) each one-hot
        }
        return EnergyModel(weights, thresholds, 2.0 * n * penalty, Vartype.BINARY, metadata)

    def encode(self, tour) -> np.ndarray:
        """The binary state (permutation matrix, flattened) of a tour.

        Parameters
        ----------
        tour : array_like of int, shape (n,)
            The cities in visiting order (0-based).

        Returns
        -------
        ndarray of int8, shape (n²,)
            ``x[city, position]`` flattened row by row.
        """
        tour = self._check_tour(tour)
        state = np.zeros((self.n, self.n), dtype=np.int8)
        state[tour, np.arange(self.n)] = 1
        return state.reshape(-1)

    # ------------------------------------------------------------------ decoding
    def _matrix(self, state):
        return grid_state(state, self.n, "a TSP state")

    def state_violations(self, state) -> list[str]:
        """Readable row/column violations of a raw state ("city 3 in positions 1 and 5", ...).

        Parameters
        ----------
        state : array_like, shape (n²,)
            A raw state (spins or binary), the city × position matrix flattened row by row.

        Returns
        -------
        list of str
            Empty for a permutation matrix.
        """
        matrix = self._matrix(state)
        messages = []
        for city, count in enumerate(matrix.sum(axis=1)):
            if count == 0:
                messages.append(f"city {city} is in no position")
            elif count > 1:
                positions = ", ".join(str(p) for p in np.flatnonzero(matrix[city]))
                messages.append(f"city {city} is in {count} positions ({positions})")
        for position, count in enumerate(matrix.sum(axis=0)):
            if count == 0:
                messages.append(f"position {position} has no city")
            elif count > 1:
                cities = ", ".join(str(c) for c in np.flatnonzero(matrix[:, position]))
                messages.append(f"position {position} has {count} cities ({cities})")
        return messages

    def decode(self, state, repair=True):
        """The tour (0-based city order) a state stands for.

        A permutation matrix decodes directly. Otherwise, with ``repair=True``, the permutation agreeing with
        the most active neurons is found by an assignment (``scipy.optimize.linear_sum_assignment``), ties
        broken towards shorter tours (see :meth:`repair`); without repair a ValueError lists the violations.

        Parameters
        ----------
        state : array_like, shape (n²,)
            A raw state (spins or binary), the city × position matrix flattened row by row.
        repair : bool
            Repair a state that is not a permutation matrix (True), or refuse it (False).

        Returns
        -------
        ndarray of int64, shape (n,)
            The tour.

        Examples
        --------
        >>> import numpy as np
        >>> from hopopt.problems import TSP
        >>> problem = TSP.random(4, rng=0)
        >>> sorted(problem.decode(np.zeros(16, dtype=int)).tolist())  # nothing active: still a valid tour
        [0, 1, 2, 3]
        """
        matrix = self._matrix(state)
        if np.all(matrix.sum(axis=0) == 1) and np.all(matrix.sum(axis=1) == 1):
            return np.argmax(matrix, axis=0).astype(np.int64)
        if not repair:
            raise ValueError("state is not a tour: " + "; ".join(self.state_violations(state)))
        return self.repair(matrix)

    def repair(self, activations) -> np.ndarray:
        """The tour whose permutation matrix agrees best with ``activations`` (n×n, any real values).

        Maximises Σ activations[c, tour⁻¹(c)] with ``linear_sum_assignment``, the nearest permutation matrix
        to the state, so a state one swap away from a tour is repaired to that tour. Ties between equally
        near tours are then broken towards shorter ones: exchanges of two cities that keep the agreement are
        made while they shorten the tour, until the command's deadline or Ctrl-C (:mod:`hopopt.control`).

        Parameters
        ----------
        activations : array_like, shape (n, n) or (n²,)
            Any real values, indexed [city, position].

        Returns
        -------
        ndarray of int64, shape (n,)
            The tour.
        """
        activations = np.asarray(activations, dtype=np.float64).reshape(self.n, self.n)
        # scipy.optimize takes a third of a second to import: only for a state that is not a permutation
        from scipy.optimize import linear_sum_assignment

        cities, positions = linear_sum_assignment(-activations)
        tour = np.empty(self.n, dtype=np.int64)
        tour[positions] = cities
        distances = np.ascontiguousarray(self.distances)
        improved = True
        while improved and not control.should_stop():  # the tie-breaking is polish: the deadline ends it
            improved = False
            for i in range(self.n - 1):
                for j in range(i + 1, self.n):
                    kept = (activations[tour[j], i] + activations[tour[i], j]
                            == activations[tour[i], i] + activations[tour[j], j])
                    if kept and _exchange_length_change(distances, tour, i, j) < -1e-9:
                        tour[i], tour[j] = tour[j], tour[i]
                        improved = True
        return tour

    # ------------------------------------------------------------------ evaluation
    def _check_tour(self, tour):
        tour = np.asarray(tour).reshape(-1)
        if tour.size != self.n:
            raise ValueError(f"a tour of this instance visits {self.n} cities, got {tour.size}")
        # NaN, inf, text, None or an integer past int64 (a JSON solution may hold any): one clear ValueError
        tour = integer_entries(tour, "a tour")
        if tour.min() < 0 or tour.max() >= self.n:
            raise ValueError(f"a tour must list cities 0..{self.n - 1}, got {int(tour.min())}..{int(tour.max())}")
        return tour.astype(np.int64)

    def tour_length(self, tour) -> float:
        """Length of the closed tour (returning to the first city).

        Parameters
        ----------
        tour : array_like of int, shape (n,)
            The cities in visiting order (0-based).

        Returns
        -------
        float
        """
        tour = self._check_tour(tour)
        return float(self.distances[tour, np.roll(tour, -1)].sum())

    def evaluate(self, tour) -> Evaluation:
        """Tour length; infeasible (with the reasons) when a city is missing or repeated.

        Parameters
        ----------
        tour : array_like of int, shape (n,)
            The cities in visiting order (0-based).

        Returns
        -------
        Evaluation

        Examples
        --------
        >>> from hopopt.problems import TSP
        >>> problem = TSP([[0, 1, 1], [1, 0, 1], [1, 1, 0]])
        >>> problem.evaluate([0, 1, 1]).violations
        ('city 1 is visited 2 times', 'city 2 is not visited')
        """
        tour = self._check_tour(tour)
        counts = np.bincount(tour, minlength=self.n)
        violations = [f"city {city} is visited {count} times" for city, count in enumerate(counts) if count > 1]
        violations += [f"city {city} is not visited" for city in np.flatnonzero(counts == 0)]
        length = float(self.distances[tour, np.roll(tour, -1)].sum())
        return Evaluation(length, not violations, tuple(violations), "min")

    def objective_from_energy(self, energy, distance_scale=1.0) -> float:
        """The tour length of a valid tour with this energy (``E = D·length``).

        Parameters
        ----------
        energy : float
            The energy of a valid tour's state.
        distance_scale : float
            D, the model's factor of the tour length.

        Returns
        -------
        float
            The tour length, ``energy / D``.
        """
        return float(energy) / float(distance_scale)

    def energy_terms(self, binary, metadata) -> tuple[dict, list]:
        """The energy of a binary state as its named terms (each from its formula), and the violations.

        Parameters
        ----------
        binary : array_like of 0/1, shape (n²,)
            A raw binary state, ``x[city, position]`` flattened row by row.
        metadata : dict
            The model's metadata: its ``penalty`` A and ``distance_scale`` D (default 1).

        Returns
        -------
        terms : dict of str to float
            Each named term's contribution to the energy.
        violations : list of str
            The violated constraints, one readable line each.
        """
        n = self.n
        binary = np.asarray(binary).reshape(-1)
        if binary.size != n * n:
            raise ValueError(f"a TSP state has n² = {n * n} entries, got {binary.size}")
        penalty = float(metadata["penalty"])
        scale = float(metadata.get("distance_scale", 1.0))
        x = binary.reshape(n, n).astype(np.float64)  # x[city, position]
        following = np.roll(x, -1, axis=1)  # following[e, p] = x[e, p + 1]
        # Σ_p Σ_{c≠e} d[c,e] x[c,p] x[e,p+1]; the diagonal of d is zero, so c = e adds nothing
        length = float(np.einsum("cp,ce,ep->", x, self.distances, following))
        rows, cols = x.sum(axis=1), x.sum(axis=0)
        terms = {
            "tour length (D·length)": scale * length,
            "each city once (A·Σ(rows−1)²)": penalty * float(np.sum((rows - 1.0) ** 2)),
            "each position once (A·Σ(cols−1)²)": penalty * float(np.sum((cols - 1.0) ** 2)),
        }
        violations = []
        for city in range(n):
            where = np.flatnonzero(x[city])
            if where.size == 0:
                violations.append(f"city {city} in no position")
            elif where.size > 1:
                violations.append(f"city {city} in {where.size} positions ({', '.join(map(str, where))})")
        for position in range(n):
            where = np.flatnonzero(x[:, position])
            if where.size == 0:
                violations.append(f"position {position} has no city")
            elif where.size > 1:
                violations.append(f"position {position} has {where.size} cities ({', '.join(map(str, where))})")
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
        return f"TSP(name={self.name!r}, n={self.n})"


def _exchange_length_change(distances, tour, i, j):
    """Change of tour length when the cities at positions i and j trade places (recomputed, O(n))."""
    swapped = tour.copy()
    swapped[i], swapped[j] = swapped[j], swapped[i]
    return float(distances[swapped, np.roll(swapped, -1)].sum() - distances[tour, np.roll(tour, -1)].sum())
