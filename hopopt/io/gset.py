"""Gset (rudy) max-cut edge lists: :func:`parse_gset`, :func:`read_gset`, :func:`write_gset`.

Format: first line ``n m``, then ``m`` lines ``i j w`` (1-based node ids, weight optional, default 1, may be
negative or fractional). Blank lines and lines starting with ``#`` or ``%`` are skipped. The graphs of the Gset
collection (Helmberg & Rendl 1997) come in this format. Records are :class:`~hopopt.io.EdgeList` with 0-based ids.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Iterator

import numpy as np

from ..errors import InputError
from ._graph import EdgeList
from ._text import PathLike, _content_lines, _format_weight, _read_text, _shorten

__all__ = ["parse_gset", "read_gset", "write_gset"]

_GSET_COMMENTS = "#%"


def parse_gset(text: str, name: str = "<string>") -> EdgeList:
    """Parse a Gset (rudy) max-cut edge list given as a string.

    Parameters
    ----------
    text : str
        The file contents: a header ``n m``, then ``m`` lines ``i j [w]`` with 1-based node ids ``1..n``.
        A missing weight means 1. Blank lines and lines starting with ``#`` or ``%`` are ignored.
    name : str, optional
        Label used in error messages and as the record's name.

    Returns
    -------
    EdgeList
        The graph with 0-based node ids, edges in file order.

    Raises
    ------
    InputError
        On a malformed header or edge line, a node id out of range, a self-loop, a weight that is not finite,
        or an edge count that differs from the header's ``m``. The message names the line.

    Examples
    --------
    >>> graph = parse_gset("3 2\\n1 2 1\\n2 3 -1\\n", name="tiny")
    >>> graph.n, graph.edges.tolist(), graph.weights.tolist()
    (3, [[0, 1], [1, 2]], [1.0, -1.0])
    >>> parse_gset("3 1\\n1 4 1\\n", name="bad.txt")
    Traceback (most recent call last):
    ...
    hopopt.errors.InputError: bad.txt:2: node id 4 is out of range 1..3
    """
    lines = _content_lines(text, _GSET_COMMENTS)
    header = next(lines, None)
    if header is None:
        raise InputError(f"{name}: no header line 'n m' (the file is empty or only comments)")
    n, m = _parse_gset_header(name, *header)
    line_numbers, sources, targets, weights = _parse_gset_edges(name, lines, m)
    if len(sources) < m:
        last = line_numbers[-1] if line_numbers else header[0]
        raise InputError(f"{name}: truncated: header says m = {m} edge lines, found {len(sources)} "
                         f"(file ends after line {last})")
    try:
        edges = np.array([sources, targets], dtype=np.int64).T.reshape(-1, 2)
    except OverflowError:
        # an id too big even for int64 is certainly out of range; find it in the lists to name its line
        row, node = next((row, node) for row, pair in enumerate(zip(sources, targets)) for node in pair
                         if not -2**63 <= node < 2**63)
        raise InputError(f"{name}:{line_numbers[row]}: node id {node} is out of range 1..{n}") from None
    _check_gset_nodes(name, n, edges, line_numbers)
    return EdgeList(n, edges - 1, np.array(weights, dtype=np.float64), name=name)


def _parse_gset_header(name: str, line_number: int, line: str) -> tuple[int, int]:
    """Read ``n m`` and check n ≥ 1, m ≥ 0."""
    parts = line.split()
    try:
        if len(parts) != 2:
            raise ValueError
        n, m = int(parts[0]), int(parts[1])
    except ValueError:
        raise InputError(f"{name}:{line_number}: header must be two integers 'n m', got {_shorten(line)}") from None
    if n < 1:
        raise InputError(f"{name}:{line_number}: number of nodes n must be at least 1, got {n}")
    if m < 0:
        raise InputError(f"{name}:{line_number}: number of edges m must be at least 0, got {m}")
    return n, m


def _parse_gset_edges(name: str, lines: Iterator[tuple[int, str]], m: int):
    """Convert the edge lines into Python lists in one tight loop; range checks are done later on arrays."""
    line_numbers, sources, targets, weights = [], [], [], []
    for line_number, line in lines:
        if len(sources) == m:
            raise InputError(f"{name}:{line_number}: more edge lines than the header's m = {m}")
        parts = line.split()
        try:
            if len(parts) == 3:
                weight = float(parts[2])
            elif len(parts) == 2:
                weight = 1.0
            else:
                raise ValueError
            source, target = int(parts[0]), int(parts[1])
        except ValueError:
            raise InputError(f"{name}:{line_number}: edge line must be 'i j' or 'i j w' with integer node ids "
                             f"and a numeric weight, got {_shorten(line)}") from None
        if not math.isfinite(weight):
            raise InputError(f"{name}:{line_number}: weight must be a finite number, got {parts[2]!r}")
        line_numbers.append(line_number)
        sources.append(source)
        targets.append(target)
        weights.append(weight)
    return line_numbers, sources, targets, weights


def _check_gset_nodes(name: str, n: int, edges: np.ndarray, line_numbers: list[int]) -> None:
    """Check 1-based ids are in 1..n and no edge is a self-loop, reporting the first offending line."""
    out_of_range = (edges < 1) | (edges > n)
    if out_of_range.any():
        row, column = np.argwhere(out_of_range)[0]
        raise InputError(f"{name}:{line_numbers[row]}: node id {edges[row, column]} is out of range 1..{n}")
    loops = np.flatnonzero(edges[:, 0] == edges[:, 1])
    if loops.size:
        row = loops[0]
        raise InputError(f"{name}:{line_numbers[row]}: self-loop on node {edges[row, 0]}")


def read_gset(source: PathLike) -> EdgeList:
    """Read a Gset (rudy) max-cut file.

    Parameters
    ----------
    source : str or os.PathLike
        Path of the file. Error messages name it as given.

    Returns
    -------
    EdgeList
        The graph with 0-based node ids; its name is the file stem (``G1`` for ``gset/G1.txt``).

    Raises
    ------
    InputError
        If the file is missing, a directory, unreadable, not UTF-8 text, or malformed (see :func:`parse_gset`).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "square.txt"
    >>> _ = path.write_text("4 4\\n1 2 1\\n2 3 1\\n3 4 1\\n4 1 1\\n")
    >>> graph = read_gset(path)
    >>> graph.name, graph.n, len(graph.edges)
    ('square', 4, 4)
    """
    text, label, stem = _read_text(source)
    graph = parse_gset(text, name=label)
    return EdgeList(graph.n, graph.edges, graph.weights, name=stem)


def write_gset(path: PathLike, n: int, edges, weights=None) -> None:
    """Write a Gset (rudy) max-cut file: ``n m``, then ``i j w`` with 1-based ids.

    Parameters
    ----------
    path : str or os.PathLike
        Where to write (overwritten if it exists).
    n : int
        Number of nodes (≥ 1).
    edges : array_like of shape (m, 2)
        0-based node pairs in ``0..n-1``; no self-loops.
    weights : array_like of shape (m,), optional
        Finite edge weights (default 1). Whole numbers are written without ``.0``; other values in the
        shortest form that reads back to the same float.

    Raises
    ------
    InputError
        If ``n``, ``edges`` or ``weights`` break the rules above (so the file would not read back).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "path.txt"
    >>> write_gset(path, 3, [(0, 1), (1, 2)], [1.0, 0.5])
    >>> print(path.read_text(), end="")
    3 2
    1 2 1
    2 3 0.5
    >>> read_gset(path).weights.tolist()
    [1.0, 0.5]
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InputError(f"n (number of nodes) must be an integer at least 1, got {n!r}")
    graph = EdgeList(n, edges, np.ones(len(edges)) if weights is None else weights)
    if graph.edges.size and (graph.edges.min() < 0 or graph.edges.max() >= n):
        row = int(np.flatnonzero(((graph.edges < 0) | (graph.edges >= n)).any(axis=1))[0])
        raise InputError(f"edges[{row}] = {tuple(graph.edges[row].tolist())} has a node outside 0..{n - 1}")
    loops = np.flatnonzero(graph.edges[:, 0] == graph.edges[:, 1])
    if loops.size:
        raise InputError(f"edges[{loops[0]}] is a self-loop on node {graph.edges[loops[0], 0]}")
    not_finite = np.flatnonzero(~np.isfinite(graph.weights))
    if not_finite.size:
        raise InputError(f"weights[{not_finite[0]}] must be finite, got {graph.weights[not_finite[0]]}")
    lines = [f"{n} {len(graph.edges)}"]
    lines += [f"{i} {j} {_format_weight(w)}"
              for (i, j), w in zip((graph.edges + 1).tolist(), graph.weights.tolist())]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
