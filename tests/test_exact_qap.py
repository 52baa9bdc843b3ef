"""Exact QAP branch and bound: against enumeration of all permutations, symmetry breaking, limits, refusals."""

from __future__ import annotations

import itertools
import math
import time
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import hopopt.solvers.exact_qap as exact_qap
from hopopt.solvers import _kernels_qap as kernels
from hopopt.solvers.exact_qap import qap_cost, qap_exact

SHARED = Path(__file__).resolve().parents[2] / "shared" / "instances"
QAPLIB_OPTIMA = {"chr12a": 9552, "nug12": 578, "scr12": 31410}


def read_qaplib_matrices(path):
    """(flow, distance) of a QAPLIB .dat file: hopopt.io's reader when present, else a tiny local parser."""
    try:
        from hopopt.io import read_qaplib
    except ImportError:
        numbers = Path(path).read_text().split()
        n = int(numbers[0])
        values = np.array(numbers[1:1 + 2 * n * n], dtype=float)
        return values[:n * n].reshape(n, n), values[n * n:].reshape(n, n)
    instance = read_qaplib(path)
    return np.array(instance.flow, dtype=float), np.array(instance.distance, dtype=float)


def all_costs(flow, distance):
    """Every permutation of 0..n-1 (rows) and its cost, by plain enumeration."""
    n = len(flow)
    perms = np.array(list(itertools.permutations(range(n))), dtype=np.int64).reshape(-1, n)
    flow, distance = np.asarray(flow, dtype=float), np.asarray(distance, dtype=float)
    costs = np.einsum("ij,pij->p", flow, distance[perms[:, :, None], perms[:, None, :]])
    return perms, costs


def naive_cost(flow, distance, perm):
    return sum(flow[i][j] * distance[perm[i]][perm[j]] for i in range(len(perm)) for j in range(len(perm)))


def tolerance(flow, distance):
    return 1e-9 * max(1.0, float(np.abs(flow).sum() * np.abs(distance).max()))


def assert_consistent(result, flow, distance):
    n = len(flow)
    assert result.solution.dtype == np.int64
    assert sorted(result.solution.tolist()) == list(range(n))
    assert result.objective == pytest.approx(naive_cost(flow, distance, result.solution), abs=tolerance(flow, distance))
    assert result.bound <= result.objective
    assert result.time_s >= 0
    assert result.method == "gilmore-lawler-bnb"


@st.composite
def instances(draw, max_n=7):
    """Random (flow, distance): integer or float, any signs, asymmetric or not, diagonals zero or not, and
    structured ones (flows by facility type, distances on a cycle, a directed cycle or two classes) whose
    automorphisms the solver uses to break symmetry."""
    n = draw(st.integers(1, max_n))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kind = draw(st.sampled_from(["integer", "float", "structured"]))
    if kind == "structured":
        types = rng.integers(0, 3, size=n)
        table = rng.integers(-2, 6, size=(3, 3)).astype(float)
        flow = table[types][:, types]
        index = np.arange(n)
        gap = (index[None, :] - index[:, None]) % n
        distance = draw(st.sampled_from([np.minimum(gap, n - gap), gap, 1 + 3 * (index[:, None] % 2 != index % 2)]))
        distance = np.array(distance, dtype=float)
    elif kind == "integer":
        low = draw(st.sampled_from([0, -5]))
        flow = rng.integers(low, 10, size=(n, n)).astype(float)
        distance = rng.integers(low, 10, size=(n, n)).astype(float)
    else:
        flow = rng.normal(size=(n, n))
        distance = rng.uniform(-1, 3, size=(n, n))
    symmetry = draw(st.sampled_from(["none", "flow", "distance", "both"]))
    if symmetry in ("flow", "both"):
        flow = flow + flow.T
    if symmetry in ("distance", "both"):
        distance = distance + distance.T
    if draw(st.booleans()):
        np.fill_diagonal(flow, 0.0)
        np.fill_diagonal(distance, 0.0)
    if draw(st.booleans()):
        flow, distance = distance, flow
    return flow, distance


def worst_start(flow, distance):
    """Patch the first incumbent to the worst permutation, so that the search itself must find the optimum."""
    perms, costs = all_costs(flow, distance)
    worst = perms[int(np.argmax(costs))]
    return mock.patch.object(exact_qap, "_initial_incumbent",
                             lambda f, d, initial, tol, deadline: (worst.copy(), qap_cost(f, d, worst)))


# ---------------------------------------------------------------------------------------------- correctness
@settings(max_examples=120, deadline=None)
@given(instances())
def test_matches_enumeration(instance):
    flow, distance = instance
    _, costs = all_costs(flow, distance)
    result = qap_exact(flow, distance)
    assert result.optimal and result.bound == result.objective
    assert result.objective == pytest.approx(costs.min(), abs=tolerance(flow, distance))
    assert_consistent(result, flow, distance)


@settings(max_examples=120, deadline=None)
@given(instances())
def test_search_finds_the_optimum_from_the_worst_incumbent(instance):
    flow, distance = instance
    _, costs = all_costs(flow, distance)
    with worst_start(flow, distance):
        result = qap_exact(flow, distance)
    assert result.optimal
    assert result.objective == pytest.approx(costs.min(), abs=tolerance(flow, distance))
    assert_consistent(result, flow, distance)


@settings(max_examples=30, deadline=None)
@given(instances(max_n=8), st.sampled_from([1, 5, 25]))
def test_interrupted_search_bounds_the_optimum(instance, budget):
    """Stopped after any number of nodes, min(incumbent, smallest open bound) never exceeds the optimum."""
    flow, distance = instance
    optimum = all_costs(flow, distance)[1].min()
    n = len(flow)
    scale = tolerance(flow, distance)
    integral = bool(np.all(flow == np.round(flow)) and np.all(distance == np.round(distance)))
    start = np.arange(n)
    search = exact_qap._Search(flow, distance, integral, scale, start, qap_cost(flow, distance, start))
    root = search.root_bound()
    assert root <= optimum + scale
    while not search.run(budget):
        assert min(search.best[0], search.open_bound()) <= optimum + scale
        assert search.best[0] == pytest.approx(qap_cost(flow, distance, search.best_perm), abs=scale)
    assert search.best[0] == pytest.approx(optimum, abs=scale)


def test_one_and_two_facilities():
    one = qap_exact([[3.0]], [[-2.0]])
    assert one.solution.tolist() == [0] and one.objective == -6.0 and one.optimal and one.bound == -6.0
    flow = [[1, 5], [0, 2]]
    distance = [[0, 1], [10, 3]]
    two = qap_exact(flow, distance)
    # identity: 1·0 + 5·1 + 0·10 + 2·3 = 11; swapped: 1·3 + 5·10 + 0·1 + 2·0 = 53
    assert two.solution.tolist() == [0, 1] and two.objective == 11.0 and two.optimal


def test_ties_every_permutation_optimal():
    n = 6
    flow = np.ones((n, n))
    distance = np.random.default_rng(3).integers(0, 9, size=(n, n)).astype(float)
    result = qap_exact(flow, distance)
    assert result.optimal and result.objective == distance.sum()
    assert_consistent(result, flow, distance)


def test_initial_is_used_and_improved():
    rng = np.random.default_rng(11)
    flow = rng.integers(0, 10, size=(7, 7)).astype(float)
    distance = rng.integers(0, 10, size=(7, 7)).astype(float)
    perms, costs = all_costs(flow, distance)
    best = perms[int(np.argmin(costs))]
    result = qap_exact(flow, distance, initial=list(best))
    assert result.optimal and result.objective == costs.min()
    assert result.info["initial_objective"] == costs.min()
    worst = perms[int(np.argmax(costs))]
    assert qap_exact(flow, distance, initial=worst).objective == costs.min()


def test_symmetry_groups_are_found():
    # the 3-cube: 48 automorphisms of its Hamming distances; a cycle of 7: 14 (rotations and reflections)
    cube = np.array([[bin(a ^ b).count("1") for b in range(8)] for a in range(8)], dtype=float)
    assert exact_qap._automorphisms(cube).shape == (47, 8)
    index = np.arange(7)
    gap = np.abs(index[:, None] - index[None, :])
    assert exact_qap._automorphisms(np.minimum(gap, 7 - gap).astype(float)).shape == (13, 7)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(0, 2**32 - 1), st.integers(1, 3))
def test_automorphisms_match_enumeration(n, seed, values):
    matrix = np.random.default_rng(seed).integers(0, values, size=(n, n)).astype(float)
    expected = {perm for perm in itertools.permutations(range(n))
                if perm != tuple(range(n)) and np.array_equal(matrix[np.ix_(perm, perm)], matrix)}
    found = {tuple(row) for row in exact_qap._automorphisms(matrix).tolist()}
    assert found == expected


# ---------------------------------------------------------------------------------------------- QAPLIB, limits
@pytest.mark.parametrize("name", sorted(QAPLIB_OPTIMA))
def test_qaplib_optimum_proven(name):
    path = SHARED / "qaplib" / f"{name}.dat"
    if not path.exists():
        pytest.skip(f"{path} not found")
    flow, distance = read_qaplib_matrices(path)
    result = qap_exact(flow, distance, time_limit=60)
    assert result.optimal and result.objective == QAPLIB_OPTIMA[name] and result.bound == QAPLIB_OPTIMA[name]
    assert_consistent(result, flow, distance)


def test_time_limit_returns_incumbent_and_bound():
    rng = np.random.default_rng(20)
    flow = rng.integers(0, 10, size=(20, 20)).astype(float)
    distance = rng.integers(0, 10, size=(20, 20)).astype(float)
    distance = distance + distance.T
    qap_exact(flow[:3, :3], distance[:3, :3])  # compile outside the timed call
    started = time.perf_counter()
    result = qap_exact(flow, distance, time_limit=0.05)
    wall = time.perf_counter() - started
    assert wall < 1.0 and result.time_s < 0.5
    assert not result.optimal
    assert result.message.startswith("time limit")
    assert result.bound <= result.objective and result.bound >= result.info["root_bound"]
    assert result.bound == math.ceil(result.bound)  # integral data: the bound is rounded up
    assert_consistent(result, flow, distance)


@settings(max_examples=120, deadline=None)
@given(instances())
def test_scalar_product_bound_is_below_every_cost(instance):
    # the bound returned when the branch and bound cannot start: valid for any signs, asymmetry and diagonals
    flow, distance = instance
    _, costs = all_costs(flow, distance)
    assert exact_qap._scalar_product_bound(flow, distance) <= costs.min() + tolerance(flow, distance)


def test_sorted_off_diagonal_lists_the_other_columns_in_order():
    matrix = np.random.default_rng(4).integers(0, 3, size=(1, 6, 6)).astype(float)
    for descending in (False, True):
        orders = exact_qap._sorted_off_diagonal(matrix, descending)
        for i in range(6):
            others = [j for j in range(6) if j != i]
            key = (lambda j: -matrix[0, i, j]) if descending else (lambda j: matrix[0, i, j])
            assert orders[0, i].tolist() == sorted(others, key=key)  # sorted() is stable, as the solver's order


def test_a_root_bound_that_cannot_fit_the_time_left_is_not_started():
    # `hopopt exact qap random:n=1000,seed=1 --time-limit 0.5` ran 4 s: the set-up and root bound (n² scalar
    # products of length n and an n × n assignment, no clock inside) ran after the deadline had passed
    rng = np.random.default_rng(7)
    n = 300  # set-up and root bound about 0.1 s
    flow = rng.integers(0, 10, size=(n, n)).astype(float)
    distance = rng.integers(1, 20, size=(n, n)).astype(float)
    qap_exact(flow[:3, :3], distance[:3, :3])  # compile outside the call
    with mock.patch.object(exact_qap, "_Search", side_effect=AssertionError("the search was set up")):
        result = qap_exact(flow, distance, time_limit=0.005)
    assert not result.optimal and result.message.startswith("time limit reached before the branch and bound")
    assert result.info["root_bound_method"] == "minimal scalar product" and result.info["nodes"] == 0
    assert result.bound == math.ceil(exact_qap._scalar_product_bound(flow, distance) - 1e-9)
    assert result.solution.tolist() == list(range(n))  # no descent either (about 2.7 s at n = 300)
    assert_consistent(result, flow, distance)
    start = np.random.default_rng(1).permutation(n)
    assert qap_exact(flow, distance, time_limit=0.005, initial=start).solution.tolist() == start.tolist()


def test_time_limit_on_qaplib_nug20():
    path = SHARED / "qaplib" / "nug20.dat"
    if not path.exists():
        pytest.skip(f"{path} not found")
    flow, distance = read_qaplib_matrices(path)
    result = qap_exact(flow, distance, time_limit=0.1)
    assert not result.optimal and result.time_s < 0.6
    assert result.bound <= 2570 <= result.objective
    assert_consistent(result, flow, distance)


# ---------------------------------------------------------------------------------------------- refusals
@pytest.mark.parametrize("flow, distance, words", [
    ([[1, 2, 3]], [[1]], ["flow", "square", "(1, 3)"]),
    ([[1]], [[1, 2], [3, 4]], ["same shape", "(1, 1)", "(2, 2)"]),
    ([[0, 1], [1, 0]], [1, 2], ["distance", "square", "(2,)"]),
    (np.zeros((0, 0)), np.zeros((0, 0)), ["flow", "n ≥ 1", "(0, 0)"]),
    ([[0, np.nan], [1, 0]], [[0, 1], [1, 0]], ["flow", "finite", "flow[0, 1] = nan"]),
    ([[0, 1], [1, 0]], [[0, 1], [np.inf, 0]], ["distance", "finite", "distance[1, 0] = inf"]),
    ([["a", "b"], ["c", "d"]], [[0, 1], [1, 0]], ["flow", "numbers", "'a'"]),
    ([[0, 1], [1]], [[0, 1], [1, 0]], ["flow", "numbers"]),
])
def test_bad_matrices(flow, distance, words):
    with pytest.raises(ValueError) as error:
        qap_exact(flow, distance)
    for word in words:
        assert word in str(error.value)


@pytest.mark.parametrize("initial, words", [
    ([0, 1], ["initial", "permutation of 0..2", "[0, 1]"]),
    ([0, 1, 1], ["initial", "each location once", "[0, 1, 1]"]),
    ([0, 1, 3], ["initial", "[0, 1, 3]"]),
    ([0.5, 1, 2], ["initial", "[0.5, 1, 2]"]),
    ("abc", ["initial", "'abc'"]),
])
def test_bad_initial(initial, words):
    with pytest.raises(ValueError) as error:
        qap_exact(np.ones((3, 3)), np.ones((3, 3)), initial=initial)
    for word in words:
        assert word in str(error.value)


@pytest.mark.parametrize("limit", [0, -1, float("nan"), float("inf"), "soon"])
def test_bad_time_limit(limit):
    with pytest.raises(ValueError, match="time_limit"):
        qap_exact(np.ones((3, 3)), np.ones((3, 3)), time_limit=limit)


def test_kernel_cost_matches_naive():
    rng = np.random.default_rng(4)
    flow, distance = rng.normal(size=(6, 6)), rng.normal(size=(6, 6))
    perm = rng.permutation(6)
    assert kernels.qap_cost(flow, distance, perm) == pytest.approx(naive_cost(flow, distance, perm))
    assert qap_cost(flow, distance, perm) == pytest.approx(naive_cost(flow, distance, perm))


def test_a_branch_and_bound_that_cannot_start_in_time_is_not_counted_in_memory():
    from hopopt.problems import QAP
    from hopopt.resources import estimate_exact
    from hopopt.solvers.exact_qap import root_bound_seconds

    problem = QAP.random(300, rng=1)
    assert root_bound_seconds(300) > 0.01
    untimed, short = estimate_exact(problem), estimate_exact(problem, 0.01)
    assert untimed.reason.startswith("branch and bound") and untimed.bytes > 50 * short.bytes
    assert "minimal scalar product" in short.reason
    # with time for the root bound the tables are counted
    assert estimate_exact(problem, 10 * root_bound_seconds(300)).bytes == untimed.bytes
