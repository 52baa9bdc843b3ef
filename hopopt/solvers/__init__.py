"""Solvers: deterministic Hopfield dynamics, simulated annealing, parallel tempering, analog dynamics
(simulated bifurcation, chaotic amplitude control, Hopfield–Tank) and exact baselines.

Every solver takes an :class:`~hopopt.model.EnergyModel` and returns a :class:`~hopopt.result.SolveResult`,
heuristic and exact alike (exact methods fill ``optimal`` and ``bound``). The problem-level exact methods
(Held–Karp and the TSP MILP, exact coloring, QAP branch and bound) take the problem's arrays and return a
:class:`~hopopt.result.Solution` in the problem's own terms, with the same ``optimal`` and ``bound``.

Each solver is imported from its module on first access (PEP 562): annealing a model does not import the
MILP's scipy.optimize nor the analog solvers' kernels.

Examples
--------
>>> from hopopt.solvers import SOLVER_NAMES, anneal
>>> SOLVER_NAMES[:2], anneal.__name__
(('anneal', 'temper'), 'anneal')
"""

import sys
import types

from .._lazy import lazy_names

# public name -> the module under hopopt.solvers that defines it
_LAZY_NAMES = {
    "warm_up": "._common", "amplitude_control": ".amplitude", "anneal": ".anneal", "bifurcate": ".bifurcation",
    "descend": ".descent", "descend_restarts": ".descent", "synchronous": ".descent", "brute_force": ".exact",
    "milp": ".exact", "solve_exact": ".exact", "exact_coloring": ".exact_coloring", "held_karp": ".exact_tsp",
    "tsp_milp": ".exact_tsp", "penalty_loop": ".penalty", "tank": ".tank", "temper": ".temper",
}

#: every solver name ``hopopt solve --solver`` accepts, known without importing any solver (the command line
#: builds its parser from it); the same tuple as :data:`hopopt.api.SOLVERS`, in the same order (a test keeps
#: the two equal)
SOLVER_NAMES = ("anneal", "temper", "dsb", "bsb", "cac", "descent", "tank", "penalty")

__all__ = ["anneal", "temper", "bifurcate", "amplitude_control", "tank", "descend", "descend_restarts", "synchronous",
           "brute_force", "milp", "solve_exact", "held_karp", "tsp_milp", "exact_coloring", "penalty_loop", "warm_up"]


# each public name's module is imported on first access (PEP 562)
__getattr__, __dir__ = lazy_names(__name__, _LAZY_NAMES, globals())


# anneal, temper, tank and exact_coloring are both solvers and the modules defining them. Importing a submodule
# binds its name in this package to the module (importlib's setattr on the parent); the eager imports this package had
# rebound the name to the function at once. This module class keeps that: the function wins, the module stays
# reachable through sys.modules and ``from hopopt.solvers.anneal import ...``.
_SHADOWED_MODULES = ("anneal", "temper", "tank", "exact_coloring")


class _SolversPackage(types.ModuleType):
    def __setattr__(self, name, value):
        if name in _SHADOWED_MODULES and isinstance(value, types.ModuleType) and hasattr(value, name):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _SolversPackage
