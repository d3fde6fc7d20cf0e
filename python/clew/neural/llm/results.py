"""What :func:`clew.neural.llm.search` returns: a :class:`PuzzleResult` per puzzle, in a
:class:`SearchRun`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clew._table import markdown_table


@dataclass(frozen=True)
class PuzzleResult:
    """One puzzle's search: ``solved`` (a verified answer reached), the ``steps`` and
    ``text`` of the answer (of the best path where unsolved and known), how it ``stop``\\ ped
    (``"solved"``, ``"exhausted"``, ``"tokens"``, ``"nodes"``, ``"seconds"``), and what it
    spent: ``tokens`` (the meter's read + generated), ``nodes``, ``evaluations``,
    ``seconds``. ``cost`` equals ``tokens`` (what :func:`clew.search.compare` reads)."""

    puzzle: Any
    solved: bool
    steps: tuple[str, ...]
    text: str
    stop: str
    tokens: int
    nodes: int
    evaluations: int
    seconds: float

    @property
    def cost(self) -> float:
        return float(self.tokens)


@dataclass(frozen=True)
class SearchRun:
    """Every puzzle's :class:`PuzzleResult` of one :func:`search` call."""

    algorithm: str
    results: list[PuzzleResult]

    @property
    def solved(self) -> int:
        return sum(r.solved for r in self.results)

    @property
    def solve_rate(self) -> float:
        return self.solved / len(self.results) if self.results else 0.0

    @property
    def tokens(self) -> int:
        return sum(r.tokens for r in self.results)

    def summary(self) -> dict[str, Any]:
        n = len(self.results)
        return {"algorithm": self.algorithm, "puzzles": n, "solved": self.solved, "solve rate": self.solve_rate,
                "tokens": self.tokens, "tokens per puzzle": self.tokens / n if n else float("nan"),
                "seconds": sum(r.seconds for r in self.results)}

    def table(self) -> str:
        row = self.summary()
        return markdown_table(list(row), [[f"{v:.4g}" if isinstance(v, float) else str(v) for v in row.values()]])
