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
    so recall from noisy cues degrades fast past P/N ≈ 0.6 (measured below).

Measured capacities, one run each of ``capacity_curve(1000, rule, trials=4, rng=0)`` (defaults noise=0.05,
tolerance=0.02, cues=20, load step 0.02; recall counted within 2 % Hamming distance from a cue with 5 % of the
bits flipped; wall time on one CPU core):

- ``"hebb"``: α_c ≈ 0.157 (fraction recalled 0.97 at α = 0.12, 0.78 at 0.14, 0.45 at 0.16, 0 at 0.20); 6 s.
  The textbook α_c = 0.138 is the N → ∞ limit for recall with few errors; at N = 1000 with a 2 % tolerance
  the 50 % point sits a little higher.
- ``"storkey"``: α_c ≈ 0.45 (0.81 at 0.40, 0.61 at 0.44, 0.41 at 0.46, 0.34 at 0.50); 28 s.
- ``"pseudo-inverse"``: α_c ≈ 0.645 (0.99 at 0.60, 0.59 at 0.64, 0.26 at 0.66, 0.01 at 0.70); 22 s.

Also: :func:`modern_update` / :func:`modern_recall`, the continuous "modern Hopfield" update
``ξ ← X softmax(β Xᵀ ξ)`` (Ramsauer et al. 2020) whose storage capacity is exponential in N.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Optional

import numpy as np

from ..model import EnergyModel
from ..result import Status
from ..solvers.descent import descend, synchronous

__all__ = ["RULES", "RecallResult", "store", "recall", "corrupt", "mask", "overlaps", "classify_state",
           "is_spurious", "modern_update", "modern_recall", "capacity_curve"]

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

    Examples
    --------
    >>> from hopopt.problems.memory import is_spurious
    >>> is_spurious([1, -1, 1, -1], [[-1, 1, -1, 1]]), is_spurious([1, 1, 1, 1], [[-1, 1, -1, 1]])
    (False, True)
    """
    label = classify_state(state, patterns, tolerance)
    return not label.startswith(("pattern", "reversed"))


# ---------------------------------------------------------------------------------------------- recall
@dataclass(frozen=True)
class RecallResult:
    """The outcome of recall from a cue.

    Attributes
    ----------
    state : ndarray, shape (N,)
        The final state (int8 ±1; float for :func:`modern_recall`).
    states : ndarray, shape (T + 1, N)
        The cue and the state after each asynchronous sweep or synchronous step.
    overlaps : ndarray, shape (T + 1, P)
        ``m_μ(t) = (1/N) ξ^μ · s(t)`` with each stored pattern.
    converged : bool
        A fixed point was reached (False after a 2-cycle or when the sweep limit ran out).
    matched : int or None
        Index of the stored pattern the final state equals (within ``tolerance``), else None.
    spurious : bool
        The final state is neither a stored pattern nor a reversed one.
    label : str
        :func:`classify_state`'s name for the final state.
    two_cycle : bool
        Synchronous updates ended in a 2-cycle.
    energies : ndarray, shape (T + 1,)
        Energy of each entry of ``states`` (for modern recall, the modern energy
        ``−lse(β, Xᵀξ) + ½ ξᵀξ`` up to constants).
    """

    state: np.ndarray
    states: np.ndarray
    overlaps: np.ndarray
    converged: bool
    matched: Optional[int]
    spurious: bool
    label: str
    two_cycle: bool
    energies: np.ndarray


def _model_patterns(model, patterns):
    if patterns is None:
        patterns = model.metadata.get("patterns")
        if patterns is None:
            raise ValueError("patterns must be given when the model's metadata has no 'patterns'")
    x = _check_patterns(patterns)
    if x.shape[1] != model.n:
        raise ValueError(f"patterns must have length N = {model.n}, got {x.shape[1]}")
    return x


def _finish(final, states, x, energies, converged, two_cycle, tolerance):
    m = states.astype(np.float64) @ x.T.astype(np.float64) / x.shape[1]
    binary = np.where(np.asarray(final) >= 0, 1, -1).astype(np.int8)
    label = classify_state(binary, x, tolerance)
    matched = int(label.split()[1]) if label.startswith("pattern") else None
    return RecallResult(state=final, states=states, overlaps=m, converged=bool(converged), matched=matched,
                        spurious=not label.startswith(("pattern", "reversed")), label=label,
                        two_cycle=bool(two_cycle), energies=np.asarray(energies, dtype=np.float64))


def recall(model, cue, *, mode="async", max_sweeps=100, rng=None, patterns=None, tolerance=0.0) -> RecallResult:
    """Clean up a cue with Hopfield dynamics and compare the result with the stored patterns.

    Parameters
    ----------
    model : EnergyModel
        Usually from :func:`store`; any spin model works when ``patterns`` is given.
    cue : array_like, shape (N,)
        The ±1 start state.
    mode : {"async", "sync"}, default "async"
        Asynchronous sweeps in random order (:func:`~hopopt.solvers.descend`, one sweep per call so every
        sweep's state is kept; the energy never rises) or synchronous steps
        (:func:`~hopopt.solvers.synchronous`; may end in a 2-cycle).
    max_sweeps : int, default 100
        Sweeps (async) or steps (sync) at most.
    rng : None, int or numpy.random.Generator
        Visiting orders for async mode.
    patterns : array_like, optional
        The stored patterns; ``model.metadata["patterns"]`` by default.
    tolerance : float, default 0.0
        Fraction of N bits a final state may differ by and still count as a pattern.

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt.problems.memory import store, recall, corrupt
    >>> xs = np.random.default_rng(0).choice([-1, 1], size=(3, 100))
    >>> result = recall(store(xs), corrupt(xs[1], 0.2, rng=1), rng=2)
    >>> result.matched, result.converged, bool(result.overlaps[-1, 1] == 1.0)
    (1, True, True)
    """
    if mode not in ("async", "sync"):
        raise ValueError(f"mode must be 'async' or 'sync', got {mode!r}")
    if isinstance(max_sweeps, bool) or not isinstance(max_sweeps, (int, np.integer)) or max_sweeps < 1:
        raise ValueError(f"max_sweeps must be an integer ≥ 1, got {max_sweeps!r}")
    x = _model_patterns(model, patterns)
    state = _check_state(cue, model.n, "cue")
    tolerance = _check_fraction("tolerance", tolerance)
    if mode == "sync":
        result = synchronous(model, state, max_steps=max_sweeps)
        states = np.asarray(result.info["history"], dtype=np.int8)
        two_cycle = result.status == Status.TWO_CYCLE
        return _finish(states[-1].copy(), states, x, result.trace, result.status == Status.CONVERGED,
                       two_cycle, tolerance)
    generator = np.random.default_rng(rng)
    states, energies, converged = [state.copy()], [model.energy(state)], False
    for _ in range(max_sweeps):
        result = descend(model, state, max_sweeps=1, rng=generator)
        if result.info["flipped"].size == 0:             # a flip-free sweep: a fixed point
            converged = True
            break
        state = np.asarray(result.best_state, dtype=np.int8)
        states.append(state.copy())
        energies.append(result.best_energy)
    return _finish(state.copy(), np.array(states), x, energies, converged, False, tolerance)


# ---------------------------------------------------------------------------------------------- modern
def _softmax(z):
    z = z - np.max(z)
    e = np.exp(z)
    return e / e.sum()


def modern_update(patterns, state, beta) -> np.ndarray:
    """One modern (continuous) Hopfield update ``ξ_new = X softmax(β Xᵀ ξ)`` (Ramsauer et al. 2020).

    ``X`` is the N×P matrix whose columns are the patterns; ``state`` may be any real vector. For large β the
    softmax picks the pattern with the largest overlap, so one update usually retrieves it exactly.

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


def _modern_energy(x, xi, beta):
    z = beta * (x @ xi)
    top = np.max(z)
    lse = (top + np.log(np.exp(z - top).sum())) / beta if beta > 0 else 0.0
    return -lse + 0.5 * float(xi @ xi)


def modern_recall(patterns, cue, beta=8.0, steps=10, tolerance=0.0) -> RecallResult:
    """Iterate :func:`modern_update` from a cue (up to ``steps`` times, stopping when it no longer moves).

    The result's ``state`` is the continuous final vector; ``matched``/``label`` judge its sign.

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt.problems.memory import modern_recall, corrupt
    >>> xs = np.random.default_rng(0).choice([-1, 1], size=(50, 64))
    >>> modern_recall(xs, corrupt(xs[7], 0.25, rng=1), beta=1.0).matched
    7
    """
    x = _check_patterns(patterns)
    xf = x.astype(np.float64)
    xi = np.asarray(cue, dtype=np.float64).reshape(-1)
    if xi.size != x.shape[1]:
        raise ValueError(f"cue must have length N = {x.shape[1]}, got {xi.size}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"steps must be an integer ≥ 1, got {steps!r}")
    tolerance = _check_fraction("tolerance", tolerance)
    states, energies, converged = [xi], [_modern_energy(xf, xi, float(beta))], False
    for _ in range(steps):
        new = modern_update(x, xi, beta)
        if np.allclose(new, xi, atol=1e-10, rtol=0):
            converged = True
            break
        xi = new
        states.append(xi)
        energies.append(_modern_energy(xf, xi, float(beta)))
    return _finish(xi, np.array(states), x, energies, converged, False, tolerance)


# ---------------------------------------------------------------------------------------------- capacity
def _async_recall(weights, state, generator, max_sweeps):
    """Asynchronous sweeps in random order with zero thresholds, event-driven.

    Exactly the dynamics of :func:`~hopopt.solvers.descend` (a neuron is visited in each sweep's random
    order and flips iff ``s_i h_i < 0``), but it jumps straight to the next unstable neuron in the order and
    keeps the fields up to date by a rank-1 step per flip, so a near-pattern cue costs O(N · flips).
    """
    n = weights.shape[0]
    s = state.astype(np.float64)
    h = weights @ s
    position = np.empty(n, dtype=np.int64)
    for _ in range(max_sweeps):
        position[generator.permutation(n)] = np.arange(n)
        pointer, flips = -1, 0
        while True:
            unstable = np.flatnonzero((s * h < 0) & (position > pointer))
            if unstable.size == 0:
                break
            k = unstable[np.argmin(position[unstable])]
            s[k] = -s[k]
            h += 2.0 * s[k] * weights[:, k]
            pointer, flips = position[k], flips + 1
        if flips == 0:
            break
    return s


def capacity_curve(neurons, rule="hebb", loads=None, trials=4, noise=0.05, tolerance=0.02, rng=None,
                   cues=20, max_sweeps=30) -> dict:
    """Fraction of patterns recalled against the load α = P/N, and the critical load α_c.

    For each load, ``trials`` independent networks of ``neurons`` neurons store ``P = round(α N)`` random
    patterns; up to ``cues`` of them per network are cued with ``noise · N`` flipped bits and cleaned up by
    event-driven asynchronous sweeps (the same dynamics as :func:`recall`). A recall counts when the final
    state is within ``tolerance · N`` Hamming distance of the cued pattern.

    Parameters
    ----------
    neurons : int
        N (≥ 2).
    rule : {"hebb", "storkey", "pseudo-inverse"}
    loads : sequence of float, optional
        Loads α to try in increasing order; by default 0.02, 0.04, ... up to 0.98, stopping two loads after
        the fraction recalled first falls below ½ (and at any fraction 0 after that).
    trials, cues, max_sweeps : int
    noise, tolerance : float in [0, 1]
    rng : None, int or numpy.random.Generator

    Returns
    -------
    dict
        ``alpha_c``: the load where the fraction recalled first drops below 0.5, interpolated linearly between
        the last load at or above ½ and the first below (None if it never drops; the first load if it starts
        below); ``curve``: list of ``(alpha, fraction)``; plus ``neurons``, ``rule``, ``noise``,
        ``tolerance``, ``trials``.

    Examples
    --------
    >>> from hopopt.problems.memory import capacity_curve
    >>> out = capacity_curve(50, "hebb", loads=[0.02, 0.6], trials=2, rng=0)
    >>> [fraction for _, fraction in out["curve"]]
    [1.0, 0.0]
    """
    if isinstance(neurons, bool) or not isinstance(neurons, (int, np.integer)) or neurons < 2:
        raise ValueError(f"neurons must be an integer ≥ 2, got {neurons!r}")
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
    for name, value in (("trials", trials), ("cues", cues), ("max_sweeps", max_sweeps)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be an integer ≥ 1, got {value!r}")
    noise = _check_fraction("noise", noise)
    tolerance = _check_fraction("tolerance", tolerance)
    generator = np.random.default_rng(rng)
    n = int(neurons)
    default_loads = loads is None
    if default_loads:
        loads = np.round(np.arange(0.02, 0.99, 0.02), 10)
    loads = [float(a) for a in loads]
    if any(a <= 0 for a in loads):
        raise ValueError("loads must be positive")
    curve, alpha_c, after = [], None, 0
    for alpha in loads:
        p = max(1, int(round(alpha * n)))
        recalled = total = 0
        for _ in range(trials):
            x = (2 * generator.integers(0, 2, size=(p, n)) - 1).astype(np.int8)
            weights = _weights(x, rule)
            chosen = generator.choice(p, size=min(p, cues), replace=False)
            finals = np.stack([_async_recall(weights, corrupt(x[k], noise, generator), generator, max_sweeps)
                               for k in chosen])
            distance = np.sum(finals != x[chosen], axis=1)
            recalled += int(np.sum(distance <= tolerance * n))
            total += len(chosen)
        fraction = recalled / total
        curve.append((alpha, fraction))
        if alpha_c is None and fraction < 0.5:
            if len(curve) == 1:
                alpha_c = alpha
            else:
                (a0, f0), (a1, f1) = curve[-2], curve[-1]
                alpha_c = a0 + (f0 - 0.5) * (a1 - a0) / (f0 - f1)
        if default_loads and alpha_c is not None:
            after += 1
            if after >= 3 or fraction == 0.0:
                break
    return {"alpha_c": alpha_c, "curve": curve, "neurons": n, "rule": rule, "noise": noise,
            "tolerance": tolerance, "trials": int(trials)}
