"""The run's deadline and Ctrl-C flag (hopopt.control), the HiGHS watcher and the progress line."""

import io
import threading
import time

import numpy as np
import pytest

from hopopt import control, progress
from hopopt.control import RunControl
from hopopt.result import Status
from hopopt.solvers import _milp
from hopopt.solvers._common import Clock


def test_time_left_shortens_a_limit_but_never_invents_one():
    with control.activate(RunControl(time_limit=1.0)):
        assert control.time_left(None) is None  # an incumbent without a limit must not fill the deadline
        assert control.time_left(100.0) <= 1.0
        assert control.time_left(0.25) == 0.25
    assert control.active() is None
    assert control.time_left(100.0) == 100.0


def test_an_expired_run_still_gives_a_positive_limit():
    run = RunControl(time_limit=1e-9)
    time.sleep(0.001)
    with control.activate(run):
        assert run.expired() and control.should_stop()
        assert 0 < control.time_left(5.0) <= 1e-6
        assert control.stop_reason() == "time limit"


def test_clock_joins_its_limit_with_the_deadline_and_the_interrupt():
    run = RunControl(time_limit=50.0)
    with control.activate(run):
        clock = Clock(time_limit=100.0)
        assert clock.remaining() <= 50.0
        assert not clock.out_of_time() and clock.stop_status() == Status.TIME_LIMIT
        run.interrupt()
        assert clock.out_of_time() and clock.remaining() == 0.0
        assert clock.stop_status() == Status.INTERRUPTED
        assert control.stop_reason() == "interrupted"
    assert not Clock(None).out_of_time()


def test_interrupt_handling_keeps_the_best_only_while_solving():
    import os
    import signal

    run = RunControl()
    with control.interrupt_handling(run):
        with pytest.raises(KeyboardInterrupt):  # nothing found yet: the command ends at once
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.1)
        with control.solving(run):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.1)
            assert run.interrupted  # the solvers return their best; no exception
            with pytest.raises(KeyboardInterrupt):  # a second Ctrl-C is the way out
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.1)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def _hard_milp():
    """A knapsack-like MILP that HiGHS does not finish in seconds (60 items, 40 dense rows)."""
    from scipy.optimize import Bounds, LinearConstraint

    generator = np.random.default_rng(0)
    matrix = generator.integers(1, 100, (40, 60))
    return dict(costs=-generator.integers(1, 100, 60).astype(float),
                constraints=LinearConstraint(matrix, -np.inf, matrix.sum(1) // 2), integrality=np.ones(60),
                bounds=Bounds(0, 1))


# the abandoned HiGHS threads below get a 3 s limit of their own, so they stop burning a core soon after the test


def test_highs_is_left_behind_at_the_deadline():
    problem = _hard_milp()
    costs = problem.pop("costs")
    with control.activate(RunControl(time_limit=0.5)):
        started = time.perf_counter()
        result = _milp.run_milp(costs, options={"time_limit": 3.0}, **problem)
        elapsed = time.perf_counter() - started
    assert result.x is None and result.status == 1 and "time limit" in result.message
    assert elapsed < 0.5 + 0.5


def test_highs_is_left_behind_on_ctrl_c():
    problem = _hard_milp()
    costs = problem.pop("costs")
    run = RunControl()
    timer = threading.Timer(0.3, run.interrupt)
    with control.activate(run):
        timer.start()
        started = time.perf_counter()
        result = _milp.run_milp(costs, options={"time_limit": 3.0}, **problem)
        elapsed = time.perf_counter() - started
    assert "interrupted" in result.message and result.x is None
    assert elapsed < 0.3 + 0.5


def test_highs_without_a_control_is_a_plain_call():
    result = _milp.run_milp(np.array([1.0, -1.0]), integrality=np.ones(2), bounds=(0, 1))
    assert result.status == 0 and result.x.tolist() == [0.0, 1.0]


def test_exact_returns_its_incumbent_when_interrupted():
    import hopopt

    hopopt.solve_exact(hopopt.MaxCut.random(40, 0.5, rng=1), time_limit=5)  # kernels loaded beforehand
    problem = hopopt.MaxCut.random(200, 0.5, rng=1)  # the MILP cannot prove this in seconds
    run = RunControl()
    timer = threading.Timer(1.0, run.interrupt)
    with control.activate(run):
        timer.start()
        started = time.perf_counter()
        answer = hopopt.solve_exact(problem, time_limit=4)  # an abandoned HiGHS ends soon after
        elapsed = time.perf_counter() - started
    timer.cancel()
    assert elapsed < 1.0 + 1.5
    assert answer.feasible and answer.objective > 0 and not answer.optimal
    assert answer.bound >= answer.objective  # a valid upper bound on the cut


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_line_draws_on_a_terminal_and_erases_itself(monkeypatch):
    monkeypatch.setattr(progress, "_FIRST_AFTER_SECONDS", 0.05)
    monkeypatch.setattr(progress, "_EVERY_SECONDS", 0.05)
    run = RunControl(time_limit=10.0)
    stream = _Terminal()
    with progress.progress_line(run, stream=stream):
        run.best = -17.0
        time.sleep(0.3)
    text = stream.getvalue()
    assert "best energy -17" in text and "s left" in text
    assert text.endswith("\r")  # erased: the command's output starts on a clean line


@pytest.mark.parametrize("stream, enabled", [(io.StringIO(), True), (_Terminal(), False)])
def test_no_progress_line_off_a_terminal_or_when_disabled(monkeypatch, stream, enabled):
    monkeypatch.setattr(progress, "_FIRST_AFTER_SECONDS", 0.0)
    with progress.progress_line(RunControl(), enabled=enabled, stream=stream):
        time.sleep(0.1)
    assert stream.getvalue() == ""


def test_no_progress_line_under_json(monkeypatch, capsys):
    from hopopt.cli import main

    monkeypatch.setattr(progress, "_FIRST_AFTER_SECONDS", 0.0)
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(["solve", "maxcut", "random:n=30,seed=1", "--time-limit", "0.5", "--json"]) == 0
    assert terminal.getvalue() == ""


@pytest.mark.parametrize("solver", ["temper", "anneal", "descent", "dsb", "tank"])
def test_a_solver_whose_set_up_would_outlast_the_deadline_is_not_started(monkeypatch, solver):
    import hopopt
    from hopopt.solvers import _common

    problem = hopopt.MaxCut.random(40, 0.5, rng=1)
    # without a deadline the solver runs (and every module the path imports is loaded before the timing below)
    assert "note" not in hopopt.solve(problem, solver, rng=3, sweeps=20).info
    # a set-up counted as taking seconds per coupling: far past the deadline, so the solver is not started
    monkeypatch.setattr(_common, "SETUP_SECONDS_PER_COUPLING", 1.0)
    started = time.perf_counter()
    with control.activate(RunControl(time_limit=1.0)):
        answer = hopopt.solve(problem, solver, rng=3)
    assert time.perf_counter() - started < 0.5
    assert answer.result.status == Status.TIME_LIMIT and answer.result.sweeps_done == 0
    assert answer.info["note"].startswith("not started")
    # a valid answer all the same: the seeded random start, its energy the model's
    state = answer.result.best_state
    assert answer.result.best_energy == pytest.approx(problem.to_model().energy(state))
    assert answer.objective == pytest.approx(problem.evaluate(answer.solution).objective)


def test_a_model_with_declared_structure_is_left_to_its_solver(monkeypatch):
    import hopopt
    from hopopt.solvers import _common

    monkeypatch.setattr(_common, "SETUP_SECONDS_PER_COUPLING", 1.0)
    with control.activate(RunControl(time_limit=2.0)):
        answer = hopopt.solve(hopopt.TSP.random(6, rng=0), "anneal", sweeps=50, rng=0)
    assert answer.feasible and "note" not in answer.info  # permutation moves: a random spin state is no tour
