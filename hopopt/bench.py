"""Comparison harness: hopopt's solvers, the exact method and installed peers on one instance.

Every row is measured in this process, now; peers that are not installed give a row saying so, never a
number typed in.
"""

from __future__ import annotations

import time

import numpy as np

__all__ = ["compare_maxcut", "peer_available"]


def peer_available(module: str) -> bool:
    """Whether an optional peer package can be imported."""
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def compare_maxcut(problem, *, time_limit=10.0, seed=0, best_known=None, restarts=None):
    """Rows ``{"solver", "objective", "gap", "feasible", "time_s", ...}`` for one max-cut instance.

    Solvers: hopopt annealing filling ``time_limit``; plain Hopfield descent from random starts; the exact
    method (brute force or MILP within ``time_limit``); dwave-samplers' SimulatedAnnealingSampler with the
    same restarts and the sweeps hopopt managed (when installed); networkx's ``one_exchange`` local search.
    The gap is measured against the proven optimum, else the best-known value, else the best cut found.

    Examples
    --------
    >>> from hopopt import MaxCut
    >>> from hopopt.bench import compare_maxcut
    >>> rows = compare_maxcut(MaxCut.random(12, 0.5, seed=0), time_limit=0.5)
    >>> [row["solver"] for row in rows][:3]
    ['hopopt-anneal', 'hopopt-descent', 'exact-brute-force']
    """
    from .solvers import anneal, descend_restarts, solve_exact

    model = problem.to_model()
    rows = []

    result = anneal(model, time_limit=time_limit, rng=seed, n_restarts=restarts)
    rows.append(_row("hopopt-anneal", problem, result.best_state, result.time_s,
                     sweeps=int(result.sweeps_done), restarts=int(result.states.shape[0])))
    annealed_sweeps, annealed_restarts = int(result.sweeps_done), int(result.states.shape[0])

    descent = descend_restarts(model, n_restarts=100, time_limit=time_limit, rng=seed)
    rows.append(_row("hopopt-descent", problem, descent.best_state, descent.time_s,
                     restarts=int(descent.states.shape[0])))

    exact = solve_exact(model, time_limit=time_limit)
    bound = problem.objective_from_energy(exact.bound) if np.isfinite(exact.bound) else None
    rows.append(_row(f"exact-{exact.method}", problem, exact.best_state, exact.time_s,
                     optimal=bool(exact.optimal), bound=bound))

    if peer_available("dwave.samplers"):
        from dwave.samplers import SimulatedAnnealingSampler

        bqm = model.to_bqm()
        tic = time.perf_counter()
        sampleset = SimulatedAnnealingSampler().sample(bqm, num_reads=annealed_restarts,
                                                       num_sweeps=min(annealed_sweeps, 100000), seed=seed)
        elapsed = time.perf_counter() - tic
        best = sampleset.first.sample
        state = np.array([best[i] for i in range(problem.n)])
        rows.append(_row("dwave-samplers SA", problem, state, elapsed,
                         sweeps=min(annealed_sweeps, 100000), restarts=annealed_restarts))
    else:
        rows.append({"solver": "dwave-samplers SA", "objective": None, "gap": None, "feasible": None,
                     "time_s": None, "note": "not installed"})

    import networkx as nx

    graph = problem.to_networkx()
    tic = time.perf_counter()
    _, (side, _) = nx.algorithms.approximation.one_exchange(graph, weight="weight", seed=seed)
    elapsed = time.perf_counter() - tic
    sides = np.zeros(problem.n, dtype=np.int8)
    sides[list(side)] = 1
    rows.append(_row("networkx one_exchange", problem, sides, elapsed))

    reference = _reference(rows, exact, best_known)
    for row in rows:
        if row["objective"] is not None and reference:
            row["gap"] = (reference - row["objective"]) / abs(reference)
    return rows


def _row(name, problem, state, time_s, **extra):
    evaluation = problem.evaluate(problem.decode(state))
    return {"solver": name, "objective": evaluation.objective, "gap": None, "feasible": evaluation.feasible,
            "time_s": float(time_s), **extra}


def _reference(rows, exact, best_known):
    """The value gaps are measured against: proven optimum, else best known, else best found."""
    found = [row["objective"] for row in rows if row["objective"] is not None]
    if exact.optimal:
        return next(row["objective"] for row in rows if row["solver"].startswith("exact"))
    if best_known is not None:
        return max([best_known] + found)
    return max(found) if found else None
