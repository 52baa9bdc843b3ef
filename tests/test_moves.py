"""Constraint-preserving move sets: permutation moves (2-opt reversal, exchange) and one-hot reassignments.

Each kernel's bookkeeping is checked against the model itself: the ΔE a kernel computes for a move must equal
``model.energy(after) - model.energy(before)`` of the encoded states, and a move must never leave its
feasible set (permutations, one-hot groups). The numba helpers ``_reversal_cost``, ``_exchange_cost``,
``_reverse``, ``_reassign_cost`` and ``_reassign`` are called directly from Python (numba dispatch).
"""

from __future__ import annotations

import itertools

import numba
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hopopt import EnergyModel
from hopopt.problems import TSP
from hopopt.solvers import _kernels as kernels
from hopopt.solvers import anneal, brute_force
from hopopt.solvers.moves import OneHotEngine, make_engine

TWO_THREADS = pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="numba has a single thread here")
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------------------------------------- helpers
def tsp_model(seed, n, scale=1.0, kind="euclidean"):
    rng = np.random.default_rng(seed)
    if kind == "euclidean":
        points = rng.uniform(0, 100, size=(n, 2))
        distances = np.round(np.linalg.norm(points[:, None] - points[None], axis=2), 1)
    else:
        upper = np.triu(rng.integers(1, 40, size=(n, n)).astype(float), 1)
        distances = upper + upper.T
    problem = TSP(distances)
    return problem, problem.to_model(distance_scale=scale)


def kernel_distances(model):
    """The scaled distance matrix the permutation kernels read: the engine takes it from W's factors."""
    from hopopt.solvers.moves import permutation_engine

    return permutation_engine(model, 0).distances


def edge_set(tour):
    n = len(tour)
    return {frozenset((int(tour[k]), int(tour[(k + 1) % n]))) for k in range(n)}


def is_permutation(tour, n):
    return sorted(np.asarray(tour).tolist()) == list(range(n))


def is_permutation_matrix(states, n):
    matrices = np.asarray(states).reshape(-1, n, n) > 0
    return np.all(matrices.sum(axis=1) == 1, axis=1) & np.all(matrices.sum(axis=2) == 1, axis=1)


@st.composite
def tours_and_pairs(draw, min_n=3, max_n=12):
    """(seed, n, tour, i, j) with 0 ≤ i < j < n."""
    n = draw(st.integers(min_n, max_n))
    seed = draw(st.integers(0, 2**32 - 1))
    tour = np.array(draw(st.permutations(range(n))), dtype=np.int64)
    i, j = sorted(draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True)))
    return seed, n, tour, i, j


def onehot_model(seed, groups, k, vartype="binary", integer=False):
    """A random dense model on groups·k variables, declaring groups of k consecutive variables."""
    rng = np.random.default_rng(seed)
    n = groups * k
    upper = rng.integers(-3, 4, size=(n, n)).astype(float) if integer else rng.normal(size=(n, n))
    weights = np.triu(upper, 1)
    weights = weights + weights.T
    thresholds = rng.integers(-3, 4, size=n).astype(float) if integer else rng.normal(size=n)
    layout = np.arange(n).reshape(groups, k)
    permuted = rng.permutation(n)[layout]  # groups need not be consecutive
    return EnergyModel(weights, thresholds, float(rng.normal()), vartype, {"onehot_groups": permuted})


@st.composite
def onehot_models(draw):
    groups = draw(st.integers(1, 4))
    k = draw(st.integers(2, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    vartype = draw(st.sampled_from(["binary", "spin"]))
    integer = draw(st.booleans())
    return onehot_model(seed, groups, k, vartype, integer)


def random_onehot_binary(model, rng):
    groups = np.asarray(model.metadata["onehot_groups"])
    state = np.zeros(model.n, dtype=np.int8)
    state[groups[np.arange(len(groups)), rng.integers(0, groups.shape[1], len(groups))]] = 1
    return state


def in_model_vartype(model, binary):
    return binary if model.vartype.value == "binary" else (2 * binary - 1).astype(np.int8)


def groups_are_onehot(model, states):
    groups = np.asarray(model.metadata["onehot_groups"])
    binary = (np.asarray(states).reshape(-1, model.n) > 0).astype(int)
    return np.all(binary[:, groups].sum(axis=2) == 1, axis=1)


# ---------------------------------------------------------------------------------------------- 2-opt reversal
@FAST
@given(tours_and_pairs(), st.sampled_from([0.5, 1.0, 3.0]), st.sampled_from(["euclidean", "arbitrary"]))
def test_reversal_cost_is_the_energy_difference(case, scale, kind):
    """For every segment i..j other than the whole tour: _reversal_cost == E(after) - E(before) of the
    encoded permutation matrices, both for the literal reversal and for the kernel's _reverse (which walks
    the complementary arc when the segment is longer than n/2). _reverse keeps a permutation and gives the
    same cycle (edge set) as the literal reversal."""
    seed, n, tour, i, j = case
    if i == 0 and j == n - 1:
        return  # the whole tour: the kernels never propose it
    problem, model = tsp_model(seed, n, scale, kind)
    distances = kernel_distances(model)
    delta = kernels._reversal_cost(distances, tour, i, j)
    literal = tour.copy()
    literal[i:j + 1] = literal[i:j + 1][::-1]
    reversed_by_kernel = tour.copy()
    kernels._reverse(reversed_by_kernel, i, j)
    assert is_permutation(reversed_by_kernel, n)
    assert edge_set(reversed_by_kernel) == edge_set(literal)
    before = model.energy(problem.encode(tour))
    tolerance = 1e-9 * max(1.0, abs(before))
    assert delta == pytest.approx(model.energy(problem.encode(literal)) - before, abs=tolerance)
    assert delta == pytest.approx(model.energy(problem.encode(reversed_by_kernel)) - before, abs=tolerance)


@pytest.mark.parametrize("n", [3, 4, 5, 8, 9])
def test_reversal_every_segment_exhaustively(n):
    """All segments i < j (not the whole tour) of one tour, in particular those longer than n/2 that _reverse
    performs on the complement and those touching position 0 or n-1: ΔE and the cycle are right."""
    problem, model = tsp_model(n, n, 2.0, "arbitrary")
    distances = kernel_distances(model)
    tour = np.random.default_rng(n).permutation(n).astype(np.int64)
    before = model.energy(problem.encode(tour))
    for i in range(n):
        for j in range(i + 1, n):
            if i == 0 and j == n - 1:
                continue
            after = tour.copy()
            kernels._reverse(after, i, j)
            literal = tour.copy()
            literal[i:j + 1] = literal[i:j + 1][::-1]
            assert edge_set(after) == edge_set(literal), (i, j)
            expected = model.energy(problem.encode(after)) - before
            assert kernels._reversal_cost(distances, tour, i, j) == pytest.approx(expected, abs=1e-9), (i, j)


def test_reverse_long_segment_uses_the_complement():
    """Reversing positions 1..6 of a 8-city tour (length 6 > n/2) swaps the complementary arc 7, 0 instead:
    the resulting array differs from the literal reversal but is the same cycle."""
    tour = np.arange(8, dtype=np.int64)
    kernels._reverse(tour, 1, 6)
    assert tour.tolist() == [7, 1, 2, 3, 4, 5, 6, 0]
    literal = np.array([0, 6, 5, 4, 3, 2, 1, 7])
    assert edge_set(tour) == edge_set(literal)


# ---------------------------------------------------------------------------------------------- exchange
@FAST
@given(tours_and_pairs(), st.sampled_from([0.5, 1.0, 3.0]), st.sampled_from(["euclidean", "arbitrary"]))
def test_exchange_cost_is_the_energy_difference(case, scale, kind):
    """For every pair i < j (adjacent, cyclically adjacent i = 0, j = n-1, or apart): _exchange_cost ==
    E(after) - E(before) of the encoded states when the cities at i and j trade places."""
    seed, n, tour, i, j = case
    problem, model = tsp_model(seed, n, scale, kind)
    distances = kernel_distances(model)
    after = tour.copy()
    after[i], after[j] = tour[j], tour[i]
    assert is_permutation(after, n)
    before = model.energy(problem.encode(tour))
    expected = model.energy(problem.encode(after)) - before
    delta = kernels._exchange_cost(distances, tour, i, j)
    assert delta == pytest.approx(expected, abs=1e-9 * max(1.0, abs(before)))


@pytest.mark.parametrize("n", [3, 4, 5, 6, 9])
def test_exchange_every_pair_exhaustively(n):
    """All pairs of one tour, including (0, n-1) (cyclically adjacent), (k, k+1) and, for n = 4, the pairs
    whose neighbours coincide (0, 2) and (1, 3)."""
    problem, model = tsp_model(10 + n, n, 1.5, "arbitrary")
    distances = kernel_distances(model)
    tour = np.random.default_rng(n).permutation(n).astype(np.int64)
    before = model.energy(problem.encode(tour))
    for i in range(n):
        for j in range(i + 1, n):
            after = tour.copy()
            after[i], after[j] = tour[j], tour[i]
            expected = model.energy(problem.encode(after)) - before
            assert kernels._exchange_cost(distances, tour, i, j) == pytest.approx(expected, abs=1e-9), (i, j)


# ---------------------------------------------------------------------------------------------- tour kernels
def run_tour_chunk(distances, tours, betas, acceptance=kernels.METROPOLIS, reversal_share=0.8, proposals=None,
                   seed=0, neighbour_share=0.5):
    """Call the tour kernels the way TourEngine.run does: with candidate lists (each city's three nearest
    cities) when ``neighbour_share`` > 0, else the uniform kernel; returns (tours, lengths, best, trace)."""
    from hopopt.solvers.moves import _nearest_cities

    restarts, n = tours.shape
    neighbours = _nearest_cities(np.asarray(distances), min(3, n - 1))
    tours = np.ascontiguousarray(tours, dtype=np.int64).copy()
    lengths = np.empty(restarts)
    best_tours = tours.copy()
    best_lengths = np.full(restarts, np.inf)
    seeds = np.random.default_rng(seed).integers(0, 2**63, size=restarts, dtype=np.int64).astype(np.uint64)
    trace = np.empty((restarts, betas.size))
    betas = np.ascontiguousarray(betas, dtype=np.float64)
    proposals = n * n if proposals is None else proposals
    if neighbour_share > 0:
        kernels.anneal_tour_candidates_chunk(distances, neighbours, betas, 0, betas.size, acceptance,
                                             reversal_share, neighbour_share, proposals, tours, lengths,
                                             best_tours, best_lengths, seeds, trace)
    else:
        kernels.anneal_tour_chunk(distances, betas, 0, betas.size, acceptance, reversal_share, proposals, tours,
                                  lengths, best_tours, best_lengths, seeds, trace)
    return tours, lengths, best_tours, best_lengths, trace


def naive_lengths(distances, tours):
    return np.array([sum(distances[t[k], t[(k + 1) % len(t)]] for k in range(len(t))) for t in tours])


@pytest.mark.parametrize("acceptance", [kernels.METROPOLIS, kernels.GLAUBER])
@pytest.mark.parametrize("neighbour_share", [0.0, 0.5])
@pytest.mark.parametrize("reversal_share", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("n", [3, 4, 7, 15])
def test_tour_chunk_bookkeeping_at_infinite_temperature(n, reversal_share, acceptance, neighbour_share):
    """At β = 0 (Metropolis accepts every move, Glauber half of them) thousands of random reversals and
    exchanges are applied: tours stay permutations and the incrementally tracked lengths equal the lengths
    recomputed from scratch (so every ΔE used was right), as do the best lengths/tours and the trace."""
    _, model = tsp_model(n, n, 1.0, "arbitrary")
    distances = kernel_distances(model)
    starts = np.stack([np.random.default_rng(r).permutation(n) for r in range(4)])
    tours, lengths, best_tours, best_lengths, trace = run_tour_chunk(
        distances, starts, np.zeros(20), acceptance, reversal_share, proposals=200,
        neighbour_share=neighbour_share)
    for tour in tours:
        assert is_permutation(tour, n)
    np.testing.assert_allclose(lengths, naive_lengths(distances, tours), rtol=1e-9)
    np.testing.assert_allclose(best_lengths, naive_lengths(distances, best_tours), rtol=1e-9)
    np.testing.assert_allclose(trace[:, -1], lengths)
    np.testing.assert_allclose(best_lengths, trace.min(axis=1))


def test_tour_chunk_single_proposal_matches_recomputed_energy():
    """proposals = 1, one sweep at β = 0 (the move is always accepted): the new length minus the old one is
    the model's energy difference of the encoded tours (ΔE of exactly one kernel move)."""
    problem, model = tsp_model(5, 9, 2.0, "arbitrary")
    distances = kernel_distances(model)
    for seed in range(40):
        start = np.random.default_rng(seed).permutation(9)[None, :]
        tours, lengths, *_ = run_tour_chunk(distances, start, np.zeros(1), proposals=1, seed=seed)
        assert is_permutation(tours[0], 9)
        before = model.energy(problem.encode(start[0]))
        after = model.energy(problem.encode(tours[0]))
        assert lengths[0] - naive_lengths(distances, start)[0] == pytest.approx(after - before, abs=1e-9)


def test_tour_chunk_at_zero_temperature_never_goes_uphill():
    """With a huge β every accepted move has ΔE ≤ 0: the trace never increases."""
    _, model = tsp_model(1, 12, 1.0)
    distances = kernel_distances(model)
    starts = np.stack([np.random.default_rng(r).permutation(12) for r in range(3)])
    _, lengths, _, _, trace = run_tour_chunk(distances, starts, np.full(30, 1e9), proposals=50)
    assert np.all(np.diff(trace, axis=1) <= 1e-9)
    assert np.all(trace[:, 0] <= naive_lengths(distances, starts) + 1e-9)


@pytest.mark.parametrize("n", [3, 5, 10])
def test_polish_tours_ends_in_a_local_minimum(n):
    """polish_tours: the tours stay permutations, get no longer, the returned lengths are exact, and no
    reversal or exchange shortens the result any more."""
    _, model = tsp_model(n, n, 1.0, "arbitrary")
    distances = kernel_distances(model)
    starts = np.stack([np.random.default_rng(r).permutation(n) for r in range(4)]).astype(np.int64)
    tours, lengths = starts.copy(), np.empty(4)
    kernels.polish_tours(distances, tours, lengths)
    np.testing.assert_allclose(lengths, naive_lengths(distances, tours))
    assert np.all(lengths <= naive_lengths(distances, starts) + 1e-9)
    for tour in tours:
        assert is_permutation(tour, n)
        for i in range(n - 1):
            for j in range(i + 1, n):
                if not (i == 0 and j == n - 1):
                    assert kernels._reversal_cost(distances, tour, i, j) >= -1e-9
                assert kernels._exchange_cost(distances, tour, i, j) >= -1e-9


# ---------------------------------------------------------------------------------------------- one-hot
@FAST
@given(onehot_models(), st.integers(0, 2**32 - 1), st.data())
def test_reassign_cost_is_the_energy_difference(model, seed, data):
    """_reassign_cost (on the binary form, with the engine's group couplings) == E(after) - E(before) of the
    model in its own vartype, for moving a group's 1 from member old to member new; _reassign applies the
    move and updates the local fields to exactly W x of the new state."""
    engine = OneHotEngine(model, kernels.METROPOLIS)
    binary_model = model.to_binary()
    groups = engine.groups
    for g, members in enumerate(groups):  # the engine's dense in-group couplings are W restricted to the group
        np.testing.assert_allclose(engine.group_couplings[g], binary_model.dense_weights()[np.ix_(members, members)])
    state = random_onehot_binary(model, np.random.default_rng(seed))
    g = data.draw(st.integers(0, len(groups) - 1))
    old = int(np.flatnonzero(state[groups[g]])[0])
    new = data.draw(st.integers(0, groups.shape[1] - 1).filter(lambda member: member != old))
    fields = np.asarray(binary_model.weights @ state.astype(float), dtype=np.float64)
    thresholds = np.array(binary_model.thresholds)
    delta = kernels._reassign_cost(fields, thresholds, engine.group_couplings, groups, g, old, new)
    after = state.copy()
    after[groups[g, old]], after[groups[g, new]] = 0, 1
    before_energy = model.energy(in_model_vartype(model, state))
    expected = model.energy(in_model_vartype(model, after)) - before_energy
    assert delta == pytest.approx(expected, abs=1e-9 * max(1.0, abs(before_energy), abs(expected)))
    moved = state.copy()
    kernels._reassign(*binary_model.csr(), moved, fields, groups[g, old], groups[g, new])
    np.testing.assert_array_equal(moved, after)
    np.testing.assert_allclose(fields, binary_model.weights @ after.astype(float), atol=1e-9)


@pytest.mark.parametrize("acceptance", [kernels.METROPOLIS, kernels.GLAUBER])
def test_onehot_chunk_bookkeeping_at_infinite_temperature(acceptance):
    """anneal_onehot_chunk at β = 0: every visited state is one-hot, and the tracked energies (final and
    best) equal the model's energies of the final and best states."""
    model = onehot_model(7, 5, 4)
    engine = OneHotEngine(model, acceptance)
    restarts = 3
    children = np.random.default_rng(0).spawn(restarts)
    states = engine.random_states(children)
    energies = np.empty(restarts)
    best_states = states.copy()
    best_energies = np.full(restarts, np.inf)
    seeds = np.array([c.integers(0, 2**63, dtype=np.int64) for c in children], dtype=np.uint64)
    trace = np.empty((restarts, 25))
    engine.run(np.zeros(25), states, energies, best_states, best_energies, seeds, trace)
    assert groups_are_onehot(model, states).all() and groups_are_onehot(model, best_states).all()
    np.testing.assert_allclose(energies, model.energies(states), atol=1e-9)
    np.testing.assert_allclose(best_energies, model.energies(best_states), atol=1e-9)
    np.testing.assert_allclose(best_energies, trace.min(axis=1), atol=1e-12)


@pytest.mark.parametrize("vartype", ["binary", "spin"])
@pytest.mark.parametrize("groups, k", [(1, 5), (3, 3), (4, 2)])
def test_onehot_anneal_stays_in_the_onehot_set_and_finds_the_constrained_optimum(groups, k, vartype):
    """anneal(moves="one-hot"): every returned state and every intermediate best state (seen through the
    callback) has exactly one active variable per group; the callback's best_energy is that state's model
    energy; the returned energies are exact; and the best energy is the minimum over all one-hot states
    (enumerated: at most 5^1, 3^3, 2^4 of them)."""
    model = onehot_model(100 * groups + k, groups, k, vartype)
    seen = []

    def callback(intermediate):
        seen.append(intermediate)
        assert groups_are_onehot(model, intermediate.best_state).all()
        assert intermediate.best_energy == pytest.approx(model.energy(intermediate.best_state), abs=1e-9)

    result = anneal(model, moves="one-hot", n_sweeps=300, n_restarts=3, rng=1, callback=callback)
    assert result.info["moves"] == "one-hot" and seen
    assert groups_are_onehot(model, result.states).all()
    np.testing.assert_allclose(result.energies, model.energies(result.states), atol=1e-9)
    members = np.asarray(model.metadata["onehot_groups"])
    best = np.inf
    for choice in np.ndindex(*(k,) * groups):
        state = np.zeros(model.n, dtype=np.int8)
        state[members[np.arange(groups), list(choice)]] = 1
        best = min(best, model.energy(in_model_vartype(model, state)))
    assert result.best_energy == pytest.approx(best, abs=1e-9)


def test_onehot_moves_on_a_tsp_model_keep_every_city_in_one_position():
    """A TSP model declares its rows (each city in exactly one position) as one-hot groups: moves="one-hot"
    keeps every returned state's rows one-hot (columns may collide, the penalty handles those)."""
    problem, model = tsp_model(3, 6, 1.0)
    result = anneal(model, moves="one-hot", n_sweeps=200, n_restarts=2, rng=0)
    matrices = result.states.reshape(-1, 6, 6)
    assert np.all(matrices.sum(axis=2) == 1)
    np.testing.assert_allclose(result.energies, model.energies(result.states))


def test_polish_onehot_ends_in_a_reassignment_local_minimum():
    """polish_onehot: one-hot kept, exact energies, and no single reassignment lowers the energy."""
    model = onehot_model(3, 4, 3)
    engine = OneHotEngine(model, kernels.METROPOLIS)
    states = engine.random_states(np.random.default_rng(0).spawn(4))
    energies = np.empty(4)
    engine.polish(states, energies)
    assert groups_are_onehot(model, states).all()
    np.testing.assert_allclose(energies, model.energies(states), atol=1e-9)
    groups = engine.groups
    for state in states:
        for g, members in enumerate(groups):
            old = int(np.flatnonzero(state[members])[0])
            for new in range(groups.shape[1]):
                after = state.copy()
                after[members[old]], after[members[new]] = 0, 1
                assert model.energy(after) >= model.energy(state) - 1e-9


def test_onehot_moves_with_variables_outside_every_group():
    """Two groups {0,1}, {2,3} and a free variable 4 with θ_4 = -5 (it wants to be 1): one-hot moves could
    never move x_4, so "auto" falls back to single flips (and finds E = -5) and "one-hot" is refused."""
    model = EnergyModel(np.zeros((5, 5)), [0, 1, 0, 1, -5.0], 0.0, "binary",
                        {"onehot_groups": np.array([[0, 1], [2, 3]])})
    result = anneal(model, n_sweeps=100, n_restarts=2, rng=0)
    assert result.info["moves"] == "single-flip"
    assert result.best_energy == pytest.approx(-5.0)
    with pytest.raises(ValueError, match="cover every variable"):
        anneal(model, moves="one-hot", n_sweeps=10, rng=0)


# ---------------------------------------------------------------------------------------------- engine choice
def test_permutation_anneal_callback_sees_valid_tours():
    """Intermediate best states of the permutation engine are permutation matrices whose model energy is the
    reported best_energy (the engine adds its constant back), also for the spin form of the model."""
    problem, binary = tsp_model(4, 7, 0.5)
    for model in (binary, binary.to_spin()):
        seen = []

        def callback(intermediate):
            seen.append(intermediate.best_energy)
            assert is_permutation_matrix(intermediate.best_state, 7).all()
            assert intermediate.best_energy == pytest.approx(model.energy(intermediate.best_state))

        result = anneal(model, moves="permutation", n_sweeps=200, n_restarts=2, rng=3, callback=callback)
        assert seen and is_permutation_matrix(result.states, 7).all()
        tour = problem.decode(result.best_state, repair=False)
        assert result.best_energy == pytest.approx(0.5 * problem.tour_length(tour))


def test_permutation_initial_states_must_be_permutation_matrices():
    """initial_states for permutation moves: a permutation matrix is accepted (and never worsened); anything
    else is a ValueError."""
    problem, model = tsp_model(2, 5)
    start = problem.encode([4, 3, 2, 1, 0])
    result = anneal(model, moves="permutation", initial_states=start, n_sweeps=20, n_restarts=1, rng=0)
    assert result.best_energy <= model.energy(start) + 1e-9
    broken = start.copy()
    broken[0] = 1 - broken[0]
    with pytest.raises(ValueError, match="permutation matrices"):
        anneal(model, moves="permutation", initial_states=broken, n_sweeps=5, n_restarts=1)


def test_moves_validation():
    """Unknown names, and constraint-preserving/permutation/one-hot on a model that declares nothing, are
    ValueErrors; 'auto' falls back to single flips; 'constraint-preserving' picks what is declared."""
    plain = EnergyModel([[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    with pytest.raises(ValueError, match="moves must be one of"):
        anneal(plain, moves="two-opt", n_sweeps=5)
    with pytest.raises(ValueError, match="declares neither"):
        anneal(plain, moves="constraint-preserving", n_sweeps=5)
    with pytest.raises(ValueError, match="permutation"):
        anneal(plain, moves="permutation", n_sweeps=5)
    with pytest.raises(ValueError, match="onehot_groups"):
        anneal(plain, moves="one-hot", n_sweeps=5)
    assert anneal(plain, n_sweeps=5, n_restarts=1, rng=0).info["moves"] == "single-flip"
    _, tsp = tsp_model(0, 4)
    assert make_engine(tsp, "constraint-preserving", kernels.METROPOLIS).name == "permutation"
    grouped = onehot_model(0, 2, 3)
    assert make_engine(grouped, "constraint-preserving", kernels.METROPOLIS).name == "one-hot"
    assert make_engine(grouped, "auto", kernels.METROPOLIS).name == "one-hot"


@pytest.mark.parametrize("groups", [
    np.array([0, 1, 2, 3]),  # 1-D
    np.array([[0], [1]]),  # k < 2
    np.array([[0, 1], [1, 2]]),  # a variable in two groups
    np.array([[0, 1], [2, 9]]),  # out of range
])
def test_malformed_onehot_groups_raise(groups):
    model = EnergyModel(np.zeros((4, 4)), vartype="binary", metadata={"onehot_groups": groups})
    with pytest.raises(ValueError, match="onehot_groups"):
        anneal(model, moves="one-hot", n_sweeps=5)


def test_permutation_metadata_must_match_the_model_size():
    model = EnergyModel(np.zeros((9, 9)), vartype="binary", metadata={"permutation": {"size": 4}})
    with pytest.raises(ValueError, match="needs 16 variables"):
        anneal(model, moves="permutation", n_sweeps=5)


# ---------------------------------------------------------------------------------------------- reproducibility
@TWO_THREADS
@pytest.mark.parametrize("moves", ["permutation", "one-hot"])
def test_same_rng_same_result_on_one_or_two_threads(moves):
    """SPEC 7 rule: one rng child per restart, so the states, energies and traces do not depend on the
    number of threads (fixed n_sweeps, no time limit)."""
    if moves == "permutation":
        _, model = tsp_model(9, 9, 1.0)
    else:
        model = onehot_model(9, 5, 4)
    results = [anneal(model, moves=moves, n_sweeps=150, n_restarts=5, rng=42, n_threads=threads)
               for threads in (1, 2)]
    np.testing.assert_array_equal(results[0].states, results[1].states)
    np.testing.assert_array_equal(results[0].energies, results[1].energies)
    np.testing.assert_array_equal(results[0].trace, results[1].trace)
    again = anneal(model, moves=moves, n_sweeps=150, n_restarts=5, rng=np.random.default_rng(42), n_threads=2)
    np.testing.assert_array_equal(again.states, results[0].states)


def test_onehot_anneal_matches_brute_force_on_a_penalised_model():
    """A one-hot model whose one-hot constraint is also penalised (so brute force over all 2^n states sees
    the same optimum): the one-hot anneal reaches the exhaustive ground energy."""
    base = onehot_model(21, 3, 3, "binary", integer=True)
    penalty = 20.0
    groups = np.asarray(base.metadata["onehot_groups"])
    weights = base.dense_weights().copy()
    thresholds = np.array(base.thresholds)
    offset = base.offset
    for members in groups:  # + P (Σ x - 1)² = P(-Σ x + 2 Σ_{i<j} x_i x_j + 1)
        for a in members:
            thresholds[a] -= penalty
            for b in members:
                if a != b:
                    weights[a, b] -= 2 * penalty
        offset += penalty
    model = EnergyModel(weights, thresholds, offset, "binary", {"onehot_groups": groups})
    exact = brute_force(model)
    assert groups_are_onehot(model, exact.best_state).all()
    result = anneal(model, moves="one-hot", n_sweeps=200, n_restarts=2, rng=0)
    assert result.best_energy == pytest.approx(exact.best_energy)


def test_nearest_cities_are_the_closest_in_order():
    from hopopt.solvers.moves import _nearest_cities

    distances = np.array([[0, 5, 1, 3], [5, 0, 2, 4], [1, 2, 0, 6], [3, 4, 6, 0]], dtype=float)
    assert _nearest_cities(distances, 2).tolist() == [[2, 3], [2, 3], [0, 1], [0, 1]]


# ---------------------------------------------------------------------------------------------- the energy in W
def _random_qap(n, seed, symmetric=False):
    from hopopt.problems import QAP

    generator = np.random.default_rng(seed)
    # asymmetric, with non-zero diagonals: the general Koopmans–Beckmann case; or symmetric (most of QAPLIB)
    flow, distance = generator.integers(0, 6, (n, n)), generator.integers(0, 6, (n, n))
    if symmetric:
        flow, distance = flow + flow.T, distance + distance.T
    return QAP(flow, distance)


@pytest.mark.parametrize("symmetric", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_exchange_costs_from_factors_and_from_the_plain_matrix_equal_recomputed_energies(seed, symmetric):
    """ΔE of an exchange from W's Kronecker factors (the general and the symmetric formula), from the
    materialised W, and from recomputing the energy of both permutation matrices: all agree (QAP with
    non-zero diagonals, asymmetric or symmetric flows and distances)."""
    from hopopt.solvers.moves import AssignmentEngine, MatrixExchangeEngine, permutation_engine

    problem = _random_qap(5, seed, symmetric)
    structured = problem.to_model()
    plain = EnergyModel(structured.weights_matrix(), structured.thresholds, structured.offset, "binary",
                        structured.metadata)
    factors, matrix = permutation_engine(structured, 0), permutation_engine(plain, 0)
    assert isinstance(factors, AssignmentEngine) and isinstance(matrix, MatrixExchangeEngine)
    assert factors.symmetric == symmetric
    generator = np.random.default_rng(seed)
    for _ in range(50):
        perm = generator.permutation(5)
        u, v = (int(x) for x in generator.choice(5, 2, replace=False))
        swapped = perm.copy()
        swapped[u], swapped[v] = swapped[v], swapped[u]
        expected = structured.energy(problem.encode(swapped)) - structured.energy(problem.encode(perm))
        assert factors.exchange_cost(perm, u, v) == pytest.approx(expected, abs=1e-9)
        assert matrix.exchange_cost(perm, u, v) == pytest.approx(expected, abs=1e-9)


def test_a_plain_matrix_model_that_declares_permutations_anneals_to_the_optimum():
    """The generic path (ΔE from a plain W) finds the brute-force optimum and reports energies that equal the
    model's own."""
    problem = _random_qap(5, 7)
    structured = problem.to_model()
    plain = EnergyModel(structured.weights_matrix(), structured.thresholds, structured.offset, "binary",
                        structured.metadata)
    best = min(problem.cost(p) for p in itertools.permutations(range(5)))
    for model in (structured, plain):
        result = anneal(model, n_sweeps=300, n_restarts=2, rng=1)
        assert result.info["moves"] == "permutation"
        np.testing.assert_allclose(result.energies, model.energies(result.states))
        assert result.best_energy == pytest.approx(best)


def test_metadata_of_another_instance_cannot_mislead_the_moves():
    """The bug this design removes: W and θ of one TSP with the metadata of another used to anneal the other
    one. Now the metadata only declares the structure; the tour comes out optimal for the W it was given."""
    first, second = TSP.random(8, rng=1), TSP.random(8, rng=2)
    model = first.to_model()
    mixed = EnergyModel(model.weights, model.thresholds, model.offset, "binary", second.to_model().metadata)
    result = anneal(mixed, n_sweeps=500, n_restarts=2, rng=0)
    tour = first.decode(result.best_state)
    optimum = min(first.tour_length((0,) + rest) for rest in itertools.permutations(range(1, 8)))
    assert first.tour_length(tour) == pytest.approx(optimum)
