"""Graph coloring: DIMACS files, random graphs, the fewest-colours search, DSATUR branch and bound."""

from __future__ import annotations

import math

import numpy as np

from ..io import read_dimacs
from ..problems.coloring import GraphColoring
from ._kind import ExactAnswer, ProblemKind

__all__ = ["KIND"]


def _read(path):
    # k is chosen at solve time: --colors, or the fewest-colours search
    return GraphColoring.from_edgelist(read_dimacs(path), colors=1)


def _random(n, seed, p=0.5):
    return GraphColoring.random(n, p, rng=seed, colors=1)


def _exact(problem, time_limit):
    from ..solvers.exact_coloring import exact_coloring  # scipy.optimize (HiGHS): only for a proof
    exact = exact_coloring(problem.n, problem.edges, time_limit=time_limit)
    bound = float(exact.bound) if np.isfinite(exact.bound) else None
    return ExactAnswer(np.asarray(exact.solution), bool(exact.optimal), bound, exact.method, exact.message,
                       float(exact.time_s))


def _settle(problem, options):
    """The instance with the colours to use: ``colors`` if given, else the DSATUR count (for the model)."""
    colors = options.get("colors")
    if colors is None:
        return problem
    return problem.with_colors(colors)


def _heuristic(problem, settings):
    """The fewest-colours search (DSATUR, then one colour fewer at a time) unless ``colors`` is given, in
    which case the plain anneal of the k-colour model runs (returns None to say so).

    At each k the search alternates one-hot annealing and Metropolis chains with conflict-directed
    recolourings over a ladder of temperatures (:func:`~hopopt.workflows.coloring.fewest_colors`, "auto");
    ``moves`` "one-hot", "single-flip" or "conflicts" runs one of them alone."""
    if settings.get("colors") is not None:
        return None
    import time

    from .. import control
    from ..result import STATUS_MESSAGES, Status
    from ..workflows.coloring import fewest_colors

    asked = settings.get("moves")
    moves = asked if asked in ("one-hot", "single-flip", "conflicts") else "auto"
    # fixed sweeps mean fixed work (and a result that does not depend on the machine's speed): one run per k, as
    # without a time limit. The command's time limit is then only a cap, which its deadline (hopopt.control)
    # enforces; handed to the search, it would repeat runs until that time is spent ("without --sweeps the
    # solver fills it"), and a huge limit made the command run on for minutes. Without either, 10 s.
    sweeps = settings.get("sweeps")
    time_limit = None if sweeps else (settings.get("time_limit") or 10.0)
    started = time.perf_counter()
    coloring, colors, history = fewest_colors(problem, time_limit=time_limit, rng=settings.get("rng"),
                                               sweeps=sweeps, moves=moves)
    seconds = time.perf_counter() - started
    final = problem.with_colors(colors)
    # the search returns no SolveResult, so its status is said here: it ends at a clique bound (completed), or
    # when its time (the command's deadline included) ran out, or on Ctrl-C; planned by time, a last attempt that
    # failed means the time ran out during it (planned by sweeps, it means its sweeps were done: completed)
    stop = control.stop_reason()
    if stop == "interrupted":
        status = Status.INTERRUPTED
    elif stop == "time limit" or (time_limit is not None and (not history[-1][1] or seconds >= time_limit)):
        status = Status.TIME_LIMIT
    else:
        status = Status.COMPLETED
    extras = {"history": [list(entry) for entry in history], "moves": moves, "colors": int(colors),
              "status": STATUS_MESSAGES[status]}
    return final, np.asarray(coloring), None, extras


def _plot(problem, solution, ax, title):
    from .. import plotting

    plotting.plot_coloring(problem.edges, solution, problem.n, title=title, ax=ax)


def _instance_bytes(n, options):
    """Memory of ``random:n=…,p=…``: a G(n, p) edge list (hopopt.resources)."""
    from ..resources import random_graph_instance

    return random_graph_instance(n, options.get("p", 0.5), "the random graph")


def _expected_colors(problem):
    """Colours the fewest-colours search starts near, before DSATUR has run: twice the greedy count of a random
    graph of the same density, n·ln(1/(1 − p))/ln n, capped at Δ + 1. Measured against DSATUR: 74 for 44 on
    G(300, 0.5), 31 for 26 on G(1000, 0.1), 13 for 17 on le450_15a (sparse structured graphs come out low,
    where the model is small anyway)."""
    n, edges = problem.n, len(problem.edges)
    cap = int(problem.degrees.max(initial=0)) + 1
    if n < 3 or edges == 0:
        return cap
    density = 2.0 * edges / (n * (n - 1))
    if density >= 1.0:
        return cap
    return min(cap, max(2, math.ceil(2.0 * n * math.log(1.0 / (1.0 - density)) / math.log(n))))


def _exact_bytes(problem, time_limit=None):
    """Memory of the exact method: a DSATUR branch and bound over the graph (no MILP), whose largest table is the
    conflict count per node and colour, at most the greedy colouring's count (≤ max degree + 1)."""
    import numpy as np

    from ..resources import Estimate

    n, edges = problem.n, len(problem.edges)
    degree = np.bincount(np.asarray(problem.edges).reshape(-1), minlength=n).max(initial=0) if edges else 0
    # conflicts (n × colours, int64), the CSR graph both ways, and a dozen per-node arrays
    table = 8 * n * (int(degree) + 1)
    return Estimate(table + 16 * 2 * edges + 12 * 8 * n,
                    f"the exact colouring search: {n:,} nodes × up to {int(degree) + 1} colours of conflict counts")


def _model_bytes(problem):
    """Memory of one one-hot model: n·k variables, k(k − 1) pairs per node and k per edge direction. Before the
    colours are chosen (``--colors`` or the search), k is :func:`_expected_colors`."""
    from ..resources import sparse_model

    n = problem.n
    # the kind reads and generates instances with k = 1 as "not chosen yet" (chosen at solve time)
    colors = problem.colors if problem.colors is not None and problem.colors > 1 else _expected_colors(problem)
    nonzeros = n * colors * (colors - 1) + 2 * len(problem.edges) * colors
    return sparse_model(n * colors, nonzeros, f"the colouring encoding's weights ({colors} colours)")


#: the kind ``coloring`` of :data:`hopopt.kinds.KINDS`: graph colouring with the fewest colours
KIND = ProblemKind(
    name="coloring", problem=GraphColoring, description="graph coloring with the fewest colours (one-hot)",
    read=_read, file_format="dimacs", random=_random, random_options={"p": 0.5}, smallest_n=1, exact=_exact,
    solvers=("anneal",), heuristic=_heuristic, plot=_plot, settle=_settle, any_model_solver=False,
    instance_bytes=_instance_bytes, model_bytes=_model_bytes, exact_bytes=_exact_bytes)
