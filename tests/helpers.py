"""Helpers shared by the tests: example counts, model and proof checks, binary DRAT decoding."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Sequence
from typing import Any

import dratify
import pytest

from cnfgen import dimacs


def require(module: str) -> Any:
    """Import a test dependency that the ``dev`` extra installs. Missing, it
    fails the test (a claim CI must check, not skip), unless the environment
    sets ``CLEW_ALLOW_SKIP=1``."""
    try:
        return importlib.import_module(module)
    except ImportError:
        if os.environ.get("CLEW_ALLOW_SKIP"):
            pytest.skip(f"{module} is not installed (CLEW_ALLOW_SKIP is set)")
        pytest.fail(f"{module} is not installed: pip install -e '.[dev]', or set CLEW_ALLOW_SKIP=1 to skip")


def examples(n: int) -> int:
    """``n`` hypothesis examples, scaled by the HYPOTHESIS_PROFILE (dev: n/5, thorough: 10n)."""
    scale = {"dev": 0.2, "thorough": 10.0}.get(os.environ.get("HYPOTHESIS_PROFILE", "ci"), 1.0)
    return max(1, int(n * scale))


def satisfies(clauses: Iterable[Sequence[int]], model: Sequence[int] | None) -> bool:
    """Independent model check: consistent literals, every clause has a true one."""
    if model is None:
        return False
    true = set(model)
    assert all(-lit not in true for lit in true), "inconsistent model"
    return all(any(lit in true for lit in c) for c in clauses)


def drat_check(num_vars: int, clauses: Sequence[Sequence[int]], proof: str | Sequence[str]) -> dratify.CheckResult:
    """Check a text DRAT proof (text or list of lines) with dratify's independent checker."""
    text = proof if isinstance(proof, str) else "\n".join(proof)
    return dratify.check_proof(dratify.parse_dimacs(dimacs(num_vars, clauses)), text)


def binary_drat_to_text(data: bytes) -> str:
    """Decode binary DRAT (https://github.com/marijnheule/drat-trim#binary-drat-format) to text.

    Each step is ``a`` (0x61) or ``d`` (0x64), then literals as unsigned
    LEB128 varints of ``2*v`` (positive) or ``2*v+1`` (negative), then a zero byte.
    """
    lines: list[str] = []
    i, n = 0, len(data)
    while i < n:
        tag = data[i]
        i += 1
        if tag not in (0x61, 0x64):
            raise ValueError(f"byte {i - 1}: expected 'a' or 'd', got {tag:#x}")
        lits: list[str] = ["d"] if tag == 0x64 else []
        while True:
            if i >= n:
                raise ValueError("truncated binary proof")
            value = shift = 0
            while True:
                byte = data[i]
                i += 1
                value |= (byte & 0x7F) << shift
                shift += 7
                if not byte & 0x80:
                    break
            if value == 0:
                break
            if value == 1:
                raise ValueError("literal encoding 1 is invalid (variable 0)")
            lits.append(str(-(value >> 1) if value & 1 else value >> 1))
        lines.append(" ".join([*lits, "0"]))
    return "\n".join(lines) + ("\n" if lines else "")


def unit_propagate(clauses: Sequence[Sequence[int]], assumptions: Sequence[int]) -> tuple[bool, set[int]]:
    """Naive unit propagation of the assumptions over the clauses: (no conflict, assigned literals)."""
    true: set[int] = set()
    for lit in assumptions:
        if -lit in true:
            return False, true
        true.add(lit)
    changed = True
    while changed:
        changed = False
        for clause in clauses:
            if any(lit in true for lit in clause):
                continue
            open_lits = [lit for lit in clause if -lit not in true]
            if not open_lits:
                return False, true
            if len(open_lits) == 1:
                true.add(open_lits[0])
                changed = True
    return True, true


def run_cli(capsys: Any, *args: str) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of ``clew ARGS`` run in-process, argparse's own exits included."""
    from clew.cli import main

    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
