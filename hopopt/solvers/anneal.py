"""Simulated annealing of a Hopfield energy: single-spin Metropolis or Glauber sweeps, restarts in parallel."""

from __future__ import annotations

import time
from functools import partial

import numba
import numpy as np

from ..result import SolveResult, Status
from ..schedules import beta_schedule
from . import _kernels as kernels
from .. import control
from ._common import Clock, check_model, check_positive_int, check_time_limit, numba_threads, warm_up
from .moves import make_engine

__all__ = ["anneal"]

_ACCEPTANCE = {"metropolis": kernels.METROPOLIS, "glauber": kernels.GLAUBER}
# Target wall time of one kernel call; between calls the time limit and the callback are checked.
_CHUNK_SECONDS = 0.1
# Spin updates per second per thread assumed before the first call has been timed.
_ASSUMED_RATE = 3e7
_DEFAULT_SWEEPS = 1000
# With a time limit, schedules are not stretched past this many sweeps; more time buys more restarts.
_LONGEST_ANNEAL = 100_000


def anneal(model, *, n_sweeps=None, n_restarts=None, beta_range=None, schedule="geometric",
           acceptance="metropolis", moves="auto", initial_states=None, time_limit=None, callback=None,
           polish=True, rng=None, n_threads=None, target_energy=None) -> SolveResult:
    """Minimise a model's energy by simulated annealing.

    The moves are single spin flips, or, when the model's encoder declares its constraints, moves that stay
    inside the feasible set (one-hot reassignments, permutation moves; see :mod:`hopopt.solvers.moves`).

    Every restart runs its own copy of the β schedule from its own random start, on its own child of ``rng``
    (``rng.spawn``), in parallel over numba threads; local fields are updated incrementally at each flip and
    recomputed exactly every ~0.1 s. Each restart keeps its lowest end-of-sweep state, which is then polished
    by greedy zero-temperature descent.

    Parameters
    ----------
    model : EnergyModel
    n_sweeps : int, optional
        Sweeps per restart (one sweep = one update attempt per spin). Default 1000; with ``time_limit`` and no
        ``n_sweeps``, the schedule is stretched to fill the time limit (see Notes).
    n_restarts : int, optional
        Independent runs. Default: ``n_threads`` when given, else one per numba thread (the machine's cores).
    beta_range : (float, float), optional
        Hot and cold inverse temperature; default :func:`hopopt.schedules.default_beta_range`.
    schedule : {"geometric", "linear"} or array_like
        How β moves from hot to cold, or an explicit β per sweep (then ``n_sweeps`` is its length).
    acceptance : {"metropolis", "glauber"}
        Metropolis ``min(1, exp(-βΔE))`` or Glauber (heat bath) ``1 / (1 + exp(βΔE))``.
    moves : {"auto", "single-flip", "one-hot", "permutation", "constraint-preserving"}
        "auto" uses the most constraint-preserving move set the model declares (permutation, then one-hot,
        else single flips); "single-flip" keeps the pure penalty network; "constraint-preserving" insists on
        a declared structure.
    initial_states : array_like, optional
        Start state(s), shape (n,) or (n_restarts, n), in the model's vartype; random when omitted.
    time_limit : float, optional
        Wall-clock seconds; the best state found so far is returned when it runs out.
    callback : callable, optional
        ``callback(intermediate_result)`` is called between kernel calls with an ``OptimizeResult`` holding
        ``sweep``, ``beta``, ``best_energy``, ``best_state`` and ``energies``; raising ``StopIteration``
        ends the run early with the best state so far.
    polish : bool, default True
        Finish each restart with greedy zero-temperature descent.
    rng : None, int or numpy.random.Generator
        Seed; the same seed and ``n_restarts`` give the same result whatever the number of threads (without
        ``n_restarts`` the default count follows ``n_threads``).
    n_threads : int, optional
        numba threads for this call (default: all).
    target_energy : float, optional
        Stop (status ``TARGET_REACHED``) once a restart's best energy is at or below it, checked between
        kernel calls. Default: the ground energy the model declares (``metadata["ground_energy"]``, e.g. 0 for
        a solved puzzle), else none.

    Returns
    -------
    SolveResult

    Notes
    -----
    With ``time_limit`` and no ``n_sweeps`` the run is planned in rounds of ``n_restarts`` anneals: short
    complete schedules time the kernel, then the rest of the time goes to equal rounds of at most 100 000
    sweeps each, sized from the measured speed (a longer anneal beats a short one, but past about 10⁵ sweeps
    a fresh anneal helps more than a longer one). Each restart slot keeps its best state over the rounds;
    ``info["round_sweeps"]`` lists the rounds. Results then depend on the machine's speed, not only on
    ``rng``.

    Single flips use integer arithmetic when every coupling and threshold is a multiple of one unit
    (``info["arithmetic"] == "integer"``: integer drives, acceptance thresholds compared with raw random
    bits, and up to 8 restarts per thread swept side by side), real arithmetic otherwise. Both make the
    same decisions from the same random numbers (exactly when the unit is a power of two, e.g. integer
    weights; otherwise up to the last bit of β·ΔE), and the grouping of restarts and the number of threads
    change the speed only, never the result.

    Examples
    --------
    >>> from hopopt import EnergyModel
    >>> from hopopt.solvers import anneal
    >>> model = EnergyModel([[0, -1, -1], [-1, 0, -1], [-1, -1, 0]])  # an antiferromagnetic triangle
    >>> result = anneal(model, n_sweeps=50, n_restarts=4, rng=0)
    >>> result.best_energy
    -1.0
    """
    model = check_model(model)
    # a command's deadline (hopopt.control) shortens the limit; the clock below also stops at it without one
    time_limit = control.time_left(check_time_limit(time_limit))
    if acceptance not in _ACCEPTANCE:
        raise ValueError(f"acceptance must be 'metropolis' or 'glauber', got {acceptance!r}")
    explicit_betas = not isinstance(schedule, str)
    if explicit_betas:
        betas = np.array(schedule, dtype=np.float64).reshape(-1)
        if betas.size == 0 or not np.all(np.isfinite(betas)) or np.any(betas < 0):
            raise ValueError("schedule must be 'geometric', 'linear' or a non-empty array of finite β ≥ 0")
        if n_sweeps is not None and n_sweeps != betas.size:
            raise ValueError(f"n_sweeps ({n_sweeps}) must equal the length of the β array ({betas.size})")
        n_sweeps = betas.size
    elif schedule not in ("geometric", "linear"):
        raise ValueError(f"schedule must be 'geometric', 'linear' or an array of β, got {schedule!r}")
    if n_sweeps is not None:
        n_sweeps = check_positive_int("n_sweeps", n_sweeps)
    if n_restarts is None:
        n_restarts = numba.config.NUMBA_NUM_THREADS if n_threads is None else n_threads
    n_restarts = check_positive_int("n_restarts", n_restarts)
    engine = make_engine(model, moves, _ACCEPTANCE[acceptance])
    if beta_range is None:
        beta_range = engine.beta_range()
    if callback is not None and not callable(callback):
        raise TypeError("callback must be callable")
    generator = np.random.default_rng(rng)
    starts = None if initial_states is None else engine.user_states(initial_states, n_restarts)

    fill_time_limit = n_sweeps is None and time_limit is not None
    if explicit_betas:
        def segment(start, stop):
            return betas[start:stop]
    else:
        # produced piece by piece: a huge n_sweeps must not eat the time limit before the first sweep
        n_sweeps = n_sweeps or _DEFAULT_SWEEPS

        segment = partial(_segment, n_sweeps, beta_range, schedule)
    warm_up(*engine.kernel_sets)  # only the kernels this move set runs
    clock = Clock(time_limit)
    if target_energy is None:
        target_energy = model.metadata.get("ground_energy")
    runner = _Runner(engine, callback, clock, target_energy)
    with numba_threads(n_threads):
        if fill_time_limit:
            _fill_time_limit(runner, time_limit, beta_range, schedule, generator, n_restarts, starts)
        else:
            runner.round(segment, n_sweeps, generator, n_restarts, starts)
        if polish:
            runner.polish()
    solve_seconds = clock.elapsed()

    states = engine.to_model_states(runner.best_states)
    # energies recomputed from the model itself, not taken from the kernels' bookkeeping
    energies = model.energies(states)
    best = int(np.argmin(energies))
    return SolveResult(
        states=states,
        energies=energies,
        best_state=states[best],
        best_energy=energies[best],
        trace=runner.best_trace(best),
        betas=runner.last_betas,
        sweeps_done=runner.sweeps_done,
        status=runner.status,
        timings={"solve": solve_seconds, "total": solve_seconds},
        solver="anneal",
        info={"acceptance": acceptance, "moves": engine.name, "beta_range": tuple(float(b) for b in beta_range),
              "n_restarts": n_restarts, "round_sweeps": runner.rounds, "polished": bool(polish),
              "spin_updates": runner.spin_updates,
              # single flips: "integer" when the flip costs lie on a lattice (hopopt.solvers.moves.lattice_arrays)
              "arithmetic": getattr(engine, "arithmetic", "float")},
    )


def _segment(n_sweeps, beta_range, kind, start, stop):
    """Sweeps start..stop-1 of a geometric or linear schedule (the Runner asks for it piece by piece)."""
    return beta_schedule(n_sweeps, beta_range, kind, start=start, stop=stop)


def _fill_time_limit(runner, time_limit, beta_range, schedule, generator, restarts, starts):
    """Spend a time limit on annealing schedules as long as help, and on as many of them as fit.

    Complete short schedules (10, 20, 40, ... sweeps) are timed until one takes 2 % of the limit: the speed
    depends on the mix of hot and cold sweeps, so it must be measured on whole schedules. The rest of the
    time then goes to rounds of equal length, each at most ``_LONGEST_ANNEAL`` sweeps: past that, a longer
    anneal rarely finds a better state than a fresh one does (measured on Gset, see BENCHMARKS.md).
    """
    def timed_round(sweeps):
        tic = time.perf_counter()
        runner.round(partial(_segment, sweeps, beta_range, schedule), sweeps, generator, restarts, starts)
        return (time.perf_counter() - tic) / sweeps

    remaining = runner.clock.remaining

    sweeps = 10
    seconds_per_sweep = timed_round(sweeps)
    while seconds_per_sweep * sweeps < 0.02 * time_limit and runner.status == Status.COMPLETED:
        sweeps *= 2
        seconds_per_sweep = timed_round(sweeps)
    while runner.status == Status.COMPLETED and remaining() > 0.02 * time_limit:
        fitting = int(0.95 * remaining() / seconds_per_sweep)
        rounds = -(-fitting // _LONGEST_ANNEAL)  # ceiling: equal rounds of at most _LONGEST_ANNEAL sweeps
        if fitting < 10:
            return
        seconds_per_sweep = timed_round(fitting // rounds)


class _Runner:
    """Drives an engine's kernel in chunks of sweeps, checking the clock and the callback between chunks."""

    def __init__(self, engine, callback, clock, target=None):
        self.engine = engine
        # in the engine's energies (the model's minus its offset), with a rounding margin
        self.target = None if target is None else \
            float(target) - engine.energy_offset + 1e-9 * max(1.0, abs(float(target)))
        self.callback = callback
        self.clock = clock
        self.rate = None  # spin updates per second, measured on the latest chunk and kept across rounds
        self.status = Status.COMPLETED
        self.best_states = None
        self.best_energies = None
        self.traces = None
        self.last_betas = np.empty(0)
        self.sweeps_done = 0
        self.rounds = []  # sweeps run in each round
        self.spin_updates = 0

    def round(self, segment, total, generator, restarts, starts):
        """One annealing schedule of ``total`` sweeps on every restart, from fresh random starts (or given ones).

        ``segment(start, stop)`` returns the β of sweeps start..stop-1, so the schedule never has to exist
        whole in memory.
        """
        engine = self.engine
        work = engine.work_per_sweep
        children = generator.spawn(restarts)
        seeds = np.array([child.integers(0, 2**63, dtype=np.int64) for child in children], dtype=np.uint64)
        states = engine.random_states(children) if starts is None else starts.copy()
        states = np.ascontiguousarray(states, dtype=engine.dtype)
        energies = np.empty(restarts)
        round_best_states = states.copy()
        round_best = np.full(restarts, np.inf)
        traces, used_betas = [], []
        if self.rate is None:
            # a first chunk sized as if every proposal were accepted and updated all its neighbours (hot sweeps
            # accept most): on dense models the spin-update rate alone planned 1.5 s chunks under a 1 s deadline
            csr = getattr(engine, "csr", None)
            couplings = int(csr[0][-1]) if csr is not None else 0
            self.rate = _ASSUMED_RATE * numba.get_num_threads() * work / (work + couplings)
        rate = self.rate
        done = 0
        while done < total:
            if done and self.clock.out_of_time():
                self.status = self.clock.stop_status()
                break
            seconds = min(_CHUNK_SECONDS, self.clock.remaining())
            chunk = int(max(1, seconds * rate / (restarts * work)))
            chunk = min(chunk, total - done)
            betas = np.ascontiguousarray(segment(done, done + chunk), dtype=np.float64)
            trace = np.empty((restarts, chunk))
            tic = time.perf_counter()
            engine.run(betas, states, energies, round_best_states, round_best, seeds, trace)
            elapsed = time.perf_counter() - tic
            self.spin_updates += chunk * restarts * work
            rate = self.rate = max(chunk * restarts * work / max(elapsed, 1e-6), 1.0)
            done += chunk
            traces.append(trace)
            used_betas.append(betas)
            control.report(best=float(round_best.min()) + self.engine.energy_offset)
            if self.callback is not None and self._call_back(done, betas[-1], energies, round_best_states,
                                                             round_best):
                self.status = Status.CALLBACK_STOP
                break
            if self.target is not None and round_best.min() <= self.target:
                self.status = Status.TARGET_REACHED
                break
        if done == 0:
            return
        self.rounds.append(done)
        self._merge(round_best_states, round_best, np.concatenate(traces, axis=1), np.concatenate(used_betas))

    def _merge(self, states, energies, trace, betas):
        """Keep, per restart slot, the better of this round's state and the earlier rounds' one."""
        if self.best_states is None:
            self.best_states, self.best_energies = states.copy(), energies.copy()
        else:
            better = energies < self.best_energies
            self.best_states[better] = states[better]
            self.best_energies[better] = energies[better]
        # the trace and the β of the latest (longest) round are the ones reported
        self.traces = trace
        self.sweeps_done = betas.size
        self.last_betas = betas

    def _call_back(self, done, beta, energies, best_states, best_energies):
        best = int(np.argmin(best_energies))
        offset = self.engine.energy_offset
        # scipy.optimize (a third of a second to import) only when a callback asks for its record type
        from scipy.optimize import OptimizeResult

        intermediate = OptimizeResult(sweep=done, beta=float(beta),
                                      best_energy=float(best_energies[best] + offset),
                                      best_state=self.engine.to_model_states(best_states[best:best + 1])[0],
                                      energies=energies + offset)
        try:
            self.callback(intermediate)
        except StopIteration:
            return True
        return False

    def polish(self):
        if self.best_states is not None:
            self.engine.polish(self.best_states, self.best_energies)

    def best_trace(self, best):
        if self.traces is None:
            return np.empty(0)
        return self.traces[best]
