"""Solvers: deterministic Hopfield dynamics, simulated annealing and exact baselines.

Every solver takes an :class:`~hopopt.model.EnergyModel` and returns a :class:`~hopopt.result.SolveResult`
(exact methods return an :class:`~hopopt.solvers.exact.ExactResult`).
"""

from ._common import warm_up
from .anneal import anneal
from .descent import descend, synchronous
from .exact import ExactResult, brute_force, milp

__all__ = ["anneal", "descend", "synchronous", "brute_force", "milp", "ExactResult", "warm_up"]
