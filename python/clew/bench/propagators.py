"""External propagators: PySAT's ``BooleanEngine`` on clew against the same
engine on PySAT's ``Cadical195``, and the per-callback cost of a Python
propagator.

    python -m clew.bench.propagators            # about a minute
    python -m clew.bench.propagators --smoke    # seconds
    clew bench propagators ...                  # the same options

Families (each instance solved by both, answers compared, clew's models
checked against the clauses and the constraints): at-most-k constraints
with random 3-clauses, n-queens as cardinalities (at most one per
row, column, diagonal), set cover with at most k sets. Times are wall-clock
seconds of ``solve()`` with a fresh solver and engine per instance.

Overhead: a propagator that observes every variable and does nothing
(``propagate()`` returns ``[]``, ``decide()`` 0) on random 3-SAT; the extra
time over the same solver without it (best of three each), divided by the
callbacks made, in microseconds per callback. Needs python-sat (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from typing import Any

Constraint = tuple[str, list[Any]]
Instance = tuple[str, list[list[int]], list[Constraint]]


def at_most_k(seed: int, n: int) -> Instance:
    """Random 3-SAT at ratio 3.4 with n/5 constraints "at most 7-10 of 20 variables true"."""
    r = random.Random(seed)
    clauses = [[r.choice((-1, 1)) * v for v in r.sample(range(1, n + 1), 3)] for _ in range(int(3.4 * n))]
    cons: list[Constraint] = [("linear", [r.sample(range(1, n + 1), 20), r.randint(7, 10)]) for _ in range(n // 5)]
    return f"atmostk-{n}-{seed}", clauses, cons


def queens(n: int) -> Instance:
    var = lambda r, c: r * n + c + 1  # noqa: E731
    clauses = [[var(r, c) for c in range(n)] for r in range(n)]
    lines = [[var(r, c) for c in range(n)] for r in range(n)] + [[var(r, c) for r in range(n)] for c in range(n)]
    for d in range(-n + 1, n):
        lines.append([var(r, r - d) for r in range(n) if 0 <= r - d < n])
        lines.append([var(r, d + n - 1 - r) for r in range(n) if 0 <= d + n - 1 - r < n])
    return f"queens-{n}", clauses, [("linear", [line, 1]) for line in lines if len(line) > 1]


def set_cover(seed: int, elements: int, sets: int, k: int) -> Instance:
    r = random.Random(seed)
    members = [r.sample(range(elements), r.randint(2, 6)) for _ in range(sets)]
    clauses = [[s + 1 for s in range(sets) if e in members[s]] or [1, -1] for e in range(elements)]
    return f"cover-{elements}-{sets}-k{k}-{seed}", clauses, [("linear", [list(range(1, sets + 1)), k])]


def holds(model: list[int], clauses: list[list[int]], cons: list[Constraint]) -> bool:
    true = set(model)
    if not all(any(lit in true for lit in c) for c in clauses):
        return False
    return all(sum(lit in true for lit in lits) <= k for _, (lits, k) in cons)


def solve(solver_class: Any, instance: Instance) -> tuple[bool | None, list[int] | None, float]:
    from pysat.engines import BooleanEngine  # type: ignore[import-untyped]  # noqa: PLC0415

    _, clauses, cons = instance
    with solver_class(name="cadical195", bootstrap_with=clauses) as s:
        engine = BooleanEngine(bootstrap_with=cons, adaptive=False)
        s.connect_propagator(engine)
        engine.setup_observe(s)
        start = time.perf_counter()
        result = s.solve()
        elapsed = time.perf_counter() - start
        model = s.get_model() if result else None
        s.disconnect_propagator()
    return result, model, elapsed


class Idle:
    """Observes, counts its callbacks, does nothing else."""

    def __init__(self) -> None:
        self.calls = 0

    def on_assignment(self, lit: int, fixed: bool = False) -> None:
        self.calls += 1

    def on_new_level(self) -> None:
        self.calls += 1

    def on_backtrack(self, to: int) -> None:
        self.calls += 1

    def check_model(self, model: list[int]) -> bool:
        self.calls += 1
        return True

    def decide(self) -> int:
        self.calls += 1
        return 0

    def propagate(self) -> list[int]:
        self.calls += 1
        return []

    def provide_reason(self, lit: int) -> list[int]:
        return [lit]

    def has_clause(self) -> bool:
        self.calls += 1
        return False

    def add_clause(self) -> list[int]:
        return []


def overhead(solver_class: Any, clauses: list[list[int]], n: int, repeats: int = 3) -> tuple[float, float, int]:
    """Best of ``repeats`` solve times without and with the idle propagator, and its callbacks."""
    best = [float("inf"), float("inf")]
    calls = 0
    for _ in range(repeats):
        for with_prop in (False, True):
            with solver_class(name="cadical195", bootstrap_with=clauses) as s:
                prop = Idle()
                if with_prop:
                    s.connect_propagator(prop)
                    for v in range(1, n + 1):
                        s.observe(v)
                start = time.perf_counter()
                s.solve()
                best[with_prop] = min(best[with_prop], time.perf_counter() - start)
                if with_prop:
                    calls = prop.calls
                    s.disconnect_propagator()
    return best[0], best[1], calls


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--smoke", action="store_true", help="small instances (seconds)")


def run(args: argparse.Namespace) -> int:
    from pysat.solvers import Solver as PySatSolver  # type: ignore[import-untyped]  # noqa: PLC0415

    from clew.sat import Solver  # noqa: PLC0415

    if args.smoke:
        instances = [at_most_k(s, 60) for s in range(3)] + [queens(8)] + [set_cover(0, 30, 24, 8)]
    else:
        instances = (
            [at_most_k(s, 150) for s in range(6)]
            + [queens(n) for n in (8, 12, 16)]
            + [set_cover(s, 40, 30, k) for s in range(3) for k in (9, 10, 11)]
        )
    bad = 0
    totals = [0.0, 0.0]
    print(f"{'instance':<24} {'answer':>7} {'clew s':>9} {'Cadical195 s':>13}")
    for instance in instances:
        got, model, t_clew = solve(Solver, instance)
        expected, _, t_cadical = solve(PySatSolver, instance)
        ok = got == expected and (not got or (model is not None and holds(model, instance[1], instance[2])))
        bad += not ok
        totals[0] += t_clew
        totals[1] += t_cadical
        mark = "" if ok else "  MISMATCH"
        answer = {True: "SAT", False: "UNSAT", None: "?"}[got]
        print(f"{instance[0]:<24} {answer:>7} {t_clew:>9.3f} {t_cadical:>13.3f}{mark}")
    print(f"{'total':<24} {'':>7} {totals[0]:>9.3f} {totals[1]:>13.3f}")
    n = 80 if args.smoke else 200
    r = random.Random(1)
    cnf = [[r.choice((-1, 1)) * v for v in r.sample(range(1, n + 1), 3)] for _ in range(int(4.26 * n))]
    print(f"\nper-callback overhead, idle propagator on random 3-SAT (n={n}):")
    for label, solver_class in (("clew", Solver), ("Cadical195", PySatSolver)):
        bare, with_prop, calls = overhead(solver_class, cnf, n)
        per = (with_prop - bare) / max(calls, 1) * 1e6
        print(f"  {label:<11} {calls:>9} callbacks, {bare:.3f} s -> {with_prop:.3f} s: {per:.2f} us per callback")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
