"""hopopt: combinatorial optimisation with Hopfield-style energy networks.

Encode a problem as an :class:`EnergyModel`, solve it with Hopfield descent or annealing, decode and
evaluate the answer, and compare it with an exact solver.

The public names below are imported on first use (PEP 562), so that ``import hopopt`` and the ``hopopt``
command's start-up do not pay for numpy, numba and scipy before a command needs them.

Examples
--------
>>> import hopopt
>>> problem = hopopt.MaxCut.from_edges(4, [(0, 1), (1, 2), (2, 3), (3, 0)])
>>> result = hopopt.anneal(problem.to_model(), n_sweeps=100, rng=0)
>>> problem.evaluate(problem.decode(result.best_state)).objective
4.0
"""

from ._lazy import lazy_names

__version__ = "0.1.0"

# public name -> the submodule (relative to this package) that defines it; imported on first access
_LAZY_NAMES = {
    "solve": ".api", "solve_exact": ".api",
    "EnergyModel": ".model", "Vartype": ".model",
    "ConstrainedModel": ".constrained",
    **dict.fromkeys(("QAP", "QUBO", "TSP", "Evaluation", "GraphBisection", "GraphColoring", "Ising", "Knapsack",
                     "MaxCut", "MaximumClique", "MaximumIndependentSet", "MaxSAT", "MinimumVertexCover", "NQueens",
                     "NumberPartitioning", "SetCover", "Sudoku"), ".problems"),
    "Solution": ".result", "SolveResult": ".result", "Status": ".result",
    "KroneckerWeights": ".structured",
    **dict.fromkeys(("anneal", "brute_force", "descend", "exact_coloring", "held_karp", "milp", "penalty_loop",
                     "synchronous", "tsp_milp"), ".solvers"),
    "fewest_colors": ".workflows",
}

__all__ = ["solve", "solve_exact", "Solution", "EnergyModel", "KroneckerWeights", "Vartype", "SolveResult", "Status",
           "anneal", "descend", "synchronous", "brute_force", "milp", "held_karp", "tsp_milp", "exact_coloring",
           "penalty_loop", "ConstrainedModel", "MaxCut", "TSP", "GraphColoring", "QAP", "QUBO", "Ising",
           "NumberPartitioning", "GraphBisection", "MaximumIndependentSet", "MinimumVertexCover", "MaximumClique",
           "Knapsack", "SetCover", "MaxSAT", "NQueens", "Sudoku", "fewest_colors", "Evaluation", "__version__"]


# each public name's module is imported on first access (PEP 562)
__getattr__, __dir__ = lazy_names(__name__, _LAZY_NAMES, globals())
