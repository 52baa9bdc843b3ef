"""QUBO and Ising models from your own files: both kinds, ``qubo`` (binary) and ``ising`` (spin).

Each reads every supported format (qbsolv ``.qubo``, dimod COO text, ``.npy``/``.npz``, dimod BQM files; see
:mod:`hopopt.io.qubo`); a file of the other variable type is converted exactly, so ``hopopt solve ising
model.qubo`` answers in spins with the same energies. The exact method is :func:`hopopt.solvers.solve_exact`
on the model (enumeration for small models, the MILP beyond); the peers are dwave-samplers' simulated
annealing (bench's adapter, on the same BQM) and its tabu search.
"""

from __future__ import annotations

import time

import numpy as np

from ..errors import InputError
from ..io.qubo import read_quadratic
from ..problems.quadratic import Ising, QUBO
from ._kind import ExactAnswer, Outcome, PeerSpec, ProblemKind, read_json_solution

__all__ = ["QUBO_KIND", "ISING_KIND"]

# the share of the time limit tabu's reads get between them (the rest: converting the BQM, decoding)
_TABU_SHARE = 0.9


def _reader(problem_class):
    def read(path):
        return problem_class.from_instance(read_quadratic(path, vartype=problem_class.vartype.value))
    return read


def _random(problem_class):
    def random(n, seed, density=0.5):
        return problem_class.random(n, density, rng=seed)
    return random


def _exact(problem, time_limit):
    """The model's exact minimum: kept in this one function so that a portfolio can replace it in one place."""
    from ..solvers import solve_exact  # scipy.optimize (HiGHS): only for a proof
    result = solve_exact(problem.to_model(), time_limit=time_limit)
    bound = problem.objective_from_energy(result.bound) if np.isfinite(result.bound) else None
    return ExactAnswer(problem.decode(result.best_state), bool(result.optimal), bound, result.method,
                       result.message, float(result.time_s), result.best_state)


def _read_solution(path, problem):
    """A JSON ``solution``: a list in variable order, or a ``{label: value}`` object as dimod writes samples
    (JSON keys are strings, so labels are matched by their text)."""
    import json

    try:
        with open(path, encoding="utf-8") as handle:
            content = json.load(handle)
    except (OSError, json.JSONDecodeError, UnicodeDecodeError):
        return read_json_solution(path)  # its messages for missing and malformed files
    solution = content.get("solution") if isinstance(content, dict) else content
    if not isinstance(solution, dict):
        return read_json_solution(path)
    labels = [str(label) for label in (problem.labels or range(problem.n))]
    missing = [label for label in labels if label not in solution]
    unknown = sorted(set(solution) - set(labels))
    if missing or unknown:
        detail = f"no value for {', '.join(missing[:5])}" if missing else f"unknown variables {', '.join(unknown[:5])}"
        raise InputError(f"{path}: the solution must give a value for each of the {problem.n} variables; {detail}")
    return [solution[label] for label in labels]


def _dwave_simulated_annealing(problem, budget):
    """dwave-samplers' SimulatedAnnealingSampler on the problem's BQM, through bench's sampler adapter (calls
    calibrated to fill the time limit, best read decoded), as for max-cut."""
    from ..bench.runners import _dwave_sampler, _sampler_on_model

    return _sampler_on_model(_dwave_sampler)(problem, budget)


def _dwave_tabu(problem, budget):
    """dwave-samplers' TabuSampler on the problem's BQM: the reads run one after another, each given an equal
    share of the time limit (tabu takes a timeout, not sweeps, so ``budget.sweeps`` does not apply); the
    lowest-energy read is the answer."""
    from dwave.samplers import TabuSampler

    from ..bench.runners import _sample_rows

    model = problem.to_model()
    bqm = model.to_bqm()
    reads = budget.reads
    timeout_ms = max(1, int(1000 * _TABU_SHARE * budget.time_limit / reads))
    started = time.perf_counter()
    # the seed of dimod's initial states is a 32-bit integer
    sampleset = TabuSampler().sample(bqm, num_reads=reads, timeout=timeout_ms, seed=budget.seed % (2 ** 32))
    elapsed = time.perf_counter() - started
    states = _sample_rows([sampleset], range(model.n))
    best = states[int(np.argmin(model.energies(states)))]
    return Outcome(problem.decode(best), {"reads": reads, "timeout_ms_per_read": timeout_ms,
                                          "sampler_s": elapsed})


_PEERS = {
    "dwave-sa": PeerSpec(_dwave_simulated_annealing, "dwave-samplers SimulatedAnnealingSampler on the BQM",
                         requires=("dimod", "dwave.samplers")),
    "dwave-tabu": PeerSpec(_dwave_tabu, "dwave-samplers TabuSampler on the BQM, the time shared by its reads",
                           requires=("dimod", "dwave.samplers")),
}
_FORMATS = "qbsolv .qubo, dimod COO text, .npy/.npz matrices or a dimod BQM file"

def _instance_bytes(n, options):
    """Memory of ``random:n=…,density=…``: the coupled pairs' arrays and the model mirrored from them (measured
    52.6 bytes per stored non-zero at the peak, QUBO and Ising, n = 800, density 0.5)."""
    from ..resources import sparse_model

    density = float(options.get("density", 0.5))
    return sparse_model(n, density * n * (n - 1), "the random model's couplings", bytes_per_nonzero=60)


def _model_bytes(problem):
    """Nothing new: the model was built when the instance was read or generated."""
    from ..resources import Estimate

    model = problem.to_model()
    if model.is_sparse:
        return Estimate(0, "the model already built", model.n, int(model.weights.nnz), "sparse")
    return Estimate(0, "the model already built", model.n, model.n * model.n, "dense")


#: the kind ``qubo`` of :data:`hopopt.kinds.KINDS`: a QUBO, min xᵀQx over binary x, read from a file
QUBO_KIND = ProblemKind(
    name="qubo", problem=QUBO, description=f"a QUBO min xᵀQx from your file ({_FORMATS}); objective = energy",
    read=_reader(QUBO), file_format="qubo", random=_random(QUBO), random_options={"density": 0.5}, smallest_n=1,
    exact=_exact, solvers=("anneal", "descent"), read_solution=_read_solution, peers=_PEERS,
    instance_bytes=_instance_bytes, model_bytes=_model_bytes)

#: the kind ``ising`` of :data:`hopopt.kinds.KINDS`: an Ising model, min hᵀs + Σ J s s over spins, read from a file
ISING_KIND = ProblemKind(
    name="ising", problem=Ising,
    description=f"an Ising model min hᵀs + Σ J s s from your file ({_FORMATS}); objective = energy",
    read=_reader(Ising), file_format="qubo", random=_random(Ising), random_options={"density": 0.5},
    smallest_n=1, exact=_exact, solvers=("anneal", "descent"), read_solution=_read_solution, peers=_PEERS,
    instance_bytes=_instance_bytes, model_bytes=_model_bytes)
