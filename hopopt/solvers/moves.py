"""Move sets for annealing: single spin flips, one-hot reassignments, and permutation moves.

Each move set ("engine") knows how to make random starts, run sweeps of its kernel on many restarts, polish
at zero temperature and turn its internal states back into states of the model. The annealer
(:func:`hopopt.solvers.anneal`) drives any of them with the same β schedules, restarts, time limits and
random-number rules.

* ``single-flip``: one spin at a time, any model (the pure Hopfield/penalty network).
* ``one-hot``: for models whose encoder declares one-hot groups (``metadata["onehot_groups"]``, an array of
  shape (groups, k) of variable indices): move a group's single 1 to another member, so every state visited
  satisfies every group's constraint. ΔE comes from the local fields and the coupling inside the group.
* ``permutation``: for m×m permutation encodings (``metadata["permutation"] = {"size": m}``; neuron r·m + c
  is 1 when row r takes column c): states stay permutation matrices. ΔE comes from the model itself, never
  from a copy of the problem's data: from W's Kronecker factors (2-opt reversals, half of them towards a
  city's nearest cities, and exchanges when the energy on permutations is a tour length; exchanges
  otherwise, e.g. QAP), or, for a plain matrix W, from its entries (exchanges; slower, tested equal). See
  :func:`permutation_engine`.
"""

from __future__ import annotations

import numba
import numpy as np

from ..model import EnergyModel, Vartype
from ..schedules import default_beta_range
from ..structured import cycle_adjacency
from . import _kernels as kernels
from ._common import spin_states, to_model_vartype

__all__ = ["MOVE_SETS", "make_engine", "cost_lattice", "lattice_arrays"]

#: the move sets :func:`make_engine` (and ``anneal(moves=...)``) accept
MOVE_SETS = ("auto", "single-flip", "one-hot", "permutation", "constraint-preserving")


def make_engine(model: EnergyModel, moves: str, acceptance: int):
    """The engine for ``moves`` ("auto" picks the most constraint-preserving set the model declares).

    Parameters
    ----------
    model : EnergyModel
    moves : str
        One of :data:`MOVE_SETS`.
    acceptance : int
        The kernels' code of the acceptance rule (0: Metropolis, 1: Glauber).

    Examples
    --------
    >>> from hopopt import TSP, GraphColoring, MaxCut
    >>> from hopopt.solvers.moves import make_engine
    >>> type(make_engine(MaxCut.random(6, rng=0).to_model(), "auto", 0)).__name__
    'SingleFlipEngine'
    >>> type(make_engine(GraphColoring.from_edges(3, [(0, 1), (1, 2)], 2).to_model(), "auto", 0)).__name__
    'OneHotEngine'
    >>> type(make_engine(TSP.random(5, rng=0).to_model(), "auto", 0)).__name__
    'TourEngine'
    """
    if moves not in MOVE_SETS:
        raise ValueError(f"moves must be one of {', '.join(MOVE_SETS)}, got {moves!r}")
    declared_permutation = "permutation" in model.metadata
    declared_groups = "onehot_groups" in model.metadata
    # one-hot moves only ever move a group's 1: every variable must belong to some group
    covering_groups = declared_groups and np.unique(np.asarray(model.metadata["onehot_groups"])).size == model.n
    if moves in ("auto", "constraint-preserving"):
        if declared_permutation:
            moves = "permutation"
        elif covering_groups:
            moves = "one-hot"
        elif moves == "auto":
            moves = "single-flip"
        else:
            raise ValueError("moves='constraint-preserving' needs a model whose encoder declares one-hot groups "
                             "covering every variable or a permutation structure; this one declares neither")
    if moves == "permutation":
        if not declared_permutation:
            raise ValueError("moves='permutation' needs a model that declares metadata['permutation'] "
                             "(e.g. from TSP or QAP)")
        return permutation_engine(model, acceptance)
    if moves == "one-hot":
        if not declared_groups:
            raise ValueError("moves='one-hot' needs a model with metadata['onehot_groups']")
        return OneHotEngine(model, acceptance)
    return SingleFlipEngine(model, acceptance)


def _uniform_seeds(children):
    return np.array([child.integers(0, 2**63, dtype=np.int64) for child in children], dtype=np.uint64)


# the flip-cost lattice is used only while its acceptance table stays this small
_MAX_TABLE_SIZE = 1 << 16


def _row_sums(model, values):
    """Σ_j values_ij over each row of the model's CSR pattern, as one sparse product (no per-entry row array)."""
    import scipy.sparse as sp  # scipy is loaded by the model already; kept local as the module needs it here only

    indptr, indices, _ = model.csr()
    return sp.csr_array((values, indices, indptr), shape=(model.n, model.n)) @ np.ones(model.n)


# values checked per step of the lattice test: a divisor that fails is dropped after its first block
_CHECK_BLOCK = 1 << 20


def _multiples(values, unit):
    """Whether every value is a whole multiple of ``unit`` (to 1e-9 relative), block by block."""
    for start in range(0, values.size, _CHECK_BLOCK):
        ratios = values[start:start + _CHECK_BLOCK] / unit
        if not np.all(np.abs(ratios - np.round(ratios)) <= 1e-9 * ratios):
            return False
    return True


def _lattice_unit(model, magnitudes):
    """``(unit, largest_drive)``: the largest unit u of which every coupling magnitude (``magnitudes``, aligned
    with ``model.csr()``) and every threshold is a multiple, among the smallest magnitude divided by 1, 2, 3, 4,
    6, 8 or 12 (0.0 if none, or if even the largest candidate would need a table above ``_MAX_TABLE_SIZE``), and
    the largest ``Σ_j |W_ij| + |θ_i|``."""
    largest_drive = float(np.max(_row_sums(model, magnitudes) + np.abs(model.thresholds))) if model.n else 0.0
    thresholds = np.abs(model.thresholds)
    thresholds = thresholds[thresholds > 0]
    smallest = magnitudes.min() if magnitudes.size else np.inf
    if smallest == 0:  # explicit zeros in the pattern: no flip cost involves them
        magnitudes = magnitudes[magnitudes > 0]
        smallest = magnitudes.min() if magnitudes.size else np.inf
    smallest = float(min(smallest, thresholds.min() if thresholds.size else np.inf))
    if not np.isfinite(smallest):
        return 0.0, largest_drive
    if round(largest_drive / smallest) > _MAX_TABLE_SIZE:
        # every candidate unit is at most the smallest magnitude: its table would be too large anyway (penalty
        # models with thousands of distinct coefficients; the test below took a second on 9 million of them)
        return 0.0, largest_drive
    # unweighted graphs and most penalty encodings have one coupling magnitude: then only the thresholds and
    # that one value need the test, not millions of copies of it
    if magnitudes.size and magnitudes.max() == magnitudes.min():
        magnitudes = magnitudes[:1]
    values = np.concatenate([magnitudes, thresholds])
    for divisor in (1, 2, 3, 4, 6, 8, 12):
        unit = smallest / divisor
        if _multiples(values, unit):
            return unit, largest_drive
    return 0.0, largest_drive


def cost_lattice(model):
    """``(step, size)`` when every flip cost of the spin model is a multiple of ``step``, else ``(0.0, 0)``.

    ``ΔE_i = 2 s_i (Σ_j W_ij s_j - θ_i)`` is a multiple of ``2u`` whenever every coupling and threshold is
    a multiple of one unit u (integer weights, ±1 graphs, most penalty encodings). ``size`` is the largest
    ``|ΔE| / step``. The annealing kernel then looks acceptance probabilities up in a small table.

    Parameters
    ----------
    model : EnergyModel
        A spin model.

    Returns
    -------
    tuple of (float, int)

    Examples
    --------
    >>> from hopopt import MaxCut
    >>> from hopopt.solvers.moves import cost_lattice
    >>> cost_lattice(MaxCut(3, [(0, 1), (1, 2)]).to_model())
    (1.0, 2)
    """
    unit, largest_drive = _lattice_unit(model, np.abs(model.csr()[2]))
    if unit == 0.0:
        return 0.0, 0
    size = int(round(largest_drive / unit))
    return (2.0 * unit, size) if size <= _MAX_TABLE_SIZE else (0.0, 0)


# the branch-free lattice sweep (every proposal updates its neighbours, by 0 when rejected) pays when the
# mean number of neighbours is at most this; denser graphs skip rejected proposals with a branch instead
# (measured on Gset: degree 5 (G55) ~1.25× faster branch-free, degree 20 (G22) ~1.5× slower)
_BRANCH_FREE_MAX_DEGREE = 8.0


def lattice_arrays(spin):
    """The integer form of a spin model whose flip costs lie on a lattice, or None.

    Returns ``(unit, weights, thresholds, size)`` with W = unit·weights (int32, in the order of
    ``spin.csr()``), θ = unit·thresholds (int64) and ``size`` the largest possible ``|h_i - θ_i| / unit``, when
    :func:`cost_lattice` finds a unit; None otherwise (then the annealer uses real arithmetic).

    Parameters
    ----------
    spin : EnergyModel
        A spin model; its couplings (as ``spin.csr()`` holds them) and thresholds are read.

    Returns
    -------
    tuple of (float, ndarray of int32, ndarray of int64, int) or None
        ``(unit, weights, thresholds, size)`` as above; None also when ``size`` would exceed the acceptance
        table's cap.

    Examples
    --------
    >>> from hopopt import EnergyModel
    >>> from hopopt.solvers.moves import lattice_arrays
    >>> unit, weights, thresholds, size = lattice_arrays(EnergyModel([[0, 1.5], [1.5, 0]], [0.5, 0]))
    >>> float(unit), weights.tolist(), thresholds.tolist(), size
    (0.5, [3, 3], [1, 0], 4)
    >>> lattice_arrays(EnergyModel([[0, 2 ** 0.5], [2 ** 0.5, 0]], [1, 0])) is None
    True
    """
    data = np.asarray(spin.csr()[2])
    unit, _ = _lattice_unit(spin, np.abs(data))
    if unit == 0.0:
        return None
    weights = np.rint(data / unit)
    thresholds = np.rint(np.asarray(spin.thresholds) / unit)
    # integer row sums, exact in floating point far beyond the table's cap
    size = int(np.max(_row_sums(spin, np.abs(weights)) + np.abs(thresholds)))
    if size > _MAX_TABLE_SIZE:  # the acceptance table would be too large: real arithmetic
        return None
    return unit, weights.astype(np.int32), thresholds.astype(np.int64), max(size, 1)


# a block of one restart runs no faster than the restart alone; from two lanes on blocks win (n_threads=1,
# CPU time, 400 sweeps: 2 lanes 0.97-1.33x, 3 lanes 1.4-1.6x the speed of the restarts alone on G1, G22, G55)
_MIN_LANES = 2


def restart_groups(restarts, threads=None):
    """How the single-flip kernels group restarts into blocks: ``groups[g]..groups[g+1]-1`` run side by side.

    As few blocks of at most ``LATTICE_LANES`` restarts as fill every thread equally (a multiple of the
    thread count, restarts spread evenly); restarts run one by one when a block would hold fewer than
    ``_MIN_LANES``. The grouping changes only the speed, never the results.

    Examples
    --------
    >>> from hopopt.solvers.moves import restart_groups
    >>> restart_groups(20, threads=2).tolist()
    [0, 5, 10, 15, 20]
    >>> restart_groups(20, threads=1).tolist()
    [0, 7, 14, 20]
    >>> restart_groups(2, threads=2).tolist()
    [0, 1, 2]
    """
    threads = numba.get_num_threads() if threads is None else threads
    blocks = threads * -(-restarts // (kernels.LATTICE_LANES * threads))
    if restarts < _MIN_LANES * blocks:
        return np.arange(restarts + 1, dtype=np.int64)
    sizes = np.full(blocks, restarts // blocks, dtype=np.int64)
    sizes[:restarts % blocks] += 1
    return np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)


class SingleFlipEngine:
    """Single-spin Metropolis/Glauber sweeps on the spin form of the model.

    Integer arithmetic (:func:`hopopt.solvers._kernels.anneal_lattice_chunk`) when every coupling and
    threshold is a multiple of one unit (``arithmetic == "integer"``), real arithmetic otherwise; both make
    the same decisions from the same random numbers (exactly for a power-of-two unit, e.g. integer weights).
    """

    name = "single-flip"
    dtype = np.int8
    energy_offset = 0.0  # kernel energies are model energies

    def __init__(self, model, acceptance):
        self.model = model
        self.spin = model.to_spin()
        self.acceptance = acceptance
        self.csr = self.spin.csr()
        indptr, indices, data = self.csr
        # unsigned positions: numba then emits no negative-index checks in the neighbour loops; writable
        # copies throughout: read-only arrays are another numba type, and warm_up compiles for these
        self.indptr = np.array(indptr, dtype=np.uint64)
        self.indices = np.array(indices, dtype=np.uint32)
        self.data = np.array(data, dtype=np.float64)
        self.thresholds = np.array(self.spin.thresholds, dtype=np.float64)
        self.lattice = lattice_arrays(self.spin)
        self.arithmetic = "float" if self.lattice is None else "integer"
        self.branch_free = bool(len(data) <= _BRANCH_FREE_MAX_DEGREE * max(self.spin.n, 1))
        self.width = self.spin.n  # internal state length
        self.work_per_sweep = self.spin.n

    @property
    def kernel_sets(self):
        """What :func:`hopopt.solvers.warm_up` must load for :meth:`run` and :meth:`polish`."""
        return ("flips" if self.lattice is None else "lattice-flips", "polish")

    def beta_range(self):
        return default_beta_range(self.model)

    def random_states(self, children):
        return np.stack([2 * child.integers(0, 2, self.width, dtype=np.int8) - 1 for child in children])

    def user_states(self, states, rows):
        return spin_states(self.model, states, rows)

    def run(self, betas, states, energies, best_states, best_energies, seeds, trace):
        groups = restart_groups(states.shape[0])
        if self.lattice is None:
            kernels.anneal_chunk(self.indptr, self.indices, self.data, self.thresholds, self.spin.offset, groups,
                                 betas, 0, betas.size, self.acceptance, states, energies, best_states,
                                 best_energies, seeds, trace)
        else:
            unit, weights, thresholds, size = self.lattice
            kernels.anneal_lattice_chunk(self.indptr, self.indices, weights, thresholds, self.spin.offset, unit,
                                         size, self.branch_free, groups, betas, 0, betas.size, self.acceptance,
                                         states, energies, best_states, best_energies, seeds, trace)

    def polish(self, states, energies):
        indptr, indices, data = self.csr
        kernels.polish(indptr, indices, data, self.spin.thresholds, self.spin.offset, states, energies)

    def to_model_states(self, states):
        return to_model_vartype(self.model, states)


class OneHotEngine:
    """Reassignment moves inside one-hot groups, on the binary form of the model."""

    name = "one-hot"
    dtype = np.int8
    energy_offset = 0.0
    kernel_sets = ("one-hot",)  # what hopopt.solvers.warm_up loads for run and polish

    def __init__(self, model, acceptance):
        self.model = model
        self.binary = model.to_binary()
        self.acceptance = acceptance
        self.csr = self.binary.csr()
        groups = np.array(model.metadata["onehot_groups"], dtype=np.int64, order="C")  # writable: one signature
        if groups.ndim != 2 or groups.shape[1] < 2:
            raise ValueError("onehot_groups must be an array of shape (groups, k) with k ≥ 2")
        if groups.min() < 0 or groups.max() >= model.n or np.unique(groups).size != groups.size:
            raise ValueError("onehot_groups must list distinct variable indices 0..n-1")
        if groups.size != model.n:
            raise ValueError("onehot_groups must cover every variable: one-hot moves never move a variable "
                             "outside all groups (use moves='single-flip')")
        self.groups = groups
        dense_block = np.zeros((len(groups), groups.shape[1], groups.shape[1]))
        weights = self.binary.weights_matrix()
        for g, members in enumerate(groups):
            block = weights[members][:, members]
            dense_block[g] = block.toarray() if hasattr(block, "toarray") else block
        self.group_couplings = dense_block
        self.width = model.n
        self.work_per_sweep = model.n

    def beta_range(self):
        """The range the encoder declares for one-hot moves (``metadata["onehot_beta_range"]``), else hot: the
        largest possible reassignment cost accepted with probability 1/2; cold as for flips."""
        declared = self.model.metadata.get("onehot_beta_range")
        if declared is not None:
            hot, cold = (float(value) for value in declared)
            return hot, cold
        _, cold = default_beta_range(self.binary)
        indptr, _, data = self.csr
        rows = np.repeat(np.arange(self.model.n), np.diff(indptr))
        spread = np.bincount(rows, np.abs(data), minlength=self.model.n) + np.abs(self.binary.thresholds)
        largest = float(2.0 * spread.max())
        hot = np.log(2.0) / largest if largest > 0 else 0.1
        return hot, max(cold, hot)

    def random_states(self, children):
        states = np.zeros((len(children), self.width), dtype=np.int8)
        for row, child in enumerate(children):
            chosen = child.integers(0, self.groups.shape[1], len(self.groups))
            states[row, self.groups[np.arange(len(self.groups)), chosen]] = 1
        return states

    def user_states(self, states, rows):
        spins = spin_states(self.model, states, rows)
        binary = ((spins + 1) // 2).astype(np.int8)
        if np.any(binary[:, self.groups].sum(axis=2) != 1):
            raise ValueError("initial states for one-hot moves must have exactly one 1 in every group")
        return binary

    def run(self, betas, states, energies, best_states, best_energies, seeds, trace):
        indptr, indices, data = self.csr
        kernels.anneal_onehot_chunk(indptr, indices, data, self.binary.thresholds, self.binary.offset,
                                    self.groups, self.group_couplings, betas, 0, betas.size, self.acceptance,
                                    states, energies, best_states, best_energies, seeds, trace)

    def polish(self, states, energies):
        indptr, indices, data = self.csr
        kernels.polish_onehot(indptr, indices, data, self.binary.thresholds, self.binary.offset, self.groups,
                              self.group_couplings, states, energies)

    def to_model_states(self, states):
        if self.model.vartype is Vartype.BINARY:
            return states.astype(np.int8)
        return (2 * states - 1).astype(np.int8)


def _offdiagonal(matrix):
    result = np.array(matrix, dtype=np.float64)
    np.fill_diagonal(result, 0.0)
    return result


def _cycle_scale(matrix):
    """γ when ``matrix`` is γ times the adjacency of the cycle 0-1-…-(m-1)-0 (diagonal ignored), else None."""
    if matrix.shape[0] < 3:
        return None
    gamma = float(matrix[0, 1])
    cycle = cycle_adjacency(matrix.shape[0])
    return gamma if gamma != 0 and np.allclose(_offdiagonal(matrix), gamma * cycle, rtol=1e-12, atol=0.0) else None


def _permutation_size(model):
    structure = model.metadata["permutation"]
    size = int(structure["size"]) if isinstance(structure, dict) and "size" in structure else int(round(model.n ** 0.5))
    if size * size != model.n:
        raise ValueError(f"a permutation encoding of {size} items needs {size ** 2} variables, the model has "
                         f"{model.n}")
    return size


def reduce_permutation_energy(model):
    """The energy of a declared permutation encoding restricted to permutation matrices, from W's factors.

    Neuron ``r·m + c`` is 1 when row r takes column c. On a permutation ``perm`` (row r → column perm[r])
    of a model with ``W = offdiag(Σ_k A_k ⊗ B_k)`` (:class:`~hopopt.structured.KroneckerWeights`), binary,
    only pairs of different rows and different columns meet, so::

        E = Σ_k Σ_{r≠s} F_k[r,s] · S_k[perm[r], perm[s]] + Σ_r L[r, perm[r]] + c,

    with ``F_k = -½ offdiag(A_k)``, ``S_k = offdiag(B_k)``, ``L = θ`` as an m×m matrix and c the offset.
    Terms with a zero off-diagonal factor (the one-hot penalties ``I ⊗ (J − I)`` and ``(J − I) ⊗ I``) add
    nothing on permutations and are dropped.

    Returns
    -------
    first, second : ndarray, shape (K, m, m)
    linear : ndarray, shape (m, m)
    constant : float
        None in place of the tuple when the model's W is not structured (or has a sparse part).
    """
    binary = model.to_binary()
    if not binary.is_structured or binary.weights.sparse is not None:
        return None
    size = _permutation_size(model)
    if binary.weights.blocks != (size, size):
        return None
    firsts, seconds = [], []
    constant = float(binary.offset)
    for a_factor, b_factor in binary.weights.terms:
        first, second = -0.5 * _offdiagonal(a_factor), _offdiagonal(b_factor)
        if not (np.any(first) and np.any(second)):
            continue
        # a factor that is γ(J − I) makes the term constant on permutations (perm[r] ≠ perm[s] for r ≠ s):
        # Σ_{r≠s} F[r,s]·γ = γ·ΣF, e.g. the (Σ x − n)² term of Hopfield and Tank
        # (for m = 3 the tour cycle is J − I too: such a term is kept, so tours still get tour moves)
        first_scale = _complement_scale(first) if size > 3 else None
        second_scale = _complement_scale(second) if size > 3 else None
        if second_scale is not None:
            constant += second_scale * float(first.sum())
        elif first_scale is not None:
            constant += first_scale * float(second.sum())
        else:
            firsts.append(first)
            seconds.append(second)
    if not firsts:
        firsts, seconds = [np.zeros((size, size))], [np.zeros((size, size))]
    linear = np.array(binary.thresholds, dtype=np.float64).reshape(size, size)
    return np.stack(firsts), np.stack(seconds), linear, constant


def _complement_scale(matrix):
    """γ when the off-diagonal of ``matrix`` is γ everywhere (γ(J − I)), else None."""
    off = matrix[~np.eye(matrix.shape[0], dtype=bool)]
    return float(off[0]) if off.size and np.all(off == off[0]) else None


def _constant_on_permutations(linear):
    """Σ_r L[r, perm[r]] when it is the same for every permutation (L = row part + column part), else None."""
    residual = linear - linear[:, :1] - linear[:1, :] + linear[0, 0]
    scale = max(1.0, float(np.abs(linear).max()))
    return float(np.trace(linear)) if np.all(np.abs(residual) <= 1e-12 * scale) else None


def permutation_engine(model, acceptance):
    """The permutation move set for a model that declares ``metadata["permutation"]``.

    * Structured W whose only term surviving on permutations is ``distances ⊗ cycle`` (a tour) and whose θ
      is constant on permutations: :class:`TourEngine`, 2-opt reversals and exchanges, O(1) per move.
    * Any other structured W: :class:`AssignmentEngine`, exchanges with ΔE from the factors, O(K·m).
    * A plain matrix W: :class:`MatrixExchangeEngine`, exchanges with ΔE from W's entries, O(m).
    """
    reduced = reduce_permutation_energy(model)
    if reduced is None:
        return MatrixExchangeEngine(model, acceptance)
    first, second, linear, offset = reduced
    constant = _constant_on_permutations(linear)
    if first.shape[0] == 1 and constant is not None:
        column_cycle, row_cycle = _cycle_scale(second[0]), _cycle_scale(first[0])
        if column_cycle is not None:  # rows are items, columns positions: tour = inverse permutation
            return TourEngine(model, acceptance, 2.0 * column_cycle * first[0], offset + constant, rows_are_items=True)
        if row_cycle is not None:  # rows are positions, columns items: tour = the permutation
            return TourEngine(model, acceptance, 2.0 * row_cycle * second[0], offset + constant, rows_are_items=False)
    return AssignmentEngine(model, acceptance, first, second, linear, offset)


class _PermutationStates:
    """What the permutation engines share: random starts, user starts and conversion back to the model."""

    dtype = np.int64

    def __init__(self, model, acceptance):
        self.model = model
        self.acceptance = acceptance
        self.size = _permutation_size(model)
        self.width = self.size
        self.work_per_sweep = model.n  # one sweep = one proposal per neuron of the m×m encoding

    def random_states(self, children):
        return np.stack([child.permutation(self.size).astype(np.int64) for child in children])

    def _user_permutations(self, states, rows):
        """``perm[r]`` = the column of row r's 1, from permutation-matrix states."""
        spins = spin_states(self.model, states, rows)
        binary = ((spins + 1) // 2).reshape(rows, self.size, self.size)
        if np.any(binary.sum(axis=1) != 1) or np.any(binary.sum(axis=2) != 1):
            raise ValueError("initial states for permutation moves must be permutation matrices")
        return np.ascontiguousarray(np.argmax(binary, axis=2), dtype=np.int64)

    def user_states(self, states, rows):
        return self._user_permutations(states, rows)

    def _permutations(self, states):
        return states

    def to_model_states(self, states):
        permutations = self._permutations(states)
        rows = permutations.shape[0]
        binary = np.zeros((rows, self.size, self.size), dtype=np.int8)
        for row in range(rows):
            binary[row, np.arange(self.size), permutations[row]] = 1
        binary = binary.reshape(rows, -1)
        return binary if self.model.vartype is Vartype.BINARY else (2 * binary - 1).astype(np.int8)

    def _sampled_exchange_costs(self, cost):
        """|ΔE| of random exchanges on random permutations (fixed seed: a property of the instance)."""
        generator = np.random.default_rng(12345)
        deltas = []
        for _ in range(8):
            perm = generator.permutation(self.size).astype(np.int64)
            for _ in range(64):
                u, v = generator.choice(self.size, 2, replace=False)
                deltas.append(cost(perm, int(u), int(v)))
        return np.abs(np.array(deltas))

    def beta_range(self):
        """Hot accepts a typical uphill exchange with probability 1/2; cold makes the smallest sampled |ΔE|
        1/(100 m) likely (exchange engines; the tour engine ranges on its distances)."""
        magnitudes = self._sampled_exchange_costs(self.exchange_cost)
        positive = magnitudes[magnitudes > 1e-12]
        smallest = float(positive.min()) if positive.size else 0.0
        return self._range_from(magnitudes, smallest)

    def _range_from(self, magnitudes, smallest):
        uphill = magnitudes[magnitudes > 1e-12]
        typical = float(np.median(uphill)) if uphill.size else 1.0
        smallest = max(float(smallest), 1e-9 * typical) if smallest > 0 else typical
        hot = np.log(2.0) / typical
        cold = np.log(100.0 * self.size) / smallest
        return hot, max(cold, hot)


class TourEngine(_PermutationStates):
    """2-opt reversals and exchanges on tours, for encodings whose energy on permutations is a tour length.

    The distances come from the model's own factors (``2γ·F`` for the term ``F ⊗ γ·cycle``), never from a
    copy of the problem's data.
    """

    name = "permutation"
    # share of uniform proposals that are segment reversals (the rest exchange two items); reversals are the
    # moves that untangle tours, exchanges help on short-range reorderings
    reversal_share = 0.8
    # candidate lists: each city's nearest cities; past a few dozen cities a uniformly random 2-opt move is
    # almost never an improvement at low temperature, a move towards a near city often is
    nearest = 10
    neighbour_share = 0.5
    candidates_above = 100

    def __init__(self, model, acceptance, distances, constant, rows_are_items):
        super().__init__(model, acceptance)
        self.distances = np.ascontiguousarray(distances, dtype=np.float64)
        self.neighbours = _nearest_cities(self.distances, min(self.nearest, self.size - 1))
        # up to 100 cities uniform proposals already end on the optimum of every TSPLIB dev instance in 10 s
        # (BENCHMARKS.md) and run faster; candidate lists pay off on larger tours (pr1002: 2.02 % → 1 %)
        self.proposal_share = self.neighbour_share if self.size > self.candidates_above else 0.0
        self.energy_offset = float(constant)  # E = scaled tour length + constant on permutation matrices
        self.rows_are_items = rows_are_items

    def beta_range(self):
        """Hot accepts a typical uphill move with probability 1/2; cold makes the smallest distance difference
        1/(100 m) likely."""
        distances = self.distances

        def reversal(tour, i, j):
            i, j = min(i, j), max(i, j)
            if i == 0 and j == self.size - 1:
                return 0.0
            a, b, c, d = tour[i - 1], tour[i], tour[j], tour[(j + 1) % self.size]
            return distances[a, c] + distances[b, d] - distances[a, b] - distances[c, d]

        values = np.unique(np.abs(distances[np.triu_indices(self.size, 1)]))
        steps = np.diff(values)
        smallest = float(steps[steps > 0].min()) if np.any(steps > 0) else float(values.max() or 1.0)
        smallest = max(smallest, 1e-3 * float(values.mean() or 1.0))
        return self._range_from(self._sampled_exchange_costs(reversal), smallest)

    @property
    def kernel_sets(self):
        """What :func:`hopopt.solvers.warm_up` must load for :meth:`run` and :meth:`polish`."""
        return ("tour-candidates",) if self.proposal_share > 0 else ("tours",)

    def user_states(self, states, rows):
        permutations = self._user_permutations(states, rows)
        return self._tours(permutations)

    def _tours(self, permutations):
        if not self.rows_are_items:
            return permutations
        tours = np.empty_like(permutations)
        for row in range(permutations.shape[0]):
            tours[row, permutations[row]] = np.arange(self.size)  # x[item, position] = 1 → tour[position] = item
        return tours

    def _permutations(self, tours):
        return self._tours(tours)  # inverting is its own inverse

    def run(self, betas, states, energies, best_states, best_energies, seeds, trace):
        if self.proposal_share > 0:
            kernels.anneal_tour_candidates_chunk(self.distances, self.neighbours, betas, 0, betas.size,
                                                 self.acceptance, self.reversal_share, self.proposal_share,
                                                 self.model.n, states, energies, best_states, best_energies,
                                                 seeds, trace)
        else:
            kernels.anneal_tour_chunk(self.distances, betas, 0, betas.size, self.acceptance, self.reversal_share,
                                      self.model.n, states, energies, best_states, best_energies, seeds, trace)
        trace += self.energy_offset

    def polish(self, states, energies):
        kernels.polish_tours(self.distances, states, energies)


def _nearest_cities(distances, count):
    """``count`` nearest other cities of every city (row i: the cities closest to i, nearest first)."""
    n = distances.shape[0]
    masked = distances + np.diag(np.full(n, np.inf))
    if count <= 0:
        return np.zeros((n, 1), dtype=np.int64)
    nearest = np.argpartition(masked, count - 1, axis=1)[:, :count]
    order = np.argsort(np.take_along_axis(masked, nearest, axis=1), axis=1, kind="stable")
    return np.ascontiguousarray(np.take_along_axis(nearest, order, axis=1), dtype=np.int64)


class AssignmentEngine(_PermutationStates):
    """Exchanges of two rows' columns, ΔE from the Kronecker factors of W and θ (QAP and any structured
    permutation encoding)."""

    name = "permutation"
    kernel_sets = ("assignments",)  # what hopopt.solvers.warm_up loads for run and polish

    def __init__(self, model, acceptance, first, second, linear, constant):
        super().__init__(model, acceptance)
        self.first = np.ascontiguousarray(first)
        self.second = np.ascontiguousarray(second)
        self.linear = np.ascontiguousarray(linear)
        self.energy_offset = float(constant)
        # symmetric factors (most QAPLIB instances): one product per row in ΔE instead of four
        self.symmetric = bool(all(np.array_equal(matrix, matrix.T) for matrix in (*self.first, *self.second)))

    def exchange_cost(self, perm, u, v):
        """ΔE of rows u and v trading columns (for tests and the β range)."""
        return float(kernels.assignment_exchange_cost(self.first, self.second, self.linear,
                                                       np.asarray(perm, dtype=np.int64), u, v, self.symmetric))

    def run(self, betas, states, energies, best_states, best_energies, seeds, trace):
        kernels.anneal_assignment_chunk(self.first, self.second, self.linear, self.symmetric, betas, 0, betas.size,
                                        self.acceptance, self.model.n, states, energies, best_states,
                                        best_energies, seeds, trace)
        trace += self.energy_offset

    def polish(self, states, energies):
        kernels.polish_assignments(self.first, self.second, self.linear, self.symmetric, states, energies)


def _read_only(array):
    view = array.view()
    view.flags.writeable = False
    return view


# the generic path keeps W dense: refuse beyond this many variables (4096² doubles = 128 MiB)
_MATRIX_EXCHANGE_MAX_N = 4096


class MatrixExchangeEngine(_PermutationStates):
    """Exchanges with ΔE read from a plain (dense) binary W and θ: any model that declares a permutation
    structure, slower than the factor engines (O(m) field sums per move) and tested equal to them."""

    name = "permutation"
    kernel_sets = ("matrix-exchanges",)  # what hopopt.solvers.warm_up loads for run and polish

    def __init__(self, model, acceptance):
        super().__init__(model, acceptance)
        if model.n > _MATRIX_EXCHANGE_MAX_N:
            raise MemoryError(f"permutation moves on a plain-matrix model keep W dense: {model.n} variables "
                              f"would take {8 * model.n ** 2 / 2**30:.1f} GiB (limit {_MATRIX_EXCHANGE_MAX_N} "
                              f"variables); build the model with KroneckerWeights")
        binary = model.to_binary()
        # read-only views whatever the model hands over (no copy of W): read-only arrays are another numba type,
        # and warm_up loads the kernels for these
        self.weights = _read_only(np.ascontiguousarray(binary.dense_weights(), dtype=np.float64))
        self.thresholds = _read_only(np.ascontiguousarray(binary.thresholds, dtype=np.float64))
        self.energy_offset = float(binary.offset)

    def exchange_cost(self, perm, u, v):
        return float(kernels.matrix_exchange_cost(self.weights, self.thresholds,
                                                   np.asarray(perm, dtype=np.int64), u, v))

    def run(self, betas, states, energies, best_states, best_energies, seeds, trace):
        kernels.anneal_matrix_exchange_chunk(self.weights, self.thresholds, betas, 0, betas.size, self.acceptance,
                                             self.model.n, states, energies, best_states, best_energies, seeds,
                                             trace)
        trace += self.energy_offset

    def polish(self, states, energies):
        kernels.polish_matrix_exchanges(self.weights, self.thresholds, states, energies)
