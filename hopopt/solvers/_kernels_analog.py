"""numba kernels of the analog (continuous-amplitude) solvers: simulated bifurcation and chaotic amplitude control.

The kernels integrate many independent trajectories, one per row of the state arrays, in parallel over numba
threads (``prange`` over trajectories). A trajectory's arithmetic is sequential and its initial conditions come
from its own random generator (drawn in Python), so its result depends only on its seed, never on the number of
threads.

The couplings are those of a spin model without thresholds (the solvers fold θ into one auxiliary spin), given
either in CSR form (``indptr, indices, data``; sparse models such as Gset) or as a dense matrix (``use_dense``;
dense models such as Sherrington–Kirkpatrick), whichever reads less memory per product.

Besides the continuous amplitudes every trajectory carries the signs ``s = sign(x)`` of its amplitudes, their
local fields ``h = W s`` and the energy ``E(s) = -½ sᵀ h``, all updated incrementally when a sign changes (a
flip costs one row of W, and after the bifurcation few signs change per step). The energy of the sign state is
therefore known after every step at no extra matrix product, and each trajectory keeps the lowest-energy sign
state it has passed through, not only its final one.
"""

import numpy as np
from numba import njit, prange

# The incrementally updated sign fields and energies are recomputed exactly every this many steps (rounding
# errors of the updates never build up; one product of W per 1024 steps costs nothing).
_RECOMPUTE_EVERY = 1024


@njit(inline="always")
def _row_product(indptr, indices, data, dense, use_dense, vector, i):
    """Row i of W times ``vector``."""
    total = 0.0
    if use_dense:
        row = dense[i]
        for j in range(row.shape[0]):
            total += row[j] * vector[j]
    else:
        for p in range(indptr[i], indptr[i + 1]):
            total += data[p] * vector[indices[p]]
    return total


@njit(inline="always")
def _sign_fields_and_energy(indptr, indices, data, dense, use_dense, spins, fields):
    """Recompute h = W s exactly into ``fields``; return E(s) = -½ sᵀh."""
    m = spins.shape[0]
    energy = 0.0
    for i in range(m):
        total = 0.0
        if use_dense:
            row = dense[i]
            for j in range(m):
                total += row[j] * spins[j]
        else:
            for p in range(indptr[i], indptr[i + 1]):
                total += data[p] * spins[indices[p]]
        fields[i] = total
        energy -= 0.5 * spins[i] * total
    return energy


@njit(inline="always")
def _follow_signs(indptr, indices, data, dense, use_dense, amplitudes, spins, fields, energy):
    """Flip every spin whose amplitude changed sign (one at a time, fields kept exact); return the new energy.

    An amplitude of exactly zero keeps its spin.
    """
    m = spins.shape[0]
    for i in range(m):
        value = amplitudes[i]
        if (value > 0.0 and spins[i] < 0) or (value < 0.0 and spins[i] > 0):
            energy += 2.0 * spins[i] * fields[i]  # ΔE of flipping spin i (no thresholds)
            change = -2.0 * spins[i]
            spins[i] = -spins[i]
            if use_dense:
                row = dense[i]
                for j in range(m):
                    fields[j] += change * row[j]
            else:
                for p in range(indptr[i], indptr[i + 1]):
                    fields[indices[p]] += change * data[p]
    return energy


@njit(parallel=True, cache=True, nogil=True)
def bifurcation_chunk(indptr, indices, data, dense, use_dense, discrete, coupling, time_step, pump, pressure_slope,
                      start, stop, positions, momenta, spins, sign_fields, energies, best_states, best_energies, trace):
    """Steps ``start..stop-1`` of simulated bifurcation (Goto et al. 2019, 2021) on every trajectory.

    Symplectic Euler with inelastic walls, for each spin i at step k (time t = k·dt)::

        a(t) = min(a0, pressure_slope · t)
        y_i += dt · (−(a0 − a(t)) x_i + c0 · f_i)      f = W x (ballistic) or W sign(x) (discrete)
        x_i += dt · a0 · y_i
        |x_i| > 1  →  x_i = sign(x_i), y_i = 0

    ``positions``/``momenta`` (T, m) float64, ``spins`` (T, m) int8, their fields ``sign_fields`` (T, m) and
    ``energies`` (T,) are updated in place; the fields and energies are recomputed exactly at step 0 and every
    ``_RECOMPUTE_EVERY`` steps, at steps that do not depend on how the run is cut into calls, so the result
    does not depend on the calls' timing either. ``best_states``/``best_energies`` keep each
    trajectory's lowest-energy sign state; ``trace[r, k - start]`` receives its sign state's energy after step k.
    """
    trajectories, m = positions.shape
    for r in prange(trajectories):
        # private copies: rows of a shared array written by two threads would share cache lines
        x = positions[r].copy()
        y = momenta[r].copy()
        state = spins[r].copy()
        fields = sign_fields[r].copy()
        force = np.empty(m)
        energy = energies[r]
        best = best_energies[r]
        for k in range(start, stop):
            if k % _RECOMPUTE_EVERY == 0:
                energy = _sign_fields_and_energy(indptr, indices, data, dense, use_dense, state, fields)
            pressure = min(pump, pressure_slope * time_step * k)
            detuning = pump - pressure
            if discrete:
                # the field of the signs at the start of the step (fields change only in _follow_signs below)
                for i in range(m):
                    force[i] = fields[i]
            else:
                for i in range(m):
                    force[i] = _row_product(indptr, indices, data, dense, use_dense, x, i)
            for i in range(m):
                y[i] += time_step * (coupling * force[i] - detuning * x[i])
                x[i] += time_step * pump * y[i]
                if x[i] > 1.0:
                    x[i] = 1.0
                    y[i] = 0.0
                elif x[i] < -1.0:
                    x[i] = -1.0
                    y[i] = 0.0
            energy = _follow_signs(indptr, indices, data, dense, use_dense, x, state, fields, energy)
            trace[r, k - start] = energy
            if energy < best:
                best = energy
                best_states[r, :] = state
        positions[r, :] = x
        momenta[r, :] = y
        spins[r, :] = state
        sign_fields[r, :] = fields
        energies[r] = energy
        best_energies[r] = best


@njit(parallel=True, cache=True, nogil=True)
def amplitude_control_chunk(indptr, indices, data, dense, use_dense, coupling, time_step, error_rate, pump_start,
                            pump_end, target_start, target_end, ramp_steps, feedback, feedback_scale, start, stop,
                            positions, errors, spins, sign_fields, energies, best_states, best_energies, trace):
    """Steps ``start..stop-1`` of chaotic amplitude control (Leleu et al. 2019) on every trajectory.

    Euler steps of, for each spin i at step k::

        dx_i/dt = −x_i³ + (p_k − 1) x_i + ξ e_i Σ_j W_ij x_j
        de_i/dt = −β e_i (x_i² − a),   a = α_k + ρ tanh((E(s) − E_best) / scale)

    with the pump ``p_k`` and the target ``α_k`` rising linearly from their start to their end values over
    steps 0..``ramp_steps`` and constant after, ξ = ``coupling``, β = ``error_rate``, ρ = ``feedback`` and
    scale = ``feedback_scale``; E(s) is the energy of the current signs and E_best the lowest this trajectory
    has seen, so a trajectory stuck above its best raises its target amplitude and its error variables grow
    faster, destabilising the state. Amplitudes are clipped to ±1.5·sqrt(a) and error variables kept in
    [1e-3, 1e3] so the Euler steps stay bounded. Arrays as in :func:`bifurcation_chunk` (``errors`` in place of
    momenta).
    """
    trajectories, m = positions.shape
    for r in prange(trajectories):
        x = positions[r].copy()
        e = errors[r].copy()
        state = spins[r].copy()
        fields = sign_fields[r].copy()
        force = np.empty(m)
        energy = energies[r]
        best = best_energies[r]
        for k in range(start, stop):
            if k % _RECOMPUTE_EVERY == 0:
                energy = _sign_fields_and_energy(indptr, indices, data, dense, use_dense, state, fields)
            progress = min(1.0, k / ramp_steps)
            gain = pump_start + progress * (pump_end - pump_start) - 1.0
            target = target_start + progress * (target_end - target_start)
            if feedback != 0.0 and best < np.inf:
                target += feedback * np.tanh((energy - best) / feedback_scale)
            target = max(target, 1e-3)
            limit = 1.5 * np.sqrt(target)
            for i in range(m):
                force[i] = _row_product(indptr, indices, data, dense, use_dense, x, i)
            for i in range(m):
                value = x[i]
                value += time_step * (-value * value * value + gain * value + coupling * e[i] * force[i])
                if value > limit:
                    value = limit
                elif value < -limit:
                    value = -limit
                x[i] = value
                error = e[i] - time_step * error_rate * e[i] * (value * value - target)
                e[i] = min(max(error, 1e-3), 1e3)
            energy = _follow_signs(indptr, indices, data, dense, use_dense, x, state, fields, energy)
            trace[r, k - start] = energy
            if energy < best:
                best = energy
                best_states[r, :] = state
        positions[r, :] = x
        errors[r, :] = e
        spins[r, :] = state
        sign_fields[r, :] = fields
        energies[r] = energy
        best_energies[r] = best
