"""Fuzzing the command line's arguments (issue 12, item 1): bad numbers, NaN and inf, huge sizes, unknown names,
unreadable and unwritable paths make ``hopopt.cli.main`` exit with status 2 and one error line on stderr, never a
traceback and never an internal error (status 1). Called in-process with tiny instances, so it stays fast.

Three parts: hand-picked cases; a hypothesis test per command drawing argument lists from
:mod:`hopopt._fuzz_cli` (HOPOPT_FUZZ_EXAMPLES per command, default 30; bench and demo, whose valid runs start
worker processes or prove a 40-node cut, get a sixth of that); and the regression cases, every input the
campaign (``python benchmarks/fuzz.py --targets cli``) ever found failing, inline.
"""

from __future__ import annotations

import os
import random
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hopopt import _fuzz_cli
from hopopt.cli import main

EXAMPLES = int(os.environ.get("HOPOPT_FUZZ_EXAMPLES", "30"))
SLOW_COMMAND_EXAMPLES = max(3, EXAMPLES // 6)

BAD_NUMBERS = ["nan", "NaN", "inf", "-inf", "-1", "0", "-0", "1e309", "99999999999999999999", "", "abc", "1e-400",
               "0x10", "\u0663"]
BAD_INSTANCES = ["random:n=-3", "random:n=nan", "random:n=5,p=nan", "random:n=5,p=2",
                 "random:n=5,p=-1", "random:n=5,seed=-1", "random:n=5,seed=1e400", "random:", "random:n",
                 "random:n=5,n=6", "random:zzz=1", "no-such-instance", "G99999", "", "\x00", "/no/such/file.txt",
                 "random:n=inf", "random:n=1e3", "random:n=0", "random:n=99999999999"]


# CLI failures the campaign found and that are not fixed, each recognised by a predicate on the argument list; the
# hypothesis tests set such inputs aside. The others found (a non-integer random seed, --plot without a picture
# extension, a line break inside an argument, --data-dir ~nouser, a named pipe as INSTANCE, --restarts 10**6 under a
# tiny --time-limit, bench --workers 2**31, a deeply nested JSON solution) are fixed and stay below as regression cases.
def _huge_random_option(argv):
    """random:…,constraints=10**5 or more for model *without* --time-limit: encoding and solving the rows take tens
    of seconds (35 s for random:n=3,constraints=100000 --sweeps 10), past the untimed bound. Under a time limit,
    generating and encoding the rows end at the deadline with one clear error (fixed, tests/test_constrained.py);
    density and ratio of 1e308 (status 1 once) are fixed too."""
    if any(str(token).startswith("--time-limit") for token in argv):
        return False
    for token in argv:
        if token.lower().startswith("random"):
            for value in re.findall(r"constraints\s*=\s*([^,;]*)", token):
                try:
                    number = float(value)
                except ValueError:
                    continue
                if number == number and number >= 1e5:
                    return True
    return False


KNOWN_FAILURES = {"random model with 10**5 or more constraints and no time limit: encoding and solving run long":
                  _huge_random_option}


def _known(argv) -> str | None:
    for reason, predicate in KNOWN_FAILURES.items():
        if predicate(argv):
            return reason
    return None


def run(argv, capsys):
    try:
        status = main(argv)
    except SystemExit as exit_:  # argparse exits on --help; that is the CLI's answer too
        status = exit_.code
    captured = capsys.readouterr()
    return status, captured.err


def assert_clean(status, err, argv):
    assert "Traceback" not in err, (argv, err)
    assert status in (0, 2), (argv, status, err)  # 1 is the CLI's "internal error": a bug, not bad input
    if status == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("hopopt: error:"), (argv, err)


# ------------------------------------------------------------------------------------------ hand-picked cases
@pytest.mark.parametrize("option", ["--time-limit", "--restarts", "--sweeps", "--seed", "--colors"])
@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_bad_numbers_exit_2(option, value, capsys):
    argv = ["solve", "maxcut", "random:n=6,seed=1", "--sweeps", "20", "--time-limit", "1", option, value]
    status, err = run(argv, capsys)
    assert_clean(status, err, argv)


@pytest.mark.parametrize("instance", BAD_INSTANCES)
@pytest.mark.parametrize("command", ["solve", "exact"])
def test_bad_instances_exit_2(command, instance, capsys):
    argv = [command, "maxcut", instance, "--time-limit", "1"]
    status, err = run(argv, capsys)
    assert_clean(status, err, argv)
    assert status == 2, (argv, err)


@pytest.mark.parametrize("argv", [
    ["solve", "nosuchproblem", "random:n=6"], ["solve", "maxcut", "random:n=6", "--solver", "nosuch"],
    ["evaluate", "maxcut", "random:n=6,seed=1", "/no/such/solution.json"], ["nosuchcommand"],
    ["bench", "/no/such/suite.suite"], ["solve", "maxcut", "/"],
])
def test_unknown_names_and_paths_exit_2(argv, capsys):
    status, err = run(argv, capsys)
    assert_clean(status, err, argv)
    assert status == 2


def test_unreadable_and_unwritable_paths(tmp_path, capsys):
    instance = tmp_path / "g.txt"
    instance.write_text("3 2\n1 2 1\n2 3 1\n")
    instance.chmod(0)
    argv = ["solve", "maxcut", str(instance), "--sweeps", "10"]
    status, err = run(argv, capsys)
    assert_clean(status, err, argv)
    if os.geteuid() != 0:  # root reads a mode-000 file anyway
        assert status == 2
    instance.chmod(0o644)
    argv = ["solve", "maxcut", str(instance), "--sweeps", "10", "--plot", str(tmp_path / "no" / "dir" / "x.png")]
    status, err = run(argv, capsys)
    assert_clean(status, err, argv)


_PIECES = st.lists(st.sampled_from(
    ["--time-limit", "--restarts", "--sweeps", "--seed", "--json", "--solver", "--colors", "--acceptance",
     "--moves"] + BAD_NUMBERS + ["anneal", "descent", "metropolis", "auto", "1", "10", "0.5"]), max_size=6)


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(kind=st.sampled_from(["maxcut", "partition", "qubo", "coloring"]), instance=st.sampled_from(
    BAD_INSTANCES + ["random:n=5,seed=1"]), extra=_PIECES)
def test_random_argument_lists(kind, instance, extra, capsys):
    argv = ["solve", kind, instance, "--time-limit", "0.5", "--sweeps", "10"] + extra
    assume(not _known(argv))
    status, err = run(argv, capsys)
    assert_clean(status, err, argv)


# ------------------------------------------------------------------------ generated cases, one test per command
@pytest.fixture(scope="module")
def workspace():
    space = _fuzz_cli.Workspace()
    yield space
    space.close()


def _check_generated(command, seed, workspace):
    case = _fuzz_cli.generate(command, random.Random(seed), workspace)
    with _fuzz_cli.offline(), _fuzz_cli.memory_limit(4 * 2**30):
        verdict, run_ = _fuzz_cli.check(case, workspace)
    if verdict.kind == "failure" and _known(case.argv):
        assume(False)  # a known failure (see KNOWN_FAILURES and the strict xfails below)
    assert verdict.kind == "ok", f"{command}: {verdict.detail}\nargv {case.argv!r}\nnotes {case.notes}"


def _generated_test(command, examples):
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.filter_too_much])
    @given(seed=st.integers(0, 2**32 - 1))
    def test(seed, workspace):
        _check_generated(command, seed, workspace)

    test.__name__ = f"test_generated_{command}_arguments_keep_the_contract"
    return test


test_generated_solve = _generated_test("solve", EXAMPLES)
test_generated_exact = _generated_test("exact", EXAMPLES)
test_generated_evaluate = _generated_test("evaluate", EXAMPLES)
test_generated_compare = _generated_test("compare", EXAMPLES)
test_generated_bench = _generated_test("bench", SLOW_COMMAND_EXAMPLES)
test_generated_demo = _generated_test("demo", SLOW_COMMAND_EXAMPLES)
test_generated_memory = _generated_test("memory", EXAMPLES)
test_generated_datasets = _generated_test("datasets", EXAMPLES)


@pytest.mark.parametrize("command", _fuzz_cli.COMMANDS)
def test_generated_cases_are_bounded_and_reproducible(command, workspace):
    """Every generated case keeps a time limit of at most 0.5 s or a work cap, and a seed gives one case."""
    for seed in range(150):
        case = _fuzz_cli.generate(command, random.Random(seed), workspace)
        again = _fuzz_cli.generate(command, random.Random(seed), workspace)
        assert [token for token in case.argv if "pipe-" not in token] == \
            [token for token in again.argv if "pipe-" not in token]
        if command in ("solve", "compare"):
            limit = _fuzz_cli._number(_fuzz_cli._last_value(case.argv, "--time-limit"))
            sweeps = _fuzz_cli._last_value(case.argv, "--sweeps")
            capped = sweeps is not None and sweeps.isdigit() and 1 <= int(sweeps) <= 1000
            assert (limit is not None and limit <= 0.5) or capped, case.argv
        assert case.bound_s <= 120, (case.argv, case.bound_s)


def _run(status, stdout="", stderr="", seconds=0.1):
    return _fuzz_cli.Run(status, stdout, stderr, seconds)


def test_the_judge_can_fail(workspace):
    """Status 1, an escaping exception, two stderr lines, a traceback, broken JSON and NaN in JSON all fail."""
    json_case = _fuzz_cli.Case("solve", ["solve", "maxcut", "random:n=6", "--time-limit", "0.1", "--json"])
    human = _fuzz_cli.Case("solve", ["solve", "maxcut", "random:n=6", "--time-limit", "0.1"])
    failing = [
        (human, _run(1, stderr="hopopt: internal error: KeyError\n")),
        (human, _run(("exception", "KeyError: 'x'"))),
        (human, _run(("hang", 30.0))),
        (human, _run(2, stderr="hopopt: error: one\nand another line\n")),
        (human, _run(2, stderr="Traceback (most recent call last):\nhopopt: error: x\n")),
        (human, _run(2, stderr="error without the prefix\n")),
        (json_case, _run(0, stdout="not json\n")),
        (json_case, _run(0, stdout='{"objective": NaN}\n')),
        (json_case, _run(0, stdout='[1, 2]\n')),
        (json_case, _run(2, stdout='{"partial": 1}', stderr="hopopt: error: x\n")),
        (_fuzz_cli.Case("solve", human.argv + ["--plot", str(workspace.folder / "never-written.png")]), _run(0)),
    ]
    for case, run_ in failing:
        assert _fuzz_cli.judge(case, run_).kind == "failure", (case.argv, run_)
    assert _fuzz_cli.judge(json_case, _run(0, stdout='{"objective": 3}\n')).kind == "ok"
    assert _fuzz_cli.judge(human, _run(2, stderr="hopopt: error: bad\n")).kind == "ok"
    slow = _fuzz_cli.judge(human, _run(0, seconds=5.0))
    assert slow.kind == "ok" and slow.slow  # 0.1 s + 0.5 s allowed


# ---------------------------------------------------------- regressions: every input the campaign found failing
# (argv with {tmp} for a folder holding the files given as name -> bytes, the reason when it is still a bug)
_SEED_REASON = "random seed that is a number but no integer: status 1 (TypeError from SeedSequence)"
_PLOT_REASON = "--plot '' or a name without an extension: status 0, FILE not written"
_LINE_REASON = "a line break inside an argument makes the error two lines"
_HOME_REASON = "--data-dir ~nosuchuser/x: status 1 (RuntimeError: Could not determine home directory)"
_PIPE_REASON = "a named pipe as INSTANCE hangs: resources.estimate_file reads its head, the reader then waits"
_WORKERS_REASON = "bench --workers 2147483647: check_suite_memory adds the largest run's estimate 2**31 times"
_SUITE = b"[cut]\nproblem = maxcut\ninstances = random:n=6,seed=1\nsolvers = exact hopopt-anneal\ntime_limit = 0.05\n"
_MYCIEL3 = (b"p edge 11 20\ne 1 2\ne 1 4\ne 1 7\ne 1 9\ne 2 3\ne 2 6\ne 2 8\ne 3 5\ne 3 7\ne 3 10\ne 4 5\n"
            b"e 4 6\ne 4 10\ne 5 8\ne 5 9\ne 6 11\ne 7 11\ne 8 11\ne 9 11\ne 10 11\n")
_TSP4 = b"NAME : t4\nTYPE : TSP\nDIMENSION : 4\nEDGE_WEIGHT_TYPE : EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 3 4\n3 6 0\n" \
        b"4 3 -4\nEOF\n"
REGRESSIONS = [
    (["exact", "knapsack", "random:n=12,seed=1.5", "--time-limit", "0.05"], {}, _SEED_REASON),
    (["evaluate", "maxsat", "random: n=7, seed=1e308", "{tmp}/solution.json", "--json"],
     {"solution.json": b'{"solution": [0, 1, 0, 1, 0, 1, 0]}'}, _SEED_REASON),
    (["compare", "tsp", "random:n=6,seed=1e-400", "--time-limit", "0.02", "--solvers", "networkx-greedy-tsp",
      "--sweeps", "10", "--json"], {}, _SEED_REASON),
    (["compare", "bisection", "random:seed=55,n=11", "--time-limit", "0.01", "--solvers",
      "exact,networkx-kernighan-lin", "--json", "--plot", ""], {}, _PLOT_REASON),
    (["memory", "capacity", "--neurons", "19", "--trials", "1", "--plot", ""], {}, _PLOT_REASON),
    (["memory", "capacity", "--neurons", "5", "--trials", "3", "--plot=", "--json"], {}, _PLOT_REASON),
    (["solve", "maxcut", "random:n=6,seed=1", "--time-limit", "0.05", "--plot", "{tmp}/noext"], {}, _PLOT_REASON),
    (["compare", "bisection", "random:seed=39,n=5", "--time-limit", "0.05", "--solvers", "hopopt-anneal,exact",
      "--plot", "{tmp}/.png"], {}, _PLOT_REASON),
    (["solve", "tsp", "burma14", "\n", "/work/shared/instances", "--time-limit", "0.02", "--json"], {}, _LINE_REASON),
    (["datasets", "fetch", "kroA100", "--data-dir", "~nosuchuser/x"], {}, _HOME_REASON),
    (["exact", "maxcut", "G11", "--data-dir", "~nosuchuser/x", "--time-limit", "4294967296", "--time-limit", "0.5"],
     {}, _HOME_REASON),
    (["evaluate", "tsp", "ulysses16", "{tmp}/u.tour", "--data-dir", "~nosuchuser/x"],
     {"u.tour": b"TYPE : TOUR\nDIMENSION : 3\nTOUR_SECTION\n1\n2\n3\n-1\nEOF\n"}, _HOME_REASON),
    (["solve", "coloring", "{tmp}/pipe", "--time-limit", "0.02", "--json"], {"fifo:pipe": _MYCIEL3}, _PIPE_REASON),
    (["bench", "{tmp}/fuzz.suite", "--out", "{tmp}/out", "--workers", "2147483647", "--json"],
     {"fuzz.suite": _SUITE}, _WORKERS_REASON),
    (["evaluate", "setcover", "random:n=12,seed=1", "{tmp}/solution.json", "--json"],
     {"solution.json": b"[" * 100_000 + b"]" * 100_000},
     "a deeply nested JSON solution: RecursionError from json.load, status 1 (read_json_solution)"),
    (["compare", "ising", "random:n=5,seed=1,density=1e308", "--time-limit", "0.05", "--solvers",
      "exact,hopopt-descent", "--sweeps", "100", "--json"], {},
     "density=1e308: resources.sparse_model int(inf), status 1 (the range check comes after the estimate)"),
    (["solve", "maxsat", "random:n=4,seed=1,ratio=1e308", "--time-limit", "0.05", "--json"], {},
     "ratio=1e308: OverflowError in the memory estimate, status 1"),
    (["solve", "model", "random:n=4,seed=1,constraints=1e9", "--time-limit", "0.05", "--json"], {},
     "constraints=1e9: ConstrainedModel.random builds 10**9 rows, minutes past the 0.05 s limit (now refused by "
     "the memory estimate)"),
    (["solve", "model", "random:n=5,seed=1,constraints=1e6", "--time-limit", "0.5", "--json"], {},
     "constraints=1e6 on 5 variables: fits the memory estimate, and generating the rows ran about 20 s past the "
     "limit (now they end at the deadline with one line, status 2)"),
    # compare drew its progress bar on stderr before the error line (carriage returns): the judge reads stderr as a
    # terminal shows it, where the bar is overwritten; kept as a case that must pass
    (["compare", "qubo", "random:n=5,seed=1", "--time-limit", "0.02", "--solvers", "hopopt-anneal,exact",
      "--plot", "{tmp}/nul\x00.png"], {}, None),
]


# each case says what it found (all fixed; they must pass now)
@pytest.mark.parametrize("argv, files, found", REGRESSIONS,
                         ids=[f"{index}-{argv[0]}" for index, (argv, _, _) in enumerate(REGRESSIONS)])
def test_regression(argv, files, found, tmp_path, workspace, request):
    if found is not None and found.startswith("XFAIL"):  # found and not fixed yet: a fix shows as XPASS
        request.applymarker(pytest.mark.xfail(strict=True, reason=found))
    argv = [token.replace("{tmp}", str(tmp_path)) for token in argv]
    case = _fuzz_cli.Case(argv[0], argv)
    for name, data in files.items():
        if name.startswith("fifo:"):
            _fuzz_cli.make_fifo(tmp_path / name[len("fifo:"):], data, case)
        else:
            (tmp_path / name).write_bytes(data)
    with _fuzz_cli.offline(), _fuzz_cli.memory_limit(4 * 2**30):
        # a hang shows after at most 7 s here (a strict xfail must not cost the suite a minute)
        verdict, run_ = _fuzz_cli.check(case, workspace, hang_after=min(case.bound_s, 2.0) + 5.0, allowance=0.0)
    assert verdict.kind == "ok", verdict.detail


def test_regression_time_limit_holds_with_huge_restarts(tmp_path, workspace):
    """Found as a hang: ``solve tsp t4.tsp --time-limit 0.05 --restarts 1000000`` ran past 50 s. Now more restarts
    than the time limit can set up are refused in one line (status 2)."""
    case = _fuzz_cli.Case("solve", ["solve", "maxcut", "random:n=6,seed=1", "--time-limit", "0.05",
                                    "--restarts", "100000", "--json"])
    with _fuzz_cli.memory_limit(4 * 2**30):
        verdict, run_ = _fuzz_cli.check(case, workspace, hang_after=case.bound_s + 20.0, allowance=0.0)
    assert verdict.kind == "ok" and not verdict.slow, (verdict.detail, verdict.seconds)


# solution files whose entries the encoders did not check (found by evaluate cases; fixed in hopopt/problems with
# _base.integer_entries): an entry past int64 wrapped round with a RuntimeWarning on stderr (two lines) and was
# misreported, a colour of 1e30 became "no colour" and evaluated with status 0, numpy's multi-line array repr
# split the sudoku message, and None, text or huge integers (object arrays) raised TypeError, OverflowError or
# AttributeError: status 1
SOLUTION_ENTRIES = [
    ("queens", "random:n=6,seed=1", "[2, 1e30, 3, 0, 4, 5]"),
    ("sudoku", "random:n=4,seed=1", "[1, 1.5" + ", 0" * 14 + "]"),
    ("sudoku", "random:n=4,seed=1", "[1, NaN" + ", 0" * 14 + "]"),
    ("tsp", "random:n=5,seed=1", "[0, -9223372036854775809, 2, 3, 4]"),
    ("tsp", "random:n=5,seed=1", "[0, 1e19, 2, 3, 4]"),
    ("tsp", "random:n=5,seed=1", "[0, null, 2, 3, 4]"),
    ("tsp", "random:n=5,seed=1", "[0, Infinity, 2, 3, 4]"),
    ("qap", "random:n=4,seed=1", "[0, \"1\", 2, 3]"),
    ("qap", "random:n=4,seed=1", "[0, 18446744073709551616, 2, 3]"),
    ("qubo", "random:n=6,seed=1", "[0, -9223372036854775809, 0, 1, 0, 1]"),
    ("ising", "random:n=6,seed=1", "[1, null, 1, -1, 1, -1]"),
    ("coloring", "random:n=6,seed=1", "[0, 1e30, 0, 1, 0, 1]"),
]


@pytest.mark.parametrize("kind, instance, entries", SOLUTION_ENTRIES)
def test_regression_solution_entries_are_one_error_line(kind, instance, entries, tmp_path, workspace):
    path = tmp_path / "solution.json"
    path.write_text(f'{{"solution": {entries}}}')
    case = _fuzz_cli.Case("evaluate", ["evaluate", kind, instance, str(path), "--json"])
    verdict, run_ = _fuzz_cli.check(case, workspace, allowance=0.0)
    assert verdict.kind == "ok" and verdict.status == 2, (verdict.detail, run_.stderr)
    assert "integers" in run_.stderr or "takes values" in run_.stderr, run_.stderr


_DAMAGED_NPY = (
    b"\x93NUMPY\x01\x00v\x00{'descr': '<i8', 'fortran_orde"
    b"r': False, 'shape': (3, 9223372036854775"
    b'808), }                                 '
    b'                         \n\x01\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00'
    b'\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'
    b'\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xfe\xff\xff\xff\xff\xff\xff\xff'
)
_OVERFLOWING_QAP = (
    b'  12\n\n  0 27 85  2  1 15 11 35 11 20 21 '
    b'61\n 27  0 80 58 21 76 72 44 85 94 90 51\n'
    b' 85 80  0  3 48 29 90 66 41 15 83 96\n  2'
    b' 58  3  0 74 45 65 40 54 83 14 71\n  1 21'
    b' 48 74  0 77 36 53 37 26 87 76\n 15 76 29'
    b' 45 77  0 91 13 29 11 77 32\n 11 72 90 65'
    b' 36 91  0 87 67 94 79  2\n 35 44 66 40 53'
    b' 13 87  0 10 99 56 70\n 11 85 41 54 37 29'
    b' 67 10  0 99 60  4\n 20 94 15 83 26 11 94'
    b' 99 99  0 56  2\n 21 90 83 14 87 77 79 56'
    b' 60 1e308  0 60\n 61 51 96 71 76 32  2 70'
    b'  4  2 60  0\n\n\n  0 21 95 82 56 41  6 25 '
    b'10  4 63  6\n 21  0 44 40 75 79  0 89 35 '
    b' 9  1 85\n 95 44  0 84 12  0 26 91 11 35 '
    b'82 26\n 82 40 84  0 69 56 86 45 91 59 18 '
    b'76\n 56 75 12 69  0 39 18 57 36 61 36 21\n'
    b' 41 79  0 56 39  0 71 11 29 82 82  6\n  6'
    b'  0 26 86 18 71  0 71  8 77 74 30\n 25 89'
    b' 91 45 57 11 71  0 89 76 76 40\n 10 35 11'
    b' 91 36 29  8 89  0 93 56  1\n  4  9 35 59'
    b' 61 82 77 76 93  0 50  4\n 63  1 82 18 36'
    b' 82 74 76 56 50  0 36\n  6 85 26 76 21  6'
    b' 30 40  1  4 36  0\n'
)

# instance files the readers or encoders let through to an internal error or a second stderr line (found by the
# campaign; fixed in hopopt/io/cnf.py and hopopt/problems/partition.py)
FILE_CASES = [
    # no problem line, a literal of 10**30: the formula had 10**30 variables and MaxSAT's int64 arrays overflowed
    (["exact", "maxsat", "{tmp}/mutated.cnf", "--time-limit", "0.01"], "mutated.cnf",
     b"c c\nh 1 2 0\n3 1000000000000000000000000000000 0\n", "more than the readers accept"),
    # numbers of 1e308: the partition weights overflowed to inf, numpy's RuntimeWarnings came before the error
    (["solve", "partition", "{tmp}/mutated.txt", "--time-limit", "0.05", "--json", "--explain"], "mutated.txt",
     b"1e308\n1\n", "too large for a float64 model"),
    # a damaged .npy header (a dimension of 2**63): numpy's size product warned on stderr before it raised
    (["compare", "qubo", "{tmp}/mutated.npy", "--time-limit", "0.02", "--solvers", "hopopt-anneal", "--json"],
     "mutated.npy", _DAMAGED_NPY, "cannot load the arrays"),
    # a mutated nug12-like file with a huge entry: QAP's penalty bound overflowed, one RuntimeWarning per facility
    (["solve", "qap", "{tmp}/mutated.dat", "--time-limit", "0.01", "--solver", "descent", "--json"], "mutated.dat",
     _OVERFLOWING_QAP, "overflow float64"),
]


@pytest.mark.parametrize("argv, name, data, message", FILE_CASES)
def test_regression_instance_files_are_one_error_line(argv, name, data, message, tmp_path, workspace):
    (tmp_path / name).write_bytes(data)
    argv = [token.replace("{tmp}", str(tmp_path)) for token in argv]
    case = _fuzz_cli.Case(argv[0], argv)
    verdict, run_ = _fuzz_cli.check(case, workspace, allowance=0.0)
    assert verdict.kind == "ok" and verdict.status == 2, (verdict.detail, run_.stderr)
    assert message in run_.stderr, run_.stderr
