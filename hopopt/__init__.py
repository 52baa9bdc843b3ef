"""hopopt: combinatorial optimisation with Hopfield-style energy networks.

Encode a problem as an :class:`EnergyModel`, solve it with Hopfield descent or annealing, decode and
evaluate the answer, and compare it with an exact solver.

Examples
--------
>>> import hopopt
>>> problem = hopopt.MaxCut.from_edges(4, [(0, 1), (1, 2), (2, 3), (3, 0)])
>>> result = hopopt.anneal(problem.to_model(), n_sweeps=100, rng=0)
>>> problem.evaluate(problem.decode(result.best_state)).objective
4.0
"""

from .api import solve, solve_exact
from .model import EnergyModel, Vartype
from .constrained import ConstrainedModel
from .problems import (QAP, QUBO, TSP, Evaluation, GraphBisection, GraphColoring, Ising, Knapsack, MaxCut, MaximumClique,
                       MaximumIndependentSet, MaxSAT, MinimumVertexCover, NQueens, NumberPartitioning, SetCover, Sudoku)
from .result import Solution, SolveResult, Status
from .structured import KroneckerWeights
from .solvers import anneal, brute_force, descend, exact_coloring, held_karp, milp, penalty_loop, synchronous, tsp_milp
from .workflows import fewest_colors

__version__ = "0.1.0"

__all__ = ["solve", "solve_exact", "Solution", "EnergyModel", "KroneckerWeights", "Vartype", "SolveResult", "Status",
           "anneal", "descend", "synchronous", "brute_force", "milp", "held_karp", "tsp_milp", "exact_coloring",
           "penalty_loop", "ConstrainedModel", "MaxCut", "TSP", "GraphColoring", "QAP", "QUBO", "Ising",
           "NumberPartitioning", "GraphBisection", "MaximumIndependentSet", "MinimumVertexCover", "MaximumClique",
           "Knapsack", "SetCover", "MaxSAT", "NQueens", "Sudoku", "fewest_colors", "Evaluation", "__version__"]
