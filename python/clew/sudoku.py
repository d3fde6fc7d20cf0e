"""Sudoku of any size N x N with r x c boxes (N <= 25), solved in Rust.

Puzzles come as

* a string of N*N characters: ``.`` or ``0`` for a blank, ``1``-``9`` then
  ``A``-``P`` (any case) for 10-25; whitespace is ignored;
* a list (or tuple) of N*N ints, or of N lists of N ints (0 for a blank);
* a numpy array of ints, flat (N*N,) or square (N, N).

Answers come back in the form given: a string for a string (``.``-free, N*N
characters), a list/tuple of the same nesting, an array of the same shape and
dtype. The default box of each size is 4 -> 2x2, 6 -> 2x3, 9 -> 3x3,
12 -> 3x4, 16 -> 4x4, 25 -> 5x5 (in general the largest r <= sqrt(N) dividing
N); pass ``box=(r, c)`` for any other shape.

Errors: a malformed puzzle (wrong length, bad characters, values out of
range, empty input, givens that clash in a row, column or box) raises
:class:`clew.PuzzleError` (a :class:`clew.ClewError` and a ``ValueError``)
saying what is wrong. A puzzle with consistent givens but no solution is an
answer: ``None`` (or status 0 in a batch), not an error.

Every long call releases the GIL; Ctrl-C raises ``KeyboardInterrupt``.

>>> from clew import sudoku
>>> sudoku.solve("1...\\n..2.\\n.3..\\n...4")
'1243342143122134'
"""

from __future__ import annotations

import operator
import random
from collections.abc import Sequence
from typing import Any, Union

import numpy as np

from clew import _core
from clew._core import PuzzleError
from clew._validation import Validation

__all__ = [
    "DEDUCTIONS",
    "BRANCHINGS",
    "DIFFICULTIES",
    "TECHNIQUES",
    "PuzzleError",
    "count_solutions",
    "default_box",
    "format_grid",
    "generate",
    "generate_batch",
    "rate",
    "search",
    "solve",
    "solve_batch",
    "TRACE_DEDUCTIONS",
    "TRACE_STYLES",
    "trace",
    "trace_batch",
    "trace_record",
    "validate",
]

Puzzle = Union[str, Sequence[int], Sequence[Sequence[int]], np.ndarray]
Box = Union[tuple[int, int], None]

DEDUCTIONS = ("none", "naked_singles", "hidden_singles", "locked_candidates", "pairs")
BRANCHINGS = ("mrv", "first", "random")
DIFFICULTIES = ("easy", "medium", "hard", "expert")
TECHNIQUES = (
    "hidden_single_box",
    "hidden_single_row",
    "hidden_single_col",
    "naked_single",
    "pointing",
    "claiming",
    "naked_pair",
    "hidden_pair",
)
_CHARS = ".123456789ABCDEFGHIJKLMNOP"
#: Text styles of Sudoku search traces (Countdown's ``sos`` has no Sudoku form).
TRACE_STYLES = ("backtrack", "wait", "astro", "compact")
#: Deduction levels a trace can use: singles only, so every step replays from the grid.
TRACE_DEDUCTIONS = ("none", "naked_singles", "hidden_singles")


def default_box(size: int) -> tuple[int, int] | None:
    """The box shape used for an N x N grid when none is given (None for sizes
    such as primes that have none; they need an explicit ``box``)."""
    if size == 1:
        return (1, 1)
    r = max((r for r in range(1, size + 1) if r * r <= size and size % r == 0), default=1)
    return (r, size // r) if r > 1 else None


def _box(box: Any) -> tuple[int, int] | None:
    if box is None:
        return None
    try:
        r, c = (operator.index(x) for x in box)
    except (TypeError, ValueError):
        raise PuzzleError(f"box must be a pair of ints (rows, cols), got {box!r}") from None
    return (r, c)


class _Form:
    """How a puzzle was given, to give the answer back in the same form."""

    def __init__(self, kind: str, shape: tuple[int, ...] = (), dtype: Any = None, container: type = list):
        self.kind, self.shape, self.dtype, self.container = kind, shape, dtype, container

    def back(self, values: list[int]) -> Any:
        if self.kind == "array":
            return np.asarray(values, dtype=self.dtype).reshape(self.shape)
        if self.kind == "nested":
            n = self.shape[0]
            return self.container(self.container(values[i * n : (i + 1) * n]) for i in range(n))
        return self.container(values)


def _int(x: Any, where: str) -> int:
    if isinstance(x, (str, bytes, float)):
        raise PuzzleError(f"{where} is {x!r}, not an integer")
    try:
        return operator.index(x)
    except TypeError:
        raise PuzzleError(f"{where} is {x!r}, not an integer") from None


def _normalise(puzzle: Any) -> tuple[str | list[int], _Form]:
    """Turn any accepted form into text or a flat list of ints."""
    if isinstance(puzzle, str):
        return puzzle, _Form("str")
    if isinstance(puzzle, np.ndarray):
        if puzzle.ndim not in (1, 2) or (puzzle.ndim == 2 and puzzle.shape[0] != puzzle.shape[1]):
            raise PuzzleError(f"a puzzle array must be flat (N*N,) or square (N, N), got shape {puzzle.shape}")
        if puzzle.size == 0:
            raise PuzzleError("empty puzzle: the array has no cells")
        if puzzle.dtype.kind == "f":
            if not np.all(np.isfinite(puzzle)) or not np.all(puzzle == np.round(puzzle)):
                raise PuzzleError("a float puzzle array must hold whole numbers")
        elif puzzle.dtype.kind not in "iu":
            raise PuzzleError(f"a puzzle array must hold integers, got dtype {puzzle.dtype}")
        flat = [int(v) for v in puzzle.ravel().tolist()]
        return flat, _Form("array", puzzle.shape, puzzle.dtype)
    if isinstance(puzzle, (list, tuple)):
        container = type(puzzle) if type(puzzle) in (list, tuple) else list
        if len(puzzle) == 0:
            raise PuzzleError("empty puzzle: the list is empty")
        if all(isinstance(row, (list, tuple, np.ndarray)) for row in puzzle):
            n = len(puzzle)
            flat = []
            for i, row in enumerate(puzzle):
                if len(row) != n:
                    raise PuzzleError(f"a nested puzzle must be N lists of N values: row {i} has {len(row)}, expected {n}")
                flat.extend(_int(x, f"row {i}, column {j}") for j, x in enumerate(row))
            return flat, _Form("nested", (n, n), container=container)
        return [_int(x, f"element {i}") for i, x in enumerate(puzzle)], _Form("flat", container=container)
    raise PuzzleError(
        f"a puzzle must be a str, a list/tuple of ints or a numpy array, got {type(puzzle).__name__}"
    )


def solve(puzzle: Puzzle, box: Box = None) -> Any:
    """Solve a Sudoku; return the solution in the form given, or None.

    With several solutions, the first one in the solver's deterministic search
    order (singles and locked candidates, fewest-candidates branching, values
    ascending) is returned. Clashing givens and malformed input raise PuzzleError; a
    consistent puzzle without a solution gives None.
    """
    data, form = _normalise(puzzle)
    out = _core.sudoku_solve(data, _box(box))
    if out is None:
        return None
    if form.kind == "str":
        return out
    assert isinstance(out, list)
    return form.back(out)


def count_solutions(puzzle: Puzzle, limit: int = 2, box: Box = None) -> int:
    """The number of solutions, counting stopped at ``limit`` (so with the
    default 2: 0 none, 1 unique, 2 several). Clashing givens raise PuzzleError."""
    data, _ = _normalise(puzzle)
    return _core.sudoku_count(data, operator.index(limit), _box(box))


def rate(puzzle: Puzzle, box: Box = None) -> dict[str, Any]:
    """Difficulty measures of a puzzle.

    Returns a dict: ``difficulty`` ('easy': singles only, 'medium': locked
    candidates, 'hard': naked/hidden pairs, 'expert': needs guessing; None when
    there is no solution), ``se_like`` (Sudoku-Explainer-like number: the SE
    weight of the hardest technique used, 1.2 ... 3.4; above 4 when guessing
    is needed, growing with the guesses), ``hardest`` (technique name or None),
    ``logical`` (solved without guessing), ``solutions`` (0, 1 or 2 = several),
    ``guesses``/``backtracks``/``nodes`` of a search with every technique,
    and ``techniques`` (count of each in the simplest-first logical pass).
    """
    data, _ = _normalise(puzzle)
    return _core.sudoku_rate(data, _box(box))


def search(
    puzzle: Puzzle,
    box: Box = None,
    *,
    deduction: str = "locked_candidates",
    branching: str = "mrv",
    seed: int = 0,
    limit: int = 1,
    node_limit: int | None = None,
    simplest_first: bool = False,
    log: bool = False,
) -> dict[str, Any]:
    """A configurable solve, with statistics and an optional step log.

    ``deduction``: one of DEDUCTIONS (each includes the ones before it;
    'none' is pure backtracking). ``branching``: 'mrv' (fewest candidates),
    'first' (first open cell) or 'random' (a random open cell, its values in
    random order, from ``seed``). ``limit``: stop after that many solutions.
    ``node_limit``: stop after that many search nodes (status 'stopped').
    ``simplest_first``: deduce like a person (the easiest productive technique
    first) instead of the fast order. ``log``: include ``steps``, a list of
    dicts, each labelled with its ``kind`` (place, eliminate, guess,
    backtrack, contradiction, solution) and, for deductions, its ``technique``.

    Returns ``solution`` (form given, or None), ``solutions``, ``status``
    ('limit': limit reached, 'exhausted': whole tree searched, 'stopped'),
    ``nodes``, ``guesses``, ``backtracks``, ``contradictions``, ``max_depth``,
    ``techniques``, and ``steps`` when logged. Cells are row-major indices,
    units 0..N-1 rows, N..2N-1 columns, 2N..3N-1 boxes.
    """
    data, form = _normalise(puzzle)
    out = _core.sudoku_search(
        data,
        _box(box),
        deduction,
        branching,
        operator.index(seed) & (2**64 - 1),
        operator.index(limit),
        None if node_limit is None else operator.index(node_limit),
        bool(simplest_first),
        bool(log),
    )
    sol = out["solution"]
    if sol is not None and form.kind != "str":
        out["solution"] = form.back(sol)
    return out


def _batch_array(boards: Any) -> tuple[np.ndarray, int, tuple[int, ...]]:
    arr = np.asarray(boards)
    if arr.ndim == 2:
        count, cells = arr.shape
        n = int(round(cells**0.5))
        if n * n != cells or cells == 0:
            raise PuzzleError(f"boards of shape {arr.shape}: each row must hold N*N values (81 for 9x9)")
    elif arr.ndim == 3 and arr.shape[1] == arr.shape[2] and arr.shape[1] > 0:
        count, n = arr.shape[0], arr.shape[1]
    else:
        raise PuzzleError(f"boards must have shape (B, N*N) or (B, N, N), got {arr.shape}")
    if arr.dtype != np.uint8:
        if arr.dtype.kind not in "iub":
            raise PuzzleError(f"boards must hold integers (uint8), got dtype {arr.dtype}")
        if arr.size and (arr.min() < 0 or arr.max() > n):
            bad = int(np.flatnonzero((arr.reshape(count, -1) < 0) | (arr.reshape(count, -1) > n))[0])
            value = int(arr.reshape(-1)[bad])
            raise PuzzleError(
                f"board {bad // (n * n)}: value {value} at index {bad % (n * n)} is out of range "
                f"for a {n}x{n} grid (0 for blank, 1..={n})"
            )
        arr = arr.astype(np.uint8)
    return np.ascontiguousarray(arr), n, arr.shape


def solve_batch(boards: Any, box: Box = None, threads: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Solve many puzzles in parallel with the GIL released.

    ``boards``: a uint8 array of shape (B, N*N) (or (B, N, N); other integer
    dtypes are converted), 0 for blanks. Returns ``(solutions, status)``:
    uint8 solutions of the same shape, rows of unsolved boards all zero, and an
    int8 status per board: 1 solved, 0 no solution, -1 clashing givens. Each
    solution is the one :func:`solve` returns. ``threads``: worker threads
    (default: every core). Values out of range raise PuzzleError naming the
    board.
    """
    arr, n, shape = _batch_array(boards)
    nthreads = 0 if threads is None else max(1, operator.index(threads))
    sols, status = _core.sudoku_solve_batch(arr.tobytes(), n, _box(box), nthreads)
    return (
        np.frombuffer(sols, dtype=np.uint8).reshape(shape).copy(),
        np.frombuffer(status, dtype=np.int8).copy(),
    )


def _seed(seed: int | None) -> int:
    if seed is None:
        return random.SystemRandom().getrandbits(64)
    return operator.index(seed) & (2**64 - 1)


def _difficulty(difficulty: Any) -> tuple[str | None, tuple[float, float] | None]:
    if difficulty is None:
        return None, None
    if isinstance(difficulty, str):
        return difficulty, None
    try:
        lo, hi = (float(x) for x in difficulty)
    except (TypeError, ValueError):
        raise _core.InputError(
            f"difficulty must be one of {DIFFICULTIES} or an SE-like range (lo, hi), got {difficulty!r}"
        ) from None
    return None, (lo, hi)


def generate(
    size: int = 9,
    empty: int | None = None,
    unique: bool = True,
    difficulty: str | tuple[float, float] | None = None,
    seed: int | None = None,
    box: Box = None,
    *,
    max_attempts: int = 2000,
    with_solution: bool = False,
) -> Any:
    """Generate a puzzle; returns its string (N*N characters, '.' for blanks),
    or ``(puzzle, solution)`` strings with ``with_solution=True``.

    The solution grid comes from a randomised search; clues are then removed
    in random order while the solution stays unique (``unique=True``) until
    ``empty`` cells are blank (None: until no clue can go, a minimal puzzle),
    trading clues when a first pass falls short. With ``unique=False``,
    ``empty`` random cells are blanked. ``difficulty``: one of 'easy',
    'medium', 'hard', 'expert' (see :func:`rate`) or an SE-like range
    ``(lo, hi)``; grids are generated until one matches (up to
    ``max_attempts``, else InputError). The same ``seed`` gives the same puzzle.

    Cost: 9x9 takes well under a millisecond up to ~58 blanks, a few ms at
    60. On 16x16 and 25x25, proving uniqueness gets expensive past about half
    the cells blank; a clue whose check exceeds a node budget is kept, so
    "minimal" there means "no clue could be removed cheaply".
    """
    name, se_range = _difficulty(difficulty)
    puzzle, solution, _rating = _core.sudoku_generate(
        operator.index(size),
        None if empty is None else operator.index(empty),
        bool(unique),
        name,
        se_range,
        _seed(seed),
        _box(box),
        operator.index(max_attempts),
    )
    p = "".join(_CHARS[v] for v in puzzle)
    if with_solution:
        return p, "".join(_CHARS[v] for v in solution)
    return p


def generate_batch(
    count: int,
    size: int = 9,
    empty: int | None = None,
    unique: bool = True,
    difficulty: str | tuple[float, float] | None = None,
    seed: int | None = None,
    box: Box = None,
    *,
    max_attempts: int = 2000,
    threads: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Generate ``count`` puzzles in parallel (GIL released); returns
    ``(puzzles, solutions)``, uint8 arrays of shape (count, N*N), 0 for blanks.
    Item i depends only on (seed, i), not on the number of threads. Options as
    in :func:`generate`."""
    name, se_range = _difficulty(difficulty)
    count = operator.index(count)
    if count < 0:
        raise _core.InputError(f"count must be >= 0, got {count}")
    size = operator.index(size)
    p, s = _core.sudoku_generate_batch(
        count,
        size,
        None if empty is None else operator.index(empty),
        bool(unique),
        name,
        se_range,
        _seed(seed),
        _box(box),
        operator.index(max_attempts),
        0 if threads is None else max(1, operator.index(threads)),
    )
    cells = size * size
    return (
        np.frombuffer(p, dtype=np.uint8).reshape(count, cells).copy(),
        np.frombuffer(s, dtype=np.uint8).reshape(count, cells).copy(),
    )


def format_grid(puzzle: Puzzle, box: Box = None) -> str:
    """A human-readable rendering with box borders (blanks as '.')."""
    data, _ = _normalise(puzzle)
    if isinstance(data, str):
        values = []
        for i, ch in enumerate(ch for ch in data if not ch.isspace()):
            v = 0 if ch == "0" else _CHARS.find(ch.upper())
            if v < 0:
                raise PuzzleError(f"bad character {ch!r} at position {i}")
            values.append(v)
    else:
        values = list(data)
    n = int(round(len(values) ** 0.5))
    if n * n != len(values) or n == 0:
        raise PuzzleError(f"{len(values)} cells is not N*N")
    r, c = _box(box) or default_box(n) or (1, n)
    if r * c != n:
        raise PuzzleError(f"box {r}x{c} does not fit a {n}x{n} grid")
    lines = []
    for i in range(n):
        if i and i % r == 0:
            lines.append("-+-".join("-" * (2 * c - 1) for _ in range(n // c)))
        row = [_CHARS[v] if 0 <= v < len(_CHARS) else "?" for v in values[i * n : (i + 1) * n]]
        lines.append(" | ".join(" ".join(row[k : k + c]) for k in range(0, n, c)))
    return "\n".join(lines)


def _text(puzzle: Any, where: str = "puzzle") -> str:
    """A puzzle in any accepted form as text (``.`` for blanks)."""
    data, _ = _normalise(puzzle)
    if isinstance(data, str):
        return data
    bad = next((v for v in data if not 0 <= v < len(_CHARS)), None)
    if bad is not None:
        raise PuzzleError(f"{where}: value {bad} is out of range (0 for blank, 1..=25)")
    return "".join(_CHARS[v] for v in data)


def _trace_args(
    style: str, backtracks: int | None, seed: int | None, deduction: str, optimal_path: bool, rate: bool
) -> dict[str, Any]:
    """The keyword arguments of ``_core.sudoku_trace_batch`` shared by every trace call."""
    return dict(
        style=style,
        backtracks=None if backtracks is None else operator.index(backtracks),
        seed=None if seed is None else operator.index(seed) & (2**64 - 1),
        deduction=deduction,
        optimal_path=bool(optimal_path),
        rate=bool(rate),
    )


def trace_batch(
    puzzles: Any,
    style: str = "backtrack",
    backtracks: int | None = None,
    seed: int | None = 0,
    threads: int | None = 1,
    *,
    deduction: str = "hidden_singles",
    box: Box = None,
    optimal_path: bool = True,
    rate: bool = True,
) -> dict[str, list[Any]]:
    """Search traces of many puzzles, as columns, built in Rust with the GIL
    released.

    ``puzzles``: a sequence of puzzles (strings, lists or arrays, all the
    same size) or an integer array of shape (B, N*N) or (B, N, N), 0 for
    blanks. Returns a dict of column name -> list, one entry per puzzle, in
    order:

    * ``puzzle`` (str): the givens, N*N characters, ``.`` for a blank;
    * ``answer`` (str | None): the solution the search found (the first in
      search order), None when the puzzle has none;
    * ``trace`` (str): the trace text in ``style``;
    * ``style`` (str);
    * ``backtracks`` (int): returns written in ``trace`` (exactly
      ``backtracks`` when it was given);
    * ``nodes`` (int): search nodes, the root and every guess (the whole
      search, whatever is rendered);
    * ``guesses`` (int): guesses at cells with two or more candidates;
    * ``depth`` (int): the deepest guess level reached (0: no guess);
    * ``length`` (int): characters of ``trace``;
    * ``optimal_path`` (str | None): the same style with no wrong branch
      (the guess-free path to the answer when no guess is needed; else the
      right guesses only); None when unsolved or ``optimal_path=False``;
    * ``difficulty`` (float | None): the SE-like rating (see :func:`rate`);
      None when unsolved or ``rate=False``;
    * ``seed`` (int | None): the seed the record's values were shuffled
      with; ``trace_record(puzzle, seed=that)`` gives the same record.

    ``style``: one of TRACE_STYLES. ``backtracks``: None renders the whole
    search; ``k`` renders exactly ``k`` real wrong branches (guesses the
    search tried before the right one at a node of the solution path, each
    followed to its real dead end), then the solution; ``0`` is the shortcut
    with no backtracking. A puzzle whose search has fewer than ``k`` wrong
    branches raises InputError naming it (``puzzle 17: ...``). The search
    branches on the cell with the fewest candidates; ``seed`` shuffles the
    order its values are tried in (record ``i`` uses a seed derived from
    ``(seed, i)``); ``seed=None`` tries them in ascending order.
    ``deduction``: one of TRACE_DEDUCTIONS. ``threads``: worker threads
    (None or 0: every core); the output is the same for any value.

    Errors: a malformed puzzle or clashing givens raise PuzzleError naming
    the puzzle's index; an unsolvable puzzle with consistent givens is a
    record with ``answer`` None. Ctrl-C raises KeyboardInterrupt.
    """
    nthreads = 0 if threads is None else max(0, operator.index(threads))
    args = _trace_args(style, backtracks, seed, deduction, optimal_path, rate)
    args["threads"] = nthreads
    if isinstance(puzzles, np.ndarray) and puzzles.ndim in (2, 3):
        arr, n, _ = _batch_array(puzzles)
        return _core.sudoku_trace_batch(arr.tobytes(), n, _box(box), **args)
    texts = [_text(p, f"puzzle {i}") for i, p in enumerate(puzzles)]
    return _core.sudoku_trace_batch(texts, None, _box(box), **args)


def trace_record(
    puzzle: Puzzle,
    style: str = "backtrack",
    backtracks: int | None = None,
    seed: int | None = 0,
    *,
    deduction: str = "hidden_singles",
    box: Box = None,
    optimal_path: bool = True,
    rate: bool = True,
) -> dict[str, Any]:
    """Search one puzzle, record its tree, render it: the record as a dict
    with the keys of :func:`trace_batch`'s columns, plus Countdown's names
    for two of them (``text`` is ``trace``, ``nodes_expanded`` is
    ``nodes``). ``seed`` shuffles the values tried at each guess directly
    (no derivation). Parameters as in :func:`trace_batch`."""
    args = _trace_args(style, backtracks, seed, deduction, optimal_path, rate)
    cols = _core.sudoku_trace_batch([_text(puzzle)], None, _box(box), threads=1, derive_seeds=False, **args)
    record = {k: v[0] for k, v in cols.items()}
    record["text"] = record["trace"]
    record["nodes_expanded"] = record["nodes"]
    return record


def trace(
    puzzle: Puzzle,
    style: str = "backtrack",
    backtracks: int | None = None,
    seed: int | None = 0,
    *,
    deduction: str = "hidden_singles",
    box: Box = None,
) -> str:
    """The search trace of a puzzle as text (see :func:`trace_record`).

    >>> print(trace("1...\\n..2.\\n.3..\\n...4", style="compact"))  # doctest: +SKIP
    """
    return trace_record(
        puzzle, style, backtracks, seed, deduction=deduction, box=box, optimal_path=False, rate=False
    )["trace"]


def validate(text: str, puzzle: Puzzle | None = None, style: str = "backtrack", box: Box = None) -> Validation:
    """Replay a Sudoku trace step by step (see :func:`clew.traces.validate`)."""
    given = None if puzzle is None else _text(puzzle)
    return Validation(*_core.sudoku_validate(text, style, given, _box(box)))
