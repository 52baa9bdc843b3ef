"""The progress line of a long ``hopopt solve`` or ``exact``: elapsed and remaining time, best energy, bound.

Solvers report their best energy to the running command's :class:`~hopopt.control.RunControl` between kernel
calls (:func:`hopopt.control.report`); a daemon thread redraws one line on stderr from it twice a second, once
the command has run for a couple of seconds. It only draws on a terminal and never under ``--json``, so pipes,
logs and the JSON contract see nothing of it.
"""

from __future__ import annotations

import contextlib
import math
import sys
import threading

__all__ = ["progress_line", "describe"]

# a run shorter than this shows no line at all
_FIRST_AFTER_SECONDS = 2.0
_EVERY_SECONDS = 0.5


def describe(run) -> str:
    """The text of the progress line for ``run`` (a :class:`~hopopt.control.RunControl`).

    Parameters
    ----------
    run : RunControl
        The command's control: its elapsed and remaining time, best energy, bound and interrupt flag.

    Returns
    -------
    str
        The parts that apply, joined by commas.

    Examples
    --------
    >>> from hopopt.control import RunControl
    >>> from hopopt.progress import describe
    >>> run = RunControl()  # no deadline: elapsed time and the best energy
    >>> run.best = -42.0
    >>> describe(run).split(", ")[1:]
    ['best energy -42']
    """
    parts = [f"{run.elapsed():.1f} s"]
    remaining = run.remaining()
    if run.deadline is not None and math.isfinite(remaining):
        parts[0] += f", {remaining:.1f} s left"
    if run.best is not None:
        parts.append(f"best energy {run.best:.10g}")
    if run.bound is not None:
        parts.append(f"bound {run.bound:.10g}")
    if run.interrupted:
        parts.append("interrupted, finishing")
    return ", ".join(parts)


@contextlib.contextmanager
def progress_line(run, *, enabled=True, stream=None):
    """Redraw ``describe(run)`` on ``stream`` (default stderr) while the block runs, if it is a terminal.

    The line appears after two seconds, is redrawn every half second and is erased when the block ends, so the
    command's own output starts on a clean line.

    Parameters
    ----------
    run : RunControl
        Whose elapsed time, deadline, best value and bound the line shows.
    enabled : bool, default True
        False draws nothing (the command passes False under ``--json``).
    stream : file-like, optional
        Where to draw; default ``sys.stderr``.

    Examples
    --------
    Nothing is drawn on a stream that is not a terminal (a pipe, a log, here a string buffer):

    >>> import io
    >>> from hopopt.control import RunControl
    >>> from hopopt.progress import progress_line
    >>> stream = io.StringIO()
    >>> with progress_line(RunControl(time_limit=10.0), stream=stream):
    ...     pass
    >>> stream.getvalue()
    ''
    """
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    if not enabled or isatty is None or not isatty():
        yield
        return
    stop = threading.Event()
    drawn = {"width": 0}

    def draw():
        if stop.wait(_FIRST_AFTER_SECONDS):
            return
        while not stop.is_set():
            text = "hopopt: " + describe(run)
            try:
                stream.write("\r" + text.ljust(drawn["width"]))
                stream.flush()
            except (OSError, ValueError):
                return  # the terminal went away: the command itself will notice
            drawn["width"] = len(text)
            stop.wait(_EVERY_SECONDS)

    thread = threading.Thread(target=draw, name="hopopt-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        if drawn["width"]:
            with contextlib.suppress(OSError, ValueError):
                stream.write("\r" + " " * drawn["width"] + "\r")
                stream.flush()
