"""Memory checked before it is spent: what the machine has, what an instance, a model, a solver or an exact
method will take, and a refusal that says how much and why when it would not fit.

Every estimate is made from sizes alone (n, edge counts, Kronecker factors), before the arrays exist, and comes
back as an :class:`Estimate`: bytes at the peak and a short reason naming the biggest item. The constants below
are peaks measured with ``tracemalloc`` on this library's own encoders (numpy and scipy arrays; HiGHS's C++
memory is an allowance, not a measurement); tests/test_resources.py holds them within a factor of 2 of the
real allocations. A kind whose generic guess is wrong says so with the optional ``instance_bytes``,
``model_bytes`` and ``exact_bytes`` hooks of its :class:`~hopopt.kinds.ProblemKind`.

Examples
--------
>>> from hopopt.resources import check_fits, estimate_instance, format_bytes
>>> estimate = estimate_instance("tsp", 10)
>>> estimate.bytes < 2**20
True
>>> check_fits(estimate) is None
True
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass

from .errors import InputError

__all__ = ["Estimate", "available_memory", "memory_limit", "parse_memory", "format_bytes", "estimate_instance",
           "estimate_file", "estimate_model", "estimate_solver", "estimate_solve", "estimate_exact", "check_fits",
           "sparse_model", "dense_model", "structured_model", "random_graph_instance", "milp_estimate",
           "milp_builds_in_time", "SAFETY_FRACTION", "MILP_ENTRIES_PER_SECOND"]

#: share of the available memory a command may plan to use: the rest is for the interpreter, numba's
#: compiled kernels, the page cache and whatever else runs beside it
SAFETY_FRACTION = 0.9

# --- measured peaks (tracemalloc, this library's encoders; see the module docstring) -----------------------
# an encoder that builds W sparse (COO triplets, then CSR, then EnergyModel's checked copy and |W - Wᵀ|):
# 80 (independent set) to 152 (maxsat) bytes per stored non-zero at the peak, 104 for max-cut
SPARSE_BYTES_PER_NONZERO = 112
# a dense encoder: its W, EnergyModel's copy, W - Wᵀ and its absolute value: four n² float64 arrays
DENSE_BYTES_PER_ENTRY = 32
# a structured (Kronecker) encoder on an n×n grid of neurons: factors, their split halves, the diagonal,
# thresholds and metadata; measured 120 (tsp n = 500) and 133 (qap n = 100) bytes per neuron
STRUCTURED_BYTES_PER_VARIABLE = 136
# materialising structured W as CSR (KroneckerWeights.to_sparse: one Kronecker product per term, their sum,
# the diagonal cut) and the int64 copy the kernels read
STRUCTURED_CSR_BYTES_PER_NONZERO = 64
# a solver's set-up on a sparse W: the kernels' CSR copy (int64 column indices beside scipy's int32), the
# single-flip engine's arrays and the temporaries of its flip-cost lattice check: 41 (anneal) and 36 (temper)
# bytes per non-zero at the peak, with the model's CSR rebuilt (max-cut n = 1200, p = 0.3; 61 before the lattice
# check lost its per-entry row array)
SPARSE_CSR_BYTES_PER_NONZERO = 48
# descent and the bifurcation/amplitude integrators read int64 CSR copies only: 10.0 MB (descent) for 1.1
# million non-zeros (max-cut n = 1500, p = 0.5), 7.6 MB (dsb, bsb, cac) for 0.45 million (n = 3000, p = 0.05)
DESCENT_CSR_BYTES_PER_NONZERO = 16
# solvers that integrate continuous trajectories (simulated bifurcation, chaotic amplitude control, the
# Hopfield–Tank network): positions, momenta or errors, fields and spins per trajectory
_TRAJECTORY_SOLVERS = ("dsb", "bsb", "cac", "tank", "bifurcation", "amplitude")
# a dense W turned into CSR first: scipy's nonzero() index pairs and its int32 CSR, then the same set-up
DENSE_CSR_BYTES_PER_NONZERO = 96
# a G(n, p) graph drawn by hopopt.problems._graphs.gnp_edges (numpy, in blocks of 2^22 pairs) and kept by the
# encoder: fitted to peaks of 73 (max-cut n = 2000, p = 0.5 and n = 3000, p = 0.9), 106 (n = 4000, p = 0.05),
# 112 (mis, colouring) and 136 (bisection, n = 1000, p = 0.5) bytes per edge
GRAPH_BYTES_PER_EDGE = 96
GRAPH_BYTES_PER_PAIR_DRAWN = 4
GRAPH_PAIRS_PER_BLOCK = 1 << 22
GRAPH_BYTES_PER_NODE = 64
# HiGHS on the max-cut formulation (a pair variable and four rows of three non-zeros per coupled pair, plus
# presolve's copies and the branch-and-bound tree): its C++ memory escapes tracemalloc, so this is the growth
# of peak RSS between max-cut n = 150 and n = 300 (p = 0.5, 8 s limits): 94 MB for 16,800 more pairs, about
# 470 bytes per constraint non-zero (the tree keeps growing with the time limit)
MILP_BYTES_PER_NONZERO = 512

#: constraint entries scipy builds and HiGHS reads per second, counted low: scipy prepares the rows holding the
#: GIL and HiGHS does not look at the clock while it reads them (bisection of G(1500, 0.5), 2.2e6 entries, ended
#: 0.3 s late at 5e6 a second), so a MILP that cannot be read in the time left is not started at all
MILP_ENTRIES_PER_SECOND = 2e6


@dataclass(frozen=True)
class Estimate:
    """What something will take at its peak, and why.

    Attributes
    ----------
    bytes : int
        Peak bytes.
    reason : str
        The biggest item, in words ("the TSP encoding's weights: …").
    n_variables : int or None
        Variables of the energy model, where known.
    nnz : int or None
        Non-zeros of W once stored as CSR (what single-flip solvers read), where known.
    storage : str or None
        How the encoder keeps W: "sparse", "dense" or "structured" (Kronecker factors); None when unknown.

    Examples
    --------
    >>> from hopopt.resources import Estimate
    >>> total = Estimate(100, "the model") + Estimate(300, "the solver's states")
    >>> total.bytes, total.reason
    (400, "the solver's states")
    """

    bytes: int
    reason: str
    n_variables: int | None = None
    nnz: int | None = None
    storage: str | None = None

    def __add__(self, other: "Estimate") -> "Estimate":
        bigger = other if other.bytes > self.bytes else self
        return Estimate(int(self.bytes) + int(other.bytes), bigger.reason,
                        self.n_variables if self.n_variables is not None else other.n_variables,
                        self.nnz if self.nnz is not None else other.nnz,
                        self.storage if self.storage is not None else other.storage)


# ------------------------------------------------------------------ what the machine has
def _read_number(path):
    """The integer in a one-line file, None when it is absent, unreadable or says "max" (no limit)."""
    try:
        with open(path, encoding="ascii") as handle:
            text = handle.read().strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def _meminfo_available():
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    parts = line.split()
                    return int(parts[1]) * (1024 if len(parts) > 2 and parts[2].lower() == "kb" else 1)
    except (OSError, ValueError, IndexError, UnicodeDecodeError):
        return None
    return None


def _cgroup_available():
    """Room left under the cgroup's memory limit (v2, else v1), None when there is no limit."""
    limit = _read_number("/sys/fs/cgroup/memory.max")
    used = _read_number("/sys/fs/cgroup/memory.current")
    if limit is None:
        limit = _read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes")
        used = _read_number("/sys/fs/cgroup/memory/memory.usage_in_bytes")
        # v1 says "no limit" with a huge number (2^63 rounded down to a page)
        if limit is not None and limit >= 2**60:
            limit = None
    if limit is None:
        return None
    return max(limit - (used or 0), 0)


def _sysconf_available():
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def _available_with_source():
    sources = [(_meminfo_available(), "MemAvailable"), (_cgroup_available(), "the cgroup's memory limit")]
    known = [(value, name) for value, name in sources if value is not None]
    if not known:
        fallback = _sysconf_available()
        # nothing readable at all: say so with a size no estimate is refused against
        return (fallback, "free physical pages") if fallback else (2**62, "unknown (not checked)")
    return min(known)


def available_memory() -> int:
    """Bytes this process may still allocate: the smaller of MemAvailable and the cgroup's room; never raises.

    Examples
    --------
    >>> from hopopt.resources import available_memory
    >>> available_memory() > 0
    True
    """
    try:
        return int(_available_with_source()[0])
    except Exception:  # noqa: BLE001 - a probe of the machine must never stop a command
        return 2**62


def memory_limit(max_memory=None) -> tuple[int, str]:
    """The bytes a command may plan to use and where that figure comes from.

    Parameters
    ----------
    max_memory : int, str or None
        A user's ``--max-memory`` (bytes or a size such as "4G"); None means :data:`SAFETY_FRACTION` of
        :func:`available_memory`.

    Examples
    --------
    >>> from hopopt.resources import memory_limit
    >>> memory_limit("2G")
    (2147483648, 'the --max-memory limit')
    """
    if max_memory is not None:
        return parse_memory(max_memory), "the --max-memory limit"
    try:
        available, source = _available_with_source()
    except Exception:  # noqa: BLE001 - see available_memory
        available, source = 2**62, "unknown (not checked)"
    return int(available * SAFETY_FRACTION), f"{SAFETY_FRACTION:.0%} of {source}"


# ------------------------------------------------------------------ sizes in words
_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40, "p": 2**50}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*([kmgtp]?)(i?b?)\s*$", re.IGNORECASE)


def parse_memory(text) -> int:
    """Bytes in a size such as "4G", "512M", "1.5GiB" or "1000000" (units are powers of 1024).

    Parameters
    ----------
    text : str, int or float
        A size with an optional unit K, M, G, T or P (also ``KiB``, ``GB``, ...), or a number of bytes.

    Returns
    -------
    int
        The size in bytes (at least 1).

    Raises
    ------
    ValueError
        For anything else (negative, zero, NaN, an unknown unit), with the accepted forms.

    Examples
    --------
    >>> from hopopt.resources import parse_memory
    >>> parse_memory("4G"), parse_memory("1.5GiB"), parse_memory("1000000")
    (4294967296, 1610612736, 1000000)
    """
    if isinstance(text, bool):
        raise ValueError(f"memory size must be a number of bytes or a size such as 4G, got {text!r}")
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
        if not math.isfinite(value) or value < 1:
            raise ValueError(f"memory size must be at least 1 byte, got {text!r}")
        return int(value)
    match = _SIZE.match(str(text))
    if match is None or (match.group(3) and match.group(3).lower() == "i"):
        raise ValueError(f"memory size must be a number of bytes or a number with K, M, G, T or P (powers of "
                         f"1024; KiB, 4GB and 4GiB also work), got {text!r}")
    value = float(match.group(1)) * _UNITS[match.group(2).lower()]
    if value < 1:
        raise ValueError(f"memory size must be at least 1 byte, got {text!r}")
    return int(value)


def format_bytes(count) -> str:
    """A byte count in words: "512 B", "11.2 GiB".

    Parameters
    ----------
    count : int or float
        A number of bytes.

    Returns
    -------
    str
        Whole bytes below 1 KiB; else the number in the largest unit (KiB ... PiB) that keeps it below 1024,
        with one decimal (exponent form from 10 000 PiB).

    Examples
    --------
    >>> from hopopt.resources import format_bytes
    >>> format_bytes(512), format_bytes(12 * 2**30 + 2**28)
    ('512 B', '12.2 GiB')
    """
    count = float(count)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(count) < 1024 or unit == "PiB":
            if unit == "B":
                return f"{int(count)} B"
            return f"{count:.1f} {unit}" if count < 10_000 else f"{count:.1e} {unit}"
        count /= 1024.0
    raise AssertionError("unreachable")


def _count(value) -> str:
    """A count in words: exact with separators below 10⁷, else in scientific notation."""
    value = float(value)
    return f"{int(value):,}" if value < 1e7 else f"{value:.1e}"


# ------------------------------------------------------------------ building blocks for the kinds' hooks
def sparse_model(n_variables, nnz, what="the energy model", bytes_per_nonzero=SPARSE_BYTES_PER_NONZERO) -> Estimate:
    """An encoder that builds W sparse with ``nnz`` stored non-zeros (both triangles), at
    ``bytes_per_nonzero`` at its peak (encoders that hand over an upper triangle build W more cheaply).

    Parameters
    ----------
    n_variables : int
    nnz : int
        Stored non-zeros of W, both triangles.
    what : str
        What the estimate's ``reason`` calls it.
    bytes_per_nonzero : int
        Peak bytes per non-zero while the encoder builds W.

    Returns
    -------
    Estimate

    Examples
    --------
    >>> from hopopt.resources import sparse_model
    >>> sparse_model(1000, 20000).storage
    'sparse'
    """
    nnz = int(nnz)
    return Estimate(int(bytes_per_nonzero) * nnz + 64 * int(n_variables),
                    f"{what}: {_count(n_variables)} variables with {_count(nnz)} non-zeros", int(n_variables),
                    nnz, "sparse")


def dense_model(n_variables, what="the energy model's dense weights", bytes_per_entry=DENSE_BYTES_PER_ENTRY
                ) -> Estimate:
    """An encoder that builds W as a dense ``n × n`` float64 array.

    Parameters
    ----------
    n_variables : int
    what : str
        What the estimate's ``reason`` calls it.
    bytes_per_entry : int
        Peak bytes per entry of W while the encoder builds it (the array and its temporaries).

    Returns
    -------
    Estimate

    Examples
    --------
    >>> from hopopt.resources import dense_model
    >>> dense_model(1000).bytes
    32000000
    """
    n = int(n_variables)
    return Estimate(bytes_per_entry * n * n, f"{what}: {_count(n)} variables, {_count(n * n)} float64 entries", n,
                    n * n, "dense")


def structured_model(n_variables, nnz, what="the energy model's Kronecker factors") -> Estimate:
    """An encoder that keeps W as Kronecker factors (O(n_variables) memory) with ``nnz`` entries when
    materialised.

    Parameters
    ----------
    n_variables : int
    nnz : int
        Non-zeros of W if it were materialised.
    what : str
        What the estimate's ``reason`` calls it.

    Returns
    -------
    Estimate

    Examples
    --------
    >>> from hopopt.resources import structured_model
    >>> structured_model(100, 4000).bytes
    13600
    """
    n = int(n_variables)
    return Estimate(STRUCTURED_BYTES_PER_VARIABLE * n,
                    f"{what}: {_count(n)} variables (about {_count(nnz)} non-zeros if materialised)", n, int(nnz),
                    "structured")


def random_graph_instance(n, p, what="the random graph") -> Estimate:
    """A G(n, p) graph drawn as an edge list (:func:`hopopt.problems._graphs.gnp_edges`) and kept by an encoder.

    Parameters
    ----------
    n : int
        Nodes.
    p : float
        Edge probability.
    what : str
        What the estimate's ``reason`` calls it.

    Returns
    -------
    Estimate

    Examples
    --------
    >>> from hopopt.resources import random_graph_instance
    >>> random_graph_instance(2000, 0.5).reason
    'the random graph: 2,000 nodes, about 999,500 edges'
    """
    pairs = float(n) * (float(n) - 1) / 2.0
    edges = float(p) * pairs
    drawn = GRAPH_BYTES_PER_PAIR_DRAWN * min(pairs, GRAPH_PAIRS_PER_BLOCK)
    return Estimate(int(GRAPH_BYTES_PER_EDGE * edges + drawn + GRAPH_BYTES_PER_NODE * float(n)),
                    f"{what}: {_count(n)} nodes, about {_count(edges)} edges")


def milp_estimate(pairs, what="the MILP (HiGHS)") -> Estimate:
    """scipy's HiGHS on a max-cut style formulation with ``pairs`` coupled pairs (four rows of three non-zeros
    each).

    Parameters
    ----------
    pairs : int
        Coupled pairs (non-zeros of the upper triangle).
    what : str
        What the estimate's ``reason`` calls it.

    Returns
    -------
    Estimate

    Examples
    --------
    >>> from hopopt.resources import milp_estimate
    >>> milp_estimate(1000).bytes
    6144000
    """
    nonzeros = 12 * int(pairs)
    return Estimate(MILP_BYTES_PER_NONZERO * nonzeros,
                    f"{what}: {_count(pairs)} pair variables, {_count(nonzeros)} constraint non-zeros")


def milp_builds_in_time(entries, seconds) -> bool:
    """Whether a MILP with ``entries`` constraint non-zeros can be built and read in ``seconds`` (None: no limit).

    Parameters
    ----------
    entries : int
        Non-zeros of the constraint matrix.
    seconds : float or None
        The time left; None for no limit.

    Returns
    -------
    bool

    Examples
    --------
    >>> from hopopt.resources import milp_builds_in_time
    >>> milp_builds_in_time(10**6, 2.0), milp_builds_in_time(10**8, 2.0), milp_builds_in_time(10**8, None)
    (True, False, True)
    """
    return seconds is None or not math.isfinite(seconds) or entries <= MILP_ENTRIES_PER_SECOND * seconds


# ------------------------------------------------------------------ estimates
def _kind(name_or_problem):
    from .kinds import get_kind, kind_of

    return get_kind(name_or_problem) if isinstance(name_or_problem, str) else kind_of(name_or_problem)


def estimate_instance(kind_name, n, options=None) -> Estimate:
    """What generating ``random:n=…`` for a kind will take, before it is generated.

    Kinds without an ``instance_bytes`` hook get an estimate of nothing: their model estimate guards them.

    Parameters
    ----------
    kind_name : str
    n : int
        The ``n`` of the random spec.
    options : mapping, optional
        The spec's other options (the kind's ``random_options``).

    Returns
    -------
    Estimate

    Examples
    --------
    >>> from hopopt.resources import estimate_instance
    >>> estimate_instance("maxcut", 2000, {"p": 0.5}).reason
    'the random graph: 2,000 nodes, about 999,500 edges'
    """
    kind = _kind(kind_name)
    merged = {**dict(kind.random_options), **dict(options or {})}
    if kind.instance_bytes is not None:
        return kind.instance_bytes(int(n), merged)
    return Estimate(0, f"no estimate for random {kind.name} instances")


# a reader's peak per byte of text: 12–22 for Gset, DIMACS, QAPLIB and explicit TSPLIB files (tracemalloc,
# catalogue files after the first of each format, whose peak includes imports)
READER_BYTES_PER_FILE_BYTE = 32
# a TSPLIB file with coordinates declares n and is read into an n×n distance matrix (berlin52: 60 n² bytes)
READER_BYTES_PER_MATRIX_ENTRY = 64
_DIMENSION = re.compile(rb"^\s*DIMENSION\s*:?\s*(\d+)", re.IGNORECASE | re.MULTILINE)
_FIRST_INTEGER = re.compile(rb"^\s*(\d+)")
_PROBLEM_LINE = re.compile(rb"^p\s+\w+\s+(\d+)\s+(\d+)", re.MULTILINE)


def _declared_sizes(path, file_format):
    """What the file's header declares, read from its first 64 KiB: (nodes or dimension, entries) or None."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(1 << 16)
    except OSError:
        return None
    if file_format == "tsplib":
        found = _DIMENSION.search(head)
        return (int(found.group(1)), int(found.group(1)) ** 2) if found else None
    if file_format == "qaplib":
        found = _FIRST_INTEGER.match(head)
        return (int(found.group(1)), 2 * int(found.group(1)) ** 2) if found else None
    found = _PROBLEM_LINE.search(head)  # DIMACS and cnf problem lines: p edge N M, p cnf N M
    return (int(found.group(1)), int(found.group(2))) if found else None


def estimate_file(kind_name, path) -> Estimate:
    r"""What reading an instance file will take, before it is read: its size bounds the text a reader parses,
    and a header that declares a size (TSPLIB's DIMENSION, QAPLIB's n, a DIMACS problem line) bounds the
    arrays it is read into. Unreadable paths give an estimate of nothing (the reader then says what is wrong).

    Parameters
    ----------
    kind_name : str
        The kind whose reader will parse the file.
    path : str or os.PathLike

    Returns
    -------
    Estimate

    Examples
    --------
    >>> import os, tempfile
    >>> from hopopt.resources import estimate_file
    >>> path = os.path.join(tempfile.mkdtemp(), "big.tsp")
    >>> with open(path, "w") as handle:
    ...     _ = handle.write("NAME: big\nTYPE: TSP\nDIMENSION: 200000\nEDGE_WEIGHT_TYPE: EUC_2D\n")
    >>> estimate_file("tsp", path).reason
    'the 200,000×200,000 matrix big.tsp declares'
    """
    name = os.path.basename(str(path))
    try:
        size = os.path.getsize(path)
    except OSError:
        return Estimate(0, f"{name} could not be sized")
    estimate = Estimate(READER_BYTES_PER_FILE_BYTE * size, f"reading {name}: {format_bytes(size)} of text")
    declared = _declared_sizes(path, _kind(kind_name).file_format)
    if declared is not None:
        nodes, entries = declared
        if _kind(kind_name).file_format in ("tsplib", "qaplib"):
            matrix = Estimate(READER_BYTES_PER_MATRIX_ENTRY * entries,
                              f"the {nodes:,}×{nodes:,} matrix {name} declares")
        else:
            matrix = Estimate(64 * nodes + 48 * entries, f"the {_count(nodes)} nodes and {_count(entries)} "
                              f"edges or clauses {name} declares")
        if matrix.bytes > estimate.bytes:
            estimate = matrix
    return estimate


def estimate_model(problem) -> Estimate:
    """What ``problem.to_model()`` will take at its peak, before it is called.

    The kind's ``model_bytes`` hook answers where it has one; otherwise a dense float64 W over
    ``problem.n_variables`` (what the dense encoders build).

    Parameters
    ----------
    problem : object
        An instance of a registered problem kind.

    Returns
    -------
    Estimate
        Peak bytes, and what they are for.

    Examples
    --------
    >>> from hopopt.problems import NumberPartitioning
    >>> from hopopt.resources import estimate_model
    >>> estimate_model(NumberPartitioning([3, 1, 2])).bytes
    288
    """
    kind = _kind(problem)
    if kind.model_bytes is not None:
        return kind.model_bytes(problem)
    return dense_model(problem.n_variables, f"the {kind.name} encoding's dense weights")


def estimate_solver(solver_name, n, nnz, restarts=None, replicas=None, trajectories=None, storage="sparse",
                    moves="auto", what="W") -> Estimate:
    """What a solver's own state will take on a model with ``n`` variables and ``nnz`` non-zeros.

    Parameters
    ----------
    solver_name : str
        ``anneal``, ``descent``, ``temper``, ``tank``, ``penalty``, ``dsb``/``bsb`` (simulated bifurcation) or
        ``cac`` (chaotic amplitude control); any other name is treated as a single-flip solver.
    n, nnz : int
        Variables and stored non-zeros of W.
    restarts, replicas, trajectories : int, optional
        Independent runs, tempering replicas per ladder, bifurcation trajectories; defaults as the solvers'.
    storage : {"sparse", "dense", "structured"}
        How the model keeps W: the kernels' CSR copy costs differently (structured W is materialised).
    moves : str
        ``anneal``'s move set; permutation moves on structured W read the factors, not a CSR copy.
    what : str
        W's name in the reason ("the TSP encoding's weights").

    Examples
    --------
    >>> from hopopt.resources import estimate_solver
    >>> estimate_solver("anneal", 1000, 10000, restarts=2).bytes < 2**20
    True
    """
    n, nnz = int(n), int(nnz)
    if restarts is None:
        try:
            import numba

            restarts = int(numba.config.NUMBA_NUM_THREADS)
        except Exception:  # noqa: BLE001 - numba missing or misconfigured: a typical core count
            restarts = os.cpu_count() or 8
    restarts = max(int(restarts), 1)
    per_nonzero = {"dense": DENSE_CSR_BYTES_PER_NONZERO,
                   "structured": STRUCTURED_CSR_BYTES_PER_NONZERO}.get(storage, SPARSE_CSR_BYTES_PER_NONZERO)
    if solver_name in ("descent", "dsb", "bsb", "cac") and storage == "sparse":
        per_nonzero = DESCENT_CSR_BYTES_PER_NONZERO  # the int64 index copies only: no flip-cost lattice check
    on_factors = storage == "structured" and solver_name == "anneal" and moves in (
        "auto", "permutation", "constraint-preserving")
    csr = Estimate(0 if on_factors else per_nonzero * nnz + 16 * (n + 1),
                   f"the kernels' copy of {what} ({_count(nnz)} non-zeros, CSR)")
    if solver_name == "temper":
        replicas = replicas if replicas is not None else 48  # the ladder's largest default
        copies = restarts * 2 * int(replicas)  # two ladders with cluster moves on sparse models
        state = Estimate(copies * n * 18, f"tempering's replicas: {copies} states of {_count(n)} variables")
    elif solver_name in _TRAJECTORY_SOLVERS:
        paths = int(trajectories) if trajectories is not None else restarts
        # bifurcation keeps a dense copy of W (with the field row) when it is dense enough and small enough
        size = n + 1
        # (the Hopfield–Tank network multiplies by the model's own W: no copy)
        dense = 8 * size * size if (solver_name != "tank" and nnz >= 0.25 * size * size
                                    and 8 * size * size <= 512 * 2**20) else 0
        state = Estimate(paths * n * 48 + dense, f"{solver_name}'s trajectories: {paths} × {_count(n)} variables"
                         + (" and a dense copy of W" if dense else ""))
    else:
        state = Estimate(restarts * n * 20, f"{solver_name}'s states: {restarts} × {_count(n)} variables")
    return csr + state


def estimate_solve(problem, solver_name, *, restarts=None, moves="auto") -> Estimate:
    """The model and a solver's state together: what :func:`hopopt.solve` will take, before it starts.

    Parameters
    ----------
    problem : object
        An instance of a registered kind's encoder (:func:`hopopt.kinds.kind_of`).
    solver_name : str
        As in :func:`estimate_solver`.
    restarts : int, optional
        Independent runs; default the solver's.
    moves : str
        The move set (``auto``, ``one-hot``, ...), for the annealer's tables.

    Returns
    -------
    Estimate

    Examples
    --------
    >>> from hopopt.problems import TSP
    >>> from hopopt.resources import estimate_solve
    >>> estimate_solve(TSP.random(10, rng=0), "anneal").bytes < 2**20
    True
    """
    model = estimate_model(problem)
    n = model.n_variables if model.n_variables is not None else int(problem.n_variables)
    nnz = model.nnz if model.nnz is not None else n * n
    return model + estimate_solver(solver_name, n, nnz, restarts=restarts, storage=model.storage or "dense",
                                   moves=moves, what=model.reason.split(":")[0])


def estimate_exact(problem, time_limit=None) -> Estimate:
    """What the kind's exact method will take: the kind's ``exact_bytes`` hook, else the energy model and the
    max-cut MILP over its coupled pairs (brute force up to 30 variables needs nothing to speak of).

    Parameters
    ----------
    problem : object
        An instance of a registered problem kind.
    time_limit : float, optional
        The exact method's time limit: a max-cut MILP too large to be built within it
        (:func:`milp_builds_in_time`) is never built, so it takes no memory (the incumbent anneal still runs);
        kinds' hooks skip what cannot start in it the same way (the QAP branch and bound's tables).

    Returns
    -------
    Estimate
        Peak bytes, and what they are for.

    Examples
    --------
    >>> from hopopt.problems import MaxCut
    >>> from hopopt.resources import estimate_exact
    >>> estimate_exact(MaxCut.random(200, 0.5, rng=0)).reason.startswith("the MILP")
    True
    """
    kind = _kind(problem)
    if kind.exact_bytes is not None:
        return kind.exact_bytes(problem, time_limit)
    model = estimate_model(problem)
    n = model.n_variables if model.n_variables is not None else int(problem.n_variables)
    if n <= 30:
        return model + Estimate(8 * n * n, "brute force over 2^n states")
    nnz = model.nnz if model.nnz is not None else n * n
    # the incumbent anneal (4 restarts) runs on the model too
    incumbent = estimate_solver("anneal", n, nnz, restarts=4, storage=model.storage or "dense")
    pairs = nnz // 2 + n
    # the edge formulation's six constraint entries per pair (hopopt.solvers.exact.milp)
    if not milp_builds_in_time(6 * pairs, time_limit):
        return model + incumbent + Estimate(0, f"no MILP: its {_count(6 * pairs)} constraint entries would not "
                                               f"be built in {time_limit:g} s")
    return model + milp_estimate(pairs) + incumbent


def check_fits(estimate, max_memory=None, what=None):
    """Refuse, with one line that says how much, why and the limit, an estimate that will not fit.

    Parameters
    ----------
    estimate : Estimate
    max_memory : int, str or None
        The user's ``--max-memory``; default :data:`SAFETY_FRACTION` of :func:`available_memory`.
    what : str, optional
        What the estimate is for, to start the message ("tsp random:n=1000,seed=1").

    Raises
    ------
    hopopt.errors.InputError
        When ``estimate.bytes`` is above the limit.

    Examples
    --------
    >>> from hopopt.resources import Estimate, check_fits
    >>> try:
    ...     check_fits(Estimate(2**40, "the weights"), max_memory="1G", what="tsp random:n=9")
    ... except ValueError as error:
    ...     print(str(error).split(";")[0])
    tsp random:n=9 would need about 1.0 TiB (the weights) but the --max-memory limit is 1.0 GiB
    """
    limit, source = memory_limit(max_memory)
    if estimate.bytes <= limit:
        return None
    subject = what or "this run"
    if max_memory is not None:
        room, advice = f"the --max-memory limit is {format_bytes(limit)}", "a larger --max-memory"
    else:
        room, advice = f"{format_bytes(limit)} is available ({source})", "--max-memory"
    raise InputError(f"{subject} would need about {format_bytes(estimate.bytes)} ({estimate.reason}) but {room}; "
                     f"use a smaller instance or {advice}")
