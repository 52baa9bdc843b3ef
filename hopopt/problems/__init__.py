"""Problems: encoders to an energy model, decoders back to solutions, and evaluation.

Each encoder class is imported from its module on first access (PEP 562), so that solving a max-cut
instance does not import the QAP encoder's scipy.optimize or the others' dependencies.
"""

from .._lazy import lazy_names

# public name -> the module under hopopt.problems that defines it
_LAZY_NAMES = {
    "Evaluation": "._base", "Problem": "._base", "MaxCut": ".maxcut", "GraphColoring": ".coloring", "QAP": ".qap",
    "TSP": ".tsp", "MaximumClique": ".independent_set", "MaximumIndependentSet": ".independent_set",
    "MinimumVertexCover": ".independent_set", "MaxSAT": ".maxsat", "Knapsack": ".knapsack",
    "SetCover": ".set_cover", "QUBO": ".quadratic", "Ising": ".quadratic", "NQueens": ".puzzles",
    "Sudoku": ".puzzles", "NumberPartitioning": ".partition", "GraphBisection": ".bisection",
}

__all__ = ["Evaluation", "Problem", "MaxCut", "TSP", "GraphColoring", "QAP", "MaximumIndependentSet", "MinimumVertexCover",
           "MaximumClique", "MaxSAT", "Knapsack", "SetCover", "NQueens", "Sudoku", "QUBO", "Ising",
           "NumberPartitioning", "GraphBisection"]


# each encoder's module is imported on first access (PEP 562)
__getattr__, __dir__ = lazy_names(__name__, _LAZY_NAMES, globals())
