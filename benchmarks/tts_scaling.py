"""Time to solution (TTS99) against problem size: hopopt's solvers and the peers on Ising spin glasses.

Instances, generated here from fixed seeds (``instance_models``):

- ``sk-N``: dense Sherrington–Kirkpatrick models, ``E(s) = Σ_{i<j} J_ij s_i s_j`` with ``J_ij = ±1``,
  N = 64, 128, 256, 512;
- ``3reg-N``: random 3-regular graphs with ``±1`` couplings on their edges, N = 100, 200, 500, 1000;
- with ``--gset``: the Gset max-cut graphs G14, G22 and G43 from ``--data-dir`` (cut = -energy), in a table of
  their own.

Protocol. Every solver runs ``--runs`` times (seeds 0, 1, …; the order of the solvers alternates from seed to
seed so that drifts in machine load hit all alike) with a fixed wall time per run, ``t(N)``. A run succeeds when
its best energy reaches the target, the lowest energy that ANY solver found for the instance: in these runs, in
a reference pass (every solver once for ``--reference-factor`` × ``t(N)`` on instances the target cache does
not know yet, or on all with ``--refresh-targets``) and in earlier runs (the cache ``benchmarks/
tts_targets.json``, which only ever improves). Targets are labelled "best found", not optimum: nothing here
proves them. With ``p`` = successes / runs and its Clopper–Pearson 95 % interval, ``TTS99 = t · ln(0.01) /
ln(1 - p)`` (at least one run; ∞ when p = 0) with ``t`` the mean measured wall time of a run (see
:mod:`hopopt.bench.statistics`).

Solvers: hopopt's, called directly on the EnergyModel by name and looked up when the script runs, so those not
written yet are skipped with a note (``anneal``, ``temper``, ``bsb``/``dsb`` = ``bifurcate`` ballistic/discrete,
``cac`` = ``amplitude_control``), and every peer of :data:`hopopt.bench.runners.MODEL_PEERS` that is installed
(dwave-samplers SA and tabu, openjij SA and SQA, simulated-bifurcation ballistic and discrete, cim-optimizer).
Threads: hopopt's numba solvers get ``--threads`` (default 2, this machine's cores), the torch peers
``--torch-threads`` (default 1: torch's threads spin-wait on a shared machine, a 20-step SB call took 0.2 s on
two threads under load against 10 ms on one); dwave-samplers and openjij run on one core whatever is asked.
``--threads 1`` compares per core.

Usage::

    python benchmarks/tts_scaling.py --quick                  # about a minute
    python benchmarks/tts_scaling.py                          # the full table, about 15 minutes
    python benchmarks/tts_scaling.py --gset --data-dir ../shared/instances
    python benchmarks/tts_scaling.py --solvers anneal,dwave-sa --families sk --sizes 64,128 --runs 20

Needs the peers extra (``pip install -e '.[peers]'``) for the peer rows; absent peers are skipped with a note.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

import hopopt
from hopopt import EnergyModel
from hopopt.bench.runners import MODEL_PEERS, Budget, missing_requirements
from hopopt.bench.statistics import clopper_pearson, tts_interval

TARGETS_FILE = Path(__file__).with_name("tts_targets.json")

# hopopt's solvers by short name: (module, function, fixed keyword arguments)
HOPOPT_SOLVERS = {
    "anneal": ("hopopt.solvers.anneal", "anneal", {}),
    "temper": ("hopopt.solvers.temper", "temper", {}),
    "bsb": ("hopopt.solvers.bifurcation", "bifurcate", {"variant": "ballistic"}),
    "dsb": ("hopopt.solvers.bifurcation", "bifurcate", {"variant": "discrete"}),
    "cac": ("hopopt.solvers.amplitude", "amplitude_control", {}),
}
PEERS = tuple(MODEL_PEERS)

# sizes and wall time per run (seconds) of each family: the full run, and --quick
FAMILIES = {
    "sk": {"sizes": (64, 128, 256, 512), "seconds": {64: 0.1, 128: 0.2, 256: 0.5, 512: 1.0}},
    "3reg": {"sizes": (100, 200, 500, 1000), "seconds": {100: 0.1, 200: 0.2, 500: 0.5, 1000: 1.0}},
}
QUICK = {"sk": {64: 0.05, 128: 0.1}, "3reg": {100: 0.05, 200: 0.1}}
GSET = {"G14": 2.0, "G43": 2.0, "G22": 2.0}
# best-known cuts (Benlic & Hao 2013 and later, as in ../shared/instances/catalog.csv), printed beside the targets
GSET_BEST_KNOWN = {"G14": 3064, "G22": 13359, "G43": 6660}
# relative tolerance of "reached the target" (energies of ±1 models are integers; this absorbs float sums)
TOLERANCE = 1e-9
# seeds of the reference pass, far from the measured runs' 0, 1, …
REFERENCE_SEED = 1_000_003


# -------------------------------------------------------------------------------------------- instances
def sk_model(n, seed):
    """Dense ±1 Sherrington–Kirkpatrick model ``E = Σ_{i<j} J_ij s_i s_j`` (a fixed seed per size).

    >>> model = sk_model(8, 1)
    >>> model.n, float(abs(model.dense_weights()[0, 1]))
    (8, 1.0)
    """
    rng = np.random.default_rng([seed, n])
    # from_ising counts each pair once: the upper triangle alone gives J_ij = ±1
    return EnergyModel.from_ising(np.zeros(n), np.triu(rng.choice([-1.0, 1.0], size=(n, n)), 1))


def regular_model(n, seed, degree=3):
    """±1 couplings on a random ``degree``-regular graph (networkx, a fixed seed per size), sparse W.

    >>> model = regular_model(10, 1)
    >>> model.n, int((model.dense_weights() != 0).sum(axis=1).max())
    (10, 3)
    """
    import networkx as nx
    import scipy.sparse as sp

    graph = nx.random_regular_graph(degree, n, seed=seed * 100_003 + n)
    edges = np.array(sorted(graph.edges()), dtype=np.int64)
    rng = np.random.default_rng([seed, n, degree])
    signs = rng.choice([-1.0, 1.0], size=len(edges))
    couplings = sp.coo_array((signs, (edges[:, 0], edges[:, 1])), shape=(n, n)).tocsr()
    return EnergyModel.from_ising(np.zeros(n), couplings)


def gset_model(name, data_dir):
    from hopopt import datasets, io

    graph = io.read_gset(datasets.find_instance(name, data_dir))
    return hopopt.MaxCut(graph.n, graph.edges, graph.weights, name=name).to_model()


def instance_models(args):
    """(label, family, n, model, seconds per run) of every instance the arguments ask for."""
    instances = []
    if args.gset:
        for name in args.gset_names:
            instances.append((name, "gset", None, gset_model(name, args.data_dir), args.seconds or GSET[name]))
        return [(label, family, model.n, model, seconds) for label, family, _, model, seconds in instances]
    for family in args.families:
        table = QUICK[family] if args.quick else FAMILIES[family]["seconds"]
        sizes = args.sizes or tuple(table)
        for n in sizes:
            seconds = args.seconds or table.get(n) or FAMILIES[family]["seconds"].get(n) or 0.1 * n / 64
            model = sk_model(n, args.instance_seed) if family == "sk" else regular_model(n, args.instance_seed)
            instances.append((f"{family}-{n}", family, n, model, seconds))
    return instances


# ---------------------------------------------------------------------------------------------- solvers
def hopopt_solver(name):
    """hopopt's solver ``name`` as ``run(model, seconds, seed, threads) -> energy``, or the reason it is absent."""
    module_name, function_name, fixed = HOPOPT_SOLVERS[name]
    try:
        function = getattr(importlib.import_module(module_name), function_name)
    except (ImportError, AttributeError) as error:
        return None, f"not available yet ({type(error).__name__}: {error})"

    def run(model, seconds, seed, threads):
        result = function(model, time_limit=seconds, rng=seed, n_threads=threads, **fixed)
        # the energy of the returned state by the model itself, not the solver's own bookkeeping
        return float(model.energy(result.best_state))
    return run, None


def peer_solver(name):
    """The peer ``name`` as ``run(model, seconds, seed, threads) -> energy``, or why it cannot run here."""
    peer = MODEL_PEERS[name]
    missing = missing_requirements(peer)
    if missing is not None:
        return None, missing

    def run(model, seconds, seed, threads):
        from hopopt.solvers._common import numba_threads

        # the torch peers take numba's thread count of the run (runners._torch_run); the others ignore it
        with numba_threads(threads):
            states, _ = peer.sample_model(model, Budget(time_limit=seconds, seed=seed))
        return float(model.energies(states).min())
    return run, None


def solver_table(names):
    """name -> (run, threads) for the solvers that can run, and name -> note for those that cannot."""
    runnable, notes = {}, {}
    for name in names:
        if name in HOPOPT_SOLVERS:
            run, note = hopopt_solver(name)
            label = f"hopopt-{name}"
        elif name in MODEL_PEERS:
            run, note = peer_solver(name)
            label = name
        else:
            raise SystemExit(f"tts_scaling.py: unknown solver {name!r}; choose from "
                             f"{', '.join(list(HOPOPT_SOLVERS) + list(PEERS))}")
        if run is None:
            notes[label] = note
        else:
            runnable[label] = run
    return runnable, notes


TORCH_PEERS = ("sb-ballistic", "sb-discrete", "cim-optimizer")


def threads_of(label, args):
    """The cores a solver uses: hopopt's numba solvers ``--threads``, the torch peers ``--torch-threads``, the
    C++ samplers (dwave-samplers, openjij) one whatever is asked."""
    if label.startswith("hopopt-"):
        return args.threads
    if label in TORCH_PEERS:
        return args.torch_threads
    return 1


def warm_up(runnable, args, notes):
    """One short call of every solver on tiny dense and sparse models: JIT compilation and imports stay out of
    the timed runs. A solver that fails here (one being written while this runs) is dropped with a note."""
    for model in (sk_model(12, 0), regular_model(12, 0)):
        for label, run in list(runnable.items()):
            energy, _, note = timed(run, model, 0.05, 0, threads_of(label, args))
            if energy is None:
                notes[label] = f"failed on a 12-spin model: {note}"
                del runnable[label]


# ---------------------------------------------------------------------------------------------- targets
def load_targets(path):
    if path.is_file():
        return json.loads(path.read_text())
    return {}


def improve_target(targets, label, energy, solver, source):
    """Keep ``energy`` as the instance's target when it is lower than what is known (the cache only improves)."""
    known = targets.get(label)
    if known is None or energy < known["energy"] - TOLERANCE * max(1.0, abs(known["energy"])):
        targets[label] = {"energy": energy, "solver": solver, "source": source}


def reached(energy, target):
    return energy <= target + TOLERANCE * max(1.0, abs(target))


# ---------------------------------------------------------------------------------------------- running
def timed(run, model, seconds, seed, threads):
    start = time.perf_counter()
    try:
        energy = run(model, seconds, seed, threads)
    except Exception as error:  # noqa: BLE001 - a failing solver is a row to report, not a crash
        return None, time.perf_counter() - start, f"{type(error).__name__}: {error}"
    return energy, time.perf_counter() - start, ""


def run_benchmark(args, log=print):
    runnable, notes = solver_table(args.solvers)
    warm_up(runnable, args, notes)
    for label, note in notes.items():
        log(f"note: {label} skipped: {note}")
    targets = load_targets(args.targets)
    records = []
    for label, family, n, model, seconds in instance_models(args):
        if args.refresh_targets or label not in targets:
            reference = args.reference_factor * seconds
            log(f"{label}: reference pass, every solver once for {reference:g} s")
            for solver, run in runnable.items():
                energy, _, _ = timed(run, model, reference, REFERENCE_SEED, threads_of(solver, args))
                if energy is not None:
                    improve_target(targets, label, energy, solver, f"reference pass, {reference:g} s")
        solvers = list(runnable)
        for seed in range(args.runs):
            # alternate who goes first, so that load drifts during an instance hit every solver alike
            for solver in (solvers if seed % 2 == 0 else solvers[::-1]):
                energy, elapsed, note = timed(runnable[solver], model, seconds, seed, threads_of(solver, args))
                records.append({"instance": label, "family": family, "n": int(n), "solver": solver, "seed": seed,
                                "seconds": seconds, "time_s": elapsed, "energy": energy, "note": note,
                                "threads": threads_of(solver, args)})
                if energy is not None:
                    improve_target(targets, label, energy, solver, f"run of {seconds:g} s, seed {seed}")
        known = f"; best-known cut {GSET_BEST_KNOWN[label]}" if label in GSET_BEST_KNOWN else ""
        log(f"{label}: target {targets[label]['energy']:g} (best found, by {targets[label]['solver']}{known})")
    if not args.no_save_targets:
        args.targets.write_text(json.dumps(targets, indent=1, sort_keys=True) + "\n")
    return records, targets, notes


def summarize(records, targets):
    """One row per (instance, solver): successes, p with its interval, TTS99 with its interval."""
    groups = {}
    for record in records:
        groups.setdefault((record["instance"], record["solver"]), []).append(record)
    rows = []
    for (instance, solver), group in groups.items():
        target = targets[instance]["energy"]
        ok = [record for record in group if record["energy"] is not None]
        row = {"instance": instance, "family": group[0]["family"], "n": group[0]["n"], "solver": solver,
               "threads": group[0]["threads"], "seconds": group[0]["seconds"], "runs": len(ok), "target": target,
               "successes": None, "p": None, "p_low": None, "p_high": None, "tts99": None, "tts99_low": None,
               "tts99_high": None, "mean_time_s": None, "best_energy": None, "median_energy": None,
               "note": "; ".join(sorted({record["note"] for record in group if record["note"]}))}
        if ok:
            energies = [record["energy"] for record in ok]
            successes = sum(reached(energy, target) for energy in energies)
            mean_time = math.fsum(record["time_s"] for record in ok) / len(ok)
            low, high = clopper_pearson(successes, len(ok))
            tts, tts_low, tts_high = tts_interval(successes, len(ok), mean_time)
            row.update(successes=successes, p=successes / len(ok), p_low=low, p_high=high, tts99=tts,
                       tts99_low=tts_low, tts99_high=tts_high, mean_time_s=mean_time, best_energy=min(energies),
                       median_energy=float(statistics.median(energies)))
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------------- output
def _seconds(value):
    if value is None:
        return "–"
    if value == math.inf:
        return "∞"
    return f"{value:.3g}"


def markdown(rows, targets, title):
    """The long table (one line per instance and solver) and a pivot of TTS99 by solver and size."""
    lines = [f"### {title}", ""]
    instances = list(dict.fromkeys(row["instance"] for row in rows))
    solvers = list(dict.fromkeys(row["solver"] for row in rows))
    by_key = {(row["instance"], row["solver"]): row for row in rows}
    lines.append("TTS99 in seconds (95 % interval in the long table below); ∞: the target was never reached")
    lines.append("")
    lines.append("| solver | threads | " + " | ".join(instances) + " |")
    lines.append("|---|---|" + "---|" * len(instances))
    for solver in solvers:
        threads = next(row["threads"] for row in rows if row["solver"] == solver)
        cells = [_seconds(by_key[(instance, solver)]["tts99"]) if (instance, solver) in by_key else "–"
                 for instance in instances]
        lines.append(f"| {solver} | {threads} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("| instance | n | target (best found) | solver | t/run (s) | hits | p [95 % CI] "
                 "| TTS99 s [95 % CI] | best E | median E |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|")
    for instance in instances:
        for solver in solvers:
            row = by_key.get((instance, solver))
            if row is None:
                continue
            if row["runs"] == 0:
                lines.append(f"| {instance} | {row['n']} | {row['target']:g} | {solver} | – | failed | – | – "
                             "| – | – |")
                continue
            p = f"{row['p']:.2f} [{row['p_low']:.2f}, {row['p_high']:.2f}]"
            tts = f"{_seconds(row['tts99'])} [{_seconds(row['tts99_low'])}, {_seconds(row['tts99_high'])}]"
            lines.append(f"| {instance} | {row['n']} | {row['target']:g} | {solver} | {row['mean_time_s']:.3g} | "
                         f"{row['successes']}/{row['runs']} | {p} | {tts} | {row['best_energy']:g} | "
                         f"{row['median_energy']:g} |")
    return "\n".join(lines)


def _json_number(value):
    if isinstance(value, float) and math.isinf(value):
        return None
    return value


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two small sizes per family, short runs (~1 minute)")
    parser.add_argument("--gset", action="store_true", help="the Gset table (G14, G22, G43) instead")
    parser.add_argument("--gset-names", default="G14,G43,G22")
    parser.add_argument("--data-dir", default=None, help="Gset files (default: hopopt's data dir resolution)")
    parser.add_argument("--families", default="sk,3reg")
    parser.add_argument("--sizes", default=None, help="comma-separated sizes (default: the family's)")
    parser.add_argument("--seconds", type=float, default=None, help="wall time per run for every size")
    parser.add_argument("--runs", type=int, default=None, help="runs (seeds) per solver and instance "
                                                               "(default 10; --quick 4; --gset 5)")
    parser.add_argument("--solvers", default=",".join(list(HOPOPT_SOLVERS) + list(PEERS)))
    parser.add_argument("--threads", type=int, default=2, help="numba threads of hopopt's solvers")
    parser.add_argument("--torch-threads", type=int, default=1,
                        help="torch threads of the simulated-bifurcation and cim-optimizer peers (default 1: "
                             "torch on both cores of a shared machine spin-waits, 20x slower under load)")
    parser.add_argument("--reference-factor", type=float, default=None,
                        help="the reference pass runs each solver once for this many times t(N) (default 5; "
                             "--quick 2)")
    parser.add_argument("--refresh-targets", action="store_true", help="run the reference pass on every instance")
    parser.add_argument("--targets", type=Path, default=TARGETS_FILE, help="the target cache (JSON)")
    parser.add_argument("--no-save-targets", action="store_true", help="do not write the target cache back")
    parser.add_argument("--instance-seed", type=int, default=1)
    parser.add_argument("--json", help="also write records and rows to this file")
    args = parser.parse_args(argv)
    args.families = [name for name in args.families.split(",") if name]
    for family in args.families:
        if family not in FAMILIES:
            parser.error(f"--families: unknown family {family!r}; choose from {', '.join(FAMILIES)}")
    args.sizes = tuple(int(size) for size in args.sizes.split(",")) if args.sizes else None
    args.gset_names = [name for name in args.gset_names.split(",") if name]
    args.solvers = [name for name in args.solvers.split(",") if name]
    if args.runs is None:
        args.runs = 5 if args.gset else 4 if args.quick else 10
    if args.reference_factor is None:
        args.reference_factor = 2.0 if args.quick else 5.0
    if args.runs < 1:
        parser.error(f"--runs must be at least 1, got {args.runs}")
    return args


def main(argv=None):
    args = parse_arguments(argv)
    started = time.perf_counter()
    print(f"# tts_scaling: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"hopopt {hopopt.__version__}, hopopt threads {args.threads}, torch threads {args.torch_threads}, "
          f"runs {args.runs}, load average {os.getloadavg()[0]:.1f}", flush=True)
    records, targets, notes = run_benchmark(args, log=lambda text: print(text, flush=True))
    rows = summarize(records, targets)
    title = "Gset max-cut (energy = -cut)" if args.gset else "Ising spin glasses (SK dense ±1, random 3-regular ±1)"
    print()
    print(markdown(rows, targets, title))
    for label, note in notes.items():
        print(f"\n{label}: skipped ({note})")
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    if args.json:
        content = {"arguments": {key: (str(value) if isinstance(value, Path) else value)
                                 for key, value in vars(args).items()},
                   "targets": targets, "skipped": notes, "records": records,
                   "rows": [{key: _json_number(value) for key, value in row.items()} for row in rows]}
        Path(args.json).write_text(json.dumps(content, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
