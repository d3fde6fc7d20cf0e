"""clew.sat.backbone against brute-force enumeration, budgets, bad input; the new error classes."""

from __future__ import annotations

import itertools
import random

import pytest

import clew
from clew.sat import Solver, backbone
from cnfgen import php, random_ksat


def brute_backbone(num_vars: int, clauses: list[list[int]], assumptions: list[int]) -> list[int] | None:
    """Literals true in every model over variables 1..num_vars, by enumerating all assignments."""
    models = []
    for bits in itertools.product((False, True), repeat=num_vars):
        value = {v + 1: b for v, b in enumerate(bits)}

        def true(lit: int, value: dict[int, bool] = value) -> bool:
            return value[abs(lit)] == (lit > 0)

        if all(true(a) for a in assumptions) and all(any(true(lit) for lit in c) for c in clauses):
            models.append(bits)
    if not models:
        return None
    return [v + 1 if models[0][v] else -(v + 1) for v in range(num_vars) if all(m[v] == models[0][v] for m in models)]


def random_formula(rng: random.Random) -> tuple[int, list[list[int]]]:
    n = rng.randint(1, 9)
    m = rng.randint(0, 5 * n)
    clauses = []
    for _ in range(m):
        k = rng.randint(1, min(4, n))
        clauses.append([v * rng.choice((1, -1)) for v in rng.sample(range(1, n + 1), k)])
    # The variables the formula mentions are those backbone() considers.
    used = max((abs(lit) for c in clauses for lit in c), default=0)
    return used, clauses


def test_backbone_matches_brute_force_on_hundreds_of_formulas() -> None:
    rng = random.Random(13)
    kinds = {"unsat": 0, "empty": 0, "some": 0}
    for _ in range(600):
        n, clauses = random_formula(rng)
        expected = brute_backbone(n, clauses, [])
        got = backbone(clauses)
        assert got == expected, clauses
        kinds["unsat" if got is None else "empty" if not got else "some"] += 1
    # The sample covers every kind of answer, many times.
    assert min(kinds.values()) >= 50, kinds


def test_backbone_under_assumptions_matches_brute_force() -> None:
    rng = random.Random(7)
    for _ in range(300):
        n, clauses = random_formula(rng)
        if n == 0:
            continue
        assumptions = [v * rng.choice((1, -1)) for v in rng.sample(range(1, n + 1), rng.randint(1, min(3, n)))]
        assert backbone(clauses, assumptions=assumptions) == brute_backbone(n, clauses, assumptions), (
            clauses,
            assumptions,
        )


def test_backbone_with_repeated_and_complementary_literals() -> None:
    # (x1 | x1) forces x1; a repeated literal must not count twice in the flip filter.
    assert backbone([[1, 1], [2, -2]]) == [1]
    assert backbone([[1, 1, -2], [2]]) == [1, 2]
    assert backbone([[]]) is None


def test_backbone_of_larger_random_formulas_agrees_with_model_checks() -> None:
    # Above brute-force sizes: each backbone literal, negated, must be UNSAT;
    # each other variable must take both values in some model.
    rng = random.Random(3)
    for _ in range(5):
        num_vars, clauses = random_ksat(60, 250, rng)
        bb = backbone(clauses)
        if bb is None:
            continue
        fixed = {abs(lit) for lit in bb}
        with Solver(bootstrap_with=clauses) as s:
            for lit in bb:
                assert s.solve(assumptions=[-lit]) is False
            for v in range(1, num_vars + 1):
                if v not in fixed and any(v in map(abs, c) for c in clauses):
                    assert s.solve(assumptions=[v]) and s.solve(assumptions=[-v])


def test_budget_exhausted() -> None:
    _, clauses = php(8, 7)
    with pytest.raises(clew.BudgetExhausted, match="conflict budget"):
        backbone(clauses, conf_budget=50)
    # The same budget is enough for an easy formula.
    assert backbone([[1, 2], [-1]], conf_budget=50) == [-1, 2]


def test_bad_input() -> None:
    with pytest.raises(clew.InputError):
        backbone([[1, 0]])
    with pytest.raises(clew.InputError):
        backbone([[1]], assumptions=[0])
    with pytest.raises(clew.InputError):
        backbone([[1]], conf_budget=-1)
    with pytest.raises(clew.InputError):
        backbone([[2**40]])
    with pytest.raises(TypeError):
        backbone("1 2 0")


def test_error_classes() -> None:
    assert issubclass(clew.BudgetExhausted, clew.ClewError)
    assert issubclass(clew.BudgetExhausted, RuntimeError)
    assert issubclass(clew.CheckpointError, clew.ClewError)
    assert issubclass(clew.CheckpointError, ValueError)
    assert not issubclass(clew.CheckpointError, clew.InputError)
    assert clew.CheckpointError.__module__ == "clew._core"
