"""DIMACS graph-coloring files (``.col``): :func:`parse_dimacs`, :func:`read_dimacs`, :func:`write_dimacs`.

Format: ``c`` comment lines, one problem line ``p edge N M``, then ``M`` lines ``e u v`` (1-based). Many files list
each edge twice (``u v`` and ``v u``); the reader keeps one edge per unordered pair. Records are
:class:`~hopopt.io.EdgeList` with 0-based ids.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import InputError
from ._graph import EdgeList
from ._text import PathLike, _content_lines, _read_text, _shorten

__all__ = ["parse_dimacs", "read_dimacs", "write_dimacs"]

_DIMACS_PROBLEM_KINDS = ("edge", "edges", "col")


def parse_dimacs(text: str, name: str = "<string>") -> EdgeList:
    """Parse a DIMACS graph-coloring file (``.col``) given as a string.

    Parameters
    ----------
    text : str
        The file contents: ``c`` comment lines, one problem line ``p edge N M`` (``p col N M`` too), then
        ``M`` edge lines ``e u v`` with 1-based node ids ``1..N``. Blank lines are ignored.
    name : str, optional
        Label used in error messages and as the record's name.

    Returns
    -------
    EdgeList
        ``n = N`` nodes and one edge ``(min, max)`` per unordered pair, 0-based, in the order of each pair's
        first edge line; all weights 1. A pair listed twice (``u v`` and ``v u``, as many files do) or more
        becomes one edge.

    Raises
    ------
    InputError
        On a missing, repeated or malformed ``p`` line, ``N < 1``, an edge line before the ``p`` line, a
        malformed line, a node id out of range, a self-loop, or a number of ``e`` lines other than ``M``.
        The message names the line.

    Notes
    -----
    ``M`` counts edge lines, duplicates included: in every DIMACS file of the benchmark mirror the number of
    ``e`` lines equals ``M``, also in those that list each edge twice, so a different count means a damaged
    file and is an error.

    Examples
    --------
    >>> graph = parse_dimacs("c triangle, each edge twice\\np edge 3 6\\n"
    ...                      "e 1 2\\ne 2 1\\ne 2 3\\ne 3 2\\ne 1 3\\ne 3 1\\n")
    >>> graph.n, graph.edges.tolist()
    (3, [[0, 1], [1, 2], [0, 2]])
    >>> parse_dimacs("p edge 5 1\\ne 5 5\\n", name="loop.col")
    Traceback (most recent call last):
    ...
    hopopt.errors.InputError: loop.col:2: self-loop on node 5 (a node cannot be coloured differently from itself)
    """
    n = m = problem_line = None
    sources, targets = [], []
    for line_number, line in _content_lines(text, "c"):
        fields = line.split()
        kind = fields[0]
        if kind == "e":
            if n is None:
                raise InputError(f"{name}:{line_number}: edge line before the problem line 'p edge N M'")
            try:
                if len(fields) != 3:
                    raise ValueError
                u, v = int(fields[1]), int(fields[2])
            except ValueError:
                raise InputError(f"{name}:{line_number}: edge line must be 'e u v' with integer node ids, "
                                 f"got {_shorten(line)}") from None
            for node in (u, v):
                if not 1 <= node <= n:
                    raise InputError(f"{name}:{line_number}: node id {node} is out of range 1..{n}")
            if u == v:
                raise InputError(f"{name}:{line_number}: self-loop on node {u} "
                                 "(a node cannot be coloured differently from itself)")
            sources.append(u)
            targets.append(v)
        elif kind == "p":
            if problem_line is not None:
                raise InputError(f"{name}:{line_number}: a second problem line (the first is line {problem_line})")
            try:
                if len(fields) != 4 or fields[1] not in _DIMACS_PROBLEM_KINDS:
                    raise ValueError
                n, m = int(fields[2]), int(fields[3])
            except ValueError:
                raise InputError(f"{name}:{line_number}: problem line must be 'p edge N M' with integers N and M, "
                                 f"got {_shorten(line)}") from None
            if n < 1:
                raise InputError(f"{name}:{line_number}: number of nodes N must be at least 1, got {n}")
            if m < 0:
                raise InputError(f"{name}:{line_number}: number of edges M must be at least 0, got {m}")
            problem_line = line_number
        else:
            raise InputError(f"{name}:{line_number}: DIMACS lines start with 'c', 'p' or 'e', got {_shorten(line)}")
    if problem_line is None:
        raise InputError(f"{name}: no problem line 'p edge N M' (the file is empty or only comments)")
    if len(sources) != m:
        raise InputError(f"{name}:{problem_line}: problem line says M = {m} edge lines, the file has "
                         f"{len(sources)} 'e' lines")
    pairs = np.array([sources, targets], dtype=np.int64).T.reshape(-1, 2) - 1
    pairs.sort(axis=1)
    edges = pairs[_first_of_each_pair(pairs, n)]
    return EdgeList(n, edges, np.ones(len(edges)), name=name)


def _first_of_each_pair(pairs: np.ndarray, n: int) -> np.ndarray:
    """Sorted row indices of the first occurrence of each unordered pair among ``pairs`` (ids in 0..n-1)."""
    ordered = np.sort(pairs, axis=1)
    if n < 2**31:  # one int64 key per pair: much faster than np.unique(axis=0)
        _, first = np.unique(ordered[:, 0] * n + ordered[:, 1], return_index=True)
    else:
        _, first = np.unique(ordered, axis=0, return_index=True)
    return np.sort(first)


def read_dimacs(source: PathLike) -> EdgeList:
    """Read a DIMACS graph-coloring file (``.col``).

    Parameters
    ----------
    source : str or os.PathLike
        Path of the file. Error messages name it as given.

    Returns
    -------
    EdgeList
        The graph, one edge per unordered pair, 0-based; named after the file stem (``myciel3``).

    Raises
    ------
    InputError
        If the file is missing, a directory, unreadable, not UTF-8 text, or malformed (see
        :func:`parse_dimacs`).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "path3.col"
    >>> write_dimacs(path, 3, [(0, 1), (1, 2)])
    >>> graph = read_dimacs(path)
    >>> graph.name, graph.n, graph.edges.tolist()
    ('path3', 3, [[0, 1], [1, 2]])
    """
    text, label, stem = _read_text(source)
    graph = parse_dimacs(text, name=label)
    return EdgeList(graph.n, graph.edges, graph.weights, name=stem)


def write_dimacs(path: PathLike, n: int, edges) -> None:
    """Write a DIMACS graph-coloring file: ``p edge n m``, then ``e u v`` (1-based), each edge once.

    Parameters
    ----------
    path : str or os.PathLike
        Where to write (overwritten if it exists).
    n : int
        Number of nodes (≥ 1).
    edges : array_like of shape (m, 2)
        0-based node pairs in ``0..n-1``, no self-loops. A pair given more than once (in either order) is
        written once, in the order of its first appearance and as given there.

    Raises
    ------
    InputError
        If ``n`` or ``edges`` break the rules above (so the file would not read back).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "g.col"
    >>> write_dimacs(path, 3, [(0, 1), (1, 0), (2, 1)])
    >>> print(path.read_text(), end="")
    p edge 3 2
    e 1 2
    e 3 2
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InputError(f"n (number of nodes) must be an integer at least 1, got {n!r}")
    pairs = EdgeList(n, edges, np.ones(len(edges))).edges
    if pairs.size and (pairs.min() < 0 or pairs.max() >= n):
        row = int(np.flatnonzero(((pairs < 0) | (pairs >= n)).any(axis=1))[0])
        raise InputError(f"edges[{row}] = {tuple(pairs[row].tolist())} has a node outside 0..{n - 1}")
    loops = np.flatnonzero(pairs[:, 0] == pairs[:, 1])
    if loops.size:
        raise InputError(f"edges[{loops[0]}] is a self-loop on node {pairs[loops[0], 0]}")
    unique = pairs[_first_of_each_pair(pairs, n)] + 1
    lines = [f"p edge {n} {len(unique)}"] + [f"e {u} {v}" for u, v in unique.tolist()]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
