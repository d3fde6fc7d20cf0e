"""PySAT's preprocessor on clew: Solver.process / Solver.restore (what
pysat.process.Processor calls on its CaDiCaL) and Processor itself through
use_in_pysat, checked with PySAT's own solvers and against PySAT's CaDiCaL."""

from __future__ import annotations

import inspect
import itertools
import random
import warnings

import pytest

pysat_solvers = pytest.importorskip("pysat.solvers")

from pysat.process import Processor  # type: ignore[import-untyped]  # noqa: E402

import clew  # noqa: E402
from clew.sat import SkippedTechniqueWarning, Solver, use_in_pysat  # noqa: E402
from helpers import satisfies  # noqa: E402

# Every call with PySAT's defaults names probehbr, ternary and transred.
pytestmark = pytest.mark.filterwarnings("ignore::clew.sat.SkippedTechniqueWarning")

FROZEN = (1, 2)


def random_cnf(rng: random.Random, n: int) -> list[list[int]]:
    """Mixed 2- and 3-literal clauses (a unit now and then) around the threshold: SAT and UNSAT both common."""
    m = rng.randint(2 * n, 4 * n)
    return [[rng.choice((1, -1)) * rng.randint(1, n) for _ in range(rng.choice((2, 3, 3, 3, 3, 3, 3, 3, 1)))]
            for _ in range(m)]


def pysat_satisfiable(clauses: list[list[int]], assumptions: list[int] = []) -> bool:  # noqa: B006
    with pysat_solvers.Solver(name="g4", bootstrap_with=clauses) as s:
        return bool(s.solve(assumptions=assumptions))


def models(clauses: list[list[int]], limit: int) -> list[list[int]]:
    """Up to ``limit`` models of ``clauses`` (PySAT's Glucose, blocking on the clauses' variables)."""
    with pysat_solvers.Solver(name="g4", bootstrap_with=clauses) as s:
        return list(itertools.islice(s.enum_models(), limit))


def test_round_trips_on_hundreds_of_random_formulas() -> None:
    rng = random.Random(19)
    counts = dict.fromkeys(("sat", "unsat", "unsat_in_processing", "eliminated", "restored"), 0)
    for _ in range(300):
        n = rng.randint(6, 14)
        clauses = random_cnf(rng, n)
        with Solver(bootstrap_with=clauses) as s:
            names = ("subsume", "elim", "probe", "decompose", "vivify", "transred")
            techniques = {name: rng.random() < 0.7 for name in names}
            status, processed = s.process(rounds=rng.randint(1, 3), freeze=list(FROZEN), **techniques)
            satisfiable = pysat_satisfiable(clauses)
            counts["sat" if satisfiable else "unsat"] += 1
            assert pysat_satisfiable(processed) == satisfiable  # equisatisfiable
            if status == 20:
                assert processed == [[]] and not satisfiable
                counts["unsat_in_processing"] += 1
                continue
            assert status == 0
            kept = {abs(lit) for c in processed for lit in c}
            counts["eliminated"] += sum(1 for v in range(1, n + 1) if s.is_eliminated(v))
            assert not any(s.is_eliminated(v) for v in FROZEN)
            # Every model of the processed formula, restored, satisfies the original.
            for model in models(processed, limit=32):
                restored = s.restore(model)
                assert len(restored) == s.nof_vars()
                assert satisfies(clauses, restored)
                # Variables the processed formula still has keep their values.
                assert all(lit in restored for lit in model if abs(lit) in kept)
                counts["restored"] += 1
            # Frozen variables keep their meaning: the same answers under assumptions.
            for signs in itertools.product((1, -1), repeat=len(FROZEN)):
                assumed = [sign * v for sign, v in zip(signs, FROZEN)]
                assert pysat_satisfiable(processed, assumed) == pysat_satisfiable(clauses, assumed)
    assert min(counts.values()) > 0, counts


def test_unsat_found_in_preprocessing_as_processor_reports_it() -> None:
    clauses = [[-1, 2], [-2, 3], [-1, -3], [1]]
    with Solver(bootstrap_with=clauses) as s:
        assert s.process() == (20, [[]])
        assert s.get_status() is False
        with pytest.raises(clew.InputError, match="unsatisfiable"):
            s.restore([])
        assert s.solve() is False
    with use_in_pysat(), Processor(bootstrap_with=clauses) as processor:
        processed = processor.process()
        assert processed.clauses == [[]] and processed.status is False
        assert processor.get_status() is False
        with pytest.raises(AssertionError, match="unsatisfiable"):
            processor.restore([])


def test_processing_simplifies_and_freeze_keeps_units() -> None:
    # PySAT's docstring example: everything is fixed or eliminated.
    clauses = [[-1, 2], [1, -2], [-2, 3], [1], [-3, 4]]
    with Solver(bootstrap_with=clauses) as s:
        assert s.process() == (0, [])
        assert s.restore([]) == [1, 2, 3, 4]
    with Solver(bootstrap_with=clauses) as s:
        status, processed = s.process(freeze=[1, -4])  # literals allowed, as in PySAT
        assert status == 0 and sorted(processed) == [[1], [4]]
        assert not s.is_frozen(1)  # frozen for the call only
    # A chain of equivalences collapses onto one variable (decompose), then goes (elim).
    chain = [[-v, v + 1] for v in range(1, 9)] + [[-9, 1], [1, 5, 10], [-10, -1]]
    with Solver(bootstrap_with=chain) as s:
        status, processed = s.process(elim=False, vivify=False, probe=False, subsume=False)
        assert status == 0 and len({abs(lit) for c in processed for lit in c}) <= 3
    # UNSAT left to the processed formula (pigeonhole 4 -> 3, without elimination, probing, vivification).
    pigeons = [[p * 3 + h + 1 for h in range(3)] for p in range(4)] + [
        [-(p * 3 + h + 1), -(q * 3 + h + 1)] for h in range(3) for p in range(4) for q in range(p + 1, 4)
    ]
    with Solver(bootstrap_with=pigeons) as s:
        status, processed = s.process(elim=False, probe=False, vivify=False)
        assert status == 0 and processed and not pysat_satisfiable(processed)
    # Transitive reduction: 1 -> 2 -> 3 makes [-1, 3] redundant.
    implied = [[-1, 2], [-2, 3], [-1, 3], [-3, 1, 4]]
    with Solver(bootstrap_with=implied) as s:
        status, processed = s.process(subsume=False, elim=False, probe=False, decompose=False, vivify=False)
        assert status == 0 and [-1, 3] not in processed and len(processed) == 3
        assert s.accum_stats()["transitive_reductions"] == 1
    with Solver(bootstrap_with=chain) as s:
        status, processed = s.process(rounds=0)  # no round: nothing changes
        assert status == 0 and sorted(map(sorted, processed)) == sorted(map(sorted, chain))


def test_solver_keeps_working_after_process() -> None:
    rng = random.Random(7)
    for _ in range(60):
        clauses = random_cnf(rng, 10)
        with Solver(bootstrap_with=clauses) as s:
            s.solve()  # process after a solve, as PySAT allows
            status, _ = s.process()
            extra = [rng.choice((1, -1)) * rng.randint(1, 12) for _ in range(3)]
            s.add_clause(extra)  # may mention eliminated variables: they come back
            expected = pysat_satisfiable(clauses + [extra])
            assert s.solve() is expected
            if expected:
                assert satisfies(clauses + [extra], s.get_model())
            if status == 20:
                assert not expected


def test_every_pysat_keyword_accepted_and_skipped_ones_reported() -> None:
    names = set()
    for cls in (pysat_solvers.Cadical153, pysat_solvers.Cadical195, pysat_solvers.Cadical300):
        names |= set(inspect.signature(cls.process).parameters) - {"self"}
    names |= set(inspect.signature(Processor.process).parameters) - {"self"}
    accepted = set(inspect.signature(Solver.process).parameters) - {"self"}
    assert names <= accepted, names - accepted
    flags = {name: True for name in names - {"rounds", "freeze"}}
    with Solver(bootstrap_with=[[1, 2], [-1, 2]]) as s:
        with pytest.warns(SkippedTechniqueWarning, match="ternary"):
            s.process(rounds=2, freeze=[2], **flags)
        assert set(s.skipped_techniques) == {
            "backbone", "block", "condition", "congruence", "cover", "probehbr", "sweep", "ternary",
        }
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            s.process(probehbr=False, ternary=False)
        assert s.skipped_techniques == ()


def test_bad_input() -> None:
    with Solver(bootstrap_with=[[1, 2]]) as s:
        with pytest.raises(clew.InputError, match="rounds"):
            s.process(rounds=-1)  # PySAT's CaDiCaL aborts the process here
        with pytest.raises(TypeError):
            s.process(rounds=1.5)  # type: ignore[arg-type]  # PySAT: TypeError too
        with pytest.raises(ValueError):
            s.process(freeze=[0])  # PySAT: ValueError; clew's InputError is one
        with pytest.raises(TypeError):
            s.process(freeze=[1.5])  # type: ignore[list-item]
        with pytest.raises(TypeError):
            s.process(nosuch=True)  # type: ignore[call-arg]
        with pytest.raises(clew.InputError):
            s.restore([0])
        # Literals beyond nof_vars() are ignored, unmentioned variables false.
        assert s.restore([5, -6]) == [-1, -2]
    with Solver(bootstrap_with=[[1, 2, 3]]) as s:
        s.add_atmost([1, 2, 3], 1)
        with pytest.raises(clew.InputError, match="AtMostK"):
            s.process()
    s = Solver()
    s.delete()
    with pytest.raises(clew.ClewError, match="deleted"):
        s.process()


def test_processor_via_use_in_pysat_end_to_end() -> None:
    rng = random.Random(3)
    with use_in_pysat():
        for engine in ("cd15", "cd19", "cd30"):
            for _ in range(20):
                clauses = random_cnf(rng, 10)
                with Processor(bootstrap_with=clauses[:-1], engine=engine) as processor:
                    processor.add_clause(clauses[-1])
                    assert isinstance(processor.cadical, Solver)
                    processed = processor.process(freeze=[1])
                    assert processed.status is processor.get_status()
                    assert pysat_satisfiable(processed.clauses) == pysat_satisfiable(clauses)
                    if not processed.status:
                        continue
                    with pysat_solvers.Solver(name="g4", bootstrap_with=processed.clauses) as oracle:
                        if oracle.solve():
                            assert satisfies(clauses, processor.restore(oracle.get_model()))
        with pytest.raises(pysat_solvers.NoSuchSolverError):
            Processor(engine="g4")
    with Processor(bootstrap_with=[[1, 2]]) as processor:
        assert not isinstance(processor.cadical, Solver)  # PySAT's CaDiCaL again


def test_differential_against_pysat_cadical_processor() -> None:
    """Status and satisfiability as PySAT's CaDiCaL 1.5.3 Processor (clauses may differ)."""
    rng = random.Random(1953)
    agree = 0
    for _ in range(200):
        clauses = random_cnf(rng, rng.randint(6, 14))
        satisfiable = pysat_satisfiable(clauses)
        with Processor(bootstrap_with=clauses) as theirs:
            reference = theirs.process(freeze=list(FROZEN))
        with use_in_pysat(), Processor(bootstrap_with=clauses) as ours:
            processed = ours.process(freeze=list(FROZEN))
        assert pysat_satisfiable(reference.clauses) == pysat_satisfiable(processed.clauses) == satisfiable
        # A False status is a proof of unsatisfiability for both.
        if not processed.status or not reference.status:
            assert not satisfiable
        agree += processed.status == reference.status
    # Both find most UNSAT formulas of this size in preprocessing already.
    assert agree >= 180, agree
