"""Determinism and numerical invariants of every solver (issue 12 item 6).

For each solver, heuristic and exact: the same rng gives the same result on one numba thread and on two
(every returned array and number, not only the best energy), an int seed and ``np.random.default_rng`` of it
give the same result (SPEC 7), two calls with equal seeds agree, and the energies (or objectives) it returns
equal those recomputed from the states (or solutions) it returns, exactly, since every instance here has
integer data. Runs are sized in sweeps, never in seconds: a time limit makes the work, and so the result,
depend on the clock.

Solvers of energy models are run directly with their own ``n_threads`` argument and an explicit number of
restarts (their default restart count follows ``n_threads``, which would change the result by design);
solvers without that argument run inside :func:`hopopt.solvers._common.numba_threads`.
"""

from __future__ import annotations

import networkx as nx
import numba
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import hopopt
from hopopt import QAP, TSP, EnergyModel, GraphColoring, Knapsack, MaxCut
from hopopt.api import MODEL_SOLVERS
from hopopt.solvers import (amplitude_control, anneal, bifurcate, brute_force, descend_restarts, exact_coloring,
                            held_karp, milp, synchronous, tank, temper, tsp_milp)
from hopopt.solvers._common import numba_threads
from hopopt.solvers.coloring_temper import temper_coloring
from hopopt.solvers.exact_qap import qap_cost, qap_exact
from hopopt.workflows.coloring import fewest_colors

pytestmark = pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="numba has a single thread here")

# small examples keep the file near its time budget; every example still runs each solver three times
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# every solver of hopopt.api.MODEL_SOLVERS, sized in sweeps: run(model, rng, threads, restarts) -> SolveResult;
# the number of restarts varies because the annealer groups up to 8 restarts per thread (hopopt.solvers.moves)
# and the grouping must change the speed only
RUNS = {
    "anneal": lambda model, rng, threads, restarts: anneal(model, n_sweeps=20, n_restarts=restarts, rng=rng,
                                                           n_threads=threads),
    "temper": lambda model, rng, threads, restarts: temper(model, n_sweeps=20, n_restarts=restarts, rng=rng,
                                                           n_threads=threads),
    "dsb": lambda model, rng, threads, restarts: bifurcate(model, variant="discrete", n_trajectories=restarts,
                                                           n_steps=40, rng=rng, n_threads=threads),
    "bsb": lambda model, rng, threads, restarts: bifurcate(model, variant="ballistic", n_trajectories=restarts,
                                                           n_steps=40, rng=rng, n_threads=threads),
    "cac": lambda model, rng, threads, restarts: amplitude_control(model, n_trajectories=restarts, n_steps=40,
                                                                   rng=rng, n_threads=threads),
}


def _descent(model, rng, threads, restarts):
    with numba_threads(threads):
        return descend_restarts(model, n_restarts=restarts, rng=rng)


def _tank(model, rng, threads, restarts):
    # max_steps, not the default time limit of hopopt.solve's tank: the clock must not decide where it stops
    with numba_threads(threads):
        return tank(model, n_starts=restarts, max_steps=3000, rng=rng)


RUNS.update(descent=_descent, tank=_tank)


def integer_model(seed, n, binary, thresholds, sparse, density):
    """A model with integer couplings in -3..3 (about ``density`` of the pairs non-zero), integer thresholds
    and offset, dense or scipy.sparse."""
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.integers(-3, 4, size=(n, n)) * (rng.random((n, n)) < density), 1).astype(np.float64)
    weights = upper + upper.T
    theta = rng.integers(-2, 3, size=n).astype(np.float64) if thresholds else None
    return EnergyModel(sp.csr_array(weights) if sparse else weights, theta, offset=float(rng.integers(-5, 6)),
                       vartype="binary" if binary else "spin")


def model_strategy(largest):
    return st.builds(integer_model, seed=st.integers(0, 2**32 - 1), n=st.integers(2, largest),
                     binary=st.booleans(), thresholds=st.booleans(), sparse=st.booleans(),
                     density=st.sampled_from([0.1, 0.3, 1.0]))


# heuristics: up to 40 variables; exact methods (2^n states for brute force): up to 12
models, small_models = model_strategy(40), model_strategy(12)


def assert_same_result(first, second):
    """Every outcome of two SolveResults is equal: states, energies, best, sweeps, status."""
    np.testing.assert_array_equal(first.best_state, second.best_state)
    assert first.best_energy == second.best_energy
    np.testing.assert_array_equal(first.states, second.states)
    np.testing.assert_array_equal(first.energies, second.energies)
    assert first.sweeps_done == second.sweeps_done
    assert first.status == second.status


def assert_energies_recomputed(model, result):
    """Returned energies are the model's energies of the returned states, to the last bit (integer data)."""
    np.testing.assert_array_equal(result.energies, model.energies(result.states))
    assert result.best_energy == model.energy(result.best_state)
    assert result.best_energy == result.energies.min()


def _one_and_two_threads(call):
    with numba_threads(1):
        one = call()
    with numba_threads(2):
        two = call()
    return one, two


def assert_same_answer(first, second):
    """Two hopopt.solve answers (Solution) are equal in every outcome."""
    np.testing.assert_array_equal(first.solution, second.solution)
    assert (first.objective, first.energy, first.feasible) == (second.objective, second.energy, second.feasible)
    if first.result is not None:
        assert_same_result(first.result, second.result)


def test_every_model_solver_is_covered():
    # a solver added to MODEL_SOLVERS must get a sweep-sized run here, or this fails
    assert set(RUNS) == set(MODEL_SOLVERS)


@pytest.mark.parametrize("name", sorted(MODEL_SOLVERS))
@SETTINGS
@given(model=models, seed=st.integers(0, 2**32 - 1), restarts=st.integers(1, 10))
def test_model_solvers_same_rng_same_result_on_one_and_two_threads(warm, name, model, seed, restarts):
    run = RUNS[name]
    one = run(model, seed, 1, restarts)
    assert len(one.states) == restarts
    assert_energies_recomputed(model, one)
    assert_same_result(one, run(model, seed, 2, restarts))
    # SPEC 7: a Generator seeded with s is the same rng as the int s
    assert_same_result(one, run(model, np.random.default_rng(seed), 1, restarts))


@pytest.mark.parametrize("name", sorted(MODEL_SOLVERS))
def test_model_solvers_differ_with_the_seed(warm, name):
    # the determinism above must not come from ignoring the rng
    model = integer_model(5, 60, binary=False, thresholds=True, sparse=False, density=0.5)
    first, second = RUNS[name](model, 1, 2, 4), RUNS[name](model, 2, 2, 4)
    assert not np.array_equal(first.states, second.states)


@pytest.mark.parametrize("name", sorted(MODEL_SOLVERS))
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 25))
def test_solve_with_default_restarts_same_rng_same_answer(warm, name, seed, n):
    # the path users take: hopopt.solve with no thread or restart count; the default restarts follow the
    # machine's threads (numba.config.NUMBA_NUM_THREADS), not the threads a caller lets numba use
    problem = MaxCut.random(n, 0.4, rng=seed)
    one, two = _one_and_two_threads(lambda: hopopt.solve(problem, name, sweeps=30, rng=seed))
    assert_same_answer(one, two)
    # SPEC 7: equal seeds, and a Generator of the seed, give the same answer
    assert_same_answer(one, hopopt.solve(problem, name, sweeps=30, rng=np.random.default_rng(seed)))
    assert_same_answer(one, hopopt.solve(problem, name, sweeps=30, rng=seed))
    assert one.energy == problem.to_model().energy(one.result.best_state)
    assert one.objective == problem.evaluate(one.solution).objective


# ---- solvers outside MODEL_SOLVERS ---------------------------------------------------------------------------


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 8))
def test_penalty_loop_same_rng_same_result(warm, seed, n):
    problem = Knapsack.random(n, rng=seed, data_range=20)
    one, two = _one_and_two_threads(lambda: hopopt.solve(problem, "penalty", sweeps=30, restarts=3, rng=seed))
    assert_same_answer(one, two)
    with numba_threads(1):
        assert_same_answer(one, hopopt.solve(problem, "penalty", sweeps=30, restarts=3,
                                             rng=np.random.default_rng(seed)))
    # energies are those of the model with the penalty the loop ended with
    model = problem.to_model(one.result.info["penalty"])
    assert_energies_recomputed(model, one.result)
    assert problem.evaluate(one.solution).objective == one.objective


def _coloring(seed, n, colors):
    return GraphColoring.random(n, 0.4, rng=seed, colors=colors)


def _integer_tsp(seed, n):
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.integers(1, 30, size=(n, n)), 1)
    return TSP((upper + upper.T).astype(np.float64))


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 15), colors=st.integers(2, 4), restarts=st.integers(1, 10))
def test_one_hot_anneal_same_rng_same_result(warm, seed, n, colors, restarts):
    _check_anneal_moves(_coloring(seed, n, colors).to_model(), "one-hot", restarts, seed)


def _check_anneal_moves(model, moves, restarts, seed):
    """anneal with ``moves``: recomputed energies, and the same result on 1 and 2 threads and from a Generator."""
    def run(rng, threads):
        return anneal(model, moves=moves, n_sweeps=20, n_restarts=restarts, rng=rng, n_threads=threads)

    one = run(seed, 1)
    assert one.info["moves"] == moves
    assert_energies_recomputed(model, one)
    assert_same_result(one, run(seed, 2))
    assert_same_result(one, run(np.random.default_rng(seed), 1))


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 8), qap=st.booleans(), restarts=st.integers(1, 10))
def test_permutation_anneal_same_rng_same_result(warm, seed, n, qap, restarts):
    problem = QAP.random(n, rng=seed) if qap else _integer_tsp(seed, n)
    _check_anneal_moves(problem.to_model(), "permutation", restarts, seed)


@SETTINGS
@given(model=models, seed=st.integers(0, 2**32 - 1))
def test_synchronous_descent_same_rng_same_result(model, seed):
    one, two = _one_and_two_threads(lambda: synchronous(model, rng=seed))
    assert_same_result(one, two)
    assert_same_result(one, synchronous(model, rng=np.random.default_rng(seed)))
    np.testing.assert_array_equal(one.energies, model.energies(one.states))
    # states holds the last state only; the best is the lowest of every state visited (the trace, whose first
    # entry is the start), which a 2-cycle or a rising step can leave below the last one
    np.testing.assert_array_equal(one.trace, model.energies(np.array(one.info["history"])))
    assert one.best_energy == model.energy(one.best_state) == one.trace.min()


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 30), colors=st.integers(2, 4), exchange=st.booleans(),
       ladders=st.integers(1, 5))
def test_coloring_chains_same_rng_same_result(warm, seed, n, colors, exchange, ladders):
    model = _coloring(seed, n, colors).to_model()

    def run(rng, threads):
        return temper_coloring(model, n_sweeps=30, n_ladders=ladders, exchange=exchange, rng=rng,
                               n_threads=threads)

    one = run(seed, 1)
    assert_energies_recomputed(model, one)
    assert_same_result(one, run(seed, 2))
    assert_same_result(one, run(np.random.default_rng(seed), 1))
    np.testing.assert_array_equal(one.info["ladder_sweeps"], run(seed, 2).info["ladder_sweeps"])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 40))
@example(seed=4, n=40)  # one colouring at one thread, another at two (restarts followed numba.get_num_threads())
def test_fewest_colors_same_rng_same_result(warm, seed, n):
    # up to 40 nodes: below about 15 DSATUR is nearly always optimal and the search never runs
    problem = GraphColoring.random(n, 0.3, rng=seed, colors=1)

    def run(rng):
        coloring, k, history = fewest_colors(problem, time_limit=None, sweeps=30, rng=rng)
        return coloring, k, [(entry_k, found) for entry_k, found, _seconds in history]

    with numba_threads(1):
        one = run(seed)
        generator = run(np.random.default_rng(seed))
    with numba_threads(2):
        two = run(seed)
    for other in (two, generator):
        np.testing.assert_array_equal(one[0], other[0])
        assert one[1:] == other[1:]
    coloring, k, _ = one
    assert problem.conflicts(coloring) == 0 and int(coloring.max()) + 1 == k


# ---- exact methods: deterministic, and the objective is the one recomputed from the answer ------------------


@SETTINGS
@given(model=small_models)
def test_brute_force_and_milp_are_deterministic_and_consistent(warm, model):
    first, second = _one_and_two_threads(lambda: brute_force(model))
    assert_same_result(first, second)
    assert_energies_recomputed(model, first)
    assert first.optimal and first.bound == first.best_energy
    proved = milp(model)
    assert proved.best_energy == model.energy(proved.best_state)
    assert proved.best_energy == first.best_energy
    again = milp(model)
    np.testing.assert_array_equal(again.best_state, proved.best_state)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 9))
def test_tsp_exact_methods_are_deterministic_and_consistent(warm, seed, n):
    problem = _integer_tsp(seed, n)
    distances = problem.distances
    first, second = _one_and_two_threads(lambda: held_karp(distances))
    np.testing.assert_array_equal(first.solution, second.solution)
    assert first.objective == second.objective == problem.tour_length(first.solution)
    assert first.optimal
    by_milp = tsp_milp(distances)
    np.testing.assert_array_equal(by_milp.solution, tsp_milp(distances).solution)
    assert by_milp.objective == problem.tour_length(by_milp.solution) == first.objective


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 7))
def test_qap_exact_is_deterministic_and_consistent(warm, seed, n):
    problem = QAP.random(n, rng=seed)
    first, second = _one_and_two_threads(lambda: qap_exact(problem.flow, problem.distance))
    np.testing.assert_array_equal(first.solution, second.solution)
    assert first.objective == second.objective == qap_cost(problem.flow, problem.distance, first.solution)
    assert first.objective == problem.cost(first.solution)
    assert first.optimal


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 12), p=st.sampled_from([0.2, 0.5, 0.8]))
def test_exact_coloring_is_deterministic_and_consistent(seed, n, p):
    graph = nx.gnp_random_graph(n, p, seed=seed)
    edges = np.array(graph.edges, dtype=np.int64).reshape(-1, 2)
    first, second = _one_and_two_threads(lambda: exact_coloring(n, edges))
    np.testing.assert_array_equal(first.solution, second.solution)
    coloring = np.asarray(first.solution)
    assert first.objective == second.objective == len(np.unique(coloring))
    assert all(coloring[u] != coloring[v] for u, v in edges)
    assert first.optimal and first.bound == first.objective
