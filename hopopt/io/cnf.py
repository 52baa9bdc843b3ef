"""DIMACS CNF and weighted WCNF formulas: :func:`parse_cnf`, :func:`read_cnf`, :func:`write_cnf`.

Formats
-------
* **cnf** (DIMACS, SATLIB): ``c`` comment lines, one problem line ``p cnf V C``, then ``C`` clauses, each a list
  of non-zero literals ``±1..±V`` ended by ``0``. A clause may span lines and a line may hold several clauses.
  SATLIB files end with a ``%`` line (followed by a stray ``0``): reading stops at a line starting with ``%``.
* **wcnf** (MaxSAT Evaluations up to 2021): problem line ``p wcnf V C [top]``; each clause starts with its
  weight (a positive number). A clause whose weight is at least ``top`` is *hard* (must be satisfied); without
  ``top`` every clause is soft.
* **wcnf** (MaxSAT Evaluations from 2022): no problem line; each clause starts with ``h`` (hard) or its weight.
  A file without a problem line is read this way when its first clause starts with ``h`` or its name ends
  with ``.wcnf``; V is the largest variable that occurs.

Records are :class:`CNFInstance`: literals are kept as in the file (signed, 1-based), because that is how
every SAT tool writes them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError
from ._text import MAX_DECLARED_SIZE, PathLike, _format_weight, _read_text, _shorten

__all__ = ["CNFInstance", "parse_cnf", "read_cnf", "write_cnf"]


@dataclass(frozen=True, eq=False)
class CNFInstance:
    """A formula read from a file: clauses of signed 1-based literals, with weights and hard flags.

    Parameters
    ----------
    n_variables : int
        V: variables are ``1..V``.
    clauses : tuple of tuple of int
        Each clause's literals as in the file (``-3`` is "not x3"), in file order; repeats are kept.
    weights : numpy.ndarray of float64
        One weight per clause (1 for a plain cnf file; the stated weight for a hard clause of a wcnf file).
    hard : numpy.ndarray of bool
        One flag per clause: True for a clause that must be satisfied.
    name : str
        A label, usually the file stem.
    weighted : bool
        True when the file was a wcnf file.

    Examples
    --------
    >>> formula = CNFInstance(2, ((1, -2), (2,)), [1.0, 3.0], [False, False], "tiny")
    >>> formula.n_clauses, formula.weights.tolist()
    (2, [1.0, 3.0])
    """

    n_variables: int
    clauses: tuple
    weights: np.ndarray
    hard: np.ndarray
    name: str = "<string>"
    weighted: bool = False

    def __post_init__(self):
        clauses = tuple(tuple(int(literal) for literal in clause) for clause in self.clauses)
        weights = np.array(self.weights, dtype=np.float64).reshape(-1)
        hard = np.array(self.hard, dtype=bool).reshape(-1)
        if weights.shape != (len(clauses),) or hard.shape != (len(clauses),):
            raise InputError(f"{self.name}: need one weight and one hard flag per clause ({len(clauses)}), got "
                             f"{weights.size} weights and {hard.size} flags")
        weights.flags.writeable = False
        hard.flags.writeable = False
        object.__setattr__(self, "clauses", clauses)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "hard", hard)

    @property
    def n_clauses(self) -> int:
        """C: the number of clauses."""
        return len(self.clauses)


class _Clauses:
    """Collects the clauses of a token stream: weights first where the format has them, literals up to 0."""

    def __init__(self, name, weighted, top, limit):
        self.name, self.weighted, self.top, self.limit = name, weighted, top, limit
        self.clauses, self.weights, self.hard = [], [], []
        self.literals, self.weight, self.is_hard, self.started = [], None, False, None
        self.largest = 0

    def feed(self, line_number, token, line):
        if self.started is None:
            self.started = line_number
            if self.weighted:  # the first token of a weighted clause is its weight (or h)
                self._weight(line_number, token, line)
                return
        try:
            literal = int(token)
        except ValueError:
            raise InputError(f"{self.name}:{line_number}: literals must be integers, got {token!r} in "
                             f"{_shorten(line)}") from None
        if literal == 0:
            self.clauses.append(tuple(self.literals))
            self.weights.append(1.0 if self.weight is None else self.weight)
            self.hard.append(self.is_hard)
            self.literals, self.weight, self.is_hard, self.started = [], None, False, None
            return
        if self.limit is not None and abs(literal) > self.limit:
            raise InputError(f"{self.name}:{line_number}: literal {literal} names variable {abs(literal)}, "
                             f"outside 1..{self.limit}")
        if self.limit is None and abs(literal) > MAX_DECLARED_SIZE:
            # without a problem line the largest literal is the number of variables: 10**30 overflowed int64
            # in the encoder (status 1), and 10**8 variables is more than any formula the readers take
            raise InputError(f"{self.name}:{line_number}: literal {literal} names variable {abs(literal)}, more "
                             f"than the readers accept (at most {MAX_DECLARED_SIZE}); is it damaged?")
        self.largest = max(self.largest, abs(literal))
        self.literals.append(literal)

    def _weight(self, line_number, token, line):
        if token == "h" and self.top is None:
            self.is_hard, self.weight = True, 1.0
            return
        try:
            weight = float(token)
        except ValueError:
            raise InputError(f"{self.name}:{line_number}: a weighted clause starts with its weight (or h), got "
                             f"{token!r} in {_shorten(line)}") from None
        if not math.isfinite(weight) or weight <= 0:
            raise InputError(f"{self.name}:{line_number}: clause weights must be positive and finite, got "
                             f"{token!r}")
        self.weight = weight
        self.is_hard = self.top is not None and self.top is not _NO_TOP and weight >= self.top


# a ``p wcnf V C`` line without top: every clause is soft, and ``h`` is not a weight
_NO_TOP = object()


def parse_cnf(text: str, name: str = "<string>") -> CNFInstance:
    """Parse a DIMACS cnf or a wcnf formula given as a string (see the module docstring for the formats).

    Parameters
    ----------
    text : str
        The file contents.
    name : str, optional
        Label used in error messages and as the record's name; a name ending in ``.wcnf`` lets a file without
        a problem line be read as the 2022 WCNF format.

    Returns
    -------
    CNFInstance

    Raises
    ------
    InputError
        On a malformed, repeated or late problem line, a literal that is not an integer or names a variable
        outside ``1..V``, a weight that is not a positive number, a last clause not ended by ``0``, a number
        of clauses other than ``C``, or a file without clauses or problem line. The message names the line.

    Examples
    --------
    >>> formula = parse_cnf("c two clauses, one over two lines\\np cnf 3 2\\n1 -3 0 2\\n3 -1 0\\n")
    >>> formula.n_variables, formula.clauses
    (3, ((1, -3), (2, 3, -1)))
    >>> weighted = parse_cnf("p wcnf 2 3 10\\n10 1 2 0\\n3 -1 0\\n1 -2 0\\n")
    >>> weighted.weights.tolist(), weighted.hard.tolist()
    ([10.0, 3.0, 1.0], [True, False, False])
    >>> parse_cnf("p cnf 2 1\\n1 5 0\\n", name="bad.cnf")
    Traceback (most recent call last):
    ...
    hopopt.errors.InputError: bad.cnf:2: literal 5 names variable 5, outside 1..2
    """
    collector = None
    problem_line = declared_clauses = None
    for line_number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line[0] == "c":
            continue
        if line[0] == "%":  # SATLIB's end marker: what follows (a lone 0) is not a clause
            break
        if line[0] == "p":
            if problem_line is not None:
                raise InputError(f"{name}:{line_number}: a second problem line (the first is line {problem_line})")
            if collector is not None:
                raise InputError(f"{name}:{line_number}: the problem line comes after the first clause")
            collector, declared_clauses = _problem_line(line, line_number, name)
            problem_line = line_number
            continue
        if collector is None:  # no problem line: only the 2022 WCNF format has none
            if line.split()[0] != "h" and not name.lower().endswith(".wcnf"):
                raise InputError(f"{name}:{line_number}: clause before the problem line 'p cnf V C' "
                                 f"(got {_shorten(line)})")
            collector = _Clauses(name, True, None, None)
        for token in line.split():
            collector.feed(line_number, token, line)
    if collector is None:
        raise InputError(f"{name}: no problem line 'p cnf V C' and no clauses (the file is empty or only comments)")
    if collector.started is not None:
        raise InputError(f"{name}:{collector.started}: the last clause is not ended by 0")
    if problem_line is not None and len(collector.clauses) != declared_clauses:
        raise InputError(f"{name}:{problem_line}: problem line says C = {declared_clauses} clauses, the file has "
                         f"{len(collector.clauses)}")
    if not collector.clauses:
        raise InputError(f"{name}: the formula has no clauses")
    n_variables = collector.limit if collector.limit is not None else collector.largest
    if n_variables < 1:
        raise InputError(f"{name}: the formula has no variables (every clause is empty)")
    return CNFInstance(n_variables, tuple(collector.clauses), collector.weights, collector.hard, name,
                       collector.weighted)


def _problem_line(line, line_number, name):
    fields = line.split()
    shape = "'p cnf V C' or 'p wcnf V C [top]'"
    if len(fields) < 4 or fields[1] not in ("cnf", "wcnf") or len(fields) > (5 if fields[1] == "wcnf" else 4):
        raise InputError(f"{name}:{line_number}: problem line must be {shape}, got {_shorten(line)}")
    try:
        n_variables, n_clauses = int(fields[2]), int(fields[3])
    except ValueError:
        raise InputError(f"{name}:{line_number}: V and C on the problem line must be integers, got "
                         f"{_shorten(line)}") from None
    if n_variables < 1:
        raise InputError(f"{name}:{line_number}: number of variables V must be at least 1, got {n_variables}")
    if n_clauses < 0:
        raise InputError(f"{name}:{line_number}: number of clauses C must be at least 0, got {n_clauses}")
    weighted = fields[1] == "wcnf"
    top = None
    if len(fields) == 5:
        try:
            top = float(fields[4])
        except ValueError:
            top = math.nan
        if not math.isfinite(top) or top <= 0:
            raise InputError(f"{name}:{line_number}: top (the weight of hard clauses) must be a positive number, "
                             f"got {fields[4]!r}")
    elif weighted:
        top = _NO_TOP
    return _Clauses(name, weighted, top, n_variables), n_clauses


def read_cnf(source: PathLike) -> CNFInstance:
    """Read a DIMACS ``.cnf`` or a ``.wcnf`` file.

    Parameters
    ----------
    source : str or os.PathLike
        Path of the file. Error messages name it as given.

    Returns
    -------
    CNFInstance
        Named after the file stem (``uf20-01``).

    Raises
    ------
    InputError
        If the file is missing, a directory, unreadable, not UTF-8 text, or malformed (see :func:`parse_cnf`).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tiny.cnf"
    >>> write_cnf(path, 2, [(1, 2), (-1,)])
    >>> formula = read_cnf(path)
    >>> formula.name, formula.clauses
    ('tiny', ((1, 2), (-1,)))
    """
    text, label, stem = _read_text(source)
    formula = parse_cnf(text, name=label)
    return CNFInstance(formula.n_variables, formula.clauses, formula.weights, formula.hard, stem, formula.weighted)


def write_cnf(path: PathLike, n_variables: int, clauses, weights=None, hard=None) -> None:
    """Write a formula: ``p cnf V C`` when it has no weights and no hard clauses, else ``p wcnf V C top``.

    Parameters
    ----------
    path : str or os.PathLike
        Where to write (overwritten if it exists).
    n_variables : int
        V (≥ 1); literals must lie in ``±1..±V``.
    clauses : sequence of sequence of int
        Signed 1-based literals per clause.
    weights : array_like, optional
        Positive weight per clause (soft clauses); default 1.
    hard : array_like of bool, optional
        Hard flags; hard clauses are written with weight ``top`` = 1 + the total soft weight.

    Raises
    ------
    InputError
        If the arguments break the rules above (so the file would not read back).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "w.wcnf"
    >>> write_cnf(path, 2, [(1, -2), (2,)], weights=[2, 1], hard=[False, True])
    >>> print(path.read_text(), end="")
    p wcnf 2 2 3
    2 1 -2 0
    3 2 0
    """
    if isinstance(n_variables, bool) or not isinstance(n_variables, (int, np.integer)) or n_variables < 1:
        raise InputError(f"n_variables must be an integer at least 1, got {n_variables!r}")
    clauses = [tuple(int(literal) for literal in clause) for clause in clauses]
    for index, clause in enumerate(clauses):
        for literal in clause:
            if literal == 0 or abs(literal) > n_variables:
                raise InputError(f"clauses[{index}] has literal {literal}, outside ±1..±{n_variables}")
    weighted = weights is not None or hard is not None
    weights = np.ones(len(clauses)) if weights is None else np.asarray(weights, dtype=np.float64).reshape(-1)
    hard = np.zeros(len(clauses), bool) if hard is None else np.asarray(hard, dtype=bool).reshape(-1)
    if weights.shape != (len(clauses),) or hard.shape != (len(clauses),):
        raise InputError(f"need one weight and one hard flag per clause ({len(clauses)}), got {weights.size} "
                         f"weights and {hard.size} flags")
    soft = weights[~hard]
    if not np.all(np.isfinite(soft)) or np.any(soft <= 0):
        raise InputError("soft clause weights must be positive and finite")
    if not weighted:
        lines = [f"p cnf {n_variables} {len(clauses)}"]
        lines += [" ".join(map(str, clause + (0,))) for clause in clauses]
    else:
        top = _format_weight(float(soft.sum()) + 1.0)
        lines = [f"p wcnf {n_variables} {len(clauses)} {top}"]
        for clause, weight, is_hard in zip(clauses, weights.tolist(), hard.tolist()):
            label = top if is_hard else _format_weight(weight)
            lines.append(" ".join([label, *map(str, clause), "0"]))
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
