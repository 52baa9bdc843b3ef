"""The Hopfield–Tank (1985) TSP study: from many noisy starts of the continuous network, how often is the
tour valid, and how good is it?

It runs :func:`hopopt.solvers.tank.tank` on :func:`hopopt.problems.hopfield_tank.hopfield_tank_tsp_model` and
compares the decoded tours with the Held–Karp optimum (:func:`hopopt.solvers.exact_tsp.held_karp`), so it
lives a layer above problems and solvers.

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

from .. import control
from ..problems.hopfield_tank import (_check_city_count, _check_distances, city_distances, decode_tank_state,
                                      hopfield_tank_tsp_model, random_cities, tour_length)
from ..solvers.exact_tsp import held_karp
from ..solvers.tank import tank

__all__ = ["optimal_tour", "tank_tsp_study", "PAPER_SETTINGS"]

#: Integration settings of the reproduction (see :func:`tank_tsp_study` for where each comes from); read-only.
PAPER_SETTINGS = MappingProxyType({
    "u0": 0.02,           # Hopfield & Tank 1985
    "tau": 1.0,           # Hopfield & Tank 1985 (RC = 1)
    "dt": 1e-5,           # the Euler step common in re-implementations; the exact flow gives the same rates
    "noise": 0.1,         # Hopfield & Tank 1985: δu uniform in [−0.1 u0, 0.1 u0]
    "max_steps": 10_000,  # integrated time ≤ 0.1 τ; starts settle by t ≈ 0.005–0.03
    "tolerance": 1e-2,    # outputs change by less than 1e-2 per τ: frozen
})


def optimal_tour(distances):
    """A shortest closed tour, by Held–Karp (:func:`hopopt.solvers.exact_tsp.held_karp`, n ≤ 18).

    For 10 cities this takes milliseconds where listing all (n − 1)!/2 = 181440 tours takes seconds; the
    tests check it against that brute force for small n.

    Parameters
    ----------
    distances : array_like, shape (n, n)
        Symmetric distances between the cities, n ≤ 18.

    Returns
    -------
    tour : list of int
        Starts at city 0.
    length : float

    Examples
    --------
    >>> from hopopt.workflows.hopfield_tank import optimal_tour
    >>> tour, length = optimal_tour([[0, 1, 5, 1], [1, 0, 1, 5], [5, 1, 0, 1], [1, 5, 1, 0]])
    >>> length
    4.0
    """
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
        Energy weights (see :func:`~hopopt.problems.hopfield_tank.hopfield_tank_tsp_model`).
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
    >>> from hopopt.workflows.hopfield_tank import tank_tsp_study
    >>> study = tank_tsp_study(n_cities=5, starts=8, rng=0)
    >>> 0 <= study["valid_rate"] <= 1, study["optimal_length"] > 0
    (True, True)
    """
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
        if control.should_stop():
            break  # the command's deadline or Ctrl-C (hopopt.control): each tank run would stop at once anyway
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
