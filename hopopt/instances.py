"""Turning an INSTANCE argument (a file, a catalogue name or ``random:n=…``) into a problem object.

Shared by the CLI and the benchmark harness (whose workers load instances themselves, in their own process).
"""

from __future__ import annotations

import os

from .errors import InputError

__all__ = ["problem_names", "load_instance", "known_optimum"]



def problem_names():
    """The registered problem kinds (the PROBLEM argument of the command line).

    Examples
    --------
    >>> from hopopt.instances import problem_names
    >>> problem_names()[:5]
    ('maxcut', 'tsp', 'coloring', 'qap', 'model')
    """
    from .kinds import KINDS

    return tuple(KINDS)


def load_instance(problem_name, spec, data_dir=None, max_memory=None):
    """The problem object an INSTANCE argument names, and a short label for reports.

    INSTANCE is a file path in the kind's format (``ProblemKind.file_format``: Gset for maxcut, TSPLIB for tsp,
    DIMACS .col/.clq for coloring and the independent-set family, QAPLIB .dat for qap, qbsolv/COO/numpy/BQM files
    for qubo and ising, DIMACS cnf/wcnf for maxsat, JSON for model, ...), a catalogue name (a catalogued file
    also serves every kind that reads its format), or ``random:n=…,seed=…[,option=…]`` (options: the kind's
    ``random_options``). What the instance will take is estimated first (:mod:`hopopt.resources`): one that would
    not fit in ``max_memory`` bytes (default: 90 % of the memory available) is refused with an InputError.

    Parameters
    ----------
    problem_name : str
        The kind (``maxcut``, ``tsp``, ...; :data:`hopopt.kinds.KINDS`).
    spec : str
        The INSTANCE: a path, a catalogue name or ``random:n=…,seed=…``.
    data_dir : str or os.PathLike, optional
        A directory to search first for catalogue names (``--data-dir``).
    max_memory : int, optional
        Bytes the instance may take; default 90 % of the memory available.

    Returns
    -------
    problem : object
        The kind's encoder instance.
    label : str
        The spec as given, for reports.

    Examples
    --------
    >>> from hopopt.instances import load_instance
    >>> problem, label = load_instance("maxcut", "random:n=10,seed=1")
    >>> problem.n, label
    (10, 'random:n=10,seed=1')
    """
    from . import datasets
    from .kinds import get_kind

    kind = get_kind(problem_name)
    if spec.startswith("random:"):
        return _random_instance(kind, spec, max_memory), spec
    if os.path.exists(spec):
        if not os.path.isfile(spec):
            # a directory, a named pipe or a device: reading it would fail late, or wait forever for a writer
            raise InputError(f"instance {spec!r} is not a regular file")
        path = spec
    else:
        entry = datasets.lookup(spec)
        if entry is None:
            raise InputError(f"instance {spec!r} is not a file, a catalogue name (see `hopopt datasets list`) "
                             f"or a random:n=…,seed=… spec")
        # a catalogue file in the kind's own format serves it too (a DIMACS colouring graph read as an
        # independent-set instance); its catalogued optimum then belongs to the other problem
        if entry.problem != problem_name and entry.format != kind.file_format:
            raise InputError(f"instance {spec!r} is a {entry.problem} instance ({entry.format} file), not a "
                             f"{kind.file_format} file for {problem_name}")
        path = datasets.find_instance(spec, data_dir)
    from .resources import check_fits, estimate_file

    check_fits(estimate_file(problem_name, path), max_memory, what=f"{problem_name} {spec}")
    try:
        return kind.read(path), str(spec)
    except InputError:
        raise
    except ValueError as error:
        raise InputError(f"{path}: {error}") from None


def _random_instance(kind, spec, max_memory=None):
    from . import datasets

    options = datasets.parse_random_spec(spec)
    allowed = {"n", "seed"} | set(kind.random_options)
    unknown = set(options) - allowed
    if unknown:
        raise InputError(f"instance {spec!r}: unknown random option(s) {sorted(unknown)} for {kind.name}; "
                         f"use {', '.join(sorted(allowed))}")
    if "n" not in options:
        raise InputError(f"instance {spec!r}: random instances need n=…")
    n, seed = options.pop("n"), options.pop("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(f"instance {spec!r}: seed must be an integer ≥ 0, got {seed!r}")
    if not isinstance(n, int) or n < kind.smallest_n:
        raise InputError(f"instance {spec!r}: n must be an integer ≥ {kind.smallest_n}, got {n!r}")
    if "p" in options and not 0 <= options["p"] <= 1:
        raise InputError(f"instance {spec!r}: p must be in [0, 1], got {options['p']!r}")
    from .resources import check_fits, estimate_instance

    # before generating: random:n=99999999999 must be a clear refusal, not a MemoryError minutes later
    try:
        estimate = estimate_instance(kind.name, n, options)
    except (OverflowError, ValueError, TypeError) as error:  # density=1e308 and the like: no size to speak of
        raise InputError(f"instance {spec!r}: an option is out of range ({error})") from None
    check_fits(estimate, max_memory, what=f"{kind.name} {spec}")
    try:
        return kind.random(n, seed, **options)
    except (ValueError, OverflowError) as error:  # ratio=1e308 overflows a count
        raise InputError(f"instance {spec!r}: {error}") from None


def known_optimum(spec, problem_name=None):
    """The catalogue's optimum (or best known value) for an instance named by file or catalogue name, or None.

    With ``problem_name``, only an optimum catalogued for that problem counts (a DIMACS graph's chromatic
    number is no optimum of its independent set).

    Parameters
    ----------
    spec : str
        An instance file or catalogue name.
    problem_name : str, optional
        The kind the value must be catalogued for.

    Returns
    -------
    float or None

    Examples
    --------
    >>> from hopopt.instances import known_optimum
    >>> known_optimum("G1"), known_optimum("random:n=5,seed=1")
    (11624.0, None)
    """
    from . import datasets

    if spec.startswith("random:"):
        return None
    entry = datasets.lookup(os.path.splitext(os.path.basename(spec))[0])
    if entry is None or (problem_name is not None and entry.problem != problem_name):
        return None
    return entry.optimum
