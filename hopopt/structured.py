"""Structured weights: W as a sum of Kronecker products, stored as its small factors.

Encodings on an n×n grid of neurons (TSP: city × position; QAP: facility × location) have weight matrices
with n⁴ entries, but they are sums of a few Kronecker products of n×n matrices::

    W = offdiag( Σ_k A_k ⊗ B_k ) + S,          (A ⊗ B)[(i,a), (j,b)] = A[i,j] · B[a,b],

where ``offdiag`` drops the diagonal (a neuron does not feed itself) and S is an optional sparse part. Neuron
``(i, a)`` is variable ``i·q + a`` for factors of sizes p×p and q×q. :class:`KroneckerWeights` keeps only the
factors, O(K·n²) memory for n² neurons, and computes products from them: with the state of one replica laid
out as the p×q matrix X, ``(A ⊗ B) x`` is ``A X Bᵀ`` (O(n³) instead of O(n⁴)).

W must be symmetric. A term whose factors are both symmetric is symmetric; any other term (A, B) is replaced
by the two halves ``½ A ⊗ B + ½ Aᵀ ⊗ Bᵀ``, which leave ``xᵀ W x`` unchanged for every x.

The diagonal of ``Σ A_k ⊗ B_k`` is ``Σ diag(A_k) ⊗ diag(B_k)``; it is not part of W. An encoder whose energy
has such ``x_i²`` terms moves them into θ (binary, ``x² = x``) or the offset (spins, ``s² = 1``):
:meth:`KroneckerWeights.full_diagonal` gives them.

Examples
--------
>>> import numpy as np
>>> from hopopt.structured import KroneckerWeights
>>> a, b = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[1.0, 2.0], [2.0, 1.0]])
>>> weights = KroneckerWeights([(a, b)])
>>> bool(np.array_equal(weights.to_dense(), np.kron(a, b) - np.diag(np.diag(np.kron(a, b)))))
True
>>> (weights @ np.ones(4)).tolist()
[3.0, 3.0, 3.0, 3.0]
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["KroneckerWeights", "DENSE_LIMIT_BYTES", "cycle_adjacency"]

#: materialising W (to a sparse or dense matrix) is refused beyond this many bytes, with the estimate
DENSE_LIMIT_BYTES = 4 * 2**30


def _factor(matrix, name):
    try:
        array = np.array(matrix, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a numeric matrix: {error}") from None
    if array.ndim != 2 or array.shape[0] != array.shape[1] or array.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty square matrix, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, got NaN or inf")
    array.flags.writeable = False
    return array


def cycle_adjacency(n) -> np.ndarray:
    """C[p, q] = 1 when positions p and q follow each other on the cycle 0-1-…-(n-1)-0 (the tour factor).

    Parameters
    ----------
    n : int
        Number of positions on the cycle.

    Returns
    -------
    ndarray of float64, shape (n, n)
        The symmetric 0/1 adjacency of the cycle.

    Examples
    --------
    >>> from hopopt.structured import cycle_adjacency
    >>> cycle_adjacency(4).astype(int).tolist()
    [[0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0]]
    """
    adjacency = np.zeros((n, n))
    positions = np.arange(n)
    adjacency[positions, (positions + 1) % n] = 1.0
    adjacency[(positions + 1) % n, positions] = 1.0
    return adjacency


def _is_symmetric(matrix):
    return bool(np.array_equal(matrix, matrix.T))


class KroneckerWeights:
    """``W = offdiag(Σ_k A_k ⊗ B_k) + S``: a symmetric, zero-diagonal weight matrix kept as its factors.

    Parameters
    ----------
    terms : sequence of (A, B)
        Factor pairs; every A is p×p and every B is q×q, n = p·q. A pair whose factors are not both symmetric
        is replaced by ``½ A ⊗ B + ½ Aᵀ ⊗ Bᵀ``.
    sparse : scipy.sparse matrix, shape (n, n), optional
        A symmetric, zero-diagonal part added to the products.

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt.structured import KroneckerWeights
    >>> weights = KroneckerWeights([(np.eye(2), np.ones((3, 3)))])
    >>> weights.shape, weights.blocks
    ((6, 6), (2, 3))
    """

    def __init__(self, terms, sparse=None):
        factors = []
        for index, pair in enumerate(terms):
            try:
                first, second = pair
            except (TypeError, ValueError):
                raise ValueError(f"term {index} must be a pair (A, B) of square matrices") from None
            first, second = _factor(first, f"term {index}: A"), _factor(second, f"term {index}: B")
            if _is_symmetric(first) and _is_symmetric(second):
                factors.append((first, second))
            else:
                factors.append((_factor(first / 2.0, "A"), _factor(second, "B")))
                factors.append((_factor(first.T / 2.0, "Aᵀ"), _factor(second.T, "Bᵀ")))
        if not factors:
            raise ValueError("terms must hold at least one (A, B) pair")
        rows, cols = factors[0][0].shape[0], factors[0][1].shape[0]
        for index, (first, second) in enumerate(factors):
            if first.shape[0] != rows or second.shape[0] != cols:
                raise ValueError(f"every A must be {rows}×{rows} and every B {cols}×{cols}; a term has "
                                 f"{first.shape[0]}×{first.shape[0]} and {second.shape[0]}×{second.shape[0]}")
        n = rows * cols
        if sparse is not None:
            sparse = sp.csr_array(sparse, dtype=np.float64, copy=True)
            if sparse.shape != (n, n):
                raise ValueError(f"the sparse part must be {n}×{n}, got {sparse.shape}")
            sparse.sum_duplicates()
            sparse.eliminate_zeros()
            if np.any(sparse.diagonal() != 0):
                raise ValueError("the sparse part must have a zero diagonal")
            if sparse.nnz and abs(sparse - sparse.T).max() > 1e-9 * max(1.0, abs(sparse).max()):
                raise ValueError("the sparse part must be symmetric")
            if not np.all(np.isfinite(sparse.data)):
                raise ValueError("the sparse part must be finite, got NaN or inf")
            sparse.data.flags.writeable = False
        self.terms = tuple(factors)
        self.sparse = sparse
        self.blocks = (rows, cols)
        self.shape = (n, n)
        self._diagonal = sum(np.kron(np.diag(a), np.diag(b)) for a, b in self.terms)
        self._diagonal.flags.writeable = False

    # ------------------------------------------------------------------ facts
    @property
    def n(self) -> int:
        return self.shape[0]

    @property
    def T(self):  # noqa: N802 - the matrix protocol's name
        """W is symmetric: its transpose is itself."""
        return self

    @property
    def ndim(self) -> int:
        return 2

    @property
    def nbytes(self) -> int:
        """Bytes held by the factors (and the sparse part)."""
        held = sum(a.nbytes + b.nbytes for a, b in self.terms) + self._diagonal.nbytes
        if self.sparse is not None:
            held += self.sparse.data.nbytes + self.sparse.indices.nbytes + self.sparse.indptr.nbytes
        return int(held)

    def stored_entries(self) -> int:
        """An upper bound on the non-zeros of W: Σ nnz(A_k)·nnz(B_k) (+ nnz(S)), what materialising costs."""
        count = sum(int(np.count_nonzero(a)) * int(np.count_nonzero(b)) for a, b in self.terms)
        return count + (0 if self.sparse is None else int(self.sparse.nnz))

    def full_diagonal(self) -> np.ndarray:
        """``diag(Σ A_k ⊗ B_k)``: the self-couplings W leaves out (for the encoder's θ or offset)."""
        return self._diagonal

    def diagonal(self) -> np.ndarray:
        """The diagonal of W: zero."""
        return np.zeros(self.n)

    def __repr__(self):
        extra = "" if self.sparse is None else f" + sparse ({self.sparse.nnz} stored)"
        return f"KroneckerWeights({len(self.terms)} terms of {self.blocks[0]}×{self.blocks[1]} blocks{extra})"

    # ------------------------------------------------------------------ arithmetic
    def scaled(self, factor) -> "KroneckerWeights":
        """``factor · W`` (scales the first factor of every term and the sparse part).

        Parameters
        ----------
        factor : float
            The scale.

        Returns
        -------
        KroneckerWeights
            A new matrix; this one is unchanged.
        """
        factor = float(factor)
        result = object.__new__(KroneckerWeights)
        result.terms = tuple((_factor(a * factor, "A"), b) for a, b in self.terms)
        result.sparse = None if self.sparse is None else sp.csr_array(self.sparse * factor)
        result.blocks, result.shape = self.blocks, self.shape
        result._diagonal = self._diagonal * factor
        result._diagonal.flags.writeable = False
        return result

    def __mul__(self, factor):
        if np.isscalar(factor):
            return self.scaled(factor)
        return NotImplemented

    __rmul__ = __mul__

    def __truediv__(self, factor):
        if np.isscalar(factor):
            return self.scaled(1.0 / float(factor))
        return NotImplemented

    def __neg__(self):
        return self.scaled(-1.0)

    def __matmul__(self, vectors):
        """``W @ x`` for x of shape (n,) or (n, k), computed from the factors."""
        vectors = np.asarray(vectors, dtype=np.float64)
        single = vectors.ndim == 1
        columns = vectors.reshape(self.n, -1)
        rows, cols = self.blocks
        grids = columns.T.reshape(-1, rows, cols)  # one p×q matrix per column
        product = np.zeros_like(grids)
        for first, second in self.terms:
            product += first @ grids @ second.T
        result = product.reshape(-1, self.n).T - self._diagonal[:, None] * columns
        if self.sparse is not None:
            result = result + self.sparse @ columns
        return result.reshape(-1) if single else result

    def sum(self, axis=None):
        """Row sums (``axis`` 0 or 1: W is symmetric) or the sum of all entries (``axis=None``).

        Parameters
        ----------
        axis : {None, 0, 1}
            None for the sum of all entries; 0 or 1 for the row sums (equal to the column sums).

        Returns
        -------
        float or ndarray of float64, shape (n,)
        """
        rows = self @ np.ones(self.n)
        return float(rows.sum()) if axis is None else rows

    def absolute_row_sums(self) -> np.ndarray:
        """An upper bound on ``Σ_j |W_ij|`` for every row: ``Σ_k (|A_k| ⊗ |B_k|) 1`` without the diagonal.

        Exact when no two terms cancel (every term's entries of one sign at each position).
        """
        rows, cols = self.blocks
        total = np.zeros((rows, cols))
        for first, second in self.terms:
            total += np.abs(first).sum(axis=1)[:, None] * np.abs(second).sum(axis=1)[None, :]
        total = total.reshape(-1) - np.abs(self._diagonal)
        if self.sparse is not None:
            total = total + np.asarray(abs(self.sparse).sum(axis=1)).reshape(-1)
        return np.maximum(total, 0.0)

    def max_abs(self) -> float:
        """An upper bound on ``max |W_ij|``: ``Σ_k max|A_k|·max|B_k|`` (+ ``max |S|``)."""
        largest = sum(float(np.abs(a).max() * np.abs(b).max()) for a, b in self.terms)
        if self.sparse is not None and self.sparse.nnz:
            largest += float(abs(self.sparse).max())
        return largest

    # ------------------------------------------------------------------ materialising
    def _check_size(self, entries, what):
        needed = 16 * entries  # value and index (sparse) or value (dense, counted as 8 bytes twice: temporaries)
        if needed > DENSE_LIMIT_BYTES:
            raise MemoryError(f"building W as a {what} matrix would take about {needed / 2**30:.1f} GiB "
                              f"({entries:.3g} entries for {self.n} neurons), above the {DENSE_LIMIT_BYTES / 2**30:g}"
                              f" GiB limit; use a solver that works on the factors (moves='permutation')")

    def to_sparse(self) -> sp.csr_array:
        """W as a scipy.sparse CSR array (refused with the estimate when it would not fit).

        Examples
        --------
        >>> import numpy as np
        >>> from hopopt.structured import KroneckerWeights
        >>> KroneckerWeights([(np.eye(2), np.ones((2, 2)))]).to_sparse().nnz
        4
        """
        self._check_size(self.stored_entries(), "sparse")
        total = None
        for first, second in self.terms:
            product = sp.kron(sp.csr_array(first), sp.csr_array(second), format="csr")
            total = product if total is None else total + product
        total = sp.csr_array(total)
        total.setdiag(0.0)
        if self.sparse is not None:
            total = total + self.sparse
        total = sp.csr_array(total)
        total.eliminate_zeros()
        total.sort_indices()
        return total

    def to_dense(self) -> np.ndarray:
        """W as a dense array (refused with the estimate when it would not fit)."""
        self._check_size(self.n * self.n, "dense")
        total = sum(np.kron(a, b) for a, b in self.terms)
        np.fill_diagonal(total, 0.0)
        if self.sparse is not None:
            total = total + self.sparse.toarray()
        return total

    def toarray(self) -> np.ndarray:
        """Alias of :meth:`to_dense` (the scipy.sparse spelling)."""
        return self.to_dense()
