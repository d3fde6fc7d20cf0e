"""PySAT parity: constructor keywords, variable pools, dec_budget, XOR clauses,
nof_clauses, get_status, timers, enum_models, interrupts, and PySAT's own
tools (RC2, LSU, FM, MUSX, OptUx, Hitman) running on clew via use_in_pysat."""

from __future__ import annotations

import itertools
import random

import pytest

pysat_solvers = pytest.importorskip("pysat.solvers")

from pysat.formula import CNF, WCNF, IDPool  # type: ignore[import-untyped]  # noqa: E402

import clew  # noqa: E402
from clew.sat import Solver, use_in_pysat  # noqa: E402
from helpers import satisfies  # noqa: E402


def php(holes: int) -> list[list[int]]:
    """Pigeons holes+1 into holes: UNSAT and hard for CDCL."""
    var = lambda p, h: p * holes + h + 1  # noqa: E731
    clauses = [[var(p, h) for h in range(holes)] for p in range(holes + 1)]
    for h in range(holes):
        for p, q in itertools.combinations(range(holes + 1), 2):
            clauses.append([-var(p, h), -var(q, h)])
    return clauses


def random_clauses(rng: random.Random, n: int, m: int, width: tuple[int, int] = (1, 3)) -> list[list[int]]:
    return [
        [rng.choice((1, -1)) * rng.randint(1, n) for _ in range(rng.randint(*width))] for _ in range(m)
    ]


# ---------------------------------------------------------------------------
# constructor keywords
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["m22", "g4", "cd195", "cd300"])
def test_every_pysat_keyword_accepted(name: str) -> None:
    pool = IDPool()
    x = pool.id("x")
    kwargs = dict(incr=True, warm_start=True, native_card=True, with_proof=True, sync_with=pool)
    with Solver(name=name, bootstrap_with=[[x, 5]], use_timer=True, **kwargs) as s:
        assert s.solve() is True
        assert pool.top == 5 and pool.id("y") == 6
        s.start_mode(warm=True)
        assert s.solve() is True
    with pytest.raises(TypeError, match="Unexpected keyword argument 'bogus'"):
        Solver(name=name, bogus=1)


def test_sync_with_must_be_a_pool() -> None:
    with pytest.raises(TypeError, match="IDPool"):
        Solver(sync_with=[1, 2])


def test_attach_vpool_both_ways() -> None:
    pool = IDPool()
    for i in range(10):
        pool.id(i)
    with Solver(bootstrap_with=[[1, 2]]) as s:
        s.attach_vpool(pool)
        assert s.nof_vars() == 10  # the pool's identifiers are declared in the solver
        s.add_clause([20, -3])  # a variable the pool did not hand out
        assert pool.top == 10  # synchronised around solving, as in PySAT
        assert s.solve() is True and pool.top == 20
        assert pool.id("fresh") == 21
        assert len(s.get_model() or []) == 21 or s.nof_vars() == 20
        s.attach_vpool(None)
        s.add_clause([30])
        assert s.solve() is True and pool.top == 21


# ---------------------------------------------------------------------------
# dec_budget, interrupts
# ---------------------------------------------------------------------------


def test_dec_budget_per_call() -> None:
    with Solver(bootstrap_with=php(8)) as s:
        s.dec_budget(50)
        before = s.accum_stats()["decisions"]
        assert s.solve_limited() is None
        spent = s.accum_stats()["decisions"] - before
        assert spent == 50
        assert s.solve_limited() is None  # the budget is per call
        assert s.accum_stats()["decisions"] - before == 100
        s.dec_budget(0)
        s.conf_budget(100)
        assert s.solve_limited() is None
    with Solver(bootstrap_with=[[1, 2], [-1, 2]]) as s:
        s.dec_budget(1)
        assert s.solve() is True  # plain solve ignores budgets


def test_dec_budget_matches_cadical() -> None:
    theirs = pysat_solvers.Cadical195(bootstrap_with=php(8))
    with Solver(bootstrap_with=php(8)) as ours, theirs:
        ours.dec_budget(30)
        theirs.dec_budget(30)
        assert ours.solve_limited() is theirs.solve_limited() is None
        assert ours.accum_stats()["decisions"] == theirs.accum_stats()["decisions"] == 30


@pytest.mark.parametrize("ref", ["m22", "g4"])
def test_interrupt_edge_cases(ref: str) -> None:
    with Solver(bootstrap_with=[[1, 2]]) as s:
        s.clear_interrupt()  # nothing to clear
        s.interrupt()
        assert s.solve_limited(expect_interrupt=True) is None
        assert s.get_status() is None and s.get_model() is None and s.get_core() is None
        assert s.solve_limited() is None  # sticky until cleared
        s.clear_interrupt()
        assert s.solve_limited(expect_interrupt=True) is True and s.get_status() is True
    theirs = pysat_solvers.Solver(name=ref, bootstrap_with=[[1, 2]])
    with theirs:
        theirs.interrupt()
        theirs.clear_interrupt()
        assert theirs.solve_limited(expect_interrupt=True) is True


# ---------------------------------------------------------------------------
# XOR clauses
# ---------------------------------------------------------------------------


def parity_ok(lits: list[int], value: bool, model: list[int]) -> bool:
    true = set(model)
    return (sum(lit in true for lit in lits) % 2 == 1) == value


@pytest.mark.parametrize("size", [0, 1, 2, 3, 6, 7, 11])
@pytest.mark.parametrize("value", [True, False])
def test_xor_models_are_exactly_the_right_parity(size: int, value: bool) -> None:
    rng = random.Random(size * 2 + value)
    lits = [rng.choice((1, -1)) * v for v in range(1, size + 1)]
    with Solver() as s:
        s.reserve_vars(size)
        s.add_xor_clause(lits, value)
        models = list(s.enum_models(projection=list(range(1, size + 1)))) if size else []
    if size == 0:
        return
    assert all(parity_ok(lits, value, m) for m in models)
    assert len(models) == 2 ** (size - 1)  # every assignment of the right parity


def test_xor_duplicates_and_empty() -> None:
    with Solver() as s:
        s.add_xor_clause([1, 1, 2], True)  # 1 xor 1 xor 2 = 2
        assert s.solve(assumptions=[-2]) is False and s.solve(assumptions=[2]) is True
        s.add_xor_clause([3, -3], True)  # always 1: no constraint
        s.add_xor_clause([], False)
        assert s.solve() is True
        s.add_xor_clause([], True)
        assert s.solve() is False
    with Solver() as s, pytest.raises(clew.InputError):
        s.add_xor_clause([1, 0])


def test_long_xor_takes_auxiliaries_from_the_pool() -> None:
    pool = IDPool()
    xs = [pool.id(f"x{i}") for i in range(20)]
    with Solver(sync_with=pool) as s:
        s.add_xor_clause(xs, True)
        assert pool.top > 20  # auxiliaries were taken from the pool
        s.add_clause([pool.id("after"), xs[0]])
        rng = random.Random(3)
        for _ in range(20):
            assumed = [rng.choice((1, -1)) * x for x in xs[:-1]]
            assert s.solve(assumptions=assumed) is True
            model = s.get_model()
            assert model is not None and parity_ok(xs, True, model)


# ---------------------------------------------------------------------------
# nof_clauses, get_status, timers, enum_models
# ---------------------------------------------------------------------------


def test_nof_clauses_as_minisat() -> None:
    theirs = pysat_solvers.Minisat22()
    with Solver() as ours, theirs:
        for step in ([1, 2], [-1], [3, 4, 5], [3, 3, -3], [4, 6, 4], [1, 7]):
            ours.add_clause(step)
            theirs.add_clause(step)
            assert ours.nof_clauses() == theirs.nof_clauses(), step
        assert ours.solve() is theirs.solve() is True
        assert ours.nof_clauses() == theirs.nof_clauses() == 2  # [1, 2] satisfied by 2 at level 0: dropped


@pytest.mark.parametrize("seed", range(30))
def test_nof_clauses_random_before_solving(seed: int) -> None:
    rng = random.Random(seed)
    theirs = pysat_solvers.Minisat22()
    with Solver() as ours, theirs:
        for clause in random_clauses(rng, 12, 30):
            ours.add_clause(clause)
            theirs.add_clause(clause)
            assert ours.nof_clauses() == theirs.nof_clauses()


# CaDiCaL keeps the last solve's status when add_clause makes the formula
# UNSAT; clew sets it to False as MiniSat and Glucose do.
@pytest.mark.parametrize("ref", ["m22", "g4"])
def test_get_status_sequence(ref: str) -> None:
    theirs = pysat_solvers.Solver(name=ref)
    with Solver() as ours, theirs:
        for step in ("status", [1, 2], "solve", [-1], "status", "solve", [-2], "status", "solve", "status"):
            if step == "status":
                assert ours.get_status() == theirs.get_status()
            elif step == "solve":
                assert ours.solve() == theirs.solve()
            else:
                ours.add_clause(step)
                theirs.add_clause(step)


def test_timers() -> None:
    with Solver(bootstrap_with=php(7)) as s:
        assert s.solve() is False
        assert s.time() == 0.0 and s.time_accum() == 0.0
    with Solver(bootstrap_with=php(7), use_timer=True) as s:
        assert s.solve() is False
        first = s.time()
        assert first > 0.0 and s.time_accum() == first
        s.propagate(assumptions=[1])
        assert s.time_accum() == pytest.approx(first + s.time())


@pytest.mark.parametrize("seed", range(20))
def test_enum_models_with_assumptions_match(seed: int) -> None:
    rng = random.Random(seed)
    clauses = random_clauses(rng, 6, 8, (2, 3))
    assumptions = [rng.choice((1, -1)) * v for v in rng.sample(range(1, 7), 2)]
    projection = sorted(rng.sample(range(1, 7), 3))
    for proj in ([], projection):
        theirs = pysat_solvers.Minisat22(bootstrap_with=clauses)
        with Solver(bootstrap_with=clauses) as ours, theirs:
            ours.reserve_vars(theirs.nof_vars())
            mine = list(ours.enum_models(assumptions=assumptions, projection=proj))
            ref = list(theirs.enum_models(assumptions=assumptions, projection=proj))
            assert sorted(mine) == sorted(ref)
            if not proj:
                assert all(satisfies(clauses + [[a] for a in assumptions], m) for m in mine)
            assert ours.solve(assumptions=assumptions) is False


# ---------------------------------------------------------------------------
# PySAT's tools on clew
# ---------------------------------------------------------------------------


def random_wcnf(seed: int, n: int = 10, soft: int = 30, hard: int = 4) -> WCNF:
    rng = random.Random(seed)
    wcnf = WCNF()
    for clause in random_clauses(rng, n, hard, (2, 3)):
        wcnf.append(clause)
    for clause in random_clauses(rng, n, soft, (1, 3)):
        wcnf.append(clause, weight=rng.randint(1, 6))
    return wcnf


def test_use_in_pysat_swaps_and_restores() -> None:
    import pysat.examples.rc2 as rc2  # type: ignore[import-untyped]

    original = pysat_solvers.Solver, pysat_solvers.Glucose4, rc2.Solver
    with use_in_pysat():
        assert issubclass(pysat_solvers.Solver, Solver) and issubclass(rc2.Solver, Solver)
        assert issubclass(pysat_solvers.Glucose4, Solver)
        with use_in_pysat():  # nested: the outer one still holds
            pass
        assert issubclass(rc2.Solver, Solver)
        with pysat_solvers.Solver(name="g4", bootstrap_with=[[1]]) as s:
            assert s.solve() and s.config == "glucose"
        with pytest.raises(pysat_solvers.NoSuchSolverError):
            pysat_solvers.Solver(name="nosuch")
        with pysat_solvers.Cadical195(bootstrap_with=[[1, 2]], use_timer=True) as s:
            assert s.solve() and s.config == "default"
    assert (pysat_solvers.Solver, pysat_solvers.Glucose4, rc2.Solver) == original
    handle = use_in_pysat()  # a plain call
    try:
        assert issubclass(rc2.Solver, Solver)
    finally:
        handle.restore()
        handle.restore()  # idempotent
    assert rc2.Solver is original[2]


def test_rc2_costs_equal_glucose_on_hundreds() -> None:
    from pysat.examples.rc2 import RC2, RC2Stratified  # type: ignore[import-untyped]

    instances = [random_wcnf(seed) for seed in range(300)]

    def costs(cls: type) -> list[int | None]:
        out = []
        for i, wcnf in enumerate(instances):
            with cls(wcnf, solver="g4") as rc2:
                model = rc2.compute()
                out.append(None if model is None else rc2.cost)
                if model is not None and i % 10 == 0:
                    assert satisfies(wcnf.hard, model)
        return out

    reference = costs(RC2)
    with use_in_pysat():
        assert costs(RC2) == reference
        assert costs(RC2Stratified) == reference
    assert sum(c is not None for c in reference) > 200


def test_rc2_benchmark_table_and_families(capsys: pytest.CaptureFixture[str]) -> None:
    from clew.bench import pysat_tools

    # Sets of the requested size range; every element covered (hard), every set a soft unit.
    wcnf = pysat_tools.weighted_cover(1, 30, 20, (4, 6))
    assert len(wcnf.soft) == 20 and len(wcnf.hard) == 30
    assert all(len(clause) == 1 and clause[0] < 0 for clause in wcnf.soft)
    # The full families: three of each kind, names unique.
    names = [name for name, _ in pysat_tools.rc2_families(smoke=False)]
    assert len(set(names)) == len(names) == 9
    assert {name.split("-")[0] for name in names} == {"maxcut", "max3sat", "cover"}
    # The smoke table runs RC2 on clew and both anchors (costs must agree) and sizes each row.
    assert pysat_tools.main(["--part", "rc2", "--smoke"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    assert rows[0].endswith("| clew / faster | faster >= 1 s |")
    assert [row.split(" | ")[0] for row in rows[1:]] == ["| maxcut-20-60", "| max3sat-30-200", "| cover-40-30", "| total"]
    assert all(row.split(" | ")[-1] in ("yes |", "no |") for row in rows[1:-1])


def test_every_tool_runs_on_clew() -> None:
    from pysat.examples.fm import FM  # type: ignore[import-untyped]
    from pysat.examples.hitman import Hitman  # type: ignore[import-untyped]
    from pysat.examples.lsu import LSU  # type: ignore[import-untyped]
    from pysat.examples.musx import MUSX  # type: ignore[import-untyped]
    from pysat.examples.optux import OptUx  # type: ignore[import-untyped]
    from pysat.examples.rc2 import RC2  # type: ignore[import-untyped]

    wcnf = random_wcnf(7)
    with RC2(wcnf) as rc2:
        assert rc2.compute() is not None
        optimum = rc2.cost
    unsat = WCNF()
    for clause in [[-1, -2], [1], [2], [1, 2, 3], [-3]]:
        unsat.append(clause, weight=1)
    with use_in_pysat():
        with RC2(wcnf, solver="g4") as rc2:
            assert rc2.compute() is not None and rc2.cost == optimum
            assert isinstance(rc2.oracle, Solver)
        unweighted = random_wcnf(8)
        unweighted.wght = [1] * len(unweighted.soft)
        # RC2 changes the formula it is given (on PySAT too): give LSU a copy
        with RC2(unweighted.copy(), solver="g4") as rc2:
            rc2.compute()
            unweighted_optimum = rc2.cost
        lsu = LSU(unweighted, solver="g4")
        assert lsu.solve() and lsu.cost == unweighted_optimum
        assert isinstance(lsu.oracle, Solver)
        fm = FM(wcnf, solver="m22")
        assert fm.compute() and fm.cost == optimum
        musx = MUSX(unsat, solver="m22")
        mus = musx.compute()
        assert mus is not None and isinstance(musx.oracle, Solver)
        core = [unsat.soft[i - 1] for i in mus]
        with Solver(bootstrap_with=core) as check:
            assert check.solve() is False  # an unsatisfiable subset
        with OptUx(unsat, solver="g4") as optux:
            smallest = optux.compute()
            assert smallest and len(smallest) <= len(mus)
        with Hitman(bootstrap_with=[[1, 2, 3], [1, 4], [5, 6, 7]], solver="g4") as hitman:
            hit = hitman.get()
            assert hit is not None and {1, 5} <= set(hit) | {1, 5} and len(hit) == 2
            assert isinstance(hitman.oracle.oracle, Solver)
    # and back on PySAT
    with RC2(wcnf) as rc2:
        rc2.compute()
        assert not isinstance(rc2.oracle, Solver)


def test_formula_objects_in_tools() -> None:
    cnf = CNF(from_clauses=[[1, 2], [-1, 2]])
    with use_in_pysat(), pysat_solvers.Glucose4(bootstrap_with=cnf) as s:
        assert s.solve() and s.nof_clauses() == 2
