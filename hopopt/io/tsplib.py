"""TSPLIB 95 symmetric TSP files (``.tsp``) and tour files (``.tour``).

TSPLIB (symmetric TSP)
    ``KEY : value`` specification lines (``NAME``, ``TYPE : TSP``, ``DIMENSION``, ``EDGE_WEIGHT_TYPE``, …), then
    a ``NODE_COORD_SECTION`` of ``id x y`` lines or an ``EDGE_WEIGHT_SECTION`` of numbers in one of the
    ``EDGE_WEIGHT_FORMAT`` layouts; ``EOF`` is optional. Distances follow the TSPLIB 95 rounding rules, so tour
    lengths match the published optima exactly (see :func:`tsplib_distances`). Read with :func:`parse_tsplib`
    and :func:`read_tsplib` into a :class:`TSPInstance`.
TSPLIB tour
    A ``TOUR_SECTION`` listing the 1-based cities of one closed tour, ended by ``-1`` or ``EOF``. Read with
    :func:`parse_tour` and :func:`read_tour` into a :class:`TourFile`; written by :func:`write_tour`.
    :func:`tour_length` measures a closed tour on a distance matrix.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError
from ._text import PathLike, _content_lines, _list_ids, _missing_ids, _read_text, _shorten

__all__ = ["TSPInstance", "parse_tsplib", "read_tsplib", "tsplib_distances", "tour_length",
           "TourFile", "parse_tour", "read_tour", "write_tour"]


# ---------------------------------------------------------------------------------------------- tour helpers
def _as_city_array(tour, what: str) -> np.ndarray:
    """A 1-D int64 copy of a tour given as a sequence of integers; anything else is an InputError."""
    array = np.asarray(tour)
    if array.ndim != 1:
        raise InputError(f"{what} must be a 1-D sequence of city indices, got an array of shape {array.shape}")
    if array.size and array.dtype.kind not in "iu":
        raise InputError(f"{what} must hold integer city indices, got dtype {array.dtype}")
    return array.astype(np.int64)


def _check_permutation(tour: np.ndarray, n: int, what: str) -> None:
    """Check that ``tour`` visits each of the cities ``0..n-1`` exactly once, naming any that break it."""
    outside = tour[(tour < 0) | (tour >= n)]
    if outside.size:
        raise InputError(f"{what} has city index {outside[0]} outside 0..{n - 1}")
    counts = np.bincount(tour, minlength=n)
    repeated, missing = np.flatnonzero(counts > 1), np.flatnonzero(counts == 0)
    problems = []
    if repeated.size:
        problems.append(f"visited more than once: {_list_ids(repeated.tolist())}")
    if missing.size:
        problems.append(f"never visited: {_list_ids(missing.tolist())}")
    if problems:
        raise InputError(f"{what} must visit each city 0..{n - 1} exactly once; " + "; ".join(problems))


# ---------------------------------------------------------------------------------------------- TSPLIB
_TSPLIB_COORDINATE_TYPES = ("EUC_2D", "CEIL_2D", "ATT", "GEO", "MAN_2D", "MAX_2D")
_TSPLIB_EDGE_WEIGHT_TYPES = _TSPLIB_COORDINATE_TYPES + ("EXPLICIT",)
# Each explicit layout as the triangle it lists, in file order. Reading the upper triangle row by row gives the
# same sequence of unordered pairs as reading the lower triangle column by column, so every *_COL layout is
# the transpose of a *_ROW layout and, the matrix being symmetric, fills the same entries.
_TSPLIB_LAYOUTS = {
    "FULL_MATRIX": "full",
    "UPPER_ROW": "upper", "LOWER_COL": "upper",
    "LOWER_ROW": "lower", "UPPER_COL": "lower",
    "UPPER_DIAG_ROW": "upper_diag", "LOWER_DIAG_COL": "upper_diag",
    "LOWER_DIAG_ROW": "lower_diag", "UPPER_DIAG_COL": "lower_diag",
}
_TSPLIB_SPECIFICATION_KEYS = frozenset({
    "NAME", "TYPE", "COMMENT", "DIMENSION", "CAPACITY", "EDGE_WEIGHT_TYPE", "EDGE_WEIGHT_FORMAT",
    "EDGE_DATA_FORMAT", "NODE_COORD_TYPE", "DISPLAY_DATA_TYPE"})
_TSPLIB_SECTIONS = frozenset({
    "NODE_COORD_SECTION", "EDGE_WEIGHT_SECTION", "DISPLAY_DATA_SECTION", "TOUR_SECTION", "FIXED_EDGES_SECTION",
    "DEPOT_SECTION", "DEMAND_SECTION", "EDGE_DATA_SECTION"})
_TSPLIB_KEYWORDS = _TSPLIB_SPECIFICATION_KEYS | _TSPLIB_SECTIONS | {"EOF"}
_TSPLIB_PROBLEM_SECTIONS = ("NODE_COORD_SECTION", "EDGE_WEIGHT_SECTION", "DISPLAY_DATA_SECTION")
_KEYWORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# TSPLIB 95's GEO constants: its reference code uses this truncated pi and this earth radius (km).
_GEO_PI = 3.141592
_GEO_RADIUS = 6378.388


@dataclass(frozen=True, eq=False)
class TSPInstance:
    """A symmetric travelling-salesman instance read from a TSPLIB file.

    Arrays are read-only so that a record can be shared safely. Two records are equal when all fields are.

    Parameters
    ----------
    name : str
        A label: the file's ``NAME`` (or the file stem when read with :func:`read_tsplib`).
    dimension : int
        Number of cities ``n``; cities are ``0..n-1`` (city ``k`` is ``k + 1`` in the file).
    edge_weight_type : str
        How the file gives distances: ``EUC_2D``, ``CEIL_2D``, ``ATT``, ``GEO``, ``MAN_2D``, ``MAX_2D`` or
        ``EXPLICIT``.
    distances : numpy.ndarray of shape (n, n), float64
        Symmetric, zero diagonal. For TSPLIB files the entries are whole numbers, rounded by the TSPLIB rule
        of the edge weight type, so tour lengths match the published optima exactly.
    coordinates : numpy.ndarray of shape (n, 2), float64, or None
        ``NODE_COORD_SECTION`` (for GEO: latitude and longitude as ``DDD.MM``), or for an explicit instance
        its ``DISPLAY_DATA_SECTION`` (positions for drawing only); None when the file has neither.
    comment : str
        The file's ``COMMENT`` lines joined by newlines ('' when there are none).

    Examples
    --------
    >>> instance = TSPInstance("line", 3, "EXPLICIT", [[0, 1, 2], [1, 0, 1], [2, 1, 0]])
    >>> instance.dimension, tour_length(instance.distances, [0, 1, 2])
    (3, 4.0)
    """

    name: str
    dimension: int
    edge_weight_type: str
    distances: np.ndarray
    coordinates: np.ndarray | None = None
    comment: str = ""

    def __post_init__(self):
        n = int(self.dimension)
        distances = np.array(self.distances, dtype=np.float64)
        if distances.shape != (n, n):
            raise InputError(f"distances must have shape (dimension, dimension) = ({n}, {n}), "
                             f"got {distances.shape}")
        if not np.isfinite(distances).all():
            raise InputError("distances must be finite")
        if not np.array_equal(distances, distances.T):
            raise InputError("distances must be symmetric (a symmetric TSP)")
        if np.any(np.diagonal(distances) != 0):
            raise InputError("distances must have a zero diagonal")
        distances.setflags(write=False)
        coordinates = self.coordinates
        if coordinates is not None:
            coordinates = np.array(coordinates, dtype=np.float64)
            if coordinates.shape != (n, 2):
                raise InputError(f"coordinates must have shape (dimension, 2) = ({n}, 2), got {coordinates.shape}")
            coordinates.setflags(write=False)
        # frozen dataclass: object.__setattr__ is the documented way to normalise fields in __post_init__
        object.__setattr__(self, "dimension", n)
        object.__setattr__(self, "distances", distances)
        object.__setattr__(self, "coordinates", coordinates)
        object.__setattr__(self, "name", str(self.name))
        object.__setattr__(self, "edge_weight_type", str(self.edge_weight_type))
        object.__setattr__(self, "comment", str(self.comment))

    def __eq__(self, other):
        if not isinstance(other, TSPInstance):
            return NotImplemented
        same_coordinates = (self.coordinates is None and other.coordinates is None) or (
            self.coordinates is not None and other.coordinates is not None
            and np.array_equal(self.coordinates, other.coordinates))
        return (self.name == other.name and self.dimension == other.dimension
                and self.edge_weight_type == other.edge_weight_type and self.comment == other.comment
                and np.array_equal(self.distances, other.distances) and same_coordinates)


@dataclass
class _TsplibParts:
    """A TSPLIB file cut into its specification lines and its sections, before any meaning is given."""

    specification: dict  # KEY -> (line number, value); COMMENT lines joined by newlines
    sections: dict       # SECTION -> (line number of its header, [(line number, line), ...])
    unknown: list        # keys outside TSPLIB 95, ignored


def _split_tsplib(text: str, name: str) -> _TsplibParts:
    """Cut a TSPLIB problem or tour file into specification and sections.

    A section runs from its header line to the next line that starts with a TSPLIB keyword (another section,
    a specification key or ``EOF``); its other lines are data, checked later by whoever reads the section.
    Keywords are matched without regard to case; ``KEY: value`` and ``KEY : value`` both work.
    """
    specification: dict = {}
    sections: dict = {}
    unknown: list = []
    current = None
    for line_number, line in _content_lines(text, ""):
        match = _KEYWORD.match(line)
        word = match.group().upper() if match else None
        if current is not None and word not in _TSPLIB_KEYWORDS:
            current.append((line_number, line))
            continue
        if word == "EOF":
            break
        rest = line[match.end():].strip() if match else line
        if word in _TSPLIB_SECTIONS:
            if rest not in ("", ":"):
                raise InputError(f"{name}:{line_number}: nothing may follow {word} on its line, got {_shorten(line)}")
            if word in sections:
                raise InputError(f"{name}:{line_number}: {word} appears twice (first on line {sections[word][0]})")
            current = []
            sections[word] = (line_number, current)
            continue
        current = None
        if word is None or not rest.startswith(":"):
            if word is not None and word.endswith("_SECTION"):
                raise InputError(f"{name}:{line_number}: unknown section {word} (TSPLIB sections: "
                                 f"{', '.join(sorted(_TSPLIB_SECTIONS))})")
            raise InputError(f"{name}:{line_number}: expected a 'KEY : value' line or a section name, "
                             f"got {_shorten(line)}")
        value = rest[1:].strip()
        if word not in _TSPLIB_SPECIFICATION_KEYS:
            unknown.append(word)
        elif word == "COMMENT" and word in specification:
            first_line, earlier = specification[word]
            specification[word] = (first_line, earlier + "\n" + value)
        elif word in specification:
            raise InputError(f"{name}:{line_number}: {word} is given twice (first on line {specification[word][0]})")
        else:
            specification[word] = (line_number, value)
    return _TsplibParts(specification, sections, unknown)


def _first_word(value: str) -> str:
    """The first word of a specification value, upper-cased ('' for an empty value)."""
    words = value.split()
    return words[0].upper() if words else ""


def _tsplib_dimension(name: str, parts: _TsplibParts) -> tuple[int, int]:
    """Read DIMENSION (a whole number ≥ 1); return ``(n, line number)``."""
    if "DIMENSION" not in parts.specification:
        hint = f" (ignored unknown keys: {', '.join(parts.unknown)})" if parts.unknown else ""
        raise InputError(f"{name}: no DIMENSION line (the number of cities){hint}")
    line_number, value = parts.specification["DIMENSION"]
    try:
        n = int(value)
    except ValueError:
        raise InputError(f"{name}:{line_number}: DIMENSION must be a whole number, got {_shorten(value)}") from None
    if n < 1:
        raise InputError(f"{name}:{line_number}: DIMENSION must be at least 1, got {n}")
    return n, line_number


def _tsplib_coordinates(name: str, n: int, section: str, header_line: int, lines) -> np.ndarray:
    """Read ``id x y`` lines: every id in 1..n exactly once, finite numbers. Returns an (n, 2) array."""
    first_line: dict = {}
    rows = []
    for line_number, line in lines:
        fields = line.split()
        if len(fields) != 3:
            raise InputError(f"{name}:{line_number}: {section} lines must be 'id x y', got {_shorten(line)}")
        try:
            node = int(fields[0])
        except ValueError:
            raise InputError(f"{name}:{line_number}: node id must be a whole number, "
                             f"got {_shorten(fields[0])}") from None
        try:
            x, y = float(fields[1]), float(fields[2])
        except ValueError:
            raise InputError(f"{name}:{line_number}: coordinates must be numbers, got {_shorten(line)}") from None
        if not (math.isfinite(x) and math.isfinite(y)):
            raise InputError(f"{name}:{line_number}: coordinates must be finite numbers, got {_shorten(line)}")
        if not 1 <= node <= n:
            raise InputError(f"{name}:{line_number}: node id {node} is out of range 1..{n} (DIMENSION)")
        if node in first_line:
            raise InputError(f"{name}:{line_number}: node {node} is listed twice (first on line {first_line[node]})")
        first_line[node] = line_number
        rows.append((node, x, y))
    if len(first_line) < n:
        raise InputError(f"{name}:{header_line}: {section} has no coordinates for node(s) "
                         f"{_missing_ids(first_line, n)} (DIMENSION {n}, found {len(first_line)})")
    coordinates = np.empty((n, 2))
    table = np.array(rows, dtype=np.float64)
    coordinates[table[:, 0].astype(np.int64) - 1] = table[:, 1:]
    return coordinates


def _tsplib_explicit(name: str, n: int, layout_name: str, header_line: int, lines) -> np.ndarray:
    """Read an EDGE_WEIGHT_SECTION (numbers may wrap across lines freely) into a symmetric (n, n) matrix."""
    tokens: list = []
    ends = []  # number of tokens read after each line, to find the line of a token by bisection
    for _, line in lines:
        tokens += line.split()
        ends.append(len(tokens))
    ends_array = np.array(ends, dtype=np.int64)

    def line_of(index: int) -> int:
        return lines[int(np.searchsorted(ends_array, index, side="right"))][0]

    layout = _TSPLIB_LAYOUTS[layout_name]
    expected = {"full": n * n, "upper": n * (n - 1) // 2, "lower": n * (n - 1) // 2}.get(layout, n * (n + 1) // 2)
    found = len(tokens)
    what = f"expected {expected} for {layout_name} with DIMENSION {n}"
    if found < expected:
        where = lines[-1][0] if lines else header_line
        raise InputError(f"{name}:{where}: EDGE_WEIGHT_SECTION ends after {found} numbers, {what}")
    if found > expected:
        raise InputError(f"{name}:{line_of(expected)}: EDGE_WEIGHT_SECTION has {found} numbers, {what} "
                         "(the extra numbers start on this line)")
    try:
        values = np.array([float(token) for token in tokens], dtype=np.float64)
    except ValueError:
        index = next(index for index, token in enumerate(tokens) if not _is_float(token))
        raise InputError(f"{name}:{line_of(index)}: edge weights must be numbers, "
                         f"got {_shorten(tokens[index])}") from None
    bad = np.flatnonzero(~np.isfinite(values) | (values != np.floor(values)))
    if bad.size:
        index = int(bad[0])
        rule = "finite" if not math.isfinite(values[index]) else "whole numbers in a TSPLIB file"
        raise InputError(f"{name}:{line_of(index)}: edge weights must be {rule}, got {_shorten(tokens[index])}")
    negative = np.flatnonzero(values < 0)
    if negative.size:  # a distance below zero makes no tour length meaningful (and the TSP encoder refuses it)
        index = int(negative[0])
        raise InputError(f"{name}:{line_of(index)}: edge weights are distances and must be ≥ 0, "
                         f"got {_shorten(tokens[index])}")
    if layout == "full":
        matrix = values.reshape(n, n).copy()
        np.fill_diagonal(matrix, 0.0)
        asymmetric = np.flatnonzero(matrix != matrix.T)
        if asymmetric.size:
            i, j = divmod(int(asymmetric[0]), n)  # the entry met first in the file; its mirror comes later
            raise InputError(f"{name}:{line_of(j * n + i)}: FULL_MATRIX is not symmetric: d({j + 1},{i + 1}) = "
                             f"{tokens[j * n + i]} here but d({i + 1},{j + 1}) = {tokens[i * n + j]} on line "
                             f"{line_of(i * n + j)} (TYPE TSP needs symmetric distances)")
        return matrix
    offset = {"upper": 1, "lower": -1, "upper_diag": 0, "lower_diag": 0}[layout]
    rows, columns = np.triu_indices(n, offset) if layout.startswith("upper") else np.tril_indices(n, offset)
    matrix = np.zeros((n, n))
    matrix[rows, columns] = values
    matrix[columns, rows] = values
    np.fill_diagonal(matrix, 0.0)
    return matrix


def _is_float(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def parse_tsplib(text: str, name: str = "<string>") -> TSPInstance:
    """Parse a symmetric TSP file in TSPLIB 95 format given as a string.

    Parameters
    ----------
    text : str
        The file contents. Specification lines ``KEY : value`` (or ``KEY: value``): ``TYPE : TSP`` (optional),
        ``DIMENSION`` (required, ≥ 1), ``EDGE_WEIGHT_TYPE`` (required: ``EUC_2D``, ``CEIL_2D``, ``ATT``,
        ``GEO``, ``MAN_2D``, ``MAX_2D`` or ``EXPLICIT``), ``EDGE_WEIGHT_FORMAT`` (for ``EXPLICIT``:
        ``FULL_MATRIX``, ``UPPER_ROW``, ``LOWER_ROW``, ``UPPER_DIAG_ROW``, ``LOWER_DIAG_ROW``, ``UPPER_COL``,
        ``LOWER_COL``, ``UPPER_DIAG_COL``, ``LOWER_DIAG_COL``; otherwise absent or ``FUNCTION``), ``NAME``,
        ``COMMENT``. Other TSPLIB keys (``DISPLAY_DATA_TYPE``, …) and unknown keys are ignored. Then a
        ``NODE_COORD_SECTION`` of ``id x y`` lines (each id in ``1..DIMENSION`` once) for the coordinate types,
        or an ``EDGE_WEIGHT_SECTION`` whose numbers may wrap across lines in any way for ``EXPLICIT``, plus an
        optional ``DISPLAY_DATA_SECTION``. ``EOF`` is optional; anything after it is ignored.
    name : str, optional
        Label used in error messages, and as the record's name when the file has no ``NAME``.

    Returns
    -------
    TSPInstance
        Distances by the TSPLIB rule of the edge weight type (see :func:`tsplib_distances`); explicit weights
        as given, with the diagonal set to zero.

    Raises
    ------
    InputError
        One line naming the file and, where there is one, the line: a TYPE other than TSP, a missing or bad
        DIMENSION, an unsupported EDGE_WEIGHT_TYPE or EDGE_WEIGHT_FORMAT, a missing section, too few or too
        many edge weights, a value that is not a (finite, whole) number, a node id out of range or listed
        twice, missing coordinates, or a FULL_MATRIX that is not symmetric.

    Examples
    --------
    >>> text = '''NAME : square
    ... TYPE : TSP
    ... DIMENSION : 4
    ... EDGE_WEIGHT_TYPE : EUC_2D
    ... NODE_COORD_SECTION
    ... 1 0 0
    ... 2 3 0
    ... 3 3 4
    ... 4 0 4
    ... EOF
    ... '''
    >>> instance = parse_tsplib(text)
    >>> instance.name, instance.dimension, instance.distances[0].tolist()
    ('square', 4, [0.0, 3.0, 5.0, 4.0])
    >>> parse_tsplib("TYPE : ATSP\\nDIMENSION : 3\\n", name="br17.atsp")
    Traceback (most recent call last):
    ...
    hopopt.errors.InputError: br17.atsp:1: TYPE ATSP is not supported: hopopt reads symmetric TSP files (TYPE : TSP)
    """
    parts = _split_tsplib(text, name)
    specification, sections = parts.specification, parts.sections
    if "TYPE" in specification:
        line_number, value = specification["TYPE"]
        kind = _first_word(value)
        if kind == "TOUR":
            raise InputError(f"{name}:{line_number}: TYPE TOUR marks a tour file; read it with read_tour "
                             "(a problem file has TYPE : TSP)")
        if kind != "TSP":
            raise InputError(f"{name}:{line_number}: TYPE {value} is not supported: hopopt reads symmetric TSP "
                             "files (TYPE : TSP)")
    n, _ = _tsplib_dimension(name, parts)
    if "EDGE_WEIGHT_TYPE" not in specification:
        raise InputError(f"{name}: no EDGE_WEIGHT_TYPE line (how distances are given, e.g. EUC_2D or EXPLICIT)")
    type_line, value = specification["EDGE_WEIGHT_TYPE"]
    weight_type = _first_word(value)
    if weight_type not in _TSPLIB_EDGE_WEIGHT_TYPES:
        raise InputError(f"{name}:{type_line}: EDGE_WEIGHT_TYPE {_shorten(value)} is not supported "
                         f"(supported: {', '.join(_TSPLIB_EDGE_WEIGHT_TYPES)})")
    layout_name = None
    if "EDGE_WEIGHT_FORMAT" in specification:
        format_line, value = specification["EDGE_WEIGHT_FORMAT"]
        layout_name = _first_word(value)
        if weight_type == "EXPLICIT" and layout_name not in _TSPLIB_LAYOUTS:
            raise InputError(f"{name}:{format_line}: EDGE_WEIGHT_FORMAT {_shorten(value)} is not supported for "
                             f"EDGE_WEIGHT_TYPE EXPLICIT (supported: {', '.join(_TSPLIB_LAYOUTS)})")
        if weight_type != "EXPLICIT" and layout_name != "FUNCTION":
            raise InputError(f"{name}:{format_line}: EDGE_WEIGHT_FORMAT {_shorten(value)} needs EDGE_WEIGHT_TYPE "
                             f"EXPLICIT, but the type is {weight_type} (distances come from the coordinates; "
                             "write FUNCTION or leave the line out)")
    elif weight_type == "EXPLICIT":
        raise InputError(f"{name}:{type_line}: EDGE_WEIGHT_TYPE EXPLICIT needs an EDGE_WEIGHT_FORMAT line "
                         f"({', '.join(_TSPLIB_LAYOUTS)})")
    if "NODE_COORD_TYPE" in specification:
        line_number, value = specification["NODE_COORD_TYPE"]
        if _first_word(value) == "THREED_COORDS":
            raise InputError(f"{name}:{line_number}: NODE_COORD_TYPE THREED_COORDS is not supported "
                             "(hopopt reads 2-D coordinates)")
    for section, (line_number, _) in sections.items():
        if section not in _TSPLIB_PROBLEM_SECTIONS:
            raise InputError(f"{name}:{line_number}: {section} is not supported in a TSP problem file "
                             f"(hopopt reads {', '.join(_TSPLIB_PROBLEM_SECTIONS)})")

    coordinates = None
    if "NODE_COORD_SECTION" in sections:
        coordinates = _tsplib_coordinates(name, n, "NODE_COORD_SECTION", *sections["NODE_COORD_SECTION"])
    elif weight_type != "EXPLICIT":
        raise InputError(f"{name}:{type_line}: EDGE_WEIGHT_TYPE {weight_type} needs a NODE_COORD_SECTION "
                         "with the cities' coordinates")
    if "DISPLAY_DATA_SECTION" in sections:
        display = _tsplib_coordinates(name, n, "DISPLAY_DATA_SECTION", *sections["DISPLAY_DATA_SECTION"])
        coordinates = display if coordinates is None else coordinates
    if weight_type == "EXPLICIT":
        if "EDGE_WEIGHT_SECTION" not in sections:
            raise InputError(f"{name}:{type_line}: EDGE_WEIGHT_TYPE EXPLICIT needs an EDGE_WEIGHT_SECTION")
        distances = _tsplib_explicit(name, n, layout_name, *sections["EDGE_WEIGHT_SECTION"])
    else:
        if "EDGE_WEIGHT_SECTION" in sections:
            raise InputError(f"{name}:{sections['EDGE_WEIGHT_SECTION'][0]}: EDGE_WEIGHT_SECTION given but "
                             f"EDGE_WEIGHT_TYPE is {weight_type}, which computes distances from coordinates "
                             "(use EDGE_WEIGHT_TYPE : EXPLICIT)")
        with np.errstate(over="ignore", invalid="ignore"):
            distances = tsplib_distances(coordinates, weight_type)
        if not np.isfinite(distances).all():  # coordinates near 1e308 are finite but their distances overflow
            raise InputError(f"{name}:{sections['NODE_COORD_SECTION'][0]}: coordinates are so large that "
                             f"{weight_type} distances between them overflow to infinity")
    record_name = specification.get("NAME", (0, ""))[1] or name
    comment = specification.get("COMMENT", (0, ""))[1]
    return TSPInstance(record_name, n, weight_type, distances, coordinates, comment)


def read_tsplib(source: PathLike) -> TSPInstance:
    """Read a symmetric TSP file in TSPLIB 95 format (``.tsp``).

    Parameters
    ----------
    source : str or os.PathLike
        Path of the file. Error messages name it as given.

    Returns
    -------
    TSPInstance
        The instance, named after the file stem (``berlin52`` for ``tsplib/berlin52.tsp``).

    Raises
    ------
    InputError
        If the file is missing, a directory, unreadable, not UTF-8 text, or malformed (see
        :func:`parse_tsplib`).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tri.tsp"
    >>> _ = path.write_text("DIMENSION: 3\\nEDGE_WEIGHT_TYPE: EXPLICIT\\nEDGE_WEIGHT_FORMAT: UPPER_ROW\\n"
    ...                     "EDGE_WEIGHT_SECTION\\n1 2\\n3\\nEOF\\n")
    >>> instance = read_tsplib(path)
    >>> instance.name, instance.distances.tolist()
    ('tri', [[0.0, 1.0, 2.0], [1.0, 0.0, 3.0], [2.0, 3.0, 0.0]])
    """
    text, label, stem = _read_text(source)
    instance = parse_tsplib(text, name=label)
    return TSPInstance(stem, instance.dimension, instance.edge_weight_type, instance.distances,
                       instance.coordinates, instance.comment)


def _nint(values: np.ndarray) -> np.ndarray:
    """TSPLIB's ``nint(x) = (int)(x + 0.5)`` for x ≥ 0: halves round up (numpy's rint would round to even)."""
    return np.floor(values + 0.5)


def _geo_radians(values: np.ndarray) -> np.ndarray:
    """TSPLIB GEO: ``DDD.MM`` (degrees, then minutes as the fraction) to radians, with TSPLIB's pi."""
    degrees = np.trunc(values)
    minutes = values - degrees
    return _GEO_PI * (degrees + 5.0 * minutes / 3.0) / 180.0


def tsplib_distances(coordinates, edge_weight_type: str) -> np.ndarray:
    """Distance matrix of cities at ``coordinates`` by a TSPLIB 95 distance rule.

    Every rule gives whole numbers, as TSPLIB defines them, so tour lengths match published optima exactly.
    With ``dx``, ``dy`` the coordinate differences and ``nint(x) = floor(x + 0.5)``:

    - ``EUC_2D``: ``nint(sqrt(dx² + dy²))``; ``CEIL_2D``: ``ceil(sqrt(dx² + dy²))``.
    - ``ATT`` (pseudo-Euclidean): ``r = sqrt((dx² + dy²) / 10)``, ``t = nint(r)``, then ``t + 1`` if ``t < r``
      else ``t``.
    - ``GEO``: coordinates are latitude and longitude as ``DDD.MM`` (degrees and minutes); each becomes
      ``PI * (deg + 5 * min / 3) / 180`` radians with ``deg = int(x)``, ``min = x - deg``, ``PI = 3.141592``;
      then ``int(RRR * acos(0.5 * ((1 + q1) q2 - (1 - q1) q3)) + 1)`` with ``RRR = 6378.388``,
      ``q1 = cos(Δlongitude)``, ``q2 = cos(Δlatitude)``, ``q3 = cos(latitude_i + latitude_j)``.
    - ``MAN_2D``: ``nint(|dx| + |dy|)``; ``MAX_2D``: ``max(nint(|dx|), nint(|dy|))``.

    Parameters
    ----------
    coordinates : array_like of shape (n, 2)
        Finite city coordinates, in the order of the cities.
    edge_weight_type : str
        One of ``EUC_2D``, ``CEIL_2D``, ``ATT``, ``GEO``, ``MAN_2D``, ``MAX_2D`` (case does not matter).

    Returns
    -------
    numpy.ndarray of shape (n, n), float64
        Symmetric with a zero diagonal (GEO's formula gives 1 from a city to itself; that is set to 0).

    Raises
    ------
    InputError
        If the coordinates are not a finite (n, 2) array or the type is not one of the above.

    Examples
    --------
    >>> tsplib_distances([[0, 0], [3, 4], [1.5, 2]], "EUC_2D").tolist()
    [[0.0, 5.0, 3.0], [5.0, 0.0, 3.0], [3.0, 3.0, 0.0]]
    >>> tsplib_distances([[0, 0], [10, 0]], "ATT").tolist()
    [[0.0, 4.0], [4.0, 0.0]]
    """
    try:
        points = np.asarray(coordinates, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError("coordinates must be an (n, 2) array of numbers") from None
    if points.ndim != 2 or points.shape[1] != 2:
        raise InputError(f"coordinates must have shape (n, 2), got {points.shape}")
    if not np.isfinite(points).all():
        raise InputError("coordinates must be finite numbers")
    kind = str(edge_weight_type).upper()
    if kind not in _TSPLIB_COORDINATE_TYPES:
        raise InputError(f"edge_weight_type must be one of {', '.join(_TSPLIB_COORDINATE_TYPES)}, "
                         f"got {edge_weight_type!r}")
    x, y = points[:, 0], points[:, 1]
    if kind == "GEO":
        latitude, longitude = _geo_radians(x), _geo_radians(y)
        q1 = np.cos(longitude[:, None] - longitude[None, :])
        q2 = np.cos(latitude[:, None] - latitude[None, :])
        q3 = np.cos(latitude[:, None] + latitude[None, :])
        # rounding can push the cosine a hair past ±1 for (near-)identical points; acos would give nan
        cosine = np.clip(0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3), -1.0, 1.0)
        distances = np.floor(_GEO_RADIUS * np.arccos(cosine) + 1.0)
    else:
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        if kind == "MAN_2D":
            distances = _nint(np.abs(dx) + np.abs(dy))
        elif kind == "MAX_2D":
            distances = np.maximum(_nint(np.abs(dx)), _nint(np.abs(dy)))
        elif kind == "ATT":
            exact = np.sqrt((dx * dx + dy * dy) / 10.0)
            rounded = _nint(exact)
            distances = np.where(rounded < exact, rounded + 1.0, rounded)
        else:
            euclidean = np.sqrt(dx * dx + dy * dy)
            distances = _nint(euclidean) if kind == "EUC_2D" else np.ceil(euclidean)
    # the upper triangle mirrored: exactly symmetric whatever the floating-point evaluation order did
    upper = np.triu(distances, 1)
    return upper + upper.T


def tour_length(distances, tour) -> float:
    """Length of the closed tour that visits the cities in the order ``tour`` and returns to the start.

    Parameters
    ----------
    distances : array_like of shape (n, n)
        Distance matrix.
    tour : sequence of int
        0-based city indices: a permutation of ``0..n-1``.

    Returns
    -------
    float
        ``sum(distances[tour[k], tour[k + 1]]) + distances[tour[-1], tour[0]]``.

    Raises
    ------
    InputError
        If ``distances`` is not square or ``tour`` is not a permutation of ``0..n-1`` (the message names
        repeated and missing cities).

    Examples
    --------
    >>> square = tsplib_distances([[0, 0], [0, 1], [1, 1], [1, 0]], "EUC_2D")
    >>> tour_length(square, [0, 1, 2, 3])
    4.0
    >>> tour_length(square, [0, 2, 2, 3])
    Traceback (most recent call last):
    ...
    hopopt.errors.InputError: tour must visit each city 0..3 exactly once; visited more than once: 2; never visited: 1
    """
    matrix = np.asarray(distances, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise InputError(f"distances must be a square matrix, got shape {matrix.shape}")
    cities = _as_city_array(tour, "tour")
    _check_permutation(cities, matrix.shape[0], "tour")
    return float(matrix[cities, np.roll(cities, -1)].sum())


# ---------------------------------------------------------------------------------------------- TSPLIB tours
@dataclass(frozen=True, eq=False)
class TourFile:
    """A tour read from a TSPLIB ``.tour`` file.

    Parameters
    ----------
    name : str
        A label: the file's ``NAME`` (or the file stem when read with :func:`read_tour`).
    dimension : int or None
        The file's ``DIMENSION``, if it gives one.
    tour : numpy.ndarray of shape (n,), int64
        The cities in visiting order, 0-based (city ``k`` is ``k + 1`` in the file); read-only.

    Examples
    --------
    >>> TourFile("t", 3, [2, 0, 1]).tour.tolist()
    [2, 0, 1]
    """

    name: str
    dimension: int | None
    tour: np.ndarray

    def __post_init__(self):
        tour = np.array(self.tour, dtype=np.int64).reshape(-1)
        tour.setflags(write=False)
        object.__setattr__(self, "name", str(self.name))
        object.__setattr__(self, "dimension", None if self.dimension is None else int(self.dimension))
        object.__setattr__(self, "tour", tour)

    def __eq__(self, other):
        if not isinstance(other, TourFile):
            return NotImplemented
        return (self.name == other.name and self.dimension == other.dimension
                and np.array_equal(self.tour, other.tour))


def parse_tour(text: str, name: str = "<string>") -> TourFile:
    """Parse a TSPLIB tour file given as a string.

    Parameters
    ----------
    text : str
        The file contents: optional ``NAME``, ``TYPE : TOUR``, ``DIMENSION``, ``COMMENT`` lines, then a
        ``TOUR_SECTION`` of 1-based city ids (any number per line), ended by ``-1``, ``EOF`` or the end of the
        text.
    name : str, optional
        Label used in error messages, and as the record's name when the file has no ``NAME``.

    Returns
    -------
    TourFile
        The tour, 0-based.

    Raises
    ------
    InputError
        On a TYPE other than TOUR, a missing TOUR_SECTION, an empty tour, a city id that is not a whole number
        or is out of range, numbers after the closing ``-1``, or a tour that is not a permutation of
        ``1..DIMENSION`` (of ``1..max id`` when there is no DIMENSION): the message names the repeated or
        missing cities.

    Examples
    --------
    >>> parse_tour("TYPE : TOUR\\nDIMENSION : 4\\nTOUR_SECTION\\n1 3\\n2 4\\n-1\\nEOF\\n").tour.tolist()
    [0, 2, 1, 3]
    >>> parse_tour("DIMENSION : 3\\nTOUR_SECTION\\n1\\n3\\n1\\n-1\\n", name="bad.tour")
    Traceback (most recent call last):
    ...
    hopopt.errors.InputError: bad.tour:5: city 1 is visited more than once (first on line 3)
    """
    parts = _split_tsplib(text, name)
    specification, sections = parts.specification, parts.sections
    if "TYPE" in specification:
        line_number, value = specification["TYPE"]
        if _first_word(value) != "TOUR":
            hint = "; read problem files with read_tsplib" if _first_word(value) == "TSP" else ""
            raise InputError(f"{name}:{line_number}: TYPE {value} is not a tour file (expected TYPE : TOUR){hint}")
    dimension = _tsplib_dimension(name, parts)[0] if "DIMENSION" in specification else None
    for section, (line_number, _) in sections.items():
        if section != "TOUR_SECTION":
            raise InputError(f"{name}:{line_number}: {section} does not belong in a tour file")
    if "TOUR_SECTION" not in sections:
        raise InputError(f"{name}: no TOUR_SECTION (the list of cities in visiting order)")
    header_line, lines = sections["TOUR_SECTION"]
    cities, first_line = [], {}
    closed = False
    for line_number, line in lines:
        for token in line.split():
            if closed:
                raise InputError(f"{name}:{line_number}: {_shorten(token)} after the -1 that ends the tour "
                                 "(a tour file holds one tour)")
            try:
                city = int(token)
            except ValueError:
                raise InputError(f"{name}:{line_number}: city ids must be whole numbers, "
                                 f"got {_shorten(token)}") from None
            if city == -1:
                closed = True
                continue
            if city < 1 or (dimension is not None and city > dimension):
                limit = f"1..{dimension} (DIMENSION)" if dimension is not None else "1.. (ids are 1-based)"
                raise InputError(f"{name}:{line_number}: city {city} is out of range {limit}")
            if city in first_line:
                raise InputError(f"{name}:{line_number}: city {city} is visited more than once "
                                 f"(first on line {first_line[city]})")
            first_line[city] = line_number
            cities.append(city)
    if not cities:
        raise InputError(f"{name}:{header_line}: TOUR_SECTION lists no cities")
    size = dimension if dimension is not None else max(cities)
    if len(cities) < size:
        where = "DIMENSION" if dimension is not None else "the largest id"
        raise InputError(f"{name}:{header_line}: the tour never visits {_missing_ids(first_line, size)} "
                         f"(cities are 1..{size} by {where})")
    record_name = specification.get("NAME", (0, ""))[1] or name
    return TourFile(record_name, dimension, np.array(cities, dtype=np.int64) - 1)


def read_tour(source: PathLike) -> TourFile:
    """Read a TSPLIB tour file (``.tour``).

    Parameters
    ----------
    source : str or os.PathLike
        Path of the file. Error messages name it as given.

    Returns
    -------
    TourFile
        The tour (0-based), named after the file stem (``berlin52.opt`` for ``berlin52.opt.tour``).

    Raises
    ------
    InputError
        If the file is missing, a directory, unreadable, not UTF-8 text, or malformed (see :func:`parse_tour`).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "best.tour"
    >>> write_tour(path, [2, 0, 1], name="best")
    >>> read_tour(path).tour.tolist()
    [2, 0, 1]
    """
    text, label, stem = _read_text(source)
    tour = parse_tour(text, name=label)
    return TourFile(stem, tour.dimension, tour.tour)


def write_tour(path: PathLike, tour, name: str = "tour", comment: str | None = None) -> None:
    """Write a TSPLIB tour file: ``NAME``, ``COMMENT``, ``TYPE : TOUR``, ``DIMENSION``, ``TOUR_SECTION``.

    Parameters
    ----------
    path : str or os.PathLike
        Where to write (overwritten if it exists).
    tour : sequence of int
        0-based city order, a permutation of ``0..n-1``; written 1-based, one city a line, then ``-1`` and
        ``EOF``.
    name : str, optional
        The ``NAME`` line.
    comment : str, optional
        A ``COMMENT`` line (left out when None).

    Raises
    ------
    InputError
        If ``tour`` is empty or not a permutation of ``0..n-1``, or ``name`` or ``comment`` spans lines.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.tour"
    >>> write_tour(path, [1, 0, 2], name="t", comment="length 3")
    >>> print(path.read_text(), end="")
    NAME : t
    COMMENT : length 3
    TYPE : TOUR
    DIMENSION : 3
    TOUR_SECTION
    2
    1
    3
    -1
    EOF
    """
    cities = _as_city_array(tour, "tour")
    if cities.size == 0:
        raise InputError("tour must visit at least one city, got an empty tour")
    _check_permutation(cities, cities.size, "tour")
    for label, value in (("name", name), ("comment", comment)):
        if value is not None and "".join(str(value).splitlines()) != str(value):  # any line break splitlines knows
            raise InputError(f"{label} must fit on one line, got {_shorten(str(value))}")
    lines = [f"NAME : {name}"]
    if comment is not None:
        lines.append(f"COMMENT : {comment}")
    lines += ["TYPE : TOUR", f"DIMENSION : {cities.size}", "TOUR_SECTION"]
    lines += [str(city) for city in (cities + 1).tolist()]
    lines += ["-1", "EOF"]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
