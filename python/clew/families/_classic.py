"""The benchmark families (formerly ``clew.bench.families``, still importable there):
factoring, BMC counter, pigeonhole, random k-SAT, PySAT's genhard.

Every generator returns a :class:`Formula` ``(num_vars, clauses, expected)``:
``clauses`` is a ``list[list[int]]`` of DIMACS literals and ``expected`` is
``True`` (satisfiable), ``False`` (unsatisfiable) or ``None`` (unknown).
It is a ``NamedTuple``, so ``f.num_vars, f.clauses, f.expected`` or
``nv, clauses, expected = f`` both work. Random families take a ``seed``;
the same arguments always give the same formula.

Only the ``genhard`` wrappers (:func:`parity`, :func:`ordering`,
:func:`chessboard`) need PySAT, and they import it when called.

:func:`generated_suite` lists the instances ``clew bench sat --generated`` runs.
"""

from __future__ import annotations

import functools
import itertools
import random
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

__all__ = [
    "Formula",
    "GeneratedInstance",
    "bmc_counter",
    "chessboard",
    "check_model",
    "factoring",
    "factoring_circuit",
    "generated_suite",
    "is_prime",
    "ordering",
    "parity",
    "php",
    "pigeonhole",
    "random_3sat",
    "random_ksat",
    "self_check",
]


class Formula(NamedTuple):
    """A CNF formula with its answer when known (True SAT, False UNSAT, None unknown)."""

    num_vars: int
    clauses: list[list[int]]
    expected: bool | None = None


def check_model(clauses: Iterable[Sequence[int]], model: Iterable[int]) -> bool:
    """True when every clause has a literal that is true in ``model``.

    ``model`` is a list of signed literals (PySAT's ``get_model()``); variables
    missing from it count as unassigned, so a clause satisfied only by them fails."""
    true = set(model)
    return all(any(lit in true for lit in clause) for clause in clauses)


# --------------------------------------------------------------------------- random


def random_ksat(num_vars: int, seed: int, ratio: float = 4.26, k: int = 3) -> Formula:
    """Uniform random k-SAT: ``round(ratio * num_vars)`` clauses of ``k`` distinct
    variables with random signs (SATLIB's uf/uuf model). Answer unknown."""
    if num_vars < k:
        raise ValueError(f"need at least {k} variables, got {num_vars}")
    rng = random.Random(f"random-{k}sat:{num_vars}:{ratio}:{seed}")
    num_clauses = round(ratio * num_vars)
    variables = range(1, num_vars + 1)
    clauses = [
        [v if rng.random() < 0.5 else -v for v in rng.sample(variables, k)]
        for _ in range(num_clauses)
    ]
    return Formula(num_vars, clauses, None)


def random_3sat(num_vars: int, seed: int, ratio: float = 4.26) -> Formula:
    """Uniform random 3-SAT at ``ratio`` (default 4.26, the threshold: about half are SAT)."""
    return random_ksat(num_vars, seed, ratio, 3)


# --------------------------------------------------------------------------- crafted


def pigeonhole(holes: int) -> Formula:
    """PHP(n): ``n + 1`` pigeons into ``n`` holes, at most one per hole (UNSAT).

    Same variables and clause order as PySAT's ``genhard.PHP(n)``: variable
    ``(i - 1) * n + j`` says pigeon ``i`` sits in hole ``j``."""
    if holes < 1:
        raise ValueError("PHP needs at least one hole")
    n = holes

    def var(i: int, j: int) -> int:
        return (i - 1) * n + j

    clauses = [[var(i, j) for j in range(1, n + 1)] for i in range(1, n + 2)]
    for j in range(1, n + 1):
        for a, b in itertools.combinations(range(1, n + 2), 2):
            clauses.append([-var(a, j), -var(b, j)])
    return Formula((n + 1) * n, clauses, False)


php = pigeonhole


def _genhard(kind: str, *args: int) -> Formula:
    from pysat.examples import genhard  # type: ignore[import-untyped]  # lazy: only these need PySAT

    cnf = getattr(genhard, kind)(*args)
    return Formula(int(cnf.nv), [list(c) for c in cnf.clauses], False)


def parity(size: int) -> Formula:
    """PySAT ``genhard.PAR(size)``: no perfect matching on ``2*size + 1`` nodes (UNSAT)."""
    return _genhard("PAR", size)


def ordering(size: int) -> Formula:
    """PySAT ``genhard.GT(size)``: every partial order on ``size`` elements has a maximal one (UNSAT)."""
    return _genhard("GT", size)


def chessboard(size: int) -> Formula:
    """PySAT ``genhard.CB(size)``: mutilated ``2size x 2size`` chessboard domino tiling (UNSAT)."""
    return _genhard("CB", size)


# --------------------------------------------------------------------------- circuits


class _Circuit:
    """Tseitin encoder with constant folding. Constants are the literals
    ``self.true`` / ``-self.true`` of a variable fixed by a unit clause."""

    def __init__(self) -> None:
        self.num_vars = 0
        self.clauses: list[list[int]] = []
        self.true = self.new_var()
        self.clauses.append([self.true])

    @property
    def false(self) -> int:
        return -self.true

    def new_var(self) -> int:
        self.num_vars += 1
        return self.num_vars

    def is_const(self, a: int) -> bool:
        return abs(a) == self.true

    def and2(self, a: int, b: int) -> int:
        t, f = self.true, self.false
        if a == f or b == f or a == -b:
            return f
        if a == t or a == b:
            return b
        if b == t:
            return a
        z = self.new_var()
        self.clauses += [[-z, a], [-z, b], [z, -a, -b]]
        return z

    def or2(self, a: int, b: int) -> int:
        return -self.and2(-a, -b)

    def and_all(self, lits: Sequence[int]) -> int:
        """z <-> AND(lits), one gate."""
        t, f = self.true, self.false
        rest = []
        for a in lits:
            if a == f:
                return f
            if a != t:
                rest.append(a)
        rest = list(dict.fromkeys(rest))
        if any(-a in rest for a in rest):
            return f
        if not rest:
            return t
        if len(rest) == 1:
            return rest[0]
        z = self.new_var()
        self.clauses += [[-z, a] for a in rest]
        self.clauses.append([z] + [-a for a in rest])
        return z

    def xor2(self, a: int, b: int) -> int:
        t, f = self.true, self.false
        if a == f:
            return b
        if b == f:
            return a
        if a == t:
            return -b
        if b == t:
            return -a
        if a == b:
            return f
        if a == -b:
            return t
        z = self.new_var()
        self.clauses += [[-z, a, b], [-z, -a, -b], [z, -a, b], [z, a, -b]]
        return z

    def maj3(self, a: int, b: int, c: int) -> int:
        t, f = self.true, self.false
        for x, y, k in ((a, b, c), (a, c, b), (b, c, a)):
            if k == f:
                return self.and2(x, y)
            if k == t:
                return self.or2(x, y)
        z = self.new_var()
        self.clauses += [[-z, a, b], [-z, a, c], [-z, b, c], [z, -a, -b], [z, -a, -c], [z, -b, -c]]
        return z

    def full_add(self, a: int, b: int, c: int) -> tuple[int, int]:
        return self.xor2(self.xor2(a, b), c), self.maj3(a, b, c)

    def fix(self, a: int, value: bool) -> None:
        self.clauses.append([a if value else -a])


def is_prime(n: int) -> bool:
    """Deterministic Miller-Rabin (exact for n < 3.3e24)."""
    if n < 2:
        return False
    small = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41)
    for p in small:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for a in small:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def factoring_circuit(n: int) -> tuple[Formula, list[int], list[int]]:
    """:func:`factoring` plus the literals of the factors' bits, least significant
    first (decode a model with ``sum(1 << i for i, l in enumerate(p) if l in model)``).
    Bits fixed to 0 are returned as the constant-false literal."""
    if n < 4:
        raise ValueError("factoring needs N >= 4")
    c = _Circuit()
    # p, q >= 2 implies p, q <= N/2 < 2^(w-1): w-1 bits each suffice.
    w = max(n.bit_length() - 1, 2)
    p = [c.new_var() for _ in range(w)]
    q = [c.new_var() for _ in range(w)]
    width = 2 * w  # the full product: no overflow
    acc = [c.false] * width
    for i, qi in enumerate(q):  # shift-and-add array multiplier, ripple-carry rows
        carry = c.false
        for j in range(i, width):
            pp = c.and2(p[j - i], qi) if j - i < w else c.false
            acc[j], carry = c.full_add(acc[j], pp, carry)
    for j, bit in enumerate(acc):
        c.fix(bit, bool(n >> j & 1))
    c.clauses.append(p[1:])  # p > 1
    c.clauses.append(q[1:])  # q > 1
    return Formula(c.num_vars, c.clauses, not is_prime(n)), p, q


def factoring(n: int) -> Formula:
    """Is N = p * q with p, q > 1? An array multiplier (AND partial products,
    ripple-carry full adders, Tseitin gates) whose product bits are fixed to N.
    SAT for composite N, UNSAT for prime N."""
    return factoring_circuit(n)[0]


def bmc_counter(bits: int, target: int, steps: int) -> Formula:
    """Bounded model checking: can a ``bits``-bit counter that starts at 0, with an
    enable and a (synchronous) reset input each step, hold ``target`` at some
    step ``t <= steps``? Unrolled ``steps`` times; SAT iff ``steps >= target``."""
    if not 0 < target < 1 << bits:
        raise ValueError(f"target must be in 1..{(1 << bits) - 1}")
    if steps < 0:
        raise ValueError("steps must be >= 0")
    c = _Circuit()
    state = [c.false] * bits  # initial state 0
    hit = []

    def equals_target(s: list[int]) -> int:
        return c.and_all([b if target >> i & 1 else -b for i, b in enumerate(s)])

    hit.append(equals_target(state))
    for _ in range(steps):
        enable, reset = c.new_var(), c.new_var()
        carry = enable
        nxt = []
        for b in state:
            nxt.append(c.and2(c.xor2(b, carry), -reset))
            carry = c.and2(b, carry)
        state = nxt
        hit.append(equals_target(state))
    c.clauses.append([h for h in hit if h != c.false] or [c.false])
    return Formula(c.num_vars, c.clauses, steps >= target)


def self_check(solve: Callable[[list[list[int]]], tuple[bool | None, list[int] | None]]) -> int:
    """Check the structured encodings on small sizes with a trusted ``solve``
    (clauses -> (answer, model)): factoring for every N in 4..150 (answer,
    model, and the decoded factors), the BMC counter for 2-3 bits and every
    target and bound around it, PHP(1..5). Raises AssertionError; returns the
    number of formulas checked."""
    checked = 0
    for n in range(4, 151):
        f, p, q = factoring_circuit(n)
        ok, model = solve(f.clauses)
        assert ok == f.expected, f"factoring({n}): got {ok}, expected {f.expected}"
        if ok:
            assert model is not None and check_model(f.clauses, model), f"factoring({n}): bad model"
            m = set(model)
            a = sum(1 << i for i, lit in enumerate(p) if lit in m)
            b = sum(1 << i for i, lit in enumerate(q) if lit in m)
            assert a * b == n and a > 1 and b > 1, f"factoring({n}): decoded {a} * {b}"
        checked += 1
    for bits in (2, 3):
        for target in range(1, 1 << bits):
            for steps in range(max(0, target - 2), target + 2):
                f = bmc_counter(bits, target, steps)
                ok, model = solve(f.clauses)
                assert ok == f.expected, f"bmc_counter({bits}, {target}, {steps}): got {ok}"
                assert not ok or (model is not None and check_model(f.clauses, model))
                checked += 1
    for holes in range(1, 6):
        assert solve(pigeonhole(holes).clauses)[0] is False, f"PHP({holes}) not UNSAT"
        checked += 1
    return checked


# --------------------------------------------------------------------------- the suite


class GeneratedInstance(NamedTuple):
    """One generated benchmark instance: ``make()`` builds its :class:`Formula`
    (a picklable ``functools.partial``, so a worker process can rebuild it)."""

    family: str
    name: str
    make: Callable[[], Formula]


def _inst(family: str, name: str, fn: Callable[..., Formula], *args: int) -> GeneratedInstance:
    return GeneratedInstance(family, name, functools.partial(fn, *args))


def _semiprime(bits: int, seed: int) -> int:
    """A product of two primes of about ``bits`` bits each (seeded)."""
    rng = random.Random(f"semiprime:{bits}:{seed}")

    def prime() -> int:
        while True:
            x = rng.randrange(1 << (bits - 1), 1 << bits) | 1
            if is_prime(x):
                return x

    return prime() * prime()


def _prime(bits: int, seed: int) -> int:
    rng = random.Random(f"prime:{bits}:{seed}")
    while True:
        x = rng.randrange(1 << (bits - 1), 1 << bits) | 1
        if is_prime(x):
            return x


def generated_suite(smoke: bool = False) -> list[GeneratedInstance]:
    """The generated benchmark families. Sizes are chosen so MiniSat 2.2 needs
    roughly 0.1-10 s per instance on a 2-core x86-64 machine; ``smoke=True``
    gives tiny instances (milliseconds) for CI."""
    out: list[GeneratedInstance] = []
    if smoke:
        out += [_inst("random3sat-50", f"r3-50-s{s}", random_3sat, 50, s) for s in range(3)]
        out += [_inst("php", f"php-{n}", pigeonhole, n) for n in (4, 5)]
        out += [_inst("genhard-par", f"par-{n}", parity, n) for n in (3, 4)]
        out += [_inst("genhard-gt", f"gt-{n}", ordering, n) for n in (6, 8)]
        out += [_inst("genhard-cb", f"cb-{n}", chessboard, n) for n in (2,)]
        out += [_inst("factoring", f"fact-{n}", factoring, n) for n in (143, 251)]
        out += [_inst("bmc-counter", f"ctr-4b-x{x}-t{t}", bmc_counter, 4, x, t) for x, t in ((9, 9), (9, 8))]
        return out
    out += [_inst("random3sat-200", f"r3-200-s{s}", random_3sat, 200, s) for s in range(20)]
    out += [_inst("random3sat-250", f"r3-250-s{s}", random_3sat, 250, s) for s in range(10)]
    out += [_inst("php", f"php-{n}", pigeonhole, n) for n in (8, 9, 10)]
    out += [_inst("genhard-par", f"par-{n}", parity, n) for n in _SIZES["par"]]
    out += [_inst("genhard-gt", f"gt-{n}", ordering, n) for n in _SIZES["gt"]]
    out += [_inst("genhard-cb", f"cb-{n}", chessboard, n) for n in _SIZES["cb"]]
    for bits, seed in _SIZES["semiprime"]:
        n = _semiprime(bits, seed)
        out.append(_inst("factoring", f"fact-sp{2 * bits}-{n}", factoring, n))
    for bits, seed in _SIZES["prime"]:
        n = _prime(bits, seed)
        out.append(_inst("factoring", f"fact-p{bits}-{n}", factoring, n))
    for bits, target, steps in _SIZES["bmc"]:
        out.append(_inst("bmc-counter", f"ctr-{bits}b-x{target}-t{steps}", bmc_counter, bits, target, steps))
    return out


# Calibrated with MiniSat 2.2 in PySAT 1.9 on a 2-core x86-64 machine (seconds in comments);
# the last of each family is the hard end (a few seconds up to ~30 s for MiniSat).
_SIZES: dict[str, list[Any]] = {
    "par": [5, 6],  # 0.09, 1.5  (PAR(7) > 30 s)
    "gt": [14, 16, 18, 20],  # 0.3, 0.6, 2.2, 6.1  (GT(25) > 30 s)
    "cb": [4, 5, 6],  # 0.03, 0.4, 29
    "semiprime": [(12, 0), (13, 0), (14, 0), (15, 0)],  # 24..30-bit N: 1.7, 1.9, 2.6, 6.0
    "prime": [(20, 0), (22, 0), (24, 0)],  # 0.6, 1.8, 3.5
    "bmc": [(7, 100, 100), (7, 100, 99), (8, 255, 255), (8, 255, 254), (9, 400, 400), (9, 400, 399)],
    # 0.1, 0.1, 1.8, 1.1, 4.6, 6.6
}
