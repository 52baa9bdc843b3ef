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

    tree = ast.parse(open(plotting.__file__, encoding="utf-8").read())
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [f"{node.module}.{alias.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                 for alias in node.names]
    assert not [name for name in imported if "pyplot" in name]
