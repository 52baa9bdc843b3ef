"""Tempering of k-colourings (temper_coloring and its kernel): the bookkeeping of conflict-directed moves checked
against recomputation after every move, one colour per node always, energies recomputed from the model, known
chromatic numbers reached by the fewest-colours search, determinism over threads and call splits, time limit,
and the model structures it must refuse."""

from __future__ import annotations

import pathlib
import time

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hopopt import EnergyModel, Vartype
from hopopt.io import read_dimacs
from hopopt.problems.coloring import GraphColoring
from hopopt.result import Status
from hopopt.solvers import _kernels_coloring as kernels
from hopopt.solvers.coloring_temper import coloring_structure, temper_coloring
from hopopt.workflows.coloring import fewest_colors

SHARED = pathlib.Path(__file__).resolve().parents[2] / "shared" / "instances" / "dimacs"


def adjacency(problem):
    return problem._neighbour_offsets, problem._neighbour_indices


@st.composite
def graphs(draw, max_n=12):
    n = draw(st.integers(2, max_n))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda e: e[0] != e[1])
    return n, draw(st.lists(pairs, min_size=1, max_size=3 * n))


# ---------------------------------------------------------------------------------------------- kernel
@given(graph=graphs(), k=st.integers(2, 5), beta=st.sampled_from([0.3, 1.0, 3.0]), seed=st.integers(0, 2**62))
@settings(deadline=None, max_examples=60)
def test_conflict_moves_keep_counts_list_and_energy_exact_after_every_move(graph, k, beta, seed):
    problem = GraphColoring(*graph, colors=k)
    offsets, neighbours = adjacency(problem)
    colours = np.random.default_rng(seed).integers(0, k, problem.n).astype(np.int64)
    errors, changed = kernels.audit_moves(offsets, neighbours, k, beta, 300, colours, np.uint64(seed))
    assert errors == 0
    # one colour per node, in range: the state stays a one-hot assignment of the model
    assert colours.min() >= 0 and colours.max() < k
    model = problem.to_model()
    assert model.energy(problem.one_hot(colours)) == problem.conflicts(colours)


def test_moves_only_recolour_conflicting_nodes():
    """A node without conflict is never recoloured: on a path 0-1-2 coloured (0, 0, 1), only 0 or 1 may move."""
    problem = GraphColoring(4, [(0, 1), (1, 2), (2, 3)], colors=3)
    offsets, neighbours = adjacency(problem)
    for seed in range(50):
        colours = np.array([0, 0, 1, 0], dtype=np.int64)
        kernels.audit_moves(offsets, neighbours, 3, 0.5, 1, colours, np.uint64(seed))
        assert colours[2] == 1 and colours[3] == 0


def test_kernel_calls_split_anywhere_give_the_same_ladders():
    problem = GraphColoring.from_networkx(nx.gnp_random_graph(40, 0.3, seed=2), colors=5)
    offsets, neighbours = adjacency(problem)
    betas = np.array([1.0, 2.0, 4.0])
    start = np.random.default_rng(0).integers(0, 5, (2, 1, problem.n)).repeat(3, axis=1).astype(np.int64)

    def run(pieces):
        states = start.copy()
        energies = np.zeros((2, 3), dtype=np.int64)
        best_states, best = states[:, 0].copy(), np.full(2, np.inf)
        done, seeds = np.zeros(2, dtype=np.int64), np.array([5, 9], dtype=np.uint64)
        swaps = np.zeros((2, 2), dtype=np.int64)
        for piece in pieces:
            kernels.temper_coloring_chunk(offsets, neighbours, 5, betas, True, piece, problem.n, states, energies,
                                          best_states, best, done, seeds, swaps, np.zeros((2, piece)))
        return states, energies, best_states, best, done, seeds, swaps

    whole, split = run([60]), run([1, 17, 2, 40])
    for left, right in zip(whole, split):
        np.testing.assert_array_equal(left, right)
    states, energies, best_states, best, done, _, swaps = whole
    for r in range(2):
        assert best[r] == problem.conflicts(best_states[r])
        for m in range(3):
            assert energies[r, m] == problem.conflicts(states[r, m])
    assert swaps.sum() > 0  # the rungs did exchange


# ---------------------------------------------------------------------------------------------- solver
def test_energies_are_recomputed_from_the_model_and_match_the_conflicts():
    problem = GraphColoring.from_networkx(nx.gnp_random_graph(60, 0.3, seed=1), colors=4)  # too few colours
    model = problem.to_model()
    result = temper_coloring(model, n_sweeps=50, n_ladders=3, rng=1)
    np.testing.assert_array_equal(result.energies, model.energies(result.states))
    for state, energy in zip(result.states, result.energies):
        assert np.all(problem.assignment(state).sum(axis=1) == 1)
        assert energy == problem.conflicts(problem.decode(state, repair=False))
    assert result.best_energy == result.energies.min() > 0
    assert result.status == Status.COMPLETED and result.info["conflicts"] == list(result.energies)


def test_spin_models_and_other_conflict_weights_work_too():
    problem = GraphColoring.from_networkx(nx.petersen_graph(), colors=3)
    binary = problem.to_model()
    # B = 2.5 and a spin model: the same colourings, energies in the model's own units
    scaled = EnergyModel(binary.weights * 2.5, binary.thresholds * 2.5, binary.offset * 2.5, Vartype.BINARY,
                         binary.metadata).to_spin()
    result = temper_coloring(scaled, n_sweeps=300, n_ladders=2, rng=3)
    assert result.info["conflict_weight"] == 2.5
    assert result.best_energy == pytest.approx(0.0, abs=1e-9)
    assert result.status == Status.TARGET_REACHED
    assert set(np.unique(result.states)) <= {-1, 1}
    np.testing.assert_allclose(result.energies, scaled.energies(result.states))


def test_same_seed_same_result_on_one_and_two_threads():
    problem = GraphColoring.from_networkx(nx.gnp_random_graph(70, 0.5, seed=4), colors=9)
    model = problem.to_model()
    one = temper_coloring(model, n_sweeps=150, n_ladders=3, rng=7, n_threads=1)
    two = temper_coloring(model, n_sweeps=150, n_ladders=3, rng=7, n_threads=2)
    np.testing.assert_array_equal(one.states, two.states)
    np.testing.assert_array_equal(one.trace, two.trace)
    assert one.info["ladder_sweeps"] == two.info["ladder_sweeps"]
    other = temper_coloring(model, n_sweeps=150, n_ladders=3, rng=8, n_threads=2)
    assert not np.array_equal(one.states, other.states)


def test_time_limit_is_held():
    # 600 nodes at 4 colours with p = 0.5: far from colourable, so the run only ends by the clock
    problem = GraphColoring.from_networkx(nx.gnp_random_graph(600, 0.5, seed=0), colors=4)
    model = problem.to_model()
    temper_coloring(model, n_sweeps=1, rng=0)  # one-off compilation and model conversions out of the timing
    tic = time.perf_counter()
    result = temper_coloring(model, time_limit=1.0, rng=0)
    seconds = time.perf_counter() - tic
    assert result.status == Status.TIME_LIMIT
    assert seconds <= 1.0 + 0.5 and result.time_s <= 1.0 + 0.1 + 0.5


def test_callback_can_stop_the_run():
    problem = GraphColoring.from_networkx(nx.gnp_random_graph(80, 0.5, seed=0), colors=3)
    seen = []

    def stop(intermediate):
        seen.append(intermediate.best_energy)
        raise StopIteration

    result = temper_coloring(problem.to_model(), n_sweeps=10_000, rng=0, callback=stop)
    assert result.status == Status.CALLBACK_STOP and len(seen) == 1 and result.sweeps_done < 10_000


def test_initial_states_are_used_and_checked():
    problem = GraphColoring(3, [(0, 1), (1, 2), (0, 2)], colors=3)
    model = problem.to_model()
    proper = problem.one_hot([2, 0, 1])
    result = temper_coloring(model, n_sweeps=5, n_ladders=2, initial_states=proper, rng=0)
    np.testing.assert_array_equal(result.best_state, proper)  # already proper: nothing moves
    assert result.best_energy == 0.0
    with pytest.raises(ValueError, match="one-hot"):
        temper_coloring(model, n_sweeps=5, n_ladders=1, initial_states=np.ones(9, dtype=np.int8))
    with pytest.raises(ValueError, match="shape"):
        temper_coloring(model, n_sweeps=5, n_ladders=2, initial_states=np.zeros((3, 9), dtype=np.int8))


def test_models_without_the_colouring_structure_are_refused():
    with pytest.raises(ValueError, match="onehot_groups"):
        coloring_structure(EnergyModel([[0, 1], [1, 0]]))
    base = GraphColoring(3, [(0, 1), (1, 2)], colors=2).to_model()
    weights = base.dense_weights().copy()
    weights[0, 3] = weights[3, 0] = -1.0  # node 0 colour 0 against node 1 colour 1: not a colouring coupling
    with pytest.raises(ValueError, match="equal colours"):
        coloring_structure(EnergyModel(weights, base.thresholds, base.offset, Vartype.BINARY, base.metadata))
    thresholds = base.thresholds.copy()
    thresholds[0] += 1.0
    with pytest.raises(ValueError, match="equal thresholds"):
        coloring_structure(EnergyModel(base.weights, thresholds, base.offset, Vartype.BINARY, base.metadata))
    with pytest.raises(ValueError, match="beta_range"):
        temper_coloring(base, beta_range=(2.0, 1.0))


# ---------------------------------------------------------------------------------------------- the search
def mycielski(order):
    """The Mycielski graph with chromatic number ``order`` (networkx numbers them by χ)."""
    return nx.mycielski_graph(order)


@pytest.mark.parametrize("graph, chromatic", [
    (nx.cycle_graph(9), 3),  # odd cycle
    (nx.complete_graph(7), 7),
    (nx.petersen_graph(), 3),
    (mycielski(4), 4),  # Grötzsch graph (myciel3): triangle-free, χ = 4 (the clique bound says 2)
    (mycielski(5), 5),  # myciel4
    (nx.cycle_graph(10), 2),
])
@pytest.mark.parametrize("moves", ["auto", "conflicts"])
def test_fewest_colors_reaches_the_chromatic_number_of_known_graphs(graph, chromatic, moves):
    for seed in range(3):
        coloring, k, history = fewest_colors(graph, time_limit=None, sweeps=300, rng=seed, moves=moves)
        problem = GraphColoring.from_networkx(graph, colors=k)
        assert k == chromatic and problem.evaluate(coloring).feasible
        assert problem.to_model().energy(problem.one_hot(coloring)) == 0.0  # the documented ground energy


def test_fewest_colors_is_reproducible_and_the_old_moves_remain():
    graph = nx.gnp_random_graph(50, 0.4, seed=3)
    first = fewest_colors(graph, time_limit=None, sweeps=200, rng=5)
    second = fewest_colors(graph, time_limit=None, sweeps=200, rng=5)
    np.testing.assert_array_equal(first[0], second[0])
    assert first[1] == second[1]
    annealed = fewest_colors(graph, time_limit=None, sweeps=200, rng=5, moves="one-hot")
    assert GraphColoring.from_networkx(graph, colors=annealed[1]).evaluate(annealed[0]).feasible
    with pytest.raises(ValueError, match="moves"):
        fewest_colors(graph, moves="kempe")


def test_fewest_colors_holds_its_time_limit_when_the_last_k_fails():
    graph = mycielski(6)  # χ = 6, clique bound 2: the search keeps trying 5 colours until the clock stops it
    fewest_colors(graph, time_limit=None, sweeps=1, rng=0)  # compilation out of the timing
    tic = time.perf_counter()
    coloring, k, history = fewest_colors(graph, time_limit=1.5, rng=0)
    assert time.perf_counter() - tic <= 1.5 + 0.5
    assert k == 6 and history[-1][:2] == (5, False)


@pytest.mark.skipif(not (SHARED / "le450_5a.col").exists(), reason="needs ../shared/instances")
def test_le450_5a_reaches_five_colours():
    problem = GraphColoring.from_edgelist(read_dimacs(SHARED / "le450_5a.col"), colors=1)
    coloring, k, history = fewest_colors(problem, time_limit=10, rng=0)
    assert k == 5 and problem.evaluate(coloring).feasible
