"""Search traces: records, text styles and the validator (thin over the Rust renderers).

* :class:`TraceRecord` -- a rendered trace with its puzzle, answer, optimal
  path, backtracks, nodes expanded, depth and length (``clew.countdown.trace_record``
  returns one; ``clew.sudoku.trace_record`` returns the same keys as a dict);
* :data:`STYLES` -- the text styles available;
* :func:`validate` -- replay a rendered trace and check every step;
* :func:`exploring_blocks` / :func:`sort_shuffled_blocks` -- helpers to compare
  Stream of Search BFS traces, whose kept children are shuffled.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from clew import _core, sudoku
from clew._core import CountdownTrace as TraceRecord
from clew._validation import Validation
from clew.traces.sat import SatValidation, validate_sat

__all__ = [
    "STYLES",
    "SatValidation",
    "TraceRecord",
    "Validation",
    "exploring_blocks",
    "sort_shuffled_blocks",
    "validate",
    "validate_sat",
]

#: Text styles the Countdown renderers write (Sudoku: all but ``sos``).
STYLES: tuple[str, ...] = ("sos", "compact", "wait", "backtrack", "astro")


def validate(
    text: str,
    numbers: Sequence[int] | None = None,
    target: int | None = None,
    style: str = "sos",
    *,
    task: str | None = None,
    puzzle: Any = None,
    box: tuple[int, int] | None = None,
    node_labels: str | None = None,
) -> Validation:
    """Replay a rendered trace and check every step. ``line`` is the 1-based
    line of the first error (0 when valid).

    Countdown (the default; ``task="countdown"``): every step legal, every
    state right, every verdict right, every jump to a node the search
    reached, and (when given) the instance the one it starts from. In the
    ``sos`` style every ``Generated Node`` label must be a new child label of
    the node whose state was shown last; ``node_labels="shown"`` also checks
    that its index counts the children explored from that node before it
    (what a depth-first trace with ``node_labels="shown"``, the default,
    writes), ``"search"`` that it is at least that (the full search's labels,
    which skip the siblings a ``backtracks=k`` trace leaves out). ``None``
    accepts either, and BFS traces.

    Sudoku (``task="sudoku"``, implied by ``puzzle``; styles ``backtrack``,
    ``wait``, ``astro``, ``compact``): every placed value goes in an empty
    cell no peer holds and is the single it claims, every guess lists the
    cell's real candidates, every dead end is real and is followed by a
    return, every return restores the grid as it was before the guess it
    undoes, and the final grid is full and is the answer given; ``puzzle``
    (when given) must be the one the trace starts from."""
    if task is None:
        task = "sudoku" if puzzle is not None else "countdown"
    if task == "sudoku":
        return sudoku.validate(text, puzzle, style, box)
    if task != "countdown":
        raise _core.InputError(f"task must be 'countdown' or 'sudoku', got {task!r}")
    nums = None if numbers is None else [int(n) for n in numbers]
    return Validation(*_core.countdown_validate(text, nums, target, style, node_labels))


def exploring_blocks(text: str) -> list[list[str]]:
    """For each ``Current State`` line (each expansion of a BFS trace), the
    ``Exploring Operation`` texts that follow it, in order: the order in which
    a Stream of Search BFS shuffled that node's kept children. Passing it as
    ``given_order`` to ``clew.countdown.trace_record`` replays those shuffles."""
    blocks: list[list[str]] = []
    for line in text.split("\n"):
        if line.startswith("Current State:"):
            blocks.append([])
        elif line.startswith("Exploring Operation: ") and blocks:
            blocks[-1].append(line[len("Exploring Operation: ") :])
    return blocks


def sort_shuffled_blocks(text: str) -> list[str]:
    """The trace's lines with each run of ``Exploring Operation`` groups (an
    Exploring line and the verdict or Generated line after it) sorted: two
    BFS traces that differ only by the order of those groups compare equal."""
    lines = text.split("\n")
    out: list[str] = []
    k = 0
    while k < len(lines):
        if lines[k].startswith("Exploring Operation: "):
            groups = []
            while k < len(lines) and lines[k].startswith("Exploring Operation: "):
                group = [lines[k]]
                k += 1
                if k < len(lines) and not lines[k].startswith(("Exploring Operation: ", "Moving to", "Current State")):
                    group.append(lines[k])
                    k += 1
                groups.append(group)
            for g in sorted(groups):
                out.extend(g)
        else:
            out.append(lines[k])
            k += 1
    return out
