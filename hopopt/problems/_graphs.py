"""Random graphs for the encoders' ``random`` constructors, fast enough for millions of edges.

networkx's ``gnp_random_graph`` asks Python's Mersenne Twister for one number per pair of nodes in a Python loop:
G(5000, 0.5) took 18 s, longer than most time limits. :func:`gnp_edges` draws the same numbers from the same
generator state with numpy, row block by row block, and so returns exactly networkx's edges for the same seed
(tested): every ``random:n=…,seed=…`` instance stays the graph it always was, only sooner.
"""

from __future__ import annotations

import random

import numpy as np

__all__ = ["gnp_edges"]

# pairs drawn per block: bounds the temporary arrays (about 24 bytes a pair) whatever n is
_PAIRS_PER_BLOCK = 1 << 22


def gnp_edges(n, p, seed) -> np.ndarray:
    """The edges (i < j, in lexicographic order) of ``networkx.gnp_random_graph(n, p, seed=seed)``.

    Parameters
    ----------
    n : int
        Nodes.
    p : float
        Probability of each edge.
    seed : int
        The seed networkx would be given (it seeds Python's ``random.Random``).

    Returns
    -------
    numpy.ndarray of int64, shape (edges, 2)

    Examples
    --------
    >>> import networkx as nx
    >>> from hopopt.problems._graphs import gnp_edges
    >>> edges = gnp_edges(30, 0.2, seed=7)
    >>> edges.tolist() == [list(edge) for edge in nx.gnp_random_graph(30, 0.2, seed=7).edges()]
    True
    """
    n = int(n)
    if p >= 1:
        rows, cols = np.triu_indices(n, 1)
        return np.stack([rows, cols], axis=1).astype(np.int64)
    if p <= 0 or n < 2:
        return np.empty((0, 2), dtype=np.int64)
    # the state random.Random(seed) starts from, handed to numpy's legacy Mersenne Twister: its random_sample
    # is Python's random() (53 bits from two 32-bit draws), so the k-th number decides the k-th pair as in networkx
    state = random.Random(seed).getstate()[1]
    generator = np.random.RandomState()
    generator.set_state(("MT19937", np.array(state[:624], dtype=np.uint32), state[624]))
    pieces = []
    first = 0
    while first < n - 1:
        # rows first..last-1 hold (n - 1 - i) pairs each; take as many rows as fit in one block
        last = first + 1
        count = n - 1 - first
        while last < n - 1 and count + (n - 1 - last) <= _PAIRS_PER_BLOCK:
            count += n - 1 - last
            last += 1
        chosen = np.flatnonzero(generator.random_sample(count) < p)
        # pair index within the block -> (row, column): rows start at cumulative offsets
        lengths = n - 1 - np.arange(first, last)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        row = np.searchsorted(starts, chosen, side="right") - 1
        column = chosen - starts[row] + first + row + 1
        pieces.append(np.stack([row + first, column], axis=1))
        first = last
    return np.concatenate(pieces).astype(np.int64) if pieces else np.empty((0, 2), dtype=np.int64)
