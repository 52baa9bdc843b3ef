"""Memory estimates against what is really allocated, and the refusal that uses them (hopopt.resources).

The oracle is tracemalloc's peak (numpy and scipy arrays are traced) around the real call: each estimate must
be within a factor of 2 of it, either way, so a wrong constant or a missed array fails here.
"""

import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pytest

from hopopt import resources
from hopopt.errors import InputError
from hopopt.instances import load_instance
from hopopt.kinds import KINDS, get_kind
from hopopt.problems import TSP, MaxCut
from hopopt.resources import (Estimate, available_memory, check_fits, estimate_instance, estimate_model,
                              estimate_solve, estimate_solver, format_bytes, parse_memory)

# catalogue instances come from the benchmark mirror beside the project; a checkout without it skips these
SHARED_INSTANCES = Path(__file__).resolve().parents[2] / "shared" / "instances"
needs_shared = pytest.mark.skipif(not SHARED_INSTANCES.is_dir(),
                                  reason=f"benchmark mirror {SHARED_INSTANCES} is absent")


def traced_peak(call):
    """Peak bytes traced while ``call()`` runs, and its result."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        result = call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, result


def assert_within_factor_two(estimate, measured):
    assert measured > 0
    ratio = estimate.bytes / measured
    assert 0.5 <= ratio <= 2.0, (f"estimated {format_bytes(estimate.bytes)} ({estimate.reason}), measured "
                                 f"{format_bytes(measured)}: ratio {ratio:.2f}")


def dense_random_maxcut(n, p, seed):
    """A G(n, p) max-cut drawn with numpy (the same model as random:n=…,p=… without networkx's seconds)."""
    rows, cols = np.triu_indices(n, k=1)
    keep = np.random.default_rng(seed).random(rows.size) < p
    return MaxCut(n, np.stack([rows[keep], cols[keep]], axis=1))


@pytest.fixture(scope="module")
def maxcut_2000():
    return dense_random_maxcut(2000, 0.5, seed=1)


# ------------------------------------------------------------------ estimates against allocations
def test_maxcut_model_estimate_matches_allocation(maxcut_2000):
    measured, model = traced_peak(maxcut_2000.to_model)
    estimate = estimate_model(maxcut_2000)
    assert_within_factor_two(estimate, measured)
    assert estimate.nnz == model.weights.nnz and estimate.storage == "sparse"


def test_maxcut_random_instance_estimate_matches_allocation():
    kind = get_kind("maxcut")
    measured, _ = traced_peak(lambda: kind.random(2000, 1, p=0.5))
    assert_within_factor_two(estimate_instance("maxcut", 2000, {"p": 0.5}), measured)


def test_anneal_state_estimate_matches_allocation(maxcut_2000):
    from hopopt.solvers import anneal

    model = maxcut_2000.to_model()
    anneal(model, n_sweeps=1, n_restarts=2, rng=0)  # compile and cache outside the measurement
    object.__getattribute__(model, "__dict__").pop("_csr", None)  # the kernels' CSR copy is part of the cost
    measured, _ = traced_peak(lambda: anneal(model, n_sweeps=1, n_restarts=2, rng=0))
    assert_within_factor_two(estimate_solver("anneal", model.n, model.weights.nnz, restarts=2), measured)


def test_tsp_model_and_materialised_weights_match_allocation():
    problem = TSP.random(30, rng=1)
    measured, model = traced_peak(problem.to_model)
    estimate = estimate_model(problem)
    assert_within_factor_two(estimate, measured)
    # the non-zeros a single-flip solver reads are an upper bound close to the materialised count
    materialised, (_, indices, _) = traced_peak(model.csr)
    assert indices.size <= estimate.nnz <= 1.1 * indices.size
    assert_within_factor_two(estimate_solver("descent", model.n, estimate.nnz, restarts=1, storage="structured"),
                             materialised)


@needs_shared
def test_qap_nug12_model_estimate_matches_allocation():
    problem, _ = load_instance("qap", "nug12")
    measured, model = traced_peak(problem.to_model)
    estimate = estimate_model(problem)
    assert_within_factor_two(estimate, measured)
    assert estimate.nnz >= model.weights.to_sparse().nnz


def test_knapsack_model_estimate_matches_allocation():
    problem = get_kind("knapsack").random(300, 1)
    measured, _ = traced_peak(problem.to_model)
    assert_within_factor_two(estimate_model(problem), measured)


def test_qubo_random_instance_estimate_matches_allocation():
    measured, problem = traced_peak(lambda: get_kind("qubo").random(800, 2, density=0.5))
    assert_within_factor_two(estimate_instance("qubo", 800, {"density": 0.5}), measured)
    # the model exists already: building it again costs nothing, and its non-zeros are reported
    assert estimate_model(problem).bytes == 0
    assert estimate_model(problem).nnz == problem.to_model().weights.nnz


def test_dense_fallback_matches_allocation():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # large integers: energies rounded, irrelevant here
        problem = get_kind("partition").random(1500, 1)
        measured, _ = traced_peak(problem.to_model)
    assert_within_factor_two(estimate_model(problem), measured)


# ------------------------------------------------------------------ shape of the estimates
@pytest.mark.parametrize("name", sorted(KINDS))
def test_instance_estimates_grow_with_n(name):
    sizes = [estimate_instance(name, n).bytes for n in (10, 100, 1000, 10000)]
    assert sizes == sorted(sizes)
    if KINDS[name].instance_bytes is not None:
        assert sizes[-1] > sizes[0]


@pytest.mark.parametrize("name", ["maxcut", "tsp", "qap", "knapsack", "mis", "coloring", "maxsat", "queens",
                                  "partition", "bisection", "qubo"])
def test_model_estimates_grow_with_n(name):
    kind = get_kind(name)
    smallest = max(kind.smallest_n, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        problems = [kind.random(n, 3) for n in (smallest, 2 * smallest, 4 * smallest)]
    sizes = [estimate_model(problem).bytes + estimate_solve(problem, "descent").bytes for problem in problems]
    assert sizes == sorted(sizes) and sizes[-1] > sizes[0]


def test_exact_estimates_name_the_method():
    assert "Held–Karp" in resources.estimate_exact(TSP.random(12, rng=0)).reason
    assert "MILP" in resources.estimate_exact(TSP.random(40, rng=0)).reason
    assert resources.estimate_exact(TSP.random(16, rng=0)).bytes > resources.estimate_exact(TSP.random(12, rng=0)).bytes
    assert "MILP" in resources.estimate_exact(dense_random_maxcut(200, 0.5, seed=0)).reason


# ------------------------------------------------------------------ refusing
def test_check_fits_refuses_tsp_1000_single_flip_and_accepts_10():
    big = TSP.random(1000, rng=1)
    with pytest.raises(InputError) as caught:
        check_fits(estimate_solve(big, "descent"), max_memory="64G", what="tsp random:n=1000,seed=1")
    message = str(caught.value)
    assert "\n" not in message and message.startswith("tsp random:n=1000,seed=1 would need about ")
    assert "TSP encoding" in message and "64.0 GiB" in message
    assert check_fits(estimate_solve(TSP.random(10, rng=1), "descent"), max_memory="64G") is None
    # the default anneal moves on the factors: the same instance fits in well under a gigabyte
    assert estimate_solve(big, "anneal").bytes < 2**30


def test_check_fits_uses_available_memory_by_default(monkeypatch):
    monkeypatch.setattr(resources, "_available_with_source", lambda: (10 * 2**30, "MemAvailable"))
    assert check_fits(Estimate(8 * 2**30, "the weights")) is None
    with pytest.raises(InputError, match=r"9.0 GiB is available \(90% of MemAvailable\); .*--max-memory"):
        check_fits(Estimate(int(9.5 * 2**30), "the weights"))


def test_huge_random_maxcut_is_refused_before_generating():
    with pytest.raises(InputError, match="random graph"):
        check_fits(estimate_instance("maxcut", 99999999999), what="maxcut random:n=99999999999")


# ------------------------------------------------------------------ sizes and the machine
@pytest.mark.parametrize("text, expected", [("4G", 4 * 2**30), ("512M", 512 * 2**20), ("1.5GiB", 3 * 2**29),
                                            ("1000000", 10**6), ("2 kb", 2048), ("7B", 7), (" 3t ", 3 * 2**40)])
def test_parse_memory_reads_sizes(text, expected):
    assert parse_memory(text) == expected


@pytest.mark.parametrize("count", [1, 1023, 2**20, 5 * 2**30 + 2**29, 3 * 2**40])
def test_parse_memory_round_trips_format_bytes(count):
    assert abs(parse_memory(format_bytes(count).replace(" ", "")) - count) <= 0.05 * count


@pytest.mark.parametrize("text", ["", "abc", "-1G", "0", "nan", "inf", "4X", "4 GG", "4Gi", "1e9", True, -5, 0.2])
def test_parse_memory_rejects_garbage(text):
    with pytest.raises(ValueError, match="memory size"):
        parse_memory(text)


def test_available_memory_is_positive_and_takes_the_smaller_limit(monkeypatch):
    assert available_memory() > 0
    monkeypatch.setattr(resources, "_meminfo_available", lambda: 8 * 2**30)
    monkeypatch.setattr(resources, "_cgroup_available", lambda: 2 * 2**30)
    assert available_memory() == 2 * 2**30
    monkeypatch.setattr(resources, "_cgroup_available", lambda: None)
    assert available_memory() == 8 * 2**30
    monkeypatch.setattr(resources, "_meminfo_available", lambda: None)
    assert available_memory() > 0  # the sysconf fallback


@pytest.mark.parametrize("solver", ["temper", "descent", "tank", "dsb", "cac"])
def test_other_solvers_state_estimates_match_allocation(solver):
    from hopopt.api import MODEL_SOLVERS

    model = dense_random_maxcut(1200, 0.3, seed=2).to_model()
    options = {"time_limit": 0.2, "rng": 0, "restarts": 2, "sweeps": None, "moves": "auto",
               "acceptance": "metropolis", "colors": None, "solver": solver}
    MODEL_SOLVERS[solver](model, options)  # compile outside the measurement
    object.__getattribute__(model, "__dict__").pop("_csr", None)
    measured, _ = traced_peak(lambda: MODEL_SOLVERS[solver](model, options))
    assert_within_factor_two(estimate_solver(solver, model.n, model.weights.nnz, restarts=2), measured)


@needs_shared
@pytest.mark.parametrize("kind_name, name", [("maxcut", "G11"), ("tsp", "berlin52"), ("coloring", "games120")])
def test_file_estimates_bound_what_the_readers_allocate(kind_name, name):
    from hopopt import datasets

    path = datasets.find_instance(name)
    kind = get_kind(kind_name)
    kind.read(path)  # the first read of a format imports its reader: not part of the reading
    measured, _ = traced_peak(lambda: kind.read(path))
    estimate = resources.estimate_file(kind_name, path)
    assert measured <= estimate.bytes <= 4 * measured, (estimate, measured)


def test_a_small_file_declaring_a_huge_matrix_is_refused(tmp_path):
    path = tmp_path / "huge.tsp"
    path.write_text("NAME: huge\nTYPE: TSP\nDIMENSION: 300000\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 0 0\n")
    with pytest.raises(InputError, match=r"300,000×300,000 matrix huge.tsp declares"):
        check_fits(resources.estimate_file("tsp", path), max_memory="64G", what=str(path))
    assert resources.estimate_file("tsp", tmp_path / "missing.tsp").bytes == 0


def test_knapsack_dynamic_programme_estimate_matches_allocation():
    kind = get_kind("knapsack")
    problem = kind.random(200, 4)
    estimate = resources.estimate_exact(problem)
    assert "dynamic programme" in estimate.reason
    measured, _ = traced_peak(lambda: kind.exact(problem, None))
    assert_within_factor_two(estimate, measured)


def test_colouring_model_estimate_matches_allocation_with_dsatur_colours():
    from hopopt.workflows.coloring import dsatur_coloring

    problem = get_kind("coloring").random(400, 1, p=0.3)
    estimate = estimate_model(problem)  # colours guessed before DSATUR runs
    settled = problem.with_colors(int(dsatur_coloring(problem).max()) + 1)
    measured, _ = traced_peak(settled.to_model)
    assert_within_factor_two(estimate, measured)
    assert_within_factor_two(estimate_model(settled), measured)
