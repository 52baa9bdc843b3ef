"""Exact baselines: exhaustive Gray-code enumeration (n ≤ 30), a MILP solved by HiGHS through scipy, and a
portfolio (:func:`solve_exact`) that picks between them by estimated time.

Both return a :class:`~hopopt.result.SolveResult` (the type every solver returns) with the best state, its
energy, ``bound`` (a proven lower bound on the energy) and ``optimal`` (whether optimality was proved), so heuristic answers can be compared with a certified optimum.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
import numpy as np
import scipy.sparse as sp

from .. import control
from ..model import EnergyModel
from ..result import Solution, SolveResult
from . import _kernels as kernels
from ..resources import milp_builds_in_time
from ._common import (Clock, check_model, check_time_limit, setup_seconds, spin_states, to_model_vartype,
                      warm_up, warm_up_seconds)

__all__ = ["problem_answer", "brute_force", "milp", "solve_exact", "estimate_brute_force_seconds", "brute_force_rate",
           "BRUTE_FORCE_MAX_N"]

#: :func:`brute_force` refuses models with more spins than this (2^n states)
BRUTE_FORCE_MAX_N = 30
# Up to this many spins (plus one auxiliary spin for the thresholds) the MILP uses every pair of spins and
# all triangle inequalities, a much tighter relaxation than the edge-only one; past it the constraint count
# (4 per triangle, ~n³/1.5) would outweigh the benefit.
_TRIANGLE_MAX_N = 60


def _exact_result(state, energy, optimal, bound, time_s, method, ground_count, message, info=None):
    """The :class:`~hopopt.result.SolveResult` of an exact method on a model (one result type for all)."""
    extras = dict(info or {})
    if ground_count is not None:
        extras["ground_count"] = int(ground_count)
    return SolveResult.exact(state, energy, optimal=optimal, bound=bound, time_s=time_s, method=method,
                             message=message, info=extras)


def problem_answer(kind):
    """A constructor of problem-level exact answers (:class:`~hopopt.result.Solution`) for one kind, taking
    ``(solution, objective, optimal, bound, time_s, method, message="", info=None)``.

    Parameters
    ----------
    kind : str
        The problem kind's name, recorded in every answer.

    Returns
    -------
    callable
        ``answer(solution, objective, optimal, bound, time_s, method, message="", info=None)`` returning a
        :class:`~hopopt.result.Solution` (see :meth:`hopopt.Solution.exact`).

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt.solvers.exact import problem_answer
    >>> answer = problem_answer("maxcut")
    >>> solution = answer(np.array([0, 1, 0]), 2.0, True, 2.0, 0.01, "brute-force")
    >>> solution.kind, solution.objective, solution.optimal, solution.solver
    ('maxcut', 2.0, True, 'brute-force')
    """
    def answer(solution, objective, optimal, bound, time_s, method, message="", info=None):
        return Solution.exact(kind, solution, objective, optimal=optimal, bound=bound, time_s=time_s,
                              method=method, message=message, info=info)
    return answer


def brute_force(model) -> SolveResult:
    """The exact minimum of E by enumerating all 2ⁿ states in Gray-code order (numba, parallel).

    Each step flips one spin, so the energy and the local fields are updated in O(n); n = 24 takes about a
    second on two cores. Models with more than 30 variables are refused.

    Parameters
    ----------
    model : EnergyModel

    Returns
    -------
    SolveResult
        ``optimal`` is True, ``ground_count`` the number of minimum-energy states (within rounding).

    Examples
    --------
    >>> from hopopt import EnergyModel
    >>> from hopopt.solvers import brute_force
    >>> result = brute_force(EnergyModel([[0, 1], [1, 0]]))
    >>> result.best_energy, result.ground_count
    (-1.0, 2)
    """
    model = check_model(model)
    if model.n > BRUTE_FORCE_MAX_N:
        raise ValueError(f"brute force enumerates 2^n states and accepts n ≤ {BRUTE_FORCE_MAX_N}, got n = {model.n}")
    spin = model.to_spin()
    dense = np.array(spin.dense_weights(), dtype=np.float64, order="C")  # writable: one compiled signature
    scale = float(np.abs(dense).sum() + np.abs(spin.thresholds).sum() + abs(spin.offset))
    tolerance = 1e-9 * max(scale, 1.0)
    warm_up("brute-force")
    started = time.perf_counter()
    symmetric = model.n >= 2 and not np.any(spin.thresholds)
    if symmetric:
        # θ = 0: E(s) = E(−s), so fix the last spin to +1 and enumerate the others, whose thresholds become
        # −W[:, last] (half the states; every ground state of the reduced model stands for two)
        thresholds = np.ascontiguousarray(-dense[:-1, -1])
        dense = np.ascontiguousarray(dense[:-1, :-1])
    else:
        thresholds = spin.thresholds
    size = dense.shape[0]
    prefix_bits = min(size, 6)
    _, code, count = kernels.brute_force(dense, thresholds, spin.offset, prefix_bits, tolerance)
    elapsed = time.perf_counter() - started
    spins = np.where((int(code) >> np.arange(size)) & 1, 1, -1).astype(np.int8)
    if symmetric:
        spins = np.append(spins, np.int8(1))
        count = 2 * int(count)
    state = to_model_vartype(model, spins)
    energy = model.energy(state)
    return _exact_result(state, energy, True, energy, elapsed, "brute-force", int(count),
                         "all 2^n states enumerated" + (" (half of them, by the s → −s symmetry)" if symmetric else ""))


def milp(model, *, time_limit=None, incumbent="anneal", verbose=False) -> SolveResult:
    """Minimise E exactly as a max-cut MILP solved by HiGHS (``scipy.optimize.milp``).

    The spin energy is rewritten as a weighted cut: with an auxiliary spin fixed to +1 carrying the
    thresholds (left out when θ = 0), ``E(s) = constant + Σ_pairs c_ij y_ij`` where ``y_ij = 1`` when
    s_i ≠ s_j, ``c_ij = 2 W_ij`` for neuron pairs and ``c_i,aux = -2 θ_i``. For n ≤ 60 every pair gets a
    variable and the triangle inequalities ``y_ij ≤ y_ik + y_jk``, ``y_ij + y_ik + y_jk ≤ 2`` make binary y
    exactly the cuts and give a tight relaxation. For larger n: side variables x and ``y_ij = x_i XOR x_j``
    on the non-zero pairs only.

    A good incumbent shortens the proof a lot (HiGHS prunes every node whose bound is worse): by default a
    short anneal (1000 sweeps, 4 restarts, seed 0) provides one, and the constraint ``E ≤ E_incumbent`` is
    added. scipy's ``milp`` takes no starting solution, so this objective cut-off is how it is passed on.

    Parameters
    ----------
    model : EnergyModel
    time_limit : float, optional
        Seconds for HiGHS; then the best state known and the proven bound are returned (``optimal=False``).
    incumbent : "anneal", None or array_like
        Where the starting solution comes from: a short anneal, none, or a state of the model's vartype.
    verbose : bool
        Let HiGHS print its log.

    Returns
    -------
    SolveResult
        ``time_s`` includes the incumbent's anneal.

    Examples
    --------
    >>> from hopopt import EnergyModel
    >>> from hopopt.solvers import milp
    >>> result = milp(EnergyModel([[0, -1, -1], [-1, 0, -1], [-1, -1, 0]]))
    >>> result.best_energy, result.optimal
    (-1.0, True)
    """
    from .anneal import anneal

    model = check_model(model)
    time_limit = control.time_left(check_time_limit(time_limit))
    clock = Clock(time_limit)
    spin = model.to_spin()
    n = spin.n
    thresholds = spin.thresholds
    has_thresholds = bool(np.any(thresholds != 0))
    size = n + 1 if has_thresholds else n
    couplings = np.asarray(spin.csr()[2])  # both triangles: every pair stored twice
    pair_count = len(couplings) // 2 + int(np.count_nonzero(thresholds))
    # whether the formulation can be built in the time there is (decided again after the incumbent)
    builds = milp_builds_in_time(_formulation_entries(size, pair_count), _finite(clock.remaining()))
    if builds:
        # pair costs: neuron pairs (i < j) and, with thresholds, (i, aux) with aux = n
        upper = sp.triu(sp.csr_array(spin.weights) if not spin.is_sparse else spin.weights, k=1).tocoo()
        rows = np.concatenate([upper.row, np.flatnonzero(thresholds)]).astype(np.int64)
        cols = np.concatenate([upper.col, np.full(np.count_nonzero(thresholds), n)]).astype(np.int64)
        costs = np.concatenate([2.0 * upper.data, -2.0 * thresholds[thresholds != 0]])
        constant = spin.offset - float(upper.data.sum()) + float(thresholds.sum())
        pair_count = costs.size
        cost_scale, best_costs = float(np.abs(costs).sum()), float(np.minimum(costs, 0.0).sum())
    else:
        # never built: the sums the answer needs come from both triangles at once, without the upper triangle's
        # copy (a third of a second on G(5000, 0.5)); c_ij = 2 W_ij, and each pair appears as (i, j) and (j, i)
        constant = spin.offset - 0.5 * float(couplings.sum()) + float(thresholds.sum())
        cost_scale = float(np.abs(couplings).sum()) + 2.0 * float(np.abs(thresholds).sum())
        best_costs = float(np.minimum(couplings, 0.0).sum()) + float(np.minimum(-2.0 * thresholds, 0.0).sum())

    start_state = None
    incumbent_source = "anneal" if isinstance(incumbent, str) else "given"
    if isinstance(incumbent, str):
        if incumbent != "anneal":
            raise ValueError(f"incumbent must be 'anneal', None or a state, got {incumbent!r}")
        # the incumbent may take a fifth of the time (on large models 1000 sweeps would eat the whole limit), or
        # all of it when the MILP will not be built anyway
        share = None if time_limit is None else max((1.0 if not builds else _INCUMBENT_SHARE) * clock.remaining(),
                                                    1e-3)
        if share is not None and _anneal_setup_seconds(spin) > share:
            # the anneal's set-up alone (its tables over every coupling, its kernels) would outlast the time: a
            # seeded random state, which cuts about half of any graph, is the incumbent
            incumbent_source = "random (no time to set up the anneal)"
            start_state = (2 * np.random.default_rng(0).integers(0, 2, n) - 1).astype(np.int8)
        else:
            start_state = anneal(spin, n_sweeps=1000, n_restarts=4, rng=0, time_limit=share).best_state
    elif incumbent is not None:
        start_state = spin_states(model, incumbent, 1)[0]
    cutoff = None
    if start_state is not None:
        # a hair above the incumbent's cost so rounding never makes the incumbent itself infeasible
        cutoff = spin.energy(start_state) - constant
        cutoff += 1e-9 * max(1.0, cost_scale)

    # a zero relative gap, so that "optimal" is a proof: HiGHS's default 1e-4 would accept a cut 1 below the
    # optimum on a 10⁴-weight graph
    options = {"disp": bool(verbose), "mip_rel_gap": 0.0}
    if np.isfinite(clock.remaining()):
        options["time_limit"] = max(clock.remaining(), 1e-3)
    if pair_count == 0 or cost_scale == 0.0:
        # no couplings and no thresholds: every state has the same energy, nothing to optimise
        state = to_model_vartype(model, np.ones(n, dtype=np.int8))
        energy = model.energy(state)
        return _exact_result(state, energy, True, energy, clock.elapsed(), "milp", None,
                           "constant energy: every state is optimal", {"formulation": "none"})
    solution = None
    if not builds or not milp_builds_in_time(_formulation_entries(size, pair_count), _finite(clock.remaining())):
        # building the rows and handing them to HiGHS would alone outlast the time left: keep the incumbent and
        # the bound every pair at its best cost gives (a proof only when no pair has to give anything up)
        formulation = "none (too large for the time left)"
        status, bound = 1, best_costs
        message = (f"the MILP's {_formulation_entries(size, pair_count):,} constraint entries would not be built "
                   f"in the {clock.remaining():.2f} s left; incumbent ({incumbent_source}) kept, bound from the pairs' "
                   f"best costs")
    elif size <= _TRIANGLE_MAX_N:
        formulation = "triangle"
        solution, objective, bound, status, message = _solve_triangle(size, rows, cols, costs, cutoff, options)
        if solution is not None:
            # spin 0 (or the auxiliary spin) is +1; y says who is on the other side of it
            reference = n if has_thresholds else 0
            others = np.arange(n)
            across = np.zeros(n, dtype=bool)
            mask = others != reference
            across[mask] = solution[_pair_index(others[mask], np.full(mask.sum(), reference), size)] > 0.5
            spins = np.where(across, -1, 1)
    else:
        formulation = "edge"
        if time_limit is not None:
            # HiGHS's presolve does not look at the clock: on G1 (800 nodes) it ran 22.7 s of a 2 s limit, without
            # it HiGHS stops at 2.4 s. The edge formulation's relaxation is weak and proofs at this size are rare,
            # so honouring the limit matters more than what presolve might save.
            options["presolve"] = False
        solution, objective, bound, status, message = _solve_edges(size, rows, cols, costs, cutoff, options)
        if solution is not None:
            spins = np.where(solution[:n] > 0.5, -1, 1)
    elapsed = clock.elapsed()
    candidates = []
    if solution is not None:
        candidates.append(spins.astype(np.int8))
    if start_state is not None:
        candidates.append(np.asarray(start_state, dtype=np.int8))
    if not candidates:
        # no incumbent at all within the time limit: every state is feasible, report the all-up state
        candidates.append(np.ones(n, dtype=np.int8))
    energies = [spin.energy(candidate) for candidate in candidates]
    best_spins = candidates[int(np.argmin(energies))]
    state = to_model_vartype(model, best_spins)
    energy = model.energy(state)
    # with the cut-off, "infeasible" means no state beats the incumbent: the incumbent is optimal
    optimal = status == 0 or (status == 2 and start_state is not None)
    if optimal:
        lower = energy
    elif bound is not None and np.isfinite(bound):
        lower = constant + bound
    else:
        # HiGHS proved nothing (left at the deadline, or no time): every pair at its best cost still bounds E
        lower = constant + best_costs
    return _exact_result(state, energy, optimal, float(min(lower, energy)), elapsed, "milp", None, message,
                       {"formulation": formulation, "incumbent": incumbent_source if start_state is not None else None,
                        "incumbent_energy": None if start_state is None else float(spin.energy(start_state))})


# Share of a time-limited MILP given to the incumbent anneal.
_INCUMBENT_SHARE = 0.2
def _finite(seconds):
    """None for an infinite time left (no limit), else the seconds."""
    return None if not np.isfinite(seconds) else seconds


def _anneal_setup_seconds(spin):
    """What :func:`hopopt.anneal` spends on a spin model before its first sweep, counted high."""
    loading = min(warm_up_seconds("flips", "polish"), warm_up_seconds("lattice-flips", "polish"))
    return loading + setup_seconds(spin)


def _formulation_entries(size, pairs):
    """Non-zeros of the MILP's constraint matrix: the triangle formulation for small models, else the edges'."""
    if size <= _TRIANGLE_MAX_N:
        return 12 * (size * (size - 1) * (size - 2) // 6)
    return 6 * pairs


# Brute force is chosen outright when it is expected to finish within this many seconds.
_BRUTE_FORCE_SURE_S = 2.0
# Pair density (non-zero couplings and thresholds over all pairs) from which the MILP's relaxation is too weak
# to race brute force: measured, G(30, 0.5) max-cut is proved by enumeration in seconds while HiGHS had not
# finished after 60 s; G(30, 0.1 … 0.3) is proved by the MILP in under 2 s.
_DENSE_PAIRS = 0.4
# Share of brute force's estimated time given to the MILP first on sparse models.
_MILP_SHARE = 0.25
_RATE = {}


def brute_force_rate() -> float:
    """Spin-updates per second of the enumeration kernel on this machine (measured once, on n = 20).

    Examples
    --------
    >>> from hopopt.solvers.exact import brute_force_rate
    >>> brute_force_rate() > 1e5  # updates per second (tens of millions on a laptop core)
    True
    """
    if "rate" not in _RATE:
        warm_up("brute-force")
        generator = np.random.default_rng(0)
        upper = np.triu(generator.normal(size=(20, 20)), 1)
        sample = EnergyModel(upper + upper.T, generator.normal(size=20))
        started = time.perf_counter()
        brute_force(sample)
        _RATE["rate"] = 2**20 * 20 / max(time.perf_counter() - started, 1e-6)
    return _RATE["rate"]


def estimate_brute_force_seconds(model) -> float:
    """Expected seconds of :func:`brute_force` on ``model``: 2ⁿ states (2ⁿ⁻¹ without thresholds) × n field
    updates at the measured rate.

    Parameters
    ----------
    model : EnergyModel
        The model that would be enumerated.

    Returns
    -------
    float
        The expected seconds on this machine (from :func:`brute_force_rate`).

    Examples
    --------
    >>> from hopopt import MaxCut
    >>> from hopopt.solvers.exact import estimate_brute_force_seconds
    >>> estimate_brute_force_seconds(MaxCut.random(10, rng=0).to_model()) < 0.1
    True
    """
    spin = model.to_spin()
    states = 2.0 ** (model.n - 1 if model.n >= 2 and not np.any(spin.thresholds) else model.n)
    return states * model.n / brute_force_rate()


def _pair_density(model) -> float:
    spin = model.to_spin()
    pairs = spin.n * (spin.n + 1) / 2  # the pairs of n spins and one auxiliary spin carrying θ
    couplings = (spin.csr()[2] != 0).sum() / 2 + np.count_nonzero(spin.thresholds)
    return float(couplings / max(pairs, 1))


def solve_exact(model, *, time_limit=None) -> SolveResult:
    """A portfolio that picks the exact method by estimated time: brute force or the MILP.

    Brute force's cost is known in advance (2ⁿ states at a rate measured on this machine,
    :func:`estimate_brute_force_seconds`); the MILP's is not, but its relaxation is tight on sparse models and
    weak on dense ones. So, for n ≤ 30: brute force when it is expected to take under 2 s, or when the model is
    dense (pair density ≥ 0.4) and it fits the time limit; otherwise the MILP first, given a quarter of the time
    brute force would need, then brute force if the MILP proved nothing and it still fits. Past n = 30, the MILP. The
    choice, the estimate and every method tried are in ``info["portfolio"]``.

    Parameters
    ----------
    model : EnergyModel
    time_limit : float, optional
        Seconds for the whole portfolio (joined with an active command's deadline); brute force runs only when
        its estimate fits what is left. None: no limit.

    Returns
    -------
    SolveResult
        ``optimal`` and ``bound`` say what was proved; ``info["portfolio"]`` the estimate and the methods tried.

    Examples
    --------
    >>> from hopopt import MaxCut
    >>> from hopopt.solvers import solve_exact
    >>> solve_exact(MaxCut.random(8, rng=0).to_model()).method
    'brute-force'
    """
    model = check_model(model)
    time_limit = control.time_left(check_time_limit(time_limit))
    clock = Clock(time_limit)

    def remaining():
        left = clock.remaining()
        return None if not np.isfinite(left) else left

    def finish(result, tried, estimate):
        portfolio = {"brute_force_estimate_s": estimate, "tried": tried, "chosen": result.method}
        return dataclasses.replace(result, info={**result.info, "portfolio": portfolio})

    if model.n > BRUTE_FORCE_MAX_N:
        return finish(milp(model, time_limit=time_limit), ["milp"], None)
    estimate = estimate_brute_force_seconds(model)
    # enumeration is one kernel call that no clock can stop: it runs only when it fits the time left
    fits = remaining() is None or estimate <= remaining()
    if fits and (estimate <= _BRUTE_FORCE_SURE_S or _pair_density(model) >= _DENSE_PAIRS):
        return finish(brute_force(model), ["brute-force"], estimate)
    # the MILP gets a quarter of what enumeration would take: when it proves, it mostly does so quickly (sparse
    # max-cut n = 30: 0.7 s), and a failed attempt then costs at most 1.25 times the enumeration
    budget = max(_MILP_SHARE * estimate, 1.0)
    if remaining() is not None:
        budget = min(budget, remaining())
    first = milp(model, time_limit=max(budget, 1e-3))
    left = remaining()
    if first.optimal or not (left is None or estimate <= left):
        return finish(first, ["milp"], estimate)
    return finish(brute_force(model), ["milp", "brute-force"], estimate)


def _pair_index(i, j, size):
    """Index of pair (min, max) among the size·(size−1)/2 pairs in row-major upper-triangle order."""
    low, high = np.minimum(i, j), np.maximum(i, j)
    return low * size - low * (low + 1) // 2 + (high - low - 1)


def _run(costs, constraints, integrality, bounds, options):
    from ._milp import run_milp  # scipy.optimize: a third of a second, only for the MILP

    result = run_milp(costs, constraints=constraints, integrality=integrality, bounds=bounds, options=options)
    bound = getattr(result, "mip_dual_bound", None)
    objective = None if result.x is None else float(result.fun)
    return result.x, objective, bound, result.status, result.message


def _cutoff_constraint(objective, cutoff):
    """The row ``objective · v ≤ cutoff`` (empty list when there is no cut-off)."""
    if cutoff is None:
        return []
    from scipy.optimize import LinearConstraint

    return [LinearConstraint(sp.csr_array(objective[None, :]), -np.inf, cutoff)]


def _solve_triangle(size, rows, cols, costs, cutoff, options):
    from scipy.optimize import Bounds, LinearConstraint

    pairs = size * (size - 1) // 2
    objective = np.zeros(pairs)
    np.add.at(objective, _pair_index(np.asarray(rows), np.asarray(cols), size), costs)
    triangles = np.array(list(itertools.combinations(range(size), 3)), dtype=np.int64).reshape(-1, 3)
    a = _pair_index(triangles[:, 0], triangles[:, 1], size)
    b = _pair_index(triangles[:, 0], triangles[:, 2], size)
    c = _pair_index(triangles[:, 1], triangles[:, 2], size)
    count = len(triangles)
    # for each triangle: y_a - y_b - y_c ≤ 0 (and rotations), y_a + y_b + y_c ≤ 2
    signs = np.array([[1, -1, -1], [-1, 1, -1], [-1, -1, 1], [1, 1, 1]], dtype=np.float64)
    row_ids = np.repeat(np.arange(4 * count), 3)
    col_ids = np.tile(np.stack([a, b, c], axis=1).reshape(-1), 4)
    values = np.repeat(signs, count, axis=0).reshape(-1)
    matrix = sp.csr_array((values, (row_ids, col_ids)), shape=(4 * count, pairs))
    upper_bounds = np.concatenate([np.zeros(3 * count), np.full(count, 2.0)])
    constraints = [LinearConstraint(matrix, -np.inf, upper_bounds)] if count else []
    constraints += _cutoff_constraint(objective, cutoff)
    return _run(objective, constraints, np.ones(pairs), Bounds(0, 1), options)


def _solve_edges(size, rows, cols, costs, cutoff, options):
    from scipy.optimize import Bounds, LinearConstraint

    rows, cols, costs = np.asarray(rows), np.asarray(cols), np.asarray(costs, dtype=np.float64)
    edges = rows.size
    # variables: x_0..x_{size-1} (the last one fixed to 0), then y_e
    objective = np.concatenate([np.zeros(size), costs])
    matrix, lower, upper = _edge_rows(size, rows, cols, costs)
    constraints = [LinearConstraint(matrix, lower, upper)] if matrix.shape[0] else []
    constraints += _cutoff_constraint(objective, cutoff)
    upper_bounds = np.ones(size + edges)
    upper_bounds[size - 1] = 0.0  # the last spin's side is fixed (the cut is the same for both sides)
    return _run(objective, constraints, np.ones(size + edges), Bounds(0, upper_bounds), options)


def _edge_rows(size, rows, cols, costs):
    """The edge formulation's rows, two per pair, built with array operations (millions of pairs in seconds).

    A positive cost wants y = 0: force y ≥ |x_i − x_j|, as y − (x_i − x_j) ≥ 0 and y + (x_i − x_j) ≥ 0. A
    negative one wants y = 1: force y ≤ x_i + x_j and y ≤ 2 − x_i − x_j. Only the binding pair is needed for
    each sign. Row 2e and 2e + 1 belong to pair e; each row has three entries (y, x_i, x_j).
    """
    edges = rows.size
    positive = costs > 0
    y = size + np.arange(edges)
    # coefficients of (y, x_i, x_j) in the pair's first and second row
    first = np.where(positive[:, None], [1.0, -1.0, 1.0], [1.0, -1.0, -1.0])
    second = np.where(positive[:, None], [1.0, 1.0, -1.0], [1.0, 1.0, 1.0])
    values = np.stack([first, second], axis=1).reshape(-1)
    columns = np.repeat(np.stack([y, rows, cols], axis=1)[:, None, :], 2, axis=1).reshape(-1)
    indptr = np.arange(0, 6 * edges + 1, 3)
    matrix = sp.csr_array((values, columns, indptr), shape=(2 * edges, size + edges))
    lower = np.where(np.repeat(positive, 2), 0.0, -np.inf)
    upper = np.where(positive[:, None], np.inf, [0.0, 2.0]).reshape(-1)
    return matrix, lower, upper
