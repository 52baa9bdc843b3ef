"""Start-up time of the ``hopopt`` command (issue 12, item 5): wall time of whole subprocesses.

Usage::

    python benchmarks/startup.py [--runs 5] [--command hopopt]

Runs ``hopopt --help``, ``hopopt --version``, a tiny solve (``solve maxcut random:n=10,seed=1``) and a tiny
exact (``exact maxcut random:n=10,seed=1``), each ``--runs`` times after one unmeasured run (which fills the
numba cache and the OS file cache, so the figures are those of a second run), and prints the median and the
range of the wall times as a Markdown table, with the median CPU time (user + system) of the process: on a
shared, loaded machine the wall time waits for cores, the CPU time much less. Targets: ``--help`` under
0.3 s, the tiny solve under 1.5 s.
"""

from __future__ import annotations

import argparse
import resource
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


def _children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wall_and_cpu_time(command):
    """Wall seconds from starting ``command`` to its exit, and the CPU seconds it used; a failing command
    stops the benchmark."""
    cpu_before = _children_cpu_seconds()
    started = time.perf_counter()
    completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        sys.exit(f"{' '.join(command)} failed with status {completed.returncode}: {completed.stderr.strip()}")
    return seconds, _children_cpu_seconds() - cpu_before


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs per command (default 5)")
    parser.add_argument("--command", default=shutil.which("hopopt") or "hopopt",
                        help="the hopopt executable (default: the one on PATH)")
    args = parser.parse_args()
    print("| command | wall median (s) | wall min (s) | wall max (s) | CPU median (s) | runs |")
    print("|---|---|---|---|---|---|")
    for label, arguments in CASES:
        command = [args.command, *arguments]
        wall_and_cpu_time(command)  # unmeasured: numba's cache and the OS's file cache are warm from here on
        walls, cpus = zip(*(wall_and_cpu_time(command) for _ in range(args.runs)))
        print(f"| `{label}` | {statistics.median(walls):.2f} | {min(walls):.2f} | {max(walls):.2f} | "
              f"{statistics.median(cpus):.2f} | {args.runs} |", flush=True)


if __name__ == "__main__":
    main()
