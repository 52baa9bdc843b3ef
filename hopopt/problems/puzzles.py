"""Two teaching puzzles with one-hot encodings: N-queens and sudoku.

Both puzzles are "choose one item per group so that no two choices clash": a queen's column in each row, a
digit in each free cell. Both are encoded the same way, by the shared machinery at the top of this module:
binary variables, one one-hot group per choice (declared in ``metadata["onehot_groups"]``, so the annealer's
one-hot moves keep every state a complete choice) and one unit of energy per clashing pair. On a state with
exactly one 1 per group the energy *is* the number of clashing pairs, so a solved puzzle has energy 0 (the
documented ground energy) and :meth:`objective_from_energy` is the identity.

An energy ``constant + Σ_i l_i x_i + Σ_{i<j} q_ij x_i x_j`` is written in hopopt's convention
``E = −½ xᵀWx + θᵀx + offset`` as ``W_ij = W_ji = −q_ij``, ``θ = l`` and ``offset = constant``; with
``x² = x`` a one-hot penalty expands as ``A·(Σ_{i∈g} x_i − 1)² = A·(2 Σ_{i<j∈g} x_i x_j − Σ_{i∈g} x_i + 1)``.

N-queens (:class:`NQueens`). Variable ``x[r, c]`` (index ``r·n + c``) is 1 when a queen stands on row r,
column c. The energy is

    E(x) = A · Σ_r (Σ_c x[r,c] − 1)²  +  ½ · Σ_c (Σ_r x[r,c] − 1)²  +  Σ_{lines ℓ} Σ_{(r,c)<(r',c') ∈ ℓ} x x,

one queen per row (penalty A, the declared one-hot groups), one queen per column (weight ½) and one unit per
pair of queens on a common diagonal or anti-diagonal (the lines ``r − c`` and ``r + c`` constant). A
solution is the column of the queen in each row; every such assignment is feasible, and its objective is the
number of attacking pairs (same column or same diagonal, ``sense = "min"``). On a state with one queen per
row, ``Σ_c t_c = n`` for the column counts ``t_c``, so ``½ Σ_c (t_c − 1)² = ½ Σ_c t_c² − n/2 = Σ_c t_c(t_c −
1)/2``, the number of pairs sharing a column: the energy of every encoded solution equals its number of
attacks, and a valid placement (no attack) has energy 0. Boards of side 2 and 3 have none (their least
number of attacks is 1); every other side has one.

Penalty rule (N-queens). Every single-flip local minimum, hence every ground state, has one queen per row
when ``A > max(½, n − 3/2)`` (:meth:`NQueens.penalty_bound`):

* a row with s ≥ 2 queens: removing one changes the row term by ``−A(2s − 3) ≤ −A``, its column term by
  ``3/2 − t ≤ ½`` (t ≥ 1 queens there) and the diagonal term by ``≤ 0``: ``ΔE ≤ −A + ½ < 0``;
* otherwise some row r is empty and the other rows hold at most n − 1 queens, so some column c is empty; a
  queen at (r, c) changes the row term by −A, the column term by −½ and adds one diagonal pair per queen on
  its two diagonals, at most one per other row: ``ΔE ≤ −A − ½ + (n − 1) < 0``.

The automatic penalty is ``A = max(1, n − 1)``, ½ above that bound. The one-hot annealer never leaves the
one-queen-per-row states, so for it A does not matter; it matters for single-flip (penalty) annealing.

Sudoku (:class:`Sudoku`). The board has side n = r·c with boxes of r rows × c columns, r the largest divisor
of n with r ≤ √n (4 → 2×2, 6 → 2×3, 8 → 2×4, 9 → 3×3, 16 → 4×4); sides without such a divisor (primes) have
no boxes and are refused. The givens are *removed from the model*: only the free (blank) cells get
variables, ``x[f, d]`` (index ``f·n + d``) being 1 when free cell f (in row-major order) holds digit d + 1.
The energy is

    E(x) = A · Σ_f (Σ_d x[f,d] − 1)²  +  B · Σ_{units u} Σ_d (pairs of cells of u both holding digit d),

the units being the n rows, n columns and n boxes, ``B = 1``. A pair of free cells is a coupling (twice
when the two cells share a row and a box, once per unit they break), a free cell against a given of the same
unit is a threshold, and two givens that clash are a constant. A solution is the whole n×n grid of digits
1..n (given cells included), flattened row-major to n² numbers for JSON files; it is feasible when every
cell holds a digit and every given is kept, and its objective is the number of clashing pairs, counted once
per unit they break (``sense = "min"``): 0 for a solved sudoku, which has energy 0. Clashing givens are
allowed; such a puzzle has no solution and the exact method proves its least number of clashes.

Penalty rule (sudoku). A cell with s ≥ 2 digits loses ``A(2s − 3) ≥ A`` penalty and no clash by dropping
one. A cell with no digit, when every cell holds at most one, sees at most 3(n − 1) digits in its three
units (n − 1 other cells each), so some digit appears at most ``⌊3(n − 1)/n⌋ = 2`` times there (n ≥ 3):
taking it changes E by at most ``−A + 2B``. So with ``A > B·⌊3(n − 1)/n⌋`` (:meth:`Sudoku.penalty_bound`)
every state that is not one-hot has a single flip that lowers E strictly: single-flip local minima and ground
states are one-hot. The automatic penalty is ``A = bound + 1 = 3``.

Exact methods (in :mod:`hopopt.kinds.puzzles`, since problems import no solvers) use the same groups and
lines: both puzzles minimise ``Σ_lines C(count, 2)`` subject to the one-hot groups, which
:meth:`NQueens.conflict_lines` and :meth:`Sudoku.conflict_lines` describe.

Examples
--------
>>> from hopopt.problems.puzzles import NQueens, Sudoku
>>> queens = NQueens(4)
>>> queens.evaluate([1, 3, 0, 2]).objective  # a valid placement
0.0
>>> float(queens.to_model().energy(queens.encode([0, 1, 2, 3])))  # all six pairs on one diagonal
6.0
>>> puzzle = Sudoku.from_string("1.3." "34.2" ".1.." "4..1")
>>> puzzle.evaluate(puzzle.solve_by_search()).objective
0.0
"""

from __future__ import annotations

import itertools
import math
import numbers

import numpy as np
import scipy.sparse as sp

from ..model import EnergyModel, Vartype
from ._base import Evaluation, _seed_label, _short, capped, check_penalty, join_words

__all__ = ["NQueens", "Sudoku", "box_shape", "puzzle_beta_range"]

# The clash weight B: one unit of energy per clashing pair, so the energy of a one-hot state is its objective.
_CLASH_WEIGHT = 1.0
# Characters a sudoku string may hold for a blank cell.
_BLANKS = ".0"
# The cold end of the one-hot schedule is this many times the β at which one-clash moves freeze out (the rule
# of hopopt.problems.coloring.coloring_beta_range, which these clash energies share).
_COLD_FACTOR = 8.0


# ------------------------------------------------------------------------------------------- shared machinery
class _QuadraticBuilder:
    """Collects ``constant + Σ l_i x_i + Σ_{i<j} q_ij x_i x_j`` over binary x and turns it into an EnergyModel.

    Terms are accumulated as triples and merged once, so a pair met in two penalties (two sudoku cells sharing
    a row and a box) simply gets the sum of its coefficients.
    """

    def __init__(self, n_variables):
        self.n = int(n_variables)
        self.rows, self.cols, self.values = [], [], []
        self.linear = np.zeros(self.n)
        self.constant = 0.0

    def add_pairs(self, first, second, weight):
        """``weight · x_first · x_second`` for every position of the two index arrays."""
        first, second = np.asarray(first, dtype=np.int64).reshape(-1), np.asarray(second, dtype=np.int64).reshape(-1)
        self.rows.append(first)
        self.cols.append(second)
        self.values.append(np.broadcast_to(np.asarray(weight, dtype=np.float64), first.shape).copy())

    def add_all_pairs(self, indices, weight):
        """``weight`` per pair of distinct variables inside each row of ``indices`` (shape (groups, k))."""
        indices = np.asarray(indices, dtype=np.int64)
        if indices.ndim == 1:
            indices = indices[None, :]
        first, second = np.triu_indices(indices.shape[1], 1)
        self.add_pairs(indices[:, first], indices[:, second], weight)

    def add_exactly_one(self, groups, weight):
        """``weight · (Σ_{i∈g} x_i − 1)²`` for every row g of ``groups``: 2·weight per pair, −weight per
        variable, +weight per group (``x² = x``)."""
        groups = np.asarray(groups, dtype=np.int64)
        if groups.size == 0:
            return
        self.add_all_pairs(groups, 2.0 * weight)
        np.add.at(self.linear, groups.reshape(-1), -weight)
        self.constant += weight * len(groups)

    def model(self, metadata) -> EnergyModel:
        """The binary EnergyModel: ``W = −(Q + Qᵀ)``, ``θ = l``, ``offset = constant``."""
        if self.rows:
            rows, cols = np.concatenate(self.rows), np.concatenate(self.cols)
            values = np.concatenate(self.values)
        else:
            rows = cols = np.empty(0, dtype=np.int64)
            values = np.empty(0)
        weights = sp.csr_array((-np.concatenate([values, values]),
                                (np.concatenate([rows, cols]), np.concatenate([cols, rows]))),
                               shape=(self.n, self.n))
        return EnergyModel(weights, self.linear.copy(), float(self.constant), Vartype.BINARY, metadata)


def _binary_grid(state, groups, size, label) -> np.ndarray:
    """A raw state (spins or binary) as a (groups, size) 0/1 matrix; ValueError naming ``label`` otherwise."""
    state = np.asarray(state).reshape(-1)
    if state.size != groups * size:
        raise ValueError(f"{label} has {groups}·{size} = {groups * size} entries, got {state.size}")
    # spin +1 and binary 1 both mean "chosen"; spin -1 and binary 0 both mean "not chosen"
    if not (np.all(np.isin(state, (-1, 1))) or np.all(np.isin(state, (0, 1)))):
        raise ValueError("state must hold spins (-1/+1) or binary values (0/1)")
    return (state > 0).astype(np.int8).reshape(groups, size)


def _pairs(counts) -> np.ndarray:
    """C(t, 2) for every count t: the clashing pairs among t equal choices."""
    counts = np.asarray(counts, dtype=np.int64)
    return counts * (counts - 1) // 2




def _check_size(n, label) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"n ({label}) must be an integer ≥ 1, got {n!r}")
    return int(n)



def _integer_vector(values, size, label) -> np.ndarray:
    """``values`` as an int64 vector of ``size`` entries; ValueError naming ``label`` otherwise."""
    try:
        array = np.asarray(values, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{label} must hold integers, got {_short(values)}") from None
    if array.size != size:
        raise ValueError(f"{label} needs {size} entries, got {array.size}")
    # one entry in the message (an array's repr runs over several lines); past int64 a cast would wrap round
    bad = ~np.isfinite(array) | (array != np.round(array)) | (np.abs(array) >= 2.0**63)
    if np.any(bad):
        position = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{label} must hold integers, got {float(array[position])!r} at position {position}")
    return array.astype(np.int64)


# ------------------------------------------------------------------------------------------------ N-queens
class NQueens:
    """Place n queens on an n×n board so that no two attack each other.

    A solution is the column (0..n-1) of the queen in each row, so there is always exactly one queen per row;
    every such placement is feasible and its objective is the number of attacking pairs (same column or same
    diagonal), to be minimised: 0 for a valid placement. See the module docstring for the encoding.

    Parameters
    ----------
    n : int
        The board side (≥ 1). Sides 2 and 3 have no valid placement.
    name : str, optional
        A label for reports.
    penalty : float, optional
        The one-queen-per-row penalty A of :meth:`to_model`; default ``max(1, n − 1)``.

    Examples
    --------
    >>> from hopopt.problems.puzzles import NQueens
    >>> board = NQueens(8)
    >>> board.n_variables
    64
    >>> board.attacks([0, 4, 7, 5, 2, 6, 1, 3])  # one of the 92 solutions
    0
    >>> board.attacks([0, 1, 2, 3, 4, 5, 6, 7])  # every pair on the main diagonal
    28
    """

    sense = "min"

    def __init__(self, n, name=None, penalty=None):
        self.n = _check_size(n, "board side")
        self.name = f"queens-{self.n}" if name is None else str(name)
        self.penalty = None if penalty is None else check_penalty(penalty, "penalty (one-hot weight A)")

    @classmethod
    def random(cls, n, *, rng=None):
        """The n-queens board. There is one instance per side, so ``rng`` is accepted (for the interface every
        kind shares, SPEC 7) and does not change it.

        Parameters
        ----------
        n : int
            The board's side.
        rng : None, int or numpy.random.Generator
            Checked and named, not used.

        Returns
        -------
        NQueens

        Examples
        --------
        >>> from hopopt.problems.puzzles import NQueens
        >>> NQueens.random(6, rng=3).name
        'random:n=6,seed=3'
        """
        np.random.default_rng(rng)  # checked like every rng argument, although the board does not use it
        return cls(n, name=f"random:n={n},seed={_seed_label(rng)}")

    @property
    def n_variables(self) -> int:
        """Neurons of the encoding: one per square."""
        return self.n * self.n

    # ------------------------------------------------------------------ encoding
    def lines(self) -> list:
        """The columns, diagonals and anti-diagonals of at least two squares, as ``(label, variable indices)``.

        Examples
        --------
        >>> from hopopt.problems.puzzles import NQueens
        >>> [label for label, _ in NQueens(2).lines()]
        ['column 0', 'column 1', 'diagonal r−c=0', 'anti-diagonal r+c=1']
        """
        n = self.n
        index = np.arange(n * n, dtype=np.int64).reshape(n, n)
        found = [(f"column {c}", index[:, c]) for c in range(n)] if n >= 2 else []
        for offset in range(-(n - 2), n - 1):  # r − c = offset; lines of one square cannot hold a pair
            found.append((f"diagonal r−c={offset}", np.diagonal(index, -offset).copy()))
        for total in range(1, 2 * n - 2):  # r + c = total
            found.append((f"anti-diagonal r+c={total}", np.diagonal(index[:, ::-1], n - 1 - total).copy()))
        return found

    def conflict_lines(self):
        """What the exact method needs: ``(groups, lines)``, the one-hot groups (one row of the board each)
        and every line ``(variable indices, given count 0)`` whose pairs of queens attack.

        Examples
        --------
        >>> from hopopt.problems.puzzles import NQueens
        >>> groups, lines = NQueens(3).conflict_lines()
        >>> groups.shape, len(lines)
        ((3, 3), 9)
        """
        groups = np.arange(self.n * self.n, dtype=np.int64).reshape(self.n, self.n)
        return groups, [(indices, 0) for _, indices in self.lines()]

    def penalty_bound(self) -> float:
        """``max(½, n − 3/2)``: above it every single-flip local minimum has one queen per row (module docstring).

        Examples
        --------
        >>> from hopopt.problems.puzzles import NQueens
        >>> NQueens(8).penalty_bound()
        6.5
        """
        return max(0.5, self.n - 1.5)

    def default_penalty(self) -> float:
        """The automatic penalty ``A = max(1, n − 1)``, ½ above :meth:`penalty_bound`."""
        return max(1.0, float(self.n - 1))

    def to_model(self, penalty=None) -> EnergyModel:
        """The binary n²-neuron model whose energy on one-queen-per-row states is the number of attacks.

        Parameters
        ----------
        penalty : float, optional
            The one-queen-per-row penalty A; default the ``penalty`` given at construction, else
            :meth:`default_penalty`. ``metadata["penalty_rule"]`` says whether it is above the bound.

        Returns
        -------
        EnergyModel
            Binary, sparse W. ``metadata`` holds ``problem``, ``instance``, ``penalty``, ``penalty_bound``,
            ``penalty_rule``, ``ground_energy`` (0) and, for n ≥ 2, ``onehot_groups`` (the rows).

        Examples
        --------
        >>> from hopopt.problems.puzzles import NQueens
        >>> board = NQueens(4)
        >>> model = board.to_model()
        >>> float(model.energy(board.encode([1, 3, 0, 2]))), float(model.energy(board.encode([0, 0, 0, 0])))
        (0.0, 6.0)
        """
        chosen = self.penalty if penalty is None else check_penalty(penalty, "penalty (one-hot weight A)")
        if chosen is None:
            chosen = self.default_penalty()
        n = self.n
        builder = _QuadraticBuilder(n * n)
        rows = np.arange(n * n, dtype=np.int64).reshape(n, n)
        builder.add_exactly_one(rows, chosen)  # one queen per row
        builder.add_exactly_one(rows.T, 0.5 * _CLASH_WEIGHT)  # one per column: ½ turns (t−1)² into pairs
        for label, indices in self.lines():
            if not label.startswith("column"):
                builder.add_all_pairs(indices, _CLASH_WEIGHT)  # each pair on a diagonal attacks
        bound = self.penalty_bound()
        relation = ">" if chosen > bound else "≤"
        consequence = ("every single-flip local minimum and ground state has one queen per row" if chosen > bound
                       else "ground states may have rows without exactly one queen")
        metadata = {"problem": "queens", "instance": self.name, "penalty": float(chosen), "penalty_bound": bound,
                    "penalty_rule": f"A = {chosen:g} {relation} max(½, n − 3/2) = {bound:g}: {consequence}",
                    "ground_energy": 0.0, "onehot_beta_range": puzzle_beta_range(self),
                    "objective": "attacking pairs (energy of a one-queen-per-row state = attacking pairs)"}
        if n >= 2:  # a group of one variable has nothing to move to
            metadata["onehot_groups"] = rows
        return builder.model(metadata)

    def encode(self, columns, vartype="binary") -> np.ndarray:
        """The model state (length n²) of a placement: ``x[r, columns[r]] = 1``.

        Parameters
        ----------
        columns : array_like of int, shape (n,)
            The column of the queen of each row.
        vartype : {"binary", "spin"} or Vartype
            The model's variable type.

        Returns
        -------
        ndarray of int8, shape (n²,)

        Examples
        --------
        >>> from hopopt.problems.puzzles import NQueens
        >>> NQueens(2).encode([1, 0]).tolist()
        [0, 1, 1, 0]
        """
        columns = self._check_columns(columns)
        state = np.zeros((self.n, self.n), dtype=np.int8)
        state[np.arange(self.n), columns] = 1
        state = state.reshape(-1)
        if str(getattr(vartype, "value", vartype)) == "spin":
            return (2 * state - 1).astype(np.int8)
        return state

    # ------------------------------------------------------------------ decoding
    def board(self, state) -> np.ndarray:
        """A raw model state (spins or binary, length n²) as the n×n 0/1 board.

        Parameters
        ----------
        state : array_like, shape (n²,)
            Spins (−1/+1) or binary values (0/1).

        Returns
        -------
        ndarray of int8, shape (n, n)
        """
        return _binary_grid(state, self.n, self.n, "an N-queens state")

    def state_violations(self, state) -> list:
        """The rows of a raw state without exactly one queen ("row 3 has no queen", ...); empty when decodable
        without repair.

        Parameters
        ----------
        state : array_like, shape (n²,)
            Spins (−1/+1) or binary values (0/1).

        Returns
        -------
        list of str

        Examples
        --------
        >>> from hopopt.problems.puzzles import NQueens
        >>> NQueens(2).state_violations([1, 1, 0, 0])
        ['row 0 has 2 queens (columns 0 and 1)', 'row 1 has no queen']
        """
        board = self.board(state)
        lines = []
        for row, queens in enumerate(board):
            columns = np.flatnonzero(queens)
            if columns.size == 0:
                lines.append(f"row {row} has no queen")
            elif columns.size > 1:
                lines.append(f"row {row} has {columns.size} queens (columns {join_words(columns.tolist())})")
        return lines

    def decode(self, state) -> np.ndarray:
        """The placement (column per row) a state stands for, repaired to one queen per row.

        Rows with exactly one queen keep it. Then, in row order, a row with several queens keeps the one of
        them attacked by the fewest queens already placed, and an empty row takes the least attacked column
        (lowest column on ties). So the result always has one queen per row, and
        ``decode(encode(columns)) == columns``.

        Parameters
        ----------
        state : array_like, shape (n²,)
            Spins (−1/+1) or binary values (0/1).

        Returns
        -------
        ndarray of int, shape (n,)
            The column of each row's queen.

        Examples
        --------
        >>> from hopopt.problems.puzzles import NQueens
        >>> NQueens(4).decode([0, 1, 0, 0,  0, 0, 0, 1,  0, 0, 0, 0,  0, 0, 1, 0]).tolist()  # row 2 empty
        [1, 3, 0, 2]
        """
        board = self.board(state)
        per_row = board.sum(axis=1)
        columns = np.where(per_row == 1, np.argmax(board, axis=1), -1).astype(np.int64)
        for row in np.flatnonzero(per_row != 1):
            options = np.flatnonzero(board[row])
            if options.size == 0:
                options = np.arange(self.n)
            placed = np.flatnonzero(columns >= 0)
            attacked = [self._attackers(columns, placed, row, column) for column in options]
            columns[row] = options[int(np.argmin(attacked))]
        return columns

    def _attackers(self, columns, placed, row, column) -> int:
        """How many of the queens ``placed`` (rows) attack square (row, column)."""
        others = columns[placed]
        return int(np.sum((others == column) | (np.abs(others - column) == np.abs(placed - row))))

    # ------------------------------------------------------------------ evaluation
    def _check_columns(self, columns) -> np.ndarray:
        columns = _integer_vector(columns, self.n, "an N-queens solution (the column of each row's queen)")
        if columns.min() < 0 or columns.max() >= self.n:
            bad = int(np.flatnonzero((columns < 0) | (columns >= self.n))[0])
            raise ValueError(f"an N-queens solution needs columns in 0..{self.n - 1}, got {int(columns[bad])} "
                             f"in row {bad}")
        return columns

    def attacking_pairs(self, columns) -> list:
        """Every attacking pair as a readable line, columns first, then diagonals.

        Parameters
        ----------
        columns : array_like of int, shape (n,)
            The column of the queen of each row.

        Returns
        -------
        list of str

        Examples
        --------
        >>> from hopopt.problems.puzzles import NQueens
        >>> NQueens(3).attacking_pairs([0, 2, 1])
        ['anti-diagonal r+c=3: queens at (1, 2) and (2, 1)']
        """
        board = np.zeros((self.n, self.n), dtype=np.int8)
        columns = self._check_columns(columns)
        board[np.arange(self.n), columns] = 1
        return self._line_clashes(board.reshape(-1))

    def _line_clashes(self, binary) -> list:
        lines = []
        for label, indices in self.lines():
            queens = indices[binary[indices] > 0]
            for first, second in itertools.combinations(queens.tolist(), 2):
                lines.append(f"{label}: queens at {divmod(first, self.n)} and {divmod(second, self.n)}")
        return lines

    def attacks(self, columns) -> int:
        """The number of attacking pairs: pairs sharing a column, a diagonal or an anti-diagonal.

        Parameters
        ----------
        columns : array_like of int, shape (n,)
            The column of the queen of each row.

        Returns
        -------
        int

        Examples
        --------
        >>> from hopopt.problems.puzzles import NQueens
        >>> NQueens(3).attacks([0, 2, 1])
        1
        """
        columns = self._check_columns(columns)
        rows = np.arange(self.n)
        return int(_pairs(np.bincount(columns, minlength=self.n)).sum()
                   + _pairs(np.bincount(rows - columns + self.n, minlength=2 * self.n)).sum()
                   + _pairs(np.bincount(rows + columns, minlength=2 * self.n)).sum())

    def evaluate(self, columns) -> Evaluation:
        """The number of attacking pairs; every placement with one queen per row is feasible.

        ``extra["attacks"]`` lists the attacking pairs (at most 20 lines).

        Parameters
        ----------
        columns : array_like of int, shape (n,)
            The column of the queen of each row.

        Returns
        -------
        Evaluation

        Examples
        --------
        >>> from hopopt.problems.puzzles import NQueens
        >>> result = NQueens(3).evaluate([0, 2, 1])
        >>> result.objective, result.feasible, result.extra["attacks"]
        (1.0, True, ['anti-diagonal r+c=3: queens at (1, 2) and (2, 1)'])
        """
        pairs = self.attacking_pairs(columns)
        return Evaluation(float(len(pairs)), True, (), "min", extra={"attacks": capped(pairs)})

    def objective_from_energy(self, energy) -> float:
        """The attacking pairs of a one-queen-per-row state with this energy (the energy itself).

        Parameters
        ----------
        energy : float
            The energy of a one-queen-per-row state of :meth:`to_model`'s model.

        Returns
        -------
        float
            The objective.
        """
        return float(energy)

    def energy_terms(self, binary, metadata) -> tuple:
        """The energy of a binary state as its three named terms, and every broken rule of the puzzle.

        The lines name the rows without exactly one queen (the constraint) and every attacking pair (what the
        objective counts, so a state of a valid placement has no line at all).

        Parameters
        ----------
        binary : array_like of 0/1, shape (n²,)
            A raw binary state, the board row by row.
        metadata : dict
            The model's metadata (its ``penalty`` A; default :meth:`default_penalty`).

        Returns
        -------
        terms : dict of str to float
            Each named term's contribution to the energy.
        violations : list of str
            The violated constraints, one readable line each.

        Examples
        --------
        >>> from hopopt.problems.puzzles import NQueens
        >>> board = NQueens(3)
        >>> terms, lines = board.energy_terms(board.encode([0, 2, 1]), board.to_model().metadata)
        >>> sum(terms.values()), lines
        (1.0, ['anti-diagonal r+c=3: queens at (1, 2) and (2, 1)'])
        """
        board = self.board(binary)
        penalty = float(metadata.get("penalty", self.default_penalty()))
        diagonal_pairs = 0
        flat = board.reshape(-1)
        for label, indices in self.lines():
            if not label.startswith("column"):
                diagonal_pairs += int(_pairs(flat[indices].sum()))
        terms = {
            "one queen per row (A·Σ_r (queens − 1)²)": penalty * float(((board.sum(axis=1) - 1.0) ** 2).sum()),
            "one queen per column (½·Σ_c (queens − 1)²)": 0.5 * float(((board.sum(axis=0) - 1.0) ** 2).sum()),
            "queens on a common diagonal (pairs)": _CLASH_WEIGHT * float(diagonal_pairs),
        }
        return terms, self.state_violations(board) + self._line_clashes(flat)

    def explain(self, state, model=None):
        """The energy of a raw model state split into its terms, with the broken rules.

        See :func:`hopopt.problems.explain.explain`.

        Parameters
        ----------
        state : array_like
            A raw state of ``model``: spins (−1/+1) for a spin model, else binary (0/1).
        model : EnergyModel, optional
            The model the state belongs to; default :meth:`to_model`'s (its metadata gives the penalty weights).

        Returns
        -------
        Explanation
            See :func:`hopopt.problems.explain.explain`.
        """
        from .explain import explain

        return explain(self, state, model)

    def __repr__(self):
        return f"NQueens(name={self.name!r}, n={self.n})"


# -------------------------------------------------------------------------------------------------- sudoku
def box_shape(n) -> tuple:
    """The boxes of a sudoku of side n: (r, c) with r·c = n, r the largest divisor of n with r ≤ √n.

    Raises ValueError when that r is 1 (n prime or 1): the boxes would be the rows.

    Parameters
    ----------
    n : int
        The sudoku's side (digits 1..n).

    Returns
    -------
    (int, int)
        Rows and columns of a box.

    Examples
    --------
    >>> from hopopt.problems.puzzles import box_shape
    >>> box_shape(9), box_shape(6), box_shape(16)
    ((3, 3), (2, 3), (4, 4))
    """
    n = _check_size(n, "sudoku side")
    rows = max(d for d in range(1, math.isqrt(n) + 1) if n % d == 0)
    if rows == 1:
        raise ValueError(f"a sudoku side must be r·c with 2 ≤ r ≤ c (4, 6, 8, 9, 10, 12, 16, ...), got {n}")
    return rows, n // rows


class Sudoku:
    """A sudoku of side n (boxes r×c, see :func:`box_shape`): fill the blanks with 1..n so that no row,
    column or box repeats a digit.

    A solution is the whole grid of digits (givens included), flattened row-major to n² numbers; it is
    feasible when every cell holds a digit and every given is kept, and its objective is the number of
    clashing pairs, once per unit (row, column, box) they break: 0 for a solved sudoku. The givens are not
    variables of the model (see the module docstring).

    Parameters
    ----------
    givens : array_like of shape (n, n) or (n²,), or str
        Digits 1..n for the given cells and 0 for the blanks; a string of n² characters (digits, ``.`` or
        ``0`` for blanks; sides up to 9) is read with :meth:`from_string`.
    name : str, optional
    penalty : float, optional
        The one-digit-per-cell penalty A of :meth:`to_model`; default 3 (module docstring).

    Examples
    --------
    >>> from hopopt.problems.puzzles import Sudoku
    >>> puzzle = Sudoku([[1, 0, 3, 0], [3, 4, 0, 2], [0, 1, 0, 0], [4, 0, 0, 1]])
    >>> puzzle.n, puzzle.box, puzzle.n_variables  # 8 blanks × 4 digits
    (4, (2, 2), 32)
    """

    sense = "min"

    def __init__(self, givens, name="sudoku", penalty=None):
        if isinstance(givens, str):
            givens = _parse_sudoku_string(givens)
        try:
            grid = np.asarray(givens, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"givens must be an n×n grid of integers 0..n (0 blank), got {givens!r}") from None
        if grid.ndim == 1:
            side = math.isqrt(grid.size)
            if side * side != grid.size or side == 0:
                raise ValueError(f"givens as a flat list need n² entries, got {grid.size} (not a square)")
            grid = grid.reshape(side, side)
        if grid.ndim != 2 or grid.shape[0] != grid.shape[1] or grid.shape[0] == 0:
            raise ValueError(f"givens must be an n×n grid, got shape {grid.shape}")
        n = grid.shape[0]
        if not np.all(np.isfinite(grid)) or np.any(grid != np.round(grid)) or grid.min() < 0 or grid.max() > n:
            bad = np.argwhere(~np.isfinite(grid) | (grid != np.round(grid)) | (grid < 0) | (grid > n))[0]
            raise ValueError(f"givens must be digits 1..{n} or 0 (blank), got {grid[tuple(bad)]:g} in row "
                             f"{bad[0]}, column {bad[1]}")
        self.box = box_shape(n)
        self.n = int(n)
        self.givens = grid.astype(np.int64)
        self.givens.flags.writeable = False
        self.free_cells = np.flatnonzero(self.givens.reshape(-1) == 0)
        if self.free_cells.size == 0:
            raise ValueError("a sudoku needs at least one blank cell to solve; every cell is given")
        self.name = str(name)
        self.penalty = None if penalty is None else check_penalty(penalty, "penalty (one-hot weight A)")
        # unit membership of every cell: units[u] = the n cells of unit u (rows, then columns, then boxes)
        cells = np.arange(n * n).reshape(n, n)
        rows, cols = self.box
        boxes = cells.reshape(n // rows, rows, n // cols, cols).transpose(0, 2, 1, 3).reshape(n, n)
        self.units = np.concatenate([cells, cells.T, boxes]).astype(np.int64)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_string(cls, text, name="sudoku", penalty=None):
        """From n² characters: digits 1..n, and ``.`` or ``0`` for blanks (n ≤ 9), row by row.

        Parameters
        ----------
        text : str
            The puzzle's n² characters.
        name, penalty
            As :class:`Sudoku` takes them.

        Returns
        -------
        Sudoku

        Examples
        --------
        >>> from hopopt.problems.puzzles import Sudoku
        >>> Sudoku.from_string("12..34..........").givens[0].tolist()
        [1, 2, 0, 0]
        """
        return cls(_parse_sudoku_string(text), name, penalty)

    @classmethod
    def random(cls, n=9, givens=None, *, rng=None):
        """A random puzzle: a random valid grid with all but ``givens`` cells blanked at random.

        The grid is the base pattern ``(c·(row mod r) + ⌊row/r⌋ + column) mod n`` (a valid sudoku for boxes
        r×c) with its digits, the rows inside each band, the bands, the columns inside each stack and the
        stacks permuted at random. So the puzzle always has a solution (often several when few cells are
        given).

        Parameters
        ----------
        n : int
            The board side (see :func:`box_shape`).
        givens : int, optional
            How many cells stay given, 0..n²−1; default ⌊n²/2⌋.
        rng : None, int or numpy.random.Generator

        Examples
        --------
        >>> from hopopt.problems.puzzles import Sudoku
        >>> puzzle = Sudoku.random(9, givens=30, rng=1)
        >>> int((puzzle.givens > 0).sum()), puzzle.name
        (30, 'random:n=9,givens=30,seed=1')
        """
        rows, cols = box_shape(n)
        total = n * n
        count = total // 2 if givens is None else givens
        if isinstance(count, bool) or not isinstance(count, numbers.Integral) or not 0 <= count < total:
            raise ValueError(f"givens (cells kept) must be an integer in 0..{total - 1}, got {givens!r}")
        generator = np.random.default_rng(rng)
        grid = _random_solution(n, rows, cols, generator)
        kept = generator.choice(total, size=int(count), replace=False)
        puzzle = np.zeros(total, dtype=np.int64)
        puzzle[kept] = grid.reshape(-1)[kept]
        return cls(puzzle.reshape(n, n), name=f"random:n={n},givens={count},seed={_seed_label(rng)}")

    @property
    def n_variables(self) -> int:
        """Neurons of the encoding: one per (free cell, digit)."""
        return int(self.free_cells.size) * self.n

    # ------------------------------------------------------------------ unit helpers
    def unit_name(self, unit) -> str:
        """'row 2', 'column 5', 'box 4 (rows 3-5, columns 3-5)' for unit index 0..3n-1.

        Parameters
        ----------
        unit : int
            Rows are 0..n-1, columns n..2n-1, boxes 2n..3n-1.

        Returns
        -------
        str
        """
        n = self.n
        kind, number = divmod(int(unit), n)
        if kind == 0:
            return f"row {number}"
        if kind == 1:
            return f"column {number}"
        rows, cols = self.box
        top, left = (number // (n // cols)) * rows, (number % (n // cols)) * cols
        return f"box {number} (rows {top}-{top + rows - 1}, columns {left}-{left + cols - 1})"

    def conflict_lines(self):
        """What the exact method needs: ``(groups, lines)``, the one-hot groups (one free cell each) and, for
        every unit and digit, the variables that put the digit in the unit's free cells with the number of
        givens of that digit there.

        Examples
        --------
        >>> from hopopt.problems.puzzles import Sudoku
        >>> groups, lines = Sudoku.from_string("1..." "...." "...." "....").conflict_lines()
        >>> groups.shape, len(lines)
        ((15, 4), 48)
        """
        n = self.n
        free_position = np.full(n * n, -1, dtype=np.int64)
        free_position[self.free_cells] = np.arange(self.free_cells.size)
        groups = np.arange(self.free_cells.size * n, dtype=np.int64).reshape(-1, n)
        flat = self.givens.reshape(-1)
        lines = []
        for unit in self.units:
            positions = free_position[unit]
            positions = positions[positions >= 0]
            given_counts = np.bincount(flat[unit], minlength=n + 1)
            for digit in range(n):
                lines.append((positions * n + digit, int(given_counts[digit + 1])))
        return groups, lines

    # ------------------------------------------------------------------ encoding
    def penalty_bound(self) -> float:
        """``B·⌊3(n − 1)/n⌋`` (2 for every side ≥ 4): above it every single-flip local minimum is one-hot.

        Examples
        --------
        >>> from hopopt.problems.puzzles import Sudoku
        >>> Sudoku.random(4, rng=0).penalty_bound()
        2.0
        """
        return _CLASH_WEIGHT * float((3 * (self.n - 1)) // self.n)

    def default_penalty(self) -> float:
        """The automatic penalty ``A = penalty_bound() + 1`` (3)."""
        return self.penalty_bound() + _CLASH_WEIGHT

    def to_model(self, penalty=None) -> EnergyModel:
        """The binary model over the free cells whose energy on one-hot states is the number of clashes.

        Parameters
        ----------
        penalty : float, optional
            The one-digit-per-cell penalty A; default the ``penalty`` given at construction, else
            :meth:`default_penalty`.

        Returns
        -------
        EnergyModel
            Binary, sparse W, ``free cells · n`` variables (index ``f·n + d`` for digit d + 1 in the f-th free
            cell). ``metadata`` holds ``problem``, ``instance``, ``penalty``, ``penalty_bound``,
            ``penalty_rule``, ``ground_energy`` (0), ``free_cells`` and ``onehot_groups`` (the free cells).

        Examples
        --------
        >>> from hopopt.problems.puzzles import Sudoku
        >>> puzzle = Sudoku.from_string("1.3." "34.2" ".1.." "4..1")
        >>> model = puzzle.to_model()
        >>> float(model.energy(puzzle.encode(puzzle.solve_by_search())))
        0.0
        """
        chosen = self.penalty if penalty is None else check_penalty(penalty, "penalty (one-hot weight A)")
        if chosen is None:
            chosen = self.default_penalty()
        groups, lines = self.conflict_lines()
        builder = _QuadraticBuilder(groups.size)
        builder.add_exactly_one(groups, chosen)
        for variables, given in lines:
            # free-free pairs are couplings, free-given pairs thresholds, given-given pairs a constant
            builder.add_all_pairs(variables, _CLASH_WEIGHT)
            np.add.at(builder.linear, variables, _CLASH_WEIGHT * given)
            builder.constant += _CLASH_WEIGHT * float(_pairs(given))
        bound = self.penalty_bound()
        relation = ">" if chosen > bound else "≤"
        consequence = ("every single-flip local minimum and ground state holds one digit per cell" if chosen > bound
                       else "ground states may leave cells without exactly one digit")
        metadata = {"problem": "sudoku", "instance": self.name, "penalty": float(chosen), "penalty_bound": bound,
                    "penalty_rule": f"A = {chosen:g} {relation} B·⌊3(n − 1)/n⌋ = {bound:g}: {consequence}",
                    "ground_energy": 0.0, "onehot_beta_range": puzzle_beta_range(self),
                    "free_cells": self.free_cells.copy(), "onehot_groups": groups,
                    "objective": "clashing pairs per unit (energy of a one-hot state = clashing pairs)"}
        return builder.model(metadata)

    def grid(self, solution) -> np.ndarray:
        """A solution (n² digits, or n×n) as the n×n grid, checked: integers 0..n (0 = empty cell).

        Parameters
        ----------
        solution : array_like of int, shape (n²,) or (n, n)
            The grid's digits, 0 for an empty cell.

        Returns
        -------
        ndarray of int, shape (n, n)

        Examples
        --------
        >>> from hopopt.problems.puzzles import Sudoku
        >>> Sudoku.random(4, rng=0).grid([1, 2, 3, 4] * 4)[1].tolist()
        [1, 2, 3, 4]
        """
        values = _integer_vector(solution, self.n * self.n, f"a {self.n}×{self.n} sudoku solution")
        if values.min() < 0 or values.max() > self.n:
            bad = int(np.flatnonzero((values < 0) | (values > self.n))[0])
            raise ValueError(f"a sudoku solution holds digits 1..{self.n} (0 for an empty cell), got "
                             f"{int(values[bad])} in row {bad // self.n}, column {bad % self.n}")
        return values.reshape(self.n, self.n)

    def encode(self, solution, vartype="binary") -> np.ndarray:
        """The model state of a complete grid that keeps the givens: the free cells' digits, one-hot.

        Parameters
        ----------
        solution : array_like of int, shape (n²,) or (n, n)
            The grid's digits, complete, with the givens.
        vartype : {"binary", "spin"} or Vartype
            The model's variable type.

        Returns
        -------
        ndarray of int8, shape (free cells · n,)

        Examples
        --------
        >>> from hopopt.problems.puzzles import Sudoku
        >>> puzzle = Sudoku.from_string("123." "...." "...." "....")
        >>> puzzle.encode(puzzle.solve_by_search())[:4].tolist()  # the first blank (row 0, column 3) is 4
        [0, 0, 0, 1]
        """
        grid = self.grid(solution).reshape(-1)
        given = self.givens.reshape(-1)
        changed = np.flatnonzero((given > 0) & (grid != given))
        if changed.size:
            cell = int(changed[0])
            raise ValueError(f"cell ({cell // self.n}, {cell % self.n}) is given {int(given[cell])}, the solution "
                             f"has {int(grid[cell])}")
        digits = grid[self.free_cells]
        if np.any(digits == 0):
            cell = int(self.free_cells[np.flatnonzero(digits == 0)[0]])
            raise ValueError(f"cell ({cell // self.n}, {cell % self.n}) is empty: only complete grids are encoded")
        state = np.zeros((self.free_cells.size, self.n), dtype=np.int8)
        state[np.arange(self.free_cells.size), digits - 1] = 1
        state = state.reshape(-1)
        if str(getattr(vartype, "value", vartype)) == "spin":
            return (2 * state - 1).astype(np.int8)
        return state

    # ------------------------------------------------------------------ decoding
    def cells(self, state) -> np.ndarray:
        """A raw model state (spins or binary) as the (free cells, n) 0/1 matrix of digits held.

        Parameters
        ----------
        state : array_like, shape (free cells · n,)
            Spins (−1/+1) or binary values (0/1).

        Returns
        -------
        ndarray of int8, shape (free cells, n)
        """
        return _binary_grid(state, int(self.free_cells.size), self.n, "a sudoku state")

    def state_violations(self, state) -> list:
        """The free cells of a raw state without exactly one digit ("cell (0, 3) has no digit", ...).

        Parameters
        ----------
        state : array_like, shape (free cells · n,)
            Spins (−1/+1) or binary values (0/1).

        Returns
        -------
        list of str

        Examples
        --------
        >>> from hopopt.problems.puzzles import Sudoku
        >>> Sudoku.from_string("123." "...." "...." "....").state_violations([0] * 52)[:1]
        ['cell (0, 3) has no digit']
        """
        held = self.cells(state)
        lines = []
        for position, cell in enumerate(self.free_cells):
            digits = np.flatnonzero(held[position]) + 1
            where = f"cell ({cell // self.n}, {cell % self.n})"
            if digits.size == 0:
                lines.append(f"{where} has no digit")
            elif digits.size > 1:
                lines.append(f"{where} has digits {join_words(digits.tolist())}")
        return lines

    def decode(self, state) -> np.ndarray:
        """The grid (n² digits, row-major, givens included) a state stands for, repaired to one digit per cell.

        Free cells holding exactly one digit keep it. Then, in cell order, a cell holding several digits keeps
        the one of them that clashes least with the digits already placed (givens included), and an empty
        cell takes the least clashing digit of all (lowest on ties). The result is always feasible, and
        ``decode(encode(grid)) == grid``.

        Parameters
        ----------
        state : array_like, shape (free cells · n,)
            Spins (−1/+1) or binary values (0/1).

        Returns
        -------
        ndarray of int, shape (n²,)
            The complete grid.

        Examples
        --------
        >>> from hopopt.problems.puzzles import Sudoku
        >>> puzzle = Sudoku.from_string("123." "...." "...." "....")
        >>> puzzle.decode([0] * 52)[:4].tolist()  # every free cell empty: 4 completes the first row
        [1, 2, 3, 4]
        """
        held = self.cells(state)
        n = self.n
        grid = self.givens.reshape(-1).copy()
        per_cell = held.sum(axis=1)
        single = per_cell == 1
        grid[self.free_cells[single]] = np.argmax(held[single], axis=1) + 1
        units_of = self._units_of_cells()
        for position in np.flatnonzero(~single):
            cell = self.free_cells[position]
            options = np.flatnonzero(held[position]) + 1
            if options.size == 0:
                options = np.arange(1, n + 1)
            seen = np.zeros(n + 1, dtype=np.int64)
            for unit in units_of[cell]:
                members = self.units[unit]
                seen += np.bincount(grid[members[members != cell]], minlength=n + 1)
            grid[cell] = options[int(np.argmin(seen[options]))]
        return grid

    def _units_of_cells(self) -> np.ndarray:
        """For every cell, its three units (row, column, box)."""
        n = self.n
        owners = np.zeros((n * n, 3), dtype=np.int64)
        for unit, members in enumerate(self.units):
            owners[members, unit // n] = unit
        return owners

    # ------------------------------------------------------------------ evaluation
    def _unit_clashes(self, digits_per_cell) -> tuple:
        """Clash lines and per-kind counts (rows, columns, boxes) for a list of digit sets, one per cell."""
        counts = [0, 0, 0]
        lines = []
        for unit, members in enumerate(self.units):
            holders = {}
            for cell in members:
                for digit in digits_per_cell[cell]:
                    holders.setdefault(int(digit), []).append(int(cell))
            for digit in sorted(holders):
                for first, second in itertools.combinations(holders[digit], 2):
                    counts[unit // self.n] += 1
                    lines.append(f"{self.unit_name(unit)} repeats digit {digit}: cells "
                                 f"{divmod(first, self.n)} and {divmod(second, self.n)}")
        return lines, counts

    def clashes(self, solution) -> int:
        """The clashing pairs of a grid, once per unit they break (empty cells clash with nothing).

        Parameters
        ----------
        solution : array_like of int, shape (n²,) or (n, n)
            The grid's digits, 0 for an empty cell.

        Returns
        -------
        int

        Examples
        --------
        >>> from hopopt.problems.puzzles import Sudoku
        >>> Sudoku.random(4, rng=0).clashes([1] * 16)  # 4 units of each kind, 6 pairs in each
        72
        """
        grid = self.grid(solution)
        total = 0
        for members in self.units:
            total += int(_pairs(np.bincount(grid.reshape(-1)[members], minlength=self.n + 1)[1:]).sum())
        return total

    def evaluate(self, solution) -> Evaluation:
        """The clashing pairs; infeasible (with the reasons) when a cell is empty or a given is changed.

        ``extra["clashes"]`` names the clashing pairs (at most 20 lines).

        Parameters
        ----------
        solution : array_like of int, shape (n²,) or (n, n)
            The grid's digits, 0 for an empty cell.

        Returns
        -------
        Evaluation

        Examples
        --------
        >>> from hopopt.problems.puzzles import Sudoku
        >>> puzzle = Sudoku.from_string("1..." "...." "...." "....")
        >>> result = puzzle.evaluate([2, 1, 3, 4] + [0] * 12)
        >>> result.feasible, result.violations[0]
        (False, 'cell (0, 0) is given 1 but holds 2')
        """
        grid = self.grid(solution).reshape(-1)
        given = self.givens.reshape(-1)
        violations = []
        for cell in np.flatnonzero((grid == 0) | ((given > 0) & (grid != given))):
            where = f"cell ({cell // self.n}, {cell % self.n})"
            if given[cell] == 0:
                violations.append(f"{where} has no digit")
            else:
                held = f"holds {int(grid[cell])}" if grid[cell] else "is empty"
                violations.append(f"{where} is given {int(given[cell])} but {held}")
        clash_lines, _ = self._unit_clashes([[digit] if digit else [] for digit in grid])
        return Evaluation(float(self.clashes(grid)), not violations, tuple(capped(violations)), "min",
                          extra={"clashes": capped(clash_lines)})

    def objective_from_energy(self, energy) -> float:
        """The clashing pairs of a complete grid whose state has this energy (the energy itself).

        Parameters
        ----------
        energy : float
            The energy of a complete grid's state of :meth:`to_model`'s model.

        Returns
        -------
        float
            The objective.
        """
        return float(energy)

    def energy_terms(self, binary, metadata) -> tuple:
        """The energy of a binary state as its named terms, and every broken rule of the puzzle.

        The terms are the one-digit-per-cell penalty and the repeated digits in rows, columns and boxes
        (givens included); the lines name the free cells without exactly one digit and every repeated digit.

        Parameters
        ----------
        binary : array_like of 0/1, shape (free cells · n,)
            A raw binary state, the free cells' digits one-hot.
        metadata : dict
            The model's metadata (its ``penalty`` A; default :meth:`default_penalty`).

        Returns
        -------
        terms : dict of str to float
            Each named term's contribution to the energy.
        violations : list of str
            The violated constraints, one readable line each.

        Examples
        --------
        >>> from hopopt.problems.puzzles import Sudoku
        >>> puzzle = Sudoku.from_string("1..." "...." "...." "....")
        >>> solved = puzzle.encode([1, 2, 3, 4, 3, 4, 1, 2, 2, 1, 4, 3, 4, 3, 2, 1])
        >>> sum(puzzle.energy_terms(solved, puzzle.to_model().metadata)[0].values())
        0.0
        >>> clashing = puzzle.encode([1, 2, 3, 4, 3, 4, 1, 2, 2, 1, 4, 3, 4, 3, 1, 2])
        >>> puzzle.energy_terms(clashing, puzzle.to_model().metadata)[1]  # doctest: +NORMALIZE_WHITESPACE
        ['column 2 repeats digit 1: cells (1, 2) and (3, 2)', 'column 3 repeats digit 2: cells (1, 3) and (3, 3)']
        """
        held = self.cells(binary)
        penalty = float(metadata.get("penalty", self.default_penalty()))
        digits_per_cell = [[int(d)] if d else [] for d in self.givens.reshape(-1)]
        for position, cell in enumerate(self.free_cells):
            digits_per_cell[cell] = (np.flatnonzero(held[position]) + 1).tolist()
        clash_lines, counts = self._unit_clashes(digits_per_cell)
        terms = {
            "one digit per cell (A·Σ (digits − 1)²)": penalty * float(((held.sum(axis=1) - 1.0) ** 2).sum()),
            "repeated digits in rows (pairs)": _CLASH_WEIGHT * counts[0],
            "repeated digits in columns (pairs)": _CLASH_WEIGHT * counts[1],
            "repeated digits in boxes (pairs)": _CLASH_WEIGHT * counts[2],
        }
        return terms, self.state_violations(held) + clash_lines

    def explain(self, state, model=None):
        """The energy of a raw model state split into its terms, with the broken rules.

        See :func:`hopopt.problems.explain.explain`.

        Parameters
        ----------
        state : array_like
            A raw state of ``model``: spins (−1/+1) for a spin model, else binary (0/1).
        model : EnergyModel, optional
            The model the state belongs to; default :meth:`to_model`'s (its metadata gives the penalty weights).

        Returns
        -------
        Explanation
            See :func:`hopopt.problems.explain.explain`.
        """
        from .explain import explain

        return explain(self, state, model)

    # ------------------------------------------------------------------ a reference solver
    def solve_by_search(self, limit=1):
        """Solutions by plain backtracking (most constrained cell first); the reference the tests check
        the energy and the exact method against. Returns the first grid (n² digits), or None when there is
        none; with ``limit > 1`` a list of up to ``limit`` grids.

        Fast on small boards and on sudokus with many givens; exponential in general.

        Parameters
        ----------
        limit : int
            How many solutions to look for.

        Returns
        -------
        ndarray of int, shape (n²,), None, or list of ndarray
            As above.

        Examples
        --------
        >>> from hopopt.problems.puzzles import Sudoku
        >>> Sudoku.from_string("1.3." "34.2" ".1.." "4..1").solve_by_search().tolist()
        [1, 2, 3, 4, 3, 4, 1, 2, 2, 1, 4, 3, 4, 3, 2, 1]
        """
        n = self.n
        grid = self.givens.reshape(-1).copy()
        units_of = self._units_of_cells()
        peers = [np.unique(np.concatenate([self.units[u] for u in units_of[cell]])) for cell in range(n * n)]
        found = []

        def candidates(cell):
            return set(range(1, n + 1)) - set(grid[peers[cell]].tolist())

        def search():
            blanks = np.flatnonzero(grid == 0)
            if blanks.size == 0:
                found.append(grid.copy())
                return len(found) >= limit
            cell = min(blanks.tolist(), key=lambda c: len(candidates(c)))
            for digit in sorted(candidates(cell)):
                grid[cell] = digit
                if search():
                    return True
            grid[cell] = 0
            return False

        if self.clashes(grid) == 0:
            search()
        if limit == 1:
            return found[0] if found else None
        return found

    def __repr__(self):
        return (f"Sudoku(name={self.name!r}, n={self.n}, box={self.box[0]}×{self.box[1]}, "
                f"givens={int((self.givens > 0).sum())})")


def puzzle_beta_range(problem) -> tuple:
    """(β_hot, β_cold) for one-hot annealing of a puzzle model, whose one-hot moves change E by whole clashes.

    Hot: a move that adds one clash is accepted with probability ½ (β = ln 2). One-clash moves freeze out at
    β_frozen = ln(100·N) (N the model's variables: accepted about once in 100 sweeps), and the cold end is
    8·β_frozen, so that the end of a geometric schedule walks at zero temperature over moves that keep the
    number of clashes: the rule of :func:`~hopopt.problems.coloring.coloring_beta_range`. The annealer's
    generic range starts where even the one-hot penalty's couplings, which one-hot moves never pay, are
    crossed freely (β ≈ 0.005 on a 9×9 sudoku): far too hot. Measured with ``benchmarks/puzzles.py`` (shared
    2-core machine, complete anneals of 100, 200, 400, ... sweeps until energy 0): median time to solution
    0.22 s against 0.50 s with the generic range on five 9×9 sudokus with 40 givens, 0.05 s against 0.12 s on
    20-queens (five seeds each, all solved with both ranges).

    The model's ``metadata["onehot_beta_range"]`` holds it; pass it as ``anneal(model, beta_range=...)``.

    Parameters
    ----------
    problem : Sudoku or NQueens
        The puzzle; its number of variables N sets the cold end.

    Returns
    -------
    (float, float)
        β_hot = ln 2 and β_cold = 8 ln(100·N).

    Examples
    --------
    >>> from hopopt.problems.puzzles import NQueens, puzzle_beta_range
    >>> hot, cold = puzzle_beta_range(NQueens(8))
    >>> round(hot, 3), round(cold, 2)
    (0.693, 70.11)
    """
    return float(np.log(2.0)), float(_COLD_FACTOR * np.log(100.0 * problem.n_variables))


def _parse_sudoku_string(text) -> np.ndarray:
    """n² characters (digits, ``.``/``0`` blank) as the n×n grid; ValueError naming the first bad character."""
    text = str(text).strip()
    side = math.isqrt(len(text))
    if side * side != len(text) or not 1 <= side <= 9:
        raise ValueError(f"a sudoku string has n² characters for a side n ≤ 9 (16, 36, 64 or 81), got "
                         f"{len(text)}")
    values = np.zeros(len(text), dtype=np.int64)
    for position, character in enumerate(text):
        if character in _BLANKS:
            continue
        if not character.isdigit() or not 1 <= int(character) <= side:
            raise ValueError(f"character {position + 1} is {character!r}; a {side}×{side} sudoku holds digits "
                             f"1..{side}, '.' or '0'")
        values[position] = int(character)
    return values.reshape(side, side)


def _random_solution(n, rows, cols, generator) -> np.ndarray:
    """A random valid n×n grid (digits 1..n) for boxes rows×cols: the base pattern, permuted."""
    row = np.arange(n)[:, None]
    column = np.arange(n)[None, :]
    base = (cols * (row % rows) + row // rows + column) % n
    bands, stacks = n // rows, n // cols
    # rows within each band and the bands themselves; columns within each stack and the stacks
    row_order = np.concatenate([band * rows + generator.permutation(rows) for band in generator.permutation(bands)])
    column_order = np.concatenate([stack * cols + generator.permutation(cols)
                                   for stack in generator.permutation(stacks)])
    digits = generator.permutation(n) + 1
    return digits[base[np.ix_(row_order, column_order)]]
