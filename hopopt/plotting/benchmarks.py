"""Charts of experiments over many runs: solvers compared on one instance, gap against time, time to solution
against size, and the studies' curves (associative-memory capacity against load, Hopfield–Tank valid tours
against the penalty scale).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from hopopt.errors import InputError

from ._figures import _figure_and_axes, _no_data, _solver_colour, new_figure

__all__ = ["plot_capacity_curves", "plot_valid_rate", "plot_compare", "plot_gap_vs_time", "plot_tts_vs_size"]

def plot_capacity_curves(curves, theory=0.138, title="Hopfield memory capacity", ax=None):
    """Fraction of patterns recalled against load alpha = p / n, one curve per learning rule.

    Parameters
    ----------
    curves : dict
        ``{rule name: [(alpha, fraction), ...]}``.
    theory : float or None
        Where to draw the theoretical capacity line (0.138 for the Hebb rule); None for no line.
    title : str
        Figure title.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of on a new Figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from hopopt.plotting import plot_capacity_curves
    >>> figure = plot_capacity_curves({"hebb": [(0.05, 1.0), (0.15, 0.4)], "storkey": [(0.05, 1.0), (0.15, 0.9)]})
    >>> figure.axes[0].get_xlabel()
    'load alpha = patterns / neurons'
    """
    figure, ax = _figure_and_axes(ax)
    for rule, points in dict(curves).items():
        points = np.asarray(sorted((float(a), float(f)) for a, f in points), dtype=float).reshape(-1, 2)
        ax.plot(points[:, 0], points[:, 1], marker="o", markersize=3, label=str(rule))
    if theory is not None:
        ax.axvline(theory, color="black", linestyle="--", linewidth=1, label=f"theory alpha = {theory:g}")
    ax.set_xlabel("load alpha = patterns / neurons")
    ax.set_ylabel("fraction of patterns recalled")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(title)
    ax.legend(fontsize="small")
    return figure


def plot_valid_rate(scales, valid_rates, length_ratios=None, title="Hopfield-Tank: valid tours vs penalty",
                    ax=None):
    """Hopfield–Tank study: fraction of valid tours against penalty scale, with tour-length ratio on a twin axis.

    Parameters
    ----------
    scales : array_like
        Penalty scales (x axis, drawn on a log scale when all positive and spanning more than a factor of 10).
    valid_rates : array_like
        Fraction of runs that decoded to a valid tour, per scale.
    length_ratios : array_like, optional
        Mean valid tour length / optimal length per scale (NaN where no run was valid); right-hand axis.
    title : str
        Figure title.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of on a new Figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from hopopt.plotting import plot_valid_rate
    >>> figure = plot_valid_rate([0.5, 1.0, 2.0], [0.1, 0.5, 0.9], [1.4, 1.2, 1.1])
    >>> [axes.get_ylabel() for axes in figure.axes]
    ['fraction of valid tours', 'tour length / optimum']
    """
    scales = np.asarray(scales, dtype=float).reshape(-1)
    valid_rates = np.asarray(valid_rates, dtype=float).reshape(-1)
    if valid_rates.shape != scales.shape:
        raise InputError(f"valid_rates: need one rate per scale ({scales.size}), got {valid_rates.size}")
    figure, ax = _figure_and_axes(ax)
    lines = ax.plot(scales, valid_rates, marker="o", color="tab:blue", label="valid rate")
    ax.set_xlabel("penalty scale")
    ax.set_ylabel("fraction of valid tours")
    ax.set_ylim(-0.02, 1.02)
    if scales.size and np.all(scales > 0) and scales.max() > 10 * scales.min():
        ax.set_xscale("log")
    if length_ratios is not None:
        length_ratios = np.asarray(length_ratios, dtype=float).reshape(-1)
        if length_ratios.shape != scales.shape:
            raise InputError(f"length_ratios: need one ratio per scale ({scales.size}), got {length_ratios.size}")
        twin = ax.twinx()
        lines += twin.plot(scales, length_ratios, marker="s", color="tab:orange", label="length / optimum")
        twin.set_ylabel("tour length / optimum")
    ax.legend(lines, [line.get_label() for line in lines], fontsize="small", loc="best")
    ax.set_title(title)
    return figure


#: marker per solver (cycled) in :func:`plot_gap_vs_time`
_SOLVER_MARKERS = ("o", "s", "^", "D", "v", "P", "<", ">", "h", "*")


def _finite(value):
    """``value`` as a finite float, or None (for None, NaN, ±inf and things that are not numbers)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _dict_rows(rows, name):
    """``rows`` as a list of mappings; InputError naming the first row that is not one."""
    if rows is None:
        return []
    rows = list(rows)
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise InputError(f"{name}: every row must be a dict, row {index} is a {type(row).__name__}")
    return rows


def _infeasible(row):
    """True when the row says ``feasible`` is false (None, missing: not known, so not infeasible)."""
    value = row.get("feasible")
    return value is not None and not bool(value)


def _missing_label(row):
    """Why a compare row has no number: its status, "infeasible", or that the value is unknown."""
    status = str(row.get("status", "ok") or "ok")
    if status != "ok":
        return status
    if _infeasible(row):
        return "infeasible"
    return ""


def plot_compare(rows, title="Solvers on one instance", axes=None):
    """Several solvers on one instance: gap to the target (left) and wall time (right), one bar per solver.

    Rows without a number (a solver that is not installed or failed, an infeasible result, an unknown target)
    get no bar but a grey label where the bar would be. Bars of infeasible runs are hatched.

    Parameters
    ----------
    rows : list of dict
        Compare rows with ``"solver"``, ``"gap"`` (relative, may be None), ``"feasible"``, ``"time_s"``
        (may be None) and ``"status"`` (``"ok"``, ``"not installed"``, ``"skipped"`` or ``"failed"``);
        solvers are drawn top to bottom in the given order.
    title : str
        Figure title (the title of each panel when ``axes`` is given).
    axes : pair of matplotlib.axes.Axes, optional
        Draw the gap and time panels here instead of on a new Figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from hopopt.plotting import plot_compare
    >>> rows = [{"solver": "hopopt-anneal", "gap": 0.0, "feasible": True, "time_s": 0.02, "status": "ok"},
    ...         {"solver": "openjij-sa", "gap": None, "feasible": None, "time_s": None,
    ...          "status": "not installed"}]
    >>> figure = plot_compare(rows)
    >>> [len(ax.patches) for ax in figure.axes]  # one gap bar and one time bar: openjij-sa has none
    [1, 1]
    """
    from matplotlib.patches import Patch

    rows = _dict_rows(rows, "rows")
    if axes is None:
        figure = new_figure(figsize=(11.0, max(2.8, 0.45 * len(rows) + 1.6)), layout="constrained")
        gap_ax, time_ax = figure.subplots(1, 2)
        figure.suptitle(title)
        gap_title, time_title = "gap to target", "wall time"
    else:
        axes = list(np.ravel(np.asarray(axes, dtype=object)))
        if len(axes) != 2:
            raise InputError(f"axes: need a pair of Axes (gap, time), got {len(axes)}")
        gap_ax, time_ax = axes
        figure = gap_ax.figure
        gap_title, time_title = f"{title}: gap to target", f"{title}: wall time"
    gap_ax.set_title(gap_title)
    time_ax.set_title(time_title)
    gap_ax.set_xlabel("gap to target (%)")
    gap_ax.set_ylabel("solver")
    time_ax.set_xlabel("wall time (s)")
    if not rows:
        _no_data(gap_ax)
        _no_data(time_ax)
        return figure

    count = len(rows)
    positions = np.arange(count)
    names = [str(row.get("solver", f"row {i}")) for i, row in enumerate(rows)]
    ok = [str(row.get("status", "ok") or "ok") == "ok" for row in rows]
    infeasible = [_infeasible(row) for row in rows]
    gaps = [_finite(row.get("gap")) if good else None for row, good in zip(rows, ok)]
    times = [_finite(row.get("time_s")) if good else None for row, good in zip(rows, ok)]
    times = [t if t is None or t > 0 else None for t in times]
    label_at = dict(ha="left", va="center", color="gray", fontsize="small", style="italic")

    # left: gap in percent
    shown = [100.0 * g for g in gaps if g is not None]
    for index, row in enumerate(rows):
        style = dict(color=_solver_colour(index), height=0.6)
        if infeasible[index]:
            style.update(hatch="//", edgecolor="black", alpha=0.6)
        if gaps[index] is None:
            reason = _missing_label(row) or "no target"
            gap_ax.text(0.01, index, reason, transform=gap_ax.get_yaxis_transform(), **label_at)
            continue
        percent = 100.0 * gaps[index]
        gap_ax.barh([index], [percent], **style)
        gap_ax.annotate(f"{percent:.2f} %", (percent, index), textcoords="offset points",
                        xytext=(3 if percent >= 0 else -3, 0), ha="left" if percent >= 0 else "right",
                        va="center", fontsize="small")
    low = min(shown + [0.0])
    high = max(shown + [1.0])  # at least 1 %, so all-zero gaps still give a readable axis
    span = high - low
    gap_ax.set_xlim(low - (0.25 * span if low < 0 else 0.0), high + 0.25 * span)
    gap_ax.axvline(0.0, color="black", linewidth=0.8)

    # right: wall time, log scale
    time_ax.set_xscale("log")
    drawn = [t for t in times if t is not None]
    floor = 10.0 ** math.floor(math.log10(min(drawn) / 2.0)) if drawn else 1e-3
    for index, row in enumerate(rows):
        style = dict(color=_solver_colour(index), height=0.6)
        if infeasible[index]:
            style.update(hatch="//", edgecolor="black", alpha=0.6)
        if times[index] is None:
            reason = _missing_label(row)
            reason = "no time" if reason in ("", "infeasible") else reason
            time_ax.text(0.01, index, reason, transform=time_ax.get_yaxis_transform(), **label_at)
            continue
        time_ax.barh([index], [times[index] - floor], left=floor, **style)
        time_ax.annotate(f"{times[index]:.3g} s", (times[index], index), textcoords="offset points",
                         xytext=(3, 0), ha="left", va="center", fontsize="small")
    time_ax.set_xlim(floor, (max(drawn) if drawn else 1.0) * 20.0)
    if any(infeasible[i] and (gaps[i] is not None or times[i] is not None) for i in range(count)):
        time_ax.legend(handles=[Patch(facecolor="white", edgecolor="black", hatch="//", label="infeasible")],
                       fontsize="small", loc="lower right")

    for ax in (gap_ax, time_ax):
        ax.set_yticks(positions)
        ax.set_ylim(count - 0.5, -0.5)  # first row on top
        ax.grid(axis="x", alpha=0.3)
    gap_ax.set_yticklabels(names)
    time_ax.set_yticklabels([])
    return figure


def plot_gap_vs_time(records, title="Gap vs time", ax=None):
    """Quality against cost: gap to the target (percent) against wall time, one colour and marker per solver.

    Only records with status ``"ok"`` and a positive ``time_s`` are drawn. Feasible records without a gap
    (unknown target) are skipped; infeasible ones are drawn as ``x`` markers along the top edge, labelled
    ``"<solver> (infeasible)"`` in the legend. The y axis is symmetric-log (linear within ±1 %), so gaps of
    0 show.

    Parameters
    ----------
    records : list of dict
        Run records with ``"solver"``, ``"status"``, ``"feasible"``, ``"gap"`` (relative) and ``"time_s"``.
    title : str
        Figure title.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of on a new Figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from hopopt.plotting import plot_gap_vs_time
    >>> records = [{"solver": "a", "status": "ok", "feasible": True, "gap": 0.0, "time_s": 0.1},
    ...            {"solver": "b", "status": "ok", "feasible": False, "gap": None, "time_s": 0.2}]
    >>> legend = plot_gap_vs_time(records).axes[0].get_legend()
    >>> [text.get_text() for text in legend.get_texts()]
    ['a', 'b (infeasible)']
    """
    records = _dict_rows(records, "records")
    figure, ax = _figure_and_axes(ax)
    ax.set_title(title)
    ax.set_xlabel("wall time (s)")
    ax.set_ylabel("gap to target (%)")
    feasible, infeasible, order = {}, {}, {}
    for record in records:
        if str(record.get("status", "ok") or "ok") != "ok":
            continue
        time_s = _finite(record.get("time_s"))
        if time_s is None or time_s <= 0:
            continue
        solver = str(record.get("solver", "?"))
        if _infeasible(record):
            order.setdefault(solver, len(order))
            infeasible.setdefault(solver, []).append(time_s)
            continue
        gap = _finite(record.get("gap"))
        if gap is None:
            continue
        order.setdefault(solver, len(order))
        feasible.setdefault(solver, []).append((time_s, 100.0 * gap))
    if not order:
        _no_data(ax)
        return figure
    gaps = [gap for points in feasible.values() for _, gap in points]
    low, high = min(gaps + [0.0]), max(gaps + [1.0])
    top = 1.5 * high  # where infeasible runs are marked
    for solver, index in order.items():
        if solver in feasible:
            points = np.asarray(feasible[solver], dtype=float)
            ax.scatter(points[:, 0], points[:, 1], color=_solver_colour(index),
                       marker=_SOLVER_MARKERS[index % len(_SOLVER_MARKERS)], s=30, alpha=0.8, label=solver)
        if solver in infeasible:
            ax.scatter(infeasible[solver], [top] * len(infeasible[solver]), color=_solver_colour(index),
                       marker="x", s=40, label=f"{solver} (infeasible)")
    times = [time_s for points in feasible.values() for time_s, _ in points] + \
        [time_s for values in infeasible.values() for time_s in values]
    # a log axis only pays off over a wide range; over a narrow one its minor labels pile up
    if max(times) > 20 * min(times):
        ax.set_xscale("log")
    if high > 5.0 or low < -5.0:
        ax.set_yscale("symlog", linthresh=1.0)
    ax.set_ylim(low - 0.1 * max(1.0, abs(low)), 1.3 * top)
    ax.axhline(0.0, color="black", linewidth=0.8, linestyle=":")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="best")
    return figure


def plot_tts_vs_size(summary, title="Time to solution (99 %) vs size", ax=None):
    """Time to solution with 99 % confidence against instance size, one line per solver, with error bars.

    Each summary row with a finite, positive ``tts99`` is a point with an error bar from its interval; upper
    bounds that are infinite are clipped to the top of the axis and marked with an upward triangle. Where
    several instances share a size the line runs through their median. Rows with ``tts99 = inf`` are not
    drawn; the legend says ``"<solver>: never reached the target on N instance(s)"``. Rows with ``tts99``
    None (no target, no runs) are not drawn either; the legend says ``"<solver>: no TTS on N instance(s)"``.

    Parameters
    ----------
    summary : list of dict
        Summary rows with ``"n"``, ``"solver"``, ``"tts99"``, ``"tts99_low"`` and ``"tts99_high"`` (seconds;
        each may be None or ``math.inf``).
    title : str
        Figure title.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of on a new Figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import math
    >>> from hopopt.plotting import plot_tts_vs_size
    >>> summary = [{"n": 8, "solver": "a", "tts99": 0.1, "tts99_low": 0.05, "tts99_high": 0.3},
    ...            {"n": 16, "solver": "a", "tts99": math.inf, "tts99_low": 2.0, "tts99_high": math.inf}]
    >>> legend = plot_tts_vs_size(summary).axes[0].get_legend()
    >>> [text.get_text() for text in legend.get_texts()]
    ['a', 'a: never reached the target on 1 instance(s)']
    """
    from matplotlib.lines import Line2D

    summary = _dict_rows(summary, "summary")
    figure, ax = _figure_and_axes(ax)
    ax.set_title(title)
    ax.set_xlabel("size n (nodes / cities)")
    ax.set_ylabel("TTS99 (s)")
    if not summary:
        _no_data(ax)
        return figure
    points, never, unknown, order = {}, {}, {}, {}
    for index, row in enumerate(summary):
        n = _finite(row.get("n"))
        if n is None:
            raise InputError(f"summary: row {index} needs a number 'n', got {row.get('n')!r}")
        solver = str(row.get("solver", "?"))
        order.setdefault(solver, len(order))
        raw = row.get("tts99")
        tts = _finite(raw)
        if tts is None or tts <= 0:
            number = None if raw is None or isinstance(raw, bool) else float(raw)
            counter = never if number is not None and math.isinf(number) and number > 0 else unknown
            counter[solver] = counter.get(solver, 0) + 1
            continue
        tts_low, tts_high = _finite(row.get("tts99_low")), row.get("tts99_high")
        tts_low = tts if tts_low is None or tts_low > tts or tts_low <= 0 else tts_low
        unbounded = tts_high is not None and not isinstance(tts_high, bool) and float(tts_high) == math.inf
        tts_high = _finite(tts_high)
        tts_high = tts if tts_high is None or tts_high < tts else tts_high
        points.setdefault(solver, []).append((n, tts, tts_low, tts_high, unbounded))
    drawn = [value for rows in points.values() for p in rows for value in p[1:4]]
    cap = 3.0 * max(drawn) if drawn else 1.0  # where infinite upper bounds end
    clipped = False
    for solver, index in order.items():
        colour = _solver_colour(index)
        if solver in points:
            rows = np.asarray(sorted(points[solver]), dtype=float)
            n, tts, tts_low, tts_high, unbounded = rows.T
            unbounded = unbounded.astype(bool)
            tts_high = np.where(unbounded, cap, tts_high)
            ax.errorbar(n, tts, yerr=[tts - tts_low, tts_high - tts], fmt="none", ecolor=colour, capsize=3,
                        alpha=0.7)
            sizes = np.unique(n)
            medians = [float(np.median(tts[n == size])) for size in sizes]
            ax.plot(sizes, medians, marker=_SOLVER_MARKERS[index % len(_SOLVER_MARKERS)], color=colour,
                    label=solver)
            if len(sizes) < len(n):  # several instances share a size: show each one
                ax.scatter(n, tts, color=colour, s=12, alpha=0.5)
            if unbounded.any():
                clipped = True
                ax.plot(n[unbounded], [cap] * int(unbounded.sum()), linestyle="none", marker="^", color=colour,
                        clip_on=False)
    handles, labels = ax.get_legend_handles_labels()
    if clipped:
        handles.append(Line2D([], [], linestyle="none", marker="^", color="gray"))
        labels.append("upper bound infinite (clipped)")
    for counts, text in ((never, "never reached the target on"), (unknown, "no TTS on")):
        for solver in order:
            if counts.get(solver):
                handles.append(Line2D([], [], linestyle="none", color="none"))
                labels.append(f"{solver}: {text} {counts[solver]} instance(s)")
    if drawn:
        ax.set_yscale("log")
        ax.set_ylim(top=cap * 1.5)
        sizes = sorted({p[0] for rows in points.values() for p in rows})
        if len(sizes) <= 12 and all(float(size).is_integer() for size in sizes):
            ax.set_xticks(sizes)
        ax.grid(alpha=0.3)
    else:
        _no_data(ax, "no finite time to solution")
    if handles:
        ax.legend(handles, labels, fontsize="small", loc="best")
    return figure
