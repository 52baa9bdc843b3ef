"""Fuzzing the file readers (issue 12, item 1): mutated real and writer-made files either parse to a valid
result or raise InputError naming the file; never another exception, never a hang.

The generators live in :mod:`hopopt._fuzz` and are shared with ``benchmarks/fuzz.py`` (the long campaign).
HOPOPT_FUZZ_EXAMPLES sets the examples per reader (default 200; the file takes about 15 s). The
regression tests at the end hold every input that ever failed, written inline.
"""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hopopt import _fuzz
from hopopt.errors import InputError

EXAMPLES = int(os.environ.get("HOPOPT_FUZZ_EXAMPLES", "200"))
TARGETS = _fuzz.targets()


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_every_seed_parses(name, tmp_path):
    target = TARGETS[name]
    if not target.seeds:
        pytest.skip(f"{name}: no seeds (dimod missing?)")
    for data in target.seeds:
        outcome = _fuzz.check_input(target, data, tmp_path)
        assert outcome.kind == "parsed", (name, outcome.detail)


@pytest.mark.parametrize("name", sorted(TARGETS))
@settings(max_examples=EXAMPLES, deadline=5000, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_mutated_inputs_parse_or_raise_input_error(name, seed, tmp_path):
    target = TARGETS[name]
    if not target.seeds:
        pytest.skip(f"{name}: no seeds (dimod missing?)")
    rng = random.Random(seed)
    data = _fuzz.mutate(rng.choice(target.seeds), rng)
    outcome = _fuzz.check_input(target, data, tmp_path)
    assert outcome.kind != "failure", f"{name}: {outcome.detail}; input {data[:400]!r}"


def test_real_instances_are_among_the_seeds():
    if not _fuzz.INSTANCE_FOLDER.is_dir():
        pytest.skip(f"{_fuzz.INSTANCE_FOLDER} is absent: the fuzzers start from writer-made files only")
    for name in ("gset", "tsplib", "tour", "dimacs", "qaplib", "qaplib-solution"):
        assert len(TARGETS[name].seeds) > 3, name


def test_the_checker_can_fail(tmp_path):
    """A reader that raises something other than InputError, or omits the path, is reported as a failure."""
    def bad_reader(path):
        raise KeyError("boom")

    def pathless_reader(path):
        raise InputError("line 3: bad")

    for reader in (bad_reader, pathless_reader):
        target = _fuzz.Target("bad", ".txt", lambda: [b"x"], reader, lambda result: None)
        assert _fuzz.check_input(target, b"x", tmp_path).kind == "failure"


# ------------------------------------------------------------------ regressions: every input that ever failed

REGRESSIONS = [
    # p line with N = 2**31: np.ones(N) for node weights paged through 16 GB (a hang), now refused at the p line
    ("dimacs", b"c huck\np edge 2147483648 2\ne 1 44\ne 1 4\nn 1 3\n", 2),
    ("dimacs-weights", b"c myciel5\np edge 4294967297 2\ne 1 2\ne 2 3\nn 2 5\n", 2),
    # knapsack plain layout with n = 4294967297: np.empty(n) raised MemoryError
    ("knapsack", b"4294967297 6\n10 4\n5 3\n7 2\n", 1),
    # set cover with n = 9223372036854775808: np.empty(n) raised ValueError (maximum dimension)
    ("scp", b"3 9223372036854775808\n1 2 3\n2\n1 3\n2\n1 2\n2\n2 3\n", 1),
    # EXPLICIT layouts with a negative distance parsed, then the TSP encoder refused them with a ValueError
    ("tsplib", b"NAME: e4\nTYPE: TSP\nDIMENSION: 4\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: UPPER_DIAG_COL\n"
               b"DISPLAY_DATA_TYPE: NO_DISPLAY\nEDGE_WEIGHT_SECTION\n0\n3 0\n4 6 0\n5 -7 8 0\nEOF\n", 11),
    ("tsplib", b"NAME: e4\nTYPE: TSP\nDIMENSION: 4\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: LOWER_COL\n"
               b"DISPLAY_DATA_TYPE: NO_DISPLAY\nEDGE_WEIGHT_SECTION\n3 4 5\n6 -1\n8\nEOF\n", 9),
    # a coordinate of 1e308 is finite but EUC_2D distances overflowed to inf: InputError without the path
    ("tsplib", b"NAME: t\nTYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE : EUC_2D\nNODE_COORD_SECTION\n"
               b"1 1380 939\n2 1e308 96\n3 -1e308 1671\nEOF\n", 5),
]

# A dimod BQM file with one neighbour index flipped to -1000000: dimod.BinaryQuadraticModel.from_file crashed
# the interpreter with a segmentation fault (found by the campaign; hopopt now checks the layout first).
CRASHING_BQM = (
    b'DIMODBQM\x02\x00\xb2\x00\x00\x00{"dtype": "float64", "itype": "int32", "ntype": "int32", "shape": [3, 2], '
    b'"type": "BinaryQuadraticModel", "variables": false, "vartype": "BINARY"}\n' + b" " * 31
    + b"\x00" * 8 + b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xf0?\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00@"
    b"\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00\xf0\xbf\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xc0"
    b"\xc0\xbd\xf0\xff\x00\x00\x00\x00\x00\x00\x00\xc0\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\xf0?"
    b"\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\xf0?")


def test_regression_bqm_segfault(tmp_path):
    pytest.importorskip("dimod")
    path = tmp_path / "crash.bqm"
    path.write_bytes(CRASHING_BQM)
    with pytest.raises(InputError, match="neighbour index is out of range") as caught:
        TARGETS["bqm"].read(str(path))
    assert str(caught.value).startswith(f"{path}:")


@pytest.mark.parametrize("name, data, line", REGRESSIONS)
def test_regression(name, data, line, tmp_path):
    target = TARGETS[name]
    path = tmp_path / f"input{target.suffix}"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        target.read(str(path))
    assert str(caught.value).startswith(f"{path}:{line}:"), str(caught.value)
