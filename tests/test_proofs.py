"""Every UNSAT answer here has its DRAT proof checked by dratify, an independent checker.

dratify's pure-Python engine checks forward (every lemma), roughly 5-10k
lemmas a second; the sizes below keep each check within a few seconds while
still needing thousands of conflicts (PHP(8,7), random 3-SAT with 150-175
variables). Binary DRAT is decoded to text by ``helpers.binary_drat_to_text``
(dratify reads text only).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from clew import _core
from clew.sat import Solver
from cnfgen import php, random_ksat
from helpers import binary_drat_to_text, drat_check


def solve_with_proof(clauses: list[list[int]], config: str = "default") -> tuple[bool | None, list[str], int]:
    with Solver(name=config, bootstrap_with=clauses, with_proof=True) as s:
        result = s.solve()
        proof = s.get_proof()
        conflicts = int(s.accum_stats()["conflicts"])
    assert proof is not None
    return result, proof, conflicts


def unsat_threshold_instances(n: int, count: int, seed: int) -> list[tuple[int, list[list[int]]]]:
    """The first ``count`` UNSAT instances of random 3-SAT at ratio 4.26 (known UNSAT via clew + proof)."""
    from pysat.solvers import Solver as PySatSolver  # type: ignore[import-untyped]

    rng = random.Random(seed)
    found: list[tuple[int, list[list[int]]]] = []
    while len(found) < count:
        num_vars, clauses = random_ksat(n, round(n * 4.26), rng)
        with PySatSolver(name="cd195", bootstrap_with=clauses) as ref:
            if ref.solve() is False:
                found.append((num_vars, clauses))
    return found


@pytest.mark.parametrize("config", ["default", "luby", "glucose"])
def test_small_random_unsat_proofs(config: str) -> None:
    for num_vars, clauses in unsat_threshold_instances(50, 15, seed=11):
        result, proof, _ = solve_with_proof(clauses, config)
        assert result is False
        check = drat_check(num_vars, clauses, proof)
        assert check.ok, check.reason


# Each technique option on (and all off), with thresholds small enough to act
# within a few hundred conflicts; the last one is every technique at once.
TECHNIQUE_CONFIGS = [
    "default,chrono=0,stable=0,target=0,rephase=0,lazy_detach=0,reuse_trail=0,walk=0,vivify=0,subsume=0,elim=0,probe=0",
    "default,chrono=1",
    "default,stable=1,stable_first=20,target=1",
    "default,stable=1,stable_first=20,target=2,rephase=1,rephase_interval=10,walk=0",
    "default,rephase=1,rephase_interval=5,walk=1,walk_effort=100",
    "default,lazy_detach=1,first_reduce=30,reduce_increment=5",
    "default,reuse_trail=1",
    "default,subsume=1,elim=0,probe=0,inprocess_interval=1,first_reduce=30,reduce_increment=5",
    "default,subsume=0,elim=1,probe=0,elim_occurrences=64,inprocess_interval=1,first_reduce=30,reduce_increment=5",
    "default,subsume=0,elim=0,probe=1,inprocess_interval=1,first_reduce=30,reduce_increment=5",
    "default,subst=1,inprocess_interval=1,first_reduce=30,reduce_increment=5",
    "default,vivify=1,first_reduce=30,reduce_increment=5",
    "default,vivify=1,vivify_interval=50,vivify_irred=1,first_reduce=20,reduce_increment=2",
    "default,vivify=1,vivify_irred=1,vivify_effort=2000,first_reduce=20,reduce_increment=5,chrono=1,lazy_detach=1",
    "default,shrink=1",
    "default,bump_reasons=1",
    "default,shrink=1,chrono=1,first_reduce=30,reduce_increment=5",
    "default,vmtf=1,stable=0,chrono=1,reuse_trail=1",
    "default,vmtf=1,stable=1,stable_first=20,reuse_trail=1,first_reduce=30,reduce_increment=5",
    "default,vmtf=0",
    "default,vmtf=auto,stable=0",
    "luby,chrono=1,stable=1,stable_first=25,target=1,rephase=1,rephase_interval=15,"
    "lazy_detach=1,reuse_trail=1,first_reduce=40,reduce_increment=5,inprocess_interval=2,"
    "vivify=1,vivify_irred=1,vivify_interval=50,subsume=1,elim=1,probe=1,subst=1,shrink=1,bump_reasons=1,vmtf=1",
]


@pytest.mark.parametrize("config", TECHNIQUE_CONFIGS)
def test_technique_options_give_checked_proofs(config: str) -> None:
    for num_vars, clauses in unsat_threshold_instances(50, 6, seed=11):
        result, proof, _ = solve_with_proof(clauses, config)
        assert result is False
        check = drat_check(num_vars, clauses, proof)
        assert check.ok, (config, check.reason)
    num_vars, clauses = php(7, 6)
    result, proof, _ = solve_with_proof(clauses, config)
    assert result is False
    check = drat_check(num_vars, clauses, proof)
    assert check.ok, (config, check.reason)


@pytest.mark.parametrize("irred", [0, 1])
def test_vivification_shortens_clauses_with_checked_proofs(irred: int) -> None:
    """Vivification fires (clauses shortened) and its proof steps check."""
    config = f"default,vivify=1,vivify_irred={irred},vivify_effort=2000,first_reduce=20,reduce_increment=5"
    vivified = 0
    for num_vars, clauses in [*unsat_threshold_instances(50, 4, seed=11), php(7, 6)]:
        with Solver(name=config, bootstrap_with=clauses, with_proof=True) as s:
            assert s.solve() is False
            proof = s.get_proof()
            vivified += int(s.accum_stats()["vivified"])
        assert proof is not None
        check = drat_check(num_vars, clauses, proof)
        assert check.ok, (config, check.reason)
    assert vivified > 0


def test_shrinking_shortens_learnt_clauses_with_checked_proofs() -> None:
    """Shrinking fires (blocks replaced by their UIP) and the shorter clauses check."""
    config = "default,shrink=1"
    shrunk = 0
    for num_vars, clauses in [*unsat_threshold_instances(60, 3, seed=5), php(8, 7)]:
        with Solver(name=config, bootstrap_with=clauses, with_proof=True) as s:
            assert s.solve() is False
            proof = s.get_proof()
            stats = s.accum_stats()
            assert stats["shrunk_literals"] >= stats["shrunk_clauses"]
            shrunk += int(stats["shrunk_clauses"])
        assert proof is not None
        check = drat_check(num_vars, clauses, proof)
        assert check.ok, (config, check.reason)
    assert shrunk > 0


@pytest.mark.parametrize("config", TECHNIQUE_CONFIGS[1:])
def test_technique_options_incremental_session_proof(config: str) -> None:
    """Assumptions (with cores checked), added clauses and a final refutation under each option."""
    from pysat.solvers import Solver as PySatSolver  # type: ignore[import-untyped]

    rng = random.Random(5)
    num_vars, clauses = random_ksat(60, 230, rng)
    with Solver(name=config, with_proof=True, bootstrap_with=clauses) as s:
        for _ in range(10):
            assumptions = [v if rng.random() < 0.5 else -v for v in rng.sample(range(1, 61), 5)]
            got = s.solve(assumptions=assumptions)
            with PySatSolver(name="cd195", bootstrap_with=clauses) as ref:
                assert got == ref.solve(assumptions=assumptions), config
                core = s.get_core()
                if got is False and core is not None:
                    assert set(core) <= set(assumptions)
                    assert ref.solve(assumptions=core) is False, (config, core)
                if got:
                    model = set(s.get_model() or [])
                    assert all(any(lit in model for lit in c) for c in clauses)
                    assert set(assumptions) <= model
            _, extra = random_ksat(60, 10, rng)
            s.append_formula(extra)
            clauses += extra
        _, rest = random_ksat(60, 200, rng)
        s.append_formula(rest)
        clauses += rest
        assert s.solve() is False
        proof = s.get_proof()
    assert proof is not None
    check = drat_check(num_vars, clauses, proof)
    assert check.ok, (config, check.reason)


@pytest.mark.slow
@pytest.mark.parametrize(("n", "count"), [(150, 3), (175, 2)])
def test_random_unsat_proofs_with_thousands_of_conflicts(n: int, count: int) -> None:
    total_conflicts = 0
    for num_vars, clauses in unsat_threshold_instances(n, count, seed=n):
        result, proof, conflicts = solve_with_proof(clauses)
        assert result is False
        total_conflicts += conflicts
        check = drat_check(num_vars, clauses, proof)
        assert check.ok, check.reason
    assert total_conflicts >= 1000 * count


@pytest.mark.slow
@pytest.mark.parametrize("config", ["default", "glucose"])
def test_pigeonhole_proof(config: str) -> None:
    num_vars, clauses = php(8, 7)
    result, proof, conflicts = solve_with_proof(clauses, config)
    assert result is False
    assert conflicts >= 1000
    check = drat_check(num_vars, clauses, proof)
    assert check.ok, check.reason


@pytest.mark.parametrize("holes", [1, 2, 3, 4, 5, 6])
def test_small_pigeonhole_proofs(holes: int) -> None:
    num_vars, clauses = php(holes + 1, holes)
    result, proof, _ = solve_with_proof(clauses)
    assert result is False
    assert drat_check(num_vars, clauses, proof).ok


def test_trivial_unsat_proofs() -> None:
    cases: list[list[list[int]]] = [[[1], [-1]], [[]], [[1, 2], [-1, 2], [1, -2], [-1, -2]], [[1], [-1, 2], [-2]]]
    for clauses in cases:
        num_vars = max((abs(lit) for c in clauses for lit in c), default=0)
        result, proof, _ = solve_with_proof(clauses)
        assert result is False
        assert drat_check(num_vars, clauses, proof).ok, (clauses, proof)


def test_incremental_session_proof() -> None:
    """Assumption-based solves, added clauses, then a final refutation: one proof for the whole session."""
    rng = random.Random(3)
    num_vars, clauses = random_ksat(60, 220, rng)
    with Solver(with_proof=True, bootstrap_with=clauses) as s:
        for _ in range(12):
            assumptions = [v if rng.random() < 0.5 else -v for v in rng.sample(range(1, 61), 4)]
            s.solve(assumptions=assumptions)
            _, extra = random_ksat(60, 10, rng)
            s.append_formula(extra)
            clauses += extra
        _, rest = random_ksat(60, 200, rng)
        s.append_formula(rest)
        clauses += rest
        assert s.solve() is False
        proof = s.get_proof()
    assert proof is not None
    check = drat_check(num_vars, clauses, proof)
    assert check.ok, check.reason


def test_corrupted_proofs_are_rejected() -> None:
    num_vars, clauses = php(7, 6)
    result, proof, _ = solve_with_proof(clauses)
    assert result is False and drat_check(num_vars, clauses, proof).ok
    # 1. truncated: the empty clause is never derived
    additions = [i for i, line in enumerate(proof) if not line.startswith("d")]
    assert proof[additions[-1]].split() == ["0"]
    truncated = proof[: additions[-1]]
    assert not drat_check(num_vars, clauses, truncated).ok
    # 2. a bogus lemma: "pigeon 1 sits in hole 1" is not implied
    assert not drat_check(num_vars, clauses, ["1 0", *proof]).ok
    # 3. a lemma turned into something unrelated
    first = additions[0]
    bogus = list(proof)
    bogus[first] = f"{num_vars} 0"
    assert not drat_check(num_vars, clauses, bogus).ok
    # 4. the right proof of a different (satisfiable) formula
    assert not drat_check(num_vars, clauses[1:], proof).ok


def test_proof_is_none_without_with_proof() -> None:
    with Solver(bootstrap_with=[[1], [-1]]) as s:
        assert s.solve() is False
        assert s.get_proof() is None


# ---------------------------------------------------------------------------
# the low-level SatSolver: binary proofs, proofs streamed to files
# ---------------------------------------------------------------------------


def core_solver(clauses: list[list[int]], **kwargs: str) -> _core.SatSolver:
    s = _core.SatSolver("default", **kwargs)
    s.add_clauses(clauses)
    return s


def test_binary_proof_in_memory() -> None:
    num_vars, clauses = php(7, 6)
    s = core_solver(clauses, proof="binary")
    assert s.solve() is False
    data = s.take_proof()
    assert isinstance(data, bytes) and data[:1] in (b"a", b"d")
    text = binary_drat_to_text(data)
    assert drat_check(num_vars, clauses, text).ok
    assert s.take_proof() == b""  # taking clears the buffer


def test_text_proof_take_is_incremental() -> None:
    num_vars, clauses = php(7, 6)
    s = core_solver([c + [-100] for c in clauses], proof="text")
    s.solve(conflicts=100, assumptions=[100])
    first = s.take_proof()
    assert s.solve(assumptions=[100]) is False
    second = s.take_proof()
    s.add_clause([100])
    assert s.solve() is False
    third = s.take_proof()
    proof = (first + second + third).decode()
    check = drat_check(100, [c + [-100] for c in clauses] + [[100]], proof)
    assert check.ok, check.reason


@pytest.mark.parametrize("kind", ["text", "binary"])
def test_proof_streamed_to_file(tmp_path: Path, kind: str) -> None:
    num_vars, clauses = php(7, 6)
    path = tmp_path / f"proof.{kind}"
    s = core_solver(clauses, proof=kind, proof_path=str(path))
    assert s.solve() is False
    s.flush_proof()
    data = path.read_bytes()
    text = data.decode() if kind == "text" else binary_drat_to_text(data)
    check = drat_check(num_vars, clauses, text)
    assert check.ok, check.reason
    assert text.rstrip().splitlines()[-1].split() == ["0"]


def test_proof_path_defaults_to_text(tmp_path: Path) -> None:
    num_vars, clauses = php(5, 4)
    path = tmp_path / "proof.drat"
    s = core_solver(clauses, proof_path=str(path))
    assert s.solve() is False
    s.flush_proof()
    assert drat_check(num_vars, clauses, path.read_text()).ok


def test_unwritable_proof_path(tmp_path: Path) -> None:
    with pytest.raises((OSError, _core.ClewError)):
        _core.SatSolver("default", proof="text", proof_path=str(tmp_path / "missing" / "dir" / "p.drat"))


def test_bad_options() -> None:
    with pytest.raises(ValueError):
        _core.SatSolver("no-such-config")
    with pytest.raises(ValueError):
        _core.SatSolver("default", proof="lrat")


def test_binary_decoder_on_known_bytes() -> None:
    # "a 1 -2 0", "d -1 0", "a 0", with a two-byte literal for variable 100 (2*100 = 200)
    data = b"a\x02\x05\x00" + b"d\x03\x00" + b"a\xc8\x01\x00" + b"a\x00"
    assert binary_drat_to_text(data) == "1 -2 0\nd -1 0\n100 0\n0\n"
    with pytest.raises(ValueError):
        binary_drat_to_text(b"x\x00")
