"""Readers and writers in hopopt.io: every malformed input gives one InputError line naming the place."""

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hopopt.errors import InputError
from hopopt.io import EdgeList, parse_gset, read_gset, write_gset

SHARED_INSTANCES = Path(__file__).resolve().parents[2] / "shared" / "instances"
needs_shared = pytest.mark.skipif(not SHARED_INSTANCES.is_dir(),
                                  reason=f"benchmark mirror {SHARED_INSTANCES} is absent")


def shared_rows(problem):
    with open(SHARED_INSTANCES / "catalog.csv", newline="") as stream:
        return [row for row in csv.DictReader(stream) if row["problem"] == problem]


# ---------------------------------------------------------------------------------------------- good input
def test_parse_gset_reads_weights_and_converts_to_zero_based():
    graph = parse_gset("4 3\n1 2 1\n2 3 -1\n4 1 2.5\n", name="small")
    assert graph.n == 4
    assert graph.edges.tolist() == [[0, 1], [1, 2], [3, 0]]
    assert graph.weights.tolist() == [1.0, -1.0, 2.5]
    assert graph.edges.dtype == np.int64 and graph.weights.dtype == np.float64
    assert graph.name == "small"


def test_parse_gset_skips_blank_and_comment_lines_and_defaults_weight_to_one():
    text = "# a comment\n\n% another\n  3 2  \n\n1 2\n# mid-file comment\n2 3 4\n"
    graph = parse_gset(text)
    assert graph.edges.tolist() == [[0, 1], [1, 2]]
    assert graph.weights.tolist() == [1.0, 4.0]


def test_parse_gset_accepts_header_only_graph_and_crlf_line_ends():
    assert parse_gset("5 0\n").edges.shape == (0, 2)
    assert parse_gset("2 1\r\n1 2 1\r\n").edges.tolist() == [[0, 1]]


def test_edge_list_is_read_only_and_compares_by_value():
    first = parse_gset("3 1\n1 2 1\n", name="g")
    second = EdgeList(3, [[0, 1]], [1.0], name="g")
    assert first == second
    assert first != EdgeList(3, [[0, 2]], [1.0], name="g")
    with pytest.raises(ValueError):
        first.edges[0, 0] = 2


# ---------------------------------------------------------------------------------------------- bad input
BAD_GSET = [
    ("", "G1.txt: no header line"),
    ("# only a comment\n\n", "G1.txt: no header line"),
    ("800\n", "G1.txt:1: header must be two integers 'n m'"),
    ("800 x\n", "G1.txt:1: header must be two integers 'n m'"),
    ("800 1 7\n", "G1.txt:1: header must be two integers 'n m'"),
    ("0 0\n", "G1.txt:1: number of nodes n must be at least 1, got 0"),
    ("-5 0\n", "G1.txt:1: number of nodes n must be at least 1, got -5"),
    ("5 -1\n", "G1.txt:1: number of edges m must be at least 0, got -1"),
    ("5 1\n1 x 1\n", "G1.txt:2: edge line must be"),
    ("5 1\n1.5 2 1\n", "G1.txt:2: edge line must be"),
    ("5 1\n1 2 heavy\n", "G1.txt:2: edge line must be"),
    ("5 1\n1\n", "G1.txt:2: edge line must be"),
    ("5 1\n1 2 3 4\n", "G1.txt:2: edge line must be"),
    ("800 2\n1 2 1\n1 900 1\n", "G1.txt:3: node id 900 is out of range 1..800"),
    ("800 1\n0 2 1\n", "G1.txt:2: node id 0 is out of range 1..800"),
    ("800 1\n-3 2 1\n", "G1.txt:2: node id -3 is out of range 1..800"),
    ("8 1\n1 123456789012345678901234567890 1\n", "G1.txt:2: node id 123456789012345678901234567890 is out"),
    ("8 2\n1 2 1\n\n5 5 1\n", "G1.txt:4: self-loop on node 5"),
    ("8 1\n1 2 nan\n", "G1.txt:2: weight must be a finite number, got 'nan'"),
    ("8 1\n1 2 -inf\n", "G1.txt:2: weight must be a finite number, got '-inf'"),
    ("8 1\n1 2 1e999\n", "G1.txt:2: weight must be a finite number"),
    ("8 3\n1 2 1\n2 3 1\n", "G1.txt: truncated: header says m = 3 edge lines, found 2"),
    ("8 1\n1 2 1\n2 3 1\n", "G1.txt:3: more edge lines than the header's m = 1"),
]


@pytest.mark.parametrize("text, message", BAD_GSET)
def test_parse_gset_rejects_malformed_input_with_one_line_naming_the_place(text, message):
    with pytest.raises(InputError) as caught:
        parse_gset(text, name="G1.txt")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_read_gset_missing_file(tmp_path):
    missing = tmp_path / "G1.txt"
    with pytest.raises(InputError, match="file not found: .*G1.txt"):
        read_gset(missing)


def test_read_gset_directory(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        read_gset(tmp_path)


def test_read_gset_undecodable_bytes_name_the_line(tmp_path):
    path = tmp_path / "binary.txt"
    path.write_bytes(b"3 1\n1 2 \xff\xfe\n")
    with pytest.raises(InputError, match=r"binary.txt:2: byte 0xff .* not valid UTF-8"):
        read_gset(path)


def test_read_gset_errors_name_the_file_as_given(tmp_path):
    path = tmp_path / "G1.txt"
    path.write_text("800 1\n1 900 1\n")
    with pytest.raises(InputError, match=r"G1.txt:2: node id 900 is out of range 1..800$"):
        read_gset(str(path))


def test_read_gset_names_the_graph_after_the_file_stem(tmp_path):
    path = tmp_path / "G99.txt"
    path.write_text("2 1\n1 2 1\n")
    assert read_gset(path).name == "G99"


# ---------------------------------------------------------------------------------------------- writing
def test_write_gset_writes_whole_weights_without_decimal_point(tmp_path):
    path = tmp_path / "out.txt"
    write_gset(path, 3, np.array([[0, 1], [1, 2], [0, 2]]), np.array([1.0, -1.0, 0.25]))
    assert path.read_text() == "3 3\n1 2 1\n2 3 -1\n1 3 0.25\n"


def test_write_gset_defaults_weights_to_one(tmp_path):
    path = tmp_path / "out.txt"
    write_gset(path, 2, [(0, 1)])
    assert path.read_text() == "2 1\n1 2 1\n"


@pytest.mark.parametrize("n, edges, weights, message", [
    (0, [(0, 1)], [1.0], "n (number of nodes) must be an integer at least 1, got 0"),
    (2.5, [(0, 1)], [1.0], "n (number of nodes)"),
    (3, [(0, 3)], [1.0], "edges[0] = (0, 3) has a node outside 0..2"),
    (3, [(0, 1), (2, 2)], [1.0, 1.0], "edges[1] is a self-loop on node 2"),
    (3, [(0, 1)], [float("nan")], "weights[0] must be finite"),
    (3, [(0, 1)], [1.0, 2.0], "weights must have one value per edge (1), got 2"),
])
def test_write_gset_refuses_what_would_not_read_back(tmp_path, n, edges, weights, message):
    with pytest.raises(InputError) as caught:
        write_gset(tmp_path / "out.txt", n, edges, weights)
    assert message in str(caught.value)


@st.composite
def edge_lists(draw):
    n = draw(st.integers(min_value=2, max_value=40))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda pair: pair[0] != pair[1])
    edges = draw(st.lists(pairs, max_size=60))
    weights = draw(st.lists(st.one_of(st.integers(-5, 5).map(float),
                                      st.floats(allow_nan=False, allow_infinity=False, width=64)),
                            min_size=len(edges), max_size=len(edges)))
    return n, edges, weights


@settings(max_examples=60, deadline=None)
@given(edge_lists())
def test_write_then_read_gset_round_trips_exactly(tmp_path_factory, graph):
    n, edges, weights = graph
    path = tmp_path_factory.mktemp("roundtrip") / "graph.txt"
    write_gset(path, n, edges, weights)
    read_back = read_gset(path)
    assert read_back.n == n
    assert read_back.edges.tolist() == [list(edge) for edge in edges]
    assert read_back.weights.tolist() == weights  # exact: repr is the shortest string that reads back


# ---------------------------------------------------------------------------------------------- real files
@needs_shared
@pytest.mark.parametrize("row", shared_rows("maxcut") if SHARED_INSTANCES.is_dir() else [],
                         ids=lambda row: row["name"])
def test_every_shared_gset_file_reads_with_catalogued_size(row):
    graph = read_gset(SHARED_INSTANCES / row["file"])
    assert graph.name == row["name"]
    assert graph.n == int(row["nodes"])
    assert len(graph.edges) == len(graph.weights) == int(row["edges"])
    assert graph.edges.min() >= 0 and graph.edges.max() < graph.n
    assert set(np.unique(graph.weights)) <= {-1.0, 1.0}
