"""Pictures of one network, one solution or one dynamics run: energy traces, the β schedule, the weights,
neuron states over time, tours, cuts, colourings, stored patterns, and animations of a run.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from matplotlib.colors import ListedColormap

from hopopt.errors import InputError

from ._figures import _colour, _figure_and_axes, _prepare_path, new_figure

__all__ = ["plot_energy_traces", "plot_beta_schedule", "plot_weights", "plot_spin_raster", "plot_tour", "plot_cut",
           "plot_coloring", "plot_patterns", "save_animation", "plot_assignment", "solution_figure", "plot_node_set",
           "plot_queens", "plot_sudoku", "plot_number_partition", "plot_knapsack", "plot_set_cover", "plot_clauses"]

#: above this many neurons :func:`plot_weights` draws a spy plot of the non-zeros instead of a full heatmap
SPY_THRESHOLD = 400


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


# above this many nodes the default layout is a circle: networkx's spring layout took 0.6 s at 200 nodes and 5.5 s
# at 500 (on a busy machine), longer than the time a command keeps for its picture, and a spring layout of
# hundreds of nodes is a tangle anyway
_SPRING_LAYOUT_MAX_NODES = 200


def _positions(graph, positions):
    import networkx as nx

    if positions is None:
        if graph.number_of_nodes() > _SPRING_LAYOUT_MAX_NODES:
            return nx.circular_layout(graph)
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
        Node positions; when None, a networkx spring layout with seed 0 (a circle above 200 nodes).
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


def plot_coloring(edges, coloring, n=None, positions=None, title="Graph coloring", ax=None):
    """A graph with nodes in their colours and conflicting (monochromatic) edges in red.

    Parameters
    ----------
    edges : networkx.Graph, GraphColoring or array_like of (u, v) pairs
        The graph on nodes 0..n-1.
    coloring : array_like of int
        Colour of each node.
    n : int, optional
        Number of nodes; defaults to ``len(coloring)``.
    positions : dict or array_like, optional
        Node positions; when None, a networkx spring layout with seed 0 (a circle above 200 nodes).
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
    'Graph coloring: 2 colours, 1 conflicts'
    """
    import networkx as nx
    from matplotlib.patches import Patch

    coloring = np.asarray(coloring).reshape(-1).astype(int)
    n = len(coloring) if n is None else int(n)
    if len(coloring) != n:
        raise InputError(f"coloring: need one colour per node ({n}), got {len(coloring)}")
    graph = _graph_from(edges, n)
    pos = _positions(graph, positions)
    figure, ax = _figure_and_axes(ax)
    conflicts = [(u, v) for u, v in graph.edges if coloring[u] == coloring[v]]
    proper = [(u, v) for u, v in graph.edges if coloring[u] != coloring[v]]
    nx.draw_networkx_edges(graph, pos, edgelist=proper, ax=ax, edge_color="gray", width=1.0,
                           label=f"proper edges ({len(proper)})")
    nx.draw_networkx_edges(graph, pos, edgelist=conflicts, ax=ax, edge_color="red", width=2.5,
                           label=f"conflicts ({len(conflicts)})")
    palette = sorted(set(coloring.tolist()))
    cmap = ListedColormap([_colour(i) for i in range(max(palette, default=0) + 1)])
    nodes = list(range(n))
    nx.draw_networkx_nodes(graph, pos, nodelist=nodes, ax=ax, node_color=[cmap(c) for c in coloring[nodes]],
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


def plot_assignment(flow, distance, assignment, title="Assignment", ax=None):
    """A quadratic assignment as one point per pair of facilities: the flow between them against the distance
    between the locations they were given. The cost is the sum of flow × distance over the pairs, so a good
    assignment puts its heavy flows at short distances (points high up sit far to the left).

    Parameters
    ----------
    flow : array_like, shape (n, n)
        Flow between facilities.
    distance : array_like, shape (n, n)
        Distance between locations.
    assignment : sequence of int
        ``assignment[i]`` is the location of facility i.
    title : str
    ax : matplotlib.axes.Axes, optional
        Draw here instead of on a new Figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt.plotting import plot_assignment
    >>> figure = plot_assignment(np.ones((3, 3)), np.ones((3, 3)), [2, 0, 1])
    >>> len(figure.axes)
    1
    """
    figure, ax = _figure_and_axes(ax, figsize=(5.5, 5))
    flow, distance = np.asarray(flow, dtype=float), np.asarray(distance, dtype=float)
    assignment = np.asarray(assignment, dtype=int)
    first, second = np.triu_indices(flow.shape[0], 1)
    flows = flow[first, second] + flow[second, first]
    distances = (distance[assignment[first], assignment[second]] + distance[assignment[second], assignment[first]]) / 2
    busy = flows > 0
    ax.scatter(distances[busy], flows[busy], s=12 + 4 * flows[busy], alpha=0.5, color=_colour(0),
               edgecolors="none")
    ax.set_xlabel("distance between the two locations")
    ax.set_ylabel("flow between the two facilities")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    return figure


def solution_figure(with_trace):
    """An empty figure for a solution picture, with a second panel for an energy trace when ``with_trace``.

    Parameters
    ----------
    with_trace : bool
        Whether to add a second panel, on the right, for the energy trace.

    Returns
    -------
    figure : matplotlib.figure.Figure
    axes : list of matplotlib.axes.Axes
        One Axes, or two (the solution's, then the trace's) when ``with_trace``.

    Examples
    --------
    >>> from hopopt.plotting import solution_figure
    >>> figure, axes = solution_figure(True)
    >>> len(axes)
    2
    """
    figure = new_figure(figsize=(11, 4.5) if with_trace else (7, 5.5))
    axes = figure.subplots(1, 2) if with_trace else [figure.subplots(1, 1)]
    return figure, list(axes)


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
        figure = new_figure(figsize=(1.6 * columns + 0.4, 1.7 * rows + 0.6))
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
    figure = new_figure(figsize=(4, 4))
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


def plot_node_set(graph_or_edges, chosen, n=None, positions=None, title="Node set", ax=None, label="set"):
    """A graph with a chosen set of nodes highlighted (an independent set, a vertex cover, a clique).

    Edges with both ends in the set are drawn thick (for an independent set they are violations, for a
    clique its edges), edges with one end in it thin, the others light.

    Parameters
    ----------
    graph_or_edges : networkx.Graph, a problem with ``n`` and ``edges``, or array_like of (u, v) pairs
        The graph on nodes 0..n-1.
    chosen : array_like of 0/1
        1 for each node in the set.
    n : int, optional
        Number of nodes; defaults to ``len(chosen)``.
    positions : dict or array_like, optional
        Node positions; when None, a networkx spring layout with seed 0 (a circle above 200 nodes).
    title : str
        Figure title.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of on a new Figure.
    label : str
        What the set is called in the title and legend ("independent set", "vertex cover", "clique").

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from hopopt.plotting.solutions import plot_node_set
    >>> figure = plot_node_set([(0, 1), (1, 2), (2, 3)], [1, 0, 1, 0], label="independent set")
    >>> figure.axes[0].get_title()
    'Node set: 2 of 4 nodes in the independent set'
    """
    import networkx as nx

    chosen = np.asarray(chosen).reshape(-1)
    n = len(chosen) if n is None else int(n)
    if len(chosen) != n or not np.all(np.isin(chosen, (0, 1))):
        raise InputError(f"chosen: need one 0/1 entry per node ({n}), got {len(chosen)} entries")
    graph = _graph_from(graph_or_edges, n)
    pos = _positions(graph, positions)
    figure, ax = _figure_and_axes(ax)
    inside = [(u, v) for u, v in graph.edges if chosen[u] and chosen[v]]
    touching = [(u, v) for u, v in graph.edges if chosen[u] != chosen[v]]
    outside = [(u, v) for u, v in graph.edges if not chosen[u] and not chosen[v]]
    nx.draw_networkx_edges(graph, pos, edgelist=outside, ax=ax, edge_color="lightgray", width=0.8,
                           label=f"edges outside ({len(outside)})")
    nx.draw_networkx_edges(graph, pos, edgelist=touching, ax=ax, edge_color="gray", width=1.0,
                           label=f"edges with one end in ({len(touching)})")
    nx.draw_networkx_edges(graph, pos, edgelist=inside, ax=ax, edge_color="tab:red", width=2.5,
                           label=f"edges inside ({len(inside)})")
    members = [node for node in graph.nodes if chosen[node]]
    others = [node for node in graph.nodes if not chosen[node]]
    nx.draw_networkx_nodes(graph, pos, nodelist=others, ax=ax, node_color="lightgray", node_size=120,
                           edgecolors="gray", linewidths=0.5, label=f"other nodes ({len(others)})")
    nx.draw_networkx_nodes(graph, pos, nodelist=members, ax=ax, node_color="tab:orange", node_size=220,
                           edgecolors="black", linewidths=0.8, label=f"{label} ({len(members)})")
    if n <= 40:
        nx.draw_networkx_labels(graph, pos, ax=ax, font_size=8)
    ax.tick_params(left=True, bottom=True, labelleft=True, labelbottom=True)
    ax.set_xlabel("layout x")
    ax.set_ylabel("layout y")
    ax.set_title(f"{title}: {len(members)} of {n} nodes in the {label}")
    ax.legend(fontsize="small", loc="best")
    return figure


def plot_queens(columns, title="N-queens", ax=None):
    """A chessboard with one queen per row (``columns[r]`` is the column of row r's queen) and a red line
    between every attacking pair (same column or same diagonal).

    Parameters
    ----------
    columns : sequence of int
        The column of each row's queen.
    title : str
        The number of attacking pairs is added to it.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of on a new Figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from hopopt.plotting.solutions import plot_queens
    >>> figure = plot_queens([1, 3, 0, 2])
    >>> figure.axes[0].get_title()
    'N-queens: 0 attacking pairs'
    """
    columns = np.asarray(columns).reshape(-1).astype(int)
    n = columns.size
    if n == 0 or columns.min() < 0 or columns.max() >= n:
        raise InputError(f"columns: need one column 0..{max(n - 1, 0)} per row, got {columns.tolist()}")
    figure, ax = _figure_and_axes(ax, figsize=(5.5, 5.5))
    squares = (np.add.outer(np.arange(n), np.arange(n)) % 2).astype(float)
    ax.imshow(squares, cmap=ListedColormap(["#f0d9b5", "#b58863"]), extent=(-0.5, n - 0.5, n - 0.5, -0.5))
    attacks = 0
    for first in range(n):
        for second in range(first + 1, n):
            # rows differ by construction: same column, or as many rows apart as columns apart
            if columns[first] == columns[second] or abs(columns[first] - columns[second]) == second - first:
                attacks += 1
                ax.plot([columns[first], columns[second]], [first, second], color="red", linewidth=2, alpha=0.7)
    size = max(6.0, 220.0 / n)
    ax.scatter(columns, np.arange(n), s=size ** 2, marker="o", color="black", edgecolors="white", zorder=3)
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlabel("column")
    ax.set_ylabel("row")
    ax.set_title(f"{title}: {attacks} attacking pair{'' if attacks == 1 else 's'}")
    return figure


def plot_sudoku(givens, grid, box=None, title="Sudoku", ax=None):
    """A sudoku grid: givens in black, the digits filled in in blue, cells holding a repeated digit (in a row,
    column or box) shaded red; thick lines around the boxes.

    Parameters
    ----------
    givens : array_like, shape (n, n) or (n²,)
        The puzzle: digits 1..n, 0 for blanks.
    grid : array_like, shape (n, n) or (n²,)
        The filled grid (0 = still empty).
    box : (int, int), optional
        Rows and columns of a box; default :func:`hopopt.problems.puzzles.box_shape`.
    title : str
        The title's start; it goes on with the number of clashing pairs.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure with one Axes.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on (``ax``'s when given).

    Examples
    --------
    >>> from hopopt.plotting.solutions import plot_sudoku
    >>> figure = plot_sudoku([1, 0, 0, 0] + [0] * 12, [1, 2, 3, 4, 3, 4, 1, 2, 2, 1, 4, 3, 4, 3, 2, 1])
    >>> figure.axes[0].get_title()
    'Sudoku: 0 clashing pairs'
    """
    from hopopt.problems.puzzles import box_shape

    givens, grid = np.asarray(givens).astype(int), np.asarray(grid).astype(int)
    side = int(round(np.sqrt(grid.size)))
    if side * side != grid.size or givens.size != grid.size:
        raise InputError(f"grid: need n² digits and as many givens, got {grid.size} and {givens.size}")
    givens, grid = givens.reshape(side, side), grid.reshape(side, side)
    rows, cols = box_shape(side) if box is None else box
    cells = np.arange(side * side).reshape(side, side)
    boxes = cells.reshape(side // rows, rows, side // cols, cols).transpose(0, 2, 1, 3).reshape(side, side)
    clashing = np.zeros(side * side, dtype=bool)
    pairs = 0
    for unit in np.concatenate([cells, cells.T, boxes]):
        digits = grid.reshape(-1)[unit]
        for digit in np.unique(digits[digits > 0]):
            members = unit[digits == digit]
            pairs += members.size * (members.size - 1) // 2
            if members.size > 1:
                clashing[members] = True
    figure, ax = _figure_and_axes(ax, figsize=(5.5, 5.5))
    shade = np.where(clashing.reshape(side, side), 1.0, 0.0)
    ax.imshow(shade, cmap=ListedColormap(["white", "#f4a6a6"]), vmin=0, vmax=1,
              extent=(-0.5, side - 0.5, side - 0.5, -0.5))
    for line in range(side + 1):
        thick = 2.2 if line % cols == 0 else 0.5
        ax.axvline(line - 0.5, color="black", linewidth=thick)
        thick = 2.2 if line % rows == 0 else 0.5
        ax.axhline(line - 0.5, color="black", linewidth=thick)
    font = max(6.0, 120.0 / side)
    for row in range(side):
        for column in range(side):
            if grid[row, column] > 0:
                given = givens[row, column] > 0
                ax.text(column, row, str(grid[row, column]), ha="center", va="center", fontsize=font,
                        color="black" if given else "tab:blue", fontweight="bold" if given else "normal")
    ax.set_xlim(-0.5, side - 0.5)
    ax.set_ylim(side - 0.5, -0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"{title}: {pairs} clashing pair{'' if pairs == 1 else 's'}")
    return figure




def plot_number_partition(numbers, groups, title="Number partitioning", ax=None):
    """Two stacked bars, one per group, each number a segment (largest at the bottom): the bars' lengths are the
    group sums, so the difference shows as the overhang of the longer bar.

    Parameters
    ----------
    numbers : array_like of float
        The numbers (a negative number is drawn by its magnitude, hatched, since it subtracts from its group).
    groups : array_like of 0/1
        The group of each number.
    title : str
        Figure title; the two sums and their difference are appended.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of on a new Figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from hopopt.plotting.solutions import plot_number_partition
    >>> figure = plot_number_partition([8, 7, 6, 5, 4], [1, 1, 0, 0, 0])
    >>> figure.axes[0].get_title()
    'Number partitioning: sums 15 and 15, difference 0'
    """
    numbers = np.asarray(numbers, dtype=float).reshape(-1)
    groups = np.asarray(groups).reshape(-1)
    if groups.shape != numbers.shape or not np.all(np.isin(groups, (0, 1))):
        raise InputError(f"groups: need a group 0 or 1 for each of the {numbers.size} numbers, got {groups.size}")
    figure, ax = _figure_and_axes(ax, figsize=(7, 3.2))
    sums = []
    for group in (0, 1):
        members = numbers[groups == group]
        members = members[np.argsort(-np.abs(members), kind="stable")]
        left = 0.0
        for index, value in enumerate(members):
            ax.barh(group, abs(value), left=left, color=_colour(2 * group + index % 2), edgecolor="white",
                    linewidth=0.5, hatch="//" if value < 0 else None)
            left += abs(value)
        sums.append(float(members.sum()))
    ax.set_yticks([0, 1], [f"group 0 ({int(np.sum(groups == 0))})", f"group 1 ({int(np.sum(groups == 1))})"])
    ax.set_xlabel("sum of the group's numbers")
    ax.set_title(f"{title}: sums {sums[0]:g} and {sums[1]:g}, difference {abs(sums[1] - sums[0]):g}")
    return figure


def plot_knapsack(values, weights, capacity, chosen, title="Knapsack", ax=None):
    """Every item as a point (weight, value), packed items filled, the rest hollow (good items lie up and to the
    left); the title shows the weight used against the capacity.

    Parameters
    ----------
    values, weights : array_like of float
        The items.
    capacity : float
    chosen : array_like of 0/1
        Which items are packed.
    title : str
        Figure title; the weight used and the capacity are appended.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from hopopt.plotting.solutions import plot_knapsack
    >>> figure = plot_knapsack([6, 5, 4], [5, 4, 3], 8, [1, 0, 1])
    >>> figure.axes[0].get_title()
    'Knapsack: weight 8 of 8'
    """
    values = np.asarray(values, dtype=float).reshape(-1)
    weights = np.asarray(weights, dtype=float).reshape(-1)
    chosen = np.asarray(chosen).reshape(-1)
    if chosen.shape != values.shape or weights.shape != values.shape or not np.all(np.isin(chosen, (0, 1))):
        raise InputError(f"chosen: need 0 or 1 for each of the {values.size} items, got {chosen.size}")
    figure, ax = _figure_and_axes(ax, figsize=(6.4, 4.8))
    packed = chosen == 1
    ax.scatter(weights[~packed], values[~packed], facecolors="none", edgecolors=_colour(14), label="left out")
    ax.scatter(weights[packed], values[packed], color=_colour(0), label="packed")
    ax.set_xlabel("weight")
    ax.set_ylabel("value")
    ax.legend(loc="upper left")
    ax.set_title(f"{title}: weight {float(weights @ chosen):g} of {float(capacity):g}")
    return figure


def plot_set_cover(incidence, chosen, costs=None, title="Set cover", ax=None):
    """The element × set incidence matrix: chosen sets' columns in colour, the others grey, columns ordered by
    cost (cheapest left) so a good cover shows as colour on the left.

    Parameters
    ----------
    incidence : array_like or scipy.sparse array of shape (elements, sets)
        1 where a set holds an element.
    chosen : array_like of 0/1
        Which sets are chosen.
    costs : array_like of float, optional
        Set costs (the column order); default: the given order.
    title : str
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from hopopt.plotting.solutions import plot_set_cover
    >>> figure = plot_set_cover([[1, 0, 1], [1, 1, 0]], [1, 0, 1], [2, 3, 1])
    >>> figure.axes[0].get_title()
    'Set cover: 2 of 3 sets, 2 of 2 elements covered'
    """
    matrix = incidence.toarray() if sp.issparse(incidence) else np.asarray(incidence)
    matrix = (np.asarray(matrix) != 0).astype(float)
    chosen = np.asarray(chosen).reshape(-1)
    if chosen.size != matrix.shape[1] or not np.all(np.isin(chosen, (0, 1))):
        raise InputError(f"chosen: need 0 or 1 for each of the {matrix.shape[1]} sets, got {chosen.size}")
    order = np.argsort(np.asarray(costs, dtype=float), kind="stable") if costs is not None else \
        np.arange(matrix.shape[1])
    picture = matrix[:, order] * np.where(chosen[order] == 1, 2.0, 1.0)[None, :]
    figure, ax = _figure_and_axes(ax, figsize=(7, 4))
    ax.imshow(picture, aspect="auto", interpolation="nearest",
              cmap=ListedColormap(["white", "lightgrey", _colour(0)]), vmin=0, vmax=2)
    ax.set_xlabel("sets" + (" (by cost, cheapest left)" if costs is not None else ""))
    ax.set_ylabel("elements")
    covered = int(np.sum((matrix @ chosen) > 0))
    ax.set_title(f"{title}: {int(chosen.sum())} of {chosen.size} sets, {covered} of {matrix.shape[0]} elements "
                 f"covered")
    return figure


def plot_clauses(n, clauses, assignment, title="MAX-SAT", ax=None, max_rows=80):
    """A truth assignment against its clauses: one row per clause, one column per variable; a cell is green
    where the clause's literal on that variable is true, red where it is false, blank where the variable is
    not in the clause. A clause is satisfied when its row has a green cell; the unsatisfied rows (all red)
    come first, above a black line.

    Parameters
    ----------
    n : int
        Number of variables.
    clauses : sequence of sequence of int
        Signed 1-based literals (``-3`` is "not x3").
    assignment : array_like of 0/1
        One truth value per variable.
    title : str
        First line of the title; the second says how many clauses are unsatisfied.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure with one Axes.
    max_rows : int
        At most this many clauses are drawn (the unsatisfied ones first); the title says how many were left out.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on (``ax``'s when given).

    Examples
    --------
    >>> from hopopt.plotting.solutions import plot_clauses
    >>> figure = plot_clauses(3, [(1, -2), (2, 3), (-1, -3)], [1, 1, 1])
    >>> figure.axes[0].get_title()
    'MAX-SAT\\n1 of 3 clauses unsatisfied'
    """
    figure, ax = _figure_and_axes(ax, figsize=(7, 5.5))
    assignment = np.asarray(assignment, dtype=int).reshape(-1)
    grid = np.zeros((len(clauses), int(n)), dtype=np.int8)
    for row, clause in enumerate(clauses):
        for literal in clause:
            value = 1 if (assignment[abs(literal) - 1] == 1) == (literal > 0) else -1
            # x ∨ ¬x puts both on one cell: the true one shows, as the clause is satisfied
            cell = grid[row, abs(literal) - 1]
            grid[row, abs(literal) - 1] = value if cell == 0 else max(cell, value)
    unsatisfied = ~np.any(grid == 1, axis=1)
    order = np.concatenate([np.flatnonzero(unsatisfied), np.flatnonzero(~unsatisfied)])[:max_rows]
    shown = grid[order] if order.size else np.zeros((1, int(n)), dtype=np.int8)
    ax.imshow(shown, cmap=ListedColormap(["#d62728", "white", "#2ca02c"]), vmin=-1, vmax=1, aspect="auto",
              interpolation="nearest")
    count = int(unsatisfied.sum())
    if 0 < count < len(order):
        ax.axhline(count - 0.5, color="black", linewidth=1)
    ax.set_xlabel("variable (column v-1)")
    ax.set_ylabel("clause (unsatisfied first)")
    left_out = len(clauses) - len(order)
    ax.set_title(f"{title}\n{count} of {len(clauses)} clauses unsatisfied"
                 + (f" ({left_out} satisfied ones not shown)" if left_out else ""), fontsize=10)
    return figure
