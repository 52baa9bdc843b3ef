"""Suite files: a valid suite parses into the expected blocks; every kind of mistake names its line."""

from __future__ import annotations

import pickle
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hopopt.bench.suite import Suite, SuiteBlock, SuiteError, parse_suite, read_suite
from hopopt.errors import InputError

PROBLEMS = ("maxcut", "tsp", "coloring")
SOLVERS = {
    "maxcut": ("hopopt-anneal", "dwave-sa", "networkx-one-exchange", "exact"),
    "tsp": ("hopopt-anneal", "exact"),
    "coloring": ("hopopt-anneal", "exact"),
}
KNOWN = {"problems": PROBLEMS, "solvers_by_problem": SOLVERS}


def parse(text, source="t.suite"):
    return parse_suite(textwrap.dedent(text), source, **KNOWN)


def parse_error(text, source="t.suite"):
    with pytest.raises(SuiteError) as caught:
        parse(text, source)
    return caught.value


FULL_SUITE = """\
# a hopopt benchmark suite; '#' starts a comment, blank lines are ignored
seeds = 0-4            # keys before the first [block] are defaults for every block
time_limit = 2

[maxcut-small]         # a block; its name labels the results
problem = maxcut
instances = G1, G11 random:n=30,seed=1,p=0.5
solvers = hopopt-anneal dwave-sa networkx-one-exchange exact
sweeps = 1000          # optional: fixed work per anneal instead of filling time_limit

  [ tsp ]
problem = tsp
instances = berlin52
solvers = exact, hopopt-anneal,
seeds = 7 1..3 2 0-1   # duplicates dropped, first kept
time_limit = 0.5
restarts = 3
"""


def test_full_suite_parses_into_blocks_with_defaults_and_overrides():
    suite = parse_suite(FULL_SUITE, "full.suite", **KNOWN)
    assert suite.source == "full.suite"
    first, second = suite.blocks
    assert first == SuiteBlock(
        name="maxcut-small", line=5, problem="maxcut",
        instances=("G1", "G11", "random:n=30,seed=1,p=0.5"),
        solvers=("hopopt-anneal", "dwave-sa", "networkx-one-exchange", "exact"),
        seeds=(0, 1, 2, 3, 4), time_limit=2.0, sweeps=1000, restarts=None)
    assert dict(first.lines) == {"seeds": 2, "time_limit": 3, "problem": 6, "instances": 7, "solvers": 8,
                                 "sweeps": 9}
    assert second == SuiteBlock(
        name="tsp", line=11, problem="tsp", instances=("berlin52",), solvers=("exact", "hopopt-anneal"),
        seeds=(7, 1, 2, 3, 0), time_limit=0.5, sweeps=None, restarts=3)
    assert dict(second.lines) == {"seeds": 15, "time_limit": 16, "problem": 12, "instances": 13,
                                  "solvers": 14, "restarts": 17}
    assert isinstance(first.time_limit, float) and isinstance(first.sweeps, int)


def test_built_in_defaults_and_default_problem():
    suite = parse("""
        problem = coloring
        solvers = exact
        [a]
        instances = myciel3
        [b]
        problem = maxcut
        instances = G1
        solvers = exact dwave-sa
    """)
    a, b = suite.blocks
    assert (a.problem, a.seeds, a.time_limit, a.sweeps, a.restarts) == ("coloring", (0,), 10.0, None, None)
    assert (b.problem, b.solvers) == ("maxcut", ("exact", "dwave-sa"))
    assert "seeds" not in a.lines and a.lines["solvers"] == 3


def test_repeated_instances_and_solvers_keep_first_occurrence():
    block = parse("[a]\nproblem = maxcut\ninstances = G2 G1 G2\nsolvers = exact exact\n").blocks[0]
    assert block.instances == ("G2", "G1") and block.solvers == ("exact",)


def test_windows_line_endings_byte_order_mark_and_comment_only_lines():
    text = "\ufeff# top\r\n[a]\r\n   # indented comment\r\nproblem = tsp\r\ninstances = x\r\nsolvers = exact\r\n"
    block = parse_suite(text, **KNOWN).blocks[0]
    assert (block.name, block.line, block.lines["solvers"]) == ("a", 2, 6)


def test_blocks_are_frozen_and_lines_do_not_affect_equality():
    block = parse("[a]\nproblem = tsp\ninstances = x\nsolvers = exact\n").blocks[0]
    moved = parse("\n\n[a]\n\nproblem = tsp\ninstances = x\nsolvers = exact\n").blocks[0]
    assert block.lines != moved.lines
    assert SuiteBlock(**{**block.__dict__, "line": moved.line}) == moved
    assert hash(block) == hash(SuiteBlock(**{**block.__dict__, "lines": {}}))
    with pytest.raises(AttributeError):
        block.name = "b"
    with pytest.raises(TypeError):
        block.lines["problem"] = 99


VALID_BLOCK = "[a]\nproblem = maxcut\ninstances = G1\nsolvers = exact\n"

# (text, expected line, a piece of the message)
LINE_ERRORS = [
    ("just words\n" + VALID_BLOCK, 1, "expected 'key = value' or '[block]'"),
    (VALID_BLOCK + "oops\n", 5, "expected 'key = value'"),
    ("[a\n", 1, "malformed block header"),
    ("[a]]\n", 1, "malformed block header"),
    ("[a] extra\n", 1, "malformed block header"),
    ("\n[   ]\n", 2, "empty block name"),
    (VALID_BLOCK + "[a]\n", 5, "duplicate block name 'a' (first at line 1)"),
    ("[a]\nseed = 1\n", 2, "unknown key 'seed'; known keys: problem, instances, solvers, seeds, time_limit"),
    ("= 3\n", 1, "missing key before '='"),
    ("[a]\nproblem = maxcut\nproblem = tsp\n", 3, "duplicate key 'problem' in block 'a' (first set at line 2)"),
    ("seeds = 1\nseeds = 2\n", 2, "duplicate key 'seeds' in the defaults"),
    ("[a]\ninstances =\n", 2, "empty value for 'instances'"),
    ("[a]\ninstances = ,  # a comment\n", 2, "empty value for 'instances'"),
    ("time_limit = abc\n", 1, "time_limit must be a number"),
    ("[a]\ntime_limit = 0\n", 2, "positive finite"),
    ("[a]\ntime_limit = -1\n", 2, "positive finite"),
    ("[a]\ntime_limit = inf\n", 2, "positive finite"),
    ("[a]\ntime_limit = nan\n", 2, "positive finite"),
    ("[a]\ntime_limit = 1 2\n", 2, "time_limit takes one value, got 2"),
    ("[a]\nsweeps = 0\n", 2, "sweeps must be a positive integer, got '0'"),
    ("[a]\nsweeps = 1.5\n", 2, "sweeps must be a positive integer"),
    ("[a]\nrestarts = -2\n", 2, "restarts must be a positive integer"),
    ("[a]\nseeds = x\n", 2, "seed must be an integer >= 0 or a range"),
    ("[a]\nseeds = -1\n", 2, "seed must be an integer >= 0"),
    ("[a]\nseeds = 0 - 4\n", 2, "got '-'"),
    ("[a]\nseeds = 1.5\n", 2, "got '1.5'"),
    ("[a]\nseeds = 5-3\n", 2, "seed range '5-3' runs backwards: 5 > 3"),
    ("[a]\nseeds = 4..3\n", 2, "seed range '4..3' runs backwards: 4 > 3"),
    ("[a]\nseeds = 0-99999999999\n", 2, "too many seeds"),
    ("[a]\nproblem = knapsack\n", 2, "unknown problem 'knapsack'; known: coloring, maxcut, tsp"),
    ("problem = maxcut tsp\n", 1, "problem takes one value"),
    # the solvers are checked when the block ends, but reported at their own line
    ("[a]\nsolvers = exact nope\nproblem = tsp\ninstances = x\n", 2,
     "unknown solver 'nope' for problem 'tsp'; known: exact, hopopt-anneal"),
    ("[a]\nproblem = tsp\ninstances = x\nsolvers = dwave-sa b\n", 4,
     "unknown solvers 'dwave-sa', 'b' for problem 'tsp'; known: exact, hopopt-anneal"),
    # solvers from the defaults are fine for the maxcut block but not for the tsp block: the defaults line
    ("solvers = dwave-sa\ninstances = x\n[a]\nproblem = maxcut\n[b]\nproblem = tsp\n", 1,
     "unknown solver 'dwave-sa' for problem 'tsp'"),
    ("[a]\nproblem = tsp\nsolvers = exact\n", 1, "block 'a' is missing required key 'instances'"),
    (VALID_BLOCK + "\n[b]\ninstances = x\n", 6, "block 'b' is missing required keys 'problem', 'solvers'"),
]


@pytest.mark.parametrize(("text", "line", "message"), LINE_ERRORS)
def test_errors_name_their_line(text, line, message):
    error = parse_error(text)
    assert isinstance(error, InputError) and isinstance(error, ValueError)
    assert str(error).startswith(f"t.suite:{line}: "), str(error)
    assert message in str(error)
    assert (error.source, error.line) == ("t.suite", line)
    assert str(error) == f"t.suite:{line}: {error.message}"


@pytest.mark.parametrize("text", ["", "\n\n  # only comments\n", "seeds = 1\ntime_limit = 3\n"])
def test_no_blocks_is_a_whole_file_error(text):
    error = parse_error(text)
    assert error.line is None
    assert str(error).startswith("t.suite: no [block]")


FIRST_ERROR_WINS = [
    # two line errors: the upper one
    ("[a]\ntime_limit = x\nsweeps = 0\n", 2),
    # a block's missing key (header line) before a later block's bad line
    ("[a]\nproblem = tsp\n[b]\nbogus\n", 1),
    # a bad line inside a block is met before the block ends, so it is reported
    ("[a]\nproblem = tsp\ninstances = x\nsolvers = exact\nsweeps = no\n[b]\n", 5),
    # a bad value in the defaults comes before any block's problems
    ("seeds = 3-1\n[a]\nproblem = nope\n", 1),
    # an earlier block's unknown solver before a later block's duplicate name
    ("[a]\nproblem = tsp\ninstances = x\nsolvers = dwave-sa\n[a]\n", 4),
]


@pytest.mark.parametrize(("text", "line"), FIRST_ERROR_WINS)
def test_first_error_wins(text, line):
    assert parse_error(text).line == line


def test_no_blocks_is_reported_only_when_the_lines_are_fine():
    assert parse_error("time_limit = 0\n").line == 1


def test_read_suite_uses_the_path_as_source(tmp_path):
    path = tmp_path / "ok.suite"
    path.write_text(FULL_SUITE, encoding="utf-8")
    suite = read_suite(path, **KNOWN)
    assert suite.source == str(path)
    assert suite.blocks == parse_suite(FULL_SUITE, **KNOWN).blocks
    broken = tmp_path / "broken.suite"
    broken.write_text("[a]\nproblem = maxcut\nnope\n", encoding="utf-8")
    with pytest.raises(SuiteError, match=r"broken\.suite:3: expected"):
        read_suite(str(broken), **KNOWN)


def test_read_suite_missing_file(tmp_path):
    path = tmp_path / "missing.suite"
    with pytest.raises(SuiteError) as caught:
        read_suite(path, **KNOWN)
    assert caught.value.line is None
    assert str(caught.value).startswith(f"{path}: cannot read suite: [Errno 2] No such file")


def test_read_suite_directory(tmp_path):
    with pytest.raises(SuiteError, match="cannot read suite"):
        read_suite(tmp_path, **KNOWN)


def test_read_suite_not_utf8(tmp_path):
    path = tmp_path / "latin1.suite"
    path.write_bytes("[a]\nproblem = maxcut\ninstances = Gr\xf6\xdfe\n".encode("latin-1"))
    with pytest.raises(SuiteError) as caught:
        read_suite(path, **KNOWN)
    assert caught.value.line is None
    assert str(caught.value) == f"{path}: not UTF-8 text: byte 0xf6 at offset 35 (line 3)"


def test_read_suite_accepts_utf8_with_byte_order_mark(tmp_path):
    path = tmp_path / "bom.suite"
    path.write_bytes(b"\xef\xbb\xbf[a]\nproblem = tsp\ninstances = x\nsolvers = exact\n")
    assert read_suite(path, **KNOWN).blocks[0].name == "a"


def test_suite_error_points_at_the_key_line():
    suite = parse_suite(FULL_SUITE, "full.suite", **KNOWN)
    small, tsp = suite.blocks
    error = suite.error(small, "instances", "unknown instance 'G999'")
    assert isinstance(error, SuiteError)
    assert str(error) == "full.suite:7: unknown instance 'G999'"
    # a key taken from the defaults points at the defaults line
    assert str(suite.error(small, "seeds", "bad")) == "full.suite:2: bad"
    # a key never set, or None, points at the header; a block may be named
    assert suite.error(small, "restarts", "m").line == 5
    assert suite.error(tsp, None, "m").line == 11
    assert suite.error("tsp", "restarts", "m").line == 17
    with pytest.raises(KeyError):
        suite.error("nope", "instances", "m")


def test_suite_error_survives_pickling():
    error = SuiteError("s.suite", 4, "unknown key 'x'")
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.line, copy.message) == (SuiteError, str(error), 4, "unknown key 'x'")


def test_suite_is_a_frozen_dataclass():
    suite = parse(VALID_BLOCK)
    assert isinstance(suite, Suite) and isinstance(suite.blocks, tuple)
    with pytest.raises(AttributeError):
        suite.blocks = ()


# each seed item: a single seed, or a range written with '-' or '..', maybe with a trailing comma
seed_items = st.one_of(
    st.integers(0, 10**6).map(lambda seed: ((seed,), str(seed))),
    st.tuples(st.integers(0, 10**6), st.integers(0, 30), st.sampled_from(["-", ".."])).map(
        lambda parts: (tuple(range(parts[0], parts[0] + parts[1] + 1)),
                       f"{parts[0]}{parts[2]}{parts[0] + parts[1]}")),
).flatmap(lambda item: st.sampled_from(["", ","]).map(lambda comma: (item[0], item[1] + comma)))


@given(st.lists(seed_items, min_size=1, max_size=8), st.sampled_from([" ", "  ", "\t"]))
def test_seed_lists_round_trip(items, separator):
    expected = list(dict.fromkeys(seed for seeds, _ in items for seed in seeds))
    text = f"seeds = {separator.join(written for _, written in items)}\n" + VALID_BLOCK
    block = parse_suite(text, **KNOWN).blocks[0]
    assert block.seeds == tuple(expected)
    assert block.lines["seeds"] == 1
    # writing the parsed seeds back as a plain list gives the same seeds
    assert parse_suite(f"seeds = {' '.join(map(str, block.seeds))}\n" + VALID_BLOCK,
                       **KNOWN).blocks[0].seeds == block.seeds


def test_exact_time_limit_is_read_and_checked():
    from hopopt.bench.suite import SuiteError, parse_suite

    text = "[a]\nproblem = maxcut\ninstances = G1\nsolvers = exact\ntime_limit = 1\nexact_time_limit = 30\n"
    block = parse_suite(text, "t.suite", problems=["maxcut"], solvers_by_problem={"maxcut": ["exact"]}).blocks[0]
    assert (block.time_limit, block.exact_time_limit) == (1.0, 30.0)
    with pytest.raises(SuiteError, match=r"t\.suite:6: exact_time_limit must be"):
        parse_suite(text.replace("30", "-1"), "t.suite", problems=["maxcut"],
                    solvers_by_problem={"maxcut": ["exact"]})
