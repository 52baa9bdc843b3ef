"""Shared helpers of :mod:`hopopt.plotting`: figure creation, saving, and the colour style.

Figures are made as :class:`matplotlib.figure.Figure` objects, never through pyplot, so nothing is left open and
everything runs headless.
"""

from __future__ import annotations

import os

# the Agg canvas savefig draws PNGs on, loaded with the module: a command that imports plotting before its work
# (hopopt --plot) then has nothing left to import when it draws
import matplotlib.backends.backend_agg  # noqa: F401
from matplotlib.figure import Figure

from hopopt.errors import InputError

__all__ = ["new_figure", "save_figure"]


def new_figure(figsize=(6.4, 4.8), **options):
    """A new :class:`matplotlib.figure.Figure`, not registered with pyplot (nothing to close, runs headless).

    Parameters
    ----------
    figsize : (float, float)
        Width and height in inches.
    **options
        Passed to :class:`~matplotlib.figure.Figure` (e.g. ``layout="constrained"``).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from hopopt.plotting import new_figure
    >>> left, right = new_figure(figsize=(8, 3)).subplots(1, 2)
    >>> left.figure is right.figure
    True
    """
    return Figure(figsize=figsize, **options)


def _figure_and_axes(ax, figsize=(6.4, 4.8)):
    """The Figure and Axes to draw on: ``ax`` and its figure, or a fresh Figure with one Axes."""
    if ax is not None:
        return ax.figure, ax
    figure = new_figure(figsize=figsize)
    return figure, figure.add_subplot(1, 1, 1)


def _colour(index):
    from matplotlib import colormaps

    return colormaps["tab20"](index % 20)


def _solver_colour(index):
    from matplotlib import colormaps

    return colormaps["tab10"](index % 10)


def _no_data(ax, text="no data"):
    """Mark an empty Axes with a centred grey ``text``."""
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color="gray")


def prepare_folder(folder, purpose=""):
    """Create ``folder`` (and its parents); InputError (a ValueError) if that fails or it is not writable."""
    folder = os.fspath(folder)
    try:
        os.makedirs(folder, exist_ok=True)
    except (OSError, ValueError) as error:
        raise InputError(f"path: cannot create the folder {folder}{purpose}: "
                         f"{getattr(error, 'strerror', None) or error}") from None
    if not os.access(folder, os.W_OK):
        raise InputError(f"path: the folder {folder} is not writable") from None
    return folder


def _prepare_path(path):
    """Create the parent folders of ``path``; InputError (a ValueError) if that or writing there fails."""
    path = os.fspath(path)
    prepare_folder(os.path.dirname(os.path.abspath(path)), purpose=f" for {path}")
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
