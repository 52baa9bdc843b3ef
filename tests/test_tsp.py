"""The TSP permutation-matrix encoding: energy, penalty rule, sparsity, decode/repair/evaluate, solver oracles.

Every test states the invariant it checks. References are naive (loops over the formula of the module
docstring of :mod:`hopopt.problems.tsp`, enumeration of all 2^(n²) states or all (n-1)! tours), never the
code under test.
"""

from __future__ import annotations

import csv
import itertools
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hopopt import EnergyModel, io
from hopopt.errors import InputError
from hopopt.problems import TSP
from hopopt.solvers import anneal, brute_force, penalty_loop

INSTANCES = Path(__file__).resolve().parents[2] / "shared" / "instances"
TSPLIB = INSTANCES / "tsplib"
needs_instances = pytest.mark.skipif(not TSPLIB.is_dir(), reason=f"shared TSPLIB instances not found at {TSPLIB}")

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------------------------------------- helpers
def random_distances(seed, n, kind="euclidean"):
    """Symmetric, non-negative, zero-diagonal distances: rounded Euclidean, or arbitrary (non-metric)."""
    rng = np.random.default_rng(seed)
    if kind == "euclidean":
        points = rng.uniform(0, 100, size=(n, 2))
        distances = np.round(np.linalg.norm(points[:, None] - points[None], axis=2), 1)
    else:
        upper = np.triu(rng.integers(1, 50, size=(n, n)).astype(float), 1)
        distances = upper + upper.T
    return distances


@st.composite
def instances(draw, min_n=3, max_n=7):
    n = draw(st.integers(min_n, max_n))
    seed = draw(st.integers(0, 2**32 - 1))
    kind = draw(st.sampled_from(["euclidean", "arbitrary"]))
    return TSP(random_distances(seed, n, kind))


def naive_tour_length(distances, tour):
    n = len(tour)
    return sum(float(distances[tour[k], tour[(k + 1) % n]]) for k in range(n))


def naive_energy(distances, penalty, scale, x):
    """E(x) of the module docstring, term by term: D·Σ_p Σ_{c≠e} d[c,e] x[c,p] x[e,p+1] + row/column penalties."""
    n = distances.shape[0]
    x = np.asarray(x).reshape(n, n)
    length = 0.0
    for p in range(n):
        for c in range(n):
            for e in range(n):
                if c != e:
                    length += distances[c, e] * x[c, p] * x[e, (p + 1) % n]
    rows = sum((sum(int(x[c, p]) for p in range(n)) - 1) ** 2 for c in range(n))
    cols = sum((sum(int(x[c, p]) for c in range(n)) - 1) ** 2 for p in range(n))
    return scale * length + penalty * (rows + cols)


def naive_weights(distances, penalty, scale):
    """W of the module docstring built entry by entry (dense, small n only)."""
    n = distances.shape[0]
    weights = np.zeros((n * n, n * n))
    for c, p, e, q in itertools.product(range(n), repeat=4):
        a, b = c * n + p, e * n + q
        if a == b:
            continue
        value = 0.0
        if c == e:
            value -= 2 * penalty
        if p == q:
            value -= 2 * penalty
        if c != e and (q == (p + 1) % n or p == (q + 1) % n):
            value -= scale * distances[c, e]
        weights[a, b] = value
    return weights


def all_binary_states(k):
    """Every binary state of k variables, shape (2^k, k), int8."""
    codes = np.arange(2**k, dtype=np.int64)
    return ((codes[:, None] >> np.arange(k)) & 1).astype(np.int8)


def is_permutation_matrix(states, n):
    matrices = np.asarray(states).reshape(-1, n, n) > 0
    return np.all(matrices.sum(axis=1) == 1, axis=1) & np.all(matrices.sum(axis=2) == 1, axis=1)


def ground_state_mask(energies):
    lowest = energies.min()
    return np.abs(energies - lowest) <= 1e-9 * max(1.0, abs(lowest))


def optimal_length(problem):
    """Shortest tour by enumerating all (n-1)! tours that start at city 0."""
    n = problem.n
    best = np.inf
    for rest in itertools.permutations(range(1, n)):
        best = min(best, naive_tour_length(problem.distances, (0,) + rest))
    return best


_STATES = {}


def states_of(n):
    if n not in _STATES:
        _STATES[n] = all_binary_states(n * n)
    return _STATES[n]


# ---------------------------------------------------------------------------------------------- the energy
@FAST
@given(instances(), st.sampled_from([0.3, 1.0, 2.0, 7.5]), st.sampled_from([0.25, 1.0, 3.0]), st.data())
def test_energy_of_every_tour_is_scaled_length(problem, penalty_factor, scale, data):
    """On a permutation matrix both penalties vanish: E = D·length for any A (even below the bound), in both
    the binary and the spin form, and objective_from_energy inverts it (length is affine in E)."""
    penalty = penalty_factor * max(problem.penalty_bound(scale), 1e-9)
    model = problem.to_model(penalty=penalty, distance_scale=scale)
    spin = model.to_spin()
    tour = np.array(data.draw(st.permutations(range(problem.n))))
    state = problem.encode(tour)
    length = naive_tour_length(problem.distances, tour)
    energy = model.energy(state)
    assert energy == pytest.approx(scale * length, rel=1e-9, abs=1e-9)
    assert spin.energy(2 * state - 1) == pytest.approx(scale * length, rel=1e-9, abs=1e-9)
    assert problem.objective_from_energy(energy, scale) == pytest.approx(length, rel=1e-9, abs=1e-9)
    assert problem.evaluate(problem.decode(state)).objective == pytest.approx(length)


def test_energy_of_all_tours_small_instance():
    """Every one of the n! permutation matrices of an n = 5 instance has E = D·length (batch evaluation)."""
    problem = TSP(random_distances(3, 5))
    model = problem.to_model(distance_scale=2.5)
    tours = np.array(list(itertools.permutations(range(5))))
    states = np.stack([problem.encode(t) for t in tours])
    lengths = np.array([naive_tour_length(problem.distances, t) for t in tours])
    np.testing.assert_allclose(model.energies(states), 2.5 * lengths, rtol=1e-12, atol=1e-9)


@FAST
@given(instances(max_n=5), st.sampled_from([0.5, 1.0, 2.0]), st.sampled_from([0.5, 1.0, 2.0]), st.data())
def test_energy_matches_docstring_formula_on_any_state(problem, penalty_factor, scale, data):
    """For arbitrary binary states (not only tours) E equals the documented formula term by term."""
    penalty = penalty_factor * problem.penalty_bound(scale)
    model = problem.to_model(penalty=penalty, distance_scale=scale)
    k = problem.n**2
    state = np.array(data.draw(st.lists(st.integers(0, 1), min_size=k, max_size=k)), dtype=np.int8)
    expected = naive_energy(problem.distances, penalty, scale, state)
    assert model.energy(state) == pytest.approx(expected, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("n", [3, 4, 5])
def test_weights_thresholds_offset_match_docstring(n):
    """W (entry by entry), θ = -2A and offset = 2nA are those of the module docstring; binary vartype."""
    problem = TSP(random_distances(n, n, "arbitrary"))
    penalty, scale = 13.0, 0.7
    model = problem.to_model(penalty=penalty, distance_scale=scale)
    np.testing.assert_allclose(model.dense_weights(), naive_weights(problem.distances, penalty, scale))
    np.testing.assert_allclose(model.thresholds, -2 * penalty)
    assert model.offset == pytest.approx(2 * n * penalty)
    assert model.vartype.value == "binary"
    assert model.metadata["penalty"] == penalty and model.metadata["distance_scale"] == scale
    assert model.metadata["permutation"] == {"size": n}  # a declaration, no copy of the distances
    from hopopt.solvers.moves import permutation_engine
    np.testing.assert_allclose(permutation_engine(model, 0).distances, scale * problem.distances)


def test_default_penalty_is_twice_the_bound():
    """Without a penalty the model uses A = 2·D·max d, recorded in metadata with the bound."""
    problem = TSP(random_distances(1, 6))
    model = problem.to_model(distance_scale=3.0)
    bound = 3.0 * problem.distances.max()
    assert model.metadata["penalty_bound"] == pytest.approx(bound)
    assert model.metadata["penalty"] == pytest.approx(2 * bound)


# ---------------------------------------------------------------------------------------------- the penalty rule
@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([3, 4]), st.sampled_from(["euclidean", "arbitrary"]),
       st.sampled_from([1.001, 1.25, 2.0]), st.sampled_from([0.5, 1.0, 4.0]))
def test_above_the_bound_every_ground_state_is_a_tour(seed, n, kind, factor, scale):
    """Penalty rule, by enumerating all 2^(n²) states (n = 3: 512, n = 4: 65 536): with A > D·max d every
    minimum-energy state is a permutation matrix, and the minimum is D × the optimal tour length."""
    problem = TSP(random_distances(seed, n, kind))
    model = problem.to_model(penalty=factor * problem.penalty_bound(scale), distance_scale=scale)
    states = states_of(n)
    energies = model.energies(states)
    ground = ground_state_mask(energies)
    assert is_permutation_matrix(states[ground], n).all()
    optimum = optimal_length(problem)
    assert energies.min() == pytest.approx(scale * optimum, rel=1e-9)
    # the ground states are exactly the optimal tours (each cycle in its 2n rotations and directions)
    optimal_tours = sum(naive_tour_length(problem.distances, t) == pytest.approx(optimum)
                        for t in itertools.permutations(range(n)))
    assert ground.sum() == optimal_tours and optimal_tours % (2 * n) == 0


def test_penalty_rule_agrees_with_gray_code_brute_force():
    """The library's exhaustive solver finds the same ground energy (= D·optimal length) above the bound."""
    problem = TSP(random_distances(11, 4))
    model = problem.to_model(penalty=1.01 * problem.penalty_bound())
    exact = brute_force(model)
    assert exact.best_energy == pytest.approx(optimal_length(problem), rel=1e-9)
    assert not problem.state_violations(exact.best_state)
    assert exact.ground_count == int(ground_state_mask(model.energies(states_of(4))).sum())


def far_city_instance():
    """The counterexample: n = 4, three cities pairwise 1 apart and one city 10 from all three (a metric).

    Every tour has length 22 (the far city costs two edges of 10). Leaving the far city out (its row and one
    position empty) costs the penalty 2A and drops both of its edges: E = 2A + 2D. So for every A < D·max d
    = 10D that infeasible state undercuts every tour (E = 22D), and at A = 10D it ties with them: the bound
    of the penalty rule is tight.
    """
    distances = np.ones((4, 4))
    distances[3, :] = distances[:, 3] = 10.0
    np.fill_diagonal(distances, 0.0)
    return TSP(distances, name="far-city")


@pytest.mark.parametrize("factor", [0.5, 0.6, 0.9, 0.999])
def test_below_the_bound_a_ground_state_is_not_a_tour(factor):
    """Below the bound the rule fails: on the far-city instance (see :func:`far_city_instance`) no ground
    state is a tour for A = factor·D·max d, and the minimum is 2A + 2D < D·22."""
    problem = far_city_instance()
    model = problem.to_model(penalty=factor * problem.penalty_bound())
    states = states_of(4)
    energies = model.energies(states)
    ground = ground_state_mask(energies)
    assert not is_permutation_matrix(states[ground], 4).any()
    assert energies.min() == pytest.approx(2 * factor * 10 + 2)
    assert energies.min() < 22.0


def test_at_the_bound_infeasible_states_tie_with_tours():
    """At A = D·max d exactly the far-city instance has infeasible ground states beside the 24 tours
    (every permutation matrix is optimal there), so the strict inequality of the rule is needed."""
    problem = far_city_instance()
    states = states_of(4)
    energies = problem.to_model(penalty=problem.penalty_bound()).energies(states)
    ground = ground_state_mask(energies)
    tours = is_permutation_matrix(states[ground], 4)
    assert tours.sum() == 24 and (~tours).sum() > 0
    energies = problem.to_model(penalty=1.001 * problem.penalty_bound()).energies(states)
    assert is_permutation_matrix(states[ground_state_mask(energies)], 4).all()


def test_below_the_bound_random_instances_can_fail():
    """Also on random Euclidean instances A = 0.6·D·max d is too small for some (documented in the module
    docstring): at least one of the first 10 seeds has an infeasible ground state at n = 4."""
    failures = 0
    for seed in range(10):
        problem = TSP(random_distances(seed, 4))
        energies = problem.to_model(penalty=0.6 * problem.penalty_bound()).energies(states_of(4))
        failures += not is_permutation_matrix(states_of(4)[ground_state_mask(energies)], 4).all()
    assert failures >= 1


# ---------------------------------------------------------------------------------------------- structure
@pytest.mark.parametrize("n", [3, 6, 12, 40])
def test_weights_are_three_kronecker_terms_with_4n2_n_minus_1_entries(n):
    """W is kept as three Kronecker terms of n×n factors; materialised, it is a symmetric, zero-diagonal
    sparse matrix with exactly 4n²(n-1) stored entries when all distances are positive (each neuron couples
    to n-1 others in its row, its column, and each neighbouring column)."""
    problem = TSP.random(n, rng=n)
    assert np.all(problem.distances[~np.eye(n, dtype=bool)] > 0)  # no coupling is a stored zero
    model = problem.to_model()
    assert model.is_structured and len(model.weights.terms) == 3
    assert model.weights.blocks == (n, n)
    matrix = model.weights_matrix()
    assert sp.issparse(matrix) and matrix.nnz == 4 * n * n * (n - 1)
    assert abs(matrix - matrix.T).max() == 0
    assert np.all(matrix.diagonal() == 0)


def test_structured_energies_equal_the_materialised_matrix():
    """Energies, fields and flip costs from the factors equal those of the materialised sparse W."""
    problem = TSP.random(7, rng=3)
    structured = problem.to_model()
    plain = EnergyModel(structured.weights_matrix(), structured.thresholds, structured.offset, "binary")
    states = np.random.default_rng(0).integers(0, 2, size=(20, 49))
    np.testing.assert_allclose(structured.energies(states), plain.energies(states), rtol=1e-12)
    np.testing.assert_allclose(structured.local_fields(states), plain.local_fields(states), rtol=1e-12)
    np.testing.assert_allclose(structured.flip_costs(states[0]), plain.flip_costs(states[0]), rtol=1e-12)
    spin, plain_spin = structured.to_spin(), plain.to_spin()
    spins = 2 * states - 1
    np.testing.assert_allclose(spin.energies(spins), plain_spin.energies(spins), rtol=1e-12)


def test_large_model_is_built_from_factors_and_memory_is_modest():
    """n = 300 (9·10⁴ neurons): the factors take a few MB and building them well under a second, where the
    materialised W would hold 4n²(n−1) ≈ 10⁸ entries (1.6 GB). The figures are printed (-s shows them)."""
    problem = TSP.random(300, rng=0)
    tracemalloc.start()
    try:
        tic = time.perf_counter()
        model = problem.to_model()
        seconds = time.perf_counter() - tic
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"\nTSP n=300: build {seconds:.2f} s (traced), factors {model.weights.nbytes / 1e6:.1f} MB, "
          f"peak while building {peak / 1e6:.0f} MB; materialised W would have {model.weights.stored_entries():.3g} "
          f"entries")
    assert model.is_structured and model.weights.nbytes < 20e6
    assert peak < 100e6
    assert seconds < 30  # generous: the point is "no n³ work"


# ---------------------------------------------------------------------------------------------- decode / repair
@FAST
@given(instances(max_n=8), st.data())
def test_decode_of_a_permutation_matrix_is_its_tour(problem, data):
    """decode(encode(tour)) == tour, from binary and spin states, with and without repair."""
    tour = np.array(data.draw(st.permutations(range(problem.n))))
    state = problem.encode(tour)
    assert state.shape == (problem.n**2,) and state.sum() == problem.n
    np.testing.assert_array_equal(problem.decode(state), tour)
    np.testing.assert_array_equal(problem.decode(2 * state - 1), tour)
    np.testing.assert_array_equal(problem.decode(state, repair=False), tour)
    assert problem.state_violations(state) == []


@FAST
@given(instances(max_n=8), st.data())
def test_repair_always_returns_a_valid_tour(problem, data):
    """Any binary state (and its spin form) decodes to a permutation of 0..n-1."""
    k = problem.n**2
    state = np.array(data.draw(st.lists(st.integers(0, 1), min_size=k, max_size=k)), dtype=np.int8)
    for given_state in (state, 2 * state - 1):
        tour = problem.decode(given_state)
        assert sorted(tour.tolist()) == list(range(problem.n))
        assert problem.evaluate(tour).feasible


@FAST
@given(instances(max_n=8), st.data())
def test_one_flipped_neuron_repairs_to_the_original_tour(problem, data):
    """A permutation matrix with one neuron flipped (an extra city in a position, or a city removed) is
    repaired to exactly the original tour: it is the unique nearest permutation matrix."""
    n = problem.n
    tour = np.array(data.draw(st.permutations(range(n))))
    index = data.draw(st.integers(0, n * n - 1))
    state = problem.encode(tour).copy()
    state[index] ^= 1
    assert problem.state_violations(state)
    np.testing.assert_array_equal(problem.decode(state), tour)


@FAST
@given(instances(min_n=4, max_n=8), st.data())
def test_duplicated_city_repairs_reusing_unaffected_positions(problem, data):
    """One exchange away from a tour: city a = tour[i] also sits at position j, whose city b = tour[j] is
    missing. The repair is a valid tour that keeps every other position as it was and puts a and b at
    positions i and j (in one order or the other)."""
    n = problem.n
    tour = np.array(data.draw(st.permutations(range(n))))
    i, j = data.draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
    matrix = problem.encode(tour).reshape(n, n).copy()
    a, b = tour[i], tour[j]
    matrix[b, j], matrix[a, j] = 0, 1
    repaired = problem.decode(matrix.reshape(-1))
    assert sorted(repaired.tolist()) == list(range(n))
    others = np.setdiff1d(np.arange(n), [i, j])
    np.testing.assert_array_equal(repaired[others], tour[others])
    assert {int(repaired[i]), int(repaired[j])} == {int(a), int(b)}


def _duplicated_city_cases(count=60):
    cases = []
    rng = np.random.default_rng(2024)
    for seed in range(count):
        n = int(rng.integers(4, 9))
        problem = TSP.random(n, rng=seed)
        tour = rng.permutation(n)
        i, j = sorted(rng.choice(n, 2, replace=False).tolist())
        cases.append((problem, tour, i, j))
    return cases


def test_decode_breaks_repair_ties_towards_the_shorter_tour():
    """Documented behaviour: the duplicated-city state has two nearest tours (a at i, b at j, or swapped);
    decode should return the shorter one."""
    longer = []
    for problem, tour, i, j in _duplicated_city_cases():
        n = problem.n
        matrix = problem.encode(tour).reshape(n, n).copy()
        matrix[tour[j], j], matrix[tour[i], j] = 0, 1
        swapped = tour.copy()
        swapped[i], swapped[j] = tour[j], tour[i]
        shortest = min(problem.tour_length(tour), problem.tour_length(swapped))
        got = problem.tour_length(problem.decode(matrix.reshape(-1)))
        if got > shortest + 1e-9:
            longer.append((problem.name, tour.tolist(), i, j, got, shortest))
    assert not longer, f"{len(longer)} of 60 cases decoded to the longer tour, e.g. {longer[0]}"


def test_decode_without_repair_raises_with_the_violations():
    """repair=False on a non-tour raises ValueError naming the row/column violations."""
    problem = TSP(random_distances(0, 4))
    state = problem.encode([0, 1, 2, 3]).copy()
    state[0 * 4 + 1] = 1  # city 0 also in position 1
    with pytest.raises(ValueError, match="city 0 is in 2 positions"):
        problem.decode(state, repair=False)
    assert "position 1 has 2 cities (0, 1)" in problem.state_violations(state)
    empty = np.zeros(16, dtype=np.int8)
    messages = problem.state_violations(empty)
    assert len(messages) == 8 and "city 2 is in no position" in messages and "position 3 has no city" in messages


def test_decode_rejects_bad_states():
    """Wrong length or values outside {0,1}/{-1,+1} are ValueErrors saying the rule."""
    problem = TSP(random_distances(0, 3))
    with pytest.raises(ValueError, match="n² = 9"):
        problem.decode(np.zeros(8, dtype=int))
    with pytest.raises(ValueError, match="spins|binary"):
        problem.decode(np.full(9, 2))


# ---------------------------------------------------------------------------------------------- evaluate
@FAST
@given(instances(max_n=9), st.data())
def test_evaluate_and_tour_length_agree_with_io(problem, data):
    """evaluate(tour).objective == TSP.tour_length == hopopt.io.tour_length == the naive sum, feasible, no
    violations, sense "min"; rotations and reversals of a tour have the same length."""
    tour = np.array(data.draw(st.permutations(range(problem.n))))
    expected = naive_tour_length(problem.distances, tour)
    evaluation = problem.evaluate(tour)
    assert evaluation.feasible and evaluation.violations == ()
    assert evaluation.objective == pytest.approx(expected)
    assert problem.tour_length(tour) == pytest.approx(expected)
    assert io.tour_length(problem.distances, tour) == pytest.approx(expected)
    shift = data.draw(st.integers(0, problem.n - 1))
    assert problem.tour_length(np.roll(tour, shift)) == pytest.approx(expected)
    assert problem.tour_length(tour[::-1]) == pytest.approx(expected)


@FAST
@given(instances(max_n=8), st.data())
def test_evaluate_reports_repeated_and_missing_cities(problem, data):
    """A city list with repeats is infeasible; the violations name exactly the repeated and the missing
    cities; the objective is still the length of the closed walk."""
    n = problem.n
    tour = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=n, max_size=n)))
    counts = np.bincount(tour, minlength=n)
    evaluation = problem.evaluate(tour)
    assert evaluation.feasible == bool(np.all(counts == 1))
    expected = {f"city {c} is visited {counts[c]} times" for c in np.flatnonzero(counts > 1)}
    expected |= {f"city {c} is not visited" for c in np.flatnonzero(counts == 0)}
    assert set(evaluation.violations) == expected
    assert evaluation.objective == pytest.approx(naive_tour_length(problem.distances, tour))
    if not evaluation.feasible:
        with pytest.raises(InputError):
            io.tour_length(problem.distances, tour)


def test_evaluate_docstring_example():
    problem = TSP([[0, 1, 1], [1, 0, 1], [1, 1, 0]])
    evaluation = problem.evaluate([0, 1, 1])
    assert not evaluation.feasible
    assert evaluation.violations == ("city 1 is visited 2 times", "city 2 is not visited")


@needs_instances
@pytest.mark.parametrize("name", ["ulysses16", "ulysses22", "gr24", "fri26", "bays29", "berlin52"])
def test_tsplib_optimal_tours_have_catalogue_length(name):
    """For TSPLIB instances with a published optimum: the .opt.tour (when present) has the catalogue length
    by TSP.tour_length and by io.tour_length, and its encoded state has energy D·optimum (n ≤ 30)."""
    catalogue = {row["name"]: row for row in csv.DictReader(open(INSTANCES / "catalog.csv"))}
    problem = TSP.from_tsplib(io.read_tsplib(TSPLIB / f"{name}.tsp"))
    optimum = float(catalogue[name]["optimum"])
    assert problem.n == int(catalogue[name]["nodes"])
    tour_path = TSPLIB / f"{name}.opt.tour"
    if not tour_path.exists():
        pytest.skip(f"no {tour_path.name} in the shared instances")
    tour = io.read_tour(tour_path).tour
    assert problem.tour_length(tour) == optimum
    assert io.tour_length(problem.distances, tour) == optimum
    if problem.n <= 30:
        model = problem.to_model(distance_scale=0.5)
        assert model.energy(problem.encode(tour)) == pytest.approx(0.5 * optimum)


# ---------------------------------------------------------------------------------------------- errors
@pytest.mark.parametrize("distances, match", [
    ([[0, 1], [1, 0]], "at least 3 cities"),
    ([[0]], "at least 3 cities"),
    ([[0, 1, 2], [1, 0, 3], [2, 4, 0]], "symmetric"),
    ([[0, -1, 2], [-1, 0, 3], [2, 3, 0]], "non-negative"),
    ([[0, np.nan, 2], [np.nan, 0, 3], [2, 3, 0]], "finite"),
    ([[0, np.inf, 2], [np.inf, 0, 3], [2, 3, 0]], "finite"),
    ([[0, 1, 2], [1, 0, 3]], "square"),
    ([["a", "b", "c"]] * 3, "numeric"),
])
def test_bad_distances_raise(distances, match):
    """The constructor rejects n < 3, asymmetric, negative, NaN/inf, non-square and non-numeric input."""
    with pytest.raises(ValueError, match=match):
        TSP(distances)


def test_nonzero_diagonal_is_ignored_and_distances_are_read_only():
    """A non-zero diagonal is zeroed (a city is at distance 0 from itself); the matrix is read-only."""
    problem = TSP([[5, 1, 2], [1, 5, 3], [2, 3, 5]])
    assert np.all(np.diag(problem.distances) == 0)
    with pytest.raises(ValueError):
        problem.distances[0, 1] = 7


@pytest.mark.parametrize("tour, match", [
    ([0, 1, 2], "visits 4 cities"),
    ([0, 1, 2, 3, 0], "visits 4 cities"),
    ([0, 1, 2, 4], "cities 0..3"),
    ([-1, 1, 2, 3], "cities 0..3"),
    ([0, 1.5, 2, 3], "integer"),
])
def test_bad_tours_raise(tour, match):
    """encode, evaluate and tour_length reject tours of the wrong length, out of range or non-integer."""
    problem = TSP(random_distances(0, 4))
    for method in (problem.encode, problem.evaluate, problem.tour_length):
        with pytest.raises(ValueError, match=match):
            method(tour)


def test_encode_of_a_city_list_with_repeats_is_flagged():
    """encode is the literal x[tour[p], p] = 1, also for a city list with a repeat (it does not check
    permutations); the resulting state is then reported by state_violations, never taken for a tour."""
    problem = TSP(random_distances(0, 4))
    state = problem.encode([0, 1, 1, 3])
    assert set(problem.state_violations(state)) == {"city 1 is in 2 positions (1, 2)", "city 2 is in no position"}
    with pytest.raises(ValueError):
        problem.decode(state, repair=False)


@pytest.mark.parametrize("options, match", [
    ({"penalty": 0}, "penalty"), ({"penalty": -1}, "penalty"), ({"penalty": np.nan}, "penalty"),
    ({"penalty": np.inf}, "penalty"), ({"distance_scale": 0}, "distance_scale"),
    ({"distance_scale": -2}, "distance_scale"),
])
def test_bad_model_options_raise(options, match):
    with pytest.raises(ValueError, match=match):
        TSP(random_distances(0, 4)).to_model(**options)


def test_random_instance_rejects_small_n():
    with pytest.raises(ValueError, match="n"):
        TSP.random(2)
    assert TSP.random(5, rng=1).n == 5
    np.testing.assert_array_equal(TSP.random(6, rng=3).distances, TSP.random(6, rng=3).distances)


def test_io_tour_length_errors():
    """hopopt.io.tour_length: non-square distances, repeated or out-of-range cities are InputErrors."""
    distances = random_distances(0, 4)
    with pytest.raises(InputError, match="square"):
        io.tour_length(distances[:3], [0, 1, 2])
    with pytest.raises(InputError, match="more than once: 2; never visited: 1"):
        io.tour_length(distances, [0, 2, 2, 3])
    with pytest.raises(InputError, match="outside"):
        io.tour_length(distances, [0, 1, 2, 4])


# ---------------------------------------------------------------------------------------------- solver oracles
@pytest.mark.parametrize("n", [4, 5, 6, 7, 8])
def test_permutation_anneal_reaches_the_optimum(n):
    """anneal(moves="permutation") on random instances: the best state is a tour, its energy is D·length,
    and on at least 9 of 10 seeds the length is the optimum over all (n-1)! tours."""
    hits = 0
    for seed in range(10):
        problem = TSP.random(n, rng=100 * n + seed)
        optimum = optimal_length(problem)
        model = problem.to_model(distance_scale=0.5)
        result = anneal(model, moves="permutation", n_sweeps=200, n_restarts=2, rng=seed)
        assert result.info["moves"] == "permutation"
        assert is_permutation_matrix(result.states, n).all()
        np.testing.assert_allclose(result.energies, model.energies(result.states), rtol=1e-12)
        tour = problem.decode(result.best_state, repair=False)
        length = problem.tour_length(tour)
        assert result.best_energy == pytest.approx(0.5 * length)
        assert length >= optimum - 1e-9
        hits += length == pytest.approx(optimum)
    assert hits >= 9, f"optimum reached on {hits}/10 seeds at n = {n}"


def test_auto_moves_on_tsp_is_permutation():
    """moves="auto" (the default) picks the permutation moves for a TSP model."""
    problem = TSP.random(6, rng=0)
    result = anneal(problem.to_model(), n_sweeps=50, n_restarts=2, rng=0)
    assert result.info["moves"] == "permutation"
    assert is_permutation_matrix(result.states, 6).all()


@pytest.mark.parametrize("n", [3, 4, 5])
def test_single_flip_anneal_energies_are_exact(n):
    """The pure penalty network (moves="single-flip"): the returned energies are the model's energies of the
    returned states, the best is their minimum, never below the exhaustive ground state (n ≤ 4), and at the
    default penalty (above the bound) the ground state is found and is a tour."""
    problem = TSP.random(n, rng=n)
    model = problem.to_model()
    ground = brute_force(model).best_energy if n <= 4 else None
    for seed in range(3):
        result = anneal(model, moves="single-flip", n_sweeps=500, n_restarts=4, rng=seed)
        assert result.info["moves"] == "single-flip"
        assert set(np.unique(result.states)) <= {0, 1}
        np.testing.assert_allclose(result.energies, model.energies(result.states), rtol=1e-12, atol=1e-9)
        assert result.best_energy == pytest.approx(result.energies.min())
        if ground is not None:
            assert result.best_energy >= ground - 1e-9
            assert result.best_energy == pytest.approx(ground)
            assert not problem.state_violations(result.best_state)


@pytest.mark.parametrize("n, seed", [(4, 0), (5, 1), (6, 2), (6, 3)])
def test_penalty_loop_ends_feasible_with_consistent_history(n, seed):
    """penalty_loop from half the bound: ends feasible; the final penalty ≥ the initial one and equals the
    last history entry; penalties grow by ×growth per round; only the last round is feasible; the result's
    best energy is the last round's and equals the tour length (E = D·length on tours)."""
    problem = TSP.random(n, rng=seed)
    initial = 0.5 * problem.penalty_bound()
    found = penalty_loop(problem.to_model, lambda s: not problem.state_violations(s), initial, growth=2.0,
                         n_sweeps=1000, n_restarts=2, rng=seed)
    assert found.info["feasible"]
    assert found.info["penalty"] >= initial
    history = found.info["penalty_rounds"]
    assert 1 <= len(history) <= 8
    assert found.info["penalty"] == history[-1]["penalty"]
    for k, entry in enumerate(history):
        assert entry["penalty"] == pytest.approx(initial * 2.0**k)
        assert entry["feasible"] == (k == len(history) - 1)
        assert entry["seconds"] >= 0
    assert found.best_energy == history[-1]["best_energy"]
    assert found.info["moves"] == "single-flip"
    tour = problem.decode(found.best_state, repair=False)
    assert found.best_energy == pytest.approx(problem.tour_length(tour))
    assert found.time_s >= sum(entry["seconds"] for entry in history) * 0.99


def test_penalty_loop_rejects_bad_arguments():
    problem = TSP.random(4, rng=0)
    with pytest.raises(ValueError, match="growth"):
        penalty_loop(problem.to_model, lambda s: True, 1.0, growth=1.0)
    with pytest.raises(ValueError, match="initial_penalty"):
        penalty_loop(problem.to_model, lambda s: True, 0.0)
