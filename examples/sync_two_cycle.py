"""
Synchronous updates can oscillate in a 2-cycle
==============================================

Updating *all* neurons at once, s ← sgn(Ws − θ), is not guaranteed to lower the energy. With a symmetric W
the dynamics end either in a fixed point or in a 2-cycle (Goles' theorem). Updating one neuron at a time
(:func:`hopopt.descend`) always settles in a fixed point.

This page shows the smallest case and a random larger network (a start is searched for whose synchronous run
ends in a 2-cycle), plotting the energy step by step for synchronous updates (flat or see-sawing once in the
cycle, as the output shows) and for asynchronous updates (a staircase down to a fixed point).

From a shell: ``python examples/sync_two_cycle.py --out pictures [--fast]`` writes ``sync_two_cycle.png``.
"""

import numpy as np
from matplotlib.figure import Figure

from hopopt import EnergyModel, Status, descend, synchronous
from hopopt.plotting import script_options

options = script_options(__doc__)
rng = np.random.default_rng(options.seed)

# %%
# Two neurons that copy each other
# --------------------------------
# W = [[0, 1], [1, 0]] started from [+1, −1]: each neuron copies the other one, so under
# :func:`hopopt.synchronous` both flip at the same time, forever, [+1, −1] → [−1, +1] → [+1, −1] → … .
# One neuron at a time reaches [−1, −1] (or [+1, +1]) in one flip. The output below shows both.
tiny = EnergyModel([[0.0, 1.0], [1.0, 0.0]])
sync_tiny = synchronous(tiny, [1, -1], max_steps=6)
async_tiny = descend(tiny, [1, -1], order="fixed")
print(f"W = [[0,1],[1,0]] from [+1,-1]: synchronous -> {sync_tiny.message}, "
      f"cycle {sync_tiny.info['cycle'].tolist()}, energies {sync_tiny.trace.tolist()}")
print(f"                             asynchronous -> {async_tiny.message}, "
      f"state {async_tiny.best_state.tolist()}, energy {async_tiny.best_energy:g}")
assert sync_tiny.status == Status.TWO_CYCLE
assert async_tiny.best_energy < min(sync_tiny.trace)

# %%
# A random symmetric network
# --------------------------
# Random starts are tried until a synchronous run ends in a 2-cycle; asynchronous descent then runs from
# the same start.
n = 30 if options.fast else 100
a = rng.normal(size=(n, n))
weights = (a + a.T) / 2
np.fill_diagonal(weights, 0.0)
model = EnergyModel(weights)
for attempt in range(1, 201):
    start = rng.choice([-1, 1], size=n)
    sync = synchronous(model, start, max_steps=200)
    if sync.status == Status.TWO_CYCLE:
        break
assert sync.status == Status.TWO_CYCLE, "no start of 200 ended in a 2-cycle"
asyn = descend(model, start, rng=rng)
cycle = np.asarray(sync.info["cycle"])
differing = int(np.sum(cycle[0] != cycle[1]))
print(f"random n = {n} (start {attempt}): synchronous -> {sync.message} after {len(sync.trace) - 1} steps; "
      f"the two cycle states differ in {differing} of {n} neurons, energies "
      f"{model.energy(cycle[0]):.2f} and {model.energy(cycle[1]):.2f}")
print(f"                       asynchronous from the same start -> {asyn.message}, "
      f"energy {asyn.best_energy:.2f} after {len(asyn.trace) - 1} flips")
assert np.all(np.diff(asyn.trace) <= 1e-9), "asynchronous descent raised the energy"
assert asyn.status == Status.CONVERGED and async_tiny.status == Status.CONVERGED, "descent found no fixed point"

# %%
# The energy, step by step
# ------------------------
# Energy after each synchronous step, and after each asynchronous flip with the flips divided by n (n
# flips change as many neurons as one synchronous step could).
def plot_pair(ax, sync, asyn, n, title):
    """Synchronous energy per step against asynchronous energy per sweep-equivalent (flips / n)."""
    ax.plot(np.arange(len(sync.trace)), sync.trace, marker="o", color="tab:red",
            label=f"synchronous: {sync.message}")
    flips = np.arange(len(asyn.trace)) / n
    ax.plot(flips, asyn.trace, marker=".", color="tab:blue", label=f"asynchronous: {asyn.message}")
    ax.set_xlabel("step (synchronous) / flips ÷ n (asynchronous)")
    ax.set_ylabel("energy")
    ax.set_title(title)
    ax.legend(fontsize="x-small")


figure = Figure(figsize=(12, 4.8), layout="constrained")
left, right = figure.subplots(1, 2)
plot_pair(left, sync_tiny, async_tiny, 2, "W = [[0, 1], [1, 0]] from [+1, −1]")
plot_pair(right, sync, asyn, n, f"random symmetric W, n = {n}")
figure.suptitle("Synchronous updates end in a 2-cycle; asynchronous updates descend to a fixed point")
options.save(figure, "sync_two_cycle.png")
figure
