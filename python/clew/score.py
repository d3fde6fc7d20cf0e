"""Scorers for model outputs on clew's tasks: ``clew.score(task, completion, entry, rules=...)``.

Countdown rule sets:

* ``"strict"`` (default): the answer is the last ``<answer>...</answer>`` of
  the completion (or the whole completion without tags), an optional trailing
  ``= target`` is allowed; it must be an arithmetic expression of integers with
  ``+ - * / ( )`` that uses every number of the entry exactly once and whose
  exact (rational) value is the target. Returns 1.0 or 0.0.
* ``"reasoning_gym"``: reasoning-gym's ``CountdownDataset.score_answer(answer,
  entry)`` value for ``answer = completion`` (0.01 no/unparsable answer, 0.05
  wrong numbers or value, 1.0 right within ``numpy.isclose``). Plain
  arithmetic is evaluated here, exactly as sympy would; anything else (``**``,
  ``!``, names, decimals...) is handed to sympy's ``parse_expr`` like
  reasoning-gym does (so, like reasoning-gym, do not score untrusted text
  with it) and scores 0.01 when sympy is not installed. Pass
  ``extract=True`` to take the last ``<answer>`` first, as reasoning-gym's
  evaluation scripts do.
* ``"tinyzero"``: TinyZero's ``countdown.compute_score(completion,
  {"target", "numbers"})``: 0 when no ``<answer>`` follows ``Assistant:`` /
  ``<|im_start|>assistant`` on the last line, 0.1 for a wrong answer, 1.0 for
  a right one. Evaluated with Python's semantics without ``eval``.

``entry`` may be ``{"numbers": [...], "target": n}``, a reasoning-gym entry
(``entry["metadata"]["numbers"]``) or a clew ``CountdownTrace``.

Sudoku (``rules="strict"``, the only rule set): ``entry`` gives ``puzzle`` (a
dict with ``"puzzle"`` and optionally ``"box"``, a clew ``SudokuTrace``, or the
puzzle text itself: n² characters, ``.`` or ``0`` for a blank). The answer is
the last ``<answer>...</answer>`` of the completion, else the completion's last
non-empty line, with whitespace removed: it must be n² symbols (``1``-``9``, then
``A``-``P`` for the larger sizes) forming a complete grid the engine accepts
(:func:`clew.sudoku.count_solutions` of the full grid is 1: every row, column and
box holds each symbol once) that keeps every given of the puzzle. Returns 1.0 or 0.0.
"""

from __future__ import annotations

import ast
import math
import re
from fractions import Fraction
from typing import Any

__all__ = ["score", "RULES", "TASKS"]

RULES = ("strict", "reasoning_gym", "tinyzero")
#: The tasks :func:`score` scores.
TASKS = ("countdown", "sudoku")


def _numbers_target(entry: Any) -> tuple[list[int], int]:
    if hasattr(entry, "numbers") and hasattr(entry, "target"):
        return [int(n) for n in entry.numbers], int(entry.target)
    if isinstance(entry, dict):
        if "numbers" in entry and "target" in entry:
            return [int(n) for n in entry["numbers"]], int(entry["target"])
        meta = entry.get("metadata")
        if isinstance(meta, dict) and "numbers" in meta and "target" in meta:
            return [int(n) for n in meta["numbers"]], int(meta["target"])
    raise ValueError("entry must give 'numbers' and 'target' (directly or under 'metadata')")


# ---------------------------------------------------------------- strict

_ANSWER_RE = re.compile(r"<answer>(.*?)</answer>", re.DOTALL)
_STRICT_CHARS = re.compile(r"^[0-9+\-*/() \t\n]+$")


def _fraction(node: ast.AST) -> Fraction:
    """Exact value of a parsed + - * / ( ) expression over integers (unary
    minus allowed). Raises ValueError where the text is not such an
    expression and ZeroDivisionError on division by zero."""
    if isinstance(node, ast.Expression):
        return _fraction(node.body)
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return Fraction(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _fraction(node.operand)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp):
        a, b = _fraction(node.left), _fraction(node.right)
        if isinstance(node.op, ast.Add):
            return a + b
        if isinstance(node.op, ast.Sub):
            return a - b
        if isinstance(node.op, ast.Mult):
            return a * b
        if isinstance(node.op, ast.Div):
            if b == 0:
                raise ZeroDivisionError
            return a / b
    raise ValueError("not plain arithmetic")


def _exact_eval(text: str) -> Fraction | None:
    """Exact value of + - * / ( ) over integers (unary minus allowed)."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return None
    try:
        return _fraction(tree)
    except (ValueError, ZeroDivisionError, RecursionError):
        return None


def _strict(completion: str, numbers: list[int], target: int) -> float:
    matches = _ANSWER_RE.findall(completion)
    answer = matches[-1] if matches else completion
    answer = answer.strip()
    if "=" in answer:
        left, _, right = answer.partition("=")
        if right.strip() != str(target):
            return 0.0
        answer = left.strip()
    if not answer or not _STRICT_CHARS.match(answer):
        return 0.0
    used = [int(n) for n in re.findall(r"[0-9]+", answer)]
    if sorted(used) != sorted(numbers):
        return 0.0
    value = _exact_eval(answer)
    return 1.0 if value is not None and value == target else 0.0


# ---------------------------------------------------------------- reasoning-gym

_RG_INTS = re.compile(r"\b\d+\b")
# Plain arithmetic sympy reads as Python does: ints without leading zeros.
_RG_PLAIN = re.compile(r"^[0-9+\-*/() \t\n]*$")
_RG_LEADING_ZERO = re.compile(r"(?<![0-9])0[0-9]")


class _Unsure(Exception):
    """This input needs sympy itself."""


def _rg_plain_value(answer: str) -> float:
    """float(parse_expr(answer)) for plain arithmetic, exactly as sympy (exact
    rationals, then one rounding). Raises _Unsure where sympy's result is not
    a plain number (division by zero) or the text is not plain, and
    SyntaxError where Python (and so sympy) cannot parse it."""
    if not _RG_PLAIN.match(answer) or "**" in answer or "//" in answer:
        raise _Unsure
    if _RG_LEADING_ZERO.search(answer):
        raise _Unsure
    tree = ast.parse(answer.strip(), mode="eval")
    try:
        value = _fraction(tree)
    except (ValueError, ZeroDivisionError):
        raise _Unsure from None  # zoo / nan, or not plain: let sympy decide
    return float(value)


def _rg_sympy_value(answer: str) -> float:
    from sympy.parsing.sympy_parser import parse_expr  # type: ignore  # reasoning-gym's own parser

    return float(parse_expr(answer))


def _isclose(a: float, b: float) -> bool:
    # numpy.isclose(a, b, atol=1e-6) with its default rtol=1e-5.
    if math.isnan(a) or math.isnan(b):
        return False
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= 1e-6 + 1e-5 * abs(b)


def _reasoning_gym(answer: str | None, numbers: list[int], target: int) -> float:
    if answer is None or not answer.strip():
        return 0.01
    try:
        try:
            value = _rg_plain_value(answer)
        except _Unsure:
            try:
                value = _rg_sympy_value(answer)
            except ImportError:
                return 0.01
        used = [int(m) for m in _RG_INTS.findall(answer)]
        if sorted(used) != sorted(numbers):
            return 0.05
        if _isclose(value, target):
            return 1.0
        return 0.05
    except Exception:
        return 0.01


def _rg_extract(completion: str) -> str | None:
    matches = list(re.finditer(r"<answer>\s?(.*?)\s?</answer>", completion, flags=re.DOTALL))
    if not matches:
        return None
    return matches[-1].group(1).strip()


# ---------------------------------------------------------------- TinyZero

_TZ_ALLOWED = re.compile(r"^[\d+\-*/().\s]+$")


def _tz_extract(solution_str: str) -> str | None:
    if "Assistant:" in solution_str:
        solution_str = solution_str.split("Assistant:", 1)[1]
    elif "<|im_start|>assistant" in solution_str:
        solution_str = solution_str.split("<|im_start|>assistant", 1)[1]
    else:
        return None
    solution_str = solution_str.split("\n")[-1]
    matches = list(re.finditer(r"<answer>(.*?)</answer>", solution_str))
    return matches[-1].group(1).strip() if matches else None


def _tz_eval(equation: str) -> Any:
    """eval(equation) for TinyZero's allowed characters, without eval: the
    same Python numbers, or None where eval would raise. Powers whose result
    would be astronomically large are treated as a wrong value (eval would
    compute a huge number, or hang)."""
    if not _TZ_ALLOWED.match(equation):
        return None
    try:
        tree = ast.parse(equation, mode="eval")
    except (SyntaxError, ValueError):
        return None

    def ev(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return node.value
        if isinstance(node, ast.Constant) and node.value is Ellipsis:
            return Ellipsis
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = ev(node.operand)
            return -v if isinstance(node.op, ast.USub) else +v
        if isinstance(node, ast.BinOp):
            a, b = ev(node.left), ev(node.right)
            op = node.op
            if isinstance(op, ast.Add):
                return a + b
            if isinstance(op, ast.Sub):
                return a - b
            if isinstance(op, ast.Mult):
                if isinstance(a, int) and isinstance(b, int) and a and b and a.bit_length() + b.bit_length() > 100_000:
                    return math.inf
                return a * b
            if isinstance(op, ast.Div):
                return a / b
            if isinstance(op, ast.FloorDiv):
                return a // b
            if isinstance(op, ast.Pow):
                if isinstance(a, (int, float)) and isinstance(b, (int, float)):
                    if abs(a) > 1 and b > 0 and b * math.log2(abs(a)) > 100_000:
                        return math.inf if isinstance(a, int) else a**b  # float overflow raises
                return a**b
        raise TypeError("not evaluable")

    try:
        return ev(tree)
    except Exception:
        return None


def _tinyzero(completion: str, numbers: list[int], target: int, format_score: float = 0.1, full: float = 1.0) -> float:
    equation = _tz_extract(completion)
    if equation is None:
        return 0.0
    try:
        used = sorted(int(n) for n in re.findall(r"\d+", equation))
    except ValueError:
        return format_score
    if used != sorted(numbers):
        return format_score
    try:
        result = _tz_eval(equation)
        if result is None:
            return format_score
        if abs(result - target) < 1e-5:
            return full
        return format_score
    except Exception:
        return format_score


# ---------------------------------------------------------------- Sudoku

_SUDOKU_SYMBOLS = "123456789ABCDEFGHIJKLMNOP"


def _puzzle_box(entry: Any) -> tuple[str, Any]:
    """(the puzzle's text, its box shape or None) of a Sudoku entry."""
    if isinstance(entry, str):
        return entry.strip(), None
    if isinstance(entry, dict) and isinstance(entry.get("puzzle"), str):
        return entry["puzzle"].strip(), entry.get("box")
    if isinstance(getattr(entry, "puzzle", None), str):
        return entry.puzzle.strip(), getattr(entry, "box", None)
    raise ValueError("a Sudoku entry must give 'puzzle' (its n*n characters)")


def _sudoku_strict(completion: str, entry: Any) -> float:
    from clew import sudoku  # the engine, below this module
    from clew._core import ClewError

    puzzle, box = _puzzle_box(entry)
    n = math.isqrt(len(puzzle))
    if n < 1 or n * n != len(puzzle):
        raise ValueError(f"a Sudoku puzzle has n*n cells, got {len(puzzle)} characters")
    matches = _ANSWER_RE.findall(completion)
    if matches:
        answer = matches[-1]
    else:
        lines = [line for line in completion.splitlines() if line.strip()]
        answer = lines[-1] if lines else ""
    grid = "".join(answer.split())
    symbols = _SUDOKU_SYMBOLS[:n]
    if len(grid) != n * n or any(c not in symbols for c in grid):
        return 0.0
    if any(p not in ".0" and p != g for p, g in zip(puzzle, grid)):
        return 0.0
    try:
        return 1.0 if sudoku.count_solutions(grid, limit=1, box=box) == 1 else 0.0
    except ClewError:  # clashing symbols: the engine refuses the grid
        return 0.0


# ---------------------------------------------------------------- entry point


def score(task: str, completion: str | None, entry: Any, rules: str = "strict", *, extract: bool = False) -> float:
    """Score a model's completion for one entry of a task (``"countdown"`` or ``"sudoku"``).

    See the module documentation for the rule sets."""
    if task == "sudoku":
        if rules != "strict":
            raise ValueError(f"Sudoku has one rule set, 'strict', not {rules!r}")
        return _sudoku_strict(completion or "", entry)
    if task != "countdown":
        raise ValueError(f"unknown task {task!r} (expected one of {', '.join(TASKS)})")
    numbers, target = _numbers_target(entry)
    # float() so that every rule set returns a float, whatever its helper does.
    if rules == "strict":
        return float(_strict(completion or "", numbers, target))
    if rules in ("reasoning_gym", "reasoning-gym"):
        answer = _rg_extract(completion) if (extract and completion is not None) else completion
        return float(_reasoning_gym(answer, numbers, target))
    if rules == "tinyzero":
        return float(_tinyzero(completion or "", numbers, target))
    raise ValueError(f"unknown rules {rules!r} (expected one of {', '.join(RULES)})")
