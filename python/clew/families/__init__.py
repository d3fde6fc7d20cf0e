"""Seeded CNF instance families: G4SATBench's seven, graph colouring and clew's benchmark families.

``names()`` lists them; ``generate(name, n, *, seed, satisfiable=None, **params)``
gives ``n`` formulas (each a list of clauses of DIMACS literals), the same
ones for the same arguments; ``defaults(name)`` gives the size parameters
and their defaults; ``parse_spec("kclique:v=30,k=4")`` reads the CLI
spelling ``NAME[:key=value,...]`` into ``(name, params)``.

``satisfiable=True`` / ``False`` keeps only SAT / UNSAT formulas: known by
construction where the family knows (SR, factoring, BMC counter, pigeonhole,
genhard), otherwise by solving with clew. Formula ``i`` comes from attempt
after attempt of a generator seeded by ``(name, params, seed, attempt)``, so
the result does not depend on what else runs. A filter that cannot be met
(UNSAT pigeonhole asked to be SAT) raises :class:`clew.InputError` after
``max(100, 20 n)`` attempts.

The families and their parameters are listed on docs/families.md; the
generators themselves (``clew.families.pigeonhole`` and the others of
``clew.bench.families``) are re-exported here too.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from clew._core import InputError
from clew.families import _classic, _graphs, _random
from clew.families._classic import *  # noqa: F403
from clew.families._classic import Formula, bmc_counter, chessboard, factoring, is_prime, ordering, parity, pigeonhole
from clew.sat import Solver

__all__ = ["Family", "defaults", "family", "generate", "names", "parse_spec"]
__all__ += _classic.__all__

Clauses = list[list[int]]
Param = int | float | None
# One attempt: the formulas it gives, each with its answer when known.
Attempt = list[tuple[Clauses, bool | None]]


@dataclass(frozen=True)
class Family:
    """A named generator: ``make(rng, params)`` is one attempt; ``defaults`` its size parameters."""

    name: str
    summary: str
    defaults: Mapping[str, Param]
    make: Callable[[random.Random, dict[str, Any]], Attempt]
    check: Callable[[dict[str, Any]], None] = lambda params: None


def _need(ok: bool, message: str) -> None:
    if not ok:
        raise InputError(message)


def _unknown(clauses: Clauses) -> Attempt:
    return [(clauses, None)]


def _sr(rng: random.Random, p: dict[str, Any]) -> Attempt:
    sat, unsat = _random.sr_pair(rng, p["n"])
    return [(sat, True), (unsat, False)]


def _ksat(rng: random.Random, p: dict[str, Any]) -> Attempt:
    m = p["m"] if p["m"] is not None else round(p["ratio"] * p["n"])
    return _unknown(_random.ksat(rng, p["n"], p["k"], m))


def _ca(rng: random.Random, p: dict[str, Any]) -> Attempt:
    return _unknown(_random.community_attachment(rng, p["n"], p["m"], p["k"], p["c"], p["Q"]))


def _ps(rng: random.Random, p: dict[str, Any]) -> Attempt:
    return _unknown(_random.popularity_similarity(rng, p["n"], p["m"], p["k"], p["T"], p["beta"], p["beta_c"]))


def _graph_family(
    encode: Callable[[_graphs.Edges, int, int], Clauses],
    threshold: Callable[[int, int], float],
    size: str,
) -> Callable[[random.Random, dict[str, Any]], Attempt]:
    def make(rng: random.Random, p: dict[str, Any]) -> Attempt:
        edge_p = p["p"] if p["p"] is not None else threshold(p["v"], p[size])
        return _unknown(encode(_graphs.random_graph(rng, p["v"], edge_p), p["v"], p[size]))

    return make


def _factoring(rng: random.Random, p: dict[str, Any]) -> Attempt:
    bits = p["bits"]

    def prime(b: int) -> int:
        while True:
            x = rng.randrange(1 << (b - 1), 1 << b) | 1
            if is_prime(x):
                return x

    # Half semiprimes of two `bits`-bit primes (SAT), half primes of 2 * bits bits (UNSAT).
    n = prime(bits) * prime(bits) if rng.random() < 0.5 else prime(2 * bits)
    f = factoring(n)
    return [(f.clauses, f.expected)]


def _bmc(rng: random.Random, p: dict[str, Any]) -> Attempt:
    bits = p["bits"]
    target = p["target"] if p["target"] is not None else rng.randrange(1, 1 << bits)
    steps = p["steps"] if p["steps"] is not None else max(0, target - rng.randrange(2))
    f = bmc_counter(bits, target, steps)
    return [(f.clauses, f.expected)]


def _shuffled(formula: Formula, rng: random.Random) -> Attempt:
    """A copy with variables renamed and clauses reordered (same answer):
    families of one formula per size give distinct instances this way."""
    perm = list(range(1, formula.num_vars + 1))
    rng.shuffle(perm)
    clauses = [[perm[abs(lit) - 1] * (1 if lit > 0 else -1) for lit in c] for c in formula.clauses]
    rng.shuffle(clauses)
    return [(clauses, formula.expected)]


def _positive(*keys: str) -> Callable[[dict[str, Any]], None]:
    def check(p: dict[str, Any]) -> None:
        for key in keys:
            if p[key] is not None:
                _need(p[key] >= 1, f"{key} must be at least 1, got {p[key]}")

    return check


def _check_ksat(p: dict[str, Any]) -> None:
    _positive("n", "k", "m")(p)
    _need(p["k"] <= p["n"], f"k={p['k']} needs at least k variables, got n={p['n']}")
    _need(p["ratio"] > 0, f"ratio must be positive, got {p['ratio']}")


def _check_ca(p: dict[str, Any]) -> None:
    _positive("n", "m", "k", "c")(p)
    _need(p["c"] >= p["k"], f"ca needs c >= k (a clause may take k distinct communities), got c={p['c']}, k={p['k']}")
    _need(p["n"] >= p["c"] * p["k"], f"ca needs n >= c * k variables, got n={p['n']}")
    _need(0 <= p["Q"] <= 1 - 1 / p["c"], f"Q must be in [0, 1 - 1/c] = [0, {1 - 1 / p['c']:.3f}], got {p['Q']}")


def _check_ps(p: dict[str, Any]) -> None:
    _positive("n", "m", "k")(p)
    _need(p["k"] <= p["n"], f"k={p['k']} needs at least k variables, got n={p['n']}")
    _need(p["T"] > 0, f"T must be positive, got {p['T']}")
    for key in ("beta", "beta_c"):
        _need(0 < p[key] <= 1, f"{key} must be in (0, 1], got {p[key]}")


def _check_graph(size: str) -> Callable[[dict[str, Any]], None]:
    def check(p: dict[str, Any]) -> None:
        _positive("v", size)(p)
        _need(p[size] <= p["v"], f"{size}={p[size]} is more than v={p['v']} vertices")
        _need(p["p"] is None or 0 <= p["p"] <= 1, f"p must be in [0, 1], got {p['p']}")

    return check


def _check_bmc(p: dict[str, Any]) -> None:
    _positive("bits", "target")(p)
    _need(p["bits"] <= 16, f"bits must be at most 16, got {p['bits']}")
    _need(p["target"] is None or p["target"] < 1 << p["bits"], f"target must be below 2^bits = {1 << p['bits']}")
    _need(p["steps"] is None or p["steps"] >= 0, f"steps must be 0 or more, got {p['steps']}")


def _check_factoring(p: dict[str, Any]) -> None:
    _need(2 <= p["bits"] <= 32, f"bits must be in 2..32, got {p['bits']}")


_FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family("sr", "NeuroSAT's SR(n): random clauses until UNSAT; SAT sibling and UNSAT formula", {"n": 40}, _sr,
               _positive("n")),
        Family("ksat", "uniform random k-SAT, m = ratio * n clauses unless m is given",
               {"n": 40, "k": 3, "ratio": 4.26, "m": None}, _ksat, _check_ksat),
        Family("ca", "community attachment (Giráldez-Cru & Levy 2015): c communities, modularity Q",
               {"n": 60, "m": 235, "k": 3, "c": 5, "Q": 0.7}, _ca, _check_ca),
        Family("ps", "popularity-similarity (Giráldez-Cru & Levy 2017): temperature T",
               {"n": 60, "m": 150, "k": 3, "T": 0.75, "beta": 1.0, "beta_c": 1.0}, _ps, _check_ps),
        Family("kclique", "a k-clique in G(v, p); p defaults to the threshold",
               {"v": 20, "k": 4, "p": None}, _graph_family(_graphs.kclique, _graphs.clique_threshold, "k"),
               _check_graph("k")),
        Family("kdomset", "a dominating set of k vertices in G(v, p)",
               {"v": 20, "k": 4, "p": None}, _graph_family(_graphs.kdomset, _graphs.domset_threshold, "k"),
               _check_graph("k")),
        Family("kvcover", "a vertex cover of k vertices in G(v, p)",
               {"v": 20, "k": 12, "p": None}, _graph_family(_graphs.kvcover, _graphs.vcover_threshold, "k"),
               _check_graph("k")),
        Family("coloring", "a c-colouring of G(v, p); p defaults to the colourability threshold",
               {"v": 40, "c": 3, "p": None}, _graph_family(_graphs.coloring, _graphs.coloring_threshold, "c"),
               _check_graph("c")),
        Family("factoring", "N = p * q: semiprimes of two bits-bit primes (SAT) or primes of 2 bits bits (UNSAT)",
               {"bits": 8}, _factoring, _check_factoring),
        Family("bmc-counter", "can a bits-bit counter reach target within steps (random when not given)",
               {"bits": 4, "target": None, "steps": None}, _bmc, _check_bmc),
        Family("php", "pigeonhole PHP(holes), UNSAT; shuffled copies",
               {"holes": 6}, lambda rng, p: _shuffled(pigeonhole(p["holes"]), rng), _positive("holes")),
        Family("genhard-par", "PySAT genhard PAR(size), UNSAT; shuffled copies (needs PySAT)",
               {"size": 4}, lambda rng, p: _shuffled(parity(p["size"]), rng), _positive("size")),
        Family("genhard-gt", "PySAT genhard GT(size), UNSAT; shuffled copies (needs PySAT)",
               {"size": 8}, lambda rng, p: _shuffled(ordering(p["size"]), rng), _positive("size")),
        Family("genhard-cb", "PySAT genhard CB(size), UNSAT; shuffled copies (needs PySAT)",
               {"size": 3}, lambda rng, p: _shuffled(chessboard(p["size"]), rng), _positive("size")),
    )
}


def names() -> list[str]:
    """The family names, as ``generate`` and ``--family`` take them."""
    return list(_FAMILIES)


def family(name: str) -> Family:
    """The family called ``name``; :class:`clew.InputError` listing the names if there is none."""
    try:
        return _FAMILIES[name]
    except KeyError:
        raise InputError(f"unknown family {name!r} (expected one of {', '.join(_FAMILIES)})") from None


def defaults(name: str) -> dict[str, Param]:
    """The size parameters of family ``name`` with their defaults (None: derived, see the docs)."""
    return dict(family(name).defaults)


def _params(fam: Family, given: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(given) - set(fam.defaults))
    if unknown:
        raise InputError(
            f"unknown parameter {unknown[0]!r} for family {fam.name!r} (expected {', '.join(fam.defaults) or 'none'})"
        )
    params = dict(fam.defaults)
    for key, value in given.items():
        default = fam.defaults[key]
        if value is None:
            params[key] = None
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(f"{fam.name} parameter {key} must be a number, got {value!r}")
        is_float = isinstance(default, float) or (default is None and key in _FLOAT_PARAMS)
        if not is_float and (not float(value).is_integer()):
            raise InputError(f"{fam.name} parameter {key} must be an integer, got {value!r}")
        if not math.isfinite(value):
            raise InputError(f"{fam.name} parameter {key} must be finite, got {value!r}")
        params[key] = float(value) if is_float else int(value)
    fam.check(params)
    return params


# Parameters whose default is None (derived) but whose value is a float.
_FLOAT_PARAMS = frozenset({"p"})


def _answer(clauses: Clauses) -> bool:
    with Solver(bootstrap_with=clauses) as solver:
        return bool(solver.solve())


def generate(
    name: str, n: int, /, *, seed: int, satisfiable: bool | None = None, **params: Any
) -> list[Clauses]:
    """``n`` formulas of family ``name`` (each a list of clauses), deterministic for ``seed``.

    ``name`` and ``n`` are positional-only, so that a family's own size
    parameter ``n`` (SR, k-SAT, CA, PS: variables) goes in ``params``:
    ``generate("sr", 100, seed=0, n=40)`` is 100 formulas of SR(40).
    ``satisfiable`` True / False keeps only SAT / UNSAT ones; ``params`` are
    the family's size parameters (:func:`defaults`). SR gives its pairs in
    order, SAT sibling then UNSAT formula, when ``satisfiable`` is None.
    """
    fam = family(name)
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise InputError(f"n must be a non-negative integer, got {n!r}")
    if satisfiable is not None and not isinstance(satisfiable, bool):
        raise InputError(f"satisfiable must be True, False or None, got {satisfiable!r}")
    p = _params(fam, params)
    key = ",".join(f"{k}={p[k]}" for k in sorted(p))
    out: list[Clauses] = []
    attempts = max(100, 20 * n)
    for attempt in range(attempts):
        if len(out) >= n:
            break
        rng = random.Random(f"clew.families:{name}:{key}:{seed}:{attempt}")
        for clauses, expected in fam.make(rng, p):
            if satisfiable is not None:
                answer = expected if expected is not None else _answer(clauses)
                if answer != satisfiable:
                    continue
            out.append(clauses)
    else:
        if len(out) < n:
            kind = "satisfiable" if satisfiable else "unsatisfiable"
            raise InputError(
                f"family {name!r} ({key}) gave {len(out)} {kind} formulas of {n} in {attempts} attempts;"
                " change its parameters or the satisfiable filter"
            )
    return out[:n]


def parse_spec(spec: str) -> tuple[str, dict[str, Any]]:
    """``"NAME[:key=value,...]"`` (e.g. ``"sr:n=40"``, ``"kclique:v=30,k=4"``) -> ``(name, params)``.

    Values are read as the parameter's type (int or float; ``none`` for a
    derived default); unknown names and keys and bad values are :class:`clew.InputError`.
    """
    if not isinstance(spec, str) or not spec.strip():
        raise InputError(f"a family spec is NAME[:key=value,...], got {spec!r}")
    name, _, rest = spec.strip().partition(":")
    fam = family(name.strip())
    given: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, text = part.partition("=")
        key, text = key.strip(), text.strip()
        if not eq or not key or not text:
            raise InputError(f"family spec {spec!r}: {part!r} is not key=value")
        if key not in fam.defaults:
            _params(fam, {key: 0})  # raises the unknown-parameter error
        if key in given:
            raise InputError(f"family spec {spec!r}: {key} given twice")
        given[key] = _number(text, spec, key)
    checked = _params(fam, given)
    return fam.name, {k: checked[k] for k in given}


def _number(text: str, spec: str, key: str) -> int | float | None:
    if text.lower() == "none":
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise InputError(f"family spec {spec!r}: {key}={text!r} is not a number") from None
