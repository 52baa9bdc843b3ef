"""Turning an INSTANCE argument (a file, a catalogue name or ``random:n=…``) into a problem object.

Shared by the CLI and the benchmark harness (whose workers load instances themselves, in their own process).
"""

from __future__ import annotations

import os

from .errors import InputError

__all__ = ["PROBLEMS", "load_instance", "known_optimum"]

#: the problem types the CLI, compare and bench understand
PROBLEMS = ("maxcut", "tsp", "coloring")
RANDOM_OPTIONS = {"maxcut": {"n", "seed", "p"}, "tsp": {"n", "seed"}, "coloring": {"n", "seed", "p"}}


def load_instance(problem_name, spec, data_dir=None):
    """The problem object an INSTANCE argument names, and a short label for reports.

    INSTANCE is a file path (Gset for maxcut, TSPLIB for tsp, DIMACS .col for coloring), a catalogue name, or
    ``random:n=…,seed=…[,p=…]``.

    Examples
    --------
    >>> from hopopt.instances import load_instance
    >>> problem, label = load_instance("maxcut", "random:n=10,seed=1")
    >>> problem.n, label
    (10, 'random:n=10,seed=1')
    """
    from . import datasets

    if spec.startswith("random:"):
        return _random_instance(problem_name, spec), spec
    if os.path.exists(spec):
        path = spec
    else:
        entry = datasets.lookup(spec)
        if entry is None:
            raise InputError(f"instance {spec!r} is not a file, a catalogue name (see `hopopt datasets list`) "
                             f"or a random:n=…,seed=… spec")
        if entry.problem != problem_name:
            raise InputError(f"instance {spec!r} is a {entry.problem} instance, not {problem_name}")
        path = datasets.find_instance(spec, data_dir)
    try:
        return _read_instance(problem_name, path), str(spec)
    except InputError:
        raise
    except ValueError as error:
        raise InputError(f"{path}: {error}") from None


def _random_instance(problem_name, spec):
    from . import datasets
    from .problems import TSP, MaxCut

    options = datasets.parse_random_spec(spec)
    unknown = set(options) - RANDOM_OPTIONS[problem_name]
    if unknown:
        raise InputError(f"instance {spec!r}: unknown random option(s) {sorted(unknown)} for {problem_name}; "
                         f"use {', '.join(sorted(RANDOM_OPTIONS[problem_name]))}")
    if "n" not in options:
        raise InputError(f"instance {spec!r}: random instances need n=…")
    n, p, seed = options["n"], options.get("p", 0.5), options.get("seed", 0)
    smallest = 3 if problem_name == "tsp" else 1
    if not isinstance(n, int) or n < smallest:
        raise InputError(f"instance {spec!r}: n must be an integer ≥ {smallest}, got {n!r}")
    if not 0 <= p <= 1:
        raise InputError(f"instance {spec!r}: p must be in [0, 1], got {p!r}")
    if problem_name == "tsp":
        return TSP.random(n, seed=seed)
    if problem_name == "coloring":
        from .problems.coloring import GraphColoring
        return GraphColoring.random(n, p, seed=seed, colors=1)  # k is chosen later (--colors or the search)
    return MaxCut.random(n, p, seed=seed)


def _read_instance(problem_name, path):
    from . import io
    from .problems import TSP, MaxCut

    if problem_name == "tsp":
        return TSP.from_tsplib(io.read_tsplib(path))
    if problem_name == "coloring":
        from .problems.coloring import GraphColoring
        # k is chosen later: --colors, or the fewest-colours search
        return GraphColoring.from_edgelist(io.read_dimacs(path), colors=1)
    graph = io.read_gset(path)
    return MaxCut(graph.n, graph.edges, graph.weights, name=graph.name)


def known_optimum(spec):
    """The catalogue's optimum (or best known value) for an instance named by file or catalogue name, or None.

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
    return None if entry is None else entry.optimum
