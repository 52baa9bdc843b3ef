"""QAPLIB quadratic assignment instances (``.dat``) and solutions (``.sln``).

QAPLIB instance (``.dat``)
    The size ``n``, then two ``n × n`` integer matrices: ``A`` (the flow between facilities) and ``B`` (the
    distance between locations), row by row. Numbers are separated by any whitespace and line breaks may fall
    anywhere: some files wrap a row over several lines, most put a blank line between the matrices. Read with
    :func:`parse_qaplib` and :func:`read_qaplib` into a :class:`QAPInstance`; written by :func:`write_qaplib`.
QAPLIB solution (``.sln``)
    A first line ``n cost``, then a permutation of ``1..n`` (facility ``i`` goes to location ``p(i)``), numbers
    separated by spaces and/or commas over any number of lines. Read with :func:`parse_qaplib_solution` and
    :func:`read_qaplib_solution` into a :class:`QAPSolution` (0-based); written by
    :func:`write_qaplib_solution`.

The cost of a permutation ``p`` is ``sum_ij A[i, j] * B[p[i], p[j]]`` (:func:`qap_cost`). In a few QAPLIB files
(kra30a and tho30 among them) the stated cost belongs to the inverse permutation, that is to the roles of ``A``
and ``B`` swapped; :func:`solution_permutation` finds which reading gives the stated cost. Matrices need not be
symmetric and may have non-zero diagonals (both occur in QAPLIB).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError
from ._text import (_EXACT_INTEGER_LIMIT, PathLike, _content_lines, _format_weight, _list_ids, _missing_ids,
                    _read_text, _shorten)

__all__ = ["QAPInstance", "parse_qaplib", "read_qaplib", "write_qaplib", "qap_cost",
           "QAPSolution", "parse_qaplib_solution", "read_qaplib_solution", "write_qaplib_solution",
           "solution_permutation"]

_SOLUTION_SEPARATORS = re.compile(r"[\s,]+")
_MATRICES = ("flow matrix A", "distance matrix B")


# ---------------------------------------------------------------------------------------------- records
def _square_matrix(value, what: str, n: int) -> np.ndarray:
    """A read-only float64 (n, n) copy of ``value``; InputError naming ``what`` otherwise."""
    try:
        matrix = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be an (n, n) array of numbers") from None
    if matrix.shape != (n, n):
        raise InputError(f"{what} must have shape (n, n) = ({n}, {n}), got {matrix.shape}")
    if not np.isfinite(matrix).all():
        i, j = np.argwhere(~np.isfinite(matrix))[0]
        raise InputError(f"{what} must be finite, got {what}[{i}, {j}] = {matrix[i, j]}")
    matrix.setflags(write=False)
    return matrix


@dataclass(frozen=True, eq=False)
class QAPInstance:
    """A quadratic assignment instance read from a QAPLIB ``.dat`` file.

    Arrays are read-only so that a record can be shared safely. Two records are equal when all fields are.

    Parameters
    ----------
    name : str
        A label: the file stem when read with :func:`read_qaplib` (``nug12`` for ``qaplib/nug12.dat``).
    n : int
        Number of facilities and of locations; both are ``0..n-1``.
    flow : numpy.ndarray of shape (n, n), float64
        The first matrix of the file, ``A``: the flow between facilities ``i`` and ``j``.
    distance : numpy.ndarray of shape (n, n), float64
        The second matrix of the file, ``B``: the distance between locations ``k`` and ``l``.

    Notes
    -----
    Neither matrix needs to be symmetric or to have a zero diagonal. The cost of placing facility ``i`` at
    location ``p[i]`` is ``qap_cost(flow, distance, p)``.

    Examples
    --------
    >>> instance = QAPInstance("tiny", 2, [[0, 3], [3, 0]], [[0, 5], [5, 0]])
    >>> instance.n, qap_cost(instance.flow, instance.distance, [1, 0])
    (2, 30.0)
    """

    name: str
    n: int
    flow: np.ndarray
    distance: np.ndarray

    def __post_init__(self):
        n = int(self.n)
        # frozen dataclass: object.__setattr__ is the documented way to normalise fields in __post_init__
        object.__setattr__(self, "name", str(self.name))
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "flow", _square_matrix(self.flow, "flow", n))
        object.__setattr__(self, "distance", _square_matrix(self.distance, "distance", n))

    def __eq__(self, other):
        if not isinstance(other, QAPInstance):
            return NotImplemented
        return (self.name == other.name and self.n == other.n and np.array_equal(self.flow, other.flow)
                and np.array_equal(self.distance, other.distance))


@dataclass(frozen=True, eq=False)
class QAPSolution:
    """A solution read from a QAPLIB ``.sln`` file.

    Parameters
    ----------
    name : str
        A label: the file stem when read with :func:`read_qaplib_solution`.
    n : int
        The size of the instance the solution is for.
    cost : int
        The cost the file states.
    permutation : numpy.ndarray of shape (n,), int64
        The permutation as written, converted to 0-based: entry ``i`` is the location of facility ``i`` (or,
        in a few QAPLIB files, the facility at location ``i``: see :func:`solution_permutation`); read-only.

    Examples
    --------
    >>> QAPSolution("tiny", 3, 12, [2, 0, 1]).permutation.tolist()
    [2, 0, 1]
    """

    name: str
    n: int
    cost: int
    permutation: np.ndarray

    def __post_init__(self):
        permutation = np.array(self.permutation, dtype=np.int64).reshape(-1)
        permutation.setflags(write=False)
        cost = self.cost
        if not isinstance(cost, (int, np.integer)):
            value = float(cost)
            if not (math.isfinite(value) and value.is_integer()):
                raise InputError(f"cost must be a whole number, got {cost!r}")
            cost = int(value)
        object.__setattr__(self, "name", str(self.name))
        object.__setattr__(self, "n", int(self.n))
        object.__setattr__(self, "cost", int(cost))
        object.__setattr__(self, "permutation", permutation)

    def __eq__(self, other):
        if not isinstance(other, QAPSolution):
            return NotImplemented
        return (self.name == other.name and self.n == other.n and self.cost == other.cost
                and np.array_equal(self.permutation, other.permutation))


# ---------------------------------------------------------------------------------------------- cost
def _as_permutation(permutation, n: int, what: str = "permutation") -> np.ndarray:
    """A 1-D int64 copy of a permutation of ``0..n-1``; InputError naming repeated and missing values."""
    array = np.asarray(permutation)
    if array.ndim != 1:
        raise InputError(f"{what} must be a 1-D sequence of location indices, got an array of shape {array.shape}")
    if array.size and array.dtype.kind not in "iu":
        raise InputError(f"{what} must hold integer location indices, got dtype {array.dtype}")
    array = array.astype(np.int64)
    if array.size != n:
        raise InputError(f"{what} must place each of the n = {n} facilities, got {array.size} entries")
    outside = array[(array < 0) | (array >= n)]
    if outside.size:
        raise InputError(f"{what} has location index {outside[0]} outside 0..{n - 1}")
    counts = np.bincount(array, minlength=n)
    repeated, missing = np.flatnonzero(counts > 1), np.flatnonzero(counts == 0)
    if repeated.size:
        raise InputError(f"{what} must use each location 0..{n - 1} exactly once; used more than once: "
                         f"{_list_ids(repeated.tolist())}; never used: {_list_ids(missing.tolist())}")
    return array


def qap_cost(flow, distance, permutation) -> float:
    """Cost of placing facility ``i`` at location ``permutation[i]``: ``sum_ij flow[i, j] distance[p[i], p[j]]``.

    Parameters
    ----------
    flow : array_like of shape (n, n)
        The flow matrix ``A`` (need not be symmetric; the diagonal counts).
    distance : array_like of shape (n, n)
        The distance matrix ``B`` (need not be symmetric; the diagonal counts).
    permutation : sequence of int
        0-based locations, a permutation of ``0..n-1``.

    Returns
    -------
    float
        The cost; exact for integer matrices whose cost stays below 2**53.

    Raises
    ------
    InputError
        If the matrices are not finite (n, n) arrays of the same size, or ``permutation`` is not a permutation
        of ``0..n-1`` (the message names repeated and unused locations).

    Examples
    --------
    >>> flow = [[0, 1, 0], [1, 0, 2], [0, 2, 0]]
    >>> distance = [[0, 5, 1], [5, 0, 1], [1, 1, 0]]
    >>> qap_cost(flow, distance, [0, 1, 2]), qap_cost(flow, distance, [0, 2, 1])
    (14.0, 6.0)
    >>> qap_cost(flow, distance, [0, 0, 1])
    Traceback (most recent call last):
    ...
    hopopt.errors.InputError: permutation must use each location 0..2 exactly once; used more than once: 0; never used: 2
    """
    try:
        a = np.asarray(flow, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError("flow must be an (n, n) array of numbers") from None
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise InputError(f"flow must be a square matrix, got shape {a.shape}")
    n = a.shape[0]
    a = _square_matrix(a, "flow", n)
    b = _square_matrix(distance, "distance", n)
    p = _as_permutation(permutation, n)
    return float((a * b[np.ix_(p, p)]).sum())


# ---------------------------------------------------------------------------------------------- numbers
def _whole_number(token: str) -> float:
    """The value of a matrix entry: an integer, or a decimal with a whole value (``7.0``); ValueError(rule)."""
    try:
        return float(int(token))
    except ValueError:
        pass
    except OverflowError:
        raise ValueError("must be integers below 1e308 in magnitude") from None
    try:
        value = float(token)
    except ValueError:
        raise ValueError("must be integers") from None
    if not math.isfinite(value):
        raise ValueError("must be finite integers")
    if not value.is_integer():
        raise ValueError("must be whole numbers")
    return value


def _tokens_with_lines(text: str):
    """All tokens of ``text`` with a function giving the 1-based line number of token ``k``, and the last line."""
    tokens: list = []
    ends = []   # number of tokens read after each content line, to find the line of a token by bisection
    numbers = []
    for line_number, line in _content_lines(text, ""):
        tokens += line.split()
        ends.append(len(tokens))
        numbers.append(line_number)
    ends_array = np.array(ends, dtype=np.int64)

    def line_of(index: int) -> int:
        return numbers[int(np.searchsorted(ends_array, index, side="right"))]

    return tokens, line_of, (numbers[-1] if numbers else 0)


# ---------------------------------------------------------------------------------------------- .dat
def parse_qaplib(text: str, name: str = "<string>") -> QAPInstance:
    """Parse a QAPLIB instance (``.dat``) given as a string.

    Parameters
    ----------
    text : str
        The file contents: the size ``n`` (a whole number ≥ 1), then the ``n²`` entries of the flow matrix
        ``A`` and the ``n²`` entries of the distance matrix ``B``, each row by row. Numbers are separated by any
        whitespace; line breaks and blank lines may fall anywhere. Entries are integers (a decimal with a whole
        value such as ``7.0`` is accepted); they may be negative, non-symmetric, or on the diagonal.
    name : str, optional
        Label used in error messages and as the record's name.

    Returns
    -------
    QAPInstance
        ``A`` as ``flow`` and ``B`` as ``distance``, float64.

    Raises
    ------
    InputError
        One line naming the file and the line: an empty file, a size that is not a whole number ≥ 1, an entry
        that is not an integer (or is NaN or infinite), fewer numbers than the two matrices need, or numbers
        after the distance matrix.

    Examples
    --------
    >>> instance = parse_qaplib("2\\n\\n0 3\\n3 0\\n\\n0 5\\n5 0\\n", name="tiny")
    >>> instance.n, instance.flow.tolist(), instance.distance.tolist()
    (2, [[0.0, 3.0], [3.0, 0.0]], [[0.0, 5.0], [5.0, 0.0]])
    >>> parse_qaplib("2\\n0 3\\n3 0\\n0 5\\n5\\n", name="cut.dat")
    Traceback (most recent call last):
    ...
    hopopt.errors.InputError: cut.dat:5: expected 4 numbers for the distance matrix B, the file ends after 3
    """
    tokens, line_of, last_line = _tokens_with_lines(text)
    if not tokens:
        raise InputError(f"{name}: no size n (the file is empty)")
    try:
        n = int(tokens[0])
    except ValueError:
        raise InputError(f"{name}:{line_of(0)}: the size n must be a whole number, got {_shorten(tokens[0])}") from None
    if n < 1:
        raise InputError(f"{name}:{line_of(0)}: the size n must be at least 1, got {n}")
    size = n * n
    for which, label in enumerate(_MATRICES):
        found = len(tokens) - 1 - which * size
        if found < size:
            raise InputError(f"{name}:{last_line}: expected {size} numbers for the {label}, "
                             f"the file ends after {max(found, 0)}")
    if len(tokens) > 1 + 2 * size:
        extra = len(tokens) - 1 - 2 * size
        raise InputError(f"{name}:{line_of(1 + 2 * size)}: {extra} extra number(s) after the distance matrix B, "
                         f"first {_shorten(tokens[1 + 2 * size])} (n = {n}: the file holds n and 2 × {size} numbers)")
    values = np.empty(2 * size, dtype=np.float64)
    for index, token in enumerate(tokens[1:]):
        try:
            values[index] = _whole_number(token)
        except ValueError as error:
            which, cell = divmod(index, size)
            row, column = divmod(cell, n)
            raise InputError(f"{name}:{line_of(index + 1)}: entries of the {_MATRICES[which]} {error}, "
                             f"got {_shorten(token)} (row {row + 1}, column {column + 1})") from None
    return QAPInstance(name, n, values[:size].reshape(n, n), values[size:].reshape(n, n))


def read_qaplib(source: PathLike) -> QAPInstance:
    """Read a QAPLIB instance file (``.dat``).

    Parameters
    ----------
    source : str or os.PathLike
        Path of the file. Error messages name it as given.

    Returns
    -------
    QAPInstance
        The instance, named after the file stem (``nug12`` for ``qaplib/nug12.dat``).

    Raises
    ------
    InputError
        If the file is missing, a directory, unreadable, not UTF-8 text, or malformed (see :func:`parse_qaplib`).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pair.dat"
    >>> write_qaplib(path, [[0, 2], [2, 0]], [[0, 7], [7, 0]])
    >>> instance = read_qaplib(path)
    >>> instance.name, instance.n, instance.distance.tolist()
    ('pair', 2, [[0.0, 7.0], [7.0, 0.0]])
    """
    text, label, stem = _read_text(source)
    instance = parse_qaplib(text, name=label)
    return QAPInstance(stem, instance.n, instance.flow, instance.distance)


def _integer_matrix(value, what: str, n: int | None) -> np.ndarray:
    """Check a matrix for writing: finite, square (of size ``n`` if given), whole numbers below 2**53."""
    try:
        matrix = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be an (n, n) array of numbers") from None
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] < 1:
        raise InputError(f"{what} must be a square (n, n) matrix with n ≥ 1, got shape {matrix.shape}")
    if n is not None and matrix.shape[0] != n:
        raise InputError(f"{what} must have the same shape as flow ({n}, {n}), got {matrix.shape}")
    bad = ~np.isfinite(matrix) | (matrix != np.round(matrix)) | (np.abs(matrix) >= _EXACT_INTEGER_LIMIT)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise InputError(f"{what} entries must be integers below 2**53 in magnitude (QAPLIB files hold "
                         f"integers), got {what}[{i}, {j}] = {matrix[i, j]}")
    return matrix


def _matrix_lines(matrix: np.ndarray) -> list[str]:
    """Rows of whole numbers, right-aligned in columns of one width as QAPLIB files are."""
    cells = [[str(int(value)) for value in row] for row in matrix.tolist()]
    width = max(len(cell) for row in cells for cell in row)
    return [" ".join(cell.rjust(width) for cell in row) for row in cells]


def write_qaplib(path: PathLike, flow, distance) -> None:
    """Write a QAPLIB instance file: ``n``, a blank line, the rows of ``flow``, a blank line, those of ``distance``.

    Parameters
    ----------
    path : str or os.PathLike
        Where to write (overwritten if it exists).
    flow : array_like of shape (n, n)
        The flow matrix ``A``: integers (whole numbers below 2**53 in magnitude), n ≥ 1.
    distance : array_like of shape (n, n)
        The distance matrix ``B``, integers as well.

    Raises
    ------
    InputError
        If a matrix is not square, the two differ in size, or an entry is not a whole number (the file would
        not read back).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pair.dat"
    >>> write_qaplib(path, [[0, 2], [2, 0]], [[0, 10], [7, 0]])
    >>> print(path.read_text(), end="")
    2
    <BLANKLINE>
    0 2
    2 0
    <BLANKLINE>
     0 10
     7  0
    """
    a = _integer_matrix(flow, "flow", None)
    b = _integer_matrix(distance, "distance", a.shape[0])
    lines = [str(a.shape[0]), ""] + _matrix_lines(a) + [""] + _matrix_lines(b)
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------- .sln
def parse_qaplib_solution(text: str, name: str = "<string>") -> QAPSolution:
    """Parse a QAPLIB solution (``.sln``) given as a string.

    Parameters
    ----------
    text : str
        The file contents: a first line ``n cost`` (``n`` a whole number ≥ 1, ``cost`` an integer), then a
        permutation of ``1..n``, numbers separated by spaces and/or commas over any number of lines. Blank
        lines are ignored.
    name : str, optional
        Label used in error messages and as the record's name.

    Returns
    -------
    QAPSolution
        The permutation as written, converted to 0-based.

    Raises
    ------
    InputError
        One line naming the file and the line: a missing or malformed first line, a value that is not a whole
        number or is outside ``1..n``, a value given twice, fewer or more than ``n`` values.

    Examples
    --------
    >>> solution = parse_qaplib_solution("3 12\\n3, 1,\\n2\\n", name="tiny")
    >>> solution.n, solution.cost, solution.permutation.tolist()
    (3, 12, [2, 0, 1])
    >>> parse_qaplib_solution("3 12\\n3 1\\n3\\n", name="bad.sln")
    Traceback (most recent call last):
    ...
    hopopt.errors.InputError: bad.sln:3: 3 appears twice in the permutation (first on line 2)
    """
    lines = _content_lines(text, "")
    header = next(lines, None)
    if header is None:
        raise InputError(f"{name}: no first line 'n cost' (the file is empty)")
    header_line, line = header
    fields = [field for field in _SOLUTION_SEPARATORS.split(line) if field]
    try:
        if len(fields) != 2:
            raise ValueError
        n = int(fields[0])
        cost = _whole_number(fields[1])
    except ValueError:
        raise InputError(f"{name}:{header_line}: the first line must be 'n cost' with a whole number n and an "
                         f"integer cost, got {_shorten(line)}") from None
    if n < 1:
        raise InputError(f"{name}:{header_line}: the size n must be at least 1, got {n}")
    if abs(cost) >= _EXACT_INTEGER_LIMIT:
        raise InputError(f"{name}:{header_line}: the cost must be below 2**53 in magnitude, got {fields[1]!r}")
    values: list = []
    first_line: dict = {}
    last_line = header_line
    for line_number, line in lines:
        last_line = line_number
        for token in _SOLUTION_SEPARATORS.split(line):
            if not token:
                continue
            if len(values) == n:
                raise InputError(f"{name}:{line_number}: more than n = {n} numbers in the permutation, "
                                 f"got {_shorten(token)} after the last")
            try:
                value = int(token)
            except ValueError:
                raise InputError(f"{name}:{line_number}: the permutation must hold whole numbers 1..{n}, "
                                 f"got {_shorten(token)}") from None
            if not 1 <= value <= n:
                raise InputError(f"{name}:{line_number}: {value} is out of range 1..{n} (n on line {header_line})")
            if value in first_line:
                raise InputError(f"{name}:{line_number}: {value} appears twice in the permutation "
                                 f"(first on line {first_line[value]})")
            first_line[value] = line_number
            values.append(value)
    if len(values) < n:
        raise InputError(f"{name}:{last_line}: the permutation has {len(values)} numbers, n = {n} needs all of "
                         f"1..{n}; missing: {_missing_ids(first_line, n)}")
    return QAPSolution(name, n, int(cost), np.array(values, dtype=np.int64) - 1)


def read_qaplib_solution(source: PathLike) -> QAPSolution:
    """Read a QAPLIB solution file (``.sln``).

    Parameters
    ----------
    source : str or os.PathLike
        Path of the file. Error messages name it as given.

    Returns
    -------
    QAPSolution
        The solution (0-based), named after the file stem (``nug12`` for ``qaplib/nug12.sln``).

    Raises
    ------
    InputError
        If the file is missing, a directory, unreadable, not UTF-8 text, or malformed (see
        :func:`parse_qaplib_solution`).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pair.sln"
    >>> write_qaplib_solution(path, [1, 0], 28)
    >>> solution = read_qaplib_solution(path)
    >>> solution.name, solution.cost, solution.permutation.tolist()
    ('pair', 28, [1, 0])
    """
    text, label, stem = _read_text(source)
    solution = parse_qaplib_solution(text, name=label)
    return QAPSolution(stem, solution.n, solution.cost, solution.permutation)


def write_qaplib_solution(path: PathLike, permutation, cost) -> None:
    """Write a QAPLIB solution file: ``n cost``, then the permutation 1-based on one line.

    Parameters
    ----------
    path : str or os.PathLike
        Where to write (overwritten if it exists).
    permutation : sequence of int
        0-based: facility ``i`` at location ``permutation[i]``; a permutation of ``0..n-1``, n ≥ 1.
    cost : int or float
        The cost to state: a whole number (e.g. from :func:`qap_cost` on integer matrices).

    Raises
    ------
    InputError
        If ``permutation`` is empty or not a permutation of ``0..n-1``, or ``cost`` is not a whole number.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "three.sln"
    >>> write_qaplib_solution(path, [2, 0, 1], 12.0)
    >>> print(path.read_text(), end="")
    3 12
    3 1 2
    """
    array = np.asarray(permutation)
    if array.size == 0:
        raise InputError("permutation must place at least one facility, got an empty permutation")
    array = _as_permutation(array, array.size)
    try:
        value = float(cost)
    except (TypeError, ValueError):
        raise InputError(f"cost must be a whole number, got {cost!r}") from None
    if isinstance(cost, bool) or not (math.isfinite(value) and value.is_integer()
                                      and abs(value) < _EXACT_INTEGER_LIMIT):
        raise InputError(f"cost must be a whole number below 2**53 in magnitude, got {cost!r}")
    lines = [f"{array.size} {int(value)}", " ".join(str(location) for location in (array + 1).tolist())]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------- which reading
def solution_permutation(instance: QAPInstance, solution: QAPSolution) -> tuple[np.ndarray, str]:
    """The permutation of a QAPLIB solution that has the cost it states, and which reading gave it.

    QAPLIB ``.sln`` files list, for most instances, the location of each facility (``p[i]``), but for a few
    (kra30a and tho30 among them) the facility at each location: the inverse permutation. This tries the
    permutation as written first, then its inverse.

    Parameters
    ----------
    instance : QAPInstance
        The instance the solution belongs to.
    solution : QAPSolution
        A solution of the same size.

    Returns
    -------
    permutation : numpy.ndarray of shape (n,), int64
        A new array: facility ``i`` at location ``permutation[i]``, with
        ``qap_cost(instance.flow, instance.distance, permutation) == solution.cost``.
    reading : str
        ``"as written"`` or ``"inverse"`` (``"as written"`` when both give the cost).

    Raises
    ------
    InputError
        If the sizes differ, or neither reading gives the stated cost (the message gives both costs).

    Examples
    --------
    >>> instance = QAPInstance("tiny", 3, [[0, 1, 0], [0, 0, 2], [0, 0, 0]], [[0, 1, 9], [9, 0, 4], [9, 9, 0]])
    >>> qap_cost(instance.flow, instance.distance, [1, 2, 0]), qap_cost(instance.flow, instance.distance, [2, 0, 1])
    (22.0, 11.0)
    >>> solution_permutation(instance, QAPSolution("tiny", 3, 22, [1, 2, 0]))
    (array([1, 2, 0]), 'as written')
    >>> solution_permutation(instance, QAPSolution("tiny", 3, 11, [1, 2, 0]))
    (array([2, 0, 1]), 'inverse')
    >>> solution_permutation(instance, QAPSolution("tiny", 3, 12, [1, 2, 0]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    hopopt.errors.InputError: solution tiny: the stated cost 12 is given neither by ... (cost 22) nor ... (cost 11) ...
    """
    if solution.n != instance.n or solution.permutation.size != instance.n:
        raise InputError(f"solution {solution.name} is for n = {solution.n} "
                         f"({solution.permutation.size} values), the instance {instance.name} has n = {instance.n}")
    written = _as_permutation(solution.permutation, instance.n, f"solution {solution.name}")
    written_cost = qap_cost(instance.flow, instance.distance, written)
    if written_cost == solution.cost:
        return written.copy(), "as written"
    inverse = np.argsort(written).astype(np.int64)
    inverse_cost = qap_cost(instance.flow, instance.distance, inverse)
    if inverse_cost == solution.cost:
        return inverse, "inverse"
    raise InputError(f"solution {solution.name}: the stated cost {solution.cost} is given neither by the "
                     f"permutation as written (cost {_format_weight(written_cost)}) nor by its inverse "
                     f"(cost {_format_weight(inverse_cost)}) on instance {instance.name}")
