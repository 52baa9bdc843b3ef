"""QUBO and Ising problems (hopopt.problems.quadratic) and their kinds (hopopt.kinds.qubo).

Oracles: the energies of every state recomputed from Q (xᵀQx) or from h and J by brute force, the exact method
against enumeration, dimod's energies for BQMs, and the command line on files written to tmp_path.
"""

from __future__ import annotations

import itertools
import json
import shutil

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hopopt
from hopopt.cli import main
from hopopt.instances import load_instance
from hopopt.kinds import KINDS, Budget, kind_of
from hopopt.problems import QUBO, Ising
from hopopt.problems.explain import explain


def states(n, values):
    return [np.array(state) for state in itertools.product(values, repeat=n)]


def brute_minimum(problem):
    return min(problem.evaluate(state).objective for state in states(problem.n, problem.values))


matrices = st.integers(1, 6).flatmap(lambda n: st.lists(st.lists(st.integers(-9, 9), min_size=n, max_size=n),
                                                        min_size=n, max_size=n)).map(np.array)


# ---------------------------------------------------------------------------------------------- energies
@settings(max_examples=40, deadline=None)
@given(matrices, st.integers(-5, 5))
def test_a_qubo_energy_is_xt_q_x_plus_offset_for_every_state(q_matrix, offset):
    problem = QUBO(q_matrix, offset)
    model = problem.to_model()
    for x in states(problem.n, (0, 1)):
        assert problem.evaluate(x).objective == pytest.approx(x @ q_matrix @ x + offset)
        assert model.energy(problem.encode(x)) == pytest.approx(x @ q_matrix @ x + offset)


@settings(max_examples=40, deadline=None)
@given(matrices, st.integers(-5, 5))
def test_an_ising_energy_is_h_s_plus_pair_couplings_for_every_state(matrix, offset):
    h = matrix[0].astype(float)
    coupling = np.triu(matrix, 1)  # dimod's Ising: each pair once
    problem = Ising(h, coupling, offset)
    assert problem.to_model().vartype.value == "spin"
    for s in states(problem.n, (-1, 1)):
        assert problem.evaluate(s).objective == pytest.approx(h @ s + s @ coupling @ s + offset)


def test_a_qubo_file_read_as_ising_keeps_every_energy(tmp_path):
    problem = QUBO.random(7, 0.6, rng=3)
    path = tmp_path / "model.qubo"
    problem.write(path)
    as_qubo, _ = load_instance("qubo", str(path))
    as_ising, _ = load_instance("ising", str(path))
    assert isinstance(as_ising, Ising) and as_ising.to_model().vartype.value == "spin"
    for x in states(7, (0, 1)):
        energy = problem.evaluate(x).objective
        assert as_qubo.evaluate(x).objective == energy
        assert as_ising.evaluate(2 * x - 1).objective == pytest.approx(energy, abs=1e-9)


def test_energy_terms_add_up_to_the_model_energy():
    for problem in (QUBO.random(8, 0.5, rng=1), Ising.random(8, 0.5, rng=1)):
        model = problem.to_model()
        generator = np.random.default_rng(0)
        for _ in range(20):
            state = generator.choice(problem.values, size=problem.n)
            explanation = explain(problem, state)
            assert set(explanation.terms) == {"linear", "quadratic", "offset"} and explanation.feasible
            assert explanation.total == pytest.approx(model.energy(state))


# ---------------------------------------------------------------------------------------------- solutions
def test_decode_is_the_identity_on_its_own_values_and_converts_the_other_type():
    qubo, ising = QUBO.random(4, 1.0, rng=2), Ising.random(4, 1.0, rng=2)
    assert qubo.decode([0, 1, 1, 0]).tolist() == [0, 1, 1, 0]
    assert qubo.decode([-1, 1, 1, -1]).tolist() == [0, 1, 1, 0]
    assert ising.decode([-1, 1, 1, -1]).tolist() == [-1, 1, 1, -1]
    assert ising.decode([0, 1, 1, 0]).tolist() == [-1, 1, 1, -1]
    assert qubo.decode([1, 1, 1, 1]).tolist() == ising.decode([1, 1, 1, 1]).tolist() == [1, 1, 1, 1]
    for problem in (qubo, ising):
        with pytest.raises(ValueError, match="4 entries"):
            problem.decode([1, 1])
        with pytest.raises(ValueError, match="0/1"):
            problem.decode([0, 2, 1, 1])


def test_evaluate_accepts_only_the_problems_own_values():
    with pytest.raises(ValueError, match="variable 1 has -1"):
        QUBO.random(3, rng=0).evaluate([0, -1, 1])
    with pytest.raises(ValueError, match="values in"):
        Ising.random(3, rng=0).evaluate([0, 1, 1])
    with pytest.raises(ValueError, match="one value per variable"):
        Ising.random(3, rng=0).evaluate([1, 1])


# ---------------------------------------------------------------------------------------------- random
def test_random_instances_follow_their_documented_coefficients_and_seed():
    for cls in (QUBO, Ising):
        first, again, other = cls.random(30, 0.3, rng=5), cls.random(30, 0.3, rng=5), cls.random(30, 0.3, rng=6)
        one, two = first.to_instance(), again.to_instance()
        assert np.array_equal(one.linear, two.linear) and np.array_equal(one.values, two.values)
        assert not np.array_equal(one.values, other.to_instance().values) or \
            not np.array_equal(one.linear, other.to_instance().linear)
        assert np.all(np.abs(one.linear) <= 10) and np.all(one.linear == np.round(one.linear))
        assert np.all((np.abs(one.values) >= 1) & (np.abs(one.values) <= 10))
        assert np.all(one.values == np.round(one.values))
        assert 0.15 < one.n_pairs / (30 * 29 / 2) < 0.45
        assert cls.random(10, 0.0, rng=1).to_instance().n_pairs == 0
        assert cls.random(10, 1.0, rng=1).to_instance().n_pairs == 45
        for bad in ({"n": 0}, {"n": 4, "density": 1.5}):
            with pytest.raises(ValueError):
                cls.random(**bad)


def test_random_specs_take_density_and_refuse_bad_values():
    problem, _ = load_instance("qubo", "random:n=12,seed=2,density=0.25")
    assert problem.n == 12 and problem.name == "random:n=12,density=0.25,seed=2"
    with pytest.raises(hopopt.errors.InputError, match="density"):
        load_instance("ising", "random:n=12,seed=2,density=2")


# ---------------------------------------------------------------------------------------------- labels, BQMs
def test_bqm_labels_are_kept_and_round_trip_through_to_bqm():
    dimod = pytest.importorskip("dimod")
    bqm = dimod.generators.gnp_random_bqm(["a", ("b", 1), 3], 1.0, "BINARY", random_state=2)
    bqm.offset = -0.5
    for cls in (QUBO, Ising):
        problem = cls.from_bqm(bqm)
        assert problem.labels == ["a", ("b", 1), 3]
        back = problem.to_bqm()
        assert set(back.variables) == set(bqm.variables)
        for x in states(3, (0, 1)):
            sample = dict(zip(problem.labels, x))
            energy = bqm.energy(sample)
            assert problem.evaluate(problem.decode(x)).objective == pytest.approx(energy)
            assert back.energy(dict(zip(problem.labels, problem.decode(x)))) == pytest.approx(energy)
    assert QUBO.from_bqm(bqm).sample([1, 0, 1]) == {"a": 1, ("b", 1): 0, 3: 1}


def test_constructor_errors_are_clear():
    with pytest.raises(ValueError, match="labels must name all n = 2"):
        QUBO([[1, 0], [0, 1]], labels=["a"])
    with pytest.raises(ValueError, match="distinct"):
        QUBO([[1, 0], [0, 1]], labels=["a", "a"])
    with pytest.raises(ValueError, match="zero diagonal"):
        Ising([0, 0], [[1, 0], [0, 0]])
    assert QUBO({(0, 1): 1}, labels=["a", "b", "c"]).n == 3
    assert Ising({0: 1}, {}, labels=["a", "b"]).n == 2


# ---------------------------------------------------------------------------------------------- exact, peers
@pytest.mark.parametrize("cls", [QUBO, Ising])
def test_the_exact_method_finds_the_brute_force_minimum(cls):
    for seed in range(3):
        problem = cls.random(9, 0.5, rng=seed)
        answer = hopopt.solve_exact(problem, time_limit=30)
        assert answer.optimal and answer.objective == pytest.approx(brute_minimum(problem))
        assert answer.bound <= answer.objective + 1e-9


def test_the_peers_run_and_return_feasible_solutions():
    pytest.importorskip("dwave.samplers")
    from hopopt.bench.runners import run_solver

    problem = Ising.random(12, 0.5, rng=4)
    optimum = brute_minimum(problem)
    for solver in ("dwave-sa", "dwave-tabu"):
        record = run_solver("ising", problem, "tiny", solver, Budget(time_limit=0.3, seed=1, restarts=2))
        assert record["status"] == "ok" and record["feasible"], record
        assert record["objective"] >= optimum - 1e-9


def test_kind_lookup_tells_the_two_kinds_apart():
    assert kind_of(QUBO.random(3, rng=0)).name == "qubo" and kind_of(Ising.random(3, rng=0)).name == "ising"
    assert KINDS["qubo"].file_format == KINDS["ising"].file_format == "qubo"


# ---------------------------------------------------------------------------------------------- command line
def run(capsys, *argv):
    status = main([str(argument) for argument in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("kind", ["qubo", "ising"])
def test_solve_exact_evaluate_and_compare_on_a_file(kind, tmp_path, capsys):
    problem = (QUBO if kind == "qubo" else Ising).random(10, 0.5, rng=7)
    path = tmp_path / "model.coo"
    problem.write(path)
    status, out, err = run(capsys, "exact", kind, path, "--time-limit", "30", "--json")
    assert status == 0, err
    exact = json.loads(out)
    assert exact["optimal"] is True and exact["objective"] == pytest.approx(brute_minimum(problem))
    status, out, err = run(capsys, "solve", kind, path, "--time-limit", "0.3", "--seed", "1", "--json")
    assert status == 0, err
    solved = json.loads(out)
    assert solved["feasible"] and solved["objective"] == pytest.approx(solved["energy"])
    assert solved["objective"] >= exact["objective"] - 1e-9
    # a dimod-style {label: value} solution evaluates to the same objective as the list
    solution_path = tmp_path / "sample.json"
    solution_path.write_text(json.dumps({"solution": {str(i): v for i, v in enumerate(solved["solution"])}}))
    status, out, err = run(capsys, "evaluate", kind, path, solution_path, "--json")
    assert status == 0, err
    assert json.loads(out)["objective"] == pytest.approx(solved["objective"])
    status, out, err = run(capsys, "compare", kind, path, "--time-limit", "0.3", "--solvers",
                           "hopopt-anneal,exact,dwave-tabu", "--json")
    assert status == 0, err
    rows = {row["solver"]: row for row in json.loads(out)["rows"]}
    assert rows["exact"]["status"] == "ok" and rows["hopopt-anneal"]["status"] == "ok"


def test_a_labelled_bqm_file_solves_and_evaluates_by_label(tmp_path, capsys):
    dimod = pytest.importorskip("dimod")
    bqm = dimod.generators.gnp_random_bqm(["p", "q", "r", "s"], 0.8, "SPIN", random_state=9)
    path = tmp_path / "labelled.bqm"
    with open(path, "wb") as handle:
        shutil.copyfileobj(bqm.to_file(), handle)
    status, out, err = run(capsys, "exact", "ising", path, "--json")
    assert status == 0, err
    exact = json.loads(out)
    sample = dict(zip(["p", "q", "r", "s"], exact["solution"]))
    assert exact["objective"] == pytest.approx(min(bqm.energy(dict(zip("pqrs", s))) for s in states(4, (-1, 1))))
    assert bqm.energy(sample) == pytest.approx(exact["objective"])
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"solution": {"p": 1, "q": 1}}))
    status, out, err = run(capsys, "evaluate", "ising", path, wrong, "--json")
    assert status == 2 and "no value for r, s" in err and err.count("\n") == 1


@pytest.mark.parametrize("content, fragment", [
    ("p qubo 0 3 1 0\n0 0 1\n0 0 2\n", "bad.qubo:3:"),
    ("p qubo 0 3 2 0\n0 0 1\n", "bad.qubo:1:"),
    ("", "bad.qubo: no program line"),
])
def test_bad_files_exit_2_with_one_line(content, fragment, tmp_path, capsys):
    path = tmp_path / "bad.qubo"
    path.write_text(content)
    for kind in ("qubo", "ising"):
        status, out, err = run(capsys, "solve", kind, path, "--json")
        assert status == 2 and out == "" and fragment in err and err.count("\n") == 1, err


@pytest.mark.parametrize("cls", ["QUBO", "Ising"])
@pytest.mark.parametrize("n, density, seed", [(1, 0.5, 0), (2, 1.0, 1), (7, 0.3, 2), (60, 0.5, 3), (40, 0.0, 5)])
def test_random_instances_are_the_models_their_matrices_give(cls, n, density, seed):
    # random() mirrors its pairs straight into W; the oracle builds the same instance from its matrices through
    # the public constructors (from_qubo / from_ising): the models must be equal entry for entry
    import scipy.sparse as sp

    from hopopt.problems import quadratic

    kind = getattr(quadratic, cls)
    made = kind.random(n, density, rng=seed)
    linear, rows, cols, values = kind._random_model(n, density, seed)
    upper = sp.csr_array((values, (rows, cols)), shape=(n, n))
    oracle = kind(upper + sp.diags_array(linear)) if cls == "QUBO" else kind(linear, upper)
    new, old = made.to_model(), oracle.to_model()
    np.testing.assert_array_equal(sp.csr_array(new.weights).toarray(), sp.csr_array(old.weights).toarray())
    np.testing.assert_array_equal(new.thresholds, old.thresholds)
    assert (new.offset, new.vartype) == (old.offset, old.vartype)
