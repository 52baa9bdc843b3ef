"""Deterministic Hopfield dynamics: asynchronous descent (descend) and synchronous updates."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hopopt import EnergyModel, Status, Vartype
from hopopt.solvers import descend, synchronous

SETTINGS = settings(deadline=None, max_examples=30)


def _random_state(model, seed):
    rng = np.random.default_rng(seed)
    low = -1 if model.vartype is Vartype.SPIN else 0
    return rng.choice([low, 1], size=model.n).astype(np.int8)


def _flip(state, i, vartype):
    state[i] = -state[i] if vartype is Vartype.SPIN else 1 - state[i]


def _check_descent_result(model, start, result, tolerance):
    """The invariants every asynchronous descent must satisfy."""
    trace = np.asarray(result.trace)
    flipped = np.asarray(result.info["flipped"])
    assert trace.shape == (flipped.size + 1,)
    # energy never rises, each flip strictly lowers it
    assert np.all(np.diff(trace) < tolerance), trace
    # replaying the flips from the start reproduces every trace entry
    state = np.array(start, dtype=np.int8, copy=True)
    assert math.isclose(trace[0], model.energy(state), abs_tol=tolerance)
    for k, i in enumerate(flipped):
        _flip(state, int(i), model.vartype)
        assert math.isclose(trace[k + 1], model.energy(state), rel_tol=1e-9, abs_tol=tolerance)
    assert np.array_equal(state, result.best_state)
    assert np.array_equal(result.states, result.best_state[None, :])
    assert math.isclose(result.best_energy, model.energy(result.best_state), abs_tol=tolerance)
    assert result.energies.tolist() == [result.best_energy]
    assert set(np.unique(result.best_state)) <= ({-1, 1} if model.vartype is Vartype.SPIN else {0, 1})
    if result.status == Status.CONVERGED:
        # a fixed point of the asynchronous update is a local minimum under single flips
        assert np.all(model.flip_costs(result.best_state) >= -tolerance)
    else:
        assert result.status == Status.SWEEP_LIMIT


def _naive_async(model, start, order, max_sweeps=1000):
    """Reference: s_i <- sgn(h_i - θ_i) (tie keeps s_i), neurons visited in ``order`` every sweep."""
    spin = model.to_spin()
    weights = spin.dense_weights()
    state = np.array(start, dtype=float)
    if model.vartype is Vartype.BINARY:
        state = 2 * state - 1
    flips, sweeps = [], 0
    for sweep in range(max_sweeps):
        sweeps += 1
        changed = False
        for i in order:
            drive = float(weights[i] @ state) - spin.thresholds[i]
            new = 1.0 if drive > 0 else (-1.0 if drive < 0 else state[i])
            if new != state[i]:
                state[i] = new
                flips.append(int(i))
                changed = True
        if not changed:
            break
    final = state if model.vartype is Vartype.SPIN else (state + 1) / 2
    return final.astype(np.int8), flips, sweeps


# ---------------------------------------------------------------------------------------------- descend
def test_docstring_example():
    model = EnergyModel([[0, 1], [1, 0]])
    result = descend(model, [1, -1], order="fixed")
    assert result.best_state.tolist() == [-1, -1]
    assert result.trace.tolist() == [1.0, -1.0]
    assert result.status == Status.CONVERGED
    assert result.info["flipped"].tolist() == [0]
    assert result.sweeps_done == 2  # one sweep with a flip, then the flip-free one


@given(data=st.data())
@SETTINGS
def test_async_descent_never_raises_energy_and_ends_in_local_minimum(helpers, data, warm):
    model = data.draw(helpers.models(max_n=12))
    start = _random_state(model, data.draw(st.integers(0, 2**32 - 1)))
    order = data.draw(st.sampled_from(["random", "fixed", "reversed"]))
    if order == "reversed":
        order = list(range(model.n))[::-1]
    result = descend(model, start, order=order, rng=data.draw(st.integers(0, 2**16)))
    assert result.status == Status.CONVERGED
    _check_descent_result(model, start, result, helpers.energy_tolerance(model))


@given(data=st.data())
@SETTINGS
def test_fixed_and_given_orders_match_naive_reference(helpers, data, warm):
    # integer weights: the kernel's incremental fields are exact, so ties are seen the same way
    model = data.draw(helpers.models(max_n=10, integer=True))
    start = _random_state(model, data.draw(st.integers(0, 2**32 - 1)))
    permutation = data.draw(st.permutations(range(model.n)))
    for order, visit in (("fixed", list(range(model.n))), (list(permutation), list(permutation)),
                         (np.array(permutation, dtype=np.int32), list(permutation))):
        result = descend(model, start, order=order)
        final, flips, sweeps = _naive_async(model, start, visit)
        assert np.array_equal(result.best_state, final)
        assert result.info["flipped"].tolist() == flips
        assert result.sweeps_done == sweeps
        assert result.status == Status.CONVERGED


@given(data=st.data())
@settings(deadline=None, max_examples=15)
def test_random_order_reproducible_and_valid(helpers, data, warm):
    model = data.draw(helpers.models(min_n=3, max_n=12))
    seed = data.draw(st.integers(0, 2**32 - 1))
    first = descend(model, order="random", rng=seed)
    second = descend(model, order="random", rng=np.random.default_rng(seed))
    assert np.array_equal(first.best_state, second.best_state)
    assert np.array_equal(first.trace, second.trace)
    assert np.array_equal(first.info["flipped"], second.info["flipped"])
    # the random start (drawn from rng) is the state before the first flip
    start = first.best_state.copy()
    for i in first.info["flipped"][::-1]:
        _flip(start, int(i), model.vartype)
    _check_descent_result(model, start, first, helpers.energy_tolerance(model))


def test_random_order_differs_from_fixed_order_somewhere(helpers, warm):
    # on a frustrated model the visiting order changes which local minimum is reached, for some start
    model = helpers.random_model(3, 14)
    differ = 0
    for seed in range(20):
        start = _random_state(model, seed)
        fixed = descend(model, start, order="fixed")
        random = descend(model, start, order="random", rng=seed)
        differ += not np.array_equal(fixed.info["flipped"], random.info["flipped"])
    assert differ >= 10


def test_initial_state_not_modified(warm):
    model = EnergyModel([[0, 1, 1], [1, 0, 1], [1, 1, 0]], [0.5, 0, 0])
    start = np.array([1, -1, -1], dtype=np.int8)
    descend(model, start, order="fixed")
    assert start.tolist() == [1, -1, -1]


def test_sweep_limit_reported(warm):
    # a ferromagnetic chain visited from the far end needs one sweep per spin
    n = 8
    weights = np.zeros((n, n))
    for i in range(n - 1):
        weights[i, i + 1] = weights[i + 1, i] = 1.0
    thresholds = np.full(n, -0.5)  # a spin with one +1 and one -1 neighbour turns +1
    thresholds[0] = -5.0  # pins spin 0 to +1
    model = EnergyModel(weights, thresholds)
    start = np.array([1] + [-1] * (n - 1))
    order = list(range(n))[::-1]
    limited = descend(model, start, order=order, max_sweeps=2)
    assert limited.status == Status.SWEEP_LIMIT
    assert limited.sweeps_done == 2
    assert not limited.success
    full = descend(model, start, order=order)
    assert full.status == Status.CONVERGED
    assert full.best_state.tolist() == [1] * n
    assert full.sweeps_done == n  # n-1 sweeps with one flip each, then a flip-free sweep


@given(data=st.data())
@settings(deadline=None, max_examples=20)
def test_binary_model_descent(helpers, data, warm):
    model = data.draw(helpers.models(max_n=10, vartype="binary"))
    start = _random_state(model, data.draw(st.integers(0, 2**32 - 1)))
    result = descend(model, start, order="fixed")
    assert result.status == Status.CONVERGED
    _check_descent_result(model, start, result, helpers.energy_tolerance(model))
    # same trajectory as on the spin form of the model
    spin_result = descend(model.to_spin(), 2 * start - 1, order="fixed")
    assert np.array_equal(2 * result.best_state - 1, spin_result.best_state)
    assert np.array_equal(result.info["flipped"], spin_result.info["flipped"])


@pytest.mark.parametrize("kwargs", [{"order": "sideways"}, {"order": [0, 0, 1]}, {"order": [0, 1]},
                                    {"order": [0, 1, 3]}, {"max_sweeps": 0}, {"max_sweeps": 1.5},
                                    {"initial_state": [1, 0, 1]}, {"initial_state": [1, 1]}])
def test_descend_bad_arguments(kwargs):
    model = EnergyModel(np.zeros((3, 3)))
    with pytest.raises(ValueError):
        descend(model, **kwargs)


def test_descend_rejects_non_models():
    with pytest.raises(TypeError):
        descend(np.zeros((2, 2)))


# ---------------------------------------------------------------------------------------------- synchronous
def test_synchronous_two_cycle_detected():
    model = EnergyModel([[0, 1], [1, 0]])
    result = synchronous(model, [1, -1])
    assert result.status == Status.TWO_CYCLE
    assert result.info["cycle"].tolist() == [[1, -1], [-1, 1]]
    assert result.info["history"].tolist() == [[1, -1], [-1, 1], [1, -1]]
    assert result.trace.tolist() == [1.0, 1.0, 1.0]
    assert not result.success


def test_synchronous_two_cycle_binary_model():
    model = EnergyModel([[0, 1], [1, 0]]).to_binary()
    result = synchronous(model, [1, 0])
    assert result.status == Status.TWO_CYCLE
    assert result.info["cycle"].tolist() == [[1, 0], [0, 1]]
    np.testing.assert_allclose(result.trace, [1.0, 1.0, 1.0])


def test_synchronous_fixed_point_detected():
    model = EnergyModel([[0, 1], [1, 0]])
    result = synchronous(model, [1, 1])
    assert result.status == Status.CONVERGED
    assert result.success
    assert result.sweeps_done == 0
    assert result.best_state.tolist() == [1, 1]
    assert "cycle" not in result.info
    # from a non-fixed point one step to the fixed point
    antiferro = EnergyModel([[0, -1], [-1, 0]], [0.0, 2.0])  # θ_1 = 2 pins s_1 to -1
    result = synchronous(antiferro, [-1, -1])
    assert result.status == Status.CONVERGED
    assert result.states.tolist() == [[1, -1]]
    assert result.info["history"].tolist() == [[-1, -1], [1, -1]]
    assert result.sweeps_done == 1


def _naive_sync(model, start, max_steps=1000):
    spin = model.to_spin()
    weights = spin.dense_weights()
    state = np.array(start, dtype=float)
    if model.vartype is Vartype.BINARY:
        state = 2 * state - 1
    history = [state.copy()]
    for _ in range(max_steps):
        drive = weights @ state - spin.thresholds
        new = np.where(drive > 0, 1.0, np.where(drive < 0, -1.0, state))
        if np.array_equal(new, state):
            return history, Status.CONVERGED
        history.append(new)
        if len(history) >= 3 and np.array_equal(new, history[-3]):
            return history, Status.TWO_CYCLE
        state = new
    return history, Status.SWEEP_LIMIT


@given(data=st.data())
@SETTINGS
def test_synchronous_matches_reference_and_ends_in_fixed_point_or_two_cycle(helpers, data):
    model = data.draw(helpers.models(max_n=10, integer=True))
    start = _random_state(model, data.draw(st.integers(0, 2**32 - 1)))
    result = synchronous(model, start)
    history, status = _naive_sync(model, start)
    assert result.status == status
    # Goles: symmetric W gives a fixed point or a 2-cycle (n ≤ 10 settles well within 1000 steps)
    assert status in (Status.CONVERGED, Status.TWO_CYCLE)
    visited = np.array(history)
    if model.vartype is Vartype.BINARY:
        visited = (visited + 1) / 2
    assert np.array_equal(result.info["history"], visited.astype(np.int8))
    assert np.array_equal(result.info["history"][0], start)
    np.testing.assert_allclose(result.trace, model.energies(result.info["history"]), atol=1e-9)
    assert result.sweeps_done == len(history) - 1
    assert result.best_energy == pytest.approx(min(result.trace))
    final = result.states[0]
    if status == Status.CONVERGED:
        assert np.all(model.flip_costs(final) >= 0)
    else:
        a, b = result.info["cycle"]
        assert not np.array_equal(a, b)
        # one synchronous step maps each cycle state to the other
        again = synchronous(model, a, max_steps=1)
        assert np.array_equal(again.info["history"][1], b)


def test_synchronous_bad_arguments():
    model = EnergyModel(np.zeros((2, 2)))
    with pytest.raises(ValueError):
        synchronous(model, [1, 0])
    with pytest.raises(ValueError):
        synchronous(model, [1, 1], max_steps=0)


# ---------------------------------------------------------------------------------------------- no JIT
def test_descend_with_strided_order_does_not_compile(warm):
    from hopopt.solvers import _kernels

    model = EnergyModel(np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]))
    before = len(_kernels.async_descent.signatures)
    result = descend(model, [1, -1, 1], order=np.arange(3)[::-1])
    assert result.status == Status.CONVERGED
    assert len(_kernels.async_descent.signatures) == before
