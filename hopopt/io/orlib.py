"""Knapsack and set-cover instance files: plain and knapPI knapsack files, OR-Library ``scp`` set-cover files.

Knapsack (:func:`parse_knapsack`, :func:`read_knapsack`, :func:`write_knapsack`)
    Three layouts, told apart by the shape of the first content line (blank lines and lines starting with
    ``#`` or ``%`` are skipped):

    * **plain** — first line ``n capacity`` (two numbers), then ``n`` lines ``value weight``::

          2 10
          6 5
          5 4

    * **knapPI** (one number on the first line) — ``n``, then ``n`` lines ``i value weight`` with the item id
      ``i`` running 1..n (in any order, each once), then one line holding the capacity;
    * **Pisinger's knapPI files** (the first line is a name such as ``knapPI_1_50_1000_1``) — header lines
      ``n 50``, ``c 995``, optionally ``z 8373`` (the optimum) and ``time 0.00``, then ``n`` lines
      ``i,value,weight,x`` (comma separated; ``x`` is the optimal solution's 0/1 and is kept as
      ``solution``). A file of many instances separated by ``-----`` lines: the first one is read.

    Values and weights are positive numbers (integers or decimals); the capacity is a number ≥ 0.
Set cover (:func:`parse_scp`, :func:`read_scp`, :func:`write_scp`)
    The OR-Library ``scp`` format (Beasley): ``m n`` (rows = elements, columns = sets), the ``n`` column
    costs, then for each row the number ``k`` of columns that cover it followed by those ``k`` columns
    (1-based). Numbers may wrap lines anywhere, so the file is read as one stream of numbers; messages still
    name the line of the offending number. A row no column covers makes the instance unsatisfiable and is an
    error.

Every error is an :class:`~hopopt.errors.InputError` of one line naming the file and the line:
``scp41.txt:7: column id 1001 of row 3 is out of range 1..1000``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError
from ._text import PathLike, _check_declared_size, _content_lines, _format_weight, _read_text, _shorten

__all__ = ["KnapsackInstance", "parse_knapsack", "read_knapsack", "write_knapsack",
           "SetCoverInstance", "parse_scp", "read_scp", "write_scp"]

_COMMENTS = "#%"


def _number(token: str, what: str, where: str) -> float:
    """A finite number from a token; InputError naming ``where`` (``file:line``) and ``what`` otherwise."""
    try:
        value = float(token)
    except ValueError:
        raise InputError(f"{where}: {what} must be a number, got {_shorten(token)}") from None
    if not math.isfinite(value):
        raise InputError(f"{where}: {what} must be finite, got {_shorten(token)}")
    return value


def _whole(token: str, what: str, where: str) -> int:
    """A whole number from a token (``7`` or ``7.0``); InputError otherwise."""
    value = _number(token, what, where)
    if not value.is_integer():
        raise InputError(f"{where}: {what} must be a whole number, got {_shorten(token)}")
    return int(value)


# ---------------------------------------------------------------------------------------------- knapsack
@dataclass(frozen=True, eq=False)
class KnapsackInstance:
    """A 0/1 knapsack instance read from a file.

    Attributes
    ----------
    name : str
        The file stem (or the name line of a Pisinger file).
    values, weights : numpy.ndarray of shape (n,), float64
        Item values and weights, positive.
    capacity : float
    layout : {"plain", "knapPI", "pisinger"}
        Which layout the file had (see the module docstring).
    optimum : float or None
        The optimum the file states (Pisinger's ``z`` line), else None.
    solution : numpy.ndarray or None
        The 0/1 solution the file states (Pisinger's last column), else None.

    Examples
    --------
    >>> from hopopt.io.orlib import parse_knapsack
    >>> parse_knapsack("2 5\\n3 4\\n2 1\\n").capacity
    5.0
    """

    name: str
    values: np.ndarray
    weights: np.ndarray
    capacity: float
    layout: str = "plain"
    optimum: float | None = None
    solution: np.ndarray | None = None

    @property
    def n(self) -> int:
        """Number of items."""
        return int(self.values.size)


def _item_number(token, what, where):
    value = _number(token, what, where)
    if value <= 0:
        raise InputError(f"{where}: {what} must be positive, got {_shorten(token)}")
    return value


def _capacity(token, where):
    value = _number(token, "the capacity", where)
    if value < 0:
        raise InputError(f"{where}: the capacity must be ≥ 0, got {_shorten(token)}")
    return value


def parse_knapsack(text: str, name: str = "<string>") -> KnapsackInstance:
    """Parse a knapsack instance in the plain, knapPI or Pisinger layout (see the module docstring).

    The layout is detected from the first content line: two numbers → plain (``n capacity``), one number →
    knapPI (``n``; ``i value weight`` lines; the capacity last), anything else → a Pisinger file (a name line,
    then ``n``/``c``/``z``/``time`` header lines and ``i,value,weight,x`` rows).

    Parameters
    ----------
    text : str
        The file's contents.
    name : str
        What messages call the text (its path); also the instance's name, except in a Pisinger file, which
        names itself.

    Returns
    -------
    KnapsackInstance

    Raises
    ------
    InputError
        One line naming the file and the line: an empty file, a count that is not a whole number ≥ 1, a
        non-numeric, non-positive or non-finite value or weight, a negative capacity, an item id outside
        1..n or given twice, fewer or more item lines than ``n``, a missing capacity.

    Examples
    --------
    >>> from hopopt.io.orlib import parse_knapsack
    >>> plain = parse_knapsack("3 10\\n6 5\\n5 4\\n4 3\\n", name="tiny")
    >>> plain.layout, plain.values.tolist(), plain.weights.tolist(), plain.capacity
    ('plain', [6.0, 5.0, 4.0], [5.0, 4.0, 3.0], 10.0)
    >>> parse_knapsack("2\\n1 6 5\\n2 5 4\\n9\\n").layout
    'knapPI'
    >>> parse_knapsack("3 10\\n6 5\\n5\\n", name="cut.txt")
    Traceback (most recent call last):
    ...
    hopopt.errors.InputError: cut.txt:3: an item line holds 'value weight' (2 numbers), got 1: '5'
    """
    lines = list(_content_lines(text, _COMMENTS))
    if not lines:
        raise InputError(f"{name}: the file is empty (expected 'n capacity' or 'n' on the first line)")
    first_number, first = lines[0]
    tokens = first.split()
    try:
        [float(token) for token in tokens]
        numeric = True
    except ValueError:
        numeric = False
    if numeric and len(tokens) == 2:
        return _parse_plain(lines, name)
    if numeric and len(tokens) == 1:
        return _parse_knappi(lines, name)
    if numeric:
        raise InputError(f"{name}:{first_number}: the first line holds 'n capacity' (plain) or 'n' (knapPI), got "
                         f"{len(tokens)} numbers: {_shorten(first)}")
    return _parse_pisinger(lines, name)


def _count(token, where):
    count = _whole(token, "the number of items n", where)
    if count < 1:
        raise InputError(f"{where}: the number of items n must be at least 1, got {count}")
    return _check_declared_size(count, "the number of items n", where)


def _parse_plain(lines, name):
    line_number, first = lines[0]
    count_token, capacity_token = first.split()
    n = _count(count_token, f"{name}:{line_number}")
    capacity = _capacity(capacity_token, f"{name}:{line_number}")
    items = lines[1:]
    if len(items) > n:
        raise InputError(f"{name}:{items[n][0]}: {len(items) - n} line(s) after the {n} items; the plain layout "
                         f"is 'n capacity' then n lines 'value weight'")
    # room for the lines there are: a damaged n larger than the file is reported after them, not allocated
    values, weights = np.empty(min(n, len(items))), np.empty(min(n, len(items)))
    # malformed lines first: a short file whose last line is broken is reported at that line
    for index, (number, line) in enumerate(items):
        parts = line.split()
        where = f"{name}:{number}"
        if len(parts) != 2:
            raise InputError(f"{where}: an item line holds 'value weight' (2 numbers), got {len(parts)}: "
                             f"{_shorten(line)}")
        values[index] = _item_number(parts[0], f"the value of item {index + 1}", where)
        weights[index] = _item_number(parts[1], f"the weight of item {index + 1}", where)
    if len(items) < n:
        last = lines[-1][0]
        raise InputError(f"{name}:{last}: expected {n} item lines 'value weight', the file ends after {len(items)}")
    return KnapsackInstance(name, values, weights, capacity, "plain")


def _parse_knappi(lines, name):
    line_number, first = lines[0]
    n = _count(first, f"{name}:{line_number}")
    if len(lines) < n + 2:
        raise InputError(f"{name}:{lines[-1][0]}: expected {n} item lines 'i value weight' and then the capacity, "
                         f"the file ends after {len(lines) - 1} line(s)")
    if len(lines) > n + 2:
        raise InputError(f"{name}:{lines[n + 2][0]}: {len(lines) - n - 2} line(s) after the capacity line; the "
                         f"knapPI layout is 'n', n lines 'i value weight', then the capacity")
    values, weights = np.empty(n), np.empty(n)
    seen = np.zeros(n, dtype=bool)
    for number, line in lines[1:n + 1]:
        parts = line.split()
        where = f"{name}:{number}"
        if len(parts) != 3:
            raise InputError(f"{where}: an item line holds 'i value weight' (3 numbers), got {len(parts)}: "
                             f"{_shorten(line)}")
        item = _whole(parts[0], "the item id", where)
        if not 1 <= item <= n:
            raise InputError(f"{where}: item id {item} is out of range 1..{n}")
        if seen[item - 1]:
            raise InputError(f"{where}: item {item} is listed twice")
        seen[item - 1] = True
        values[item - 1] = _item_number(parts[1], f"the value of item {item}", where)
        weights[item - 1] = _item_number(parts[2], f"the weight of item {item}", where)
    number, line = lines[n + 1]
    parts = line.split()
    if len(parts) != 1:
        raise InputError(f"{name}:{number}: the last line holds the capacity (1 number), got {_shorten(line)}")
    return KnapsackInstance(name, values, weights, _capacity(parts[0], f"{name}:{number}"), "knapPI")


def _parse_pisinger(lines, name):
    title = lines[0][1]
    header = {}
    position = 1
    while position < len(lines) and "," not in lines[position][1] and not lines[position][1].startswith("-"):
        number, line = lines[position]
        parts = line.split()
        if len(parts) != 2:
            raise InputError(f"{name}:{number}: a Pisinger header line holds 'key value' (n, c, z or time), got "
                             f"{_shorten(line)}")
        header[parts[0].lower()] = (parts[1], number)
        position += 1
    for key, label in (("n", "the number of items 'n'"), ("c", "the capacity 'c'")):
        if key not in header:
            where = lines[min(position, len(lines) - 1)][0]
            raise InputError(f"{name}:{where}: a Pisinger knapPI file needs {label} header line before the items "
                             f"(or the first line is not a valid 'n capacity' / 'n' line: {_shorten(lines[0][1])})")
    n = _count(header["n"][0], f"{name}:{header['n'][1]}")
    capacity = _capacity(header["c"][0], f"{name}:{header['c'][1]}")
    optimum = _number(header["z"][0], "the optimum z", f"{name}:{header['z'][1]}") if "z" in header else None
    items = []
    for number, line in lines[position:]:
        if line.startswith("-"):
            break  # the next instance of a multi-instance file
        items.append((number, line))
    if len(items) != n:
        where = items[n][0] if len(items) > n else (items[-1][0] if items else lines[position - 1][0])
        raise InputError(f"{name}:{where}: n = {n} but the file lists {len(items)} item line(s)")
    values, weights = np.empty(n), np.empty(n)
    solution = np.zeros(n, dtype=np.int8)
    seen = np.zeros(n, dtype=bool)
    for number, line in items:
        parts = [part.strip() for part in line.split(",")]
        where = f"{name}:{number}"
        if len(parts) not in (3, 4):
            raise InputError(f"{where}: an item line holds 'i,value,weight,x', got {_shorten(line)}")
        item = _whole(parts[0], "the item id", where)
        if not 1 <= item <= n:
            raise InputError(f"{where}: item id {item} is out of range 1..{n}")
        if seen[item - 1]:
            raise InputError(f"{where}: item {item} is listed twice")
        seen[item - 1] = True
        values[item - 1] = _item_number(parts[1], f"the value of item {item}", where)
        weights[item - 1] = _item_number(parts[2], f"the weight of item {item}", where)
        if len(parts) == 4:
            chosen = _whole(parts[3], f"the x of item {item}", where)
            if chosen not in (0, 1):
                raise InputError(f"{where}: the x of item {item} must be 0 or 1, got {chosen}")
            solution[item - 1] = chosen
    return KnapsackInstance(title if name == "<string>" else name, values, weights, capacity, "pisinger",
                            optimum, solution)


def read_knapsack(source: PathLike) -> KnapsackInstance:
    """Read a knapsack file (plain, knapPI or Pisinger layout); the record is named after the file stem.

    Parameters
    ----------
    source : str or os.PathLike
        Path of the knapsack file.

    Returns
    -------
    KnapsackInstance
        The items, capacity, layout and any optimum and solution the file gives.

    Examples
    --------
    >>> import os, tempfile
    >>> from hopopt.io.orlib import read_knapsack
    >>> path = os.path.join(tempfile.mkdtemp(), "tiny.txt")
    >>> with open(path, "w") as handle:
    ...     _ = handle.write("2 5\\n3 4\\n2 1\\n")
    >>> read_knapsack(path).name, read_knapsack(path).n
    ('tiny', 2)
    """
    text, label, stem = _read_text(source)
    instance = parse_knapsack(text, label)
    return KnapsackInstance(stem, instance.values, instance.weights, instance.capacity, instance.layout,
                            instance.optimum, instance.solution)


def write_knapsack(path: PathLike, values, weights, capacity) -> None:
    """Write a knapsack instance in the plain layout (``n capacity``, then ``value weight`` lines).

    Parameters
    ----------
    path : str or os.PathLike
    values, weights : sequence of number
        One value and one weight per item.
    capacity : number

    Examples
    --------
    >>> import os, tempfile
    >>> from hopopt.io.orlib import read_knapsack, write_knapsack
    >>> path = os.path.join(tempfile.mkdtemp(), "k.txt")
    >>> write_knapsack(path, [3, 2], [4, 1], 5)
    >>> open(path).read()
    '2 5\\n3 4\\n2 1\\n'
    """
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    weights = np.asarray(weights, dtype=np.float64).reshape(-1)
    if values.shape != weights.shape:
        raise ValueError(f"values and weights need one entry per item, got {values.size} and {weights.size}")
    lines = [f"{values.size} {_format_weight(float(capacity))}"]
    lines += [f"{_format_weight(float(v))} {_format_weight(float(w))}" for v, w in zip(values, weights)]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------- set cover
@dataclass(frozen=True, eq=False)
class SetCoverInstance:
    """A weighted set-cover instance from an OR-Library ``scp`` file.

    Attributes
    ----------
    name : str
    n_elements : int
        Rows ``m`` of the file: the elements 0..m-1 to cover.
    costs : numpy.ndarray of shape (n,), float64
        Column costs: the cost of each set.
    sets : tuple of numpy.ndarray
        ``sets[j]``: the 0-based elements (rows) that set (column) ``j`` covers, sorted.

    Examples
    --------
    >>> from hopopt.io.orlib import parse_scp
    >>> parse_scp("2 2\\n1 1\\n1 1\\n1 2\\n").sets[1].tolist()
    [1]
    """

    name: str
    n_elements: int
    costs: np.ndarray
    sets: tuple

    @property
    def n(self) -> int:
        """Number of sets (columns)."""
        return int(self.costs.size)


def _tokens_with_lines(text):
    """Every token of the content lines and the line number of each."""
    tokens, numbers = [], []
    for line_number, line in _content_lines(text, _COMMENTS):
        parts = line.split()
        tokens += parts
        numbers += [line_number] * len(parts)
    return tokens, numbers


def parse_scp(text: str, name: str = "<string>") -> SetCoverInstance:
    """Parse an OR-Library set-cover file (``m n``, n costs, then per row ``k`` and k 1-based columns).

    Parameters
    ----------
    text : str
        The file's contents.
    name : str
        What messages call the text (its path), and the instance's name.

    Returns
    -------
    SetCoverInstance

    Raises
    ------
    InputError
        One line naming the file and the line: an empty file, non-numeric or non-finite numbers, counts that
        are not whole numbers ≥ 1, a negative cost, a column id outside 1..n, a row covered by no column (no
        cover exists), a column listed twice in one row, a file that ends early or has numbers left over.

    Examples
    --------
    >>> from hopopt.io.orlib import parse_scp
    >>> instance = parse_scp("3 2\\n4 5\\n1 1\\n2 1 2\\n1\\n2\\n", name="tiny")
    >>> instance.n_elements, instance.costs.tolist(), [s.tolist() for s in instance.sets]
    (3, [4.0, 5.0], [[0, 1], [1, 2]])
    >>> parse_scp("2 2\\n1 1\\n1 3\\n1 1\\n", name="bad.txt")
    Traceback (most recent call last):
    ...
    hopopt.errors.InputError: bad.txt:3: column id 3 of row 1 is out of range 1..2
    """
    tokens, lines = _tokens_with_lines(text)
    if not tokens:
        raise InputError(f"{name}: the file is empty (expected 'm n': rows and columns)")
    last_line = lines[-1]
    position = 0

    def take(what):
        nonlocal position
        if position >= len(tokens):
            raise InputError(f"{name}:{last_line}: the file ends before {what}")
        token, line = tokens[position], lines[position]
        position += 1
        return token, f"{name}:{line}"

    token, where = take("the number of rows m")
    m = _whole(token, "the number of rows m", where)
    token, where = take("the number of columns n")
    n = _whole(token, "the number of columns n", where)
    if m < 1 or n < 1:
        raise InputError(f"{where}: the numbers of rows and columns must be at least 1, got m = {m}, n = {n}")
    _check_declared_size(max(m, n), "the number of rows m or columns n", where)
    costs = np.empty(min(n, len(tokens)))  # a damaged n beyond the file's numbers ends at take(), not here
    for column in range(n):
        token, where = take(f"the cost of column {column + 1} (n = {n} costs)")
        costs[column] = _number(token, f"the cost of column {column + 1}", where)
        if costs[column] < 0:
            raise InputError(f"{where}: the cost of column {column + 1} must be ≥ 0, got {_shorten(token)}")
    members: list[list[int]] = [[] for _ in range(n)]
    for row in range(m):
        token, where = take(f"the number of columns covering row {row + 1} (m = {m} rows)")
        count = _whole(token, f"the number of columns covering row {row + 1}", where)
        if count < 1:
            raise InputError(f"{where}: row {row + 1} is covered by {count} columns: no cover exists")
        if count > n:
            raise InputError(f"{where}: row {row + 1} claims {count} covering columns but there are only n = {n}")
        seen = set()
        for _ in range(count):
            token, where = take(f"the {count} columns covering row {row + 1}")
            column = _whole(token, f"a column id of row {row + 1}", where)
            if not 1 <= column <= n:
                raise InputError(f"{where}: column id {column} of row {row + 1} is out of range 1..{n}")
            if column in seen:
                raise InputError(f"{where}: column {column} is listed twice for row {row + 1}")
            seen.add(column)
            members[column - 1].append(row)
    if position < len(tokens):
        raise InputError(f"{name}:{lines[position]}: {len(tokens) - position} number(s) left after the {m} rows, "
                         f"first {_shorten(tokens[position])}")
    sets = tuple(np.array(sorted(rows), dtype=np.int64) for rows in members)
    return SetCoverInstance(name, m, costs, sets)


def read_scp(source: PathLike) -> SetCoverInstance:
    """Read an OR-Library ``scp`` file; the record is named after the file stem.

    Parameters
    ----------
    source : str or os.PathLike
        Path of the ``scp`` file.

    Returns
    -------
    SetCoverInstance
        The elements, set costs and sets.

    Examples
    --------
    >>> import os, tempfile
    >>> from hopopt.io.orlib import read_scp
    >>> path = os.path.join(tempfile.mkdtemp(), "scp0.txt")
    >>> with open(path, "w") as handle:
    ...     _ = handle.write("1 2\\n3 1\\n2 1 2\\n")
    >>> read_scp(path).name, read_scp(path).n
    ('scp0', 2)
    """
    text, label, stem = _read_text(source)
    instance = parse_scp(text, label)
    return SetCoverInstance(stem, instance.n_elements, instance.costs, instance.sets)


def write_scp(path: PathLike, n_elements, sets, costs) -> None:
    """Write a set-cover instance in the OR-Library ``scp`` format (rows wrapped at 12 numbers, 1-based).

    Parameters
    ----------
    path : str or os.PathLike
    n_elements : int
        The number of elements to cover, numbered 0 .. n_elements − 1.
    sets : sequence of sequence of int
        Each set's elements (0-based; written 1-based).
    costs : sequence of number
        One cost per set.

    Examples
    --------
    >>> import os, tempfile
    >>> from hopopt.io.orlib import read_scp, write_scp
    >>> path = os.path.join(tempfile.mkdtemp(), "s.txt")
    >>> write_scp(path, 2, [[0], [0, 1]], [3, 2])
    >>> [s.tolist() for s in read_scp(path).sets]
    [[0], [0, 1]]
    """
    n_elements = int(n_elements)
    covering: list[list[int]] = [[] for _ in range(n_elements)]
    for column, members in enumerate(sets):
        for element in members:
            covering[int(element)].append(column + 1)
    lines = [f"{n_elements} {len(sets)}"]

    def wrapped(numbers):
        return [" ".join(numbers[start:start + 12]) for start in range(0, len(numbers), 12)]

    lines += wrapped([_format_weight(float(cost)) for cost in costs])
    for columns in covering:
        lines.append(str(len(columns)))
        lines += wrapped([str(column) for column in columns])
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
