"""Where benchmark runs execute: a local process pool, or a Dask cluster, behind one Executor interface.

Every backend hands out a :class:`concurrent.futures.Executor` (``submit`` returns a future with
``result()``), so :func:`hopopt.bench.suite_runner.run_suite` has one code path for all of them:

- ``"process"`` (default): :class:`concurrent.futures.ProcessPoolExecutor` with ``workers`` processes, started
  with "spawn" (a forked child would inherit the parent's numba thread pool, which is not fork-safe).
- ``"dask-local"``: a :class:`distributed.LocalCluster` of ``workers`` single-threaded worker processes on this
  machine, through ``Client.get_executor()``.
- ``"dask://HOST:PORT"`` (or ``"tcp://HOST:PORT"``): an existing Dask scheduler, through ``Client.get_executor()``.
  The workers must have hopopt (and the instance files, via ``--data-dir``) installed.

A scheduler that does not answer within :data:`CONNECT_TIMEOUT_S` seconds is an :class:`~hopopt.errors.InputError`
with one readable line, as is a Dask backend asked for without Dask installed.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from ..errors import InputError

__all__ = ["open_executor", "describe_executor", "CONNECT_TIMEOUT_S"]

#: seconds to wait for a remote Dask scheduler before giving up
CONNECT_TIMEOUT_S = 10


def _default_workers():
    return max(1, os.cpu_count() or 1)


def describe_executor(spec) -> str:
    """The normalised executor name: "process", "dask-local" or "tcp://HOST:PORT".

    Parameters
    ----------
    spec : str or None
        ``None``, ``""``, ``"process"`` or ``"processes"`` (one process per worker), ``"dask-local"``, or
        ``"dask://HOST:PORT"`` / ``"tcp://HOST:PORT"`` (a dask scheduler).

    Returns
    -------
    str
        The normalised name; an unknown name or an address that is not ``HOST:PORT`` is an InputError.

    Examples
    --------
    >>> from hopopt.bench.executors import describe_executor
    >>> describe_executor(None), describe_executor("dask://10.0.0.5:8786")
    ('process', 'tcp://10.0.0.5:8786')
    """
    if spec in (None, "", "process", "processes"):
        return "process"
    if spec == "dask-local":
        return spec
    for prefix in ("dask://", "tcp://"):
        if spec.startswith(prefix):
            address = spec[len(prefix):]
            host, _, port = address.rpartition(":")
            if not host or not port.isdigit():
                raise InputError(f"executor {spec!r}: expected dask://HOST:PORT")
            return f"tcp://{address}"
    raise InputError(f"unknown executor {spec!r}; use process, dask-local or dask://HOST:PORT")


@contextlib.contextmanager
def open_executor(spec=None, workers=None):
    """A context manager yielding a ``concurrent.futures.Executor`` for ``spec`` (see the module notes).

    Parameters
    ----------
    spec : str, optional
        ``"process"`` (the default), ``"dask-local"`` or ``"dask://HOST:PORT"``.
    workers : int, optional
        Processes, or local Dask workers (default: the machine's cores); a remote scheduler has its own.

    Examples
    --------
    >>> from hopopt.bench.executors import open_executor
    >>> with open_executor("process", workers=1) as executor:
    ...     executor.submit(pow, 2, 10).result()
    1024
    """
    name = describe_executor(spec)
    workers = _default_workers() if workers is None else int(workers)
    if workers < 1:
        raise InputError(f"--workers must be at least 1, got {workers}")
    if name == "process":
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as executor:
            yield executor
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError(f"executor {spec!r} needs Dask: pip install 'dask[distributed]'") from None
    if name == "dask-local":
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            yield client.get_executor()
        return
    try:
        client = Client(name, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError) as error:
        raise InputError(f"cannot reach the Dask scheduler at {name} ({type(error).__name__}: "
                         f"{str(error).splitlines()[0] if str(error) else 'no answer'})") from None
    with client:
        yield client.get_executor()
