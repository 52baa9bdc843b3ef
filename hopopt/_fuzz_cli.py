"""Private: adversarial argument lists for every ``hopopt`` command (issue 12's fuzzing campaign, CLI half).

Used by ``tests/test_fuzz_cli.py`` (a few dozen examples per command under hypothesis) and by
``benchmarks/fuzz.py --targets cli`` (the long campaign). Not part of the public API.

A *case* is one argument list for :func:`hopopt.cli.main`. :func:`generate` builds it from a valid base (a tiny
instance: ``random:n=…`` with n of 4 to 12, a small catalogue name with ``--data-dir``, a small real file or a
writer-made one copied into the workspace; a valid solution or suite file; a time limit of at most 0.5 s) and
applies one to three mutations: numbers out of range, negative, zero, NaN, inf, 1e400, huge integers, hex, empty
and unicode strings, unknown problem, solver, option and random-option names, duplicated and missing arguments,
unreadable inputs (a directory, a missing file, /dev/null, a fifo, a dangling link, a mutated copy of a real
file) and unwritable outputs (under a file, under /proc, a directory, an unknown picture format).

Every case stays bounded: a command that takes ``--time-limit`` keeps one of at most 0.5 s, and where a mutation
removes it or makes it huge the work is capped by ``--sweeps`` (or a tiny instance for ``exact``). Valid work
counts that are merely large (``--trials 2147483647`` for ``memory capacity``, ``--seeds 0-99999``) are not
generated: those commands have no time limit, and asking for that much work is not a malformed input. Sizes far
beyond any memory (n = 10**11, 2**31 - 1 neurons) are, since they must be refused.

:func:`run_case` calls ``main`` in this process with stdout and stderr captured at the Python and at the file
descriptor level (so that a C library printing to fd 1 is seen) and :func:`judge` checks the contract:
status 0 or 2, never 1, never an exception escaping, never a traceback; status 2 is exactly one line on stderr
starting ``hopopt: error:``; status 0 under ``--json`` is one JSON object on stdout (no NaN or Infinity); status 0
with ``--plot FILE`` wrote FILE; and the command ends within :attr:`Case.bound_s`, its time limit plus
max(10 %, 0.5 s) (plus :data:`COMPILE_ALLOWANCE_S` the first time a command, problem and solver are met, for
one-off numba compilation). A case over its bound that still keeps the contract is *slow*, recorded apart from
the failures; one still running :data:`HANG_MARGIN_S` after its bound is stopped by SIGALRM and is a *hang*, a
failure. Stderr is read as a terminal shows it (a progress bar redrawn with carriage returns is overwritten), and
warnings count as the stderr lines a fresh process would print. Output paths stay inside the workspace or under
/proc (as root, ``/nonexistent/dir/x.png`` would be created), and ``datasets fetch`` runs :func:`offline`.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import math
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from . import _fuzz

# the commands under fuzzing, as benchmarks/fuzz.py and the tests name them (``cli`` is all of them)
COMMANDS = ("solve", "exact", "evaluate", "compare", "bench", "demo", "memory", "datasets")
COMPILE_ALLOWANCE_S = 30.0
# a case still running this long after its bound is a hang (it is stopped there and counted as a failure)
HANG_MARGIN_S = 10.0
# and no case may run longer than this before it counts as a hang
MAX_HANG_S = 300.0
# a command without --time-limit (evaluate, datasets, memory capacity on a tiny network) has this bound
UNTIMED_BOUND_S = 5.0
# bench starts worker processes that import hopopt before the first run
BENCH_START_S = 15.0
# the embedded demo solves a 40-node max-cut exactly (a MILP of about 10 s on a 2-core machine)
DEMO_BOUND_S = 60.0
# share of demo cases that are valid: each takes about 10 s, so the campaign keeps them rare
DEMO_VALID_SHARE = 0.003

TIME_LIMITS = ["0.01", "0.02", "0.05", "0.1", "0.2", "0.5"]
_TIME_WEIGHTS = [8, 4, 4, 2, 1, 1]

# values a number option must refuse (or, for the valid extremes at the end, survive)
BAD_NUMBERS = [
    "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e400", "-1e400", "-1", "-0", "0", "0.0", "-0.5", "1e-400",
    "0x10", "0b101", "0o7", "1_000", "1,5", "1.5", "2.", ".5", "+3", "--1", "", " ", " 7", "7 ", "abc", "1e3",
    "99999999999999999999", "2147483648", "4294967296", "9223372036854775808", "18446744073709551616", "1e20",
    "1e308", "-1e308", "\u0663", "\uff11", "\u00b2", "\u202e5", "5\x00", "True", "None", "[]", "1/2", "10**9",
]
# valid but extreme values: each must finish within the bound (time limits) or be refused (memory)
EXTREME_VALID = {
    "--time-limit": ["1e-300", "5e-324", "1e-9"], "--exact-time-limit": ["1e-300", "1e-9"],
    "--restarts": ["2147483647", "1000000", "1"], "--sweeps": ["2147483647", "1000000000", "1"],
    "--seed": ["9223372036854775807", "0", "4294967296"], "--colors": ["1", "2147483647", "100000"],
    "--workers": ["2147483647", "64", "3", "2"], "--neurons": ["2147483647", "1000000000", "2"],
}
STRINGS = ["", " ", "-", "--", "\x00", "é", "ü\u0308", "\u202e", "\ufeff", "\U0001f600", "日本", "a" * 300,
           "../../etc/passwd", "/", ".", "..", "~", "$HOME", "%s%n", "{}", "\\", "'", '"', "\n", "\t", "NUL",
           "-h", "--version", "--json", "random:", "CON"]
UNKNOWN_OPTIONS = ["--frobnicate", "--time_limit", "--timelimit", "-t", "--Time-Limit", "--json=1", "--json=",
                   "--seed=", "--sweeps=-1", "---json", "--", "-", "--solver=", "--explain=yes", "--no-json",
                   "--plot=", "--jso", "--re", "--s"]
RANDOM_KEYS = ["n", "seed", "p", "density", "bits", "constraints", "weighted", "kind", "data_range",
               "elements", "cost_range", "k", "ratio", "planted", "givens", "N", "size", "p ", " n"]
RANDOM_VALUES = ["0", "1", "-1", "2", "0.5", "1.5", "nan", "inf", "-inf", "1e400", "1e-400", "1e9",
                 "99999999999", "100000000000", "9223372036854775808", "2147483648", "", "x", "0x10", "1e3",
                 "3.0", "1_0", "\u0663", "-0", "1e308", "64", "1000", "63", "65"]


# ------------------------------------------------------------------------------------------------ the kinds
@dataclass(frozen=True)
class KindInputs:
    """What a problem kind can be given: random sizes, small catalogue names and seed-file formats."""

    sizes: tuple
    catalogue: tuple
    formats: tuple  # names of hopopt._fuzz targets whose seeds are files in the kind's format
    compare_solvers: tuple  # cheap solvers and peers for compare --solvers


_GRAPH_PEERS = ("hopopt-anneal", "exact")
KINDS = {
    "maxcut": KindInputs((4, 12), ("G11",), ("gset",), ("hopopt-temper", "hopopt-anneal", "exact",
                                                         "networkx-one-exchange", "hopopt-descent")),
    "tsp": KindInputs((4, 7), ("burma14", "ulysses16", "gr17"), ("tsplib",),
                      ("hopopt-anneal", "exact", "networkx-greedy-tsp", "networkx-christofides")),
    "coloring": KindInputs((4, 10), ("myciel3", "myciel4", "queen5_5"), ("dimacs",),
                           ("hopopt-anneal", "exact", "networkx-dsatur")),
    "qap": KindInputs((3, 6), ("had12", "nug12", "chr12a", "rou12", "scr12", "tai12a"), ("qaplib",),
                      ("hopopt-anneal", "exact", "scipy-faq", "scipy-2opt")),
    "model": KindInputs((4, 10), (), ("model",), ("hopopt-anneal", "exact", "hopopt-penalty")),
    "qubo": KindInputs((4, 12), (), ("qbsolv", "coo", "numpy"), ("hopopt-anneal", "exact", "hopopt-descent")),
    "ising": KindInputs((4, 12), (), ("qbsolv", "coo", "numpy"), ("hopopt-anneal", "exact", "hopopt-descent")),
    "partition": KindInputs((4, 12), (), ("numbers",), ("hopopt-anneal", "exact", "karmarkar-karp")),
    "bisection": KindInputs((4, 12), ("G11",), ("gset",), ("hopopt-anneal", "exact", "networkx-kernighan-lin")),
    "mis": KindInputs((4, 12), ("myciel3", "myciel4"), ("dimacs",),
                      ("hopopt-anneal", "exact", "networkx-maximal-restarts", "networkx-approx-mis")),
    "vertexcover": KindInputs((4, 12), ("myciel3", "myciel4"), ("dimacs",),
                              ("hopopt-anneal", "exact", "networkx-min-weighted-vc")),
    "clique": KindInputs((4, 12), ("myciel3", "myciel4"), ("dimacs",),
                         ("hopopt-anneal", "exact", "networkx-approx-max-clique")),
    "knapsack": KindInputs((4, 12), (), ("knapsack",), ("hopopt-anneal", "exact", "greedy-ratio")),
    "setcover": KindInputs((4, 12), (), ("scp",), ("hopopt-anneal", "exact", "greedy-chvatal")),
    "maxsat": KindInputs((4, 12), (), ("cnf",), ("hopopt-anneal", "exact")),
    "queens": KindInputs((4, 8), (), ("queens",), ("hopopt-anneal", "exact", "hopopt-penalty")),
    "sudoku": KindInputs((4, 4), (), ("sudoku",), ("hopopt-anneal", "exact")),
}
SUFFIXES = {"gset": ".txt", "tsplib": ".tsp", "dimacs": ".col", "qaplib": ".dat", "qbsolv": ".qubo",
            "coo": ".coo", "numpy": ".npy", "numbers": ".txt", "knapsack": ".txt", "scp": ".txt", "cnf": ".cnf",
            "model": ".json", "queens": ".queens", "sudoku": ".txt"}
# the CLI's own choices, to draw valid values from (and misspell)
SOLVERS = ("anneal", "temper", "dsb", "bsb", "cac", "descent", "tank", "penalty")
MOVES = ("auto", "single-flip", "constraint-preserving")
ACCEPTANCES = ("metropolis", "glauber")
RULES = ("hebb", "storkey", "pseudo-inverse")
CATALOGUE_SAMPLE = ("G1", "G11", "G22", "G55", "berlin52", "burma14", "kroA100", "pr1002", "myciel3", "anna",
                    "le450_15a", "had12", "nug30", "wil50")


def _solvers_of(kind_name):
    from .api import solvers_of
    from .kinds import get_kind

    return solvers_of(get_kind(kind_name))


def _random_options(kind_name):
    from .kinds import get_kind

    return tuple(get_kind(kind_name).random_options)


# ------------------------------------------------------------------------------------------------ workspace
class Workspace:
    """A temporary folder with the files the cases point at, made once; each case gets a fresh sub-folder.

    ``folder`` holds copies of small real instances and writer-made files per kind, valid solution files,
    valid suite files, a regular file (to put paths under), an empty folder and a dangling link. Cases run with
    the folder as the current directory, so that default outputs (``bench-SUITE``) land inside it.
    """

    def __init__(self, folder=None):
        self._owned = folder is None
        self.folder = Path(tempfile.mkdtemp(prefix="hopopt-fuzz-cli-") if folder is None else folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.instances = self.folder / "instances"
        self.instances.mkdir(exist_ok=True)
        self.empty_dir = self.folder / "empty-dir"
        self.empty_dir.mkdir(exist_ok=True)
        self.regular_file = self.folder / "regular-file.txt"
        self.regular_file.write_text("not a folder\n")
        self.dangling = self.folder / "dangling-link.txt"
        if not self.dangling.is_symlink():
            self.dangling.symlink_to(self.folder / "nowhere" / "missing.txt")
        self._seed_files: dict = {}
        self._solutions: dict = {}
        self._suites: list | None = None
        self.case_dir = self.folder / "case"
        self.data_dir = str(_fuzz.INSTANCE_FOLDER) if _fuzz.INSTANCE_FOLDER.is_dir() else None

    def close(self):
        if self._owned:
            shutil.rmtree(self.folder, ignore_errors=True)

    def fresh_case_dir(self) -> Path:
        """An empty folder for one case's own files (mutated copies, outputs, fifos)."""
        shutil.rmtree(self.case_dir, ignore_errors=True)
        self.case_dir.mkdir()
        return self.case_dir

    # seed files ------------------------------------------------------------------------------------------
    def seed_bytes(self, format_name) -> list:
        """The seed files of a format: hopopt._fuzz's reader seeds (real instances included), small ones."""
        if format_name not in self._seed_files:
            if format_name == "model":
                seeds = [_model_seed(n) for n in (4, 6)]
            elif format_name == "queens":
                seeds = [b"6\n", b"# board\n8\n"]
            elif format_name == "sudoku":
                seeds = [b"1.3.34.2.1..4..1\n", b"# two\n12..34..........\n.2..3..1..4.1...\n"]
            else:
                seeds = [data for data in _fuzz.targets()[format_name].seeds
                         if len(data) <= 20_000 and _declared_size(data) <= 100]
            self._seed_files[format_name] = seeds
        return self._seed_files[format_name]

    def seed_file(self, format_name, rng) -> str:
        """The path of a valid (unmutated) seed file of the format, written once into the workspace."""
        seeds = self.seed_bytes(format_name)
        index = rng.randrange(len(seeds))
        path = self.instances / f"{format_name}-{index}{SUFFIXES[format_name]}"
        if not path.exists():
            path.write_bytes(seeds[index])
        return str(path)

    def mutated_file(self, format_name, rng) -> str:
        """A fresh file in the case folder holding a mutated seed of the format."""
        seeds = self.seed_bytes(format_name)
        path = self.case_dir / f"mutated{SUFFIXES[format_name]}"
        path.write_bytes(_fuzz.mutate(rng.choice(seeds), rng))
        return str(path)

    # solutions -------------------------------------------------------------------------------------------
    def solution(self, kind_name, rng):
        """(instance spec, solution path) of a valid pair, solved once per kind in the workspace."""
        if kind_name not in self._solutions:
            self._solutions[kind_name] = _make_solutions(kind_name, self.instances)
        return rng.choice(self._solutions[kind_name])

    # suites ----------------------------------------------------------------------------------------------
    def suite_texts(self) -> list:
        if self._suites is None:
            self._suites = list(_SUITES)
        return self._suites


_DIMENSION = re.compile(rb"^\s*DIMENSION\s*:?\s*(\d+)", re.IGNORECASE | re.MULTILINE)


def _declared_size(data) -> int:
    """The DIMENSION a TSPLIB seed declares (0 for other formats): pr1002 is 15 kB but no tiny instance, and a
    peer that ignores the time limit (networkx's Christofides) spends 14 s on it."""
    found = _DIMENSION.search(data[:4000])
    return int(found.group(1)) if found else 0


def _model_seed(n) -> bytes:
    from .kinds import get_kind

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.json"
        get_kind("model").random(n, 1).save(path)
        return path.read_bytes()


def _make_solutions(kind_name, folder):
    """Valid solution files for random instances of a kind (JSON; a .tour for tsp, a .sln for qap)."""
    from .api import solve
    from .instances import load_instance

    pairs = []
    low, high = KINDS[kind_name].sizes
    for n in sorted({low, high}):
        spec = f"random:n={n},seed=1"
        problem, _ = load_instance(kind_name, spec)
        answer = solve(problem, time_limit=0.05, rng=0)
        solution = [int(value) for value in answer.solution]
        path = folder / f"solution-{kind_name}-{n}.json"
        path.write_text(json.dumps({"solution": solution, "objective": answer.objective}))
        pairs.append((spec, str(path)))
        if kind_name == "tsp":
            from .io import write_tour

            tour = folder / f"solution-tsp-{n}.tour"
            write_tour(tour, solution, name=f"r{n}")
            pairs.append((spec, str(tour)))
    if kind_name == "qap" and _fuzz.INSTANCE_FOLDER.is_dir():
        for name in ("had12", "nug12"):
            real = _fuzz.INSTANCE_FOLDER / "qaplib" / f"{name}.sln"
            if real.is_file():
                pairs.append((name, str(real)))
    if kind_name == "tsp" and _fuzz.INSTANCE_FOLDER.is_dir():
        real = _fuzz.INSTANCE_FOLDER / "tsplib" / "ulysses16.opt.tour"
        if real.is_file():
            pairs.append(("ulysses16", str(real)))
    return pairs


# hand-made broken solution files (JSON text), beside mutated copies of valid ones
BROKEN_SOLUTIONS = [
    b"", b"{}", b"[]", b"null", b"{\"solution\": null}", b"{\"solution\": {}}", b"{\"solution\": {\"a\": 1}}",
    b"{\"solution\": [NaN, 1, 0]}", b"{\"solution\": [Infinity, 0]}", b"{\"solution\": [1e400, 0, 1]}",
    b"{\"solution\": [-1, 0, 1, 0]}", b"{\"solution\": [0.5, 1, 0, 1]}", b"{\"solution\": [true, false, true]}",
    b"{\"solution\": [\"0\", \"1\"]}", b"{\"solution\": [[0], [1]]}", b"[" * 100_000 + b"]" * 100_000,
    b"{\"solution\": " + b"[" * 50_000 + b"]" * 50_000 + b"}", b"{\"solution\": [1180591620717411303424, 0]}",
    b"{\"solution\": [0, 1]} trailing", b"\xef\xbb\xbf{\"solution\": [0, 1, 0, 1]}", b"\xff\xfe{\x00}\x00",
    b"{\"solution\": [0, 1, 0, 1], \"solution\": [1]}", b"{\"solution\": [" + b"0, " * 100_000 + b"0]}",
    b"{\"solution\": [99999999999999999999, 0, 1]}", b"{\"solution\": [-9223372036854775809, 0]}",
    b"{\"solution\": {\"0\": 1, \"1\": -1, \"x\": 1}}", b"{\"solution\": {\"0\": NaN}}",
]

# valid tiny suites (bench): each run is 0.02-0.05 s, a handful of runs
_SUITES = [
    "# fuzz suite\ntime_limit = 0.05\nseeds = 0-1\n\n[cut]\nproblem = maxcut\ninstances = random:n=6,seed=1\n"
    "solvers = exact hopopt-anneal\n",
    "[t]\nproblem = tsp\ninstances = random:n=5,seed=2\nsolvers = exact, hopopt-anneal\ntime_limit = 0.02\n"
    "sweeps = 20\n",
    "seeds = 3\ntime_limit = 0.05\nexact_time_limit = 0.2\n[a]\nproblem = coloring\ninstances = myciel3\n"
    "solvers = exact\n[b]\nproblem = partition\ninstances = random:n=6,seed=1, random:n=7,seed=2\n"
    "solvers = karmarkar-karp exact\nrestarts = 2\n",
    "[q]\nproblem = qap\ninstances = random:n=4,seed=1\nsolvers = exact hopopt-descent\ntime_limit = 0.05\n",
]


# ------------------------------------------------------------------------------------------------ cases
@dataclass
class Case:
    """One argument list for ``hopopt.cli.main`` and what the judge needs to know about it."""

    command: str
    argv: list
    notes: list = field(default_factory=list)
    cleanup: list = field(default_factory=list)  # callables run after the case (fifo writers)
    _bound_s: float | None = field(default=None, repr=False)

    @property
    def wants_json(self) -> bool:
        return _flag_given(self.argv, "--json")

    @property
    def plot(self):
        return _last_value(self.argv, "--plot") if self.command in ("solve", "compare", "memory") else None

    @property
    def bound_s(self) -> float:
        # computed once, before the case runs (a bench suite is read for its time limits)
        if self._bound_s is None:
            self._bound_s = _bound(self)
        return self._bound_s

    def reproducer(self) -> str:
        """A line that reproduces the case from the shell (paths into the workspace may be gone)."""
        import shlex

        return "hopopt " + " ".join(shlex.quote(token) for token in self.argv)


def _flag_given(argv, flag):
    """Whether argparse would see ``flag`` (an exact token or an unambiguous-enough prefix of it)."""
    for token in argv:
        if token == "--":
            return False
        if token == flag or (token.startswith("--") and len(token) > 4 and flag.startswith(token)
                             and "=" not in token):
            return True
    return False


def _last_value(argv, flag):
    value = None
    for index, token in enumerate(argv):
        if token == flag and index + 1 < len(argv):
            value = argv[index + 1]
        elif token.startswith(flag + "="):
            value = token[len(flag) + 1:]
    return value


def _number(text):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and value > 0 else None


def _bound(case) -> float:
    """Seconds the case may take: its time limit(s) plus max(10 %, 0.5 s) each, or a fixed bound."""
    argv = case.argv

    def held(limit):
        # a limit over 0.5 s comes from a mutation, and the work is then capped (see _bounded): no promise to check
        return limit + max(0.1 * limit, 0.5) if limit <= 0.5 else UNTIMED_BOUND_S

    limit = _number(_last_value(argv, "--time-limit"))
    if case.command == "solve":
        return held(limit) if limit is not None else UNTIMED_BOUND_S
    if case.command == "exact":
        return held(limit if limit is not None else 60.0)
    if case.command == "compare":
        limit = limit if limit is not None else 10.0
        exact = _number(_last_value(argv, "--exact-time-limit")) or limit
        solvers = _last_value(argv, "--solvers")
        rows = len([name for name in solvers.split(",") if name.strip()]) if solvers else 16
        seeds = _last_value(argv, "--seeds")
        runs = 1
        if seeds:
            with contextlib.suppress(Exception):
                from .bench.compare import expand_seeds

                runs = len(expand_seeds(seeds))
        return rows * runs * held(min(limit, 1.0)) + held(exact) + 2.0
    if case.command == "bench":
        return BENCH_START_S + case_runs_seconds(case)
    if case.command == "demo":
        return DEMO_BOUND_S
    return UNTIMED_BOUND_S


def case_runs_seconds(case) -> float:
    """The runs of a bench case's suite, each its time limit plus 0.5 s (0 when the suite does not parse)."""
    suite_path = next((token for token in case.argv[1:] if not token.startswith("-")), None)
    if suite_path is None or not _is_file(suite_path):  # a fifo would block here
        return 0.0
    try:
        runs = _suite_runs(Path(suite_path).read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - a suite that does not parse runs nothing
        return 0.0
    return sum(limit + 0.5 for limit in runs)


def _suite_runs(text):
    """Time limits of the runs a suite plans (it must parse)."""
    from .bench.runners import solver_names
    from .bench.suite import parse_suite
    from .bench.suite_runner import plan_runs
    from .instances import problem_names

    suite = parse_suite(text, "fuzz.suite", problems=problem_names(), solvers_by_problem=solver_names())
    return [run["time_limit"] for run in plan_runs(suite)]


# ------------------------------------------------------------------------------------------------ building
# an argument list is built as items, each a tuple of tokens (("solve",), ("--time-limit", "0.05"), ...),
# so that mutations can drop, repeat or change one option with its value; it is flattened at the end.


def _time_limit(rng):
    return rng.choices(TIME_LIMITS, weights=_TIME_WEIGHTS)[0]


def _kind_name(rng):
    return rng.choice(list(KINDS))


def _random_spec(kind_name, rng):
    low, high = KINDS[kind_name].sizes
    parts = [f"n={rng.randint(low, high)}"]
    if rng.random() < 0.8:
        parts.append(f"seed={rng.randrange(100)}")
    options = _random_options(kind_name)
    for key in options:
        if rng.random() < 0.2:
            parts.append(f"{key}={_valid_random_value(key, rng)}")
    rng.shuffle(parts)
    return "random:" + ",".join(parts)


def _valid_random_value(key, rng):
    return {"p": rng.choice(["0.3", "0.5", "1", "0"]), "density": rng.choice(["0.3", "0.5", "1"]),
            "bits": rng.choice(["4", "10", "20"]), "constraints": rng.choice(["1", "2"]),
            "weighted": rng.choice(["0", "1"]), "kind": rng.choice(["1", "2", "3"]),
            "data_range": rng.choice(["10", "1000"]), "elements": rng.choice(["0", "5"]),
            "cost_range": rng.choice(["1", "100"]), "k": rng.choice(["2", "3"]), "ratio": rng.choice(["2", "4.26"]),
            "planted": rng.choice(["0", "1"]), "givens": rng.choice(["4", "8"])}.get(key, "1")


def _instance_items(kind_name, rng, workspace):
    """Items naming a valid tiny instance of the kind: a random spec, a catalogue name or a file."""
    inputs = KINDS[kind_name]
    roll = rng.random()
    if inputs.catalogue and roll < 0.2:
        name = rng.choice(inputs.catalogue)
        if rng.random() < 0.2:
            name = name.upper() if rng.random() < 0.5 else name.lower()  # catalogue names ignore case
        items = [(name,)]
        if workspace.data_dir and rng.random() < 0.7:
            items.append(("--data-dir", workspace.data_dir))
        return items
    if roll < 0.45:
        return [(workspace.seed_file(rng.choice(inputs.formats), rng),)]
    return [(_random_spec(kind_name, rng),)]


def _base_solve(rng, workspace):
    kind_name = _kind_name(rng)
    items = [("solve",), (kind_name,)] + _instance_items(kind_name, rng, workspace)
    items.append(("--time-limit", _time_limit(rng)))
    if rng.random() < 0.3:
        items.append(("--solver", rng.choice(_solvers_of(kind_name))))
    if rng.random() < 0.3:
        items.append(("--sweeps", str(rng.choice([10, 50, 200, 1000]))))
    if rng.random() < 0.2:
        items.append(("--restarts", str(rng.randint(1, 4))))
    if rng.random() < 0.3:
        items.append(("--seed", str(rng.randrange(1000))))
    if kind_name == "coloring" and rng.random() < 0.4:
        items.append(("--colors", str(rng.randint(2, 5))))
    if rng.random() < 0.15:
        items.append(("--moves", rng.choice(MOVES)))
    if rng.random() < 0.15:
        items.append(("--acceptance", rng.choice(ACCEPTANCES)))
    if rng.random() < 0.5:
        items.append(("--json",))
    if rng.random() < 0.15:
        items.append(("--explain",))
    if rng.random() < 0.04:
        items.append(("--plot", str(workspace.case_dir / "picture.png")))
    return kind_name, items


def _base_exact(rng, workspace):
    kind_name = _kind_name(rng)
    items = [("exact",), (kind_name,)] + _instance_items(kind_name, rng, workspace)
    items.append(("--time-limit", _time_limit(rng)))
    if rng.random() < 0.5:
        items.append(("--json",))
    return kind_name, items


def _base_evaluate(rng, workspace):
    kind_name = _kind_name(rng)
    spec, path = workspace.solution(kind_name, rng)
    items = [("evaluate",), (kind_name,), (spec,), (path,)]
    if workspace.data_dir and not spec.startswith("random:") and rng.random() < 0.5:
        items.append(("--data-dir", workspace.data_dir))
    if rng.random() < 0.5:
        items.append(("--json",))
    return kind_name, items


def _base_compare(rng, workspace):
    kind_name = _kind_name(rng)
    items = [("compare",), (kind_name,)] + _instance_items(kind_name, rng, workspace)
    items.append(("--time-limit", rng.choice(["0.01", "0.02", "0.05"])))
    if rng.random() < 0.97:
        names = rng.sample(KINDS[kind_name].compare_solvers, rng.randint(1, 2))
        items.append(("--solvers", ",".join(names)))
    if rng.random() < 0.2:
        items.append(("--exact-time-limit", rng.choice(["0.05", "0.2"])))
    if rng.random() < 0.2:
        items.append(("--seeds", rng.choice(["0-1", "0..2", "3", "1,4"])))
    elif rng.random() < 0.2:
        items.append(("--seed", str(rng.randrange(100))))
    if rng.random() < 0.3:
        items.append(("--sweeps", str(rng.choice([10, 100]))))
    if rng.random() < 0.2:
        items.append(("--restarts", str(rng.randint(1, 3))))
    if rng.random() < 0.7:
        items.append(("--json",))
    if rng.random() < 0.03:
        items.append(("--plot", str(workspace.case_dir / "bars.png")))
    return kind_name, items


def _base_bench(rng, workspace):
    text = rng.choice(workspace.suite_texts())
    path = workspace.case_dir / "fuzz.suite"
    path.write_text(text)
    items = [("bench",), (str(path),), ("--out", str(workspace.case_dir / "out")), ("--workers", "1")]
    if workspace.data_dir and rng.random() < 0.5:
        items.append(("--data-dir", workspace.data_dir))
    if rng.random() < 0.7:
        items.append(("--json",))
    return None, items


def _base_demo(rng, workspace):
    items = [("demo",)]
    if rng.random() < 0.5:
        items.append(("--json",))
    return "maxcut", items


def _base_memory(rng, workspace):
    items = [("memory",), ("capacity",), ("--neurons", str(rng.randint(2, 20)))]
    if rng.random() < 0.4:
        items.append(("--rule", rng.choice(RULES)))
    if rng.random() < 0.7:
        items.append(("--trials", str(rng.randint(1, 3))))
    if rng.random() < 0.3:
        items.append(("--seed", str(rng.randrange(1000))))
    if rng.random() < 0.5:
        items.append(("--json",))
    if rng.random() < 0.05:
        items.append(("--plot", str(workspace.case_dir / "capacity.png")))
    return None, items


def _base_datasets(rng, workspace):
    if rng.random() < 0.3:
        return None, [("datasets",), ("list",)]
    name = rng.choice(CATALOGUE_SAMPLE)
    if rng.random() < 0.2:
        name = name.lower()
    items = [("datasets",), ("fetch",), (name,)]
    roll = rng.random()
    if workspace.data_dir and roll < 0.6:
        items.append(("--data-dir", workspace.data_dir))  # present and verified: nothing is downloaded
    elif roll < 0.9:
        items.append(("--data-dir", str(workspace.case_dir / "data")))  # absent: the offline download refuses
    return None, items


BASES = {"solve": _base_solve, "exact": _base_exact, "evaluate": _base_evaluate, "compare": _base_compare,
         "bench": _base_bench, "demo": _base_demo, "memory": _base_memory, "datasets": _base_datasets}

NUMBER_OPTIONS = {
    "solve": ("--time-limit", "--restarts", "--sweeps", "--seed", "--colors"),
    "exact": ("--time-limit",), "evaluate": (),
    "compare": ("--time-limit", "--exact-time-limit", "--seed", "--sweeps", "--restarts"),
    "bench": ("--workers",), "demo": (), "memory": ("--neurons", "--trials", "--seed"), "datasets": (),
}
NAME_OPTIONS = {
    "solve": {"--solver": SOLVERS, "--moves": MOVES, "--acceptance": ACCEPTANCES},
    "compare": {"--solvers": ("hopopt-anneal", "exact", "dwave-sa", "networkx-one-exchange"),
                "--seeds": ("0-2", "3", "1,4")},
    "bench": {"--executor": ("process", "processes", "dask://127.0.0.1:1", "tcp://127.0.0.1:1")},
    "memory": {"--rule": RULES},
}
OUTPUT_OPTION = {"solve": "--plot", "compare": "--plot", "memory": "--plot", "bench": "--out"}


# ------------------------------------------------------------------------------------------------ mutations
def _option_items(items):
    return [index for index, item in enumerate(items) if item[0].startswith("--")]


def _positional_items(items):
    return [index for index, item in enumerate(items) if index > 0 and not item[0].startswith("-")]


def _set_option(items, flag, value):
    """Replace the option's value where it is, or append it."""
    for index, item in enumerate(items):
        if item[0] == flag:
            items[index] = (flag, value) if value is not None else (flag,)
            return
    items.append((flag, value) if value is not None else (flag,))


def _bad_number(rng):
    if rng.random() < 0.1:
        return rng.choice(["-", ""]) + str(rng.choice([10**30, 2**63, 2**64 + 1, 10**400]))
    return rng.choice(BAD_NUMBERS)


def _mutate_number(command, items, rng, workspace, notes):
    options = NUMBER_OPTIONS[command]
    if not options:
        return _mutate_token(command, items, rng, workspace, notes)
    flag = rng.choice(options)
    if rng.random() < 0.25 and flag in EXTREME_VALID:
        value = rng.choice(EXTREME_VALID[flag])
        notes.append(f"extreme {flag} {value}")
    else:
        value = _bad_number(rng)
        notes.append(f"bad number {flag} {value!r}")
    _set_option(items, flag, value)


def _mutate_name(command, items, rng, workspace, notes):
    """An unknown problem, solver, move, rule, executor or subcommand; a known one where it does not apply."""
    positionals = _positional_items(items)
    choices = list(NAME_OPTIONS.get(command, {}))
    if not positionals and not choices:
        return _mutate_token(command, items, rng, workspace, notes)
    if positionals and (not choices or rng.random() < 0.5):
        index = rng.choice(positionals) if command not in ("solve", "exact", "evaluate", "compare") else 1
        if command in ("memory", "datasets") and rng.random() < 0.5:
            index = 1
        original = items[index][0]
        value = rng.choice([original.upper(), original + "x", original[:-1], "nosuch", "max-cut", "TSP",
                            original + " ", " " + original, original.replace("a", "\u0430"),
                            rng.choice(list(KINDS)), rng.choice(STRINGS)])
        items[index] = (value,)
        notes.append(f"name {original!r} -> {value!r}")
        return
    flag = rng.choice(choices)
    known = NAME_OPTIONS[command][flag]
    value = rng.choice([rng.choice(known).upper(), "nosuch", rng.choice(known) + "-", "", rng.choice(STRINGS),
                        rng.choice(SOLVERS), "exact", "dwave-sa", "hopopt-" + rng.choice(SOLVERS),
                        ",".join(rng.sample(SOLVERS, 2)), ",", "exact,,exact", "0-", "5-1", "0-1e9", "a-b",
                        "0-100000", "-1", "0..", "dask-local" if rng.random() < 0.1 else "dask://",
                        "dask://host-without-port", "dask://127.0.0.1:99999", "tcp://:", "thread"])
    _set_option(items, flag, value)
    notes.append(f"name {flag} {value!r}")


def _bad_random_spec(kind_name, rng):
    """A random: spec with unknown, repeated, missing or out-of-range options."""
    low, high = KINDS.get(kind_name, KINDS["maxcut"]).sizes
    parts = [f"n={rng.randint(low, high)}", "seed=1"]
    operation = rng.randrange(7)
    if operation == 0:
        parts.append(f"{rng.choice(RANDOM_KEYS)}={rng.choice(RANDOM_VALUES)}")
    elif operation == 1:
        parts[0] = f"n={rng.choice(RANDOM_VALUES)}"
    elif operation == 2:
        parts.append(rng.choice(parts))
    elif operation == 3:
        del parts[0]
    elif operation == 4:
        key = rng.choice(_random_options(kind_name) or ("p",))
        parts.append(f"{key}={rng.choice(RANDOM_VALUES)}")
    elif operation == 5:
        parts.append(rng.choice(["", " ", "=", "n", "=1", "seed", ",", "n==3", "p=0.5=1", "n=3 seed=1"]))
    else:
        parts[1] = f"seed={rng.choice(RANDOM_VALUES)}"
    prefix = rng.choice(["random:"] * 8 + ["RANDOM:", "random: ", "random", "rand:", "random::"])
    return prefix + rng.choice([",", ",", ";", ", "]).join(parts)


def _special_path(rng, workspace, case):
    """A path that is no readable instance or solution: missing, a folder, /dev/null, a fifo, a link, ..."""
    choice = rng.randrange(12)
    if choice == 3 and rng.random() < 0.5:
        choice = 11  # fifos are rarer: a reader that opens a path twice waits on one for the hang deadline
    if choice == 0:
        return str(workspace.folder / "missing" / "file.txt")
    if choice == 1:
        return str(workspace.empty_dir)
    if choice == 2:
        return "/dev/null"
    if choice == 3:
        return _fifo(workspace, rng, case)
    if choice == 4:
        return str(workspace.dangling)
    if choice == 5:
        return str(workspace.regular_file / "below-a-file.txt")
    if choice == 6:
        path = workspace.case_dir / "empty.txt"
        path.write_bytes(b"")
        return str(path)
    if choice == 7:
        return str(workspace.folder / ("x" * 300 + ".txt"))
    if choice == 8:
        return str(workspace.folder / "nul\x00byte.txt")
    if choice == 9:
        path = workspace.case_dir / "unreadable.txt"
        path.write_text("3 2\n1 2 1\n2 3 1\n")
        path.chmod(0)  # root reads it anyway; others must get one line
        return str(path)
    if choice == 10:
        return "/proc/self/status"
    return str(workspace.instances)


def _fifo(workspace, rng, case):
    """A named pipe in the case folder that serves one valid instance file (see :func:`make_fifo`)."""
    path = workspace.case_dir / f"pipe-{rng.randrange(10**6)}"
    data = rng.choice(workspace.seed_bytes(rng.choice(["gset", "dimacs", "tsplib"])))
    return make_fifo(path, data, case)


def make_fifo(path, data, case):
    """A named pipe at ``path`` whose writer (a thread) sends ``data`` once, when a reader opens it, as
    ``<(cat file)`` does; a reader that opens the path a second time waits for a writer that never comes."""
    os.mkfifo(path)
    stop = threading.Event()

    def writer():
        while not stop.is_set():
            try:
                handle = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as error:
                if error.errno in (errno.ENXIO, errno.EINTR):  # no reader yet
                    time.sleep(0.002)
                    continue
                return
            try:
                os.set_blocking(handle, True)
                with contextlib.suppress(OSError):
                    os.write(handle, data)
            finally:
                os.close(handle)
            return

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()

    def finish():
        stop.set()
        thread.join(timeout=1)

    case.cleanup.append(finish)
    return str(path)


def _mutate_instance(command, items, rng, workspace, notes, case):
    """The INSTANCE (or SOLUTION_FILE, suite, dataset name) becomes a bad spec, a bad path or a mutated file."""
    if command in ("demo", "memory"):
        return _mutate_token(command, items, rng, workspace, notes)
    if command == "datasets":
        if len(items) > 2:
            value = rng.choice([rng.choice(STRINGS), "G99999", "g1 ", "G1.txt", "gset/G1.txt", "random:n=5",
                                "../../../etc/passwd", "berlin52\x00", "BERLIN52", "myciel"])
            items[2] = (value,)
        else:
            items.append((rng.choice(STRINGS + ["G1", "--data-dir"]),))
            value = items[-1][0]
        notes.append(f"dataset name {value!r}")
        return
    if command == "bench":
        roll = rng.random()
        if roll < 0.6:
            path = workspace.case_dir / "mutated.suite"
            path.write_bytes(_bounded_suite(rng, workspace))
            value = str(path)
        else:
            value = _special_path(rng, workspace, case)
        if len(items) > 1:
            items[1] = (value,)
        else:
            items.append((value,))
        notes.append(f"suite {value!r}")
        return
    kind_name = items[1][0] if len(items) > 1 else "maxcut"
    known_kind = kind_name in KINDS
    index = 3 if command == "evaluate" and rng.random() < 0.5 else 2
    roll = rng.random()
    if command == "evaluate" and index == 3:
        if roll < 0.5:
            path = workspace.case_dir / "solution.json"
            original = Path(items[3][0]) if len(items) > 3 else Path("")
            data = original.read_bytes() if _is_file(original) else b"{\"solution\": [0, 1]}"
            path.write_bytes(_fuzz.mutate(data, rng) if rng.random() < 0.6 else rng.choice(BROKEN_SOLUTIONS))
            value = str(path)
        else:
            value = _special_path(rng, workspace, case)
    elif roll < 0.35:
        value = _bad_random_spec(kind_name if known_kind else "maxcut", rng)
    elif roll < 0.65 and known_kind:
        value = workspace.mutated_file(rng.choice(KINDS[kind_name].formats), rng)
    elif roll < 0.75:
        # a file or catalogue instance of another kind's format
        other = rng.choice(list(KINDS))
        value = (workspace.seed_file(rng.choice(KINDS[other].formats), rng) if rng.random() < 0.6
                 else rng.choice(CATALOGUE_SAMPLE[:10]))
    elif roll < 0.85:
        value = rng.choice(["G99999", "no-such-instance", "berlin", "random", "-", "G1 ", "myciel3.col",
                            "random:n=99999999999,seed=1", "random:n=100000000000000", "random:n=2147483648",
                            rng.choice(STRINGS)])
    else:
        value = _special_path(rng, workspace, case)
    if index < len(items):
        items[index] = (value,)
    else:
        items.append((value,))
    notes.append(f"input {value[:80]!r}")


def _bounded_suite(rng, workspace):
    """A mutated valid suite, redrawn while it parses to more than a few seconds of runs or a large instance."""
    texts = workspace.suite_texts()
    for _ in range(20):
        data = _fuzz.mutate(rng.choice(texts).encode(), rng)
        if _suite_is_small(data):
            return data
    return rng.choice(texts).encode()


_LARGE_RANDOM = re.compile(r"n\s*=\s*(\d+)")


def _suite_is_small(data) -> bool:
    try:
        text = data.decode("utf-8")
        runs = _suite_runs(text)
    except Exception:  # noqa: BLE001 - a suite that does not parse is a fine input: bench must refuse it
        return True
    if len(runs) > 12 or sum(limit + 0.5 for limit in runs) > 8:
        return False
    # a large random instance would be long to generate; sizes past any memory must still be refused
    for match in _LARGE_RANDOM.finditer(text):
        if 13 <= int(match.group(1)) < 10**9:
            return False
    return True


def _mutate_output(command, items, rng, workspace, notes):
    flag = OUTPUT_OPTION.get(command)
    if flag is None:
        return _mutate_token(command, items, rng, workspace, notes)
    value = rng.choice([
        str(workspace.regular_file / "x.png"), str(workspace.regular_file), "/proc/hopopt-fuzz/x.png",
        str(workspace.empty_dir), str(workspace.case_dir / "x.unknownformat"), str(workspace.case_dir / "noext"),
        "", str(workspace.case_dir / "deep" / "er" / "x.png"), str(workspace.case_dir / ("y" * 300 + ".png")),
        str(workspace.case_dir / "nul\x00.png"), str(workspace.case_dir / "x.pdf"), str(workspace.case_dir / "x.svg"),
        str(workspace.case_dir / "é ü.png"), str(workspace.dangling), str(workspace.case_dir / ".png"),
        "/proc/self/x.png",
    ])
    _set_option(items, flag, value)
    notes.append(f"output {flag} {value[:80]!r}")


def _mutate_data_dir(command, items, rng, workspace, notes):
    if command not in ("solve", "exact", "evaluate", "compare", "bench", "datasets"):
        return _mutate_token(command, items, rng, workspace, notes)
    value = rng.choice([str(workspace.empty_dir), str(workspace.regular_file), str(workspace.folder / "missing"),
                        "", "/dev/null", "/proc", "~nosuchuser/x", str(workspace.dangling), "\x00"])
    _set_option(items, "--data-dir", value)
    notes.append(f"data-dir {value!r}")


def _mutate_unknown_option(command, items, rng, workspace, notes):
    flag = rng.choice(UNKNOWN_OPTIONS)
    item = (flag,) if rng.random() < 0.5 else (flag, rng.choice(["1", "x", ""]))
    items.insert(rng.randrange(1, len(items) + 1), item)
    notes.append(f"unknown option {item!r}")


def _mutate_duplicate(command, items, rng, workspace, notes):
    """Repeat an option (last wins in argparse) or a positional (one too many)."""
    index = rng.randrange(1, len(items)) if len(items) > 1 else 0
    item = items[index]
    if len(item) == 2 and rng.random() < 0.5:
        options = NUMBER_OPTIONS[command]
        value = _bad_number(rng) if item[0] in options and rng.random() < 0.5 else item[1]
        item = (item[0], value)
    items.insert(rng.randrange(1, len(items) + 1), item)
    notes.append(f"duplicate {item!r}")


def _mutate_missing(command, items, rng, workspace, notes):
    """Drop a positional, an option, or an option's value (the flag then swallows the next token or none)."""
    if len(items) <= 1:
        items.clear()
        notes.append("no arguments")
        return
    index = rng.randrange(len(items)) if rng.random() < 0.2 else rng.randrange(1, len(items))
    item = items[index]
    if len(item) == 2 and rng.random() < 0.6:
        items[index] = (item[0],) if rng.random() < 0.5 else (item[1],)
        notes.append(f"half of {item!r}")
    else:
        del items[index]
        notes.append(f"missing {item!r}")


def _mutate_token(command, items, rng, workspace, notes):
    """Any token becomes an adversarial string, or two tokens swap places."""
    tokens = [(i, j) for i, item in enumerate(items) for j in range(len(item))]
    if not tokens:
        items.append((rng.choice(STRINGS),))
        return
    if rng.random() < 0.25 and len(items) > 2:
        i, j = rng.sample(range(1, len(items)), 2) if len(items) > 2 else (0, 0)
        items[i], items[j] = items[j], items[i]
        notes.append(f"swap {items[i]!r} {items[j]!r}")
        return
    i, j = rng.choice(tokens)
    value = rng.choice(STRINGS + BAD_NUMBERS)
    item = list(items[i])
    notes.append(f"token {item[j]!r} -> {value!r}")
    item[j] = value
    items[i] = tuple(item)


def _mutate_random_option(command, items, rng, workspace, notes):
    """A random: spec of the instance gets an unknown, out-of-range or huge option value."""
    if command not in ("solve", "exact", "compare", "evaluate") or len(items) < 3:
        return _mutate_token(command, items, rng, workspace, notes)
    kind_name = items[1][0]
    value = _bad_random_spec(kind_name if kind_name in KINDS else "maxcut", rng)
    items[2] = (value,)
    notes.append(f"random spec {value!r}")


MUTATIONS = {
    "number": (_mutate_number, 5), "name": (_mutate_name, 3), "instance": (_mutate_instance, 5),
    "random": (_mutate_random_option, 2), "output": (_mutate_output, 2), "data-dir": (_mutate_data_dir, 1),
    "unknown-option": (_mutate_unknown_option, 2), "duplicate": (_mutate_duplicate, 2),
    "missing": (_mutate_missing, 2), "token": (_mutate_token, 2),
}


def _bounded(command, items, kind_name, rng, notes):
    """Keep the case bounded after the mutations: a time limit over 0.5 s, or none, gets a work cap instead."""
    argv = [token for item in items for token in item]
    limit = _number(_last_value(argv, "--time-limit"))
    if command in ("solve", "compare") and (limit is None or limit > 0.5):
        sweeps = _last_value(argv, "--sweeps")
        try:
            sweeps_ok = 1 <= int(sweeps) <= 1000
        except (TypeError, ValueError):
            sweeps_ok = False
        if not sweeps_ok:
            items.append(("--sweeps", "20"))
            notes.append("work capped: --sweeps 20")
        if command == "compare":
            # peers fill their time limit whatever the sweeps: only hopopt's annealer and the exact method, the
            # exact one with a small limit of its own (a catalogue instance may need long to prove)
            items.append(("--solvers", "hopopt-anneal,exact"))
            items.append(("--exact-time-limit", "0.5"))
            notes.append("compare capped: --solvers hopopt-anneal,exact --exact-time-limit 0.5")
    if command == "compare":
        exact = _number(_last_value(argv, "--exact-time-limit"))
        if exact is not None and exact > 0.5:
            items.append(("--exact-time-limit", "0.5"))
    if command == "exact" and (limit is None or limit > 0.5):
        instance = argv[2] if len(argv) > 2 else ""
        if not instance.startswith("random:"):
            items.append(("--time-limit", "0.5"))
            notes.append("exact capped: --time-limit 0.5")
    if command == "memory":
        neurons = _last_value(argv, "--neurons")
        with contextlib.suppress(TypeError, ValueError):
            if 200 < int(neurons) < 10**6:  # a large network is long work, not a malformed input
                items.append(("--neurons", "20"))
        trials = _last_value(argv, "--trials")
        with contextlib.suppress(TypeError, ValueError):
            if int(trials) > 5:
                items.append(("--trials", "3"))


def generate(command, rng, workspace, mutations=None) -> Case:
    """One case for ``command``: a valid base with ``mutations`` (default: 0 to 3, random) applied.

    Parameters
    ----------
    command : str
        One of :data:`COMMANDS`.
    rng : random.Random
        The only source of randomness: the same seed gives the same case (paths into the workspace aside).
    workspace : Workspace
        Where the case's files are written (its ``case_dir`` is emptied first).
    mutations : int, optional
        How many mutations; default 0 (a valid base) about a third of the time, else 1 to 3.

    Examples
    --------
    >>> import random
    >>> from hopopt._fuzz_cli import Workspace, generate
    >>> workspace = Workspace()
    >>> case = generate("memory", random.Random(1), workspace, mutations=0)
    >>> case.argv[:3]
    ['memory', 'capacity', '--neurons']
    >>> workspace.close()
    """
    workspace.fresh_case_dir()
    kind_name, items = BASES[command](rng, workspace)
    if mutations is None:
        valid_share = DEMO_VALID_SHARE if command == "demo" else 0.35 if command != "bench" else 0.04
        mutations = 0 if rng.random() < valid_share else rng.choice([1, 1, 1, 2, 2, 3])
    case = Case(command, [], ["valid base"] if mutations == 0 else [])
    names = list(MUTATIONS)
    weights = [MUTATIONS[name][1] for name in names]
    for _ in range(mutations):
        if not items:  # every argument was dropped: mutate what the user might type next
            items.append((rng.choice(STRINGS + list(COMMANDS)),))
        name = rng.choices(names, weights=weights)[0]
        function = MUTATIONS[name][0]
        if function is _mutate_instance:
            function(command, items, rng, workspace, case.notes, case)
        else:
            function(command, items, rng, workspace, case.notes)
    if command == "demo" and mutations and _demo_would_run(items):
        # a mutation that leaves the demo valid would cost 10 s: make it invalid instead, keeping the rate low
        items.append(("--no-such-demo-option",))
    if command == "bench" and mutations:
        _bench_bounded(items, workspace)
    _bounded(command, items, kind_name, rng, case.notes)
    case.argv = [token for item in items for token in item]
    return case


def _is_file(path) -> bool:
    """os.path.isfile for any text an argument may hold (too long, a NUL byte: not a file)."""
    try:
        return os.path.isfile(path)
    except (OSError, ValueError):
        return False


def _demo_would_run(items):
    argv = [token for item in items for token in item]
    try:
        from .cli import build_parser

        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            args = build_parser().parse_args(argv)
    except BaseException:  # noqa: BLE001 - InputError or SystemExit: the demo does not run
        return False
    return getattr(args, "command", None) == "demo"


def _bench_bounded(items, workspace):
    """A bench case whose suite is the valid one but with huge --workers or a dask executor stays, a suite
    that parses to long runs is replaced by a tiny one (the suite's own mutations are in _bounded_suite)."""
    for index, item in enumerate(items):
        if index == 1 and item[0].endswith(".suite") and _is_file(item[0]):
            with contextlib.suppress(OSError):
                if not _suite_is_small(Path(item[0]).read_bytes()):
                    Path(item[0]).write_text(workspace.suite_texts()[0])


# ------------------------------------------------------------------------------------------------ running
class Hang(BaseException):
    """Raised in the main thread by the alarm when a case runs past its hang deadline (not an Exception, so
    the CLI's catch-all cannot turn it into a status)."""


def _alarm(signum, frame):
    raise Hang()


class _Text(io.StringIO):
    """A capture buffer that survives ``close()`` (main closes stderr after a broken pipe)."""

    def close(self):
        pass


def _offline_download(url, folder, download_name):
    from .errors import InputError

    raise InputError(f"cannot download {url}: this machine is offline (the fuzz campaign never downloads)")


@contextlib.contextmanager
def offline():
    """Replace the catalogue's downloader with one that refuses, as an offline machine would: ``datasets
    fetch`` cases must never reach the network nor write to the user cache."""
    from . import datasets

    saved = datasets._download
    datasets._download = _offline_download
    try:
        yield
    finally:
        datasets._download = saved


@contextlib.contextmanager
def memory_limit(headroom_bytes):
    """Cap this process's address space at its current size plus ``headroom_bytes`` (soft limit, restored
    after), so that a case asking for gigabytes gets a MemoryError instead of filling a shared machine."""
    try:
        import resource
    except ImportError:  # not on this platform: run without the cap
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    current = _address_space()
    if current is None or headroom_bytes is None:
        yield
        return
    limit = current + headroom_bytes
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _address_space():
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


@dataclass
class Run:
    """What one case did."""

    status: object  # the int main returned, or ("exit", code), ("exception", text), ("hang", seconds)
    stdout: str
    stderr: str
    seconds: float


# the first case met for each (command, problem, solver) is allowed one-off numba compilation
_SEEN_KEYS: set = set()


def compile_allowance(case) -> float:
    """:data:`COMPILE_ALLOWANCE_S` the first time a (command, problem, solver) is met in this process, else 0."""
    argv = case.argv
    key = (case.command, argv[1] if len(argv) > 1 else "", _last_value(argv, "--solver"),
           _last_value(argv, "--solvers"))
    if key in _SEEN_KEYS:
        return 0.0
    _SEEN_KEYS.add(key)
    return COMPILE_ALLOWANCE_S


def run_case(case, workspace, hang_after=None) -> Run:
    """Call ``hopopt.cli.main(case.argv)`` in this process, in the workspace, capturing everything it prints.

    ``hang_after`` seconds (default: the case's bound plus :data:`HANG_MARGIN_S`) end the case with status ``("hang", ...)``
    through SIGALRM (main thread only; elsewhere no deadline is set).
    """
    from .cli import main

    case.bound_s  # noqa: B018 - fixed now, while the files it reads are still there
    hang_after = min(case.bound_s + HANG_MARGIN_S if hang_after is None else hang_after, MAX_HANG_S)
    python_out, python_err = _Text(), _Text()
    previous_directory = os.getcwd()
    previous_sigint = signal.getsignal(signal.SIGINT)
    in_main_thread = threading.current_thread() is threading.main_thread()
    sys.stdout.flush()
    sys.stderr.flush()
    with tempfile.TemporaryFile() as fd_out, tempfile.TemporaryFile() as fd_err:
        saved = os.dup(1), os.dup(2)
        os.dup2(fd_out.fileno(), 1)
        os.dup2(fd_err.fileno(), 2)
        previous_alarm = signal.signal(signal.SIGALRM, _alarm) if in_main_thread else None
        started = time.perf_counter()
        try:
            os.chdir(workspace.folder)
            with contextlib.redirect_stdout(python_out), contextlib.redirect_stderr(python_err), \
                    warnings.catch_warnings(record=True) as caught:
                _default_warning_filters()
                if in_main_thread:
                    signal.setitimer(signal.ITIMER_REAL, hang_after)
                try:
                    try:
                        status = main(list(case.argv))
                    finally:
                        if in_main_thread:
                            signal.setitimer(signal.ITIMER_REAL, 0)
                except SystemExit as exit_:
                    status = ("exit", exit_.code)
                except Hang:
                    status = ("hang", hang_after)
                except BaseException as error:  # noqa: BLE001 - an escaping exception is what the fuzz looks for
                    status = ("exception", f"{type(error).__name__}: {error}\n{traceback.format_exc()}")
        finally:
            seconds = time.perf_counter() - started
            if in_main_thread:
                signal.signal(signal.SIGALRM, previous_alarm)
            with contextlib.suppress(OSError):
                sys.__stdout__.flush()
                sys.__stderr__.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            os.chdir(previous_directory)
            if in_main_thread and signal.getsignal(signal.SIGINT) is not previous_sigint:
                signal.signal(signal.SIGINT, previous_sigint)
            for finish in case.cleanup:
                finish()
        fd_out.seek(0)
        fd_err.seek(0)
        stdout = python_out.getvalue() + fd_out.read().decode("utf-8", "replace")
        warning_lines = "".join(f"{w.filename}:{w.lineno}: {w.category.__name__}: {w.message}\n" for w in caught)
        stderr = python_err.getvalue() + fd_err.read().decode("utf-8", "replace") + warning_lines
    return Run(status, stdout, stderr, seconds)


def _default_warning_filters():
    """Warnings as a fresh ``python -m hopopt`` shows them: deprecations hidden, the rest every time."""
    warnings.resetwarnings()
    warnings.simplefilter("always")
    for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
        warnings.simplefilter("ignore", category)


@dataclass
class Verdict:
    """``kind``: "ok" (kept the contract) or "failure"; ``status`` 0 or 2 when ok; ``slow`` when the case
    took longer than its bound (plus the compile allowance); ``detail`` says what broke."""

    kind: str
    status: object
    seconds: float
    slow: bool = False
    detail: str = ""


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def judge(case, run, allowance=0.0) -> Verdict:
    """Check one run against the CLI contract (see the module notes)."""
    status = run.status
    # the lines as a terminal shows them: a progress bar redrawn with carriage returns is overwritten
    lines = [line.rsplit("\r", 1)[-1] for line in run.stderr.split("\n")]
    lines = [line for line in lines if line.strip()]

    def failure(detail):
        return Verdict("failure", status, run.seconds, False, detail)

    if isinstance(status, tuple):
        if status[0] == "exit" and status[1] in (0, None):
            # --help and --version: argparse prints its text (never JSON) and exits 0
            return Verdict("ok", 0, run.seconds, run.seconds > case.bound_s + allowance)
        elif status[0] == "hang":
            return failure(f"hang: no answer within {status[1]:.0f} s")
        elif status[0] == "exit":
            return failure(f"SystemExit({status[1]!r}) escaped main; stderr {run.stderr[-300:]!r}")
        else:
            return failure(f"exception escaped main: {status[1][:2000]}")
    if "Traceback (most recent call last)" in run.stderr:
        return failure(f"traceback on stderr: {run.stderr[-1500:]}")
    if status not in (0, 2):
        return failure(f"status {status!r}: {' | '.join(lines)[:500]}")
    if status == 2:
        if len(lines) != 1 or not lines[0].startswith("hopopt: error:"):
            return failure(f"status 2 with {len(lines)} stderr line(s), expected one 'hopopt: error:' line: "
                           f"{run.stderr[:600]!r}")
        if case.wants_json and run.stdout.strip():
            return failure(f"status 2 under --json with output on stdout: {run.stdout[:300]!r}")
    else:
        if case.wants_json:
            try:
                record = json.loads(run.stdout, parse_constant=_reject_constant)
            except ValueError as error:
                return failure(f"--json output is not one JSON object ({error}): {run.stdout[:300]!r}")
            if not isinstance(record, dict):
                return failure(f"--json output is a {type(record).__name__}, not an object")
        plot = case.plot
        if plot is not None and not (os.path.isfile(plot) or _is_device(plot)):
            return failure(f"status 0 but --plot {plot!r} was not written")
    slow = run.seconds > case.bound_s + allowance
    return Verdict("ok", status, run.seconds, slow, f"{run.seconds:.2f} s > bound {case.bound_s:.2f} s" if slow else "")


def _is_device(path):
    with contextlib.suppress(OSError, ValueError):
        import stat

        return stat.S_ISCHR(os.stat(path).st_mode)
    return False


def check(case, workspace, hang_after=None, allowance=None) -> tuple:
    """Run and judge one case; returns ``(verdict, run)``. Relative --plot paths are judged in the workspace."""
    allowance = compile_allowance(case) if allowance is None else allowance
    hang_after = min((case.bound_s + HANG_MARGIN_S if hang_after is None else hang_after) + allowance, MAX_HANG_S)
    run = run_case(case, workspace, hang_after=hang_after)
    previous = os.getcwd()
    os.chdir(workspace.folder)
    try:
        verdict = judge(case, run, allowance)
    finally:
        os.chdir(previous)
    return verdict, run
