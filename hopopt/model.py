"""The energy model: symmetric weights W, thresholds θ, an offset and a variable type.

The convention (a contract relied on by the rest of hopopt and by outside checks)::

    E(s) = -1/2 sᵀ W s + θᵀ s + offset,   W symmetric with zero diagonal,
    h = W s,   asynchronous update  s_i <- sgn(h_i - θ_i)  (a tie keeps s_i),
    flip cost  ΔE_i = 2 s_i (h_i - θ_i).

With the update and the energy written this way the two agree: a flip happens only when ΔE_i < 0, so the
energy never rises. (Writing ``-θᵀs`` in the energy beside ``sgn(h - θ)`` in the update, as one seed article
does, makes them disagree: the update would then raise the energy whenever θ matters.)

The same formula is used for binary states ``x ∈ {0,1}ⁿ`` (``vartype="binary"``); ``s = 2x - 1`` converts
between the two exactly, and every conversion here keeps the energy of every state, offsets included.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import scipy.sparse as sp

from .structured import KroneckerWeights

__all__ = ["Vartype", "EnergyModel", "UpperTriangle"]

# Relative tolerance for the symmetry check: W and Wᵀ may differ by rounding only.
_SYMMETRY_RTOL = 1e-9


class Vartype(str, enum.Enum):
    """Which values the variables take: ``SPIN`` (−1/+1) or ``BINARY`` (0/1).

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt import EnergyModel, Vartype
    >>> Vartype("binary") is Vartype.BINARY, Vartype.SPIN.value
    (True, 'spin')
    >>> EnergyModel(np.zeros((2, 2))).vartype
    <Vartype.SPIN: 'spin'>
    """

    SPIN = "spin"
    BINARY = "binary"


def _as_vartype(value) -> Vartype:
    try:
        return Vartype(value.value if isinstance(value, Vartype) else str(value).lower())
    except ValueError:
        raise ValueError(f"vartype must be 'spin' or 'binary', got {value!r}") from None


def _readonly(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


class UpperTriangle:
    """Weights given by their upper triangle: pairs (i < j) and values, mirrored into a symmetric sparse W.

    Encoders that produce one value per pair (max-cut's edges) hand these to :class:`EnergyModel`: the mirrored
    CSR is built with array operations in row order, and since it is symmetric by construction the model skips
    the check of W against Wᵀ (most of the cost of a model with millions of couplings).

    Parameters
    ----------
    n : int
    rows, cols : array_like of int
        Pairs with ``rows[k] < cols[k]``, each pair at most once, sorted by (row, col).
    values : array_like of float
        ``W[rows[k], cols[k]] = W[cols[k], rows[k]] = values[k]``.

    Examples
    --------
    >>> from hopopt.model import EnergyModel, UpperTriangle
    >>> model = EnergyModel(UpperTriangle(3, [0, 1], [1, 2], [1.0, -2.0]))
    >>> model.dense_weights().tolist()
    [[0.0, 1.0, 0.0], [1.0, 0.0, -2.0], [0.0, -2.0, 0.0]]
    """

    def __init__(self, n, rows, cols, values):
        self.n = int(n)
        self.rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        self.cols = np.asarray(cols, dtype=np.int64).reshape(-1)
        self.values = np.asarray(values, dtype=np.float64).reshape(-1)
        if not (self.rows.shape == self.cols.shape == self.values.shape):
            raise ValueError("rows, cols and values must have one entry per pair")
        if self.rows.size and (self.rows.min() < 0 or self.cols.max() >= self.n or np.any(self.rows >= self.cols)):
            raise ValueError(f"pairs must satisfy 0 ≤ row < col < n = {self.n}")
        keys = self.rows * self.n + self.cols
        if np.any(keys[1:] <= keys[:-1]):
            raise ValueError("pairs must be sorted by (row, col), each pair once")
        # the mirrored CSR's pattern, shared by the triangles with_values makes (built by the first to_csr among
        # them without zero values); None for a triangle used once (max-cut's), which pays no layout
        self._layout = None

    def with_values(self, values):
        """The same pairs with new values, sharing the mirrored layout: its CSR is one gather, no transpose.

        An encoder that builds many models on one pattern (the penalty rounds of a constrained model) pays the
        transpose of the first one only.

        Parameters
        ----------
        values : array_like of float
            One value per pair, in the order of ``rows`` and ``cols``.

        Returns
        -------
        UpperTriangle

        Examples
        --------
        >>> from hopopt.model import UpperTriangle
        >>> triangle = UpperTriangle(3, [0, 1], [1, 2], [1.0, -2.0])
        >>> triangle.with_values([3.0, 4.0]).to_csr().toarray().tolist()
        [[0.0, 3.0, 0.0], [3.0, 0.0, 4.0], [0.0, 4.0, 0.0]]
        """
        values = np.asarray(values, dtype=np.float64).reshape(-1)
        if values.shape != self.values.shape:
            raise ValueError(f"expected {self.values.size} values (one per pair), got {values.size}")
        if self._layout is None:
            self._layout = {}
        other = object.__new__(UpperTriangle)
        other.n, other.rows, other.cols, other.values = self.n, self.rows, self.cols, values
        other._layout = self._layout  # the same pairs: the same mirrored pattern
        return other

    def _mirrored_layout(self):
        """(indptr, indices, pair): the mirrored CSR's pattern when every pair is stored, and the pair whose value
        each stored entry takes (the sum of the triangle and its transpose, of pair numbers instead of values)."""
        if "pair" not in self._layout:
            numbered = UpperTriangle.__new__(UpperTriangle)
            numbered.n, numbered.rows, numbered.cols = self.n, self.rows, self.cols
            numbered.values = np.arange(1, self.rows.size + 1, dtype=np.float64)  # exact in float64
            matrix = numbered._sum_with_transpose()
            pair = matrix.data - 1
            self._layout.update(indptr=_readonly(matrix.indptr), indices=_readonly(matrix.indices),
                                pair=pair.astype(np.int32 if pair.size < 2**31 else np.int64))
        return self._layout["indptr"], self._layout["indices"], self._layout["pair"]

    def to_csr(self):
        """The symmetric W as a canonical CSR array (sorted indices, no duplicates, no explicit zeros)."""
        if self._layout is not None and self.values.size and np.all(self.values != 0):
            indptr, indices, pair = self._mirrored_layout()
            matrix = sp.csr_array((self.values[pair], indices, indptr), shape=(self.n, self.n))
            matrix.has_canonical_format = True  # the layout came from a canonical sum
            return matrix
        return self._sum_with_transpose()

    def _sum_with_transpose(self):
        n = self.n
        keep = self.values != 0
        rows, cols, values = self.rows[keep], self.cols[keep], self.values[keep]
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        # the pairs are sorted by (row, col): they are the upper triangle's CSR arrays as they stand; its transpose
        # comes from scipy's counting sort, and the sum of two triangles merges sorted rows (all in C)
        upper = sp.csr_array((values, cols, indptr), shape=(n, n))
        upper.has_sorted_indices = True
        return (upper + upper.T.tocsr()).tocsr()


class _Scaled:
    """A checked model's W times a number (:meth:`EnergyModel.to_spin`, :meth:`~EnergyModel.to_binary`): a new
    array, symmetric with a zero diagonal as the checked W was, so the new model skips the copy and the symmetry
    check (most of the cost of a conversion at millions of couplings)."""

    __slots__ = ("matrix",)

    def __init__(self, model, factor):
        self.matrix = model.weights * factor


def _largest_asymmetry(weights) -> float:
    """max |W − Wᵀ|. For a canonical sparse W the CSC arrays of W are the CSR arrays of Wᵀ: when their
    pattern matches W's the gap is a comparison of two value arrays, without forming W − Wᵀ (which took longer
    than the rest of building a 6-million-edge max-cut model)."""
    if sp.issparse(weights):
        transpose = weights.tocsc()
        if np.array_equal(transpose.indptr, weights.indptr) and np.array_equal(transpose.indices, weights.indices):
            return float(np.abs(transpose.data - weights.data).max()) if weights.nnz else 0.0
    asymmetry = abs(weights - weights.T)
    return float(asymmetry.max()) if asymmetry.size else 0.0


@dataclass(frozen=True, eq=False)
class EnergyModel:
    """A Hopfield energy ``E(s) = -1/2 sᵀWs + θᵀs + offset`` over spin or binary variables.

    Parameters
    ----------
    weights : array_like, scipy.sparse matrix or KroneckerWeights, shape (n, n)
        Symmetric coupling matrix with a zero diagonal. Sparse input is kept sparse (CSR); structured input
        (:class:`~hopopt.structured.KroneckerWeights`, a sum of Kronecker products) is kept as its factors,
        and energies, fields and flip costs are computed from them.
    thresholds : array_like, shape (n,), optional
        The thresholds θ; zero when omitted.
    offset : float, default 0.0
        A constant added to every energy, so conversions can keep energies exactly.
    vartype : {"spin", "binary"}, default "spin"
        Whether states are in {-1, +1} or in {0, 1}.
    metadata : mapping, optional
        Free-form facts recorded by encoders (problem name, penalty used, ...).

    Raises
    ------
    ValueError
        If W is not square, not symmetric, has a non-zero diagonal or non-finite entries, if θ has the wrong
        length, or if n = 0.

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt import EnergyModel
    >>> model = EnergyModel([[0, 1], [1, 0]], thresholds=[0.5, 0])
    >>> float(model.energy([1, 1]))
    -0.5
    >>> model.flip_costs([1, 1]).tolist()
    [1.0, 2.0]
    """

    weights: Any
    thresholds: Any = None
    offset: float = 0.0
    vartype: Vartype = Vartype.SPIN
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        weights = self.weights
        scaled = isinstance(weights, _Scaled)
        if scaled:
            weights = weights.matrix
        if isinstance(weights, KroneckerWeights):
            # symmetric, zero-diagonal and finite by construction; kept as factors
            self._set_thresholds_and_rest(weights)
            return
        mirrored = scaled or isinstance(weights, UpperTriangle)
        if mirrored:
            # a new array, symmetric by construction
            weights = weights.to_csr() if isinstance(weights, UpperTriangle) else weights
            if scaled and sp.issparse(weights):
                weights = sp.csr_array(weights)  # the same arrays: already the model's own
                weights.sum_duplicates()
                weights.eliminate_zeros()  # a product that underflowed to 0
                weights.sort_indices()
        elif sp.issparse(weights):
            # a copy: the model must not share (or modify) the caller's arrays
            weights = sp.csr_array(weights, dtype=np.float64, copy=True)
            weights.sum_duplicates()
            weights.eliminate_zeros()
            weights.sort_indices()
        else:
            try:
                weights = np.array(weights, dtype=np.float64)
            except (TypeError, ValueError) as error:
                raise ValueError(f"weights must be a numeric matrix: {error}") from None
        if weights.ndim != 2 or weights.shape[0] != weights.shape[1]:
            raise ValueError(f"weights must be a square matrix, got shape {weights.shape}")
        n = weights.shape[0]
        if n == 0:
            raise ValueError("weights must have at least one variable, got n = 0")
        values = weights.data if sp.issparse(weights) else weights
        if not np.all(np.isfinite(values)):
            raise ValueError("weights must be finite, got NaN or inf")
        diagonal = weights.diagonal()
        if np.any(diagonal != 0):
            index = int(np.flatnonzero(diagonal)[0])
            raise ValueError(
                f"weights must have a zero diagonal (a neuron does not feed itself), "
                f"got W[{index},{index}] = {diagonal[index]:g}"
            )
        largest_gap = 0.0 if mirrored else _largest_asymmetry(weights)
        scale = np.abs(values).max() if values.size else 0.0
        if largest_gap > _SYMMETRY_RTOL * max(scale, 1.0):
            raise ValueError(f"weights must be symmetric, got max |W - Wᵀ| = {float(largest_gap):g}")
        if sp.issparse(weights):
            _readonly(weights.data)
        else:
            _readonly(weights)
        self._set_thresholds_and_rest(weights)

    def _set_thresholds_and_rest(self, weights):
        n = weights.shape[0]
        if self.thresholds is None:
            thresholds = np.zeros(n)
        else:
            try:
                thresholds = np.array(self.thresholds, dtype=np.float64).reshape(-1)
            except (TypeError, ValueError) as error:
                raise ValueError(f"thresholds must be numeric: {error}") from None
        if thresholds.shape != (n,):
            raise ValueError(f"thresholds must have length n = {n}, got {thresholds.size}")
        if not np.all(np.isfinite(thresholds)):
            raise ValueError("thresholds must be finite, got NaN or inf")
        offset = float(self.offset)
        if not np.isfinite(offset):
            raise ValueError(f"offset must be finite, got {offset}")

        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "thresholds", _readonly(thresholds))
        object.__setattr__(self, "offset", offset)
        object.__setattr__(self, "vartype", _as_vartype(self.vartype))
        object.__setattr__(self, "metadata", dict(self.metadata))

    # ------------------------------------------------------------------ basic facts
    @property
    def n(self) -> int:
        """Number of variables (neurons)."""
        return self.weights.shape[0]

    @property
    def is_sparse(self) -> bool:
        """Whether W is stored as a scipy.sparse CSR array."""
        return sp.issparse(self.weights)

    @property
    def is_structured(self) -> bool:
        """Whether W is kept as Kronecker factors (:class:`~hopopt.structured.KroneckerWeights`)."""
        return isinstance(self.weights, KroneckerWeights)

    def weights_matrix(self):
        """W as a scipy.sparse CSR array or a dense array: structured weights are materialised (sparse), after
        a check that they fit (a MemoryError says how much they would take)."""
        return self.weights.to_sparse() if self.is_structured else self.weights

    def __repr__(self):
        if self.is_structured:
            storage = repr(self.weights)
        else:
            storage = f"sparse, {self.weights.nnz} stored" if self.is_sparse else "dense"
        return f"EnergyModel(n={self.n}, vartype={self.vartype.value!r}, {storage}, offset={self.offset:g})"

    def csr(self):
        """W in compressed sparse row form, the layout the numba kernels read.

        Returns
        -------
        indptr, indices, data : ndarray
            ``int64``, ``int64`` and ``float64`` arrays; row i's neighbours are
            ``indices[indptr[i]:indptr[i+1]]``.
        """
        cached = self.__dict__.get("_csr")
        if cached is None:
            matrix = self.weights_matrix()
            matrix = matrix if sp.issparse(matrix) else sp.csr_array(matrix)
            matrix.sort_indices()
            cached = (
                _readonly(matrix.indptr.astype(np.int64)),
                _readonly(matrix.indices.astype(np.int64)),
                _readonly(np.asarray(matrix.data, dtype=np.float64)),
            )
            self.__dict__["_csr"] = cached
        return cached

    def dense_weights(self) -> np.ndarray:
        """W as a dense ``(n, n)`` array (a copy when W is sparse or structured)."""
        return self.weights.toarray() if self.is_sparse or self.is_structured else self.weights

    # ------------------------------------------------------------------ evaluation
    def _check_states(self, states) -> np.ndarray:
        states = np.asarray(states)
        if states.shape[-1:] != (self.n,) or states.ndim > 2:
            raise ValueError(f"states must have shape (n,) or (k, n) with n = {self.n}, got {states.shape}")
        allowed = (-1, 1) if self.vartype is Vartype.SPIN else (0, 1)
        if not np.all(np.isin(states, allowed)):
            raise ValueError(f"{self.vartype.value} states must take values in {allowed}")
        return states.astype(np.float64)

    def local_fields(self, states) -> np.ndarray:
        """Local fields ``h = W s`` for one state (n,) or many (k, n).

        Parameters
        ----------
        states : array_like, shape (n,) or (k, n)
            One state or k states, in the model's variable type.

        Returns
        -------
        ndarray of float64, shape (n,) or (k, n)
            The fields of each state.

        Examples
        --------
        >>> from hopopt import EnergyModel
        >>> EnergyModel([[0, 2], [2, 0]]).local_fields([1, -1]).tolist()
        [-2.0, 2.0]
        """
        states = self._check_states(states)
        return np.asarray((self.weights @ states.T).T)

    def energies(self, states) -> np.ndarray:
        """Energies of many states at once (vectorised).

        Parameters
        ----------
        states : array_like, shape (k, n) or (n,)

        Returns
        -------
        ndarray, shape (k,) or ()

        Examples
        --------
        >>> from hopopt import EnergyModel
        >>> EnergyModel([[0, 1], [1, 0]]).energies([[1, 1], [1, -1]]).tolist()
        [-1.0, 1.0]
        """
        values = self._check_states(states)
        fields = np.asarray((self.weights @ values.T).T)
        return -0.5 * np.sum(values * fields, axis=-1) + values @ self.thresholds + self.offset

    def energy(self, state) -> float:
        """Energy of one state (see :meth:`energies`).

        Parameters
        ----------
        state : array_like, shape (n,)
            One state, in the model's variable type (spins ±1 or binary 0/1).

        Returns
        -------
        float
        """
        return float(self.energies(np.asarray(state).reshape(-1)))

    def flip_costs(self, state) -> np.ndarray:
        """Energy change of flipping each variable alone, from the local fields.

        For spins ``ΔE_i = 2 s_i (h_i - θ_i)``; for binary variables ``ΔE_i = (1 - 2 x_i)(θ_i - h_i)``.

        Parameters
        ----------
        state : array_like, shape (n,) or (k, n)
            One state or k states, in the model's variable type.

        Returns
        -------
        ndarray of float64, shape (n,) or (k, n)
            ``E(state with variable i flipped) − E(state)`` for every i.

        Examples
        --------
        >>> from hopopt import EnergyModel
        >>> EnergyModel([[0, 1], [1, 0]]).flip_costs([1, 1]).tolist()
        [2.0, 2.0]
        """
        values = self._check_states(state)
        fields = np.asarray((self.weights @ values.T).T)
        if self.vartype is Vartype.SPIN:
            return 2.0 * values * (fields - self.thresholds)
        return (1.0 - 2.0 * values) * (self.thresholds - fields)

    # ------------------------------------------------------------------ conversions
    def to_spin(self) -> "EnergyModel":
        """The same energy over spins ``s = 2x - 1`` (returns self if already spin).

        From binary ``E = -1/2 xᵀWx + θᵀx + c`` with ``x = (s + 1)/2``:
        ``W_s = W/4``, ``θ_s = θ/2 - W1/4``, ``c_s = c - 1ᵀW1/8 + 1ᵀθ/2``.

        Examples
        --------
        >>> from hopopt import EnergyModel
        >>> binary = EnergyModel([[0, 1], [1, 0]], [1, 0], vartype="binary")
        >>> spin = binary.to_spin()
        >>> float(binary.energy([1, 0])), float(spin.energy([1, -1]))
        (1.0, 1.0)
        """
        if self.vartype is Vartype.SPIN:
            return self
        row_sums = np.asarray(self.weights.sum(axis=1)).reshape(-1)
        return EnergyModel(
            _Scaled(self, 0.25),
            self.thresholds / 2.0 - row_sums / 4.0,
            self.offset - row_sums.sum() / 8.0 + self.thresholds.sum() / 2.0,
            Vartype.SPIN,
            self.metadata,
        )

    def to_binary(self) -> "EnergyModel":
        """The same energy over binary variables ``x = (s + 1)/2`` (returns self if already binary).

        ``W_b = 4 W``, ``θ_b = 2θ + 2 W1``, ``c_b = c - 1ᵀW1/2 - 1ᵀθ``.

        Examples
        --------
        >>> from hopopt import EnergyModel
        >>> spin = EnergyModel([[0, 1], [1, 0]], [0.5, 0])
        >>> float(spin.energy([-1, 1])), float(spin.to_binary().energy([0, 1]))
        (0.5, 0.5)
        """
        if self.vartype is Vartype.BINARY:
            return self
        row_sums = np.asarray(self.weights.sum(axis=1)).reshape(-1)
        return EnergyModel(
            _Scaled(self, 4.0),
            2.0 * self.thresholds + 2.0 * row_sums,
            self.offset - row_sums.sum() / 2.0 - self.thresholds.sum(),
            Vartype.BINARY,
            self.metadata,
        )

    def change_vartype(self, vartype) -> "EnergyModel":
        """Convert to ``vartype`` ("spin" or "binary"), keeping every state's energy.

        Parameters
        ----------
        vartype : {"spin", "binary"} or Vartype
            The variable type wanted.

        Returns
        -------
        EnergyModel
            The converted model (:meth:`to_spin` or :meth:`to_binary`).
        """
        return self.to_spin() if _as_vartype(vartype) is Vartype.SPIN else self.to_binary()

    @classmethod
    def from_qubo(cls, qubo, offset: float = 0.0, n: int | None = None) -> "EnergyModel":
        """A binary model with energy ``xᵀQx + offset``.

        Parameters
        ----------
        qubo : array_like (n, n), scipy.sparse matrix, or dict {(i, j): value}
            Q need not be symmetric or triangular; its diagonal holds the linear terms (``x_i² = x_i``).
            Dict keys are integer variable indices from 0; repeated pairs (i, j) and (j, i) add up.
        offset : float
        n : int, optional
            Number of variables for a dict (default: largest index + 1).

        Examples
        --------
        >>> from hopopt import EnergyModel
        >>> model = EnergyModel.from_qubo({(0, 0): -1, (0, 1): 2})
        >>> [float(model.energy(x)) for x in ([0, 0], [1, 0], [1, 1])]
        [0.0, -1.0, 1.0]
        """
        if isinstance(qubo, Mapping):
            matrix = _matrix_from_pairs(qubo, n, "qubo")
        elif sp.issparse(qubo):
            matrix = sp.csr_array(qubo, dtype=np.float64)
        else:
            matrix = np.array(qubo, dtype=np.float64)
            if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
                raise ValueError(f"qubo must be a square matrix, got shape {matrix.shape}")
        diagonal = np.asarray(matrix.diagonal(), dtype=np.float64)
        symmetric = (matrix + matrix.T) / 2.0
        if sp.issparse(symmetric):
            symmetric = sp.csr_array(symmetric)
            symmetric.setdiag(0.0)
        else:
            np.fill_diagonal(symmetric, 0.0)
        return cls(-2.0 * symmetric, diagonal, offset, Vartype.BINARY)

    def to_qubo(self):
        """Upper-triangular Q and offset with ``xᵀQx + offset`` equal to this energy over binary x.

        Returns
        -------
        Q : ndarray or scipy.sparse array, shape (n, n)
        offset : float
        """
        binary = self.to_binary()
        weights = binary.weights_matrix()
        sparse = sp.issparse(weights)
        upper = sp.triu(weights, k=1, format="csr") if sparse else np.triu(weights, 1)
        q_matrix = -upper
        if sparse:
            q_matrix = sp.csr_array(q_matrix + sp.diags_array(binary.thresholds))
        else:
            q_matrix = q_matrix + np.diag(binary.thresholds)
        return q_matrix, binary.offset

    def to_qubo_dict(self):
        """Q as a dict ``{(i, j): value}`` with i ≤ j, and the offset (see :meth:`to_qubo`)."""
        q_matrix, offset = self.to_qubo()
        coo = sp.coo_array(q_matrix)
        return {(int(i), int(j)): float(v) for i, j, v in zip(coo.row, coo.col, coo.data) if v != 0}, offset

    @classmethod
    def from_ising(cls, h, J, offset: float = 0.0) -> "EnergyModel":
        """A spin model with dimod's Ising energy ``Σ h_i s_i + Σ_{i<j} J_ij s_i s_j + offset``.

        Parameters
        ----------
        h : array_like (n,) or dict {i: value}
        J : array_like (n, n), scipy.sparse matrix, or dict {(i, j): value}
            Each pair counts once: entries (i, j) and (j, i) add up. The diagonal must be zero.
        offset : float
            The constant term.

        Returns
        -------
        EnergyModel
            The spin model, with ``W = −(J + Jᵀ)`` and ``θ = h``.

        Examples
        --------
        >>> from hopopt import EnergyModel
        >>> model = EnergyModel.from_ising([0.5, 0], {(0, 1): -1})
        >>> float(model.energy([1, 1]))
        -0.5
        """
        if isinstance(h, Mapping):
            size = max([int(i) + 1 for i in h] + [0])
            linear = np.zeros(size)
            for i, value in h.items():
                linear[int(i)] += value
        else:
            linear = np.array(h, dtype=np.float64).reshape(-1)
        if isinstance(J, Mapping):
            size = max([linear.size] + [max(int(i), int(j)) + 1 for i, j in J])
            couplings = _matrix_from_pairs(J, size, "J")
        elif sp.issparse(J):
            couplings = sp.csr_array(J, dtype=np.float64)
        else:
            couplings = np.array(J, dtype=np.float64)
        if linear.size < couplings.shape[0]:
            linear = np.concatenate([linear, np.zeros(couplings.shape[0] - linear.size)])
        if np.any(couplings.diagonal() != 0):
            raise ValueError("J must have a zero diagonal (s_i s_i = 1 is a constant; put it in the offset)")
        return cls(-(couplings + couplings.T), linear, offset, Vartype.SPIN)

    def to_ising(self):
        """dimod-style ``(h, J, offset)`` with ``Σ h_i s_i + Σ_{i<j} J_ij s_i s_j + offset`` equal to E.

        Returns
        -------
        h : dict {i: float}
        J : dict {(i, j): float} with i < j
        offset : float
        """
        spin = self.to_spin()
        weights = spin.weights_matrix()
        coo = sp.coo_array(sp.triu(weights, k=1) if sp.issparse(weights) else np.triu(weights, 1))
        couplings = {(int(i), int(j)): -float(v) for i, j, v in zip(coo.row, coo.col, coo.data) if v != 0}
        linear = {i: float(value) for i, value in enumerate(spin.thresholds)}
        return linear, couplings, spin.offset

    @classmethod
    def from_bqm(cls, bqm) -> "EnergyModel":
        """From a ``dimod.BinaryQuadraticModel`` whose variables are the integers 0..n-1.

        Requires dimod (``pip install hopopt[peers]``).

        Parameters
        ----------
        bqm : dimod.BinaryQuadraticModel
            A SPIN or BINARY model; variables other than 0..n-1 are numbered in the BQM's variable order.

        Returns
        -------
        EnergyModel
            A spin model for a SPIN BQM, else a binary one, with the BQM's offset.
        """
        labels = list(bqm.variables)
        if sorted(labels) != list(range(len(labels))):
            bqm = bqm.relabel_variables({label: index for index, label in enumerate(labels)}, inplace=False)
            labels = list(range(len(labels)))
        n = len(labels)
        linear = np.zeros(n)
        for variable, bias in bqm.linear.items():
            linear[variable] = bias
        pairs = {(u, v): bias for (u, v), bias in bqm.quadratic.items()}
        if bqm.vartype.name == "SPIN":
            return cls.from_ising(linear, _matrix_from_pairs(pairs, n, "quadratic"), bqm.offset)
        quadratic = _matrix_from_pairs(pairs, n, "quadratic")
        quadratic = quadratic + sp.diags_array(linear)
        return cls.from_qubo(quadratic, bqm.offset)

    def to_bqm(self):
        """A ``dimod.BinaryQuadraticModel`` with the same vartype and the same energies.

        Requires dimod (``pip install hopopt[peers]``).
        """
        try:
            import dimod
        except ImportError:
            raise ImportError("to_bqm needs dimod: pip install 'hopopt[peers]'") from None
        if self.vartype is Vartype.SPIN:
            linear, couplings, offset = self.to_ising()
            return dimod.BinaryQuadraticModel(linear, couplings, offset, dimod.SPIN)
        # every variable, in order 0..n-1, even those without any bias
        linear = {i: float(value) for i, value in enumerate(self.thresholds)}
        weights = self.weights_matrix()
        upper = sp.coo_array(sp.triu(weights, k=1) if sp.issparse(weights) else np.triu(weights, 1))
        couplings = {(int(i), int(j)): -float(v) for i, j, v in zip(upper.row, upper.col, upper.data) if v != 0}
        return dimod.BinaryQuadraticModel(linear, couplings, self.offset, dimod.BINARY)


def _matrix_from_pairs(pairs, n, name):
    """Sparse matrix with the values of a {(i, j): value} dict added at (i, j)."""
    rows, cols, values = [], [], []
    for key, value in pairs.items():
        try:
            i, j = (int(index) for index in key)
        except (TypeError, ValueError):
            raise ValueError(f"{name} keys must be pairs of integer indices, got {key!r}") from None
        if i < 0 or j < 0:
            raise ValueError(f"{name} indices must be non-negative, got {key!r}")
        rows.append(i)
        cols.append(j)
        values.append(float(value))
    size = max([max(rows, default=-1) + 1, max(cols, default=-1) + 1, n or 0])
    return sp.csr_array((values, (rows, cols)), shape=(size, size))
