"""Bring-your-own QUBO and Ising files: qbsolv ``.qubo``, dimod's COO text, ``.npy``/``.npz`` matrices and
dimod's serialised BQM, read into one record, :class:`QuadraticInstance`; writers for ``.qubo`` and COO.

The record holds a model in dimod's form (a binary quadratic model)::

    E(v) = offset + Σ_i linear[i] v_i + Σ_k values[k] v_rows[k] v_cols[k],   rows[k] < cols[k],

over binary variables (``v ∈ {0,1}``, a QUBO) or spins (``v ∈ {−1,+1}``, an Ising model), with each pair of
variables listed once. It knows nothing about energy models or solvers (:mod:`hopopt.problems.quadratic`
turns it into one).

Formats
-------
qbsolv ``.qubo`` (binary)
    ``c`` comment lines; one program line ``p qubo topology maxNodes nNodes nCouplers`` before any data; then
    ``nNodes`` lines ``i i value`` (the diagonal: linear terms) and ``nCouplers`` lines ``i j value``
    (couplers, ``i < j`` by the format's rule; ``j < i`` is read as the same pair). Node ids are 0-based,
    below ``maxNodes``, which is the number of variables. A repeated node or coupler is an error, as are
    counts that differ from the program line. The objective is ``Σ_i Q_ii x_i + Σ_{i<j} Q_ij x_i x_j``. The
    format has no constant; hopopt writes a non-zero offset as the comment ``c offset=VALUE`` (which qbsolv
    ignores) and reads it back.
dimod COO text (``dimod.serialization.coo``)
    Lines ``i j bias`` with non-negative integer labels: ``i i bias`` is the linear bias of ``i`` (h_i for an
    Ising model), ``i j bias`` the coupling of ``i`` and ``j``; repeated lines add up, as in dimod. ``#``
    starts a comment; a header comment ``# vartype=SPIN`` or ``# vartype=BINARY`` (as ``coo.dump(...,
    vartype_header=True)`` writes it) says which; without one the reader's ``vartype`` argument decides. The
    variables are the labels that appear (as in ``coo.load``): labels ``0..n-1`` are the variables' positions;
    any other set of labels (``1..n``, gaps) is numbered in increasing order and kept in ``labels``. hopopt
    writes a non-zero offset as ``# offset=VALUE`` and reads it back (dimod ignores the line).
``.npy`` / ``.npz``
    A square matrix: ``Q`` with energy ``xᵀQx`` for binary variables (upper-triangular or symmetric, or any
    square matrix: the pair ``i < j`` gets ``Q_ij + Q_ji``, the diagonal is linear since ``x_i² = x_i``), or
    ``J`` with energy ``sᵀJs`` for spins (the pair gets ``J_ij + J_ji``; the diagonal adds the constant
    ``trace(J)`` since ``s_i² = 1``; dimod reads a dense matrix the same way). A ``.npy`` holds the bare
    matrix, read as ``Q`` or ``J`` by the ``vartype`` argument; an ``.npz`` holds ``Q`` (binary) or ``h``
    and/or ``J`` (spin), and optionally a scalar ``offset``. Arrays are loaded with ``allow_pickle=False``.
dimod BQM file
    ``dimod.BinaryQuadraticModel.to_file()`` output (it starts with ``DIMODBQM``), read with
    ``BinaryQuadraticModel.from_file`` (needs dimod: ``pip install 'hopopt[peers]'``); its vartype and
    offset are kept. Variables labelled ``0..n-1`` keep their numbers; other labels (strings, tuples, …) are
    numbered in the BQM's variable order and kept in ``labels``.

:func:`read_quadratic` tells the formats apart by their content (the BQM and numpy magic bytes, a ``p`` line)
and the ``.qubo`` extension. Every error in a file is an :class:`~hopopt.errors.InputError` naming the file
and, in text files, the line.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError
from ._text import PathLike, _decode, _shorten

__all__ = ["QuadraticInstance", "read_quadratic", "parse_qbsolv", "read_qbsolv", "write_qbsolv", "parse_coo",
           "read_coo", "write_coo", "read_numpy_quadratic", "read_bqm"]

_VARTYPES = ("binary", "spin")
# one data line of either text format, parsed by numpy's C reader (the fast path)
_TRIPLET = np.dtype([("i", np.int64), ("j", np.int64), ("value", np.float64)])
# dimod's vartype header (dimod/serialization/coo.py), matched on comment lines
_COO_VARTYPE = re.compile(r"^[ \t\f]*#.*?vartype[:=][ \t]*([-_.a-zA-Z0-9]+)", re.IGNORECASE)
# hopopt's offset comments (the formats have no constant), matched on comment lines
_COO_OFFSET = re.compile(r"^[ \t\f]*#[ \t]*offset[ \t]*[:=][ \t]*(\S+)[ \t]*$", re.IGNORECASE)
_QBSOLV_OFFSET = re.compile(r"^[ \t\f]*c[ \t]+offset[ \t]*[:=][ \t]*(\S+)[ \t]*$", re.IGNORECASE)
_BQM_MAGIC = b"DIMODBQM"
_NPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGIC = b"PK\x03\x04"
# a qbsolv header larger than this is a damaged file, not a model: refused before allocating n biases
_LARGEST_N = 100_000_000
# whole biases below this magnitude are written as integers; beyond it every float is whole anyway
_EXACT_INTEGER_LIMIT = 2.0**53


# ---------------------------------------------------------------------------------------------- the record
@dataclass(frozen=True, eq=False)
class QuadraticInstance:
    """A QUBO or Ising model read from a file: ``E = offset + Σ linear·v + Σ_k values[k] v_rows[k] v_cols[k]``.

    Build one with :meth:`from_terms`, which merges repeated pairs; the constructor expects them merged.

    Attributes
    ----------
    n : int
        Number of variables (positions ``0..n-1``).
    linear : numpy.ndarray of shape (n,)
        Linear biases (the QUBO diagonal, or h).
    rows, cols, values : numpy.ndarray of shape (m,)
        Each coupled pair once, ``rows < cols``, sorted by (row, col); ``values`` are the pair coefficients.
    offset : float
        The constant term.
    vartype : {"binary", "spin"}
    labels : tuple or None
        The file's label of each position when they are not simply ``0..n-1``; else None.
    name : str
        Usually the file stem.
    file_format : str
        ``"qbsolv"``, ``"coo"``, ``"npy"``, ``"npz"``, ``"bqm"`` or ``""`` (built in memory).

    Examples
    --------
    >>> from hopopt.io import QuadraticInstance
    >>> instance = QuadraticInstance.from_terms(3, [1, 0, -1], [[2, 0], [0, 2]], [1.5, 0.5], offset=2)
    >>> instance.rows.tolist(), instance.cols.tolist(), instance.values.tolist()
    ([0], [2], [2.0])
    >>> instance.energy([1, 0, 1])
    4.0
    """

    n: int
    linear: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray
    offset: float = 0.0
    vartype: str = "binary"
    labels: tuple | None = None
    name: str = "quadratic"
    file_format: str = ""

    def __post_init__(self):
        linear = np.array(self.linear, dtype=np.float64).reshape(-1)
        rows = np.array(self.rows, dtype=np.int64).reshape(-1)
        cols = np.array(self.cols, dtype=np.int64).reshape(-1)
        values = np.array(self.values, dtype=np.float64).reshape(-1)
        if linear.shape != (self.n,):
            raise ValueError(f"linear must have n = {self.n} entries, got {linear.size}")
        if not rows.shape == cols.shape == values.shape:
            raise ValueError(f"rows, cols and values must have the same length, got {rows.size}, {cols.size}, "
                             f"{values.size}")
        if rows.size and (rows.min() < 0 or cols.max() >= self.n or np.any(rows >= cols)):
            raise ValueError("pairs must satisfy 0 <= row < col < n; build the record with from_terms")
        if self.vartype not in _VARTYPES:
            raise ValueError(f"vartype must be 'binary' or 'spin', got {self.vartype!r}")
        if self.labels is not None and len(self.labels) != self.n:
            raise ValueError(f"labels must name all n = {self.n} variables, got {len(self.labels)}")
        for array in (linear, rows, cols, values):
            array.setflags(write=False)
        object.__setattr__(self, "linear", linear)
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "cols", cols)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "offset", float(self.offset))
        if self.labels is not None:
            object.__setattr__(self, "labels", tuple(self.labels))

    @classmethod
    def from_terms(cls, n, linear, pairs, values, offset=0.0, vartype="binary", labels=None, name="quadratic",
                   file_format=""):
        """A record from terms in any order: ``(i, j)`` and ``(j, i)`` are one pair and repeats add up.

        A pair ``(i, i)`` is a square: linear for binary variables (``x² = x``), constant for spins
        (``s² = 1``). Pairs whose coefficients add up to zero are dropped.

        Parameters
        ----------
        n : int
        linear : array_like of shape (n,)
        pairs : array_like of shape (m, 2)
        values : array_like of shape (m,)
        offset : float
        vartype : {"binary", "spin"}
        labels, name, file_format
            As the attributes.
        """
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"n (number of variables) must be an integer at least 1, got {n!r}")
        if vartype not in _VARTYPES:
            raise ValueError(f"vartype must be 'binary' or 'spin', got {vartype!r}")
        linear = np.array(linear, dtype=np.float64).reshape(-1)
        pairs = np.array(pairs, dtype=np.int64).reshape(-1, 2) if len(pairs) else np.empty((0, 2), np.int64)
        values = np.array(values, dtype=np.float64).reshape(-1)
        if values.size != pairs.shape[0]:
            raise ValueError(f"values must have one entry per pair ({pairs.shape[0]}), got {values.size}")
        if pairs.size and (pairs.min() < 0 or pairs.max() >= n):
            raise ValueError(f"pair indices must lie in 0..{n - 1}")
        linear = linear.copy()
        offset = float(offset)
        squares = pairs[:, 0] == pairs[:, 1]
        if np.any(squares):
            if vartype == "binary":
                np.add.at(linear, pairs[squares, 0], values[squares])
            else:
                offset += float(values[squares].sum())
        low = np.minimum(pairs[~squares, 0], pairs[~squares, 1])
        high = np.maximum(pairs[~squares, 0], pairs[~squares, 1])
        # one int64 key per pair: much faster than np.unique(axis=0); n² < 2⁶³ for every n that fits in memory
        keys = low * n + high
        merged = values[~squares]
        if keys.size and not np.all(keys[1:] > keys[:-1]):  # files written in order skip the sort
            keys, inverse = np.unique(keys, return_inverse=True)
            merged = np.zeros(keys.size)
            np.add.at(merged, inverse, values[~squares])
        keep = merged != 0
        return cls(int(n), linear, keys[keep] // n, keys[keep] % n, merged[keep], offset, vartype, labels, name,
                   file_format)

    @property
    def n_pairs(self) -> int:
        """The number of coupled pairs."""
        return int(self.values.size)

    def energy(self, state) -> float:
        """The energy of one state (0/1 for binary, ±1 for spin records); for checks and examples.

        Parameters
        ----------
        state : array_like, shape (n,)
            0/1 values for a binary record, ±1 for a spin record; anything else is a ValueError.

        Returns
        -------
        float
        """
        state = np.asarray(state, dtype=np.float64).reshape(-1)
        if state.shape != (self.n,):
            raise ValueError(f"state must have n = {self.n} entries, got {state.size}")
        allowed = (0, 1) if self.vartype == "binary" else (-1, 1)
        if not np.all(np.isin(state, allowed)):
            raise ValueError(f"a {self.vartype} state takes values in {allowed}")
        return float(self.offset + self.linear @ state + self.values @ (state[self.rows] * state[self.cols]))

    def __repr__(self):
        return (f"QuadraticInstance(name={self.name!r}, n={self.n}, pairs={self.n_pairs}, "
                f"vartype={self.vartype!r}, offset={self.offset:g})")


# ---------------------------------------------------------------------------------------------- reading files
def _read_bytes(source: PathLike) -> tuple[bytes, str, str]:
    """The file's bytes, a label for messages and the stem; every failure an InputError naming the file."""
    if not isinstance(source, (str, os.PathLike)):
        raise InputError(f"source must be a file path (str or os.PathLike), got {type(source).__name__}")
    path = Path(source)
    label = str(source)
    if not path.exists():
        raise InputError(f"file not found: {label}")
    if path.is_dir():
        raise InputError(f"{label}: is a directory, expected a file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{label}: cannot read the file: {error.strerror or error}") from None
    return data, label, path.stem


def _check_vartype(vartype):
    value = str(vartype).lower() if vartype is not None else None
    if value not in _VARTYPES:
        raise InputError(f"vartype must be 'binary' or 'spin', got {vartype!r}")
    return value


def read_quadratic(source: PathLike, vartype: str = "binary") -> QuadraticInstance:
    """Read any supported QUBO/Ising file, telling the format from its content and extension.

    Parameters
    ----------
    source : str or os.PathLike
        A qbsolv ``.qubo`` file, a COO text file, an ``.npy``/``.npz`` matrix file or a dimod BQM file.
    vartype : {"binary", "spin"}
        What files that do not say mean: a COO file without a vartype header, a bare ``.npy`` matrix. qbsolv
        files are binary, ``.npz`` files say it by their keys, BQM files carry their own.

    Returns
    -------
    QuadraticInstance

    Raises
    ------
    InputError
        A missing or unreadable file, or a malformed one (the message names the file and line).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tiny.coo"
    >>> _ = path.write_text("# vartype=SPIN\\n0 0 0.5\\n0 1 -1\\n")
    >>> instance = read_quadratic(path)
    >>> instance.vartype, instance.n, instance.energy([1, 1])
    ('spin', 2, -0.5)
    """
    vartype = _check_vartype(vartype)
    data, label, stem = _read_bytes(source)
    suffix = Path(label).suffix.lower()
    if data.startswith(_BQM_MAGIC):
        return _bqm_from_bytes(data, label, stem)
    if data.startswith(_NPY_MAGIC) or data.startswith(_ZIP_MAGIC):
        return _numpy_from_bytes(data, label, stem, vartype)
    if suffix in (".npy", ".npz"):
        raise InputError(f"{label}: not a numpy {suffix} file (it does not start with the numpy or zip magic "
                         "bytes)")
    text = _decode(data, label)
    if suffix == ".qubo" or _first_content_line(text).startswith("p"):
        return _named(parse_qbsolv(text, name=label), stem)
    return _named(parse_coo(text, name=label, vartype=vartype), stem)


def _named(instance, stem):
    return QuadraticInstance(instance.n, instance.linear, instance.rows, instance.cols, instance.values,
                             instance.offset, instance.vartype, instance.labels, stem, instance.file_format)


def _first_content_line(text: str) -> str:
    """The first line that is neither blank nor a ``c``/``#`` comment (read lazily: files can be large)."""
    for line in io.StringIO(text):
        line = line.strip()
        if line and line[0] not in "c#":
            return line
    return ""


# ---------------------------------------------------------------------------------------------- data lines
class _DataLines:
    """The ``i j value`` lines of a text: parsed at once by numpy, and line by line only to explain an error.

    ``np.loadtxt`` (a C parser) reads two million lines in about a second; when it refuses the text, or a
    check on the arrays fails, the slow scan finds the offending line so that the message can name it.
    """

    def __init__(self, body: str, first_line: int, comment: str, name: str, what: str):
        self.body, self.first_line, self.comment, self.name, self.what = body, first_line, comment, name, what
        self._line_numbers = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # an empty body is fine here (counts are checked later)
                table = np.loadtxt(io.StringIO(body), dtype=_TRIPLET, comments=comment, ndmin=1)
        except (ValueError, OverflowError) as error:
            self._scan()  # raises the InputError that names the line
            raise InputError(f"{name}: cannot read the {what} lines ({error})") from None
        self.i, self.j, self.values = table["i"], table["j"], table["value"]

    def _scan(self):
        """Parse line by line, raising on the first malformed line; returns the line number of each row."""
        numbers = []
        for offset, raw in enumerate(self.body.split("\n")):
            # cut at the comment character as np.loadtxt does, so that both see the same rows
            line = raw.split(self.comment, 1)[0].strip()
            if not line:
                continue
            number = self.first_line + offset
            fields = line.split()
            if fields[0] == "p" and self.comment == "c":
                raise InputError(f"{self.name}:{number}: a second program line 'p ...'; there is one, before the "
                                 "data")
            if len(fields) != 3:
                raise InputError(f"{self.name}:{number}: a {self.what} line must be 'i j value' (3 fields), got "
                                 f"{len(fields)}: {_shorten(raw.strip())}")
            for field in fields[:2]:
                try:
                    int(field)
                except ValueError:
                    raise InputError(f"{self.name}:{number}: variable {field!r} is not an integer in "
                                     f"{_shorten(raw.strip())}") from None
            try:
                float(fields[2])
            except ValueError:
                raise InputError(f"{self.name}:{number}: value {fields[2]!r} is not a number in "
                                 f"{_shorten(raw.strip())}") from None
            numbers.append(number)
        return numbers

    def line(self, row: int) -> int:
        """The file line of data row ``row``."""
        if self._line_numbers is None:
            self._line_numbers = self._scan()
        return self._line_numbers[row]

    def check_finite(self):
        bad = np.flatnonzero(~np.isfinite(self.values))
        if bad.size:
            row = int(bad[0])
            raise InputError(f"{self.name}:{self.line(row)}: value {self.values[row]} is not finite")

    def check_range(self, low: int, high: int, rule: str):
        """Every id in ``low..high``, else an error naming the first line that breaks it."""
        outside = (self.i < low) | (self.i > high) | (self.j < low) | (self.j > high)
        bad = np.flatnonzero(outside)
        if bad.size:
            row = int(bad[0])
            value = self.i[row] if not low <= self.i[row] <= high else self.j[row]
            raise InputError(f"{self.name}:{self.line(row)}: variable {value} is out of range {low}..{high} "
                             f"({rule})")

    def first_repeat(self, keys: np.ndarray):
        """``(row of the first repeat, row of its first occurrence)`` among ``keys``, or None."""
        _, first, counts = np.unique(keys, return_index=True, return_counts=True)
        if np.all(counts == 1):
            return None
        seen = {}
        for row, key in enumerate(keys.tolist()):
            if key in seen:
                return row, seen[key]
            seen[key] = row
        return None  # unreachable: np.unique found a repeat


# ---------------------------------------------------------------------------------------------- qbsolv .qubo
def parse_qbsolv(text: str, name: str = "<string>") -> QuadraticInstance:
    """Parse a qbsolv ``.qubo`` file given as a string (see the module docstring for the format).

    Parameters
    ----------
    text : str
        ``c`` comments, the program line ``p qubo topology maxNodes nNodes nCouplers``, then ``nNodes``
        diagonal lines ``i i value`` and ``nCouplers`` coupler lines ``i j value`` (0-based ids).
    name : str
        Label used in error messages and as the record's name.

    Returns
    -------
    QuadraticInstance
        Binary, ``n = maxNodes``.

    Raises
    ------
    InputError
        On a missing, late, repeated or malformed program line, a malformed data line, an id outside
        ``0..maxNodes-1``, a repeated node or coupler, a value that is not finite, or counts of diagonal and
        coupler lines that differ from ``nNodes`` and ``nCouplers``. The message names the line.

    Examples
    --------
    >>> text = "c two nodes\\np qubo 0 2 2 1\\n0 0 -1\\n1 1 -1\\n0 1 3\\n"
    >>> instance = parse_qbsolv(text)
    >>> instance.n, instance.linear.tolist(), instance.values.tolist()
    (2, [-1.0, -1.0], [3.0])
    >>> parse_qbsolv("p qubo 0 2 1 0\\n0 2 1.5\\n", name="bad.qubo")
    Traceback (most recent call last):
    ...
    hopopt.errors.InputError: bad.qubo:2: variable 2 is out of range 0..1 (node ids are below maxNodes = 2)
    """
    # the program line: the first line that is not blank or a comment (read lazily: files can be large)
    start = 0
    program = None
    line_number = 0
    for line_number, raw in enumerate(io.StringIO(text), start=1):
        start += len(raw)
        line = raw.strip()
        if line and line[0] != "c":
            program = line
            break
    if program is None:
        raise InputError(f"{name}: no program line 'p qubo topology maxNodes nNodes nCouplers' (the file is "
                         "empty or only comments)")
    fields = program.split()
    if fields[0] != "p":
        raise InputError(f"{name}:{line_number}: the program line 'p qubo topology maxNodes nNodes nCouplers' "
                         f"must come before the data, got {_shorten(program)}")
    try:
        if len(fields) != 6 or fields[1] != "qubo":
            raise ValueError
        max_nodes, nodes, couplers = (int(value) for value in fields[3:])
    except ValueError:
        raise InputError(f"{name}:{line_number}: the program line must be 'p qubo topology maxNodes nNodes "
                         f"nCouplers' with integer counts, got {_shorten(program)}") from None
    if not 1 <= max_nodes <= _LARGEST_N:
        raise InputError(f"{name}:{line_number}: maxNodes (the number of variables) must be in 1..{_LARGEST_N}, "
                         f"got {max_nodes}")
    if nodes < 0 or couplers < 0:
        raise InputError(f"{name}:{line_number}: nNodes and nCouplers must be at least 0, got {nodes} and "
                         f"{couplers}")
    program_line = line_number
    data = _DataLines(text[start:], program_line + 1, "c", name, "node or coupler")
    data.check_finite()
    data.check_range(0, max_nodes - 1, f"node ids are below maxNodes = {max_nodes}")
    diagonal = data.i == data.j
    low, high = np.minimum(data.i, data.j), np.maximum(data.i, data.j)
    repeat = data.first_repeat(low * max_nodes + high)
    if repeat is not None:
        row, first = repeat
        what = f"node {data.i[row]}" if diagonal[row] else f"coupler ({low[row]}, {high[row]})"
        raise InputError(f"{name}:{data.line(row)}: {what} appears a second time (first on line "
                         f"{data.line(first)}); qbsolv files list each once")
    found_nodes, found_couplers = int(diagonal.sum()), int((~diagonal).sum())
    if (found_nodes, found_couplers) != (nodes, couplers):
        raise InputError(f"{name}:{program_line}: the program line says nNodes = {nodes} and nCouplers = "
                         f"{couplers}, the file has {found_nodes} diagonal and {found_couplers} coupler lines")
    offset = _offset_comment(text, "c", _QBSOLV_OFFSET, name)
    linear = np.zeros(max_nodes)
    linear[data.i[diagonal]] = data.values[diagonal]
    pairs = np.stack([data.i[~diagonal], data.j[~diagonal]], axis=1)
    return QuadraticInstance.from_terms(max_nodes, linear, pairs, data.values[~diagonal], offset, "binary",
                                        None, name, "qbsolv")


def _comment_lines(text: str, mark: str):
    """``(line number, line)`` of each line whose first non-blank character is ``mark``.

    Found from the occurrences of ``mark`` rather than by a pattern tried at every line start: data files
    have millions of lines and a handful of comments.
    """
    line_number, counted_to, position = 1, 0, text.find(mark)
    while position != -1:
        start = text.rfind("\n", 0, position) + 1
        end = text.find("\n", position)
        end = len(text) if end == -1 else end
        if not text[start:position].strip():
            line_number += text.count("\n", counted_to, start)
            counted_to = start
            yield line_number, text[start:end]
        position = text.find(mark, end)


def _offset_comment(text: str, mark: str, pattern, name: str) -> float:
    """The sum of the ``offset=VALUE`` comments (hopopt's extension; usually none, at most one)."""
    offset = 0.0
    for line_number, line in _comment_lines(text, mark):
        match = pattern.match(line)
        if match is None:
            continue
        try:
            value = float(match.group(1))
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise InputError(f"{name}:{line_number}: the offset comment must give a finite number, got "
                             f"{match.group(1)!r}")
        offset += value
    return offset


def read_qbsolv(source: PathLike) -> QuadraticInstance:
    """Read a qbsolv ``.qubo`` file (see :func:`parse_qbsolv`); the record is named after the file stem.

    Parameters
    ----------
    source : str or os.PathLike
        Path of the ``.qubo`` file.

    Returns
    -------
    QuadraticInstance
        The binary model's terms, named after the file stem.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from hopopt.io import QuadraticInstance
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pair.qubo"
    >>> write_qbsolv(path, QuadraticInstance.from_terms(2, [-1, -1], [[0, 1]], [3]))
    >>> read_qbsolv(path)
    QuadraticInstance(name='pair', n=2, pairs=1, vartype='binary', offset=0)
    """
    data, label, stem = _read_bytes(source)
    return _named(parse_qbsolv(_decode(data, label), name=label), stem)


# ---------------------------------------------------------------------------------------------- COO
def parse_coo(text: str, name: str = "<string>", vartype: str = "binary") -> QuadraticInstance:
    """Parse dimod's COO text (``i j bias`` lines) given as a string (see the module docstring).

    Parameters
    ----------
    text : str
    name : str
        Label used in error messages and as the record's name.
    vartype : {"binary", "spin"}
        The variables' type when the text has no ``# vartype=…`` header.

    Returns
    -------
    QuadraticInstance
        Variables: the labels that appear, in increasing order (``labels`` set unless they are ``0..n-1``).

    Raises
    ------
    InputError
        On a malformed line, a negative label, a bias that is not finite, an unknown vartype header, or no
        data at all. The message names the line.

    Examples
    --------
    >>> instance = parse_coo("0 0 -1\\n0 1 1\\n1 2 -4.5\\n")
    >>> instance.n, instance.vartype, instance.linear.tolist(), instance.values.tolist()
    (3, 'binary', [-1.0, 0.0, 0.0], [1.0, -4.5])
    >>> parse_coo("# vartype=SPIN\\n1 1 0.5\\n1 3 2\\n").labels
    (1, 3)
    >>> parse_coo("0 1\\n", name="short.coo")
    Traceback (most recent call last):
    ...
    hopopt.errors.InputError: short.coo:1: a COO line must be 'i j value' (3 fields), got 2: '0 1'
    """
    declared = None
    for line, comment in _comment_lines(text, "#"):
        header = _COO_VARTYPE.match(comment)
        if header is None:
            continue
        value = header.group(1).lower()
        if value not in _VARTYPES:
            raise InputError(f"{name}:{line}: the vartype header must say SPIN or BINARY, got {header.group(1)!r}")
        if declared is not None and value != declared:
            raise InputError(f"{name}:{line}: a second vartype header says {value.upper()}, the first said "
                             f"{declared.upper()}")
        declared = value
    vartype = declared or _check_vartype(vartype)
    offset = _offset_comment(text, "#", _COO_OFFSET, name)
    data = _DataLines(text, 1, "#", name, "COO")
    if data.i.size == 0:
        raise InputError(f"{name}: no 'i j bias' lines (the file is empty or only comments)")
    data.check_finite()
    negative = np.flatnonzero((data.i < 0) | (data.j < 0))
    if negative.size:
        row = int(negative[0])
        raise InputError(f"{name}:{data.line(row)}: variable labels must be non-negative integers, got "
                         f"{min(data.i[row], data.j[row])}")
    largest = int(max(data.i.max(), data.j.max()))
    if largest < 4 * data.i.size + 1024:
        # labels are usually 0..n-1 or close: mark them in an array rather than sorting two million ids
        present = np.zeros(largest + 1, dtype=bool)
        present[data.i] = present[data.j] = True
        labels = np.flatnonzero(present)
    else:
        labels = np.unique(np.concatenate([data.i, data.j]))
    n = int(labels.size)
    contiguous = labels[-1] == n - 1
    first, second = (data.i, data.j) if contiguous else (np.searchsorted(labels, data.i),
                                                          np.searchsorted(labels, data.j))
    diagonal = first == second
    linear = np.zeros(n)
    np.add.at(linear, first[diagonal], data.values[diagonal])
    pairs = np.stack([first[~diagonal], second[~diagonal]], axis=1)
    return QuadraticInstance.from_terms(n, linear, pairs, data.values[~diagonal], offset, vartype,
                                        None if contiguous else tuple(int(label) for label in labels), name,
                                        "coo")


def read_coo(source: PathLike, vartype: str = "binary") -> QuadraticInstance:
    """Read a COO text file (see :func:`parse_coo`); the record is named after the file stem.

    Parameters
    ----------
    source : str or os.PathLike
    vartype : {"binary", "spin"}
        The variables' type when the file has no ``# vartype=…`` header.

    Returns
    -------
    QuadraticInstance

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from hopopt.io import QuadraticInstance
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pair.coo"
    >>> write_coo(path, QuadraticInstance.from_terms(2, [0.5, 0], [[0, 1]], [-1], vartype="spin"))
    >>> read_coo(path).energy([1, 1])
    -0.5
    """
    data, label, stem = _read_bytes(source)
    return _named(parse_coo(_decode(data, label), name=label, vartype=vartype), stem)


# ---------------------------------------------------------------------------------------------- numpy
def _matrix(array, label, key):
    """A finite, real, square, non-empty matrix from an ``.npy``/``.npz`` array, as float64."""
    array = np.asarray(array)
    if array.dtype.kind not in "biuf":
        raise InputError(f"{label}: {key} must hold real numbers, got dtype {array.dtype}")
    if array.ndim != 2 or array.shape[0] != array.shape[1] or array.shape[0] == 0:
        raise InputError(f"{label}: {key} must be a non-empty square matrix, got shape {array.shape}")
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        row, col = (int(v) for v in np.argwhere(~np.isfinite(array))[0])
        raise InputError(f"{label}: {key}[{row}, {col}] = {array[row, col]} is not finite")
    return array


def _from_matrix(matrix, linear, offset, vartype, stem, file_format):
    """The record of ``vᵀMv + linear·v + offset``: pair i < j gets ``M_ij + M_ji``, the diagonal is a square."""
    n = matrix.shape[0]
    pair_sums = np.triu(matrix, 1) + np.triu(matrix.T, 1)
    rows, cols = np.nonzero(pair_sums)
    squares = np.arange(n)
    pairs = np.concatenate([np.stack([rows, cols], axis=1), np.stack([squares, squares], axis=1)])
    values = np.concatenate([pair_sums[rows, cols], np.diagonal(matrix)])
    return QuadraticInstance.from_terms(n, linear, pairs, values, offset, vartype, None, stem, file_format)


def read_numpy_quadratic(source: PathLike, vartype: str = "binary") -> QuadraticInstance:
    """Read an ``.npy`` matrix (``Q`` or ``J`` by ``vartype``) or an ``.npz`` with ``Q`` or ``h``/``J``.

    See the module docstring for the conventions (``xᵀQx``, ``hᵀs + sᵀJs``, an optional scalar ``offset``).

    Parameters
    ----------
    source : str or os.PathLike
        An ``.npy`` or ``.npz`` file.
    vartype : {"binary", "spin"}
        Whether an ``.npy`` matrix is ``Q`` (binary) or ``J`` (spin).

    Returns
    -------
    QuadraticInstance

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import numpy as np
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> np.save(folder / "q.npy", np.array([[-1, 2], [0, -1]]))
    >>> read_numpy_quadratic(folder / "q.npy").energy([1, 1])
    0.0
    >>> np.savez(folder / "ising.npz", h=[0.5, 0], J=[[0, -1], [0, 0]], offset=1.0)
    >>> read_numpy_quadratic(folder / "ising.npz").energy([1, 1])
    0.5
    """
    vartype = _check_vartype(vartype)
    data, label, stem = _read_bytes(source)
    if not (data.startswith(_NPY_MAGIC) or data.startswith(_ZIP_MAGIC)):
        raise InputError(f"{label}: not a numpy .npy or .npz file")
    return _numpy_from_bytes(data, label, stem, vartype)


def _numpy_from_bytes(data, label, stem, vartype):
    try:
        # a damaged header (negative dimensions) makes numpy's size product warn on stderr before it raises
        with np.errstate(all="ignore"):
            loaded = np.load(io.BytesIO(data), allow_pickle=False)
    except ValueError as error:
        raise InputError(f"{label}: cannot load the arrays without pickle ({error})") from None
    except Exception as error:  # noqa: BLE001 - numpy raises many kinds on damaged files; all are bad input
        raise InputError(f"{label}: not a readable numpy file ({type(error).__name__}: {error})") from None
    if isinstance(loaded, np.ndarray):
        matrix = _matrix(loaded, label, "Q" if vartype == "binary" else "J")
        return _from_matrix(matrix, np.zeros(matrix.shape[0]), 0.0, vartype, stem, "npy")
    with loaded:
        try:
            with np.errstate(all="ignore"):
                arrays = {key: loaded[key] for key in loaded.files}
        except ValueError as error:
            raise InputError(f"{label}: cannot load the arrays without pickle ({error})") from None
        except Exception as error:  # noqa: BLE001 - a damaged member of the zip file
            raise InputError(f"{label}: not a readable .npz file ({type(error).__name__}: {error})") from None
    keys = set(arrays)
    unknown = keys - {"Q", "h", "J", "offset"}
    if unknown or not keys & {"Q", "h", "J"} or ("Q" in keys and keys & {"h", "J"}):
        raise InputError(f"{label}: an .npz needs 'Q' (a QUBO) or 'h' and/or 'J' (an Ising model), and "
                         f"optionally 'offset'; it has {', '.join(sorted(keys)) or 'no arrays'}")
    offset = 0.0
    if "offset" in keys:
        value = np.asarray(arrays["offset"])
        if value.size != 1 or value.dtype.kind not in "biuf" or not np.isfinite(value).all():
            raise InputError(f"{label}: offset must be one finite number, got {value.tolist()!r}")
        offset = float(value.reshape(-1)[0])
    if "Q" in keys:
        matrix = _matrix(arrays["Q"], label, "Q")
        return _from_matrix(matrix, np.zeros(matrix.shape[0]), offset, "binary", stem, "npz")
    h = None
    if "h" in keys:
        h = np.asarray(arrays["h"])
        if h.dtype.kind not in "biuf" or h.ndim != 1 or h.size == 0 or not np.isfinite(h).all():
            raise InputError(f"{label}: h must be a non-empty vector of finite numbers, got shape {h.shape} and "
                             f"dtype {h.dtype}")
    matrix = _matrix(arrays["J"], label, "J") if "J" in keys else np.zeros((h.size, h.size))
    if h is None:
        h = np.zeros(matrix.shape[0])
    if h.size != matrix.shape[0]:
        raise InputError(f"{label}: h has {h.size} entries but J is {matrix.shape[0]}×{matrix.shape[0]}")
    return _from_matrix(matrix, h.astype(np.float64), offset, "spin", stem, "npz")


# ---------------------------------------------------------------------------------------------- dimod BQM
def read_bqm(source: PathLike) -> QuadraticInstance:
    """Read a dimod BQM file (``BinaryQuadraticModel.to_file()`` output); needs dimod.

    Variables labelled ``0..n-1`` (in any order) keep their numbers; otherwise positions follow the BQM's
    variable order and ``labels`` holds the labels. The biases come from dimod's own
    ``to_numpy_vectors``, so nothing is rounded.

    Parameters
    ----------
    source : str or os.PathLike
        Path of the BQM file.

    Returns
    -------
    QuadraticInstance
        The model's terms, named after the file stem.

    Examples
    --------
    >>> import pathlib, shutil, tempfile
    >>> import dimod
    >>> bqm = dimod.BinaryQuadraticModel({"a": 1, "b": -1}, {("a", "b"): 0.5}, 0.25, "SPIN")
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.bqm"
    >>> with open(path, "wb") as handle:
    ...     shutil.copyfileobj(bqm.to_file(), handle)
    >>> instance = read_bqm(path)
    >>> instance.labels, instance.vartype, instance.energy([1, -1]) == float(bqm.energy({"a": 1, "b": -1}))
    (('a', 'b'), 'spin', True)
    """
    data, label, stem = _read_bytes(source)
    if not data.startswith(_BQM_MAGIC):
        raise InputError(f"{label}: not a dimod BQM file (it does not start with {_BQM_MAGIC.decode()})")
    return _bqm_from_bytes(data, label, stem)


def _bqm_from_bytes(data, label, stem):
    try:
        import dimod
    except ImportError:
        raise InputError(f"{label}: reading a dimod BQM file needs dimod: pip install 'hopopt[peers]'") from None
    _check_bqm_layout(data, label)
    try:
        bqm = dimod.BinaryQuadraticModel.from_file(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 - dimod raises many kinds on damaged files; all are bad input
        raise InputError(f"{label}: not a readable dimod BQM file ({type(error).__name__}: {error})") from None
    variables = list(bqm.variables)
    n = len(variables)
    if n == 0:
        raise InputError(f"{label}: the BQM has no variables")
    numbered = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in variables) and \
        set(variables) == set(range(n))
    order = list(range(n)) if numbered else variables
    linear, (rows, cols, values), offset = bqm.to_numpy_vectors(variable_order=order)
    vartype = "spin" if bqm.vartype is dimod.SPIN else "binary"
    pairs = np.stack([np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)], axis=1)
    return QuadraticInstance.from_terms(n, linear, pairs, values, float(offset), vartype,
                                        None if numbered else tuple(variables), stem, "bqm")


def _check_bqm_layout(data: bytes, label: str) -> None:
    """Walk a BQM file's header, linear and quadratic sections as dimod's ``from_file`` (versions 1-2) will.

    dimod trusts the neighbour indices it reads and hands them to C++ unchecked: a damaged file (one flipped
    byte in an index) crashed the whole process with a segmentation fault in the fuzzing campaign. So every
    size, type and index is checked here first, and dimod only ever sees a file whose structure is sound.
    """
    def bad(why):
        return InputError(f"{label}: not a readable dimod BQM file ({why})")

    position = len(_BQM_MAGIC)
    if len(data) < position + 6:
        raise bad("the header is cut short")
    version = tuple(data[position:position + 2])
    header_length = int.from_bytes(data[position + 2:position + 6], "little")
    position += 6
    if version >= (3, 0) or version < (1, 0):
        raise bad(f"format version {version[0]}.{version[1]} is not one hopopt reads (1.x or 2.x)")
    try:
        header = json.loads(data[position:position + header_length].decode("ascii"))
        shape = header["shape"]
        n, n_interactions = int(shape[0]), int(shape[1])
        kinds = {key: np.dtype(header[key]) for key in ("dtype", "itype", "ntype")}
        header["vartype"], header["variables"]
    except Exception as error:  # noqa: BLE001 - any damage to the header is bad input
        raise bad(f"damaged header: {type(error).__name__}: {error}") from None
    position += header_length
    if not isinstance(header, dict) or header.get("vartype") not in ("SPIN", "BINARY"):
        raise bad("the header's vartype is neither SPIN nor BINARY")
    if kinds["dtype"] not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise bad(f"bias type {kinds['dtype']} is not float32 or float64")
    if kinds["itype"].kind not in "iu" or kinds["ntype"].kind not in "iu":
        raise bad("index types must be integers")
    if n < 0 or n_interactions < 0 or n_interactions > n * (n - 1) // 2:
        raise bad(f"impossible shape: {n} variables with {n_interactions} interactions")
    linear_type = np.dtype([("nidx", kinds["ntype"]), ("bias", kinds["dtype"])])
    quadratic_type = np.dtype([("outvar", kinds["itype"]), ("bias", kinds["dtype"])])
    position += kinds["dtype"].itemsize  # the offset
    if n == 0:
        return
    if len(data) < position + n * linear_type.itemsize:
        raise bad("the file ends inside the linear biases")
    linear = np.frombuffer(data, dtype=linear_type, count=n, offset=position)
    position += n * linear_type.itemsize
    starts = linear["nidx"].astype(np.int64)
    ends = np.append(starts[1:], 2 * n_interactions)
    if starts[0] != 0 or np.any(ends < starts):
        raise bad("the neighbourhood starts are not increasing from 0")
    if len(data) < position + 2 * n_interactions * quadratic_type.itemsize:
        raise bad("the file ends inside the quadratic biases")
    neighbours = np.frombuffer(data, dtype=quadratic_type, count=2 * n_interactions, offset=position)["outvar"]
    neighbours = neighbours.astype(np.int64)
    if np.any(neighbours < 0) or np.any(neighbours >= n):
        raise bad("a neighbour index is out of range")
    owners = np.repeat(np.arange(n), ends - starts)
    if np.any(neighbours == owners):
        raise bad("a variable is its own neighbour")
    for variable in range(n):  # dimod keeps the lower triangle by a binary search: neighbours must be sorted
        row = neighbours[starts[variable]:ends[variable]]
        if np.any(row[1:] <= row[:-1]):
            raise bad(f"the neighbours of variable {variable} are not strictly increasing")


# ---------------------------------------------------------------------------------------------- writing
def _format_bias(value: float) -> str:
    """A bias in the shortest form that reads back exactly and that dimod's COO pattern accepts (no exponent)."""
    if value.is_integer() and abs(value) < _EXACT_INTEGER_LIMIT:
        return str(int(value))
    text = repr(value)
    if "e" in text:
        text = np.format_float_positional(value, unique=True, trim="-")
    return text


def write_qbsolv(path: PathLike, instance: QuadraticInstance) -> None:
    """Write a binary record as a qbsolv ``.qubo`` file.

    Every variable gets its diagonal line (zeros included, so ``nNodes = maxNodes = n``), every pair one
    coupler line ``i j value`` with ``i < j``, values in a form that reads back exactly. A non-zero offset is
    written as the comment ``c offset=VALUE``. Labels are not written (qbsolv numbers nodes ``0..n-1``).

    Parameters
    ----------
    path : str or os.PathLike
    instance : QuadraticInstance
        A binary record.

    Raises
    ------
    ValueError
        For a spin record: qbsolv files hold QUBOs (convert the model to binary variables first, e.g.
        ``Ising.to_instance("binary")``).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from hopopt.io import QuadraticInstance
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pair.qubo"
    >>> write_qbsolv(path, QuadraticInstance.from_terms(2, [-1, 0.5], [[0, 1]], [3], offset=2))
    >>> print(path.read_text(), end="")
    c written by hopopt: quadratic
    c offset=2
    p qubo 0 2 2 1
    0 0 -1
    1 1 0.5
    0 1 3
    """
    if instance.vartype != "binary":
        raise ValueError("qbsolv .qubo files hold QUBOs (binary variables); this record is spin: convert it "
                         "first (e.g. Ising.to_instance('binary'))")
    lines = [f"c written by hopopt: {instance.name}"]
    if instance.offset != 0:
        lines.append(f"c offset={_format_bias(instance.offset)}")
    lines.append(f"p qubo 0 {instance.n} {instance.n} {instance.n_pairs}")
    lines.extend(f"{i} {i} {_format_bias(value)}" for i, value in enumerate(instance.linear.tolist()))
    lines.extend(f"{i} {j} {_format_bias(value)}" for i, j, value in
                 zip(instance.rows.tolist(), instance.cols.tolist(), instance.values.tolist()))
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_coo(path: PathLike, instance: QuadraticInstance, vartype_header: bool = True) -> None:
    """Write a record as dimod COO text: ``i i bias`` and ``i j bias`` lines, sorted, with a vartype header.

    Labels are written where the record has them (they must be non-negative integers; COO holds no other
    labels). A variable with no bias and no coupling gets a line ``i i 0`` so that it is not lost. A non-zero
    offset is written as ``# offset=VALUE``. dimod's ``coo.load`` reads the file back to the same BQM (less
    the offset, which dimod ignores).

    Parameters
    ----------
    path : str or os.PathLike
    instance : QuadraticInstance
        The record to write (as :func:`read_coo`, :func:`read_qbsolv` and the other readers return).
    vartype_header : bool, default True
        Write the ``# vartype=SPIN`` or ``# vartype=BINARY`` line that tells a reader which the variables are.

    Raises
    ------
    ValueError
        When the record's labels are not non-negative integers.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from hopopt.io import QuadraticInstance
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pair.coo"
    >>> write_coo(path, QuadraticInstance.from_terms(3, [-1, 0, 0], [[0, 1]], [0.25], vartype="spin"))
    >>> print(path.read_text(), end="")
    # vartype=SPIN
    0 0 -1
    0 1 0.25
    2 2 0
    """
    labels = list(range(instance.n)) if instance.labels is None else list(instance.labels)
    if not all(isinstance(label, (int, np.integer)) and not isinstance(label, bool) and label >= 0
               for label in labels):
        raise ValueError("COO files label variables with non-negative integers; this record's labels are not "
                         "all such integers")
    labels = [int(label) for label in labels]
    touched = np.zeros(instance.n, dtype=bool)
    touched[instance.rows] = touched[instance.cols] = True
    diagonal = np.flatnonzero((instance.linear != 0) | ~touched)
    rows = np.concatenate([diagonal, instance.rows])
    cols = np.concatenate([diagonal, instance.cols])
    values = np.concatenate([instance.linear[diagonal], instance.values])
    order = np.lexsort((cols, rows))
    lines = []
    if vartype_header:
        lines.append(f"# vartype={instance.vartype.upper()}")
    if instance.offset != 0:
        lines.append(f"# offset={_format_bias(instance.offset)}")
    lines.extend(f"{labels[i]} {labels[j]} {_format_bias(value)}" for i, j, value in
                 zip(rows[order].tolist(), cols[order].tolist(), values[order].tolist()))
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
