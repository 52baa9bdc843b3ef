"""Penalty mode done right: anneal the penalty energy with single flips, raise the penalty until feasible.

A penalty encoding turns constraints into energy terms weighted by a penalty A. Too small an A and the lowest
states break constraints; too large and the landscape is so rugged that annealing gets stuck far from good
solutions. :func:`penalty_loop` starts low and multiplies A by ``growth`` whenever the best state found is
infeasible, solving again, and reports the penalty it ended with.
"""

from __future__ import annotations

import time
import dataclasses
from typing import Callable

import numpy as np

from .. import control
from ..result import SolveResult, Status
from ._common import Clock, check_time_limit
from .anneal import anneal

__all__ = ["penalty_loop"]


def penalty_loop(build_model: Callable, is_feasible: Callable, initial_penalty: float, *, growth=2.0,
                 max_rounds=8, time_limit=None, rng=None, **anneal_options) -> SolveResult:
    """Single-flip annealing of a penalty energy, raising the penalty until the best state is feasible.

    Parameters
    ----------
    build_model : callable
        ``build_model(penalty) -> EnergyModel``.
    is_feasible : callable
        ``is_feasible(state) -> bool`` for a state of that model.
    initial_penalty : float
        The first penalty tried (e.g. the bound above which ground states are feasible).
    growth : float, default 2
        Factor applied to the penalty after an infeasible round.
    max_rounds : int, default 8
    time_limit : float, optional
        Seconds for all rounds; each round gets half of what is left (the last one all of it).
    rng : None, int or Generator
        One child per round (``rng.spawn``).
    **anneal_options
        Passed to :func:`hopopt.solvers.anneal` (``n_sweeps``, ``n_restarts``, ...); moves are single flips.

    Returns
    -------
    SolveResult
        The last round's anneal (on the model with the final penalty), with ``solver`` "penalty_loop",
        ``time_s`` the wall time of all rounds, and in ``info``: ``penalty`` (the one it ended with),
        ``feasible`` (whether the final best state satisfies every constraint) and ``penalty_rounds`` (one
        entry per round: penalty, best energy, feasible, seconds).

    Examples
    --------
    >>> from hopopt.problems import TSP
    >>> from hopopt.solvers import penalty_loop
    >>> problem = TSP.random(5, rng=2)
    >>> found = penalty_loop(problem.to_model, lambda s: not problem.state_violations(s),
    ...                      problem.penalty_bound(), n_sweeps=2000, n_restarts=4, rng=0)
    >>> found.info["feasible"]
    True
    """
    # a command's deadline (hopopt.control) shortens the limit; the clock also stops at it without one
    time_limit = control.time_left(check_time_limit(time_limit))
    if not growth > 1:
        raise ValueError(f"growth must be > 1, got {growth}")
    if not initial_penalty > 0:
        raise ValueError(f"initial_penalty must be positive, got {initial_penalty}")
    children = np.random.default_rng(rng).spawn(int(max_rounds))
    clock = Clock(time_limit)
    penalty = float(initial_penalty)
    history = []
    stopped = False  # the clock (time limit, the command's deadline, Ctrl-C) ended the rounds
    for round_index, child in enumerate(children):
        share = None
        if history and clock.out_of_time():
            stopped = True
            break
        if time_limit is not None:
            remaining = clock.remaining()
            # half of what is left (all of it in the last round): the first, cheapest penalty gets the most
            # time, and a raised penalty still gets a real run
            last_round = round_index == max_rounds - 1
            share = max(remaining, 1e-3) * (1.0 if last_round else 0.5)
        tic = time.perf_counter()
        result = anneal(build_model(penalty), moves="single-flip", time_limit=share, rng=child, **anneal_options)
        feasible = bool(is_feasible(result.best_state))
        history.append({"penalty": penalty, "best_energy": result.best_energy, "feasible": feasible,
                        "seconds": time.perf_counter() - tic})
        if feasible:
            break
        penalty *= growth
    seconds = clock.elapsed()
    info = {**result.info, "penalty": history[-1]["penalty"], "feasible": history[-1]["feasible"],
            "penalty_rounds": history}
    status = result.status
    if stopped and control.stop_reason() == "interrupted":
        # Ctrl-C between two rounds: the last round ended on its own, the loop did not
        status = Status.INTERRUPTED
    return dataclasses.replace(result, solver="penalty_loop", info=info, status=status,
                               timings={**result.timings, "solve": seconds, "total": seconds})
