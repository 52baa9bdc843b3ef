"""Problems: encoders to an energy model, decoders back to solutions, and evaluation."""

from ._base import Evaluation, Problem
from .maxcut import MaxCut
from .coloring import GraphColoring
from .qap import QAP
from .tsp import TSP
from .independent_set import MaximumClique, MaximumIndependentSet, MinimumVertexCover
from .maxsat import MaxSAT
from .knapsack import Knapsack
from .set_cover import SetCover
from .quadratic import QUBO, Ising
from .puzzles import NQueens, Sudoku
from .partition import NumberPartitioning
from .bisection import GraphBisection

__all__ = ["Evaluation", "Problem", "MaxCut", "TSP", "GraphColoring", "QAP", "MaximumIndependentSet", "MinimumVertexCover",
           "MaximumClique", "MaxSAT", "Knapsack", "SetCover", "NQueens", "Sudoku", "QUBO", "Ising",
           "NumberPartitioning", "GraphBisection"]
