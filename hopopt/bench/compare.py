"""``hopopt compare``: hopopt, the exact method and every installed peer on one instance, side by side.

The runs happen one after another in this process (never two at once, so their wall times are comparable),
each with the same time budget. Every number in a row was measured in this call; a peer that is not
installed gets a row that says so.
"""

from __future__ import annotations

from .runners import DEFAULT_COMPARE, Budget, get_solver, run_solver
from .statistics import relative_gap, summarize
from .suite import parse_seeds

__all__ = ["compare", "assign_targets", "expand_seeds"]


def expand_seeds(spec) -> tuple:
    """Seeds from ``"0-9"``, ``"0..9"``, ``"3"`` or ``"1,4,7"`` (an int is one seed); see :func:`parse_seeds`.

    Parameters
    ----------
    spec : int or str
        One seed, or a list of seeds and ranges in the form :func:`parse_seeds` reads.

    Returns
    -------
    tuple of int
        The seeds, in the order given.

    Examples
    --------
    >>> from hopopt.bench.compare import expand_seeds
    >>> expand_seeds("0-3"), expand_seeds("5,7"), expand_seeds(2)
    ((0, 1, 2, 3), (5, 7), (2,))
    """
    from ..errors import InputError

    if isinstance(spec, int):
        return (spec,)
    seeds = parse_seeds(str(spec))
    if not seeds:
        raise InputError("no seeds given")
    return seeds


def assign_targets(records, known=None):
    """Fill in ``target`` and ``gap`` of run records, instance by instance; return {instance: (target, source)}.

    The target of an instance is, in this order: the objective of an exact run that proved optimality
    ("optimum (proven in this run)"); the catalogue's value ``known[instance]`` ("optimum or best known
    (catalogue)"), raised to any better feasible objective found; else the best feasible objective any run
    found ("best found in this run", so the best solver has gap 0 by construction).

    Parameters
    ----------
    records : list of dict
        Run records (``problem``, ``instance``, ``sense``, ``objective``, ``feasible``, ``status``, and
        ``optimal`` for exact runs); updated in place.
    known : mapping of str to float, optional
        Catalogue values by instance.

    Returns
    -------
    dict
        ``{instance: (target, source)}``, the source in words as above.

    Examples
    --------
    >>> from hopopt.bench.compare import assign_targets
    >>> records = [{"problem": "tsp", "instance": "a", "sense": "min", "objective": 10.0, "feasible": True,
    ...             "status": "ok"},
    ...            {"problem": "tsp", "instance": "a", "sense": "min", "objective": 12.0, "feasible": True,
    ...             "status": "ok"}]
    >>> assign_targets(records)
    {('tsp', 'a'): (10.0, 'best found in this run')}
    >>> [record["gap"] for record in records]
    [0.0, 0.2]
    """
    known = known or {}
    groups = {}
    for record in records:
        groups.setdefault((record["problem"], record["instance"]), []).append(record)
    targets = {}
    for key, group in groups.items():
        sense = group[0]["sense"]
        better = max if sense == "max" else min
        found = [record["objective"] for record in group
                 if record.get("status") == "ok" and record.get("feasible") and record.get("objective") is not None]
        proven = [record["objective"] for record in group
                  if record.get("optimal") and record.get("feasible") and record.get("objective") is not None]
        if proven:
            target, source = proven[0], "optimum (proven in this run)"
        elif known.get(key[1]) is not None:
            target, source = better([float(known[key[1]])] + found), "optimum or best known (catalogue)"
        elif found:
            target, source = better(found), "best found in this run"
        else:
            target, source = None, "none: no feasible solution"
        targets[key] = (target, source)
        for record in group:
            record["target"] = target
            feasible = record.get("status") == "ok" and record.get("feasible") and record.get("objective") is not None
            record["gap"] = relative_gap(record["objective"], target, sense) if feasible and target is not None \
                else None
    return targets


def compare(problem_name, problem, label, *, solvers=None, time_limit=10.0, exact_time_limit=None, seeds=(0,),
            sweeps=None, restarts=None, known=None, progress=False):
    """Run hopopt, the exact method and the installed peers on one instance; rows for a table.

    Parameters
    ----------
    problem_name : {"maxcut", "tsp", "coloring"}
    problem : MaxCut, TSP or GraphColoring
    label : str
        The instance's name in the report.
    solvers : sequence of str, optional
        Solver names (see :func:`hopopt.bench.runners.solver_names`); default: hopopt's main solvers, the
        exact method and every peer for the problem.
    time_limit : float
        Seconds for each heuristic run (annealers fill it).
    exact_time_limit : float, optional
        Seconds for the exact method (default ``time_limit``).
    seeds : sequence of int
        One run per seed for each randomised solver; with more than one, the rows carry statistics
        (success probability, TTS99 with its interval, valid rate; see :mod:`hopopt.bench.statistics`).
    sweeps, restarts : int, optional
        Fixed sweeps per restart and restarts, for hopopt's annealer and the peer annealers alike.
    known : float, optional
        The catalogue's optimum or best-known value of this instance.
    progress : bool
        Show a tqdm progress bar on stderr.

    Returns
    -------
    dict
        ``problem``, ``instance``, ``n``, ``target``, ``target_source``, ``rows`` (one per solver, in order,
        with ``solver``, ``kind``, ``objective``, ``gap``, ``feasible``, ``time_s``, ``status``, ``note``; with
        several seeds ``objective``/``gap`` are the best over the seeds and ``time_s`` the mean per run, and
        the statistics are added) and ``runs`` (every run record).

    Examples
    --------
    >>> from hopopt.problems import MaxCut
    >>> from hopopt.bench.compare import compare
    >>> table = compare("maxcut", MaxCut.random(10, 0.5, rng=0), "tiny",
    ...                 solvers=["hopopt-anneal", "exact"], time_limit=0.2)
    >>> [(row["solver"], row["gap"]) for row in table["rows"]]
    [('hopopt-anneal', 0.0), ('exact', 0.0)]
    """
    names = list(solvers) if solvers else list(DEFAULT_COMPARE[problem_name])
    specs = [get_solver(problem_name, name) for name in names]
    exact_time_limit = time_limit if exact_time_limit is None else exact_time_limit
    jobs = []
    for spec in specs:
        for seed in (seeds[:1] if spec.deterministic else seeds):
            limit = exact_time_limit if spec.kind == "exact" else time_limit
            jobs.append((spec.name, Budget(time_limit=limit, seed=int(seed), sweeps=sweeps, restarts=restarts)))
    records = []
    for name, budget in _progress(jobs, progress, f"compare {label}"):
        records.append(run_solver(problem_name, problem, label, name, budget))
    targets = assign_targets(records, {label: known})
    target, source = targets[(problem_name, label)]
    if len(seeds) == 1:
        rows = [_single_row(record) for record in records]
    else:
        rows = [_statistics_row(row) for row in summarize(records)]
    return {"problem": problem_name, "instance": label, "n": int(problem.n), "target": target,
            "target_source": source, "time_limit": time_limit, "exact_time_limit": exact_time_limit,
            "seeds": list(seeds), "rows": rows, "runs": records}


_ROW_KEYS = ("solver", "kind", "objective", "gap", "feasible", "time_s", "status", "note")


def _single_row(record):
    row = {key: record.get(key) for key in _ROW_KEYS}
    for key in ("optimal", "bound", "sweeps", "restarts", "reads", "valid_reads"):
        if key in record:
            row[key] = record[key]
    return row


def _statistics_row(summary):
    row = dict(summary)
    row.update(objective=summary.get("best_objective"), gap=summary.get("best_gap"),
               feasible=None if not summary.get("runs") else bool(summary.get("feasible_runs")),
               time_s=summary.get("mean_time_s"))
    return row


def _progress(items, enabled, description):
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=description, unit="run", leave=False)
