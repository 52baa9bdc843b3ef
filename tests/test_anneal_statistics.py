"""At a fixed β the annealing kernel must sample the Boltzmann distribution (both acceptance rules, with
and without the integer flip-cost table)."""

import numpy as np
import pytest

from hopopt import EnergyModel
from hopopt.solvers import anneal
from hopopt.solvers.moves import cost_lattice


STATES = np.array([[a, b] for a in (-1, 1) for b in (-1, 1)])


@pytest.mark.parametrize("acceptance", ["metropolis", "glauber"])
@pytest.mark.parametrize("second_threshold", [-0.25, -0.3 * np.sqrt(2)], ids=["integer-costs", "real-costs"])
def test_fixed_beta_samples_boltzmann(acceptance, second_threshold):
    model = EnergyModel([[0, 1.0], [1.0, 0]], [0.5, second_threshold])
    assert (cost_lattice(model)[0] > 0) == (second_threshold == -0.25)
    energies = model.energies(STATES)
    assert len(set(energies.round(9))) == 4  # the energy after a sweep tells the state
    beta = 0.8
    probabilities = np.exp(-beta * energies)
    probabilities /= probabilities.sum()
    result = anneal(model, schedule=np.full(200000, beta), n_restarts=2, acceptance=acceptance, polish=False,
                    rng=11)
    # the trace is one restart's energy after every sweep; drop a burn-in
    visited = result.trace[1000:]
    frequencies = np.array([np.mean(np.isclose(visited, energy)) for energy in energies])
    assert np.allclose(frequencies, probabilities, atol=0.006), (frequencies, probabilities)


def test_cost_lattice_detects_units():
    assert cost_lattice(EnergyModel([[0, 2], [2, 0]], [3, 0])) == (2.0, 5)
    step, size = cost_lattice(EnergyModel([[0, 0.3], [0.3, 0]], [0.7, 0]))
    assert step == pytest.approx(0.2) and size == 10
    assert cost_lattice(EnergyModel([[0, np.pi], [np.pi, 0]], [1, 0])) == (0.0, 0)
    assert cost_lattice(EnergyModel([[0, 0], [0, 0]])) == (0.0, 0)
