"""Private helpers shared by the readers and writers of :mod:`hopopt.io`.

Reading a file as text (every failure an :class:`~hopopt.errors.InputError` naming the file), decoding bytes as
UTF-8 (naming the line of the first bad byte), yielding the content lines of a text with their numbers, quoting a
line for a message, formatting weights, and listing ids for messages. No file format lives here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator, Union

from ..errors import InputError

PathLike = Union[str, "os.PathLike[str]"]

# Weights whose magnitude is below this are written as integers when they are whole numbers; beyond it a float
# may be whole without its digits meaning anything, and repr keeps the exact value anyway.
_EXACT_INTEGER_LIMIT = 2.0**53


# The most nodes, items, variables or columns a file may declare. Readers allocate arrays of the declared size
# (node weights, item values, matrices) before later lines can contradict it, so a damaged count such as
# 2147483648 would ask for gigabytes (and page through them for minutes); real instances stay far below.
MAX_DECLARED_SIZE = 10**8


def _check_declared_size(value: int, what: str, where: str) -> int:
    """Return ``value``; InputError at ``where`` (``file:line``) when it is above :data:`MAX_DECLARED_SIZE`."""
    if value > MAX_DECLARED_SIZE:
        raise InputError(f"{where}: {what} = {value} is more than the readers accept (at most "
                         f"{MAX_DECLARED_SIZE}); is the count damaged?")
    return value


def _read_text(source: PathLike) -> tuple[str, str, str]:
    """Read a text file for a parser; return ``(text, label for messages, file stem)``.

    Every way a file can fail to be read becomes an InputError, so that the command line can print one line.
    """
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
    return _decode(data, label), label, path.stem


def _decode(data: bytes, label: str) -> str:
    """Decode file bytes as UTF-8 (ASCII files are UTF-8), pointing at the first bad byte's line."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_number = data.count(b"\n", 0, error.start) + 1
        raise InputError(f"{label}:{line_number}: byte 0x{data[error.start]:02x} at offset {error.start} "
                         "is not valid UTF-8 text") from None


def _content_lines(text: str, comment_prefixes: str) -> Iterator[tuple[int, str]]:
    """Yield ``(1-based line number, stripped line)`` for each line that is neither blank nor a comment."""
    for line_number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if line and line[0] not in comment_prefixes:
            yield line_number, line


def _shorten(line: str, limit: int = 60) -> str:
    """Quote a line for a message, cut so that a binary blob cannot flood the terminal."""
    return repr(line if len(line) <= limit else line[:limit] + "...")


def _format_weight(weight: float) -> str:
    """Write whole weights as integers ("1", "-1") as Gset files do; others in shortest round-trip form."""
    if weight.is_integer() and abs(weight) < _EXACT_INTEGER_LIMIT:
        return str(int(weight))
    return repr(weight)


def _list_ids(ids, limit: int = 10) -> str:
    """``"3, 9, 12"``; long lists are cut after ``limit`` entries with the total count."""
    ids = list(ids)
    text = ", ".join(str(value) for value in ids[:limit])
    return text if len(ids) <= limit else f"{text}, ... ({len(ids)} in all)"


def _missing_ids(present, n: int, limit: int = 10) -> str:
    """The ids of ``1..n`` not in ``present`` (a set or dict), listed as by :func:`_list_ids`."""
    total = n - len(present)
    found = []
    for node in range(1, n + 1):
        if node not in present:
            found.append(node)
            if len(found) == min(limit, total):
                break
    text = ", ".join(map(str, found))
    return text if total <= limit else f"{text}, ... ({total} in all)"
