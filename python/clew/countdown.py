"""The Countdown numbers game: solve, enumerate, generate, and trace searches.

>>> import clew.countdown as cd
>>> cd.solve([25, 5, 8, 4], 80)            # eval() of it is exactly 80
'(25-5)*(8-4)'
>>> cd.trace([84, 64, 21, 23], 83)[:60]     # Stream of Search's DFS trace
'Current State: 83:[84, 64, 21, 23], Operations: []\\nExploring'

Rules (``rules=``): ``"sos"`` (default; Stream of Search's ``combine_nums``:
every number used exactly once, ``a+b``, ``a*b``, larger minus smaller with
zero allowed, exact division only), ``"classic"`` (numbers may be left
unused, intermediate results positive) and ``"subset"`` (SoS steps, numbers
may be left unused).

Bad input (fewer than 2 or more than 8 numbers, negative or non-integer
values, values so large a step could overflow 63 bits) raises
:class:`clew.PuzzleError`. An unsolvable instance is an answer (``None``).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from typing import Any

from clew import _core
from clew._core import CountdownTrace, PuzzleError

__all__ = [
    "CountdownTrace",
    "generate",
    "optimal_path",
    "shortest",
    "solutions",
    "solve",
    "sos_solution",
    "target_split",
    "trace",
    "trace_batch",
    "trace_record",
]

_I64 = 2**63 - 1


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise PuzzleError(f"{what} must be an integer, got {value!r}")
    try:
        v = operator.index(value)
    except TypeError:
        raise PuzzleError(f"{what} must be an integer, got {value!r}") from None
    if v > _I64:
        raise PuzzleError(f"{what} is too large: {v}")
    if v < -_I64:
        raise PuzzleError(f"{what} must be non-negative, got {v}")
    return v


def _instance(numbers: Iterable[Any], target: Any) -> tuple[list[int], int]:
    if isinstance(numbers, (str, bytes)) or not isinstance(numbers, Iterable):
        raise PuzzleError(f"numbers must be a sequence of integers, got {numbers!r}")
    return [_int(n, "each number") for n in numbers], _int(target, "the target")


def solve(
    numbers: Sequence[int],
    target: int,
    *,
    rules: str = "sos",
    method: str = "dfs",
    heuristic: str = "sum",
    beam_size: int | None = None,
) -> str | None:
    """One solution as an ASCII expression (``+-*/()``) whose Python ``eval``
    equals ``target`` exactly and which uses each number once, or ``None``.

    ``method="dfs"`` (default) is a complete search with a memo of dead
    multisets: ``None`` means no solution exists. ``"best_first"`` is complete
    too; ``"bfs"`` is Stream of Search's BFS (complete when ``beam_size`` is
    None); ``"beam"`` (width ``beam_size``, default 5) may miss solutions.
    The GIL is released; Ctrl-C interrupts."""
    nums, t = _instance(numbers, target)
    return _core.countdown_solve(nums, t, rules, method, heuristic, beam_size)


def solutions(numbers: Sequence[int], target: int, *, rules: str = "sos", limit: int | None = None) -> list[str]:
    """Every distinct solution (distinct up to the order of independent steps
    and of the terms of sums and products), shortest first, then in text
    order. With ``limit``, the first ``limit`` found by the search (sorted the
    same way). Exponential in the count of numbers: use ``limit`` beyond 6."""
    nums, t = _instance(numbers, target)
    if limit is not None and limit < 0:
        raise PuzzleError(f"limit must be non-negative, got {limit}")
    return _core.countdown_solutions(nums, t, rules, limit)


def shortest(numbers: Sequence[int], target: int, *, rules: str = "sos") -> str | None:
    """The solution with the fewest operations (only differs from others when
    ``rules`` lets numbers go unused), then the shortest text; or ``None``."""
    nums, t = _instance(numbers, target)
    return _core.countdown_shortest(nums, t, rules)


def trace_record(
    numbers: Sequence[int],
    target: int,
    search: str = "dfs",
    heuristic: str = "sum",
    beam_size: int | None = None,
    threshold: float | None = None,
    style: str = "sos",
    *,
    rules: str = "sos",
    seed: int | None = None,
    given_order: Sequence[Sequence[str]] | None = None,
    backtracks: int | None = None,
    node_labels: str = "shown",
) -> CountdownTrace:
    """Run a search, record its tree, render it, and return the record: the
    ``text`` and the puzzle, the ``answer`` (an expression) and ``solution``
    (the steps), Stream of Search's ``optimal_path``, ``backtracks``,
    ``nodes_expanded``/``nodes_generated``/``nodes_visited``, ``depth`` and
    ``length`` in characters.

    ``search``: ``"dfs"`` (Stream of Search's; ``threshold`` defaults to the
    target, ``math.inf`` keeps every child), ``"bfs"`` (Stream of Search's
    beam BFS, ``beam_size`` default 5), ``"best_first"``, ``"beam"``.
    ``heuristic``: ``"sum"`` or ``"mult"`` (Stream of Search's).
    ``seed`` (bfs): shuffle the kept children exactly as Stream of Search
    does after ``random.seed(seed)``; without it they stay in heuristic
    order. ``given_order`` (bfs): for each expansion, the ``Exploring
    Operation`` texts in the order a recorded trace lists them.

    ``style``: ``"sos"``, or (dfs only) ``"compact"``, ``"wait"``,
    ``"backtrack"``, ``"astro"``. ``backtracks=k`` (dfs only): exactly ``k``
    wrong branches the search really visited, each followed to its real dead
    end, then the solution (``0``: the shortcut with no backtracking); an
    InputError when the tree has fewer. The node counts describe the whole
    search; ``backtracks``, ``text`` and ``length`` the rendered trace.

    ``node_labels`` (``sos`` style with ``backtracks``): ``"shown"`` numbers
    the nodes the trace shows (``Generated Node #0,0`` then ``#0,0,0``: no
    gaps where siblings were left out); ``"search"`` keeps the full search's
    labels (``#0,1`` then ``#0,1,2``). The whole search's trace is the same
    either way."""
    nums, t = _instance(numbers, target)
    order = None if given_order is None else [list(b) for b in given_order]
    return _core.countdown_trace(
        nums, t, search, heuristic, beam_size, threshold, style, rules, seed, order, backtracks, node_labels
    )


def trace(
    numbers: Sequence[int],
    target: int,
    search: str = "dfs",
    heuristic: str = "sum",
    beam_size: int | None = None,
    threshold: float | None = None,
    style: str = "sos",
    *,
    rules: str = "sos",
    seed: int | None = None,
    backtracks: int | None = None,
    node_labels: str = "shown",
) -> str:
    """The trace text of a search (see :func:`trace_record` for the
    parameters). With the defaults it is byte-identical to Stream of
    Search's ``dfs(target, nums, sum_heuristic, threshold=target)``."""
    return trace_batch(
        [(numbers, target)], search, heuristic, beam_size, threshold, style, rules=rules, seed=seed,
        backtracks=backtracks, node_labels=node_labels,
    )[0]


def trace_batch(
    instances: Iterable[tuple[Sequence[int], int]],
    search: str = "dfs",
    heuristic: str = "sum",
    beam_size: int | None = None,
    threshold: float | None = None,
    style: str = "sos",
    *,
    rules: str = "sos",
    seed: int | None = None,
    threads: int = 1,
    backtracks: int | None = None,
    node_labels: str = "shown",
) -> list[str]:
    """Trace texts for many ``(numbers, target)`` instances, in order, with
    the GIL released (``threads`` > 1 splits the work). With ``seed`` (bfs)
    each instance's shuffles start from ``random.seed(seed)``."""
    items = [_instance(n, t) for n, t in instances]
    return _core.countdown_trace_batch(
        items, search, heuristic, beam_size, threshold, style, rules, seed, threads, backtracks, node_labels
    )


def sos_solution(numbers: Sequence[int], target: int) -> list[str] | None:
    """Stream of Search's own first solution (``CountDown.search``) as steps
    such as ``['84/21=4', '64+23=87', '87-4=83']``, or ``None``."""
    nums, t = _instance(numbers, target)
    return _core.countdown_sos_solution(nums, t)


def optimal_path(numbers: Sequence[int], target: int) -> str | None:
    """Stream of Search's ``optimal_path`` text (``convert_to_path`` of its
    first solution), byte-identical, or ``None`` when unsolvable."""
    nums, t = _instance(numbers, target)
    return _core.countdown_optimal_path(nums, t)


def target_split(seed: int = 0, max_target: int = 100) -> tuple[list[int], list[int]]:
    """Stream of Search's target split for ``--seed seed``: ``(train,
    held_out)``, the held-out tenth of ``10..max_target`` it validates on."""
    return _core.countdown_target_split(seed, max_target)


def generate(
    n: int,
    preset: str = "sos",
    *,
    seed: int = 0,
    split: str = "train",
    split_seed: int = 0,
    numbers: int | tuple[int, int] | None = None,
    values: tuple[int, int] | None = None,
    targets: tuple[int, int] | Sequence[int] | None = None,
    method: str | None = None,
) -> list[tuple[list[int], int]]:
    """``n`` solvable instances ``(numbers, target)`` (every number used, SoS
    rules), a pure function of ``seed``.

    ``preset="sos"``: 4 numbers in 1..99, targets 10..100 from Stream of
    Search's ``split`` (``"train"``, ``"held_out"`` or ``"all"``) for
    ``split_seed``; drawn target first, then numbers until solvable.
    ``preset="reasoning_gym"``: 4-6 numbers in 1..100, targets 100..999, drawn
    from random expressions. Override with ``numbers`` (a count or a
    ``(min, max)``), ``values=(lo, hi)``, ``targets=(lo, hi)`` or an explicit
    list of targets, ``method="target_first"|"expression"``."""
    if n < 0:
        raise PuzzleError(f"n must be non-negative, got {n}")
    min_n = max_n = None
    if isinstance(numbers, int):
        min_n = max_n = numbers
    elif numbers is not None:
        min_n, max_n = numbers
    lo = hi = None
    if values is not None:
        lo, hi = values
        if lo < 0:
            raise PuzzleError(f"values must be non-negative, got {values}")
    tmin = tmax = None
    tlist = None
    if targets is not None:
        if isinstance(targets, tuple) and len(targets) == 2:
            tmin, tmax = targets
        else:
            tlist = [_int(t, "each target") for t in targets]
    for v in (min_n, max_n):
        if v is not None and not 2 <= v <= 8:
            raise PuzzleError(f"countdown takes 2 to 8 numbers, got {v}")
    return _core.countdown_generate(
        n, preset, seed, split, split_seed, min_n, max_n, lo, hi, tmin, tmax, tlist, method
    )
