"""Graph problems on Erdős–Rényi graphs G(v, p), as in G4SATBench (cnfgen's
encodings): k-clique, k-dominating set, k-vertex cover, and graph colouring.

The k-subset problems use position variables: ``x(i, u)`` says the ``i``-th
chosen vertex (``i`` in ``0..k``) is ``u``; each position holds exactly one
vertex and positions hold increasing vertices (which also makes them
distinct and breaks the ``k!`` symmetry).

Default edge probabilities put each problem near its threshold: the ``p``
at which a random graph has an expected number ``E`` of solutions, with
``E`` calibrated (clew's solver, 40 formulas at the family defaults) so
that about half are satisfiable: 1 for cliques, 10 for dominating sets
(they come in overlapping clusters), 3 for vertex covers; colouring uses the
average degree at the threshold (4.2 for 3 colours at 40 vertices, below
the asymptotic 4.69).
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable

Clauses = list[list[int]]
Edges = set[tuple[int, int]]


def random_graph(rng: random.Random, v: int, p: float) -> Edges:
    """The edges ``(u, w)``, ``u < w``, of G(v, p)."""
    return {(u, w) for u, w in itertools.combinations(range(v), 2) if rng.random() < p}


def _positions(v: int, k: int) -> tuple[Clauses, dict[tuple[int, int], int]]:
    """Position variables and their clauses: each position exactly one vertex,
    positions in increasing vertex order."""
    var = {(i, u): i * v + u + 1 for i in range(k) for u in range(v)}
    clauses = [[var[i, u] for u in range(v)] for i in range(k)]
    for i in range(k):
        clauses += [[-var[i, u], -var[i, w]] for u, w in itertools.combinations(range(v), 2)]
    for i in range(k - 1):  # x(i, u) -> not x(i+1, w) for w <= u
        clauses += [[-var[i, u], -var[i + 1, w]] for u in range(v) for w in range(u + 1)]
    return clauses, var


def kclique(edges: Edges, v: int, k: int) -> Clauses:
    """Does the graph have a clique of ``k`` vertices? Chosen vertices pairwise adjacent."""
    clauses, var = _positions(v, k)
    for i, j in itertools.combinations(range(k), 2):
        for u, w in itertools.combinations(range(v), 2):
            if (u, w) not in edges:
                clauses.append([-var[i, u], -var[j, w]])
    return clauses


def kdomset(edges: Edges, v: int, k: int) -> Clauses:
    """Does the graph have a dominating set of ``k`` vertices? Every vertex is
    chosen or has a chosen neighbour."""
    clauses, var = _positions(v, k)
    neighbours: list[set[int]] = [{u} for u in range(v)]
    for u, w in edges:
        neighbours[u].add(w)
        neighbours[w].add(u)
    for w in range(v):
        clauses.append([var[i, u] for i in range(k) for u in sorted(neighbours[w])])
    return clauses


def kvcover(edges: Edges, v: int, k: int) -> Clauses:
    """Does the graph have a vertex cover of ``k`` vertices? Every edge has a chosen end."""
    clauses, var = _positions(v, k)
    for u, w in sorted(edges):
        clauses.append([var[i, x] for i in range(k) for x in (u, w)])
    return clauses


def coloring(edges: Edges, v: int, c: int) -> Clauses:
    """Is the graph ``c``-colourable? ``x(u, col)``: exactly one colour per
    vertex, adjacent vertices differ."""

    def var(u: int, col: int) -> int:
        return u * c + col + 1

    clauses = [[var(u, col) for col in range(c)] for u in range(v)]
    for u in range(v):
        clauses += [[-var(u, a), -var(u, b)] for a, b in itertools.combinations(range(c), 2)]
    for u, w in sorted(edges):
        clauses += [[-var(u, col), -var(w, col)] for col in range(c)]
    return clauses


# ----------------------------------------------------------------- thresholds


def _bisect(expected: Callable[[float], float], lo: float = 1e-6, hi: float = 1 - 1e-6) -> float:
    """The p in (0, 1) where ``expected(p)`` (monotone) crosses 1."""
    increasing = expected(hi) > expected(lo)
    for _ in range(60):
        mid = (lo + hi) / 2
        if (expected(mid) > 1) == increasing:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


def clique_threshold(v: int, k: int, solutions: float = 1.0) -> float:
    """E[#k-cliques] = C(v, k) p^C(k, 2) = solutions."""
    if k < 2:
        return 0.5
    return min(1.0, (math.comb(v, k) / solutions) ** (-1 / math.comb(k, 2)))


def domset_threshold(v: int, k: int, solutions: float = 10.0) -> float:
    """E[#dominating k-sets] = C(v, k) (1 - (1 - p)^k)^(v - k) = solutions."""
    return _bisect(lambda p: math.comb(v, k) * (1 - (1 - p) ** k) ** (v - k) / solutions)


def vcover_threshold(v: int, k: int, solutions: float = 3.0) -> float:
    """E[#k-vertex covers] = C(v, k) (1 - p)^C(v - k, 2) = solutions."""
    pairs = math.comb(v - k, 2)
    if not pairs:
        return 0.5
    return max(0.0, 1 - (math.comb(v, k) / solutions) ** (-1 / pairs))


def coloring_threshold(v: int, c: int) -> float:
    """The c-colourability threshold of G(v, p) in average degree (4.2 for
    3 colours, 8.9 for 4, 13.7 for 5; ``2 c ln c`` beyond), as ``p``."""
    degree = {2: 1.0, 3: 4.2, 4: 8.9, 5: 13.69}.get(c, 2 * c * math.log(c))
    return min(1.0, degree / max(1, v - 1))
