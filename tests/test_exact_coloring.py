"""Exact coloring: chromatic number against enumeration of all colourings, DIMACS values, limits, refusals."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from hopopt.solvers import _kernels as kernels
from hopopt.solvers import warm_up
from hopopt.solvers.exact_coloring import exact_coloring

SHARED = Path(__file__).resolve().parents[2] / "shared" / "instances"


def read_col(path):
    """(n, edges) of a DIMACS .col file: hopopt.io's reader when present, else a tiny local parser."""
    try:
        from hopopt.io import read_dimacs
    except ImportError:
        n, edges = 0, []
        for line in Path(path).read_text().splitlines():
            fields = line.split()
            if fields and fields[0] == "p":
                n = int(fields[2])
            elif fields and fields[0] == "e":
                edges.append((int(fields[1]) - 1, int(fields[2]) - 1))
        return n, np.array(edges, dtype=np.int64).reshape(-1, 2)
    graph = read_dimacs(path)
    return graph.n, graph.edges


def naive_chromatic_number(n, edges):
    """Smallest k such that some assignment of k colours to the n nodes leaves no edge monochromatic."""
    if n == 0:
        return 0
    for k in range(1, n + 1):
        for colours in itertools.product(range(k), repeat=n):
            if all(colours[u] != colours[v] for u, v in edges):
                return k
    raise AssertionError("n colours always suffice")


def assert_proper(result, n, edges):
    colours = np.asarray(result.solution)
    assert colours.shape == (n,)
    assert all(colours[u] != colours[v] for u, v in edges)
    if n:
        assert colours.min() >= 0 and len(set(colours.tolist())) == result.objective == colours.max() + 1
    assert result.bound <= result.objective


@st.composite
def graphs(draw, max_n=8):
    n = draw(st.integers(0, max_n))
    pairs = list(itertools.combinations(range(n), 2))
    chosen = draw(st.lists(st.sampled_from(pairs), max_size=len(pairs))) if pairs else []
    # repeats and reversed pairs, as DIMACS files have them
    edges = [(v, u) if draw(st.booleans()) else (u, v) for u, v in chosen]
    return n, edges


@settings(max_examples=60, deadline=None)
@given(graphs())
def test_chromatic_number_equals_enumeration(graph):
    n, edges = graph
    result = exact_coloring(n, edges)
    assert_proper(result, n, edges)
    assert result.optimal and result.bound == result.objective
    assert result.objective == naive_chromatic_number(n, edges)


@pytest.mark.parametrize("n, edges, chi", [
    (0, [], 0),
    (1, [], 1),
    (4, [], 1),
    (5, [(0, 1), (1, 2), (2, 3), (3, 4), (4, 0)], 3),             # odd cycle
    (7, [(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 6), (6, 3)], 3),  # triangle + square, disconnected
    (6, [(0, 1), (1, 0), (0, 1), (2, 3)], 2),                      # repeated edges, isolated nodes 4 and 5
])
def test_small_known_graphs(n, edges, chi):
    result = exact_coloring(n, np.array(edges, dtype=np.int64).reshape(-1, 2))
    assert_proper(result, n, edges)
    assert result.objective == chi and result.optimal


def test_odd_wheel_needs_a_search_beyond_the_clique():
    # wheel with a 7-cycle rim: clique 3 but χ = 4, so a 3-coloring must be proven impossible
    rim = [(k, (k + 1) % 7) for k in range(7)]
    edges = rim + [(7, k) for k in range(7)]
    result = exact_coloring(8, edges)
    assert result.objective == 4 and result.optimal and result.bound == 4
    assert_proper(result, 8, edges)


@pytest.mark.parametrize("n, edges, pattern", [
    (3, [(0, 1), (2, 2)], r"self-loops.*got edge \(2, 2\)"),
    (3, [(0, 3)], r"nodes 0..2, got node id 3"),
    (3, [(0, -1)], r"nodes 0..2, got node id -1"),
    (-1, [], "non-negative integer.*got -1"),
    (2.5, [], "non-negative integer.*got 2.5"),
    (3, [(0, 1, 2)], r"shape \(m, 2\), got shape \(1, 3\)"),
    (3, [(0, 1.5)], "integer node ids, got 1.5"),
    (3, [("a", "b")], "integer node ids"),
])
def test_bad_graphs_are_refused(n, edges, pattern):
    with pytest.raises(ValueError, match=pattern):
        exact_coloring(n, edges)


def test_bad_limits_are_refused():
    with pytest.raises(ValueError, match="upper_bound must be a positive integer.*got 0"):
        exact_coloring(2, [(0, 1)], upper_bound=0)
    with pytest.raises(ValueError, match="time_limit must be a positive number"):
        exact_coloring(2, [(0, 1)], time_limit=-1)


def test_coloring_search_adds_no_numba_signatures_after_warm_up():
    warm_up()
    before = len(kernels.coloring_search.signatures)
    rim = [(k, (k + 1) % 7) for k in range(7)]
    exact_coloring(8, rim + [(7, k) for k in range(7)])
    assert len(kernels.coloring_search.signatures) == before


needs_dimacs = pytest.mark.skipif(not (SHARED / "dimacs").is_dir(), reason="../shared/instances not present")


@needs_dimacs
@pytest.mark.parametrize("name, chi", [("myciel3", 4), ("myciel4", 5), ("queen5_5", 5)])
def test_dimacs_chromatic_numbers(name, chi):
    path = SHARED / "dimacs" / f"{name}.col"
    if not path.exists():
        pytest.skip(f"{path} not present")
    n, edges = read_col(path)
    result = exact_coloring(n, edges, time_limit=60)
    assert result.optimal and result.objective == chi and result.bound == chi
    assert_proper(result, n, edges.tolist())


@needs_dimacs
def test_upper_bound_hint_right_and_too_small():
    path = SHARED / "dimacs" / "queen6_6.col"  # greedy colourings need 8 or 9 colours, χ = 7
    if not path.exists():
        pytest.skip(f"{path} not present")
    n, edges = read_col(path)
    for hint in (7, 6, 5):
        result = exact_coloring(n, edges, upper_bound=hint)
        assert result.optimal and result.objective == 7
        assert_proper(result, n, edges.tolist())


@needs_dimacs
def test_time_limit_returns_a_proper_colouring_and_a_valid_bound():
    path = SHARED / "dimacs" / "le450_15a.col"  # χ = 15, not proven by the search in seconds
    if not path.exists():
        pytest.skip(f"{path} not present")
    n, edges = read_col(path)
    limit = 0.5
    started = time.perf_counter()
    result = exact_coloring(n, edges, time_limit=limit)
    wall = time.perf_counter() - started
    assert wall < limit + 1.5
    assert_proper(result, n, edges.tolist())
    assert result.bound <= 15 <= result.objective
    if not result.optimal:
        assert "time limit" in result.message
