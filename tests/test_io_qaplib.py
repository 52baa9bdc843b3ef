"""QAPLIB instances and solutions in hopopt.io: round trips, the cost, which reading of a solution is meant, and
one-line errors that name the file and the line."""

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hopopt.errors import InputError
from hopopt.io import (QAPInstance, QAPSolution, parse_qaplib, parse_qaplib_solution, qap_cost, read_qaplib,
                       read_qaplib_solution, solution_permutation, write_qaplib, write_qaplib_solution)

SHARED_INSTANCES = Path(__file__).resolve().parents[2] / "shared" / "instances"
needs_shared = pytest.mark.skipif(not SHARED_INSTANCES.is_dir(),
                                  reason=f"benchmark mirror {SHARED_INSTANCES} is absent")
QAPLIB = SHARED_INSTANCES / "qaplib"
# The QAPLIB solution files whose permutation is the inverse of the one that gives the stated cost.
INVERSE = {"kra30a", "tho30"}


def shared_rows(problem):
    if not SHARED_INSTANCES.is_dir():
        return []
    with open(SHARED_INSTANCES / "catalog.csv", newline="") as stream:
        return [row for row in csv.DictReader(stream) if row["problem"] == problem]


def naive_cost(flow, distance, permutation):
    """The QAP objective one term at a time, as QAPLIB defines it."""
    n = len(permutation)
    return sum(flow[i][j] * distance[permutation[i]][permutation[j]] for i in range(n) for j in range(n))


# ---------------------------------------------------------------------------------------------- round trips
@st.composite
def integer_matrices(draw, max_n=6):
    """Two n × n integer matrices, neither symmetric nor zero on the diagonal in general."""
    n = draw(st.integers(1, max_n))
    entries = st.integers(-10**6, 10**6)
    flow = draw(st.lists(st.lists(entries, min_size=n, max_size=n), min_size=n, max_size=n))
    distance = draw(st.lists(st.lists(entries, min_size=n, max_size=n), min_size=n, max_size=n))
    return flow, distance


@st.composite
def wrapped(draw, tokens, separators=(" ", "  ", "\t")):
    """``tokens`` joined by random separators, with line breaks (and blank lines) at random places."""
    pieces = [tokens[0]]
    for token in tokens[1:]:
        pieces.append(draw(st.sampled_from(separators + ("\n", "\n\n", " \n  ", "\r\n"))))
        pieces.append(token)
    return draw(st.sampled_from(["", "\n", "  "])) + "".join(pieces) + draw(st.sampled_from(["", "\n", "\n\n"]))


@settings(max_examples=60, deadline=None)
@given(data=st.data(), matrices=integer_matrices())
def test_parse_qaplib_reads_integer_matrices_however_the_lines_wrap(data, matrices):
    flow, distance = matrices
    n = len(flow)
    tokens = [str(n)] + [str(value) for row in flow + distance for value in row]
    text = data.draw(wrapped(tokens))
    instance = parse_qaplib(text, name="random")
    assert instance == QAPInstance("random", n, flow, distance)
    assert instance.flow.tolist() == flow and instance.distance.tolist() == distance


@settings(max_examples=40, deadline=None)
@given(matrices=integer_matrices())
def test_write_then_read_qaplib_round_trips(tmp_path_factory, matrices):
    flow, distance = matrices
    path = tmp_path_factory.mktemp("qap") / "random.dat"
    write_qaplib(path, flow, distance)
    assert read_qaplib(path) == QAPInstance("random", len(flow), flow, distance)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), permutation=st.integers(1, 40).flatmap(lambda n: st.permutations(range(n))),
       cost=st.integers(-10**12, 10**12))
def test_qaplib_solutions_round_trip_through_files_and_any_wrapping(tmp_path_factory, data, permutation, cost):
    path = tmp_path_factory.mktemp("sln") / "random.sln"
    write_qaplib_solution(path, permutation, cost)
    assert read_qaplib_solution(path) == QAPSolution("random", len(permutation), cost, permutation)
    body = data.draw(wrapped([str(p + 1) for p in permutation], separators=(" ", ",", ", ", " , ", ",\t")))
    solution = parse_qaplib_solution(f"{len(permutation)} {cost}\n{body}", name="random")
    assert solution.permutation.tolist() == list(permutation) and solution.cost == cost


def test_write_qaplib_writes_aligned_rows_and_blank_lines(tmp_path):
    path = tmp_path / "two.dat"
    write_qaplib(path, np.array([[0.0, -3.0], [12.0, 1.0]]), [[0, 100], [7, 0]])
    assert path.read_text() == "2\n\n 0 -3\n12  1\n\n  0 100\n  7   0\n"


def test_whole_decimals_crlf_and_numbers_on_the_size_line_are_read():
    instance = parse_qaplib("2 0 1\r\n1 0\r\n\r\n3.0 4\r\n5 6e0\r\n")
    assert instance.flow.tolist() == [[0, 1], [1, 0]] and instance.distance.tolist() == [[3, 4], [5, 6]]


# ---------------------------------------------------------------------------------------------- cost
@settings(max_examples=60, deadline=None)
@given(data=st.data(), matrices=integer_matrices(max_n=7))
def test_qap_cost_equals_the_naive_sum_and_the_inverse_swaps_the_matrices(data, matrices):
    flow, distance = matrices
    permutation = data.draw(st.permutations(range(len(flow))))
    assert qap_cost(flow, distance, permutation) == naive_cost(flow, distance, permutation)
    # sum_ij A_ij B_q(i)q(j) with q = p^-1 is sum_kl A_p(k)p(l) B_kl: the inverse reads A and B the other way
    inverse = np.argsort(permutation)
    assert qap_cost(flow, distance, inverse) == qap_cost(distance, flow, permutation)


@pytest.mark.parametrize("flow, distance, permutation, message", [
    ([[0, 1], [1, 0]], [[0, 1], [1, 0]], [0, 0], "permutation must use each location 0..1 exactly once; used more "
                                                  "than once: 0; never used: 1"),
    ([[0, 1], [1, 0]], [[0, 1], [1, 0]], [0, 2], "permutation has location index 2 outside 0..1"),
    ([[0, 1], [1, 0]], [[0, 1], [1, 0]], [0], "permutation must place each of the n = 2 facilities, got 1 entries"),
    ([[0, 1], [1, 0]], [[0, 1], [1, 0]], [0.0, 1.0], "permutation must hold integer location indices"),
    ([[0, 1], [1, 0]], [[0, 1], [1, 0]], [[0, 1]], "permutation must be a 1-D sequence"),
    ([[0, 1, 2], [1, 0, 3]], [[0, 1], [1, 0]], [0, 1], "flow must be a square matrix, got shape (2, 3)"),
    ([[0, 1], [1, 0]], [[0, 1, 2], [1, 0, 3], [0, 0, 0]], [0, 1], "distance must have shape (n, n) = (2, 2)"),
    ([[0, np.nan], [1, 0]], [[0, 1], [1, 0]], [0, 1], "flow must be finite, got flow[0, 1] = nan"),
    ([[0, 1], [1, 0]], "ab", [0, 1], "distance must be an (n, n) array of numbers"),
])
def test_qap_cost_rejects_bad_arguments(flow, distance, permutation, message):
    with pytest.raises(InputError) as caught:
        qap_cost(flow, distance, permutation)
    assert message in str(caught.value)


# ---------------------------------------------------------------------------------------------- records
def test_records_are_read_only_and_compare_by_value():
    instance = QAPInstance("x", 2, [[0, 1], [2, 0]], [[0, 3], [4, 5]])
    with pytest.raises(ValueError):
        instance.flow[0, 0] = 9
    with pytest.raises(ValueError):
        instance.distance[0, 0] = 9
    assert instance == QAPInstance("x", 2, np.array([[0, 1], [2, 0]]), [[0, 3], [4, 5]])
    assert instance != QAPInstance("y", 2, [[0, 1], [2, 0]], [[0, 3], [4, 5]])
    assert instance != QAPInstance("x", 2, [[0, 1], [2, 0]], [[0, 3], [4, 6]])
    solution = QAPSolution("x", 2, 7.0, [1, 0])
    assert solution.cost == 7 and isinstance(solution.cost, int)
    with pytest.raises(ValueError):
        solution.permutation[0] = 0
    assert solution == QAPSolution("x", 2, 7, np.array([1, 0]))
    assert solution != QAPSolution("x", 2, 8, [1, 0])


@pytest.mark.parametrize("arguments, message", [
    (("x", 2, [[0, 1]], [[0, 1], [1, 0]]), "flow must have shape (n, n) = (2, 2), got (1, 2)"),
    (("x", 2, [[0, 1], [1, 0]], [[0, np.inf], [1, 0]]), "distance must be finite"),
])
def test_qap_instance_checks_its_fields(arguments, message):
    with pytest.raises(InputError) as caught:
        QAPInstance(*arguments)
    assert message in str(caught.value)


def test_qap_solution_cost_must_be_whole():
    with pytest.raises(InputError, match="cost must be a whole number, got 1.5"):
        QAPSolution("x", 2, 1.5, [0, 1])


# ---------------------------------------------------------------------------------------------- bad files
GOOD_BODY = "0 1\n1 0\n\n0 5\n5 0\n"   # lines 2-6 after the size line
BAD_DAT = [
    ("", "x.dat: no size n (the file is empty)"),
    ("\n   \n\n", "x.dat: no size n (the file is empty)"),
    ("2.5\n" + GOOD_BODY, "x.dat:1: the size n must be a whole number, got '2.5'"),
    ("\ntwo\n" + GOOD_BODY, "x.dat:2: the size n must be a whole number, got 'two'"),
    ("0\n", "x.dat:1: the size n must be at least 1, got 0"),
    ("-3\n1 2 3\n", "x.dat:1: the size n must be at least 1, got -3"),
    ("2\n", "x.dat:1: expected 4 numbers for the flow matrix A, the file ends after 0"),
    ("2\n0 1\n1\n", "x.dat:3: expected 4 numbers for the flow matrix A, the file ends after 3"),
    ("2\n0 1\n1 0\n\n0 5\n5\n\n", "x.dat:6: expected 4 numbers for the distance matrix B, the file ends after 3"),
    ("2\n0 1\n1 0\n", "x.dat:3: expected 4 numbers for the distance matrix B, the file ends after 0"),
    ("2\n" + GOOD_BODY + "7\n", "x.dat:7: 1 extra number(s) after the distance matrix B, first '7' "
                                "(n = 2: the file holds n and 2 × 4 numbers)"),
    ("2\n0 1 1 0\n0 5 5 0 7 8\n", "x.dat:3: 2 extra number(s) after the distance matrix B, first '7'"),
    ("2\n0 1\n1 0.5\n\n0 5\n5 0\n", "x.dat:3: entries of the flow matrix A must be whole numbers, got '0.5' "
                                    "(row 2, column 2)"),
    ("2\n0 1\n1 0\n\n0 x\n5 0\n", "x.dat:5: entries of the distance matrix B must be integers, got 'x' "
                                  "(row 1, column 2)"),
    ("2\n0 1\n1 0\n\n0 5\n5 nan\n", "x.dat:6: entries of the distance matrix B must be finite integers, got 'nan' "
                                    "(row 2, column 2)"),
    ("2\ninf 1\n1 0\n\n0 5\n5 0\n", "x.dat:2: entries of the flow matrix A must be finite integers, got 'inf' "
                                    "(row 1, column 1)"),
    ("2\n0 1\n1 0\n\n0 5\n-Infinity 0\n", "x.dat:6: entries of the distance matrix B must be finite integers"),
    ("2\n0 1\n1 " + "9" * 400 + "\n\n0 5\n5 0\n", "x.dat:3: entries of the flow matrix A must be integers below "
                                                  "1e308 in magnitude"),
    ("2\n0 1\n1 0\n\n0 5\n5 0,\n", "x.dat:6: entries of the distance matrix B must be integers, got '0,'"),
]


@pytest.mark.parametrize("text, message", BAD_DAT)
def test_parse_qaplib_rejects_malformed_input_with_one_line_naming_the_place(text, message):
    with pytest.raises(InputError) as caught:
        parse_qaplib(text, name="x.dat")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


BAD_SLN = [
    ("", "x.sln: no first line 'n cost' (the file is empty)"),
    ("3\n1 2 3\n", "x.sln:1: the first line must be 'n cost' with a whole number n and an integer cost, got '3'"),
    ("\n3 12 1\n2 3\n", "x.sln:2: the first line must be 'n cost'"),
    ("3 x\n1 2 3\n", "x.sln:1: the first line must be 'n cost'"),
    ("3 1.5\n1 2 3\n", "x.sln:1: the first line must be 'n cost'"),
    ("3 nan\n1 2 3\n", "x.sln:1: the first line must be 'n cost'"),
    ("3.0 12\n1 2 3\n", "x.sln:1: the first line must be 'n cost'"),
    ("0 0\n", "x.sln:1: the size n must be at least 1, got 0"),
    ("3 1e20\n1 2 3\n", "x.sln:1: the cost must be below 2**53 in magnitude, got '1e20'"),
    ("3 12\n1 2\n4\n", "x.sln:3: 4 is out of range 1..3 (n on line 1)"),
    ("3 12\n1 0 2\n", "x.sln:2: 0 is out of range 1..3"),
    ("3 12\n1 2\n\n2\n", "x.sln:4: 2 appears twice in the permutation (first on line 2)"),
    ("3 12\n1, 2,\n", "x.sln:2: the permutation has 2 numbers, n = 3 needs all of 1..3; missing: 3"),
    ("3 12\n", "x.sln:1: the permutation has 0 numbers, n = 3 needs all of 1..3; missing: 1, 2, 3"),
    ("3 12\n1 2 3\n4\n", "x.sln:3: more than n = 3 numbers in the permutation, got '4' after the last"),
    ("3 12\n1 2.0 3\n", "x.sln:2: the permutation must hold whole numbers 1..3, got '2.0'"),
    ("3 12\n1 2; 3\n", "x.sln:2: the permutation must hold whole numbers 1..3, got '2;'"),
]


@pytest.mark.parametrize("text, message", BAD_SLN)
def test_parse_qaplib_solution_rejects_malformed_input_with_one_line_naming_the_place(text, message):
    with pytest.raises(InputError) as caught:
        parse_qaplib_solution(text, name="x.sln")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_solution_separators_and_blank_lines():
    solution = parse_qaplib_solution("\n  4, 10 \n\n2,4,\n\n 1 ,3,\n\n", name="s")
    assert (solution.n, solution.cost, solution.permutation.tolist()) == (4, 10, [1, 3, 0, 2])
    assert parse_qaplib_solution("1 -5\n1\n").cost == -5


def test_readers_name_the_file_as_given_and_records_after_the_stem(tmp_path):
    path = tmp_path / "bad.dat"
    path.write_text("2\n0 1\n1 x\n0 5\n5 0\n")
    with pytest.raises(InputError) as caught:
        read_qaplib(str(path))
    assert str(caught.value).startswith(f"{path}:3: entries of the flow matrix A must be integers, got 'x'")
    path.write_text("2\n0 1\n1 0\n0 5\n5 0\n")
    assert read_qaplib(path).name == "bad"
    solution_path = tmp_path / "bad.sln"
    solution_path.write_text("2 10\n1 1\n")
    with pytest.raises(InputError, match=r"bad\.sln:2: 1 appears twice in the permutation \(first on line 2\)$"):
        read_qaplib_solution(solution_path)
    solution_path.write_text("2 10\n2 1\n")
    assert read_qaplib_solution(solution_path).name == "bad"


def test_readers_report_missing_files_directories_and_bad_bytes(tmp_path):
    for reader in (read_qaplib, read_qaplib_solution):
        with pytest.raises(InputError, match="file not found: .*nowhere"):
            reader(tmp_path / "nowhere")
        with pytest.raises(InputError, match="is a directory"):
            reader(tmp_path)
    path = tmp_path / "binary.dat"
    path.write_bytes(b"2\n0 1\n\xff\n")
    with pytest.raises(InputError, match=r"binary\.dat:3: byte 0xff at offset 6 is not valid UTF-8 text"):
        read_qaplib(path)


@pytest.mark.parametrize("flow, distance, message", [
    ([[0, 1], [1, 0]], np.zeros((3, 3)), "distance must have the same shape as flow (2, 2), got (3, 3)"),
    ([[0, 1, 2], [1, 0, 2]], [[0, 1], [1, 0]], "flow must be a square (n, n) matrix with n ≥ 1, got shape (2, 3)"),
    (np.zeros((0, 0)), np.zeros((0, 0)), "flow must be a square (n, n) matrix with n ≥ 1, got shape (0, 0)"),
    ([[0, 0.5], [1, 0]], [[0, 1], [1, 0]], "flow entries must be integers below 2**53 in magnitude (QAPLIB files "
                                           "hold integers), got flow[0, 1] = 0.5"),
    ([[0, 1], [1, 0]], [[0, 1], [np.nan, 0]], "got distance[1, 0] = nan"),
    ([[0, 1], [1, 0]], [[0, 2.0**60], [1, 0]], "got distance[0, 1] = 1.15"),
    ([[0, 1], ["a", 0]], [[0, 1], [1, 0]], "flow must be an (n, n) array of numbers"),
])
def test_write_qaplib_refuses_what_would_not_read_back(tmp_path, flow, distance, message):
    with pytest.raises(InputError) as caught:
        write_qaplib(tmp_path / "x.dat", flow, distance)
    assert message in str(caught.value)
    assert not (tmp_path / "x.dat").exists()


@pytest.mark.parametrize("permutation, cost, message", [
    ([], 0, "permutation must place at least one facility, got an empty permutation"),
    ([0, 0, 2], 3, "permutation must use each location 0..2 exactly once; used more than once: 0; never used: 1"),
    ([1, 2], 3, "permutation has location index 2 outside 0..1"),
    ([[0, 1]], 3, "permutation must be a 1-D sequence"),
    ([0.0, 1.0], 3, "permutation must hold integer location indices"),
    ([0, 1], 1.5, "cost must be a whole number below 2**53 in magnitude, got 1.5"),
    ([0, 1], float("nan"), "cost must be a whole number below 2**53 in magnitude, got nan"),
    ([0, 1], True, "cost must be a whole number below 2**53 in magnitude, got True"),
    ([0, 1], "ten", "cost must be a whole number, got 'ten'"),
])
def test_write_qaplib_solution_refuses_what_would_not_read_back(tmp_path, permutation, cost, message):
    with pytest.raises(InputError) as caught:
        write_qaplib_solution(tmp_path / "x.sln", permutation, cost)
    assert message in str(caught.value)


def test_write_qaplib_solution_format(tmp_path):
    path = tmp_path / "s.sln"
    write_qaplib_solution(path, np.array([3, 0, 2, 1]), np.float64(578.0))
    assert path.read_text() == "4 578\n4 1 3 2\n"


# ---------------------------------------------------------------------------------------------- which reading
def test_solution_permutation_prefers_the_permutation_as_written_and_falls_back_to_its_inverse():
    rng = np.random.default_rng(3)
    flow, distance = rng.integers(0, 20, size=(2, 6, 6))
    permutation = np.array([3, 5, 0, 1, 4, 2])
    inverse = np.argsort(permutation)
    as_written, inverse_cost = qap_cost(flow, distance, permutation), qap_cost(flow, distance, inverse)
    assert as_written != inverse_cost
    instance = QAPInstance("r", 6, flow, distance)
    chosen, reading = solution_permutation(instance, QAPSolution("r", 6, as_written, permutation))
    assert reading == "as written" and chosen.tolist() == permutation.tolist()
    chosen, reading = solution_permutation(instance, QAPSolution("r", 6, inverse_cost, permutation))
    assert reading == "inverse" and chosen.tolist() == inverse.tolist()
    chosen[0] = chosen[1]  # a new, writable array: the record is untouched
    with pytest.raises(InputError) as caught:
        solution_permutation(instance, QAPSolution("r", 6, as_written + 1, permutation))
    message = str(caught.value)
    assert f"stated cost {int(as_written) + 1}" in message
    assert f"as written (cost {int(as_written)})" in message and f"inverse (cost {int(inverse_cost)})" in message


def test_solution_permutation_reads_as_written_when_both_readings_give_the_cost():
    instance = QAPInstance("sym", 3, np.ones((3, 3)), np.ones((3, 3)))
    assert solution_permutation(instance, QAPSolution("sym", 3, 9, [1, 2, 0]))[1] == "as written"


def test_solution_permutation_rejects_a_solution_of_another_size():
    instance = QAPInstance("three", 3, np.zeros((3, 3)), np.zeros((3, 3)))
    with pytest.raises(InputError, match="solution two is for n = 2 .*the instance three has n = 3"):
        solution_permutation(instance, QAPSolution("two", 2, 0, [1, 0]))


# ---------------------------------------------------------------------------------------------- real files
QAP_ROWS = shared_rows("qap")
PAIRS = sorted(path.stem for path in QAPLIB.glob("*.dat") if path.with_suffix(".sln").exists()) \
    if QAPLIB.is_dir() else []


@needs_shared
def test_every_catalogued_qap_instance_has_a_dat_and_a_sln_file():
    assert QAP_ROWS, "catalog.csv lists no qap instances"
    for row in QAP_ROWS:
        assert (SHARED_INSTANCES / row["file"]).exists(), row["file"]
        assert row["name"] in PAIRS, row["name"]


@needs_shared
@pytest.mark.parametrize("name", PAIRS)
def test_every_qaplib_solution_has_the_catalogued_optimum(name):
    instance = read_qaplib(QAPLIB / f"{name}.dat")
    solution = read_qaplib_solution(QAPLIB / f"{name}.sln")
    assert instance.name == solution.name == name
    assert instance.n == solution.n
    row = next((row for row in QAP_ROWS if row["name"] == name), None)
    assert row is not None, f"{name} is not in catalog.csv"
    assert instance.n == int(row["nodes"])
    permutation, reading = solution_permutation(instance, solution)
    assert qap_cost(instance.flow, instance.distance, permutation) == float(row["optimum"]) == solution.cost
    assert naive_cost(instance.flow.tolist(), instance.distance.tolist(), permutation.tolist()) == solution.cost
    assert reading == ("inverse" if name in INVERSE else "as written")


@needs_shared
def test_kra30a_and_tho30_list_the_inverse_permutation():
    for name in sorted(INVERSE):
        instance = read_qaplib(QAPLIB / f"{name}.dat")
        solution = read_qaplib_solution(QAPLIB / f"{name}.sln")
        assert qap_cost(instance.flow, instance.distance, solution.permutation) != solution.cost
        permutation, reading = solution_permutation(instance, solution)
        assert reading == "inverse"
        assert permutation.tolist() == np.argsort(solution.permutation).tolist()
