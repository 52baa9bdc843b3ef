"""Quadratic assignment: QAPLIB files and solutions, random instances, branch and bound, scipy and dimod peers."""

from __future__ import annotations

import time

import numpy as np

from ..errors import InputError
from ..io import read_qaplib, read_qaplib_solution, solution_permutation
from ..problems.qap import QAP
from ._kind import ExactAnswer, Outcome, PeerSpec, ProblemKind, read_json_solution

__all__ = ["KIND"]


def _read(path):
    return QAP.from_qaplib(read_qaplib(path))


def _random(n, seed):
    return QAP.random(n, rng=seed)


def _exact(problem, time_limit):
    from ..solvers.exact_qap import qap_exact  # scipy.optimize (HiGHS): only for a proof
    exact = qap_exact(problem.flow, problem.distance, time_limit=time_limit)
    bound = float(exact.bound) if np.isfinite(exact.bound) else None
    return ExactAnswer(np.asarray(exact.solution), bool(exact.optimal), bound, exact.method, exact.message,
                       float(exact.time_s))


def _read_solution(path, problem):
    """A JSON solution, or a QAPLIB ``.sln`` (as written or inverse, whichever gives its stated cost)."""
    if str(path).lower().endswith(".json"):
        return read_json_solution(path)
    solution = read_qaplib_solution(path)
    if solution.n != problem.n:
        raise InputError(f"{path}: the solution places {solution.n} facilities but the instance has {problem.n}")
    permutation, _ = solution_permutation(problem, solution)
    return permutation.tolist()


def _plot(problem, solution, ax, title):
    from .. import plotting

    plotting.plot_assignment(problem.flow, problem.distance, solution,
                             title=f"{title}: cost {problem.cost(solution):g}", ax=ax)


def _scipy_quadratic_assignment(method):
    """scipy's ``quadratic_assignment`` from random starts, repeated until the time is spent; best kept.

    FAQ starts from a random doubly stochastic matrix (``P0="randomized"``), 2-opt from a random permutation;
    each start gets its own seed from the run's seed.
    """
    def run(problem, budget):
        from scipy.optimize import quadratic_assignment

        generator = np.random.default_rng(budget.seed)
        started = time.perf_counter()
        best, best_cost, starts = None, np.inf, 0
        while True:
            options = {"rng": generator.spawn(1)[0]}
            if method == "faq":
                options["P0"] = "randomized"  # 2-opt starts from a random permutation by itself
            result = quadratic_assignment(problem.flow, problem.distance, method=method, options=options)
            starts += 1
            if result.fun < best_cost:
                best, best_cost = np.asarray(result.col_ind), float(result.fun)
            if budget.restarts is not None and starts >= budget.restarts:
                break
            if time.perf_counter() - started >= budget.time_limit * (1 - 1 / (starts + 1)):
                break
        return Outcome(best, {"starts": starts})
    return run


def _dimod_qap_dwave_sa(problem, budget):
    """dimod's QAP model (``dimod.generators.quadratic_assignment``, a CQM) turned into a BQM by
    ``dimod.cqm_to_bqm`` with its default Lagrange multiplier, sampled by dwave-samplers' SA; the best read
    that is a permutation, no repair (the peer as its users run it)."""
    import dimod
    from dimod.generators import quadratic_assignment

    from ._peers import sample_bqm_for_time

    cqm = quadratic_assignment(problem.distance, problem.flow)
    bqm, _ = dimod.cqm_to_bqm(cqm)
    n = problem.n

    def assignment_of(sample):
        matrix = np.array([[sample[f"x_{i}_{j}"] for j in range(n)] for i in range(n)])
        if np.all(matrix.sum(axis=0) == 1) and np.all(matrix.sum(axis=1) == 1):
            return np.argmax(matrix, axis=1)
        return None

    best, extra = sample_bqm_for_time(bqm, budget, assignment_of, problem.cost, "min")
    return Outcome(best, extra)


def _instance_bytes(n, options):
    """Memory of ``random:n=…``: the flow and distance matrices and their temporaries."""
    from ..resources import Estimate

    return Estimate(40 * n * n + 4096, f"the random flow and distance matrices ({n:,}×{n:,})")


def _model_bytes(problem):
    """Memory of ``to_model()``: Kronecker factors (F ⊗ D, I ⊗ (J − I), (J − I) ⊗ I) over n² neurons."""
    from ..resources import structured_model

    n = problem.n
    nonzeros = int(np.count_nonzero(problem.flow)) * int(np.count_nonzero(problem.distance)) + 2 * n * n * (n - 1)
    return structured_model(n * n, nonzeros, "the QAP encoding's weights")


def _exact_bytes(problem, time_limit=None):
    """Memory of branch and bound: per-depth (n + 1)·n·n linear-cost tables and the bound's workspace; when its
    set-up cannot fit the time limit (it is then never started), the sorted flows and distances of the minimal
    scalar product bound."""
    from ..resources import Estimate
    from ..solvers.exact_qap import root_bound_seconds

    n = problem.n
    if time_limit is not None and root_bound_seconds(n) > time_limit:
        return Estimate(64 * n * n, f"the minimal scalar product bound's sorted {n}×{n} flows and distances (no "
                                    f"branch and bound: its set-up alone would outlast {time_limit:g} s)")
    return Estimate(16 * (n + 1) * n * n + 64 * n * n, f"branch and bound's per-depth {n}×{n} cost tables")

#: the kind ``qap`` of :data:`hopopt.kinds.KINDS`: the Koopmans–Beckmann quadratic assignment problem
KIND = ProblemKind(
    name="qap", problem=QAP, description="Koopmans–Beckmann quadratic assignment, n×n permutation encoding",
    read=_read, file_format="qaplib", random=_random, smallest_n=2, exact=_exact,
    solvers=("anneal", "descent"), plot=_plot, read_solution=_read_solution,
    instance_bytes=_instance_bytes, model_bytes=_model_bytes, exact_bytes=_exact_bytes,
    peers={
        "scipy-faq": PeerSpec(_scipy_quadratic_assignment("faq"),
                              "scipy quadratic_assignment FAQ from random starts, restarted to fill the time"),
        "scipy-2opt": PeerSpec(_scipy_quadratic_assignment("2opt"),
                               "scipy quadratic_assignment 2-opt from random starts, restarted to fill the time"),
        "dimod-qap-dwave-sa": PeerSpec(_dimod_qap_dwave_sa,
                                       "dimod's QAP CQM via cqm_to_bqm + dwave-samplers SA",
                                       requires=("dimod", "dwave.samplers")),
    })
