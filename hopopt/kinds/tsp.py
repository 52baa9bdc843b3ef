"""The travelling salesman: TSPLIB files and tours, random cities, Held–Karp or the MILP, the tour drawn."""

from __future__ import annotations

import numpy as np

from .. import io
from ..errors import InputError
from ..problems.tsp import TSP
from ..solvers.exact_tsp import held_karp, tsp_milp
from ._kind import ExactAnswer, ProblemKind, read_json_solution

__all__ = ["KIND", "HELD_KARP_UP_TO"]

# Held–Karp is exact and fast up to this many cities; past it the MILP with subtour cuts is used
HELD_KARP_UP_TO = 16


def _read(path):
    return TSP.from_tsplib(io.read_tsplib(path))


def _random(n, seed):
    return TSP.random(n, rng=seed)


def _exact(problem, time_limit):
    if problem.n <= HELD_KARP_UP_TO:
        exact = held_karp(problem.distances, time_limit=time_limit)
    else:
        exact = tsp_milp(problem.distances, time_limit=time_limit)
    bound = float(exact.bound) if np.isfinite(exact.bound) else None
    return ExactAnswer(np.asarray(exact.solution), bool(exact.optimal), bound, exact.method, exact.message,
                       float(exact.time_s))


def _read_solution(path, problem):
    """A JSON solution, or a TSPLIB ``.tour`` file checked against the instance's size."""
    if str(path).lower().endswith(".json"):
        return read_json_solution(path)
    tour = io.read_tour(path)
    if tour.dimension is not None and tour.dimension != problem.n:
        raise InputError(f"{path}: the tour has {tour.dimension} cities but the instance has {problem.n} "
                         f"(a tour for another instance?)")
    if tour.tour.size != problem.n:
        raise InputError(f"{path}: the tour visits {tour.tour.size} cities but the instance has {problem.n}")
    return tour.tour.tolist()


def classical_scaling(distances):
    """2-D positions whose distances approximate ``distances`` (classical MDS), for instances given as a
    matrix only: the picture of the tour is then faithful up to the distortion of the embedding.

    Examples
    --------
    >>> import numpy as np
    >>> from hopopt.kinds.tsp import classical_scaling
    >>> points = classical_scaling(np.array([[0.0, 3.0], [3.0, 0.0]]))
    >>> round(float(np.linalg.norm(points[0] - points[1])), 6)
    3.0
    """
    n = distances.shape[0]
    centring = np.eye(n) - np.full((n, n), 1.0 / n)
    gram = -0.5 * centring @ (distances**2) @ centring
    values, vectors = np.linalg.eigh(gram)
    order = np.argsort(values)[::-1][:2]
    return vectors[:, order] * np.sqrt(np.maximum(values[order], 0.0))


def _plot(problem, solution, ax, title):
    from .. import plotting

    coordinates = problem.coordinates if problem.coordinates is not None else classical_scaling(problem.distances)
    plotting.plot_tour(coordinates, solution, title=f"{title}: length {problem.tour_length(solution):g}", ax=ax)


KIND = ProblemKind(
    name="tsp", problem=TSP, description="symmetric travelling salesman, n×n permutation encoding",
    read=_read, file_format="tsplib", random=_random, smallest_n=3, exact=_exact,
    solvers=("anneal", "penalty", "tank", "descent"), plot=_plot, read_solution=_read_solution)
