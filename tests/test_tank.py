"""The continuous Hopfield–Tank network and the 1985 TSP study.

Oracles: the TSP energy evaluated term by term from its formula, brute force over all tours, and Hopfield's
1984 Lyapunov function (which must not rise along a small-step trajectory).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from hopopt import EnergyModel, Status
from hopopt.problems.hopfield_tank import (city_distances, decode_tank_state, hopfield_tank_energy,
                                           hopfield_tank_tsp_model, random_cities, tour_length)
from hopopt.solvers.tank import default_step, gain, inverse_gain, tank
from hopopt.workflows.hopfield_tank import optimal_tour, tank_tsp_study


def random_binary_model(seed, n, sparse=False):
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.normal(size=(n, n)), 1)
    weights = upper + upper.T
    matrix = sp.csr_array(weights) if sparse else weights
    return EnergyModel(matrix, rng.normal(size=n), float(rng.normal()), "binary")


# ---------------------------------------------------------------------------------------------- TSP energy
@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_tsp_model_energy_equals_the_1985_formula(n):
    rng = np.random.default_rng(n)
    distances = city_distances(random_cities(n, rng))
    # unequal, awkward weights so that a term landing in the wrong place shows
    parameters = dict(A=3.0, B=5.5, C=7.25, D=11.0, n_prime=n + 1.5)
    model = hopfield_tank_tsp_model(distances, **parameters)
    assert model.vartype.value == "binary" and model.n == n * n
    states = rng.integers(0, 2, size=(40, n * n))
    states[0] = 0
    states[1] = 1
    expected = np.array([hopfield_tank_energy(state, distances, **parameters) for state in states])
    np.testing.assert_allclose(model.energies(states), expected, rtol=1e-12, atol=1e-9)


def test_tsp_model_weights_are_symmetric_with_zero_diagonal():
    model = hopfield_tank_tsp_model(city_distances(random_cities(5, 0)))
    weights = model.dense_weights()
    np.testing.assert_array_equal(weights, weights.T)
    assert np.all(np.diag(weights) == 0)


def test_asymmetric_distances_enter_as_their_symmetric_part():
    rng = np.random.default_rng(1)
    distances = rng.random((4, 4))
    model = hopfield_tank_tsp_model(distances)
    states = rng.integers(0, 2, size=(20, 16))
    expected = [hopfield_tank_energy(state, distances) for state in states]
    np.testing.assert_allclose(model.energies(states), expected, rtol=1e-12)


def test_permutation_matrices_cost_scaled_length_plus_constant():
    n, A, B, C, D, n_prime = 6, 500.0, 500.0, 200.0, 500.0, 15
    distances = city_distances(random_cities(n, 2))
    model = hopfield_tank_tsp_model(distances, A, B, C, D, n_prime)
    from hopopt.solvers.moves import permutation_engine

    engine = permutation_engine(model, 0)  # the distances and constant come from W's factors
    for tour in itertools.islice(itertools.permutations(range(n)), 0, 720, 37):
        state = np.zeros((n, n), dtype=np.int8)
        state[list(tour), np.arange(n)] = 1
        assert decode_tank_state(state.reshape(-1), n) == (list(tour), True)
        expected = D * tour_length(tour, distances) + C * (n - n_prime) ** 2 / 2
        assert model.energy(state.reshape(-1)) == pytest.approx(expected, rel=1e-12)
        assert expected == pytest.approx(tour_length(tour, engine.distances) + engine.energy_offset)


def test_decode_rejects_non_permutations():
    n = 4
    identity = np.eye(n, dtype=np.int8)
    assert decode_tank_state(identity, n) == ([0, 1, 2, 3], True)
    two_in_a_row = identity.copy()
    two_in_a_row[0, 1] = 1
    empty_row = identity.copy()
    empty_row[2, 2] = 0
    repeated_city = identity[[0, 0, 2, 3]]
    for state in (two_in_a_row, empty_row, repeated_city, np.zeros((n, n))):
        assert decode_tank_state(state.reshape(-1), n) == (None, False)
    with pytest.raises(ValueError, match="n\\*n = 16"):
        decode_tank_state(np.zeros(15), n)


@pytest.mark.parametrize("n", [3, 4, 5, 6, 7])
def test_held_karp_equals_brute_force_over_all_tours(n):
    distances = city_distances(random_cities(n, 10 + n))
    tour, length = optimal_tour(distances)
    assert sorted(tour) == list(range(n)) and tour_length(tour, distances) == pytest.approx(length)
    brute = min(tour_length((0,) + rest, distances) for rest in itertools.permutations(range(1, n)))
    assert length == pytest.approx(brute, rel=1e-12)


# ------------------------------------------------------------------------------------------------ dynamics
def test_gain_and_its_inverse():
    values = np.array([0.01, 0.1, 0.5, 0.9, 0.99])
    np.testing.assert_allclose(gain(inverse_gain(values, 0.03), 0.03), values, rtol=1e-12)
    assert gain(0.0, 0.02) == 0.5


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("sparse", [False, True])
def test_lyapunov_function_never_rises_along_small_step_euler(seed, sparse):
    model = random_binary_model(seed, 8, sparse=sparse)
    result = tank(model, u0=0.5, tau=1.0, dt=1e-3, max_steps=3000, tolerance=1e-6, noise=2.0,
                  n_starts=3, rng=seed, trace_every=1)
    lyapunov = result.info["lyapunov_trace"]
    assert lyapunov.size > 100
    slack = 1e-10 * (1.0 + np.abs(lyapunov).max())
    assert np.all(np.diff(lyapunov) <= slack)
    # the monitored E(V) plus the leak's integral term (bounded by u0 ln2 / 2τ per neuron) is the L above
    gap = lyapunov - result.trace
    assert np.all(gap >= -1e-12) and np.all(gap <= 8 * 0.5 * np.log(2) / 2 + 1e-12)
    for column in range(3):  # every start, not only the best
        energies = result.info["energy_traces"][:, column]
        assert np.all(np.isfinite(energies))


def test_self_coupling_minus_c_integrates_the_1985_continuous_energy():
    # with d = −C the recorded E(V) is the 1985 formula on real-valued V (the C term keeps V_xi²)
    n = 5
    distances = city_distances(random_cities(n, 21))
    parameters = dict(A=500.0, B=500.0, C=200.0, D=500.0, n_prime=7.5)
    model = hopfield_tank_tsp_model(distances, **parameters)
    result = tank(model, dt=1e-6, max_steps=300, tolerance=1e-9, target_sum=float(n), n_starts=3, rng=0,
                  self_coupling=model.metadata["self_coupling"])
    outputs = result.info["outputs"]
    assert np.any((outputs > 0.01) & (outputs < 0.99))  # still inside the cube, where the extensions differ
    expected = [hopfield_tank_energy(row, distances, **parameters) for row in outputs]
    np.testing.assert_allclose(result.info["continuous_energies"], expected, rtol=1e-10)
    # and the dynamics are its gradient flow: the Lyapunov function falls
    longer = tank(model, dt=1e-7, max_steps=4000, tolerance=1e-3, target_sum=float(n), n_starts=2, rng=1,
                  self_coupling=-200.0, trace_every=1)
    lyapunov = longer.info["lyapunov_trace"]
    assert np.all(np.diff(lyapunov) <= 1e-9 * np.abs(lyapunov).max())


@pytest.mark.parametrize("seed", [3, 4])
def test_energy_itself_never_rises_without_leak(seed):
    model = random_binary_model(seed, 10)
    result = tank(model, u0=0.3, tau=np.inf, dt=1e-3, max_steps=3000, tolerance=1e-6, noise=3.0,
                  n_starts=4, rng=seed, trace_every=1)
    traces = result.info["energy_traces"]
    slack = 1e-10 * (1.0 + np.abs(traces).max())
    assert np.all(np.diff(traces, axis=0) <= slack)
    np.testing.assert_array_equal(result.trace, result.info["lyapunov_trace"])


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_high_gain_converges_to_near_binary_outputs(seed):
    model = random_binary_model(seed, 12)
    result = tank(model, u0=0.01, n_starts=6, rng=seed)
    assert result.status == Status.CONVERGED and result.success
    outputs = result.info["outputs"]
    assert np.minimum(outputs, 1 - outputs).max() < 1e-3
    np.testing.assert_array_equal(result.states, (outputs > 0.5).astype(np.int8))
    np.testing.assert_allclose(result.energies, model.energies(result.states))
    np.testing.assert_allclose(result.info["continuous_energies"], result.energies, atol=1e-2)
    assert result.best_energy == result.energies.min()
    assert result.states.dtype == np.int8 and result.states.shape == (6, 12)


def test_spin_models_are_solved_in_binary_and_answered_in_spins():
    binary = random_binary_model(8, 6)
    spin = binary.to_spin()
    from_binary = tank(binary, u0=0.05, n_starts=3, rng=4)
    from_spin = tank(spin, u0=0.05, n_starts=3, rng=4)
    np.testing.assert_array_equal(from_spin.states, 2 * from_binary.states - 1)
    np.testing.assert_allclose(from_spin.energies, from_binary.energies)


def test_same_rng_gives_the_same_result_and_a_start_does_not_depend_on_the_others():
    model = hopfield_tank_tsp_model(city_distances(random_cities(6, 9)), n_prime=9)
    options = dict(dt=1e-5, max_steps=5000, tolerance=1e-2, target_sum=6.0, self_coupling=-200.0)
    first = tank(model, n_starts=5, rng=11, **options)
    again = tank(model, n_starts=5, rng=11, **options)
    np.testing.assert_array_equal(first.states, again.states)
    np.testing.assert_array_equal(first.info["outputs"], again.info["outputs"])
    np.testing.assert_array_equal(first.trace, again.trace)
    # spawn(3) gives the first three children of spawn(5): the same three starts
    fewer = tank(model, n_starts=3, rng=11, **options)
    np.testing.assert_array_equal(fewer.states, first.states[:3])
    other = tank(model, n_starts=5, rng=12, **options)
    assert not np.array_equal(other.info["potentials"], first.info["potentials"])


def test_dense_and_sparse_weights_follow_the_same_trajectory():
    dense = random_binary_model(12, 9)
    sparse = random_binary_model(12, 9, sparse=True)
    a = tank(dense, u0=0.1, n_starts=3, rng=2)
    b = tank(sparse, u0=0.1, n_starts=3, rng=2)
    np.testing.assert_array_equal(a.states, b.states)
    np.testing.assert_allclose(a.info["outputs"], b.info["outputs"], atol=1e-9)


def test_ode_method_agrees_with_euler():
    model = random_binary_model(13, 8)
    euler = tank(model, u0=0.1, dt=1e-3, max_steps=20000, n_starts=3, rng=5, tolerance=1e-4)
    ode = tank(model, u0=0.1, dt=1e-3, max_steps=20000, n_starts=3, rng=5, tolerance=1e-4, method="ode",
               trace_every=100)
    assert ode.status == Status.CONVERGED
    np.testing.assert_array_equal(euler.states, ode.states)
    assert ode.info["method"] == "ode" and ode.trace.size >= 2


def test_initial_u_and_target_sum_set_the_start():
    model = random_binary_model(14, 5)
    centre = np.array([0.3, -0.3, 0.1, -0.1, 0.0])
    result = tank(model, initial_u=centre, noise=0.0, max_steps=1, dt=1e-12, tolerance=1e-30)
    np.testing.assert_allclose(result.info["potentials"][0], centre, atol=1e-9)
    result = tank(model, target_sum=1.0, noise=0.0, max_steps=1, dt=1e-12, tolerance=1e-30)
    assert result.info["outputs"][0].sum() == pytest.approx(1.0)
    assert result.status == Status.SWEEP_LIMIT and not result.success


def test_time_limit_stops_with_the_current_outputs():
    model = random_binary_model(15, 30)
    result = tank(model, u0=0.02, dt=1e-9, max_steps=10**9, time_limit=0.2, n_starts=2, rng=0)
    assert result.status == Status.TIME_LIMIT
    assert result.states.shape == (2, 30) and result.time_s < 5


def test_default_step_scales_with_the_model():
    model = random_binary_model(16, 6)
    assert default_step(model, u0=0.02, tau=1.0) < default_step(model, u0=0.2, tau=1.0)
    scaled = EnergyModel(10 * model.dense_weights(), model.thresholds, vartype="binary")
    assert default_step(scaled, 0.02, 1.0) < default_step(model, 0.02, 1.0)


@pytest.mark.parametrize("keywords, message", [
    ({"u0": 0}, "u0 must be a positive finite number, got 0"),
    ({"u0": -0.02}, "u0 must be"),
    ({"dt": 0}, "dt must be a positive finite number, got 0"),
    ({"dt": -1e-5}, "dt must be"),
    ({"tau": 0}, "tau must be a positive number"),
    ({"time_limit": -1}, "time_limit must be a positive number of seconds, got -1"),
    ({"tolerance": 0}, "tolerance must be"),
    ({"noise": -0.1}, "noise must be"),
    ({"method": "rk4"}, "method must be 'euler' or 'ode', got 'rk4'"),
    ({"n_starts": 0}, "n_starts must be an integer ≥ 1, got 0"),
    ({"max_steps": 0}, "max_steps must be an integer ≥ 1"),
    ({"target_sum": 4}, "target_sum must lie strictly between 0 and n = 4"),
    ({"initial_u": np.zeros(3)}, "initial_u must have shape"),
    ({"self_coupling": np.zeros(3)}, "self_coupling must be"),
])
def test_bad_solver_arguments_raise_clear_errors(keywords, message):
    model = random_binary_model(17, 4)
    with pytest.raises(ValueError, match=message):
        tank(model, **keywords)


def test_bad_problem_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="n_cities \\(number of cities\\) must be an integer ≥ 3, got 2"):
        tank_tsp_study(n_cities=2)
    with pytest.raises(ValueError, match="starts must be an integer ≥ 1, got 0"):
        tank_tsp_study(n_cities=4, starts=0)
    with pytest.raises(ValueError, match="distances must be a square matrix"):
        hopfield_tank_tsp_model(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="at least|≥ 2"):
        hopfield_tank_tsp_model(np.zeros((1, 1)))
    with pytest.raises(ValueError, match="A must be finite"):
        hopfield_tank_tsp_model(np.ones((3, 3)), A=np.inf)
    with pytest.raises(TypeError, match="EnergyModel"):
        tank(np.zeros((2, 2)))


# ---------------------------------------------------------------------------------------------- the study
def test_study_reproduces_a_1985_valid_rate_between_8_and_80_percent():
    study = tank_tsp_study(n_cities=10, starts=50, rng=3)
    assert 0.08 <= study["valid_rate"] <= 0.8
    assert study["valid_count"] == round(study["valid_rate"] * 50)
    assert study["optimal_length"] == pytest.approx(optimal_tour(city_distances(study["cities"]))[1])
    assert study["mean_ratio"] >= 1.0 and study["best_ratio"] <= study["mean_ratio"]
    assert study["parameters"]["A"] == 500 and study["settings"]["dt"] == 1e-5
    assert study["time_s"] < 20


def test_penalty_sweep_trades_validity_for_quality():
    study = tank_tsp_study(n_cities=10, starts=40, rng=3, penalty_scales=[0.5, 1.0, 4.0])
    rates = [point["valid_rate"] for point in study["sweep"]]
    assert [point["A"] for point in study["sweep"]] == [250.0, 500.0, 2000.0]
    assert rates[0] < rates[1] < rates[2] and rates[2] >= 0.8
    # strong penalties make almost every start valid, and the tours longer
    assert study["sweep"][2]["mean_ratio"] > study["sweep"][1]["mean_ratio"]
    # the scale-1 point repeats the main run exactly (same starting noise)
    assert study["sweep"][1]["valid_rate"] == study["valid_rate"]
