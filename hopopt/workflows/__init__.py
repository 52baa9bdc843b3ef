"""Workflows: what combines a problem encoding with solvers (a layer above :mod:`hopopt.problems` and
:mod:`hopopt.solvers`, which never import each other).

- :mod:`~hopopt.workflows.coloring`: the fewest-colours search (DSATUR, then fewer colours by annealing).
- :mod:`~hopopt.workflows.memory`: associative-memory recall from a cue, modern recall, the capacity experiment.
- :mod:`~hopopt.workflows.hopfield_tank`: the Hopfield–Tank (1985) TSP validity study.
"""

import importlib

# imported on first use (PEP 562): a colouring solve must not import the Hopfield–Tank study and its solvers
_PUBLIC = {"fewest_colors": "coloring", "dsatur_coloring": "coloring", "recall": "memory",
           "modern_recall": "memory", "capacity_curve": "memory", "RecallResult": "memory",
           "tank_tsp_study": "hopfield_tank", "optimal_tour": "hopfield_tank", "PAPER_SETTINGS": "hopfield_tank"}

__all__ = list(_PUBLIC)


def __getattr__(name):
    if name in _PUBLIC:
        value = getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_PUBLIC))
