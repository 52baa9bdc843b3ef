"""Parallel tempering: ground states of small models, Boltzmann sampling, cluster moves, reproducibility, options."""

from __future__ import annotations

import time

import numba
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from hopopt import EnergyModel, MaxCut, Status, Vartype
from hopopt.solvers import brute_force
from hopopt.solvers import _kernels_temper as temper_kernels
from hopopt.solvers.temper import _Run, adapt_ladder, temper, temper_beta_range

TWO_THREADS = pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="numba has a single thread here")


@pytest.fixture(scope="module")
def warm_temper():
    temper(EnergyModel([[0, 1], [1, 0]]), n_sweeps=2, n_restarts=1, n_replicas=2, rng=0)
    return True


def _check_result(model, result, restarts, tolerance):
    assert result.states.shape == (restarts, model.n)
    allowed = {-1, 1} if model.vartype is Vartype.SPIN else {0, 1}
    assert set(np.unique(result.states)) <= allowed
    np.testing.assert_allclose(result.energies, model.energies(result.states), rtol=1e-12, atol=tolerance)
    assert result.best_energy == pytest.approx(float(np.min(result.energies)), abs=tolerance)
    assert result.best_energy == pytest.approx(model.energy(result.best_state), abs=tolerance)
    assert result.solver == "temper"


def _sparse_lattice(side, seed, thresholds=True):
    """A ±J torus (degree 4) with optional random integer thresholds: sparse, so cluster moves switch on."""
    rng = np.random.default_rng(seed)
    n = side * side
    rows, cols = [], []
    for x in range(side):
        for y in range(side):
            i = x * side + y
            rows += [i, i]
            cols += [((x + 1) % side) * side + y, x * side + (y + 1) % side]
    values = rng.choice([-1.0, 1.0], size=len(rows))
    upper = sp.coo_array((values, (rows, cols)), shape=(n, n)).toarray()
    weights = upper + upper.T
    theta = rng.integers(-1, 2, size=n).astype(float) if thresholds else np.zeros(n)
    return EnergyModel(sp.csr_array(weights), theta, 0.0)


# ---------------------------------------------------------------------------------------------- ground states
@pytest.mark.parametrize("n, density, sparse, vartype", [
    (10, 1.0, False, "spin"),
    (14, 0.3, True, "spin"),
    (12, 0.6, False, "binary"),
])
def test_temper_finds_brute_force_ground_state(helpers, warm_temper, n, density, sparse, vartype):
    model = helpers.random_model(2000 + n, n, density=density, sparse=sparse, vartype=vartype)
    exact = brute_force(model).best_energy
    tolerance = helpers.energy_tolerance(model)
    hits = 0
    for seed in range(10):
        result = temper(model, n_sweeps=200, n_restarts=1, rng=seed, polish=False)
        _check_result(model, result, 1, tolerance)
        assert result.sweeps_done == 200
        assert result.best_energy >= exact - tolerance
        hits += abs(result.best_energy - exact) <= tolerance
    assert hits == 10, f"ground state found on {hits}/10 seeds"


def test_binary_model_with_thresholds_and_cluster_moves(helpers, warm_temper):
    model = _sparse_lattice(4, seed=3).to_binary()
    assert model.vartype is Vartype.BINARY and np.any(model.thresholds != 0)
    exact = brute_force(model).best_energy
    tolerance = helpers.energy_tolerance(model)
    for seed in range(3):
        result = temper(model, n_sweeps=300, n_restarts=2, rng=seed, cluster_moves=True)
        _check_result(model, result, 2, tolerance)
        assert result.best_energy == pytest.approx(exact, abs=tolerance)
        assert result.info["n_ladders"] == 2 and result.info["cluster_moves"] > 0


# ---------------------------------------------------------------------------------------------- sampling
def test_coldest_replica_samples_the_boltzmann_distribution(helpers, warm_temper):
    """With a fixed ladder, the coldest replica's mean energy is the exact Boltzmann mean at β_cold.

    A wrong sign in the exchange rule (or a cluster move that changed the total energy) would bias it.
    """
    model = helpers.random_model(77, 6, density=1.0, thresholds=True)
    states = helpers.all_states(6)
    energies = model.energies(states)
    beta_cold = 1.5
    weights = np.exp(-beta_cold * (energies - energies.min()))
    exact_mean = float(np.sum(weights * energies) / weights.sum())
    for cluster_moves in (False, True):
        result = temper(model, n_sweeps=40_000, n_replicas=4, n_restarts=2, beta_range=(0.2, beta_cold),
                        adapt=False, cluster_moves=cluster_moves, rng=5, polish=False)
        sampled = float(result.trace[1000:].mean())
        spread = float(energies.max() - energies.min())
        assert sampled == pytest.approx(exact_mean, abs=0.01 * spread), (cluster_moves, sampled, exact_mean)


# ---------------------------------------------------------------------------------------------- invariants
@given(data=st.data())
@settings(deadline=None, max_examples=20)
def test_energies_recomputed_and_exchange_statistics_valid(helpers, data, warm_temper):
    model = data.draw(helpers.models(min_n=2, max_n=12))
    restarts = data.draw(st.integers(1, 3))
    replicas = data.draw(st.integers(2, 6))
    cluster_moves = data.draw(st.sampled_from(["auto", True, False]))
    result = temper(model, n_sweeps=60, n_replicas=replicas, n_restarts=restarts, cluster_moves=cluster_moves,
                    rng=data.draw(st.integers(0, 2**32 - 1)))
    tolerance = helpers.energy_tolerance(model)
    _check_result(model, result, restarts, tolerance)
    assert result.status == Status.COMPLETED and result.sweeps_done == 60 and result.trace.shape == (60,)
    for state in result.states:
        assert np.all(model.flip_costs(state) >= -tolerance), "polish must end in a local minimum"
    rates = np.array(result.info["acceptance_rates"])
    assert rates.shape == (replicas - 1,) and np.all((rates >= 0) & (rates <= 1))
    assert result.info["round_trips"] >= 0
    hot, cold = result.info["beta_range"]
    for ladder in result.info["betas"]:
        assert len(ladder) == replicas and ladder[0] == pytest.approx(hot) and ladder[-1] == pytest.approx(cold)
        assert np.all(np.diff(ladder) > 0)


@given(data=st.data())
@settings(deadline=None, max_examples=30)
def test_cluster_move_preserves_total_energy(helpers, data):
    """Kernel level: a Houdayer move keeps E¹ + E² (thresholds included) and reports E¹'s change exactly."""
    n = data.draw(st.integers(2, 30))
    model = helpers.random_model(data.draw(st.integers(0, 2**32 - 1)), n, density=data.draw(
        st.sampled_from([0.1, 0.3, 1.0])), sparse=True, integer=data.draw(st.booleans()))
    indptr, indices, weights = model.csr()
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    first = (2 * rng.integers(0, 2, n) - 1).astype(np.int8)
    second = (2 * rng.integers(0, 2, n) - 1).astype(np.int8)
    before = model.energy(first), model.energy(second)
    old_first, old_second = first.copy(), second.copy()
    change, size, _ = temper_kernels.houdayer_pair(indptr, indices, weights, model.thresholds, first, second,
                                                   np.uint64(rng.integers(0, 2**63)))
    after = model.energy(first), model.energy(second)
    tolerance = helpers.energy_tolerance(model)
    assert after[0] + after[1] == pytest.approx(before[0] + before[1], abs=tolerance)
    assert after[0] - before[0] == pytest.approx(change, abs=tolerance)
    flipped = first != old_first
    assert np.array_equal(flipped, second != old_second) and flipped.sum() == size
    assert np.all(old_first[flipped] != old_second[flipped]), "only disagreeing sites are flipped"
    assert np.array_equal(first[flipped], old_second[flipped])


def test_cluster_move_flips_a_whole_connected_cluster():
    # a path 0-1-2-3-4: the replicas disagree on 0, 1 and 3 → clusters {0, 1} and {3}
    weights = np.zeros((5, 5))
    for i in range(4):
        weights[i, i + 1] = weights[i + 1, i] = 1.0
    model = EnergyModel(sp.csr_array(weights))
    indptr, indices, data = model.csr()
    sizes = set()
    for seed in range(40):
        first = np.array([1, 1, 1, 1, 1], dtype=np.int8)
        second = np.array([-1, -1, 1, -1, 1], dtype=np.int8)
        _, size, _ = temper_kernels.houdayer_pair(indptr, indices, data, model.thresholds, first, second,
                                                  np.uint64(seed))
        sizes.add(size)
        flipped = np.flatnonzero(first != 1)
        assert flipped.tolist() in ([0, 1], [3])
    assert sizes == {1, 2}


def test_ladder_adaptation_keeps_beta_increasing_and_in_range():
    rng = np.random.default_rng(0)
    for _ in range(200):
        replicas = int(rng.integers(2, 20))
        betas = np.sort(rng.uniform(0.01, 10.0, replicas))
        betas = np.unique(betas)
        if betas.size < 2:
            continue
        attempts = rng.integers(0, 100, betas.size - 1)
        accepts = rng.integers(0, attempts + 1)
        new = adapt_ladder(betas, accepts, attempts)
        assert new[0] == betas[0] and new[-1] == betas[-1]
        assert np.all(np.diff(new) > 0)


def test_ladder_adaptation_equalises_rates(warm_temper):
    """A ladder given far too few replicas at the cold end spreads them out: the rates get closer."""
    model = MaxCut.random(60, 0.2, rng=1).to_model()
    fixed = temper(model, n_sweeps=3000, n_replicas=8, n_restarts=1, adapt=False, rng=0, beta_range=(0.05, 3.0))
    adapted = temper(model, n_sweeps=3000, n_replicas=8, n_restarts=1, adapt=True, rng=0, beta_range=(0.05, 3.0))
    assert adapted.info["adaptations"] > 3 and fixed.info["adaptations"] == 0
    assert np.std(adapted.info["acceptance_rates"]) < np.std(fixed.info["acceptance_rates"])
    assert not np.allclose(adapted.betas, fixed.betas)


# ---------------------------------------------------------------------------------------------- reproducibility
@TWO_THREADS
@pytest.mark.parametrize("cluster_moves", [False, True])
def test_same_rng_same_result_on_one_and_two_threads(warm_temper, cluster_moves):
    model = _sparse_lattice(8, seed=1)
    runs = [temper(model, n_sweeps=300, n_restarts=3, rng=42, n_threads=threads, cluster_moves=cluster_moves)
            for threads in (1, 2, 2)]
    for other in runs[1:]:
        np.testing.assert_array_equal(runs[0].states, other.states)
        np.testing.assert_array_equal(runs[0].trace, other.trace)
        assert runs[0].info["betas"] == other.info["betas"]
        assert runs[0].info["round_trips"] == other.info["round_trips"]
    different = temper(model, n_sweeps=300, n_restarts=3, rng=43, cluster_moves=cluster_moves)
    assert not np.array_equal(different.trace, runs[0].trace)


def test_result_does_not_depend_on_how_the_run_is_chunked(warm_temper):
    model = _sparse_lattice(6, seed=2)
    spin = model.to_spin()
    runs = []
    for chunks in ([100], [1, 29, 70], [50, 50]):
        run = _Run(model, spin, 2, 5, 2, (0.2, 2.0), np.random.default_rng(9))
        for chunk in chunks:
            run._chunk(chunk)
        runs.append(run)
    for other in runs[1:]:
        np.testing.assert_array_equal(runs[0].states, other.states)
        np.testing.assert_array_equal(runs[0].best_states, other.best_states)
        np.testing.assert_array_equal(runs[0].exchange_accepts, other.exchange_accepts)
        np.testing.assert_array_equal(runs[0].trace(1), other.trace(1))


# ---------------------------------------------------------------------------------------------- stopping
def test_time_limit_is_held_on_a_big_model(warm_temper):
    model = MaxCut.random(3000, 0.01, rng=0).to_model()
    limit = 1.0
    tic = time.perf_counter()
    result = temper(model, n_sweeps=10**9, time_limit=limit, rng=0)
    elapsed = time.perf_counter() - tic
    assert result.status == Status.TIME_LIMIT and not result.success
    assert result.time_s <= limit + max(0.1 * limit, 0.5)
    assert elapsed <= limit + max(0.1 * limit, 0.5) + 0.5  # set-up (model conversion) included
    assert 0 < result.sweeps_done < 10**9
    assert result.best_energy == pytest.approx(model.energy(result.best_state))


def test_callback_stop_iteration_returns_best_so_far(warm_temper):
    model = MaxCut.random(200, 0.1, rng=2).to_model()
    seen = []

    def stop_after_two(intermediate):
        seen.append(intermediate)
        assert intermediate.best_energy == pytest.approx(model.energy(intermediate.best_state))
        assert np.all(np.diff(intermediate.betas) > 0)
        if len(seen) == 2:
            raise StopIteration

    result = temper(model, n_sweeps=10**7, rng=0, callback=stop_after_two)
    assert result.status == Status.CALLBACK_STOP and len(seen) == 2
    assert result.sweeps_done == seen[-1].sweep < 10**7


def test_target_energy_stops_early(warm_temper):
    model = MaxCut.random(20, 0.3, rng=3).to_model()
    exact = brute_force(model).best_energy
    result = temper(model, n_sweeps=10**7, rng=0, target_energy=exact)
    assert result.status == Status.TARGET_REACHED and result.best_energy == pytest.approx(exact)
    assert result.sweeps_done < 10**7


def test_default_ladder_of_a_maxcut_model():
    hot, cold = temper_beta_range(MaxCut.random(50, 0.2, rng=0).to_model())
    assert 0 < hot < cold
    result = temper(MaxCut.random(50, 0.2, rng=0).to_model(), n_sweeps=10, rng=0)
    assert result.info["beta_range"] == pytest.approx((hot, cold))


# ---------------------------------------------------------------------------------------------- arguments
@pytest.mark.parametrize("options, words", [
    ({"n_replicas": 1}, "n_replicas must be an integer ≥ 2"),
    ({"n_sweeps": 0}, "n_sweeps must be an integer ≥ 1"),
    ({"n_restarts": 0}, "n_restarts must be an integer ≥ 1"),
    ({"beta_range": (2.0, 1.0)}, "0 < hot < cold"),
    ({"beta_range": (0.0, 1.0)}, "0 < hot < cold"),
    ({"beta_range": "hot"}, "beta_range must be two numbers"),
    ({"cluster_moves": "yes"}, "cluster_moves must be 'auto', True or False"),
    ({"adapt": "no"}, "adapt must be True or False"),
    ({"time_limit": -1}, "time_limit must be a positive number"),
])
def test_bad_arguments_raise_clear_errors(options, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(")):
        temper(EnergyModel([[0, 1], [1, 0]]), **options)


def test_non_callable_callback_and_non_model_raise_type_error():
    with pytest.raises(TypeError, match="callback must be callable"):
        temper(EnergyModel([[0, 1], [1, 0]]), callback=3)
    with pytest.raises(TypeError, match="model must be an EnergyModel"):
        temper([[0, 1], [1, 0]])
