"""HiGHS through ``scipy.optimize.milp``, run so that the command's deadline and Ctrl-C can leave it.

scipy's ``milp`` takes a time limit but no callback, and HiGHS does not look at the clock during everything
(presolve, building the model); Ctrl-C reaches Python only when the call returns. HiGHS releases the GIL, so
under an active :mod:`hopopt.control` the call runs in a daemon thread while this thread watches the deadline
and the interrupt flag: past the deadline (with a little grace for HiGHS to stop on its own) or after Ctrl-C the
caller gets "no answer" and keeps its incumbent. The ``hopopt`` command exits right after printing without
waiting for such a thread; in a library process the thread is waited for at exit (it has HiGHS's own time limit).
Without an active control it is a plain call, as before.
"""

from __future__ import annotations

import atexit
import threading

from scipy.optimize import milp as scipy_milp

from .. import control

__all__ = ["run_milp", "ABANDONED", "abandoned_runs"]

# HiGHS usually stops within this many seconds of its own time limit; past it the thread is left behind
_GRACE_SECONDS = 0.1
# how often the watching thread looks at the deadline and the interrupt flag
_POLL_SECONDS = 0.02


# HiGHS threads left running: C++ aborts the process ("terminate called without an active exception") when the
# interpreter shuts down under a running one, so they are waited for at exit (each has HiGHS's own time limit),
# and the ``hopopt`` command, which must not wait, ends with os._exit after its output (hopopt.cli.console)
_LEFT_RUNNING = []


def abandoned_runs():
    """The HiGHS threads that were left behind and are still running."""
    return [thread for thread in _LEFT_RUNNING if thread.is_alive()]


@atexit.register
def _wait_for_abandoned_runs():
    for thread in abandoned_runs():
        thread.join()


def _leave(worker, reason):
    _LEFT_RUNNING.append(worker)
    return _Abandoned(reason)


class _Abandoned:
    """What :func:`run_milp` returns when the deadline or Ctrl-C left HiGHS running: no solution, no bound."""

    x = None
    fun = None
    mip_dual_bound = None
    status = 1  # scipy's "iteration or time limit reached"

    def __init__(self, reason):
        self.message = f"{reason} before HiGHS returned; best state found so far kept"


ABANDONED = _Abandoned


def run_milp(costs, **keywords):
    """``scipy.optimize.milp(costs, **keywords)``, left behind at the active deadline or on Ctrl-C.

    Returns scipy's ``OptimizeResult``, or an object with ``x = None``, ``status = 1`` and a message saying why
    when the run was left (an instance of :data:`ABANDONED`).

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt.solvers._milp import run_milp
    >>> result = run_milp(np.array([1.0, -1.0]), integrality=np.ones(2), bounds=(0, 1))
    >>> result.x.tolist(), float(result.fun)
    ([0.0, 1.0], -1.0)
    """
    run = control.active()
    if run is None:
        return scipy_milp(costs, **keywords)
    if run.expired():
        return _Abandoned(control.stop_reason() or "time limit")
    outcome = {}

    def work():
        try:
            outcome["result"] = scipy_milp(costs, **keywords)
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread below
            outcome["error"] = error

    worker = threading.Thread(target=work, name="hopopt-highs", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(_POLL_SECONDS)
        if run.interrupted:
            return _leave(worker, "interrupted")
        if run.deadline is not None and run.remaining() <= 0.0 and worker.is_alive():
            worker.join(_GRACE_SECONDS)
            if worker.is_alive():
                return _leave(worker, "time limit reached")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
