"""Explain a raw model state: its energy split into the named terms of the encoding, and the violated constraints.

Each term is computed directly from its formula on the binary state (not from W), so the terms add up to
``model.energy(state)`` exactly (up to rounding) and show *why* a state has the energy it has:

* max-cut: ``{"cut": −cut weight}`` (``E = −cut``; every partition is feasible);
* TSP: ``D·Σ_p Σ_{c≠e} d[c,e] x[c,p] x[e,p+1]``, ``A·Σ_c (Σ_p x[c,p] − 1)²`` and ``A·Σ_p (Σ_c x[c,p] − 1)²``;
* coloring: ``A·Σ_v (Σ_c x_vc − 1)²`` and ``B·Σ_{(u,v)} Σ_c x_uc x_vc``;
* QAP: the cost ``Σ F[i,j] D[a,b] x[i,a] x[j,b]`` and the two one-hot penalties.

Each encoder writes its own terms in an ``energy_terms(binary, metadata)`` method (penalties and scales come
from ``model.metadata``); this module imports no encoder and knows no problem by name, so a new kind gets
``explain`` and ``--explain`` by writing that one method.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..model import Vartype

__all__ = ["Explanation", "explain"]


@dataclass(frozen=True)
class Explanation:
    """An energy split into named terms, with the violated constraints.

    Attributes
    ----------
    total : float
        The sum of the terms (equal to ``model.energy(state)`` up to rounding).
    terms : dict of str to float
        Term name → its contribution to the energy, in the order of the encoding's formula.
    violations : list of str
        One readable line per violated constraint; empty exactly when the state is feasible.
    problem : str
        The kind of problem ("maxcut", "tsp", "coloring").

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt import MaxCut
    >>> from hopopt.problems.explain import explain
    >>> problem = MaxCut.from_edges(3, [(0, 1), (1, 2)])
    >>> explanation = explain(problem, np.array([1, -1, 1]))
    >>> explanation.total, explanation.terms, explanation.violations, explanation.problem
    (-2.0, {'cut': -2.0}, [], 'maxcut')
    """

    total: float
    terms: dict = field(default_factory=dict)
    violations: list = field(default_factory=list)
    problem: str = ""

    @property
    def feasible(self) -> bool:
        """Whether no constraint is violated."""
        return not self.violations

    def __str__(self) -> str:
        names = list(self.terms) + ["total"]
        width = max(len(name) for name in names)
        values = [f"{value:.6g}" for value in self.terms.values()] + [f"{self.total:.6g}"]
        number_width = max(len("energy"), *(len(v) for v in values))
        lines = [f"{'term':<{width}}  {'energy':>{number_width}}", f"{'-' * width}  {'-' * number_width}"]
        for name, value in zip(names[:-1], values[:-1]):
            lines.append(f"{name:<{width}}  {value:>{number_width}}")
        lines.append(f"{'-' * width}  {'-' * number_width}")
        lines.append(f"{'total':<{width}}  {values[-1]:>{number_width}}")
        if self.violations:
            lines.append(f"violations ({len(self.violations)}):")
            lines.extend(f"  {line}" for line in self.violations)
        else:
            lines.append("feasible: no constraint violated")
        return "\n".join(lines)


def explain(problem, state, model=None) -> Explanation:
    """Split the energy of a raw model state into the terms of the problem's encoding.

    Parameters
    ----------
    problem : MaxCut, TSP or GraphColoring
        The instance the model encodes.
    state : array_like
        A raw state of ``model``: spins (−1/+1) if the model is a spin model, else binary (0/1).
    model : EnergyModel, optional
        The model the state belongs to; default ``problem.to_model()``. Its metadata gives the penalty A,
        the TSP distance scale D and the coloring conflict weight B.

    Returns
    -------
    Explanation
        ``total`` (the energy), ``terms`` (name → contribution) and ``violations`` (readable strings).

    Examples
    --------
    >>> from hopopt.problems import GraphColoring
    >>> from hopopt.problems.explain import explain
    >>> problem = GraphColoring(3, [(0, 1), (1, 2)], colors=2)
    >>> result = explain(problem, [1, 0, 1, 0, 0, 0])  # nodes 0 and 1 colour 0, node 2 none
    >>> result.violations
    ['node 2 has no colour', 'edge (0, 1) has both ends colour 0']
    >>> result.total == problem.to_model().energy([1, 0, 1, 0, 0, 0])
    True
    """
    energy_terms = getattr(problem, "energy_terms", None)
    if energy_terms is None:
        raise TypeError(f"explain needs a problem with energy_terms(binary, metadata), got {type(problem).__name__}")
    if model is None:
        model = problem.to_model()
    terms, violations = energy_terms(_binary_state(state, model), model.metadata)
    return Explanation(_total(terms), dict(terms), list(violations), str(model.metadata.get("problem", "")))


def _binary_state(state, model) -> np.ndarray:
    values = np.asarray(state).reshape(-1)
    if values.size != model.n:
        raise ValueError(f"the model has {model.n} variables, the state has {values.size}")
    if model.vartype is Vartype.SPIN:
        if not np.all(np.isin(values, (-1, 1))):
            raise ValueError("a spin model's state must hold -1/+1 values")
        return (values > 0).astype(np.int64)
    if not np.all(np.isin(values, (0, 1))):
        raise ValueError("a binary model's state must hold 0/1 values")
    return values.astype(np.int64)


def _total(terms) -> float:
    return float(sum(terms.values()))
