"""TSPLIB problem and tour files in hopopt.io: distance rules, explicit layouts, tours, and one-line errors."""

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hopopt.errors import InputError
from hopopt.io import (TourFile, TSPInstance, parse_tour, parse_tsplib, read_tour, read_tsplib, tour_length,
                       tsplib_distances, write_tour)

SHARED_INSTANCES = Path(__file__).resolve().parents[2] / "shared" / "instances"
needs_shared = pytest.mark.skipif(not SHARED_INSTANCES.is_dir(),
                                  reason=f"benchmark mirror {SHARED_INSTANCES} is absent")


def shared_rows(problem):
    if not SHARED_INSTANCES.is_dir():
        return []
    with open(SHARED_INSTANCES / "catalog.csv", newline="") as stream:
        return [row for row in csv.DictReader(stream) if row["problem"] == problem]


def coordinate_file(kind, points, extra=""):
    """A TSPLIB problem with a NODE_COORD_SECTION for ``points``."""
    lines = [f"NAME : points\nTYPE : TSP\nDIMENSION : {len(points)}\nEDGE_WEIGHT_TYPE : {kind}\n{extra}"
             "NODE_COORD_SECTION"]
    lines += [f"{k + 1} {x} {y}" for k, (x, y) in enumerate(points)]
    return "\n".join(lines) + "\nEOF\n"


# ---------------------------------------------------------------------------------------------- naive references
PI, RRR = 3.141592, 6378.388


def naive_nint(value):
    return int(value + 0.5)


def naive_geo_radians(value):
    degrees = int(value)
    minutes = value - degrees
    return PI * (degrees + 5.0 * minutes / 3.0) / 180.0


def naive_distance(kind, a, b):
    """TSPLIB 95's distance functions, transcribed one pair at a time from the documentation."""
    xd, yd = a[0] - b[0], a[1] - b[1]
    if kind == "EUC_2D":
        return naive_nint(math.sqrt(xd * xd + yd * yd))
    if kind == "CEIL_2D":
        return math.ceil(math.sqrt(xd * xd + yd * yd))
    if kind == "MAN_2D":
        return naive_nint(abs(xd) + abs(yd))
    if kind == "MAX_2D":
        return max(naive_nint(abs(xd)), naive_nint(abs(yd)))
    if kind == "ATT":
        rij = math.sqrt((xd * xd + yd * yd) / 10.0)
        tij = naive_nint(rij)
        return tij + 1 if tij < rij else tij
    if kind == "GEO":
        lat_i, lon_i = naive_geo_radians(a[0]), naive_geo_radians(a[1])
        lat_j, lon_j = naive_geo_radians(b[0]), naive_geo_radians(b[1])
        q1, q2, q3 = math.cos(lon_i - lon_j), math.cos(lat_i - lat_j), math.cos(lat_i + lat_j)
        return int(RRR * math.acos(max(-1.0, min(1.0, 0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3)))) + 1.0)
    raise AssertionError(kind)


def naive_matrix(kind, points):
    n = len(points)
    return [[0 if i == j else naive_distance(kind, points[min(i, j)], points[max(i, j)]) for j in range(n)]
            for i in range(n)]


def held_karp(distances):
    """Optimal closed-tour length by the Held–Karp dynamic programme over subsets (city 0 fixed first)."""
    distances = np.asarray(distances, dtype=float)
    m = len(distances) - 1
    full = 1 << m
    cost = np.full((full, m), np.inf)
    for j in range(m):
        cost[1 << j, j] = distances[0, j + 1]
    masks = np.arange(full)
    sizes = np.array([bin(mask).count("1") for mask in range(full)])
    for size in range(2, m + 1):
        of_size = masks[sizes == size]
        for j in range(m):
            ending = of_size[(of_size >> j) & 1 == 1]
            cost[ending, j] = np.min(cost[ending ^ (1 << j)] + distances[1:, j + 1][None, :], axis=1)
    return float(np.min(cost[full - 1] + distances[1:, 0]))


# ---------------------------------------------------------------------------------------------- distance rules
def test_euc_2d_rounds_halves_up_like_tsplib_nint():
    # 2.5 rounds to 3 (TSPLIB's (int)(x + 0.5)); numpy's rint would give 2
    instance = parse_tsplib(coordinate_file("EUC_2D", [(0, 0), (3, 4), (1.5, 2), (0, 1.4)]))
    assert instance.distances.tolist() == [[0, 5, 3, 1], [5, 0, 3, 4], [3, 3, 0, 2], [1, 4, 2, 0]]
    assert instance.edge_weight_type == "EUC_2D"
    assert instance.coordinates.tolist() == [[0, 0], [3, 4], [1.5, 2], [0, 1.4]]


def test_ceil_2d_rounds_up():
    instance = parse_tsplib(coordinate_file("CEIL_2D", [(0, 0), (3, 4), (1, 1)]))
    assert instance.distances.tolist() == [[0, 5, 2], [5, 0, 4], [2, 4, 0]]  # sqrt 2 -> 2, sqrt 13 -> 4


def test_att_pseudo_euclidean_by_hand():
    # (0,0)-(10,0): r = sqrt(100/10) = 3.162, nint 3 < r, so 4
    # (0,0)-(30,10): r = sqrt(1000/10) = 10 exactly, so 10
    # (0,0)-(11,3): r = sqrt(130/10) = 3.606, nint 4 >= r, so 4
    # (10,0)-(30,10): r = sqrt(500/10) = 7.071, nint 7 < r, so 8
    # (10,0)-(11,3): r = sqrt(10/10) = 1 exactly, so 1
    # (30,10)-(11,3): r = sqrt(410/10) = 6.403, nint 6 < r, so 7
    instance = parse_tsplib(coordinate_file("ATT", [(0, 0), (10, 0), (30, 10), (11, 3)]))
    assert instance.distances.tolist() == [[0, 4, 10, 4], [4, 0, 8, 1], [10, 8, 0, 7], [4, 1, 7, 0]]


def test_geo_by_hand_and_against_published_burma14_row():
    # burma14 cities 1 and 2: (16.47, 96.10) and (16.47, 94.44), DDD.MM
    # latitude 16 deg 47 min -> PI * (16 + 5 * 0.47 / 3) / 180 = 0.2929244 rad (both)
    # longitudes -> 1.6784246 and 1.6534082 rad; q1 = cos(0.0250164) = 0.9996871, q2 = 1,
    # q3 = cos(0.5858487) = 0.8332431; RRR * acos(0.5 * ((1 + q1) q2 - (1 - q1) q3)) = 152.767 -> int(153.767)
    first, second = (16.47, 96.10), (16.47, 94.44)
    latitude = PI * (16 + 5 * 0.47 / 3) / 180
    assert naive_geo_radians(first[0]) == pytest.approx(latitude)
    assert naive_distance("GEO", first, second) == 153
    assert tsplib_distances([first, second], "GEO").tolist() == [[0, 153], [153, 0]]
    # a city to itself: the formula gives int(0 + 1) = 1; the matrix keeps a zero diagonal
    assert naive_distance("GEO", first, first) == 1
    assert tsplib_distances([first], "GEO").tolist() == [[0]]


@needs_shared
def test_geo_matches_the_published_burma14_distances():
    # first row of burma14's explicit distance matrix as published with TSPLIB (computed there by the GEO rule)
    burma = read_tsplib(SHARED_INSTANCES / "tsplib" / "burma14.tsp")
    assert burma.distances[0].tolist() == [0, 153, 510, 706, 966, 581, 455, 70, 160, 372, 157, 567, 342, 398]


def test_geo_southern_and_western_coordinates_truncate_toward_zero():
    # Sydney (-33.52, 151.13) to London (51.30, -0.07): degrees int() toward zero keep the minutes' sign
    sydney, london = (-33.52, 151.13), (51.30, -0.07)
    assert naive_geo_radians(-33.52) == pytest.approx(-PI * (33 + 5 * 0.52 / 3) / 180)
    expected = naive_distance("GEO", sydney, london)
    assert 16900 < expected < 17100  # about 17,000 km, as it should be
    assert tsplib_distances([sydney, london], "GEO")[0, 1] == expected


def test_man_2d_and_max_2d():
    points = [(0, 0), (3, 4.6), (-1.5, 0.2)]
    assert tsplib_distances(points, "MAN_2D").tolist() == [[0, 8, 2], [8, 0, 9], [2, 9, 0]]
    assert tsplib_distances(points, "max_2d").tolist() == [[0, 5, 2], [5, 0, 5], [2, 5, 0]]


coordinate = st.floats(-2000, 2000, allow_nan=False).map(lambda value: round(value, 2))


@settings(max_examples=40, deadline=None)
@given(kind=st.sampled_from(["EUC_2D", "CEIL_2D", "ATT", "GEO", "MAN_2D", "MAX_2D"]),
       points=st.lists(st.tuples(coordinate, coordinate), min_size=1, max_size=8))
def test_vectorised_distances_equal_the_naive_pairwise_rules(kind, points):
    if kind == "GEO":
        points = [(x % 90, y % 180) for x, y in points]
    distances = tsplib_distances(points, kind)
    assert distances.tolist() == naive_matrix(kind, points)
    assert np.array_equal(distances, distances.T)
    assert not np.diagonal(distances).any()


@pytest.mark.parametrize("coordinates, kind, message", [
    ([[0, 0, 0]], "EUC_2D", "coordinates must have shape (n, 2), got (1, 3)"),
    ([[0, float("nan")]], "EUC_2D", "coordinates must be finite"),
    ([["a", "b"]], "EUC_2D", "coordinates must be an (n, 2) array of numbers"),
    ([[0, 0]], "EUC_3D", "edge_weight_type must be one of EUC_2D, CEIL_2D, ATT, GEO, MAN_2D, MAX_2D, got 'EUC_3D'"),
])
def test_tsplib_distances_rejects_bad_arguments(coordinates, kind, message):
    with pytest.raises(InputError) as caught:
        tsplib_distances(coordinates, kind)
    assert message in str(caught.value)


# ---------------------------------------------------------------------------------------------- explicit layouts
FOUR_CITIES = [[0, 1, 2, 3], [1, 0, 4, 5], [2, 4, 0, 6], [3, 5, 6, 0]]
# the same matrix in every layout, wrapped across lines in different ways
LAYOUTS = {
    "FULL_MATRIX": "0 1 2 3\n1 0 4 5\n2 4 0 6\n3 5 6 0",
    "UPPER_ROW": "1 2 3\n4 5\n6",
    "LOWER_ROW": "1\n2 4\n3 5 6",
    "UPPER_DIAG_ROW": "0 1 2 3 0 4 5 0 6 0",
    "LOWER_DIAG_ROW": "0\n1 0\n2 4 0\n3 5 6 0",
    "UPPER_COL": "1 2 4 3 5 6",
    "LOWER_COL": "1 2 3\n4\n5\n6",
    "UPPER_DIAG_COL": "0 1 0 2\n4 0 3 5\n6 0",
    "LOWER_DIAG_COL": "0 1 2 3 0 4 5 0 6 0",
}


def explicit_file(layout, body, n=4, extra=""):
    return (f"NAME : four\nTYPE : TSP\nDIMENSION : {n}\nEDGE_WEIGHT_TYPE : EXPLICIT\n"
            f"EDGE_WEIGHT_FORMAT : {layout}\n{extra}EDGE_WEIGHT_SECTION\n{body}\nEOF\n")


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_explicit_layout_of_the_same_matrix_gives_the_same_distances(layout):
    instance = parse_tsplib(explicit_file(layout, LAYOUTS[layout]))
    assert instance.distances.tolist() == FOUR_CITIES
    assert instance.edge_weight_type == "EXPLICIT"
    assert instance.coordinates is None


def test_row_layouts_read_the_same_numbers_differently():
    upper = parse_tsplib(explicit_file("UPPER_ROW", "1 2 3 4 5 6")).distances
    lower = parse_tsplib(explicit_file("LOWER_ROW", "1 2 3 4 5 6")).distances
    assert upper[0].tolist() == [0, 1, 2, 3] and upper[1, 2] == 4
    assert lower[1, 0] == 1 and lower[2].tolist() == [2, 3, 0, 6] and lower[3, 0] == 4


def test_diagonal_entries_of_explicit_layouts_are_ignored():
    # FULL_MATRIX files sometimes carry a large number on the diagonal; tours never use it
    text = explicit_file("FULL_MATRIX", "9999 1 2 3 1 9999 4 5 2 4 9999 6 3 5 6 9999")
    assert parse_tsplib(text).distances.tolist() == FOUR_CITIES


def write_layout(matrix, layout, breaks):
    """The numbers of a symmetric matrix in the order ``layout`` lists them, broken into lines at ``breaks``."""
    n = len(matrix)
    transpose = {"UPPER_COL": "LOWER_ROW", "LOWER_COL": "UPPER_ROW", "UPPER_DIAG_COL": "LOWER_DIAG_ROW",
                 "LOWER_DIAG_COL": "UPPER_DIAG_ROW"}
    row_layout = transpose.get(layout, layout)
    if row_layout == "FULL_MATRIX":
        cells = [(i, j) for i in range(n) for j in range(n)]
    else:
        keep = {"UPPER_ROW": lambda i, j: j > i, "LOWER_ROW": lambda i, j: j < i,
                "UPPER_DIAG_ROW": lambda i, j: j >= i, "LOWER_DIAG_ROW": lambda i, j: j <= i}[row_layout]
        cells = [(i, j) for i in range(n) for j in range(n) if keep(i, j)]
        if layout in transpose:  # column layouts: column j of the matrix is row j of its transpose
            cells = [(i, j) for j, i in cells]
            cells.sort(key=lambda cell: (cell[1], cell[0]))
    numbers = [str(matrix[i][j]) for i, j in cells]
    lines, start = [], 0
    for cut in sorted(set(breaks)) + [len(numbers)]:
        if start < cut <= len(numbers):
            lines.append(" ".join(numbers[start:cut]))
            start = cut
    return "\n".join(lines)


@st.composite
def symmetric_matrices(draw):
    n = draw(st.integers(1, 7))
    upper = {(i, j): draw(st.integers(0, 999)) for i in range(n) for j in range(i + 1, n)}
    return [[0 if i == j else upper[min(i, j), max(i, j)] for j in range(n)] for i in range(n)]


@settings(max_examples=60, deadline=None)
@given(matrix=symmetric_matrices(), layout=st.sampled_from(sorted(LAYOUTS)),
       breaks=st.lists(st.integers(1, 60), max_size=10))
def test_explicit_layouts_round_trip_however_the_numbers_wrap(matrix, layout, breaks):
    body = write_layout(matrix, layout, breaks)
    if not body:  # one city: the off-diagonal layouts hold no numbers at all
        body = ""
    instance = parse_tsplib(explicit_file(layout, body, n=len(matrix)))
    assert instance.distances.tolist() == matrix


def test_write_layout_helper_agrees_with_the_literal_layouts():
    for layout, body in LAYOUTS.items():
        assert write_layout(FOUR_CITIES, layout, []).split() == body.split(), layout


def test_display_data_section_gives_coordinates_of_an_explicit_instance():
    extra = "DISPLAY_DATA_TYPE : TWOD_DISPLAY\n"
    text = explicit_file("UPPER_ROW", "1 2 3 4 5 6", extra=extra).replace(
        "EOF", "DISPLAY_DATA_SECTION\n1 1.5 2\n3 0 0\n2 4 4\n4 -1 7.25\nEOF")
    instance = parse_tsplib(text)
    assert instance.coordinates.tolist() == [[1.5, 2], [4, 4], [0, 0], [-1, 7.25]]
    assert instance.distances.tolist() == FOUR_CITIES


# ---------------------------------------------------------------------------------------------- specification lines
def test_specification_spellings_optional_eof_and_comment():
    text = ("NAME:tiny\nCOMMENT : first: line\nTYPE: TSP\nCOMMENT: second\n  DIMENSION:3  \n"
            "EDGE_WEIGHT_TYPE :EUC_2D\nEDGE_WEIGHT_FORMAT: FUNCTION \nDISPLAY_DATA_TYPE: COORD_DISPLAY\n"
            "NODE_COORD_SECTION\n   1  0.0  0.0\n2 3 4\n\n3 6 8\n")
    instance = parse_tsplib(text, name="other")
    assert instance.name == "tiny" and instance.dimension == 3
    assert instance.comment == "first: line\nsecond"
    assert instance.distances.tolist() == [[0, 5, 10], [5, 0, 5], [10, 5, 0]]


def test_name_defaults_to_the_label_and_unknown_keys_are_ignored():
    text = "DIMENSION : 1\nEDGE_WEIGHT_TYPE : EUC_2D\nGRAPH_TYPE : COMPLETE\nNODE_COORD_SECTION\n1 0 0\n eof \n"
    instance = parse_tsplib(text, name="solo.tsp")
    assert instance.name == "solo.tsp" and instance.comment == ""
    assert instance.distances.tolist() == [[0]]


def test_text_after_eof_is_ignored():
    text = coordinate_file("EUC_2D", [(0, 0), (3, 4)]) + "anything at all\n1 2 3\n"
    assert parse_tsplib(text).dimension == 2


def test_tsp_instance_is_read_only_and_compares_by_value():
    first = parse_tsplib(explicit_file("UPPER_ROW", LAYOUTS["UPPER_ROW"]))
    second = parse_tsplib(explicit_file("LOWER_ROW", LAYOUTS["LOWER_ROW"]))
    assert first == second
    assert first != TSPInstance("four", 4, "EXPLICIT", np.zeros((4, 4)))
    with pytest.raises(ValueError):
        first.distances[0, 1] = 7


@pytest.mark.parametrize("arguments, message", [
    (("t", 2, "EXPLICIT", np.zeros((3, 3))), "distances must have shape (dimension, dimension) = (2, 2)"),
    (("t", 2, "EXPLICIT", [[0, 1], [2, 0]]), "distances must be symmetric"),
    (("t", 2, "EXPLICIT", [[1, 1], [1, 0]]), "distances must have a zero diagonal"),
    (("t", 2, "EXPLICIT", [[0, np.inf], [np.inf, 0]]), "distances must be finite"),
    (("t", 2, "EUC_2D", np.zeros((2, 2)), np.zeros((3, 2))), "coordinates must have shape (dimension, 2)"),
])
def test_tsp_instance_checks_its_fields(arguments, message):
    with pytest.raises(InputError) as caught:
        TSPInstance(*arguments)
    assert message in str(caught.value)


# ---------------------------------------------------------------------------------------------- bad problem files
HEADER = "NAME : x\nTYPE : TSP\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EUC_2D\nNODE_COORD_SECTION\n"  # lines 1-5
EXPLICIT_HEADER = ("NAME : x\nTYPE : TSP\nDIMENSION : 4\nEDGE_WEIGHT_TYPE : EXPLICIT\n"
                   "EDGE_WEIGHT_FORMAT : UPPER_ROW\nEDGE_WEIGHT_SECTION\n")  # lines 1-6
FULL_HEADER = EXPLICIT_HEADER.replace("UPPER_ROW", "FULL_MATRIX")
BAD_TSPLIB = [
    # specification
    ("NAME : x\nTYPE : ATSP\nDIMENSION : 3\n", "x.tsp:2: TYPE ATSP is not supported: hopopt reads symmetric TSP"),
    ("TYPE : CVRP\nDIMENSION : 3\n", "x.tsp:1: TYPE CVRP is not supported"),
    ("TYPE : TOUR\nDIMENSION : 3\n", "x.tsp:1: TYPE TOUR marks a tour file; read it with read_tour"),
    ("NAME : x\nEDGE_WEIGHT_TYPE : EUC_2D\n", "x.tsp: no DIMENSION line (the number of cities)"),
    ("DIMENSON : 3\nEDGE_WEIGHT_TYPE : EUC_2D\n", "no DIMENSION line (the number of cities) (ignored unknown keys: "
                                                  "DIMENSON)"),
    ("NAME : x\nDIMENSION : 0\nEDGE_WEIGHT_TYPE : EUC_2D\n", "x.tsp:2: DIMENSION must be at least 1, got 0"),
    ("DIMENSION : -4\n", "x.tsp:1: DIMENSION must be at least 1, got -4"),
    ("DIMENSION : 3.5\n", "x.tsp:1: DIMENSION must be a whole number, got '3.5'"),
    ("DIMENSION : three\n", "x.tsp:1: DIMENSION must be a whole number, got 'three'"),
    ("DIMENSION : 3\nDIMENSION : 4\n", "x.tsp:2: DIMENSION is given twice (first on line 1)"),
    ("DIMENSION : 3\n", "x.tsp: no EDGE_WEIGHT_TYPE line"),
    ("DIMENSION : 3\nEDGE_WEIGHT_TYPE : EUC_3D\n", "x.tsp:2: EDGE_WEIGHT_TYPE 'EUC_3D' is not supported (supported: "
                                                  "EUC_2D, CEIL_2D, ATT, GEO, MAN_2D, MAX_2D, EXPLICIT)"),
    ("DIMENSION : 3\nEDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_SECTION\n1 2 3\n",
     "x.tsp:2: EDGE_WEIGHT_TYPE EXPLICIT needs an EDGE_WEIGHT_FORMAT line"),
    ("DIMENSION : 3\nEDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : UPPER_TRIANGLE\n",
     "x.tsp:3: EDGE_WEIGHT_FORMAT 'UPPER_TRIANGLE' is not supported for EDGE_WEIGHT_TYPE EXPLICIT"),
    ("DIMENSION : 3\nEDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : FUNCTION\n",
     "x.tsp:3: EDGE_WEIGHT_FORMAT 'FUNCTION' is not supported for EDGE_WEIGHT_TYPE EXPLICIT"),
    ("DIMENSION : 3\nEDGE_WEIGHT_TYPE : EUC_2D\nEDGE_WEIGHT_FORMAT : FULL_MATRIX\n",
     "x.tsp:3: EDGE_WEIGHT_FORMAT 'FULL_MATRIX' needs EDGE_WEIGHT_TYPE EXPLICIT, but the type is EUC_2D"),
    ("DIMENSION : 3\nEDGE_WEIGHT_TYPE : EUC_2D\nNODE_COORD_TYPE : THREED_COORDS\n",
     "x.tsp:3: NODE_COORD_TYPE THREED_COORDS is not supported"),
    ("DIMENSION 3\n", "x.tsp:1: expected a 'KEY : value' line or a section name, got 'DIMENSION 3'"),
    ("DIMENSION : 3\n1 0 0\n", "x.tsp:2: expected a 'KEY : value' line or a section name, got '1 0 0'"),
    ("DIMENSION : 3\nEDGE_WEIGHT_TYPE : EUC_2D\nNODE_COORDS_SECTION\n", "x.tsp:3: unknown section NODE_COORDS_SECTION"),
    ("DIMENSION : 3\nEDGE_WEIGHT_TYPE : EUC_2D\nNODE_COORD_SECTION 1 0 0\n",
     "x.tsp:3: nothing may follow NODE_COORD_SECTION on its line"),
    # sections
    ("DIMENSION : 3\nEDGE_WEIGHT_TYPE : EUC_2D\n", "x.tsp:2: EDGE_WEIGHT_TYPE EUC_2D needs a NODE_COORD_SECTION"),
    ("DIMENSION : 3\nEDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : UPPER_ROW\n",
     "x.tsp:2: EDGE_WEIGHT_TYPE EXPLICIT needs an EDGE_WEIGHT_SECTION"),
    (HEADER + "1 0 0\n2 0 1\n3 1 1\nEDGE_WEIGHT_SECTION\n1 2 3\n",
     "x.tsp:9: EDGE_WEIGHT_SECTION given but EDGE_WEIGHT_TYPE is EUC_2D"),
    (HEADER + "1 0 0\n2 0 1\n3 1 1\nFIXED_EDGES_SECTION\n1 2\n-1\n",
     "x.tsp:9: FIXED_EDGES_SECTION is not supported in a TSP problem file"),
    (HEADER + "1 0 0\n2 0 1\n3 1 1\nNODE_COORD_SECTION\n",
     "x.tsp:9: NODE_COORD_SECTION appears twice (first on line 5)"),
    # coordinates
    (HEADER + "1 0 0\n2 0 1\n4 1 1\n", "x.tsp:8: node id 4 is out of range 1..3 (DIMENSION)"),
    (HEADER + "0 0 0\n", "x.tsp:6: node id 0 is out of range 1..3"),
    (HEADER + "1 0 0\n2 0 1\n1 1 1\n", "x.tsp:8: node 1 is listed twice (first on line 6)"),
    (HEADER + "1 0 0\n\n3 1 1\nEOF\n", "x.tsp:5: NODE_COORD_SECTION has no coordinates for node(s) 2 "
                                       "(DIMENSION 3, found 2)"),
    (HEADER, "x.tsp:5: NODE_COORD_SECTION has no coordinates for node(s) 1, 2, 3 (DIMENSION 3, found 0)"),
    (HEADER + "1 0 0\n2 0 x\n", "x.tsp:7: coordinates must be numbers, got '2 0 x'"),
    (HEADER + "1 0 0\n2 0 nan\n", "x.tsp:7: coordinates must be finite numbers, got '2 0 nan'"),
    (HEADER + "1 0 0\n2 inf 0\n", "x.tsp:7: coordinates must be finite numbers"),
    (HEADER + "1 0 0\n2 0\n", "x.tsp:7: NODE_COORD_SECTION lines must be 'id x y', got '2 0'"),
    (HEADER + "1 0 0 0\n", "x.tsp:6: NODE_COORD_SECTION lines must be 'id x y'"),
    (HEADER + "1.0 0 0\n", "x.tsp:6: node id must be a whole number, got '1.0'"),
    (HEADER + "nan 0 0\n", "x.tsp:6: node id must be a whole number, got 'nan'"),
    # explicit weights
    (EXPLICIT_HEADER + "1 2 3\n4 5\nEOF\n", "x.tsp:8: EDGE_WEIGHT_SECTION ends after 5 numbers, expected 6 for "
                                            "UPPER_ROW with DIMENSION 4"),
    (EXPLICIT_HEADER, "x.tsp:6: EDGE_WEIGHT_SECTION ends after 0 numbers, expected 6"),
    (EXPLICIT_HEADER + "1 2 3\n4 5\n6 7 8\n", "x.tsp:9: EDGE_WEIGHT_SECTION has 8 numbers, expected 6 for UPPER_ROW "
                                            "with DIMENSION 4 (the extra numbers start on this line)"),
    (EXPLICIT_HEADER + "1 2 3\n4 5 6\n7\n", "x.tsp:9: EDGE_WEIGHT_SECTION has 7 numbers, expected 6"),
    (EXPLICIT_HEADER + "1 2 3\n4 x 6\n", "x.tsp:8: edge weights must be numbers, got 'x'"),
    (EXPLICIT_HEADER + "1 2 3\n4 5\nnan\n", "x.tsp:9: edge weights must be finite, got 'nan'"),
    (EXPLICIT_HEADER + "1 2 3\ninf 5 6\n", "x.tsp:8: edge weights must be finite, got 'inf'"),
    (EXPLICIT_HEADER + "1 2 3\n4 5.5 6\n", "x.tsp:8: edge weights must be whole numbers in a TSPLIB file, got '5.5'"),
    (FULL_HEADER + "0 1 2 3\n1 0 4 5\n2 4 0 6\n3 7 6 0\n",
     "x.tsp:10: FULL_MATRIX is not symmetric: d(4,2) = 7 here but d(2,4) = 5 on line 8 (TYPE TSP needs symmetric"),
]


@pytest.mark.parametrize("text, message", BAD_TSPLIB)
def test_parse_tsplib_rejects_malformed_input_with_one_line_naming_the_place(text, message):
    with pytest.raises(InputError) as caught:
        parse_tsplib(text, name="x.tsp")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_read_tsplib_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="file not found: .*nowhere.tsp"):
        read_tsplib(tmp_path / "nowhere.tsp")
    with pytest.raises(InputError, match="is a directory"):
        read_tsplib(tmp_path)


def test_read_tsplib_errors_name_the_file_as_given_and_names_record_after_stem(tmp_path):
    path = tmp_path / "tri.tsp"
    path.write_text(HEADER + "1 0 0\n2 0 1\n9 1 1\n")
    with pytest.raises(InputError, match=r"tri.tsp:8: node id 9 is out of range 1..3 \(DIMENSION\)$"):
        read_tsplib(str(path))
    path.write_text(HEADER + "1 0 0\n2 0 1\n3 1 1\n")
    assert read_tsplib(path).name == "tri"


# ---------------------------------------------------------------------------------------------- tour_length
def test_tour_length_closes_the_tour():
    distances = np.array(FOUR_CITIES, dtype=float)
    assert tour_length(distances, [0, 1, 2, 3]) == 1 + 4 + 6 + 3
    assert tour_length(distances, np.array([3, 1, 0, 2])) == 5 + 1 + 2 + 6
    assert tour_length([[0.0]], [0]) == 0.0


@pytest.mark.parametrize("distances, tour, message", [
    (np.zeros((3, 2)), [0, 1], "distances must be a square matrix, got shape (3, 2)"),
    (np.zeros((3, 3)), [0, 1, 3], "tour has city index 3 outside 0..2"),
    (np.zeros((3, 3)), [0, -1, 2], "tour has city index -1 outside 0..2"),
    (np.zeros((4, 4)), [0, 1, 1, 0], "visited more than once: 0, 1; never visited: 2, 3"),
    (np.zeros((3, 3)), [0, 1], "tour must visit each city 0..2 exactly once; never visited: 2"),
    (np.zeros((3, 3)), [0.0, 1.0, 2.0], "tour must hold integer city indices, got dtype float64"),
    (np.zeros((3, 3)), [[0, 1, 2]], "tour must be a 1-D sequence of city indices"),
])
def test_tour_length_rejects_what_is_not_a_tour(distances, tour, message):
    with pytest.raises(InputError) as caught:
        tour_length(distances, tour)
    assert message in str(caught.value)


# ---------------------------------------------------------------------------------------------- tour files
def test_parse_tour_reads_many_cities_per_line_and_without_eof():
    tour = parse_tour("NAME : t.opt.tour\nTYPE : TOUR\nDIMENSION : 5\nTOUR_SECTION\n2 5 1\n3\n4\n-1\n")
    assert tour == TourFile("t.opt.tour", 5, [1, 4, 0, 2, 3])
    assert parse_tour("TOUR_SECTION\n3 1 2\n", name="bare").tour.tolist() == [2, 0, 1]
    assert parse_tour("TOUR_SECTION\n3 1 2\n", name="bare").dimension is None
    assert parse_tour("TOUR_SECTION\n3 1 2\nEOF\n").name == "<string>"


def test_tour_file_is_read_only():
    tour = parse_tour("TOUR_SECTION\n1 2\n-1\n")
    with pytest.raises(ValueError):
        tour.tour[0] = 1


TOUR_HEADER = "NAME : t\nTYPE : TOUR\nDIMENSION : 4\nTOUR_SECTION\n"  # lines 1-4
BAD_TOURS = [
    ("TYPE : TSP\nTOUR_SECTION\n1\n", "t.tour:1: TYPE TSP is not a tour file (expected TYPE : TOUR); read problem "
                                     "files with read_tsplib"),
    ("DIMENSION : 0\nTOUR_SECTION\n", "t.tour:1: DIMENSION must be at least 1, got 0"),
    ("NAME : t\nDIMENSION : 3\n", "t.tour: no TOUR_SECTION"),
    ("DIMENSION : 3\nNODE_COORD_SECTION\n1 0 0\n", "t.tour:2: NODE_COORD_SECTION does not belong in a tour file"),
    (TOUR_HEADER + "-1\n", "t.tour:4: TOUR_SECTION lists no cities"),
    (TOUR_HEADER + "1 2\n3 x\n", "t.tour:6: city ids must be whole numbers, got 'x'"),
    (TOUR_HEADER + "1 2\n3 5\n-1\n", "t.tour:6: city 5 is out of range 1..4 (DIMENSION)"),
    (TOUR_HEADER + "1 0 2\n", "t.tour:5: city 0 is out of range 1..4"),
    ("TOUR_SECTION\n1 -3 2\n", "t.tour:2: city -3 is out of range 1.. (ids are 1-based)"),
    (TOUR_HEADER + "1 2\n3 2\n4\n-1\n", "t.tour:6: city 2 is visited more than once (first on line 5)"),
    (TOUR_HEADER + "1 4\n2\n-1\nEOF\n", "t.tour:4: the tour never visits 3 (cities are 1..4 by DIMENSION)"),
    ("TOUR_SECTION\n1 5 2\n-1\n", "t.tour:1: the tour never visits 3, 4 (cities are 1..5 by the largest id)"),
    (TOUR_HEADER + "1 2 3 4\n-1\n2 1 4 3\n-1\n", "t.tour:7: '2' after the -1 that ends the tour (a tour file "
                                                 "holds one tour)"),
]


@pytest.mark.parametrize("text, message", BAD_TOURS)
def test_parse_tour_rejects_malformed_input_with_one_line_naming_the_place(text, message):
    with pytest.raises(InputError) as caught:
        parse_tour(text, name="t.tour")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_write_tour_writes_tsplib_format(tmp_path):
    path = tmp_path / "out.tour"
    write_tour(path, np.array([2, 0, 1]))
    assert path.read_text() == "NAME : tour\nTYPE : TOUR\nDIMENSION : 3\nTOUR_SECTION\n3\n1\n2\n-1\nEOF\n"


@pytest.mark.parametrize("tour, keywords, message", [
    ([], {}, "tour must visit at least one city, got an empty tour"),
    ([0, 2], {}, "tour has city index 2 outside 0..1"),
    ([0, 1, 1], {}, "visited more than once: 1; never visited: 2"),
    ([0, 1], {"comment": "two\nlines"}, "comment must fit on one line"),
    ([0, 1], {"name": "a\rb"}, "name must fit on one line"),
    ([0, 1], {"name": "a\x0cb"}, "name must fit on one line"),
])
def test_write_tour_refuses_what_is_not_a_tour(tmp_path, tour, keywords, message):
    with pytest.raises(InputError) as caught:
        write_tour(tmp_path / "out.tour", tour, **keywords)
    assert message in str(caught.value)


@settings(max_examples=60, deadline=None)
@given(tour=st.integers(1, 60).flatmap(lambda n: st.permutations(range(n))),
       name=st.text(st.characters(codec="ascii", exclude_categories=("Cc",)), max_size=12).map(str.strip),
       comment=st.none() | st.text(st.characters(codec="ascii", exclude_categories=("Cc",)), max_size=20))
def test_write_then_read_tour_round_trips(tmp_path_factory, tour, name, comment):
    path = tmp_path_factory.mktemp("tours") / "round.tour"
    write_tour(path, tour, name=name or "tour", comment=comment)
    read_back = read_tour(path)
    assert read_back.tour.tolist() == list(tour)
    assert read_back.dimension == len(tour)
    assert read_back.name == "round"
    assert parse_tour(path.read_text()).name == (name or "tour")


def test_read_tour_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_tour(tmp_path / "none.tour")


# ---------------------------------------------------------------------------------------------- real files
TSP_ROWS = shared_rows("tsp")


@needs_shared
@pytest.mark.parametrize("row", TSP_ROWS, ids=lambda row: row["name"])
def test_every_shared_tsplib_file_parses_with_the_catalogued_dimension(row):
    instance = read_tsplib(SHARED_INSTANCES / row["file"])
    n = int(row["nodes"])
    assert instance.name == row["name"] and instance.dimension == n
    assert instance.distances.shape == (n, n)
    assert np.array_equal(instance.distances, instance.distances.T)
    assert not np.diagonal(instance.distances).any()
    assert np.array_equal(instance.distances, np.round(instance.distances))
    off_diagonal = instance.distances[~np.eye(n, dtype=bool)]
    # zero distances are legal in TSPLIB (a280 has coincident cities); negative ones are not
    assert off_diagonal.min() >= 0
    assert row["format"] == f"TSPLIB {instance.edge_weight_type}"
    if instance.coordinates is not None:
        assert instance.coordinates.shape == (n, 2)
    if instance.edge_weight_type != "EXPLICIT":
        assert np.array_equal(instance.distances, tsplib_distances(instance.coordinates, instance.edge_weight_type))


@needs_shared
@pytest.mark.parametrize("row", [row for row in TSP_ROWS
                                 if (SHARED_INSTANCES / row["file"]).with_suffix(".opt.tour").exists()],
                         ids=lambda row: row["name"])
def test_every_optimal_tour_has_the_catalogued_length(row):
    instance = read_tsplib(SHARED_INSTANCES / row["file"])
    tour = read_tour((SHARED_INSTANCES / row["file"]).with_suffix(".opt.tour"))
    assert tour.dimension == instance.dimension
    assert tour_length(instance.distances, tour.tour) == float(row["optimum"])


@needs_shared
@pytest.mark.parametrize("name", ["burma14", "gr17"])
def test_held_karp_optimum_of_instances_without_a_tour_file_matches_the_catalogue(name):
    # burma14 checks the GEO rule and gr17 the LOWER_DIAG_ROW layout without relying on a tour file
    row = next(row for row in TSP_ROWS if row["name"] == name)
    instance = read_tsplib(SHARED_INSTANCES / row["file"])
    assert held_karp(instance.distances) == float(row["optimum"])


def test_held_karp_helper_agrees_with_brute_force():
    import itertools

    rng = np.random.default_rng(7)
    points = rng.integers(0, 100, size=(7, 2))
    distances = tsplib_distances(points, "EUC_2D")
    brute = min(tour_length(distances, (0,) + rest) for rest in itertools.permutations(range(1, 7)))
    assert held_karp(distances) == brute


@needs_shared
def test_every_tour_file_in_the_mirror_reads_as_a_permutation():
    for path in sorted((SHARED_INSTANCES / "tsplib").glob("*.tour")):
        tour = read_tour(path)
        assert sorted(tour.tour.tolist()) == list(range(tour.dimension)), path.name
