"""PySAT parity benchmarks: native AtMostK against clause encodings, and
PySAT's RC2 on clew against RC2 on Glucose 4 and CaDiCaL 1.9.5.

    python -m clew.bench.pysat_tools                 # both parts, a few minutes
    python -m clew.bench.pysat_tools --smoke         # seconds
    python -m clew.bench.pysat_tools --part card     # only the cardinality table
    python -m clew.bench.pysat_tools --part rc2      # only the RC2 table
    python -m clew.bench.pysat_tools --part card-seeds  # native vs seqcounter over many seeds

Cardinality: each instance is solved by clew four times, its AtMostK
constraints given natively (``add_atmost``) or encoded with PySAT's
``CardEnc`` as pairwise (k = 1 only), sequential counter and totalizer
clauses; answers must agree and every model is checked against the clauses
and constraints. Columns: conflicts and ``solve()`` seconds.

Cardinality over seeds: one satisfiable instance is mostly luck, so the
random at-most-k family is also summed over seeds (satisfiable ones at n =
200, unsatisfiable ones at n = 120 with tighter bounds), native against the
sequential counter, each solve capped at 200000 conflicts.

RC2: the same generated MaxSAT instances (weighted max-cut on random graphs,
random max-3-SAT, weighted set cover) solved by ``RC2(solver="g4")`` on
clew (through :func:`clew.sat.use_in_pysat`), and on PySAT's Glucose 4 and
CaDiCaL 1.9.5, in one run; costs must be identical. Three instances per
family, each sized so that the faster anchor takes 1 s or more (the table's
last column says whether it did in this run; "clew / faster" is clew's time
over the faster anchor's, the issue's target being 1 or less). Seconds are
wall-clock of ``compute()``. Needs python-sat (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from typing import Any

from clew.bench import propagators
from clew.sat import Solver, use_in_pysat

Card = tuple[list[int], int]
CardInstance = tuple[str, int, list[list[int]], list[Card]]


# ----------------------------------------------------------------------------
# cardinality families
# ----------------------------------------------------------------------------


def pigeons(holes: int) -> CardInstance:
    """holes+1 pigeons, each in a hole, at most one per hole (UNSAT)."""
    var = lambda p, h: p * holes + h + 1  # noqa: E731
    clauses = [[var(p, h) for h in range(holes)] for p in range(holes + 1)]
    cons = [([var(p, h) for p in range(holes + 1)], 1) for h in range(holes)]
    return f"php-{holes}", (holes + 1) * holes, clauses, cons


def queens(n: int) -> CardInstance:
    """n-queens with at-most-one per row, column and diagonal (bench.propagators' model)."""
    name, clauses, cons = propagators.queens(n)
    return name, n * n, clauses, [(lits, k) for _, (lits, k) in cons]


def at_most_k(seed: int, n: int, bounds: tuple[int, int] = (7, 10)) -> CardInstance:
    """Random 3-SAT at ratio 3.4 with n/5 constraints "at most 7-10 (``bounds``) of 20 variables"."""
    r = random.Random(seed)
    clauses = [[r.choice((-1, 1)) * v for v in r.sample(range(1, n + 1), 3)] for _ in range(int(3.4 * n))]
    cons = [(r.sample(range(1, n + 1), 20), r.randint(*bounds)) for _ in range(n // 5)]
    return f"atmostk-{n}-{seed}", n, clauses, cons


def cover(seed: int, elements: int, sets: int, k: int) -> CardInstance:
    """Set cover with at most k sets."""
    r = random.Random(seed)
    members = [r.sample(range(elements), r.randint(2, 6)) for _ in range(sets)]
    clauses = [[s + 1 for s in range(sets) if e in members[s]] or [1, -1] for e in range(elements)]
    return f"cover-{elements}-{sets}-k{k}", sets, clauses, [(list(range(1, sets + 1)), k)]


def card_families(smoke: bool) -> list[CardInstance]:
    if smoke:
        return [pigeons(6), queens(8), at_most_k(1, 100), cover(1, 40, 30, 9)]
    return [
        pigeons(8),
        pigeons(9),
        queens(30),
        queens(60),
        at_most_k(1, 200),
        at_most_k(1, 300),
        cover(1, 120, 80, 24),
    ]


def solve_card(
    instance: CardInstance, encoding: str, conflicts: int | None = None
) -> tuple[bool | None, int, float] | None:
    from pysat.card import CardEnc, EncType  # type: ignore[import-untyped]  # noqa: PLC0415

    _, n, clauses, cons = instance
    with Solver(bootstrap_with=clauses) as s:
        s.reserve_vars(n)
        top = n
        for lits, k in cons:
            if encoding == "native":
                s.add_atmost(lits, k)
                continue
            if encoding == "pairwise" and k != 1:
                return None
            kind = {"pairwise": EncType.pairwise, "seqcounter": EncType.seqcounter, "totalizer": EncType.totalizer}
            enc = CardEnc.atmost(lits=lits, bound=k, top_id=top, encoding=kind[encoding])
            top = max(top, enc.nv)
            s.append_formula(enc.clauses)
        start = time.perf_counter()
        if conflicts is None:
            result = s.solve()
        else:
            s.conf_budget(conflicts)
            result = s.solve_limited()
        elapsed = time.perf_counter() - start
        if result:
            true = set(s.get_model() or [])
            assert all(any(lit in true for lit in c) for c in clauses), "model violates a clause"
            assert all(sum(lit in true for lit in lits) <= k for lits, k in cons), "model violates a constraint"
        return result, int(s.accum_stats()["conflicts"]), elapsed


def card_table(smoke: bool) -> int:
    encodings = ("native", "pairwise", "seqcounter", "totalizer")
    print("| instance | answer | " + " | ".join(f"{e} conflicts | {e} s" for e in encodings) + " |")
    print("|---" * (2 + 2 * len(encodings)) + "|")
    for instance in card_families(smoke):
        answers = set()
        cells = []
        for encoding in encodings:
            out = solve_card(instance, encoding)
            if out is None:
                cells += ["-", "-"]
                continue
            result, conflicts, seconds = out
            answers.add(result)
            cells += [str(conflicts), f"{seconds:.3f}"]
        if len(answers) != 1:
            print(f"answers differ on {instance[0]}: {answers}", file=sys.stderr)
            return 1
        answer = {True: "SAT", False: "UNSAT"}[answers.pop()]
        print(f"| {instance[0]} | {answer} | " + " | ".join(cells) + " |")
    return 0


def card_seeds_table(smoke: bool) -> int:
    """Native against the sequential counter, summed over seeds (see the module doc)."""
    seeds = range(1, 4) if smoke else range(1, 9)
    families = [  # (name, the family's answer, instances)
        ("atmostk-200 SAT", True, [at_most_k(seed, 200) for seed in seeds]),
        ("atmostk-120 UNSAT", False, [at_most_k(seed, 120, (6, 7)) for seed in range(1, 11 if smoke else 41)]),
    ]
    limit = 200_000
    encodings = ("native", "seqcounter")
    print("| family | instances | " + " | ".join(f"{e} solved | {e} conflicts | {e} s" for e in encodings) + " |")
    print("|---" * (2 + 3 * len(encodings)) + "|")
    for name, wanted, instances in families:
        runs = {e: [solve_card(i, e, conflicts=limit) for i in instances] for e in encodings}
        answers = [{out[0] for out in outs if out is not None and out[0] is not None} for outs in zip(*runs.values())]
        if any(len(a) > 1 for a in answers):
            print(f"answers differ in {name}", file=sys.stderr)
            return 1
        # Only instances with the family's answer (the other is rare at these ratios) or none.
        keep = [k for k, a in enumerate(answers) if a in ({wanted}, set())]
        cells = []
        for e in encodings:
            outs = [runs[e][k] for k in keep]
            assert all(out is not None for out in outs)
            solved = sum(out[0] is not None for out in outs if out)
            cells += [str(solved), str(sum(out[1] for out in outs if out)), f"{sum(out[2] for out in outs if out):.2f}"]
        print(f"| {name} | {len(keep)} | " + " | ".join(cells) + " |")
    return 0


# ----------------------------------------------------------------------------
# MaxSAT families for RC2
# ----------------------------------------------------------------------------


def max_cut(seed: int, nodes: int, edges: int) -> Any:
    """Weighted max-cut on a random graph: for edge (u, v, w) the softs (u | v) and (-u | -v)."""
    from pysat.formula import WCNF  # type: ignore[import-untyped]  # noqa: PLC0415

    r = random.Random(seed)
    wcnf = WCNF()
    pairs = set()
    while len(pairs) < edges:
        u, v = r.sample(range(1, nodes + 1), 2)
        pairs.add((min(u, v), max(u, v)))
    for u, v in sorted(pairs):
        w = r.randint(1, 10)
        wcnf.append([u, v], weight=w)
        wcnf.append([-u, -v], weight=w)
    return wcnf


def max3sat(seed: int, n: int, m: int) -> Any:
    """Random max-3-SAT (unweighted) above the threshold."""
    from pysat.formula import WCNF  # type: ignore[import-untyped]  # noqa: PLC0415

    r = random.Random(seed)
    wcnf = WCNF()
    for _ in range(m):
        wcnf.append([r.choice((-1, 1)) * v for v in r.sample(range(1, n + 1), 3)], weight=1)
    return wcnf


def weighted_cover(seed: int, elements: int, sets: int, size: tuple[int, int] = (2, 5)) -> Any:
    """Weighted set cover: hard 'element covered', soft 'set not taken' with its cost (1-20);
    each set has ``size`` (a range) random elements."""
    from pysat.formula import WCNF  # type: ignore[import-untyped]  # noqa: PLC0415

    r = random.Random(seed)
    members = [r.sample(range(elements), r.randint(*size)) for _ in range(sets)]
    wcnf = WCNF()
    for e in range(elements):
        wcnf.append([s + 1 for s in range(sets) if e in members[s]] or [sets + 1])
    for s in range(sets):
        wcnf.append([-(s + 1)], weight=r.randint(1, 20))
    return wcnf


def rc2_families(smoke: bool) -> list[tuple[str, Any]]:
    """Three families, three instances each, sized so that each takes the faster anchor
    (Glucose 4 or CaDiCaL 1.9.5) 1 s or more (on a loaded 2-core machine: docs/pysat.md)."""
    if smoke:
        return [("maxcut-20-60", max_cut(1, 20, 60)), ("max3sat-30-200", max3sat(1, 30, 200)),
                ("cover-40-30", weighted_cover(1, 40, 30))]
    return [
        ("maxcut-26-90-s1", max_cut(1, 26, 90)),
        ("maxcut-28-100-s2", max_cut(2, 28, 100)),
        ("maxcut-28-100-s5", max_cut(5, 28, 100)),
        ("max3sat-45-330-s2", max3sat(2, 45, 330)),
        ("max3sat-45-330-s3", max3sat(3, 45, 330)),
        ("max3sat-44-320-s4", max3sat(4, 44, 320)),
        ("cover-250-110-s5", weighted_cover(5, 250, 110, (12, 24))),
        ("cover-270-110-s2", weighted_cover(2, 270, 110, (12, 24))),
        ("cover-250-110-s4", weighted_cover(4, 250, 110, (12, 24))),
    ]


def run_rc2(wcnf: Any, solver: str, on_clew: bool) -> tuple[int, float]:
    from pysat.examples.rc2 import RC2  # type: ignore[import-untyped]  # noqa: PLC0415

    def once() -> tuple[int, float]:
        with RC2(wcnf.copy(), solver=solver) as rc2:
            start = time.perf_counter()
            model = rc2.compute()
            elapsed = time.perf_counter() - start
            assert model is not None
            return int(rc2.cost), elapsed

    if on_clew:
        with use_in_pysat():
            return once()
    return once()


def rc2_table(smoke: bool) -> int:
    """The RC2 table; the last columns: clew's time over the faster anchor's, and whether the
    faster anchor took 1 s or more (the issue's sizing)."""
    print("| instance | cost | clew s | Glucose 4 s | CaDiCaL 1.9.5 s | clew / faster | faster >= 1 s |")
    print("|---|---|---|---|---|---|---|")
    totals = [0.0, 0.0]
    for name, wcnf in rc2_families(smoke):
        clew_cost, clew_s = run_rc2(wcnf, "g4", True)
        g4_cost, g4_s = run_rc2(wcnf, "g4", False)
        cd_cost, cd_s = run_rc2(wcnf, "cd195", False)
        if not clew_cost == g4_cost == cd_cost:
            print(f"costs differ on {name}: clew {clew_cost}, g4 {g4_cost}, cd195 {cd_cost}", file=sys.stderr)
            return 1
        faster = min(g4_s, cd_s)
        totals[0] += clew_s
        totals[1] += faster
        sized = "yes" if faster >= 1.0 else "no"
        print(f"| {name} | {clew_cost} | {clew_s:.2f} | {g4_s:.2f} | {cd_s:.2f} | {clew_s / max(faster, 1e-9):.2f} | {sized} |")
    print(f"| total | | {totals[0]:.2f} | | | {totals[0] / max(totals[1], 1e-9):.2f} (over the faster per instance) | |")
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--smoke", action="store_true", help="small instances (seconds)")
    parser.add_argument("--part", choices=("card", "card-seeds", "rc2", "all"), default="all")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clew.bench.pysat_tools", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    status = 0
    if args.part in ("card", "all"):
        status |= card_table(args.smoke)
    if args.part == "card-seeds":
        status |= card_seeds_table(args.smoke)
    if args.part in ("rc2", "all"):
        if args.part == "all":
            print()
        status |= rc2_table(args.smoke)
    return status


if __name__ == "__main__":
    sys.exit(main())
