"""clew.sat.Solver speaks PySAT's Solver interface: same calls, same return values."""

from __future__ import annotations

import itertools
import random
import threading
import time
from typing import Any

import pytest
from pysat.formula import CNF, CNFPlus  # type: ignore[import-untyped]
from pysat.solvers import Solver as PySatSolver  # type: ignore[import-untyped]

import clew
from clew.sat import Solver, SolverNames
from cnfgen import php, random_ksat
from helpers import drat_check, satisfies, unit_propagate

REFERENCES = ("m22", "cd195")


def pair(name: str, clauses: list[list[int]] | None = None) -> tuple[Solver, Any]:
    return Solver(bootstrap_with=clauses), PySatSolver(name=name, bootstrap_with=clauses)


# ---------------------------------------------------------------------------
# construction, names, lifecycle
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "config"),
    [
        (None, "default"),
        ("g4", "glucose"),
        ("Glucose4", "glucose"),
        ("glucose42", "glucose"),
        ("mpl", "glucose"),
        ("m22", "luby"),
        ("minisat22", "luby"),
        ("mgh", "luby"),
        ("cd195", "default"),
        ("CADICAL195", "default"),
        ("cadical153", "default"),
        ("kissat404", "default"),
        ("lgl", "default"),
        ("luby", "luby"),
        ("glucose", "glucose"),
        ("default", "default"),
    ],
)
def test_pysat_names_pick_a_config(name: str | None, config: str) -> None:
    with Solver(name=name, bootstrap_with=[[1, 2], [-1]]) as s:
        assert s.config == config
        assert s.solve() is True
        assert s.get_model() == [-1, 2]


def test_names_take_solver_options() -> None:
    from clew._core import sat_options

    with Solver(name="MiniSat22, chrono=1,stable=1", bootstrap_with=[[1, 2], [-1]]) as s:
        assert s.config == "luby, chrono=1,stable=1"
        assert s.solve() is True
    options = dict(sat_options("luby,chrono=7,reuse_trail=1"))
    assert options["restart"] == "luby" and options["chrono"] == "7" and options["reuse_trail"] == "1"
    for bad in ("default,chrono", "default,nosuch=1", "default,target=9"):
        with pytest.raises(ValueError):
            Solver(name=bad)


def test_every_pysat_name_is_accepted() -> None:
    from pysat.solvers import SolverNames as PySatNames

    for attr, names in vars(PySatNames).items():
        if attr.startswith("_") or not isinstance(names, tuple):
            continue
        for name in names:
            assert SolverNames.config(name) in ("default", "luby", "glucose"), name
            assert SolverNames.config(name.upper()) == SolverNames.config(name)


def test_unknown_name_lists_accepted_names() -> None:
    with pytest.raises(ValueError, match=r"unknown solver name 'zchaff'.*accepted names: .*cadical195.*g4.*m22"):
        Solver(name="zchaff")


def test_pysat_kwargs_accepted_others_rejected() -> None:
    with Solver(name="g4", incr=True, warm_start=True, use_timer=True, native_card=False) as s:
        s.start_mode(warm=True)
        assert s.solve() is True
    with pytest.raises(TypeError, match="Unexpected keyword argument 'bogus'"):
        Solver(bogus=1)


def test_context_manager_and_delete() -> None:
    with Solver(bootstrap_with=[[1]]) as s:
        assert s.solve()
    with pytest.raises(clew.ClewError, match="deleted"):
        s.solve()
    s.delete()  # idempotent
    t = Solver()
    t.delete()
    with pytest.raises(clew.ClewError):
        t.add_clause([1])


# ---------------------------------------------------------------------------
# parity with PySAT on scripted call sequences
# ---------------------------------------------------------------------------


def same_shape(a: Any, b: Any) -> bool:
    """Same None-ness and type family (bool, int, list of int, tuple(bool, list))."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(b, bool):
        return isinstance(a, bool)
    if isinstance(b, list):
        return isinstance(a, list) and all(type(x) is int for x in a)
    if isinstance(b, tuple):
        return isinstance(a, tuple) and len(a) == len(b) and all(map(same_shape, a, b))
    return type(a) is type(b)


@pytest.mark.parametrize("config", ["default,elim=0", "default,elim=1"])
@pytest.mark.parametrize("ref", REFERENCES)
def test_scripted_parity(ref: str, config: str) -> None:
    clauses = [[-1, 2], [-2, 3]]
    ours, theirs = Solver(name=config, bootstrap_with=clauses), PySatSolver(name=ref, bootstrap_with=clauses)
    with ours, theirs:
        # before any call
        for call in ("get_model", "get_core", "get_status"):
            assert getattr(ours, call)() is None and getattr(theirs, call)() is None, call
        assert ours.nof_vars() == theirs.nof_vars() == 3
        assert ours.nof_clauses() == theirs.nof_clauses() == 2

        # SAT
        assert ours.solve() is True and theirs.solve() is True
        assert satisfies(clauses, ours.get_model()) and len(ours.get_model() or []) == 3
        assert ours.get_core() is None and theirs.get_core() is None
        assert ours.get_status() is True

        # UNSAT under assumptions: the core is a subset, here both are needed
        assert ours.solve(assumptions=[1, -3]) is False and theirs.solve(assumptions=[1, -3]) is False
        assert ours.get_model() is None and theirs.get_model() is None
        assert sorted(ours.get_core() or []) == sorted(theirs.get_core() or []) == [-3, 1]
        assert ours.get_status() is False

        # a superfluous assumption is left out of the core
        assert ours.solve([4, 1, -3]) is False
        assert set(ours.get_core() or []) <= {1, -3}

        # propagate: identical results, including on conflicts and level-0 facts
        ours.add_clause([5])
        theirs.add_clause([5])
        for assumptions in ([1], [1, -3], [-5], [], [5], [-2], [3, -1], [-3, 1]):
            got, want = ours.propagate(assumptions), theirs.propagate(assumptions)
            assert same_shape(got, want), assumptions
            assert got[0] == want[0], assumptions
            if got[0] and "elim=0" in config:
                assert got[1] == want[1], assumptions
            elif got[0]:
                # propagate() brings eliminated variables back, but their
                # resolvents stay and may imply in another order.
                assert sorted(got[1]) == sorted(want[1]), assumptions
            else:
                assert set(got[1]) >= set(want[1]) - {5}, assumptions

        # the model covers every variable seen so far
        assert ours.solve() is True and theirs.solve() is True
        assert [abs(x) for x in ours.get_model() or []] == [1, 2, 3, 4, 5]
        assert ours.nof_vars() == 5

        # a contradicting unit makes the formula UNSAT at once
        assert ours.add_clause([-5], no_return=False) is False
        theirs_added = theirs.add_clause([-5], no_return=False)
        assert theirs_added is (False if ref == "m22" else True)  # CaDiCaL finds out only when solving
        assert ours.get_status() is False
        assert ours.get_model() is None
        assert ours.get_core() is None
        assert ours.solve() is False and theirs.solve() is False
        assert ours.get_core() is None and theirs.get_core() is None
        assert ours.solve(assumptions=[1]) is False
        assert ours.get_core() is None  # the formula itself is UNSAT: no assumption is to blame
        assert ours.propagate([1]) == (False, [])
        if ref == "m22":
            assert theirs.propagate([1]) == (False, [])

        # accumulated statistics
        stats = ours.accum_stats()
        for key in ("restarts", "conflicts", "decisions", "propagations"):
            assert type(stats[key]) is int and stats[key] >= 0, key
        assert set(theirs.accum_stats()) <= set(stats)


@pytest.mark.parametrize("ref", REFERENCES)
def test_return_values(ref: str) -> None:
    ours, theirs = pair(ref)
    with ours, theirs:
        assert ours.add_clause([1, 2]) is None and theirs.add_clause([1, 2]) is None
        assert ours.add_clause([-1, 2], no_return=False) is True
        assert theirs.add_clause([-1, 2], no_return=False) is True
        assert ours.append_formula([[3], [-3, 4]]) is None
        assert ours.append_formula([[4, 5]], no_return=False) is True
        assert type(ours.solve()) is bool
        assert type(ours.nof_vars()) is int and type(ours.nof_clauses()) is int
        assert ours.nof_clauses() == theirs.nof_clauses() == 2  # units and satisfied clauses not kept
        assert ours.nof_clauses_added() == 5
        assert type(ours.time()) is float and type(ours.time_accum()) is float
        assert ours.supports_atmost() is True and not theirs.supports_atmost()  # native AtMostK
        assert ours.get_proof() is None
        assert ours.add_clause([], no_return=False) is False
        assert ours.solve() is False


def test_empty_solver() -> None:
    ours, theirs = pair("m22")
    with ours, theirs:
        assert ours.solve() is theirs.solve() is True
        assert ours.get_model() == theirs.get_model() == []
        assert ours.nof_vars() == 0
        assert ours.propagate() == (True, [])


def test_units_only_model_and_reserve_vars() -> None:
    with Solver() as s:
        s.add_clause([3])
        assert s.solve() is True
        assert s.get_model() == [-1, -2, 3]
        s.reserve_vars(6)
        assert s.nof_vars() == 6
        assert s.solve() is True
        assert s.get_model() == [-1, -2, 3, -4, -5, -6]


def test_assumption_on_new_variable() -> None:
    with Solver(bootstrap_with=[[1, 2]]) as s:
        assert s.solve(assumptions=[7]) is True
        assert 7 in (s.get_model() or [])
        assert s.nof_vars() == 7


def test_invalid_literals() -> None:
    with Solver() as s:
        with pytest.raises(ValueError):
            s.add_clause([1, 0])
        with pytest.raises(clew.ClewError):
            s.solve(assumptions=[0])
        with pytest.raises(TypeError):
            s.add_clause(["x"])  # type: ignore[list-item]
        with pytest.raises(TypeError):
            s.append_formula("1 2 0")
        s.add_clause([1])
        assert s.solve() is True  # still usable


@pytest.mark.parametrize("ref", REFERENCES)
def test_random_sequences_parity(ref: str) -> None:
    """Many short incremental sessions: same answers as PySAT, valid models and cores."""
    rng = random.Random(7)
    for _ in range(40):
        n = rng.randint(8, 30)
        _, base = random_ksat(n, int(n * rng.uniform(2.0, 4.5)), rng)
        ours, theirs = pair(ref, base)
        clauses = list(base)
        with ours, theirs:
            for _step in range(6):
                if rng.random() < 0.4:
                    _, extra = random_ksat(n, rng.randint(1, 5), rng)
                    ours.append_formula(extra)
                    theirs.append_formula(extra)
                    clauses += extra
                assumptions = [v if rng.random() < 0.5 else -v for v in rng.sample(range(1, n + 1), rng.randint(0, 5))]
                got, want = ours.solve(assumptions), theirs.solve(assumptions)
                assert got is want
                if got:
                    model = ours.get_model()
                    assert satisfies(clauses, model) and set(assumptions) <= set(model or [])
                    assert ours.get_core() is None
                else:
                    core = ours.get_core()
                    assert core is None or set(core) <= set(assumptions)
                    with PySatSolver(name="cd195", bootstrap_with=clauses) as check:
                        assert check.solve(assumptions=core or []) is False
                for lits in (assumptions[:1], assumptions[:3]):
                    check_propagate(ours, clauses, lits)


def implied(clauses: list[list[int]], assumptions: list[int], lit: int) -> bool:
    with PySatSolver(name="cd195", bootstrap_with=clauses) as check:
        return check.solve(assumptions=[*assumptions, -lit]) is False


def check_propagate(s: Solver, clauses: list[list[int]], assumptions: list[int]) -> None:
    """propagate() is sound (everything it reports is implied) and complete w.r.t. naive unit propagation.

    Learnt clauses may let a solver propagate more than the original clauses do
    (and levels-0 facts are not reported), so exact equality with PySAT holds
    only on solvers that have not learnt anything yet.
    """
    ok, lits = s.propagate(assumptions)
    no_conflict, closure = unit_propagate(clauses, assumptions)
    if not ok:
        with PySatSolver(name="cd195", bootstrap_with=clauses) as check:
            assert check.solve(assumptions=assumptions) is False, (assumptions, lits)
        return
    assert no_conflict, assumptions
    assert len(set(lits)) == len(lits) and not any(-x in lits for x in lits)
    for lit in lits:
        assert implied(clauses, assumptions, lit), (assumptions, lit)
    for lit in closure - set(lits):
        assert implied(clauses, [], lit), (assumptions, lit)  # a level-0 fact


# ---------------------------------------------------------------------------
# formulas: CNF objects, iterables
# ---------------------------------------------------------------------------


def test_cnf_objects() -> None:
    cnf = CNF(from_clauses=[[1, 2], [-1, 2], [-2, 3]])
    with Solver(bootstrap_with=cnf) as s:
        assert s.nof_clauses() == 3
        assert s.solve() and satisfies(cnf.clauses, s.get_model())
        s.append_formula(CNF(from_clauses=[[-3]]))
        assert s.solve() is False
    with Solver() as s:
        s.append_formula(cnf)
        assert s.nof_clauses() == 3
    plus = CNFPlus()
    plus.append([1, 2])
    with Solver(bootstrap_with=plus) as s:
        assert s.solve()
    plus.append([[1, 2, 3], 1], is_atmost=True)
    with Solver(bootstrap_with=plus) as s:  # native AtMostK (tests/test_pysat_atmost.py)
        assert s.solve(assumptions=[1]) is True and s.solve(assumptions=[1, 2]) is False


def test_iterables_of_clauses() -> None:
    clauses = [[1, 2], [-1, 2], [-2, 3]]
    with Solver(bootstrap_with=(tuple(c) for c in clauses)) as s:
        s.add_clause({-3, 4})
        s.append_formula(iter([(4, 5), range(5, 6)]))
        assert s.nof_clauses() == 5  # the unit [5] is not kept (MiniSat's count)
        assert s.nof_clauses_added() == 6
        assert s.solve() is True
        assert satisfies([*clauses, [-3, 4], [4, 5], [5]], s.get_model())
        assert s.solve(assumptions=(-4,)) is False
        assert set(s.get_core() or []) == {-4}


def test_numpy_integers() -> None:
    np = pytest.importorskip("numpy")
    with Solver(bootstrap_with=np.array([[1, 2], [-1, 2]])) as s:
        s.add_clause(np.array([-2, 3], dtype=np.int32))
        assert s.solve(assumptions=np.array([1])) is True
        assert s.get_model() == [1, 2, 3]


# ---------------------------------------------------------------------------
# enum_models
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_enum_models_counts_match_pysat(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(6, 11)
    _, clauses = random_ksat(n, int(n * rng.uniform(1.0, 3.5)), rng)
    assumptions = [rng.choice([1, -1]) * rng.randint(1, n)] if seed % 2 else []
    with Solver(bootstrap_with=clauses) as ours, PySatSolver(name="m22", bootstrap_with=clauses) as theirs:
        got = list(ours.enum_models(assumptions=assumptions))
        want = list(theirs.enum_models(assumptions=assumptions))
    assert len(got) == len(want)
    assert len({tuple(m) for m in got}) == len(got)
    assert {tuple(m) for m in got} == {tuple(m) for m in want}
    # brute force agrees
    brute = sum(
        1
        for bits in itertools.product((False, True), repeat=n)
        if satisfies(clauses + [[a] for a in assumptions], [v + 1 if b else -(v + 1) for v, b in enumerate(bits)])
    )
    assert len(got) == brute


def test_enum_models_docstring_example() -> None:
    with Solver(bootstrap_with=[[-1, 2], [-2, 3]]) as s:
        models = sorted(s.enum_models())
    assert models == sorted([[-1, -2, -3], [-1, -2, 3], [-1, 2, 3], [1, 2, 3]])
    with Solver(bootstrap_with=[[-1, 2], [-2, 3]]) as s:
        assert list(s.enum_models(assumptions=[1])) == [[1, 2, 3]]
        assert s.solve(assumptions=[1]) is False


# ---------------------------------------------------------------------------
# budgets, interrupts, timers
# ---------------------------------------------------------------------------


def hard() -> list[list[int]]:
    return php(11, 10)[1]


@pytest.mark.parametrize("budget", [1, 10, 100, 1000])
def test_conf_budget(budget: int) -> None:
    with Solver(bootstrap_with=hard()) as s:
        s.conf_budget(budget)
        assert s.solve_limited() is None
        used = s.accum_stats()["conflicts"]
        assert budget <= used <= budget + 10, f"budget {budget}, used {used}"
        assert s.get_status() is None and s.get_model() is None and s.get_core() is None
        # the budget is per call and stays set
        assert s.solve_limited() is None
        assert s.accum_stats()["conflicts"] - used <= budget + 10


@pytest.mark.parametrize("budget", [100, 10_000, 100_000])
def test_prop_budget(budget: int) -> None:
    with Solver(bootstrap_with=hard()) as s:
        s.prop_budget(budget)
        assert s.solve_limited() is None
        used = s.accum_stats()["propagations"]
        assert used <= budget + 1000, f"budget {budget}, used {used}"


def test_budget_then_complete_solve() -> None:
    _, clauses = php(8, 7)
    with Solver(bootstrap_with=clauses) as s:
        s.conf_budget(20)
        assert s.solve_limited() is None
        assert s.solve() is False  # solve() ignores budgets
    with Solver(bootstrap_with=clauses) as s:
        s.conf_budget(20)
        assert s.solve_limited() is None
        s.conf_budget(-1)
        assert s.solve_limited() is False
    with Solver(bootstrap_with=clauses) as s:
        s.prop_budget(500)
        assert s.solve_limited() is None
        s.prop_budget(0)
        assert s.solve_limited() is False


def test_budget_allows_easy_answers() -> None:
    # A budget that leaves room for the answer gives the answer (a budget
    # of one propagation is already spent by MiniSat, not by Glucose: both
    # behaviours are PySAT-compatible, so it is not pinned here).
    with Solver(bootstrap_with=[[1, 2], [-1, 2]]) as s:
        s.conf_budget(2)
        s.prop_budget(100)
        assert s.solve_limited() is True
        assert s.solve_limited(assumptions=[-2]) is False
        assert s.get_core() == [-2]


@pytest.mark.parametrize("method", ["solve_limited", "solve"])
def test_interrupt_from_timer(method: str) -> None:
    with Solver(bootstrap_with=hard()) as s:
        timer = threading.Timer(0.3, s.interrupt)
        timer.start()
        started = time.perf_counter()
        if method == "solve_limited":
            result = s.solve_limited(expect_interrupt=True)
        else:
            result = s.solve()
        elapsed = time.perf_counter() - started
        timer.join()
        assert result is None
        assert 0.25 <= elapsed < 1.5, elapsed
        # sticky until cleared
        assert s.solve_limited(expect_interrupt=True) is None
        s.clear_interrupt()
        s.conf_budget(50)
        assert s.solve_limited() is None
        assert s.solve(assumptions=[-1, -2, -3, -4, -5, -6, -7, -8, -9, -10]) is False
        assert s.get_core() is not None


def test_interrupt_before_call_is_sticky() -> None:
    with Solver(bootstrap_with=php(8, 7)[1]) as s:
        s.interrupt()
        assert s.solve_limited(expect_interrupt=True) is None
        assert s.solve_limited() is None
        s.clear_interrupt()
        assert s.solve_limited() is False


def test_timer() -> None:
    with Solver(bootstrap_with=php(8, 7)[1], use_timer=True) as s:
        assert s.time() == 0.0 and s.time_accum() == 0.0
        assert s.solve() is False
        first = s.time()
        assert first > 0.0 and s.time_accum() == pytest.approx(first)
        s.solve()
        assert s.time_accum() == pytest.approx(first + s.time())
    with Solver(bootstrap_with=php(7, 6)[1]) as s:
        s.solve()
        assert s.time() == 0.0 and s.time_accum() == 0.0


# ---------------------------------------------------------------------------
# phases and activities
# ---------------------------------------------------------------------------


def test_set_phases_positive_and_negative() -> None:
    n = 40
    loose = [[v, v + 1] for v in range(1, n, 2)] + [[-v, -(v + 1)] for v in range(2, n, 2)]
    with Solver(bootstrap_with=[[v, -v] for v in range(1, n + 1)]) as s:
        s.set_phases(range(1, n + 1))
        assert s.solve() is True
        assert s.get_model() == list(range(1, n + 1))
        s.set_phases([-v for v in range(1, n + 1)])
        assert s.solve() is True
        assert s.get_model() == [-v for v in range(1, n + 1)]
    with Solver(bootstrap_with=loose) as s:
        s.set_phases([-v for v in range(1, n + 1)])
        assert s.solve() is True
        model = s.get_model()
        assert satisfies(loose, model)
        # only the variables the clauses force are positive
        assert sum(1 for lit in model or [] if lit > 0) <= n // 2


def test_set_phases_matches_pysat_example() -> None:
    with Solver(bootstrap_with=[[1, 2]]) as s:
        s.set_phases(literals=[1, 2])
        assert s.solve() and s.get_model() == [1, 2]
        s.set_phases(literals=[-1, 2])
        assert s.solve() and s.get_model() == [-1, 2]
        s.set_phases(literals=[1, -2])
        assert s.solve() and s.get_model() == [1, -2]


def test_set_activities_both_forms() -> None:
    _, clauses = php(6, 6)
    with Solver(bootstrap_with=clauses) as s:
        s.set_activities({1: 10.0, 2: 5.0})
        s.set_activities([3, 4], [1.0, 2.0])
        with pytest.raises(ValueError):
            s.set_activities([1, 2], [1.0])
        with pytest.raises(TypeError):
            s.set_activities([1, 2])
        assert s.solve() is True and satisfies(clauses, s.get_model())


# ---------------------------------------------------------------------------
# proofs through the PySAT interface
# ---------------------------------------------------------------------------


def test_get_proof_lines() -> None:
    num_vars, clauses = php(6, 5)
    with Solver(bootstrap_with=clauses, with_proof=True) as s:
        assert s.get_proof() == []  # nothing derived yet
        assert s.solve() is False
        proof = s.get_proof()
        assert proof and all(isinstance(line, str) and "\n" not in line and line for line in proof)
        assert proof[-1].split() == ["0"]
        assert s.get_proof() == proof  # stable across calls, like PySAT
    assert drat_check(num_vars, clauses, proof).ok


# ---------------------------------------------------------------------------
# everything together in one solver
# ---------------------------------------------------------------------------


def test_everything_together() -> None:
    """Phases, activities, assumptions, cores, budgets, interrupts and a proof in one session."""
    hard_vars, hard_clauses = php(11, 10)  # selector a enables it
    easy_vars, easy_clauses = php(6, 5)  # selector b enables it
    offset = hard_vars
    a = hard_vars + easy_vars + 1
    b = a + 1
    free = list(range(b + 1, b + 21))
    formula = [c + [-a] for c in hard_clauses]
    formula += [[lit + offset if lit > 0 else lit - offset for lit in c] + [-b] for c in easy_clauses]
    formula += [[v, -v] for v in free]

    with Solver(name="g4", bootstrap_with=formula, with_proof=True) as s:
        clauses = list(formula)
        # phases + activities
        s.set_phases(free)
        s.set_activities(free, [100.0] * len(free))
        assert s.solve(assumptions=[-a, -b]) is True
        model = s.get_model() or []
        assert satisfies(clauses, model) and set(free) <= set(model)

        # a conflict budget stops the hard part
        s.conf_budget(200)
        assert s.solve_limited(assumptions=[a]) is None
        # an interrupt stops it too; conflicts are bounded by a safety budget
        s.conf_budget(20_000)
        timer = threading.Timer(0.05, s.interrupt)
        timer.start()
        assert s.solve_limited(assumptions=[a], expect_interrupt=True) is None
        timer.join()
        s.clear_interrupt()
        s.conf_budget(-1)

        # assumptions and cores: b alone is to blame
        assert s.solve(assumptions=[b, -a, free[0]]) is False
        assert s.get_core() == [b]

        # phases again after all that
        s.set_phases([-v for v in free])
        assert s.solve(assumptions=[-b]) is True
        model = s.get_model() or []
        assert satisfies(clauses, model) and not set(free) & set(model)

        # make it UNSAT for good and check the whole session's proof
        s.add_clause([b])
        clauses.append([b])
        assert s.solve() is False
        assert s.get_core() is None
        proof = s.get_proof()
        assert proof is not None
    result = drat_check(b + len(free), clauses, proof)
    assert result.ok, result.reason
