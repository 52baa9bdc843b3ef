"""Graph coloring: energy = conflicts on one-hot states, the penalty rule by brute force, decode/repair always
proper, evaluation lines, fewest_colors against a brute-force chromatic number, input errors."""

from __future__ import annotations

import itertools
import pathlib

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from hopopt import Evaluation, Vartype
from hopopt.io import EdgeList, read_dimacs
from hopopt.problems.coloring import GraphColoring, coloring_beta_range
from hopopt.workflows.coloring import dsatur_coloring, fewest_colors
from hopopt.solvers import anneal

SETTINGS = settings(deadline=None, max_examples=40)
SHARED = pathlib.Path(__file__).resolve().parents[2] / "shared" / "instances" / "dimacs"


@st.composite
def graphs(draw, min_n=1, max_n=8, max_edges=20):
    """A node count and an edge list (repeats in either orientation allowed, no loops)."""
    n = draw(st.integers(min_n, max_n))
    if n == 1:
        return n, []
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda e: e[0] != e[1])
    return n, draw(st.lists(pairs, max_size=max_edges))


def naive_energy(n, edges, k, penalty, state):
    """A Σ_v (Σ_c x_vc − 1)² + Σ_{distinct edges} Σ_c x_uc x_vc, by loops over the definition."""
    x = np.asarray(state).reshape(n, k)
    total = sum(penalty * (int(x[v].sum()) - 1) ** 2 for v in range(n))
    for u, v in {(min(a, b), max(a, b)) for a, b in edges}:
        total += sum(int(x[u, c]) * int(x[v, c]) for c in range(k))
    return float(total)


def chromatic_number(n, edges):
    """Smallest k with a proper coloring, by trying every coloring (node 0 fixed to colour 0)."""
    edges = np.array(sorted({(min(a, b), max(a, b)) for a, b in edges}), dtype=np.int64).reshape(-1, 2)
    if len(edges) == 0:
        return 1
    for k in range(2, n + 1):
        rest = np.array(list(itertools.product(range(k), repeat=n - 1)), dtype=np.int64).reshape(-1, n - 1)
        colourings = np.concatenate([np.zeros((len(rest), 1), dtype=np.int64), rest], axis=1)
        if np.any(np.all(colourings[:, edges[:, 0]] != colourings[:, edges[:, 1]], axis=1)):
            return k
    raise AssertionError("unreachable: n colours always suffice")


def all_binary_states(width):
    return np.array(list(itertools.product((0, 1), repeat=width)), dtype=np.int8)


def is_one_hot(problem, state):
    return bool(np.all(problem.assignment(state).sum(axis=1) == 1))


# ---------------------------------------------------------------------------------------------- the encoding
@given(graph=graphs(), k=st.integers(1, 4), seed=st.integers(0, 2**32 - 1))
@SETTINGS
def test_one_hot_energy_is_the_number_of_conflicting_edges(graph, k, seed):
    n, edges = graph
    problem = GraphColoring(n, edges, k)
    model = problem.to_model()
    assert model.vartype is Vartype.BINARY and model.n == n * k and model.is_sparse
    rng = np.random.default_rng(seed)
    distinct = {(min(a, b), max(a, b)) for a, b in edges}
    for _ in range(5):
        coloring = rng.integers(0, k, n)
        naive_conflicts = sum(coloring[u] == coloring[v] for u, v in distinct)
        state = problem.one_hot(coloring)
        assert problem.conflicts(coloring) == naive_conflicts
        assert model.energy(state) == pytest.approx(naive_conflicts, abs=1e-9)
        # the spin form of the model gives every state the same energy
        assert model.to_spin().energy(problem.one_hot(coloring, "spin")) == pytest.approx(naive_conflicts, abs=1e-9)
        assert problem.decode(state, repair=False).tolist() == coloring.tolist()


@given(graph=graphs(max_n=6), k=st.integers(1, 3), seed=st.integers(0, 2**32 - 1),
       penalty=st.sampled_from([None, 0.5, 1.0, 3.0]))
@SETTINGS
def test_energy_matches_the_definition_on_any_binary_state(graph, k, seed, penalty):
    n, edges = graph
    problem = GraphColoring(n, edges, k)
    model = problem.to_model(penalty)
    used = problem.default_penalty() if penalty is None else penalty
    assert model.metadata["penalty"] == used
    rng = np.random.default_rng(seed)
    for state in rng.integers(0, 2, size=(6, n * k)):
        assert model.energy(state) == pytest.approx(naive_energy(n, edges, k, used, state), abs=1e-9)


def test_model_metadata_and_sparse_size():
    problem = GraphColoring(4, [(0, 1), (1, 2), (2, 3), (1, 0)], colors=3, name="path4")
    model = problem.to_model()
    assert model.metadata["problem"] == "coloring"
    assert model.metadata["instance"] == "path4"
    assert np.array_equal(model.metadata["onehot_groups"], np.arange(12).reshape(4, 3))
    assert "A = B·(⌊Δ/k⌋ + 1)" in model.metadata["penalty_rule"]
    # n·k(k−1) within-node entries plus 2·m·k conflict entries, each stored once
    assert model.weights.nnz == 4 * 3 * 2 + 2 * 3 * 3
    assert model.offset == pytest.approx(4 * problem.default_penalty())


def test_large_graph_stays_sparse():
    graph = nx.gnm_random_graph(2000, 20000, seed=1)
    problem = GraphColoring.from_networkx(graph, colors=20)
    model = problem.to_model()
    assert sp.issparse(model.weights)
    assert model.weights.nnz == 2000 * 20 * 19 + 2 * 20000 * 20


@pytest.mark.parametrize("seed", range(12))
def test_penalty_rule_every_ground_state_and_local_minimum_is_one_hot(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 6))
    k = int(rng.integers(1, 16 // n + 1))
    k = min(k, 4)
    graph = nx.gnp_random_graph(n, float(rng.choice([0.4, 0.7, 1.0])), seed=int(rng.integers(2**31)))
    problem = GraphColoring.from_networkx(graph, colors=k)
    model = problem.to_model()
    states = all_binary_states(n * k)
    energies = model.energies(states)
    lowest = energies.min()
    one_hot = states.reshape(len(states), n, k).sum(axis=2) == 1
    one_hot = one_hot.all(axis=1)
    assert np.all(one_hot[np.isclose(energies, lowest)])
    # the lowest energy is the fewest conflicts over all k-colourings
    colourings = itertools.product(range(k), repeat=n)
    assert lowest == pytest.approx(min(problem.conflicts(np.array(c)) for c in colourings))
    # stronger: no single flip lowers E only on one-hot states (every single-flip local minimum is one-hot)
    costs = np.array([model.flip_costs(state) for state in states])
    local_minima = np.all(costs >= -1e-9, axis=1)
    assert np.all(one_hot[local_minima])


def test_penalty_rule_is_tight_on_a_triangle_with_one_colour():
    triangle = GraphColoring(3, [(0, 1), (1, 2), (0, 2)], colors=1)
    assert triangle.default_penalty() == 3.0  # ⌊Δ/k⌋ + 1 = 2 + 1
    at_bound = triangle.to_model(penalty=2.0)
    assert "≤" in at_bound.metadata["penalty_rule"]
    # A = B·⌊Δ/k⌋: leaving a node uncoloured costs as much as the all-conflict one-hot state
    assert at_bound.energy([1, 1, 1]) == at_bound.energy([0, 1, 1]) == 3.0
    rule = triangle.to_model()
    assert rule.energy([1, 1, 1]) == 3.0 < rule.energy([0, 1, 1])


def test_any_positive_penalty_gives_one_hot_ground_states_when_a_proper_colouring_exists():
    square = GraphColoring(4, [(0, 1), (1, 2), (2, 3), (3, 0)], colors=2)
    model = square.to_model(penalty=0.25)
    states = all_binary_states(8)
    energies = model.energies(states)
    assert energies.min() == 0.0
    for state in states[energies == 0.0]:
        assert is_one_hot(square, state) and square.conflicts(square.decode(state, repair=False)) == 0


# ---------------------------------------------------------------------------------------------- decode / repair
@given(graph=graphs(max_n=9, max_edges=30), k=st.integers(1, 4), data=st.data())
@SETTINGS
def test_decode_and_repair_always_give_a_proper_colouring(graph, k, data):
    n, edges = graph
    problem = GraphColoring(n, edges, k)
    state = np.array(data.draw(st.lists(st.integers(0, 1), min_size=n * k, max_size=n * k)), dtype=np.int8)
    coloring = problem.decode(state)
    evaluation = problem.evaluate(coloring)
    assert evaluation.feasible, evaluation.violations
    assert coloring.min() >= 0
    # the spin form of the same state decodes the same way
    assert problem.decode(2 * state - 1).tolist() == coloring.tolist()
    # without adding colours the result stays in 0..k-1 and never has more conflicts than the raw choice
    limited = problem.decode(state, add_colors=False)
    assert limited.max() < k
    assert problem.conflicts(limited) <= problem.conflicts(problem.decode(state, repair=False))


@given(graph=graphs(max_n=9, max_edges=30), k=st.integers(1, 4), seed=st.integers(0, 2**32 - 1))
@SETTINGS
def test_repair_of_any_colouring_is_proper_and_keeps_proper_ones(graph, k, seed):
    n, edges = graph
    problem = GraphColoring(n, edges, k)
    rng = np.random.default_rng(seed)
    coloring = rng.integers(-1, k + 2, n)  # some uncoloured nodes, some colours beyond k
    before = coloring.copy()
    repaired = problem.repair(coloring)
    assert np.array_equal(coloring, before)  # the input is not changed
    assert problem.evaluate(repaired).feasible
    proper = dsatur_coloring(problem)
    assert np.array_equal(problem.repair(proper), proper)


def test_decode_prefers_the_least_conflicting_of_a_nodes_colours():
    path = GraphColoring(3, [(0, 1), (1, 2)], colors=3)
    # node 0 colour 0, node 1 colours 0 and 1 (1 is free), node 2 no colour (0 is least conflicting)
    state = [1, 0, 0, 1, 1, 0, 0, 0, 0]
    assert path.decode(state, repair=False).tolist() == [0, 1, 0]


def test_repair_adds_a_colour_only_when_needed():
    triangle = GraphColoring(3, [(0, 1), (1, 2), (0, 2)], colors=2)
    repaired = triangle.repair([0, 0, 0])
    assert sorted(repaired.tolist()) == [0, 1, 2]
    assert triangle.conflicts(triangle.repair([0, 0, 0], add_colors=False)) == 1


# ---------------------------------------------------------------------------------------------- evaluate
def test_evaluate_counts_colours_and_lists_violations():
    path = GraphColoring(4, [(0, 1), (1, 2), (2, 3)], colors=3)
    good = path.evaluate([0, 1, 0, 2])
    assert isinstance(good, Evaluation)
    assert (good.objective, good.feasible, good.violations, good.sense) == (3.0, True, (), "min")
    bad = path.evaluate([2, 2, -1, 5])
    assert bad.objective == 2.0 and not bad.feasible
    assert bad.violations == ("edge (0, 1) has both ends colour 2", "node 2 has no colour")
    assert bad.extra["conflicts"] == 1 and bad.extra["uncolored"] == 1
    assert path.conflicts([2, 2, -1, 5]) == 1


def test_evaluate_an_assignment_matrix_names_nodes_with_several_colours():
    path = GraphColoring(4, [(0, 1), (1, 2), (2, 3)], colors=5)
    matrix = np.zeros((4, 5), dtype=np.int8)
    matrix[0, 2] = matrix[1, 2] = 1
    matrix[3, [1, 4]] = 1
    result = path.evaluate(matrix)
    assert not result.feasible and result.objective == 3.0
    assert result.violations == ("edge (0, 1) has both ends colour 2", "node 2 has no colour",
                                 "node 3 has colours 1 and 4")
    assert result.extra["multicolored"] == 1
    assert path.conflicts(matrix) == 1
    # a raw model state evaluated through its assignment matrix
    state = matrix.reshape(-1)
    assert path.evaluate(path.assignment(state)).violations == result.violations


def test_evaluate_lists_the_first_twenty_violations_and_a_count():
    clique = GraphColoring(8, list(itertools.combinations(range(8), 2)), colors=8)
    result = clique.evaluate(np.zeros(8, dtype=int))
    assert result.extra["violation_count"] == 28
    assert len(result.violations) == 21
    assert result.violations[-1] == "... and 8 more (28 violations in all)"


def test_summary_line():
    square = GraphColoring(4, [(0, 1), (1, 2), (2, 3), (3, 0)], colors=2, name="C4")
    assert square.summary([0, 1, 0, 1]) == "C4: 4 nodes, 4 edges, 2 colours used (class sizes 2, 2), proper"
    assert square.summary([0, 0, 1, -1]).endswith("1 conflicting edge, 1 uncoloured node")


# ---------------------------------------------------------------------------------------------- annealing
def test_one_hot_annealing_never_leaves_the_one_hot_set():
    problem = GraphColoring.from_networkx(nx.gnp_random_graph(30, 0.3, seed=4), colors=4)
    model = problem.to_model()
    seen = []
    result = anneal(model, moves="one-hot", n_sweeps=400, n_restarts=3, rng=2,
                    beta_range=coloring_beta_range(problem), callback=lambda r: seen.append(r.best_state.copy()))
    assert result.info["moves"] == "one-hot"
    assert seen, "the callback was never called"
    for state in list(result.states) + seen:
        assert is_one_hot(problem, state)
    for state, energy in zip(result.states, result.energies):
        assert energy == problem.conflicts(problem.decode(state, repair=False))


def test_single_flip_polished_states_are_one_hot():
    # every single-flip local minimum is one-hot under the automatic penalty, so polished results are
    problem = GraphColoring.from_networkx(nx.gnp_random_graph(12, 0.4, seed=5), colors=3)
    result = anneal(problem.to_model(), moves="single-flip", n_sweeps=200, n_restarts=4, rng=1)
    for state in result.states:
        assert is_one_hot(problem, state)


# ---------------------------------------------------------------------------------------------- fewest colours
@given(graph=graphs(min_n=1, max_n=7, max_edges=18), seed=st.integers(0, 1000))
@settings(deadline=None, max_examples=25)
def test_fewest_colors_matches_the_brute_force_chromatic_number(graph, seed):
    n, edges = graph
    problem = GraphColoring(n, edges, colors=1)
    coloring, k, history = fewest_colors(problem, time_limit=None, sweeps=300, rng=seed)
    assert k == chromatic_number(n, edges)
    assert problem.evaluate(coloring).feasible and int(coloring.max()) + 1 == k
    assert history[0][1] and history[0][0] >= k  # DSATUR first, never beaten by the result


def test_fewest_colors_beats_dsatur_and_respects_the_clique_bound():
    # the 6×6 queen graph: DSATUR needs 9 colours, χ = 7, the largest clique (a row) has 6
    graph = nx.Graph()
    cells = [(r, c) for r in range(6) for c in range(6)]
    graph.add_nodes_from(cells)
    for (r1, c1), (r2, c2) in itertools.combinations(cells, 2):
        if r1 == r2 or c1 == c2 or abs(r1 - r2) == abs(c1 - c2):
            graph.add_edge((r1, c1), (r2, c2))
    problem = GraphColoring.from_networkx(graph, colors=1)
    assert problem.clique_bound() == 6
    coloring, k, history = fewest_colors(graph, time_limit=2.0, rng=0)
    assert k == 7 and problem.evaluate(coloring).feasible
    assert history[0][0] > 7
    assert [entry[0] for entry in history] == list(range(history[0][0], 5, -1))
    assert history[-1][1] is False and history[-1][2] <= 2.5


def test_fewest_colors_stops_at_the_clique_bound_and_handles_trivial_graphs():
    coloring, k, history = fewest_colors(nx.complete_graph(5), time_limit=1.0, rng=0)
    assert k == 5 and len(history) == 1
    edgeless = GraphColoring(4, [], colors=3)
    coloring, k, _ = fewest_colors(edgeless, time_limit=1.0)
    assert k == 1 and coloring.tolist() == [0, 0, 0, 0]
    coloring, k, _ = fewest_colors(GraphColoring(1, [], colors=1), time_limit=None)
    assert k == 1
    # two disjoint triangles and an isolated node, from an EdgeList
    edges = [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5)]
    coloring, k, _ = fewest_colors(EdgeList(7, edges, np.ones(6), "two-triangles"), time_limit=1.0, rng=1)
    assert k == 3 and GraphColoring(7, edges, 3).evaluate(coloring).feasible


def test_fewest_colors_with_single_flip_moves():
    graph = nx.cycle_graph(7)  # odd cycle: χ = 3
    coloring, k, _ = fewest_colors(graph, time_limit=None, sweeps=200, moves="single-flip", rng=3)
    assert k == 3


def test_fewest_colors_is_reproducible_without_a_time_limit():
    graph = nx.gnp_random_graph(20, 0.4, seed=8)
    first = fewest_colors(graph, time_limit=None, sweeps=200, rng=5)
    second = fewest_colors(graph, time_limit=None, sweeps=200, rng=5)
    assert np.array_equal(first[0], second[0]) and first[1] == second[1]


def test_a_time_limit_beside_sweeps_is_only_a_cap(monkeypatch):
    # `hopopt solve coloring … --sweeps 20 --time-limit 4294967296` ran for hours: the kind handed the limit to
    # the search, which repeats runs of that many sweeps until the time is spent. With sweeps the runs are the
    # plan (one annealing and one run of the chains per k, as without a limit) and the limit only a cap.
    import hopopt
    import hopopt.workflows.coloring as workflow

    runs = []
    for name in ("anneal", "temper_coloring"):
        def counted(*args, _search=getattr(workflow, name), **kwargs):
            runs.append(_search.__name__)
            return _search(*args, **kwargs)
        monkeypatch.setattr(workflow, name, counted)
    # the Grötzsch graph (myciel3): DSATUR's 4 colours are the fewest, above the clique bound 2, so every run at
    # 3 colours fails and a search filling its time would repeat them for the whole limit
    problem = GraphColoring.from_networkx(nx.mycielski_graph(4), colors=1)
    planned = hopopt.solve(problem, sweeps=50, rng=0)
    planned_runs, runs[:] = list(runs), []
    capped = hopopt.solve(problem, sweeps=50, rng=0, time_limit=30.0)
    assert planned_runs == ["anneal", "temper_coloring"]
    assert runs == planned_runs
    assert capped.objective == planned.objective == 4
    assert capped.info["history"][-1][:2] == [3, False]
    # planned by sweeps, a last k that fails is the end of the plan, not a time limit
    assert capped.info["status"] == planned.info["status"] == "all planned sweeps completed"


@pytest.mark.skipif(not (SHARED / "myciel3.col").exists(), reason="../shared/instances is not checked out")
def test_myciel3_needs_four_colours():
    problem = GraphColoring.from_edgelist(read_dimacs(SHARED / "myciel3.col"), colors=4)
    assert (problem.n, len(problem.edges), problem.name) == (11, 20, "myciel3")
    coloring, k, history = fewest_colors(problem, time_limit=None, sweeps=2000, rng=0)
    assert k == 4 and problem.evaluate(coloring).feasible
    assert problem.clique_bound() == 2  # Mycielski graphs are triangle-free
    assert (3, False) in [(entry[0], entry[1]) for entry in history]


# ---------------------------------------------------------------------------------------------- constructors and errors
def test_constructors_merge_duplicates_and_keep_labels():
    problem = GraphColoring(3, [(0, 1), (1, 0), (1, 2), (1, 2)], colors=2)
    assert problem.edges.tolist() == [[0, 1], [1, 2]]
    labelled = GraphColoring.from_networkx(nx.Graph([("a", "b"), ("b", "c")]), colors=2)
    assert labelled.labels == ["a", "b", "c"] and labelled.edges.tolist() == [[0, 1], [1, 2]]
    assert labelled.with_colors(3).labels == labelled.labels
    assert GraphColoring.random(8, 0.5, rng=3).edges.tolist() == GraphColoring.random(8, 0.5, rng=3).edges.tolist()
    assert GraphColoring(5, [(0, 1)], colors=2).to_networkx().number_of_nodes() == 5
    assert repr(problem) == "GraphColoring(name='coloring', n=3, edges=2, colors=2)"


@pytest.mark.parametrize("arguments, message", [
    ((0, [], 2), r"n \(number of nodes\) must be an integer ≥ 1, got 0"),
    ((3, [(0, 1)], 0), r"colors \(number of colours k\) must be an integer ≥ 1, got 0"),
    ((3, [(0, 1)], 2.5), r"colors .* got 2.5"),
    ((3, [(1, 1)], 2), r"self-loop on node 1: a node cannot differ from itself"),
    ((3, [(0, 3)], 2), r"edge \(0, 3\) has a node outside 0..2"),
    ((3, [(-1, 0)], 2), r"edge \(-1, 0\) has a node outside 0..2"),
    ((3, [(0, 1, 2)], 2), r"edges must be a list of \(u, v\) pairs"),
])
def test_bad_input_is_refused_with_a_clear_message(arguments, message):
    with pytest.raises(ValueError, match=message):
        GraphColoring(*arguments)


def test_other_errors():
    with pytest.raises(ValueError, match="a node cannot differ from itself"):
        GraphColoring.from_networkx(nx.Graph([(0, 0)]), colors=2)
    with pytest.raises(ValueError, match="got a graph with no nodes"):
        GraphColoring.from_networkx(nx.Graph(), colors=2)
    with pytest.raises(ValueError, match="penalty"):
        GraphColoring(2, [(0, 1)], colors=2, penalty=0)
    problem = GraphColoring(2, [(0, 1)], colors=2)
    with pytest.raises(ValueError, match=r"n·k = 2·2 = 4 entries, got 3"):
        problem.decode([1, 0, 1])
    with pytest.raises(ValueError, match="one colour per node"):
        problem.evaluate([0, 1, 1])
    with pytest.raises(ValueError, match="integer colours"):
        problem.evaluate([0.5, 1])
    with pytest.raises(ValueError, match=r"every colour in 0..1"):
        problem.one_hot([0, 2])
    with pytest.raises(TypeError, match="fewest_colors needs"):
        fewest_colors([(0, 1)])
    with pytest.raises(ValueError, match="moves must be"):
        fewest_colors(problem, moves="permutation")


@pytest.mark.parametrize("seed", range(8))
def test_clique_bound_matrix_and_sets_agree(seed):
    # the boolean-matrix growth must pick the same clique as the set version it replaced (ties to the lowest node)
    generator = np.random.default_rng(seed)
    problem = GraphColoring.random(int(generator.integers(5, 80)), float(generator.uniform(0.1, 0.9)), rng=seed,
                                   colors=1)
    assert problem.clique_bound() == problem._clique_bound_with_sets()


@pytest.mark.parametrize("seed", range(6))
def test_solution_energy_without_the_model_equals_the_models(seed):
    generator = np.random.default_rng(seed)
    problem = GraphColoring.random(30, 0.3, rng=seed, colors=int(generator.integers(2, 6)))
    coloring = generator.integers(0, problem.colors, size=problem.n)
    expected = float(problem.to_model().energy(problem.one_hot(coloring)))
    assert problem.solution_energy(coloring) == expected
