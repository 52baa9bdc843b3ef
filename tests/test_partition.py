"""Number partitioning: E = (Σ a s)², objective √E, exact methods against brute force, the number-file reader."""

from __future__ import annotations

import itertools
import json
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hopopt
from hopopt.bench.runners import Budget, run_solver
from hopopt.cli import main
from hopopt.errors import InputError
from hopopt.instances import load_instance
from hopopt.io.numbers import NumberList, parse_numbers, read_numbers, write_numbers
from hopopt.kinds import KINDS
from hopopt.kinds.partition import (exact_partition, karmarkar_karp, meet_in_the_middle_partition,
                                    subset_sum_partition)
from hopopt.problems.partition import NumberPartitioning

SETTINGS = settings(deadline=None, max_examples=40)

integer_lists = st.lists(st.integers(-50, 200), min_size=1, max_size=10)
float_lists = st.lists(st.floats(-100, 100, allow_nan=False, allow_infinity=False), min_size=1, max_size=9)


def brute_force_difference(numbers):
    """The smallest |Σ a s| over all 2^n sign choices (the oracle)."""
    values = np.asarray(numbers, dtype=float)
    return min(abs(float(np.dot(values, signs))) for signs in itertools.product((-1, 1), repeat=values.size))


# ---------------------------------------------------------------------------------------------- encoding
@given(numbers=integer_lists, seed=st.integers(0, 2**32 - 1))
@SETTINGS
def test_energy_is_the_squared_difference_and_the_objective_its_root(numbers, seed):
    problem = NumberPartitioning(numbers)
    model = problem.to_model()
    generator = np.random.default_rng(seed)
    for _ in range(5):
        spins = generator.choice([-1, 1], size=problem.n)
        difference = abs(sum(a * s for a, s in zip(numbers, spins.tolist())))
        groups = problem.decode(spins)
        assert groups.tolist() == [1 if s > 0 else 0 for s in spins]
        assert model.energy(spins) == difference ** 2  # exact: small integers
        assert problem.objective_from_energy(model.energy(spins)) == difference
        evaluation = problem.evaluate(groups)
        assert evaluation.feasible and evaluation.sense == "min" and evaluation.objective == difference
        zeros, ones = evaluation.extra["sums"]
        assert abs(ones - zeros) == difference and zeros + ones == sum(numbers)
        assert np.array_equal(problem.decode(problem.encode(groups)), groups)
        explanation = problem.explain(spins)
        assert explanation.total == model.energy(spins) and explanation.feasible


@given(numbers=float_lists, seed=st.integers(0, 2**32 - 1))
@SETTINGS
def test_float_numbers_energy_matches_within_rounding(numbers, seed):
    problem = NumberPartitioning(numbers)
    spins = np.random.default_rng(seed).choice([-1, 1], size=problem.n)
    difference = abs(float(np.dot(numbers, spins)))
    scale = sum(abs(a) for a in numbers) ** 2 + 1.0
    assert problem.to_model().energy(spins) == pytest.approx(difference ** 2, abs=1e-12 * scale)
    assert problem.evaluate(problem.decode(spins)).objective == pytest.approx(difference, abs=1e-9 * math.sqrt(scale))


def test_weights_offset_and_docstring_example():
    problem = NumberPartitioning([8, 7, 6, 5, 4])
    model = problem.to_model()
    weights = model.dense_weights()
    assert weights[0, 1] == -2 * 8 * 7 and np.all(np.diag(weights) == 0) and np.array_equal(weights, weights.T)
    assert model.offset == 8 ** 2 + 7 ** 2 + 6 ** 2 + 5 ** 2 + 4 ** 2
    assert problem.evaluate([1, 1, 0, 0, 0]).objective == 0.0
    assert problem.total == 30.0 and problem.integral and problem.exact_energies


def test_negative_numbers_count_against_their_group():
    problem = NumberPartitioning([5, -3, 2])
    assert problem.group_sums([1, 1, 0]) == (2.0, 2.0)
    assert problem.evaluate([1, 1, 0]).objective == 0.0
    assert exact_partition(problem).solution.tolist() in ([1, 1, 0], [0, 0, 1])


def test_the_parity_bound_is_declared_and_the_annealer_stops_at_it():
    odd, even = NumberPartitioning([3, 2, 2]), NumberPartitioning([3, 3, 2, 2])
    assert odd.to_model().metadata["ground_energy"] == 1.0 and even.to_model().metadata["ground_energy"] == 0.0
    assert "ground_energy" not in NumberPartitioning([0.5, 1.5]).to_model().metadata
    answer = hopopt.solve(NumberPartitioning.random(20, bits=6, rng=0), time_limit=5, rng=0)
    assert answer.objective <= 1 and "target energy" in answer.info["status"] and answer.time_s < 2


def test_large_integers_warn_that_energies_are_rounded():
    problem = NumberPartitioning.random(30, bits=40, rng=0)
    assert problem.integral and not problem.exact_energies
    with pytest.warns(RuntimeWarning, match="2\\^53"):
        problem.to_model()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        NumberPartitioning.random(60, bits=20, rng=0).to_model()  # 2·(60·2^20)² < 2^53: exact, silent


@pytest.mark.parametrize("numbers, message", [
    ([], "at least one number"), ([[1, 2], [3, 4]], "one-dimensional"), ([1, float("nan")], "finite"),
    (["a", 1], "list of numbers")])
def test_constructor_refuses_bad_numbers(numbers, message):
    with pytest.raises(ValueError, match=message):
        NumberPartitioning(numbers)


@pytest.mark.parametrize("state", [[1, 0, -1], [2, 1, 1], [1, 1]])
def test_decode_refuses_states_that_are_not_spins_or_bits(state):
    with pytest.raises(ValueError):
        NumberPartitioning([1, 2, 3]).decode(state)


def test_random_instances_follow_spec_7_and_the_bits_range():
    first = NumberPartitioning.random(12, bits=8, rng=5)
    assert np.array_equal(first.numbers, NumberPartitioning.random(12, bits=8, rng=5).numbers)
    assert np.array_equal(NumberPartitioning.random(12, rng=np.random.default_rng(3)).numbers,
                          NumberPartitioning.random(12, rng=np.random.default_rng(3)).numbers)
    assert first.numbers.min() >= 1 and first.numbers.max() <= 2 ** 8 and first.name.endswith("seed=5")
    for bits in (0, 53, 2.5):
        with pytest.raises(ValueError, match="bits"):
            NumberPartitioning.random(5, bits=bits)
    with pytest.raises(ValueError, match="n"):
        NumberPartitioning.random(0)


# ---------------------------------------------------------------------------------------------- exact methods
@given(numbers=integer_lists)
@SETTINGS
def test_every_exact_method_reaches_the_brute_force_optimum_on_integers(numbers):
    problem = NumberPartitioning(numbers)
    best = brute_force_difference(numbers)
    assert problem.difference(subset_sum_partition(numbers)) == best
    assert problem.difference(meet_in_the_middle_partition(numbers)) == best
    for method in ("auto", "dp", "meet-in-the-middle"):
        answer = exact_partition(problem, method=method)
        assert answer.optimal and problem.difference(answer.solution) == best and answer.bound == best
    assert problem.difference(karmarkar_karp(numbers)) >= best


@given(numbers=float_lists)
@settings(deadline=None, max_examples=25)
def test_exact_methods_on_floats_match_brute_force(numbers):
    problem = NumberPartitioning(numbers)
    best = brute_force_difference(numbers)
    answer = exact_partition(problem)
    # whole floats are integers to the dynamic programme; fractions go to the meet in the middle
    methods = ("karmarkar-karp", "dp") if problem.integral else ("karmarkar-karp", "meet-in-the-middle")
    assert answer.optimal and answer.method in methods
    assert problem.difference(answer.solution) == pytest.approx(best, abs=1e-9)


def test_the_dynamic_programme_refuses_fractions_and_unknown_methods():
    with pytest.raises(ValueError, match="integer"):
        exact_partition(NumberPartitioning([0.5, 1.5]), method="dp")
    with pytest.raises(ValueError, match="integer"):
        subset_sum_partition([0.5, 1])
    with pytest.raises(ValueError, match="method"):
        exact_partition(NumberPartitioning([1, 2]), method="ckk")


def test_milp_fallback_proves_small_instances_and_never_claims_a_wrong_bound():
    for seed in range(4):
        problem = NumberPartitioning.random(10, bits=12, rng=seed)
        best = brute_force_difference(problem.numbers)
        answer = exact_partition(problem, time_limit=20, method="milp")
        assert answer.bound <= best + 1e-9
        assert problem.difference(answer.solution) >= best
        if answer.optimal:
            assert problem.difference(answer.solution) == best


@pytest.mark.filterwarnings("ignore:.*beyond float64's exact integers")
def test_milp_search_keeps_stdout_clean_and_reports_only_the_parity_bound(capfd):
    # 46 numbers of 40 bits: too many for the meet in the middle, too large for the bitsets: the MILP search
    status = main(["exact", "partition", "random:n=46,seed=1,bits=40", "--time-limit", "1", "--json"])
    captured = capfd.readouterr()
    assert status == 0
    answer = json.loads(captured.out)  # HiGHS's chatter went to stderr, not into the JSON
    assert answer["solver"] == "exact-milp" and answer["feasible"]
    problem, _ = load_instance("partition", "random:n=46,seed=1,bits=40")
    assert answer["objective"] <= problem.difference(karmarkar_karp(problem.numbers))
    assert answer["bound"] == problem.total % 2 and answer["optimal"] is (answer["objective"] == answer["bound"])


def test_auto_skips_a_method_that_would_overrun_the_time_limit():
    problem = NumberPartitioning.random(40, bits=40, rng=0)
    assert exact_partition(problem, time_limit=0.01).method == "milp"
    assert exact_partition(problem).method == "meet-in-the-middle"


def test_auto_uses_karmarkar_karp_when_it_meets_the_parity_bound_and_dp_otherwise():
    easy = NumberPartitioning([3, 3, 2, 2])  # KK: 3-3 = 0, 2-2 = 0: a perfect split
    assert exact_partition(easy).method == "karmarkar-karp"
    hard = NumberPartitioning([8, 7, 6, 5, 4])  # KK stops at 2, the optimum is 0
    answer = exact_partition(hard)
    assert answer.method == "dp" and answer.optimal and hard.difference(answer.solution) == 0
    floats = NumberPartitioning([0.5, 0.25, 0.3, 0.1])
    assert exact_partition(floats).method == "meet-in-the-middle"


def test_dp_and_meet_in_the_middle_agree_on_thirty_numbers():
    for seed in range(3):
        problem = NumberPartitioning.random(30, bits=14, rng=seed)
        dp = problem.difference(subset_sum_partition(problem.numbers))
        middle = problem.difference(meet_in_the_middle_partition(problem.numbers))
        assert dp == middle
        assert dp <= problem.difference(karmarkar_karp(problem.numbers))
        assert dp % 2 == problem.total % 2


def test_karmarkar_karp_example_and_two_numbers():
    assert NumberPartitioning([8, 7, 6, 5, 4]).difference(karmarkar_karp([8, 7, 6, 5, 4])) == 2.0
    assert karmarkar_karp([10, 4]).tolist() in ([1, 0], [0, 1])
    assert karmarkar_karp([7]).tolist() in ([1], [0])


# ---------------------------------------------------------------------------------------------- number files
def test_parse_numbers_with_comments_and_several_per_line():
    record = parse_numbers("# header\n 8 7\t6 # trailing\n\n5\n4\n", name="five")
    assert record.values.tolist() == [8.0, 7.0, 6.0, 5.0, 4.0] and record.integers and record.name == "five"
    mixed = parse_numbers("1 2.5 1e3\n")
    assert mixed.values.tolist() == [1.0, 2.5, 1000.0] and not mixed.integers
    assert parse_numbers("1 2") == NumberList([1, 2], True, "<string>")


@pytest.mark.parametrize("text, message", [
    ("", "bad.txt: no numbers"), ("# only a comment\n\n", "bad.txt: no numbers"),
    ("1 2\n3 x4\n", "bad.txt:2: 'x4' is not a number"), ("1\nnan\n", "bad.txt:2: numbers must be finite"),
    ("inf", "bad.txt:1: numbers must be finite"), ("1\n\n9007199254740993\n", "bad.txt:3: integer"),
    ("1,2", "bad.txt:1: '1,2' is not a number")])
def test_parse_numbers_names_the_file_and_line_of_each_error(text, message):
    with pytest.raises(InputError) as error:
        parse_numbers(text, name="bad.txt")
    assert str(error.value).startswith(message)


@given(values=st.lists(st.one_of(st.integers(-10**6, 10**6).map(float),
                                 st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)),
                       min_size=1, max_size=20))
@settings(deadline=None, max_examples=30)
def test_write_then_read_numbers_round_trips(tmp_path_factory, values):
    path = tmp_path_factory.mktemp("numbers") / "list.txt"
    write_numbers(path, values)
    record = read_numbers(path)
    assert record.values.tolist() == [float(v) for v in values] and record.name == "list"


def test_read_numbers_file_errors(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_numbers(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="at least one number"):
        write_numbers(tmp_path / "empty.txt", [])


# ---------------------------------------------------------------------------------------------- the kind
def test_kind_reads_a_number_file_and_a_random_spec(tmp_path):
    path = tmp_path / "five.txt"
    path.write_text("# five numbers\n8 7 6\n5 4\n")
    problem, label = load_instance("partition", str(path))
    assert isinstance(problem, NumberPartitioning) and problem.n == 5 and problem.name == "five"
    random, _ = load_instance("partition", "random:n=9,seed=4,bits=6")
    assert random.n == 9 and random.numbers.max() <= 64
    with pytest.raises(InputError, match="bits"):
        load_instance("partition", "random:n=9,seed=4,bits=99")


def test_cli_solve_reads_numbers_and_reports_the_difference(tmp_path, capsys):
    path = tmp_path / "five.txt"
    path.write_text("8 7 6 5 4\n")
    assert main(["solve", "partition", str(path), "--time-limit", "0.3", "--json"]) == 0
    solved = json.loads(capsys.readouterr().out)
    assert solved["objective"] == 0.0 and solved["energy"] == 0.0 and solved["feasible"]
    bad = tmp_path / "bad.txt"
    bad.write_text("1 2 three\n")
    assert main(["solve", "partition", str(bad), "--json"]) == 2
    err = capsys.readouterr().err
    assert "bad.txt:1: 'three' is not a number" in err and err.count("\n") == 1


def test_hopopt_solve_finds_the_optimum_of_a_small_instance():
    problem = NumberPartitioning.random(12, bits=8, rng=1)
    best = brute_force_difference(problem.numbers)
    answer = hopopt.solve(problem, time_limit=0.3, rng=0)
    assert answer.feasible and answer.objective == best
    assert answer.energy == best ** 2
    exact = hopopt.solve_exact(problem)
    assert exact.optimal and exact.objective == best and exact.bound == best


def test_peers_run_through_the_bench_runner():
    problem = NumberPartitioning.random(20, bits=10, rng=2)
    record = run_solver("partition", problem, "tiny", "karmarkar-karp", Budget(time_limit=1))
    assert record["status"] == "ok" and record["feasible"]
    assert record["objective"] == problem.difference(karmarkar_karp(problem.numbers))
    record = run_solver("partition", problem, "tiny", "dwave-sa", Budget(time_limit=0.3, seed=1, restarts=2))
    assert record["status"] == "ok" and record["feasible"] and record["objective"] >= 0


def test_plot_draws_both_groups(tmp_path):
    from hopopt.plotting import new_figure

    figure = new_figure()
    axes = figure.add_subplot(1, 1, 1)
    KINDS["partition"].plot(NumberPartitioning([8, 7, 6, 5, 4]), np.array([1, 0, 1, 0, 0]), axes, "five")
    assert axes.get_title() == "five: sums 16 and 14, difference 2"
    assert len(axes.patches) == 5
