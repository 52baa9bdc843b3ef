"""Balanced graph bisection: Gset or DIMACS files, random graphs, the exact MILP, Kernighan–Lin and dwave-samplers.

Exact method (:func:`exact_bisection`): the 0/1 program over sides ``x_v`` (1 = side 1) with the cut
``Σ w (x_u + x_v − 2 x_u x_v)`` as objective and the balance as a linear constraint,
``⌊n/2⌋ ≤ Σ x_v ≤ ⌈n/2⌉``, solved by HiGHS through ``solve_binary_program`` (products linearised). Node 0
is fixed on side 0: swapping the sides maps bisections to bisections with the same cut, so this loses no
optimum and halves the search. No penalty is involved, so the proof does not rest on the penalty rule. Its
LP bound is weak on dense graphs (0 with every ``x = ½``): G(n, 4/(n − 1)) at n = 30–60 proves in 0.4–10 s
(median 2.6 s), G(30, 0.5) in 22–70 s (``benchmarks/partition_bisection.py``, 2 shared cores). So, like the
model-level portfolio (:func:`hopopt.solvers.solve_exact`), up to 30 nodes :func:`exact_bisection` enumerates
instead when that is expected to be quick (under 2 s) or the graph is dense (density ≥ 0.4) and enumeration
fits the time limit: brute force over the penalty model at the automatic penalty, which is above the proved
bound, so its ground state is a minimum bisection (the proof rests on the penalty rule, tested by enumeration
in ``tests/test_bisection.py``).

Heuristic (what ``hopopt.solve`` runs for this kind, :func:`rising_penalty_anneal`): single-flip annealing of the
penalty model, starting from a *low* penalty and doubling it only while the best state is unbalanced. The
penalty rule's automatic A guarantees balanced ground states, but it makes every move of one node across cost
about ``4A ≈ D`` (the largest or twice the average weighted degree), so single flips can hardly exchange nodes
between the sides; at ``A = m/4`` (m the smallest ``|w|``) one step of imbalance costs one unit of the smallest
weight and nodes cross one at a time. Every round's best state is decoded (repaired to a bisection), so each
round yields a bisection; the best one is kept.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from ..io import read_dimacs, read_gset
from ..problems.bisection import GraphBisection
from ._kind import ExactAnswer, Outcome, PeerSpec, ProblemKind

__all__ = ["KIND", "exact_bisection", "rising_penalty_anneal"]

# the most rounds of the rising penalty; the last ones are cut short by the time limit anyway
_MAX_ROUNDS = 16


def exact_bisection(problem, time_limit=None) -> ExactAnswer:
    """The minimum bisection by the MILP of the module docstring, with HiGHS's bound.

    Parameters
    ----------
    problem : GraphBisection
    time_limit : float, optional
        Seconds for HiGHS; then the best bisection found and the proven lower bound come back.

    Returns
    -------
    ExactAnswer
        ``bound`` is a proven lower bound on the minimum cut (None when HiGHS proved none).

    Examples
    --------
    >>> from hopopt.kinds.bisection import exact_bisection
    >>> from hopopt.problems.bisection import GraphBisection
    >>> two_triangles = GraphBisection(6, [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
    >>> answer = exact_bisection(two_triangles)
    >>> answer.solution.tolist(), answer.optimal, answer.bound
    ([0, 0, 0, 1, 1, 1], True, 1.0)
    """
    from ..solvers.exact import BRUTE_FORCE_MAX_N, brute_force, estimate_brute_force_seconds
    from ..solvers.exact_binary import solve_binary_program

    started = time.perf_counter()
    n = problem.n
    if 2 <= n <= BRUTE_FORCE_MAX_N:
        model = problem.to_model()
        estimate = estimate_brute_force_seconds(model)
        density = 2.0 * len(problem.edges) / (n * (n - 1))
        if (time_limit is None or estimate <= time_limit) and (estimate <= 2.0 or density >= 0.4):
            ground = brute_force(model)
            sides = problem.decode(ground.best_state)  # balanced: the penalty is above the proved bound
            sides = sides if sides[0] == 0 else (1 - sides).astype(sides.dtype)  # node 0 on side 0, as below
            cut = problem.cut_weight(sides)
            return ExactAnswer(sides, True, cut, "brute-force", "all 2^n states of the penalty model enumerated",
                               time.perf_counter() - started, problem.encode(sides))
    first, second, weights = problem.edges[:, 0], problem.edges[:, 1], problem.weights
    linear = np.zeros(n)
    np.add.at(linear, first, weights)
    np.add.at(linear, second, weights)
    small, large = problem.side_sizes
    fix_first = np.zeros((1, n))
    fix_first[0, 0] = 1.0
    constraints = [(np.ones((1, n)), small, large), (fix_first, 0.0, 0.0)]
    found = solve_binary_program(linear, (first, second, -2.0 * weights), 0.0, constraints, time_limit=time_limit)
    if found.x is None:
        # no bisection found in time: any balanced assignment is a valid (unproven) answer
        sides = problem.repair(np.zeros(n, dtype=np.int8))
    else:
        sides = problem.decode(found.x)  # balanced already; decode checks it
    state = problem.encode(sides)
    bound = None if found.bound is None else float(found.bound)
    if found.optimal:
        bound = problem.cut_weight(sides)
    return ExactAnswer(sides, bool(found.optimal), bound, "milp", found.message, time.perf_counter() - started,
                       state)


def rising_penalty_anneal(problem, *, time_limit=None, rng=None, sweeps=None, restarts=None):
    """Anneal the penalty model from a low penalty, doubling it while the best state is unbalanced.

    The first penalty is ``min(m/4, penalty_bound/2)`` (m the smallest non-zero ``|w|``, 1 without edges). While the
    best state of a round is unbalanced, the penalty doubles and the next round gets half of the remaining time
    (above :meth:`~hopopt.problems.bisection.GraphBisection.penalty_bound` every single-flip local minimum is
    balanced, so the doubling ends). After the first balanced round, one more round at the same penalty gets all
    the remaining time (without a time limit the search stops at the first balanced round). Every round's best
    state is decoded, repaired if need be, and the smallest cut is kept.

    Parameters
    ----------
    problem : GraphBisection
    time_limit : float, optional
        Seconds for all rounds together.
    rng : None, int or numpy.random.Generator
        One child per round (SPEC 7).
    sweeps, restarts : int, optional
        Passed to :func:`hopopt.solvers.anneal` as ``n_sweeps`` and ``n_restarts``.

    Returns
    -------
    sides : numpy.ndarray
        The best bisection found.
    result : SolveResult
        The last round's anneal.
    history : list of [penalty, cut, balanced, seconds]
        One entry per round; ``seconds`` counts from the start of the search.

    Examples
    --------
    >>> from hopopt.kinds.bisection import rising_penalty_anneal
    >>> from hopopt.problems.bisection import GraphBisection
    >>> ladder = GraphBisection(6, [(0, 1), (1, 2), (3, 4), (4, 5), (0, 3), (1, 4), (2, 5)])
    >>> sides, _, history = rising_penalty_anneal(ladder, sweeps=200, rng=0)
    >>> ladder.cut_weight(sides), history[-1][2]
    (3.0, True)
    """
    import dataclasses

    from .. import control
    from ..solvers import anneal
    from ..solvers._common import Clock

    # a command's deadline (hopopt.control) shortens the limit; the clock also stops at it without one
    time_limit = control.time_left(time_limit)
    clock = Clock(time_limit)
    started = clock.started
    magnitudes = np.abs(problem.weights[problem.weights != 0])
    smallest = float(magnitudes.min()) if magnitudes.size else 1.0
    penalty = min(smallest / 4.0, problem.penalty_bound() / 2.0) or problem.default_penalty()
    children = np.random.default_rng(rng).spawn(_MAX_ROUNDS)
    best, best_cut, result, history, last_round = None, np.inf, None, [], False
    stopped = False  # the command's deadline or Ctrl-C ended the rounds
    for round_index, child in enumerate(children):
        share = None
        if best is not None and control.should_stop():
            stopped = True
            break
        if time_limit is not None:
            remaining = clock.remaining()
            if remaining <= 0 and best is not None:
                break
            final = last_round or round_index == _MAX_ROUNDS - 1
            share = max(remaining, 1e-3) * (1.0 if final else 0.5)
        result = anneal(problem.to_model(penalty), n_sweeps=sweeps, n_restarts=restarts, moves="single-flip",
                        time_limit=share, rng=child)
        balanced = not problem.state_violations(result.best_state)
        sides = problem.decode(result.best_state)
        cut = problem.cut_weight(sides)
        if cut < best_cut:
            best, best_cut = sides, cut
        history.append([penalty, cut, balanced, time.perf_counter() - started])
        if last_round or (balanced and time_limit is None):
            break
        if balanced:
            last_round = True
        else:
            penalty *= 2.0
    if stopped:
        # the command stopped the search, whatever the last round's own anneal reported
        result = dataclasses.replace(result, status=clock.stop_status())
    return best, result, history


# ---------------------------------------------------------------------------------------------- the kind
def _heuristic(problem, settings):
    """hopopt's anneal for bisection: :func:`rising_penalty_anneal`; with ``moves="single-flip"`` (or any
    explicit move set), or with another solver, that solver on the automatic-penalty model instead (returns None
    to say so)."""
    if settings.get("moves", "auto") != "auto" or settings.get("solver", "anneal") != "anneal":
        return None
    sides, result, history = rising_penalty_anneal(problem, time_limit=settings.get("time_limit"),
                                                   rng=settings.get("rng"), sweeps=settings.get("sweeps"),
                                                   restarts=settings.get("restarts"))
    # api.solve reads the search's time from the last history entry's third field, as for coloring
    extras = {"history": [[float(penalty), float(cut), float(seconds)] for penalty, cut, _, seconds in history],
              "balanced_rounds": [bool(entry[2]) for entry in history], "penalty": float(history[-1][0]),
              "moves": "single-flip", "sweeps": int(result.sweeps_done)}
    return problem, sides, result, extras


def _read(path):
    """A Gset (rudy) edge list, or a DIMACS ``.col`` graph when the file name ends in ``.col``."""
    graph = read_dimacs(path) if Path(path).suffix.lower() == ".col" else read_gset(path)
    return GraphBisection.from_edgelist(graph)


def _random(n, seed, p=0.5):
    return GraphBisection.random(n, p, rng=seed)


def _exact(problem, time_limit):
    return exact_bisection(problem, time_limit)


def _plot(problem, solution, ax, title):
    from .. import plotting

    plotting.plot_cut(problem, solution, title=title, ax=ax)


def _kernighan_lin(problem, budget):
    """networkx ``kernighan_lin_bisection`` from random balanced starts (one seed per start, from the run's
    seed), restarted while another start is expected to fit in the time limit; the smallest cut is kept."""
    from networkx.algorithms.community import kernighan_lin_bisection

    graph = problem.to_networkx()
    generator = np.random.default_rng(budget.seed)
    started = time.perf_counter()
    best, best_cut, starts = None, np.inf, 0
    while True:
        first, _ = kernighan_lin_bisection(graph, weight="weight", seed=int(generator.integers(2**31)))
        starts += 1
        sides = np.ones(problem.n, dtype=np.int8)
        sides[list(first)] = 0
        cut = problem.cut_weight(sides)
        if cut < best_cut:
            best, best_cut = sides, cut
        if budget.restarts is not None and starts >= budget.restarts:
            break
        elapsed = time.perf_counter() - started
        # stop when one more start (of the average length so far) would overrun the limit
        if elapsed + elapsed / starts > budget.time_limit:
            break
    return Outcome(best, {"starts": starts})


def _dwave_sa(problem, budget):
    """dwave-samplers SimulatedAnnealingSampler on hopopt's penalty BQM, sweeps calibrated to the time limit as
    for the max-cut peer; the lowest-energy read is decoded (repaired if unbalanced)."""
    from ..bench.runners import _dwave_sampler, _sampler_on_model

    return _sampler_on_model(_dwave_sampler)(problem, budget)


def _instance_bytes(n, options):
    """Memory of ``random:n=…,p=…``: a G(n, p) edge list (hopopt.resources)."""
    from ..resources import random_graph_instance

    return random_graph_instance(n, options.get("p", 0.5), "the random graph")

#: the kind ``bisection`` of :data:`hopopt.kinds.KINDS`: balanced graph bisection (equal halves, least cut weight)
KIND = ProblemKind(
    name="bisection", problem=GraphBisection,
    description="balanced graph bisection: equal halves, least cut weight (E = cut + A·(Σs)²)",
    read=_read, file_format="gset", random=_random, random_options={"p": 0.5}, smallest_n=2, exact=_exact,
    solvers=("anneal",), heuristic=_heuristic, plot=_plot,
    instance_bytes=_instance_bytes,
    peers={
        "networkx-kernighan-lin": PeerSpec(_kernighan_lin,
                                           "networkx kernighan_lin_bisection from random starts, restarted to fill "
                                           "the time"),
        "dwave-sa": PeerSpec(_dwave_sa, "dwave-samplers SimulatedAnnealingSampler on hopopt's penalty BQM",
                             requires=("dimod", "dwave.samplers")),
    })
