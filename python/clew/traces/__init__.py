"""Search traces: records, text styles and the validator (thin over the Rust renderers).

* :class:`TraceRecord` -- a rendered trace with its puzzle, answer, optimal
  path, backtracks, nodes expanded, depth and length (``clew.countdown.trace_record``
  returns one);
* :data:`STYLES` -- the text styles available;
* :func:`validate` -- replay a rendered trace and check every step;
* :func:`exploring_blocks` / :func:`sort_shuffled_blocks` -- helpers to compare
  Stream of Search BFS traces, whose kept children are shuffled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clew import _core
from clew._core import CountdownTrace as TraceRecord
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

#: Text styles the Countdown renderers write.
STYLES: tuple[str, ...] = ("sos", "compact", "wait", "backtrack", "astro")


@dataclass(frozen=True)
class Validation:
    """The verdict on one trace."""

    valid: bool
    solved: bool
    steps: int
    line: int
    message: str | None

    def __bool__(self) -> bool:
        return self.valid


def validate(
    text: str, numbers: Sequence[int] | None = None, target: int | None = None, style: str = "sos"
) -> Validation:
    """Replay a rendered Countdown trace: every step legal, every state right,
    every verdict right, every jump to a node the search reached, and (when
    given) the instance the one it starts from. ``line`` is the 1-based line
    of the first error (0 when valid)."""
    nums = None if numbers is None else [int(n) for n in numbers]
    return Validation(*_core.countdown_validate(text, nums, target, style))


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
