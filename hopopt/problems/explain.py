"""Explain a raw model state: its energy split into the named terms of the encoding, and the violated constraints.

Each term is computed directly from its formula on the binary state (not from W), so the terms add up to
``model.energy(state)`` exactly (up to rounding) and show *why* a state has the energy it has:

* max-cut: ``{"cut": −cut weight}`` (``E = −cut``; every partition is feasible);
* TSP: ``D·Σ_p Σ_{c≠e} d[c,e] x[c,p] x[e,p+1]``, ``A·Σ_c (Σ_p x[c,p] − 1)²`` and ``A·Σ_p (Σ_c x[c,p] − 1)²``;
* colouring: ``A·Σ_v (Σ_c x_vc − 1)²`` and ``B·Σ_{(u,v)} Σ_c x_uc x_vc``.

The penalty A, distance scale D and conflict weight B are read from ``model.metadata``.

This module imports no encoder (the encoders import it in their ``explain`` methods): :func:`explain` finds the
term function of a problem by the module and name of its class (or of a base class) in ``_TERMS``.
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
        the TSP distance scale D and the colouring conflict weight B.

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
    terms = _terms_for(problem)
    if model is None:
        model = problem.to_model()
    return terms(problem, _binary_state(state, model), model.metadata)


def _terms_for(problem):
    """The term function for ``problem``: its own ``energy_terms(binary, metadata)`` method when it has one
    (how a new kind plugs in), else its class's (or nearest base class's) entry in ``_TERMS``."""
    own = getattr(problem, "energy_terms", None)
    if own is not None:
        def terms(problem, binary, metadata):
            named, violations = own(binary, metadata)
            return Explanation(_total(named), dict(named), list(violations), getattr(problem, "kind", "") or
                               type(problem).__name__.lower())
        return terms
    for cls in type(problem).__mro__:
        terms = _TERMS.get(f"{cls.__module__}.{cls.__qualname__}")
        if terms is not None:
            return terms
    raise TypeError(f"explain needs a problem with energy_terms(binary, metadata) (or MaxCut, TSP, "
                    f"GraphColoring), got {type(problem).__name__}")


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


def _explain_maxcut(problem, sides, metadata) -> Explanation:
    if sides.size != problem.n:
        raise ValueError(f"a max-cut state has {problem.n} entries, got {sides.size}")
    crossing = sides[problem.edges[:, 0]] != sides[problem.edges[:, 1]]
    terms = {"cut": -float(problem.weights[crossing].sum())}
    return Explanation(_total(terms), terms, [], "maxcut")


def _explain_tsp(problem, binary, metadata) -> Explanation:
    n = problem.n
    if binary.size != n * n:
        raise ValueError(f"a TSP state has n² = {n * n} entries, got {binary.size}")
    penalty = float(metadata["penalty"])
    scale = float(metadata.get("distance_scale", 1.0))
    x = binary.reshape(n, n).astype(np.float64)  # x[city, position]
    following = np.roll(x, -1, axis=1)  # following[e, p] = x[e, p + 1]
    # Σ_p Σ_{c≠e} d[c,e] x[c,p] x[e,p+1]; the diagonal of d is zero, so c = e adds nothing
    length = float(np.einsum("cp,ce,ep->", x, problem.distances, following))
    rows, cols = x.sum(axis=1), x.sum(axis=0)
    terms = {
        "tour length (D·length)": scale * length,
        "each city once (A·Σ(rows−1)²)": penalty * float(np.sum((rows - 1.0) ** 2)),
        "each position once (A·Σ(cols−1)²)": penalty * float(np.sum((cols - 1.0) ** 2)),
    }
    violations = []
    for city in range(n):
        where = np.flatnonzero(x[city])
        if where.size == 0:
            violations.append(f"city {city} in no position")
        elif where.size > 1:
            violations.append(f"city {city} in {where.size} positions ({', '.join(map(str, where))})")
    for position in range(n):
        where = np.flatnonzero(x[:, position])
        if where.size == 0:
            violations.append(f"position {position} has no city")
        elif where.size > 1:
            violations.append(f"position {position} has {where.size} cities ({', '.join(map(str, where))})")
    return Explanation(_total(terms), terms, violations, "tsp")


def _explain_coloring(problem, binary, metadata) -> Explanation:
    k = int(metadata.get("colors", problem.colors))
    if binary.size != problem.n * k:
        raise ValueError(f"a colouring state has n·k = {problem.n * k} entries, got {binary.size}")
    penalty = float(metadata["penalty"])
    weight = float(metadata.get("conflict_weight", 1.0))
    x = binary.reshape(problem.n, k)
    counts = x.sum(axis=1)
    shared = x[problem.edges[:, 0]] * x[problem.edges[:, 1]]  # shared[e, c] = both ends of edge e colour c
    terms = {
        "one colour per node (A·Σ(colours−1)²)": penalty * float(np.sum((counts - 1.0) ** 2)),
        "conflicting edges (B·Σ shared colours)": weight * float(shared.sum()),
    }
    violations = []
    for node in range(problem.n):
        colours = np.flatnonzero(x[node])
        if colours.size == 0:
            violations.append(f"node {node} has no colour")
        elif colours.size > 1:
            words = [str(c) for c in colours]
            violations.append(f"node {node} has colours {', '.join(words[:-1])} and {words[-1]}")
    for (u, v), row in zip(problem.edges, shared):
        for colour in np.flatnonzero(row):
            violations.append(f"edge ({int(u)}, {int(v)}) has both ends colour {int(colour)}")
    return Explanation(_total(terms), terms, violations, "coloring")


# Term functions by the encoder class they explain, named by module and qualified name so that this module needs
# no import of the encoders (which import it).
_TERMS = {
    "hopopt.problems.maxcut.MaxCut": _explain_maxcut,
    "hopopt.problems.tsp.TSP": _explain_tsp,
    "hopopt.problems.coloring.GraphColoring": _explain_coloring,
}
