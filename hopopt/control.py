"""The run's deadline and its Ctrl-C flag, shared by the ``hopopt`` command and every solver.

A time limit on the command line is a promise about the whole command: reading, encoding, the incumbent, the
solve, the exact proof and the output. The command opens a :class:`RunControl` with that deadline and makes it
:func:`active`; every solver joins its own ``time_limit`` with the active deadline (:func:`time_left`) and checks
:func:`should_stop` between kernel calls, so a solver called deep inside a workflow (the incumbent anneal of an
exact method, a round of the penalty loop) still stops in time. Ctrl-C sets :attr:`RunControl.interrupted`
instead of raising, so the solver returns the best state found so far and the command prints it with status
"interrupted". Without an active control (plain library use) nothing changes.

Nothing here imports numpy or numba: the command line loads this module before it knows what it will run.

Examples
--------
>>> from hopopt import control
>>> with control.activate(control.RunControl(time_limit=60)) as run:
...     control.time_left(100.0) <= 60, control.should_stop()
(True, False)
>>> control.time_left(100.0)  # no active control: the solver's own limit
100.0
"""

from __future__ import annotations

import contextlib
import math
import signal
import threading
import time

__all__ = ["RunControl", "active", "activate", "time_left", "should_stop", "stop_reason", "report", "solving",
           "interrupt_handling"]


class RunControl:
    """A deadline on the wall clock and an interrupt flag for one command.

    Parameters
    ----------
    time_limit : float, optional
        Seconds from ``started``; None means no deadline (only Ctrl-C stops the run early).
    started : float, optional
        A ``time.perf_counter()`` reading; default now.

    Attributes
    ----------
    interrupted : bool
        Set by Ctrl-C (:func:`interrupt_handling`) or :meth:`interrupt`; solvers then return what they have.
    solving : bool
        True while a solver or an exact method runs: a Ctrl-C before that (while reading or encoding) has no best
        state to print and ends the command at once.
    best, bound : float or None
        The best energy (or objective) and the proved bound reported so far, for the progress line.

    Examples
    --------
    >>> from hopopt.control import RunControl
    >>> run = RunControl(time_limit=5.0)
    >>> run.remaining() <= 5.0, run.expired()
    (True, False)
    >>> run.interrupt(); run.expired()
    True
    """

    def __init__(self, time_limit=None, started=None):
        self.started = time.perf_counter() if started is None else float(started)
        self.time_limit = None if time_limit is None else float(time_limit)
        self.deadline = None if time_limit is None else self.started + float(time_limit)
        self.interrupted = False
        self.solving = False
        self.best = None
        self.bound = None
        self.label = ""

    def elapsed(self) -> float:
        """Seconds since the control started."""
        return time.perf_counter() - self.started

    def remaining(self) -> float:
        """Seconds left before the deadline (``inf`` without one, 0 once interrupted)."""
        if self.interrupted:
            return 0.0
        if self.deadline is None:
            return math.inf
        return max(0.0, self.deadline - time.perf_counter())

    def expired(self) -> bool:
        """Whether the run must stop now: the deadline passed or Ctrl-C was pressed."""
        return self.remaining() <= 0.0

    def interrupt(self):
        """Ask every solver under this control to return its best state now."""
        self.interrupted = True


_ACTIVE: RunControl | None = None


def active() -> RunControl | None:
    """The control of the running command, or None (plain library use).

    Examples
    --------
    >>> from hopopt.control import RunControl, activate, active
    >>> active() is None  # plain library use
    True
    >>> with activate(RunControl()) as run:
    ...     active() is run
    True
    """
    return _ACTIVE


@contextlib.contextmanager
def activate(run: RunControl):
    """Make ``run`` the active control for the block (restoring the previous one after).

    Parameters
    ----------
    run : RunControl
        The control that :func:`active` returns inside the block.

    Yields
    ------
    RunControl
        ``run`` itself.

    Examples
    --------
    >>> from hopopt.control import RunControl, activate, active
    >>> outer, inner = RunControl(), RunControl(time_limit=1.0)
    >>> with activate(outer):
    ...     with activate(inner):
    ...         print(active() is inner)
    ...     print(active() is outer)
    True
    True
    """
    global _ACTIVE
    previous, _ACTIVE = _ACTIVE, run
    try:
        yield run
    finally:
        _ACTIVE = previous


def time_left(time_limit=None):
    """A solver's time limit shortened to the active deadline: ``min(time_limit, remaining)``.

    None stays None: a solver without a limit of its own plans by its sweeps (an incumbent anneal must not fill
    the whole budget of an exact method) and still stops at the deadline through :func:`should_stop`.

    Parameters
    ----------
    time_limit : float, optional
        The solver's own limit in seconds; None for none.

    Returns
    -------
    float or None
        ``time_limit`` when it is None or no control is active; else the smaller of it and the active run's
        remaining time (at least 1e-6 s).

    Examples
    --------
    >>> from hopopt.control import time_left
    >>> time_left(None), time_left(2.5)
    (None, 2.5)
    """
    run = _ACTIVE
    if time_limit is None or run is None:
        return time_limit
    # a solver needs a positive limit; an expired run still lets it return its start state at once
    return min(float(time_limit), max(run.remaining(), 1e-6))


def should_stop() -> bool:
    """Whether the active run's deadline passed or Ctrl-C was pressed (False without an active control).

    Examples
    --------
    >>> from hopopt.control import should_stop
    >>> should_stop()
    False
    """
    run = _ACTIVE
    return run is not None and run.expired()


def stop_reason():
    """"interrupted" after Ctrl-C, "time limit" once the deadline passed, else None.

    Examples
    --------
    >>> from hopopt.control import RunControl, activate, stop_reason
    >>> stop_reason() is None  # no active control
    True
    >>> with activate(RunControl(time_limit=0.0)):
    ...     stop_reason()
    'time limit'
    >>> with activate(RunControl()) as run:
    ...     run.interrupt()
    ...     stop_reason()
    'interrupted'
    """
    run = _ACTIVE
    if run is None:
        return None
    if run.interrupted:
        return "interrupted"
    return "time limit" if run.expired() else None


def report(best=None, bound=None):
    """Tell the active run (for its progress line) the best value found so far and the proved bound.

    Parameters
    ----------
    best : float, optional
        The best energy or objective found so far; None leaves the last one.
    bound : float, optional
        The proved bound; None leaves the last one.

    Examples
    --------
    >>> from hopopt.control import RunControl, activate, report
    >>> with activate(RunControl()) as run:
    ...     report(best=-12.0, bound=-15.0)
    ...     report(best=-13.0)  # a better value later; the bound stays
    >>> run.best, run.bound
    (-13.0, -15.0)
    >>> report(best=-14.0)  # without an active control nothing is told
    """
    run = _ACTIVE
    if run is None:
        return
    if best is not None:
        run.best = best
    if bound is not None:
        run.bound = bound


@contextlib.contextmanager
def solving(run: RunControl | None = None):
    """Mark the block as the solving phase of ``run`` (default: the active one): Ctrl-C there keeps the best.

    Parameters
    ----------
    run : RunControl, optional
        The control whose ``solving`` flag is set for the block (restored after); default the active one. With
        neither, the block runs unchanged.

    Examples
    --------
    >>> from hopopt.control import RunControl, activate, solving
    >>> with activate(RunControl()) as run:
    ...     with solving():
    ...         print(run.solving)
    ...     print(run.solving)
    True
    False
    """
    run = run if run is not None else _ACTIVE
    if run is None:
        yield
        return
    previous, run.solving = run.solving, True
    try:
        yield
    finally:
        run.solving = previous


@contextlib.contextmanager
def interrupt_handling(run: RunControl):
    """Route Ctrl-C to ``run`` for the block: during the solving phase the first Ctrl-C asks the solvers to stop
    and return their best state; a second one, or one before anything was found, raises KeyboardInterrupt.

    Only the main thread can install signal handlers; elsewhere the block runs with Python's default handling.

    Parameters
    ----------
    run : RunControl
        The control that Ctrl-C interrupts during its solving phase.

    Yields
    ------
    RunControl
        ``run`` itself.

    Examples
    --------
    The handler is installed for the block and the previous one restored after it:

    >>> import signal
    >>> from hopopt.control import RunControl, interrupt_handling
    >>> before = signal.getsignal(signal.SIGINT)
    >>> with interrupt_handling(RunControl()) as run:
    ...     run.interrupted
    False
    >>> signal.getsignal(signal.SIGINT) is before
    True
    """
    if threading.current_thread() is not threading.main_thread():
        yield run
        return

    def handle(signum, frame):
        if run.solving and not run.interrupted:
            run.interrupt()
            return
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, handle)
    try:
        yield run
    finally:
        signal.signal(signal.SIGINT, previous)
