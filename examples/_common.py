"""Shared command-line handling for the teaching scripts in ``examples/``.

Every script is run as ``python examples/NAME.py --out DIR [--fast]``: it writes its pictures into DIR
(created if missing). When DIR cannot be created or written, the script prints one line on stderr and exits
with status 2, like the ``hopopt`` command line.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless; hopopt.plotting itself never touches pyplot


def parse_args(description: str, argv=None) -> argparse.Namespace:
    """Parse ``--out DIR [--fast] [--seed N]`` and make sure DIR is a writable folder (else exit 2)."""
    parser = argparse.ArgumentParser(description=description.strip().splitlines()[0])
    parser.add_argument("--out", required=True, help="folder for the pictures (created if missing)")
    parser.add_argument("--fast", action="store_true", help="a smaller, quicker run (a few seconds)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    args.out = writable_folder(args.out)
    return args


def writable_folder(path) -> Path:
    """Create ``path`` and check that a file can be written in it; one stderr line and exit 2 otherwise."""
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        print(f"error: --out {os.fspath(path)!r} is not a writable folder: {reason}", file=sys.stderr)
        raise SystemExit(2) from None
    return folder


def report(path) -> None:
    """Say where a picture went."""
    print(f"wrote {path}")
