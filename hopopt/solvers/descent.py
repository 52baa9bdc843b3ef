"""Deterministic Hopfield dynamics: asynchronous descent to a fixed point, synchronous updates with 2-cycles."""

from __future__ import annotations

import numpy as np

from .. import control
from ..result import SolveResult, Status
from . import _kernels as kernels
from ._common import (Clock, check_model, check_positive_int, check_time_limit, spin_states, to_model_vartype,
                      warm_up)

__all__ = ["descend", "descend_restarts", "synchronous"]

# Sweeps handed to the kernel per call; the random visiting orders are drawn per batch.
_SWEEP_BATCH = 16


def _start_state(model, initial_state, generator):
    if initial_state is None:
        return (2 * generator.integers(0, 2, model.n) - 1).astype(np.int8)
    return spin_states(model, initial_state, 1)[0].copy()


def descend(model, initial_state=None, *, order="random", max_sweeps=1000, rng=None) -> SolveResult:
    """Asynchronous Hopfield updates ``s_i <- sgn(h_i - θ_i)``, one neuron at a time, to a fixed point.

    Each update either keeps s_i or flips it with ``ΔE_i = 2 s_i (h_i - θ_i) < 0``, so the energy never
    rises and, W being symmetric, a fixed point (a local minimum under single flips) is always reached.

    Parameters
    ----------
    model : EnergyModel
    initial_state : array_like, optional
        Start state in the model's vartype; random from ``rng`` when omitted.
    order : {"random", "fixed"} or array_like of int
        Visit neurons in a fresh random permutation each sweep, in index order, or in the given order.
    max_sweeps : int, default 1000
        Give up (status ``SWEEP_LIMIT``) after this many sweeps.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    SolveResult
        ``trace`` holds the energy before any flip and after every flip; ``info["flipped"]`` the neuron
        flipped at each step (so a run can be replayed or animated); ``sweeps_done`` includes the final
        flip-free sweep.

    Examples
    --------
    >>> from hopopt import EnergyModel
    >>> from hopopt.solvers import descend
    >>> model = EnergyModel([[0, 1], [1, 0]])
    >>> result = descend(model, [1, -1], order="fixed")
    >>> result.best_state.tolist(), result.trace.tolist(), result.message
    ([-1, -1], [1.0, -1.0], 'reached a fixed point: no update changes the state')
    """
    model = check_model(model)
    max_sweeps = check_positive_int("max_sweeps", max_sweeps)
    generator = np.random.default_rng(rng)
    n = model.n
    if isinstance(order, str):
        if order not in ("random", "fixed"):
            raise ValueError(f"order must be 'random', 'fixed' or a permutation of 0..n-1, got {order!r}")
        fixed_order = np.arange(n, dtype=np.int64) if order == "fixed" else None
    else:
        # contiguous, so the kernel sees the array type it was compiled for
        fixed_order = np.ascontiguousarray(np.asarray(order, dtype=np.int64).reshape(-1))
        if not np.array_equal(np.sort(fixed_order), np.arange(n)):
            raise ValueError(f"order must be a permutation of 0..{n - 1}")
    spin_model = model.to_spin()
    state = _start_state(model, initial_state, generator)
    indptr, indices, data = spin_model.csr()
    warm_up("descent")

    # no limit of its own: the clock stops the descent only at a command's deadline or Ctrl-C (hopopt.control)
    clock = Clock()
    energy_trace = [np.array([spin_model.energy(state)])]
    flipped_all = []
    sweeps, converged, stopped = 0, False, None
    while sweeps < max_sweeps and not converged:
        if sweeps and clock.out_of_time():
            stopped = clock.stop_status()
            break
        batch = min(_SWEEP_BATCH, max_sweeps - sweeps)
        if fixed_order is None:
            orders = np.stack([generator.permutation(n) for _ in range(batch)]).astype(np.int64)
        else:
            orders = fixed_order[None, :]
        flipped = np.empty(batch * n, dtype=np.int64)
        energy_after = np.empty(batch * n)
        flips, done, converged = kernels.async_descent(indptr, indices, data, spin_model.thresholds,
                                                       spin_model.offset, state, orders, batch, flipped,
                                                       energy_after)
        flipped_all.append(flipped[:flips].copy())
        energy_trace.append(energy_after[:flips].copy())
        sweeps += done
        control.report(best=float(energy_trace[-1][-1]) if flips else None)
    elapsed = clock.elapsed()

    energy = model.energy(to_model_vartype(model, state))
    best_state = to_model_vartype(model, state)
    if stopped is None:
        stopped = Status.CONVERGED if converged else Status.SWEEP_LIMIT
    return SolveResult(
        states=best_state[None, :], energies=np.array([energy]), best_state=best_state, best_energy=energy,
        trace=np.concatenate(energy_trace), betas=np.empty(0), sweeps_done=sweeps,
        status=stopped,
        timings={"solve": elapsed, "total": elapsed}, solver="descend",
        info={"flipped": np.concatenate(flipped_all), "order": order if isinstance(order, str) else "given"},
    )


def descend_restarts(model, *, n_restarts=10, time_limit=None, order="random", max_sweeps=1000,
                     rng=None) -> SolveResult:
    """Asynchronous descent from ``n_restarts`` random starts (one ``rng`` child each); keep the best.

    Plain descent stops in the nearest local minimum; this is the baseline that annealing is measured
    against. The restarts run one after another and stop early when ``time_limit`` runs out.

    Parameters
    ----------
    model : EnergyModel
    n_restarts : int, default 10
        Random starts, each descended to its fixed point by :func:`hopopt.descend`.
    time_limit : float, optional
        Seconds for all restarts; the restarts left when it runs out are skipped.
    order : {"random", "fixed"} or array_like of int
        The visiting order of each descent, as in :func:`hopopt.descend`.
    max_sweeps : int, default 1000
        Sweeps per descent at most.
    rng : None, int or numpy.random.Generator
        Seeds the starts and the visiting orders (one child generator per restart).

    Returns
    -------
    SolveResult
        ``states``/``energies`` hold every restart's fixed point; ``trace`` is the best restart's
        per-flip energy.

    Examples
    --------
    >>> from hopopt import MaxCut
    >>> from hopopt.solvers import descend_restarts
    >>> result = descend_restarts(MaxCut.random(12, rng=0).to_model(), n_restarts=5, rng=0)
    >>> result.states.shape
    (5, 12)
    """
    model = check_model(model)
    n_restarts = check_positive_int("n_restarts", n_restarts)
    # a command's deadline (hopopt.control) shortens the limit; the clock also stops at it without one
    time_limit = control.time_left(check_time_limit(time_limit))
    children = np.random.default_rng(rng).spawn(n_restarts)
    clock = Clock(time_limit)
    results = []
    for child in children:
        results.append(descend(model, order=order, max_sweeps=max_sweeps, rng=child))
        control.report(best=min(result.best_energy for result in results))
        if clock.out_of_time():
            break
    elapsed = clock.elapsed()
    energies = np.array([result.best_energy for result in results])
    best = results[int(np.argmin(energies))]
    # every restart ran to its end (a fixed point or max_sweeps), none cut short by the clock
    finished = len(results) == n_restarts and results[-1].status not in (Status.TIME_LIMIT, Status.INTERRUPTED)
    return SolveResult(
        states=np.stack([result.best_state for result in results]), energies=energies,
        best_state=best.best_state, best_energy=best.best_energy, trace=best.trace, betas=np.empty(0),
        sweeps_done=max(result.sweeps_done for result in results),
        status=Status.CONVERGED if finished else clock.stop_status(),
        timings={"solve": elapsed, "total": elapsed}, solver="descend_restarts",
        info={"restarts_done": len(results)},
    )


def synchronous(model, initial_state=None, *, max_steps=1000, rng=None) -> SolveResult:
    """Synchronous (parallel) Hopfield updates ``s <- sgn(W s - θ)``, all neurons at once.

    Unlike asynchronous updates these may oscillate: with symmetric W the dynamics end in a fixed point or a
    2-cycle (Goles' theorem), and a 2-cycle is detected and reported (e.g. ``W = [[0, 1], [1, 0]]`` from
    ``[1, -1]`` swaps the two spins forever).

    Parameters
    ----------
    model : EnergyModel
    initial_state : array_like, optional
        Start state in the model's vartype; random from ``rng`` when omitted.
    max_steps : int, default 1000
    rng : None, int or numpy.random.Generator

    Returns
    -------
    SolveResult
        ``status`` is ``CONVERGED`` or ``TWO_CYCLE`` (or ``SWEEP_LIMIT``); ``trace`` has the energy of the
        state after every step (the first entry is the start); ``info["cycle"]`` holds the two states of a
        2-cycle, ``info["history"]`` every state visited.

    Examples
    --------
    >>> from hopopt import EnergyModel
    >>> from hopopt.solvers import synchronous
    >>> result = synchronous(EnergyModel([[0, 1], [1, 0]]), [1, -1])
    >>> result.message, result.info["cycle"].tolist()
    ('synchronous updates entered a 2-cycle', [[1, -1], [-1, 1]])
    """
    model = check_model(model)
    max_steps = check_positive_int("max_steps", max_steps)
    generator = np.random.default_rng(rng)
    spin_model = model.to_spin()
    state = _start_state(model, initial_state, generator).astype(np.float64)

    clock = Clock()  # stops only at a command's deadline or Ctrl-C (hopopt.control)
    history = [state.copy()]
    status = Status.SWEEP_LIMIT
    for step in range(max_steps):
        if step and clock.out_of_time():
            status = clock.stop_status()
            break
        drive = spin_model.weights @ state - spin_model.thresholds
        new_state = np.where(drive > 0, 1.0, np.where(drive < 0, -1.0, state))
        if np.array_equal(new_state, state):
            status = Status.CONVERGED
            break
        history.append(new_state)
        if len(history) >= 3 and np.array_equal(new_state, history[-3]):
            status = Status.TWO_CYCLE
            break
        state = new_state
    elapsed = clock.elapsed()

    visited = to_model_vartype(model, np.array(history, dtype=np.int8))
    energies = model.energies(visited)
    info = {"history": visited}
    if status == Status.TWO_CYCLE:
        info["cycle"] = visited[-3:-1]
    best = int(np.argmin(energies))
    return SolveResult(
        states=visited[-1:], energies=energies[-1:], best_state=visited[best], best_energy=energies[best],
        trace=energies, betas=np.empty(0), sweeps_done=len(history) - 1, status=status,
        timings={"solve": elapsed, "total": elapsed}, solver="synchronous", info=info,
    )
