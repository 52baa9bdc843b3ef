"""The contract every solver of an energy model keeps, checked on each one registered in hopopt.api.MODEL_SOLVERS.

A solver registered there is picked up here without being named: returned energies equal energies recomputed
from the model (exactly for integer weights), the same rng gives the same result on one thread and on two,
global solvers find brute-force ground states of tiny models, and a time limit holds for the whole
``hopopt.solve`` call on a model that needs far longer. tests/test_solver_determinism.py checks the same rng
gives the same result at one and two threads on random models for every solver, exact methods included.
"""

from __future__ import annotations

import time

import numba
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hopopt
from hopopt import EnergyModel, MaxCut, Vartype
from hopopt.api import MODEL_SOLVERS
from hopopt.solvers import brute_force
from hopopt.solvers._common import numba_threads

# solvers that stop in the nearest local minimum: no ground-state promise
LOCAL_SOLVERS = {"descent", "tank"}
GLOBAL_SOLVERS = sorted(set(MODEL_SOLVERS) - LOCAL_SOLVERS)
TWO_THREADS = pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="numba has a single thread here")


def _options(**given_options):
    options = {"time_limit": None, "rng": 0, "restarts": None, "sweeps": None, "moves": "auto",
               "acceptance": "metropolis"}
    options.update(given_options)
    return options


def _run(name, model, **given_options):
    result, _ = MODEL_SOLVERS[name](model, _options(**given_options))
    return result


def _integer_model(seed, n, vartype="spin", thresholds=True):
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.integers(-3, 4, size=(n, n)), 1).astype(np.float64)
    theta = rng.integers(-2, 3, size=n).astype(np.float64) if thresholds else None
    return EnergyModel(upper + upper.T, theta, offset=float(rng.integers(-5, 6)), vartype=vartype)


@pytest.mark.parametrize("name", sorted(MODEL_SOLVERS))
@pytest.mark.parametrize("vartype", ["spin", "binary"])
def test_energies_returned_equal_energies_recomputed(warm, name, vartype):
    model = _integer_model(7, 24, vartype)
    result = _run(name, model, sweeps=100, restarts=3, rng=1)
    allowed = {-1, 1} if model.vartype is Vartype.SPIN else {0, 1}
    assert set(np.unique(result.states)) <= allowed
    # integer weights: every energy is an integer and must be reproduced exactly, not approximately
    np.testing.assert_array_equal(result.energies, model.energies(result.states))
    assert result.best_energy == model.energy(result.best_state) == result.energies.min()


@pytest.mark.parametrize("name", sorted(MODEL_SOLVERS))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 14), binary=st.booleans())
def test_energy_invariant_on_random_models(warm, name, seed, n, binary):
    model = _integer_model(seed, n, "binary" if binary else "spin")
    result = _run(name, model, sweeps=20, restarts=2, rng=seed)
    np.testing.assert_array_equal(result.energies, model.energies(result.states))
    assert result.best_energy >= brute_force(model).best_energy


@TWO_THREADS
@pytest.mark.parametrize("name", sorted(MODEL_SOLVERS))
def test_same_rng_same_result_on_one_and_two_threads(warm, name):
    # large enough, and short enough runs, that two seeds do not end in the same ground states
    model = _integer_model(11, 300, "spin")
    runs = []
    for threads in (1, 2, 1):
        with numba_threads(threads):
            runs.append(_run(name, model, sweeps=30, restarts=4, rng=123))
    for other in runs[1:]:
        np.testing.assert_array_equal(runs[0].states, other.states)
        np.testing.assert_array_equal(runs[0].energies, other.energies)
    different = _run(name, model, sweeps=30, restarts=4, rng=124)
    assert not np.array_equal(different.states, runs[0].states)


@pytest.mark.parametrize("name", GLOBAL_SOLVERS)
@pytest.mark.parametrize("vartype", ["spin", "binary"])
def test_global_solvers_find_brute_force_ground_states(warm, name, vartype):
    hits = 0
    for seed in range(5):
        model = _integer_model(100 + seed, 14, vartype)
        exact = brute_force(model).best_energy
        result = _run(name, model, time_limit=0.5, rng=seed)
        assert result.best_energy >= exact
        hits += result.best_energy == exact
    assert hits >= 4, f"{name} found the ground state of {hits}/5 tiny models"


@pytest.mark.parametrize("name", sorted(MODEL_SOLVERS))
def test_time_limit_holds_for_the_whole_solve(warm, name):
    # 4000 nodes, 40 000 edges: every solver needs far longer than a second to settle this
    problem = MaxCut.random(4000, 0.005, rng=3)
    limit = 1.0
    started = time.perf_counter()
    answer = hopopt.solve(problem, name, time_limit=limit, rng=0)
    elapsed = time.perf_counter() - started
    assert elapsed <= limit + max(0.1 * limit, 0.5), f"{name} took {elapsed:.2f} s for a {limit} s limit"
    assert answer.feasible
