"""The conformance suite every registered problem kind passes, without being listed here.

In the spirit of ``dimod.testing``: for each kind in :data:`hopopt.kinds.KINDS`, on small random instances,
the energy of an encoded feasible solution is the documented affine function of its objective, decoding an
encoded solution gives it back, explain's terms add up to the energy, the exact method is never beaten by the
heuristic, and the command line's solve / exact / evaluate / compare work and refuse bad input with status 2.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import hopopt
from hopopt.cli import main
from hopopt.instances import load_instance
from hopopt.kinds import KINDS
from hopopt.problems.explain import explain

KIND_NAMES = sorted(KINDS)
CONTRACT_KEYS = {"problem", "instance", "solver", "seed", "n_variables", "objective", "feasible", "violations",
                 "solution", "energy", "time_s", "optimal", "bound"}


def small(kind, n=None, seed=1):
    """A small random instance of the kind through its random: spec (the CLI's own path)."""
    n = n or max(6, KINDS[kind].smallest_n)
    problem, _ = load_instance(kind, f"random:n={n},seed={seed}")
    return problem


def settled(kind, problem):
    """The instance with its solve-time parameter fixed (colours for coloring)."""
    settle = KINDS[kind].settle
    return problem if settle is None else settle(problem, {"colors": 3})


def feasible_solutions(kind, problem, count=8):
    """Feasible solutions: random model states, decoded (and repaired) by the problem itself."""
    generator = np.random.default_rng(0)
    model = problem.to_model()
    values = (-1, 1) if model.vartype.value == "spin" else (0, 1)
    found = []
    for _ in range(count * 4):
        state = generator.choice(values, size=model.n)
        solution = problem.decode(state)
        if problem.evaluate(solution).feasible:
            found.append(np.asarray(solution))
        if len(found) == count:
            break
    return found


def encode(problem, solution):
    return problem.encode(solution) if hasattr(problem, "encode") else problem.one_hot(solution)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_energy_of_a_feasible_solution_is_affine_in_its_objective(kind):
    """E(encode(s)) determines the objective through one affine map, the same for every feasible s."""
    problem = settled(kind, small(kind))
    model = problem.to_model()
    pairs = [(model.energy(encode(problem, s)), problem.evaluate(s).objective)
             for s in feasible_solutions(kind, problem)]
    assert pairs, f"no feasible solution of {kind} decoded from random states"
    if hasattr(problem, "objective_from_energy"):
        for energy, objective in pairs:
            assert problem.objective_from_energy(energy) == pytest.approx(objective, rel=1e-9, abs=1e-9)
    else:  # coloring: every proper k-coloring is a ground state of the penalty energy
        assert all(energy == pytest.approx(0.0, abs=1e-9) for energy, _ in pairs)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_decode_of_encode_is_the_identity(kind):
    problem = settled(kind, small(kind))
    solutions = feasible_solutions(kind, problem)
    assert solutions, f"no feasible solution of {kind} decoded from random states"
    for solution in solutions:
        decoded = problem.decode(encode(problem, solution))
        assert np.array_equal(np.asarray(decoded), solution)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_explain_terms_add_up_to_the_energy_of_any_state(kind):
    problem = settled(kind, small(kind))
    model = problem.to_model()
    generator = np.random.default_rng(2)
    values = (-1, 1) if model.vartype.value == "spin" else (0, 1)
    for _ in range(10):
        state = generator.choice(values, size=model.n)
        explanation = explain(problem, state, model)
        assert explanation.total == pytest.approx(model.energy(state), rel=1e-9, abs=1e-9)
        assert sum(explanation.terms.values()) == pytest.approx(explanation.total)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_the_exact_method_is_never_beaten_and_the_heuristic_is_feasible(kind):
    problem = small(kind, seed=3)
    exact = hopopt.solve_exact(problem, time_limit=60)
    heuristic = hopopt.solve(problem, time_limit=0.5, rng=0)
    assert exact.optimal and exact.feasible and heuristic.feasible
    better = (heuristic.objective > exact.objective + 1e-9) if exact.sense == "max" else \
        (heuristic.objective < exact.objective - 1e-9)
    assert not better
    if exact.sense == "min":
        assert exact.bound <= exact.objective + 1e-9
    else:
        assert exact.bound >= exact.objective - 1e-9


def run(capsys, *argv):
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_cli_solve_exact_evaluate_compare_on_a_small_random_instance(kind, capsys, tmp_path):
    instance = f"random:n={max(6, KINDS[kind].smallest_n)},seed=1"
    status, out, err = run(capsys, "solve", kind, instance, "--time-limit", "0.5", "--json")
    assert status == 0, err
    solved = json.loads(out)
    assert CONTRACT_KEYS <= set(solved) and solved["problem"] == kind and solved["feasible"]
    status, out, err = run(capsys, "exact", kind, instance, "--time-limit", "30", "--json")
    assert status == 0, err
    exact = json.loads(out)
    assert exact["optimal"] is True and CONTRACT_KEYS <= set(exact)
    path = tmp_path / "solution.json"
    path.write_text(json.dumps(solved))
    status, out, err = run(capsys, "evaluate", kind, instance, str(path), "--json")
    assert status == 0, err
    assert json.loads(out)["objective"] == pytest.approx(solved["objective"])
    status, out, err = run(capsys, "compare", kind, instance, "--time-limit", "0.3", "--solvers",
                           "hopopt-anneal,exact", "--json")
    assert status == 0, err
    rows = {row["solver"]: row for row in json.loads(out)["rows"]}
    assert rows["exact"]["status"] == "ok" and rows["hopopt-anneal"]["status"] == "ok"


@pytest.mark.parametrize("kind", KIND_NAMES)
@pytest.mark.parametrize("instance", ["random:n=5,seed=1,colour=blue", "random:seed=1", "random:n=0,seed=1",
                                      "no-such-file-or-instance"])
def test_cli_refuses_bad_instances_with_one_line_and_status_2(kind, instance, capsys):
    status, out, err = run(capsys, "solve", kind, instance, "--json")
    assert status == 2 and out == ""
    assert err.startswith("hopopt: error:") and err.count("\n") == 1


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_cli_refuses_a_malformed_solution_file(kind, capsys, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    status, out, err = run(capsys, "evaluate", kind, "random:n=6,seed=1", str(path), "--json")
    assert status == 2 and err.count("\n") == 1
