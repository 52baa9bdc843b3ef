"""Success intervals, time to solution, gaps and the per-solver summary of benchmark runs."""

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hopopt.bench.statistics import (clopper_pearson, reaches, relative_gap, runs_to_solution, summarize,
                                     time_to_solution, tts_interval)


# ---------------------------------------------------------------- Clopper–Pearson


@pytest.mark.parametrize("runs", [1, 2, 10, 37])
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_clopper_pearson_closed_form_at_the_ends(runs, confidence):
    # with no success the upper end solves (1 - p)^n = alpha/2; with all successes symmetrically
    half_alpha = (1 - confidence) / 2
    low, high = clopper_pearson(0, runs, confidence)
    assert low == 0.0
    assert high == pytest.approx(1 - half_alpha ** (1 / runs), rel=1e-12)
    low, high = clopper_pearson(runs, runs, confidence)
    assert low == pytest.approx(half_alpha ** (1 / runs), rel=1e-12)
    assert high == 1.0


def test_clopper_pearson_known_value():
    # 0 of 10 at 95 %: the classic "rule of three"-like bound 1 - 0.025^(1/10)
    assert clopper_pearson(0, 10)[1] == pytest.approx(1 - 0.025 ** (1 / 10), rel=1e-12)
    # 5 of 10 is symmetric about 1/2 (published value 0.1871 .. 0.8129)
    low, high = clopper_pearson(5, 10)
    assert low == pytest.approx(0.187086, abs=1e-6)
    assert low + high == pytest.approx(1.0, abs=1e-12)


def test_clopper_pearson_matches_scipy_binomtest():
    # the beta quantiles are the ends scipy.stats.binomtest finds by root finding (to its tolerance)
    from scipy.stats import binomtest

    for runs in (1, 2, 3, 7, 20, 64, 150):
        for successes in range(runs + 1):
            for confidence in (0.5, 0.8, 0.95, 0.99, 0.999):
                expected = binomtest(successes, runs).proportion_ci(confidence_level=confidence, method="exact")
                low, high = clopper_pearson(successes, runs, confidence)
                assert low == pytest.approx(expected.low, abs=1e-10)
                assert high == pytest.approx(expected.high, abs=1e-10)


def test_clopper_pearson_does_not_import_scipy_stats():
    # scipy.stats takes about a second to import: the interval (and so compare's tables) must not need it
    import subprocess
    import sys

    code = ("import sys; from hopopt.bench.statistics import clopper_pearson; clopper_pearson(3, 10); "
            "print('scipy.stats' in sys.modules)")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "False"


def test_clopper_pearson_returns_plain_floats():
    low, high = clopper_pearson(3, 10)
    assert type(low) is float and type(high) is float


@pytest.mark.parametrize("successes, runs", [(0, 0), (-1, 5), (6, 5), (1, -2), (1.5, 4), (1, 4.0)])
def test_clopper_pearson_rejects_bad_counts(successes, runs):
    with pytest.raises(ValueError, match="runs|successes"):
        clopper_pearson(successes, runs)


@pytest.mark.parametrize("confidence", [0.0, 1.0, 1.5, -0.1])
def test_clopper_pearson_rejects_bad_confidence(confidence):
    with pytest.raises(ValueError, match="confidence"):
        clopper_pearson(1, 2, confidence)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 500).flatmap(lambda runs: st.tuples(st.integers(0, runs), st.just(runs))),
       st.sampled_from([0.8, 0.95, 0.99]), st.floats(1e-6, 1e3))
def test_intervals_contain_the_estimate(counts, confidence, time_per_run):
    successes, runs = counts
    estimate = successes / runs
    low, high = clopper_pearson(successes, runs, confidence)
    assert 0.0 <= low <= estimate <= high <= 1.0
    tts, tts_low, tts_high = tts_interval(successes, runs, time_per_run, confidence)
    assert time_per_run * (1 - 1e-12) <= tts_low <= tts <= tts_high
    assert (tts_high == math.inf) == (successes == 0)
    # a wider confidence gives a wider interval
    wider_low, wider_high = clopper_pearson(successes, runs, 0.999)
    assert wider_low <= low and high <= wider_high


# ---------------------------------------------------------------- runs and time to solution


def test_runs_to_solution_formula():
    assert runs_to_solution(0.5) == pytest.approx(math.log(0.01) / math.log(0.5))
    assert runs_to_solution(0.5) == pytest.approx(6.643856189774724)
    assert runs_to_solution(0.1, 0.9) == pytest.approx(math.log(0.1) / math.log(0.9))
    # tiny p: about ln(100) / p, computed without cancellation
    assert runs_to_solution(1e-12) == pytest.approx(math.log(100) * 1e12, rel=1e-9)


def test_runs_to_solution_limits():
    assert runs_to_solution(0.0) == math.inf
    assert runs_to_solution(1.0) == 1.0
    # p above the target probability would give fewer than one run: one run is the least
    assert runs_to_solution(0.995) == 1.0
    assert runs_to_solution(0.99) == pytest.approx(1.0)


@pytest.mark.parametrize("p", [-0.1, 1.1, math.nan])
def test_runs_to_solution_rejects_bad_probability(p):
    with pytest.raises(ValueError, match="p must"):
        runs_to_solution(p)


@pytest.mark.parametrize("target_probability", [0.0, 1.0, 2.0])
def test_runs_to_solution_rejects_bad_target_probability(target_probability):
    with pytest.raises(ValueError, match="target_probability"):
        runs_to_solution(0.5, target_probability)


def test_time_to_solution():
    assert time_to_solution(0.5, 1.0) == pytest.approx(6.643856189774724)
    assert time_to_solution(0.5, 3.0) == pytest.approx(3 * 6.643856189774724)
    assert time_to_solution(1.0, 3.0) == 3.0
    assert time_to_solution(0.0, 3.0) == math.inf
    assert time_to_solution(0.0, 0.0) == math.inf  # not NaN
    with pytest.raises(ValueError, match="time_per_run"):
        time_to_solution(0.5, -1.0)


def test_tts_interval_maps_the_probability_interval_reversed():
    low, high = clopper_pearson(3, 20)
    tts, tts_low, tts_high = tts_interval(3, 20, 2.0)
    assert tts == pytest.approx(2.0 * math.log(0.01) / math.log(1 - 3 / 20))
    assert tts_low == pytest.approx(2.0 * math.log(0.01) / math.log(1 - high))
    assert tts_high == pytest.approx(2.0 * math.log(0.01) / math.log(1 - low))
    assert tts_interval(20, 20, 2.0)[:2] == (2.0, 2.0)


@settings(max_examples=100, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_runs_to_solution_decreases_with_p(first, second):
    low, high = sorted((first, second))
    assert runs_to_solution(low) >= runs_to_solution(high) >= 1.0


# ---------------------------------------------------------------- gaps


def test_relative_gap_sense():
    assert relative_gap(90, 100, "max") == pytest.approx(0.1)
    assert relative_gap(110, 100, "max") == pytest.approx(-0.1)
    assert relative_gap(110, 100, "min") == pytest.approx(0.1)
    assert relative_gap(90, 100, "min") == pytest.approx(-0.1)
    # negative targets: relative to |target|, still positive = worse
    assert relative_gap(-90, -100, "min") == pytest.approx(0.1)
    assert relative_gap(-110, -100, "max") == pytest.approx(0.1)


def test_relative_gap_zero_target_is_absolute():
    assert relative_gap(3, 0, "min") == 3.0
    assert relative_gap(3, 0, "max") == -3.0
    assert relative_gap(-2, 0, "max") == 2.0


def test_relative_gap_missing_values_and_bad_sense():
    assert relative_gap(None, 5, "max") is None
    assert relative_gap(5, None, "min") is None
    with pytest.raises(ValueError, match="sense"):
        relative_gap(1, 2, "maximise")


def test_reaches_sense_and_tolerance():
    assert reaches(100, 100, "max") and reaches(100, 100, "min")
    assert reaches(101, 100, "max") and not reaches(101, 100, "min")
    assert reaches(99, 100, "min") and not reaches(99, 100, "max")
    assert reaches(100 * (1 - 1e-10), 100, "max")
    assert not reaches(100 * (1 - 1e-8), 100, "max")
    assert reaches(5e-10, 0, "min") and not reaches(2e-9, 0, "min")
    assert reaches(-5e-10, 0, "max") and not reaches(-2e-9, 0, "max")
    assert reaches(99, 100, "max", tolerance=0.02)
    assert not reaches(None, 100, "max") and not reaches(100, None, "max")
    with pytest.raises(ValueError, match="sense"):
        reaches(1, 1, "best")


# ---------------------------------------------------------------- summary


def run(solver, seed, objective, feasible=True, time_s=1.0, **extra):
    record = {"block": "small", "problem": "maxcut", "instance": "g1", "n": 8, "solver": solver,
              "kind": "hopopt", "seed": seed, "status": "ok", "note": "", "objective": objective,
              "feasible": feasible, "time_s": time_s, "sense": "max", "target": 10.0,
              "energy_per_objective": 2.0}
    record.update(extra)
    return record


SUMMARY_KEYS = ["block", "problem", "instance", "n", "solver", "kind", "runs", "feasible_runs", "valid_rate",
                "target", "successes", "success_probability", "success_low", "success_high", "tts99",
                "tts99_low", "tts99_high", "mean_time_s", "median_time_s", "best_objective",
                "median_objective", "best_gap", "median_gap", "worst_gap", "mean_residual",
                "mean_residual_energy", "status", "note"]


def make_records():
    import numpy as np  # objectives and times often come out of numpy: the summary must not pass them on

    return [
        run("hopopt-anneal", 0, np.float64(10.0), time_s=np.float64(1.0)),
        run("dwave-sa", 0, 8.0, time_s=0.5, kind="peer", energy_per_objective=None),
        run("hopopt-anneal", 1, 9.0, time_s=2.0),
        run("hopopt-anneal", 2, 4.0, feasible=np.bool_(False), time_s=3.0),
        run("hopopt-anneal", 3, 7.0, time_s=2.0, gap=0.5),  # a given gap wins over the computed one
        run("dwave-sa", 1, 10.0, time_s=1.5, kind="peer", energy_per_objective=None),
        {"block": "small", "problem": "maxcut", "instance": "g1", "n": 8, "solver": "openjij-sa",
         "kind": "peer", "seed": 0, "status": "not installed",
         "note": "not installed (No module named 'openjij')", "objective": None, "feasible": None,
         "time_s": None, "sense": "max", "target": 10.0, "gap": None, "energy_per_objective": None},
        {"block": "small", "problem": "maxcut", "instance": "g1", "n": 8, "solver": "openjij-sa",
         "kind": "peer", "seed": 1, "status": "not installed",
         "note": "not installed (No module named 'openjij')", "objective": None, "feasible": None,
         "time_s": None, "sense": "max", "target": 10.0, "gap": None, "energy_per_objective": None},
        # unknown optimum, minimisation, optional keys missing
        {"problem": "tsp", "instance": "t5", "solver": "hopopt-anneal", "seed": 0, "status": "ok",
         "objective": 12.0, "feasible": True, "time_s": 0.25, "sense": "min", "target": None},
        {"problem": "tsp", "instance": "t5", "solver": "hopopt-anneal", "seed": 1, "status": "ok",
         "objective": 11.0, "feasible": True, "time_s": 0.75, "sense": "min", "target": None},
        {"problem": "tsp", "instance": "t5", "solver": "hopopt-anneal", "seed": 2, "status": "failed",
         "note": "boom", "objective": None, "feasible": None, "time_s": None, "sense": "min",
         "target": None},
    ]


def test_summarize_groups_in_first_seen_order():
    rows = summarize(make_records())
    assert [(row["block"], row["problem"], row["solver"]) for row in rows] == [
        ("small", "maxcut", "hopopt-anneal"), ("small", "maxcut", "dwave-sa"),
        ("small", "maxcut", "openjij-sa"), ("", "tsp", "hopopt-anneal")]
    for row in rows:
        assert list(row) == SUMMARY_KEYS


def test_summarize_hopopt_row():
    row = summarize(make_records())[0]
    low, high = clopper_pearson(1, 4)
    tts, tts_low, tts_high = tts_interval(1, 4, 2.0)
    assert row["kind"] == "hopopt" and row["n"] == 8 and row["instance"] == "g1"
    assert row["runs"] == 4 and row["feasible_runs"] == 3 and row["valid_rate"] == 0.75
    assert row["target"] == 10.0
    assert row["successes"] == 1 and row["success_probability"] == 0.25
    assert (row["success_low"], row["success_high"]) == (low, high)
    assert row["mean_time_s"] == 2.0 and row["median_time_s"] == 2.0  # infeasible runs cost time too
    assert row["tts99"] == pytest.approx(2.0 * math.log(0.01) / math.log(0.75))
    assert (row["tts99"], row["tts99_low"], row["tts99_high"]) == (tts, tts_low, tts_high)
    assert row["best_objective"] == 10.0 and row["median_objective"] == 9.0  # the infeasible 4 is left out
    assert row["best_gap"] == 0.0 and row["median_gap"] == pytest.approx(0.1) and row["worst_gap"] == 0.5
    assert row["mean_residual"] == pytest.approx((0 + 1 + 3) / 3)
    assert row["mean_residual_energy"] == pytest.approx(2.0 * 4 / 3)
    assert row["status"] == "ok" and row["note"] == ""


def test_summarize_peer_row():
    row = summarize(make_records())[1]
    assert row["solver"] == "dwave-sa" and row["kind"] == "peer"
    assert row["runs"] == 2 and row["feasible_runs"] == 2 and row["valid_rate"] == 1.0
    assert row["successes"] == 1 and row["success_probability"] == 0.5
    assert row["mean_time_s"] == 1.0 and row["median_time_s"] == 1.0
    assert row["tts99"] == pytest.approx(math.log(0.01) / math.log(0.5))
    assert row["best_objective"] == 10.0 and row["median_objective"] == 9.0
    assert row["best_gap"] == 0.0 and row["median_gap"] == pytest.approx(0.1)
    assert row["worst_gap"] == pytest.approx(0.2)
    assert row["mean_residual"] == 1.0 and row["mean_residual_energy"] is None


def test_summarize_not_installed_row():
    row = summarize(make_records())[2]
    assert row["solver"] == "openjij-sa" and row["runs"] == 0 and row["feasible_runs"] == 0
    assert row["status"] == "not installed"
    assert row["note"] == "not installed (No module named 'openjij')"  # once, not once per seed
    assert row["target"] == 10.0  # known from the instance, though nothing ran
    for key in SUMMARY_KEYS[8:-2]:
        if key != "target":
            assert row[key] is None, key


def test_summarize_unknown_target_row():
    row = summarize(make_records())[3]
    assert row["block"] == "" and row["n"] is None and row["kind"] == ""
    assert row["runs"] == 2 and row["feasible_runs"] == 2 and row["valid_rate"] == 1.0
    assert row["target"] is None
    for key in ["successes", "success_probability", "success_low", "success_high", "tts99", "tts99_low",
                "tts99_high", "best_gap", "median_gap", "worst_gap", "mean_residual", "mean_residual_energy"]:
        assert row[key] is None, key
    assert row["mean_time_s"] == 0.5 and row["median_time_s"] == 0.5
    assert row["best_objective"] == 11.0 and row["median_objective"] == 11.5  # minimisation
    assert row["status"] == "ok" and row["note"] == "boom"


def test_summarize_no_success_gives_infinite_tts():
    records = [run("hopopt-anneal", seed, 9.0) for seed in range(5)]
    row = summarize(records)[0]
    assert row["successes"] == 0 and row["success_low"] == 0.0
    assert row["tts99"] == math.inf and row["tts99_high"] == math.inf
    # five failures cannot exclude a good success probability: the optimistic end stays finite
    assert row["tts99_low"] == pytest.approx(math.log(0.01) / math.log(1 - (1 - 0.025 ** (1 / 5))))
    records = [run("hopopt-anneal", 0, 9.0, feasible=False)]
    row = summarize(records)[0]
    assert row["feasible_runs"] == 0 and row["valid_rate"] == 0.0 and row["successes"] == 0
    assert row["best_objective"] is None and row["best_gap"] is None and row["mean_residual"] is None


def test_summarize_confidence_is_passed_on():
    records = [run("hopopt-anneal", seed, 10.0 if seed < 3 else 9.0) for seed in range(8)]
    row = summarize(records, confidence=0.8, target_probability=0.9)[0]
    assert (row["success_low"], row["success_high"]) == clopper_pearson(3, 8, 0.8)
    assert row["tts99"] == pytest.approx(math.log(0.1) / math.log(1 - 3 / 8))


def test_summarize_output_is_plain_json():
    def replace_infinity(value):
        return "inf" if isinstance(value, float) and math.isinf(value) else value

    rows = summarize(make_records() + [run("never", seed, 1.0) for seed in range(3)])
    assert rows[-1]["tts99_high"] == math.inf
    for row in rows:
        for key, value in row.items():
            # exact types: numpy scalars (np.float64 is a float subclass) must not leak through
            assert value is None or type(value) in (str, int, float, bool), (key, type(value))
        json.dumps({key: replace_infinity(value) for key, value in row.items()}, allow_nan=False)
    assert summarize([]) == []
