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



# a tiny solve and exact of each kind import neither HiGHS's scipy.optimize nor networkx unless they need them: the
# colouring heuristic still imports networkx through hopopt.workflows (its greedy colourings), the exact colouring
# needs it
WITHOUT_EXACT_LIBRARIES = ("scipy.optimize", "networkx", "scipy.sparse.csgraph")
TINY_RUNS = [("maxcut", "random:n=10,seed=1", WITHOUT_EXACT_LIBRARIES),
             ("tsp", "random:n=6,seed=1", WITHOUT_EXACT_LIBRARIES),
             ("coloring", "random:n=10,seed=1", ("scipy.optimize", "scipy.sparse.csgraph")),
             ("qubo", "random:n=10,seed=1", WITHOUT_EXACT_LIBRARIES)]


@pytest.mark.parametrize("problem, instance, absent", TINY_RUNS, ids=[problem for problem, _, _ in TINY_RUNS])
def test_tiny_solve_and_exact_import_no_exact_solver_library_they_do_not_need(problem, instance, absent):
    # one interpreter for both commands (a fresh one each would double the test's time)
    code = ("import hopopt.cli\n"
            f"for command in ('solve', 'exact'):\n"
            f"    status = hopopt.cli.main([command, {problem!r}, {instance!r}, '--json'])\n"
            "    assert status == 0, (command, status)")
    assert _imported_after(code, absent) == []


def test_reading_a_gset_file_imports_no_other_reader(tmp_path):
    path = tmp_path / "square.txt"
    path.write_text("4 4\n1 2 1\n2 3 1\n3 4 1\n4 1 1\n")
    code = f"from hopopt.io import read_gset\nassert read_gset({str(path)!r}).n == 4"
    readers = [f"hopopt.io.{name}" for name in ("tsplib", "qubo", "qaplib", "dimacs", "cnf", "orlib", "numbers")]
    assert _imported_after(code, readers) == []


# ------------------------------------------------------------------------------------- kernels loaded per solver
# The kernels each warm-up set must load, written out here (not read from hopopt) so the test can disagree.
KERNELS_OF_SET = {
    "flips": {"anneal_chunk", "polish"}, "lattice-flips": {"anneal_lattice_chunk", "polish"}, "polish": {"polish"},
    "one-hot": {"anneal_onehot_chunk", "polish_onehot"}, "tours": {"anneal_tour_chunk", "polish_tours"},
    "tour-candidates": {"anneal_tour_candidates_chunk", "polish_tours"},
    "assignments": {"anneal_assignment_chunk", "polish_assignments", "assignment_exchange_cost"},
    "matrix-exchanges": {"anneal_matrix_exchange_chunk", "polish_matrix_exchanges", "matrix_exchange_cost"},
    "descent": {"async_descent"}, "brute-force": {"brute_force"}, "held-karp": {"held_karp_levels"},
    "coloring-search": {"coloring_search"},
}

_KERNEL_LOADS = """
import json, sys
import numpy as np
from hopopt import EnergyModel
from hopopt.problems import QAP, TSP, GraphColoring, MaxCut
from hopopt.solvers import anneal, brute_force, descend, held_karp, exact_coloring, warm_up
from hopopt.solvers import _kernels
from hopopt.solvers.moves import make_engine

WATCHED = sorted(set().union(*KERNELS_OF_SET.values()))

def loaded():
    # kernel -> signatures compiled or loaded from numba's cache so far
    return {name: len(getattr(_kernels, name).signatures) for name in WATCHED
            if getattr(_kernels, name).signatures}

def start_states(model):
    return np.ones(model.n, dtype=np.int8) if model.vartype.value == "spin" else None

generator = np.random.default_rng(0)
ring = [(i, (i + 1) % 6) for i in range(6)]
tsp = TSP.random(4, rng=0).to_model()
plain = EnergyModel(tsp.dense_weights(), tsp.thresholds, tsp.offset, vartype=tsp.vartype,
                    metadata={"permutation": tsp.metadata["permutation"]})
models = [("max-cut, integer weights", MaxCut.random(10, 0.5, rng=2).to_model()),
          ("max-cut, real weights", MaxCut(6, ring, generator.normal(size=6)).to_model()),
          ("colouring", GraphColoring.random(8, 0.4, rng=0, colors=3).to_model()),
          ("tsp", TSP.random(6, rng=0).to_model()), ("tsp with candidate lists", TSP.random(101, rng=0).to_model()),
          ("qap", QAP.random(5, rng=0).to_model()), ("plain permutation matrix", plain)]
report = []
for label, model in models:
    sets = make_engine(model, "auto", 0).kernel_sets
    before = loaded()
    warm_up(*sets)
    warmed = loaded()
    anneal(model, n_sweeps=20, n_restarts=2, rng=0)
    anneal(model, n_sweeps=5, n_restarts=3, acceptance="glauber", polish=False, n_threads=1, rng=1)
    anneal(model, n_sweeps=5, n_restarts=1, time_limit=0.05, rng=2)
    report.append({"label": label, "sets": list(sets), "before": sorted(before), "warmed": sorted(warmed),
                   "compiled_by_the_solve": sorted(name for name, count in loaded().items()
                                                   if count != warmed.get(name))})
graph = MaxCut.random(8, 0.5, rng=3)
for label, sets, run in [("descend", ["descent"], lambda: descend(graph.to_model(), rng=0)),
                         ("brute_force", ["brute-force"], lambda: brute_force(graph.to_model())),
                         ("held_karp", ["held-karp"], lambda: held_karp(np.ones((5, 5)) - np.eye(5))),
                         ("exact_coloring", ["coloring-search"], lambda: exact_coloring(5, [(i, (i + 1) % 5) for i in range(5)]))]:
    before = loaded()
    run()
    report.append({"label": label, "sets": sets, "before": sorted(before), "warmed": sorted(loaded()),
                   "compiled_by_the_solve": []})
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def kernel_loads():
    """What each solver run loaded, in one fresh interpreter that runs them one after another."""
    code = f"KERNELS_OF_SET = {KERNELS_OF_SET!r}\n" + _KERNEL_LOADS
    return {entry["label"]: entry for entry in json.loads(_run_python(code, timeout=300).strip().splitlines()[-1])}


EXPECTED_SETS = {"max-cut, integer weights": ["lattice-flips", "polish"], "max-cut, real weights": ["flips", "polish"],
                 "colouring": ["one-hot"], "tsp": ["tours"], "tsp with candidate lists": ["tour-candidates"],
                 "qap": ["assignments"], "plain permutation matrix": ["matrix-exchanges"], "descend": ["descent"],
                 "brute_force": ["brute-force"], "held_karp": ["held-karp"], "exact_coloring": ["coloring-search"]}


@pytest.mark.parametrize("label", list(EXPECTED_SETS))
def test_each_solver_loads_only_the_kernels_it_runs(kernel_loads, label):
    entry = kernel_loads[label]
    assert entry["sets"] == EXPECTED_SETS[label]
    expected = set().union(*(KERNELS_OF_SET[name] for name in entry["sets"]))
    # the new kernels are exactly the run's own (a max-cut anneal loads no tour, one-hot or exact kernel)
    assert set(entry["warmed"]) - set(entry["before"]) == expected - set(entry["before"])
    # and the warm-up loaded every signature the runs then used: time_s includes no compilation
    assert entry["compiled_by_the_solve"] == []


def test_a_max_cut_anneal_loads_only_the_single_flip_kernels(kernel_loads):
    # the first run of the interpreter: nothing else had been loaded
    first = kernel_loads["max-cut, integer weights"]
    assert first["before"] == [] and first["warmed"] == ["anneal_lattice_chunk", "polish"]


def test_warm_up_refuses_unknown_sets_and_without_names_loads_every_set():
    from hopopt.solvers import _common

    with pytest.raises(ValueError, match="unknown kernel set 'no-such-set'"):
        _common.warm_up("flips", "no-such-set")
    assert set(_common.KERNEL_SETS) == set(KERNELS_OF_SET)
    _common.warm_up()
    assert _common._WARMED == set(KERNELS_OF_SET)


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
@pytest.mark.parametrize("package_name", ["hopopt", "hopopt.problems", "hopopt.solvers", "hopopt.kinds", "hopopt.io"])
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
