"""clew.families: every family's shape, determinism and satisfiable filter (checked by solving),
the graph encodings against brute force, parse_spec, bad input, the clew.bench.families re-export."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

import clew
import clew.families as families
from clew.families import _graphs
from clew.sat import Solver
from helpers import satisfies

# Small sizes so that the whole module runs in seconds.
SMALL: dict[str, dict[str, Any]] = {
    "sr": {"n": 10},
    "ksat": {"n": 12},
    "ca": {"n": 30, "m": 110},
    "ps": {"n": 30, "m": 70},
    "kclique": {"v": 10, "k": 3},
    "kdomset": {"v": 10, "k": 3},
    "kvcover": {"v": 10, "k": 6},
    "coloring": {"v": 12, "c": 3},
    "factoring": {"bits": 4},
    "bmc-counter": {"bits": 3},
    "php": {"holes": 3},
    "genhard-par": {"size": 3},
    "genhard-gt": {"size": 5},
    "genhard-cb": {"size": 2},
}
ALWAYS_UNSAT = {"php", "genhard-par", "genhard-gt", "genhard-cb"}


def solve(clauses: list[list[int]]) -> bool:
    with Solver(bootstrap_with=clauses) as s:
        result = s.solve()
        if result:
            assert satisfies(clauses, s.get_model())
        return bool(result)


def test_names() -> None:
    names = families.names()
    assert set(names) == set(SMALL)
    for g4satbench in ("sr", "ksat", "ca", "ps", "kclique", "kdomset", "kvcover"):
        assert g4satbench in names
    assert families.defaults("kclique") == {"v": 20, "k": 4, "p": None}
    assert families.defaults("sr") == {"n": 40}


@pytest.mark.parametrize("name", sorted(SMALL))
def test_family_shape_determinism_and_filter(name: str) -> None:
    params = SMALL[name]
    formulas = families.generate(name, 6, seed=1, **params)
    assert len(formulas) == 6
    for f in formulas:
        assert isinstance(f, list) and f and all(isinstance(c, list) for c in f)
        assert all(type(lit) is int and lit != 0 for c in f for lit in c)
    assert families.generate(name, 6, seed=1, **params) == formulas
    # The first formulas do not depend on how many are asked for.
    assert families.generate(name, 3, seed=1, **params) == formulas[:3]
    other = families.generate(name, 6, seed=2, **params)
    if name not in ALWAYS_UNSAT:
        assert other != formulas
    wanted: list[bool] = [False] if name in ALWAYS_UNSAT else [True, False]
    for satisfiable in wanted:
        chosen = families.generate(name, 4, seed=3, satisfiable=satisfiable, **params)
        assert len(chosen) == 4 and all(solve(f) is satisfiable for f in chosen)
    if name in ALWAYS_UNSAT:
        with pytest.raises(clew.InputError, match="satisfiable formulas of 2"):
            families.generate(name, 2, seed=0, satisfiable=True, **params)


def test_unfiltered_families_mix_answers() -> None:
    for name in ("sr", "ksat", "ca", "kclique", "coloring"):
        answers = {solve(f) for f in families.generate(name, 20, seed=0, **SMALL[name])}
        assert answers == {True, False}, name


def test_sr_pairs_differ_in_one_literal() -> None:
    formulas = families.generate("sr", 8, seed=5, n=15)
    for sat, unsat in zip(formulas[::2], formulas[1::2], strict=True):
        assert solve(sat) and not solve(unsat)
        assert sat[:-1] == unsat[:-1] and sat[-1] == [-unsat[-1][0], *unsat[-1][1:]]
        # UNSAT is reached at the last clause only.
        assert solve(unsat[:-1])


def test_ksat_and_ca_structure() -> None:
    (f,) = families.generate("ksat", 1, seed=0, n=20, k=4, ratio=3.0)
    assert len(f) == 60 and all(len({abs(lit) for lit in c}) == 4 for c in f)
    (f,) = families.generate("ksat", 1, seed=0, n=20, m=7)
    assert len(f) == 7
    (f,) = families.generate("ca", 1, seed=0, n=100, m=2000, c=10, Q=0.8)
    inside = sum(len({(abs(lit) - 1) % 10 for lit in c}) == 1 for c in f) / len(f)
    assert abs(inside - 0.9) < 0.03  # P = Q + 1/c
    (f,) = families.generate("ps", 1, seed=0, n=50, m=100, k=4)
    assert all(len({abs(lit) for lit in c}) == 4 for c in f)


def brute(problem: str, edges: set[tuple[int, int]], v: int, k: int) -> bool:
    adjacent = edges | {(w, u) for u, w in edges}
    for chosen in itertools.combinations(range(v), k):
        s = set(chosen)
        if problem == "kclique" and all((a, b) in adjacent for a, b in itertools.combinations(chosen, 2)):
            return True
        if problem == "kdomset" and all(w in s or any((w, u) in adjacent for u in s) for w in range(v)):
            return True
        if problem == "kvcover" and all(u in s or w in s for u, w in edges):
            return True
    if problem == "coloring":
        return any(
            all(col[u] != col[w] for u, w in edges) for col in itertools.product(range(k), repeat=v)
        )
    return False


@pytest.mark.parametrize("problem", ["kclique", "kdomset", "kvcover", "coloring"])
def test_graph_encodings_against_brute_force(problem: str) -> None:
    encode = getattr(_graphs, problem)
    rng = random.Random(problem)
    answers = set()
    for _ in range(40):
        v = rng.randint(3, 7)
        k = rng.randint(1, min(4, v)) if problem != "coloring" else rng.randint(2, 3)
        edges = _graphs.random_graph(rng, v, rng.choice((0.3, 0.5, 0.7)))
        expected = brute(problem, edges, v, k)
        assert solve(encode(edges, v, k)) is expected, (v, k, sorted(edges))
        answers.add(expected)
    assert answers == {True, False}


def test_factoring_and_bmc_answers_are_known() -> None:
    for satisfiable in (True, False):
        for f in families.generate("factoring", 3, seed=0, satisfiable=satisfiable, bits=5):
            assert solve(f) is satisfiable
    (f,) = families.generate("bmc-counter", 1, seed=0, bits=3, target=5, steps=5)
    assert solve(f)


def test_parse_spec() -> None:
    assert families.parse_spec("sr:n=40") == ("sr", {"n": 40})
    assert families.parse_spec("kclique:v=30,k=4") == ("kclique", {"v": 30, "k": 4})
    assert families.parse_spec(" ca : n=50 , Q=0.5 ") == ("ca", {"n": 50, "Q": 0.5})
    assert families.parse_spec("kclique:p=1") == ("kclique", {"p": 1.0})
    assert families.parse_spec("bmc-counter:target=none") == ("bmc-counter", {"target": None})
    assert families.parse_spec("php") == ("php", {})
    name, params = families.parse_spec("coloring:v=10,c=3")
    assert len(families.generate(name, 2, seed=0, **params)) == 2


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nope:n=3", "unknown family 'nope'"),
        ("sr:m=3", "unknown parameter 'm' for family 'sr' \\(expected n\\)"),
        ("sr:n", "is not key=value"),
        ("sr:n=abc", "is not a number"),
        ("sr:n=2.5", "must be an integer"),
        ("sr:n=0", "at least 1"),
        ("sr:n=3,n=4", "given twice"),
        ("kclique:v=3,k=5", "more than v=3"),
        ("ca:c=2,k=3", "c >= k"),
        ("ca:Q=0.95", "Q must be in"),
        ("", "NAME"),
    ],
)
def test_bad_specs(spec: str, message: str) -> None:
    with pytest.raises(clew.InputError, match=message):
        families.parse_spec(spec)


def test_bad_generate_arguments() -> None:
    with pytest.raises(clew.InputError, match="unknown family"):
        families.generate("SR", 1, seed=0)
    with pytest.raises(clew.InputError, match="non-negative"):
        families.generate("sr", -1, seed=0)
    with pytest.raises(clew.InputError, match="must be a number"):
        families.generate("sr", 1, seed=0, n="40")
    with pytest.raises(clew.InputError, match="satisfiable must be"):
        families.generate("sr", 1, seed=0, satisfiable=1)  # type: ignore[arg-type]
    assert families.generate("sr", 0, seed=0) == []


def test_bench_families_still_importable() -> None:
    from clew.bench import families as old

    assert old.pigeonhole is families.pigeonhole and old.generated_suite is families.generated_suite
    assert old.factoring(15).expected is True


def test_families_and_graph_do_not_import_torch() -> None:
    import subprocess
    import sys

    code = "import sys, clew, clew.families, clew.graph, clew.bench.families; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
