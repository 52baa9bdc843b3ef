"""Every solver that ``hopopt compare`` and ``hopopt bench`` can run, by problem and by name.

A solver here is a function ``run(problem, budget) -> Outcome``: hopopt's own solvers, the exact method, and
peers (dwave-samplers' annealer and tabu search, openjij's SA and SQA, simulated-bifurcation's ballistic and
discrete SB, cim-optimizer's chaotic amplitude control, dimod's encoders, networkx approximations). Peers are
imported only when they run, so a missing one is reported as "not installed" (see
:func:`missing_requirements`), never as an error. The peers that sample an energy model are also available on
a bare :class:`~hopopt.model.EnergyModel` through :data:`MODEL_PEERS` (``benchmarks/tts_scaling.py`` uses them).

Budgets are the same for everyone: a wall-clock ``time_limit`` that the annealers fill (hopopt's ``anneal``
plans its own sweeps; the peers' sweep counts are calibrated by a short first call, see
:func:`_fill_time_limit`), or, with ``sweeps``, fixed work per restart. Wall time is measured around the whole
call, encoding included, by :func:`run_solver`; one-off JIT compilation happens before it, in
:func:`hopopt.solvers.warm_up`.
"""

from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..api import SOLVER_DESCRIPTIONS, solvers_of
from ..kinds import KINDS, Budget, Outcome

__all__ = ["Budget", "Outcome", "SolverSpec", "SOLVERS", "MODEL_PEERS", "ModelPeer", "solver_names", "get_solver",
           "missing_requirements", "run_solver"]

# peers that sample in calls of fixed length get a first call of this many sweeps to measure their speed
CALIBRATION_SWEEPS = 100
# the largest max-cut instance networkx's one_exchange (which takes no time limit) is run on
ONE_EXCHANGE_MAX_N = 300
#: the largest TSP networkx's Christofides (no time limit; its matching grows about as n^3.5) is run on:
#: 0.07 s at 100 cities, 1.9 s at 300, 5.4 s at 400 and 14 s on pr1002 here
CHRISTOFIDES_MAX_N = 300
# calibration calls grow tenfold until one takes this share of the time limit
CALIBRATION_SHARE = 0.05
# at most this many sampling calls per run (calibration and filling together)
MAXIMUM_PEER_CALLS = 30
# never ask a peer for more than this many sweeps per read, whatever the calibration says
MAXIMUM_PEER_SWEEPS = 1_000_000
# nor more than this many times the sweeps of its longest call so far
GROWTH = 10
# tabu's share of what is left of the run's time after converting the BQM (the rest: reading the samples back)
TABU_SHARE = 0.9
# simulated bifurcation: agents per call (the library's default 128 leaves too few steps per call in a run of a
# second on 2 cores), steps per call (the default pressure ramp ends at step 1000), the first call's steps, and
# the share of a shortened call that the pressure ramp takes
SB_AGENTS = 16
SB_STEPS = 1250
SB_CALIBRATION_STEPS = 20
SB_RAMP_SHARE = 0.8
SB_DEFAULT_SLOPE = 0.01
# cim-optimizer: roundtrips per run (its default) and the first call's roundtrips
CIM_STEPS = 1000
CIM_CALIBRATION_STEPS = 50


@dataclass(frozen=True)
class SolverSpec:
    """A named solver for one problem type.

    Attributes
    ----------
    name, problem : str
        The solver's name in suites and ``--solvers`` and the problem type it solves.
    kind : {"hopopt", "exact", "peer"}
    requires : tuple of str
        Modules that must import for it to run (peers); a missing one means "not installed".
    deterministic : bool
        True when seeds do not matter: suites run it once per instance.
    run : callable
        ``run(problem, budget) -> Outcome``.
    description : str
    max_n : int or None
        Largest instance it is run on. Set for peers that take no time limit and whose run time explodes
        with size, so that a compare or suite cannot hang on them; larger instances give a "skipped" row.

    Examples
    --------
    >>> from hopopt import MaxCut
    >>> from hopopt.bench import Budget, get_solver
    >>> spec = get_solver("maxcut", "hopopt-descent")
    >>> spec.name, spec.problem, spec.kind
    ('hopopt-descent', 'maxcut', 'hopopt')
    >>> problem = MaxCut.from_edges(3, [(0, 1), (1, 2)])
    >>> outcome = spec.run(problem, Budget(time_limit=1.0, seed=0))
    >>> problem.evaluate(outcome.solution).feasible
    True
    """

    name: str
    problem: str
    kind: str
    requires: tuple
    deterministic: bool
    run: Callable
    description: str
    max_n: int | None = None


# ---------------------------------------------------------------------------------------------- hopopt
def _hopopt(solver):
    """hopopt's ``solve`` with one of its solvers (the kind's own search where it has one, e.g. coloring)."""
    def run(problem, budget):
        from ..api import solve

        answer = solve(problem, solver, time_limit=budget.time_limit, rng=budget.seed, restarts=budget.restarts,
                       sweeps=budget.sweeps)
        extra = {key: value for key, value in answer.info.items() if key in ("sweeps", "restarts", "moves",
                                                                                "penalty", "colors")}
        if "history" in answer.info:
            extra["colors_tried"] = [int(entry[0]) for entry in answer.info["history"]]
        return Outcome(answer.solution, extra)
    return run


def _exact(problem, budget):
    """The kind's exact method (brute force / MILP, Held–Karp / TSP MILP, DSATUR B&B, QAP B&B)."""
    from ..api import solve_exact

    answer = solve_exact(problem, time_limit=budget.time_limit)
    return Outcome(answer.solution, {"optimal": bool(answer.optimal), "bound": answer.bound,
                                     "method": answer.info["method"], "message": answer.info["message"],
                                     "time_s": float(answer.time_s)})




# ---------------------------------------------------------------------------------------------- samplers
def _fill_time_limit(sample, budget):
    """Call ``sample(num_sweeps)`` so that all calls together take about ``budget.time_limit`` seconds.

    With ``budget.sweeps`` it is one call of that many sweeps. Otherwise calls of 100, 1000, 10⁴, … sweeps
    measure the sampler's speed on this instance, growing until one takes 5 % of the limit; then calls sized
    from a model ``seconds = overhead + sweeps × per-sweep`` (fitted to the last two calls of different
    sizes, see :func:`_sweeps_that_fit`) fill the rest, re-measuring after each. Peers take sweep counts, not
    time limits, and some pay a large fixed cost per call (dwave-samplers converts the BQM each time: 0.4 s
    for dimod's TSP QUBO of berlin52), so neither the first call nor the overhead may be taken for the speed.
    No call asks for more than :data:`GROWTH` times the sweeps of the longest before it, so that a misfit on
    noisy timings costs one call of bounded length, not an overrun of the limit. The reads of every call count. Returns the sample sets and the total sweeps per read over all calls.
    """
    if budget.sweeps is not None:
        return [sample(budget.sweeps)], budget.sweeps
    limit = budget.time_limit
    start = time.perf_counter()
    samplesets, total, sweeps, history, calibrating = [], 0, CALIBRATION_SWEEPS, [], True
    for _ in range(MAXIMUM_PEER_CALLS):
        remaining = limit - (time.perf_counter() - start)
        if not calibrating:
            if remaining < CALIBRATION_SHARE * limit:
                break
            # at most tenfold the longest call so far: a fit through two noisy timings (a machine shared with
            # others) can put the slope near zero and ask for minutes (openjij on 200 spins: 8 s for 0.1 s)
            sweeps = min(_sweeps_that_fit(history, remaining), GROWTH * max(entry[0] for entry in history))
            if sweeps < CALIBRATION_SWEEPS:
                break
        call_start = time.perf_counter()
        samplesets.append(sample(sweeps))
        total += sweeps
        took = time.perf_counter() - call_start
        history.append((sweeps, took))
        remaining = limit - (time.perf_counter() - start)
        # calibrate until a call is long enough that the fixed overhead no longer dominates, or a tenfold
        # call would overrun what is left
        if calibrating and (took >= CALIBRATION_SHARE * limit or 10 * took >= remaining):
            calibrating = False
        elif calibrating:
            sweeps *= 10
        if remaining <= 0 or sweeps >= MAXIMUM_PEER_SWEEPS:
            break
    return samplesets, total


def _sweeps_that_fit(history, seconds):
    """Sweeps that one more call can run in ``seconds``, from the (sweeps, seconds) of earlier calls.

    With two calls of different sizes: ``seconds = overhead + sweeps × per_sweep`` through the last two
    (overhead at least 0). With one, or when noise makes the slope useless, the whole time of the last call is
    charged to its sweeps, which can only underestimate: the next call then measures again.

    Examples
    --------
    >>> from hopopt.bench.runners import _sweeps_that_fit
    >>> _sweeps_that_fit([(100, 0.45), (344, 0.57)], 1.0)  # 0.4 s overhead, 0.5 ms per sweep
    1218
    >>> _sweeps_that_fit([(100, 0.5)], 1.0)
    200
    """
    last_sweeps, last_seconds = history[-1]
    per_sweep = max(last_seconds, 1e-9) / last_sweeps
    overhead = 0.0
    earlier = [entry for entry in history[:-1] if entry[0] != last_sweeps]
    if earlier:
        other_sweeps, other_seconds = earlier[-1]
        slope = (last_seconds - other_seconds) / (last_sweeps - other_sweeps)
        if slope > 0:
            per_sweep = slope
            overhead = max(0.0, last_seconds - slope * last_sweeps)
    return int(min(MAXIMUM_PEER_SWEEPS, max(0.0, seconds - overhead) / per_sweep))


def _dwave_sampler():
    from dwave.samplers import SimulatedAnnealingSampler

    def sample(bqm, reads, sweeps, seed):
        return SimulatedAnnealingSampler().sample(bqm, num_reads=reads, num_sweeps=sweeps, seed=seed)
    return sample


def _openjij_sampler():
    import openjij

    def sample(bqm, reads, sweeps, seed):
        # openjij's seed is a 32-bit integer
        return openjij.SASampler().sample(bqm, num_reads=reads, num_sweeps=sweeps, seed=seed % (2 ** 32))
    return sample


def _openjij_sqa_sampler():
    import openjij

    def sample(bqm, reads, sweeps, seed):
        # openjij's defaults (4 Trotter slices, β = 5, Γ from 1 down); its seed is a 32-bit integer
        return openjij.SQASampler().sample(bqm, num_reads=reads, num_sweeps=sweeps, seed=seed % (2 ** 32))
    return sample


def _tabu_model(model, budget):
    """dwave-samplers' TabuSampler: one read given the whole run's time as its ``timeout`` (tabu restarts
    itself inside a read, so one read on one core is its natural run); the BQM conversion is paid first and
    only :data:`TABU_SHARE` of what is left goes to the search, so the run ends within its limit. Tabu takes a
    time, not sweeps: ``budget.sweeps`` does not apply."""
    from dwave.samplers import TabuSampler

    start = time.perf_counter()
    bqm = model.to_bqm()
    remaining = budget.time_limit - (time.perf_counter() - start)
    timeout_ms = max(1, int(1000 * TABU_SHARE * remaining))
    # the seed of dimod's initial states is a 32-bit integer
    sampleset = TabuSampler().sample(bqm, num_reads=1, timeout=timeout_ms, seed=budget.seed % (2 ** 32))
    return _sample_rows([sampleset], range(model.n)), {"reads": 1, "timeout_ms": timeout_ms}


def _fill_with_runs(run, budget, full_steps, calibration_steps):
    """Call ``run(steps, seconds_left)`` until the time limit is used: the peer's own run length or less.

    For peers whose quality depends on the length of one run (simulated bifurcation's pressure ramp, the CIM's
    roundtrips), so that the calls of :func:`_fill_time_limit`, which grow without bound, do not fit. A first
    call of ``calibration_steps`` measures the time per step; every later call runs ``full_steps`` or, when
    that no longer fits, the steps that fit in 90 % of what is left (timed by the overhead-and-slope model of
    :func:`_sweeps_that_fit`, re-fitted after each call). With ``budget.sweeps`` it is one call of that many
    steps. Every call's results count. Returns the results and the steps of each call.
    """
    if budget.sweeps is not None:
        return [run(budget.sweeps, budget.time_limit)], [budget.sweeps]
    limit = budget.time_limit
    start = time.perf_counter()
    results, history, steps = [], [], calibration_steps
    for _ in range(MAXIMUM_PEER_CALLS):
        call_start = time.perf_counter()
        results.append(run(steps, limit - (call_start - start)))
        history.append((steps, time.perf_counter() - call_start))
        remaining = limit - (time.perf_counter() - start)
        if remaining < CALIBRATION_SHARE * limit:
            break
        steps = min(full_steps, _sweeps_that_fit(history, 0.9 * remaining),
                    GROWTH * max(entry[0] for entry in history))
        if steps < calibration_steps:
            break
    return results, [entry[0] for entry in history]


@contextlib.contextmanager
def _torch_run(torch, seed):
    """A torch peer's run: a forked generator seeded with ``seed`` (the global one is left as it was) and as many
    torch threads as numba has for this run (``run_solver``'s ``threads``), both restored after.

    The same thread count for every solver of a run; and torch's default, all cores, spin-waits badly when the
    machine is shared (a 20-step SB call at n = 128 took 0.2 s on 2 threads under load against 10 ms on one).
    """
    import numba

    previous = torch.get_num_threads()
    torch.set_num_threads(numba.get_num_threads())
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(int(seed))
            yield
    finally:
        torch.set_num_threads(previous)


def _simulated_bifurcation(mode, heated=False):
    """simulated-bifurcation (torch, CPU) on the model: ``mode`` "ballistic" or "discrete".

    The model's spin form goes to the library's own Ising core, ``simulated_bifurcation.core.Ising(J=W, h=θ)``,
    whose energy ``-1/2 sᵀJs + hᵀs`` is hopopt's, built once per run: its public ``minimize`` converts the
    polynomial again at every call (45 ms at n = 64 here, more than a short run). Each call runs
    :data:`SB_AGENTS` agents for :data:`SB_STEPS` steps (its pressure ramp ends at step 1000 with the library's
    defaults; 250 more settle the positions) without its early stopping, whose 2500-step convergence window
    would not fit short runs; calls repeat to fill the time limit (see :func:`_fill_with_runs`). When less than
    a full call fits, the pressure slope is raised so that the ramp still ends at 80 % of the steps (the
    library's environment is reset after the run). The seed seeds a forked torch generator (see
    :func:`_torch_run`).
    """
    def sample_model(model, budget):
        import simulated_bifurcation as sb
        import torch
        from simulated_bifurcation.core import Ising

        from ..solvers._common import to_model_vartype

        spin_model = model.to_spin()
        ising = Ising(torch.tensor(spin_model.dense_weights(), dtype=torch.float32),
                      torch.tensor(np.asarray(spin_model.thresholds), dtype=torch.float32))
        agents = budget.reads if budget.sweeps is not None else SB_AGENTS

        def run(steps, seconds_left):
            # the library's time step is 0.1: a slope of 1/(0.1 × ramp steps) reaches pressure 1 at the ramp's end
            sb.set_env(pressure_slope=max(SB_DEFAULT_SLOPE, 1.0 / (0.1 * SB_RAMP_SHARE * steps)))
            spins = ising.minimize(agents=agents, max_steps=int(steps), mode=mode, heated=heated, verbose=False,
                                   early_stopping=False, timeout=max(seconds_left, 1e-3))
            return spins.cpu().numpy().T  # the library's columns are agents

        with _torch_run(torch, budget.seed):
            try:
                results, steps = _fill_with_runs(run, budget, SB_STEPS, SB_CALIBRATION_STEPS)
            finally:
                sb.reset_env()
        spins = np.rint(np.concatenate(results)).astype(np.int8)
        return to_model_vartype(model, spins), {"agents": agents, "steps": steps, "calls": len(steps)}
    return sample_model


def _cim_model(model, budget):
    """cim-optimizer's coherent Ising machine (McMahon lab; torch, CPU): chaotic amplitude control (CAC) on a
    model without thresholds, its AHC with external field otherwise, with the package's default
    hyperparameters and no tuning (its random tuning draws from numpy's global generator).

    Calls of ``budget.reads`` parallel runs of :data:`CIM_STEPS` roundtrips (its default) repeat to fill the
    time limit (:func:`_fill_with_runs`); each run's best state counts. The seed seeds a forked torch
    generator (see :func:`_torch_run`). Its couplings are hopopt's spin W and its fields -θ (it minimises
    -1/2 sᵀJs - hᵀs).
    """
    import io

    import torch
    from cim_optimizer.solve_Ising import Ising

    from ..solvers._common import to_model_vartype

    spin_model = model.to_spin()
    # a writable copy: torch.from_numpy warns on read-only arrays
    couplings = np.array(spin_model.dense_weights(), dtype=np.float64)
    fields = -np.asarray(spin_model.thresholds, dtype=np.float64)
    reads = budget.reads

    def run(steps, seconds_left):
        # it prints which field case it detected whatever suppress_statements says
        with contextlib.redirect_stdout(io.StringIO()):
            solver = Ising(couplings, fields).solve(
                num_runs=reads, num_parallel_runs=reads, num_timesteps_per_run=int(steps),
                hyperparameters_randomtune=False, suppress_statements=True,
                return_spin_trajectories_all_runs=False, use_CAC=True)
        return np.asarray(solver.result.spin_config_all_runs).reshape(-1, model.n)

    with _torch_run(torch, budget.seed):
        results, steps = _fill_with_runs(run, budget, CIM_STEPS, CIM_CALIBRATION_STEPS)
    spins = np.rint(np.concatenate(results)).astype(np.int8)
    return to_model_vartype(model, spins), {"reads": reads, "steps": steps, "calls": len(steps)}


def _sample_rows(samplesets, variables):
    """All reads of the sample sets as one array, columns in the order of ``variables``."""
    rows = []
    for sampleset in samplesets:
        columns = {label: index for index, label in enumerate(sampleset.variables)}
        rows.append(np.asarray(sampleset.record.sample)[:, [columns[label] for label in variables]])
    return np.concatenate(rows)


def _model_sampler(make_sampler):
    """``sample_model(model, budget) -> (states, extra)`` for a sweep-based dimod sampler on ``model.to_bqm()``,
    its calls filling the time limit (:func:`_fill_time_limit`)."""
    def sample_model(model, budget):
        sample = make_sampler()
        bqm = model.to_bqm()
        samplesets, sweeps = _fill_time_limit(lambda count: sample(bqm, budget.reads, count, budget.seed), budget)
        return _sample_rows(samplesets, range(model.n)), {"sweeps": sweeps, "reads": budget.reads,
                                                          "calls": len(samplesets)}
    return sample_model


def _on_problem(sample_model):
    """A model-level peer ``sample_model(model, budget) -> (states, extra)`` as a bench solver: it samples
    hopopt's own encoding of the problem (the same energy, another solver) and the lowest-energy state, by
    hopopt's own energy, is decoded."""
    def run(problem, budget):
        model = problem.to_model()
        states, extra = sample_model(model, budget)
        energies = model.energies(states)
        return Outcome(problem.decode(states[int(np.argmin(energies))]), extra)
    return run


def _sampler_on_model(make_sampler):
    """A peer annealer on hopopt's own encoding (``model.to_bqm()``): the same energy, another sampler."""
    return _on_problem(_model_sampler(make_sampler))


def _sampler_on_dimod_tsp(make_sampler):
    """dimod's own TSP QUBO (``dimod.generators.traveling_salesperson``, its default Lagrange multiplier).

    A read is a tour only when its n×n matrix is a permutation; the shortest such read is the answer, and a
    run with none is infeasible. No repair: this is the peer as its users run it.
    """
    def run(problem, budget):
        from dimod.generators import traveling_salesperson

        sample = make_sampler()
        bqm = traveling_salesperson(_complete_graph(problem))
        n = problem.n
        variables = [(city, position) for city in range(n) for position in range(n)]
        samplesets, sweeps = _fill_time_limit(lambda count: sample(bqm, budget.reads, count, budget.seed), budget)
        matrices = _sample_rows(samplesets, variables).reshape(-1, n, n)  # (read, city, position)
        valid = np.all(matrices.sum(axis=1) == 1, axis=1) & np.all(matrices.sum(axis=2) == 1, axis=1)
        extra = {"sweeps": sweeps, "reads": int(matrices.shape[0]), "valid_reads": int(valid.sum())}
        if not valid.any():
            return Outcome(None, extra)
        tours = [np.argmax(matrix, axis=0) for matrix in matrices[valid]]
        return Outcome(min(tours, key=problem.tour_length), extra)
    return run


def _sampler_fewest_colors(make_sampler):
    """DSATUR's coloring, then k-1, k-2, … colours on hopopt's one-hot model with the peer sampler.

    Each k gets all the remaining time, filled by calibrated sampling calls as for every peer (or one call of
    ``budget.sweeps``), from the sampler's own random starts; the lowest-energy read is repaired without adding
    colours, and the search stops at the first k it cannot colour, at the clique bound, or when the time is up.
    """
    def run(problem, budget):
        sample = make_sampler()
        start = time.perf_counter()
        graph = problem.to_networkx()
        best = _dsatur(graph, problem.n)
        lower = problem.clique_bound()
        tried = []
        while int(best.max()) + 1 > lower:
            remaining = budget.time_limit - (time.perf_counter() - start)
            if remaining <= 0:
                break
            colors = int(best.max())
            tried.append(colors)
            candidate = problem.with_colors(colors)
            model = candidate.to_model()
            bqm = model.to_bqm()
            share = Budget(time_limit=remaining, seed=budget.seed, sweeps=budget.sweeps, restarts=budget.restarts)
            samplesets, _ = _fill_time_limit(lambda count: sample(bqm, budget.reads, count, budget.seed), share)
            states = _sample_rows(samplesets, range(model.n))
            state = states[int(np.argmin(model.energies(states)))]
            coloring = candidate.decode(state, add_colors=False)
            if not candidate.evaluate(coloring).feasible:
                break
            best = np.asarray(coloring)
        return Outcome(best, {"colors_tried": tried, "reads": budget.reads})
    return run


# ---------------------------------------------------------------------------------------------- networkx
def _complete_graph(problem):
    """The TSP's cities as a complete networkx graph with the distances as edge weights."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(range(problem.n))
    rows, cols = np.triu_indices(problem.n, k=1)
    graph.add_weighted_edges_from(zip(rows.tolist(), cols.tolist(), problem.distances[rows, cols].tolist()))
    return graph


def _dsatur(graph, n):
    import networkx as nx

    colours = nx.greedy_color(graph, strategy="saturation_largest_first")
    return np.array([colours[node] for node in range(n)], dtype=np.int64)


def _networkx_dsatur(problem, budget):
    return Outcome(_dsatur(problem.to_networkx(), problem.n))


def _networkx_one_exchange(problem, budget):
    from networkx.algorithms.approximation import one_exchange

    _, (side, _) = one_exchange(problem.to_networkx(), weight="weight", seed=budget.seed)
    sides = np.zeros(problem.n, dtype=np.int8)
    sides[list(side)] = 1
    return Outcome(sides)


def _networkx_tsp(method):
    def run(problem, budget):
        from networkx.algorithms import approximation

        graph = _complete_graph(problem)
        if method == "simulated_annealing_tsp":
            cycle = approximation.simulated_annealing_tsp(graph, "greedy", seed=budget.seed)
        else:
            cycle = getattr(approximation, method)(graph)
        return Outcome(np.asarray(cycle[:-1]))
    return run


# ---------------------------------------------------------------------------------------------- registry
_DIMOD_DWAVE = ("dimod", "dwave.samplers")
_OPENJIJ = ("dimod", "openjij")
_SIMULATED_BIFURCATION = ("torch", "simulated_bifurcation")
_CIM = ("torch", "cim_optimizer")


@dataclass(frozen=True)
class ModelPeer:
    """A peer that samples a bare EnergyModel: ``sample_model(model, budget) -> (states, extra)``, states in
    the model's vartype (one row per read, agent or run), ``extra`` a dict for the run record.

    Attributes
    ----------
    sample_model : callable
        ``sample_model(model, budget) -> (states, extra)``, as above.
    description : str
        What the peer is, for listings and reports.
    requires : tuple of str
        Modules that must import for it to run; a missing one means "not installed".

    Examples
    --------
    >>> from hopopt.bench.runners import MODEL_PEERS
    >>> peer = MODEL_PEERS["dwave-sa"]
    >>> peer.description, peer.requires
    ('dwave-samplers SimulatedAnnealingSampler', ('dimod', 'dwave.samplers'))
    """

    sample_model: Callable
    description: str
    requires: tuple


_MODEL_PEERS_EXTRA = {
    "sb-ballistic": ModelPeer(_simulated_bifurcation("ballistic"),
                              "simulated-bifurcation ballistic SB (torch CPU), agents and steps filling the time",
                              _SIMULATED_BIFURCATION),
    "sb-discrete": ModelPeer(_simulated_bifurcation("discrete"),
                             "simulated-bifurcation discrete SB (torch CPU), agents and steps filling the time",
                             _SIMULATED_BIFURCATION),
    "cim-optimizer": ModelPeer(_cim_model, "cim-optimizer coherent Ising machine, CAC (torch CPU), default "
                                           "hyperparameters", _CIM),
}

#: every peer that runs on a bare EnergyModel, by name (the max-cut rows of the same names run these)
MODEL_PEERS: dict[str, ModelPeer] = {
    "dwave-sa": ModelPeer(_model_sampler(_dwave_sampler), "dwave-samplers SimulatedAnnealingSampler",
                          _DIMOD_DWAVE),
    "dwave-tabu": ModelPeer(_tabu_model, "dwave-samplers TabuSampler, one read with the run's time",
                            _DIMOD_DWAVE),
    "openjij-sa": ModelPeer(_model_sampler(_openjij_sampler), "openjij SASampler", _OPENJIJ),
    "openjij-sqa": ModelPeer(_model_sampler(_openjij_sqa_sampler), "openjij SQASampler", _OPENJIJ),
    **_MODEL_PEERS_EXTRA,
}

#: the benchmark's solvers: problem name -> solver name -> :class:`SolverSpec` (filled below, at import)
SOLVERS: dict[str, dict[str, SolverSpec]] = {}


def _register(problem, name, kind, run, description, requires=(), deterministic=False, max_n=None):
    SOLVERS.setdefault(problem, {})[name] = SolverSpec(name, problem, kind, tuple(requires), deterministic, run,
                                                       description, max_n)


for _kind in KINDS.values():
    for _solver in solvers_of(_kind):
        _register(_kind.name, f"hopopt-{_solver}", "hopopt", _hopopt(_solver), SOLVER_DESCRIPTIONS[_solver])
    _register(_kind.name, "exact", "exact", _exact, "the kind's exact method with a proven bound",
              deterministic=True)
    for _name, _peer in _kind.peers.items():
        _register(_kind.name, _name, "peer", _peer.run, _peer.description, _peer.requires, _peer.deterministic,
                  _peer.max_n)

# peers written for the first three kinds (adapters of samplers and networkx, above)
_register("maxcut", "dwave-sa", "peer", _sampler_on_model(_dwave_sampler),
          "dwave-samplers SimulatedAnnealingSampler on hopopt's BQM", _DIMOD_DWAVE)
_register("maxcut", "openjij-sa", "peer", _sampler_on_model(_openjij_sampler),
          "openjij SASampler on hopopt's BQM", _OPENJIJ)
_register("maxcut", "dwave-tabu", "peer", _on_problem(_tabu_model),
          "dwave-samplers TabuSampler on hopopt's BQM, one read with the run's time as its timeout", _DIMOD_DWAVE)
_register("maxcut", "openjij-sqa", "peer", _sampler_on_model(_openjij_sqa_sampler),
          "openjij SQASampler (simulated quantum annealing, its defaults) on hopopt's BQM", _OPENJIJ)
for _name, _sample in _MODEL_PEERS_EXTRA.items():
    _register("maxcut", _name, "peer", _on_problem(_sample.sample_model), _sample.description, _sample.requires)
# the QUBO and Ising kinds (their own peers, dwave-sa and dwave-tabu, come from their kind module) get the other
# model peers here, registered rather than listed in the kind so that compare's default rows stay as they were
for _kind_name in ("qubo", "ising"):
    for _name in ("openjij-sa", "openjij-sqa", "sb-ballistic", "sb-discrete", "cim-optimizer"):
        if _kind_name in SOLVERS and _name not in SOLVERS[_kind_name]:
            _register(_kind_name, _name, "peer", _on_problem(MODEL_PEERS[_name].sample_model),
                      MODEL_PEERS[_name].description + " on the model", MODEL_PEERS[_name].requires)
# one_exchange has no time limit and grows about as n^3.3 here: 0.4 s at n = 100, 10 s at n = 300, over 5 minutes
# on G1 (n = 800)
_register("maxcut", "networkx-one-exchange", "peer", _networkx_one_exchange,
          "networkx approximation.one_exchange local search", max_n=ONE_EXCHANGE_MAX_N)

_register("tsp", "dimod-tsp-dwave-sa", "peer", _sampler_on_dimod_tsp(_dwave_sampler),
          "dimod traveling_salesperson QUBO + dwave-samplers SA", _DIMOD_DWAVE)
_register("tsp", "dimod-tsp-openjij-sa", "peer", _sampler_on_dimod_tsp(_openjij_sampler),
          "dimod traveling_salesperson QUBO + openjij SASampler", _OPENJIJ)
_register("tsp", "networkx-sa-tsp", "peer", _networkx_tsp("simulated_annealing_tsp"),
          "networkx simulated_annealing_tsp from the greedy tour")
_register("tsp", "networkx-christofides", "peer", _networkx_tsp("christofides"),
          "networkx Christofides 1.5-approximation", deterministic=True, max_n=CHRISTOFIDES_MAX_N)
_register("tsp", "networkx-greedy-tsp", "peer", _networkx_tsp("greedy_tsp"), "networkx greedy tour",
          deterministic=True)

_register("coloring", "dwave-sa", "peer", _sampler_fewest_colors(_dwave_sampler),
          "fewer colours by dwave-samplers SA on hopopt's one-hot BQM", _DIMOD_DWAVE)
_register("coloring", "openjij-sa", "peer", _sampler_fewest_colors(_openjij_sampler),
          "fewer colours by openjij SASampler on hopopt's one-hot BQM", _OPENJIJ)
_register("coloring", "networkx-dsatur", "peer", _networkx_dsatur, "networkx greedy_color DSATUR",
          deterministic=True)

#: what ``hopopt compare`` runs when ``--solvers`` is not given
DEFAULT_COMPARE = {
    "maxcut": ("hopopt-temper", "hopopt-anneal", "hopopt-dsb", "hopopt-descent", "exact", "dwave-sa", "dwave-tabu",
               "openjij-sa", "networkx-one-exchange"),
    "tsp": ("hopopt-anneal", "hopopt-penalty", "exact", "dimod-tsp-dwave-sa", "dimod-tsp-openjij-sa",
            "networkx-sa-tsp", "networkx-christofides"),
    "coloring": ("hopopt-anneal", "exact", "dwave-sa", "openjij-sa", "networkx-dsatur"),
}
# a kind without an entry above runs hopopt's default solver, the exact method and all its peers
for _kind in KINDS.values():
    DEFAULT_COMPARE.setdefault(_kind.name, (f"hopopt-{_kind.solvers[0]}", "exact", *_kind.peers))


def solver_names(problem=None):
    """The solver names for one problem type, or a mapping problem -> names.

    Parameters
    ----------
    problem : str, optional
        A problem type of the bench (``"maxcut"``, ``"coloring"``, ...); None for every type.

    Returns
    -------
    tuple of str or dict of str to tuple of str
        The solver names of ``problem`` in the registry's order, or every problem type's.

    Examples
    --------
    >>> from hopopt.bench.runners import solver_names
    >>> solver_names("coloring")
    ('hopopt-anneal', 'exact', 'dwave-sa', 'openjij-sa', 'networkx-dsatur')
    """
    if problem is None:
        return {name: tuple(solvers) for name, solvers in SOLVERS.items()}
    return tuple(SOLVERS[problem])


def get_solver(problem, name) -> SolverSpec:
    """The solver ``name`` for ``problem``; an unknown name is an InputError listing the known ones.

    Parameters
    ----------
    problem : str
        The problem type (``maxcut``, ``tsp``, ...).
    name : str
        The solver's name in suites and ``--solvers``.

    Returns
    -------
    SolverSpec

    Examples
    --------
    >>> from hopopt.bench import get_solver
    >>> spec = get_solver("maxcut", "exact")
    >>> spec.kind, spec.deterministic
    ('exact', True)
    >>> get_solver("maxcut", "no-such-solver")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    hopopt.errors.InputError: unknown solver 'no-such-solver' for maxcut; choose from hopopt-temper, ...
    """
    from ..errors import InputError

    if problem not in SOLVERS:
        raise InputError(f"unknown problem {problem!r}; choose from {', '.join(SOLVERS)}")
    if name not in SOLVERS[problem]:
        raise InputError(f"unknown solver {name!r} for {problem}; choose from {', '.join(SOLVERS[problem])}")
    return SOLVERS[problem][name]


def missing_requirements(spec: SolverSpec) -> str | None:
    """Why a solver cannot run here ("not installed (No module named 'openjij')"), or None when it can.

    Parameters
    ----------
    spec : SolverSpec
        The solver; its ``requires`` names the modules it imports.

    Returns
    -------
    str or None
        The reason, naming the first module that fails to import; None when every one imports.

    Examples
    --------
    >>> from hopopt.bench.runners import get_solver, missing_requirements
    >>> missing_requirements(get_solver("maxcut", "hopopt-anneal")) is None
    True
    """
    import importlib

    for module in spec.requires:
        try:
            importlib.import_module(module)
        except ImportError as error:
            return f"not installed ({error})"
    return None


def _energy_per_objective(problem):
    """|dE/d objective| for problems whose energy is affine in the objective (max-cut, TSP), else None."""
    convert = getattr(problem, "objective_from_energy", None)
    if convert is None:
        return None
    slope = convert(1.0) - convert(0.0)
    return None if slope == 0 else float(1.0 / abs(slope))


def run_solver(problem_name, problem, label, solver, budget, *, threads=None, block=""):
    """Run one solver once and return its run record (see :mod:`hopopt.bench.statistics`).

    The record has the objective and feasibility of the decoded solution as the problem itself evaluates it,
    the wall time of the whole call, and ``status`` "ok", "not installed", "skipped" (an instance above the
    solver's ``max_n``) or "failed" (an exception inside a solver is reported, not raised, so one failing peer
    does not stop a suite). Targets and gaps are filled
    in later, once every run of the instance is known.

    Parameters
    ----------
    problem_name : str
    problem : a problem object (MaxCut, TSP, GraphColoring)
    label : str
        The instance's label in reports.
    solver : str
    budget : Budget
    threads : int, optional
        numba threads for this run (the benchmark workers use 1, so run times do not depend on how many
        runs share the machine).
    block : str
        The suite block the run belongs to.

    Examples
    --------
    >>> from hopopt.bench.runners import Budget, run_solver
    >>> from hopopt.problems import MaxCut
    >>> record = run_solver("maxcut", MaxCut.random(8, 0.5, rng=1), "tiny", "exact", Budget(time_limit=5))
    >>> record["status"], record["feasible"], record["optimal"]
    ('ok', True, True)
    """
    from ..solvers import warm_up
    from ..solvers._common import numba_threads
    from ..solvers.exact_qap import warm_up_qap

    spec = get_solver(problem_name, solver)
    record = {"block": block, "problem": problem_name, "instance": label, "n": int(problem.n), "solver": solver,
              "kind": spec.kind, "seed": None if spec.deterministic else int(budget.seed),
              "deterministic": spec.deterministic, "status": "ok",
              "note": "", "objective": None, "feasible": None, "time_s": None, "sense": problem.sense,
              "target": None, "gap": None, "energy_per_objective": _energy_per_objective(problem),
              "time_limit": float(budget.time_limit)}
    missing = missing_requirements(spec)
    if missing is not None:
        record.update(status="not installed", note=missing)
        return record
    if spec.max_n is not None and problem.n > spec.max_n:
        record.update(status="skipped", note=f"skipped: n = {problem.n} is above {spec.max_n}, the largest size "
                                             f"this solver (which takes no time limit) is run on")
        return record
    # compile once, outside the timed call (the QAP branch and bound's kernels are not among warm_up's sets)
    warm_up()
    warm_up_qap()
    try:
        with numba_threads(threads):
            start = time.perf_counter()
            outcome = spec.run(problem, budget)
            elapsed = time.perf_counter() - start
    except Exception as error:  # noqa: BLE001 - a failing solver is a result to report, not a crash
        record.update(status="failed", note=f"{type(error).__name__}: {error}")
        return record
    record["time_s"] = float(elapsed)
    # the exact methods' own clock (without the encoding) is kept beside the wall time, not over it
    extra = {("solver_time_s" if key == "time_s" else key): _plain(value) for key, value in outcome.extra.items()}
    record.update(extra)
    if outcome.solution is None:
        record.update(feasible=False, note=record["note"] or "no feasible solution found")
        return record
    evaluation = problem.evaluate(np.asarray(outcome.solution))
    record.update(objective=float(evaluation.objective), feasible=bool(evaluation.feasible))
    if not math.isfinite(record["objective"]):
        record["objective"] = None
    return record


def _plain(value):
    """numpy scalars and arrays as Python numbers and lists, so records go straight to JSON."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value
