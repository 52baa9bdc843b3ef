"""The constrained binary model builder: write a problem down, get its energy, its exact optimum and its violations.

Variables
    ``binary`` (0/1), ``spin`` (−1/+1, written ``s = 2b − 1``) and ``integer`` variables in ``[lower, upper]``,
    each a single variable or an array. Integers are written in binaries ``b_k``:

    * ``encoding="log"`` (default): ``v = lower + Σ c_k b_k`` with ``c = 1, 2, 4, …, 2^(k−1), R − (2^k − 1)``
      for the range ``R = upper − lower`` and ``k = ⌊log₂ R⌋``: ⌊log₂ R⌋ + 1 bits, every value in range
      reachable, none outside (the "bounded" binary expansion);
    * ``encoding="unary"``: ``v = lower + Σ b_k`` with R bits (many states per value, smoother landscape);
    * ``encoding="one-hot"``: R + 1 bits, ``v = lower + Σ k b_k`` with exactly one bit set (a declared
      one-hot group, so the annealer's one-hot moves apply when every variable is in such a group).

Objective and constraints
    A linear + quadratic objective (:meth:`ConstrainedModel.minimize` / :meth:`~ConstrainedModel.maximize`),
    written with Python operators, :func:`~hopopt.constrained.quicksum`, numpy arrays of variables, dicts
    (:meth:`ConstrainedModel.expression`) or text (``"3*x[0] + 2*x[0]*x[1]"``). Linear constraints ``==``,
    ``<=``, ``>=`` (:meth:`~ConstrainedModel.add`) and one-hot groups (:meth:`~ConstrainedModel.one_hot`).

Energy (:meth:`ConstrainedModel.to_model`)
    ``E(b) = ±objective(b) + Σ_c P_c (a_c·b + s_c − r_c)²`` over the binaries b and slack binaries s (+ for
    minimise, − for maximise, so that the energy of a feasible state is ± its objective and every solver
    minimises). An inequality ``a·b ≤ r`` gets an integer slack ``s ∈ [0, r − min a·b]`` in the bounded log
    encoding above, in steps of the constraint's *resolution* δ_c (the largest number of which every
    coefficient and the right-hand side are integer multiples: 1 for integer data, 0.5 for halves);
    ``a·b ≥ r`` gets ``−s`` with ``s ∈ [0, max a·b − r]``. A constraint that always holds is dropped, one that
    can never hold is refused.

Penalty rule
    ``P_c = penalty / δ_c²`` with ``penalty = 1.5 Δ`` by default, where ``Δ = Σ|linear| + Σ|quadratic|``
    of the objective bounds its range (``max − min`` over all states). A violated constraint's term is at
    least ``P_c δ_c² = penalty > Δ``, while some slack value makes a satisfied one's term 0, so every state
    that violates a constraint has a higher energy than every feasible state: the ground states are the
    optima of the constrained problem whenever one is feasible. Smaller penalties often anneal better and
    may let infeasible states win; :func:`hopopt.solve` then raises the penalty (the raise-on-violation loop
    of :mod:`hopopt.workflows.constrained`).

Exact (:meth:`ConstrainedModel.solve_exact`)
    The *original* problem, not the penalty energy: the binaries of the declared variables, the constraints
    as linear rows (no slacks), products of binaries linearised (:mod:`hopopt.solvers.exact_binary`), by
    HiGHS through ``scipy.optimize.milp``, with the optimal flag and a proven bound.
"""

from __future__ import annotations

import itertools
import json
import math
import numbers
import time
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import scipy.sparse as sp

from .. import control
from ..errors import InputError
from ..model import EnergyModel, UpperTriangle, Vartype
from ..problems._base import Evaluation, capped
from .expressions import Expression, Relation, parse

__all__ = ["ConstrainedModel", "Constraint", "VariableBlock"]

# Integer ranges and slack ranges above this many levels are refused: 2^40 levels would need 41 bits and
# coefficients that no float keeps exact.
_MAX_LEVELS = 2**40
# One-hot integer ranges above this many values would add that many binaries each.
_MAX_ONE_HOT_VALUES = 4096
_ENCODINGS = ("log", "unary", "one-hot")

# the most elements one variable block may have (a model file's shape is user input)
_MAX_BLOCK_SIZE = 10**8

# constraints generated (ConstrainedModel.random) or compiled between two looks at the command's deadline
# (hopopt.control): about 10-20 ms of work at 400 variables a row
_ROWS_PER_CHECK = 512
# the deadline is not looked at before this many seconds of that work: a small model is made (and its solver
# answers at once) even when reading and start-up used up a tiny time limit
_GRACE_SECONDS = 0.05
# integers up to this magnitude are exact in float64: their gcd is the resolution, without fractions
_EXACT_INTEGERS = 2.0**53


def _check_time(what, done, total, began):
    """Raise an InputError when the command's deadline passed (or Ctrl-C) while ``done`` of ``total`` constraints
    were built, the work having started at ``began`` (``time.perf_counter()``) more than the grace ago."""
    if time.perf_counter() - began < _GRACE_SECONDS:
        return
    reason = control.stop_reason()
    if reason is not None:
        where = (f"after {done:,} of {total:,} constraints" if done < total else
                 f"while combining the {total:,} constraints into the energy")
        raise InputError(f"{what}: {'interrupted' if reason == 'interrupted' else 'the time limit ran out'} {where}; "
                         f"use fewer constraints or a longer time limit")


def _bounded_log_coefficients(levels: int) -> list[int]:
    """Coefficients 1, 2, …, 2^(k−1), levels − (2^k − 1) whose 0/1 combinations are exactly 0..levels."""
    if levels <= 0:
        return []
    k = int(levels).bit_length() - 1  # ⌊log₂ levels⌋
    return [2**i for i in range(k)] + [int(levels) - (2**k - 1)]


def _log_bits(value: int, coefficients) -> list[int]:
    """0/1 bits with ``Σ c_k b_k == value`` for bounded log coefficients (the last one first, then binary)."""
    bits = [0] * len(coefficients)
    if not coefficients:
        return bits
    if value >= coefficients[-1]:
        bits[-1] = 1
        value -= coefficients[-1]
    for index in range(len(coefficients) - 1):
        bits[index] = (value >> index) & 1
    return bits


def _violation(left, lower, upper, tolerance):
    """How far each row's left side ``left`` lies outside [lower, upper] (0 within ``tolerance``).

    ``left`` has shape (rows,) or (rows, candidates); one-sided rows have an infinite bound.
    """
    shape = (-1,) + (1,) * (left.ndim - 1)
    amount = np.maximum(lower.reshape(shape) - left, 0.0) + np.maximum(left - upper.reshape(shape), 0.0)
    return np.where(amount > tolerance.reshape(shape), amount, 0.0)


# the declared binaries' block of AᵀwA is a dense product (BLAS) up to this many elements of its factors
_DENSE_BLOCK = 2**24


def _row_squares(matrix, declared, weights):
    """Aᵀ diag(w) A for compiled rows A (declared binaries first, then each row's own slacks, row after row):
    (rows, cols, values) of its upper triangle in row-major order, and its diagonal.

    The declared block is a dense (or, when large, sparse) product; a slack belongs to one row only, so its products with that row's
    declared binaries and with its other slacks are written out directly, with the product's own rounding
    (``a_ki · (w_k · a_kt)``, as scipy's product rounds them): scipy's general product of the whole matrix took
    a second at 10³ rows of 400 variables.
    """
    total = matrix.shape[1]
    matrix = sp.csr_array(matrix)
    matrix.sort_indices()
    scaled = sp.diags_array(weights) @ matrix
    declared_part, scaled_declared = matrix[:, :declared], scaled[:, :declared]
    diagonal = np.zeros(total)
    if declared * max(declared, matrix.shape[0]) <= _DENSE_BLOCK:
        # declared × declared by BLAS (10⁸ products at 10³ rows of 400 variables: most of a sparse product's
        # second); pairs that no row couples (exact zeros) are not stored, as the sparse product leaves them out
        block = declared_part.T.toarray() @ scaled_declared.toarray()
        diagonal[:declared] = np.diagonal(block)
        block_rows, block_cols = np.nonzero(np.triu(block, 1))
        block_values = block[block_rows, block_cols]
    else:
        block = (declared_part.T @ scaled_declared).tocsr()
        block.sort_indices()
        diagonal[:declared] = block.diagonal()
        block_rows = np.repeat(np.arange(declared, dtype=np.int64), np.diff(block.indptr))
        keep = (block_rows < block.indices) & (block.data != 0)
        block_rows, block_cols, block_values = block_rows[keep], block.indices[keep], block.data[keep]
    block_rows, block_cols = block_rows.astype(np.int64), block_cols.astype(np.int64)
    # each slack column's row and coefficient (one entry per slack column)
    slack_part = matrix[:, declared:].tocoo()
    owner = np.zeros(total - declared, dtype=np.int64)
    owner[slack_part.col] = slack_part.row
    sigma = np.zeros(total - declared)
    sigma[slack_part.col] = slack_part.data
    counts = np.bincount(slack_part.row, minlength=matrix.shape[0]).astype(np.int64)
    starts = np.zeros(matrix.shape[0], dtype=np.int64)  # each row's first slack (slacks are consecutive)
    starts[owner[::-1]] = np.arange(owner.size - 1, -1, -1)
    # declared × slack: a_ki · (w_k · σ_t) for every declared i of row k and slack t of row k, column by column
    # of the declared part (i ascending, then k ascending: t ascending)
    columns = declared_part.tocsc()
    columns.sort_indices()
    entry_col = np.repeat(np.arange(declared, dtype=np.int64), np.diff(columns.indptr))
    entry_row = columns.indices.astype(np.int64)
    repeats = counts[entry_row]
    entry = np.repeat(np.arange(entry_row.size), repeats)
    offset = np.arange(entry.size) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    cross_cols = starts[entry_row][entry] + offset
    cross_rows = entry_col[entry]
    cross_values = columns.data[entry] * (weights[entry_row][entry] * sigma[cross_cols])
    cross_cols = cross_cols + declared
    # slack × slack within a row: σ_t · (w_k · σ_u), t < u
    pair_rows, pair_cols, pair_values = [], [], []
    for count in np.unique(counts[counts > 1]):
        first, second = np.triu_indices(count, 1)
        rows_with = np.flatnonzero(counts == count)
        left = (starts[rows_with][:, None] + first[None, :]).reshape(-1)
        right = (starts[rows_with][:, None] + second[None, :]).reshape(-1)
        row_weights = np.repeat(weights[rows_with], first.size)
        pair_rows.append(left + declared)
        pair_cols.append(right + declared)
        pair_values.append(sigma[left] * (row_weights * sigma[right]))
    diagonal[declared:] = sigma * (weights[owner] * sigma)
    # row-major order: a declared row's block entries, then its slack entries; then the slack rows
    block_count = np.bincount(block_rows, minlength=declared)
    cross_count = np.bincount(cross_rows, minlength=declared)
    row_start = np.cumsum(block_count + cross_count) - (block_count + cross_count)
    # each entry's rank within its row (both parts are sorted by row)
    in_block = np.arange(block_rows.size) - np.repeat(np.cumsum(block_count) - block_count, block_count)
    in_cross = np.arange(cross_rows.size) - np.repeat(np.cumsum(cross_count) - cross_count, cross_count)
    size = block_rows.size + cross_rows.size
    rows, cols, values = np.empty(size, dtype=np.int64), np.empty(size, dtype=np.int64), np.empty(size)
    for position, part_rows, part_cols, part_values in (
            (row_start[block_rows] + in_block, block_rows, block_cols, block_values),
            (row_start[cross_rows] + block_count[cross_rows] + in_cross, cross_rows, cross_cols, cross_values)):
        rows[position], cols[position], values[position] = part_rows, part_cols, part_values
    if pair_rows:
        slack_rows, slack_cols, slack_values = (np.concatenate(part) for part in (pair_rows, pair_cols, pair_values))
        order = np.lexsort((slack_cols, slack_rows))
        rows = np.concatenate([rows, slack_rows[order]])
        cols = np.concatenate([cols, slack_cols[order]])
        values = np.concatenate([values, slack_values[order]])
    return rows, cols, values, diagonal


def _resolution(values, label) -> float:
    """The largest step of which every value is an integer multiple (steps down to 1/1000: decimal data)."""
    values = np.asarray(values, dtype=np.float64)
    if np.all(values == np.round(values)) and np.all(np.abs(values) < _EXACT_INTEGERS):
        # integer data (the common case): their gcd, as the fractions below give it, 50 times faster
        divisor = int(np.gcd.reduce(np.abs(values).astype(np.int64))) if values.size else 0
        return float(divisor) if divisor else 1.0
    fractions = []
    for value in values:
        fraction = Fraction(float(value)).limit_denominator(1000)
        if abs(float(fraction) - value) > 1e-9 * max(1.0, abs(value)):
            raise InputError(f"{label}: coefficient {value!r} is not a multiple of a common step; scale the "
                             f"constraint to integers")
        if fraction != 0:
            fractions.append(fraction)
    if not fractions:
        return 1.0
    numerator = 0
    denominator = 1
    for fraction in fractions:
        denominator = denominator * fraction.denominator // math.gcd(denominator, fraction.denominator)
    for fraction in fractions:
        numerator = math.gcd(numerator, abs(fraction.numerator) * (denominator // fraction.denominator))
    return numerator / denominator


@dataclass(frozen=True)
class VariableBlock:
    """One declared variable or array: its kind, shape and the internal binaries that write it.

    ``value = offset + bits @ coefficients`` element by element (spin: offset −1, coefficient 2).

    Attributes
    ----------
    name : str
        The name given when declaring it.
    kind : {"binary", "spin", "integer"}
    shape : tuple of int
        The declared shape; ``()`` for a single variable.
    bits : numpy.ndarray of int, shape (size, bits per element)
        Indices of the internal binaries that write each element.
    coefficients : numpy.ndarray, shape (bits per element,)
        Weight of each of an element's binaries.
    offset : float
        The element's value when all its binaries are 0.
    lower, upper : int or None
        An integer's bounds; None for binary and spin variables.
    encoding : {"log", "unary", "one-hot"} or None
        An integer's encoding; None for binary and spin variables.

    Examples
    --------
    An integer in 0..5 is written by three binaries with weights 1, 2, 2 (the bounded log encoding):

    >>> from hopopt.constrained import ConstrainedModel
    >>> model = ConstrainedModel()
    >>> x = model.binary("x", 3)
    >>> k = model.integer("k", 0, 5)
    >>> block = model.blocks[1]
    >>> block.name, block.kind, block.bits.tolist(), block.coefficients.tolist(), block.offset
    ('k', 'integer', [[3, 4, 5]], [1.0, 2.0, 2.0], 0.0)
    """

    name: str
    kind: str  # "binary", "spin" or "integer"
    shape: tuple
    bits: np.ndarray  # (size, bits per element) indices of internal binaries
    coefficients: np.ndarray  # (bits per element,)
    offset: float
    lower: int | None = None
    upper: int | None = None
    encoding: str | None = None

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64)) if self.shape else 1


@dataclass(frozen=True, eq=False)
class Constraint:
    """A named linear constraint ``expression (==|<=|>=) 0`` over the internal binaries.

    Attributes
    ----------
    name : str
        Unique within its model (default ``c0``, ``c1``, ...).
    expression : Expression
        The left side minus the right side, linear.
    sense : {"==", "<=", ">="}
        How ``expression`` compares with 0.
    text : str
        The constraint's text when it was given as text, else ``""``; :meth:`describe` prefers it.

    Examples
    --------
    :meth:`ConstrainedModel.add` returns it:

    >>> from hopopt.constrained import ConstrainedModel
    >>> model = ConstrainedModel()
    >>> x = model.binary("x", 3)
    >>> constraint = model.add(x.sum() <= 2, name="at most two")
    >>> constraint.name, constraint.sense, constraint.describe()
    ('at most two', '<=', "constraint 'at most two'")
    >>> coefficients, right_hand_side = constraint.row(3)
    >>> coefficients.tolist(), right_hand_side
    ([1.0, 1.0, 1.0], 2.0)
    """

    name: str
    expression: Expression
    sense: str
    text: str = ""

    def row(self, size):
        """(coefficients over ``size`` binaries, right-hand side): the constraint reads ``coefficients·b sense rhs``.

        Parameters
        ----------
        size : int
            Number of binaries (at least one more than the largest index in the constraint).

        Returns
        -------
        coefficients : ndarray of float64, shape (size,)
        right_hand_side : float
        """
        coefficients = np.zeros(size)
        for index, value in self.expression.linear.items():
            coefficients[index] += value
        return coefficients, -self.expression.constant

    def describe(self) -> str:
        return self.text or f"constraint {self.name!r}"


class ConstrainedModel:
    """A binary optimisation problem with linear constraints, compiled to a Hopfield energy.

    See the module docstring for the encodings, the slack variables and the penalty rule.

    Parameters
    ----------
    name : str
        A label for reports.

    Examples
    --------
    Pick at most two of four items to maximise value, items 0 and 1 not together:

    >>> import hopopt
    >>> from hopopt.constrained import ConstrainedModel
    >>> model = ConstrainedModel("pick")
    >>> x = model.binary("x", 4)
    >>> model.maximize([5, 4, 3, 1] @ x)
    >>> _ = model.add(x.sum() <= 2, name="at most two")
    >>> _ = model.add(x[0] + x[1] <= 1, name="0 or 1")
    >>> exact = model.solve_exact()
    >>> exact.solution.tolist(), exact.objective, exact.optimal
    ([1, 0, 1, 0], 8.0, True)
    >>> hopopt.solve(model, time_limit=0.2, rng=0).objective
    8.0
    """

    sense = "min"

    def __init__(self, name="model"):
        self.name = str(name)
        self.variables: dict = {}
        self.blocks: list[VariableBlock] = []
        self.constraints: list[Constraint] = []
        self._constraint_names: set = set()  # add() refuses a repeated name without scanning the list
        self.onehot_groups: list[tuple[str, list[int]]] = []
        self.objective = Expression()
        self.sense = "min"
        self._n_bits = 0
        self._compiled = {}

    # ------------------------------------------------------------------ declarations
    def _new_bits(self, count):
        start = self._n_bits
        self._n_bits += int(count)
        self._compiled.clear()
        return np.arange(start, start + count, dtype=np.int64)

    def _declare(self, name, kind, shape, bits_per_element, coefficients, offset, **extra):
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"variable names must be Python identifiers, got {name!r}")
        if name in self.variables:
            raise ValueError(f"variable {name!r} is already declared")
        shape = () if shape is None else ((int(shape),) if isinstance(shape, numbers.Integral) else
                                          tuple(int(side) for side in shape))
        if any(side < 1 for side in shape):
            raise ValueError(f"the shape of {name!r} must have sides ≥ 1, got {shape}")
        size = math.prod(shape) if shape else 1  # Python integers: a huge shape must not wrap round in int64
        if size > _MAX_BLOCK_SIZE:
            raise ValueError(f"the shape of {name!r} has {size:.3g} elements, more than {_MAX_BLOCK_SIZE:.0e}")
        bits = self._new_bits(size * bits_per_element).reshape(size, bits_per_element)
        coefficients = np.asarray(coefficients, dtype=np.float64)
        block = VariableBlock(name, kind, shape, bits, coefficients, float(offset), **extra)
        self.blocks.append(block)
        expressions = np.empty(size, dtype=object)
        for element in range(size):
            linear = {}
            for bit, coefficient in zip(bits[element], coefficients):
                linear[int(bit)] = linear.get(int(bit), 0.0) + float(coefficient)
            expressions[element] = Expression(linear, None, offset)
        value = expressions[0] if not shape else expressions.reshape(shape)
        self.variables[name] = value
        return value, block

    def binary(self, name, shape=None):
        """Declare 0/1 variables: one (``shape=None``) or an array; returns expressions to compute with.

        Parameters
        ----------
        name : str
            The variables' name (``x`` makes ``x[0]``, ``x[1]``, ... in text and in solutions).
        shape : int or tuple of int, optional
            The array's shape; None for a single variable.

        Returns
        -------
        Expression or ndarray of Expression
            One expression, or an array of them of ``shape``.

        Examples
        --------
        >>> from hopopt.constrained import ConstrainedModel
        >>> ConstrainedModel().binary("x", (2, 3)).shape
        (2, 3)
        """
        return self._declare(name, "binary", shape, 1, [1.0], 0.0)[0]

    def spin(self, name, shape=None):
        """Declare −1/+1 variables, written ``s = 2b − 1`` in binaries.

        Parameters
        ----------
        name : str
            The variables' name (``x`` makes ``x[0]``, ``x[1]``, ... in text and in solutions).
        shape : int or tuple of int, optional
            The array's shape; None for a single variable.

        Returns
        -------
        Expression or ndarray of Expression
            One expression, or an array of them of ``shape``.

        Examples
        --------
        >>> from hopopt.constrained import ConstrainedModel
        >>> s = ConstrainedModel().spin("s")
        >>> s.value([0]), s.value([1])
        (-1.0, 1.0)
        """
        return self._declare(name, "spin", shape, 1, [2.0], -1.0)[0]

    def integer(self, name, lower, upper, shape=None, encoding="log"):
        """Declare integer variables in ``[lower, upper]`` (encodings: ``log``, ``unary``, ``one-hot``).

        Parameters
        ----------
        name : str
            The variables' name (``x`` makes ``x[0]``, ``x[1]``, ... in text and in solutions).
        lower, upper : int
            The bounds, both included.
        shape : int or tuple of int, optional
            The array's shape; None for a single variable.
        encoding : {"log", "unary", "one-hot"}
            How the value is written in binaries (see the module docstring).

        Returns
        -------
        Expression or ndarray of Expression
            One expression, or an array of them of ``shape``.

        Examples
        --------
        >>> from hopopt.constrained import ConstrainedModel
        >>> model = ConstrainedModel()
        >>> v = model.integer("v", 2, 7)
        >>> model.n_variables, v.value([1, 1, 1])  # 2 + 1 + 2 + 2
        (3, 7.0)
        """
        for label, bound in (("lower", lower), ("upper", upper)):
            if isinstance(bound, bool) or not isinstance(bound, numbers.Integral):
                raise ValueError(f"{label} bound of {name!r} must be an integer, got {bound!r}")
        lower, upper = int(lower), int(upper)
        if upper < lower:
            raise ValueError(f"integer {name!r} has upper bound {upper} below its lower bound {lower}")
        if encoding not in _ENCODINGS:
            raise ValueError(f"encoding must be one of {', '.join(_ENCODINGS)}, got {encoding!r}")
        levels = upper - lower
        if levels > _MAX_LEVELS:
            raise ValueError(f"integer {name!r} spans {levels} values; at most {_MAX_LEVELS} are supported")
        if encoding == "log":
            coefficients = _bounded_log_coefficients(levels)
        elif encoding == "unary":
            coefficients = [1] * levels
        else:
            if levels + 1 > _MAX_ONE_HOT_VALUES:
                raise ValueError(f"a one-hot integer takes one binary per value; {name!r} has {levels + 1} "
                                 f"(at most {_MAX_ONE_HOT_VALUES})")
            coefficients = list(range(levels + 1))
        if not coefficients:  # lower == upper: a constant
            coefficients = [0]
        value, block = self._declare(name, "integer", shape, len(coefficients), coefficients, lower, lower=lower,
                                     upper=upper, encoding=encoding)
        if encoding == "one-hot":
            for element, bits in enumerate(block.bits):
                label = name if not block.shape else f"{name}{list(np.unravel_index(element, block.shape))}"
                self._add_group(f"{label} takes one value", bits.tolist())
        return value

    @property
    def n_variables(self) -> int:
        """Binaries of the declared variables (slack binaries of inequalities come on top in the energy)."""
        return self._n_bits

    @property
    def n_energy_variables(self) -> int:
        """Binaries of the energy model: the declared ones plus the slack binaries of the inequalities."""
        return int(self._compile()[-1])

    @property
    def n(self) -> int:
        """Declared variables, arrays counted element by element (the length of a solution vector)."""
        return sum(block.size for block in self.blocks)

    # ------------------------------------------------------------------ objective and constraints
    def expression(self, value, source="expression") -> Expression:
        """An Expression from an Expression, a number, text, or a dict ``{"x[0]": 3, ("x[0]", "x[1]"): 2}``.

        Parameters
        ----------
        value : Expression, number, str or dict
            The expression, its text over the declared variables, or its terms by variable name (a pair of names
            for a product, ``""`` for the constant).
        source : str
            What the value is, for error messages.

        Returns
        -------
        Expression

        Examples
        --------
        >>> from hopopt.constrained import ConstrainedModel
        >>> model = ConstrainedModel()
        >>> x = model.binary("x", 2)
        >>> model.expression({"x[0]": 3, ("x[0]", "x[1]"): 2, "": -1}).value([1, 1])
        4.0
        """
        if isinstance(value, Relation):
            raise ValueError(f"{source}: expected an expression, got a relation")
        if isinstance(value, Expression):
            return value
        if isinstance(value, str):
            parsed = parse(value, self.variables, source)
            if isinstance(parsed, Relation):
                raise InputError(f"{source}: expected an expression, got a comparison in {value!r}")
            return parsed
        if isinstance(value, dict):
            total = Expression()
            for key, coefficient in value.items():
                keys = key if isinstance(key, tuple) else (key,)
                term = Expression(constant=1.0)
                for part in keys:
                    if part != "":
                        term = term * self.expression(part, source)
                total._add_into(term * float(coefficient))
            return total
        lifted = Expression._lift(value)
        if lifted is NotImplemented:
            raise TypeError(f"{source}: cannot make an expression of {type(value).__name__}")
        return lifted

    def minimize(self, objective):
        """Set the objective to minimise (an expression, number, text or dict; see :meth:`expression`).

        Parameters
        ----------
        objective : Expression, number, str or dict
            As :meth:`expression` takes it; at most quadratic.
        """
        self._set_objective(objective, "min")

    def maximize(self, objective):
        """Set the objective to maximise (the energy is its negative plus the penalties).

        Parameters
        ----------
        objective : Expression, number, str or dict
            As :meth:`expression` takes it; at most quadratic.
        """
        self._set_objective(objective, "max")

    def _set_objective(self, objective, sense):
        expression = self.expression(objective, "objective")
        if expression.degree > 2:
            raise ValueError("the objective must be quadratic at most")
        self.objective = expression
        self.sense = sense
        self._compiled.clear()

    def add(self, relation, name=None):
        """Add a linear constraint: a relation (``x.sum() <= 2``) or its text (``"x[0] + x[1] == 1"``).

        Returns the :class:`Constraint`. Names must be unique; default ``c0``, ``c1``, …

        Parameters
        ----------
        relation : Relation or str
            A comparison of expressions, or its text.
        name : str, optional
            A name not used by another constraint.

        Returns
        -------
        Constraint
        """
        text = relation if isinstance(relation, str) else ""
        if isinstance(relation, str):
            relation = parse(relation, self.variables, f"constraint {name or len(self.constraints)}")
        if isinstance(relation, (bool, np.bool_)):
            raise ValueError("the constraint compared numbers, not expressions (it is simply "
                             f"{bool(relation)}); build it from the model's variables")
        if not isinstance(relation, Relation):
            raise ValueError(f"add() needs a relation such as x[0] + x[1] <= 1, got {type(relation).__name__}")
        name = f"c{len(self.constraints)}" if name is None else str(name)
        if name in self._constraint_names:
            raise ValueError(f"a constraint named {name!r} already exists")
        expression = relation.expression
        if expression.degree > 1:
            raise ValueError(f"constraint {name!r} is quadratic; constraints must be linear (introduce a "
                             f"variable for the product)")
        if expression.degree == 0:
            holds = {"==": expression.constant == 0, "<=": expression.constant <= 0,
                     ">=": expression.constant >= 0}[relation.sense]
            if not holds:
                raise ValueError(f"constraint {name!r} compares constants and never holds")
        low, high = self._range(expression)
        if (relation.sense in ("==", "<=") and low > 1e-9) or (relation.sense in ("==", ">=") and high < -1e-9):
            raise ValueError(f"constraint {name!r} can never hold: its left side minus right side lies in "
                             f"[{low:g}, {high:g}]")
        return self._append(Constraint(name, expression, relation.sense, text))

    def _append(self, constraint):
        """Keep a checked constraint (the last step of :meth:`add`)."""
        self.constraints.append(constraint)
        self._constraint_names.add(constraint.name)
        self._compiled.clear()
        return constraint

    def one_hot(self, variables, name=None):
        """Declare that exactly one of these binary variables is 1 (an equality constraint and a group).

        Parameters
        ----------
        variables : Expression or array of Expression
            Declared binary variables.
        name : str, optional
            The constraint's name.

        Returns
        -------
        Constraint
            The equality constraint ``Σ variables == 1``.

        Examples
        --------
        >>> from hopopt.constrained import ConstrainedModel
        >>> model = ConstrainedModel()
        >>> x = model.binary("x", 3)
        >>> model.one_hot(x, name="pick one").name
        'pick one'
        """
        members = list(np.asarray(variables, dtype=object).reshape(-1))
        if not members:
            raise ValueError("a one-hot group needs at least one member")
        bits = []
        for member in members:
            if not (isinstance(member, Expression) and member.degree == 1 and member.constant == 0
                    and len(member.linear) == 1 and next(iter(member.linear.values())) == 1.0):
                raise ValueError("one-hot groups are made of binary variables")
            bits.append(next(iter(member.linear)))
        if len(set(bits)) != len(bits):
            raise ValueError("a one-hot group lists a variable twice")
        name = f"one-hot {len(self.onehot_groups)}" if name is None else str(name)
        return self._add_group(name, bits)

    def _add_group(self, name, bits):
        expression = Expression({bit: 1.0 for bit in bits}, None, -1.0)
        constraint = self.add(Relation(expression, "=="), name=name)
        self.onehot_groups.append((name, list(bits)))
        return constraint

    @staticmethod
    def _range(expression):
        """(lowest, highest) value of the expression: its constant plus its negative (positive) coefficients,
        added one by one in the expression's order (``cumsum`` is sequential: the sums of a Python loop, to the
        last bit, ten times faster at 400 terms)."""
        count = len(expression.linear) + len(expression.quadratic)
        values = np.fromiter(itertools.chain(expression.linear.values(), expression.quadratic.values()),
                             dtype=np.float64, count=count)
        terms = np.empty(count + 1)
        terms[0] = expression.constant
        terms[1:] = np.minimum(values, 0.0)
        low = float(np.cumsum(terms)[-1])
        terms[1:] = np.maximum(values, 0.0)
        return low, float(np.cumsum(terms)[-1])

    # ------------------------------------------------------------------ compilation
    def constraint_table(self):
        """(rows, lower, upper, tolerance): every constraint as ``lower ≤ rows @ b ≤ upper`` over the declared
        binaries (a dense array; ±inf for one-sided rows), with the rounding margin of each row. Cached; what
        repair, the polish and the exact MILP read."""
        if "table" not in self._compiled:
            size = self._n_bits
            rows = np.zeros((len(self.constraints), size))
            rhs = np.zeros(len(self.constraints))
            for index, constraint in enumerate(self.constraints):
                rows[index], rhs[index] = constraint.row(size)
            senses = np.array([constraint.sense for constraint in self.constraints], dtype=object)
            lower = np.where(senses == "<=", -np.inf, rhs).astype(np.float64)
            upper = np.where(senses == ">=", np.inf, rhs).astype(np.float64)
            self._compiled["table"] = (rows, lower, upper, 1e-9 * np.maximum(1.0, np.abs(rhs)))
        return self._compiled["table"]

    def objective_table(self):
        """(linear, rows, cols, values): the objective's linear coefficients over the declared binaries and its
        products ``values[k] · b[rows[k]] · b[cols[k]]``. Cached."""
        if "objective" not in self._compiled:
            linear = np.zeros(self._n_bits)
            for index, value in self.objective.linear.items():
                linear[index] += value
            pairs = list(self.objective.quadratic.items())
            self._compiled["objective"] = (linear, np.array([p[0] for p, _ in pairs], dtype=np.int64),
                                           np.array([p[1] for p, _ in pairs], dtype=np.int64),
                                           np.array([v for _, v in pairs], dtype=np.float64))
        return self._compiled["objective"]

    def objective_range_bound(self) -> float:
        """Δ = Σ|linear| + Σ|quadratic| of the objective: at least its max − min over all states."""
        return float(sum(abs(v) for v in self.objective.linear.values()) +
                     sum(abs(v) for v in self.objective.quadratic.values()))

    def default_penalty(self) -> float:
        """The documented penalty 1.5 Δ (1 when the objective is constant)."""
        bound = self.objective_range_bound()
        return 1.5 * bound if bound > 0 else 1.0

    def local_penalty(self) -> float:
        """The *local* penalty L: the most one flip can change the objective, ``max_i (|c_i| + Σ_j |q_ij|)``.

        With it a violated constraint costs at least L, so no single flip from a feasible state into an
        infeasible one lowers the energy; ground states are not guaranteed feasible (use
        :meth:`default_penalty` for that), which is why the annealing solver starts here and raises it when
        its answers stay infeasible.
        """
        influence = np.zeros(max(self._n_bits, 1))
        for index, value in self.objective.linear.items():
            influence[index] += abs(value)
        for (i, j), value in self.objective.quadratic.items():
            influence[i] += abs(value)
            influence[j] += abs(value)
        largest = float(influence.max())
        return largest if largest > 0 else 1.0

    def start_penalty(self) -> float:
        """Where :func:`hopopt.solve`'s anneal starts: a quarter of :meth:`local_penalty`.

        Measured on random builder models (41 binaries, two knapsack rows and a cardinality, repair and polish,
        8 seeds, 0.5 s, shared machine): the proved optimum in 0/8 at the local penalty, 4/8 at half of it,
        2–5/8 at a quarter, 4–6/8 at a tenth; with 8 restarts at 1 s, 20/20 at a quarter and 19/20 at a tenth.
        """
        return 0.25 * self.local_penalty()

    def polish(self, solution) -> np.ndarray:
        """A feasible solution improved by :func:`improve` (flips and swaps that keep every constraint).

        Parameters
        ----------
        solution : array_like
            The solution vector: one value per declared element, in declaration order.

        Returns
        -------
        ndarray of int64
            The improved solution vector.
        """
        return self.values_of(improve(self, self.bits_of(solution)))

    def penalty_bound(self) -> float:
        """Penalties above Δ make every ground state feasible (see the module docstring)."""
        return max(self.objective_range_bound(), 1e-9)

    def _compile(self):
        """Constraint rows with their slack bits: (matrix over all binaries, constants, resolutions, slacks)."""
        if "rows" in self._compiled:
            return self._compiled["rows"]
        if self._n_bits == 0:
            raise ValueError("the model has no variables")
        size = self._n_bits
        kept, rows, constants, resolutions, slack_coefficients = [], [], [], [], []
        began = time.perf_counter()
        for index, constraint in enumerate(self.constraints):
            if index % _ROWS_PER_CHECK == _ROWS_PER_CHECK - 1:
                # a Python loop over the rows (seconds for 10⁴ rows of 400 variables): it ends at the deadline
                _check_time(f"encoding {self.name}", index, len(self.constraints), began)
            coefficients, rhs = constraint.row(size)
            label = f"constraint {constraint.name!r}"
            expression = constraint.expression
            low, high = self._range(expression)
            sign = 1.0
            sense = constraint.sense
            if sense == ">=":  # a·b − r ≥ 0  ⇔  −(a·b − r) ≤ 0
                sign, low, high = -1.0, -high, -low
            if sense != "==" and high <= 0:
                continue  # always holds: no penalty needed
            resolution = _resolution(np.concatenate([coefficients[coefficients != 0], [rhs]]), label)
            slack = []
            if sense != "==":
                levels = int(round(-low / resolution))
                if levels > _MAX_LEVELS:
                    raise InputError(f"{label}: its slack would need {levels} levels; scale the coefficients")
                slack = [resolution * c for c in _bounded_log_coefficients(levels)]
            kept.append(constraint)
            rows.append(sign * coefficients)
            constants.append(sign * expression.constant)
            resolutions.append(resolution)
            slack_coefficients.append(slack)
        total = size + sum(len(slack) for slack in slack_coefficients)
        # the CSR arrays row by row (declared binaries, then the row's own slacks: sorted columns); a lil_array
        # filled row by row took most of the compilation at 10³ rows
        columns, values, lengths, slack_bits = [], [], [], []
        position = size
        for row, slack in zip(rows, slack_coefficients):
            nonzero = np.flatnonzero(row)
            bits = list(range(position, position + len(slack)))
            columns += [nonzero, np.asarray(bits, dtype=np.int64)]
            values += [row[nonzero], np.asarray(slack, dtype=np.float64)]
            lengths.append(nonzero.size + len(slack))
            slack_bits.append(bits)
            position += len(slack)
        indptr = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]).astype(np.int64)
        matrix = sp.csr_array((np.concatenate(values) if values else np.zeros(0),
                               np.concatenate(columns) if columns else np.zeros(0, dtype=np.int64), indptr),
                              shape=(len(kept), total))
        matrix.eliminate_zeros()  # a zero slack coefficient (none is made; as lil_array dropped them)
        compiled = (kept, matrix, np.asarray(constants, dtype=np.float64),
                    np.asarray(resolutions, dtype=np.float64), slack_coefficients, slack_bits, total)
        self._compiled["rows"] = compiled
        return compiled

    def constraint_penalties(self, penalty=None) -> dict:
        """The penalty weight ``P_c`` of every kept constraint by name (``penalty / δ_c²``, or a dict given).

        Parameters
        ----------
        penalty : float or dict, optional
            As :meth:`to_model` takes it; default :meth:`default_penalty`.

        Returns
        -------
        dict of str to float
        """
        kept, _, _, resolutions, _, _, _ = self._compile()
        if isinstance(penalty, dict):
            unknown = set(penalty) - {constraint.name for constraint in kept}
            if unknown:
                raise ValueError(f"penalty names unknown constraints {sorted(unknown)}")
            base = self.default_penalty()
            return {c.name: float(penalty.get(c.name, base / r**2)) for c, r in zip(kept, resolutions)}
        value = self.default_penalty() if penalty is None else float(penalty)
        if not value > 0 or not np.isfinite(value):
            raise ValueError(f"penalty must be a positive number, got {penalty!r}")
        return {constraint.name: float(value / resolution**2) for constraint, resolution in zip(kept, resolutions)}

    def to_model(self, penalty=None) -> EnergyModel:
        """The binary :class:`~hopopt.model.EnergyModel`: ±objective plus the constraint penalties.

        Parameters
        ----------
        penalty : float or dict, optional
            ``P_c = penalty / δ_c²`` for every constraint (default ``1.5 Δ``, see the module docstring), or a
            dict of weights ``P_c`` by constraint name (others keep the default).

        Examples
        --------
        >>> from hopopt.constrained import ConstrainedModel
        >>> model = ConstrainedModel()
        >>> x = model.binary("x", 2)
        >>> model.minimize(x[0] - x[1])
        >>> _ = model.add(x[0] + x[1] == 1, name="one")
        >>> energy = model.to_model()
        >>> float(energy.energy([0, 1])), float(energy.energy([1, 1])) > 1
        (-1.0, True)
        """
        kept, _, _, resolutions, _, _, total = self._compile()
        weights_by_name = self.constraint_penalties(penalty)
        if isinstance(penalty, dict):
            # weights of the caller's choosing: the constraint part with them, not kept
            parts, factor = self._energy_parts(np.array([weights_by_name[c.name] for c in kept])), 1.0
        else:
            # P_c = penalty / δ_c²: the part with weights 1 / δ_c², built once, times the penalty
            if "energy parts" not in self._compiled:
                self._compiled["energy parts"] = self._energy_parts(1.0 / resolutions**2)
            parts = self._compiled["energy parts"]
            factor = self.default_penalty() if penalty is None else float(penalty)
        objective, constraint = parts["objective"], parts["constraint"]
        # W = −2 (S − diag S) for the symmetric S with xᵀSx the quadratic part, one value per pair (i < j)
        weights = parts["pairs"].with_values(-2.0 * (objective["pairs"] + factor * constraint["pairs"]))
        thresholds = (objective["linear"] + factor * constraint["linear"]) + \
            (objective["diagonal"] + factor * constraint["diagonal"])
        offset = objective["offset"] + factor * constraint["offset"]
        sign = 1.0 if self.sense == "min" else -1.0
        scalar_penalty = None if isinstance(penalty, dict) else \
            (self.default_penalty() if penalty is None else float(penalty))
        metadata = {"problem": "model", "instance": self.name, "penalty": scalar_penalty,
                    "constraint_penalties": weights_by_name, "objective": "energy" if sign > 0 else "-energy",
                    "declared_bits": self._n_bits, "slack_bits": int(total - self._n_bits)}
        groups = [bits for _, bits in self.onehot_groups]
        covered = sorted(bit for bits in groups for bit in bits)
        if groups and covered == list(range(total)) and len({len(bits) for bits in groups}) == 1:
            metadata["onehot_groups"] = np.array(groups, dtype=np.int64)
        return EnergyModel(weights, thresholds, offset, Vartype.BINARY, metadata)

    def _energy_parts(self, constraint_weights):
        """The energy's two parts over one pattern of pairs: the ±objective, and the constraints with these
        weights (``Σ_c w_c (a_c·b + s_c − r_c)²``); the energy with penalty factor p is objective + p · constraint.

        Each part is a dict of ``pairs`` (the symmetric S's value at each pair i < j of ``pairs``, where xᵀSx is
        the part's quadratic form), ``diagonal`` and ``linear`` (over all binaries) and ``offset``. The pattern
        ``pairs`` (an :class:`~hopopt.model.UpperTriangle`) is symmetric by construction: the models made from
        it skip the symmetry check, and share its mirrored layout.
        """
        kept, matrix, constants, _, _, _, total = self._compile()
        began = time.perf_counter()
        sign = 1.0 if self.sense == "min" else -1.0
        linear = np.zeros(total)
        for index, value in self.objective.linear.items():
            linear[index] += sign * value
        items = list(self.objective.quadratic.items())
        rows = np.array([pair[0] for pair, _ in items], dtype=np.int64)
        cols = np.array([pair[1] for pair, _ in items], dtype=np.int64)
        halves = np.array([value for _, value in items], dtype=np.float64) * sign / 2  # S splits a product in two
        objective_diagonal = np.zeros(total)
        np.add.at(objective_diagonal, rows[rows == cols], 2 * halves[rows == cols])  # b_i·b_i = b_i
        objective_keys, objective_values = rows * total + cols, halves
        objective_keys, objective_values = objective_keys[rows < cols], objective_values[rows < cols]
        order = np.argsort(objective_keys, kind="stable")
        objective_keys, objective_values = objective_keys[order], objective_values[order]
        if len(kept):
            # AᵀwA: the squares of the rows, with the row constants' cross terms in the linear part
            upper_rows, upper_cols, constraint_values, constraint_diagonal = _row_squares(
                matrix, self._n_bits, constraint_weights)
            # a second at 10³ rows of 400 variables, with no clock inside: the encoding ends here when the
            # command's deadline passed meanwhile (as when compiling the rows)
            _check_time(f"encoding {self.name}", len(kept), len(self.constraints), began)
            constraint_keys = upper_rows * total + upper_cols  # row-major: sorted
            constraint_linear = 2.0 * (matrix.T @ (constraint_weights * constants))
            constraint_offset = float(np.sum(constraint_weights * constants**2))
        else:
            constraint_keys, constraint_values = np.zeros(0, dtype=np.int64), np.zeros(0)
            constraint_diagonal, constraint_linear, constraint_offset = np.zeros(total), np.zeros(total), 0.0
        # the pattern: the constraints' pairs, which hold the objective's too when every row holds every variable
        keys, constraint_pairs = constraint_keys, constraint_values
        found = np.minimum(np.searchsorted(keys, objective_keys), max(keys.size - 1, 0))
        if keys.size == 0 or np.any(keys[found] != objective_keys):
            keys = np.union1d(constraint_keys, objective_keys)  # objective pairs that no constraint couples
            constraint_pairs = np.zeros(keys.size)
            constraint_pairs[np.searchsorted(keys, constraint_keys)] = constraint_values
        objective_pairs = np.zeros(keys.size)
        objective_pairs[np.searchsorted(keys, objective_keys)] = objective_values
        # the values are not read: every model takes new ones (with_values), sharing the mirrored layout, which
        # is built here, once, within the encoding's look at the deadline
        pairs = UpperTriangle(total, keys // total, keys % total, np.ones(keys.size)).with_values(np.ones(keys.size))
        pairs.to_csr()
        _check_time(f"encoding {self.name}", len(kept), len(self.constraints), began)
        return {"pairs": pairs,
                "objective": {"pairs": objective_pairs, "diagonal": objective_diagonal, "linear": linear,
                              "offset": sign * self.objective.constant},
                "constraint": {"pairs": constraint_pairs, "diagonal": constraint_diagonal,
                               "linear": constraint_linear, "offset": constraint_offset}}

    # ------------------------------------------------------------------ solutions
    def bits_of(self, solution) -> np.ndarray:
        """The declared binaries (without slacks) of a solution vector (one value per declared element).

        Parameters
        ----------
        solution : array_like
            The solution vector: one value per declared element, in declaration order.

        Returns
        -------
        ndarray of int8
            The declared binaries.
        """
        values = np.asarray(solution).reshape(-1)
        if values.size != self.n:
            raise ValueError(f"a solution of {self.name!r} has {self.n} values (one per declared variable "
                             f"element), got {values.size}")
        bits = np.zeros(self._n_bits, dtype=np.int8)
        position = 0
        for block in self.blocks:
            part = values[position:position + block.size]
            position += block.size
            if block.kind == "binary":
                if not np.all(np.isin(part, (0, 1))):
                    raise ValueError(f"binary variable {block.name!r} must be 0 or 1")
                bits[block.bits[:, 0]] = part
            elif block.kind == "spin":
                if not np.all(np.isin(part, (-1, 1))):
                    raise ValueError(f"spin variable {block.name!r} must be -1 or +1")
                bits[block.bits[:, 0]] = (part > 0)
            else:
                if not np.all(part == np.round(part)) or part.min() < block.lower or part.max() > block.upper:
                    raise ValueError(f"integer variable {block.name!r} must be an integer in "
                                     f"[{block.lower}, {block.upper}]")
                for element, value in enumerate(part.astype(np.int64)):
                    level = int(value) - block.lower
                    if block.encoding == "log":
                        pattern = _log_bits(level, [int(c) for c in block.coefficients]) \
                            if block.upper > block.lower else [0]
                    elif block.encoding == "unary":
                        pattern = [1] * level + [0] * (len(block.coefficients) - level)
                    else:
                        pattern = [int(k == level) for k in range(len(block.coefficients))]
                    bits[block.bits[element]] = pattern
        return bits

    def values_of(self, bits) -> np.ndarray:
        """The solution vector (declared values) of the declared binaries.

        Parameters
        ----------
        bits : array_like of 0/1
            The declared binaries (slack binaries, if given, are ignored).

        Returns
        -------
        ndarray of int64
            The solution vector.
        """
        bits = np.asarray(bits, dtype=np.float64).reshape(-1)[:self._n_bits]
        return np.concatenate([block.offset + bits[block.bits] @ block.coefficients for block in self.blocks]
                              ).astype(np.int64)

    def named_values(self, solution) -> dict:
        """The solution as ``{name: value or array}``.

        Parameters
        ----------
        solution : array_like
            The solution vector: one value per declared element, in declaration order.

        Returns
        -------
        dict
            A number for a single variable, an array for an array, by name.

        Examples
        --------
        >>> from hopopt.constrained import ConstrainedModel
        >>> model = ConstrainedModel()
        >>> _ = model.binary("x", 2); _ = model.spin("s")
        >>> model.named_values([1, 0, -1])
        {'x': array([1, 0]), 's': -1}
        """
        values = np.asarray(solution).reshape(-1)
        named, position = {}, 0
        for block in self.blocks:
            part = values[position:position + block.size]
            position += block.size
            named[block.name] = part.reshape(block.shape) if block.shape else int(part[0])
        return named

    def _violation_rows(self):
        """(rows, constants, senses, products): every constraint's linear part as a sparse row over the declared
        binaries, its constant and sense, and the indices of constraints with products (none from :meth:`add`).
        Cached.

        Each row keeps its terms in the expression's order, so ``constants + rows @ bits`` sums them as
        :meth:`Expression.value` does, to the last bit."""
        if "violation rows" not in self._compiled:
            lengths = [len(constraint.expression.linear) for constraint in self.constraints]
            indptr = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]).astype(np.int64)
            columns = np.fromiter((index for constraint in self.constraints for index in constraint.expression.linear),
                                  dtype=np.int64, count=int(indptr[-1]))
            values = np.fromiter((value for constraint in self.constraints
                                  for value in constraint.expression.linear.values()),
                                 dtype=np.float64, count=int(indptr[-1]))
            rows = sp.csr_array((values, columns, indptr), shape=(len(self.constraints), max(self._n_bits, 1)))
            constants = np.array([constraint.expression.constant for constraint in self.constraints], dtype=np.float64)
            senses = np.array([constraint.sense for constraint in self.constraints], dtype=object)
            products = [index for index, constraint in enumerate(self.constraints) if constraint.expression.quadratic]
            self._compiled["violation rows"] = (rows, constants, senses, products)
        return self._compiled["violation rows"]

    def _constraint_values(self, bits):
        """Every constraint's expression (left minus right side) at these declared binaries."""
        rows, constants, _, products = self._violation_rows()
        bits = np.asarray(bits, dtype=np.float64).reshape(-1)
        # a longer state (slacks after the declared binaries) is read up to the declared ones, as value() does
        values = constants + rows @ bits[:rows.shape[1]] if self.constraints else np.zeros(0)
        for index in products:
            values[index] = self.constraints[index].expression.value(bits)
        return values

    def _violation_amounts(self, bits, values=None):
        """How far each constraint is from holding at these declared binaries (0 where it holds); ``values``:
        :meth:`_constraint_values` of the bits, when the caller has them."""
        values = self._constraint_values(bits) if values is None else values
        _, constants, senses, _ = self._violation_rows()
        amounts = np.where(senses == "==", np.abs(values),
                           np.where(senses == "<=", np.maximum(values, 0.0), np.maximum(-values, 0.0)))
        return np.where(amounts > 1e-9 * np.maximum(1.0, np.abs(constants)), amounts, 0.0)

    def violations(self, bits) -> list[str]:
        """One line per violated constraint at these declared binaries.

        Parameters
        ----------
        bits : array_like of 0/1
            The declared binaries (slack binaries, if given, are ignored).

        Returns
        -------
        list of str
        """
        values = self._constraint_values(bits)
        lines = []
        for index in np.flatnonzero(self._violation_amounts(bits, values)):
            constraint = self.constraints[index]
            value = float(values[index])
            left = value - constraint.expression.constant
            rhs = -constraint.expression.constant
            lines.append(f"constraint {constraint.name!r} violated: its left side is {left:g}, it needs "
                         f"{constraint.sense} {rhs:g}")
        return lines

    def repair(self, bits) -> np.ndarray:
        """Greedy repair: flip the declared binary that most reduces the total violation until none is left.

        Ties go to the flip that worsens the objective least. Stops when no flip reduces the violation (then
        the result may stay infeasible); a feasible input is returned unchanged.

        Parameters
        ----------
        bits : array_like of 0/1
            The declared binaries (slack binaries, if given, are ignored).

        Returns
        -------
        ndarray of int8
            The repaired declared binaries (a new array).
        """
        bits = np.asarray(bits, dtype=np.int8).reshape(-1)[:self._n_bits].copy()
        if not self.constraints:
            return bits
        rows, lower, upper, tolerance = self.constraint_table()

        def violation(left):
            return _violation(left, lower, upper, tolerance)

        sign = 1.0 if self.sense == "min" else -1.0
        for _ in range(4 * self._n_bits + 10):
            left = rows @ bits
            current = violation(left).sum()
            if current == 0:
                break
            steps = 1 - 2 * bits.astype(np.float64)  # +1 sets a bit, −1 clears it
            candidates = left[:, None] + rows * steps[None, :]
            totals = violation(candidates).sum(axis=0)
            best = totals.min()
            if best >= current - 1e-12:
                break
            choices = np.flatnonzero(totals <= best + 1e-12)
            if choices.size > 1:
                costs = sign * self._objective_changes(bits, choices)
                choice = int(choices[int(np.argmin(costs))])
            else:
                choice = int(choices[0])
            bits[choice] ^= 1
        return bits

    def _objective_changes(self, bits, indices):
        """The objective's change when each of these declared binaries is flipped alone (one product with the
        symmetric pairs, instead of the objective summed twice per flip in Python: seconds per repair of a random
        state at 400 variables). A binary's own product b·b = b counts as linear."""
        if "objective field" not in self._compiled:
            linear, rows, cols, values = self.objective_table()
            own = rows == cols
            field_linear = linear.copy()
            np.add.at(field_linear, rows[own], values[own])
            pairs = sp.coo_array((np.concatenate([values[~own], values[~own]]),
                                  (np.concatenate([rows[~own], cols[~own]]), np.concatenate([cols[~own], rows[~own]]))),
                                 shape=(self._n_bits, self._n_bits)).tocsr()
            self._compiled["objective field"] = (field_linear, pairs)
        field_linear, pairs = self._compiled["objective field"]
        indices = np.asarray(indices, dtype=np.int64)
        bits = np.asarray(bits, dtype=np.float64).reshape(-1)[:self._n_bits]
        fields = field_linear[indices] + pairs[indices] @ bits
        return (1.0 - 2.0 * bits[indices]) * fields

    def decode(self, state) -> np.ndarray:
        """The solution vector of a model state (binary; the declared bits, slacks ignored), repaired.

        Parameters
        ----------
        state : array_like of 0/1
            A binary model state (declared binaries first; the slacks are ignored).

        Returns
        -------
        ndarray of int64
            The solution vector.

        Examples
        --------
        >>> from hopopt.constrained import ConstrainedModel
        >>> model = ConstrainedModel()
        >>> x = model.binary("x", 3)
        >>> model.one_hot(x).name
        'one-hot 0'
        >>> int(model.decode([1, 1, 0]).sum())
        1
        """
        state = np.asarray(state).reshape(-1)
        if state.size < self._n_bits:
            raise ValueError(f"a state of {self.name!r} has at least {self._n_bits} binaries, got {state.size}")
        if np.all(np.isin(state, (-1, 1))) and np.any(state == -1):
            state = (state > 0).astype(np.int8)
        if not np.all(np.isin(state, (0, 1))):
            raise ValueError("a state must hold 0/1 values (or spins)")
        return self.values_of(self.repair(state[:self._n_bits]))

    def encode(self, solution) -> np.ndarray:
        """The full binary state of a solution, slack binaries set so that every satisfied constraint costs 0.

        Parameters
        ----------
        solution : array_like
            The solution vector: one value per declared element, in declaration order.

        Returns
        -------
        ndarray of int8
            The full binary state, slack binaries included.
        """
        bits = self.bits_of(solution)
        kept, _, _, resolutions, slack_coefficients, slack_bits, total = self._compile()
        state = np.zeros(total, dtype=np.int8)
        state[:self._n_bits] = bits
        values = dict(zip(map(id, self.constraints), self._constraint_values(bits).tolist()))
        for constraint, resolution, slack, positions in zip(kept, resolutions, slack_coefficients, slack_bits):
            if not slack:
                continue
            value = values[id(constraint)]
            needed = -value if constraint.sense == "<=" else value  # the slack that closes the gap
            level = int(round(needed / resolution))
            if 0 <= level <= int(round(sum(slack) / resolution)):
                state[positions] = _log_bits(level, [int(round(c / resolution)) for c in slack])
        return state

    def evaluate(self, solution) -> Evaluation:
        """Objective, feasibility and the violated constraints (by name) of a solution vector.

        Parameters
        ----------
        solution : array_like
            The solution vector: one value per declared element, in declaration order.

        Returns
        -------
        Evaluation
        """
        bits = self.bits_of(solution)
        violations = self.violations(bits)
        return Evaluation(self.objective.value(bits), not violations, tuple(capped(violations)), self.sense)

    def solution_energy(self, solution) -> float:
        """The energy of a solution's encoded state (:meth:`encode`) in :meth:`to_model`'s model (default penalty),
        without building the model: ±objective plus ``P_c (a_c·b + s_c − r_c)²`` for every kept constraint (0
        for a satisfied one, whose slack closes the gap). What the command reports as a feasible answer's energy.

        Parameters
        ----------
        solution : array_like
            The solution vector: one value per declared element, in declaration order.

        Returns
        -------
        float

        Examples
        --------
        >>> from hopopt.constrained import ConstrainedModel
        >>> model = ConstrainedModel()
        >>> x = model.binary("x", 3)
        >>> model.maximize([1, 2, 3] @ x)
        >>> _ = model.add(x.sum() <= 2)
        >>> model.solution_energy([0, 1, 1]), float(model.to_model().energy(model.encode([0, 1, 1])))
        (-5.0, -5.0)
        """
        state = self.encode(solution)
        kept, matrix, constants, _, _, _, _ = self._compile()
        weights_by_name = self.constraint_penalties()
        weights = np.array([weights_by_name[constraint.name] for constraint in kept])
        residuals = matrix @ state.astype(np.float64) + constants if len(kept) else np.zeros(0)
        sign = 1.0 if self.sense == "min" else -1.0
        return float(sign * self.objective.value(state[:self._n_bits]) + np.sum(weights * residuals**2))

    def objective_from_energy(self, energy) -> float:
        """The objective of a feasible encoded state with this energy (``±E``).

        Parameters
        ----------
        energy : float
            The energy of a feasible state of :meth:`to_model`'s model.

        Returns
        -------
        float
            The objective.
        """
        return float(energy) if self.sense == "min" else -float(energy)

    def state_violations(self, state) -> list[str]:
        """The violated constraints of a raw state (no repair): what the raise-on-violation loop checks.

        Parameters
        ----------
        state : array_like
            A raw state of the model (binary, or spins: positive entries count as 1).

        Returns
        -------
        list of str
        """
        state = np.asarray(state).reshape(-1)
        return self.violations((state[:self._n_bits] > 0).astype(np.int8))

    def energy_terms(self, binary, metadata) -> tuple[dict, list]:
        """The energy of a binary state as ``objective`` plus one ``penalty: NAME`` term per constraint.

        Parameters
        ----------
        binary : array_like of 0/1
            A raw binary state of the model, slack binaries included.
        metadata : dict
            The model's metadata (its ``constraint_penalties``; default :meth:`constraint_penalties`).

        Returns
        -------
        terms : dict of str to float
            Each named term's contribution to the energy.
        violations : list of str
            The violated constraints, one readable line each.
        """
        binary = np.asarray(binary, dtype=np.float64).reshape(-1)
        kept, matrix, constants, _, _, _, total = self._compile()
        if binary.size != total:
            raise ValueError(f"a state of this model has {total} binaries, got {binary.size}")
        sign = 1.0 if self.sense == "min" else -1.0
        weights = metadata.get("constraint_penalties") or self.constraint_penalties()
        terms = {"objective": sign * self.objective.value(binary)}
        residuals = matrix @ binary + constants if len(kept) else np.zeros(0)
        for constraint, residual in zip(kept, residuals):
            terms[f"penalty: {constraint.name}"] = float(weights[constraint.name] * residual**2)
        return terms, self.violations(binary[:self._n_bits])

    def explain(self, state, model=None):
        """The energy of a raw state split into the objective and each constraint's penalty, with violations.

        Parameters
        ----------
        state : array_like
            A raw state of ``model``: binary (0/1).
        model : EnergyModel, optional
            The model the state belongs to; default :meth:`to_model`'s (its metadata gives the penalty weights).

        Returns
        -------
        Explanation
            See :func:`hopopt.problems.explain.explain`.
        """
        from ..problems.explain import explain

        return explain(self, state, model)

    # ------------------------------------------------------------------ exact
    def exact_program(self):
        """The original problem as ``solve_binary_program`` arguments: (linear, quadratic, constant, constraints)."""
        linear, rows, cols, values = self.objective_table()
        constraints = []
        if self.constraints:
            matrix, lower, upper, _ = self.constraint_table()
            constraints.append((sp.csr_array(matrix), lower, upper))
        quadratic = (rows, cols, values)
        return linear, quadratic, self.objective.constant, constraints

    def solve_exact(self, time_limit=None):
        """The exact optimum of the constrained problem by the MILP (a :class:`~hopopt.result.Solution`).

        Parameters
        ----------
        time_limit : float, optional
            Seconds for the exact method.

        Returns
        -------
        Solution
        """
        from ..api import solve_exact

        return solve_exact(self, time_limit=time_limit)

    # ------------------------------------------------------------------ files and random instances
    def to_dict(self) -> dict:
        """A JSON-ready description: variables, objective and constraints as text."""
        return {"name": self.name, "variables": [self._block_dict(block) for block in self.blocks],
                "objective": {"sense": self.sense, "expression": self._text(self.objective)},
                "constraints": [{"name": c.name, "expression": self._text(c.expression) + f" {c.sense} 0"}
                                for c in self.constraints if not self._is_group(c)],
                "one_hot": [{"name": name, "members": [self._bit_name(bit) for bit in bits]}
                            for name, bits in self.onehot_groups if self._declared_group(name)]}

    def _is_group(self, constraint):
        return any(name == constraint.name for name, _ in self.onehot_groups)

    def _declared_group(self, name):
        return not any(block.encoding == "one-hot" and name.startswith(block.name) for block in self.blocks)

    @staticmethod
    def _block_dict(block):
        entry = {"name": block.name, "type": block.kind}
        if block.shape:
            entry["shape"] = list(block.shape)
        if block.kind == "integer":
            entry.update(lower=block.lower, upper=block.upper, encoding=block.encoding)
        return entry

    def _bit_name(self, bit):
        for block in self.blocks:
            positions = np.argwhere(block.bits == bit)
            if positions.size:
                element = int(positions[0, 0])
                if block.kind != "binary":
                    raise ValueError("only binary variables can be named in text by their bit")
                return block.name if not block.shape else \
                    f"{block.name}[{', '.join(str(int(i)) for i in np.unravel_index(element, block.shape))}]"
        raise ValueError(f"bit {bit} belongs to no declared variable")

    def _text(self, expression):
        """An expression as text over binary variable names (integers and spins through their bits)."""
        parts = [repr(expression.constant)] if expression.constant else []
        for bit, value in sorted(expression.linear.items()):
            if value:
                parts.append(f"{value!r}*{self._bit_name(bit)}")
        for (i, j), value in sorted(expression.quadratic.items()):
            if value:
                parts.append(f"{value!r}*{self._bit_name(i)}*{self._bit_name(j)}")
        return " + ".join(parts) if parts else "0"

    def save(self, path):
        """Write the model as JSON (binary variables only; see :meth:`load` for the format).

        Parameters
        ----------
        path : str or os.PathLike
            Where to write.
        """
        if any(block.kind != "binary" for block in self.blocks):
            raise ValueError("save() writes models of binary variables; spins and integers are written in "
                             "binaries only inside the energy")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(self.to_dict(), handle, indent=1)

    @classmethod
    def from_dict(cls, content, source="model"):
        """A model from :meth:`to_dict`'s description (also what :meth:`load` reads).

        Parameters
        ----------
        content : dict
            The description, as :meth:`load` shows it.
        source : str
            Where it came from, for error messages.

        Returns
        -------
        ConstrainedModel
        """
        if not isinstance(content, dict):
            raise InputError(f"{source}: expected a JSON object with 'variables', 'objective', 'constraints'")
        model = cls(str(content.get("name", "model")))
        variables = content.get("variables")
        if not isinstance(variables, list) or not variables:
            raise InputError(f"{source}: 'variables' must be a non-empty list")
        for position, entry in enumerate(variables):
            where = f"{source}: variable {position}"
            if not isinstance(entry, dict) or "name" not in entry:
                raise InputError(f"{where}: expected an object with a 'name'")
            kind = entry.get("type", "binary")
            try:
                shape = entry.get("shape")
                if kind == "binary":
                    model.binary(entry["name"], shape)
                elif kind == "spin":
                    model.spin(entry["name"], shape)
                elif kind == "integer":
                    model.integer(entry["name"], entry.get("lower"), entry.get("upper"), shape,
                                  entry.get("encoding", "log"))
                else:
                    raise InputError(f"{where}: type must be binary, spin or integer, got {kind!r}")
            except (ValueError, TypeError) as error:
                raise InputError(f"{where}: {error}") from None
        objective = content.get("objective", {})
        if not isinstance(objective, dict) or objective.get("sense", "min") not in ("min", "max"):
            raise InputError(f"{source}: 'objective' must be an object with sense 'min' or 'max'")
        try:
            expression = model.expression(objective.get("expression", "0"), f"{source}: objective")
        except ValueError as error:
            raise InputError(f"{source}: objective: {error}") from None
        (model.maximize if objective.get("sense") == "max" else model.minimize)(expression)
        for position, entry in enumerate(content.get("constraints", []) or []):
            name = entry.get("name") if isinstance(entry, dict) else None
            where = f"{source}: constraint {name or position}"
            if not isinstance(entry, dict) or not isinstance(entry.get("expression"), str):
                raise InputError(f"{where}: expected an object with an 'expression' such as \"x[0] + x[1] <= 1\"")
            try:
                relation = parse(entry["expression"], model.variables, where)
                if not isinstance(relation, Relation):
                    raise InputError(f"{where}: the expression has no ==, <= or >=")
                model.add(relation, name=name)
            except InputError:
                raise
            except ValueError as error:
                raise InputError(f"{where}: {error}") from None
        for position, entry in enumerate(content.get("one_hot", []) or []):
            where = f"{source}: one-hot group {position}"
            members = entry.get("members") if isinstance(entry, dict) else None
            if not isinstance(members, list) or not members:
                raise InputError(f"{where}: needs a non-empty 'members' list")
            try:
                model.one_hot([parse(member, model.variables, where) for member in members], name=entry.get("name"))
            except InputError:
                raise
            except ValueError as error:
                raise InputError(f"{where}: {error}") from None
        return model

    @classmethod
    def load(cls, path):
        """Read a model from a JSON file written by :meth:`save` (or by hand).

        The format::

            {"name": "pick",
             "variables": [{"name": "x", "type": "binary", "shape": [4]}],
             "objective": {"sense": "max", "expression": "5*x[0] + 4*x[1] + 3*x[2] + x[3]"},
             "constraints": [{"name": "at most two", "expression": "x[0] + x[1] + x[2] + x[3] <= 2"}],
             "one_hot": [{"name": "pick one", "members": ["x[0]", "x[1]"]}]}

        Parameters
        ----------
        path : str or os.PathLike
            The JSON file.

        Returns
        -------
        ConstrainedModel
        """
        try:
            with open(path, encoding="utf-8") as handle:
                content = json.load(handle)
        except FileNotFoundError:
            raise InputError(f"model file not found: {path}") from None
        except IsADirectoryError:
            raise InputError(f"model file {path} is a directory") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise InputError(f"{path}: not a JSON file ({error})") from None
        return cls.from_dict(content, str(path))

    @classmethod
    def random(cls, n, *, rng=None, constraints=2, density=0.3):
        """A random model on n binaries: a quadratic objective to maximise under knapsack rows and a cardinality.

        Objective: integer values 1..20 on every variable and ±1..5 on a ``density`` fraction of pairs;
        ``constraints`` rows ``w·x ≤ ⌊Σw/2⌋`` with weights 1..10; and ``Σ x ≤ ⌈n/2⌉``.

        Parameters
        ----------
        n : int
            Number of binaries.
        rng : None, int or numpy.random.Generator
            Seed of the coefficients.
        constraints : int
            Number of knapsack rows.
        density : float
            Fraction of the pairs with a quadratic term.

        Returns
        -------
        ConstrainedModel

        Examples
        --------
        >>> from hopopt.constrained import ConstrainedModel
        >>> model = ConstrainedModel.random(8, rng=1)
        >>> model.n, len(model.constraints)
        (8, 3)
        """
        from ..problems._base import _seed_label

        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(f"n (variables) must be an integer ≥ 1, got {n!r}")
        if not 0 <= float(density) <= 1:
            raise ValueError(f"density must be in [0, 1], got {density}")
        n, rows = int(n), int(constraints)
        generator = np.random.default_rng(rng)
        model = cls(f"random:n={n},seed={_seed_label(rng)}")
        model.binary("x", n)  # binaries 0..n-1
        # The numbers are drawn in the order of the loops this replaced (a pair at a time, then a row at a time),
        # so a seed gives the same model: numpy draws an array as it draws its elements one by one.
        first, second = np.triu_indices(n, 1)  # the pairs i < j, row by row
        chosen = generator.random(first.size) < density
        first, second = first[chosen], second[chosen]
        values = generator.integers(1, 21, size=n)
        couplings = generator.integers(1, 6, size=first.size) * generator.choice([-1, 1], size=first.size)
        pairs = zip(zip(first.tolist(), second.tolist()), couplings.astype(np.float64).tolist())
        model.maximize(Expression(dict(enumerate(values.astype(np.float64).tolist())), dict(pairs)))
        # rows w·x ≤ ⌊Σw/2⌋ straight into constraints (add() would rebuild each from n products), drawn in blocks
        # between looks at the command's deadline: 10⁵ rows of 400 variables take seconds in Python
        variables = list(range(n))
        began = time.perf_counter()
        for start in range(0, rows, _ROWS_PER_CHECK):
            _check_time(f"generating {model.name}", start, rows, began)
            block = generator.integers(1, 11, size=(min(_ROWS_PER_CHECK, rows - start), n))
            capacities = (block.sum(axis=1) // 2).tolist()
            for row, (weights, capacity) in enumerate(zip(block.astype(np.float64).tolist(), capacities), start):
                expression = Expression(dict(zip(variables, weights)), None, -float(capacity))
                model._append(Constraint(f"capacity {row}", expression, "<="))
        model.add(model.variables["x"].sum() <= (n + 1) // 2, name="cardinality")
        return model

    def __repr__(self):
        return (f"ConstrainedModel(name={self.name!r}, variables={self.n}, binaries={self._n_bits}, "
                f"constraints={len(self.constraints)}, sense={self.sense!r})")


def improve(model, bits, max_passes=100):
    """Local search on the original problem: single flips, then swaps (one bit set, one cleared), that keep
    every constraint and improve the objective, until none does (a polish after repair).

    Examples
    --------
    >>> from hopopt.constrained import ConstrainedModel
    >>> from hopopt.constrained.builder import improve
    >>> model = ConstrainedModel()
    >>> x = model.binary("x", 3)
    >>> model.maximize([1, 2, 3] @ x)
    >>> _ = model.add(x.sum() <= 1)
    >>> improve(model, [1, 0, 0]).tolist()
    [0, 0, 1]
    """
    bits = np.asarray(bits, dtype=np.int8).reshape(-1)[:model.n_variables].copy()
    if model.violations(bits):
        return bits
    linear, pair_rows, pair_cols, pair_values = model.objective_table()
    # symmetric products: the objective's field on each bit is linear + quadratic @ bits
    quadratic = np.zeros((bits.size, bits.size))
    np.add.at(quadratic, (pair_rows, pair_cols), pair_values)
    quadratic += quadratic.T
    sign = 1.0 if model.sense == "min" else -1.0
    rows, lower, upper, tolerance = model.constraint_table()

    def feasible(left):
        return ~np.any(_violation(left, lower, upper, tolerance) > 0, axis=0)

    for _ in range(max_passes):
        steps = 1.0 - 2.0 * bits  # +1 sets, −1 clears
        fields = linear + quadratic @ bits
        gains = sign * steps * fields  # change of the energy-signed objective by each flip
        left = rows @ bits
        allowed = feasible(left[:, None] + rows * steps[None, :])
        candidates = np.flatnonzero(allowed & (gains < -1e-9))
        if candidates.size:
            choice = candidates[np.argmin(gains[candidates])]
            bits[choice] ^= 1
            continue
        ones, zeros = np.flatnonzero(bits == 1), np.flatnonzero(bits == 0)
        if not ones.size or not zeros.size:
            break
        # swap: clear i (a one), set j (a zero); the pair term counts once: −q_ij
        pair_gain = sign * (-fields[ones][:, None] + fields[zeros][None, :] - quadratic[np.ix_(ones, zeros)])
        shifted = left[:, None, None] - rows[:, ones][:, :, None] + rows[:, zeros][:, None, :]
        allowed = feasible(shifted) if rows.size else np.ones(pair_gain.shape, dtype=bool)
        pair_gain = np.where(allowed, pair_gain, np.inf)
        best = np.unravel_index(np.argmin(pair_gain), pair_gain.shape)
        if not pair_gain[best] < -1e-9:
            break
        bits[ones[best[0]]] = 0
        bits[zeros[best[1]]] = 1
    return bits
