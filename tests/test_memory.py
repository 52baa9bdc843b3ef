"""Tests for associative memory: hopopt.problems.memory (storage, cues, analysis) and hopopt.workflows.memory
(recall, modern recall, capacity)."""

from __future__ import annotations

import numpy as np
import pytest

from hopopt import EnergyModel
from hopopt.problems import memory
from hopopt.problems.memory import classify_state, corrupt, is_spurious, mask, modern_update, store
from hopopt.workflows.memory import capacity_curve, modern_recall, recall


def random_patterns(p, n, seed=0):
    return np.random.default_rng(seed).choice([-1, 1], size=(p, n)).astype(np.int8)


def naive_storkey(x):
    """The Storkey rule written literally, entry by entry of h_ij."""
    p, n = x.shape
    weights = np.zeros((n, n))
    for xi in x.astype(float):
        local = np.array([[sum(weights[i, k] * xi[k] for k in range(n) if k not in (i, j)) for j in range(n)]
                          for i in range(n)])
        delta = np.outer(xi, xi) - xi[:, None] * local.T - local * xi[None, :]
        weights = weights + delta / n
        np.fill_diagonal(weights, 0.0)
    return weights


@pytest.mark.parametrize("rule", memory.RULES)
def test_rules_symmetric_zero_diagonal(rule):
    model = store(random_patterns(8, 30), rule)
    w = np.asarray(model.weights)
    assert np.array_equal(w, w.T)
    assert np.all(np.diag(w) == 0)
    assert model.metadata["rule"] == rule
    assert np.array_equal(model.metadata["patterns"], random_patterns(8, 30))


def test_hebb_formula_and_single_pattern_fixed_point():
    xi = random_patterns(1, 25, seed=3)[0]
    model = store(xi)
    expected = np.outer(xi, xi) / 25.0
    np.fill_diagonal(expected, 0)
    assert np.allclose(model.weights, expected)
    for rule in memory.RULES:
        result = recall(store(xi, rule), xi, rng=0)
        assert result.converged and result.matched == 0 and np.array_equal(result.state, xi)
        assert len(result.states) == 1 and result.label == "pattern 0" and not result.spurious


def test_storkey_matches_literal_rule():
    x = random_patterns(5, 9, seed=4)
    assert np.allclose(store(x, "storkey").weights, naive_storkey(x), atol=1e-12)


def test_pseudo_inverse_patterns_are_fixed_points_below_n():
    x = random_patterns(40, 60, seed=5)                 # P/N = 2/3: still fixed points after zeroing diagonal
    w = np.asarray(store(x, "pseudo-inverse").weights)
    assert np.all(np.sign(x @ w) == x)


@pytest.mark.parametrize("bad, message", [
    ([[1, -1, 1], [1, -1]], "same length"),
    ([[1, 0, 1]], "only -1 and \\+1"),
    ([[1, 2, 1]], "only -1 and \\+1"),
    ([[1]], "N ≥ 2"),
    (np.empty((0, 5)), "P = 0"),
    ([], "P = 0"),
])
def test_store_validation(bad, message):
    with pytest.raises(ValueError, match=message):
        store(bad)


def test_store_unknown_rule():
    with pytest.raises(ValueError, match="rule"):
        store([[1, -1]], rule="oja")


def test_async_recall_from_noise_and_energy_never_rises():
    x = random_patterns(5, 200, seed=1)
    model = store(x)
    for k in range(5):
        result = recall(model, corrupt(x[k], 0.2, rng=k), rng=10 + k)
        assert result.converged and result.matched == k
        assert np.array_equal(result.state, x[k])
        assert np.all(np.diff(result.energies) <= 1e-12)
        assert np.allclose(result.energies, model.energies(result.states))
        assert result.overlaps.shape == (len(result.states), 5)
        assert result.overlaps[-1, k] == 1.0 and result.overlaps[0, k] == pytest.approx(0.6)


def test_energy_never_rises_at_high_load():
    x = random_patterns(40, 100, seed=2)
    model = store(x)
    for seed in range(5):
        result = recall(model, corrupt(x[0], 0.3, rng=seed), rng=seed)
        assert np.all(np.diff(result.energies) <= 1e-12)


def test_sync_recall_two_cycle():
    model = EnergyModel([[0, 1], [1, 0]])
    result = recall(model, [1, -1], mode="sync", patterns=[[1, 1]])
    assert result.two_cycle and not result.converged
    assert result.label == "reversed pattern 0" or result.spurious
    sync = recall(store(random_patterns(3, 100)), corrupt(random_patterns(3, 100)[2], 0.1, rng=0), mode="sync")
    assert sync.converged and sync.matched == 2 and not sync.two_cycle


def test_recall_validation():
    model = store(random_patterns(2, 10))
    with pytest.raises(ValueError, match="mode"):
        recall(model, np.ones(10), mode="parallel")
    with pytest.raises(ValueError, match="length"):
        recall(model, np.ones(9))
    with pytest.raises(ValueError, match="patterns"):
        recall(EnergyModel(np.zeros((3, 3))), [1, 1, 1])


def test_storkey_and_pseudo_inverse_beat_hebb_at_moderate_load():
    n, p = 100, 20                                       # α = 0.2, above Hebb's α_c ≈ 0.14
    x = random_patterns(p, n, seed=7)
    stable = {}
    for rule in memory.RULES:
        w = np.asarray(store(x, rule).weights)
        recalled = 0
        for k in range(p):
            result = recall(store(x, rule), corrupt(x[k], 0.05, rng=k), rng=k)
            recalled += result.matched == k
        stable[rule] = (recalled, int(np.sum(np.sign(x @ w) == x)))
    assert stable["storkey"][0] > stable["hebb"][0]
    assert stable["pseudo-inverse"][0] > stable["hebb"][0]
    assert stable["pseudo-inverse"][1] == p * n        # every bit of every pattern is stable


def test_corrupt_and_mask():
    xi = random_patterns(1, 100)[0]
    cue = corrupt(xi, 0.2, rng=0)
    assert np.sum(cue != xi) == 20 and cue.dtype == np.int8
    assert np.array_equal(corrupt(xi, 0.0, rng=0), xi)
    assert np.array_equal(corrupt(xi, 1.0, rng=0), -xi)
    partial = mask(xi, 0.5, rng=0)
    assert set(np.unique(partial)) <= {-1, 1} and 0 < np.sum(partial != xi) < 50
    for bad in (-0.1, 1.5, "a", np.nan):
        with pytest.raises(ValueError):
            corrupt(xi, bad)
        with pytest.raises(ValueError):
            mask(xi, bad)
    with pytest.raises(ValueError):
        corrupt([1, 0, 1], 0.1)


def test_classify_state():
    x = random_patterns(5, 101, seed=8)
    assert classify_state(x[3], x) == "pattern 3"
    assert classify_state(-x[2], x) == "reversed pattern 2"
    mixture = np.sign(x[0] - x[1] + x[4]).astype(int)
    assert classify_state(mixture, x) == "mixture of 0,1,4"
    noisy = corrupt(x[1], 0.02, rng=0)
    assert classify_state(noisy, x) != "pattern 1"
    assert classify_state(noisy, x, tolerance=0.03) == "pattern 1"
    assert is_spurious(mixture, x) and not is_spurious(-x[0], x)
    assert classify_state(random_patterns(1, 101, seed=99)[0], x) == "spurious"


def test_modern_update_retrieves_pattern():
    x = random_patterns(30, 128, seed=9)
    cue = corrupt(x[11], 0.25, rng=1)
    assert np.allclose(modern_update(x, cue, beta=5.0), x[11], atol=1e-6)
    result = modern_recall(x, cue, beta=5.0, steps=5)
    assert result.matched == 11 and result.converged
    # β = 0 averages all patterns: the mean pattern, a metastable state
    assert np.allclose(modern_update(x, cue, beta=0.0), x.mean(axis=0))
    with pytest.raises(ValueError):
        modern_update(x, cue[:10], beta=1.0)
    with pytest.raises(ValueError):
        modern_update(x, cue, beta=-1.0)


def test_capacity_curve_smoke():
    out = capacity_curve(100, "hebb", loads=[0.05, 0.1, 0.15, 0.2, 0.3], trials=3, rng=0)
    fractions = [f for _, f in out["curve"]]
    assert fractions[0] >= 0.9 and fractions[-1] <= 0.3
    assert all(b <= a + 0.25 for a, b in zip(fractions, fractions[1:]))
    assert 0.08 <= out["alpha_c"] <= 0.3
    with pytest.raises(ValueError):
        capacity_curve(1, "hebb")
    with pytest.raises(ValueError):
        capacity_curve(100, "oja")
    with pytest.raises(ValueError):
        capacity_curve(100, "hebb", noise=2.0)


def test_capacity_curve_default_loads_stop_early():
    out = capacity_curve(60, "hebb", trials=2, rng=1)
    assert out["alpha_c"] is not None and len(out["curve"]) < 49
