"""The builder's compiled forms against the plain implementations they replaced (kept here as oracles): the
penalty energy built from cached parts, the vectorised violations, and the energy of a solution without a model."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings, strategies as st

from hopopt.constrained import ConstrainedModel, quicksum
from hopopt.constrained.expressions import Expression
from hopopt.model import EnergyModel, UpperTriangle


def old_to_model_arrays(model, penalty=None):
    """(W, θ, offset) as ConstrainedModel.to_model built them before the parts were cached: AᵀPA per call."""
    kept, matrix, constants, _, _, _, total = model._compile()
    weights_by_name = model.constraint_penalties(penalty)
    weights = np.array([weights_by_name[c.name] for c in kept])
    sign = 1.0 if model.sense == "min" else -1.0
    linear = np.zeros(total)
    for index, value in model.objective.linear.items():
        linear[index] += sign * value
    pairs = list(model.objective.quadratic.items())
    rows = np.array([pair[0] for pair, _ in pairs], dtype=np.int64)
    cols = np.array([pair[1] for pair, _ in pairs], dtype=np.int64)
    values = np.array([value for _, value in pairs], dtype=np.float64) * sign
    objective_part = sp.coo_array((np.concatenate([values, values]) / 2,
                                   (np.concatenate([rows, cols]), np.concatenate([cols, rows]))),
                                  shape=(total, total)).tocsr()
    scaled = sp.diags_array(weights) @ matrix if len(kept) else matrix
    penalty_part = (matrix.T @ scaled).tocsr() if len(kept) else sp.csr_array((total, total))
    symmetric = (objective_part + penalty_part).tocsr()
    linear += 2.0 * (matrix.T @ (weights * constants)) if len(kept) else 0.0
    offset = sign * model.objective.constant + float(np.sum(weights * constants**2))
    diagonal = symmetric.diagonal()
    off_diagonal = (symmetric - sp.diags_array(diagonal)).tocsr()
    off_diagonal.eliminate_zeros()
    return (-2.0 * off_diagonal).toarray(), linear + diagonal, offset


def old_violations(model, bits):
    """ConstrainedModel.violations as a loop over the constraints' expressions (before the sparse rows)."""
    lines = []
    for constraint in model.constraints:
        value = constraint.expression.value(bits)
        amount = {"==": abs(value), "<=": max(value, 0.0), ">=": max(-value, 0.0)}[constraint.sense]
        if amount > 1e-9 * max(1.0, abs(constraint.expression.constant)):
            left = value - constraint.expression.constant
            lines.append(f"constraint {constraint.name!r} violated: its left side is {left:g}, it needs "
                         f"{constraint.sense} {-constraint.expression.constant:g}")
    return lines


def mixed_model(seed):
    """Every variable kind and sense, decimal coefficients (resolutions 0.5 and 0.1), an objective pair that no
    constraint couples, and a maximised or minimised objective."""
    generator = np.random.default_rng(seed)
    model = ConstrainedModel(f"mixed {seed}")
    x = model.binary("x", 5)
    s = model.spin("s")
    v = model.integer("v", -2, 3, encoding=str(generator.choice(["log", "unary", "one-hot"])))
    w = model.binary("w", 2)  # only in the objective: its pair is coupled by no constraint
    terms = [float(c) * x[i] for i, c in enumerate(generator.integers(-9, 10, 5) / 2)]
    terms += [int(generator.integers(-3, 4)) * s, 0.3 * v, int(generator.integers(1, 4)) * x[0] * x[3],
              -1.7 * x[1] * x[2], 2 * s * v, 1.5 * w[0] * w[1], 4.0]
    (model.maximize if generator.random() < 0.5 else model.minimize)(quicksum(terms))
    model.add(x[0] + x[1] + x[2] <= 2, name="at most two")
    model.add(0.5 * x[3] - v >= -1.5, name="link")
    model.add(0.1 * x[0] + 0.3 * x[4] + 0.2 * x[1] <= 0.4, name="decimal")
    if generator.random() < 0.5:
        model.add(x[1] + x[2] == 1, name="one of two")
    return model


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("penalty", [None, 0.37, 25.0, "dict"])
def test_to_model_gives_the_energy_the_per_call_construction_gave(seed, penalty):
    model = mixed_model(seed)
    if penalty == "dict":
        penalty = {"link": 3.0, "decimal": 11.0}
    energy = model.to_model(penalty)
    weights, thresholds, offset = old_to_model_arrays(model, penalty)
    np.testing.assert_allclose(energy.dense_weights(), weights, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(energy.thresholds, thresholds, rtol=1e-12, atol=1e-12)
    assert energy.offset == pytest.approx(offset, rel=1e-12, abs=1e-12)
    assert np.array_equal(energy.dense_weights(), energy.dense_weights().T)  # symmetric by construction
    # the same again from the cached parts (a second penalty on the same parts)
    again = model.to_model(penalty)
    assert np.array_equal(again.dense_weights(), energy.dense_weights())
    assert np.array_equal(again.thresholds, energy.thresholds)


@pytest.mark.parametrize("constraints", [0, 1, 7])
def test_to_model_of_random_models_matches_the_per_call_construction(constraints):
    model = ConstrainedModel.random(30, rng=constraints, constraints=constraints)
    for penalty in (model.start_penalty(), 2 * model.start_penalty(), None):
        energy = model.to_model(penalty)
        weights, thresholds, offset = old_to_model_arrays(model, penalty)
        np.testing.assert_allclose(energy.dense_weights(), weights, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(energy.thresholds, thresholds, rtol=1e-12, atol=1e-12)
        assert energy.offset == pytest.approx(offset, rel=1e-12)


def test_a_pair_whose_objective_and_penalty_cancel_is_not_stored():
    model = ConstrainedModel()
    x = model.binary("x", 2)
    model.minimize(-2 * x[0] * x[1])  # S = −1 at (0, 1); the penalty x0 + x1 ≤ 1 with P = 1 adds +1
    model.add(x[0] + x[1] <= 1)
    energy = model.to_model(1.0)
    weights, thresholds, _ = old_to_model_arrays(model, 1.0)
    assert energy.weights[0, 1] == 0 and energy.weights.nnz == np.count_nonzero(weights)
    np.testing.assert_allclose(energy.thresholds, thresholds)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), rows=st.integers(0, 6))
def test_violations_are_the_lines_the_loop_over_expressions_gave(seed, rows):
    generator = np.random.default_rng(seed)
    model = ConstrainedModel.random(12, rng=seed, constraints=rows)
    # decimal rows of every sense besides the random knapsacks, in a shuffled term order
    x = model.variables["x"]
    for index in range(3):
        chosen = generator.permutation(12)[:5]
        left = quicksum(float(generator.integers(-20, 21)) / 10 * x[i] for i in chosen)
        sense = ["<=", ">=", "=="][index]
        right = float(generator.integers(-10, 11)) / 10
        relation = {"<=": left <= right, ">=": left >= right, "==": left == right}[sense]
        try:
            model.add(relation, name=f"decimal {index}")
        except ValueError:
            pass  # a row that can never hold is refused when added
    for _ in range(5):
        bits = generator.integers(0, 2, 12).astype(np.int8)
        assert model.violations(bits) == old_violations(model, bits)
        evaluation = model.evaluate(bits)
        assert evaluation.feasible == (not old_violations(model, bits))
        # a raw state with slacks after the declared binaries reads the declared ones
        assert model.state_violations(np.concatenate([bits, np.ones(4, dtype=np.int8)])) == \
            old_violations(model, bits)


@pytest.mark.parametrize("seed", range(8))
def test_solution_energy_is_the_energy_of_the_encoded_state(seed):
    model = mixed_model(seed)
    energy = model.to_model()
    for solution in np.random.default_rng(seed).integers(0, 2, (6, 5)):
        full = np.concatenate([solution, [1], [0], [0, 1]])  # x, s, v (integer in [-2, 3]), w
        assert model.solution_energy(full) == pytest.approx(float(energy.energy(model.encode(full))),
                                                            rel=1e-9, abs=1e-9)


def test_upper_triangle_with_values_shares_the_layout_and_drops_zeros():
    triangle = UpperTriangle(4, [0, 0, 1, 2], [1, 3, 2, 3], [1.0, 2.0, 3.0, 4.0])
    expected = triangle.to_csr().toarray()
    again = triangle.with_values([5.0, 6.0, 7.0, 8.0])
    assert again._layout is triangle._layout
    assert np.array_equal(again.to_csr().toarray(), expected + 4 * (expected != 0))
    zero = triangle.with_values([1.0, 0.0, 3.0, 4.0]).to_csr()
    assert zero.nnz == 6 and zero[0, 3] == 0 and zero.has_canonical_format
    model = EnergyModel(triangle.with_values([-1.0, 2.0, 3.0, -4.0]))
    assert np.array_equal(model.dense_weights(), model.dense_weights().T)


def test_conversions_of_a_checked_model_keep_every_energy():
    generator = np.random.default_rng(3)
    upper = np.triu(generator.normal(size=(6, 6)), 1)
    for weights in (upper + upper.T, sp.csr_array(upper + upper.T)):
        binary = EnergyModel(weights, generator.normal(size=6), 0.7, "binary")
        spin = binary.to_spin()
        back = spin.to_binary()
        states = generator.integers(0, 2, (10, 6))
        np.testing.assert_allclose(spin.energies(2 * states - 1), binary.energies(states), atol=1e-12)
        np.testing.assert_allclose(back.energies(states), binary.energies(states), atol=1e-12)
        assert spin.is_sparse == binary.is_sparse
        # the conversion's arrays are its own
        assert not np.shares_memory(np.asarray(spin.csr()[2]), np.asarray(binary.csr()[2]))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_objective_changes_of_flips_are_the_differences_of_the_objective(seed):
    model = mixed_model(seed % 1000)
    own = next(iter(model.variables["x"][2].linear))
    model.minimize(model.objective + Expression(None, {(own, own): 2.5}))  # a product b·b = b given as a pair
    generator = np.random.default_rng(seed)
    bits = generator.integers(0, 2, model.n_variables).astype(np.int8)
    indices = np.arange(model.n_variables)
    expected = []
    for index in indices:
        flipped = bits.copy()
        flipped[index] ^= 1
        expected.append(model.objective.value(flipped) - model.objective.value(bits))
    np.testing.assert_allclose(model._objective_changes(bits, indices), expected, atol=1e-9)
