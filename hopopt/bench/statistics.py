"""Statistics over repeated solver runs: success intervals, time to solution and gaps to a target.

A heuristic solver run once with one seed either reaches the target objective or does not. Over ``runs``
seeds with ``successes`` hits, the success probability per run is estimated as ``p = successes / runs``.

**Time to solution (TTS99).** Following Rønnow et al., "Defining and detecting quantum speedup",
Science 345, 420 (2014), the time to solution is the time needed to reach the target at least once with
99 % probability when independent runs are repeated::

    R(p) = ln(1 - 0.99) / ln(1 - p)      runs (at least one run: R = max(1, R))
    TTS  = R(p) * time_per_run

with ``R(0) = inf`` (never succeeds) and ``R(1) = 1``. Here the time per run is the mean wall time of the
runs.

**Interval.** ``p`` is estimated from few runs, so it carries an exact (Clopper–Pearson) binomial
confidence interval ``[p_low, p_high]``. ``R`` is a decreasing function of ``p``, so mapping the interval
through it gives an interval for the time to solution with the same confidence, with the ends swapped:
``TTS_low = TTS(p_high)`` and ``TTS_high = TTS(p_low)``. When no run succeeded ``p_low = 0`` and the upper
end is infinite: the runs cannot exclude that the solver never reaches the target. The uncertainty of the
mean time per run is not included.

Everything returned is a plain Python ``float``, ``int``, ``bool``, ``None`` or ``math.inf`` (never a numpy
type), so rows can be written with :mod:`json` once infinities are mapped.
"""

from __future__ import annotations

import math
import statistics as _statistics
from numbers import Integral

from ..result import relative_gap  # defined beside the results, so the command reads it without scipy.stats


__all__ = [
    "clopper_pearson",
    "runs_to_solution",
    "time_to_solution",
    "tts_interval",
    "relative_gap",
    "reaches",
    "summarize",
]

SENSES = ("max", "min")


def _check_confidence(confidence, name="confidence"):
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {confidence!r}")


def _check_sense(sense):
    if sense not in SENSES:
        raise ValueError(f"sense must be 'max' or 'min', got {sense!r}")


def clopper_pearson(successes, runs, confidence=0.95):
    """Exact (Clopper–Pearson) confidence interval of a binomial success probability.

    Parameters
    ----------
    successes : int
        Number of successful runs, ``0 <= successes <= runs``.
    runs : int
        Number of runs, at least 1.
    confidence : float
        Confidence level, strictly between 0 and 1.

    Returns
    -------
    (float, float)
        ``(low, high)``; ``low`` is 0 when ``successes == 0`` and ``high`` is 1 when ``successes == runs``.

    Examples
    --------
    >>> from hopopt.bench.statistics import clopper_pearson
    >>> low, high = clopper_pearson(0, 10)
    >>> low, round(high, 4)
    (0.0, 0.3085)
    """
    if isinstance(runs, bool) or not isinstance(runs, Integral) or runs < 1:
        raise ValueError(f"runs must be an integer >= 1, got {runs!r}")
    if isinstance(successes, bool) or not isinstance(successes, Integral) or not 0 <= successes <= runs:
        raise ValueError(f"successes must be an integer between 0 and runs={runs}, got {successes!r}")
    _check_confidence(confidence)
    # the interval's ends are quantiles of beta distributions (the Clopper–Pearson definition): scipy.special's
    # inverse incomplete beta gives them directly and imports in a fifth of a second, where scipy.stats (whose
    # binomtest finds the same ends by root finding, within 1e-12) takes about a second to import
    from scipy.special import betaincinv

    k, n = int(successes), int(runs)
    tail = (1.0 - confidence) / 2.0
    low = 0.0 if k == 0 else float(betaincinv(k, n - k + 1, tail))
    high = 1.0 if k == n else float(betaincinv(k + 1, n - k, 1.0 - tail))
    return low, high


def runs_to_solution(p, target_probability=0.99):
    """Runs needed to reach the target at least once with probability ``target_probability``.

    ``R(p) = ln(1 - target_probability) / ln(1 - p)``, at least 1 (a single run is the least one can do).

    Parameters
    ----------
    p : float
        Success probability of one run, in ``[0, 1]``.
    target_probability : float
        Wanted probability of at least one success, strictly between 0 and 1.

    Returns
    -------
    float
        ``math.inf`` when ``p == 0``; 1.0 when ``p == 1``.

    Examples
    --------
    >>> from hopopt.bench.statistics import runs_to_solution
    >>> round(runs_to_solution(0.5), 4)
    6.6439
    >>> runs_to_solution(0.0), runs_to_solution(1.0), runs_to_solution(0.999)
    (inf, 1.0, 1.0)
    """
    if not 0.0 <= p <= 1.0:  # also rejects NaN
        raise ValueError(f"p must lie in [0, 1], got {p!r}")
    _check_confidence(target_probability, "target_probability")
    if p == 0.0:
        return math.inf
    if p == 1.0:
        return 1.0
    # log1p keeps precision for small p, where ln(1 - p) ~ -p
    return max(1.0, math.log1p(-target_probability) / math.log1p(-float(p)))


def time_to_solution(p, time_per_run, target_probability=0.99):
    """Time to reach the target at least once with probability ``target_probability``: ``R(p) * time_per_run``.

    Parameters
    ----------
    p : float
        Success probability of one run, in ``[0, 1]``.
    time_per_run : float
        Time one run takes (seconds), ``>= 0``.
    target_probability : float
        Wanted probability of at least one success, strictly between 0 and 1.

    Returns
    -------
    float
        ``math.inf`` when ``p == 0`` (even for zero time per run: the target is never reached).

    Examples
    --------
    >>> from hopopt.bench.statistics import time_to_solution
    >>> round(time_to_solution(0.5, 2.0), 4)
    13.2877
    >>> time_to_solution(1.0, 2.0), time_to_solution(0.0, 2.0)
    (2.0, inf)
    """
    if not 0.0 <= time_per_run < math.inf:  # also rejects NaN
        raise ValueError(f"time_per_run must be finite and >= 0, got {time_per_run!r}")
    runs = runs_to_solution(p, target_probability)
    if runs == math.inf:
        # inf * 0 would be NaN; a solver that never succeeds never gets there
        return math.inf
    return runs * float(time_per_run)


def tts_interval(successes, runs, time_per_run, confidence=0.95, target_probability=0.99):
    """Time to solution estimated from ``successes`` of ``runs``, with its confidence interval.

    The Clopper–Pearson interval ``[p_low, p_high]`` is mapped through the decreasing function
    :func:`time_to_solution`, so ``low = TTS(p_high)`` and ``high = TTS(p_low)``.

    Parameters
    ----------
    successes, runs : int
        Successful runs and all runs (``runs >= 1``).
    time_per_run : float
        Time one run takes (seconds); the mean over the runs is the usual choice.
    confidence : float
        Confidence level of the interval.
    target_probability : float
        Wanted probability of at least one success (0.99 gives TTS99).

    Returns
    -------
    (float, float, float)
        ``(tts, low, high)`` with ``low <= tts <= high``; ``high`` is ``math.inf`` when ``successes == 0``.

    Examples
    --------
    >>> from hopopt.bench.statistics import tts_interval
    >>> tts, low, high = tts_interval(5, 10, 1.0)
    >>> round(tts, 4), round(low, 4), round(high, 4)
    (6.6439, 2.7474, 22.2332)
    >>> tts_interval(0, 10, 1.0)[::2]
    (inf, inf)
    """
    p_low, p_high = clopper_pearson(successes, runs, confidence)
    tts = time_to_solution(successes / runs, time_per_run, target_probability)
    return (tts, time_to_solution(p_high, time_per_run, target_probability),
            time_to_solution(p_low, time_per_run, target_probability))


def reaches(objective, target, sense, tolerance=1e-9):
    """Whether ``objective`` is at least as good as ``target`` within a relative ``tolerance``.

    Equivalent to ``relative_gap(objective, target, sense) <= tolerance``: the tolerance is relative to
    ``|target|``, and absolute when ``target == 0``. The tolerance absorbs rounding in objectives that are
    sums of floats.

    Parameters
    ----------
    objective, target : float or None
        A missing objective or target never counts as reached.
    sense : {"max", "min"}
    tolerance : float

    Returns
    -------
    bool

    Examples
    --------
    >>> from hopopt.bench.statistics import reaches
    >>> reaches(100.0 - 1e-8, 100.0, "max"), reaches(99.0, 100.0, "max"), reaches(99.0, 100.0, "min")
    (True, False, True)
    """
    gap = relative_gap(objective, target, sense)
    return gap is not None and gap <= tolerance


def _first(records, key, default=None):
    """The first value of ``key`` that is present and not None among ``records``."""
    for record in records:
        value = record.get(key)
        if value is not None:
            return value
    return default


def _mean(values):
    return math.fsum(values) / len(values) if values else None


def _median(values):
    return float(_statistics.median(values)) if values else None


def _summary_row(records, confidence, target_probability):
    first = records[0]
    ok_records = [record for record in records if record.get("status", "ok") == "ok"]
    # a feasible run must also carry its objective: every statistic below is about objectives
    feasible_records = [record for record in ok_records
                        if record.get("feasible") is not None and bool(record["feasible"])
                        and record.get("objective") is not None]
    runs = len(ok_records)
    sense = _first(records, "sense", "min")
    _check_sense(sense)
    target = _first(ok_records, "target", _first(records, "target"))
    target = None if target is None else float(target)
    n = _first(records, "n")
    notes = []
    for record in records:
        note = record.get("note") or ""
        if note and note not in notes:
            notes.append(note)
    row = {
        "block": first.get("block", ""),
        "problem": first["problem"],
        "instance": first["instance"],
        "n": None if n is None else int(n),
        "solver": first["solver"],
        "kind": _first(records, "kind", ""),
        "runs": runs,
        "feasible_runs": len(feasible_records),
        "valid_rate": None,
        "target": target,
        "successes": None,
        "success_probability": None,
        "success_low": None,
        "success_high": None,
        "tts99": None,
        "tts99_low": None,
        "tts99_high": None,
        "mean_time_s": None,
        "median_time_s": None,
        "best_objective": None,
        "median_objective": None,
        "best_gap": None,
        "median_gap": None,
        "worst_gap": None,
        "mean_residual": None,
        "mean_residual_energy": None,
        # the status of a group with no ok run tells why (e.g. "not installed"): the first record's
        "status": "ok" if runs else first.get("status", "failed"),
        "note": "; ".join(notes),
    }
    if runs == 0:
        return row

    row["valid_rate"] = len(feasible_records) / runs
    # every run costs its time, feasible or not, so the time per run is over all ok runs
    times = [float(record["time_s"]) for record in ok_records if record.get("time_s") is not None]
    row["mean_time_s"] = _mean(times)
    row["median_time_s"] = _median(times)

    objectives = [float(record["objective"]) for record in feasible_records]
    if objectives:
        row["best_objective"] = max(objectives) if sense == "max" else min(objectives)
        row["median_objective"] = _median(objectives)

    gaps = []
    for record in feasible_records:
        gap = record.get("gap")
        if gap is None:
            gap = relative_gap(record["objective"], target, sense)
        if gap is not None:
            gaps.append(float(gap))
    if gaps:
        row["best_gap"], row["median_gap"], row["worst_gap"] = min(gaps), _median(gaps), max(gaps)

    if target is None:
        return row

    successes = sum(1 for record in feasible_records if reaches(record["objective"], target, sense))
    if all(record.get("deterministic") for record in ok_records):
        # a solver that ignores its seed either reaches the target or not: no sampling uncertainty, and its
        # time to solution is one run (or never)
        probability = successes / runs
        row.update(successes=successes, success_probability=probability, success_low=probability,
                   success_high=probability)
        if row["mean_time_s"] is not None:
            tts = row["mean_time_s"] if successes else math.inf
            row.update(tts99=tts, tts99_low=tts, tts99_high=tts)
    else:
        probability_low, probability_high = clopper_pearson(successes, runs, confidence)
        row.update(successes=successes, success_probability=successes / runs,
                   success_low=probability_low, success_high=probability_high)
        if row["mean_time_s"] is not None:
            row["tts99"], row["tts99_low"], row["tts99_high"] = tts_interval(
                successes, runs, row["mean_time_s"], confidence, target_probability)

    if feasible_records:
        residuals = [abs(float(record["objective"]) - target) for record in feasible_records]
        row["mean_residual"] = _mean(residuals)
        scales = [record.get("energy_per_objective") for record in feasible_records]
        # residual energy only where every run's encoding relates energy and objective affinely
        if all(scale is not None for scale in scales):
            row["mean_residual_energy"] = _mean([residual * float(scale)
                                                 for residual, scale in zip(residuals, scales)])
    return row


def summarize(records, confidence=0.95, target_probability=0.99):
    """One summary row per (block, problem, instance, solver) over the seeds of its run records.

    Parameters
    ----------
    records : iterable of dict
        Run records (keys in the benchmark spec: ``problem``, ``instance``, ``solver``, ``status``,
        ``objective``, ``feasible``, ``time_s``, ``sense``, ``target``, optionally ``gap``, ``block``,
        ``n``, ``kind``, ``energy_per_objective``, ``note``).
    confidence : float
        Confidence level of the success and TTS intervals.
    target_probability : float
        Probability of the time-to-solution (0.99: TTS99).

    Returns
    -------
    list of dict
        Groups in the order they are first seen. ``runs`` counts the ``"ok"`` records; statistics are
        None when there are none, and success and TTS entries are None when the target is unknown. A
        run's ``gap`` is used when given, otherwise computed with :func:`relative_gap`. ``mean_residual``
        is the mean ``|objective - target|`` over feasible runs and ``mean_residual_energy`` that times
        the encoding's ``energy_per_objective`` (None when a run lacks it). ``note`` joins the distinct
        non-empty notes.

    Examples
    --------
    >>> from hopopt.bench.statistics import summarize
    >>> records = [{"problem": "maxcut", "instance": "k4", "solver": "hopopt-anneal", "seed": seed,
    ...             "status": "ok", "objective": objective, "feasible": True, "time_s": 0.5,
    ...             "sense": "max", "target": 4.0} for seed, objective in enumerate([4.0, 3.0])]
    >>> row = summarize(records)[0]
    >>> row["runs"], row["successes"], row["best_gap"], row["worst_gap"], round(row["tts99"], 3)
    (2, 1, 0.0, 0.25, 3.322)
    """
    _check_confidence(confidence)
    _check_confidence(target_probability, "target_probability")
    groups = {}
    for record in records:
        key = (record.get("block", ""), record["problem"], record["instance"], record["solver"])
        groups.setdefault(key, []).append(record)
    return [_summary_row(group, confidence, target_probability) for group in groups.values()]
