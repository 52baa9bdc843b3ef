"""Exact binary programs: a linear + quadratic objective over 0/1 variables with linear constraints, by HiGHS.

This is the exact method of every problem whose original form is a constrained binary program (the model
builder :class:`hopopt.constrained.ConstrainedModel`, knapsack, set cover, independent set, SAT, puzzles):
the constraints are handed to the MILP as they are (no penalties, no slack variables), and each product of two
binaries is linearised with one continuous variable ``y_ij ∈ [0, 1]`` (McCormick). Only the side of the
linearisation that binds is needed, because the objective pushes ``y`` the other way:

* a positive coefficient (minimising wants ``y`` small): ``y_ij ≥ x_i + x_j − 1``;
* a negative coefficient (minimising wants ``y`` large): ``y_ij ≤ x_i`` and ``y_ij ≤ x_j``.

At every binary ``x`` the optimal ``y`` is then exactly ``x_i x_j``, so the MILP optimum is the optimum of the
binary program and HiGHS's dual bound is a proven bound on it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint

from .. import control
from ..resources import milp_builds_in_time
from ._common import check_time_limit
from ._milp import run_milp

__all__ = ["BinaryProgramResult", "solve_binary_program"]


@dataclass(frozen=True)
class BinaryProgramResult:
    """What :func:`solve_binary_program` found.

    Attributes
    ----------
    x : numpy.ndarray of int8 or None
        The best 0/1 assignment found (None when HiGHS found none, e.g. infeasible or out of time).
    objective : float or None
        Its objective value (constant included), in the direction asked for (``sense``).
    bound : float or None
        A proven bound on the optimum: a lower bound when minimising, an upper bound when maximising.
    optimal : bool
        True when HiGHS proved ``x`` optimal.
    infeasible : bool
        True when HiGHS proved that no assignment satisfies the constraints.
    message : str
        HiGHS's status message.
    time_s : float
        Wall-clock seconds of the solve (building the MILP included).

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt.solvers.exact_binary import solve_binary_program
    >>> found = solve_binary_program([1, 1], constraints=[(np.array([[1, 1]]), 1, 2)])  # x₀ + x₁ ≥ 1
    >>> found.objective, found.bound, found.optimal, found.infeasible
    (1.0, 1.0, True, False)
    >>> solve_binary_program([1, 1], constraints=[(np.array([[1, 1]]), 3, 3)]).infeasible  # x₀ + x₁ = 3
    True
    """

    x: np.ndarray | None
    objective: float | None
    bound: float | None
    optimal: bool
    infeasible: bool
    message: str
    time_s: float


def _quadratic_triples(quadratic, n):
    """(rows, cols, values) of the upper-triangle products i < j, merged; diagonal entries returned apart."""
    if quadratic is None:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0), np.zeros(n)
    if sp.issparse(quadratic) or isinstance(quadratic, np.ndarray):
        matrix = sp.coo_array(quadratic)
        rows, cols, values = matrix.row, matrix.col, matrix.data
    else:
        rows, cols, values = (np.asarray(part) for part in quadratic)
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    values = np.asarray(values, dtype=np.float64)
    if rows.size and (min(rows.min(), cols.min()) < 0 or max(rows.max(), cols.max()) >= n):
        raise ValueError(f"a quadratic term names a variable outside 0..{n - 1}")
    diagonal = np.zeros(n)
    on_diagonal = rows == cols
    np.add.at(diagonal, rows[on_diagonal], values[on_diagonal])  # x_i² = x_i for binaries
    rows, cols, values = rows[~on_diagonal], cols[~on_diagonal], values[~on_diagonal]
    low, high = np.minimum(rows, cols), np.maximum(rows, cols)
    merged = sp.coo_array((values, (low, high)), shape=(n, n)).tocsr()
    merged.sum_duplicates()
    merged.eliminate_zeros()
    merged = merged.tocoo()
    return merged.row.astype(np.int64), merged.col.astype(np.int64), merged.data.astype(np.float64), diagonal


def solve_binary_program(linear, quadratic=None, constant=0.0, constraints=(), *, sense="min", time_limit=None,
                         verbose=False) -> BinaryProgramResult:
    """Optimise ``constant + linear·x + Σ q_ij x_i x_j`` over ``x ∈ {0,1}ⁿ`` subject to linear constraints.

    Parameters
    ----------
    linear : array_like, shape (n,)
        Linear coefficients; n is the number of variables.
    quadratic : (rows, cols, values), array or sparse matrix, optional
        Products ``values[k] · x[rows[k]] · x[cols[k]]``; repeated pairs add up, a pair (i, i) is ``x_i``.
    constant : float
        Added to the objective.
    constraints : sequence of (matrix, lower, upper)
        Linear rows ``lower ≤ matrix @ x ≤ upper`` (``-inf``/``inf`` for one-sided rows).
    sense : {"min", "max"}
    time_limit : float, optional
        Seconds for HiGHS; then the best assignment so far and the proven bound are returned.
    verbose : bool
        Let HiGHS print its log.

    Returns
    -------
    BinaryProgramResult

    Examples
    --------
    Choose at most one of two items worth 3 and 2, and x0·x1 costs nothing since they exclude each other:

    >>> import numpy as np
    >>> from hopopt.solvers.exact_binary import solve_binary_program
    >>> found = solve_binary_program([3, 2], constraints=[(np.array([[1, 1]]), 0, 1)], sense="max")
    >>> found.x.tolist(), found.objective, found.optimal
    ([1, 0], 3.0, True)
    """
    if sense not in ("min", "max"):
        raise ValueError(f"sense must be 'min' or 'max', got {sense!r}")
    time_limit = control.time_left(check_time_limit(time_limit))
    started = time.perf_counter()
    linear = np.asarray(linear, dtype=np.float64).reshape(-1)
    n = linear.size
    if n == 0:
        raise ValueError("a binary program needs at least one variable")
    sign = 1.0 if sense == "min" else -1.0
    rows, cols, values, diagonal = _quadratic_triples(quadratic, n)
    costs_x = sign * (linear + diagonal)
    costs_y = sign * values
    pairs = rows.size
    total = n + pairs
    # McCormick rows on the binding side only (see the module docstring)
    link_rows, link_cols, link_values, link_lower, link_upper = [], [], [], [], []
    row = 0
    positive = np.flatnonzero(costs_y > 0)
    negative = np.flatnonzero(costs_y < 0)
    if positive.size:  # y - x_i - x_j ≥ -1
        index = np.arange(positive.size) + row
        link_rows += [index, index, index]
        link_cols += [n + positive, rows[positive], cols[positive]]
        link_values += [np.ones(positive.size), -np.ones(positive.size), -np.ones(positive.size)]
        link_lower.append(np.full(positive.size, -1.0))
        link_upper.append(np.full(positive.size, np.inf))
        row += positive.size
    for ends in (rows, cols):  # y - x_end ≤ 0
        if negative.size:
            index = np.arange(negative.size) + row
            link_rows += [index, index]
            link_cols += [n + negative, ends[negative]]
            link_values += [np.ones(negative.size), -np.ones(negative.size)]
            link_lower.append(np.full(negative.size, -np.inf))
            link_upper.append(np.zeros(negative.size))
            row += negative.size
    milp_constraints = []
    if row:
        matrix = sp.csr_array((np.concatenate(link_values), (np.concatenate(link_rows), np.concatenate(link_cols))),
                              shape=(row, total))
        milp_constraints.append(LinearConstraint(matrix, np.concatenate(link_lower), np.concatenate(link_upper)))
    for matrix, lower, upper in constraints:
        matrix = sp.csr_array(matrix, dtype=np.float64)
        if matrix.ndim != 2 or matrix.shape[1] != n:
            raise ValueError(f"a constraint matrix must have {n} columns, got shape {matrix.shape}")
        padded = sp.hstack([matrix, sp.csr_array((matrix.shape[0], pairs))], format="csr") if pairs else matrix
        milp_constraints.append(LinearConstraint(padded, lower, upper))
    integrality = np.concatenate([np.ones(n), np.zeros(pairs)])
    # a zero relative gap, so that "optimal" is a proof: HiGHS's default 1e-4 is relative to the objective
    # without the constant and accepted a partition difference of 30 as optimal when a smaller one existed
    options = {"disp": bool(verbose), "mip_rel_gap": 0.0}
    if time_limit is not None:
        options["time_limit"] = max(time_limit - (time.perf_counter() - started), 1e-3)
    objective = np.concatenate([costs_x, costs_y])
    if not milp_constraints:
        # no constraints at all: HiGHS wants at least an empty problem; each x_i independently
        x = (objective[:n] < 0).astype(np.int8)
        value = constant + float(linear @ x)
        return BinaryProgramResult(x, value, value, True, False, "no constraints: solved coordinate-wise",
                                   time.perf_counter() - started)
    entries = sum(int(constraint.A.nnz) if hasattr(constraint.A, "nnz") else int(np.size(constraint.A))
                  for constraint in milp_constraints)
    left = None if time_limit is None else time_limit - (time.perf_counter() - started)
    if not milp_builds_in_time(entries, left):
        # scipy hands the rows to HiGHS holding the GIL, and HiGHS does not look at the clock while it reads
        # them: a model that cannot even be read in the time left would hold the command past its deadline
        return BinaryProgramResult(None, None, None, False, False,
                                   f"the MILP's {entries:,} constraint entries would not be read in the "
                                   f"{max(left, 0.0):.2f} s left", time.perf_counter() - started)
    result = run_milp(objective, constraints=milp_constraints, integrality=integrality, bounds=Bounds(0, 1),
                        options=options)
    elapsed = time.perf_counter() - started
    infeasible = result.status == 2
    x = None
    value = None
    if result.x is not None:
        x = (np.asarray(result.x[:n]) > 0.5).astype(np.int8)
        value = constant + float(linear @ x) + float(np.sum(values * x[rows] * x[cols])) + float(diagonal @ x)
    raw_bound = getattr(result, "mip_dual_bound", None)
    optimal = result.status == 0 and x is not None
    if optimal:
        bound = value
    elif raw_bound is not None and np.isfinite(raw_bound):
        bound = constant + sign * float(raw_bound)
    else:
        bound = None
    return BinaryProgramResult(x, value, bound, bool(optimal), bool(infeasible), str(result.message), elapsed)
