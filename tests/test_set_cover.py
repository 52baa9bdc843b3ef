"""Weighted set cover: the energy against enumeration, repair and polish invariants, the MILP against brute force,
Chvátal's greedy bound, the OR-Library scp reader (wrapped numbers, one-line errors), random instances and the CLI."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import hopopt
from hopopt.cli import main
from hopopt.errors import InputError
from hopopt.io.orlib import parse_scp, read_scp, write_scp
from hopopt.kinds.knapsack import greedy_set_cover
from hopopt.problems import SetCover


def brute_force(problem):
    """The least cost over all covers (the oracle)."""
    best = np.inf
    for bits in itertools.product((0, 1), repeat=problem.n):
        bits = np.array(bits)
        if np.all(problem.incidence @ bits > 0):
            best = min(best, float(problem.costs @ bits))
    return best


def all_states(size):
    return np.array(list(itertools.product((0, 1), repeat=size)), dtype=np.int8)


@st.composite
def instances(draw, max_sets=6, max_elements=4):
    """A small instance in which every element is in some set."""
    m = draw(st.integers(1, max_elements))
    n = draw(st.integers(1, max_sets))
    sets = [draw(st.sets(st.integers(0, m - 1), max_size=m)) for _ in range(n)]
    for element in range(m):
        if not any(element in members for members in sets):
            sets[draw(st.integers(0, n - 1))].add(element)
    costs = draw(st.lists(st.integers(0, 9), min_size=n, max_size=n))
    return SetCover(m, [sorted(members) for members in sets], costs)


def is_minimal_cover(problem, chosen):
    counts = problem.incidence @ chosen
    if np.any(counts == 0):
        return False
    return all(np.any(counts[problem.sets[j]] == 1) for j in np.flatnonzero(chosen))


@settings(max_examples=40, deadline=None)
@given(instances())
def test_every_ground_state_is_an_optimal_cover_and_covers_have_their_cost_as_energy(problem):
    model = problem.to_model()
    if model.n > 16:
        return
    optimum = brute_force(problem)
    # the default penalty, and one just above the documented bound max_e min_{S∋e} c_S (the rule's edge)
    for penalized in (model, problem.to_model(1.001 * problem.penalty_bound() + 1e-3)):
        states = all_states(penalized.n)
        energies = penalized.energies(states)
        assert energies.min() == pytest.approx(optimum)
        for state in states[energies <= energies.min() + 1e-9]:
            assert problem.evaluate(state[:problem.n]).feasible
    for bits in all_states(problem.n):
        if problem.evaluate(bits).feasible:
            assert model.energy(problem.encode(bits)) == pytest.approx(problem.costs @ bits)


@settings(max_examples=40, deadline=None)
@given(instances(max_sets=8, max_elements=6))
def test_the_milp_agrees_with_brute_force_and_greedy_stays_within_its_bound(problem):
    optimum = brute_force(problem)
    exact = hopopt.solve_exact(problem)
    assert exact.optimal and exact.feasible and exact.objective == pytest.approx(optimum)
    assert exact.bound <= exact.objective + 1e-9
    greedy = greedy_set_cover(problem)
    assert problem.evaluate(greedy).feasible
    largest = max(members.size for members in problem.sets)
    harmonic = sum(1 / k for k in range(1, largest + 1))
    assert optimum - 1e-9 <= problem.evaluate(greedy).objective <= harmonic * optimum + 1e-9


@settings(max_examples=60, deadline=None)
@given(instances(max_sets=8, max_elements=6), st.integers(0, 2**31 - 1))
def test_decode_gives_minimal_covers_that_decode_to_themselves_and_polish_only_improves(problem, seed):
    state = np.random.default_rng(seed).integers(0, 2, problem.n_variables)
    decoded = problem.decode(state)
    assert problem.evaluate(decoded).feasible and is_minimal_cover(problem, decoded)
    assert np.array_equal(problem.decode(problem.encode(decoded)), decoded)
    polished = problem.polish(decoded)
    assert problem.evaluate(polished).feasible and is_minimal_cover(problem, polished)
    assert problem.evaluate(polished).objective <= problem.evaluate(decoded).objective + 1e-9


def test_repair_adds_the_cheapest_per_new_element_then_drops_the_most_expensive_redundant_set():
    problem = SetCover(4, [[0, 1, 2, 3], [0, 1], [2, 3], [0]], costs=[10, 3, 3, 1])
    # nothing chosen: set 0 costs 10/4 = 2.5 per element, set 3 1/1, sets 1 and 2 1.5 → 3, then 1 (covers 1), 2
    assert problem.repair([0, 0, 0, 0]).tolist() == [0, 1, 1, 0]  # set 3 is redundant beside set 1
    assert problem.repair([1, 1, 1, 0]).tolist() == [0, 1, 1, 0]  # set 0 (most expensive) goes first
    assert problem.polish([1, 0, 0, 0]).tolist() == [0, 1, 1, 0]


def test_evaluate_names_each_uncovered_element_and_its_sets():
    problem = SetCover(3, [[0, 1], [1, 2], [2]], costs=[2, 3, 1])
    evaluation = problem.evaluate([0, 0, 1])
    assert not evaluation.feasible
    assert evaluation.violations == ("element 0 is not covered (sets holding it: 0)",
                                     "element 1 is not covered (sets holding it: 0, 1)")
    many = SetCover(30, [list(range(30))] + [[e] for e in range(30)])
    lines = many.evaluate(np.zeros(31, dtype=int)).violations
    assert len(lines) == 21 and lines[-1] == "... and 10 more uncovered elements"
    with pytest.raises(ValueError, match="one 0/1 per set"):
        problem.evaluate([1, 0])


@pytest.mark.parametrize("arguments, message", [
    ((2, [[0]]), "element 1 is in no set"),
    ((2, [[0, 2], [1]]), "outside 0..1"),
    ((2, [[0, 1]], [-1]), "≥ 0"),
    ((2, [[0, 1]], [1, 2]), "one entry per set"),
    ((0, [[0]]), "n_elements"),
    ((1, []), "at least one set"),
    ((1, [["a"]]), "integer element ids"),
])
def test_constructor_errors_say_the_rule(arguments, message):
    with pytest.raises(ValueError, match=message):
        SetCover(*arguments)


def test_explain_has_one_penalty_per_element():
    problem = SetCover(3, [[0, 1], [1, 2], [2]], costs=[2, 3, 1])
    model = problem.to_model()
    explanation = problem.explain(problem.encode([1, 1, 1]), model)
    assert set(explanation.terms) == {"objective", "penalty: element 0", "penalty: element 1", "penalty: element 2"}
    assert explanation.total == pytest.approx(6) and explanation.feasible
    empty = problem.explain(np.zeros(model.n, dtype=np.int8), model)
    assert empty.terms["penalty: element 0"] > 0 and len(empty.violations) == 3
    assert model.metadata["problem"] == "setcover"


def test_random_instances_cover_every_element_and_repeat_with_the_same_rng():
    first = SetCover.random(40, 0.05, rng=3)
    again = SetCover.random(40, 0.05, rng=np.random.default_rng(3))
    assert first.n == 40 and first.n_elements == 20
    assert np.array_equal(first.costs, again.costs) and all(np.array_equal(a, b) for a, b in
                                                            zip(first.sets, again.sets))
    assert np.all(np.diff(first.incidence.indptr) >= 1)  # every element in some set
    assert first.costs.min() >= 1 and first.costs.max() <= 100
    assert SetCover.random(10, elements=7, rng=1).n_elements == 7
    with pytest.raises(ValueError, match="density"):
        SetCover.random(10, 1.5)


def test_solve_finds_the_optimum_of_a_small_instance():
    problem = SetCover.random(16, 0.3, rng=5)
    exact = hopopt.solve_exact(problem)
    found = hopopt.solve(problem, sweeps=2000, restarts=4, rng=0)  # fixed work: the same answer on any machine
    assert 30 <= problem.n_variables <= 60
    assert found.feasible and found.objective == exact.objective


# ---------------------------------------------------------------------------------------------- files
def test_the_scp_reader_takes_numbers_wrapped_anywhere_and_round_trips(tmp_path):
    wrapped = parse_scp("3 4\n1 2\n3\n4 2 1\n2\n3 1 3 4\n1 4\n", "wrapped.txt")
    assert wrapped.n_elements == 3 and wrapped.costs.tolist() == [1, 2, 3, 4]
    assert [s.tolist() for s in wrapped.sets] == [[0, 1], [0], [1], [1, 2]]
    problem = SetCover.random(30, 0.2, rng=2)
    path = tmp_path / "scp.txt"
    write_scp(path, problem.n_elements, problem.sets, problem.costs)
    again = SetCover.from_instance(read_scp(path))
    assert again.name == "scp" and np.array_equal(again.costs, problem.costs)
    assert all(np.array_equal(a, b) for a, b in zip(again.sets, problem.sets))


@pytest.mark.parametrize("text, where, message", [
    ("", "", "empty"),
    ("2\n", ":1", "ends before the number of columns"),
    ("2 x\n", ":1", "must be a number"),
    ("2 2.5\n", ":1", "whole number"),
    ("0 2\n", ":1", "at least 1"),
    ("2 2\n1 -1\n", ":2", "≥ 0"),
    ("2 2\n1 1\n1 1\n", ":3", "ends before the number of columns covering row 2"),
    ("2 2\n1 1\n1 1\n0\n", ":4", "no cover exists"),
    ("2 2\n1 1\n1 1\n1\n3\n", ":5", "column id 3 of row 2 is out of range 1..2"),
    ("2 2\n1 1\n2 1 1\n1 2\n", ":3", "listed twice"),
    ("2 2\n1 1\n1 1\n1 2\n7\n", ":5", "left after"),
    ("2 2\n1 1\n3 1 2 1\n", ":3", "only n = 2"),
    ("2 2\n1 1\n1 a\n", ":3", "must be a number"),
])
def test_malformed_scp_files_are_one_line_errors_naming_file_and_line(tmp_path, text, where, message):
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(InputError, match=message) as caught:
        read_scp(path)
    assert str(caught.value).startswith(f"{path}{where}:") and "\n" not in str(caught.value)


def test_cli_solves_exactly_and_evaluates_an_scp_file(tmp_path, capsys):
    path = tmp_path / "tiny.txt"
    write_scp(path, 4, [[0, 1], [1, 2], [2, 3], [0, 3]], [1, 3, 1, 3])
    assert main(["exact", "setcover", str(path), "--json"]) == 0
    exact = json.loads(capsys.readouterr().out)
    assert exact["optimal"] and exact["objective"] == 2 and exact["solution"] == [1, 0, 1, 0]
    assert main(["solve", "setcover", str(path), "--time-limit", "0.3", "--json"]) == 0
    solved = json.loads(capsys.readouterr().out)
    assert solved["feasible"] and solved["objective"] == 2
    bad = tmp_path / "bad.txt"
    bad.write_text("2 2\n1 1\n1 1\n0\n")
    assert main(["solve", "setcover", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{bad}:4" in err
    assert main(["compare", "setcover", "random:n=20,seed=1,density=0.2", "--time-limit", "0.3", "--solvers",
                 "hopopt-anneal,exact,greedy-chvatal", "--json"]) == 0
    rows = {row["solver"]: row for row in json.loads(capsys.readouterr().out)["rows"]}
    assert rows["greedy-chvatal"]["feasible"] and rows["greedy-chvatal"]["objective"] >= rows["exact"]["objective"]
