"""Anneal a constrained problem's energy and raise the penalty whenever the answer stays infeasible.

The global penalty rule of :mod:`hopopt.constrained.builder` makes every ground state feasible, but penalties
that large make the landscape so rugged that annealing ends far from the optimum (on random 40-variable
models with two knapsack rows, 206–217 against optima 357–369). :func:`anneal_raising_penalty` starts from the
problem's ``start_penalty()`` (for builder models a quarter of the *local* penalty, the most one flip can
change the objective; knapsack and set cover start at their own local rules) and anneals in rounds
until the time is spent: every restart's final state is decoded (repaired) and, where the problem offers
``polish``, improved by a local search on the original problem (flips and swaps that keep every constraint);
after a round whose best solution is infeasible the penalty is multiplied by ``growth`` and the next round gets
half of the remaining time, after a feasible one the next round anneals again from new seeds with all of it,
and the best feasible solution of all rounds is kept. Under a time limit a round is started only when it fits:
the last round's model building, its anneal's run past its share (the set-up) and its decoding, as measured, must
fit the time left; each anneal's share leaves that time (the first one its estimated set-up, and it gets half of
the rest), so the answer comes back within the command's deadline. The polish
matters: without it the same anneals reach 244–294 on those models, with it 356–369. Problems built on the model builder (the ``model`` kind,
knapsack, set cover, ...) use it as their default solver.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from .. import control
from ..solvers import anneal
from ..solvers._common import (SETUP_OVERRUN_S, Clock, check_time_limit, not_started, setup_seconds,
                               warm_up_seconds)

__all__ = ["anneal_raising_penalty"]

# Each round gets this share of what is left of the time limit (the last round all of it).
_ROUND_SHARE = 0.5
# Restarts per round when the caller gives none: every restart's final state is repaired and polished, so more
# (shorter) restarts give the polish more different starting points. Measured on the random builder models of
# benchmarks/encoders.py (41 binaries + slack, 20 seeds, 1 s, quiet machine): the proved optimum in 16/20 with
# 2 restarts (the thread count), 20/20 with 8 — tuned on the same generator the benchmark uses.
_DEFAULT_RESTARTS = 8
# Rounds below this many seconds are not started (a round pays model building and kernel start-up).
_SHORTEST_ROUND = 0.05


def _setup_estimate(model, build):
    """Seconds the anneal spends on a model before its search (the first round's; later rounds use what the last
    one measured), kernel loading aside as :func:`hopopt.solve` counts it: its passes over the couplings (its
    copies, the β range, the final polish), at least :func:`~hopopt.solvers._common.setup_seconds` and at least
    the ``build`` seconds that building the model took (a few passes over the same couplings on this machine, as
    loaded as it is now: at 10⁷ couplings the anneal's set-up took 1.5-2 s on a busy machine, setup_seconds
    says 0.45 s)."""
    return max(setup_seconds(model), build)


def _unstarted_answer(problem, result, penalty, seconds):
    """The workflow's answer from an anneal not started: its random state decoded (repaired), unpolished."""
    solution = problem.decode(result.best_state)
    evaluation = problem.evaluate(solution)
    rounds = [{"penalty": penalty, "objective": float(evaluation.objective), "feasible": bool(evaluation.feasible),
               "seconds": seconds}]
    return solution, result, {"penalty": penalty, "penalty_rounds": rounds, "polish": "repair",
                              "note": result.info["note"]}


def _after_search(anneal_seconds, share, finish, restarts):
    """Seconds a round took after its anneal's share of the time, as measured on it: the anneal's run past its
    share (its set-up when the share was short), decoding (and polishing) the restarts, and one restart's
    decoding more for the caller's evaluation of the answer.

    >>> _after_search(1.1, 1.0, 0.4, 8)
    0.55
    """
    excess = max(anneal_seconds - share, 0.0) if share is not None else 0.0
    return round(excess + finish + finish / max(restarts, 1), 12)


def _better(candidate, incumbent, sense):
    if incumbent is None:
        return True
    if candidate[1] != incumbent[1]:  # feasible beats infeasible
        return candidate[1]
    return candidate[2] > incumbent[2] if sense == "max" else candidate[2] < incumbent[2]


def anneal_raising_penalty(problem, *, time_limit=None, rng=None, restarts=None, sweeps=None, moves="auto",
                           acceptance="metropolis", growth=2.0, max_rounds=8, start_fraction=None):
    """Anneal ``problem.to_model(penalty)`` in rounds, raising the penalty after infeasible rounds.

    Parameters
    ----------
    problem : a problem with ``to_model(penalty)``, ``default_penalty()``, ``decode``, ``evaluate``
    time_limit : float, optional
        Seconds for all rounds: each gets half of what is left; with ``sweeps`` and no limit, rounds run
        until one is feasible (at most ``max_rounds``).
    rng : None, int or Generator
        One child generator per round.
    restarts, sweeps, moves, acceptance
        Passed to :func:`hopopt.solvers.anneal` (restarts default to 8, see ``_DEFAULT_RESTARTS``).
    growth : float
        Penalty factor after an infeasible round.
    max_rounds : int
        At most this many rounds (each with its own child generator of ``rng``).
    start_fraction : float, optional
        The first round's penalty as a fraction of ``problem.local_penalty()``; default: the problem's own
        ``start_penalty()`` (a quarter of the local penalty for builder models, see
        :meth:`ConstrainedModel.start_penalty`), else its ``default_penalty()``.

    Returns
    -------
    (solution, SolveResult, extras)
        The best solution of all rounds (feasible ones first), the anneal that found it, and ``penalty`` (the
        penalty of that anneal) and ``penalty_rounds`` (penalty, objective, feasible, seconds per round).

    Examples
    --------
    >>> from hopopt.constrained import ConstrainedModel
    >>> from hopopt.workflows.constrained import anneal_raising_penalty
    >>> model = ConstrainedModel.random(10, rng=0)
    >>> solution, result, extras = anneal_raising_penalty(model, sweeps=200, rng=0)
    >>> model.evaluate(solution).feasible
    True
    """
    # a command's deadline (hopopt.control) shortens the limit; the clock also stops at it without one
    time_limit = control.time_left(check_time_limit(time_limit))
    children = np.random.default_rng(rng).spawn(int(max_rounds))
    clock = Clock(time_limit)
    if start_fraction is not None:
        penalty = float(start_fraction) * float(problem.local_penalty())
    elif hasattr(problem, "start_penalty"):
        penalty = float(problem.start_penalty())
    else:
        penalty = float(problem.default_penalty())
    polish = getattr(problem, "polish", None)
    best_candidate = best_result = best_penalty = None
    rounds = []
    stopped = False  # the command's deadline or Ctrl-C ended the rounds (hopopt.control)
    build = after = None  # the last round's seconds to build its model, and after its anneal's search
    for index, child in enumerate(children):
        if rounds and control.should_stop():
            stopped = True
            break
        if time_limit is not None and rounds and clock.remaining() < build + after + _SHORTEST_ROUND:
            break  # the round would not fit: its model, the anneal's set-up and the decoding as the last one took
        tic = time.perf_counter()
        model = problem.to_model(penalty)
        built = time.perf_counter()
        share = None
        if time_limit is not None:
            # what is left after the model, less what came after the last round's search: for the first round
            # the anneal's set-up as estimated (counted high), and it gets half, the rest covering its decoding;
            # all of it after a feasible round
            settled = index == len(children) - 1 or (rounds and rounds[-1]["feasible"])
            remaining = clock.remaining() - (_setup_estimate(model, built - tic) if after is None else after)
            if after is None and remaining < -SETUP_OVERRUN_S and control.active() is not None:
                # the first anneal's set-up alone would outlast the deadline: not started (a seeded random state, as hopopt.solve answers)
                result = not_started(model, child, "anneal", clock.remaining(),
                                     setup=_setup_estimate(model, built - tic))
                annealed = time.perf_counter()
                return _unstarted_answer(problem, result, penalty, annealed - tic)
            if after is None:
                # the kernels' loading too (0 once loaded; not counted to start, as hopopt.solve does not)
                remaining -= warm_up_seconds("flips", "lattice-flips", "polish")
            share = max(remaining, 1e-3) * (1.0 if settled and after is not None else _ROUND_SHARE)
        result = anneal(model, n_sweeps=sweeps, n_restarts=restarts or _DEFAULT_RESTARTS,
                        time_limit=share, acceptance=acceptance, moves=moves, rng=child)
        annealed = time.perf_counter()
        del model  # millions of couplings at 10³ rows: not kept while the next round builds its own
        # every restart's final state, repaired (and polished): the best is this round's answer
        round_best = None
        for state in result.states:
            solution = problem.decode(state)
            evaluation = problem.evaluate(solution)
            # the polish is a local search per restart (seconds on large set covers): not past the deadline
            if polish is not None and evaluation.feasible and not control.should_stop():
                solution = polish(solution)
                evaluation = problem.evaluate(solution)
            candidate = (solution, bool(evaluation.feasible), float(evaluation.objective))
            if _better(candidate, round_best, problem.sense):
                round_best = candidate
        finished = time.perf_counter()
        build, after = built - tic, _after_search(annealed - built, share, finished - annealed, len(result.states))
        rounds.append({"penalty": penalty, "objective": round_best[2], "feasible": round_best[1],
                       "seconds": finished - tic})
        if _better(round_best, best_candidate, problem.sense):
            best_candidate, best_result, best_penalty = round_best, result, penalty
        if not round_best[1]:
            penalty *= growth
        elif time_limit is None:
            break
    extras = {"penalty": best_penalty, "penalty_rounds": rounds,
              "polish": "repair, then flips and swaps" if polish is not None else "repair"}
    if stopped:
        # the command stopped the search as a whole, whichever round found the best answer
        best_result = dataclasses.replace(best_result, status=clock.stop_status())
    return best_candidate[0], best_result, extras
