"""Associative memory: store letter images with the Hebb rule, recall them from noisy cues.

Four 10×10 letters (H, O, P, E, drawn below as ±1 pixel images) are stored in a 100-neuron Hopfield
network with the Hebb rule ``W = (1/N) Σ_μ ξ^μ ξ^μᵀ`` (zero diagonal) by :func:`hopopt.problems.memory.store`.
Each stored pattern is then (close to) a local minimum of ``E(s) = -1/2 sᵀWs``. A cue is a letter with 30 %
of its pixels flipped (:func:`~hopopt.problems.memory.corrupt`); asynchronous sweeps
(:func:`~hopopt.workflows.memory.recall`) roll it downhill to the nearest attractor, which is usually the
letter itself -- *if* the patterns are nearly orthogonal. These letters are not: they share the left
stroke and the bars, with pairwise overlaps (1/N) ξ^μ·ξ^ν of 0.5 to 0.7, and the Hebb rule's cross-talk
then creates a deep *mixture* state (the sign of a sum of three letters) that swallows the cues. The script
prints that honestly and repeats the experiment with the pseudo-inverse (projection) rule
``W = X (XᵀX)⁻¹ Xᵀ``, which makes every stored pattern an exact fixed point however correlated they are,
and recalls all four letters.

Pictures: ``memory_recall.png`` (per rule and letter: the stored image, the cue, the state after each sweep
and the final state) and ``memory_recall.gif`` (the recall of all four letters side by side, Hebb on top and
pseudo-inverse below, sweep by sweep, written by :func:`hopopt.plotting.save_animation`).

Run: ``python examples/memory_recall.py --out pictures [--fast]``.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from _common import parse_args, report

from hopopt.plotting import plot_patterns, save_animation, save_figure
from hopopt.problems.memory import corrupt, store
from hopopt.workflows.memory import recall

SIZE = 10


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


def main(argv=None):
    args = parse_args(__doc__, argv)
    rng = np.random.default_rng(args.seed)
    names = ["H", "O", "P", "E"]
    patterns = np.stack([letter(name) for name in names])
    noise = 0.3
    rules = ["hebb", "pseudo-inverse"]
    print("pattern overlaps (1/N) xi.xi:\n" + np.array2string(patterns @ patterns.T / patterns.shape[1]))

    runs = {}
    for rule in rules:
        model = store(patterns, rule=rule)
        runs[rule] = []
        for index, name in enumerate(names):
            cue = corrupt(patterns[index], noise, rng=rng)
            result = recall(model, cue, max_sweeps=20, rng=rng)
            wrong = int(np.sum(result.state != patterns[index]))
            print(f"{rule:>14} {name}: cue {int(np.sum(cue != patterns[index]))} wrong pixels -> "
                  f"{len(result.states) - 1} sweeps, final {result.label!r}, {wrong} wrong pixels, "
                  f"energy {result.energies[0]:.2f} -> {result.energies[-1]:.2f}")
            runs[rule].append(result)

    # PNG grid: one row per rule and letter
    all_runs = [(rule, name, index, result) for rule in rules for index, (name, result)
                in enumerate(zip(names, runs[rule]))]
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
                    f"-- Hebb falls into a mixture, pseudo-inverse recalls")
    report(save_figure(figure, args.out / "memory_recall.png"))

    # GIF: the four recalls side by side, Hebb on top, pseudo-inverse below; frame t = state after sweep t
    def frame(t):
        rows = []
        for rule in rules:
            tiles = [result.states[min(t, len(result.states) - 1)].reshape(SIZE, SIZE) for result in runs[rule]]
            row = [tiles[0]]
            for tile in tiles[1:]:
                row += [np.zeros((SIZE, 1)), tile]
            rows.append(np.hstack(row))
        return np.vstack([rows[0], np.zeros((1, rows[0].shape[1])), rows[1]])

    report(save_animation(frame, args.out / "memory_recall.gif", count=sweeps, interval=600,
                          title="asynchronous sweep", xlabel="H | O | P | E",
                          ylabel="pseudo-inverse | Hebb"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
