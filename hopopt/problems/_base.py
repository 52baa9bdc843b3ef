"""What every problem shares: the :class:`Evaluation` of a solution and the :class:`Problem` protocol."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence, runtime_checkable

__all__ = ["Evaluation", "Problem", "grid_state", "check_edges", "check_penalty", "capped", "join_words",
           "integer_entries", "MAX_VIOLATION_LINES"]

#: violation lines an Evaluation lists; the rest are counted in one last line
MAX_VIOLATION_LINES = 20


@dataclass(frozen=True)
class Evaluation:
    """How good a solution is, and whether it is allowed.

    Attributes
    ----------
    objective : float
        The problem's own measure (cut weight, tour length, number of colours).
    feasible : bool
        True when no constraint is violated.
    violations : tuple of str
        One readable line per violated constraint.
    sense : {"max", "min"}
        Whether larger or smaller objectives are better.
    optimal : bool or None
        True when an exact method proved this objective optimal; None when unknown.
    bound : float or None
        A proven bound on the optimum (upper for "max", lower for "min"); None when unknown.
    extra : dict
        Further numbers a problem kind reports (a knapsack's weight and capacity, a partition's group sums,
        ...); empty by default.

    Examples
    --------
    >>> from hopopt import MaxCut
    >>> problem = MaxCut.from_edges(3, [(0, 1), (1, 2)])
    >>> evaluation = problem.evaluate([0, 1, 0])
    >>> evaluation.objective, evaluation.feasible, evaluation.sense
    (2.0, True, 'max')
    """

    objective: float
    feasible: bool
    violations: Sequence[str] = ()
    sense: str = "min"
    optimal: bool | None = None
    bound: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Problem(Protocol):
    """The protocol problem classes follow: encode to an energy, decode a state, evaluate a solution.

    Examples
    --------
    Every problem class of hopopt, and the model builder, satisfy it (checked at run time):

    >>> from hopopt import MaxCut
    >>> from hopopt.constrained import ConstrainedModel
    >>> from hopopt.problems import Problem
    >>> isinstance(MaxCut.from_edges(2, [(0, 1)]), Problem), isinstance(ConstrainedModel(), Problem)
    (True, True)
    >>> isinstance(3, Problem)
    False
    """

    name: str
    sense: str

    def to_model(self):
        """The :class:`~hopopt.model.EnergyModel` whose low-energy states are good solutions."""

    def decode(self, state):
        """The solution a state stands for (repaired if the problem has constraints).

        Parameters
        ----------
        state : array_like
            A state of :meth:`to_model`'s model, in its variable type.

        Returns
        -------
        object
            The solution in the problem's own terms (what :meth:`evaluate` takes).
        """

    def evaluate(self, solution) -> Evaluation:
        """Objective, feasibility and violations of a solution.

        Parameters
        ----------
        solution : object
            A solution in the problem's own terms (a cut's sides, a tour, ...).

        Returns
        -------
        Evaluation
        """


def grid_state(state, n, label):
    """A raw n²-neuron state (spins or binary) as an n×n 0/1 matrix; ValueError naming ``label`` otherwise.

    Shared by the permutation encodings (TSP: city × position, QAP: facility × location).

    Examples
    --------
    >>> from hopopt.problems._base import grid_state
    >>> grid_state([1, -1, -1, 1], 2, "a TSP state").tolist()
    [[1, 0], [0, 1]]
    """
    import numpy as np

    state = np.asarray(state).reshape(-1)
    if state.size != n * n:
        raise ValueError(f"{label} has n² = {n * n} entries, got {state.size}")
    if not (np.all(np.isin(state, (-1, 1))) or np.all(np.isin(state, (0, 1)))):
        raise ValueError("state must hold spins (-1/+1) or binary values (0/1)")
    return (state > 0).astype(np.int8).reshape(n, n)


def _seed_label(rng):
    """How a random instance's name shows its seed: the integer, else None (a Generator has no short name)."""
    import numbers

    return int(rng) if isinstance(rng, numbers.Integral) else None


def check_edges(edges, n, loop_reason="a node cannot be its own neighbour"):
    """Edges as an (m, 2) int64 array of distinct (low, high) pairs, sorted; ValueError on bad input.

    Shared by the graph encoders (colouring, the independent-set family). Pairs listed twice, in either order,
    are kept once; self-loops are refused with ``loop_reason``.

    Examples
    --------
    >>> from hopopt.problems._base import check_edges
    >>> check_edges([(2, 0), (0, 2), (1, 2)], 3).tolist()
    [[0, 2], [1, 2]]
    """
    import numpy as np

    try:
        array = np.asarray(edges, dtype=np.int64) if len(edges) else np.empty((0, 2), dtype=np.int64)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"edges must be pairs of integer node ids, got {edges!r}") from None
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(f"edges must be a list of (u, v) pairs, got an array of shape {array.shape}")
    outside = (array < 0).any(axis=1) | (array >= n).any(axis=1)
    if np.any(outside):
        bad = int(np.flatnonzero(outside)[0])
        raise ValueError(f"edge {tuple(int(v) for v in array[bad])} has a node outside 0..{n - 1}")
    loops = array[:, 0] == array[:, 1]
    if np.any(loops):
        raise ValueError(f"self-loop on node {int(array[loops][0, 0])}: {loop_reason}")
    if array.shape[0] > 1 and np.all(array[:, 0] < array[:, 1]):
        keys = array[:, 0] * n + array[:, 1]
        if np.all(keys[1:] > keys[:-1]):
            # already canonical (a generator's edges, a sorted file): no sort, which took a second at 6 million;
            # never the caller's own array, which they may change later
            return array.copy() if array is edges else array
    # one int64 key per (low, high) pair, sorted and deduplicated: much faster than np.unique on rows
    # (0.2 s against 0.9 s for a million edges)
    ordered = np.sort(array, axis=1)
    keys = np.sort(ordered[:, 0] * n + ordered[:, 1])
    keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])] if keys.size else keys
    return np.stack([keys // n, keys % n], axis=1).astype(np.int64)


def kept_model(problem, key, build):
    """The model ``build()`` makes, kept on ``problem`` while ``key`` stays the same (the last one only).

    A solve and the energy of its answer (an exact method and its incumbent) then share one model, which takes
    seconds to build at millions of couplings. Arrays in ``key`` must be the same objects, other entries equal.

    Parameters
    ----------
    problem : object
        The encoder instance; the model is kept in its ``_kept_model`` attribute.
    key : tuple
        What the model depends on: the instance's arrays, its name, the penalty.
    build : callable
        ``build() -> EnergyModel``, called when the key changed.

    Returns
    -------
    EnergyModel

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from hopopt.problems._base import kept_model
    >>> holder = SimpleNamespace()
    >>> kept_model(holder, (1.0,), object) is kept_model(holder, (1.0,), object)
    True
    """
    import numpy as np

    kept = getattr(problem, "_kept_model", None)
    if kept is not None and len(kept[0]) == len(key) and all(
            old is new or (not isinstance(new, np.ndarray) and not isinstance(old, np.ndarray) and old == new)
            for old, new in zip(kept[0], key)):
        return kept[1]
    model = build()
    problem._kept_model = (key, model)
    return model


def capped(lines, total=None, suffix=""):
    """At most :data:`MAX_VIOLATION_LINES` lines, the rest counted in one last line.

    ``lines`` may already be cut short (encoders format only the lines they show); ``total`` then says how
    many there are in all.

    Examples
    --------
    >>> from hopopt.problems._base import capped
    >>> capped([f"edge {i}" for i in range(22)])[-1]
    '... and 2 more'
    """
    lines = list(lines)
    total = len(lines) if total is None else int(total)
    shown = lines[:MAX_VIOLATION_LINES]
    if total > len(shown):
        shown.append(f"... and {total - len(shown)} more{suffix}")
    return shown


def check_penalty(penalty, label="penalty") -> float:
    """A penalty as a positive finite float; ValueError naming ``label`` otherwise.

    Examples
    --------
    >>> from hopopt.problems._base import check_penalty
    >>> check_penalty(2)
    2.0
    """
    import numpy as np

    try:
        value = float(penalty)
    except (TypeError, ValueError):
        raise ValueError(f"{label} must be a positive number, got {penalty!r}") from None
    if not np.isfinite(value):
        raise ValueError(f"{label} must be a positive finite number, got {penalty!r}")
    if not value > 0:
        raise ValueError(f"{label} must be a positive number, got {penalty!r}")
    return value


def join_words(values) -> str:
    """'1 and 4', '1, 2 and 4' (for violation lines).

    Examples
    --------
    >>> from hopopt.problems._base import join_words
    >>> join_words([1, 2, 4])
    '1, 2 and 4'
    """
    words = [str(v) for v in values]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


_INT64_LIMIT = 2**63


def integer_entries(values, label):
    """``values`` flattened to int64, or ValueError naming ``label`` and the first entry that is no integer.

    A solution read from JSON may hold anything: floats with a fraction, NaN, inf, huge integers (numpy then
    makes an object array), None, text, lists. Integral floats (``3.0``) are integers; booleans count as 0/1, as
    numpy's casts have it. Entries outside the 64-bit integers are refused before the cast, which would wrap
    them round (with a RuntimeWarning on stderr) to a value the range checks would then misreport.

    Examples
    --------
    >>> from hopopt.problems._base import integer_entries
    >>> integer_entries([2, 0.0, 1], "a tour").tolist()
    [2, 0, 1]
    >>> integer_entries([0, 1e30], "a tour")
    Traceback (most recent call last):
    ...
    ValueError: a tour must hold integers within ±2**63, got 1e+30 at position 1
    >>> integer_entries([0, None], "a tour")
    Traceback (most recent call last):
    ...
    ValueError: a tour must hold integers, got None at position 1
    """
    import numpy as np

    try:
        array = np.asarray(values)
    except (ValueError, TypeError):  # lists of different lengths, say
        raise ValueError(f"{label} must be a flat list of integers, got {_short(values)}") from None
    if array.dtype.kind in "bi" or (array.dtype.kind == "u" and (array.size == 0 or array.max() < _INT64_LIMIT)):
        return array.reshape(-1).astype(np.int64)
    flat = array.reshape(-1).tolist()
    if isinstance(values, (list, tuple)) and len(values) == len(flat):
        flat = list(values)  # the entries as given: numpy turns [0, "1"] into two strings
    for position, value in enumerate(flat):
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            if not -_INT64_LIMIT <= value < _INT64_LIMIT:
                raise ValueError(f"{label} must hold integers within ±2**63, got {_short(value)} at position "
                                 f"{position}")
            continue
        if isinstance(value, float) and value == value and abs(value) != float("inf") and value == int(value):
            if not -_INT64_LIMIT <= value < _INT64_LIMIT:
                raise ValueError(f"{label} must hold integers within ±2**63, got {value!r} at position {position}")
            continue
        raise ValueError(f"{label} must hold integers, got {_short(value)} at position {position}")
    return np.array([int(value) for value in flat], dtype=np.int64)


def _short(value, limit=40):
    """A value for a one-line message: its repr, cut, on one line."""
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[:limit] + "..."
