"""The catalogue of known benchmark instances, where their files are found, and how to download them.

The catalogue (``problems/catalog.csv`` in the source tree, shipped as ``hopopt/data/catalog.csv``) holds facts
about public instances: name, problem, file format, node and edge counts, the known optimum and whether it is
proven, the source of that optimum, the official download address and the SHA-256 of the file. It does not hold
the files themselves.

Files are looked up in data directories, in this order (see :func:`data_dirs`):

1. an explicit ``data_dir`` argument (``--data-dir`` on the command line);
2. the directories in ``$HOPOPT_DATA`` (separated by ``os.pathsep``);
3. the user cache, ``pooch.os_cache("hopopt")``, where :func:`fetch` puts downloads;
4. in a source checkout, ``../shared/instances`` beside the repository, if it exists.

A catalogue entry's ``file`` (such as ``gset/G1.txt``) is relative to a data directory.
"""

from __future__ import annotations

import csv
import difflib
import functools
import gzip
import hashlib
import io
import os
import re
import shutil
import urllib.parse
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Optional, Union

from .errors import InputError

__all__ = ["CatalogEntry", "catalog", "lookup", "data_dirs", "find_instance", "fetch", "parse_random_spec"]

PathLike = Union[str, "os.PathLike[str]"]

DATA_ENVIRONMENT_VARIABLE = "HOPOPT_DATA"
_CATALOG_COLUMNS = ("name", "problem", "format", "file", "nodes", "edges", "optimum", "status", "source", "url",
                    "sha256")
_RANDOM_PREFIX = "random:"
_KEY_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


# ---------------------------------------------------------------------------------------------- catalogue
@dataclass(frozen=True)
class CatalogEntry:
    """One row of the instance catalogue.

    Attributes
    ----------
    name : str
        Instance name as its authors spell it (``G1``, ``kroA100``, ``le450_5a``).
    problem : str
        ``maxcut``, ``tsp``, ``coloring`` or ``qap`` (a registered kind).
    format : str
        File format and so the reader to use: ``gset``, ``tsplib``, ``dimacs`` or ``qaplib``.
    file : str
        Path of the file relative to a data directory, with ``/`` separators (``gset/G1.txt``).
    nodes : int
        Number of nodes (cities for TSP).
    edges : int or None
        Number of distinct undirected edges; None where the graph is complete (TSP).
    optimum : float or None
        Best known objective: cut weight, tour length or chromatic number.
    status : str
        ``optimal`` when the optimum is proven, ``best-known`` otherwise.
    source : str
        Where the optimum comes from.
    url : str
        Official download address (TSPLIB files are gzip-compressed there).
    sha256 : str
        SHA-256 of the (decompressed) file, checked by :func:`fetch`.

    Examples
    --------
    >>> entry = lookup("G1")
    >>> entry.problem, entry.nodes, entry.edges, entry.optimum
    ('maxcut', 800, 19176, 11624.0)
    """

    name: str
    problem: str
    format: str
    file: str
    nodes: int
    edges: Optional[int]
    optimum: Optional[float]
    status: str
    source: str
    url: str
    sha256: str


def catalog() -> tuple[CatalogEntry, ...]:
    """Return every catalogue entry, in catalogue order.

    The file is read once, from the package data, and cached.

    Returns
    -------
    tuple of CatalogEntry

    Examples
    --------
    >>> entries = catalog()
    >>> sorted({entry.problem for entry in entries})
    ['coloring', 'maxcut', 'qap', 'tsp']
    """
    return _load_catalog()


@functools.lru_cache(maxsize=1)
def _load_catalog() -> tuple[CatalogEntry, ...]:
    text = resources.files("hopopt").joinpath("data", "catalog.csv").read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != _CATALOG_COLUMNS:
        raise RuntimeError(f"hopopt/data/catalog.csv: columns must be {','.join(_CATALOG_COLUMNS)}, "
                           f"got {','.join(reader.fieldnames or ())}")
    return tuple(_entry_from_row(row) for row in reader)


def _entry_from_row(row: dict) -> CatalogEntry:
    """Convert one CSV row; empty cells of the optional numeric columns become None."""
    return CatalogEntry(
        name=row["name"], problem=row["problem"], format=row["format"], file=row["file"],
        nodes=int(row["nodes"]),
        edges=int(row["edges"]) if row["edges"] else None,
        optimum=float(row["optimum"]) if row["optimum"] else None,
        status=row["status"], source=row["source"], url=row["url"], sha256=row["sha256"],
    )


@functools.lru_cache(maxsize=1)
def _entries_by_folded_name() -> dict[str, CatalogEntry]:
    return {entry.name.casefold(): entry for entry in catalog()}


def lookup(name: str) -> Optional[CatalogEntry]:
    """Find a catalogue entry by name, ignoring case.

    Parameters
    ----------
    name : str
        Instance name, such as ``"berlin52"`` or ``"g22"``.

    Returns
    -------
    CatalogEntry or None
        None when no entry has that name.

    Examples
    --------
    >>> lookup("BERLIN52").optimum
    7542.0
    >>> lookup("no-such-instance") is None
    True
    """
    return _entries_by_folded_name().get(str(name).casefold())


def _require_entry(name: str) -> CatalogEntry:
    """Look a name up, or fail with the closest known names to help with typos."""
    entry = lookup(name)
    if entry is not None:
        return entry
    names = {known.casefold(): known for known in (entry.name for entry in catalog())}
    close = difflib.get_close_matches(str(name).casefold(), list(names), n=5, cutoff=0.6)
    hint = f"close names: {', '.join(names[match] for match in close)}" if close else \
        f"known names: {', '.join(sorted(names.values(), key=str.casefold))}"
    raise InputError(f"instance name {name!r} is not in the catalogue; {hint}")


# ---------------------------------------------------------------------------------------------- data dirs
def _source_checkout_instances() -> Optional[Path]:
    """``<repo>/../shared/instances`` when hopopt runs from a source checkout (a pyproject.toml above it)."""
    repository = Path(__file__).resolve().parents[1]
    if not (repository / "pyproject.toml").is_file():
        return None
    instances = repository.parent / "shared" / "instances"
    return instances if instances.is_dir() else None


def _user_cache() -> Path:
    # imported here so that reading the catalogue does not pay for importing pooch
    import pooch

    return Path(pooch.os_cache("hopopt"))


def _expanded(directory) -> Path:
    """``directory`` with ``~`` expanded; a ``~user`` that names no user is the caller's input error."""
    try:
        return Path(directory).expanduser()
    except RuntimeError:
        raise InputError(f"data directory {directory!r}: cannot expand '~' (no such user)") from None


def data_dirs(data_dir: Optional[PathLike] = None) -> list[Path]:
    """List the directories searched for instance files, first match wins.

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        A directory to search first (``--data-dir``).

    Returns
    -------
    list of pathlib.Path
        The explicit ``data_dir``; each entry of ``$HOPOPT_DATA`` (``os.pathsep``-separated, empty entries
        skipped); the user cache ``pooch.os_cache("hopopt")``; and ``<repository>/../shared/instances`` when
        running from a source checkout where it exists. Directories need not exist (the cache may not yet);
        repeats are dropped.

    Examples
    --------
    >>> import pathlib
    >>> dirs = data_dirs("/tmp/my-instances")
    >>> dirs[0].as_posix()
    '/tmp/my-instances'
    >>> import pooch
    >>> pathlib.Path(pooch.os_cache("hopopt")) in dirs
    True
    """
    candidates = []
    if data_dir is not None:
        candidates.append(_expanded(data_dir))
    for part in os.environ.get(DATA_ENVIRONMENT_VARIABLE, "").split(os.pathsep):
        if part.strip():
            candidates.append(_expanded(part.strip()))
    candidates.append(_user_cache())
    shared = _source_checkout_instances()
    if shared is not None:
        candidates.append(shared)
    unique = []
    for candidate in candidates:
        if candidate not in unique:
            unique.append(candidate)
    return unique


def find_instance(name: str, data_dir: Optional[PathLike] = None) -> Path:
    """Return the path of a catalogue instance's file in the first data directory that has it.

    Parameters
    ----------
    name : str
        Catalogue name (case is ignored).
    data_dir : str or os.PathLike, optional
        A directory to search before the others (see :func:`data_dirs`).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    InputError
        If the name is not in the catalogue (the message lists close names), or no data directory holds the
        file (the message lists where it looked and how to download it).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / "gset").mkdir()
    >>> _ = (folder / "gset" / "G11.txt").write_text("800 0\\n")
    >>> find_instance("g11", data_dir=folder) == folder / "gset" / "G11.txt"
    True
    """
    entry = _require_entry(name)
    searched = data_dirs(data_dir)
    for directory in searched:
        candidate = directory / entry.file
        if candidate.is_file():
            return candidate
    raise InputError(f"instance {entry.name} ({entry.file}) was not found in any data directory "
                     f"(looked in: {', '.join(str(directory) for directory in searched)}); "
                     f"download it with `hopopt datasets fetch {entry.name}` or set ${DATA_ENVIRONMENT_VARIABLE}")


# ---------------------------------------------------------------------------------------------- fetch
def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_file_url(url: str, output_file, pooch_instance=None) -> None:
    """A pooch downloader for ``file://`` addresses (local mirrors, offline tests); pooch has none built in."""
    # urllib.request (with http.client and email) is imported only when a file is fetched, not at start-up
    import urllib.request

    source = Path(urllib.request.url2pathname(urllib.parse.urlparse(url).path))
    if not source.is_file():
        raise FileNotFoundError(f"no file at {url}")
    if hasattr(output_file, "write"):
        with open(source, "rb") as stream:
            shutil.copyfileobj(stream, output_file)
    else:
        shutil.copyfile(source, output_file)


def _download(url: str, folder: Path, download_name: str) -> Path:
    """Download ``url`` to ``folder / download_name`` with pooch; every failure becomes one InputError line."""
    import pooch

    downloader = _copy_file_url if urllib.parse.urlparse(url).scheme == "file" else None
    logger = pooch.get_logger()
    previous_level = logger.level
    # pooch logs an info line suggesting a known_hash; we check the hash ourselves, so keep stderr quiet
    logger.setLevel("WARNING")
    try:
        return Path(pooch.retrieve(url, known_hash=None, fname=download_name, path=folder,
                                   downloader=downloader, progressbar=False))
    except (OSError, ValueError) as error:  # requests' errors are OSErrors; a bad URL scheme is a ValueError
        message = " ".join(str(error).split()) or type(error).__name__
        raise InputError(f"cannot download {url}: {message}") from None
    finally:
        logger.setLevel(previous_level)


def fetch(name: str, data_dir: Optional[PathLike] = None, *, url: Optional[str] = None) -> Path:
    """Download a catalogue instance, check its SHA-256 and return its path.

    The file goes to ``data_dir`` (or the user cache ``pooch.os_cache("hopopt")``) at the entry's ``file``
    path, so that :func:`find_instance` finds it afterwards. Gzip downloads (TSPLIB) are decompressed. A file
    already there with the right hash is not downloaded again.

    Parameters
    ----------
    name : str
        Catalogue name (case is ignored).
    data_dir : str or os.PathLike, optional
        Destination data directory; default the user cache.
    url : str, optional
        Download from here instead of the catalogue's official address, for a mirror. ``file://`` addresses
        work. A name ending in ``.gz`` is decompressed.

    Returns
    -------
    pathlib.Path
        Path of the verified file.

    Raises
    ------
    InputError
        If the name is unknown, the download fails, or the file's SHA-256 differs from the catalogue's (the
        bad file is removed).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> mirror = pathlib.Path(tempfile.mkdtemp())
    >>> # a file with the wrong contents is refused, whatever the address
    >>> _ = (mirror / "G1").write_text("800 0\\n")
    >>> fetch("G1", data_dir=mirror / "data", url=(mirror / "G1").as_uri())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    hopopt.errors.InputError: G1: SHA-256 of the downloaded file is ...
    """
    entry = _require_entry(name)
    destination = _expanded(data_dir) if data_dir is not None else _user_cache()
    target = destination / entry.file
    if target.is_file() and _sha256(target) == entry.sha256:
        return target
    source_url = url if url is not None else entry.url
    compressed = urllib.parse.urlparse(source_url).path.endswith(".gz")
    # download under temporary names and move into place only once verified, so a failed or interrupted
    # fetch never leaves a bad file where find_instance would pick it up
    download_name = target.name + (".gz" if compressed else ".part")
    partial = target.parent / (target.name + ".part")
    for leftover in (target.parent / download_name, partial):
        leftover.unlink(missing_ok=True)
    downloaded = _download(source_url, target.parent, download_name)
    try:
        if compressed:
            _gunzip(downloaded, partial, source_url)
        actual = _sha256(partial)
        if actual != entry.sha256:
            raise InputError(f"{entry.name}: SHA-256 of the downloaded file is {actual}, the catalogue expects "
                             f"{entry.sha256}; the file from {source_url} was removed")
        os.replace(partial, target)
    finally:
        for leftover in (downloaded, partial):
            leftover.unlink(missing_ok=True)
    return target


def _gunzip(compressed: Path, output: Path, url: str) -> None:
    try:
        with gzip.open(compressed, "rb") as stream, open(output, "wb") as destination:
            shutil.copyfileobj(stream, destination)
    except (OSError, EOFError) as error:  # gzip.BadGzipFile is an OSError; a cut-off download an EOFError
        raise InputError(f"cannot decompress the download from {url}: {error}") from None


# ---------------------------------------------------------------------------------------------- random specs
def parse_random_spec(spec: str) -> dict:
    """Parse a random-instance spec such as ``random:n=20,seed=3,p=0.5``.

    Parameters
    ----------
    spec : str
        ``random:`` followed by comma-separated ``key=value`` pairs. Keys are identifiers; values are
        integers (kept as ``int``) or finite decimal numbers (``float``). Spaces around parts are ignored.

    Returns
    -------
    dict
        The pairs in the order given; ``{}`` for a bare ``random:``. Which keys are required is up to the
        caller.

    Raises
    ------
    InputError
        If the prefix is missing, a part is not ``key=value``, a key repeats, or a value is not a finite
        number. The message quotes the bad part.

    Examples
    --------
    >>> parse_random_spec("random:n=20,seed=3,p=0.5")
    {'n': 20, 'seed': 3, 'p': 0.5}
    >>> parse_random_spec("random:n=twenty")
    Traceback (most recent call last):
    ...
    hopopt.errors.InputError: random spec 'random:n=twenty': value of 'n' must be a number, got 'twenty'
    """
    if not isinstance(spec, str) or not spec.startswith(_RANDOM_PREFIX):
        raise InputError(f"random spec must start with {_RANDOM_PREFIX!r} (like 'random:n=20,seed=3'), "
                         f"got {spec!r}")
    body = spec[len(_RANDOM_PREFIX):]
    parameters: dict = {}
    if not body.strip():
        return parameters
    for part in body.split(","):
        key, separator, value = (piece.strip() for piece in part.partition("="))
        if not separator or not _KEY_PATTERN.match(key):
            raise InputError(f"random spec {spec!r}: each part must be key=value with a name as key, "
                             f"got {part.strip()!r}")
        if key in parameters:
            raise InputError(f"random spec {spec!r}: key {key!r} is given more than once")
        parameters[key] = _parse_number(spec, key, value)
    return parameters


def _parse_number(spec: str, key: str, value: str):
    """An int when the text is an integer literal ("20", "-3"), else a finite float ("0.5", "1e-3")."""
    try:
        return int(value)
    except ValueError:
        pass
    try:
        number = float(value)
    except ValueError:
        raise InputError(f"random spec {spec!r}: value of {key!r} must be a number, got {value!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise InputError(f"random spec {spec!r}: value of {key!r} must be finite, got {value!r}")
    return number
