"""Move sets for annealing: single spin flips, one-hot reassignments, and permutation moves.

Each move set ("engine") knows how to make random starts, run sweeps of its kernel on many restarts, polish
at zero temperature and turn its internal states back into states of the model. The annealer
(:func:`hopopt.solvers.anneal`) drives any of them with the same β schedules, restarts, time limits and
random-number rules.

* ``single-flip``: one spin at a time, any model (the pure Hopfield/penalty network).
* ``one-hot``: for models whose encoder declares one-hot groups (``metadata["onehot_groups"]``, an array of
  shape (groups, k) of variable indices): move a group's single 1 to another member, so every state visited
  satisfies every group's constraint. ΔE comes from the local fields and the coupling inside the group.
* ``permutation``: for n×n permutation encodings (``metadata["permutation"]`` with ``"distances"``, the
  position-coupling matrix already scaled as in the energy): 2-opt segment reversals and exchanges of two
  items. States stay permutation matrices, where the energy is the scaled tour length plus a constant.
"""

from __future__ import annotations

import numpy as np

from ..model import EnergyModel, Vartype
from ..schedules import default_beta_range
from . import _kernels as kernels
from ._common import spin_states, to_model_vartype

__all__ = ["MOVE_SETS", "make_engine", "cost_lattice"]

MOVE_SETS = ("auto", "single-flip", "one-hot", "permutation", "constraint-preserving")


def make_engine(model: EnergyModel, moves: str, acceptance: int):
    """The engine for ``moves`` ("auto" picks the most constraint-preserving set the model declares)."""
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
            raise ValueError("moves='permutation' needs a model with metadata['permutation'] (e.g. from TSP)")
        return PermutationEngine(model, acceptance)
    if moves == "one-hot":
        if not declared_groups:
            raise ValueError("moves='one-hot' needs a model with metadata['onehot_groups']")
        return OneHotEngine(model, acceptance)
    return SingleFlipEngine(model, acceptance)


def _uniform_seeds(children):
    return np.array([child.integers(0, 2**63, dtype=np.int64) for child in children], dtype=np.uint64)


# the flip-cost lattice is used only while its acceptance table stays this small
_MAX_TABLE_SIZE = 1 << 16


def cost_lattice(model):
    """``(step, size)`` when every flip cost of the spin model is a multiple of ``step``, else ``(0.0, 0)``.

    ``ΔE_i = 2 s_i (Σ_j W_ij s_j - θ_i)`` is a multiple of ``2u`` whenever every coupling and threshold is
    a multiple of one unit u (integer weights, ±1 graphs, most penalty encodings). ``size`` is the largest
    ``|ΔE| / step``. The annealing kernel then looks acceptance probabilities up in a small table.

    Examples
    --------
    >>> from hopopt import MaxCut
    >>> from hopopt.solvers.moves import cost_lattice
    >>> cost_lattice(MaxCut(3, [(0, 1), (1, 2)]).to_model())
    (1.0, 2)
    """
    indptr, _, data = model.csr()
    magnitudes = np.concatenate([np.abs(data), np.abs(model.thresholds)])
    magnitudes = magnitudes[magnitudes > 0]
    if magnitudes.size == 0:
        return 0.0, 0
    rows = np.repeat(np.arange(model.n), np.diff(indptr))
    largest_drive = float(np.max(np.bincount(rows, np.abs(data), minlength=model.n) + np.abs(model.thresholds)))
    for divisor in (1, 2, 3, 4, 6, 8, 12):
        unit = float(magnitudes.min()) / divisor
        ratios = magnitudes / unit
        if np.all(np.abs(ratios - np.round(ratios)) <= 1e-9 * ratios):
            size = int(round(largest_drive / unit))
            return (2.0 * unit, size) if size <= _MAX_TABLE_SIZE else (0.0, 0)
    return 0.0, 0


class SingleFlipEngine:
    """Single-spin Metropolis/Glauber sweeps on the spin form of the model."""

    name = "single-flip"
    dtype = np.int8
    energy_offset = 0.0  # kernel energies are model energies

    def __init__(self, model, acceptance):
        self.model = model
        self.spin = model.to_spin()
        self.acceptance = acceptance
        self.csr = self.spin.csr()
        self.cost_step, self.table_size = cost_lattice(self.spin)
        self.width = self.spin.n  # internal state length
        self.work_per_sweep = self.spin.n

    def beta_range(self):
        return default_beta_range(self.model)

    def random_states(self, children):
        return np.stack([2 * child.integers(0, 2, self.width, dtype=np.int8) - 1 for child in children])

    def user_states(self, states, rows):
        return spin_states(self.model, states, rows)

    def run(self, betas, states, energies, best_states, best_energies, seeds, trace):
        indptr, indices, data = self.csr
        kernels.anneal_chunk(indptr, indices, data, self.spin.thresholds, self.spin.offset, betas, 0,
                             betas.size, self.acceptance, self.cost_step, self.table_size, states, energies,
                             best_states, best_energies, seeds, trace)

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
        weights = self.binary.weights
        for g, members in enumerate(groups):
            block = weights[members][:, members]
            dense_block[g] = block.toarray() if hasattr(block, "toarray") else block
        self.group_couplings = dense_block
        self.width = model.n
        self.work_per_sweep = model.n

    def beta_range(self):
        """Hot: the largest possible reassignment cost accepted with probability 1/2; cold as for flips."""
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


class PermutationEngine:
    """2-opt reversals and exchanges on permutations of an n×n permutation encoding (TSP)."""

    name = "permutation"
    dtype = np.int64
    # share of proposals that are segment reversals (the rest exchange two items); reversals are the moves
    # that untangle tours, exchanges help on short-range reorderings
    reversal_share = 0.8

    def __init__(self, model, acceptance):
        self.model = model
        self.acceptance = acceptance
        structure = model.metadata["permutation"]
        self.distances = np.array(structure["distances"], dtype=np.float64, order="C")  # writable: one signature
        self.size = self.distances.shape[0]
        if model.n != self.size * self.size:
            raise ValueError(f"a permutation encoding of {self.size} items needs {self.size ** 2} variables, "
                             f"the model has {model.n}")
        # on permutation matrices E = scaled length + constant; the kernel tracks the scaled length
        self.energy_offset = float(structure.get("constant", 0.0))
        self.width = self.size
        self.work_per_sweep = model.n  # one sweep = one proposal per neuron of the n×n encoding

    def beta_range(self):
        """From random moves on random tours: hot accepts a typical uphill move with probability 1/2; cold
        makes the smallest distance difference 1/(100 n) likely."""
        generator = np.random.default_rng(12345)  # fixed: the range is a property of the instance
        n = self.size
        deltas = []
        for _ in range(8):
            tour = generator.permutation(n)
            for _ in range(64):
                i, j = np.sort(generator.choice(n, 2, replace=False))
                if i == 0 and j == n - 1:
                    continue
                a, b, c, d = tour[i - 1], tour[i], tour[j], tour[(j + 1) % n]
                deltas.append(self.distances[a, c] + self.distances[b, d] - self.distances[a, b]
                              - self.distances[c, d])
        uphill = np.abs(np.array(deltas))
        uphill = uphill[uphill > 0]
        values = np.unique(self.distances[np.triu_indices(n, 1)])
        steps = np.diff(values)
        smallest = float(steps[steps > 0].min()) if np.any(steps > 0) else float(values.max() or 1.0)
        smallest = max(smallest, 1e-3 * float(values.mean() or 1.0))
        typical = float(np.median(uphill)) if uphill.size else 1.0
        hot = np.log(2.0) / typical
        cold = np.log(100.0 * n) / smallest
        return hot, max(cold, hot)

    def random_states(self, children):
        return np.stack([child.permutation(self.size).astype(np.int64) for child in children])

    def user_states(self, states, rows):
        spins = spin_states(self.model, states, rows)
        binary = ((spins + 1) // 2).reshape(rows, self.size, self.size)
        if np.any(binary.sum(axis=1) != 1) or np.any(binary.sum(axis=2) != 1):
            raise ValueError("initial states for permutation moves must be permutation matrices")
        # x[item, position] = 1  →  tour[position] = item
        return np.ascontiguousarray(np.argmax(binary, axis=1), dtype=np.int64)

    def run(self, betas, states, energies, best_states, best_energies, seeds, trace):
        kernels.anneal_tour_chunk(self.distances, betas, 0, betas.size, self.acceptance, self.reversal_share,
                                  self.model.n, states, energies, best_states, best_energies, seeds, trace)
        trace += self.energy_offset

    def polish(self, states, energies):
        kernels.polish_tours(self.distances, states, energies)

    def to_model_states(self, tours):
        rows = tours.shape[0]
        binary = np.zeros((rows, self.size, self.size), dtype=np.int8)
        for row in range(rows):
            binary[row, tours[row], np.arange(self.size)] = 1
        binary = binary.reshape(rows, -1)
        return binary if self.model.vartype is Vartype.BINARY else (2 * binary - 1).astype(np.int8)
