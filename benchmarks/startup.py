"""Start-up time of the ``hopopt`` command (issue 12, item 5): wall time of whole subprocesses.

Usage::

    python benchmarks/startup.py [--runs 5] [--command hopopt] [--all-kinds]

Runs ``hopopt --help``, ``hopopt --version``, a tiny solve (``solve maxcut random:n=10,seed=1``) and a tiny
exact (``exact maxcut random:n=10,seed=1``) (with ``--all-kinds`` also a tiny solve and exact of tsp, coloring
and qubo), each ``--runs`` times after one unmeasured run (which fills the numba cache and the OS file cache,
so the figures are those of a second run), and prints the median and the range of the wall times as a
Markdown table, with the median CPU time (user + system) of the process: on a shared, loaded machine the wall
time waits for cores, the CPU time much less. The load average is printed before and after. Targets:
``--help`` under 0.3 s, the tiny solve under 1.5 s.

The default command is the ``hopopt`` console script installed beside this Python interpreter, not the first
one on PATH: a pyenv shim there is a bash script that adds about 0.2 s of wall time to every run.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

# (label, arguments after the command)
CASES = (
    ("hopopt --help", ["--help"]),
    ("hopopt --version", ["--version"]),
    ("hopopt solve maxcut random:n=10,seed=1", ["solve", "maxcut", "random:n=10,seed=1"]),
    ("hopopt exact maxcut random:n=10,seed=1", ["exact", "maxcut", "random:n=10,seed=1"]),
)
# --all-kinds: the other kinds' tiny runs (each loads its own kernels and imports its own modules)
OTHER_KINDS = tuple((f"hopopt {command} {kind} {instance}", [command, kind, instance])
                    for kind, instance in (("tsp", "random:n=6,seed=1"), ("coloring", "random:n=10,seed=1"),
                                           ("qubo", "random:n=10,seed=1"))
                    for command in ("solve", "exact"))


def default_command():
    """The ``hopopt`` script beside this interpreter (no shim in between), else the one on PATH."""
    beside = Path(sys.executable).parent / "hopopt"
    return str(beside) if beside.exists() else shutil.which("hopopt") or "hopopt"


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
    parser.add_argument("--command", default=default_command(),
                        help="the hopopt executable (default: the one beside this Python, else on PATH)")
    parser.add_argument("--all-kinds", action="store_true", help="also tiny solves and exacts of tsp, coloring, qubo")
    args = parser.parse_args()
    print(f"command: {args.command}; load average before: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    print("| command | wall median (s) | wall min (s) | wall max (s) | CPU median (s) | runs |")
    print("|---|---|---|---|---|---|")
    for label, arguments in CASES + (OTHER_KINDS if args.all_kinds else ()):
        command = [args.command, *arguments]
        wall_and_cpu_time(command)  # unmeasured: numba's cache and the OS's file cache are warm from here on
        walls, cpus = zip(*(wall_and_cpu_time(command) for _ in range(args.runs)))
        print(f"| `{label}` | {statistics.median(walls):.2f} | {min(walls):.2f} | {max(walls):.2f} | "
              f"{statistics.median(cpus):.2f} | {args.runs} |", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
