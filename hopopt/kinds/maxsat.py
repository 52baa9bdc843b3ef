"""MAX-SAT: DIMACS cnf and wcnf files, random k-SAT (optionally planted), the clause MILP, dwave-samplers and RC2."""

from __future__ import annotations

import json
import time

import numpy as np
import scipy.sparse as sp

from ..io import read_cnf
from ..problems.maxsat import MaxSAT
from ._kind import ExactAnswer, Outcome, PeerSpec, ProblemKind

__all__ = ["KIND", "maxsat_exact"]


def _read(path):
    return MaxSAT.from_cnf(read_cnf(path))


def _random(n, seed, k=3, ratio=4.26, planted=0):
    if planted not in (0, 1):
        raise ValueError(f"planted must be 0 or 1, got {planted!r}")
    return MaxSAT.random(n, k, ratio, planted=bool(planted), rng=seed)


def maxsat_exact(problem, time_limit=None) -> ExactAnswer:
    """The MAX-SAT MILP on the original clauses, solved by HiGHS.

    One 0/1 variable ``x_v`` per variable and one ``z_c`` per soft clause (1 = "counted as satisfied"), with
    ``z_c ≤ Σ_{+v ∈ c} x_v + Σ_{−v ∈ c} (1 − x_v)``; hard clauses need that sum ≥ 1. Minimising
    ``Σ w_c (1 − z_c)`` gives the cost, and HiGHS's dual bound is a proven lower bound on it. Tautologies
    need no row, empty clauses are a constant. No auxiliaries of the energy are involved.

    Parameters
    ----------
    problem : MaxSAT
    time_limit : float, optional
        Seconds for HiGHS; None: no limit.

    Returns
    -------
    ExactAnswer

    Examples
    --------
    >>> from hopopt.kinds.maxsat import maxsat_exact
    >>> from hopopt.problems import MaxSAT
    >>> answer = maxsat_exact(MaxSAT(2, [(1, 2), (-1,), (-2,)]))
    >>> answer.optimal, answer.bound
    (True, 1.0)
    """
    started = time.perf_counter()
    n = problem.n
    rows, cols, values, lower = [], [], [], []
    soft = []
    constant = 0.0
    for index, literals in enumerate(problem._distinct):
        if problem._tautology[index]:
            continue
        weight = float(problem.weights[index])
        if not literals:
            constant += 0.0 if problem.hard[index] else weight  # an empty hard clause: infeasible, see below
            continue
        if not problem.hard[index] and weight == 0.0:
            continue
        row = len(lower)
        negatives = sum(1 for literal in literals if literal < 0)
        for literal in literals:
            rows.append(row)
            cols.append(abs(literal) - 1)
            values.append(1.0 if literal > 0 else -1.0)
        # Σ_pos x − Σ_neg x ≥ need − (number of negative literals); need = z_c for soft, 1 for hard
        if problem.hard[index]:
            lower.append(1.0 - negatives)
        else:
            rows.append(row)
            cols.append(n + len(soft))
            values.append(-1.0)
            lower.append(-float(negatives))
            soft.append(weight)
    if np.any(problem.hard & problem._empty):
        return ExactAnswer(np.zeros(n, dtype=np.int8), False, None, "milp", "a hard clause is empty: no assignment "
                           "satisfies the hard clauses", time.perf_counter() - started)
    size = n + len(soft)
    linear = np.concatenate([np.zeros(n), -np.asarray(soft, dtype=np.float64)])
    constraints = []
    if lower:
        matrix = sp.csr_array((values, (rows, cols)), shape=(len(lower), size))
        constraints.append((matrix, np.asarray(lower), np.full(len(lower), np.inf)))
    from ..solvers.exact_binary import solve_binary_program  # scipy.optimize (HiGHS): only for a proof
    found = solve_binary_program(linear, constant=constant + float(np.sum(soft)), constraints=constraints,
                                 sense="min", time_limit=time_limit)
    if found.infeasible:
        return ExactAnswer(np.zeros(n, dtype=np.int8), False, None, "milp",
                           "the hard clauses cannot all be satisfied (HiGHS proved the MILP infeasible)",
                           found.time_s)
    assignment = found.x[:n] if found.x is not None else np.zeros(n, dtype=np.int8)
    bound = None if found.bound is None else float(found.bound)
    return ExactAnswer(np.asarray(assignment, dtype=np.int8), bool(found.optimal), bound, "milp", found.message,
                       float(time.perf_counter() - started), problem.encode(assignment))


def _exact(problem, time_limit):
    return maxsat_exact(problem, time_limit)


def _plot(problem, solution, ax, title):
    from ..plotting.solutions import plot_clauses

    # the title counts unsatisfied clauses; with weights or hard clauses the cost says more
    if np.any(problem.weights != 1) or problem.hard.any():
        title = f"{title}: cost {problem.evaluate(solution).objective:g}"
    plot_clauses(problem.n, problem.clauses, solution, title=title, ax=ax)


def _dwave_sa(problem, budget):
    """dwave-samplers SA on the BQM of the same reduction (``to_model().to_bqm()``), the time filled by
    calibrated calls exactly as for the max-cut peer; the lowest-energy read, decoded."""
    from ..bench.runners import _dwave_sampler, _sampler_on_model

    return _sampler_on_model(_dwave_sampler)(problem, budget)


# RC2 runs in a child process (pysat only, no hopopt import, so it starts in a fraction of a second) that is
# killed at the time limit: RC2 has no time limit of its own and on unsatisfiable random 3-SAT it explodes
# (n = 50 at ratio 6 took 5.5 s here, n = 75 more than 5 minutes).
_RC2_SCRIPT = """
import json, sys
from pysat.examples.rc2 import RC2
from pysat.formula import WCNF
data = json.load(sys.stdin)
formula = WCNF()
for clause in data["hard"]:
    formula.append(clause)
for clause, weight in zip(data["soft"], data["weights"]):
    formula.append(clause, weight=weight)
with RC2(formula) as solver:
    model = solver.compute()
    json.dump({"model": model, "cost": None if model is None else solver.cost}, sys.stdout)
"""


def _rc2(problem, budget):
    """PySAT's RC2 (core-guided MaxSAT, exact) on the original clauses, stopped at the time limit."""
    import subprocess
    import sys

    integral = bool(np.all(problem.weights == np.round(problem.weights)))
    hard, soft, weights = [], [], []
    for index, literals in enumerate(problem._distinct):
        if problem._tautology[index] or not literals:
            continue  # tautologies never count; empty clauses are a constant the solver need not see
        if problem.hard[index]:
            hard.append(list(literals))
        elif problem.weights[index] > 0:
            soft.append(list(literals))
            weight = problem.weights[index]
            weights.append(int(weight) if integral else float(weight))
    payload = json.dumps({"hard": hard, "soft": soft, "weights": weights})
    try:
        finished = subprocess.run([sys.executable, "-c", _RC2_SCRIPT], input=payload, capture_output=True,
                                  text=True, timeout=budget.time_limit)
    except subprocess.TimeoutExpired:
        return Outcome(None, {"message": f"RC2 proved nothing within {budget.time_limit:g} s"})
    if finished.returncode != 0:
        raise RuntimeError(f"RC2 failed: {finished.stderr.strip().splitlines()[-1:]}")
    answer = json.loads(finished.stdout)
    if answer["model"] is None:
        return Outcome(None, {"message": "hard clauses unsatisfiable"})
    assignment = np.zeros(problem.n, dtype=np.int8)
    for literal in answer["model"]:
        if 0 < abs(literal) <= problem.n:
            assignment[abs(literal) - 1] = literal > 0
    return Outcome(assignment, {"cost": float(answer["cost"])})


def _model_bytes(problem):
    """Memory of ``to_model()``: each clause couples its literals and its auxiliary variable pairwise."""
    from ..resources import sparse_model

    nonzeros = sum((len(clause) + 1) ** 2 for clause in problem.clauses)
    return sparse_model(problem.n_variables, nonzeros, "the MAX-SAT encoding's weights")

#: the kind ``maxsat`` of :data:`hopopt.kinds.KINDS`: weighted MAX-SAT (least unsatisfied weight)
KIND = ProblemKind(
    name="maxsat", problem=MaxSAT,
    description="weighted MAX-SAT (cost = unsatisfied weight), 3+ literal clauses by Ishikawa's reduction",
    read=_read, file_format="cnf", random=_random, random_options={"k": 3, "ratio": 4.26, "planted": 0},
    smallest_n=1, exact=_exact, solvers=("anneal", "descent"), plot=_plot,
    model_bytes=_model_bytes,
    peers={
        "dwave-sa": PeerSpec(_dwave_sa, "dwave-samplers SimulatedAnnealingSampler on hopopt's MAX-SAT BQM",
                             requires=("dimod", "dwave.samplers")),
        "pysat-rc2": PeerSpec(_rc2, "PySAT RC2 core-guided MaxSAT (exact; stopped at the time limit)",
                              requires=("pysat",), deterministic=True),
    })
