"""Shared test helpers: random energy models and naive reference implementations.

Nothing here changes library behaviour. Helpers are handed to tests as session-scoped fixtures (so they can
be used inside hypothesis tests without the function-scoped-fixture health check).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import strategies as st

from hopopt import EnergyModel


def random_model(seed, n, *, density=1.0, sparse=False, thresholds=True, integer=False, offset=None,
                 vartype="spin"):
    """A random symmetric zero-diagonal model built with numpy from ``seed`` (a plain function)."""
    rng = np.random.default_rng(seed)
    if integer:
        upper = rng.integers(-3, 4, size=(n, n)).astype(np.float64)
    else:
        upper = rng.normal(size=(n, n))
    mask = rng.random((n, n)) < density
    upper = np.triu(np.where(mask, upper, 0.0), 1)
    weights = upper + upper.T
    if thresholds:
        theta = rng.integers(-3, 4, size=n).astype(np.float64) if integer else rng.normal(size=n)
    else:
        theta = np.zeros(n)
    if offset is None:
        offset = float(rng.integers(-5, 6)) if integer else float(rng.normal())
    matrix = sp.csr_array(weights) if sparse else weights
    return EnergyModel(matrix, theta, offset, vartype)


def models(min_n=1, max_n=8, sparse=None, vartype=None, integer=None, thresholds=None):
    """A hypothesis strategy of random models; ``None`` for an option means 'let hypothesis choose'."""

    @st.composite
    def build(draw):
        n = draw(st.integers(min_n, max_n))
        seed = draw(st.integers(0, 2**32 - 1))
        density = draw(st.sampled_from([0.3, 0.6, 1.0]))
        is_sparse = draw(st.booleans()) if sparse is None else sparse
        is_integer = draw(st.booleans()) if integer is None else integer
        has_theta = draw(st.booleans()) if thresholds is None else thresholds
        kind = draw(st.sampled_from(["spin", "binary"])) if vartype is None else vartype
        return random_model(seed, n, density=density, sparse=is_sparse, thresholds=has_theta,
                            integer=is_integer, vartype=kind)

    return build()


def all_states(n, vartype="spin"):
    """Every state of n variables, shape (2**n, n), as int8."""
    values = (-1, 1) if str(getattr(vartype, "value", vartype)) == "spin" else (0, 1)
    return np.array(list(itertools.product(values, repeat=n)), dtype=np.int8).reshape(-1, n)


def naive_energy(weights, thresholds, offset, state):
    """``-1/2 sᵀWs + θᵀs + offset`` by explicit double loops (no vectorisation)."""
    weights = weights.toarray() if sp.issparse(weights) else np.asarray(weights, dtype=float)
    n = len(state)
    quadratic = 0.0
    for i in range(n):
        for j in range(n):
            quadratic += float(weights[i, j]) * float(state[i]) * float(state[j])
    linear = sum(float(thresholds[i]) * float(state[i]) for i in range(n))
    return -0.5 * quadratic + linear + float(offset)


def model_naive_energy(model, state):
    return naive_energy(model.dense_weights(), model.thresholds, model.offset, state)


def energy_tolerance(model):
    """An absolute tolerance for comparing energies of a model (rounding only)."""
    scale = np.abs(model.dense_weights()).sum() + np.abs(model.thresholds).sum() + abs(model.offset)
    return 1e-9 * max(1.0, float(scale))


class Helpers:
    """Namespace of helpers, handed out by the ``helpers`` fixture."""

    random_model = staticmethod(random_model)
    models = staticmethod(models)
    all_states = staticmethod(all_states)
    naive_energy = staticmethod(naive_energy)
    model_naive_energy = staticmethod(model_naive_energy)
    energy_tolerance = staticmethod(energy_tolerance)


@pytest.fixture(scope="session")
def helpers():
    return Helpers


@pytest.fixture(scope="session")
def warm():
    """Compile (or load from numba's cache) the kernels once before timing-sensitive tests."""
    from hopopt.solvers import warm_up

    warm_up()
    return True
