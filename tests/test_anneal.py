"""Simulated annealing: ground states of small models, recomputed energies, reproducibility, options."""

from __future__ import annotations

import time

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hopopt import EnergyModel, MaxCut, Status, Vartype
from hopopt.schedules import beta_schedule, default_beta_range
from hopopt.solvers import anneal, brute_force, descend, milp, synchronous, warm_up

TWO_THREADS = pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="numba has a single thread here")


def _check_result(model, result, restarts, tolerance):
    assert result.states.shape == (restarts, model.n)
    assert result.energies.shape == (restarts,)
    allowed = {-1, 1} if model.vartype is Vartype.SPIN else {0, 1}
    assert set(np.unique(result.states)) <= allowed
    np.testing.assert_allclose(result.energies, model.energies(result.states), rtol=1e-12, atol=tolerance)
    assert result.best_energy == pytest.approx(float(np.min(result.energies)), abs=tolerance)
    assert result.best_energy == pytest.approx(model.energy(result.best_state), abs=tolerance)
    assert result.solver == "anneal"


# ---------------------------------------------------------------------------------------------- ground states
@pytest.mark.parametrize("n, density, sparse, vartype", [
    (8, 1.0, False, "spin"),
    (12, 0.5, True, "spin"),
    (16, 1.0, False, "spin"),
    (16, 0.3, True, "spin"),
    (14, 0.6, False, "binary"),
])
def test_anneal_finds_brute_force_ground_state(helpers, warm, n, density, sparse, vartype):
    model = helpers.random_model(1000 + n, n, density=density, sparse=sparse, vartype=vartype)
    exact = brute_force(model).best_energy
    tolerance = helpers.energy_tolerance(model)
    hits = 0
    for seed in range(20):
        result = anneal(model, n_restarts=2, rng=seed)  # default schedule: 1000 sweeps
        _check_result(model, result, 2, tolerance)
        assert result.sweeps_done == 1000
        assert result.best_energy >= exact - tolerance  # never below the true minimum
        hits += abs(result.best_energy - exact) <= tolerance
    assert hits >= 19, f"ground state found on {hits}/20 seeds"


def test_anneal_maxcut_ground_state(warm):
    problem = MaxCut.random(16, 0.5, rng=4, weights="signed")
    model = problem.to_model()
    exact = brute_force(model).best_energy
    hits = sum(anneal(model, n_sweeps=1000, n_restarts=2, rng=seed).best_energy == pytest.approx(exact)
               for seed in range(20))
    assert hits >= 19


# ---------------------------------------------------------------------------------------------- invariants
@given(data=st.data())
@settings(deadline=None, max_examples=25)
def test_energies_recomputed_and_polished_states_are_local_minima(helpers, data, warm):
    model = data.draw(helpers.models(max_n=14))
    restarts = data.draw(st.integers(1, 4))
    acceptance = data.draw(st.sampled_from(["metropolis", "glauber"]))
    schedule = data.draw(st.sampled_from(["geometric", "linear"]))
    result = anneal(model, n_sweeps=50, n_restarts=restarts, acceptance=acceptance, schedule=schedule,
                    rng=data.draw(st.integers(0, 2**32 - 1)))
    tolerance = helpers.energy_tolerance(model)
    _check_result(model, result, restarts, tolerance)
    assert result.status == Status.COMPLETED and result.success
    assert result.sweeps_done == 50 and result.trace.shape == (50,) and result.betas.shape == (50,)
    np.testing.assert_allclose(result.betas, beta_schedule(50, default_beta_range(model), schedule))
    for state in result.states:
        assert np.all(model.flip_costs(state) >= -tolerance), "polish must end in a local minimum"
    assert result.info["acceptance"] == acceptance


@given(data=st.data())
@settings(deadline=None, max_examples=15)
def test_unpolished_best_energy_is_trace_minimum(helpers, data, warm):
    model = data.draw(helpers.models(max_n=12))
    result = anneal(model, n_sweeps=40, n_restarts=3, polish=False, rng=data.draw(st.integers(0, 2**32 - 1)))
    tolerance = helpers.energy_tolerance(model) * 10
    _check_result(model, result, 3, tolerance)
    # each restart keeps its lowest end-of-sweep state: the best restart's state is its trace minimum
    assert result.best_energy == pytest.approx(float(result.trace.min()), abs=tolerance)


def test_beta_zero_metropolis_flips_every_spin(helpers, warm):
    # at β = 0 Metropolis accepts every move, so one sweep flips every spin
    model = helpers.random_model(5, 10)
    starts = np.random.default_rng(1).choice([-1, 1], size=(3, 10))
    result = anneal(model, schedule=[0.0], initial_states=starts, n_restarts=3, polish=False, rng=0)
    assert np.array_equal(result.states, -starts)


def test_cold_metropolis_sweeps_equal_fixed_order_descent(helpers, warm):
    # at huge β only downhill moves are taken, in index order: that is asynchronous descent, fixed order
    model = helpers.random_model(11, 12)  # continuous weights and thresholds: no zero-cost moves
    for seed in range(5):
        start = np.random.default_rng(seed).choice([-1, 1], size=12)
        annealed = anneal(model, schedule=np.full(40, 1e9), initial_states=start, n_restarts=1, polish=False,
                          rng=seed)
        descended = descend(model, start, order="fixed")
        assert np.array_equal(annealed.states[0], descended.best_state)


_BOLTZMANN_MODELS = {
    # every weight and threshold a multiple of 0.1: flip costs on a lattice (acceptance-table path)
    "lattice": ([[0, 1.0, -0.5], [1.0, 0, 0.8], [-0.5, 0.8, 0]], [0.3, -0.2, 0.1]),
    # no common unit: acceptance computed with exp per proposal
    "continuous": ([[0, 1.0, -0.5 * np.sqrt(2)], [1.0, 0, 0.8 / np.pi], [-0.5 * np.sqrt(2), 0.8 / np.pi, 0]],
                   [0.3 * np.e, -0.2, 0.1 * np.sqrt(3)]),
}


@pytest.mark.parametrize("kind", sorted(_BOLTZMANN_MODELS))
@pytest.mark.parametrize("acceptance", ["metropolis", "glauber"])
def test_one_sweep_keeps_the_boltzmann_distribution(acceptance, kind, warm):
    """A sweep of single-spin Metropolis/Glauber updates leaves the Boltzmann distribution invariant.

    Starts drawn exactly from exp(-βE) must still follow it after one sweep (chi-square test, fixed seeds),
    and the sweep must actually move states.
    """
    from scipy.stats import chisquare

    weights, thresholds = _BOLTZMANN_MODELS[kind]
    model = EnergyModel(weights, thresholds)
    beta = 0.7
    states = np.array(list(np.ndindex(2, 2, 2))) * 2 - 1
    boltzmann = np.exp(-beta * model.energies(states))
    probabilities = boltzmann / boltzmann.sum()
    restarts = 6000
    rng = np.random.default_rng(12345)
    starts = states[rng.choice(len(states), size=restarts, p=probabilities)]
    result = anneal(model, schedule=[beta], initial_states=starts, n_restarts=restarts, polish=False,
                    acceptance=acceptance, rng=7)
    codes = ((result.states + 1) // 2) @ np.array([4, 2, 1])
    counts = np.bincount(codes, minlength=8)
    assert chisquare(counts, probabilities * restarts).pvalue > 1e-4
    moved = np.mean(np.any(result.states != starts, axis=1))
    assert moved > 0.2


@pytest.mark.parametrize("acceptance", ["metropolis", "glauber"])
def test_acceptance_table_path_equals_exp_path(helpers, acceptance, warm):
    """On integer models the table lookup must take exactly the decisions exp() would take."""
    import importlib

    # the single-flip engine (hopopt.solvers.moves) asks cost_lattice whether the table path applies
    moves_module = importlib.import_module("hopopt.solvers.moves")
    if not hasattr(moves_module, "cost_lattice"):
        pytest.skip("no acceptance-table path in this version")
    for seed in range(4):
        model = helpers.random_model(500 + seed, 12, density=0.6, integer=True)
        assert moves_module.cost_lattice(model)[0] > 0, "integer model should be on a lattice"
        table = anneal(model, n_sweeps=60, n_restarts=3, polish=False, acceptance=acceptance, rng=seed)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(moves_module, "cost_lattice", lambda model: (0.0, 0))
            plain = anneal(model, n_sweeps=60, n_restarts=3, polish=False, acceptance=acceptance, rng=seed)
        assert np.array_equal(table.states, plain.states)
        np.testing.assert_allclose(table.trace, plain.trace, atol=1e-9)


# ---------------------------------------------------------------------------------------------- reproducibility
def test_same_rng_same_result_and_restart_independence(helpers, warm):
    model = helpers.random_model(21, 16, density=0.5, sparse=True)
    a = anneal(model, n_sweeps=30, n_restarts=3, polish=False, rng=42)
    b = anneal(model, n_sweeps=30, n_restarts=3, polish=False, rng=np.random.default_rng(42))
    assert np.array_equal(a.states, b.states)
    assert np.array_equal(a.energies, b.energies)
    assert np.array_equal(a.trace, b.trace)
    # restart r depends only on its own rng child, not on how many restarts run
    fewer = anneal(model, n_sweeps=30, n_restarts=2, polish=False, rng=42)
    assert np.array_equal(fewer.states, a.states[:2])


@TWO_THREADS
@pytest.mark.parametrize("acceptance", ["metropolis", "glauber"])
def test_thread_count_does_not_change_results(helpers, warm, acceptance):
    model = helpers.random_model(22, 16, density=0.6)
    one = anneal(model, n_sweeps=100, n_restarts=5, n_threads=1, rng=3, acceptance=acceptance)
    two = anneal(model, n_sweeps=100, n_restarts=5, n_threads=2, rng=3, acceptance=acceptance)
    assert np.array_equal(one.states, two.states)
    assert np.array_equal(one.energies, two.energies)
    assert np.array_equal(one.trace, two.trace)
    assert numba.get_num_threads() == numba.config.NUMBA_NUM_THREADS  # restored afterwards


def test_different_seeds_usually_differ(helpers, warm):
    model = helpers.random_model(23, 16)
    runs = [anneal(model, n_sweeps=5, n_restarts=2, polish=False, rng=seed).states.tobytes()
            for seed in range(10)]
    assert len(set(runs)) >= 8


# ---------------------------------------------------------------------------------------------- options
def test_explicit_beta_array_schedule(helpers, warm):
    model = helpers.random_model(24, 10)
    betas = np.array([0.1, 0.5, 1.0, 2.0, 5.0])
    result = anneal(model, schedule=betas, n_restarts=2, rng=0)
    assert np.array_equal(result.betas, betas)
    assert result.sweeps_done == 5 and result.trace.shape == (5,)
    same = anneal(model, schedule=list(betas), n_sweeps=5, n_restarts=2, rng=0)
    assert np.array_equal(result.states, same.states)


def test_initial_local_minimum_kept_at_low_temperature(helpers, warm):
    model = helpers.random_model(25, 14, sparse=True)
    minimum = descend(model, order="fixed", rng=1).best_state
    assert np.all(model.flip_costs(minimum) > 0)
    result = anneal(model, schedule=np.full(20, 1e6), initial_states=minimum, n_restarts=3, polish=False, rng=5)
    assert np.array_equal(result.states, np.tile(minimum, (3, 1)))
    assert np.all(result.trace == pytest.approx(model.energy(minimum)))


def test_initial_states_not_modified(warm):
    model = EnergyModel([[0, 1], [1, 0]])
    starts = np.array([[1, -1], [-1, 1]], dtype=np.int8)
    anneal(model, n_sweeps=10, n_restarts=2, initial_states=starts, rng=0)
    assert starts.tolist() == [[1, -1], [-1, 1]]


def test_callback_receives_intermediate_results(warm):
    model = MaxCut.random(120, 0.1, rng=0).to_model()
    seen = []
    result = anneal(model, n_sweeps=20000, n_restarts=2, rng=0, callback=seen.append)
    assert result.status == Status.COMPLETED
    assert len(seen) >= 1
    sweeps = [r.sweep for r in seen]
    assert sweeps == sorted(sweeps) and sweeps[-1] == 20000
    best = [r.best_energy for r in seen]
    assert all(b2 <= b1 for b1, b2 in zip(best, best[1:]))
    for intermediate in seen:
        assert intermediate.best_energy == pytest.approx(model.energy(intermediate.best_state))
        assert intermediate.energies.shape == (2,)
        assert intermediate.beta > 0
    assert result.best_energy <= best[-1] + 1e-9  # polishing never makes it worse


def test_callback_stop_iteration_stops_early(warm):
    model = MaxCut.random(200, 0.1, rng=0).to_model()
    calls = []

    def stop(intermediate):
        calls.append(intermediate.sweep)
        raise StopIteration

    result = anneal(model, n_sweeps=500000, n_restarts=2, rng=0, callback=stop)
    assert result.status == Status.CALLBACK_STOP
    assert not result.success
    assert len(calls) == 1
    assert result.sweeps_done == calls[0] < 500000
    assert result.trace.shape == (result.sweeps_done,)
    np.testing.assert_allclose(result.energies, model.energies(result.states))


def test_callback_state_in_model_vartype(warm):
    model = EnergyModel(np.zeros((2, 2)), [1.0, 1.0], vartype="binary")  # minimum at x = [0, 0]
    seen = []
    anneal(model, n_sweeps=20, n_restarts=2, rng=0, callback=seen.append)
    assert seen
    for intermediate in seen:
        assert set(np.unique(intermediate.best_state)) <= {0, 1}
        assert intermediate.best_energy == pytest.approx(model.energy(intermediate.best_state))


def test_callback_must_be_callable():
    with pytest.raises(TypeError):
        anneal(EnergyModel([[0, 1], [1, 0]]), n_sweeps=5, callback=3)


def test_time_limit_honoured(warm):
    model = MaxCut.random(300, 0.05, rng=1).to_model()
    tic = time.perf_counter()
    result = anneal(model, time_limit=0.5, n_restarts=2, rng=0)
    elapsed = time.perf_counter() - tic
    assert elapsed < 1.5
    assert result.time_s <= elapsed
    assert result.status in (Status.COMPLETED, Status.TIME_LIMIT)
    np.testing.assert_allclose(result.energies, model.energies(result.states))

    tic = time.perf_counter()
    capped = anneal(model, n_sweeps=10**7, time_limit=0.5, n_restarts=2, rng=0)
    elapsed = time.perf_counter() - tic
    assert elapsed < 1.5
    assert capped.status == Status.TIME_LIMIT
    assert 0 < capped.sweeps_done < 10**7
    np.testing.assert_allclose(capped.energies, model.energies(capped.states))


@pytest.mark.slow
def test_time_limit_honoured_with_very_long_schedule(warm):
    model = MaxCut.random(300, 0.05, rng=1).to_model()
    tic = time.perf_counter()
    capped = anneal(model, n_sweeps=10**8, time_limit=0.5, n_restarts=1, rng=0)
    elapsed = time.perf_counter() - tic
    assert capped.status == Status.TIME_LIMIT
    assert elapsed < 1.5


@pytest.mark.parametrize("kwargs", [
    {"n_sweeps": 0},
    {"n_sweeps": -3},
    {"n_sweeps": 2.5},
    {"time_limit": -1.0},
    {"time_limit": 0},
    {"time_limit": float("nan")},
    {"n_restarts": 0},
    {"n_restarts": 1.5},
    {"n_threads": 0},
    {"initial_states": [1, 1, 1, 1]},
    {"initial_states": np.ones((3, 3)), "n_restarts": 2},
    {"initial_states": [1, 0, 1]},
    {"initial_states": [1, 2, 1]},
    {"acceptance": "greedy"},
    {"schedule": "cosine"},
    {"schedule": []},
    {"schedule": [1.0, -1.0]},
    {"schedule": [1.0, np.inf]},
    {"schedule": [1.0, 2.0], "n_sweeps": 3},
    {"beta_range": (-1.0, 1.0)},
])
def test_bad_arguments_raise_value_error(kwargs):
    model = EnergyModel([[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    if "n_sweeps" not in kwargs:
        kwargs["n_sweeps"] = None if "schedule" in kwargs else 10
    with pytest.raises(ValueError):
        anneal(model, **kwargs)


def test_binary_model_consistent_with_spin_model(helpers, warm):
    binary = helpers.random_model(31, 12, vartype="binary")
    spin = binary.to_spin()
    for seed in range(3):
        b = anneal(binary, n_sweeps=60, n_restarts=3, rng=seed)
        s = anneal(spin, n_sweeps=60, n_restarts=3, rng=seed)
        _check_result(binary, b, 3, helpers.energy_tolerance(binary))
        assert set(np.unique(b.states)) <= {0, 1}
        assert np.array_equal(2 * b.states.astype(int) - 1, s.states)
        np.testing.assert_allclose(b.energies, s.energies, atol=helpers.energy_tolerance(binary))
    # binary initial states are given as 0/1
    start = np.zeros(12, dtype=np.int8)
    kept = anneal(binary, schedule=[1e9], initial_states=start, n_restarts=1, polish=False, rng=0)
    from_spin = anneal(spin, schedule=[1e9], initial_states=-np.ones(12), n_restarts=1, polish=False, rng=0)
    assert np.array_equal(2 * kept.states.astype(int) - 1, from_spin.states)


# ---------------------------------------------------------------------------------------------- no JIT
def test_no_compilation_after_warm_up(helpers):
    from hopopt.solvers import _kernels

    warm_up()
    kernels = [_kernels.anneal_chunk, _kernels.anneal_lattice_chunk, _kernels.polish, _kernels.async_descent,
               _kernels.brute_force]
    before = [len(kernel.signatures) for kernel in kernels]
    assert all(count >= 1 for count in before)
    for model in (helpers.random_model(41, 9), helpers.random_model(42, 9, sparse=True, density=0.4),
                  helpers.random_model(43, 7, vartype="binary", integer=True),
                  MaxCut.random(10, 0.5, rng=2).to_model()):
        anneal(model, n_sweeps=20, n_restarts=2, rng=0)
        anneal(model, schedule=np.linspace(0.1, 3.0, 7, dtype=np.float32), acceptance="glauber",
               initial_states=(np.ones(model.n, dtype=np.int64) if model.vartype is Vartype.SPIN
                               else np.zeros(model.n, dtype=np.int64)), n_restarts=3, rng=1, n_threads=1)
        anneal(model, n_sweeps=20, n_restarts=1, polish=False, time_limit=0.05, rng=2)
        descend(model, order="random", rng=0)
        descend(model, order="fixed", rng=0)
        descend(model, order=list(range(model.n))[::-1], rng=0)
        synchronous(model, rng=0)
        brute_force(model)
        milp(model)
    after = [len(kernel.signatures) for kernel in kernels]
    assert after == before, dict(zip(["anneal_chunk", "anneal_lattice_chunk", "polish", "async_descent",
                                      "brute_force"], zip(before, after)))


def test_anneal_stops_at_the_target_energy_and_at_a_declared_ground_energy():
    problem = MaxCut.from_edges(4, [(0, 1), (1, 2), (2, 3), (3, 0)])
    model = problem.to_model()
    started = time.perf_counter()
    result = anneal(model, time_limit=20, target_energy=-4, rng=0)
    assert result.status == Status.TARGET_REACHED and result.best_energy == -4
    assert time.perf_counter() - started < 10
    declared = EnergyModel(model.weights, model.thresholds, model.offset, model.vartype, {"ground_energy": -4.0})
    assert anneal(declared, time_limit=20, rng=0).status == Status.TARGET_REACHED
    # an unreachable target changes nothing: the whole schedule runs
    assert anneal(model, n_sweeps=50, target_energy=-5, rng=0).status == Status.COMPLETED


@given(data=st.data())
@settings(deadline=None, max_examples=40)
def test_default_beta_range_follows_its_rule(helpers, data):
    # the rule written out on the dense spin matrix: β_hot = ln 2 / max_i 2(Σ_j |W_ij| + |θ_i|), β_cold =
    # ln(100·count) / (2·smallest non-zero bias), count the spins that have it (rows may be empty)
    model = data.draw(helpers.models(max_n=10))
    spin = model.to_spin()
    weights = np.abs(spin.dense_weights())
    thresholds = np.abs(spin.thresholds)
    largest = float(np.max(2.0 * (weights.sum(axis=1) + thresholds)))
    minima = np.array([min([*row[row > 0], *([bias] if bias > 0 else []), np.inf])
                       for row, bias in zip(weights, thresholds)])
    hot, cold = default_beta_range(model)
    if largest == 0.0 or not np.isfinite(minima).any():
        assert (hot, cold) == (0.1, 1.0)
        return
    smallest = minima.min()
    assert hot == pytest.approx(np.log(2.0) / largest, rel=1e-12)
    assert cold == pytest.approx(np.log(100.0 * np.sum(minima == smallest)) / (2.0 * smallest), rel=1e-12)
