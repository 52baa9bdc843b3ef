"""Pictures of energy networks and their solutions (the only hopopt module that imports matplotlib).

Every function takes the data plus an optional ``ax``; when ``ax`` is None it makes a new
:class:`matplotlib.figure.Figure` (never pyplot, so nothing is left open and it runs headless), draws on it and
returns the Figure. Save it with :func:`save_figure`.

Examples
--------
>>> import os, tempfile
>>> import numpy as np
>>> from hopopt.plotting import plot_energy_traces, save_figure
>>> figure = plot_energy_traces([np.array([0.0, -2.0, -3.0]), np.array([0.0, -1.0, -4.0])])
>>> path = save_figure(figure, os.path.join(tempfile.mkdtemp(), "plots", "energy.png"))
>>> os.path.getsize(path) > 0
True
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

import numpy as np
import scipy.sparse as sp
from matplotlib.figure import Figure
from matplotlib.colors import ListedColormap

from hopopt.errors import InputError

__all__ = [
    "plot_energy_traces",
    "plot_beta_schedule",
    "plot_weights",
    "plot_spin_raster",
    "plot_tour",
    "plot_cut",
    "plot_coloring",
    "plot_patterns",
    "plot_capacity_curves",
    "plot_valid_rate",
    "plot_compare",
    "plot_gap_vs_time",
    "plot_tts_vs_size",
    "save_animation",
    "save_figure",
]

#: above this many neurons :func:`plot_weights` draws a spy plot of the non-zeros instead of a full heatmap
SPY_THRESHOLD = 400


def _figure_and_axes(ax, figsize=(6.4, 4.8)):
    """The Figure and Axes to draw on: ``ax`` and its figure, or a fresh Figure with one Axes."""
    if ax is not None:
        return ax.figure, ax
    figure = Figure(figsize=figsize)
    return figure, figure.add_subplot(1, 1, 1)


def plot_energy_traces(traces, labels=None, title="Energy per sweep", ax=None):
    """Energy against sweep for one or many restarts.

    Parameters
    ----------
    traces : array_like or list of array_like
        One 1-D trace, a 2-D array (one restart per row), or a list of 1-D traces of any lengths.
    labels : list of str, optional
        One label per trace; defaults to ``"restart i"``. A legend is drawn when there are several traces.
    title : str
        Figure title.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of on a new Figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt.plotting import plot_energy_traces
    >>> figure = plot_energy_traces(np.array([[3.0, 1.0, 0.0], [2.0, 2.0, -1.0]]), labels=["a", "b"])
    >>> figure.axes[0].get_xlabel()
    'sweep'
    """
    if isinstance(traces, np.ndarray) and traces.ndim <= 2:
        rows = [traces] if traces.ndim <= 1 else list(traces)
    else:
        rows = list(traces)
        if rows and np.ndim(rows[0]) == 0:  # a single trace given as a list of numbers
            rows = [rows]
    rows = [np.atleast_1d(np.asarray(row, dtype=float)) for row in rows]
    if not rows:
        raise InputError("traces: need at least one energy trace, got none")
    if labels is None:
        labels = [f"restart {i}" for i in range(len(rows))]
    elif len(labels) != len(rows):
        raise InputError(f"labels: need one label per trace ({len(rows)}), got {len(labels)}")
    figure, ax = _figure_and_axes(ax)
    for row, label in zip(rows, labels):
        ax.plot(np.arange(row.size), row, label=label, linewidth=1.2)
    ax.set_xlabel("sweep")
    ax.set_ylabel("energy")
    ax.set_title(title)
    if len(rows) > 1:
        ax.legend(fontsize="small", ncol=2 if len(rows) > 6 else 1)
    return figure


def plot_beta_schedule(betas, title="Inverse-temperature schedule", ax=None):
    """The annealing schedule: beta (inverse temperature) against sweep.

    Parameters
    ----------
    betas : array_like
        One beta per sweep.
    title : str
        Figure title.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of on a new Figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt.plotting import plot_beta_schedule
    >>> plot_beta_schedule(np.geomspace(0.1, 10.0, 50)).axes[0].get_ylabel()
    'beta (1 / temperature)'
    """
    betas = np.asarray(betas, dtype=float).reshape(-1)
    figure, ax = _figure_and_axes(ax)
    ax.plot(np.arange(betas.size), betas, marker="." if betas.size <= 50 else None)
    ax.set_xlabel("sweep")
    ax.set_ylabel("beta (1 / temperature)")
    ax.set_title(title)
    return figure


def plot_weights(weights, title="Weight matrix W", ax=None, spy_threshold=SPY_THRESHOLD):
    """A heatmap of the weight matrix, with a colourbar.

    Matrices with more than ``spy_threshold`` rows are drawn as a spy plot: one square marker per non-zero
    entry, coloured by its value.

    Parameters
    ----------
    weights : array_like or scipy.sparse matrix
        Square weight matrix W.
    title : str
        Figure title.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of on a new Figure.
    spy_threshold : int
        Largest n drawn as a full heatmap.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt.plotting import plot_weights
    >>> figure = plot_weights(np.array([[0.0, 1.0], [1.0, 0.0]]))
    >>> len(figure.axes)  # the heatmap and its colourbar
    2
    """
    if sp.issparse(weights):
        shape = weights.shape
    else:
        weights = np.asarray(weights, dtype=float)
        shape = weights.shape
    if len(shape) != 2 or shape[0] != shape[1]:
        raise InputError(f"weights: need a square matrix, got shape {shape}")
    n = shape[0]
    figure, ax = _figure_and_axes(ax)
    if n > spy_threshold:
        coo = sp.coo_matrix(weights)
        mask = coo.data != 0
        rows, cols, values = coo.row[mask], coo.col[mask], coo.data[mask]
        limit = float(np.max(np.abs(values))) if values.size else 1.0
        marker_size = max(0.05, min(4.0, 2000.0 / n))
        image = ax.scatter(cols, rows, c=values, s=marker_size, marker="s", linewidths=0, cmap="coolwarm",
                           vmin=-limit, vmax=limit)
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_aspect("equal")
        ax.set_title(f"{title} ({values.size} non-zeros, n = {n})")
    else:
        dense = weights.toarray() if sp.issparse(weights) else weights
        limit = float(np.max(np.abs(dense))) if dense.size else 1.0
        limit = limit if limit > 0 else 1.0
        image = ax.imshow(dense, cmap="coolwarm", vmin=-limit, vmax=limit, interpolation="nearest")
        ax.set_title(title)
    ax.set_xlabel("neuron j")
    ax.set_ylabel("neuron i")
    figure.colorbar(image, ax=ax, label="W[i, j]")
    return figure


def plot_spin_raster(states, title="Neuron states over time", ax=None):
    """States over time as an image: one row per time step, one column per neuron.

    Parameters
    ----------
    states : array_like, shape (T, n)
        Spin (±1) or binary (0/1) states, or continuous activations.
    title : str
        Figure title.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of on a new Figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt.plotting import plot_spin_raster
    >>> plot_spin_raster(np.sign(np.random.default_rng(0).normal(size=(20, 8)))).axes[0].get_ylabel()
    'time step'
    """
    states = np.asarray(states, dtype=float)
    if states.ndim == 1:
        states = states[None, :]
    if states.ndim != 2:
        raise InputError(f"states: need a 2-D array (time steps, neurons), got shape {states.shape}")
    figure, ax = _figure_and_axes(ax)
    image = ax.imshow(states, aspect="auto", cmap="gray_r", interpolation="nearest")
    ax.set_xlabel("neuron")
    ax.set_ylabel("time step")
    ax.set_title(title)
    figure.colorbar(image, ax=ax, label="state")
    return figure


def plot_tour(coordinates, tour, title="Tour", ax=None):
    """Cities as points and the closed tour through them.

    Parameters
    ----------
    coordinates : array_like, shape (n, 2)
        City positions.
    tour : array_like of int
        City indices in visiting order; the last city is joined back to the first.
    title : str
        Figure title.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of on a new Figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt.plotting import plot_tour
    >>> square = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=float)
    >>> plot_tour(square, [0, 1, 2, 3]).axes[0].get_title()
    'Tour'
    """
    coordinates = np.asarray(coordinates, dtype=float)
    if coordinates.ndim != 2 or coordinates.shape[1] != 2:
        raise InputError(f"coordinates: need shape (n, 2), got {coordinates.shape}")
    tour = np.asarray(tour, dtype=int).reshape(-1)
    if tour.size and (tour.min() < 0 or tour.max() >= len(coordinates)):
        raise InputError(f"tour: city indices must lie in 0..{len(coordinates) - 1}, got {tour.tolist()}")
    figure, ax = _figure_and_axes(ax)
    if tour.size:
        closed = np.append(tour, tour[0])
        ax.plot(coordinates[closed, 0], coordinates[closed, 1], "-", color="tab:blue", label="tour", zorder=1)
    ax.scatter(coordinates[:, 0], coordinates[:, 1], color="tab:red", s=30, label="cities", zorder=2)
    if tour.size:
        start = coordinates[tour[0]]
        ax.scatter([start[0]], [start[1]], color="black", marker="*", s=120, label="start", zorder=3)
    if len(coordinates) <= 30:
        for index, (x, y) in enumerate(coordinates):
            ax.annotate(str(index), (x, y), textcoords="offset points", xytext=(4, 4), fontsize="small")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(title)
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(fontsize="small")
    return figure


def _graph_from(graph_or_edges, n=None):
    """A networkx graph on nodes 0..n-1 from a graph, an object with ``n`` and ``edges``, or an edge list."""
    import networkx as nx

    if isinstance(graph_or_edges, nx.Graph):
        return graph_or_edges
    if hasattr(graph_or_edges, "edges") and hasattr(graph_or_edges, "n") and not callable(graph_or_edges.edges):
        n, edges = int(graph_or_edges.n), graph_or_edges.edges
    else:
        edges = graph_or_edges
    edges = np.asarray(edges)
    if edges.size and (edges.ndim != 2 or edges.shape[1] < 2):
        raise InputError(f"edges: need pairs (u, v), got an array of shape {edges.shape}")
    graph = nx.Graph()
    if n is not None:
        graph.add_nodes_from(range(int(n)))
    if edges.size:
        graph.add_edges_from((int(u), int(v)) for u, v in edges[:, :2])
    return graph


def _positions(graph, positions):
    import networkx as nx

    if positions is None:
        return nx.spring_layout(graph, seed=0)
    if isinstance(positions, dict):
        return positions
    positions = np.asarray(positions, dtype=float)
    return {node: positions[index] for index, node in enumerate(sorted(graph.nodes))}


def plot_cut(graph_or_edges, sides, positions=None, title="Max-cut", ax=None):
    """A graph with its two sides in two colours and the cut edges highlighted.

    Parameters
    ----------
    graph_or_edges : networkx.Graph, MaxCut or array_like of (u, v) pairs
        The graph on nodes 0..n-1 (a third column of weights is ignored).
    sides : array_like or dict
        Side of each node: 0/1 or ±1 per node (indexed by node), or a dict node -> side.
    positions : dict or array_like, optional
        Node positions; a networkx spring layout with seed 0 when None.
    title : str
        Figure title.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of on a new Figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from hopopt.plotting import plot_cut
    >>> figure = plot_cut([(0, 1), (1, 2), (2, 0)], [0, 1, 1])
    >>> figure.axes[0].get_title()
    'Max-cut: 2 of 3 edges cut'
    """
    import networkx as nx

    n = len(sides) if not isinstance(sides, dict) else None
    graph = _graph_from(graph_or_edges, n)
    if isinstance(sides, dict):
        side_of = dict(sides)
    else:
        values = np.asarray(sides).reshape(-1)
        side_of = {node: values[node] for node in graph.nodes}
    labels = sorted(set(np.asarray(list(side_of.values())).tolist()))
    if len(labels) > 2:
        raise InputError(f"sides: need at most two distinct side labels, got {labels}")
    first = labels[0] if labels else 0
    pos = _positions(graph, positions)
    figure, ax = _figure_and_axes(ax)
    cut = [(u, v) for u, v in graph.edges if side_of[u] != side_of[v]]
    kept = [(u, v) for u, v in graph.edges if side_of[u] == side_of[v]]
    nx.draw_networkx_edges(graph, pos, edgelist=kept, ax=ax, edge_color="lightgray", width=1.0,
                           label=f"uncut edges ({len(kept)})")
    nx.draw_networkx_edges(graph, pos, edgelist=cut, ax=ax, edge_color="tab:red", width=2.0,
                           style="dashed", label=f"cut edges ({len(cut)})")
    for label, colour in zip(labels or [first], ("tab:blue", "tab:orange")):
        nodes = [node for node in graph.nodes if side_of[node] == label]
        nx.draw_networkx_nodes(graph, pos, nodelist=nodes, ax=ax, node_color=colour, node_size=200,
                               label=f"side {label} ({len(nodes)} nodes)")
    if graph.number_of_nodes() <= 40:
        nx.draw_networkx_labels(graph, pos, ax=ax, font_size=8)
    ax.tick_params(left=True, bottom=True, labelleft=True, labelbottom=True)
    ax.set_xlabel("layout x")
    ax.set_ylabel("layout y")
    ax.set_title(f"{title}: {len(cut)} of {graph.number_of_edges()} edges cut")
    ax.legend(fontsize="small", loc="best")
    return figure


def plot_coloring(edges, colouring, n=None, positions=None, title="Graph colouring", ax=None):
    """A graph with nodes in their colours and conflicting (monochromatic) edges in red.

    Parameters
    ----------
    edges : networkx.Graph, GraphColoring or array_like of (u, v) pairs
        The graph on nodes 0..n-1.
    colouring : array_like of int
        Colour of each node.
    n : int, optional
        Number of nodes; defaults to ``len(colouring)``.
    positions : dict or array_like, optional
        Node positions; a networkx spring layout with seed 0 when None.
    title : str
        Figure title.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of on a new Figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from hopopt.plotting import plot_coloring
    >>> figure = plot_coloring([(0, 1), (1, 2), (2, 0)], [0, 1, 1], 3)
    >>> figure.axes[0].get_title()
    'Graph colouring: 2 colours, 1 conflicts'
    """
    import networkx as nx
    from matplotlib.patches import Patch

    colouring = np.asarray(colouring).reshape(-1).astype(int)
    n = len(colouring) if n is None else int(n)
    if len(colouring) != n:
        raise InputError(f"colouring: need one colour per node ({n}), got {len(colouring)}")
    graph = _graph_from(edges, n)
    pos = _positions(graph, positions)
    figure, ax = _figure_and_axes(ax)
    conflicts = [(u, v) for u, v in graph.edges if colouring[u] == colouring[v]]
    proper = [(u, v) for u, v in graph.edges if colouring[u] != colouring[v]]
    nx.draw_networkx_edges(graph, pos, edgelist=proper, ax=ax, edge_color="gray", width=1.0,
                           label=f"proper edges ({len(proper)})")
    nx.draw_networkx_edges(graph, pos, edgelist=conflicts, ax=ax, edge_color="red", width=2.5,
                           label=f"conflicts ({len(conflicts)})")
    palette = sorted(set(colouring.tolist()))
    cmap = ListedColormap([_colour(i) for i in range(max(palette, default=0) + 1)])
    nodes = list(range(n))
    nx.draw_networkx_nodes(graph, pos, nodelist=nodes, ax=ax, node_color=[cmap(c) for c in colouring[nodes]],
                           node_size=200, edgecolors="black", linewidths=0.5)
    if n <= 40:
        nx.draw_networkx_labels(graph, pos, ax=ax, font_size=8)
    handles, _ = ax.get_legend_handles_labels()
    if len(palette) <= 12:
        handles += [Patch(color=cmap(c), label=f"colour {c}") for c in palette]
    ax.legend(handles=handles, fontsize="small", loc="best")
    ax.tick_params(left=True, bottom=True, labelleft=True, labelbottom=True)
    ax.set_xlabel("layout x")
    ax.set_ylabel("layout y")
    ax.set_title(f"{title}: {len(palette)} colours, {len(conflicts)} conflicts")
    return figure


def _colour(index):
    from matplotlib import colormaps

    return colormaps["tab20"](index % 20)


def plot_patterns(patterns, shape, titles=None, title="Patterns", ax=None):
    """A grid of binary images: each ±1 (or 0/1) vector reshaped to ``shape``.

    Parameters
    ----------
    patterns : array_like, shape (p, prod(shape))
        One pattern per row (a single 1-D vector is one pattern).
    shape : tuple of int
        Image shape ``(rows, columns)``.
    titles : list of str, optional
        One title per pattern; defaults to ``"pattern i"``.
    title : str
        Figure title.
    ax : matplotlib.axes.Axes, optional
        The grid is drawn inside this Axes' area of its figure (the Axes itself is hidden).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt.plotting import plot_patterns
    >>> figure = plot_patterns(np.array([[1, -1, -1, 1], [-1, 1, 1, -1]]), (2, 2))
    >>> figure.get_suptitle() if hasattr(figure, "get_suptitle") else figure._suptitle.get_text()
    'Patterns'
    """
    patterns = np.asarray(patterns, dtype=float)
    if patterns.ndim == 1:
        patterns = patterns[None, :]
    shape = tuple(int(s) for s in shape)
    if patterns.ndim != 2 or patterns.shape[1] != int(np.prod(shape)):
        raise InputError(f"patterns: need rows of {int(np.prod(shape))} values for shape {shape}, "
                         f"got an array of shape {patterns.shape}")
    count = len(patterns)
    if titles is None:
        titles = [f"pattern {i}" for i in range(count)]
    elif len(titles) != count:
        raise InputError(f"titles: need one title per pattern ({count}), got {len(titles)}")
    columns = min(count, 8) if count else 1
    rows = max(1, -(-count // columns))
    if ax is None:
        figure = Figure(figsize=(1.6 * columns + 0.4, 1.7 * rows + 0.6))
        grid = figure.add_gridspec(rows, columns)
    else:
        figure = ax.figure
        grid = ax.get_subplotspec().subgridspec(rows, columns)
        ax.set_axis_off()
    low = min(0.0, float(patterns.min())) if patterns.size else -1.0
    for index in range(count):
        sub = figure.add_subplot(grid[index // columns, index % columns])
        sub.imshow(patterns[index].reshape(shape), cmap="gray_r", vmin=-1.0 if low < 0 else 0.0, vmax=1.0,
                   interpolation="nearest")
        sub.set_title(titles[index], fontsize="small")
        sub.set_xlabel("column", fontsize="x-small")
        sub.set_ylabel("row", fontsize="x-small")
        sub.set_xticks([])
        sub.set_yticks([])
    figure.suptitle(title)
    return figure


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


def _solver_colour(index):
    from matplotlib import colormaps

    return colormaps["tab10"](index % 10)


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


def _no_data(ax, text="no data"):
    """Mark an empty Axes with a centred grey ``text``."""
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color="gray")


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
        figure = Figure(figsize=(11.0, max(2.8, 0.45 * len(rows) + 1.6)), layout="constrained")
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


def save_animation(frames, path, interval=200, count=None, title="Frame", xlabel="neuron", ylabel="time",
                   cmap="gray_r", dpi=80):
    """Save 2-D frames as an animated GIF (matplotlib's Pillow writer), each frame drawn with ``imshow``.

    Parameters
    ----------
    frames : list of array_like or callable
        The 2-D images, or a function ``frames(i) -> 2-D array`` called for ``i`` in ``range(count)``.
    path : str or path-like
        Where to write the GIF; parent folders are created.
    interval : float
        Milliseconds per frame.
    count : int, optional
        Number of frames; needed when ``frames`` is a callable.
    title, xlabel, ylabel : str
        Text on each frame (the title gets ``" i / count"`` appended).
    cmap : str
        Colour map for ``imshow``.
    dpi : int
        Resolution.

    Returns
    -------
    str
        The path written.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from hopopt.plotting import save_animation
    >>> path = save_animation([np.eye(3), -np.eye(3)], os.path.join(tempfile.mkdtemp(), "a.gif"))
    >>> open(path, "rb").read(4)
    b'GIF8'
    """
    from matplotlib.animation import PillowWriter

    if callable(frames):
        if count is None:
            raise InputError("count: needed when frames is a callable, got None")
        images = [np.asarray(frames(i), dtype=float) for i in range(int(count))]
    else:
        images = [np.asarray(frame, dtype=float) for frame in frames]
    if not images:
        raise InputError("frames: need at least one frame, got none")
    for index, image in enumerate(images):
        if image.ndim != 2 or image.shape != images[0].shape:
            raise InputError(f"frames: every frame must be a 2-D array of shape {images[0].shape}, "
                             f"frame {index} has shape {image.shape}")
    path = _prepare_path(path)
    low = min(float(image.min()) for image in images)
    high = max(float(image.max()) for image in images)
    if high <= low:
        high = low + 1.0
    figure = Figure(figsize=(4, 4))
    ax = figure.add_subplot(1, 1, 1)
    shown = ax.imshow(images[0], cmap=cmap, vmin=low, vmax=high, interpolation="nearest", aspect="auto")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    heading = ax.set_title(f"{title} 1 / {len(images)}")
    writer = PillowWriter(fps=1000.0 / float(interval))
    try:
        with writer.saving(figure, path, dpi):
            for index, image in enumerate(images):
                shown.set_data(image)
                heading.set_text(f"{title} {index + 1} / {len(images)}")
                writer.grab_frame()
    except OSError as error:
        raise InputError(f"path: cannot write the animation to {path!s}: {error.strerror or error}") from None
    return path


def _prepare_path(path):
    """Create the parent folders of ``path``; InputError (a ValueError) if that or writing there fails."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as error:
        raise InputError(f"path: cannot create the folder {folder} for {path}: "
                         f"{error.strerror or error}") from None
    if not os.access(folder, os.W_OK):
        raise InputError(f"path: the folder {folder} is not writable") from None
    return path


def save_figure(figure, path, dpi=100):
    """Save a Figure, creating parent folders.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        What to save (the format follows the file extension).
    path : str or path-like
        Where to save it.
    dpi : int
        Resolution.

    Returns
    -------
    str
        The path written.

    Raises
    ------
    ValueError
        (as :class:`hopopt.errors.InputError`) when the folder cannot be created or written, in one line.

    Examples
    --------
    >>> import os, tempfile
    >>> from hopopt.plotting import plot_beta_schedule, save_figure
    >>> path = save_figure(plot_beta_schedule([0.1, 1.0, 10.0]), os.path.join(tempfile.mkdtemp(), "b.png"))
    >>> open(path, "rb").read(4)
    b'\\x89PNG'
    """
    path = _prepare_path(path)
    try:
        figure.savefig(path, dpi=dpi, bbox_inches="tight")
    except OSError as error:
        raise InputError(f"path: cannot write the figure to {path}: {error.strerror or error}") from None
    return path
