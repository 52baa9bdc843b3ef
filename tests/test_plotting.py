"""Tests for hopopt.plotting: every function makes a titled, labelled Figure that saves; GIFs; bad paths."""

from __future__ import annotations

import os

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from matplotlib.figure import Figure

from hopopt import plotting


def _cases():
    rng = np.random.default_rng(0)
    coordinates = rng.random((6, 2))
    weights = rng.normal(size=(5, 5))
    weights = np.triu(weights, 1) + np.triu(weights, 1).T
    large = sp.random(600, 600, density=0.01, random_state=0, format="csr")
    large = large + large.T
    edges = [(0, 1), (1, 2), (2, 0), (2, 3)]
    return {
        "energy_list": lambda: plotting.plot_energy_traces([np.array([3.0, 1.0, 0.0]), np.array([2.0, -1.0])],
                                                           labels=["a", "b"]),
        "energy_2d": lambda: plotting.plot_energy_traces(rng.normal(size=(3, 10)), title="Energies"),
        "energy_1d": lambda: plotting.plot_energy_traces(np.array([1.0, 0.5, 0.0])),
        "beta": lambda: plotting.plot_beta_schedule(np.geomspace(0.1, 5.0, 20)),
        "weights_dense": lambda: plotting.plot_weights(weights),
        "weights_sparse_small": lambda: plotting.plot_weights(sp.csr_matrix(weights)),
        "weights_spy": lambda: plotting.plot_weights(large),
        "raster": lambda: plotting.plot_spin_raster(np.sign(rng.normal(size=(12, 7)))),
        "tour": lambda: plotting.plot_tour(coordinates, [0, 2, 4, 1, 3, 5], title="A tour"),
        "cut_edges": lambda: plotting.plot_cut(edges, [0, 1, 1, 0]),
        "cut_graph": lambda: plotting.plot_cut(nx.cycle_graph(5), np.array([1, -1, 1, -1, 1]),
                                               positions=rng.random((5, 2))),
        "coloring": lambda: plotting.plot_coloring(edges, [0, 1, 1, 2], 4),
        "patterns": lambda: plotting.plot_patterns(np.sign(rng.normal(size=(3, 12))), (3, 4),
                                                   titles=["x", "y", "z"]),
        "capacity": lambda: plotting.plot_capacity_curves(
            {"hebb": [(0.05, 1.0), (0.1, 0.9), (0.2, 0.1)], "storkey": [(0.05, 1.0), (0.2, 0.7)]}),
        "valid_rate": lambda: plotting.plot_valid_rate([0.5, 1, 2, 4], [0.0, 0.3, 0.8, 1.0],
                                                       [np.nan, 1.3, 1.2, 1.1]),
        "valid_rate_plain": lambda: plotting.plot_valid_rate([0.5, 1, 2], [0.0, 0.3, 0.8]),
    }


CASES = _cases()


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_plot_is_titled_labelled_and_saves(name, tmp_path):
    figure = CASES[name]()
    assert isinstance(figure, Figure)
    suptitle = figure._suptitle.get_text() if figure._suptitle is not None else ""
    main_axes = [ax for ax in figure.axes if ax.get_label() != "<colorbar>"]
    assert main_axes
    assert suptitle or main_axes[0].get_title()
    for ax in main_axes:
        assert ax.get_xlabel() or ax.get_ylabel()
    first = main_axes[0]
    assert first.get_xlabel() and first.get_ylabel()
    path = plotting.save_figure(figure, tmp_path / "nested" / "deeper" / f"{name}.png")
    assert os.path.getsize(path) > 0
    with open(path, "rb") as handle:
        assert handle.read(4) == b"\x89PNG"


@pytest.mark.parametrize("name", ["energy_list", "capacity", "valid_rate", "cut_edges", "coloring", "tour"])
def test_several_series_have_a_legend(name):
    figure = CASES[name]()
    assert any(ax.get_legend() is not None for ax in figure.axes)


def test_colourbar_on_heatmaps():
    assert len(plotting.plot_weights(np.eye(3)).axes) == 2
    assert len(plotting.plot_weights(sp.eye(500, format="csr")).axes) == 2


def test_draws_on_a_given_axes():
    figure = Figure()
    axes = figure.subplots(1, 2)
    assert plotting.plot_beta_schedule([1.0, 2.0], ax=axes[0]) is figure
    assert plotting.plot_tour([[0, 0], [1, 0], [0, 1]], [0, 1, 2], ax=axes[1]) is figure
    assert axes[0].get_title() and axes[1].get_title()


def test_cut_and_colouring_titles_count():
    assert plotting.plot_cut([(0, 1), (1, 2)], [0, 1, 0]).axes[0].get_title().endswith("2 of 2 edges cut")
    title = plotting.plot_coloring([(0, 1), (1, 2)], [0, 0, 1]).axes[0].get_title()
    assert "1 conflicts" in title


def test_gif_from_list_and_callable(tmp_path):
    frames = [np.eye(4), np.ones((4, 4)), -np.eye(4)]
    path = plotting.save_animation(frames, tmp_path / "sub" / "anim.gif", interval=100)
    with open(path, "rb") as handle:
        assert handle.read(4) == b"GIF8"
    from PIL import Image

    with Image.open(path) as image:
        assert getattr(image, "n_frames", 1) == 3
    path = plotting.save_animation(lambda i: np.full((3, 3), float(i)), tmp_path / "call.gif", count=3)
    with open(path, "rb") as handle:
        assert handle.read(4) == b"GIF8"
    with pytest.raises(ValueError, match="count"):
        plotting.save_animation(lambda i: np.eye(2), tmp_path / "x.gif")
    with pytest.raises(ValueError, match="frame 1"):
        plotting.save_animation([np.eye(2), np.eye(3)], tmp_path / "y.gif")


def test_save_figure_unwritable_path_raises_value_error(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    figure = plotting.plot_beta_schedule([1.0, 2.0])
    with pytest.raises(ValueError) as info:
        plotting.save_figure(figure, blocker / "inside" / "plot.png")
    message = str(info.value)
    assert "\n" not in message and "a_file" in message
    with pytest.raises(ValueError):
        plotting.save_animation([np.eye(2)], blocker / "anim.gif")


def test_bad_inputs_raise_value_error():
    with pytest.raises(ValueError, match="square"):
        plotting.plot_weights(np.ones((2, 3)))
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_patterns(np.ones((2, 5)), (2, 2))
    with pytest.raises(ValueError, match="labels"):
        plotting.plot_energy_traces([[1.0], [2.0]], labels=["only one"])
    with pytest.raises(ValueError, match="tour"):
        plotting.plot_tour([[0, 0], [1, 1]], [0, 5])


def test_no_pyplot_figures_left_open(tmp_path):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    for name, make in CASES.items():
        plotting.save_figure(make(), tmp_path / f"{name}.png")
    plotting.save_animation([np.eye(3)] * 3, tmp_path / "a.gif")
    assert plt.get_fignums() == before == []


def test_module_does_not_import_pyplot():
    import ast
    import pathlib

    files = sorted(pathlib.Path(plotting.__file__).parent.glob("*.py"))
    assert {path.name for path in files} >= {"__init__.py", "_figures.py", "solutions.py", "benchmarks.py"}
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        imported += [f"{node.module}.{alias.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                     for alias in node.names]
        assert not [name for name in imported if "pyplot" in name], path.name


def test_package_re_exports_every_public_name():
    from hopopt.plotting import _figures, benchmarks, solutions

    for module in (_figures, solutions, benchmarks):
        for name in module.__all__:
            assert getattr(plotting, name) is getattr(module, name)
            assert name in plotting.__all__


# --- benchmark pictures: plot_compare, plot_gap_vs_time, plot_tts_vs_size -----------------------------------

import math  # noqa: E402


def _compare_rows():
    return [
        {"solver": "hopopt-anneal", "objective": 10.0, "gap": 0.0, "feasible": True, "time_s": 0.02,
         "status": "ok"},
        {"solver": "dwave-sa", "objective": 9.0, "gap": 0.1, "feasible": True, "time_s": 1.5, "status": "ok"},
        {"solver": "openjij-sa", "objective": None, "gap": None, "feasible": None, "time_s": None,
         "status": "not installed", "note": "not installed (No module named 'openjij')"},
        {"solver": "hopopt-penalty", "objective": 12.0, "gap": None, "feasible": False, "time_s": 0.3,
         "status": "ok"},
        {"solver": "exact", "objective": None, "gap": None, "feasible": None, "time_s": None, "status": "failed",
         "note": "RuntimeError: boom"},
    ]


def _records():
    records = []
    for solver, gaps in (("hopopt-anneal", [0.0, 0.02, 0.05]), ("dwave-sa", [0.1, 0.0])):
        for seed, gap in enumerate(gaps):
            records.append({"solver": solver, "status": "ok", "feasible": True, "gap": gap, "seed": seed,
                            "time_s": 0.01 * (seed + 1)})
    records.append({"solver": "hopopt-anneal", "status": "ok", "feasible": False, "gap": None, "time_s": 0.5})
    records.append({"solver": "exact", "status": "ok", "feasible": True, "gap": None, "time_s": 2.0})  # no target
    records.append({"solver": "openjij-sa", "status": "not installed", "feasible": None, "gap": None,
                    "time_s": None})
    return records


def _summary():
    rows = []
    for solver, base in (("hopopt-anneal", 0.01), ("dwave-sa", 0.03)):
        for n in (16, 8, 32):
            tts = base * n / 8
            rows.append({"n": n, "solver": solver, "tts99": tts, "tts99_low": tts / 2,
                         "tts99_high": math.inf if n == 32 else 3 * tts})
    rows.append({"n": 64, "solver": "dwave-sa", "tts99": math.inf, "tts99_low": 5.0, "tts99_high": math.inf})
    rows.append({"n": 64, "solver": "dwave-sa", "tts99": math.inf, "tts99_low": None, "tts99_high": math.inf})
    rows.append({"n": 64, "solver": "openjij-sa", "tts99": None, "tts99_low": None, "tts99_high": None})
    return rows


BENCH_CASES = {
    "compare": lambda: plotting.plot_compare(_compare_rows()),
    "compare_zero_gaps": lambda: plotting.plot_compare([dict(row, gap=0.0) for row in _compare_rows()[:2]]),
    "compare_empty": lambda: plotting.plot_compare([]),
    "gap_vs_time": lambda: plotting.plot_gap_vs_time(_records()),
    "gap_vs_time_empty": lambda: plotting.plot_gap_vs_time([]),
    "tts": lambda: plotting.plot_tts_vs_size(_summary()),
    "tts_empty": lambda: plotting.plot_tts_vs_size([]),
}


def _texts(ax):
    return [text.get_text() for text in ax.texts]


def _legend_labels(ax):
    legend = ax.get_legend()
    return [text.get_text() for text in legend.get_texts()] if legend is not None else []


@pytest.mark.parametrize("name", sorted(BENCH_CASES))
def test_bench_plots_are_titled_labelled_and_save(name, tmp_path):
    figure = BENCH_CASES[name]()
    assert isinstance(figure, Figure)
    suptitle = figure._suptitle.get_text() if figure._suptitle is not None else ""
    first = figure.axes[0]
    assert suptitle or first.get_title()
    assert first.get_xlabel() and first.get_ylabel()
    assert all(ax.get_xlabel() or ax.get_ylabel() for ax in figure.axes)
    path = plotting.save_figure(figure, tmp_path / "bench" / f"{name}.png")
    assert os.path.getsize(path) > 0
    with open(path, "rb") as handle:
        assert handle.read(4) == b"\x89PNG"


@pytest.mark.parametrize("name", ["compare_empty", "gap_vs_time_empty", "tts_empty"])
def test_bench_plots_of_nothing_say_no_data(name):
    figure = BENCH_CASES[name]()
    assert all("no data" in _texts(ax) for ax in figure.axes)
    assert plotting.plot_gap_vs_time(None).axes[0].texts  # None is empty too


def test_compare_bars_labels_and_order():
    figure = plotting.plot_compare(_compare_rows(), title="G1")
    gap_ax, time_ax = figure.axes
    assert figure._suptitle.get_text() == "G1"
    assert len(gap_ax.patches) == 2  # rows with a gap: hopopt-anneal and dwave-sa
    assert len(time_ax.patches) == 3  # rows with a time: also the infeasible hopopt-penalty
    assert [label.get_text() for label in gap_ax.get_yticklabels()] == [row["solver"] for row in _compare_rows()]
    assert gap_ax.get_ylim()[0] > gap_ax.get_ylim()[1]  # first solver on top
    assert gap_ax.patches[1].get_width() == pytest.approx(10.0)  # gap in percent
    assert {"0.00 %", "10.00 %"} <= set(_texts(gap_ax))
    assert {"not installed", "infeasible", "failed"} <= set(_texts(gap_ax))
    assert {"not installed", "failed"} <= set(_texts(time_ax))
    assert time_ax.get_xscale() == "log"
    hatched = [patch for patch in time_ax.patches if patch.get_hatch()]
    assert len(hatched) == 1 and hatched[0].get_y() + hatched[0].get_height() / 2 == pytest.approx(3)
    assert _legend_labels(time_ax) == ["infeasible"]


def test_compare_all_zero_gaps_still_readable():
    figure = plotting.plot_compare([dict(row, gap=0.0) for row in _compare_rows()[:2]])
    gap_ax = figure.axes[0]
    assert len(gap_ax.patches) == 2
    assert gap_ax.get_xlim()[1] >= 1.0
    assert _texts(gap_ax).count("0.00 %") == 2


def test_compare_on_given_axes_and_bad_axes():
    figure = Figure()
    axes = figure.subplots(1, 2)
    assert plotting.plot_compare(_compare_rows()[:1], title="mine", axes=axes) is figure
    assert axes[0].get_title().startswith("mine") and axes[1].get_title().startswith("mine")
    with pytest.raises(ValueError, match="axes"):
        plotting.plot_compare(_compare_rows(), axes=[axes[0]])
    with pytest.raises(ValueError, match="row 1"):
        plotting.plot_compare([_compare_rows()[0], 3])


def test_gap_vs_time_legend_and_points():
    ax = plotting.plot_gap_vs_time(_records(), title="T").axes[0]
    assert ax.get_title() == "T"
    assert _legend_labels(ax) == ["hopopt-anneal", "hopopt-anneal (infeasible)", "dwave-sa"]
    assert len(ax.collections) == 3
    anneal, infeasible, dwave = ax.collections
    assert anneal.get_offsets()[:, 1].tolist() == pytest.approx([0.0, 2.0, 5.0])  # percent
    assert len(dwave.get_offsets()) == 2
    top = infeasible.get_offsets()[0, 1]
    assert top > 5.0 and ax.get_ylim()[1] > top
    assert ax.get_xscale() == "log" and ax.get_yscale() in ("symlog", "linear")


def test_gap_vs_time_without_drawable_records_says_no_data():
    records = [{"solver": "exact", "status": "ok", "feasible": True, "gap": None, "time_s": 1.0},
               {"solver": "x", "status": "failed", "feasible": None, "gap": None, "time_s": None}]
    ax = plotting.plot_gap_vs_time(records).axes[0]
    assert "no data" in _texts(ax) and not ax.collections


def test_tts_vs_size_lines_bounds_and_notes():
    ax = plotting.plot_tts_vs_size(_summary()).axes[0]
    assert ax.get_yscale() == "log"
    assert _legend_labels(ax) == ["hopopt-anneal", "dwave-sa", "upper bound infinite (clipped)",
                                  "dwave-sa: never reached the target on 2 instance(s)",
                                  "openjij-sa: no TTS on 1 instance(s)"]
    lines = {line.get_label(): line for line in ax.lines}
    assert list(lines["hopopt-anneal"].get_xdata()) == [8, 16, 32]  # sorted by n
    assert list(lines["dwave-sa"].get_xdata()) == [8, 16, 32]  # the inf point at n = 64 is not drawn
    assert list(lines["dwave-sa"].get_ydata()) == pytest.approx([0.03, 0.06, 0.12])
    triangles = [line for line in ax.lines if line.get_marker() == "^" and len(line.get_xdata())]
    assert len(triangles) == 2  # one clipped upper bound per solver, at the top
    assert all(line.get_ydata()[0] <= ax.get_ylim()[1] for line in triangles)


def test_tts_vs_size_shared_sizes_use_the_median_and_only_inf_is_not_empty():
    rows = [{"n": 8, "solver": "a", "tts99": t, "tts99_low": None, "tts99_high": None} for t in (1.0, 2.0, 9.0)]
    ax = plotting.plot_tts_vs_size(rows).axes[0]
    assert [list(line.get_ydata()) for line in ax.lines if line.get_label() == "a"] == [[2.0]]
    assert len(ax.collections[-1].get_offsets()) == 3  # each instance shown as a small point
    ax = plotting.plot_tts_vs_size([{"n": 8, "solver": "a", "tts99": math.inf, "tts99_low": 1.0,
                                     "tts99_high": math.inf}]).axes[0]
    assert _legend_labels(ax) == ["a: never reached the target on 1 instance(s)"]
    assert "no finite time to solution" in _texts(ax)
    with pytest.raises(ValueError, match="'n'"):
        plotting.plot_tts_vs_size([{"solver": "a", "tts99": 1.0}])


def test_bench_plots_leave_no_pyplot_figures(tmp_path):
    import matplotlib.pyplot as plt

    for name, make in BENCH_CASES.items():
        plotting.save_figure(make(), tmp_path / f"{name}.png")
    assert plt.get_fignums() == []
