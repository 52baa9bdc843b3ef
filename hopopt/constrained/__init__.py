"""Write a constrained binary problem down, solve it by energy descent and prove it with a MILP.

:class:`ConstrainedModel` declares binary, spin and integer variables, a quadratic objective, linear
constraints and one-hot groups; it compiles to an :class:`~hopopt.model.EnergyModel` by a documented penalty
rule, decodes and repairs states, names violated constraints, and solves the original problem exactly with
HiGHS. It is a registered problem kind (``model``): ``hopopt.solve(model)``, ``hopopt.solve_exact(model)`` and
``hopopt solve model FILE.json`` work on it like on any other problem.
"""

from .builder import Constraint, ConstrainedModel, VariableBlock
from .expressions import Expression, Relation, parse, quicksum

__all__ = ["ConstrainedModel", "Constraint", "VariableBlock", "Expression", "Relation", "quicksum", "parse"]
