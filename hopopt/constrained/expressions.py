"""Quadratic expressions over binary variables, relations between them, and a small safe expression parser.

An :class:`Expression` is ``constant + Σ a_i b_i + Σ q_ij b_i b_j`` over the model's internal binary variables
``b`` (spin and integer variables are written in binaries by the builder). Arithmetic (``+``, ``-``, ``*`` by a
number or by another expression while the degree stays ≤ 2, ``** 2``) builds new expressions; comparing one
with ``==``, ``<=`` or ``>=`` gives a :class:`Relation`, which :meth:`ConstrainedModel.add` turns into a named
constraint. :func:`parse` reads the same expressions from text (``"3*x[0] + 2*x[1]*y - 4"``) through Python's
``ast`` with only numbers, names, subscripts, ``+ - *`` and ``** 2`` allowed: never ``eval``.
"""

from __future__ import annotations

import ast
import numbers
from dataclasses import dataclass

import numpy as np

from ..errors import InputError

__all__ = ["Expression", "Relation", "quicksum", "parse"]


def _pair(i, j):
    return (i, j) if i <= j else (j, i)


class Expression:
    """``constant + Σ linear[i]·b_i + Σ quadratic[(i, j)]·b_i·b_j`` over binary variables b (i ≤ j).

    Build expressions from the variables a :class:`~hopopt.constrained.ConstrainedModel` declares; a product
    of two linear expressions is quadratic, and anything of higher degree is refused.

    Parameters
    ----------
    linear : dict of int to float, optional
        Coefficient of each binary variable's index.
    quadratic : dict of (int, int) to float, optional
        Coefficient of each product of two variables, keyed by their indices ``(i, j)``, i ≤ j.
    constant : float
        The constant term.

    Examples
    --------
    >>> from hopopt.constrained import ConstrainedModel
    >>> model = ConstrainedModel()
    >>> x = model.binary("x", 2)
    >>> expression = 3 * x[0] + 2 * x[0] * x[1] - 1
    >>> expression.degree, expression.value([1, 1])
    (2, 4.0)
    """

    __slots__ = ("linear", "quadratic", "constant")
    __array_priority__ = 100  # numpy defers to our operators: array * expression stays elementwise

    def __init__(self, linear=None, quadratic=None, constant=0.0):
        self.linear = dict(linear or {})
        self.quadratic = dict(quadratic or {})
        self.constant = float(constant)

    # ------------------------------------------------------------------ arithmetic
    @staticmethod
    def _lift(other):
        if isinstance(other, Expression):
            return other
        if isinstance(other, numbers.Real) and not isinstance(other, bool) or isinstance(other, np.number):
            value = float(other)
            if not np.isfinite(value):
                raise ValueError(f"coefficients must be finite, got {value}")
            return Expression(constant=value)
        return NotImplemented

    def copy(self) -> "Expression":
        return Expression(self.linear, self.quadratic, self.constant)

    def _add_into(self, other, factor=1.0):
        """Add ``factor · other`` to this expression in place (the loop behind + and :func:`quicksum`)."""
        for index, value in other.linear.items():
            self.linear[index] = self.linear.get(index, 0.0) + factor * value
        for pair, value in other.quadratic.items():
            self.quadratic[pair] = self.quadratic.get(pair, 0.0) + factor * value
        self.constant += factor * other.constant
        return self

    def __add__(self, other):
        other = self._lift(other)
        if other is NotImplemented:
            return NotImplemented
        return self.copy()._add_into(other)

    __radd__ = __add__

    def __sub__(self, other):
        other = self._lift(other)
        if other is NotImplemented:
            return NotImplemented
        return self.copy()._add_into(other, -1.0)

    def __rsub__(self, other):
        other = self._lift(other)
        if other is NotImplemented:
            return NotImplemented
        return other.copy()._add_into(self, -1.0)

    def __neg__(self):
        return Expression()._add_into(self, -1.0)

    def __pos__(self):
        return self.copy()

    def __mul__(self, other):
        other = self._lift(other)
        if other is NotImplemented:
            return NotImplemented
        if not other.linear and not other.quadratic:
            return Expression()._add_into(self, other.constant)
        if not self.linear and not self.quadratic:
            return Expression()._add_into(other, self.constant)
        if self.quadratic or other.quadratic:
            raise ValueError("the product has degree > 2: hopopt models are quadratic (use an auxiliary "
                             "variable and a constraint to reduce higher-order terms)")
        product = Expression(constant=self.constant * other.constant)
        for index, value in self.linear.items():
            product.linear[index] = product.linear.get(index, 0.0) + value * other.constant
        for index, value in other.linear.items():
            product.linear[index] = product.linear.get(index, 0.0) + value * self.constant
        for i, a in self.linear.items():
            for j, b in other.linear.items():
                if i == j:  # b_i² = b_i for binaries
                    product.linear[i] = product.linear.get(i, 0.0) + a * b
                else:
                    key = _pair(i, j)
                    product.quadratic[key] = product.quadratic.get(key, 0.0) + a * b
        return product

    __rmul__ = __mul__

    def __truediv__(self, other):
        if isinstance(other, Expression):
            raise ValueError("an expression can only be divided by a number")
        return self * (1.0 / float(other))

    def __pow__(self, exponent):
        if exponent == 1:
            return self.copy()
        if exponent == 2:
            return self * self
        raise ValueError(f"only powers 1 and 2 are quadratic, got ** {exponent}")

    # ------------------------------------------------------------------ relations
    def __le__(self, other):
        return Relation(self - other, "<=")

    def __ge__(self, other):
        return Relation(self - other, ">=")

    def __eq__(self, other):  # noqa: D105 - a relation, as in PuLP, PyQUBO and CVXPY
        lifted = self._lift(other)
        if lifted is NotImplemented:
            return NotImplemented
        return Relation(self - lifted, "==")

    __hash__ = None

    # ------------------------------------------------------------------ inspection
    @property
    def degree(self) -> int:
        """0, 1 or 2: the highest power among terms with a non-zero coefficient."""
        if any(value != 0 for value in self.quadratic.values()):
            return 2
        return 1 if any(value != 0 for value in self.linear.values()) else 0

    def value(self, binary) -> float:
        """The value of the expression at a 0/1 vector of the internal binaries.

        Parameters
        ----------
        binary : array_like of 0/1
            The internal binaries, indexed as the expression's variables are.

        Returns
        -------
        float
        """
        binary = np.asarray(binary, dtype=np.float64).reshape(-1)
        total = self.constant + sum(value * binary[index] for index, value in self.linear.items())
        total += sum(value * binary[i] * binary[j] for (i, j), value in self.quadratic.items())
        return float(total)

    def __repr__(self):
        return f"Expression({len(self.linear)} linear, {len(self.quadratic)} quadratic, constant={self.constant:g})"


@dataclass(frozen=True, eq=False)
class Relation:
    """``expression (== | <= | >=) 0``: what comparing two expressions gives, before it becomes a constraint.

    Attributes
    ----------
    expression : Expression
        The left side minus the right side.
    sense : {"==", "<=", ">="}
        How ``expression`` compares with 0.

    Examples
    --------
    >>> from hopopt.constrained import ConstrainedModel
    >>> model = ConstrainedModel()
    >>> x = model.binary("x", 3)
    >>> relation = x.sum() <= 2
    >>> type(relation).__name__, relation.sense
    ('Relation', '<=')
    >>> relation.expression.value([1, 1, 1])  # x₀ + x₁ + x₂ − 2 at x = (1, 1, 1): 1 > 0, violated
    1.0
    """

    expression: Expression
    sense: str

    def __bool__(self):
        raise TypeError("a relation between expressions has no truth value; pass it to ConstrainedModel.add")


def quicksum(terms) -> Expression:
    """The sum of expressions and numbers, accumulated in place (linear time, unlike repeated ``+``).

    Parameters
    ----------
    terms : iterable of Expression or number

    Returns
    -------
    Expression

    Examples
    --------
    >>> from hopopt.constrained import ConstrainedModel, quicksum
    >>> model = ConstrainedModel()
    >>> x = model.binary("x", 3)
    >>> quicksum(2 * x[i] for i in range(3)).value([1, 0, 1])
    4.0
    """
    total = Expression()
    for term in terms:
        lifted = Expression._lift(term)
        if lifted is NotImplemented:
            raise TypeError(f"quicksum adds expressions and numbers, got {type(term).__name__}")
        total._add_into(lifted)
    return total


_ALLOWED_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Pow: "**", ast.Div: "/"}


def parse(text, names, source="expression"):
    """An :class:`Expression` or :class:`Relation` from text such as ``"3*x[0] + 2*x[1]*y <= 4"``.

    Parameters
    ----------
    text : str
        Numbers, variable names, subscripts (``x[2]``, ``x[1, 3]``), ``+ - * /`` by numbers, ``** 2``, and at
        most one comparison (``==``, ``<=``, ``>=``).
    names : mapping of str to Expression or numpy array of Expression
        The declared variables.
    source : str
        How error messages name the text's origin (``model.json: constraint 'capacity'``).

    Examples
    --------
    >>> from hopopt.constrained import ConstrainedModel
    >>> from hopopt.constrained.expressions import parse
    >>> model = ConstrainedModel()
    >>> x = model.binary("x", 2)
    >>> parse("3*x[0] - x[1] + 2", model.variables).value([1, 1])
    4.0
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{source}: expected a non-empty expression")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as error:
        raise InputError(f"{source}: cannot parse {text!r} ({error.msg})") from None

    def fail(what):
        raise InputError(f"{source}: {what} in {text!r}")

    def evaluate(node):
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                fail(f"unexpected constant {node.value!r}")
            return Expression._lift(node.value)
        if isinstance(node, ast.Name):
            if node.id not in names:
                fail(f"unknown variable {node.id!r}")
            value = names[node.id]
            if not isinstance(value, Expression):
                fail(f"{node.id!r} is an array of variables; give an index such as {node.id}[0]")
            return value
        if isinstance(node, ast.Subscript):
            if not isinstance(node.value, ast.Name) or node.value.id not in names:
                fail("a subscript must follow a declared variable name")
            array = names[node.value.id]
            if isinstance(array, Expression):
                fail(f"{node.value.id!r} is a single variable and takes no index")
            index = node.slice
            parts = index.elts if isinstance(index, ast.Tuple) else [index]
            positions = []
            for part in parts:
                if not (isinstance(part, ast.Constant) and isinstance(part.value, int)
                        and not isinstance(part.value, bool)):
                    fail("indices must be integers")
                positions.append(part.value)
            try:
                return array[tuple(positions)]
            except IndexError:
                fail(f"index {tuple(positions)} is outside {node.value.id!r} of shape {array.shape}")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = evaluate(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and type(node.op) in _ALLOWED_BINARY:
            left = evaluate(node.left)
            if isinstance(node.op, ast.Pow):
                if not (isinstance(node.right, ast.Constant) and node.right.value in (1, 2)):
                    fail("only ** 1 and ** 2 are allowed")
                return left ** node.right.value
            right = evaluate(node.right)
            try:
                if isinstance(node.op, ast.Add):
                    return left + right
                if isinstance(node.op, ast.Sub):
                    return left - right
                if isinstance(node.op, ast.Mult):
                    return left * right
                if right.linear or right.quadratic or right.constant == 0:
                    fail("division only by a non-zero number")
                return left / right.constant
            except ValueError as error:
                fail(str(error))
        fail(f"unsupported syntax {type(node).__name__}")

    if isinstance(tree, ast.Compare):
        if len(tree.ops) != 1:
            fail("only one comparison is allowed")
        operators = {ast.Eq: "==", ast.LtE: "<=", ast.GtE: ">="}
        if type(tree.ops[0]) not in operators:
            fail("comparisons are ==, <= and >=")
        left, right = evaluate(tree.left), evaluate(tree.comparators[0])
        return Relation(left - right, operators[type(tree.ops[0])])
    return evaluate(tree)
