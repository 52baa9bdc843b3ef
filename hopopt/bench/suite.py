"""Benchmark suite files: which solvers to run on which instances, with which seeds and time limits.

A suite file is plain text, one setting per line::

    # a hopopt benchmark suite; '#' starts a comment, blank lines are ignored
    seeds = 0-4            # keys before the first [block] are defaults for every block
    time_limit = 2

    [maxcut-small]         # a block; its name labels the results
    problem = maxcut
    instances = G1 G11 random:n=30,seed=1,p=0.5
    solvers = hopopt-anneal dwave-sa networkx-one-exchange exact
    sweeps = 1000          # optional: fixed work per anneal instead of filling time_limit

Syntax
------
- ``#`` starts a comment that runs to the end of the line (so no value can contain ``#``); blank lines and
  comment-only lines are ignored, as is leading and trailing white space.
- ``[name]`` starts a block. The name is the text between the brackets with the surrounding white space
  removed; it must not be empty, must not contain ``[`` or ``]``, and must differ from every other block's.
- Every other line is ``key = value``, split at the first ``=`` (so ``random:n=30`` can be a value).
- Lines before the first block are the *defaults*: any key may be set there, and every block takes the
  defaults for the keys it does not set itself. A key may be set once per block and once in the defaults.
- A list value is split at white space; a trailing comma on an item is removed, so ``G1, G11`` and
  ``G1 G11`` are the same list, while commas inside an item (``random:n=30,seed=1``) are kept.

Keys
----
``problem``
    Required. One problem name, one of those the caller knows (``maxcut``, ``tsp``, ``coloring`` for hopopt).
``instances``
    Required. One or more instance names; what a name means is up to the caller, which can report a
    name it does not know with :meth:`Suite.error` (a line-numbered message like the parser's own).
``solvers``
    Required. One or more solver names, each one the caller knows for the block's problem.
``seeds``
    Default ``0``. Items are integers ``>= 0`` or inclusive ranges ``A-B`` or ``A..B`` with ``A <= B``
    (no spaces inside a range). Repeated seeds are run once: duplicates are dropped, keeping the first.
``time_limit``
    Default ``10``. Seconds per solver run: a positive finite number.
``exact_time_limit``
    Optional. Seconds for the exact solvers (default: ``time_limit``); proofs often need longer than the
    heuristics are given.
``sweeps``
    Optional. Positive integer: fixed work per anneal instead of filling ``time_limit``.
``restarts``
    Optional. Positive integer: the number of restarts per run.

Repeated instances and solvers in one list are dropped as repeated seeds are, since running the same pair
twice would only double-count it in the summaries.

Errors
------
Every problem raises :class:`SuiteError`, whose message is ``source:line: message`` (or ``source: message``
for the whole file: it cannot be read, is not UTF-8, or has no block). One error is reported: the first one
met while reading top to bottom, where each line is checked as it is read (syntax, key names, numbers,
problem names) and each block as a whole when it ends (required keys present, solvers known for its
problem). A missing key is reported at the block's header line; an unknown solver at the ``solvers`` line it
came from, in the block or in the defaults.

Examples
--------
>>> from hopopt.bench.suite import parse_suite
>>> text = '''
... seeds = 0-2
... [small]
... problem = maxcut
... instances = G1, random:n=30,seed=1
... solvers = hopopt-anneal exact
... '''
>>> suite = parse_suite(text, "demo.suite", problems=["maxcut", "tsp"],
...                     solvers_by_problem={"maxcut": ["hopopt-anneal", "exact"], "tsp": ["exact"]})
>>> block = suite.blocks[0]
>>> block.name, block.instances, block.seeds, block.time_limit
('small', ('G1', 'random:n=30,seed=1'), (0, 1, 2), 10.0)
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from hopopt.errors import InputError

__all__ = ["KNOWN_KEYS", "REQUIRED_KEYS", "Suite", "SuiteBlock", "SuiteError", "parse_suite", "read_suite",
           "parse_seeds"]

#: Every key a suite file may set, in the order the messages list them.
KNOWN_KEYS = ("problem", "instances", "solvers", "seeds", "time_limit", "exact_time_limit", "sweeps", "restarts")
#: Keys every block must end up with, from itself or from the defaults.
REQUIRED_KEYS = ("problem", "instances", "solvers")
DEFAULT_SEEDS = (0,)
DEFAULT_TIME_LIMIT = 10.0
#: A typo such as ``0-1000000000`` would otherwise fill memory before anything runs.
MAX_SEEDS = 100_000

_INTEGER = re.compile(r"[0-9]+")  # not str.isdigit, which also accepts digits int() rejects ('²')
_SEED_RANGE = re.compile(r"([0-9]+)(?:-|\.\.)([0-9]+)")
_HEADER = re.compile(r"\[([^\[\]]*)\]")


class SuiteError(InputError):
    """A problem in a suite file, pointing at the line it is on.

    ``str(error)`` is ``"{source}:{line}: {message}"``, or ``"{source}: {message}"`` when ``line`` is None
    (a problem with the whole file). The parts stay available as ``source``, ``line`` and ``message``.

    Parameters
    ----------
    source : str
        The suite file's name, for the message.
    line : int or None
        The line the problem is on; None for a problem with the whole file.
    message : str
        What is wrong.

    Examples
    --------
    >>> from hopopt.bench.suite import SuiteError
    >>> print(SuiteError("nightly.suite", 7, "unknown key 'seed'"))
    nightly.suite:7: unknown key 'seed'
    >>> print(SuiteError("nightly.suite", None, "no [block] in the suite"))
    nightly.suite: no [block] in the suite
    """

    def __init__(self, source: str, line: int | None, message: str):
        self.source = source
        self.line = line
        self.message = message
        where = source if line is None else f"{source}:{line}"
        super().__init__(f"{where}: {message}")

    def __reduce__(self):
        # the default reduce would call SuiteError(formatted message) and fail; process pools pickle errors
        return (type(self), (self.source, self.line, self.message))


@dataclass(frozen=True)
class SuiteBlock:
    """One ``[block]`` of a suite with the defaults applied.

    ``line`` is the header's line number; ``lines`` maps each key that was set to the line its value came
    from (a defaults line when the block took the default), and leaves out keys left at their built-in
    defaults. ``lines`` is only for messages, so it takes no part in equality or hashing.

    Attributes
    ----------
    name : str
        The block's name, the text between the brackets.
    line : int
        The header's line number.
    problem : str
        The problem type of every instance of the block.
    instances, solvers : tuple of str
        Instance names and solver names, repeats dropped.
    seeds : tuple of int
        The seeds each (instance, solver) pair is run with, repeats dropped.
    time_limit : float
        Seconds per solver run.
    sweeps, restarts : int or None
        Fixed work per anneal and restarts per run; None when not set.
    exact_time_limit : float or None
        Seconds for the exact solvers; None: ``time_limit``.
    lines : mapping of str to int
        Line of each key that was set, as described above (read-only).

    Examples
    --------
    >>> from hopopt.bench.suite import SuiteBlock
    >>> block = SuiteBlock("small", 3, "maxcut", ("G1",), ("exact",), (0,), 10.0, None, None)
    >>> block.seeds, dict(block.lines)
    ((0,), {})
    """

    name: str
    line: int
    problem: str
    instances: tuple[str, ...]
    solvers: tuple[str, ...]
    seeds: tuple[int, ...] = DEFAULT_SEEDS
    time_limit: float = DEFAULT_TIME_LIMIT
    sweeps: int | None = None
    restarts: int | None = None
    exact_time_limit: float | None = None
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self):
        # read-only, so a frozen block cannot be changed through its mapping either
        object.__setattr__(self, "lines", MappingProxyType(dict(self.lines)))


@dataclass(frozen=True)
class Suite:
    """A parsed suite file: where it came from (for messages) and its blocks in file order.

    Attributes
    ----------
    source : str
        The file's name, used in messages.
    blocks : tuple of SuiteBlock
        The blocks, in file order.

    Examples
    --------
    >>> from hopopt.bench.suite import parse_suite
    >>> suite = parse_suite("[a]\\nproblem = tsp\\ninstances = berlin52\\nsolvers = exact\\n", "s.suite",
    ...                     problems=["tsp"], solvers_by_problem={"tsp": ["exact"]})
    >>> [block.name for block in suite.blocks]
    ['a']
    """

    source: str
    blocks: tuple[SuiteBlock, ...]

    def error(self, block: SuiteBlock | str, key: str | None, message: str) -> SuiteError:
        """A :class:`SuiteError` at the line where ``block`` got its value for ``key``.

        For problems the parser cannot see, such as an instance name the caller does not know. ``block``
        is a block of this suite or its name; when ``key`` is None or was never set, the error points at
        the block's header line.

        Parameters
        ----------
        block : SuiteBlock or str
            A block of this suite, or its name (an unknown name is a KeyError).
        key : str or None
            The key whose value is wrong; None for the block as a whole.
        message : str
            What is wrong.

        Returns
        -------
        SuiteError
            The error, for the caller to raise.

        Examples
        --------
        >>> from hopopt.bench.suite import parse_suite
        >>> suite = parse_suite("[a]\\nproblem = tsp\\ninstances = G999\\nsolvers = exact\\n", "s.suite",
        ...                     problems=["tsp"], solvers_by_problem={"tsp": ["exact"]})
        >>> print(suite.error(suite.blocks[0], "instances", "unknown instance 'G999'"))
        s.suite:3: unknown instance 'G999'
        >>> print(suite.error("a", "restarts", "restarts are not supported here"))
        s.suite:1: restarts are not supported here
        """
        if isinstance(block, str):
            matches = [candidate for candidate in self.blocks if candidate.name == block]
            if not matches:
                raise KeyError(f"no block named {block!r} in {self.source}")
            block = matches[0]
        line = block.lines.get(key, block.line) if key is not None else block.line
        return SuiteError(self.source, line, message)


def read_suite(path: str | os.PathLike, *, problems: Collection[str],
               solvers_by_problem: Mapping[str, Collection[str]]) -> Suite:
    """Read and parse a suite file; see :func:`parse_suite` and the module docstring for the format.

    Messages name the file by ``path`` as given. A file that cannot be read or is not UTF-8 text raises
    :class:`SuiteError` for the whole file.

    Parameters
    ----------
    path : str or os.PathLike
        The suite file.
    problems, solvers_by_problem
        As in :func:`parse_suite`: the problem names a block may use, and the solver names of each.

    Returns
    -------
    Suite

    Examples
    --------
    >>> from hopopt.bench.suite import read_suite
    >>> try:
    ...     read_suite("no-such.suite", problems=["tsp"], solvers_by_problem={"tsp": ["exact"]})
    ... except ValueError as error:
    ...     print(error)
    no-such.suite: cannot read suite: [Errno 2] No such file or directory: 'no-such.suite'
    """
    source = os.fspath(path)
    source = source if isinstance(source, str) else os.fsdecode(source)
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        raise SuiteError(source, None, f"cannot read suite: {error}") from None
    try:
        text = data.decode("utf-8-sig")  # -sig: a byte-order mark some editors write is not text
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise SuiteError(source, None, f"not UTF-8 text: byte 0x{data[error.start]:02x} at offset "
                                       f"{error.start} (line {line})") from None
    return parse_suite(text, source, problems=problems, solvers_by_problem=solvers_by_problem)


def parse_suite(text: str, source: str = "<suite>", *, problems: Collection[str],
                solvers_by_problem: Mapping[str, Collection[str]]) -> Suite:
    """Parse the text of a suite file (format in the module docstring).

    Parameters
    ----------
    text : str
        The suite file's contents.
    source : str
        What messages call the text, usually its path.
    problems : collection of str
        The problem names a block may use.
    solvers_by_problem : mapping of str to collection of str
        The solver names each problem may use; a problem missing here has none.

    Returns
    -------
    Suite

    Raises
    ------
    SuiteError
        For the first problem met reading top to bottom, as ``source:line: message``.

    Examples
    --------
    >>> from hopopt.bench.suite import parse_suite
    >>> known = dict(problems=["maxcut"], solvers_by_problem={"maxcut": ["exact"]})
    >>> suite = parse_suite("time_limit = 2\\n[a]\\nproblem = maxcut\\ninstances = G1\\nsolvers = exact\\n"
    ...                     "seeds = 3 0..1 1\\n", **known)
    >>> suite.blocks[0].seeds, suite.blocks[0].time_limit
    ((3, 0, 1), 2.0)
    >>> try:
    ...     parse_suite("[a]\\nproblem = maxcut\\ninstances = G1\\nsolvers = exact dwave-sa\\n", "x", **known)
    ... except ValueError as error:
    ...     print(error)
    x:4: unknown solver 'dwave-sa' for problem 'maxcut'; known: exact
    """
    return _Parser(source, problems, solvers_by_problem).parse(text)


# ------------------------------------------------------------------------------------------------ the parser
class _LineProblem(Exception):
    """Raised by the value parsers; the parser adds the source and line number."""


@dataclass
class _Section:
    """The defaults (name None) or one block while it is being read: values as parsed, and their lines."""

    name: str | None
    line: int
    values: dict[str, object] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


class _Parser:
    def __init__(self, source: str, problems: Collection[str], solvers_by_problem: Mapping[str, Collection[str]]):
        self.source = source
        self.problems = frozenset(problems)
        self.solvers_by_problem = solvers_by_problem
        self.defaults = _Section(None, 0)
        self.blocks: list[SuiteBlock] = []
        self.header_lines: dict[str, int] = {}

    def parse(self, text: str) -> Suite:
        if text.startswith("\ufeff"):
            text = text[1:]
        current = self.defaults
        # split on "\n" only: str.splitlines also breaks at form feeds and U+2028, which editors do not
        # count as lines, and the line numbers must match what the user sees
        for number, raw_line in enumerate(text.split("\n"), start=1):
            content = raw_line.split("#", 1)[0].strip()
            if not content:
                continue
            if content.startswith("["):
                self._finish(current)
                current = self._start_block(content, number)
            else:
                self._assign(current, content, number)
        self._finish(current)
        if not self.blocks:
            raise SuiteError(self.source, None, "no [block] in the suite: nothing to run "
                                                "(a block starts with a line like '[name]')")
        return Suite(self.source, tuple(self.blocks))

    def _fail(self, line: int, message: str) -> SuiteError:
        return SuiteError(self.source, line, message)

    def _start_block(self, content: str, number: int) -> _Section:
        match = _HEADER.fullmatch(content)
        if match is None:
            raise self._fail(number, f"malformed block header {_shorten(content)}: expected '[name]' "
                                     "with no other brackets")
        name = match.group(1).strip()
        if not name:
            raise self._fail(number, "empty block name '[]': a block needs a name to label its results")
        if name in self.header_lines:
            raise self._fail(number, f"duplicate block name {name!r} (first at line {self.header_lines[name]})")
        self.header_lines[name] = number
        return _Section(name, number)

    def _assign(self, section: _Section, content: str, number: int) -> None:
        if "=" not in content:
            raise self._fail(number, f"expected 'key = value' or '[block]', got {_shorten(content)}")
        key, value = (part.strip() for part in content.split("=", 1))
        where = "the defaults" if section.name is None else f"block {section.name!r}"
        if not key:
            raise self._fail(number, f"missing key before '=' in {_shorten(content)}")
        if key not in KNOWN_KEYS:
            raise self._fail(number, f"unknown key {key!r}; known keys: {', '.join(KNOWN_KEYS)}")
        if key in section.lines:
            raise self._fail(number, f"duplicate key {key!r} in {where} (first set at line {section.lines[key]})")
        items = _items(value)
        if not items:
            raise self._fail(number, f"empty value for {key!r}")
        try:
            section.values[key] = self._parse_value(key, items)
        except _LineProblem as problem:
            raise self._fail(number, str(problem)) from None
        section.lines[key] = number

    def _parse_value(self, key: str, items: list[str]) -> object:
        if key == "instances":
            return _unique(items)
        if key == "solvers":
            return _unique(items)  # checked against the problem when the block ends: it may come later
        if key == "seeds":
            return _parse_seeds(items)
        value = _single(key, items)
        if key == "problem":
            if value not in self.problems:
                raise _LineProblem(f"unknown problem {value!r}; known: {_listing(self.problems)}")
            return value
        if key in ("time_limit", "exact_time_limit"):
            return _parse_time_limit(value, key)
        return _parse_positive_integer(key, value)  # sweeps, restarts

    def _finish(self, section: _Section) -> None:
        """Check a block as a whole now that all its lines are read, and keep it."""
        if section.name is None:
            return  # the defaults are checked within each block that uses them
        values = {**self.defaults.values, **section.values}
        lines = {**self.defaults.lines, **section.lines}
        missing = [key for key in REQUIRED_KEYS if key not in values]
        if missing:
            names = ", ".join(repr(key) for key in missing)
            noun = "key" if len(missing) == 1 else "keys"
            pronoun = "it" if len(missing) == 1 else "them"
            raise self._fail(section.line, f"block {section.name!r} is missing required {noun} {names} "
                                           f"(set {pronoun} in the block or before the first block)")
        problem = values["problem"]
        known = self.solvers_by_problem.get(problem, ())
        unknown = [solver for solver in values["solvers"] if solver not in known]
        if unknown:
            names = ", ".join(repr(solver) for solver in unknown)
            noun = "solver" if len(unknown) == 1 else "solvers"
            raise self._fail(lines["solvers"], f"unknown {noun} {names} for problem {problem!r}; "
                                               f"known: {_listing(known)}")
        self.blocks.append(SuiteBlock(
            name=section.name, line=section.line, problem=problem, instances=values["instances"],
            solvers=values["solvers"], seeds=values.get("seeds", DEFAULT_SEEDS),
            time_limit=values.get("time_limit", DEFAULT_TIME_LIMIT), sweeps=values.get("sweeps"),
            restarts=values.get("restarts"), exact_time_limit=values.get("exact_time_limit"), lines=lines))


# ------------------------------------------------------------------------------------------- value parsers
def _items(value: str) -> list[str]:
    """Split a list value at white space, dropping one item's trailing commas ('G1, G11' is two items)."""
    stripped = (item.rstrip(",") for item in value.split())
    return [item for item in stripped if item]  # a lone ',' between spaces is no item


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))  # dicts keep insertion order: first occurrence wins


def _single(key: str, items: list[str]) -> str:
    if len(items) != 1:
        raise _LineProblem(f"{key} takes one value, got {len(items)}: {' '.join(items)!r}")
    return items[0]


def parse_seeds(text: str) -> tuple[int, ...]:
    """Seeds from a list like ``"0-4 7, 9..11"`` (what a suite's ``seeds`` and ``--seeds`` accept).

    Parameters
    ----------
    text : str
        Seeds and ranges (``A-B`` or ``A..B``, both ends included) separated by spaces or commas.

    Returns
    -------
    tuple of int
        The seeds, in the order given; a malformed item is an InputError.

    Examples
    --------
    >>> from hopopt.bench.suite import parse_seeds
    >>> parse_seeds("0-2, 7 9..10")
    (0, 1, 2, 7, 9, 10)
    """
    try:
        return _parse_seeds(_items(text.replace(",", " ")))
    except _LineProblem as problem:
        raise InputError(str(problem)) from None


def _parse_seeds(items: list[str]) -> tuple[int, ...]:
    seeds: dict[int, None] = {}  # an ordered set
    for item in items:
        if _INTEGER.fullmatch(item):
            first = last = int(item)
        elif match := _SEED_RANGE.fullmatch(item):
            first, last = int(match.group(1)), int(match.group(2))
            if first > last:
                raise _LineProblem(f"seed range {item!r} runs backwards: {first} > {last}")
        else:
            raise _LineProblem(f"seed must be an integer >= 0 or a range A-B or A..B, got {item!r}")
        if last - first + 1 > MAX_SEEDS:
            raise _LineProblem(f"too many seeds: at most {MAX_SEEDS} per block, range {item!r} alone has "
                               f"{last - first + 1}")
        seeds.update(dict.fromkeys(range(first, last + 1)))
        if len(seeds) > MAX_SEEDS:
            raise _LineProblem(f"too many seeds: at most {MAX_SEEDS} per block")
    return tuple(seeds)


def _parse_time_limit(text: str, key: str = "time_limit") -> float:
    try:
        value = float(text)
    except ValueError:
        raise _LineProblem(f"{key} must be a number of seconds, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise _LineProblem(f"{key} must be a positive finite number of seconds, got {text!r}")
    return value


def _parse_positive_integer(key: str, text: str) -> int:
    if not _INTEGER.fullmatch(text) or int(text) < 1:
        raise _LineProblem(f"{key} must be a positive integer, got {text!r}")
    return int(text)


def _listing(names: Iterable[str]) -> str:
    names = sorted(names)
    return ", ".join(names) if names else "(none)"


def _shorten(text: str, limit: int = 60) -> str:
    """Quote a line for a message, cut so that a long line (or binary junk) cannot flood the terminal."""
    return repr(text if len(text) <= limit else text[:limit] + "...")
