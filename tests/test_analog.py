"""Analog solvers (simulated bifurcation bSB/dSB, chaotic amplitude control): oracles, invariants, options."""

from __future__ import annotations

import time

import numba
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import hopopt.solvers.bifurcation as bifurcation_module
from hopopt import EnergyModel, Status, Vartype
from hopopt.solvers import brute_force
from hopopt.solvers.amplitude import amplitude_control
from hopopt.solvers.bifurcation import bifurcate

TWO_THREADS = pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="numba has a single thread here")


def _ballistic(model, **options):
    return bifurcate(model, variant="ballistic", **options)


def _discrete(model, **options):
    return bifurcate(model, variant="discrete", **options)


SOLVERS = {"bsb": _ballistic, "dsb": _discrete, "cac": amplitude_control}


@pytest.fixture(scope="module")
def warm():
    bifurcation_module._warm_up_analog()


def _check_result(model, result, trajectories, name):
    assert result.states.shape == (trajectories, model.n)
    allowed = {-1, 1} if model.vartype is Vartype.SPIN else {0, 1}
    assert set(np.unique(result.states)) <= allowed
    assert np.array_equal(result.energies, model.energies(result.states))
    assert result.best_energy == model.energy(result.best_state) == result.energies.min()
    assert result.solver == name


# ---------------------------------------------------------------------------------------------- ground states
@pytest.mark.parametrize("name", list(SOLVERS))
@pytest.mark.parametrize("n, density, sparse, vartype", [
    (8, 1.0, False, "spin"),
    (12, 0.5, True, "spin"),
    (14, 0.6, False, "binary"),
    (16, 0.3, True, "binary"),
])
def test_finds_brute_force_ground_state(helpers, warm, name, n, density, sparse, vartype):
    model = helpers.random_model(2000 + n, n, density=density, sparse=sparse, vartype=vartype)
    exact = brute_force(model).best_energy
    tolerance = helpers.energy_tolerance(model)
    hits = 0
    for seed in range(10):
        result = SOLVERS[name](model, n_trajectories=4, n_steps=400, rng=seed)
        _check_result(model, result, 4, name)
        assert result.best_energy >= exact - tolerance
        hits += abs(result.best_energy - exact) <= tolerance
    assert hits >= 9, f"{name}: ground state found on {hits}/10 seeds"


@pytest.mark.parametrize("name", list(SOLVERS))
def test_dynamics_alone_reach_ground_state_without_polish(helpers, warm, name):
    """The best sign state each trajectory passes through, unpolished, is already the ground state here."""
    model = helpers.random_model(7, 10, density=1.0, vartype="spin")
    exact = brute_force(model).best_energy
    hits = sum(abs(SOLVERS[name](model, n_trajectories=4, n_steps=400, rng=seed, polish=False).best_energy - exact)
               <= 1e-9 for seed in range(10))
    assert hits >= 8


@pytest.mark.parametrize("name", list(SOLVERS))
def test_thresholds_alone_decide_the_state(warm, name):
    """W = 0: the only information is in θ (binary: x_i = 1 exactly where θ_i < 0); it must reach the dynamics."""
    rng = np.random.default_rng(3)
    thresholds = rng.choice([-2.0, -1.0, 1.0, 3.0], size=12)
    model = EnergyModel(np.zeros((12, 12)), thresholds, 1.5, "binary")
    result = SOLVERS[name](model, n_trajectories=2, n_steps=300, rng=0, polish=False)
    assert result.info["thresholds"] == "auxiliary spin"
    assert np.array_equal(result.best_state, (thresholds < 0).astype(np.int8))
    assert result.best_energy == pytest.approx(thresholds[thresholds < 0].sum() + 1.5)


@pytest.mark.parametrize("name", list(SOLVERS))
def test_strong_thresholds_against_couplings(helpers, warm, name):
    """θ of the same size as the couplings on a binary model: the ground state is found with and without polish."""
    model = helpers.random_model(11, 12, density=0.8, integer=True, vartype="binary")
    assert np.any(model.thresholds != 0)
    exact = brute_force(model).best_energy
    results = [SOLVERS[name](model, n_trajectories=8, n_steps=600, rng=seed) for seed in range(5)]
    assert sum(result.best_energy == exact for result in results) >= 4


# ---------------------------------------------------------------------------------------------- invariants
@pytest.mark.parametrize("name", list(SOLVERS))
def test_tracked_energies_match_the_model(helpers, warm, name):
    """The kernels' incremental sign-state energies (seen through the callback) equal the model's energies."""
    model = helpers.random_model(5, 40, density=0.4, sparse=True, integer=True, vartype="binary")
    seen = []

    def record(intermediate):
        seen.append((intermediate.best_energy, intermediate.best_state.copy()))

    SOLVERS[name](model, n_trajectories=3, n_steps=200, rng=1, polish=False, callback=record)
    assert seen
    for energy, state in seen:
        assert energy == model.energy(state)  # integer weights: exact


@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_never_below_ground_and_energies_recomputed(helpers, data):
    bifurcation_module._warm_up_analog()
    model = data.draw(helpers.models(min_n=1, max_n=7))
    name = data.draw(st.sampled_from(list(SOLVERS)))
    result = SOLVERS[name](model, n_trajectories=2, n_steps=50, rng=data.draw(st.integers(0, 100)))
    exact = brute_force(model).best_energy
    np.testing.assert_allclose(result.energies, model.energies(result.states), rtol=0, atol=0)
    assert result.best_energy >= exact - helpers.energy_tolerance(model)


@pytest.mark.parametrize("name", list(SOLVERS))
def test_dense_and_sparse_storage_give_the_same_trajectories(helpers, warm, monkeypatch, name):
    """A dense row product adds the same terms in the same order as CSR (plus exact zeros)."""
    model = helpers.random_model(9, 30, density=0.5, integer=True)
    monkeypatch.setattr(bifurcation_module, "_DENSE_SHARE", 0.0)
    dense = SOLVERS[name](model, n_trajectories=3, n_steps=300, rng=4, polish=False)
    monkeypatch.setattr(bifurcation_module, "_DENSE_SHARE", 2.0)
    sparse = SOLVERS[name](model, n_trajectories=3, n_steps=300, rng=4, polish=False)
    assert dense.info["storage"] == "dense" and sparse.info["storage"] == "csr"
    assert np.array_equal(dense.states, sparse.states)
    assert np.array_equal(dense.trace, sparse.trace)


# ---------------------------------------------------------------------------------------------- reproducibility
@TWO_THREADS
@pytest.mark.parametrize("name", list(SOLVERS))
def test_same_rng_same_result_on_one_and_two_threads(helpers, warm, name):
    model = helpers.random_model(12, 60, density=0.2, sparse=True)
    one = SOLVERS[name](model, n_trajectories=5, n_steps=300, rng=8, n_threads=1, polish=False)
    two = SOLVERS[name](model, n_trajectories=5, n_steps=300, rng=8, n_threads=2, polish=False)
    assert np.array_equal(one.states, two.states)
    assert np.array_equal(one.trace, two.trace)
    other = SOLVERS[name](model, n_trajectories=5, n_steps=300, rng=9, n_threads=2, polish=False)
    assert not np.array_equal(one.trace, other.trace)


def test_a_trajectory_does_not_depend_on_the_batch_size(helpers, warm):
    """Trajectory k's initial conditions come from the k-th child of the generator, whatever the batch size."""
    model = helpers.random_model(13, 25, density=0.5)
    few = bifurcate(model, n_trajectories=2, n_steps=200, rng=5, polish=False)
    many = bifurcate(model, n_trajectories=6, n_steps=200, rng=5, polish=False)
    assert np.array_equal(few.states, many.states[:2])


# ---------------------------------------------------------------------------------------------- control
def _big_model(n=30_000, degree=20, seed=0):
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, n, n * degree // 2)
    cols = rng.integers(0, n, n * degree // 2)
    keep = rows != cols
    upper = sp.coo_array((rng.choice([-1.0, 1.0], keep.sum()), (rows[keep], cols[keep])), shape=(n, n)).tocsr()
    upper.data[:] = np.sign(upper.data)  # duplicates summed: back to ±1 (or 0, dropped by the model)
    return EnergyModel(upper + upper.T, rng.normal(size=n))


@pytest.fixture(scope="module")
def big_model():
    return _big_model()


@pytest.mark.parametrize("name", list(SOLVERS))
@pytest.mark.parametrize("planned", [True, False])
def test_time_limit_held(warm, big_model, name, planned):
    limit = 1.0
    steps = 10**7 if planned else None  # one enormous batch, or batches of the default length
    tic = time.perf_counter()
    result = SOLVERS[name](big_model, n_steps=steps, time_limit=limit, rng=0)
    elapsed = time.perf_counter() - tic
    assert elapsed <= limit + max(0.1 * limit, 0.5)
    assert result.status == Status.TIME_LIMIT
    assert result.time_s <= limit + max(0.1 * limit, 0.5)
    assert result.best_energy == pytest.approx(big_model.energy(result.best_state), rel=1e-12)


def test_time_limit_fills_with_batches(helpers, warm):
    model = helpers.random_model(14, 50, density=0.3, sparse=True)
    result = bifurcate(model, time_limit=1.0, rng=0)
    assert len(result.info["batch_steps"]) > 1
    assert result.info["trajectories_run"] == len(result.info["batch_steps"]) * result.info["n_trajectories"]
    assert 0.7 <= result.time_s <= 1.5


@pytest.mark.parametrize("name", list(SOLVERS))
def test_callback_stop_iteration(helpers, warm, name):
    model = helpers.random_model(15, 200, density=0.2, sparse=True)
    calls = []

    def stop(intermediate):
        calls.append(intermediate.step)
        raise StopIteration

    result = SOLVERS[name](model, n_steps=10**7, rng=0, callback=stop)
    assert result.status == Status.CALLBACK_STOP
    assert len(calls) == 1 and calls[0] < 10**7
    assert result.best_energy == pytest.approx(model.energy(result.best_state), rel=1e-12)


@pytest.mark.parametrize("name", list(SOLVERS))
def test_target_energy_from_metadata(helpers, warm, name):
    model = helpers.random_model(16, 10, density=1.0)
    exact = brute_force(model).best_energy
    declared = EnergyModel(model.weights, model.thresholds, model.offset, model.vartype,
                           metadata={"ground_energy": exact})
    result = SOLVERS[name](declared, time_limit=5.0, n_trajectories=4, rng=0)
    assert result.status == Status.TARGET_REACHED
    assert result.time_s < 4.0
    assert result.best_energy == pytest.approx(exact)


def test_info_records_parameters(helpers, warm):
    model = helpers.random_model(17, 20)
    result = bifurcate(model, variant="ballistic", n_steps=100, n_trajectories=3, time_step=0.3, rng=0)
    info = result.info
    assert info["variant"] == "ballistic" and info["time_step"] == 0.3
    assert info["coupling_scale"] > 0 and info["batch_steps"] == [100] and info["trajectories_run"] == 3
    assert result.sweeps_done == 100 and result.trace.shape == (100,)
    cac = amplitude_control(model, n_steps=100, n_trajectories=3, rng=0, feedback=0.2)
    assert cac.info["variant"] == "cac" and cac.info["feedback"] == 0.2 and cac.solver == "cac"


# ---------------------------------------------------------------------------------------------- bad arguments
@pytest.mark.parametrize("call, message", [
    (lambda m: bifurcate(m, variant="adiabatic"), "variant"),
    (lambda m: bifurcate(m, n_steps=0), "n_steps"),
    (lambda m: bifurcate(m, n_steps=2.5), "n_steps"),
    (lambda m: bifurcate(m, n_trajectories=0), "n_trajectories"),
    (lambda m: bifurcate(m, time_step=-1), "time_step"),
    (lambda m: bifurcate(m, time_step="fast"), "time_step"),
    (lambda m: bifurcate(m, pressure_slope=0), "pressure_slope"),
    (lambda m: bifurcate(m, coupling_scale=np.inf), "coupling_scale"),
    (lambda m: bifurcate(m, time_limit=0), "time_limit"),
    (lambda m: bifurcate(m, n_threads=0), "n_threads"),
    (lambda m: bifurcate(m, polish="yes"), "polish"),
    (lambda m: amplitude_control(m, error_rate=0), "error_rate"),
    (lambda m: amplitude_control(m, pump_range=1.0), "pump_range"),
    (lambda m: amplitude_control(m, target_range=(0.0, 1.0)), "target_range"),
    (lambda m: amplitude_control(m, feedback=-0.5), "feedback"),
    (lambda m: amplitude_control(m, n_trajectories=-2), "n_trajectories"),
])
def test_bad_arguments(call, message):
    model = EnergyModel([[0, 1], [1, 0]])
    with pytest.raises(ValueError, match=message):
        call(model)


def test_not_a_model():
    with pytest.raises(TypeError, match="EnergyModel"):
        bifurcate([[0, 1], [1, 0]])
    with pytest.raises(TypeError, match="callable"):
        amplitude_control(EnergyModel([[0, 1], [1, 0]]), callback=3)
