"""EnergyModel: validation, evaluation against naive loops, ΔE, and energy-preserving conversions."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from hopopt import EnergyModel, Vartype

FAST = settings(deadline=None, max_examples=40)
SLOW = settings(deadline=None, max_examples=20)


def _flip(state, i, vartype):
    flipped = np.array(state, copy=True)
    flipped[i] = -flipped[i] if vartype is Vartype.SPIN else 1 - flipped[i]
    return flipped


# ---------------------------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"weights": np.zeros((2, 3))}, "square"),
        ({"weights": np.zeros(3)}, "square"),
        ({"weights": np.zeros((2, 2, 2))}, "square"),
        ({"weights": sp.csr_array(np.zeros((2, 3)))}, "square"),
        ({"weights": [[0, 1], [2, 0]]}, "symmetric"),
        ({"weights": sp.csr_array(np.array([[0.0, 1.0], [0.0, 0.0]]))}, "symmetric"),
        ({"weights": [[1, 0], [0, 0]]}, "diagonal"),
        ({"weights": sp.csr_array(np.array([[0.0, 0.0], [0.0, 2.0]]))}, "diagonal"),
        ({"weights": [[0, np.nan], [np.nan, 0]]}, "finite"),
        ({"weights": [[0, np.inf], [np.inf, 0]]}, "finite"),
        ({"weights": [[np.nan, 0], [0, 0]]}, "finite"),
        ({"weights": sp.csr_array(np.array([[0.0, np.nan], [np.nan, 0.0]]))}, "finite"),
        ({"weights": np.zeros((2, 2)), "thresholds": [1.0, 2.0, 3.0]}, "thresholds"),
        ({"weights": np.zeros((2, 2)), "thresholds": [1.0]}, "length"),
        ({"weights": np.zeros((2, 2)), "thresholds": [np.nan, 0.0]}, "thresholds"),
        ({"weights": np.zeros((2, 2)), "thresholds": [np.inf, 0.0]}, "finite"),
        ({"weights": np.zeros((2, 2)), "offset": np.inf}, "offset"),
        ({"weights": np.zeros((2, 2)), "offset": np.nan}, "offset"),
        ({"weights": np.zeros((0, 0))}, "n = 0"),
        ({"weights": sp.csr_array((0, 0))}, "n = 0"),
        ({"weights": np.zeros((2, 2)), "vartype": "ternary"}, "vartype"),
        ({"weights": [["a", "b"], ["c", "d"]]}, "numeric"),
    ],
)
def test_invalid_models_raise_value_error_naming_the_problem(kwargs, words):
    with pytest.raises(ValueError, match=words):
        EnergyModel(**kwargs)


def test_symmetry_tolerates_rounding_only():
    weights = np.array([[0.0, 1.0], [1.0 + 1e-13, 0.0]])
    assert EnergyModel(weights).n == 2
    with pytest.raises(ValueError, match="symmetric"):
        EnergyModel(np.array([[0.0, 1.0], [1.001, 0.0]]))


def test_model_is_read_only_and_copies_dense_input():
    weights = np.array([[0.0, 1.0], [1.0, 0.0]])
    theta = np.array([0.5, -0.5])
    model = EnergyModel(weights, theta)
    before = model.energy([1, 1])
    weights[0, 1] = weights[1, 0] = 9.0
    theta[:] = 7.0
    assert model.energy([1, 1]) == before
    with pytest.raises(ValueError):
        model.weights[0, 1] = 3.0
    with pytest.raises(ValueError):
        model.thresholds[0] = 3.0


def test_model_does_not_alias_callers_sparse_matrix():
    matrix = sp.csr_array(np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 2.0], [0.0, 2.0, 0.0]]))
    model = EnergyModel(matrix)
    before = model.energy([1, 1, 1])
    matrix.data[:] = 7.0  # the caller reuses its own matrix
    assert model.energy([1, 1, 1]) == before


def test_model_from_another_sparse_models_weights():
    sparse = EnergyModel(sp.csr_array(np.array([[0.0, 1.0], [1.0, 0.0]])))
    rethresholded = EnergyModel(sparse.weights, [0.5, -0.5])
    assert rethresholded.energy([1, 1]) == pytest.approx(-1.0)


def test_model_from_another_dense_models_weights():
    dense = EnergyModel(np.array([[0.0, 1.0], [1.0, 0.0]]))
    assert EnergyModel(dense.weights, [0.5, -0.5]).energy([1, 1]) == pytest.approx(-1.0)


@pytest.mark.parametrize("bad", [[1, 0, 1], [2, 1, 1], [[1, 1]], np.ones((1, 1, 3))])
def test_spin_states_are_validated(bad):
    model = EnergyModel(np.zeros((3, 3)))
    with pytest.raises(ValueError):
        model.energies(bad)


def test_binary_states_are_validated():
    model = EnergyModel(np.zeros((3, 3)), vartype="binary")
    with pytest.raises(ValueError):
        model.energy([-1, 1, 0])
    assert model.energy([0, 1, 0]) == 0.0


# ---------------------------------------------------------------------------------------------- evaluation
def test_docstring_example_values():
    model = EnergyModel([[0, 1], [1, 0]], thresholds=[0.5, 0])
    assert model.energy([1, 1]) == -0.5
    assert model.flip_costs([1, 1]).tolist() == [1.0, 2.0]
    assert model.local_fields([1, -1]).tolist() == [-1.0, 1.0]


@given(data=st.data())
@FAST
def test_energies_equal_naive_loop(helpers, data):
    model = data.draw(helpers.models(max_n=7))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    low = -1 if model.vartype is Vartype.SPIN else 0
    states = rng.choice([low, 1], size=(9, model.n)).astype(np.int8)
    got = model.energies(states)
    assert got.shape == (9,)
    expected = [helpers.model_naive_energy(model, s) for s in states]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=helpers.energy_tolerance(model))
    for state, value in zip(states, expected):
        assert math.isclose(model.energy(state), value, rel_tol=1e-12, abs_tol=helpers.energy_tolerance(model))
    # fields h = W s
    np.testing.assert_allclose(model.local_fields(states), states @ model.dense_weights(), atol=1e-12)


@given(data=st.data())
@FAST
def test_dense_and_sparse_storage_agree(helpers, data):
    dense = data.draw(helpers.models(max_n=8, sparse=False))
    sparse = EnergyModel(sp.csr_array(dense.weights), dense.thresholds, dense.offset, dense.vartype)
    assert sparse.is_sparse and not dense.is_sparse
    states = helpers.all_states(dense.n, dense.vartype)
    assert np.array_equal(sparse.dense_weights(), dense.dense_weights())
    np.testing.assert_allclose(sparse.energies(states), dense.energies(states), rtol=1e-13, atol=1e-12)
    np.testing.assert_allclose(sparse.local_fields(states), dense.local_fields(states), rtol=1e-13, atol=1e-12)
    np.testing.assert_allclose(sparse.flip_costs(states), dense.flip_costs(states), rtol=1e-13, atol=1e-12)
    for a, b in zip(sparse.csr(), dense.csr()):
        assert np.array_equal(a, b)


@given(data=st.data())
@FAST
def test_flip_costs_equal_energy_recomputation(helpers, data):
    model = data.draw(helpers.models(max_n=8))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    low = -1 if model.vartype is Vartype.SPIN else 0
    state = rng.choice([low, 1], size=model.n).astype(np.int8)
    costs = model.flip_costs(state)
    base = model.energy(state)
    tolerance = helpers.energy_tolerance(model)
    for i in range(model.n):
        recomputed = model.energy(_flip(state, i, model.vartype)) - base
        assert math.isclose(costs[i], recomputed, rel_tol=1e-9, abs_tol=tolerance), (i, costs[i], recomputed)
    # batched form agrees with the single-state form
    batch = np.stack([state, _flip(state, 0, model.vartype)])
    np.testing.assert_allclose(model.flip_costs(batch)[0], costs)


def test_flip_cost_formula_spin_matches_convention():
    # ΔE_i = 2 s_i (h_i − θ_i)
    model = EnergyModel([[0, 2, -1], [2, 0, 3], [-1, 3, 0]], [0.5, -1.0, 0.25])
    state = np.array([1, -1, 1])
    fields = model.dense_weights() @ state
    assert np.allclose(model.flip_costs(state), 2 * state * (fields - model.thresholds))


# ---------------------------------------------------------------------------------------------- conversions
def _assert_same_energies(original, converted, helpers):
    assert converted.n == original.n
    states = helpers.all_states(original.n, original.vartype)
    if converted.vartype is original.vartype:
        mapped = states
    elif converted.vartype is Vartype.BINARY:
        mapped = (states + 1) // 2
    else:
        mapped = 2 * states - 1
    np.testing.assert_allclose(converted.energies(mapped), original.energies(states), rtol=1e-10,
                               atol=helpers.energy_tolerance(original))


@given(data=st.data())
@SLOW
def test_vartype_round_trips_preserve_every_energy(helpers, data):
    model = data.draw(helpers.models(max_n=8))
    binary, spin = model.to_binary(), model.to_spin()
    assert binary.vartype is Vartype.BINARY and spin.vartype is Vartype.SPIN
    assert binary.is_sparse == model.is_sparse and spin.is_sparse == model.is_sparse
    _assert_same_energies(model, binary, helpers)
    _assert_same_energies(model, spin, helpers)
    _assert_same_energies(model, binary.to_spin().to_binary(), helpers)
    _assert_same_energies(model, spin.to_binary().to_spin(), helpers)
    _assert_same_energies(model, model.change_vartype("binary"), helpers)
    _assert_same_energies(model, model.change_vartype(Vartype.SPIN), helpers)
    # the round trip returns the same parameters (up to rounding)
    back = binary.to_spin() if model.vartype is Vartype.SPIN else spin.to_binary()
    np.testing.assert_allclose(back.dense_weights(), model.dense_weights(), atol=1e-12)
    np.testing.assert_allclose(back.thresholds, model.thresholds, atol=1e-10)
    assert math.isclose(back.offset, model.offset, abs_tol=helpers.energy_tolerance(model))


def test_to_spin_of_spin_and_to_binary_of_binary_are_identity():
    spin = EnergyModel([[0, 1], [1, 0]])
    binary = EnergyModel([[0, 1], [1, 0]], vartype="binary")
    assert spin.to_spin() is spin and binary.to_binary() is binary


def _qubo_energy(q_matrix, offset, x):
    q = q_matrix.toarray() if sp.issparse(q_matrix) else np.asarray(q_matrix, dtype=float)
    return sum(q[i, j] * x[i] * x[j] for i in range(len(x)) for j in range(len(x))) + offset


@given(n=st.integers(1, 7), seed=st.integers(0, 2**32 - 1), kind=st.sampled_from(["dense", "sparse", "dict"]))
@SLOW
def test_from_qubo_nonsymmetric_matches_xQx(helpers, n, seed, kind):
    rng = np.random.default_rng(seed)
    q = rng.normal(size=(n, n)) * (rng.random((n, n)) < 0.7)  # not symmetric, diagonal = linear terms
    offset = float(rng.normal())
    if kind == "dense":
        model = EnergyModel.from_qubo(q, offset)
    elif kind == "sparse":
        model = EnergyModel.from_qubo(sp.csr_array(q), offset)
    else:
        pairs = {(int(i), int(j)): float(q[i, j]) for i in range(n) for j in range(n) if q[i, j] != 0}
        model = EnergyModel.from_qubo(pairs, offset, n=n)
    assert model.vartype is Vartype.BINARY and model.n == n
    for x in helpers.all_states(n, "binary"):
        assert math.isclose(model.energy(x), _qubo_energy(q, offset, x), rel_tol=1e-10, abs_tol=1e-9)


def test_from_qubo_dict_repeated_pairs_add_up():
    model = EnergyModel.from_qubo({(0, 1): 1.0, (1, 0): 2.0, (0, 0): -1.0, (2, 2): 0.5})
    assert model.n == 3
    for x in np.array(list(np.ndindex(2, 2, 2))):
        expected = 3.0 * x[0] * x[1] - x[0] + 0.5 * x[2]
        assert math.isclose(model.energy(x), expected, abs_tol=1e-12)


def test_from_qubo_rejects_bad_input():
    with pytest.raises(ValueError):
        EnergyModel.from_qubo(np.zeros((2, 3)))
    with pytest.raises(ValueError):
        EnergyModel.from_qubo({(0, -1): 1.0})
    with pytest.raises(ValueError):
        EnergyModel.from_qubo({("a", 1): 1.0})
    with pytest.raises(ValueError):
        EnergyModel.from_qubo([[np.nan, 0], [0, 0]])


@given(data=st.data())
@SLOW
def test_to_qubo_and_dict_preserve_every_energy(helpers, data):
    model = data.draw(helpers.models(max_n=7))
    q_matrix, offset = model.to_qubo()
    dense_q = q_matrix.toarray() if sp.issparse(q_matrix) else np.asarray(q_matrix)
    assert np.allclose(dense_q, np.triu(dense_q)), "Q must be upper triangular"
    pairs, dict_offset = model.to_qubo_dict()
    assert dict_offset == offset
    assert all(i <= j for i, j in pairs)
    xs = helpers.all_states(model.n, "binary")
    states = xs if model.vartype is Vartype.BINARY else 2 * xs - 1
    expected = model.energies(states)
    tolerance = helpers.energy_tolerance(model) * 8
    for x, value in zip(xs, expected):
        assert math.isclose(_qubo_energy(dense_q, offset, x), value, rel_tol=1e-10, abs_tol=tolerance)
        from_dict = sum(v * x[i] * x[j] for (i, j), v in pairs.items()) + dict_offset
        assert math.isclose(from_dict, value, rel_tol=1e-10, abs_tol=tolerance)
    # and back again
    _assert_same_energies(model, EnergyModel.from_qubo(q_matrix, offset), helpers)
    _assert_same_energies(model, EnergyModel.from_qubo(pairs, dict_offset, n=model.n), helpers)


def _ising_energy(h, j_pairs, offset, s):
    return sum(h[i] * s[i] for i in range(len(s))) + sum(v * s[a] * s[b] for (a, b), v in j_pairs.items()) + offset


@given(n=st.integers(1, 7), seed=st.integers(0, 2**32 - 1), kind=st.sampled_from(["dict", "dense", "sparse"]))
@SLOW
def test_from_ising_matches_dimod_formula(helpers, n, seed, kind):
    rng = np.random.default_rng(seed)
    h = rng.normal(size=n)
    full = rng.normal(size=(n, n)) * (rng.random((n, n)) < 0.6)
    np.fill_diagonal(full, 0.0)  # both (i, j) and (j, i) present: each entry counts once
    offset = float(rng.normal())
    pairs = {(int(a), int(b)): float(full[a, b]) for a in range(n) for b in range(n) if full[a, b] != 0}
    if kind == "dict":
        model = EnergyModel.from_ising({i: float(v) for i, v in enumerate(h)}, pairs, offset)
    elif kind == "dense":
        model = EnergyModel.from_ising(h, full, offset)
    else:
        model = EnergyModel.from_ising(h, sp.csr_array(full), offset)
    assert model.vartype is Vartype.SPIN and model.n == n
    for s in helpers.all_states(n):
        assert math.isclose(model.energy(s), _ising_energy(h, pairs, offset, s), rel_tol=1e-10, abs_tol=1e-9)


def test_from_ising_rejects_diagonal_couplings():
    with pytest.raises(ValueError, match="diagonal"):
        EnergyModel.from_ising([0, 0], [[1, 0], [0, 0]])
    with pytest.raises(ValueError, match="diagonal"):
        EnergyModel.from_ising({}, {(1, 1): 2.0})


@given(data=st.data())
@SLOW
def test_to_ising_round_trip_preserves_every_energy(helpers, data):
    model = data.draw(helpers.models(max_n=7))
    h, pairs, offset = model.to_ising()
    assert set(h) == set(range(model.n))
    assert all(a < b for a, b in pairs)
    spins = helpers.all_states(model.n)
    states = spins if model.vartype is Vartype.SPIN else (spins + 1) // 2
    expected = model.energies(states)
    tolerance = helpers.energy_tolerance(model)
    for s, value in zip(spins, expected):
        assert math.isclose(_ising_energy(h, pairs, offset, s), value, rel_tol=1e-10, abs_tol=tolerance)
    _assert_same_energies(model, EnergyModel.from_ising(h, pairs, offset), helpers)
    matrix = np.zeros((model.n, model.n))
    for (a, b), v in pairs.items():
        matrix[a, b] = v
    _assert_same_energies(model, EnergyModel.from_ising([h[i] for i in range(model.n)], matrix, offset), helpers)


# ---------------------------------------------------------------------------------------------- dimod
@given(data=st.data())
@SLOW
def test_to_bqm_matches_bqm_energies(helpers, data):
    dimod = pytest.importorskip("dimod", reason="dimod (optional peer) is not installed")
    model = data.draw(helpers.models(max_n=7))
    bqm = model.to_bqm()
    expected_vartype = dimod.SPIN if model.vartype is Vartype.SPIN else dimod.BINARY
    assert bqm.vartype is expected_vartype
    states = helpers.all_states(model.n, model.vartype)
    # give the labels explicitly: the bqm's variable order is its own business
    labels = list(range(model.n))
    present = [v for v in labels if v in bqm.variables]
    columns = [labels.index(v) for v in present]
    np.testing.assert_allclose(bqm.energies((states[:, columns], present)) if present else
                               np.full(len(states), bqm.offset), model.energies(states), rtol=1e-10,
                               atol=helpers.energy_tolerance(model) * 8)


@given(data=st.data())
@SLOW
def test_from_bqm_matches_bqm_energies(helpers, data):
    dimod = pytest.importorskip("dimod", reason="dimod (optional peer) is not installed")
    n = data.draw(st.integers(1, 7))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    vartype = data.draw(st.sampled_from([dimod.SPIN, dimod.BINARY]))
    linear = {i: float(rng.normal()) for i in range(n)}
    quadratic = {(i, j): float(rng.normal()) for i in range(n) for j in range(i + 1, n) if rng.random() < 0.6}
    bqm = dimod.BinaryQuadraticModel(linear, quadratic, float(rng.normal()), vartype)
    model = EnergyModel.from_bqm(bqm)
    assert model.n == n
    assert model.vartype is (Vartype.SPIN if vartype is dimod.SPIN else Vartype.BINARY)
    states = helpers.all_states(n, model.vartype)
    np.testing.assert_allclose(model.energies(states), bqm.energies((states, list(range(n)))), rtol=1e-10,
                               atol=1e-9)


def test_from_bqm_relabels_non_integer_variables():
    dimod = pytest.importorskip("dimod", reason="dimod (optional peer) is not installed")
    bqm = dimod.BinaryQuadraticModel({"a": 1.0, "b": -0.5}, {("a", "b"): 2.0}, 0.25, dimod.SPIN)
    model = EnergyModel.from_bqm(bqm)
    labels = list(bqm.variables)
    states = np.array([[1, 1], [1, -1], [-1, 1], [-1, -1]])
    np.testing.assert_allclose(model.energies(states), bqm.energies((states, labels)))


def test_to_bqm_keeps_every_variable_of_a_binary_model():
    pytest.importorskip("dimod", reason="dimod (optional peer) is not installed")
    model = EnergyModel(np.zeros((3, 3)), [1.0, 0.0, 0.0], vartype="binary")
    bqm = model.to_bqm()
    assert bqm.num_variables == 3
    assert EnergyModel.from_bqm(bqm).n == 3


def test_to_bqm_keeps_every_variable_of_a_spin_model():
    pytest.importorskip("dimod", reason="dimod (optional peer) is not installed")
    model = EnergyModel(np.zeros((3, 3)), [1.0, 0.0, 0.0])
    bqm = model.to_bqm()
    assert bqm.num_variables == 3
    assert EnergyModel.from_bqm(bqm).n == 3
