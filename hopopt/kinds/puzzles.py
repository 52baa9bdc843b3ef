"""N-queens and sudoku: their text files, random instances, a MILP that proves the fewest clashes, board pictures.

File formats (read with :func:`read_queens` and :func:`read_sudoku`; ``#`` starts a comment line, blank lines
are skipped):

* ``queens``: one line holding the board side n, e.g. ``8``.
* ``sudoku``: one puzzle per line, n² characters row by row for a side n ≤ 9 (16, 36, 64 or 81 characters):
  digits 1..n for the givens, ``.`` or ``0`` for the blanks. The command line reads the first puzzle;
  :func:`read_sudoku` takes ``index=`` and :func:`read_sudoku_puzzles` returns them all. For example::

      # the first of Gordon Royle's 17-clue sudokus
      000000010400000000020000000000050407008000300001090000300400200050100000000806000

The exact method of both kinds is one 0/1 program (HiGHS through
:func:`~hopopt.solvers.exact_binary.solve_binary_program`): the one-hot choices as equalities and, for every
line that must not repeat a choice (a column or diagonal of the board; a digit in a row, column or box of the
sudoku), binary "at least k" variables ``e_k`` (k = 2, 3, …) with ``count − Σ_k e_k ≤ 1`` and cost k − 1 for
``e_k``. Since the costs grow with k, the cheapest ``e`` for a count t costs ``1 + 2 + … + (t − 1) = C(t, 2)``,
the clashing pairs of that line: the program minimises exactly the puzzle's objective, so puzzles without a
solution (2×2 and 3×3 boards, sudokus with clashing givens) still get a proven least number of clashes, and
when time runs out HiGHS's dual bound is a proven lower bound.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from ..errors import InputError
from ..io._text import _content_lines, _read_text, _shorten
from ..problems.puzzles import NQueens, Sudoku, _parse_sudoku_string, box_shape
from ._kind import ExactAnswer, ProblemKind, read_json_solution

__all__ = ["QUEENS", "SUDOKU", "read_queens", "read_sudoku", "read_sudoku_puzzles", "min_clashes_program"]


# ------------------------------------------------------------------------------------------------ readers
def read_queens(path) -> NQueens:
    """An N-queens instance from a text file holding the board side (one positive integer).

    Parameters
    ----------
    path : str or os.PathLike
        Path of the text file (``#`` starts a comment).

    Returns
    -------
    NQueens
        The board, named after the file stem.

    Examples
    --------
    >>> import os, tempfile
    >>> from hopopt.kinds.puzzles import read_queens
    >>> path = os.path.join(tempfile.mkdtemp(), "eight.queens")
    >>> with open(path, "w") as handle:
    ...     _ = handle.write("# the classic board\\n8\\n")
    >>> read_queens(path)
    NQueens(name='eight', n=8)
    """
    text, label, stem = _read_text(path)
    lines = list(_content_lines(text, "#"))
    if not lines:
        raise InputError(f"{label}: empty file: expected one line with the board side n")
    number, line = lines[0]
    fields = line.split()
    if len(fields) != 1:
        raise InputError(f"{label}:{number}: expected one number, the board side n, got {len(fields)} values "
                         f"{_shorten(line)}")
    try:
        side = int(fields[0])
    except ValueError:
        raise InputError(f"{label}:{number}: the board side must be an integer, got {_shorten(fields[0])}") from None
    if side < 1:
        raise InputError(f"{label}:{number}: the board side must be ≥ 1, got {side}")
    if len(lines) > 1:
        raise InputError(f"{label}:{lines[1][0]}: unexpected line after the board side: {_shorten(lines[1][1])}")
    return NQueens(side, name=stem)


def _sudoku_lines(path):
    """Every puzzle line of a sudoku file as ``(line number, grid)``, each checked; InputError at the first bad."""
    text, label, stem = _read_text(path)
    puzzles = []
    for number, line in _content_lines(text, "#"):
        try:
            grid = _parse_sudoku_string(line)
            box_shape(grid.shape[0])  # a side without boxes is refused here, with its line
            puzzles.append((number, grid))
        except ValueError as error:
            raise InputError(f"{label}:{number}: {error}: {_shorten(line)}") from None
    if not puzzles:
        raise InputError(f"{label}: empty file: expected one sudoku per line (n² characters, '.' or '0' blank)")
    return puzzles, label, stem


def read_sudoku_puzzles(path) -> list:
    """Every sudoku in a file (one per line, see the module docstring), named ``STEM:LINE``.

    Parameters
    ----------
    path : str or os.PathLike
        Path of the puzzle file (``#`` starts a comment).

    Returns
    -------
    list of Sudoku
        One puzzle per line that holds one, in file order.

    Examples
    --------
    >>> import os, tempfile
    >>> from hopopt.kinds.puzzles import read_sudoku_puzzles
    >>> path = os.path.join(tempfile.mkdtemp(), "small.txt")
    >>> with open(path, "w") as handle:
    ...     _ = handle.write("1.3.34.2.1..4..1\\n\\n12..34..........\\n")
    >>> [puzzle.name for puzzle in read_sudoku_puzzles(path)]
    ['small:1', 'small:3']
    """
    puzzles, label, stem = _sudoku_lines(path)
    return [_puzzle(grid, f"{stem}:{number}", label, number) for number, grid in puzzles]


def _puzzle(grid, name, label, number) -> Sudoku:
    """The Sudoku of one file line; InputError naming the line when it cannot be one (no blank cell)."""
    try:
        return Sudoku(grid, name=name)
    except ValueError as error:
        raise InputError(f"{label}:{number}: {error}") from None


def read_sudoku(path, index=0) -> Sudoku:
    """The sudoku at position ``index`` (0-based, among the puzzle lines) of a file; the first by default.

    Every line of the file is checked, so a malformed file fails whichever puzzle is asked for.

    Parameters
    ----------
    path : str or os.PathLike
    index : int, default 0
        Which puzzle line.

    Returns
    -------
    Sudoku

    Examples
    --------
    >>> import os, tempfile
    >>> from hopopt.kinds.puzzles import read_sudoku
    >>> path = os.path.join(tempfile.mkdtemp(), "small.txt")
    >>> with open(path, "w") as handle:
    ...     _ = handle.write("# two 4x4 puzzles\\n1.3.34.2.1..4..1\\n12..34..........\\n")
    >>> read_sudoku(path).name, read_sudoku(path, index=1).givens[0].tolist()
    ('small', [1, 2, 0, 0])
    """
    puzzles, label, stem = _sudoku_lines(path)
    if not 0 <= index < len(puzzles):
        raise InputError(f"{label}: puzzle index {index} is out of range: the file holds {len(puzzles)} "
                         f"puzzle(s)")
    number, grid = puzzles[index]
    return _puzzle(grid, stem if index == 0 else f"{stem}:{number}", label, number)


def _read_sudoku_solution(path, problem):
    """A JSON solution (``{"solution": [n² digits]}``), or a text file whose first puzzle line is the grid."""
    if str(path).lower().endswith(".json"):
        return read_json_solution(path)
    puzzles, label, _ = _sudoku_lines(path)
    grid = puzzles[0][1]
    if grid.shape[0] != problem.n:
        raise InputError(f"{label}:{puzzles[0][0]}: the grid has side {grid.shape[0]}, the puzzle {problem.n}")
    return grid.reshape(-1).tolist()


# ------------------------------------------------------------------------------------------------ exact
def min_clashes_program(groups, lines, n_variables):
    """The 0/1 program of the module docstring: ``(linear costs, constant, constraints)`` for
    :func:`~hopopt.solvers.exact_binary.solve_binary_program`; variables are the model's first, then ``e``.

    ``groups`` is an array of one-hot groups (each row sums to 1); ``lines`` lists ``(variables, given)``: a
    line's count is ``Σ x[variables] + given`` and costs ``C(count, 2)``.

    Parameters
    ----------
    groups : numpy.ndarray of int, shape (n_groups, size)
        The one-hot groups of the model's variables.
    lines : sequence of (array of int, int)
        Each line's variables and its number of givens.
    n_variables : int
        The model's variables; the extra variables ``e`` are numbered from here.

    Examples
    --------
    Two variables that must not both be 1 and one of which must be: the least clash is 0.

    >>> import numpy as np
    >>> from hopopt.kinds.puzzles import min_clashes_program
    >>> from hopopt.solvers.exact_binary import solve_binary_program
    >>> linear, constant, constraints = min_clashes_program(np.array([[0, 1]]), [(np.array([0, 1]), 0)], 2)
    >>> solve_binary_program(linear, None, constant, constraints).objective
    0.0
    """
    costs, rows, cols, upper = [], [], [], []
    constant = 0.0
    next_column = n_variables
    for row_index, (variables, given) in enumerate(lines):
        variables = np.asarray(variables, dtype=np.int64)
        total = variables.size + int(given)
        if variables.size == 0 or total < 2:
            # no choice in this line: its clashes among givens are a constant
            constant += given * (given - 1) / 2
            continue
        extra = np.arange(next_column, next_column + total - 1)  # e_k for k = 2..total
        next_column += total - 1
        costs.append(np.arange(1, total, dtype=np.float64))  # e_k costs k − 1
        row = len(upper)
        rows += [np.full(variables.size, row), np.full(extra.size, row)]
        cols += [variables, extra]
        upper.append(1.0 - given)
    width = next_column
    linear = np.concatenate([np.zeros(n_variables)] + costs)
    groups = np.asarray(groups, dtype=np.int64)
    one_hot = sp.csr_array((np.ones(groups.size), (np.repeat(np.arange(len(groups)), groups.shape[1]),
                                                   groups.reshape(-1))), shape=(len(groups), width))
    constraints = [(one_hot, np.ones(len(groups)), np.ones(len(groups)))]
    if upper:
        values = [np.ones(part.size) if index % 2 == 0 else -np.ones(part.size) for index, part in enumerate(cols)]
        matrix = sp.csr_array((np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))),
                              shape=(len(upper), width))
        constraints.append((matrix, np.full(len(upper), -np.inf), np.array(upper)))
    return linear, constant, constraints


def _exact(problem, time_limit):
    started = time.perf_counter()
    groups, lines = problem.conflict_lines()
    linear, constant, constraints = min_clashes_program(groups, lines, problem.n_variables)
    from ..solvers.exact_binary import solve_binary_program  # scipy.optimize (HiGHS): only for a proof
    found = solve_binary_program(linear, None, constant, constraints, time_limit=time_limit)
    if found.x is not None:
        state = found.x[:problem.n_variables].astype(np.int8)
    else:  # out of time before any assignment: the repaired empty state, with HiGHS's bound
        state = np.zeros(problem.n_variables, dtype=np.int8)
    solution = problem.decode(state)
    return ExactAnswer(np.asarray(solution), bool(found.optimal), found.bound, "milp", found.message,
                       time.perf_counter() - started, state)


# ------------------------------------------------------------------------------------------------ pictures
def _plot_queens(problem, solution, ax, title):
    from ..plotting.solutions import plot_queens

    plot_queens(solution, title=title, ax=ax)


def _plot_sudoku(problem, solution, ax, title):
    from ..plotting.solutions import plot_sudoku

    plot_sudoku(problem.givens, solution, box=problem.box, title=title, ax=ax)


def _random_queens(n, seed):
    return NQueens.random(n, rng=seed)


def _random_sudoku(n, seed, givens=None):
    return Sudoku.random(n, givens, rng=seed)


def _model_bytes(problem):
    """Memory of ``to_model()``: every variable conflicts with at most 4(n − 1) others (its row, column,
    diagonals or box, and its own cell's other digits)."""
    from ..resources import sparse_model

    variables = problem.n_variables
    side = problem.n
    return sparse_model(variables, variables * 4 * max(side - 1, 1), f"the {side}×{side} puzzle's weights")

#: the kind ``queens`` of :data:`hopopt.kinds.KINDS`: N-queens (one queen per row, fewest attacking pairs)
QUEENS = ProblemKind(
    name="queens", problem=NQueens,
    description="N-queens: one queen per row (one-hot), fewest attacking pairs (0 = a valid placement)",
    read=read_queens, file_format="queens", random=_random_queens, smallest_n=1, exact=_exact,
    solvers=("anneal", "descent", "penalty"), plot=_plot_queens, model_bytes=_model_bytes)

#: the kind ``sudoku`` of :data:`hopopt.kinds.KINDS`: Sudoku (one digit per blank, fewest repeated digits)
SUDOKU = ProblemKind(
    name="sudoku", problem=Sudoku,
    description="sudoku of side n = r·c: one digit per blank (one-hot), fewest repeated digits (0 = solved)",
    read=read_sudoku, file_format="sudoku", random=_random_sudoku, random_options={"givens": None},
    smallest_n=4, exact=_exact, model_bytes=_model_bytes, solvers=("anneal", "descent", "penalty"), plot=_plot_sudoku,
    read_solution=_read_sudoku_solution)
