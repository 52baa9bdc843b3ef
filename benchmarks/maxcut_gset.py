"""hopopt's annealer against dwave-samplers' SimulatedAnnealingSampler on Gset max-cut graphs.

Two measurements, both taken in this run on this machine:

1. Throughput: the same restarts × sweeps and the same β range on both samplers; spin-update attempts
   per second (restarts × sweeps × n / time of the whole call), best of a few repetitions each, their
   ratio, and the mean cut of each (the same statistics are expected: both run exact Metropolis sweeps).
2. Quality within a fixed wall time: ``hopopt solve maxcut FILE --time-limit T --seed 0`` (the command
   itself, in a subprocess), and dwave-samplers given the same wall time (its sweeps scaled from a timed
   1000-sweep run, since it has no time limit), best cut of each against the best-known cut.

Usage::

    python benchmarks/maxcut_gset.py [--instances G1,G22,G43,G55] [--quality G1,G11,...] [--time-limit 10]
                                     [--repeats 3] [--clock wall|cpu] [--data-dir ../shared/instances]
                                     [--json results.json]

Needs the peers extra (``pip install -e '.[peers]'``) for the dwave-samplers columns.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time

import numba
import numpy as np

import hopopt
from hopopt import datasets, io
from hopopt.schedules import default_beta_range
from hopopt.solvers import anneal, warm_up


def load(name, data_dir):
    path = datasets.find_instance(name, data_dir)
    graph = io.read_gset(path)
    return hopopt.MaxCut(graph.n, graph.edges, graph.weights, name=name), path


def dwave_sampler():
    try:
        from dwave.samplers import SimulatedAnnealingSampler
    except ImportError:
        return None
    return SimulatedAnnealingSampler()


def throughput(names, data_dir, restarts, sweeps, repeats, clock="wall"):
    """Spin-update attempts per second of hopopt (all threads, one thread) and dwave-samplers (one thread).

    Every sampler is timed around its whole call (set-up and conversion included), best of ``repeats``.
    ``clock="cpu"`` times the one-thread runs by the process's CPU time instead of the wall clock: on a
    shared machine other jobs then steal less of the measurement (the all-threads column stays wall time).
    """
    sampler = dwave_sampler()
    one_thread_clock = time.process_time if clock == "cpu" else time.perf_counter
    rows = []
    for name in names:
        problem, _ = load(name, data_dir)
        model = problem.to_model()
        beta_range = default_beta_range(model)
        bqm = model.to_bqm() if sampler is not None else None
        updates = restarts * sweeps * problem.n
        ours, ours_one, theirs, our_cuts, their_cuts = [], [], [], [], []
        for repeat in range(repeats):
            # alternate who goes first so drifts in machine speed hit both alike
            order = ("hopopt", "hopopt-1", "dwave") if repeat % 2 == 0 else ("dwave", "hopopt-1", "hopopt")
            for who in order:
                if who.startswith("hopopt"):
                    # hopopt on all numba threads, and on one (the per-core comparison: dwave runs on one)
                    threads = 1 if who == "hopopt-1" else None
                    stopwatch = one_thread_clock if threads == 1 else time.perf_counter
                    tic = stopwatch()
                    result = anneal(model, n_sweeps=sweeps, n_restarts=restarts, beta_range=beta_range,
                                    rng=repeat, polish=False, n_threads=threads)
                    (ours_one if threads == 1 else ours).append(stopwatch() - tic)
                    our_cuts.append(-result.energies)
                elif sampler is not None:
                    tic = one_thread_clock()
                    sampleset = sampler.sample(bqm, num_reads=restarts, num_sweeps=sweeps,
                                               beta_range=beta_range, beta_schedule_type="geometric",
                                               seed=repeat)
                    theirs.append(one_thread_clock() - tic)
                    their_cuts.append(-sampleset.record.energy)
        row = {"instance": name, "n": problem.n, "edges": len(problem.edges), "clock": clock,
               "hopopt_updates_per_s": updates / min(ours), "hopopt_one_thread_updates_per_s": updates / min(ours_one),
               "hopopt_best_cut": float(np.max(our_cuts)), "hopopt_mean_cut": float(np.mean(our_cuts))}
        if theirs:
            row.update(dwave_updates_per_s=updates / min(theirs), dwave_best_cut=float(np.max(their_cuts)),
                       dwave_mean_cut=float(np.mean(their_cuts)),
                       ratio=(updates / min(ours)) / (updates / min(theirs)),
                       ratio_one_thread=(updates / min(ours_one)) / (updates / min(theirs)))
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


def quality(names, data_dir, time_limit):
    sampler = dwave_sampler()
    rows = []
    for name in names:
        problem, path = load(name, data_dir)
        command = ["hopopt", "solve", "maxcut", str(path), "--time-limit", str(time_limit), "--seed", "0",
                   "--json"]
        record = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
        entry = datasets.lookup(name)
        row = {"instance": name, "best_known": entry.optimum, "hopopt_cut": record["objective"],
               "hopopt_percent": 100 * record["objective"] / entry.optimum, "hopopt_time_s": record["time_s"]}
        if sampler is not None:
            bqm = problem.to_model().to_bqm()
            tic = time.perf_counter()
            sampler.sample(bqm, num_reads=numba.config.NUMBA_NUM_THREADS, num_sweeps=1000, seed=0)
            per_sweep = (time.perf_counter() - tic) / 1000
            sweeps = max(1000, int(time_limit / per_sweep))
            tic = time.perf_counter()
            sampleset = sampler.sample(bqm, num_reads=numba.config.NUMBA_NUM_THREADS, num_sweeps=sweeps, seed=0)
            elapsed = time.perf_counter() - tic
            cut = -sampleset.first.energy
            row.update(dwave_cut=cut, dwave_percent=100 * cut / entry.optimum, dwave_time_s=elapsed,
                       dwave_sweeps=sweeps)
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


def markdown(throughput_rows, quality_rows, args):
    lines = [f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
             f"numba threads {numba.config.NUMBA_NUM_THREADS}, Python {platform.python_version()}, "
             f"hopopt {hopopt.__version__}", ""]
    if throughput_rows:
        one_clock = "CPU time" if args.clock == "cpu" else "wall time"
        lines += [f"Throughput, {args.restarts} restarts × {args.sweeps} sweeps, same geometric β range, best of "
                  f"{args.repeats}, each sampler timed around its whole call (million spin-update attempts per "
                  f"second; one-thread columns by {one_clock}); mean cut over all restarts and repeats:", "",
                  f"| instance | n | edges | hopopt ({numba.config.NUMBA_NUM_THREADS} threads) | hopopt (1 thread) | "
                  "dwave-samplers (1 thread) | ratio | ratio per core (1 thread each) | mean cut hopopt | "
                  "mean cut dwave |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for row in throughput_rows:
            theirs = f"{row['dwave_updates_per_s'] / 1e6:.1f}" if "ratio" in row else "not installed"
            ratio = f"{row['ratio']:.2f}×" if "ratio" in row else ""
            per_core = f"{row['ratio_one_thread']:.2f}×" if "ratio" in row else ""
            their_cut = f"{row['dwave_mean_cut']:.1f}" if "ratio" in row else ""
            lines.append(f"| {row['instance']} | {row['n']} | {row['edges']} | "
                         f"{row['hopopt_updates_per_s'] / 1e6:.1f} | {row['hopopt_one_thread_updates_per_s'] / 1e6:.1f} | "
                         f"{theirs} | {ratio} | {per_core} | {row['hopopt_mean_cut']:.1f} | {their_cut} |")
        lines.append("")
    if quality_rows:
        lines += [f"Best cut within {args.time_limit:g} s of wall time (hopopt: `hopopt solve maxcut FILE "
                  f"--time-limit {args.time_limit:g} --seed 0`):", "",
                  "| instance | best known | hopopt | % | dwave-samplers (same time) | % |",
                  "|---|---|---|---|---|---|"]
        for row in quality_rows:
            theirs = (f"{row['dwave_cut']:g} | {row['dwave_percent']:.2f}" if "dwave_cut" in row
                      else "not installed | ")
            lines.append(f"| {row['instance']} | {row['best_known']:g} | {row['hopopt_cut']:g} | "
                         f"{row['hopopt_percent']:.2f} | {theirs} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", default="G1,G22,G43,G55", help="throughput instances ('' to skip)")
    parser.add_argument("--quality", default="G1,G11,G14,G22,G43,G48,G55,G6,G18",
                        help="quality instances ('' to skip)")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--restarts", type=int, default=20)
    parser.add_argument("--sweeps", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="clock of the one-thread throughput columns (cpu: less disturbed on a shared machine)")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--json", help="also write the raw rows to this file")
    args = parser.parse_args()
    warm_up()
    names = [name for name in args.instances.split(",") if name]
    quality_names = [name for name in args.quality.split(",") if name]
    throughput_rows = throughput(names, args.data_dir, args.restarts, args.sweeps, args.repeats, args.clock)
    quality_rows = quality(quality_names, args.data_dir, args.time_limit)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"throughput": throughput_rows, "quality": quality_rows}, handle, indent=1)
    print(markdown(throughput_rows, quality_rows, args))


if __name__ == "__main__":
    main()
