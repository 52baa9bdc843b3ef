"""Solvers: deterministic Hopfield dynamics, simulated annealing and exact baselines.

Every solver takes an :class:`~hopopt.model.EnergyModel` and returns a :class:`~hopopt.result.SolveResult`
(exact methods return an :class:`~hopopt.solvers.exact.ExactResult`).
"""

from ._common import warm_up
from .anneal import anneal
from .descent import descend, descend_restarts, synchronous
from .exact import ExactResult, ExactSolution, brute_force, milp, solve_exact
from .exact_coloring import exact_coloring
from .exact_tsp import held_karp, tsp_milp
from .penalty import PenaltyLoopResult, penalty_loop

__all__ = ["anneal", "descend", "descend_restarts", "synchronous", "brute_force", "milp", "solve_exact",
           "ExactResult", "ExactSolution", "held_karp", "tsp_milp", "exact_coloring", "penalty_loop",
           "PenaltyLoopResult", "warm_up"]
