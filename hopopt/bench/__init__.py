"""Compare and benchmark: hopopt against the exact method and peers, with statistics and scale-out.

- :mod:`~hopopt.bench.runners` — every solver by problem and name (hopopt, exact, peers) and one run of it;
- :mod:`~hopopt.bench.compare` — ``hopopt compare``: all of them on one instance, targets and gaps;
- :mod:`~hopopt.bench.statistics` — success probability, TTS99 with intervals, residuals, valid rates;
- :mod:`~hopopt.bench.suite` — the suite file format, with line-numbered errors;
- :mod:`~hopopt.bench.executors` — process pool or Dask, behind one ``concurrent.futures`` interface;
- :mod:`~hopopt.bench.suite_runner` — ``hopopt bench``: a suite through an executor, results to disk.

Every row is measured in the same process tree, now; peers that are not installed give a row saying so,
never a number typed in.

Examples
--------
>>> from hopopt.problems import MaxCut
>>> from hopopt.bench import compare
>>> table = compare("maxcut", MaxCut.random(12, 0.5, rng=0), "tiny", solvers=["exact", "networkx-one-exchange"],
...                 time_limit=1)
>>> [row["solver"] for row in table["rows"]], table["target_source"]
(['exact', 'networkx-one-exchange'], 'optimum (proven in this run)')
"""

from .compare import assign_targets, compare, expand_seeds
from .runners import Budget, get_solver, missing_requirements, run_solver, solver_names
from .statistics import summarize, time_to_solution, tts_interval

__all__ = ["compare", "assign_targets", "expand_seeds", "Budget", "get_solver", "missing_requirements",
           "run_solver", "solver_names", "summarize", "time_to_solution", "tts_interval"]
