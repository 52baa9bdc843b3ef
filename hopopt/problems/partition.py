"""Number partitioning: split numbers into two groups whose sums are as close as possible.

Objective. Numbers ``a_1 … a_n``; a spin ``s_i = +1`` puts ``a_i`` in group 1, ``s_i = −1`` in group 0. The
objective is the weighted difference ``D(s) = |Σ_i a_i s_i| = |sum of group 1 − sum of group 0|``, to be
minimised (``sense = "min"``). Every assignment is feasible; negative numbers are allowed (a negative ``a_i``
counts against the group it is in).

Encoding (Ising, no penalty). The energy is the *squared* difference::

    E(s) = (Σ_i a_i s_i)² = Σ_i a_i² + 2 Σ_{i<j} a_i a_j s_i s_j,

which is hopopt's convention ``E = −½ sᵀWs + θᵀs + offset`` with ``W_ij = −2 a_i a_j`` (i ≠ j), ``θ = 0`` and
``offset = Σ a_i²`` (Lucas 2014, "Ising formulations of many NP problems", §2.1). So a state's objective is
``D = √E`` exactly: :meth:`NumberPartitioning.objective_from_energy` is the square root, not an affine map,
and the lowest energy is the best partition. W is dense (every pair interacts).

Precision. The energies are computed in float64. For integers they are exact while every partial sum stays
below 2⁵³: ``2·(Σ|a_i|)² < 2⁵³`` (e.g. 60 numbers below 2²⁰). Beyond that (the "hard" regime where the
numbers have about n bits) energies and flip costs are rounded, :meth:`to_model` warns, and annealing works on
rounded energies; decoded solutions are still evaluated exactly, from the numbers themselves.
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from ..model import EnergyModel, Vartype
from ._base import Evaluation, _seed_label

__all__ = ["NumberPartitioning"]

# float64 holds every integer up to this exactly; energies of integer instances are exact below it
_EXACT_LIMIT = 2.0**53
# random instances draw numbers of at most this many bits, so that every number is an exact float64
_MAX_BITS = 52


class NumberPartitioning:
    """A number partitioning instance: split ``numbers`` into two groups with sums as equal as possible.

    A solution gives every number a group, 0 or 1 (one entry per number); its objective is the absolute
    difference of the two group sums.

    Parameters
    ----------
    numbers : array_like of float
        The numbers (at least one, finite; integers or floats, negative allowed).
    name : str, optional
        A label for reports.

    Attributes
    ----------
    n : int
        How many numbers (the size of ``random:n=…``).
    numbers : numpy.ndarray of float64
    integral : bool
        True when every number is a whole number of magnitude at most 2⁵³ (exact integer methods apply).

    Examples
    --------
    >>> from hopopt.problems.partition import NumberPartitioning
    >>> problem = NumberPartitioning([8, 7, 6, 5, 4])
    >>> problem.evaluate([1, 1, 0, 0, 0]).objective
    0.0
    >>> float(problem.to_model().energy([1, 1, -1, -1, -1]))
    0.0
    >>> problem.objective_from_energy(problem.to_model().energy([1, -1, 1, -1, 1]))
    6.0
    """

    sense = "min"

    def __init__(self, numbers, name="partition"):
        try:
            values = np.array(numbers, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"numbers must be a list of numbers: {error}") from None
        if values.ndim != 1:
            raise ValueError(f"numbers must be one-dimensional, got an array of shape {values.shape}")
        if values.size == 0:
            raise ValueError("numbers must hold at least one number, got none (n = 0)")
        if not np.all(np.isfinite(values)):
            bad = int(np.flatnonzero(~np.isfinite(values))[0])
            raise ValueError(f"numbers must be finite, got numbers[{bad}] = {values[bad]}")
        values.setflags(write=False)
        self.numbers = values
        self.n = int(values.size)
        self.name = str(name)
        self.integral = bool(np.all(values == np.round(values)) and np.all(np.abs(values) <= _EXACT_LIMIT))
        # exact integer copies for evaluation; Python ints cannot overflow whatever the sums
        self._integers = [int(value) for value in values] if self.integral else None

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_numbers(cls, numbers, name="partition"):
        """Same as the constructor; reads well beside the other ``from_*`` methods.

        Parameters
        ----------
        numbers, name
            As :class:`NumberPartitioning` takes them.

        Returns
        -------
        NumberPartitioning
        """
        return cls(numbers, name)

    @classmethod
    def from_number_list(cls, record):
        """From a :class:`~hopopt.io.numbers.NumberList` (e.g. :func:`hopopt.io.numbers.read_numbers`).

        Parameters
        ----------
        record : NumberList
            The numbers and name read from a file.

        Returns
        -------
        NumberPartitioning

        Examples
        --------
        >>> from hopopt.io.numbers import parse_numbers
        >>> from hopopt.problems.partition import NumberPartitioning
        >>> NumberPartitioning.from_number_list(parse_numbers("3 1 2", name="tiny")).n
        3
        """
        return cls(record.values, record.name)

    @classmethod
    def random(cls, n, bits=20, *, rng=None):
        """``n`` numbers drawn uniformly from the integers ``1 … 2**bits``.

        The hard regime of random number partitioning is ``bits ≈ n`` (Gent & Walsh 1998; Mertens 2001):
        below it perfect partitions (difference 0 or 1) abound, above it the optimum is unique and large.
        Energies stay exact while ``2·(n·2**bits)² < 2⁵³`` (see the module docstring).

        Parameters
        ----------
        n : int
            How many numbers (≥ 1).
        bits : int, default 20
            Numbers are at most ``2**bits``; 1 ≤ bits ≤ 52 so every number is an exact float64.
        rng : None, int or numpy.random.Generator
            SPEC 7 seed: the same rng gives the same instance.

        Examples
        --------
        >>> from hopopt.problems.partition import NumberPartitioning
        >>> problem = NumberPartitioning.random(6, bits=4, rng=1)
        >>> problem.n, bool(problem.numbers.max() <= 16), problem.integral
        (6, True, True)
        """
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(f"n (how many numbers) must be an integer ≥ 1, got {n!r}")
        if isinstance(bits, bool) or not isinstance(bits, numbers.Integral) or not 1 <= bits <= _MAX_BITS:
            raise ValueError(f"bits must be an integer in 1..{_MAX_BITS} (numbers up to 2**bits), got {bits!r}")
        generator = np.random.default_rng(rng)
        values = generator.integers(1, 2**int(bits) + 1, size=int(n), dtype=np.int64)
        return cls(values, name=f"random:n={n},bits={bits},seed={_seed_label(rng)}")

    @property
    def n_variables(self) -> int:
        """Neurons of the encoding: one spin per number."""
        return self.n

    @property
    def total(self) -> float:
        """The sum of all numbers."""
        return float(sum(self._integers)) if self.integral else float(self.numbers.sum())

    @property
    def exact_energies(self) -> bool:
        """Whether float64 computes every energy of the model exactly (integers, ``2·(Σ|a|)² < 2⁵³``)."""
        if not self.integral:
            return False
        magnitude = sum(abs(value) for value in self._integers)
        return 2 * magnitude * magnitude < _EXACT_LIMIT

    # ------------------------------------------------------------------ encode / decode / evaluate
    def to_model(self) -> EnergyModel:
        """The Ising model ``E(s) = (Σ a_i s_i)²`` (dense W, see the module docstring).

        Warns (RuntimeWarning) when integer energies exceed float64's exact range. For integers with exact
        energies, ``metadata["ground_energy"]`` is the parity bound ``(Σa mod 2)²``, below which no state goes:
        the annealer stops once it reaches it.

        Examples
        --------
        >>> from hopopt.problems.partition import NumberPartitioning
        >>> model = NumberPartitioning([3, 1, 2]).to_model()
        >>> model.dense_weights().tolist()
        [[0.0, -6.0, -12.0], [-6.0, 0.0, -4.0], [-12.0, -4.0, 0.0]]
        >>> model.offset, float(model.energy([1, -1, -1]))
        (14.0, 0.0)
        """
        with np.errstate(over="ignore"):
            total = float(np.sum(np.abs(self.numbers)))
        if not math.isfinite(2.0 * total * total):
            # numbers near 1e154 and above: the weights -2·a_i·a_j overflow to inf (with numpy's RuntimeWarnings
            # on stderr before the model refused them); one clear error instead
            raise ValueError(f"{self.name}: the numbers are too large for a float64 model: its energies reach "
                             f"2·(Σ|a|)² = {2.0 * total * total:g}")
        if self.integral and not self.exact_energies:
            warnings.warn(f"{self.name}: energies reach 2·(Σ|a|)² ≥ 2^53, beyond float64's exact integers; the "
                          "model's energies and flip costs are rounded (decoded solutions are evaluated exactly)",
                          RuntimeWarning, stacklevel=2)
        weights = -2.0 * np.outer(self.numbers, self.numbers)
        np.fill_diagonal(weights, 0.0)
        offset = float(sum(value * value for value in self._integers)) if self.integral else \
            float(self.numbers @ self.numbers)
        metadata = {"problem": "partition", "instance": self.name, "objective": "sqrt(energy)",
                    "exact_energies": self.exact_energies}
        if self.exact_energies:
            # no state goes below (S mod 2)²: the difference of integers has the parity of their sum, so the
            # annealer may stop as soon as it reaches it (a perfect partition)
            parity = sum(self._integers) % 2
            metadata["ground_energy"] = float(parity * parity)
        return EnergyModel(weights, None, offset, Vartype.SPIN, metadata)

    def decode(self, state) -> np.ndarray:
        """Groups (0/1 per number) from a spin state (+1 → group 1) or a binary state (used as is).

        Every assignment is a partition, so nothing needs repairing.

        Parameters
        ----------
        state : array_like, shape (n,)
            Spins (−1/+1) or binary values (0/1).

        Returns
        -------
        ndarray of int8, shape (n,)
            The group of each number.

        Examples
        --------
        >>> from hopopt.problems.partition import NumberPartitioning
        >>> NumberPartitioning([1, 2, 3]).decode([1, -1, 1]).tolist()
        [1, 0, 1]
        """
        state = np.asarray(state).reshape(-1)
        if state.shape != (self.n,):
            raise ValueError(f"state must have {self.n} entries (one per number), got {state.size}")
        if not (np.all(np.isin(state, (-1, 1))) or np.all(np.isin(state, (0, 1)))):
            raise ValueError("state must hold spins (-1/+1) or binary values (0/1)")
        return (state > 0).astype(np.int8)

    def encode(self, groups) -> np.ndarray:
        """The spin state of a partition: group 1 → +1, group 0 → −1 (``decode(encode(g)) == g``).

        Parameters
        ----------
        groups : array_like of 0/1, shape (n,)
            The group of each number.

        Returns
        -------
        ndarray of int8, shape (n,)
            The spin state.
        """
        return (2 * self._check_groups(groups) - 1).astype(np.int8)

    def group_sums(self, groups) -> tuple[float, float]:
        """The sums of group 0 and group 1 (exact for integer instances).

        Parameters
        ----------
        groups : array_like of 0/1, shape (n,)
            The group of each number.

        Returns
        -------
        (float, float)
            The sum of group 0, then of group 1.

        Examples
        --------
        >>> from hopopt.problems.partition import NumberPartitioning
        >>> NumberPartitioning([8, 7, 6, 5, 4]).group_sums([1, 1, 0, 0, 0])
        (15.0, 15.0)
        """
        zeros, ones = self._signed_sum_parts(self._check_groups(groups))
        return float(zeros), float(ones)

    def difference(self, groups) -> float:
        """``|Σ a_i s_i|``: the absolute difference of the two group sums.

        Parameters
        ----------
        groups : array_like of 0/1, shape (n,)
            The group of each number.

        Returns
        -------
        float
        """
        zeros, ones = self._signed_sum_parts(self._check_groups(groups))
        return float(abs(ones - zeros))

    def evaluate(self, groups) -> Evaluation:
        """The difference of the group sums; every partition is feasible.

        ``extra`` holds the two group sums.

        Parameters
        ----------
        groups : array_like of 0/1, shape (n,)
            The group of each number.

        Returns
        -------
        Evaluation

        Examples
        --------
        >>> from hopopt.problems.partition import NumberPartitioning
        >>> evaluation = NumberPartitioning([3, 1, 1]).evaluate([1, 0, 0])
        >>> evaluation.objective, evaluation.feasible, evaluation.extra["sums"]
        (1.0, True, (2.0, 3.0))
        """
        sums = self.group_sums(groups)
        return Evaluation(float(self.difference(groups)), True, (), "min", extra={"sums": sums})

    def objective_from_energy(self, energy: float) -> float:
        """The difference of any state with this energy: ``√E`` (the energy is the squared difference).

        Parameters
        ----------
        energy : float
            The energy of a state of :meth:`to_model`'s model (negative rounding errors count as 0).

        Returns
        -------
        float
            The difference of the group sums.

        Examples
        --------
        >>> from hopopt.problems.partition import NumberPartitioning
        >>> NumberPartitioning([3, 1]).objective_from_energy(4.0)
        2.0
        """
        return math.sqrt(max(float(energy), 0.0))

    def _signed_sum_parts(self, groups):
        """(sum of group 0, sum of group 1), as Python ints for integer instances (exact), else floats."""
        if self.integral:
            ones = sum(value for value, group in zip(self._integers, groups.tolist()) if group)
            return sum(self._integers) - ones, ones
        return float(self.numbers[groups == 0].sum()), float(self.numbers[groups == 1].sum())

    def _check_groups(self, groups):
        groups = np.asarray(groups).reshape(-1)
        if groups.shape != (self.n,):
            raise ValueError(f"a partition needs one group per number ({self.n}), got {groups.size}")
        if not np.all(np.isin(groups, (0, 1))):
            raise ValueError("a partition must put every number in group 0 or 1")
        return groups.astype(np.int8)

    def energy_terms(self, groups, metadata) -> tuple[dict, list]:
        """The energy of a binary state (the groups) as its one term, and the violations (none).

        Parameters
        ----------
        groups : array_like of 0/1, shape (n,)
            The group of each number. (a raw binary state).
        metadata : dict
            The model's metadata (not needed: the encoding has no penalty).

        Returns
        -------
        terms : dict of str to float
            Each named term's contribution to the energy.
        violations : list of str
            The violated constraints, one readable line each.

        Examples
        --------
        >>> from hopopt.problems.partition import NumberPartitioning
        >>> NumberPartitioning([3, 1, 1]).energy_terms([1, 0, 0], {})
        ({'squared difference': 1.0}, [])
        """
        groups = np.asarray(groups).reshape(-1)
        if groups.size != self.n:
            raise ValueError(f"a number partitioning state has {self.n} entries, got {groups.size}")
        zeros, ones = self._signed_sum_parts(groups.astype(np.int8))
        difference = ones - zeros
        return {"squared difference": float(difference * difference)}, []

    def explain(self, state, model=None):
        """The energy of a raw model state split into its terms (one here), with the violations (none).

        See :func:`hopopt.problems.explain.explain`.

        Parameters
        ----------
        state : array_like
            A raw state of ``model``: spins (−1/+1) for a spin model, else binary (0/1).
        model : EnergyModel, optional
            The model the state belongs to; default :meth:`to_model`'s (its metadata gives the penalty weights).

        Returns
        -------
        Explanation
            See :func:`hopopt.problems.explain.explain`.
        """
        from .explain import explain

        return explain(self, state, model)

    def __repr__(self):
        return f"NumberPartitioning(name={self.name!r}, n={self.n}, total={self.total:g})"
