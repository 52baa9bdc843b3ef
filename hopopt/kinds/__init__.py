"""The registry of problem kinds: the one seam between encoders and everything that serves them.

Every kind is a :class:`ProblemKind` record (reader, random generator, exact method, plot, solution files,
peers). The command line, :func:`hopopt.solve`, compare and bench, plots and explain find kinds here, so a
new problem costs an encoder module, a kind module and one line in the registry below.

The names are known without importing any kind: a kind's module (and the numpy, scipy and numba it needs) is
imported the first time the kind itself is asked for, so ``hopopt --help`` lists the problems for free.

Examples
--------
>>> from hopopt.kinds import KINDS, get_kind
>>> sorted(KINDS)[:6]
['bisection', 'clique', 'coloring', 'ising', 'knapsack', 'maxcut']
>>> get_kind("qap").file_format
'qaplib'
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from importlib import import_module

from ..errors import InputError

__all__ = ["KINDS", "ProblemKind", "PeerSpec", "Budget", "Outcome", "ExactAnswer", "get_kind", "kind_of",
           "read_json_solution"]

#: every registered kind, one line per kind: name -> (module under hopopt.kinds, attribute holding the
#: ProblemKind, module defining the kind's problem class); the order is the order of KINDS
_REGISTRY = {
    "maxcut": ("maxcut", "KIND", "hopopt.problems.maxcut"),
    "tsp": ("tsp", "KIND", "hopopt.problems.tsp"),
    "coloring": ("coloring", "KIND", "hopopt.problems.coloring"),
    "qap": ("qap", "KIND", "hopopt.problems.qap"),
    "model": ("model", "KIND", "hopopt.constrained.builder"),
    "qubo": ("qubo", "QUBO_KIND", "hopopt.problems.quadratic"),
    "ising": ("qubo", "ISING_KIND", "hopopt.problems.quadratic"),
    "partition": ("partition", "KIND", "hopopt.problems.partition"),
    "bisection": ("bisection", "KIND", "hopopt.problems.bisection"),
    "mis": ("independent_set", "MIS_KIND", "hopopt.problems.independent_set"),
    "vertexcover": ("independent_set", "VERTEX_COVER_KIND", "hopopt.problems.independent_set"),
    "clique": ("independent_set", "CLIQUE_KIND", "hopopt.problems.independent_set"),
    "knapsack": ("knapsack", "KNAPSACK", "hopopt.problems.knapsack"),
    "setcover": ("knapsack", "SET_COVER", "hopopt.problems.set_cover"),
    "maxsat": ("maxsat", "KIND", "hopopt.problems.maxsat"),
    "queens": ("puzzles", "QUEENS", "hopopt.problems.puzzles"),
    "sudoku": ("puzzles", "SUDOKU", "hopopt.problems.puzzles"),
}

# the record types of hopopt.kinds._kind, re-exported here and imported on first access (they need numpy)
_KIND_RECORD_NAMES = ("Budget", "ExactAnswer", "Outcome", "PeerSpec", "ProblemKind", "read_json_solution")


class _LazyKinds(Mapping):
    """A read-only mapping name -> ProblemKind whose keys are known up front and whose values are imported
    on first access. It iterates in registration order and answers ``in``, ``[]``, ``len``, ``keys``,
    ``values``, ``items`` and ``get`` as the dict it replaces did.

    Examples
    --------
    >>> from hopopt.kinds import KINDS
    >>> "tsp" in KINDS, len(KINDS) == len(list(KINDS))
    (True, True)
    >>> KINDS["tsp"].name
    'tsp'
    """

    def __init__(self, registry):
        self._registry = registry
        self._loaded = {}

    def __getitem__(self, name):
        try:
            return self._loaded[name]
        except KeyError:
            pass
        # an unknown name raises KeyError here and an unhashable one TypeError, as a dict lookup does
        module_name, attribute, _ = self._registry[name]
        kind = getattr(import_module(f"{__name__}.{module_name}"), attribute)
        self._loaded[name] = kind
        return kind

    def __iter__(self):
        return iter(self._registry)

    def __len__(self):
        return len(self._registry)

    def __contains__(self, name):
        try:
            return name in self._registry
        except TypeError:
            return False

    def __repr__(self):
        return f"{type(self).__name__}({list(self._registry)})"


#: every registered kind by name (see ``_REGISTRY`` for the one line per kind)
KINDS = _LazyKinds(_REGISTRY)


def __getattr__(name):
    """The record types of :mod:`hopopt.kinds._kind`, imported on first access (PEP 562)."""
    if name in _KIND_RECORD_NAMES:
        value = getattr(import_module(f"{__name__}._kind"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))


def get_kind(name) -> ProblemKind:
    """The kind called ``name``; an unknown name is an InputError listing the known ones.

    Parameters
    ----------
    name : str
        A key of :data:`KINDS` (``"maxcut"``, ``"tsp"``, ...).

    Returns
    -------
    ProblemKind

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
    """The kind whose encoder class ``problem`` is an instance of (the first such kind in registry order).

    Parameters
    ----------
    problem : object
        An encoder instance (a :class:`~hopopt.problems.MaxCut`, a :class:`~hopopt.problems.TSP`, ...).

    Returns
    -------
    ProblemKind
        Its kind; an object of no registered kind's class is a TypeError.

    Examples
    --------
    >>> from hopopt.kinds import kind_of
    >>> from hopopt.problems import MaxCut
    >>> kind_of(MaxCut(2, [(0, 1)])).name
    'maxcut'
    """
    for name, (_, _, problem_module) in _REGISTRY.items():
        # a kind whose problem class's module was never imported has no instances yet, so it cannot match:
        # skipping it keeps the answer and spares importing every kind (and its libraries) for one solve
        if problem_module not in sys.modules:
            continue
        kind = KINDS[name]
        if isinstance(problem, kind.problem):
            return kind
    raise TypeError(f"{type(problem).__name__} is not a registered problem kind ({', '.join(KINDS)})")
