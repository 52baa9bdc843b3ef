"""Puzzles as Hopfield energies: N-queens and sudoku, where the energy counts the broken rules.

Both puzzles choose one item per group (a column for each row's queen, a digit for each blank cell), so each
group is a one-hot block of neurons, and every pair of clashing choices (two queens on a line, a digit
repeated in a row, column or box) costs one unit of energy (:class:`hopopt.problems.puzzles.NQueens`,
:class:`~hopopt.problems.puzzles.Sudoku`). One-hot moves keep every state a complete choice, so the energy of
every state the annealer visits *is* the number of clashes, and a solved puzzle sits at energy 0.

The script anneals an 8-queens board (20 without ``--fast``) from a random placement and prints the
explanation of the start (energy terms and the named attacking pairs); then it anneals Gordon Royle's first
17-clue sudoku, which annealing alone rarely solves in a short run, and solves it exactly with the 0/1
program of :mod:`hopopt.kinds.puzzles`, which proves the answer has no clash.

Pictures: ``puzzles.png`` -- top: the random board, its energy per sweep, the annealed board; bottom: the
sudoku after annealing (clashing cells shaded), the energy per sweep, the exact solution.

Run: ``python examples/puzzles.py --out pictures [--fast]``.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from _common import parse_args, report

import hopopt
from hopopt.plotting import plot_energy_traces, save_figure
from hopopt.plotting.solutions import plot_queens, plot_sudoku
from hopopt.problems.puzzles import NQueens, Sudoku, puzzle_beta_range

ROYLE_17 = "000000010400000000020000000000050407008000300001090000300400200050100000000806000"


def main(argv=None):
    args = parse_args(__doc__, argv)
    rng = np.random.default_rng(args.seed)

    # N-queens: a random placement (one queen per row), annealed with one-hot moves
    board = NQueens(8 if args.fast else 20)
    start = rng.integers(0, board.n, board.n)
    print(f"{board.n}-queens, random start with {board.attacks(start)} attacking pairs:")
    print(board.explain(board.encode(start)))
    queens_run = hopopt.anneal(board.to_model(), n_sweeps=200 if args.fast else 2000, n_restarts=4,
                               beta_range=puzzle_beta_range(board), initial_states=board.encode(start),
                               rng=args.seed)
    placed = board.decode(queens_run.best_state)
    print(f"annealed: energy {queens_run.best_energy:g}, attacking pairs {board.attacks(placed)}")

    # sudoku: anneal from random digits, then the exact 0/1 program
    puzzle = Sudoku.from_string(ROYLE_17, name="Royle's first 17-clue sudoku")
    sudoku_run = hopopt.anneal(puzzle.to_model(), n_sweeps=300 if args.fast else 20000, n_restarts=4,
                               beta_range=puzzle_beta_range(puzzle), rng=args.seed)
    annealed = puzzle.decode(sudoku_run.best_state)
    print(f"sudoku annealed: {puzzle.clashes(annealed)} clashing pairs left (energy {sudoku_run.best_energy:g})")
    exact = hopopt.solve_exact(puzzle, time_limit=60)
    print(f"sudoku exact: {exact.objective:g} clashing pairs, optimal {exact.optimal}, {exact.time_s:.2f} s")

    figure = Figure(figsize=(16, 10.5))
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
    report(save_figure(figure, args.out / "puzzles.png"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
