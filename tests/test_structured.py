"""KroneckerWeights: every product computed from the factors equals the same product with the materialised W."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from hopopt import EnergyModel
from hopopt.structured import KroneckerWeights


def naive(terms, sparse=None):
    """offdiag(Σ A ⊗ B) (+ S), symmetrised the way the class documents it."""
    total = sum(np.kron(a, b) for a, b in terms)
    total = (total + total.T) / 2.0
    np.fill_diagonal(total, 0.0)
    return total if sparse is None else total + sparse.toarray()


@st.composite
def structured(draw):
    rows, cols = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**31))
    generator = np.random.default_rng(seed)
    terms = []
    for _ in range(draw(st.integers(1, 3))):
        first = generator.integers(-3, 4, (rows, rows)).astype(float)
        second = generator.integers(-3, 4, (cols, cols)).astype(float)
        if draw(st.booleans()):
            first, second = first + first.T, second + second.T
        terms.append((first, second))
    sparse = None
    if draw(st.booleans()) and rows * cols > 1:
        dense = np.triu(generator.integers(-2, 3, (rows * cols, rows * cols)).astype(float), 1)
        sparse = sp.csr_array(dense + dense.T)
    return terms, sparse


@settings(max_examples=60, deadline=None)
@given(structured())
def test_products_and_matrices_equal_the_materialised_weights(case):
    terms, sparse = case
    weights = KroneckerWeights(terms, sparse)
    expected = naive(terms, sparse)
    np.testing.assert_allclose(weights.to_dense(), expected, atol=1e-12)
    np.testing.assert_allclose(weights.to_sparse().toarray(), expected, atol=1e-12)
    vectors = np.random.default_rng(0).normal(size=(weights.n, 3))
    np.testing.assert_allclose(weights @ vectors, expected @ vectors, atol=1e-9)
    np.testing.assert_allclose(weights @ vectors[:, 0], expected @ vectors[:, 0], atol=1e-9)
    np.testing.assert_allclose(weights.sum(axis=1), expected.sum(axis=1), atol=1e-9)
    np.testing.assert_allclose((weights * 2.5).to_dense(), 2.5 * expected, atol=1e-12)
    np.testing.assert_allclose((weights / 4).to_dense(), expected / 4, atol=1e-12)
    assert np.all(weights.absolute_row_sums() >= np.abs(expected).sum(axis=1) - 1e-9)
    assert weights.max_abs() >= np.abs(expected).max() - 1e-9
    assert weights.stored_entries() >= np.count_nonzero(expected)


@settings(max_examples=40, deadline=None)
@given(structured(), st.sampled_from(["spin", "binary"]))
def test_energy_model_on_structured_weights_equals_the_plain_one(case, vartype):
    """Energies, fields, flip costs and both conversions agree with the same model on the materialised W."""
    terms, sparse = case
    weights = KroneckerWeights(terms, sparse)
    generator = np.random.default_rng(1)
    thresholds = generator.normal(size=weights.n)
    structured_model = EnergyModel(weights, thresholds, 1.5, vartype)
    plain = EnergyModel(weights.to_dense(), thresholds, 1.5, vartype)
    values = (-1, 1) if vartype == "spin" else (0, 1)
    states = generator.choice(values, size=(6, weights.n))
    np.testing.assert_allclose(structured_model.energies(states), plain.energies(states), atol=1e-9)
    np.testing.assert_allclose(structured_model.flip_costs(states[0]), plain.flip_costs(states[0]), atol=1e-9)
    for convert in ("to_spin", "to_binary"):
        ours, theirs = getattr(structured_model, convert)(), getattr(plain, convert)()
        other = ours.vartype.value
        converted = generator.choice((-1, 1) if other == "spin" else (0, 1), size=(6, weights.n))
        np.testing.assert_allclose(ours.energies(converted), theirs.energies(converted), atol=1e-9)
    q_ours, offset_ours = structured_model.to_qubo()
    q_theirs, offset_theirs = plain.to_qubo()
    np.testing.assert_allclose(sp.csr_array(q_ours).toarray(), np.asarray(q_theirs), atol=1e-9)
    assert offset_ours == pytest.approx(offset_theirs)


def test_materialising_a_huge_model_is_refused_with_the_estimate():
    big = KroneckerWeights([(np.ones((3000, 3000)), np.ones((3000, 3000)))])
    with pytest.raises(MemoryError, match="GiB"):
        big.to_sparse()
    with pytest.raises(MemoryError, match="GiB"):
        EnergyModel(big).csr()


@pytest.mark.parametrize("terms, message", [
    ([], "at least one"),
    ([(np.ones((2, 3)), np.ones((2, 2)))], "square"),
    ([(np.ones((2, 2)), np.ones((2, 2))), (np.ones((3, 3)), np.ones((2, 2)))], "every A must be"),
    ([(np.full((2, 2), np.nan), np.ones((2, 2)))], "finite"),
    ([(1.0, 2.0, 3.0)], "pair"),
])
def test_bad_factors_are_refused(terms, message):
    with pytest.raises(ValueError, match=message):
        KroneckerWeights(terms)
