"""Max-cut: Gset files, random graphs, brute force or the MILP, the cut drawn on the graph."""

from __future__ import annotations

import numpy as np

from ..io.gset import read_gset
from ..problems.maxcut import MaxCut
from ._kind import ExactAnswer, ProblemKind

__all__ = ["KIND"]


def _read(path):
    graph = read_gset(path)
    return MaxCut(graph.n, graph.edges, graph.weights, name=graph.name)


def _random(n, seed, p=0.5):
    return MaxCut.random(n, p, rng=seed)


def _exact(problem, time_limit):
    # the exact solvers import scipy.optimize: only `exact` pays for it, not a solve
    from ..solvers import solve_exact

    result = solve_exact(problem.to_model(), time_limit=time_limit)
    bound = problem.objective_from_energy(result.bound) if np.isfinite(result.bound) else None
    return ExactAnswer(problem.decode(result.best_state), bool(result.optimal), bound, result.method,
                       result.message, float(result.time_s), result.best_state)


def _plot(problem, solution, ax, title):
    from .. import plotting

    plotting.plot_cut(problem, solution, title=title, ax=ax)


def _instance_bytes(n, options):
    """Memory of ``random:n=…,p=…``: a G(n, p) edge list (hopopt.resources)."""
    from ..resources import random_graph_instance

    return random_graph_instance(n, options.get("p", 0.5), "the random graph")


def _model_bytes(problem):
    """Memory of ``to_model()``: sparse W with both directions of every edge, mirrored from the upper triangle
    (measured 40.5 bytes per non-zero at the peak for n = 1000–4000, p = 0.05–0.9)."""
    from ..resources import sparse_model

    return sparse_model(problem.n, 2 * len(problem.edges), "the max-cut encoding's weights", bytes_per_nonzero=44)

#: the kind ``maxcut`` of :data:`hopopt.kinds.KINDS`: maximum cut of a weighted graph
KIND = ProblemKind(
    name="maxcut", problem=MaxCut, description="maximum cut of a weighted graph (E = -cut)", read=_read,
    file_format="gset", random=_random, random_options={"p": 0.5}, smallest_n=1, exact=_exact,
    # parallel tempering is the default: on the Gset dev set at 10 s it reached G18's best-known 992 where
    # annealing stopped at 988, and it tied annealing elsewhere (BENCHMARKS.md, issue 11)
    solvers=("temper", "anneal", "descent"), plot=_plot, instance_bytes=_instance_bytes, model_bytes=_model_bytes)
