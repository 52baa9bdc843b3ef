"""The long fuzzing campaign of issue 12 over hopopt's file readers and its command line, outside pytest.

Readers: every target (one reader) gets ``--examples`` inputs, each a random mutation of one of its seed files
(small files written by hopopt's writers, hand-written ones, and the real instances under
/work/shared/instances when present); see :mod:`hopopt._fuzz`. An input keeps the contract when the reader
returns something that validates, or raises hopopt's InputError whose one-line message names the file.
Anything else — another exception, an invalid result, a message without the path, a read longer than
``--deadline`` seconds — is a failure: it is printed and its input saved to ``--out`` for a regression test.

Command line (``--targets cli``, or command names: solve exact evaluate compare bench demo memory datasets):
every command gets ``--examples`` argument lists from :mod:`hopopt._fuzz_cli`, run in this process through
``hopopt.cli.main``; the command that has had the least time so far goes next, so that a campaign stopped by
``--until`` has given every command about the same time (the quick ones reach ``--examples`` first). A case keeps the contract when it ends with status 0 or 2, never 1, never an escaping
exception or a traceback; status 2 is one ``hopopt: error:`` line; ``--json`` prints one JSON object; a
``--plot`` file is written. A case longer than its time limit plus max(10 %, 0.5 s) (plus a one-off
allowance for numba compilation) is *slow*, counted apart. Failures and slow cases go to ``--out`` with the
argv to reproduce them (and copies of the files they read). Downloads are refused (``datasets fetch`` stays
offline) and the address space is capped at the current size plus ``--memory-headroom`` GB, so that a size
past the memory gives a MemoryError instead of filling a shared machine.

    python benchmarks/fuzz.py --examples 10000 --out fuzz-failures
    python benchmarks/fuzz.py --examples 500 --targets gset tsplib --seed 3
    python benchmarks/fuzz.py --targets cli --examples 10000 --seed 3 --until 04:08
    python benchmarks/fuzz.py --targets solve exact --examples 300
"""

from __future__ import annotations

import argparse
import collections
import datetime
import faulthandler
import json
import random
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from hopopt import _fuzz, _fuzz_cli


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


def _deadline(text):
    """--until HH:MM (UTC, today or, if already past, tomorrow) as a time.time() value."""
    now = datetime.datetime.now(datetime.timezone.utc)
    hour, minute = (int(part) for part in text.split(":"))
    moment = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if moment <= now:
        moment += datetime.timedelta(days=1)
    return moment.timestamp()


def _save_case(out, label, case, verdict, run, workspace):
    """Write a failing or slow case to OUT/label/: case.json (argv to reproduce, what happened) and copies of
    the workspace files its argv names, with the argv pointing at the copies."""
    folder = out / label
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    argv = []
    for token in case.argv:
        path = Path(token) if "\x00" not in token and len(token) < 4000 else None
        inside = path is not None and str(path).startswith(str(workspace.folder))
        try:
            copy = inside and path.is_file() and not path.is_symlink()
        except OSError:
            copy = False
        if copy:
            target = folder / path.name
            shutil.copyfile(path, target)
            argv.append(str(target))
        else:
            argv.append(token)
    record = {"command": case.command, "argv": argv, "original_argv": case.argv, "notes": case.notes,
              "verdict": verdict.kind, "status": repr(verdict.status), "seconds": round(verdict.seconds, 3),
              "bound_s": round(case.bound_s, 3), "detail": verdict.detail, "stdout_tail": run.stdout[-2000:],
              "stderr_tail": run.stderr[-4000:],
              "reproduce": "python -c 'import json, sys; from hopopt.cli import main; "
                           f"sys.exit(main(json.load(open(\"{folder / 'case.json'}\"))[\"argv\"]))'"}
    (folder / "case.json").write_text(json.dumps(record, indent=1, ensure_ascii=True))
    return folder


def run_cli(commands, examples, seed, out, budget, until, headroom_gb, progress_every=500):
    """The command-line campaign: ``examples`` cases per command, in turn; returns rows for the table."""
    workspace = _fuzz_cli.Workspace()
    rngs = {command: random.Random(f"{seed}:cli:{command}") for command in commands}
    counts = {command: collections.Counter() for command in commands}
    seconds = {command: 0.0 for command in commands}
    longest = {command: 0.0 for command in commands}
    hard_hang = open(out / "hard-hang.txt", "w", encoding="utf-8")  # noqa: SIM115 - open for the campaign
    in_flight = out / "in-flight.json"
    active = list(commands)
    stopped_by = None
    try:
        with _fuzz_cli.offline(), _fuzz_cli.memory_limit(None if headroom_gb <= 0 else int(headroom_gb * 2**30)):
            while active:
                # the command that has had the least time so far goes next: stopped by --until, every command
                # has had about the same time, and the quick ones reach --examples and leave the rest to the slow
                command = min(active, key=lambda name: (seconds[name], counts[name]["tried"]))
                if until is not None and time.time() > until:
                    stopped_by = "--until"
                    break
                index = counts[command]["tried"]
                if index >= examples or (budget is not None and seconds[command] > budget):
                    active.remove(command)
                    continue
                case = _fuzz_cli.generate(command, rngs[command], workspace)
                in_flight.write_text(json.dumps({"command": command, "index": index, "argv": case.argv}))
                allowance = _fuzz_cli.compile_allowance(case)
                hang_after = min(case.bound_s + _fuzz_cli.HANG_MARGIN_S + allowance, _fuzz_cli.MAX_HANG_S)
                # a case stuck where SIGALRM cannot reach it (inside compiled code) ends the campaign with
                # every thread's stack in hard-hang.txt and the case in in-flight.json
                faulthandler.dump_traceback_later(hang_after + 60, exit=True, file=hard_hang)
                verdict, run = _fuzz_cli.check(case, workspace, hang_after=hang_after - allowance,
                                               allowance=allowance)
                faulthandler.cancel_dump_traceback_later()
                tally = counts[command]
                tally["tried"] += 1
                seconds[command] += run.seconds
                longest[command] = max(longest[command], run.seconds)
                if verdict.kind == "failure":
                    tally["failures"] += 1
                    folder = _save_case(out, f"cli-{command}-{index}", case, verdict, run, workspace)
                    print(f"FAILURE {command} #{index}: {verdict.detail[:400]}  argv {case.argv!r:.600}  "
                          f"[{folder}]", flush=True)
                else:
                    tally[f"status {verdict.status}"] += 1
                if verdict.slow:
                    tally["slow"] += 1
                    folder = _save_case(out, f"cli-slow-{command}-{index}", case, verdict, run, workspace)
                    print(f"SLOW {command} #{index}: {verdict.detail}  argv {case.argv!r:.400}  [{folder}]",
                          flush=True)
                if tally["tried"] % progress_every == 0:
                    size = _fuzz_cli._address_space()
                    print(f"{command}: {dict(tally)} in {seconds[command]:.0f} s (address space "
                          f"{(size or 0) / 2**30:.1f} GiB)", flush=True)
    finally:
        faulthandler.cancel_dump_traceback_later()
        hard_hang.close()
        in_flight.unlink(missing_ok=True)
        workspace.close()
    if stopped_by:
        print(f"stopped by {stopped_by} before {examples} inputs per command", flush=True)
    return [(command, counts[command], seconds[command], longest[command]) for command in commands]


def _print_cli_table(rows):
    print()
    print("| command | inputs | status 0 | status 2 | failures | slow | longest s | seconds |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for command, tally, total, longest in rows:
        print(f"| {command} | {tally['tried']} | {tally['status 0']} | {tally['status 2']} | {tally['failures']} "
              f"| {tally['slow']} | {longest:.1f} | {total:.0f} |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000, help="inputs per target (default 1000)")
    parser.add_argument("--targets", nargs="*", default=None, help=f"targets (default all readers: "
                        f"{' '.join(_fuzz.targets())}); 'cli' for every command, or command names: "
                        f"{' '.join(_fuzz_cli.COMMANDS)}")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the campaign (default 0)")
    parser.add_argument("--deadline", type=float, default=5.0, help="seconds one reader input may take (default 5)")
    parser.add_argument("--budget", type=float, default=None, help="seconds per target at most (default none)")
    parser.add_argument("--until", type=_deadline, default=None, metavar="HH:MM",
                        help="stop the command-line campaign at this UTC time and print how far it got")
    parser.add_argument("--memory-headroom", type=float, default=4.0, metavar="GB",
                        help="command-line cases may grow the address space by this much (default 4; 0: no cap)")
    parser.add_argument("--out", type=Path, default=Path("fuzz-failures"), help="folder for failing inputs")
    args = parser.parse_args(argv)
    all_targets = _fuzz.targets()
    names = args.targets or list(all_targets)
    commands = []
    readers = []
    for name in names:
        if name == "cli":
            commands += [command for command in _fuzz_cli.COMMANDS if command not in commands]
        elif name.removeprefix("cli-") in _fuzz_cli.COMMANDS:
            commands.append(name.removeprefix("cli-"))
        elif name in all_targets:
            readers.append(name)
        else:
            parser.error(f"unknown target {name!r}; readers: {' '.join(all_targets)}; command line: cli "
                         f"{' '.join(_fuzz_cli.COMMANDS)}")
    args.out.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGALRM, _alarm)
    rows = []
    for name in readers:
        counts, seconds = run_target(all_targets[name], args.examples, args.seed, args.deadline, args.out,
                                     args.budget)
        rows.append((name, counts, seconds))
        print(f"{name}: {counts} in {seconds:.1f} s", flush=True)
    if rows:
        print()
        print("| target | inputs | parsed | rejected (InputError) | of which name a line | failures | seconds |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, counts, seconds in rows:
            print(f"| {name} | {counts['tried']} | {counts['parsed']} | {counts['rejected']} | "
                  f"{counts['with_line']} | {counts['failures']} | {seconds:.0f} |")
    cli_rows = []
    if commands:
        started = time.perf_counter()
        cli_rows = run_cli(commands, args.examples, args.seed, args.out, args.budget, args.until,
                           args.memory_headroom)
        _print_cli_table(cli_rows)
        print(f"\ncommand-line campaign: {time.perf_counter() - started:.0f} s wall, seed {args.seed}", flush=True)
    failed = any(counts["failures"] for _, counts, _ in rows) or any(t["failures"] for _, t, _, _ in cli_rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
