"""At a fixed β the annealing kernel must sample the Boltzmann distribution (both acceptance rules, with
and without the integer flip-cost table)."""

import numpy as np
import pytest

from hopopt import EnergyModel
from hopopt.solvers import anneal
from hopopt.solvers.anneal import cost_lattice


def boltzmann_mean_energy(model, beta):
    states = np.array([[a, b] for a in (-1, 1) for b in (-1, 1)])
    energies = model.energies(states)
    weights = np.exp(-beta * (energies - energies.min()))
    return float(weights @ energies / weights.sum())


@pytest.mark.parametrize("acceptance", ["metropolis", "glauber"])
@pytest.mark.parametrize("second_threshold", [-0.25, -0.3 * np.sqrt(2)], ids=["integer-costs", "real-costs"])
def test_fixed_beta_samples_boltzmann(acceptance, second_threshold):
    model = EnergyModel([[0, 1.0], [1.0, 0]], [0.5, second_threshold])
    assert (cost_lattice(model)[0] > 0) == (second_threshold == -0.25)
    beta = 0.8
    sweeps = 40000
    result = anneal(model, schedule=np.full(sweeps, beta), n_restarts=4, acceptance=acceptance, polish=False,
                    rng=11)
    # the trace is the best restart's energy after every sweep; drop a burn-in
    sampled = result.trace[1000:].mean()
    expected = boltzmann_mean_energy(model, beta)
    spread = np.abs(model.energies([[1, 1], [-1, -1]])).max()
    assert abs(sampled - expected) < 0.03 * spread, (sampled, expected)


def test_cost_lattice_detects_units():
    assert cost_lattice(EnergyModel([[0, 2], [2, 0]], [3, 0])) == (2.0, 5)
    step, size = cost_lattice(EnergyModel([[0, 0.3], [0.3, 0]], [0.7, 0]))
    assert step == pytest.approx(0.2) and size == 10
    assert cost_lattice(EnergyModel([[0, np.pi], [np.pi, 0]], [1, 0])) == (0.0, 0)
    assert cost_lattice(EnergyModel([[0, 0], [0, 0]])) == (0.0, 0)
