"""The command refuses, in one line and with status 2, what its memory estimate says will not fit."""

import time

import pytest

from hopopt.cli import main


def _one_error_line(capsys):
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("hopopt: error:") and "Traceback" not in err
    return err


@pytest.mark.parametrize("argv, reason", [
    (["solve", "tsp", "random:n=1000,seed=1", "--solver", "descent"], "GiB"),  # the n³ encoding, materialised
    (["solve", "maxcut", "random:n=99999999999"], "random graph"),  # refused before generating
    (["solve", "maxcut", "random:n=200,seed=1", "--max-memory", "64K"], "--max-memory limit"),
    (["exact", "maxcut", "random:n=200,seed=1", "--max-memory", "1M"], "--max-memory limit"),
    (["compare", "maxcut", "random:n=200,seed=1", "--max-memory", "1M", "--time-limit", "0.1"], "--max-memory"),
])
def test_refused_up_front_in_one_line(capsys, argv, reason):
    started = time.perf_counter()
    assert main(argv) == 2
    assert time.perf_counter() - started < 30  # nothing was built: no swapping, no minutes of allocation
    assert reason in _one_error_line(capsys)


@pytest.mark.parametrize("size", ["10Q", "-1G", "nan", "", "1e400G"])
def test_bad_sizes_are_usage_errors(capsys, size):
    assert main(["solve", "maxcut", "random:n=10,seed=1", "--max-memory", size]) == 2
    assert "--max-memory" in _one_error_line(capsys)


def test_a_suite_whose_largest_run_does_not_fit_is_refused(tmp_path, capsys):
    suite = tmp_path / "big.suite"
    suite.write_text("[big]\nproblem = maxcut\ninstances = random:n=300,seed=1\nsolvers = hopopt-anneal exact\n")
    assert main(["bench", str(suite), "--out", str(tmp_path / "out"), "--max-memory", "2M", "--json"]) == 2
    assert "largest run" in _one_error_line(capsys)
    assert not (tmp_path / "out").exists()  # refused before anything ran


def test_a_run_that_fits_is_not_refused(capsys):
    assert main(["solve", "maxcut", "random:n=30,seed=1", "--max-memory", "1G", "--time-limit", "0.2", "--json"]) == 0
