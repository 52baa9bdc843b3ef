"""Sphinx configuration of hopopt's documentation site.

Build it with ``sphinx-build -W -b html docs docs/_build/html`` (``pip install -e ".[docs]"`` first). With
``HOPOPT_FAST=1`` in the environment every example and course page runs its quick version (what CI does);
without it they run at their full, slower size.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

from figures_scraper import figure_scraper, reset_shown  # noqa: E402
from public_api import write_api_pages  # noqa: E402
from sphinx_gallery.sorting import FileNameSortKey  # noqa: E402

import hopopt  # noqa: E402

project = "hopopt"
author = "hopopt developers"
copyright = "2026, hopopt developers"
version = release = hopopt.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "sphinx_design",
]

# the reference is regenerated from every public module's __all__ at each build (docs/_ext/public_api.py)
# (it writes each object's page itself, members listed one by one; autosummary only draws the tables)
write_api_pages(HERE / "api")
autodoc_default_options = {"members": False}
autodoc_typehints = "none"  # numpydoc's Parameters sections say the types in words
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

exclude_patterns = ["_build", "**.ipynb_checkpoints", "course_src", "start_src"]
# no math extension: every formula is written in Unicode, so the site loads nothing from the network

html_theme = "pydata_sphinx_theme"
html_title = "hopopt"
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc", "sourcelink"],
}
html_static_path: list[str] = []
# without a default mode the theme logs "Got invalid theme mode" in the console of every first visit
html_context = {"default_mode": "auto"}
html_show_sourcelink = True
# the gallery configuration holds functions (the scraper), which Sphinx cannot pickle: nothing to warn about
suppress_warnings = ["config.cache"]

sphinx_gallery_conf = {
    "examples_dirs": ["start_src", "course_src", "../examples"],
    "gallery_dirs": ["start", "course", "examples"],
    # every script runs, in file-name order (the course pages are numbered)
    "filename_pattern": r"/[^_/][^/]*\.py$",
    "ignore_pattern": r"(__init__|/_[^/]*)\.py$",
    "within_subsection_order": FileNameSortKey,
    "image_scrapers": ("matplotlib", figure_scraper),
    "reset_modules": ("matplotlib", reset_shown),
    "first_notebook_cell": "%matplotlib inline",
    "abort_on_example_error": True,
    "remove_config_comments": True,
    "download_all_examples": False,
    "show_memory": False,
    "min_reported_time": 1,
    "matplotlib_animations": False,
    # the computation-times pages load jQuery and DataTables from CDNs; the site loads nothing from the network
    "write_computation_times": False,
    # a cell ending with a figure shows it in Jupyter; here the scraper shows it, so its repr is not printed
    "ignore_repr_types": r"matplotlib\.(text|axes|figure)",
}

# the quick versions when asked (CI); the scripts read HOPOPT_FAST through hopopt.plotting.script_options
if os.environ.get("HOPOPT_FAST"):
    os.environ["HOPOPT_FAST"] = "1"


def _write_command_help(folder: Path) -> None:
    """Capture ``hopopt --help`` and ``hopopt solve --help`` as the build sees them."""
    import subprocess

    folder.mkdir(parents=True, exist_ok=True)
    for arguments, name in ((["--help"], "hopopt_help.txt"), (["solve", "--help"], "hopopt_solve_help.txt")):
        completed = subprocess.run([sys.executable, "-m", "hopopt.cli", *arguments], capture_output=True,
                                   text=True, check=True, env={**os.environ, "COLUMNS": "100"})
        (folder / name).write_text(completed.stdout)


_write_command_help(HERE / "_generated")
