"""Solver.set_phases: forced (sticky, PySAT's meaning) and seeded (sticky=False) phases,
the rephase_to_initial option; phases never change an answer (models checked, proofs verified)."""

from __future__ import annotations

import random

import pytest

import clew
from clew._core import sat_options
from clew.sat import Solver
from cnfgen import php, random_ksat
from helpers import drat_check, satisfies


def a_model(clauses: list[list[int]], num_vars: int, rng: random.Random) -> list[int] | None:
    """Some model, steered away from the default phases by random forced phases."""
    with Solver(bootstrap_with=clauses) as s:
        s.reserve_vars(num_vars)
        s.set_phases([v if rng.random() < 0.5 else -v for v in range(1, num_vars + 1)])
        return s.get_model() if s.solve() else None


@pytest.mark.parametrize("sticky", [True, False])
def test_first_decisions_follow_the_phases(sticky: bool) -> None:
    # Seeded with a model, every decision takes its phase, so propagation
    # never conflicts and the solve returns exactly that model.
    rng = random.Random(5)
    checked = 0
    for _ in range(20):
        num_vars, clauses = random_ksat(80, 200, rng)
        target = a_model(clauses, num_vars, rng)
        if target is None:
            continue
        with Solver(bootstrap_with=clauses) as s:
            s.reserve_vars(num_vars)
            s.set_phases(target, sticky=sticky)
            assert s.solve() is True
            assert s.get_model() == target
            assert s.accum_stats()["conflicts"] == 0
        with Solver(bootstrap_with=clauses) as s:
            s.reserve_vars(num_vars)
            assert s.solve() is True
            assert s.get_model() != target  # the default phases find another one
        checked += 1
    assert checked >= 10


def test_seeded_phases_give_way_to_phase_saving_forced_ones_do_not() -> None:
    # Solve 1 under assumption a propagates z (clause -a | z), so phase
    # saving records z true; in solve 2 (assuming -a) z is free.
    a, z = 1, 2
    for sticky, expected in ((True, -z), (False, z)):
        with Solver(bootstrap_with=[[-a, z]]) as s:
            s.set_phases([-z], sticky=sticky)
            assert s.solve(assumptions=[a]) is True and z in s.get_model()  # type: ignore[operator]
            assert s.solve(assumptions=[-a]) is True
            assert expected in s.get_model()  # type: ignore[operator]


def test_latest_call_decides_the_mode() -> None:
    a, z = 1, 2
    with Solver(bootstrap_with=[[-a, z]]) as s:
        s.set_phases([-z])  # forced ...
        s.set_phases([-z], sticky=False)  # ... then only seeded: phase saving wins again
        s.solve(assumptions=[a])
        s.solve(assumptions=[-a])
        assert z in s.get_model()  # type: ignore[operator]


def test_rephase_to_initial_option() -> None:
    assert dict(sat_options("default"))["rephase_to_initial"] == "0"
    assert dict(sat_options("default,rephase_to_initial=1"))["rephase_to_initial"] == "1"
    with pytest.raises(clew.InputError):
        Solver(name="default,rephase_to_initial=2")
    # Frequent rephases on a formula needing thousands of conflicts: without
    # seeded phases the option changes nothing (the initial phase is then the
    # default one); with seeds, rephasing returns to them and the search differs.
    rng = random.Random(2)
    num_vars, clauses = random_ksat(150, 639, rng)
    seeds = [v if rng.random() < 0.5 else -v for v in range(1, num_vars + 1)]

    def conflicts(config: str, seeded: bool) -> tuple[int, int, bool | None]:
        with Solver(name=config + ",rephase_interval=50", bootstrap_with=clauses) as s:
            if seeded:
                s.set_phases(seeds, sticky=False)
            result = s.solve()
            if result:
                assert satisfies(clauses, s.get_model())
            stats = s.accum_stats()
            return int(stats["conflicts"]), int(stats["rephases"]), result

    plain = conflicts("default", seeded=False)
    assert plain[1] >= 3  # rephasing happened
    assert conflicts("default,rephase_to_initial=1", seeded=False) == plain
    seeded = conflicts("default", seeded=True)
    to_initial = conflicts("default,rephase_to_initial=1", seeded=True)
    assert seeded[2] == to_initial[2] == plain[2]
    assert to_initial[:2] != seeded[:2]


def test_bad_phase_literals_change_nothing() -> None:
    with Solver(bootstrap_with=[[1, 2]]) as s:
        with pytest.raises(clew.InputError):
            s.set_phases([1, 0], sticky=False)
        with pytest.raises(clew.InputError):
            s.set_phases([-2, 2**31 - 1])
        # Nothing of the rejected calls was applied: default (negative) phases.
        assert s.solve() and s.get_model() == [-1, 2]


@pytest.mark.parametrize("config", ["default", "default,rephase_to_initial=1,rephase_interval=20"])
@pytest.mark.parametrize("sticky", [True, False])
def test_phases_never_change_an_answer(config: str, sticky: bool) -> None:
    rng = random.Random(11)
    answers = {True: 0, False: 0}
    for _ in range(40):
        num_vars, clauses = random_ksat(45, 192, rng)
        phases = [v if rng.random() < 0.5 else -v for v in range(1, num_vars + 1)]
        with Solver(name=config, bootstrap_with=clauses, with_proof=True) as s:
            s.set_phases(phases, sticky=sticky)
            result = s.solve()
            with Solver(bootstrap_with=clauses) as plain:
                assert plain.solve() is result
            if result:
                assert satisfies(clauses, s.get_model())
            else:
                proof = s.get_proof()
                assert proof is not None
                check = drat_check(num_vars, clauses, proof)
                assert check.ok, check.reason
            answers[bool(result)] += 1
    assert min(answers.values()) >= 5, answers


def test_phases_on_a_hard_unsat_proof() -> None:
    num_vars, clauses = php(7, 6)
    for sticky in (True, False):
        with Solver(name="default,rephase_to_initial=1", bootstrap_with=clauses, with_proof=True) as s:
            s.set_phases(range(1, num_vars + 1), sticky=sticky)
            assert s.solve() is False
            assert drat_check(num_vars, clauses, s.get_proof() or []).ok
