"""Exact TSP solvers: Held–Karp against enumeration of all tours, the MILP against Held–Karp, limits, refusals."""

from __future__ import annotations

import itertools
import math
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from hopopt.solvers import _kernels as kernels
from hopopt.solvers import warm_up
from hopopt.solvers.exact_tsp import HELD_KARP_MAX_N, held_karp, tsp_milp

SHARED = Path(__file__).resolve().parents[2] / "shared" / "instances"


def read_euclidean_tsplib(path):
    """Distances of a TSPLIB EUC_2D file: hopopt.io's reader when present, else a tiny local parser."""
    try:
        from hopopt.io import read_tsplib
    except ImportError:
        lines = Path(path).read_text().splitlines()
        start = next(index for index, line in enumerate(lines) if line.startswith("NODE_COORD_SECTION")) + 1
        rows = []
        for line in lines[start:]:
            fields = line.split()
            if len(fields) != 3:
                break
            rows.append([float(fields[1]), float(fields[2])])
        points = np.array(rows)
        return np.floor(np.sqrt(((points[:, None] - points[None]) ** 2).sum(-1)) + 0.5)
    return np.asarray(read_tsplib(path).distances, dtype=float)


def naive_length(distances, tour):
    return sum(distances[tour[k]][tour[(k + 1) % len(tour)]] for k in range(len(tour)))


def naive_optimum(distances):
    """Shortest closed tour by trying every order of cities 1..n-1 after city 0."""
    n = len(distances)
    return min(naive_length(distances, (0,) + order) for order in itertools.permutations(range(1, n)))


def random_distances(seed, n, *, integer, symmetric):
    rng = np.random.default_rng(seed)
    matrix = rng.integers(1, 100, size=(n, n)).astype(float) if integer else rng.uniform(0.1, 10.0, size=(n, n))
    if symmetric:
        matrix = np.triu(matrix, 1) + np.triu(matrix, 1).T
    np.fill_diagonal(matrix, 0.0)
    return matrix


def euclidean(seed, n):
    points = np.random.default_rng(seed).uniform(0, 1000, size=(n, 2))
    return np.floor(np.sqrt(((points[:, None] - points[None]) ** 2).sum(-1)) + 0.5)


def assert_tour(result, n):
    tour = np.asarray(result.solution)
    assert sorted(tour.tolist()) == list(range(n))
    assert n == 0 or tour[0] == 0


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 8), seed=st.integers(0, 2**32 - 1), integer=st.booleans(), symmetric=st.booleans())
def test_held_karp_equals_enumeration(n, seed, integer, symmetric):
    distances = random_distances(seed, n, integer=integer, symmetric=symmetric)
    result = held_karp(distances)
    assert_tour(result, n)
    expected = naive_optimum(distances) if n > 1 else 0.0
    assert result.optimal and result.bound == result.objective
    assert math.isclose(result.objective, expected, rel_tol=1e-12, abs_tol=1e-12)
    assert math.isclose(naive_length(distances, result.solution.tolist()), result.objective, rel_tol=1e-12,
                        abs_tol=1e-12) if n > 1 else result.objective == 0.0


@settings(max_examples=12, deadline=None)
@given(n=st.integers(3, 12), seed=st.integers(0, 2**32 - 1), integer=st.booleans())
def test_milp_equals_held_karp(n, seed, integer):
    distances = random_distances(seed, n, integer=integer, symmetric=True)
    exact = held_karp(distances)
    result = tsp_milp(distances)
    assert_tour(result, n)
    assert result.optimal
    assert math.isclose(result.objective, exact.objective, rel_tol=1e-9)
    assert math.isclose(naive_length(distances, result.solution.tolist()), result.objective, rel_tol=1e-12)
    assert result.bound <= result.objective + 1e-9 * result.objective


@pytest.mark.parametrize("n", [1, 2])
@pytest.mark.parametrize("solver", [held_karp, tsp_milp])
def test_tiny_instances_have_their_only_tour(n, solver):
    distances = np.array([[0.0, 3.0], [3.0, 0.0]])[:n, :n]
    result = solver(distances)
    assert result.solution.tolist() == list(range(n)) and result.optimal
    assert result.objective == (6.0 if n == 2 else 0.0)


def test_held_karp_uses_the_direction_of_asymmetric_distances():
    # going round 0 -> 1 -> 2 -> 0 costs 3; the other way round costs 30
    distances = [[0, 1, 10], [10, 0, 1], [1, 10, 0]]
    result = held_karp(distances)
    assert result.solution.tolist() == [0, 1, 2] and result.objective == 3.0


def test_held_karp_refuses_too_many_cities():
    with pytest.raises(ValueError, match=rf"n ≤ {HELD_KARP_MAX_N}.*got n = 19"):
        held_karp(np.ones((19, 19)))


@pytest.mark.parametrize("distances, pattern", [
    (np.ones((3, 4)), r"square matrix .*got shape \(3, 4\)"),
    (np.zeros((0, 0)), "at least one city"),
    ([[0, np.nan], [1, 0]], "finite"),
    ([["a", "b"], ["c", "d"]], "matrix of numbers"),
])
@pytest.mark.parametrize("solver", [held_karp, tsp_milp])
def test_bad_distances_are_refused(solver, distances, pattern):
    with pytest.raises(ValueError, match=pattern):
        solver(distances)


def test_milp_refuses_asymmetric_distances_and_bad_tours():
    with pytest.raises(ValueError, match=r"symmetric, got d\[0, 1\] = 1.0 but d\[1, 0\] = 2.0"):
        tsp_milp([[0, 1, 1], [2, 0, 1], [1, 1, 0]])
    with pytest.raises(ValueError, match=r"initial_tour must be a permutation of 0..2 .*got \[0, 1, 1\]"):
        tsp_milp(np.ones((3, 3)), initial_tour=[0, 1, 1])
    with pytest.raises(ValueError, match="time_limit must be a positive number"):
        tsp_milp(np.ones((3, 3)), time_limit=0)


def test_milp_with_an_initial_tour_returns_a_tour_no_longer_than_it():
    distances = euclidean(3, 30)
    initial = np.random.default_rng(0).permutation(30)
    result = tsp_milp(distances, initial_tour=initial)
    assert_tour(result, 30)
    assert result.optimal and result.objective <= naive_length(distances, initial.tolist())
    assert result.bound == result.objective


def test_milp_time_limit_returns_a_valid_tour_and_bound():
    distances = euclidean(11, 150)
    limit = 0.5
    started = time.perf_counter()
    result = tsp_milp(distances, time_limit=limit)
    wall = time.perf_counter() - started
    assert_tour(result, 150)
    assert wall < limit + 1.5 and result.time_s <= wall
    assert math.isclose(naive_length(distances, result.solution.tolist()), result.objective)
    assert result.bound <= result.objective
    if not result.optimal:
        assert "time limit" in result.message


def test_held_karp_time_limit_gives_heuristic_tour_and_valid_bound():
    distances = euclidean(5, 18)
    exact = held_karp(distances)
    limited = held_karp(distances, time_limit=1e-9)
    assert_tour(limited, 18)
    assert not limited.optimal and "time limit" in limited.message
    assert limited.bound <= exact.objective <= limited.objective
    assert math.isclose(naive_length(distances, limited.solution.tolist()), limited.objective)


def test_held_karp_adds_no_numba_signatures_after_warm_up():
    warm_up()
    before = len(kernels.held_karp_levels.signatures)
    for n in (5, 9):
        held_karp(euclidean(n, n))
        held_karp(euclidean(n, n).astype(np.float32))  # converted to float64 before the kernel sees it
        held_karp(euclidean(n, n).tolist())
    assert len(kernels.held_karp_levels.signatures) == before


@pytest.mark.skipif(not (SHARED / "tsplib" / "berlin52.tsp").exists(), reason="../shared/instances not present")
def test_milp_proves_berlin52():
    distances = read_euclidean_tsplib(SHARED / "tsplib" / "berlin52.tsp")
    result = tsp_milp(distances, time_limit=60)
    assert result.optimal and result.objective == 7542 and result.bound == 7542
    assert_tour(result, 52)
