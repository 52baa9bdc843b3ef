"""DIMACS graph files (coloring ``.col``, clique ``.clq``): :func:`parse_dimacs`, :func:`read_dimacs`,
:func:`write_dimacs`.

Format: ``c`` comment lines, one problem line ``p edge N M`` (``p col N M`` in the clique files), then ``M`` lines
``e u v`` (1-based). Many files list each edge twice (``u v`` and ``v u``); the reader keeps one edge per
unordered pair. Weighted files (the weighted-clique benchmarks) add node lines ``n v w``: node v has weight w;
``with_node_weights=True`` returns them (1 for a node without such a line). Records are
:class:`~hopopt.io.EdgeList` with 0-based ids.

A three-line example, a path 1 – 2 – 3 whose middle node weighs 5::

    p edge 3 2
    e 1 2
    e 2 3
    n 2 5
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import InputError
from ._graph import EdgeList
from ._text import PathLike, _check_declared_size, _content_lines, _format_weight, _read_text, _shorten

__all__ = ["parse_dimacs", "read_dimacs", "write_dimacs"]

_DIMACS_PROBLEM_KINDS = ("edge", "edges", "col")


def parse_dimacs(text: str, name: str = "<string>", *, with_node_weights: bool = False):
    """Parse a DIMACS graph file (coloring ``.col`` or clique ``.clq``) given as a string.

    Parameters
    ----------
    text : str
        The file contents: ``c`` comment lines, one problem line ``p edge N M`` (``p col N M`` too), then
        ``M`` edge lines ``e u v`` with 1-based node ids ``1..N``, and optionally node lines ``n v w`` (node
        v weighs w). Blank lines are ignored.
    name : str, optional
        Label used in error messages and as the record's name.
    with_node_weights : bool, default False
        Also return the node weights.

    Returns
    -------
    EdgeList
        ``n = N`` nodes and one edge ``(min, max)`` per unordered pair, 0-based, in the order of each pair's
        first edge line; all weights 1. A pair listed twice (``u v`` and ``v u``, as many files do) or more
        becomes one edge.
    node_weights : numpy.ndarray of shape (N,)
        Only with ``with_node_weights``: the weight of each node from its ``n`` line, 1 for a node without one.

    Raises
    ------
    InputError
        On a missing, repeated or malformed ``p`` line, ``N < 1``, an edge or node line before the ``p`` line,
        a malformed line, a node id out of range, a self-loop, a node given two weights, a weight that is not a
        finite number, or a number of ``e`` lines other than ``M``. The message names the line.

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
    >>> graph, weights = parse_dimacs("p col 3 2\\ne 1 2\\ne 2 3\\nn 2 5\\n", with_node_weights=True)
    >>> graph.edges.tolist(), weights.tolist()
    ([[0, 1], [1, 2]], [1.0, 5.0, 1.0])
    """
    n = m = problem_line = None
    sources, targets = [], []
    node_weights, weight_lines = None, {}
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
            _check_declared_size(n, "number of nodes N", f"{name}:{line_number}")
            problem_line = line_number
        elif kind == "n":
            if n is None:
                raise InputError(f"{name}:{line_number}: node line before the problem line 'p edge N M'")
            try:
                if len(fields) != 3:
                    raise ValueError
                node, weight = int(fields[1]), float(fields[2])
            except ValueError:
                raise InputError(f"{name}:{line_number}: node line must be 'n v w' with an integer node id and a "
                                 f"numeric weight, got {_shorten(line)}") from None
            if not 1 <= node <= n:
                raise InputError(f"{name}:{line_number}: node id {node} is out of range 1..{n}")
            if not np.isfinite(weight):
                raise InputError(f"{name}:{line_number}: weight of node {node} must be a finite number, "
                                 f"got {fields[2]!r}")
            if node in weight_lines:
                raise InputError(f"{name}:{line_number}: node {node} already has a weight (line "
                                 f"{weight_lines[node]})")
            if node_weights is None:
                node_weights = np.ones(n)
            weight_lines[node] = line_number
            node_weights[node - 1] = weight
        else:
            raise InputError(f"{name}:{line_number}: DIMACS lines start with 'c', 'p', 'e' or 'n', "
                             f"got {_shorten(line)}")
    if problem_line is None:
        raise InputError(f"{name}: no problem line 'p edge N M' (the file is empty or only comments)")
    if len(sources) != m:
        raise InputError(f"{name}:{problem_line}: problem line says M = {m} edge lines, the file has "
                         f"{len(sources)} 'e' lines")
    pairs = np.array([sources, targets], dtype=np.int64).T.reshape(-1, 2) - 1
    pairs.sort(axis=1)
    edges = pairs[_first_of_each_pair(pairs, n)]
    graph = EdgeList(n, edges, np.ones(len(edges)), name=name)
    if with_node_weights:
        return graph, (np.ones(n) if node_weights is None else node_weights)
    return graph


def _first_of_each_pair(pairs: np.ndarray, n: int) -> np.ndarray:
    """Sorted row indices of the first occurrence of each unordered pair among ``pairs`` (ids in 0..n-1)."""
    ordered = np.sort(pairs, axis=1)
    if n < 2**31:  # one int64 key per pair: much faster than np.unique(axis=0)
        _, first = np.unique(ordered[:, 0] * n + ordered[:, 1], return_index=True)
    else:
        _, first = np.unique(ordered, axis=0, return_index=True)
    return np.sort(first)


def read_dimacs(source: PathLike, *, with_node_weights: bool = False):
    """Read a DIMACS graph file (coloring ``.col`` or clique ``.clq``; the same format).

    Parameters
    ----------
    source : str or os.PathLike
        Path of the file. Error messages name it as given.
    with_node_weights : bool, default False
        Also return the node weights of the file's ``n v w`` lines (1 for a node without one).

    Returns
    -------
    EdgeList
        The graph, one edge per unordered pair, 0-based; named after the file stem (``myciel3``).
    node_weights : numpy.ndarray of shape (n,)
        Only with ``with_node_weights``.

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
    graph, node_weights = parse_dimacs(text, name=label, with_node_weights=True)
    graph = EdgeList(graph.n, graph.edges, graph.weights, name=stem)
    return (graph, node_weights) if with_node_weights else graph


def write_dimacs(path: PathLike, n: int, edges, node_weights=None) -> None:
    """Write a DIMACS graph file: ``p edge n m``, then ``e u v`` (1-based), each edge once, then ``n v w`` lines.

    Parameters
    ----------
    path : str or os.PathLike
        Where to write (overwritten if it exists).
    n : int
        Number of nodes (≥ 1).
    edges : array_like of shape (m, 2)
        0-based node pairs in ``0..n-1``, no self-loops. A pair given more than once (in either order) is
        written once, in the order of its first appearance and as given there.
    node_weights : array_like of shape (n,), optional
        Finite node weights, written as one ``n v w`` line per node; none are written when omitted.

    Raises
    ------
    InputError
        If ``n``, ``edges`` or ``node_weights`` break the rules above (so the file would not read back).

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
    if node_weights is not None:
        try:
            weights = np.asarray(node_weights, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            raise InputError(f"node_weights must be numbers, one per node, got {node_weights!r}") from None
        if weights.shape != (n,) or not np.all(np.isfinite(weights)):
            raise InputError(f"node_weights must be {n} finite numbers (one per node), got {weights.size} values")
        lines += [f"n {node} {_format_weight(float(weight))}" for node, weight in enumerate(weights, start=1)]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
