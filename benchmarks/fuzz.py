"""The long fuzzing campaign of issue 12 over hopopt's file readers, outside pytest.

Every target (one reader) gets ``--examples`` inputs, each a random mutation of one of its seed files (small
files written by hopopt's writers, hand-written ones, and the real instances under /work/shared/instances when
present); see :mod:`hopopt._fuzz`. An input keeps the contract when the reader returns something that
validates, or raises hopopt's InputError whose one-line message names the file. Anything else — another
exception, an invalid result, a message without the path, a read longer than ``--deadline`` seconds — is a
failure: it is printed and its input saved to ``--out`` for a regression test.

    python benchmarks/fuzz.py --examples 10000 --out fuzz-failures
    python benchmarks/fuzz.py --examples 500 --targets gset tsplib --seed 3
"""

from __future__ import annotations

import argparse
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

from hopopt import _fuzz


class _Hang(BaseException):  # not an Exception, so the reader call cannot swallow it
    pass


def _alarm(signum, frame):
    raise _Hang()


def run_target(target, examples, seed, deadline, out, budget):
    rng = random.Random(f"{seed}:{target.name}")
    counts = {"tried": 0, "parsed": 0, "rejected": 0, "with_line": 0, "failures": 0}
    started = time.perf_counter()
    seeds = target.seeds
    if not seeds:
        print(f"{target.name}: no seeds (dependency missing?), skipped", flush=True)
        return counts, 0.0
    with tempfile.TemporaryDirectory() as folder:
        for index in range(examples):
            if budget is not None and time.perf_counter() - started > budget:
                break
            data = _fuzz.mutate(rng.choice(seeds), rng)
            signal.setitimer(signal.ITIMER_REAL, deadline)
            try:
                outcome = _fuzz.check_input(target, data, folder)
            except _Hang:
                outcome = _fuzz.Outcome("failure", f"hang: no answer within {deadline} s")
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            counts["tried"] += 1
            if outcome.kind == "failure":
                counts["failures"] += 1
                reproducer = out / f"{target.name}-{index}{target.suffix}"
                reproducer.write_bytes(data)
                print(f"FAILURE {target.name} #{index}: {outcome.detail}  [{reproducer}]", flush=True)
            else:
                counts[outcome.kind] += 1
                counts["with_line"] += outcome.has_line
    return counts, time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000, help="inputs per target (default 1000)")
    parser.add_argument("--targets", nargs="*", default=None, help=f"targets (default all: "
                        f"{' '.join(_fuzz.targets())})")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the campaign (default 0)")
    parser.add_argument("--deadline", type=float, default=5.0, help="seconds one input may take (default 5)")
    parser.add_argument("--budget", type=float, default=None, help="seconds per target at most (default none)")
    parser.add_argument("--out", type=Path, default=Path("fuzz-failures"), help="folder for failing inputs")
    args = parser.parse_args(argv)
    all_targets = _fuzz.targets()
    names = args.targets or list(all_targets)
    unknown = [name for name in names if name not in all_targets]
    if unknown:
        parser.error(f"unknown targets {unknown}; known: {' '.join(all_targets)}")
    args.out.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGALRM, _alarm)
    rows = []
    for name in names:
        counts, seconds = run_target(all_targets[name], args.examples, args.seed, args.deadline, args.out,
                                     args.budget)
        rows.append((name, counts, seconds))
        print(f"{name}: {counts} in {seconds:.1f} s", flush=True)
    print()
    print("| target | inputs | parsed | rejected (InputError) | of which name a line | failures | seconds |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, counts, seconds in rows:
        print(f"| {name} | {counts['tried']} | {counts['parsed']} | {counts['rejected']} | {counts['with_line']} "
              f"| {counts['failures']} | {seconds:.0f} |")
    return 1 if any(counts["failures"] for _, counts, _ in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
