"""MAX-SAT: the reduction is exact (brute force over every assignment and every auxiliary), the clause MILP is
exact, encode/decode/explain/improve keep their promises, random k-SAT and the peers."""

import itertools
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import hopopt
from hopopt.cli import main
from hopopt.io import write_cnf
from hopopt.kinds import KINDS, Budget
from hopopt.kinds.maxsat import maxsat_exact
from hopopt.problems import MaxSAT
from hopopt.problems.explain import explain


# ---------------------------------------------------------------------------------------------- naive references
def naive_cost(clauses, weights, hard, assignment, hard_weight=None):
    """Weighted unsatisfied clauses straight from the definition (hard ones at hard_weight if given)."""
    total = 0.0
    for clause, weight, is_hard in zip(clauses, weights, hard):
        satisfied = any((assignment[abs(literal) - 1] == 1) == (literal > 0) for literal in clause)
        if not satisfied:
            if is_hard and hard_weight is None:
                continue
            total += hard_weight if is_hard else weight
    return total


def all_states(size):
    return np.array(list(itertools.product((0, 1), repeat=size)), dtype=np.int8)


@st.composite
def formulas(draw, max_variables=5, max_clauses=6, max_length=5, with_hard=True):
    """Clauses of 0..max_length literals (1-, 2-, 3-, 4-literal ones and longer), repeated literals and
    tautologies included, integer weights 0..3, some clauses hard."""
    n = draw(st.integers(1, max_variables))
    literal = st.integers(1, n).flatmap(lambda v: st.sampled_from((v, -v)))
    clauses = draw(st.lists(st.lists(literal, min_size=0, max_size=max_length).map(tuple), max_size=max_clauses))
    weights = draw(st.lists(st.integers(0, 3), min_size=len(clauses), max_size=len(clauses)))
    hard = draw(st.lists(st.booleans() if with_hard else st.just(False), min_size=len(clauses),
                         max_size=len(clauses)))
    return n, clauses, [float(w) for w in weights], hard


# ---------------------------------------------------------------------------------------------- the reduction
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(formulas(max_variables=10, max_clauses=7, max_length=5))
def test_min_over_auxiliaries_of_the_energy_is_the_weighted_unsatisfied_count(formula):
    """For every assignment (up to 10 variables) and every setting of the auxiliaries: the minimum over the
    auxiliaries equals the weighted unsatisfied count exactly, and encode reaches it."""
    n, clauses, weights, hard = formula
    problem = MaxSAT(n, clauses, weights, hard)
    assume(problem.n_variables <= 15)
    model = problem.to_model()
    states = all_states(problem.n_variables)
    energies = model.energies(states)
    lowest = np.full(2 ** n, np.inf)
    np.minimum.at(lowest, states[:, :n] @ (1 << np.arange(n)), energies)
    for assignment in all_states(n):
        key = int(assignment @ (1 << np.arange(n)))
        expected = naive_cost(clauses, weights, hard, assignment, problem.hard_weight)
        assert lowest[key] == pytest.approx(expected, abs=1e-9)
        assert model.energy(problem.encode(assignment)) == pytest.approx(expected, abs=1e-9)


def test_ishikawa_auxiliary_table_of_one_three_literal_clause():
    """E(x, y) for (x1 ∨ x2 ∨ x3): y(1 − S) + S(S − 1)/2 with S the number of false literals."""
    problem = MaxSAT(3, [(1, 2, 3)])
    model = problem.to_model()
    assert problem.n_variables == 4
    for state in all_states(4):
        false = 3 - int(state[:3].sum())
        y = int(state[3])
        assert model.energy(state) == y * (1 - false) + false * (false - 1) / 2
        # and the optimum y* = [S ≥ 2] is what encode picks
    assert problem.encode([0, 0, 1]).tolist() == [0, 0, 1, 1]
    assert problem.encode([1, 1, 0]).tolist() == [1, 1, 0, 0]


@pytest.mark.parametrize("length", [4, 5, 6, 7])
def test_long_clauses_chain_with_two_k_minus_five_auxiliaries(length):
    problem = MaxSAT(length, [tuple(range(1, length + 1))], weights=[2.0])
    assert problem.n_auxiliaries == 2 * length - 5
    model = problem.to_model()
    for assignment in all_states(length):
        expected = 0.0 if assignment.any() else 2.0
        assert model.energy(problem.encode(assignment)) == expected


def test_repeated_literals_merge_and_tautologies_vanish():
    problem = MaxSAT(2, [(1, 1, 1, -2), (1, -1, 2, 2, 2)])
    assert problem.n_auxiliaries == 0  # (x1 ∨ ¬x2) is quadratic, the tautology contributes nothing
    model = problem.to_model()
    assert [model.energy(x) for x in all_states(2)] == [0.0, 1.0, 0.0, 0.0]


def test_an_empty_clause_is_a_constant_cost():
    problem = MaxSAT(1, [(), (1,)], weights=[2.5, 1.0])
    assert [problem.to_model().energy([x]) for x in (0, 1)] == [3.5, 2.5]
    assert problem.evaluate([1]).objective == 2.5


def test_hard_clauses_weigh_more_than_all_soft_clauses_so_ground_states_satisfy_them():
    clauses = [(1, 2), (-1, -2), (1,), (2,), (-1, 3), (-3,), (3, 2)]
    problem = MaxSAT(3, clauses, weights=[1, 1, 4, 4, 2, 2, 1], hard=[True, True, False, False, False, False,
                                                                      False])
    assert problem.hard_weight == 1 + 13
    model = problem.to_model()
    states = all_states(problem.n_variables)
    ground = states[int(np.argmin(model.energies(states)))]
    answer = problem.evaluate(problem.decode(ground))
    assert answer.feasible
    exact = maxsat_exact(problem)
    assert exact.optimal and answer.objective == problem.evaluate(exact.solution).objective == exact.bound


# ---------------------------------------------------------------------------------------------- the exact method
@settings(max_examples=80, deadline=None)
@given(formulas(max_variables=6, max_clauses=8, max_length=5))
def test_the_clause_milp_is_the_brute_force_optimum(formula):
    n, clauses, weights, hard = formula
    problem = MaxSAT(n, clauses, weights, hard)
    feasible_costs = [naive_cost(clauses, weights, hard, x) for x in all_states(n)
                      if naive_cost(clauses, [0] * len(clauses), hard, x, 1.0) == 0]
    answer = maxsat_exact(problem)
    if not feasible_costs:
        assert not answer.optimal and answer.bound is None
        return
    assert answer.optimal
    assert problem.evaluate(answer.solution).feasible
    assert problem.evaluate(answer.solution).objective == pytest.approx(min(feasible_costs))
    assert answer.bound == pytest.approx(min(feasible_costs))


def test_unsatisfiable_hard_clauses_are_reported_not_hidden():
    answer = maxsat_exact(MaxSAT(1, [(1,), (-1,), (1,)], hard=[True, True, False]))
    assert not answer.optimal and "cannot all be satisfied" in answer.message
    empty = maxsat_exact(MaxSAT(1, [(), (1,)], hard=[True, False]))
    assert not empty.optimal and "empty" in empty.message


# ------------------------------------------------------------------------------------ encode / decode / explain
@settings(max_examples=60, deadline=None)
@given(formulas(max_variables=6, max_clauses=8, max_length=6), st.integers(0, 2**31))
def test_explain_terms_add_up_and_slacks_are_non_negative_at_any_state(formula, seed):
    n, clauses, weights, hard = formula
    problem = MaxSAT(n, clauses, weights, hard)
    model = problem.to_model()
    generator = np.random.default_rng(seed)
    for _ in range(5):
        state = generator.integers(0, 2, size=problem.n_variables)
        terms, violations = problem.energy_terms(state, model.metadata)
        assert sum(terms.values()) == pytest.approx(model.energy(state), abs=1e-9)
        assert terms["chain slack"] >= -1e-12 and terms["auxiliary slack"] >= -1e-12
        assignment = problem.decode(state)
        assert terms["unsatisfied"] == pytest.approx(problem.evaluate(assignment).objective)
        assert len(violations) == len(problem.evaluate(assignment).violations)
        encoded = problem.encode(assignment)
        slack = problem.energy_terms(encoded, model.metadata)[0]
        assert slack["chain slack"] == 0 and slack["auxiliary slack"] == 0


def test_explain_names_unsatisfied_hard_clauses():
    problem = MaxSAT(2, [(1, 2), (-1,)], hard=[True, False])
    explanation = explain(problem, [0, 0])
    assert explanation.violations == ["hard clause 0 (1 2) is unsatisfied"]
    assert explanation.terms["hard clauses"] == problem.hard_weight == 2.0


def test_decode_takes_whole_states_or_assignments_in_binary_or_spin_form():
    problem = MaxSAT(3, [(1, 2, 3)])
    assert problem.decode([1, 0, 1, 1]).tolist() == [1, 0, 1]
    assert problem.decode([1, -1, 1]).tolist() == [1, 0, 1]
    with pytest.raises(ValueError, match="state must have 4 entries"):
        problem.decode([1, 0])
    with pytest.raises(ValueError, match="binary values"):
        problem.decode([2, 0, 1, 0])
    with pytest.raises(ValueError, match="one truth value per variable"):
        problem.encode([1, 0])


@settings(max_examples=60, deadline=None)
@given(formulas(max_variables=7, max_clauses=12, max_length=4), st.integers(0, 2**31))
def test_improve_is_never_worse_and_ends_where_no_single_flip_helps(formula, seed):
    n, clauses, weights, hard = formula
    problem = MaxSAT(n, clauses, weights, hard)
    start = np.random.default_rng(seed).integers(0, 2, size=n)

    def cost(x):
        return naive_cost(clauses, weights, hard, x, problem.hard_weight)

    better = problem.improve(start)
    assert cost(better) <= cost(start) + 1e-9
    for variable in range(n):
        flipped = better.copy()
        flipped[variable] ^= 1
        assert cost(flipped) >= cost(better) - 1e-9


# ---------------------------------------------------------------------------------------------- construction
@pytest.mark.parametrize("arguments, message", [
    ((0, [(1,)]), "n \\(number of variables\\) must be an integer ≥ 1"),
    ((2, [(1, 0)]), "clause 0 has literal 0, outside ±1..±2"),
    ((2, [(1,), (-3,)]), "clause 1 has literal -3"),
    ((2, [(1.5,)]), "literals must be integers"),
    ((2, [(True,)]), "literals must be integers"),
    ((2, [5]), "clause 0 must be a sequence of literals"),
    ((2, [(1,)], [1, 2]), "weights must have one value per clause \\(1\\), got 2"),
    ((2, [(1,), (2,)], [1, -1]), "clause weights must be finite and ≥ 0, got -1.0 on clause 1"),
    ((2, [(1,)], [np.nan]), "finite"),
    ((2, [(1,)], None, [1, 0]), "hard must be one True/False flag per clause"),
])
def test_constructor_errors_name_the_argument_and_the_value(arguments, message):
    with pytest.raises(ValueError, match=message):
        MaxSAT(*arguments)


def test_a_hard_clause_weight_is_not_checked_because_it_is_not_used():
    problem = MaxSAT(1, [(1,), (-1,)], weights=[np.inf, 2.0], hard=[True, False])
    assert problem.hard_weight == 3.0


def test_from_cnf_keeps_weights_hard_flags_and_name(tmp_path):
    from hopopt.io import read_cnf

    path = tmp_path / "w.wcnf"
    write_cnf(path, 3, [(1, -2), (2, 3), (-3,)], weights=[2, 5, 1], hard=[False, True, False])
    problem = MaxSAT.from_cnf(read_cnf(path))
    assert problem.name == "w" and problem.hard.tolist() == [False, True, False]
    assert problem.weights[~problem.hard].tolist() == [2.0, 1.0]


# ---------------------------------------------------------------------------------------------- random k-SAT
def test_random_k_sat_has_round_ratio_n_clauses_of_k_distinct_variables():
    problem = MaxSAT.random(30, 4, 3.5, rng=5)
    assert problem.n_clauses == 105
    for clause in problem.clauses:
        assert len(clause) == 4 and len({abs(literal) for literal in clause}) == 4
    assert problem.n_variables == 30 + 105 * 3  # 2k − 5 = 3 auxiliaries per 4-literal clause


def test_random_instances_follow_spec_7():
    first, second = MaxSAT.random(12, rng=3), MaxSAT.random(12, rng=3)
    assert first.clauses == second.clauses
    assert MaxSAT.random(12, rng=4).clauses != first.clauses
    generator = np.random.default_rng(9)
    assert MaxSAT.random(12, rng=generator).clauses != MaxSAT.random(12, rng=generator).clauses


@pytest.mark.parametrize("seed", range(5))
def test_a_planted_formula_is_satisfied_by_its_hidden_assignment(seed):
    problem = MaxSAT.random(50, 3, 6.0, planted=True, rng=seed)
    assert problem.evaluate(problem.planted).objective == 0.0 and problem.n_clauses == 300


@pytest.mark.parametrize("arguments, message", [
    ((3, 4), "k \\(literals per clause\\) must be an integer in 1..n = 3"),
    ((3, 0), "k \\(literals per clause\\)"),
    ((3, 2, -1.0), "ratio"),
    ((0,), "n \\(number of variables\\)"),
])
def test_random_refuses_impossible_parameters(arguments, message):
    with pytest.raises(ValueError, match=message):
        MaxSAT.random(*arguments)
    with pytest.raises(ValueError, match="planted must be"):
        MaxSAT.random(5, planted=2)


def test_random_specs_reach_every_option(capsys):
    problem = KINDS["maxsat"].random(8, 2, k=2, ratio=2.0, planted=1)
    assert problem.n_clauses == 16 and problem.evaluate(problem.planted).objective == 0
    assert main(["solve", "maxsat", "random:n=4,seed=1,k=5", "--json"]) == 2
    assert "k (literals per clause)" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------- solving
@pytest.mark.parametrize("seed", [0, 1])
def test_the_annealer_finds_the_proven_optimum_of_a_small_formula(seed):
    problem = MaxSAT.random(9, 3, 4.26, rng=seed)
    exact = hopopt.solve_exact(problem)
    found = hopopt.solve(problem, time_limit=0.5, rng=seed)
    assert exact.optimal and found.feasible
    assert found.objective == exact.objective
    assert found.energy == found.objective  # the repaired state's energy is its cost


def test_cli_exact_on_a_weighted_file_reports_the_bound(tmp_path, capsys):
    path = tmp_path / "tiny.wcnf"
    write_cnf(path, 2, [(1, 2), (-1,), (-2,), (1, -2)], weights=[1, 3, 2, 0.5], hard=[True, False, False, False])
    assert main(["exact", "maxsat", str(path), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["optimal"] is True and record["objective"] == record["bound"] == 2.5
    assert record["solution"] == [0, 1]


def test_the_dwave_peer_runs_on_the_same_reduction():
    pytest.importorskip("dwave.samplers")
    problem = MaxSAT.random(10, 3, 4.0, planted=True, rng=2)
    outcome = KINDS["maxsat"].peers["dwave-sa"].run(problem, Budget(time_limit=0.3, seed=0, restarts=2))
    assert problem.evaluate(outcome.solution).objective <= 2


def test_the_rc2_peer_agrees_with_the_milp():
    pytest.importorskip("pysat")
    for seed in range(3):
        problem = MaxSAT.random(10, 3, 6.0, rng=seed)
        rc2 = KINDS["maxsat"].peers["pysat-rc2"].run(problem, Budget(time_limit=5, seed=0))
        assert problem.evaluate(rc2.solution).objective == hopopt.solve_exact(problem).objective
    weighted = MaxSAT(2, [(1, 2), (-1,), (-2,)], weights=[1.0, 2.5, 0.5], hard=[True, False, False])
    rc2 = KINDS["maxsat"].peers["pysat-rc2"].run(weighted, Budget(time_limit=5, seed=0))
    assert weighted.evaluate(rc2.solution).objective == 0.5


def test_the_rc2_peer_stops_at_the_time_limit_with_no_answer():
    pytest.importorskip("pysat")
    problem = MaxSAT.random(75, 3, 6.0, rng=0)  # unsatisfiable: RC2 needs minutes here
    outcome = KINDS["maxsat"].peers["pysat-rc2"].run(problem, Budget(time_limit=0.5, seed=0))
    assert outcome.solution is None and "within 0.5 s" in outcome.extra["message"]


def test_solve_draws_the_clauses_with_plot(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    path = tmp_path / "clauses.png"
    status = main(["solve", "maxsat", "random:n=12,seed=2,ratio=5", "--time-limit", "0.2", "--plot", str(path),
                   "--json"])
    assert status == 0, capsys.readouterr().err
    assert path.stat().st_size > 1000


def test_the_anneal_stops_as_soon_as_a_satisfiable_formula_is_satisfied():
    problem = MaxSAT.random(40, 3, 3.0, planted=True, rng=1)
    assert problem.to_model().metadata["ground_energy"] == 0.0
    found = hopopt.solve(problem, time_limit=20, rng=0)
    assert found.objective == 0 and found.time_s < 10
    # an empty clause is a cost no state avoids: the bound is that constant
    assert MaxSAT(1, [(), (1,)], weights=[2.0, 1.0]).to_model().metadata["ground_energy"] == 2.0
