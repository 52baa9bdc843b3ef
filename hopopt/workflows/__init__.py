"""Workflows: what combines a problem encoding with solvers (a layer above :mod:`hopopt.problems` and
:mod:`hopopt.solvers`, which never import each other).

- :mod:`~hopopt.workflows.coloring`: the fewest-colours search (DSATUR, then fewer colours by annealing).
- :mod:`~hopopt.workflows.memory`: associative-memory recall from a cue, modern recall, the capacity experiment.
- :mod:`~hopopt.workflows.hopfield_tank`: the Hopfield–Tank (1985) TSP validity study.
"""

from .._lazy import lazy_names

# imported on first use (PEP 562): a colouring solve must not import the Hopfield–Tank study and its solvers
_LAZY_NAMES = {"fewest_colors": ".coloring", "dsatur_coloring": ".coloring", "recall": ".memory",
               "modern_recall": ".memory", "capacity_curve": ".memory", "RecallResult": ".memory",
               "tank_tsp_study": ".hopfield_tank", "optimal_tour": ".hopfield_tank", "PAPER_SETTINGS": ".hopfield_tank"}

__all__ = list(_LAZY_NAMES)

__getattr__, __dir__ = lazy_names(__name__, _LAZY_NAMES, globals())
