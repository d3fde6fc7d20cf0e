"""Inprocessing (subsumption, bounded variable elimination, failed-literal probing):
models against the original clauses, DRAT proofs checked by dratify, and
incremental sessions that bring eliminated variables back."""

from __future__ import annotations

import itertools
import random

import pytest

from clew.bench.families import bmc_counter, factoring, pigeonhole
from clew.sat import Solver
from cnfgen import random_ksat
from helpers import drat_check, satisfies, unit_propagate

# Everything on, passes at every reduction, small reductions: each technique acts.
EAGER = "default,subsume=1,elim=1,probe=1,subst=1,elim_occurrences=64,inprocess_interval=1,first_reduce=30,reduce_increment=5"
SUBST = "default,subst=1,elim=0,inprocess_interval=1,first_reduce=30,reduce_increment=5"


def stats_of(s: Solver) -> dict[str, float]:
    return {k: float(v) for k, v in s.accum_stats().items()}


def unsat_random(n: int, count: int, seed: int) -> list[list[list[int]]]:
    from pysat.solvers import Solver as PySatSolver  # type: ignore[import-untyped]

    rng = random.Random(seed)
    out: list[list[list[int]]] = []
    while len(out) < count:
        _, clauses = random_ksat(n, round(n * 4.26), rng)
        with PySatSolver(name="cd195", bootstrap_with=clauses) as ref:
            if ref.solve() is False:
                out.append(clauses)
    return out


def structured_unsat() -> list[tuple[str, int, list[list[int]]]]:
    php = pigeonhole(6)  # 7 pigeons, 6 holes
    fact = factoring(251)  # prime: no factors
    bmc = bmc_counter(4, 12, 8)  # the counter cannot reach 12 in 8 steps
    assert php.expected is False and fact.expected is not True and bmc.expected is False
    rows = [("php7-6", php.num_vars, php.clauses), ("factoring251", fact.num_vars, fact.clauses)]
    rows.append(("bmc4-12-8", bmc.num_vars, bmc.clauses))
    return [*rows, *(("random50", 50, c) for c in unsat_random(50, 3, seed=21))]


@pytest.mark.parametrize("config", [EAGER, "default,subsume=1,elim=1,probe=1", "default,elim=1", "default,subsume=1,probe=1", SUBST])
def test_unsat_proofs_with_inprocessing_are_accepted(config: str) -> None:
    eliminated = 0.0
    for name, num_vars, clauses in structured_unsat():
        with Solver(name=config, bootstrap_with=clauses, with_proof=True) as s:
            assert s.solve() is False, name
            proof = s.get_proof()
            eliminated += stats_of(s)["eliminated_vars"]
        assert proof is not None
        check = drat_check(num_vars, clauses, proof)
        assert check.ok, (config, name, check.reason)
    assert ("elim=1" in config) == (eliminated > 0)


def test_models_after_elimination_satisfy_the_original_clauses() -> None:
    rng = random.Random(8)
    formulas = [factoring(143).clauses, factoring(1517).clauses, bmc_counter(4, 9, 12).clauses]
    formulas += [random_ksat(80, 300, rng)[1] for _ in range(10)]
    totals = {"eliminated_vars": 0.0, "subsumed": 0.0, "strengthened": 0.0, "failed_literals": 0.0, "substituted": 0.0}
    sat = 0
    for clauses in formulas:
        with Solver(name=EAGER, bootstrap_with=clauses) as s:
            if s.solve():
                sat += 1
                assert satisfies(clauses, s.get_model())
            st = stats_of(s)
            for k in totals:
                totals[k] += st[k]
    assert sat >= 5
    assert all(v > 0 for v in totals.values()), totals


def test_incremental_session_over_eliminated_variables_agrees_with_cadical() -> None:
    """Clauses and assumptions over eliminated variables reactivate them; answers,
    models (against every clause so far) and cores (re-checked) agree with CaDiCaL."""
    from pysat.solvers import Solver as PySatSolver

    rng = random.Random(12)
    reactivated = eliminated = 0.0
    for session in range(25):
        n = rng.randint(20, 40)
        _, clauses = random_ksat(n, int(n * rng.uniform(3.0, 4.3)), rng)
        # Every third session substitutes equivalent literals too.
        config = "default,elim=1,elim_occurrences=64" + (",subst=1,inprocess_interval=1" if session % 3 == 0 else "")
        with Solver(name=config, bootstrap_with=clauses) as s:
            for _step in range(6):
                gone = [v for v in range(1, n + 1) if s.is_eliminated(v)]

                def pick() -> int:
                    v = rng.choice(gone) if gone and rng.random() < 0.6 else rng.randint(1, n)
                    return v if rng.random() < 0.5 else -v

                if rng.random() < 0.5:
                    extra = [[pick() for _ in range(3)] for _ in range(rng.randint(1, 3))]
                    s.append_formula(extra)
                    clauses += extra
                assumptions = list({abs(x): x for x in (pick() for _ in range(rng.randint(0, 4)))}.values())
                got = s.solve(assumptions=assumptions)
                with PySatSolver(name="cd195", bootstrap_with=clauses) as ref:
                    assert got == ref.solve(assumptions=assumptions)
                    if got:
                        model = s.get_model()
                        assert satisfies(clauses, model) and set(assumptions) <= set(model or [])
                    else:
                        core = s.get_core()  # None: UNSAT without assumptions
                        assert set(core or []) <= set(assumptions)
                        assert ref.solve(assumptions=core or []) is False
            st = stats_of(s)
            reactivated += st["reactivated_vars"]
            eliminated += st["eliminated_vars"]
    assert eliminated > 50 and reactivated > 10, (eliminated, reactivated)


def test_enum_models_and_propagate_after_elimination() -> None:
    rng = random.Random(4)
    for _ in range(20):
        n = 8
        _, clauses = random_ksat(n, 20, rng)
        want = sum(
            satisfies(clauses, [v if bits >> (v - 1) & 1 else -v for v in range(1, n + 1)]) for bits in range(1 << n)
        )
        with Solver(name=EAGER, bootstrap_with=clauses) as s:
            s.solve()
            models = list(s.enum_models())
            assert len(models) == want and len({tuple(m) for m in models}) == want
            assert all(satisfies(clauses, m) for m in models)
        with Solver(name=EAGER, bootstrap_with=clauses) as s:
            s.solve()  # eliminates; propagate() must still see every implication
            for lits in itertools.islice(itertools.permutations(range(1, n + 1), 2), 10):
                ok, implied = s.propagate(list(lits))
                no_conflict, closure = unit_propagate(clauses, list(lits))
                if ok:
                    assert no_conflict and {x for x in closure if abs(x) not in lits} <= set(implied) | level0(s)


def level0(s: Solver) -> set[int]:
    ok, lits = s.propagate([])
    return set(lits) if ok else set()


def test_freeze_and_melt() -> None:
    clauses = [[-1, 2], [-2, 3], [1, 3, 4]]
    with Solver(name="default,elim=1", bootstrap_with=clauses) as s:
        s.freeze(2)
        assert s.is_frozen(2)
        assert s.solve() is True and not s.is_eliminated(2)
        s.melt(2)
        assert not s.is_frozen(2)
        s.add_clause([1, 4])
        assert s.solve() is True and s.is_eliminated(2)
        assert satisfies([*clauses, [1, 4]], s.get_model())
        assert s.solve(assumptions=[2, -3]) is False and sorted(s.get_core() or []) == [-3, 2]
        assert not s.is_eliminated(2)
        with pytest.raises(ValueError):
            s.freeze(0)
