"""The continuous Hopfield–Tank network: analog neurons integrated in time on a binary energy model.

Hopfield (1984) and Hopfield & Tank (1985, "'Neural' computation of decisions in optimization problems",
Biol. Cybern. 52, 141–152) replace the two-state neurons by analog ones. Neuron i has an internal potential
``u_i`` and an output ``V_i = g(u_i) = ½ (1 + tanh(u_i / u0))`` in (0, 1); the potentials follow

    du/dt = −u/τ + W V − θ  (+ d ∘ (V − ½), the optional self-coupling below),

which, for the binary energy of hopopt's convention ``E(V) = −½ VᵀWV + θᵀV + offset``, is
``du/dt = −u/τ − ∂E/∂V``: every neuron is pushed down the energy gradient, and the gain ``1/u0`` decides how
sharply its output follows. For small ``u0`` the outputs end near 0 or 1 and the network's final state,
thresholded at ½ (``V > ½`` → 1), is a binary state of the model.

What decreases. With W symmetric the function monitored here,

    L(V) = E(V) + (1/τ) Σ_i ∫_{½}^{V_i} g⁻¹(v) dv
         = E(V) + (u0 / 2τ) Σ_i [V_i ln V_i + (1 − V_i) ln(1 − V_i) + ln 2],

is non-increasing along exact trajectories: ``dL/dt = −Σ_i g'(u_i) (du_i/dt)² ≤ 0`` (Hopfield 1984; the
integral term is his, with the lower limit moved to ½ so that it vanishes at V = ½ and lies in
``[0, u0 ln 2 / 2τ]`` per neuron). The energy ``E(V)`` alone is non-increasing exactly when there is no leak
(``tau=np.inf``); with a finite τ it may rise, by at most ``n u0 ln 2 / 2τ`` over a whole run (the integral
term's range), which vanishes in the high-gain limit ``u0 → 0``. Both are recorded: ``trace`` holds ``E(V)``,
``info["lyapunov_trace"]`` holds L. Euler steps follow the exact flow to O(dt²) per step, so along an Euler
trajectory L may rise by O(dt²) per step; with a step well below the stability limit it falls (tested).

Self-coupling. hopopt's models have a zero diagonal, since ``x_i² = x_i`` puts any diagonal into θ on
binary states. Continuous outputs do see the difference: Hopfield & Tank's TSP equations keep the ``C``
term's ``V_xi²`` as a self-coupling ``−C``. ``self_coupling=d`` adds ``d_i`` on W's diagonal and ``d_i/2``
to θ, i.e. it integrates the continuous extension ``E(V) − ½ Σ d_i V_i (V_i − 1)``: a different function
inside the cube, the same energy on every binary state (and the function that ``trace`` then records).
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from .. import control
from ..model import Vartype
from ..result import SolveResult, Status
from ._common import (Clock, check_model, check_non_negative_number, check_positive_int, check_positive_number,
                      check_time_limit)

__all__ = ["tank"]

# Records kept of the energy trace per start when trace_every is left to the solver: at most about this
# many points over max_steps, so a long run cannot fill memory (starts × records floats).
_TRACE_POINTS = 5000

# Safety factor of the automatic Euler step: dt = _STEP_SAFETY / (1/τ + ρ(W) / (2 u0)), where ρ(W) is
# bounded by W's largest absolute row sum. The linearised flow's fastest rate is at most 1/τ + ρ(W) g'_max
# with g'_max = 1/(2 u0); Euler is stable below 2 / rate and accurate well below it.
_STEP_SAFETY = 0.5


def gain(potentials, u0):
    """The Hopfield–Tank transfer function ``g(u) = ½ (1 + tanh(u / u0))``.

    Examples
    --------
    >>> from hopopt.solvers.tank import gain
    >>> gain([-1.0, 0.0, 1.0], 0.02).tolist()
    [0.0, 0.5, 1.0]
    """
    return 0.5 * (1.0 + np.tanh(np.asarray(potentials, dtype=np.float64) / u0))


def inverse_gain(outputs, u0):
    """``g⁻¹(V) = u0 artanh(2V − 1)``, the potential that gives output V (0 < V < 1).

    Examples
    --------
    >>> from hopopt.solvers.tank import gain, inverse_gain
    >>> round(float(gain(inverse_gain(0.1, 0.02), 0.02)), 12)
    0.1
    """
    return u0 * np.arctanh(2.0 * np.asarray(outputs, dtype=np.float64) - 1.0)


def default_step(model, u0=0.02, tau=1.0):
    """The Euler step used when ``dt=None``: half the linear stability limit of the fastest mode.

    ``dt = 0.5 / (1/τ + ρ / (2 u0))`` with ``ρ = max_i Σ_j |W_ij|`` (a bound on W's spectral radius);
    ``1/(2 u0)`` is the largest slope of g. The bound is for the worst case (every neuron at V = ½), so the
    step is safe everywhere, and often smaller than hand-tuned literature values (see
    :func:`hopopt.workflows.hopfield_tank.tank_tsp_study` for the 1985 TSP setting).

    Examples
    --------
    >>> from hopopt import EnergyModel
    >>> from hopopt.solvers.tank import default_step
    >>> default_step(EnergyModel([[0, 1], [1, 0]], vartype="binary"), u0=0.5, tau=1.0)
    0.25
    """
    weights = model.weights
    if model.is_structured:
        row_sums = weights.absolute_row_sums()  # a bound from the factors, without materialising W
    else:
        row_sums = np.asarray(abs(weights).sum(axis=1)).reshape(-1)
    radius = float(row_sums.max()) if row_sums.size else 0.0
    leak = 0.0 if np.isinf(tau) else 1.0 / tau
    rate = leak + radius / (2.0 * u0)
    return _STEP_SAFETY / rate if rate > 0 else _STEP_SAFETY


class _Network:
    """The arrays of one integration: W (dense or CSR), θ, offset, self-coupling, gain and leak."""

    def __init__(self, model, u0, tau, self_coupling):
        self.weights = model.weights
        # structured W (Kronecker factors) multiplies like a sparse one: W @ Vᵀ, from the factors
        self.is_sparse = sp.issparse(self.weights) or model.is_structured
        self.thresholds = model.thresholds
        self.offset = model.offset
        self.self_coupling = self_coupling  # None or shape (n,)
        self.u0 = u0
        self.leak = 0.0 if np.isinf(tau) else 1.0 / tau

    def fields(self, outputs):
        """``W V`` for a batch ``V`` of shape (k, n): one matrix product for all starts."""
        if self.is_sparse:
            return np.asarray(self.weights @ outputs.T).T
        if outputs.shape[0] == 1:
            # BLAS computes a lone row with a different kernel (gemv) from a batch (gemm), so its last bits
            # could differ; doubling the row keeps every start on the batch kernel, and a start's trajectory
            # independent of how many other starts are still running
            return (np.concatenate([outputs, outputs]) @ self.weights)[:1]
        # W is symmetric, so V W equals (W V)ᵀ row by row, without transposing the batch
        return outputs @ self.weights

    def drive(self, outputs, fields):
        """``−∂E/∂V``: the input the outputs send back to every neuron."""
        drive = fields - self.thresholds
        if self.self_coupling is not None:
            drive += self.self_coupling * (outputs - 0.5)
        return drive

    def energies(self, outputs, fields):
        """The continuous energy E(V) (with the self-coupling's extension term) of every row."""
        energies = -0.5 * np.einsum("kn,kn->k", outputs, fields) + outputs @ self.thresholds + self.offset
        if self.self_coupling is not None:
            energies -= 0.5 * (outputs * (outputs - 1.0)) @ self.self_coupling
        return energies

    def lyapunov(self, outputs, energies):
        """Hopfield's 1984 function: E(V) plus the leak's integral term (zero when τ = ∞)."""
        if self.leak == 0.0:
            return energies.copy()
        from scipy.special import xlogy  # 50 ms to import: only with a leak

        entropy_like = xlogy(outputs, outputs) + xlogy(1.0 - outputs, 1.0 - outputs) + np.log(2.0)
        return energies + 0.5 * self.u0 * self.leak * entropy_like.sum(axis=1)


def _initial_potentials(n, n_starts, u0, initial_u, target_sum, noise, children):
    """Starting potentials: a centre (given, or the value with ΣV = target_sum, or 0) plus uniform noise."""
    if initial_u is not None:
        centre = np.asarray(initial_u, dtype=np.float64)
        if centre.ndim == 1:
            centre = np.broadcast_to(centre, (n_starts, centre.shape[0]))
        if centre.shape != (n_starts, n):
            raise ValueError(f"initial_u must have shape (n,) or (n_starts, n) = ({n_starts}, {n}), "
                             f"got {np.asarray(initial_u).shape}")
        if not np.all(np.isfinite(centre)):
            raise ValueError("initial_u must be finite, got NaN or inf")
        if target_sum is not None:
            raise ValueError("give initial_u or target_sum, not both")
    elif target_sum is not None:
        # every neuron at V = target_sum / n, so the outputs add up to target_sum (Hopfield & Tank's u00)
        centre = np.full((n_starts, n), float(inverse_gain(target_sum / n, u0)))
    else:
        centre = np.zeros((n_starts, n))
    # one child per start: a start's noise does not depend on how many starts run
    perturbation = np.stack([child.uniform(-noise * u0, noise * u0, size=n) for child in children])
    return centre + perturbation


def tank(model, *, u0=0.02, tau=1.0, dt=None, max_steps=100_000, method="euler", initial_u=None,
         target_sum=None, noise=0.1, tolerance=1e-3, self_coupling=None, time_limit=None, rng=None,
         n_starts=1, trace_every=None, ode_options=None) -> SolveResult:
    """Integrate the continuous Hopfield–Tank network from ``n_starts`` noisy starts; threshold at ½.

    The potentials obey ``du/dt = −u/τ + W V − θ`` with ``V = ½ (1 + tanh(u / u0))`` on the binary form of
    the model (a spin model is converted with :meth:`EnergyModel.to_binary`, which keeps every energy).
    All starts are integrated together as one batch ``U`` of shape (starts, n), so a step costs one
    matrix product; W may be dense or scipy.sparse.

    Parameters
    ----------
    model : EnergyModel
        Spin or binary; the dynamics run on its binary form.
    u0 : float, default 0.02
        Gain width: ``g`` rises from 0.12 to 0.88 over ``u ∈ [−u0, u0]``. Smaller is closer to binary.
        0.02 is Hopfield & Tank's TSP value.
    tau : float, default 1.0
        Leak time constant (Hopfield & Tank's RC = 1). ``np.inf`` removes the leak, making E(V) itself
        non-increasing.
    dt : float, optional
        Euler step (and the interval between convergence checks for ``method="ode"``). Default:
        :func:`default_step`, half the linear stability limit ``1/(1/τ + ρ(W)/(2 u0))``, which scales with
        the model — for TSP models with A = B = D = 500 it is about 1e-6; the literature's hand-picked
        1e-5 (used by :func:`~hopopt.workflows.hopfield_tank.tank_tsp_study`) is faster but beyond the
        worst-case limit, so its results depend on the step.
    max_steps : int, default 100000
        Give up after this many steps (status ``SWEEP_LIMIT``); the integrated time is at most
        ``max_steps * dt``.
    method : {"euler", "ode"}
        Forward Euler in batch, or :func:`scipy.integrate.solve_ivp` (adaptive, stiff-aware "LSODA" by
        default) over intervals of ``trace_every * dt``.
    initial_u : array_like, shape (n,) or (n_starts, n), optional
        Centre of the starting potentials. Default: the value giving ``ΣV = target_sum`` if that is given,
        else 0 (V = ½).
    target_sum : float, optional
        Start every output at ``V = target_sum / n`` (Hopfield & Tank start the TSP network with
        ``ΣV`` equal to the number of cities). Must lie in (0, n).
    noise : float, default 0.1
        Half-width of the uniform perturbation added to every starting potential, in units of ``u0``
        (Hopfield & Tank: ``δu ∈ [−0.1 u0, 0.1 u0]``). 0 starts exactly at the centre.
    tolerance : float, default 1e-3
        A start has converged when ``max_i |dV_i/dt| < tolerance`` (outputs per unit time, measured over one
        step, or over one check interval for ``"ode"``); it is then frozen.
    self_coupling : float or array_like, shape (n,), optional
        Extra diagonal ``d`` for the continuous dynamics only (see the module notes); energies of binary
        states are unchanged.
    time_limit : float, optional
        Wall-time budget in seconds; the current outputs are thresholded when it runs out.
    rng : None, int or numpy.random.Generator
        Seeds the starting noise: ``np.random.default_rng(rng).spawn(n_starts)``, one child per start.
    n_starts : int, default 1
    trace_every : int, optional
        Record the energies every this many steps (default: about 5000 records over ``max_steps``).
    ode_options : dict, optional
        Extra keywords for ``solve_ivp`` (default ``{"method": "LSODA", "rtol": 1e-6, "atol": 1e-9}``).

    Returns
    -------
    SolveResult
        ``states``: the outputs thresholded at ½ (``V > ½`` → 1), in the model's vartype, shape
        (n_starts, n), int8; ``energies``: the model's energies of those states; ``trace``: the continuous
        energy E(V) of the best start at the recorded times; ``sweeps_done``: steps of the longest-running
        start; ``status``: ``CONVERGED`` when every start converged, ``SWEEP_LIMIT`` or ``TIME_LIMIT``
        otherwise. ``info``: ``outputs`` (final V), ``potentials`` (final u), ``steps`` and ``converged``
        per start, ``continuous_energies`` (final E(V) per start), ``trace_times``, ``lyapunov_trace``
        (L of the best start), ``energy_traces`` (E(V) of every start, shape (records, n_starts); a
        converged start keeps its final value), ``dt``, ``method``, ``best_start``, ``u0``, ``tau``.

    Raises
    ------
    ValueError
        For a non-positive ``u0``, ``tau``, ``dt``, ``tolerance``, negative ``noise``, a non-positive
        ``time_limit``, an unknown ``method`` or badly shaped ``initial_u``/``self_coupling``.

    Examples
    --------
    Two neurons that inhibit each other, and both prefer to be on: one wins.

    >>> from hopopt import EnergyModel
    >>> from hopopt.solvers.tank import tank
    >>> model = EnergyModel([[0, -2], [-2, 0]], [-1, -1], vartype="binary")
    >>> result = tank(model, u0=0.05, n_starts=4, rng=1)
    >>> sorted(map(tuple, result.states.tolist()))
    [(0, 1), (0, 1), (1, 0), (1, 0)]
    >>> result.best_energy, result.message
    (-1.0, 'reached a fixed point: no update changes the state')
    """
    started_total = time.perf_counter()
    model = check_model(model)
    u0 = check_positive_number("u0", u0)
    tau = check_positive_number("tau", tau, allow_infinity=True)
    tolerance = check_positive_number("tolerance", tolerance)
    max_steps = check_positive_int("max_steps", max_steps)
    n_starts = check_positive_int("n_starts", n_starts)
    # a command's deadline (hopopt.control) shortens the limit; the clock below also stops at it without one
    time_limit = control.time_left(check_time_limit(time_limit))
    if method not in ("euler", "ode"):
        raise ValueError(f"method must be 'euler' or 'ode', got {method!r}")
    noise = check_non_negative_number("noise", noise, "in units of u0")

    binary = model if model.vartype is Vartype.BINARY else model.to_binary()
    n = binary.n
    if target_sum is not None:
        target_sum = float(target_sum)
        if not 0 < target_sum < n:
            raise ValueError(f"target_sum must lie strictly between 0 and n = {n}, got {target_sum:g}")
    if self_coupling is not None:
        coupling = np.asarray(self_coupling, dtype=np.float64)
        coupling = np.full(n, float(coupling)) if coupling.ndim == 0 else coupling.reshape(-1)
        if coupling.shape != (n,) or not np.all(np.isfinite(coupling)):
            raise ValueError(f"self_coupling must be a finite number or an array of length n = {n}, "
                             f"got shape {np.shape(self_coupling)}")
        self_coupling = coupling
    dt = default_step(binary, u0, tau) if dt is None else check_positive_number("dt", dt)
    if trace_every is None:
        trace_every = max(1, max_steps // _TRACE_POINTS)
    trace_every = check_positive_int("trace_every", trace_every)

    children = np.random.default_rng(rng).spawn(n_starts)
    potentials = _initial_potentials(n, n_starts, u0, initial_u, target_sum, noise, children)
    network = _Network(binary, u0, tau, self_coupling)

    clock = Clock(time_limit)
    integrate = _integrate_euler if method == "euler" else _integrate_ode
    outcome = integrate(network, potentials, dt, max_steps, tolerance, trace_every, clock,
                        ode_options if method == "ode" else None)
    elapsed = clock.elapsed()

    potentials, steps, converged, timed_out, times, energy_records, lyapunov_records = outcome
    outputs = gain(potentials, u0)
    fields = network.fields(outputs)
    continuous = network.energies(outputs, fields)
    binary_states = (outputs > 0.5).astype(np.int8)
    states = binary_states if model.vartype is Vartype.BINARY else (2 * binary_states - 1).astype(np.int8)
    energies = model.energies(states)
    best = int(np.argmin(energies))
    best_trace = energy_records[:, best]
    recorded = ~np.isnan(best_trace)
    if np.all(converged):
        status = Status.CONVERGED
    elif timed_out:
        status = clock.stop_status()
    else:
        status = Status.SWEEP_LIMIT
    total = time.perf_counter() - started_total
    return SolveResult(
        states=states, energies=energies, best_state=states[best], best_energy=energies[best],
        trace=best_trace[recorded], betas=np.empty(0), sweeps_done=int(steps.max()), status=status,
        timings={"solve": elapsed, "total": total}, solver="tank",
        info={"outputs": outputs, "potentials": potentials, "steps": steps, "converged": converged,
              "continuous_energies": continuous, "trace_times": times[recorded],
              "lyapunov_trace": lyapunov_records[recorded, best], "energy_traces": energy_records,
              "dt": dt, "method": method, "best_start": best, "u0": u0, "tau": tau},
    )


class _Recorder:
    """E(V) and L(V) of every start at the recorded times; a converged start keeps its frozen values."""

    def __init__(self, network, n_starts):
        self.network = network
        self.energies = np.full(n_starts, np.nan)
        self.lyapunov = np.full(n_starts, np.nan)
        self.times, self.energy_rows, self.lyapunov_rows = [], [], []

    def update(self, rows, outputs, fields=None):
        """Current values of the starts ``rows`` (outputs of shape (len(rows), n))."""
        if fields is None:
            fields = self.network.fields(outputs)
        energies = self.network.energies(outputs, fields)
        self.energies[rows] = energies
        self.lyapunov[rows] = self.network.lyapunov(outputs, energies)

    def record(self, time_now):
        self.times.append(time_now)
        self.energy_rows.append(self.energies.copy())
        self.lyapunov_rows.append(self.lyapunov.copy())

    def arrays(self):
        return np.array(self.times), np.array(self.energy_rows), np.array(self.lyapunov_rows)


class _Progress:
    """Tells a command's progress line (:func:`hopopt.control.report`) the best thresholded energy so far.

    Each report costs a matrix product (W times the thresholded outputs), as much as a step: reports come at most
    every half second and at most 5 % of the time (on kroA100's penalty model a product takes about 0.06 s), and
    not at all without a command.
    """

    _EVERY_SECONDS = 0.5
    _SHARE = 0.05

    def __init__(self):
        self.enabled = control.active() is not None
        self.next_report = time.perf_counter() + self._EVERY_SECONDS
        self.best = np.inf

    def step(self, network, outputs):
        if not self.enabled or outputs.shape[0] == 0 or time.perf_counter() < self.next_report:
            return
        tic = time.perf_counter()
        states = (outputs > 0.5).astype(np.float64)
        self.best = min(self.best, float(network.energies(states, network.fields(states)).min()))
        control.report(best=self.best)
        took = time.perf_counter() - tic
        self.next_report = time.perf_counter() + max(self._EVERY_SECONDS, took / self._SHARE)


def _integrate_euler(network, potentials, dt, max_steps, tolerance, trace_every, clock, _options):
    """Forward Euler on all unconverged starts at once; a converged start is frozen and dropped."""
    n_starts = potentials.shape[0]
    potentials = potentials.copy()
    steps = np.zeros(n_starts, dtype=np.int64)
    converged = np.zeros(n_starts, dtype=bool)
    active = np.arange(n_starts)
    recorder = _Recorder(network, n_starts)
    progress = _Progress()
    timed_out = False

    u = potentials.copy()
    outputs = gain(u, network.u0)
    step = 0
    while step < max_steps:
        fields = network.fields(outputs)
        if step % trace_every == 0:
            recorder.update(active, outputs, fields)
            recorder.record(step * dt)
        u += dt * (network.drive(outputs, fields) - network.leak * u)
        new_outputs = gain(u, network.u0)
        # the convergence test: largest output change per unit time, per start
        rates = np.abs(new_outputs - outputs).max(axis=1) / dt
        outputs = new_outputs
        step += 1
        steps[active] = step
        done = rates < tolerance
        if np.any(done):
            finished = active[done]
            potentials[finished] = u[done]
            converged[finished] = True
            recorder.update(finished, outputs[done])
            keep = ~done
            active, u, outputs = active[keep], u[keep], outputs[keep]
            if active.size == 0:
                break
        if clock.out_of_time():
            timed_out = True
            break
        progress.step(network, outputs)
    if active.size:
        potentials[active] = u
        recorder.update(active, outputs)
    recorder.record(step * dt)
    return (potentials, steps, converged, timed_out, *recorder.arrays())


def _integrate_ode(network, potentials, dt, max_steps, tolerance, trace_every, clock, options):
    """solve_ivp over intervals of ``trace_every * dt``; starts are checked and dropped between intervals."""
    from scipy.integrate import solve_ivp

    settings = {"method": "LSODA", "rtol": 1e-6, "atol": 1e-9}
    settings.update(options or {})
    n_starts, n = potentials.shape
    potentials = potentials.copy()
    steps = np.zeros(n_starts, dtype=np.int64)
    converged = np.zeros(n_starts, dtype=bool)
    active = np.arange(n_starts)
    recorder = _Recorder(network, n_starts)
    timed_out = False

    def right_hand_side(_time, flat):
        u = flat.reshape(-1, n)
        outputs = gain(u, network.u0)
        return (network.drive(outputs, network.fields(outputs)) - network.leak * u).reshape(-1)

    step = 0
    while step < max_steps and active.size:
        u = potentials[active]
        outputs = gain(u, network.u0)
        recorder.update(active, outputs)
        recorder.record(step * dt)
        span = min(trace_every, max_steps - step)
        solution = solve_ivp(right_hand_side, (step * dt, (step + span) * dt), u.reshape(-1), **settings)
        if not solution.success:
            raise RuntimeError(f"solve_ivp failed: {solution.message}")
        new_u = solution.y[:, -1].reshape(-1, n)
        new_outputs = gain(new_u, network.u0)
        rates = np.abs(new_outputs - outputs).max(axis=1) / (span * dt)
        potentials[active] = new_u
        step += span
        steps[active] = step
        done = rates < tolerance
        converged[active[done]] = True
        recorder.update(active, new_outputs)
        active = active[~done]
        if clock.out_of_time():
            timed_out = True
            break
    recorder.record(step * dt)
    return (potentials, steps, converged, timed_out, *recorder.arrays())
