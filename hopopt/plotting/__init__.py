"""Pictures of energy networks and their solutions (the only hopopt package that imports matplotlib).

Every function takes the data plus an optional ``ax``; when ``ax`` is None it makes a new
:class:`matplotlib.figure.Figure` (never pyplot, so nothing is left open and it runs headless), draws on it and
returns the Figure. Save it with :func:`save_figure`.

By audience:

- :mod:`~hopopt.plotting.solutions`: one network, one solution or one dynamics run (energy traces, the β
  schedule, weights, neuron states, tours, cuts, colourings, stored patterns, animations);
- :mod:`~hopopt.plotting.benchmarks`: experiments over many runs (solvers compared, gap against time, time to
  solution against size, memory capacity against load, Hopfield–Tank valid tours against the penalty);
- :mod:`~hopopt.plotting._figures`: what both share (figure creation, :func:`save_figure`, colours).

Every public name is available here, e.g. ``from hopopt import plotting; plotting.plot_tour(...)``.

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

from ._figures import new_figure, save_figure
from .benchmarks import plot_capacity_curves, plot_compare, plot_gap_vs_time, plot_tts_vs_size, plot_valid_rate
from .solutions import (SPY_THRESHOLD, plot_assignment, plot_beta_schedule, plot_clauses, plot_coloring, plot_cut,
                        plot_energy_traces, plot_knapsack, plot_node_set, plot_number_partition, plot_patterns,
                        plot_queens, plot_set_cover, plot_spin_raster, plot_sudoku, plot_tour, plot_weights,
                        save_animation, solution_figure)
from .scripts import ScriptOptions, script_options

__all__ = [
    "plot_node_set",
    "plot_queens",
    "plot_sudoku",
    "plot_number_partition",
    "plot_knapsack",
    "plot_set_cover",
    "plot_clauses",
    "plot_assignment",
    "solution_figure",
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
    "new_figure",
    "ScriptOptions",
    "script_options",
]
