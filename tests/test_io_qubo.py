"""QUBO/Ising files: qbsolv .qubo, dimod COO, .npy/.npz and dimod BQM files (hopopt.io.qubo).

Oracles: energies recomputed from the file's own terms by brute force over every state, dimod's own COO and BQM
readers and writers, and write → read round trips (hypothesis) that must give back the same record exactly.
"""

from __future__ import annotations

import itertools
import shutil

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hopopt.errors import InputError
from hopopt.io import (QuadraticInstance, parse_coo, parse_qbsolv, read_bqm, read_coo, read_numpy_quadratic,
                       read_qbsolv, read_quadratic, write_coo, write_qbsolv)

README_QUBO = """c
c  This is a sample .qubo file
c  with 4 nodes and 6 couplers
c
p  qubo  0  4  4  6
c ------------------
0  0   3.4
1  1   4.5
2  2   2.1
3  3   -2.4
c ------------------
0  1   2.2
0  2   3.4
1  2   4.5
0  3   -2
1  3   4.5678
2  3   -3.22
"""


def all_states(n, vartype):
    values = (0, 1) if vartype == "binary" else (-1, 1)
    return [np.array(state) for state in itertools.product(values, repeat=n)]


def same_record(first, second):
    """Two records hold the same model: the same arrays, offset and vartype (exactly)."""
    return (first.n == second.n and first.vartype == second.vartype and first.offset == second.offset
            and np.array_equal(first.linear, second.linear) and np.array_equal(first.rows, second.rows)
            and np.array_equal(first.cols, second.cols) and np.array_equal(first.values, second.values))


# ---------------------------------------------------------------------------------------------- qbsolv
def test_the_qbsolv_readme_example_has_the_energy_of_its_terms():
    instance = parse_qbsolv(README_QUBO, "readme.qubo")
    diagonal = {0: 3.4, 1: 4.5, 2: 2.1, 3: -2.4}
    couplers = {(0, 1): 2.2, (0, 2): 3.4, (1, 2): 4.5, (0, 3): -2, (1, 3): 4.5678, (2, 3): -3.22}
    assert instance.n == 4 and instance.vartype == "binary" and instance.file_format == "qbsolv"
    for x in all_states(4, "binary"):
        expected = sum(v * x[i] for i, v in diagonal.items()) + sum(v * x[i] * x[j] for (i, j), v in couplers.items())
        assert instance.energy(x) == pytest.approx(expected, abs=1e-12)


def test_qbsolv_node_ids_need_not_be_contiguous_and_maxnodes_is_n():
    instance = parse_qbsolv("p qubo 0 6 1 1\n5 5 -1\n0 5 2\n")
    assert instance.n == 6 and instance.linear.tolist() == [0, 0, 0, 0, 0, -1]
    assert (instance.rows.tolist(), instance.cols.tolist()) == ([0], [5])


@pytest.mark.parametrize("text, line, fragment", [
    ("", None, "no program line"),
    ("c only a comment\n", None, "no program line"),
    ("0 0 1\np qubo 0 1 1 0\n", 1, "must come before the data"),
    ("p qubo 0 2 1\n", 1, "integer counts"),
    ("p qubit 0 2 1 0\n0 0 1\n", 1, "integer counts"),
    ("p qubo 0 two 1 0\n", 1, "integer counts"),
    ("p qubo 0 0 0 0\n", 1, "must be in 1..100000000"),
    ("p qubo 0 99999999999 0 0\n", 1, "must be in 1..100000000"),
    ("p qubo 0 2 -1 0\n", 1, "at least 0"),
    ("p qubo 0 2 2 0\n0 0 1\n", 1, "nNodes = 2"),
    ("p qubo 0 2 1 1\n0 0 1\n", 1, "nCouplers = 1"),
    ("p qubo 0 2 1 0\n0 0 x\n", 2, "'x' is not a number"),
    ("p qubo 0 2 1 0\n0 0\n", 2, "3 fields"),
    ("p qubo 0 2 1 0\n0 0 1 2\n", 2, "3 fields"),
    ("p qubo 0 2 1 0\n0 a 1\n", 2, "not an integer"),
    ("p qubo 0 2 1 0\n0 1.5 1\n", 2, "not an integer"),
    ("p qubo 0 2 1 0\nc note\n\n1 2 1\n", 4, "out of range 0..1"),
    ("p qubo 0 2 1 0\n-1 0 1\n", 2, "out of range 0..1"),
    ("p qubo 0 2 1 0\n0 0 nan\n", 2, "not finite"),
    ("p qubo 0 2 1 0\n0 0 inf\n", 2, "not finite"),
    ("p qubo 0 2 2 0\n0 0 1\n0 0 2\n", 3, "node 0 appears a second time (first on line 2)"),
    ("p qubo 0 2 0 2\n0 1 1\n1 0 2\n", 3, "coupler (0, 1) appears a second time"),
    ("p qubo 0 2 1 0\n0 0 1\np qubo 0 2 1 0\n", 3, "second program line"),
    ("c offset=abc\np qubo 0 1 1 0\n0 0 1\n", 1, "offset comment"),
])
def test_malformed_qbsolv_files_name_the_file_and_line(text, line, fragment):
    with pytest.raises(InputError) as error:
        parse_qbsolv(text, name="bad.qubo")
    message = str(error.value)
    prefix = "bad.qubo:" if line is None else f"bad.qubo:{line}:"
    assert message.startswith(prefix) and fragment in message, message
    assert "\n" not in message


# ---------------------------------------------------------------------------------------------- COO
def test_coo_lines_mean_linear_and_pair_biases_and_repeats_add_up_as_in_dimod():
    dimod = pytest.importorskip("dimod")
    from dimod.serialization import coo

    text = "# a comment\n0 0 -1\n0 1 1\n1 0 0.5\n1 2 -4.5\n2 2 0.25\n2 2 0.25\n"
    for vartype in ("binary", "spin"):
        instance = parse_coo(text, vartype=vartype)
        bqm = coo.loads(text, vartype=vartype.upper())
        for state in all_states(3, vartype):
            assert instance.energy(state) == pytest.approx(bqm.energy(dict(enumerate(state))))
    assert parse_coo("# vartype=SPIN\n0 1 1\n", vartype="binary").vartype == "spin"
    assert parse_coo("#vartype: binary\n0 1 1\n", vartype="spin").vartype == "binary"
    assert dimod is not None


def test_coo_labels_that_are_not_0_to_n_minus_1_are_numbered_in_order_and_kept():
    instance = parse_coo("1 1 -1\n1 4 2\n9 4 1\n")
    assert instance.n == 3 and instance.labels == (1, 4, 9)
    assert instance.linear.tolist() == [-1, 0, 0]
    assert list(zip(instance.rows.tolist(), instance.cols.tolist(), instance.values.tolist())) == \
        [(0, 1, 2.0), (1, 2, 1.0)]
    assert parse_coo("0 1 1\n1 2 1\n").labels is None
    assert parse_coo("5 1000000000 1\n").labels == (5, 1000000000)  # sparse huge labels: sorted, not marked


@pytest.mark.parametrize("text, line, fragment", [
    ("", None, "no 'i j bias' lines"),
    ("# vartype=SPIN\n", None, "no 'i j bias' lines"),
    ("0 1\n", 1, "3 fields"),
    ("# header\n\n0 1 2 3\n", 3, "3 fields"),
    ("0 1 1\n0 x 1\n", 2, "not an integer"),
    ("0 1 one\n", 1, "'one' is not a number"),
    ("0 1 1\n2 -1 1\n", 2, "non-negative"),
    ("0 1 -inf\n", 1, "not finite"),
    ("# vartype=QUBIT\n0 1 1\n", 1, "SPIN or BINARY"),
    ("# vartype=SPIN\n0 1 1\n# vartype=BINARY\n", 3, "second vartype header"),
    ("# offset=x\n0 1 1\n", 1, "offset comment"),
])
def test_malformed_coo_files_name_the_file_and_line(text, line, fragment):
    with pytest.raises(InputError) as error:
        parse_coo(text, name="bad.coo")
    message = str(error.value)
    prefix = "bad.coo:" if line is None else f"bad.coo:{line}:"
    assert message.startswith(prefix) and fragment in message, message


# ---------------------------------------------------------------------------------------------- round trips
biases = st.one_of(st.integers(-20, 20).map(float),
                   st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
                   st.floats(allow_nan=False, allow_infinity=False))


@st.composite
def instances(draw, vartypes=("binary", "spin")):
    n = draw(st.integers(1, 7))
    linear = draw(st.lists(biases, min_size=n, max_size=n))
    pairs = [pair for pair in itertools.combinations(range(n), 2) if draw(st.booleans())]
    values = draw(st.lists(biases, min_size=len(pairs), max_size=len(pairs)))
    offset = draw(biases)
    vartype = draw(st.sampled_from(vartypes))
    return QuadraticInstance.from_terms(n, linear, pairs, values, offset, vartype)


@settings(max_examples=60, deadline=None)
@given(instances())
def test_coo_round_trip_gives_back_the_same_record(tmp_path_factory, instance):
    path = tmp_path_factory.mktemp("coo") / "model.coo"
    write_coo(path, instance)
    assert same_record(read_coo(path), instance)


@settings(max_examples=60, deadline=None)
@given(instances(vartypes=("binary",)))
def test_qbsolv_round_trip_gives_back_the_same_record(tmp_path_factory, instance):
    path = tmp_path_factory.mktemp("qbsolv") / "model.qubo"
    write_qbsolv(path, instance)
    assert same_record(read_qbsolv(path), instance)
    assert same_record(read_quadratic(path), instance)


@settings(max_examples=30, deadline=None)
@given(instances())
def test_dimod_reads_hopopts_coo_files_to_the_same_energies(tmp_path_factory, instance):
    # beyond 2^53 the two libraries' different summation orders round differently: not a file-format question
    assume(max(np.abs(instance.linear).max(initial=0), np.abs(instance.values).max(initial=0)) <= 1e12)
    pytest.importorskip("dimod")
    from dimod.serialization import coo

    path = tmp_path_factory.mktemp("dimod") / "model.coo"
    write_coo(path, instance)
    with open(path) as handle:
        bqm = coo.load(handle)
    assert bqm.vartype.name.lower() == instance.vartype
    # terms of 1e10 that cancel to an energy of 2 leave rounding of the terms' size, not of the result's:
    # the tolerance is a few ulps of the largest partial sum
    scale = np.abs(instance.linear).sum() + np.abs(instance.values).sum()
    for state in all_states(instance.n, instance.vartype)[:32]:
        # dimod ignores hopopt's offset comment (subtracting it could cancel the terms' digits)
        expected = float(instance.linear @ state + instance.values @ (state[instance.rows] * state[instance.cols]))
        tolerance = 1e-6 * (1 + abs(expected)) + 32 * np.finfo(float).eps * scale
        assert bqm.energy(dict(enumerate(state))) == pytest.approx(expected, rel=1e-9, abs=tolerance)


def test_hopopt_reads_dimods_coo_text():
    dimod = pytest.importorskip("dimod")
    from dimod.serialization import coo

    bqm = dimod.generators.gnp_random_bqm(6, 0.6, "SPIN", random_state=4)
    text = coo.dumps(bqm, vartype_header=True)
    instance = parse_coo(text)
    again = coo.loads(text)
    assert instance.vartype == "spin"
    for state in all_states(6, "spin"):
        assert instance.energy(state) == pytest.approx(again.energy(dict(enumerate(state))))


def test_writers_refuse_what_their_format_cannot_hold(tmp_path):
    spin = QuadraticInstance.from_terms(2, [1, 0], [[0, 1]], [1], vartype="spin")
    with pytest.raises(ValueError, match="binary"):
        write_qbsolv(tmp_path / "spin.qubo", spin)
    named = QuadraticInstance.from_terms(2, [1, 0], [[0, 1]], [1], labels=("a", "b"))
    with pytest.raises(ValueError, match="non-negative integers"):
        write_coo(tmp_path / "named.coo", named)


def test_a_variable_without_terms_survives_the_coo_round_trip(tmp_path):
    instance = QuadraticInstance.from_terms(4, [0, 0, 1, 0], [[0, 2]], [1.5])
    write_coo(tmp_path / "m.coo", instance)
    assert read_coo(tmp_path / "m.coo").n == 4


# ---------------------------------------------------------------------------------------------- numpy
def test_npy_q_upper_triangular_and_symmetric_give_the_same_qubo(tmp_path):
    generator = np.random.default_rng(5)
    upper = np.triu(generator.integers(-5, 6, size=(5, 5))).astype(float)
    symmetric = (upper + upper.T) / 2
    np.fill_diagonal(symmetric, np.diagonal(upper))
    np.save(tmp_path / "upper.npy", upper)
    np.save(tmp_path / "symmetric.npy", symmetric)
    first, second = read_quadratic(tmp_path / "upper.npy"), read_numpy_quadratic(tmp_path / "symmetric.npy")
    for x in all_states(5, "binary"):
        assert first.energy(x) == pytest.approx(x @ upper @ x)
        assert second.energy(x) == pytest.approx(x @ symmetric @ x)


def test_npy_and_npz_ising_conventions(tmp_path):
    generator = np.random.default_rng(6)
    coupling = generator.normal(size=(4, 4))
    h = generator.normal(size=4)
    np.save(tmp_path / "j.npy", coupling)
    np.savez(tmp_path / "model.npz", h=h, J=coupling, offset=2.5)
    bare = read_quadratic(tmp_path / "j.npy", vartype="spin")
    full = read_quadratic(tmp_path / "model.npz")
    assert bare.vartype == full.vartype == "spin"
    for s in all_states(4, "spin"):
        assert bare.energy(s) == pytest.approx(s @ coupling @ s)  # the diagonal is the constant trace(J)
        assert full.energy(s) == pytest.approx(h @ s + s @ coupling @ s + 2.5)
    np.savez(tmp_path / "q.npz", Q=coupling)
    assert read_quadratic(tmp_path / "q.npz", vartype="spin").vartype == "binary"


@pytest.mark.parametrize("arrays, fragment", [
    ({"Q": np.ones((2, 3))}, "square"),
    ({"A": np.ones((2, 2))}, "needs 'Q'"),
    ({"Q": np.ones((2, 2)), "h": np.ones(2)}, "needs 'Q'"),
    ({"h": np.ones(3), "J": np.ones((2, 2))}, "h has 3 entries"),
    ({"Q": np.array([[1.0, np.nan], [0, 1]])}, "Q[0, 1] = nan is not finite"),
    ({"Q": np.ones((2, 2)), "offset": np.ones(2)}, "offset must be one finite number"),
    ({"Q": np.array([["a", "b"], ["c", "d"]])}, "real numbers"),
])
def test_bad_npz_files_are_input_errors(tmp_path, arrays, fragment):
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    with pytest.raises(InputError, match="bad.npz") as error:
        read_quadratic(path)
    assert fragment in str(error.value)


def test_pickled_arrays_are_refused(tmp_path):
    path = tmp_path / "objects.npy"
    np.save(path, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    with pytest.raises(InputError, match="objects.npy: cannot load the arrays without pickle"):
        read_quadratic(path)


# ---------------------------------------------------------------------------------------------- dimod BQM files
@pytest.mark.parametrize("vartype", ["SPIN", "BINARY"])
def test_bqm_files_keep_vartype_offset_and_labels(tmp_path, vartype):
    dimod = pytest.importorskip("dimod")
    bqm = dimod.generators.gnp_random_bqm(["x", (1, 2), 7, "y", 0], 0.7, vartype, random_state=3)
    bqm.offset = 1.25
    path = tmp_path / "model.bqm"
    with open(path, "wb") as handle:
        shutil.copyfileobj(bqm.to_file(), handle)
    instance = read_quadratic(path)
    assert instance.labels == ("x", (1, 2), 7, "y", 0) and instance.vartype == vartype.lower()
    for state in all_states(5, instance.vartype):
        assert instance.energy(state) == pytest.approx(bqm.energy(dict(zip(instance.labels, state))))


def test_bqm_files_numbered_0_to_n_minus_1_keep_their_numbers(tmp_path):
    dimod = pytest.importorskip("dimod")
    bqm = dimod.BinaryQuadraticModel({2: 1.0, 0: -1.0, 1: 0.5}, {(2, 0): 3.0}, 0.0, "BINARY")
    path = tmp_path / "numbered.bqm"
    with open(path, "wb") as handle:
        shutil.copyfileobj(bqm.to_file(), handle)
    instance = read_bqm(path)
    assert instance.labels is None and instance.linear.tolist() == [-1.0, 0.5, 1.0]


def test_a_damaged_bqm_file_is_an_input_error(tmp_path):
    pytest.importorskip("dimod")
    path = tmp_path / "broken.bqm"
    path.write_bytes(b"DIMODBQM\x02\x00garbage")
    with pytest.raises(InputError, match="broken.bqm: not a readable dimod BQM file"):
        read_quadratic(path)


# ---------------------------------------------------------------------------------------------- detection
def test_formats_are_told_apart_by_content_and_extension(tmp_path):
    (tmp_path / "program.txt").write_text("p qubo 0 2 1 0\n0 0 1\n")
    (tmp_path / "lines.txt").write_text("0 0 1\n0 1 2\n")
    (tmp_path / "lines.qubo").write_text("0 0 1\n")
    np.save(tmp_path / "matrix.npy", np.eye(2))
    shutil.copy(tmp_path / "matrix.npy", tmp_path / "matrix.dat")
    (tmp_path / "fake.npy").write_text("0 0 1\n")
    assert read_quadratic(tmp_path / "program.txt").file_format == "qbsolv"
    assert read_quadratic(tmp_path / "lines.txt").file_format == "coo"
    assert read_quadratic(tmp_path / "matrix.dat").file_format == "npy"
    with pytest.raises(InputError, match="lines.qubo:1: the program line"):
        read_quadratic(tmp_path / "lines.qubo")
    with pytest.raises(InputError, match="fake.npy: not a numpy .npy file"):
        read_quadratic(tmp_path / "fake.npy")
    with pytest.raises(InputError, match="file not found"):
        read_quadratic(tmp_path / "missing.coo")
    with pytest.raises(InputError, match="is a directory"):
        read_quadratic(tmp_path)
    (tmp_path / "latin1.coo").write_bytes(b"0 0 1\n# caf\xe9\n")
    with pytest.raises(InputError, match="latin1.coo:2: byte 0xe9"):
        read_quadratic(tmp_path / "latin1.coo")


def test_from_terms_merges_pairs_and_squares_by_vartype():
    binary = QuadraticInstance.from_terms(2, [0, 0], [[1, 0], [0, 1], [1, 1]], [1, 2, 5])
    assert binary.values.tolist() == [3.0] and binary.linear.tolist() == [0.0, 5.0] and binary.offset == 0
    spin = QuadraticInstance.from_terms(2, [0, 0], [[1, 1]], [5], vartype="spin")
    assert spin.n_pairs == 0 and spin.offset == 5.0
    with pytest.raises(ValueError, match="0..1"):
        QuadraticInstance.from_terms(2, [0, 0], [[0, 2]], [1])
