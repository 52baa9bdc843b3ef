"""Parallel tempering (replica exchange Monte Carlo) of a Hopfield energy, with Houdayer cluster moves."""

from __future__ import annotations

import time

import numba
import numpy as np

from .. import control
from ..result import SolveResult, Status
from ..schedules import default_beta_range
from . import _kernels as kernels
from . import _kernels_temper as temper_kernels
from ._common import (Clock, check_beta_range, check_model, check_positive_int, check_time_limit, numba_threads,
                      to_model_vartype)
from .moves import cost_lattice

__all__ = ["temper", "temper_beta_range"]

# Target wall time of one kernel call; between calls the clock, the callback and the target are checked.
_CHUNK_SECONDS = 0.1
# Spin updates plus coupling visits (the work of a sweep, see _Run.sweep_until) per second per thread assumed
# before the first call has been timed: low, so that the first chunk is short.
_ASSUMED_RATE = 3e7
# The same rate as measured on the slowest models (2 loaded cores: 1.2e8 to 3e9 per thread, from sparse to dense
# graphs; the first sweep of random:n=3000,p=0.5, 0.96 s, at 3.4e8): under a command's deadline a first sweep
# expected to take longer than the time left at this rate is not started.
_FIRST_SWEEP_RATE = 1.2e8
_DEFAULT_SWEEPS = 1000
# Acceptance tables per temperature are used only while they stay this small (memory per restart).
_MAX_TABLE = 4096
# Cluster moves are switched on by "auto" when W has at most this many non-zero entries per row on average
# (lattice-like graphs). On denser graphs, random ones of mean degree 5 included, the disagreeing sites
# percolate, a Houdayer move mostly swaps large parts of the two replicas, and the second ladder halves the
# sweeps: on a random graph of 3000 nodes and mean degree 5 (5 s runs) the best cut was lower with them.
_SPARSE_DEGREE = 4.0
# The ladder is adapted at the end of windows of sweeps that double in length from this one.
_FIRST_WINDOW = 50
# One adaptation changes a log-β gap by at most this factor (damping against noisy acceptance rates).
_MAX_GAP_FACTOR = 1.5
# Hot and cold end of the default ladder: β_hot · 2·rms(h_i) = _HOT_SCALE and β_cold · ΔE_min = _COLD_SCALE;
# replicas per unit of sqrt(n) · ln(β_cold / β_hot), and their bounds. Tuned on dev graphs only (G1, G11,
# G43, G48 and random graphs of 2000 and 3000 nodes, runs of 5-10 s on two loaded cores): a narrow ladder of
# few replicas, each sweeping often, found better cuts in that time than a wide one with high exchange rates.
_HOT_SCALE = 2.0
_COLD_SCALE = 4.0
_REPLICA_DENSITY = 0.15
_REPLICA_BOUNDS = (8, 48)


def temper_beta_range(model) -> tuple[float, float]:
    """The default ``(β_hot, β_cold)`` of parallel tempering's ladder on a model.

    Hot end: a flip against the root-mean-square local drive of a random state,
    ``r = sqrt(mean_i(Σ_j W_ij² + θ_i²))``, is accepted with probability ``exp(-2)`` (β_hot = 1 / r), about
    where a random graph's spins start to freeze: hot enough for the hottest replica to leave its valley,
    without the far hotter start of an annealing schedule (which accepts even ΔE_max half the time), since
    every e-fold of β the ladder spans costs replicas. Cold end: the smallest flip cost a coupling or
    threshold can make, ``ΔE_min = 2 min(|W_ij|, |θ_i| ≠ 0)``, is accepted with probability ``exp(-4)``;
    colder replicas would only sit in their valley, and the final greedy polish removes the excitations
    left. β_hot is at most half of β_cold, and neither end is colder than
    :func:`hopopt.schedules.default_beta_range`'s.

    Parameters
    ----------
    model : EnergyModel
        The model (spin or binary; its spin form is measured).

    Returns
    -------
    (float, float)
        β_hot and β_cold; a model without couplings or thresholds gets
        :func:`~hopopt.schedules.default_beta_range`'s.

    Examples
    --------
    >>> from hopopt import MaxCut
    >>> from hopopt.solvers.temper import temper_beta_range
    >>> hot, cold = temper_beta_range(MaxCut(4, [(0, 1), (1, 2), (2, 3), (3, 0)]).to_model())
    >>> round(hot, 3), round(cold, 3)
    (1.414, 4.0)
    """
    spin = model.to_spin()
    default_hot, default_cold = default_beta_range(spin)
    indptr, _, data = spin.csr()
    magnitudes = np.concatenate([np.abs(data), np.abs(spin.thresholds)])
    magnitudes = magnitudes[magnitudes > 0]
    if magnitudes.size == 0:
        return default_hot, default_cold
    cold = min(_COLD_SCALE / (2.0 * float(magnitudes.min())), default_cold)
    rows = np.repeat(np.arange(spin.n), np.diff(indptr))
    squares = np.bincount(rows, weights=data * data, minlength=spin.n) + spin.thresholds ** 2
    rms = float(np.sqrt(np.mean(squares)))
    hot = max(_HOT_SCALE / (2.0 * rms), default_hot)
    return min(hot, 0.5 * cold), cold


def default_replicas(n, beta_range) -> int:
    """Replicas of the default ladder: enough for useful exchange rates on n spins over ``beta_range``.

    Energy fluctuations grow like sqrt(n), so neighbouring temperatures must come closer as sqrt(n) to keep
    their exchange rate; the count grows with the number of e-folds of β the ladder spans.
    """
    hot, cold = beta_range
    wanted = _REPLICA_DENSITY * np.sqrt(max(n, 1)) * np.log(cold / hot)
    return int(np.clip(np.ceil(wanted), *_REPLICA_BOUNDS))


def temper(model, *, n_sweeps=None, n_replicas=None, n_restarts=None, beta_range=None, time_limit=None,
           callback=None, rng=None, n_threads=None, target_energy=None, cluster_moves="auto", adapt=True,
           polish=True) -> SolveResult:
    """Minimise a model's energy by parallel tempering (replica exchange Monte Carlo).

    Every restart runs a ladder of replicas at inverse temperatures β_1 < … < β_R (two ladders when cluster
    moves are on). Each sweep, every replica makes one single-spin Metropolis sweep at its β; then
    neighbouring temperatures try to swap their replicas, with probability
    ``min(1, exp((β_k − β_k+1)(E_k − E_k+1)))`` (even pairs on even sweeps, odd pairs on odd ones), so
    states found cold can be heated out of a valley and states found hot can cool into a new one. With two
    ladders, Houdayer isoenergetic cluster moves between the replicas that share a temperature (on its
    colder half) flip a whole cluster of sites where the two disagree, keeping their total energy. Each
    restart keeps the lowest-energy state any of its replicas reached, polished by greedy descent.

    Parameters
    ----------
    model : EnergyModel
        Spin or binary, with or without thresholds.
    n_sweeps : int, optional
        Sweeps per restart (one sweep = one Metropolis sweep of every replica, then the exchanges). Default
        1000 without ``time_limit``; with ``time_limit`` and no ``n_sweeps``, until the time runs out.
    n_replicas : int, optional
        Temperatures per ladder (≥ 2). Default from n and the β range (:func:`default_replicas`).
    n_restarts : int, optional
        Independent runs, each with its own ladder(s) and child of ``rng``. Default: one per numba thread.
    beta_range : (float, float), optional
        Hottest and coldest β, ``0 < hot < cold``; default :func:`temper_beta_range`.
    time_limit : float, optional
        Wall-clock seconds; the best state found so far is returned when it runs out.
    callback : callable, optional
        ``callback(intermediate_result)`` between kernel calls (about every 0.1 s) with an
        ``OptimizeResult`` holding ``sweep``, ``betas`` (the best restart's ladder), ``best_energy``,
        ``best_state`` and ``energies`` (each restart's coldest replica); ``StopIteration`` ends the run.
    rng : None, int or numpy.random.Generator
        Seed; the same seed gives the same result whatever the number of threads (with ``time_limit`` the
        number of sweeps, and so the result, also depends on the machine's speed).
    n_threads : int, optional
        numba threads for this call (default: all); restarts run in parallel.
    target_energy : float, optional
        Stop (status ``TARGET_REACHED``) once some restart's best energy is at or below it, checked between
        kernel calls. Default: ``model.metadata["ground_energy"]`` when the model declares it.
    cluster_moves : {"auto", True, False}
        Houdayer cluster moves (two ladders per restart, twice the work per sweep). "auto": on when W has at
        most 4 non-zero entries per row on average (lattice-like graphs; on denser ones the clusters
        percolate).
    adapt : bool, default True
        Adapt the ladder during the run: at the end of windows of 50, 50, 100, 200, … sweeps, each log-β
        gap is widened where neighbours exchanged more often than the ladder's mean rate and narrowed where
        less (by at most ×1.5 per window), keeping both ends fixed, so the exchange rates equalise.
    polish : bool, default True
        Finish each restart's best state with greedy zero-temperature descent.

    Returns
    -------
    SolveResult
        ``states``: each restart's best (polished) state; ``betas``: the best restart's final ladder;
        ``trace``: the energy of its coldest replica after every sweep. ``info`` holds ``betas`` (every
        restart's final ladder), ``acceptance_rates`` (exchange rate of each neighbouring pair, over the run
        and all restarts), ``round_trips`` (replicas that went coldest → hottest → coldest, all restarts),
        ``cluster_moves``, ``mean_cluster_size``, ``n_replicas``, ``n_ladders``, ``beta_range``,
        ``adaptations``, ``spin_updates``.

    Examples
    --------
    >>> from hopopt import EnergyModel
    >>> from hopopt.solvers.temper import temper
    >>> model = EnergyModel([[0, -1, -1], [-1, 0, -1], [-1, -1, 0]])  # an antiferromagnetic triangle
    >>> result = temper(model, n_sweeps=50, n_restarts=2, rng=0)
    >>> result.best_energy
    -1.0
    >>> bool(0.0 <= min(result.info["acceptance_rates"]) <= max(result.info["acceptance_rates"]) <= 1.0)
    True
    """
    model = check_model(model)
    # a command's deadline (hopopt.control) shortens the limit; the clock below also stops at it without one
    time_limit = control.time_left(check_time_limit(time_limit))
    if n_sweeps is not None:
        n_sweeps = check_positive_int("n_sweeps", n_sweeps)
    if n_restarts is None:
        n_restarts = numba.config.NUMBA_NUM_THREADS if n_threads is None else n_threads
    n_restarts = check_positive_int("n_restarts", n_restarts)
    if callback is not None and not callable(callback):
        raise TypeError("callback must be callable")
    if cluster_moves not in ("auto", True, False):
        raise ValueError(f"cluster_moves must be 'auto', True or False, got {cluster_moves!r}")
    if not isinstance(adapt, (bool, np.bool_)):
        raise ValueError(f"adapt must be True or False, got {adapt!r}")
    spin = model.to_spin()
    beta_range = temper_beta_range(spin) if beta_range is None else check_beta_range(beta_range)
    if n_replicas is None:
        n_replicas = default_replicas(spin.n, beta_range)
    n_replicas = check_positive_int("n_replicas", n_replicas, minimum=2)
    data = spin.csr()[2]
    if cluster_moves == "auto":
        cluster_moves = spin.n > 0 and np.count_nonzero(data) / spin.n <= _SPARSE_DEGREE
    ladders = 2 if cluster_moves else 1
    if n_sweeps is None and time_limit is None:
        n_sweeps = _DEFAULT_SWEEPS
    if target_energy is None:
        target_energy = model.metadata.get("ground_energy")
    generator = np.random.default_rng(rng)

    _warm_up()
    clock = Clock(time_limit)
    run = _Run(model, spin, n_restarts, n_replicas, ladders, beta_range, generator)
    with numba_threads(n_threads):
        status = run.sweep_until(n_sweeps, clock, callback, target_energy, adapt)
        if polish:
            run.polish()
    solve_seconds = clock.elapsed()

    states = to_model_vartype(model, run.best_states)
    # energies recomputed from the model itself, not taken from the kernels' bookkeeping
    energies = model.energies(states)
    best = int(np.argmin(energies))
    attempts = run.exchange_attempts.sum(axis=0)
    rates = run.exchange_accepts.sum(axis=0) / np.maximum(attempts, 1)
    clusters = int(run.cluster_counts.sum())
    return SolveResult(
        states=states,
        energies=energies,
        best_state=states[best],
        best_energy=energies[best],
        trace=run.trace(best),
        betas=run.betas[best].copy(),
        sweeps_done=run.sweeps_done,
        status=status,
        timings={"solve": solve_seconds, "total": solve_seconds},
        solver="temper",
        info={"betas": run.betas.tolist(), "acceptance_rates": rates.tolist(),
              "round_trips": int(run.round_trips.sum()), "cluster_moves": clusters,
              "mean_cluster_size": float(run.cluster_sizes.sum() / clusters) if clusters else 0.0,
              "n_replicas": n_replicas, "n_ladders": ladders, "n_restarts": n_restarts,
              "beta_range": tuple(float(b) for b in beta_range), "adaptations": run.adaptations,
              "polished": bool(polish), "spin_updates": run.spin_updates},
    )


def adapt_ladder(betas, accepts, attempts):
    """A ladder moved towards equal exchange rates between neighbours, both ends kept.

    Each log-β gap is multiplied by ``sqrt((rate_k + 0.02) / (mean rate + 0.02))``, clipped to
    [1/1.5, 1.5], then all gaps are scaled back to the ladder's span: pairs that exchange less than the
    average come closer. The gaps stay positive, so β stays increasing and inside its range.

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt.solvers.temper import adapt_ladder
    >>> new = adapt_ladder(np.array([1.0, 2.0, 4.0]), np.array([90, 10]), np.array([100, 100]))
    >>> bool(new[0] == 1.0 and new[-1] == 4.0 and new[1] > 2.0)
    True
    """
    betas = np.asarray(betas, dtype=np.float64)
    rates = np.asarray(accepts, dtype=np.float64) / np.maximum(np.asarray(attempts, dtype=np.float64), 1.0)
    gaps = np.diff(np.log(betas))
    factors = np.sqrt((rates + 0.02) / (rates.mean() + 0.02))
    gaps = gaps * np.clip(factors, 1.0 / _MAX_GAP_FACTOR, _MAX_GAP_FACTOR)
    span = np.log(betas[-1]) - np.log(betas[0])
    positions = np.concatenate([[0.0], np.cumsum(gaps)]) * (span / gaps.sum())
    adapted = betas[0] * np.exp(positions)
    adapted[-1] = betas[-1]  # exactly, not up to rounding
    return np.maximum.accumulate(adapted)


class _Run:
    """The replicas of every restart, their ladders and counters, driven in chunks of sweeps."""

    def __init__(self, model, spin, restarts, replicas, ladders, beta_range, generator):
        self.model = model
        self.spin = spin
        # writable copies: read-only and writable arrays are different numba types, and one signature means
        # the kernels compiled by the warm-up are the ones every model uses
        self.csr = tuple(np.array(array) for array in spin.csr())
        # unsigned positions for the sweep kernel: with signed ones numba checks every neighbour index for
        # wrap-around, which cost about half the neighbour loop of the annealer (see moves.SingleFlipEngine)
        self.sweep_positions = (np.array(self.csr[0], dtype=np.uint64), np.array(self.csr[1], dtype=np.uint32))
        self.thresholds = np.array(spin.thresholds, dtype=np.float64)
        self.cost_step, self.table_size = cost_lattice(spin)
        if self.table_size > _MAX_TABLE:
            self.cost_step, self.table_size = 0.0, 0
        self.replicas, self.ladders = replicas, ladders
        # with two ladders, cluster moves on the colder half of the temperatures: on the hotter half the
        # disagreeing sites percolate and the move would only swap the two replicas
        self.cluster_from = replicas // 2 if ladders == 2 else replicas
        hot, cold = beta_range
        ladder = hot * (cold / hot) ** (np.arange(replicas) / (replicas - 1))
        ladder[-1] = cold
        self.betas = np.ascontiguousarray(np.tile(ladder, (restarts, 1)))
        children = generator.spawn(restarts)
        rows = replicas * ladders
        n = spin.n
        self.seeds = np.array([child.integers(0, 2**63, dtype=np.int64) for child in children], dtype=np.uint64)
        self.states = np.stack([2 * child.integers(0, 2, (rows, n), dtype=np.int8) - 1 for child in children])
        self.states = np.ascontiguousarray(self.states, dtype=np.int8)
        self.energies = np.zeros((restarts, rows))
        self.slots = np.ascontiguousarray(np.tile(np.arange(rows, dtype=np.int64).reshape(ladders, replicas),
                                                  (restarts, 1, 1)))
        self.directions = np.zeros((restarts, rows), dtype=np.int8)
        self.best_states = self.states[:, 0, :].copy()
        self.best_energies = np.full(restarts, np.inf)
        self.exchange_attempts = np.zeros((restarts, replicas - 1), dtype=np.int64)
        self.exchange_accepts = np.zeros((restarts, replicas - 1), dtype=np.int64)
        self.round_trips = np.zeros(restarts, dtype=np.int64)
        self.cluster_counts = np.zeros(restarts, dtype=np.int64)
        self.cluster_sizes = np.zeros(restarts, dtype=np.int64)
        self.sweeps_done = 0
        self.spin_updates = 0
        self.adaptations = 0
        self._traces = []

    def sweep_until(self, n_sweeps, clock, callback, target_energy, adapt):
        """Run chunks of about 0.1 s until n_sweeps, the clock (time limit, deadline, Ctrl-C), the callback or
        the target stops it."""
        restarts = self.states.shape[0]
        # per sweep per restart: the spin updates, plus a visit of every coupling (each chunk starts by computing
        # every replica's fields, and flips update their neighbours'), so that on a dense model the first chunk,
        # sized before anything was timed, is not dozens of sweeps of seconds each
        work = self.states.shape[1] * (self.spin.n + self.csr[2].size)
        target = None if target_energy is None else \
            float(target_energy) + 1e-9 * max(1.0, abs(float(target_energy)))
        rate = _ASSUMED_RATE * numba.get_num_threads()
        next_adaptation = _FIRST_WINDOW if adapt else None
        window_attempts = self.exchange_attempts.copy()
        window_accepts = self.exchange_accepts.copy()
        while n_sweeps is None or self.sweeps_done < n_sweeps:
            left = clock.remaining()
            # one sweep of every replica can take seconds on a dense model: when the command's deadline has
            # already passed (or Ctrl-C came) during the set-up, the polished start states are the answer
            if left <= 0 and (self.sweeps_done or control.should_stop()):
                return clock.stop_status()
            if control.active() is not None:
                # nor is a sweep expected to end past the command's deadline: a sweep cannot be split (the first
                # one is judged at the slowest rate measured, later ones at this run's)
                speed = rate if self.sweeps_done else _FIRST_SWEEP_RATE * numba.get_num_threads()
                if restarts * work / speed > left:
                    return clock.stop_status()
            seconds = min(_CHUNK_SECONDS, left)
            chunk = int(max(1, seconds * rate / (restarts * max(work, 1))))
            if n_sweeps is not None:
                chunk = min(chunk, n_sweeps - self.sweeps_done)
            if next_adaptation is not None:
                # chunks end on adaptation points, so the ladder a sweep sees never depends on timing
                chunk = min(chunk, next_adaptation - self.sweeps_done)
            tic = time.perf_counter()
            self._chunk(chunk)
            elapsed = time.perf_counter() - tic
            rate = max(chunk * restarts * work / max(elapsed, 1e-6), 1.0)
            control.report(best=float(self.best_energies.min()))
            if self.sweeps_done == next_adaptation:
                attempts = self.exchange_attempts - window_attempts
                accepts = self.exchange_accepts - window_accepts
                for r in range(restarts):
                    self.betas[r] = adapt_ladder(self.betas[r], accepts[r], attempts[r])
                window_attempts = self.exchange_attempts.copy()
                window_accepts = self.exchange_accepts.copy()
                next_adaptation += max(_FIRST_WINDOW, self.sweeps_done)
                self.adaptations += 1
            if callback is not None and self._call_back(callback):
                return Status.CALLBACK_STOP
            if target is not None and self.best_energies.min() <= target:
                return Status.TARGET_REACHED
        return Status.COMPLETED

    def _chunk(self, sweeps):
        indptr, indices = self.sweep_positions
        data = self.csr[2]
        trace = np.empty((self.states.shape[0], sweeps))
        temper_kernels.temper_chunk(indptr, indices, data, self.thresholds, float(self.spin.offset), self.cost_step,
                                    self.table_size, self.betas, self.sweeps_done, sweeps, self.cluster_from,
                                    self.states, self.energies, self.slots, self.directions, self.best_states,
                                    self.best_energies, self.seeds, self.exchange_attempts, self.exchange_accepts,
                                    self.round_trips, self.cluster_counts, self.cluster_sizes, trace)
        self._traces.append(trace)
        self.sweeps_done += sweeps
        self.spin_updates += sweeps * self.states.shape[0] * self.states.shape[1] * self.spin.n

    def polish(self):
        """Greedy zero-temperature descent of every restart's best state (in place)."""
        indptr, indices, data = self.csr
        kernels.polish(indptr, indices, data, self.thresholds, float(self.spin.offset), self.best_states,
                       self.best_energies)

    def _call_back(self, callback):
        best = int(np.argmin(self.best_energies))
        coldest = self.slots[:, 0, -1]
        # scipy.optimize (a third of a second to import) only when a callback asks for its record type
        from scipy.optimize import OptimizeResult

        intermediate = OptimizeResult(sweep=self.sweeps_done, betas=self.betas[best].copy(),
                                      best_energy=float(self.best_energies[best]),
                                      best_state=to_model_vartype(self.model, self.best_states[best:best + 1])[0],
                                      energies=self.energies[np.arange(len(coldest)), coldest].copy())
        try:
            callback(intermediate)
        except StopIteration:
            return True
        return False

    def trace(self, restart):
        if not self._traces:
            return np.empty(0)
        return np.concatenate([trace[restart] for trace in self._traces])


_WARM = False


def _warm_up():
    """Compile (or load from numba's cache) the kernels temper calls, once, so solve timings exclude it.

    Only its own kernel and the polish: :func:`hopopt.solvers.warm_up` would also compile every other
    solver's kernels, minutes of work whenever ``_kernels.py`` has changed.
    """
    global _WARM
    if _WARM:
        return
    from ..model import EnergyModel

    model = EnergyModel([[0.0, 1.0], [1.0, 0.0]], [0.5, 0.0])
    run = _Run(model, model, 1, 2, 2, (0.5, 1.0), np.random.default_rng(0))
    run._chunk(1)
    run.polish()
    _WARM = True
