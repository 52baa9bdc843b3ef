"""Every teaching script in examples/ runs headless with --fast and writes its pictures; without --out it
writes nothing (the documentation site and Jupyter show the figures instead)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCRIPTS = ["energy_descent", "sync_two_cycle", "memory_recall", "capacity", "tank_penalty",
           "annealing_vs_descent", "coloring_dimacs", "puzzles", "model_builder", "tsp_tour", "compare_solvers",
           "knapsack"]


def run(script, *arguments, cwd=None, env=None):
    return subprocess.run([sys.executable, str(EXAMPLES / f"{script}.py"), *map(str, arguments)],
                          capture_output=True, text=True, timeout=120, cwd=cwd, env=env)


def test_every_script_is_listed():
    on_disk = {path.stem for path in EXAMPLES.glob("*.py") if not path.name.startswith("_")}
    assert on_disk == set(SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS)
def test_example_runs_fast(script, tmp_path):
    out = tmp_path / "pictures"
    completed = run(script, "--out", out, "--fast")
    assert completed.returncode == 0, completed.stderr
    pictures = [p for p in out.iterdir() if p.suffix in (".png", ".gif")]
    assert pictures and all(p.stat().st_size > 0 for p in pictures)


def test_unwritable_out_exits_2(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    completed = run("energy_descent", "--out", blocker / "pictures", "--fast")
    assert completed.returncode == 2
    assert len(completed.stderr.strip().splitlines()) == 1
    assert "--out" in completed.stderr


def test_without_out_nothing_is_written(tmp_path):
    # memory_recall also makes an animation, which is written only with --out
    env = {**os.environ, "HOPOPT_FAST": "1", "MPLBACKEND": "Agg"}
    completed = run("memory_recall", cwd=tmp_path, env=env)
    assert completed.returncode == 0, completed.stderr
    assert "wrote" not in completed.stdout
    assert list(tmp_path.iterdir()) == []
