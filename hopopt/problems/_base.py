"""What every problem shares: the :class:`Evaluation` of a solution and the :class:`Problem` protocol."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence, runtime_checkable

__all__ = ["Evaluation", "Problem"]


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
