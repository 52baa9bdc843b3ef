"""What every problem shares: the :class:`Evaluation` of a solution and the :class:`Problem` protocol."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence, runtime_checkable

__all__ = ["Evaluation", "Problem", "grid_state"]


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
    """The protocol problem classes follow: encode to an energy, decode a state, evaluate a solution."""

    name: str
    sense: str

    def to_model(self):
        """The :class:`~hopopt.model.EnergyModel` whose low-energy states are good solutions."""

    def decode(self, state):
        """The solution a state stands for (repaired if the problem has constraints)."""

    def evaluate(self, solution) -> Evaluation:
        """Objective, feasibility and violations of a solution."""


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
