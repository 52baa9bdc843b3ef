"""Start-up time of the ``hopopt`` command (issue 12, item 5): wall time of whole subprocesses.

Usage::

    python benchmarks/startup.py [--runs 5] [--command hopopt]

Runs ``hopopt --help``, ``hopopt --version``, a tiny solve (``solve maxcut random:n=10,seed=1``) and a tiny
exact (``exact maxcut random:n=10,seed=1``), each ``--runs`` times after one unmeasured run (which fills the
numba cache and the OS file cache, so the figures are those of a second run), and prints the median and the
range of the wall times as a Markdown table. Targets: ``--help`` under 0.3 s, the tiny solve under 1.5 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

# (label, arguments after the command)
CASES = (
    ("hopopt --help", ["--help"]),
    ("hopopt --version", ["--version"]),
    ("hopopt solve maxcut random:n=10,seed=1", ["solve", "maxcut", "random:n=10,seed=1"]),
    ("hopopt exact maxcut random:n=10,seed=1", ["exact", "maxcut", "random:n=10,seed=1"]),
)


def wall_time(command):
    """Seconds from starting ``command`` to its exit; a failing command stops the benchmark."""
    started = time.perf_counter()
    completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        sys.exit(f"{' '.join(command)} failed with status {completed.returncode}: {completed.stderr.strip()}")
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs per command (default 5)")
    parser.add_argument("--command", default=shutil.which("hopopt") or "hopopt",
                        help="the hopopt executable (default: the one on PATH)")
    args = parser.parse_args()
    print(f"| command | median (s) | min (s) | max (s) | runs |")
    print("|---|---|---|---|---|")
    for label, arguments in CASES:
        command = [args.command, *arguments]
        wall_time(command)  # unmeasured: numba's cache and the OS's file cache are warm from here on
        times = [wall_time(command) for _ in range(args.runs)]
        print(f"| `{label}` | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} | {args.runs} |",
              flush=True)


if __name__ == "__main__":
    main()
