"""Exact baselines: Gray-code brute force against naive enumeration, and the HiGHS MILP against brute force."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hopopt import EnergyModel, MaxCut, Vartype
from hopopt.solvers import brute_force, milp
from hopopt.solvers import exact as exact_module

SETTINGS = settings(deadline=None, max_examples=30)


def _naive_minimum(model, helpers):
    """Energy of every state by numpy, the minimum and the number of states attaining it."""
    states = helpers.all_states(model.n, model.vartype).astype(float)
    weights = model.dense_weights()
    energies = -0.5 * np.einsum("ki,ij,kj->k", states, weights, states) + states @ model.thresholds + model.offset
    tolerance = helpers.energy_tolerance(model)
    minimum = energies.min()
    return minimum, int(np.sum(energies <= minimum + tolerance)), states, energies


def _check_exact(model, result, tolerance):
    allowed = {-1, 1} if model.vartype is Vartype.SPIN else {0, 1}
    assert result.best_state.shape == (model.n,)
    assert set(np.unique(result.best_state)) <= allowed
    assert math.isclose(result.best_energy, model.energy(result.best_state), abs_tol=tolerance)
    assert result.bound <= result.best_energy + tolerance
    assert result.time_s >= 0


# ---------------------------------------------------------------------------------------------- brute force
@given(data=st.data())
@SETTINGS
def test_brute_force_equals_naive_enumeration(helpers, data, warm):
    model = data.draw(helpers.models(max_n=10))
    minimum, count, _, _ = _naive_minimum(model, helpers)
    result = brute_force(model)
    tolerance = helpers.energy_tolerance(model)
    _check_exact(model, result, tolerance)
    assert math.isclose(result.best_energy, minimum, abs_tol=tolerance)
    assert result.ground_count == count
    assert result.optimal is True
    assert result.bound == result.best_energy
    assert result.method == "brute-force"


@given(data=st.data())
@SETTINGS
def test_brute_force_ground_count_on_degenerate_integer_models(helpers, data, warm):
    model = data.draw(helpers.models(max_n=10, integer=True))
    minimum, count, _, _ = _naive_minimum(model, helpers)
    result = brute_force(model)
    assert result.best_energy == pytest.approx(minimum)
    assert result.ground_count == count


def test_brute_force_known_values(warm):
    assert brute_force(EnergyModel([[0, 1], [1, 0]])).ground_count == 2
    # no couplings, no thresholds: every one of the 2^n states is a ground state
    flat = brute_force(EnergyModel(np.zeros((9, 9)), offset=1.5))
    assert flat.best_energy == 1.5 and flat.ground_count == 2**9
    # a single spin
    single = brute_force(EnergyModel([[0.0]], [2.0]))
    assert single.best_state.tolist() == [-1] and single.best_energy == -2.0 and single.ground_count == 1
    # antiferromagnetic triangle: 6 frustrated ground states
    triangle = brute_force(EnergyModel(-(np.ones((3, 3)) - np.eye(3))))
    assert triangle.best_energy == -1.0 and triangle.ground_count == 6


def test_brute_force_beyond_the_parallel_prefix(helpers, warm):
    # n > 6: the kernel splits the enumeration into prefix blocks and Gray-code walks inside them
    model = helpers.random_model(77, 13, integer=True)
    minimum, count, _, _ = _naive_minimum(model, helpers)
    result = brute_force(model)
    assert result.best_energy == pytest.approx(minimum)
    assert result.ground_count == count


def test_brute_force_refuses_more_than_30_variables():
    with pytest.raises(ValueError, match="31"):
        brute_force(EnergyModel(sp.csr_array((31, 31))))
    with pytest.raises(TypeError):
        brute_force(np.zeros((3, 3)))


# ---------------------------------------------------------------------------------------------- milp
@given(data=st.data(), incumbent=st.sampled_from([None, "anneal"]))
@SETTINGS
def test_milp_equals_brute_force(helpers, data, incumbent, warm):
    model = data.draw(helpers.models(max_n=12, thresholds=True))
    assume(model.n > 1 or model.thresholds[0] != 0)  # known bug, see test_milp_on_constant_model[n=1]
    exact = brute_force(model)
    result = milp(model, incumbent=incumbent)
    tolerance = helpers.energy_tolerance(model) * 10
    _check_exact(model, result, tolerance)
    assert result.optimal is True
    assert math.isclose(result.best_energy, exact.best_energy, abs_tol=tolerance)
    assert math.isclose(result.bound, result.best_energy, abs_tol=tolerance)
    assert result.method == "milp"


@given(data=st.data(), incumbent=st.sampled_from([None, "anneal"]))
@settings(deadline=None, max_examples=15)
def test_milp_edge_formulation_equals_brute_force(helpers, data, incumbent, warm):
    # force the formulation used for large n (x/y variables on the non-zero pairs) on small models
    model = data.draw(helpers.models(min_n=2, max_n=10, thresholds=True))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(exact_module, "_TRIANGLE_MAX_N", 0)
        result = milp(model, incumbent=incumbent)
    # a model without couplings or thresholds has a constant energy: no MILP is built at all
    constant = not np.any(model.dense_weights()) and not np.any(model.thresholds)
    assert result.info["formulation"] == ("none" if constant else "edge")
    tolerance = helpers.energy_tolerance(model) * 10
    _check_exact(model, result, tolerance)
    assert result.optimal is True
    assert math.isclose(result.best_energy, brute_force(model).best_energy, abs_tol=tolerance)


def test_milp_with_given_incumbents(helpers, warm):
    model = helpers.random_model(88, 11, vartype="binary")
    exact = brute_force(model)
    states = helpers.all_states(model.n, model.vartype)
    worst = states[int(np.argmax(model.energies(states)))]
    for incumbent in (exact.best_state, worst, list(worst)):
        result = milp(model, incumbent=incumbent)
        assert result.optimal
        assert result.best_energy == pytest.approx(exact.best_energy)
        _check_exact(model, result, 1e-9)


@pytest.mark.parametrize("incumbent", ["greedy", [1, 1], [2, 0, 1]])
def test_milp_bad_incumbent(incumbent):
    with pytest.raises(ValueError):
        milp(EnergyModel(np.zeros((3, 3)), [1.0, 0.0, 0.0], vartype="binary"), incumbent=incumbent)


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("incumbent", [None, "anneal"])
def test_milp_on_constant_model(n, incumbent, warm):
    result = milp(EnergyModel(np.zeros((n, n)), offset=2.0), incumbent=incumbent)
    assert result.best_energy == 2.0
    assert result.optimal
    assert result.bound == 2.0


@pytest.mark.parametrize("incumbent", [None, "anneal"])
def test_milp_single_variable(incumbent):
    result = milp(EnergyModel([[0.0]], [-1.5]), incumbent=incumbent)
    assert result.best_state.tolist() == [1] and result.best_energy == -1.5 and result.optimal


def test_milp_time_limit_on_larger_instances(warm):
    # n = 90 uses the edge formulation, n = 45 the triangle one; both stop early and stay consistent
    for (n, p), incumbent in itertools.product(((90, 0.3), (45, 0.5)), (None, "anneal")):
        model = MaxCut.random(n, p, rng=0, weights="signed").to_model()
        result = milp(model, time_limit=0.05, incumbent=incumbent)
        _check_exact(model, result, 1e-9)
        if incumbent is not None:
            assert result.best_energy <= result.info["incumbent_energy"] + 1e-9
        assert result.optimal in (True, False)
        if result.optimal:
            assert result.bound == pytest.approx(result.best_energy)
        assert result.time_s < 5.0


def test_milp_time_limited_bound_is_below_true_optimum(warm):
    problem = MaxCut.random(20, 0.5, rng=3, weights="signed")
    model = problem.to_model()
    optimum = brute_force(model).best_energy
    for limit, incumbent in itertools.product((0.001, 0.01, 10.0), (None, "anneal")):
        result = milp(model, time_limit=limit, incumbent=incumbent)
        _check_exact(model, result, 1e-9)
        assert result.bound <= optimum + 1e-9 <= result.best_energy + 2e-9
        if result.optimal:
            assert result.best_energy == pytest.approx(optimum)


def test_milp_without_time_for_the_anneal_keeps_a_random_incumbent(warm, monkeypatch):
    # the anneal's set-up counted as taking far longer than the limit: a seeded random state is the incumbent,
    # and the answer is as consistent as any other (its energy, a bound below the optimum)
    monkeypatch.setattr(exact_module, "_anneal_setup_seconds", lambda spin: 1e9)
    model = MaxCut.random(20, 0.5, rng=3, weights="signed").to_model()
    optimum = brute_force(model).best_energy
    result = milp(model, time_limit=0.5)
    _check_exact(model, result, 1e-9)
    assert result.info["incumbent"].startswith("random")
    assert result.info["incumbent_energy"] == pytest.approx(model.energy(np.asarray(
        (2 * np.random.default_rng(0).integers(0, 2, model.n) - 1), dtype=np.int8)))
    assert result.bound <= optimum + 1e-9 <= result.best_energy + 2e-9
    # with no clock there is no hurry: the anneal provides it
    assert milp(model).info["incumbent"] == "anneal"


def test_milp_never_built_gives_the_pairs_bound_of_the_upper_triangle(monkeypatch):
    # the path that never builds the MILP sums both triangles at once: its bound must be the one the upper
    # triangle's pair costs give (c_ij = 2 W_ij, c_i,aux = -2 θ_i)
    rng = np.random.default_rng(4)
    weights = np.triu(rng.normal(size=(12, 12)) * (rng.random((12, 12)) < 0.6), 1)
    weights = weights + weights.T
    model = EnergyModel(weights, rng.normal(size=12), offset=1.5)
    monkeypatch.setattr(exact_module, "milp_builds_in_time", lambda entries, seconds: False)
    result = milp(model, incumbent=None)
    upper = weights[np.triu_indices(12, 1)]
    costs = np.concatenate([2 * upper, -2 * model.thresholds])
    constant = model.offset - upper.sum() + model.thresholds.sum()
    assert result.info["formulation"].startswith("none")
    assert result.bound == pytest.approx(min(constant + np.minimum(costs, 0).sum(), result.best_energy), abs=1e-9)
    assert result.best_energy == pytest.approx(model.energy(result.best_state))


def test_a_milp_that_cannot_be_built_in_time_is_not_counted_in_memory():
    from hopopt.resources import estimate_exact, milp_builds_in_time

    problem = MaxCut.random(2000, 0.5, rng=1)
    pairs = problem.edges.shape[0]
    assert not milp_builds_in_time(6 * pairs, 2.0) and milp_builds_in_time(6 * pairs, 60.0)
    untimed, short, long = estimate_exact(problem), estimate_exact(problem, 2.0), estimate_exact(problem, 60.0)
    assert untimed.bytes == long.bytes > 10 * short.bytes
    assert untimed.reason.startswith("the MILP")
    # the model and the incumbent's anneal are still counted
    assert short.bytes > 8 * problem.edges.shape[0]


@pytest.mark.parametrize("limit", [0, -1.0, "soon", float("inf")])
def test_milp_bad_time_limit(limit):
    with pytest.raises(ValueError):
        milp(EnergyModel([[0, 1], [1, 0]]), time_limit=limit)
