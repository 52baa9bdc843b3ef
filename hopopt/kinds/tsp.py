"""The travelling salesman: TSPLIB files and tours, random cities, Held–Karp or the MILP, the tour drawn."""

from __future__ import annotations

import numpy as np

from .. import io
from ..errors import InputError
from ..problems.tsp import TSP
from ._kind import ExactAnswer, ProblemKind, read_json_solution

__all__ = ["KIND", "HELD_KARP_UP_TO"]

#: Held–Karp is exact and fast up to this many cities; past it the MILP with subtour cuts is used
HELD_KARP_UP_TO = 16


def _read(path):
    return TSP.from_tsplib(io.read_tsplib(path))


def _random(n, seed):
    return TSP.random(n, rng=seed)


def _exact(problem, time_limit):
    from ..solvers.exact_tsp import held_karp, tsp_milp  # scipy.optimize (HiGHS): only for a proof
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


def _instance_bytes(n, options):
    """Memory of ``random:n=…``: the coordinates' differences, their squares and the n×n distances."""
    from ..resources import Estimate

    return Estimate(48 * n * n + 4096, f"the random cities' {n:,}×{n:,} distance matrix and its temporaries")


def _model_bytes(problem):
    """Memory of ``to_model()``: Kronecker factors (D ⊗ cycle, I ⊗ (J − I), (J − I) ⊗ I) over n² neurons; the
    non-zeros are those of the materialised W, which single-flip solvers need."""
    from ..resources import structured_model

    n = problem.n
    cycle = 2 * n if n > 2 else n * (n - 1)  # non-zeros of the cycle's adjacency
    nonzeros = int(np.count_nonzero(problem.distances)) * cycle + 2 * n * n * (n - 1)
    return structured_model(n * n, nonzeros, "the TSP encoding's weights")


def _exact_bytes(problem, time_limit=None):
    """Memory of the exact method: Held–Karp's 2^(n−1)·(n−1) table, else the subtour MILP."""
    from ..resources import Estimate, milp_estimate

    n = problem.n
    if n <= HELD_KARP_UP_TO:
        subsets = 2 ** max(n - 1, 0)
        return Estimate(8 * subsets * (max(n - 1, 1) + 3),
                        f"Held–Karp's table: {subsets:,} subsets × {n - 1} cities")
    return milp_estimate(n * (n - 1) // 2, "the subtour MILP (HiGHS)") + Estimate(16 * n * n, "the pair index")

#: the kind ``tsp`` of :data:`hopopt.kinds.KINDS`: the symmetric travelling salesman problem
KIND = ProblemKind(
    name="tsp", problem=TSP, description="symmetric travelling salesman, n×n permutation encoding",
    read=_read, file_format="tsplib", random=_random, smallest_n=3, exact=_exact,
    solvers=("anneal", "penalty", "tank", "descent"), plot=_plot, read_solution=_read_solution,
    instance_bytes=_instance_bytes, model_bytes=_model_bytes, exact_bytes=_exact_bytes)
