"""Bring-your-own models: a QUBO or an Ising model as a problem, so files in those formats go through
``hopopt solve``, ``exact``, ``compare`` and ``evaluate`` like every other kind.

Encoding. There is nothing to encode: the problem *is* an energy. A :class:`QUBO` holds the binary model
``E(x) = Σ_i Q_ii x_i + Σ_{i<j} Q_ij x_i x_j + offset`` and an :class:`Ising` the spin model
``E(s) = Σ_i h_i s_i + Σ_{i<j} J_ij s_i s_j + offset`` (dimod's conventions), each as an
:class:`~hopopt.model.EnergyModel` in hopopt's form ``−½ vᵀWv + θᵀv + offset`` with ``W_ij = −Q_ij`` (or
``−J_ij``) and ``θ = diag(Q)`` (or ``h``). A solution is the variable vector itself, its objective is its
energy (``sense = "min"``), every vector is feasible, and no penalty is involved, so the ground states of the
model are exactly the optimal solutions. Models given in the other variable type are converted exactly
(``s = 2x − 1``; :meth:`~hopopt.model.EnergyModel.change_vartype` keeps every state's energy).

Labels. Files and BQMs may name variables by anything (``1..n``, strings, tuples); the problem numbers them
``0..n-1`` and keeps the original names in ``labels`` (None when they are ``0..n-1`` already), so
``solution[k]`` is the value of variable ``labels[k]``; :meth:`QUBO.sample` gives the ``{label: value}`` dict.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np
import scipy.sparse as sp

from ..model import EnergyModel, UpperTriangle, Vartype
from ._base import Evaluation, _seed_label, _short

__all__ = ["QUBO", "Ising"]

#: random instances draw every coefficient as an integer in −COEFFICIENT_RANGE..COEFFICIENT_RANGE
COEFFICIENT_RANGE = 10


class _QuadraticProblem:
    """What QUBO and Ising share; a subclass sets ``vartype`` and ``kind``."""

    sense = "min"
    vartype: Vartype
    kind: str

    def _setup(self, model: EnergyModel, name, labels):
        if not isinstance(model, EnergyModel):
            raise TypeError(f"expected an EnergyModel, got {type(model).__name__}")
        model = model.change_vartype(self.vartype)
        self.name = str(name)
        self.n = int(model.n)
        self.labels = self._check_labels(labels, self.n)
        # the model is built once and handed out by to_model(): the files this kind reads can be large, so a
        # model that already carries this problem's metadata (from_instance builds it so) is not copied again
        metadata = self._metadata()
        if model.metadata != metadata:
            model = EnergyModel(model.weights, model.thresholds, model.offset, self.vartype, metadata)
        self._model = model

    def _metadata(self):
        return {"problem": self.kind, "instance": self.name, "objective": "energy"}

    @staticmethod
    def _check_labels(labels, n):
        if labels is None:
            return None
        labels = list(labels)
        if len(labels) != n:
            raise ValueError(f"labels must name all n = {n} variables, got {len(labels)}")
        try:
            distinct = len(set(labels)) == n
        except TypeError:
            raise ValueError("labels must be hashable (numbers, strings, tuples)") from None
        if not distinct:
            raise ValueError("labels must be distinct")
        return labels

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_model(cls, model, *, name=None, labels=None):
        """The problem of an :class:`~hopopt.model.EnergyModel` of either vartype (converted exactly).

        Parameters
        ----------
        model : EnergyModel
            A spin or binary model.
        name : str, optional
            Default: the kind's name.
        labels : sequence, optional
            The label of each variable; None when the positions are the labels.

        Returns
        -------
        QUBO or Ising
            An instance of the class it is called on.

        Examples
        --------
        >>> from hopopt import EnergyModel
        >>> from hopopt.problems import QUBO
        >>> spin = EnergyModel([[0, 1], [1, 0]], [0.5, 0])
        >>> QUBO.from_model(spin).evaluate([1, 0]).objective == spin.energy([1, -1])
        True
        """
        problem = cls.__new__(cls)
        problem._setup(model, name or cls.kind, labels)
        return problem

    @classmethod
    def from_bqm(cls, bqm, *, name=None):
        """From a ``dimod.BinaryQuadraticModel`` of either vartype; non-``0..n-1`` labels are kept in ``labels``.

        Parameters
        ----------
        bqm : dimod.BinaryQuadraticModel
            A SPIN or BINARY model.
        name : str, optional
            Default: the kind's name.

        Returns
        -------
        QUBO or Ising
            An instance of the class it is called on.

        Examples
        --------
        >>> import dimod
        >>> from hopopt.problems import Ising
        >>> bqm = dimod.BinaryQuadraticModel({"a": 1}, {("a", "b"): -1}, 0.0, "SPIN")
        >>> problem = Ising.from_bqm(bqm)
        >>> problem.labels, problem.evaluate([-1, -1]).objective
        (['a', 'b'], -2.0)
        """
        variables = list(bqm.variables)
        numbered = all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in variables) and \
            set(variables) == set(range(len(variables)))
        if not variables:
            raise ValueError("the BQM has no variables (n = 0)")
        labels = None
        if not numbered:
            # positions follow the BQM's variable order; relabelling here also spares from_bqm sorting mixed labels
            bqm = bqm.relabel_variables({label: index for index, label in enumerate(variables)}, inplace=False)
            labels = variables
        return cls.from_model(EnergyModel.from_bqm(bqm), name=name, labels=labels)

    @classmethod
    def from_instance(cls, instance):
        """From a :class:`~hopopt.io.QuadraticInstance` (what :func:`hopopt.io.read_quadratic` returns).

        Parameters
        ----------
        instance : QuadraticInstance
            The terms, variable type, labels and name read from a file.

        Returns
        -------
        QUBO or Ising
            An instance of the class it is called on.

        Examples
        --------
        >>> from hopopt.io import parse_coo
        >>> from hopopt.problems import QUBO
        >>> QUBO.from_instance(parse_coo("0 0 -1\\n0 1 2\\n")).evaluate([1, 0]).objective
        -1.0
        """
        n = instance.n
        couplings = sp.csr_array((instance.values, (instance.rows, instance.cols)), shape=(n, n))
        # E = offset + Σ linear·v + Σ_{i<j} value·v_i v_j is hopopt's −½ vᵀWv + θᵀv + offset with W_ij = −value
        # and θ = linear, for either vartype (what from_qubo and from_ising compute, in one construction here:
        # the files can hold millions of pairs); the metadata is set now so that no later step copies W again
        metadata = {"problem": cls.kind, "instance": instance.name, "objective": "energy"}
        model = EnergyModel(-(couplings + couplings.T), instance.linear, instance.offset, instance.vartype, metadata)
        return cls.from_model(model, name=instance.name, labels=instance.labels)

    @classmethod
    def from_file(cls, path):
        """Read any supported file (qbsolv ``.qubo``, COO, ``.npy``/``.npz``, dimod BQM): see :mod:`hopopt.io.qubo`.

        A file that does not say its variable type (COO without a header, a bare ``.npy``) is read as this
        class's type; one that says the other type is converted exactly.

        Parameters
        ----------
        path : str or os.PathLike
            Path of the file.

        Returns
        -------
        QUBO or Ising
            An instance of the class it is called on.
        """
        from ..io.qubo import read_quadratic

        return cls.from_instance(read_quadratic(path, vartype=cls.vartype.value))

    # ------------------------------------------------------------------ facts
    @property
    def n_variables(self) -> int:
        """Variables of the model: one per variable of the problem."""
        return self.n

    @property
    def values(self) -> tuple:
        """The values a variable takes: (0, 1) or (−1, 1)."""
        return (0, 1) if self.vartype is Vartype.BINARY else (-1, 1)

    # ------------------------------------------------------------------ encode / decode / evaluate
    def to_model(self) -> EnergyModel:
        """The energy model (the same object on every call; it is immutable)."""
        return self._model

    def decode(self, state) -> np.ndarray:
        """The solution a model state stands for: the state itself, after checking its length and values.

        A state of the other variable type is converted (``x = (s + 1)/2`` or ``s = 2x − 1``), as a solver on
        the converted model returns; the two cannot be confused, as the only vector valid in both is all ones,
        which means the same in both.

        Parameters
        ----------
        state : array_like, shape (n,)
            Binary values (0/1) or spins (−1/+1).

        Returns
        -------
        ndarray of int8, shape (n,)
            The solution, in the problem's variable type.
        """
        state = np.asarray(state).reshape(-1)
        if state.shape != (self.n,):
            raise ValueError(f"a {self.kind} state has {self.n} entries, got {state.size}")
        if np.all(np.isin(state, self.values)):
            return state.astype(np.int8)
        if np.all(np.isin(state, (-1, 1))):
            return ((state + 1) // 2).astype(np.int8)
        if np.all(np.isin(state, (0, 1))):
            return (2 * state - 1).astype(np.int8)
        raise ValueError("state must hold binary values (0/1) or spins (-1/+1)")

    def encode(self, solution) -> np.ndarray:
        """The model state of a solution: the solution itself (so ``decode(encode(v)) == v``).

        Parameters
        ----------
        solution : array_like, shape (n,)
            A vector of the problem's variable type: 0/1 for a QUBO, ±1 for an Ising model.

        Returns
        -------
        ndarray of int8, shape (n,)
            A copy of the solution.
        """
        return self._check_solution(solution).copy()

    def _check_solution(self, solution) -> np.ndarray:
        solution = np.asarray(solution).reshape(-1)
        if solution.shape != (self.n,):
            raise ValueError(f"a {self.kind} solution needs one value per variable ({self.n}), got {solution.size}")
        if not np.all(np.isin(solution, self.values)):
            bad = int(np.flatnonzero(~np.isin(solution, self.values))[0])
            value = solution[bad]  # a Python object (huge int, None, dict) where JSON gave one: no .item()
            value = value.item() if isinstance(value, np.generic) else value
            raise ValueError(f"a {self.kind} solution takes values in {self.values}; variable "
                             f"{self._name_of(bad)} has {_short(value)}")
        return solution.astype(np.int8)

    def _name_of(self, position):
        return position if self.labels is None else f"{self.labels[position]!r} (position {position})"

    def energy(self, solution) -> float:
        """The objective of a solution: its energy.

        Parameters
        ----------
        solution : array_like, shape (n,)
            A vector of the problem's variable type: 0/1 for a QUBO, ±1 for an Ising model.

        Returns
        -------
        float
        """
        return self._model.energy(self._check_solution(solution))

    def evaluate(self, solution) -> Evaluation:
        """The energy of a solution; every vector of the right values is feasible.

        Parameters
        ----------
        solution : array_like, shape (n,)
            A vector of the problem's variable type: 0/1 for a QUBO, ±1 for an Ising model.

        Returns
        -------
        Evaluation

        Examples
        --------
        >>> from hopopt.problems import QUBO
        >>> QUBO([[-1, 2], [0, -1]]).evaluate([1, 1]).objective
        0.0
        """
        return Evaluation(self.energy(solution), True, (), "min")

    def objective_from_energy(self, energy: float) -> float:
        """The objective of a state with this energy: the energy itself.

        Parameters
        ----------
        energy : float
            The energy of a state of :meth:`to_model`'s model.

        Returns
        -------
        float
        """
        return float(energy)

    def sample(self, solution) -> dict:
        """The solution as ``{label: value}`` (positions as labels when there are none), as dimod writes samples.

        Parameters
        ----------
        solution : array_like, shape (n,)
            A vector of the problem's variable type: 0/1 for a QUBO, ±1 for an Ising model.

        Returns
        -------
        dict
            The value (int) of each variable, by label.

        Examples
        --------
        >>> from hopopt.io import parse_coo
        >>> from hopopt.problems import QUBO
        >>> QUBO.from_instance(parse_coo("3 3 -1\\n3 7 2\\n")).sample([1, 0])
        {3: 1, 7: 0}
        """
        solution = self._check_solution(solution)
        labels = range(self.n) if self.labels is None else self.labels
        return {label: int(value) for label, value in zip(labels, solution.tolist())}

    def energy_terms(self, binary, metadata) -> tuple[dict, list]:
        """The energy of a binary state as its linear, quadratic and constant parts (no constraints).

        For an Ising model the parts are those of the spin energy at ``s = 2x − 1``: ``Σ h_i s_i``,
        ``Σ_{i<j} J_ij s_i s_j`` and the offset.

        Parameters
        ----------
        binary : array_like of 0/1, shape (n,)
            A raw binary state.
        metadata : dict
            The model's metadata (not needed: no constraints).

        Returns
        -------
        terms : dict of str to float
            Each named term's contribution to the energy.
        violations : list of str
            The violated constraints, one readable line each.

        Examples
        --------
        >>> from hopopt.problems import QUBO
        >>> QUBO([[-1, 2], [0, -1]], offset=0.5).energy_terms([1, 1], {})
        ({'linear': -2.0, 'quadratic': 2.0, 'offset': 0.5}, [])
        """
        binary = np.asarray(binary).reshape(-1)
        if binary.size != self.n:
            raise ValueError(f"a {self.kind} state has {self.n} entries, got {binary.size}")
        values = binary.astype(np.float64) if self.vartype is Vartype.BINARY else 2.0 * binary - 1.0
        model = self._model
        fields = np.asarray(model.weights @ values).reshape(-1)
        return {"linear": float(model.thresholds @ values), "quadratic": float(-0.5 * values @ fields),
                "offset": float(model.offset)}, []

    def explain(self, state, model=None):
        """The energy of a raw model state split into its terms. See :func:`hopopt.problems.explain.explain`.

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

    # ------------------------------------------------------------------ out
    def to_instance(self, vartype=None):
        """The problem as a :class:`~hopopt.io.QuadraticInstance` (in ``vartype``, default its own), for the
        writers :func:`~hopopt.io.write_qbsolv` and :func:`~hopopt.io.write_coo`.

        Parameters
        ----------
        vartype : {"binary", "spin"}, optional
            The variable type of the record; default the problem's own.

        Returns
        -------
        QuadraticInstance
        """
        from ..io.qubo import QuadraticInstance

        model = self._model.change_vartype(vartype or self.vartype)
        upper = sp.triu(sp.csr_array(model.weights_matrix()), k=1).tocoo()
        pairs = np.stack([upper.row, upper.col], axis=1)
        return QuadraticInstance.from_terms(self.n, model.thresholds, pairs, -upper.data, model.offset,
                                            model.vartype.value, self.labels, self.name)

    def write(self, path):
        """Write the problem: a ``.qubo`` path gets a qbsolv file (binary), any other a COO file (own vartype).

        Parameters
        ----------
        path : str or os.PathLike
            Where to write; the suffix ``.qubo`` chooses the qbsolv format.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from hopopt.problems import Ising
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "pair.qubo"
        >>> problem = Ising([0.5, 0], {(0, 1): -1})
        >>> problem.write(path)
        >>> Ising.from_file(path).evaluate([1, -1]).objective == problem.evaluate([1, -1]).objective
        True
        """
        from ..io.qubo import write_coo, write_qbsolv

        if str(path).lower().endswith(".qubo"):
            write_qbsolv(path, self.to_instance("binary"))
        else:
            write_coo(path, self.to_instance())

    def to_bqm(self):
        """A ``dimod.BinaryQuadraticModel`` with the problem's labels (needs dimod)."""
        bqm = self._model.to_bqm()
        if self.labels is not None:
            bqm.relabel_variables(dict(enumerate(self.labels)), inplace=True)
        return bqm

    @classmethod
    def _random_model(cls, n, density, rng):
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(f"n (number of variables) must be an integer ≥ 1, got {n!r}")
        if not 0.0 <= float(density) <= 1.0:
            raise ValueError(f"density (the share of pairs coupled) must be in [0, 1], got {density}")
        generator = np.random.default_rng(rng)
        linear = generator.integers(-COEFFICIENT_RANGE, COEFFICIENT_RANGE + 1, size=n).astype(np.float64)
        rows, cols = [], []
        # row by row, so memory stays O(pairs) rather than O(n²)
        for i in range(n - 1):
            count = int(generator.binomial(n - 1 - i, density))
            if count:
                rows.append(np.full(count, i))
                cols.append(i + 1 + np.sort(generator.choice(n - 1 - i, size=count, replace=False)))
        rows = np.concatenate(rows) if rows else np.empty(0, np.int64)
        cols = np.concatenate(cols) if cols else np.empty(0, np.int64)
        magnitudes = generator.integers(1, COEFFICIENT_RANGE + 1, size=rows.size)
        values = (magnitudes * generator.choice([-1, 1], size=rows.size)).astype(np.float64)
        return linear, rows, cols, values

    @classmethod
    def _from_random_parts(cls, n, density, rng):
        """The random instance of :meth:`random`: its pairs (i < j, sorted, each once) become W = −Q (or −J)
        mirrored from the upper triangle, with the problem's metadata at once, so the model is neither
        symmetrised, checked for symmetry nor copied (seconds at millions of pairs); the values are those
        ``from_qubo``/``from_ising`` give, exactly."""
        linear, rows, cols, values = cls._random_model(n, density, rng)
        problem = cls.__new__(cls)
        problem.name = f"random:n={n},density={density},seed={_seed_label(rng)}"
        weights = UpperTriangle(int(n), rows, cols, -values)
        problem._setup(EnergyModel(weights, linear, 0.0, cls.vartype, problem._metadata()), problem.name, None)
        return problem

    def __repr__(self):
        model = self._model
        stored = model.weights.nnz // 2 if model.is_sparse else int(np.count_nonzero(model.weights)) // 2
        return f"{type(self).__name__}(name={self.name!r}, n={self.n}, couplings={stored})"


class QUBO(_QuadraticProblem):
    """A quadratic unconstrained binary optimisation problem: minimise ``xᵀQx + offset`` over ``x ∈ {0,1}ⁿ``.

    Parameters
    ----------
    Q : array_like (n, n), scipy.sparse matrix, or dict {(i, j): value}
        Any square matrix: the pair ``i < j`` gets ``Q_ij + Q_ji`` (so upper-triangular and symmetric
        matrices both work, a symmetric one counting each pair twice), the diagonal is linear (``x_i² = x_i``).
        Dict keys are 0-based indices; repeated pairs add up.
    offset : float
    name : str, optional
    labels : sequence, optional
        A name for each variable (see the module docstring).

    Examples
    --------
    >>> from hopopt.problems import QUBO
    >>> problem = QUBO({(0, 0): -1, (1, 1): -1, (0, 1): 2})
    >>> problem.evaluate([1, 0]).objective, problem.evaluate([1, 1]).objective
    (-1.0, 0.0)
    >>> problem.to_model().vartype.value
    'binary'
    """

    vartype = Vartype.BINARY
    kind = "qubo"

    def __init__(self, Q, offset=0.0, *, name="qubo", labels=None):  # noqa: N803 - Q is the usual name
        n = None
        if isinstance(Q, Mapping) and labels is not None:
            n = len(labels)
        self._setup(EnergyModel.from_qubo(Q, offset, n=n), name, labels)

    @classmethod
    def random(cls, n, density=0.5, *, rng=None):
        """A random QUBO: each ``Q_ii`` an integer in −10..10, each pair coupled with probability ``density``
        by a non-zero integer in −10..10 (all uniform); the same ``rng`` gives the same instance (SPEC 7).

        Parameters
        ----------
        n : int
            Number of variables.
        density : float
            Probability that a pair is coupled.
        rng : None, int or numpy.random.Generator
            Seed of the coefficients.

        Returns
        -------
        QUBO

        Examples
        --------
        >>> from hopopt.problems import QUBO
        >>> problem = QUBO.random(5, 0.5, rng=1)
        >>> problem.n, problem.name
        (5, 'random:n=5,density=0.5,seed=1')
        """
        return cls._from_random_parts(n, density, rng)


class Ising(_QuadraticProblem):
    """An Ising model: minimise ``Σ h_i s_i + Σ_{i<j} J_ij s_i s_j + offset`` over ``s ∈ {−1,+1}ⁿ`` (dimod's form).

    Parameters
    ----------
    h : array_like (n,) or dict {i: value}
    J : array_like (n, n), scipy.sparse matrix, or dict {(i, j): value}
        A matrix counts ``J_ij + J_ji`` for the pair ``i < j`` (upper-triangular or symmetric both work); its
        diagonal must be zero. Dict entries (i, j) and (j, i) add up.
    offset : float
    name : str, optional
    labels : sequence, optional
        A name for each variable (see the module docstring).

    Examples
    --------
    >>> from hopopt.problems import Ising
    >>> problem = Ising([0.5, 0], {(0, 1): -1})
    >>> problem.evaluate([1, 1]).objective, problem.evaluate([-1, 1]).objective
    (-0.5, 0.5)
    """

    vartype = Vartype.SPIN
    kind = "ising"

    def __init__(self, h, J, offset=0.0, *, name="ising", labels=None):  # noqa: N803 - J is the usual name
        if labels is not None and isinstance(h, Mapping):
            # variables without any bias still count when labels name them
            linear = np.zeros(max([len(labels)] + [int(i) + 1 for i in h]))
            for i, value in h.items():
                linear[int(i)] += value
            h = linear
        model = EnergyModel.from_ising(h, J, offset)
        self._setup(model, name, labels)

    @classmethod
    def random(cls, n, density=0.5, *, rng=None):
        """A random Ising model: each ``h_i`` an integer in −10..10, each pair coupled with probability
        ``density`` by a non-zero integer in −10..10 (all uniform); the same ``rng`` gives the same instance.

        Parameters
        ----------
        n : int
            Number of spins.
        density : float
            Probability that a pair is coupled.
        rng : None, int or numpy.random.Generator
            Seed of the biases and couplings.

        Returns
        -------
        Ising

        Examples
        --------
        >>> from hopopt.problems import Ising
        >>> Ising.random(5, 0.5, rng=1).n
        5
        """
        return cls._from_random_parts(n, density, rng)
