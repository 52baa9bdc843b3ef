"""Max-cut: E(s) = −cut(decode(s)), edge merging, input errors, networkx round trips, exact optimum."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hopopt import Evaluation, MaxCut, Vartype
from hopopt.solvers import brute_force

SETTINGS = settings(deadline=None, max_examples=40)


@st.composite
def graphs(draw, max_n=9, max_edges=20):
    """A node count, an edge list (repeats in either orientation allowed, no loops) and weights of any sign."""
    n = draw(st.integers(2, max_n))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda e: e[0] != e[1])
    edges = draw(st.lists(pairs, max_size=max_edges))
    weights = draw(st.lists(st.one_of(st.integers(-5, 5).map(float),
                                      st.floats(-10, 10, allow_nan=False, allow_infinity=False)),
                            min_size=len(edges), max_size=len(edges)))
    return n, edges, weights


def _naive_cut(edges, weights, sides):
    """Cut weight summed over the edge list as given (repeats counted each time)."""
    return sum(w for (i, j), w in zip(edges, weights) if sides[i] != sides[j])


@given(graph=graphs(), seed=st.integers(0, 2**32 - 1))
@SETTINGS
def test_energy_is_minus_cut_for_random_states(graph, seed):
    n, edges, weights = graph
    problem = MaxCut(n, edges, weights)
    model = problem.to_model()
    assert model.vartype is Vartype.SPIN and model.n == n
    rng = np.random.default_rng(seed)
    scale = 1e-9 * max(1.0, sum(abs(w) for w in weights))
    for _ in range(5):
        spins = rng.choice([-1, 1], size=n)
        sides = problem.decode(spins)
        assert sides.tolist() == [1 if s > 0 else 0 for s in spins]
        cut = _naive_cut(edges, weights, sides)
        assert problem.cut_weight(sides) == pytest.approx(cut, abs=scale)
        assert model.energy(spins) == pytest.approx(-cut, abs=scale)
        assert problem.objective_from_energy(model.energy(spins)) == pytest.approx(cut, abs=scale)
        evaluation = problem.evaluate(sides)
        assert isinstance(evaluation, Evaluation)
        assert evaluation.feasible and evaluation.sense == "max"
        assert evaluation.objective == pytest.approx(cut, abs=scale)
        # a binary state decodes as itself, and the binary form of the model agrees
        assert np.array_equal(problem.decode(sides), sides)
        assert model.to_binary().energy(sides) == pytest.approx(-cut, abs=scale * 10)


def test_duplicate_edges_are_merged():
    problem = MaxCut(3, [(0, 1), (1, 0), (0, 1), (2, 1)], [1.0, 2.0, 3.0, -0.5])
    assert problem.edges.tolist() == [[0, 1], [1, 2]]
    assert problem.weights.tolist() == [6.0, -0.5]
    assert problem.total_weight == 5.5
    assert problem.cut_weight([0, 1, 1]) == 6.0
    assert problem.cut_weight([0, 1, 0]) == 5.5
    model = problem.to_model()
    assert model.dense_weights()[0, 1] == -3.0 and model.dense_weights()[1, 0] == -3.0
    assert model.energy([-1, 1, -1]) == -5.5


def test_unit_weights_by_default_and_docstring_example():
    square = MaxCut(4, [(0, 1), (1, 2), (2, 3), (3, 0)])
    assert square.weights.tolist() == [1.0] * 4
    assert square.evaluate([0, 1, 0, 1]).objective == 4.0
    assert square.to_model().energy([-1, 1, -1, 1]) == -4.0
    assert MaxCut(3, [(0, 1), (1, 2)], [2.0, -1.0]).evaluate([0, 1, 1]).objective == 2.0


def test_graph_without_edges():
    problem = MaxCut(3, [])
    assert problem.edges.shape == (0, 2)
    assert problem.to_model().energy([1, -1, 1]) == 0.0
    assert problem.cut_weight([0, 1, 0]) == 0.0


@pytest.mark.parametrize("args, words", [
    ((3, [(0, 0)]), "self-loop"),
    ((3, [(0, 1), (2, 2)]), "self-loop"),
    ((3, [(0, 3)]), "outside"),
    ((3, [(-1, 1)]), "outside"),
    ((3, [(0, 1)], [np.nan]), "finite"),
    ((3, [(0, 1)], [np.inf]), "finite"),
    ((3, [(0, 1)], [1.0, 2.0]), "weights"),
    ((0, []), "n"),
    ((-2, []), "n"),
    ((2.5, [(0, 1)]), "n"),
    ((True, []), "n"),
    ((3, [(0, 1, 2)]), "pairs"),
])
def test_invalid_instances_raise_value_error(args, words):
    with pytest.raises(ValueError, match=words):
        MaxCut(*args)


@pytest.mark.parametrize("state", [[1, 0, -1], [2, 1, 1], [1, 1], [0.5, 1, 1]])
def test_decode_rejects_bad_states(state):
    with pytest.raises(ValueError):
        MaxCut(3, [(0, 1)]).decode(state)


@pytest.mark.parametrize("sides", [[0, 1], [0, 2, 1], [-1, 1, 1]])
def test_cut_weight_rejects_bad_sides(sides):
    with pytest.raises(ValueError):
        MaxCut(3, [(0, 1)]).cut_weight(sides)


def test_from_networkx_uses_node_order_and_weights():
    graph = nx.Graph(name="toy")
    graph.add_nodes_from(["c", "a", "b", "lonely"])
    graph.add_edge("a", "b", weight=2.5)
    graph.add_edge("c", "a", weight=-1.0)
    graph.add_edge("b", "c")  # default weight 1
    problem = MaxCut.from_networkx(graph)
    assert problem.n == 4 and problem.labels == ["c", "a", "b", "lonely"]
    assert problem.name == "toy"
    rng = np.random.default_rng(0)
    for _ in range(10):
        sides = rng.integers(0, 2, size=4)
        side_one = {label for label, side in zip(problem.labels, sides) if side}
        expected = nx.cut_size(graph, side_one, weight="weight") if side_one else 0.0
        assert problem.cut_weight(sides) == pytest.approx(expected)
        assert problem.to_model().energy(2 * sides - 1) == pytest.approx(-expected)


def test_from_networkx_errors():
    with pytest.raises(ValueError, match="directed"):
        MaxCut.from_networkx(nx.DiGraph([(0, 1)]))
    with pytest.raises(ValueError, match="n = 0"):
        MaxCut.from_networkx(nx.Graph())
    with pytest.raises(ValueError, match="self-loop"):
        MaxCut.from_networkx(nx.Graph([(0, 0)]))


def test_from_networkx_multigraph_merges_parallel_edges():
    graph = nx.MultiGraph()
    graph.add_edge(0, 1, weight=1.0)
    graph.add_edge(0, 1, weight=2.0)
    problem = MaxCut.from_networkx(graph)
    assert problem.weights.tolist() == [3.0]


@given(graph=graphs())
@settings(deadline=None, max_examples=20)
def test_to_networkx_round_trip(graph):
    n, edges, weights = graph
    problem = MaxCut(n, edges, weights)
    again = MaxCut.from_networkx(problem.to_networkx())
    assert again.n == problem.n
    assert again.edges.tolist() == problem.edges.tolist()
    np.testing.assert_allclose(again.weights, problem.weights)


def test_random_instances_reproducible():
    a = MaxCut.random(12, 0.4, rng=5, weights="signed")
    b = MaxCut.random(12, 0.4, rng=5, weights="signed")
    assert a.edges.tolist() == b.edges.tolist() and a.weights.tolist() == b.weights.tolist()
    assert set(a.weights.tolist()) <= {-1.0, 1.0}
    assert set(MaxCut.random(12, 0.4, rng=5).weights.tolist()) <= {1.0}
    assert len(MaxCut.random(12, 1.0, rng=0).edges) == 66
    assert len(MaxCut.random(12, 0.0, rng=0).edges) == 0
    with pytest.raises(ValueError):
        MaxCut.random(5, 1.5)
    with pytest.raises(ValueError):
        MaxCut.random(5, 0.5, weights="gaussian")


@given(graph=graphs(max_n=10, max_edges=25))
@settings(deadline=None, max_examples=25)
def test_brute_force_max_cut_equals_naive_partition_enumeration(graph, warm):
    n, edges, weights = graph
    problem = MaxCut(n, edges, weights)
    best = max(_naive_cut(edges, weights, sides) for sides in itertools.product((0, 1), repeat=n))
    result = brute_force(problem.to_model())
    scale = 1e-9 * max(1.0, sum(abs(w) for w in weights))
    assert -result.best_energy == pytest.approx(best, abs=scale)
    assert problem.evaluate(problem.decode(result.best_state)).objective == pytest.approx(best, abs=scale)
    # every partition and its mirror image cut the same edges
    assert result.ground_count % 2 == 0


def test_known_optima(warm):
    # odd cycle C5: best cut 4; complete graph K4: best cut 4; K5: 6
    assert -brute_force(MaxCut.from_networkx(nx.cycle_graph(5)).to_model()).best_energy == 4
    assert -brute_force(MaxCut.from_networkx(nx.complete_graph(4)).to_model()).best_energy == 4
    assert -brute_force(MaxCut.from_networkx(nx.complete_graph(5)).to_model()).best_energy == 6
    # all-negative weights: the best cut is empty
    negative = MaxCut(4, [(0, 1), (1, 2), (2, 3)], [-1.0, -2.0, -3.0])
    assert brute_force(negative.to_model()).best_energy == pytest.approx(0.0)
