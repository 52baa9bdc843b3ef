"""``hopopt bench SUITE``: every run a suite file lists, through an Executor, with results on disk as they come.

A run is one (block, instance, solver, seed); solvers that ignore the seed (exact methods, deterministic
approximations) run once per instance. Runs are submitted to a :class:`concurrent.futures.Executor` (see
:mod:`hopopt.bench.executors`), and each worker loads its instance itself and gives every run one numba
thread, so a run's wall time does not depend on how many runs share the machine and the workers, not the
threads, are the parallelism.

Output folder (``out``):

- ``runs.jsonl`` — one JSON record per finished run, appended and flushed as each finishes, so an
  interrupted or failed suite keeps what it had computed (``--resume`` continues from it);
- ``runs.csv`` and ``summary.csv`` — the run records and the per-(block, instance, solver) statistics;
- ``results.json`` — suite, machine description, targets, records and summary in one file;
- ``summary.md`` — the tables for BENCHMARKS.md, with the command that produced them;
- ``gap-vs-time-BLOCK.png`` and ``tts-vs-size-BLOCK.png`` — the figures.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import json
import math
import os
import platform
import sys
import time
from concurrent.futures import as_completed

from ..errors import InputError
from ..result import finite_or_none, json_default
from .compare import assign_targets
from .executors import describe_executor, open_executor
from .runners import Budget, get_solver, run_solver, solver_names
from .statistics import summarize
from .suite import read_suite

__all__ = ["load_suite", "plan_runs", "run_suite", "execute_run", "machine_description"]

RUNS_FILE = "runs.jsonl"


def load_suite(path, data_dir=None):
    """Read and check a suite file: syntax, names and that every instance loads (errors carry line numbers).

    Parameters
    ----------
    path : str or os.PathLike
        The suite file.
    data_dir : str or os.PathLike, optional
        A directory to search first for catalogue instances (``--data-dir``).

    Returns
    -------
    Suite

    Examples
    --------
    >>> import os, tempfile
    >>> from hopopt.bench.suite_runner import load_suite
    >>> path = os.path.join(tempfile.mkdtemp(), "tiny.suite")
    >>> _ = open(path, "w").write("[tiny]\\nproblem = maxcut\\ninstances = random:n=8,seed=1\\nsolvers = exact\\n")
    >>> [block.name for block in load_suite(path).blocks]
    ['tiny']
    """
    from ..instances import problem_names

    suite = read_suite(path, problems=problem_names(), solvers_by_problem=solver_names())
    for block in suite.blocks:
        for instance in block.instances:
            try:
                _load(block.problem, instance, data_dir)
            except InputError as error:
                raise suite.error(block, "instances", str(error)) from None
    return suite


def check_suite_memory(suite, data_dir=None, parallel=1, max_memory=None):
    """Refuse a suite whose largest run, times the runs that go at once, would not fit in memory.

    hopopt's solvers and the exact methods are estimated from the instance (:mod:`hopopt.resources`); a peer
    is counted as the energy model at least, since what it builds inside is its own.

    Examples
    --------
    >>> from hopopt.bench.suite import parse_suite
    >>> from hopopt.bench.runners import solver_names
    >>> from hopopt.bench.suite_runner import check_suite_memory
    >>> suite = parse_suite("[a]\\nproblem = maxcut\\ninstances = random:n=8,seed=1\\nsolvers = exact\\n",
    ...                     problems=["maxcut"], solvers_by_problem=solver_names())
    >>> check_suite_memory(suite).bytes < 2**30
    True
    """
    from ..resources import Estimate, check_fits, estimate_exact, estimate_model, estimate_solve

    largest, label, runs = None, "", 0
    for block in suite.blocks:
        for instance in block.instances:
            problem, _ = _load(block.problem, instance, data_dir)
            for solver in block.solvers:
                spec = get_solver(block.problem, solver)
                runs += 1 if spec.deterministic else len(block.seeds)
                if spec.kind == "exact":
                    estimate = estimate_exact(problem, block.time_limit if block.exact_time_limit is None
                                              else block.exact_time_limit)
                elif spec.kind == "hopopt" and solver.startswith("hopopt-"):
                    estimate = estimate_solve(problem, solver[len("hopopt-"):], restarts=block.restarts)
                else:
                    estimate = estimate_model(problem)
                if largest is None or estimate.bytes > largest.bytes:
                    largest, label = estimate, f"[{block.name}] {solver} on {instance}"
    if largest is None:
        return None
    # no more runs go at once than there are runs (a --workers of 2**31 must not count 2**31 copies)
    at_once = max(1, min(int(parallel), runs))
    total = Estimate(largest.bytes * at_once, largest.reason, largest.n_variables, largest.nnz, largest.storage)
    several = f" × {at_once} runs at once" if at_once > 1 else ""
    check_fits(total, max_memory, what=f"the suite's largest run ({label}){several}")
    return total


def plan_runs(suite, data_dir=None):
    """The runs of a suite as picklable dicts, in file order (deterministic solvers once per instance).

    Parameters
    ----------
    suite : Suite
        As :func:`load_suite` returns it.
    data_dir : str or os.PathLike, optional
        Recorded in each run, which loads its instance itself.

    Returns
    -------
    list of dict

    Examples
    --------
    >>> from hopopt.bench.suite import parse_suite
    >>> from hopopt.bench.runners import solver_names
    >>> from hopopt.bench.suite_runner import plan_runs
    >>> suite = parse_suite("[a]\\nproblem = maxcut\\ninstances = random:n=8,seed=1\\n"
    ...                     "solvers = hopopt-anneal exact\\nseeds = 0-2\\n",
    ...                     problems=["maxcut"], solvers_by_problem=solver_names())
    >>> [(run["solver"], run["seed"]) for run in plan_runs(suite)]
    [('hopopt-anneal', 0), ('hopopt-anneal', 1), ('hopopt-anneal', 2), ('exact', None)]
    """
    runs = []
    for block in suite.blocks:
        for instance in block.instances:
            for solver in block.solvers:
                spec = get_solver(block.problem, solver)
                time_limit = block.time_limit
                if spec.kind == "exact" and block.exact_time_limit is not None:
                    time_limit = block.exact_time_limit
                for seed in (block.seeds[:1] if spec.deterministic else block.seeds):
                    runs.append({"block": block.name, "problem": block.problem, "instance": instance,
                                 "solver": solver, "seed": None if spec.deterministic else int(seed),
                                 "time_limit": time_limit, "sweeps": block.sweeps, "restarts": block.restarts,
                                 "data_dir": data_dir})
    return runs


@functools.lru_cache(maxsize=32)
def _load(problem_name, instance, data_dir):
    from ..instances import load_instance

    return load_instance(problem_name, instance, data_dir)


def execute_run(run):
    """Run one planned run (in a worker process) and return its record.

    Parameters
    ----------
    run : dict
        One planned run, as :func:`plan_runs` makes it: ``block``, ``problem``, ``instance``, ``solver``,
        ``seed`` (None counts as 0 for the budget) and ``time_limit``, optionally ``data_dir``, ``sweeps`` and
        ``restarts``.

    Returns
    -------
    dict
        The record :func:`hopopt.bench.run_solver` returns, with the run's ``seed``.

    Examples
    --------
    >>> from hopopt.bench.suite_runner import execute_run
    >>> record = execute_run({"block": "b", "problem": "maxcut", "instance": "random:n=8,seed=1",
    ...                       "solver": "exact", "seed": None, "time_limit": 5.0})
    >>> record["status"], record["optimal"]
    ('ok', True)
    """
    problem, label = _load(run["problem"], run["instance"], run.get("data_dir"))
    budget = Budget(time_limit=run["time_limit"], seed=run["seed"] or 0, sweeps=run.get("sweeps"),
                    restarts=run.get("restarts"))
    record = run_solver(run["problem"], problem, label, run["solver"], budget, threads=1, block=run["block"])
    record["seed"] = run["seed"]
    return record


def _run_key(record):
    return (record["block"], record["instance"], record["solver"], record["seed"])


def machine_description(executor="process", workers=None):
    """Where and with what a suite ran: platform, cores, Python and package versions, executor.

    Parameters
    ----------
    executor : str
        The executor spec, as in :func:`~hopopt.bench.executors.open_executor`.
    workers : int, optional
        The workers used.

    Returns
    -------
    dict

    Examples
    --------
    >>> from hopopt.bench.suite_runner import machine_description
    >>> machine = machine_description("process", 2)
    >>> machine["workers"], "numpy" in machine["versions"]
    (2, True)
    """
    from importlib import metadata

    versions = {}
    for package in ("hopopt", "numpy", "scipy", "numba", "networkx", "dimod", "dwave-samplers", "openjij",
                    "dask", "distributed"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {"platform": platform.platform(), "machine": platform.machine(), "processor": platform.processor(),
            "cpu_count": os.cpu_count(), "python": sys.version.split()[0], "versions": versions,
            "executor": executor, "workers": workers,
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}


def run_suite(suite, out, *, executor=None, workers=None, data_dir=None, resume=False, progress=True,
              command=None):
    """Run every run of ``suite`` through the executor and write the results to the folder ``out``.

    Parameters
    ----------
    suite : hopopt.bench.suite.Suite
        From :func:`load_suite`.
    out : str or path
        Output folder (created). It must not hold results already unless ``resume`` is True.
    executor : str, optional
        "process" (default), "dask-local" or "dask://HOST:PORT" (see :mod:`hopopt.bench.executors`).
    workers : int, optional
        Worker processes (default: the number of cores). Ignored for a remote Dask scheduler.
    data_dir : str, optional
        Where catalogue instances are looked for (the workers need to see it too).
    resume : bool
        Keep the records in ``out/runs.jsonl`` and run only the missing runs.
    progress : bool
        A tqdm progress bar on stderr.
    command : str, optional
        The command line, quoted in ``summary.md``.

    Returns
    -------
    dict
        ``out``, ``runs`` (count), ``records``, ``summary``, ``targets``, ``machine``, ``wall_s``, ``files``.

    Raises
    ------
    InputError
        When the executor cannot be reached or fails part-way; the records finished before are kept in
        ``out/runs.jsonl`` (and the CSV/JSON files are written from them).

    Examples
    --------
    >>> import os, tempfile
    >>> from hopopt.bench.suite_runner import load_suite, run_suite
    >>> folder = tempfile.mkdtemp()
    >>> path = os.path.join(folder, "tiny.suite")
    >>> _ = open(path, "w").write("[tiny]\\nproblem = maxcut\\ninstances = random:n=8,seed=1\\n"
    ...                           "solvers = exact networkx-one-exchange\\nseeds = 0-1\\n")
    >>> result = run_suite(load_suite(path), os.path.join(folder, "out"), workers=1, progress=False)
    >>> [(row["solver"], row["runs"], row["success_probability"] is not None) for row in result["summary"]]
    [('exact', 1, True), ('networkx-one-exchange', 2, True)]
    """
    from ..instances import known_optimum

    executor_name = describe_executor(executor)
    os.makedirs(out, exist_ok=True)
    runs_path = os.path.join(out, RUNS_FILE)
    records = _previous_records(runs_path, resume)
    done = {_run_key(record) for record in records}
    pending = [run for run in plan_runs(suite, data_dir) if _run_key(run) not in done]
    # a remote scheduler has its own workers; this machine's core count would say nothing about them
    local_workers = None if executor_name.startswith("tcp://") else (workers or os.cpu_count())
    machine = machine_description(executor_name, local_workers)
    start = time.perf_counter()
    failure = None
    interrupted = False
    with open(runs_path, "a", encoding="utf-8") as handle:
        try:
            with open_executor(executor, workers) as pool:
                futures = [pool.submit(execute_run, run) for run in pending]
                try:
                    for future in _progress(as_completed(futures), len(futures), progress):
                        try:
                            record = future.result()
                        except Exception as error:  # noqa: BLE001 - keep reading: later runs may still finish
                            failure = failure or f"the executor failed: {type(error).__name__}: {error}"
                            continue
                        records.append(record)
                        handle.write(json.dumps(record, default=json_default, allow_nan=False) + "\n")
                        handle.flush()
                except KeyboardInterrupt:
                    # Ctrl-C: drop the queued runs (the running ones end with their time limit), keep the rest
                    interrupted = True
                    for future in futures:
                        future.cancel()
        except InputError as error:
            failure = str(error)
        except Exception as error:  # noqa: BLE001 - a lost worker or scheduler: report it, keep the results
            failure = failure or f"the executor failed: {type(error).__name__}: {error}"
    wall_s = time.perf_counter() - start
    known = {instance: known_optimum(instance, block.problem)
             for block in suite.blocks for instance in block.instances}
    targets = assign_targets(records, known)
    records.sort(key=_suite_order(suite))
    summary = summarize(records)
    files = _write_outputs(out, suite, records, summary, targets, machine, wall_s, command, len(pending))
    if interrupted:
        print(f"hopopt: interrupted; {len(records)} finished run(s) kept in {runs_path} (--resume runs the rest)",
              file=sys.stderr)
        raise KeyboardInterrupt
    if failure is not None:
        raise InputError(f"{failure}; {len(records)} finished run(s) kept in {runs_path}")
    return {"out": str(out), "runs": len(records), "new_runs": len(pending), "records": records,
            "summary": summary, "targets": {f"{key[0]}/{key[1]}": {"target": value[0], "source": value[1]}
                                            for key, value in targets.items()},
            "machine": machine, "wall_s": wall_s, "files": files}


def _previous_records(path, resume):
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return []
    if not resume:
        raise InputError(f"{path} already holds results; use --resume to continue them or choose another --out")
    records = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                # a run cut off while being written: run it again
                print(f"hopopt: warning: {path}:{number}: unreadable record skipped", file=sys.stderr)
    return records


def _suite_order(suite):
    """A sort key putting records in suite order: block, instance and solver as listed, then seed."""
    positions = {}
    for block_index, block in enumerate(suite.blocks):
        for instance_index, instance in enumerate(block.instances):
            for solver_index, solver in enumerate(block.solvers):
                positions[(block.name, instance, solver)] = (block_index, instance_index, solver_index)
    unknown = (len(suite.blocks), 0, 0)  # records of a resumed file whose block the suite no longer has

    def key(record):
        seed = -1 if record["seed"] is None else record["seed"]
        return positions.get((record["block"], record["instance"], record["solver"]), unknown) + (seed,)
    return key


def _progress(iterable, total, enabled):
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc="bench", unit="run")


def _write_outputs(out, suite, records, summary, targets, machine, wall_s, command, new_runs):
    files = []
    run_columns = ["block", "problem", "instance", "n", "solver", "kind", "seed", "status", "objective",
                   "feasible", "time_s", "target", "gap", "optimal", "bound", "sweeps", "restarts", "note"]
    files.append(_write_csv(os.path.join(out, "runs.csv"), run_columns, records))
    summary_columns = list(summary[0]) if summary else []
    files.append(_write_csv(os.path.join(out, "summary.csv"), summary_columns, summary))
    results = {"suite": suite.source, "command": command, "machine": machine, "wall_s": wall_s,
               "targets": [{"problem": key[0], "instance": key[1], "target": value[0], "source": value[1]}
                           for key, value in targets.items()],
               "records": records, "summary": [{key: finite_or_none(value) for key, value in row.items()} for row in summary]}
    path = os.path.join(out, "results.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(results, handle, default=json_default, allow_nan=False, indent=1)
    files.append(path)
    path = os.path.join(out, "summary.md")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(summary_markdown(suite, summary, targets, machine, wall_s, command, records, new_runs))
    files.append(path)
    files += _write_figures(out, suite, records, summary)
    return files


def _write_csv(path, columns, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: finite_or_none(row.get(key)) for key in columns})
    return path


def _write_figures(out, suite, records, summary):
    from .. import plotting

    files = []
    for block in suite.blocks:
        block_records = [record for record in records if record["block"] == block.name]
        block_summary = [row for row in summary if row["block"] == block.name]
        if not block_records:
            continue
        stem = _file_stem(block.name)
        figure = plotting.plot_gap_vs_time(block_records, title=f"{block.name}: gap vs time per run")
        files.append(plotting.save_figure(figure, os.path.join(out, f"gap-vs-time-{stem}.png")))
        figure = plotting.plot_tts_vs_size(block_summary, title=f"{block.name}: time to solution (99 %) vs size")
        files.append(plotting.save_figure(figure, os.path.join(out, f"tts-vs-size-{stem}.png")))
    return files


def _file_stem(name):
    return "".join(character if character.isalnum() or character in "-_" else "_" for character in name)


def _number(value, digits=3):
    if value is None:
        return "–"
    if isinstance(value, float) and math.isinf(value):
        return "∞"
    return f"{value:.{digits}g}"


def _percent(value):
    return "–" if value is None else f"{100 * value:.2f} %"


def summary_markdown(suite, summary, targets, machine, wall_s, command, records=(), new_runs=None):
    """Markdown tables of a suite's summary, one per block, headed by the command and the machine."""
    buffer = io.StringIO()
    versions = ", ".join(f"{name} {version}" for name, version in machine["versions"].items() if version)
    buffer.write(f"Suite `{suite.source}`" + (f", command `{command}`" if command else "") + "\n\n")
    buffer.write(f"Machine: {machine['platform']}, {machine['cpu_count']} cores, Python {machine['python']}; "
                 f"executor {machine['executor']} with {machine['workers']} worker(s); {versions}. "
                 f"{_runs_text(records, new_runs, wall_s)}\n")
    for block in suite.blocks:
        rows = [row for row in summary if row["block"] == block.name]
        exact = "" if block.exact_time_limit is None else f", exact {block.exact_time_limit:g} s"
        buffer.write(f"\n#### {block.name} ({block.problem}, time limit {block.time_limit:g} s{exact}"
                     + (f", {block.sweeps} sweeps" if block.sweeps else "")
                     + f", seeds {_seed_text(block.seeds)})\n\n")
        buffer.write("| instance | n | target | solver | runs | valid | best | median gap | residual (energy) "
                     "| P(success) [95 % CI] | TTS99 s [95 % CI] | median time s |\n")
        buffer.write("|---|---:|---|---|---:|---:|---:|---:|---:|---|---|---:|\n")
        for row in rows:
            target, source = targets.get((row["problem"], row["instance"]), (None, ""))
            if row["status"] != "ok":
                buffer.write(f"| {row['instance']} | {row['n']} | {_number(target, 6)} | {row['solver']} | "
                             f"{row['status']} | | | | | | | |\n")
                continue
            success = "–" if row["success_probability"] is None else \
                f"{row['success_probability']:.2f} [{row['success_low']:.2f}, {row['success_high']:.2f}]"
            tts = "–" if row["tts99"] is None else \
                f"{_number(row['tts99'])} [{_number(row['tts99_low'])}, {_number(row['tts99_high'])}]"
            residual = _number(row["mean_residual"]) + ("" if row["mean_residual_energy"] is None else
                                                       f" ({_number(row['mean_residual_energy'])})")
            buffer.write(f"| {row['instance']} | {row['n']} | {_number(target, 6)}{_source_mark(source)} | "
                         f"{row['solver']} | {row['runs']} | {_percent(row['valid_rate'])} | "
                         f"{_number(row['best_objective'], 6)} | {_percent(row['median_gap'])} | {residual} | "
                         f"{success} | {tts} | "
                         f"{_number(row['median_time_s'])} |\n")
    buffer.write("\nResidual: mean |objective − target| over the valid runs, in parentheses in energy units of "
                 "hopopt's encoding where energy and objective are affinely related. ")
    buffer.write("Target: the proven optimum (exact run), else the catalogue's optimum or best known (*), "
                 "else the best found in the run (†). TTS99 = mean time per run × ln(0.01)/ln(1 − p), at least "
                 "one run; the interval maps the Clopper–Pearson interval of p.\n")
    return buffer.getvalue()


def _runs_text(records, new_runs, wall_s):
    """How much ran: this invocation's wall time covers only its new runs (a resumed suite ran earlier too)."""
    total = sum(record["time_s"] or 0.0 for record in records)
    count = len(records)
    if new_runs is None or new_runs == count:
        return f"{count} runs in {wall_s:.1f} s of wall time; the runs' own times add up to {total:.0f} s."
    return (f"{count} runs, {new_runs} of them in this invocation ({wall_s:.1f} s of wall time); the runs' own "
            f"times add up to {total:.0f} s.")


def _source_mark(source):
    if "catalogue" in source:
        return "*"
    if "best found" in source:
        return "†"
    return ""


def _seed_text(seeds):
    seeds = list(seeds)
    if len(seeds) > 2 and seeds == list(range(seeds[0], seeds[-1] + 1)):
        return f"{seeds[0]}-{seeds[-1]}"
    return ",".join(str(seed) for seed in seeds)
