"""Options of a teaching script that runs the same way from a shell, in Jupyter and on the documentation site.

Every script in ``examples/`` and every course page starts with ``options = script_options(__doc__)``:

- from a shell, ``python examples/capacity.py --out pictures --fast`` writes its pictures into ``pictures``
  (created if missing; a folder that cannot be written is one line on stderr and exit status 2, like the
  ``hopopt`` command line);
- in Jupyter (the site's downloadable notebooks) the kernel's own arguments are ignored and nothing is
  written: a cell that ends with a figure shows it;
- on the documentation site, sphinx-gallery runs the script with no arguments and shows every figure the
  script holds; ``HOPOPT_FAST=1`` in the environment asks for the quick version, as ``--fast`` does.

Examples
--------
>>> from hopopt.plotting.scripts import script_options
>>> options = script_options("A demo.", argv=["--fast", "--seed", "3"])
>>> options.fast, options.seed, options.out is None
(True, 3, True)
>>> options.save(None, "nothing.png") is None     # no --out: nothing is written
True
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ScriptOptions", "script_options"]

_FAST_VALUES = {"1", "true", "yes", "on"}


@dataclass
class ScriptOptions:
    """What a teaching script was asked for: where to write pictures, the quick version, the seed.

    Attributes
    ----------
    out : pathlib.Path or None
        Folder for the pictures; None writes nothing (notebooks and the documentation site show them).
    fast : bool
        Run the smaller, quicker version (a few seconds).
    seed : int
        Seed of every random choice the script makes.

    Examples
    --------
    >>> import os, tempfile
    >>> from hopopt.plotting import plot_energy_traces
    >>> options = ScriptOptions(out=Path(tempfile.mkdtemp()), fast=True, seed=0)
    >>> path = options.save(plot_energy_traces([[0.0, -1.0]]), "energy.png")
    wrote ...energy.png
    >>> os.path.exists(path)
    True
    """

    out: Path | None = None
    fast: bool = False
    seed: int = 0

    def save(self, figure, filename: str) -> str | None:
        """Write ``figure`` as ``out/filename`` and say where; do nothing without ``--out``.

        Parameters
        ----------
        figure : matplotlib.figure.Figure
            The picture.
        filename : str
            Its file name inside the ``--out`` folder (the format follows the extension).

        Returns
        -------
        str or None
            The path written, or None when the script was given no ``--out`` folder.

        Examples
        --------
        >>> ScriptOptions().save(None, "unused.png") is None
        True
        """
        if self.out is None:
            return None
        from ._figures import save_figure

        path = save_figure(figure, self.out / filename)
        print(f"wrote {path}")
        return path

    def animation_folder(self) -> Path | None:
        """Where the script should write an animation, if anywhere.

        ``out`` when given; while sphinx-gallery builds the documentation site, a fresh temporary folder (the
        site's scraper copies a GIF whose path a page keeps in a variable, and shows it); otherwise None, and
        nothing is written.

        Returns
        -------
        pathlib.Path or None

        Examples
        --------
        >>> ScriptOptions(out=Path("pictures")).animation_folder()
        PosixPath('pictures')
        """
        if self.out is not None:
            return self.out
        if "sphinx_gallery" in sys.modules:
            import tempfile

            return Path(tempfile.mkdtemp(prefix="hopopt-animation-"))
        return None


def _in_jupyter() -> bool:
    # a Jupyter kernel's sys.argv carries its own connection file ("-f kernel.json"), not the script's options
    return "ipykernel" in sys.modules


def script_options(description: str, argv=None) -> ScriptOptions:
    """Read ``--out DIR``, ``--fast`` and ``--seed N`` from the command line (or none in Jupyter).

    Parameters
    ----------
    description : str
        The script's docstring; its first line is the ``--help`` text.
    argv : list of str, optional
        The arguments; ``sys.argv[1:]`` by default, and none inside a Jupyter kernel.

    Returns
    -------
    ScriptOptions
        ``fast`` is also on when the environment sets ``HOPOPT_FAST=1`` (the documentation build's quick mode).

    Raises
    ------
    SystemExit
        With status 2 and one line on stderr when an argument is unknown or ``--out`` cannot be written.

    Examples
    --------
    >>> script_options("Demo.", argv=[]).out is None
    True
    """
    parser = argparse.ArgumentParser(description=(description or "").strip().splitlines()[0] if description else None)
    parser.add_argument("--out", help="folder for the pictures (created if missing); without it nothing is written")
    parser.add_argument("--fast", action="store_true", help="a smaller, quicker run (a few seconds)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    if argv is None:
        argv = [] if _in_jupyter() else sys.argv[1:]
    args = parser.parse_args(argv)
    fast = args.fast or os.environ.get("HOPOPT_FAST", "").strip().lower() in _FAST_VALUES
    out = None if args.out is None else _writable_folder(args.out)
    return ScriptOptions(out=out, fast=fast, seed=args.seed)


def _writable_folder(path) -> Path:
    """Create ``path`` and check that it can be written; one stderr line and exit 2 otherwise."""
    from ..errors import InputError
    from ._figures import prepare_folder

    try:
        prepare_folder(path)
    except InputError as error:
        reason = str(error).removeprefix("path: ")
        print(f"error: --out {os.fspath(path)!r} is not a writable folder: {reason}", file=sys.stderr)
        raise SystemExit(2) from None
    return Path(path)
