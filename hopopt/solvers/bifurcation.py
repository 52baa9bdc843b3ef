"""Simulated bifurcation: ballistic (bSB) and discrete (dSB) analog dynamics of Goto et al., batched over trajectories.

Goto, Tatsumura & Dixon (Sci. Adv. 5, eaav2372, 2019) and Goto, Endo, Suzuki, Kanao, Hidaka, Yamasaki &
Tatsumura (Sci. Adv. 7, eabe7953, 2021) replace each spin by a particle with position ``x_i`` and momentum
``y_i``, driven by a pump ``a(t)`` that rises from 0 to ``a0``: below the bifurcation every particle rests near
0, past it each one is pushed towards ±1, the side chosen by the couplings. The ballistic and discrete variants
confine the positions to [−1, 1] by inelastic walls (a particle that hits a wall stops there) and differ only in
the force: ``c0 W x`` (ballistic) or ``c0 W sign(x)`` (discrete, which follows the energy of the sign state more
closely and escapes local minima better). The signs ``sign(x)`` are the spin state read out.

The module also holds the plumbing shared with :mod:`hopopt.solvers.amplitude`: thresholds folded into an
auxiliary spin, batches of trajectories run until a time limit, best-state tracking, polish and results.
"""

from __future__ import annotations

import time

import numba
import numpy as np
import scipy.sparse as sp

from .. import control
from ..result import SolveResult, Status
from . import _kernels as kernels
from . import _kernels_analog as analog_kernels
from ._common import (Clock, check_model, check_positive_int, check_positive_number, check_time_limit, numba_threads,
                      to_model_vartype, warm_up)

__all__ = ["bifurcate"]

# Target wall time of one kernel call; between calls the time limit, the callback and the target are checked.
_CHUNK_SECONDS = 0.1
# Multiply-adds per second per thread assumed before the first call has been timed: low, so that the first call
# cannot overshoot a short time limit on a loaded machine (later calls are sized from the measured speed).
_ASSUMED_RATE = 2e7
# W is handed to the kernels as a dense matrix when at least this share of its entries is non-zero (a dense row
# product streams memory and vectorises; CSR pays an index per entry) and it fits in _DENSE_BYTES.
_DENSE_SHARE = 0.25
_DENSE_BYTES = 512 * 2**20
# With a time limit and no n_steps, a last batch shorter than this share of the planned steps is not started:
# the pump would rise too fast for it to find anything the full batches had not.
_SHORTEST_BATCH = 0.25
# Passes over W assumed for the greedy polish of a batch until one has been timed (time set aside for it).
_POLISH_PASSES = 4

_VARIANTS = ("ballistic", "discrete")
# Defaults, tuned on the development set only (G1, G11, G43, G48 and SK n = 64, 128, 256 with seeds 1000 + n):
# dt in {0.25, 0.5, 0.75, 1, 1.25} × c0 in {0.25, ..., 4} × Goto's rule, 1000-10000 steps per trajectory at
# equal time. dt = 0.5 with the rule's c0 and 2000 steps was best or tied on every dev instance for dSB (bSB:
# best mean on G43 and SK; G1 preferred dt = 1 with half the c0).
# Steps per trajectory and trajectories per batch per numba thread:
_DEFAULT_STEPS = {"ballistic": 2000, "discrete": 2000}
_DEFAULT_TIME_STEP = {"ballistic": 0.5, "discrete": 0.5}
_TRAJECTORIES_PER_THREAD = 8
# Spread of the initial positions and momenta, uniform in ±_INITIAL_SPREAD (Goto et al. start near the origin).
_INITIAL_SPREAD = 0.1


def bifurcate(model, *, variant="discrete", n_trajectories=None, n_steps=None, time_step=None, pressure_slope=None,
              coupling_scale=None, time_limit=None, callback=None, rng=None, n_threads=None, target_energy=None,
              polish=True) -> SolveResult:
    """Minimise a model's energy by simulated bifurcation (ballistic bSB or discrete dSB).

    Every trajectory integrates, by symplectic Euler steps of length ``dt``,

    ``y_i += dt·(c0·f_i − (a0 − a(t))·x_i)``,  ``x_i += dt·a0·y_i``,  ``|x_i| > 1 → x_i = ±1, y_i = 0``,

    with ``f = W x`` (ballistic) or ``f = W sign(x)`` (discrete), ``a0 = 1`` and the pump
    ``a(t) = min(a0, pressure_slope·t)``. The energy of the sign state ``sign(x)`` is tracked after every step
    and each trajectory keeps the lowest one it passes through, which is then polished by greedy descent.

    Parameters
    ----------
    model : EnergyModel
        Spin or binary; thresholds θ are folded into one auxiliary spin coupled to spin i by −θ_i (see Notes).
    variant : {"discrete", "ballistic"}
        dSB (force from the signs) or bSB (force from the positions).
    n_trajectories : int, optional
        Trajectories per batch, integrated in parallel. Default: 8 per numba thread.
    n_steps : int, optional
        Steps per trajectory. Default 2000; with ``time_limit`` and no ``n_steps``, batches of 2000 steps are
        run until the time limit (see Notes).
    time_step : float, optional
        Euler step ``dt``. Default 0.5. Goto et al. (2021) use 1.25; with the default ``c0`` below, steps above
        about 0.75 made Gset trajectories (G1, G43) swing across the walls together, so that the signs never
        settle, and 0.5 gave the best cuts at equal time on the development set.
    pressure_slope : float, optional
        Rise of the pump per unit time. Default ``a0 / (n_steps·dt)``: the pump reaches ``a0`` at the last step.
    coupling_scale : float, optional
        ``c0``. Default Goto et al.'s rule ``0.5 / (sqrt(m)·σ)``, σ the root mean square of the couplings over
        all ``m(m−1)`` off-diagonal pairs of the (augmented) matrix.
    time_limit : float, optional
        Wall-clock seconds; the best state found so far is returned when it runs out.
    callback : callable, optional
        ``callback(intermediate_result)`` between kernel calls, with an ``OptimizeResult`` holding ``step``,
        ``batch``, ``best_energy``, ``best_state`` and ``energies`` (of the current sign states); raising
        ``StopIteration`` ends the run with the best state so far.
    rng : None, int or numpy.random.Generator
        Seed; each trajectory draws its initial positions and momenta from its own child (``rng.spawn``), so
        the same seed gives the same result whatever the number of threads.
    n_threads : int, optional
        numba threads for this call (default: all).
    target_energy : float, optional
        Stop (status ``TARGET_REACHED``) once a state at or below it is found. Default: the ground energy the
        model declares (``metadata["ground_energy"]``), else none.
    polish : bool, default True
        Finish each trajectory's best sign state with greedy zero-temperature descent.

    Returns
    -------
    SolveResult
        One row of ``states`` per trajectory slot (the best over its batches); ``sweeps_done`` counts the steps
        run per slot; ``info`` holds the variant, the parameters used, the steps of each batch and the number
        of trajectories run.

    Notes
    -----
    Thresholds: the dynamics are those of a spin model without fields, so θ is folded into an auxiliary spin
    ``s_a`` with couplings ``W_ia = −θ_i``, since ``θᵀs = −½·2·Σ_i (−θ_i) s_i s_a`` when ``s_a = +1``. The
    augmented energy is invariant under flipping every spin, so a state whose auxiliary spin ends at −1 is
    flipped whole (gauge fixing) before it is read; its energy is unchanged. Binary models are solved through
    their spin form (``s = 2x − 1``).

    With ``time_limit`` and no ``n_steps`` the run is a sequence of batches of ``n_trajectories`` fresh
    trajectories of the default length; the last batch is shortened to fit the time left (and skipped when it
    would be under a quarter of the default length). Results then depend on the machine's speed, not only on
    ``rng``.

    Examples
    --------
    >>> from hopopt import EnergyModel
    >>> from hopopt.solvers.bifurcation import bifurcate
    >>> model = EnergyModel([[0, -1, -1], [-1, 0, -1], [-1, -1, 0]])  # an antiferromagnetic triangle
    >>> result = bifurcate(model, n_steps=100, n_trajectories=4, rng=0)
    >>> result.best_energy
    -1.0
    """
    model = check_model(model)
    _warm_up_analog()
    called = time.perf_counter()  # the time limit covers the set-up below, not the one-off compilation
    if variant not in _VARIANTS:
        raise ValueError(f"variant must be 'discrete' or 'ballistic', got {variant!r}")
    time_step = check_positive_number("time_step", _DEFAULT_TIME_STEP[variant] if time_step is None else time_step)
    steps = _DEFAULT_STEPS[variant] if n_steps is None else check_positive_int("n_steps", n_steps)
    if pressure_slope is not None:
        pressure_slope = check_positive_number("pressure_slope", pressure_slope)
    if coupling_scale is not None:
        coupling_scale = check_positive_number("coupling_scale", coupling_scale)
    couplings = _Couplings(model)
    coupling = couplings.default_coupling() if coupling_scale is None else coupling_scale
    pump = 1.0
    discrete = variant == "discrete"

    def dynamics(children):
        size = couplings.m
        positions = np.array([child.uniform(-_INITIAL_SPREAD, _INITIAL_SPREAD, size) for child in children])
        momenta = np.array([child.uniform(-_INITIAL_SPREAD, _INITIAL_SPREAD, size) for child in children])

        def advance(batch_steps, start, stop, spins, fields, energies, best_states, best_energies, trace):
            slope = pump / (batch_steps * time_step) if pressure_slope is None else pressure_slope
            analog_kernels.bifurcation_chunk(*couplings.kernel_arguments, discrete, coupling, time_step, pump,
                                             slope, start, stop, positions, momenta, spins, fields, energies,
                                             best_states, best_energies, trace)
        return positions, advance

    parameters = {"variant": variant, "time_step": time_step, "coupling_scale": coupling, "pump": pump,
                  "pressure_slope": pressure_slope if pressure_slope is not None else "a0 / (n_steps·dt)"}
    work = (1 if discrete else 2) * couplings.work_per_step
    return _solve(model, couplings, dynamics, work, "dsb" if discrete else "bsb", parameters, called,
                  n_trajectories=n_trajectories, n_steps=steps, fill_time_limit=n_steps is None,
                  time_limit=time_limit, callback=callback, rng=rng, n_threads=n_threads,
                  target_energy=target_energy, polish=polish)


# ---------------------------------------------------------------------------------------------- shared plumbing
class _Couplings:
    """The spin form of a model as the analog kernels see it: W with θ folded into an auxiliary spin."""

    def __init__(self, model):
        spin = model.to_spin()
        self.n = spin.n
        self.offset = spin.offset
        self.polish_arguments = (*spin.csr(), np.ascontiguousarray(spin.thresholds))
        # W from the CSR arrays just made (sorted): materialising structured weights a second time cost 0.4 s of a
        # 10⁴-variable TSP's deadline
        indptr, indices, data = spin.csr()
        weights = sp.csr_array((data, indices, indptr), shape=(spin.n, spin.n))
        weights.has_sorted_indices = True
        self.has_field = bool(np.any(spin.thresholds != 0))
        if self.has_field:
            column = sp.csr_array(-np.asarray(spin.thresholds).reshape(-1, 1))
            weights = sp.block_array([[weights, column], [column.T, None]], format="csr")
        weights = sp.csr_array(weights)
        weights.sort_indices()
        self.m = weights.shape[0]
        stored = weights.nnz
        self.use_dense = stored >= _DENSE_SHARE * self.m * self.m and 8 * self.m * self.m <= _DENSE_BYTES
        squares = float(np.sum(np.asarray(weights.data) ** 2))
        self.rms = np.sqrt(squares / (self.m * (self.m - 1))) if self.m > 1 else 0.0
        self.row_rms = np.sqrt(squares / self.m)
        indptr = weights.indptr.astype(np.int64)
        indices = weights.indices.astype(np.int64)
        data = np.asarray(weights.data, dtype=np.float64)
        if self.use_dense:
            dense = np.ascontiguousarray(weights.toarray(), dtype=np.float64)
            self.work_per_step = self.m * self.m
        else:
            dense = np.zeros((1, 1))
            self.work_per_step = max(stored, 1) + self.m
        self.kernel_arguments = (indptr, indices, data, dense, self.use_dense)

    def default_coupling(self):
        """Goto et al.'s c0 = 0.5 / (sqrt(m)·σ); 1 for a model without couplings (any value works there)."""
        return 0.5 / (np.sqrt(self.m) * self.rms) if self.rms > 0 else 1.0

    def initial_spins(self, positions):
        return np.ascontiguousarray(np.where(positions < 0, -1, 1), dtype=np.int8)

    def fix_gauge(self, spins):
        """Augmented spin states as states of the n original spins (flipped whole where the auxiliary is −1)."""
        if not self.has_field:
            return np.ascontiguousarray(spins, dtype=np.int8)
        return np.ascontiguousarray(spins[:, :self.n] * spins[:, self.n:], dtype=np.int8)


_ANALOG_WARM = False


def _warm_up_analog():
    """Compile (or load from numba's cache) the analog kernels once, so solve timings exclude compilation."""
    global _ANALOG_WARM
    if _ANALOG_WARM:
        return
    warm_up("polish")  # the only single-flip kernel the analog solvers call
    indptr = np.array([0, 1, 2], dtype=np.int64)
    indices = np.array([1, 0], dtype=np.int64)
    data = np.array([1.0, 1.0])
    dense = np.zeros((1, 1))
    positions = np.full((1, 2), 0.1)
    spins = np.ones((1, 2), dtype=np.int8)
    analog_kernels.bifurcation_chunk(indptr, indices, data, dense, False, True, 1.0, 1.0, 1.0, 1.0, 0, 1, positions,
                                     positions.copy(), spins, np.zeros((1, 2)), np.zeros(1), spins.copy(),
                                     np.full(1, np.inf), np.zeros((1, 1)))
    analog_kernels.amplitude_control_chunk(indptr, indices, data, dense, False, 1.0, 0.1, 0.3, -0.5, 1.0, 1.0, 3.0, 1,
                                           0.0, 1.0, 0, 1, positions, positions.copy(), spins, np.zeros((1, 2)),
                                           np.zeros(1), spins.copy(), np.full(1, np.inf), np.zeros((1, 1)))
    _ANALOG_WARM = True


def _solve(model, couplings, dynamics, work_per_step, solver, parameters, started, *, n_trajectories, n_steps,
           fill_time_limit, time_limit, callback, rng, n_threads, target_energy, polish):
    """Run batches of trajectories (one batch, or batches until the time limit) and package the result.

    ``dynamics(children)`` draws a batch's initial conditions from one child generator per trajectory and
    returns ``(positions, advance)``; ``advance(batch_steps, start, stop, spins, fields, energies, best_states,
    best_energies, trace)`` runs steps ``start..stop-1`` of a batch of ``batch_steps`` steps.
    """
    # a command's deadline (hopopt.control) shortens the limit; the clock below also stops at it without one
    time_limit = control.time_left(check_time_limit(time_limit))
    if n_threads is not None:
        n_threads = check_positive_int("n_threads", n_threads)
    if n_trajectories is None:
        threads = numba.config.NUMBA_NUM_THREADS if n_threads is None else n_threads
        n_trajectories = _TRAJECTORIES_PER_THREAD * threads
    n_trajectories = check_positive_int("n_trajectories", n_trajectories)
    if callback is not None and not callable(callback):
        raise TypeError("callback must be callable")
    if not isinstance(polish, (bool, np.bool_)):
        raise ValueError(f"polish must be True or False, got {polish!r}")
    if target_energy is None:
        target_energy = model.metadata.get("ground_energy")
    generator = np.random.default_rng(rng)
    fill_time_limit = fill_time_limit and time_limit is not None
    # the clock counts from the call (``started``): the time limit covers the set-up before this point too
    clock = Clock(time_limit)
    clock.started = started
    runner = _Runner(model, couplings, dynamics, work_per_step, callback, clock, target_energy, polish)
    with numba_threads(n_threads):
        seconds_per_step = None
        while True:
            steps = n_steps
            if fill_time_limit and seconds_per_step is not None:
                fitting = int(0.95 * runner._time_left() / seconds_per_step)
                if fitting < _SHORTEST_BATCH * n_steps:
                    if control.stop_reason() == "interrupted":  # Ctrl-C between two batches
                        runner.status = Status.INTERRUPTED
                    break
                steps = min(n_steps, fitting)
            tic = time.perf_counter()
            done = runner.batch(generator, n_trajectories, steps)
            if done:
                seconds_per_step = (time.perf_counter() - tic) / done
            if not fill_time_limit or runner.status != Status.COMPLETED:
                break
    solve_seconds = clock.elapsed()

    if runner.best_states is None:  # cannot happen: the first chunk of the first batch always runs
        raise RuntimeError("no trajectory step was run")
    states = to_model_vartype(model, runner.best_states)
    # energies recomputed from the model itself, not taken from the kernels' bookkeeping
    energies = model.energies(states)
    best = int(np.argmin(energies))
    info = dict(parameters)
    info.update(n_trajectories=n_trajectories, batch_steps=runner.batches, trajectories_run=runner.trajectories_run,
                steps=int(sum(runner.batches)), polished=bool(polish),
                thresholds="auxiliary spin" if couplings.has_field else "none",
                storage="dense" if couplings.use_dense else "csr")
    return SolveResult(
        states=states, energies=energies, best_state=states[best], best_energy=energies[best],
        trace=runner.best_trace(), betas=np.empty(0), sweeps_done=int(sum(runner.batches)), status=runner.status,
        timings={"solve": solve_seconds, "total": solve_seconds}, solver=solver, info=info)


class _Runner:
    """Drives one batch of trajectories in ~0.1 s kernel calls; keeps each trajectory slot's best state."""

    def __init__(self, model, couplings, dynamics, work_per_step, callback, clock, target, polish):
        self.model = model
        self.couplings = couplings
        self.dynamics = dynamics
        self.work_per_step = work_per_step
        self.callback = callback
        self.clock = clock
        # in the kernels' energies (the spin model's minus its offset), with a rounding margin
        self.target = None if target is None else \
            float(target) - couplings.offset + 1e-9 * max(1.0, abs(float(target)))
        self.polish = polish
        self.status = Status.COMPLETED
        self.best_states = None  # (slots, n) spins of the original model
        self.best_energies = None
        self.batches = []
        self.trajectories_run = 0
        self.trace = np.empty(0)
        self.trace_energy = np.inf
        self.rate = _ASSUMED_RATE
        self.polish_reserve = 0.0

    def _time_left(self):
        """Seconds left for the dynamics: the clock's (time limit, the command's deadline, Ctrl-C) less what
        polishing the batch is expected to take."""
        return self.clock.remaining() - self.polish_reserve

    def batch(self, generator, trajectories, steps):
        """Run one batch of ``steps`` steps on fresh trajectories; return the number of steps run."""
        children = generator.spawn(trajectories)
        positions, advance = self.dynamics(children)
        spins = self.couplings.initial_spins(positions)
        energies = np.zeros(trajectories)
        fields = np.zeros(spins.shape)
        best_states = spins.copy()
        best_energies = np.full(trajectories, np.inf)
        traces = []
        rate = self.rate * numba.get_num_threads()
        work = trajectories * self.work_per_step
        polish_work = _POLISH_PASSES * trajectories * self.couplings.work_per_step if self.polish else 0.0
        if not self.batches:
            # before the first polish is timed: a few passes over W per trajectory at the assumed speed
            self.polish_reserve = polish_work / rate
        done = 0
        while done < steps:
            if done and self._time_left() <= 0:
                self.status = self.clock.stop_status()
                break
            seconds = min(_CHUNK_SECONDS, self._time_left())
            chunk = min(int(max(1, seconds * rate / work)), steps - done)
            trace = np.empty((trajectories, chunk))
            tic = time.perf_counter()
            advance(steps, done, done + chunk, spins, fields, energies, best_states, best_energies, trace)
            rate = max(chunk * work / max(time.perf_counter() - tic, 1e-6), 1.0)
            if not self.batches:
                self.polish_reserve = polish_work / rate  # at the measured speed
            done += chunk
            traces.append(trace)
            self._report(best_energies)
            if self.callback is not None and self._call_back(done, energies, best_states, best_energies):
                self.status = Status.CALLBACK_STOP
                break
            if self.target is not None and best_energies.min() <= self.target:
                self.status = Status.TARGET_REACHED
                break
        self.rate = rate / numba.get_num_threads()
        self.batches.append(done)
        self.trajectories_run += trajectories
        self._merge(best_states, best_energies, np.concatenate(traces, axis=1))
        return done

    def _report(self, batch_best):
        """Tell the command's progress line the best energy so far (this batch's and earlier batches')."""
        best = float(batch_best.min())
        if self.best_energies is not None:
            best = min(best, float(self.best_energies.min()))
        control.report(best=best + self.couplings.offset)

    def _merge(self, augmented_states, energies, trace):
        """Gauge-fix and polish a batch's best states, then keep per slot the better of old and new."""
        states = self.couplings.fix_gauge(augmented_states)
        if self.polish:
            energies = np.empty(states.shape[0])
            tic = time.perf_counter()
            kernels.polish(*self.couplings.polish_arguments, 0.0, states, energies)
            self.polish_reserve = 1.5 * (time.perf_counter() - tic)
            if self.target is not None and self.status == Status.COMPLETED and energies.min() <= self.target:
                self.status = Status.TARGET_REACHED
        best = int(np.argmin(energies))
        if energies[best] < self.trace_energy:
            self.trace, self.trace_energy = trace[best] + self.couplings.offset, energies[best]
        if self.best_states is None:
            self.best_states, self.best_energies = states, energies.copy()
            return
        better = energies < self.best_energies
        self.best_states[better] = states[better]
        self.best_energies[better] = energies[better]

    def _call_back(self, done, energies, best_states, best_energies):
        best = int(np.argmin(best_energies))
        energy = best_energies[best]
        state = self.couplings.fix_gauge(best_states[best:best + 1])[0]
        if self.best_energies is not None and self.best_energies.min() < energy:  # an earlier batch did better
            earlier = int(np.argmin(self.best_energies))
            energy, state = self.best_energies[earlier], self.best_states[earlier]
        offset = self.couplings.offset
        # scipy.optimize (a third of a second to import) only when a callback asks for its record
        from scipy.optimize import OptimizeResult

        intermediate = OptimizeResult(step=done, batch=len(self.batches), best_energy=float(energy + offset),
                                      best_state=to_model_vartype(self.model, state), energies=energies + offset)
        try:
            self.callback(intermediate)
        except StopIteration:
            return True
        return False

    def best_trace(self):
        """Energy of the sign state after every step of the trajectory that gave the best state."""
        return self.trace
