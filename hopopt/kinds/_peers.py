"""Shared peer adapters: a dimod BQM sampled by dwave-samplers' simulated annealing for the run's time.

Peers that build their model with dimod (a generator, or a CQM turned into a BQM by ``dimod.cqm_to_bqm``) all
sample the same way: reads of doubling length until half the time is spent (the sampler takes sweeps, not
seconds; the next call could take as long as all before it), every read turned into a solution of the problem
by the kind's own ``read_solution`` (None for a read that is not feasible: no repair, the peer as its users run
it), the best kept.
"""

from __future__ import annotations

import time

__all__ = ["sample_bqm_for_time", "builder_to_cqm"]


def sample_bqm_for_time(bqm, budget, to_solution, objective, sense):
    """Best feasible solution of dwave-samplers SA reads on ``bqm`` within the budget, and the read count.

    Parameters
    ----------
    bqm : dimod.BinaryQuadraticModel
    budget : Budget
        ``time_limit``, ``seed``, ``reads`` and optionally fixed ``sweeps``.
    to_solution : callable
        ``to_solution(sample) -> solution or None`` (None when the read is infeasible).
    objective : callable
        ``objective(solution) -> float``.
    sense : {"min", "max"}
    """
    from dwave.samplers import SimulatedAnnealingSampler

    sampler = SimulatedAnnealingSampler()
    started = time.perf_counter()
    best, best_value, reads, sweeps = None, None, 0, 100
    while True:
        sampleset = sampler.sample(bqm, num_reads=budget.reads, num_sweeps=budget.sweeps or sweeps,
                                   seed=budget.seed + reads)
        reads += budget.reads
        for sample in sampleset.samples():
            solution = to_solution(sample)
            if solution is None:
                continue
            value = objective(solution)
            if best is None or (value > best_value if sense == "max" else value < best_value):
                best, best_value = solution, value
        if budget.sweeps is not None or time.perf_counter() - started >= 0.5 * budget.time_limit:
            break
        sweeps *= 2
    return best, {"reads": reads, "sweeps": budget.sweeps or sweeps}


def builder_to_cqm(model):
    """A dimod ConstrainedQuadraticModel of a builder model over its binaries (labels ``b0``, ``b1``, …).

    Examples
    --------
    >>> from hopopt.constrained import ConstrainedModel
    >>> from hopopt.kinds._peers import builder_to_cqm
    >>> model = ConstrainedModel()
    >>> x = model.binary("x", 2)
    >>> model.maximize(x[0] + 2 * x[1])
    >>> _ = model.add(x[0] + x[1] <= 1, name="one")
    >>> len(builder_to_cqm(model).constraints)
    1
    """
    import dimod

    sign = 1.0 if model.sense == "min" else -1.0  # dimod minimises
    objective = dimod.BinaryQuadraticModel("BINARY")
    objective.add_variables_from((f"b{i}", 0.0) for i in range(model.n_variables))
    objective.add_linear_from((f"b{i}", sign * value) for i, value in model.objective.linear.items())
    objective.add_quadratic_from((f"b{i}", f"b{j}", sign * value) for (i, j), value in model.objective.quadratic.items())
    objective.offset = sign * model.objective.constant
    cqm = dimod.ConstrainedQuadraticModel()
    cqm.set_objective(objective)
    for constraint in model.constraints:
        coefficients, rhs = constraint.row(model.n_variables)
        terms = [(f"b{i}", float(coefficients[i])) for i in coefficients.nonzero()[0]]
        cqm.add_constraint_from_iterable(terms, constraint.sense, rhs=float(rhs), label=constraint.name)
    return cqm
