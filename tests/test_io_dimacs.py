"""DIMACS graph-coloring files (.col) in hopopt.io: duplicate edges, one-line errors, real files."""

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hopopt.errors import InputError
from hopopt.io import EdgeList, parse_dimacs, read_dimacs, write_dimacs

SHARED_INSTANCES = Path(__file__).resolve().parents[2] / "shared" / "instances"
needs_shared = pytest.mark.skipif(not SHARED_INSTANCES.is_dir(),
                                  reason=f"benchmark mirror {SHARED_INSTANCES} is absent")


def shared_rows(problem):
    if not SHARED_INSTANCES.is_dir():
        return []
    with open(SHARED_INSTANCES / "catalog.csv", newline="") as stream:
        return [row for row in csv.DictReader(stream) if row["problem"] == problem]


# ---------------------------------------------------------------------------------------------- good input
def test_parse_dimacs_reads_comments_problem_and_edges_zero_based():
    text = "c a path\nc   with comments\np edge 4 3\ne 1 2\n\ne 2 3\nc mid-file comment\ne 4 3\n"
    graph = parse_dimacs(text, name="path")
    assert graph.n == 4 and graph.name == "path"
    assert graph.edges.tolist() == [[0, 1], [1, 2], [2, 3]]  # (min, max), in file order
    assert graph.weights.tolist() == [1.0, 1.0, 1.0]
    assert graph.edges.dtype == np.int64


def test_parse_dimacs_accepts_p_col_crlf_and_no_edges():
    assert parse_dimacs("p col 3 1\r\ne 3 1\r\n").edges.tolist() == [[0, 2]]
    empty = parse_dimacs("p edge 5 0\n")
    assert empty.n == 5 and empty.edges.shape == (0, 2)


def test_edges_listed_twice_become_one_edge_per_unordered_pair():
    text = "p edge 4 7\ne 1 2\ne 2 1\ne 3 1\ne 2 3\ne 1 3\ne 3 2\ne 2 1\n"
    graph = parse_dimacs(text)
    assert graph.edges.tolist() == [[0, 1], [0, 2], [1, 2]]  # order of first appearance
    assert graph == EdgeList(4, [[0, 1], [0, 2], [1, 2]], [1.0, 1.0, 1.0], name="<string>")


@st.composite
def graphs(draw):
    n = draw(st.integers(2, 30))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda pair: pair[0] != pair[1])
    return n, draw(st.lists(pairs, max_size=50))


def distinct_in_first_order(edges):
    seen, result = set(), []
    for u, v in edges:
        key = frozenset((u, v))
        if key not in seen:
            seen.add(key)
            result.append([min(u, v), max(u, v)])
    return result


@settings(max_examples=60, deadline=None)
@given(graphs(), st.randoms(use_true_random=False))
def test_parse_dimacs_dedup_matches_a_naive_set(graph, random):
    n, edges = graph
    listed = [edge if random.random() < 0.5 else edge[::-1] for edge in edges for _ in range(random.randint(1, 3))]
    text = f"p edge {n} {len(listed)}\n" + "".join(f"e {u + 1} {v + 1}\n" for u, v in listed)
    assert parse_dimacs(text).edges.tolist() == distinct_in_first_order(listed)


# ---------------------------------------------------------------------------------------------- bad input
BAD_DIMACS = [
    ("", "g.col: no problem line 'p edge N M'"),
    ("c only\nc comments\n", "g.col: no problem line 'p edge N M'"),
    ("c x\ne 1 2\np edge 3 1\n", "g.col:2: edge line before the problem line 'p edge N M'"),
    ("p edge 3\n", "g.col:1: problem line must be 'p edge N M' with integers N and M, got 'p edge 3'"),
    ("p graph 3 1\n", "g.col:1: problem line must be 'p edge N M'"),
    ("p edge 3 x\n", "g.col:1: problem line must be 'p edge N M'"),
    ("p edge 0 0\n", "g.col:1: number of nodes N must be at least 1, got 0"),
    ("p edge -2 0\n", "g.col:1: number of nodes N must be at least 1, got -2"),
    ("p edge 3 -1\n", "g.col:1: number of edges M must be at least 0, got -1"),
    ("p edge 3 1\np edge 3 1\ne 1 2\n", "g.col:2: a second problem line (the first is line 1)"),
    ("p edge 3 1\ne 1\n", "g.col:2: edge line must be 'e u v' with integer node ids, got 'e 1'"),
    ("p edge 3 1\ne 1 2 3\n", "g.col:2: edge line must be 'e u v'"),
    ("p edge 3 1\ne 1 two\n", "g.col:2: edge line must be 'e u v'"),
    ("p edge 3 1\ne 1.0 2\n", "g.col:2: edge line must be 'e u v'"),
    ("p edge 3 2\ne 1 2\ne 1 4\n", "g.col:3: node id 4 is out of range 1..3"),
    ("p edge 3 1\ne 0 2\n", "g.col:2: node id 0 is out of range 1..3"),
    ("p edge 3 1\ne 1 123456789012345678901234567890\n", "g.col:2: node id 123456789012345678901234567890 is out"),
    ("p edge 8 2\ne 1 2\n\ne 5 5\n", "g.col:4: self-loop on node 5 (a node cannot be coloured differently from "
                                     "itself)"),
    ("p edge 3 1\nx 1 5\n", "g.col:2: DIMACS lines start with 'c', 'p', 'e' or 'n', got 'x 1 5'"),
    ("p edge 3 1\n1 2\n", "g.col:2: DIMACS lines start with 'c', 'p', 'e' or 'n', got '1 2'"),
    ("p edge 3 3\ne 1 2\ne 2 3\n", "g.col:1: problem line says M = 3 edge lines, the file has 2 'e' lines"),
    ("c x\np edge 3 1\ne 1 2\ne 2 1\n", "g.col:2: problem line says M = 1 edge lines, the file has 2 'e' lines"),
]


@pytest.mark.parametrize("text, message", BAD_DIMACS)
def test_parse_dimacs_rejects_malformed_input_with_one_line_naming_the_place(text, message):
    with pytest.raises(InputError) as caught:
        parse_dimacs(text, name="g.col")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_self_loop_message_is_exact():
    with pytest.raises(InputError) as caught:
        parse_dimacs("p edge 6 1\ne 5 5\n", name="file")
    assert str(caught.value) == "file:2: self-loop on node 5 (a node cannot be coloured differently from itself)"


def test_read_dimacs_errors_name_the_file_and_records_the_stem(tmp_path):
    path = tmp_path / "bad.col"
    path.write_text("p edge 3 1\ne 1 9\n")
    with pytest.raises(InputError, match=r"bad.col:2: node id 9 is out of range 1..3$"):
        read_dimacs(str(path))
    with pytest.raises(InputError, match="file not found"):
        read_dimacs(tmp_path / "missing.col")
    with pytest.raises(InputError, match="is a directory"):
        read_dimacs(tmp_path)
    path.write_bytes(b"p edge 2 1\ne 1 \xff\n")
    with pytest.raises(InputError, match="bad.col:2: byte 0xff"):
        read_dimacs(path)


# ---------------------------------------------------------------------------------------------- writing
def test_write_dimacs_writes_each_edge_once_one_based(tmp_path):
    path = tmp_path / "out.col"
    write_dimacs(path, 4, np.array([[0, 1], [2, 1], [1, 0], [3, 0]]))
    assert path.read_text() == "p edge 4 3\ne 1 2\ne 3 2\ne 4 1\n"
    write_dimacs(path, 2, [])
    assert path.read_text() == "p edge 2 0\n"


@pytest.mark.parametrize("n, edges, message", [
    (0, [], "n (number of nodes) must be an integer at least 1, got 0"),
    (True, [], "n (number of nodes)"),
    (3, [(0, 3)], "edges[0] = (0, 3) has a node outside 0..2"),
    (3, [(0, 1), (-1, 1)], "edges[1] = (-1, 1) has a node outside 0..2"),
    (3, [(0, 1), (2, 2)], "edges[1] is a self-loop on node 2"),
])
def test_write_dimacs_refuses_what_would_not_read_back(tmp_path, n, edges, message):
    with pytest.raises(InputError) as caught:
        write_dimacs(tmp_path / "out.col", n, edges)
    assert message in str(caught.value)


@settings(max_examples=60, deadline=None)
@given(graphs())
def test_write_then_read_dimacs_round_trips_distinct_edges(tmp_path_factory, graph):
    n, edges = graph
    path = tmp_path_factory.mktemp("dimacs") / "graph.col"
    write_dimacs(path, n, edges)
    read_back = read_dimacs(path)
    assert read_back.n == n and read_back.name == "graph"
    assert read_back.edges.tolist() == distinct_in_first_order(edges)


# ---------------------------------------------------------------------------------------------- real files
COLORING_ROWS = shared_rows("coloring")


@needs_shared
@pytest.mark.parametrize("row", COLORING_ROWS, ids=lambda row: row["name"])
def test_every_shared_dimacs_file_parses_consistently_with_the_catalogue(row):
    path = SHARED_INSTANCES / row["file"]
    graph = read_dimacs(path)
    assert graph.name == row["name"]
    assert graph.n == int(row["nodes"])
    lines = path.read_text().splitlines()
    problem = next(line.split() for line in lines if line.startswith("p"))
    edge_lines = [tuple(map(int, line.split()[1:3])) for line in lines if line.startswith("e")]
    # the shared catalogue counts e lines (duplicates included), and so does the p line
    assert len(edge_lines) == int(row["edges"]) == int(problem[3])
    distinct = {frozenset(pair) for pair in edge_lines}
    assert len(graph.edges) == len(distinct)
    assert {frozenset(edge) for edge in (graph.edges + 1).tolist()} == distinct
    # files list each edge either once or exactly twice (u v and v u), never a mixture
    assert len(edge_lines) in (len(distinct), 2 * len(distinct))
    assert np.all(graph.edges[:, 0] < graph.edges[:, 1])
    assert graph.edges.min() >= 0 and graph.edges.max() < graph.n
