"""
9. Analog dynamics: Hopfield–Tank, simulated bifurcation, chaotic amplitude control
===================================================================================

Every solver so far flips ±1 neurons one at a time. A different family lets each neuron take *continuous*
values and integrates differential equations, reading the signs at the end:

* **Hopfield–Tank** (Hopfield 1984; Hopfield & Tank 1985, "'Neural' computation of decisions in
  optimization problems"): graded-response neurons, an internal potential u_i and an output
  V_i = g(u_i) = ½(1 + tanh(u_i/u0)) in (0, 1), pushed down the energy gradient. The 1985 paper solved small
  travelling-salesman tours this way, on what could be an analog circuit.
* **Simulated bifurcation** (Goto, Tatsumura & Dixon 2019; Goto et al. 2021): each spin is a particle with
  a position x_i and a momentum y_i; a pump a(t) slowly turns a single valley at x = 0 into two valleys at
  ±1 (a pitchfork bifurcation), and the couplings decide which side each particle falls to. Ballistic (bSB)
  and discrete (dSB) variants differ in the force they feel.
* **Chaotic amplitude control** (Leleu, Yamamoto, McMahon & Aihara 2019), from the coherent Ising machine:
  soft spins whose couplings are scaled by error variables that grow while a spin's amplitude is too small,
  which makes local minima unstable, so the dynamics wander from one low state to the next.

This page integrates the first two by hand in numpy on one small max-cut (hopopt's kernels do not record
whole trajectories) to show what happens inside, checks them against :func:`hopopt.solvers.tank` (the same
final state from the same start) and :func:`hopopt.solvers.bifurcate` (the same coupling scale), and then
compares all of them with annealing on that instance, with the tools of :doc:`08_comparison`.
"""

# %%
# The instance
# ------------
# The max-cut instance of :doc:`08_comparison`: a random graph G(26, 0.3) (28 nodes in the full version)
# whose optimum :func:`hopopt.solve_exact` proves.
import numpy as np
from matplotlib.figure import Figure

import hopopt
from hopopt.plotting import script_options

options = script_options(__doc__)
n = 26 if options.fast else 28
problem = hopopt.MaxCut.random(n, 0.3, rng=options.seed)
model = problem.to_model()
exact = hopopt.solve_exact(problem)
optimum = exact.objective
print(f"{n} nodes, {len(problem.edges)} edges; optimum cut {optimum:g} (proved: {exact.optimal})")
assert exact.optimal

# %%
# Hopfield–Tank: graded neurons
# -----------------------------
# On the binary form of the model (V ∈ {0, 1}ⁿ, the same energies; :meth:`hopopt.EnergyModel.to_binary`)
# the potentials follow du/dt = −u/τ + WV − θ = −u/τ − ∂E/∂V. The gain 1/u0 says how sharply V follows u:
# for small u0 the outputs snap to 0 or 1 almost at once (nearly the discrete network); for larger u0 they
# stay grey longer and the whole network moves together, averaging over many states before it decides. The
# cell writes the forward-Euler loop of :func:`hopopt.solvers.tank` in numpy, runs it from one small random
# start, and checks that hopopt's solver ends in the same state from the same start.
from hopopt.solvers import tank
from hopopt.solvers.tank import default_step, gain

binary = model.to_binary()
W_binary, theta_binary = binary.dense_weights(), binary.thresholds
u0, tau = 0.2, 1.0
dt = default_step(binary, u0, tau)
rng = np.random.default_rng(options.seed)
start = rng.uniform(-0.1 * u0, 0.1 * u0, size=n)  # near V = ½, as Hopfield & Tank start
u = start.copy()
outputs = [gain(u, u0)]
while len(outputs) < 100_000:
    u += dt * (W_binary @ outputs[-1] - theta_binary - u / tau)
    outputs.append(gain(u, u0))
    if np.abs(outputs[-1] - outputs[-2]).max() / dt < 1e-3:  # tank's default convergence test
        break
outputs = np.array(outputs)
by_hand = (outputs[-1] > 0.5).astype(int)
library = tank(model, u0=u0, tau=tau, dt=dt, initial_u=start, noise=0.0)
cut_by_hand = problem.evaluate(problem.decode(2 * by_hand - 1)).objective
undecided = int(np.sum((outputs[-1] > 0.1) & (outputs[-1] < 0.9)))
print(f"u0 = {u0}: {len(outputs) - 1} Euler steps of dt = {dt:.4f}; {n - undecided} outputs end near 0 or 1, "
      f"{undecided} in between; cut {cut_by_hand:g} (optimum {optimum:g})")
print(f"hopopt's tank from the same start: {library.sweeps_done} steps, {library.message}, "
      f"cut {-library.best_energy:g}")
assert np.array_equal(2 * by_hand - 1, library.best_state), "the numpy loop is the solver's integration"

# Hopfield's function L = E(V) + (u0 / 2τ) Σ_i [V_i ln V_i + (1 − V_i) ln(1 − V_i) + ln 2] never rises along
# the exact flow; the solver records it for its best start
lyapunov = np.asarray(library.info["lyapunov_trace"])
scale = np.abs(lyapunov).max()
print(f"Lyapunov function: {lyapunov[0]:.3f} at the start, {lyapunov[-1]:.3f} at the end; "
      f"largest rise between records {max(np.diff(lyapunov).max(), 0):.2e}")
assert np.all(np.diff(lyapunov) <= 1e-6 * scale), "L never rises (up to the Euler error)"

tank_figure = Figure(figsize=(11, 3.6), layout="constrained")
left, right = tank_figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 2]})
potential = np.linspace(-1, 1, 401)
for width in (0.02, 0.2, 1.0):
    left.plot(potential, gain(potential, width), label=f"u0 = {width:g}")
left.set(xlabel="potential u", ylabel="output V = g(u)", title="the gain function")
left.legend(fontsize="small")
time_axis = np.arange(len(outputs)) * dt
for i in range(n):
    right.plot(time_axis, outputs[:, i], color="tab:red" if by_hand[i] else "tab:blue", linewidth=0.8)
right.set(xlabel="time (units of τ)", ylabel="outputs V_i",
          title=f"Hopfield-Tank on the max-cut, u0 = {u0:g}: red ends at 1, blue at 0")
options.save(tank_figure, "hopfield_tank.png")
tank_figure

# %%
# The outputs start together at ½, drift while the network is undecided and then split, each to its side.
# A neuron whose couplings nearly balance can stay grey (the output above counts them); the threshold at ½
# decides it, which is one way the analog network can miss the optimum.
# The gain is the knob: the next cell runs 32 noisy starts (64 in the full version) at three values of u0.
# (Smaller values, such as Hopfield & Tank's 0.02, need many more, smaller steps: the stable Euler step
# shrinks with u0.)
starts = 32 if options.fast else 64
for width in (0.2, 0.5, 1.0):
    result = tank(model, u0=width, n_starts=starts, rng=options.seed)
    cuts = -result.energies
    print(f"u0 = {width:4g}: mean cut {cuts.mean():6.2f}, optimal in {np.mean(cuts == optimum):5.1%} of the starts, "
          f"{np.mean(result.info['steps']):6.0f} steps on average ({result.message})")
    assert np.all(cuts <= optimum)

# %%
# Simulated bifurcation by hand
# -----------------------------
# Goto's dynamics, exactly as :func:`hopopt.solvers.bifurcate` integrates them (symplectic Euler, a0 = 1)::
#
#     y_i += dt·(c0·f_i − (a0 − a(t))·x_i),   x_i += dt·a0·y_i,   |x_i| > 1 → x_i = ±1, y_i = 0
#
# with the force f = W sign(x) (discrete, dSB) or W x (ballistic, bSB), and the pump a(t) rising linearly
# from 0 to a0 over the run. The term −(a0 − a)x pulls every particle back towards 0 and fades as the pump
# rises; the couplings push the particles apart, and the inelastic walls at ±1 stop them. The coupling scale
# follows Goto's rule c0 = 0.5 / (√m σ), σ the root mean square of the couplings; the cell checks that the
# library uses the same.
from hopopt.solvers import bifurcate

W = model.dense_weights()
sigma = np.sqrt((W ** 2).sum() / (n * (n - 1)))
c0 = 0.5 / (np.sqrt(n) * sigma)
steps, step = 200, 0.5
x = rng.uniform(-0.1, 0.1, n)
y = rng.uniform(-0.1, 0.1, n)
positions, pumps, sign_energies = [x.copy()], [0.0], [model.energy(np.where(x < 0, -1, 1))]
for k in range(steps):
    pump = min(1.0, k * step / (steps * step))
    force = W @ np.where(x < 0, -1.0, 1.0)
    y += step * (c0 * force - (1.0 - pump) * x)
    x += step * y
    walls = np.abs(x) > 1
    x[walls], y[walls] = np.sign(x[walls]), 0.0
    positions.append(x.copy())
    pumps.append(pump)
    sign_energies.append(model.energy(np.where(x < 0, -1, 1)))
positions = np.array(positions)
at_walls = np.mean(np.abs(positions[-1]) == 1)
signs = np.where(positions < 0, -1, 1)
flips = np.sum(signs[1:] != signs[:-1], axis=1)  # sign changes at each step
early, late = flips[: steps // 2].sum(), flips[3 * steps // 4:].sum()
library = bifurcate(model, n_steps=steps, n_trajectories=8, rng=options.seed)
print(f"c0 = {c0:.4f} (the library's {library.info['coupling_scale']:.4f}); after {steps} steps "
      f"{at_walls:.0%} of the particles sit at a wall; the cut of their signs {-sign_energies[-1]:g}, "
      f"the best on the way {-min(sign_energies):g} (optimum {optimum:g})")
assert np.isclose(c0, library.info["coupling_scale"])
print(f"sign changes: {early} in the first half of the run, {late} in the last quarter")
assert at_walls > 0.5, "past the bifurcation the particles are pushed to ±1"
assert late < early, "the sign pattern freezes as the pump rises"

sb_figure = Figure(figsize=(11, 3.6), layout="constrained")
left, right = sb_figure.subplots(1, 2)
for i in range(n):
    left.plot(positions[:, i], color="tab:red" if positions[-1, i] > 0 else "tab:blue", linewidth=0.8)
twin = left.twinx()
twin.plot(pumps, color="black", linestyle="--", label="pump a(t)")
twin.set_ylabel("pump a(t)")
twin.legend(loc="lower right", fontsize="small")
left.set(xlabel="step", ylabel="positions x_i", title="dSB: red ends at +1, blue at -1")
right.plot(-np.array(sign_energies), color="tab:green")
right.axhline(optimum, color="black", linestyle=":", label=f"optimum {optimum:g}")
right.set(xlabel="step", ylabel="cut of sign(x)", title="the cut read from the signs")
right.legend(fontsize="small")
options.save(sb_figure, "bifurcation.png")
sb_figure

# %%
# While the pull towards 0 is strong, the particles swing back and forth across 0 and the signs keep changing
# (the cut read from them jumps about); as the pump rises the pull fades, the particles come to rest at the
# walls one after another and the sign pattern freezes — the output counts the sign changes early and late.
# The library's kernels keep each trajectory's best sign state on the way, not only its last one.
#
# Chaotic amplitude control
# -------------------------
# :func:`hopopt.solvers.amplitude_control` gives spin i an amplitude x_i and an error variable e_i::
#
#     dx_i/dt = −x_i³ + (p − 1)x_i + ξ e_i Σ_j W_ij x_j,    de_i/dt = −β e_i (x_i² − a)
#
# An amplitude whose square x_i² is below the target a makes e_i grow, so that spin feels its couplings more
# strongly, and one above it makes e_i shrink. The error variables stop changing only where every amplitude
# has magnitude √a; such fixed points exist at the energy's local minima, but with a large enough rate β the
# error variables make them unstable (Leleu et al. 2019), so the dynamics do not settle in the first local
# minimum they meet. The pump p and the target a are ramped over the run (Kako et al. 2020's schedule).
from hopopt.solvers import amplitude_control

cac = amplitude_control(model, n_steps=200, n_trajectories=16, rng=options.seed)
print(f"CAC, 16 trajectories of 200 steps: best cut {-cac.best_energy:g}, mean {np.mean(-cac.energies):.2f}; "
      f"ξ = {cac.info['coupling_scale']:.3f}")
assert -cac.best_energy <= optimum

# %%
# Side by side
# ------------
# What does each solver need to reach the optimum? Cost is counted in *passes over W*: an annealing sweep
# visits every spin once, reading its row of W; a dSB, bSB or CAC step multiplies by W once; a Hopfield–Tank
# Euler step too. (Passes are not equal time: dSB updates its fields only where a sign changed, bSB
# multiplies by the positions at every step, and the annealer's integer kernel runs 8 restarts side by side.)
# Every solver runs without the final greedy polish, so that a run costs exactly its passes; each point is
# 128 runs (512 in the full version) with its Clopper–Pearson interval, and TTS99 is in passes. Descent and
# Hopfield–Tank stop by themselves when they reach a fixed point, so they give one point each.
from hopopt.bench.statistics import clopper_pearson, tts_interval
from hopopt.solvers import descend_restarts

runs = 128 if options.fast else 512
budgets = [25, 50, 100, 200] if options.fast else [25, 50, 100, 200, 400, 800]
sweeping = {
    "anneal": lambda steps: hopopt.anneal(model, n_sweeps=steps, n_restarts=runs, polish=False, rng=options.seed),
    "dsb": lambda steps: bifurcate(model, n_steps=steps, n_trajectories=runs, polish=False, rng=options.seed),
    "bsb": lambda steps: bifurcate(model, variant="ballistic", n_steps=steps, n_trajectories=runs, polish=False,
                                   rng=options.seed),
    "cac": lambda steps: amplitude_control(model, n_steps=steps, n_trajectories=runs, polish=False,
                                           rng=options.seed),
}
curves = {}
for name, run in sweeping.items():
    curves[name] = []
    for budget in budgets:
        result = run(budget)
        cuts = -result.energies
        assert np.all(cuts <= optimum + 1e-9)
        successes = int(np.sum(np.isclose(cuts, optimum)))
        low, high = clopper_pearson(successes, runs)
        tts = tts_interval(successes, runs, float(budget))
        curves[name].append((budget, successes / runs, low, high, *tts))
# descent and Hopfield-Tank stop by themselves: one point each, at the sweeps of descent's longest restart
# (an upper bound for every restart) and at Hopfield-Tank's mean number of Euler steps
single = {}
for name, result, passes in (
        ("descent", descend_restarts(model, n_restarts=runs, rng=options.seed), None),
        ("tank (u0 = 1)", tank(model, u0=1.0, n_starts=runs, rng=options.seed), "steps")):
    cost = float(np.mean(result.info["steps"])) if passes else result.sweeps_done
    successes = int(np.sum(np.isclose(-result.energies, optimum)))
    low, high = clopper_pearson(successes, runs)
    single[name] = (cost, successes / runs, low, high, *tts_interval(successes, runs, cost))

print(f"{'solver':>14} {'passes':>7} {'P(optimum) [95 %]':>22} {'TTS99 in passes [95 %]':>28}")
for name, rows in list(curves.items()) + [(name, [row]) for name, row in single.items()]:
    for cost, p, low, high, tts, tts_low, tts_high in rows:
        print(f"{name:>14} {cost:7.0f} {p:8.3f} [{low:.3f}, {high:.3f}]   {tts:9.0f} [{tts_low:.0f}, {tts_high:.0f}]")
        assert low <= p <= high and tts_low <= tts <= tts_high
# every solver with a schedule does about as well (within 0.1) or better with the largest budget as with the
# smallest
for name, rows in curves.items():
    assert rows[-1][1] >= rows[0][1] - 0.1, name

side_figure = Figure(figsize=(11, 4), layout="constrained")
left, right = side_figure.subplots(1, 2)
for index, (name, rows) in enumerate(list(curves.items()) + [(name, [row]) for name, row in single.items()]):
    rows = np.array(rows, dtype=float)
    marker = "o-" if len(rows) > 1 else "s"
    left.errorbar(rows[:, 0], rows[:, 1], yerr=[rows[:, 1] - rows[:, 2], rows[:, 3] - rows[:, 1]], fmt=marker,
                  capsize=3, label=name)
    finite = np.isfinite(rows[:, 4])
    if finite.any():
        upper = np.where(np.isfinite(rows[finite, 6]), rows[finite, 6], np.nan)
        right.errorbar(rows[finite, 0], rows[finite, 4], fmt=marker, capsize=3, label=name,
                       yerr=[rows[finite, 4] - rows[finite, 5], np.nan_to_num(upper - rows[finite, 4])])
left.set(xscale="log", xlabel="passes over W per run", ylabel="P(run reaches the optimum)", ylim=(0, 1.02),
         title=f"success per run ({runs} runs per point)")
right.set(xscale="log", yscale="log", xlabel="passes over W per run", ylabel="TTS99 (passes over W)",
          title="time to solution, in passes")
left.legend(fontsize="small")
options.save(side_figure, "analog_vs_annealing.png")
side_figure

# %%
# The output above shows how the solvers rank on *this* instance at *these* budgets — and only that. The
# benchmarks behind hopopt's defaults (BENCHMARKS.md in the repository) compare them on many instances and
# sizes, by TTS99 in seconds, and the ranking changes with the instance family and the size. Two habits from
# :doc:`08_comparison` carry over: compare at equal cost, and give every number its interval.
#
# The analog solvers are all available through :func:`hopopt.solve` (``solver="tank"``, ``"dsb"``,
# ``"bsb"``, ``"cac"``) and ``hopopt solve --solver``; ``hopopt compare`` runs them next to annealing.
#
# Where next
# ----------
# Previous: :doc:`08_comparison`. That is the end of the course; the :doc:`gallery <../examples/index>`
# has more problems and solvers at work.
#
# Exercises
# ---------
#
# 1. A model with thresholds is handed to simulated bifurcation with θ folded into one auxiliary spin
#    (coupled to spin i by −θ_i). Check that the default c0 is Goto's rule 0.5 / (√m σ) for the augmented
#    m = n + 1 spins, on a 12-spin model with random couplings and thresholds.
#
# .. dropdown:: Solution to exercise 1
#
#    .. code-block:: python
#
#       import numpy as np
#       from hopopt import EnergyModel
#       from hopopt.solvers import bifurcate
#
#       rng = np.random.default_rng(0)
#       W = np.triu(rng.normal(size=(12, 12)), 1)
#       W = W + W.T
#       theta = rng.normal(size=12)
#       augmented = np.zeros((13, 13))
#       augmented[:12, :12] = W
#       augmented[:12, 12] = augmented[12, :12] = -theta
#       m = 13
#       sigma = np.sqrt((augmented ** 2).sum() / (m * (m - 1)))
#       c0 = 0.5 / (np.sqrt(m) * sigma)
#       result = bifurcate(EnergyModel(W, theta), n_steps=50, n_trajectories=2, rng=0)
#       print(c0, result.info["coupling_scale"])
#       assert np.isclose(c0, result.info["coupling_scale"])
#
# 2. Without a leak (``tau=np.inf``) the Hopfield–Tank energy E(V) itself never rises along the exact flow.
#    Check it on the recorded trace of a 20-node max-cut (allow for the Euler error).
#
# .. dropdown:: Solution to exercise 2
#
#    .. code-block:: python
#
#       import numpy as np
#       import hopopt
#       from hopopt.solvers import tank
#
#       model = hopopt.MaxCut.random(20, 0.3, rng=1).to_model()
#       result = tank(model, u0=0.2, tau=np.inf, n_starts=4, rng=0)
#       traces = result.info["energy_traces"]              # E(V) of every start at the recorded times
#       rises = np.diff(traces, axis=0)
#       print("largest rise of E(V):", np.nanmax(rises), "; final cuts:", -result.energies)
#       assert np.nanmax(rises) <= 1e-6 * np.nanmax(np.abs(traces))
#
# 3. Is a longer dSB run worth it? Compare the TTS99 in steps of dSB runs of 50 and of 400 steps on a 24-node
#    max-cut, with 200 runs each, and say whether their intervals overlap.
#
# .. dropdown:: Solution to exercise 3
#
#    .. code-block:: python
#
#       import numpy as np
#       import hopopt
#       from hopopt.bench.statistics import tts_interval
#       from hopopt.solvers import bifurcate
#
#       problem = hopopt.MaxCut.random(24, 0.3, rng=2)
#       optimum = hopopt.solve_exact(problem).objective
#       intervals = {}
#       for steps in (50, 400):
#           result = bifurcate(problem.to_model(), n_steps=steps, n_trajectories=200, polish=False, rng=0)
#           successes = int(np.sum(np.isclose(-result.energies, optimum)))
#           intervals[steps] = tts_interval(successes, 200, float(steps))
#           print(steps, "steps:", successes, "of 200 optimal; TTS99 and interval (steps):", intervals[steps])
#       overlap = intervals[50][1] <= intervals[400][2] and intervals[400][1] <= intervals[50][2]
#       print("the intervals overlap" if overlap else "the intervals are separated")
#       assert all(low <= tts <= high for tts, low, high in intervals.values())
