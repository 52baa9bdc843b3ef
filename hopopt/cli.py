"""The ``hopopt`` command: solve, exact, evaluate, compare, demo and datasets.

Exit status: 0 done; 2 bad usage or bad input (one line on stderr, no traceback); 1 internal error.
With ``--json`` exactly one JSON object is printed on stdout (see ``DESIGN.md``, the CLI contract).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys

# only light modules here (no numpy, numba, scipy): `hopopt --help` and a usage error answer at once, and each
# command imports what it needs when it runs
from . import control
from .progress import progress_line
from .errors import InputError
from .result import finite_or_none, json_default
from .solvers import SOLVER_NAMES as SOLVERS
from .instances import known_optimum, load_instance, problem_names

MOVES = ("auto", "single-flip", "constraint-preserving")
EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
# exact methods get this many seconds unless --time-limit says otherwise, so `hopopt exact` always ends
DEFAULT_EXACT_TIME_LIMIT = 60.0


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message):
        raise InputError(f"{self.prog}: {message}")

    def format_help(self):
        # a help text that needs heavy imports (compare's solver listing) is completed only when shown
        for action in self._actions:
            complete = getattr(action, "complete_help", None)
            if complete is not None:
                action.help += complete()
                action.complete_help = None
        return super().format_help()


def _positive_float(name):
    def parse(text):
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {text!r}") from None
        if not value > 0 or not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{name} must be a positive number of seconds, got {text!r}")
        return value
    return parse


# counts (restarts, sweeps, workers, ...) end up in C integers: refuse what no run could use before it overflows
MAXIMUM_COUNT = 2**31 - 1


def _memory_size(text):
    from .resources import parse_memory

    try:
        return parse_memory(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _positive_int(name, minimum=1, maximum=MAXIMUM_COUNT):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be an integer, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{name} must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"{name} must be at most {maximum}, got {value}")
        return value
    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="hopopt", description="Combinatorial optimisation with Hopfield energy networks.")
    parser.add_argument("--version", action="version", version=f"hopopt {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def instance_arguments(sub):
        sub.add_argument("problem", choices=problem_names(), help="problem kind")
        sub.add_argument("instance", help="a file (Gset / TSPLIB / DIMACS .col / QAPLIB .dat), a catalogue name "
                                          "(e.g. G1, berlin52, myciel4, nug12) or random:n=20,seed=3[,p=0.5]")
        sub.add_argument("--data-dir", help="where catalogue instances are looked for (also $HOPOPT_DATA)")
        sub.add_argument("--json", action="store_true", help="print one JSON object on stdout")

    def memory_argument(sub):
        sub.add_argument("--max-memory", metavar="SIZE", type=_memory_size,
                         help="refuse runs estimated to need more than SIZE, e.g. 8G or 512M (default: 90%% of the "
                              "memory available)")

    solve = commands.add_parser("solve", help="solve an instance with one of hopopt's energy-descent solvers")
    instance_arguments(solve)
    memory_argument(solve)
    solve.add_argument("--solver", choices=SOLVERS,
                       help="default: the kind's own (temper for maxcut, anneal for the others)")
    solve.add_argument("--time-limit", type=_positive_float("--time-limit"),
                       help="wall-clock seconds for the solve; without --sweeps the solver fills it")
    solve.add_argument("--restarts", type=_positive_int("--restarts"),
                       help="independent runs: restarts, ladders or trajectories (default: the solver's own)")
    solve.add_argument("--sweeps", type=_positive_int("--sweeps"),
                       help="sweeps (or integration steps) per run (default: the solver's own)")
    solve.add_argument("--seed", type=_positive_int("--seed", 0, 2**63 - 1), default=0, help="random seed (default 0)")
    solve.add_argument("--acceptance", choices=("metropolis", "glauber"), default="metropolis")
    solve.add_argument("--moves", choices=MOVES, default="auto",
                       help="auto: constraint-preserving moves when the problem declares them")
    solve.add_argument("--colors", type=_positive_int("--colors"),
                       help="coloring: number of colours k (default: search for the fewest)")
    solve.add_argument("--plot", metavar="FILE", help="draw the solution and the energy trace to FILE (PNG)")
    solve.add_argument("--explain", action="store_true",
                       help="break the energy of the best state into the objective and each constraint term")

    exact = commands.add_parser("exact", help="solve exactly (brute force or MILP) with a proven bound")
    instance_arguments(exact)
    memory_argument(exact)
    exact.add_argument("--time-limit", type=_positive_float("--time-limit"), default=DEFAULT_EXACT_TIME_LIMIT,
                       help=f"seconds for the MILP (default {DEFAULT_EXACT_TIME_LIMIT:g})")

    evaluate = commands.add_parser("evaluate", help="evaluate a solution file against an instance")
    instance_arguments(evaluate)
    evaluate.add_argument("solution_file", help="a JSON file with a 'solution' list (as `solve --json` writes), "
                                                "a TSPLIB .tour file (tsp) or a QAPLIB .sln file (qap)")

    compare = commands.add_parser("compare", help="hopopt against the exact method and installed peers")
    instance_arguments(compare)
    memory_argument(compare)
    compare.add_argument("--time-limit", type=_positive_float("--time-limit"), default=10.0,
                         help="seconds for each heuristic run (default 10)")
    compare.add_argument("--exact-time-limit", type=_positive_float("--exact-time-limit"),
                         help="seconds for the exact method (default: --time-limit)")
    solvers = compare.add_argument("--solvers", help="comma-separated solver and peer names (default: hopopt, "
                                                     "exact and every peer); ")
    # the listing imports every kind and the bench runners: only `hopopt compare --help` pays for it
    solvers.complete_help = _solver_listing
    seeds = compare.add_mutually_exclusive_group()
    seeds.add_argument("--seed", type=_positive_int("--seed", 0, 2**63 - 1), default=0, help="one run per solver (default 0)")
    seeds.add_argument("--seeds", help="several runs per randomised solver, e.g. 0-9: adds success probability, "
                                       "TTS99 with its 95 %% interval and the valid rate")
    compare.add_argument("--sweeps", type=_positive_int("--sweeps"),
                         help="fixed sweeps per restart for every annealer instead of filling the time limit")
    compare.add_argument("--restarts", type=_positive_int("--restarts"), help="restarts (reads) for every annealer")
    compare.add_argument("--plot", metavar="FILE", help="draw a bar chart of gaps and times to FILE (PNG)")

    bench = commands.add_parser("bench", help="run a benchmark suite file; results to CSV/JSON/PNG")
    bench.add_argument("suite", help="a suite file (see hopopt.bench.suite for the format)")
    bench.add_argument("--out", help="output folder (default: bench-SUITE next to the current directory)")
    bench.add_argument("--executor", default="process",
                       help="process (default: a local process pool), dask-local, or dask://HOST:PORT")
    bench.add_argument("--workers", type=_positive_int("--workers"), help="worker processes (default: cores)")
    bench.add_argument("--data-dir", help="where catalogue instances are looked for (also $HOPOPT_DATA)")
    memory_argument(bench)
    bench.add_argument("--resume", action="store_true", help="keep the runs already in OUT/runs.jsonl, run the rest")
    bench.add_argument("--json", action="store_true", help="print one JSON object on stdout (no progress bar)")

    demo = commands.add_parser("demo", help="solve an embedded max-cut instance and check it against the optimum")
    demo.add_argument("--json", action="store_true")

    memory = commands.add_parser("memory", help="associative memory experiments")
    memory_commands = memory.add_subparsers(dest="memory_command", required=True, parser_class=_Parser)
    capacity = memory_commands.add_parser("capacity", help="fraction recalled vs load P/N, and alpha_c")
    capacity.add_argument("--neurons", type=_positive_int("--neurons", 2), required=True)
    capacity.add_argument("--rule", choices=("hebb", "storkey", "pseudo-inverse"), default="hebb")
    capacity.add_argument("--trials", type=_positive_int("--trials"), default=4)
    capacity.add_argument("--seed", type=_positive_int("--seed", 0, 2**63 - 1), default=0)
    capacity.add_argument("--plot", metavar="FILE", help="draw the capacity curve to FILE (PNG)")
    capacity.add_argument("--json", action="store_true")

    datasets = commands.add_parser("datasets", help="list or fetch catalogue instances")
    datasets_commands = datasets.add_subparsers(dest="datasets_command", required=True, parser_class=_Parser)
    datasets_commands.add_parser("list", help="list the catalogue")
    fetch = datasets_commands.add_parser("fetch", help="download an instance from its official source")
    fetch.add_argument("name")
    fetch.add_argument("--data-dir", help="download folder (default: the user cache)")
    return parser


def _solver_listing():
    from .bench.runners import solver_names

    return "; ".join(f"{problem}: {', '.join(names)}" for problem, names in solver_names().items())


def _version():
    from . import __version__
    return __version__


# ---------------------------------------------------------------------------------------------- commands
def _report(args, answer, label, **extra):
    """The CLI's JSON record (DESIGN.md, the CLI contract) of a :class:`~hopopt.result.Solution`."""
    record = {
        "problem": args.problem, "instance": label, "solver": answer.solver, "seed": getattr(args, "seed", None),
        "n_variables": int(answer.problem.n_variables), "objective": answer.objective,
        "feasible": bool(answer.feasible), "violations": list(answer.violations),
        "solution": [int(v) for v in answer.solution], "energy": answer.energy, "time_s": answer.time_s,
        "optimal": answer.optimal, "bound": answer.bound,
    }
    best_known = known_optimum(label, args.problem)
    if best_known is not None:
        # from hopopt.result, not hopopt.bench: the bench package's imports would cost the output time
        from .result import relative_gap

        record["best_known"] = best_known
        record["gap"] = relative_gap(answer.objective, best_known, answer.sense)
    record.update(extra)
    return record


def command_solve(args):
    from .api import solve, solvers_of
    from .kinds import get_kind

    kind = get_kind(args.problem)
    if args.colors is not None and kind.settle is None:
        raise InputError(f"--colors applies to coloring, not {args.problem}")
    if args.solver is not None and args.solver not in solvers_of(kind):
        raise InputError(f"--solver {args.solver} does not apply to {args.problem}; choose from "
                         f"{', '.join(solvers_of(kind))}")
    problem, label = load_instance(args.problem, args.instance, args.data_dir, args.max_memory)
    answer = solve(problem, args.solver, max_memory=args.max_memory, time_limit=args.time_limit, rng=args.seed,
                   restarts=args.restarts,
                   sweeps=args.sweeps, moves=args.moves, acceptance=args.acceptance, colors=args.colors)
    extra = {key: value for key, value in answer.info.items()}
    result = answer.result
    if args.plot:
        trace = None if result is None else result.trace
        _plot_solution(args.plot, kind, answer.problem, answer.solution, trace, f"{args.problem} {label}")
    if args.explain:
        state = result.best_state if result is not None else answer.problem.one_hot(answer.solution)
        model = result.info.get("model") if result is not None else None
        extra["explain"] = _explanation(answer.problem, state, model)
    return _report(args, answer, label, **extra)


def _explanation(problem, state, model):
    """The energy of ``state`` split into objective and constraint terms, with the violated constraints."""
    from .problems.explain import explain

    explanation = explain(problem, state, model)
    return {"total": explanation.total, "terms": dict(explanation.terms),
            "violations": list(explanation.violations), "text": str(explanation)}


def _plot_solution(path, kind, problem, solution, trace, title):
    """The kind's picture of the solution beside the energy trace of the best run, saved as one PNG."""
    from . import plotting

    if kind.plot is None:
        raise InputError(f"--plot: there is no picture for {kind.name} solutions")
    with_trace = trace is not None and len(trace) > 0
    figure, axes = plotting.solution_figure(with_trace)
    kind.plot(problem, solution, axes[0], title)
    if with_trace:
        plotting.plot_energy_traces(trace, title="energy of the best run", ax=axes[1])
    plotting.save_figure(figure, path)


def command_exact(args):
    from .api import solve_exact

    problem, label = load_instance(args.problem, args.instance, args.data_dir, args.max_memory)
    answer = solve_exact(problem, time_limit=args.time_limit, max_memory=args.max_memory)
    return _report(args, answer, label, status=answer.info["message"])


def command_evaluate(args):
    import numpy as np

    from .api import solution_energy
    from .kinds import get_kind
    from .result import Solution

    kind = get_kind(args.problem)
    problem, label = load_instance(args.problem, args.instance, args.data_dir)
    solution = kind.read_solution(args.solution_file, problem)
    try:
        evaluation = problem.evaluate(np.asarray(solution))
    except ValueError as error:
        raise InputError(f"{args.solution_file}: {error}") from None
    energy = solution_energy(problem, solution) if evaluation.feasible and kind.settle is None else None
    answer = Solution(kind.name, problem, np.asarray(solution), float(evaluation.objective),
                      bool(evaluation.feasible), evaluation.violations, evaluation.sense, "evaluate", 0.0, energy)
    return _report(args, answer, label)


def command_compare(args):
    from .bench.compare import compare, expand_seeds
    from .bench.runners import get_solver

    names = None
    if args.solvers:
        names = [name.strip() for name in args.solvers.split(",") if name.strip()]
        for name in names:
            get_solver(args.problem, name)  # an unknown name is one clear line, before any instance is read
    problem, label = load_instance(args.problem, args.instance, args.data_dir, args.max_memory)
    _check_compare_memory(args, problem, names)
    seeds = expand_seeds(args.seeds) if args.seeds is not None else (args.seed,)
    table = compare(args.problem, problem, label, solvers=names, time_limit=args.time_limit,
                    exact_time_limit=args.exact_time_limit, seeds=seeds, sweeps=args.sweeps,
                    restarts=args.restarts, known=known_optimum(args.instance, args.problem),
                    progress=not args.json and sys.stderr.isatty())
    if args.plot:
        from . import plotting
        figure = plotting.plot_compare(table["rows"], title=f"{args.problem} {label}")
        plotting.save_figure(figure, args.plot)
    table["rows"] = [_finite(row) for row in table["rows"]]
    table["runs"] = [_finite(record) for record in table["runs"]]
    return table


def _check_compare_memory(args, problem, names):
    """compare runs one solver at a time: the largest of hopopt's solver and the exact method must fit."""
    from .api import solvers_of
    from .kinds import get_kind
    from .resources import check_fits, estimate_exact, estimate_solve

    if names is None or any(name.startswith("hopopt") for name in names):
        check_fits(estimate_solve(problem, solvers_of(get_kind(args.problem))[0], restarts=args.restarts),
                   args.max_memory, what=f"{args.problem} {args.instance}")
    if names is None or "exact" in names:
        exact_limit = args.time_limit if args.exact_time_limit is None else args.exact_time_limit
        check_fits(estimate_exact(problem, exact_limit), args.max_memory, what=f"exact {args.problem} {args.instance}")


def command_bench(args):
    from .bench.suite_runner import check_suite_memory, load_suite, run_suite

    suite = load_suite(args.suite, args.data_dir)
    check_suite_memory(suite, args.data_dir, parallel=args.workers or os.cpu_count() or 1, max_memory=args.max_memory)
    out = args.out or f"bench-{os.path.splitext(os.path.basename(args.suite))[0]}"
    command = "hopopt " + " ".join(sys.argv[1:]) if sys.argv and sys.argv[0].endswith("hopopt") else None
    result = run_suite(suite, out, executor=args.executor, workers=args.workers, data_dir=args.data_dir,
                       resume=args.resume, progress=not args.json and sys.stderr.isatty(), command=command)
    return {"suite": args.suite, "out": result["out"], "runs": result["runs"], "new_runs": result["new_runs"],
            "wall_s": result["wall_s"], "machine": result["machine"], "targets": result["targets"],
            "summary": [_finite(row) for row in result["summary"]], "files": result["files"]}


def _finite(row):
    """JSON has no infinity: an infinite time to solution ("never reached") is written as null."""
    return {key: finite_or_none(value) for key, value in row.items()}


DEMO_INSTANCE = "random:n=40,seed=2026,p=0.3"


def command_demo(args):
    """Solve an embedded random max-cut instance with the default solver and prove the answer optimal."""
    from .api import solve, solve_exact

    problem, label = load_instance("maxcut", DEMO_INSTANCE)
    heuristic = solve(problem, sweeps=1000, rng=0)
    exact = solve_exact(problem, time_limit=60)
    return {
        "problem": "maxcut", "instance": label, "solver": heuristic.solver, "seed": 0,
        "n_variables": problem.n_variables, "objective": heuristic.objective, "feasible": heuristic.feasible,
        "violations": list(heuristic.violations), "solution": [int(v) for v in heuristic.solution],
        "energy": heuristic.energy, "time_s": heuristic.time_s,
        "optimal": bool(exact.optimal and heuristic.objective == exact.objective), "bound": exact.bound,
        "exact_objective": exact.objective, "exact_time_s": exact.time_s, "edges": int(len(problem.edges)),
    }


def _print_human(command, record):
    if command == "compare":
        _print_compare(record)
        return
    if command == "bench":
        with open(os.path.join(record["out"], "summary.md"), encoding="utf-8") as handle:
            print(handle.read().rstrip())
        print(f"\n{record['runs']} runs ({record['new_runs']} new) in {record['wall_s']:.1f} s; results in "
              f"{record['out']}: " + ", ".join(os.path.basename(path) for path in record["files"]))
        return
    if command == "memory":
        alpha = "never dropped below 50 %" if record["alpha_c"] is None else f"{record['alpha_c']:.3f}"
        print(f"{record['rule']} rule, N = {record['neurons']}: alpha_c = {alpha}")
        for load, fraction in record["curve"]:
            print(f"  P/N = {load:.3f}  recalled {100 * fraction:5.1f} %")
        return
    if command == "demo":
        print(f"max-cut on the embedded instance {record['instance']} ({record['n_variables']} nodes, "
              f"{record['edges']} edges)")
        print(f"  {record['solver']}: cut {record['objective']:g} in {record['time_s']:.3f} s")
        print(f"  exact MILP: cut {record['exact_objective']:g} in {record['exact_time_s']:.3f} s "
              f"(upper bound {record['bound']:g})")
        verdict = "optimal" if record["optimal"] else "not proven optimal"
        print(f"  the {record['solver']} cut is {verdict}")
        return
    lines = [f"{record['problem']} {record['instance']}: {record['solver']}",
             f"  objective  {record['objective']:g}" + (f"  (best known {record['best_known']:g}, gap "
                                                       f"{100 * record['gap']:.3f}%)" if "best_known" in record
                                                       else ""),
             f"  feasible   {record['feasible']}",
             f"  energy     {record['energy']:g}" if record.get("energy") is not None else "",
             f"  time_s     {record['time_s']:.3f}"]
    if record.get("optimal") is not None:
        lines.append(f"  optimal    {record['optimal']}   bound {record['bound']}")
    if record.get("status"):
        lines.append(f"  status     {record['status']}")
    for violation in record["violations"]:
        lines.append(f"  violated   {violation}")
    if "explain" in record:
        lines.append("  energy of the best state, term by term:")
        lines += ["    " + line for line in record["explain"]["text"].splitlines()]
    print("\n".join(line for line in lines if line))


def _print_compare(record):
    target = "unknown" if record["target"] is None else f"{record['target']:g}"
    print(f"{record['problem']} {record['instance']} (n = {record['n']}): gaps against {target}, "
          f"{record['target_source']}")
    statistics = len(record["seeds"]) > 1
    header = f"{'solver':<24}{'objective':>12}{'gap':>10}{'feasible':>10}{'time_s':>10}"
    if statistics:
        header += f"{'runs':>6}{'valid':>8}{'P(success) [95% CI]':>24} {'TTS99 s [95% CI]':>31}"
    print(header)
    for row in record["rows"]:
        if row["status"] != "ok":
            print(f"{row['solver']:<24}{row['status']:>12}" + (f"  ({row['note']})" if row.get("note") else ""))
            continue
        gap = "" if row.get("gap") is None else f"{100 * row['gap']:.2f}%"
        objective = "" if row.get("objective") is None else f"{row['objective']:g}"
        time_s = "" if row.get("time_s") is None else f"{row['time_s']:.3f}"
        line = f"{row['solver']:<24}{objective:>12}{gap:>10}{str(row.get('feasible', '')):>10}{time_s:>10}"
        if statistics:
            success = "" if row.get("success_probability") is None else \
                f"{row['success_probability']:.2f} [{row['success_low']:.2f}, {row['success_high']:.2f}]"
            tts = "" if row.get("success_probability") is None else \
                f"{_seconds(row.get('tts99'))} [{_seconds(row.get('tts99_low'))}, {_seconds(row.get('tts99_high'))}]"
            line += f"{row['runs']:>6}{100 * row['valid_rate']:>7.0f}%{success:>24} {tts:>31}"
        print(line)


def _seconds(value):
    """A time to solution for the table; None here means infinite (JSON has no infinity): never reached."""
    return "inf" if value is None else f"{value:.3g}"


def command_memory(args):
    """The capacity experiment: alpha_c (load where recall drops below 50 %) and the curve."""
    from .workflows.memory import capacity_curve

    result = capacity_curve(args.neurons, args.rule, trials=args.trials, rng=args.seed)
    if args.plot:
        from . import plotting
        figure = plotting.plot_capacity_curves({args.rule: result["curve"]},
                                               title=f"Recall vs load, N = {args.neurons}")
        plotting.save_figure(figure, args.plot)
    return {"neurons": args.neurons, "rule": args.rule, "trials": args.trials, "seed": args.seed,
            "alpha_c": result["alpha_c"], "curve": [[float(a), float(f)] for a, f in result["curve"]]}


def command_datasets(args):
    from . import datasets
    if args.datasets_command == "list":
        for entry in datasets.catalog():
            optimum = "" if entry.optimum is None else f"{entry.optimum:g}"
            print(f"{entry.name:<12}{entry.problem:<10}{entry.nodes:>6}  {optimum:>8}  {entry.status}")
    else:
        print(datasets.fetch(args.name, args.data_dir))


COMMANDS = {"solve": command_solve, "exact": command_exact, "evaluate": command_evaluate,
            "compare": command_compare, "bench": command_bench, "demo": command_demo, "memory": command_memory}


def _one_line(error):
    """An error message on one line: a line break the user typed into an argument is shown as \\n."""
    return str(error).replace("\r", "\\r").replace("\n", "\\n")


# the picture formats --plot writes, by the file name's extension (matplotlib's own)
PLOT_FORMATS = ("png", "pdf", "svg", "jpg", "jpeg", "webp", "eps", "ps", "tif", "tiff")


def _check_plot_path(path):
    if "\x00" in path:
        raise InputError(f"--plot: the file name contains a null byte: {path!r}")
    extension = os.path.splitext(os.path.basename(path))[1].lstrip(".").lower()
    if extension not in PLOT_FORMATS:
        raise InputError(f"--plot needs a file name ending in .png, .pdf, .svg or another of "
                         f"{', '.join(PLOT_FORMATS)}, got {path!r}")


# commands whose --time-limit bounds the whole command (compare's is per run, bench's per suite entry)
_WHOLE_COMMAND_LIMITS = ("solve", "exact")


def _solver_time_limit(args):
    """The deadline the command's solvers must meet so that the whole command, output included, ends within
    --time-limit: a small share is kept for decoding and printing, and more for drawing a picture."""
    limit = getattr(args, "time_limit", None)
    if args.command not in _WHOLE_COMMAND_LIMITS or limit is None:
        return None
    reserve = 0.05 * limit + (0.8 if getattr(args, "plot", None) else 0.1)
    return max(0.5 * limit, limit - reserve)


def _load_plotting():
    """Import matplotlib and hopopt.plotting before the work, inside the time limit: the solver then plans with
    what is left after them, and the reserve kept for the picture only has to draw it (on a busy machine the
    imports alone took over a second, past that reserve)."""
    from . import plotting  # noqa: F401 - matplotlib's figure and the Agg canvas come with it


def _one_blas_thread():
    """BLAS on one thread for this command and its workers, unless the user chose otherwise (before numpy loads).

    hopopt's hot loops are numba kernels on their own threads; BLAS only recomputes energies and multiplies the
    small blocks of Kronecker-structured models, where OpenBLAS's own threads, on a busy two-core machine, took
    0.03-2.4 s for what one thread does in 15-55 ms (the energies of 16 and 64 states of kroA100's TSP model).
    """
    for variable in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
        os.environ.setdefault(variable, "1")


def main(argv=None) -> int:
    """Entry point of the ``hopopt`` console script; returns the exit status.

    ``--time-limit`` of solve and exact bounds the whole command from here on (reading, encoding, solving,
    output; :mod:`hopopt.control`); Ctrl-C while solving prints the best found so far with status
    "interrupted" and exit status 130.
    """
    status = EXIT_OK
    _one_blas_thread()
    try:
        args = build_parser().parse_args(argv)
        if args.command == "datasets":
            command_datasets(args)
            return EXIT_OK
        if getattr(args, "plot", None) is not None:
            _check_plot_path(args.plot)  # before the run: a bad name must not cost the solve
        run = control.RunControl(_solver_time_limit(args))
        shows_progress = args.command in _WHOLE_COMMAND_LIMITS and not args.json
        with control.activate(run), control.interrupt_handling(run), progress_line(run, enabled=shows_progress):
            if getattr(args, "plot", None) is not None:
                _load_plotting()
            record = COMMANDS[args.command](args)
        if args.command in _WHOLE_COMMAND_LIMITS:
            # the whole command so far (reading, encoding, solving), beside time_s (the solve itself)
            record["command_s"] = run.elapsed()
        if run.interrupted and isinstance(record, dict):
            record["status"] = "interrupted"
            status = EXIT_INTERRUPTED
    except InputError as error:
        print(f"hopopt: error: {_one_line(error)}", file=sys.stderr)
        return EXIT_USAGE
    except (ValueError, OSError) as error:
        # bad values that reached the library (e.g. an impossible model): still the user's input
        print(f"hopopt: error: {_one_line(error)}", file=sys.stderr)
        return EXIT_USAGE
    except MemoryError:
        # what the estimates (hopopt.resources) did not foresee: still one line
        print(f"hopopt: error: not enough memory for {args.command} {getattr(args, 'problem', '')} "
              f"{getattr(args, 'instance', '')}: the instance or its model does not fit", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        # Ctrl-C before anything was found (reading, encoding), or a second Ctrl-C
        print("hopopt: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # noqa: BLE001 - last resort: one line, status 1, traceback on request
        if os.environ.get("HOPOPT_DEBUG"):
            raise
        print(f"hopopt: internal error: {type(error).__name__}: {_one_line(error)} (set HOPOPT_DEBUG=1 for a "
              f"traceback)",
              file=sys.stderr)
        return EXIT_INTERNAL
    try:
        if getattr(args, "json", False):
            print(json.dumps(record, default=json_default))
        else:
            _print_human(args.command, record)
    except BrokenPipeError:
        # the reader (e.g. `| head`) went away; nothing left to say
        sys.stderr.close()
    return status


def console():
    """The ``hopopt`` console script: :func:`main`, then exit with its status.

    HiGHS threads an exact method left at the deadline or on Ctrl-C (:mod:`hopopt.solvers._milp`) would make
    the interpreter wait for them, or abort when it shuts down under them; the output is complete by then, so
    the process ends at once.
    """
    status = main()
    milp = sys.modules.get("hopopt.solvers._milp")
    if milp is not None and milp.abandoned_runs():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)


if __name__ == "__main__":
    console()
