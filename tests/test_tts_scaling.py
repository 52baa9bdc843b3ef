"""benchmarks/tts_scaling.py: its instances, targets, statistics and one tiny end-to-end run.

Oracles: enumeration for the ground state of a 12-spin SK model, the TTS99 formula written out, and the
invariants of the targets (never above any energy seen, never worsened by a later run).
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "tts_scaling.py"


@pytest.fixture(scope="module")
def tts():
    spec = importlib.util.spec_from_file_location("tts_scaling", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ground_energy(model):
    states = np.array(list(itertools.product((-1, 1), repeat=model.n)), dtype=np.int8)
    return float(model.energies(states).min())


def test_sk_instances_are_dense_plus_minus_one_and_fixed_by_their_seed(tts):
    model = tts.sk_model(20, 1)
    weights = np.asarray(model.dense_weights())
    off_diagonal = weights[~np.eye(20, dtype=bool)]
    assert set(np.unique(off_diagonal).tolist()) == {-1.0, 1.0}
    np.testing.assert_array_equal(weights, weights.T)
    assert not np.any(model.thresholds) and model.vartype.value == "spin"
    np.testing.assert_array_equal(weights, np.asarray(tts.sk_model(20, 1).dense_weights()))
    assert not np.array_equal(weights, np.asarray(tts.sk_model(20, 2).dense_weights()))
    # hopopt's E = -1/2 sᵀWs for the all-up state
    assert model.energy(np.ones(20, dtype=np.int8)) == pytest.approx(-0.5 * weights.sum())


def test_regular_instances_have_three_plus_minus_one_couplings_per_spin(tts):
    model = tts.regular_model(40, 1)
    weights = np.asarray(model.dense_weights())
    assert model.is_sparse
    assert np.all((weights != 0).sum(axis=1) == 3)
    assert set(np.unique(weights[weights != 0]).tolist()) <= {-1.0, 1.0}
    np.testing.assert_array_equal(weights, weights.T)


def test_targets_only_improve_and_reaching_allows_rounding(tts):
    targets = {}
    tts.improve_target(targets, "a", -10.0, "x", "run")
    tts.improve_target(targets, "a", -9.0, "y", "run")
    assert targets["a"] == {"energy": -10.0, "solver": "x", "source": "run"}
    tts.improve_target(targets, "a", -10.0 - 1e-12, "z", "run")  # rounding is not an improvement
    assert targets["a"]["solver"] == "x"
    tts.improve_target(targets, "a", -11.0, "z", "reference")
    assert targets["a"]["energy"] == -11.0 and targets["a"]["solver"] == "z"
    assert tts.reached(-11.0 + 1e-12, -11.0) and not tts.reached(-10.0, -11.0)


def _records(energies, seconds=0.5, time_s=0.5):
    return [{"instance": "i", "family": "sk", "n": 8, "solver": "s", "seed": seed, "seconds": seconds,
             "time_s": time_s, "energy": energy, "note": "", "threads": 1} for seed, energy in enumerate(energies)]


def test_summary_rows_follow_the_tts99_formula_with_clopper_pearson_intervals(tts):
    records = _records([-5.0, -4.0, -5.0, -3.0])
    row = tts.summarize(records, {"i": {"energy": -5.0}})[0]
    assert row["successes"] == 2 and row["runs"] == 4 and row["p"] == 0.5
    assert row["tts99"] == pytest.approx(0.5 * math.log(0.01) / math.log(0.5))
    assert row["p_low"] < 0.5 < row["p_high"]
    # the interval of TTS99 is the formula at the ends of p's interval, swapped
    assert row["tts99_low"] == pytest.approx(0.5 * math.log(0.01) / math.log(1 - row["p_high"]))
    assert row["tts99_high"] == pytest.approx(0.5 * math.log(0.01) / math.log(1 - row["p_low"]))
    assert row["best_energy"] == -5.0 and row["median_energy"] == -4.5
    never = tts.summarize(_records([-4.0, -4.0]), {"i": {"energy": -5.0}})[0]
    assert never["p"] == 0.0 and never["tts99"] == math.inf and never["tts99_high"] == math.inf
    always = tts.summarize(_records([-5.0] * 3, time_s=0.25), {"i": {"energy": -5.0}})[0]
    assert always["tts99"] == pytest.approx(0.25)


def test_failed_runs_are_reported_not_counted(tts):
    records = _records([None, -5.0])
    records[0]["note"] = "RuntimeError: boom"
    row = tts.summarize(records, {"i": {"energy": -5.0}})[0]
    assert row["runs"] == 1 and row["successes"] == 1 and "boom" in row["note"]
    table = tts.markdown([row], {"i": {"energy": -5.0}}, "t")
    assert "| s | 1 |" in table and "1/1" in table


def test_tiny_end_to_end_run_writes_consistent_targets_and_rows(tts, tmp_path, capsys):
    targets_path, json_path = tmp_path / "targets.json", tmp_path / "out.json"
    status = tts.main(["--families", "sk", "--sizes", "12", "--runs", "3", "--seconds", "0.05", "--solvers",
                       "anneal", "--targets",
                       str(targets_path), "--json", str(json_path), "--reference-factor", "1"])
    assert status == 0
    out = capsys.readouterr().out
    assert "| hopopt-anneal |" in out and "sk-12" in out
    content = json.loads(json_path.read_text())
    target = content["targets"]["sk-12"]["energy"]
    assert target == json.loads(targets_path.read_text())["sk-12"]["energy"]
    energies = [record["energy"] for record in content["records"]]
    assert len(energies) == 3 and target <= min(energies)
    # 12 spins: the annealer finds the ground state, so the best found is the enumerated optimum here
    assert target == pytest.approx(_ground_energy(tts.sk_model(12, 1)))
    row = content["rows"][0]
    assert row["runs"] == 3 and row["successes"] == sum(energy <= target + 1e-9 for energy in energies)


def test_unknown_solver_and_family_are_usage_errors(tts):
    with pytest.raises(SystemExit):
        tts.main(["--families", "nope"])
    with pytest.raises(SystemExit, match="unknown solver"):
        tts.solver_table(["no-such-solver"])


def test_missing_hopopt_solver_is_skipped_with_a_note(tts, monkeypatch):
    monkeypatch.setitem(tts.HOPOPT_SOLVERS, "ghost", ("hopopt.solvers.no_such_module", "ghost", {}))
    runnable, notes = tts.solver_table(["ghost"])
    assert not runnable and "not available yet" in notes["hopopt-ghost"]
