"""The integer (lattice) single-flip kernel: when it is taken, that it makes exactly the decisions of the
real-arithmetic kernel, that grouping restarts into lanes changes nothing, and that its bookkeeping is exact."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hopopt import EnergyModel, MaxCut
from hopopt.solvers import anneal, moves
from hopopt.solvers.moves import SingleFlipEngine, lattice_arrays, restart_groups

TWO_THREADS = pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="numba has a single thread here")


def _pair(weight, threshold=0.0):
    return EnergyModel([[0, weight], [weight, 0]], [threshold, 0.0])


def _random_lattice_model(seed, n, unit, density=0.6, vartype="spin"):
    """Couplings and thresholds that are whole multiples of ``unit`` (-3..3 units)."""
    rng = np.random.default_rng(seed)
    upper = np.triu(np.where(rng.random((n, n)) < density, rng.integers(-3, 4, (n, n)), 0), 1) * unit
    return EnergyModel(upper + upper.T, rng.integers(-3, 4, n) * unit, float(rng.integers(-5, 6)), vartype)


def _same_runs(first, second):
    return (np.array_equal(first.states, second.states) and np.array_equal(first.energies, second.energies)
            and np.allclose(first.trace, second.trace, rtol=0, atol=1e-9))


# ---------------------------------------------------------------------------------------------- which path
@pytest.mark.parametrize("model, unit", [
    (MaxCut(3, [(0, 1), (1, 2)]).to_model(), 0.5),  # spin form of a ±1 graph: W = -w/2
    (_pair(1.5, 0.5), 0.5),  # multiples of 0.5
    (_pair(0.3, 0.7), 0.1),  # multiples of 0.1 (not exact in binary floating point)
    (_pair(40000.0, 1.0), 1.0),  # beyond int16, inside the table cap: int32 weights
])
def test_lattice_path_taken_for_models_on_a_lattice(model, unit):
    engine = SingleFlipEngine(model, 0)
    assert engine.arithmetic == "integer"
    found_unit, weights, thresholds, size = engine.lattice
    assert found_unit == pytest.approx(unit)
    assert weights.dtype == np.int32 and thresholds.dtype == np.int64
    spin = model.to_spin()
    np.testing.assert_allclose(weights * found_unit, spin.csr()[2], rtol=1e-12)
    np.testing.assert_allclose(thresholds * found_unit, spin.thresholds, rtol=1e-12, atol=1e-12)
    assert size == int(np.max(np.abs(spin.dense_weights()).sum(axis=1) / found_unit
                              + np.abs(spin.thresholds) / found_unit) + 0.5)
    assert anneal(model, n_sweeps=5, n_restarts=2, rng=0).info["arithmetic"] == "integer"


@pytest.mark.parametrize("model", [
    _pair(np.sqrt(2.0), 1.0),  # no common unit
    _pair(1.0e6, 1.0),  # a unit exists, but 10⁶ units exceed the acceptance-table cap (2¹⁶)
    EnergyModel([[0, 0], [0, 0]]),  # nothing to scale
])
def test_real_arithmetic_path_otherwise(model):
    assert SingleFlipEngine(model, 0).arithmetic == "float"
    assert lattice_arrays(model.to_spin()) is None
    assert anneal(model, n_sweeps=5, n_restarts=2, rng=0).info["arithmetic"] == "float"


# ---------------------------------------------------------------------------------------------- same decisions
@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 24), unit=st.sampled_from([1.0, 0.5, 2.0, 0.25]),
       acceptance=st.sampled_from(["metropolis", "glauber"]), restarts=st.sampled_from([1, 2, 3, 9, 17]),
       vartype=st.sampled_from(["spin", "binary"]))
def test_lattice_kernel_makes_the_decisions_of_the_real_kernel(seed, n, unit, acceptance, restarts, vartype):
    """Integer thresholds against raw random bits take exactly the decisions of uniform < exp(...)."""
    model = _random_lattice_model(seed, n, unit, vartype=vartype)
    kwargs = dict(n_sweeps=40, n_restarts=restarts, acceptance=acceptance, polish=False, rng=seed)
    lattice = anneal(model, **kwargs)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(moves, "lattice_arrays", lambda spin: None)
        real = anneal(model, **kwargs)
    assert real.info["arithmetic"] == "float"
    assert _same_runs(lattice, real)


@pytest.mark.parametrize("arithmetic", ["integer", "float"])
@pytest.mark.parametrize("acceptance", ["metropolis", "glauber"])
def test_lanes_change_nothing(acceptance, arithmetic):
    """Restarts grouped in blocks of lanes give the results each restart gives alone (both kernels)."""
    problem = MaxCut.random(90, 0.08, rng=4)
    if arithmetic == "float":  # weights with no common unit
        problem = MaxCut(problem.n, problem.edges, np.random.default_rng(1).uniform(0.5, 1.5, len(problem.edges)))
    model = problem.to_model()
    kwargs = dict(n_sweeps=120, n_restarts=11, acceptance=acceptance, polish=False, rng=8)
    assert restart_groups(11, threads=1).tolist() == [0, 6, 11]
    grouped = anneal(model, n_threads=1, **kwargs)
    assert grouped.info["arithmetic"] == arithmetic
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(moves, "restart_groups", lambda restarts: np.arange(restarts + 1, dtype=np.int64))
        alone = anneal(model, n_threads=1, **kwargs)
    assert _same_runs(grouped, alone)
    # a restart depends only on its own rng child, not on its lane or its block's size
    fewer = anneal(model, n_threads=1, **dict(kwargs, n_restarts=3))
    assert np.array_equal(fewer.states, grouped.states[:3])


@TWO_THREADS
@pytest.mark.parametrize("degree", [3, 20], ids=["branch-free", "branching"])
def test_same_rng_same_result_on_one_or_two_threads(degree):
    model = MaxCut.random(120, degree / 119, rng=degree).to_model()
    for restarts in (2, 5, 20):
        one = anneal(model, n_sweeps=80, n_restarts=restarts, n_threads=1, rng=restarts)
        two = anneal(model, n_sweeps=80, n_restarts=restarts, n_threads=2, rng=restarts)
        assert _same_runs(one, two)


def test_restart_groups_fill_threads_evenly():
    for threads in (1, 2, 3, 4):
        for restarts in range(1, 70):
            groups = restart_groups(restarts, threads=threads)
            sizes = np.diff(groups)
            assert groups[0] == 0 and groups[-1] == restarts and np.all(sizes >= 1)
            assert sizes.max() <= 8  # LATTICE_LANES
            if sizes.max() > 1:  # blocks: a multiple of the thread count, sizes within one of each other
                assert len(sizes) % threads == 0 and sizes.max() - sizes.min() <= 1


# ---------------------------------------------------------------------------------------------- exact bookkeeping
@pytest.mark.parametrize("restarts", [1, 4])
@pytest.mark.parametrize("unit", [1.0, 0.5])
def test_kernel_energies_and_trace_equal_recomputed_energies(restarts, unit):
    """The int64 energy the kernel carries is exact: equal to E recomputed from the final states."""
    model = _random_lattice_model(77, 30, unit, density=0.4)
    engine = SingleFlipEngine(model, 0)
    assert engine.arithmetic == "integer"
    generator = np.random.default_rng(1)
    children = generator.spawn(restarts)
    states = np.ascontiguousarray(engine.random_states(children))
    seeds = np.arange(restarts, dtype=np.uint64) + np.uint64(3)
    betas = np.geomspace(0.05, 3.0, 50)
    energies, best, best_energies = np.empty(restarts), states.copy(), np.full(restarts, np.inf)
    trace = np.empty((restarts, betas.size))
    engine.run(betas, states, energies, best, best_energies, seeds, trace)
    recomputed = model.energies(engine.to_model_states(states))
    assert np.array_equal(energies, recomputed)
    assert np.array_equal(trace[:, -1], recomputed)
    assert np.array_equal(best_energies, model.energies(engine.to_model_states(best)))
    assert np.array_equal(best_energies, trace.min(axis=1))


@pytest.mark.parametrize("acceptance", ["metropolis", "glauber"])
def test_lanes_sample_boltzmann_at_fixed_beta(acceptance):
    """Every lane of a block samples exp(-βE) (a 2-spin model whose energies tell its states apart)."""
    model = EnergyModel([[0, 1.0], [1.0, 0]], [0.5, -0.25])
    assert SingleFlipEngine(model, 0).arithmetic == "integer"
    states = np.array([[a, b] for a in (-1, 1) for b in (-1, 1)])
    energies = model.energies(states)
    beta = 0.8
    probabilities = np.exp(-beta * energies) / np.exp(-beta * energies).sum()
    result = anneal(model, schedule=np.full(40000, beta), n_restarts=8, n_threads=1, acceptance=acceptance,
                    polish=False, rng=5)
    assert restart_groups(8, threads=1).tolist() == [0, 8]
    # every lane's own trace (the result keeps the best restart's; the kernel run is repeated per lane)
    engine = SingleFlipEngine(model, 0 if acceptance == "metropolis" else 1)
    children = np.random.default_rng(5).spawn(8)
    # the annealer's order: each child's kernel seed first, then its random start
    seeds = np.array([child.integers(0, 2**63, dtype=np.int64) for child in children], dtype=np.uint64)
    start = np.ascontiguousarray(engine.random_states(children))
    trace = np.empty((8, 40000))
    engine.run(np.full(40000, beta), start, np.empty(8), start.copy(), np.full(8, np.inf), seeds, trace)
    assert np.array_equal(trace[int(np.argmin(result.energies))], result.trace)
    visited = trace[:, 500:]
    frequencies = np.array([np.mean(np.isclose(visited, energy)) for energy in energies])
    assert np.allclose(frequencies, probabilities, atol=0.006), (frequencies, probabilities)


def test_time_limit_held_with_lanes():
    """Blocks of lanes run in the same ~0.1 s chunks: a run needing far longer stops at the limit."""
    import time

    from hopopt import Status

    model = MaxCut.random(1500, 0.01, rng=3).to_model()
    assert restart_groups(16, threads=1).tolist() == [0, 8, 16]
    tic = time.perf_counter()
    capped = anneal(model, n_sweeps=10**7, n_restarts=16, time_limit=0.5, rng=0)
    elapsed = time.perf_counter() - tic
    assert capped.status == Status.TIME_LIMIT and capped.info["arithmetic"] == "integer"
    assert elapsed < 1.0  # the limit plus 0.5 s
    assert 0 < capped.sweeps_done < 10**7
    assert np.array_equal(capped.energies, model.energies(capped.states))
