"""Solvers: deterministic Hopfield dynamics, simulated annealing, parallel tempering, analog dynamics
(simulated bifurcation, chaotic amplitude control, Hopfield–Tank) and exact baselines.

Every solver takes an :class:`~hopopt.model.EnergyModel` and returns a :class:`~hopopt.result.SolveResult`,
heuristic and exact alike (exact methods fill ``optimal`` and ``bound``). The problem-level exact methods
(Held–Karp and the TSP MILP, exact coloring, QAP branch and bound) take the problem's arrays and return a
:class:`~hopopt.result.Solution` in the problem's own terms, with the same ``optimal`` and ``bound``.
"""

from ._common import warm_up
from .amplitude import amplitude_control
from .anneal import anneal
from .bifurcation import bifurcate
from .descent import descend, descend_restarts, synchronous
from .exact import brute_force, milp, solve_exact
from .exact_coloring import exact_coloring
from .exact_tsp import held_karp, tsp_milp
from .penalty import penalty_loop
from .tank import tank
from .temper import temper

__all__ = ["anneal", "temper", "bifurcate", "amplitude_control", "tank", "descend", "descend_restarts", "synchronous",
           "brute_force", "milp", "solve_exact", "held_karp", "tsp_milp", "exact_coloring", "penalty_loop", "warm_up"]
