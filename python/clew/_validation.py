"""The verdict a trace validator returns: public as ``clew.traces.Validation``;
it lives below the engines because ``clew.sudoku.validate`` returns it too."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Validation:
    """The verdict on one trace (see :func:`clew.traces.validate`)."""

    valid: bool
    solved: bool
    steps: int
    line: int
    message: str | None

    def __bool__(self) -> bool:
        return self.valid
