"""
Associative memory: recalling letters from noisy cues
=====================================================

Four 10×10 letters (H, O, P, E, as ±1 pixel images) are stored in a 100-neuron Hopfield network with the
Hebb rule W = (1/N) Σ_μ ξ^μ ξ^μᵀ (zero diagonal) by :func:`hopopt.problems.memory.store`. Each stored pattern
is then (close to) a local minimum of E(s) = −½ sᵀWs. A cue is a letter with 30 % of its pixels flipped
(:func:`hopopt.problems.memory.corrupt`); asynchronous sweeps (:func:`hopopt.workflows.memory.recall`) roll
it downhill to the nearest attractor, which is the letter itself *if* the patterns are nearly orthogonal.

These letters are not: they share the left stroke and the bars, and the Hebb rule's cross-talk then creates
deep *mixture* states that swallow the cues. The page then repeats the experiment with the pseudo-inverse
(projection) rule W = X (XᵀX)⁻¹ Xᵀ, which makes every stored pattern an exact fixed point however correlated
the patterns are.

From a shell: ``python examples/memory_recall.py --out pictures [--fast]`` writes ``memory_recall.png`` and
the animation ``memory_recall.gif`` (the recall of the four letters, sweep by sweep).
"""

import numpy as np
from matplotlib.figure import Figure

from hopopt.plotting import plot_patterns, save_animation, script_options
from hopopt.problems.memory import corrupt, store
from hopopt.workflows.memory import recall

options = script_options(__doc__)
rng = np.random.default_rng(options.seed)
SIZE = 10


# %%
# The letters
# -----------
# Strokes two pixels wide on a 10×10 grid. The output below is the overlap matrix (1/N) ξ^μ·ξ^ν: its
# off-diagonal entries are far from the values near 0 (about ±0.1 at N = 100) of random patterns, as the
# ``assert`` checks.
def letter(name):
    """A 10×10 ±1 image of a capital letter, drawn with strokes two pixels wide."""
    image = -np.ones((SIZE, SIZE), dtype=np.int8)
    if name == "H":
        image[1:9, 1:3] = image[1:9, 7:9] = image[4:6, 1:9] = 1
    elif name == "O":
        image[1:9, 1:3] = image[1:9, 7:9] = image[1:3, 1:9] = image[7:9, 1:9] = 1
    elif name == "P":
        image[1:9, 1:3] = image[1:3, 1:8] = image[4:6, 1:8] = image[1:6, 7:9] = 1
        image[1, 8] = image[5, 8] = -1  # rounded corners
    elif name == "E":
        image[1:9, 1:3] = image[1:3, 1:9] = image[4:6, 1:7] = image[7:9, 1:9] = 1
    else:
        raise ValueError(f"no drawing for letter {name!r}")
    return image.reshape(-1)


names = ["H", "O", "P", "E"]
patterns = np.stack([letter(name) for name in names])
noise = 0.3
overlaps = patterns @ patterns.T / patterns.shape[1]
print("pattern overlaps (1/N) xi.xi:\n" + np.array2string(overlaps))
assert np.all(overlaps[~np.eye(len(names), dtype=bool)] > 0.3), "the letters are nearly orthogonal"

# %%
# Recall with both rules
# ----------------------
# Each letter is cued with 30 % of its pixels flipped and recalled by asynchronous sweeps. The output gives,
# per rule and letter, the sweeps taken, the attractor reached and how many pixels are still wrong; the
# ``assert`` lines check that the pseudo-inverse rule recalls every letter exactly and that the Hebb rule
# misses pixels and ends in a mixture at least once.
rules = ["hebb", "pseudo-inverse"]
runs = {}
wrong_pixels = {}
for rule in rules:
    model = store(patterns, rule=rule)
    runs[rule], wrong_pixels[rule] = [], []
    for index, name in enumerate(names):
        cue = corrupt(patterns[index], noise, rng=rng)
        result = recall(model, cue, max_sweeps=20, rng=rng)
        wrong = int(np.sum(result.state != patterns[index]))
        print(f"{rule:>14} {name}: cue {int(np.sum(cue != patterns[index]))} wrong pixels -> "
              f"{len(result.states) - 1} sweeps, final {result.label!r}, {wrong} wrong pixels, "
              f"energy {result.energies[0]:.2f} -> {result.energies[-1]:.2f}")
        runs[rule].append(result)
        wrong_pixels[rule].append(wrong)
assert all(wrong == 0 for wrong in wrong_pixels["pseudo-inverse"]), "the pseudo-inverse rule missed a letter"
assert sum(wrong_pixels["hebb"]) > 0, "the Hebb rule recalled every letter"
assert any(result.label.startswith("mixture") for result in runs["hebb"]), "no Hebb recall ended in a mixture"

# %%
# Sweep by sweep
# --------------
# One row per rule and letter: the stored image, the cue, the state after each sweep and the final state.
all_runs = [(rule, name, index, result) for rule in rules
            for index, (name, result) in enumerate(zip(names, runs[rule]))]
sweeps = max(len(result.states) for *_, result in all_runs)
figure = Figure(figsize=(1.6 * (sweeps + 2) + 0.4, 1.9 * len(all_runs) + 0.6))
grid = figure.add_gridspec(len(all_runs), 1)
for row, (rule, name, index, result) in enumerate(all_runs):
    images = [patterns[index], *result.states]
    titles = [f"{rule}: stored", "cue (30 % noise)"] + [f"sweep {t}" for t in range(1, len(result.states))]
    if len(result.states) > 1:
        titles[-1] = f"final: {result.label}"
    plot_patterns(np.stack(images), (SIZE, SIZE), titles=titles, ax=figure.add_subplot(grid[row]))
figure.suptitle(f"Memory of {''.join(names)} (N = {SIZE * SIZE}): recall from {noise:.0%} flipped pixels "
                f"— Hebb falls into mixtures, pseudo-inverse recalls")
options.save(figure, "memory_recall.png")
figure


# %%
# The animation
# -------------
# With ``--out`` (and on the documentation site, below) the script also writes ``memory_recall.gif``: the four
# recalls side by side, Hebb on top and pseudo-inverse below, one frame per sweep
# (:func:`hopopt.plotting.save_animation`).
def frame(t):
    """The state of every recall after sweep t, Hebb on top, pseudo-inverse below."""
    rows = []
    for rule in rules:
        tiles = [result.states[min(t, len(result.states) - 1)].reshape(SIZE, SIZE) for result in runs[rule]]
        row = [tiles[0]]
        for tile in tiles[1:]:
            row += [np.zeros((SIZE, 1)), tile]
        rows.append(np.hstack(row))
    return np.vstack([rows[0], np.zeros((1, rows[0].shape[1])), rows[1]])


animation_folder = options.animation_folder()
if animation_folder is not None:
    animation = save_animation(frame, animation_folder / "memory_recall.gif", count=sweeps, interval=600,
                               title="asynchronous sweep", xlabel="H | O | P | E", ylabel="pseudo-inverse | Hebb")
    print(f"wrote {animation}")
