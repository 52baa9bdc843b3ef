"""The :class:`EdgeList` record: a graph read from a file, shared by the Gset and DIMACS readers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError

__all__ = ["EdgeList"]


@dataclass(frozen=True, eq=False)
class EdgeList:
    """A graph read from a file: ``n`` nodes and ``m`` weighted edges with 0-based node ids.

    The arrays are read-only so that a record can be shared safely. Two records are equal when their ``n``,
    ``name`` and arrays are equal.

    Parameters
    ----------
    n : int
        Number of nodes; node ids run over ``0..n-1``.
    edges : numpy.ndarray of shape (m, 2), int64
        One row ``(i, j)`` per edge line of the file, in file order (repeats are kept).
    weights : numpy.ndarray of shape (m,), float64
        The weight of each edge.
    name : str
        A label, usually the file stem.

    Examples
    --------
    >>> graph = EdgeList(3, [[0, 1], [1, 2]], [1.0, -2.0], name="path")
    >>> graph.edges.tolist(), graph.weights.tolist()
    ([[0, 1], [1, 2]], [1.0, -2.0])
    """

    n: int
    edges: np.ndarray
    weights: np.ndarray
    name: str = "edgelist"

    def __post_init__(self):
        edges = np.array(self.edges, dtype=np.int64).reshape(-1, 2)
        weights = np.array(self.weights, dtype=np.float64).reshape(-1)
        if weights.shape[0] != edges.shape[0]:
            raise InputError(f"weights must have one value per edge ({edges.shape[0]}), got {weights.shape[0]}")
        edges.setflags(write=False)
        weights.setflags(write=False)
        # frozen dataclass: object.__setattr__ is the documented way to normalise fields in __post_init__
        object.__setattr__(self, "n", int(self.n))
        object.__setattr__(self, "edges", edges)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "name", str(self.name))

    def __eq__(self, other):
        if not isinstance(other, EdgeList):
            return NotImplemented
        return (self.n == other.n and self.name == other.name and np.array_equal(self.edges, other.edges)
                and np.array_equal(self.weights, other.weights))
