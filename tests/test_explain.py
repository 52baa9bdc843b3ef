"""explain(): the named terms add up to the model energy exactly, and violations are empty iff feasible."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hopopt.problems import TSP, GraphColoring, MaxCut
from hopopt.problems.explain import Explanation, explain

TOLERANCE = 1e-9


def _close(a, b):
    return abs(a - b) <= TOLERANCE * max(1.0, abs(b))


# ---------------------------------------------------------------------------------------------- max-cut
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(1, 12), signed=st.booleans(), spin=st.booleans())
def test_maxcut_terms_sum_to_energy(seed, n, signed, spin):
    problem = MaxCut.random(n, 0.5, rng=seed, weights="signed" if signed else "unit")
    model = problem.to_model() if spin else problem.to_model().to_binary()
    rng = np.random.default_rng(seed)
    state = rng.choice([-1, 1] if spin else [0, 1], size=n)
    result = explain(problem, state, model)
    assert set(result.terms) == {"cut"}
    assert abs(sum(result.terms.values()) - model.energy(state)) <= TOLERANCE
    assert result.total == sum(result.terms.values())
    assert result.terms["cut"] == -problem.cut_weight(problem.decode(state))
    assert result.violations == []


# ---------------------------------------------------------------------------------------------- TSP
def _tsp_feasible(problem, binary):
    matrix = binary.reshape(problem.n, problem.n)
    return bool(np.all(matrix.sum(axis=0) == 1) and np.all(matrix.sum(axis=1) == 1))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(3, 6), density=st.floats(0.0, 1.0),
       permutation=st.booleans(), spin=st.booleans(), scale=st.sampled_from([1.0, 0.5, 3.0]))
def test_tsp_terms_sum_to_energy(seed, n, density, permutation, spin, scale):
    problem = TSP.random(n, rng=seed)
    model = problem.to_model(distance_scale=scale)
    if spin:
        model = model.to_spin()
    rng = np.random.default_rng(seed)
    if permutation:
        binary = problem.encode(rng.permutation(n))
    else:
        binary = (rng.random(n * n) < density).astype(np.int64)
    state = 2 * binary - 1 if spin else binary
    result = explain(problem, state, model)
    assert list(result.terms) == ["tour length (D·length)", "each city once (A·Σ(rows−1)²)",
                                  "each position once (A·Σ(cols−1)²)"]
    assert _close(sum(result.terms.values()), model.energy(state))
    assert (result.violations == []) == _tsp_feasible(problem, binary)
    if _tsp_feasible(problem, binary):
        tour = problem.decode(binary)
        assert _close(result.terms["tour length (D·length)"], scale * problem.evaluate(tour).objective)
        assert result.terms["each city once (A·Σ(rows−1)²)"] == 0.0


def test_tsp_float_distances_seeded():
    rng = np.random.default_rng(7)
    for _ in range(30):
        n = int(rng.integers(3, 7))
        points = rng.random((n, 2))
        distances = np.sqrt(((points[:, None] - points[None]) ** 2).sum(axis=2))
        problem = TSP(distances)
        model = problem.to_model(penalty=float(rng.uniform(0.1, 5.0)), distance_scale=float(rng.uniform(0.1, 3)))
        state = rng.integers(0, 2, size=n * n)
        assert _close(explain(problem, state, model).total, model.energy(state))


def test_tsp_violation_messages():
    problem = TSP.random(6, rng=0)
    matrix = np.zeros((6, 6), dtype=int)
    matrix[np.arange(6), np.arange(6)] = 1  # identity tour
    matrix[3, 5] = 1  # city 3 also at position 5 (which now has cities 3 and 5)
    matrix[3, 1] = 1  # and at position 1
    matrix[4, 4] = 0  # position 4 empty, city 4 nowhere
    result = explain(problem, matrix.reshape(-1))
    assert "city 3 in 3 positions (1, 3, 5)" in result.violations
    assert "city 4 in no position" in result.violations
    assert "position 4 has no city" in result.violations
    assert "position 1 has 2 cities (1, 3)" in result.violations
    assert "position 5 has 2 cities (3, 5)" in result.violations
    assert len(result.violations) == 5


# ---------------------------------------------------------------------------------------------- coloring
def _random_coloring(seed, n, k, p=0.5):
    rng = np.random.default_rng(seed)
    pairs = [(u, v) for u in range(n) for v in range(u + 1, n) if rng.random() < p]
    return GraphColoring(n, pairs, colors=k)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(1, 8), k=st.integers(1, 4), one_hot=st.booleans(),
       spin=st.booleans(), penalty=st.sampled_from([None, 0.5, 2.0, 7.25]))
def test_coloring_terms_sum_to_energy(seed, n, k, one_hot, spin, penalty):
    problem = _random_coloring(seed, n, k)
    model = problem.to_model(penalty=penalty)
    if spin:
        model = model.to_spin()
    rng = np.random.default_rng(seed)
    if one_hot:
        binary = problem.one_hot(rng.integers(0, k, size=n))
    else:
        binary = rng.integers(0, 2, size=n * k)
    binary = np.asarray(binary).reshape(-1)
    state = 2 * binary - 1 if spin else binary
    result = explain(problem, state, model)
    assert _close(sum(result.terms.values()), model.energy(state))
    matrix = binary.reshape(n, k)
    feasible = bool(np.all(matrix.sum(axis=1) == 1)) and problem.conflicts(np.argmax(matrix, axis=1)) == 0
    assert (result.violations == []) == feasible
    if np.all(matrix.sum(axis=1) == 1):
        assert result.terms["conflicting edges (B·Σ shared colours)"] == problem.conflicts(np.argmax(matrix, axis=1))


def test_coloring_violation_messages():
    problem = GraphColoring(10, [(4, 9), (0, 1)], colors=5)
    matrix = np.zeros((10, 5), dtype=int)
    matrix[:, 0] = 1
    matrix[0, 0], matrix[0, 3] = 0, 1  # edge (0, 1) proper
    matrix[4, 0], matrix[4, 2] = 0, 1
    matrix[9, 0], matrix[9, 2] = 0, 1  # edge (4, 9): both colour 2
    matrix[3, 0] = 0  # node 3 uncoloured
    matrix[5, 1] = matrix[5, 4] = 1  # node 5: colours 0, 1 and 4
    matrix[6, 0], matrix[6, 1], matrix[6, 4] = 0, 1, 1  # node 6: colours 1 and 4
    result = explain(problem, matrix.reshape(-1))
    assert result.violations == ["node 3 has no colour", "node 5 has colours 0, 1 and 4",
                                 "node 6 has colours 1 and 4", "edge (4, 9) has both ends colour 2"]
    model = problem.to_model()
    assert result.terms["one colour per node (A·Σ(colours−1)²)"] == model.metadata["penalty"] * (1 + 4 + 1)
    assert result.terms["conflicting edges (B·Σ shared colours)"] == 1.0
    assert _close(result.total, model.energy(matrix.reshape(-1)))


# ---------------------------------------------------------------------------------------------- the object
def test_explanation_is_frozen_and_prints_a_table():
    problem = TSP.random(4, rng=1)
    result = explain(problem, np.zeros(16, dtype=int))
    assert isinstance(result, Explanation)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.total = 0.0
    text = str(result)
    for name in result.terms:
        assert name in text
    assert "total" in text and "position 0 has no city" in text
    feasible = explain(problem, problem.encode([0, 1, 2, 3]))
    assert "feasible" in str(feasible)
    assert str(explain(MaxCut(2, [(0, 1)]), [1, -1])).splitlines()[2].startswith("cut")


def test_bad_inputs():
    problem = MaxCut(3, [(0, 1)])
    with pytest.raises(ValueError):
        explain(problem, [1, -1])
    with pytest.raises(ValueError):
        explain(problem, [0, 1, 0])  # spin model needs ±1
    with pytest.raises(TypeError):
        explain(object(), [1], model=problem.to_model())


def test_problem_explain_method_is_the_function():
    """problem.explain(state) is explain(problem, state)."""
    import numpy as np

    from hopopt.problems import TSP
    from hopopt.problems.explain import explain as explain_function

    problem = TSP.random(4, rng=3)
    state = problem.encode([0, 2, 1, 3])
    assert problem.explain(state).terms == explain_function(problem, state).terms
    assert problem.explain(np.zeros(16, dtype=int)).violations
