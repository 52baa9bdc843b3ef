"""Associative memory: the Hopfield (1982) network used as a content-addressable memory.

Patterns ``ξ^μ ∈ {−1,+1}^N`` (μ = 1..P) are stored in the weights by a learning rule; a corrupted or partial
cue is then cleaned up by the ordinary Hopfield dynamics, which descend the energy
``E(s) = −½ sᵀWs`` (thresholds zero) to a fixed point, ideally the stored pattern nearest the cue.

Rules (all give a symmetric W with a zero diagonal, as :class:`~hopopt.EnergyModel` requires):

``"hebb"``
    ``W = (1/N) Σ_μ ξ^μ ξ^μᵀ``, diagonal zeroed. Capacity α_c = P/N ≈ 0.138 (Amit, Gutfreund & Sompolinsky).
``"storkey"``
    Storkey (1997) incremental rule, one pattern at a time:
    ``W_ij += (1/N)(ξ_i ξ_j − ξ_i h_ji − h_ij ξ_j)`` with the local field
    ``h_ij = Σ_{k≠i,j} W_ik ξ_k``; diagonal kept zero. Higher capacity than Hebb, still local and incremental.
``"pseudo-inverse"``
    The projection rule ``W = X (XᵀX)⁺ Xᵀ`` with ``X`` the N×P pattern matrix, diagonal zeroed afterwards.
    Without the zeroing every pattern is an exact eigenvector (``Wξ = ξ``). With it,
    ``(Wξ)_i = (1 − C_ii) ξ_i`` where ``C_ii ∈ [0, 1]`` is the projector's diagonal (≈ P/N on average), so each
    pattern *stays a fixed point* for every P < N (``C_ii < 1`` unless a unit vector lies in the pattern span,
    and ``C_ii = 1`` only gives a tie, which keeps the spin). What shrinks as P/N grows is the basin of
    attraction: the stabilising field ``1 − C_ii ≈ 1 − P/N`` falls while the crosstalk from a noisy cue grows,
    so recall from noisy cues degrades fast past P/N ≈ 0.6 (measured in
    :mod:`hopopt.workflows.memory`).

Also: :func:`modern_update`, the continuous "modern Hopfield" update ``ξ ← X softmax(β Xᵀ ξ)`` (Ramsauer et al.
2020) whose storage capacity is exponential in N.

This module holds what describes the network: storage rules, cues, overlaps and the naming of states. What
runs the dynamics (recall from a cue, modern recall, the capacity experiment and its measured capacities) is
in :mod:`hopopt.workflows.memory`, a layer above the solvers.
"""

from __future__ import annotations

import itertools

import numpy as np

from ..model import EnergyModel

__all__ = ["RULES", "store", "corrupt", "mask", "overlaps", "classify_state", "is_spurious", "modern_update"]

#: the learning rules :func:`store` accepts
RULES = ("hebb", "storkey", "pseudo-inverse")

# classify_state looks for 3-pattern mixtures only up to this many patterns (8·C(P,3) candidate states).
_MIXTURE_MAX_PATTERNS = 40


# ---------------------------------------------------------------------------------------------- validation
def _check_patterns(patterns) -> np.ndarray:
    """Patterns as a (P, N) int8 array of ±1, or a clear ValueError."""
    if isinstance(patterns, np.ndarray):
        array = patterns
    else:
        rows = [np.asarray(row).reshape(-1) for row in patterns] if hasattr(patterns, "__iter__") else None
        if rows is None:
            raise ValueError(f"patterns must be a (P, N) array of ±1, got {type(patterns).__name__}")
        if len(rows) == 0:
            raise ValueError("patterns must contain at least one pattern, got P = 0")
        lengths = sorted({row.size for row in rows})
        if len(lengths) > 1:
            raise ValueError(f"patterns must all have the same length, got lengths {lengths}")
        array = np.stack(rows)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2:
        raise ValueError(f"patterns must be a (P, N) array, got shape {array.shape}")
    if array.shape[0] == 0:
        raise ValueError("patterns must contain at least one pattern, got P = 0")
    if array.shape[1] < 2:
        raise ValueError(f"patterns need N ≥ 2 neurons, got N = {array.shape[1]}")
    try:
        values = array.astype(np.float64)
    except (TypeError, ValueError):
        raise ValueError("patterns must be numeric ±1 values") from None
    if not np.all(np.abs(values) == 1):
        bad = values[np.abs(values) != 1].ravel()[0]
        raise ValueError(f"patterns must contain only -1 and +1, got {bad:g}")
    return values.astype(np.int8)


def _check_state(state, n, name="state") -> np.ndarray:
    array = np.asarray(state, dtype=np.float64).reshape(-1)
    if array.size != n:
        raise ValueError(f"{name} must have length N = {n}, got {array.size}")
    if not np.all(np.abs(array) == 1):
        raise ValueError(f"{name} must contain only -1 and +1")
    return array.astype(np.int8)


def _check_fraction(name, value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}") from None
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value}")
    return value


# ---------------------------------------------------------------------------------------------- storage
def _hebb(x: np.ndarray) -> np.ndarray:
    n = x.shape[1]
    weights = x.T @ x / n
    np.fill_diagonal(weights, 0.0)
    return weights


def _storkey(x: np.ndarray) -> np.ndarray:
    # With h = Wξ (W_ii = 0), h_ij = h_i − W_ij ξ_j, and ξ_i² = 1 the rule reads
    #   W ← offdiag((1 + 2/N) W + (ξξᵀ − ξhᵀ − hξᵀ)/N),
    # and since zeroing the diagonal is linear and idempotent, W = offdiag(M) with M = Σ_t c^{T−t} u_t, a sum
    # of rank-2 terms u_t = ξ(ξ − h)ᵀ − hξᵀ (scaled by 1/N). M is kept as left @ rightᵀ and its diagonal
    # separately, so storing P patterns costs O(N P²) rather than O(N² P). (Tested against the literal rule.)
    p, n = x.shape
    growth = 1.0 + 2.0 / n
    left = np.zeros((n, 2 * p))
    right = np.zeros((n, 2 * p))
    diagonal = np.zeros(n)
    for t, xi in enumerate(x):
        used = 2 * t
        h = left[:, :used] @ (right[:, :used].T @ xi) - diagonal * xi
        left[:, :used] *= growth
        diagonal = growth * diagonal + (1.0 - 2.0 * xi * h) / n
        left[:, used], right[:, used] = xi / n, xi - h
        left[:, used + 1], right[:, used + 1] = -h / n, xi
    weights = left @ right.T
    np.fill_diagonal(weights, 0.0)
    return weights


def _pseudo_inverse(x: np.ndarray) -> np.ndarray:
    columns = x.T                                        # X, N × P
    weights = columns @ np.linalg.pinv(columns.T @ columns) @ columns.T
    weights = (weights + weights.T) / 2
    np.fill_diagonal(weights, 0.0)
    return weights


def _weights(x: np.ndarray, rule: str) -> np.ndarray:
    if rule == "hebb":
        weights = _hebb(x)
    elif rule == "storkey":
        weights = _storkey(x.astype(np.float64))
    elif rule == "pseudo-inverse":
        weights = _pseudo_inverse(x.astype(np.float64))
    else:
        raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
    return (weights + weights.T) / 2                     # exact symmetry despite rounding


def store(patterns, rule="hebb") -> EnergyModel:
    """Store ±1 patterns in a Hopfield network by a learning rule.

    Parameters
    ----------
    patterns : array_like, shape (P, N)
        The patterns, entries −1 or +1 (a single 1-D pattern is taken as P = 1).
    rule : {"hebb", "storkey", "pseudo-inverse"}, default "hebb"
        The learning rule (see the module docstring).

    Returns
    -------
    EnergyModel
        Spin model with symmetric zero-diagonal W and zero thresholds; ``metadata`` holds ``problem``
        (``"associative-memory"``), ``rule`` and ``patterns`` (the (P, N) int8 array).

    Raises
    ------
    ValueError
        For patterns of unequal length, values other than ±1, N < 2, P = 0 or an unknown rule.

    Examples
    --------
    >>> from hopopt.problems.memory import store
    >>> model = store([[1, -1, 1, -1]])
    >>> model.weights.tolist()[0]
    [0.0, -0.25, 0.25, -0.25]
    >>> model.metadata["rule"]
    'hebb'
    """
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
    x = _check_patterns(patterns)
    weights = _weights(x, rule)
    x.flags.writeable = False
    return EnergyModel(weights, metadata={"problem": "associative-memory", "rule": rule, "patterns": x})


# ---------------------------------------------------------------------------------------------- cues
def corrupt(pattern, noise, rng=None) -> np.ndarray:
    """Flip exactly ``round(noise · N)`` randomly chosen entries of a ±1 pattern.

    Parameters
    ----------
    pattern : array_like of ±1, shape (N,)
    noise : float
        The fraction of entries to flip, in [0, 1].
    rng : None, int or numpy.random.Generator
        Chooses the entries.

    Returns
    -------
    numpy.ndarray of int8
        A new array; ``pattern`` is left as it was.

    Raises
    ------
    ValueError
        If ``noise`` is not in [0, 1] or the pattern is not ±1.

    Examples
    --------
    >>> from hopopt.problems.memory import corrupt
    >>> cue = corrupt([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 0.2, rng=0)
    >>> int((cue == -1).sum())
    2
    """
    noise = _check_fraction("noise", noise)
    pattern = np.asarray(pattern)
    state = _check_state(pattern, pattern.size, "pattern")
    generator = np.random.default_rng(rng)
    flips = generator.choice(state.size, size=int(round(noise * state.size)), replace=False)
    state[flips] *= -1
    return state


def mask(pattern, fraction, rng=None) -> np.ndarray:
    """A partial cue: ``round(fraction · N)`` randomly chosen entries are replaced by random ±1 values.

    (On average half the masked entries end up wrong, unlike :func:`corrupt`, which flips them all.)

    Parameters
    ----------
    pattern : array_like of ±1, shape (N,)
    fraction : float
        The fraction of entries to replace, in [0, 1].
    rng : None, int or numpy.random.Generator
        Chooses the entries and their new values.

    Returns
    -------
    numpy.ndarray of int8

    Examples
    --------
    >>> from hopopt.problems.memory import mask
    >>> mask([1, -1, 1, -1], 0.0, rng=0).tolist()
    [1, -1, 1, -1]
    """
    fraction = _check_fraction("fraction", fraction)
    pattern = np.asarray(pattern)
    state = _check_state(pattern, pattern.size, "pattern")
    generator = np.random.default_rng(rng)
    hidden = generator.choice(state.size, size=int(round(fraction * state.size)), replace=False)
    state[hidden] = (2 * generator.integers(0, 2, hidden.size) - 1).astype(np.int8)
    return state


# ---------------------------------------------------------------------------------------------- analysis
def overlaps(patterns, states) -> np.ndarray:
    """Overlaps ``m_μ = (1/N) ξ^μ · s``: shape (P,) for one state, (T, P) for a (T, N) stack.

    Parameters
    ----------
    patterns : array_like, shape (P, N)
        The stored patterns ξ^μ, one per row.
    states : array_like, shape (N,) or (T, N)
        One state or a stack of them (a recall's ``states``).

    Returns
    -------
    numpy.ndarray, shape (P,) or (T, P)

    Examples
    --------
    >>> from hopopt.problems.memory import overlaps
    >>> overlaps([[1, 1, 1, 1], [1, -1, 1, -1]], [1, 1, 1, -1]).tolist()
    [0.5, 0.5]
    """
    x = _check_patterns(patterns).astype(np.float64)
    states = np.asarray(states, dtype=np.float64)
    return states @ x.T / x.shape[1]


def classify_state(state, patterns, tolerance=0.0) -> str:
    """Name a state: ``'pattern i'``, ``'reversed pattern i'``, ``'mixture of i,j,k'`` or ``'spurious'``.

    A state is pattern ``i`` (or its reversal) when it lies within ``tolerance · N`` Hamming distance of
    ``ξ^i`` (or ``−ξ^i``); the nearest one wins. Otherwise, for P ≤ 40, it is a symmetric 3-mixture when it
    equals (within the same tolerance) ``sgn(±ξ^i ± ξ^j ± ξ^k)`` for some i < j < k and signs — these are
    the classic spurious minima of the Hebb rule. Anything else is ``'spurious'``.

    Parameters
    ----------
    state : array_like of ±1, shape (N,)
    patterns : array_like, shape (P, N)
        The stored patterns, one per row.
    tolerance : float, default 0.0
        Fraction of N entries a state may differ by and still be that pattern (or mixture).

    Returns
    -------
    str

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt.problems.memory import classify_state
    >>> xs = np.array([[1, 1, 1, 1, 1, 1], [1, 1, 1, -1, -1, -1], [1, -1, -1, 1, 1, -1]])
    >>> classify_state(-xs[1], xs), classify_state(np.sign(xs.sum(0)), xs)
    ('reversed pattern 1', 'mixture of 0,1,2')
    """
    x = _check_patterns(patterns).astype(np.float64)
    n = x.shape[1]
    s = _check_state(state, n).astype(np.float64)
    tolerance = _check_fraction("tolerance", tolerance)
    limit = tolerance * n + 1e-9
    m = x @ s / n
    distance = n * (1 - m) / 2                           # Hamming distance to each ξ^μ
    reversed_distance = n - distance
    best, best_reversed = int(np.argmin(distance)), int(np.argmin(reversed_distance))
    if distance[best] <= limit and distance[best] <= reversed_distance[best_reversed]:
        return f"pattern {best}"
    if reversed_distance[best_reversed] <= limit:
        return f"reversed pattern {best_reversed}"
    if 3 <= x.shape[0] <= _MIXTURE_MAX_PATTERNS:
        signs = np.array(list(itertools.product((1, -1), repeat=3)), dtype=np.float64)
        for triple in itertools.combinations(range(x.shape[0]), 3):
            mixtures = np.sign(signs @ x[list(triple)])  # 8 × N, sums of three odd values: never 0
            if np.min(np.sum(mixtures != s, axis=1)) <= limit:
                return "mixture of " + ",".join(map(str, triple))
    return "spurious"


def is_spurious(state, patterns, tolerance=0.0) -> bool:
    """True unless the state is a stored pattern or a reversed one (mixtures count as spurious).

    Parameters
    ----------
    state : array_like of ±1, shape (N,)
    patterns : array_like, shape (P, N)
        The stored patterns, one per row.
    tolerance : float, default 0.0
        As in :func:`classify_state`.

    Returns
    -------
    bool

    Examples
    --------
    >>> from hopopt.problems.memory import is_spurious
    >>> is_spurious([1, -1, 1, -1], [[-1, 1, -1, 1]]), is_spurious([1, 1, 1, 1], [[-1, 1, -1, 1]])
    (False, True)
    """
    label = classify_state(state, patterns, tolerance)
    return not label.startswith(("pattern", "reversed"))


# ---------------------------------------------------------------------------------------------- modern
def _softmax(z):
    z = z - np.max(z)
    e = np.exp(z)
    return e / e.sum()


def modern_update(patterns, state, beta) -> np.ndarray:
    """One modern (continuous) Hopfield update ``ξ_new = X softmax(β Xᵀ ξ)`` (Ramsauer et al. 2020).

    ``X`` is the N×P matrix whose columns are the patterns; ``state`` may be any real vector. For large β the
    softmax picks the pattern with the largest overlap, so one update usually retrieves it exactly.

    Parameters
    ----------
    patterns : array_like, shape (P, N)
        The stored patterns, one per row (the columns of X).
    state : array_like, shape (N,)
        The current state ξ.
    beta : float
        Inverse temperature of the softmax.

    Returns
    -------
    numpy.ndarray of float, shape (N,)

    Examples
    --------
    >>> from hopopt.problems.memory import modern_update
    >>> modern_update([[1, 1, -1, -1], [1, -1, 1, -1]], [1, 1, -1, 1], beta=10.0).round(3).tolist()
    [1.0, 1.0, -1.0, -1.0]
    """
    x = _check_patterns(patterns).astype(np.float64)
    xi = np.asarray(state, dtype=np.float64).reshape(-1)
    if xi.size != x.shape[1]:
        raise ValueError(f"state must have length N = {x.shape[1]}, got {xi.size}")
    beta = float(beta)
    if not np.isfinite(beta) or beta < 0:
        raise ValueError(f"beta must be finite and ≥ 0, got {beta}")
    return x.T @ _softmax(beta * (x @ xi))
