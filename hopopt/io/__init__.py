"""Plain readers and writers for benchmark instance files, one module per file format.

Each format gets a ``parse_<format>(text, name)`` that works on a string, a ``read_<format>(source)`` that reads a
file and a ``write_<format>(path, ...)``. Readers return plain records of numpy arrays (0-based node ids) and
know nothing about problems, energy models or solvers, so any part of hopopt can use them.

Every error in a file raises :class:`hopopt.errors.InputError` with one line that names the file and, where
there is one, the line number: ``G1.txt:3: node id 900 is out of range 1..800``.

Modules
-------
:mod:`hopopt.io.gset`
    Gset (rudy) max-cut edge lists: first line ``n m``, then ``m`` lines ``i j w`` (1-based node ids, weight
    optional, default 1, may be negative or fractional). Blank lines and lines starting with ``#`` or ``%`` are
    skipped.
:mod:`hopopt.io.tsplib`
    TSPLIB 95 symmetric TSP files: ``KEY : value`` specification lines (``NAME``, ``TYPE : TSP``,
    ``DIMENSION``, ``EDGE_WEIGHT_TYPE``, …), then a ``NODE_COORD_SECTION`` of ``id x y`` lines or an
    ``EDGE_WEIGHT_SECTION`` of numbers in one of the ``EDGE_WEIGHT_FORMAT`` layouts; ``EOF`` is optional.
    Distances follow the TSPLIB 95 rounding rules, so tour lengths match the published optima exactly (see
    :func:`tsplib_distances`). Also TSPLIB tour files: a ``TOUR_SECTION`` listing the 1-based cities of one
    closed tour, ended by ``-1`` or ``EOF``.
:mod:`hopopt.io.dimacs`
    DIMACS graphs (``.col``, ``.clq``): ``c`` comment lines, one problem line ``p edge N M`` (or ``p col``),
    then ``M`` lines ``e u v`` (1-based) and optionally node weights ``n v w``. Many files list each edge twice
    (``u v`` and ``v u``); the reader keeps one edge per unordered pair.
:mod:`hopopt.io.qaplib`
    QAPLIB quadratic assignment instances (``.dat``: ``n``, then the flow matrix ``A`` and the distance matrix
    ``B``, numbers wrapped anywhere) and solutions (``.sln``: ``n cost``, then a 1-based permutation separated
    by spaces or commas); :func:`qap_cost` and :func:`solution_permutation`, which tells whether a solution file
    lists the permutation or its inverse.
:mod:`hopopt.io.numbers`
    Lists of numbers for number partitioning (whitespace-separated, ``#`` comments).
:mod:`hopopt.io.orlib`
    Knapsack files (``n capacity`` then ``value weight`` lines; knapPI and Pisinger layouts) and OR-Library
    set-cover ``scp`` files (a token stream: ``m n``, the column costs, then per row its covering columns).
:mod:`hopopt.io.cnf`
    DIMACS CNF formulas (``p cnf V C``, clauses of signed 1-based literals ended by ``0``, SATLIB's ``%`` end
    marker) and weighted MaxSAT files (``p wcnf V C [top]`` and the 2022 format with ``h`` hard clauses).

:mod:`hopopt.io.qubo`
    QUBO and Ising models: qbsolv ``.qubo`` files, dimod's COO text, ``.npy``/``.npz`` matrices and dimod BQM
    files, read by :func:`read_quadratic` into a :class:`QuadraticInstance`; writers for ``.qubo`` and COO.

The graph readers (Gset, DIMACS) share the :class:`EdgeList` record. Everything public is importable from
``hopopt.io`` itself, e.g. ``from hopopt.io import read_gset``.
"""

from .._lazy import lazy_names

# public name -> the module under hopopt.io that defines it: each reader's module is imported on first access
# (PEP 562), so reading a Gset file does not import the QUBO, QAPLIB and TSPLIB readers (about 0.1 s)
_LAZY_NAMES = {
    "EdgeList": "._graph", "PathLike": "._text",
    **dict.fromkeys(("CNFInstance", "parse_cnf", "read_cnf", "write_cnf"), ".cnf"),
    **dict.fromkeys(("parse_dimacs", "read_dimacs", "write_dimacs"), ".dimacs"),
    **dict.fromkeys(("parse_gset", "read_gset", "write_gset"), ".gset"),
    **dict.fromkeys(("NumberList", "parse_numbers", "read_numbers", "write_numbers"), ".numbers"),
    **dict.fromkeys(("KnapsackInstance", "SetCoverInstance", "parse_knapsack", "parse_scp", "read_knapsack",
                     "read_scp", "write_knapsack", "write_scp"), ".orlib"),
    **dict.fromkeys(("QuadraticInstance", "parse_coo", "parse_qbsolv", "read_bqm", "read_coo",
                     "read_numpy_quadratic", "read_qbsolv", "read_quadratic", "write_coo", "write_qbsolv"), ".qubo"),
    **dict.fromkeys(("QAPInstance", "QAPSolution", "parse_qaplib", "parse_qaplib_solution", "qap_cost",
                     "read_qaplib", "read_qaplib_solution", "solution_permutation", "write_qaplib",
                     "write_qaplib_solution"), ".qaplib"),
    **dict.fromkeys(("TourFile", "TSPInstance", "parse_tour", "parse_tsplib", "read_tour", "read_tsplib",
                     "tour_length", "tsplib_distances", "write_tour"), ".tsplib"),
}

__all__ = [
    "EdgeList", "parse_gset", "read_gset", "write_gset",
    "TSPInstance", "parse_tsplib", "read_tsplib", "tsplib_distances", "tour_length",
    "TourFile", "parse_tour", "read_tour", "write_tour",
    "parse_dimacs", "read_dimacs", "write_dimacs",
    "NumberList", "parse_numbers", "read_numbers", "write_numbers",
    "QAPInstance", "parse_qaplib", "read_qaplib", "write_qaplib", "qap_cost",
    "QuadraticInstance", "read_quadratic", "parse_qbsolv", "read_qbsolv", "write_qbsolv", "parse_coo", "read_coo",
    "write_coo", "read_numpy_quadratic", "read_bqm",
    "QAPSolution", "parse_qaplib_solution", "read_qaplib_solution", "write_qaplib_solution", "solution_permutation",
    "CNFInstance", "parse_cnf", "read_cnf", "write_cnf",
    "KnapsackInstance", "parse_knapsack", "read_knapsack", "write_knapsack",
    "SetCoverInstance", "parse_scp", "read_scp", "write_scp",
]


# each public name's module is imported on first access (PEP 562)
__getattr__, __dir__ = lazy_names(__name__, _LAZY_NAMES, globals())
