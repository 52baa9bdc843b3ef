"""0/1 knapsack: the energy against enumeration, repair and polish invariants, the dynamic program against brute
force and the MILP, the readers (three layouts, one-line errors), random classes, peers and the command line."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import hopopt
from hopopt.cli import main
from hopopt.errors import InputError
from hopopt.io.orlib import parse_knapsack, read_knapsack, write_knapsack
from hopopt.kinds import KINDS
from hopopt.kinds.knapsack import greedy_knapsack, knapsack_dynamic_program, knapsack_exact
from hopopt.problems import Knapsack


def brute_force(problem):
    """The best value over all item subsets that fit (the oracle)."""
    best = 0.0
    for bits in itertools.product((0, 1), repeat=problem.n):
        bits = np.array(bits)
        if problem.weights @ bits <= problem.capacity + 1e-9:
            best = max(best, float(problem.values @ bits))
    return best


def all_states(size):
    return np.array(list(itertools.product((0, 1), repeat=size)), dtype=np.int8)


small_instances = st.integers(1, 6).flatmap(lambda n: st.tuples(
    st.lists(st.integers(1, 20), min_size=n, max_size=n), st.lists(st.integers(1, 9), min_size=n, max_size=n),
    st.integers(0, 25)))


@settings(max_examples=40, deadline=None)
@given(small_instances)
def test_every_ground_state_is_an_optimum_and_feasible_energies_are_minus_the_value(data):
    values, weights, capacity = data
    problem = Knapsack(values, weights, capacity)
    optimum = brute_force(problem)
    # the default penalty, and one just above the documented bound max v (the rule's edge)
    for model in (problem.to_model(), problem.to_model(1.001 * problem.penalty_bound())):
        states = all_states(model.n)
        energies = model.energies(states)
        assert energies.min() == pytest.approx(-optimum)
        for state in states[energies <= energies.min() + 1e-9]:
            assert problem.evaluate(state[:problem.n]).feasible
    model = problem.to_model()
    for bits in all_states(problem.n):
        if problem.evaluate(bits).feasible:
            assert model.energy(problem.encode(bits)) == pytest.approx(-problem.values @ bits)
            assert problem.objective_from_energy(model.energy(problem.encode(bits))) == pytest.approx(
                problem.values @ bits)


@settings(max_examples=40, deadline=None)
@given(small_instances)
def test_the_dynamic_program_and_the_milp_agree_with_brute_force(data):
    values, weights, capacity = data
    problem = Knapsack(values, weights, capacity)
    optimum = brute_force(problem)
    choice = knapsack_dynamic_program(problem.values, problem.weights.astype(int), int(capacity))
    assert problem.evaluate(choice).feasible and problem.evaluate(choice).objective == pytest.approx(optimum)
    milp = knapsack_exact(problem, method="milp")
    assert milp.method == "milp" and milp.optimal
    assert problem.evaluate(milp.solution).objective == pytest.approx(optimum)


def test_exact_picks_the_dynamic_program_for_small_tables_and_the_milp_for_large_ones():
    small = Knapsack.random(40, "strongly", rng=3)
    dynamic = knapsack_exact(small)
    assert dynamic.method == "dynamic-programming" and dynamic.optimal and dynamic.bound == pytest.approx(
        small.evaluate(dynamic.solution).objective)
    hurried = knapsack_exact(small, time_limit=0.0001)  # too little time for the table: the MILP, stopped
    # HiGHS may stop before finding a bound or an assignment (then the empty knapsack comes back, unproven)
    assert hurried.method == "milp" and small.evaluate(hurried.solution).feasible
    assert hurried.optimal or hurried.bound is None or hurried.bound >= dynamic.bound - 1e-9
    milp = knapsack_exact(small, method="milp")
    assert milp.optimal and small.evaluate(milp.solution).objective == pytest.approx(dynamic.bound)
    huge = Knapsack([5, 4, 3], [2_000_001, 1_000_000, 3_000_007], capacity=4e7)  # 3 × 4·10⁷ cells: the MILP
    assert knapsack_exact(huge).method == "milp"


def test_decimal_weights_use_their_common_step_and_round_the_capacity_down_to_it():
    problem = Knapsack([3, 4, 5], [2.5, 1.5, 1.0], capacity=4.9)
    assert problem.weight_step == 0.5
    assert problem.constrained.constraints[0].expression.constant == -4.5  # 4.9 → 4.5, the same constraint
    answer = knapsack_exact(problem)
    assert answer.method == "dynamic-programming" and answer.solution.tolist() == [0, 1, 1]
    assert brute_force(problem) == 9.0
    with pytest.raises(ValueError, match="common step"):
        Knapsack([1, 2], [0.123456, 1], 1)


@settings(max_examples=60, deadline=None)
@given(small_instances, st.integers(0, 2**31 - 1))
def test_decode_repairs_by_worst_ratio_is_idempotent_and_polish_only_improves(data, seed):
    values, weights, capacity = data
    problem = Knapsack(values, weights, capacity)
    state = np.random.default_rng(seed).integers(0, 2, problem.n_variables)
    decoded = problem.decode(state)
    assert problem.evaluate(decoded).feasible
    assert np.all(decoded <= state[:problem.n])  # repair only drops items
    assert np.array_equal(problem.decode(problem.encode(decoded)), decoded)
    raw = state[:problem.n]
    if problem.evaluate(raw).feasible:
        assert np.array_equal(decoded, raw)
    else:  # the dropped items are the worst ratios among the chosen ones
        ratios = problem.values / problem.weights
        dropped = np.flatnonzero(raw & (1 - decoded))
        kept = np.flatnonzero(decoded)
        if kept.size:
            assert ratios[dropped].max() <= ratios[kept].min() + 1e-12
    polished = problem.polish(decoded)
    assert problem.evaluate(polished).feasible
    assert problem.evaluate(polished).objective >= problem.evaluate(decoded).objective
    spare = problem.capacity - problem.weights @ polished
    assert not np.any((polished == 0) & (problem.weights <= spare + 1e-9))  # nothing left that fits
    packed, left = np.flatnonzero(polished), np.flatnonzero(polished == 0)
    for outs in itertools.chain(itertools.combinations(packed, 1), itertools.combinations(packed, 2)):
        for ins in itertools.chain(itertools.combinations(left, 1), itertools.combinations(left, 2)):
            if len(outs) + len(ins) > 3:
                continue  # polish looks at 1-1, 2-1 and 1-2 exchanges
            fits = problem.weights[list(ins)].sum() - problem.weights[list(outs)].sum() <= spare + 1e-9
            assert not (fits and problem.values[list(ins)].sum() > problem.values[list(outs)].sum() + 1e-9)


def test_evaluate_names_the_overload_and_rejects_malformed_solutions():
    problem = Knapsack([6, 5, 4], [5, 4, 3], capacity=8)
    evaluation = problem.evaluate([1, 1, 1])
    assert not evaluation.feasible and evaluation.violations == ("the chosen items weigh 12, over the capacity 8 by 4",)
    assert evaluation.extra == {"weight": 12.0, "capacity": 8.0}
    with pytest.raises(ValueError, match="one 0/1 per item"):
        problem.evaluate([1, 0])
    with pytest.raises(ValueError, match="0 .* or 1"):
        problem.evaluate([2, 0, 0])
    with pytest.raises(ValueError, match="state"):
        problem.decode([0, 1])


@pytest.mark.parametrize("arguments, message", [
    (([1, 2], [1], 3), "one entry per item"),
    (([1, -2], [1, 1], 3), "positive"),
    (([1, 2], [1, 0], 3), "positive"),
    (([1, 2], [1, 1], -1), "capacity"),
    (([], [], 1), "at least one item"),
    ((["a"], [1], 1), "numbers"),
])
def test_constructor_errors_say_the_rule(arguments, message):
    with pytest.raises(ValueError, match=message):
        Knapsack(*arguments)


def test_explain_names_the_objective_and_the_capacity_penalty():
    problem = Knapsack([6, 5, 4], [5, 4, 3], capacity=8)
    model = problem.to_model()
    state = problem.encode([1, 0, 1])
    explanation = problem.explain(state, model)
    assert set(explanation.terms) == {"objective", "penalty: capacity"}
    assert explanation.terms["penalty: capacity"] == 0 and explanation.total == pytest.approx(-10)
    overloaded = np.ones(model.n, dtype=np.int8)
    explanation = problem.explain(overloaded, model)
    assert explanation.terms["penalty: capacity"] > 0 and explanation.violations
    assert model.metadata["problem"] == "knapsack"


def test_random_classes_follow_pisinger_and_the_same_rng_gives_the_same_instance():
    for kind, number in (("uncorrelated", 1), ("weakly", 2), ("strongly", 3)):
        first = Knapsack.random(50, kind, rng=7)
        again = Knapsack.random(50, number, rng=np.random.default_rng(7))
        assert np.array_equal(first.values, again.values) and np.array_equal(first.weights, again.weights)
        assert first.capacity == first.weights.sum() // 2
        assert first.weights.min() >= 1 and first.weights.max() <= 1000
    strongly = Knapsack.random(50, "strongly", rng=1)
    assert np.all(strongly.values == strongly.weights + 100)
    weakly = Knapsack.random(200, "weakly", rng=1)
    assert np.all(np.abs(weakly.values - weakly.weights) <= 100) and weakly.values.min() >= 1
    assert not np.array_equal(Knapsack.random(50, rng=1).values, Knapsack.random(50, rng=2).values)
    with pytest.raises(ValueError, match="kind"):
        Knapsack.random(5, "inverse")
    with pytest.raises(ValueError, match="n"):
        Knapsack.random(0)


def test_solve_finds_the_optimum_of_a_small_instance_and_the_greedy_baseline_is_feasible():
    problem = Knapsack.random(20, "strongly", rng=2, data_range=100)  # 20 items + 10 slack binaries
    exact = hopopt.solve_exact(problem)
    found = hopopt.solve(problem, sweeps=2000, restarts=4, rng=0)  # fixed work: the same answer on any machine
    assert found.feasible and found.objective == exact.objective
    assert found.info["penalty_rounds"]
    greedy = greedy_knapsack(problem)
    assert problem.evaluate(greedy).feasible and problem.evaluate(greedy).objective <= exact.objective
    assert 2 * problem.evaluate(greedy).objective >= exact.objective  # the ½-approximation


def test_the_dimod_peer_returns_a_fitting_choice_or_none():
    pytest.importorskip("dimod")
    pytest.importorskip("dwave.samplers")
    from hopopt.kinds import Budget

    problem = Knapsack.random(12, rng=4, data_range=50)
    outcome = KINDS["knapsack"].peers["dimod-knapsack-dwave-sa"].run(problem, Budget(time_limit=1, seed=0,
                                                                                        sweeps=200, restarts=4))
    assert outcome.extra["reads"] == 4
    if outcome.solution is not None:
        assert problem.evaluate(outcome.solution).feasible


# ---------------------------------------------------------------------------------------------- files
def test_the_three_layouts_read_the_same_instance(tmp_path):
    plain = parse_knapsack("# a comment\n3 10\n6 5\n5 4\n\n4 3\n", "plain.txt")
    knappi = parse_knapsack("3\n2 5 4\n1 6 5\n3 4 3\n10\n", "pi.txt")
    pisinger = parse_knapsack("knapPI_1_3_1000_1\nn 3\nc 10\nz 11\ntime 0.00\n1,6,5,1\n2,5,4,0\n3,4,3,0\n-----\n\n"
                              "knapPI_1_3_1000_2\nn 3\n", "pisinger.csv")
    for instance, layout in ((plain, "plain"), (knappi, "knapPI"), (pisinger, "pisinger")):
        assert instance.layout == layout
        assert instance.values.tolist() == [6, 5, 4] and instance.weights.tolist() == [5, 4, 3]
        assert instance.capacity == 10
    assert pisinger.optimum == 11 and pisinger.solution.tolist() == [1, 0, 0]
    path = tmp_path / "round.txt"
    write_knapsack(path, [1.5, 2], [3, 4.25], 7.5)
    again = read_knapsack(path)
    assert again.name == "round" and again.values.tolist() == [1.5, 2] and again.weights.tolist() == [3, 4.25]
    assert again.capacity == 7.5


@pytest.mark.parametrize("text, where, message", [
    ("", "", "empty"),
    ("# only a comment\n", "", "empty"),
    ("2 10\n1 1\n", ":2", "ends after 1"),
    ("2 10\n1 1\n1 1\n1 1\n", ":4", "after the 2 items"),
    ("2 10\n1 x\n1 1\n", ":2", "must be a number"),
    ("2 10\n1 -1\n1 1\n", ":2", "positive"),
    ("2 10\n1 1 1\n1 1\n", ":2", "2 numbers"),
    ("2.5 10\n1 1\n1 1\n", ":1", "whole number"),
    ("0 10\n", ":1", "at least 1"),
    ("2 -3\n1 1\n1 1\n", ":1", "≥ 0"),
    ("2 10 3\n", ":1", "3 numbers"),
    ("2\n1 1 1\n3 1 1\n5\n", ":3", "out of range 1..2"),
    ("2\n1 1 1\n1 1 1\n5\n", ":3", "listed twice"),
    ("2\n1 1 1\n2 1 1\n", ":3", "ends after"),
    ("2\n1 1 1\n2 1 1\n5 5\n", ":4", "capacity"),
    ("2\n1 1 1\n2 1 1\n5\n6\n", ":5", "after the capacity"),
    ("name\nn 2\n1,1,1,0\n2,1,1,0\n", ":3", "capacity 'c'"),
    ("name\nn 2\nc 5\n1,1,1,0\n", ":4", "lists 1 item"),
    ("name\nn 2\nc 5\n1,1,1,0\n2,1,1,7\n", ":5", "0 or 1"),
    ("name\nn 2\nc 5\n1,1,1,0\n3,1,1,0\n", ":5", "out of range"),
])
def test_malformed_knapsack_files_are_one_line_errors_naming_file_and_line(tmp_path, text, where, message):
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(InputError, match=message) as caught:
        read_knapsack(path)
    assert str(caught.value).startswith(f"{path}{where}:") and "\n" not in str(caught.value)


def test_cli_solves_exactly_and_evaluates_a_knapsack_file(tmp_path, capsys):
    path = tmp_path / "items.txt"
    write_knapsack(path, [6, 5, 4, 3], [5, 4, 3, 2], 9)
    assert main(["exact", "knapsack", str(path), "--json"]) == 0
    exact = json.loads(capsys.readouterr().out)
    assert exact["optimal"] and exact["objective"] == 12 and exact["solution"] == [0, 1, 1, 1]
    assert main(["solve", "knapsack", str(path), "--time-limit", "0.3", "--json"]) == 0
    solved = json.loads(capsys.readouterr().out)
    assert solved["feasible"] and solved["objective"] == 12 and solved["n_variables"] == 4 + 4
    bad = tmp_path / "bad.txt"
    bad.write_text("3 10\n1 1\n")
    assert main(["solve", "knapsack", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{bad}:2" in err
    assert main(["solve", "knapsack", "random:n=20,seed=1,kind=3,data_range=100", "--time-limit", "0.3",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["feasible"]
    assert main(["solve", "knapsack", "random:n=20,seed=1,kind=4"]) == 2
