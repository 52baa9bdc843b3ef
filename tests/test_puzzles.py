"""N-queens and sudoku: energies against brute force, the penalty rules, repair, explain, the exact MILP, readers.

Oracles: enumeration of every binary state of tiny boards (the ground states, the documented ground energy and
the single-flip local minima), enumeration of every placement / completion (the least number of clashes), the
plain backtracking search :meth:`Sudoku.solve_by_search`, and direct counts of attacking pairs.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hopopt
from hopopt.cli import main
from hopopt.errors import InputError
from hopopt.kinds import KINDS
from hopopt.kinds.puzzles import min_clashes_program, read_queens, read_sudoku, read_sudoku_puzzles
from hopopt.problems.explain import explain
from hopopt.problems.puzzles import NQueens, Sudoku, box_shape, puzzle_beta_range
from hopopt.solvers import anneal
from hopopt.solvers.exact_binary import solve_binary_program

# Gordon Royle's first 17-clue sudoku (a minimal puzzle, unique solution) and its solution
ROYLE_17 = "000000010400000000020000000000050407008000300001090000300400200050100000000806000"
# Arto Inkala's 2012 "hardest sudoku" (21 givens)
INKALA = "800000000003600000070090200050007000000045700000100030001000068008500010090000400"
SMALL = "1.3." "34.2" ".1.." "4..1"
SMALL_SOLUTION = [1, 2, 3, 4, 3, 4, 1, 2, 2, 1, 4, 3, 4, 3, 2, 1]


def brute_attacks(columns):
    """Attacking pairs counted pair by pair (the oracle for NQueens.attacks)."""
    total = 0
    for first, second in itertools.combinations(range(len(columns)), 2):
        total += columns[first] == columns[second] or abs(columns[first] - columns[second]) == second - first
    return total


def brute_clashes(grid, n):
    """Clashing pairs per unit, counted pair by pair (the oracle for Sudoku.clashes)."""
    grid = np.asarray(grid).reshape(n, n)
    rows, cols = box_shape(n)
    units = [[(r, c) for c in range(n)] for r in range(n)] + [[(r, c) for r in range(n)] for c in range(n)]
    units += [[(top + r, left + c) for r in range(rows) for c in range(cols)]
              for top in range(0, n, rows) for left in range(0, n, cols)]
    total = 0
    for unit in units:
        for a, b in itertools.combinations(unit, 2):
            total += grid[a] != 0 and grid[a] == grid[b]
    return total


def all_energies(model):
    """Energy of every binary state of a small model, with the states (rows), vectorised."""
    states = np.array(list(itertools.product((0, 1), repeat=model.n)), dtype=np.float64)
    weights = model.weights_matrix()
    weights = weights.toarray() if hasattr(weights, "toarray") else np.asarray(weights)
    energies = -0.5 * np.einsum("si,ij,sj->s", states, weights, states) + states @ model.thresholds + model.offset
    return states.astype(np.int8), energies, weights


def states_without_improving_flip(model, states, energies, weights):
    """Mask of the states none of whose single flips lowers the energy (single-flip local minima)."""
    x = states.astype(np.float64)
    fields = x @ weights  # Σ_j W_ij x_j
    # flipping x_i changes E by (1 − 2x_i)(θ_i − Σ_j W_ij x_j), the diagonal of W being zero
    changes = (1 - 2 * x) * (model.thresholds[None, :] - fields)
    return np.all(changes >= -1e-9, axis=1)


# ---------------------------------------------------------------------------------------------- N-queens
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_queens_ground_states_are_the_fewest_attack_placements_and_every_local_minimum_is_one_per_row(n):
    board = NQueens(n)
    model = board.to_model()
    states, energies, weights = all_energies(model)
    one_per_row = np.all(states.reshape(-1, n, n).sum(axis=2) == 1, axis=1)
    fewest = min(brute_attacks(p) for p in itertools.product(range(n), repeat=n))
    assert energies.min() == pytest.approx(fewest)
    assert np.all(one_per_row[np.isclose(energies, energies.min())])
    local = states_without_improving_flip(model, states, energies, weights)
    assert np.all(one_per_row[local]), "the penalty rule promises one queen per row at every local minimum"
    assert fewest == (1 if n in (2, 3) else 0)


def test_queens_penalty_at_the_bound_lets_a_local_minimum_leave_a_row_empty():
    """The rule A > n − 3/2 is tight: at A = n − 3/2 a state with an empty row has no improving flip."""
    board = NQueens(3)
    model = board.to_model(penalty=board.penalty_bound())
    states, energies, weights = all_energies(model)
    one_per_row = np.all(states.reshape(-1, 3, 3).sum(axis=2) == 1, axis=1)
    assert np.any(states_without_improving_flip(model, states, energies, weights) & ~one_per_row)
    assert "≤" in model.metadata["penalty_rule"] and ">" in board.to_model().metadata["penalty_rule"]


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 9).flatmap(lambda n: st.lists(st.integers(0, n - 1), min_size=n, max_size=n)))
def test_queens_energy_of_any_placement_is_its_number_of_attacks(columns):
    board = NQueens(len(columns))
    state = board.encode(columns)
    assert board.attacks(columns) == brute_attacks(columns)
    assert board.to_model().energy(state) == pytest.approx(brute_attacks(columns))
    assert board.objective_from_energy(board.to_model().energy(state)) == board.evaluate(columns).objective
    assert np.array_equal(board.decode(state), columns)
    assert np.array_equal(board.decode(board.encode(columns, vartype="spin")), columns)


@pytest.mark.parametrize("n", [4, 5, 6, 8])
def test_queens_valid_placements_have_the_documented_ground_energy(n):
    board = NQueens(n)
    model = board.to_model()
    valid = [p for p in itertools.permutations(range(n)) if brute_attacks(p) == 0]
    assert valid
    for placement in valid[:10]:
        assert model.energy(board.encode(placement)) == model.metadata["ground_energy"] == 0.0


def test_queens_decode_repairs_any_state_to_one_queen_per_row():
    board = NQueens(7)
    generator = np.random.default_rng(0)
    for _ in range(50):
        state = generator.integers(0, 2, board.n_variables)
        columns = board.decode(state)
        assert columns.shape == (7,) and board.evaluate(columns).feasible
        # rows that had exactly one queen keep it
        grid = state.reshape(7, 7)
        for row in np.flatnonzero(grid.sum(axis=1) == 1):
            assert columns[row] == np.argmax(grid[row])


def test_queens_explain_names_rows_columns_and_diagonals():
    board = NQueens(4)
    # row 0 two queens (columns 0 and 3), row 1 none, row 2 column 0 (same column as (0, 0)), row 3 column 1
    state = np.zeros((4, 4), dtype=np.int8)
    state[0, [0, 3]] = 1
    state[2, 0] = 1
    state[3, 1] = 1
    result = explain(board, state.reshape(-1))
    text = "\n".join(result.violations)
    assert "row 0 has 2 queens (columns 0 and 3)" in text and "row 1 has no queen" in text
    assert "column 0: queens at (0, 0) and (2, 0)" in text
    assert "anti-diagonal r+c=3: queens at (0, 3) and (3, 0)" not in text  # no queen at (3, 0)
    assert "diagonal r−c=2: queens at (2, 0) and (3, 1)" in text
    assert result.total == pytest.approx(board.to_model().energy(state.reshape(-1)))
    assert not explain(board, board.encode([1, 3, 0, 2])).violations


def test_queens_exact_proves_the_least_attacks_including_the_impossible_boards():
    for n, least in [(1, 0), (2, 1), (3, 1), (4, 0), (8, 0)]:
        answer = hopopt.solve_exact(NQueens(n), time_limit=30)
        assert answer.optimal and answer.objective == least and answer.bound == pytest.approx(least)
        assert answer.feasible and brute_attacks(answer.solution.tolist()) == least


def test_solve_finds_a_valid_eight_queens_placement_quickly():
    answer = hopopt.solve(NQueens(8), time_limit=0.5, rng=0)
    assert answer.feasible and answer.objective == 0 and answer.energy == 0
    assert brute_attacks(answer.solution.tolist()) == 0


def test_the_puzzle_schedule_anneals_twenty_queens_to_a_valid_placement():
    board = NQueens(20)
    result = anneal(board.to_model(), n_sweeps=2000, n_restarts=2, beta_range=puzzle_beta_range(board), rng=1)
    assert result.best_energy == 0 and board.attacks(board.decode(result.best_state)) == 0


def test_queens_penalty_and_descent_solvers_return_one_queen_per_row():
    for solver in ("penalty", "descent"):
        answer = hopopt.solve(NQueens(6), solver, time_limit=0.3, rng=0)
        assert answer.feasible and answer.solution.shape == (6,)


def test_queens_constructor_and_solutions_refuse_bad_input():
    for bad in (0, -3, 2.5, True, "8"):
        with pytest.raises(ValueError, match="board side"):
            NQueens(bad)
    board = NQueens(4)
    with pytest.raises(ValueError, match="needs 4 entries"):
        board.evaluate([0, 1, 2])
    with pytest.raises(ValueError, match="columns in 0..3, got 4 in row 1"):
        board.evaluate([0, 4, 1, 2])
    with pytest.raises(ValueError, match="integers"):
        board.evaluate([0, 1.5, 2, 3])
    with pytest.raises(ValueError, match="penalty"):
        board.to_model(penalty=0)
    assert NQueens.random(5, rng=1).n == 5 and NQueens.random(5, rng=np.random.default_rng(2)).n == 5


# ------------------------------------------------------------------------------------------------ sudoku
def test_sudoku_box_shapes_and_refused_sides():
    assert [box_shape(n) for n in (4, 6, 8, 9, 10, 12, 16)] == [(2, 2), (2, 3), (2, 4), (3, 3), (2, 5), (3, 4),
                                                                (4, 4)]
    for n in (1, 2, 3, 5, 7, 13):
        with pytest.raises(ValueError, match="r·c"):
            box_shape(n)


@pytest.mark.parametrize("n", [4, 6, 8, 9, 12, 16])
def test_random_sudoku_hides_a_valid_grid_and_is_reproducible(n):
    puzzle = Sudoku.random(n, givens=n * n - 1, rng=5)
    assert int((puzzle.givens > 0).sum()) == n * n - 1
    # one blank: the hidden grid is the only completion, so the givens must clash nowhere
    assert brute_clashes(puzzle.givens, n) == 0
    again = Sudoku.random(n, givens=n * n - 1, rng=np.random.default_rng(5))
    assert np.array_equal(again.givens, Sudoku.random(n, givens=n * n - 1, rng=5).givens)
    assert np.array_equal(puzzle.givens, again.givens)
    assert not np.array_equal(puzzle.givens, Sudoku.random(n, givens=n * n - 1, rng=6).givens)


def test_sudoku_energy_brute_force_on_a_small_puzzle_with_clashing_givens():
    """Every state of a 4×4 puzzle with four blanks: ground states one-hot, the least energy is the least
    number of clashes over all completions (two givens clash), and every local minimum is one-hot."""
    givens = np.array([[1, 2, 3, 4], [3, 4, 1, 2], [2, 1, 0, 0], [1, 3, 0, 0]])  # the 1s of column 0 clash
    puzzle = Sudoku(givens)
    model = puzzle.to_model()
    states, energies, weights = all_energies(model)
    one_hot = np.all(states.reshape(-1, 4, 4).sum(axis=2) == 1, axis=1)
    completions = []
    for digits in itertools.product(range(1, 5), repeat=4):
        grid = givens.copy()
        grid[givens == 0] = digits
        completions.append(brute_clashes(grid, 4))
    assert energies.min() == pytest.approx(min(completions)) and min(completions) > 0
    assert np.all(one_hot[np.isclose(energies, energies.min())])
    assert np.all(one_hot[states_without_improving_flip(model, states, energies, weights)])
    exact = hopopt.solve_exact(puzzle, time_limit=30)
    assert exact.optimal and exact.objective == min(completions) and exact.bound == pytest.approx(min(completions))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from([4, 6, 9]))
def test_sudoku_energy_of_any_complete_grid_is_its_number_of_clashes(seed, n):
    puzzle = Sudoku.random(n, givens=n, rng=seed)
    generator = np.random.default_rng(seed)
    grid = puzzle.givens.reshape(-1).copy()
    grid[puzzle.free_cells] = generator.integers(1, n + 1, puzzle.free_cells.size)
    state = puzzle.encode(grid)
    model = puzzle.to_model()
    assert puzzle.clashes(grid) == brute_clashes(grid, n)
    assert model.energy(state) == pytest.approx(brute_clashes(grid, n))
    assert puzzle.objective_from_energy(model.energy(state)) == puzzle.evaluate(grid).objective
    assert np.array_equal(puzzle.decode(state), grid)
    terms, _ = puzzle.energy_terms(state, model.metadata)
    assert sum(terms.values()) == pytest.approx(model.energy(state))


def test_a_solved_sudoku_has_the_documented_ground_energy():
    for puzzle in (Sudoku.from_string(SMALL), Sudoku.random(9, givens=45, rng=3), Sudoku.random(6, rng=1)):
        solution = puzzle.solve_by_search()
        model = puzzle.to_model()
        assert puzzle.evaluate(solution).feasible and puzzle.evaluate(solution).objective == 0
        assert model.energy(puzzle.encode(solution)) == model.metadata["ground_energy"] == 0.0


def test_sudoku_decode_repairs_any_state_and_keeps_the_givens():
    puzzle = Sudoku.random(9, givens=30, rng=2)
    generator = np.random.default_rng(1)
    for _ in range(20):
        grid = puzzle.decode(generator.integers(0, 2, puzzle.n_variables))
        assert puzzle.evaluate(grid).feasible
        assert np.array_equal(grid.reshape(9, 9)[puzzle.givens > 0], puzzle.givens[puzzle.givens > 0])


def test_sudoku_explain_names_the_rows_columns_and_boxes_that_repeat_a_digit():
    puzzle = Sudoku.from_string("1..." "...." "...." "....")
    grid = np.array(SMALL_SOLUTION)
    grid[[1, 4]] = grid[[4, 1]]  # cells (0, 1) and (1, 0) swap digits 2 and 3
    result = puzzle.explain(puzzle.encode(grid))
    text = "\n".join(result.violations)
    assert "row 0 repeats digit 3: cells (0, 1) and (0, 2)" in text
    assert "column 0 repeats digit 2: cells (1, 0) and (2, 0)" in text
    assert "box 0 (rows 0-1, columns 0-1)" not in text  # the box still holds 1, 3, 2, 4
    assert "box 2 (rows 2-3, columns 0-1) repeats digit 2" not in text
    assert result.total == pytest.approx(puzzle.clashes(grid))
    state = puzzle.encode(SMALL_SOLUTION)
    state[:4] = [1, 1, 0, 0]  # the first free cell (0, 1) holds 1 and 2
    lines = puzzle.explain(state).violations
    assert lines[0] == "cell (0, 1) has digits 1 and 2"
    assert any(line.startswith("box 0 (rows 0-1, columns 0-1) repeats digit 1") for line in lines)


def test_sudoku_evaluate_reports_changed_givens_and_empty_cells():
    puzzle = Sudoku.from_string(SMALL)
    grid = list(SMALL_SOLUTION)
    grid[0], grid[5], grid[6] = 2, 0, 0  # (1, 1) is given 4, (1, 2) is blank
    result = puzzle.evaluate(grid)
    assert not result.feasible
    assert result.violations == ("cell (0, 0) is given 1 but holds 2", "cell (1, 1) is given 4 but is empty",
                                 "cell (1, 2) has no digit")
    assert puzzle.evaluate(SMALL_SOLUTION).feasible
    with pytest.raises(ValueError, match="digits 1..4"):
        puzzle.evaluate([5] * 16)
    with pytest.raises(ValueError, match="16 entries"):
        puzzle.evaluate([1] * 15)
    with pytest.raises(ValueError, match="given 1"):
        puzzle.encode(grid)


def test_the_exact_method_solves_a_known_hard_sudoku():
    puzzle = Sudoku.from_string(ROYLE_17)
    assert int((puzzle.givens > 0).sum()) == 17
    answer = hopopt.solve_exact(puzzle, time_limit=60)
    assert answer.optimal and answer.objective == 0 and answer.feasible and answer.energy == 0
    assert brute_clashes(answer.solution, 9) == 0
    assert np.array_equal(answer.solution.reshape(9, 9)[puzzle.givens > 0], puzzle.givens[puzzle.givens > 0])


def test_the_min_clash_program_costs_count_choose_two_per_line():
    """One line holding four variables and one given, no one-hot constraint except that all four are 1:
    the line holds five of a kind, C(5, 2) = 10 clashes."""
    linear, constant, constraints = min_clashes_program(np.array([[0, 4], [1, 5], [2, 6], [3, 7]]),
                                                        [(np.arange(4), 1)], 8)
    forced = [(np.eye(1, linear.size, k).reshape(1, -1), 1, 1) for k in range(4)]
    found = solve_binary_program(linear, None, constant, constraints + forced)
    assert found.optimal and found.objective == 10
    free = solve_binary_program(linear, None, constant, constraints)
    assert free.optimal and free.objective == 0  # every group leaves the line: the given stands alone


def test_sudoku_constructors_refuse_bad_input():
    with pytest.raises(ValueError, match="every cell is given"):
        Sudoku(SMALL_SOLUTION)
    with pytest.raises(ValueError, match="not a square"):
        Sudoku([0] * 15)
    with pytest.raises(ValueError, match="r·c"):
        Sudoku([[0] * 5] * 5)
    with pytest.raises(ValueError, match=r"digits 1..4 or 0 \(blank\), got 7 in row 0, column 1"):
        Sudoku([[0, 7, 0, 0]] + [[0] * 4] * 3)
    with pytest.raises(ValueError, match="character 2 is 'x'"):
        Sudoku.from_string("1x" + "." * 14)
    with pytest.raises(ValueError, match="givens"):
        Sudoku.random(4, givens=16)
    with pytest.raises(ValueError, match="r·c"):
        Sudoku.random(7)


# ------------------------------------------------------------------------------------------------ files and CLI
def test_read_queens_and_its_errors(tmp_path):
    path = tmp_path / "board.txt"
    path.write_text("# a comment\n\n 12 \n")
    assert read_queens(path).n == 12 and read_queens(path).name == "board"
    cases = {"": "empty file", "# only a comment\n": "empty file", "eight\n": ":1: the board side must be an integer",
             "8 8\n": ":1: expected one number", "0\n": ":1: the board side must be ≥ 1",
             "8\n9\n": ":2: unexpected line"}
    for text, message in cases.items():
        path.write_text(text)
        with pytest.raises(InputError, match=message) as error:
            read_queens(path)
        assert str(error.value).startswith(str(path))


def test_read_sudoku_files_and_their_errors(tmp_path):
    path = tmp_path / "puzzles.txt"
    path.write_text(f"# two puzzles\n{ROYLE_17}\n\n{SMALL}\n")
    assert read_sudoku(path).givens.reshape(-1).tolist() == [int(c) for c in ROYLE_17]
    assert read_sudoku(path, index=1).n == 4 and read_sudoku(path, index=1).name == "puzzles:4"
    assert [p.name for p in read_sudoku_puzzles(path)] == ["puzzles:2", "puzzles:4"]
    with pytest.raises(InputError, match="index 2 is out of range: the file holds 2"):
        read_sudoku(path, index=2)
    cases = {"": "empty file", "#\n": "empty file",
             "1.3.34.2.1..4..\n": ":1: a sudoku string has n² characters .* got 15",
             f"{SMALL}\n1.3.34.2.1..4.x1\n": ":2: character 15 is 'x'",
             "1.3.34.2.1..4..5\n": ":1: character 16 is '5'; a 4×4 sudoku holds digits 1..4",
             "." * 25 + "\n": ":1: a sudoku side must be r·c",
             "".join(map(str, SMALL_SOLUTION)) + "\n": ":1: a sudoku needs at least one blank"}
    for text, message in cases.items():
        path.write_text(text)
        with pytest.raises(InputError, match=message) as error:
            read_sudoku(path)
        assert str(error.value).startswith(str(path))


def run_cli(capsys, *argv):
    status = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_cli_solves_exactly_and_evaluates_a_sudoku_file(capsys, tmp_path):
    path = tmp_path / "royle.txt"
    path.write_text(ROYLE_17 + "\n")
    status, out, err = run_cli(capsys, "exact", "sudoku", path, "--json", "--time-limit", "60")
    assert status == 0, err
    record = json.loads(out)
    assert record["optimal"] and record["objective"] == 0 and len(record["solution"]) == 81
    # the solution as a text line, read back by evaluate
    line = tmp_path / "solution.txt"
    line.write_text("".join(map(str, record["solution"])) + "\n")
    status, out, err = run_cli(capsys, "evaluate", "sudoku", path, line, "--json")
    assert status == 0, err
    assert json.loads(out)["feasible"] and json.loads(out)["objective"] == 0
    line.write_text(SMALL + "\n")
    status, out, err = run_cli(capsys, "evaluate", "sudoku", path, line, "--json")
    assert status == 2 and "side 4" in err and err.count("\n") == 1


def test_cli_solves_queens_from_a_file_and_random_sudokus_with_givens(capsys, tmp_path):
    path = tmp_path / "eight.queens"
    path.write_text("8\n")
    status, out, err = run_cli(capsys, "solve", "queens", path, "--json", "--time-limit", "0.5", "--plot",
                               tmp_path / "board.png")
    assert status == 0, err
    record = json.loads(out)
    assert record["feasible"] and len(record["solution"]) == 8 and (tmp_path / "board.png").stat().st_size > 0
    status, out, err = run_cli(capsys, "solve", "sudoku", "random:n=4,seed=2,givens=6", "--json", "--time-limit",
                               "0.3", "--plot", tmp_path / "grid.png")
    assert status == 0, err
    assert json.loads(out)["objective"] == 0 and (tmp_path / "grid.png").stat().st_size > 0
    for spec in ("random:n=9,givens=81", "random:n=7", "random:n=9,givens=2.5"):
        status, out, err = run_cli(capsys, "solve", "sudoku", spec, "--json")
        assert status == 2 and err.count("\n") == 1, spec


def test_both_kinds_are_registered_with_their_formats():
    assert KINDS["queens"].file_format == "queens" and KINDS["sudoku"].file_format == "sudoku"
    assert KINDS["sudoku"].random(9, 1, givens=30).name == "random:n=9,givens=30,seed=1"
