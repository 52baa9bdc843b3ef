"""Workflows: what combines a problem encoding with solvers (a layer above :mod:`hopopt.problems` and
:mod:`hopopt.solvers`, which never import each other).

- :mod:`~hopopt.workflows.coloring`: the fewest-colours search (DSATUR, then fewer colours by annealing).
- :mod:`~hopopt.workflows.memory`: associative-memory recall from a cue, modern recall, the capacity experiment.
- :mod:`~hopopt.workflows.hopfield_tank`: the Hopfield–Tank (1985) TSP validity study.
"""

from .coloring import dsatur_coloring, fewest_colors
from .hopfield_tank import PAPER_SETTINGS, optimal_tour, tank_tsp_study
from .memory import RecallResult, capacity_curve, modern_recall, recall

__all__ = ["fewest_colors", "dsatur_coloring", "recall", "modern_recall", "capacity_curve", "RecallResult",
           "tank_tsp_study", "optimal_tour", "PAPER_SETTINGS"]
