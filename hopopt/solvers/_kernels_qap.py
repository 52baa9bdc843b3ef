"""numba kernels of the exact quadratic assignment solver (:mod:`hopopt.solvers.exact_qap`).

Kernels see plain arrays only. A permutation ``perm`` puts facility ``i`` at location ``perm[i]``; its cost is
``Σ_ij flow[i, j] · distance[perm[i], perm[j]]``. Validation, timing and packaging live in the Python solver.

Branch and bound with the Gilmore–Lawler bound. A node fixes some facilities to locations; ``linear[i, k]`` is
the exact cost facility ``i`` would add at location ``k`` against the fixed ones (its own diagonal term
included), ``fixed`` the cost among the fixed ones. The interaction of two free facilities is bounded, for
each candidate pair (i, k), by the minimal scalar product of i's flows to the other free facilities and k's
distances to the other free locations (rearrangement inequality: one sorted ascending, the other descending;
valid for any signs). The flows and distances enter through ``channels`` (see the solver) that count every
ordered pair exactly once. The linear assignment problem over those costs, solved by the Hungarian method,
gives the node's bound; its dual prices give every child a bound at no extra cost (the node's bound plus the
child's reduced cost), which orders and prunes the children before they are evaluated.

Symmetry: permutations of the locations that leave the distances unchanged (and of the facilities that leave
the flows unchanged), found once by :func:`automorphisms`, are kept per level as the list of those that fix
every location (facility) placed so far; children in one orbit of that list have equal optima, so only one
per orbit is explored.

The search is depth first over an explicit stack, so it can stop after a budget of nodes and resume where it
stopped: the Python caller reads the clock between chunks.
"""

import numpy as np
from numba import njit

# state[] slots of the resumable search
DEPTH = 0       # level of the deepest node whose children are being explored; -1 when the search is over
STARTED = 1     # 0 until the root has been evaluated
NODES = 2       # nodes evaluated (bound computed)
LEAVES = 3      # nodes whose assignment relaxation was solved by a permutation meeting the bound
PRUNED = 4      # children dropped on their reduced-cost estimate, never evaluated
IMPROVED = 5    # incumbent improvements found by the search
MAX_DEPTH = 6   # deepest level reached
STATE_SIZE = 7


@njit(cache=True, nogil=True)
def qap_cost(flow, distance, perm):
    """``Σ_ij flow[i, j] · distance[perm[i], perm[j]]``."""
    n = perm.shape[0]
    total = 0.0
    for i in range(n):
        pi = perm[i]
        for j in range(n):
            total += flow[i, j] * distance[pi, perm[j]]
    return total


@njit(inline="always")
def _swap_delta(flow, distance, perm, r, s):
    """Cost change when facilities r ≠ s trade locations (O(n); asymmetric data and diagonals allowed)."""
    a, b = perm[r], perm[s]
    delta = (flow[r, r] * (distance[b, b] - distance[a, a]) + flow[s, s] * (distance[a, a] - distance[b, b])
             + flow[r, s] * (distance[b, a] - distance[a, b]) + flow[s, r] * (distance[a, b] - distance[b, a]))
    for k in range(perm.shape[0]):
        if k == r or k == s:
            continue
        c = perm[k]
        delta += (flow[k, r] * (distance[c, b] - distance[c, a]) + flow[k, s] * (distance[c, a] - distance[c, b])
                  + flow[r, k] * (distance[b, c] - distance[a, c]) + flow[s, k] * (distance[a, c] - distance[b, c]))
    return delta


@njit(cache=True, nogil=True)
def pairwise_descent(flow, distance, perms, tolerance):
    """First-improvement pairwise-exchange descent of each row of ``perms`` (in place) to a local minimum.

    Returns the cost of each row.
    """
    starts, n = perms.shape
    costs = np.empty(starts)
    for r in range(starts):
        perm = perms[r]
        improved = True
        while improved:
            improved = False
            for u in range(n - 1):
                for v in range(u + 1, n):
                    if _swap_delta(flow, distance, perm, u, v) < -tolerance:
                        perm[u], perm[v] = perm[v], perm[u]
                        improved = True
        costs[r] = qap_cost(flow, distance, perm)
    return costs


@njit(inline="always")
def _cutoff(best, integral, tolerance):
    """Nodes whose bound reaches this value cannot hold a solution better than ``best``.

    With integral data every cost is an integer, so a bound above ``best - 1`` already rules out a better one
    (half a unit of room for rounding); otherwise a relative tolerance absorbs rounding.
    """
    if integral:
        return best - 0.5
    return best - tolerance


@njit(inline="always")
def _assignment_bound(m, cost, u, v, p, way, minv, used, assign, limit):
    """Hungarian method (shortest augmenting paths with potentials) on the non-negative ``cost[:m, :m]``.

    Fills the potentials ``u[1..m]``, ``v[1..m]`` (``cost[i, j] - u[i+1] - v[j+1] ≥ 0``) and ``assign``
    (row → column), and returns the optimum. The running dual value only grows and bounds the optimum from
    below, so the method stops early, returning that value, once it reaches ``limit``.
    """
    for j in range(m + 1):
        u[j] = 0.0
        v[j] = 0.0
        p[j] = 0
        way[j] = 0
    for i in range(1, m + 1):
        p[0] = i
        j0 = 0
        for j in range(m + 1):
            minv[j] = np.inf
            used[j] = False
        while True:
            used[j0] = True
            i0 = p[j0]
            delta = np.inf
            j1 = 0
            for j in range(1, m + 1):
                if not used[j]:
                    current = cost[i0 - 1, j - 1] - u[i0] - v[j]
                    if current < minv[j]:
                        minv[j] = current
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
        # -v[0] is the optimum over the rows so far, a lower bound on the full optimum (costs are ≥ 0)
        if -v[0] >= limit:
            return -v[0]
    for j in range(1, m + 1):
        assign[p[j] - 1] = j - 1
    total = 0.0
    for i in range(m):
        total += cost[i, assign[i]]
    return total


@njit(cache=True, nogil=True)
def glb_node(flow, distance, first, second, first_order, second_order, linear, fixed, perm, owner, rows, cols,
             left, right, cost, u, v, p, way, minv, used, assign, limit):
    """Gilmore–Lawler bound of the node given by ``perm``/``owner`` (-1: free) with its ``linear`` and ``fixed``.

    Leaves the free facilities and locations in ``rows[:m]`` and ``cols[:m]``, the reduced costs of the
    assignment problem in ``cost[:m, :m]`` and its solution in ``assign``. Returns ``(bound, m, complete)``;
    ``complete`` is False when the assignment problem stopped early because the bound reached ``limit``.
    """
    n = perm.shape[0]
    channels = first.shape[0]
    m = 0
    for i in range(n):
        if perm[i] < 0:
            rows[m] = i
            m += 1
    mc = 0
    for k in range(n):
        if owner[k] < 0:
            cols[mc] = k
            mc += 1
    for a in range(m):
        for b in range(m):
            cost[a, b] = linear[rows[a], cols[b]]
    if m > 1:
        for c in range(channels):
            # flows of each free facility to the other free ones, ascending; distances of each free
            # location to the other free ones, descending: the minimal scalar product pairs them in order
            for a in range(m):
                i = rows[a]
                t = 0
                for s in range(n - 1):
                    j = first_order[c, i, s]
                    if perm[j] < 0:
                        left[a, t] = first[c, i, j]
                        t += 1
            for b in range(m):
                k = cols[b]
                t = 0
                for s in range(n - 1):
                    q = second_order[c, k, s]
                    if owner[q] < 0:
                        right[b, t] = second[c, k, q]
                        t += 1
            for a in range(m):
                for b in range(m):
                    total = 0.0
                    for t in range(m - 1):
                        total += left[a, t] * right[b, t]
                    cost[a, b] += total
    # row and column reduction: a constant part of the bound and non-negative costs for the Hungarian method
    constant = fixed
    for a in range(m):
        smallest = cost[a, 0]
        for b in range(1, m):
            if cost[a, b] < smallest:
                smallest = cost[a, b]
        for b in range(m):
            cost[a, b] -= smallest
        constant += smallest
    for b in range(m):
        smallest = cost[0, b]
        for a in range(1, m):
            if cost[a, b] < smallest:
                smallest = cost[a, b]
        for a in range(m):
            cost[a, b] -= smallest
        constant += smallest
    if constant >= limit:
        return constant, m, False
    value = _assignment_bound(m, cost, u, v, p, way, minv, used, assign, limit - constant)
    if constant + value >= limit:
        return constant + value, m, False
    dual = 0.0
    for a in range(m):
        dual += u[a + 1] + v[a + 1]
    for a in range(m):
        for b in range(m):
            reduced = cost[a, b] - u[a + 1] - v[b + 1]
            cost[a, b] = reduced if reduced > 0.0 else 0.0
    # the bound: the dual value (the optimum up to rounding), so that bound + reduced cost bounds each child
    return constant + min(dual, value), m, True


@njit(cache=True, nogil=True)
def _assign(flow, distance, linear, fixed, level, facility, location, perm, owner):
    """Fix ``facility`` at ``location``: the child's linear costs and fixed cost at ``level + 1``."""
    n = perm.shape[0]
    fixed[level + 1] = fixed[level] + linear[level, facility, location]
    perm[facility] = location
    owner[location] = facility
    for i in range(n):
        if perm[i] >= 0:
            continue
        f_in = flow[i, facility]
        f_out = flow[facility, i]
        for k in range(n):
            if owner[k] >= 0:
                continue
            linear[level + 1, i, k] = linear[level, i, k] + f_in * distance[k, location] \
                + f_out * distance[location, k]


@njit(inline="always")
def _find(parent, x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


@njit(cache=True, nogil=True)
def _orbits(group, active, count, free, labels):
    """Orbit labels of the ``free`` points under the ``count`` group elements ``group[active[:count]]``.

    ``labels[x]`` becomes the smallest point of x's orbit (x itself without symmetry). The elements fix every
    point that is not free, so they map free points to free points.
    """
    for x in range(labels.shape[0]):
        labels[x] = x
    for e in range(count):
        element = group[active[e]]
        for x in range(labels.shape[0]):
            if not free[x]:
                continue
            a = _find(labels, x)
            b = _find(labels, element[x])
            if a < b:
                labels[b] = a
            elif b < a:
                labels[a] = b
    for x in range(labels.shape[0]):
        labels[x] = _find(labels, x)


@njit(cache=True, nogil=True)
def _expand(flow, distance, first, second, first_order, second_order, linear, fixed, level, estimate,
            perm, owner, best, best_perm, integral, tolerance, child_facility, child_location, child_bound,
            child_count, child_next, facility_group, facility_active, facility_active_count, location_group,
            location_active, location_active_count, rows, cols, left, right, cost, u, v, p, way, minv, used,
            assign, full, facility_label, location_label, free, group_max, group_pick, state):
    """Evaluate the node at ``level`` (the current ``perm``) and list its children there, best first.

    ``estimate`` is a bound the node already has from its parent. Returns the number of children kept.
    """
    n = perm.shape[0]
    state[NODES] += 1
    if level > state[MAX_DEPTH]:
        state[MAX_DEPTH] = level
    limit = _cutoff(best[0], integral, tolerance)
    bound, m, complete = glb_node(flow, distance, first, second, first_order, second_order, linear[level],
                                  fixed[level], perm, owner, rows, cols, left, right, cost, u, v, p, way, minv,
                                  used, assign, limit)
    child_count[level] = 0
    child_next[level] = 0
    if not complete:
        state[LEAVES] += 1
        return 0
    if estimate > bound:
        bound = estimate
    # the assignment that solves the relaxation completes the node to a permutation: a candidate incumbent
    for i in range(n):
        full[i] = perm[i]
    for a in range(m):
        full[rows[a]] = cols[assign[a]]
    value = qap_cost(flow, distance, full)
    if value < best[0]:
        best[0] = value
        for i in range(n):
            best_perm[i] = full[i]
        state[IMPROVED] += 1
        limit = _cutoff(value, integral, tolerance)
    # with two or fewer free facilities the bound is exact: the relaxation's solution is the node's optimum
    if bound >= limit or m <= 2:
        state[LEAVES] += 1
        return 0
    # Symmetry: a permutation of the locations that keeps the distances and fixes every location in use maps
    # the completions of this node onto themselves at equal cost, and the children "f at k" onto "f at σ(k)".
    # Children in one orbit have the same optimum, so one of them is enough, and the largest estimate in the
    # orbit bounds it. Permutations of the facilities that keep the flows do the same for the children
    # "i at l" of a location.
    # Branch on the free facility (row) or free location (column) with the fewest children (orbits) that
    # survive their reduced-cost estimate; among equals, the one whose survivors have the largest estimates
    # (fewer of them will survive their own evaluation).
    best_line = -1
    best_count = m + 1
    best_weight = -1.0
    symmetric = location_active_count[level] > 0 or facility_active_count[level] > 0
    if symmetric:
        for x in range(n):
            free[x] = owner[x] < 0
        _orbits(location_group, location_active[level], location_active_count[level], free, location_label)
        for x in range(n):
            free[x] = perm[x] < 0
        _orbits(facility_group, facility_active[level], facility_active_count[level], free, facility_label)
    else:
        for x in range(n):
            location_label[x] = x
            facility_label[x] = x
        # every orbit a single child: one pass per line
        for line in range(2 * m):
            count = 0
            weight = 0.0
            for other in range(m):
                reduced = cost[line, other] if line < m else cost[other, line - m]
                if bound + reduced < limit:
                    count += 1
                    weight += reduced
                if count > best_count:
                    break
            if count < best_count or (count == best_count and weight > best_weight):
                best_line = line
                best_count = count
                best_weight = weight
    for line in range(2 * m if symmetric else 0):
        for other in range(m):
            label = location_label[cols[other]] if line < m else facility_label[rows[other]]
            group_max[label] = -1.0
        count = 0
        weight = 0.0
        for other in range(m):
            if line < m:
                reduced = cost[line, other]
                label = location_label[cols[other]]
            else:
                reduced = cost[other, line - m]
                label = facility_label[rows[other]]
            if reduced > group_max[label]:
                group_max[label] = reduced
        for other in range(m):
            label = location_label[cols[other]] if line < m else facility_label[rows[other]]
            reduced = group_max[label]
            if reduced >= 0.0:
                group_max[label] = -1.0  # count each orbit once
                if bound + reduced < limit:
                    count += 1
                    weight += reduced
        if count < best_count or (count == best_count and weight > best_weight):
            best_line = line
            best_count = count
            best_weight = weight
    # the children of the chosen line: per orbit, the member with the largest reduced cost, carrying it
    for other in range(m):
        label = location_label[cols[other]] if best_line < m else facility_label[rows[other]]
        group_max[label] = -1.0
    for other in range(m):
        if best_line < m:
            reduced = cost[best_line, other]
            label = location_label[cols[other]]
        else:
            reduced = cost[other, best_line - m]
            label = facility_label[rows[other]]
        if reduced > group_max[label]:
            group_max[label] = reduced
            group_pick[label] = other
    kept = 0
    for other in range(m):
        label = location_label[cols[other]] if best_line < m else facility_label[rows[other]]
        if group_pick[label] != other or group_max[label] < 0.0:
            continue
        reduced = group_max[label]
        group_max[label] = -1.0
        if best_line < m:
            a, b = best_line, other
        else:
            a, b = other, best_line - m
        child = bound + reduced
        if child >= limit:
            state[PRUNED] += 1
            continue
        # insertion into the list sorted by estimate
        position = kept
        while position > 0 and child_bound[level, position - 1] > child:
            child_bound[level, position] = child_bound[level, position - 1]
            child_facility[level, position] = child_facility[level, position - 1]
            child_location[level, position] = child_location[level, position - 1]
            position -= 1
        child_bound[level, position] = child
        child_facility[level, position] = rows[a]
        child_location[level, position] = cols[b]
        kept += 1
    child_count[level] = kept
    return kept


@njit(inline="always")
def _restrict(group, active, active_count, level, point):
    """The active elements of ``level`` that fix ``point`` become the active elements of ``level + 1``."""
    count = 0
    for e in range(active_count[level]):
        index = active[level, e]
        if group[index, point] == point:
            active[level + 1, count] = index
            count += 1
    active_count[level + 1] = count


@njit(cache=True, nogil=True)
def qap_search(flow, distance, first, second, first_order, second_order, integral, tolerance, linear, fixed,
               perm, owner, best, best_perm, child_facility, child_location, child_bound, child_count,
               child_next, applied_facility, facility_group, facility_active, facility_active_count,
               location_group, location_active, location_active_count, state, budget):
    """Run (or resume) the depth-first branch and bound for at most ``budget`` node evaluations.

    All arguments after ``tolerance`` are the search's state, updated in place; ``linear[0]`` and ``fixed[0]``
    hold the root's linear and fixed costs and ``perm``/``owner`` start all -1. ``facility_group`` and
    ``location_group`` (one permutation a row, identity excluded; may be empty) are automorphisms of the
    flows and of the distances; ``*_active[0, :*_active_count[0]]`` list the rows in use at the root.
    Returns True when the search is over (the incumbent in ``best``/``best_perm`` is optimal), False when the
    budget ran out first.
    """
    n = perm.shape[0]
    rows = np.empty(n, dtype=np.int64)
    cols = np.empty(n, dtype=np.int64)
    left = np.empty((n, max(n - 1, 1)))
    right = np.empty((n, max(n - 1, 1)))
    cost = np.empty((n, n))
    u = np.empty(n + 1)
    v = np.empty(n + 1)
    p = np.empty(n + 1, dtype=np.int64)
    way = np.empty(n + 1, dtype=np.int64)
    minv = np.empty(n + 1)
    used = np.empty(n + 1, dtype=np.bool_)
    assign = np.empty(n, dtype=np.int64)
    full = np.empty(n, dtype=np.int64)
    facility_label = np.empty(n, dtype=np.int64)
    location_label = np.empty(n, dtype=np.int64)
    free = np.empty(n, dtype=np.bool_)
    group_max = np.empty(n)
    group_pick = np.empty(n, dtype=np.int64)
    done = state[NODES] + budget
    if state[STARTED] == 0:
        state[STARTED] = 1
        state[DEPTH] = 0
        _expand(flow, distance, first, second, first_order, second_order, linear, fixed, 0, -np.inf, perm,
                owner, best, best_perm, integral, tolerance, child_facility, child_location, child_bound,
                child_count, child_next, facility_group, facility_active, facility_active_count,
                location_group, location_active, location_active_count, rows, cols, left, right, cost, u, v,
                p, way, minv, used, assign, full, facility_label, location_label, free, group_max, group_pick,
                state)
    level = state[DEPTH]
    while level >= 0:
        if state[NODES] >= done:
            state[DEPTH] = level
            return False
        if child_next[level] >= child_count[level] or \
                child_bound[level, child_next[level]] >= _cutoff(best[0], integral, tolerance):
            # every child explored (or, sorted by estimate, every one left is pruned): back to the parent,
            # undoing the assignment that led here
            child_next[level] = child_count[level]
            level -= 1
            if level >= 0:
                facility = applied_facility[level]
                owner[perm[facility]] = -1
                perm[facility] = -1
            continue
        position = child_next[level]
        child_next[level] = position + 1
        facility = child_facility[level, position]
        location = child_location[level, position]
        applied_facility[level] = facility
        _assign(flow, distance, linear, fixed, level, facility, location, perm, owner)
        _restrict(facility_group, facility_active, facility_active_count, level, facility)
        _restrict(location_group, location_active, location_active_count, level, location)
        kept = _expand(flow, distance, first, second, first_order, second_order, linear, fixed, level + 1,
                       child_bound[level, position], perm, owner, best, best_perm, integral, tolerance,
                       child_facility, child_location, child_bound, child_count, child_next, facility_group,
                       facility_active, facility_active_count, location_group, location_active,
                       location_active_count, rows, cols, left, right, cost, u, v, p, way, minv, used, assign,
                       full, facility_label, location_label, free, group_max, group_pick, state)
        if kept > 0:
            level += 1
        else:
            owner[location] = -1
            perm[facility] = -1
    state[DEPTH] = -1
    return True


@njit(cache=True, nogil=True)
def automorphisms(matrix, classes, cap, step_limit):
    """Permutations σ ≠ identity with ``matrix[σ(a), σ(b)] == matrix[a, b]`` for all a, b (at most ``cap``).

    Backtracking over σ(0), σ(1), ... with candidates of the same ``classes`` label (an invariant: equal
    labels are necessary). Returns ``(elements, complete)``; ``complete`` is False when ``cap`` elements were
    found or ``step_limit`` entry comparisons were spent first (the elements found are still automorphisms).
    """
    n = matrix.shape[0]
    found = np.empty((cap, n), dtype=np.int64)
    count = 0
    sigma = np.full(n, -1, dtype=np.int64)
    taken = np.zeros(n, dtype=np.bool_)
    following = np.zeros(n + 1, dtype=np.int64)
    steps = 0
    vertex = 0
    complete = True
    while vertex >= 0:
        candidate = following[vertex]
        chosen = -1
        while candidate < n:
            steps += 1
            if not taken[candidate] and classes[candidate] == classes[vertex]:
                fits = True
                for earlier in range(vertex + 1):
                    steps += 1
                    image = sigma[earlier] if earlier < vertex else candidate
                    if matrix[earlier, vertex] != matrix[image, candidate] or \
                            matrix[vertex, earlier] != matrix[candidate, image]:
                        fits = False
                        break
                if fits:
                    chosen = candidate
                    break
            candidate += 1
        if steps > step_limit:
            complete = False
            break
        if chosen < 0:
            vertex -= 1
            if vertex >= 0:
                taken[sigma[vertex]] = False
                sigma[vertex] = -1
            continue
        following[vertex] = chosen + 1
        if vertex == n - 1:
            sigma[vertex] = chosen
            identity = True
            for x in range(n):
                if sigma[x] != x:
                    identity = False
                    break
            if not identity:
                if count == cap:
                    complete = False
                    break
                found[count] = sigma
                count += 1
            sigma[vertex] = -1
            continue
        sigma[vertex] = chosen
        taken[chosen] = True
        vertex += 1
        following[vertex] = 0
    return found[:count].copy(), complete


@njit(cache=True, nogil=True)
def open_bound(child_bound, child_count, child_next, depth):
    """The smallest estimate among the children not yet explored at levels 0..depth (inf if none)."""
    smallest = np.inf
    for level in range(depth + 1):
        if child_next[level] < child_count[level] and child_bound[level, child_next[level]] < smallest:
            smallest = child_bound[level, child_next[level]]
    return smallest
