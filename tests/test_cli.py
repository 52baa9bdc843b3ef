"""The `hopopt` command: the JSON contract, exit codes and one-line errors."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hopopt import MaxCut
from hopopt.cli import main

CONTRACT_KEYS = {"problem", "instance", "solver", "seed", "n_variables", "objective", "feasible", "violations",
                 "solution", "energy", "time_s", "optimal", "bound"}
SHARED = Path(__file__).resolve().parents[2] / "shared" / "instances"


def run_json(capsys, *argv):
    status = main(list(argv) + ["--json"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return json.loads(captured.out)


def run_error(capsys, *argv):
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.err


@pytest.fixture
def gset_file(tmp_path):
    path = tmp_path / "square.txt"
    path.write_text("4 5\n1 2 1\n2 3 1\n3 4 1\n4 1 1\n1 3 -1\n")
    return path


def test_solve_json_has_the_contract_keys_and_consistent_values(capsys, gset_file):
    record = run_json(capsys, "solve", "maxcut", str(gset_file), "--seed", "3", "--sweeps", "200")
    assert CONTRACT_KEYS <= set(record)
    assert record["problem"] == "maxcut" and record["seed"] == 3 and record["n_variables"] == 4
    problem = MaxCut(4, [(0, 1), (1, 2), (2, 3), (3, 0), (0, 2)], [1, 1, 1, 1, -1])
    # the reported objective is the cut of the reported solution, and equals minus the energy
    assert record["objective"] == problem.cut_weight(record["solution"]) == -record["energy"] == 4.0
    assert record["feasible"] is True and record["violations"] == []
    assert record["optimal"] is None and record["bound"] is None
    assert record["time_s"] >= 0


def test_same_seed_same_answer(capsys):
    first = run_json(capsys, "solve", "maxcut", "random:n=40,seed=5", "--seed", "7", "--sweeps", "100")
    second = run_json(capsys, "solve", "maxcut", "random:n=40,seed=5", "--seed", "7", "--sweeps", "100")
    assert first["solution"] == second["solution"]


def test_exact_proves_optimum_and_solve_reaches_it(capsys):
    exact = run_json(capsys, "exact", "maxcut", "random:n=16,seed=2,p=0.4")
    assert exact["optimal"] is True and exact["bound"] == exact["objective"]
    solved = run_json(capsys, "solve", "maxcut", "random:n=16,seed=2,p=0.4", "--restarts", "4")
    assert solved["objective"] == exact["objective"]


def test_exact_milp_on_a_larger_graph_reports_bound(capsys):
    record = run_json(capsys, "exact", "maxcut", "random:n=40,seed=1,p=0.1", "--time-limit", "30")
    assert record["solver"] == "exact-milp"
    assert record["bound"] >= record["objective"]


def test_evaluate_reads_what_solve_wrote(capsys, tmp_path, gset_file):
    record = run_json(capsys, "solve", "maxcut", str(gset_file), "--sweeps", "50")
    solution_file = tmp_path / "answer.json"
    solution_file.write_text(json.dumps(record))
    evaluated = run_json(capsys, "evaluate", "maxcut", str(gset_file), str(solution_file))
    assert evaluated["objective"] == record["objective"]
    assert evaluated["energy"] == record["energy"]


def test_descent_solver(capsys):
    record = run_json(capsys, "solve", "maxcut", "random:n=30,seed=1", "--solver", "descent", "--restarts", "3")
    assert record["solver"] == "descent" and record["restarts"] == 3


def test_demo_runs_and_proves_its_answer(capsys):
    record = run_json(capsys, "demo")
    assert CONTRACT_KEYS <= set(record)
    assert record["exact_objective"] >= record["objective"]


def test_compare_rows(capsys):
    record = run_json(capsys, "compare", "maxcut", "random:n=14,seed=0", "--time-limit", "0.3")
    solvers = [row["solver"] for row in record["rows"]]
    assert solvers[:5] == ["hopopt-temper", "hopopt-anneal", "hopopt-dsb", "hopopt-descent", "exact"]
    for row in record["rows"]:
        assert {"solver", "objective", "gap", "feasible", "time_s"} <= set(row)
        if row["objective"] is not None:
            assert row["gap"] >= 0  # the exact optimum is the reference


@pytest.mark.skipif(not (SHARED / "gset" / "G11.txt").exists(), reason="../shared/instances not present")
def test_catalogue_name_resolves_through_data_dir(capsys):
    record = run_json(capsys, "solve", "maxcut", "G11", "--data-dir", str(SHARED), "--sweeps", "20")
    assert record["n_variables"] == 800 and record["best_known"] == 564
    assert record["objective"] <= 564


BAD_INPUTS = [
    (["solve", "maxcut", "no/such/file.txt"], "no/such/file.txt"),
    (["solve", "maxcut", "random:n=10", "--time-limit", "-1"], "--time-limit"),
    (["solve", "maxcut", "random:n=10", "--restarts", "0"], "--restarts"),
    (["solve", "maxcut", "random:n=10", "--sweeps", "many"], "--sweeps"),
    (["solve", "maxcut", "random:n=0"], "n"),
    (["solve", "maxcut", "random:n=10,p=2"], "p"),
    (["solve", "maxcut", "random:n=10,q=1"], "q"),
    (["solve", "shortest-path", "random:n=10"], "shortest-path"),
    (["solve", "maxcut", "G99"], "G99"),
    (["frobnicate"], "frobnicate"),
    (["solve", "maxcut", "random:n=10", "--unknown"], "--unknown"),
]


@pytest.mark.parametrize("argv, mentioned", BAD_INPUTS)
def test_bad_input_is_one_line_and_status_2(capsys, argv, mentioned):
    status, err = run_error(capsys, *argv)
    assert status == 2
    assert len(err.strip().splitlines()) == 1 and mentioned in err
    assert "Traceback" not in err


@pytest.mark.parametrize("content, mentioned", [
    ("3 2\n1 2 1\n", "truncated"),                   # fewer edges than announced
    ("3 1\n1 5 1\n", ":2:"),                         # node id out of range, with its line
    ("3 1\n1 2 nan\n", ":2:"),                       # NaN weight
    ("0 0\n", "n"),                                  # no nodes
    ("3 1\n1 1 1\n", "self-loop"),
    ("hello\n", ":1:"),
])
def test_bad_gset_files(capsys, tmp_path, content, mentioned):
    path = tmp_path / "bad.txt"
    path.write_text(content)
    status, err = run_error(capsys, "solve", "maxcut", str(path))
    assert status == 2 and mentioned in err and len(err.strip().splitlines()) == 1


def test_bad_solution_files(capsys, tmp_path, gset_file):
    wrong_length = tmp_path / "short.json"
    wrong_length.write_text(json.dumps({"solution": [0, 1]}))
    status, err = run_error(capsys, "evaluate", "maxcut", str(gset_file), str(wrong_length))
    assert status == 2 and "short.json" in err
    not_json = tmp_path / "garbage.json"
    not_json.write_text("{{{")
    status, err = run_error(capsys, "evaluate", "maxcut", str(gset_file), str(not_json))
    assert status == 2 and "garbage.json" in err
    status, err = run_error(capsys, "evaluate", "maxcut", str(gset_file), str(tmp_path / "missing.json"))
    assert status == 2 and "missing.json" in err


def test_console_script_exit_codes(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "hopopt.cli", "solve", "maxcut", "random:n=12,seed=1",
                         "--sweeps", "20", "--json"], capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stderr
    assert CONTRACT_KEYS <= set(json.loads(ok.stdout))
    bad = subprocess.run([sys.executable, "-m", "hopopt.cli", "solve", "maxcut", str(tmp_path / "nope.txt")],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and bad.stdout == "" and len(bad.stderr.strip().splitlines()) == 1
    assert np.isfinite(json.loads(ok.stdout)["time_s"])


# ---------------------------------------------------------------------------------------------- tsp
SQUARE_TSP = """NAME : square
TYPE : TSP
DIMENSION : 5
EDGE_WEIGHT_TYPE : EUC_2D
NODE_COORD_SECTION
1 0 0
2 10 0
3 10 10
4 0 10
5 5 -3
EOF
"""


@pytest.fixture
def tsp_file(tmp_path):
    path = tmp_path / "square.tsp"
    path.write_text(SQUARE_TSP)
    return path


def test_tsp_solve_json_is_a_valid_tour_with_consistent_energy(capsys, tsp_file):
    record = run_json(capsys, "solve", "tsp", str(tsp_file), "--sweeps", "300")
    assert CONTRACT_KEYS <= set(record)
    assert sorted(record["solution"]) == list(range(5)) and record["feasible"] is True
    assert record["n_variables"] == 25 and record["moves"] == "permutation"
    # E = length on permutation matrices (distance scale 1)
    assert record["energy"] == record["objective"]
    exact = run_json(capsys, "exact", "tsp", str(tsp_file))
    assert exact["optimal"] is True and exact["objective"] == record["objective"]


@pytest.mark.parametrize("solver", ["penalty", "tank", "descent"])
def test_tsp_other_solvers_report_feasible_decoded_tours(capsys, solver):
    record = run_json(capsys, "solve", "tsp", "random:n=6,seed=2", "--solver", solver, "--time-limit", "2")
    assert sorted(record["solution"]) == list(range(6)) and record["feasible"] is True


def test_tsp_single_flip_moves_run_the_penalty_network(capsys):
    record = run_json(capsys, "solve", "tsp", "random:n=6,seed=2", "--moves", "single-flip", "--sweeps", "500")
    assert record["moves"] == "single-flip" and record["feasible"] is True  # decoded with repair


def test_tsp_evaluate_tour_files(capsys, tmp_path, tsp_file):
    from hopopt.io import write_tour

    tour_path = tmp_path / "square.tour"
    write_tour(tour_path, [0, 1, 2, 3, 4], name="square")
    record = run_json(capsys, "evaluate", "tsp", str(tsp_file), str(tour_path))
    assert record["feasible"] is True and record["solution"] == [0, 1, 2, 3, 4]
    other = tmp_path / "other.tour"
    write_tour(other, [0, 1, 2, 3], name="other")
    status, err = run_error(capsys, "evaluate", "tsp", str(tsp_file), str(other))
    assert status == 2 and "other.tour" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("content", [
    "NAME : x\nTYPE : TSP\nEDGE_WEIGHT_TYPE : EUC_2D\nNODE_COORD_SECTION\n1 0 0\n",
    "NAME : x\nTYPE : TSP\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : XRAY\n",
    "NAME : x\nTYPE : TSP\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : FULL_MATRIX\n"
    "EDGE_WEIGHT_SECTION\n0 1 2\n1 0 3\n",
    "NAME : x\nTYPE : TSP\nDIMENSION : 2\nEDGE_WEIGHT_TYPE : EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 1 1\n",
])
def test_bad_tsplib_files(capsys, tmp_path, content):
    path = tmp_path / "bad.tsp"
    path.write_text(content)
    status, err = run_error(capsys, "solve", "tsp", str(path))
    assert status == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_colors_only_for_coloring(capsys):
    status, err = run_error(capsys, "solve", "tsp", "random:n=5", "--colors", "3")
    assert status == 2 and "--colors" in err


def test_constraint_preserving_moves_need_a_declared_structure(capsys):
    status, err = run_error(capsys, "solve", "maxcut", "random:n=5", "--moves", "constraint-preserving")
    assert status == 2 and "constraint-preserving" in err


# ---------------------------------------------------------------------------------------------- coloring
PENTAGON_COL = "c a 5-cycle needs 3 colours\np edge 5 5\ne 1 2\ne 2 3\ne 3 4\ne 4 5\ne 5 1\n"


@pytest.fixture
def col_file(tmp_path):
    path = tmp_path / "pentagon.col"
    path.write_text(PENTAGON_COL)
    return path


def test_coloring_search_and_exact_agree(capsys, col_file):
    record = run_json(capsys, "solve", "coloring", str(col_file), "--time-limit", "2")
    assert CONTRACT_KEYS <= set(record) and record["feasible"] is True
    assert record["objective"] == 3 and len(record["solution"]) == 5
    exact = run_json(capsys, "exact", "coloring", str(col_file))
    assert exact["optimal"] is True and exact["objective"] == 3 and exact["bound"] == 3


def test_coloring_with_fixed_colors_reports_the_model_size(capsys, col_file, tmp_path):
    record = run_json(capsys, "solve", "coloring", str(col_file), "--colors", "3", "--sweeps", "200")
    assert record["colors"] == 3 and record["n_variables"] == 15 and record["feasible"] is True
    solution_file = tmp_path / "colours.json"
    solution_file.write_text(json.dumps({"solution": [0, 0, 1, 0, 1]}))  # edge (0, 1) has one colour
    evaluated = run_json(capsys, "evaluate", "coloring", str(col_file), str(solution_file))
    assert evaluated["feasible"] is False and any("(0, 1)" in line for line in evaluated["violations"])


@pytest.mark.parametrize("content", [
    "p edge 3 1\ne 2 2\n",            # self-loop
    "p edge 3 1\ne 1 7\n",            # node out of range
    "e 1 2\n",                        # no p line
    "p edge 0 0\n",                   # empty graph
])
def test_bad_dimacs_files(capsys, tmp_path, content):
    path = tmp_path / "bad.col"
    path.write_text(content)
    status, err = run_error(capsys, "solve", "coloring", str(path))
    assert status == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_zero_colors_is_bad_usage(capsys, col_file):
    status, err = run_error(capsys, "solve", "coloring", str(col_file), "--colors", "0")
    assert status == 2 and "--colors" in err


# ---------------------------------------------------------------------------------------------- memory
def test_memory_capacity_json(capsys):
    record = run_json(capsys, "memory", "capacity", "--neurons", "60", "--rule", "pseudo-inverse", "--trials", "1")
    assert {"alpha_c", "curve"} <= set(record)
    loads = [load for load, _ in record["curve"]]
    assert loads == sorted(loads) and all(0 <= fraction <= 1 for _, fraction in record["curve"])


@pytest.mark.parametrize("argv", [
    ["memory", "capacity", "--neurons", "1"],
    ["memory", "capacity", "--neurons", "50", "--rule", "oja"],
    ["memory", "capacity"],
])
def test_memory_bad_usage(capsys, argv):
    status, err = run_error(capsys, *argv)
    assert status == 2 and len(err.strip().splitlines()) == 1


# ---------------------------------------------------------------------------------------------- pictures
@pytest.mark.parametrize("argv", [
    ["solve", "maxcut", "random:n=12,seed=1", "--sweeps", "50"],
    ["solve", "tsp", "random:n=7,seed=1", "--sweeps", "50"],
    ["solve", "coloring", "random:n=10,seed=1", "--colors", "4", "--sweeps", "50"],
])
def test_solve_plot_writes_a_png(capsys, tmp_path, argv):
    picture = tmp_path / "out" / "solution.png"
    run_json(capsys, *argv, "--plot", str(picture))
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_solve_plot_to_an_unwritable_place_is_bad_usage(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    status, err = run_error(capsys, "solve", "maxcut", "random:n=8", "--sweeps", "10", "--plot",
                            str(blocker / "x.png"))
    assert status == 2 and len(err.strip().splitlines()) == 1


def test_explain_terms_add_up_to_the_state_energy(capsys):
    record = run_json(capsys, "solve", "tsp", "random:n=6,seed=1", "--moves", "single-flip", "--sweeps", "5",
                      "--explain")
    explanation = record["explain"]
    assert sum(explanation["terms"].values()) == pytest.approx(record["state_energy"])
    assert (explanation["violations"] == []) == (explanation["terms"]["each city once (A·Σ(rows−1)²)"] == 0
                                                 and explanation["terms"]["each position once (A·Σ(cols−1)²)"] == 0)
    coloring = run_json(capsys, "solve", "coloring", "random:n=12,seed=2", "--colors", "2", "--sweeps", "20",
                        "--explain")
    assert sum(coloring["explain"]["terms"].values()) == pytest.approx(coloring["energy"])


def test_memory_capacity_plot(capsys, tmp_path):
    picture = tmp_path / "capacity.png"
    run_json(capsys, "memory", "capacity", "--neurons", "40", "--trials", "1", "--plot", str(picture))
    assert picture.read_bytes()[:4] == b"\x89PNG"
