"""Fuzzing the command line's arguments (issue 12, item 1): bad numbers, NaN and inf, huge sizes, unknown names,
unreadable and unwritable paths make ``hopopt.cli.main`` exit with status 2 and an error on stderr, never a
traceback and never an internal error (status 1). Called in-process with tiny instances, so it stays fast."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hopopt.cli import main

EXAMPLES = int(os.environ.get("HOPOPT_FUZZ_EXAMPLES", "50"))

BAD_NUMBERS = ["nan", "NaN", "inf", "-inf", "-1", "0", "-0", "1e309", "99999999999999999999", "", "abc", "1e-400",
               "0x10", "\u0663"]
BAD_INSTANCES = ["random:n=-3", "random:n=nan", "random:n=5,p=nan", "random:n=5,p=2",
                 "random:n=5,p=-1", "random:n=5,seed=-1", "random:n=5,seed=1e400", "random:", "random:n",
                 "random:n=5,n=6", "random:zzz=1", "no-such-instance", "G99999", "", "\x00", "/no/such/file.txt",
                 "random:n=inf", "random:n=1e3", "random:n=0", "random:n=99999999999"]

# CLI failures this fuzzer found and that are not fixed yet, as argument or (option, value) -> what happens; they
# run as strict xfails, so a fix shows. The two found so far are fixed (--restarts 1e20 overflowed a C long: counts
# are now capped at 2**31 - 1 by the parser; random:n=99999999999 raised MemoryError: now one line, status 2)
KNOWN_FAILURES = {}


def _known(argv) -> bool:
    pairs = set(zip(argv, argv[1:]))
    return any(key in pairs if isinstance(key, tuple) else key in argv for key in KNOWN_FAILURES)


def run(argv, capsys):
    try:
        status = main(argv)
    except SystemExit as exit_:  # argparse exits on bad syntax; that is the CLI's answer too
        status = exit_.code
    captured = capsys.readouterr()
    return status, captured.err


def assert_clean(status, err, argv):
    assert "Traceback" not in err, (argv, err)
    assert status in (0, 2), (argv, status, err)  # 1 is the CLI's "internal error": a bug, not bad input
    if status == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        assert lines and lines[-1].startswith("hopopt"), (argv, err)


@pytest.mark.parametrize("option", ["--time-limit", "--restarts", "--sweeps", "--seed", "--colors"])
@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_bad_numbers_exit_2(option, value, capsys, request):
    argv = ["solve", "maxcut", "random:n=6,seed=1", "--sweeps", "20", "--time-limit", "1", option, value]
    if _known(argv):
        request.applymarker(pytest.mark.xfail(strict=True, reason="known CLI failure, see KNOWN_FAILURES"))
    status, err = run(argv, capsys)
    assert_clean(status, err, argv)


@pytest.mark.parametrize("instance", BAD_INSTANCES)
@pytest.mark.parametrize("command", ["solve", "exact"])
def test_bad_instances_exit_2(command, instance, capsys, request):
    argv = [command, "maxcut", instance, "--time-limit", "1"]
    if _known(argv):
        request.applymarker(pytest.mark.xfail(strict=True, reason="known CLI failure, see KNOWN_FAILURES"))
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
    assume(not _known(argv))  # those fail for a reason already recorded above
    status, err = run(argv, capsys)
    assert_clean(status, err, argv)
