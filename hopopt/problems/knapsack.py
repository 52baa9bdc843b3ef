"""0/1 knapsack: choose items of the largest total value whose total weight fits the capacity.

Encoding. The problem is written down once in the constrained model builder
(:class:`~hopopt.constrained.ConstrainedModel`): one binary ``x_i`` per item, the objective
``maximise Σ v_i x_i`` and the constraint ``Σ w_i x_i ≤ C``. The builder turns the inequality into the
equality ``Σ w_i x_i + s = C`` with an integer slack ``s ∈ [0, C]`` written in the bounded log encoding
(⌊log₂(C/δ)⌋ + 1 slack binaries, δ the common step of the weights and capacity: 1 for integer data), and the
energy is

    ``E(x, s) = −Σ v_i x_i + P (Σ w_i x_i + s − C)² / δ²``.

Penalty rule: ``P = 1.5 max_i v_i`` by default (the builder's generic rule, ``1.5 Σ v_i``, holds too but is
far stiffer). Take an overloaded state, overload ``o = Σ w x − C ≥ δ``, with its slack at 0 (its best value).
Taking out any packed item i loses ``v_i < P`` and lowers the penalty by at least P: to ``P (o − w_i)²/δ²``
when ``o ≥ w_i`` (a drop of ``P w_i (2o − w_i)/δ² ≥ P w_i o/δ² ≥ P``), to 0 with the slack taking the spare
capacity otherwise (a drop of ``P o²/δ² ≥ P``). So no overloaded state is a ground state; a fitting state
with its slack set to the spare capacity pays nothing, so every ground state is an optimum, and the energy of
an encoded feasible solution is minus its value (:meth:`Knapsack.objective_from_energy`). The default solver
anneals with a much smaller penalty (:meth:`Knapsack.local_penalty`) and repairs its answers
(:mod:`hopopt.workflows.constrained`).

Decoding reads the item bits (slack bits are ignored) and repairs an overloaded choice by dropping the
chosen item of the worst value/weight ratio until the rest fits; a feasible choice comes back unchanged, so
``decode(encode(s)) == s`` for every feasible ``s``. :meth:`Knapsack.polish` then adds items that fit (best
ratio first) and exchanges one or two packed items for one or two unpacked ones while that gains value and fits.
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction

import numpy as np

from ..constrained import ConstrainedModel, quicksum
from ..constrained.backed import BuilderBacked
from ._base import Evaluation, _seed_label

__all__ = ["Knapsack"]

# Pisinger's instance classes by name and by the number in his knapPI_<class>_... file names
_CLASSES = {"uncorrelated": "uncorrelated", 1: "uncorrelated", "weakly": "weakly", 2: "weakly",
            "strongly": "strongly", 3: "strongly"}
# Polish stops after this many improving moves (each move gains value, so it ends anyway; this bounds time).
_MAX_POLISH_MOVES = 10_000
# Two-for-one and one-for-two exchanges are skipped when they would compare more combinations than this.
_MAX_PAIR_TABLE = 4_000_000


class Knapsack(BuilderBacked):
    """A 0/1 knapsack instance: items with values and weights, one capacity.

    Parameters
    ----------
    values, weights : array_like of shape (n,)
        Positive, finite numbers; item ``i`` is worth ``values[i]`` and weighs ``weights[i]``. Weights may be
        decimals that are whole multiples of a common step of at least 1/1000 (``weight_step``: 1 for
        integers, 0.25 for quarters), since the capacity's slack counts in that step.
    capacity : float
        The largest total weight allowed (≥ 0).
    name : str, optional
        A label for reports.

    Attributes
    ----------
    constrained : ConstrainedModel
        The builder model this class delegates its energy, explain, violations and penalties to.

    Examples
    --------
    >>> import hopopt
    >>> from hopopt.problems.knapsack import Knapsack
    >>> problem = Knapsack([6, 5, 4], [5, 4, 3], capacity=8)
    >>> problem.evaluate([0, 1, 1]).objective
    9.0
    >>> problem.evaluate([1, 1, 0]).violations
    ('the chosen items weigh 9, over the capacity 8 by 1',)
    >>> hopopt.solve_exact(problem).solution.tolist()
    [1, 0, 1]
    """

    sense = "max"
    kind_name = "knapsack"

    def __init__(self, values, weights, capacity, name="knapsack"):
        values = self._numbers(values, "values")
        weights = self._numbers(weights, "weights")
        if values.shape != weights.shape:
            raise ValueError(f"values and weights need one entry per item, got {values.size} values and "
                             f"{weights.size} weights")
        if isinstance(capacity, bool) or not isinstance(capacity, numbers.Real) or not np.isfinite(capacity) \
                or capacity < 0:
            raise ValueError(f"capacity must be a finite number ≥ 0, got {capacity!r}")
        self.values, self.weights, self.capacity = values, weights, float(capacity)
        self.values.setflags(write=False)
        self.weights.setflags(write=False)
        self.name = str(name)
        self.weight_step = self._step(weights)
        self.constrained = self._build()
        # the item order the repair drops in: worst value per weight first (stable, so ties go by index)
        self._drop_order = np.argsort(values / weights, kind="stable")
        self._n_variables = None

    @staticmethod
    def _numbers(array, label):
        try:
            array = np.array(array, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            raise ValueError(f"{label} must be numbers, got {array!r}") from None
        if array.size == 0:
            raise ValueError(f"{label}: a knapsack needs at least one item")
        bad = np.flatnonzero(~np.isfinite(array) | (array <= 0))
        if bad.size:
            raise ValueError(f"{label} must be positive finite numbers, got {array[bad[0]]!r} for item {bad[0]}")
        return array

    def _build(self) -> ConstrainedModel:
        model = ConstrainedModel(self.name)
        x = model.binary("x", self.n)
        model.maximize(quicksum(float(value) * x[i] for i, value in enumerate(self.values)))
        # Σ w x only takes values on the weights' grid, so the capacity rounded down to it is the same
        # constraint with a coarser slack (capacity 10.5 with integer weights: 10, in steps of 1, not 0.5)
        usable = math.floor(self.capacity / self.weight_step + 1e-9) * self.weight_step
        model.add(quicksum(float(weight) * x[i] for i, weight in enumerate(self.weights)) <= usable,
                  name="capacity")
        return model

    @staticmethod
    def _step(weights) -> float:
        """The largest step of which every weight is a whole multiple (at least 1/1000)."""
        denominator = 1
        for weight in weights:
            fraction = Fraction(float(weight)).limit_denominator(1000)
            if abs(float(fraction) - weight) > 1e-9 * max(1.0, weight):
                raise ValueError(f"weights must be multiples of a common step of at least 1/1000 (the slack of the "
                                 f"capacity counts in that step), got {float(weight)!r}; scale the weights")
            denominator = denominator * fraction.denominator // math.gcd(denominator, fraction.denominator)
        numerator = 0
        for weight in weights:
            numerator = math.gcd(numerator, int(round(weight * denominator)))
        return numerator / denominator

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_instance(cls, instance):
        """From a :class:`~hopopt.io.orlib.KnapsackInstance` (what :func:`~hopopt.io.orlib.read_knapsack` returns).

        Parameters
        ----------
        instance : KnapsackInstance
            The values, weights, capacity and name read from a file.

        Returns
        -------
        Knapsack

        Examples
        --------
        >>> from hopopt.io.orlib import parse_knapsack
        >>> from hopopt.problems.knapsack import Knapsack
        >>> Knapsack.from_instance(parse_knapsack("2 5\\n3 4\\n2 1\\n", "tiny")).n
        2
        """
        return cls(instance.values, instance.weights, instance.capacity, name=instance.name)

    @classmethod
    def random(cls, n, kind="uncorrelated", *, rng=None, data_range=1000):
        """A random instance of one of Pisinger's classes, capacity half the total weight.

        Weights are uniform integers in ``1..R`` (``R = data_range``); values are uniform in ``1..R``
        (``"uncorrelated"``, class 1), within ``w ± R/10`` and at least 1 (``"weakly"`` correlated, class 2),
        or ``w + R/10`` (``"strongly"`` correlated, class 3). The capacity is ``⌊Σ w / 2⌋``.

        Parameters
        ----------
        n : int
            Number of items (≥ 1).
        kind : {"uncorrelated", "weakly", "strongly"} or {1, 2, 3}
        rng : None, int or numpy.random.Generator
            SPEC 7: the same rng gives the same instance.
        data_range : int
            R, the largest weight (≥ 10).

        Examples
        --------
        >>> from hopopt.problems.knapsack import Knapsack
        >>> problem = Knapsack.random(5, "strongly", rng=1)
        >>> bool(((problem.values - problem.weights) == 100).all())
        True
        >>> bool(problem.capacity == problem.weights.sum() // 2)
        True
        """
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(f"n (number of items) must be an integer ≥ 1, got {n!r}")
        if kind not in _CLASSES:
            raise ValueError(f"kind must be 'uncorrelated' (1), 'weakly' (2) or 'strongly' (3), got {kind!r}")
        if isinstance(data_range, bool) or not isinstance(data_range, numbers.Integral) or data_range < 10:
            raise ValueError(f"data_range (R, the largest weight) must be an integer ≥ 10, got {data_range!r}")
        kind = _CLASSES[kind]
        generator = np.random.default_rng(rng)
        weights = generator.integers(1, data_range + 1, size=int(n))
        tenth = data_range // 10
        if kind == "uncorrelated":
            values = generator.integers(1, data_range + 1, size=int(n))
        elif kind == "weakly":
            values = np.maximum(weights + generator.integers(-tenth, tenth + 1, size=int(n)), 1)
        else:
            values = weights + tenth
        capacity = int(weights.sum() // 2)
        return cls(values, weights, capacity, name=f"random:n={n},kind={kind},seed={_seed_label(rng)}")

    # ------------------------------------------------------------------ sizes
    @property
    def n(self) -> int:
        """Number of items (the ``n`` of ``random:n=…``)."""
        return int(self.values.size)

    # ------------------------------------------------------------------ energy (delegated to the builder)
    def to_model(self, penalty=None):
        """The binary energy model (see the module docstring); ``penalty`` as in the builder's ``to_model``.

        Parameters
        ----------
        penalty : float or dict, optional
            As :meth:`ConstrainedModel.to_model <hopopt.constrained.ConstrainedModel.to_model>` takes it; default
            :meth:`default_penalty`.

        Returns
        -------
        EnergyModel
            The binary model: item bits first, then the capacity constraint's slack bits.

        Examples
        --------
        >>> from hopopt.problems.knapsack import Knapsack
        >>> problem = Knapsack([6, 5, 4], [5, 4, 3], capacity=8)
        >>> float(problem.to_model().energy(problem.encode([0, 1, 1])))
        -9.0
        """
        return BuilderBacked.to_model(self, penalty)

    def default_penalty(self) -> float:
        """1.5 × :meth:`penalty_bound`: every ground state is an optimum (see the module docstring)."""
        return 1.5 * self.penalty_bound()

    def local_penalty(self) -> float:
        """Where the annealing solver's penalty starts: the penalty at which packing an item of mean weight into
        a knapsack with no spare capacity costs the mean value, ``δ² · mean(v) / mean(w)²``.

        The builder's local rule (``max v``: an overload by one step δ costs more than any item's value) is
        far too stiff here: an item flipped in overloads by about its weight, not by δ, and pays ``P w²/δ²``,
        so with weights in the hundreds single-flip annealing freezes wherever the slack first balances.
        Measured on two Pisinger instances (n = 200, R = 1000, seed 2, one 1 s anneal each, repair and the
        fill-and-swap polish of that time, shared machine): penalties of 0.25–1 times this value ended 0.08–0.2 %
        (uncorrelated) and 1.6–2.5 % (strongly correlated) below the optimum, the builder's local penalty
        times 0.25 and 0.01 at 0.6 % and 3.3–3.7 %. Answers are repaired, so a small penalty costs no
        feasibility; the builder's rule is ``constrained.local_penalty()``.
        """
        return self.weight_step**2 * float(np.mean(self.values)) / float(np.mean(self.weights))**2

    def penalty_bound(self) -> float:
        """``max_i v_i``: any penalty above it makes every ground state feasible (see the module docstring)."""
        return float(self.values.max())

    # ------------------------------------------------------------------ solutions
    def _check(self, solution) -> np.ndarray:
        solution = np.asarray(solution).reshape(-1)
        if solution.size != self.n:
            raise ValueError(f"a knapsack solution has one 0/1 per item ({self.n}), got {solution.size} values")
        if not np.all(np.isin(solution, (0, 1))):
            raise ValueError("a knapsack solution must be 0 (left out) or 1 (packed) for every item")
        return solution.astype(np.int8)

    def _fits(self, weight) -> bool:
        return weight <= self.capacity + 1e-9 * max(1.0, self.capacity)

    def repair(self, solution) -> np.ndarray:
        """Drop the chosen items of the worst value/weight ratio until the rest fits (a fitting choice is kept).

        Parameters
        ----------
        solution : array_like of 0/1, shape (n,)
            The chosen items.

        Returns
        -------
        ndarray of int8, shape (n,)
            A choice that fits (a new array).

        Examples
        --------
        >>> from hopopt.problems.knapsack import Knapsack
        >>> Knapsack([6, 5, 1], [5, 4, 3], capacity=8).repair([1, 1, 1]).tolist()  # drops 2, then 0
        [0, 1, 0]
        """
        chosen = self._check(solution).copy()
        excess = float(self.weights @ chosen) - self.capacity
        if self._fits(excess + self.capacity):
            return chosen
        order = self._drop_order[chosen[self._drop_order] == 1]
        dropped = np.cumsum(self.weights[order])
        # the fewest worst-ratio items whose weight covers the excess
        count = int(np.searchsorted(dropped, excess - 1e-9 * max(1.0, self.capacity), side="left")) + 1
        chosen[order[:count]] = 0
        return chosen

    def decode(self, state) -> np.ndarray:
        """The 0/1 item choice of a model state (item bits; spins or binary), repaired to fit.

        Parameters
        ----------
        state : array_like
            A model state (all its binaries, or only the n item bits), 0/1 or spins ±1.

        Returns
        -------
        ndarray of int8, shape (n,)
            The chosen items, repaired to fit.

        Examples
        --------
        >>> from hopopt.problems.knapsack import Knapsack
        >>> problem = Knapsack([6, 5, 1], [5, 4, 3], capacity=8)
        >>> problem.decode(problem.encode([1, 0, 1])).tolist()
        [1, 0, 1]
        """
        state = np.asarray(state).reshape(-1)
        if state.size not in (self.n, self.n_variables):
            raise ValueError(f"a knapsack state has {self.n_variables} binaries (or {self.n} item bits), got "
                             f"{state.size}")
        if not (np.all(np.isin(state, (0, 1))) or np.all(np.isin(state, (-1, 1)))):
            raise ValueError("a state must hold 0/1 values (or spins -1/+1)")
        return self.repair((state[:self.n] > 0).astype(np.int8))

    def _best_exchange(self, chosen, spare):
        """The most valuable exchange that fits: one packed item for one unpacked, two for one or one for two.
        Returns (gain, items out, items in), or None when none gains value. Pair moves are tried only when no
        single swap gains (they cost a pass over pairs) and skipped above ``_MAX_PAIR_TABLE`` combinations."""
        packed, left = np.flatnonzero(chosen == 1), np.flatnonzero(chosen == 0)
        if not packed.size or not left.size:
            return None
        room = spare + 1e-9 * max(1.0, self.capacity)
        v_out, w_out, v_in, w_in = self.values[packed], self.weights[packed], self.values[left], self.weights[left]
        gain = np.where(w_in[None, :] - w_out[:, None] <= room, v_in[None, :] - v_out[:, None], -np.inf)
        out, into = np.unravel_index(int(np.argmax(gain)), gain.shape)
        if gain[out, into] > 1e-12:
            return gain[out, into], [packed[out]], [left[into]]
        best = None
        upper = np.triu(np.ones((packed.size, packed.size), dtype=bool), 1)
        if packed.size**2 * left.size <= _MAX_PAIR_TABLE:  # two out, one in
            pair_v, pair_w = v_out[:, None] + v_out[None, :], w_out[:, None] + w_out[None, :]
            gain = np.where((w_in[None, None, :] - pair_w[:, :, None] <= room) & upper[:, :, None],
                            v_in[None, None, :] - pair_v[:, :, None], -np.inf)
            a, b, c = np.unravel_index(int(np.argmax(gain)), gain.shape)
            if gain[a, b, c] > 1e-12:
                best = (gain[a, b, c], [packed[a], packed[b]], [left[c]])
        upper = np.triu(np.ones((left.size, left.size), dtype=bool), 1)
        if packed.size * left.size**2 <= _MAX_PAIR_TABLE:  # one out, two in
            pair_v, pair_w = v_in[:, None] + v_in[None, :], w_in[:, None] + w_in[None, :]
            gain = np.where((pair_w[None, :, :] - w_out[:, None, None] <= room) & upper[None, :, :],
                            pair_v[None, :, :] - v_out[:, None, None], -np.inf)
            a, c, d = np.unravel_index(int(np.argmax(gain)), gain.shape)
            if gain[a, c, d] > 1e-12 and (best is None or gain[a, c, d] > best[0]):
                best = (gain[a, c, d], [packed[a]], [left[c], left[d]])
        return best

    def polish(self, solution) -> np.ndarray:
        """Improve a choice: add the items that fit (best ratio first), then make the most valuable exchange
        that fits — one packed item for one unpacked, or when none gains, two for one or one for two — and add
        again, until nothing gains value.

        Parameters
        ----------
        solution : array_like of 0/1, shape (n,)
            The chosen items (repaired first if they do not fit).

        Returns
        -------
        ndarray of int8, shape (n,)
            A choice that fits, worth at least as much.

        Examples
        --------
        >>> from hopopt.problems.knapsack import Knapsack
        >>> Knapsack([5, 6, 1], [4, 4, 1], capacity=5).polish([1, 0, 0]).tolist()  # swap 0 for 1, add 2
        [0, 1, 1]
        >>> Knapsack([4, 4, 7], [3, 3, 6], capacity=6).polish([0, 0, 1]).tolist()  # 2 out, 0 and 1 in
        [1, 1, 0]
        """
        chosen = self.repair(solution)
        by_ratio = self._drop_order[::-1]
        for _ in range(_MAX_POLISH_MOVES):
            spare = self.capacity - float(self.weights @ chosen)
            for item in by_ratio:  # fill: every item that still fits, best value per weight first
                if not chosen[item] and self._fits(self.weights[item] - spare + self.capacity):
                    chosen[item] = 1
                    spare -= self.weights[item]
            move = self._best_exchange(chosen, spare)
            if move is None:
                break
            _, out, into = move
            chosen[out], chosen[into] = 0, 1
        return chosen

    def evaluate(self, solution) -> Evaluation:
        """Total value (the objective), whether the total weight fits, and the overload as a violation.

        Parameters
        ----------
        solution : array_like of 0/1, shape (n,)
            The chosen items.

        Returns
        -------
        Evaluation

        Examples
        --------
        >>> from hopopt.problems.knapsack import Knapsack
        >>> evaluation = Knapsack([6, 5, 4], [5, 4, 3], capacity=8).evaluate([1, 0, 1])
        >>> evaluation.objective, evaluation.feasible, evaluation.extra["weight"]
        (10.0, True, 8.0)
        """
        chosen = self._check(solution)
        weight = float(self.weights @ chosen)
        violations = () if self._fits(weight) else \
            (f"the chosen items weigh {weight:g}, over the capacity {self.capacity:g} by {weight - self.capacity:g}",)
        return Evaluation(float(self.values @ chosen), not violations, violations, "max",
                          extra={"weight": weight, "capacity": self.capacity})

    def __repr__(self):
        return f"Knapsack(name={self.name!r}, items={self.n}, capacity={self.capacity:g})"
