"""Plain lists of numbers (number partitioning): :func:`parse_numbers`, :func:`read_numbers`, :func:`write_numbers`.

Format: the numbers, one per line or several per line separated by blanks (spaces, tabs); ``#`` starts a
comment that runs to the end of its line; blank lines are skipped. Integers (``17``, ``-4``) and decimal or
exponent notation (``2.5``, ``1e6``) are accepted, e.g.::

    # five numbers; the best split is {8, 7} against {6, 5, 4}: 15 against 15
    8 7 6
    5 4

There is no count line: the file is the list. Records are :class:`NumberList` with a float64 array of the values
and whether every value was written as an integer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError
from ._text import PathLike, _read_text, _shorten

__all__ = ["NumberList", "parse_numbers", "read_numbers", "write_numbers"]

# Integers beyond this magnitude are not all representable as float64; refusing them keeps every value exact.
_EXACT_INTEGER_LIMIT = 2**53


@dataclass(frozen=True, eq=False)
class NumberList:
    """Numbers read from a file.

    Parameters
    ----------
    values : numpy.ndarray of float64
        The numbers in file order (read-only).
    integers : bool
        True when every number was written as an integer (so exact integer methods apply).
    name : str
        A label, usually the file stem.

    Examples
    --------
    >>> record = NumberList([3, 1, 2], True, "small")
    >>> record.values.tolist(), record.integers
    ([3.0, 1.0, 2.0], True)
    """

    values: np.ndarray
    integers: bool
    name: str = "numbers"

    def __post_init__(self):
        values = np.array(self.values, dtype=np.float64).reshape(-1)
        values.setflags(write=False)
        # frozen dataclass: object.__setattr__ is the documented way to normalise fields in __post_init__
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "integers", bool(self.integers))
        object.__setattr__(self, "name", str(self.name))

    def __eq__(self, other):
        if not isinstance(other, NumberList):
            return NotImplemented
        return (self.name == other.name and self.integers == other.integers
                and np.array_equal(self.values, other.values))


def parse_numbers(text: str, name: str = "<string>") -> NumberList:
    """Parse a list of numbers given as a string.

    Parameters
    ----------
    text : str
        Numbers separated by blanks or newlines; ``#`` starts a comment to the end of the line.
    name : str, optional
        Label used in error messages and as the record's name.

    Returns
    -------
    NumberList

    Raises
    ------
    InputError
        When the text holds no number, a token is not a number, a number is not finite, or an integer is
        beyond ±2⁵³ (where float64 stops holding every integer exactly). The message names the line.

    Examples
    --------
    >>> record = parse_numbers("# weights\\n8 7 6\\n5 4  # last two\\n", name="five")
    >>> record.values.tolist(), record.integers
    ([8.0, 7.0, 6.0, 5.0, 4.0], True)
    >>> parse_numbers("1 2\\nthree\\n", name="bad.txt")
    Traceback (most recent call last):
    ...
    hopopt.errors.InputError: bad.txt:2: 'three' is not a number
    """
    values, integers = [], True
    for line_number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0]
        for token in content.split():
            value, is_integer = _parse_token(token, name, line_number)
            integers = integers and is_integer
            values.append(value)
    if not values:
        raise InputError(f"{name}: no numbers (the file is empty or only comments)")
    return NumberList(np.array(values, dtype=np.float64), integers, name)


def _parse_token(token: str, name: str, line_number: int) -> tuple[float, bool]:
    try:
        integer = int(token)
    except ValueError:
        integer = None
    if integer is not None:
        if abs(integer) > _EXACT_INTEGER_LIMIT:
            raise InputError(f"{name}:{line_number}: integer {_shorten(token, 30)} is beyond ±2^53, where float64 "
                             "cannot hold integers exactly")
        return float(integer), True
    try:
        value = float(token)
    except ValueError:
        raise InputError(f"{name}:{line_number}: {_shorten(token, 30)} is not a number") from None
    if not math.isfinite(value):
        raise InputError(f"{name}:{line_number}: numbers must be finite, got {_shorten(token, 30)}")
    return value, False


def read_numbers(source: PathLike) -> NumberList:
    """Read a file of numbers (see :func:`parse_numbers` for the format).

    Parameters
    ----------
    source : str or os.PathLike
        Path of the file. Error messages name it as given.

    Returns
    -------
    NumberList
        Named after the file stem.

    Raises
    ------
    InputError
        If the file is missing, a directory, unreadable, not UTF-8 text, or malformed.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "five.txt"
    >>> _ = path.write_text("8 7 6 5 4\\n")
    >>> record = read_numbers(path)
    >>> record.name, record.values.tolist()
    ('five', [8.0, 7.0, 6.0, 5.0, 4.0])
    """
    text, label, stem = _read_text(source)
    record = parse_numbers(text, name=label)
    return NumberList(record.values, record.integers, name=stem)


def write_numbers(path: PathLike, numbers) -> None:
    """Write numbers one per line: whole numbers as integers, others in shortest round-trip form.

    Parameters
    ----------
    path : str or os.PathLike
        Where to write (overwritten if it exists).
    numbers : array_like
        At least one finite number.

    Raises
    ------
    InputError
        If ``numbers`` is empty or holds a value that is not finite.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "three.txt"
    >>> write_numbers(path, [3, 1.5, 2])
    >>> print(path.read_text(), end="")
    3
    1.5
    2
    >>> read_numbers(path).values.tolist()
    [3.0, 1.5, 2.0]
    """
    try:
        values = np.asarray(numbers, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as error:
        raise InputError(f"numbers must be numeric: {error}") from None
    if values.size == 0:
        raise InputError("numbers: need at least one number, got none")
    if not np.all(np.isfinite(values)):
        bad = int(np.flatnonzero(~np.isfinite(values))[0])
        raise InputError(f"numbers[{bad}] = {values[bad]} is not finite")
    lines = [str(int(value)) if value.is_integer() and abs(value) <= _EXACT_INTEGER_LIMIT else repr(float(value))
             for value in values]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
