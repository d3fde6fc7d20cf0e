"""Replay a CDCL search trace (the ``backtrack`` style of the ``sat``
dataset task) against its formula, step by step.

Checked: every decision is on an unassigned variable at the next level;
every propagated literal is unassigned and forced (all other literals of
some original or learnt clause are false); every conflict clause is a
clause of the formula or learnt, and false; every learnt clause follows by
unit propagation from what is known (RUP, what a DRAT checker checks) and
the backjump level is the second-highest level in it; restarts go back to
level 0; a final model satisfies every clause, and an ``Unsatisfiable`` ends
with the empty clause following by unit propagation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from clew._core import DimacsError, InputError
from clew.sat import parse_dimacs

_LIT = re.compile(r"x(\d+)=([01])")


@dataclass(frozen=True)
class SatValidation:
    valid: bool
    line: int = 0
    message: str = ""


def _lits(text: str) -> list[int]:
    return [int(v) if b == "1" else -int(v) for v, b in _LIT.findall(text)]


def _rup(clauses: list[list[int]], assumed: list[int]) -> bool:
    """Whether unit propagation from ``assumed`` reaches a conflict."""
    value: dict[int, bool] = {}
    for lit in assumed:
        if value.get(abs(lit)) == (lit < 0):
            return True
        value[abs(lit)] = lit > 0
    changed = True
    while changed:
        changed = False
        for c in clauses:
            unassigned = None
            count = 0
            for lit in c:
                v = value.get(abs(lit))
                if v is None:
                    unassigned, count = lit, count + 1
                    if count > 1:
                        break
                elif v == (lit > 0):
                    break
            else:
                if count == 0:
                    return True
                value[abs(unassigned)] = unassigned > 0  # type: ignore[arg-type]
                changed = True
    return False


def _clauses(clauses: str | bytes | Sequence[Sequence[int]]) -> list[list[int]]:
    """Clauses as lists of ints: DIMACS text (a dataset's ``puzzle`` column)
    is parsed; anything else that is not clauses of integer literals is an
    InputError."""
    if isinstance(clauses, (str, bytes)):
        try:
            return parse_dimacs(clauses)[1]
        except DimacsError as exc:
            raise InputError(f"clauses: a string must be DIMACS CNF text ({exc})") from None
    try:
        out = [[int(lit) for lit in c] for c in clauses]
    except (TypeError, ValueError):
        raise InputError("clauses must be DIMACS text or an iterable of clauses of integer literals") from None
    if any(lit == 0 for c in out for lit in c):
        raise InputError("0 is not a literal (DIMACS literals are non-zero integers)")
    return out


def validate_sat(text: str, clauses: str | bytes | Sequence[Sequence[int]]) -> SatValidation:
    """Replay ``text`` against ``clauses``: DIMACS literals (lists of non-zero
    ints) or DIMACS CNF text such as a dataset's ``puzzle`` column. Raises
    :class:`clew.InputError` for anything else (text that is not DIMACS,
    non-integer literals)."""
    clauses = _clauses(clauses)
    known = [list(c) for c in clauses]
    keys = {tuple(sorted(c)) for c in known}
    level_of: dict[int, int] = {}  # var -> level
    value: dict[int, bool] = {}
    level = 0

    def false(lit: int) -> bool:
        return value.get(abs(lit)) == (lit < 0)

    def unassign_above(lv: int) -> None:
        for v in [v for v, lvl in level_of.items() if lvl > lv]:
            del level_of[v], value[v]

    lines = text.split("\n")
    for no, line in enumerate(lines, 1):
        if not line:
            continue
        bad = lambda m: SatValidation(False, no, m)  # noqa: E731
        if line.startswith("Decide "):
            (lit,) = _lits(line)
            want = int(line.rsplit(" ", 1)[1])
            if want != level + 1:
                return bad(f"decision at level {want}, expected {level + 1}")
            if abs(lit) in value:
                return bad(f"x{abs(lit)} is already assigned")
            level = want
            value[abs(lit)], level_of[abs(lit)] = lit > 0, level
        elif line.startswith("Propagate "):
            for lit in _lits(line):
                if abs(lit) in value:
                    return bad(f"x{abs(lit)} is already assigned")
                if not any(lit in c and all(false(o) for o in c if o != lit) for c in known):
                    return bad(f"x{abs(lit)}={int(lit > 0)} is not forced by any clause")
                value[abs(lit)], level_of[abs(lit)] = lit > 0, level
        elif line.startswith("Conflict: "):
            c = _lits(line)
            if tuple(sorted(c)) not in keys:
                return bad("the conflict clause is neither in the formula nor learnt")
            if not all(false(lit) for lit in c):
                return bad("the conflict clause is not false")
        elif line.startswith("Learn "):
            c = _lits(line)
            target = int(line.rsplit(" ", 1)[1])
            if not _rup(known, [-lit for lit in c]):
                return bad("the learnt clause does not follow by unit propagation")
            levels = sorted((level_of.get(abs(lit), 0) for lit in c), reverse=True)
            expect = levels[1] if len(levels) > 1 else 0
            if target != expect:
                return bad(f"backtrack to level {target}, expected {expect}")
            known.append(c)
            keys.add(tuple(sorted(c)))
            unassign_above(target)
            level = target
        elif line == "Restart":
            unassign_above(0)
            level = 0
        elif line.startswith("Satisfiable: "):
            model = _lits(line)
            assign = {abs(m): m > 0 for m in model}
            for c in clauses:
                if not any(assign.get(abs(lit)) == (lit > 0) for lit in c):
                    return bad(f"the model falsifies clause {list(c)}")
            return SatValidation(True)
        elif line == "Unsatisfiable":
            # The empty clause must follow by unit propagation from the
            # formula and the learnt clauses (a conflict at level 0).
            if not _rup(known, []):
                return bad("Unsatisfiable, but unit propagation finds no conflict at level 0")
            return SatValidation(True)
        elif line == "...":
            return bad("the trace was cut short")
        else:
            return bad(f"unrecognised line {line!r}")
    return SatValidation(False, len(lines), "the trace has no verdict")
