"""Asynchronous Hopfield descent never raises the energy -- if the energy and the update rule agree.

hopopt's energy is ``E(s) = -1/2 s^T W s + theta^T s``. Updating one neuron at a time by
``s_i <- sgn(h_i - theta_i)`` (with ``h = W s``) changes E by ``dE = 2 s_i (h_i - theta_i)`` when s_i flips,
and a flip only happens when that number is negative: E can only go down, and with symmetric W and a zero
diagonal the state must end in a fixed point (a local minimum under single flips).

The first picture runs :func:`hopopt.solvers.descend` from several random starts on a random symmetric
network and plots the energy after every flip: every curve is a staircase going down.

The second picture shows why the *signs* matter. Keep exactly the same update rule but measure the
"inconsistent" energy ``E'(s) = -1/2 s^T W s - theta^T s`` (threshold term with the wrong sign). A flip of s_i
changes it by ``dE' = 2 s_i (h_i + theta_i)``, which can be positive: along the very same trajectory E' rises
at some steps (marked in red) while hopopt's E never does. With theta = 0 the two energies coincide; the
threshold must enter the energy with the sign opposite to the one in the update rule.

Run: ``python examples/energy_descent.py --out pictures [--fast]``.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from _common import parse_args, report

from hopopt import EnergyModel
from hopopt.plotting import plot_energy_traces, save_figure
from hopopt.solvers import descend


def random_network(n, rng):
    """Symmetric Gaussian weights with a zero diagonal and non-zero thresholds of comparable size."""
    a = rng.normal(size=(n, n))
    weights = (a + a.T) / np.sqrt(2 * n)
    np.fill_diagonal(weights, 0.0)
    thresholds = rng.normal(scale=1.0, size=n)
    return weights, thresholds


def manual_async(weights, thresholds, state, rng, max_sweeps=100):
    """The update s_i <- sgn(h_i - theta_i), one neuron at a time; record E and E' after every flip."""
    s = state.astype(float).copy()

    def energies(x):
        quadratic = -0.5 * x @ weights @ x
        return quadratic + thresholds @ x, quadratic - thresholds @ x     # hopopt's E, inconsistent E'

    trace = [energies(s)]
    for _ in range(max_sweeps):
        flips = 0
        for i in rng.permutation(len(s)):
            drive = weights[i] @ s - thresholds[i]
            new = 1.0 if drive > 0 else (-1.0 if drive < 0 else s[i])
            if new != s[i]:
                s[i] = new
                flips += 1
                trace.append(energies(s))
        if flips == 0:
            break
    trace = np.array(trace)
    return trace[:, 0], trace[:, 1]


def main(argv=None):
    args = parse_args(__doc__, argv)
    rng = np.random.default_rng(args.seed)
    n = 40 if args.fast else 100
    starts = 4 if args.fast else 8
    weights, thresholds = random_network(n, rng)
    model = EnergyModel(weights, thresholds)

    # 1. hopopt's descent from several random starts: the energy after every flip never rises
    traces = [descend(model, rng=rng).trace for _ in range(starts)]
    rises = sum(int(np.sum(np.diff(t) > 1e-9)) for t in traces)
    print(f"descend: {starts} starts, flips {[len(t) - 1 for t in traces]}, "
          f"final energies {[round(float(t[-1]), 2) for t in traces]}, energy rises: {rises}")
    figure = plot_energy_traces(traces, title=f"Asynchronous descent, n = {n}: E never rises")
    figure.axes[0].set_xlabel("flip")
    report(save_figure(figure, args.out / "energy_descent.png"))

    # 2. the same updates measured with the inconsistent energy E' = -1/2 s^T W s - theta^T s
    for attempt in range(50):  # look for a start whose trajectory shows E' rising (most do)
        start = rng.choice([-1, 1], size=n)
        e, e_wrong = manual_async(weights, thresholds, start, rng)
        up = np.flatnonzero(np.diff(e_wrong) > 1e-9) + 1
        if up.size:
            break
    assert np.all(np.diff(e) <= 1e-9), "hopopt's E rose under s_i <- sgn(h_i - theta_i)"
    print(f"same updates: E rose at 0 of {len(e) - 1} flips; E' rose at {up.size} of {len(e_wrong) - 1} flips")

    figure = Figure(figsize=(11, 4.5))
    left, right = figure.subplots(1, 2)
    steps = np.arange(len(e))
    left.plot(steps, e, color="tab:blue", marker=".", label="E = -1/2 sWs + theta.s (hopopt)")
    left.set_title("consistent energy: never rises")
    right.plot(steps, e_wrong, color="tab:gray", marker=".", label="E' = -1/2 sWs - theta.s")
    right.scatter(up, e_wrong[up], color="red", zorder=3, label=f"E' rose ({up.size} steps)")
    right.set_title("inconsistent energy: rises at some flips")
    for ax in (left, right):
        ax.set_xlabel("flip")
        ax.set_ylabel("energy")
        ax.legend(fontsize="small")
    figure.suptitle(f"Same updates s_i <- sgn(h_i - theta_i), n = {n}, theta != 0")
    report(save_figure(figure, args.out / "energy_sign_mismatch.png"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
