"""
Puzzles: N-queens and sudoku
============================

Both puzzles choose one item per group (a column for each row's queen, a digit for each blank cell), so each
group is a one-hot block of neurons, and every pair of clashing choices (two queens on a line, a digit
repeated in a row, column or box) costs one unit of energy (:class:`hopopt.NQueens`, :class:`hopopt.Sudoku`).
One-hot moves keep every state a complete choice, so the energy of every state the annealer visits *is* the
number of clashes, and a solved puzzle sits at energy 0.

The page anneals an 8-queens board (20 queens in the full run) from a random placement, with the
explanation of the start (energy terms and the named attacking pairs); then it anneals Gordon Royle's first
17-clue sudoku (the output shows what a short anneal leaves of it) and solves it exactly with the 0/1
program of :mod:`hopopt.kinds.puzzles` (HiGHS), which proves the answer has no clash.

From a shell: ``python examples/puzzles.py --out pictures [--fast]`` writes ``puzzles.png``.
"""

import numpy as np
from matplotlib.figure import Figure

import hopopt
from hopopt.plotting import plot_energy_traces, plot_queens, plot_sudoku, script_options
from hopopt.problems.puzzles import NQueens, Sudoku, puzzle_beta_range

options = script_options(__doc__)
rng = np.random.default_rng(options.seed)

# %%
# N-queens from a random placement
# --------------------------------
# One queen per row at a random column; ``board.explain`` names what the start breaks.
board = NQueens(8 if options.fast else 20)
start = rng.integers(0, board.n, board.n)
print(f"{board.n}-queens, random start with {board.attacks(start)} attacking pairs:")
print(board.explain(board.encode(start)))

# %%
# Annealed with one-hot moves (each row's queen moves along its row); the output below gives the energy and
# the attacking pairs left, which are the same number.
queens_run = hopopt.anneal(board.to_model(), n_sweeps=200 if options.fast else 2000, n_restarts=4,
                           beta_range=puzzle_beta_range(board), initial_states=board.encode(start),
                           rng=options.seed)
placed = board.decode(queens_run.best_state)
print(f"annealed: energy {queens_run.best_energy:g}, attacking pairs {board.attacks(placed)}")
assert board.attacks(placed) == queens_run.best_energy, "the energy is not the number of attacking pairs"

# %%
# A 17-clue sudoku
# ----------------
# Annealed from random digits in the blank cells, then solved by :func:`hopopt.solve_exact`. The output
# gives the clashes the anneal left and the exact answer's clashes, with the proof flag and the method.
ROYLE_17 = "000000010400000000020000000000050407008000300001090000300400200050100000000806000"
puzzle = Sudoku.from_string(ROYLE_17, name="Royle's first 17-clue sudoku")
sudoku_run = hopopt.anneal(puzzle.to_model(), n_sweeps=300 if options.fast else 20000, n_restarts=4,
                           beta_range=puzzle_beta_range(puzzle), rng=options.seed)
annealed = puzzle.decode(sudoku_run.best_state)
print(f"sudoku annealed: {puzzle.clashes(annealed)} clashing pairs left (energy {sudoku_run.best_energy:g})")
exact = hopopt.solve_exact(puzzle, time_limit=60)
print(f"sudoku exact ({exact.method}): {exact.objective:g} clashing pairs, optimal {exact.optimal}, "
      f"{exact.time_s:.2f} s")
assert exact.optimal and exact.objective == 0 and exact.method == "milp"
assert puzzle.clashes(annealed) == sudoku_run.best_energy, "the energy is not the number of clashing pairs"

# %%
# The pictures
# ------------
# Top: the random board, its energy per sweep, the annealed board. Bottom: the sudoku after annealing
# (clashing cells shaded), the energy per sweep, the exact solution.
figure = Figure(figsize=(16, 10.5), layout="constrained")
axes = figure.subplots(2, 3)
plot_queens(start, title="random start", ax=axes[0, 0])
plot_energy_traces(queens_run.trace, title="anneal: energy = attacking pairs", ax=axes[0, 1])
axes[0, 1].set_ylabel("energy (attacking pairs)")
plot_queens(placed, title="after annealing", ax=axes[0, 2])
plot_sudoku(puzzle.givens, annealed, title="after annealing", ax=axes[1, 0])
plot_energy_traces(sudoku_run.trace, title="anneal: energy = clashing pairs", ax=axes[1, 1])
axes[1, 1].set_ylabel("energy (clashing pairs)")
plot_sudoku(puzzle.givens, exact.solution, title="exact (0/1 program)", ax=axes[1, 2])
figure.suptitle(f"{board.n}-queens and {puzzle.name}: the energy counts the broken rules")
options.save(figure, "puzzles.png")
figure
