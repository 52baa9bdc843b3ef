"""A sphinx-gallery image scraper for figures that never went through pyplot.

hopopt.plotting makes :class:`matplotlib.figure.Figure` objects directly (so nothing is left open in a
long-running process), and sphinx-gallery's own scraper only sees pyplot's figures. This one looks through
the names a code block left behind (a figure, or a list, tuple or dict of figures) and saves every figure it
has not shown yet below that block, so an example shows its pictures where it makes them. An animation the
block wrote (a name holding the path of an existing ``.gif`` file) is copied next to the page and shown the
same way, so the site plays what ``hopopt.plotting.save_animation`` made.
"""

from __future__ import annotations

import os
import shutil

from matplotlib.figure import Figure

# figures already shown, per example file; the objects are kept so an id cannot be reused by a new figure
_SHOWN: dict[str, list[Figure]] = {}
# animations already shown, per example file: their paths
_SHOWN_ANIMATIONS: dict[str, set[str]] = {}


def _animation_path(value):
    """The path of an existing GIF file that ``value`` (a str or path) names, else None."""
    if not isinstance(value, (str, os.PathLike)):
        return None
    path = os.fspath(value)
    if isinstance(path, str) and path.lower().endswith(".gif") and os.path.isfile(path):
        return os.path.abspath(path)
    return None


def _figures_in(value):
    if isinstance(value, Figure):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            if isinstance(item, Figure):
                yield item
    elif isinstance(value, dict):
        for item in value.values():
            if isinstance(item, Figure):
                yield item


def figure_scraper(block, block_vars, gallery_conf):
    """Save the block's new figures next to the page and return the rST that shows them."""
    from sphinx_gallery.scrapers import figure_rst

    shown = _SHOWN.setdefault(str(block_vars["src_file"]), [])
    paths = []
    for name, value in list(block_vars["example_globals"].items()):
        if name.startswith("_"):
            continue
        for figure in _figures_in(value):
            if any(figure is old for old in shown):
                continue
            shown.append(figure)
            path = next(block_vars["image_path_iterator"])
            figure.savefig(path, dpi=90)
            paths.append(path)
        animation = _animation_path(value)
        animations = _SHOWN_ANIMATIONS.setdefault(str(block_vars["src_file"]), set())
        if animation is not None and animation not in animations:
            animations.add(animation)
            path = os.path.splitext(next(block_vars["image_path_iterator"]))[0] + ".gif"
            shutil.copyfile(animation, path)
            paths.append(path)
    return figure_rst(paths, gallery_conf["src_dir"])


def reset_shown(gallery_conf, fname):
    """Forget the previous example's figures (sphinx-gallery calls this before every example)."""
    _SHOWN.clear()
    _SHOWN_ANIMATIONS.clear()
