"""hopopt.datasets: catalogue facts, data directory search, offline fetch, random specs."""

import csv
import gzip
import hashlib
import os
from pathlib import Path

import pytest

from hopopt import datasets
from hopopt.datasets import (CatalogEntry, catalog, data_dirs, fetch, find_instance, lookup,
                             parse_random_spec)
from hopopt.errors import InputError

REPOSITORY = Path(__file__).resolve().parents[1]
SHARED_INSTANCES = Path(__file__).resolve().parents[2] / "shared" / "instances"
needs_shared = pytest.mark.skipif(not SHARED_INSTANCES.is_dir(),
                                  reason=f"benchmark mirror {SHARED_INSTANCES} is absent")
COLUMNS = ["name", "problem", "format", "file", "nodes", "edges", "optimum", "status", "source", "url", "sha256"]


def shared_catalog():
    with open(SHARED_INSTANCES / "catalog.csv", newline="") as stream:
        return {row["name"]: row for row in csv.DictReader(stream)}


def sha256_of(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def isolated_dirs(monkeypatch, tmp_path):
    """No $HOPOPT_DATA, an empty user cache and no shared mirror, so only what a test puts there is found."""
    monkeypatch.delenv("HOPOPT_DATA", raising=False)
    cache = tmp_path / "cache"
    monkeypatch.setattr(datasets, "_user_cache", lambda: cache)
    monkeypatch.setattr(datasets, "_source_checkout_instances", lambda: None)
    return cache


# ---------------------------------------------------------------------------------------------- catalogue
def test_catalogue_file_has_the_documented_columns_and_unique_names():
    with open(REPOSITORY / "problems" / "catalog.csv", newline="") as stream:
        reader = csv.DictReader(stream)
        rows = list(reader)
    assert reader.fieldnames == COLUMNS
    names = [row["name"].casefold() for row in rows]
    assert len(names) == len(set(names))
    assert len(catalog()) == len(rows)


def test_package_data_is_the_problems_catalogue():
    packaged = REPOSITORY / "hopopt" / "data" / "catalog.csv"
    assert packaged.is_symlink() and os.readlink(packaged) == "../../problems/catalog.csv"
    assert packaged.read_bytes() == (REPOSITORY / "problems" / "catalog.csv").read_bytes()


def test_catalogue_entries_are_typed():
    for entry in catalog():
        assert isinstance(entry, CatalogEntry)
        assert isinstance(entry.nodes, int) and entry.nodes > 0
        assert entry.edges is None or isinstance(entry.edges, int)
        assert isinstance(entry.optimum, float)
        assert entry.status in {"optimal", "best-known"}
        assert len(entry.sha256) == 64
        assert (entry.problem, entry.format) in {("maxcut", "gset"), ("tsp", "tsplib"), ("coloring", "dimacs"),
                                                 ("qap", "qaplib")}
        assert (entry.edges is None) == (entry.problem in ("tsp", "qap"))  # complete graphs
    assert catalog() is catalog()  # read once


def test_catalogue_urls_point_at_the_official_sources():
    for entry in catalog():
        expected = {
            "gset": f"https://web.stanford.edu/~yyye/yyye/Gset/{entry.name}",
            "tsplib": f"http://comopt.ifi.uni-heidelberg.de/software/TSPLIB95/tsp/{entry.name}.tsp.gz",
            "dimacs": f"https://mat.tepper.cmu.edu/COLOR/instances/{entry.name}.col",
            "qaplib": f"https://coral.ise.lehigh.edu/wp-content/uploads/2014/07/data.d/{entry.name}.dat",
        }[entry.format]
        assert entry.url == expected


@needs_shared
def test_catalogue_matches_the_shared_mirror_catalogue():
    shared = shared_catalog()
    assert {entry.name for entry in catalog()} == set(shared)
    for entry in catalog():
        row = shared[entry.name]
        assert entry.problem == row["problem"]
        assert entry.file == row["file"]
        assert entry.nodes == int(row["nodes"])
        assert entry.optimum == float(row["optimum"])
        if entry.problem == "maxcut":
            assert entry.edges == int(row["edges"])
    # TSPLIB optimal tours are companions of instances, not catalogue rows
    assert not any(entry.file.endswith(".tour") for entry in catalog())


@needs_shared
def test_catalogue_hashes_match_the_shared_files():
    for entry in catalog():
        assert sha256_of(SHARED_INSTANCES / entry.file) == entry.sha256, entry.name


@needs_shared
def test_dimacs_edge_counts_are_distinct_undirected_edges():
    for entry in catalog():
        if entry.format != "dimacs":
            continue
        lines = (SHARED_INSTANCES / entry.file).read_text().splitlines()
        pairs = {frozenset(map(int, line.split()[1:3])) for line in lines if line.startswith("e")}
        assert len(pairs) == entry.edges, entry.name


@pytest.mark.parametrize("name", ["G1", "g1", "KROA100", "Le450_5A"])
def test_lookup_ignores_case(name):
    assert lookup(name).name.casefold() == name.casefold()


def test_lookup_unknown_name_is_none():
    assert lookup("G0") is None


# ---------------------------------------------------------------------------------------------- data dirs
def test_data_dirs_order_explicit_then_environment_then_cache(isolated_dirs, monkeypatch, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    monkeypatch.setenv("HOPOPT_DATA", os.pathsep.join([str(first), "", str(second)]))
    explicit = tmp_path / "explicit"
    assert data_dirs(explicit) == [explicit, first, second, isolated_dirs]
    assert data_dirs() == [first, second, isolated_dirs]


def test_data_dirs_drop_repeats(isolated_dirs, monkeypatch, tmp_path):
    monkeypatch.setenv("HOPOPT_DATA", str(tmp_path))
    assert data_dirs(tmp_path) == [tmp_path, isolated_dirs]


@needs_shared
def test_data_dirs_include_the_shared_mirror_in_a_source_checkout(monkeypatch):
    monkeypatch.delenv("HOPOPT_DATA", raising=False)
    assert data_dirs()[-1] == SHARED_INSTANCES


@needs_shared
def test_find_instance_through_hopopt_data(isolated_dirs, monkeypatch):
    monkeypatch.setenv("HOPOPT_DATA", str(SHARED_INSTANCES))
    assert find_instance("g22") == SHARED_INSTANCES / "gset" / "G22.txt"
    assert find_instance("berlin52") == SHARED_INSTANCES / "tsplib" / "berlin52.tsp"
    assert find_instance("myciel3") == SHARED_INSTANCES / "dimacs" / "myciel3.col"


@needs_shared
def test_find_instance_through_the_source_checkout(monkeypatch, tmp_path):
    monkeypatch.delenv("HOPOPT_DATA", raising=False)
    monkeypatch.setattr(datasets, "_user_cache", lambda: tmp_path / "empty-cache")
    assert find_instance("G11") == SHARED_INSTANCES / "gset" / "G11.txt"


def test_find_instance_prefers_the_first_directory(isolated_dirs, monkeypatch, tmp_path):
    for folder in ("first", "second"):
        (tmp_path / folder / "dimacs").mkdir(parents=True)
        (tmp_path / folder / "dimacs" / "jean.col").write_text("p edge 1 0\n")
    monkeypatch.setenv("HOPOPT_DATA", str(tmp_path / "second"))
    assert find_instance("jean", data_dir=tmp_path / "first") == tmp_path / "first" / "dimacs" / "jean.col"
    assert find_instance("jean") == tmp_path / "second" / "dimacs" / "jean.col"


def test_find_instance_missing_file_says_where_it_looked_and_how_to_fetch(isolated_dirs, tmp_path):
    with pytest.raises(InputError) as caught:
        find_instance("G1", data_dir=tmp_path / "nowhere")
    message = str(caught.value)
    assert "gset/G1.txt" in message and str(tmp_path / "nowhere") in message and str(isolated_dirs) in message
    assert "hopopt datasets fetch G1" in message


def test_find_instance_unknown_name_suggests_close_names():
    with pytest.raises(InputError, match=r"'kroa10' is not in the catalogue; close names: kroA100"):
        find_instance("kroa10")


# ---------------------------------------------------------------------------------------------- fetch
@needs_shared
def test_fetch_from_a_file_url_mirror_verifies_and_places_the_file(isolated_dirs, tmp_path):
    source = SHARED_INSTANCES / "gset" / "G11.txt"
    path = fetch("G11", data_dir=tmp_path / "data", url=source.as_uri())
    assert path == tmp_path / "data" / "gset" / "G11.txt"
    assert path.read_bytes() == source.read_bytes()
    assert sorted(p.name for p in path.parent.iterdir()) == ["G11.txt"]  # no temporary files left


@needs_shared
def test_fetch_decompresses_gzip_downloads(isolated_dirs, tmp_path):
    source = SHARED_INSTANCES / "tsplib" / "burma14.tsp"
    mirror = tmp_path / "mirror" / "burma14.tsp.gz"
    mirror.parent.mkdir()
    mirror.write_bytes(gzip.compress(source.read_bytes()))
    path = fetch("burma14", data_dir=tmp_path / "data", url=mirror.as_uri())
    assert path.read_bytes() == source.read_bytes()
    assert sorted(p.name for p in path.parent.iterdir()) == ["burma14.tsp"]


@needs_shared
def test_fetch_uses_the_official_url_and_the_user_cache_by_default(isolated_dirs, monkeypatch):
    import pooch

    requested = []

    def fake_retrieve(url, known_hash, fname, path, downloader, progressbar):
        requested.append(url)
        target = Path(path) / fname
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((SHARED_INSTANCES / "dimacs" / "myciel3.col").read_bytes())
        return str(target)

    monkeypatch.setattr(pooch, "retrieve", fake_retrieve)
    path = fetch("myciel3")
    assert requested == ["https://mat.tepper.cmu.edu/COLOR/instances/myciel3.col"]
    assert path == isolated_dirs / "dimacs" / "myciel3.col"
    assert find_instance("myciel3") == path


@needs_shared
def test_fetch_skips_the_download_when_the_file_is_already_there(isolated_dirs, monkeypatch, tmp_path):
    target = tmp_path / "gset" / "G14.txt"
    target.parent.mkdir()
    target.write_bytes((SHARED_INSTANCES / "gset" / "G14.txt").read_bytes())

    def no_download(*arguments, **keywords):
        raise AssertionError("fetch downloaded a file it already had")

    monkeypatch.setattr(datasets, "_download", no_download)
    assert fetch("G14", data_dir=tmp_path) == target


def test_fetch_refuses_a_file_with_the_wrong_hash_and_removes_it(isolated_dirs, tmp_path):
    mirror = tmp_path / "G1"
    mirror.write_text("800 0\n")
    with pytest.raises(InputError, match="G1: SHA-256 of the downloaded file is .* the catalogue expects"):
        fetch("G1", data_dir=tmp_path / "data", url=mirror.as_uri())
    assert list((tmp_path / "data" / "gset").iterdir()) == []


def test_fetch_replaces_a_corrupt_local_copy(isolated_dirs, tmp_path):
    if not SHARED_INSTANCES.is_dir():
        pytest.skip(f"benchmark mirror {SHARED_INSTANCES} is absent")
    target = tmp_path / "gset" / "G18.txt"
    target.parent.mkdir()
    target.write_text("corrupt")
    source = SHARED_INSTANCES / "gset" / "G18.txt"
    assert fetch("G18", data_dir=tmp_path, url=source.as_uri()).read_bytes() == source.read_bytes()


def test_fetch_missing_mirror_file_is_one_input_error_line(isolated_dirs, tmp_path):
    with pytest.raises(InputError, match="cannot download file://") as caught:
        fetch("G1", data_dir=tmp_path, url=(tmp_path / "absent").as_uri())
    assert "\n" not in str(caught.value)


def test_fetch_network_failure_is_an_input_error(isolated_dirs, monkeypatch, tmp_path):
    import pooch
    import requests

    def unreachable(*arguments, **keywords):
        raise requests.exceptions.ConnectionError("Max retries exceeded\nName or service not known")

    monkeypatch.setattr(pooch, "retrieve", unreachable)
    with pytest.raises(InputError) as caught:
        fetch("G1", data_dir=tmp_path)
    message = str(caught.value)
    assert message.startswith("cannot download https://web.stanford.edu/~yyye/yyye/Gset/G1: Max retries")
    assert "\n" not in message


def test_fetch_corrupt_gzip_is_an_input_error(isolated_dirs, tmp_path):
    mirror = tmp_path / "att48.tsp.gz"
    mirror.write_bytes(b"not gzip at all")
    with pytest.raises(InputError, match="cannot decompress"):
        fetch("att48", data_dir=tmp_path / "data", url=mirror.as_uri())
    assert list((tmp_path / "data" / "tsplib").iterdir()) == []


def test_fetch_unknown_name(isolated_dirs):
    with pytest.raises(InputError, match="not in the catalogue"):
        fetch("G0")


# ---------------------------------------------------------------------------------------------- random specs
@pytest.mark.parametrize("spec, expected", [
    ("random:n=20,seed=3,p=0.5", {"n": 20, "seed": 3, "p": 0.5}),
    ("random:n=20,seed=3", {"n": 20, "seed": 3}),
    ("random: n = 7 , p=.25 ", {"n": 7, "p": 0.25}),
    ("random:weight_low=-2,scale=1e-3", {"weight_low": -2, "scale": 0.001}),
    ("random:", {}),
])
def test_parse_random_spec(spec, expected):
    parsed = parse_random_spec(spec)
    assert parsed == expected
    assert [type(value) for value in parsed.values()] == [type(value) for value in expected.values()]


@pytest.mark.parametrize("spec, message", [
    ("n=20", "must start with 'random:'"),
    ("Random:n=20", "must start with 'random:'"),
    ("random:n", "got 'n'"),
    ("random:n=20,", "got ''"),
    ("random:=4", "got '=4'"),
    ("random:2n=4", "got '2n=4'"),
    ("random:n=twenty", "value of 'n' must be a number, got 'twenty'"),
    ("random:n=", "value of 'n' must be a number, got ''"),
    ("random:p=nan", "value of 'p' must be finite, got 'nan'"),
    ("random:p=inf", "value of 'p' must be finite, got 'inf'"),
    ("random:n=3,n=4", "key 'n' is given more than once"),
])
def test_parse_random_spec_rejects_bad_parts(spec, message):
    with pytest.raises(InputError) as caught:
        parse_random_spec(spec)
    assert message in str(caught.value)


def test_parse_random_spec_rejects_non_strings():
    with pytest.raises(InputError, match="must start with 'random:'"):
        parse_random_spec(None)
