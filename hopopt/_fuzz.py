"""Private: malformed and adversarial inputs for the file readers (issue 12's fuzzing campaign).

Used by ``tests/test_fuzz_readers.py`` (a few hundred examples per reader under hypothesis) and by
``benchmarks/fuzz.py`` (the long campaign). Not part of the public API.

A *target* is one reader: the seed files it starts from (small valid files written by hopopt's own writers,
hand-written files for formats without a writer, and the real instances under ``/work/shared/instances`` when
they are there), how to call the reader on a path, and a validation of what it returns. :func:`mutate` turns
a seed into an adversarial input; :func:`check_input` writes it to a file, runs the reader and says whether the
outcome keeps the contract: either a result that validates, or :class:`hopopt.errors.InputError` whose message
names the file.
"""

from __future__ import annotations

import io
import json
import math
import os
import random
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from .errors import InputError

INSTANCE_FOLDER = Path(os.environ.get("HOPOPT_INSTANCES", "/work/shared/instances"))

# Tokens that readers must refuse or survive: non-finite values, signs, sizes past any memory, empty text,
# garbage, unicode digits and look-alikes, control and direction characters.
ADVERSARIAL_TOKENS = [
    "NaN", "nan", "inf", "-inf", "Infinity", "-1", "0", "-0", "1e308", "1e309", "-1e309", "1e-400",
    "99999999999999999999", "4294967297", "9223372036854775808", "2147483648", "1000000000", "100000", "",
    "garbage", "0x10", "1_000", "1.5", "+3", "--1", "é", "\u0663", "\uff11", "\u202e", "\x00", "\t", ";",
    "EOF", "-1 -1", "1 2 3 4 5", "[]", "{", '"', "\ufeff", "1e5", "7e-1",
]
_JUNK = [b"\x00", b"\xff\xfe", b"\x80", b"\xc3", b"\xe2\x80", b"\r", b"\n\n\n", b"\x1b[2J", b"\xef\xbb\xbf"]


def _replace_token(data: bytes, rng: random.Random) -> bytes:
    spans = [match.span() for match in re.finditer(rb"[^\s]+", data[:200_000])]
    if not spans:
        return data + rng.choice(ADVERSARIAL_TOKENS).encode("utf-8")
    # Early tokens are headers and counts, where a bad value does the most damage: favour them.
    index = min(int(rng.expovariate(1 / 8)), len(spans) - 1) if rng.random() < 0.6 else rng.randrange(len(spans))
    start, end = spans[index]
    return data[:start] + rng.choice(ADVERSARIAL_TOKENS).encode("utf-8") + data[end:]


def _change_count(data: bytes, rng: random.Random) -> bytes:
    matches = list(re.finditer(rb"-?\d+", data[:2000]))
    if not matches:
        return data
    start, end = rng.choice(matches[:12]).span()
    value = int(data[start:end])
    new = rng.choice([value + 1, value - 1, 0, -value, value * 2, value * 1000, 10**9, 2**31, 2**63, 10**30])
    return data[:start] + str(new).encode() + data[end:]


def _lines_op(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    if len(lines) < 2:
        return data + b"\n" + data
    operation = rng.randrange(4)
    i = rng.randrange(len(lines))
    j = rng.randrange(len(lines))
    if operation == 0:
        del lines[i]
    elif operation == 1:
        lines.insert(i, lines[j])
    elif operation == 2:
        lines[i], lines[j] = lines[j], lines[i]
    else:
        lines.insert(i, " ".join(rng.choice(ADVERSARIAL_TOKENS) for _ in range(rng.randrange(1, 4))).encode())
    return b"\n".join(lines)


def _byte_flip(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return bytes([rng.randrange(256)])
    buffer = bytearray(data)
    for _ in range(rng.randrange(1, 4)):
        position = rng.randrange(len(buffer))
        buffer[position] = rng.randrange(256) if rng.random() < 0.5 else buffer[position] ^ (1 << rng.randrange(8))
    return bytes(buffer)


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[:rng.randrange(len(data) + 1)]


def _crlf(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b"\n", rng.choice([b"\r\n", b"\r", b"\n\r", b"\x0b", b"\x85"]))


def _junk(data: bytes, rng: random.Random) -> bytes:
    position = rng.randrange(len(data) + 1)
    junk = rng.choice(_JUNK) if rng.random() < 0.6 else bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
    return data[:position] + junk + data[position:]


# Words the formats give meaning to: swapping one for another keeps a file plausible while changing what it says
# (an EXPLICIT type with coordinates, a FULL_MATRIX read as UPPER_ROW, a cnf problem line in a wcnf file, ...).
KEYWORDS = [
    "EUC_2D", "CEIL_2D", "ATT", "GEO", "MAN_2D", "MAX_2D", "EXPLICIT", "EUC_3D", "FULL_MATRIX", "UPPER_ROW",
    "LOWER_ROW", "UPPER_DIAG_ROW", "LOWER_DIAG_ROW", "UPPER_COL", "LOWER_COL", "UPPER_DIAG_COL", "LOWER_DIAG_COL",
    "NODE_COORD_SECTION", "EDGE_WEIGHT_SECTION", "DISPLAY_DATA_SECTION", "TOUR_SECTION", "DIMENSION", "TYPE",
    "TSP", "ATSP", "TOUR", "EDGE_WEIGHT_TYPE", "EDGE_WEIGHT_FORMAT", "EOF", "p", "e", "n", "c", "h", "edge", "col",
    "cnf", "wcnf", "qubo", "%", "#", "[block]", "[]", "problem", "instances", "solvers", "seeds", "time_limit",
    "sweeps", "restarts", "exact_time_limit", "maxcut", "tsp", "=", ":", "solution", "-----", "z", "time",
]


def _keyword(data: bytes, rng: random.Random) -> bytes:
    present = [word for word in KEYWORDS if len(word) > 1 and word.encode() in data]
    if not present:
        return _replace_token(data, rng)
    word = rng.choice(present).encode()
    positions = [match.start() for match in re.finditer(re.escape(word), data[:200_000])]
    start = rng.choice(positions)
    return data[:start] + rng.choice(KEYWORDS).encode() + data[start + len(word):]


MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "token": _replace_token, "count": _change_count, "lines": _lines_op, "byte": _byte_flip,
    "truncate": _truncate, "newline": _crlf, "junk": _junk, "keyword": _keyword,
}
_WEIGHTS = [5, 3, 4, 2, 1, 1, 1, 3]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """Apply one to three random mutations (token replacement, count change, line edit, byte flip, ...)."""
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        operation = rng.choices(list(MUTATIONS.values()), weights=_WEIGHTS)[0]
        data = operation(data, rng)
    return data


# ---------------------------------------------------------------------------------------------------- seeds


def _written(writer, suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"seed{suffix}"
        writer(path)
        return path.read_bytes()


def _real(*patterns: str, limit_bytes: int = 400_000) -> list[bytes]:
    """Real instance files matching the patterns, small enough to parse many times (none when absent)."""
    if not INSTANCE_FOLDER.is_dir():
        return []
    found = []
    for pattern in patterns:
        for path in sorted(INSTANCE_FOLDER.glob(pattern)):
            if path.is_file() and path.stat().st_size <= limit_bytes:
                found.append(path.read_bytes())
    return found


_TSP_COORDINATES = {
    "EUC_2D": ["0 0", "3 4", "6 0", "3 -4"], "CEIL_2D": ["0.5 0", "3 4.2", "6 0", "3 -4"],
    "ATT": ["6734 1453", "2233 10", "5530 1424", "401 841"], "MAN_2D": ["0 0", "1 2", "3 1", "2 5"],
    "MAX_2D": ["0 0", "1 2", "3 1", "2 5"], "GEO": ["38.24 20.42", "39.57 26.15", "40.56 25.32", "36.26 23.12"],
}
_TSP_LAYOUTS = {
    "FULL_MATRIX": "0 3 4 5\n3 0 6 7\n4 6 0 8\n5 7 8 0", "UPPER_ROW": "3 4 5\n6 7\n8", "LOWER_COL": "3 4 5\n6 7\n8",
    "LOWER_ROW": "3\n4 6\n5 7 8", "UPPER_COL": "3\n4 6\n5 7 8", "UPPER_DIAG_ROW": "0 3 4 5\n0 6 7\n0 8\n0",
    "LOWER_DIAG_COL": "0 3 4 5\n0 6 7\n0 8\n0", "LOWER_DIAG_ROW": "0\n3 0\n4 6 0\n5 7 8 0",
    "UPPER_DIAG_COL": "0\n3 0\n4 6 0\n5 7 8 0",
}


def _tsplib_seeds() -> list[bytes]:
    seeds = []
    for weight_type, rows in _TSP_COORDINATES.items():
        body = "\n".join(f"{i + 1} {row}" for i, row in enumerate(rows))
        seeds.append(f"NAME : t4\nTYPE : TSP\nCOMMENT : fuzz seed\nDIMENSION : 4\nEDGE_WEIGHT_TYPE : {weight_type}\n"
                     f"NODE_COORD_SECTION\n{body}\nEOF\n".encode())
    for layout, numbers in _TSP_LAYOUTS.items():
        seeds.append(f"NAME: e4\nTYPE: TSP\nDIMENSION: 4\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: {layout}\n"
                     f"DISPLAY_DATA_TYPE: NO_DISPLAY\nEDGE_WEIGHT_SECTION\n{numbers}\nEOF\n".encode())
    return seeds + _real("tsplib/*.tsp", limit_bytes=60_000)


def _tour_seeds() -> list[bytes]:
    from .io import write_tour
    return [_written(lambda path: write_tour(path, [0, 2, 1, 3], name="t4", comment="fuzz"), ".tour"),
            b"NAME : t\nTYPE : TOUR\nDIMENSION : 3\nTOUR_SECTION\n1\n3\n2\n-1\nEOF\n"] + _real("tsplib/*.tour")


def _gset_seeds() -> list[bytes]:
    from .io import write_gset
    return [_written(lambda path: write_gset(path, 5, [(0, 1), (1, 2), (2, 3), (3, 4), (0, 4)], [1, -1, 2.5, 1, 1]),
                     ".txt"), b"3 2\n1 2 1\n2 3 -1\n"] + _real("gset/G*.txt", limit_bytes=200_000)


def _dimacs_seeds() -> list[bytes]:
    from .io import write_dimacs
    return [_written(lambda path: write_dimacs(path, 4, [(0, 1), (1, 2), (2, 3)]), ".col"),
            _written(lambda path: write_dimacs(path, 3, [(0, 1), (1, 2)], node_weights=[1, 2, 3]), ".clq"),
            b"c x\np col 3 3\ne 1 2\ne 2 1\ne 2 3\nn 1 5\n"] + _real("dimacs/*.col", limit_bytes=60_000)


def _cnf_seeds() -> list[bytes]:
    from .io import write_cnf
    return [_written(lambda path: write_cnf(path, 3, [(1, -2), (2, 3), (-1, -3)]), ".cnf"),
            _written(lambda path: write_cnf(path, 3, [(1, -2), (2, 3), (-1,)], weights=[2, 3, 1],
                                            hard=[True, False, False]), ".wcnf"),
            b"p wcnf 2 2 10\n10 1 2 0\n3 -1 0\n", b"c c\nh 1 2 0\n3 -1 0\n",
            b"p cnf 2 2\n1 -2 0\n2 0\n%\n0\n"]


def _qaplib_seeds() -> list[bytes]:
    from .io import write_qaplib
    return [_written(lambda path: write_qaplib(path, [[0, 1, 2], [1, 0, 3], [2, 3, 0]],
                                               [[0, 5, 2], [5, 0, 1], [2, 1, 0]]), ".dat")] + _real("qaplib/*.dat")


def _qaplib_solution_seeds() -> list[bytes]:
    from .io import write_qaplib_solution
    return [_written(lambda path: write_qaplib_solution(path, [2, 0, 1], 17), ".sln"),
            b"3 17\n3, 1, 2\n"] + _real("qaplib/*.sln")


def _small_quadratic():
    from .io import QuadraticInstance
    return QuadraticInstance.from_terms(3, [1.0, -2.0, 0.5], [(0, 1), (1, 2)], [2.0, -1.5], offset=0.25)


def _qbsolv_seeds() -> list[bytes]:
    from .io import write_qbsolv
    return [_written(lambda path: write_qbsolv(path, _small_quadratic()), ".qubo"),
            b"c x\np qubo 0 3 2 1\n0 0 -1\n1 1 2\n0 1 3\n"]


def _coo_seeds() -> list[bytes]:
    from .io import write_coo
    return [_written(lambda path: write_coo(path, _small_quadratic()), ".coo"), b"0 0 1.5\n0 1 -2\n1 1 3\n"]


def _npy_seeds() -> list[bytes]:
    seeds = []
    for value in (np.array([[-1.0, 2.0], [0.0, -1.0]]), np.array([[1, 2, 0], [0, 1, 3], [0, 0, -2]], dtype=np.int64)):
        buffer = io.BytesIO()
        np.save(buffer, value)
        seeds.append(buffer.getvalue())
    buffer = io.BytesIO()
    np.savez(buffer, h=[0.5, 0.0], J=[[0.0, -1.0], [0.0, 0.0]], offset=1.0)
    seeds.append(buffer.getvalue())
    buffer = io.BytesIO()
    np.savez(buffer, Q=np.array([[1.0, -1.0], [0.0, 2.0]]))
    seeds.append(buffer.getvalue())
    return seeds


def _bqm_seeds() -> list[bytes]:
    try:
        import dimod
    except ImportError:
        return []
    seeds = []
    for bqm in (dimod.BinaryQuadraticModel({"a": 1, "b": -1}, {("a", "b"): 0.5}, 0.25, "SPIN"),
                dimod.BinaryQuadraticModel({0: 1.0, 1: 2.0, 2: -1.0}, {(0, 1): -2.0, (1, 2): 1.0}, 0.0, "BINARY")):
        seeds.append(bqm.to_file().read())
    return seeds


def _numbers_seeds() -> list[bytes]:
    from .io import write_numbers
    return [_written(lambda path: write_numbers(path, [3, 1, 1, 2, 2, 1]), ".txt"), b"# c\n1.5 2\n3 -4\n"]


def _knapsack_seeds() -> list[bytes]:
    from .io import write_knapsack
    return [_written(lambda path: write_knapsack(path, [10, 5, 7], [4, 3, 2], 6), ".txt"),
            b"knapPI_1_3_10\nn 3\nc 6\nz 17\ntime 0.00\n1,10,4,1\n2,5,3,0\n3,7,2,1\n-----\n", b"3\n1 10 4\n2 5 3\n3 7 2\n6\n"]


def _scp_seeds() -> list[bytes]:
    from .io import write_scp
    return [_written(lambda path: write_scp(path, 3, [[0, 1], [1, 2], [0, 2]], [1, 2, 3]), ".txt")]


_SUITE_PROBLEMS = ["maxcut", "tsp", "coloring"]
_SUITE_SOLVERS = {"maxcut": ["anneal", "exact", "dwave-sa"], "tsp": ["anneal", "exact"], "coloring": ["anneal"]}


def _suite_seeds() -> list[bytes]:
    return [b"# suite\nseeds = 0-4\ntime_limit = 2\n\n[maxcut-small]   # block\nproblem = maxcut\n"
            b"instances = G1 G11 random:n=30,seed=1,p=0.5\nsolvers = anneal dwave-sa exact\nsweeps = 1000\n"
            b"[t]\nproblem = tsp\ninstances = kroA100, burma14\nsolvers = exact\nseeds = 1..3, 7\n"
            b"exact_time_limit = 30\nrestarts = 4\n"]


def _json_seeds() -> list[bytes]:
    return [json.dumps({"solution": [0, 1, 1], "energy": -3.0, "status": "ok"}).encode(), b"[1, 0, 2]",
            json.dumps({"solution": [[0, 1], [2]], "objective": 2}, indent=2).encode()]


# ----------------------------------------------------------------------------------------- validations


def _finite(*arrays) -> None:
    for array in arrays:
        if array is None:
            continue
        array = np.asarray(array)
        if array.dtype.kind in "fc" and not np.all(np.isfinite(array)):
            raise AssertionError("a parsed array holds a non-finite value")


def _check_edges(result) -> None:
    from . import MaxCut
    _finite(result.weights)
    edges = np.asarray(result.edges)
    assert edges.ndim == 2 and edges.shape[1] == 2
    assert np.all(edges >= 0) and np.all(edges < result.n) and np.all(edges[:, 0] != edges[:, 1])
    if result.n <= 5000:
        MaxCut(result.n, result.edges, result.weights)


def _check_dimacs(result) -> None:
    edges = result[0] if isinstance(result, tuple) else result
    _check_edges(edges)
    if isinstance(result, tuple):
        _finite(result[1])


def _check_tsplib(result) -> None:
    from . import TSP
    distances = np.asarray(result.distances)
    n = distances.shape[0]
    assert distances.shape == (n, n)
    _finite(distances)
    assert np.array_equal(distances, distances.T)
    if 3 <= n <= 2000:  # the TSP encoder needs three cities; the file format allows fewer
        TSP(distances)


def _check_tour(result) -> None:
    tour = np.asarray(result.tour)
    assert sorted(tour.tolist()) == list(range(len(tour)))


def _check_quadratic(result) -> None:
    _finite(result.linear, getattr(result, "values", None))
    assert math.isfinite(result.offset)
    result.energy(np.zeros(result.n, dtype=np.int64) if result.vartype == "binary" else np.ones(result.n))


def _check_qap(result) -> None:
    _finite(result.flow, result.distance)
    assert np.asarray(result.flow).shape == (result.n, result.n) == np.asarray(result.distance).shape


def _check_qap_solution(result) -> None:
    assert sorted(np.asarray(result.permutation).tolist()) == list(range(result.n))
    assert math.isfinite(result.cost)


def _check_numbers(result) -> None:
    _finite(result.values)


def _check_knapsack(result) -> None:
    _finite(result.values, result.weights, result.capacity)


def _check_scp(result) -> None:
    _finite(result.costs)


def _check_cnf(result) -> None:
    _finite(getattr(result, "weights", None))


def _check_nothing(result) -> None:
    return None


def _check_json(result) -> None:
    assert isinstance(result, list)


# ------------------------------------------------------------------------------------------------ targets


@dataclass
class Target:
    """One reader under fuzzing: its seeds, the reader call on a path, a validation, and whether it has lines."""

    name: str
    suffix: str
    make_seeds: Callable[[], list[bytes]]
    read: Callable[[str], object]
    check: Callable[[object], None]
    has_lines: bool = True
    _seeds: list[bytes] | None = field(default=None, repr=False)

    @property
    def seeds(self) -> list[bytes]:
        if self._seeds is None:
            self._seeds = self.make_seeds()
        return self._seeds


def _targets() -> dict[str, Target]:
    from . import io as hio
    from .bench.suite import read_suite
    from .kinds._kind import read_json_solution

    def suite(path):
        return read_suite(path, problems=_SUITE_PROBLEMS, solvers_by_problem=_SUITE_SOLVERS)

    targets = [
        Target("gset", ".txt", _gset_seeds, hio.read_gset, _check_edges),
        Target("tsplib", ".tsp", _tsplib_seeds, hio.read_tsplib, _check_tsplib),
        Target("tour", ".tour", _tour_seeds, hio.read_tour, _check_tour),
        Target("dimacs", ".col", _dimacs_seeds, hio.read_dimacs, _check_dimacs),
        Target("dimacs-weights", ".clq", _dimacs_seeds, lambda p: hio.read_dimacs(p, with_node_weights=True),
               _check_dimacs),
        Target("cnf", ".cnf", _cnf_seeds, hio.read_cnf, _check_cnf),
        Target("qaplib", ".dat", _qaplib_seeds, hio.read_qaplib, _check_qap),
        Target("qaplib-solution", ".sln", _qaplib_solution_seeds, hio.read_qaplib_solution, _check_qap_solution),
        Target("qbsolv", ".qubo", _qbsolv_seeds, hio.read_qbsolv, _check_quadratic),
        Target("coo", ".coo", _coo_seeds, hio.read_coo, _check_quadratic),
        Target("numpy", ".npy", _npy_seeds, hio.read_numpy_quadratic, _check_quadratic, has_lines=False),
        Target("bqm", ".bqm", _bqm_seeds, hio.read_bqm, _check_quadratic, has_lines=False),
        Target("numbers", ".txt", _numbers_seeds, hio.read_numbers, _check_numbers),
        Target("knapsack", ".txt", _knapsack_seeds, hio.read_knapsack, _check_knapsack),
        Target("scp", ".txt", _scp_seeds, hio.read_scp, _check_scp),
        Target("suite", ".suite", _suite_seeds, suite, _check_nothing),
        Target("solution-json", ".json", _json_seeds, read_json_solution, _check_json, has_lines=False),
    ]
    return {target.name: target for target in targets}


_TARGETS: dict[str, Target] | None = None


def targets() -> dict[str, Target]:
    """Every fuzz target by name (built once; seeds are made on first use)."""
    global _TARGETS
    if _TARGETS is None:
        _TARGETS = _targets()
    return _TARGETS


@dataclass
class Outcome:
    """What one input did: ``"parsed"``, ``"rejected"`` (a proper InputError) or ``"failure"`` with a detail."""

    kind: str
    detail: str = ""
    has_line: bool = False


def check_input(target: Target, data: bytes, folder: str | os.PathLike) -> Outcome:
    """Write ``data`` to a file in ``folder``, read it with the target's reader and judge the outcome."""
    path = Path(folder) / f"input{target.suffix}"
    path.write_bytes(data)
    label = str(path)
    try:
        result = target.read(label)
    except InputError as error:
        message = str(error)
        if label not in message:
            return Outcome("failure", f"InputError without the path: {message[:300]}")
        if "\n" in message:
            return Outcome("failure", f"InputError message over several lines: {message[:300]!r}")
        return Outcome("rejected", message[:300], bool(re.search(re.escape(label) + r":\d+:", message)))
    except RecursionError as error:
        return Outcome("failure", f"RecursionError: {error}")
    except Exception as error:  # noqa: BLE001 - any other exception is exactly what the campaign looks for
        return Outcome("failure", f"{type(error).__name__}: {str(error)[:300]}")
    try:
        target.check(result)
    except Exception as error:  # noqa: BLE001
        return Outcome("failure", f"parsed but invalid: {type(error).__name__}: {str(error)[:300]}")
    return Outcome("parsed")
