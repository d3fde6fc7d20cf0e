"""External propagators (IPASIR-UP) through PySAT's interface: differential
tests against PySAT's Cadical195 with the same propagators and calls, errors
and exceptions in callbacks, lazy clauses (the empty one too), decisions,
elimination, incremental use, and DRAT proofs with a propagator connected."""

from __future__ import annotations

import random
from typing import Any

import pytest
from pysat.engines import BooleanEngine, Propagator  # type: ignore[import-untyped]
from pysat.solvers import Solver as PySatSolver  # type: ignore[import-untyped]

import clew
from clew.bench import propagators as bench_propagators
from clew.sat import Solver
from helpers import drat_check, satisfies

Constraint = tuple[str, list[Any]]


def holds(model: list[int], constraints: list[Constraint]) -> bool:
    true = set(model)
    for kind, (lits, bound) in constraints:
        count = sum(lit in true for lit in lits)
        if kind == "linear" and count > bound:
            return False
        if kind == "parity" and count % 2 != bound:
            return False
    return True


def random_instance(seed: int) -> tuple[int, list[list[int]], list[Constraint]]:
    """Random 3-clauses with at-most-k and XOR constraints over 40 variables."""
    r = random.Random(seed)
    n = 40
    clauses = [[r.choice((-1, 1)) * r.randint(1, n) for _ in range(3)] for _ in range(r.randint(30, 110))]
    constraints: list[Constraint] = []
    for _ in range(6):
        lits = [r.choice((-1, 1)) * v for v in r.sample(range(1, n + 1), 8)]
        constraints.append(("linear", [lits, r.randint(1, 4)]))
    for _ in range(2):
        constraints.append(("parity", [r.sample(range(1, n + 1), 5), r.randint(0, 1)]))
    return n, clauses, constraints


def queens(n: int) -> tuple[int, list[list[int]], list[Constraint]]:
    """n-queens: a queen per row (clauses), at most one per row, column and diagonal (the bench's model)."""
    _, clauses, constraints = bench_propagators.queens(n)
    return n * n, clauses, constraints


def set_cover(seed: int, k: int) -> tuple[int, list[list[int]], list[Constraint]]:
    """Cover 14 elements with at most k of 12 random sets."""
    r = random.Random(seed)
    sets = [r.sample(range(14), r.randint(2, 5)) for _ in range(12)]
    clauses = [[s + 1 for s in range(12) if e in sets[s]] for e in range(14)]
    return 12, [c for c in clauses if c] or [[1]], [("linear", [list(range(1, 13)), k])]


def solve_with_engine(
    solver_class: Any, instance: tuple[int, list[list[int]], list[Constraint]], **options: Any
) -> tuple[bool | None, list[int] | None, Any]:
    _, clauses, constraints = instance
    assumptions = options.pop("assumptions", [])
    with solver_class(name="cadical195", bootstrap_with=clauses) as s:
        engine = BooleanEngine(bootstrap_with=constraints, **options)
        s.connect_propagator(engine)
        engine.setup_observe(s)
        result = s.solve(assumptions=assumptions)
        answer = s.get_model() if result else s.get_core()
        s.disconnect_propagator()
    return result, answer, engine


@pytest.mark.parametrize("adaptive", [False, True])
def test_boolean_engine_agrees_with_cadical195(adaptive: bool) -> None:
    answers = {True: 0, False: 0}
    for seed in range(120):
        instance = random_instance(seed)
        r = random.Random(seed)
        assumptions = [r.choice((-1, 1)) * v for v in r.sample(range(1, 41), 3)] if seed % 2 else []
        expected, _, _ = solve_with_engine(PySatSolver, instance, adaptive=adaptive, assumptions=assumptions)
        got, answer, _ = solve_with_engine(Solver, instance, adaptive=adaptive, assumptions=assumptions)
        assert got == expected, seed
        answers[bool(got)] += 1
        if got:
            assert answer is not None
            assert satisfies(instance[1], answer) and holds(answer, instance[2]), seed
            assert all(a in answer for a in assumptions)
        elif answer:
            assert set(answer) <= set(assumptions), seed
    assert min(answers.values()) >= 20, answers


def test_propagate_asks_the_propagator_like_cadical195() -> None:
    """propagate(assumptions) with a connected propagator: PySAT's CaDiCaL 1.9.5 asks it too."""
    seen = {True: 0, False: 0}
    for seed in range(60):
        _, clauses, constraints = instance = random_instance(seed)
        r = random.Random(seed)
        answers = []
        for solver_class in (PySatSolver, Solver):
            with solver_class(name="cadical195", bootstrap_with=clauses) as s:
                engine = BooleanEngine(bootstrap_with=constraints)
                s.connect_propagator(engine)
                engine.setup_observe(s)
                calls = [[r.choice((-1, 1)) * v for v in r.sample(range(1, instance[0] + 1), 6)] for _ in range(4)]
                answers.append([s.propagate(assumptions=assumed) for assumed in calls])
                s.disconnect_propagator()
            r = random.Random(seed)  # the same calls on both
        for (theirs_ok, theirs), (ok, ours) in zip(*answers):
            assert ok is theirs_ok, seed
            seen[ok] += 1
            if ok:
                assert sorted(ours) == sorted(theirs), seed
    assert min(seen.values()) >= 20, seen


@pytest.mark.parametrize(
    "instance",
    [queens(n) for n in (3, 4, 5, 6)] + [set_cover(seed, k) for seed in range(6) for k in (2, 3, 4)],
    ids=[f"queens{n}" for n in (3, 4, 5, 6)] + [f"cover{s}-{k}" for s in range(6) for k in (2, 3, 4)],
)
def test_generated_families_agree_with_cadical195(instance: tuple[int, list[list[int]], list[Constraint]]) -> None:
    expected, _, _ = solve_with_engine(PySatSolver, instance, adaptive=False)
    got, model, engine = solve_with_engine(Solver, instance, adaptive=False)
    assert got == expected
    if got:
        assert model is not None and satisfies(instance[1], model) and holds(model, instance[2])


class Recorder(Propagator):  # type: ignore[misc]
    """Observes everything, propagates nothing, records the events; optionally
    raises in one callback, rejects models, or decides."""

    def __init__(self, raise_in: str = "", after: int = 0, exc: BaseException | None = None) -> None:
        super().__init__()
        self.raise_in, self.after, self.exc = raise_in, after, exc or ValueError("boom")
        self.calls: dict[str, int] = {}
        self.events: list[tuple[str, Any]] = []
        self.level = 0

    def _hit(self, name: str) -> None:
        self.calls[name] = self.calls.get(name, 0) + 1
        if name == self.raise_in and self.calls[name] > self.after:
            raise self.exc

    def on_assignment(self, lit: int, fixed: bool = False) -> None:
        self._hit("on_assignment")
        self.events.append(("assign", (lit, fixed)))

    def on_new_level(self) -> None:
        self._hit("on_new_level")
        self.level += 1

    def on_backtrack(self, to: int) -> None:
        self._hit("on_backtrack")
        self.level = to

    def check_model(self, model: list[int]) -> bool:
        self._hit("check_model")
        return True

    def decide(self) -> int:
        self._hit("decide")
        return 0

    def propagate(self) -> list[int]:
        self._hit("propagate")
        return []

    def provide_reason(self, lit: int) -> list[int]:
        self._hit("provide_reason")
        return [lit]

    def has_clause(self) -> bool:
        self._hit("has_clause")
        return False

    def add_clause(self) -> list[int]:
        self._hit("add_clause")
        return []


PHP_4_3 = [[p * 3 + h + 1 for h in range(3)] for p in range(4)] + [
    [-(p * 3 + h + 1), -(q * 3 + h + 1)] for h in range(3) for p in range(4) for q in range(p + 1, 4)
]


def connected(solver: Any, prop: Any, clauses: list[list[int]], nvars: int) -> Any:
    solver.append_formula(clauses)
    solver.connect_propagator(prop)
    for v in range(1, nvars + 1):
        solver.observe(v)
    return solver


@pytest.mark.parametrize(
    "callback", ["on_assignment", "on_new_level", "on_backtrack", "check_model", "decide", "propagate", "has_clause"]
)
@pytest.mark.parametrize("formula", ["sat", "unsat"])
def test_exception_in_a_callback_reaches_the_caller_and_the_solver_stays_usable(callback: str, formula: str) -> None:
    clauses = [[1, 2], [-1, 3], [2, 3, 4]] if formula == "sat" else PHP_4_3
    nvars = 4 if formula == "sat" else 12
    if formula == "sat" and callback == "on_backtrack":
        clauses = clauses + [[-2, -3], [2, 3]]  # needs a conflict, so a backtrack
    error = ValueError(f"boom in {callback}")
    prop = Recorder(raise_in=callback, exc=error)
    with Solver() as s:
        connected(s, prop, clauses, nvars)
        expected = PySatSolver(name="cadical195", bootstrap_with=clauses).solve()
        if prop.raise_in not in {"check_model"} or expected:
            with pytest.raises(ValueError) as info:
                s.solve()
            assert info.value is error
            assert s.get_status() is None
        # Usable afterwards: same propagator, no more exceptions.
        prop.raise_in = ""
        assert s.solve() == expected
        assert prop.level == 0  # told about the backtrack to level 0
        model = s.get_model()
        if expected:
            assert satisfies(clauses, model)


def test_keyboard_interrupt_in_a_callback() -> None:
    prop = Recorder(raise_in="propagate", after=3, exc=KeyboardInterrupt())
    with Solver() as s:
        connected(s, prop, PHP_4_3, 12)
        with pytest.raises(KeyboardInterrupt):
            s.solve()
        prop.raise_in = ""
        assert s.solve() is False


def test_same_exception_on_pysat() -> None:
    """The behaviour clew copies: PySAT's Cadical195 raises the callback's exception too."""
    error = RuntimeError("from decide")
    prop = Recorder(raise_in="decide", exc=error)
    s = PySatSolver(name="cadical195")
    connected(s, prop, [[1, 2], [3, 4]], 4)
    with pytest.raises(RuntimeError) as info:
        s.solve()
    assert info.value is error


def test_bad_use_gives_clear_errors() -> None:
    with Solver() as s:
        with pytest.raises(clew.InputError, match="connected propagator"):
            s.observe(1)
        with pytest.raises(clew.InputError, match="no propagator"):
            s.propagator_active()
        s.connect_propagator(Recorder())
        with pytest.raises(clew.InputError, match="already connected"):
            s.connect_propagator(Recorder())
        for bad in (0, -2):
            with pytest.raises(clew.InputError, match="observe"):
                s.observe(bad)
        s.disconnect_propagator()
        s.disconnect_propagator()  # no-op

    class Incomplete:
        def check_model(self, model: list[int]) -> bool:
            return True

    with Solver() as s:
        with pytest.raises(clew.InputError, match="on_assignment"):
            s.connect_propagator(Incomplete())


class Scripted(Recorder):
    def __init__(self, propagate: list[list[int]] | None = None, reason: list[int] | None = None) -> None:
        super().__init__()
        self.script = list(propagate or [])
        self.reason = reason

    def propagate(self) -> list[int]:
        return self.script.pop(0) if self.script and self.level > 0 else []

    def provide_reason(self, lit: int) -> list[int]:
        return self.reason if self.reason is not None else [lit]


@pytest.mark.parametrize(
    ("prop", "match"),
    [
        (Scripted(propagate=[[9]]), "propagate.*9.*not a literal of an observed"),
        (Scripted(propagate=[[-2], [2]], reason=[5]), "provide_reason.*does not contain"),
        (Scripted(propagate=[[-3], [3]], reason=[3, 4]), "provide_reason.*not false"),
    ],
)
def test_broken_contract_names_the_callback(prop: Scripted, match: str) -> None:
    with Solver() as s:
        s.add_clause([1, 2, 3, 4, 5])
        s.add_clause([-5])
        connected(s, prop, [], 5)
        s.set_phases([1, 2, 3, 4])
        with pytest.raises(clew.InputError, match=match):
            s.solve()


def test_propagate_must_return_a_list() -> None:
    class Bad(Recorder):
        def propagate(self) -> Any:
            return 3

    with Solver() as s, pytest.raises(TypeError, match="propagate"):
        connected(s, Bad(), [[1, 2]], 2)
        s.solve()


class Exclude(Propagator):  # type: ignore[misc]
    """Rejects every model it is shown with the clause blocking it (over the
    observed variables), so the solve enumerates models and ends UNSAT;
    ``lazy``: only model checks. Without has_clause() (PySAT's old style)
    add_clause() returning [] means no clause."""

    def __init__(self, lazy: bool, empty_after: int | None = None) -> None:
        super().__init__()
        self.is_lazy = lazy
        self.seen: list[list[int]] = []
        self.blocking: list[int] | None = None
        self.empty_after = empty_after

    def on_assignment(self, lit: int, fixed: bool = False) -> None:
        pass

    def on_new_level(self) -> None:
        pass

    def on_backtrack(self, to: int) -> None:
        pass

    def check_model(self, model: list[int]) -> bool:
        self.seen.append(sorted(model, key=abs))
        self.blocking = [-lit for lit in model]
        return False

    def decide(self) -> int:
        return 0

    def propagate(self) -> list[int]:
        return []

    def provide_reason(self, lit: int) -> list[int]:
        return [lit]

    def has_clause(self) -> bool:
        return self.blocking is not None

    def add_clause(self) -> list[int]:
        clause, self.blocking = self.blocking or [], None
        if self.empty_after is not None and len(self.seen) > self.empty_after:
            return []  # the empty clause: UNSAT at once
        return clause


@pytest.mark.parametrize("lazy", [False, True])
def test_rejected_models_are_enumerated_like_on_pysat(lazy: bool) -> None:
    clauses = [[1, 2, 3], [-1, -2], [2, 4, -3]]
    seen = []
    for solver_class in (PySatSolver, Solver):
        prop = Exclude(lazy)
        s = solver_class(name="cadical195")
        connected(s, prop, clauses, 4)
        assert s.solve() is False
        seen.append(sorted(map(tuple, prop.seen)))
        assert all(satisfies(clauses, m) for m in prop.seen)
    assert seen[0] == seen[1]
    with Solver(bootstrap_with=clauses) as s:
        assert len(seen[1]) == len(list(s.enum_models()))


def test_the_empty_external_clause_makes_the_formula_unsat() -> None:
    for solver_class in (PySatSolver, Solver):
        prop = Exclude(lazy=False, empty_after=1)
        s = solver_class(name="cadical195")
        connected(s, prop, [[1, 2, 3]], 3)
        assert s.solve() is False
        assert len(prop.seen) == 2


def test_decide_steers_the_search() -> None:
    class Negative(Recorder):
        def decide(self) -> int:
            for v in range(1, 7):
                if all(abs(lit) != v for kind, (lit, _) in self.events[self.mark :] if kind == "assign"):
                    return -v
            return 0

        def on_backtrack(self, to: int) -> None:
            super().on_backtrack(to)
            self.mark = len(self.events)

        mark = 0

    for solver_class in (PySatSolver, Solver):
        s = solver_class(name="cadical195", bootstrap_with=[[1, 2, 3, 4, 5, 6]])
        s.set_phases(range(1, 7))
        prop = Negative()
        connected(s, prop, [], 6)
        assert s.solve()
        assert sorted(s.get_model(), key=abs) == [-1, -2, -3, -4, -5, 6]


def test_observed_variables_survive_elimination() -> None:
    r = random.Random(5)
    clauses = [[r.choice((-1, 1)) * r.randint(1, 30) for _ in range(3)] for _ in range(60)]
    with Solver(name="default,elim=1,subst=1,probe=1") as s:
        prop = Recorder()
        connected(s, prop, clauses, 10)
        assert s.solve()
        assert not any(s.is_eliminated(v) for v in range(1, 11))
        assigned = {abs(lit) for kind, (lit, _) in prop.events if kind == "assign"}
        assert assigned == set(range(1, 11))
        assert satisfies(clauses, s.get_model())


def test_incremental_solving_with_assumptions_and_cores() -> None:
    instance = random_instance(3)
    _, clauses, constraints = instance
    r = random.Random(0)
    with Solver(bootstrap_with=clauses) as s, PySatSolver(name="cadical195", bootstrap_with=clauses) as p:
        engines = []
        for solver in (s, p):
            engine = BooleanEngine(bootstrap_with=constraints, adaptive=False)
            solver.connect_propagator(engine)
            engine.setup_observe(solver)
            engines.append(engine)
        for _ in range(25):
            assumptions = [r.choice((-1, 1)) * v for v in r.sample(range(1, 41), 5)]
            got, expected = s.solve(assumptions=assumptions), p.solve(assumptions=assumptions)
            assert got == expected
            if got:
                model = s.get_model()
                assert satisfies(clauses, model) and holds(model, constraints)
            elif s.get_core():
                assert set(s.get_core()) <= set(assumptions)


def test_drat_proof_checks_with_the_propagator_clauses() -> None:
    """The propagator's clauses are premises: the proof checks against formula + them."""
    checked = 0
    for seed in range(40):
        nvars, clauses, constraints = random_instance(seed)
        with Solver(bootstrap_with=clauses, with_proof=True) as s:
            engine = BooleanEngine(bootstrap_with=constraints, adaptive=False)
            s.connect_propagator(engine)
            engine.setup_observe(s)
            if s.solve() is not False:
                continue
            premises = s.get_propagator_clauses()
            proof = s.get_proof()
            assert proof is not None
            check = drat_check(nvars, clauses + premises, proof)
            assert check.ok, (seed, check.reason)
            checked += 1
    assert checked >= 10


def php(pigeons: int, holes: int) -> list[list[int]]:
    var = lambda p, h: p * holes + h + 1  # noqa: E731
    return [[var(p, h) for h in range(holes)] for p in range(pigeons)] + [
        [-var(p, h), -var(q, h)] for h in range(holes) for p in range(pigeons) for q in range(p + 1, pigeons)
    ]


def test_budgets_and_interrupt_work_with_a_python_propagator() -> None:
    clauses = php(8, 7)
    with Solver(bootstrap_with=clauses) as s:
        prop = Recorder()
        connected(s, prop, [], 56)
        s.conf_budget(20)
        assert s.solve_limited() is None
        assert prop.level == 0
        s.conf_budget(-1)

        class Interrupting(Recorder):
            def on_new_level(self) -> None:
                super().on_new_level()
                if self.level == 3 and not self.calls.get("interrupted"):
                    self.calls["interrupted"] = 1
                    s.interrupt()

        s.disconnect_propagator()
        connected(s, Interrupting(), [], 56)
        assert s.solve_limited() is None
        s.clear_interrupt()
        assert s.solve_limited() is False


def test_passive_mode_switches_at_level_zero() -> None:
    with Solver(bootstrap_with=[[1, 2, 3]]) as s:
        prop = Recorder()
        connected(s, prop, [], 3)
        assert s.propagator_active()
        s.disable_propagator()
        assert not s.propagator_active()
        assert s.solve()
        assert prop.calls.get("on_new_level", 0) == 0 and prop.calls.get("decide", 0) == 0
        assert prop.calls["check_model"] == 1  # passive: models are still checked
        s.enable_propagator()
        assert s.propagator_active()
        assert s.solve()
        assert prop.calls["decide"] > 0


def test_ctrl_c_during_a_solve_with_a_python_propagator() -> None:
    """A simulated Ctrl-C reaches the caller promptly (from a callback or the signal
    poll), and solver and propagator keep working."""
    import _thread
    import threading
    import time

    clauses = php(12, 11)
    selector = 12 * 11 + 1
    guarded = [c + [-selector] for c in clauses]
    with Solver(bootstrap_with=guarded) as s:
        prop = Recorder()
        connected(s, prop, [], selector)
        timer = threading.Timer(0.3, _thread.interrupt_main)
        timer.start()
        started = time.perf_counter()
        try:
            with pytest.raises(KeyboardInterrupt):
                s.solve(assumptions=[selector])
        finally:
            timer.cancel()
            timer.join()
        assert time.perf_counter() - started < 1.5
        assert prop.level == 0
        assert s.solve(assumptions=[-selector]) is True
        assert satisfies(guarded, s.get_model())


def test_rejecting_a_model_with_clauses_that_do_not_exclude_it_is_an_error() -> None:
    class Stubborn(Exclude):
        def check_model(self, model: list[int]) -> bool:
            self.blocking = [lit for lit in model]  # satisfied by the model
            return False

    with Solver() as s:
        connected(s, Stubborn(lazy=True), [[1, 2]], 2)
        with pytest.raises(clew.InputError, match="check_model keeps rejecting"):
            s.solve()
    with Solver() as s:
        connected(s, Exclude(lazy=True), [[1, 2]], 2)

        class Silent(Exclude):
            def has_clause(self) -> bool:
                return False

        s.disconnect_propagator()
        connected(s, Silent(lazy=True), [], 2)
        with pytest.raises(clew.InputError, match="rejected the model but gave no clause"):
            s.solve()


def test_propagation_is_used_not_only_model_checks() -> None:
    """With BooleanEngine's implications taken (reasons asked lazily) models are
    almost never rejected (its propagation has gaps: on these 30 instances
    Cadical195 sees 8 rejections, clew 3)."""

    class Counting(BooleanEngine):  # type: ignore[misc]
        rejected = reasons = 0

        def check_model(self, model: list[int]) -> bool:
            ok = bool(super().check_model(model))
            self.rejected += not ok
            return ok

        def provide_reason(self, lit: int) -> list[int]:
            self.reasons += 1
            return list(super().provide_reason(lit))

    reasons = rejected = 0
    for seed in range(30):
        _, clauses, constraints = random_instance(seed)
        with Solver(bootstrap_with=clauses) as s:
            engine = Counting(bootstrap_with=constraints, adaptive=False)
            s.connect_propagator(engine)
            engine.setup_observe(s)
            s.solve()
            rejected += engine.rejected
            reasons += engine.reasons
    assert reasons > 100
    assert rejected <= 6


def test_a_conflict_right_after_an_external_clause_is_not_lost() -> None:
    """Decide 1; the propagator then adds [-1, 2]; unit propagation of 2 runs into
    [-2, 3], [-2, -3]. That conflict must be analysed (2 is false in the end)."""

    class AddsAfterDecision(Recorder):
        given = False

        def decide(self) -> int:
            return 1 if not any(abs(lit) == 1 for kind, (lit, _) in self.events if kind == "assign") else 0

        def on_backtrack(self, to: int) -> None:
            super().on_backtrack(to)
            self.events.clear()

        def has_clause(self) -> bool:
            return not self.given and ("assign", (1, False)) in self.events

        def add_clause(self) -> list[int]:
            self.given = True
            return [-1, 2]

    clauses = [[-2, 3], [-2, -3], [1, 4, 5]]
    for config in ("default", "default,chrono=0"):
        with Solver(name=config, bootstrap_with=clauses) as s:
            prop = AddsAfterDecision()
            connected(s, prop, [], 5)
            assert s.solve()
            model = s.get_model()
            assert prop.given
            assert satisfies(clauses + [[-1, 2]], model), (config, model)


class Implies(Recorder):
    """Once `trigger` is assigned true, propagates `target` with `reason`."""

    def __init__(self, trigger: int, target: int, reason: list[int]) -> None:
        super().__init__()
        self.trigger, self.target, self.reason = trigger, target, reason

    def propagate(self) -> list[int]:
        assigned = [lit for kind, (lit, _) in self.events if kind == "assign"]
        if self.trigger in assigned and self.target not in assigned:
            return [self.target]
        return []

    def on_backtrack(self, to: int) -> None:
        super().on_backtrack(to)
        keep = [e for e in self.events if e[0] == "assign" and e[1][1]]  # fixed ones stay
        self.events = keep

    def provide_reason(self, lit: int) -> list[int]:
        assert lit == self.target
        return self.reason


def test_a_unit_reason_above_level_zero_becomes_a_fact() -> None:
    """At level 1 the propagator implies 2 with the reason [2] (a fact); 2 then
    conflicts with the clauses: the formula is UNSAT, on both solvers."""
    clauses = [[-2, 3], [-2, -3], [1, 4]]
    for solver_class in (PySatSolver, Solver):
        s = solver_class(name="cadical195", bootstrap_with=clauses, with_proof=solver_class is Solver)
        s.set_phases([1])
        connected(s, Implies(1, 2, [2]), [], 4)
        assert s.solve() is False
    assert s.get_propagator_clauses() == [[2]]
    check = drat_check(4, clauses + s.get_propagator_clauses(), s.get_proof())
    assert check.ok, check.reason


def test_failed_assumptions_through_an_implied_literal() -> None:
    """1 implies 2 through the propagator (reason [2, -1]): assuming 1 and -2 fails, core [-2, 1]."""
    for solver_class in (PySatSolver, Solver):
        s = solver_class(name="cadical195", bootstrap_with=[[1, 3, 4]])
        connected(s, Implies(1, 2, [2, -1]), [], 4)
        assert s.solve(assumptions=[1, -2]) is False
        assert sorted(s.get_core()) == [-2, 1]
        assert s.solve(assumptions=[1]) is True
        assert 2 in s.get_model()


def test_fixed_assignments_are_notified_as_fixed() -> None:
    for solver_class in (PySatSolver, Solver):
        s = solver_class(name="cadical195", bootstrap_with=[[3], [-3, 1], [1, 2]])
        prop = Recorder()
        connected(s, prop, [], 3)
        assert s.solve()
        assert ("assign", (3, True)) in prop.events and ("assign", (1, True)) in prop.events
        s.add_clause([-2])
        assert s.solve()
        assert ("assign", (-2, True)) in prop.events


def test_observe_freezes_and_ignore_melts() -> None:
    with Solver(bootstrap_with=[[1, 2]]) as s:
        s.connect_propagator(Recorder())
        s.observe(2)
        assert s._s.is_frozen(2) and s._s.is_observed(2)
        s.ignore(2)
        assert not s._s.is_frozen(2) and not s._s.is_observed(2)
        s.observe(1)
        s.reset_observed()
        assert not s._s.is_observed(1)
        s.observe(2)
        s.disconnect_propagator()
        assert not s._s.is_frozen(2)


def test_observing_a_fixed_variable_reports_it_at_once() -> None:
    for solver_class in (PySatSolver, Solver):
        s = solver_class(name="cadical195", bootstrap_with=[[2], [1, 3]])
        assert s.solve()
        prop = Recorder()
        s.connect_propagator(prop)
        s.observe(2)
        assert prop.events == [("assign", (2, True))]
        s.observe(1)
        assert s.solve()
        assert prop.events.count(("assign", (2, True))) == 1


def test_exceptions_in_provide_reason_and_add_clause() -> None:
    class BadReason(Implies):
        def provide_reason(self, lit: int) -> list[int]:
            raise LookupError("no reason")

    class BadClause(Exclude):
        def add_clause(self) -> list[int]:
            raise ArithmeticError("no clause")

    for solver_class in (PySatSolver, Solver):
        s = solver_class(name="cadical195", bootstrap_with=[[-2, 3], [-2, -3], [1, 4]])
        s.set_phases([1])
        connected(s, BadReason(1, 2, [2, -1]), [], 4)
        with pytest.raises(LookupError):
            s.solve()
        s = solver_class(name="cadical195", bootstrap_with=[[1, 2]])
        connected(s, BadClause(lazy=False), [], 2)
        with pytest.raises(ArithmeticError):
            s.solve()
    # clew's solver stays usable
    s.disconnect_propagator()
    assert s.solve() is True
