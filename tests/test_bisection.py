"""Balanced bisection: E = cut + A((Σs)² − n mod 2), the penalty rule by enumeration, repair, the exact MILP
against brute force, readers, the rising-penalty anneal and the peers."""

from __future__ import annotations

import itertools
import json

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hopopt
from hopopt.bench.runners import Budget, run_solver
from hopopt.cli import main
from hopopt.errors import InputError
from hopopt.instances import load_instance
from hopopt.io import write_dimacs, write_gset
from hopopt.kinds import KINDS
from hopopt.kinds.bisection import exact_bisection, rising_penalty_anneal
from hopopt.problems.bisection import GraphBisection

SETTINGS = settings(deadline=None, max_examples=30)


@st.composite
def graphs(draw, min_n=2, max_n=8, max_edges=16, signed=True):
    """n, an edge list (repeats allowed, no loops) and integer weights (negative ones when ``signed``)."""
    n = draw(st.integers(min_n, max_n))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda e: e[0] != e[1])
    edges = draw(st.lists(pairs, max_size=max_edges))
    low = -4 if signed else 1
    weights = draw(st.lists(st.integers(low, 5).map(float), min_size=len(edges), max_size=len(edges)))
    return n, edges, weights


def all_spin_states(n):
    return np.array(list(itertools.product((-1, 1), repeat=n)), dtype=np.int8)


def naive_cut(edges, weights, sides):
    return sum(w for (i, j), w in zip(edges, weights) if sides[i] != sides[j])


def brute_force_bisection(problem):
    """The least cut over all balanced side assignments (the oracle)."""
    states = all_spin_states(problem.n)
    sides = (states > 0).astype(np.int8)
    balanced = np.abs(states.sum(axis=1)) <= problem.n % 2
    return min(problem.cut_weight(s) for s in sides[balanced])


# ---------------------------------------------------------------------------------------------- encoding
@given(graph=graphs(), seed=st.integers(0, 2**32 - 1))
@SETTINGS
def test_energy_is_cut_plus_the_balance_penalty(graph, seed):
    n, edges, weights = graph
    problem = GraphBisection(n, edges, weights)
    model = problem.to_model()
    penalty = model.metadata["penalty"]
    generator = np.random.default_rng(seed)
    for _ in range(6):
        spins = generator.choice([-1, 1], size=n)
        sides = (spins > 0).astype(np.int8)
        cut = naive_cut(edges, weights, sides)
        expected = cut + penalty * (int(spins.sum()) ** 2 - n % 2)
        assert model.energy(spins) == pytest.approx(expected, abs=1e-9)
        explanation = problem.explain(spins)
        assert explanation.terms["cut"] == cut and explanation.total == pytest.approx(model.energy(spins))
        balanced = abs(int(spins.sum())) <= n % 2
        assert explanation.feasible == balanced == problem.evaluate(sides).feasible
        if balanced:
            assert problem.objective_from_energy(model.energy(spins)) == pytest.approx(cut)
            assert np.array_equal(problem.decode(spins), sides)


@given(graph=graphs(min_n=2, max_n=9))
@SETTINGS
def test_above_the_bound_every_single_flip_local_minimum_is_balanced(graph):
    """The penalty rule by enumeration: with A just above penalty_bound (and at the automatic A), no
    unbalanced state is a local minimum of single flips, and the ground states are the minimum bisections."""
    n, edges, weights = graph
    problem = GraphBisection(n, edges, weights)
    states = all_spin_states(n)
    unbalanced = np.abs(states.sum(axis=1)) > n % 2
    for penalty in (problem.penalty_bound() * 1.001 + 1e-3, problem.default_penalty()):
        model = problem.to_model(penalty)
        energies = model.energies(states)
        for state in states[unbalanced]:
            assert model.flip_costs(state).min() < 0, f"unbalanced local minimum {state} at A = {penalty}"
        assert energies.min() == pytest.approx(brute_force_bisection(problem))
        assert not np.any(unbalanced[energies <= energies.min() + 1e-9])


def test_the_bound_is_tight_on_one_edge():
    problem = GraphBisection(2, [(0, 1)])
    assert problem.penalty_bound() == 0.25  # D = min(Δ_w = 1, 4·1/2 = 2) = 1
    below = problem.to_model(0.2)
    assert below.energy([1, 1]) < below.energy([1, -1])  # both on one side: 4A = 0.8 beats the cut 1
    at = problem.to_model(0.25)
    assert at.energy([1, 1]) == at.energy([1, -1])
    assert problem.default_penalty() > problem.penalty_bound()


def test_average_degree_bound_beats_the_largest_degree_on_a_star():
    star = GraphBisection.from_networkx(nx.star_graph(9))  # 10 nodes, hub degree 9, 9 edges
    assert star.max_weighted_degree == 9 and star.move_cost_bound == pytest.approx(4 * 9 / 10)


def test_odd_n_allows_one_node_more_on_either_side():
    path = GraphBisection(3, [(0, 1), (1, 2)])
    assert path.side_sizes == (1, 2)
    assert path.evaluate([0, 1, 1]).feasible and path.evaluate([1, 0, 0]).feasible
    assert path.evaluate([1, 1, 1]).violations == (
        "side 1 has 3 nodes and side 0 has 0: a bisection of 3 nodes needs 1 and 2",)
    model = path.to_model()
    assert model.energy([-1, 1, 1]) == 1.0  # balanced odd state pays no penalty


# ---------------------------------------------------------------------------------------------- repair
@given(graph=graphs(min_n=1, max_n=10), seed=st.integers(0, 2**32 - 1))
@SETTINGS
def test_decode_repairs_by_the_fewest_moves_off_the_bigger_side(graph, seed):
    n, edges, weights = graph
    problem = GraphBisection(n, edges, weights)
    state = np.random.default_rng(seed).choice([-1, 1], size=n)
    sides = problem.decode(state)
    assert problem.evaluate(sides).feasible
    original = (state > 0).astype(np.int8)
    surplus = 2 * int(original.sum()) - n
    moved = np.flatnonzero(sides != original)
    assert moved.size == (abs(surplus) - n % 2) // 2
    assert np.all(original[moved] == (1 if surplus > 0 else 0))  # only the bigger side gives nodes away


@given(graph=graphs(min_n=2, max_n=10), seed=st.integers(0, 2**32 - 1))
@SETTINGS
def test_one_move_repair_takes_the_cheapest_node(graph, seed):
    n, edges, weights = graph
    problem = GraphBisection(n, edges, weights)
    generator = np.random.default_rng(seed)
    sides = np.zeros(n, dtype=np.int8)
    sides[generator.permutation(n)[:n // 2 + 1 + n % 2]] = 1  # one node too many on side 1
    costs = []
    for node in np.flatnonzero(sides == 1):
        trial = sides.copy()
        trial[node] = 0
        costs.append((problem.cut_weight(trial) - problem.cut_weight(sides), node))
    cheapest = min(costs)[1]  # lowest index among equal costs
    repaired = problem.repair(sides)
    assert np.flatnonzero(repaired != sides).tolist() == [cheapest]


def test_decode_without_repair_names_the_imbalance():
    with pytest.raises(ValueError, match="side 1 has 3 nodes and side 0 has 1"):
        GraphBisection(4, [(0, 1)]).decode([1, 1, 1, -1], repair=False)
    with pytest.raises(ValueError, match="spins"):
        GraphBisection(4, [(0, 1)]).decode([1, 2, 1, -1])


# ---------------------------------------------------------------------------------------------- constructors
@pytest.mark.parametrize("arguments, message", [
    ((0, []), "n"), ((3, [(0, 3)]), "outside"), ((3, [(1, 1)]), "self-loop"),
    ((3, [(0, 1)], [float("inf")]), "finite"), ((3, [(0, 1)], [1.0, 2.0]), "one value per edge")])
def test_constructor_refuses_bad_graphs(arguments, message):
    with pytest.raises(ValueError, match=message):
        GraphBisection(*arguments)


def test_penalty_must_be_positive_and_is_recorded():
    with pytest.raises(ValueError, match="penalty"):
        GraphBisection(2, [(0, 1)], penalty=0)
    with pytest.raises(ValueError, match="penalty"):
        GraphBisection(2, [(0, 1)]).to_model(-1)
    assert GraphBisection(2, [(0, 1)], penalty=3.0).to_model().metadata["penalty"] == 3.0


def test_random_graphs_follow_spec_7_and_duplicates_merge():
    first = GraphBisection.random(20, 0.3, rng=4)
    assert np.array_equal(first.edges, GraphBisection.random(20, 0.3, rng=4).edges)
    assert first.name == "random:n=20,p=0.3,seed=4"
    with pytest.raises(ValueError, match="p"):
        GraphBisection.random(5, 1.5)
    merged = GraphBisection(3, [(0, 1), (1, 0), (1, 2)], [1.0, 2.0, 1.0])
    assert merged.edges.tolist() == [[0, 1], [1, 2]] and merged.weights.tolist() == [3.0, 1.0]


# ---------------------------------------------------------------------------------------------- exact
@given(graph=graphs(min_n=2, max_n=10, max_edges=20))
@settings(deadline=None, max_examples=25)
def test_exact_milp_matches_brute_force(graph):
    n, edges, weights = graph
    problem = GraphBisection(n, edges, weights)
    answer = exact_bisection(problem, time_limit=30)
    assert answer.optimal and problem.evaluate(answer.solution).feasible
    best = brute_force_bisection(problem)
    assert problem.cut_weight(answer.solution) == pytest.approx(best)
    assert answer.bound == pytest.approx(best) and answer.solution[0] == 0
    assert problem.to_model().energy(answer.state) == pytest.approx(best)


def test_exact_on_two_triangles_through_the_api():
    problem = GraphBisection(6, [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
    answer = hopopt.solve_exact(problem, time_limit=10)
    assert answer.optimal and answer.objective == 1.0 and answer.bound == 1.0 and answer.energy == 1.0


# ---------------------------------------------------------------------------------------------- files
def test_kind_reads_gset_and_dimacs_by_extension(tmp_path):
    gset = tmp_path / "square.txt"
    write_gset(gset, 4, [(0, 1), (1, 2), (2, 3), (3, 0)], [1.0, 2.0, 1.0, 2.0])
    problem, _ = load_instance("bisection", str(gset))
    assert problem.n == 4 and problem.name == "square"
    assert {tuple(edge): weight for edge, weight in zip(problem.edges.tolist(), problem.weights.tolist())} == \
        {(0, 1): 1.0, (1, 2): 2.0, (2, 3): 1.0, (0, 3): 2.0}
    dimacs = tmp_path / "path.col"
    write_dimacs(dimacs, 4, [(0, 1), (1, 2), (2, 3)])
    problem, _ = load_instance("bisection", str(dimacs))
    assert problem.n == 4 and len(problem.edges) == 3


@pytest.mark.parametrize("name, text, message", [
    ("bad.txt", "3 1\n1 4 1\n", "bad.txt:2: node id 4 is out of range 1..3"),
    ("short.txt", "3 2\n1 2 1\n", "truncated"),
    ("bad.col", "p edge 3 1\ne 1 x\n", "bad.col:2: edge line"),
    ("empty.txt", "", "no header")])
def test_malformed_files_exit_2_with_one_line_naming_the_place(tmp_path, capsys, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    assert main(["solve", "bisection", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err and captured.err.count("\n") == 1


# ---------------------------------------------------------------------------------------------- heuristics
def test_rising_penalty_anneal_finds_the_minimum_bisection_of_small_graphs():
    for seed in range(3):
        problem = GraphBisection.random(14, 0.3, rng=seed)
        sides, result, history = rising_penalty_anneal(problem, sweeps=300, restarts=4, rng=seed)
        assert problem.evaluate(sides).feasible
        assert problem.cut_weight(sides) == brute_force_bisection(problem)
        assert history[0][0] == min(0.25, problem.penalty_bound() / 2)
        assert history[-1][2]  # without a time limit the search ends at its first balanced round
        assert all(later[0] == 2 * earlier[0] for earlier, later in zip(history, history[1:]))


def test_rising_penalty_doubles_while_unbalanced_and_respects_the_time_limit():
    # K8 with weight 3 on every edge but one of weight 1: the start A = 1/4 makes one side holding all nodes
    # cheaper (cut 0, penalty 16) than any bisection (cut about 46): the penalty must rise to above 3/4
    graph = nx.complete_graph(8)
    edges = list(graph.edges())
    problem = GraphBisection(8, edges, [1.0] + [3.0] * (len(edges) - 1))
    sides, _, history = rising_penalty_anneal(problem, time_limit=1.0, rng=0)
    assert problem.evaluate(sides).feasible
    assert history[0][0] == 0.25 and not history[0][2]
    assert history[-1][2] and history[-1][0] > 0.75
    assert history[-1][3] < 1.5
    assert problem.cut_weight(sides) == brute_force_bisection(problem)


def test_hopopt_solve_runs_the_rising_penalty_and_single_flip_runs_the_plain_anneal():
    problem = GraphBisection.random(16, 0.3, rng=3)
    answer = hopopt.solve(problem, time_limit=0.5, rng=0)
    assert answer.feasible and answer.objective == brute_force_bisection(problem)
    assert answer.info["moves"] == "single-flip" and "history" in answer.info and answer.time_s > 0
    assert answer.energy == pytest.approx(answer.objective)
    plain = hopopt.solve(problem, time_limit=0.3, rng=0, moves="single-flip")
    assert plain.feasible and "history" not in plain.info


def test_peers_run_through_the_bench_runner():
    problem = GraphBisection.random(24, 0.2, rng=1)
    best = exact_bisection(problem, time_limit=30)
    for peer in ("networkx-kernighan-lin", "dwave-sa"):
        record = run_solver("bisection", problem, "tiny", peer, Budget(time_limit=0.4, seed=2, restarts=2))
        assert record["status"] == "ok" and record["feasible"], record
        assert record["objective"] >= problem.cut_weight(best.solution)


def test_cli_solve_json_and_plot(tmp_path, capsys):
    picture = tmp_path / "cut.png"
    assert main(["solve", "bisection", "random:n=12,seed=2,p=0.4", "--time-limit", "0.3", "--json",
                 "--plot", str(picture)]) == 0
    solved = json.loads(capsys.readouterr().out)
    assert solved["feasible"] and sum(solved["solution"]) == 6 and picture.stat().st_size > 0
    assert KINDS["bisection"].solvers == ("anneal",)


@pytest.mark.parametrize("seed", range(4))
def test_exact_by_enumeration_of_the_penalty_model_equals_the_balanced_minimum(seed):
    """Dense graphs go to brute force over the penalty model; its answer is the minimum over balanced sides."""
    import itertools

    from hopopt.kinds.bisection import exact_bisection

    problem = GraphBisection.random(11, 0.6, rng=seed)
    answer = exact_bisection(problem)
    assert answer.method == "brute-force" and answer.optimal
    small, large = problem.side_sizes
    best = min(problem.cut_weight(np.array(sides)) for sides in itertools.product((0, 1), repeat=problem.n)
               if small <= sum(sides) <= large)
    assert problem.cut_weight(answer.solution) == best == answer.bound


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 9))
@settings(max_examples=40, deadline=None)
def test_solution_energy_is_the_models_energy_of_the_state(seed, n):
    # the command reports it without building the model: it must be the model's energy of the same state,
    # balanced or not
    rng = np.random.default_rng(seed)
    problem = GraphBisection.random(n, 0.6, rng=seed)
    sides = rng.integers(0, 2, n)
    expected = problem.to_model().energy(2 * sides - 1)
    assert problem.solution_energy(sides) == pytest.approx(expected, rel=1e-12, abs=1e-9)
