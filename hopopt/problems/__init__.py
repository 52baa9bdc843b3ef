"""Problems: encoders to an energy model, decoders back to solutions, and evaluation.

Each encoder class is imported from its module on first access (PEP 562), so that solving a max-cut
instance does not import the QAP encoder's scipy.optimize or the others' dependencies.
"""

from importlib import import_module

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


def __getattr__(name):
    """Import an encoder's module on first access and keep the name here (PEP 562)."""
    try:
        module_name = _LAZY_NAMES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
