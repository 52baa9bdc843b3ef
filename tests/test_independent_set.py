"""The independent-set family (independent set, vertex cover, clique): energies against their formulas, the
penalty rule by enumeration, repair, the dualities between the three, the exact method against brute force,
DIMACS .col/.clq files with node weights, peers, plots and input errors."""

from __future__ import annotations

import itertools
import pathlib

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hopopt
from hopopt.errors import InputError
from hopopt.io import parse_dimacs, read_dimacs, write_dimacs
from hopopt.kinds import KINDS, Budget
from hopopt.problems.independent_set import MaximumClique, MaximumIndependentSet, MinimumVertexCover

SETTINGS = settings(deadline=None, max_examples=30)
SHARED = pathlib.Path(__file__).resolve().parents[2] / "shared" / "instances" / "dimacs"
CLASSES = (MaximumIndependentSet, MinimumVertexCover, MaximumClique)
KIND_OF = {MaximumIndependentSet: "mis", MinimumVertexCover: "vertexcover", MaximumClique: "clique"}


# ---------------------------------------------------------------------------------------------- oracles
@st.composite
def weighted_graphs(draw, min_n=1, max_n=8):
    """A node count, an edge list (repeats in either order, no loops) and positive integer node weights."""
    n = draw(st.integers(min_n, max_n))
    edges = []
    if n > 1:
        pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda e: e[0] != e[1])
        edges = draw(st.lists(pairs, max_size=20))
    weights = draw(st.lists(st.integers(1, 9), min_size=n, max_size=n))
    return n, edges, weights


def all_states(n):
    return np.array(list(itertools.product((0, 1), repeat=n)), dtype=np.int8).reshape(-1, n)


def distinct(edges):
    return {(min(u, v), max(u, v)) for u, v in edges}


def naive_feasible(cls, n, edges, chosen):
    """Feasibility by the definition, with loops over node pairs."""
    pairs = distinct(edges)
    if cls is MaximumIndependentSet:
        return all(not (chosen[u] and chosen[v]) for u, v in pairs)
    if cls is MinimumVertexCover:
        return all(chosen[u] or chosen[v] for u, v in pairs)
    return all((u, v) in pairs for u, v in itertools.combinations(range(n), 2) if chosen[u] and chosen[v])


def naive_energy(cls, n, edges, weights, penalty, x):
    """The energy of the module docstring, term by term."""
    pairs = distinct(edges)
    weight = sum(w * xi for w, xi in zip(weights, x))
    if cls is MaximumIndependentSet:
        return -weight + penalty * sum(x[u] * x[v] for u, v in pairs)
    if cls is MinimumVertexCover:
        return weight + penalty * sum((1 - x[u]) * (1 - x[v]) for u, v in pairs)
    others = [(u, v) for u, v in itertools.combinations(range(n), 2) if (u, v) not in pairs]
    return -weight + penalty * sum(x[u] * x[v] for u, v in others)


def brute_force_optimum(cls, n, edges, weights):
    best = None
    for x in all_states(n):
        if naive_feasible(cls, n, edges, x):
            value = float(np.dot(weights, x))
            if best is None or (value < best if cls is MinimumVertexCover else value > best):
                best = value
    return best


# ---------------------------------------------------------------------------------------------- encodings
@pytest.mark.parametrize("cls", CLASSES)
@SETTINGS
@given(graph=weighted_graphs(), penalty=st.sampled_from([None, 0.5, 3.0, 17.0]))
def test_energy_of_every_state_is_the_formula(cls, graph, penalty):
    n, edges, weights = graph
    problem = cls(n, edges, weights, penalty=penalty)
    model = problem.to_model()
    used = model.metadata["penalty"]
    states = all_states(n)
    expected = [naive_energy(cls, n, edges, weights, used, x) for x in states]
    assert model.energies(states) == pytest.approx(expected)
    for x in states[:: max(1, len(states) // 16)]:
        terms, violations = problem.energy_terms(x, model.metadata)
        assert sum(terms.values()) == pytest.approx(model.energy(x))
        assert bool(violations) == (not naive_feasible(cls, n, edges, x))


@pytest.mark.parametrize("cls", CLASSES)
@SETTINGS
@given(graph=weighted_graphs())
def test_penalty_rule_every_ground_state_and_single_flip_minimum_is_feasible_and_optimal(cls, graph):
    """With the default penalty (above the bound) no state with a conflict is a ground state or a local minimum
    of single flips, and the ground energy is the brute-force optimum through objective_from_energy."""
    n, edges, weights = graph
    problem = cls(n, edges, weights)
    assert problem.default_penalty() > problem.penalty_bound()
    assert problem.penalty_bound() <= max(weights)
    model = problem.to_model()
    states = all_states(n)
    energies = model.energies(states)
    ground = states[np.isclose(energies, energies.min())]
    assert all(naive_feasible(cls, n, edges, x) for x in ground)
    assert problem.objective_from_energy(energies.min()) == brute_force_optimum(cls, n, edges, weights)
    index = {tuple(x): e for x, e in zip(states.tolist(), energies)}
    for x, energy in zip(states.tolist(), energies):
        if naive_feasible(cls, n, edges, x):
            assert problem.objective_from_energy(energy) == pytest.approx(float(np.dot(weights, x)))
            continue
        flips = [index[tuple(x[:i] + [1 - x[i]] + x[i + 1:])] for i in range(n)]
        assert min(flips) < energy  # a conflicted state always has a strictly improving flip


def test_penalty_bound_is_tight_on_one_edge():
    """At P equal to the bound a conflicted state ties with the best independent set."""
    problem = MaximumIndependentSet(2, [(0, 1)])
    assert problem.penalty_bound() == 1.0
    model = problem.to_model(penalty=1.0)
    assert model.energy([1, 1]) == model.energy([1, 0]) == -1.0
    assert "may violate" in model.metadata["penalty_rule"]
    assert "feasible" in problem.to_model().metadata["penalty_rule"]


def test_penalty_bound_uses_the_lighter_end_of_each_conflict():
    problem = MaximumIndependentSet(4, [(0, 1), (2, 3)], [9, 2, 3, 5])
    assert problem.penalty_bound() == 3.0  # max(min(9, 2), min(3, 5))
    assert MaximumClique(3, [(0, 1), (1, 2), (0, 2)], [4, 5, 6]).penalty_bound() == 0.0  # no non-edge
    assert MaximumClique(3, [(0, 1), (1, 2), (0, 2)]).default_penalty() == 1.0


@SETTINGS
@given(graph=weighted_graphs())
def test_cover_is_the_independent_set_energy_turned_inside_out(graph):
    """E_cover(x) = W + E_independent(1 − x) for every state, and the optima add up to W."""
    n, edges, weights = graph
    cover = MinimumVertexCover(n, edges, weights, penalty=2.5)
    independent = MaximumIndependentSet(n, edges, weights, penalty=2.5)
    states = all_states(n)
    assert cover.to_model().energies(states) == pytest.approx(
        sum(weights) + independent.to_model().energies(1 - states))
    assert brute_force_optimum(MinimumVertexCover, n, edges, weights) == \
        sum(weights) - brute_force_optimum(MaximumIndependentSet, n, edges, weights)


@SETTINGS
@given(graph=weighted_graphs(min_n=2))
def test_clique_is_the_independent_set_of_the_complement(graph):
    n, edges, weights = graph
    clique = MaximumClique(n, edges, weights, penalty=4.0)
    complement = nx.complement(clique.to_networkx())
    independent = MaximumIndependentSet(n, list(complement.edges()), weights, penalty=4.0)
    states = all_states(n)
    assert clique.to_model().energies(states) == pytest.approx(independent.to_model().energies(states))
    assert len(clique.complement_edges) == n * (n - 1) // 2 - len(distinct(edges))


# ---------------------------------------------------------------------------------------------- decode
@pytest.mark.parametrize("cls", CLASSES)
@SETTINGS
@given(graph=weighted_graphs(), seed=st.integers(0, 2**16))
def test_decode_is_feasible_maximal_and_its_own_fixed_point(cls, graph, seed):
    n, edges, weights = graph
    problem = cls(n, edges, weights)
    generator = np.random.default_rng(seed)
    for state in (generator.integers(0, 2, n), 2 * generator.integers(0, 2, n) - 1, np.ones(n, int),
                  np.zeros(n, int)):
        solution = problem.decode(state)
        assert naive_feasible(cls, n, edges, solution)
        assert np.array_equal(problem.decode(problem.encode(solution)), solution)
        assert np.array_equal(problem.decode(problem.encode(solution, vartype="spin")), solution)
        # no single node can be added (removed, for the cover) while staying feasible
        for node in range(n):
            changed = solution.copy()
            changed[node] = 1 - changed[node]
            improves = changed[node] == (0 if cls is MinimumVertexCover else 1)
            assert not (improves and naive_feasible(cls, n, edges, changed))


def test_decode_drops_the_cheapest_node_per_conflict_and_keeps_raw_states_when_asked():
    star = MaximumIndependentSet(4, [(0, 1), (0, 2), (0, 3)], [2, 1, 1, 1])
    # the centre (weight 2, three conflicts) is cheaper per conflict than any leaf (weight 1, one conflict)
    assert star.decode([1, 1, 1, 1]).tolist() == [0, 1, 1, 1]
    assert star.decode([1, 1, 1, 1], repair=False).tolist() == [1, 1, 1, 1]
    heavy = MaximumIndependentSet(4, [(0, 1), (0, 2), (0, 3)], [5, 1, 1, 1])
    assert heavy.decode([1, 1, 1, 1]).tolist() == [1, 0, 0, 0]  # 5/3 per conflict against 1 per conflict
    assert heavy.state_violations([1, 1, 0, 0]) == ["edge (0, 1) has both ends in the independent set"]


def test_decode_refuses_wrong_states():
    problem = MaximumIndependentSet(3, [(0, 1)])
    with pytest.raises(ValueError, match="3 entries"):
        problem.decode([1, 0])
    with pytest.raises(ValueError, match="spins"):
        problem.decode([2, 0, 1])
    with pytest.raises(ValueError, match="0 or 1 for every node, got 2 for node 1"):
        problem.evaluate([0, 2, 0])


# ---------------------------------------------------------------------------------------------- evaluate
def test_evaluate_names_every_violation_and_cuts_long_lists():
    cover = MinimumVertexCover(3, [(0, 1), (1, 2)], [1, 2, 3])
    found = cover.evaluate([0, 0, 0])
    assert (found.objective, found.feasible, found.sense) == (0.0, False, "min")
    assert found.violations == ("edge (0, 1) is not covered (neither end in the cover)",
                                "edge (1, 2) is not covered (neither end in the cover)")
    assert cover.evaluate([0, 1, 0]).objective == 2.0 and cover.evaluate([0, 1, 0]).feasible
    empty = MaximumClique(30, [])
    lines = empty.evaluate(np.ones(30, int)).violations
    assert len(lines) == 21 and lines[-1] == f"... and {30 * 29 // 2 - 20} more"
    assert lines[0] == "nodes 0 and 1 are both in the clique but not adjacent"


# ---------------------------------------------------------------------------------------------- exact
@pytest.mark.parametrize("cls", CLASSES)
@pytest.mark.parametrize("seed", range(4))
def test_exact_equals_brute_force(cls, seed):
    generator = np.random.default_rng(seed)
    n = int(generator.integers(4, 11))
    problem = cls.random(n, float(generator.uniform(0.2, 0.8)), rng=seed, weighted=bool(seed % 2))
    answer = KINDS[KIND_OF[cls]].exact(problem, 30)
    expected = brute_force_optimum(cls, n, problem.edges.tolist(), problem.weights)
    assert answer.optimal and answer.bound == expected
    assert problem.evaluate(answer.solution).objective == expected and problem.evaluate(answer.solution).feasible
    assert np.array_equal(answer.state, problem.encode(answer.solution))


def test_exact_without_time_to_prove_returns_a_feasible_solution_and_a_valid_bound():
    problem = MaximumIndependentSet.random(120, 0.05, rng=3, weighted=True)
    answer = hopopt.solve_exact(problem, time_limit=0.05)
    assert answer.feasible
    assert answer.bound is None or answer.bound >= answer.objective - 1e-9
    assert answer.bound is None or answer.bound == int(answer.bound)  # integer weights: rounded


def test_exact_on_graphs_without_edges_or_without_non_edges():
    assert hopopt.solve_exact(MaximumIndependentSet(4, [], [1, 2, 3, 4])).objective == 10.0
    assert hopopt.solve_exact(MinimumVertexCover(4, [])).objective == 0.0
    assert hopopt.solve_exact(MaximumClique(4, list(itertools.combinations(range(4), 2)))).objective == 4.0


# ---------------------------------------------------------------------------------------------- solve
@pytest.mark.parametrize("kind", ["mis", "vertexcover", "clique"])
def test_solve_finds_the_optimum_of_a_small_instance_and_is_reproducible(kind):
    problem = KINDS[kind].random(24, 3, p=0.3, weighted=1)
    exact = hopopt.solve_exact(problem, time_limit=30)
    first = hopopt.solve(problem, sweeps=300, restarts=4, rng=5)
    again = hopopt.solve(problem, sweeps=300, restarts=4, rng=5)
    assert first.feasible and first.objective == exact.objective
    assert np.array_equal(first.solution, again.solution)
    assert first.energy == pytest.approx(problem.to_model().energy(problem.encode(first.solution)))


@pytest.mark.parametrize("solver", ["descent", "penalty"])
def test_other_solvers_give_feasible_solutions(solver):
    problem = MinimumVertexCover.random(30, 0.2, rng=2)
    answer = hopopt.solve(problem, solver, time_limit=0.3, sweeps=200, restarts=2, rng=0)
    assert answer.feasible and not answer.violations


def test_explain_splits_weight_and_penalty():
    problem = MaximumIndependentSet(3, [(0, 1), (1, 2)], [1, 2, 1])
    explanation = problem.explain([1, 1, 0])
    assert explanation.terms == {"weight": -3.0, "edge penalty": 1.125}  # P = 9/8 of the bound 1
    assert explanation.violations == ["edge (0, 1) has both ends in the independent set"]
    assert explanation.total == pytest.approx(problem.to_model().energy([1, 1, 0]))


# ---------------------------------------------------------------------------------------------- random
@pytest.mark.parametrize("cls", CLASSES)
def test_random_is_reproducible_and_weighted_draws_integers_1_to_10(cls):
    first = cls.random(40, 0.2, rng=7, weighted=True)
    assert first == cls.random(40, 0.2, rng=7, weighted=True)
    assert first != cls.random(40, 0.2, rng=8, weighted=True)
    assert np.all(first.weights == np.round(first.weights)) and first.weights.min() >= 1
    assert first.weights.max() <= 10 and len(set(first.weights)) > 3
    assert np.all(cls.random(10, 0.5, rng=np.random.default_rng(1)).weights == 1)
    assert first.name == "random:n=40,p=0.2,seed=7,weighted=1"


def test_random_specs_through_the_registry():
    from hopopt.instances import load_instance

    problem, _ = load_instance("clique", "random:n=12,seed=4,p=0.7,weighted=1")
    assert isinstance(problem, MaximumClique) and problem.n == 12 and problem.weights.max() > 1
    with pytest.raises(InputError, match="weighted"):
        load_instance("mis", "random:n=12,seed=4,weighted=3")


# ---------------------------------------------------------------------------------------------- input errors
@pytest.mark.parametrize("arguments, message", [
    ((0, []), "n \\(number of nodes\\) must be an integer ≥ 1, got 0"),
    ((3, [(0, 3)]), "edge \\(0, 3\\) has a node outside 0..2"),
    ((3, [(1, 1)]), "self-loop on node 1"),
    ((3, [(0, 1, 2)]), "pairs"),
    ((3, [], [1, 2]), "one value per node \\(3\\), got 2"),
    ((3, [], [1, 0, 2]), "positive and finite, got 0.0 for node 1"),
    ((3, [], [1, float("nan"), 2]), "positive and finite, got nan for node 1"),
    ((3, [], None, None, 0), "penalty must be a positive number, got 0"),
])
@pytest.mark.parametrize("cls", CLASSES)
def test_constructors_refuse_bad_input_with_clear_messages(cls, arguments, message):
    with pytest.raises(ValueError, match=message):
        cls(*arguments)


def test_clique_refuses_a_complement_too_big_with_the_estimate():
    with pytest.raises(ValueError, match=r"complement .* has 4,999,950,000 edges, about 298.0 GiB .* limit is 2 GiB"):
        MaximumClique(100_000, [])


def test_random_refuses_bad_options():
    with pytest.raises(ValueError, match="p \\(edge probability\\)"):
        MaximumIndependentSet.random(5, 1.5)
    with pytest.raises(ValueError, match="weighted must be 0/1"):
        MaximumIndependentSet.random(5, weighted=2)


def test_from_networkx_keeps_labels_and_weights():
    graph = nx.Graph()
    graph.add_node("a", weight=3)
    graph.add_edge("a", "b")
    graph.add_edge("b", "c")
    problem = MaximumIndependentSet.from_networkx(graph)
    assert problem.labels == ["a", "b", "c"] and problem.weights.tolist() == [3.0, 1.0, 1.0]
    assert hopopt.solve_exact(problem).solution.tolist() == [1, 0, 1]
    with pytest.raises(ValueError, match="undirected"):
        MaximumIndependentSet.from_networkx(nx.DiGraph([(0, 1)]))


# ---------------------------------------------------------------------------------------------- DIMACS files
def test_clq_files_with_p_col_and_node_weights_read_for_every_kind(tmp_path):
    path = tmp_path / "kite.clq"
    path.write_text("c a kite\np col 4 4\ne 1 2\ne 2 3\ne 1 3\ne 3 4\nn 4 7\nn 1 2\n")
    # 0-based: triangle 0-1-2 and the edge 2-3; weights 2, 1, 1, 7
    for kind, expected in (("mis", 9.0), ("vertexcover", 2.0), ("clique", 8.0)):
        problem = KINDS[kind].read(path)
        assert problem.name == "kite" and problem.weights.tolist() == [2.0, 1.0, 1.0, 7.0]
        assert hopopt.solve_exact(problem).objective == expected


def test_node_weights_round_trip_through_write_dimacs(tmp_path):
    path = tmp_path / "w.col"
    write_dimacs(path, 3, [(0, 1), (2, 1)], node_weights=[1.5, 2, 3])
    assert "n 1 1.5\nn 2 2\nn 3 3\n" in path.read_text()
    graph, weights = read_dimacs(path, with_node_weights=True)
    assert graph.edges.tolist() == [[0, 1], [1, 2]] and weights.tolist() == [1.5, 2.0, 3.0]
    assert read_dimacs(path).n == 3  # without the flag: the EdgeList alone, as before
    with pytest.raises(InputError, match="node_weights must be 3 finite numbers"):
        write_dimacs(path, 3, [(0, 1)], node_weights=[1, 2])


@pytest.mark.parametrize("text, message", [
    ("n 1 5\np edge 3 0\n", "g.clq:1: node line before the problem line"),
    ("p edge 3 0\nn 4 5\n", "g.clq:2: node id 4 is out of range 1..3"),
    ("p edge 3 0\nn 1 heavy\n", "g.clq:2: node line must be 'n v w' with an integer node id and a numeric weight"),
    ("p edge 3 0\nn 1\n", "g.clq:2: node line must be 'n v w'"),
    ("p edge 3 0\nn 1 inf\n", "g.clq:2: weight of node 1 must be a finite number"),
    ("p edge 3 0\nn 1 2\nn 1 3\n", "g.clq:3: node 1 already has a weight \\(line 2\\)"),
])
def test_malformed_node_lines_name_file_and_line(text, message):
    with pytest.raises(InputError, match=message):
        parse_dimacs(text, name="g.clq", with_node_weights=True)


def test_a_non_positive_node_weight_in_a_file_is_one_clear_line(tmp_path, capsys):
    from hopopt.cli import main

    path = tmp_path / "bad.clq"
    path.write_text("p edge 2 1\ne 1 2\nn 2 -1\n")
    assert main(["solve", "mis", str(path), "--json"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "positive and finite, got -1.0 for node 1" in error


@pytest.mark.skipif(not SHARED.is_dir(), reason="benchmark mirror absent")
def test_dimacs_graphs_known_answers():
    """myciel5: α = 23 (47 nodes), clique 2 (triangle-free); queen6_6: six queens, a row is a clique of 6."""
    myciel5 = SHARED / "myciel5.col"
    assert hopopt.solve_exact(KINDS["mis"].read(myciel5), time_limit=30).objective == 23
    assert hopopt.solve_exact(KINDS["vertexcover"].read(myciel5), time_limit=30).objective == 47 - 23
    assert hopopt.solve_exact(KINDS["clique"].read(SHARED / "queen6_6.col"), time_limit=30).objective == 6


# ---------------------------------------------------------------------------------------------- peers, plot
@pytest.mark.parametrize("kind", ["mis", "vertexcover", "clique"])
def test_every_peer_gives_a_feasible_solution_and_the_exact_peer_the_optimum(kind):
    from hopopt.bench.runners import get_solver, missing_requirements

    problem = KINDS[kind].random(14, 5, p=0.4, weighted=1)
    optimum = hopopt.solve_exact(problem).objective
    for name, peer in KINDS[kind].peers.items():
        if missing_requirements(get_solver(kind, name)) is not None:
            continue
        outcome = peer.run(problem, Budget(time_limit=0.2, seed=1, restarts=2))
        evaluation = problem.evaluate(outcome.solution)
        assert evaluation.feasible, name
        better = evaluation.objective < optimum if kind == "vertexcover" else evaluation.objective > optimum
        assert not better, name
        if name == "networkx-max-weight-clique":
            assert evaluation.objective == optimum


def test_the_exact_clique_peer_refuses_large_dense_graphs():
    problem = MaximumClique.random(160, 0.5, rng=1)
    with pytest.raises(ValueError, match="dense"):
        KINDS["clique"].peers["networkx-max-weight-clique"].run(problem, Budget(time_limit=1))


@pytest.mark.parametrize("kind", ["mis", "vertexcover", "clique"])
def test_plot_draws_the_chosen_set(kind):
    from hopopt.plotting import new_figure

    problem = KINDS[kind].random(8, 1, p=0.5)
    solution = hopopt.solve_exact(problem).solution
    figure = new_figure()
    ax = figure.add_subplot(1, 1, 1)
    KINDS[kind].plot(problem, solution, ax, "t")
    assert ax.get_title() == f"t: {int(solution.sum())} of 8 nodes in the {problem._problem}"
