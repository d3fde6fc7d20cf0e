"""Native AtMostK constraints (add_atmost, CNFPlus): differential against
brute force and PySAT's MiniCard, with assumptions and cores, weighted,
repeated and complementary literals, bad input, proofs, RC2 on native
cardinality."""

from __future__ import annotations

import itertools
import random

import pytest

pysat_solvers = pytest.importorskip("pysat.solvers")

from pysat.formula import CNFPlus  # type: ignore[import-untyped]  # noqa: E402

import clew  # noqa: E402
from clew.sat import AtMostError, Solver  # noqa: E402
from helpers import drat_check, satisfies  # noqa: E402

Constraint = tuple[list[int], int, list[int]]


def holds(constraint: Constraint, true: set[int]) -> bool:
    lits, k, weights = constraint
    return sum(w for lit, w in zip(lits, weights or [1] * len(lits)) if lit in true) <= k


def brute_force(n: int, clauses: list[list[int]], cons: list[Constraint], assumed: list[int]) -> list[set[int]]:
    models = []
    for bits in itertools.product((False, True), repeat=n):
        true = {v + 1 if b else -(v + 1) for v, b in enumerate(bits)}
        if set(assumed) <= true and all(any(lit in true for lit in c) for c in clauses):
            if all(holds(c, true) for c in cons):
                models.append(true)
    return models


def random_case(seed: int, weighted: bool) -> tuple[int, list[list[int]], list[Constraint]]:
    rng = random.Random(seed)
    n = rng.randint(3, 8)
    clauses = [
        [rng.choice((1, -1)) * rng.randint(1, n) for _ in range(rng.randint(1, 3))]
        for _ in range(rng.randint(0, 2 * n))
    ]
    cons: list[Constraint] = []
    for _ in range(rng.randint(1, 3)):
        # repeated and complementary literals on purpose
        lits = [rng.choice((1, -1)) * rng.randint(1, n) for _ in range(rng.randint(1, n))]
        weights = [rng.randint(-2, 4) for _ in lits] if weighted and rng.random() < 0.6 else []
        cons.append((lits, rng.randint(-1, len(lits)), weights))
    return n, clauses, cons


@pytest.mark.parametrize("proof", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("seed", range(60))
def test_against_brute_force(seed: int, weighted: bool, proof: bool) -> None:
    n, clauses, cons = random_case(seed, weighted)
    rng = random.Random(seed + 1000)
    with Solver(bootstrap_with=clauses, with_proof=proof) as s:
        s.reserve_vars(n)
        for lits, k, weights in cons:
            s.add_atmost(lits, k, weights)
        for _ in range(4):
            assumed = [rng.choice((1, -1)) * v for v in rng.sample(range(1, n + 1), rng.randint(0, min(3, n)))]
            models = brute_force(n, clauses, cons, assumed)
            assert s.solve(assumptions=assumed) is bool(models)
            if models:
                model = s.get_model()
                assert model is not None and {lit for lit in model if abs(lit) <= n} in models
            else:
                core = s.get_core() or []
                assert set(core) <= set(assumed)
                assert not brute_force(n, clauses, cons, core)  # a conflicting subset


def minicard_case(seed: int) -> tuple[int, list[list[int]], list[tuple[list[int], int]]]:
    rng = random.Random(seed)
    n = rng.randint(20, 60)
    clauses = [[rng.choice((1, -1)) * rng.randint(1, n) for _ in range(3)] for _ in range(int(n * rng.uniform(2, 4)))]
    cons = []
    for _ in range(rng.randint(1, n // 2)):
        lits = [rng.choice((1, -1)) * v for v in rng.sample(range(1, n + 1), rng.randint(2, 12))]
        cons.append((lits, rng.randint(0, len(lits) // 2)))
    return n, clauses, cons


@pytest.mark.parametrize("seed", range(100))
def test_against_minicard_incremental(seed: int) -> None:
    n, clauses, cons = minicard_case(seed)
    rng = random.Random(seed)
    theirs = pysat_solvers.Minicard(bootstrap_with=clauses)
    active: list[tuple[list[int], int]] = []
    with Solver(name=rng.choice(["cd195", "g4", "m22"]), bootstrap_with=clauses) as ours, theirs:
        for round_ in range(4):
            for lits, k in cons[round_::4]:  # constraints arrive between solves
                ours.add_atmost(lits, k)
                theirs.add_atmost(lits, k)
                active.append((lits, k))
            assumed = [rng.choice((1, -1)) * v for v in rng.sample(range(1, n + 1), rng.randint(0, 6))]
            result = ours.solve(assumptions=assumed)
            assert result is theirs.solve(assumptions=assumed)
            if result:
                model = ours.get_model()
                true = set(model or [])
                assert satisfies(clauses, model) and set(assumed) <= true
                assert all(sum(lit in true for lit in lits) <= k for lits, k in active)
            else:
                core = ours.get_core() or []
                with pysat_solvers.Minicard(bootstrap_with=clauses) as check:
                    for lits, k in active:
                        check.add_atmost(lits, k)
                    assert set(core) <= set(assumed) and check.solve(assumptions=core) is False


@pytest.mark.parametrize("reference", ["mc", "gc4"])
def test_propagate_matches_minicard(reference: str) -> None:
    """propagate(assumptions) with native constraints: MiniCard's and Gluecard's answers.

    Without a solve first (learnt clauses would make both propagate more,
    differently): the status always, and the literals when no conflict stops
    propagation (the fixpoint is unique; the order is not).
    """
    seen = {True: 0, False: 0}
    for seed in range(150):
        n, clauses, cons = minicard_case(seed)
        rng = random.Random(seed)
        with Solver(bootstrap_with=clauses) as ours, pysat_solvers.Solver(name=reference, bootstrap_with=clauses) as theirs:
            for lits, k in cons:
                ours.add_atmost(lits, k)
                theirs.add_atmost(lits, k)
            for _ in range(5):
                assumed = [rng.choice((1, -1)) * v for v in rng.sample(range(1, n + 1), rng.randint(0, 8))]
                ok, implied = ours.propagate(assumptions=assumed)
                their_ok, their_implied = theirs.propagate(assumptions=assumed)
                assert ok is their_ok, (seed, assumed)
                seen[ok] += 1
                if ok:
                    assert sorted(implied) == sorted(their_implied), (seed, assumed)
                else:
                    assert len(implied) == len(set(implied)) or implied[-1] in implied[:-1]
    assert min(seen.values()) >= 50, seen


def test_propagation_and_reasons() -> None:
    with Solver() as s:
        assert s.supports_atmost() is True
        s.add_atmost([1, 2, 3, 4], 2)
        assert s.nof_atmosts() == 1
        # propagate() propagates the constraints too, as MiniCard does.
        ok, implied = s.propagate(assumptions=[1, 3])
        assert ok and sorted(implied) == [-4, -2, 1, 3]
        assert s.solve(assumptions=[1, 3]) is True and set(s.get_model() or []) >= {-2, -4}
        assert s.solve(assumptions=[1, 2, 3]) is False
        assert sorted(s.get_core() or []) == [1, 2, 3]
        s.add_clause([1])
        s.add_clause([2])
        assert s.solve(assumptions=[3]) is False and s.get_core() == [3]
        assert s.solve() is True and set(s.get_model() or []) >= {1, 2, -3, -4}


def test_cnfplus_bootstrap_and_append() -> None:
    plus = CNFPlus()
    plus.append([1, 2, 3])
    plus.append([[1, 2, 3], 1], is_atmost=True)
    with Solver(bootstrap_with=plus, native_card=True) as s:
        assert s.solve() is True
        model = set(s.get_model() or [])
        assert sum(v in model for v in (1, 2, 3)) == 1
        more = CNFPlus()
        more.append([[-1, -2, -3], 1], is_atmost=True)  # at least two true: contradiction
        assert s.append_formula(more, no_return=False) is True
        assert s.solve() is False


def test_weighted_and_normalisation() -> None:
    with Solver() as s:
        s.add_atmost([1, 2, 3], 4, weights=[3, 2, 2])  # 1 excludes 2 and 3; 2 and 3 together fine
        assert s.solve(assumptions=[2, 3]) is True
        assert s.solve(assumptions=[1, 2]) is False
        assert sorted(s.get_core() or []) == [1, 2]
    with Solver() as s:
        s.add_atmost([1, 1, 2], 1)  # MiniCard counts 1 twice: 1 is false
        assert s.solve(assumptions=[1]) is False
        assert s.solve(assumptions=[2]) is True
    with Solver() as s:
        s.add_atmost([1, -1, 2], 1)  # 1 + -1 == 1 always: 2 is false
        assert s.solve(assumptions=[2]) is False
        assert s.nof_atmosts() == 0  # it became a unit clause
    with Solver() as s:
        assert s.add_atmost([1, 2], -1, no_return=False) is False  # k < 0: UNSAT, as MiniCard
        assert s.solve() is False
    theirs = pysat_solvers.Minicard()
    with theirs:
        assert theirs.add_atmost([1, 2], -1, no_return=False) is False


def test_bad_input() -> None:
    with Solver() as s:
        with pytest.raises(AtMostError, match="number of weights differs"):
            s.add_atmost([1, 2, 3], 1, weights=[1, 2])
        with pytest.raises(AssertionError):  # PySAT's error type
            s.add_atmost([1, 2, 3], 1, weights=[1])
        with pytest.raises(clew.InputError):
            s.add_atmost([1, 0], 1)
        with pytest.raises(clew.InputError):
            s.add_atmost([1, 2], 1.5)  # type: ignore[arg-type]


def test_user_propagator_and_native_card_share_one_slot() -> None:
    from pysat.engines import Propagator  # type: ignore[import-untyped]

    with Solver() as s:
        s.add_atmost([1, 2], 1)
        with pytest.raises(clew.InputError):
            s.connect_propagator(Propagator())
        with pytest.raises(clew.InputError):
            s.observe(1)
        s.disconnect_propagator()  # leaves the constraint engine alone
        assert s.solve(assumptions=[1, 2]) is False


def test_proofs_encode_as_clauses_and_check() -> None:
    rng = random.Random(5)
    n = 14
    clauses = [[rng.choice((1, -1)) * rng.randint(1, n) for _ in range(3)] for _ in range(30)]
    clauses += [list(range(1, 8)), list(range(6, 15))]
    with Solver(bootstrap_with=clauses, with_proof=True) as s:
        s.add_atmost(list(range(1, 15)), 1)
        s.add_atmost([1, 2, 3], 2, weights=[2, 1, 1])
        assert s.nof_atmosts() == 0  # encoded, not native
        assert s.solve() is False
        encoded = s.get_encoded_clauses()
        assert encoded
        check = drat_check(s.nof_vars(), clauses + encoded, s.get_proof() or [])
        assert check.ok, check.reason


def test_rc2_on_native_cardinality() -> None:
    from pysat.examples.rc2 import RC2  # type: ignore[import-untyped]
    from pysat.formula import WCNF  # type: ignore[import-untyped]

    from clew.sat import use_in_pysat

    rng = random.Random(1)
    wcnf = WCNF()
    for _ in range(60):
        wcnf.append([rng.choice((1, -1)) * rng.randint(1, 15) for _ in range(2)], weight=1)
    with RC2(wcnf.copy(), solver="g4") as rc2:
        rc2.compute()
        reference = rc2.cost
    with use_in_pysat():
        with RC2(wcnf.copy(), solver="mc") as rc2:  # MiniCard's name: native sums, as on PySAT
            assert rc2.compute() is not None and rc2.cost == reference
            assert rc2.oracle.supports_atmost() and rc2.oracle.nof_atmosts() > 0
        with RC2(wcnf.copy(), solver="g4") as rc2:  # Glucose's: totalizers, as on PySAT
            assert rc2.compute() is not None and rc2.cost == reference
            assert not rc2.oracle.supports_atmost() and rc2.oracle.nof_atmosts() == 0
        with RC2(wcnf.copy(), solver="cd195") as rc2:
            assert rc2.compute() is not None and rc2.cost == reference
