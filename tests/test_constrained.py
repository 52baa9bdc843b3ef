"""The constrained model builder: expressions, encodings, the penalty rule, repair, exact MILP, files."""

from __future__ import annotations

import itertools
import json
import time

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import hopopt
from hopopt.cli import main
from hopopt.constrained import ConstrainedModel, quicksum
from hopopt.constrained.builder import _bounded_log_coefficients, _resolution, improve
from hopopt.errors import InputError
from hopopt.solvers import brute_force


def enumerate_optimum(model):
    """The best feasible objective over all assignments of the declared binaries (None if none is feasible)."""
    best = None
    for bits in itertools.product((0, 1), repeat=model.n_variables):
        bits = np.array(bits, dtype=np.int8)
        if model.violations(bits):
            continue
        value = model.objective.value(bits)
        if best is None or (value > best if model.sense == "max" else value < best):
            best = value
    return best


def small_model(seed):
    """A random model with every variable kind, encoding and constraint sense (≤ 12 binaries with slacks)."""
    generator = np.random.default_rng(seed)
    model = ConstrainedModel(f"small {seed}")
    x = model.binary("x", 3)
    s = model.spin("s")
    v = model.integer("v", -1, 2, encoding=str(generator.choice(["log", "unary", "one-hot"])))
    terms = [int(c) * x[i] for i, c in enumerate(generator.integers(-5, 6, 3))]
    terms += [int(generator.integers(-3, 4)) * s, int(generator.integers(-3, 4)) * v,
              int(generator.integers(-3, 4)) * x[0] * x[1], int(generator.integers(-3, 4)) * s * v]
    (model.maximize if generator.random() < 0.5 else model.minimize)(quicksum(terms))
    model.add(x[0] + x[1] + x[2] <= 2, name="at most two")
    model.add(2 * x[0] - v >= -1, name="link")
    if generator.random() < 0.5:
        model.add(x[1] + x[2] == 1, name="one of two")
    return model


def test_bounded_log_coefficients_reach_every_level_exactly_once_in_range():
    for levels in range(0, 40):
        coefficients = _bounded_log_coefficients(levels)
        sums = {sum(c for c, b in zip(coefficients, bits) if b)
                for bits in itertools.product((0, 1), repeat=len(coefficients))}
        assert sums == set(range(levels + 1))


def test_resolution_is_the_common_step_of_decimal_coefficients():
    assert _resolution([2, 4, 6], "c") == 2
    assert _resolution([0.5, 1.5, 3], "c") == 0.5
    assert _resolution([0.25, 1], "c") == 0.25
    with pytest.raises(InputError, match="common step"):
        _resolution([np.pi, 1], "c")


def test_expressions_refuse_cubic_terms_and_relations_have_no_truth_value():
    model = ConstrainedModel()
    x = model.binary("x", 3)
    with pytest.raises(ValueError, match="degree > 2"):
        _ = x[0] * x[1] * x[2]
    with pytest.raises(TypeError, match="no truth value"):
        bool(x[0] <= 1)
    assert (x[0] * x[0]).degree == 1  # b² = b


@pytest.mark.parametrize("seed", range(12))
def test_encoded_feasible_solutions_have_energy_plus_or_minus_their_objective(seed):
    model = small_model(seed)
    energy = model.to_model()
    feasible_energies, infeasible_energies = [], []
    for values in itertools.product((0, 1), (0, 1), (0, 1), (-1, 1), (-1, 0, 1, 2)):
        evaluation = model.evaluate(values)
        state = model.encode(values)
        assert model.objective.value(model.bits_of(values)) == pytest.approx(evaluation.objective)
        if evaluation.feasible:
            assert model.objective_from_energy(energy.energy(state)) == pytest.approx(evaluation.objective)
            assert np.array_equal(model.decode(state), values)
            feasible_energies.append(energy.energy(state))
        else:
            infeasible_energies.append(energy.energy(state))
    # the penalty rule: every infeasible state lies above every feasible one (P δ² > the objective's range)
    assert feasible_energies and infeasible_energies
    assert min(infeasible_energies) > max(feasible_energies)


@pytest.mark.parametrize("seed", range(12))
def test_the_default_penalty_makes_the_ground_state_the_constrained_optimum(seed):
    """Oracle: brute force over the whole energy (slacks included) against enumeration of the original."""
    model = small_model(seed)
    optimum = enumerate_optimum(model)
    ground = brute_force(model.to_model())
    solution = model.values_of(ground.best_state)
    assert model.evaluate(solution).feasible
    assert model.objective_from_energy(ground.best_energy) == pytest.approx(optimum)
    exact = hopopt.solve_exact(model)
    assert exact.optimal and exact.objective == pytest.approx(optimum)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000))
def test_the_milp_matches_enumeration_on_random_models(seed):
    generator = np.random.default_rng(seed)
    n = int(generator.integers(1, 9))
    model = ConstrainedModel()
    x = model.binary("x", n)
    model.maximize(quicksum(int(c) * x[i] for i, c in enumerate(generator.integers(-4, 8, n)))
                   + quicksum(int(generator.integers(-3, 4)) * x[i] * x[j] for i in range(n) for j in range(i)))
    weights = generator.integers(1, 6, n)
    model.add(weights @ x <= int(weights.sum() // 2) + 1, name="capacity")
    if n > 2:
        model.add(x[0] + x[1] >= 1, name="cover")
    exact = hopopt.solve_exact(model)
    assert exact.optimal and exact.objective == pytest.approx(enumerate_optimum(model))
    assert exact.bound == pytest.approx(exact.objective)


def test_unsatisfiable_constraints_and_empty_groups_are_refused_when_added():
    model = ConstrainedModel()
    x = model.binary("x", 2)
    with pytest.raises(ValueError, match="can never hold"):
        model.add(x[0] + x[1] >= 3)
    with pytest.raises(ValueError, match="at least one member"):
        model.one_hot([])
    with pytest.raises(ValueError, match="quadratic"):
        model.add(x[0] * x[1] <= 0)
    with pytest.raises(ValueError, match="compared numbers"):
        model.add(1 <= 2)


def test_a_model_proven_infeasible_by_the_milp_is_one_clear_error():
    model = ConstrainedModel("clash")
    x = model.binary("x", 2)
    model.add(x[0] + x[1] == 2, name="both")
    model.add(x[0] + x[1] <= 1, name="at most one")
    with pytest.raises(InputError, match="infeasible"):
        hopopt.solve_exact(model)


def _random_model_by_loops(n, seed, constraints=2, density=0.3):
    """ConstrainedModel.random as it was written before numpy drew its numbers (the reference it must match)."""
    generator = np.random.default_rng(seed)
    model = ConstrainedModel(f"random:n={n},seed={seed}")
    x = model.binary("x", n)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n) if generator.random() < density]
    values = generator.integers(1, 21, size=n)
    couplings = generator.integers(1, 6, size=len(pairs)) * generator.choice([-1, 1], size=len(pairs))
    model.maximize(quicksum([values @ x] + [int(c) * x[i] * x[j] for (i, j), c in zip(pairs, couplings)]))
    for row in range(constraints):
        weights = generator.integers(1, 11, size=n)
        model.add(weights @ x <= int(weights.sum() // 2), name=f"capacity {row}")
    model.add(x.sum() <= (n + 1) // 2, name="cardinality")
    return model


@pytest.mark.parametrize("n, seed, constraints, density", [
    (1, 0, 2, 0.3), (2, 5, 0, 1.0), (7, 1, 3, 0.3), (40, 2, 1200, 0.5), (9, 3, 5, 0.0)])
def test_random_models_are_the_ones_the_loops_gave(n, seed, constraints, density):
    # the numbers are drawn by numpy in blocks now (10⁵ rows of 400 variables took minutes): same seed, same model
    fast = ConstrainedModel.random(n, rng=seed, constraints=constraints, density=density)
    slow = _random_model_by_loops(n, seed, constraints, density)
    assert fast.to_dict() == slow.to_dict()
    assert list(fast.objective.linear.items()) == list(slow.objective.linear.items())
    assert list(fast.objective.quadratic.items()) == list(slow.objective.quadratic.items())
    for made, expected in zip(fast.constraints, slow.constraints, strict=True):
        assert (made.name, made.sense) == (expected.name, expected.sense)
        assert list(made.expression.linear.items()) == list(expected.expression.linear.items())
        assert made.expression.constant == expected.expression.constant and not made.expression.quadratic
    with pytest.raises(ValueError, match="already exists"):
        fast.add(fast.variables["x"].sum() <= 1, name="cardinality")


def test_generating_and_encoding_a_random_model_end_at_the_deadline():
    # random:n=400,constraints=100000 --time-limit 2 ran for minutes: generation and the rows' encoding are
    # Python loops over the rows; after a short grace they look at the command's deadline and end there with one
    # clear error
    from hopopt import control

    model = ConstrainedModel.random(50, rng=1, constraints=5000)  # encoding its rows: about 0.2 s
    with control.activate(control.RunControl(0.0)):
        with pytest.raises(InputError, match=r"encoding random:n=50,seed=1: the time limit ran out after [\d,]+ of "
                                             r"5,001 constraints; use fewer"):
            model.to_model()
        small = ConstrainedModel.random(5, rng=1, constraints=300)  # within the grace: made all the same
        assert len(small.constraints) == 301 and small.to_model().n > 5
    # a million rows of 100 variables would take about ten seconds
    with control.activate(control.RunControl(0.1)):
        started = time.perf_counter()
        with pytest.raises(InputError, match=r"generating random:n=100,seed=1: the time limit ran out after "
                                             r"[\d,]+ of 1,000,000 constraints"):
            ConstrainedModel.random(100, rng=1, constraints=10**6)
        assert time.perf_counter() - started < 2.0
    with control.activate(control.RunControl(10.0)) as run:
        run.interrupt()
        with pytest.raises(InputError, match=r"interrupted after [\d,]+ of 1,000,000 constraints"):
            ConstrainedModel.random(100, rng=1, constraints=10**6)


def test_resolution_of_integer_rows_is_their_gcd():
    generator = np.random.default_rng(8)
    for _ in range(50):
        values = generator.integers(-30, 31, size=generator.integers(1, 8)) * generator.integers(1, 6)
        expected = np.gcd.reduce(np.abs(values)) or 1
        assert _resolution(values.astype(float), "row") == float(expected)
        assert _resolution(list(values.astype(float)) + [0.5], "row") == 0.5  # fractions: the slow path


def test_repair_makes_states_feasible_and_leaves_feasible_ones_alone():
    model = ConstrainedModel.random(20, rng=3)
    generator = np.random.default_rng(0)
    for _ in range(50):
        state = generator.integers(0, 2, model.to_model().n)
        solution = model.decode(state)
        assert model.evaluate(solution).feasible
        assert np.array_equal(model.decode(model.encode(solution)), solution)


def test_improve_only_keeps_feasible_solutions_and_never_worsens():
    model = ConstrainedModel.random(15, rng=5)
    generator = np.random.default_rng(1)
    for _ in range(20):
        solution = model.decode(generator.integers(0, 2, model.to_model().n))
        better = model.polish(solution)
        assert model.evaluate(better).feasible
        assert model.evaluate(better).objective >= model.evaluate(solution).objective
    assert improve(model, model.bits_of(model.polish(solution))).tolist() == \
        model.bits_of(model.polish(solution)).tolist()


def test_explain_names_the_violated_constraint_and_its_penalty():
    model = ConstrainedModel()
    x = model.binary("x", 3)
    model.maximize(x.sum())
    model.add(x[0] + x[1] <= 1, name="not both")
    state = np.zeros(model.to_model().n, dtype=np.int8)
    state[[0, 1]] = 1
    explanation = model.explain(state)
    assert explanation.violations == ["constraint 'not both' violated: its left side is 2, it needs <= 1"]
    assert explanation.terms["penalty: not both"] > 0
    assert explanation.total == pytest.approx(model.to_model().energy(state))


def test_text_and_dict_expressions_equal_operator_ones():
    model = ConstrainedModel()
    x = model.binary("x", 2)
    y = model.binary("y")
    by_operators = 3 * x[0] - 2 * x[0] * y + 4
    for other in (model.expression("3*x[0] - 2*x[0]*y + 4"),
                  model.expression({"x[0]": 3, ("x[0]", "y"): -2, "": 4})):
        for bits in itertools.product((0, 1), repeat=3):
            assert other.value(bits) == by_operators.value(bits)
    for bad, message in [("x[5]", "outside"), ("z + 1", "unknown variable"), ("x", "array of variables"),
                         ("x[0] ** 3", "only"), ("__import__('os')", "unsupported"), ("x[0] +", "cannot parse")]:
        with pytest.raises(InputError, match=message):
            model.expression(bad)


def test_json_round_trip_and_malformed_files_name_the_file(tmp_path):
    model = ConstrainedModel.random(12, rng=2)
    path = tmp_path / "model.json"
    model.save(path)
    again = ConstrainedModel.load(path)
    assert again.n == model.n and len(again.constraints) == len(model.constraints)
    assert hopopt.solve_exact(again).objective == hopopt.solve_exact(model).objective
    bad = tmp_path / "bad.json"
    for content, message in [({"variables": []}, "non-empty"),
                             ({"variables": [{"name": "x", "type": "float"}]}, "type must be"),
                             ({"variables": [{"name": "x", "shape": [2]}], "constraints": [{"expression": "x[0]"}]},
                              "no ==, <= or >="),
                             ({"variables": [{"name": "x", "shape": [2]}],
                               "constraints": [{"expression": "x[0] + x[1] >= 3"}]}, "never hold"),
                             ({"variables": [{"name": "x", "shape": [2]}], "one_hot": [{"members": []}]},
                              "non-empty")]:
        bad.write_text(json.dumps(content))
        with pytest.raises(InputError, match=message) as error:
            ConstrainedModel.load(bad)
        assert str(bad) in str(error.value)


def test_the_raise_on_violation_loop_raises_the_penalty_when_answers_stay_infeasible():
    from hopopt.workflows.constrained import anneal_raising_penalty

    model = ConstrainedModel()
    x = model.binary("x", 6)
    model.maximize(10 * x.sum())
    model.add(x.sum() == 2, name="exactly two")
    # the repair is what makes answers feasible; without it (a problem without decode repair) the loop raises
    class NoRepair:
        sense = "max"

        def __getattr__(self, name):
            return getattr(model, name)

        def decode(self, state):
            return model.values_of(state)

        def local_penalty(self):
            return 1.0  # ground states need P > 10: the loop gets there by doubling

    solution, _, extras = anneal_raising_penalty(NoRepair(), sweeps=200, rng=0)
    rounds = extras["penalty_rounds"]
    assert not rounds[0]["feasible"] and rounds[-1]["feasible"]
    assert rounds[-1]["penalty"] > rounds[0]["penalty"]
    assert model.evaluate(solution).feasible


def test_cli_exact_and_solve_on_a_model_file(tmp_path, capsys):
    model = ConstrainedModel.random(30, rng=4)
    path = tmp_path / "model.json"
    model.save(path)
    assert main(["exact", "model", str(path), "--json"]) == 0
    exact = json.loads(capsys.readouterr().out)
    assert exact["optimal"] is True
    assert main(["solve", "model", str(path), "--time-limit", "1", "--json"]) == 0
    solved = json.loads(capsys.readouterr().out)
    assert solved["feasible"] and solved["objective"] <= exact["objective"]


def test_a_deadline_after_the_last_row_says_the_rows_were_being_combined():
    from hopopt import control
    from hopopt.constrained import builder

    with control.activate(control.RunControl(0.0)):
        with pytest.raises(InputError, match=r"^encoding m: the time limit ran out while combining the 1,001 "
                                             r"constraints into the energy; use fewer"):
            builder._check_time("encoding m", 1001, 1001, time.perf_counter() - 1.0)
        with pytest.raises(InputError, match=r"after 10 of 1,001 constraints"):
            builder._check_time("encoding m", 10, 1001, time.perf_counter() - 1.0)
