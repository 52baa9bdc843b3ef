"""Hopfield & Tank's 1985 TSP network: the energy, its exact expansion, decoding, and the validity study.

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
:func:`tank_tsp_study` measures the valid-tour rate and the tour quality under documented integration
settings, and the trade-off as the constraint penalties A = B are scaled. Measured here (``benchmarks/
hopfield_tank_tsp.py``): about 12 % valid on average over 20 random city sets (0–32 % from set to set), the
same within a few points whether integrated by Euler with dt = 1e-5 or by the exact flow; this sides with
Wilson & Pawley, not with the 1985 paper.
"""

from __future__ import annotations

import numbers
import time
from types import MappingProxyType

import numpy as np

from ..model import EnergyModel, Vartype

__all__ = ["hopfield_tank_tsp_model", "random_cities", "city_distances", "decode_tank_state", "tour_length",
           "optimal_tour", "tank_tsp_study", "PAPER_SETTINGS"]

# Integration settings of the reproduction (see tank_tsp_study for where each comes from); read-only.
PAPER_SETTINGS = MappingProxyType({
    "u0": 0.02,           # Hopfield & Tank 1985
    "tau": 1.0,           # Hopfield & Tank 1985 (RC = 1)
    "dt": 1e-5,           # the Euler step common in re-implementations; the exact flow gives the same rates
    "noise": 0.1,         # Hopfield & Tank 1985: δu uniform in [−0.1 u0, 0.1 u0]
    "max_steps": 10_000,  # integrated time ≤ 0.1 τ; starts settle by t ≈ 0.005–0.03
    "tolerance": 1e-2,    # outputs change by less than 1e-2 per τ: frozen
})


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
        Binary, dense, n² variables, neuron (x, i) at index ``x * n + i``. ``metadata`` records the problem,
        the parameters, ``"self_coupling"`` (``−C``: the diagonal that Hopfield & Tank's continuous
        equations keep, see :mod:`hopopt.solvers.tank`) and ``"permutation"`` (``D·d`` and the constant
        ``C (n − n')²/2``) for permutation-preserving annealing moves.

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
    weights = (-A * np.kron(identity, off_diagonal)        # same city, two positions
               - B * np.kron(off_diagonal, identity)       # same position, two cities
               - C * (np.ones((n * n, n * n)) - np.eye(n * n))
               - D * np.kron(pair_distances, neighbours))
    thresholds = np.full(n * n, C / 2.0 - C * n_prime)
    offset = C * n_prime ** 2 / 2.0
    metadata = {
        "problem": "tsp-hopfield-tank",
        "n_cities": n,
        "layout": "V[x, i] (city x at position i) is variable x * n + i",
        "parameters": dict(values),
        "self_coupling": -C,
        "permutation": {"distances": D * pair_distances, "constant": C * (n - n_prime) ** 2 / 2.0},
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

    Examples
    --------
    >>> from hopopt.problems.hopfield_tank import tour_length
    >>> tour_length([0, 1, 2], [[0, 1, 2], [1, 0, 1.5], [2, 1.5, 0]])
    4.5
    """
    from ..io import tour_length as closed_length

    return closed_length(np.asarray(distances, dtype=np.float64), tour)


def optimal_tour(distances):
    """A shortest closed tour, by Held–Karp (:func:`hopopt.solvers.exact_tsp.held_karp`, n ≤ 18).

    For 10 cities this takes milliseconds where listing all (n − 1)!/2 = 181440 tours takes seconds; the
    tests check it against that brute force for small n.

    Returns
    -------
    tour : list of int
        Starts at city 0.
    length : float

    Examples
    --------
    >>> from hopopt.problems.hopfield_tank import optimal_tour
    >>> tour, length = optimal_tour([[0, 1, 5, 1], [1, 0, 1, 5], [5, 1, 0, 1], [1, 5, 1, 0]])
    >>> length
    4.0
    """
    from ..solvers.exact_tsp import held_karp

    distances = _check_distances(distances)
    _check_city_count(distances.shape[0], 1, "len(distances)")
    exact = held_karp(distances)
    return [int(city) for city in exact.solution], float(exact.objective)


def _tour_statistics(result, distances, n, optimum):
    lengths = []
    for state in result.states:
        tour, valid = decode_tank_state(state, n)
        if valid:
            lengths.append(tour_length(tour, distances))
    lengths = np.array(lengths)
    starts = result.states.shape[0]
    summary = {
        "valid_count": int(lengths.size),
        "valid_rate": lengths.size / starts,
        "converged_rate": float(np.mean(result.info["converged"])),
        "mean_length": float(lengths.mean()) if lengths.size else None,
        "median_length": float(np.median(lengths)) if lengths.size else None,
        "best_length": float(lengths.min()) if lengths.size else None,
    }
    for key in ("mean", "median", "best"):
        value = summary[f"{key}_length"]
        summary[f"{key}_ratio"] = None if value is None or optimum is None else value / optimum
    summary["optimal_found"] = int(np.sum(np.isclose(lengths, optimum))) if optimum is not None else None
    return summary


def tank_tsp_study(n_cities=10, starts=100, *, A=500.0, B=500.0, C=200.0, D=500.0, n_prime=15, rng=None,
                   penalty_scales=None, cities=None, paper_dynamics=True, solver_options=None):
    """Run the continuous network from many starts on one city set: how often is the tour valid, how good?

    The settings reproduce Hopfield & Tank 1985 with Wilson & Pawley 1988's integration:

    ============  ===============  ==============================================================
    setting       value            source
    ============  ===============  ==============================================================
    A, B, C, D    500, 500, 200,   Hopfield & Tank 1985
                  500
    n'            15               Hopfield & Tank 1985
    u0, τ         0.02, 1          Hopfield & Tank 1985 (gain, RC = 1)
    start         ΣV = n, i.e.     Hopfield & Tank 1985: ``u00 = −(u0/2) ln(n − 1)`` plus
                  V = 1/n, noise   ``δu`` uniform in [−0.1 u0, 0.1 u0]
                  0.1 u0
    dynamics      with the C       Hopfield & Tank's equations: ``−C (Σ V − n')`` includes the
                  self-coupling    neuron's own output (``paper_dynamics=True``)
    dt            1e-5             forward Euler with the step common in re-implementations; the
                                   exact flow (``solver_options={"method": "ode"}``, LSODA) gives
                                   valid rates within a few points of it
    steps         ≤ 10000          t ≤ 0.1 τ; a start stops when ``max |dV/dt| < 0.01`` per τ
    ============  ===============  ==============================================================

    With these settings the valid rate depends strongly on the city set: about 12 % on average over 20
    random sets, from 0 % to 32 % (``benchmarks/hopfield_tank_tsp.py``), with valid tours some 20 % longer
    than optimal on average. Scaling A = B up makes almost every start valid (×2: over 90 %) and the tours
    longer (about 45 % above optimal); scaling down leaves no valid tours.

    Parameters
    ----------
    n_cities : int, default 10
        Number of random cities (≥ 3), ignored when ``cities`` is given.
    starts : int, default 100
        Independent noisy starts, integrated together as one batch.
    A, B, C, D, n_prime : float
        Energy weights (see :func:`hopfield_tank_tsp_model`).
    rng : None, int or numpy.random.Generator
        ``np.random.default_rng(rng).spawn(2)``: the first child draws the cities, the second the seed of
        the starts. Every point of the penalty sweep reuses the same starting noise (common random numbers),
        so the curve shows the effect of the penalty, not of the draw.
    penalty_scales : sequence of float, optional
        Multiply A and B (keeping C, D) by each factor and repeat the study: the validity-versus-quality
        trade-off.
    cities : array_like, shape (n, 2), optional
        Use these coordinates instead of random ones.
    paper_dynamics : bool, default True
        Integrate Hopfield & Tank's equations, whose C term keeps the neuron's own output (self-coupling
        ``−C``); False integrates the plain gradient ``−u/τ + W V − θ`` of the binary model (the two agree on
        binary states and differ inside the cube).
    solver_options : dict, optional
        Override any keyword of :func:`hopopt.solvers.tank.tank` (``dt``, ``max_steps``, ``noise``, ...).

    Returns
    -------
    dict
        ``valid_rate``, ``valid_count``, ``converged_rate``, ``mean_length``, ``median_length``,
        ``best_length`` (valid tours only; None when there is none), ``optimal_length`` and
        ``optimal_tour`` (Held–Karp), ``mean_ratio``, ``median_ratio``, ``best_ratio`` (to the optimum),
        ``optimal_found`` (valid tours of optimal length), ``cities``, ``parameters``, ``settings``,
        ``time_s``, and ``sweep``: one dict per penalty scale with ``scale``, ``A``, ``B`` and the same
        statistics (empty without ``penalty_scales``).

    Raises
    ------
    ValueError
        For fewer than 3 cities or a bad solver option.

    Examples
    --------
    >>> from hopopt.problems.hopfield_tank import tank_tsp_study
    >>> study = tank_tsp_study(n_cities=5, starts=8, rng=0)
    >>> 0 <= study["valid_rate"] <= 1, study["optimal_length"] > 0
    (True, True)
    """
    from ..solvers.tank import tank

    generator = np.random.default_rng(rng)
    city_rng, start_rng = generator.spawn(2)
    if cities is None:
        n_cities = _check_city_count(n_cities, 3, "n_cities")
        cities = random_cities(n_cities, city_rng)
    else:
        cities = np.asarray(cities, dtype=np.float64)
        if cities.ndim != 2 or cities.shape[1] != 2:
            raise ValueError(f"cities must have shape (n, 2), got {cities.shape}")
        n_cities = _check_city_count(cities.shape[0], 3, "n_cities")
    starts = int(starts) if isinstance(starts, numbers.Integral) and not isinstance(starts, bool) else starts
    if not isinstance(starts, int) or starts < 1:
        raise ValueError(f"starts must be an integer ≥ 1, got {starts!r}")
    distances = city_distances(cities)
    # one integer seed for every run: each call re-spawns the same children, so the sweep's points share
    # their starting noise
    start_seed = int(start_rng.integers(2**63))
    settings = dict(PAPER_SETTINGS, target_sum=float(n_cities))
    settings.update(solver_options or {})
    optimum_tour, optimum = optimal_tour(distances) if n_cities <= 16 else (None, None)

    def run(scale):
        model = hopfield_tank_tsp_model(distances, A * scale, B * scale, C, D, n_prime)
        coupling = model.metadata["self_coupling"] if paper_dynamics else None
        options = dict(settings)
        options.setdefault("self_coupling", coupling)
        result = tank(model, n_starts=starts, rng=start_seed, **options)
        summary = _tour_statistics(result, distances, n_cities, optimum)
        summary["time_s"] = result.time_s
        return summary

    started = time.perf_counter()
    study = run(1.0)
    sweep = []
    for scale in penalty_scales or ():
        point = {"scale": float(scale), "A": A * float(scale), "B": B * float(scale)}
        point.update(run(float(scale)))
        sweep.append(point)
    study.update({
        "n_cities": n_cities, "starts": starts, "cities": cities, "optimal_length": optimum,
        "optimal_tour": optimum_tour,
        "parameters": {"A": A, "B": B, "C": C, "D": D, "n_prime": n_prime, "paper_dynamics": paper_dynamics},
        "settings": settings, "sweep": sweep, "time_s": time.perf_counter() - started,
    })
    return study
