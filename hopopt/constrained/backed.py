"""What every problem written on the model builder shares: its energy, explanation and checks come from the
:class:`~hopopt.constrained.ConstrainedModel` it holds (composition: the problem keeps its own data, decoding,
repair and evaluation in its own terms)."""

from __future__ import annotations

import numpy as np

__all__ = ["BuilderBacked"]


class BuilderBacked:
    """Delegates the energy side of a problem to ``self.constrained`` (a ConstrainedModel).

    A subclass sets ``self.constrained`` and ``kind_name``, and defines ``_check(solution)`` (its own
    validation of a solution vector, which is the builder's solution vector) and ``default_penalty()``.

    Examples
    --------
    :class:`~hopopt.Knapsack` is one: its capacity is a constraint of the builder model it holds, and the
    energy's binaries are its items plus the slack binaries of that inequality.

    >>> from hopopt import Knapsack
    >>> from hopopt.constrained.backed import BuilderBacked
    >>> problem = Knapsack([6, 5, 4], [3, 2, 2], capacity=4)
    >>> isinstance(problem, BuilderBacked), problem.constrained.n_variables, problem.n_variables
    (True, 3, 6)
    >>> problem.explain(problem.encode([0, 1, 1])).terms
    {'objective': -9.0, 'penalty: capacity': 0.0}
    """

    kind_name = "model"
    _n_variables = None

    @property
    def n_variables(self) -> int:
        """Binaries of the energy: the declared ones plus the slack binaries of the inequalities."""
        if self._n_variables is None:
            self._n_variables = int(self.constrained.n_energy_variables)
        return self._n_variables

    def start_penalty(self) -> float:
        """Where the anneal starts: the problem's own ``local_penalty()`` (its rule is tighter than the builder's
        generic one, so no further quarter: at 1 s, 20 seeds, 30–60 binaries, the optimum in 19/20 knapsacks and
        20/20 set covers, against 16/20 and 19/20 at a quarter of it)."""
        return float(self.local_penalty())

    def to_model(self, penalty=None):
        """The binary energy model; ``penalty`` as in :meth:`ConstrainedModel.to_model` (default: the
        problem's own rule, :meth:`default_penalty`).

        Parameters
        ----------
        penalty : float or dict, optional
            As :meth:`ConstrainedModel.to_model <hopopt.constrained.ConstrainedModel.to_model>` takes it; default
            :meth:`default_penalty`.

        Returns
        -------
        EnergyModel
            The binary model, its metadata naming the problem kind and the instance.
        """
        model = self.constrained.to_model(self.default_penalty() if penalty is None else penalty)
        model.metadata.update(problem=self.kind_name, instance=self.name)
        return model

    def energy_terms(self, binary, metadata) -> tuple[dict, list]:
        """``objective`` and one ``penalty: NAME`` term per constraint of a raw binary state, and violations.

        Parameters
        ----------
        binary : array_like of 0/1
            A raw binary state of the model, slack binaries included.
        metadata : dict
            The model's metadata (its ``constraint_penalties`` weigh the penalty terms).

        Returns
        -------
        terms : dict of str to float
            Each term's contribution to the energy.
        violations : list of str
            The violated constraints.
        """
        return self.constrained.energy_terms(binary, metadata)

    def explain(self, state, model=None):
        """The energy of a raw state split into its terms (see :func:`hopopt.problems.explain.explain`).

        Parameters
        ----------
        state : array_like
            A raw state of ``model``.
        model : EnergyModel, optional
            The model the state belongs to; default :meth:`to_model`'s.

        Returns
        -------
        Explanation
        """
        from ..problems.explain import explain

        return explain(self, state, model)

    def state_violations(self, state) -> list[str]:
        """The violated constraints of a raw state, without repair (what the penalty loop checks).

        Parameters
        ----------
        state : array_like
            A raw state of the model (binary, or spins: positive entries count as 1).

        Returns
        -------
        list of str
            One line per violated constraint.
        """
        return self.constrained.state_violations(state)

    def objective_from_energy(self, energy) -> float:
        """The objective of a feasible encoded state with this energy.

        Parameters
        ----------
        energy : float
            The energy of a feasible state of :meth:`to_model`'s model.

        Returns
        -------
        float
        """
        return self.constrained.objective_from_energy(energy)

    def encode(self, solution) -> np.ndarray:
        """The full binary state of a solution, slack binaries set so that satisfied constraints cost 0.

        Parameters
        ----------
        solution : array_like
            A solution in the problem's own terms.

        Returns
        -------
        ndarray of int8
            The binary state, slack binaries included.
        """
        return self.constrained.encode(self._check(solution))
