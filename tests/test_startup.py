"""Start-up (issue 12, item 5): the command line imports what a command needs when it needs it.

No timing asserts (the machine is shared and noisy): the tests check which libraries are imported, in fresh
subprocesses, and that the lazy registries and packages answer exactly as the eager ones did.
``benchmarks/startup.py`` measures the times.
"""

from __future__ import annotations

import json
import subprocess
import sys
import types

import pytest

import hopopt
from hopopt import kinds
from hopopt.errors import InputError
from hopopt.kinds import KINDS, get_kind, kind_of

HEAVY_LIBRARIES = ("numpy", "numba", "scipy", "networkx", "matplotlib")


def _run_python(code, timeout=120):
    """Run ``code`` in a fresh interpreter and return its stdout (the test fails on a non-zero status)."""
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def _imported_after(code, libraries):
    """The libraries among ``libraries`` that are in sys.modules after running ``code`` in a fresh interpreter."""
    report = f"import sys, json; print(json.dumps([name for name in {list(libraries)!r} if name in sys.modules]))"
    return json.loads(_run_python(code + "\n" + report).strip().splitlines()[-1])


def test_building_the_parser_imports_no_heavy_library():
    assert _imported_after("import hopopt.cli\nhopopt.cli.build_parser()", HEAVY_LIBRARIES) == []


def test_help_answers_and_lists_problems_and_solvers():
    completed = subprocess.run([sys.executable, "-m", "hopopt.cli", "solve", "--help"], capture_output=True,
                               text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert "maxcut" in completed.stdout and "sudoku" in completed.stdout
    assert "temper" in completed.stdout and "penalty" in completed.stdout
    top = subprocess.run([sys.executable, "-m", "hopopt.cli", "--help"], capture_output=True, text=True, timeout=120)
    assert top.returncode == 0 and "solve" in top.stdout and top.stderr == ""


def test_compare_help_still_lists_every_solver_of_every_problem():
    # the listing is completed only when the help is shown: it must still be there
    completed = subprocess.run([sys.executable, "-m", "hopopt.cli", "compare", "--help"], capture_output=True,
                               text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    text = " ".join(completed.stdout.split())
    assert "maxcut: hopopt-temper" in text and "hopopt-anneal" in text


def test_usage_error_is_one_line_without_heavy_imports():
    code = ("import hopopt.cli\nstatus = hopopt.cli.main(['solve', 'no-such-problem', 'x'])\n"
            "assert status == 2, status")
    assert _imported_after(code, HEAVY_LIBRARIES) == []


def test_tiny_solve_imports_no_plotting_nor_peer_library():
    code = ("import hopopt.cli\nstatus = hopopt.cli.main(['solve', 'maxcut', 'random:n=10,seed=1', '--json'])\n"
            "assert status == 0, status")
    imported = _imported_after(code, ("matplotlib", "dimod", "dwave", "openjij", "scipy.stats", "scipy.optimize"))
    assert imported == []


def test_tiny_solve_imports_no_other_kind():
    code = ("import hopopt\nproblem = hopopt.MaxCut.from_edges(3, [(0, 1), (1, 2)])\n"
            "answer = hopopt.solve(problem, sweeps=10, rng=0)\nassert answer.objective == 2.0, answer")
    others = [f"hopopt.kinds.{module}" for module in ("tsp", "qap", "coloring", "puzzles", "knapsack", "maxsat")]
    assert _imported_after(code, others) == []


# ---------------------------------------------------------------------------------------- the lazy registry
def test_lazy_names_are_the_kinds_own_names_in_registration_order():
    names = list(KINDS)
    assert names == list(kinds._REGISTRY)
    assert len(KINDS) == len(names) == len(set(names))
    for name in names:
        kind = KINDS[name]
        assert kind.name == name
        assert name in KINDS and KINDS.get(name) is kind
    assert [kind.name for kind in KINDS.values()] == names
    assert [(name, kind.name) for name, kind in KINDS.items()] == [(name, name) for name in names]
    assert dict(KINDS) == {name: KINDS[name] for name in names}


def test_registered_problem_modules_are_where_the_problem_classes_live():
    # kind_of skips a kind whose problem module was never imported: the registry must name the right module
    for name, (_, _, problem_module) in kinds._REGISTRY.items():
        assert KINDS[name].problem.__module__ == problem_module, name


def test_registry_answers_unknown_and_unhashable_names_like_a_dict():
    assert "no-such-kind" not in KINDS and [] not in KINDS
    assert KINDS.get("no-such-kind") is None
    with pytest.raises(KeyError):
        KINDS["no-such-kind"]
    for bad in ("no-such-kind", [], None):
        with pytest.raises(InputError, match="unknown problem"):
            get_kind(bad)


def test_kind_of_finds_every_kind_and_refuses_other_objects():
    from hopopt.problems import MaxCut

    assert kind_of(MaxCut(2, [(0, 1)])) is KINDS["maxcut"]
    with pytest.raises(TypeError, match="not a registered problem kind"):
        kind_of(object())


# ---------------------------------------------------------------------------------------- the lazy packages
@pytest.mark.parametrize("package_name", ["hopopt", "hopopt.problems", "hopopt.solvers", "hopopt.kinds"])
def test_every_public_name_resolves_and_is_listed(package_name):
    package = sys.modules[package_name] if package_name in sys.modules else __import__(package_name, fromlist=["x"])
    for name in package.__all__:
        assert getattr(package, name) is not None, name
        assert name in dir(package), name
    with pytest.raises(AttributeError):
        getattr(package, "no_such_name")


def test_solvers_named_like_their_modules_stay_functions():
    # anneal, temper and tank are functions even after their modules were imported by name
    code = ("import hopopt.solvers.anneal, hopopt.solvers.temper, hopopt.solvers.tank, types\n"
            "from hopopt.solvers import anneal, temper, tank\n"
            "assert all(callable(f) and not isinstance(f, types.ModuleType) for f in (anneal, temper, tank))\n"
            "import sys\nassert isinstance(sys.modules['hopopt.solvers.anneal'], types.ModuleType)\nprint('ok')")
    assert _run_python(code).strip() == "ok"
    from hopopt.solvers import anneal
    assert not isinstance(anneal, types.ModuleType)


def test_solver_names_match_the_api():
    from hopopt.api import SOLVERS
    from hopopt.solvers import SOLVER_NAMES

    assert SOLVER_NAMES == SOLVERS


def test_version_needs_no_import():
    assert hopopt.__version__ == "0.1.0"
    assert _imported_after("import hopopt\nhopopt.__version__", HEAVY_LIBRARIES) == []
