"""Hopfield & Tank's 1985 TSP network: the energy, its exact expansion and decoding.

Hopfield & Tank ("'Neural' computation of decisions in optimization problems", Biol. Cybern. 52, 141–152,
1985) encode a tour of n cities in n×n neurons, ``V[x, i] = 1`` when city x is visited at position i, and
minimise

    E = A/2 Σ_x Σ_i Σ_{j≠i} V_xi V_xj                      (each city at most once)
      + B/2 Σ_i Σ_x Σ_{y≠x} V_xi V_yi                      (each position at most one city)
      + C/2 (Σ_x Σ_i V_xi − n')²                           (n' neurons on in all)
      + D/2 Σ_x Σ_{y≠x} Σ_i d_xy V_xi (V_{y,i+1} + V_{y,i−1})   (tour length; positions cyclic).

Neuron (x, i) is variable ``x * n + i``. Expanding into hopopt's binary convention
``E = −½ VᵀWV + θᵀV + offset`` (exact on every binary V):

* A: ``W[(x,i),(x,j)] −= A`` for i ≠ j;  B: ``W[(x,i),(y,i)] −= B`` for x ≠ y;
* C: ``(ΣV)² = ΣV + Σ_{a≠b} V_a V_b`` on binary states, so ``W[a,b] −= C`` for a ≠ b, ``θ += C/2 − C n'``,
  ``offset = C n'² / 2``;
* D: ``W[(x,i),(y,i±1)] −= D (d_xy + d_yx) / 2`` for x ≠ y (for n = 2 the two neighbours coincide and the
  entry counts twice).

On a permutation matrix the energy is ``D · (tour length) + C (n − n')² / 2``.

The 1985 setting: 10 random cities in the unit square, A = B = 500, C = 200, D = 500, n' = 15, u0 = 0.02.
Hopfield & Tank reported that most of their 20 starts settled on valid tours, about half of them on one of
the two shortest (the "~50 %" often quoted); Wilson & Pawley ("On the stability of the travelling salesman
problem algorithm of Hopfield and Tank", Biol. Cybern. 58, 63–70, 1988) repeated the experiment and found
far fewer valid tours (of the order of 10 %), the rest frozen in invalid states or not settling. Later
studies put the rate anywhere between about 8 % and 80 %, depending on integration and parameter details.
The validity study runs this model with the continuous solver and compares with Held–Karp optima, so it
lives a layer above problems and solvers: :func:`hopopt.workflows.hopfield_tank.tank_tsp_study`.
"""

from __future__ import annotations

import numbers

import numpy as np

from ..model import EnergyModel, Vartype
from ..structured import KroneckerWeights

__all__ = ["hopfield_tank_tsp_model", "random_cities", "city_distances", "decode_tank_state", "tour_length"]


def _check_city_count(n, minimum, name="n"):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < minimum:
        raise ValueError(f"{name} (number of cities) must be an integer ≥ {minimum}, got {n!r}")
    return int(n)


def random_cities(n=10, rng=None):
    """``n`` cities drawn uniformly in the unit square, as Hopfield & Tank did.

    Parameters
    ----------
    n : int, default 10
    rng : None, int or numpy.random.Generator

    Returns
    -------
    ndarray, shape (n, 2)

    Examples
    --------
    >>> from hopopt.problems.hopfield_tank import random_cities
    >>> cities = random_cities(5, rng=0)
    >>> cities.shape, bool(((cities >= 0) & (cities < 1)).all())
    ((5, 2), True)
    """
    n = _check_city_count(n, 1)
    return np.random.default_rng(rng).random((n, 2))


def city_distances(cities):
    """Euclidean distance matrix of city coordinates of shape (n, 2).

    Parameters
    ----------
    cities : array_like, shape (n, 2)
        The cities' coordinates; another number of dimensions is a ValueError.

    Returns
    -------
    ndarray of float64, shape (n, n)
        The distance between every two cities (zero diagonal).

    Examples
    --------
    >>> from hopopt.problems.hopfield_tank import city_distances
    >>> city_distances([[0, 0], [3, 4]]).tolist()
    [[0.0, 5.0], [5.0, 0.0]]
    """
    cities = np.asarray(cities, dtype=np.float64)
    if cities.ndim != 2:
        raise ValueError(f"cities must have shape (n, 2), got {cities.shape}")
    return np.sqrt(((cities[:, None, :] - cities[None, :, :]) ** 2).sum(axis=-1))


def _check_distances(distances):
    distances = np.array(distances, dtype=np.float64)
    if distances.ndim != 2 or distances.shape[0] != distances.shape[1]:
        raise ValueError(f"distances must be a square matrix, got shape {distances.shape}")
    if not np.all(np.isfinite(distances)):
        raise ValueError("distances must be finite, got NaN or inf")
    return distances


def hopfield_tank_tsp_model(distances, A=500.0, B=500.0, C=200.0, D=500.0, n_prime=15) -> EnergyModel:
    """The 1985 Hopfield–Tank TSP energy as a binary :class:`EnergyModel` over n×n neurons.

    Parameters
    ----------
    distances : array_like, shape (n, n)
        City distances ``d_xy`` (n ≥ 2; the diagonal is ignored; an asymmetric matrix enters as
        ``(d_xy + d_yx)/2`` since the energy is symmetric in the pair).
    A, B, C, D : float
        Row, column, global-count and distance weights (Hopfield & Tank: 500, 500, 200, 500).
    n_prime : float, default 15
        Target number of active neurons in the C term (Hopfield & Tank used 15 for 10 cities: a value above
        n counteracts the inhibition of the A and B terms).

    Returns
    -------
    EnergyModel
        Binary, n² variables, neuron (x, i) at index ``x * n + i``, W kept as four Kronecker products
        (:class:`~hopopt.structured.KroneckerWeights`). ``metadata`` records the problem, the parameters,
        ``"self_coupling"`` (``−C``: the diagonal that Hopfield & Tank's continuous equations keep, see
        :mod:`hopopt.solvers.tank`) and ``"permutation"`` (the n×n permutation structure, for
        permutation-preserving annealing moves; on tours E = D·length + C (n − n')²/2).

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt.problems.hopfield_tank import hopfield_tank_tsp_model
    >>> d = np.array([[0, 1, 2], [1, 0, 1.5], [2, 1.5, 0]])
    >>> model = hopfield_tank_tsp_model(d, n_prime=3)
    >>> model.n, float(model.energy(np.eye(3).reshape(-1)))   # tour 0-1-2: D × length 4.5
    (9, 2250.0)
    """
    distances = _check_distances(distances)
    n = _check_city_count(distances.shape[0], 2, "len(distances)")
    values = {"A": A, "B": B, "C": C, "D": D, "n_prime": n_prime}
    for name, value in values.items():
        try:
            values[name] = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number, got {value!r}") from None
        if not np.isfinite(values[name]):
            raise ValueError(f"{name} must be finite, got {value!r}")
    A, B, C, D, n_prime = (values[name] for name in ("A", "B", "C", "D", "n_prime"))

    identity = np.eye(n)
    off_diagonal = np.ones((n, n)) - identity
    # cyclic neighbours of a position: shift[i, j] = 1 when j = i + 1 (mod n); for n = 2, i + 1 ≡ i − 1 and
    # shift + shiftᵀ counts that neighbour twice, as the formula does
    shift = np.roll(identity, 1, axis=1)
    neighbours = shift + shift.T
    pair_distances = (distances + distances.T) / 2.0 * off_diagonal
    everything = np.ones((n, n))
    weights = KroneckerWeights([
        (-A * identity, off_diagonal),  # same city, two positions
        (-B * off_diagonal, identity),  # same position, two cities
        (-C * everything, everything),  # the global count: every pair of neurons (J ⊗ J without its diagonal)
        (-D * pair_distances, neighbours),  # neighbours on the tour
    ])
    thresholds = np.full(n * n, C / 2.0 - C * n_prime)
    offset = C * n_prime ** 2 / 2.0
    metadata = {
        "problem": "tsp-hopfield-tank",
        "n_cities": n,
        "layout": "V[x, i] (city x at position i) is variable x * n + i",
        "parameters": dict(values),
        "self_coupling": -C,
        # rows (cities) and columns (positions) one-hot on tours: permutation moves read D·d from W's factors
        "permutation": {"size": n},
    }
    return EnergyModel(weights, thresholds, offset, Vartype.BINARY, metadata)


def hopfield_tank_energy(state, distances, A=500.0, B=500.0, C=200.0, D=500.0, n_prime=15):
    """The 1985 energy evaluated term by term from its formula (a reference for tests; any real V).

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt.problems.hopfield_tank import hopfield_tank_energy
    >>> float(hopfield_tank_energy(np.eye(3).reshape(-1), np.ones((3, 3)) - np.eye(3), n_prime=3))
    1500.0
    """
    distances = np.asarray(distances, dtype=np.float64)
    n = distances.shape[0]
    V = np.asarray(state, dtype=np.float64).reshape(n, n)
    row_term = sum(V[x, i] * V[x, j] for x in range(n) for i in range(n) for j in range(n) if j != i)
    column_term = sum(V[x, i] * V[y, i] for i in range(n) for x in range(n) for y in range(n) if y != x)
    count_term = (V.sum() - n_prime) ** 2
    distance_term = sum(distances[x, y] * V[x, i] * (V[y, (i + 1) % n] + V[y, (i - 1) % n])
                        for x in range(n) for y in range(n) if y != x for i in range(n))
    return A / 2 * row_term + B / 2 * column_term + C / 2 * count_term + D / 2 * distance_term


def decode_tank_state(state, n):
    """Read a tour from an n×n neuron state; valid only for a permutation matrix.

    Parameters
    ----------
    state : array_like, shape (n*n,) or (n, n)
        Binary neurons (or outputs V, counted as on when above ½), city x at position i at ``x * n + i``.
    n : int
        Number of cities.

    Returns
    -------
    tour : list of int or None
        The 0-based cities in visiting order, or None when the state is not a permutation matrix.
    valid : bool
        Whether every city and every position has exactly one active neuron.

    Examples
    --------
    >>> from hopopt.problems.hopfield_tank import decode_tank_state
    >>> decode_tank_state([0, 1, 0, 0, 0, 1, 1, 0, 0], 3)   # city 2 first, then 0, then 1
    ([2, 0, 1], True)
    >>> decode_tank_state([1, 1, 0, 0, 0, 0, 0, 0, 1], 3)
    (None, False)
    """
    n = _check_city_count(n, 1)
    array = np.asarray(state, dtype=np.float64)
    if array.size != n * n:
        raise ValueError(f"state must have n*n = {n * n} entries, got {array.size}")
    active = array.reshape(n, n) > 0.5
    valid = bool(np.all(active.sum(axis=0) == 1) and np.all(active.sum(axis=1) == 1))
    if not valid:
        return None, False
    return [int(city) for city in np.argmax(active, axis=0)], True


def tour_length(tour, distances):
    """Length of the closed tour visiting ``tour`` in order and returning to the start.

    The argument order of the 1985 study code; :func:`hopopt.io.tour_length` does the work.

    Parameters
    ----------
    tour : sequence of int
        The cities in visiting order.
    distances : array_like, shape (n, n)

    Returns
    -------
    float

    Examples
    --------
    >>> from hopopt.problems.hopfield_tank import tour_length
    >>> tour_length([0, 1, 2], [[0, 1, 2], [1, 0, 1.5], [2, 1.5, 0]])
    4.5
    """
    from ..io import tour_length as closed_length

    return closed_length(np.asarray(distances, dtype=np.float64), tour)
