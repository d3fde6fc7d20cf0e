"""Random CNF models of G4SATBench: NeuroSAT's SR(n), uniform random k-SAT,
community attachment and popularity-similarity (Giráldez-Cru & Levy).

Each generator takes a seeded ``random.Random`` and returns clause lists;
none needs a solver except :func:`sr_pair`, which solves incrementally to
find where the formula turns UNSAT.
"""

from __future__ import annotations

import math
import random

import numpy as np

from clew.sat import Solver

Clauses = list[list[int]]


def _signed(rng: random.Random, variables: list[int]) -> list[int]:
    return [v if rng.random() < 0.5 else -v for v in variables]


def sr_pair(rng: random.Random, n: int) -> tuple[Clauses, Clauses]:
    """NeuroSAT's SR(n): add random clauses until the formula is UNSAT; return
    (the SAT sibling, the UNSAT formula), which differ in one literal of the last clause.

    A clause has ``k = 1 + Bernoulli(0.7) + Geometric(0.4)`` distinct
    variables (``Geometric`` counting trials, so ``k >= 2``; mean 4.2; at
    most ``n``), each with a random sign, as in NeuroSAT's generator. Flipping a literal of the last
    clause gives a satisfiable formula: every model of the clauses before it
    falsifies all of its literals, so it satisfies the flipped clause.
    """
    clauses: Clauses = []
    with Solver() as solver:
        while True:
            k = (1 if rng.random() < 0.3 else 2) + 1
            while rng.random() >= 0.4:  # Geometric(0.4): trials up to the first success
                k += 1
            clause = _signed(rng, rng.sample(range(1, n + 1), min(k, n)))
            solver.add_clause(clause)
            clauses.append(clause)
            if not solver.solve():
                break
    sat = [*clauses[:-1], [-clause[0], *clause[1:]]]
    return sat, clauses


def ksat(rng: random.Random, n: int, k: int, m: int) -> Clauses:
    """Uniform random k-SAT: ``m`` clauses of ``k`` distinct variables, random signs."""
    return [_signed(rng, rng.sample(range(1, n + 1), k)) for _ in range(m)]


def community_attachment(rng: random.Random, n: int, m: int, k: int, c: int, q: float) -> Clauses:
    """Community attachment (Giráldez-Cru & Levy, IJCAI 2015): variables split
    into ``c`` communities (variable ``v`` in community ``(v - 1) % c``); with
    probability ``P = Q + 1/c`` a clause takes its ``k`` variables from one
    random community, otherwise from ``k`` distinct communities, so the
    formula's modularity is about ``Q``."""
    communities = [list(range(i + 1, n + 1, c)) for i in range(c)]
    p = q + 1 / c
    clauses = []
    for _ in range(m):
        if rng.random() < p:
            group = rng.choice(communities)
            variables = rng.sample(group, k)
        else:
            variables = [rng.choice(communities[i]) for i in rng.sample(range(c), k)]
        clauses.append(_signed(rng, variables))
    return clauses


def popularity_similarity(
    rng: random.Random, n: int, m: int, k: int, t: float, beta: float, beta_clauses: float
) -> Clauses:
    """Popularity-similarity (Giráldez-Cru & Levy, CP 2017): variables and
    clauses get an angle (similarity) and a radius from their rank
    (popularity: ``r_i = beta ln i + (1 - beta) ln n``); a clause draws its
    ``k`` variables, without replacement, with weights ``exp(-x / T)`` where
    ``x = r_i + r_j + ln(dtheta / 2)`` is their hyperbolic distance
    (the PS model's connection probability in its large-distance limit), so
    low ``T`` means clauses of popular, similar variables."""
    gen = np.random.default_rng(rng.getrandbits(64))
    theta_v = gen.uniform(0, 2 * math.pi, n)
    theta_c = gen.uniform(0, 2 * math.pi, m)
    r_v = beta * np.log(np.arange(1, n + 1)) + (1 - beta) * math.log(n)
    r_c = beta_clauses * np.log(np.arange(1, m + 1)) + (1 - beta_clauses) * math.log(m)
    clauses = []
    for j in range(m):
        d = np.abs(theta_v - theta_c[j])
        dtheta = np.maximum(np.pi - np.abs(np.pi - d), 1e-12)
        x = r_v + r_c[j] + np.log(dtheta / 2)
        logits = -(x - x.min()) / t
        weights = np.maximum(np.exp(logits), 1e-300)  # never all but < k zero
        chosen = gen.choice(n, size=k, replace=False, p=weights / weights.sum())
        signs = gen.random(k) < 0.5
        clauses.append([int(v + 1) if s else -int(v + 1) for v, s in zip(chosen, signs, strict=True)])
    return clauses
