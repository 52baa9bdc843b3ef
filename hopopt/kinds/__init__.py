"""The registry of problem kinds: the one seam between encoders and everything that serves them.

Every kind is a :class:`ProblemKind` record (reader, random generator, exact method, plot, solution files,
peers). The command line, :func:`hopopt.solve`, compare and bench, plots and explain find kinds here, so a
new problem costs an encoder module, a kind module and one line in :data:`KINDS` below.

Examples
--------
>>> from hopopt.kinds import KINDS, get_kind
>>> sorted(KINDS)[:6]
['bisection', 'clique', 'coloring', 'ising', 'knapsack', 'maxcut']
>>> get_kind("qap").file_format
'qaplib'
"""

from __future__ import annotations

from ..errors import InputError
from . import bisection, coloring, independent_set, knapsack, maxcut, maxsat, model, partition, puzzles, qap, qubo, tsp
from ._kind import Budget, ExactAnswer, Outcome, PeerSpec, ProblemKind, read_json_solution

__all__ = ["KINDS", "ProblemKind", "PeerSpec", "Budget", "Outcome", "ExactAnswer", "get_kind", "kind_of",
           "read_json_solution"]

#: every registered kind by name: one line per kind
KINDS = {kind.name: kind for kind in (
    maxcut.KIND, tsp.KIND, coloring.KIND, qap.KIND, model.KIND, qubo.QUBO_KIND, qubo.ISING_KIND, partition.KIND,
    bisection.KIND, *independent_set.KINDS, *knapsack.KINDS, maxsat.KIND, puzzles.QUEENS, puzzles.SUDOKU)}


def get_kind(name) -> ProblemKind:
    """The kind called ``name``; an unknown name is an InputError listing the known ones.

    Examples
    --------
    >>> from hopopt.kinds import get_kind
    >>> get_kind("tsp").smallest_n
    3
    """
    try:
        return KINDS[name]
    except (KeyError, TypeError):
        raise InputError(f"unknown problem {name!r}; choose from {', '.join(KINDS)}") from None


def kind_of(problem) -> ProblemKind:
    """The kind whose encoder class ``problem`` is an instance of.

    Examples
    --------
    >>> from hopopt.kinds import kind_of
    >>> from hopopt.problems import MaxCut
    >>> kind_of(MaxCut(2, [(0, 1)])).name
    'maxcut'
    """
    for kind in KINDS.values():
        if isinstance(problem, kind.problem):
            return kind
    raise TypeError(f"{type(problem).__name__} is not a registered problem kind ({', '.join(KINDS)})")
